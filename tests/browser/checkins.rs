//! A check-in on a phone (390×844), with and without JavaScript: the rhythm proposed by Sam
//! and accepted by Alex; trust and feelings chosen by tapping segments and chips (no
//! dropdowns), every target at least 44px and nothing wider than the screen; the moment
//! both have answered said in words, and the side-by-side view reached by a click.
//! Screenshots are `checkin-*.png` in `target/screenshots/`.

use fantoccini::Locator;

use crate::harness::{Browser, browser, driver, server};
use crate::journeys::meet;

const PHONE: (u32, u32) = (390, 844);

async fn on_phone(b: &Browser) {
    b.client
        .set_window_size(PHONE.0, PHONE.1)
        .await
        .expect("phone size");
}

/// Taps the choice `value` of the radio group `name`, as a finger would: on its label.
pub(crate) async fn tap(b: &Browser, name: &str, value: &str) {
    let xpath =
        format!("//input[@type='radio' and @name='{name}' and @value='{value}']/parent::label");
    b.client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|_| panic!("the choice {value:?} of {name}"))
        .click()
        .await
        .expect("tap");
    let checked = b
        .client
        .execute(
            &format!("return document.querySelector(\"input[name='{name}']:checked\").value"),
            vec![],
        )
        .await
        .expect("checked value");
    assert_eq!(checked.as_str(), Some(value), "{name} is now {value:?}");
}

async fn number(b: &Browser, script: &str) -> f64 {
    let value = b.client.execute(script, vec![]).await.expect(script);
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{script} gave {value}"))
}

/// On the phone: no dropdowns in the form, every chip and segment at least 44px square, and
/// no sideways scroll.
async fn made_for_fingers(b: &Browser) {
    let selects = number(
        b,
        "return document.querySelectorAll('form.checkin-form select').length",
    )
    .await;
    assert_eq!(selects, 0.0, "no dropdowns in the check-in form");
    let targets = number(
        b,
        "return document.querySelectorAll('form.checkin-form label.segment, form.checkin-form label.chip').length",
    )
    .await;
    assert_eq!(targets, 3.0 * 11.0 + 14.0 * 6.0, "33 segments and 84 chips");
    let smallest = number(
        b,
        "return Math.min(...Array.from(document.querySelectorAll('form.checkin-form label.segment, form.checkin-form label.chip')).map(l => { const r = l.getBoundingClientRect(); return Math.min(r.width, r.height); }))",
    )
    .await;
    assert!(smallest >= 44.0, "the smallest target is {smallest}px");
    let overflow = number(
        b,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )
    .await;
    assert!(overflow <= 0.5, "the page scrolls sideways by {overflow}px");
}

/// One partner's answer, tapped in: trust on three segments, two feelings, one note.
async fn answer_by_tapping(b: &Browser, trust: [&str; 3], feelings: &[(&str, &str)], helped: &str) {
    for (key, value) in ["predictability", "dependability", "faith"]
        .into_iter()
        .zip(trust)
    {
        tap(b, key, value).await;
    }
    for (feeling, value) in feelings {
        tap(b, &format!("feeling_{feeling}"), value).await;
    }
    let period = b.value("input[name=period]").await;
    b.fill(&format!("#helped-{period}"), helped).await;
}

async fn check_in_on_a_phone(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;
    on_phone(&sam).await;
    on_phone(&alex).await;

    // Sam proposes Mondays in Berlin; nothing opens until Alex accepts.
    sam.goto(&format!("{space}/checkins")).await;
    sam.choose("#weekday", "monday").await;
    sam.choose("#time_zone", "Europe/Berlin").await;
    sam.press("Propose this rhythm").await;
    assert!(
        sam.sees("It begins once Alex accepts it.").await,
        "{}",
        sam.text().await
    );
    assert!(
        !sam.sees("Send my answer").await,
        "no check-in before Alex accepts"
    );
    sam.check("checkin-proposed").await;
    on_phone(&sam).await;

    alex.goto(&space).await;
    alex.press("Sam proposed a check-in rhythm, every week, on Mondays: accept or decline it")
        .await;
    assert!(
        alex.sees("Sam proposed checking in every week, on Mondays, in Europe/Berlin.")
            .await
    );
    alex.check("checkin-proposal").await;
    on_phone(&alex).await;
    alex.press("Accept this rhythm").await;
    assert!(
        alex.sees("Your rhythm: every week, in Europe/Berlin.")
            .await
    );

    // Sam checks in by tapping.
    sam.goto(&format!("{space}/checkins")).await;
    made_for_fingers(&sam).await;
    answer_by_tapping(
        &sam,
        ["3", "5", "7"],
        &[("anger", "4"), ("hope", "2")],
        "Our walk on Sunday.",
    )
    .await;
    // A feeling tapped and then put back to "not felt" is not sent.
    tap(&sam, "feeling_doubt", "5").await;
    tap(&sam, "feeling_doubt", "").await;
    // Photographed from where the form begins: the trust segments, then the chips.
    sam.client
        .execute(
            "document.querySelector('form.checkin-form').scrollIntoView()",
            vec![],
        )
        .await
        .expect("scroll to the form");
    sam.check("checkin-form").await;
    on_phone(&sam).await;
    sam.press("Send my answer").await;
    assert!(
        sam.sees("anger (4 of 5), hope (2 of 5)").await,
        "{}",
        sam.text().await
    );
    assert!(!sam.sees("You have both answered").await);

    // Alex answers; the answers are not put in front of them: the moment is said in words.
    alex.goto(&format!("{space}/checkins")).await;
    assert!(alex.sees("sealed until you have answered too").await);
    made_for_fingers(&alex).await;
    answer_by_tapping(
        &alex,
        ["6", "6", "4"],
        &[("sadness", "3")],
        "You answered every question.",
    )
    .await;
    alex.press("Send my answer").await;
    assert!(
        alex.sees("You have both answered — see them side by side")
            .await,
        "{}",
        alex.text().await
    );
    assert!(
        !alex.sees("Our walk on Sunday.").await,
        "Sam's answer waits for Alex to choose to see it"
    );
    alex.check("checkin-moment").await;
    on_phone(&alex).await;
    alex.press("See both answers side by side").await;
    assert!(
        alex.path().await.contains("/checkins/"),
        "{}",
        alex.path().await
    );
    assert!(
        alex.sees("Our walk on Sunday.").await && alex.sees("You answered every question.").await,
        "{}",
        alex.text().await
    );

    // Sam finds it in "waiting for you" and opens it with a click.
    sam.goto(&space).await;
    sam.press("You have both answered — see them side by side")
        .await;
    assert!(
        sam.sees("Our walk on Sunday.").await
            && sam.sees("You answered every question.").await
            && sam.sees("sadness (3 of 5)").await,
        "{}",
        sam.text().await
    );
    let overflow = number(
        &sam,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )
    .await;
    assert!(
        overflow <= 0.5,
        "the side-by-side view scrolls sideways by {overflow}px"
    );
    sam.check("checkin-side-by-side").await;

    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_checks_in_on_a_phone_by_tapping() {
    check_in_on_a_phone(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_checks_in_on_a_phone_by_tapping_without_javascript() {
    check_in_on_a_phone(false).await;
}
