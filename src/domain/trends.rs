//! Trends over weeks: what the dashboard's charts and the printable summary draw.
//!
//! Everything here is read from [`SpaceState`] as it stands at `now_us` and covers one
//! [`Range`] of dates. Weeks run Monday to Sunday. Like the signals, trends rest only on what
//! both partners can already see: a check-in answer counts once it is revealed, so the two
//! partners' charts are the same and a sealed answer changes neither.
//!
//! Cost follows the range, not the history: check-in periods and promise occurrences are
//! walked back from now and the walk stops at the range's first day, and appreciations
//! (appended in time order) are read from the newest back. The one full pass is over the
//! planned moments together, a list that grows by a few a week.

use std::fmt;

use jiff::civil::Date;

use super::PersonId;
use super::calendar::{date_of_day, day_index, parse_date, utc_date};
use super::checkins::{Feeling, Own, Trust};
use super::promises::{Counts, Status};
use super::space::SpaceState;

/// How many weeks the dashboard shows unless asked otherwise: half a year, because trust
/// often slips months after things seemed better.
pub const DASHBOARD_WEEKS: i64 = 26;

/// The longest range a summary covers. Longer ranges squeeze a week into a sliver of a
/// chart and say less, not more.
pub const MAX_RANGE_DAYS: i64 = 3 * 366;

/// A stretch of calendar days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: Date,
    pub to: Date,
}

/// Why a range was not accepted. Messages are shown to the person as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeError {
    Unreadable { field: &'static str },
    Reversed,
    TooLong,
    BeforeSpace { began: Date },
    AfterToday { today: Date },
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable { field } => write!(
                f,
                "The {field} date isn't one we can read. Please use the form YYYY-MM-DD, e.g. 2026-03-01."
            ),
            Self::Reversed => f.write_str(
                "The first date comes after the last one. Please swap them or choose again.",
            ),
            Self::TooLong => write!(
                f,
                "That range is longer than three years. Please choose a shorter one, up to {MAX_RANGE_DAYS} days."
            ),
            Self::BeforeSpace { began } => write!(
                f,
                "Your space began on {began}, so there is nothing to show before then. Please start the range on or after {began}."
            ),
            Self::AfterToday { today } => write!(
                f,
                "That range reaches past today ({today}). Please end it today or earlier."
            ),
        }
    }
}

impl std::error::Error for RangeError {}

impl Range {
    /// The last `weeks` weeks up to and including `today`, from the Monday that begins the
    /// first of them, but never before the day the space began.
    pub fn last_weeks(today: Date, weeks: i64, began: Date) -> Self {
        let monday = monday_of(day_index(today)) - 7 * (weeks.max(1) - 1);
        let from = date_of_day(monday).unwrap_or(today).max(began).min(today);
        Self { from, to: today }
    }

    /// A range as typed into the summary's form. An empty field means "from the start of the
    /// default range" or "up to today".
    pub fn parse(
        from: &str,
        to: &str,
        default: Self,
        began: Date,
        today: Date,
    ) -> Result<Self, RangeError> {
        let read = |raw: &str, field, fallback| match raw.trim() {
            "" => Ok(fallback),
            raw => parse_date(raw).ok_or(RangeError::Unreadable { field }),
        };
        let range = Self {
            from: read(from, "first", default.from)?,
            to: read(to, "last", default.to)?,
        };
        if range.from > range.to {
            return Err(RangeError::Reversed);
        }
        if range.from < began {
            return Err(RangeError::BeforeSpace { began });
        }
        if range.to > today {
            return Err(RangeError::AfterToday { today });
        }
        if range.days() > MAX_RANGE_DAYS {
            return Err(RangeError::TooLong);
        }
        Ok(range)
    }

    /// How many days the range covers.
    pub fn days(&self) -> i64 {
        day_index(self.to) - day_index(self.from) + 1
    }

    /// The first instant of `from` and the first after `to`, in UTC.
    fn utc_instants(&self) -> (i64, i64) {
        const DAY_US: i64 = 86_400_000_000;
        (
            day_index(self.from) * DAY_US,
            (day_index(self.to) + 1) * DAY_US,
        )
    }

    fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    /// The Mondays of the weeks the range touches, in order.
    pub fn weeks(&self) -> Vec<Date> {
        let (first, last) = (
            monday_of(day_index(self.from)),
            monday_of(day_index(self.to)),
        );
        (0..=(last - first) / 7)
            .filter_map(|w| date_of_day(first + 7 * w))
            .collect()
    }

    /// Which of [`Range::weeks`] holds `d`, if the range holds it.
    fn week_of(&self, d: Date) -> Option<usize> {
        if !self.contains(d) {
            return None;
        }
        usize::try_from((monday_of(day_index(d)) - monday_of(day_index(self.from))) / 7).ok()
    }
}

/// The Monday on or before a day (1970-01-01 was a Thursday).
fn monday_of(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

// ---- the trends --------------------------------------------------------------------------

/// One partner's revealed check-ins: the period each answers, and their trust then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustLine {
    pub person: PersonId,
    /// Oldest first.
    pub points: Vec<(Date, Trust)>,
}

/// One partner's feelings by week: for each week, the strongest intensity (1 to 5) they
/// named each feeling with, in the order of [`Feeling::ALL`]; `None` if not named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeelingGrid {
    pub person: PersonId,
    pub weeks: Vec<[Option<u8>; Feeling::ALL.len()]>,
}

impl FeelingGrid {
    /// The feelings named at least once in the range, in the order of [`Feeling::ALL`].
    pub fn named(&self) -> Vec<(usize, Feeling)> {
        Feeling::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| self.weeks.iter().any(|w| w[*i].is_some()))
            .map(|(i, f)| (i, *f))
            .collect()
    }
}

/// What a week held of moments together and appreciations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TogetherWeek {
    /// Planned moments together that happened (were logged) that week.
    pub time_together: usize,
    pub appreciations: usize,
}

/// Everything the charts draw for one range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trends {
    pub range: Range,
    /// The Mondays of the range's weeks; the per-week series below follow them.
    pub weeks: Vec<Date>,
    /// One per partner, in the order they joined.
    pub trust: Vec<TrustLine>,
    pub feelings: Vec<FeelingGrid>,
    /// Promise occurrences due each week (by their own date), by where they stand.
    pub promises: Vec<Counts>,
    /// Occurrences in the range, per promiser, in the order the partners joined.
    pub promises_by: Vec<(PersonId, Counts)>,
    pub together: Vec<TogetherWeek>,
}

impl Trends {
    /// The trends of a space over `range`, as both partners may see them at `now_us`.
    pub fn of(state: &SpaceState, range: Range, now_us: i64) -> Self {
        let weeks = range.weeks();
        let partners: Vec<PersonId> = state.partners.iter().map(|p| p.person).collect();
        let mut trust: Vec<TrustLine> = partners
            .iter()
            .map(|&person| TrustLine {
                person,
                points: Vec::new(),
            })
            .collect();
        let mut feelings: Vec<FeelingGrid> = partners
            .iter()
            .map(|&person| FeelingGrid {
                person,
                weeks: vec![[None; Feeling::ALL.len()]; weeks.len()],
            })
            .collect();

        let check_ins = &state.check_ins;
        // A period counts if any of it falls in the range (the first may have begun before
        // the space did); it is placed on its first day within the range.
        for period in check_ins
            .history(now_us)
            .take_while(|p| p.ends_on > range.from)
        {
            if period.starts_on > range.to || !check_ins.is_revealed(&period, now_us) {
                continue;
            }
            let week = range.week_of(period.starts_on.max(range.from));
            for (line, grid) in trust.iter_mut().zip(feelings.iter_mut()) {
                let Own::Answered(answer) = check_ins.period_view(&period, line.person, now_us).own
                else {
                    continue;
                };
                line.points.push((period.starts_on, answer.check_in.trust));
                let Some(cells) = week.and_then(|w| grid.weeks.get_mut(w)) else {
                    continue;
                };
                for felt in &answer.check_in.feelings {
                    if let Some(i) = Feeling::ALL.iter().position(|f| *f == felt.feeling) {
                        let n = felt.intensity.get();
                        cells[i] = Some(cells[i].map_or(n, |m| m.max(n)));
                    }
                }
            }
        }
        for line in &mut trust {
            line.points.reverse();
        }

        let mut promises = vec![Counts::default(); weeks.len()];
        let mut promises_by: Vec<(PersonId, Counts)> =
            partners.iter().map(|&p| (p, Counts::default())).collect();
        let (from_us, until_us) = range.utc_instants();
        for promise in &state.promises.promises {
            // Promises that ended, or begin, outside the range are passed over without
            // walking their calendars (a day's margin covers any time zone's dates).
            let released_before = promise
                .released_at_us
                .is_some_and(|r| r < from_us - 86_400_000_000);
            if promise.repeat.last() < range.from
                || promise.repeat.first() > range.to
                || released_before
            {
                continue;
            }
            for occurrence in promise
                .past(now_us)
                .take_while(|o| o.on >= range.from)
                .filter(|o| o.on <= range.to)
            {
                if let Some(w) = range.week_of(occurrence.on) {
                    promises[w].add(occurrence.status);
                }
                if let Some((_, counts)) =
                    promises_by.iter_mut().find(|(p, _)| *p == promise.promiser)
                {
                    counts.add(occurrence.status);
                }
            }
        }

        let mut together = vec![TogetherWeek::default(); weeks.len()];
        // Plans are kept in the order they were made, not by when they happen, so every one
        // is looked at; a comparison of instants keeps that cheap.
        for moment in &state.together.time_together {
            if moment.logged.is_none() || moment.when_us < from_us || moment.when_us >= until_us {
                continue;
            }
            if let Some(w) = utc_date(moment.when_us).and_then(|d| range.week_of(d)) {
                together[w].time_together += 1;
            }
        }
        for appreciation in state.together.appreciations.iter().rev() {
            let Some(day) = utc_date(appreciation.at_us) else {
                continue;
            };
            if day < range.from {
                break;
            }
            if let Some(w) = range.week_of(day) {
                together[w].appreciations += 1;
            }
        }

        Self {
            range,
            weeks,
            trust,
            feelings,
            promises,
            promises_by,
            together,
        }
    }

    /// Whether there is anything at all to draw.
    pub fn is_empty(&self) -> bool {
        self.trust.iter().all(|l| l.points.is_empty())
            && self.promises.iter().all(|c| *c == Counts::default())
            && self.together.iter().all(|t| *t == TogetherWeek::default())
    }
}

/// Statuses of occurrences that are settled enough to chart, in the order they stack.
pub const CHARTED: [(Status, &str); 5] = [
    (Status::Kept, "Kept"),
    (Status::Missed, "Missed"),
    (Status::Disputed, "Disputed"),
    (Status::Renegotiated, "Renegotiated"),
    (Status::NotReported, "Not reported"),
];

/// How many occurrences in `counts` stand at `status`.
pub fn count_of(counts: &Counts, status: Status) -> usize {
    match status {
        Status::Kept => counts.kept,
        Status::Missed => counts.missed,
        Status::Disputed => counts.disputed,
        Status::Renegotiated => counts.renegotiated,
        Status::NotReported => counts.not_reported,
        Status::AwaitingReport => counts.awaiting_report,
        Status::Upcoming | Status::InBreak => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EntryId;
    use crate::domain::checkins::Feeling;
    use crate::domain::progress::tests::{
        Couple, DAY, HOUR, START, WEEK, angry, calm, check_in, day,
    };
    use crate::domain::promises::Outcome;
    use crate::domain::together;
    use jiff::Span;
    use jiff::civil::date;

    fn range(from: Date, to: Date) -> Range {
        Range { from, to }
    }

    #[test]
    fn a_range_is_refused_when_reversed_too_long_or_outside_the_space_s_life() {
        let began = date(2023, 1, 10);
        let today = date(2026, 11, 29);
        let default = Range::last_weeks(today, DASHBOARD_WEEKS, began);
        let parse = |f: &str, t: &str| Range::parse(f, t, default, began, today);
        assert_eq!(parse("", ""), Ok(default));
        assert_eq!(
            parse("2026-03-01", "2026-03-31"),
            Ok(range(date(2026, 3, 1), date(2026, 3, 31)))
        );
        assert_eq!(parse("2026-03-31", "2026-03-01"), Err(RangeError::Reversed));
        assert_eq!(
            parse("2023-01-09", "2023-02-01"),
            Err(RangeError::BeforeSpace { began })
        );
        assert_eq!(parse("2023-01-10", "2023-02-01").map(|r| r.from), Ok(began));
        assert_eq!(
            parse("2026-11-01", "2026-11-30"),
            Err(RangeError::AfterToday { today })
        );
        assert_eq!(parse("2026-11-01", "2026-11-29").map(|r| r.to), Ok(today));
        // Three years of 366 days is the most; one more day is too long.
        let from = date(2026, 11, 29)
            .checked_sub(Span::new().days(MAX_RANGE_DAYS - 1))
            .expect("in range");
        assert_eq!(
            parse(&from.to_string(), "").map(|r| r.days()),
            Ok(MAX_RANGE_DAYS)
        );
        let from = from.yesterday().expect("in range");
        assert_eq!(parse(&from.to_string(), ""), Err(RangeError::TooLong));
        for bad in ["2026-02-30", "yesterday", "2026-3-1", "<script>"] {
            assert_eq!(
                parse(bad, ""),
                Err(RangeError::Unreadable { field: "first" }),
                "{bad}"
            );
        }
        assert!(RangeError::TooLong.to_string().contains("three years"));
    }

    #[test]
    fn the_dashboard_range_starts_on_a_monday_but_never_before_the_space() {
        let today = date(2026, 11, 29); // a Sunday
        let r = Range::last_weeks(today, 26, date(2020, 1, 1));
        assert_eq!(r.from.weekday(), jiff::civil::Weekday::Monday);
        assert_eq!(r.weeks().len(), 26);
        let young = Range::last_weeks(today, 26, date(2026, 11, 20));
        assert_eq!(young.from, date(2026, 11, 20));
        assert_eq!(young.weeks().len(), 2);
        assert_eq!(young.week_of(date(2026, 11, 22)), Some(0));
        assert_eq!(young.week_of(date(2026, 11, 23)), Some(1));
        assert_eq!(young.week_of(date(2026, 11, 19)), None);
    }

    #[test]
    fn trust_and_feelings_come_only_from_revealed_check_ins() {
        let mut c = Couple::weekly();
        c.both_answer(0, angry(5), calm());
        c.answer(c.hurt, 1, check_in([4, 5, 6], &[(Feeling::Anxiety, 3)]));
        // Week 1 is still running and only one partner has answered: sealed.
        let r = range(day(0), day(13));
        let t = Trends::of(&c.state, r, c.now_us);
        let hurt = &t.trust[0];
        assert_eq!(hurt.person, c.hurt);
        assert_eq!(hurt.points.len(), 1, "only week 0 is revealed");
        assert_eq!(hurt.points[0].0, day(0));
        let anger = Feeling::ALL.iter().position(|f| *f == Feeling::Anger);
        let anxiety = Feeling::ALL.iter().position(|f| *f == Feeling::Anxiety);
        let (Some(anger), Some(anxiety)) = (anger, anxiety) else {
            panic!("feelings listed");
        };
        assert_eq!(t.feelings[0].weeks[0][anger], Some(5));
        assert_eq!(t.feelings[0].weeks[1][anxiety], None, "sealed");

        // The other partner answers: now both can see week 1.
        c.answer(c.broke, 1, calm());
        let t = Trends::of(&c.state, r, c.now_us);
        assert_eq!(t.trust[0].points.len(), 2);
        assert_eq!(t.feelings[0].weeks[1][anxiety], Some(3));
        assert_eq!(t.trust[1].points.len(), 2);
    }

    #[test]
    fn promise_occurrences_are_counted_in_the_week_they_fell_due() {
        let mut c = Couple::new();
        let promise = c.daily_promise();
        c.report(promise, 0, Outcome::Kept); // Mon 5 Jan
        c.report(promise, 1, Outcome::Missed);
        c.report(promise, 7, Outcome::Kept); // Mon 12 Jan
        c.dispute(promise, 7);
        c.now_us = START + 10 * DAY + 12 * HOUR;
        let t = Trends::of(&c.state, range(day(0), day(10)), c.now_us);
        assert_eq!(t.weeks.len(), 2);
        let week0 = t.promises[0];
        assert_eq!((week0.kept, week0.missed), (1, 1));
        // 7 to 11 January had no report; the grace period is over for most of them.
        assert!(week0.not_reported >= 4, "{week0:?}");
        assert_eq!(t.promises[1].disputed, 1);
        let (who, all) = t.promises_by[1];
        assert_eq!(who, c.broke);
        assert_eq!(all.kept + all.missed + all.disputed, 3);
        assert_eq!(
            t.promises_by[0].1,
            Counts::default(),
            "the hurt partner promised nothing"
        );
    }

    #[test]
    fn appreciations_and_time_together_fall_in_their_week_and_nothing_before_the_range() {
        let mut c = Couple::new();
        c.now_us = START + 2 * DAY;
        c.together(
            c.hurt,
            together::Command::WriteAppreciation {
                id: EntryId::random(),
                text: together::AppreciationText::parse("Thank you for the tea.").expect("valid"),
            },
        );
        c.now_us = START + WEEK + DAY;
        c.together(
            c.broke,
            together::Command::WriteAppreciation {
                id: EntryId::random(),
                text: together::AppreciationText::parse("Thank you for listening.").expect("valid"),
            },
        );
        let t = Trends::of(&c.state, range(day(7), day(13)), c.now_us);
        assert_eq!(t.together.len(), 1);
        assert_eq!(
            t.together[0].appreciations, 1,
            "the first week is outside the range"
        );
        let t = Trends::of(&c.state, range(day(0), day(13)), c.now_us);
        assert_eq!(
            t.together
                .iter()
                .map(|w| w.appreciations)
                .collect::<Vec<_>>(),
            vec![1, 1]
        );
        assert!(!t.is_empty());
    }
}
