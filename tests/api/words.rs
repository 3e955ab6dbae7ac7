//! The words on the pages partners read: every name as its person wrote it (never
//! lowercased to fit a sentence; "you" is the page's word for the viewer only), and no
//! jargon ("fingerprint", "hash", "JSON", "verify") outside the record page, where the
//! record explains itself.

use reqwest::StatusCode;

use crate::helpers::{
    Backend, Client, breach_recorded_by_alex, couple, ok, set_rhythm, spawn_app_long,
};

crate::on_both_databases!(partner_pages_keep_names_as_written_and_say_things_plainly);

/// Words that belong on the record page only.
const JARGON: [&str; 4] = ["fingerprint", "hash", "json", "verify"];

/// The names written capitalised at sign-up; "Youssef" starts with "You".
const NAMES: [&str; 3] = ["Sam", "Alex", "Youssef"];

/// What a person reads on a page: tags removed, escapes undone.
fn visible(page: &crate::helpers::Page) -> String {
    let mut text = String::with_capacity(page.body.len());
    let mut in_tag = false;
    for c in page.text().chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Where `word` stands alone in `text` (not inside a longer word such as "same").
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// One couple's entries that name each partner: a breach the hurt partner records, a
/// question, a letter and an appreciation from them; a promise and an agreement from the
/// partner who broke trust; a weekly check-in.
async fn entries(hurt: &Client, broke: &Client, space: &str) -> Vec<String> {
    let breach = breach_recorded_by_alex(hurt, space).await;
    let question = ok(
        hurt,
        &format!("{space}/questions"),
        &[
            ("text", "Why did you hide it?"),
            ("breach", breach.rsplit('/').next().unwrap_or_default()),
        ],
    )
    .await;
    let letter = ok(
        hurt,
        &format!("{space}/letters"),
        &[
            (
                "text",
                "I feel scared about money and I need us to look at it together.",
            ),
            ("action", "send"),
        ],
    )
    .await;
    let promise = ok(
        broke,
        &format!("{space}/promises"),
        &[
            ("text", "Home by nine, phone on"),
            ("every", "daily"),
            ("first", "2030-01-01"),
            ("at", "21:00"),
        ],
    )
    .await;
    let agreement = ok(
        broke,
        &format!("{space}/agreements"),
        &[
            ("text", "We look at the accounts together every Sunday."),
            ("revisit", "2030-02-01"),
        ],
    )
    .await;
    ok(
        hurt,
        &format!("{space}/together/appreciations"),
        &[("text", "You made tea for me.")],
    )
    .await;
    set_rhythm(
        broke,
        hurt,
        space,
        &[
            ("every", "week"),
            ("weekday", "monday"),
            ("time_zone", "UTC"),
        ],
    )
    .await;
    vec![breach, question, letter, promise, agreement]
}

/// Every page a partner sees in `space` except the record page, and their own pages.
fn partner_pages(space: &str, entries: &[String]) -> Vec<String> {
    let mut pages: Vec<String> = [
        "",
        "/breaches",
        "/questions",
        "/letters",
        "/promises",
        "/agreements",
        "/checkins",
        "/together",
        "/stages",
        "/summary",
        "/counsellor",
    ]
    .iter()
    .map(|p| format!("{space}{p}"))
    .collect();
    pages.extend(entries.iter().cloned());
    pages.extend(["/".to_owned(), "/account".to_owned(), "/journal".to_owned()]);
    pages
}

async fn partner_pages_keep_names_as_written_and_say_things_plainly(backend: Backend) {
    let app = spawn_app_long(backend).await;
    // Sam broke trust and Alex was hurt; in a second space, Youssef broke trust and Ines
    // was hurt.
    let (sam, alex, ours) = couple(&app).await;
    let youssef = app.person("Youssef").await;
    let theirs = youssef.create_space("Youssef & Ines").await;
    let link = youssef.invite_link(&theirs).await;
    let ines = app.person("Ines").await;
    ok(&ines, &ines.path_of(&link), &[]).await;
    let our_entries = entries(&alex, &sam, &ours).await;
    let their_entries = entries(&ines, &youssef, &theirs).await;

    // Where a partner is named inside a sentence, the name is as they wrote it.
    let (breach, question) = (&our_entries[0], &our_entries[1]);
    assert!(alex.get(breach).await.reads("Trust was broken by Sam;"));
    assert!(
        sam.get(breach)
            .await
            .reads("the partner who was hurt is Alex.")
    );
    assert!(sam.get(question).await.reads("A question from Alex"));
    assert!(
        ines.get(&their_entries[0])
            .await
            .reads("Trust was broken by Youssef;")
    );
    assert!(
        alex.get(&ours)
            .await
            .reads("A shared space for you (Alex) and Sam.")
    );
    assert!(
        ines.get(&theirs)
            .await
            .reads("A shared space for you (Ines) and Youssef.")
    );
    assert!(
        sam.get(&ours)
            .await
            .has("Read what Alex wrote about “The hidden account” and say how you see it")
    );

    let viewers = [
        (&sam, &ours, &our_entries),
        (&alex, &ours, &our_entries),
        (&youssef, &theirs, &their_entries),
        (&ines, &theirs, &their_entries),
    ];
    let mut read = 0;
    for (viewer, space, entries) in viewers {
        for path in partner_pages(space, entries) {
            let page = viewer.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "GET {path}: {}", page.text());
            // The viewer's own e-mail address is theirs to spell (the test writes it
            // lowercase).
            let text = visible(&page).replace(&viewer.email(), "");
            for name in NAMES {
                let lowered = name.to_lowercase();
                assert!(
                    !has_word(&text, &lowered),
                    "GET {path} lowercases {name}: {text}"
                );
            }
            let lower = text.to_lowercase();
            for word in JARGON {
                assert!(
                    !lower.contains(word),
                    "GET {path} says {word:?} to a partner: {text}"
                );
            }
            read += 1;
        }
    }
    assert!(read >= 4 * 19, "every page was read ({read})");

    // The record page is where the record explains itself.
    let record = sam.get(&format!("{ours}/record")).await;
    assert!(visible(&record).contains("About this record"));
    assert!(visible(&record).to_lowercase().contains("fingerprint"));
}
