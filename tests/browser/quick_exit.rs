//! Quick exit as a frightened person uses it: one press (or Escape twice) and the session is
//! over on the server, the history holds no more entries than before, and Back — once or
//! twice — shows no Goldseam page with anything of theirs on it.

use std::time::Duration;

use reqwest::StatusCode;

use crate::harness::{Browser, PASSWORD, browser, driver, server};

const ESCAPE: &str = "\u{e00c}";

/// Words only Sam's own pages show: if Back brings any of them up, quick exit failed.
const PRIVATE: [&str; 3] = ["Ours, and only ours", "sam@example.org", "Hello, Sam"];

async fn history_length(b: &Browser) -> Option<u64> {
    b.client
        .execute("return window.history.length", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
}

/// Sam signs up and opens pages that show what is theirs. Returns the space's path.
async fn sam_reads_his_space(sam: &Browser) -> String {
    sam.goto("/signup").await;
    sam.fill("#email", "sam@example.org").await;
    sam.fill("#display_name", "Sam").await;
    sam.fill("#password", PASSWORD).await;
    sam.press("Create account").await;
    sam.fill("#name", "Ours, and only ours").await;
    sam.press("Create space").await;
    let space = sam.path().await;
    sam.goto("/account").await;
    sam.goto(&space).await;
    assert!(sam.sees("Ours, and only ours").await);
    space
}

/// Waits (bounded) until the browser shows `path`.
async fn arrives(b: &Browser, path: &str) {
    for _ in 0..200 {
        if b.path().await == path {
            b.wait_loaded().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("never arrived at {path}; at {}", b.path().await);
}

/// Whether the server still takes `session` (bounded wait: with JavaScript the session
/// ends in a request of its own, sent as the page is left).
async fn server_refuses(base: &str, space: &str, session: &str) -> bool {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for _ in 0..200 {
        let answer = http
            .get(format!("{base}{space}"))
            .header("cookie", format!("goldseam_session={session}"))
            .send()
            .await
            .expect("GET");
        let to_login = answer
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.starts_with("/login"));
        if answer.status() == StatusCode::SEE_OTHER && to_login {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

async fn back_shows_nothing_of_theirs(sam: &Browser, times: usize) {
    for _ in 0..times {
        sam.client.back().await.expect("back");
        sam.wait_loaded().await;
    }
    let text = sam.text().await;
    let url = sam.client.current_url().await.expect("url");
    for private in PRIVATE {
        assert!(
            !text.contains(private),
            "Back ×{times} at {url} shows {private:?}: {text}"
        );
    }
}

async fn leaves(how: &str, javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let space = sam_reads_his_space(&sam).await;
    let session = sam
        .client
        .get_named_cookie("goldseam_session")
        .await
        .expect("signed in")
        .value()
        .to_owned();
    let before = history_length(&sam).await;

    match how {
        "escape" => {
            let body = sam
                .client
                .find(fantoccini::Locator::Css("body"))
                .await
                .expect("body");
            body.send_keys(&format!("{ESCAPE}{ESCAPE}"))
                .await
                .expect("keys");
        }
        _ => sam.submit(".quick-exit button").await,
    }
    arrives(&sam, "/weather").await;
    assert!(sam.sees("Reading a weather forecast").await);
    let title = sam.client.title().await.expect("title");
    assert!(!title.contains("Goldseam"), "{title}");

    let after = history_length(&sam).await;
    if javascript {
        assert_eq!(after, before, "the plain page replaced the one left");
    } else {
        // A form's answer is a new history entry; Back must then show nothing (below).
        assert_eq!(
            after,
            before.map(|n| n + 1),
            "one entry, and only one, is added"
        );
    }
    assert!(
        server_refuses(&server.base, &space, &session).await,
        "the old session cookie still works"
    );
    back_shows_nothing_of_theirs(&sam, 1).await;
    back_shows_nothing_of_theirs(&sam, 1).await;
    sam.assert_clean_console("quick exit").await;
    sam.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_exit_leaves_nothing_behind_back() {
    leaves("button", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_exit_leaves_nothing_behind_back_without_javascript() {
    leaves("button", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_twice_leaves_like_quick_exit() {
    leaves("escape", true).await;
}
