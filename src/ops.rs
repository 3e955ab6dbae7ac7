//! The operator's tools behind `goldseam backup`, `restore` and `admin`: what they check and
//! in what order. The SQL is in `store::operator`; the chain rules are `domain::record`'s.
//!
//! An operator runs Goldseam but must not read what couples wrote: nothing here prints a
//! name, a space's content or anything from a record beyond counts.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::config::StorageArgs;
use crate::domain::SpaceId;
use crate::domain::record::{self, Hash};
use crate::store::{self, Store, Witness, Witnessed};

/// Where the PostgreSQL procedures are written down.
pub const POSTGRES_PROCEDURE: &str = "docs/operations.md (\"Backing up PostgreSQL\")";

/// What a database that checked out holds.
#[derive(Debug, Clone)]
pub struct Checked {
    pub spaces: usize,
    pub events: u64,
    /// Every space's head, as its verified chain ends.
    pub heads: Witnessed,
}

/// Checks a whole database: the storage engine's own check of its file, then every
/// space's chain from its first event (seq, prev, body digest, hash), ending exactly at
/// the head its row keeps. The first problem found is the error, naming the space.
pub async fn check_database(store: &Store) -> anyhow::Result<Checked> {
    let integrity = store
        .integrity_check()
        .await
        .context("running the integrity check")?;
    if integrity != ["ok"] {
        anyhow::bail!("the integrity check found damage: {}", integrity.join("; "));
    }
    let rows = store.heads().await.context("reading every space's head")?;
    let mut checked = Checked {
        spaces: 0,
        events: 0,
        heads: Witnessed::new(),
    };
    for row in rows {
        let space: SpaceId = row
            .space_id
            .parse()
            .map_err(|_| anyhow::anyhow!("a space id is malformed: {:?}", row.space_id))?;
        if !row.agrees() {
            anyhow::bail!(
                "space {space}: its row says its record ends at seq {}, but its events end at {:?} ({} events)",
                row.head_seq,
                row.last_seq,
                row.events
            );
        }
        let events = store
            .events_after(space, 0)
            .await
            .with_context(|| format!("reading the record of space {space}"))?;
        let head =
            record::verify(&events).map_err(|err| anyhow::anyhow!("space {space}: {err}"))?;
        let stored = Hash::try_from(row.head_hash.as_slice())
            .map_err(|_| anyhow::anyhow!("space {space}: its head hash is malformed"))?;
        if head != stored {
            anyhow::bail!("space {space}: its chain ends at another hash than its row keeps");
        }
        checked.spaces += 1;
        checked.events += events.len() as u64;
        checked.heads.insert(space, (events.len() as u64, head));
    }
    Ok(checked)
}

/// What a finished backup says.
#[derive(Debug, Clone)]
pub struct BackedUp {
    pub checked: Checked,
    pub bytes: u64,
}

/// Copies the SQLite database into `out` while the server may be running, then checks the
/// copy (integrity and every chain) before it takes its name: a file at `out` is always a
/// whole, checked, fsynced backup. PostgreSQL is refused with where its procedure is.
pub async fn backup(storage: &StorageArgs, out: &Path) -> anyhow::Result<BackedUp> {
    if store::sqlite_file(storage).is_none() {
        anyhow::bail!(
            "goldseam backup copies SQLite databases. On PostgreSQL, back up with pg_dump as {POSTGRES_PROCEDURE} describes."
        );
    }
    if out.exists() {
        anyhow::bail!(
            "{} already exists; a backup never replaces a file. Choose a new name (say, with the date in it).",
            out.display()
        );
    }
    let partial = beside(out, ".partial")?;
    remove_if_there(&partial)?;
    // Made first, empty and readable by this user only: the copy holds e-mails and
    // password hashes. SQLite writes into an empty file.
    create_private(&partial)?;
    let outcome = async {
        let live = Store::open_existing(storage).await?;
        let copied = live.vacuum_into(&partial).await;
        live.close().await;
        copied.context("copying the database")?;
        let checked = check_copy(&partial).await?;
        sync_file(&partial)?;
        anyhow::Ok(checked)
    }
    .await;
    let checked = match outcome {
        Ok(checked) => checked,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            return Err(err.context(format!("nothing was written to {}", out.display())));
        }
    };
    std::fs::rename(&partial, out)
        .with_context(|| format!("naming the backup {}", out.display()))?;
    sync_dir(out)?;
    let bytes = std::fs::metadata(out)
        .with_context(|| format!("reading {}", out.display()))?
        .len();
    Ok(BackedUp { checked, bytes })
}

/// Checks the SQLite file at `file` (ours alone) as [`check_database`] does, after making
/// sure it is a Goldseam database at all.
async fn check_copy(file: &Path) -> anyhow::Result<Checked> {
    let copy = store::open_sqlite_copy(file).await?;
    let outcome = async {
        if !copy
            .is_initialised()
            .await
            .context("reading what the file holds")?
        {
            anyhow::bail!("it holds no Goldseam data");
        }
        check_database(&copy).await
    }
    .await;
    copy.close().await;
    outcome
}

/// Whether `restore` may replace a database that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacing {
    Refuse,
    Force,
}

/// What a finished restore says.
#[derive(Debug, Clone)]
pub struct Restored {
    pub checked: Checked,
    pub database: PathBuf,
    /// Where the database that was replaced was moved, if there was one.
    pub kept: Option<PathBuf>,
}

/// Puts the backup `file` in place as the configured SQLite database. The file is copied
/// beside the target and that copy checked (integrity, every chain) before anything else
/// is touched; a database already there is replaced only with [`Replacing::Force`], never
/// while a server has it open, and is moved aside rather than deleted. The commit witness
/// (`goldseam.db-heads`) is rewritten to the backup's heads, so that the server does not
/// read the older copy as lost commits.
pub async fn restore(
    storage: &StorageArgs,
    file: &Path,
    replacing: Replacing,
) -> anyhow::Result<Restored> {
    let Some(database) = store::sqlite_file(storage) else {
        anyhow::bail!(
            "goldseam restore puts SQLite backups in place. On PostgreSQL, restore with pg_restore as {POSTGRES_PROCEDURE} describes."
        );
    };
    if !file.is_file() {
        anyhow::bail!("there is no backup file at {}", file.display());
    }
    let dir = parent(&database);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("creating the data folder {}", dir.display()))?;
    let staging = beside(&database, ".restoring")?;
    remove_if_there(&staging)?;
    create_private(&staging)?;
    let staged = async {
        std::fs::copy(file, &staging)
            .with_context(|| format!("copying {} into {}", file.display(), dir.display()))?;
        let checked = check_copy(&staging).await.with_context(|| {
            format!(
                "{} is not a sound Goldseam backup, so nothing was restored",
                file.display()
            )
        })?;
        sync_file(&staging)?;
        anyhow::Ok(checked)
    }
    .await;
    let checked = match staged {
        Ok(checked) => checked,
        Err(err) => {
            let _ = std::fs::remove_file(&staging);
            return Err(err);
        }
    };
    let kept = match set_aside(&database, replacing).await {
        Ok(kept) => kept,
        Err(err) => {
            let _ = std::fs::remove_file(&staging);
            return Err(err);
        }
    };
    std::fs::rename(&staging, &database)
        .with_context(|| format!("putting the backup in place at {}", database.display()))?;
    sync_dir(&database)?;
    write_witness(&Witness::path_for(&database), &checked.heads)?;
    Ok(Restored {
        checked,
        database,
        kept,
    })
}

/// Moves a database that is already at `database` (with its write-ahead log, shared memory
/// and heads file) aside, if `replacing` allows and no process has it open.
async fn set_aside(database: &Path, replacing: Replacing) -> anyhow::Result<Option<PathBuf>> {
    if !database.exists() {
        // Whatever is beside a missing database belongs to no database we keep.
        for suffix in ["-wal", "-shm", "-journal"] {
            remove_if_there(&with_suffix(database, suffix))?;
        }
        return Ok(None);
    }
    if replacing == Replacing::Refuse {
        anyhow::bail!(
            "there is already a database at {}. Stop the server, then run restore again with --force: the database there now is kept beside it, renamed",
            database.display()
        );
    }
    match store::sqlite_in_use(database).await {
        Ok(false) => {}
        Ok(true) => anyhow::bail!(
            "the database at {} is in use (is the server still running?). Stop it first; nothing was changed",
            database.display()
        ),
        // A damaged database may not even open: that is often why one restores.
        Err(err) => {
            tracing::warn!(error = %format!("{err:#}"), "the database being replaced could not be opened; moving it aside as it is")
        }
    }
    let stamp = chrono_stamp();
    let kept = with_suffix(database, &format!(".replaced-{stamp}"));
    for suffix in ["", "-wal", "-shm", "-journal", "-heads"] {
        let from = with_suffix(database, suffix);
        if from.exists() {
            let to = with_suffix(&kept, suffix);
            std::fs::rename(&from, &to)
                .with_context(|| format!("moving {} aside to {}", from.display(), to.display()))?;
        }
    }
    sync_dir(database)?;
    Ok(Some(kept))
}

/// The heads file for a restored database: one line per space, written whole and fsynced
/// before it takes its name.
fn write_witness(path: &Path, heads: &Witnessed) -> anyhow::Result<()> {
    let fresh = with_suffix(path, "-new");
    std::fs::write(&fresh, Witness::text(heads))
        .with_context(|| format!("writing {}", fresh.display()))?;
    sync_file(&fresh)?;
    std::fs::rename(&fresh, path).with_context(|| format!("writing {}", path.display()))?;
    sync_dir(path)
}

/// The time now as `YYYYMMDDTHHMMSSZ`, for names of files set aside.
fn chrono_stamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A hidden name beside `path` in the same folder (so a rename is atomic).
fn beside(path: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{} names no file", path.display()))?;
    let mut hidden = std::ffi::OsString::from(".");
    hidden.push(name);
    hidden.push(suffix);
    Ok(parent(path).join(hidden))
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn remove_if_there(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("removing {}", path.display())),
    }
}

fn create_private(path: &Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    Ok(())
}

fn sync_file(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("flushing {} to disk", path.display()))
}

/// Makes a rename or a new file in `path`'s folder durable.
fn sync_dir(path: &Path) -> anyhow::Result<()> {
    let dir = parent(path);
    #[cfg(unix)]
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("flushing the folder {} to disk", dir.display()))?;
    Ok(())
}
