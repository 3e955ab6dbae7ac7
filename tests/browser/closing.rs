//! Closing a repair together, with and without JavaScript: Sam, who broke trust, proposes
//! closing; Alex, who was hurt, closes it with a follow-up after a month; both see it
//! celebrated once; a month later (the server's clock moved on) the follow-up check-in is
//! waiting on the home page, and Alex answers it by tapping the segments. Audited and
//! photographed (`closing-*.png`).

use std::time::Duration;

use goldseam::app::Clock;

use crate::checkins::tap;
use crate::harness::{browser, driver, server_with};
use crate::journeys::meet;

const DAY: Duration = Duration::from_secs(24 * 3600);

async fn close_together(javascript: bool) {
    let server = server_with(Clock::manual(), |s| {
        s.session_idle = 90 * DAY;
        s.session_max = 90 * DAY;
    })
    .await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;

    alex.goto(&format!("{space}/breaches")).await;
    alex.fill("#title", "The hidden account").await;
    alex.click("input[name=broke_trust][value=partner]").await;
    alex.choose("#kind", "secret_spending").await;
    alex.fill("#discovered_on", "11012026").await;
    alex.press("Record it").await;
    let breach = alex.path().await;
    assert!(breach.contains("/breaches/"), "{breach}");

    // Sam proposes closing, with a follow-up after one month only.
    sam.goto(&breach).await;
    assert!(sam.sees("you can propose closing it").await);
    for months in [3, 6, 12] {
        sam.click(&format!("#closing input[name=m{months}]")).await;
    }
    sam.press("Propose closing this repair").await;
    assert!(
        sam.sees("You proposed closing this repair, with follow-up check-ins at 1 month")
            .await
    );

    // Alex finds it waiting, and closes it.
    alex.goto(&space).await;
    assert!(alex.sees("Answer a proposal to close the repair of").await);
    alex.goto(&breach).await;
    assert!(alex.sees("Closing is your call.").await);
    alex.check("closing-proposal").await;
    alex.press("Close this repair together").await;
    assert!(alex.sees("You came through this together.").await);
    alex.check("closing-closed").await;
    alex.goto(&breach).await;
    assert!(!alex.sees("You came through this together.").await, "once");
    sam.goto(&breach).await;
    assert!(sam.sees("You came through this together.").await);
    assert!(sam.sees("(to come)").await);

    // A month on, the follow-up check-in is waiting for both.
    server.clock.advance(32 * DAY);
    alex.goto(&space).await;
    assert!(alex.sees("A follow-up check-in on").await);
    alex.goto(&format!("{breach}/follow-up")).await;
    alex.check("closing-follow-up").await;
    for (dimension, level) in [
        ("predictability", "8"),
        ("dependability", "7"),
        ("faith", "8"),
    ] {
        tap(&alex, dimension, level).await;
    }
    alex.press("Send my answer").await;
    assert!(
        alex.sees("You: predictability 8, dependability 7, faith 8")
            .await
    );
    sam.goto(&space).await;
    assert!(
        sam.sees("A follow-up check-in on").await,
        "still Sam's to answer"
    );

    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_close_a_repair_together_and_the_follow_up_comes() {
    close_together(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_close_a_repair_together_without_javascript() {
    close_together(false).await;
}
