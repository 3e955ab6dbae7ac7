//! Storage faults on a real database: a full disk (SQLite's `max_page_count`, set on every
//! connection of the pool) and a read-only one (SQLite's `query_only`, PostgreSQL's
//! `default_transaction_read_only`). Nothing that was answered as
//! saved may be lost, nothing that was refused may appear, the person gets a calm 503, the
//! readiness check follows the database, and the same process recovers once it can write.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use goldseam::domain::record::{self, Draft, GENESIS_PREV};
use goldseam::domain::{PersonId, SpaceId};
use goldseam::store::{Effect, Store, StoreError};
use reqwest::StatusCode;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::helpers::{Backend, spawn_app, spawn_app_on};

crate::on_both_databases!(
    readiness_answers_ready_while_writes_work,
    health_and_readiness_answer_every_role_alike_and_reveal_nothing,
    a_read_only_database_answers_503_until_it_is_writable_again,
);

/// No cap worth the name: the database may grow as it likes.
const ROOM: u64 = 1 << 30;

/// What the test does to the database underneath every connection of the store's pool.
#[derive(Debug)]
struct Faults {
    /// `PRAGMA max_page_count`: the size of the "disk", in pages.
    max_pages: AtomicU64,
    /// `PRAGMA query_only`: the "disk" is read-only.
    read_only: AtomicBool,
}

impl Faults {
    /// What each connection runs before it serves a call, on `backend`.
    fn statements(&self, backend: Backend) -> Vec<String> {
        let read_only = self.read_only.load(Ordering::SeqCst);
        match backend {
            Backend::Sqlite => vec![
                format!(
                    "PRAGMA max_page_count = {}",
                    self.max_pages.load(Ordering::SeqCst)
                ),
                format!("PRAGMA query_only = {read_only}"),
            ],
            Backend::Postgres => vec![format!(
                "SET default_transaction_read_only = {}",
                if read_only { "on" } else { "off" }
            )],
        }
    }
}

/// A migrated store (in `dir` for SQLite) whose every connection, new or reused, takes on
/// the current `Faults` before it serves a call.
async fn faulty_store(backend: Backend, dir: &Path) -> (Store, Arc<Faults>) {
    let faults = Arc::new(Faults {
        max_pages: AtomicU64::new(ROOM),
        read_only: AtomicBool::new(false),
    });
    macro_rules! with_faults {
        ($pool:expr) => {{
            let (on_connect, on_acquire) = (faults.clone(), faults.clone());
            $pool
                .after_connect(move |conn, _| {
                    let sql = on_connect.statements(backend);
                    Box::pin(async move {
                        for statement in &sql {
                            sqlx::query(statement).execute(&mut *conn).await?;
                        }
                        Ok(())
                    })
                })
                .before_acquire(move |conn, _| {
                    let sql = on_acquire.statements(backend);
                    Box::pin(async move {
                        for statement in &sql {
                            sqlx::query(statement).execute(&mut *conn).await?;
                        }
                        Ok(true)
                    })
                })
        }};
    }
    let store = match backend {
        Backend::Sqlite => Store::sqlite_with(
            SqliteConnectOptions::new().filename(db_file(dir)),
            with_faults!(SqlitePoolOptions::new()),
        )
        .await
        .expect("open SQLite"),
        Backend::Postgres => Store::postgres_with(
            crate::helpers::fresh_postgres().await,
            with_faults!(PgPoolOptions::new()),
        )
        .await
        .expect("connect PostgreSQL"),
    };
    store.migrate().await.expect("migrate");
    (store, faults)
}

fn db_file(dir: &Path) -> PathBuf {
    dir.join("faulty.db")
}

/// One number from the store's database.
async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Sqlite(pool, _) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .expect(sql)
}

/// Leaves the "disk" room for only `pages` more pages than the database has now.
async fn fill_disk(store: &Store, faults: &Faults, pages: u64) {
    let now = u64::try_from(scalar(store, "PRAGMA page_count").await).expect("page count");
    faults.max_pages.store(now + pages, Ordering::SeqCst);
}

fn draft(author: PersonId, n: usize) -> Draft {
    Draft {
        at_us: 1_795_000_000_000_000 + n as i64,
        author: author.to_string(),
        kind: "test.noted".into(),
        // About a page of body, so every append needs room.
        body: format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(3000)),
    }
}

fn n_of(body: Option<&str>) -> usize {
    let value: serde_json::Value = serde_json::from_str(body.expect("a body")).expect("JSON");
    value["n"].as_u64().expect("n") as usize
}

/// Appends event `n` after whatever the head is, retrying only when another writer got
/// there first, as the app does. Any other answer is the store's verdict on this append.
async fn append(store: &Store, space: SpaceId, author: PersonId, n: usize) -> Result<(), String> {
    loop {
        let events = store
            .events_after(space, 0)
            .await
            .map_err(|e| e.to_string())?;
        let head = events.last().map_or((0, GENESIS_PREV), |e| (e.seq, e.hash));
        let event = record::seal(head, draft(author, n), [7; 16]).expect("seal");
        let effects: &[Effect] = if head.0 == 0 {
            &[Effect::CreateSpace { created_at: 0 }]
        } else {
            &[]
        };
        match store.append(space, head, &[event], effects).await {
            Ok(()) => return Ok(()),
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Issue 12's disk-full defect. Writers keep appending while the disk fills up; then the
/// disk has room again. Before the fix, a failed transaction left its connection in the
/// pool counting itself inside a transaction: a later append on it was answered Ok but
/// only RELEASEd a savepoint inside a transaction that never ended (absent after reopening),
/// and every other writer then waited on "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_loses_no_acknowledged_append_and_recovers_without_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, faults) = faulty_store(Backend::Sqlite, dir.path()).await;
    let store = Arc::new(store);
    let author = PersonId::random();
    let space = SpaceId::random();
    append(&store, space, author, 0)
        .await
        .expect("the first append, with room");

    fill_disk(&store, &faults, 6).await;
    let writers = 3;
    let each = 8;
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..writers {
        let store = store.clone();
        tasks.spawn(async move {
            let mut outcomes = Vec::new();
            for i in 0..each {
                let n = 1 + w * each + i;
                outcomes.push((n, append(&store, space, author, n).await));
            }
            outcomes
        });
    }
    let mut kept = BTreeSet::from([0]);
    let mut refused = BTreeSet::new();
    while let Some(done) = tasks.join_next().await {
        for (n, outcome) in done.expect("writer") {
            match outcome {
                Ok(()) => kept.insert(n),
                Err(e) => {
                    assert!(
                        e.contains("full") || e.contains("locked"),
                        "append {n} failed with {e}"
                    );
                    refused.insert(n)
                }
            };
        }
    }
    assert!(!refused.is_empty(), "the disk never filled up");

    // The disk has room again: the same store takes writes, without a restart. Each round
    // also loses a race, as concurrent writers do: an append after a head that has moved
    // must be refused as a conflict and leave its connection fit for the next append.
    faults.max_pages.store(ROOM, Ordering::SeqCst);
    for n in 100..112 {
        let stale = store
            .events_after(space, 0)
            .await
            .expect("read")
            .iter()
            .rev()
            .nth(1)
            .map(|e| (e.seq, e.hash))
            .expect("two events");
        let late = record::seal(stale, draft(author, 999), [8; 16]).expect("seal");
        let raced = tokio::time::timeout(
            Duration::from_secs(30),
            store.append(space, stale, &[late], &[]),
        )
        .await
        .expect("a losing append finishes");
        assert!(
            matches!(raced, Err(StoreError::Conflict)),
            "an append after a moved head, with room: {raced:?}"
        );
        let appended =
            tokio::time::timeout(Duration::from_secs(30), append(&store, space, author, n))
                .await
                .expect("an append with room finishes");
        assert_eq!(appended, Ok(()), "append {n} once the disk has room again");
        kept.insert(n);
    }

    // What was kept is what a fresh process finds.
    store.close().await;
    let reopened = Store::sqlite(SqliteConnectOptions::new().filename(db_file(dir.path())))
        .await
        .expect("reopen");
    let events = reopened.events_after(space, 0).await.expect("read");
    let found: BTreeSet<usize> = events.iter().map(|e| n_of(e.body.as_deref())).collect();
    let lost: Vec<_> = kept.difference(&found).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let ghosts: Vec<_> = refused.intersection(&found).collect();
    assert!(ghosts.is_empty(), "refused but recorded: {ghosts:?}");
    assert!(
        events
            .iter()
            .enumerate()
            .all(|(i, e)| e.seq == i as u64 + 1),
        "seq has no gap"
    );
    assert!(record::verify(&events).is_ok(), "the chain verifies");
    assert_eq!(
        reopened.head_seq(space).await.expect("head"),
        Some(events.len() as u64)
    );
    let Store::Sqlite(pool, _) = &reopened else {
        panic!("SQLite")
    };
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    eprintln!(
        "disk full: {} appends kept, {} refused, {} events after recovery",
        kept.len(),
        refused.len(),
        events.len()
    );
}

/// Every event in the database, in every space.
async fn all_events(store: &Store) -> i64 {
    scalar(store, "SELECT COUNT(*) FROM events").await
}

/// Over HTTP: with the disk full, a write answers a calm 503 that says nothing was saved,
/// and writes nothing; `/readyz` fails while `/healthz` stays ok; with room again, the
/// same server takes the same write and says it is ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_a_calm_503_and_the_server_recovers_by_itself() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, faults) = faulty_store(Backend::Sqlite, dir.path()).await;
    let app = spawn_app_on(store, dir, |_| {}).await;
    let sam = app.person("Sam").await;
    sam.create_space("Sam & Alex").await;
    assert_eq!(app.client().get("/readyz").await.status, StatusCode::OK);

    fill_disk(app.app.store(), &faults, 1).await;
    let mut refused = None;
    for attempt in 0..200 {
        let before = all_events(app.app.store()).await;
        let page = sam
            .post("/spaces", &[("name", &format!("Attempt {attempt}"))])
            .await;
        if page.status == StatusCode::SEE_OTHER {
            continue;
        }
        assert_eq!(all_events(app.app.store()).await, before, "nothing written");
        refused = Some(page);
        break;
    }
    let page = refused.expect("the disk filled up");
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(page.headers.contains_key(reqwest::header::RETRY_AFTER));
    assert!(page.reads("Nothing was saved"), "{}", page.body);
    assert!(page.reads("try again in a moment"), "{}", page.body);
    // What was typed comes back in the form, ready to send again to the same place.
    assert!(
        page.body
            .contains(r#"<textarea id="kept-1" name="name" rows="6">Attempt "#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"action="/spaces""#), "{}", page.body);
    assert!(page.csrf().is_some(), "the form can be sent again as it is");
    let ready = app.client().get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.headers.contains_key(reqwest::header::RETRY_AFTER));
    let live = app.client().get("/healthz").await;
    assert_eq!((live.status, live.body.as_str()), (StatusCode::OK, "ok"));

    faults.max_pages.store(ROOM, Ordering::SeqCst);
    assert_eq!(app.client().get("/readyz").await.status, StatusCode::OK);
    let before = all_events(app.app.store()).await;
    let page = sam.post("/spaces", &[("name", "Once more")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(all_events(app.app.store()).await, before + 1);
}

/// A read-only database: the same calm 503 and failing readiness, and writes work again in the
/// same process as soon as the disk is writable.
async fn a_read_only_database_answers_503_until_it_is_writable_again(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let (store, faults) = faulty_store(backend, dir.path()).await;
    let app = spawn_app_on(store, dir, |_| {}).await;
    let sam = app.person("Sam").await;
    let before = all_events(app.app.store()).await;

    faults.read_only.store(true, Ordering::SeqCst);
    let page = sam.post("/spaces", &[("name", "Read-only")]).await;
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(page.reads("Nothing was saved"), "{}", page.body);
    assert_eq!(
        app.client().get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );

    faults.read_only.store(false, Ordering::SeqCst);
    assert_eq!(all_events(app.app.store()).await, before, "nothing written");
    assert_eq!(app.client().get("/readyz").await.status, StatusCode::OK);
    let page = sam.post("/spaces", &[("name", "Writable")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(all_events(app.app.store()).await, before + 1);
}

/// The probe's transaction that looks for room is rolled back: probing never grows the
/// database file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readiness_probe_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, _faults) = faulty_store(Backend::Sqlite, dir.path()).await;
    store.probe_writes(1).await.expect("first probe");
    let pages = scalar(&store, "PRAGMA page_count").await;
    for now in 2..6 {
        store.probe_writes(now).await.expect("probe");
    }
    assert_eq!(scalar(&store, "PRAGMA page_count").await, pages);
    assert_eq!(
        scalar(&store, "SELECT COUNT(*) FROM readiness_room").await,
        0
    );
    assert_eq!(
        scalar(&store, "SELECT checked_at FROM readiness WHERE id = 1").await,
        5
    );
}

async fn readiness_answers_ready_while_writes_work(backend: Backend) {
    let app = spawn_app(backend).await;
    let ready = app.client().get("/readyz").await;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
    let live = app.client().get("/healthz").await;
    assert_eq!((live.status, live.body.as_str()), (StatusCode::OK, "ok"));
    // The probe writes its own row, on either database.
    app.app.store().probe_writes(42).await.expect("probe");
}

/// `/healthz` and `/readyz` are for load balancers: open to anyone, the same two words for
/// an anonymous visitor, each partner and a stranger, and nothing about anyone's data.
async fn health_and_readiness_answer_every_role_alike_and_reveal_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = crate::helpers::couple(&app).await;
    let stranger = app.person("Kim").await;
    let anonymous = app.client();
    let id = space.trim_start_matches("/spaces/");
    for (role, client) in [
        ("anonymous", &anonymous),
        ("partner who made the space", &sam),
        ("partner who joined", &alex),
        ("stranger", &stranger),
    ] {
        for (path, body) in [("/healthz", "ok"), ("/readyz", "ready")] {
            let page = client.get(path).await;
            assert_eq!(
                (page.status, page.body.as_str()),
                (StatusCode::OK, body),
                "{role} at {path}"
            );
            assert!(!page.body.contains(id), "{role} at {path}");
            let posted = client.post_raw(path, &[]).await;
            assert_eq!(
                posted.status,
                StatusCode::FORBIDDEN,
                "{role} POST {path}: {}",
                posted.body
            );
        }
    }
}
