//! Signing up, logging in and out, and sessions.

use std::net::IpAddr;

use anyhow::Context as _;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::{App, AppError, random_token, token_hash};
use crate::domain::PersonId;
use crate::domain::input::{DisplayName, Email, NewPassword};
use crate::store::{NewPerson, SessionRow};

/// Failed log-ins older than this are forgotten.
const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// Failures allowed in the window before each further attempt must wait.
const FREE_FAILURES: i64 = 3;
/// The longest wait between attempts. Growing delays slow guessing to a crawl while the
/// rightful owner, at worst, waits a minute: a lock-out would itself be a weapon.
const MAX_DELAY_SECS: i64 = 60;
/// A session's last-seen time is written at most this often, so reading pages stays cheap.
const TOUCH_EVERY_SECS: i64 = 60;

/// OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes on the current thread; call from `spawn_blocking`.
pub(super) fn hash_password_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let hash = argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
    Ok(hash.to_string())
}

fn verify_password_now(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// What the sign-up form sends.
pub struct SignUpInput<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
}

pub struct LoginInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub client: IpAddr,
}

/// A session that was just created: the token goes into the cookie and nowhere else.
pub struct NewSession {
    pub token: String,
    pub person: PersonId,
}

/// A valid session, as the web layer sees it.
#[derive(Clone)]
pub struct Session {
    pub id_hash: String,
    pub person: PersonId,
    pub csrf: String,
    pub flash: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

impl App {
    #[tracing::instrument(skip_all)]
    pub async fn sign_up(&self, input: SignUpInput<'_>) -> Result<NewSession, AppError> {
        let email = Email::parse(input.email).map_err(|e| AppError::invalid("email", e))?;
        let name = DisplayName::parse(input.display_name)
            .map_err(|e| AppError::invalid("display_name", e))?;
        let password = NewPassword::parse(input.password, &[email.as_str(), name.as_str()])
            .map_err(|e| AppError::invalid("password", e))?;

        let to_hash = password.expose().to_owned();
        let password_hash = tokio::task::spawn_blocking(move || hash_password_now(&to_hash))
            .await
            .context("password hashing task")??;

        let person = PersonId::random();
        let row = NewPerson {
            id: person,
            email_norm: email.normalized(),
            email: email.as_str().to_owned(),
            display_name: name.as_str().to_owned(),
            password_hash,
            created_at: self.clock().now_secs(),
        };
        match self.store().insert_person(&row).await {
            Ok(()) => {}
            Err(crate::store::StoreError::Duplicate) => return Err(AppError::EmailTaken),
            Err(e) => return Err(e.into()),
        }
        tracing::info!(%person, "account created");
        self.start_session(person).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn log_in(&self, input: LoginInput<'_>) -> Result<NewSession, AppError> {
        let email = Email::parse(input.email).map_err(|e| AppError::invalid("email", e))?;
        if input.password.is_empty() {
            return Err(AppError::Invalid {
                field: "password",
                message: "Please enter your password.".into(),
            });
        }
        let account_key = format!("account:{}", token_hash(&email.normalized()));
        let address_key = format!("address:{}", input.client);
        let now = self.clock().now_secs();
        let wait = self
            .throttle_wait(&account_key, now)
            .await?
            .max(self.throttle_wait(&address_key, now).await?);
        if wait > 0 {
            return Err(AppError::Throttled {
                wait_secs: wait.unsigned_abs(),
            });
        }

        let row = self.store().login_by_email(&email.normalized()).await?;
        // Unknown emails are checked against a decoy hash: same work, same answer.
        let phc = row.as_ref().map_or_else(
            || self.inner.decoy_hash.clone(),
            |r| r.password_hash.clone(),
        );
        let password = input.password.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_password_now(&password, &phc))
            .await
            .context("password verification task")?;

        let person = match (row, matches) {
            (Some(row), true) => row.id.parse::<PersonId>().context("stored person id")?,
            _ => {
                let forget_before = now - FAILURE_WINDOW_SECS;
                self.store()
                    .record_login_failure(&[&account_key, &address_key], now, forget_before)
                    .await?;
                return Err(AppError::BadCredentials);
            }
        };
        self.store().clear_login_failures(&account_key).await?;
        tracing::info!(%person, "logged in");
        self.start_session(person).await
    }

    /// Seconds to wait before `key` may try again (0 = now).
    async fn throttle_wait(&self, key: &str, now: i64) -> Result<i64, AppError> {
        let (failures, last) = self
            .store()
            .login_failures(key, now - FAILURE_WINDOW_SECS)
            .await?;
        let Some(last) = last else { return Ok(0) };
        if failures < FREE_FAILURES {
            return Ok(0);
        }
        let exponent = u32::try_from(failures - FREE_FAILURES)
            .unwrap_or(u32::MAX)
            .min(10);
        let delay = 2i64.pow(exponent).min(MAX_DELAY_SECS);
        Ok((last + delay - now).max(0))
    }

    async fn start_session(&self, person: PersonId) -> Result<NewSession, AppError> {
        let token = random_token();
        let now = self.clock().now_secs();
        let row = SessionRow {
            id_hash: token_hash(&token),
            person_id: person.to_string(),
            csrf: random_token(),
            created_at: now,
            last_seen_at: now,
            flash: None,
        };
        self.store().insert_session(&row).await?;
        Ok(NewSession { token, person })
    }

    /// The session behind a cookie token, if it exists and has not expired. Expired
    /// sessions are deleted on sight.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, token: &str) -> Result<Option<Session>, AppError> {
        let id_hash = token_hash(token);
        let Some(row) = self.store().session(&id_hash).await? else {
            return Ok(None);
        };
        let now = self.clock().now_secs();
        let settings = self.settings();
        let max = i64::try_from(settings.session_max.as_secs()).unwrap_or(i64::MAX);
        let idle = i64::try_from(settings.session_idle.as_secs()).unwrap_or(i64::MAX);
        if now - row.created_at >= max || now - row.last_seen_at >= idle {
            self.store().delete_session(&id_hash).await?;
            return Ok(None);
        }
        if now - row.last_seen_at >= TOUCH_EVERY_SECS {
            self.store().touch_session(&id_hash, now).await?;
        }
        let person = row.person_id.parse().context("stored person id")?;
        Ok(Some(Session {
            id_hash,
            person,
            csrf: row.csrf,
            flash: row.flash,
        }))
    }

    #[tracing::instrument(skip_all)]
    pub async fn log_out(&self, session: &Session) -> Result<(), AppError> {
        self.store().delete_session(&session.id_hash).await?;
        Ok(())
    }

    /// Ends every session of this person, on every device.
    #[tracing::instrument(skip_all, fields(person = %session.person))]
    pub async fn log_out_everywhere(&self, session: &Session) -> Result<(), AppError> {
        self.store().delete_sessions_of(session.person).await?;
        Ok(())
    }

    /// The display name and email of the signed-in person.
    pub async fn whoami(&self, session: &Session) -> Result<crate::store::PersonRow, AppError> {
        self.store()
            .person(session.person)
            .await?
            .ok_or(AppError::NotFound)
    }
}
