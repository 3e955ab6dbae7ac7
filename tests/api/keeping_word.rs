//! Keeping one's word over HTTP on both databases: promises over a week, agreements with
//! versions and reviews, proactive reports; every role rule tried from the wrong side.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, Client, TestApp, couple, event_count, ok, spawn_app_long};

crate::on_both_databases!(
    a_week_of_promises_shows_in_the_reliability_counts,
    only_the_right_partner_can_take_each_promise_step,
    agreements_are_proposed_countered_amended_reviewed_and_retired,
    proactive_reports_are_filed_and_acknowledged_by_the_right_partners,
    bad_keep_your_word_input_is_refused_and_writes_nothing,
    a_promise_about_a_breach_not_in_the_space_is_not_found,
);

const HOUR: i64 = 3600;

/// The UTC date `days` after the app's today, as "YYYY-MM-DD".
fn day(app: &TestApp, days: i64) -> String {
    let at = jiff::Timestamp::from_second(app.clock.now_secs() + days * 24 * HOUR).expect("time");
    jiff::tz::TimeZone::UTC.to_datetime(at).date().to_string()
}

/// Moves the app's clock to `hour`:00 UTC on the day `days` after `start` (a UTC date).
fn move_to(app: &TestApp, start: &str, days: i64, hour: i64) {
    let start: jiff::civil::Date = start.parse().expect("date");
    let midnight = jiff::tz::TimeZone::UTC
        .to_timestamp(jiff::civil::DateTime::from(start))
        .expect("midnight")
        .as_second();
    let target = midnight + days * 24 * HOUR + hour * HOUR;
    let now = app.clock.now_secs();
    assert!(target >= now, "the clock only moves forward");
    app.advance(Duration::from_secs(
        u64::try_from(target - now).expect("forward"),
    ));
}

/// A daily promise at 21:00 UTC from tomorrow, made by `who`; returns its path.
async fn daily(app: &TestApp, who: &Client, space: &str) -> (String, String) {
    let first = day(app, 1);
    let path = ok(
        who,
        &format!("{space}/promises"),
        &[
            ("text", "Home by nine, phone on"),
            ("every", "daily"),
            ("first", &first),
            ("at", "21:00"),
        ],
    )
    .await;
    (path, first)
}

async fn act(who: &Client, promise: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    who.post(&format!("{promise}/actions"), fields).await
}

async fn a_week_of_promises_shows_in_the_reliability_counts(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let (promise, first) = daily(&app, &sam, &space).await;
    let once = ok(
        &sam,
        &format!("{space}/promises"),
        &[
            ("text", "Call your sister back"),
            ("every", "once"),
            ("first", &day(&app, 2)),
            ("at", "12:00"),
        ],
    )
    .await;
    assert!(
        sam.get(&format!("{space}/promises"))
            .await
            .has("Call your sister back")
    );

    for n in 0..7 {
        let on = {
            let d: jiff::civil::Date = first.parse().expect("date");
            d.checked_add(jiff::Span::new().days(n))
                .expect("date")
                .to_string()
        };
        if n == 5 {
            // Renegotiated in advance: skipped before it was due, with a reason.
            move_to(&app, &first, n, 18);
            ok(
                &sam,
                &format!("{promise}/actions"),
                &[
                    ("action", "skip"),
                    ("on", &on),
                    ("reason", "Late shift; I told you on Monday."),
                ],
            )
            .await;
            continue;
        }
        move_to(&app, &first, n, 22);
        assert!(
            sam.get(&space)
                .await
                .has("Say whether you kept your promise")
        );
        let outcome = if n == 4 { "missed" } else { "kept" };
        ok(
            &sam,
            &format!("{promise}/actions"),
            &[
                ("action", "report"),
                ("on", &on),
                ("outcome", outcome),
                ("note", ""),
            ],
        )
        .await;
        if n == 2 {
            ok(
                &alex,
                &format!("{promise}/actions"),
                &[
                    ("action", "dispute"),
                    ("on", &on),
                    ("note", "You came home at ten."),
                ],
            )
            .await;
            ok(
                &sam,
                &format!("{promise}/actions"),
                &[
                    ("action", "message"),
                    ("on", &on),
                    ("note", "The train was late; I texted you."),
                ],
            )
            .await;
            let page = alex.get(&promise).await;
            assert!(page.has("disputed") && page.has("The train was late"));
            ok(
                &alex,
                &format!("{promise}/actions"),
                &[("action", "settle"), ("on", &on)],
            )
            .await;
        } else {
            ok(
                &alex,
                &format!("{promise}/actions"),
                &[("action", "confirm"), ("on", &on)],
            )
            .await;
        }
    }
    let page = alex.get(&promise).await;
    assert!(page.has("renegotiated in advance") && page.has("Late shift"));
    assert!(page.has("(was disputed)"));
    let list = alex.get(&format!("{space}/promises")).await;
    // Sam: five kept (one after a settled dispute), one missed, one renegotiated, and the
    // one-off never reported.
    assert!(
        list.body.contains(concat!(
            r#"<td data-label="Period">Last 30 days</td><td data-label="Kept">5</td>"#,
            r#"<td data-label="Missed">1</td><td data-label="Renegotiated">1</td>"#,
            r#"<td data-label="Not reported">1</td><td data-label="Disputed">0</td>"#
        )),
        "{}",
        list.text()
    );
    assert!(
        list.has("how promises went (the last one was kept)"),
        "the miss on day five broke the run; day seven started a new one"
    );
    // The one-off fell due on day two and was never reported: after the grace period it says so.
    assert!(sam.get(&once).await.has("not reported"));
    goldseam::export::verify(&alex.get(&format!("{space}/export")).await.body)
        .expect("export verifies");
}

async fn only_the_right_partner_can_take_each_promise_step(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let (promise, first) = daily(&app, &sam, &space).await;
    let before = event_count(&app, &space).await;
    // Not due yet: nobody reports it.
    let early = act(
        &sam,
        &promise,
        &[("action", "report"), ("on", &first), ("outcome", "kept")],
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text());
    move_to(&app, &first, 0, 22);
    // Only the promiser reports, renegotiates or skips.
    for fields in [
        vec![
            ("action", "report"),
            ("on", first.as_str()),
            ("outcome", "kept"),
        ],
        vec![
            ("action", "skip"),
            ("on", first.as_str()),
            ("reason", "not mine to skip"),
        ],
    ] {
        assert_eq!(
            act(&alex, &promise, &fields).await.status,
            StatusCode::FORBIDDEN,
            "{fields:?}"
        );
    }
    // Renegotiating after the due time is refused.
    let late = act(
        &sam,
        &promise,
        &[
            ("action", "skip"),
            ("on", &first),
            ("reason", "too late now"),
        ],
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(event_count(&app, &space).await, before);
    ok(
        &sam,
        &format!("{promise}/actions"),
        &[("action", "report"), ("on", &first), ("outcome", "kept")],
    )
    .await;
    // Reported twice: refused. Confirming one's own report: refused.
    assert_eq!(
        act(
            &sam,
            &promise,
            &[("action", "report"), ("on", &first), ("outcome", "missed")]
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&sam, &promise, &[("action", "confirm"), ("on", &first)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&sam, &promise, &[("action", "dispute"), ("on", &first)])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "the promiser cannot dispute their own report"
    );
    // Release needs both.
    ok(
        &sam,
        &format!("{promise}/actions"),
        &[("action", "release")],
    )
    .await;
    assert_eq!(
        act(&sam, &promise, &[("action", "accept_release")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    ok(
        &alex,
        &format!("{promise}/actions"),
        &[("action", "accept_release"), ("confirmed", "yes")],
    )
    .await;
    assert!(sam.get(&promise).await.has("released by both"));
    // Nobody outside the space sees or does anything.
    let kim = app.person("Kim").await;
    assert_eq!(kim.get(&promise).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        act(&kim, &promise, &[("action", "release")]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kim.get(&format!("{space}/promises")).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn agreements_are_proposed_countered_amended_reviewed_and_retired(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let revisit = day(&app, 30);
    let agreement = ok(
        &sam,
        &format!("{space}/agreements"),
        &[
            ("text", "No contact with the former colleague, in any form."),
            ("revisit", &revisit),
        ],
    )
    .await;
    let proposal =
        |page: &crate::helpers::Page| page.value_of_name("proposal").expect("an open proposal");
    let page = sam.get(&agreement).await;
    // A partner cannot accept their own proposal.
    let own = sam
        .post(
            &format!("{agreement}/actions"),
            &[("action", "accept"), ("proposal", &proposal(&page))],
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(alex.get(&space).await.has("Answer a proposed agreement"));
    // Alex counters; Sam accepts the counter; it is in force as version 1.
    let first = proposal(&alex.get(&agreement).await);
    ok(&alex, &format!("{agreement}/actions"), &[("action", "counter"), ("proposal", &first), ("text", "No contact with the former colleague, in any form; if they reach out, tell me the same day."), ("revisit", &revisit)]).await;
    let stale = alex
        .post(
            &format!("{agreement}/actions"),
            &[("action", "accept"), ("proposal", &first)],
        )
        .await;
    assert!(
        stale.status.is_client_error(),
        "the replaced terms cannot be accepted"
    );
    let counter = proposal(&sam.get(&agreement).await);
    ok(
        &sam,
        &format!("{agreement}/actions"),
        &[("action", "accept"), ("proposal", &counter)],
    )
    .await;
    let page = alex.get(&agreement).await;
    assert!(page.has("in force") && page.has("Version 1"));
    let again = sam
        .post(
            &format!("{agreement}/actions"),
            &[("action", "accept"), ("proposal", &counter)],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "already accepted");
    let kim = app.person("Kim").await;
    assert_eq!(kim.get(&agreement).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        kim.get(&format!("{space}/agreements")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kim.post(
            &format!("{agreement}/actions"),
            &[("action", "request_review")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // An amendment becomes version 2, shown with what changed.
    ok(&alex, &format!("{agreement}/actions"), &[("action", "amend"), ("text", "No contact with the former colleague, in any form; if they reach out, tell me within the hour."), ("revisit", "")]).await;
    let amendment = proposal(&sam.get(&agreement).await);
    ok(
        &sam,
        &format!("{agreement}/actions"),
        &[("action", "accept"), ("proposal", &amendment)],
    )
    .await;
    let page = sam.get(&agreement).await;
    assert!(
        page.has("Version 2") && page.body.contains("<ins>") && page.body.contains("<del>"),
        "{}",
        page.text()
    );
    // Asked to revisit early: due until both have kept it.
    ok(
        &sam,
        &format!("{agreement}/actions"),
        &[("action", "request_review")],
    )
    .await;
    assert!(
        alex.get(&space)
            .await
            .has("Review an agreement that is due")
    );
    ok(
        &sam,
        &format!("{agreement}/actions"),
        &[("action", "keep"), ("revisit", "")],
    )
    .await;
    assert!(sam.get(&agreement).await.has("You have reviewed it"));
    ok(
        &alex,
        &format!("{agreement}/actions"),
        &[("action", "keep"), ("revisit", &day(&app, 90))],
    )
    .await;
    assert!(!alex.get(&agreement).await.has("due for review"));
    // Retiring needs the other partner.
    ok(
        &alex,
        &format!("{agreement}/actions"),
        &[("action", "retire")],
    )
    .await;
    let retire = proposal(&sam.get(&agreement).await);
    assert_eq!(
        alex.post(
            &format!("{agreement}/actions"),
            &[("action", "accept_retire"), ("proposal", &retire)]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    ok(
        &sam,
        &format!("{agreement}/actions"),
        &[("action", "accept_retire"), ("proposal", &retire)],
    )
    .await;
    assert!(sam.get(&format!("{space}/agreements")).await.has("retired"));
    let record = sam.get(&format!("{space}/record")).await;
    assert!(record.reads("proposed an agreement") && record.reads("agreed to retire an agreement"));
}

async fn proactive_reports_are_filed_and_acknowledged_by_the_right_partners(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = ok(
        &alex,
        &format!("{space}/breaches"),
        &[
            ("title", "The affair"),
            ("kind", "affair"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-09-01"),
        ],
    )
    .await;
    let before = event_count(&app, &space).await;
    let wrong = alex
        .post(
            &format!("{breach}/reports"),
            &[("text", "Filed by the wrong partner")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(event_count(&app, &space).await, before);
    ok(
        &sam,
        &format!("{breach}/reports"),
        &[(
            "text",
            "They messaged me today. I did not reply and blocked the number.",
        )],
    )
    .await;
    assert!(
        alex.get(&space)
            .await
            .has("Acknowledge something your partner reported")
    );
    let page = alex.get(&breach).await;
    assert!(page.has("I did not reply and blocked the number."));
    let at = page.body.find("/reports/").expect("an acknowledge form") + 9;
    let report = page.body[at..at + 36].to_owned();
    let path = format!("{space}/reports/{report}/acknowledge");
    assert_eq!(
        sam.post(&path, &[("response", "")]).await.status,
        StatusCode::FORBIDDEN,
        "only the hurt partner acknowledges"
    );
    ok(
        &alex,
        &path,
        &[("response", "Thank you for telling me straight away.")],
    )
    .await;
    assert_eq!(
        alex.post(&path, &[("response", "")]).await.status,
        StatusCode::CONFLICT,
        "once"
    );
    assert!(
        sam.get(&breach)
            .await
            .has("Thank you for telling me straight away.")
    );
    let kim = app.person("Kim").await;
    assert_eq!(
        kim.post(&path, &[("response", "")]).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn bad_keep_your_word_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    let promises = format!("{space}/promises");
    let (tomorrow, yesterday, next_week) = (day(&app, 1), day(&app, -1), day(&app, 7));
    let before = event_count(&app, &space).await;
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("text", "Walk"),
            ("every", "weekdays"),
            ("first", &tomorrow),
            ("at", "08:00"),
        ],
        vec![
            ("text", "Walk"),
            ("every", "daily"),
            ("first", &next_week),
            ("until", &tomorrow),
            ("at", "08:00"),
        ],
        vec![
            ("text", "Walk"),
            ("every", "daily"),
            ("first", "30000-01-01"),
            ("at", "08:00"),
        ],
        vec![
            ("text", "Walk"),
            ("every", "daily"),
            ("first", &tomorrow),
            ("at", "25:00"),
        ],
        vec![
            ("text", "Walk"),
            ("every", "hourly"),
            ("first", &tomorrow),
            ("at", "08:00"),
        ],
        vec![
            ("text", ""),
            ("every", "daily"),
            ("first", &tomorrow),
            ("at", "08:00"),
        ],
        vec![
            ("text", "Walk"),
            ("every", "once"),
            ("first", &yesterday),
            ("at", "08:00"),
        ],
    ];
    for fields in cases {
        let page = sam.post(&promises, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            page.text()
        );
    }
    let agreements = format!("{space}/agreements");
    for fields in [
        vec![("text", "")],
        vec![("text", "Fine"), ("revisit", &yesterday)],
        vec![("text", "Fine"), ("revisit", "soon")],
    ] {
        let page = sam.post(&agreements, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
    }
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "nothing was written"
    );
}

/// A promise may belong to a breach of its own space only: another couple's breach, or an
/// id nobody recorded, is not found and nothing is written (it would dangle in the record
/// for good).
async fn a_promise_about_a_breach_not_in_the_space_is_not_found(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    let (_kim, lee, other) = couple(&app).await;
    let theirs = ok(
        &lee,
        &format!("{other}/breaches"),
        &[
            ("title", "Theirs"),
            ("kind", "lying"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-01-01"),
        ],
    )
    .await;
    let theirs = theirs.rsplit('/').next().unwrap_or_default().to_owned();
    let made_up = "0b3c2a6e-1d3f-4f6a-9a1e-7c5d2b8e4f10".to_owned();
    let before = event_count(&app, &space).await;
    for breach in [theirs, made_up] {
        let page = sam
            .post(
                &format!("{space}/promises"),
                &[
                    ("text", "I will tell you where I am."),
                    ("every", "daily"),
                    ("first", &day(&app, 1)),
                    ("at", "21:00"),
                    ("breach", &breach),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "breach {breach}");
    }
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "nothing was written"
    );
}
