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

/// Reminders to a person still waiting in the outbox no longer go (they asked for none).
macro_rules! drop_waiting_reminders {
    ($conn:expr, $person:expr) => {
        sqlx::query(
            "DELETE FROM outbox WHERE unsubscribe_url IS NOT NULL
               AND recipient = (SELECT email FROM persons WHERE id = $1)",
        )
        .bind($person)
        .execute($conn)
        .await
        .map(|_| ())
    };
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

    /// Saves a person's choice, and the worker looks at them soon. Turning reminders on
    /// starts afresh (the first look takes what waits then as already known); a change
    /// while they are on keeps what earlier reminders covered, so news held back by quiet
    /// hours or a digest not yet due is not lost.
    #[tracing::instrument(skip_all)]
    pub async fn save_reminder_settings(&self, row: &ReminderRow) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            sqlx::query(
                "INSERT INTO reminder_settings (person_id, how, topics, quiet_from, quiet_until,
                     digest_at, reminded, last_sent_at, digest_day, next_check_at)
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL, 0)
                 ON CONFLICT (person_id) DO UPDATE SET how = $2, topics = $3, quiet_from = $4,
                     quiet_until = $5, digest_at = $6, next_check_at = 0, lease = NULL,
                     reminded = CASE WHEN reminder_settings.how = 'none' THEN NULL
                                     ELSE reminder_settings.reminded END",
            )
            .bind(&row.person_id)
            .bind(&row.how)
            .bind(&row.topics)
            .bind(row.quiet_from)
            .bind(row.quiet_until)
            .bind(row.digest_at)
            .execute(&mut *tx)
            .await?;
            if row.how == "none" {
                drop_waiting_reminders!(&mut *tx, &row.person_id)?;
            }
            Ok(())
        }).await)
    }

    /// Reminders off for `person` (their other choices are kept for when they turn them on
    /// again), and a reminder still waiting in the outbox no longer goes. Whether they were
    /// on.
    #[tracing::instrument(skip_all)]
    pub async fn stop_reminders(&self, person: &str) -> Result<bool, StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let done = sqlx::query(
                "UPDATE reminder_settings SET how = 'none', lease = NULL
                 WHERE person_id = $1 AND how <> 'none'",
            )
            .bind(person)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            drop_waiting_reminders!(&mut *tx, person)?;
            Ok(done > 0)
        }).await)
    }

    /// Links past their expiry are of no use to anyone: gone.
    #[tracing::instrument(skip_all)]
    pub async fn forget_expired_links(&self, now: i64) -> Result<u64, StoreError> {
        let gone = on_pool!(self, pool => {
            sqlx::query("DELETE FROM account_links WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(gone)
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

    /// Takes the look at a person until `until`, under `lease` (random, this look's own):
    /// true if this caller has it (another server on the same database may have taken it
    /// first).
    #[tracing::instrument(skip_all)]
    pub async fn lease_reminder(
        &self,
        row: &ReminderRow,
        until: i64,
        lease: &str,
    ) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE reminder_settings SET next_check_at = $3, lease = $4
                 WHERE person_id = $1 AND next_check_at = $2 AND how <> 'none'",
            )
            .bind(&row.person_id)
            .bind(row.next_check_at)
            .bind(until)
            .bind(lease)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Keeps what a look decided, with the reminder it sends (its unsubscribe link and its
    /// mail), in one transaction: a reminder is remembered as sent exactly when it is in the
    /// outbox. Nothing is kept once the lease is not this look's any more (the settings were
    /// saved or reminders stopped meanwhile, or another server took a later look).
    #[tracing::instrument(skip_all)]
    pub async fn keep_reminder_look(
        &self,
        person: &str,
        lease: &str,
        look: &ReminderLook,
        send: Option<(&LinkRow, &OutboxRow)>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let kept = sqlx::query(
                "UPDATE reminder_settings SET reminded = $3, last_sent_at = $4, digest_day = $5,
                     lease = NULL
                 WHERE person_id = $1 AND lease = $2 AND how <> 'none'",
            )
            .bind(person)
            .bind(lease)
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
