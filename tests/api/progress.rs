//! Signals that suggest a counsellor, the safety page, and milestones, on both databases.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, couple, ok, spawn_app_long};

crate::on_both_databases!(
    a_recent_threat_shows_the_safety_signal_with_where_to_find_help,
    a_question_asked_again_and_again_suggests_a_counsellor_with_its_evidence,
    milestones_are_celebrated_when_the_record_reaches_them,
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
    let text = help.text();
    let start = text
        .find("<main")
        .and_then(|at| text[at..].find('>').map(|end| at + end + 1))
        .unwrap_or(0);
    let main = &text[start..text.find("</main>").unwrap_or(text.len())];
    let mut inside_tag = false;
    let visible: String = main
        .chars()
        .filter(|&c| {
            match c {
                '<' => inside_tag = true,
                '>' => {
                    inside_tag = false;
                    return false;
                }
                _ => {}
            }
            !inside_tag
        })
        .collect();
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
}

async fn milestones_are_celebrated_when_the_record_reaches_them(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple(&app).await;
    assert!(!sam.get(&space).await.has("Milestones"));
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
    assert!(alex.get(&space).await.has("A goal reached together"));
    app.advance(Duration::from_secs(184 * 24 * 3600));
    // Sessions do not last half a year; log in again.
    sam.login(&sam.email(), PASSWORD).await;
    assert!(sam.get(&space).await.has("Six months"));
}
