//! Keeping your word, part one: agreements (the boundaries a couple sets together).
//!
//! This module owns agreements, their versions, reviews and retirement; proactive reports
//! live in `reports`, promises in `promises`. Nothing here reads the clock or does I/O: the
//! present arrives as `now_us` in [`Ctx`].
//!
//! Why the rules are what they are:
//! - An agreement binds two people, so it holds only when both have said yes: one partner
//!   proposes, and whoever did not write the terms on the table accepts them. Instead of
//!   accepting, the other may answer with changes (a counter-proposal), which turns the
//!   question around; so a partner never accepts words they wrote themselves. Each proposal
//!   has its own id and every command names the one it answers, so a page opened before a
//!   counter-proposal cannot accept terms its reader has not seen.
//! - A negotiation ends when the terms on the table are accepted, withdrawn by the partner
//!   who wrote them, or declined by the other. Withdrawing a counter-proposal ends the whole
//!   negotiation rather than putting the earlier terms back: nobody should find words on the
//!   table that were already answered. Either partner can start again with a new proposal.
//! - Changing an active agreement (an amendment) takes the same path and, once accepted,
//!   becomes a new version. Versions are never edited: each keeps its text, revisit date,
//!   who proposed it and who accepted it, and when, and [`Changes`] shows what one version
//!   changed from the one before.
//! - One open question per agreement at a time (an amendment or a proposal to retire), so
//!   the two never race: retiring version 1 while version 2 is being accepted would leave
//!   neither partner sure what they agreed to.
//! - Boundaries are revisited, not set forever. An agreement is *due for review* from its
//!   revisit date on (that day included), or as soon as either partner asks to revisit it
//!   early. Each partner reviews it once per round, either by keeping it as is or by
//!   proposing an amendment. The round ends when both have kept it as is, or when an
//!   amendment is accepted (agreeing on new terms is a review too; the new version carries
//!   its own revisit date). The partner whose keep completes the round may name the next
//!   revisit date; without one, the agreement has no revisit date until an amendment sets
//!   one. A revisit date is only a reminder to look again, and either partner can ask for a
//!   review at any time, so one partner naming it takes nothing from the other; a date both
//!   must agree on goes through an amendment.
//! - Retiring an agreement also needs both: one proposes, the other accepts (or declines);
//!   the proposer may withdraw. A retired agreement keeps its whole history.
//!
//! Dates: a revisit date is a calendar date (`YYYY-MM-DD`). "Today" is the UTC calendar date
//! of `now_us`, for now: a revisit date may not be before UTC today nor more than ten years
//! after it, and an agreement becomes due at 00:00 UTC on its revisit date. A later change
//! will use each person's own time zone, so that "today" ends at their own midnight.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::calendar::{parse_date, utc_date, years_after};
use super::input::{InputError, Lines};
use super::{Ctx, EntryId, PersonId, Refusal};

/// Limits for each kind of input. Shown on the pages beside each field.
pub mod limits {
    /// The text of an agreement, in characters.
    pub const AGREEMENT: usize = 1_000;
    /// How far ahead a revisit date may be: a boundary nobody will look at for longer than
    /// that is not being revisited, and a typo like 2205 is caught.
    pub const REVISIT_AHEAD_YEARS: i32 = 10;
}

// ---- validated input ---------------------------------------------------------------------

text_type!(
    /// The words of an agreement, as proposed.
    AgreementText,
    "The agreement",
    limits::AGREEMENT,
    Lines::Many
);
/// The date an agreement is to be looked at again, as `YYYY-MM-DD` (what a date field sends,
/// and how it is recorded). Parsing checks only the form; whether the date is too early or
/// too late depends on today, so [`decide`] checks that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RevisitDate(Date);

impl RevisitDate {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        parse_date(raw.trim()).map(Self).ok_or_else(|| {
            InputError(
                "Please give the revisit date as year, month and day, e.g. 2027-05-01.".into(),
            )
        })
    }

    /// The revisit date is optional: an empty field means none.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, InputError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(raw).map(Some)
        }
    }

    pub fn date(self) -> Date {
        self.0
    }
}

impl std::fmt::Display for RevisitDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for RevisitDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RevisitDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_date(&text)
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom("not a date"))
    }
}

// ---- what changed ------------------------------------------------------------------------

/// A run of words in a comparison of two texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Same(String),
    Removed(String),
    Added(String),
}

/// Word by word, what turns `old` into `new`: the most words the two share in order stay
/// (their longest common subsequence), the rest is removed or added, and a replacement
/// reads as removed, then added. Words are split on whitespace and joined with single
/// spaces, so line breaks and spacing alone do not count as a change. The table is
/// quadratic in words, which is why it is meant for agreements: at most a thousand
/// characters, so at most 500 words a side and 250,000 cells.
pub fn word_diff(old: &str, new: &str) -> Vec<Segment> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let width = b.len() + 1;
    // lcs[i * width + j]: how many words a[i..] and b[j..] share, in order.
    let mut lcs = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * width + j] = if a[i] == b[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let mut segments = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            push_word(&mut segments, Segment::Same, a[i]);
            i += 1;
            j += 1;
        } else if i < a.len()
            && (j == b.len() || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])
        {
            push_word(&mut segments, Segment::Removed, a[i]);
            i += 1;
        } else {
            push_word(&mut segments, Segment::Added, b[j]);
            j += 1;
        }
    }
    segments
}

/// Adds a word to the run it continues, or starts a new run.
fn push_word(segments: &mut Vec<Segment>, kind: fn(String) -> Segment, word: &str) {
    match (segments.last_mut(), kind(word.to_owned())) {
        (Some(Segment::Same(run)), Segment::Same(word))
        | (Some(Segment::Removed(run)), Segment::Removed(word))
        | (Some(Segment::Added(run)), Segment::Added(word)) => {
            run.push(' ');
            run.push_str(&word);
        }
        (_, next) => segments.push(next),
    }
}

/// What one set of terms changes from another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    pub text: Vec<Segment>,
    /// `Some((before, after))` when the revisit date changed.
    pub revisit: Option<(Option<RevisitDate>, Option<RevisitDate>)>,
}

impl Changes {
    pub fn between(
        old_text: &str,
        old_revisit: Option<RevisitDate>,
        new_text: &str,
        new_revisit: Option<RevisitDate>,
    ) -> Self {
        Self {
            text: word_diff(old_text, new_text),
            revisit: (old_revisit != new_revisit).then_some((old_revisit, new_revisit)),
        }
    }

    /// Whether the text changed (the revisit date aside).
    pub fn text_changed(&self) -> bool {
        self.text.iter().any(|s| !matches!(s, Segment::Same(_)))
    }
}

// ---- agreements --------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeKind {
    Accepted,
    /// Answered with a counter-proposal, which replaced it on the table.
    Countered,
    Declined,
    Withdrawn,
}

/// How a proposal left the table, by whom and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: OutcomeKind,
    pub by: PersonId,
    pub at_us: i64,
}

/// Terms one partner put on the table: a first proposal, an amendment, or a
/// counter-proposal to either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: EntryId,
    pub text: String,
    pub revisit: Option<RevisitDate>,
    pub by: PersonId,
    pub at_us: i64,
    /// The proposal this one answered with changes.
    pub counters: Option<EntryId>,
    /// The version this would amend; `None` while the agreement has never been active.
    pub amends: Option<usize>,
    /// `None` while it waits for an answer.
    pub outcome: Option<Outcome>,
}

/// One accepted form of an agreement. Versions are numbered from 1 and never change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub number: usize,
    /// The proposal that was accepted.
    pub proposal: EntryId,
    pub text: String,
    pub revisit: Option<RevisitDate>,
    pub proposed_by: PersonId,
    pub proposed_at_us: i64,
    pub accepted_by: PersonId,
    pub accepted_at_us: i64,
}

/// An early review asked for by one partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRequest {
    pub by: PersonId,
    pub at_us: i64,
}

/// One partner's "keep it as is".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keep {
    pub by: PersonId,
    pub at_us: i64,
}

/// A round of review: the early request that began it (if it was not the revisit date), the
/// keeps so far, and, once both kept it, when it completed and the next revisit date named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub requested: Option<ReviewRequest>,
    pub kept: Vec<Keep>,
    pub completed_at_us: Option<i64>,
    pub next_revisit: Option<RevisitDate>,
}

/// A proposal to retire an agreement. Retire proposals are never countered, so their
/// outcome is accepted, declined or withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetireProposal {
    pub id: EntryId,
    pub by: PersonId,
    pub at_us: i64,
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementStatus {
    /// Proposed and not yet accepted; terms wait on the table.
    Proposed,
    /// The first negotiation ended without a yes (withdrawn or declined).
    NotAgreed,
    Active,
    Retired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: EntryId,
    pub proposed_by: PersonId,
    pub proposed_at_us: i64,
    /// Every proposal, amendment and counter-proposal, oldest first.
    pub proposals: Vec<Proposal>,
    /// Every accepted version, oldest first; the last is the agreement as it stands.
    pub versions: Vec<Version>,
    /// The next revisit date: the current version's, or the one named when a review
    /// completed.
    pub revisit: Option<RevisitDate>,
    /// The review round in progress (empty when none is).
    pub review: Review,
    /// Completed reviews in which both kept it as is, oldest first.
    pub reviews: Vec<Review>,
    pub retire_proposals: Vec<RetireProposal>,
    pub retired_at_us: Option<i64>,
}

impl Agreement {
    pub fn status(&self) -> AgreementStatus {
        if self.retired_at_us.is_some() {
            AgreementStatus::Retired
        } else if !self.versions.is_empty() {
            AgreementStatus::Active
        } else if self.open_proposal().is_some() {
            AgreementStatus::Proposed
        } else {
            AgreementStatus::NotAgreed
        }
    }

    /// The agreement as it stands; `None` before it was first accepted.
    pub fn current(&self) -> Option<&Version> {
        self.versions.last()
    }

    pub fn version(&self, number: usize) -> Option<&Version> {
        self.versions.get(number.checked_sub(1)?)
    }

    /// The words to show for the agreement: the current version's, or else the latest
    /// proposal's.
    pub fn text(&self) -> &str {
        self.current()
            .map(|v| v.text.as_str())
            .or_else(|| self.proposals.last().map(|p| p.text.as_str()))
            .unwrap_or_default()
    }

    pub fn proposal(&self, id: EntryId) -> Option<&Proposal> {
        self.proposals.iter().find(|p| p.id == id)
    }

    /// The terms waiting for an answer, if any. Only the latest proposal can be open.
    pub fn open_proposal(&self) -> Option<&Proposal> {
        self.proposals.last().filter(|p| p.outcome.is_none())
    }

    pub fn retire_proposal(&self, id: EntryId) -> Option<&RetireProposal> {
        self.retire_proposals.iter().find(|p| p.id == id)
    }

    pub fn open_retire(&self) -> Option<&RetireProposal> {
        self.retire_proposals.last().filter(|p| p.outcome.is_none())
    }

    /// Whether the agreement should be looked at again: active, and either past its revisit
    /// date (by the UTC calendar, the date itself included) or asked to be revisited early.
    /// It stays due until the round completes.
    pub fn due_for_review(&self, now_us: i64) -> bool {
        if self.status() != AgreementStatus::Active {
            return false;
        }
        let past_revisit = self
            .revisit
            .zip(utc_date(now_us))
            .is_some_and(|(revisit, today)| revisit.0 <= today);
        past_revisit || self.review.requested.is_some()
    }

    /// Whether `person` has kept it as is in the review round in progress.
    pub fn has_kept(&self, person: PersonId) -> bool {
        self.review.kept.iter().any(|k| k.by == person)
    }

    /// What version `number` changed from the one before; `None` for the first version
    /// (there is nothing before it) and for versions that don't exist.
    pub fn changes(&self, number: usize) -> Option<Changes> {
        let before = self.version(number.checked_sub(1)?)?;
        let after = self.version(number)?;
        Some(Changes::between(
            &before.text,
            before.revisit,
            &after.text,
            after.revisit,
        ))
    }

    /// What a proposal would change: from the proposal it counters, or else from the version
    /// it amends. `None` for a first proposal, which changes nothing that was agreed.
    pub fn proposal_changes(&self, id: EntryId) -> Option<Changes> {
        let p = self.proposal(id)?;
        let (text, revisit) = match (p.counters, p.amends) {
            (Some(countered), _) => {
                let c = self.proposal(countered)?;
                (&c.text, c.revisit)
            }
            (None, Some(number)) => {
                let v = self.version(number)?;
                (&v.text, v.revisit)
            }
            (None, None) => return None,
        };
        Some(Changes::between(text, revisit, &p.text, p.revisit))
    }

    /// Whether an id is already used inside this agreement.
    fn uses(&self, id: EntryId) -> bool {
        id == self.id || self.proposal(id).is_some() || self.retire_proposal(id).is_some()
    }

    fn open_proposal_mut(&mut self, id: EntryId) -> Option<&mut Proposal> {
        self.proposals
            .last_mut()
            .filter(|p| p.id == id && p.outcome.is_none())
    }

    fn open_retire_mut(&mut self, id: EntryId) -> Option<&mut RetireProposal> {
        self.retire_proposals
            .last_mut()
            .filter(|p| p.id == id && p.outcome.is_none())
    }
}

// ---- the state ---------------------------------------------------------------------------

/// The agreements in one space, folded from its events. Lists are in
/// record order (oldest first); the queries give the orders pages want.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreements {
    pub agreements: Vec<Agreement>,
}

/// Something a partner is asked to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Terms the other partner put on the table (a proposal, an amendment or a
    /// counter-proposal): accept, propose changes, or decline.
    AnswerProposal {
        agreement: EntryId,
        proposal: EntryId,
    },
    /// An agreement due for review that this partner hasn't reviewed in this round.
    Review(EntryId),
    /// The other partner proposed retiring an agreement.
    AnswerRetire {
        agreement: EntryId,
        proposal: EntryId,
    },
}

impl Agreements {
    pub fn agreement(&self, id: EntryId) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.id == id)
    }

    /// Agreements in one status, in the order they were first proposed.
    pub fn with_status(&self, status: AgreementStatus) -> impl Iterator<Item = &Agreement> {
        self.agreements.iter().filter(move |a| a.status() == status)
    }

    /// Agreements due for review at `now_us`, in the order they were first proposed.
    pub fn due_for_review(&self, now_us: i64) -> impl Iterator<Item = &Agreement> {
        self.agreements
            .iter()
            .filter(move |a| a.due_for_review(now_us))
    }

    /// What is waiting for `person` to act on at `now_us`: proposals to answer, reviews,
    /// then retire proposals (oldest first within each).
    pub fn waiting_for(&self, person: PersonId, now_us: i64) -> Vec<Waiting> {
        let proposals = self.agreements.iter().filter_map(|a| {
            let p = a.open_proposal().filter(|p| p.by != person)?;
            Some(Waiting::AnswerProposal {
                agreement: a.id,
                proposal: p.id,
            })
        });
        // While a proposal is open, answering it is the review; the agreement shows again
        // for review if the proposal closes without a new version.
        let reviews = self
            .agreements
            .iter()
            .filter(|a| {
                a.due_for_review(now_us)
                    && a.open_proposal().is_none()
                    && a.open_retire().is_none()
                    && !a.has_kept(person)
            })
            .map(|a| Waiting::Review(a.id));
        let retire = self.agreements.iter().filter_map(|a| {
            let p = a.open_retire().filter(|p| p.by != person)?;
            Some(Waiting::AnswerRetire {
                agreement: a.id,
                proposal: p.id,
            })
        });
        proposals.chain(reviews).chain(retire).collect()
    }

    fn agreement_mut(&mut self, id: EntryId) -> Option<&mut Agreement> {
        self.agreements.iter_mut().find(|a| a.id == id)
    }
}

// ---- events ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementProposed {
    pub agreement: EntryId,
    pub proposal: EntryId,
    pub text: String,
    pub revisit: Option<RevisitDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementCountered {
    pub agreement: EntryId,
    /// The proposal answered.
    pub proposal: EntryId,
    /// The counter-proposal, which takes its place on the table.
    pub counter: EntryId,
    pub text: String,
    pub revisit: Option<RevisitDate>,
}

/// An answer to a proposal or a retire proposal: accepted, declined or withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalAnswered {
    pub agreement: EntryId,
    pub proposal: EntryId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentProposed {
    pub agreement: EntryId,
    pub proposal: EntryId,
    pub text: String,
    pub revisit: Option<RevisitDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRequested {
    pub agreement: EntryId,
}

/// "Keep it as is." `next_revisit` comes only with the keep that completes the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementReviewed {
    pub agreement: EntryId,
    pub next_revisit: Option<RevisitDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetireProposed {
    pub agreement: EntryId,
    pub proposal: EntryId,
}

/// The agreement events, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    AgreementProposed(AgreementProposed),
    AgreementCountered(AgreementCountered),
    AgreementAccepted(ProposalAnswered),
    AgreementDeclined(ProposalAnswered),
    AgreementWithdrawn(ProposalAnswered),
    AmendmentProposed(AmendmentProposed),
    ReviewRequested(ReviewRequested),
    AgreementReviewed(AgreementReviewed),
    RetireProposed(RetireProposed),
    Retired(ProposalAnswered),
    RetireDeclined(ProposalAnswered),
    RetireWithdrawn(ProposalAnswered),
}

event_kinds!(
    AgreementProposed => "agreement.proposed",
    AgreementCountered => "agreement.countered",
    AgreementAccepted => "agreement.accepted",
    AgreementDeclined => "agreement.declined",
    AgreementWithdrawn => "agreement.withdrawn",
    AmendmentProposed => "agreement.amendment_proposed",
    ReviewRequested => "agreement.review_requested",
    AgreementReviewed => "agreement.reviewed",
    RetireProposed => "agreement.retire_proposed",
    Retired => "agreement.retired",
    RetireDeclined => "agreement.retire_declined",
    RetireWithdrawn => "agreement.retire_withdrawn",
);

/// Folds one event, written by `author` at `at_us`. Events that do not fit the state (which
/// `decide` never produces) change nothing.
pub fn apply(state: &mut Agreements, author: PersonId, at_us: i64, event: Event) {
    let outcome = |kind| Outcome {
        kind,
        by: author,
        at_us,
    };
    match event {
        Event::AgreementProposed(e) => {
            if state.agreement(e.agreement).is_none() {
                state.agreements.push(Agreement {
                    id: e.agreement,
                    proposed_by: author,
                    proposed_at_us: at_us,
                    proposals: vec![Proposal {
                        id: e.proposal,
                        text: e.text,
                        revisit: e.revisit,
                        by: author,
                        at_us,
                        counters: None,
                        amends: None,
                        outcome: None,
                    }],
                    versions: Vec::new(),
                    revisit: None,
                    review: Review::default(),
                    reviews: Vec::new(),
                    retire_proposals: Vec::new(),
                    retired_at_us: None,
                });
            }
        }
        Event::AgreementCountered(e) => {
            let Some(a) = state.agreement_mut(e.agreement) else {
                return;
            };
            let Some(p) = a.open_proposal_mut(e.proposal) else {
                return;
            };
            p.outcome = Some(outcome(OutcomeKind::Countered));
            let amends = p.amends;
            a.proposals.push(Proposal {
                id: e.counter,
                text: e.text,
                revisit: e.revisit,
                by: author,
                at_us,
                counters: Some(e.proposal),
                amends,
                outcome: None,
            });
        }
        Event::AgreementAccepted(e) => {
            let Some(a) = state.agreement_mut(e.agreement) else {
                return;
            };
            let number = a.versions.len() + 1;
            let Some(p) = a.open_proposal_mut(e.proposal) else {
                return;
            };
            p.outcome = Some(outcome(OutcomeKind::Accepted));
            let version = Version {
                number,
                proposal: p.id,
                text: p.text.clone(),
                revisit: p.revisit,
                proposed_by: p.by,
                proposed_at_us: p.at_us,
                accepted_by: author,
                accepted_at_us: at_us,
            };
            // New terms agreed together are a review in themselves: the round in progress
            // ends and the new version's revisit date is the next one.
            a.revisit = version.revisit;
            a.review = Review::default();
            a.versions.push(version);
        }
        Event::AgreementDeclined(e) => {
            if let Some(p) = state
                .agreement_mut(e.agreement)
                .and_then(|a| a.open_proposal_mut(e.proposal))
            {
                p.outcome = Some(outcome(OutcomeKind::Declined));
            }
        }
        Event::AgreementWithdrawn(e) => {
            if let Some(p) = state
                .agreement_mut(e.agreement)
                .and_then(|a| a.open_proposal_mut(e.proposal))
            {
                p.outcome = Some(outcome(OutcomeKind::Withdrawn));
            }
        }
        Event::AmendmentProposed(e) => {
            let Some(a) = state.agreement_mut(e.agreement) else {
                return;
            };
            if a.status() != AgreementStatus::Active || a.open_proposal().is_some() {
                return;
            }
            let amends = Some(a.versions.len());
            a.proposals.push(Proposal {
                id: e.proposal,
                text: e.text,
                revisit: e.revisit,
                by: author,
                at_us,
                counters: None,
                amends,
                outcome: None,
            });
        }
        Event::ReviewRequested(e) => {
            if let Some(a) = state.agreement_mut(e.agreement) {
                a.review.requested = Some(ReviewRequest { by: author, at_us });
            }
        }
        Event::AgreementReviewed(e) => {
            let Some(a) = state.agreement_mut(e.agreement) else {
                return;
            };
            let completes = a.review.kept.iter().any(|k| k.by != author);
            a.review.kept.push(Keep { by: author, at_us });
            if completes {
                a.review.completed_at_us = Some(at_us);
                a.review.next_revisit = e.next_revisit;
                a.revisit = e.next_revisit;
                let done = std::mem::take(&mut a.review);
                a.reviews.push(done);
            }
        }
        Event::RetireProposed(e) => {
            if let Some(a) = state.agreement_mut(e.agreement)
                && a.status() == AgreementStatus::Active
                && a.open_retire().is_none()
            {
                a.retire_proposals.push(RetireProposal {
                    id: e.proposal,
                    by: author,
                    at_us,
                    outcome: None,
                });
            }
        }
        Event::Retired(e) => {
            let Some(a) = state.agreement_mut(e.agreement) else {
                return;
            };
            if let Some(p) = a.open_retire_mut(e.proposal) {
                p.outcome = Some(outcome(OutcomeKind::Accepted));
                a.retired_at_us = Some(at_us);
            }
        }
        Event::RetireDeclined(e) => {
            if let Some(p) = state
                .agreement_mut(e.agreement)
                .and_then(|a| a.open_retire_mut(e.proposal))
            {
                p.outcome = Some(outcome(OutcomeKind::Declined));
            }
        }
        Event::RetireWithdrawn(e) => {
            if let Some(p) = state
                .agreement_mut(e.agreement)
                .and_then(|a| a.open_retire_mut(e.proposal))
            {
                p.outcome = Some(outcome(OutcomeKind::Withdrawn));
            }
        }
    }
}

// ---- commands ----------------------------------------------------------------------------

/// What a partner asks to do. New entries carry their id, made by the caller. Answers name
/// the proposal they answer, so a page opened before the terms changed cannot answer terms
/// its reader has not seen.
#[derive(Debug, Clone)]
pub enum Command {
    /// A new agreement: `id` names the agreement, `proposal` its first terms.
    Propose {
        id: EntryId,
        proposal: EntryId,
        text: AgreementText,
        revisit: Option<RevisitDate>,
    },
    /// Answer the terms on the table with changes; `id` names the counter-proposal.
    Counter {
        agreement: EntryId,
        proposal: EntryId,
        id: EntryId,
        text: AgreementText,
        revisit: Option<RevisitDate>,
    },
    Accept {
        agreement: EntryId,
        proposal: EntryId,
    },
    Decline {
        agreement: EntryId,
        proposal: EntryId,
    },
    Withdraw {
        agreement: EntryId,
        proposal: EntryId,
    },
    /// New terms for an active agreement; once accepted they become its next version.
    ProposeAmendment {
        agreement: EntryId,
        id: EntryId,
        text: AgreementText,
        revisit: Option<RevisitDate>,
    },
    /// Ask to revisit an agreement before its revisit date.
    RequestReview {
        agreement: EntryId,
    },
    /// Review an agreement that is due by keeping it as is. `next_revisit` may come only
    /// with the keep that completes the review.
    KeepAsIs {
        agreement: EntryId,
        next_revisit: Option<RevisitDate>,
    },
    ProposeRetire {
        agreement: EntryId,
        id: EntryId,
    },
    AcceptRetire {
        agreement: EntryId,
        proposal: EntryId,
    },
    DeclineRetire {
        agreement: EntryId,
        proposal: EntryId,
    },
    WithdrawRetire {
        agreement: EntryId,
        proposal: EntryId,
    },
}

// Refusals, shown to the person as they are; public so pages and tests can match on them.
pub const NO_PARTNER: &str = "Your partner needs to join the space first.";
pub const ALREADY_RECORDED: &str = "This has already been recorded.";
pub const OWN_PROPOSAL: &str = "You made this proposal, so it's your partner who accepts it: an agreement holds when you both say yes.";
pub const ALREADY_ACCEPTED: &str = "This proposal has already been accepted.";
pub const WITHDRAWN: &str = "This proposal was withdrawn, so it can't be accepted or answered now. Either of you can make a new one.";
pub const DECLINED: &str = "This proposal was declined, so it can't be accepted or answered now. Either of you can make a new one.";
pub const COUNTERED: &str = "These terms have since been answered with a counter-proposal. Please read the latest terms and answer those.";
pub const WITHDRAW_NOT_YOURS: &str = "Only the partner who made a proposal can withdraw it. You can accept it, propose changes, or decline it.";
pub const DECLINE_OWN: &str =
    "You made this proposal, so you can withdraw it rather than decline it.";
pub const COUNTER_OWN: &str = "You made this proposal, so your partner answers it. To change it, withdraw it and propose again.";
pub const COUNTER_UNCHANGED: &str =
    "Your counter-proposal reads the same as the proposal. To agree to it as it is, accept it.";
pub const AMENDMENT_UNCHANGED: &str = "That is the agreement as it stands. Change the text or the revisit date to propose an amendment.";
pub const REVISIT_PASSED: &str =
    "The revisit date in these terms has already passed. You can propose changes with a new date.";
pub const NOT_ACTIVE_YET: &str =
    "This agreement isn't active yet: its proposal is still waiting for an answer.";
pub const NOT_AGREED: &str =
    "This proposal was closed without an agreement. Either of you can make a new one.";
pub const RETIRED: &str = "This agreement has been retired. Its history stays, and either of you can propose a new agreement at any time.";
pub const PROPOSAL_WAITING: &str = "Changes to this agreement are already waiting for an answer. They need an answer, or to be withdrawn, first.";
pub const RETIRE_WAITING: &str = "A proposal to retire this agreement is waiting for an answer. It needs an answer, or to be withdrawn, first.";
pub const RETIRE_OWN: &str = "You proposed retiring this agreement, so it's your partner who accepts: it retires when you both agree.";
pub const ALREADY_DUE: &str = "This agreement is already due for review.";
pub const NOT_DUE: &str =
    "This agreement isn't due for review. Either of you can ask to revisit it early.";
pub const ALREADY_KEPT: &str = "You've already said to keep it as is. The review completes when your partner has reviewed it too.";
pub const DATE_WITH_FIRST_KEEP: &str = "The next revisit date is named by whoever completes the review. For now, just keep it as is; to agree on a date together, propose an amendment.";
pub const REVISIT_PAST: &str =
    "That revisit date has already passed. Please choose a date from today on.";
pub const REVISIT_TOO_FAR: &str = "That revisit date is more than ten years ahead. Please choose a nearer date: boundaries are meant to be looked at again.";
pub const NEXT_REVISIT_TODAY: &str =
    "The next revisit date needs to be after today, or the review would begin again at once.";

/// The events a command produces. `partner` is the other partner (who must have joined).
pub fn decide(
    state: &Agreements,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    partner.ok_or(Refusal::NotNow(NO_PARTNER))?;
    let me = ctx.actor;
    let find = |id| state.agreement(id).ok_or(Refusal::NotFound);
    let event = match command {
        Command::Propose {
            id,
            proposal,
            text,
            revisit,
        } => {
            if state.agreement(id).is_some() || proposal == id {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            check_revisit(revisit, ctx.now_us)?;
            Event::AgreementProposed(AgreementProposed {
                agreement: id,
                proposal,
                text: text.0,
                revisit,
            })
        }
        Command::Counter {
            agreement,
            proposal,
            id,
            text,
            revisit,
        } => {
            let a = find(agreement)?;
            let p = open_proposal(a, proposal)?;
            if p.by == me {
                return Err(Refusal::NotYours(COUNTER_OWN));
            }
            if a.uses(id) {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            if p.text == text.0 && p.revisit == revisit {
                return Err(Refusal::invalid("text", COUNTER_UNCHANGED));
            }
            check_revisit(revisit, ctx.now_us)?;
            Event::AgreementCountered(AgreementCountered {
                agreement,
                proposal,
                counter: id,
                text: text.0,
                revisit,
            })
        }
        Command::Accept {
            agreement,
            proposal,
        } => {
            let p = open_proposal(find(agreement)?, proposal)?;
            if p.by == me {
                return Err(Refusal::NotYours(OWN_PROPOSAL));
            }
            // Terms can wait on the table for a while; accepting a date already gone would
            // make the agreement due for review the moment it begins.
            if let Some(revisit) = p.revisit
                && revisit.0 < today(ctx.now_us)?
            {
                return Err(Refusal::NotNow(REVISIT_PASSED));
            }
            Event::AgreementAccepted(ProposalAnswered {
                agreement,
                proposal,
            })
        }
        Command::Decline {
            agreement,
            proposal,
        } => {
            let p = open_proposal(find(agreement)?, proposal)?;
            if p.by == me {
                return Err(Refusal::NotYours(DECLINE_OWN));
            }
            Event::AgreementDeclined(ProposalAnswered {
                agreement,
                proposal,
            })
        }
        Command::Withdraw {
            agreement,
            proposal,
        } => {
            let p = open_proposal(find(agreement)?, proposal)?;
            if p.by != me {
                return Err(Refusal::NotYours(WITHDRAW_NOT_YOURS));
            }
            Event::AgreementWithdrawn(ProposalAnswered {
                agreement,
                proposal,
            })
        }
        Command::ProposeAmendment {
            agreement,
            id,
            text,
            revisit,
        } => {
            let a = find(agreement)?;
            let current = active(a)?;
            nothing_open(a)?;
            if a.uses(id) {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            // Compared with what is in force: a review may have renewed the revisit date
            // since the current version was accepted.
            if current.text == text.0 && a.revisit == revisit {
                return Err(Refusal::invalid("text", AMENDMENT_UNCHANGED));
            }
            check_revisit(revisit, ctx.now_us)?;
            Event::AmendmentProposed(AmendmentProposed {
                agreement,
                proposal: id,
                text: text.0,
                revisit,
            })
        }
        Command::RequestReview { agreement } => {
            let a = find(agreement)?;
            active(a)?;
            if a.due_for_review(ctx.now_us) {
                return Err(Refusal::NotNow(ALREADY_DUE));
            }
            Event::ReviewRequested(ReviewRequested { agreement })
        }
        Command::KeepAsIs {
            agreement,
            next_revisit,
        } => {
            let a = find(agreement)?;
            active(a)?;
            if !a.due_for_review(ctx.now_us) {
                return Err(Refusal::NotNow(NOT_DUE));
            }
            // An open amendment is this review's other answer; it is settled first.
            nothing_open(a)?;
            if a.has_kept(me) {
                return Err(Refusal::NotNow(ALREADY_KEPT));
            }
            if let Some(next) = next_revisit {
                if a.review.kept.is_empty() {
                    return Err(Refusal::invalid("revisit", DATE_WITH_FIRST_KEEP));
                }
                check_revisit(Some(next), ctx.now_us)?;
                if next.0 <= today(ctx.now_us)? {
                    return Err(Refusal::invalid("revisit", NEXT_REVISIT_TODAY));
                }
            }
            Event::AgreementReviewed(AgreementReviewed {
                agreement,
                next_revisit,
            })
        }
        Command::ProposeRetire { agreement, id } => {
            let a = find(agreement)?;
            active(a)?;
            nothing_open(a)?;
            if a.uses(id) {
                return Err(Refusal::NotNow(ALREADY_RECORDED));
            }
            Event::RetireProposed(RetireProposed {
                agreement,
                proposal: id,
            })
        }
        Command::AcceptRetire {
            agreement,
            proposal,
        } => {
            let p = open_retire(find(agreement)?, proposal)?;
            if p.by == me {
                return Err(Refusal::NotYours(RETIRE_OWN));
            }
            Event::Retired(ProposalAnswered {
                agreement,
                proposal,
            })
        }
        Command::DeclineRetire {
            agreement,
            proposal,
        } => {
            let p = open_retire(find(agreement)?, proposal)?;
            if p.by == me {
                return Err(Refusal::NotYours(DECLINE_OWN));
            }
            Event::RetireDeclined(ProposalAnswered {
                agreement,
                proposal,
            })
        }
        Command::WithdrawRetire {
            agreement,
            proposal,
        } => {
            let p = open_retire(find(agreement)?, proposal)?;
            if p.by != me {
                return Err(Refusal::NotYours(WITHDRAW_NOT_YOURS));
            }
            Event::RetireWithdrawn(ProposalAnswered {
                agreement,
                proposal,
            })
        }
    };
    Ok(vec![event])
}

/// The proposal with this id, if it still waits for an answer: `NotFound` if there never
/// was one, `NotNow` saying what became of it otherwise (a page opened before the answer).
fn open_proposal(a: &Agreement, id: EntryId) -> Result<&Proposal, Refusal> {
    let p = a.proposal(id).ok_or(Refusal::NotFound)?;
    match p.outcome.map(|o| o.kind) {
        None => Ok(p),
        Some(OutcomeKind::Accepted) => Err(Refusal::NotNow(ALREADY_ACCEPTED)),
        Some(OutcomeKind::Countered) => Err(Refusal::NotNow(COUNTERED)),
        Some(OutcomeKind::Declined) => Err(Refusal::NotNow(DECLINED)),
        Some(OutcomeKind::Withdrawn) => Err(Refusal::NotNow(WITHDRAWN)),
    }
}

/// The retire proposal with this id, if it still waits for an answer.
fn open_retire(a: &Agreement, id: EntryId) -> Result<&RetireProposal, Refusal> {
    let p = a.retire_proposal(id).ok_or(Refusal::NotFound)?;
    match p.outcome.map(|o| o.kind) {
        None => Ok(p),
        Some(OutcomeKind::Accepted) => Err(Refusal::NotNow(RETIRED)),
        Some(OutcomeKind::Declined) => Err(Refusal::NotNow(DECLINED)),
        Some(OutcomeKind::Withdrawn | OutcomeKind::Countered) => Err(Refusal::NotNow(WITHDRAWN)),
    }
}

/// The current version of an active agreement, or why the agreement is not active.
fn active(a: &Agreement) -> Result<&Version, Refusal> {
    match a.status() {
        AgreementStatus::Active => a.current().ok_or(Refusal::NotNow(NOT_ACTIVE_YET)),
        AgreementStatus::Proposed => Err(Refusal::NotNow(NOT_ACTIVE_YET)),
        AgreementStatus::NotAgreed => Err(Refusal::NotNow(NOT_AGREED)),
        AgreementStatus::Retired => Err(Refusal::NotNow(RETIRED)),
    }
}

/// One open question per agreement: no amendment and no retire proposal waiting.
fn nothing_open(a: &Agreement) -> Result<(), Refusal> {
    if a.open_proposal().is_some() {
        return Err(Refusal::NotNow(PROPOSAL_WAITING));
    }
    if a.open_retire().is_some() {
        return Err(Refusal::NotNow(RETIRE_WAITING));
    }
    Ok(())
}

/// The UTC calendar date of `now_us`, which is what "today" means for revisit dates.
fn today(now_us: i64) -> Result<Date, Refusal> {
    utc_date(now_us).ok_or_else(|| Refusal::invalid_input("The clock is out of range."))
}

/// A revisit date may not be before UTC today nor more than ten years after it.
fn check_revisit(revisit: Option<RevisitDate>, now_us: i64) -> Result<(), Refusal> {
    let Some(revisit) = revisit else {
        return Ok(());
    };
    let today = today(now_us)?;
    if revisit.0 < today {
        return Err(Refusal::invalid("revisit", REVISIT_PAST));
    }
    if revisit.0 > years_after(today, limits::REVISIT_AHEAD_YEARS) {
        return Err(Refusal::invalid("revisit", REVISIT_TOO_FAR));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wednesday 2026-11-18, 10:00 UTC.
    const START_US: i64 = 1_794_996_000_000_000;
    const HOUR_US: i64 = 3_600_000_000;
    const DAY_US: i64 = 86_400_000_000;

    type Couple = crate::domain::part::Couple<Agreements>;

    impl Couple {
        fn new() -> Self {
            Self::starting_at(START_US)
        }

        /// `actor` proposes an agreement; returns (agreement, proposal).
        fn propose(
            &mut self,
            actor: PersonId,
            words: &str,
            revisit: Option<&str>,
        ) -> Result<(EntryId, EntryId), Refusal> {
            let (id, proposal) = (EntryId::random(), EntryId::random());
            self.when(
                actor,
                Command::Propose {
                    id,
                    proposal,
                    text: text(words),
                    revisit: revisit.map(date),
                },
            )?;
            Ok((id, proposal))
        }

        fn accept(
            &mut self,
            actor: PersonId,
            agreement: EntryId,
            proposal: EntryId,
        ) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::Accept {
                    agreement,
                    proposal,
                },
            )
        }

        fn counter(
            &mut self,
            actor: PersonId,
            agreement: EntryId,
            proposal: EntryId,
            words: &str,
            revisit: Option<&str>,
        ) -> Result<EntryId, Refusal> {
            let id = EntryId::random();
            self.when(
                actor,
                Command::Counter {
                    agreement,
                    proposal,
                    id,
                    text: text(words),
                    revisit: revisit.map(date),
                },
            )?;
            Ok(id)
        }

        /// given: an active agreement the hurt partner proposed and the other accepted.
        fn given_active(&mut self, words: &str, revisit: Option<&str>) -> EntryId {
            let (a, p) = self.propose(self.hurt, words, revisit).expect("proposed");
            self.accept(self.broke, a, p).expect("accepted");
            a
        }

        fn amend(
            &mut self,
            actor: PersonId,
            agreement: EntryId,
            words: &str,
            revisit: Option<&str>,
        ) -> Result<EntryId, Refusal> {
            let id = EntryId::random();
            self.when(
                actor,
                Command::ProposeAmendment {
                    agreement,
                    id,
                    text: text(words),
                    revisit: revisit.map(date),
                },
            )?;
            Ok(id)
        }

        fn keep(
            &mut self,
            actor: PersonId,
            agreement: EntryId,
            next_revisit: Option<&str>,
        ) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::KeepAsIs {
                    agreement,
                    next_revisit: next_revisit.map(date),
                },
            )
        }

        fn propose_retire(
            &mut self,
            actor: PersonId,
            agreement: EntryId,
        ) -> Result<EntryId, Refusal> {
            let id = EntryId::random();
            self.when(actor, Command::ProposeRetire { agreement, id })?;
            Ok(id)
        }

        fn agreement(&self, id: EntryId) -> &Agreement {
            self.state.agreement(id).expect("agreement")
        }
    }

    fn text(s: &str) -> AgreementText {
        AgreementText::parse(s).expect("valid text")
    }

    fn date(s: &str) -> RevisitDate {
        RevisitDate::parse(s).expect("valid date")
    }

    fn invalid<T: std::fmt::Debug>(result: Result<T, Refusal>) -> bool {
        matches!(result, Err(Refusal::Invalid { .. }))
    }

    // ---- proposing and accepting ----

    #[test]
    fn an_agreement_becomes_active_when_the_other_partner_accepts() {
        let mut c = Couple::new();
        let (a, p) = c
            .propose(
                c.hurt,
                "No contact with her, in any form.",
                Some("2027-05-01"),
            )
            .expect("proposed");
        assert_eq!(c.agreement(a).status(), AgreementStatus::Proposed);
        assert!(c.agreement(a).current().is_none(), "nothing holds yet");
        c.now_us += HOUR_US;
        c.accept(c.broke, a, p).expect("accepted");
        let agreement = c.agreement(a);
        assert_eq!(agreement.status(), AgreementStatus::Active);
        assert_eq!(
            agreement.versions,
            vec![Version {
                number: 1,
                proposal: p,
                text: "No contact with her, in any form.".into(),
                revisit: Some(date("2027-05-01")),
                proposed_by: c.hurt,
                proposed_at_us: START_US,
                accepted_by: c.broke,
                accepted_at_us: START_US + HOUR_US,
            }]
        );
        assert_eq!(agreement.revisit, Some(date("2027-05-01")));
        assert_eq!(
            c.state
                .with_status(AgreementStatus::Active)
                .map(|a| a.id)
                .collect::<Vec<_>>(),
            vec![a]
        );
    }

    #[test]
    fn either_partner_may_propose() {
        let mut c = Couple::new();
        let (a, p) = c
            .propose(c.broke, "I share my location when I travel.", None)
            .expect("proposed by the partner who broke trust");
        c.accept(c.hurt, a, p)
            .expect("accepted by the hurt partner");
        assert_eq!(c.agreement(a).status(), AgreementStatus::Active);
        assert_eq!(c.agreement(a).revisit, None);
    }

    #[test]
    fn a_partner_cannot_accept_their_own_proposal() {
        let mut c = Couple::new();
        let (a, p) = c
            .propose(c.hurt, "Phones away at dinner.", None)
            .expect("proposed");
        assert_eq!(c.accept(c.hurt, a, p), Err(Refusal::NotYours(OWN_PROPOSAL)));
        assert_eq!(
            c.agreement(a).status(),
            AgreementStatus::Proposed,
            "nothing is written"
        );
        assert!(c.agreement(a).versions.is_empty());
    }

    #[test]
    fn accepting_a_withdrawn_or_already_accepted_proposal_is_refused() {
        let mut c = Couple::new();
        let (a, p) = c
            .propose(c.hurt, "Phones away at dinner.", None)
            .expect("proposed");
        c.when(
            c.hurt,
            Command::Withdraw {
                agreement: a,
                proposal: p,
            },
        )
        .expect("withdrawn");
        assert_eq!(c.agreement(a).status(), AgreementStatus::NotAgreed);
        assert_eq!(c.accept(c.broke, a, p), Err(Refusal::NotNow(WITHDRAWN)));
        assert_eq!(
            c.when(
                c.hurt,
                Command::Withdraw {
                    agreement: a,
                    proposal: p
                }
            ),
            Err(Refusal::NotNow(WITHDRAWN))
        );

        let (b, q) = c
            .propose(c.hurt, "Phones away at dinner.", None)
            .expect("again");
        c.accept(c.broke, b, q).expect("accepted");
        assert_eq!(
            c.accept(c.broke, b, q),
            Err(Refusal::NotNow(ALREADY_ACCEPTED))
        );
        assert_eq!(c.agreement(b).versions.len(), 1, "still one version");
    }

    #[test]
    fn only_the_proposer_withdraws_and_only_the_other_declines() {
        let mut c = Couple::new();
        let (a, p) = c
            .propose(c.hurt, "Phones away at dinner.", None)
            .expect("proposed");
        assert_eq!(
            c.when(
                c.broke,
                Command::Withdraw {
                    agreement: a,
                    proposal: p
                }
            ),
            Err(Refusal::NotYours(WITHDRAW_NOT_YOURS))
        );
        assert_eq!(
            c.when(
                c.hurt,
                Command::Decline {
                    agreement: a,
                    proposal: p
                }
            ),
            Err(Refusal::NotYours(DECLINE_OWN))
        );
        c.when(
            c.broke,
            Command::Decline {
                agreement: a,
                proposal: p,
            },
        )
        .expect("declined");
        let proposal = c.agreement(a).proposal(p).expect("proposal");
        assert_eq!(
            proposal.outcome,
            Some(Outcome {
                kind: OutcomeKind::Declined,
                by: c.broke,
                at_us: START_US
            })
        );
        assert_eq!(c.agreement(a).status(), AgreementStatus::NotAgreed);
        assert_eq!(c.accept(c.broke, a, p), Err(Refusal::NotNow(DECLINED)));
        assert_eq!(
            c.amend(c.hurt, a, "x", None),
            Err(Refusal::NotNow(NOT_AGREED))
        );
    }

    #[test]
    fn a_counter_proposal_is_accepted_by_the_original_proposer() {
        let mut c = Couple::new();
        let (a, p) = c
            .propose(c.hurt, "No contact with her at all.", Some("2027-05-01"))
            .expect("proposed");
        c.now_us += HOUR_US;
        let counter = c
            .counter(
                c.broke,
                a,
                p,
                "No contact with her at all; work email goes through my manager.",
                Some("2027-02-01"),
            )
            .expect("countered");
        assert_eq!(
            c.accept(c.broke, a, counter),
            Err(Refusal::NotYours(OWN_PROPOSAL)),
            "the counter-proposer can't accept their own counter"
        );
        assert_eq!(
            c.accept(c.broke, a, p),
            Err(Refusal::NotNow(COUNTERED)),
            "the first terms are off the table"
        );
        let changes = c.agreement(a).proposal_changes(counter).expect("changes");
        assert_eq!(
            changes.text,
            vec![
                Segment::Same("No contact with her at".into()),
                Segment::Removed("all.".into()),
                Segment::Added("all; work email goes through my manager.".into()),
            ]
        );
        assert_eq!(
            changes.revisit,
            Some((Some(date("2027-05-01")), Some(date("2027-02-01"))))
        );
        c.now_us += HOUR_US;
        c.accept(c.hurt, a, counter)
            .expect("the original proposer accepts");
        let v = c.agreement(a).current().expect("active").clone();
        assert_eq!(
            (v.proposal, v.proposed_by, v.accepted_by, v.revisit),
            (counter, c.broke, c.hurt, Some(date("2027-02-01")))
        );
        assert_eq!(
            v.text,
            "No contact with her at all; work email goes through my manager."
        );
        assert_eq!(c.agreement(a).proposals.len(), 2, "both rounds are kept");
    }

    #[test]
    fn counter_proposals_can_go_back_and_forth() {
        let mut c = Couple::new();
        let (a, p) = c.propose(c.hurt, "Home by ten.", None).expect("proposed");
        let second = c
            .counter(c.broke, a, p, "Home by eleven.", None)
            .expect("second");
        let third = c
            .counter(c.hurt, a, second, "Home by half past ten.", None)
            .expect("third");
        c.accept(c.broke, a, third).expect("accepted");
        assert_eq!(c.agreement(a).text(), "Home by half past ten.");
    }

    #[test]
    fn a_counter_comes_from_the_other_partner_and_changes_something() {
        let mut c = Couple::new();
        let (a, p) = c.propose(c.hurt, "Home by ten.", None).expect("proposed");
        assert_eq!(
            c.counter(c.hurt, a, p, "Home by nine.", None),
            Err(Refusal::NotYours(COUNTER_OWN))
        );
        assert_eq!(
            c.counter(c.broke, a, p, "  Home by ten. ", None),
            Err(Refusal::invalid("text", COUNTER_UNCHANGED))
        );
        c.counter(c.broke, a, p, "Home by ten.", Some("2027-01-01"))
            .expect("changing only the revisit date is a change");
        assert_eq!(
            c.counter(c.broke, a, EntryId::random(), "x", None),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn withdrawing_a_counter_proposal_ends_the_negotiation() {
        let mut c = Couple::new();
        let (a, p) = c.propose(c.hurt, "Home by ten.", None).expect("proposed");
        let counter = c
            .counter(c.broke, a, p, "Home by eleven.", None)
            .expect("countered");
        assert_eq!(
            c.when(
                c.hurt,
                Command::Withdraw {
                    agreement: a,
                    proposal: counter
                }
            ),
            Err(Refusal::NotYours(WITHDRAW_NOT_YOURS))
        );
        c.when(
            c.broke,
            Command::Withdraw {
                agreement: a,
                proposal: counter,
            },
        )
        .expect("withdrawn by its author");
        assert_eq!(c.agreement(a).status(), AgreementStatus::NotAgreed);
        assert!(
            c.agreement(a).open_proposal().is_none(),
            "the first terms don't come back"
        );
        assert_eq!(c.accept(c.broke, a, p), Err(Refusal::NotNow(COUNTERED)));
    }

    // ---- amendments and versions ----

    #[test]
    fn an_amendment_creates_version_2_and_shows_what_changed() {
        let mut c = Couple::new();
        let a = c.given_active("I tell you when she contacts me.", Some("2027-05-01"));
        c.now_us += DAY_US;
        let p = c
            .amend(
                c.broke,
                a,
                "I tell you the same day when she contacts me.",
                Some("2027-05-01"),
            )
            .expect("amendment proposed");
        assert_eq!(
            c.agreement(a).status(),
            AgreementStatus::Active,
            "version 1 still holds"
        );
        assert_eq!(c.agreement(a).text(), "I tell you when she contacts me.");
        assert_eq!(
            c.accept(c.broke, a, p),
            Err(Refusal::NotYours(OWN_PROPOSAL))
        );
        c.accept(c.hurt, a, p).expect("accepted");
        let agreement = c.agreement(a);
        assert_eq!(agreement.versions.len(), 2);
        let v2 = agreement.version(2).expect("version 2");
        assert_eq!(
            (v2.number, v2.proposed_by, v2.accepted_by, v2.accepted_at_us),
            (2, c.broke, c.hurt, START_US + DAY_US)
        );
        assert_eq!(
            agreement.version(1).map(|v| v.text.as_str()),
            Some("I tell you when she contacts me."),
            "every version is kept as it was"
        );
        let changes = agreement.changes(2).expect("changes");
        assert_eq!(
            changes.text,
            vec![
                Segment::Same("I tell you".into()),
                Segment::Added("the same day".into()),
                Segment::Same("when she contacts me.".into()),
            ]
        );
        assert!(changes.text_changed());
        assert_eq!(changes.revisit, None, "the revisit date did not change");
        assert_eq!(
            agreement.changes(1),
            None,
            "version 1 has nothing before it"
        );
        assert_eq!(agreement.changes(3), None);
        assert_eq!(
            agreement.proposal_changes(p),
            agreement.changes(2),
            "an amendment shows what it changes before it is accepted too"
        );
    }

    #[test]
    fn an_amendment_can_be_countered_and_the_counter_becomes_the_version() {
        let mut c = Couple::new();
        let a = c.given_active("Home by ten.", None);
        let p = c
            .amend(c.broke, a, "Home by eleven.", None)
            .expect("amendment");
        let counter = c
            .counter(c.hurt, a, p, "Home by half past ten.", None)
            .expect("countered");
        c.accept(c.broke, a, counter).expect("accepted");
        let agreement = c.agreement(a);
        assert_eq!(agreement.versions.len(), 2);
        assert_eq!(agreement.text(), "Home by half past ten.");
        assert_eq!(agreement.proposal(counter).and_then(|p| p.amends), Some(1));
    }

    #[test]
    fn a_declined_or_withdrawn_amendment_leaves_the_current_version_standing() {
        let mut c = Couple::new();
        let a = c.given_active("Home by ten.", None);
        let p = c
            .amend(c.broke, a, "Home by eleven.", None)
            .expect("amendment");
        c.when(
            c.hurt,
            Command::Decline {
                agreement: a,
                proposal: p,
            },
        )
        .expect("declined");
        let q = c.amend(c.broke, a, "Home by eleven.", None).expect("again");
        c.when(
            c.broke,
            Command::Withdraw {
                agreement: a,
                proposal: q,
            },
        )
        .expect("withdrawn");
        let agreement = c.agreement(a);
        assert_eq!(agreement.status(), AgreementStatus::Active);
        assert_eq!(agreement.versions.len(), 1);
        assert_eq!(agreement.text(), "Home by ten.");
    }

    #[test]
    fn amendments_need_an_active_agreement_new_terms_and_one_at_a_time() {
        let mut c = Couple::new();
        let (pending, _) = c.propose(c.hurt, "Home by ten.", None).expect("proposed");
        assert_eq!(
            c.amend(c.hurt, pending, "Home by nine.", None),
            Err(Refusal::NotNow(NOT_ACTIVE_YET))
        );
        let a = c.given_active("Home by ten.", Some("2027-05-01"));
        assert_eq!(
            c.amend(c.broke, a, "Home by ten.", Some("2027-05-01")),
            Err(Refusal::invalid("text", AMENDMENT_UNCHANGED))
        );
        c.amend(c.broke, a, "Home by eleven.", Some("2027-05-01"))
            .expect("first amendment");
        assert_eq!(
            c.amend(c.hurt, a, "Home by nine.", None),
            Err(Refusal::NotNow(PROPOSAL_WAITING))
        );
        assert_eq!(
            c.propose_retire(c.hurt, a),
            Err(Refusal::NotNow(PROPOSAL_WAITING))
        );
        assert_eq!(
            c.amend(c.hurt, EntryId::random(), "x", None),
            Err(Refusal::NotFound)
        );
    }

    // ---- review ----

    #[test]
    fn review_is_due_from_the_revisit_date_until_both_keep_it_as_is() {
        let mut c = Couple::new();
        let a = c.given_active("Phones away at dinner.", Some("2026-12-01"));
        assert!(!c.agreement(a).due_for_review(c.now_us));
        assert_eq!(c.keep(c.hurt, a, None), Err(Refusal::NotNow(NOT_DUE)));

        c.now_us = START_US + 13 * DAY_US; // 2026-12-01, 10:00 UTC
        assert!(c.agreement(a).due_for_review(c.now_us));
        assert_eq!(
            c.state
                .due_for_review(c.now_us)
                .map(|a| a.id)
                .collect::<Vec<_>>(),
            vec![a]
        );
        assert_eq!(
            c.state.waiting_for(c.hurt, c.now_us),
            vec![Waiting::Review(a)]
        );
        assert_eq!(
            c.state.waiting_for(c.broke, c.now_us),
            vec![Waiting::Review(a)]
        );

        c.keep(c.hurt, a, None).expect("first keep");
        assert_eq!(c.keep(c.hurt, a, None), Err(Refusal::NotNow(ALREADY_KEPT)));
        assert!(
            c.agreement(a).due_for_review(c.now_us),
            "still due: one has reviewed"
        );
        assert_eq!(c.state.waiting_for(c.hurt, c.now_us), vec![]);
        assert_eq!(
            c.state.waiting_for(c.broke, c.now_us),
            vec![Waiting::Review(a)]
        );

        c.now_us += DAY_US;
        c.keep(c.broke, a, Some("2027-06-01"))
            .expect("second keep renews the date");
        let agreement = c.agreement(a);
        assert!(!agreement.due_for_review(c.now_us));
        assert_eq!(agreement.revisit, Some(date("2027-06-01")));
        assert_eq!(
            agreement.versions.len(),
            1,
            "keeping as is makes no new version"
        );
        assert_eq!(agreement.reviews.len(), 1);
        let review = &agreement.reviews[0];
        assert_eq!(
            review.kept.iter().map(|k| k.by).collect::<Vec<_>>(),
            vec![c.hurt, c.broke]
        );
        assert_eq!(review.completed_at_us, Some(c.now_us));
        assert_eq!(review.next_revisit, Some(date("2027-06-01")));
        assert_eq!(agreement.review, Review::default(), "no round in progress");
        assert_eq!(c.state.waiting_for(c.broke, c.now_us), vec![]);

        c.now_us = START_US + 200 * DAY_US; // 2027-06-06
        assert!(
            c.agreement(a).due_for_review(c.now_us),
            "due again at the renewed date"
        );
    }

    #[test]
    fn a_review_completed_without_a_new_date_leaves_no_revisit_date() {
        let mut c = Couple::new();
        let a = c.given_active("Phones away at dinner.", Some("2026-11-18"));
        assert!(
            c.agreement(a).due_for_review(c.now_us),
            "due on the revisit date itself"
        );
        c.keep(c.broke, a, None).expect("first");
        c.keep(c.hurt, a, None).expect("second");
        assert_eq!(c.agreement(a).revisit, None);
        assert!(!c.agreement(a).due_for_review(c.now_us + 1_000 * DAY_US));
    }

    #[test]
    fn the_next_revisit_date_comes_with_the_keep_that_completes_the_review() {
        let mut c = Couple::new();
        let a = c.given_active("Phones away at dinner.", Some("2026-11-18"));
        assert_eq!(
            c.keep(c.hurt, a, Some("2027-06-01")),
            Err(Refusal::invalid("revisit", DATE_WITH_FIRST_KEEP))
        );
        c.keep(c.hurt, a, None).expect("first");
        assert_eq!(
            c.keep(c.broke, a, Some("2026-11-18")),
            Err(Refusal::invalid("revisit", NEXT_REVISIT_TODAY))
        );
        assert_eq!(
            c.keep(c.broke, a, Some("2026-11-17")),
            Err(Refusal::invalid("revisit", REVISIT_PAST))
        );
        assert_eq!(
            c.keep(c.broke, a, Some("2036-11-19")),
            Err(Refusal::invalid("revisit", REVISIT_TOO_FAR))
        );
        assert_eq!(c.agreement(a).review.kept.len(), 1, "nothing is written");
    }

    #[test]
    fn either_partner_can_ask_to_revisit_early() {
        let mut c = Couple::new();
        let a = c.given_active("Phones away at dinner.", Some("2027-06-01"));
        c.when(c.broke, Command::RequestReview { agreement: a })
            .expect("asked early");
        assert!(c.agreement(a).due_for_review(c.now_us));
        assert_eq!(
            c.agreement(a).review.requested,
            Some(ReviewRequest {
                by: c.broke,
                at_us: START_US
            })
        );
        assert_eq!(
            c.when(c.hurt, Command::RequestReview { agreement: a }),
            Err(Refusal::NotNow(ALREADY_DUE))
        );
        c.keep(c.broke, a, None).expect("first");
        c.keep(c.hurt, a, Some("2027-03-01")).expect("second");
        let agreement = c.agreement(a);
        assert!(
            !agreement.due_for_review(c.now_us),
            "the early request is answered"
        );
        assert_eq!(agreement.revisit, Some(date("2027-03-01")));
        assert!(
            agreement.reviews[0].requested.is_some(),
            "the request stays in the history"
        );
    }

    #[test]
    fn an_accepted_amendment_completes_a_due_review() {
        let mut c = Couple::new();
        let a = c.given_active("Home by ten.", Some("2026-11-18"));
        c.keep(c.hurt, a, None)
            .expect("the hurt partner keeps it as is");
        let p = c
            .amend(c.broke, a, "Home by eleven on Fridays.", Some("2027-03-01"))
            .expect("the other proposes an amendment instead");
        assert_eq!(
            c.keep(c.broke, a, None),
            Err(Refusal::NotNow(PROPOSAL_WAITING)),
            "the amendment is this partner's review"
        );
        assert_eq!(
            c.state.waiting_for(c.hurt, c.now_us),
            vec![Waiting::AnswerProposal {
                agreement: a,
                proposal: p
            }],
            "answering the amendment comes before the review"
        );
        assert_eq!(c.state.waiting_for(c.broke, c.now_us), vec![]);
        c.accept(c.hurt, a, p).expect("accepted");
        let agreement = c.agreement(a);
        assert_eq!(agreement.versions.len(), 2);
        assert_eq!(agreement.revisit, Some(date("2027-03-01")));
        assert!(!agreement.due_for_review(c.now_us));
        assert_eq!(agreement.review, Review::default());
    }

    #[test]
    fn a_declined_amendment_leaves_the_review_due() {
        let mut c = Couple::new();
        let a = c.given_active("Home by ten.", Some("2026-11-18"));
        let p = c
            .amend(c.broke, a, "Home by eleven.", None)
            .expect("amendment");
        c.when(
            c.hurt,
            Command::Decline {
                agreement: a,
                proposal: p,
            },
        )
        .expect("declined");
        assert!(c.agreement(a).due_for_review(c.now_us));
        assert_eq!(
            c.state.waiting_for(c.broke, c.now_us),
            vec![Waiting::Review(a)]
        );
        c.keep(c.broke, a, None).expect("kept after all");
        c.keep(c.hurt, a, None).expect("kept");
        assert!(!c.agreement(a).due_for_review(c.now_us));
    }

    #[test]
    fn only_active_agreements_are_reviewed() {
        let mut c = Couple::new();
        let (a, _) = c
            .propose(c.hurt, "Home by ten.", Some("2026-11-18"))
            .expect("proposed");
        assert!(!c.agreement(a).due_for_review(c.now_us), "not agreed yet");
        assert_eq!(
            c.when(c.hurt, Command::RequestReview { agreement: a }),
            Err(Refusal::NotNow(NOT_ACTIVE_YET))
        );
        assert_eq!(
            c.keep(c.hurt, a, None),
            Err(Refusal::NotNow(NOT_ACTIVE_YET))
        );
    }

    // ---- retiring ----

    #[test]
    fn retiring_needs_the_other_partner() {
        let mut c = Couple::new();
        let a = c.given_active("No contact with her.", Some("2027-05-01"));
        let r = c.propose_retire(c.broke, a).expect("proposed");
        assert_eq!(
            c.when(
                c.broke,
                Command::AcceptRetire {
                    agreement: a,
                    proposal: r
                }
            ),
            Err(Refusal::NotYours(RETIRE_OWN))
        );
        assert_eq!(c.agreement(a).status(), AgreementStatus::Active);
        assert_eq!(
            c.state.waiting_for(c.hurt, c.now_us),
            vec![Waiting::AnswerRetire {
                agreement: a,
                proposal: r
            }]
        );
        assert_eq!(
            c.propose_retire(c.hurt, a),
            Err(Refusal::NotNow(RETIRE_WAITING))
        );
        assert_eq!(
            c.amend(c.hurt, a, "No contact.", None),
            Err(Refusal::NotNow(RETIRE_WAITING))
        );
        c.now_us += HOUR_US;
        c.when(
            c.hurt,
            Command::AcceptRetire {
                agreement: a,
                proposal: r,
            },
        )
        .expect("retired");
        let agreement = c.agreement(a);
        assert_eq!(agreement.status(), AgreementStatus::Retired);
        assert_eq!(agreement.retired_at_us, Some(START_US + HOUR_US));
        assert_eq!(agreement.versions.len(), 1, "its history stays");
        assert!(!agreement.due_for_review(START_US + 1_000 * DAY_US));
        assert_eq!(
            c.when(
                c.hurt,
                Command::AcceptRetire {
                    agreement: a,
                    proposal: r
                }
            ),
            Err(Refusal::NotNow(RETIRED))
        );
        assert_eq!(
            c.amend(c.hurt, a, "No contact.", None),
            Err(Refusal::NotNow(RETIRED))
        );
        assert_eq!(
            c.when(c.hurt, Command::RequestReview { agreement: a }),
            Err(Refusal::NotNow(RETIRED))
        );
        assert_eq!(c.propose_retire(c.hurt, a), Err(Refusal::NotNow(RETIRED)));
        assert_eq!(c.state.waiting_for(c.hurt, c.now_us), vec![]);
    }

    #[test]
    fn a_retire_proposal_is_withdrawn_by_its_proposer_or_declined_by_the_other() {
        let mut c = Couple::new();
        let a = c.given_active("No contact with her.", None);
        let r = c.propose_retire(c.hurt, a).expect("proposed");
        assert_eq!(
            c.when(
                c.broke,
                Command::WithdrawRetire {
                    agreement: a,
                    proposal: r
                }
            ),
            Err(Refusal::NotYours(WITHDRAW_NOT_YOURS))
        );
        c.when(
            c.hurt,
            Command::WithdrawRetire {
                agreement: a,
                proposal: r,
            },
        )
        .expect("withdrawn");
        assert_eq!(
            c.when(
                c.broke,
                Command::AcceptRetire {
                    agreement: a,
                    proposal: r
                }
            ),
            Err(Refusal::NotNow(WITHDRAWN))
        );
        let s = c.propose_retire(c.hurt, a).expect("again");
        assert_eq!(
            c.when(
                c.hurt,
                Command::DeclineRetire {
                    agreement: a,
                    proposal: s
                }
            ),
            Err(Refusal::NotYours(DECLINE_OWN))
        );
        c.when(
            c.broke,
            Command::DeclineRetire {
                agreement: a,
                proposal: s,
            },
        )
        .expect("declined");
        let agreement = c.agreement(a);
        assert_eq!(agreement.status(), AgreementStatus::Active);
        assert_eq!(agreement.retire_proposals.len(), 2);
        assert_eq!(
            c.when(
                c.broke,
                Command::AcceptRetire {
                    agreement: a,
                    proposal: EntryId::random()
                }
            ),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn a_proposal_not_yet_agreed_cannot_be_retired() {
        let mut c = Couple::new();
        let (a, _) = c.propose(c.hurt, "Home by ten.", None).expect("proposed");
        assert_eq!(
            c.propose_retire(c.broke, a),
            Err(Refusal::NotNow(NOT_ACTIVE_YET))
        );
    }

    // ---- bad input ----

    #[test]
    fn bad_agreement_text_is_refused() {
        assert!(AgreementText::parse("").is_err());
        assert!(AgreementText::parse("   \n ").is_err());
        assert!(AgreementText::parse(&"a".repeat(limits::AGREEMENT + 1)).is_err());
        assert!(
            AgreementText::parse(&"é".repeat(limits::AGREEMENT)).is_ok(),
            "characters, not bytes"
        );
        assert!(AgreementText::parse("no\u{0}nul").is_err());
        assert!(AgreementText::parse("a bell\u{7}").is_err());
        assert!(
            AgreementText::parse("Line one\nLine two").is_ok(),
            "an agreement may span lines"
        );
    }

    #[test]
    fn malformed_revisit_dates_are_refused() {
        for raw in [
            "2027-13-01",
            "2027-02-30",
            "01/05/2027",
            "2027-5-1",
            "30000-01-01",
            "tomorrow",
            "2027-05-01T10:00",
        ] {
            assert!(RevisitDate::parse(raw).is_err(), "{raw}");
        }
        assert_eq!(RevisitDate::parse_optional("  "), Ok(None));
        assert_eq!(
            RevisitDate::parse_optional(" 2027-05-01 "),
            Ok(Some(date("2027-05-01")))
        );
    }

    #[test]
    fn revisit_dates_run_from_today_to_ten_years_ahead() {
        let mut c = Couple::new();
        for (raw, expected) in [
            ("2026-11-17", Err(Refusal::invalid("revisit", REVISIT_PAST))),
            ("1999-01-01", Err(Refusal::invalid("revisit", REVISIT_PAST))),
            (
                "2036-11-19",
                Err(Refusal::invalid("revisit", REVISIT_TOO_FAR)),
            ),
            (
                "9999-12-31",
                Err(Refusal::invalid("revisit", REVISIT_TOO_FAR)),
            ),
        ] {
            assert_eq!(
                c.propose(c.hurt, "Home by ten.", Some(raw)).map(|_| ()),
                expected,
                "{raw}"
            );
        }
        assert!(c.state.agreements.is_empty(), "nothing is written");
        c.propose(c.hurt, "Home by ten.", Some("2026-11-18"))
            .expect("today");
        c.propose(c.hurt, "Home by ten.", Some("2036-11-18"))
            .expect("ten years ahead");

        let (a, p) = c.propose(c.hurt, "Home by ten.", None).expect("proposed");
        assert!(invalid(c.counter(
            c.broke,
            a,
            p,
            "Home by ten.",
            Some("2026-11-01")
        )));
        let b = c.given_active("Home by nine.", None);
        assert!(invalid(c.amend(
            c.broke,
            b,
            "Home by nine.",
            Some("2040-01-01")
        )));
    }

    #[test]
    fn ten_years_from_the_29th_of_february_is_the_28th() {
        let leap = jiff::civil::date(2028, 2, 29);
        assert_eq!(years_after(leap, 10).to_string(), "2038-02-28");
        let plain = jiff::civil::date(2026, 11, 18);
        assert_eq!(years_after(plain, 10).to_string(), "2036-11-18");
    }

    #[test]
    fn revisit_dates_follow_the_utc_calendar_day() {
        let mut c = Couple::new();
        c.now_us = START_US + 14 * HOUR_US - 1; // 2026-11-18 23:59:59.999999 UTC
        let a = c.given_active("Home by ten.", Some("2026-11-19"));
        assert!(!c.agreement(a).due_for_review(c.now_us));
        assert!(
            c.agreement(a).due_for_review(c.now_us + 1),
            "due from midnight UTC (each person's own zone comes later)"
        );
        c.now_us += 1;
        assert_eq!(
            c.propose(c.hurt, "x", Some("2026-11-18")).map(|_| ()),
            Err(Refusal::invalid("revisit", REVISIT_PAST)),
            "after midnight UTC the 18th is yesterday"
        );
    }

    #[test]
    fn terms_whose_revisit_date_has_passed_cannot_be_accepted() {
        let mut c = Couple::new();
        let (a, p) = c
            .propose(c.hurt, "Home by ten.", Some("2026-11-20"))
            .expect("proposed");
        c.now_us += 3 * DAY_US;
        assert_eq!(
            c.accept(c.broke, a, p),
            Err(Refusal::NotNow(REVISIT_PASSED))
        );
        let counter = c
            .counter(c.broke, a, p, "Home by ten.", Some("2027-01-01"))
            .expect("countered with a new date");
        c.accept(c.hurt, a, counter).expect("accepted");
    }

    #[test]
    fn unknown_things_are_not_found_and_ids_are_not_reused() {
        let mut c = Couple::new();
        let unknown = EntryId::random();
        assert_eq!(c.accept(c.broke, unknown, unknown), Err(Refusal::NotFound));
        let (a, p) = c.propose(c.hurt, "Home by ten.", None).expect("proposed");
        assert_eq!(c.accept(c.broke, a, unknown), Err(Refusal::NotFound));
        assert_eq!(
            c.when(
                c.hurt,
                Command::Propose {
                    id: a,
                    proposal: EntryId::random(),
                    text: text("again"),
                    revisit: None
                }
            ),
            Err(Refusal::NotNow(ALREADY_RECORDED))
        );
        assert_eq!(
            c.when(
                c.broke,
                Command::Counter {
                    agreement: a,
                    proposal: p,
                    id: p,
                    text: text("Home by nine."),
                    revisit: None
                }
            ),
            Err(Refusal::NotNow(ALREADY_RECORDED))
        );
    }

    #[test]
    fn nothing_is_done_before_the_partner_joins() {
        let c = Couple::new();
        let ctx = Ctx {
            actor: c.broke,
            now_us: c.now_us,
        };
        let commands = [Command::Propose {
            id: EntryId::random(),
            proposal: EntryId::random(),
            text: text("x"),
            revisit: None,
        }];
        for command in commands {
            assert_eq!(
                decide(&c.state, None, command, &ctx),
                Err(Refusal::NotNow(NO_PARTNER))
            );
        }
    }

    // ---- waiting ----

    #[test]
    fn each_partner_sees_what_waits_for_them() {
        let mut c = Couple::new();
        let (a, p) = c.propose(c.hurt, "Home by ten.", None).expect("proposed");
        let due = c.given_active("Phones away at dinner.", Some("2026-11-18"));
        let retiring = c.given_active("No late calls.", None);
        let r = c.propose_retire(c.hurt, retiring).expect("retire proposed");
        assert_eq!(
            c.state.waiting_for(c.broke, c.now_us),
            vec![
                Waiting::AnswerProposal {
                    agreement: a,
                    proposal: p
                },
                Waiting::Review(due),
                Waiting::AnswerRetire {
                    agreement: retiring,
                    proposal: r
                },
            ]
        );
        assert_eq!(
            c.state.waiting_for(c.hurt, c.now_us),
            vec![Waiting::Review(due)],
            "a partner's own proposals wait for the other, not for them"
        );
    }

    // ---- the word diff ----

    #[test]
    fn the_word_diff_keeps_shared_words_and_marks_the_rest() {
        let same = |s: &str| Segment::Same(s.into());
        let added = |s: &str| Segment::Added(s.into());
        let removed = |s: &str| Segment::Removed(s.into());
        assert_eq!(
            word_diff("a b c", "a  b\nc"),
            vec![same("a b c")],
            "spacing is no change"
        );
        assert_eq!(word_diff("", "new words"), vec![added("new words")]);
        assert_eq!(word_diff("old words", ""), vec![removed("old words")]);
        assert_eq!(word_diff("", ""), vec![]);
        assert_eq!(
            word_diff(
                "home by ten on weekdays",
                "home by eleven on weekdays and weekends"
            ),
            vec![
                same("home by"),
                removed("ten"),
                added("eleven"),
                same("on weekdays"),
                added("and weekends"),
            ]
        );
        assert_eq!(
            word_diff("no calls after ten at night", "no calls at night"),
            vec![same("no calls"), removed("after ten"), same("at night")]
        );
        let long_old = "word ".repeat(500);
        let long_new = format!("{long_old} more");
        assert_eq!(
            word_diff(&long_old, &long_new).len(),
            2,
            "the longest texts stay cheap"
        );
    }

    // ---- the record ----

    #[test]
    fn events_survive_their_json_round_trip() {
        let (a, p, q) = (EntryId::random(), EntryId::random(), EntryId::random());
        let answered = ProposalAnswered {
            agreement: a,
            proposal: p,
        };
        let events = [
            Event::AgreementProposed(AgreementProposed {
                agreement: a,
                proposal: p,
                text: "Home by ten.".into(),
                revisit: Some(date("2027-05-01")),
            }),
            Event::AgreementCountered(AgreementCountered {
                agreement: a,
                proposal: p,
                counter: q,
                text: "Home by eleven.".into(),
                revisit: None,
            }),
            Event::AgreementAccepted(answered.clone()),
            Event::AgreementDeclined(answered.clone()),
            Event::AgreementWithdrawn(answered.clone()),
            Event::AmendmentProposed(AmendmentProposed {
                agreement: a,
                proposal: q,
                text: "Home by half past ten.".into(),
                revisit: Some(date("2027-01-31")),
            }),
            Event::ReviewRequested(ReviewRequested { agreement: a }),
            Event::AgreementReviewed(AgreementReviewed {
                agreement: a,
                next_revisit: Some(date("2028-02-29")),
            }),
            Event::RetireProposed(RetireProposed {
                agreement: a,
                proposal: q,
            }),
            Event::Retired(answered.clone()),
            Event::RetireDeclined(answered.clone()),
            Event::RetireWithdrawn(answered),
        ];
        let mut kinds = std::collections::HashSet::new();
        for e in events {
            assert!(kinds.insert(e.kind()), "kinds are distinct");
            assert_eq!(Event::parse(e.kind(), &e.body()), Some(e));
        }
        assert_eq!(kinds.len(), 12);
        assert_eq!(Event::parse("agreement.proposed", "{\"nonsense\":1}"), None);
        assert_eq!(Event::parse("agreement.unknown", "{}"), None);
    }

    #[test]
    fn revisit_dates_are_recorded_in_their_canonical_text_form() {
        let e = Event::AgreementReviewed(AgreementReviewed {
            agreement: EntryId::random(),
            next_revisit: Some(date("2027-05-01")),
        });
        assert!(e.body().contains("\"next_revisit\":\"2027-05-01\""));
        let bad = e.body().replace("2027-05-01", "2027-5-1");
        assert_eq!(Event::parse(e.kind(), &bad), None);
    }
}
