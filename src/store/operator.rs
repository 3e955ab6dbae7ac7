//! The SQL behind the operator's commands (`goldseam backup`, `restore`, `admin`): copying
//! an SQLite database while the server runs, checking a copy, the database's size, and
//! the accounts as an operator who cannot read content sees them (e-mail and dates only).

use std::path::Path;
use std::str::FromStr as _;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{InlineReads, Store, StoreError, in_transaction};
use crate::config::StorageArgs;
use crate::domain::PersonId;

/// An account as the operator sees it: no name, no spaces, nothing anyone wrote.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub email: String,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
}

impl Store {
    /// Opens an existing Goldseam database for an operator's command: nothing is created
    /// and no migration runs, so a backup taken with a newer binary before an upgrade
    /// leaves the live database exactly as the running server expects it.
    pub async fn open_existing(storage: &StorageArgs) -> anyhow::Result<Self> {
        let store = match &storage.database_url {
            Some(url) if url.0.starts_with("postgres") => Self::connect(&url.0).await?,
            _ => {
                let Some(file) = super::sqlite_file(storage) else {
                    anyhow::bail!("an in-memory database cannot be reached from another process");
                };
                if !file.exists() {
                    anyhow::bail!("There is no Goldseam database at {}.", file.display());
                }
                Self::sqlite(SqliteConnectOptions::new().filename(&file))
                    .await
                    .with_context(|| super::unusable_file(&file))?
            }
        };
        if !store.is_initialised().await? {
            anyhow::bail!("The database holds no Goldseam data.");
        }
        Ok(store)
    }

    /// A consistent copy of the whole SQLite database in `path` (which must be absent or
    /// empty), taken in one read transaction: writers go on meanwhile, and the copy holds
    /// exactly what was committed when it began. Not for PostgreSQL (use `pg_dump`).
    #[tracing::instrument(skip_all)]
    pub async fn vacuum_into(&self, path: &Path) -> Result<(), StoreError> {
        let Self::Sqlite(pool, _) = self else {
            return Err(StoreError::Corrupt("VACUUM INTO is for SQLite only"));
        };
        let target = path
            .to_str()
            .ok_or(StoreError::Corrupt("the backup's path is not UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Whether the database's applied migrations are exactly this binary's: none missing,
    /// none failed, none newer (an instance of a newer version migrated it). Read by
    /// `/readyz`, so a load balancer keeps requests away from an instance whose schema is
    /// not the one it was built for.
    #[tracing::instrument(skip_all)]
    pub async fn migrations_current(&self) -> Result<bool, StoreError> {
        let ours: Vec<i64> = match self {
            Self::Sqlite(..) => sqlx::migrate!("migrations/sqlite")
                .iter()
                .map(|m| m.version)
                .collect(),
            Self::Postgres(_) => sqlx::migrate!("migrations/postgres")
                .iter()
                .map(|m| m.version)
                .collect(),
        };
        let applied: Vec<(i64, bool)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(pool)
                .await?
        });
        Ok(applied.iter().all(|(_, success)| *success)
            && applied.iter().map(|(v, _)| *v).eq(ours.iter().copied()))
    }

    /// SQLite's own check of its file (`PRAGMA integrity_check`): `["ok"]` when sound,
    /// otherwise what it found (at most 20 lines). PostgreSQL checks its pages itself, so
    /// the answer there is always `["ok"]`; the records are checked by their hashes.
    #[tracing::instrument(skip_all)]
    pub async fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        match self {
            Self::Sqlite(pool, _) => {
                let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check(20)")
                    .fetch_all(pool)
                    .await?;
                Ok(rows.into_iter().map(|(line,)| line).collect())
            }
            Self::Postgres(_) => Ok(vec!["ok".to_owned()]),
        }
    }

    /// How many bytes the database takes: SQLite's pages (the write-ahead log beside the
    /// file is not counted), or PostgreSQL's `pg_database_size`.
    #[tracing::instrument(skip_all)]
    pub async fn size_bytes(&self) -> Result<i64, StoreError> {
        let (size,): (i64,) =
            match self {
                Self::Sqlite(pool, _) => sqlx::query_as(
                    "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                )
                .fetch_one(pool)
                .await?,
                Self::Postgres(pool) => {
                    sqlx::query_as("SELECT pg_database_size(current_database())::BIGINT")
                        .fetch_one(pool)
                        .await?
                }
            };
        Ok(size)
    }

    /// Every account, oldest first: its e-mail, when it was made, and whether it is off.
    #[tracing::instrument(skip_all)]
    pub async fn accounts(&self) -> Result<Vec<AccountRow>, StoreError> {
        let rows = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT email, created_at, disabled_at FROM persons ORDER BY created_at, email",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Switches an account off (`Some(at)`) or on again (`None`), found by its normalized
    /// e-mail. Switching it off ends its sessions in the same transaction. Returns the
    /// person, or `None` if no account has that e-mail.
    #[tracing::instrument(skip_all)]
    pub async fn set_disabled(
        &self,
        email_norm: &str,
        at: Option<i64>,
    ) -> Result<Option<PersonId>, StoreError> {
        on_pool!(self, pool => in_transaction(pool, async |tx| {
            let found: Option<(String,)> = sqlx::query_as(
                "UPDATE persons SET disabled_at = $2 WHERE email_norm = $1 RETURNING id",
            )
            .bind(email_norm)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = found else {
                return Ok(None);
            };
            if at.is_some() {
                sqlx::query("DELETE FROM sessions WHERE person_id = $1")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                // A reminder still waiting to be sent no longer goes.
                sqlx::query(
                    "DELETE FROM outbox WHERE unsubscribe_url IS NOT NULL
                       AND recipient = (SELECT email FROM persons WHERE id = $1)",
                )
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
            id.parse::<PersonId>()
                .map(Some)
                .map_err(|_| StoreError::Corrupt("person id"))
        }).await)
    }
}

/// Opens a copy of an SQLite database that is ours alone (a backup being made or checked,
/// a file about to be restored): one connection, rollback journal rather than WAL so that
/// nothing is left beside the file once it is closed, and nothing created if it is absent.
pub async fn open_sqlite_copy(file: &Path) -> anyhow::Result<Store> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Delete)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("opening {} as an SQLite database", file.display()))?;
    // A copy being checked or restored: reads go through the pool alone.
    Ok(Store::Sqlite(pool, InlineReads::none()))
}

/// Whether another process (a running server) has the SQLite database at `file` open.
/// Leaving WAL mode needs every other connection gone, so the database is switched to a
/// rollback journal: that works only when nobody else has it open, and then it also folds
/// the write-ahead log into the file and removes it. The server sets WAL again at start.
pub async fn sqlite_in_use(file: &Path) -> anyhow::Result<bool> {
    let options = SqliteConnectOptions::from_str("sqlite:")
        .context("SQLite options")?
        .filename(file)
        .create_if_missing(false)
        .busy_timeout(Duration::ZERO);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let mode: Result<(String,), sqlx::Error> = sqlx::query_as("PRAGMA journal_mode = DELETE")
        .fetch_one(&pool)
        .await;
    pool.close().await;
    match mode {
        Ok((mode,)) => Ok(!mode.eq_ignore_ascii_case("delete")),
        Err(err) => match StoreError::from(err) {
            StoreError::Unavailable(_) => Ok(true),
            other => Err(other).with_context(|| format!("reading {}", file.display())),
        },
    }
}
