//! The private journal in two browsers, with and without JavaScript: Sam opens it from the
//! navigation, is shown a recovery key once, writes two entries (one with a prompt), searches,
//! edits one, turns it into a letter draft that Alex's letters page does not show, downloads
//! the journal and deletes an entry; Alex's own journal holds nothing of Sam's, and Sam's
//! entry is the not-found page for Alex.

use fantoccini::Locator;
use goldseam::web::SESSION_COOKIE;
use reqwest::StatusCode;

use crate::harness::{Browser, browser, driver, server};
use crate::journeys::meet;

const RIVER: &str = "The walk by the river helped more than I said.";
const NIGHT: &str = "I keep going back to that night.";
const EDITED: &str = "The walk by the river helped. I want more of those.";
const HELPS: &str = "What helped today, even a little?";

/// The recovery key as the page shows it, if it is shown.
async fn recovery_words(b: &Browser) -> Option<String> {
    let found = b
        .client
        .find_all(Locator::Css("#recovery-words"))
        .await
        .expect("recovery key");
    let words = found.first()?;
    Some(words.text().await.expect("key text"))
}

/// The entry just written, from the anchor the journal page was opened at.
async fn written_entry(b: &Browser) -> String {
    let url = b.client.current_url().await.expect("current url");
    assert_eq!(url.path(), "/journal", "back at the journal after writing");
    let id = url
        .fragment()
        .and_then(|f| f.strip_prefix("entry-"))
        .unwrap_or_else(|| panic!("the entry's anchor in {url}"));
    format!("/journal/{id}")
}

/// Writes an entry from the journal page as a person would, and returns its path.
async fn write(b: &Browser, day: &str, prompt: &str, text: &str) -> String {
    // Typed as a person would into the date field (en-US order: month, day, year).
    b.fill("#date", day).await;
    b.click(&format!("#prompt-{prompt}")).await;
    b.fill("#text", text).await;
    b.press("Keep it in my journal").await;
    written_entry(b).await
}

/// How many entries the journal page lists.
async fn entries(b: &Browser) -> usize {
    b.client
        .find_all(Locator::Css("#entries li[id^=entry-]"))
        .await
        .expect("entries")
        .len()
}

/// The download, fetched with the browser's own session: a click on a `download` link saves
/// a file instead of showing a page, and Chromium would do that without telling WebDriver,
/// so the journey checks the link the person clicks and reads what it serves.
async fn download(b: &Browser) -> reqwest::Response {
    let link = b
        .client
        .find(Locator::LinkText("Download my journal"))
        .await
        .expect("the download link");
    let href = link.attr("href").await.expect("href");
    assert_eq!(href.as_deref(), Some("/journal/export"));
    assert!(
        link.attr("download").await.expect("download").is_some(),
        "the link saves a file"
    );
    let session = b
        .client
        .get_named_cookie(SESSION_COOKIE)
        .await
        .expect("signed in")
        .value()
        .to_owned();
    reqwest::Client::new()
        .get(format!("{}/journal/export", b.base))
        .header("cookie", format!("{SESSION_COOKIE}={session}"))
        .send()
        .await
        .expect("GET the download")
}

async fn keep_a_journal(javascript: bool) {
    let server = server().await;
    let driver = driver().await;
    let sam = browser(&driver, &server, "Sam", javascript).await;
    let alex = browser(&driver, &server, "Alex", javascript).await;
    let space = meet(&sam, &alex).await;

    // First visit, from the navigation: the recovery key comes first, shown once.
    sam.goto(&space).await;
    sam.press("Journal").await;
    assert_eq!(sam.path().await, "/journal");
    assert!(
        sam.sees("Before you start: a recovery key").await,
        "{}",
        sam.text().await
    );
    assert!(sam.sees("the key is shown once").await);
    sam.check("journal-recovery").await;
    sam.press("Show my recovery key").await;
    let words = recovery_words(&sam).await.expect("the key is shown");
    let groups: Vec<&str> = words.split('-').collect();
    assert!(
        groups.len() == 8
            && groups
                .iter()
                .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric())),
        "eight groups of four: {words}"
    );
    assert!(sam.sees("It is shown only now.").await);
    sam.check("journal-recovery-key").await;
    sam.press("I have written it down").await;
    assert_eq!(sam.path().await, "/journal");
    assert!(
        sam.sees("Nothing written yet.").await,
        "{}",
        sam.text().await
    );
    assert!(
        recovery_words(&sam).await.is_none(),
        "the key is shown once"
    );
    assert!(!sam.sees(&words).await);
    sam.check("journal-empty").await;
    sam.goto("/journal").await;
    assert!(!sam.sees(&words).await, "nor on any later visit");

    // Two entries, one with a prompt; the newest day comes first.
    let river = write(&sam, "11302026", "helps", RIVER).await;
    let night = write(&sam, "11292026", "none", NIGHT).await;
    assert_eq!(entries(&sam).await, 2);
    assert!(sam.sees(RIVER).await && sam.sees(NIGHT).await);
    assert!(sam.sees(HELPS).await, "the prompt shows with its entry");
    sam.check("journal-entries").await;

    // Search: case-blind, and a calm word when nothing holds it.
    sam.fill("#q", "RIVER").await;
    sam.press("Search").await;
    assert_eq!(entries(&sam).await, 1);
    assert!(sam.sees(RIVER).await, "{}", sam.text().await);
    assert!(!sam.sees(NIGHT).await);
    assert_eq!(sam.value("#q").await, "RIVER");
    sam.check("journal-search").await;
    sam.fill("#q", "ocean").await;
    sam.press("Search").await;
    assert_eq!(entries(&sam).await, 0);
    assert!(
        sam.sees("No entry holds “ocean”.").await,
        "{}",
        sam.text().await
    );
    sam.check("journal-search-nothing").await;

    // Edit the first entry from the list.
    sam.goto("/journal").await;
    sam.press("Edit, delete or turn into a letter").await;
    assert_eq!(sam.path().await, river);
    assert!(sam.sees("Only you can see it.").await);
    assert_eq!(sam.value("#text").await, RIVER);
    sam.check("journal-entry").await;
    sam.fill("#text", EDITED).await;
    sam.press("Save the changes").await;
    assert_eq!(written_entry(&sam).await, river);
    assert!(sam.sees(EDITED).await, "{}", sam.text().await);
    assert!(!sam.sees(RIVER).await);
    assert!(sam.sees("(edited)").await);

    // Turn it into a letter draft in the space: Sam's to read over, nothing for Alex.
    sam.goto(&river).await;
    sam.choose("#space", space.trim_start_matches("/spaces/"))
        .await;
    sam.press("Make a letter draft").await;
    assert_eq!(sam.path().await, format!("{space}/letters/new"));
    assert_eq!(sam.value("#text").await, EDITED);
    sam.check("journal-letter-draft").await;
    sam.goto(&format!("{space}/letters")).await;
    assert!(sam.sees("Your drafts").await && sam.sees("The walk by the river").await);
    alex.goto(&format!("{space}/letters")).await;
    assert!(alex.sees("Write a letter").await);
    assert!(!alex.sees("Your drafts").await);
    assert!(!alex.sees("more of those").await, "{}", alex.text().await);

    // The download: readable text, saved as a file, holding every entry.
    sam.goto("/journal").await;
    let file = download(&sam).await;
    assert_eq!(file.status(), StatusCode::OK);
    let header = |name: &str| {
        file.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("content-type").starts_with("text/plain"));
    assert!(header("content-disposition").starts_with("attachment"));
    let text = file.text().await.expect("the file's text");
    for words in ["My Goldseam journal", EDITED, NIGHT, HELPS] {
        assert!(text.contains(words), "{words} missing from {text}");
    }

    // Delete the other entry: gone from the list; the edited one stays.
    sam.goto(&night).await;
    sam.press("Delete this entry").await;
    assert_eq!(sam.path().await, "/journal");
    assert_eq!(entries(&sam).await, 1);
    assert!(!sam.sees(NIGHT).await, "{}", sam.text().await);
    assert!(sam.sees(EDITED).await);
    sam.check("journal-after-delete").await;

    // Alex's own journal holds nothing of Sam's, and Sam's entry is not found for Alex.
    alex.press("Journal").await;
    assert!(alex.sees("Before you start: a recovery key").await);
    alex.press("Show my recovery key").await;
    let theirs = recovery_words(&alex).await.expect("Alex's own key");
    assert_ne!(theirs, words, "a key of their own");
    alex.press("I have written it down").await;
    assert!(
        alex.sees("Nothing written yet.").await,
        "{}",
        alex.text().await
    );
    assert_eq!(entries(&alex).await, 0);
    assert!(!alex.sees("river").await && !alex.sees("that night").await);
    alex.check("journal-partner").await;
    alex.goto(&river).await;
    assert!(alex.sees("Page not found").await, "{}", alex.text().await);
    assert!(
        !alex.sees("more of those").await,
        "nothing of the entry shows"
    );
    alex.check_error_page("journal-entry-not-found", 404).await;
    sam.close().await;
    alex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_is_kept_searched_and_read_by_its_author_alone() {
    keep_a_journal(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_is_kept_searched_and_read_by_its_author_alone_without_javascript() {
    keep_a_journal(false).await;
}
