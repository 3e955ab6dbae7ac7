//! Leaving a space alone, with and without JavaScript: Alex reads what leaving keeps and
//! removes, downloads first if they want, and leaves; the space is gone from Alex's list;
//! Sam finds it closed, read-only, everything still there. Audited and photographed
//! (`ending-*.png`).

use crate::harness::{browser, driver, server};
use crate::journeys::meet;

async fn leave_alone(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;

    alex.goto(&space).await;
    alex.press("Leave this space").await;
    assert_eq!(alex.path().await, format!("{space}/leave"));
    assert!(alex.sees("Nobody has to agree").await);
    assert!(alex.sees("Download the record").await);
    alex.check("ending-leave").await;
    alex.press("Leave this space").await;
    assert_eq!(alex.path().await, "/");
    assert!(alex.sees("You have left the space.").await);
    assert!(
        !alex.sees("Sam & Alex").await,
        "no longer among Alex's spaces"
    );
    alex.check("ending-left").await;

    sam.goto(&space).await;
    assert!(sam.sees("This space is closed").await);
    assert!(sam.sees("Alex left this space on").await);
    assert!(sam.sees("Nothing is waiting for you right now.").await);
    sam.check("ending-closed").await;
    sam.goto(&format!("{space}/record")).await;
    assert!(sam.sees("left the space").await);

    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_leaves_alone() {
    leave_alone(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_leaves_alone_without_javascript() {
    leave_alone(false).await;
}
