//! Closing a repair together, per breach, and the follow-up check-ins of the months after.
//!
//! This module owns the `repair.close_*`, `repair.closed`, `repair.reopened` and
//! `followup.answered` events and their fold. It reads no clock: the present arrives in
//! `ctx.now_us`, and dates are worked out in the zone the command carries.
//!
//! Why the rules are what they are:
//! - The hurt partner sets the pace, so only their word closes a repair. The partner who
//!   broke trust may propose it; the proposal waits for the hurt partner, who closes it,
//!   says "not yet", or lets it wait. A close the hurt partner asks for themselves needs no
//!   proposal first: theirs is the word that counts.
//! - Trust often slips months after a repair ends, so a closed repair keeps a lighter
//!   rhythm: a short follow-up check-in (trust on the three dimensions, nothing more) at
//!   the months the couple chose when closing (1, 3, 6 and 12 suggested). The dates are
//!   fixed in the record when the repair closes, in the couple's time zone.
//! - A follow-up can be answered from its date for [`ANSWER_WITHIN_DAYS`] days, or until the
//!   next one begins, whichever comes first: months of hindsight are not a follow-up.
//! - If the hurt partner's trust falls clearly below where it stood when the repair closed,
//!   they are offered, gently, to reopen it. Reopening is theirs alone to choose, and is
//!   recorded; the follow-ups of that closing then stop. A repair may be closed again later.

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::calendar::{Zone, add_days, date_text};
use super::checkins::{CheckIns, Trust};
use super::ownup::OwnUp;
use super::{Ctx, EntryId, PersonId, Refusal};

/// The months after closing at which a follow-up check-in is suggested, and may be chosen.
pub const FOLLOW_UP_MONTHS: [u8; 4] = [1, 3, 6, 12];

/// How many days a follow-up can be answered from its date (unless the next comes sooner).
pub const ANSWER_WITHIN_DAYS: i64 = 30;

/// How far the hurt partner's trust, summed over the three dimensions (0 to 30), must fall
/// below where it stood at closing before reopening is offered: two points on each, on
/// average. A one-point wobble is ordinary life, not a slip.
pub const DROP: i32 = 6;

pub const ALREADY_CLOSED: &str = "This repair has already been closed.";
pub const NOT_CLOSED: &str = "This repair is not closed, so there is nothing to reopen.";
pub const PROPOSAL_WAITING: &str =
    "A proposal to close this repair is already waiting for an answer.";
pub const NO_PROPOSAL: &str = "There is no proposal to close this repair waiting.";
pub const HURT_DECIDES: &str = "Only the partner who was hurt can answer a proposal to close \
     this repair, or reopen it: they set the pace.";
pub const WITHDRAW_NOT_YOURS: &str = "Only the partner who proposed closing can withdraw it.";
pub const WRONG_MONTHS: &str = "Follow-up check-ins can be at 1, 3, 6 or 12 months.";
pub const NO_FOLLOW_UP: &str = "There is no follow-up check-in to answer right now.";
pub const FOLLOW_UP_ANSWERED: &str = "You have already answered this follow-up check-in.";
pub const NO_PARTNER: &str = "Your partner needs to join the space first.";

// ---- events ------------------------------------------------------------------------------

/// `repair.close_proposed`: the partner who broke trust proposes closing the repair, with
/// the follow-ups they suggest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseProposed {
    pub breach: EntryId,
    pub months: Vec<u8>,
}

/// `repair.closed`: the hurt partner closes the repair; the follow-up dates are fixed here,
/// in the zone whose calendar they follow (the closing partner's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closed {
    pub breach: EntryId,
    pub months: Vec<u8>,
    pub follow_ups: Vec<FollowUpDate>,
    pub zone: Zone,
}

/// One follow-up's date, as the record keeps it (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpDate(#[serde(with = "date_text")] pub Date);

/// `repair.close_declined` (the hurt partner: not yet), `repair.close_withdrawn` (the
/// proposer), `repair.reopened` (the hurt partner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnBreach {
    pub breach: EntryId,
}

/// `followup.answered`: one partner's follow-up check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpAnswered {
    pub breach: EntryId,
    #[serde(with = "date_text")]
    pub due_on: Date,
    pub trust: Trust,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    CloseProposed(CloseProposed),
    Closed(Closed),
    CloseDeclined(OnBreach),
    CloseWithdrawn(OnBreach),
    Reopened(OnBreach),
    FollowUpAnswered(FollowUpAnswered),
}

event_kinds! {
    CloseProposed => "repair.close_proposed",
    Closed => "repair.closed",
    CloseDeclined => "repair.close_declined",
    CloseWithdrawn => "repair.close_withdrawn",
    Reopened => "repair.reopened",
    FollowUpAnswered => "followup.answered",
}

// ---- commands ----------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Close the repair of `breach`, with follow-ups at `months`: the hurt partner's closes
    /// it (confirming a waiting proposal, if there is one); the other partner's proposes it.
    /// `zone` is the couple's, for the follow-up dates.
    Close {
        breach: EntryId,
        months: Vec<u8>,
        zone: Zone,
    },
    /// The hurt partner: not yet.
    Decline { breach: EntryId },
    /// The proposer takes their proposal back.
    Withdraw { breach: EntryId },
    /// The hurt partner reopens a closed repair.
    Reopen { breach: EntryId },
    /// A partner answers the follow-up open today.
    AnswerFollowUp { breach: EntryId, trust: Trust },
}

/// The follow-up months chosen, checked: each one of [`FOLLOW_UP_MONTHS`], in order, once.
/// None at all is a choice too.
pub fn parse_months(chosen: &[u8]) -> Result<Vec<u8>, Refusal> {
    if chosen.iter().any(|m| !FOLLOW_UP_MONTHS.contains(m)) {
        return Err(Refusal::invalid("months", WRONG_MONTHS));
    }
    Ok(FOLLOW_UP_MONTHS
        .into_iter()
        .filter(|m| chosen.contains(m))
        .collect())
}

// ---- state -------------------------------------------------------------------------------

/// A proposal to close, waiting for the hurt partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub by: PersonId,
    pub months: Vec<u8>,
    pub at_us: i64,
}

/// One partner's follow-up answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpAnswer {
    pub by: PersonId,
    pub at_us: i64,
    pub trust: Trust,
}

/// One follow-up check-in of a closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    #[serde(with = "super::calendar::compact::date")]
    pub due_on: Date,
    /// The last day it can be answered.
    #[serde(with = "super::calendar::compact::date")]
    pub last_day: Date,
    pub answers: Vec<FollowUpAnswer>,
}

impl FollowUp {
    pub fn is_open_on(&self, today: Date) -> bool {
        self.due_on <= today && today <= self.last_day
    }

    pub fn answer_of(&self, person: PersonId) -> Option<&FollowUpAnswer> {
        self.answers.iter().find(|a| a.by == person)
    }
}

/// A repair closed together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// The hurt partner, whose word closed it.
    pub by: PersonId,
    /// Who proposed it, if it was proposed first.
    pub proposed_by: Option<PersonId>,
    pub at_us: i64,
    pub months: Vec<u8>,
    pub follow_ups: Vec<FollowUp>,
    /// The zone whose calendar the follow-up dates follow.
    pub zone: Zone,
    /// Who reopened it, and when.
    pub reopened: Option<(PersonId, i64)>,
}

impl Closure {
    /// The follow-up that can be answered at `now_us`, if any.
    pub fn open_follow_up(&self, now_us: i64) -> Option<&FollowUp> {
        let today = self.zone.date_at(now_us)?;
        if self.reopened.is_some() {
            return None;
        }
        self.follow_ups.iter().find(|f| f.is_open_on(today))
    }

    /// The first follow-up still to come after `now_us`.
    pub fn next_follow_up(&self, now_us: i64) -> Option<&FollowUp> {
        let today = self.zone.date_at(now_us)?;
        if self.reopened.is_some() {
            return None;
        }
        self.follow_ups.iter().find(|f| f.due_on > today)
    }
}

/// The closing of one breach's repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachClosing {
    pub breach: EntryId,
    pub proposal: Option<Proposal>,
    /// Every time it was closed, oldest first; only the last may be in force.
    pub closures: Vec<Closure>,
}

impl BreachClosing {
    /// The closing in force: the last one, unless it was reopened.
    pub fn closed(&self) -> Option<&Closure> {
        self.closures.last().filter(|c| c.reopened.is_none())
    }
}

/// Closings of every breach in one space.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub breaches: Vec<BreachClosing>,
}

/// Something a partner is asked to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// The other partner proposed closing: for the hurt partner to answer.
    AnswerProposal { breach: EntryId },
    /// A follow-up check-in open today that the viewer has not answered.
    FollowUp { breach: EntryId, due_on: Date },
}

impl Closing {
    pub fn of(&self, breach: EntryId) -> Option<&BreachClosing> {
        self.breaches.iter().find(|b| b.breach == breach)
    }

    /// The closing in force for `breach`, if its repair is closed.
    pub fn closed(&self, breach: EntryId) -> Option<&Closure> {
        self.of(breach).and_then(BreachClosing::closed)
    }

    pub fn proposal(&self, breach: EntryId) -> Option<&Proposal> {
        self.of(breach).and_then(|b| b.proposal.as_ref())
    }

    /// What waits for `person` at `now_us`.
    pub fn waiting_for(&self, person: PersonId, own_up: &OwnUp, now_us: i64) -> Vec<Waiting> {
        let mut waiting = Vec::new();
        for b in &self.breaches {
            let Some(breach) = own_up.breach(b.breach) else {
                continue;
            };
            if let Some(p) = &b.proposal
                && breach.hurt == person
                && p.by != person
            {
                waiting.push(Waiting::AnswerProposal { breach: b.breach });
            }
            let is_partner = breach.hurt == person || breach.broke_trust == person;
            if let Some(f) = b.closed().and_then(|c| c.open_follow_up(now_us))
                && is_partner
                && f.answer_of(person).is_none()
            {
                waiting.push(Waiting::FollowUp {
                    breach: b.breach,
                    due_on: f.due_on,
                });
            }
        }
        waiting
    }

    /// Whether the hurt partner of `breach` should be offered, gently, to reopen it: the
    /// repair is closed, and their latest trust since (a follow-up or a check-in answer)
    /// sits at least [`DROP`] below where it stood at closing (their last check-in answer
    /// before it, or else their first follow-up answer).
    pub fn reopen_offered(&self, breach: EntryId, hurt: PersonId, check_ins: &CheckIns) -> bool {
        let Some(closure) = self.closed(breach) else {
            return false;
        };
        let mut since: Vec<(i64, Trust)> = closure
            .follow_ups
            .iter()
            .filter_map(|f| f.answer_of(hurt))
            .map(|a| (a.at_us, a.trust))
            .chain(
                check_ins
                    .trust_of(hurt)
                    .filter(|(at, _)| *at >= closure.at_us),
            )
            .collect();
        since.sort_by_key(|(at, _)| *at);
        let before = check_ins
            .trust_of(hurt)
            .filter(|(at, _)| *at < closure.at_us)
            .max_by_key(|(at, _)| *at);
        let (baseline, latest) = match (before, since.first(), since.last()) {
            (Some((_, b)), _, Some((_, l))) => (b, *l),
            (None, Some((first_at, f)), Some((last_at, l))) if first_at < last_at => (*f, *l),
            _ => return false,
        };
        total(&baseline) - total(&latest) >= DROP
    }

    fn entry(&mut self, breach: EntryId) -> &mut BreachClosing {
        let at = match self.breaches.iter().position(|b| b.breach == breach) {
            Some(at) => at,
            None => {
                self.breaches.push(BreachClosing {
                    breach,
                    proposal: None,
                    closures: Vec::new(),
                });
                self.breaches.len() - 1
            }
        };
        &mut self.breaches[at]
    }
}

/// Trust summed over the three dimensions, 0 to 30.
fn total(t: &Trust) -> i32 {
    [t.predictability, t.dependability, t.faith]
        .map(|l| i32::from(l.get()))
        .iter()
        .sum()
}

/// The follow-ups of a closing on `closed_on`, at `months`: each open from its date for
/// [`ANSWER_WITHIN_DAYS`] days, or until the day before the next.
fn follow_ups(dates: &[FollowUpDate]) -> Vec<FollowUp> {
    let mut out: Vec<FollowUp> = Vec::new();
    for (i, d) in dates.iter().enumerate() {
        let window = add_days(d.0, ANSWER_WITHIN_DAYS - 1).unwrap_or(d.0);
        let before_next = dates
            .get(i + 1)
            .and_then(|n| add_days(n.0, -1))
            .unwrap_or(window);
        out.push(FollowUp {
            due_on: d.0,
            last_day: window.min(before_next).max(d.0),
            answers: Vec::new(),
        });
    }
    out
}

/// The dates of the follow-ups `months` after `closed_on`. A month without the day (31
/// January plus one month) falls on its last day.
pub fn follow_up_dates(closed_on: Date, months: &[u8]) -> Vec<FollowUpDate> {
    months
        .iter()
        .filter_map(|&m| closed_on.checked_add(Span::new().months(i64::from(m))).ok())
        .map(FollowUpDate)
        .collect()
}

// ---- decide and apply --------------------------------------------------------------------

/// The events `command` produces, or why not. Only partners reach here (`space::decide`).
pub fn decide(
    state: &Closing,
    own_up: &OwnUp,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    if partner.is_none() {
        return Err(Refusal::NotNow(NO_PARTNER));
    }
    let breach_of = |id: EntryId| own_up.breach(id).ok_or(Refusal::NotFound);
    let me = ctx.actor;
    match command {
        Command::Close {
            breach,
            months,
            zone,
        } => {
            let b = breach_of(breach)?;
            if state.closed(breach).is_some() {
                return Err(Refusal::NotNow(ALREADY_CLOSED));
            }
            let months = parse_months(&months)?;
            if b.hurt != me {
                if state.proposal(breach).is_some() {
                    return Err(Refusal::NotNow(PROPOSAL_WAITING));
                }
                return Ok(vec![Event::CloseProposed(CloseProposed { breach, months })]);
            }
            let today = zone
                .date_at(ctx.now_us)
                .ok_or_else(|| Refusal::invalid_input("The clock is out of range."))?;
            Ok(vec![Event::Closed(Closed {
                breach,
                follow_ups: follow_up_dates(today, &months),
                months,
                zone,
            })])
        }
        Command::Decline { breach } => {
            let b = breach_of(breach)?;
            let p = state.proposal(breach).ok_or(Refusal::NotNow(NO_PROPOSAL))?;
            if b.hurt != me || p.by == me {
                return Err(Refusal::NotYours(HURT_DECIDES));
            }
            Ok(vec![Event::CloseDeclined(OnBreach { breach })])
        }
        Command::Withdraw { breach } => {
            breach_of(breach)?;
            let p = state.proposal(breach).ok_or(Refusal::NotNow(NO_PROPOSAL))?;
            if p.by != me {
                return Err(Refusal::NotYours(WITHDRAW_NOT_YOURS));
            }
            Ok(vec![Event::CloseWithdrawn(OnBreach { breach })])
        }
        Command::Reopen { breach } => {
            let b = breach_of(breach)?;
            if b.hurt != me {
                return Err(Refusal::NotYours(HURT_DECIDES));
            }
            if state.closed(breach).is_none() {
                return Err(Refusal::NotNow(NOT_CLOSED));
            }
            Ok(vec![Event::Reopened(OnBreach { breach })])
        }
        Command::AnswerFollowUp { breach, trust } => {
            breach_of(breach)?;
            let f = state
                .closed(breach)
                .and_then(|c| c.open_follow_up(ctx.now_us))
                .ok_or(Refusal::NotNow(NO_FOLLOW_UP))?;
            if f.answer_of(me).is_some() {
                return Err(Refusal::NotNow(FOLLOW_UP_ANSWERED));
            }
            Ok(vec![Event::FollowUpAnswered(FollowUpAnswered {
                breach,
                due_on: f.due_on,
                trust,
            })])
        }
    }
}

/// Folds one event by `author` at `at_us`. What `decide` could not have produced (an answer
/// to no proposal, a second closing, a follow-up answered twice) changes nothing.
pub fn apply(state: &mut Closing, author: PersonId, at_us: i64, event: Event) {
    match event {
        Event::CloseProposed(e) => {
            let b = state.entry(e.breach);
            if b.closed().is_none() && b.proposal.is_none() {
                b.proposal = Some(Proposal {
                    by: author,
                    months: e.months,
                    at_us,
                });
            }
        }
        Event::Closed(e) => {
            let b = state.entry(e.breach);
            if b.closed().is_none() {
                let proposed_by = b.proposal.take().map(|p| p.by);
                b.closures.push(Closure {
                    by: author,
                    proposed_by,
                    at_us,
                    months: e.months,
                    follow_ups: follow_ups(&e.follow_ups),
                    zone: e.zone,
                    reopened: None,
                });
            }
        }
        Event::CloseDeclined(e) | Event::CloseWithdrawn(e) => {
            state.entry(e.breach).proposal = None;
        }
        Event::Reopened(e) => {
            let b = state.entry(e.breach);
            if let Some(c) = b.closures.last_mut()
                && c.reopened.is_none()
            {
                c.reopened = Some((author, at_us));
            }
        }
        Event::FollowUpAnswered(e) => {
            let b = state.entry(e.breach);
            if let Some(c) = b.closures.last_mut()
                && c.reopened.is_none()
                && let Some(f) = c.follow_ups.iter_mut().find(|f| f.due_on == e.due_on)
                && f.answer_of(author).is_none()
            {
                f.answers.push(FollowUpAnswer {
                    by: author,
                    at_us,
                    trust: e.trust,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::DAY_US;
    use crate::domain::part::Couple;

    /// 2026-06-01 00:00 UTC.
    const START: i64 = 1_780_272_000_000_000;

    fn couple() -> Couple<Closing> {
        Couple::starting_at(START)
    }

    fn utc() -> Zone {
        Zone::utc()
    }

    fn close(c: &Couple<Closing>, months: &[u8]) -> Command {
        Command::Close {
            breach: c.breach,
            months: months.to_vec(),
            zone: utc(),
        }
    }

    fn trust(n: &str) -> Trust {
        Trust::parse(n, n, n).expect("a trust level")
    }

    fn date(s: &str) -> Date {
        crate::domain::calendar::parse_date(s).expect("a date")
    }

    #[test]
    fn the_partner_who_broke_trust_proposes_and_only_the_hurt_partner_closes() {
        let mut c = couple();
        let proposed = c.when(c.broke, close(&c, &[1, 3, 6, 12]));
        assert!(matches!(proposed.as_deref(), Ok([Event::CloseProposed(_)])));
        assert!(
            c.state.closed(c.breach).is_none(),
            "a proposal closes nothing"
        );
        // The proposer cannot close it themselves, nor answer their own proposal.
        assert_eq!(
            c.when(c.broke, close(&c, &[1])),
            Err(Refusal::NotNow(PROPOSAL_WAITING))
        );
        assert_eq!(
            c.when(c.broke, Command::Decline { breach: c.breach }),
            Err(Refusal::NotYours(HURT_DECIDES))
        );
        let waiting = c.state.waiting_for(c.hurt, &c.own_up, c.now_us);
        assert_eq!(waiting, vec![Waiting::AnswerProposal { breach: c.breach }]);
        // when: the hurt partner confirms, choosing the follow-ups.
        let closed = c.when(c.hurt, close(&c, &[3, 1])).expect("closed");
        let [Event::Closed(e)] = closed.as_slice() else {
            panic!("one closing: {closed:?}");
        };
        assert_eq!(e.months, vec![1, 3]);
        assert_eq!(
            e.follow_ups,
            vec![
                FollowUpDate(date("2026-07-01")),
                FollowUpDate(date("2026-09-01"))
            ]
        );
        let closure = c.state.closed(c.breach).expect("in force");
        assert_eq!((closure.by, closure.proposed_by), (c.hurt, Some(c.broke)));
        assert!(c.state.proposal(c.breach).is_none());
    }

    #[test]
    fn the_hurt_partner_may_close_without_a_proposal_and_closing_twice_is_refused() {
        let mut c = couple();
        c.when(c.hurt, close(&c, &FOLLOW_UP_MONTHS))
            .expect("closed");
        for who in [c.hurt, c.broke] {
            assert_eq!(
                c.when(who, close(&c, &[])),
                Err(Refusal::NotNow(ALREADY_CLOSED))
            );
        }
        assert_eq!(c.state.of(c.breach).map(|b| b.closures.len()), Some(1));
    }

    #[test]
    fn not_yet_and_withdrawing_clear_the_proposal_for_their_own_partner_only() {
        let mut c = couple();
        c.when(c.broke, close(&c, &[1])).expect("proposed");
        assert_eq!(
            c.when(c.hurt, Command::Withdraw { breach: c.breach }),
            Err(Refusal::NotYours(WITHDRAW_NOT_YOURS))
        );
        c.when(c.hurt, Command::Decline { breach: c.breach })
            .expect("not yet");
        assert!(c.state.proposal(c.breach).is_none());
        assert_eq!(
            c.when(c.hurt, Command::Decline { breach: c.breach }),
            Err(Refusal::NotNow(NO_PROPOSAL))
        );
        c.when(c.broke, close(&c, &[1])).expect("proposed again");
        c.when(c.broke, Command::Withdraw { breach: c.breach })
            .expect("withdrawn");
        assert!(c.state.proposal(c.breach).is_none());
    }

    #[test]
    fn only_the_hurt_partner_reopens_and_the_follow_ups_stop() {
        let mut c = couple();
        c.when(c.hurt, close(&c, &[1, 3])).expect("closed");
        assert_eq!(
            c.when(c.broke, Command::Reopen { breach: c.breach }),
            Err(Refusal::NotYours(HURT_DECIDES))
        );
        c.now_us += 31 * DAY_US;
        assert_eq!(c.state.waiting_for(c.broke, &c.own_up, c.now_us).len(), 1);
        c.when(c.hurt, Command::Reopen { breach: c.breach })
            .expect("reopened");
        assert!(c.state.closed(c.breach).is_none());
        assert!(c.state.waiting_for(c.broke, &c.own_up, c.now_us).is_empty());
        assert_eq!(
            c.when(c.hurt, Command::Reopen { breach: c.breach }),
            Err(Refusal::NotNow(NOT_CLOSED))
        );
        // It may be closed again, with new follow-ups from the new date.
        let again = c.when(c.hurt, close(&c, &[1])).expect("closed again");
        assert!(
            matches!(&again[..], [Event::Closed(e)] if e.follow_ups == vec![FollowUpDate(date("2026-08-02"))])
        );
    }

    #[test]
    fn a_follow_up_opens_on_its_date_for_a_while_and_is_answered_once() {
        let mut c = couple();
        c.when(c.hurt, close(&c, &[1, 3])).expect("closed");
        let answer = |c: &Couple<Closing>| Command::AnswerFollowUp {
            breach: c.breach,
            trust: trust("7"),
        };
        c.now_us = START + 29 * DAY_US; // 30 June: not yet
        assert_eq!(
            c.when(c.hurt, answer(&c)),
            Err(Refusal::NotNow(NO_FOLLOW_UP))
        );
        c.now_us = START + 30 * DAY_US; // 1 July
        c.when(c.hurt, answer(&c)).expect("answered");
        assert_eq!(
            c.when(c.hurt, answer(&c)),
            Err(Refusal::NotNow(FOLLOW_UP_ANSWERED))
        );
        c.when(c.broke, answer(&c)).expect("each partner answers");
        c.now_us = START + 61 * DAY_US; // 1 August: the first has closed, the next not begun
        assert_eq!(
            c.when(c.broke, answer(&c)),
            Err(Refusal::NotNow(NO_FOLLOW_UP))
        );
    }

    #[test]
    fn wrong_months_are_refused() {
        let mut c = couple();
        assert_eq!(
            c.when(c.hurt, close(&c, &[2])),
            Err(Refusal::invalid("months", WRONG_MONTHS))
        );
        assert!(c.state.closed(c.breach).is_none());
    }

    #[test]
    fn a_drop_in_the_hurt_partners_trust_after_closing_offers_to_reopen() {
        let mut c = couple();
        c.when(c.hurt, close(&c, &[1, 3])).expect("closed");
        let none = CheckIns::default();
        let answer = |c: &mut Couple<Closing>, who, level: &str| {
            let cmd = Command::AnswerFollowUp {
                breach: c.breach,
                trust: trust(level),
            };
            c.when(who, cmd).expect("answered");
        };
        let (hurt, broke) = (c.hurt, c.broke);
        c.now_us = START + 30 * DAY_US;
        answer(&mut c, hurt, "8");
        answer(&mut c, broke, "2");
        assert!(
            !c.state.reopen_offered(c.breach, c.hurt, &none),
            "one answer, no trend; the other partner's answers do not count"
        );
        c.now_us = START + 92 * DAY_US; // 1 September
        answer(&mut c, hurt, "6");
        assert!(
            c.state.reopen_offered(c.breach, c.hurt, &none),
            "two points lower on each"
        );
    }

    #[test]
    fn a_small_wobble_offers_nothing() {
        let mut c = couple();
        c.when(c.hurt, close(&c, &[1, 3])).expect("closed");
        for (days, level) in [(30, "8"), (92, "7")] {
            c.now_us = START + days * DAY_US;
            let cmd = Command::AnswerFollowUp {
                breach: c.breach,
                trust: trust(level),
            };
            c.when(c.hurt, cmd).expect("answered");
        }
        assert!(
            !c.state
                .reopen_offered(c.breach, c.hurt, &CheckIns::default())
        );
    }

    #[test]
    fn follow_ups_of_a_month_end_fall_on_the_last_day_of_short_months() {
        let dates = follow_up_dates(date("2027-01-31"), &[1, 3]);
        assert_eq!(
            dates,
            vec![
                FollowUpDate(date("2027-02-28")),
                FollowUpDate(date("2027-04-30"))
            ]
        );
    }
}
