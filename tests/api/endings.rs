//! Endings over HTTP, on both databases: a partner leaves a space alone (the download is
//! offered first; the space is gone from their list; the one who stays reads and downloads
//! it as it was, and can add nothing); the repair ends apart (read-only for both); and
//! the refusals: leaving twice, ending apart twice, anything added after.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    a_partner_leaves_alone_and_the_other_keeps_the_record_read_only,
    the_repair_ends_apart_and_the_space_is_kept_for_both,
);

async fn a_partner_leaves_alone_and_the_other_keeps_the_record_read_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let breach = breach_recorded_by_alex(&alex, &space).await;
    ok(
        &sam,
        &format!("{breach}/disclosure"),
        &[("text", "It began in March.")],
    )
    .await;

    // The page says what stays and what goes, and offers the download first.
    let page = alex.get(&format!("{space}/leave")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.reads("Nobody has to agree"));
    let download = page.body.find("/export").expect("the download is offered");
    let button = page
        .body
        .find(">Leave this space</button>")
        .expect("the button");
    assert!(download < button, "the download comes first");
    assert!(page.body.contains("/help/safety"));

    // Without the confirmation nothing happens.
    let before = event_count(&app, &space).await;
    let asked = alex.post(&format!("{space}/leave"), &[]).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert_eq!(event_count(&app, &space).await, before);

    let to = ok(&alex, &format!("{space}/leave"), &[("confirmed", "yes")]).await;
    assert_eq!(to, "/?left=1");
    assert_eq!(event_count(&app, &space).await, before + 1);
    let home = alex.get("/?left=1").await;
    assert!(home.reads("You have left the space."));
    assert!(!home.body.contains(&space), "no longer among Alex's spaces");
    for path in [space.clone(), breach.clone(), format!("{space}/export")] {
        assert_eq!(
            alex.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let again = alex
        .post(&format!("{space}/leave"), &[("confirmed", "yes")])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "leaving twice");

    // Sam keeps everything as it was, readable and downloadable, and can add nothing.
    let home = sam.get(&space).await;
    assert!(home.reads("This space is closed"));
    assert!(home.reads("Alex left this space on"));
    assert!(!home.reads("Write today's appreciation"));
    assert!(sam.get(&breach).await.reads("It began in March."));
    let export = sam.get(&format!("{space}/export")).await;
    assert_eq!(export.status, StatusCode::OK);
    goldseam::export::verify(&export.body).expect("the export verifies");
    assert!(export.body.contains("partner.left"));
    let before = event_count(&app, &space).await;
    for (path, fields) in [
        (format!("{space}/questions"), vec![("text", "Why?")]),
        (
            format!("{space}/together/appreciations"),
            vec![("text", "You listened.")],
        ),
        (
            format!("{space}/letters"),
            vec![("text", "Please come back.")],
        ),
        (format!("{space}/welcome"), vec![]),
        (format!("{space}/end-apart"), vec![("confirmed", "yes")]),
        (format!("{space}/invite"), vec![]),
    ] {
        let refused = sam.post(&path, &fields).await;
        assert!(
            refused.status.is_client_error(),
            "{path}: {}",
            refused.status
        );
        assert_eq!(
            event_count(&app, &space).await,
            before,
            "{path} wrote nothing"
        );
    }
    let refused = sam
        .post(&format!("{space}/questions"), &[("text", "Why?")])
        .await;
    assert!(refused.reads("nothing more can be added"), "a calm reason");
    assert!(
        sam.get(&format!("{space}/record"))
            .await
            .reads("left the space")
    );
}

async fn the_repair_ends_apart_and_the_space_is_kept_for_both(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    breach_recorded_by_alex(&alex, &space).await;
    let page = sam.get(&format!("{space}/end-apart")).await;
    assert!(page.reads("nobody has to agree or explain"));
    ok(&sam, &format!("{space}/end-apart"), &[("confirmed", "yes")]).await;
    for who in [&sam, &alex] {
        let home = who.get(&space).await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.reads("that the repair ends apart"), "{}", home.text());
        assert!(home.reads("Nothing is waiting for you right now."));
        goldseam::export::verify(&who.get(&format!("{space}/export")).await.body)
            .expect("each export verifies");
    }
    assert!(alex.get(&space).await.reads("Sam recorded on"));
    let before = event_count(&app, &space).await;
    let twice = alex
        .post(&format!("{space}/end-apart"), &[("confirmed", "yes")])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.reads("been closed"), "{}", twice.text());
    let page = alex.get(&format!("{space}/end-apart")).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(event_count(&app, &space).await, before);
    // Either may still leave.
    ok(&alex, &format!("{space}/leave"), &[("confirmed", "yes")]).await;
    assert_eq!(alex.get(&space).await.status, StatusCode::NOT_FOUND);
    assert!(sam.get(&space).await.reads("This space is closed"));
}
