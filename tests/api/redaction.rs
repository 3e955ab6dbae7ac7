//! Removing your own words, on both databases: Sam removes the words of a letter Alex has
//! already read. The record still verifies on a fresh export; the sentence is then nowhere
//! an operator or a partner can look: no page, no later export, not the SQLite file, its
//! WAL or shm, not any PostgreSQL table's rows. A control sentence that stays is found by
//! the same search, so the search can fail. Alex cannot remove Sam's words, and Sam cannot
//! remove them twice; neither writes anything.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(removed_words_are_gone_everywhere_and_the_record_still_verifies);

const REMOVED: &str = "Words to take back: the orchard gate was painted green in April.";
const KEPT: &str = "Words that stay: the kettle whistles twice before it boils.";

/// The entry numbers the record page offers its viewer to remove, newest first.
fn removable(page: &Page) -> Vec<String> {
    page.body
        .split("/record/")
        .skip(1)
        .filter_map(|rest| {
            let seq = &rest[..rest.find("/redact")?];
            seq.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| seq.to_owned())
        })
        .collect()
}

/// Everything the store holds, as bytes: the SQLite files, or every PostgreSQL table's rows.
async fn stored(app: &TestApp, backend: Backend) -> Vec<u8> {
    let mut all = Vec::new();
    match backend {
        Backend::Sqlite => {
            for entry in std::fs::read_dir(app.dir.path()).expect("the data dir") {
                let path = entry.expect("an entry").path();
                all.extend(std::fs::read(&path).unwrap_or_default());
            }
        }
        Backend::Postgres => {
            for (_, row) in every_row_as_text(app.app.store()).await {
                all.extend(row.into_bytes());
            }
        }
    }
    all
}

async fn removed_words_are_gone_everywhere_and_the_record_still_verifies(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    for text in [KEPT, REMOVED] {
        let sent = sam
            .post(
                &format!("{space}/letters"),
                &[("text", text), ("action", "send")],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    }
    assert!(
        alex.get(&format!("{space}/letters"))
            .await
            .status
            .is_success()
    );
    let record = format!("{space}/record");
    let offered = removable(&sam.get(&record).await);
    assert!(!offered.is_empty(), "Sam is offered to remove Sam's words");
    assert!(
        removable(&alex.get(&record).await).is_empty(),
        "Alex is offered nothing of Sam's"
    );
    // The newest letter is the removed one.
    let seq = offered[0].clone();
    let redact = format!("{space}/record/{seq}/redact");
    let asked = sam.get(&redact).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.reads("may already have read it, or downloaded the record"));

    let before = event_count(&app, &space).await;
    let by_alex = alex.post(&redact, &[("confirmed", "yes")]).await;
    assert_eq!(by_alex.status, StatusCode::FORBIDDEN, "only the author");
    assert_eq!(event_count(&app, &space).await, before);

    ok(&sam, &redact, &[("confirmed", "yes")]).await;
    assert_eq!(event_count(&app, &space).await, before + 1);
    let twice = sam.post(&redact, &[("confirmed", "yes")]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.reads("already been removed"));
    assert_eq!(event_count(&app, &space).await, before + 1);

    // The record says what happened, for both; the words are on no page and in no export.
    let page = alex.get(&record).await;
    assert!(page.reads(&format!("removed the words of entry {seq}")));
    assert!(page.reads("wrote an entry whose words they removed on"));
    for who in [&sam, &alex] {
        for path in [format!("{space}/letters"), record.clone(), space.clone()] {
            let page = who.get(&path).await;
            assert!(!page.reads(REMOVED), "{path}");
        }
        let letters = who.get(&format!("{space}/letters")).await;
        assert!(letters.reads(KEPT));
        // The gap is shown where the letter was, and counted pages say they leave it out.
        let wrote = if std::ptr::eq(who, &sam) {
            "you"
        } else {
            "Sam"
        };
        let removed = if std::ptr::eq(who, &sam) {
            "You"
        } else {
            "Sam"
        };
        assert!(
            letters.reads(&format!("A letter {wrote} wrote on")),
            "{}",
            letters.text()
        );
        assert!(letters.reads(&format!("{removed} removed its words on")));
        let home = who.get(&space).await;
        assert!(
            home.reads("One entry in this space had its words removed by the person who wrote it"),
            "{}",
            home.text()
        );
        assert!(
            who.get(&format!("{space}/summary"))
                .await
                .reads("What is counted and drawn here leaves them out")
        );
        let export = who.get(&format!("{space}/export")).await;
        goldseam::export::verify(&export.body).expect("a fresh export verifies");
        assert!(!export.body.contains(REMOVED));
        assert!(export.body.contains(KEPT), "the search can find what stays");
    }
    let all = stored(&app, backend).await;
    assert!(
        holds(&all, KEPT),
        "the control sentence is found where it is stored"
    );
    assert!(
        !holds(&all, REMOVED),
        "the removed words are nowhere in the store"
    );
}
