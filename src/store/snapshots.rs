//! Snapshots of folded space states (migration 0016): at most one per space, read back on a
//! first load, kept only while it matches the space's head, and gone with any append that
//! removes words (see [`Store::append`]) and with its space.
//!
//! The bytes are opaque here: what they mean is `domain::snapshot`'s, when to take one is
//! `app::snapshots`'.

use super::{Store, StoreError, in_transaction};
use crate::domain::SpaceId;
use crate::domain::record::Hash;

/// A space's snapshot as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SnapshotRow {
    pub fold_version: u32,
    pub head_seq: u64,
    pub head_hash: Hash,
    pub bytes: Vec<u8>,
    pub written_at: i64,
}

/// Without the bytes, which are a whole state (and may hold a couple's words).
impl std::fmt::Debug for SnapshotRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotRow")
            .field("fold_version", &self.fold_version)
            .field("head_seq", &self.head_seq)
            .field("bytes", &self.bytes.len())
            .field("written_at", &self.written_at)
            .finish_non_exhaustive()
    }
}

/// A snapshot's row as read: fold version, head seq and hash, bytes, when written.
type StoredSnapshot = (i64, i64, Vec<u8>, Vec<u8>, i64);

impl Store {
    /// The snapshot kept for `space`, if there is one.
    #[tracing::instrument(skip_all)]
    pub async fn snapshot(&self, space: SpaceId) -> Result<Option<SnapshotRow>, StoreError> {
        let row: Option<StoredSnapshot> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT fold_version, head_seq, head_hash, bytes, written_at
                 FROM snapshots WHERE space_id = $1",
            )
            .bind(space.to_string())
            .fetch_optional(pool)
            .await?
        });
        row.map(|(version, seq, hash, bytes, written_at)| {
            Ok(SnapshotRow {
                fold_version: u32::try_from(version)
                    .map_err(|_| StoreError::Corrupt("snapshot fold version"))?,
                head_seq: u64::try_from(seq)
                    .map_err(|_| StoreError::Corrupt("negative snapshot seq"))?,
                head_hash: Hash::try_from(hash.as_slice())
                    .map_err(|_| StoreError::Corrupt("snapshot hash length"))?,
                bytes,
                written_at,
            })
        })
        .transpose()
    }

    /// Keeps `bytes`, the state of `space` folded as far as `head`, as its snapshot
    /// (replacing any), only if `head` is still the space's head. `Ok(false)` if the record
    /// moved on meanwhile: then nothing is written.
    ///
    /// The head is taken first, as [`Store::append`] takes it (PostgreSQL's row lock,
    /// SQLite's write lock, held to commit), so an append cannot land between the check
    /// and the write: a snapshot never claims a head it does not match, and one that an
    /// append removing words would delete is either deleted by it or never written.
    #[tracing::instrument(skip_all, fields(space = %space, bytes = bytes.len()))]
    pub async fn keep_snapshot(
        &self,
        space: SpaceId,
        fold_version: u32,
        head: (u64, Hash),
        bytes: &[u8],
        now: i64,
    ) -> Result<bool, StoreError> {
        let space_id = space.to_string();
        let seq = i64::try_from(head.0).map_err(|_| StoreError::Corrupt("seq out of range"))?;
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let at_head = sqlx::query(
                "UPDATE spaces SET head_seq = head_seq
                 WHERE id = $1 AND head_seq = $2 AND head_hash = $3",
            )
            .bind(&space_id)
            .bind(seq)
            .bind(head.1.as_slice())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if at_head != 1 {
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO snapshots (space_id, fold_version, head_seq, head_hash, bytes, written_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (space_id) DO UPDATE
                 SET fold_version = excluded.fold_version, head_seq = excluded.head_seq,
                     head_hash = excluded.head_hash, bytes = excluded.bytes,
                     written_at = excluded.written_at",
            )
            .bind(&space_id)
            .bind(i64::from(fold_version))
            .bind(seq)
            .bind(head.1.as_slice())
            .bind(bytes)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok(true)
        }).await)
    }

    /// Forgets `space`'s snapshot, if it has one (one that did not check out).
    #[tracing::instrument(skip_all)]
    pub async fn forget_snapshot(&self, space: SpaceId) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM snapshots WHERE space_id = $1")
                .bind(space.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
