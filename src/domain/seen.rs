//! What one person has seen or marked in a space, kept outside the record because it is
//! theirs, not the couple's: the entries of their partner's account they marked read, the
//! entries of their partner's that were shown to them (which ends the writer's chance to
//! withdraw one), the milestones they have seen, and the welcome they folded away.
//!
//! Only the fact is kept, never when or how often: the writer of an account sees "read",
//! and nothing else about how it was read.

use std::collections::HashSet;

use super::EntryId;

/// One thing a person has seen or marked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Mark {
    /// An entry of the partner's account, marked read by its reader.
    Read(EntryId),
    /// An entry of the partner's, shown to this person on a page.
    Shown(EntryId),
    /// A milestone (by its record key), seen on the space's home page.
    Milestone(String),
    /// The welcome of a space, folded away by this person.
    Welcome,
}

impl Mark {
    /// How the mark is stored: "read:<id>", "shown:<id>", "milestone:<key>", "welcome".
    pub fn key(&self) -> String {
        match self {
            Self::Read(id) => format!("read:{id}"),
            Self::Shown(id) => format!("shown:{id}"),
            Self::Milestone(key) => format!("milestone:{key}"),
            Self::Welcome => "welcome".to_owned(),
        }
    }

    /// A stored mark read back; `None` for one this version does not know.
    pub fn parse(key: &str) -> Option<Self> {
        if key == "welcome" {
            return Some(Self::Welcome);
        }
        let (kind, rest) = key.split_once(':')?;
        match kind {
            "read" => rest.parse().ok().map(Self::Read),
            "shown" => rest.parse().ok().map(Self::Shown),
            "milestone" if !rest.is_empty() => Some(Self::Milestone(rest.to_owned())),
            _ => None,
        }
    }
}

/// Everything one person has marked in one space.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks(HashSet<Mark>);

impl Marks {
    pub fn has(&self, mark: &Mark) -> bool {
        self.0.contains(mark)
    }

    pub fn read(&self, entry: EntryId) -> bool {
        self.has(&Mark::Read(entry))
    }

    pub fn shown(&self, entry: EntryId) -> bool {
        self.has(&Mark::Shown(entry))
    }

    /// Every mark, as stored, in one order: equal for equal sets of marks (a page drawn
    /// from them can be kept by it).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.0.iter().map(Mark::key).collect();
        keys.sort_unstable();
        keys
    }

    /// The marks of `wanted` not yet made: what a page still has to store.
    pub fn missing<'a>(&'a self, wanted: impl IntoIterator<Item = Mark> + 'a) -> Vec<Mark> {
        let mut missing: Vec<Mark> = wanted.into_iter().filter(|m| !self.has(m)).collect();
        missing.dedup();
        missing
    }
}

impl FromIterator<Mark> for Marks {
    fn from_iter<I: IntoIterator<Item = Mark>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_marks_have_equal_keys_in_any_order() {
        let (a, b) = (EntryId::random(), EntryId::random());
        let one: Marks = [Mark::Read(a), Mark::Welcome, Mark::Shown(b)]
            .into_iter()
            .collect();
        let two: Marks = [Mark::Shown(b), Mark::Read(a), Mark::Welcome]
            .into_iter()
            .collect();
        assert_eq!(one.keys(), two.keys());
        let three: Marks = [Mark::Read(a), Mark::Shown(b)].into_iter().collect();
        assert_ne!(one.keys(), three.keys());
    }

    #[test]
    fn every_mark_reads_back_as_itself() {
        let id = EntryId::random();
        for mark in [
            Mark::Read(id),
            Mark::Shown(id),
            Mark::Milestone("first_check_in".into()),
            Mark::Welcome,
        ] {
            assert_eq!(Mark::parse(&mark.key()), Some(mark));
        }
    }

    #[test]
    fn unknown_or_damaged_marks_are_ignored() {
        for key in [
            "",
            "read:",
            "read:not-an-id",
            "milestone:",
            "seen:x",
            "welcome:1",
        ] {
            assert_eq!(Mark::parse(key), None, "{key}");
        }
    }

    #[test]
    fn only_the_marks_not_yet_made_are_missing() {
        let (a, b) = (EntryId::random(), EntryId::random());
        let marks: Marks = [Mark::Shown(a)].into_iter().collect();
        assert_eq!(
            marks.missing([Mark::Shown(a), Mark::Shown(b)]),
            vec![Mark::Shown(b)]
        );
        assert!(marks.shown(a) && !marks.shown(b) && !marks.read(a));
    }
}
