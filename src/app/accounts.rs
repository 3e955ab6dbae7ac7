//! Signing up, logging in and out, and sessions.

use std::net::IpAddr;

use anyhow::Context as _;
use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use super::{App, AppError, SpaceHead, random_token, token_hash};
use crate::domain::calendar::Zone;
use crate::domain::input::{DisplayName, Email, NewPassword};
use crate::domain::quick_exit::ExitTo;
use crate::domain::{PersonId, SpaceId};
use crate::store::{NewPerson, SessionRow};

/// Failed log-ins older than this are forgotten.
pub(super) const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// Failures allowed in the window before each further attempt must wait.
pub(super) const FREE_FAILURES: i64 = 3;
/// Sign-ups allowed from one address in the window before each further one must wait.
const FREE_SIGN_UPS: i64 = 20;
/// The longest wait between attempts. Growing delays slow guessing to a crawl while the
/// rightful owner, at worst, waits a minute: a lock-out would itself be a weapon.
const MAX_DELAY_SECS: i64 = 60;
/// A session's last-seen time is written at most this often, so reading pages stays cheap.
const TOUCH_EVERY_SECS: i64 = 60;

/// OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
fn argon2_params() -> anyhow::Result<Params> {
    Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))
}

/// Hashes on the current thread; call from `spawn_blocking`. The same PHC string as
/// `PasswordHasher::hash_password` writes, computed in reused memory (`hashing`).
pub(super) fn hash_password_now(password: &str) -> anyhow::Result<String> {
    let params = argon2_params()?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("a fresh salt: {e}"))?;
    let output = super::hashing::with_memory(params.block_count(), |memory| {
        Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
            argon
                .hash_password_into_with_memory(password.as_bytes(), raw_salt, out, memory)
                .map_err(|_| password_hash::Error::Crypto)
        })
    })
    .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Whether `password` is the one `phc` was made from, with the algorithm, version and
/// cost written in it, computed in reused memory. The comparison takes the same time
/// wherever the outputs differ (`Output`'s equality).
pub(super) fn verify_password_now(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let computed = super::hashing::with_memory(params.block_count(), |memory| {
        Output::init_with(expected.len(), |out| {
            argon
                .hash_password_into_with_memory(password.as_bytes(), raw_salt, out, memory)
                .map_err(|_| password_hash::Error::Crypto)
        })
    });
    computed.is_ok_and(|computed| computed == expected)
}

/// The key failed log-ins to an account are counted under (never the email itself).
pub(super) fn account_key(email_norm: &str) -> String {
    format!("account:{}", token_hash(email_norm))
}

/// The key failed checks of a signed-in person's password are counted under.
pub(super) fn password_key(person: PersonId) -> String {
    format!("password:{person}")
}

fn parse_zone(raw: &str) -> Result<Zone, AppError> {
    if raw.trim().is_empty() {
        return Ok(Zone::utc());
    }
    Zone::parse(raw).map_err(|e| AppError::invalid("time_zone", e))
}

/// What the sign-up form sends.
pub struct SignUpInput<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    /// An IANA zone name; empty means UTC.
    pub time_zone: &'a str,
}

pub struct LoginInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub client: IpAddr,
    /// The browser's known-device token, if it has one.
    pub device: Option<&'a str>,
}

/// What a sign-up led to.
pub enum SignedUp {
    /// No mail is configured: the account exists and is signed in on this device.
    Session(NewSession),
    /// Mail is configured: a link is on its way (or, for an address that has an account, a
    /// note to its owner). The answer is the same either way, so nothing about who has an
    /// account can be learnt from it.
    CheckMail,
}

/// A session that was just created: the token goes into the cookie and nowhere else.
pub struct NewSession {
    pub token: String,
    pub person: PersonId,
    /// A new known-device token for this browser, when it did not have a valid one.
    pub device: Option<String>,
}

/// A valid session, as the web layer sees it.
#[derive(Clone)]
pub struct Session {
    pub id_hash: String,
    pub person: PersonId,
    pub csrf: String,
    pub flash: Option<String>,
    /// The person's time zone: pages show times in it.
    pub time_zone: Zone,
    /// Where the person's quick exit goes.
    pub exit_to: ExitTo,
    /// The cookie's token, for this request only: the key that unwraps `data_key` comes
    /// from it, and the database never holds it.
    pub token: Zeroizing<String>,
    /// The person's data key, wrapped for this session (`None`: locked).
    pub data_key: Option<Vec<u8>>,
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
    pub async fn sign_up(
        &self,
        input: SignUpInput<'_>,
        client: IpAddr,
        next: &str,
    ) -> Result<SignedUp, AppError> {
        let email = Email::parse(input.email).map_err(|e| AppError::invalid("email", e))?;
        let name = DisplayName::parse(input.display_name)
            .map_err(|e| AppError::invalid("display_name", e))?;
        let password = NewPassword::parse(input.password, &[email.as_str(), name.as_str()])
            .map_err(|e| AppError::invalid("password", e))?;
        let time_zone = parse_zone(input.time_zone)?;

        // Each sign-up costs a memory-hard hash: one address gets a fair number, then waits.
        let _permit = self.hashing_permit().await?;
        let now = self.clock().now_secs();
        let key = format!("signup:{client}");
        let wait = self.throttle_wait(&key, now, FREE_SIGN_UPS).await?;
        if wait > 0 {
            return Err(AppError::Throttled {
                wait_secs: wait.unsigned_abs(),
            });
        }
        self.store()
            .record_login_failure(&[&key], now, now - FAILURE_WINDOW_SECS)
            .await?;

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
            created_at: now,
            time_zone: time_zone.name().to_owned(),
        };
        if self.sends_mail() {
            self.sign_up_by_mail(&row, next).await?;
            return Ok(SignedUp::CheckMail);
        }
        let (session, session_row) = self.new_session(person);
        let device = random_token();
        match self
            .store()
            .insert_account(&row, &session_row, &token_hash(&device))
            .await
        {
            Ok(()) => {}
            Err(crate::store::StoreError::Duplicate) => return Err(AppError::EmailTaken),
            Err(e) => return Err(e.into()),
        }
        tracing::info!("account created");
        self.open_private(person, &session.token, password.expose())
            .await;
        Ok(SignedUp::Session(NewSession {
            device: Some(device),
            ..session
        }))
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
        let row = self.store().login_by_email(&email.normalized()).await?;
        // A browser this account logged in from before is throttled on its own: failures
        // from anywhere else can never keep the owner out.
        let device_hash = input.device.map(token_hash);
        let trusted = match (&device_hash, &row) {
            (Some(hash), Some(row)) => self
                .store()
                .device_owner(hash)
                .await?
                .is_some_and(|p| p == row.id),
            _ => false,
        };
        let keys: Vec<String> = match (&device_hash, trusted) {
            (Some(hash), true) => vec![format!("device:{hash}")],
            _ => vec![
                account_key(&email.normalized()),
                format!("address:{}", input.client),
            ],
        };

        // Checking, verifying and recording under one permit keeps a burst of parallel
        // guesses from all passing the check before any failure is recorded, and bounds
        // the memory the hashes take.
        let _permit = self.hashing_permit().await?;
        let now = self.clock().now_secs();
        let mut wait = 0;
        for key in &keys {
            wait = wait.max(self.throttle_wait(key, now, FREE_FAILURES).await?);
        }
        if wait > 0 {
            return Err(AppError::Throttled {
                wait_secs: wait.unsigned_abs(),
            });
        }

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
            (Some(row), true) if row.disabled_at.is_some() => {
                return Err(AppError::AccountDisabled);
            }
            (Some(row), true) => row.id.parse::<PersonId>().context("stored person id")?,
            _ => {
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                self.store()
                    .record_login_failure(&keys, now, now - FAILURE_WINDOW_SECS)
                    .await?;
                return Err(AppError::BadCredentials);
            }
        };
        // The address keeps its count: one good log-in must not reset guesses at others.
        for key in keys.iter().filter(|k| !k.starts_with("address:")) {
            self.store().clear_login_failures(key).await?;
        }
        let mut session = self.start_session(person).await?;
        self.open_private(person, &session.token, input.password)
            .await;
        if !trusted {
            session.device = Some(self.remember_device(person).await?);
        }
        Ok(session)
    }

    /// Changes the viewer's password: the current one first (throttled like a log-in, so a
    /// borrowed session cannot guess it), the new one under the rules of sign-up; every
    /// other session of theirs ends, so whoever else holds one is logged out.
    #[tracing::instrument(skip_all)]
    pub async fn change_password(
        &self,
        session: &Session,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        let me = self.whoami(session).await?;
        if current.is_empty() {
            return Err(AppError::Invalid {
                field: "current_password",
                message: "Please enter your current password.".into(),
            });
        }
        let new = NewPassword::parse(new, &[me.email.as_str(), me.display_name.as_str()])
            .map_err(|e| AppError::invalid("new_password", e))?;
        let _permit = self.hashing_permit().await?;
        self.confirm_password(session, current, "current_password")
            .await?;
        let to_hash = new.expose().to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password_now(&to_hash))
            .await
            .context("password hashing task")??;
        self.store()
            .set_password_hash(session.person, &hash)
            .await?;
        self.store()
            .delete_other_sessions(session.person, &session.id_hash)
            .await?;
        // The journal's key follows the password; nothing is sealed again.
        self.rewrap_for_password(session, current, new.expose())
            .await?;
        Ok(())
    }

    /// The signed-in person's password, checked again before a change that someone else at
    /// their keyboard could use against them. Wrong guesses are throttled like log-ins;
    /// a refusal names `field`. The caller holds a hashing permit.
    pub(super) async fn confirm_password(
        &self,
        session: &Session,
        current: &str,
        field: &'static str,
    ) -> Result<(), AppError> {
        if current.is_empty() {
            return Err(AppError::Invalid {
                field,
                message: "Please enter your current password.".into(),
            });
        }
        let key = password_key(session.person);
        let now = self.clock().now_secs();
        let wait = self.throttle_wait(&key, now, FREE_FAILURES).await?;
        if wait > 0 {
            return Err(AppError::Throttled {
                wait_secs: wait.unsigned_abs(),
            });
        }
        let phc = self
            .store()
            .password_hash(session.person)
            .await?
            .ok_or(AppError::NotFound)?;
        let current = current.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_password_now(&current, &phc))
            .await
            .context("password verification task")?;
        if !matches {
            self.store()
                .record_login_failure(&[key.as_str()], now, now - FAILURE_WINDOW_SECS)
                .await?;
            return Err(AppError::Invalid {
                field,
                message: "That isn't your current password. Please try again.".into(),
            });
        }
        self.store().clear_login_failures(&key).await?;
        Ok(())
    }

    pub(super) async fn hashing_permit(
        &self,
    ) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        self.inner
            .hashing
            .acquire()
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))
    }

    /// A new known-device token for `person`; only its hash is stored.
    pub(super) async fn remember_device(&self, person: PersonId) -> Result<String, AppError> {
        let token = random_token();
        self.store()
            .remember_device(&token_hash(&token), person, self.clock().now_secs())
            .await?;
        Ok(token)
    }

    /// Seconds to wait before `key` may try again (0 = now), after `free` attempts.
    pub(super) async fn throttle_wait(
        &self,
        key: &str,
        now: i64,
        free: i64,
    ) -> Result<i64, AppError> {
        let (failures, last) = self
            .store()
            .login_failures(key, now - FAILURE_WINDOW_SECS)
            .await?;
        let Some(last) = last else { return Ok(0) };
        if failures < free {
            return Ok(0);
        }
        let exponent = u32::try_from(failures - free).unwrap_or(u32::MAX).min(10);
        let delay = 2i64.pow(exponent).min(MAX_DELAY_SECS);
        Ok((last + delay - now).max(0))
    }

    pub(super) async fn start_session(&self, person: PersonId) -> Result<NewSession, AppError> {
        let (session, row) = self.new_session(person);
        self.store().insert_session(&row).await?;
        Ok(session)
    }

    /// A fresh session for `person`: the token for the cookie, and the row that keeps
    /// only its hash.
    fn new_session(&self, person: PersonId) -> (NewSession, SessionRow) {
        let token = random_token();
        let now = self.clock().now_secs();
        let row = SessionRow {
            id_hash: token_hash(&token),
            person_id: person.to_string(),
            csrf: random_token(),
            created_at: now,
            last_seen_at: now,
            flash: None,
            time_zone: String::new(),
            exit_to: String::new(),
            data_key: None,
        };
        let session = NewSession {
            token,
            person,
            device: None,
        };
        (session, row)
    }

    /// The session behind a cookie token, if it exists and has not expired. Expired
    /// sessions are deleted on sight.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, token: &str) -> Result<Option<Session>, AppError> {
        let id_hash = token_hash(token);
        let Some(row) = self.store().session(&id_hash).await? else {
            return Ok(None);
        };
        self.session_of(token, id_hash, row).await
    }

    /// [`App::session`], with what a page in `space` must read afresh on every request (the
    /// space's head and the person's marks in it) in the same round trip. The head is
    /// `None` when there is no such space; whether the person may see it is for the page.
    pub async fn session_in_space(
        &self,
        token: &str,
        space: SpaceId,
    ) -> Result<Option<(Session, Option<SpaceHead>)>, AppError> {
        let id_hash = token_hash(token);
        let Some((row, in_space)) = self.store().session_in_space(&id_hash, space).await? else {
            return Ok(None);
        };
        let Some(session) = self.session_of(token, id_hash, row).await? else {
            return Ok(None);
        };
        let head = in_space.map(|(head, marks)| SpaceHead::read(space, head, &marks));
        Ok(Some((session, head)))
    }

    /// The session a stored row stands for, if it has not expired.
    async fn session_of(
        &self,
        token: &str,
        id_hash: String,
        row: SessionRow,
    ) -> Result<Option<Session>, AppError> {
        let now = self.clock().now_secs();
        let settings = self.settings();
        let max = i64::try_from(settings.session_max.as_secs()).unwrap_or(i64::MAX);
        let idle = i64::try_from(settings.session_idle.as_secs()).unwrap_or(i64::MAX);
        if now - row.created_at >= max || now - row.last_seen_at >= idle {
            // Expired either way; if the row cannot go now, a later visit removes it.
            if let Err(err) = self.store().delete_session(&id_hash).await {
                tracing::warn!(error = %err, "an expired session was not deleted this time");
            }
            return Ok(None);
        }
        if now - row.last_seen_at >= TOUCH_EVERY_SECS {
            // Reading must not fail because the disk is full: the next request touches it.
            if let Err(err) = self.store().touch_session(&id_hash, now).await {
                tracing::warn!(error = %err, "a session's last activity was not updated this time");
            }
        }
        let person = row.person_id.parse().context("stored person id")?;
        // A zone that no longer parses (a renamed IANA zone) falls back to UTC, visibly.
        let time_zone = Zone::parse(&row.time_zone).unwrap_or_else(|_| Zone::utc());
        Ok(Some(Session {
            id_hash,
            person,
            csrf: row.csrf,
            flash: row.flash,
            time_zone,
            exit_to: ExitTo::from_stored(&row.exit_to),
            token: Zeroizing::new(token.to_owned()),
            data_key: row.data_key,
        }))
    }

    #[tracing::instrument(skip_all)]
    pub async fn log_out(&self, session: &Session) -> Result<(), AppError> {
        self.store().delete_session(&session.id_hash).await?;
        Ok(())
    }

    /// Quick exit: ends the session behind `token`, whatever state it is in, and says where
    /// its person's quick exit goes (`None` when that cannot be read now). Failures are
    /// logged in words that do not say what was being done.
    pub async fn quick_exit(&self, token: &str) -> Option<ExitTo> {
        let id_hash = token_hash(token);
        let exit_to = match self.store().session(&id_hash).await {
            Ok(row) => row.map(|row| ExitTo::from_stored(&row.exit_to)),
            Err(err) => {
                tracing::warn!(error = %err, "a session could not be read");
                None
            }
        };
        if let Err(err) = self.store().delete_session(&id_hash).await {
            tracing::warn!(error = %err, "a session could not be ended");
        }
        exit_to
    }

    /// Ends every session of this person, on every device, and forgets those devices.
    #[tracing::instrument(skip_all)]
    pub async fn log_out_everywhere(&self, session: &Session) -> Result<(), AppError> {
        self.store().delete_sessions_of(session.person).await?;
        self.store().forget_devices_of(session.person).await?;
        Ok(())
    }

    /// Changes the time zone the person's pages show times in.
    pub async fn set_time_zone(&self, session: &Session, raw: &str) -> Result<(), AppError> {
        let zone = parse_zone(raw)?;
        self.store()
            .set_time_zone(session.person, zone.name())
            .await?;
        Ok(())
    }

    /// Chooses where the person's quick exit goes. An address of their own needs their
    /// password: whoever else got to the account could otherwise point it at a server of
    /// theirs and learn when, and from where, quick exit is used.
    pub async fn set_exit_to(
        &self,
        session: &Session,
        choice: &str,
        address: &str,
        password: &str,
    ) -> Result<(), AppError> {
        let exit_to =
            ExitTo::parse(choice, address).map_err(|e| AppError::invalid("exit_address", e))?;
        if matches!(exit_to, ExitTo::Address(_)) {
            let _permit = self.hashing_permit().await?;
            self.confirm_password(session, password, "exit_password")
                .await?;
        }
        self.store()
            .set_exit_to(session.person, exit_to.stored())
            .await?;
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

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    fn standard() -> Argon2<'static> {
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            argon2_params().expect("params"),
        )
    }

    #[test]
    fn hashes_in_reused_memory_read_the_same_as_the_crates_own_both_ways() {
        let ours = hash_password_now("a long enough passphrase").expect("hash");
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(
            standard()
                .verify_password(b"a long enough passphrase", &parsed)
                .is_ok()
        );
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let theirs = standard()
            .hash_password(b"another passphrase here", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_password_now("another passphrase here", &theirs));
        assert!(verify_password_now("a long enough passphrase", &ours));
    }

    #[test]
    fn a_wrong_password_or_a_damaged_hash_does_not_match() {
        let ours = hash_password_now("a long enough passphrase").expect("hash");
        assert!(!verify_password_now("a long enough passphrasE", &ours));
        assert!(!verify_password_now(
            "a long enough passphrase",
            "not a hash"
        ));
        assert!(!verify_password_now(
            "a long enough passphrase",
            &ours.replace("t=2", "t=3")
        ));
        let cut = &ours[..ours.len() - 4];
        assert!(!verify_password_now("a long enough passphrase", cut));
        assert!(!verify_password_now(
            "a long enough passphrase",
            &ours.replace("argon2id", "argon2i")
        ));
    }
}
