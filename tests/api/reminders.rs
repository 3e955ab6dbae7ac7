//! Reminders with no content, through a real SMTP listener: off until a person chooses
//! them, then only for what is new, neutral and nameless, with a one-click way out that a
//! link-following scanner cannot trigger; quiet hours on the person's own wall clock across
//! both daylight-saving changes; a daily digest; nothing from a space on a break; kept in
//! the outbox while the mail server is down; and the refusals that save nothing.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, PASSWORD, TestApp, couple, fresh_postgres, ok, postgres, spawn_app,
    spawn_app_on, spawn_app_with,
};
use crate::smtp::{Received, Sink};

crate::on_both_databases!(
    reminders_are_off_until_chosen_then_only_for_what_is_new,
    a_reminder_says_nothing_and_stops_with_one_click_but_not_with_a_get,
    quiet_hours_keep_to_the_wall_clock_across_daylight_saving,
    a_daily_digest_comes_once_at_its_hour,
    a_space_on_a_break_sends_nothing,
    a_reminder_waits_in_the_outbox_while_the_mail_server_is_down,
    the_worker_looks_by_itself,
    refused_settings_save_nothing,
    a_reminder_late_for_its_time_is_dropped_not_sent_at_night,
    changing_the_settings_keeps_news_held_back_by_quiet_hours,
    a_reminder_waiting_in_the_outbox_goes_no_further_once_stopped,
    erasing_an_account_takes_its_waiting_reminder_with_it,
);

/// Words only the couple's space holds: no reminder may carry them.
const LETTER: &str = "I keep thinking about the harbour walk we never finished.";
const SECOND_LETTER: &str = "The blue notebook on the shelf is yours to read.";
const SPACE_NAME: &str = "Sam & Alex";

/// A server with mail to a sink of its own, sessions that outlive the months a test moves
/// through, and the reminder worker looking only when the test says so.
async fn spawn(backend: Backend, worker: Option<Duration>) -> TestApp {
    let sink = std::sync::Arc::new(Sink::start().await);
    let mail = sink.settings();
    let mut app = spawn_app_with(backend, |s| {
        s.mail = Some(mail);
        s.session_idle = Duration::from_secs(400 * 24 * 3600);
        s.session_max = Duration::from_secs(400 * 24 * 3600);
        s.reminder_every = worker;
    })
    .await;
    app.sink = Some(sink);
    app
}

fn sink(app: &TestApp) -> &Sink {
    app.sink.as_deref().expect("the app sends mail")
}

/// One look by the reminder worker, now on the test's clock: how many reminders went out.
async fn look(app: &TestApp) -> usize {
    goldseam::web::remind_due(&app.app).await
}

/// Moves the clock past the worker's next look at everyone.
fn next_look(app: &TestApp) {
    app.advance(Duration::from_secs(
        u64::try_from(goldseam::app::LOOK_EVERY_SECS).expect("positive") + 1,
    ));
}

async fn choose(client: &Client, how: &str, topics: &[&str], quiet: (u8, u8), digest: u8) {
    let (from, until, digest) = (quiet.0.to_string(), quiet.1.to_string(), digest.to_string());
    let mut fields = vec![
        ("how", how),
        ("quiet_from", from.as_str()),
        ("quiet_until", until.as_str()),
        ("digest_at", digest.as_str()),
    ];
    fields.extend(topics.iter().map(|t| ("topics", *t)));
    let to = ok(client, "/account/reminders", &fields).await;
    assert_eq!(to, "/account/reminders?saved=1");
}

/// No quiet hours: the hour of day the test runs at does not matter.
async fn choose_email(client: &Client) {
    choose(
        client,
        "email",
        &["letter", "question", "checkin"],
        (0, 0),
        9,
    )
    .await;
}

async fn send_letter(from: &Client, space: &str, text: &str) {
    ok(
        from,
        &format!("{space}/letters"),
        &[("text", text), ("action", "send")],
    )
    .await;
}

fn reminders_to(app: &TestApp, to: &str) -> Vec<Received> {
    sink(app)
        .to(to)
        .into_iter()
        .filter(|m| m.subject() == "Something is waiting for you")
        .collect()
}

/// Waits until `to` has `n` reminders.
async fn wait_reminders(app: &TestApp, to: &str, n: usize) -> Vec<Received> {
    loop {
        let got = reminders_to(app, to);
        if got.len() >= n {
            return got;
        }
        sink(app).wait_for(sink(app).mails().len() + 1).await;
    }
}

async fn outbox(app: &TestApp) -> i64 {
    app.app.store().outbox_depth().await.expect("outbox depth")
}

async fn reminders_are_off_until_chosen_then_only_for_what_is_new(backend: Backend) {
    let app = spawn(backend, None).await;
    let (sam, alex, space) = couple(&app).await;
    let page = sam.get("/account/reminders").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"value="none" checked"#),
        "none is the default: {}",
        page.body
    );
    send_letter(&alex, &space, LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 0, "no reminders until chosen");
    assert_eq!(outbox(&app).await, 0);

    choose_email(&sam).await;
    assert!(sam.get("/account/reminders?saved=1").await.reads("Saved."));
    // What waited when Sam chose is where Sam started: not news.
    assert_eq!(look(&app).await, 0);
    next_look(&app);
    assert_eq!(look(&app).await, 0);

    send_letter(&alex, &space, SECOND_LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 1, "a new letter is news");
    let got = wait_reminders(&app, &sam.email(), 1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, vec![sam.email()]);
    assert!(
        reminders_to(&app, &alex.email()).is_empty(),
        "nothing waits for Alex"
    );

    // Nothing new since: nothing more, however often the worker looks.
    for _ in 0..3 {
        next_look(&app);
        assert_eq!(look(&app).await, 0);
    }
    // Alex chose nothing, and Sam's answer waits for Alex now: still nothing for Alex.
    send_letter(&sam, &space, "Thank you for writing.").await;
    next_look(&app);
    assert_eq!(look(&app).await, 0);
    assert!(reminders_to(&app, &alex.email()).is_empty());
}

async fn a_reminder_says_nothing_and_stops_with_one_click_but_not_with_a_get(backend: Backend) {
    let app = spawn(backend, None).await;
    let (sam, alex, space) = couple(&app).await;
    choose_email(&sam).await;
    assert_eq!(look(&app).await, 0);
    send_letter(&alex, &space, LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 1);
    let mail = wait_reminders(&app, &sam.email(), 1).await.remove(0);

    // Neutral: no record sentence, no name, no space name, in headers or body.
    let whole = format!("{}\n{}", mail.raw, mail.text());
    for secret in [
        LETTER,
        "harbour",
        SPACE_NAME,
        "Sam &amp; Alex",
        "Alex",
        "Sam",
    ] {
        assert!(!whole.contains(secret), "the reminder holds {secret:?}");
    }
    assert!(mail.text().contains(&format!("{}/login", app.base)));

    // RFC 8058: an https-or-http URL in angle brackets, and the one-click POST header.
    let unsubscribe = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
    let url = unsubscribe
        .strip_prefix('<')
        .and_then(|u| u.strip_suffix('>'))
        .expect("<url>")
        .to_owned();
    assert!(url.starts_with(&format!("{}/reminders/unsubscribe/", app.base)));
    assert_eq!(
        mail.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert_eq!(
        mail.link(&url).as_deref(),
        Some(url.as_str()),
        "the body has it too"
    );

    // A scanner following the link (GET, no cookies) changes nothing.
    let scanner = app.client();
    let path = scanner.path_of(&url);
    for _ in 0..2 {
        let page = scanner.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.reads("Stop reminders?"), "{}", page.body);
    }
    assert!(
        sam.get("/account/reminders")
            .await
            .body
            .contains(r#"value="email" checked"#)
    );

    // The mail client's one click: a POST with no cookie and no CSRF token.
    let clicked = reqwest::Client::new()
        .post(&url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("one-click POST");
    assert_eq!(clicked.status(), StatusCode::OK);
    let body = clicked.text().await.expect("body");
    assert!(body.contains("Reminders are off"), "{body}");
    assert!(
        sam.get("/account/reminders")
            .await
            .body
            .contains(r#"value="none" checked"#)
    );
    send_letter(&alex, &space, SECOND_LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 0, "stopped");
    // Clicking again is harmless; a guessed link is not found, by GET or by POST.
    assert_eq!(scanner.post_raw(&path, &[]).await.status, StatusCode::OK);
    let guess = "/reminders/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(scanner.get(guess).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        scanner.post_raw(guess, &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

/// The next instant at or after the clock's now with this UTC date and time.
fn move_to(app: &TestApp, rfc3339: &str) {
    let target: i64 = rfc3339
        .parse::<jiff::Timestamp>()
        .expect("instant")
        .as_microsecond();
    move_to_us(app, target);
}

fn move_to_us(app: &TestApp, target: i64) {
    let now = app.clock.now_us();
    assert!(
        target > now,
        "the test's moments must lie ahead of its clock"
    );
    app.advance(Duration::from_micros(
        u64::try_from(target - now).expect("ahead"),
    ));
}

/// Tomorrow's date on the UTC calendar of the test's clock.
fn tomorrow(app: &TestApp) -> jiff::civil::Date {
    jiff::Timestamp::from_microsecond(app.clock.now_us())
        .expect("now")
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .tomorrow()
        .expect("tomorrow")
}

/// The next change of Berlin's clocks after now in the given direction (forward in spring,
/// back in autumn), as microseconds: both happen at 01:00 UTC.
fn next_berlin_change(now_us: i64, forward: bool) -> i64 {
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").expect("Berlin");
    let now = jiff::Timestamp::from_microsecond(now_us).expect("now");
    tz.following(now)
        .find(|t| {
            let before = tz.to_offset(t.timestamp() - jiff::SignedDuration::from_secs(1));
            (t.offset() > before) == forward
        })
        .expect("a coming change")
        .timestamp()
        .as_microsecond()
}

const HOUR_US: i64 = 3_600_000_000;

async fn quiet_hours_keep_to_the_wall_clock_across_daylight_saving(backend: Backend) {
    let app = spawn(backend, None).await;
    let (sam, alex, space) = couple(&app).await;
    ok(
        &sam,
        "/account/time-zone",
        &[("time_zone", "Europe/Berlin")],
    )
    .await;
    // Quiet from 22:00 until 07:00 in Berlin.
    choose(&sam, "email", &["letter"], (22, 7), 9).await;
    assert_eq!(look(&app).await, 0);

    // The next spring change (01:00 UTC on a Sunday). On the Saturday at 05:30 UTC it is
    // 06:30 in Berlin, winter time: quiet.
    let spring = next_berlin_change(app.clock.now_us(), true);
    move_to_us(&app, spring - 24 * HOUR_US + 9 * HOUR_US / 2);
    send_letter(&alex, &space, LETTER).await;
    assert_eq!(look(&app).await, 0, "06:30 in Berlin is within quiet hours");
    // The Sunday at 05:30 UTC: the clocks went forward, it is 07:30 in Berlin. (An offset
    // kept from winter would read 06:30 and stay quiet.)
    move_to_us(&app, spring + 9 * HOUR_US / 2);
    assert_eq!(
        look(&app).await,
        1,
        "07:30 summer time is after quiet hours"
    );
    wait_reminders(&app, &sam.email(), 1).await;

    // The next autumn change. On the Saturday at 04:30 UTC it is 06:30 summer time: quiet.
    let autumn = next_berlin_change(app.clock.now_us(), false);
    move_to_us(&app, autumn - 24 * HOUR_US + 7 * HOUR_US / 2);
    send_letter(&alex, &space, SECOND_LETTER).await;
    assert_eq!(look(&app).await, 0, "06:30 in Berlin is within quiet hours");
    // The Sunday at 05:30 UTC: the clocks went back, it is 06:30 in Berlin. (An offset kept
    // from summer would read 07:30 and send.)
    move_to_us(&app, autumn + 9 * HOUR_US / 2);
    assert_eq!(look(&app).await, 0, "06:30 winter time is still quiet");
    move_to_us(&app, autumn + 5 * HOUR_US);
    assert_eq!(look(&app).await, 1, "07:00 in Berlin: quiet hours are over");
    assert_eq!(wait_reminders(&app, &sam.email(), 2).await.len(), 2);
}

async fn a_daily_digest_comes_once_at_its_hour(backend: Backend) {
    let app = spawn(backend, None).await;
    let (sam, alex, space) = couple(&app).await;
    // Tomorrow at 08:30 UTC, whenever the test runs.
    let tomorrow = tomorrow(&app);
    move_to(&app, &format!("{tomorrow}T08:30:00Z"));
    choose(&sam, "digest", &["letter"], (0, 0), 9).await;
    assert_eq!(look(&app).await, 0);
    send_letter(&alex, &space, LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 0, "before nine: the digest waits");
    move_to(&app, &format!("{tomorrow}T09:00:00Z"));
    assert_eq!(look(&app).await, 1);
    let digest = wait_reminders(&app, &sam.email(), 1).await.remove(0);
    assert!(
        digest.text().contains("Today's reminder"),
        "{}",
        digest.text()
    );

    // More later that day: it waits for the next day's digest.
    move_to(&app, &format!("{tomorrow}T15:00:00Z"));
    send_letter(&alex, &space, SECOND_LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 0, "one digest a day");
    let after = tomorrow.tomorrow().expect("the day after");
    move_to(&app, &format!("{after}T09:10:00Z"));
    assert_eq!(look(&app).await, 1);
    wait_reminders(&app, &sam.email(), 2).await;
    // Nothing new by the next day's hour: no digest.
    let third = after.tomorrow().expect("and after");
    move_to(&app, &format!("{third}T09:10:00Z"));
    assert_eq!(look(&app).await, 0);
    assert_eq!(reminders_to(&app, &sam.email()).len(), 2);
}

async fn a_space_on_a_break_sends_nothing(backend: Backend) {
    let app = spawn(backend, None).await;
    let (sam, alex, space) = couple(&app).await;
    choose_email(&sam).await;
    assert_eq!(look(&app).await, 0);
    send_letter(&alex, &space, LETTER).await;
    ok(&sam, &format!("{space}/pause"), &[("days", "14")]).await;
    for _ in 0..3 {
        next_look(&app);
        assert_eq!(look(&app).await, 0, "nothing is sent during a break");
    }
    assert_eq!(outbox(&app).await, 0);
    // When the break ends, what waits is news again.
    ok(&alex, &format!("{space}/pause/end"), &[]).await;
    next_look(&app);
    assert_eq!(look(&app).await, 1);
    wait_reminders(&app, &sam.email(), 1).await;
}

/// Sam chose e-mail reminders, the mail server went down, and Alex's letter put a reminder
/// in the outbox that the server has refused once.
async fn a_reminder_queued_while_down(backend: Backend) -> (TestApp, Client, Client, String) {
    let app = spawn(backend, None).await;
    let (sam, alex, space) = couple(&app).await;
    choose_email(&sam).await;
    assert_eq!(look(&app).await, 0);
    sink(&app).set_down(true);
    send_letter(&alex, &space, LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 1);
    sink(&app).wait_refused(1).await;
    assert_eq!(outbox(&app).await, 1, "kept while the server is down");
    (app, sam, alex, space)
}

async fn a_reminder_waits_in_the_outbox_while_the_mail_server_is_down(backend: Backend) {
    let (app, sam, _alex, _space) = a_reminder_queued_while_down(backend).await;
    sink(&app).set_down(false);
    app.advance(Duration::from_secs(61));
    app.app.wake_outbox();
    wait_reminders(&app, &sam.email(), 1).await;
}

async fn the_worker_looks_by_itself(backend: Backend) {
    let app = spawn(backend, Some(Duration::from_millis(50))).await;
    let (sam, alex, space) = couple(&app).await;
    choose_email(&sam).await;
    // The worker's first look takes what waits as known; then a letter is news.
    let id = person_id(&app, &sam).await;
    let mut waited = 0;
    loop {
        let row = app.app.store().reminder_settings(&id).await.expect("read");
        if row.is_some_and(|r| r.reminded.is_some()) {
            break;
        }
        waited += 1;
        assert!(waited < 400, "the worker never looked");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    send_letter(&alex, &space, LETTER).await;
    next_look(&app);
    wait_reminders(&app, &sam.email(), 1).await;
}

async fn refused_settings_save_nothing(backend: Backend) {
    let app = spawn(backend, None).await;
    let (sam, _alex, _space) = couple(&app).await;
    let refused: [&[(&str, &str)]; 5] = [
        &[
            ("how", "email"),
            ("quiet_from", "22"),
            ("quiet_until", "7"),
            ("digest_at", "9"),
        ],
        &[
            ("how", "loud"),
            ("topics", "letter"),
            ("quiet_from", "22"),
            ("quiet_until", "7"),
            ("digest_at", "9"),
        ],
        &[
            ("how", "email"),
            ("topics", "letter"),
            ("quiet_from", "25"),
            ("quiet_until", "7"),
            ("digest_at", "9"),
        ],
        &[
            ("how", "email"),
            ("topics", "secrets"),
            ("quiet_from", "22"),
            ("quiet_until", "7"),
            ("digest_at", "9"),
        ],
        // A digest at 23:00 in quiet hours from 22:00 could never come.
        &[
            ("how", "digest"),
            ("topics", "letter"),
            ("quiet_from", "22"),
            ("quiet_until", "8"),
            ("digest_at", "23"),
        ],
    ];
    for fields in refused {
        let page = sam.post("/account/reminders", fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            page.has("role=\"alert\"") || page.has("class=\"error\""),
            "{}",
            page.body
        );
    }
    assert!(
        app.app
            .store()
            .reminder_settings(&person_id(&app, &sam).await)
            .await
            .expect("read")
            .is_none(),
        "nothing saved"
    );

    // A server without mail offers no reminders, and saves none.
    let plain = spawn_app(backend).await;
    let (pat, _, _) = couple(&plain).await;
    let page = pat.get("/account/reminders").await;
    assert!(page.reads("isn't set up to send e-mail"), "{}", page.body);
    let fields = [
        ("how", "email"),
        ("topics", "letter"),
        ("quiet_from", "22"),
        ("quiet_until", "7"),
        ("digest_at", "9"),
    ];
    let refused = pat.post("/account/reminders", &fields).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        plain
            .app
            .store()
            .reminder_settings(&person_id(&plain, &pat).await)
            .await
            .expect("read")
            .is_none()
    );
}

/// A person's id, as the store knows it, from their e-mail.
async fn person_id(app: &TestApp, client: &Client) -> String {
    let norm = client.email().to_lowercase();
    app.app
        .store()
        .active_person_by_email(&norm)
        .await
        .expect("read")
        .expect("the person")
        .id
}

async fn erasing_an_account_takes_its_waiting_reminder_with_it(backend: Backend) {
    let (app, sam, _alex, _space) = a_reminder_queued_while_down(backend).await;
    let id = person_id(&app, &sam).await;
    ok(
        &sam,
        "/account/erase",
        &[("password", PASSWORD), ("confirmed", "yes")],
    )
    .await;
    assert_eq!(outbox(&app).await, 0, "no mail waits for an erased address");
    assert!(
        app.app
            .store()
            .reminder_settings(&id)
            .await
            .expect("read")
            .is_none()
    );
}

/// Two servers on one PostgreSQL database, both with their reminder worker: one person's
/// news is reminded of once, by whichever server looked first.
#[tokio::test]
async fn two_servers_on_one_database_remind_once() {
    if postgres().is_none() {
        return;
    }
    let sink = std::sync::Arc::new(Sink::start().await);
    let options = fresh_postgres().await;
    let first = goldseam::store::Store::postgres(options.clone())
        .await
        .expect("connect");
    first.migrate().await.expect("migrate");
    let second = goldseam::store::Store::postgres(options)
        .await
        .expect("connect again");
    let with_mail = |s: &mut goldseam::config::Settings| {
        s.mail = Some(sink.settings());
        s.reminder_every = None;
    };
    let mut one = spawn_app_on(first, tempfile::tempdir().expect("dir"), with_mail).await;
    one.sink = Some(sink.clone());
    let two = spawn_app_on(second, tempfile::tempdir().expect("dir"), with_mail).await;
    let (sam, alex, space) = couple(&one).await;
    choose_email(&sam).await;
    assert_eq!(look(&one).await, 0);
    send_letter(&alex, &space, LETTER).await;
    let later = Duration::from_secs(301);
    one.advance(later);
    two.advance(later);
    let mut total = 0;
    for _ in 0..3 {
        let (a, b) = tokio::join!(look(&one), look(&two));
        total += a + b;
    }
    assert_eq!(total, 1, "one reminder, from whichever server looked first");
    wait_reminders(&one, &sam.email(), 1).await;
    one.advance(later);
    two.advance(later);
    let (a, b) = tokio::join!(look(&one), look(&two));
    assert_eq!(a + b, 0, "and never again for the same letter");
    assert_eq!(reminders_to(&one, &sam.email()).len(), 1);
}

async fn a_reminder_late_for_its_time_is_dropped_not_sent_at_night(backend: Backend) {
    let app = spawn(backend, None).await;
    let (sam, alex, space) = couple(&app).await;
    let day = tomorrow(&app);
    move_to(&app, &format!("{day}T21:50:00Z"));
    // UTC, quiet from 22:00: a reminder put in the outbox at 21:50 lasts ten minutes.
    choose(&sam, "email", &["letter"], (22, 7), 9).await;
    assert_eq!(look(&app).await, 0);
    let sink = sink(&app);
    sink.set_down(true);
    send_letter(&alex, &space, LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 1);
    sink.wait_refused(1).await;
    assert_eq!(outbox(&app).await, 1);
    // The mail server is back at 22:30, when the worker looks again: too late.
    move_to(&app, &format!("{day}T22:30:00Z"));
    sink.set_down(false);
    app.app.wake_outbox();
    let mut waited = 0;
    while outbox(&app).await > 0 {
        waited += 1;
        assert!(waited < 400, "the late reminder was never dropped");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        reminders_to(&app, &sam.email()).is_empty(),
        "nothing arrives at night"
    );
}

async fn changing_the_settings_keeps_news_held_back_by_quiet_hours(backend: Backend) {
    let app = spawn(backend, None).await;
    let (sam, alex, space) = couple(&app).await;
    let day = tomorrow(&app);
    move_to(&app, &format!("{day}T23:00:00Z"));
    choose(&sam, "email", &["letter"], (22, 7), 9).await;
    assert_eq!(look(&app).await, 0);
    send_letter(&alex, &space, LETTER).await;
    next_look(&app);
    assert_eq!(look(&app).await, 0, "quiet");
    // Sam moves the end of the quiet hours while they are on: the letter is still news.
    choose(&sam, "email", &["letter"], (22, 8), 9).await;
    let next = day.tomorrow().expect("the next day");
    move_to(&app, &format!("{next}T08:05:00Z"));
    assert_eq!(look(&app).await, 1);
    wait_reminders(&app, &sam.email(), 1).await;
}

async fn a_reminder_waiting_in_the_outbox_goes_no_further_once_stopped(backend: Backend) {
    let (app, sam, alex, space) = a_reminder_queued_while_down(backend).await;
    let sink = sink(&app);
    // Sam turns reminders off on the page while the reminder waits: it goes no further.
    choose(&sam, "none", &["letter"], (0, 0), 9).await;
    assert_eq!(
        outbox(&app).await,
        0,
        "turning them off takes the waiting reminder"
    );
    sink.set_down(false);
    app.advance(Duration::from_secs(61));
    app.app.wake_outbox();
    // And the one-click way out does the same (tested on a second reminder).
    choose_email(&sam).await;
    assert_eq!(look(&app).await, 0);
    sink.set_down(true);
    send_letter(&alex, &space, SECOND_LETTER).await;
    // An hour after the first: one reminder an hour at most.
    app.advance(Duration::from_secs(3600));
    assert_eq!(look(&app).await, 1);
    sink.wait_refused(2).await;
    assert!(
        app.app
            .store()
            .stop_reminders(&person_id(&app, &sam).await)
            .await
            .expect("stop")
    );
    assert_eq!(outbox(&app).await, 0, "stopping takes the waiting reminder");
    assert!(reminders_to(&app, &sam.email()).is_empty());
}
