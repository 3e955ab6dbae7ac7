//! Peak resident memory while a twenty-year space's record is downloaded (issue 19: the
//! export stays whole, streamed, not built in memory). The peak is reset (Linux
//! `/proc/self/clear_refs`) before each case, so each reads its own:
//!
//! - the download through the real server (`GET /spaces/{id}/export`, read page by page
//!   and streamed), its body read and thrown away as it arrives;
//! - the same file built whole in memory, as the export did before (`Export::new` over
//!   every event, then `to_json`), in the same run.
//!
//! Prints figures and checks that both files are the same but for the export time;
//! asserts nothing about memory.
//!
//! Run: `cargo bench --bench export` (`GOLDSEAM_BENCH_YEARS` to change the twenty).

use anyhow::Context;
use goldseam::config::Settings;
use goldseam::export::Export;

mod support;

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}

/// Starts a new peak from what is resident now.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let years: u32 = std::env::var("GOLDSEAM_BENCH_YEARS")
        .ok()
        .and_then(|y| y.parse().ok())
        .unwrap_or(20);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let settings = Settings {
        base_url: base.clone(),
        ..Settings::default()
    };
    let bench = support::demo_app(years, settings).await?;
    let (app, demo, token) = (&bench.app, &bench.demo, &bench.token);
    let served = app.clone();
    tokio::spawn(async move {
        let _ = goldseam::web::serve(listener, served, std::future::pending()).await;
    });
    let cookie = format!("{}={token}", goldseam::web::SESSION_COOKIE);
    let url = format!("{base}/spaces/{}/export", demo.space);
    let client = reqwest::Client::new();
    // The state is folded and cached before either case, as on a server in use.
    app.load_state(demo.space).await?;

    reset_peak();
    let before = status_kb("VmRSS:");
    let mut response = client.get(&url).header("cookie", &cookie).send().await?;
    anyhow::ensure!(
        response.status() == 200,
        "the export answered {}",
        response.status()
    );
    let mut size = 0;
    while let Some(chunk) = response.chunk().await? {
        // Thrown away as it arrives, as a browser writes it to disk.
        size += chunk.len();
    }
    let streamed_peak = status_kb("VmHWM:").saturating_sub(before);

    reset_peak();
    let before = status_kb("VmRSS:");
    let events = app.store().events_after(demo.space, 0).await?;
    let whole = Export::new(demo.space, &events, app.clock().now_us()).to_json();
    drop(events);
    let whole_peak = status_kb("VmHWM:").saturating_sub(before);

    // Downloaded again, kept this time, to compare (outside both measurements).
    let streamed = client
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await?
        .text()
        .await
        .context("the export again")?;
    let same = |text: &str| {
        text.lines()
            .filter(|l| !l.trim_start().starts_with("\"exported_at\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    println!(
        "export of a {years}-year space ({} events, {} MB):",
        demo.events,
        size / (1024 * 1024)
    );
    println!(
        "  streamed by the server, page by page: peak +{} MB resident",
        streamed_peak / 1024
    );
    println!(
        "  built whole in memory, as before:      peak +{} MB resident",
        whole_peak / 1024
    );
    println!(
        "  the two files are the same but for the export time: {}",
        same(&streamed) == same(&whole)
    );
    Ok(())
}
