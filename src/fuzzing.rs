//! The checks behind the fuzz targets in `fuzz/` and their property-test twins below: each
//! takes arbitrary bytes, runs the real code on them, and panics only where that code panics
//! or breaks a property it promises (a parsed value reads back as itself, an export that
//! verifies still verifies after a JSON round trip, any change to a sealed record is caught).
//!
//! Compiled only for tests and for `cargo fuzz` (which sets `cfg(fuzzing)`), never into the
//! app, so the asserts here are the point rather than a risk.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::domain::calendar::{self, Zone, parse_date, rfc3339_us};
use crate::domain::checkins::{Every, Feeling, Intensity, Rhythm, TrustLevel};
use crate::domain::checks::{self, Check};
use crate::domain::crisis;
use crate::domain::fear;
use crate::domain::input::{DisplayName, Email, NewPassword, SpaceName};
use crate::domain::ownup::{self, ApologyResponseKind, BreachKind};
use crate::domain::promises::{Note, Outcome, PromiseText, Reason, Repeat, TimeOfDay, Weekdays};
use crate::domain::record::{self, Draft, GENESIS_PREV, Salt};
use crate::domain::repair::{Direction, Readiness, Stage, Topic, TopicText};
use crate::domain::together::{
    Activity, AppreciationText, FeltNote, GoalText, IdeaText, Rating, TargetDate,
};
use crate::domain::trends::{MAX_RANGE_DAYS, Range};
use crate::domain::{SpaceId, agreements, reports};
use crate::export::{self, Export, VerifyError};

/// A form body: the guard's checks, every form struct, the handlers' own parsing, and then
/// each value through every parser a field can meet.
pub fn forms(body: &[u8]) {
    let Some(fields) = crate::web::fuzzing::every_form(body) else {
        return;
    };
    for (i, (_, value)) in fields.iter().enumerate() {
        field(value);
        // Parsers that read two fields at once, on neighbouring values.
        let next = fields.get(i + 1).map_or("", |(_, v)| v.as_str());
        let _ = Rhythm::parse(value, next);
        let _ = Repeat::parse(value, next, "", &[]);
        let _ = Repeat::parse("weekdays", value, next, &[value]);
    }
}

/// Parses `$raw` as each text type and checks that what it keeps reads back as itself.
macro_rules! reads_back {
    ($raw:expr => $($ty:ty),* $(,)?) => {$(
        if let Ok(parsed) = <$ty>::parse($raw) {
            assert_eq!(
                <$ty>::parse(parsed.as_str()).as_ref(),
                Ok(&parsed),
                "{} does not read back: {:?}",
                stringify!($ty),
                $raw
            );
        }
    )*};
}

/// One form value through every domain parser a field can meet.
fn field(raw: &str) {
    reads_back!(raw => DisplayName, SpaceName, Email);
    reads_back!(raw => AppreciationText, Activity, FeltNote, IdeaText, GoalText, TopicText);
    reads_back!(raw => agreements::AgreementText, reports::ReportText, reports::ResponseText);
    for max in [
        ownup::limits::TITLE,
        ownup::limits::QUESTION,
        ownup::limits::LETTER,
    ] {
        if let Ok(text) = ownup::Text::parse(raw, "The text", max) {
            let again = ownup::Text::parse(text.as_str(), "The text", max);
            assert_eq!(again.as_ref(), Ok(&text), "ownup::Text: {raw:?}");
            assert!(text.as_str().chars().count() <= max);
        }
    }
    for what in ["The promise", "Your note"] {
        if let Ok(text) = PromiseText::parse(raw, what) {
            assert_eq!(PromiseText::parse(text.as_str(), what).as_ref(), Ok(&text));
        }
        let _ = Note::parse(raw, what);
        let _ = Reason::parse(raw, what);
    }
    let _ = NewPassword::parse(raw, &[raw]);
    let _ = FeltNote::parse_optional(raw);
    let _ = reports::ResponseText::parse_optional(raw);
    let _ = agreements::RevisitDate::parse_optional(raw);
    let _ = TargetDate::parse_optional(raw);

    let _ = BreachKind::parse(raw);
    let _ = ApologyResponseKind::parse(raw);
    let _ = Outcome::parse(raw);
    let _ = Readiness::parse(raw);
    let _ = Stage::parse(raw);
    let _ = Direction::parse(raw);
    let _ = Every::parse(raw);
    let _ = Weekdays::parse(&[raw]);
    if let Ok(topic) = Topic::parse(raw) {
        assert_eq!(Topic::parse(&topic.key()), Ok(topic), "topic: {raw:?}");
    }
    if let Ok(rating) = Rating::parse(raw) {
        assert!((1..=5).contains(&rating.get()), "rating: {raw:?}");
    }
    if let Ok(level) = TrustLevel::parse(raw, "Faith") {
        assert!(level.get() <= 10, "trust: {raw:?}");
    }
    if let Ok(feeling) = Feeling::parse(raw) {
        let _ = Intensity::parse(raw, feeling);
    }
    let _ = Intensity::parse(raw, Feeling::Hope);
    if let Ok(id) = crate::web::fuzzing::form_id(raw).ok_or(()) {
        assert_eq!(id.to_string(), raw.trim(), "an id has one spelling");
    }
    dates_and_zones(raw);
}

/// A date, a time of day, a zone name or a local date and time, as typed.
fn dates_and_zones(raw: &str) {
    if let Some(date) = parse_date(raw) {
        // Only the canonical spelling is accepted, so it is the date's own text.
        assert_eq!(date.to_string(), raw, "a date with two spellings");
        assert_eq!(
            calendar::date_of_day(calendar::day_index(date)),
            Some(date),
            "{raw}"
        );
        let _ = calendar::years_after(date, 50);
        let _ = calendar::add_days(date, 366);
    }
    for parsed in [
        agreements::RevisitDate::parse(raw).map(|d| d.date()),
        TargetDate::parse(raw).map(TargetDate::date),
    ]
    .into_iter()
    .flatten()
    {
        assert_eq!(parse_date(&parsed.to_string()), Some(parsed));
    }
    if let Ok(time) = TimeOfDay::parse(raw) {
        assert_eq!(TimeOfDay::parse(&time.to_string()), Ok(time), "{raw:?}");
    }
    if let Ok(zone) = Zone::parse(raw) {
        let again = Zone::parse(zone.name()).ok();
        assert_eq!(again.as_ref(), Some(&zone), "zone {raw:?}");
        let json = serde_json::to_string(&zone).unwrap_or_default();
        let read: Option<Zone> = serde_json::from_str(&json).ok();
        assert_eq!(read.as_ref(), Some(&zone), "zone {raw:?} in a body");
    }
    for zone in zones() {
        let Some(at_us) = zone.instant_of_local(raw) else {
            continue;
        };
        // The instant falls on the date typed, or the day after where midnight is skipped.
        let typed = raw.trim().get(..10).and_then(parse_date);
        let (Some(typed), Some(local)) = (typed, zone.date_at(at_us)) else {
            continue;
        };
        assert!(
            local == typed || calendar::add_days(typed, 1) == Some(local),
            "{raw:?} in {zone:?} fell on {local}"
        );
        instant(at_us);
        let _ = zone.local_text(at_us);
    }
}

/// The zones whose rules are the most awkward: no daylight saving, the usual kind, a
/// half-hour shift, a date-line jump, and midnight skipped by a daylight-saving change.
fn zones() -> Vec<Zone> {
    [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",
        "Pacific/Apia",
        "America/Santiago",
    ]
    .iter()
    .filter_map(|name| Zone::parse(name).ok())
    .collect()
}

/// An instant as exports spell it reads back as the same instant.
fn instant(at_us: i64) {
    let text = rfc3339_us(at_us);
    if !text.is_empty() {
        let read = text.parse::<Timestamp>().ok().map(|t| t.as_microsecond());
        assert_eq!(read, Some(at_us), "{text}");
    }
    let _ = calendar::utc_date(at_us);
    let _ = calendar::date_of_day(calendar::day_of(at_us));
}

/// Date and time-zone parsing: `data` as text to parse, and its first bytes as an instant.
pub fn calendar(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    dates_and_zones(&text);
    let mut fields = text.split('|');
    let (a, b, c) = (
        fields.next().unwrap_or(""),
        fields.next().unwrap_or(""),
        fields.next().unwrap_or(""),
    );
    for every in Every::ALL {
        let _ = Rhythm::parse(every.as_str(), a);
    }
    for every in ["once", "daily", "weekdays"] {
        let _ = Repeat::parse(every, a, b, &[c]);
    }
    range(a, b, c);

    let mut bytes = [0u8; 8];
    for (slot, byte) in bytes.iter_mut().zip(data) {
        *slot = *byte;
    }
    let at_us = i64::from_le_bytes(bytes);
    instant(at_us);
    for zone in zones() {
        let _ = zone.local_text(at_us);
        let _ = zone.date_at(at_us);
    }
    if let Some(date) = calendar::date_of_day(at_us % 4_000_000) {
        let _ = calendar::years_after(date, i32::from(bytes[0]) - 128);
    }
}

/// A summary's range as typed, with `today` as the third field: an accepted range lies
/// within the space's life and is not too long.
fn range(from: &str, to: &str, today: &str) {
    let today = parse_date(today.trim()).unwrap_or(Date::constant(2026, 11, 23));
    let began = calendar::add_days(today, -400).unwrap_or(today);
    let default = Range::last_weeks(today, 26, began);
    if let Ok(range) = Range::parse(from, to, default, began, today) {
        assert!(began <= range.from && range.from <= range.to && range.to <= today);
        assert!(range.days() <= MAX_RANGE_DAYS);
        assert!(!range.weeks().is_empty());
    }
}

/// The wording checks over any text: deterministic, in order of the text, matches of one
/// rule never overlapping, and every excerpt the words that stand where the flag points.
/// The crisis and fear wording detectors read text the same way: they must not panic
/// either, and must give the same answer twice.
pub fn checks(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let offered = crisis::in_crisis(&text);
    assert_eq!(
        offered,
        crisis::in_crisis(&text),
        "crisis: not deterministic"
    );
    let warned = fear::speaks_of_fear(&text);
    assert_eq!(
        warned,
        fear::speaks_of_fear(&text),
        "fear: not deterministic"
    );
    for kind in [Check::Accountability, Check::Gentleness] {
        let flags = checks::check(kind, &text);
        assert_eq!(flags, checks::check(kind, &text), "not deterministic");
        assert!(flags.windows(2).all(|w| w[0].start <= w[1].start));
        for (i, flag) in flags.iter().enumerate() {
            let Some(place) = text.get(flag.start..flag.end) else {
                panic!("a flag points outside the text or inside a character in {text:?}");
            };
            let collapsed = place.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(
                collapsed, flag.excerpt,
                "the excerpt is not where it points"
            );
            let overlapping = flags[..i]
                .iter()
                .any(|f| f.rule == flag.rule && f.end > flag.start);
            assert!(!overlapping, "one rule's matches overlap in {text:?}");
            assert!(!flag.excerpt.is_empty(), "an empty excerpt in {text:?}");
            for word in flag.excerpt.split(' ') {
                assert!(text.contains(word), "{word:?} is not in {text:?}");
            }
        }
    }
}

/// Any bytes as an export file: `verify` never panics, and an export it accepts still
/// verifies, to the same head, once read and written again.
pub fn export(data: &[u8]) {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(verified) = export::verify(json) else {
        return;
    };
    let Ok(read) = serde_json::from_str::<Export>(json) else {
        panic!("verify accepted what does not read as an export");
    };
    // What the file says for people agrees with what was verified.
    assert_eq!(
        read.fingerprint,
        record::fingerprint(&verified.head),
        "an accepted export shows a fingerprint that is not its head's"
    );
    for e in &read.events {
        assert_eq!(
            e.at,
            rfc3339_us(e.at_us),
            "an accepted export shows a time that is not the event's (seq {})",
            e.seq
        );
    }
    let again = read.to_json();
    match export::verify(&again) {
        Ok(same) => assert_eq!((same.events, same.head), (verified.events, verified.head)),
        Err(e) => panic!("an accepted export no longer verifies after a round trip: {e}"),
    }
}

/// Reads what a fuzzer hands us as a short program: numbers, strings and choices.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        first
    }

    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(std::array::from_fn(|_| self.byte()))
    }

    /// Up to `max` bytes of text.
    fn text(&mut self, max: usize) -> String {
        let len = usize::from(self.byte()) % (max + 1);
        let take = len.min(self.0.len());
        let (text, rest) = self.0.split_at(take);
        self.0 = rest;
        String::from_utf8_lossy(text).into_owned()
    }

    fn salt(&mut self) -> Salt {
        std::array::from_fn(|_| self.byte())
    }
}

/// A record sealed from arbitrary drafts verifies, as events and as an export, to its last
/// event's hash; a redacted body still verifies; and any one change to what is hashed or
/// shown beside it, or an event cut from the end, is caught.
pub fn record(data: &[u8]) {
    let mut input = Input(data);
    let count = usize::from(input.byte() % 8) + 1;
    let drafts: Vec<Draft> = (0..count)
        .map(|_| Draft {
            at_us: input.i64(),
            author: input.text(40),
            kind: input.text(24),
            body: input.text(64),
        })
        .collect();
    let salts: Vec<Salt> = (0..count).map(|_| input.salt()).collect();
    let mut salts = salts.into_iter();
    let Ok(events) = record::seal_all((0, GENESIS_PREV), drafts, || {
        salts.next().unwrap_or_default()
    }) else {
        panic!("short fields always seal");
    };
    let head = events.last().map_or(GENESIS_PREV, |e| e.hash);
    assert_eq!(record::verify(&events), Ok(head));
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1, "seq has a gap");
    }

    let space = SpaceId::random();
    let now_us = input.i64();
    let json = Export::new(space, &events, now_us).to_json();
    match export::verify(&json) {
        Ok(ok) => assert_eq!((ok.events, ok.head), (events.len(), head)),
        Err(e) => panic!("a fresh export does not verify: {e}"),
    }
    export(json.as_bytes());

    // Redacting a body keeps the chain.
    let which = usize::from(input.byte()) % events.len();
    let mut redacted = Export::new(space, &events, now_us);
    redacted.events[which].body = None;
    redacted.events[which].salt = None;
    assert!(
        export::verify(&redacted.to_json()).is_ok(),
        "redaction broke it"
    );

    // Cutting the last event is caught by the head.
    let mut cut = Export::new(space, &events, now_us);
    cut.events.pop();
    assert!(
        export::verify(&cut.to_json()).is_err(),
        "a cut went unnoticed"
    );

    // One change to anything hashed, or to what the file shows people, is caught.
    let mut changed = Export::new(space, &events, now_us);
    let flip = |hex: &mut String| {
        let first = if hex.starts_with('0') { "1" } else { "0" };
        hex.replace_range(..1, first);
    };
    let choice = input.byte() % 11;
    let event = &mut changed.events[which];
    match choice {
        0 => event.seq = event.seq.wrapping_add(u64::from(input.byte()) + 1),
        1 => event.at_us = event.at_us.wrapping_add(i64::from(input.byte()) + 1),
        2 => event.author.push('x'),
        3 => event.kind.push('x'),
        4 => event.body.get_or_insert_default().push(' '),
        5 => event.salt.iter_mut().for_each(flip),
        6 => flip(&mut event.digest),
        7 => flip(&mut event.prev),
        8 => flip(&mut event.hash),
        9 => event.at.push('x'),
        _ => changed.fingerprint.push('x'),
    }
    match export::verify(&changed.to_json()) {
        Err(
            VerifyError::Chain(_)
            | VerifyError::HeadMismatch { .. }
            | VerifyError::TimeMismatch { .. }
            | VerifyError::FingerprintMismatch { .. },
        ) => {}
        other => panic!("a change went unnoticed: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    //! The fuzz targets' checks on stable, in every `cargo test`, on inputs shaped like what
    //! each target reads (and on plain bytes). `PROPTEST_CASES` runs more of them.

    use proptest::prelude::*;

    use super::*;

    fn config() -> ProptestConfig {
        ProptestConfig {
            // A failure prints the input that shrank; nothing is written to the tree.
            failure_persistence: None,
            ..ProptestConfig::with_cases(
                std::env::var("PROPTEST_CASES")
                    .ok()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1024),
            )
        }
    }

    /// Form bodies: names and values from the forms' own words, dates, times, zones and
    /// ids, with percent-escapes, plus signs and the odd raw byte.
    fn form_body() -> impl Strategy<Value = Vec<u8>> {
        let name = prop::sample::select(vec![
            "text",
            "title",
            "kind",
            "every",
            "first",
            "until",
            "at",
            "days",
            "on",
            "action",
            "period",
            "faith",
            "feeling_hope",
            "zone",
            "when",
            "next",
            "breach",
            "proposal",
            "revisit",
            "display_name",
            "email",
            "_csrf",
        ]);
        let value = prop_oneof![
            prop::sample::select(vec![
                "",
                "2026-10-02",
                "2026-02-30",
                "21:00",
                "24:00",
                "Europe/Berlin",
                "once",
                "daily",
                "weekdays",
                "monday",
                "report",
                "counter",
                "kept",
                "7",
                "-1",
                "2026-03-29T02:30",
                "You",
                "\u{202E}uoY",
                "%C3%A9",
                "%FF",
                "a+b",
                "%",
                "/elsewhere",
                "//evil.example",
                "00000000-0000-4000-8000-000000000000",
            ])
            .prop_map(str::to_owned),
            "[ -~]{0,12}",
            any::<String>(),
        ];
        prop::collection::vec((name, value), 0..8).prop_map(|pairs| {
            pairs
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes()
        })
    }

    fn date_like() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}",
            "-?[0-9]{6}-[0-9]{2}-[0-9]{2}",
            "[0-9]{2}:[0-9]{2}",
            "[A-Z][a-z]+/[A-Z][a-z_]+",
            "[0-9-]{0,10}\\|[0-9-]{0,10}\\|[0-9-]{0,10}",
            any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn form_bodies_never_panic(body in prop_oneof![form_body(), any::<Vec<u8>>()]) {
            forms(&body);
        }

        #[test]
        fn dates_and_zones_read_back(text in date_like()) {
            calendar(text.as_bytes());
        }

        #[test]
        fn instants_read_back(at_us in any::<i64>()) {
            calendar(&at_us.to_le_bytes());
        }

        #[test]
        fn the_wording_checks_never_panic(text in prop_oneof![
            "([Ii]'?m sorry|[Yy]ou (always|never)|but|if|want to die|kill myself|can'?t go on|afraid of you|you said you'?d|take the kids|hit me|feel safe|[.!?…;,]| |\n|'|’|🙄|/s|[a-z]{1,6}){0,24}",
            any::<String>(),
        ]) {
            checks(text.as_bytes());
        }

        #[test]
        fn exports_never_panic(data in any::<Vec<u8>>()) {
            export(&data);
        }

        #[test]
        fn sealed_records_verify_and_catch_any_change(data in prop::collection::vec(any::<u8>(), 0..600)) {
            record(&data);
        }
    }
}
