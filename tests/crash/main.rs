//! The crash suite: the real `goldseam` binary, killed with SIGKILL at a random moment while
//! four to eight writers post to one space, then started again on the same data. After
//! every kill:
//!
//! - every write answered as saved (303 to where the form leads) is in the record, once;
//! - every write answered "nothing was saved" (503: too many at once, or storage) is not;
//! - no write gets any other answer (a 409, say, would be a valid write refused);
//! - a write cut off by the kill may or may not be there, but once the record has shown
//!   it (or not), it stays that way through every later kill;
//! - nothing is in the record that no writer sent;
//! - the export verifies, and its events are seq 1..=n;
//! - on SQLite, `PRAGMA integrity_check` says "ok" (on a copy taken while the server is
//!   down, so the server itself still recovers the WAL the kill left behind).
//!
//! `GOLDSEAM_CRASH_RUNS` sets the kill cycles per database (default 50);
//! `GOLDSEAM_CRASH_SEED` replays a run's choices (how many writers, when to kill; not the
//! machine's timing), printed at the start and in every failure. PostgreSQL runs when
//! `GOLDSEAM_TEST_POSTGRES_URL` is set, and must be set in CI. A failed run keeps its data
//! and the server's log (at `info`; `GOLDSEAM_CRASH_LOG` adds directives, such as
//! `tower_http=debug` for every request).

mod client;
mod server;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use client::Partner;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use reqwest::StatusCode;
use server::{Server, Storage};
use sqlx::Connection as _;
use tokio::sync::watch;

/// Kill cycles per database in an ordinary `cargo test`.
const DEFAULT_RUNS: usize = 50;

/// Cycles that write to one space before the next space begins: each check downloads the
/// current space's whole record, and this keeps that bounded however many runs there are.
const CYCLES_PER_SPACE: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_write_through_sigkill() {
    crash_suite(Database::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_write_through_sigkill() {
    if let Some(database) = Database::postgres().await {
        crash_suite(database).await;
    }
}

/// How many cycles, and the seed behind every random choice.
struct Plan {
    runs: usize,
    seed: u64,
}

impl Plan {
    fn from_env() -> Self {
        let number = |name: &str| {
            std::env::var(name).ok().map(|value| {
                value
                    .parse::<u64>()
                    .unwrap_or_else(|_| panic!("{name} must be a whole number, not {value:?}"))
            })
        };
        Self {
            runs: number("GOLDSEAM_CRASH_RUNS").map_or(DEFAULT_RUNS, |n| {
                usize::try_from(n).expect("a count that fits")
            }),
            seed: number("GOLDSEAM_CRASH_SEED").unwrap_or_else(rand::random),
        }
    }
}

/// One database under test: where its data, the server's log and scratch copies live.
struct Database {
    name: &'static str,
    storage: Storage,
    dir: tempfile::TempDir,
    /// PostgreSQL: a pool outside the server, and the schema the server writes to.
    postgres: Option<(sqlx::PgPool, String)>,
}

impl Database {
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        Self {
            name: "sqlite",
            // Not created yet: the first start is a first run.
            storage: Storage::Sqlite {
                data_dir: dir.path().join("data"),
            },
            dir,
            postgres: None,
        }
    }

    /// A fresh schema on the test PostgreSQL, if its URL is set. In CI a missing URL is a
    /// failure: the PostgreSQL suite must run there, not quietly skip.
    async fn postgres() -> Option<Self> {
        let Ok(url) = std::env::var("GOLDSEAM_TEST_POSTGRES_URL") else {
            assert!(
                !std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false"),
                "CI is set but GOLDSEAM_TEST_POSTGRES_URL is not: the PostgreSQL crash suite must run in CI"
            );
            eprintln!(
                "GOLDSEAM_TEST_POSTGRES_URL is not set; the PostgreSQL crash suite did not run"
            );
            return None;
        };
        let admin = sqlx::PgPool::connect(&url)
            .await
            .expect("the test PostgreSQL must be reachable");
        let schema = format!("gs_crash_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create a schema");
        let joiner = if url.contains('?') { '&' } else { '?' };
        Some(Self {
            name: "postgres",
            storage: Storage::Postgres {
                url: format!("{url}{joiner}options=-c%20search_path%3D{schema}"),
            },
            dir: tempfile::tempdir().expect("a temp dir"),
            postgres: Some((admin, schema)),
        })
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    async fn start(&self, first: bool) -> Server {
        // An empty PostgreSQL database is a new instance only when we say so.
        let init = first && self.postgres.is_some();
        Server::start(&self.storage, &self.log(), init).await
    }

    /// What can be checked while the server is down: SQLite's own integrity check.
    async fn check_while_down(&self, context: &str) {
        if let Storage::Sqlite { data_dir } = &self.storage {
            integrity_check(data_dir, self.dir.path(), context).await;
        }
    }

    /// Fails unless the set-up landed in this database (for PostgreSQL: in our schema,
    /// not in whatever the URL's search_path would otherwise be).
    async fn confirm_it_holds(&self, persons: i64) {
        if let Some((admin, schema)) = &self.postgres {
            let found: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.persons"))
                .fetch_one(admin)
                .await
                .expect("count persons in the schema");
            assert_eq!(
                found, persons,
                "the server did not write to schema {schema}"
            );
        }
    }

    async fn clean_up(self) {
        if let Some((admin, schema)) = &self.postgres {
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(admin)
                .await
                .expect("drop the schema");
            admin.close().await;
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // A failed run leaves its data and the server's log to look at.
        if std::thread::panicking() {
            self.dir.disable_cleanup(true);
            eprintln!(
                "crash suite ({}): data and server log kept in {}",
                self.name,
                self.dir.path().display()
            );
            if let Some((_, schema)) = &self.postgres {
                eprintln!(
                    "crash suite ({}): PostgreSQL schema {schema} kept",
                    self.name
                );
            }
        }
    }
}

/// `PRAGMA integrity_check` on a copy of the database and its WAL as the kill left them.
/// A copy, because opening the real file would recover and checkpoint its WAL here, and
/// the server's own recovery on the next start is part of what is under test.
async fn integrity_check(data_dir: &Path, scratch: &Path, context: &str) {
    let copy = scratch.join("check.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(scratch.join(format!("check.db{suffix}")));
    }
    std::fs::copy(data_dir.join("goldseam.db"), &copy).expect("copy the database");
    let wal = data_dir.join("goldseam.db-wal");
    if wal.exists() {
        std::fs::copy(&wal, scratch.join("check.db-wal")).expect("copy the WAL");
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&copy);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("open the copied database");
    let verdict: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .expect("run integrity_check");
    let _ = conn.close().await;
    assert_eq!(verdict, ["ok"], "{context}: SQLite's integrity check fails");
}

/// The two partners, each with a session that outlives every kill.
struct Couple {
    sam: Partner,
    alex: Partner,
}

impl Couple {
    async fn sign_up(base: &str) -> Self {
        Self {
            sam: Partner::sign_up(base, "Sam").await,
            alex: Partner::sign_up(base, "Alex").await,
        }
    }

    /// A new space that Sam creates and Alex joins through the invite link; its id.
    async fn new_space(&self, number: usize) -> String {
        let space = self.sam.create_space(&format!("Crash {number}")).await;
        let invite = self.sam.invite_path(&space).await;
        let joined = self.alex.post(&invite, &[]).await.expect("join");
        assert_eq!(
            (joined.status, joined.location.as_str()),
            (StatusCode::SEE_OTHER, format!("/spaces/{space}").as_str()),
            "Alex joins: {}",
            joined.body
        );
        space
    }

    fn reconnect(&mut self, base: &str) {
        self.sam.reconnect(base);
        self.alex.reconnect(base);
    }

    /// Writers take turns being Sam and Alex.
    fn writer(&self, number: usize) -> Partner {
        if number.is_multiple_of(2) {
            self.sam.clone()
        } else {
            self.alex.clone()
        }
    }
}

/// How the server answered one write.
#[derive(Debug)]
enum Answer {
    /// 303 to where the form leads: the write is acknowledged.
    Saved,
    /// 503: the server said nothing was saved. `busy` if because too many changes arrived
    /// at once (or the kill cut the page off before saying why).
    Refused { busy: bool },
    /// The connection broke after the request went out: the kill came first.
    InFlight,
    /// Anything else, which this suite does not expect from the server.
    Unexpected(String),
}

/// Every write to one space, by what must be true of it.
struct Ledger {
    space: String,
    /// Acknowledged, or shown in the record after a kill: must be there.
    present: Vec<String>,
    /// Refused, or cut off and then not in the record: must not be there.
    absent: Vec<String>,
    /// Cut off by this cycle's kill: settled by the next check.
    in_flight: Vec<String>,
}

impl Ledger {
    fn new(space: String) -> Self {
        Self {
            space,
            present: Vec::new(),
            absent: Vec::new(),
            in_flight: Vec::new(),
        }
    }

    /// Files the writes cut off by the kill by what the record now says of them; returns
    /// how many of them it kept.
    fn settle(&mut self, recorded: &HashSet<String>) -> usize {
        let (kept, not_kept): (Vec<String>, Vec<String>) = self
            .in_flight
            .drain(..)
            .partition(|text| recorded.contains(text));
        let count = kept.len();
        self.present.extend(kept);
        self.absent.extend(not_kept);
        count
    }
}

#[derive(Debug, Default)]
struct Totals {
    cycles: usize,
    writers: usize,
    saved: usize,
    busy: usize,
    unavailable: usize,
    in_flight: usize,
    in_flight_kept: usize,
    events: usize,
}

async fn crash_suite(database: Database) {
    let plan = Plan::from_env();
    let name = database.name;
    let replay = format!(
        "replay with GOLDSEAM_CRASH_SEED={} GOLDSEAM_CRASH_RUNS={} cargo test --test crash {name}",
        plan.seed, plan.runs
    );
    eprintln!(
        "crash suite ({name}): {} kill cycles, seed {}; {replay}",
        plan.runs, plan.seed
    );
    let began = Instant::now();
    let mut rng = StdRng::seed_from_u64(plan.seed);

    let mut server = database.start(true).await;
    let mut couple = Couple::sign_up(&server.base).await;
    database.confirm_it_holds(2).await;
    let mut ledgers = vec![Ledger::new(couple.new_space(1).await)];
    let mut totals = Totals::default();

    for cycle in 1..=plan.runs {
        let context = format!(
            "{name}, cycle {cycle} of {}, seed {} ({replay})",
            plan.runs, plan.seed
        );
        if cycle > 1 && (cycle - 1).is_multiple_of(CYCLES_PER_SPACE) {
            let space = couple.new_space(ledgers.len() + 1).await;
            ledgers.push(Ledger::new(space));
        }
        let ledger = ledgers.last_mut().expect("a space");
        write_until_killed(
            server,
            &couple,
            ledger,
            cycle,
            &mut rng,
            &mut totals,
            &context,
        )
        .await;
        database.check_while_down(&context).await;

        server = database.start(false).await;
        couple.reconnect(&server.base);
        let record = check(&couple.sam, ledger, &context).await;
        totals.in_flight_kept += ledger.settle(&record.texts);
        totals.cycles += 1;
    }

    // After the last kill, every space still holds everything it acknowledged.
    totals.events = 0;
    for ledger in &ledgers {
        let at_the_end = format!("{name}, at the end ({replay})");
        totals.events += check(&couple.alex, ledger, &at_the_end).await.events;
    }
    drop(server);
    eprintln!(
        "crash suite ({name}): {} kill cycles with {} writers in {} spaces in {:.1} s: \
         {} acknowledged writes all present; {} answered 503 as too many at once and {} as \
         unavailable, all absent; {} cut off by the kill ({} kept); {} events verify, seq \
         without gap",
        totals.cycles,
        totals.writers,
        ledgers.len(),
        began.elapsed().as_secs_f64(),
        totals.saved,
        totals.busy,
        totals.unavailable,
        totals.in_flight,
        totals.in_flight_kept,
        totals.events,
    );
    database.clean_up().await;
}

/// Progress of one cycle's writers, for choosing when to kill.
#[derive(Debug, Clone, Copy)]
struct Progress {
    answered: usize,
    writing: usize,
}

/// Starts the writers, kills the server once `kill_after` writes were answered and a few
/// microseconds more have passed (both drawn from the seed), and files every answer.
async fn write_until_killed(
    server: Server,
    couple: &Couple,
    ledger: &mut Ledger,
    cycle: usize,
    rng: &mut StdRng,
    totals: &mut Totals,
    context: &str,
) {
    let writers = rng.gen_range(4..=8);
    let kill_after = rng.gen_range(0..=40);
    let then = Duration::from_micros(rng.gen_range(0..5_000));
    let (progress, mut watching) = watch::channel(Progress {
        answered: 0,
        writing: writers,
    });
    let progress = Arc::new(progress);
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            tokio::spawn(write(
                couple.writer(w),
                ledger.space.clone(),
                format!("crash c{cycle} w{w}"),
                progress.clone(),
            ))
        })
        .collect();
    watching
        .wait_for(|p| p.answered >= kill_after || p.writing == 0)
        .await
        .expect("the writers' progress");
    tokio::time::sleep(then).await;
    server.kill();

    totals.writers += writers;
    let mut unexpected = Vec::new();
    for task in tasks {
        for (text, answer) in task.await.expect("a writer finishes") {
            match answer {
                Answer::Saved => {
                    totals.saved += 1;
                    ledger.present.push(text);
                }
                Answer::Refused { busy } => {
                    if busy {
                        totals.busy += 1;
                    } else {
                        totals.unavailable += 1;
                    }
                    ledger.absent.push(text);
                }
                Answer::InFlight => {
                    totals.in_flight += 1;
                    ledger.in_flight.push(text);
                }
                Answer::Unexpected(what) => unexpected.push(format!("{text}: {what}")),
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "{context}: writes got answers this suite does not expect:\n{}",
        unexpected.join("\n")
    );
}

/// One writer: posts ideas for time together and shared goals, each with a text no other
/// write has, until the server stops answering.
async fn write(
    partner: Partner,
    space: String,
    tag: String,
    progress: Arc<watch::Sender<Progress>>,
) -> Vec<(String, Answer)> {
    let mut answers = Vec::new();
    for n in 0.. {
        let text = format!("{tag} n{n}");
        let (path, lands) = if n % 2 == 0 {
            ("together/ideas", "together#time")
        } else {
            ("together/goals", "together#goals")
        };
        let sent = partner
            .post(&format!("/spaces/{space}/{path}"), &[("text", &text)])
            .await;
        let answer = match sent {
            Ok(page)
                if page.status == StatusCode::SEE_OTHER
                    && page.location == format!("/spaces/{space}/{lands}") =>
            {
                Answer::Saved
            }
            Ok(page) if page.status == StatusCode::SERVICE_UNAVAILABLE => Answer::Refused {
                busy: page.body.contains("Many changes arrived at once")
                    || !page.body.contains("</main>"),
            },
            Ok(page) => Answer::Unexpected(format!(
                "{} {:?}: {}",
                page.status,
                page.location,
                what_it_says(&page.body)
            )),
            // Nothing reached the server: it is gone, and there is nothing to check.
            Err(err) if err.is_connect() => break,
            Err(err) if err.is_timeout() => Answer::Unexpected(format!("no answer: {err}")),
            Err(_) => Answer::InFlight,
        };
        let answered = matches!(answer, Answer::Saved | Answer::Refused { .. });
        answers.push((text, answer));
        if !answered {
            break;
        }
        progress.send_modify(|p| p.answered += 1);
    }
    progress.send_modify(|p| p.writing -= 1);
    answers
}

/// The words of a page's main part, for failure messages.
fn what_it_says(body: &str) -> String {
    let main = body.find("<main").map_or(body, |at| &body[at..]);
    let mut words = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                words.push(' ');
            }
            c if !in_tag => words.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = words.split_whitespace().collect();
    words
        .join(" ")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
        .chars()
        .take(400)
        .collect()
}

/// What a checked record holds.
struct Record {
    events: usize,
    /// The texts of the writers' events (each once).
    texts: HashSet<String>,
}

/// Downloads the space's export as a partner would and checks it against the ledger.
async fn check(reader: &Partner, ledger: &Ledger, context: &str) -> Record {
    let page = reader
        .get(&format!("/spaces/{}/export", ledger.space))
        .await
        .unwrap_or_else(|err| panic!("{context}: downloading the export: {err}"));
    assert_eq!(
        page.status,
        StatusCode::OK,
        "{context}: the export answered {} {:?}: {}",
        page.status,
        page.location,
        what_it_says(&page.body)
    );
    if let Err(err) = goldseam::export::verify(&page.body) {
        panic!("{context}: the export does not verify: {err}");
    }
    let export: goldseam::export::Export =
        serde_json::from_str(&page.body).expect("an export that verifies parses");
    for (expected, event) in (1_u64..).zip(&export.events) {
        assert_eq!(
            event.seq, expected,
            "{context}: seq {expected} is missing or repeated in the record"
        );
    }

    let mut recorded: HashMap<String, usize> = HashMap::new();
    for event in &export.events {
        if matches!(event.kind.as_str(), "idea.added" | "goal.set") {
            let body: serde_json::Value = event
                .body
                .as_deref()
                .and_then(|body| serde_json::from_str(body).ok())
                .unwrap_or_else(|| panic!("{context}: seq {} has no readable body", event.seq));
            let text = body["text"].as_str().unwrap_or_default().to_owned();
            *recorded.entry(text).or_default() += 1;
        }
    }
    let twice: Vec<&String> = recorded
        .iter()
        .filter(|(_, times)| **times > 1)
        .map(|(text, _)| text)
        .collect();
    assert!(
        twice.is_empty(),
        "{context}: recorded more than once: {twice:?}"
    );
    let lost: Vec<&String> = ledger
        .present
        .iter()
        .filter(|text| !recorded.contains_key(*text))
        .collect();
    assert!(
        lost.is_empty(),
        "{context}: {} of {} acknowledged writes are missing from the record: {lost:?}",
        lost.len(),
        ledger.present.len()
    );
    let appeared: Vec<&String> = ledger
        .absent
        .iter()
        .filter(|text| recorded.contains_key(*text))
        .collect();
    assert!(
        appeared.is_empty(),
        "{context}: refused (\"nothing was saved\") or absent after an earlier kill, yet recorded: {appeared:?}"
    );
    let sent: HashSet<&String> = ledger
        .present
        .iter()
        .chain(&ledger.absent)
        .chain(&ledger.in_flight)
        .collect();
    let unsent: Vec<&String> = recorded
        .keys()
        .filter(|text| !sent.contains(text))
        .collect();
    assert!(
        unsent.is_empty(),
        "{context}: recorded but never sent: {unsent:?}"
    );
    Record {
        events: export.events.len(),
        texts: recorded.into_keys().collect(),
    }
}
