//! Signals that suggest a counsellor, the safety page, and milestones, on both databases.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, PASSWORD, breach_recorded_by_alex, couple, event_count, ok, set_rhythm,
    spawn_app_long,
};

crate::on_both_databases!(
    a_recent_threat_shows_the_safety_signal_with_where_to_find_help,
    a_question_asked_again_and_again_suggests_a_counsellor_with_its_evidence,
    milestones_are_celebrated_when_the_record_reaches_them,
    the_dashboard_draws_charts_with_their_numbers_from_revealed_check_ins,
    a_partner_s_dashboard_and_summary_ignore_drafts_and_sealed_answers,
    the_summary_refuses_bad_date_ranges_and_unknown_charts_writing_nothing,
    charts_and_summaries_of_another_couple_s_space_are_not_found,
);

async fn a_recent_threat_shows_the_safety_signal_with_where_to_find_help(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    assert!(!alex.get(&space).await.has("Your safety comes first"));
    ok(
        &alex,
        &format!("{space}/breaches"),
        &[
            ("title", "What you said in the car"),
            ("kind", "threats_or_anger"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-11-01"),
            ("safety", "understood"),
        ],
    )
    .await;
    for who in [&sam, &alex] {
        let page = who.get(&space).await;
        assert!(page.has("Your safety comes first"), "{}", page.text());
        assert!(page.has("/help/safety") && page.has("“What you said in the car”"));
        assert!(page.has("not a diagnosis"));
    }
    // The help page is open to anyone and names no country's number as if it were everyone's.
    let help = app.client().get("/help/safety").await;
    assert_eq!(help.status, StatusCode::OK);
    assert!(help.has("local emergency services"));
    let visible = crate::helpers::visible_main(&help.text());
    assert!(
        !visible.chars().any(|c| c.is_ascii_digit()),
        "no phone number on the safety page: {visible}"
    );
    // After 90 days the signal rests.
    app.advance(Duration::from_secs(91 * 24 * 3600));
    assert!(!alex.get(&space).await.has("Your safety comes first"));
}

async fn a_question_asked_again_and_again_suggests_a_counsellor_with_its_evidence(
    backend: Backend,
) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let question = ok(
        &alex,
        &format!("{space}/questions"),
        &[("text", "Why did you lie about Friday?")],
    )
    .await;
    for round in 0..3 {
        ok(
            &sam,
            &format!("{question}/answer"),
            &[("text", "I was scared of losing you.")],
        )
        .await;
        assert!(
            !alex
                .get(&space)
                .await
                .has("Talking it through keeps getting stuck"),
            "not yet after {round} re-asks"
        );
        ok(
            &alex,
            &format!("{question}/again"),
            &[("text", "That doesn't answer it.")],
        )
        .await;
    }
    let page = sam.get(&space).await;
    assert!(
        page.has("Talking it through keeps getting stuck"),
        "{}",
        page.text()
    );
    assert!(page.has("“Why did you lie about Friday?”, asked again 3 times"));
    assert!(page.has("couples counsellor"));
    // The signal offers to invite one, until a counsellor has access.
    let invite = format!("<a href=\"{space}/counsellor\">Invite a counsellor</a>");
    assert!(page.body.contains(&invite), "{}", page.body);
    let kim = crate::helpers::counsellor_for(&app, &sam, &alex, &space, Some("progress")).await;
    let page = sam.get(&space).await;
    assert!(page.has("Talking it through keeps getting stuck"));
    assert!(
        !page.body.contains(&invite),
        "no invite while a counsellor is in"
    );
    // The counsellor reads the same signal, with its evidence.
    let theirs = kim.get(&space).await;
    assert!(
        theirs.has("Talking it through keeps getting stuck"),
        "{}",
        theirs.text()
    );
    assert!(theirs.has("“Why did you lie about Friday?”, asked again 3 times"));
}

async fn milestones_are_celebrated_when_the_record_reaches_them(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    assert!(!sam.get(&space).await.has("Milestones"));
    // Milestones wait until Alex, who was hurt, says they are open to marking progress.
    let breach = breach_recorded_by_alex(&alex, &space).await;
    ok(
        &alex,
        &format!("{breach}/pace"),
        &[("topic", "appreciation"), ("readiness", "ready")],
    )
    .await;
    let goal = ok(
        &sam,
        &format!("{space}/together/goals"),
        &[("text", "A weekend away")],
    )
    .await;
    let page = sam.get(&goal).await;
    let id = page
        .body
        .split("/together/goals/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("goal id")
        .to_owned();
    ok(&sam, &format!("{space}/together/goals/{id}/reached"), &[]).await;
    ok(&alex, &format!("{space}/together/goals/{id}/confirm"), &[]).await;
    let before = event_count(&app, &space).await;
    let first = alex.get(&space).await;
    assert!(first.has("A goal reached together"));
    assert!(first.has(">New</span>"), "a fresh milestone is marked new");
    // Shown once: the first showing is recorded, and showing it again records nothing.
    assert_eq!(event_count(&app, &space).await, before + 1);
    assert!(sam.get(&space).await.has("A goal reached together"));
    assert_eq!(event_count(&app, &space).await, before + 1);
    assert!(
        sam.get(&format!("{space}/record"))
            .await
            .has("marked a milestone reached: A goal reached together")
    );
    app.advance(Duration::from_secs(184 * 24 * 3600));
    // Sessions do not last half a year; log in again.
    sam.login(&sam.email(), PASSWORD).await;
    let later = sam.get(&space).await;
    assert!(later.has("Six months"));
    assert!(
        !later
            .body
            .contains(r#"<span class="badge">New</span> <strong>A goal reached together"#),
        "a milestone from months ago is no longer new"
    );
}

async fn set_weekly(proposer: &Client, accepter: &Client, space: &str) {
    set_rhythm(
        proposer,
        accepter,
        space,
        &[
            ("every", "week"),
            ("weekday", "monday"),
            ("time_zone", "UTC"),
        ],
    )
    .await;
}

/// The period the check-in page offers to answer (its start date).
async fn open_period(client: &Client, space: &str) -> String {
    let page = client.get(&format!("{space}/checkins")).await;
    let at = page
        .body
        .find("name=\"period\" value=\"")
        .expect("a period to answer")
        + 21;
    page.body[at..at + 10].to_owned()
}

async fn answer(client: &Client, space: &str, period: &str, trust: [&str; 3], anxiety: &str) {
    ok(
        client,
        &format!("{space}/checkins/answer"),
        &[
            ("period", period),
            ("predictability", trust[0]),
            ("dependability", trust[1]),
            ("faith", trust[2]),
            ("feeling_anxiety", anxiety),
            ("helped", "A quiet walk on Sunday."),
            ("hurt", ""),
            ("need", ""),
        ],
    )
    .await;
}

/// The part of a space's home page that the dashboard draws (not the record's own card,
/// whose entry count and fingerprint move with every event by design).
fn dashboard_of(body: &str) -> &str {
    let start = body.find(r#"<div id="dashboard">"#).expect("a dashboard");
    let end = body[start..]
        .find("Your shared record")
        .map_or(body.len(), |e| start + e);
    &body[start..end]
}

async fn the_dashboard_draws_charts_with_their_numbers_from_revealed_check_ins(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    set_weekly(&sam, &alex, &space).await;
    let period = open_period(&sam, &space).await;
    answer(&sam, &space, &period, ["3", "4", "7"], "5").await;
    // Sealed: Alex cannot see Sam's numbers yet, and the chart does not draw them.
    let sealed = alex.get(&space).await;
    assert!(sealed.has("How much Sam trusts Alex"));
    assert!(
        !dashboard_of(&sealed.body).contains("<td>7</td>"),
        "sealed numbers stay hidden"
    );
    answer(&alex, &space, &period, ["6", "6", "6"], "2").await;
    for who in [&sam, &alex] {
        let page = who.get(&space).await;
        let dashboard = dashboard_of(&page.body);
        for chart in [
            "trust-1",
            "trust-2",
            "feelings-1",
            "feelings-2",
            "promises",
            "together",
        ] {
            assert!(
                dashboard.contains(&format!(r#"id="chart-{chart}""#)),
                "{chart} is drawn"
            );
        }
        assert!(dashboard.contains("<svg"), "charts are inline SVG");
        assert!(dashboard.contains(r#"role="img""#) && dashboard.contains("<desc id="));
        assert!(
            dashboard.contains("<td>3</td><td>4</td><td>7</td>"),
            "Sam's trust is in the table beside the chart"
        );
        assert!(
            dashboard.contains("Anxiety 5"),
            "Sam's feelings by week, in numbers"
        );
        assert!(dashboard.contains("Printable summary"));
    }
    // One chart on its own, as an SVG file.
    let svg = sam.get(&format!("{space}/charts/trust-1.svg")).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(
        svg.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/svg+xml; charset=utf-8")
    );
    assert!(
        svg.body.starts_with("<svg")
            && svg
                .body
                .contains("<title id=\"chart-trust-1-title\">How much Sam trusts Alex</title>")
    );
    let summary = alex.get(&format!("{space}/summary")).await;
    assert_eq!(summary.status, StatusCode::OK);
    for part in [
        "Summary: Sam",
        "Signals worth talking about",
        "Where the repair stands",
        "Promises in this range",
        "Agreements in force",
        "Questions still open",
        "How much Alex trusts Sam",
    ] {
        assert!(summary.has(part), "{part}: {}", summary.text());
    }
}

async fn a_partner_s_dashboard_and_summary_ignore_drafts_and_sealed_answers(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    set_weekly(&sam, &alex, &space).await;
    let period = open_period(&sam, &space).await;
    answer(&sam, &space, &period, ["3", "4", "7"], "3").await;
    answer(&alex, &space, &period, ["6", "6", "6"], "2").await;
    // A week on, into the next period, which is still running: an answer to it is sealed.
    app.advance(Duration::from_secs(7 * 24 * 3600));
    let next = open_period(&sam, &space).await;
    assert!(
        !sam.get(&format!("{space}/checkins")).await.has("(late)"),
        "the period offered is the running one"
    );
    assert_ne!(next, period);
    let dashboard_before = sam.get(&space).await.without_tokens();
    let summary_before = sam.get(&format!("{space}/summary")).await.without_tokens();
    let chart_before = sam
        .get(&format!("{space}/charts/feelings-2.svg"))
        .await
        .body;

    // Alex writes a private draft and a sealed answer Sam cannot see yet.
    let saved = ok(
        &alex,
        &format!("{space}/letters"),
        &[
            (
                "text",
                "Something I am not ready to send: I still check your phone.",
            ),
            ("action", "save"),
        ],
    )
    .await;
    assert!(saved.contains("draft="));
    answer(&alex, &space, &next, ["0", "0", "0"], "5").await;

    let dashboard_after = sam.get(&space).await.without_tokens();
    assert_eq!(
        dashboard_of(&dashboard_before),
        dashboard_of(&dashboard_after),
        "Sam's dashboard does not move"
    );
    assert!(!dashboard_after.contains("check your phone"));
    assert_eq!(
        summary_before,
        sam.get(&format!("{space}/summary")).await.without_tokens(),
        "nor does the summary"
    );
    assert_eq!(
        chart_before,
        sam.get(&format!("{space}/charts/feelings-2.svg"))
            .await
            .body,
        "nor a single chart"
    );
    // Once the period ends, the answer is revealed and the charts draw it for both.
    app.advance(Duration::from_secs(8 * 24 * 3600));
    sam.login(&sam.email(), PASSWORD).await;
    let revealed = sam.get(&space).await;
    assert!(dashboard_of(&revealed.body).contains("<td>0</td><td>0</td><td>0</td>"));
}

async fn the_summary_refuses_bad_date_ranges_and_unknown_charts_writing_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    // Let the space live a month, and celebrate what there is to celebrate first.
    app.advance(Duration::from_secs(30 * 24 * 3600));
    sam.get(&space).await;
    let count = event_count(&app, &space).await;
    let summary = sam.get(&format!("{space}/summary")).await;
    let from = summary.value_of("from").expect("a first day");
    let to = summary.value_of("to").expect("a last day");
    assert!(from < to, "{from} {to}");
    for (query, says) in [
        (format!("from={to}&to={from}"), "comes after the last one"),
        (
            "from=1999-01-01&to=".to_owned(),
            "so there is nothing to show before then",
        ),
        ("from=&to=2999-12-31".to_owned(), "reaches past today"),
        ("from=31%2F12%2F2026&to=".to_owned(), "YYYY-MM-DD"),
        ("from=2026-02-30&to=".to_owned(), "YYYY-MM-DD"),
    ] {
        let page = sam.get(&format!("{space}/summary?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.has(says), "{query}: {}", page.text());
        assert!(
            !page.has("Questions still open"),
            "no summary for a refused range"
        );
        let chart = sam
            .get(&format!("{space}/charts/promises.svg?{query}"))
            .await;
        assert_eq!(chart.status, StatusCode::BAD_REQUEST, "chart {query}");
    }
    // Over three years later, the whole life of the space is too long for one summary.
    app.advance(Duration::from_secs(1200 * 24 * 3600));
    sam.login(&sam.email(), PASSWORD).await;
    let today = sam
        .get(&format!("{space}/summary"))
        .await
        .value_of("to")
        .expect("a last day");
    let long = sam
        .get(&format!("{space}/summary?from={from}&to={today}"))
        .await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    assert!(long.has("longer than three years"), "{}", long.text());
    let good = sam
        .get(&format!("{space}/summary?from={from}&to={from}"))
        .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text());
    for name in ["mood", "trust-3", "..%2F..%2Fetc%2Fpasswd", "promises.png"] {
        let page = sam.get(&format!("{space}/charts/{name}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{name}");
        assert!(
            page.has("There is no such chart"),
            "{name}: {}",
            page.text()
        );
        assert!(
            !page.has(&format!("“{name}”")) && !page.has("called"),
            "the name asked for is not repeated"
        );
    }
    assert_eq!(
        event_count(&app, &space).await,
        count,
        "nothing was written"
    );
}

async fn charts_and_summaries_of_another_couple_s_space_are_not_found(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (_sam, _alex, space) = couple(&app).await;
    let stranger = app.person("Kim").await;
    for path in [
        format!("{space}/summary"),
        format!("{space}/charts/trust-1.svg"),
        format!("{space}/charts/nonsense"),
    ] {
        let page = stranger.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.has("Sam"), "{path} says nothing about the couple");
    }
    let anonymous = app.client().get(&format!("{space}/summary")).await;
    assert!(
        anonymous.status == StatusCode::SEE_OTHER || anonymous.status == StatusCode::NOT_FOUND,
        "{}",
        anonymous.status
    );
    assert!(!anonymous.has("Summary:"));
}
