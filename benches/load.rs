//! Requests per second for a partner's home page (the dashboard) against a bare axum handler
//! returning the same bytes, in the same run on this machine (DESIGN.md and issue 19: the
//! dashboard at ≥ 50 % of the bare handler), for a one-year and a ten-year space.
//!
//! For each age a demo space is written to a fresh SQLite file and served three ways on
//! loopback:
//! - the real server (every middleware, sessions in SQLite, the state and page caches);
//! - the real server again on the same database with the page cache off (each request
//!   draws the page), which is what the page cache is measured against;
//! - a plain `Router` returning the dashboard's own HTML, fetched once.
//!
//! Each is driven by `wrk` (an external load generator: `apt-get install wrk`) with
//! keep-alive connections, for a few seconds each: the bare handler first, then the
//! dashboard drawn every time, then three turns of the kept dashboard each followed by the
//! bare handler again. The medians are compared. Prints a table; asserts nothing.
//!
//! Run: `cargo bench --bench load` (`GOLDSEAM_BENCH_YEARS=1,10` to choose the ages).

use std::process::Command;

use anyhow::Context;
use axum::Router;
use axum::response::Html;
use axum::routing::get;
use goldseam::app::{App, Clock};
use goldseam::config::Settings;

mod support;

const CONNECTIONS: &str = "8";
const THREADS: &str = "2";
const SECONDS: &str = "5s";
/// Turns of the dashboard, each followed by one of the bare handler.
const ROUNDS: usize = 3;

/// The middle figure (the upper middle of an even number).
fn median(figures: &[f64]) -> f64 {
    let mut sorted = figures.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

/// Requests per second that `wrk` got from `url`, failing if any answer was not a 2xx.
fn wrk(url: &str, cookie: Option<&str>) -> anyhow::Result<f64> {
    let mut command = Command::new("wrk");
    command.args(["-t", THREADS, "-c", CONNECTIONS, "-d", SECONDS]);
    if let Some(cookie) = cookie {
        command.args(["-H", &format!("Cookie: {cookie}")]);
    }
    let output = command
        .arg(url)
        .output()
        .context("running wrk (install it with `apt-get install wrk`)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(output.status.success(), "wrk failed: {text}");
    anyhow::ensure!(
        !text.contains("Non-2xx"),
        "some answers were not 2xx: {text}"
    );
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|n| n.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk's output: {text}"))
}

async fn serve(app: App) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = goldseam::web::serve(listener, app, std::future::pending()).await;
    });
    Ok(base)
}

async fn one_age(years: u32) -> anyhow::Result<()> {
    let bench = support::demo_app(years, Settings::default()).await?;
    let (app, demo, token) = (&bench.app, &bench.demo, &bench.token);
    let cookie = format!("{}={token}", goldseam::web::SESSION_COOKIE);
    let cached = serve(app.clone()).await?;
    let drawing = App::new(
        app.store().clone(),
        Settings {
            page_cache_bytes: 0,
            ..Settings::default()
        },
        Clock::System,
    )?;
    let uncached = serve(drawing).await?;
    let path = format!("/spaces/{}", demo.space);

    let page = reqwest::Client::new()
        .get(format!("{cached}{path}"))
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

    // wrk blocks; the servers run on the runtime's workers meanwhile. The bare handler and
    // the dashboard take turns, so that a slower minute of this shared machine weighs on
    // both alike, and the median of each is compared.
    let (bares, drawn, served) = tokio::task::spawn_blocking({
        let (bare, cookie) = (bare.clone(), cookie.clone());
        let (drawn_url, cached_url) = (format!("{uncached}{path}"), format!("{cached}{path}"));
        move || -> anyhow::Result<(Vec<f64>, f64, Vec<f64>)> {
            let (mut bares, mut served) = (Vec::new(), Vec::new());
            bares.push(wrk(&bare, None).context("bare handler")?);
            let drawn = wrk(&drawn_url, Some(&cookie)).context("dashboard, page cache off")?;
            for _ in 0..ROUNDS {
                served.push(wrk(&cached_url, Some(&cookie)).context("dashboard")?);
                bares.push(wrk(&bare, None).context("bare handler again")?);
            }
            Ok((bares, drawn, served))
        }
    })
    .await??;
    let runs = |all: &[f64]| {
        all.iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (base, kept) = (median(&bares), median(&served));
    println!(
        "| {years} year(s), {} events | {} KB | {base:.0} ({}) | {drawn:.0} ({:.1} %) | {kept:.0} ({}): **{:.1} %** |",
        demo.events,
        page.len() / 1024,
        runs(&bares),
        100.0 * drawn / base,
        runs(&served),
        100.0 * kept / base,
    );
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let ages: Vec<u32> = std::env::var("GOLDSEAM_BENCH_YEARS")
        .unwrap_or_else(|_| "1,10".to_owned())
        .split(',')
        .filter_map(|y| y.trim().parse().ok())
        .collect();
    println!(
        "wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS} over loopback, keep-alive, requests/s (share of the bare handler):"
    );
    println!(
        "| space | page | bare handler: median (each run) | dashboard, page cache off | dashboard: median (each run): share |"
    );
    println!("|---|---|---|---|---|");
    for years in ages {
        one_age(years).await?;
    }
    Ok(())
}
