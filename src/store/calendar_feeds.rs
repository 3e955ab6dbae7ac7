//! Calendar feeds: at most one per person, found by the SHA-256 of its address's token.

use super::{Store, StoreError};
use crate::domain::PersonId;

/// A person's feed as stored (its token is never kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarFeedRow {
    pub detailed: bool,
    pub created_at: i64,
}

impl Store {
    /// Makes `person`'s feed, or replaces it: the old token's hash is gone in the same
    /// statement, so the old address stops answering at once.
    #[tracing::instrument(skip_all)]
    pub async fn put_calendar_feed(
        &self,
        person: PersonId,
        token_hash: &str,
        detailed: bool,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO calendar_feeds (person_id, token_hash, detailed, created_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (person_id) DO UPDATE
                 SET token_hash = excluded.token_hash, detailed = excluded.detailed,
                     created_at = excluded.created_at",
            )
            .bind(person.to_string())
            .bind(token_hash)
            .bind(detailed)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// `person`'s feed, if they have one.
    #[tracing::instrument(skip_all)]
    pub async fn calendar_feed_of(
        &self,
        person: PersonId,
    ) -> Result<Option<CalendarFeedRow>, StoreError> {
        let row: Option<(bool, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT detailed, created_at FROM calendar_feeds WHERE person_id = $1")
                .bind(person.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(detailed, created_at)| CalendarFeedRow {
            detailed,
            created_at,
        }))
    }

    /// The person behind a feed's token hash, with whether its titles are detailed: only
    /// for an account that can log in (not switched off, not waiting for its address).
    #[tracing::instrument(skip_all)]
    pub async fn calendar_feed_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(PersonId, bool)>, StoreError> {
        let row: Option<(String, bool)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT f.person_id, f.detailed FROM calendar_feeds f
                 JOIN persons p ON p.id = f.person_id
                 WHERE f.token_hash = $1 AND p.disabled_at IS NULL AND p.pending_since IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(person, detailed)| {
            person
                .parse()
                .map(|person| (person, detailed))
                .map_err(|_| StoreError::Corrupt("person id"))
        })
        .transpose()
    }

    /// Deletes `person`'s feed; its address stops answering at once. Nothing to delete is
    /// no error.
    #[tracing::instrument(skip_all)]
    pub async fn delete_calendar_feed(&self, person: PersonId) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM calendar_feeds WHERE person_id = $1")
                .bind(person.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
