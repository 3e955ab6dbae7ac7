//! Many writers on one space: `WRITERS` loops (half each partner) post questions to the same
//! space over HTTP for `CONTENTION_SECONDS` (default 30), on SQLite and, with
//! `GOLDSEAM_TEST_POSTGRES_URL` set, on PostgreSQL. Prints how many were saved, refused
//! (409, "many changes at once"), unavailable (503) or otherwise answered, and latency
//! percentiles of the saved ones. Issue 12's target: no refusals, p99 under 250 ms on SQLite.
//! Asserts nothing.
//!
//! Run: `cargo bench --bench contention` (add `GOLDSEAM_TEST_POSTGRES_URL=…` for both).

use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr as _;
use std::time::{Duration, Instant};

use goldseam::app::{App, Clock, LoginInput};
use goldseam::config::Settings;
use goldseam::store::Store;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

const WRITERS: usize = 16;

#[derive(Default)]
struct Tally {
    saved: Vec<Duration>,
    refused: u64,
    unavailable: u64,
    other: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds = std::env::var("CONTENTION_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir()?;
    let sqlite =
        Store::sqlite(SqliteConnectOptions::new().filename(dir.path().join("bench.db"))).await?;
    run("sqlite", sqlite, seconds).await?;
    if let Ok(url) = std::env::var("GOLDSEAM_TEST_POSTGRES_URL") {
        let admin = sqlx::PgPool::connect(&url).await?;
        let schema = format!("gs_bench_{}", std::process::id());
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await?;
        let options = PgConnectOptions::from_str(&url)?.options([("search_path", schema.as_str())]);
        let result = run("postgres", Store::postgres(options).await?, seconds).await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await?;
        result?;
    }
    Ok(())
}

async fn run(backend: &str, store: Store, seconds: u64) -> anyhow::Result<()> {
    store.migrate().await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let settings = Settings {
        base_url: base.clone(),
        ..Settings::default()
    };
    let app = App::new(store, settings, Clock::System)?;
    let demo = app.create_demo(1, 7).await?;
    let mut partners = Vec::new();
    for partner in [&demo.hurt, &demo.broke] {
        let token = app
            .log_in(LoginInput {
                email: &partner.email,
                password: &partner.passphrase,
                client: IpAddr::V4(Ipv4Addr::LOCALHOST),
                device: None,
            })
            .await?
            .token;
        let csrf = app
            .session(&token)
            .await?
            .map(|s| s.csrf)
            .ok_or_else(|| anyhow::anyhow!("no session"))?;
        partners.push((token, csrf));
    }
    let served = app.clone();
    tokio::spawn(goldseam::web::serve(
        listener,
        served,
        std::future::pending(),
    ));

    let url = format!("{base}/spaces/{}/questions", demo.space);
    let until = Instant::now() + Duration::from_secs(seconds);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let writers = (0..WRITERS).map(|w| {
        let (token, csrf) = partners[w % 2].clone();
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut n = 0;
            while Instant::now() < until {
                n += 1;
                let text = format!("Writer {w} asks question {n}: can we talk tonight?");
                let started = Instant::now();
                let answer = client
                    .post(&url)
                    .header("cookie", format!("goldseam_session={token}"))
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
    for writer in writers {
        let tally = writer.await?;
        all.saved.extend(tally.saved);
        all.refused += tally.refused;
        all.unavailable += tally.unavailable;
        all.other += tally.other;
    }
    all.saved.sort();
    let at = |q: f64| {
        let i = ((all.saved.len() as f64 - 1.0) * q).round() as usize;
        all.saved.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let total = all.saved.len() as u64 + all.refused + all.unavailable + all.other;
    println!(
        "{backend}: {WRITERS} writers on one space for {seconds} s: {total} writes, {} saved, \
         {} refused (409), {} unavailable (503), {} other; saved latency p50 {:.1} ms, \
         p99 {:.1} ms, max {:.1} ms; {:.0} saved writes/s",
        all.saved.len(),
        all.refused,
        all.unavailable,
        all.other,
        at(0.5),
        at(0.99),
        at(1.0),
        all.saved.len() as f64 / seconds as f64,
    );
    Ok(())
}
