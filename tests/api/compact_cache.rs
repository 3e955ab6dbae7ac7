//! The state cache's compact tier (issue 19), on both databases. A server whose ready tier
//! holds nothing keeps every state it folds compressed, and unpacks it on every read: what
//! it shows must be what a server folding every record from its first event shows, a
//! write made on the other server must be seen on its next request, and words removed
//! from the record must never come back from a compressed state that still held them.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    a_server_reading_every_state_from_the_compact_tier_shows_what_a_full_fold_shows,
    words_removed_on_another_server_never_come_back_from_a_compact_state,
);

const REMOVED: &str = "Words to take back: the ferry left at dawn without us.";
const KEPT: &str = "Words that stay: the kettle whistles in the other room.";

/// Every state is kept compact only, and no page is kept: each page is drawn from a state
/// unpacked from the compact tier.
fn compact_only(settings: &mut goldseam::config::Settings) {
    settings.state_cache_bytes = 0;
    settings.page_cache_bytes = 0;
}

/// Nothing cached at all: each page is drawn from a fold of the whole record.
fn nothing_cached(settings: &mut goldseam::config::Settings) {
    settings.state_cache_bytes = 0;
    settings.compact_cache_bytes = 0;
    settings.page_cache_bytes = 0;
    settings.snapshot_every = 0;
}

/// How many states `app` keeps compact, as its metrics say.
fn compact_spaces(app: &TestApp) -> u64 {
    app.app
        .render_metrics()
        .lines()
        .find_map(|line| line.strip_prefix("goldseam_state_cache_compact_spaces "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

async fn a_server_reading_every_state_from_the_compact_tier_shows_what_a_full_fold_shows(
    backend: Backend,
) {
    let app = spawn_app_with(backend, compact_only).await;
    let (sam, alex, space) = couple(&app).await;
    breach_recorded_by_alex(&alex, &space).await;
    send_letter(&sam, &space, KEPT).await;
    let compact = pages_of_both(&sam, &alex, &space).await;
    assert!(compact_spaces(&app) >= 1, "{}", app.app.render_metrics());
    assert!(
        app.app
            .load_state(space_id(&space))
            .await
            .expect("loads")
            .is_some(),
        "the space loads"
    );

    let bare = spawn_beside(&app, nothing_cached).await;
    let (bare_sam, bare_alex) = (sam.at(&bare.base), alex.at(&bare.base));
    assert_eq!(compact, pages_of_both(&bare_sam, &bare_alex, &space).await);

    // A write on the other server, then the next request here: folded onto the state
    // unpacked here, it shows the same as a full fold there.
    send_letter(&bare_alex, &space, "Written on the other server.").await;
    let after = pages_of_both(&sam, &alex, &space).await;
    assert!(
        after[0..4]
            .iter()
            .any(|p| p.contains("Written on the other server."))
    );
    assert_eq!(after, pages_of_both(&bare_sam, &bare_alex, &space).await);
    assert_eq!(
        app.app.load_state(space_id(&space)).await.expect("loads"),
        bare.app.load_state(space_id(&space)).await.expect("loads"),
        "the same state as folded from the start"
    );
}

async fn words_removed_on_another_server_never_come_back_from_a_compact_state(backend: Backend) {
    let app = spawn_app_with(backend, compact_only).await;
    let (sam, alex, space) = couple(&app).await;
    send_letter(&sam, &space, KEPT).await;
    send_letter(&sam, &space, REMOVED).await;
    // Both partners read it here: the state holding the words is kept compact.
    for who in [&sam, &alex] {
        assert!(who.get(&format!("{space}/letters")).await.reads(REMOVED));
    }
    assert!(compact_spaces(&app) >= 1, "{}", app.app.render_metrics());
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

    // Removed through the other server, which never told this one.
    let other = spawn_beside(&app, nothing_cached).await;
    ok(
        &sam.at(&other.base),
        &format!("{space}/record/{removed_seq}/redact"),
        &[("confirmed", "yes")],
    )
    .await;
    for who in [&sam, &alex] {
        for path in [
            space.clone(),
            format!("{space}/letters"),
            format!("{space}/record"),
        ] {
            let page = who.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(!page.reads(REMOVED), "{path} still holds the removed words");
            if path.ends_with("/letters") {
                assert!(page.reads(KEPT), "{path}");
            }
        }
    }
    let state = app.app.load_state(space_id(&space)).await.expect("loads");
    assert!(
        !format!("{state:?}").contains(REMOVED),
        "the state served here no longer holds the words"
    );
}
