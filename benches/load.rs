//! Requests per second for a partner's dashboard against a bare axum handler that returns a
//! static page of the same size, both on this machine in the same run (DESIGN.md: the
//! dashboard at ≥ 50 % of the bare handler).
//!
//! The real server (all middleware, sessions in SQLite, the cached fold) serves a two-year
//! demo space; the baseline is a plain `Router` returning the dashboard's own HTML, fetched
//! once. Each is driven for a few seconds by the same client: `CONNECTIONS` loops on
//! keep-alive connections, in this process. Prints figures; asserts nothing.
//!
//! Run: `cargo bench --bench load`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::response::Html;
use axum::routing::get;
use goldseam::config::Settings;

mod support;

const CONNECTIONS: usize = 8;
const SECONDS: u64 = 5;

/// Drives `url` with `CONNECTIONS` concurrent loops for `SECONDS`; returns requests per
/// second that answered 200.
async fn drive(url: &str, cookie: Option<&str>) -> anyhow::Result<f64> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()?;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut loops = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, done, stop) = (client.clone(), done.clone(), stop.clone());
        let (url, cookie) = (url.to_owned(), cookie.map(str::to_owned));
        loops.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let mut request = client.get(&url);
                if let Some(cookie) = &cookie {
                    request = request.header("cookie", cookie);
                }
                if let Ok(response) = request.send().await
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let settings = Settings {
        base_url: base.clone(),
        ..Settings::default()
    };
    let bench = support::demo_app(2, settings).await?;
    let (app, demo, token) = (&bench.app, &bench.demo, &bench.token);
    let cookie = format!("{}={token}", goldseam::web::SESSION_COOKIE);
    let served = app.clone();
    tokio::spawn(async move {
        let _ = goldseam::web::serve(listener, served, std::future::pending()).await;
    });
    let dashboard = format!("{base}/spaces/{}", demo.space);
    let page = reqwest::Client::new()
        .get(&dashboard)
        .header("cookie", &cookie)
        .send()
        .await?
        .text()
        .await?;
    anyhow::ensure!(
        page.contains("How things are moving"),
        "the dashboard did not load"
    );

    let bare_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let bare = format!("http://{}/", bare_listener.local_addr()?);
    let static_page: &'static str = Box::leak(page.clone().into_boxed_str());
    let router = Router::new().route("/", get(move || async move { Html(static_page) }));
    tokio::spawn(async move {
        let _ = axum::serve(bare_listener, router).await;
    });

    let baseline = drive(&bare, None).await.context("baseline")?;
    let real = drive(&dashboard, Some(&cookie))
        .await
        .context("dashboard")?;
    let baseline_again = drive(&bare, None).await.context("baseline again")?;
    let base_rps = (baseline + baseline_again) / 2.0;
    println!(
        "page of {} KB, {CONNECTIONS} connections, {SECONDS} s each, 2 worker threads:",
        page.len() / 1024
    );
    println!("  bare axum handler   {baseline:.0} and {baseline_again:.0} requests/s");
    println!("  dashboard           {real:.0} requests/s");
    println!(
        "  ratio               {:.1} % of the bare handler",
        100.0 * real / base_rps
    );
    Ok(())
}
