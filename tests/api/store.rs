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
            Store::Sqlite(pool, _) => sqlx::query(sql).bind(&id).execute(pool).await.map(|_| ()),
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
        Store::Sqlite(pool, _) => sqlx::query(redact)
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

/// What a session read answers, field by field (`SessionRow` shows no secrets in `Debug`).
type SessionSeen = (
    (String, String, String, i64, i64, Option<String>),
    (String, String, Option<Vec<u8>>),
    Option<goldseam::store::HeadAndMarks>,
);

async fn session_seen(store: &Store, id_hash: &str, space: SpaceId) -> Option<SessionSeen> {
    let found = store
        .session_in_space(id_hash, space)
        .await
        .expect("session in space");
    let alone = store.session(id_hash).await.expect("session");
    assert_eq!(
        found.as_ref().map(|(s, _)| &s.id_hash),
        alone.as_ref().map(|s| &s.id_hash),
        "the session read alone and with the space agree"
    );
    found.map(|(s, head)| {
        (
            (
                s.id_hash,
                s.person_id,
                s.csrf,
                s.created_at,
                s.last_seen_at,
                s.flash,
            ),
            (s.time_zone, s.exit_to, s.data_key),
            head,
        )
    })
}

/// On SQLite the session read every page makes goes to SQLite on the request's own thread
/// (`store::InlineReads`), not through the pool. It must read exactly what the pool reads,
/// and see a write made through the pool the moment before: a new head, new marks, a
/// session ended, an account disabled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_session_reads_agree_with_the_pool() {
    use goldseam::store::{InlineReads, NewPerson, SessionRow};

    let dir = tempfile::tempdir().expect("dir");
    let store = fresh_store(Backend::Sqlite, dir.path()).await;
    let Store::Sqlite(pool, _) = &store else {
        panic!("a SQLite store");
    };
    let pooled = Store::Sqlite(pool.clone(), InlineReads::none());

    let (sam, alex) = (PersonId::random(), PersonId::random());
    for (person, name) in [(sam, "sam"), (alex, "alex")] {
        pooled
            .insert_person(&NewPerson {
                id: person,
                email_norm: format!("{name}@example.org"),
                email: format!("{name}@example.org"),
                display_name: name.to_owned(),
                password_hash: "not a real hash".to_owned(),
                created_at: 1,
                time_zone: "Europe/Berlin".to_owned(),
            })
            .await
            .expect("person");
        pooled
            .insert_session(&SessionRow {
                id_hash: format!("hash of {name}"),
                person_id: person.to_string(),
                csrf: format!("csrf of {name}"),
                created_at: 2,
                last_seen_at: 3,
                flash: (name == "sam").then(|| "Saved.".to_owned()),
                time_zone: String::new(),
                exit_to: String::new(),
                data_key: None,
            })
            .await
            .expect("session");
    }
    let space = new_space(&pooled, sam).await;
    pooled
        .add_marks(space, sam, &["welcome".to_owned(), "charts".to_owned()])
        .await
        .expect("marks");

    let cases = [
        ("hash of sam", space),
        ("hash of alex", space),
        ("hash of sam", SpaceId::random()),
        ("hash of nobody", space),
    ];
    for (id_hash, space) in cases {
        assert_eq!(
            session_seen(&store, id_hash, space).await,
            session_seen(&pooled, id_hash, space).await,
            "{id_hash} in {space}"
        );
    }
    // Answered without the pool at all: with the pool closed, only the inline readers
    // can answer (a read left to the pool would fail).
    let closed = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("test.db")),
    )
    .await
    .expect("a second pool");
    closed.close().await;
    let inline_only = Store::Sqlite(closed, InlineReads::of(&dir.path().join("test.db")));
    assert_eq!(
        session_seen(&inline_only, "hash of sam", space).await,
        session_seen(&pooled, "hash of sam", space).await,
        "read inline"
    );
    let sams = session_seen(&store, "hash of sam", space)
        .await
        .expect("Sam's session");
    let ((_, _, _, _, _, flash), (zone, _, _), head) = &sams;
    assert_eq!(flash.as_deref(), Some("Saved."));
    assert_eq!(zone, "Europe/Berlin");
    let (head, marks) = head.as_ref().expect("the space's head");
    assert_eq!(head.0, 1);
    assert_eq!(marks.len(), 2);

    // Written through the pool, read inline at once.
    append_one(&pooled, space, sam, 1).await;
    let moved = session_seen(&store, "hash of sam", space).await;
    assert_eq!(moved.and_then(|s| s.2).map(|h| h.0.0), Some(2));
    pooled.delete_session("hash of sam").await.expect("log out");
    assert_eq!(session_seen(&store, "hash of sam", space).await, None);
    sqlx::query("UPDATE persons SET disabled_at = 5 WHERE id = $1")
        .bind(alex.to_string())
        .execute(pool)
        .await
        .expect("disable");
    assert_eq!(session_seen(&store, "hash of alex", space).await, None);

    // Closing leaves everything in the database file: the readers close first and the
    // write-ahead log is checkpointed and emptied (removed too, once the pool's last
    // connection has closed, which sqlx may finish after its close returns).
    let wal = dir.path().join("test.db-wal");
    let logged = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert!(logged() > 0, "the writes above are in the write-ahead log");
    store.close().await;
    assert_eq!(logged(), 0, "the write-ahead log was checkpointed");
}

/// A file that is not a database gives the inline reader nothing to read: the read is
/// left to the pool, which reports it as every other failed query is reported.
#[tokio::test]
async fn an_inline_read_that_fails_is_left_to_the_pool() {
    let dir = tempfile::tempdir().expect("dir");
    let store = fresh_store(Backend::Sqlite, dir.path()).await;
    let Store::Sqlite(pool, _) = &store else {
        panic!("a SQLite store");
    };
    let garbage = dir.path().join("not-a-database");
    std::fs::write(&garbage, vec![7_u8; 8192]).expect("write");
    let broken = Store::Sqlite(pool.clone(), goldseam::store::InlineReads::of(&garbage));
    assert!(
        broken
            .session_in_space("hash of nobody", SpaceId::random())
            .await
            .expect("answered by the pool")
            .is_none()
    );
    let missing = goldseam::store::InlineReads::of(&dir.path().join("absent.db"));
    assert_eq!(format!("{missing:?}"), "InlineReads(None)");
}
