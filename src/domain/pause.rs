//! Taking a break: either partner pauses the space for a chosen number of days, or until one
//! of them ends it, and either may end it early.
//!
//! This module owns the `space.paused` and `space.resumed` events, the fold of breaks, and
//! [`Breaks`]: the spans of time in which nothing was asked of either partner, which the
//! promises and check-ins parts are handed (by `space::apply`) so that what falls due in a
//! break is never counted as missed. It reads no clock: a break that has run out is over
//! because `now_us` is past its end, with no event needed.
//!
//! Why the rules are what they are:
//! - A break starts when it is recorded, never earlier, so nothing already recorded changes
//!   meaning: an occurrence or a check-in that was due before the pause stays as it was.
//! - No reason is asked or kept. The record says who paused and until when, and that is all
//!   the other partner is told.
//! - One break at a time: pausing while paused would only hide who paused first.
//! - Safety never pauses: the safety signal is not this module's to stop (see
//!   `progress::signals_with`).

use serde::{Deserialize, Serialize};

use super::calendar::DAY_US;
use super::{Ctx, PersonId, Refusal};

/// The shortest and longest break that may be chosen, in days. Longer than six weeks is not
/// a break any more; "until one of us ends it" covers an open-ended one.
pub const MIN_DAYS: u32 = 1;
pub const MAX_DAYS: u32 = 42;

pub const WRONG_LENGTH: &str =
    "A break lasts from 1 to 42 days, or until one of you ends it. Please choose one of those.";
pub const ALREADY_PAUSED: &str =
    "The space is already on a break. It can be ended first, and a new one taken after.";
pub const NOT_PAUSED: &str = "The space is not on a break, so there is nothing to end.";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paused {
    /// When the break ends by itself; `None` until one of the partners ends it.
    pub until_us: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resumed {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Paused(Paused),
    Resumed(Resumed),
}

event_kinds! {
    Paused => "space.paused",
    Resumed => "space.resumed",
}

/// What a partner asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A break of `days` days from now, or (`None`) until one of the partners ends it.
    Pause { days: Option<u32> },
    /// End the break now.
    Resume,
}

/// One break, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Break {
    pub by: PersonId,
    pub from_us: i64,
    /// When it runs out by itself, if it was taken for a number of days.
    pub until_us: Option<i64>,
    /// Who ended it early, and when.
    pub ended: Option<(PersonId, i64)>,
}

impl Break {
    /// The instant it ends (or ended), if it has an end at all.
    pub fn end_us(&self) -> Option<i64> {
        match (self.until_us, self.ended.map(|(_, at)| at)) {
            (Some(until), Some(ended)) => Some(until.min(ended)),
            (until, ended) => until.or(ended),
        }
    }

    /// Whether the space is on this break at `at_us`.
    pub fn covers(&self, at_us: i64) -> bool {
        self.from_us <= at_us && self.end_us().is_none_or(|end| at_us < end)
    }
}

/// Every break taken in a space, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub breaks: Vec<Break>,
}

impl Pause {
    /// The break the space is on at `now_us`, if any. One that has run out is over.
    pub fn paused_at(&self, now_us: i64) -> Option<&Break> {
        self.breaks.last().filter(|b| b.covers(now_us))
    }

    /// The spans of every break, for the parts that must not count what fell in one.
    pub fn spans(&self) -> Breaks {
        Breaks(
            self.breaks
                .iter()
                .map(|b| (b.from_us, b.end_us()))
                .collect(),
        )
    }
}

/// The spans of time a space was (or is) on a break: from, and until (exclusive; `None`
/// while an open-ended one lasts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breaks(Vec<(i64, Option<i64>)>);

impl Breaks {
    /// Whether `at_us` fell in a break.
    pub fn covers(&self, at_us: i64) -> bool {
        self.0
            .iter()
            .any(|&(from, until)| from <= at_us && until.is_none_or(|u| at_us < u))
    }
}

/// The events `command` produces, or why not. Only partners reach here (`space::decide`).
pub fn decide(state: &Pause, command: Command, ctx: &Ctx) -> Result<Vec<Event>, Refusal> {
    let paused = state.paused_at(ctx.now_us);
    match command {
        Command::Pause { .. } if paused.is_some() => Err(Refusal::NotNow(ALREADY_PAUSED)),
        Command::Pause { days: None } => Ok(vec![Event::Paused(Paused { until_us: None })]),
        Command::Pause { days: Some(days) } => {
            if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
                return Err(Refusal::invalid("days", WRONG_LENGTH));
            }
            let until_us = ctx
                .now_us
                .checked_add(i64::from(days) * DAY_US)
                .ok_or_else(|| Refusal::invalid_input("The clock is out of range."))?;
            Ok(vec![Event::Paused(Paused {
                until_us: Some(until_us),
            })])
        }
        Command::Resume if paused.is_none() => Err(Refusal::NotNow(NOT_PAUSED)),
        Command::Resume => Ok(vec![Event::Resumed(Resumed {})]),
    }
}

/// Folds one event by `author` at `at_us`. Only what `decide` could have produced is kept:
/// a pause while paused, a resume with nothing to end, or a break that ends before it
/// begins are folded past.
pub fn apply(state: &mut Pause, author: PersonId, at_us: i64, event: Event) {
    match event {
        Event::Paused(e) => {
            let valid = e.until_us.is_none_or(|u| u > at_us);
            if state.paused_at(at_us).is_none() && valid {
                state.breaks.push(Break {
                    by: author,
                    from_us: at_us,
                    until_us: e.until_us,
                    ended: None,
                });
            }
        }
        Event::Resumed(_) => {
            if state.paused_at(at_us).is_some()
                && let Some(last) = state.breaks.last_mut()
            {
                last.ended = Some((author, at_us));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::part::Couple;

    const START: i64 = 1_780_000_000_000_000;

    fn couple() -> Couple<Pause> {
        Couple::starting_at(START)
    }

    #[test]
    fn a_partner_takes_a_break_for_a_week_and_both_see_who_and_until_when() {
        let mut c = couple();
        let events = c.when(c.broke, Command::Pause { days: Some(7) });
        let until = START + 7 * DAY_US;
        assert_eq!(
            events,
            Ok(vec![Event::Paused(Paused {
                until_us: Some(until)
            })])
        );
        let b = c.state.paused_at(START + DAY_US).expect("on a break");
        assert_eq!((b.by, b.from_us, b.until_us), (c.broke, START, Some(until)));
    }

    #[test]
    fn a_break_runs_out_by_itself() {
        let mut c = couple();
        c.when(c.hurt, Command::Pause { days: Some(3) })
            .expect("paused");
        let end = START + 3 * DAY_US;
        assert!(c.state.paused_at(end - 1).is_some());
        assert_eq!(c.state.paused_at(end), None, "over with no event");
        // then: ending it is refused, and a new one may be taken.
        c.now_us = end + 1;
        assert_eq!(
            c.when(c.hurt, Command::Resume),
            Err(Refusal::NotNow(NOT_PAUSED))
        );
        assert!(c.when(c.broke, Command::Pause { days: None }).is_ok());
    }

    #[test]
    fn either_partner_ends_the_break_early() {
        let mut c = couple();
        c.when(c.hurt, Command::Pause { days: None })
            .expect("paused");
        c.now_us += 2 * DAY_US;
        assert!(c.state.paused_at(c.now_us).is_some(), "until one ends it");
        assert_eq!(
            c.when(c.broke, Command::Resume),
            Ok(vec![Event::Resumed(Resumed {})])
        );
        assert_eq!(c.state.paused_at(c.now_us), None);
        let spans = c.state.spans();
        assert!(spans.covers(START + DAY_US));
        assert!(!spans.covers(c.now_us));
        assert!(!spans.covers(START - 1), "nothing before the pause");
    }

    #[test]
    fn pausing_while_paused_is_refused() {
        let mut c = couple();
        c.when(c.hurt, Command::Pause { days: Some(14) })
            .expect("paused");
        assert_eq!(
            c.when(c.broke, Command::Pause { days: Some(7) }),
            Err(Refusal::NotNow(ALREADY_PAUSED))
        );
        assert_eq!(c.state.breaks.len(), 1);
    }

    #[test]
    fn a_break_of_zero_or_an_absurd_length_is_refused() {
        let mut c = couple();
        for days in [0, 43, 400, u32::MAX] {
            assert_eq!(
                c.when(c.hurt, Command::Pause { days: Some(days) }),
                Err(Refusal::invalid("days", WRONG_LENGTH)),
                "{days} days"
            );
        }
        assert!(c.state.breaks.is_empty());
    }

    #[test]
    fn resuming_when_not_paused_is_refused() {
        let mut c = couple();
        assert_eq!(
            c.when(c.hurt, Command::Resume),
            Err(Refusal::NotNow(NOT_PAUSED))
        );
    }

    #[test]
    fn the_fold_keeps_only_what_decide_could_have_produced() {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let mut p = Pause::default();
        apply(&mut p, sam, 10, Event::Resumed(Resumed {}));
        apply(&mut p, sam, 10, Event::Paused(Paused { until_us: Some(5) }));
        assert!(p.breaks.is_empty());
        apply(&mut p, sam, 10, Event::Paused(Paused { until_us: None }));
        apply(
            &mut p,
            alex,
            11,
            Event::Paused(Paused { until_us: Some(99) }),
        );
        assert_eq!(p.breaks.len(), 1);
        assert_eq!(p.breaks[0].by, sam);
    }
}
