//! The shared record as partners see it: the record page, the export, verification.

use reqwest::StatusCode;

use crate::helpers::{Backend, couple, spawn_app};

crate::on_both_databases!(
    the_record_page_lists_every_event_with_its_short_hash,
    an_export_verifies_and_a_hand_edited_one_names_the_event,
    the_first_events_are_space_created_and_partner_joined,
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
    // Both see the same fingerprint there as on the space page.
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
