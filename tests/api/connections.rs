//! What many people at once, and slow or stalled clients, do to the real server: changes
//! to one space arriving together are all kept (none refused as "too many at once"); a
//! client that sends its headers or body too slowly is cut off; a shutdown ends within its
//! grace period even with a request half-sent.

use std::time::Duration;

use goldseam::app::{App, Clock};
use goldseam::config::Settings;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::helpers::{Backend, couple, event_count, fresh_store, spawn_app, spawn_app_with};

crate::on_both_databases!(sixteen_changes_to_one_space_at_once_are_all_kept);

/// Sixteen questions sent to one space at the same moment, from both partners: every one
/// is answered as saved and is in the record, in one unbroken chain.
async fn sixteen_changes_to_one_space_at_once_are_all_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sam, alex, space) = couple(&app).await;
    let before = event_count(&app, &space).await;
    let path = format!("{space}/questions");
    let sent = (0..16).map(|i| {
        let (who, path) = (if i % 2 == 0 { &sam } else { &alex }, &path);
        async move {
            let text = format!("Question number {i}, asked at the same time");
            (who.post(path, &[("text", &text)]).await, text)
        }
    });
    let answers = futures::future::join_all(sent).await;
    for (page, _) in &answers {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    assert_eq!(event_count(&app, &space).await, before + 16);
    let questions = sam.get(&path).await;
    for (_, text) in &answers {
        assert!(questions.has(text), "{text} is missing");
    }
    let id = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    let events = app.app.store().events_after(id, 0).await.expect("events");
    assert!(goldseam::domain::record::verify(&events).is_ok());
}

/// Reads whatever the server sends until it closes the connection (or `patience` runs
/// out, which fails the test: the server kept a stalled client).
async fn until_closed(stream: &mut TcpStream, patience: Duration) -> String {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(patience, stream.read_to_end(&mut seen)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&seen).into_owned()
}

fn host_of(base: &str) -> String {
    base.trim_start_matches("http://").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.header_read = Duration::from_secs(1);
    })
    .await;
    let mut stream = TcpStream::connect(host_of(&app.base))
        .await
        .expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: goldseam\r\nX-Slow: ")
        .await
        .expect("write");
    until_closed(&mut stream, Duration::from_secs(20)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_half_way_is_answered_408_and_nothing_is_written() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.body_read = Duration::from_secs(1);
    })
    .await;
    let before = goldseam_people(&app).await;
    let mut stream = TcpStream::connect(host_of(&app.base))
        .await
        .expect("connect");
    let body = "email=slow%40example.com&display_name=Slow&password=";
    let request = format!(
        "POST /signup HTTP/1.1\r\nHost: goldseam\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len() + 40
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let answer = until_closed(&mut stream, Duration::from_secs(20)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("That took too long to arrive"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("cache-control: no-store"), "{answer}");
    assert!(lower.contains("content-security-policy"), "{answer}");
    assert_eq!(goldseam_people(&app).await, before);
}

async fn goldseam_people(app: &crate::helpers::TestApp) -> i64 {
    match app.app.store() {
        goldseam::store::Store::Sqlite(pool, _) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM persons")
                .fetch_one(pool)
                .await
        }
        goldseam::store::Store::Postgres(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM persons")
                .fetch_one(pool)
                .await
        }
    }
    .expect("count persons")
}

/// A shutdown with a request half-sent: new connections are refused at once, and the
/// server is gone once the grace period is over, instead of waiting for the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shutdown_ends_within_its_grace_period_despite_a_half_sent_request() {
    let dir = tempfile::tempdir().expect("dir");
    let store = fresh_store(Backend::Sqlite, dir.path()).await;
    let settings = Settings {
        shutdown_grace: Duration::from_secs(1),
        header_read: Duration::from_secs(600),
        body_read: Duration::from_secs(600),
        ..Settings::default()
    };
    let app = App::new(store, settings, Clock::manual()).expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(goldseam::web::serve(listener, app, async move {
        let _ = stopped.await;
    }));

    let mut slow = TcpStream::connect(address).await.expect("connect");
    slow.write_all(
        b"POST /login HTTP/1.1\r\nHost: goldseam\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 100\r\n\r\nemail=",
    )
    .await
    .expect("write");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = stop.send(());

    let ended = tokio::time::timeout(Duration::from_secs(30), server).await;
    assert!(
        ended.is_ok(),
        "the server was still waiting for the slow client"
    );
    assert!(
        TcpStream::connect(address).await.is_err(),
        "no new connections after shutdown"
    );
}

/// Requests hyper refuses before the router sees them (a header it cannot parse, a URI
/// over its limit, headers too large) are still answered with our headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_refused_before_the_router_still_carry_our_headers() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.secure_cookies = true).await;
    let long_uri = format!(
        "GET /{} HTTP/1.1\r\nHost: goldseam\r\n\r\n",
        "a".repeat(70_000)
    );
    let large_headers = format!(
        "GET / HTTP/1.1\r\nHost: goldseam\r\n{}\r\n",
        "X-Filler: 0123456789abcdef0123456789abcdef\r\n".repeat(16_000)
    );
    for (request, status) in [
        (
            "GET / HTTP/1.1\r\nHost: goldseam\r\nNot a header\r\n\r\n".to_owned(),
            "400",
        ),
        (long_uri, "414"),
        (large_headers, "431"),
    ] {
        let mut stream = TcpStream::connect(host_of(&app.base))
            .await
            .expect("connect");
        // The server may answer and close before all of a large request is sent.
        let _ = stream.write_all(request.as_bytes()).await;
        let answer = until_closed(&mut stream, Duration::from_secs(20)).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{status}: {answer}"
        );
        let lower = answer.to_ascii_lowercase();
        for header in [
            "content-security-policy: default-src 'none'",
            "cache-control: no-store",
            "x-content-type-options: nosniff",
            "x-frame-options: deny",
            "referrer-policy: no-referrer",
            "strict-transport-security: max-age=31536000",
        ] {
            assert!(lower.contains(header), "{status} lacks {header}: {answer}");
        }
    }
}
