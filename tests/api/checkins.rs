//! Check-ins over HTTP on both databases: the rhythm, sealed answers, the reveal, and that a
//! sealed answer leaks nothing to the partner.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, Client, couple, event_count, spawn_app_long};

crate::on_both_databases!(
    answers_stay_sealed_until_both_have_answered_then_show_side_by_side,
    a_sealed_answer_changes_nothing_the_partner_can_see,
    a_lone_answer_is_revealed_when_the_check_in_ends_and_late_answers_are_marked,
    bad_check_in_input_is_refused_and_writes_nothing,
    nobody_outside_the_space_sees_check_ins,
);

async fn weekly(client: &Client, space: &str) {
    let page = client
        .post(
            &format!("{space}/checkins/cadence"),
            &[
                ("every", "week"),
                ("weekday", "monday"),
                ("zone", "Europe/Berlin"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
}

/// The period the page offers to answer (its start date), if any.
async fn open_period(client: &Client, space: &str) -> Option<String> {
    let page = client.get(&format!("{space}/checkins")).await;
    let at = page.body.find("name=\"period\" value=\"")? + 21;
    Some(page.body[at..at + 10].to_owned())
}

async fn answer(client: &Client, space: &str, period: &str, helped: &str) -> crate::helpers::Page {
    client
        .post(
            &format!("{space}/checkins/answer"),
            &[
                ("period", period),
                ("predictability", "3"),
                ("dependability", "4"),
                ("faith", "6"),
                ("feeling_anxiety", "4"),
                ("feeling_hope", "2"),
                ("helped", helped),
                ("hurt", ""),
                ("need", "More evenings together."),
            ],
        )
        .await
}

async fn answers_stay_sealed_until_both_have_answered_then_show_side_by_side(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    weekly(&sam, &space).await;
    let period = open_period(&sam, &space)
        .await
        .expect("the running week can be answered at once");
    assert_eq!(
        open_period(&alex, &space).await.as_deref(),
        Some(period.as_str())
    );

    let page = answer(&sam, &space, &period, "The walk on Sunday.").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let alexs = alex.get(&format!("{space}/checkins")).await;
    assert!(
        alexs.has("answered: sealed until you have answered too"),
        "{}",
        alexs.text()
    );
    assert!(!alexs.has("The walk on Sunday."));
    assert!(
        !alex
            .get(&format!("{space}/record"))
            .await
            .has("The walk on Sunday.")
    );
    assert!(
        !alex
            .get(&format!("{space}/export"))
            .await
            .body
            .contains("walk on Sunday")
    );
    // Sam sees their own answer, and that Alex has not answered.
    let sams = sam.get(&format!("{space}/checkins")).await;
    assert!(sams.has("The walk on Sunday.") && sams.has("not answered yet"));

    assert_eq!(
        answer(&alex, &space, &period, "Your honesty about the messages.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    for page in [
        sam.get(&format!("{space}/checkins")).await,
        alex.get(&format!("{space}/checkins")).await,
    ] {
        assert!(
            page.has("The walk on Sunday.") && page.has("Your honesty about the messages."),
            "{}",
            page.text()
        );
        assert!(page.has("anxiety (4 of 5)") && page.has("3 of 10"));
    }
    let export = alex.get(&format!("{space}/export")).await;
    assert!(
        export.body.contains("walk on Sunday"),
        "revealed answers are in both exports"
    );
    goldseam::export::verify(&export.body).expect("export verifies");
}

/// Masks what legitimately differs between two runs: ids, hashes, tokens, times.
fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 4 {
            out.push('#');
        } else {
            out.extend(
                run.chars()
                    .map(|c| if c.is_ascii_digit() { '#' } else { c }),
            );
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_hexdigit()
            || c == '-'
            || c == '_'
            || (c.is_ascii_alphanumeric() && !run.is_empty() && run.len() > 20)
        {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(if c.is_ascii_digit() { '#' } else { c });
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Sam answers with `helped`; returns what Alex can see: pages and export.
async fn partner_view_after_sealed_answer(backend: Backend, helped: &str) -> Vec<String> {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    weekly(&sam, &space).await;
    let period = open_period(&sam, &space).await.expect("open period");
    assert_eq!(
        answer(&sam, &space, &period, helped).await.status,
        StatusCode::SEE_OTHER
    );
    let export = alex.get(&format!("{space}/export")).await;
    let verified =
        goldseam::export::verify(&export.body).expect("an export with a withheld body verifies");
    assert_eq!(verified.events, 4);
    let json: serde_json::Value = serde_json::from_str(&export.body).expect("json");
    let sealed = &json["events"][3];
    assert_eq!(sealed["kind"], "checkin.answered");
    assert!(
        sealed["body"].is_null() && sealed["salt"].is_null(),
        "the sealed body is withheld"
    );
    assert_eq!(
        sealed["digest"].as_str().map(str::len),
        Some(64),
        "its digest is kept"
    );
    let mut seen = Vec::new();
    for path in [
        format!("{space}/checkins"),
        format!("{space}/record"),
        space.clone(),
    ] {
        let page = alex.get(&path).await;
        seen.push(mask(&page.without_tokens()));
    }
    seen.push(mask(&export.body));
    seen
}

async fn a_sealed_answer_changes_nothing_the_partner_can_see(backend: Backend) {
    let short = partner_view_after_sealed_answer(backend, "x").await;
    let longest = "x".repeat(goldseam::domain::checkins::limits::NOTE);
    let long = partner_view_after_sealed_answer(backend, &longest).await;
    for (i, (a, b)) in short.iter().zip(&long).enumerate() {
        if a.len() != b.len() {
            let at = a
                .bytes()
                .zip(b.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            let around = |s: &str| {
                s.get(at.saturating_sub(80)..(at + 80).min(s.len()))
                    .unwrap_or("")
                    .to_owned()
            };
            panic!(
                "view {i}: a page's size depends on the sealed answer:\n{}\n---\n{}",
                around(a),
                around(b)
            );
        }
        assert_eq!(a, b, "a page depends on the sealed answer");
    }
}

async fn a_lone_answer_is_revealed_when_the_check_in_ends_and_late_answers_are_marked(
    backend: Backend,
) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    weekly(&sam, &space).await;
    let first = open_period(&sam, &space).await.expect("open period");
    answer(&sam, &space, &first, "Breakfast together.").await;
    app.advance(Duration::from_secs(8 * 24 * 3600));
    let alexs = alex.get(&format!("{space}/checkins")).await;
    assert!(
        alexs.has("Breakfast together."),
        "revealed once the check-in ended"
    );
    assert!(
        alexs.has("(late)"),
        "Alex may still answer the ended check-in, late"
    );
    let late = alex
        .post(
            &format!("{space}/checkins/answer"),
            &[
                ("period", &first),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::SEE_OTHER);
    assert!(
        sam.get(&format!("{space}/checkins"))
            .await
            .has("Answered late.")
    );
    // Three weeks later the first week is closed, and weeks nobody answered show as missed.
    app.advance(Duration::from_secs(14 * 24 * 3600));
    let closed = sam
        .post(
            &format!("{space}/checkins/answer"),
            &[
                ("period", &first),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert_eq!(closed.status, StatusCode::CONFLICT);
    assert!(sam.get(&format!("{space}/checkins")).await.has("missed"));
}

async fn bad_check_in_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    let path = format!("{space}/checkins/answer");
    let before_rhythm = event_count(&app, &space).await;
    let page = sam
        .post(
            &path,
            &[
                ("period", "2026-11-23"),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::CONFLICT,
        "no rhythm yet: {}",
        page.text()
    );
    for (every, weekday, zone, message) in [
        ("hourly", "monday", "UTC", "how often"),
        ("week", "someday", "UTC", "day of the week"),
        ("week", "monday", "Mars/Olympus", ""),
    ] {
        let page = sam
            .post(
                &format!("{space}/checkins/cadence"),
                &[("every", every), ("weekday", weekday), ("zone", zone)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{every} {weekday} {zone}"
        );
        assert!(page.has(message));
    }
    assert_eq!(event_count(&app, &space).await, before_rhythm);

    weekly(&sam, &space).await;
    let period = open_period(&sam, &space).await.expect("open period");
    let before = event_count(&app, &space).await;
    let long_note = "n".repeat(2001);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("period", &period),
            ("predictability", "11"),
            ("dependability", "5"),
            ("faith", "5"),
        ],
        vec![
            ("period", &period),
            ("predictability", "-1"),
            ("dependability", "5"),
            ("faith", "5"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
            ("faith", "5"),
            ("feeling_boredom", "3"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
            ("faith", "5"),
            ("feeling_anger", "6"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
            ("faith", "5"),
            ("feeling_anger", "0"),
        ],
        vec![
            ("period", &period),
            ("predictability", "5"),
            ("dependability", "5"),
            ("faith", "5"),
            ("helped", &long_note),
        ],
    ];
    for fields in cases {
        let page = sam.post(&path, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            page.text()
        );
    }
    // Next week's check-in has not begun yet.
    let next_week = period
        .parse::<jiff::civil::Date>()
        .expect("period date")
        .checked_add(jiff::Span::new().days(7))
        .expect("next week")
        .to_string();
    let page = sam
        .post(
            &path,
            &[
                ("period", &next_week),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::CONFLICT,
        "a future period: {}",
        page.text()
    );
    assert!(page.has("hasn't begun yet"));
    // A date that is not one of their check-ins.
    let page = sam
        .post(
            &path,
            &[
                ("period", "2026-01-01"),
                ("predictability", "5"),
                ("dependability", "5"),
                ("faith", "5"),
            ],
        )
        .await;
    assert!(
        page.status == StatusCode::NOT_FOUND || page.status == StatusCode::CONFLICT,
        "{}",
        page.status
    );
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "nothing was written"
    );

    assert_eq!(
        answer(&sam, &space, &period, "ok").await.status,
        StatusCode::SEE_OTHER
    );
    let again = answer(&sam, &space, &period, "a second answer").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.has("already answered"));
    assert_eq!(event_count(&app, &space).await, before + 1);
}

async fn nobody_outside_the_space_sees_check_ins(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    weekly(&sam, &space).await;
    let period = open_period(&sam, &space).await.expect("open period");
    let kim = app.person("Kim").await;
    assert_eq!(
        kim.get(&format!("{space}/checkins")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        answer(&kim, &space, &period, "intruding").await.status,
        StatusCode::NOT_FOUND
    );
    // A real period with an answer that would be refused: still not found, not invalid.
    let page = kim
        .post(&format!("{space}/checkins/answer"), &[("period", &period)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = kim
        .post(
            &format!("{space}/checkins/cadence"),
            &[("every", "week"), ("weekday", "monday"), ("zone", "UTC")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
