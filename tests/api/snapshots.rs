//! Snapshots of folded states (issue 19), on both databases. A second server on the same
//! database, with caches of its own, stands for a process meeting a space for the first
//! time: it starts from the snapshot and folds only the events after it. The first server
//! folded the same space from its first event (its cache always held it), so what the two
//! show must be the same. A snapshot of another fold version, or bytes that are no
//! snapshot, are ignored and replaced; one that does not match its record is found by the
//! check against a full fold and deleted; removing words and erasing an account leave no
//! snapshot holding them; a snapshot is written once more than `snapshot_every` events were
//! folded past the last.

use goldseam::domain::snapshot::{FOLD_VERSION, decode_snapshot, encode_snapshot};
use goldseam::store::SnapshotRow;
use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    a_space_started_from_its_snapshot_shows_what_a_fold_from_the_start_shows,
    a_snapshot_of_another_fold_version_or_no_snapshot_at_all_is_ignored_and_replaced,
    a_snapshot_that_does_not_match_its_record_is_found_and_deleted,
    removing_words_deletes_the_snapshot_that_held_them,
    erasing_an_account_leaves_no_snapshot_holding_their_words,
    a_snapshot_is_written_once_more_than_snapshot_every_events_were_folded,
);

const REMOVED: &str = "Words to take back: the lighthouse keeper kept a blue notebook.";
const KEPT: &str = "Words that stay: the bread rises best on the windowsill.";

async fn snapshot_of(app: &TestApp, space: &str) -> Option<SnapshotRow> {
    app.app
        .store()
        .snapshot(space_id(space))
        .await
        .expect("the snapshot is read")
}

/// `sam` and `alex`, signed in on `app`, as clients of `other` (the same sessions).
fn at(other: &TestApp, sam: &Client, alex: &Client) -> (Client, Client) {
    (sam.at(&other.base), alex.at(&other.base))
}

async fn a_space_started_from_its_snapshot_shows_what_a_fold_from_the_start_shows(
    backend: Backend,
) {
    let every = |s: &mut goldseam::config::Settings| s.snapshot_every = 4;
    let app = spawn_app_with(backend, every).await;
    let (sam, alex, space) = couple(&app).await;
    breach_recorded_by_alex(&alex, &space).await;
    for n in 0..6 {
        let from = if n % 2 == 0 { &sam } else { &alex };
        send_letter(from, &space, &format!("Letter number {n}, written slowly.")).await;
    }
    app.app.snapshots_settled().await;
    let written = snapshot_of(&app, &space)
        .await
        .expect("a snapshot was written");
    assert_eq!(written.fold_version, FOLD_VERSION);
    // Two more after it: a new server folds them onto the snapshot.
    send_letter(&sam, &space, KEPT).await;
    // Folded to the head here (and a snapshot written if one is due), then one event
    // more, which this server folds when it draws its pages below, writing none for one.
    pages_of_both(&sam, &alex, &space).await;
    app.app.snapshots_settled().await;
    send_letter(&alex, &space, "And one more, after the snapshot.").await;
    let read = snapshot_of(&app, &space).await.expect("a snapshot");
    assert!(read.head_seq < event_count(&app, &space).await);

    // This one writes none, so the snapshot it read must still be there once its check
    // against a full fold is done (before the first server folds the last event).
    let cold = spawn_beside(&app, |s| s.snapshot_every = 0).await;
    let (cold_sam, cold_alex) = at(&cold, &sam, &alex);
    let id = space_id(&space);
    let cold_pages = pages_of_both(&cold_sam, &cold_alex, &space).await;
    let from_snapshot = cold.app.load_state(id).await.expect("loads");
    cold.app.snapshots_settled().await;
    assert_eq!(
        snapshot_of(&cold, &space).await,
        Some(read),
        "it checked out"
    );
    assert_eq!(cold_pages, pages_of_both(&sam, &alex, &space).await);
    assert_eq!(
        from_snapshot,
        app.app.load_state(id).await.expect("loads"),
        "the same state as folded from the start"
    );
}

async fn a_snapshot_of_another_fold_version_or_no_snapshot_at_all_is_ignored_and_replaced(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    send_letter(&sam, &space, KEPT).await;
    let id = space_id(&space);
    let head = app
        .app
        .store()
        .head(id)
        .await
        .expect("head")
        .expect("space");
    let state = app.app.load_state(id).await.expect("loads").expect("space");
    let mut other_version = encode_snapshot(&state);
    other_version[8..12].copy_from_slice(&(FOLD_VERSION + 1).to_le_bytes());
    for (version, bytes) in [
        (FOLD_VERSION + 1, other_version),
        (FOLD_VERSION, b"these bytes are no snapshot".to_vec()),
    ] {
        let kept = app
            .app
            .store()
            .keep_snapshot(id, version, head, &bytes, 0)
            .await
            .expect("kept");
        assert!(kept);
        let cold = spawn_beside(&app, |_| {}).await;
        let (cold_sam, cold_alex) = at(&cold, &sam, &alex);
        assert_eq!(
            pages_of_both(&cold_sam, &cold_alex, &space).await,
            pages_of_both(&sam, &alex, &space).await,
            "fold version {version}"
        );
        cold.app.snapshots_settled().await;
        let replaced = snapshot_of(&app, &space).await.expect("replaced");
        assert_eq!(replaced.fold_version, FOLD_VERSION);
        assert_eq!((replaced.head_seq, replaced.head_hash), head);
        assert_eq!(
            decode_snapshot(&replaced.bytes).as_ref(),
            Ok(&*state),
            "fold version {version}"
        );
    }
}

async fn a_snapshot_that_does_not_match_its_record_is_found_and_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    send_letter(&alex, &space, KEPT).await;
    let id = space_id(&space);
    let state = app.app.load_state(id).await.expect("loads").expect("space");
    // A snapshot at the right head that says something the record does not.
    let mut wrong = (*state).clone();
    wrong.name = "Not what they called it".to_owned();
    let head = (state.head_seq, state.head_hash);
    let kept = app
        .app
        .store()
        .keep_snapshot(id, FOLD_VERSION, head, &encode_snapshot(&wrong), 0)
        .await
        .expect("kept");
    assert!(kept);
    let cold = spawn_beside(&app, |_| {}).await;
    let (cold_sam, _) = at(&cold, &sam, &alex);
    assert_eq!(cold_sam.get(&space).await.status, StatusCode::OK);
    cold.app.snapshots_settled().await;
    assert!(
        snapshot_of(&app, &space).await.is_none(),
        "the snapshot is deleted"
    );
    assert_eq!(
        cold.app.load_state(id).await.expect("loads").as_deref(),
        Some(&*state),
        "the full fold replaced what was read from the snapshot"
    );
    // A home page drawn from the wrong state while the check ran may be kept until the
    // minute turns (it is keyed by the minute); the check itself forgets those before.
    app.advance(std::time::Duration::from_secs(60));
    let page = cold_sam.get(&space).await;
    assert!(page.reads("Sam & Alex") && !page.reads("Not what they called it"));
}

async fn removing_words_deletes_the_snapshot_that_held_them(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.snapshot_every = 3).await;
    let (sam, alex, space) = couple(&app).await;
    for text in [KEPT, REMOVED, "A third letter.", "A fourth letter."] {
        send_letter(&sam, &space, text).await;
    }
    app.app.load_state(space_id(&space)).await.expect("loads");
    app.app.snapshots_settled().await;
    let before = snapshot_of(&app, &space).await.expect("a snapshot");
    assert!(holds(&before.bytes, REMOVED), "the search finds the words");
    let removed_seq = app
        .app
        .store()
        .events_after(space_id(&space), 0)
        .await
        .expect("events")
        .iter()
        .find(|e| e.body.as_deref().is_some_and(|b| b.contains(REMOVED)))
        .map(|e| e.seq)
        .expect("the letter is recorded");
    ok(
        &sam,
        &format!("{space}/record/{removed_seq}/redact"),
        &[("confirmed", "yes")],
    )
    .await;
    app.app.snapshots_settled().await;
    assert!(
        snapshot_of(&app, &space).await.is_none(),
        "gone with the removal"
    );
    // Folded again from the start without the words, the space gets a new snapshot.
    for who in [&sam, &alex] {
        assert!(!who.get(&format!("{space}/letters")).await.reads(REMOVED));
    }
    app.app.snapshots_settled().await;
    let after = snapshot_of(&app, &space).await.expect("a new snapshot");
    assert!(after.head_seq > before.head_seq);
    assert!(!holds(&after.bytes, REMOVED));
    assert!(holds(&after.bytes, KEPT));
}

async fn erasing_an_account_leaves_no_snapshot_holding_their_words(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.snapshot_every = 3).await;
    let (sam, alex, space) = couple(&app).await;
    send_letter(&alex, &space, REMOVED).await;
    send_letter(&sam, &space, KEPT).await;
    send_letter(&sam, &space, "Another letter from Sam.").await;
    app.app.load_state(space_id(&space)).await.expect("loads");
    app.app.snapshots_settled().await;
    let before = snapshot_of(&app, &space).await.expect("a snapshot");
    assert!(holds(&before.bytes, REMOVED));
    let erased = alex
        .post(
            "/account/erase",
            &[("password", PASSWORD), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER, "{}", erased.text());
    app.app.snapshots_settled().await;
    let left = snapshot_of(&app, &space).await;
    assert!(
        left.as_ref().is_none_or(|s| !holds(&s.bytes, REMOVED)),
        "no snapshot keeps the erased words"
    );
    assert!(!sam.get(&format!("{space}/letters")).await.reads(REMOVED));
    app.app.snapshots_settled().await;
    let now = snapshot_of(&app, &space).await.expect("a snapshot again");
    assert!(!holds(&now.bytes, REMOVED));
    assert!(holds(&now.bytes, KEPT));
}

async fn a_snapshot_is_written_once_more_than_snapshot_every_events_were_folded(backend: Backend) {
    const EVERY: u64 = 10;
    let app = spawn_app_with(backend, |s| s.snapshot_every = EVERY).await;
    let (sam, alex, space) = couple(&app).await;
    let id = space_id(&space);
    let mut written = Vec::new();
    for n in 0..24 {
        let from = if n % 2 == 0 { &sam } else { &alex };
        send_letter(from, &space, &format!("Letter {n}.")).await;
        app.app.load_state(id).await.expect("loads");
        app.app.snapshots_settled().await;
        let head = event_count(&app, &space).await;
        let at = snapshot_of(&app, &space).await.map_or(0, |s| s.head_seq);
        assert!(
            head - at <= EVERY,
            "head {head}, snapshot at {at}: at most {EVERY} events past it"
        );
        if at > 0 && written.last() != Some(&at) {
            written.push(at);
        }
    }
    assert!(written.len() >= 2, "{written:?}");
    assert_eq!(written[0], EVERY + 1, "the first once more than {EVERY}");
    assert!(
        written.windows(2).all(|w| w[1] - w[0] == EVERY + 1),
        "{written:?}"
    );
}
