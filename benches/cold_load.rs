//! Where the first view of a long history goes (issue 19: a ten-year space's first view
//! under 50 ms): reading its events from SQLite, folding them, and the whole `load_state`
//! with nothing cached, without a snapshot and with one at the head (read, decoded, nothing
//! left to fold). Also the snapshot's size and its encoding and decoding alone, and the
//! size after a month and a year of the same story. Each step is timed several times and
//! the median printed. Prints figures; asserts nothing.
//!
//! Run: `cargo bench --bench cold_load` (`GOLDSEAM_BENCH_YEARS` to change the ten).

use std::time::{Duration, Instant};

use goldseam::app::{App, Clock};
use goldseam::config::Settings;
use goldseam::domain::snapshot::{decode_snapshot, encode_snapshot};
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
    // Nothing is cached, and no snapshot is written: every load folds the whole record.
    let settings = Settings {
        state_cache_bytes: 0,
        compact_cache_bytes: 0,
        snapshot_every: 0,
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
        "{years} years, {} events: read {:?}, fold {:?}, load_state with nothing cached and no snapshot {:?} (medians of {RUNS})",
        events.len(),
        median(read),
        median(fold),
        median(load),
    );

    // The snapshot alone: its size, encoding and decoding.
    let whole = space::fold(SpaceState::empty(space), &events);
    let mut encode = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        bytes = encode_snapshot(&whole);
        encode.push(started.elapsed());
    }
    let mut decode = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let state = decode_snapshot(&bytes);
        decode.push(started.elapsed());
        anyhow::ensure!(state.as_ref() == Ok(&whole), "the snapshot reads back");
    }
    let start = events.first().map_or(0, |e| e.at_us);
    let mut sizes = Vec::new();
    for (what, days) in [("a month", 30), ("a year", 365)] {
        let until = start + days * 86_400_000_000;
        let count = events.iter().take_while(|e| e.at_us <= until).count();
        let state = space::fold(SpaceState::empty(space), &events[..count]);
        sizes.push(format!("{what} {} bytes", encode_snapshot(&state).len()));
    }
    println!(
        "snapshot: {} bytes (after {}), encode {:?}, decode {:?} (medians of {RUNS})",
        bytes.len(),
        sizes.join(", "),
        median(encode),
        median(decode),
    );

    // A second instance on the same database that writes a snapshot at the head, then
    // loads from it: read the snapshot, decode it, fold the nothing after it.
    let snapshotting = App::new(
        app.store().clone(),
        Settings {
            state_cache_bytes: 0,
            compact_cache_bytes: 0,
            snapshot_every: 1,
            ..Settings::default()
        },
        Clock::System,
    )?;
    snapshotting.load_state(space).await?;
    snapshotting.snapshots_settled().await;
    anyhow::ensure!(
        app.store().snapshot(space).await?.is_some(),
        "no snapshot was written"
    );
    // The first start from it also checks it against a full fold, in the background:
    // done before timing.
    snapshotting.load_state(space).await?;
    snapshotting.snapshots_settled().await;
    let mut from_snapshot = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let state = snapshotting.load_state(space).await?;
        from_snapshot.push(started.elapsed());
        std::hint::black_box(state);
    }
    snapshotting.snapshots_settled().await;
    println!(
        "{years} years: load_state with nothing cached, from a snapshot at the head {:?} (median of {RUNS})",
        median(from_snapshot),
    );
    Ok(())
}
