//! A brand-new couple's first day, Sam on a 390×844 phone and Alex on a laptop, with and
//! without JavaScript: the welcome and first steps for each role; no appreciation nudge and
//! no milestone before Alex opens them; a double-clicked submit recording once; a slip withdrawn before Alex saw it; the
//! account first on the breach page, folded behind its note, marked read; the pace saved
//! with "Saved"; and the hurt partner's stage move asking to be confirmed. Every page is
//! audited and photographed (`first-day-*.png`).

use fantoccini::Locator;

use crate::harness::{Browser, browser, driver, server};
use crate::journeys::meet;

async fn on_phone(b: &Browser) {
    b.client
        .set_window_size(390, 844)
        .await
        .expect("phone size");
}

/// Whether `text` is displayed inside `css` (not only present in the page).
async fn displayed(b: &Browser, css: &str, text: &str) -> bool {
    let Ok(el) = b.client.find(Locator::Css(css)).await else {
        return false;
    };
    el.is_displayed().await.unwrap_or(false) && el.text().await.unwrap_or_default().contains(text)
}

async fn first_day(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;
    let shot = |name: &str| format!("first-day-{name}");

    // Day one, before anything is written: the welcome says where to begin.
    alex.goto(&space).await;
    assert!(alex.sees("Welcome: how this space works").await);
    assert!(displayed(&alex, "#waiting", "Begin by writing down what happened").await);

    // Alex records what happened; Sam broke trust.
    alex.goto(&format!("{space}/breaches")).await;
    alex.fill("#title", "The hidden account").await;
    alex.click("input[name=broke_trust][value=partner]").await;
    alex.choose("#kind", "secret_spending").await;
    alex.fill("#discovered_on", "11012026").await;
    alex.press("Record it").await;
    let breach = alex.path().await;
    assert!(breach.contains("/breaches/"), "{breach}");

    // Sam, on the phone: the welcome and Sam's first step, on the first screen.
    on_phone(&sam).await;
    sam.goto(&space).await;
    assert!(sam.sees("you begin. Write the full account").await);
    assert!(displayed(&sam, "#waiting li:first-child", "Write your full account").await);
    let bottom: f64 = sam
        .client
        .execute(
            "return document.querySelector('#waiting li').getBoundingClientRect().bottom",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::MAX);
    assert!(
        bottom <= 844.0,
        "the first step is on the first screen: {bottom}"
    );
    assert!(!sam.sees("Write today's appreciation").await);
    assert!(sam.client.find(Locator::Css("#milestones")).await.is_err());
    sam.check(&shot("home-sam")).await;

    // Alex, on the laptop: reading when ready, the pace, asking.
    alex.goto(&space).await;
    assert!(alex.sees("Read it when you are ready").await);
    assert!(displayed(&alex, "#waiting", "Set your pace for").await);
    assert!(!alex.sees("Write today's appreciation").await);
    alex.check(&shot("home-alex")).await;

    // Sam writes the account. With JavaScript, a double click sends it twice; it is kept once.
    on_phone(&sam).await;
    sam.goto(&breach).await;
    sam.fill(
        "#text",
        "I opened a card in January and hid the statements.",
    )
    .await;
    // WebDriver runs the script even where the page's own JavaScript is off.
    sam.client
        .execute(
            "const b = document.querySelector('form[action$=\"/disclosure\"] button'); b.click(); b.click();",
            vec![],
        )
        .await
        .expect("double click");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    sam.wait_loaded().await;
    sam.goto(&breach).await;
    let entries = sam
        .client
        .find_all(Locator::Css("#account article.entry"))
        .await
        .expect("entries");
    assert_eq!(entries.len(), 1, "recorded once");

    // A slip, withdrawn before Alex has seen it.
    sam.fill("#text", "Note to self: ask the bank about the fees.")
        .await;
    sam.press("Add to the record").await;
    assert!(sam.sees("Note to self").await);
    sam.check(&shot("withdraw-offered")).await;
    on_phone(&sam).await;
    sam.submit("#account article.entry:last-of-type form button")
        .await;
    assert!(
        sam.sees("I opened a card in January").await,
        "only the slip is withdrawn"
    );
    assert!(!sam.sees("Note to self").await);

    // Alex: the account comes first, folded behind its note; then marked read.
    alex.goto(&space).await;
    assert!(displayed(&alex, "#waiting li:first-child", "Sam wrote their account").await);
    alex.goto(&breach).await;
    assert!(
        alex.sees("This is Sam's account. Read it when you are ready; you can stop at any time.")
            .await
    );
    assert!(
        !alex.sees("I opened a card in January").await,
        "folded until Alex opens it"
    );
    alex.check(&shot("account-note")).await;
    alex.click("details.content-note > summary").await;
    assert!(alex.sees("I opened a card in January").await);
    assert!(
        !alex.sees("Note to self").await,
        "the withdrawn slip is gone"
    );
    alex.check(&shot("account-open")).await;
    alex.press("I have read it").await;
    sam.goto(&breach).await;
    let account = sam
        .client
        .find(Locator::Css("#account"))
        .await
        .expect("account")
        .text()
        .await
        .expect("text");
    assert!(
        account.contains("· read"),
        "Sam sees it was read: {account} / {} / {}",
        sam.path().await,
        sam.text().await
    );
    sam.goto(&format!("{space}/record")).await;
    assert!(sam.sees("withdrew an entry soon after writing it").await);

    // The pace: nothing said yet, then saved; appreciation opens the nudge.
    alex.goto(&breach).await;
    assert!(
        alex.sees("Hearing appreciation and marking progress — now: not said yet")
            .await
    );
    alex.click("#pace-appreciation input[value=open_to_talk]")
        .await;
    alex.submit("#pace-appreciation button[type=submit]").await;
    assert!(displayed(&alex, "#pace-appreciation", "Saved.").await);
    alex.check(&shot("pace-saved")).await;
    sam.goto(&space).await;
    assert!(sam.sees("Write today's appreciation").await);

    // Alex's own stage move is named plainly and asks to be confirmed.
    alex.goto(&breach).await;
    alex.press("Move to Attune").await;
    assert!(alex.sees("Move to Attune?").await);
    alex.check(&shot("stage-confirm")).await;

    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_couples_first_day() {
    first_day(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_couples_first_day_without_javascript() {
    first_day(false).await;
}
