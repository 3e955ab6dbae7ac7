//! The outbox worker: sends what requests left in the `outbox` table, off the request path.
//! A slow or failing SMTP server never delays a page; a mail that fails is tried again
//! with growing delays, and given up on (with a log line) once its link would have expired
//! anyway. Nothing is lost on a restart: a row leaves the table only once it was delivered
//! or given up on.

use std::time::Duration;

use super::App;
use crate::mail::{Mail, SendError};
use crate::store::OutboxRow;

/// The first retry waits this long; each further one twice as long as the one before.
const FIRST_RETRY_SECS: i64 = 60;
/// The longest wait between two attempts.
const MAX_RETRY_SECS: i64 = 3600;
/// How long a server holds a mail it is sending before another may try it.
const LEASE_SECS: i64 = 120;
/// How many mails one round takes at most.
const BATCH: i64 = 20;
/// How often the worker looks without being woken (for mail added by another server).
const POLL: Duration = Duration::from_secs(15);

/// Seconds to wait after the `attempts`-th failure.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 12)).unwrap_or(12);
    FIRST_RETRY_SECS
        .saturating_mul(2i64.pow(exponent))
        .min(MAX_RETRY_SECS)
}

impl App {
    /// Whether this server sends mail at all.
    pub fn sends_mail(&self) -> bool {
        self.inner.mailer.is_some()
    }

    /// Tells the worker to look now (after a mail was added, or a test moved the clock).
    pub fn wake_outbox(&self) {
        self.inner.outbox_wake.notify_one();
    }

    /// Adds a mail for `to` to the outbox; the worker sends it.
    pub(super) fn outbox_row(&self, to: &str, mail: Mail, lasts: Duration) -> OutboxRow {
        let now = self.clock().now_secs();
        OutboxRow {
            id: uuid::Uuid::new_v4().to_string(),
            recipient: to.to_owned(),
            subject: mail.subject,
            body_text: mail.text,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            give_up_at: now.saturating_add(i64::try_from(lasts.as_secs()).unwrap_or(i64::MAX)),
            unsubscribe_url: mail.unsubscribe,
        }
    }

    /// The worker: runs until the returned handle is aborted. `None` when no mail is
    /// configured.
    pub fn start_outbox(&self) -> Option<tokio::task::JoinHandle<()>> {
        self.inner.mailer.as_ref()?;
        let app = self.clone();
        Some(tokio::spawn(async move {
            loop {
                app.send_due().await;
                // What waits to be sent, for the operator's metrics (a count, nothing else).
                if let Ok(depth) = app.store().outbox_depth().await {
                    app.metrics()
                        .set_mail_outbox_depth(u64::try_from(depth).unwrap_or(0));
                }
                tokio::select! {
                    () = app.inner.outbox_wake.notified() => {}
                    () = tokio::time::sleep(POLL) => {}
                }
            }
        }))
    }

    /// One round: every due mail this server can take, sent or rescheduled. How many were
    /// delivered.
    pub async fn send_due(&self) -> usize {
        let Some(mailer) = self.inner.mailer.as_ref() else {
            return 0;
        };
        let now = self.clock().now_secs();
        let due = match self.store().due_mail(now, BATCH).await {
            Ok(due) => due,
            Err(err) => {
                tracing::warn!(error = %err, "the outbox could not be read this time");
                return 0;
            }
        };
        let mut delivered = 0;
        for row in due {
            // Too late to be of use (a link that has expired, a reminder that would now
            // arrive in quiet hours), however it came to wait so long: dropped, not sent.
            if row.give_up_at <= now {
                tracing::warn!(
                    attempts = row.attempts,
                    "a mail was given up on: it waited past its time"
                );
                if let Err(err) = self.store().forget_mail(&row.id).await {
                    tracing::warn!(error = %err, "a mail past its time stays in the outbox for now");
                }
                continue;
            }
            match self.store().lease_mail(&row, now + LEASE_SECS).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(err) => {
                    tracing::warn!(error = %err, "a mail could not be taken from the outbox");
                    continue;
                }
            }
            let mail = Mail {
                subject: row.subject.clone(),
                text: row.body_text.clone(),
                unsubscribe: row.unsubscribe_url.clone(),
            };
            let attempts = row.attempts + 1;
            // Retries count from when this round began, however long the send took.
            let outcome = mailer.send(&row.id, &row.recipient, &mail).await;
            let done = match outcome {
                Ok(()) => {
                    delivered += 1;
                    tracing::info!(attempts, "a mail was delivered");
                    true
                }
                Err(SendError::Permanent(why)) => {
                    tracing::warn!(attempts, %why, "a mail was given up on: refused for good");
                    true
                }
                Err(SendError::Transient(why)) => {
                    let next = now + backoff_secs(attempts);
                    if next >= row.give_up_at {
                        tracing::warn!(attempts, %why, "a mail was given up on: not delivered before its link expired");
                        true
                    } else {
                        tracing::info!(attempts, %why, retry_in_secs = next - now, "a mail was not delivered; it will be tried again");
                        if let Err(err) = self.store().retry_mail(&row.id, attempts, next).await {
                            tracing::warn!(error = %err, "a mail's next attempt was not recorded");
                        }
                        false
                    }
                }
            };
            if done && let Err(err) = self.store().forget_mail(&row.id).await {
                // Its lease runs out and it is tried again: sent twice rather than lost.
                tracing::warn!(error = %err, "a finished mail stays in the outbox for now");
            }
        }
        delivered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        assert_eq!(backoff_secs(1), 60);
        assert_eq!(backoff_secs(2), 120);
        assert_eq!(backoff_secs(3), 240);
        assert_eq!(backoff_secs(7), 3600);
        assert_eq!(backoff_secs(1000), 3600);
        assert_eq!(backoff_secs(0), 60);
    }
}
