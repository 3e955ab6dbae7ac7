//! The shared record as partners see it: the record page, the export, verification.

use reqwest::StatusCode;

use crate::helpers::{Backend, couple, spawn_app};

crate::on_both_databases!(
    the_record_page_lists_every_event_with_its_short_hash,
    the_record_page_shows_the_newest_entries_first_a_page_at_a_time,
    an_export_verifies_and_a_hand_edited_one_names_the_event,
    the_first_events_are_space_created_and_partner_joined,
    an_event_this_version_cannot_read_is_kept_and_said_so,
    a_body_changed_in_storage_is_reported_and_the_space_takes_nothing_new,
    a_long_record_streams_out_whole_and_the_same_as_the_command_line_export,
);

async fn the_record_page_lists_every_event_with_its_short_hash(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let page = sam.get(&format!("{space}/record")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.reads("You created the space “Sam & Alex”"),
        "{}",
        page.body
    );
    assert!(page.reads("Alex joined the space"));
    assert!(page.has("The chain checks out."));
    let alexs = alex.get(&format!("{space}/record")).await;
    assert!(alexs.reads("Sam created the space"));
    assert!(alexs.reads("You joined the space"));
    // Both see the same fingerprint on the record page.
    let fingerprint = sam.fingerprint(&space).await;
    assert!(page.has(&fingerprint) && alexs.has(&fingerprint));
    let id = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    let events = app.app.store().events_after(id, 0).await.expect("events");
    for e in &events {
        assert!(page.has(&goldseam::domain::record::short_hash(&e.hash)));
    }
}

/// Fifty entries to a page, the newest first, with plain links between the pages; the
/// chain check and the fingerprint stay in their own panel above the entries on every page.
/// A page is named by where it ends (`?before=SEQ`), so a link to an older page shows the
/// same entries after more are added. A page that cannot exist (before the first entry,
/// past the end, not a number) is not found: the app's own links never lead there, and
/// another page shown under that address would mislead.
async fn the_record_page_shows_the_newest_entries_first_a_page_at_a_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    for n in 1..=58 {
        crate::helpers::ok(
            &alex,
            &format!("{space}/questions"),
            &[("text", &format!("Question number {n}?"))],
        )
        .await;
    }
    let id = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    let events = app.app.store().events_after(id, 0).await.expect("events");
    assert_eq!(events.len(), 60);
    let hash_of = |e: &goldseam::domain::record::RecordedEvent| {
        format!(
            "<code>{}</code>",
            goldseam::domain::record::short_hash(&e.hash)
        )
    };
    let newest_first: Vec<String> = events.iter().rev().map(hash_of).collect();
    let (on_first, on_second) = newest_first.split_at(50);

    let first = sam.get(&format!("{space}/record")).await;
    assert_eq!(first.status, StatusCode::OK);
    let older = format!("{space}/record?before=11");
    assert!(first.has(&format!("href=\"{older}\" rel=\"next\"")));
    let second = sam.get(&older).await;
    assert_eq!(second.status, StatusCode::OK);
    for (page, here, elsewhere) in [
        (&first, on_first, on_second),
        (&second, on_second, on_first),
    ] {
        let at: Vec<usize> = here
            .iter()
            .map(|h| {
                page.body
                    .find(h.as_str())
                    .unwrap_or_else(|| panic!("{h} on its page"))
            })
            .collect();
        assert!(at.is_sorted(), "newest first: {at:?}");
        assert!(
            elsewhere.iter().all(|h| !page.has(h)),
            "one page's entries only"
        );
        let panel = page.body.find("id=\"about-record\"").expect("the panel");
        let fingerprint = page
            .body
            .find("class=\"fingerprint\"")
            .expect("fingerprint");
        let entries = page.body.find("id=\"entries\"").expect("the entries");
        assert!(panel < fingerprint && fingerprint < entries);
        assert!(page.has("The chain checks out."));
        assert!(page.reads("of 60"));
    }
    assert!(first.reads("Entries 11 to 60 of 60"));
    assert!(second.reads("Entries 1 to 10 of 60"));
    assert!(first.reads("Older entries") && !first.reads("Newer entries"));
    assert!(!first.has("rel=\"prev\""));
    assert!(second.reads("Newer entries") && !second.reads("Older entries"));
    assert!(second.has(&format!("href=\"{space}/record\" rel=\"prev\"")));
    assert!(!second.has("rel=\"next\""));
    for bad in ["62", "0", "1", "-1", "two", ""] {
        let page = sam.get(&format!("{space}/record?before={bad}")).await;
        let expected = if bad.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(page.status, expected, "before={bad}");
    }

    // Thirty entries later, the old link still shows the same ten; the newest page has
    // moved on, and the pages in between link to each other.
    for n in 59..=88 {
        crate::helpers::ok(
            &alex,
            &format!("{space}/questions"),
            &[("text", &format!("Question number {n}?"))],
        )
        .await;
    }
    let again = sam.get(&older).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(on_second.iter().all(|h| again.has(h)), "the same entries");
    assert!(again.reads("Entries 1 to 10 of 90"));
    assert!(again.has(&format!("href=\"{space}/record?before=61\" rel=\"prev\"")));
    let newest = sam.get(&format!("{space}/record")).await;
    assert!(newest.reads("Entries 41 to 90 of 90"));
    assert!(newest.has(&format!("href=\"{space}/record?before=41\" rel=\"next\"")));
    let middle = sam.get(&format!("{space}/record?before=41")).await;
    assert!(middle.reads("Entries 1 to 40 of 90"), "{}", middle.text());
}

async fn an_export_verifies_and_a_hand_edited_one_names_the_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let download = alex.get(&format!("{space}/export")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(
        download
            .headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .starts_with("attachment;")
    );
    let verified = goldseam::export::verify(&download.body).expect("a fresh export verifies");
    assert_eq!(verified.events, 2);
    assert_eq!(
        goldseam::domain::record::fingerprint(&verified.head),
        sam.fingerprint(&space).await
    );

    let edited = download.body.replacen(
        "\\\"display_name\\\":\\\"Alex\\\"",
        "\\\"display_name\\\":\\\"Mallory\\\"",
        1,
    );
    assert_ne!(edited, download.body, "the edit applied");
    let err = goldseam::export::verify(&edited).expect_err("edited export fails");
    assert_eq!(
        err.to_string(),
        "event #2 (seq 2): its body does not match its digest: the content was changed"
    );
}

async fn the_first_events_are_space_created_and_partner_joined(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_sam, _alex, space) = couple(&app).await;
    let id = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    let events = app.app.store().events_after(id, 0).await.expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["space.created", "partner.joined"]);
    assert_eq!(events[0].prev, goldseam::domain::record::GENESIS_PREV);
    assert!(goldseam::domain::record::verify(&events).is_ok());
    // Each event's body is salted: the same content never produces the same digest.
    assert!(events.iter().all(|e| e.salt.is_some_and(|s| s != [0; 16])));
}

/// A record holding an event this version does not know (say, written by a newer one) and
/// a known kind whose body it cannot read: the pages still work, both events are named as
/// not readable on the record page, the fold goes on past them, and the export verifies.
async fn an_event_this_version_cannot_read_is_kept_and_said_so(backend: Backend) {
    use goldseam::domain::record::{self, Draft};

    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let id = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    let store = app.app.store();
    let events = store.events_after(id, 0).await.expect("events");
    let head = events.last().map(|e| (e.seq, e.hash)).expect("a head");
    let author = events[0].author.clone();
    let drafts = vec![
        Draft {
            at_us: events.last().map_or(0, |e| e.at_us) + 1,
            author: author.clone(),
            kind: "future.kind".into(),
            body: r#"{"from":"a newer version"}"#.into(),
        },
        Draft {
            at_us: events.last().map_or(0, |e| e.at_us) + 2,
            author,
            kind: "question.asked".into(),
            body: r#"{"not":"what a question looks like"}"#.into(),
        },
    ];
    let sealed = record::seal_all(head, drafts, || [7; 16]).expect("seal");
    store.append(id, head, &sealed, &[]).await.expect("append");

    let page = sam.get(&format!("{space}/record")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.reads("future.kind: not readable by this version"),
        "{}",
        page.body
    );
    assert!(page.reads("question.asked: not readable by this version"));
    assert!(page.reads("2 entries were written by another version"));
    assert!(page.has("The chain checks out."));
    assert_eq!(sam.get(&space).await.status, StatusCode::OK);

    // The fold went on: what comes after still lands.
    crate::helpers::ok(
        &alex,
        &format!("{space}/questions"),
        &[("text", "Can we talk on Sunday?")],
    )
    .await;
    let questions = sam.get(&format!("{space}/questions")).await;
    assert!(questions.has("Can we talk on Sunday?"));

    let export = sam.get(&format!("{space}/export")).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.contains("future.kind"));
    let file = app.dir.path().join("export.json");
    std::fs::write(&file, &export.body).expect("write export");
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_goldseam"))
        .arg("verify")
        .arg(&file)
        .output()
        .expect("run goldseam verify");
    assert!(verify.status.success(), "{verify:?}");
}

/// Someone with the database changes what an entry says. A server that loads the space
/// finds it as it folds, says so on the home and record pages, and adds nothing to a
/// record that no longer checks out.
async fn a_body_changed_in_storage_is_reported_and_the_space_takes_nothing_new(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, _alex, space) = couple(&app).await;
    let id = space.trim_start_matches("/spaces/").to_owned();
    let store = app.app.store().clone();
    let tamper = [
        match backend {
            Backend::Sqlite => "DROP TRIGGER events_refuse_update",
            Backend::Postgres => "DROP TRIGGER events_refuse_change ON events",
        }
        .to_owned(),
        format!(
            "UPDATE events SET body = REPLACE(body, 'Alex', 'Alix') WHERE space_id = '{id}' AND seq = 2"
        ),
    ];
    for sql in &tamper {
        match &store {
            goldseam::store::Store::Sqlite(pool, _) => {
                sqlx::query(sql).execute(pool).await.map(drop)
            }
            goldseam::store::Store::Postgres(pool) => {
                sqlx::query(sql).execute(pool).await.map(drop)
            }
        }
        .expect(sql);
    }

    // The next start of the server, on the same database.
    let restarted =
        crate::helpers::spawn_app_on(store.clone(), tempfile::tempdir().expect("dir"), |_| {})
            .await;
    let sam_again = restarted.client();
    let page = sam_again
        .login(&sam.email(), crate::helpers::PASSWORD)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let home = sam_again.get(&space).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.reads("record has been damaged where it is stored"),
        "{}",
        home.body
    );
    let record = sam_again.get(&format!("{space}/record")).await;
    assert!(
        record.reads("Entry 2 does not match what was written"),
        "{}",
        record.body
    );
    assert!(record.reads("The chain does not check out"));
    assert!(
        !record.reads("Alix joined"),
        "changed content is not shown as fine"
    );

    let before = crate::helpers::event_count(&restarted, &space).await;
    let refused = sam_again
        .post(
            &format!("{space}/questions"),
            &[("text", "Can we talk on Sunday?")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.reads("does not check out"), "{}", refused.body);
    assert_eq!(
        crate::helpers::event_count(&restarted, &space).await,
        before
    );
}

/// The download is read from the database a page of 500 events at a time and streamed: a
/// year of demo use (about 1,900 events) spans several pages, and the file must be the one
/// `goldseam export` writes from every event at once, but for when it was made.
async fn a_long_record_streams_out_whole_and_the_same_as_the_command_line_export(backend: Backend) {
    let app = spawn_app(backend).await;
    let demo = app.app.create_demo(1, 11).await.expect("a demo space");
    let sam = app.client();
    let logged_in = sam.login(&demo.hurt.email, &demo.hurt.passphrase).await;
    assert_eq!(
        logged_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        logged_in.body
    );
    let download = sam.get(&format!("/spaces/{}/export", demo.space)).await;
    assert_eq!(download.status, StatusCode::OK);
    let verified = goldseam::export::verify(&download.body).expect("the download verifies");
    // What the export was before it streamed: every event at once, as Sam may see them.
    let (_, events) = app
        .app
        .read_record(demo.hurt.person, demo.space)
        .await
        .expect("the record");
    assert!(events.len() > 1500, "{} events", events.len());
    assert_eq!(verified.events, events.len(), "every event, none twice");
    let whole = goldseam::export::Export::new(demo.space, &events, 0).to_json();
    let without_time = |text: &str| {
        text.lines()
            .filter(|l| !l.trim_start().starts_with("\"exported_at\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_time(&download.body), without_time(&whole));
}
