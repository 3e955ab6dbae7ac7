//! The only place with SQL. One [`Store`] over SQLite (the embedded default) or PostgreSQL;
//! every query is written once and runs on both (`$n` placeholders work on both), and each
//! backend has its own embedded migrations, run at start.
//!
//! The store does not decide anything: it keeps rows, appends already-sealed events in one
//! transaction, and reports conflicts. Rules live in `domain`, authorization in `app`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::config::StorageArgs;
use crate::domain::record::{Hash, RecordedEvent, Salt};
use crate::domain::{PersonId, SpaceId};

mod inline;
mod rows;
mod witness;
pub use inline::InlineReads;
pub use rows::*;
pub use witness::{Witness, Witnessed};

/// Why a store call failed in a way the caller may act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another append got there first (the head moved, or the seq is taken): reload, retry.
    #[error("the record's head moved while appending")]
    Conflict,
    /// A unique value (an email) is already taken.
    #[error("that value is already taken")]
    Duplicate,
    /// The invite was used, revoked or expired while joining.
    #[error("the invite is no longer valid")]
    InviteGone,
    /// The events handed in do not continue the chain they claim to.
    #[error("the events do not continue the record's chain")]
    Unchained,
    #[error("stored data is malformed: {0}")]
    Corrupt(&'static str),
    /// The database cannot take writes (or answer) right now: the disk is full or
    /// read-only, an I/O error, a lock held too long, no connection to be had. Nothing was
    /// written; the same call may work in a moment, without a restart.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable(err)
        } else {
            Self::Db(err)
        }
    }
}

/// Whether `err` is a fault of the storage underneath (space, permissions, I/O, locks,
/// connections) rather than of the query: the first kind passes, the second is a bug.
fn is_unavailable(err: &sqlx::Error) -> bool {
    use sqlx::Error as E;
    match err {
        E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => true,
        E::Database(db) => {
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // Extended result codes carry the primary code in their low byte.
                let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
                matches!(
                    code & 0xff,
                    SQLITE_BUSY
                        | SQLITE_LOCKED
                        | SQLITE_NOMEM
                        | SQLITE_READONLY
                        | SQLITE_IOERR
                        | SQLITE_FULL
                        | SQLITE_CANTOPEN
                        | SQLITE_PROTOCOL
                )
            } else {
                // PostgreSQL's SQLSTATE: connection lost (08), out of disk, memory or
                // connections (53), shut down or restarting (57P), a read-only server
                // (25006), an I/O error (58030), a statement or lock timeout (57014, 55P03),
                // and the concurrency failures a retry resolves (40001, 40P01).
                let state = db.code().unwrap_or_default();
                ["08", "53", "57P"]
                    .iter()
                    .any(|class| state.starts_with(class))
                    || ["25006", "58030", "57014", "55P03", "40001", "40P01"]
                        .contains(&state.as_ref())
            }
        }
        _ => false,
    }
}

// SQLite's primary result codes (https://www.sqlite.org/rescode.html).
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_NOMEM: i32 = 7;
const SQLITE_READONLY: i32 = 8;
const SQLITE_IOERR: i32 = 10;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;
const SQLITE_PROTOCOL: i32 = 15;

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Something that must happen in the same transaction as an append.
#[derive(Debug, Clone)]
pub enum Effect {
    /// The append creates the space (its first events).
    CreateSpace { created_at: i64 },
    /// Record that a person is a member, for listing their spaces.
    AddMember { person: PersonId, joined_at: i64 },
    /// A person left the space: it is no longer listed among theirs.
    RemoveMember { person: PersonId },
    /// The words of the event at `seq` are removed: its body and salt become NULL (the
    /// one change the events table allows), its digest keeps the chain.
    /// The space's snapshot goes in the same transaction.
    Redact { seq: u64 },
    /// Use up an invite; fails the whole append if it was used, revoked or has expired.
    ConsumeInvite {
        token_hash: String,
        by: PersonId,
        at: i64,
    },
    /// Use up a counsellor's invitation link, as `ConsumeInvite` does a partner's.
    ConsumeCounsellorInvite {
        token_hash: String,
        by: PersonId,
        at: i64,
    },
    /// Record that a person opened a counsellor's link, for listing the couples they
    /// counsel (what they may see is decided from the record, never from this).
    AddCounsellor {
        person: PersonId,
        engagement: String,
        joined_at: i64,
    },
}

/// The SQLite file's name in the data folder.
pub const SQLITE_FILE: &str = "goldseam.db";

/// The SQLite file `storage` points to, if it is a file (not PostgreSQL, not in memory).
pub fn sqlite_file(storage: &StorageArgs) -> Option<std::path::PathBuf> {
    match &storage.database_url {
        None => Some(storage.data_dir.join(SQLITE_FILE)),
        Some(url) if url.0.starts_with("postgres") => None,
        Some(url) => SqliteConnectOptions::from_str(&url.0)
            .ok()
            .map(|o| o.get_filename().to_owned())
            .filter(|file| file != Path::new(":memory:")),
    }
}

/// Whether [`Store::open`] may set up a new, empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creating {
    /// Only an existing Goldseam database will do (`export`).
    Never,
    /// Only on a first run: the default data folder does not exist yet (`serve`).
    OnFirstRun,
    /// The operator asked for it with `--init`, or it is a demo's own database.
    Allowed,
}

fn missing_database(what: &str, creating: Creating) -> String {
    match creating {
        Creating::Never => format!("There is no Goldseam database at {what}."),
        _ => format!(
            "There is no Goldseam database at {what}, but its folder exists. If this is a new \
             instance, start it once with --init; if Goldseam ran here before, its database is \
             missing: restore it from a backup instead of starting empty."
        ),
    }
}

fn unusable_file(file: &Path) -> String {
    format!(
        "opening the SQLite database {}: check that this user may read and write the file \
         and its folder",
        file.display()
    )
}

/// The database behind Goldseam.
#[derive(Debug, Clone)]
pub enum Store {
    /// The pool, and the session reads that skip it (see [`InlineReads`]).
    Sqlite(SqlitePool, InlineReads),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the backend's pool; the body is compiled once per
/// backend, so one query text serves both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Store::Sqlite($pool, _) => $body,
            Store::Postgres($pool) => $body,
        }
    };
}

/// A query that aggregates a person's marks into a JSON array of strings (`[]` when there
/// are none), with each database's way of saying it between `$before` and `$after`.
macro_rules! with_marks {
    ($store:expr, $before:literal, $after:literal) => {
        match $store {
            Store::Sqlite(..) => concat!($before, "json_group_array(mark)", $after),
            Store::Postgres(_) => {
                concat!(
                    $before,
                    "COALESCE(json_agg(mark), '[]'::json)::text",
                    $after
                )
            }
        }
    };
}

mod operator;
pub use operator::{AccountRow, open_sqlite_copy, sqlite_in_use};

impl Store {
    /// Opens the configured database (the SQLite file in the data folder by default) and
    /// runs the migrations. A database that holds nothing of Goldseam's yet is only made
    /// ready where `creating` allows it, so a data folder that was emptied, a database file
    /// that went missing or a PostgreSQL database that was dropped and recreated is never
    /// quietly taken for a new instance.
    pub async fn open(storage: &StorageArgs, creating: Creating) -> anyhow::Result<Self> {
        let (store, may_create) = match &storage.database_url {
            Some(url) => {
                let may_create = creating == Creating::Allowed;
                if !url.0.starts_with("postgres") {
                    let options =
                        SqliteConnectOptions::from_str(&url.0).context("reading the SQLite URL")?;
                    let file = options.get_filename();
                    if !may_create && file != Path::new(":memory:") && !file.exists() {
                        anyhow::bail!(missing_database(&file.display().to_string(), creating));
                    }
                }
                (Self::connect(&url.0).await?, may_create)
            }
            None => {
                let dir = &storage.data_dir;
                // A folder that does not exist yet is a first run; one that exists has had
                // a database in it, or was made for one (then `--init` says so).
                let first_run = !dir.exists();
                let may_create = creating == Creating::Allowed
                    || (creating == Creating::OnFirstRun && first_run);
                let file = dir.join(SQLITE_FILE);
                if !may_create && !file.exists() {
                    anyhow::bail!(missing_database(&file.display().to_string(), creating));
                }
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the data folder {}", dir.display()))?;
                let store = Self::sqlite(SqliteConnectOptions::new().filename(&file))
                    .await
                    .with_context(|| unusable_file(&file))?;
                (store, may_create)
            }
        };
        if !store.is_initialised().await? {
            if !may_create {
                anyhow::bail!(
                    "The database holds no Goldseam data. If this is a new instance, start it \
                     once with --init; if Goldseam ran on it before, its data is gone: restore \
                     it from a backup instead of starting empty."
                );
            }
            tracing::info!(
                database = store.backend(),
                "no Goldseam data here yet: setting up a new, empty database"
            );
        }
        store.migrate().await?;
        Ok(store)
    }

    /// Whether Goldseam's tables are there (its migrations have run at least once).
    pub async fn is_initialised(&self) -> anyhow::Result<bool> {
        let found: Option<(i64,)> = on_pool!(self, pool => {
            match self {
                Store::Sqlite(..) => sqlx::query_as(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                ),
                Store::Postgres(_) => sqlx::query_as(
                    "SELECT 1::BIGINT FROM pg_tables
                     WHERE tablename = '_sqlx_migrations' AND schemaname = current_schema()",
                ),
            }
            .fetch_optional(pool)
            .await
        })
        .context("reading what the database holds")?;
        Ok(found.is_some())
    }

    /// Connects to a `postgres://` or `sqlite:` URL (without migrating).
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).context("reading the PostgreSQL URL")?;
            Self::postgres(options).await
        } else {
            let options = SqliteConnectOptions::from_str(url).context("reading the SQLite URL")?;
            Self::sqlite(options).await
        }
    }

    /// SQLite as we promise to run it: WAL so readers never block the writer, and
    /// `synchronous=FULL` so an append that was acknowledged survives a power cut (in WAL
    /// mode NORMAL could lose the last commits). Writers wait up to 5 s for the lock.
    pub async fn sqlite(options: SqliteConnectOptions) -> anyhow::Result<Self> {
        Self::sqlite_with(options, SqlitePoolOptions::new()).await
    }

    /// [`Store::sqlite`] with the caller's pool hooks (`after_connect`, `before_acquire`):
    /// how tests put a real database into a fault. The connection settings, the pool size
    /// and `after_release` are always ours.
    pub async fn sqlite_with(
        options: SqliteConnectOptions,
        pool: SqlitePoolOptions,
    ) -> anyhow::Result<Self> {
        let file = options.get_filename().to_owned();
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Removed words are overwritten with zeros, not left in free pages.
            .pragma("secure_delete", "on")
            .busy_timeout(Duration::from_secs(5));
        // The file is local: a connection taken from the pool does not need a round trip
        // to its worker thread first to show that it still works (sqlx's default ping on
        // every acquire doubled the cost of a read).
        let pool = pool
            .max_connections(8)
            .test_before_acquire(false)
            .after_release(|conn, _| Box::pin(still_clean(conn)))
            .connect_with(options)
            .await
            .context("opening the SQLite database")?;
        Ok(Self::Sqlite(pool, InlineReads::of(&file)))
    }

    pub async fn postgres(options: PgConnectOptions) -> anyhow::Result<Self> {
        Self::postgres_with(options, PgPoolOptions::new()).await
    }

    /// [`Store::postgres`] with the caller's pool hooks, as [`Store::sqlite_with`].
    pub async fn postgres_with(
        options: PgConnectOptions,
        pool: PgPoolOptions,
    ) -> anyhow::Result<Self> {
        let pool = pool
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .after_release(|conn, _| Box::pin(still_clean(conn)))
            .connect_with(options)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Self::Postgres(pool))
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(pool, _) => sqlx::migrate!("migrations/sqlite").run(pool).await,
            Self::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await,
        }
        .context("running database migrations")
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(..) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        // SQLite checkpoints the write-ahead log into the database file when its last
        // connection closes, but the last may be an inline reader (read-only, it cannot),
        // and sqlx's close can return before its own last connection has closed. So the
        // readers close first, and the log is checkpointed and emptied here: whatever
        // happens to the files after this, everything committed is in the database file.
        if let Self::Sqlite(_, inline) = self {
            inline.close();
            self.truncate_log().await;
        }
        on_pool!(self, pool => pool.close().await)
    }

    /// Whether the database takes writes now: it must find room for a few new pages (in a
    /// transaction that is rolled back, so the probe never grows the file) and commit a
    /// one-row write of its own. Real data is never touched.
    #[tracing::instrument(skip_all)]
    pub async fn probe_writes(&self, now: i64) -> Result<(), StoreError> {
        // Four pages at SQLite's default page size: an append needs about as much.
        let filler = vec![0_u8; 16 * 1024];
        on_pool!(self, pool => transaction(pool, End::RollBack, async |tx| {
            sqlx::query("INSERT INTO readiness_room (filler) VALUES ($1)")
                .bind(filler.as_slice())
                .execute(&mut *tx)
                .await?;
            Ok(())
        }).await)?;
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            sqlx::query("UPDATE readiness SET checked_at = $1 WHERE id = 1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            Ok(())
        }).await)
    }

    // ---- persons ----------------------------------------------------------------------

    #[tracing::instrument(skip_all)]
    pub async fn insert_person(&self, p: &NewPerson) -> Result<(), StoreError> {
        let result = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO persons (id, email_norm, email, display_name, password_hash, created_at, time_zone)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(p.id.to_string())
            .bind(&p.email_norm)
            .bind(&p.email)
            .bind(&p.display_name)
            .bind(&p.password_hash)
            .bind(p.created_at)
            .bind(&p.time_zone)
            .execute(pool)
            .await
            .map(|_| ())
        });
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate),
            Err(e) => Err(e.into()),
        }
    }

    /// A new account, signed in on this device: the person, their first session and the
    /// device token, all in one transaction, so a sign-up answered as failed left nothing
    /// behind and one answered as done is whole.
    #[tracing::instrument(skip_all)]
    pub async fn insert_account(
        &self,
        p: &NewPerson,
        session: &SessionRow,
        device_hash: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let inserted = sqlx::query(
                "INSERT INTO persons (id, email_norm, email, display_name, password_hash, created_at, time_zone)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
                Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate),
                Err(e) => return Err(e.into()),
            }
            sqlx::query(
                "INSERT INTO sessions (id_hash, person_id, csrf, created_at, last_seen_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&session.id_hash)
            .bind(&session.person_id)
            .bind(&session.csrf)
            .bind(session.created_at)
            .bind(session.last_seen_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO known_devices (token_hash, person_id, created_at) VALUES ($1, $2, $3)")
                .bind(device_hash)
                .bind(p.id.to_string())
                .bind(p.created_at)
                .execute(&mut *tx)
                .await?;
            Ok(())
        }).await)
    }

    #[tracing::instrument(skip_all)]
    pub async fn login_by_email(&self, email_norm: &str) -> Result<Option<LoginRow>, StoreError> {
        let row: Option<LoginRow> = on_pool!(self, pool => {
            // A sign-up still waiting for its address to be confirmed cannot log in.
            sqlx::query_as("SELECT id, password_hash, disabled_at FROM persons WHERE email_norm = $1 AND pending_since IS NULL")
                .bind(email_norm)
                .fetch_optional(pool)
                .await?
        });
        Ok(row)
    }

    #[tracing::instrument(skip_all)]
    pub async fn person(&self, id: PersonId) -> Result<Option<PersonRow>, StoreError> {
        let row: Option<PersonRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, email, display_name FROM persons WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(row)
    }

    // ---- sessions ---------------------------------------------------------------------

    #[tracing::instrument(skip_all)]
    pub async fn insert_session(&self, s: &SessionRow) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (id_hash, person_id, csrf, created_at, last_seen_at, flash)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&s.id_hash)
            .bind(&s.person_id)
            .bind(&s.csrf)
            .bind(s.created_at)
            .bind(s.last_seen_at)
            .bind(&s.flash)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        const SQL: &str = "SELECT s.id_hash, s.person_id, s.csrf, s.created_at, s.last_seen_at, s.flash, p.time_zone, p.exit_to, s.data_key
             FROM sessions s JOIN persons p ON p.id = s.person_id
             WHERE s.id_hash = $1 AND p.disabled_at IS NULL";
        if let Self::Sqlite(_, inline) = self
            && let Some(found) = inline.session(SQL, id_hash)
        {
            return Ok(found);
        }
        let row: Option<SessionRow> = on_pool!(self, pool => {
            sqlx::query_as(SQL)
            .bind(id_hash)
            .fetch_optional(pool)
            .await?
        });
        Ok(row)
    }

    /// [`Store::session`], and in the same round trip what a page in `space` reads on every
    /// request: the space's head and the marks the session's person made in it. One query
    /// instead of two for every page of a space.
    #[tracing::instrument(skip_all)]
    pub async fn session_in_space(
        &self,
        id_hash: &str,
        space: SpaceId,
    ) -> Result<Option<(SessionRow, Option<HeadAndMarks>)>, StoreError> {
        let sql = with_marks!(
            self,
            "SELECT s.id_hash, s.person_id, s.csrf, s.created_at, s.last_seen_at, s.flash,
                    p.time_zone, p.exit_to, s.data_key, sp.head_seq, sp.head_hash, (SELECT ",
            " FROM seen WHERE space_id = $2 AND person_id = s.person_id) AS marks
             FROM sessions s JOIN persons p ON p.id = s.person_id
             LEFT JOIN spaces sp ON sp.id = $2
             WHERE s.id_hash = $1 AND p.disabled_at IS NULL"
        );
        let space = space.to_string();
        let inline = match self {
            Self::Sqlite(_, inline) => inline.session_in_space(sql, id_hash, &space),
            Self::Postgres(_) => None,
        };
        let row: Option<SessionInSpaceRow> = match inline {
            Some(found) => found,
            None => on_pool!(self, pool => {
                sqlx::query_as(sql)
                    .bind(id_hash)
                    .bind(&space)
                    .fetch_optional(pool)
                    .await?
            }),
        };
        row.map(|row| {
            let in_space = match (row.head_seq, row.head_hash, row.marks) {
                (Some(seq), Some(hash), Some(marks)) => Some(head_and_marks(seq, &hash, &marks)?),
                _ => None,
            };
            Ok((row.session, in_space))
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_time_zone(&self, person: PersonId, zone: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE persons SET time_zone = $2 WHERE id = $1")
                .bind(person.to_string())
                .bind(zone)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_exit_to(&self, person: PersonId, exit_to: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE persons SET exit_to = $2 WHERE id = $1")
                .bind(person.to_string())
                .bind(exit_to)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
                .bind(id_hash)
                .bind(now)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(pool).await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn delete_sessions_of(&self, person: PersonId) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                .bind(person.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Ends every session of `person` but the one whose hash is `keep`.
    #[tracing::instrument(skip_all)]
    pub async fn delete_other_sessions(
        &self,
        person: PersonId,
        keep: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND id_hash <> $2")
                .bind(person.to_string())
                .bind(keep)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Erases `person`'s account and everything outside the records that is theirs, in one
    /// transaction: their sessions (with the data key each one wrapped) and the forms sent
    /// in them, known devices, failed log-ins under `throttle_keys` and under their devices,
    /// drafts, journal entries, seen marks, memberships, counsellor places, the invite links
    /// they made (used or not) and their name on links they used, and last the person row
    /// itself (email, name, password hash, the wrapped data keys). The records are not
    /// touched here: their words are removed from them first, by appends. Failed log-ins by
    /// address belong to everyone at that address, and count for a quarter of an hour only.
    #[tracing::instrument(skip_all)]
    pub async fn erase_person(
        &self,
        person: PersonId,
        throttle_keys: &[String],
    ) -> Result<(), StoreError> {
        let id = person.to_string();
        let by_person = [
            "DELETE FROM form_tokens WHERE session_hash IN
                 (SELECT id_hash FROM sessions WHERE person_id = $1)",
            "DELETE FROM login_failures WHERE throttle_key IN
                 (SELECT 'device:' || token_hash FROM known_devices WHERE person_id = $1)",
            "DELETE FROM sessions WHERE person_id = $1",
            "DELETE FROM known_devices WHERE person_id = $1",
            "DELETE FROM drafts WHERE person_id = $1",
            "DELETE FROM journal_entries WHERE person_id = $1",
            "DELETE FROM seen WHERE person_id = $1",
            "DELETE FROM calendar_feeds WHERE person_id = $1",
            "DELETE FROM members WHERE person_id = $1",
            "DELETE FROM counsellors WHERE person_id = $1",
            "DELETE FROM invites WHERE created_by = $1",
            "UPDATE invites SET used_by = NULL WHERE used_by = $1",
            "DELETE FROM counsellor_invites WHERE created_by = $1",
            "UPDATE counsellor_invites SET used_by = NULL WHERE used_by = $1",
            // Their reminder settings first: a reminder worker that looks at them meanwhile
            // then finds nothing to keep, or has committed its mail before the next line.
            "DELETE FROM reminder_settings WHERE person_id = $1",
            // Mail still waiting for them (a reminder) holds their address.
            "DELETE FROM outbox WHERE recipient = (SELECT email FROM persons WHERE id = $1)",
            "DELETE FROM persons WHERE id = $1",
        ];
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            for key in throttle_keys {
                sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
            for statement in by_person {
                sqlx::query(statement).bind(&id).execute(&mut *tx).await?;
            }
            Ok(())
        }).await)
    }

    /// Every event `person` wrote, in every space, as (space, the entry as a removal looks
    /// at it), in record order. One pass over the events, without an index on the author:
    /// an erasure is rare, and an index would cost every append.
    #[tracing::instrument(skip_all)]
    pub async fn authored_by(
        &self,
        person: PersonId,
    ) -> Result<Vec<(SpaceId, crate::domain::redaction::Target)>, StoreError> {
        let author = person.to_string();
        let rows: Vec<(String, i64, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT space_id, seq, kind, CAST(CASE WHEN body IS NULL THEN 1 ELSE 0 END AS BIGINT)
                 FROM events WHERE author = $1 ORDER BY space_id, seq",
            )
            .bind(&author)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(space, seq, kind, removed)| {
                let space = space.parse().map_err(|_| StoreError::Corrupt("space id"))?;
                let seq = u64::try_from(seq).map_err(|_| StoreError::Corrupt("negative seq"))?;
                let target = crate::domain::redaction::Target {
                    seq,
                    author: author.clone(),
                    kind,
                    redacted: removed != 0,
                };
                Ok((space, target))
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    pub async fn password_hash(&self, person: PersonId) -> Result<Option<String>, StoreError> {
        let hash: Option<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT password_hash FROM persons WHERE id = $1")
                .bind(person.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(hash.map(|(h,)| h))
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_password_hash(&self, person: PersonId, hash: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE persons SET password_hash = $2 WHERE id = $1")
                .bind(person.to_string())
                .bind(hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    // ---- known devices ----------------------------------------------------------------

    #[tracing::instrument(skip_all)]
    pub async fn remember_device(
        &self,
        token_hash: &str,
        person: PersonId,
        at: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO known_devices (token_hash, person_id, created_at) VALUES ($1, $2, $3)")
                .bind(token_hash)
                .bind(person.to_string())
                .bind(at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The person a device token belongs to, if it is known.
    #[tracing::instrument(skip_all)]
    pub async fn device_owner(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT person_id FROM known_devices WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(person,)| person))
    }

    #[tracing::instrument(skip_all)]
    pub async fn forget_devices_of(&self, person: PersonId) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM known_devices WHERE person_id = $1")
                .bind(person.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    // ---- log-in throttling ------------------------------------------------------------

    /// How many failures `key` has had since `since`, and when the last one was.
    #[tracing::instrument(skip_all)]
    pub async fn login_failures(
        &self,
        key: &str,
        since: i64,
    ) -> Result<(i64, Option<i64>), StoreError> {
        let row: (i64, Option<i64>) = on_pool!(self, pool => {
            sqlx::query_as("SELECT COUNT(*), MAX(at) FROM login_failures WHERE throttle_key = $1 AND at >= $2")
                .bind(key)
                .bind(since)
                .fetch_one(pool)
                .await?
        });
        Ok(row)
    }

    /// Records a failure for each key, and forgets failures older than `forget_before`.
    #[tracing::instrument(skip_all)]
    pub async fn record_login_failure(
        &self,
        keys: &[&str],
        at: i64,
        forget_before: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            for key in keys {
                sqlx::query("INSERT INTO login_failures (throttle_key, at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        }).await)
    }

    #[tracing::instrument(skip_all)]
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1").bind(key).execute(pool).await?;
        });
        Ok(())
    }

    // ---- forms already handled (outside the record) ------------------------------------

    /// Where the first answer to a form with `token`, sent in this session, went.
    #[tracing::instrument(skip_all)]
    pub async fn form_answer(
        &self,
        session_hash: &str,
        token: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT location FROM form_tokens WHERE session_hash = $1 AND token = $2")
                .bind(session_hash)
                .bind(token)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(location,)| location))
    }

    /// Remembers where a form's first answer went, and forgets those older than
    /// `forget_before`. A token already remembered keeps its first answer.
    #[tracing::instrument(skip_all)]
    pub async fn remember_form_answer(
        &self,
        session_hash: &str,
        token: &str,
        location: &str,
        at: i64,
        forget_before: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            sqlx::query("DELETE FROM form_tokens WHERE at < $1")
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO form_tokens (session_hash, token, location, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (session_hash, token) DO NOTHING",
            )
            .bind(session_hash)
            .bind(token)
            .bind(location)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            Ok(())
        }).await)
    }

    // ---- what each person has seen or marked (outside the record) ----------------------

    /// The marks `person` has made in `space`, as stored (see `domain::seen`).
    #[tracing::instrument(skip_all)]
    pub async fn marks(&self, space: SpaceId, person: PersonId) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT mark FROM seen WHERE space_id = $1 AND person_id = $2")
                .bind(space.to_string())
                .bind(person.to_string())
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(mark,)| mark).collect())
    }

    /// Stores marks of `person` in `space`; one already made stays as it is.
    #[tracing::instrument(skip_all)]
    pub async fn add_marks(
        &self,
        space: SpaceId,
        person: PersonId,
        marks: &[String],
    ) -> Result<(), StoreError> {
        if marks.is_empty() {
            return Ok(());
        }
        let (space, person) = (space.to_string(), person.to_string());
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            for mark in marks {
                sqlx::query(
                    "INSERT INTO seen (space_id, person_id, mark) VALUES ($1, $2, $3)
                     ON CONFLICT (space_id, person_id, mark) DO NOTHING",
                )
                .bind(&space)
                .bind(&person)
                .bind(mark)
                .execute(&mut *tx)
                .await?;
            }
            Ok(())
        }).await)
    }

    // ---- spaces and their records -----------------------------------------------------

    /// The seq of a space's newest event: one indexed read. `None` if there is no such space.
    #[tracing::instrument(skip_all)]
    pub async fn head_seq(&self, space: SpaceId) -> Result<Option<u64>, StoreError> {
        let row: Option<(i64,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT head_seq FROM spaces WHERE id = $1")
                .bind(space.to_string())
                .fetch_optional(pool)
                .await?
        });
        row.map(|(seq,)| u64::try_from(seq).map_err(|_| StoreError::Corrupt("negative head seq")))
            .transpose()
    }

    /// The seq and hash of a space's newest event, as the space's row keeps them (one
    /// indexed read). `None` if there is no such space.
    #[tracing::instrument(skip_all)]
    pub async fn head(&self, space: SpaceId) -> Result<Option<(u64, Hash)>, StoreError> {
        let row: Option<(i64, Vec<u8>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT head_seq, head_hash FROM spaces WHERE id = $1")
                .bind(space.to_string())
                .fetch_optional(pool)
                .await?
        });
        row.map(|(seq, hash)| {
            let seq = u64::try_from(seq).map_err(|_| StoreError::Corrupt("negative head seq"))?;
            let hash = Hash::try_from(hash.as_slice())
                .map_err(|_| StoreError::Corrupt("head hash length"))?;
            Ok((seq, hash))
        })
        .transpose()
    }

    /// A space's head, and the marks `person` made in it, in one round trip: what a page
    /// must read afresh on every request (another instance may have changed either).
    #[tracing::instrument(skip_all)]
    pub async fn head_and_marks(
        &self,
        space: SpaceId,
        person: PersonId,
    ) -> Result<Option<HeadAndMarks>, StoreError> {
        let (space, person) = (space.to_string(), person.to_string());
        let sql = with_marks!(
            self,
            "SELECT head_seq, head_hash, (SELECT ",
            " FROM seen WHERE space_id = $1 AND person_id = $2) FROM spaces WHERE id = $1"
        );
        let row: Option<(i64, Vec<u8>, String)> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(&space)
                .bind(&person)
                .fetch_optional(pool)
                .await?
        });
        row.map(|(seq, hash, marks)| head_and_marks(seq, &hash, &marks))
            .transpose()
    }

    /// Every space's head as its row keeps it, beside what its events say, for the check
    /// at start: one pass over the events' primary key.
    #[tracing::instrument(skip_all)]
    pub async fn heads(&self) -> Result<Vec<HeadRow>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.id AS space_id, s.head_seq, s.head_hash,
                        (SELECT e.hash FROM events e
                         WHERE e.space_id = s.id AND e.seq = s.head_seq) AS hash_at_head,
                        (SELECT MAX(e.seq) FROM events e WHERE e.space_id = s.id) AS last_seq,
                        (SELECT COUNT(*) FROM events e WHERE e.space_id = s.id) AS events
                 FROM spaces s ORDER BY s.id",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// The events of a space after `after_seq`, in order.
    #[tracing::instrument(skip_all)]
    pub async fn events_after(
        &self,
        space: SpaceId,
        after_seq: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let after =
            i64::try_from(after_seq).map_err(|_| StoreError::Corrupt("seq out of range"))?;
        let rows: Vec<EventRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT seq, at_us, author, kind, body, salt, digest, prev, hash
                 FROM events WHERE space_id = $1 AND seq > $2 ORDER BY seq",
            )
            .bind(space.to_string())
            .bind(after)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(RecordedEvent::try_from).collect()
    }

    /// The events of a space after `after_seq` up to `up_to_seq` (both by seq), in order: one
    /// page of the record, read without the rest of it.
    #[tracing::instrument(skip_all)]
    pub async fn events_between(
        &self,
        space: SpaceId,
        after_seq: u64,
        up_to_seq: u64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let seq = |n: u64| i64::try_from(n).map_err(|_| StoreError::Corrupt("seq out of range"));
        let (after, up_to) = (seq(after_seq)?, seq(up_to_seq)?);
        let rows: Vec<EventRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT seq, at_us, author, kind, body, salt, digest, prev, hash
                 FROM events WHERE space_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
            )
            .bind(space.to_string())
            .bind(after)
            .bind(up_to)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(RecordedEvent::try_from).collect()
    }

    /// The event at `seq` of a space, if there is one.
    #[tracing::instrument(skip_all)]
    pub async fn event_at(
        &self,
        space: SpaceId,
        seq: u64,
    ) -> Result<Option<RecordedEvent>, StoreError> {
        let seq = i64::try_from(seq).map_err(|_| StoreError::Corrupt("seq out of range"))?;
        let row: Option<EventRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT seq, at_us, author, kind, body, salt, digest, prev, hash
                 FROM events WHERE space_id = $1 AND seq = $2",
            )
            .bind(space.to_string())
            .bind(seq)
            .fetch_optional(pool)
            .await?
        });
        row.map(RecordedEvent::try_from).transpose()
    }

    /// After words were removed: SQLite's write-ahead log still holds the pages as they
    /// were, so it is checkpointed and truncated (best effort; `secure_delete` has already
    /// zeroed the freed bytes in the database file itself). PostgreSQL keeps no copy a
    /// query or a dump can reach.
    pub async fn forget_removed_words(&self) {
        self.truncate_log().await;
    }

    /// Checkpoints SQLite's write-ahead log into the database file and empties it (best
    /// effort: a failure is logged). Nothing to do on PostgreSQL.
    async fn truncate_log(&self) {
        if let Self::Sqlite(pool, _) = self
            && let Err(err) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
        {
            tracing::warn!(error = %err, "the write-ahead log was not truncated");
        }
    }

    /// Appends sealed `events` after `expected` = (head seq, head hash), together with
    /// `effects`, in one transaction. If the head has moved, nothing is written and the
    /// answer is [`StoreError::Conflict`].
    #[tracing::instrument(skip_all, fields(space = %space, events = events.len()))]
    pub async fn append(
        &self,
        space: SpaceId,
        expected: (u64, Hash),
        events: &[RecordedEvent],
        effects: &[Effect],
    ) -> Result<(), StoreError> {
        check_chain(expected, events)?;
        let (new_seq, new_hash) = events.last().map(|e| (e.seq, e.hash)).unwrap_or(expected);
        let space_id = space.to_string();
        let to_i64 = |n: u64| i64::try_from(n).map_err(|_| StoreError::Corrupt("seq out of range"));
        let (expected_seq, new_seq) = (to_i64(expected.0)?, to_i64(new_seq)?);

        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let creating = effects.iter().find_map(|e| match e {
                Effect::CreateSpace { created_at } => Some(*created_at),
                _ => None,
            });
            // Taking the head first is also what serializes appends per space: the UPDATE
            // holds PostgreSQL's row lock and SQLite's write lock until commit.
            let moved = match creating {
                Some(created_at) => sqlx::query(
                    "INSERT INTO spaces (id, created_at, head_seq, head_hash) VALUES ($1, $2, $3, $4)",
                )
                .bind(&space_id)
                .bind(created_at)
                .bind(new_seq)
                .bind(new_hash.as_slice())
                .execute(&mut *tx)
                .await
                .map(|r| r.rows_affected()),
                None => sqlx::query(
                    "UPDATE spaces SET head_seq = $3, head_hash = $4
                     WHERE id = $1 AND head_seq = $2 AND head_hash = $5",
                )
                .bind(&space_id)
                .bind(expected_seq)
                .bind(new_seq)
                .bind(new_hash.as_slice())
                .bind(expected.1.as_slice())
                .execute(&mut *tx)
                .await
                .map(|r| r.rows_affected()),
            };
            match moved {
                Ok(1) => {}
                Ok(_) => return Err(StoreError::Conflict),
                Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict),
                Err(e) => return Err(e.into()),
            }
            for e in events {
                let inserted = sqlx::query(
                    "INSERT INTO events (space_id, seq, at_us, author, kind, body, salt, digest, prev, hash)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&space_id)
                .bind(to_i64(e.seq)?)
                .bind(e.at_us)
                .bind(&e.author)
                .bind(&e.kind)
                .bind(&e.body)
                .bind(e.salt.as_ref().map(|s| s.as_slice()))
                .bind(e.digest.as_slice())
                .bind(e.prev.as_slice())
                .bind(e.hash.as_slice())
                .execute(&mut *tx)
                .await;
                match inserted {
                    Ok(_) => {}
                    Err(err) if is_unique_violation(&err) => return Err(StoreError::Conflict),
                    Err(err) => return Err(err.into()),
                }
            }
            for effect in effects {
                match effect {
                    Effect::CreateSpace { .. } => {}
                    Effect::AddMember { person, joined_at } => {
                        sqlx::query("INSERT INTO members (space_id, person_id, joined_at) VALUES ($1, $2, $3)")
                            .bind(&space_id)
                            .bind(person.to_string())
                            .bind(joined_at)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Effect::Redact { seq } => {
                        let removed = sqlx::query(
                            "UPDATE events SET body = NULL, salt = NULL
                             WHERE space_id = $1 AND seq = $2 AND body IS NOT NULL",
                        )
                        .bind(&space_id)
                        .bind(to_i64(*seq)?)
                        .execute(&mut *tx)
                        .await?;
                        if removed.rows_affected() != 1 {
                            return Err(StoreError::Conflict);
                        }
                    }
                    Effect::RemoveMember { person } => {
                        sqlx::query("DELETE FROM members WHERE space_id = $1 AND person_id = $2")
                            .bind(&space_id)
                            .bind(person.to_string())
                            .execute(&mut *tx)
                            .await?;
                    }
                    Effect::ConsumeInvite { token_hash, by, at } => {
                        let used = sqlx::query(
                            "UPDATE invites SET used_at = $2, used_by = $3
                             WHERE token_hash = $1 AND space_id = $4 AND used_at IS NULL
                               AND revoked_at IS NULL AND expires_at > $2",
                        )
                        .bind(token_hash)
                        .bind(at)
                        .bind(by.to_string())
                        .bind(&space_id)
                        .execute(&mut *tx)
                        .await?;
                        if used.rows_affected() != 1 {
                            return Err(StoreError::InviteGone);
                        }
                    }
                    Effect::ConsumeCounsellorInvite { token_hash, by, at } => {
                        let used = sqlx::query(
                            "UPDATE counsellor_invites SET used_at = $2, used_by = $3
                             WHERE token_hash = $1 AND space_id = $4 AND used_at IS NULL
                               AND revoked_at IS NULL AND expires_at > $2",
                        )
                        .bind(token_hash)
                        .bind(at)
                        .bind(by.to_string())
                        .bind(&space_id)
                        .execute(&mut *tx)
                        .await?;
                        if used.rows_affected() != 1 {
                            return Err(StoreError::InviteGone);
                        }
                    }
                    Effect::AddCounsellor { person, engagement, joined_at } => {
                        sqlx::query(
                            "INSERT INTO counsellors (space_id, engagement, person_id, joined_at)
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(&space_id)
                        .bind(engagement)
                        .bind(person.to_string())
                        .bind(joined_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            // Removed words must not live on in a state folded while they were there.
            if effects.iter().any(|e| matches!(e, Effect::Redact { .. })) {
                sqlx::query("DELETE FROM snapshots WHERE space_id = $1")
                    .bind(&space_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        }).await)
    }

    /// The spaces a person belongs to, oldest membership first.
    #[tracing::instrument(skip_all)]
    pub async fn spaces_of(&self, person: PersonId) -> Result<Vec<SpaceId>, StoreError> {
        let rows: Vec<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT space_id FROM members WHERE person_id = $1 ORDER BY joined_at, space_id")
                .bind(person.to_string())
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(id,)| id.parse().map_err(|_| StoreError::Corrupt("space id")))
            .collect()
    }

    // ---- invites ----------------------------------------------------------------------

    /// Stores a new invite for a space and revokes any earlier one still pending, so only
    /// the newest link works.
    #[tracing::instrument(skip_all)]
    pub async fn replace_invite(&self, invite: &InviteRow) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            sqlx::query("UPDATE invites SET revoked_at = $2 WHERE space_id = $1 AND used_at IS NULL AND revoked_at IS NULL")
                .bind(&invite.space_id)
                .bind(invite.created_at)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO invites (token_hash, space_id, created_by, created_at, expires_at, used_at, used_by, revoked_at)
                 VALUES ($1, $2, $3, $4, $5, NULL, NULL, NULL)",
            )
            .bind(&invite.token_hash)
            .bind(&invite.space_id)
            .bind(&invite.created_by)
            .bind(invite.created_at)
            .bind(invite.expires_at)
            .execute(&mut *tx)
            .await?;
            Ok(())
        }).await)
    }

    #[tracing::instrument(skip_all)]
    pub async fn invite(&self, token_hash: &str) -> Result<Option<InviteRow>, StoreError> {
        let row: Option<InviteRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT token_hash, space_id, created_by, created_at, expires_at, used_at, used_by, revoked_at
                 FROM invites WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        Ok(row)
    }
}

impl Store {
    // ---- counsellors ------------------------------------------------------------------

    /// Stores a new counsellor's link for a space and revokes any earlier one still unused.
    #[tracing::instrument(skip_all)]
    pub async fn replace_counsellor_invite(
        &self,
        invite: &CounsellorInviteRow,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            sqlx::query("UPDATE counsellor_invites SET revoked_at = $2 WHERE space_id = $1 AND used_at IS NULL AND revoked_at IS NULL")
                .bind(&invite.space_id)
                .bind(invite.created_at)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO counsellor_invites (token_hash, space_id, engagement, created_by, created_at, expires_at, used_at, used_by, revoked_at)
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL)",
            )
            .bind(&invite.token_hash)
            .bind(&invite.space_id)
            .bind(&invite.engagement)
            .bind(&invite.created_by)
            .bind(invite.created_at)
            .bind(invite.expires_at)
            .execute(&mut *tx)
            .await?;
            Ok(())
        }).await)
    }

    /// Revokes a space's counsellor links still unused (the invitation was withdrawn).
    #[tracing::instrument(skip_all)]
    pub async fn revoke_counsellor_invites(
        &self,
        space: SpaceId,
        at: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE counsellor_invites SET revoked_at = $2 WHERE space_id = $1 AND used_at IS NULL AND revoked_at IS NULL")
                .bind(space.to_string())
                .bind(at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn counsellor_invite(
        &self,
        token_hash: &str,
    ) -> Result<Option<CounsellorInviteRow>, StoreError> {
        let row: Option<CounsellorInviteRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT token_hash, space_id, engagement, created_by, created_at, expires_at, used_at, used_by, revoked_at
                 FROM counsellor_invites WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        Ok(row)
    }

    /// The spaces a person opened a counsellor's link for, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn counselled_by(&self, person: PersonId) -> Result<Vec<SpaceId>, StoreError> {
        let rows: Vec<(String,)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT space_id FROM counsellors WHERE person_id = $1
                 GROUP BY space_id ORDER BY MIN(joined_at), space_id",
            )
            .bind(person.to_string())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id,)| id.parse().map_err(|_| StoreError::Corrupt("space id")))
            .collect()
    }

    /// Notes that a counsellor opened `page` of a space.
    #[tracing::instrument(skip_all)]
    pub async fn note_look(
        &self,
        space: SpaceId,
        person: PersonId,
        at_us: i64,
        page: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO counsellor_looks (space_id, person_id, at_us, page) VALUES ($1, $2, $3, $4)")
                .bind(space.to_string())
                .bind(person.to_string())
                .bind(at_us)
                .bind(page)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Every page counsellors opened in a space, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn looks(&self, space: SpaceId) -> Result<Vec<LookRow>, StoreError> {
        let rows: Vec<LookRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT person_id, at_us, page FROM counsellor_looks WHERE space_id = $1
                 ORDER BY at_us DESC",
            )
            .bind(space.to_string())
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    // ---- private data -----------------------------------------------------------------
    // Only ever sealed or wrapped bytes: see docs/private-data.md.

    #[tracing::instrument(skip_all)]
    pub async fn vault(&self, person: PersonId) -> Result<VaultRow, StoreError> {
        let row: Option<VaultRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT data_key_salt, data_key_by_password, data_key_by_recovery, recovery_confirmed_at
                 FROM persons WHERE id = $1",
            )
            .bind(person.to_string())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.unwrap_or_default())
    }

    /// The data key's wrapping under the password (and the salt of the password's key).
    #[tracing::instrument(skip_all)]
    pub async fn set_password_wrap(
        &self,
        person: PersonId,
        salt: &[u8],
        wrapped: &[u8],
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE persons SET data_key_salt = $2, data_key_by_password = $3 WHERE id = $1")
                .bind(person.to_string())
                .bind(salt)
                .bind(wrapped)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The data key's wrapping under a new recovery key, not yet confirmed as written down.
    #[tracing::instrument(skip_all)]
    pub async fn set_recovery_wrap(
        &self,
        person: PersonId,
        wrapped: &[u8],
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE persons SET data_key_by_recovery = $2, recovery_confirmed_at = NULL WHERE id = $1")
                .bind(person.to_string())
                .bind(wrapped)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn confirm_recovery(&self, person: PersonId, at: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE persons SET recovery_confirmed_at = $2 WHERE id = $1 AND data_key_by_recovery IS NOT NULL")
                .bind(person.to_string())
                .bind(at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The data key wrapped for one session (gone with the session's row).
    #[tracing::instrument(skip_all)]
    pub async fn set_session_key(&self, id_hash: &str, wrapped: &[u8]) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE sessions SET data_key = $2 WHERE id_hash = $1")
                .bind(id_hash)
                .bind(wrapped)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn journal(&self, person: PersonId) -> Result<Vec<JournalRow>, StoreError> {
        let rows: Vec<JournalRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, sealed FROM journal_entries WHERE person_id = $1")
                .bind(person.to_string())
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    #[tracing::instrument(skip_all)]
    pub async fn journal_entry(
        &self,
        person: PersonId,
        id: &str,
    ) -> Result<Option<JournalRow>, StoreError> {
        let row: Option<JournalRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, sealed FROM journal_entries WHERE id = $1 AND person_id = $2")
                .bind(id)
                .bind(person.to_string())
                .fetch_optional(pool)
                .await?
        });
        Ok(row)
    }

    /// Saves an entry of `person`'s (new or changed). Someone else's id is never touched:
    /// `Duplicate`.
    #[tracing::instrument(skip_all)]
    pub async fn save_journal_entry(
        &self,
        person: PersonId,
        id: &str,
        sealed: &[u8],
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let updated = sqlx::query("UPDATE journal_entries SET sealed = $3 WHERE id = $1 AND person_id = $2")
                .bind(id)
                .bind(person.to_string())
                .bind(sealed)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() == 0 {
                let inserted = sqlx::query("INSERT INTO journal_entries (id, person_id, sealed) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(person.to_string())
                    .bind(sealed)
                    .execute(&mut *tx)
                    .await;
                match inserted {
                    Ok(_) => {}
                    Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate),
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(())
        }).await)
    }

    /// Removes the row itself; returns whether there was one of `person`'s.
    #[tracing::instrument(skip_all)]
    pub async fn delete_journal_entry(
        &self,
        person: PersonId,
        id: &str,
    ) -> Result<bool, StoreError> {
        let deleted = on_pool!(self, pool => {
            sqlx::query("DELETE FROM journal_entries WHERE id = $1 AND person_id = $2")
                .bind(id)
                .bind(person.to_string())
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(deleted == 1)
    }

    // ---- private drafts ---------------------------------------------------------------
    // Every query names the author: a draft is found only by the person who wrote it.

    #[tracing::instrument(skip_all)]
    pub async fn save_draft(&self, d: &DraftRow) -> Result<(), StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let updated = sqlx::query(
                "UPDATE drafts SET body = $4, updated_at = $5, sealed = $6
                 WHERE id = $1 AND person_id = $2 AND space_id = $3",
            )
            .bind(&d.id)
            .bind(&d.person_id)
            .bind(&d.space_id)
            .bind(&d.body)
            .bind(d.updated_at)
            .bind(&d.sealed)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                let inserted = sqlx::query(
                    "INSERT INTO drafts (id, person_id, space_id, kind, body, updated_at, sealed)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&d.id)
                .bind(&d.person_id)
                .bind(&d.space_id)
                .bind(&d.kind)
                .bind(&d.body)
                .bind(d.updated_at)
                .bind(&d.sealed)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Ok(_) => {}
                    // Someone else's draft id: never overwrite it, never say it exists.
                    Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate),
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(())
        }).await)
    }

    #[tracing::instrument(skip_all)]
    pub async fn drafts(
        &self,
        person: PersonId,
        space: SpaceId,
        kind: &str,
    ) -> Result<Vec<DraftRow>, StoreError> {
        let rows: Vec<DraftRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, person_id, space_id, kind, body, updated_at, sealed FROM drafts
                 WHERE person_id = $1 AND space_id = $2 AND kind = $3 ORDER BY updated_at DESC, id",
            )
            .bind(person.to_string())
            .bind(space.to_string())
            .bind(kind)
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    #[tracing::instrument(skip_all)]
    pub async fn draft(
        &self,
        person: PersonId,
        space: SpaceId,
        id: &str,
    ) -> Result<Option<DraftRow>, StoreError> {
        let row: Option<DraftRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, person_id, space_id, kind, body, updated_at, sealed FROM drafts
                 WHERE id = $1 AND person_id = $2 AND space_id = $3",
            )
            .bind(id)
            .bind(person.to_string())
            .bind(space.to_string())
            .fetch_optional(pool)
            .await?
        });
        Ok(row)
    }

    /// A person's drafts still in clear (written before drafts were sealed).
    #[tracing::instrument(skip_all)]
    pub async fn clear_drafts_of(&self, person: PersonId) -> Result<Vec<DraftRow>, StoreError> {
        let rows: Vec<DraftRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, person_id, space_id, kind, body, updated_at, sealed FROM drafts
                 WHERE person_id = $1 AND sealed IS NULL",
            )
            .bind(person.to_string())
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Replaces a clear draft's text and time by their sealed bytes.
    #[tracing::instrument(skip_all)]
    pub async fn seal_draft(
        &self,
        person: PersonId,
        id: &str,
        sealed: &[u8],
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE drafts SET sealed = $3, body = '', updated_at = 0
                 WHERE id = $1 AND person_id = $2 AND sealed IS NULL",
            )
            .bind(id)
            .bind(person.to_string())
            .bind(sealed)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn delete_draft(
        &self,
        person: PersonId,
        space: SpaceId,
        id: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM drafts WHERE id = $1 AND person_id = $2 AND space_id = $3")
                .bind(id)
                .bind(person.to_string())
                .bind(space.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

/// A space's head (seq, hash) and a person's marks in it, as one query reads them.
pub type HeadAndMarks = ((u64, Hash), Vec<String>);

/// [`HeadAndMarks`] from the columns: the head and the marks aggregated as a JSON array.
fn head_and_marks(seq: i64, hash: &[u8], marks: &str) -> Result<HeadAndMarks, StoreError> {
    let seq = u64::try_from(seq).map_err(|_| StoreError::Corrupt("negative head seq"))?;
    let hash = Hash::try_from(hash).map_err(|_| StoreError::Corrupt("head hash length"))?;
    let marks: Vec<String> =
        serde_json::from_str(marks).map_err(|_| StoreError::Corrupt("marks aggregate"))?;
    Ok(((seq, hash), marks))
}

/// Whether a connection coming back to the pool may serve the next caller: only if it is
/// not, by its own count, inside a transaction. [`transaction`] already closes a connection
/// whose COMMIT or ROLLBACK failed; this catches what it cannot see, a request cancelled
/// mid-transaction, whose rollback is only queued (and could fail). Such a connection is
/// closed rather than trusted: rare, and a new one costs little.
async fn still_clean<C: sqlx::Connection>(conn: &mut C) -> Result<bool, sqlx::Error> {
    let clean = !conn.is_in_transaction();
    if !clean {
        tracing::warn!("closing a database connection returned inside a transaction");
    }
    Ok(clean)
}

/// What happens to a transaction whose body succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Commit,
    /// Undo it: for probes that must not leave anything behind.
    RollBack,
}

/// Runs `body` inside a transaction that is committed (the only way anything here is
/// written in more than one statement), on a connection of its own.
async fn in_transaction<DB, T>(
    pool: &sqlx::Pool<DB>,
    body: impl AsyncFnOnce(&mut DB::Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError>
where
    DB: sqlx::Database,
{
    transaction(pool, End::Commit, body).await
}

/// Runs `body` in a transaction on a connection taken from `pool`, then ends it as `end`
/// says (always rolling back if `body` failed).
///
/// If BEGIN, COMMIT or ROLLBACK fails, the connection is closed, never returned to the
/// pool. SQLite may already have rolled the transaction back by itself (a full disk does
/// that), so sqlx's own ROLLBACK fails and it keeps counting the connection as inside a
/// transaction; back in the pool, the next `begin()` on it would open a SAVEPOINT and its
/// "commit" would only RELEASE it, inside a transaction that never ends: a write answered
/// as saved that was never committed, and every other writer locked out behind it.
async fn transaction<DB, T>(
    pool: &sqlx::Pool<DB>,
    end: End,
    body: impl AsyncFnOnce(&mut DB::Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError>
where
    DB: sqlx::Database,
{
    let mut conn = pool.acquire().await?;
    let (outcome, failed) = run_transaction::<DB, T>(&mut conn, end, body).await;
    if let Some(statement) = failed {
        discard(conn, statement).await;
    }
    outcome
}

/// The body of [`transaction`], on a borrowed connection; also says which statement that
/// ends (or begins) a transaction failed, if one did.
async fn run_transaction<DB, T>(
    conn: &mut DB::Connection,
    end: End,
    body: impl AsyncFnOnce(&mut DB::Connection) -> Result<T, StoreError>,
) -> (Result<T, StoreError>, Option<&'static str>)
where
    DB: sqlx::Database,
{
    let mut tx = match sqlx::Connection::begin(conn).await {
        Ok(tx) => tx,
        Err(err) => return (Err(err.into()), Some("BEGIN")),
    };
    let outcome = body(&mut *tx).await;
    let ended = match (&outcome, end) {
        (Ok(_), End::Commit) => tx.commit().await.map_err(|e| ("COMMIT", e)),
        _ => tx.rollback().await.map_err(|e| ("ROLLBACK", e)),
    };
    match (ended, outcome) {
        (Ok(()), outcome) => (outcome, None),
        // A body that failed explains more than the rollback that failed after it.
        (Err((statement, _)), Err(first)) => (Err(first), Some(statement)),
        (Err((statement, err)), Ok(_)) => (Err(err.into()), Some(statement)),
    }
}

/// Closes a connection whose transaction state is no longer known, so the pool opens a
/// fresh one instead of handing it out again.
async fn discard<DB: sqlx::Database>(conn: sqlx::pool::PoolConnection<DB>, after: &str) {
    tracing::warn!("closing a database connection after a failed {after}");
    if let Err(err) = conn.close().await {
        tracing::debug!(error = %err, "closing the connection failed too");
    }
}

/// The events must follow `expected` and each other without a gap or a broken link.
fn check_chain(expected: (u64, Hash), events: &[RecordedEvent]) -> Result<(), StoreError> {
    let mut head = expected;
    for e in events {
        if e.seq != head.0 + 1 || e.prev != head.1 {
            return Err(StoreError::Unchained);
        }
        head = (e.seq, e.hash);
    }
    Ok(())
}

pub(crate) fn salt_from(bytes: Option<Vec<u8>>) -> Result<Option<Salt>, StoreError> {
    bytes
        .map(|b| Salt::try_from(b.as_slice()).map_err(|_| StoreError::Corrupt("salt length")))
        .transpose()
}

mod calendar_feeds;
mod snapshots;
pub use snapshots::SnapshotRow;
// The statements it shares (`insert_link!`, `insert_mail!`) serve the modules after it too.
#[macro_use]
mod mail;
pub use calendar_feeds::CalendarFeedRow;
pub use mail::{LINK_CONFIRM, LINK_RESET};
mod reminders;
pub use reminders::{DueReminder, LINK_UNSUBSCRIBE, ReminderLook, ReminderRow};
