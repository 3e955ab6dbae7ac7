//! Appending an event on SQLite with the durability we promise (WAL, `synchronous=FULL`),
//! end to end through the app as a page's POST does it: authorize, read the cached state,
//! decide, seal, and one transaction. DESIGN.md's target: p99 under 5 ms.
//!
//! A one-year demo space is written first, so the appends land on a realistic record; then
//! 100 appends warm up and 2,000 are timed one after another. The latencies are printed as
//! percentiles; nothing here asserts a time.
//!
//! Run: `cargo bench --bench append`.

use std::time::{Duration, Instant};

use anyhow::Context;
use goldseam::config::Settings;
use goldseam::domain::EntryId;
use goldseam::domain::ownup::{self, Text};

mod support;

const WARM_UP: usize = 100;
const TIMED: usize = 2_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let bench = support::demo_app(1, Settings::default()).await?;
    let (app, demo) = (&bench.app, &bench.demo);
    let session = app.session(&bench.token).await?.context("a session")?;

    let mut timings: Vec<Duration> = Vec::with_capacity(TIMED);
    for i in 0..WARM_UP + TIMED {
        let command = ownup::Command::AskQuestion {
            id: EntryId::random(),
            breach: None,
            text: Text::parse(
                &format!("Question {i}: what did that evening mean to you?"),
                "Question",
                1_000,
            )?,
        };
        let started = Instant::now();
        app.own_up(&session, demo.space, command).await?;
        if i >= WARM_UP {
            timings.push(started.elapsed());
        }
    }
    timings.sort();
    let at = |p: f64| {
        let i = ((timings.len() as f64 * p).ceil() as usize).clamp(1, timings.len()) - 1;
        timings[i]
    };
    println!(
        "append on SQLite (WAL, synchronous=FULL), {TIMED} appends after {WARM_UP} warm-up, on a record of {} events:",
        demo.events
    );
    for (name, p) in [("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0)] {
        println!("  {name}  {:.2} ms", at(p).as_secs_f64() * 1000.0);
    }
    Ok(())
}
