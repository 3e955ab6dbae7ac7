//! Taking a break over HTTP, on both databases: a break hides everything waiting for both
//! partners, the other sees who paused and until when, ending it (or its running out)
//! brings it all back, and a break of no or an absurd length, or ending one that is not
//! there, is refused with nothing written.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    a_break_hides_what_is_waiting_for_both_until_either_ends_it,
    a_break_that_runs_out_ends_by_itself,
    a_break_of_no_or_an_absurd_length_or_ending_none_is_refused,
);

const DAY: Duration = Duration::from_secs(24 * 3600);

/// A couple for whom the daily appreciation is waiting: Alex, who was hurt, is open to it.
async fn couple_asked_to_appreciate(app: &TestApp) -> (Client, Client, String) {
    let (sam, alex, space) = couple(app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    ok(
        &alex,
        &format!("{breach}/pace"),
        &[("topic", "appreciation"), ("readiness", "open_to_talk")],
    )
    .await;
    for who in [&sam, &alex] {
        assert!(who.get(&space).await.reads("Write today's appreciation"));
    }
    (sam, alex, space)
}

async fn a_break_hides_what_is_waiting_for_both_until_either_ends_it(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple_asked_to_appreciate(&app).await;
    let page = sam.get(&format!("{space}/pause")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("href=\"/help/safety\""),
        "safety is one link away"
    );
    assert!(page.reads("Safety never pauses"));

    let to = ok(&sam, &format!("{space}/pause"), &[("days", "14")]).await;
    assert_eq!(to, space);
    let sams = sam.get(&space).await;
    assert!(sams.reads("You paused the space until"), "{}", sams.text());
    assert!(!sams.reads("Write today's appreciation"));
    assert!(!sams.body.contains("id=\"waiting\""));
    let alexs = alex.get(&space).await;
    assert!(
        alexs.reads("Sam paused the space until"),
        "{}",
        alexs.text()
    );
    assert!(alexs.reads("Nothing is asked of either of you until then."));
    assert!(!alexs.reads("Write today's appreciation"));
    assert!(
        !alexs.body.contains("id=\"waiting\""),
        "no first steps either"
    );
    // The record says who paused; no reason is asked or kept.
    assert!(
        alex.get(&format!("{space}/record"))
            .await
            .reads("paused the space until")
    );

    // Either may end it early: Alex does.
    ok(&alex, &format!("{space}/pause/end"), &[]).await;
    for who in [&sam, &alex] {
        let home = who.get(&space).await;
        assert!(!home.body.contains("id=\"paused\""));
        assert!(home.reads("Write today's appreciation"));
    }
    assert!(
        sam.get(&format!("{space}/record"))
            .await
            .reads("ended the break")
    );
}

async fn a_break_that_runs_out_ends_by_itself(backend: Backend) {
    let app = spawn_app_long(backend).await;
    let (sam, alex, space) = couple_asked_to_appreciate(&app).await;
    ok(&alex, &format!("{space}/pause"), &[("days", "3")]).await;
    app.advance(2 * DAY);
    assert!(sam.get(&space).await.reads("Alex paused the space until"));
    let before = event_count(&app, &space).await;
    app.advance(DAY + Duration::from_secs(60));
    for who in [&sam, &alex] {
        let home = who.get(&space).await;
        assert!(!home.body.contains("id=\"paused\""), "over by itself");
        assert!(home.reads("Write today's appreciation"));
    }
    assert_eq!(
        event_count(&app, &space).await,
        before,
        "no event was needed"
    );
    // Nothing to end now, and a new break may be taken.
    let end = sam.post(&format!("{space}/pause/end"), &[]).await;
    assert!(end.status.is_client_error());
    ok(&sam, &format!("{space}/pause"), &[("days", "open")]).await;
    app.advance(30 * DAY);
    assert!(
        alex.get(&space)
            .await
            .reads("Sam paused the space until one of you ends the break")
    );
}

async fn a_break_of_no_or_an_absurd_length_or_ending_none_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let before = event_count(&app, &space).await;
    for days in ["0", "1000", "43", "-3", "soon", ""] {
        let page = sam.post(&format!("{space}/pause"), &[("days", days)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{days}");
        assert!(
            page.reads("A break lasts from 1 to 42 days"),
            "{days}: {}",
            page.text()
        );
    }
    let page = alex.post(&format!("{space}/pause/end"), &[]).await;
    assert!(page.status.is_client_error(), "{}", page.status);
    assert!(page.reads("The space is not on a break"), "{}", page.text());
    assert_eq!(event_count(&app, &space).await, before, "nothing written");

    ok(&sam, &format!("{space}/pause"), &[("days", "7")]).await;
    let again = alex.post(&format!("{space}/pause"), &[("days", "3")]).await;
    assert!(again.status.is_client_error(), "{}", again.status);
    assert!(again.reads("already on a break"), "{}", again.text());
    assert_eq!(event_count(&app, &space).await, before + 1);
}
