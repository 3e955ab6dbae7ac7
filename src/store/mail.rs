//! Mail and the single-use links it carries: sign-ups waiting for their address, password
//! resets, and the outbox the worker sends from.

use super::{LinkRow, OutboxRow, PendingSignUp, PersonRow, Store, StoreError, in_transaction};
use super::{NewPerson, is_unique_violation};

/// A link's purpose, as stored.
pub const LINK_CONFIRM: &str = "confirm";
pub const LINK_RESET: &str = "reset";

/// Statements shared by several calls, written once and compiled for each backend (like
/// `on_pool!`, the body is expanded where the connection's type is known).
macro_rules! insert_link {
    ($conn:expr, $person:expr, $link:expr) => {
        sqlx::query(
            "INSERT INTO account_links (token_hash, person_id, purpose, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&$link.token_hash)
        .bind($person)
        .bind($link.purpose)
        .bind($link.created_at)
        .bind($link.expires_at)
        .execute($conn)
        .await
        .map(|_| ())
    };
}

macro_rules! insert_mail {
    ($conn:expr, $mail:expr) => {
        sqlx::query(
            "INSERT INTO outbox (id, recipient, subject, body_text, created_at, attempts,
                 next_attempt_at, give_up_at, unsubscribe_url)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&$mail.id)
        .bind(&$mail.recipient)
        .bind(&$mail.subject)
        .bind(&$mail.body_text)
        .bind($mail.created_at)
        .bind($mail.attempts)
        .bind($mail.next_attempt_at)
        .bind($mail.give_up_at)
        .bind(&$mail.unsubscribe_url)
        .execute($conn)
        .await
        .map(|_| ())
    };
}

/// Marks a link used if it is unused and unexpired; its person's id, if it was.
macro_rules! use_link {
    ($conn:expr, $token_hash:expr, $purpose:expr, $now:expr) => {
        sqlx::query_as::<_, (String,)>(
            "UPDATE account_links SET used_at = $3
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
             RETURNING person_id",
        )
        .bind($token_hash)
        .bind($purpose)
        .bind($now)
        .fetch_optional($conn)
        .await
        .map(|row| row.map(|(person,)| person))
    };
}

impl Store {
    /// A sign-up that waits for its address to be confirmed, with its link and its mail,
    /// in one transaction. A waiting sign-up for the same address is replaced (only the
    /// newest link works); an account that exists is left alone and nothing is written.
    #[tracing::instrument(skip_all)]
    pub async fn sign_up_pending(
        &self,
        p: &NewPerson,
        link: &LinkRow,
        mail: &OutboxRow,
    ) -> Result<PendingSignUp, StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let found: Option<(String, Option<i64>)> =
                sqlx::query_as("SELECT id, pending_since FROM persons WHERE email_norm = $1")
                    .bind(&p.email_norm)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (person, outcome) = match found {
                Some((_, None)) => return Ok(PendingSignUp::Exists),
                Some((id, Some(_))) => {
                    sqlx::query(
                        "UPDATE persons SET email = $2, display_name = $3, password_hash = $4,
                             time_zone = $5, pending_since = $6
                         WHERE id = $1",
                    )
                    .bind(&id)
                    .bind(&p.email)
                    .bind(&p.display_name)
                    .bind(&p.password_hash)
                    .bind(&p.time_zone)
                    .bind(p.created_at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM account_links WHERE person_id = $1 AND purpose = $2")
                        .bind(&id)
                        .bind(LINK_CONFIRM)
                        .execute(&mut *tx)
                        .await?;
                    (id, PendingSignUp::Replaced)
                }
                None => {
                    let inserted = sqlx::query(
                        "INSERT INTO persons (id, email_norm, email, display_name, password_hash,
                             created_at, time_zone, pending_since)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $6)",
                    )
                    .bind(p.id.to_string())
                    .bind(&p.email_norm)
                    .bind(&p.email)
                    .bind(&p.display_name)
                    .bind(&p.password_hash)
                    .bind(p.created_at)
                    .bind(&p.time_zone)
                    .execute(&mut *tx)
                    .await;
                    match inserted {
                        Ok(_) => {}
                        // Another sign-up for the address won the race: it stands.
                        Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate),
                        Err(e) => return Err(e.into()),
                    }
                    (p.id.to_string(), PendingSignUp::Created)
                }
            };
            insert_link!(&mut *tx, &person, link)?;
            insert_mail!(&mut *tx, mail)?;
            Ok(outcome)
        }).await)
    }

    /// The account (not a waiting sign-up) with this address, if there is one.
    #[tracing::instrument(skip_all)]
    pub async fn active_person_by_email(
        &self,
        email_norm: &str,
    ) -> Result<Option<PersonRow>, StoreError> {
        let row: Option<PersonRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, email, display_name FROM persons
                 WHERE email_norm = $1 AND pending_since IS NULL",
            )
            .bind(email_norm)
            .fetch_optional(pool)
            .await?
        });
        Ok(row)
    }

    /// A link for `person` and the mail that carries it, in one transaction.
    #[tracing::instrument(skip_all)]
    pub async fn add_link_with_mail(
        &self,
        person: &str,
        link: &LinkRow,
        mail: &OutboxRow,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            insert_link!(&mut *tx, person, link)?;
            Ok(insert_mail!(&mut *tx, mail)?)
        }).await)
    }

    /// The person a link belongs to, while it is unused and unexpired.
    #[tracing::instrument(skip_all)]
    pub async fn link_owner(
        &self,
        token_hash: &str,
        purpose: &str,
        now: i64,
    ) -> Result<Option<PersonRow>, StoreError> {
        let row: Option<PersonRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT p.id, p.email, p.display_name FROM account_links l
                 JOIN persons p ON p.id = l.person_id
                 WHERE l.token_hash = $1 AND l.purpose = $2 AND l.used_at IS NULL
                   AND l.expires_at > $3",
            )
            .bind(token_hash)
            .bind(purpose)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        Ok(row)
    }

    /// Uses up a confirmation link: the sign-up becomes an account. The person's id, or
    /// `None` when the link is unknown, used or expired.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_sign_up(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let Some(person) = use_link!(&mut *tx, token_hash, LINK_CONFIRM, now)? else {
                return Ok(None);
            };
            sqlx::query("UPDATE persons SET pending_since = NULL WHERE id = $1")
                .bind(&person)
                .execute(&mut *tx)
                .await?;
            Ok(Some(person))
        }).await)
    }

    /// Uses up a reset link: the new password hash is set, every session of the person
    /// ends and every other reset link of theirs stops working. The person's id, or `None`
    /// when the link is unknown, used or expired.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let Some(person) = use_link!(&mut *tx, token_hash, LINK_RESET, now)? else {
                return Ok(None);
            };
            sqlx::query("UPDATE persons SET password_hash = $2 WHERE id = $1")
                .bind(&person)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                .bind(&person)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE account_links SET used_at = $3
                 WHERE person_id = $1 AND purpose = $2 AND used_at IS NULL",
            )
            .bind(&person)
            .bind(LINK_RESET)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok(Some(person))
        }).await)
    }

    // ---- the outbox -------------------------------------------------------------------

    #[tracing::instrument(skip_all)]
    pub async fn enqueue_mail(&self, mail: &OutboxRow) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            insert_mail!(pool, mail)?;
        });
        Ok(())
    }

    /// Mail whose next attempt is due, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn due_mail(&self, now: i64, limit: i64) -> Result<Vec<OutboxRow>, StoreError> {
        let rows: Vec<OutboxRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, recipient, subject, body_text, created_at, attempts, next_attempt_at,
                        give_up_at, unsubscribe_url
                 FROM outbox WHERE next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Takes a due mail for sending until `until`: true if this caller has it (another
    /// server on the same database may have taken it first).
    #[tracing::instrument(skip_all)]
    pub async fn lease_mail(&self, mail: &OutboxRow, until: i64) -> Result<bool, StoreError> {
        let done = on_pool!(self, pool => {
            sqlx::query("UPDATE outbox SET next_attempt_at = $3 WHERE id = $1 AND next_attempt_at = $2")
                .bind(&mail.id)
                .bind(mail.next_attempt_at)
                .bind(until)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// A mail delivered, or given up on: its row (with the link it may carry) goes.
    #[tracing::instrument(skip_all)]
    pub async fn forget_mail(&self, id: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM outbox WHERE id = $1").bind(id).execute(pool).await?;
        });
        Ok(())
    }

    /// A failed attempt: try again at `next`.
    #[tracing::instrument(skip_all)]
    pub async fn retry_mail(&self, id: &str, attempts: i64, next: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE outbox SET attempts = $2, next_attempt_at = $3 WHERE id = $1")
                .bind(id)
                .bind(attempts)
                .bind(next)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// How many mails wait to be sent.
    #[tracing::instrument(skip_all)]
    pub async fn outbox_depth(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = on_pool!(self, pool => {
            sqlx::query_as("SELECT COUNT(*) FROM outbox").fetch_one(pool).await?
        });
        Ok(n)
    }
}
