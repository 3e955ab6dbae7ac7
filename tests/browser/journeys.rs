//! The journeys: two partners meet in a space, then own up, with and without JavaScript,
//! by mouse and by keyboard alone.

use fantoccini::Locator;

use crate::harness::{Browser, ENTER, PASSWORD, TAB, browser, driver, server};

pub(crate) async fn sign_up(b: &Browser, email: &str, name: &str) {
    b.fill("#email", email).await;
    b.fill("#display_name", name).await;
    b.fill("#password", PASSWORD).await;
    b.press("Create account").await;
}

async fn fingerprint(b: &Browser) -> String {
    b.client
        .find(Locator::Css("code.fingerprint"))
        .await
        .expect("fingerprint")
        .text()
        .await
        .expect("text")
}

/// Sam creates a space and invites Alex, who signs up through the link and joins.
/// Returns the space's path.
pub(crate) async fn meet(sam: &Browser, alex: &Browser) -> String {
    sam.goto("/").await;
    sam.check("welcome").await;
    sam.press("Create an account").await;
    sam.check("signup").await;
    sign_up(sam, "sam@example.org", "Sam").await;
    assert_eq!(sam.path().await, "/");
    assert!(sam.sees("Hello, Sam").await);
    sam.check("spaces-empty").await;

    sam.fill("#name", "Sam & Alex").await;
    sam.press("Create space").await;
    let space = sam.path().await;
    assert!(space.starts_with("/spaces/"), "{space}");
    sam.check("space-invite").await;
    let link = sam.value("#invite-link").await;
    assert!(link.contains("/invite/"), "{link}");

    alex.goto(&link).await;
    assert!(alex.sees("Sam invites you to a shared space").await);
    alex.check("invite").await;
    alex.press("Create an account").await;
    sign_up(alex, "alex@example.org", "Alex").await;
    assert!(
        alex.sees("Join the space").await,
        "back at the invite after signing up"
    );
    alex.check("invite-join").await;
    alex.press("Join the space").await;
    assert_eq!(alex.path().await, space);
    assert!(alex.sees("A shared space for you (Alex) and Sam.").await);
    alex.check("space").await;

    sam.goto(&space).await;
    assert!(sam.sees("A shared space for you (Sam) and Alex.").await);
    // The fingerprint is on the record page, beside what it means.
    sam.goto(&format!("{space}/record")).await;
    alex.goto(&format!("{space}/record")).await;
    assert_eq!(
        fingerprint(sam).await,
        fingerprint(alex).await,
        "both see the same record fingerprint"
    );
    assert!(sam.sees("Alex joined the space").await);
    sam.check("record").await;
    space
}

async fn couple_meets(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;

    // Logging out leads to the log-in page, and logging in again works.
    sam.press("Log out").await;
    assert_eq!(sam.path().await, "/login");
    sam.check("login").await;
    sam.fill("#email", "sam@example.org").await;
    sam.fill("#password", "not the password at all").await;
    sam.press("Log in").await;
    assert!(sam.sees("don't match an account").await);
    sam.check_error_page("login-error", 401).await;
    sam.fill("#password", PASSWORD).await;
    sam.press("Log in").await;
    sam.goto(&space).await;
    assert!(sam.sees("Alex").await);
    // Someone else's (or no) space: a calm not-found page.
    sam.goto("/spaces/00000000-0000-4000-8000-000000000000")
        .await;
    assert!(sam.sees("Page not found").await);
    sam.check_error_page("not-found", 404).await;
    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_meet_in_a_space() {
    couple_meets(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_meet_in_a_space_without_javascript() {
    couple_meets(false).await;
}

async fn own_up(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;

    // A breach about threats is not recorded before Alex has read that Sam will see it.
    alex.goto(&format!("{space}/breaches")).await;
    alex.fill("#title", "What was said in the car").await;
    alex.choose("#kind", "threats_or_anger").await;
    alex.click("input[name=broke_trust][value=partner]").await;
    alex.fill("#discovered_on", "11012026").await;
    alex.press("Record it").await;
    assert!(
        alex.sees("Sam will see this breach as soon as it is recorded")
            .await
    );
    alex.check("breach-safety-warning").await;
    alex.press("Don't record it").await;
    assert!(alex.sees("No breach has been recorded yet.").await);

    // Alex records the breach; Sam acknowledges it.
    alex.check("breaches").await;
    alex.fill("#title", "The hidden account").await;
    alex.click("input[name=broke_trust][value=partner]").await;
    alex.client
        .find(Locator::Css("#kind option[value=secret_spending]"))
        .await
        .expect("kind option")
        .click()
        .await
        .expect("choose kind");
    // Typed as a person would into the date field (en-US order: month, day, year).
    alex.fill("#discovered_on", "11012026").await;
    alex.press("Record it").await;
    let breach = alex.path().await;
    assert!(
        breach.contains("/breaches/"),
        "{breach}: {}",
        alex.text().await
    );
    sam.goto(&space).await;
    assert!(sam.sees("and say how you see it").await);
    sam.goto(&breach).await;
    sam.click("input[name=response][value=acknowledged]").await;
    sam.press("Answer").await;
    sam.fill(
        "#text",
        "I opened a card in January and hid the statements.",
    )
    .await;
    sam.press("Add to the record").await;
    assert!(sam.sees("I opened a card in January").await);
    sam.check("breach").await;

    // A question and its answer.
    alex.goto(&format!("{space}/questions")).await;
    alex.fill("#text", "Why did you hide it?").await;
    alex.press("Ask").await;
    let question = alex.path().await;
    alex.check("question-waiting").await;
    sam.goto(&format!("{space}/questions")).await;
    assert!(sam.sees("waiting for your answer").await);
    sam.check("questions").await;
    sam.goto(&question).await;
    sam.fill("#text", "I was ashamed, and afraid of how you would react.")
        .await;
    sam.press("Send answer").await;
    alex.goto(&question).await;
    alex.check("question-answered").await;
    alex.press("Yes, it's settled").await;
    assert!(alex.sees("Settled.").await);

    // An apology that the check catches, then one that passes.
    sam.goto(&format!("{breach}/apology")).await;
    sam.check("apology-form").await;
    for (field, text) in [
        (
            "#what_i_did",
            "I'm sorry if you felt hurt, but it was only a card.",
        ),
        ("#how_it_affected_you", "You made me hide it."),
        ("#responsibility", "Some of it."),
        ("#changing", "I will try."),
        ("#asking", "Please move on."),
    ] {
        sam.fill(field, text).await;
    }
    sam.press("Send").await;
    assert!(
        sam.sees("Conditional apology").await,
        "{}",
        sam.text().await
    );
    sam.check("apology-flags").await;
    for (field, text) in [
        (
            "#what_i_did",
            "I opened a credit card in secret and hid it from you for a year.",
        ),
        (
            "#how_it_affected_you",
            "You stopped trusting what I tell you about money.",
        ),
        (
            "#responsibility",
            "All of it, the card and every time I said things were fine.",
        ),
        (
            "#changing",
            "The card is closed and we read every statement together.",
        ),
        ("#asking", "Forgiveness, when and if you are ready."),
    ] {
        sam.fill(field, text).await;
    }
    sam.press("Check my words").await;
    assert!(sam.sees("The check found nothing to reconsider.").await);
    sam.press("Send").await;
    assert!(sam.path().await.contains("/apologies/"));
    alex.goto(&space).await;
    alex.press("Read an apology, and respond when you are ready")
        .await;
    alex.click("input[name=response][value=received]").await;
    alex.press("Respond").await;
    assert!(alex.sees("Thank you, I received it").await);
    alex.check("apology").await;

    // A letter, checked, saved as a draft, and sent.
    alex.goto(&format!("{space}/letters")).await;
    alex.press("Write a letter").await;
    alex.check("letter-form").await;
    alex.fill("#text", "You never listen to me. You never ask.")
        .await;
    // Alex was hurt: the check is there when asked for, and never stops the sending.
    alex.press("Read it again before sending?").await;
    assert!(alex.sees("Criticism").await);
    assert!(!alex.sees("Send as it is").await);
    alex.check("letter-flags").await;
    alex.fill(
        "#text",
        "I feel uneasy about money and I need us to look at it together.",
    )
    .await;
    alex.press("Save draft").await;
    assert!(alex.sees("Draft saved privately").await);
    alex.press("Send").await;
    assert!(alex.path().await.contains("/letters/"));
    alex.check("letter").await;
    sam.goto(&format!("{space}/letters")).await;
    assert!(sam.sees("I feel uneasy about money").await);
    sam.check("letters").await;

    // Words of despair are sent as written, and their writer alone is offered help, once.
    alex.goto(&format!("{space}/letters/new")).await;
    alex.fill("#text", "Some nights I don't want to wake up any more.")
        .await;
    alex.press("Send").await;
    assert!(alex.sees("You are not alone with this").await);
    alex.check("help-offer").await;
    alex.goto(&format!("{space}/letters")).await;
    assert!(
        !alex.sees("You are not alone with this").await,
        "offered once"
    );
    sam.goto(&format!("{space}/letters")).await;
    sam.press("Some nights I don't want to wake up any more.")
        .await;
    assert!(sam.sees("Some nights I don't want to wake up").await);
    assert!(
        !sam.sees("You are not alone with this").await,
        "never to the partner"
    );
    sam.goto(&format!("{space}/record")).await;
    assert!(sam.sees("Alex sent a letter").await);
    sam.check("record-own-up").await;
    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_own_up() {
    own_up(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_own_up_without_javascript() {
    own_up(false).await;
}

/// Tabs forward until an element matching `css` has focus, checking that every element
/// that takes focus on the way shows it.
async fn tab_to(b: &Browser, css: &str) {
    for _ in 0..30 {
        let active = b.client.active_element().await.expect("active element");
        active.send_keys(TAB).await.expect("Tab");
        let focused = b.client.active_element().await.expect("active element");
        let outline = focused.css_value("outline-style").await.expect("outline");
        let tag = focused.tag_name().await.unwrap_or_default();
        assert_ne!(outline, "none", "a focused <{tag}> shows no focus outline");
        let matches = b
            .client
            .execute(
                "return document.activeElement.matches(arguments[0]);",
                vec![serde_json::json!(css)],
            )
            .await
            .expect("matches");
        if matches == serde_json::json!(true) {
            return;
        }
    }
    panic!("Tab never reached {css}");
}

/// Types into whatever has focus.
async fn type_here(b: &Browser, text: &str) {
    b.client
        .active_element()
        .await
        .expect("focus")
        .send_keys(text)
        .await
        .expect("type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_core_actions_work_by_keyboard_alone() {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", true).await;
    // Sign up, by keyboard.
    sam.goto("/signup").await;
    tab_to(&sam, ".quick-exit button").await;
    tab_to(&sam, "#email").await;
    type_here(&sam, "sam@example.org").await;
    tab_to(&sam, "#display_name").await;
    type_here(&sam, "Sam").await;
    tab_to(&sam, "#password").await;
    type_here(&sam, PASSWORD).await;
    type_here(&sam, ENTER).await;
    assert!(sam.sees("Hello, Sam").await, "{}", sam.text().await);
    // Create a space, by keyboard.
    tab_to(&sam, "#name").await;
    type_here(&sam, "Ours").await;
    type_here(&sam, ENTER).await;
    assert!(sam.path().await.starts_with("/spaces/"));
    assert!(sam.sees("Invite your partner").await);
    sam.assert_clean_console("keyboard journey").await;
    sam.close().await;
}

/// The audit itself must be able to fail: a page with a real violation is caught.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accessibility_audit_catches_a_real_violation() {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", true).await;
    sam.goto("/login").await;
    // Remove the email field's label: a form field without a label is a critical violation.
    sam.client
        .execute(
            "document.querySelector('label[for=email]').remove();",
            vec![],
        )
        .await
        .expect("break the page");
    let audit = tokio::spawn(async move {
        sam.assert_accessible("login-broken").await;
    });
    let result = audit.await;
    assert!(
        result.is_err_and(|e| e.is_panic()),
        "axe-core did not flag an unlabelled field"
    );
}

async fn check_in_and_reconnect(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;

    // A weekly rhythm Sam proposes and Alex accepts, then Sam's sealed answer.
    sam.goto(&format!("{space}/checkins")).await;
    sam.check("checkins-rhythm").await;
    sam.choose("#weekday", "monday").await;
    sam.choose("#time_zone", "Europe/Berlin").await;
    sam.press("Propose this rhythm").await;
    assert!(
        sam.sees("It begins once Alex accepts it.").await,
        "{}",
        sam.text().await
    );
    alex.goto(&format!("{space}/checkins")).await;
    alex.press("Accept this rhythm").await;
    sam.goto(&format!("{space}/checkins")).await;
    assert!(
        sam.sees("Your rhythm: every week, in Europe/Berlin").await,
        "{}",
        sam.text().await
    );
    let period = sam.value("input[name=period]").await;
    for (who, helped) in [
        (&sam, "Our walk on Sunday."),
        (&alex, "You answered every question."),
    ] {
        if who.name == "Alex" {
            who.goto(&format!("{space}/checkins")).await;
            assert!(who.sees("sealed until you have answered too").await);
            assert!(
                !who.sees("Our walk on Sunday.").await,
                "a sealed answer shows nothing"
            );
            who.check("checkins-sealed").await;
        }
        for key in ["predictability", "dependability", "faith"] {
            crate::checkins::tap(who, key, "6").await;
        }
        crate::checkins::tap(who, "feeling_hope", "3").await;
        who.fill(&format!("#helped-{period}"), helped).await;
        who.press("Send my answer").await;
    }
    for who in [&sam, &alex] {
        who.goto(&format!("{space}/checkins/{period}")).await;
        assert!(
            who.sees("Our walk on Sunday.").await && who.sees("You answered every question.").await
        );
    }
    alex.check("checkins-revealed").await;

    // Appreciation and a shared goal.
    alex.goto(&format!("{space}/together")).await;
    alex.check("together").await;
    alex.fill("#appreciation", "You made me laugh at dinner.")
        .await;
    alex.press("Share it").await;
    alex.fill("#goal", "A weekend away, just us").await;
    alex.press("Set goal").await;
    sam.goto(&format!("{space}/together")).await;
    assert!(
        sam.sees("You made me laugh at dinner.").await && sam.sees("A weekend away, just us").await
    );
    sam.check("together-filled").await;

    // Alex, who was hurt, sets the pace and confirms Sam's proposal to move on.
    alex.goto(&format!("{space}/breaches")).await;
    alex.fill("#title", "The messages").await;
    alex.click("input[name=broke_trust][value=partner]").await;
    alex.fill("#discovered_on", "10022026").await;
    alex.press("Record it").await;
    let breach = alex.path().await;
    alex.click("#pace-outings input[value=open_to_talk]").await;
    alex.submit("#pace-outings button[type=submit]").await;
    assert!(alex.sees("Saved.").await);
    sam.goto(&breach).await;
    assert!(
        sam.sees("Open to talking about it").await,
        "{}",
        sam.text().await
    );
    // Each stage move first says what it does and asks to confirm.
    sam.press("Propose moving to Attune").await;
    assert!(sam.sees("Nothing changes until Alex confirms").await);
    sam.press("Propose moving to Attune").await;
    alex.goto(&breach).await;
    alex.press("Move to Attune").await;
    assert!(alex.sees("moves from Atone to Attune now").await);
    alex.check("stage-confirm").await;
    alex.press("Move to Attune").await;
    assert!(alex.sees("Stage of repair: Attune").await);
    alex.check("breach-attune").await;
    alex.goto(&format!("{space}/stages")).await;
    alex.check("stages").await;
    sam.goto(&space).await;
    assert!(sam.sees("stage: Attune").await);
    sam.check("space-home").await;
    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_check_in_and_reconnect() {
    check_in_and_reconnect(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_check_in_and_reconnect_without_javascript() {
    check_in_and_reconnect(false).await;
}

async fn keep_your_word(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;

    // Sam, who broke trust, makes a daily promise.
    sam.goto(&format!("{space}/promises")).await;
    sam.check("promises-empty").await;
    sam.fill("#text", "Home by nine, phone on").await;
    sam.press("Make the promise").await;
    assert!(sam.path().await.contains("/promises/"));
    assert!(sam.sees("every day from").await, "{}", sam.text().await);
    sam.check("promise").await;
    alex.goto(&format!("{space}/promises")).await;
    assert!(alex.sees("Home by nine, phone on").await);
    alex.check("promises").await;

    // Alex proposes a boundary; Sam accepts it.
    alex.goto(&format!("{space}/agreements")).await;
    alex.fill(
        "#text",
        "No contact with the former colleague, in any form.",
    )
    .await;
    alex.press("Propose").await;
    let agreement = alex.path().await;
    sam.goto(&agreement).await;
    sam.check("agreement-proposed").await;
    sam.press("Accept").await;
    assert!(sam.sees("in force").await && sam.sees("Version 1").await);
    sam.check("agreement").await;
    alex.goto(&format!("{space}/agreements")).await;
    alex.check("agreements").await;

    // A proactive report on a breach, acknowledged by the partner who was hurt.
    alex.goto(&format!("{space}/breaches")).await;
    alex.fill("#title", "The affair").await;
    alex.click("input[name=broke_trust][value=partner]").await;
    alex.fill("#discovered_on", "09012026").await;
    alex.press("Record it").await;
    let breach = alex.path().await;
    sam.goto(&breach).await;
    sam.fill(
        "#report-text",
        "They messaged me today. I did not reply and blocked the number.",
    )
    .await;
    sam.press("Report it").await;
    alex.goto(&breach).await;
    assert!(alex.sees("I did not reply and blocked the number.").await);
    alex.press("Acknowledge").await;
    assert!(alex.sees("Acknowledged").await);
    alex.check("breach-reports").await;
    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_keep_their_word() {
    keep_your_word(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_keep_their_word_without_javascript() {
    keep_your_word(false).await;
}

/// How many pages a PDF has, by its page objects.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page\n").count()
        + text.matches("/Type /Page ").count()
        + text.matches("/Type /Page/").count()
        + text.matches("/Type /Page>").count()
}

/// As a new user would: two years of demo history, then the dashboard and the summary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_couple_with_two_years_of_history_sees_their_progress_and_prints_a_summary() {
    let server = server().await;
    let demo = server.app.create_demo(2, 7).await.expect("a demo space");
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", true).await;
    sam.goto("/login").await;
    sam.fill("#email", &demo.hurt.email).await;
    sam.fill("#password", &demo.hurt.passphrase).await;
    sam.press("Log in").await;
    let space = format!("/spaces/{}", demo.space);
    sam.goto(&space).await;
    let charts = sam
        .client
        .find_all(Locator::Css("#trends svg.chart"))
        .await
        .expect("charts");
    assert_eq!(charts.len(), 6, "every chart is drawn");
    for chart in &charts {
        let size = chart.rectangle().await.expect("chart box");
        assert!(
            size.2 > 200.0 && size.3 > 60.0,
            "a chart people can see: {size:?}"
        );
    }
    assert!(sam.sees("How much Sam trusts Alex").await);
    assert!(sam.sees("Promises per week").await);
    let signals = sam
        .client
        .find_all(Locator::Css("section.signal"))
        .await
        .expect("signals");
    assert!(!signals.is_empty(), "{}", sam.text().await);
    sam.click("section.signal details summary").await;
    assert!(sam.sees("What this is based on").await);
    assert!(sam.sees("Milestones").await && sam.sees("One year").await);
    sam.click("#chart-promises details summary").await;
    assert!(sam.sees("The numbers behind “Promises per week”").await);
    sam.check("demo-dashboard").await;
    // A chart on a phone keeps a readable size and scrolls sideways.
    sam.client.set_window_size(390, 844).await.expect("resize");
    let widths = sam
        .client
        .execute(
            "const box = document.querySelector('#chart-promises .chart-scroll'); \
             box.scrollIntoView(); return [box.clientWidth, box.scrollWidth];",
            vec![],
        )
        .await
        .expect("chart widths");
    let png = sam.client.screenshot().await.expect("screenshot");
    std::fs::write(
        crate::harness::screenshot_dir().join("demo-dashboard-chart-phone.png"),
        png,
    )
    .expect("write screenshot");
    let (shown, whole) = (widths[0].as_f64(), widths[1].as_f64());
    assert!(
        matches!((shown, whole), (Some(s), Some(w)) if w > s),
        "the chart scrolls rather than shrinks: {widths:?}"
    );
    sam.client.set_window_size(1366, 900).await.expect("resize");

    // The printable summary, from the dashboard.
    sam.press("Printable summary").await;
    assert!(sam.path().await.ends_with("/summary"));
    assert!(
        sam.sees("Summary: Sam and Alex").await,
        "{}",
        sam.text().await
    );
    assert!(sam.sees("Questions still open").await && sam.sees("Agreements in force").await);
    assert!(
        sam.sees("Sam: anxiety").await && !sam.sees("You: anxiety").await,
        "a page to print names both partners"
    );
    sam.check("demo-summary").await;
    for pdf in sam.print("demo-summary").await {
        assert!(pdf.starts_with(b"%PDF-"), "a PDF");
        let pages = pdf_pages(&pdf);
        assert!((2..=30).contains(&pages), "{pages} pages");
    }
    // The date fields keep to the space's life; a range typed into the address anyway is
    // refused with a message on the page.
    assert!(!sam.value("#from").await.is_empty() && !sam.value("#to").await.is_empty());
    sam.goto(&format!("{space}/summary?from=2026-11-20&to=2026-11-01"))
        .await;
    assert!(
        sam.sees("The first date comes after the last one").await,
        "{}",
        sam.text().await
    );
    sam.check_error_page("demo-summary-reversed", 400).await;
    sam.close().await;
}

/// The pages for a frightened person, audited and photographed: Help & safety (signed out
/// and in), the account page's quick exit choice, the plain page it lands on, and a home
/// page with the safety card first.
async fn safety_pages(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    sam.goto("/help/safety").await;
    assert!(sam.sees("If you are thinking of harming yourself").await);
    sam.check("help-safety").await;
    sam.goto("/weather").await;
    assert!(sam.sees("Reading a weather forecast").await);
    sam.check("quick-exit-weather").await;
    let space = meet(&sam, &alex).await;

    alex.goto("/account").await;
    alex.click("input[name=exit_to][value=recipe]").await;
    alex.submit("#quick-exit button[type=submit]").await;
    assert!(alex.sees("Quick exit now takes you there").await);
    alex.check("account-quick-exit").await;

    alex.goto(&format!("{space}/breaches")).await;
    alex.fill("#title", "What was said in the car").await;
    alex.choose("#kind", "threats_or_anger").await;
    alex.click("input[name=broke_trust][value=partner]").await;
    alex.fill("#discovered_on", "11012026").await;
    alex.press("Record it").await;
    alex.press("Record it — Sam will see it now").await;
    for (who, page) in [
        (&alex, "space-safety-card"),
        (&sam, "space-safety-card-named"),
    ] {
        who.goto(&space).await;
        assert!(who.sees("Your safety comes first").await);
        who.check(page).await;
    }
    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_safety_pages_are_accessible() {
    safety_pages(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_safety_pages_are_accessible_without_javascript() {
    safety_pages(false).await;
}
