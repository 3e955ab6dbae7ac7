//! A witness of what SQLite committed, kept beside the database file (`goldseam.db-heads`).
//!
//! SQLite cannot tell that committed writes went missing: a write-ahead log that was
//! truncated, replaced with garbage, or left behind when the files were copied is simply
//! read as far as it is valid, and the database looks whole, only older. After each
//! committed append the witness writes one line (space, seq, hash) to its own file; at
//! start the newest line per space is compared with the database, so a record that went
//! back in time is named instead of served. The file is rewritten with one line per space
//! at each start.
//!
//! A line is written after the commit (never before), without fsync: after a power cut the
//! witness may be behind the database, which is harmless, but never ahead of it unless the
//! database lost something. Restoring an older backup on purpose therefore reads as a loss
//! too, unless the witness is rewritten to the backup's heads, as `goldseam restore` does
//! (`ops::restore`); after copying a backup into place by hand, delete the witness file.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::domain::SpaceId;
use crate::domain::record::Hash;

/// The newest head the witness saw committed, per space.
pub type Witnessed = HashMap<SpaceId, (u64, Hash)>;

pub struct Witness {
    path: PathBuf,
    file: Mutex<File>,
}

impl std::fmt::Debug for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witness").field("path", &self.path).finish()
    }
}

impl Witness {
    /// The witness file for an SQLite database file.
    pub fn path_for(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push("-heads");
        PathBuf::from(name)
    }

    /// Reads what the witness saw (an absent file saw nothing; a line cut short by a crash
    /// is ignored), then opens it for appending.
    pub fn open(path: &Path) -> std::io::Result<(Self, Witnessed)> {
        let seen = match std::fs::read_to_string(path) {
            Ok(text) => parse(&text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Witnessed::new(),
            Err(err) => return Err(err),
        };
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let witness = Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        };
        Ok((witness, seen))
    }

    /// The open file; a panic elsewhere while holding it leaves it usable.
    fn file(&self) -> MutexGuard<'_, File> {
        self.file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The file's contents for `heads`: one line per space, in order.
    pub fn text(heads: &Witnessed) -> String {
        let mut text = String::new();
        let mut spaces: Vec<_> = heads.iter().collect();
        spaces.sort_by_key(|(space, _)| **space);
        for (space, (seq, hash)) in spaces {
            text.push_str(&format!("{space} {seq} {}\n", hex::encode(hash)));
        }
        text
    }

    /// Notes that `space`'s record now ends at `seq` with `hash`: called after the commit.
    /// A failure is logged and otherwise ignored; the write itself was kept.
    pub fn committed(&self, space: SpaceId, seq: u64, hash: &Hash) {
        let line = format!("{space} {seq} {}\n", hex::encode(hash));
        if let Err(err) = self.file().write_all(line.as_bytes()) {
            tracing::warn!(error = %err, path = %self.path.display(), "the commit witness could not note a commit");
        }
    }

    /// Replaces the file's contents with one line per space of `heads`, atomically.
    pub fn rewrite(&self, heads: &Witnessed) -> std::io::Result<()> {
        let text = Self::text(heads);
        let fresh = self.path.with_extension("heads-new");
        std::fs::write(&fresh, text)?;
        let mut file = self.file();
        std::fs::rename(&fresh, &self.path)?;
        *file = OpenOptions::new().append(true).open(&self.path)?;
        Ok(())
    }
}

/// The newest head per space in the witness's text; malformed lines are skipped.
fn parse(text: &str) -> Witnessed {
    let mut seen = Witnessed::new();
    for line in text.lines() {
        let mut parts = line.split(' ');
        let (Some(space), Some(seq), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(space), Ok(seq)) = (space.parse::<SpaceId>(), seq.parse::<u64>()) else {
            continue;
        };
        let Some(hash) = hex::decode(hash)
            .ok()
            .and_then(|h| Hash::try_from(h.as_slice()).ok())
        else {
            continue;
        };
        match seen.get(&space) {
            Some((newest, _)) if *newest >= seq => {}
            _ => {
                seen.insert(space, (seq, hash));
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_line_per_space_wins_and_a_cut_line_is_ignored() {
        let (a, b) = (SpaceId::random(), SpaceId::random());
        let h = |byte: u8| hex::encode([byte; 32]);
        let text = format!(
            "{a} 1 {}\n{b} 4 {}\n{a} 2 {}\n{a} 3 {}",
            h(1),
            h(4),
            h(2),
            &h(3)[..20]
        );
        let seen = parse(&text);
        assert_eq!(seen.get(&a), Some(&(2, [2; 32])));
        assert_eq!(seen.get(&b), Some(&(4, [4; 32])));
    }

    #[test]
    fn what_was_noted_is_read_back_after_a_rewrite_and_more_notes() {
        let dir = tempfile::tempdir().expect("dir");
        let path = Witness::path_for(&dir.path().join("goldseam.db"));
        let space = SpaceId::random();
        let (witness, seen) = Witness::open(&path).expect("open");
        assert!(seen.is_empty());
        witness.committed(space, 1, &[1; 32]);
        witness.committed(space, 2, &[2; 32]);
        drop(witness);
        let (witness, seen) = Witness::open(&path).expect("reopen");
        assert_eq!(seen.get(&space), Some(&(2, [2; 32])));
        witness.rewrite(&seen).expect("rewrite");
        witness.committed(space, 3, &[3; 32]);
        drop(witness);
        let (_, seen) = Witness::open(&path).expect("reopen");
        assert_eq!(seen.get(&space), Some(&(3, [3; 32])));
        assert_eq!(
            std::fs::read_to_string(&path)
                .expect("read")
                .lines()
                .count(),
            2
        );
    }
}
