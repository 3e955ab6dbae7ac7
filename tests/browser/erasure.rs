//! Erasing an account, with and without JavaScript: Alex reads on the account page that it
//! can be done, reads what goes and what stays, types the password, ticks the box and
//! erases; the home page says so once. Sam then finds their space closed and read-only,
//! with Alex named only as a partner who has left. Signing in as Alex no longer works.
//! Audited and photographed (`erase-*.png`).

use crate::harness::{PASSWORD, browser, driver, server};
use crate::journeys::meet;

async fn erase_an_account(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;

    alex.goto("/account").await;
    assert!(alex.sees("Erasing your account").await);
    alex.press("Erase my account").await;
    assert_eq!(alex.path().await, "/account/erase");
    assert!(alex.sees("What is removed, for good").await);
    assert!(alex.sees("What stays").await);
    assert!(alex.sees("Download the record of Sam & Alex").await);
    alex.check("erase").await;
    alex.fill("#password", PASSWORD).await;
    alex.click("#confirmed").await;
    alex.press("Erase my account").await;
    assert_eq!(alex.path().await, "/");
    assert!(alex.sees("Your account has been erased.").await);
    assert!(alex.sees("Create an account").await, "signed out");
    alex.check("erase-done").await;

    sam.goto(&space).await;
    assert!(sam.sees("This space is closed").await);
    assert!(sam.sees("Their account has been erased").await);
    assert!(
        sam.sees("A shared space for you (Sam) and a partner who has left.")
            .await
    );
    assert!(sam.sees("Nothing is waiting for you right now.").await);
    sam.check("erase-partner-space").await;
    sam.goto(&format!("{space}/record")).await;
    assert!(sam.sees("A partner who has left left the space").await);
    assert!(sam.sees("The chain checks out.").await);
    sam.check("erase-partner-record").await;
    sam.goto("/").await;
    assert!(sam.sees("with a partner who has left").await);

    alex.goto("/login").await;
    alex.fill("#email", "alex@example.org").await;
    alex.fill("#password", PASSWORD).await;
    alex.press("Log in").await;
    assert!(alex.sees("don't match an account").await);

    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_erases_their_account() {
    erase_an_account(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_erases_their_account_without_javascript() {
    erase_an_account(false).await;
}
