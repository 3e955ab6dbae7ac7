//! The calendar: the couple's time zone, calendar dates, their one text form, and how an
//! instant reads as local text. Every date and zone in the domain goes through here, on
//! `jiff`, so there is one date-time crate and one spelling of a date.
//!
//! This module owns only the arithmetic and the text forms. It knows nothing of check-ins,
//! promises or agreements (their rules about which dates are allowed stay with them), reads
//! no clock and does no I/O: instants arrive as microseconds since the Unix epoch, UTC.
//!
//! Why it is shaped like this:
//! - A date has one text form, `YYYY-MM-DD`, both in forms and in the record, and only that
//!   form is accepted ([`parse_date`]), so a date recorded once is never spelled two ways.
//!   Bodies recorded before jiff (by the `time` crate) used the same form for the years the
//!   rules allow, so they read back and re-serialize byte for byte (tested below).
//! - Time zone rules come from the copy of the IANA database bundled into the binary
//!   ([`TimeZoneDatabase::bundled`], crate feature `tzdb-bundle-always`), not from the host:
//!   folding a record must draw the same boundaries on every server instance and in every
//!   test, whatever tzdata the machine happens to have.

use std::fmt;

use jiff::civil::{Date, DateTime, date};
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::{Span, Timestamp};
use serde::{Deserialize, Serialize};

use super::input::InputError;

/// Microseconds in a day of the UTC calendar (which has no daylight saving).
pub const DAY_US: i64 = 86_400_000_000;

/// An IANA time zone the couple lives by, e.g. `Europe/Berlin`.
#[derive(Clone, PartialEq, Eq)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(InputError("Please choose your time zone.".into()));
        }
        Self::from_name(raw).ok_or_else(|| {
            InputError(
                "That isn't a time zone we know. Please choose one from the list, for example Europe/Berlin."
                    .into(),
            )
        })
    }

    fn from_name(name: &str) -> Option<Self> {
        let tz = TimeZoneDatabase::bundled().get(name).ok()?;
        // Keep the database's own spelling, so one zone has one name in the record.
        let name = tz.iana_name()?.to_owned();
        // "Etc/Unknown" is what a lookup answers for a zone nobody knows; it is no place.
        (name != "Etc/Unknown").then_some(Self { name, tz })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every zone name [`Zone::parse`] accepts, sorted, for the form.
    pub fn all_names() -> Vec<String> {
        let mut names: Vec<String> = TimeZoneDatabase::bundled()
            .available()
            .map(|n| n.as_str().to_owned())
            .filter(|n| n != "Etc/Unknown")
            .collect();
        names.sort();
        names
    }

    /// UTC, the zone of anyone who has not chosen one.
    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            tz: TimeZone::UTC,
        }
    }

    /// An instant as people read it here: "2026-11-23 19:04 CET".
    pub fn local_text(&self, at_us: i64) -> String {
        Timestamp::from_microsecond(at_us)
            .map(|ts| {
                ts.to_zoned_datetime(self.tz.clone())
                    .strftime("%Y-%m-%d %H:%M %Z")
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// The instant of a local date and time ("2026-12-05T19:30", as a browser's
    /// datetime-local field sends it). A time the clocks skip resolves to the next valid
    /// instant; one they pass twice, to the earlier.
    pub fn instant_of_local(&self, raw: &str) -> Option<i64> {
        let civil: DateTime = raw.trim().parse().ok()?;
        let ts = self.tz.to_ambiguous_timestamp(civil).compatible().ok()?;
        Some(ts.as_microsecond())
    }

    /// The local calendar date at an instant.
    pub fn date_at(&self, at_us: i64) -> Option<Date> {
        let ts = Timestamp::from_microsecond(at_us).ok()?;
        Some(self.tz.to_datetime(ts).date())
    }

    /// The local minute of the day (0 to 1439) and the local day number at an instant: what
    /// quiet hours are measured against, on the wall clock whatever daylight saving does.
    pub fn minute_and_day_at(&self, at_us: i64) -> Option<(u16, i64)> {
        let ts = Timestamp::from_microsecond(at_us).ok()?;
        let local = self.tz.to_datetime(ts);
        let minute = u16::try_from(local.hour()).ok()? * 60 + u16::try_from(local.minute()).ok()?;
        Some((minute, day_index(local.date())))
    }

    /// The zone's rules, for arithmetic the calendar does not offer itself.
    pub(crate) fn rules(&self) -> &TimeZone {
        &self.tz
    }

    /// The first instant of a local date. Where midnight falls into a daylight-saving gap,
    /// the day begins when the clocks resume.
    pub(crate) fn midnight_us(&self, date: Date) -> Option<i64> {
        let ts = self.tz.to_timestamp(DateTime::from(date)).ok()?;
        Some(ts.as_microsecond())
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

/// In event bodies (JSON) a zone is its name. In a snapshot of a folded state
/// (`domain::snapshot`, not human-readable) it also says whether its rules are jiff's own
/// UTC rather than the bundled database's entry of that name: the two compute the same
/// times but are not equal values, and a state read back must equal the one written.
impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.name)
        } else {
            (&self.name, self.tz == TimeZone::UTC).serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let unknown = || serde::de::Error::custom("unknown time zone");
        if d.is_human_readable() {
            let name = String::deserialize(d)?;
            return Self::from_name(&name).ok_or_else(unknown);
        }
        match <(String, bool)>::deserialize(d)? {
            (name, true) if name == "UTC" => Ok(Self::utc()),
            (_, true) => Err(unknown()),
            (name, false) => Self::from_name(&name).ok_or_else(unknown),
        }
    }
}

// ---- dates -------------------------------------------------------------------------------

/// A date as `YYYY-MM-DD`, the only spelling accepted (it is what a date field sends, and
/// how a date is named in links and in the record).
pub fn parse_date(raw: &str) -> Option<Date> {
    let date = raw.parse::<Date>().ok()?;
    (date.to_string() == raw).then_some(date)
}

/// The UTC calendar date of an instant.
pub fn utc_date(at_us: i64) -> Option<Date> {
    Timestamp::from_microsecond(at_us)
        .ok()
        .map(|t| TimeZone::UTC.to_datetime(t).date())
}

/// The UTC day of an instant, counted in days since 1970-01-01.
pub fn day_of(at_us: i64) -> i64 {
    at_us.div_euclid(DAY_US)
}

/// Days since 1970-01-01.
pub fn day_index(d: Date) -> i64 {
    days_between(date(1970, 1, 1), d)
}

/// The date `day` days after 1970-01-01.
pub fn date_of_day(day: i64) -> Option<Date> {
    add_days(date(1970, 1, 1), day)
}

/// Whole days from `a` to `b` (negative if `b` is earlier). Civil dates have no daylight
/// saving, so every day is exactly 86,400 seconds here.
pub fn days_between(a: Date, b: Date) -> i64 {
    b.duration_since(a).as_secs().div_euclid(86_400)
}

pub fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(Span::new().try_days(days).ok()?).ok()
}

/// The same day `years` later; 29 February becomes 28 February in a year without one.
pub fn years_after(date: Date, years: i32) -> Date {
    let year = i16::try_from(i32::from(date.year()).saturating_add(years)).ok();
    let later = year.and_then(|year| {
        date.with()
            .year(year)
            .build()
            .or_else(|_| date.with().year(year).day(28).build())
            .ok()
    });
    later.unwrap_or(Date::MAX)
}

/// An instant in RFC 3339, UTC, with as many fractional digits as it needs and no more
/// ("2026-11-18T11:06:40.123456Z"), as exports write it. Empty for instants outside the
/// years 0000–9999, which RFC 3339 cannot spell (what exports have always written there).
pub fn rfc3339_us(at_us: i64) -> String {
    match Timestamp::from_microsecond(at_us) {
        Ok(ts) if (0..=9999).contains(&TimeZone::UTC.to_datetime(ts).year()) => ts.to_string(),
        _ => String::new(),
    }
}

/// Dates in event bodies, as `YYYY-MM-DD` (`#[serde(with = "calendar::date_text")]`).
pub mod date_text {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_date(&text).ok_or_else(|| serde::de::Error::custom("not a date"))
    }
}

/// An optional date in event bodies: `null`, or `YYYY-MM-DD`.
pub mod optional_date_text {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => s.collect_str(date),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => super::parse_date(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("not a date")),
        }
    }
}

/// Dates in a snapshot of a folded state (`domain::snapshot`), as three small numbers
/// (year, month, day) rather than text: a snapshot is read back only by this program, never
/// by people or other programs, so it needs no spelling, only the fewest bytes. Event bodies
/// keep [`date_text`].
pub mod compact {
    use std::collections::BTreeMap;

    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A date as its numbers, checked again when read back.
    #[derive(Serialize, Deserialize)]
    struct Ymd(i16, i8, i8);

    impl From<Date> for Ymd {
        fn from(d: Date) -> Self {
            Self(d.year(), d.month(), d.day())
        }
    }

    impl Ymd {
        fn date<E: serde::de::Error>(self) -> Result<Date, E> {
            Date::new(self.0, self.1, self.2).map_err(|_| E::custom("not a date"))
        }
    }

    /// `#[serde(with = "compact::date")]`.
    pub mod date {
        use super::*;

        pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
            Ymd::from(*date).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
            Ymd::deserialize(d)?.date()
        }
    }

    /// `#[serde(with = "compact::optional_date")]`.
    pub mod optional_date {
        use super::*;

        pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            date.map(Ymd::from).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<Ymd>::deserialize(d)?.map(Ymd::date).transpose()
        }
    }

    /// `#[serde(with = "compact::weekday")]`: a weekday as 1 (Monday) to 7 (Sunday).
    pub mod weekday {
        use jiff::civil::Weekday;

        use super::*;

        pub fn serialize<S: Serializer>(day: &Weekday, s: S) -> Result<S::Ok, S::Error> {
            day.to_monday_one_offset().serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
            Weekday::from_monday_one_offset(i8::deserialize(d)?)
                .map_err(|_| serde::de::Error::custom("not a weekday"))
        }
    }

    /// `#[serde(with = "compact::rules")]`: the rules of a [`super::Zone`], kept beside it
    /// (looked up once when folding), by the zone's name as [`super::Zone`] is.
    pub mod rules {
        use jiff::tz::{TimeZone, TimeZoneDatabase};

        use super::*;

        pub fn serialize<S: Serializer>(tz: &TimeZone, s: S) -> Result<S::Ok, S::Error> {
            (tz.iana_name(), *tz == TimeZone::UTC).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeZone, D::Error> {
            match <(Option<String>, bool)>::deserialize(d)? {
                (Some(name), true) if name == "UTC" => Ok(TimeZone::UTC),
                (Some(name), false) => TimeZoneDatabase::bundled()
                    .get(&name)
                    .map_err(|_| serde::de::Error::custom("unknown time zone")),
                _ => Err(serde::de::Error::custom("time zone rules without a name")),
            }
        }
    }

    /// `#[serde(with = "compact::date_map")]`: a map keyed by date, as a sequence of pairs.
    pub mod date_map {
        use super::*;

        pub fn serialize<S, V>(map: &BTreeMap<Date, V>, s: S) -> Result<S::Ok, S::Error>
        where
            S: Serializer,
            V: Serialize,
        {
            s.collect_seq(map.iter().map(|(date, v)| (Ymd::from(*date), v)))
        }

        pub fn deserialize<'de, D, V>(d: D) -> Result<BTreeMap<Date, V>, D::Error>
        where
            D: Deserializer<'de>,
            V: Deserialize<'de>,
        {
            Vec::<(Ymd, V)>::deserialize(d)?
                .into_iter()
                .map(|(date, v)| Ok((date.date()?, v)))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_canonical_spelling_of_a_date_is_accepted() {
        assert_eq!(parse_date("2026-10-02"), Some(date(2026, 10, 2)));
        for bad in [
            "2026-1-02",
            "2026-10-2",
            "20261002",
            " 2026-10-02",
            "2026-02-30",
            "02.10.2026",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_count_from_the_unix_epoch() {
        assert_eq!(day_index(date(1970, 1, 1)), 0);
        assert_eq!(day_index(date(1969, 12, 31)), -1);
        assert_eq!(date_of_day(20_454), Some(date(2026, 1, 1)));
        assert_eq!(day_of(-1), -1);
        assert_eq!(utc_date(DAY_US - 1), Some(date(1970, 1, 1)));
        assert_eq!(days_between(date(2026, 3, 1), date(2026, 2, 1)), -28);
    }

    /// What exports wrote with the `time` crate's RFC 3339, kept to the byte.
    #[test]
    fn export_timestamps_keep_their_old_form() {
        assert_eq!(rfc3339_us(1_795_456_800_000_000), "2026-11-23T18:00:00Z");
        assert_eq!(
            rfc3339_us(1_795_000_000_123_456),
            "2026-11-18T11:06:40.123456Z"
        );
        assert_eq!(rfc3339_us(1_795_000_000_100_000), "2026-11-18T11:06:40.1Z");
        assert_eq!(
            rfc3339_us(1_795_000_000_000_010),
            "2026-11-18T11:06:40.00001Z"
        );
        assert_eq!(rfc3339_us(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_us(-1), "1969-12-31T23:59:59.999999Z");
        assert_eq!(rfc3339_us(i64::MAX), "");
    }

    /// A body as the `time`-based version recorded it: a date field in the Display form of
    /// `time::Date`, read back and written again with the same bytes.
    #[test]
    fn dates_recorded_by_the_old_version_read_and_write_the_same() {
        #[derive(Serialize, Deserialize)]
        struct Body {
            #[serde(with = "date_text")]
            on: Date,
        }
        for old in [
            r#"{"on":"2026-10-02"}"#,
            r#"{"on":"1900-01-01"}"#,
            r#"{"on":"2028-02-29"}"#,
        ] {
            let body: Body = serde_json::from_str(old).expect("reads");
            assert_eq!(serde_json::to_string(&body).expect("writes"), old);
        }
    }
}
