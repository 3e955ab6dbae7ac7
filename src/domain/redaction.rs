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

/// The kinds whose body may hold something its author wrote, or their name: what is removed
/// from every record when they erase their account. Each kind is here or in [`KEPT`], and a
/// test checks that every kind this version records is in exactly one of the two.
///
/// A kind is removed whole (there is no removing part of a body), so a kind is here when any
/// of its bodies can hold free text, a name, or what the person said about themselves (a
/// check-in's trust and feelings, how time together felt, whether a promise was kept). The
/// fold then leaves the entry out, and what hangs off it with it; the record keeps its
/// digest, so every export still verifies. `space.created` and `partner.joined` are here
/// (a display name, and the space's name) and the fold still counts their author as a
/// partner, named as one who has left (`space::apply`); `counsellor.joined` likewise.
pub const ERASED: &[&str] = &[
    // Created and joined: the display name, and the name the creator gave the space.
    "space.created",
    "partner.joined",
    // Owning up: the breach's title, seeing it differently, the account, questions and
    // answers, apologies and the response to one (its "what is missing"), letters.
    "breach.recorded",
    "breach.acknowledged",
    "disclosure.added",
    "question.asked",
    "question.answered",
    "question.asked_again",
    "apology.sent",
    "apology.responded",
    "letter.sent",
    // Check-ins: trust, feelings and the three notes are all the author's own.
    "checkin.answered",
    // Together: appreciations, what a plan was, how it felt (and its note), ideas, goals.
    "appreciation.written",
    "time.planned",
    "time.rated",
    "idea.added",
    "goal.set",
    // Pace: a topic of the partner's own naming.
    "pace.topic_added",
    // Promises: the promise, a report with its note, a dispute and its messages, a new
    // wording with its reason, the reason for skipping a day.
    "promise.made",
    "promise.reported",
    "promise.disputed",
    "promise.dispute_message",
    "promise.renegotiated",
    "promise.skipped",
    // Agreements: each wording proposed.
    "agreement.proposed",
    "agreement.countered",
    "agreement.amendment_proposed",
    // Proactive reports and the response to one.
    "report.filed",
    "report.acknowledged",
    // Counsellors: the name the inviting partner gave them, the counsellor's own display
    // name, their notes.
    "counsellor.invited",
    "counsellor.joined",
    "counsellor.noted",
    // A follow-up's trust levels, like a check-in answer's: what they said of themselves.
    "followup.answered",
];

/// The kinds that hold nothing anyone wrote: choices from fixed lists, dates, ids, and the
/// space's own bookkeeping. They stay when their author erases their account, so the
/// record keeps its shape (when a stage moved, that a promise was confirmed). A time zone
/// chosen for a rhythm is a setting of the couple's, not a person's words.
pub const KEPT: &[&str] = &[
    "partner.left",
    "space.ended_apart",
    "entry.redacted",
    "entry.withdrawn",
    "space.paused",
    "space.resumed",
    "question.settled",
    "checkin.cadence_set",
    "checkin.cadence_proposed",
    "checkin.cadence_accepted",
    "checkin.cadence_declined",
    "checkin.cadence_withdrawn",
    "time.logged",
    "goal.marked_reached",
    "goal.confirmed",
    "pace.set",
    "stage.proposed",
    "stage.confirmed",
    "stage.declined",
    "stage.withdrawn",
    "promise.confirmed",
    "promise.dispute_settled",
    "promise.release_proposed",
    "promise.released",
    "agreement.accepted",
    "agreement.declined",
    "agreement.withdrawn",
    "agreement.review_requested",
    "agreement.reviewed",
    "agreement.retire_proposed",
    "agreement.retired",
    "agreement.retire_declined",
    "agreement.retire_withdrawn",
    "milestone.shown",
    "counsellor.consented",
    "counsellor.access_ended",
    "counsellor.stepped_away",
    "repair.close_proposed",
    "repair.closed",
    "repair.close_declined",
    "repair.close_withdrawn",
    "repair.reopened",
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub seq: u64,
    pub kind: String,
    pub author: PersonId,
    pub at_us: i64,
}

/// Every gap in one space, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    removable(actor, target, WORDS)
}

/// Whether `target`'s words go when `actor` erases their account: as [`decide`], over the
/// wider list of [`ERASED`] kinds.
pub fn decide_at_erasure(actor: PersonId, target: &Target) -> Result<EntryRedacted, Refusal> {
    removable(actor, target, ERASED)
}

/// Of the entries in `targets`, those whose words go when `actor` erases their account:
/// their own, of an [`ERASED`] kind, still holding their words.
pub fn to_erase(actor: PersonId, targets: impl IntoIterator<Item = Target>) -> Vec<Target> {
    targets
        .into_iter()
        .filter(|t| decide_at_erasure(actor, t).is_ok())
        .collect()
}

fn removable(actor: PersonId, target: &Target, kinds: &[&str]) -> Result<EntryRedacted, Refusal> {
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
    if !kinds.contains(&target.kind.as_str()) {
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

    #[test]
    fn every_kind_is_either_erased_with_its_author_or_kept() {
        let all = crate::domain::space::every_kind();
        for kind in &all {
            assert_ne!(
                ERASED.contains(kind),
                KEPT.contains(kind),
                "{kind} must be in exactly one of ERASED and KEPT"
            );
        }
        for kind in ERASED.iter().chain(KEPT) {
            assert!(
                all.contains(kind),
                "{kind} is listed but no module records it"
            );
        }
        for kind in WORDS {
            assert!(
                ERASED.contains(kind),
                "{kind}: words one may remove go at erasure too"
            );
        }
    }

    #[test]
    fn erasing_takes_every_entry_of_ones_own_that_holds_words_and_nothing_else() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let targets = vec![
            target(sam, "space.created", false),
            target(sam, "checkin.answered", false),
            target(sam, "pace.set", false),
            target(sam, "letter.sent", true),
            target(alex, "letter.sent", false),
        ];
        let erased = to_erase(sam, targets);
        assert_eq!(
            erased.iter().map(|t| t.kind.as_str()).collect::<Vec<_>>(),
            ["space.created", "checkin.answered"]
        );
        assert!(decide(sam, &target(sam, "checkin.answered", false)).is_err());
        assert!(decide_at_erasure(sam, &target(sam, "checkin.answered", false)).is_ok());
        assert!(matches!(
            decide_at_erasure(alex, &target(sam, "letter.sent", false)),
            Err(Refusal::NotYours(_))
        ));
    }
}
