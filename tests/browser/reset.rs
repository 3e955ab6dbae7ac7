//! A forgotten password, with and without JavaScript, mail going to a real SMTP sink: Robin
//! signs up and confirms the address with the link from the mail, logs out, asks for a
//! reset on the log-in page, opens the link from the second mail, chooses a new password
//! and is logged in. Every page audited and photographed (`signup-sent`, `password-*`).

use goldseam::app::Clock;

use crate::harness::{PASSWORD, browser, driver, server_with};
use crate::journeys::sign_up;
use crate::smtp::Sink;

const NEW_PASSWORD: &str = "harbour meadow tinsel quartz";

/// The link to `{base}{prefix}` in the `n`-th mail (from 1) the sink got.
async fn link_in(sink: &Sink, n: usize, base: &str, prefix: &str) -> String {
    let mails = sink.wait_for(n).await;
    mails[n - 1]
        .link(&format!("{base}{prefix}"))
        .unwrap_or_else(|| panic!("mail {n} has no link to {prefix}"))
}

async fn forgot_password(javascript: bool) {
    let sink = Sink::start().await;
    let mail = sink.settings();
    let server = server_with(Clock::System, |s| s.mail = Some(mail)).await;
    let driver = driver().await;
    let robin = browser(&driver, &server, "Robin", javascript).await;
    let email = "robin@example.org";

    robin.goto("/signup").await;
    sign_up(&robin, email, "Robin").await;
    assert_eq!(robin.path().await, "/signup/sent");
    assert!(robin.sees("Check your e-mail").await);
    robin.check("signup-sent").await;
    let confirm = link_in(&sink, 1, &server.base, "/signup/confirm/").await;
    robin.goto(&confirm).await;
    robin.check("signup-confirm").await;
    robin.fill("#password", PASSWORD).await;
    robin.press("Confirm and log in").await;
    assert_eq!(robin.path().await, "/");

    robin.press("Log out").await;
    assert_eq!(robin.path().await, "/login");
    robin.press("Forgot your password?").await;
    assert_eq!(robin.path().await, "/password/forgot");
    assert!(robin.sees("only your recovery key opens them again").await);
    robin.check("password-forgot").await;
    robin.fill("#email", email).await;
    robin.press("Send me a link").await;
    assert!(robin.sees("a message with a link is on its way").await);
    robin.check("password-forgot-sent").await;

    let reset = link_in(&sink, 2, &server.base, "/password/reset/").await;
    robin.goto(&reset).await;
    assert!(robin.sees("Choose a new password").await);
    robin.check("password-reset").await;
    robin.fill("#new_password", NEW_PASSWORD).await;
    robin.press("Set the new password").await;
    assert_eq!(robin.path().await, "/");
    robin.goto("/account").await;
    assert_eq!(
        robin.path().await,
        "/account",
        "logged in with the new password"
    );

    // The link worked once.
    robin.goto(&reset).await;
    robin.check_error_page("password-reset-used", 404).await;

    // Reminders, from the account page: off at first, a daily digest chosen by clicking.
    robin.goto("/account").await;
    robin.press("Choose your reminders").await;
    assert_eq!(robin.path().await, "/account/reminders");
    assert!(robin.sees("Something is waiting for you").await);
    robin.check("reminders").await;
    robin.click("input[name=how][value=digest]").await;
    robin.press("Save").await;
    assert!(robin.sees("Saved.").await);
    robin.check("reminders-saved").await;

    // A calendar address, made on the account page and shown once.
    robin.goto("/account").await;
    robin.press("Make my calendar address").await;
    assert!(robin.sees("Your calendar address is ready").await);
    robin.check("calendar-address").await;
    robin.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_through_the_mail() {
    forgot_password(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_through_the_mail_without_javascript() {
    forgot_password(false).await;
}
