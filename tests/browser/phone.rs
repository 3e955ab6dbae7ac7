//! On a phone (390×844), what matters is on the screen: every field of a table is shown
//! (the "Where it stands" of a question, above all), the dashboard's first screen holds
//! what is waiting, the space's navigation is a folded menu naming the page shown, charts
//! open at the newest weeks, and the record's first page holds the newest entries. With and
//! without JavaScript.

use fantoccini::Locator;
use serde_json::Value;

use crate::harness::{Browser, browser, driver, server};
use crate::journeys::meet;

const PHONE: (u32, u32) = (390, 844);

async fn on_phone(b: &Browser) {
    b.client
        .set_window_size(PHONE.0, PHONE.1)
        .await
        .expect("phone size");
}

/// A number a script on the page returns.
async fn number(b: &Browser, script: &str) -> f64 {
    let value = b.client.execute(script, vec![]).await.expect(script);
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{script} gave {value}"))
}

/// The element `css` is displayed (not only in the page) and fits across the screen.
async fn shown_on_screen(b: &Browser, css: &str) -> String {
    let el = b
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} on the page"));
    assert!(
        el.is_displayed().await.expect("displayed"),
        "{css} is displayed"
    );
    let (x, _, w, h) = el.rectangle().await.expect("box");
    let width = number(b, "return document.documentElement.clientWidth").await;
    assert!(
        w > 0.0 && h > 0.0 && x >= 0.0 && x + w <= width + 0.5,
        "{css} is within the screen's width {width}: {x} + {w}"
    );
    el.text().await.expect("text")
}

/// The page fits the phone's width: nothing makes it scroll sideways.
async fn fits_across(b: &Browser) {
    let overflow = number(
        b,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )
    .await;
    assert!(
        overflow <= 0.5,
        "{} scrolls sideways by {overflow}px",
        b.path().await
    );
}

/// The texts of the record's table rows, first column (the entry's number).
async fn entry_numbers(b: &Browser) -> Vec<u64> {
    let cells = b
        .client
        .find_all(Locator::Css("#entries tbody td[data-label='#']"))
        .await
        .expect("entries");
    let mut numbers = Vec::new();
    for cell in cells {
        let text = cell.text().await.expect("text");
        numbers.push(
            text.trim_start_matches("#: ")
                .trim()
                .parse()
                .expect("a number"),
        );
    }
    numbers
}

async fn phone(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;
    alex.goto(&format!("{space}/questions")).await;
    alex.fill("#text", "Why did you hide it?").await;
    alex.press("Ask").await;

    // The home page's first screen holds what is waiting; the space's navigation is a menu.
    on_phone(&sam).await;
    sam.goto(&space).await;
    let waiting = shown_on_screen(&sam, "#waiting").await;
    assert!(waiting.contains("Waiting for you"), "{waiting}");
    let bottom = number(
        &sam,
        "return document.querySelector('#waiting li, #waiting p').getBoundingClientRect().bottom",
    )
    .await;
    let screen = number(&sam, "return window.innerHeight").await;
    assert!(
        bottom <= screen,
        "the first thing waiting ends at {bottom}, within the first screen ({screen})"
    );
    let menu = shown_on_screen(&sam, ".space-menu summary").await;
    assert!(
        menu.contains("Home"),
        "the menu names the page shown: {menu}"
    );
    let questions = sam
        .client
        .find(Locator::Css(".space-menu a[href$='/questions']"))
        .await
        .expect("the Questions link");
    assert!(
        !questions.is_displayed().await.expect("displayed"),
        "the menu is folded"
    );
    fits_across(&sam).await;
    sam.check("phone-space").await;
    on_phone(&sam).await;
    sam.click(".space-menu summary").await;
    assert!(questions.is_displayed().await.expect("displayed"));
    sam.submit(".space-menu a[href$='/questions']").await;
    assert_eq!(sam.path().await, format!("{space}/questions"));
    let current = shown_on_screen(&sam, ".space-menu summary").await;
    assert!(current.contains("Questions"), "{current}");
    let marked = sam
        .client
        .find_all(Locator::Css(".space-menu a[aria-current='page']"))
        .await
        .expect("marked");
    assert_eq!(marked.len(), 1, "one page is marked as the one shown");
    assert!(
        marked[0]
            .attr("href")
            .await
            .expect("href")
            .is_some_and(|h| h.ends_with("/questions"))
    );

    // Every field of the questions table is displayed, "Where it stands" above all.
    let stands = shown_on_screen(&sam, "td[data-label='Where it stands']").await;
    assert!(stands.contains("waiting for your answer"), "{stands}");
    for field in ["Question", "Asked by", "Open for"] {
        shown_on_screen(&sam, &format!("td[data-label='{field}']")).await;
    }
    fits_across(&sam).await;
    sam.check("phone-questions").await;
    // Wider, every link shows in a row, the page shown marked there too.
    let row = shown_on_screen(&sam, ".space-links a[aria-current='page']").await;
    assert_eq!(row, "Questions");
    let folded = sam
        .client
        .find(Locator::Css(".space-menu"))
        .await
        .expect("the menu");
    assert!(!folded.is_displayed().await.expect("displayed"));

    // Two years of history: the record opens at the newest entries, the charts at the
    // newest weeks.
    let demo = server.app.create_demo(2, 7).await.expect("a demo space");
    let head = server
        .app
        .store()
        .head_seq(demo.space)
        .await
        .expect("head")
        .expect("the demo space");
    let reader = browser(&driver, &server, "Demo", javascript).await;
    reader.goto("/login").await;
    reader.fill("#email", &demo.hurt.email).await;
    reader.fill("#password", &demo.hurt.passphrase).await;
    reader.press("Log in").await;
    on_phone(&reader).await;
    let home = format!("/spaces/{}", demo.space);
    reader.goto(&format!("{home}/record")).await;
    shown_on_screen(&reader, "#about-record code.fingerprint").await;
    let first: Vec<u64> = entry_numbers(&reader).await;
    assert_eq!(first, (head - 49..=head).rev().collect::<Vec<_>>());
    shown_on_screen(&reader, "#entries tbody td[data-label='What happened']").await;
    fits_across(&reader).await;
    reader.check("phone-record").await;
    on_phone(&reader).await;
    reader.press("Older entries").await;
    assert_eq!(
        entry_numbers(&reader).await,
        (head - 99..=head - 50).rev().collect::<Vec<_>>()
    );
    reader.press("Newer entries").await;
    assert_eq!(entry_numbers(&reader).await, first);

    reader.goto(&home).await;
    let ends: Value = reader
        .client
        .execute(
            "const box = document.querySelector('#chart-promises .chart-scroll'); \
             box.scrollIntoView(); \
             const b = box.getBoundingClientRect(), c = box.querySelector('svg').getBoundingClientRect(); \
             return [b.left, b.right, c.left, c.right];",
            vec![],
        )
        .await
        .expect("chart boxes");
    let at: Vec<f64> = ends
        .as_array()
        .expect("four numbers")
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    assert!(
        at.len() == 4 && at[2] < at[0] && (at[3] - at[1]).abs() < 2.0,
        "the chart is scrolled to its newest end: {at:?}"
    );
    let png = reader.client.screenshot().await.expect("screenshot");
    let js = if javascript { "" } else { "-nojs" };
    std::fs::write(
        crate::harness::screenshot_dir().join(format!("phone-demo-chart{js}.png")),
        png,
    )
    .expect("write screenshot");
    reader.check("phone-demo-dashboard").await;
    sam.close().await;
    alex.close().await;
    reader.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_shows_what_matters_first() {
    phone(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_shows_what_matters_first_without_javascript() {
    phone(false).await;
}
