//! Reconnecting over HTTP on both databases: appreciations, time together, goals, and each
//! breach's pace and stage, with every role rule tried from the wrong side.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{
    Backend, TestApp, breach_recorded_by_alex, couple, event_count, ok, spawn_app_long,
};

crate::on_both_databases!(
    appreciations_time_together_and_goals,
    the_hurt_partner_sets_the_pace_and_confirms_stages,
    bad_reconnect_input_is_refused_and_writes_nothing,
    nobody_outside_the_space_reconnects,
);

/// "YYYY-MM-DDTHH:MM", `hours` from the app's clock, as the form sends it (UTC).
fn local_time(app: &TestApp, hours: i64) -> String {
    let at = jiff::tz::TimeZone::UTC.to_datetime(
        jiff::Timestamp::from_second(app.clock.now_secs() + hours * 3600).expect("time"),
    );
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

async fn appreciations_time_together_and_goals(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let together = format!("{space}/together");
    // Appreciation is asked for once Alex, who was hurt, says they are open to it.
    let breach = breach_recorded_by_alex(&alex, &space).await;
    assert!(!sam.get(&space).await.has("Write today's appreciation"));
    ok(
        &alex,
        &format!("{breach}/pace"),
        &[("topic", "appreciation"), ("readiness", "open_to_talk")],
    )
    .await;
    assert!(sam.get(&space).await.has("Write today's appreciation"));

    // Three appreciations a day; the fourth waits for tomorrow.
    for n in 1..=3 {
        ok(
            &sam,
            &format!("{together}/appreciations"),
            &[("text", &format!("You made tea for me, {n}."))],
        )
        .await;
    }
    let fourth = sam
        .post(
            &format!("{together}/appreciations"),
            &[("text", "One more")],
        )
        .await;
    assert_eq!(fourth.status, StatusCode::CONFLICT);
    assert!(!sam.get(&space).await.has("Write today's appreciation"));
    let page = alex.get(&together).await;
    assert!(page.has("You made tea for me, 3.") && page.reads("Sam,"));
    app.advance(Duration::from_secs(24 * 3600));
    ok(
        &sam,
        &format!("{together}/appreciations"),
        &[("text", "A new day")],
    )
    .await;

    // Time together: planned, then it happened, then each says how it felt, once.
    let when = local_time(&app, 2);
    ok(
        &alex,
        &format!("{together}/plans"),
        &[
            ("what", "A walk by the river"),
            ("when", &when),
            ("phones_away", "yes"),
        ],
    )
    .await;
    assert!(
        sam.get(&space).await.has("A walk by the river"),
        "upcoming time together is on the home page"
    );
    assert_eq!(
        sam.post(
            &format!("{together}/plans"),
            &[("what", "Too early"), ("when", "2001-01-01T10:00")]
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.advance(Duration::from_secs(3 * 3600));
    let page = sam.get(&together).await;
    let plan = page
        .body
        .split("/together/plans/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("plan id")
        .to_owned();
    ok(&sam, &format!("{together}/plans/{plan}/log"), &[]).await;
    assert!(
        alex.get(&space)
            .await
            .has("Say how your time together felt")
    );
    ok(
        &sam,
        &format!("{together}/plans/{plan}/felt"),
        &[("felt", "5"), ("note", "I felt close to you.")],
    )
    .await;
    ok(
        &alex,
        &format!("{together}/plans/{plan}/felt"),
        &[("felt", "4"), ("note", "")],
    )
    .await;
    let twice = alex
        .post(&format!("{together}/plans/{plan}/felt"), &[("felt", "2")])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let page = alex.get(&together).await;
    assert!(page.has("I felt close to you.") && page.has("5 of 5") && page.has("4 of 5"));
    ok(
        &alex,
        &format!("{together}/ideas"),
        &[("text", "Dance in the kitchen")],
    )
    .await;
    assert!(sam.get(&together).await.has("Dance in the kitchen"));

    // A goal: Sam marks it reached; only Alex can confirm; then it is celebrated.
    ok(
        &sam,
        &format!("{together}/goals"),
        &[
            ("text", "A weekend away, just us"),
            ("target", "2027-06-01"),
        ],
    )
    .await;
    let page = sam.get(&together).await;
    let goal = page
        .body
        .split("/together/goals/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("goal id")
        .to_owned();
    ok(&sam, &format!("{together}/goals/{goal}/reached"), &[]).await;
    let own = sam
        .post(&format!("{together}/goals/{goal}/confirm"), &[])
        .await;
    assert!(
        own.status.is_client_error(),
        "confirming one's own mark: {}",
        own.status
    );
    assert!(
        alex.get(&space)
            .await
            .has("Confirm a goal your partner marked reached")
    );
    ok(&alex, &format!("{together}/goals/{goal}/confirm"), &[]).await;
    assert!(
        sam.get(&space)
            .await
            .has("A goal you reached together: A weekend away, just us")
    );

    let record = sam.get(&format!("{space}/record")).await;
    for line in [
        "wrote an appreciation",
        "planned time together",
        "said how time together felt",
        "confirmed a goal reached",
    ] {
        assert!(record.reads(line), "record lacks {line}");
    }
    goldseam::export::verify(&alex.get(&format!("{space}/export")).await.body)
        .expect("export verifies");
}

async fn the_hurt_partner_sets_the_pace_and_confirms_stages(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    // Alex was hurt by Sam.
    let breach = ok(
        &alex,
        &format!("{space}/breaches"),
        &[
            ("title", "The messages"),
            ("kind", "lying"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-10-02"),
        ],
    )
    .await;
    let page = alex.get(&breach).await;
    assert!(page.has("Stage of repair: Atone") && page.has("You set the pace"));
    assert!(sam.get(&breach).await.reads("Alex sets the pace here"));

    let before = event_count(&app, &space).await;
    let refused = sam
        .post(
            &format!("{breach}/pace"),
            &[("topic", "outings"), ("readiness", "ready")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(event_count(&app, &space).await, before);
    ok(
        &alex,
        &format!("{breach}/pace"),
        &[("topic", "outings"), ("readiness", "open_to_talk")],
    )
    .await;
    ok(
        &sam,
        &format!("{breach}/pace/topics"),
        &[("text", "Seeing my old friends")],
    )
    .await;
    let page = sam.get(&breach).await;
    assert!(page.has("Seeing my old friends"), "{}", page.text());
    assert!(sam.get(&space).await.has("stage: Atone"));

    // Sam proposes moving on; only Alex confirms.
    ok(
        &sam,
        &format!("{breach}/stage"),
        &[("direction", "on"), ("confirmed", "yes")],
    )
    .await;
    let page = sam.get(&breach).await;
    let proposal = page.value_of_name("proposal").expect("a pending proposal");
    let wrong = sam
        .post(
            &format!("{breach}/stage"),
            &[("proposal", &proposal), ("answer", "confirm")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{}", wrong.text());
    assert!(
        alex.get(&space)
            .await
            .has("Answer a proposed change of stage")
    );
    ok(
        &alex,
        &format!("{breach}/stage"),
        &[
            ("proposal", &proposal),
            ("answer", "confirm"),
            ("confirmed", "yes"),
        ],
    )
    .await;
    assert!(sam.get(&breach).await.has("Stage of repair: Attune"));
    // Going back is allowed and recorded: the hurt partner's own proposal takes effect.
    ok(
        &alex,
        &format!("{breach}/stage"),
        &[("direction", "back"), ("confirmed", "yes")],
    )
    .await;
    let page = sam.get(&breach).await;
    assert!(page.has("Stage of repair: Atone"));
    assert!(
        page.has("from Atone to Attune") && page.has("from Attune to Atone"),
        "{}",
        page.text()
    );
}

async fn bad_reconnect_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = ok(
        &alex,
        &format!("{space}/breaches"),
        &[
            ("title", "The messages"),
            ("kind", "lying"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-10-02"),
        ],
    )
    .await;
    let together = format!("{space}/together");
    let before = event_count(&app, &space).await;
    let long = "a".repeat(501);
    let cases: Vec<crate::owning_up::Step> = vec![
        (
            &sam,
            format!("{together}/appreciations"),
            vec![("text", "")],
        ),
        (
            &sam,
            format!("{together}/appreciations"),
            vec![("text", &long)],
        ),
        (
            &sam,
            format!("{together}/plans"),
            vec![("what", "Dinner"), ("when", "tomorrow")],
        ),
        (
            &sam,
            format!("{together}/plans"),
            vec![("what", ""), ("when", "2026-12-05T19:30")],
        ),
        (
            &sam,
            format!("{together}/goals"),
            vec![("text", "Trust again"), ("target", "someday")],
        ),
        (
            &sam,
            format!("{together}/goals"),
            vec![("text", "bell\u{7}")],
        ),
        (
            &alex,
            format!("{breach}/pace"),
            vec![("topic", "outings"), ("readiness", "eager")],
        ),
        (
            &alex,
            format!("{breach}/pace"),
            vec![("topic", "skydiving"), ("readiness", "ready")],
        ),
        (
            &alex,
            format!("{breach}/stage"),
            vec![("direction", "sideways")],
        ),
    ];
    for (who, path, fields) in cases {
        let page = who.post(&path, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {fields:?}: {}",
            page.text()
        );
    }
    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_eq!(
        sam.post(&format!("{together}/plans/{unknown}/log"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sam.post(&format!("{together}/goals/{unknown}/reached"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "nothing was written"
    );
}

async fn nobody_outside_the_space_reconnects(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (_sam, alex, space) = couple(&app).await;
    let breach = ok(
        &alex,
        &format!("{space}/breaches"),
        &[
            ("title", "The messages"),
            ("kind", "lying"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-10-02"),
        ],
    )
    .await;
    let kim = app.person("Kim").await;
    let before = event_count(&app, &space).await;
    assert_eq!(
        kim.get(&format!("{space}/together")).await.status,
        StatusCode::NOT_FOUND
    );
    for (path, fields) in [
        (
            format!("{space}/together/appreciations"),
            vec![("text", "hi")],
        ),
        (format!("{space}/together/goals"), vec![("text", "hi")]),
        (
            format!("{breach}/pace"),
            vec![("topic", "outings"), ("readiness", "ready")],
        ),
        (format!("{breach}/stage"), vec![("direction", "on")]),
    ] {
        assert_eq!(
            kim.post(&path, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(event_count(&app, &space).await, before);
}
