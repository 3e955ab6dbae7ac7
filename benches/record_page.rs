//! Requests per second for the shared record's first page: a ten-year demo space against a
//! new space of the same person, on the same server in the same run (issue 19: the record
//! page of a long history within 1.25× of a new space's). The record page reads only the
//! entries it shows, so its cost should not grow with the history.
//!
//! The real server (all middleware, sessions in SQLite, the cached fold) is driven for a few
//! seconds per page by `CONNECTIONS` keep-alive loops in this process, once as it runs (a
//! partner's record page kept in the page cache) and once with the page cache off, so
//! every request draws the page. Prints figures; asserts nothing.
//!
//! Run: `cargo bench --bench record_page` (`GOLDSEAM_BENCH_YEARS` to change the ten).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use goldseam::app::{App, Clock};
use goldseam::config::Settings;

mod support;

const CONNECTIONS: usize = 8;
const SECONDS: u64 = 5;

/// Drives `url` with `CONNECTIONS` concurrent loops for `SECONDS`; returns requests per
/// second that answered 200.
async fn drive(url: &str, cookie: &str) -> anyhow::Result<f64> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()?;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut loops = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, done, stop) = (client.clone(), done.clone(), stop.clone());
        let (url, cookie) = (url.to_owned(), cookie.to_owned());
        loops.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(response) = client.get(&url).header("cookie", &cookie).send().await
                    && response.status() == 200
                    && response.bytes().await.is_ok()
                {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(SECONDS)).await;
    stop.store(true, Ordering::Relaxed);
    for l in loops {
        let _ = l.await;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let years: u32 = std::env::var("GOLDSEAM_BENCH_YEARS")
        .ok()
        .and_then(|y| y.parse().ok())
        .unwrap_or(10);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let settings = Settings {
        base_url: base.clone(),
        ..Settings::default()
    };
    let bench = support::demo_app(years, settings).await?;
    let (app, demo, token) = (&bench.app, &bench.demo, &bench.token);
    let session = app
        .session(token)
        .await?
        .context("the demo partner's session")?;
    let (new_space, _) = app.create_space(&session, "A new space").await?;
    let cookie = format!("{}={token}", goldseam::web::SESSION_COOKIE);
    let served = app.clone();
    tokio::spawn(async move {
        let _ = goldseam::web::serve(listener, served, std::future::pending()).await;
    });
    // The same database served again with the page cache off: every page drawn.
    let drawing = App::new(
        app.store().clone(),
        Settings {
            base_url: base.clone(),
            page_cache_bytes: 0,
            ..Settings::default()
        },
        Clock::System,
    )?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let drawn_base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = goldseam::web::serve(listener, drawing, std::future::pending()).await;
    });
    let client = reqwest::Client::new();
    println!(
        "record page, first page; {CONNECTIONS} connections, {SECONDS} s each, 2 worker threads:"
    );
    for (label, base) in [("page cache on", &base), ("drawn every time", &drawn_base)] {
        let long = format!("{base}/spaces/{}/record", demo.space);
        let new = format!("{base}/spaces/{new_space}/record");
        let mut sizes = Vec::new();
        for url in [&long, &new] {
            let page = client
                .get(url)
                .header("cookie", &cookie)
                .send()
                .await?
                .text()
                .await?;
            anyhow::ensure!(page.contains("Shared record"), "{url} did not load");
            sizes.push(page.len());
        }
        let fresh = drive(&new, &cookie).await.context("new space")?;
        let old = drive(&long, &cookie).await.context("long space")?;
        let fresh_again = drive(&new, &cookie).await.context("new space again")?;
        let fresh_rps = (fresh + fresh_again) / 2.0;
        println!("{label}:");
        println!(
            "  new space ({} KB)          {fresh:.0} and {fresh_again:.0} requests/s",
            sizes[1] / 1024
        );
        println!(
            "  {years}-year space ({} KB, {} events)  {old:.0} requests/s",
            sizes[0] / 1024,
            demo.events
        );
        println!(
            "  time per page, long / new  {:.2}×",
            fresh_rps / old.max(f64::MIN_POSITIVE)
        );
    }
    Ok(())
}
