//! Snapshots of folded states (issue 19: a ten-year space's first view under 50 ms). When
//! nothing is cached for a space, its state starts from its stored snapshot, if that is of
//! this fold's version, and only the events after it are read and folded; every
//! `snapshot_every` events folded past it, a new one is written in the background. A
//! snapshot only saves work: the record stays the truth, so a snapshot that is missing, of
//! another version or unreadable just means a fold from the first event (and a new one).
//!
//! The first time a process starts a space from a snapshot it checks, in the background,
//! that a fold of the whole record equals the snapshot folded on; if not, it says so
//! loudly, puts the full fold in the cache, forgets the space's kept pages and deletes the
//! snapshot. Until the check ends, pages are drawn from the snapshot (that is the point);
//! a home page drawn in that moment may be kept until its minute turns or the record moves.
//!
//! This module decides when; what a snapshot is belongs to `domain::snapshot`, where it is
//! kept to `store::snapshots`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use super::App;
use crate::domain::SpaceId;
use crate::domain::snapshot::{self, FOLD_VERSION};
use crate::domain::space::{self, SpaceState};

/// Bytes above which reading or writing a snapshot is work for a blocking thread rather
/// than the request's (a year of daily use is about 110 KB, and decodes in about a
/// millisecond).
const BLOCKING_BYTES: usize = 64 * 1024;

/// What this process knows of snapshots beyond the cache.
pub(super) struct Snapshots {
    /// The spaces this process has started from a snapshot (and so checked, or is
    /// checking). A check is a whole fold, so it is done once per space and process, not
    /// again each time the space is evicted from the cache and read back.
    checked: Mutex<HashSet<SpaceId>>,
    /// Writes and checks still running, so a test can wait for them without sleeping.
    pending: tokio::sync::watch::Sender<usize>,
}

impl Snapshots {
    pub(super) fn new() -> Self {
        Self {
            checked: Mutex::default(),
            pending: tokio::sync::watch::Sender::new(0),
        }
    }

    /// Notes `space` as started from a snapshot; true the first time.
    fn first_start(&self, space: SpaceId) -> bool {
        self.checked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(space)
    }

    /// Counts background work from now until the guard is dropped (even by a panic).
    fn begin(&self) -> Pending {
        self.pending.send_modify(|n| *n += 1);
        Pending(self.pending.clone())
    }
}

struct Pending(tokio::sync::watch::Sender<usize>);

impl Drop for Pending {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Where a fold with nothing cached starts.
pub(super) struct Start {
    pub(super) state: SpaceState,
    /// The head seq of the space's stored snapshot (0: none that could be used).
    pub(super) snapshot_seq: u64,
    /// A snapshot is stored that this version cannot use: write one in its place.
    pub(super) replace: bool,
    /// The snapshot's bytes, when this is the first start from one in this process.
    pub(super) check: Option<Vec<u8>>,
}

impl Start {
    fn empty(space: SpaceId, replace: bool) -> Self {
        Self {
            state: SpaceState::empty(space),
            snapshot_seq: 0,
            replace,
            check: None,
        }
    }
}

/// Reads snapshot bytes, off the async workers when they are many.
async fn decode(bytes: Vec<u8>) -> (Vec<u8>, Result<SpaceState, snapshot::SnapshotError>) {
    if bytes.len() < BLOCKING_BYTES {
        let state = snapshot::decode_snapshot(&bytes);
        return (bytes, state);
    }
    match tokio::task::spawn_blocking(move || {
        let state = snapshot::decode_snapshot(&bytes);
        (bytes, state)
    })
    .await
    {
        Ok(done) => done,
        Err(err) => (
            Vec::new(),
            Err(snapshot::SnapshotError::Malformed(err.to_string())),
        ),
    }
}

impl App {
    fn snapshots(&self) -> &Snapshots {
        &self.inner.snapshots
    }

    /// Waits until no snapshot is being written or checked in the background.
    pub async fn snapshots_settled(&self) {
        let mut pending = self.snapshots().pending.subscribe();
        let _ = pending.wait_for(|n| *n == 0).await;
    }

    /// Where to fold `space` from when nothing is cached: its snapshot, if it has one this
    /// fold can use, or the empty state. Never fails: without a usable snapshot the
    /// record is folded from its first event, as it always could be.
    pub(super) async fn start_from_snapshot(&self, space: SpaceId) -> Start {
        let row = match self.store().snapshot(space).await {
            Ok(Some(row)) => row,
            Ok(None) => return Start::empty(space, false),
            Err(err) => {
                tracing::warn!(%space, error = %err, "the space's snapshot was not read; folding its whole record");
                return Start::empty(space, false);
            }
        };
        if row.fold_version != FOLD_VERSION {
            tracing::info!(%space, fold_version = row.fold_version, "a snapshot of another fold version is ignored and will be replaced");
            return Start::empty(space, true);
        }
        let (bytes, state) = decode(row.bytes).await;
        let state = match state {
            Ok(state)
                if state.id == space
                    && (state.head_seq, state.head_hash) == (row.head_seq, row.head_hash) =>
            {
                state
            }
            Ok(_) => {
                tracing::warn!(%space, "a snapshot of another space or head is ignored and will be replaced");
                return Start::empty(space, true);
            }
            Err(err) => {
                tracing::warn!(%space, error = %err, "a snapshot that does not read back is ignored and will be replaced");
                return Start::empty(space, true);
            }
        };
        let check = self.snapshots().first_start(space).then_some(bytes);
        Start {
            state,
            snapshot_seq: row.head_seq,
            replace: false,
            check,
        }
    }

    /// After `state` was folded: writes a snapshot of it in the background when more than
    /// `snapshot_every` events were folded past the last one (or the stored one must be
    /// replaced). Returns the head seq of the newest snapshot as this process knows it:
    /// the written one is noted on the cached state only once it is kept, so a write that
    /// found the record moved on (an append right after the fold) is tried again by the
    /// next fold. A damaged record gets none: what it would hold cannot be trusted, and its
    /// events must be checked each time it is folded.
    pub(super) fn snapshot_if_due(
        &self,
        state: &Arc<SpaceState>,
        snapshot_seq: u64,
        replace: bool,
    ) -> u64 {
        let every = self.settings().snapshot_every;
        let due = every > 0
            && state.head_seq > 0
            && !state.damage.is_damaged()
            && (replace || state.head_seq.saturating_sub(snapshot_seq) > every);
        if !due {
            return snapshot_seq;
        }
        let (app, state) = (self.clone(), state.clone());
        let pending = self.snapshots().begin();
        tokio::spawn(async move {
            let _pending = pending;
            app.write_snapshot(state).await;
        });
        snapshot_seq
    }

    /// Encodes and keeps a snapshot of `state`; a failure is only logged: the request that
    /// folded it has its answer, and the record is whole without it.
    async fn write_snapshot(&self, state: Arc<SpaceState>) {
        let space = state.id;
        let head = (state.head_seq, state.head_hash);
        let encoded = tokio::task::spawn_blocking(move || snapshot::encode_snapshot(&state)).await;
        let bytes = match encoded {
            Ok(bytes) => bytes,
            Err(err) => {
                tracing::warn!(%space, error = %err, "a snapshot was not encoded");
                return;
            }
        };
        let now = self.clock().now_secs();
        match self
            .store()
            .keep_snapshot(space, FOLD_VERSION, head, &bytes, now)
            .await
        {
            Ok(true) => {
                self.cache().note_snapshot(space, head.0);
                tracing::debug!(%space, seq = head.0, bytes = bytes.len(), "snapshot written");
            }
            Ok(false) => {
                tracing::debug!(%space, seq = head.0, "the record moved on; snapshot not written");
            }
            Err(err) => {
                tracing::warn!(%space, error = %err, "a snapshot was not written; the space is folded from its record as before");
            }
        }
    }

    /// Checks in the background that `bytes`, the snapshot a state of `space` was just
    /// started from, folded on with the record's events after it, equals the fold of the
    /// whole record.
    pub(super) fn check_snapshot(&self, space: SpaceId, bytes: Vec<u8>) {
        let app = self.clone();
        let pending = self.snapshots().begin();
        tokio::spawn(async move {
            let _pending = pending;
            if let Err(err) = app.check_snapshot_now(space, bytes).await {
                tracing::warn!(%space, error = %err, "a snapshot could not be checked against its record");
            }
        });
    }

    async fn check_snapshot_now(&self, space: SpaceId, bytes: Vec<u8>) -> anyhow::Result<()> {
        let events = self.store().events_after(space, 0).await?;
        let checked = tokio::task::spawn_blocking(move || {
            let from = snapshot::decode_snapshot(&bytes)?;
            let after = &events[events.partition_point(|e| e.seq <= from.head_seq)..];
            // Words removed since the snapshot: it was deleted with them, and the state in
            // the cache was folded again from the start; nothing to compare.
            if after.iter().any(|e| e.kind == "entry.redacted") {
                return Ok::<_, anyhow::Error>(None);
            }
            let seq = from.head_seq;
            let on = space::fold(from, after);
            let whole = space::fold(SpaceState::empty(space), &events);
            Ok((on != whole).then_some((whole, seq)))
        })
        .await??;
        let Some((whole, seq)) = checked else {
            return Ok(());
        };
        tracing::error!(
            %space,
            snapshot_seq = seq,
            "A SNAPSHOT OF THIS SPACE DOES NOT MATCH ITS RECORD: it is deleted and the space \
             is folded from its record. Either the stored events were changed underneath it \
             (the space's pages now say whether its record checks out), or the fold changed \
             without FOLD_VERSION being bumped"
        );
        let whole = Arc::new(whole);
        self.cache().replace(whole, 0);
        self.pages().forget_space(space);
        self.store().forget_snapshot(space).await?;
        Ok(())
    }
}
