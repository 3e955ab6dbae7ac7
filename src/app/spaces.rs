//! Creating a space, inviting a partner, joining, and reading the record.

use std::sync::Arc;
use std::time::Duration;

use super::{
    App, AppError, InviteProblem, Session, random_salt, random_token, snapshots, token_hash,
};
use crate::domain::input::{DisplayName, SpaceName};
use crate::domain::record::{self, Draft, RecordedEvent};
use crate::domain::seen::{Mark, Marks};
use crate::domain::space::{self, Command, SpaceEvent, SpaceState};
use crate::domain::{Ctx, PersonId, SpaceId};
use crate::store::{Effect, InviteRow, StoreError, Witness, Witnessed};

/// How often an append is retried when another append to the same space got there first.
/// Within one process appends to a space take turns, so this is for another process
/// writing to the same database.
const APPEND_ATTEMPTS: u32 = 8;

/// How long an append waits for its turn before the person is told to try again. Ordinary
/// use never comes near it: a turn takes milliseconds.
const APPEND_WAIT: Duration = Duration::from_secs(5);

/// One lock per stripe of spaces: an append to a space holds its stripe's lock from reading
/// the head to committing, so concurrent changes to one space queue instead of racing
/// (and losing) on the head. A fixed number of stripes keeps memory flat however many
/// spaces there are; two spaces that share a stripe merely take turns.
pub(super) struct AppendLocks {
    stripes: Vec<tokio::sync::Mutex<()>>,
    wait: Duration,
}

impl AppendLocks {
    const STRIPES: usize = 256;

    pub(super) fn new() -> Self {
        Self::waiting(APPEND_WAIT)
    }

    fn waiting(wait: Duration) -> Self {
        Self {
            stripes: (0..Self::STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
            wait,
        }
    }

    /// Waits for `space`'s turn, at most as long as this was made to wait.
    async fn turn(&self, space: SpaceId) -> Result<tokio::sync::MutexGuard<'_, ()>, AppError> {
        let stripe = usize::try_from(space.as_u128() % Self::STRIPES as u128).unwrap_or(0);
        tokio::time::timeout(self.wait, self.stripes[stripe].lock())
            .await
            .map_err(|_| AppError::Busy)
    }
}

/// Why a space whose stored record does not check out takes nothing new.
const DAMAGED: &str = "This space's record does not check out, so nothing new can be added to it \
     until whoever runs this server has looked at it. Everything already here is kept.";

/// A space in the list of a person's spaces.
#[derive(Debug, Clone)]
pub struct SpaceSummary {
    pub id: SpaceId,
    pub name: String,
    pub partner_name: Option<String>,
}

/// What an invite link leads to, for someone who may join.
#[derive(Debug, Clone)]
pub struct InviteView {
    pub space: SpaceId,
    pub space_name: String,
    pub inviter_name: String,
    /// The viewer is already a partner in that space (e.g. the inviter opened their own link).
    pub viewer_is_partner: bool,
}

/// A space's head and a person's marks in it, read with the session for a page in that
/// space (`App::session_in_space`), so the page does not read them again.
#[derive(Debug, Clone)]
pub struct SpaceHead {
    pub space: SpaceId,
    pub head: (u64, record::Hash),
    pub marks: Marks,
}

impl SpaceHead {
    pub(super) fn read(space: SpaceId, head: (u64, record::Hash), marks: &[String]) -> Self {
        Self {
            space,
            head,
            marks: marks.iter().filter_map(|m| Mark::parse(m)).collect(),
        }
    }
}

impl App {
    /// The current state of a space, folding only the events the cache has not seen.
    /// `None` if the space does not exist.
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn load_state(&self, space: SpaceId) -> Result<Option<Arc<SpaceState>>, AppError> {
        let Some(head) = self.store().head(space).await? else {
            return Ok(None);
        };
        self.state_at(space, head).await.map(Some)
    }

    /// [`App::load_state`], with the marks `person` made in the space read in the same
    /// round trip (see `Store::head_and_marks`), or taken from `known` when the request
    /// read them already with its session (see `App::session_in_space`).
    pub async fn load_state_marked(
        &self,
        space: SpaceId,
        person: PersonId,
        known: Option<SpaceHead>,
    ) -> Result<Option<(Arc<SpaceState>, Marks)>, AppError> {
        let SpaceHead { head, marks, .. } = match known.filter(|k| k.space == space) {
            Some(known) => known,
            None => match self.store().head_and_marks(space, person).await? {
                Some((head, marks)) => SpaceHead::read(space, head, &marks),
                None => return Ok(None),
            },
        };
        let state = self.state_at(space, head).await?;
        Ok(Some((state, marks)))
    }

    /// The state of a space `viewer` is a partner in, from the head `known` when the
    /// request read it with its session, else read now.
    pub async fn space_for_known(
        &self,
        viewer: PersonId,
        space: SpaceId,
        known: Option<SpaceHead>,
    ) -> Result<Arc<SpaceState>, AppError> {
        let Some(known) = known.filter(|k| k.space == space) else {
            return self.space_for(viewer, space).await;
        };
        match self.state_at(space, known.head).await? {
            state if state.is_partner(viewer) => Ok(state),
            _ => Err(AppError::NotFound),
        }
    }

    /// The state of `space` as far as `head`, the head just read from its row.
    async fn state_at(
        &self,
        space: SpaceId,
        head: (u64, record::Hash),
    ) -> Result<Arc<SpaceState>, AppError> {
        let cached = self.cache().get_noted(space);
        if let Some((state, _)) = &cached
            && ((state.head_seq, state.head_hash) == head
                || state.damage.stored_head == Some(head.0))
        {
            self.metrics().cache_hit();
            return Ok(state.clone());
        }
        self.metrics().cache_miss();
        // Nothing cached: from the space's snapshot, if it has one this fold can use.
        let mut start = match cached {
            Some((state, snapshot_seq)) => snapshots::Start {
                state: (*state).clone(),
                snapshot_seq,
                replace: false,
                check: None,
            },
            None => self.start_from_snapshot(space).await,
        };
        let mut events = self
            .store()
            .events_after(space, start.state.head_seq)
            .await?;
        // Words were removed since this state was folded: what it folded from them must
        // go too, so the whole record is folded again, now without them. (The removal
        // deleted the snapshot too.)
        let base = if start.state.head_seq > 0 && events.iter().any(|e| e.kind == "entry.redacted")
        {
            events = self.store().events_after(space, 0).await?;
            start.snapshot_seq = 0;
            start.check = None;
            SpaceState::empty(space)
        } else {
            start.state
        };
        let (seen, damaged) = (base.unreadable.count, base.damage.clone());
        let mut state = space::fold(base, &events);
        // The head was read first, so another append may have landed since and the events
        // may go past it; they must not stop short of it, nor reach it by another hash.
        let reaches = match state.head_seq.cmp(&head.0) {
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => state.head_hash == head.1,
            std::cmp::Ordering::Greater => events
                .iter()
                .find(|e| e.seq == head.0)
                .is_none_or(|e| e.hash == head.1),
        };
        if !reaches {
            state.damage.note_stored_head(head.0);
        }
        if let Some(&committed) = self.behind().get(&space) {
            state.damage.note_stored_head(committed);
        }
        // Said once, when the fold first meets them: the cache keeps the state past them.
        // Kind and seq only; never the body.
        for seq in state.unreadable.since(seen) {
            let kind = events
                .iter()
                .find(|e| e.seq == seq)
                .map(|e| e.kind.as_str());
            tracing::warn!(%space, seq, kind, "an event this version cannot read is kept and skipped");
        }
        if state.damage != damaged {
            let first = state.damage.first.as_ref();
            tracing::error!(
                %space,
                damaged_events = state.damage.count,
                first_seq = first.map(|(seq, _)| *seq),
                fault = first.map(|(_, fault)| fault.to_string()),
                stored_head = state.damage.stored_head,
                events_end = state.head_seq,
                "THE STORED RECORD OF THIS SPACE DOES NOT CHECK OUT: it is shown with a warning \
                 and takes no new entries; restore the database from a backup"
            );
        }
        let state = Arc::new(state);
        let snapshot_seq = self.snapshot_if_due(&state, start.snapshot_seq, start.replace);
        self.cache().put_noted(state.clone(), snapshot_seq);
        if let Some(bytes) = start.check {
            self.check_snapshot(space, bytes);
        }
        Ok(state)
    }

    /// Checks, once at start, that every space's events end where its row says they do,
    /// and says loudly in the log which do not (they also show a warning on their pages,
    /// found again as they are loaded). Seconds for a large instance: one pass over keys.
    /// Returns every space's head as the database keeps it.
    pub async fn check_heads(&self) -> Result<Witnessed, AppError> {
        let started = std::time::Instant::now();
        let rows = self.store().heads().await?;
        let mut damaged = 0;
        let mut heads = Witnessed::new();
        for row in &rows {
            if !row.agrees() {
                damaged += 1;
                tracing::error!(
                    space = %row.space_id,
                    stored_head = row.head_seq,
                    events_end = row.last_seq,
                    events = row.events,
                    "THE STORED RECORD OF THIS SPACE DOES NOT END WHERE IT SHOULD: committed \
                     entries may be missing; restore the database from a backup"
                );
            }
            let space = row.space_id.parse::<SpaceId>();
            let seq = u64::try_from(row.head_seq);
            let hash = record::Hash::try_from(row.head_hash.as_slice());
            if let (Ok(space), Ok(seq), Ok(hash)) = (space, seq, hash) {
                heads.insert(space, (seq, hash));
            }
        }
        tracing::info!(
            spaces = rows.len(),
            damaged,
            millis = started.elapsed().as_millis(),
            "checked where every record ends"
        );
        Ok(heads)
    }

    /// Compares what the commit witness saw (`seen`) with the database's `heads`: a space
    /// whose record ends before what was committed, or at the same entry with another
    /// hash, lost committed entries underneath (a truncated or damaged write-ahead log, an
    /// older copy of the file). It is named in the log, marked damaged on its pages and
    /// takes nothing new. Then the witness file is rewritten to the database's heads (but
    /// its own for the spaces that went back, so the warning stays until someone restores
    /// them), and every later commit is noted by `witness`.
    pub fn keep_witness(
        &self,
        witness: Witness,
        seen: &Witnessed,
        mut heads: Witnessed,
    ) -> std::io::Result<()> {
        let mut behind = self.behind();
        for (space, &(seq, hash)) in seen {
            let lost = match heads.get(space) {
                None => true,
                Some(&(now, now_hash)) => now < seq || (now == seq && now_hash != hash),
            };
            if lost {
                tracing::error!(
                    %space,
                    committed = seq,
                    database_ends = heads.get(space).map(|h| h.0),
                    "THE DATABASE HAS LOST COMMITTED ENTRIES OF THIS SPACE: its record ends \
                     before what was saved (a truncated or damaged write-ahead log, or an older \
                     copy of the file); restore it from a backup, then delete the witness file"
                );
                behind.insert(*space, seq);
                heads.insert(*space, (seq, hash));
            }
        }
        drop(behind);
        witness.rewrite(&heads)?;
        let _ = self.inner.witness.set(witness);
        Ok(())
    }

    /// The spaces found behind their witness at start.
    fn behind(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<SpaceId, u64>> {
        self.inner
            .behind
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A space the viewer is a partner in. Anything else is "not found", whether it
    /// exists or not.
    pub async fn space_for(
        &self,
        viewer: PersonId,
        space: SpaceId,
    ) -> Result<Arc<SpaceState>, AppError> {
        match self.load_state(space).await? {
            Some(state) if state.is_partner(viewer) => Ok(state),
            _ => Err(AppError::NotFound),
        }
    }

    /// Seals the events `command` produces and appends them, retrying when another append
    /// to the space got there first. Returns the state the events were decided on.
    pub(super) async fn record(
        &self,
        space: SpaceId,
        actor: PersonId,
        command: impl Fn() -> Command,
        effects: &[Effect],
    ) -> Result<(), AppError> {
        let _turn = self.appends().turn(space).await?;
        for attempt in 0..APPEND_ATTEMPTS {
            let state = match self.load_state(space).await? {
                Some(state) => state,
                None => Arc::new(SpaceState::empty(space)),
            };
            if state.damage.is_damaged() {
                return Err(AppError::Refused(DAMAGED.into()));
            }
            let ctx = Ctx {
                actor,
                now_us: self.clock().now_us(),
            };
            let events = space::decide(&state, command(), &ctx)?;
            if events.is_empty() {
                return Ok(());
            }
            let drafts = events.iter().map(|e| draft(&ctx, e)).collect();
            let head = (state.head_seq, state.head_hash);
            let sealed = record::seal_all(head, drafts, random_salt).map_err(anyhow::Error::new)?;
            let started = std::time::Instant::now();
            match self.store().append(space, head, &sealed, effects).await {
                Ok(()) => {
                    self.metrics().appended(started.elapsed());
                    if let (Some(witness), Some(last)) = (self.inner.witness.get(), sealed.last()) {
                        witness.committed(space, last.seq, &last.hash);
                    }
                    return Ok(());
                }
                // Another process wrote first: back off a little, more each time, so two
                // servers on one database do not keep colliding.
                Err(StoreError::Conflict) => {
                    let jitter = rand::random::<u64>() % 5;
                    tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 5 + jitter))
                        .await;
                }
                Err(StoreError::InviteGone) => return Err(AppError::Invite(InviteProblem::Used)),
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Busy)
    }

    /// Does one action in a space the viewer is a partner in: authorize, decide, append.
    pub(super) async fn act(
        &self,
        session: &Session,
        space: SpaceId,
        command: impl Fn() -> Command,
    ) -> Result<(), AppError> {
        self.space_for(session.person, space).await?;
        self.record(space, session.person, command, &[]).await
    }

    #[tracing::instrument(skip_all)]
    /// Creates a space with the viewer as its first partner, and its first invite link:
    /// the space's id, and the link's token unless that one write failed.
    pub async fn create_space(
        &self,
        session: &Session,
        name: &str,
    ) -> Result<(SpaceId, Option<String>), AppError> {
        let name = SpaceName::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let me = self.whoami(session).await?;
        let display_name =
            DisplayName::parse(&me.display_name).map_err(|e| AppError::invalid("name", e))?;
        let space = SpaceId::random();
        let now = self.clock().now_secs();
        let effects = [
            Effect::CreateSpace { created_at: now },
            Effect::AddMember {
                person: session.person,
                joined_at: now,
            },
        ];
        let command = || Command::Create {
            name: name.clone(),
            display_name: display_name.clone(),
        };
        self.record(space, session.person, command, &effects)
            .await?;
        tracing::info!(%space, "space created");
        // The space is committed now, so the answer must say so: an error here would tell
        // the person nothing was saved. Without a link, the space page offers to make one.
        match self.new_invite(session, space).await {
            Ok(token) => Ok((space, Some(token))),
            Err(err) => {
                tracing::warn!(error = %err, %space, "space created, but its first invite link was not");
                Ok((space, None))
            }
        }
    }

    /// Makes a new single-use invite link for a space that is waiting for its second
    /// partner; any earlier link stops working. Returns the link's token: the database
    /// keeps only its hash, and the inviter's browser keeps the token to show the link
    /// again (see [`App::pending_invite_link`]).
    #[tracing::instrument(skip_all, fields(space = %space))]
    pub async fn new_invite(&self, session: &Session, space: SpaceId) -> Result<String, AppError> {
        let state = self.space_for(session.person, space).await?;
        if state.is_full() {
            return Err(AppError::Refused(
                "Both partners are already here, so no invite is needed.".into(),
            ));
        }
        let token = random_token();
        let now = self.clock().now_secs();
        let ttl = i64::try_from(self.settings().invite_ttl.as_secs()).unwrap_or(i64::MAX);
        let row = InviteRow {
            token_hash: token_hash(&token),
            space_id: space.to_string(),
            created_by: session.person.to_string(),
            created_at: now,
            expires_at: now.saturating_add(ttl),
            used_at: None,
            used_by: None,
            revoked_at: None,
        };
        self.store().replace_invite(&row).await?;
        Ok(token)
    }

    /// The invite link to show on a space's page, from the token the inviter's browser
    /// kept: only while it is this space's newest link and can still be used.
    pub async fn pending_invite_link(
        &self,
        state: &SpaceState,
        kept_token: Option<&str>,
    ) -> Result<Option<String>, AppError> {
        let Some(token) = kept_token else {
            return Ok(None);
        };
        if state.is_full() {
            return Ok(None);
        }
        match self.check_invite(token).await {
            Ok((row, _)) if row.space_id == state.id.to_string() => {
                Ok(Some(format!("{}/invite/{token}", self.settings().base_url)))
            }
            Ok(_) | Err(AppError::Invite(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The invite row and space behind a token, if the link can still be used.
    async fn check_invite(&self, token: &str) -> Result<(InviteRow, Arc<SpaceState>), AppError> {
        let row = self
            .store()
            .invite(&token_hash(token))
            .await?
            .ok_or(AppError::Invite(InviteProblem::Unknown))?;
        let now = self.clock().now_secs();
        let problem = if row.used_at.is_some() {
            Some(InviteProblem::Used)
        } else if row.revoked_at.is_some() {
            Some(InviteProblem::Replaced)
        } else if row.expires_at <= now {
            Some(InviteProblem::Expired)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(AppError::Invite(problem));
        }
        let space: SpaceId = row
            .space_id
            .parse()
            .map_err(|_| anyhow::anyhow!("stored space id"))?;
        let state = self
            .load_state(space)
            .await?
            .ok_or(AppError::Invite(InviteProblem::Unknown))?;
        Ok((row, state))
    }

    /// What an invite link leads to. A full space is reported as such, except to its partners.
    pub async fn view_invite(
        &self,
        viewer: Option<PersonId>,
        token: &str,
    ) -> Result<InviteView, AppError> {
        let (_, state) = self.check_invite(token).await?;
        let viewer_is_partner = viewer.is_some_and(|v| state.is_partner(v));
        if state.is_full() && !viewer_is_partner {
            return Err(AppError::Invite(InviteProblem::Full));
        }
        let inviter_name = state
            .partners
            .first()
            .map(|p| p.display_name.clone())
            .unwrap_or_default();
        Ok(InviteView {
            space: state.id,
            space_name: state.name.clone(),
            inviter_name,
            viewer_is_partner,
        })
    }

    /// Joins the space behind an invite link, using the link up.
    #[tracing::instrument(skip_all)]
    pub async fn join(&self, session: &Session, token: &str) -> Result<SpaceId, AppError> {
        let (row, state) = self.check_invite(token).await?;
        let me = self.whoami(session).await?;
        let display_name =
            DisplayName::parse(&me.display_name).map_err(|e| AppError::invalid("name", e))?;
        let now = self.clock().now_secs();
        let effects = [
            Effect::ConsumeInvite {
                token_hash: row.token_hash,
                by: session.person,
                at: now,
            },
            Effect::AddMember {
                person: session.person,
                joined_at: now,
            },
        ];
        let command = || Command::Join {
            display_name: display_name.clone(),
        };
        self.record(state.id, session.person, command, &effects)
            .await?;
        tracing::info!(space = %state.id, "partner joined");
        Ok(state.id)
    }

    /// The spaces the viewer belongs to.
    pub async fn spaces_of(&self, session: &Session) -> Result<Vec<SpaceSummary>, AppError> {
        let ids = self.store().spaces_of(session.person).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(state) = self.load_state(id).await?
                && state.is_partner(session.person)
            {
                out.push(SpaceSummary {
                    id,
                    name: state.name.clone(),
                    partner_name: state
                        .partner_of(session.person)
                        .map(|p| p.display_name.clone()),
                });
            }
        }
        Ok(out)
    }

    /// The whole record of a space the viewer is a partner in, with its state. Content the
    /// viewer may not see yet (a partner's sealed check-in answer) is withheld: the event
    /// keeps its place, digest and hash, so the chain still verifies.
    pub async fn read_record(
        &self,
        viewer: PersonId,
        space: SpaceId,
    ) -> Result<(Arc<SpaceState>, Vec<RecordedEvent>), AppError> {
        // Membership first: an outsider's request costs one indexed read, whatever the
        // size of the record, so its timing says nothing about the space.
        self.space_for(viewer, space).await?;
        let mut events = self.store().events_after(space, 0).await?;
        // The state is loaded after the events, so it has seen at least as much as they show.
        let state = self.space_for(viewer, space).await?;
        let now = self.clock().now_us();
        for event in &mut events {
            if space::withheld_from(&state, viewer, event, now) {
                event.body = None;
                event.salt = None;
            }
        }
        Ok((state, events))
    }
}

impl App {
    /// The events of the record after `after_seq` up to `up_to_seq`, as `viewer` may see
    /// them (sealed answers withheld), with the state they were folded into: one page of the
    /// record page, which reads nothing else of a long history.
    pub async fn read_record_between(
        &self,
        viewer: PersonId,
        space: SpaceId,
        after_seq: u64,
        up_to_seq: u64,
    ) -> Result<(Arc<SpaceState>, Vec<RecordedEvent>), AppError> {
        // The state first: it says how far the record reaches, and the page never shows
        // more than it has folded.
        let state = self.space_for(viewer, space).await?;
        let events = self
            .record_as_seen(&state, viewer, after_seq, up_to_seq)
            .await?;
        Ok((state, events))
    }

    /// The events after `after_seq` up to `up_to_seq` of the space `state` was folded for,
    /// as `viewer` may see them, for a page that has already loaded the state and checked
    /// who is reading: no second read of the head.
    pub async fn record_as_seen(
        &self,
        state: &SpaceState,
        viewer: PersonId,
        after_seq: u64,
        up_to_seq: u64,
    ) -> Result<Vec<RecordedEvent>, AppError> {
        let up_to = up_to_seq.min(state.head_seq);
        let mut events = self
            .store()
            .events_between(state.id, after_seq, up_to)
            .await?;
        let now = self.clock().now_us();
        for event in &mut events {
            if space::withheld_from(state, viewer, event, now) {
                event.body = None;
                event.salt = None;
            }
        }
        Ok(events)
    }
}

fn draft(ctx: &Ctx, event: &SpaceEvent) -> Draft {
    Draft {
        at_us: ctx.now_us,
        author: ctx.actor.to_string(),
        kind: event.kind().to_owned(),
        body: event.body(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_append_that_cannot_get_its_turn_in_time_is_told_so_and_others_go_on() {
        let locks = AppendLocks::waiting(Duration::from_millis(50));
        let space = SpaceId::random();
        let held = locks.turn(space).await.expect("the first turn");
        assert!(matches!(locks.turn(space).await, Err(AppError::Busy)));
        // Another space (on another stripe) is not held up.
        let other = std::iter::repeat_with(SpaceId::random)
            .find(|s| s.as_u128() % 256 != space.as_u128() % 256)
            .expect("a space on another stripe");
        assert!(locks.turn(other).await.is_ok());
        drop(held);
        assert!(
            locks.turn(space).await.is_ok(),
            "the turn comes once it is free"
        );
    }
}
