//! The calendar feed over HTTP on both databases: a couple with a check-in rhythm, a
//! promise, an agreement and time together; each partner's feed read by Python's
//! `icalendar` (an independent parser: Debian's python3-icalendar, installed by `.ci/run`),
//! neutral unless detailed, never a word of the record, a name or an e-mail; a new address
//! stopping the old one at once, a guessed or malformed one, one turned off, and one of a
//! switched-off account all answering the same 404 as an unknown page; a paused space
//! adding nothing.

use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};
use reqwest::StatusCode;
use serde::Deserialize;

use crate::helpers::{Backend, Client, TestApp, couple, ok, set_rhythm, spawn_app_long};

crate::on_both_databases!(
    each_partner_reads_their_own_feed_in_a_real_parser_and_it_holds_no_words,
    a_new_address_stops_the_old_one_and_strangers_find_nothing,
);

const PROMISE: &str = "Home by nine with my phone on the table";
const AGREEMENT: &str = "No contact with the former colleague, in any form.";
const PLAN: &str = "A long walk by the river with the dog";

const PATH: &str = "/calendar/";

/// The UTC date `days` after the app's today.
fn day(app: &TestApp, days: i64) -> Date {
    let at = jiff::Timestamp::from_second(app.clock.now_secs() + days * 86_400).expect("time");
    jiff::tz::TimeZone::UTC.to_datetime(at).date()
}

/// `hours` from the app's now, as the plan form takes it (UTC, the partners' zone).
fn local_time(app: &TestApp, hours: i64) -> (String, String) {
    let at = jiff::tz::TimeZone::UTC.to_datetime(
        jiff::Timestamp::from_second(app.clock.now_secs() + hours * 3600).expect("time"),
    );
    (
        at.strftime("%Y-%m-%dT%H:%M").to_string(),
        at.strftime("%Y-%m-%dT%H:%M:00+00:00").to_string(),
    )
}

#[derive(Debug, Deserialize)]
struct Parsed {
    version: String,
    prodid: String,
    calscale: String,
    refresh: String,
    refresh_value: String,
    ttl: String,
    errors: usize,
    events: Vec<Event>,
}

#[derive(Debug, Deserialize, Clone)]
struct Event {
    summary: String,
    start: String,
    all_day: bool,
    uid: String,
    stamped: bool,
    described: bool,
    located: bool,
}

/// Python's `icalendar` reads the feed from a file and says what it found, as JSON.
const PARSE: &str = r#"
import datetime, icalendar, json, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
errors = len(getattr(cal, 'errors', []))
events = []
for ev in cal.walk('VEVENT'):
    errors += len(getattr(ev, 'errors', []))
    start = ev.decoded('DTSTART')
    events.append({
        'summary': str(ev.get('SUMMARY')),
        'start': start.isoformat(),
        'all_day': not isinstance(start, datetime.datetime),
        'uid': str(ev.get('UID')),
        'stamped': 'DTSTAMP' in ev,
        'described': 'DESCRIPTION' in ev,
        'located': 'LOCATION' in ev,
    })
refresh = cal.get('REFRESH-INTERVAL')
print(json.dumps({
    'version': str(cal.get('VERSION')),
    'prodid': str(cal.get('PRODID')),
    'calscale': str(cal.get('CALSCALE')),
    'refresh': refresh.to_ical().decode(),
    'refresh_value': str(refresh.params.get('VALUE')),
    'ttl': cal.get('X-PUBLISHED-TTL').to_ical().decode(),
    'errors': errors,
    'events': events,
}))
"#;

/// A Python that has `icalendar`: Debian's own first (the package installs there, and a
/// `python3` earlier on the PATH, such as pyenv's, may not see it), else the PATH's.
fn python() -> &'static str {
    let has_it = |python: &str| {
        std::process::Command::new(python)
            .args(["-c", "import icalendar"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    let found = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|p| has_it(p));
    found.unwrap_or_else(|| {
        panic!("no python3 with icalendar: apt-get install python3-icalendar (.ci/run does)")
    })
}

fn parse(bytes: &[u8]) -> Parsed {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    std::io::Write::write_all(&mut file, bytes).expect("write the feed");
    let out = std::process::Command::new(python())
        .arg("-c")
        .arg(PARSE)
        .arg(file.path())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "icalendar could not read the feed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the parser's JSON")
}

/// Fetches a feed as a calendar app does: no cookies, nothing but the address.
async fn fetch(app: &TestApp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("GET the feed");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    (status, headers, body)
}

/// Turns on (or makes anew) `who`'s feed from the account page; the address's path.
async fn make_feed(who: &Client, detailed: bool) -> String {
    let fields: &[(&str, &str)] = if detailed {
        &[("detailed", "yes")]
    } else {
        &[]
    };
    let page = who.post("/account/calendar", fields).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.reads("only time it is shown"), "{}", page.text());
    let url = page.value_of("calendar-url").expect("the new address");
    assert!(url.starts_with(&format!("{}{PATH}", who.base)), "{url}");
    assert!(url.ends_with("/reminders.ics"), "{url}");
    let path = who.path_of(&url);
    // Shown once: the account page never draws it again.
    let again = who.get("/account").await;
    assert!(again.reads("Your calendar address is on"));
    assert!(!again.has(&path), "the address is not kept");
    path
}

async fn feed(app: &TestApp, path: &str) -> (Vec<u8>, Parsed) {
    let (status, headers, body) = fetch(app, path).await;
    assert_eq!(status, StatusCode::OK);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "text/calendar; charset=utf-8");
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("referrer-policy"), "no-referrer");
    let parsed = parse(&body);
    assert_eq!(parsed.errors, 0, "{parsed:?}");
    assert_eq!(parsed.version, "2.0");
    assert!(parsed.prodid.contains("Goldseam"), "{}", parsed.prodid);
    assert_eq!(parsed.calscale, "GREGORIAN");
    assert_eq!(parsed.refresh, "PT1H");
    assert_eq!(parsed.refresh_value, "DURATION");
    assert_eq!(parsed.ttl, "PT1H");
    for event in &parsed.events {
        assert!(
            event.stamped && !event.described && !event.located,
            "{event:?}"
        );
        assert!(event.uid.ends_with("@goldseam"), "{event:?}");
    }
    let uids: BTreeSet<_> = parsed.events.iter().map(|e| e.uid.clone()).collect();
    assert_eq!(uids.len(), parsed.events.len(), "every UID once");
    (body, parsed)
}

/// What no feed may hold, in any spelling the bytes could carry it.
fn assert_no_words(body: &[u8], sam: &Client, alex: &Client, space: &str) {
    let text = String::from_utf8_lossy(body);
    let id = space.trim_start_matches("/spaces/");
    for word in [
        PROMISE,
        "Home by nine",
        AGREEMENT,
        "former colleague",
        PLAN,
        "walk by the river",
        "Sam",
        "Alex",
        "Sam & Alex",
        "Sam \\& Alex",
        id,
        &sam.email(),
        &alex.email(),
    ] {
        assert!(!text.contains(word), "{word:?} is in the feed:\n{text}");
    }
}

/// The starts of the events whose title is `summary`.
fn starts(parsed: &Parsed, summary: &str) -> BTreeSet<String> {
    parsed
        .events
        .iter()
        .filter(|e| e.summary == summary)
        .map(|e| e.start.clone())
        .collect()
}

/// The couple, with a weekly rhythm on Mondays (UTC), Sam's daily promise at 21:00 from
/// tomorrow, an agreement in force to revisit in 30 days, and time together in two days.
async fn furnished(app: &TestApp) -> (Client, Client, String) {
    let (sam, alex, space) = couple(app).await;
    set_rhythm(
        &sam,
        &alex,
        &space,
        &[
            ("every", "week"),
            ("weekday", "monday"),
            ("time_zone", "UTC"),
        ],
    )
    .await;
    ok(
        &sam,
        &format!("{space}/promises"),
        &[
            ("text", PROMISE),
            ("every", "daily"),
            ("first", &day(app, 1).to_string()),
            ("at", "21:00"),
        ],
    )
    .await;
    let agreement = ok(
        &sam,
        &format!("{space}/agreements"),
        &[("text", AGREEMENT), ("revisit", &day(app, 30).to_string())],
    )
    .await;
    let proposal = alex
        .get(&agreement)
        .await
        .value_of_name("proposal")
        .expect("an open proposal");
    ok(
        &alex,
        &format!("{agreement}/actions"),
        &[("action", "accept"), ("proposal", &proposal)],
    )
    .await;
    assert!(alex.get(&agreement).await.has("in force"));
    let (when, _) = local_time(app, 50);
    ok(
        &alex,
        &format!("{space}/together/plans"),
        &[("what", PLAN), ("when", &when), ("phones_away", "yes")],
    )
    .await;
    (sam, alex, space)
}

async fn each_partner_reads_their_own_feed_in_a_real_parser_and_it_holds_no_words(
    backend: Backend,
) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = furnished(&app).await;
    let before = sam.get("/account").await;
    assert!(
        before.reads("You have no calendar address"),
        "{}",
        before.text()
    );

    // Sam's feed, neutral: every event a "Reminder" and nothing else.
    let sams_path = make_feed(&sam, false).await;
    let (body, parsed) = feed(&app, &sams_path).await;
    assert_no_words(&body, &sam, &alex, &space);
    assert!(
        parsed.events.iter().all(|e| e.summary == "Reminder"),
        "{parsed:?}"
    );

    // The check-ins: every Monday from the one this week's period began on, all day.
    let today = day(&app, 0);
    let mut monday = today;
    while monday.weekday() != Weekday::Monday {
        monday = monday.yesterday().expect("date");
    }
    let all_day: BTreeSet<String> = parsed
        .events
        .iter()
        .filter(|e| e.all_day)
        .map(|e| e.start.clone())
        .collect();
    for week in 0..12 {
        let date = monday
            .checked_add(jiff::Span::new().days(7 * week))
            .expect("date");
        assert!(all_day.contains(&date.to_string()), "{date}: {all_day:?}");
    }
    // The agreement: its revisit date, all day.
    assert!(all_day.contains(&day(&app, 30).to_string()), "{all_day:?}");
    // The promise: each evening at 21:00 UTC from tomorrow, for the 90 days ahead.
    let (_, planned) = local_time(&app, 50);
    let evenings: Vec<&Event> = parsed
        .events
        .iter()
        .filter(|e| !e.all_day && e.start.ends_with("T21:00:00+00:00") && e.start != planned)
        .collect();
    assert!((89..=91).contains(&evenings.len()), "{}", evenings.len());
    let first_evening = format!("{}T21:00:00+00:00", day(&app, 1));
    assert!(evenings.iter().any(|e| e.start == first_evening));
    // Time together: when it was planned for.
    assert!(
        parsed
            .events
            .iter()
            .any(|e| !e.all_day && e.start == planned),
        "{planned}: {parsed:?}"
    );

    // Alex's feed, detailed: the kind named, still no words; no promise of Sam's in it.
    let alexs_path = make_feed(&alex, true).await;
    let (body, alexs) = feed(&app, &alexs_path).await;
    assert_no_words(&body, &sam, &alex, &space);
    assert!(
        starts(&alexs, "Promise to keep").is_empty(),
        "Sam's promise is Sam's"
    );
    assert!(starts(&alexs, "Reminder").is_empty());
    assert!(starts(&alexs, "Check-in").contains(&monday.to_string()));
    assert_eq!(
        starts(&alexs, "Agreement to revisit"),
        BTreeSet::from([day(&app, 30).to_string()])
    );
    assert_eq!(starts(&alexs, "Time together"), BTreeSet::from([planned]));
    // What both are reminded of carries the same UID in both feeds.
    let uids =
        |p: &Parsed| -> BTreeSet<String> { p.events.iter().map(|e| e.uid.clone()).collect() };
    assert!(uids(&alexs).is_subset(&uids(&parsed)));
    assert_eq!(uids(&parsed).len() - uids(&alexs).len(), evenings.len());

    // Sam chooses detailed titles: a new address, the old one gone at once.
    let detailed_path = make_feed(&sam, true).await;
    assert_ne!(detailed_path, sams_path);
    assert_eq!(fetch(&app, &sams_path).await.0, StatusCode::NOT_FOUND);
    let (_, detailed) = feed(&app, &detailed_path).await;
    assert_eq!(starts(&detailed, "Promise to keep").len(), evenings.len());
    assert_eq!(
        uids(&detailed),
        uids(&parsed),
        "the same items, updated in place"
    );

    // A break stops reminders: the paused space adds nothing to either feed.
    ok(&sam, &format!("{space}/pause"), &[("days", "14")]).await;
    assert!(feed(&app, &detailed_path).await.1.events.is_empty());
    assert!(feed(&app, &alexs_path).await.1.events.is_empty());
    ok(&alex, &format!("{space}/pause/end"), &[]).await;
    assert!(!feed(&app, &alexs_path).await.1.events.is_empty());

    // The metrics name the route, never the address.
    let metrics = app.app.render_metrics();
    assert!(
        metrics.contains("/calendar/{token}/reminders.ics"),
        "{metrics}"
    );
    for path in [&sams_path, &alexs_path, &detailed_path] {
        let token = path
            .trim_start_matches(PATH)
            .trim_end_matches("/reminders.ics");
        assert!(!metrics.contains(token));
    }
}

async fn a_new_address_stops_the_old_one_and_strangers_find_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = furnished(&app).await;
    let unknown_page = fetch(&app, "/no-such-page").await;
    assert_eq!(unknown_page.0, StatusCode::NOT_FOUND);
    let is_not_found = |(status, _, body): &(StatusCode, reqwest::header::HeaderMap, Vec<u8>)| {
        *status == StatusCode::NOT_FOUND && *body == unknown_page.2
    };

    let first = make_feed(&sam, false).await;
    assert!(!feed(&app, &first).await.1.events.is_empty());
    let second = make_feed(&sam, false).await;
    let page = sam.post("/account/calendar", &[]).await;
    assert!(page.reads("The address you had before has stopped working"));
    let third = sam.path_of(&page.value_of("calendar-url").expect("address"));
    for old in [&first, &second] {
        assert!(is_not_found(&fetch(&app, old).await), "{old} still answers");
    }
    assert_eq!(fetch(&app, &third).await.0, StatusCode::OK);

    // A stranger's guess, a malformed token, a token of another kind: the same 404.
    let kim = app.person("Kim").await;
    let guess = goldseam::app::random_token();
    let invite = kim.invite_link(&kim.create_space("Kim & Lee").await).await;
    let invite_token = invite.rsplit('/').next().expect("token").to_owned();
    for token in [
        guess.as_str(),
        "abc",
        "../../etc",
        &invite_token,
        &"A".repeat(43),
    ] {
        let path = format!("{PATH}{token}/reminders.ics");
        assert!(is_not_found(&fetch(&app, &path).await), "{path}");
    }
    // Kim's own feed holds nothing of the couple's: she has a space of her own, empty.
    let kims = make_feed(&kim, true).await;
    assert!(feed(&app, &kims).await.1.events.is_empty());
    // Kim's feed did not touch Sam's.
    assert_eq!(fetch(&app, &third).await.0, StatusCode::OK);

    // Turned off: gone at once, and the page says there is none.
    let alexs = make_feed(&alex, false).await;
    assert_eq!(
        ok(&alex, "/account/calendar/off", &[]).await,
        "/account#calendar"
    );
    assert!(is_not_found(&fetch(&app, &alexs).await));
    assert!(
        alex.get("/account")
            .await
            .reads("You have no calendar address")
    );

    // A switched-off account's feed is not found; switched on again, it answers again.
    let email = sam.email();
    let store = app.app.store();
    store
        .set_disabled(&email, Some(app.clock.now_secs()))
        .await
        .expect("disable");
    assert!(is_not_found(&fetch(&app, &third).await));
    store.set_disabled(&email, None).await.expect("enable");
    assert_eq!(fetch(&app, &third).await.0, StatusCode::OK);

    // Without a session the forms are refused like every other (no CSRF token).
    let anonymous = app.client();
    let refused = anonymous.post_raw("/account/calendar", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let _ = space;
}
