//! Capacity: how many active couples one machine serves before p99 passes 200 ms, on SQLite
//! and on PostgreSQL, with one or several `goldseam` processes on one database.
//!
//! Before the load, `--max-couples` couples (by default the ladder's last step) are written
//! straight through the library: two accounts each (one argon2 hash shared by all, since no
//! one here logs in with a password), a session row for each partner made the way log-in
//! makes one, and the first `--history` events of a generated one-year demo story as the
//! space's record. Then `--instances` real `goldseam` processes (the release binary) are
//! started on that database and this process drives them over loopback with keep-alive
//! HTTP, each request going to the next instance in turn, so a write on one is read back on
//! another.
//!
//! Each active couple's two partners act on their own, with a think time of `--think-ms`
//! on average (half to one and a half times it) between requests: mostly page views (the
//! space's home, the record, breaches, check-ins, questions, promises, time together), and
//! about one request in seven a write, each taken from a real form with its CSRF token:
//! asking and answering questions, a daily appreciation, a check-in, a promise report. A
//! write whose form is not on the page (a check-in already sent, no promise due, the day's
//! appreciations used up) becomes a question instead, so every write is one the app takes.
//!
//! The number of active couples steps up (`--steps`); each step runs `--warm-secs` unmeasured
//! and then `--step-secs` measured, and prints requests per second, p50 and p99 (all
//! requests, GETs, POSTs), errors (anything but 2xx/3xx) and 5xx. The ladder stops after the
//! first step whose p99 passes `--p99-limit-ms`. At the end the servers are stopped and
//! every space's chain is verified (`goldseam::ops::check_database`); the events added are
//! compared with the writes answered as saved. Markdown tables, ready to paste into
//! docs/performance.md. Asserts nothing; the exit code is 1 only if a chain fails to verify.
//!
//! Run: `cargo bench --bench capacity -- --db sqlite`, or
//! `cargo bench --bench capacity -- --db postgres --instances 3` (PostgreSQL from
//! `--postgres-url`, else `GOLDSEAM_TEST_POSTGRES_URL`, else
//! `postgres://postgres@127.0.0.1:5432/test`; a fresh schema each run).

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use goldseam::app::{random_token, token_hash};
use goldseam::config::{DatabaseUrl, StorageArgs};
use goldseam::demo::{self, Cast};
use goldseam::domain::{PersonId, SpaceId};
use goldseam::store::{Creating, Effect, NewPerson, SessionRow, Store};
use rand::{Rng as _, SeedableRng as _};

/// Events per append while preparing, as the demo writes them.
const BATCH: usize = 500;
/// The ladder's steps when none are given.
const STEPS: &[usize] = &[10, 25, 50, 100, 200, 400, 800];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Db {
    Sqlite,
    Postgres,
}

#[derive(Debug)]
struct Args {
    db: Db,
    instances: usize,
    steps: Vec<usize>,
    max_couples: usize,
    warm_secs: u64,
    step_secs: u64,
    think_ms: u64,
    history: usize,
    p99_limit_ms: f64,
    postgres_url: String,
}

impl Args {
    fn parse() -> anyhow::Result<Self> {
        let mut args = Self {
            db: Db::Sqlite,
            instances: 1,
            steps: STEPS.to_vec(),
            max_couples: 0,
            warm_secs: 5,
            step_secs: 20,
            think_ms: 2_000,
            history: 400,
            p99_limit_ms: 200.0,
            postgres_url: std::env::var("GOLDSEAM_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned()),
        };
        let mut given = std::env::args().skip(1);
        while let Some(flag) = given.next() {
            // `cargo bench` passes `--bench` to every bench binary.
            if flag == "--bench" {
                continue;
            }
            let value = given
                .next()
                .with_context(|| format!("{flag} needs a value"))?;
            let number = || -> anyhow::Result<u64> {
                value
                    .parse()
                    .with_context(|| format!("{flag} takes a number, not {value:?}"))
            };
            match flag.as_str() {
                "--db" => {
                    args.db = match value.as_str() {
                        "sqlite" => Db::Sqlite,
                        "postgres" => Db::Postgres,
                        _ => bail!("--db is sqlite or postgres"),
                    }
                }
                "--instances" => args.instances = usize::try_from(number()?)?,
                "--steps" => {
                    args.steps = value
                        .split(',')
                        .map(|s| s.trim().parse::<usize>())
                        .collect::<Result<_, _>>()
                        .context("--steps takes numbers separated by commas")?;
                }
                "--max-couples" => args.max_couples = usize::try_from(number()?)?,
                "--warm-secs" => args.warm_secs = number()?,
                "--step-secs" => args.step_secs = number()?,
                "--think-ms" => args.think_ms = number()?,
                "--history" => args.history = usize::try_from(number()?)?,
                "--p99-limit-ms" => args.p99_limit_ms = number()? as f64,
                "--postgres-url" => args.postgres_url = value,
                _ => bail!(
                    "unknown flag {flag}; flags: --db sqlite|postgres, --instances N, --steps A,B,C, \
                     --max-couples N, --warm-secs S, --step-secs S, --think-ms MS, --history EVENTS, \
                     --p99-limit-ms MS, --postgres-url URL"
                ),
            }
        }
        if args.instances == 0 || args.steps.is_empty() || args.steps.contains(&0) {
            bail!("--instances and every step must be at least 1");
        }
        if args.db == Db::Sqlite && args.instances > 1 {
            bail!("several instances share only a PostgreSQL database; use --db postgres");
        }
        if args.max_couples == 0 {
            args.max_couples = args.steps.iter().copied().max().unwrap_or(1);
        }
        args.steps.retain(|&s| s <= args.max_couples);
        Ok(args)
    }
}

/// One partner as the load sees them: the cookie of their session.
struct Partner {
    cookie: String,
}

/// A prepared couple: their space, the two partners (the hurt one first), and the
/// questions each has asked that the other has not answered yet.
struct Couple {
    space: SpaceId,
    /// Events of history written before the load.
    history: u64,
    partners: [Partner; 2],
    open_questions: [Mutex<Vec<String>>; 2],
}

/// A `goldseam` process, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Asks the process to stop as an operator would (SIGTERM), and waits for it.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    /// User and system CPU seconds the process has used so far (Linux), to show how the
    /// work spreads over the instances.
    fn cpu_secs(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 =
            fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Get,
    Post,
}

/// One answered (or failed) request of a measured window.
struct Sample {
    kind: Kind,
    micros: u64,
    /// The HTTP status; 0 when no answer came.
    status: u16,
    instance: usize,
}

/// What every partner's loop shares: the client, where the servers are, and what was seen.
struct Load {
    client: reqwest::Client,
    bases: Vec<String>,
    next: AtomicUsize,
    measuring: AtomicBool,
    stop: AtomicBool,
    samples: Mutex<Vec<Sample>>,
    /// Writes answered as saved (303) over the whole run, measured or not.
    saved: AtomicU64,
    think: Duration,
}

/// The mix, in parts of 100: what a partner does after each think.
#[derive(Clone, Copy, Debug)]
enum Action {
    Home,
    Record,
    Breaches,
    CheckIns,
    Questions,
    Together,
    Promises,
    Question,
    Appreciation,
    CheckIn,
    PromiseReport,
}

const MIX: &[(Action, u32)] = &[
    (Action::Home, 40),
    (Action::Record, 10),
    (Action::Breaches, 8),
    (Action::CheckIns, 6),
    (Action::Questions, 6),
    (Action::Together, 6),
    (Action::Promises, 5),
    (Action::Question, 8),
    (Action::Appreciation, 4),
    (Action::CheckIn, 4),
    (Action::PromiseReport, 3),
];

fn pick(rng: &mut impl rand::Rng) -> Action {
    let total: u32 = MIX.iter().map(|(_, w)| w).sum();
    let mut at = rng.gen_range(0..total);
    for &(action, weight) in MIX {
        if at < weight {
            return action;
        }
        at -= weight;
    }
    Action::Home
}

/// An answer as the partner's loop needs it.
struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Load {
    /// Sends one request to the next instance in turn and, while measuring, notes it.
    async fn send(&self, cookie: &str, path: &str, form: Option<&[(&str, &str)]>) -> Answer {
        let instance = self.next.fetch_add(1, Ordering::Relaxed) % self.bases.len();
        let url = format!("{}{path}", self.bases[instance]);
        let kind = if form.is_some() {
            Kind::Post
        } else {
            Kind::Get
        };
        let started = Instant::now();
        let request = match form {
            Some(form) => self.client.post(&url).form(form),
            None => self.client.get(&url),
        };
        let answer = match request.header("cookie", cookie).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_owned);
                match response.text().await {
                    Ok(body) => Answer {
                        status,
                        location,
                        body,
                    },
                    Err(_) => Answer {
                        status: 0,
                        location: None,
                        body: String::new(),
                    },
                }
            }
            Err(_) => Answer {
                status: 0,
                location: None,
                body: String::new(),
            },
        };
        if kind == Kind::Post && answer.status == 303 {
            self.saved.fetch_add(1, Ordering::Relaxed);
        }
        if self.measuring.load(Ordering::Relaxed)
            && let Ok(mut samples) = self.samples.lock()
        {
            samples.push(Sample {
                kind,
                micros: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                status: answer.status,
                instance,
            });
        }
        answer
    }
}

/// The value of the first `name="csrf"` field on a page.
fn csrf_in(page: &str) -> Option<String> {
    value_after(page, "name=\"csrf\" value=\"")
}

/// The text from just after `marker` to the next double quote.
fn value_after(page: &str, marker: &str) -> Option<String> {
    let at = page.find(marker)? + marker.len();
    let end = page[at..].find('"')?;
    Some(page[at..at + end].to_owned())
}

/// The first form on `page` whose action starts with `action_prefix` and holds `needle`:
/// its action and its hidden fields.
fn form_on(
    page: &str,
    action_prefix: &str,
    needle: &str,
) -> Option<(String, Vec<(String, String)>)> {
    let marker = format!("<form method=\"post\" action=\"{action_prefix}");
    let mut rest = page;
    while let Some(at) = rest.find(&marker) {
        let form = &rest[at..];
        let end = form.find("</form>").unwrap_or(form.len());
        let form = &form[..end];
        if form.contains(needle) {
            let action = value_after(form, "action=\"")?;
            let mut hidden = Vec::new();
            let mut inputs = form;
            while let Some(i) = inputs.find("<input type=\"hidden\" name=\"") {
                let input = &inputs[i..];
                if let (Some(name), Some(value)) = (
                    value_after(input, "name=\""),
                    value_after(input, "value=\""),
                ) {
                    hidden.push((name, value));
                }
                inputs = &input[1..];
            }
            return Some((action, hidden));
        }
        rest = &rest[at + marker.len()..];
    }
    None
}

/// One partner's loop until the load stops: think, act, repeat.
async fn partner_loop(load: Arc<Load>, couple: Arc<Couple>, me: usize) {
    let mut rng = rand::rngs::StdRng::from_entropy();
    let space = couple.space;
    let cookie = couple.partners[me].cookie.clone();
    let home = format!("/spaces/{space}");
    let mut csrf: Option<String> = None;
    let mut appreciations = 0;
    let mut n = 0u64;
    // Start spread over one think, so the partners do not move in step.
    let first = rng.gen_range(0..=load.think.as_millis().max(1) as u64);
    tokio::time::sleep(Duration::from_millis(first)).await;
    while !load.stop.load(Ordering::Relaxed) {
        n += 1;
        let action = if csrf.is_none() {
            Action::Home
        } else {
            pick(&mut rng)
        };
        let read = |path: String| {
            let (load, cookie) = (load.clone(), cookie.clone());
            async move { load.send(&cookie, &path, None).await }
        };
        let page_of = match action {
            Action::Home => Some(home.clone()),
            Action::Record => Some(format!("{home}/record")),
            Action::Breaches => Some(format!("{home}/breaches")),
            Action::CheckIns => Some(format!("{home}/checkins")),
            Action::Questions => Some(format!("{home}/questions")),
            Action::Together => Some(format!("{home}/together")),
            Action::Promises => Some(format!("{home}/promises")),
            _ => None,
        };
        if let Some(path) = page_of {
            let answer = read(path).await;
            if let Some(token) = csrf_in(&answer.body) {
                csrf = Some(token);
            }
        } else if let Some(token) = csrf.clone() {
            // A write: from its form when the form is there, else a question.
            let mut written = false;
            match action {
                Action::Appreciation if appreciations < 3 => {
                    appreciations += 1;
                    let text = format!("Thank you for the walk this evening ({n}).");
                    load.send(
                        &cookie,
                        &format!("{home}/together/appreciations"),
                        Some(&[("csrf", &token), ("text", &text)]),
                    )
                    .await;
                    written = true;
                }
                Action::CheckIn => {
                    let page = read(format!("{home}/checkins")).await;
                    if let Some((action, hidden)) =
                        form_on(&page.body, &format!("{home}/checkins/answer"), "")
                        && let Some((_, period)) = hidden.iter().find(|(k, _)| k == "period")
                    {
                        let (p, d, f) = (
                            rng.gen_range(3..9).to_string(),
                            rng.gen_range(3..9).to_string(),
                            rng.gen_range(3..9).to_string(),
                        );
                        load.send(
                            &cookie,
                            &action,
                            Some(&[
                                ("csrf", &token),
                                ("period", period),
                                ("predictability", &p),
                                ("dependability", &d),
                                ("faith", &f),
                                ("feeling_hope", "3"),
                                ("helped", "Talking on Sunday helped."),
                                ("hurt", ""),
                                ("need", ""),
                            ]),
                        )
                        .await;
                        written = true;
                    }
                }
                Action::PromiseReport => {
                    let list = read(format!("{home}/promises")).await;
                    let marker = format!("href=\"{home}/promises/");
                    // The promises listed, the first few of them looked at in turn until one
                    // has an occurrence of this partner's to report.
                    let ids: Vec<String> = list
                        .body
                        .match_indices(&marker)
                        .filter_map(|(at, _)| value_after(&list.body[at..], &marker))
                        .take(4)
                        .collect();
                    for id in ids {
                        let page = read(format!("{home}/promises/{id}")).await;
                        if let Some((action, hidden)) =
                            form_on(&page.body, &format!("{home}/promises/"), "value=\"report\"")
                            && let Some((_, on)) = hidden.iter().find(|(k, _)| k == "on")
                        {
                            load.send(
                                &cookie,
                                &action,
                                Some(&[
                                    ("csrf", &token),
                                    ("on", on),
                                    ("action", "report"),
                                    ("outcome", "kept"),
                                    ("note", ""),
                                ]),
                            )
                            .await;
                            written = true;
                            break;
                        }
                    }
                }
                _ => {}
            }
            if !written {
                // Answer the other's oldest open question, or ask one.
                let waiting = couple.open_questions[1 - me]
                    .lock()
                    .ok()
                    .and_then(|mut q| (!q.is_empty()).then(|| q.remove(0)));
                match waiting {
                    Some(question) => {
                        let text =
                            format!("I was afraid of losing you, and I chose to hide it ({n}).");
                        load.send(
                            &cookie,
                            &format!("{home}/questions/{question}/answer"),
                            Some(&[("csrf", &token), ("text", &text), ("action", "send_anyway")]),
                        )
                        .await;
                    }
                    None => {
                        let text = format!("What did you need from me that week ({n})?");
                        let answer = load
                            .send(
                                &cookie,
                                &format!("{home}/questions"),
                                Some(&[("csrf", &token), ("text", &text)]),
                            )
                            .await;
                        let prefix = format!("{home}/questions/");
                        if let Some(question) = answer
                            .location
                            .as_deref()
                            .and_then(|l| l.strip_prefix(&prefix))
                            && let Ok(mut open) = couple.open_questions[me].lock()
                        {
                            open.push(question.to_owned());
                        }
                    }
                }
            }
        }
        let mean = load.think.as_millis() as u64;
        let think = rng.gen_range(mean / 2..=mean + mean / 2);
        tokio::time::sleep(Duration::from_millis(think)).await;
    }
}

/// What one step measured.
struct Step {
    couples: usize,
    secs: f64,
    requests: usize,
    p50: f64,
    p99: f64,
    get_p99: f64,
    post_p99: f64,
    posts: usize,
    errors: usize,
    server_errors: usize,
    by_instance: Vec<usize>,
    /// How many answers had each status that is not 2xx or 3xx (0: no answer).
    failed: BTreeMap<u16, usize>,
    cpu_by_instance: Vec<f64>,
}

fn percentile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

async fn run_step(
    load: &Arc<Load>,
    couples: &[Arc<Couple>],
    servers: &[Server],
    args: &Args,
    active: usize,
) -> anyhow::Result<Step> {
    load.stop.store(false, Ordering::Relaxed);
    load.measuring.store(false, Ordering::Relaxed);
    let mut loops = Vec::new();
    for couple in &couples[..active] {
        for me in 0..2 {
            loops.push(tokio::spawn(partner_loop(load.clone(), couple.clone(), me)));
        }
    }
    tokio::time::sleep(Duration::from_secs(args.warm_secs)).await;
    if let Ok(mut samples) = load.samples.lock() {
        samples.clear();
    }
    let cpu_before: Vec<f64> = servers
        .iter()
        .map(|s| s.cpu_secs().unwrap_or(0.0))
        .collect();
    let started = Instant::now();
    load.measuring.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(args.step_secs)).await;
    load.measuring.store(false, Ordering::Relaxed);
    let secs = started.elapsed().as_secs_f64();
    let cpu_by_instance = servers
        .iter()
        .zip(&cpu_before)
        .map(|(s, before)| s.cpu_secs().unwrap_or(0.0) - before)
        .collect();
    load.stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.await.context("a partner's loop")?;
    }
    let samples = std::mem::take(
        &mut *load
            .samples
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?,
    );
    let sorted = |keep: &dyn Fn(&Sample) -> bool| {
        let mut v: Vec<u64> = samples
            .iter()
            .filter(|s| keep(s))
            .map(|s| s.micros)
            .collect();
        v.sort_unstable();
        v
    };
    let all = sorted(&|_| true);
    let gets = sorted(&|s| s.kind == Kind::Get);
    let posts = sorted(&|s| s.kind == Kind::Post);
    let mut by_instance = vec![0; servers.len()];
    let mut failed = BTreeMap::new();
    for s in &samples {
        by_instance[s.instance] += 1;
        if !(200..400).contains(&s.status) {
            *failed.entry(s.status).or_insert(0) += 1;
        }
    }
    Ok(Step {
        couples: active,
        secs,
        requests: samples.len(),
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
        get_p99: percentile(&gets, 0.99),
        post_p99: percentile(&posts, 0.99),
        posts: posts.len(),
        errors: samples
            .iter()
            .filter(|s| !(200..400).contains(&s.status))
            .count(),
        server_errors: samples.iter().filter(|s| s.status >= 500).count(),
        by_instance,
        failed,
        cpu_by_instance,
    })
}

/// A new schema on the PostgreSQL at `url`, as a URL the binary takes.
async fn fresh_schema(url: &str) -> anyhow::Result<String> {
    let admin = sqlx::PgPool::connect(url)
        .await
        .with_context(|| "connecting to PostgreSQL (see --postgres-url)")?;
    let schema = format!("gs_capacity_{}", SpaceId::random().as_u128());
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await?;
    admin.close().await;
    let joiner = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{joiner}options=-c%20search_path%3D{schema}"))
}

/// Writes `count` couples, as described at the top.
async fn prepare(
    store: &Store,
    count: usize,
    history: usize,
) -> anyhow::Result<(Vec<Arc<Couple>>, usize)> {
    let salt = argon2::password_hash::SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let password_hash = argon2::PasswordHasher::hash_password(
        &argon2::Argon2::default(),
        b"capacity bench, never used to log in",
        &salt,
    )
    .map_err(|e| anyhow::anyhow!("hashing: {e}"))?
    .to_string();
    let now_us = goldseam::app::Clock::System.now_us();
    let now = now_us.div_euclid(1_000_000);
    let mut couples = Vec::with_capacity(count);
    let mut events_written = 0;
    // Two stories generated at a time, on blocking threads, while the last is written.
    let generate = |i: usize| {
        let cast = Cast {
            space: SpaceId::random(),
            hurt: PersonId::random(),
            broke: PersonId::random(),
        };
        tokio::task::spawn_blocking(move || {
            demo::generate_for(cast, 1, i as u64, now_us).map(|d| (cast, d))
        })
    };
    let mut pending = std::collections::VecDeque::new();
    for i in 0..count.min(2) {
        pending.push_back(generate(i));
    }
    for i in 0..count {
        let (cast, story) = pending
            .pop_front()
            .context("a story")?
            .await
            .context("story task")?
            .context("generating a story")?;
        if i + 2 < count {
            pending.push_back(generate(i + 2));
        }
        let mut partners = Vec::new();
        for (person, name) in [(cast.hurt, demo::HURT_NAME), (cast.broke, demo::BROKE_NAME)] {
            let token = random_token();
            let email = format!("{}.capacity-{i}@example.invalid", name.to_lowercase());
            let account = NewPerson {
                id: person,
                email_norm: email.clone(),
                email,
                display_name: name.to_owned(),
                password_hash: password_hash.clone(),
                created_at: now,
                time_zone: demo::TIME_ZONE.to_owned(),
            };
            let session = SessionRow {
                id_hash: token_hash(&token),
                person_id: person.to_string(),
                csrf: random_token(),
                created_at: now,
                last_seen_at: now,
                flash: None,
                time_zone: String::new(),
                exit_to: String::new(),
                data_key: None,
            };
            store
                .insert_account(&account, &session, &token_hash(&random_token()))
                .await
                .context("writing an account")?;
            partners.push(Partner {
                cookie: format!("{}={token}", goldseam::web::SESSION_COOKIE),
            });
        }
        let events = &story.events[..history.clamp(1, story.events.len())];
        let secs = |us: i64| us.div_euclid(1_000_000);
        let created_at = events.first().map_or(now, |e| secs(e.at_us));
        let joined_at = events
            .iter()
            .find(|e| e.kind == "partner.joined")
            .map_or(created_at, |e| secs(e.at_us));
        let mut head = (0, goldseam::domain::record::GENESIS_PREV);
        for (b, batch) in events.chunks(BATCH).enumerate() {
            let effects = if b == 0 {
                vec![
                    Effect::CreateSpace { created_at },
                    Effect::AddMember {
                        person: cast.hurt,
                        joined_at: created_at,
                    },
                    Effect::AddMember {
                        person: cast.broke,
                        joined_at,
                    },
                ]
            } else {
                Vec::new()
            };
            store
                .append(cast.space, head, batch, &effects)
                .await
                .context("writing a record")?;
            if let Some(last) = batch.last() {
                head = (last.seq, last.hash);
            }
        }
        events_written += events.len();
        let [hurt, broke]: [Partner; 2] = partners
            .try_into()
            .map_err(|_| anyhow::anyhow!("two partners"))?;
        couples.push(Arc::new(Couple {
            space: cast.space,
            history: events.len() as u64,
            partners: [hurt, broke],
            open_questions: [Mutex::new(Vec::new()), Mutex::new(Vec::new())],
        }));
    }
    Ok((couples, events_written))
}

async fn start_servers(
    args: &Args,
    storage: &[String],
    logs: &std::path::Path,
) -> anyhow::Result<Vec<Server>> {
    let mut servers = Vec::new();
    for i in 0..args.instances {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = std::fs::File::create(logs.join(format!("instance-{i}.log")))?;
        let child = Command::new(env!("CARGO_BIN_EXE_goldseam"))
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .args(storage)
            .env("GOLDSEAM_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .context("starting goldseam")?;
        servers.push(Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        });
    }
    let probe = reqwest::Client::new();
    for server in &mut servers {
        let mut ready = false;
        for _ in 0..1200 {
            if let Ok(r) = probe.get(format!("{}/readyz", server.base)).send().await
                && r.status() == 200
            {
                ready = true;
                break;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                bail!(
                    "an instance exited at start ({status}); see its log in {}",
                    logs.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if !ready {
            bail!("an instance did not answer /readyz within a minute");
        }
    }
    Ok(servers)
}

fn ms(v: f64) -> String {
    format!("{v:.1}")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse()?;
    let dir = tempfile::tempdir()?;
    let (storage_args, storage) = match args.db {
        Db::Sqlite => {
            let data = dir.path().join("data");
            (
                StorageArgs {
                    data_dir: data.clone(),
                    database_url: None,
                },
                vec!["--data-dir".to_owned(), data.display().to_string()],
            )
        }
        Db::Postgres => {
            let url = fresh_schema(&args.postgres_url).await?;
            (
                StorageArgs {
                    data_dir: dir.path().join("unused"),
                    database_url: Some(DatabaseUrl(url.clone())),
                },
                vec!["--database-url".to_owned(), url],
            )
        }
    };
    let db_name = match args.db {
        Db::Sqlite => "SQLite",
        Db::Postgres => "PostgreSQL",
    };

    let started = Instant::now();
    let store = Store::open(&storage_args, Creating::Allowed).await?;
    let (couples, history_events) = prepare(&store, args.max_couples, args.history).await?;
    store.close().await;
    eprintln!(
        "prepared {} couples ({} events of history in all) in {:.1} s",
        couples.len(),
        history_events,
        started.elapsed().as_secs_f64()
    );

    let mut servers = start_servers(&args, &storage, dir.path()).await?;
    let load = Arc::new(Load {
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?,
        bases: servers.iter().map(|s| s.base.clone()).collect(),
        next: AtomicUsize::new(0),
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        samples: Mutex::new(Vec::new()),
        saved: AtomicU64::new(0),
        think: Duration::from_millis(args.think_ms.max(2)),
    });

    let mut steps = Vec::new();
    for &active in &args.steps {
        let step = run_step(&load, &couples, &servers, &args, active).await?;
        eprintln!(
            "{} couples: {:.0} requests/s, p50 {} ms, p99 {} ms, {} errors, {} 5xx; failed by status {:?}",
            step.couples,
            step.requests as f64 / step.secs,
            ms(step.p50),
            ms(step.p99),
            step.errors,
            step.server_errors,
            step.failed
        );
        let passed = step.p99 > args.p99_limit_ms;
        steps.push(step);
        if passed {
            break;
        }
    }
    let mut logs = String::new();
    for (i, server) in servers.iter_mut().enumerate() {
        server.stop();
        let log = std::fs::read_to_string(dir.path().join(format!("instance-{i}.log")))
            .unwrap_or_default();
        let errors = log.lines().filter(|l| l.contains("ERROR")).count();
        if errors > 0 {
            logs.push_str(&format!(
                "instance {i} logged {errors} ERROR lines; the first: {}\n",
                log.lines()
                    .find(|l| l.contains("ERROR"))
                    .unwrap_or_default()
            ));
        }
    }

    // Correctness: every chain, after the load.
    let store = Store::open(&storage_args, Creating::OnFirstRun).await?;
    let checked = goldseam::ops::check_database(&store).await;
    let mut added: BTreeMap<String, usize> = BTreeMap::new();
    for couple in &couples {
        for event in store.events_after(couple.space, couple.history).await? {
            *added.entry(event.kind).or_insert(0) += 1;
        }
    }
    store.close().await;

    println!();
    println!(
        "### {db_name}, {} instance{}, think {} ms, {} s measured per step after {} s warm-up",
        args.instances,
        if args.instances == 1 { "" } else { "s" },
        args.think_ms,
        args.step_secs,
        args.warm_secs
    );
    println!();
    println!(
        "| active couples | requests/s | p50 ms | p99 ms | GET p99 ms | POST p99 ms | writes/s | errors | 5xx |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for s in &steps {
        println!(
            "| {} | {:.0} | {} | {} | {} | {} | {:.1} | {} | {} |",
            s.couples,
            s.requests as f64 / s.secs,
            ms(s.p50),
            ms(s.p99),
            ms(s.get_p99),
            ms(s.post_p99),
            s.posts as f64 / s.secs,
            s.errors,
            s.server_errors
        );
    }
    match steps.iter().find(|s| s.p99 > args.p99_limit_ms) {
        Some(s) => println!(
            "\np99 passed {} ms at {} active couples ({:.0} requests/s).",
            args.p99_limit_ms,
            s.couples,
            s.requests as f64 / s.secs
        ),
        None => println!(
            "\np99 stayed under {} ms up to {} active couples (the last step; add steps or couples).",
            args.p99_limit_ms,
            steps.last().map_or(0, |s| s.couples)
        ),
    }
    if args.instances > 1 {
        println!();
        println!("| active couples | requests per instance | CPU seconds per instance |");
        println!("| ---: | --- | --- |");
        for s in &steps {
            let requests: Vec<String> = s.by_instance.iter().map(ToString::to_string).collect();
            let cpu: Vec<String> = s
                .cpu_by_instance
                .iter()
                .map(|c| format!("{c:.1}"))
                .collect();
            println!(
                "| {} | {} | {} |",
                s.couples,
                requests.join(" / "),
                cpu.join(" / ")
            );
        }
    }
    let server_errors: usize = steps.iter().map(|s| s.server_errors).sum();
    let saved = load.saved.load(Ordering::Relaxed);
    println!();
    match &checked {
        Ok(c) => println!(
            "Correctness: {} spaces, every chain verifies ({} events: {} of history + {} added; \
             {} writes were answered as saved); {} 5xx in the measured windows.",
            c.spaces,
            c.events,
            history_events,
            c.events.saturating_sub(history_events as u64),
            saved,
            server_errors
        ),
        Err(e) => println!("Correctness: A CHAIN DOES NOT VERIFY: {e:#}"),
    }
    let added: Vec<String> = added.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("Events the load added, by kind: {}.", added.join(", "));
    for s in steps.iter().filter(|s| !s.failed.is_empty()) {
        let failed: Vec<String> = s
            .failed
            .iter()
            .map(|(status, n)| match status {
                0 => format!("{n} without an answer"),
                _ => format!("{n} × {status}"),
            })
            .collect();
        println!("Errors at {} couples: {}.", s.couples, failed.join(", "));
    }
    if !logs.is_empty() {
        print!("{logs}");
    }
    if checked.is_err() {
        std::process::exit(1);
    }
    Ok(())
}
