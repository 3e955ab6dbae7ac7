//! Where the first view of a long history goes (issue 19: a ten-year space's first view
//! under 50 ms): reading its events from SQLite, folding them, and the whole `load_state`
//! with nothing cached. Each step is timed several times and the median printed. Prints
//! figures; asserts nothing.
//!
//! Run: `cargo bench --bench cold_load` (`GOLDSEAM_BENCH_YEARS` to change the ten).

use std::time::{Duration, Instant};

use goldseam::config::Settings;
use goldseam::domain::space::{self, SpaceState};

mod support;

const RUNS: usize = 7;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let years: u32 = std::env::var("GOLDSEAM_BENCH_YEARS")
        .ok()
        .and_then(|y| y.parse().ok())
        .unwrap_or(10);
    // Nothing is cached: every load folds from the record.
    let settings = Settings {
        state_cache_bytes: 0,
        ..Settings::default()
    };
    let bench = support::demo_app(years, settings).await?;
    anyhow::ensure!(!bench.token.is_empty(), "the demo partner could not log in");
    let (app, space) = (&bench.app, bench.demo.space);

    let mut read = Vec::new();
    let mut events = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        events = app.store().events_after(space, 0).await?;
        read.push(started.elapsed());
    }
    let mut fold = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let state = space::fold(SpaceState::empty(space), &events);
        fold.push(started.elapsed());
        std::hint::black_box(state);
    }
    let mut load = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let state = app.load_state(space).await?;
        load.push(started.elapsed());
        std::hint::black_box(state);
    }
    println!(
        "{years} years, {} events: read {:?}, fold {:?}, load_state with nothing cached {:?} (medians of {RUNS})",
        events.len(),
        median(read),
        median(fold),
        median(load),
    );
    Ok(())
}
