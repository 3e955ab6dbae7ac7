//! Links sent by mail: confirming the address of a sign-up, and resetting a forgotten
//! password. Each link works once, expires, and only its SHA-256 hash is stored; the mail
//! that carries it waits in the outbox until the worker delivers it.
//!
//! Sign-up with mail reads the same whether or not the address has an account: the same
//! argon2 work, the same answer ("check your e-mail"), and the difference only in what
//! mail goes out — a link to a new person, a note to an existing owner.
//!
//! Using a link is not throttled by itself: a token is 256 random bits, so guessing one is
//! hopeless. What can be guessed is throttled as log-ins are: the password a confirmation
//! asks for (per person), reset requests (per client address), and every mail to one
//! address (a few per 15 minutes, whoever asks).

use std::net::IpAddr;
use std::time::Duration;

use anyhow::Context as _;

use super::accounts::{FAILURE_WINDOW_SECS, FREE_FAILURES, hash_password_now, verify_password_now};
use super::private::WRONG_RECOVERY;
use super::{App, AppError, NewSession, random_token, token_hash};
use crate::domain::PersonId;
use crate::domain::input::{Email, NewPassword};
use crate::domain::vault::{self, RecoveryKey, Wrap};
use crate::mail::Mail;
use crate::store::{LINK_CONFIRM, LINK_RESET, LinkRow, NewPerson, PendingSignUp, StoreError};

/// How long a confirmation link works.
pub const CONFIRM_LASTS: Duration = Duration::from_secs(24 * 3600);
/// How long a reset link works.
pub const RESET_LASTS: Duration = Duration::from_secs(3600);
/// Mails to one address per throttling window (15 minutes), whoever asks for them: a
/// stranger cannot fill someone's inbox.
const MAILS_PER_ADDRESS: i64 = 3;
/// Reset requests from one client address before each further one must wait.
const FREE_FORGOT: i64 = 5;

/// What the reset page needs to say about the private journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetView {
    /// The person has a data key: a journal or drafts may be sealed under it.
    pub has_journal: bool,
    /// A recovery key was made for it.
    pub has_recovery: bool,
}

impl App {
    /// `?next=` for a link, when the sign-up came from a page to return to.
    fn next_query(next: &str) -> String {
        if next.is_empty() {
            String::new()
        } else {
            format!(
                "?next={}",
                percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
            )
        }
    }

    pub(super) fn link(&self, purpose: &'static str, lasts: Duration) -> (String, LinkRow) {
        let token = random_token();
        let now = self.clock().now_secs();
        let row = LinkRow {
            token_hash: token_hash(&token),
            purpose,
            created_at: now,
            expires_at: now.saturating_add(i64::try_from(lasts.as_secs()).unwrap_or(i64::MAX)),
        };
        (token, row)
    }

    /// Whether one more mail may go to this address now; counts it if so.
    async fn mail_allowed(&self, email_norm: &str) -> Result<bool, AppError> {
        let key = format!("mail:{}", token_hash(email_norm));
        let now = self.clock().now_secs();
        let (sent, _) = self
            .store()
            .login_failures(&key, now - FAILURE_WINDOW_SECS)
            .await?;
        if sent >= MAILS_PER_ADDRESS {
            return Ok(false);
        }
        self.store()
            .record_login_failure(&[&key], now, now - FAILURE_WINDOW_SECS)
            .await?;
        Ok(true)
    }

    /// The mail side of a sign-up (the password is already hashed): a waiting account and
    /// its link for a new address, a note to the owner of one that has an account.
    pub(super) async fn sign_up_by_mail(
        &self,
        row: &NewPerson,
        next: &str,
    ) -> Result<(), AppError> {
        let (token, link) = self.link(LINK_CONFIRM, CONFIRM_LASTS);
        let url = format!(
            "{}/signup/confirm/{token}{}",
            self.settings().base_url,
            Self::next_query(next)
        );
        let mail = Mail::confirmation(&url, CONFIRM_LASTS).context("composing a mail")?;
        if !self.mail_allowed(&row.email_norm).await? {
            tracing::info!("a sign-up mail was not sent: that address had enough for now");
            return Ok(());
        }
        let outbox = self.outbox_row(&row.email, mail, CONFIRM_LASTS);
        match self.store().sign_up_pending(row, &link, &outbox).await {
            Ok(PendingSignUp::Created | PendingSignUp::Replaced) => {
                tracing::info!("sign-up waiting for its address");
            }
            Ok(PendingSignUp::Exists) | Err(StoreError::Duplicate) => {
                let mail =
                    Mail::someone_tried(&self.settings().base_url).context("composing a mail")?;
                let outbox = self.outbox_row(&row.email, mail, CONFIRM_LASTS);
                self.store().enqueue_mail(&outbox).await?;
            }
            Err(err) => return Err(err.into()),
        }
        self.wake_outbox();
        Ok(())
    }

    /// Whether a link still works (for the page it opens; using it is another request).
    pub async fn link_is_live(&self, token: &str, purpose: &str) -> Result<bool, AppError> {
        Ok(self
            .store()
            .link_owner(&token_hash(token), purpose, self.clock().now_secs())
            .await?
            .is_some())
    }

    /// Confirms a sign-up with its link and the password chosen for it, and logs in: the
    /// link alone is not enough, so someone else reading the mailbox cannot take the
    /// account.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_sign_up(
        &self,
        token: &str,
        password: &str,
    ) -> Result<NewSession, AppError> {
        let hash = token_hash(token);
        let now = self.clock().now_secs();
        let Some(person) = self.store().link_owner(&hash, LINK_CONFIRM, now).await? else {
            return Err(AppError::LinkGone);
        };
        if password.is_empty() {
            return Err(AppError::Invalid {
                field: "password",
                message: "Please enter the password you chose when you signed up.".into(),
            });
        }
        let person_id: PersonId = person.id.parse().context("stored person id")?;
        let _permit = self.hashing_permit().await?;
        let key = format!("password:{person_id}");
        let wait = self.throttle_wait(&key, now, FREE_FAILURES).await?;
        if wait > 0 {
            return Err(AppError::Throttled {
                wait_secs: wait.unsigned_abs(),
            });
        }
        let phc = self
            .store()
            .password_hash(person_id)
            .await?
            .ok_or(AppError::LinkGone)?;
        let typed = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_password_now(&typed, &phc))
            .await
            .context("password verification task")?;
        if !matches {
            self.store()
                .record_login_failure(&[key.as_str()], now, now - FAILURE_WINDOW_SECS)
                .await?;
            return Err(AppError::Invalid {
                field: "password",
                message: "That isn't the password you chose when you signed up. Please try again."
                    .into(),
            });
        }
        if self.store().confirm_sign_up(&hash, now).await?.is_none() {
            return Err(AppError::LinkGone);
        }
        tracing::info!("account created");
        let mut session = self.start_session(person_id).await?;
        session.device = Some(self.remember_device(person_id).await?);
        self.open_private(person_id, &session.token, password).await;
        Ok(session)
    }

    /// "Forgot password": a reset link to the address if it has an account. The answer is
    /// the same either way.
    #[tracing::instrument(skip_all)]
    pub async fn forgot_password(&self, email: &str, client: IpAddr) -> Result<(), AppError> {
        let email = Email::parse(email).map_err(|e| AppError::invalid("email", e))?;
        let now = self.clock().now_secs();
        let key = format!("forgot:{client}");
        let wait = self.throttle_wait(&key, now, FREE_FORGOT).await?;
        if wait > 0 {
            return Err(AppError::Throttled {
                wait_secs: wait.unsigned_abs(),
            });
        }
        self.store()
            .record_login_failure(&[&key], now, now - FAILURE_WINDOW_SECS)
            .await?;
        let norm = email.normalized();
        let Some(person) = self.store().active_person_by_email(&norm).await? else {
            return Ok(());
        };
        if !self.mail_allowed(&norm).await? {
            tracing::info!("a reset mail was not sent: that address had enough for now");
            return Ok(());
        }
        let (token, link) = self.link(LINK_RESET, RESET_LASTS);
        let url = format!("{}/password/reset/{token}", self.settings().base_url);
        let mail = Mail::reset(&url, RESET_LASTS).context("composing a mail")?;
        let outbox = self.outbox_row(&person.email, mail, RESET_LASTS);
        self.store()
            .add_link_with_mail(&person.id, &link, &outbox)
            .await?;
        self.wake_outbox();
        Ok(())
    }

    /// What the reset page says about the journal, or `LinkGone`.
    pub async fn reset_view(&self, token: &str) -> Result<ResetView, AppError> {
        let person = self
            .store()
            .link_owner(&token_hash(token), LINK_RESET, self.clock().now_secs())
            .await?
            .ok_or(AppError::LinkGone)?;
        let person: PersonId = person.id.parse().context("stored person id")?;
        let vault = self.store().vault(person).await?;
        Ok(ResetView {
            has_journal: vault.data_key_by_password.is_some(),
            has_recovery: vault.data_key_by_recovery.is_some(),
        })
    }

    /// Sets a new password with a reset link, ends every session, and logs in on this
    /// device. With the recovery key the journal and drafts stay readable; without it they
    /// stay sealed until it is entered on the journal page.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: &str,
        recovery: &str,
    ) -> Result<NewSession, AppError> {
        let hash = token_hash(token);
        let now = self.clock().now_secs();
        let Some(person) = self.store().link_owner(&hash, LINK_RESET, now).await? else {
            return Err(AppError::LinkGone);
        };
        let person_id: PersonId = person.id.parse().context("stored person id")?;
        let new = NewPassword::parse(
            new_password,
            &[person.email.as_str(), person.display_name.as_str()],
        )
        .map_err(|e| AppError::invalid("new_password", e))?;
        let data_key = if recovery.trim().is_empty() {
            None
        } else {
            let wrong = || AppError::Invalid {
                field: "recovery",
                message: WRONG_RECOVERY.into(),
            };
            let typed = RecoveryKey::parse(recovery).ok_or_else(wrong)?;
            let wrapped = self
                .store()
                .vault(person_id)
                .await?
                .data_key_by_recovery
                .ok_or_else(wrong)?;
            Some(
                vault::unwrap(
                    &vault::recovery_key(&typed),
                    &wrapped,
                    Wrap::Recovery,
                    &person.id,
                )
                .map_err(|_| wrong())?,
            )
        };
        let _permit = self.hashing_permit().await?;
        let to_hash = new.expose().to_owned();
        let phc = tokio::task::spawn_blocking(move || hash_password_now(&to_hash))
            .await
            .context("password hashing task")??;
        if self
            .store()
            .reset_password(&hash, &phc, now)
            .await?
            .is_none()
        {
            return Err(AppError::LinkGone);
        }
        tracing::info!("password reset with a link");
        let mut session = self.start_session(person_id).await?;
        session.device = Some(self.remember_device(person_id).await?);
        match data_key {
            Some(key) => {
                self.wrap_under_password(person_id, new.expose(), &key)
                    .await?;
                self.keep_for_session(person_id, &session.token, &key)
                    .await?;
            }
            None => {
                self.open_private(person_id, &session.token, new.expose())
                    .await
            }
        }
        Ok(session)
    }
}
