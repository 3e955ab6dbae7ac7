//! The session read every page makes, on SQLite, run on the request's own thread.
//!
//! sqlx runs each SQLite connection on a thread of its own: a query is handed to that
//! thread and its rows handed back, so every query wakes two threads, and returning the
//! connection to the pool wakes one more. For the one indexed read that every page makes
//! (the session, with the space's head and the viewer's marks) the hand-offs cost more
//! than the read: about a third of the CPU of a kept dashboard (docs/performance.md).
//! These reads go to SQLite directly instead, through rusqlite, on connections of their
//! own:
//! - opened read-only, on the database file the pool writes (never created here);
//! - in WAL mode a reader never waits for a writer, and these never wait for anything
//!   (no busy timeout): a read that would have to wait, or that fails in any way, is
//!   answered `None` and the caller asks sqlx as before, which waits and reports errors
//!   the way every other query does;
//! - each read is one statement in its own read transaction, so it sees every commit
//!   made before it began, by this process or any other on the same file.
//!
//! An in-memory database (tests) has no file to open: its reads always go through sqlx.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, OptionalExtension as _};

use super::rows::{SessionInSpaceRow, SessionRow};

/// Connections kept open between reads: one for each of the runtime's threads is enough
/// on the machines we aim at; more are opened when needed and closed after.
const IDLE: usize = 4;

/// The inline readers of one SQLite database, or none (an in-memory database).
#[derive(Clone, Default)]
pub struct InlineReads(Option<Arc<Readers>>);

struct Readers {
    file: PathBuf,
    /// Connections between reads; `None` once closed (see [`InlineReads::close`]).
    idle: Mutex<Option<Vec<Connection>>>,
}

impl std::fmt::Debug for InlineReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("InlineReads")
            .field(&self.0.as_ref().map(|r| &r.file))
            .finish()
    }
}

impl InlineReads {
    /// Readers for the database in `file`, if it is a file that exists (the pool has
    /// opened it by now); none for an in-memory database.
    pub fn of(file: &Path) -> Self {
        let is_file = std::fs::metadata(file).is_ok_and(|m| m.is_file());
        Self(is_file.then(|| {
            Arc::new(Readers {
                file: file.to_owned(),
                idle: Mutex::new(Some(Vec::new())),
            })
        }))
    }

    /// None: every read goes through sqlx.
    pub fn none() -> Self {
        Self(None)
    }

    /// Closes the connections and opens no more: every later read goes through sqlx.
    /// Before the pool closes, so that the pool's last connection is the last one of all,
    /// which checkpoints the write-ahead log into the database file and removes it (a
    /// read-only connection cannot, and would leave committed writes only in the log).
    pub fn close(&self) {
        if let Some(readers) = &self.0
            && let Ok(mut idle) = readers.idle.lock()
        {
            *idle = None;
        }
    }

    /// `read` on an idle connection (opened if there is none); `None` when there are no
    /// readers or the read did not succeed, for the caller to ask sqlx instead.
    fn read<T>(&self, read: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<T> {
        let readers = self.0.as_ref()?;
        let taken = match readers.idle.lock().ok()?.as_mut() {
            Some(idle) => idle.pop(),
            None => return None,
        };
        let conn = match taken {
            Some(conn) => conn,
            None => match open(&readers.file) {
                Ok(conn) => conn,
                Err(err) => {
                    tracing::debug!(error = %err, "an inline reader could not be opened");
                    return None;
                }
            },
        };
        let result = read(&conn);
        // Kept for the next read, unless enough are kept or the readers were closed
        // meanwhile (then it closes here).
        if let Ok(mut idle) = readers.idle.lock()
            && let Some(idle) = idle.as_mut()
            && idle.len() < IDLE
        {
            idle.push(conn);
        }
        match result {
            Ok(found) => Some(found),
            Err(err) => {
                // Busy (a WAL being recovered), or something sqlx will report properly.
                tracing::debug!(error = %err, "an inline read is left to sqlx");
                None
            }
        }
    }

    /// [`super::Store::session`]'s `sql`, inline: `None` when it must be asked of sqlx.
    pub(super) fn session(&self, sql: &str, id_hash: &str) -> Option<Option<SessionRow>> {
        self.read(|conn| {
            conn.prepare_cached(sql)?
                .query_row(&[("$1", &id_hash)], session_row)
                .optional()
        })
    }

    /// [`super::Store::session_in_space`]'s `sql` (as written for SQLite), inline: `None`
    /// when it must be asked of sqlx.
    pub(super) fn session_in_space(
        &self,
        sql: &str,
        id_hash: &str,
        space: &str,
    ) -> Option<Option<SessionInSpaceRow>> {
        self.read(|conn| {
            conn.prepare_cached(sql)?
                .query_row(&[("$1", &id_hash), ("$2", &space)], |row| {
                    Ok(SessionInSpaceRow {
                        session: session_row(row)?,
                        head_seq: row.get(9)?,
                        head_hash: row.get(10)?,
                        marks: row.get(11)?,
                    })
                })
                .optional()
        })
    }
}

/// The session columns, first in both queries and in this order.
fn session_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id_hash: row.get(0)?,
        person_id: row.get(1)?,
        csrf: row.get(2)?,
        created_at: row.get(3)?,
        last_seen_at: row.get(4)?,
        flash: row.get(5)?,
        time_zone: row.get(6)?,
        exit_to: row.get(7)?,
        data_key: row.get(8)?,
    })
}

/// A read-only connection that never waits: the caller falls back to sqlx instead.
fn open(file: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::ZERO)?;
    Ok(conn)
}
