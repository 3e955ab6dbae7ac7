//! Promises: a partner gives their word — once, daily, or on chosen weekdays — and each time
//! it falls due they say whether they kept it; the other partner confirms or disputes that.
//!
//! This module owns promises, their occurrence calendar, reports and their review,
//! renegotiation, release, and the reliability view. It reads no clock and does no I/O: the
//! present arrives as `now_us` (microseconds since the Unix epoch, UTC), and every date is
//! worked out in the time zone the promiser lived by when they made the promise.
//!
//! Why the rules are what they are:
//! - An occurrence is named by the local date it falls on and is due at the promised local
//!   time on that date. A schedule is a set of dates with one time of day, so there is at
//!   most one occurrence per date by construction: no recurrence can flood the record, and
//!   stepping through calendar days (never adding hours) is what keeps a daylight-saving
//!   change from creating or losing one. A date names an occurrence in the record, so a
//!   later update of the time zone rules can move a due time but never rename an occurrence.
//! - A local time the clocks skip (02:30 on a spring-forward night) is due at the next valid
//!   instant in the sense used everywhere in Goldseam ([`Zone::instant_of_local`]) and by
//!   calendars (RFC 5545): read with the offset from before the jump, so 02:30 becomes 03:30
//!   when the clocks jump an hour. A local time the clocks pass twice (fall back) is due at
//!   the first of the two, when the clock first shows it.
//! - Saying so *before* an occurrence is due — new terms from then on, or skipping this one,
//!   with a reason — is communicating promptly, and a skipped occurrence counts as
//!   renegotiated, never missed. Once it is due, the terms of that occurrence are what was
//!   promised: it can only be reported, honestly.
//! - Reports are taken from the due time until [`REPORT_GRACE_US`] after it. Not before,
//!   because a promise is reported on after the fact; not much later, because a report days
//!   afterwards is weaker evidence and counts that still move would unsettle the partner
//!   reading them. After that the occurrence shows as not reported, to both, for good.
//! - The partner, never the promiser, confirms or disputes a report. A dispute is talked
//!   through in a short thread and settled by either; the report then stands as given and
//!   stays visibly "was disputed".
//! - Nothing is edited: new terms are a new version from a date on, and the earlier versions
//!   stay with the occurrences they governed.
//! - Queries never walk an unbounded future. The calendar ends with [`limits::YEAR_MAX`], and
//!   every walk stops at `now_us` plus the next upcoming occurrence.

use std::collections::BTreeMap;
use std::fmt;
use std::iter::successors;

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::calendar::{Zone, date_text, optional_date_text, parse_date};
use super::input::{InputError, Lines, clean_text};
use super::ownup::OwnUp;
use super::pause::Breaks;
use super::{Ctx, EntryId, PersonId, Refusal};

/// Limits for each field. Shown on the pages beside each field.
pub mod limits {
    /// The promise itself, in characters.
    pub const TEXT: usize = 500;
    /// A note with a report, and each message in a dispute's thread, in characters.
    pub const NOTE: usize = 1_000;
    /// Why the terms change or an occurrence is skipped, in characters.
    pub const REASON: usize = 500;
    /// Every date of a promise lies in these years. Promises are about the couple's life
    /// now; the bound also keeps the calendar, which is walked day by day, finite.
    pub const YEAR_MIN: i16 = 2000;
    pub const YEAR_MAX: i16 = 2100;
    /// How many past occurrences a promise's history shows, newest first.
    pub const HISTORY: usize = 60;
}

const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 24 * HOUR_US;

/// How long after its due time an occurrence can still be reported: a day, enough to be
/// honest about last night in the morning, short enough to stay close to what happened.
pub const REPORT_GRACE_US: i64 = 24 * HOUR_US;

/// The last day of the calendar: an open-ended promise runs until then at most.
const HORIZON: Date = Date::constant(limits::YEAR_MAX, 12, 31);

/// A checked piece of text of at most `MAX` characters. The limit is part of the type, so a
/// note can't be passed where a shorter reason belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> Text<MAX> {
    /// `what` names the field in messages ("The promise", "Your note").
    pub fn parse(raw: &str, what: &str) -> Result<Self, InputError> {
        clean_text(raw, what, 1, MAX, Lines::Many).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is promised.
pub type PromiseText = Text<{ limits::TEXT }>;
/// A note with a report, or a message in a dispute's thread.
pub type Note = Text<{ limits::NOTE }>;
/// Why the terms change or an occurrence is skipped.
pub type Reason = Text<{ limits::REASON }>;

// ---- the calendar ------------------------------------------------------------------------

/// A local time of day, to the minute ("21:00", as a time field sends it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(Time);

impl TimeOfDay {
    pub fn new(hour: i8, minute: i8) -> Option<Self> {
        Time::new(hour, minute, 0, 0).ok().map(Self)
    }

    /// `HH:MM`, the only spelling accepted, so one time has one form in the record.
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let refuse = || InputError("Please give a time of day like 21:00.".into());
        let (h, m) = raw.trim().split_once(':').ok_or_else(refuse)?;
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(h) || !two_digits(m) {
            return Err(refuse());
        }
        let (h, m) = (
            h.parse().map_err(|_| refuse())?,
            m.parse().map_err(|_| refuse())?,
        );
        Self::new(h, m).ok_or_else(refuse)
    }

    pub fn hour(self) -> i8 {
        self.0.hour()
    }

    pub fn minute(self) -> i8 {
        self.0.minute()
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(|_| serde::de::Error::custom("not a time of day"))
    }
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

/// A set of weekdays. In the record, a list of names, Monday first.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Weekdays(u8);

impl Weekdays {
    pub fn of(days: impl IntoIterator<Item = Weekday>) -> Self {
        Self(days.into_iter().fold(0, |set, d| set | Self::bit(d)))
    }

    /// Weekday names as a form sends them ("monday" …). An empty choice parses; making a
    /// promise with it is refused with its own message.
    pub fn parse(raw: &[&str]) -> Result<Self, InputError> {
        raw.iter()
            .map(|name| {
                WEEKDAYS
                    .iter()
                    .find(|(n, _)| *n == name.trim())
                    .map(|(_, d)| *d)
                    .ok_or_else(|| InputError("Please choose weekdays from the list.".into()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self::of)
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & Self::bit(day) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The chosen days, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        WEEKDAYS
            .into_iter()
            .map(|(_, d)| d)
            .filter(move |d| self.contains(*d))
    }

    fn names(self) -> impl Iterator<Item = &'static str> {
        WEEKDAYS
            .into_iter()
            .filter(move |(_, d)| self.contains(*d))
            .map(|(n, _)| n)
    }

    fn bit(day: Weekday) -> u8 {
        1 << day.to_monday_zero_offset()
    }
}

impl fmt::Debug for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Serialize for Weekdays {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

impl<'de> Deserialize<'de> for Weekdays {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        Self::parse(&names).map_err(|_| serde::de::Error::custom("not a weekday"))
    }
}

/// The dates a promise falls due on. (The time of day is part of its terms, which can be
/// renegotiated; the dates are not.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Repeat {
    /// One occurrence, on this date.
    Once {
        #[serde(with = "date_text")]
        on: Date,
    },
    /// Every day from `from`, until `until` (inclusive) or open-ended.
    Daily {
        #[serde(with = "date_text")]
        from: Date,
        #[serde(with = "optional_date_text")]
        until: Option<Date>,
    },
    /// The chosen weekdays from `from`, until `until` (inclusive) or open-ended.
    OnWeekdays {
        days: Weekdays,
        #[serde(with = "date_text")]
        from: Date,
        #[serde(with = "optional_date_text")]
        until: Option<Date>,
    },
}

/// [`Repeat`] in a snapshot of a folded state (`domain::snapshot`): the record's form is
/// internally tagged (`"every": "daily"`), which only a self-describing format can read
/// back, so a snapshot keeps it as a plain enum of its own.
mod compact_repeat {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Repeat, Weekdays};
    use crate::domain::calendar::compact::{date, optional_date};

    #[derive(Serialize, Deserialize)]
    enum Compact {
        Once(#[serde(with = "date")] Date),
        Daily(
            #[serde(with = "date")] Date,
            #[serde(with = "optional_date")] Option<Date>,
        ),
        /// The weekdays as their set of bits, Monday the lowest.
        OnWeekdays(
            u8,
            #[serde(with = "date")] Date,
            #[serde(with = "optional_date")] Option<Date>,
        ),
    }

    pub fn serialize<S: Serializer>(repeat: &Repeat, s: S) -> Result<S::Ok, S::Error> {
        match *repeat {
            Repeat::Once { on } => Compact::Once(on),
            Repeat::Daily { from, until } => Compact::Daily(from, until),
            Repeat::OnWeekdays { days, from, until } => Compact::OnWeekdays(days.0, from, until),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Repeat, D::Error> {
        Ok(match Compact::deserialize(d)? {
            Compact::Once(on) => Repeat::Once { on },
            Compact::Daily(from, until) => Repeat::Daily { from, until },
            Compact::OnWeekdays(days, from, until) => Repeat::OnWeekdays {
                days: Weekdays(days & 0b111_1111),
                from,
                until,
            },
        })
    }
}

impl Repeat {
    /// The form as it arrives: `every` is "once", "daily" or "weekdays"; `first` the date of a
    /// one-off or the first day of a recurrence; `until` empty for open-ended; `days` the
    /// chosen weekday names. Only spelling is checked here; [`decide`] checks the dates.
    pub fn parse(every: &str, first: &str, until: &str, days: &[&str]) -> Result<Self, InputError> {
        let date = |raw: &str, what: &str| {
            parse_date(raw.trim())
                .ok_or_else(|| InputError(format!("{what} should be a date like 2026-03-01.")))
        };
        let until = match until.trim() {
            "" => None,
            raw => Some(date(raw, "The end date")?),
        };
        match every {
            "once" => Ok(Self::Once {
                on: date(first, "The date")?,
            }),
            "daily" => Ok(Self::Daily {
                from: date(first, "The first day")?,
                until,
            }),
            "weekdays" => Ok(Self::OnWeekdays {
                days: Weekdays::parse(days)?,
                from: date(first, "The first day")?,
                until,
            }),
            _ => Err(InputError(
                "Please choose whether the promise is for once, every day, or some weekdays."
                    .into(),
            )),
        }
    }

    pub fn is_recurring(self) -> bool {
        !matches!(self, Self::Once { .. })
    }

    /// The first date it can fall on.
    pub fn first(self) -> Date {
        match self {
            Self::Once { on } => on,
            Self::Daily { from, .. } | Self::OnWeekdays { from, .. } => from,
        }
    }

    /// The last date it can fall on: the end date, or the calendar's horizon if open-ended.
    pub fn last(self) -> Date {
        match self {
            Self::Once { on } => on,
            Self::Daily { until, .. } | Self::OnWeekdays { until, .. } => until.unwrap_or(HORIZON),
        }
    }

    pub fn falls_on(self, date: Date) -> bool {
        let in_range = self.first() <= date && date <= self.last();
        match self {
            Self::OnWeekdays { days, .. } => in_range && days.contains(date.weekday()),
            Self::Once { .. } | Self::Daily { .. } => in_range,
        }
    }

    /// The earliest date on or after `date` it falls on.
    fn on_or_after(self, date: Date) -> Option<Date> {
        let date = date.max(self.first());
        match self {
            Self::Once { on } => (date <= on).then_some(on),
            Self::Daily { .. } => (date <= self.last()).then_some(date),
            // Any chosen weekday comes round within a week.
            Self::OnWeekdays { .. } => successors(Some(date), |d| d.tomorrow().ok())
                .take(7)
                .take_while(|d| *d <= self.last())
                .find(|d| self.falls_on(*d)),
        }
    }

    /// The latest date on or before `date` it falls on.
    fn on_or_before(self, date: Date) -> Option<Date> {
        let date = date.min(self.last());
        match self {
            Self::Once { on } => (date >= on).then_some(on),
            Self::Daily { .. } => (date >= self.first()).then_some(date),
            Self::OnWeekdays { .. } => successors(Some(date), |d| d.yesterday().ok())
                .take(7)
                .take_while(|d| *d >= self.first())
                .find(|d| self.falls_on(*d)),
        }
    }

    /// Refuses a schedule that could never be kept as written.
    fn check(self) -> Result<(), Refusal> {
        let years = limits::YEAR_MIN..=limits::YEAR_MAX;
        let until = match self {
            Self::Once { .. } => None,
            Self::Daily { until, .. } | Self::OnWeekdays { until, .. } => until,
        };
        if !years.contains(&self.first().year())
            || until.is_some_and(|u| !years.contains(&u.year()))
        {
            return Err(Refusal::invalid(
                "first",
                format!(
                    "Please choose dates between the years {} and {}.",
                    limits::YEAR_MIN,
                    limits::YEAR_MAX
                ),
            ));
        }
        if until.is_some_and(|u| u < self.first()) {
            return Err(Refusal::invalid(
                "until",
                "The end date is before the first day. Please choose an end date on or after it.",
            ));
        }
        if let Self::OnWeekdays { days, .. } = self {
            if days.is_empty() {
                return Err(Refusal::invalid(
                    "days",
                    "Please choose at least one weekday.",
                ));
            }
            if self.on_or_after(self.first()).is_none() {
                return Err(Refusal::invalid(
                    "days",
                    "None of the chosen weekdays falls between the first day and the end date. Please choose other days or a later end date.",
                ));
            }
        }
        Ok(())
    }
}

/// The rules of `zone`, from the bundled database the calendar reads: the same rules on
/// every instance, whatever tzdata the host has.
fn rules_of(zone: &Zone) -> Option<TimeZone> {
    Some(zone.rules().clone())
}

/// The instant a promise made for `at` on `on` falls due. A time the clocks skip is read with
/// the offset from before the jump (02:30 → 03:30), one they pass twice at its first instant:
/// jiff's "compatible" choice, the one [`Zone::instant_of_local`] makes.
fn due_instant(tz: &TimeZone, on: Date, at: TimeOfDay) -> Option<i64> {
    let ts = tz
        .to_ambiguous_timestamp(on.to_datetime(at.0))
        .compatible()
        .ok()?;
    Some(ts.as_microsecond())
}

fn date_at(tz: &TimeZone, at_us: i64) -> Option<Date> {
    Some(
        tz.to_datetime(Timestamp::from_microsecond(at_us).ok()?)
            .date(),
    )
}

// ---- promises ----------------------------------------------------------------------------

/// What the promiser says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Kept,
    Missed,
}

impl Outcome {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        match raw {
            "kept" => Ok(Self::Kept),
            "missed" => Ok(Self::Missed),
            _ => Err(InputError(
                "Please say whether you kept it or missed it.".into(),
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Kept => "Kept",
            Self::Missed => "Missed",
        }
    }
}

/// The terms of a promise from one occurrence on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// The first occurrence these terms govern.
    #[serde(with = "super::calendar::compact::date")]
    pub from: Date,
    pub text: String,
    pub at: TimeOfDay,
    /// Why the terms changed; `None` for the terms the promise was made with.
    pub reason: Option<String>,
    pub agreed_at_us: i64,
}

/// An occurrence skipped by saying so before it was due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip {
    pub reason: String,
    pub at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub author: PersonId,
    pub text: String,
    pub at_us: i64,
}

/// What the partner made of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Review {
    Unconfirmed,
    Confirmed {
        at_us: i64,
    },
    Disputed {
        at_us: i64,
    },
    /// Talked through: the report stands as given, and it shows that it was disputed.
    Settled {
        disputed_at_us: i64,
        settled_at_us: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub outcome: Outcome,
    pub note: Option<String>,
    pub at_us: i64,
    pub review: Review,
    /// The dispute's thread, oldest first (empty unless disputed).
    pub thread: Vec<Message>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseProposal {
    pub by: PersonId,
    pub at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    pub id: EntryId,
    pub promiser: PersonId,
    /// The other partner, who confirms or disputes the reports.
    pub partner: PersonId,
    pub breach: Option<EntryId>,
    #[serde(with = "compact_repeat")]
    pub repeat: Repeat,
    /// The zone the promiser lived by when making it; every occurrence is due in it.
    pub zone: Zone,
    pub made_at_us: i64,
    /// The terms it was made with.
    pub terms: Terms,
    /// Every later version of the terms, in the order agreed.
    pub renegotiations: Vec<Terms>,
    #[serde(with = "super::calendar::compact::date_map")]
    pub skipped: BTreeMap<Date, Skip>,
    #[serde(with = "super::calendar::compact::date_map")]
    pub reports: BTreeMap<Date, Report>,
    pub release_proposed: Option<ReleaseProposal>,
    pub released_at_us: Option<i64>,
    /// `zone`'s rules, looked up once when folding.
    #[serde(with = "super::calendar::compact::rules")]
    tz: TimeZone,
    /// The space's breaks, handed down by [`Promises::set_breaks`].
    breaks: Breaks,
}

/// Where an occurrence stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not due yet.
    Upcoming,
    /// Due, and waiting for the promiser's report (until the grace period ends).
    AwaitingReport,
    /// Reported kept, and not (or no longer) disputed.
    Kept,
    /// Reported missed, and not (or no longer) disputed.
    Missed,
    /// Reported, and the partner disputes the report.
    Disputed,
    /// Skipped by saying so before it was due.
    Renegotiated,
    /// The grace period ended without a report.
    NotReported,
    /// Fell due while the space was on a break, unreported: nothing was asked of it, so it
    /// is neither kept nor missed and is left out of every count.
    InBreak,
}

/// One occurrence of a promise, named by its local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence<'a> {
    pub on: Date,
    pub due_us: i64,
    pub terms: &'a Terms,
    pub status: Status,
    pub skipped: Option<&'a Skip>,
    pub report: Option<&'a Report>,
}

impl Occurrence<'_> {
    /// Reports are taken until this instant.
    pub fn report_closes_us(&self) -> i64 {
        self.due_us.saturating_add(REPORT_GRACE_US)
    }

    pub fn was_disputed(&self) -> bool {
        self.report
            .is_some_and(|r| matches!(r.review, Review::Disputed { .. } | Review::Settled { .. }))
    }
}

fn status_of(
    due_us: i64,
    skip: Option<&Skip>,
    report: Option<&Report>,
    in_break: bool,
    now_us: i64,
) -> Status {
    match (skip, report) {
        (Some(_), _) => Status::Renegotiated,
        (None, Some(r)) => match (r.review, r.outcome) {
            (Review::Disputed { .. }, _) => Status::Disputed,
            (_, Outcome::Kept) => Status::Kept,
            (_, Outcome::Missed) => Status::Missed,
        },
        (None, None) if in_break => Status::InBreak,
        (None, None) if now_us < due_us => Status::Upcoming,
        (None, None) if now_us < due_us.saturating_add(REPORT_GRACE_US) => Status::AwaitingReport,
        (None, None) => Status::NotReported,
    }
}

impl Promise {
    /// What is promised now: the text of the latest terms.
    pub fn title(&self) -> &str {
        &self.renegotiations.last().unwrap_or(&self.terms).text
    }

    /// The terms that govern the occurrence on `on`: of the versions starting on or before
    /// it, the one agreed last (so new terms from an earlier date replace later plans).
    pub fn terms_on(&self, on: Date) -> &Terms {
        self.renegotiations
            .iter()
            .rev()
            .find(|t| t.from <= on)
            .unwrap_or(&self.terms)
    }

    /// The occurrence on `on`, if the promise falls due that day. Only occurrences due after
    /// the promise was made, and before it was released, exist.
    pub fn occurrence(&self, on: Date, now_us: i64) -> Option<Occurrence<'_>> {
        if !self.repeat.falls_on(on) {
            return None;
        }
        let terms = self.terms_on(on);
        let due_us = due_instant(&self.tz, on, terms.at)?;
        let live = due_us > self.made_at_us && self.released_at_us.is_none_or(|r| due_us < r);
        if !live {
            return None;
        }
        let skipped = self.skipped.get(&on);
        let report = self.reports.get(&on);
        Some(Occurrence {
            on,
            due_us,
            terms,
            // Only once it is due: a break that ends early gives back what lies after it.
            status: status_of(
                due_us,
                skipped,
                report,
                due_us <= now_us && self.breaks.covers(due_us),
                now_us,
            ),
            skipped,
            report,
        })
    }

    /// Every occurrence in date order, up to and including the first that is not yet due at
    /// `now_us`: never the unbounded future of an open-ended promise.
    pub fn calendar(&self, now_us: i64) -> impl Iterator<Item = Occurrence<'_>> + '_ {
        let mut ahead = false;
        self.dates_from(self.repeat.first())
            .filter_map(move |d| self.occurrence(d, now_us))
            .take_while(move |o| {
                let keep = !ahead;
                ahead = ahead || o.due_us > now_us;
                keep
            })
    }

    /// The occurrences due by `now_us`, newest first. Lazy, so `take` bounds the walk.
    pub fn past(&self, now_us: i64) -> impl Iterator<Item = Occurrence<'_>> + '_ {
        // An occurrence is never due before its own date begins, so none after today is.
        let start = date_at(&self.tz, now_us)
            .map(|d| d.min(self.last_date()))
            .and_then(|d| self.repeat.on_or_before(d));
        successors(start, move |d| {
            d.yesterday().ok().and_then(|y| self.repeat.on_or_before(y))
        })
        .filter_map(move |d| self.occurrence(d, now_us))
        .filter(move |o| o.due_us <= now_us)
    }

    /// The most recent `limit` occurrences due by `now_us`, newest first.
    pub fn history(&self, now_us: i64, limit: usize) -> Vec<Occurrence<'_>> {
        self.past(now_us).take(limit).collect()
    }

    /// The first occurrence not yet due at `now_us`; `None` once the promise has ended.
    pub fn next_occurrence(&self, now_us: i64) -> Option<Occurrence<'_>> {
        // From yesterday: a late-evening time the clocks skip (where they jump over midnight)
        // falls due after midnight, on the next date.
        let yesterday = date_at(&self.tz, now_us)?.yesterday().ok()?;
        self.dates_from(yesterday)
            .filter_map(|d| self.occurrence(d, now_us))
            .find(|o| o.due_us > now_us)
    }

    /// The occurrences due from `from_us` (included) until `until_us` (excluded), in date
    /// order, as they stand at `now_us`: what a calendar shows of a stretch of time. The
    /// walk is bounded by the stretch, so an open-ended promise cannot make it long.
    pub fn due_between(
        &self,
        from_us: i64,
        until_us: i64,
        now_us: i64,
    ) -> impl Iterator<Item = Occurrence<'_>> + '_ {
        // From the day before: a time the clocks skip may fall due after midnight.
        let start = date_at(&self.tz, from_us).and_then(|d| d.yesterday().ok());
        let end = date_at(&self.tz, until_us);
        start
            .zip(end)
            .into_iter()
            .flat_map(move |(start, end)| self.dates_from(start).take_while(move |d| *d <= end))
            .filter_map(move |d| self.occurrence(d, now_us))
            .filter(move |o| from_us <= o.due_us && o.due_us < until_us)
    }

    /// Released, or past its last occurrence.
    pub fn has_ended(&self, now_us: i64) -> bool {
        self.released_at_us.is_some() || self.next_occurrence(now_us).is_none()
    }

    fn is_party(&self, person: PersonId) -> bool {
        person == self.promiser || person == self.partner
    }

    /// The dates it falls on from `start`, up to the end date or the release.
    fn dates_from(&self, start: Date) -> impl Iterator<Item = Date> + '_ {
        let last = self.last_date();
        successors(self.repeat.on_or_after(start), move |d| {
            d.tomorrow().ok().and_then(|t| self.repeat.on_or_after(t))
        })
        .take_while(move |d| *d <= last)
    }

    fn last_date(&self) -> Date {
        // An occurrence is never due before its own date begins, so none after the day of the
        // release was due before it.
        let released = self.released_at_us.and_then(|r| date_at(&self.tz, r));
        released.map_or(self.repeat.last(), |r| r.min(self.repeat.last()))
    }

    // The rules below are shared by `decide` and `apply`, so the fold keeps only what a
    // decision could have produced.

    fn check_report(&self, on: Date, who: PersonId, now_us: i64) -> Result<(), Refusal> {
        if who != self.promiser {
            return Err(Refusal::NotYours(ONLY_PROMISER_REPORTS));
        }
        let occurrence = self.occurrence(on, now_us).ok_or(Refusal::NotFound)?;
        match occurrence.status {
            Status::AwaitingReport => Ok(()),
            Status::Upcoming => Err(Refusal::NotNow(NOT_DUE_YET)),
            Status::InBreak => Err(Refusal::NotNow(FELL_IN_BREAK)),
            Status::Renegotiated => Err(Refusal::NotNow(WAS_RENEGOTIATED)),
            Status::NotReported => Err(Refusal::NotNow(REPORT_CLOSED)),
            Status::Kept | Status::Missed | Status::Disputed => {
                Err(Refusal::NotNow(ALREADY_REPORTED))
            }
        }
    }

    /// Confirming or disputing: only the partner, only once.
    fn check_review(&self, on: Date, who: PersonId) -> Result<(), Refusal> {
        if who == self.promiser {
            return Err(Refusal::NotYours(OWN_REPORT));
        }
        if who != self.partner {
            return Err(Refusal::NotYours(NOT_PARTY));
        }
        let report = self
            .reports
            .get(&on)
            .ok_or(Refusal::NotNow(NOT_REPORTED_YET))?;
        if report.review != Review::Unconfirmed {
            return Err(Refusal::NotNow(ALREADY_REVIEWED));
        }
        Ok(())
    }

    /// Adding to a dispute's thread, or settling it: either partner, while it is open.
    fn check_thread(&self, on: Date, who: PersonId) -> Result<(), Refusal> {
        if !self.is_party(who) {
            return Err(Refusal::NotYours(NOT_PARTY));
        }
        match self.reports.get(&on).map(|r| r.review) {
            Some(Review::Disputed { .. }) => Ok(()),
            _ => Err(Refusal::NotNow(NOT_DISPUTED)),
        }
    }

    /// Changing an occurrence's terms or skipping it: only the promiser, only before it is due.
    fn check_change(
        &self,
        on: Date,
        who: PersonId,
        now_us: i64,
    ) -> Result<Occurrence<'_>, Refusal> {
        if who != self.promiser {
            return Err(Refusal::NotYours(ONLY_PROMISER_CHANGES));
        }
        if self.released_at_us.is_some() {
            return Err(Refusal::NotNow(RELEASED));
        }
        let occurrence = self.occurrence(on, now_us).ok_or(Refusal::NotFound)?;
        if now_us >= occurrence.due_us {
            return Err(Refusal::NotNow(ALREADY_DUE));
        }
        Ok(occurrence)
    }

    fn check_renegotiate(
        &self,
        from: Date,
        text: &str,
        at: TimeOfDay,
        who: PersonId,
        now_us: i64,
    ) -> Result<(), Refusal> {
        let occurrence = self.check_change(from, who, now_us)?;
        if occurrence.terms.text == text && occurrence.terms.at == at {
            return Err(Refusal::NotNow(SAME_TERMS));
        }
        // Terms agreed now must leave this occurrence ahead, or "renegotiating" could turn a
        // due promise into one that was never due.
        let new_due = due_instant(&self.tz, from, at).ok_or(Refusal::NotNow(NEW_TIME_PASSED))?;
        if new_due <= now_us {
            return Err(Refusal::NotNow(NEW_TIME_PASSED));
        }
        Ok(())
    }

    fn check_skip(&self, on: Date, who: PersonId, now_us: i64) -> Result<(), Refusal> {
        let occurrence = self.check_change(on, who, now_us)?;
        if occurrence.skipped.is_some() {
            return Err(Refusal::NotNow(ALREADY_SKIPPED));
        }
        Ok(())
    }

    fn check_propose_release(&self, who: PersonId, now_us: i64) -> Result<(), Refusal> {
        if !self.is_party(who) {
            return Err(Refusal::NotYours(NOT_PARTY));
        }
        if self.released_at_us.is_some() {
            return Err(Refusal::NotNow(RELEASED));
        }
        if let Some(proposal) = self.release_proposed {
            return Err(Refusal::NotNow(if proposal.by == who {
                RELEASE_PROPOSED_BY_YOU
            } else {
                RELEASE_PROPOSED_BY_PARTNER
            }));
        }
        if self.next_occurrence(now_us).is_none() {
            return Err(Refusal::NotNow(ENDED));
        }
        Ok(())
    }

    fn check_accept_release(&self, who: PersonId, now_us: i64) -> Result<(), Refusal> {
        if !self.is_party(who) {
            return Err(Refusal::NotYours(NOT_PARTY));
        }
        if self.released_at_us.is_some() {
            return Err(Refusal::NotNow(RELEASED));
        }
        let proposal = self
            .release_proposed
            .ok_or(Refusal::NotNow(NO_RELEASE_PROPOSED))?;
        if proposal.by == who {
            return Err(Refusal::NotYours(OWN_RELEASE));
        }
        if self.next_occurrence(now_us).is_none() {
            return Err(Refusal::NotNow(ENDED));
        }
        Ok(())
    }
}

/// The promise `made` describes, by `promiser` to `partner` at `now_us`, if it may be made.
fn new_promise(
    made: &PromiseMade,
    promiser: PersonId,
    partner: PersonId,
    now_us: i64,
) -> Result<Promise, Refusal> {
    made.repeat.check()?;
    let tz = rules_of(&made.time_zone)
        .ok_or_else(|| Refusal::invalid_input("Please choose your time zone."))?;
    let today =
        date_at(&tz, now_us).ok_or_else(|| Refusal::invalid_input("The clock is out of range."))?;
    if made.repeat.first() < today {
        return Err(Refusal::invalid(
            "first",
            "That day has already passed. A promise looks ahead: please choose today or a later day.",
        ));
    }
    let promise = Promise {
        id: made.promise,
        promiser,
        partner,
        breach: made.breach,
        repeat: made.repeat,
        zone: made.time_zone.clone(),
        made_at_us: now_us,
        terms: Terms {
            from: made.repeat.first(),
            text: made.text.clone(),
            at: made.at,
            reason: None,
            agreed_at_us: now_us,
        },
        renegotiations: Vec::new(),
        skipped: BTreeMap::new(),
        reports: BTreeMap::new(),
        release_proposed: None,
        released_at_us: None,
        tz,
        breaks: Breaks::default(),
    };
    if promise.next_occurrence(now_us).is_none() {
        return Err(Refusal::invalid(
            "at",
            "That time has already passed, so there would be nothing to keep. Please choose a time that is still ahead.",
        ));
    }
    Ok(promise)
}

// ---- reliability -------------------------------------------------------------------------

/// Occurrences by where they stand. Each occurrence is in exactly one count; a disputed one
/// is counted as disputed, not as what its report says, until the two settle it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub kept: usize,
    pub missed: usize,
    pub disputed: usize,
    pub renegotiated: usize,
    pub not_reported: usize,
    /// Due, and still within the time to report.
    pub awaiting_report: usize,
}

impl Counts {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Kept => self.kept += 1,
            Status::Missed => self.missed += 1,
            Status::Disputed => self.disputed += 1,
            Status::Renegotiated => self.renegotiated += 1,
            Status::NotReported => self.not_reported += 1,
            Status::AwaitingReport => self.awaiting_report += 1,
            Status::Upcoming | Status::InBreak => {}
        }
    }
}

/// How one partner has kept their promises: plain counts, no score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reliability {
    /// Occurrences due in the 30 days (of 24 hours) up to now.
    pub last_30_days: Counts,
    pub last_90_days: Counts,
    pub all_time: Counts,
    /// Kept occurrences in a row, counting back from the most recent. Renegotiated ones are
    /// passed over (saying so in time is not a break); so are those still awaiting a report
    /// or disputed, which are not decided yet. A missed or unreported one ends the run.
    pub run_of_kept: usize,
}

// ---- state -------------------------------------------------------------------------------

/// Every promise in one space, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promises {
    pub promises: Vec<Promise>,
    /// Every report that was disputed, in the order the disputes were made, so that recent
    /// disputes are found without reading every report ever made.
    pub disputes: Vec<DisputeMark>,
    /// The space's breaks: what falls due in one is [`Status::InBreak`].
    breaks: Breaks,
}

/// That the report on one occurrence was disputed, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeMark {
    pub promise: EntryId,
    #[serde(with = "super::calendar::compact::date")]
    pub on: Date,
    pub at_us: i64,
}

/// Something a partner is asked to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// An occurrence of your promise that is due: report on it before the grace period ends.
    Report { promise: EntryId, on: Date },
    /// Your partner's report: confirm or dispute it.
    Review { promise: EntryId, on: Date },
    /// A disputed report, open until one of you settles it.
    Dispute { promise: EntryId, on: Date },
    /// Your partner proposes releasing a promise.
    AcceptRelease { promise: EntryId },
}

impl Promises {
    /// The space's breaks changed (one was taken or ended).
    pub fn set_breaks(&mut self, breaks: &Breaks) {
        self.breaks = breaks.clone();
        for p in &mut self.promises {
            p.breaks = breaks.clone();
        }
    }

    pub fn promise(&self, id: EntryId) -> Option<&Promise> {
        self.promises.iter().find(|p| p.id == id)
    }

    /// The promises `person` made, oldest first.
    pub fn made_by(&self, person: PersonId) -> impl Iterator<Item = &Promise> {
        self.promises.iter().filter(move |p| p.promiser == person)
    }

    /// How `person` has kept their promises, by due instant up to `now_us`.
    pub fn reliability(&self, person: PersonId, now_us: i64) -> Reliability {
        let mut due: Vec<(i64, Status)> = self
            .made_by(person)
            .flat_map(|p| p.calendar(now_us))
            .filter(|o| o.due_us <= now_us)
            .map(|o| (o.due_us, o.status))
            .collect();
        due.sort_by_key(|d| std::cmp::Reverse(d.0));
        let since = |days: i64| now_us.saturating_sub(days * DAY_US);
        let mut view = Reliability::default();
        for &(due_us, status) in &due {
            view.all_time.add(status);
            if due_us > since(90) {
                view.last_90_days.add(status);
            }
            if due_us > since(30) {
                view.last_30_days.add(status);
            }
        }
        for &(_, status) in &due {
            match status {
                Status::Kept => view.run_of_kept += 1,
                Status::Renegotiated
                | Status::AwaitingReport
                | Status::Disputed
                | Status::Upcoming
                | Status::InBreak => {}
                Status::Missed | Status::NotReported => break,
            }
        }
        view
    }

    /// What is waiting for `person` at `now_us`: reports to give, reports to confirm or
    /// dispute, open disputes, and releases to accept.
    pub fn waiting_for(&self, person: PersonId, now_us: i64) -> Vec<Waiting> {
        let mut waiting = Vec::new();
        for p in &self.promises {
            if p.promiser == person {
                let mut due: Vec<Waiting> = p
                    .past(now_us)
                    .take_while(|o| o.due_us > now_us.saturating_sub(REPORT_GRACE_US))
                    .filter(|o| o.status == Status::AwaitingReport)
                    .map(|o| Waiting::Report {
                        promise: p.id,
                        on: o.on,
                    })
                    .collect();
                due.reverse();
                waiting.extend(due);
            }
            for (&on, report) in &p.reports {
                match report.review {
                    Review::Unconfirmed if p.partner == person => {
                        waiting.push(Waiting::Review { promise: p.id, on });
                    }
                    Review::Disputed { .. } if p.is_party(person) => {
                        waiting.push(Waiting::Dispute { promise: p.id, on });
                    }
                    _ => {}
                }
            }
            if p.check_accept_release(person, now_us).is_ok() {
                waiting.push(Waiting::AcceptRelease { promise: p.id });
            }
        }
        waiting
    }

    fn promise_mut(&mut self, id: EntryId) -> Option<&mut Promise> {
        self.promises.iter_mut().find(|p| p.id == id)
    }
}

// ---- events ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseMade {
    pub promise: EntryId,
    pub breach: Option<EntryId>,
    pub text: String,
    pub repeat: Repeat,
    pub at: TimeOfDay,
    pub time_zone: Zone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccurrenceReported {
    pub promise: EntryId,
    /// The occurrence, by its local date.
    #[serde(with = "date_text")]
    pub on: Date,
    pub outcome: Outcome,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportConfirmed {
    pub promise: EntryId,
    #[serde(with = "date_text")]
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDisputed {
    pub promise: EntryId,
    #[serde(with = "date_text")]
    pub on: Date,
    /// The first message of the thread, if the partner wrote one.
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeMessageAdded {
    pub promise: EntryId,
    #[serde(with = "date_text")]
    pub on: Date,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeSettled {
    pub promise: EntryId,
    #[serde(with = "date_text")]
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseRenegotiated {
    pub promise: EntryId,
    /// The first occurrence the new terms govern.
    #[serde(with = "date_text")]
    pub from: Date,
    pub text: String,
    pub at: TimeOfDay,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccurrenceSkipped {
    pub promise: EntryId,
    #[serde(with = "date_text")]
    pub on: Date,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseProposed {
    pub promise: EntryId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseReleased {
    pub promise: EntryId,
}

/// The promise events, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Made(PromiseMade),
    Reported(OccurrenceReported),
    Confirmed(ReportConfirmed),
    Disputed(ReportDisputed),
    DisputeMessage(DisputeMessageAdded),
    DisputeSettled(DisputeSettled),
    Renegotiated(PromiseRenegotiated),
    Skipped(OccurrenceSkipped),
    ReleaseProposed(ReleaseProposed),
    Released(PromiseReleased),
}

impl Event {
    /// The promise the event is about.
    pub fn promise(&self) -> EntryId {
        match self {
            Self::Made(e) => e.promise,
            Self::Reported(e) => e.promise,
            Self::Confirmed(e) => e.promise,
            Self::Disputed(e) => e.promise,
            Self::DisputeMessage(e) => e.promise,
            Self::DisputeSettled(e) => e.promise,
            Self::Renegotiated(e) => e.promise,
            Self::Skipped(e) => e.promise,
            Self::ReleaseProposed(e) => e.promise,
            Self::Released(e) => e.promise,
        }
    }
}

// `Event::parse` answers `None` for a body that does not parse, including an unknown time
// zone, date, time of day or weekday: the fold skips those.
event_kinds!(
    Made => "promise.made",
    Reported => "promise.reported",
    Confirmed => "promise.confirmed",
    Disputed => "promise.disputed",
    DisputeMessage => "promise.dispute_message",
    DisputeSettled => "promise.dispute_settled",
    Renegotiated => "promise.renegotiated",
    Skipped => "promise.skipped",
    ReleaseProposed => "promise.release_proposed",
    Released => "promise.released",
);

/// Folds one event, written by `author` at `at_us`; `other` is the other partner. Events that
/// do not fit the state (which `decide` never produces) change nothing: each is checked by
/// the same rule its decision was.
pub fn apply(
    state: &mut Promises,
    author: PersonId,
    other: Option<PersonId>,
    at_us: i64,
    event: Event,
) {
    if let Event::Made(e) = &event {
        let Some(partner) = other else {
            return;
        };
        if state.promise(e.promise).is_none()
            && let Ok(mut promise) = new_promise(e, author, partner, at_us)
        {
            promise.breaks = state.breaks.clone();
            state.promises.push(promise);
        }
        return;
    }
    let Some(p) = state.promise_mut(event.promise()) else {
        return;
    };
    let promise = p.id;
    let mut disputed = None;
    match event {
        Event::Made(_) => {}
        Event::Reported(e) => {
            if p.check_report(e.on, author, at_us).is_ok() {
                p.reports.insert(
                    e.on,
                    Report {
                        outcome: e.outcome,
                        note: e.note,
                        at_us,
                        review: Review::Unconfirmed,
                        thread: Vec::new(),
                    },
                );
            }
        }
        Event::Confirmed(e) => {
            if p.check_review(e.on, author).is_ok()
                && let Some(r) = p.reports.get_mut(&e.on)
            {
                r.review = Review::Confirmed { at_us };
            }
        }
        Event::Disputed(e) => {
            if p.check_review(e.on, author).is_ok()
                && let Some(r) = p.reports.get_mut(&e.on)
            {
                r.review = Review::Disputed { at_us };
                r.thread.extend(e.message.map(|text| Message {
                    author,
                    text,
                    at_us,
                }));
                disputed = Some(e.on);
            }
        }
        Event::DisputeMessage(e) => {
            if p.check_thread(e.on, author).is_ok()
                && let Some(r) = p.reports.get_mut(&e.on)
            {
                r.thread.push(Message {
                    author,
                    text: e.text,
                    at_us,
                });
            }
        }
        Event::DisputeSettled(e) => {
            if p.check_thread(e.on, author).is_ok()
                && let Some(r) = p.reports.get_mut(&e.on)
                && let Review::Disputed {
                    at_us: disputed_at_us,
                } = r.review
            {
                r.review = Review::Settled {
                    disputed_at_us,
                    settled_at_us: at_us,
                };
            }
        }
        Event::Renegotiated(e) => {
            if p.check_renegotiate(e.from, &e.text, e.at, author, at_us)
                .is_ok()
            {
                p.renegotiations.push(Terms {
                    from: e.from,
                    text: e.text,
                    at: e.at,
                    reason: Some(e.reason),
                    agreed_at_us: at_us,
                });
            }
        }
        Event::Skipped(e) => {
            if p.check_skip(e.on, author, at_us).is_ok() {
                p.skipped.insert(
                    e.on,
                    Skip {
                        reason: e.reason,
                        at_us,
                    },
                );
            }
        }
        Event::ReleaseProposed(_) => {
            if p.check_propose_release(author, at_us).is_ok() {
                p.release_proposed = Some(ReleaseProposal { by: author, at_us });
            }
        }
        Event::Released(_) => {
            if p.check_accept_release(author, at_us).is_ok() {
                p.released_at_us = Some(at_us);
            }
        }
    }
    if let Some(on) = disputed {
        state.disputes.push(DisputeMark { promise, on, at_us });
    }
}

// ---- commands ----------------------------------------------------------------------------

/// What a partner asks to do. A new promise carries its id, made by the caller; an occurrence
/// is named by its local date, so a form opened before midnight acts on the one it showed.
#[derive(Debug, Clone)]
pub enum Command {
    Make {
        id: EntryId,
        /// A breach this promise belongs to; it must be one of this space's.
        breach: Option<EntryId>,
        text: PromiseText,
        repeat: Repeat,
        at: TimeOfDay,
        /// The promiser's own zone: every occurrence is due in it.
        zone: Zone,
    },
    Report {
        promise: EntryId,
        on: Date,
        outcome: Outcome,
        note: Option<Note>,
    },
    Confirm {
        promise: EntryId,
        on: Date,
    },
    Dispute {
        promise: EntryId,
        on: Date,
        message: Option<Note>,
    },
    AddDisputeMessage {
        promise: EntryId,
        on: Date,
        text: Note,
    },
    SettleDispute {
        promise: EntryId,
        on: Date,
    },
    /// New terms for the occurrence on `from` and every later one.
    Renegotiate {
        promise: EntryId,
        from: Date,
        text: PromiseText,
        at: TimeOfDay,
        reason: Reason,
    },
    Skip {
        promise: EntryId,
        on: Date,
        reason: Reason,
    },
    ProposeRelease {
        promise: EntryId,
    },
    AcceptRelease {
        promise: EntryId,
    },
}

// Refusals, shown to the person as they are; public so pages and tests can match on them.
pub const NO_PARTNER: &str = "Your partner needs to join the space first.";
pub const ONLY_PROMISER_REPORTS: &str = "Only the partner who made the promise reports on it.";
pub const ONLY_PROMISER_CHANGES: &str = "Only the partner who made the promise can change or skip it. You can talk it through with them, or propose releasing it.";
pub const OWN_REPORT: &str = "Your partner confirms or disputes your reports; a report isn't confirmed by the one who gave it.";
pub const NOT_PARTY: &str = "Only the two partners in this promise can do that.";
pub const OWN_RELEASE: &str =
    "You proposed releasing this promise, so it takes your partner to accept it.";
pub const FELL_IN_BREAK: &str =
    "This one fell due during a break, so nothing is asked of it: it isn't counted either way.";
pub const NOT_DUE_YET: &str =
    "This one isn't due yet. You can report on it once its time has come.";
pub const ALREADY_REPORTED: &str = "You've already reported on this one. Reports stay as they were given, so you can both rely on them.";
pub const REPORT_CLOSED: &str = "The time to report on this one has passed, so it shows as not reported. Reports are taken for a day after the due time, while they are close to what happened.";
pub const WAS_RENEGOTIATED: &str =
    "This one was renegotiated in advance, so there is nothing to report.";
pub const ALREADY_DUE: &str = "This one is already due, so it can't be changed or skipped now. Saying so counts as telling in time only before it is due; you can still report on it honestly.";
pub const NEW_TIME_PASSED: &str =
    "That new time has already passed. Please choose a later time, or skip this one.";
pub const SAME_TERMS: &str = "Those are already the terms of this promise.";
pub const ALREADY_SKIPPED: &str = "This one is already renegotiated.";
pub const NOT_REPORTED_YET: &str = "There is no report on this one yet.";
pub const ALREADY_REVIEWED: &str = "This report has already been confirmed or disputed.";
pub const NOT_DISPUTED: &str = "This report isn't disputed, so there is no open thread.";
pub const RELEASED: &str = "This promise has been released.";
pub const ENDED: &str = "This promise has already come to its end.";
pub const RELEASE_PROPOSED_BY_YOU: &str =
    "You've already proposed releasing this promise. It waits for your partner.";
pub const RELEASE_PROPOSED_BY_PARTNER: &str =
    "Your partner has already proposed releasing this promise. You can accept it.";
pub const NO_RELEASE_PROPOSED: &str = "Nobody has proposed releasing this promise.";

/// The events a command produces. `partner` is the other partner (who must have joined);
/// `own_up` holds the breaches a promise may belong to.
pub fn decide(
    state: &Promises,
    own_up: &OwnUp,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    let me = ctx.actor;
    let now = ctx.now_us;
    let find = |id| state.promise(id).ok_or(Refusal::NotFound);
    let event = match command {
        Command::Make {
            id,
            breach,
            text,
            repeat,
            at,
            zone,
        } => {
            let partner = partner.ok_or(Refusal::NotNow(NO_PARTNER))?;
            // Another space's breach, or none at all, would dangle in the record for good.
            if let Some(breach) = breach
                && own_up.breach(breach).is_none()
            {
                return Err(Refusal::NotFound);
            }
            let made = PromiseMade {
                promise: id,
                breach,
                text: text.0,
                repeat,
                at,
                time_zone: zone,
            };
            new_promise(&made, me, partner, now)?;
            Event::Made(made)
        }
        Command::Report {
            promise,
            on,
            outcome,
            note,
        } => {
            find(promise)?.check_report(on, me, now)?;
            Event::Reported(OccurrenceReported {
                promise,
                on,
                outcome,
                note: note.map(|n| n.0),
            })
        }
        Command::Confirm { promise, on } => {
            find(promise)?.check_review(on, me)?;
            Event::Confirmed(ReportConfirmed { promise, on })
        }
        Command::Dispute {
            promise,
            on,
            message,
        } => {
            find(promise)?.check_review(on, me)?;
            Event::Disputed(ReportDisputed {
                promise,
                on,
                message: message.map(|m| m.0),
            })
        }
        Command::AddDisputeMessage { promise, on, text } => {
            find(promise)?.check_thread(on, me)?;
            Event::DisputeMessage(DisputeMessageAdded {
                promise,
                on,
                text: text.0,
            })
        }
        Command::SettleDispute { promise, on } => {
            find(promise)?.check_thread(on, me)?;
            Event::DisputeSettled(DisputeSettled { promise, on })
        }
        Command::Renegotiate {
            promise,
            from,
            text,
            at,
            reason,
        } => {
            find(promise)?.check_renegotiate(from, text.as_str(), at, me, now)?;
            Event::Renegotiated(PromiseRenegotiated {
                promise,
                from,
                text: text.0,
                at,
                reason: reason.0,
            })
        }
        Command::Skip {
            promise,
            on,
            reason,
        } => {
            find(promise)?.check_skip(on, me, now)?;
            Event::Skipped(OccurrenceSkipped {
                promise,
                on,
                reason: reason.0,
            })
        }
        Command::ProposeRelease { promise } => {
            find(promise)?.check_propose_release(me, now)?;
            Event::ReleaseProposed(ReleaseProposed { promise })
        }
        Command::AcceptRelease { promise } => {
            find(promise)?.check_accept_release(me, now)?;
            Event::Released(PromiseReleased { promise })
        }
    };
    Ok(vec![event])
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).expect("known zone")
    }

    /// A UTC wall-clock instant. Expected due times are written in UTC, so they do not lean
    /// on the conversion under test.
    fn utc(y: i16, m: i8, d: i8, h: i8, mi: i8) -> i64 {
        TimeZone::UTC
            .to_timestamp(date(y, m, d).at(h, mi, 0, 0))
            .expect("in range")
            .as_microsecond()
    }

    /// What a wall clock in `zone_name` shows at an instant.
    fn wall(zone_name: &str, at_us: i64) -> (Date, i8, i8) {
        let tz = rules_of(&zone(zone_name)).expect("rules");
        let dt = tz.to_datetime(Timestamp::from_microsecond(at_us).expect("ts"));
        (dt.date(), dt.hour(), dt.minute())
    }

    fn time(h: i8, m: i8) -> TimeOfDay {
        TimeOfDay::new(h, m).expect("valid time")
    }

    fn text(s: &str) -> PromiseText {
        PromiseText::parse(s, "The promise").expect("valid text")
    }

    fn reason(s: &str) -> Reason {
        Reason::parse(s, "The reason").expect("valid reason")
    }

    fn note(s: &str) -> Note {
        Note::parse(s, "Your note").expect("valid note")
    }

    fn daily(from: Date, until: Option<Date>) -> Repeat {
        Repeat::Daily { from, until }
    }

    type Couple = crate::domain::part::Couple<Promises>;

    impl Couple {
        /// given: a couple in `zone`, where it is `h:mi` on `y-m-d`.
        fn in_zone(zone: &'static str, y: i16, m: i8, d: i8, h: i8, mi: i8) -> Self {
            let mut c = Self::starting_at(0);
            c.zone = zone;
            c.at(y, m, d, h, mi);
            c
        }

        /// The clock moves to a local wall-clock time.
        fn at(&mut self, y: i16, m: i8, d: i8, h: i8, mi: i8) {
            let tz = rules_of(&zone(self.zone)).expect("rules");
            self.now_us = due_instant(&tz, date(y, m, d), time(h, mi)).expect("in range");
        }

        fn try_make(&mut self, repeat: Repeat, at: TimeOfDay) -> Result<EntryId, Refusal> {
            let id = EntryId::random();
            self.when(
                self.broke,
                Command::Make {
                    id,
                    breach: None,
                    text: text("I'll be home by nine, or call before."),
                    repeat,
                    at,
                    zone: zone(self.zone),
                },
            )?;
            Ok(id)
        }

        fn make(&mut self, repeat: Repeat, at: TimeOfDay) -> EntryId {
            self.try_make(repeat, at).expect("promise made")
        }

        fn report(
            &mut self,
            actor: PersonId,
            promise: EntryId,
            on: Date,
            outcome: Outcome,
        ) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::Report {
                    promise,
                    on,
                    outcome,
                    note: None,
                },
            )
        }

        fn review(
            &mut self,
            actor: PersonId,
            promise: EntryId,
            on: Date,
            confirm: bool,
        ) -> Result<Vec<Event>, Refusal> {
            let command = if confirm {
                Command::Confirm { promise, on }
            } else {
                Command::Dispute {
                    promise,
                    on,
                    message: Some(note("I remember it differently.")),
                }
            };
            self.when(actor, command)
        }

        fn skip(
            &mut self,
            actor: PersonId,
            promise: EntryId,
            on: Date,
        ) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::Skip {
                    promise,
                    on,
                    reason: reason("The late shift moved to tonight; I'll call at nine instead."),
                },
            )
        }

        fn promise(&self, id: EntryId) -> &Promise {
            self.state.promise(id).expect("promise")
        }

        fn status(&self, id: EntryId, on: Date) -> Option<Status> {
            self.promise(id)
                .occurrence(on, self.now_us)
                .map(|o| o.status)
        }
    }

    /// Every occurrence due by `now_us` falls on consecutive dates from `first` to `last`,
    /// each at `h:mi` on the promiser's wall clock.
    fn assert_every_day_at(
        p: &Promise,
        zone_name: &str,
        now_us: i64,
        days: (Date, Date),
        h: i8,
        mi: i8,
    ) {
        let due: Vec<Occurrence<'_>> = p.calendar(now_us).filter(|o| o.due_us <= now_us).collect();
        assert_eq!(due.first().map(|o| o.on), Some(days.0));
        assert_eq!(due.last().map(|o| o.on), Some(days.1));
        for pair in due.windows(2) {
            assert_eq!(
                pair[0].on.tomorrow().ok(),
                Some(pair[1].on),
                "no day lost or doubled"
            );
            assert!(pair[0].due_us < pair[1].due_us);
        }
        for o in &due {
            assert_eq!(wall(zone_name, o.due_us), (o.on, h, mi), "{}", o.on);
        }
    }

    #[test]
    fn a_daily_promise_falls_due_at_the_same_local_time_through_both_clock_changes() {
        // Berlin: 29 March 2026 02:00 → 03:00, 25 October 03:00 → 02:00.
        // New York: 8 March 2026 02:00 → 03:00, 1 November 02:00 → 01:00.
        for (zone_name, spring, fall) in [
            ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),
            ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
        ] {
            let mut c = Couple::in_zone(zone_name, 2026, 3, 1, 8, 0);
            let p = c.make(daily(date(2026, 3, 1), None), time(21, 0));
            c.at(2026, 11, 30, 12, 0);
            let promise = c.promise(p);
            assert_every_day_at(
                promise,
                zone_name,
                c.now_us,
                (date(2026, 3, 1), date(2026, 11, 29)),
                21,
                0,
            );
            let due = |d: Date| promise.occurrence(d, c.now_us).expect("occurrence").due_us;
            let hours = |d: Date| (due(d) - due(d.yesterday().expect("day"))) / HOUR_US;
            assert_eq!(
                hours(spring),
                23,
                "{zone_name}: the spring-forward day is short"
            );
            assert_eq!(hours(fall), 25, "{zone_name}: the fall-back day is long");
            assert_eq!(hours(date(2026, 6, 1)), 24);
        }
    }

    #[test]
    fn a_promise_at_0230_on_the_spring_forward_day_is_due_at_0330_and_not_lost() {
        for (zone_name, spring, before, on, after) in [
            // 02:30 CET (+1), the skipped 02:30 read as CET = 03:30 CEST, 02:30 CEST (+2).
            (
                "Europe/Berlin",
                date(2026, 3, 29),
                utc(2026, 3, 28, 1, 30),
                utc(2026, 3, 29, 1, 30),
                utc(2026, 3, 30, 0, 30),
            ),
            // 02:30 EST (-5), the skipped 02:30 read as EST = 03:30 EDT, 02:30 EDT (-4).
            (
                "America/New_York",
                date(2026, 3, 8),
                utc(2026, 3, 7, 7, 30),
                utc(2026, 3, 8, 7, 30),
                utc(2026, 3, 9, 6, 30),
            ),
        ] {
            // given: a daily promise at 02:30 from two days before the change to two after.
            let first = spring.yesterday().and_then(Date::yesterday).expect("day");
            let last = spring.tomorrow().and_then(Date::tomorrow).expect("day");
            let mut c = Couple::in_zone(zone_name, 2026, 3, 1, 12, 0);
            let p = c.make(daily(first, Some(last)), time(2, 30));
            // when: the week is over
            c.now_us = utc(2026, 4, 1, 0, 0);
            // then: five nights, five occurrences; the one on the short night is due at 03:30.
            let promise = c.promise(p);
            let dues: Vec<(Date, i64)> = promise
                .calendar(c.now_us)
                .map(|o| (o.on, o.due_us))
                .collect();
            assert_eq!(dues.len(), 5, "{zone_name}");
            assert_eq!(dues[1], (spring.yesterday().expect("day"), before));
            assert_eq!(dues[2], (spring, on));
            assert_eq!(dues[3], (spring.tomorrow().expect("day"), after));
            assert_eq!(wall(zone_name, on), (spring, 3, 30));
            assert!(promise.next_occurrence(c.now_us).is_none());
        }
    }

    #[test]
    fn a_time_the_clocks_pass_twice_is_due_the_first_time() {
        for (zone_name, fall, at, first_pass) in [
            // 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
            (
                "Europe/Berlin",
                date(2026, 10, 25),
                time(2, 30),
                utc(2026, 10, 25, 0, 30),
            ),
            // 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
            (
                "America/New_York",
                date(2026, 11, 1),
                time(1, 30),
                utc(2026, 11, 1, 5, 30),
            ),
        ] {
            let first = fall.yesterday().expect("day");
            let last = fall.tomorrow().expect("day");
            let mut c = Couple::in_zone(zone_name, 2026, 10, 1, 12, 0);
            let p = c.make(daily(first, Some(last)), at);
            c.now_us = utc(2026, 11, 5, 0, 0);
            let dates: Vec<Date> = c.promise(p).calendar(c.now_us).map(|o| o.on).collect();
            assert_eq!(
                dates,
                vec![first, fall, last],
                "{zone_name}: one occurrence a night"
            );
            let occurrence = c.promise(p).occurrence(fall, c.now_us).expect("occurrence");
            assert_eq!(occurrence.due_us, first_pass, "{zone_name}");
        }
        // Reported at the first pass: due, not early.
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 10, 24, 12, 0);
        let p = c.make(
            Repeat::Once {
                on: date(2026, 10, 25),
            },
            time(2, 30),
        );
        c.now_us = utc(2026, 10, 25, 0, 30);
        c.report(c.broke, p, date(2026, 10, 25), Outcome::Kept)
            .expect("due at the first 02:30");
    }

    #[test]
    fn weekday_promises_fall_only_on_the_chosen_days_up_to_the_end_date() {
        // given: Mondays and Thursdays at 20:00, Monday 2 March to Thursday 19 March 2026.
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let days = Weekdays::of([Weekday::Thursday, Weekday::Monday]);
        let p = c.make(
            Repeat::OnWeekdays {
                days,
                from: date(2026, 3, 2),
                until: Some(date(2026, 3, 19)),
            },
            time(20, 0),
        );
        assert_eq!(
            days.iter().collect::<Vec<_>>(),
            vec![Weekday::Monday, Weekday::Thursday]
        );
        c.at(2026, 3, 10, 12, 0);
        assert_eq!(
            c.promise(p).next_occurrence(c.now_us).map(|o| o.on),
            Some(date(2026, 3, 12))
        );
        assert_eq!(c.status(p, date(2026, 3, 10)), None, "not on a Tuesday");
        // when: the end date has passed
        c.at(2026, 3, 31, 12, 0);
        // then: six occurrences, newest first, and the promise has ended.
        let history: Vec<Date> = c
            .promise(p)
            .history(c.now_us, limits::HISTORY)
            .iter()
            .map(|o| o.on)
            .collect();
        assert_eq!(
            history,
            [19, 16, 12, 9, 5, 2].map(|d| date(2026, 3, d)).to_vec()
        );
        assert_eq!(
            c.promise(p).history(c.now_us, 2).len(),
            2,
            "history is bounded"
        );
        assert!(c.promise(p).next_occurrence(c.now_us).is_none());
        assert!(c.promise(p).has_ended(c.now_us));
        assert_eq!(
            c.status(p, date(2026, 3, 23)),
            None,
            "nothing after the end date"
        );
    }

    #[test]
    fn a_one_off_promise_falls_due_once_and_then_ends() {
        let mut c = Couple::in_zone("America/New_York", 2026, 3, 4, 9, 0);
        let p = c.make(
            Repeat::Once {
                on: date(2026, 3, 5),
            },
            time(18, 0),
        );
        c.at(2026, 3, 5, 17, 59);
        assert_eq!(c.status(p, date(2026, 3, 5)), Some(Status::Upcoming));
        assert_eq!(
            c.promise(p).next_occurrence(c.now_us).map(|o| o.due_us),
            Some(utc(2026, 3, 5, 23, 0))
        );
        c.at(2026, 3, 5, 18, 0);
        assert_eq!(c.status(p, date(2026, 3, 5)), Some(Status::AwaitingReport));
        c.report(c.broke, p, date(2026, 3, 5), Outcome::Kept)
            .expect("reported");
        assert!(c.promise(p).has_ended(c.now_us));
        assert_eq!(
            c.when(c.hurt, Command::ProposeRelease { promise: p }),
            Err(Refusal::NotNow(ENDED))
        );
        assert_eq!(c.promise(p).calendar(c.now_us).count(), 1);
    }

    #[test]
    fn an_open_ended_promise_is_walked_only_up_to_now_and_the_next_one() {
        let mut c = Couple::in_zone("UTC", 2026, 3, 1, 10, 0);
        let p = c.make(daily(date(2026, 3, 1), None), time(21, 0));
        assert_eq!(c.promise(p).repeat.last(), date(limits::YEAR_MAX, 12, 31));
        c.at(2026, 3, 10, 12, 0);
        let calendar: Vec<(Date, Status)> = c
            .promise(p)
            .calendar(c.now_us)
            .map(|o| (o.on, o.status))
            .collect();
        assert_eq!(calendar.len(), 10, "nine due, and the next one");
        assert_eq!(
            calendar.last(),
            Some(&(date(2026, 3, 10), Status::Upcoming))
        );
        let recent: Vec<Date> = c
            .promise(p)
            .history(c.now_us, 3)
            .iter()
            .map(|o| o.on)
            .collect();
        assert_eq!(recent, [9, 8, 7].map(|d| date(2026, 3, d)).to_vec());
        assert!(!c.promise(p).has_ended(c.now_us));
    }

    #[test]
    fn an_occurrence_made_too_late_for_today_begins_tomorrow() {
        // given: at 22:00 a daily promise for 21:00 from today
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 22, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        // then: today's time has passed before the promise existed, so there is none today.
        assert_eq!(c.status(p, date(2026, 3, 2)), None);
        assert_eq!(
            c.promise(p).next_occurrence(c.now_us).map(|o| o.on),
            Some(date(2026, 3, 3))
        );
    }

    #[test]
    fn schedules_that_cannot_be_kept_are_refused_calmly() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 12, 0);
        let invalid = |r: Result<EntryId, Refusal>, contains: &str| match r {
            Err(Refusal::Invalid { message, .. }) => {
                assert!(message.contains(contains), "{message}")
            }
            other => panic!("expected a refusal containing {contains:?}, got {other:?}"),
        };
        let weekdays = |days: &[Weekday], from: Date, until: Option<Date>| Repeat::OnWeekdays {
            days: Weekdays::of(days.iter().copied()),
            from,
            until,
        };
        let r = c.try_make(weekdays(&[], date(2026, 3, 2), None), time(21, 0));
        invalid(r, "at least one weekday");
        let r = c.try_make(
            daily(date(2026, 3, 10), Some(date(2026, 3, 9))),
            time(21, 0),
        );
        invalid(r, "end date is before");
        let r = c.try_make(
            weekdays(&[Weekday::Friday], date(2026, 3, 2), Some(date(2026, 3, 3))),
            time(21, 0),
        );
        invalid(r, "None of the chosen weekdays");
        let r = c.try_make(daily(date(2026, 3, 2), Some(date(2101, 1, 1))), time(21, 0));
        invalid(r, "between the years 2000 and 2100");
        let r = c.try_make(
            Repeat::Once {
                on: date(2101, 1, 1),
            },
            time(21, 0),
        );
        invalid(r, "between the years");
        let r = c.try_make(daily(date(2026, 3, 1), None), time(21, 0));
        invalid(r, "already passed");
        let r = c.try_make(
            Repeat::Once {
                on: date(2026, 3, 2),
            },
            time(11, 0),
        );
        invalid(r, "still ahead");
        let r = c.try_make(daily(date(2026, 3, 2), Some(date(2026, 3, 2))), time(9, 0));
        invalid(r, "still ahead");
        assert!(c.state.promises.is_empty(), "nothing was written");

        // A year like 30000 never gets as far as a date; neither do made-up spellings.
        assert!(Repeat::parse("once", "30000-01-01", "", &[]).is_err());
        assert!(Repeat::parse("once", "2026-3-5", "", &[]).is_err());
        assert!(Repeat::parse("hourly", "2026-03-05", "", &[]).is_err());
        assert!(Repeat::parse("weekdays", "2026-03-05", "", &["someday"]).is_err());
        assert_eq!(
            Repeat::parse("daily", "2026-03-05", " ", &[]),
            Ok(daily(date(2026, 3, 5), None))
        );
        // At most one occurrence a day, by construction: a weekday named twice is one day.
        assert_eq!(
            Weekdays::parse(&["monday", "monday"]),
            Ok(Weekdays::of([Weekday::Monday]))
        );
        for bad in ["24:00", "9:00", "21:00:00", "nine", "21:60", ""] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            TimeOfDay::parse(" 21:05 ").map(|t| t.to_string()),
            Ok("21:05".to_owned())
        );
        assert!(PromiseText::parse("   ", "The promise").is_err());
        assert!(PromiseText::parse(&"x".repeat(501), "The promise").is_err());
        assert!(PromiseText::parse(&"x".repeat(500), "The promise").is_ok());
        assert!(Note::parse(&"x".repeat(1_001), "Your note").is_err());
        assert!(Reason::parse(&"x".repeat(501), "The reason").is_err());
        assert!(Outcome::parse("sort of").is_err());
    }

    #[test]
    fn an_occurrence_is_reported_once_and_only_after_it_is_due() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        let today = date(2026, 3, 2);
        c.at(2026, 3, 2, 20, 59);
        assert_eq!(
            c.report(c.broke, p, today, Outcome::Kept),
            Err(Refusal::NotNow(NOT_DUE_YET))
        );
        c.at(2026, 3, 2, 21, 0);
        assert_eq!(
            c.report(c.hurt, p, today, Outcome::Missed),
            Err(Refusal::NotYours(ONLY_PROMISER_REPORTS))
        );
        c.when(
            c.broke,
            Command::Report {
                promise: p,
                on: today,
                outcome: Outcome::Kept,
                note: Some(note("Home at 20:40.")),
            },
        )
        .expect("reported");
        assert_eq!(
            c.report(c.broke, p, today, Outcome::Missed),
            Err(Refusal::NotNow(ALREADY_REPORTED))
        );
        let report = c.promise(p).reports.get(&today).expect("report");
        assert_eq!(
            (report.outcome, report.note.as_deref()),
            (Outcome::Kept, Some("Home at 20:40."))
        );
        assert_eq!(
            c.report(c.broke, p, date(2026, 3, 1), Outcome::Kept),
            Err(Refusal::NotFound),
            "not one of its days"
        );
        assert_eq!(
            c.report(c.broke, EntryId::random(), today, Outcome::Kept),
            Err(Refusal::NotFound)
        );
    }

    #[test]
    fn an_occurrence_not_reported_within_the_grace_period_shows_as_not_reported_to_both() {
        assert_eq!(REPORT_GRACE_US, 24 * HOUR_US);
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        let today = date(2026, 3, 2);
        let due = c
            .promise(p)
            .occurrence(today, c.now_us)
            .expect("occurrence")
            .due_us;
        c.now_us = due + REPORT_GRACE_US - 1;
        assert_eq!(c.status(p, today), Some(Status::AwaitingReport));
        assert!(
            c.state
                .waiting_for(c.broke, c.now_us)
                .contains(&Waiting::Report {
                    promise: p,
                    on: today
                })
        );
        c.now_us = due + REPORT_GRACE_US;
        assert_eq!(c.status(p, today), Some(Status::NotReported));
        assert_eq!(
            c.report(c.broke, p, today, Outcome::Kept),
            Err(Refusal::NotNow(REPORT_CLOSED))
        );
        assert!(
            !c.state
                .waiting_for(c.broke, c.now_us)
                .contains(&Waiting::Report {
                    promise: p,
                    on: today
                })
        );
        // Both partners read the same status and the same counts: nothing depends on the viewer.
        assert_eq!(
            c.state.reliability(c.broke, c.now_us).all_time.not_reported,
            1
        );
        assert_eq!(c.state.waiting_for(c.hurt, c.now_us), vec![]);
    }

    #[test]
    fn only_the_other_partner_confirms_or_disputes_and_only_once() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        let today = date(2026, 3, 2);
        c.at(2026, 3, 2, 21, 30);
        assert_eq!(
            c.review(c.hurt, p, today, true),
            Err(Refusal::NotNow(NOT_REPORTED_YET))
        );
        c.report(c.broke, p, today, Outcome::Kept)
            .expect("reported");
        for confirm in [true, false] {
            assert_eq!(
                c.review(c.broke, p, today, confirm),
                Err(Refusal::NotYours(OWN_REPORT))
            );
            assert_eq!(
                c.review(PersonId::random(), p, today, confirm),
                Err(Refusal::NotYours(NOT_PARTY))
            );
        }
        c.review(c.hurt, p, today, true).expect("confirmed");
        assert!(matches!(
            c.promise(p).reports.get(&today).map(|r| r.review),
            Some(Review::Confirmed { .. })
        ));
        for confirm in [true, false] {
            assert_eq!(
                c.review(c.hurt, p, today, confirm),
                Err(Refusal::NotNow(ALREADY_REVIEWED))
            );
        }
    }

    #[test]
    fn a_dispute_is_talked_through_settled_by_either_and_stays_visible() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        let (monday, tuesday) = (date(2026, 3, 2), date(2026, 3, 3));
        c.at(2026, 3, 2, 21, 5);
        c.report(c.broke, p, monday, Outcome::Kept)
            .expect("reported");
        c.at(2026, 3, 3, 21, 5);
        c.report(c.broke, p, tuesday, Outcome::Missed)
            .expect("reported");
        c.review(c.hurt, p, monday, false).expect("disputed");
        assert_eq!(c.status(p, monday), Some(Status::Disputed));
        let say = |on, words: &str| Command::AddDisputeMessage {
            promise: p,
            on,
            text: note(words),
        };
        c.when(c.broke, say(monday, "I was home at 20:55."))
            .expect("message");
        c.when(
            c.hurt,
            say(monday, "You texted at 21:20 that you were leaving."),
        )
        .expect("message");
        assert_eq!(
            c.when(PersonId::random(), say(monday, "…")),
            Err(Refusal::NotYours(NOT_PARTY))
        );
        assert_eq!(
            c.when(c.broke, say(tuesday, "…")),
            Err(Refusal::NotNow(NOT_DISPUTED)),
            "no thread on an undisputed report"
        );
        // when: the promiser marks it settled
        c.when(
            c.broke,
            Command::SettleDispute {
                promise: p,
                on: monday,
            },
        )
        .expect("settled");
        // then: the report stands as given, visibly disputed once, with its thread.
        let occurrence = c
            .promise(p)
            .occurrence(monday, c.now_us)
            .expect("occurrence");
        assert_eq!(occurrence.status, Status::Kept);
        assert!(occurrence.was_disputed());
        assert_eq!(occurrence.report.map(|r| r.thread.len()), Some(3));
        assert_eq!(
            c.when(c.hurt, say(monday, "One more thing.")),
            Err(Refusal::NotNow(NOT_DISPUTED))
        );
        assert_eq!(
            c.review(c.hurt, p, monday, false),
            Err(Refusal::NotNow(ALREADY_REVIEWED)),
            "disputed once"
        );
        // The partner can settle too.
        c.when(
            c.hurt,
            Command::Dispute {
                promise: p,
                on: tuesday,
                message: None,
            },
        )
        .expect("disputed");
        c.when(
            c.hurt,
            Command::SettleDispute {
                promise: p,
                on: tuesday,
            },
        )
        .expect("settled");
        assert_eq!(c.status(p, tuesday), Some(Status::Missed));
        assert!(
            c.promise(p)
                .occurrence(tuesday, c.now_us)
                .is_some_and(|o| o.was_disputed())
        );
    }

    #[test]
    fn new_terms_agreed_before_an_occurrence_is_due_govern_it_and_the_later_ones() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        let renegotiate = |from: Date, at: TimeOfDay| Command::Renegotiate {
            promise: p,
            from,
            text: text("I'll be home by ten, or call before."),
            at,
            reason: reason("Choir practice moved to Wednesday evenings."),
        };
        c.at(2026, 3, 4, 20, 0);
        assert_eq!(
            c.when(c.hurt, renegotiate(date(2026, 3, 4), time(22, 0))),
            Err(Refusal::NotYours(ONLY_PROMISER_CHANGES))
        );
        assert_eq!(
            c.when(c.broke, renegotiate(date(2026, 3, 3), time(22, 0))),
            Err(Refusal::NotNow(ALREADY_DUE)),
            "yesterday's is due"
        );
        c.when(c.broke, renegotiate(date(2026, 3, 4), time(22, 0)))
            .expect("before it is due");
        let promise = c.promise(p);
        let earlier = promise
            .occurrence(date(2026, 3, 3), c.now_us)
            .expect("occurrence");
        assert_eq!(
            (earlier.terms.at, earlier.terms.reason.as_deref()),
            (time(21, 0), None)
        );
        for d in [4, 5, 20] {
            let o = promise
                .occurrence(date(2026, 3, d), c.now_us)
                .expect("occurrence");
            assert_eq!(wall("Europe/Berlin", o.due_us), (date(2026, 3, d), 22, 0));
            assert_eq!(o.terms.text, "I'll be home by ten, or call before.");
        }
        assert_eq!(promise.title(), "I'll be home by ten, or call before.");
        assert_eq!(c.status(p, date(2026, 3, 4)), Some(Status::Upcoming));
        assert_eq!(
            c.when(c.broke, renegotiate(date(2026, 3, 5), time(22, 0))),
            Err(Refusal::NotNow(SAME_TERMS))
        );
        // After the due time, the terms of that occurrence are what was promised.
        c.at(2026, 3, 4, 22, 0);
        assert_eq!(
            c.when(c.broke, renegotiate(date(2026, 3, 4), time(23, 0))),
            Err(Refusal::NotNow(ALREADY_DUE))
        );
        // Moving today's occurrence to a time already gone would dodge it.
        c.at(2026, 3, 5, 21, 30);
        assert_eq!(
            c.when(c.broke, renegotiate(date(2026, 3, 5), time(21, 0))),
            Err(Refusal::NotNow(NEW_TIME_PASSED))
        );
        // Terms agreed later win over earlier plans for the days they share.
        c.when(c.broke, renegotiate(date(2026, 3, 10), time(7, 0)))
            .expect("later plan");
        c.when(c.broke, renegotiate(date(2026, 3, 6), time(23, 0)))
            .expect("new plan");
        let at = |d: i8| c.promise(p).terms_on(date(2026, 3, d)).at;
        assert_eq!(
            (at(5), at(6), at(10)),
            (time(22, 0), time(23, 0), time(23, 0))
        );
        assert_eq!(
            c.promise(p).renegotiations.len(),
            3,
            "every version is kept"
        );
    }

    #[test]
    fn skipping_before_the_due_time_is_renegotiated_not_missed() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        let (monday, tuesday) = (date(2026, 3, 2), date(2026, 3, 3));
        c.at(2026, 3, 2, 18, 0);
        assert_eq!(
            c.skip(c.hurt, p, monday),
            Err(Refusal::NotYours(ONLY_PROMISER_CHANGES))
        );
        c.skip(c.broke, p, monday).expect("skipped in advance");
        assert_eq!(c.status(p, monday), Some(Status::Renegotiated));
        assert_eq!(
            c.skip(c.broke, p, monday),
            Err(Refusal::NotNow(ALREADY_SKIPPED))
        );
        // when: its time comes and goes, grace period and all
        c.at(2026, 3, 4, 12, 0);
        // then: it stays renegotiated, never missed or unreported, and takes no report.
        assert_eq!(c.status(p, monday), Some(Status::Renegotiated));
        assert_eq!(
            c.report(c.broke, p, monday, Outcome::Kept),
            Err(Refusal::NotNow(WAS_RENEGOTIATED))
        );
        assert_eq!(
            c.skip(c.broke, p, tuesday),
            Err(Refusal::NotNow(ALREADY_DUE)),
            "too late to skip once it is due"
        );
        let counts = c.state.reliability(c.broke, c.now_us).all_time;
        assert_eq!(
            (counts.renegotiated, counts.missed, counts.not_reported),
            (1, 0, 0)
        );
        let skip = c.promise(p).skipped.get(&monday).expect("skip");
        assert!(skip.reason.starts_with("The late shift"));
    }

    /// given: a daily promise, and a break taken on Tuesday morning for three days; when:
    /// the days pass unreported; then: Tuesday to Thursday are in the break, asked of nobody
    /// and counted nowhere, while Monday (due before the break) stays not reported, and
    /// Friday, after the break ran out by itself, is asked for again.
    #[test]
    fn a_break_stops_counting_occurrences_as_missed() {
        use crate::domain::pause::{self, Pause};
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        c.at(2026, 3, 3, 9, 0);
        let mut breaks = Pause::default();
        let ctx = Ctx {
            actor: c.hurt,
            now_us: c.now_us,
        };
        let days = Some(3);
        for e in pause::decide(&breaks, pause::Command::Pause { days }, &ctx).expect("paused") {
            pause::apply(&mut breaks, c.hurt, c.now_us, e);
        }
        c.state.set_breaks(&breaks.spans());
        c.at(2026, 3, 6, 21, 30);
        assert_eq!(c.status(p, date(2026, 3, 2)), Some(Status::NotReported));
        for day in 3..=5 {
            assert_eq!(c.status(p, date(2026, 3, day)), Some(Status::InBreak));
        }
        assert_eq!(
            c.report(c.broke, p, date(2026, 3, 5), Outcome::Missed),
            Err(Refusal::NotNow(FELL_IN_BREAK))
        );
        assert_eq!(c.status(p, date(2026, 3, 6)), Some(Status::AwaitingReport));
        let counts = c.state.reliability(c.broke, c.now_us).all_time;
        assert_eq!(
            (counts.missed, counts.not_reported, counts.awaiting_report),
            (0, 1, 1),
            "the three days in the break are counted nowhere"
        );
        let waiting = c.state.waiting_for(c.broke, c.now_us);
        assert_eq!(
            waiting,
            vec![Waiting::Report {
                promise: p,
                on: date(2026, 3, 6)
            }]
        );
    }

    #[test]
    fn a_promise_is_released_only_when_both_agree() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        c.at(2026, 3, 3, 10, 0);
        assert_eq!(
            c.when(c.broke, Command::AcceptRelease { promise: p }),
            Err(Refusal::NotNow(NO_RELEASE_PROPOSED))
        );
        c.when(c.hurt, Command::ProposeRelease { promise: p })
            .expect("proposed");
        assert_eq!(
            c.when(c.hurt, Command::AcceptRelease { promise: p }),
            Err(Refusal::NotYours(OWN_RELEASE))
        );
        assert_eq!(
            c.when(c.hurt, Command::ProposeRelease { promise: p }),
            Err(Refusal::NotNow(RELEASE_PROPOSED_BY_YOU))
        );
        assert_eq!(
            c.when(c.broke, Command::ProposeRelease { promise: p }),
            Err(Refusal::NotNow(RELEASE_PROPOSED_BY_PARTNER))
        );
        assert_eq!(
            c.when(PersonId::random(), Command::AcceptRelease { promise: p }),
            Err(Refusal::NotYours(NOT_PARTY))
        );
        assert!(
            !c.promise(p).has_ended(c.now_us),
            "a proposal alone changes nothing"
        );
        c.when(c.broke, Command::AcceptRelease { promise: p })
            .expect("released");
        // then: no more occurrences, the past ones stay, and last night's can still be reported.
        let promise = c.promise(p);
        assert!(promise.has_ended(c.now_us));
        assert!(promise.next_occurrence(c.now_us).is_none());
        assert_eq!(c.status(p, date(2026, 3, 3)), None);
        assert_eq!(c.status(p, date(2026, 3, 2)), Some(Status::AwaitingReport));
        c.report(c.broke, p, date(2026, 3, 2), Outcome::Kept)
            .expect("still reportable");
        assert_eq!(
            c.skip(c.broke, p, date(2026, 3, 3)),
            Err(Refusal::NotNow(RELEASED))
        );
        assert_eq!(
            c.when(c.hurt, Command::AcceptRelease { promise: p }),
            Err(Refusal::NotNow(RELEASED))
        );
        c.at(2026, 3, 20, 10, 0);
        assert_eq!(c.promise(p).calendar(c.now_us).count(), 1);
    }

    /// given: in Berlin, a daily promise for the week of Monday 2 March 2026 at 21:00 and a
    /// one-off on Wednesday at 12:00, with a week of reports.
    fn a_reported_week(c: &mut Couple) -> EntryId {
        c.at(2026, 3, 1, 10, 0);
        let p = c.make(daily(date(2026, 3, 2), Some(date(2026, 3, 8))), time(21, 0));
        let once = c.make(
            Repeat::Once {
                on: date(2026, 3, 4),
            },
            time(12, 0),
        );
        let evening = |c: &mut Couple, d: i8, outcome: Outcome| {
            c.at(2026, 3, d, 21, 30);
            c.report(c.broke, p, date(2026, 3, d), outcome)
                .expect("reported");
        };
        evening(c, 2, Outcome::Kept);
        c.review(c.hurt, p, date(2026, 3, 2), true)
            .expect("confirmed");
        evening(c, 3, Outcome::Kept);
        c.at(2026, 3, 4, 12, 10);
        c.report(c.broke, once, date(2026, 3, 4), Outcome::Kept)
            .expect("reported");
        evening(c, 4, Outcome::Missed);
        c.at(2026, 3, 5, 17, 0);
        c.skip(c.broke, p, date(2026, 3, 5))
            .expect("renegotiated in advance");
        evening(c, 6, Outcome::Kept);
        c.review(c.hurt, p, date(2026, 3, 6), false)
            .expect("disputed");
        evening(c, 7, Outcome::Kept);
        evening(c, 8, Outcome::Kept);
        c.at(2026, 3, 10, 12, 0);
        p
    }

    #[test]
    fn reliability_counts_a_week_with_kept_missed_renegotiated_and_disputed_occurrences() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 1, 10, 0);
        let p = a_reported_week(&mut c);
        let week = Counts {
            kept: 5,
            missed: 1,
            disputed: 1,
            renegotiated: 1,
            not_reported: 0,
            awaiting_report: 0,
        };
        let view = c.state.reliability(c.broke, c.now_us);
        assert_eq!(view.last_30_days, week);
        assert_eq!(view.all_time, week);
        // Newest first: Sunday and Saturday kept, Friday disputed (not decided), Thursday
        // renegotiated, Wednesday evening missed.
        assert_eq!(view.run_of_kept, 2);
        assert_eq!(
            c.state.reliability(c.hurt, c.now_us),
            Reliability::default()
        );
        // when: the dispute is settled, the report stands as given.
        c.when(
            c.hurt,
            Command::SettleDispute {
                promise: p,
                on: date(2026, 3, 6),
            },
        )
        .expect("settled");
        let view = c.state.reliability(c.broke, c.now_us);
        assert_eq!((view.all_time.kept, view.all_time.disputed), (6, 0));
        assert_eq!(view.run_of_kept, 3);
    }

    #[test]
    fn reliability_windows_count_by_due_instant() {
        // given: a missed one-off 98 days before, an unreported one 49 days before, and a week.
        let mut c = Couple::in_zone("Europe/Berlin", 2025, 11, 30, 10, 0);
        let old = c.make(
            Repeat::Once {
                on: date(2025, 12, 1),
            },
            time(12, 0),
        );
        c.at(2025, 12, 1, 13, 0);
        c.report(c.broke, old, date(2025, 12, 1), Outcome::Missed)
            .expect("reported");
        c.at(2026, 1, 19, 10, 0);
        c.make(
            Repeat::Once {
                on: date(2026, 1, 20),
            },
            time(12, 0),
        );
        a_reported_week(&mut c);
        // then
        let view = c.state.reliability(c.broke, c.now_us);
        assert_eq!(
            (
                view.last_30_days.kept,
                view.last_30_days.missed,
                view.last_30_days.not_reported
            ),
            (5, 1, 0)
        );
        assert_eq!(
            (view.last_90_days.missed, view.last_90_days.not_reported),
            (1, 1)
        );
        assert_eq!(
            (
                view.all_time.kept,
                view.all_time.missed,
                view.all_time.not_reported
            ),
            (5, 2, 1)
        );
    }

    #[test]
    fn the_run_of_kept_counts_back_from_the_latest_and_passes_over_renegotiated_ones() {
        let mut c = Couple::in_zone("UTC", 2026, 2, 28, 12, 0);
        let p = c.make(daily(date(2026, 3, 1), Some(date(2026, 3, 8))), time(9, 0));
        let plan = [
            (1, Some(Outcome::Kept)),
            (2, Some(Outcome::Missed)),
            (3, Some(Outcome::Kept)),
            (4, Some(Outcome::Kept)),
            (5, None),
            (6, Some(Outcome::Kept)),
            (7, Some(Outcome::Kept)),
        ];
        for (d, outcome) in plan {
            let on = date(2026, 3, d);
            match outcome {
                Some(outcome) => {
                    c.at(2026, 3, d, 9, 30);
                    c.report(c.broke, p, on, outcome).expect("reported");
                }
                None => {
                    c.at(2026, 3, d, 8, 0);
                    c.skip(c.broke, p, on).expect("skipped");
                }
            }
        }
        // The 8th is due and not reported yet: it neither adds to the run nor breaks it.
        c.at(2026, 3, 8, 10, 0);
        assert_eq!(c.state.reliability(c.broke, c.now_us).run_of_kept, 4);
        // Left unreported past the grace period, it ends the run.
        c.at(2026, 3, 9, 9, 0);
        assert_eq!(c.state.reliability(c.broke, c.now_us).run_of_kept, 0);
    }

    #[test]
    fn each_partner_sees_what_waits_for_them() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let p = c.make(daily(date(2026, 3, 2), None), time(21, 0));
        let (monday, tuesday) = (date(2026, 3, 2), date(2026, 3, 3));
        c.at(2026, 3, 2, 21, 0);
        assert_eq!(
            c.state.waiting_for(c.broke, c.now_us),
            vec![Waiting::Report {
                promise: p,
                on: monday
            }]
        );
        assert_eq!(c.state.waiting_for(c.hurt, c.now_us), vec![]);
        c.report(c.broke, p, monday, Outcome::Kept)
            .expect("reported");
        c.at(2026, 3, 3, 21, 0);
        assert_eq!(
            c.state.waiting_for(c.broke, c.now_us),
            vec![Waiting::Report {
                promise: p,
                on: tuesday
            }]
        );
        c.report(c.broke, p, tuesday, Outcome::Kept)
            .expect("reported");
        assert_eq!(
            c.state.waiting_for(c.hurt, c.now_us),
            vec![
                Waiting::Review {
                    promise: p,
                    on: monday
                },
                Waiting::Review {
                    promise: p,
                    on: tuesday
                }
            ]
        );
        c.review(c.hurt, p, monday, false).expect("disputed");
        c.review(c.hurt, p, tuesday, true).expect("confirmed");
        c.when(c.hurt, Command::ProposeRelease { promise: p })
            .expect("proposed");
        assert_eq!(
            c.state.waiting_for(c.broke, c.now_us),
            vec![
                Waiting::Dispute {
                    promise: p,
                    on: monday
                },
                Waiting::AcceptRelease { promise: p }
            ]
        );
        assert_eq!(
            c.state.waiting_for(c.hurt, c.now_us),
            vec![Waiting::Dispute {
                promise: p,
                on: monday
            }]
        );
    }

    #[test]
    fn nothing_is_promised_before_the_partner_joins() {
        let c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let ctx = Ctx {
            actor: c.broke,
            now_us: c.now_us,
        };
        let command = Command::Make {
            id: EntryId::random(),
            breach: Some(EntryId::random()),
            text: text("I'll tell you before I meet anyone from work after hours."),
            repeat: Repeat::Once {
                on: date(2026, 3, 5),
            },
            at: time(9, 0),
            zone: zone("Europe/Berlin"),
        };
        assert_eq!(
            decide(&c.state, &c.own_up, None, command, &ctx),
            Err(Refusal::NotNow(NO_PARTNER))
        );
    }

    #[test]
    fn a_promise_keeps_its_breach_zone_and_people() {
        let mut c = Couple::in_zone("America/New_York", 2026, 3, 2, 8, 0);
        let breach = c.breach;
        let id = EntryId::random();
        c.when(
            c.broke,
            Command::Make {
                id,
                breach: Some(breach),
                text: text("No secret accounts."),
                repeat: Repeat::Once {
                    on: date(2026, 3, 31),
                },
                at: time(20, 0),
                zone: zone("America/New_York"),
            },
        )
        .expect("made");
        let p = c.promise(id);
        assert_eq!(
            (p.breach, p.promiser, p.partner),
            (Some(breach), c.broke, c.hurt)
        );
        assert_eq!(p.zone.name(), "America/New_York");
        assert_eq!(c.state.made_by(c.broke).count(), 1);
        assert_eq!(c.state.made_by(c.hurt).count(), 0);
    }

    /// given: a couple with one breach; when: a promise names a breach that is not theirs
    /// (another space's, or made up); then: refused as not found, nothing made.
    #[test]
    fn a_promise_about_a_breach_not_in_the_space_is_refused() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let made = c.when(
            c.broke,
            Command::Make {
                id: EntryId::random(),
                breach: Some(EntryId::random()),
                text: text("No secret accounts."),
                repeat: Repeat::Once {
                    on: date(2026, 3, 31),
                },
                at: time(20, 0),
                zone: zone("Europe/Berlin"),
            },
        );
        assert_eq!(made, Err(Refusal::NotFound));
        assert_eq!(c.state.made_by(c.broke).count(), 0);
    }

    #[test]
    fn events_survive_their_json_round_trip() {
        let made = Event::Made(PromiseMade {
            promise: EntryId::random(),
            breach: None,
            text: "Call at nine.".into(),
            repeat: Repeat::OnWeekdays {
                days: Weekdays::of([Weekday::Monday, Weekday::Friday]),
                from: date(2026, 3, 2),
                until: None,
            },
            at: time(21, 0),
            time_zone: zone("Europe/Berlin"),
        });
        let body = made.body();
        for part in [
            "\"every\":\"on_weekdays\"",
            "[\"monday\",\"friday\"]",
            "\"2026-03-02\"",
            "\"21:00\"",
            "\"Europe/Berlin\"",
        ] {
            assert!(body.contains(part), "{body} lacks {part}");
        }
        assert_eq!(Event::parse(made.kind(), &body), Some(made.clone()));
        let renegotiated = Event::Renegotiated(PromiseRenegotiated {
            promise: EntryId::random(),
            from: date(2026, 3, 9),
            text: "Call at ten.".into(),
            at: time(22, 0),
            reason: "Late shifts.".into(),
        });
        assert_eq!(
            Event::parse("promise.renegotiated", &renegotiated.body()),
            Some(renegotiated)
        );
        for (from, to) in [
            ("Europe/Berlin", "Mars/Olympus_Mons"),
            ("\"friday\"", "\"someday\""),
            ("21:00", "25:00"),
            ("2026-03-02", "2026-3-2"),
        ] {
            assert_eq!(
                Event::parse("promise.made", &body.replace(from, to)),
                None,
                "{to}"
            );
        }
        assert_eq!(Event::parse("promise.exploded", &body), None);
    }

    #[test]
    fn the_fold_skips_events_that_do_not_fit() {
        let mut c = Couple::in_zone("Europe/Berlin", 2026, 3, 2, 8, 0);
        let made = PromiseMade {
            promise: EntryId::random(),
            breach: None,
            text: "Call at nine.".into(),
            repeat: Repeat::OnWeekdays {
                days: Weekdays::default(),
                from: date(2026, 3, 2),
                until: None,
            },
            at: time(21, 0),
            time_zone: zone("Europe/Berlin"),
        };
        apply(
            &mut c.state,
            c.broke,
            Some(c.hurt),
            c.now_us,
            Event::Made(made.clone()),
        );
        assert!(c.state.promises.is_empty(), "no weekdays");
        let made = PromiseMade {
            repeat: daily(date(2026, 3, 2), None),
            ..made
        };
        apply(
            &mut c.state,
            c.broke,
            None,
            c.now_us,
            Event::Made(made.clone()),
        );
        assert!(c.state.promises.is_empty(), "no partner");
        apply(
            &mut c.state,
            c.broke,
            Some(c.hurt),
            c.now_us,
            Event::Made(made.clone()),
        );
        apply(
            &mut c.state,
            c.hurt,
            Some(c.broke),
            c.now_us,
            Event::Made(made.clone()),
        );
        assert_eq!(c.state.promises.len(), 1);
        assert_eq!(c.state.promises[0].promiser, c.broke, "an id is made once");
        c.at(2026, 3, 2, 21, 30);
        let report = Event::Reported(OccurrenceReported {
            promise: made.promise,
            on: date(2026, 3, 2),
            outcome: Outcome::Kept,
            note: None,
        });
        apply(
            &mut c.state,
            c.hurt,
            Some(c.broke),
            c.now_us,
            report.clone(),
        );
        assert!(
            c.state.promises[0].reports.is_empty(),
            "only the promiser reports"
        );
        apply(
            &mut c.state,
            c.broke,
            Some(c.hurt),
            c.now_us - HOUR_US,
            report.clone(),
        );
        assert!(
            c.state.promises[0].reports.is_empty(),
            "not before it is due"
        );
        apply(&mut c.state, c.broke, Some(c.hurt), c.now_us, report);
        assert_eq!(c.state.promises[0].reports.len(), 1);
    }
}
