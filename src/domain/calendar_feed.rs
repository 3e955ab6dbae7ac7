//! The calendar feed: the dated items of one person's spaces, and their text as an
//! iCalendar file (RFC 5545) that a calendar app subscribes to.
//!
//! This module owns which items a person's feed holds and how they are written. It knows
//! nothing of tokens, storage or HTTP (the app finds the person behind a feed's address),
//! reads no clock and does no I/O: instants arrive as microseconds since the Unix epoch, UTC.
//!
//! A calendar is often shared with others, shown on a lock screen or synced to someone
//! else's server, so a feed says as little as it can:
//! - every event is titled "Reminder" and nothing else, unless the person chose titles that
//!   name the kind of item ("Check-in", "Promise to keep" …); even then no event carries a
//!   word of the record (no promise or agreement text, no name of a partner or a space),
//!   no description and no place;
//! - each event's UID is a digest of the space and the item, so it stays the same from one
//!   fetch to the next without naming either;
//! - only spaces where the person is a partner now count, and only while the space is
//!   neither closed nor on a break: a break stops reminders, so a paused space adds nothing.
//!   A space the person counsels is not theirs to be reminded of, and adds nothing either.
//!
//! The text is written here rather than by a crate: a feed is a dozen fixed lines per event,
//! and the crates available build on `chrono` while every date here is `jiff`. What RFC 5545
//! asks of that text is done and tested below: CRLF line ends, TEXT values escaped, lines
//! folded at 75 octets without splitting a character.

use jiff::Timestamp;
use jiff::civil::Date;
use sha2::{Digest, Sha256};

use super::agreements::AgreementStatus;
use super::calendar::{DAY_US, add_days, utc_date};
use super::promises::Status;
use super::space::SpaceState;
use super::{PersonId, SpaceId};

/// How far back a feed reaches, in days: recent items stay in view for a while.
pub const DAYS_BEHIND: i64 = 30;
/// How far ahead a feed reaches, in days; anything later appears as the window moves on.
pub const DAYS_AHEAD: i64 = 90;

/// The one title of every event in a feed with neutral titles.
pub const NEUTRAL_TITLE: &str = "Reminder";

/// The name a calendar app shows for the feed: as neutral as its events.
pub const CALENDAR_NAME: &str = "Reminders";

/// How often a calendar app is asked to fetch the feed again.
const REFRESH: &str = "PT1H";

/// The longest line RFC 5545 allows, in octets, without its CRLF.
const LINE_OCTETS: usize = 75;

/// What an item in the feed is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A check-in period begins.
    CheckIn,
    /// An occurrence of a promise the person made falls due.
    Promise,
    /// An agreement in force is due to be revisited.
    Agreement,
    /// Time together the couple planned.
    TimeTogether,
}

impl Kind {
    /// The title of its events when the person chose titles that name the kind. Never
    /// anything written in the record.
    pub fn title(self) -> &'static str {
        match self {
            Kind::CheckIn => "Check-in",
            Kind::Promise => "Promise to keep",
            Kind::Agreement => "Agreement to revisit",
            Kind::TimeTogether => "Time together",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Kind::CheckIn => "check-in",
            Kind::Promise => "promise",
            Kind::Agreement => "agreement",
            Kind::TimeTogether => "time-together",
        }
    }
}

/// When an item is: a whole day (a check-in period begins, an agreement's revisit date) or
/// an instant (a promise falls due, time together begins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Day(Date),
    At(i64),
}

impl When {
    /// Where the item sorts: a day at its UTC midnight.
    fn sort_us(self) -> i64 {
        match self {
            When::Day(date) => super::calendar::day_index(date).saturating_mul(DAY_US),
            When::At(at_us) => at_us,
        }
    }
}

/// One dated item of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    pub when: When,
    /// Stable from one fetch to the next, and naming neither the space nor the entry.
    pub uid: String,
}

impl Item {
    fn new(space: SpaceId, kind: Kind, what: &str, when: When) -> Self {
        Self {
            kind,
            when,
            uid: uid(space, kind, what),
        }
    }
}

/// The stretch of time a feed covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub from_us: i64,
    pub until_us: i64,
}

impl Horizon {
    /// From [`DAYS_BEHIND`] days before `now_us` until [`DAYS_AHEAD`] days after it.
    pub fn around(now_us: i64) -> Self {
        Self {
            from_us: now_us.saturating_sub(DAYS_BEHIND * DAY_US),
            until_us: now_us.saturating_add(DAYS_AHEAD * DAY_US),
        }
    }

    fn holds(&self, at_us: i64) -> bool {
        self.from_us <= at_us && at_us < self.until_us
    }

    /// Whether a whole day falls in it, by the UTC calendar.
    fn holds_day(&self, date: Date) -> bool {
        match (utc_date(self.from_us), utc_date(self.until_us)) {
            (Some(from), Some(until)) => from <= date && date <= until,
            _ => false,
        }
    }
}

/// `hex(SHA-256(space, kind, item))`, shortened, at `goldseam`: the same item gets the same
/// UID in every fetch (so calendar apps update it in place), and the UID reveals no id.
fn uid(space: SpaceId, kind: Kind, what: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"goldseam calendar feed\0");
    hash.update(space.to_string().as_bytes());
    hash.update(b"\0");
    hash.update(kind.key().as_bytes());
    hash.update(b"\0");
    hash.update(what.as_bytes());
    let digest = hash.finalize();
    format!("{}@goldseam", hex::encode(&digest[..16]))
}

/// The items `person` is reminded of from one space within `horizon`, as the space stands
/// at `now_us`: none unless they are a partner of it now, and it is neither closed nor on a
/// break.
pub fn items(state: &SpaceState, person: PersonId, horizon: &Horizon, now_us: i64) -> Vec<Item> {
    if !state.is_partner(person) || state.is_closed() || state.pause.paused_at(now_us).is_some() {
        return Vec::new();
    }
    let space = state.id;
    let mut items = Vec::new();

    // Check-ins: the day each period begins.
    for period in state
        .check_ins
        .beginning_between(horizon.from_us, horizon.until_us)
    {
        let key = period.starts_on.to_string();
        items.push(Item::new(
            space,
            Kind::CheckIn,
            &key,
            When::Day(period.starts_on),
        ));
    }

    // Promises the person made: each occurrence when it falls due, but those skipped by
    // saying so in time, and those that fell due in a break (nothing was asked of them).
    for promise in state.promises.made_by(person) {
        for occurrence in promise.due_between(horizon.from_us, horizon.until_us, now_us) {
            if matches!(occurrence.status, Status::Renegotiated | Status::InBreak) {
                continue;
            }
            let key = format!("{}/{}", promise.id, occurrence.on);
            items.push(Item::new(
                space,
                Kind::Promise,
                &key,
                When::At(occurrence.due_us),
            ));
        }
    }

    // Agreements in force: their next revisit date.
    for agreement in state.agreements.with_status(AgreementStatus::Active) {
        if let Some(revisit) = agreement.revisit.map(|r| r.date())
            && horizon.holds_day(revisit)
        {
            let key = format!("{}/{revisit}", agreement.id);
            items.push(Item::new(space, Kind::Agreement, &key, When::Day(revisit)));
        }
    }

    // Time together, planned (whether or not it has been logged since).
    for plan in &state.together.time_together {
        if horizon.holds(plan.when_us) {
            items.push(Item::new(
                space,
                Kind::TimeTogether,
                &plan.id.to_string(),
                When::At(plan.when_us),
            ));
        }
    }
    items
}

/// The feed as an iCalendar file: `items` (from any number of spaces) in time order, titled
/// "Reminder" unless `detailed`, stamped `now_us`.
pub fn render(items: &[Item], detailed: bool, now_us: i64) -> String {
    let mut items: Vec<&Item> = items.iter().collect();
    items.sort_by(|a, b| {
        (a.when.sort_us(), a.kind, &a.uid).cmp(&(b.when.sort_us(), b.kind, &b.uid))
    });
    let stamp = utc_instant(now_us).unwrap_or_else(|| "19700101T000000Z".to_owned());
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Goldseam//Calendar feed//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(CALENDAR_NAME)),
        format!("REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}"),
        format!("X-PUBLISHED-TTL:{REFRESH}"),
    ];
    for item in items {
        let Some(when) = event_times(item.when) else {
            continue;
        };
        let title = if detailed {
            item.kind.title()
        } else {
            NEUTRAL_TITLE
        };
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", item.uid));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.extend(when);
        lines.push(format!("SUMMARY:{}", escape_text(title)));
        // A reminder does not make anyone look busy.
        lines.push("TRANSP:TRANSPARENT".into());
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut text = String::new();
    for line in &lines {
        text.push_str(&fold(line));
    }
    text
}

/// An event's DTSTART (and DTEND for a whole day, which ends at the next midnight).
fn event_times(when: When) -> Option<Vec<String>> {
    match when {
        When::Day(date) => {
            let next = add_days(date, 1)?;
            Some(vec![
                format!("DTSTART;VALUE=DATE:{}", date.strftime("%Y%m%d")),
                format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")),
            ])
        }
        When::At(at_us) => Some(vec![format!("DTSTART:{}", utc_instant(at_us)?)]),
    }
}

/// An instant as an RFC 5545 UTC date-time, to the second.
fn utc_instant(at_us: i64) -> Option<String> {
    let ts = Timestamp::from_microsecond(at_us).ok()?;
    Some(ts.strftime("%Y%m%dT%H%M%SZ").to_string())
}

/// A TEXT value as RFC 5545 spells it: backslash, semicolon, comma and line breaks escaped.
pub fn escape_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: no line longer than 75 octets, each continuation starting
/// with a space, never splitting a character; every line ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Ctx;
    use crate::domain::EntryId;
    use crate::domain::calendar::Zone;
    use crate::domain::record::{Draft, GENESIS_PREV, seal_all};
    use crate::domain::space::{self, Command, SpaceEvent, decide};
    use crate::domain::{input::DisplayName, input::SpaceName, pause, promises, together};

    const NOW: i64 = 1_800_000_000_000_000;
    const HOUR: i64 = 3_600_000_000;

    /// A space built by deciding each command as its actor at its instant, then folding.
    struct Given {
        state: SpaceState,
        events: Vec<Draft>,
    }

    impl Given {
        fn new() -> Self {
            Self {
                state: SpaceState::empty(SpaceId::random()),
                events: Vec::new(),
            }
        }

        fn then(mut self, actor: PersonId, at_us: i64, command: Command) -> Self {
            let ctx = Ctx {
                actor,
                now_us: at_us,
            };
            let events: Vec<SpaceEvent> = decide(&self.state, command, &ctx).expect("decided");
            for e in events {
                self.events.push(Draft {
                    at_us,
                    author: actor.to_string(),
                    kind: e.kind().into(),
                    body: e.body(),
                });
            }
            let recorded =
                seal_all((0, GENESIS_PREV), self.events.clone(), || [0; 16]).expect("seals");
            self.state = space::fold(SpaceState::empty(self.state.id), &recorded);
            self
        }
    }

    fn couple() -> (PersonId, PersonId, Given) {
        let (sam, alex) = (PersonId::random(), PersonId::random());
        let given = Given::new()
            .then(
                sam,
                NOW - 10 * HOUR,
                Command::Create {
                    name: SpaceName::parse("Sam & Alex").expect("name"),
                    display_name: DisplayName::parse("Sam").expect("name"),
                },
            )
            .then(
                alex,
                NOW - 9 * HOUR,
                Command::Join {
                    display_name: DisplayName::parse("Alex").expect("name"),
                },
            );
        (sam, alex, given)
    }

    fn plan(given: Given, who: PersonId, when_us: i64) -> Given {
        given.then(
            who,
            NOW - HOUR,
            Command::Together(together::Command::PlanTime {
                id: EntryId::random(),
                what: together::Activity::parse("A walk by the river").expect("activity"),
                when_us,
                phones_away: true,
            }),
        )
    }

    fn daily_promise(given: Given, who: PersonId) -> Given {
        let today = utc_date(NOW).expect("date");
        given.then(
            who,
            NOW - HOUR,
            Command::Promise(promises::Command::Make {
                id: EntryId::random(),
                breach: None,
                text: promises::PromiseText::parse("Home by nine", "Text").expect("text"),
                repeat: promises::Repeat::parse("daily", &today.to_string(), "", &[])
                    .expect("repeat"),
                at: promises::TimeOfDay::parse("21:00").expect("time"),
                zone: Zone::utc(),
            }),
        )
    }

    #[test]
    fn time_together_is_in_both_feeds_and_a_promise_only_in_its_promisers() {
        let (sam, alex, given) = couple();
        let given = daily_promise(plan(given, alex, NOW + 48 * HOUR), sam);
        let horizon = Horizon::around(NOW);
        let sams = items(&given.state, sam, &horizon, NOW);
        let alexs = items(&given.state, alex, &horizon, NOW);
        let count = |items: &[Item], kind| items.iter().filter(|i| i.kind == kind).count();
        assert_eq!(count(&sams, Kind::TimeTogether), 1);
        assert_eq!(count(&alexs, Kind::TimeTogether), 1);
        assert_eq!(
            sams.iter()
                .find(|i| i.kind == Kind::TimeTogether)
                .map(|i| i.when),
            Some(When::At(NOW + 48 * HOUR))
        );
        // Daily from today at 21:00 for the next 90 days: 90 or 91 of them, by the hour.
        assert!((90..=91).contains(&count(&sams, Kind::Promise)), "{sams:?}");
        assert_eq!(count(&alexs, Kind::Promise), 0, "Alex made no promise");
        // The same item has the same UID both ways, and no UID names the space.
        let uid = |items: &[Item]| {
            items
                .iter()
                .find(|i| i.kind == Kind::TimeTogether)
                .map(|i| i.uid.clone())
        };
        assert_eq!(uid(&sams), uid(&alexs));
        let space = given.state.id.to_string();
        assert!(sams.iter().all(|i| !i.uid.contains(&space)));
    }

    #[test]
    fn a_paused_space_a_stranger_and_a_plan_outside_the_horizon_add_nothing() {
        let (sam, alex, given) = couple();
        let given = plan(given, alex, NOW + 100 * 24 * HOUR);
        let horizon = Horizon::around(NOW);
        assert!(
            items(&given.state, sam, &horizon, NOW).is_empty(),
            "too far ahead"
        );
        let given = plan(given, alex, NOW + 24 * HOUR);
        assert_eq!(items(&given.state, sam, &horizon, NOW).len(), 1);
        assert!(items(&given.state, PersonId::random(), &horizon, NOW).is_empty());
        let paused = given.then(
            sam,
            NOW - HOUR / 2,
            Command::Pause(pause::Command::Pause { days: Some(3) }),
        );
        assert!(items(&paused.state, sam, &horizon, NOW).is_empty());
        assert!(items(&paused.state, alex, &horizon, NOW).is_empty());
        // Once the break has run out, the space counts again.
        let later = NOW + 4 * 24 * HOUR;
        assert_eq!(
            items(&paused.state, alex, &Horizon::around(later), later).len(),
            1
        );
    }

    #[test]
    fn a_left_space_adds_nothing_for_either() {
        let (sam, alex, given) = couple();
        let given = plan(given, alex, NOW + 24 * HOUR).then(alex, NOW, Command::Leave);
        let horizon = Horizon::around(NOW);
        assert!(items(&given.state, sam, &horizon, NOW).is_empty());
        assert!(items(&given.state, alex, &horizon, NOW).is_empty());
    }

    #[test]
    fn the_feed_is_neutral_unless_detailed_and_never_holds_record_words() {
        let (sam, alex, given) = couple();
        let given = daily_promise(plan(given, alex, NOW + 48 * HOUR), sam);
        let items = items(&given.state, sam, &Horizon::around(NOW), NOW);
        let neutral = render(&items, false, NOW);
        let detailed = render(&items, true, NOW);
        for text in [&neutral, &detailed] {
            for word in [
                "walk by the river",
                "Home by nine",
                "Sam",
                "Alex",
                "DESCRIPTION",
                "LOCATION",
            ] {
                assert!(!text.contains(word), "{word}");
            }
            assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
            assert!(text.ends_with("END:VCALENDAR\r\n"));
            assert!(text.contains("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
            assert!(text.contains("X-PUBLISHED-TTL:PT1H\r\n"));
            assert!(text.contains("CALSCALE:GREGORIAN\r\n"));
            assert!(text.split("\r\n").all(|l| l.len() <= 75));
            assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
        }
        let summaries = |text: &str| -> Vec<String> {
            text.split("\r\n")
                .filter_map(|l| l.strip_prefix("SUMMARY:"))
                .map(str::to_owned)
                .collect()
        };
        assert!(summaries(&neutral).iter().all(|s| s == NEUTRAL_TITLE));
        assert_eq!(summaries(&neutral).len(), items.len());
        let titles = summaries(&detailed);
        assert!(titles.contains(&"Promise to keep".to_owned()));
        assert!(titles.contains(&"Time together".to_owned()));
        assert!(!titles.contains(&NEUTRAL_TITLE.to_owned()));
        assert!(neutral.contains(&format!(
            "DTSTART:{}\r\n",
            utc_instant(NOW + 48 * HOUR).expect("instant")
        )));
    }

    #[test]
    fn whole_days_end_at_the_next_midnight() {
        let day = jiff::civil::date(2026, 12, 31);
        assert_eq!(
            event_times(When::Day(day)),
            Some(vec![
                "DTSTART;VALUE=DATE:20261231".to_owned(),
                "DTEND;VALUE=DATE:20270101".to_owned()
            ])
        );
        assert_eq!(
            event_times(When::At(0)),
            Some(vec!["DTSTART:19700101T000000Z".to_owned()])
        );
    }

    #[test]
    fn text_is_escaped_and_long_lines_fold_without_splitting_a_character() {
        assert_eq!(escape_text("a,b;c\\d\ne\r"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(fold("SHORT:line"), "SHORT:line\r\n");
        let long = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold(&long);
        let lines: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.len() <= 75), "{lines:?}");
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
        let unfolded: String = lines
            .iter()
            .enumerate()
            .map(|(i, l)| if i == 0 { *l } else { &l[1..] })
            .collect();
        assert_eq!(unfolded, long);
    }
}
