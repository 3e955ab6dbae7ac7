//! Reminder settings, the worker's turn at each person, and the unsubscribe links.

use super::{LinkRow, OutboxRow, Store, StoreError, in_transaction};

/// A link's purpose, as stored: the one-click way out of reminders.
pub const LINK_UNSUBSCRIBE: &str = "unsubscribe";

/// One person's reminder settings and what their reminders remember, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReminderRow {
    pub person_id: String,
    pub how: String,
    pub topics: String,
    pub quiet_from: i64,
    pub quiet_until: i64,
    pub digest_at: i64,
    pub reminded: Option<String>,
    pub last_sent_at: Option<i64>,
    pub digest_day: Option<i64>,
    pub next_check_at: i64,
}

/// A person whose reminders the worker looks at now, with where and when they live.
#[derive(Clone, sqlx::FromRow)]
pub struct DueReminder {
    #[sqlx(flatten)]
    pub settings: ReminderRow,
    pub email: String,
    pub time_zone: String,
}

impl std::fmt::Debug for DueReminder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueReminder")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// What one look decided, to be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderLook {
    pub reminded: String,
    pub last_sent_at: Option<i64>,
    pub digest_day: Option<i64>,
}

const COLUMNS: &str = "r.person_id, r.how, r.topics, r.quiet_from, r.quiet_until, r.digest_at, \
                       r.reminded, r.last_sent_at, r.digest_day, r.next_check_at";

impl Store {
    /// A person's reminder settings, if they ever saved any.
    #[tracing::instrument(skip_all)]
    pub async fn reminder_settings(&self, person: &str) -> Result<Option<ReminderRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM reminder_settings r WHERE r.person_id = $1");
        let row: Option<ReminderRow> = on_pool!(self, pool => {
            sqlx::query_as(&sql).bind(person).fetch_optional(pool).await?
        });
        Ok(row)
    }

    /// Saves a person's choice. What earlier reminders covered starts again (the first look
    /// takes what waits then as already known), and the worker looks at them soon.
    #[tracing::instrument(skip_all)]
    pub async fn save_reminder_settings(&self, row: &ReminderRow) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO reminder_settings (person_id, how, topics, quiet_from, quiet_until,
                     digest_at, reminded, last_sent_at, digest_day, next_check_at)
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL, 0)
                 ON CONFLICT (person_id) DO UPDATE SET how = $2, topics = $3, quiet_from = $4,
                     quiet_until = $5, digest_at = $6, reminded = NULL, next_check_at = 0",
            )
            .bind(&row.person_id)
            .bind(&row.how)
            .bind(&row.topics)
            .bind(row.quiet_from)
            .bind(row.quiet_until)
            .bind(row.digest_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Reminders off for `person` (their other choices are kept for when they turn them on
    /// again). Whether they were on.
    #[tracing::instrument(skip_all)]
    pub async fn stop_reminders(&self, person: &str) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => {
            sqlx::query("UPDATE reminder_settings SET how = 'none' WHERE person_id = $1 AND how <> 'none'")
                .bind(person)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// People with reminders on whose next look is due, soonest first. Sign-ups waiting for
    /// their address and disabled accounts are not reminded.
    #[tracing::instrument(skip_all)]
    pub async fn due_reminders(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<DueReminder>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS}, p.email, p.time_zone FROM reminder_settings r
             JOIN persons p ON p.id = r.person_id
             WHERE r.how <> 'none' AND r.next_check_at <= $1
               AND p.pending_since IS NULL AND p.disabled_at IS NULL
             ORDER BY r.next_check_at, r.person_id LIMIT $2"
        );
        let rows: Vec<DueReminder> = on_pool!(self, pool => {
            sqlx::query_as(&sql).bind(now).bind(limit).fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Takes the look at a person until `until`: true if this caller has it (another
    /// server on the same database may have taken it first).
    #[tracing::instrument(skip_all)]
    pub async fn lease_reminder(&self, row: &ReminderRow, until: i64) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE reminder_settings SET next_check_at = $3
                 WHERE person_id = $1 AND next_check_at = $2",
            )
            .bind(&row.person_id)
            .bind(row.next_check_at)
            .bind(until)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Keeps what a look decided, with the reminder it sends (its unsubscribe link and its
    /// mail), in one transaction: a reminder is remembered as sent exactly when it is in the
    /// outbox. Nothing is kept if the settings were saved again meanwhile (`reminded` was
    /// reset by then, and the next look starts afresh).
    #[tracing::instrument(skip_all)]
    pub async fn keep_reminder_look(
        &self,
        person: &str,
        leased_until: i64,
        look: &ReminderLook,
        send: Option<(&LinkRow, &OutboxRow)>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let kept = sqlx::query(
                "UPDATE reminder_settings SET reminded = $3, last_sent_at = $4, digest_day = $5
                 WHERE person_id = $1 AND next_check_at = $2 AND how <> 'none'",
            )
            .bind(person)
            .bind(leased_until)
            .bind(&look.reminded)
            .bind(look.last_sent_at)
            .bind(look.digest_day)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if kept == 1 && let Some((link, mail)) = send {
                insert_link!(&mut *tx, person, link)?;
                insert_mail!(&mut *tx, mail)?;
            }
            Ok(())
        }).await)
    }
}
