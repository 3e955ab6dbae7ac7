//! Use cases: one function per thing a person does. Each loads what it needs, authorizes
//! once, asks `domain` to decide, and hands the result to `store`. Handlers in `web` call
//! these and nothing below them.

/// A use case that does one action of one part of the space for a partner of it:
/// authorize, decide, append (`App::act`). Each part's module names its own, here once.
macro_rules! part_action {
    ($(#[$doc:meta])* $name:ident($part:ident) => $variant:ident) => {
        impl App {
            $(#[$doc])*
            #[tracing::instrument(skip_all, fields(space = %space))]
            pub async fn $name(
                &self,
                session: &Session,
                space: crate::domain::SpaceId,
                command: crate::domain::$part::Command,
            ) -> Result<(), AppError> {
                self.act(session, space, || {
                    crate::domain::space::Command::$variant(command.clone())
                })
                .await
            }
        }
    };
}

mod accounts;
mod agreements;
mod cache;
mod calendar_feed;
mod checkins;
mod clock;
mod closing;
mod counsel;
mod demo_space;
mod endings;
mod erasure;
mod error;
mod forms;
mod hashing;
mod links;
mod metrics;
mod outbox;
mod ownup;
mod pause;
mod private;
mod progress;
mod promises;
mod redaction;
mod reminders;
mod repair;
mod reports;
mod seen;
mod snapshots;
mod spaces;
mod together;

use std::sync::Arc;

use rand::RngCore;
use sha2::{Digest, Sha256};

pub use accounts::{LoginInput, NewSession, Session, SignUpInput, SignedUp};
pub use cache::{CachedPage, PageCache, PageKey, StateCache};
pub use clock::Clock;
pub use counsel::{Counselled, CounsellorInviteView, ReadAs};
pub use demo_space::{DemoPartner, DemoSpace};
pub use error::{AppError, InviteProblem};
pub use links::ResetView;
pub use metrics::Metrics;
pub use ownup::LetterDraft;
pub use private::{JournalEntry, JournalState};
pub use progress::{Dashboard, RECENT_EVENTS};
pub use reminders::{LOOK_EVERY_SECS, ReminderChoice, ReminderInput, WaitingItems};
pub use spaces::{InviteView, SpaceHead, SpaceSummary};

use crate::config::Settings;
use crate::store::Store;

/// Everything a use case needs; cheap to clone (all shared).
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    settings: Settings,
    clock: Clock,
    cache: StateCache,
    pages: PageCache,
    /// What the metrics listener serves (off unless `--metrics-bind` is set).
    metrics: Metrics,
    /// At most this many argon2 hashes at once: each takes 19 MiB and a core.
    hashing: tokio::sync::Semaphore,
    /// A real argon2id hash of a random password, checked when an email is unknown so an
    /// unknown account takes the same time as a wrong password.
    decoy_hash: String,
    /// Appends to one space take turns (see `App::record`).
    appends: spaces::AppendLocks,
    /// Sends of one form token take turns (see `App::form_turn`).
    forms: forms::FormTurns,
    /// Which spaces were started from a snapshot, and the snapshot work still running.
    snapshots: snapshots::Snapshots,
    /// Notes every commit beside an SQLite file, once the server has checked it at start.
    witness: std::sync::OnceLock<crate::store::Witness>,
    /// Spaces whose record ends before what the witness saw committed, with that seq.
    behind: std::sync::Mutex<std::collections::HashMap<crate::domain::SpaceId, u64>>,
    /// How mail leaves, when it is configured (see `outbox`).
    mailer: Option<crate::mail::Mailer>,
    /// Wakes the outbox worker when a mail is added or the clock was moved.
    outbox_wake: tokio::sync::Notify,
}

impl App {
    pub fn new(store: Store, settings: Settings, clock: Clock) -> anyhow::Result<Self> {
        let decoy_hash = accounts::hash_password_now(&random_token())?;
        let mailer = settings
            .mail
            .as_ref()
            .map(crate::mail::Mailer::new)
            .transpose()?;
        Ok(Self {
            inner: Arc::new(Inner {
                cache: StateCache::new(settings.state_cache_bytes, settings.compact_cache_bytes),
                pages: PageCache::new(settings.page_cache_bytes),
                store,
                settings,
                clock,
                hashing: tokio::sync::Semaphore::new(2),
                decoy_hash,
                appends: spaces::AppendLocks::new(),
                forms: forms::FormTurns::new(),
                snapshots: snapshots::Snapshots::new(),
                witness: std::sync::OnceLock::new(),
                behind: std::sync::Mutex::default(),
                metrics: Metrics::new(),
                mailer,
                outbox_wake: tokio::sync::Notify::new(),
            }),
        })
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    fn cache(&self) -> &StateCache {
        &self.inner.cache
    }

    /// Pages drawn once and served again (see `PageCache`).
    pub fn pages(&self) -> &PageCache {
        &self.inner.pages
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The metrics in Prometheus's text format, with the state cache's size as of now.
    pub fn render_metrics(&self) -> String {
        self.metrics().render(self.cache())
    }

    fn appends(&self) -> &spaces::AppendLocks {
        &self.inner.appends
    }
}

/// 32 random bytes from the OS, as unpadded base64url: session ids, CSRF tokens, invites.
pub fn random_token() -> String {
    token_from(&mut rand::rngs::OsRng)
}

/// 32 random bytes from the thread's own CSPRNG (rand's `ThreadRng`: ChaCha, seeded and
/// reseeded from the OS), as unpadded base64url: the token that tells one sending of a
/// form from another (`web::once`). A page holds several forms and a kept page gets fresh
/// tokens every time it is served; asking the OS for each cost a system call per form.
/// What guards an account (sessions, CSRF, invites, keys) keeps coming from the OS.
pub fn form_token() -> String {
    token_from(&mut rand::thread_rng())
}

fn token_from(rng: &mut impl rand::RngCore) -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh salt for an event.
fn random_salt() -> [u8; 16] {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    salt
}

/// Hex SHA-256 of a secret, for storing and finding it without keeping it.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
