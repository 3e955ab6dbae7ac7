//! Taking a break and ending it, with and without JavaScript, Sam on a phone: Sam pauses
//! the space for a week; Alex finds who paused it and until when, with nothing waiting;
//! Alex ends the break and what was waiting is back. Audited and photographed
//! (`pause-*.png`).

use crate::harness::{browser, driver, server};
use crate::journeys::meet;

async fn take_a_break(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;
    sam.client
        .set_window_size(390, 844)
        .await
        .expect("phone size");

    sam.goto(&space).await;
    assert!(sam.sees("Begin by writing down what happened").await);
    sam.press("Take a break").await;
    assert_eq!(sam.path().await, format!("{space}/pause"));
    assert!(sam.sees("Safety never pauses").await);
    sam.check("pause-form").await;
    sam.choose("#days", "7").await;
    sam.press("Pause the space").await;
    assert!(sam.sees("You paused the space until").await);

    alex.goto(&space).await;
    assert!(alex.sees("Sam paused the space until").await);
    assert!(
        alex.sees("Nothing is asked of either of you until then.")
            .await
    );
    assert!(!alex.sees("Begin by writing down what happened").await);
    alex.check("pause-home").await;
    alex.press("End the break").await;
    alex.goto(&space).await;
    assert!(
        !alex
            .sees("Nothing is asked of either of you until then.")
            .await
    );
    assert!(alex.sees("Begin by writing down what happened").await);
    alex.goto(&format!("{space}/record")).await;
    assert!(alex.sees("ended the break").await);

    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_take_a_break_and_end_it() {
    take_a_break(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_take_a_break_and_end_it_without_javascript() {
    take_a_break(false).await;
}
