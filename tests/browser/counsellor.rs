//! A counsellor in the room, in three browsers, with and without JavaScript: Sam invites
//! Kim, who signs up through the link and accepts; the space stays a not-found page for Kim
//! until both partners have agreed; Kim reads and leaves a note; both partners see the note
//! and every page Kim opened; Alex ends Kim's access, and the space is gone for Kim at once.

use fantoccini::Locator;

use crate::harness::{Browser, browser, driver, server};
use crate::journeys::{meet, sign_up};

/// The rows of the access log on the counsellor page, newest first, as the browser shows them.
async fn access_log(b: &Browser) -> Vec<String> {
    let rows = b
        .client
        .find_all(Locator::Css("#access-log tbody tr"))
        .await
        .expect("access log rows");
    let mut lines = Vec::new();
    for row in rows {
        lines.push(row.text().await.expect("row text"));
    }
    lines
}

/// Kim opens the space and finds the not-found page any stranger would.
async fn space_is_gone_for(kim: &Browser, space: &str, page: &str) {
    kim.goto(space).await;
    assert!(kim.sees("Page not found").await, "{}", kim.text().await);
    assert!(!kim.sees("Sam & Alex").await, "nothing of the space shows");
    kim.check_error_page(page, 404).await;
}

async fn counsel(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let kim = browser(&driver, &server, "Kim", javascript).await;
    let space = meet(&sam, &alex).await;
    let counsellor = format!("{space}/counsellor");

    // Sam invites a counsellor from the space's menu; the link is shown once.
    sam.goto(&space).await;
    sam.press("Counsellor").await;
    assert_eq!(sam.path().await, counsellor);
    assert!(
        sam.sees("They see nothing until both of you have agreed what they may see")
            .await
    );
    sam.check("counsellor-invite").await;
    sam.fill("#counsellor-name", "Dr Okafor").await;
    sam.press("Invite a counsellor").await;
    let link = sam.value("#counsellor-link-field").await;
    assert!(link.contains("/counsel/"), "{link}");
    assert!(sam.sees("It is shown only now.").await);
    sam.check("counsellor-link-made").await;
    sam.goto(&counsellor).await;
    assert!(
        sam.sees("You invited Dr Okafor. They haven't opened the link yet.")
            .await
    );
    let shown_again = sam
        .client
        .find_all(Locator::Css("#counsellor-link-field"))
        .await
        .expect("link field");
    assert!(shown_again.is_empty(), "the link is shown once");

    // Kim reads what they will and will never see, signs up through the link and accepts.
    kim.goto(&link).await;
    assert!(
        kim.sees("Sam invites you to be their counsellor").await,
        "{}",
        kim.text().await
    );
    for words in [
        "With “progress only”, a counsellor sees",
        "Whatever you choose, a counsellor never sees",
        "letter drafts, and anything else you have not sent",
        "check-in answers while they are still sealed",
    ] {
        assert!(kim.sees(words).await, "{words}");
    }
    kim.check("counsellor-link").await;
    kim.press("Create an account").await;
    sign_up(&kim, "kim@example.org", "Kim").await;
    assert!(
        kim.sees("Accept the invitation").await,
        "back at the link after signing up: {}",
        kim.text().await
    );
    kim.check("counsellor-link-signed-in").await;
    kim.press("Accept the invitation").await;
    assert_eq!(kim.path().await, "/");
    assert!(kim.sees("Couples you counsel").await);
    assert!(
        kim.sees("waiting for both partners to agree what you may see")
            .await
    );
    kim.check("counselling-pending").await;
    space_is_gone_for(&kim, &space, "counsellor-pending-not-found").await;

    // Sam agrees first; one consent shows Kim nothing.
    sam.goto(&counsellor).await;
    assert!(
        sam.sees(
            "Kim (invited as Dr Okafor) opened the link. They see nothing until both of you agree."
        )
        .await,
        "{}",
        sam.text().await
    );
    sam.check("counsellor-consent").await;
    sam.click("#scope-record").await;
    sam.press("Agree to this").await;
    assert!(
        sam.sees("You agreed to: progress and the shared record.")
            .await
    );
    assert!(sam.sees("Alex agreed to: nothing yet.").await);
    space_is_gone_for(&kim, &space, "counsellor-one-consent-not-found").await;

    // Alex is asked on the space's home and agrees to less: the lesser of the two stands.
    alex.goto(&space).await;
    alex.press("Choose what Dr Okafor may see as your counsellor")
        .await;
    assert_eq!(alex.path().await, counsellor);
    alex.click("#scope-progress").await;
    alex.press("Agree to this").await;
    assert!(
        alex.sees("Kim (invited as Dr Okafor) can see progress only.")
            .await,
        "{}",
        alex.text().await
    );
    alex.check("counsellor-consented").await;

    // Kim reads the dashboard and the summary, read-only, and leaves a note for both.
    kim.goto("/").await;
    assert!(
        kim.sees("you see progress only").await,
        "{}",
        kim.text().await
    );
    kim.check("counselling").await;
    kim.press("Sam & Alex").await;
    assert_eq!(kim.path().await, space);
    assert!(kim.sees("Read-only.").await);
    assert!(kim.sees("Both agreed you may see progress only.").await);
    assert!(kim.sees("How things are moving").await);
    assert!(!kim.sees("Shared record").await, "progress only");
    kim.check("counsellor-dashboard").await;
    kim.press("Summary").await;
    assert!(kim.path().await.ends_with("/summary"));
    assert!(
        kim.sees("Summary: Sam & Alex").await,
        "{}",
        kim.text().await
    );
    assert!(kim.sees("Read-only.").await);
    kim.check("counsellor-summary").await;
    kim.press("Notes and access log").await;
    assert_eq!(kim.path().await, counsellor);
    assert!(kim.sees("The pages you opened here").await);
    kim.check("counsellor-notes").await;
    kim.fill(
        "#note-text",
        "Before we meet, try one short letter each about a good day.",
    )
    .await;
    kim.choose("#note-practice", "letter").await;
    kim.press("Leave the note").await;
    assert_eq!(kim.path().await, counsellor);
    assert!(kim.sees("You suggested writing a letter").await);

    // Both partners see the note and every page Kim opened, and nothing Kim did not open.
    for partner in [&sam, &alex] {
        partner.goto(&counsellor).await;
        assert!(
            partner.sees("Kim suggests writing a letter:").await,
            "{}: {}",
            partner.name,
            partner.text().await
        );
        assert!(
            partner
                .sees("Before we meet, try one short letter each about a good day.")
                .await
        );
        assert!(partner.sees("Every page a counsellor opened").await);
        let log = access_log(partner).await;
        for page in [
            "the home page",
            "the printable summary",
            "the counsellor page",
        ] {
            assert!(
                log.iter()
                    .any(|row| row.contains("Kim") && row.ends_with(page)),
                "{}: {page} missing from {log:#?}",
                partner.name
            );
        }
        assert!(
            !log.iter().any(|row| row.ends_with("the shared record")),
            "{log:#?}"
        );
    }
    sam.check("counsellor-note-and-log").await;

    // Alex ends Kim's access alone; Kim's very next look at the space finds nothing.
    alex.press("End their access now").await;
    assert_eq!(alex.path().await, counsellor);
    assert!(
        alex.sees("Kim: access ended by you").await,
        "{}",
        alex.text().await
    );
    alex.check("counsellor-ended").await;
    space_is_gone_for(&kim, &space, "counsellor-ended-not-found").await;
    kim.goto("/").await;
    assert!(!kim.sees("Couples you counsel").await);
    sam.goto(&counsellor).await;
    assert!(sam.sees("Kim: access ended by Alex").await);
    sam.close().await;
    alex.close().await;
    kim.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counsellor_is_invited_reads_and_is_let_go() {
    counsel(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counsellor_is_invited_reads_and_is_let_go_without_javascript() {
    counsel(false).await;
}
