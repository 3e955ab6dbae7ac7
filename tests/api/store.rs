//! The store itself, on both databases: concurrent appends never fork the chain, and the
//! database refuses to rewrite recorded events.

use std::sync::Arc;

use goldseam::domain::record::{self, Draft, GENESIS_PREV, RecordedEvent};
use goldseam::domain::{PersonId, SpaceId};
use goldseam::store::{Effect, Store, StoreError};

use crate::helpers::{Backend, fresh_store};

crate::on_both_databases!(
    concurrent_writers_never_fork_the_chain,
    an_append_with_a_stale_head_writes_nothing,
    the_database_refuses_to_change_or_delete_events,
    two_instances_on_one_database_each_see_the_others_appends,
);

fn draft(author: PersonId, n: usize) -> Draft {
    Draft {
        at_us: 1_795_000_000_000_000 + n as i64,
        author: author.to_string(),
        kind: "test.noted".into(),
        body: format!("{{\"n\":{n}}}"),
    }
}

async fn new_space(store: &Store, author: PersonId) -> SpaceId {
    let space = SpaceId::random();
    let first = record::seal((0, GENESIS_PREV), draft(author, 0), [1; 16]).expect("seal");
    store
        .append(
            space,
            (0, GENESIS_PREV),
            &[first],
            &[Effect::CreateSpace { created_at: 0 }],
        )
        .await
        .expect("create");
    space
}

/// Appends one event after whatever the head is now, retrying on conflict like the app does.
async fn append_one(store: &Store, space: SpaceId, author: PersonId, n: usize) -> usize {
    let mut conflicts = 0;
    loop {
        let events = store.events_after(space, 0).await.expect("read");
        let head = events.last().map_or((0, GENESIS_PREV), |e| (e.seq, e.hash));
        let event = record::seal(head, draft(author, n), [2; 16]).expect("seal");
        match store.append(space, head, &[event], &[]).await {
            Ok(()) => return conflicts,
            Err(StoreError::Conflict) => conflicts += 1,
            Err(e) => panic!("append failed: {e}"),
        }
    }
}

async fn concurrent_writers_never_fork_the_chain(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let store = Arc::new(fresh_store(backend, dir.path()).await);
    let author = PersonId::random();
    let space = new_space(&store, author).await;
    let writers = 12;
    let each = 8;
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..writers {
        let store = store.clone();
        tasks.spawn(async move {
            let mut conflicts = 0;
            for i in 0..each {
                conflicts += append_one(&store, space, author, 1 + w * each + i).await;
            }
            conflicts
        });
    }
    let mut conflicts = 0;
    while let Some(done) = tasks.join_next().await {
        conflicts += done.expect("writer task");
    }
    let events = store.events_after(space, 0).await.expect("read");
    assert_eq!(
        events.len(),
        1 + writers * each,
        "every append landed exactly once"
    );
    assert!(
        events
            .iter()
            .enumerate()
            .all(|(i, e)| e.seq == i as u64 + 1),
        "no gap, no duplicate seq"
    );
    assert!(record::verify(&events).is_ok(), "one unbroken chain");
    assert_eq!(
        store.head_seq(space).await.expect("head"),
        Some((1 + writers * each) as u64)
    );
    eprintln!(
        "{backend:?}: {} appends, {conflicts} conflicts retried",
        writers * each
    );
}

async fn an_append_with_a_stale_head_writes_nothing(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let store = fresh_store(backend, dir.path()).await;
    let author = PersonId::random();
    let space = new_space(&store, author).await;
    let first = store.events_after(space, 0).await.expect("read").remove(0);
    let head = (first.seq, first.hash);
    let a = record::seal(head, draft(author, 1), [3; 16]).expect("seal");
    let b = record::seal(head, draft(author, 2), [4; 16]).expect("seal");
    store
        .append(space, head, &[a], &[])
        .await
        .expect("first writer wins");
    assert!(matches!(
        store
            .append(space, head, std::slice::from_ref(&b), &[])
            .await,
        Err(StoreError::Conflict)
    ));
    // Events that do not continue the claimed head are refused before touching the database.
    let mut broken: RecordedEvent = b;
    broken.prev = [9; 32];
    assert!(matches!(
        store.append(space, head, &[broken], &[]).await,
        Err(StoreError::Unchained)
    ));
    assert_eq!(store.events_after(space, 0).await.expect("read").len(), 2);
}

async fn the_database_refuses_to_change_or_delete_events(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let store = fresh_store(backend, dir.path()).await;
    let space = new_space(&store, PersonId::random()).await;
    let id = space.to_string();
    let attempts = [
        "UPDATE events SET body = '{\"n\":99}' WHERE space_id = $1",
        "UPDATE events SET kind = 'forged' WHERE space_id = $1",
        "UPDATE events SET at_us = at_us + 1, body = NULL, salt = NULL WHERE space_id = $1",
        "DELETE FROM events WHERE space_id = $1",
    ];
    for sql in attempts {
        let result = match &store {
            Store::Sqlite(pool) => sqlx::query(sql).bind(&id).execute(pool).await.map(|_| ()),
            Store::Postgres(pool) => sqlx::query(sql).bind(&id).execute(pool).await.map(|_| ()),
        };
        let err = result.expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    let events = store.events_after(space, 0).await.expect("read");
    assert_eq!(
        events[0].body.as_deref(),
        Some("{\"n\":0}"),
        "the body is unchanged"
    );

    // The one path that is allowed: redacting content, which leaves the chain verifiable.
    let redact = "UPDATE events SET body = NULL, salt = NULL WHERE space_id = $1 AND seq = 1";
    match &store {
        Store::Sqlite(pool) => sqlx::query(redact)
            .bind(&id)
            .execute(pool)
            .await
            .map(|_| ()),
        Store::Postgres(pool) => sqlx::query(redact)
            .bind(&id)
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .expect("redaction is allowed");
    let events = store.events_after(space, 0).await.expect("read");
    assert!(events[0].body.is_none());
    assert!(record::verify(&events).is_ok());
}

/// Two `goldseam` instances on one database, as behind a load balancer: each caches space
/// state, and each sees what the other appended without any coordination.
async fn two_instances_on_one_database_each_see_the_others_appends(backend: Backend) {
    use goldseam::app::{App, Clock};
    use goldseam::config::Settings;

    let app = crate::helpers::spawn_app(backend).await;
    let sam = app.person("Sam").await;
    let space = sam.create_space("Us").await;
    let id: SpaceId = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    let other = App::new(app.app.store().clone(), Settings::default(), Clock::System)
        .expect("second instance");
    let before = other.load_state(id).await.expect("load").expect("exists");
    assert_eq!(before.partners.len(), 1);
    // The partner joins through the first instance; the second folds only what is new.
    let link = sam.invite_link(&space).await;
    let alex = app.person("Alex").await;
    alex.post(&alex.path_of(&link), &[]).await;
    let after = other.load_state(id).await.expect("load").expect("exists");
    assert_eq!(after.partners.len(), 2);
    assert_eq!(after.head_seq, 2);
    assert_eq!(
        after.head_hash,
        app.app
            .load_state(id)
            .await
            .expect("load")
            .expect("exists")
            .head_hash
    );
}
