//! Many writers on one space: `WRITERS` loops (half each partner) post questions to the same
//! space of the real `goldseam` binary, a process of its own, for `CONTENTION_SECONDS`
//! (default 30), on SQLite and, with `GOLDSEAM_TEST_POSTGRES_URL` set, on PostgreSQL. The
//! space is a one-year demo. Prints how many writes were saved, refused (409, "many changes
//! at once"), unavailable (503) or otherwise answered, and latency percentiles of the saved
//! ones. Issue 12's target: no refusals, p99 under 250 ms on SQLite. Asserts nothing.
//!
//! With `GOLDSEAM_BASELINE_BIN` pointing at another build of the binary (an older commit's
//! `target/release/goldseam`), that one is measured too, in the same run, as the baseline.
//!
//! Run: `cargo bench --bench contention` (add `GOLDSEAM_TEST_POSTGRES_URL=…` for both).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

const WRITERS: usize = 16;

#[derive(Default)]
struct Tally {
    saved: Vec<Duration>,
    refused: u64,
    unavailable: u64,
    other: u64,
}

/// The server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds = std::env::var("CONTENTION_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let mut binaries = vec![("this build", env!("CARGO_BIN_EXE_goldseam").to_owned())];
    if let Ok(baseline) = std::env::var("GOLDSEAM_BASELINE_BIN") {
        binaries.push(("baseline", baseline));
    }
    let postgres = std::env::var("GOLDSEAM_TEST_POSTGRES_URL").ok();
    for backend in ["sqlite", "postgres"] {
        if backend == "postgres" && postgres.is_none() {
            continue;
        }
        for (label, binary) in &binaries {
            let dir = tempfile::tempdir()?;
            let storage = match (backend, &postgres) {
                ("postgres", Some(url)) => {
                    vec!["--database-url".to_owned(), fresh_schema(url).await?]
                }
                _ => vec![
                    "--data-dir".to_owned(),
                    dir.path().join("data").display().to_string(),
                ],
            };
            let tally = measure(binary, &storage, seconds).await?;
            report(backend, label, seconds, tally);
        }
    }
    Ok(())
}

/// A new schema on the PostgreSQL at `url`, as a URL the binary takes.
async fn fresh_schema(url: &str) -> anyhow::Result<String> {
    let admin = sqlx::PgPool::connect(url).await?;
    let schema = format!("gs_bench_{}", goldseam::domain::SpaceId::random().as_u128());
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await?;
    admin.close().await;
    let joiner = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{joiner}options=-c%20search_path%3D{schema}"))
}

async fn measure(binary: &str, storage: &[String], seconds: u64) -> anyhow::Result<Tally> {
    let demo = Command::new(binary)
        .args(["demo", "--years", "1", "--seed", "7"])
        .args(storage)
        .output()
        .context("running the demo")?;
    if !demo.status.success() {
        bail!("demo failed: {}", String::from_utf8_lossy(&demo.stderr));
    }
    let printed = String::from_utf8_lossy(&demo.stdout).into_owned();
    let values = |label: &str| -> Vec<String> {
        printed
            .lines()
            .filter_map(|l| l.trim().strip_prefix(label))
            .map(|v| v.trim().to_owned())
            .collect()
    };
    let (space, emails, passphrases) = (values("space"), values("email"), values("passphrase"));
    let space = space.first().context("the demo's space")?.clone();

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(binary)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .args(storage)
            .env("GOLDSEAM_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the server")?,
    );
    let probe = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(r) = probe.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut partners = Vec::new();
    for (email, passphrase) in emails.iter().zip(&passphrases) {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let login = client
            .get(format!("{base}/login"))
            .send()
            .await?
            .text()
            .await?;
        let csrf = csrf_in(&login).context("the log-in form")?;
        let answer = client
            .post(format!("{base}/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", passphrase),
            ])
            .send()
            .await?;
        if answer.status() != 303 {
            bail!("log-in failed: {}", answer.status());
        }
        let page = client
            .get(format!("{base}/spaces/{space}"))
            .send()
            .await?
            .text()
            .await?;
        partners.push((client, csrf_in(&page).context("a form on the space page")?));
    }

    let url = format!("{base}/spaces/{space}/questions");
    let until = Instant::now() + Duration::from_secs(seconds);
    let writers = (0..WRITERS).map(|w| {
        let (client, csrf) = partners[w % partners.len()].clone();
        let url = url.clone();
        tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut n = 0;
            while Instant::now() < until {
                n += 1;
                let text = format!("Writer {w} asks question {n}: can we talk tonight?");
                let started = Instant::now();
                let answer = client
                    .post(&url)
                    .form(&[("csrf", csrf.as_str()), ("text", text.as_str())])
                    .send()
                    .await;
                match answer.map(|r| r.status().as_u16()) {
                    Ok(303) => tally.saved.push(started.elapsed()),
                    Ok(409) => tally.refused += 1,
                    Ok(503) => tally.unavailable += 1,
                    _ => tally.other += 1,
                }
            }
            tally
        })
    });
    let mut all = Tally::default();
    for writer in writers.collect::<Vec<_>>() {
        let tally = writer.await?;
        all.saved.extend(tally.saved);
        all.refused += tally.refused;
        all.unavailable += tally.unavailable;
        all.other += tally.other;
    }
    Ok(all)
}

fn csrf_in(page: &str) -> Option<String> {
    let at = page.find("name=\"csrf\" value=\"")? + 19;
    let end = page[at..].find('"')?;
    Some(page[at..at + end].to_owned())
}

fn report(backend: &str, label: &str, seconds: u64, mut all: Tally) {
    all.saved.sort();
    let at = |q: f64| {
        let i = ((all.saved.len().max(1) - 1) as f64 * q).round() as usize;
        all.saved.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let total = all.saved.len() as u64 + all.refused + all.unavailable + all.other;
    println!(
        "{backend}, {label}: {WRITERS} writers on one space for {seconds} s: {total} writes, \
         {} saved, {} refused (409), {} unavailable (503), {} other; saved latency p50 \
         {:.1} ms, p99 {:.1} ms, max {:.1} ms; {:.0} saved writes/s",
        all.saved.len(),
        all.refused,
        all.unavailable,
        all.other,
        at(0.5),
        at(0.99),
        at(1.0),
        all.saved.len() as f64 / seconds as f64,
    );
}
