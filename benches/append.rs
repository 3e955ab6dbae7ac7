//! Appending an event on SQLite with the durability we promise (WAL, `synchronous=FULL`),
//! end to end through the app as a page's POST does it: authorize, read the cached state,
//! decide, seal, and one transaction. DESIGN.md's target: p99 under 5 ms; the capacity
//! issue's: p99 at most 1.5× a bare `fdatasync`'s p99 on the same disk, in the same run.
//!
//! So two anchors are measured beside it, on the same disk (the same temporary folder's
//! file system) and interleaved with it, one of each per round, so a busy moment of the
//! machine falls on all three alike:
//! - a bare `fdatasync`: 256 bytes appended to a file, then `File::sync_data`;
//! - a raw sqlx insert with the same durability: one row of the same size into a table
//!   keyed like the events table, in its own transaction, on an SQLite file opened with
//!   WAL and `synchronous=FULL` (what a commit must wait for, without the app around it).
//!
//! A one-year demo space is written first, so the appends land on a realistic record; then
//! 100 rounds warm up and 2,000 are timed. The latencies are printed as percentiles, with
//! the ratio of the append's p99 to the fdatasync's; nothing here asserts a time.
//!
//! Run: `cargo bench --bench append`.

use std::io::Write as _;
use std::str::FromStr as _;
use std::time::{Duration, Instant};

use anyhow::Context;
use goldseam::config::Settings;
use goldseam::domain::EntryId;
use goldseam::domain::ownup::{self, Text};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

mod support;

const WARM_UP: usize = 100;
const TIMED: usize = 2_000;
/// About an event's size as stored (body, salt, digests).
const ROW_BYTES: usize = 256;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let bench = support::demo_app(1, Settings::default()).await?;
    let (app, demo) = (&bench.app, &bench.demo);
    let session = app.session(&bench.token).await?.context("a session")?;

    // The anchors' files, on the file system the app's database is on (both in the
    // temporary folder).
    let anchors = tempfile::tempdir()?;
    let mut file = std::fs::File::create(anchors.path().join("fdatasync.bin"))?;
    let raw = sqlx::SqlitePool::connect_with(
        SqliteConnectOptions::from_str(&format!(
            "sqlite://{}",
            anchors.path().join("raw.db").display()
        ))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full),
    )
    .await?;
    sqlx::query(
        "CREATE TABLE events (space TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL, \
         PRIMARY KEY (space, seq))",
    )
    .execute(&raw)
    .await?;
    let row = vec![b'x'; ROW_BYTES];

    let mut fsync: Vec<Duration> = Vec::with_capacity(TIMED);
    let mut insert: Vec<Duration> = Vec::with_capacity(TIMED);
    let mut append: Vec<Duration> = Vec::with_capacity(TIMED);
    for i in 0..WARM_UP + TIMED {
        let timed = i >= WARM_UP;

        let started = Instant::now();
        file.write_all(&row)?;
        file.sync_data()?;
        if timed {
            fsync.push(started.elapsed());
        }

        let started = Instant::now();
        sqlx::query("INSERT INTO events (space, seq, body) VALUES ($1, $2, $3)")
            .bind(demo.space.to_string())
            .bind(i64::try_from(i)?)
            .bind(&row)
            .execute(&raw)
            .await?;
        if timed {
            insert.push(started.elapsed());
        }

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
        if timed {
            append.push(started.elapsed());
        }
    }
    raw.close().await;

    println!(
        "on SQLite (WAL, synchronous=FULL), {TIMED} rounds after {WARM_UP} warm-up, each a bare fdatasync, \
         a raw insert and an app append, on a record of {} events:",
        demo.events
    );
    println!();
    println!("| | p50 ms | p90 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, timings) in [
        ("bare fdatasync (256 bytes appended)", &mut fsync),
        ("raw sqlx insert, own transaction", &mut insert),
        ("app append (`own_up`, a question)", &mut append),
    ] {
        timings.sort();
        let cells: Vec<String> = [0.50, 0.90, 0.99, 1.0]
            .iter()
            .map(|&p| format!("{:.2}", at(timings, p).as_secs_f64() * 1000.0))
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
    let ratio = at(&append, 0.99).as_secs_f64() / at(&fsync, 0.99).as_secs_f64().max(1e-9);
    let raw_ratio = at(&insert, 0.99).as_secs_f64() / at(&fsync, 0.99).as_secs_f64().max(1e-9);
    println!();
    println!(
        "append p99 / fdatasync p99 = {ratio:.2} (target ≤ 1.5); raw insert p99 / fdatasync p99 = {raw_ratio:.2}"
    );
    Ok(())
}

/// The `p` quantile of sorted `timings`.
fn at(timings: &[Duration], p: f64) -> Duration {
    let i = ((timings.len() as f64 * p).ceil() as usize).clamp(1, timings.len()) - 1;
    timings[i]
}
