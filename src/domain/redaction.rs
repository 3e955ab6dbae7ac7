//! Taking your own words back out of the record: the author of an entry removes its
//! words (its body and salt), and the record keeps its digest, so the chain still verifies.
//! The removal is itself an entry both partners see: "Sam removed the words of an entry".
//!
//! The store blanks the body in the same transaction as it appends the removal; the fold
//! then no longer reads the entry at all, so every page drawn from the state shows the
//! gap, not the words. This module decides who may remove what.

use serde::{Deserialize, Serialize};

use super::{PersonId, Refusal};

/// `entry.redacted`: the words of the entry at `seq` were removed by its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRedacted {
    pub seq: u64,
}

/// The kinds whose body is someone's own words, and so theirs to remove.
pub const WORDS: &[&str] = &[
    "breach.acknowledged",
    "disclosure.added",
    "question.asked",
    "question.answered",
    "question.asked_again",
    "apology.sent",
    "apology.responded",
    "letter.sent",
    "appreciation.written",
];

/// The entry whose words are to be removed, as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub seq: u64,
    pub author: String,
    pub kind: String,
    /// Its body is already gone.
    pub redacted: bool,
}

/// Every removal of words in one space, oldest first: (seq removed, by whom, when).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redactions(pub Vec<(u64, PersonId, i64)>);

impl Redactions {
    /// Who removed the words of the entry at `seq`, and when.
    pub fn of(&self, seq: u64) -> Option<(PersonId, i64)> {
        self.0
            .iter()
            .find(|(s, _, _)| *s == seq)
            .map(|&(_, by, at)| (by, at))
    }

    pub fn note(&mut self, seq: u64, by: PersonId, at_us: i64) {
        if self.of(seq).is_none() {
            self.0.push((seq, by, at_us));
        }
    }
}

/// An entry whose words are gone from the record: what kind it was, who wrote it and when.
/// Pages drawn from the state show these as gaps, so a missing letter or a count that
/// leaves something out is never passed off as the whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub seq: u64,
    pub kind: String,
    pub author: PersonId,
    pub at_us: i64,
}

/// Every gap in one space, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gaps(pub Vec<Gap>);

impl Gaps {
    pub fn note(&mut self, gap: Gap) {
        if !self.0.iter().any(|g| g.seq == gap.seq) {
            self.0.push(gap);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether `actor` may remove the words of `target`: only its author, once, and only an
/// entry that holds words of its own.
pub fn decide(actor: PersonId, target: &Target) -> Result<EntryRedacted, Refusal> {
    if target.author != actor.to_string() {
        return Err(Refusal::NotYours(
            "Only the person who wrote an entry can remove its words.",
        ));
    }
    if target.redacted {
        return Err(Refusal::NotNow(
            "The words of this entry have already been removed.",
        ));
    }
    if !WORDS.contains(&target.kind.as_str()) {
        return Err(Refusal::NotNow(
            "Only entries of your own words can have their words removed.",
        ));
    }
    Ok(EntryRedacted { seq: target.seq })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(author: PersonId, kind: &str, redacted: bool) -> Target {
        Target {
            seq: 7,
            author: author.to_string(),
            kind: kind.to_owned(),
            redacted,
        }
    }

    #[test]
    fn only_the_author_removes_their_words_and_only_once() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        assert_eq!(
            decide(sam, &target(sam, "letter.sent", false)),
            Ok(EntryRedacted { seq: 7 })
        );
        assert!(matches!(
            decide(alex, &target(sam, "letter.sent", false)),
            Err(Refusal::NotYours(_))
        ));
        assert!(matches!(
            decide(sam, &target(sam, "letter.sent", true)),
            Err(Refusal::NotNow(m)) if m.contains("already been removed")
        ));
        for structural in [
            "space.created",
            "partner.joined",
            "entry.redacted",
            "pace.set",
        ] {
            assert!(
                decide(sam, &target(sam, structural, false)).is_err(),
                "{structural}"
            );
        }
    }
}
