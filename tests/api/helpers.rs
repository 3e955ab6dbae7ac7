//! `spawn_app()` and a small browser-like client.

use std::str::FromStr;
use std::time::Duration;

use base64::Engine as _;
use goldseam::app::{App, Clock};
use goldseam::config::Settings;
use goldseam::store::Store;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "lantern orbit velvet cactus";

/// Runs each listed async test fn once per backend: `mod sqlite { fn name() }` and
/// `mod postgres { fn name() }`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(backend) = $crate::helpers::postgres() {
                        super::$name(backend).await
                    }
                }
            )*
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL backend if the test URL is set. In CI a missing URL is a failure: the
/// PostgreSQL suite must run there, not quietly skip.
pub fn postgres() -> Option<Backend> {
    if std::env::var("GOLDSEAM_TEST_POSTGRES_URL").is_ok() {
        return Some(Backend::Postgres);
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
        panic!(
            "CI is set but GOLDSEAM_TEST_POSTGRES_URL is not: the PostgreSQL suite must run in CI"
        );
    }
    eprintln!("GOLDSEAM_TEST_POSTGRES_URL is not set; this PostgreSQL test did not run");
    None
}

/// A fresh, migrated store. PostgreSQL gets a new schema per test.
pub async fn fresh_store(backend: Backend, dir: &std::path::Path) -> Store {
    let store = match backend {
        Backend::Sqlite => Store::sqlite(SqliteConnectOptions::new().filename(dir.join("test.db")))
            .await
            .expect("open SQLite"),
        Backend::Postgres => Store::postgres(fresh_postgres().await)
            .await
            .expect("connect PostgreSQL"),
    };
    store.migrate().await.expect("migrate");
    store
}

/// Options for a new, empty schema on the test PostgreSQL.
pub async fn fresh_postgres() -> PgConnectOptions {
    let url = std::env::var("GOLDSEAM_TEST_POSTGRES_URL").expect("postgres URL");
    let admin = sqlx::PgPool::connect(&url)
        .await
        .expect("CI's PostgreSQL must be reachable");
    let schema = format!("gs_test_{}", uuid_hex());
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .expect("create schema");
    admin.close().await;
    PgConnectOptions::from_str(&url)
        .expect("postgres URL")
        .options([("search_path", schema.as_str())])
}

fn uuid_hex() -> String {
    goldseam::domain::SpaceId::random()
        .to_string()
        .replace('-', "")
}

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub clock: Clock,
    pub dir: tempfile::TempDir,
    /// The SMTP sink the app sends to, when it sends mail (`spawn_app_with_mail`).
    pub sink: Option<std::sync::Arc<crate::smtp::Sink>>,
    stop: Option<oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<()>>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the real server on 127.0.0.1:0 with a manual clock and a fresh database.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = fresh_store(backend, dir.path()).await;
    spawn_app_on(store, dir, adjust).await
}

/// Starts the real server with mail going to a fresh SMTP sink of its own.
pub async fn spawn_app_with_mail(backend: Backend) -> TestApp {
    let sink = std::sync::Arc::new(crate::smtp::Sink::start().await);
    let mail = sink.settings();
    let mut app = spawn_app_with(backend, |s| s.mail = Some(mail)).await;
    app.sink = Some(sink);
    app
}

/// Starts the real server on 127.0.0.1:0 over `store` (already migrated), which lives in
/// `dir` if it is a file.
pub async fn spawn_app_on(
    store: Store,
    dir: tempfile::TempDir,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    spawn_app_on_clock(store, dir, Clock::manual(), adjust).await
}

/// A second server on `first`'s database and clock, with caches of its own: another
/// instance, as several behind one load balancer would run.
pub async fn spawn_beside(first: &TestApp, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    spawn_app_on_clock(first.app.store().clone(), dir, first.clock.clone(), adjust).await
}

async fn spawn_app_on_clock(
    store: Store,
    dir: tempfile::TempDir,
    clock: Clock,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind port 0");
    let base = format!("http://{}", listener.local_addr().expect("local addr"));
    let mut settings = Settings {
        base_url: base.clone(),
        // Reminders are looked for when a test says so (`goldseam::web::remind_due`), at
        // the moment its clock shows; a test of the worker itself turns it on.
        reminder_every: None,
        ..Settings::default()
    };
    adjust(&mut settings);
    let app = App::new(store, settings, clock.clone()).expect("app");
    let (stop, stopped) = oneshot::channel::<()>();
    let served = app.clone();
    let served_task = tokio::spawn(async move {
        let _ = goldseam::web::serve(listener, served, async move {
            let _ = stopped.await;
        })
        .await;
    });
    TestApp {
        base,
        app,
        clock,
        dir,
        sink: None,
        stop: Some(stop),
        served: Some(served_task),
    }
}

impl TestApp {
    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client signed up (and so logged in) as a new person. When the app sends mail, the
    /// person follows the confirmation link from the SMTP sink, as a person would.
    pub async fn person(&self, name: &str) -> Client {
        let client = self.client();
        let email = format!("{}-{}@example.org", name.to_lowercase(), &uuid_hex()[..8]);
        let page = client.signup(&email, name, PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-up of {name} failed: {}",
            page.body
        );
        if let Some(sink) = &self.sink {
            assert_eq!(page.location(), "/signup/sent");
            let link = self.mail_link(sink, &email, "/signup/confirm/").await;
            let confirmed = client
                .post(&client.path_of(&link), &[("password", PASSWORD)])
                .await;
            assert_eq!(
                confirmed.status,
                StatusCode::SEE_OTHER,
                "confirming {name} failed: {}",
                confirmed.body
            );
        }
        client.set_email(&email);
        client
    }

    /// The links to `{base}{path_prefix}` in the mails the sink got for `to`, oldest
    /// first, once there are at least `n` (waiting for them to arrive).
    pub async fn mail_links(
        &self,
        sink: &crate::smtp::Sink,
        to: &str,
        path_prefix: &str,
        n: usize,
    ) -> Vec<String> {
        let prefix = format!("{}{path_prefix}", self.base);
        loop {
            let links: Vec<String> = sink.to(to).iter().filter_map(|m| m.link(&prefix)).collect();
            if links.len() >= n {
                return links;
            }
            sink.wait_for(sink.mails().len() + 1).await;
        }
    }

    /// The first link to `{base}{path_prefix}` in a mail for `to`.
    pub async fn mail_link(&self, sink: &crate::smtp::Sink, to: &str, path_prefix: &str) -> String {
        self.mail_links(sink, to, path_prefix, 1).await.remove(0)
    }

    /// Stops serving (and the outbox worker beside it) as a stopped process would; the
    /// database stays.
    pub async fn stop(&mut self) {
        self.stop.take();
        if let Some(served) = self.served.take() {
            let _ = served.await;
        }
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> String {
        self.headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The `value` of the first element with `id="…"`.
    pub fn value_of(&self, id: &str) -> Option<String> {
        let at = self.body.find(&format!("id=\"{id}\""))?;
        let rest = &self.body[at..];
        let start = rest.find("value=\"")? + 7;
        let end = rest[start..].find('"')?;
        Some(
            rest[start..start + end]
                .replace("&#38;", "&")
                .replace("&amp;", "&"),
        )
    }

    /// The `value` of the first input with `name="…"`.
    pub fn value_of_name(&self, name: &str) -> Option<String> {
        let at = self.body.find(&format!("name=\"{name}\" value=\""))? + name.len() + 15;
        let end = self.body[at..].find('"')?;
        Some(self.body[at..at + end].to_owned())
    }

    /// The body without the tokens that differ between sessions (CSRF) and between
    /// renderings (each form's own token, see `web/once.rs`): what "the page did not
    /// change" compares.
    pub fn without_tokens(&self) -> String {
        let mut body = self.body.replace(&self.csrf().unwrap_or_default(), "");
        let field = "name=\"form_token\" value=\"";
        let mut at = 0;
        while let Some(found) = body[at..].find(field) {
            let start = at + found + field.len();
            let end = body[start..].find('"').map_or(body.len(), |e| start + e);
            body.replace_range(start..end, "");
            at = start;
        }
        body
    }

    pub fn csrf(&self) -> Option<String> {
        let at = self.body.find("name=\"csrf\" value=\"")? + 19;
        let end = self.body[at..].find('"')?;
        Some(self.body[at..at + end].to_owned())
    }

    /// Whether the page shows `text`, as a person would read it (HTML escapes undone).
    pub fn has(&self, text: &str) -> bool {
        self.text().contains(text)
    }

    /// Whether a person reading the page sees `text`: tags removed, escapes undone.
    pub fn reads(&self, text: &str) -> bool {
        let mut visible = String::with_capacity(self.body.len());
        let mut in_tag = false;
        for c in self.text().chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => visible.push(c),
                _ => {}
            }
        }
        visible.contains(text)
    }

    /// The body with the HTML escapes that templates write turned back into characters.
    pub fn text(&self) -> String {
        [
            ("&#39;", "'"),
            ("&#x27;", "'"),
            ("&#34;", "\""),
            ("&quot;", "\""),
            ("&#60;", "<"),
            ("&lt;", "<"),
            ("&#62;", ">"),
            ("&gt;", ">"),
            ("&#38;", "&"),
            ("&amp;", "&"),
        ]
        .iter()
        .fold(self.body.clone(), |body, (escaped, plain)| {
            body.replace(escaped, plain)
        })
    }
}

pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    email: std::sync::Mutex<String>,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            base: base.to_owned(),
            http,
            jar,
            email: std::sync::Mutex::new(String::new()),
        }
    }

    /// The same person (the same cookies) talking to the server at `base`.
    pub fn at(&self, base: &str) -> Self {
        Self {
            base: base.to_owned(),
            http: self.http.clone(),
            jar: self.jar.clone(),
            email: std::sync::Mutex::new(self.email()),
        }
    }

    pub fn set_email(&self, email: &str) {
        *self.email.lock().expect("lock") = email.to_owned();
    }

    pub fn email(&self) -> String {
        self.email.lock().expect("lock").clone()
    }

    /// The raw value of a cookie this client holds.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore as _;
        let url = self.base.parse().expect("base url");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::read(
            self.http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// The CSRF token this client's forms currently carry.
    pub async fn csrf(&self) -> String {
        self.get("/login")
            .await
            .csrf()
            .or(self.get("/").await.csrf())
            .expect("a page with a form")
    }

    /// Posts a form the way a browser would, with the current CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(path, &form).await
    }

    /// Posts exactly these fields, with no CSRF token added.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("POST");
        Self::read(response).await
    }

    /// Posts a form with the CSRF token on a connection that closes afterwards: a body the
    /// server refuses unread (413) leaves the connection unusable, and the next request
    /// must not land on it.
    pub async fn post_closing(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONNECTION, "close")
            .form(&form)
            .send()
            .await
            .expect("POST");
        Self::read(response).await
    }

    /// Posts a body as is, as a form.
    pub async fn post_bytes(&self, path: &str, body: Vec<u8>) -> Page {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .expect("POST");
        Self::read(response).await
    }

    pub async fn signup(&self, email: &str, name: &str, password: &str) -> Page {
        self.post(
            "/signup",
            &[
                ("email", email),
                ("display_name", name),
                ("password", password),
            ],
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Page {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }

    /// Creates a space and returns its path (`/spaces/ID`).
    pub async fn create_space(&self, name: &str) -> String {
        let page = self.post("/spaces", &[("name", name)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page.location()
    }

    /// The invite link shown on a space page (to its creator's session).
    pub async fn invite_link(&self, space_path: &str) -> String {
        self.get(space_path)
            .await
            .value_of("invite-link")
            .expect("an invite link on the space page")
    }

    /// The path part of a full link on this server.
    pub fn path_of(&self, link: &str) -> String {
        link.strip_prefix(&self.base).unwrap_or(link).to_owned()
    }

    /// The record fingerprint, as the space's record page shows it.
    pub async fn fingerprint(&self, space_path: &str) -> String {
        let page = self.get(&format!("{space_path}/record")).await;
        let at = page
            .body
            .find("class=\"fingerprint\">")
            .expect("fingerprint")
            + 20;
        let end = page.body[at..].find('<').expect("end of fingerprint");
        page.body[at..at + end].to_owned()
    }
}

/// Two partners in one space: (creator, partner, space path).
pub async fn couple(app: &TestApp) -> (Client, Client, String) {
    let sam = app.person("Sam").await;
    let space = sam.create_space("Sam & Alex").await;
    let link = sam.invite_link(&space).await;
    let alex = app.person("Alex").await;
    let joined = alex.post(&alex.path_of(&link), &[]).await;
    assert_eq!(
        joined.status,
        StatusCode::SEE_OTHER,
        "join failed: {}",
        joined.body
    );
    assert_eq!(joined.location(), space);
    (sam, alex, space)
}

/// An app whose sessions outlive the weeks a test moves its clock through.
pub async fn spawn_app_long(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| {
        s.session_idle = Duration::from_secs(60 * 24 * 3600);
        s.session_max = Duration::from_secs(60 * 24 * 3600);
    })
    .await
}

/// Posts a form and expects a redirect; returns where it leads.
pub async fn ok(client: &Client, path: &str, fields: &[(&str, &str)]) -> String {
    let page = client.post(path, fields).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "POST {path} {fields:?}: {}",
        page.text()
    );
    page.location()
}

/// `proposer` proposes a rhythm (`fields` as the rhythm form sends them) and `accepter`
/// accepts it: a rhythm takes both.
pub async fn set_rhythm(
    proposer: &Client,
    accepter: &Client,
    space: &str,
    fields: &[(&str, &str)],
) {
    ok(proposer, &format!("{space}/checkins/cadence"), fields).await;
    let proposal = proposal_of(accepter, space)
        .await
        .expect("the proposal shows on the other's check-ins page");
    ok(
        accepter,
        &format!("{space}/checkins/cadence/{proposal}"),
        &[("action", "accept")],
    )
    .await;
}

/// The id of the rhythm waiting for an answer, as `client`'s check-ins page links it.
pub async fn proposal_of(client: &Client, space: &str) -> Option<String> {
    let page = client.get(&format!("{space}/checkins")).await;
    let marker = format!("{space}/checkins/cadence/");
    let at = page.body.find(&marker)? + marker.len();
    page.body.get(at..at + 36).map(str::to_owned)
}

/// How many events a space's record holds: what "nothing was written" is checked against.
pub async fn event_count(app: &TestApp, space: &str) -> u64 {
    let id = space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("space id");
    app.app
        .store()
        .head_seq(id)
        .await
        .expect("head")
        .expect("space exists")
}

/// Sam broke trust, Alex was hurt; Alex records the breach. Returns its path.
pub async fn breach_recorded_by_alex(alex: &Client, space: &str) -> String {
    ok(
        alex,
        &format!("{space}/breaches"),
        &[
            ("title", "The hidden account"),
            ("kind", "secret_spending"),
            ("broke_trust", "partner"),
            ("discovered_on", "2026-11-01"),
        ],
    )
    .await
}

/// The text a person reads in a page's `<main>`: tags removed.
pub fn visible_main(body: &str) -> String {
    let start = body
        .find("<main")
        .and_then(|at| body[at..].find('>').map(|end| at + end + 1))
        .unwrap_or(0);
    let main = &body[start..body.find("</main>").unwrap_or(body.len())];
    let mut inside_tag = false;
    main.chars()
        .filter(|&c| {
            match c {
                '<' => inside_tag = true,
                '>' => {
                    inside_tag = false;
                    return false;
                }
                _ => {}
            }
            !inside_tag
        })
        .collect()
}

// ---- counsellors ------------------------------------------------------------------------

/// `partner` invites a counsellor to `space`; the path of the link they are shown once.
pub async fn invite_counsellor(partner: &Client, space: &str) -> String {
    let page = partner
        .post(
            &format!("{space}/counsellor/invite"),
            &[("name", "Dr Okafor")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "invite: {}", page.text());
    let link = page
        .value_of("counsellor-link-field")
        .expect("the new link is shown");
    partner.path_of(&link)
}

/// The open engagement's id, as the partners' counsellor page carries it in its forms.
pub async fn engagement_of(partner: &Client, space: &str) -> String {
    partner
        .get(&format!("{space}/counsellor"))
        .await
        .value_of_name("engagement")
        .expect("an open engagement on the counsellor page")
}

/// `partner` agrees the counsellor may see `scope` ("progress" or "record").
pub async fn consent_to(partner: &Client, space: &str, scope: &str) {
    let engagement = engagement_of(partner, space).await;
    ok(
        partner,
        &format!("{space}/counsellor/consent"),
        &[("engagement", &engagement), ("scope", scope)],
    )
    .await;
}

/// A counsellor (a new account) who opened `sam`'s link to `space`; both partners then
/// consent to `scope`, unless it is `None` (pending).
pub async fn counsellor_for(
    app: &TestApp,
    sam: &Client,
    alex: &Client,
    space: &str,
    scope: Option<&str>,
) -> Client {
    let link = invite_counsellor(sam, space).await;
    let kim = app.person("Kim").await;
    ok(&kim, &link, &[]).await;
    if let Some(scope) = scope {
        consent_to(sam, space, scope).await;
        consent_to(alex, space, scope).await;
    }
    kim
}

/// Two servers on one fresh PostgreSQL schema, each with a pool of its own and sessions
/// that outlive the test: `None` where PostgreSQL is not configured.
pub async fn two_servers_on_one_postgres() -> Option<(TestApp, TestApp)> {
    postgres()?;
    let options = fresh_postgres().await;
    let first = Store::postgres(options.clone()).await.expect("connect");
    first.migrate().await.expect("migrate");
    let second = Store::postgres(options).await.expect("connect again");
    let long = |s: &mut Settings| {
        s.session_idle = Duration::from_secs(60 * 24 * 3600);
        s.session_max = Duration::from_secs(60 * 24 * 3600);
    };
    let one = spawn_app_on(first, tempfile::tempdir().expect("dir"), long).await;
    let two = spawn_app_on(second, tempfile::tempdir().expect("dir"), long).await;
    Some((one, two))
}

/// The ways a sentence may sit in bytes: as text, its UTF-8 in hex (either case), and in
/// base64 at each of the three alignments (without the edge characters that depend on
/// what stands beside it).
pub fn spellings(sentence: &str) -> Vec<Vec<u8>> {
    let bytes = sentence.as_bytes();
    let mut out = vec![
        bytes.to_vec(),
        hex::encode(bytes).into_bytes(),
        hex::encode_upper(bytes).into_bytes(),
    ];
    for skip in 0..3 {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes[skip..]);
        out.push(encoded.as_bytes()[..encoded.len() - 4].to_vec());
    }
    out
}

pub fn holds(haystack: &[u8], sentence: &str) -> bool {
    spellings(sentence).iter().any(|needle| {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_slice())
    })
}

/// Every row of every table of a PostgreSQL store, as (table, row as text): where a
/// sentence must not be, searched the way an operator would. Empty for SQLite.
pub async fn every_row_as_text(store: &Store) -> Vec<(String, String)> {
    let Store::Postgres(pool) = store else {
        return Vec::new();
    };
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .fetch_all(pool)
    .await
    .expect("list the tables");
    let mut rows = Vec::new();
    for (table,) in tables {
        let found: Vec<(String,)> = sqlx::query_as(&format!("SELECT t::text FROM \"{table}\" t"))
            .fetch_all(pool)
            .await
            .expect("read a table");
        rows.extend(found.into_iter().map(|(row,)| (table.clone(), row)));
    }
    rows
}

/// Every row of every table, on either backend, as (table, row as text), sorted: what
/// "nothing was written" compares, table by table. SQLite quotes each column (blobs as
/// hex), PostgreSQL reads each row as its text.
pub async fn every_row(store: &Store) -> Vec<(String, String)> {
    let mut rows = match store {
        Store::Postgres(_) => every_row_as_text(store).await,
        Store::Sqlite(pool, _) => {
            let tables: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(pool)
            .await
            .expect("list the tables");
            let mut rows = Vec::new();
            for (table,) in tables {
                let columns: Vec<(String,)> =
                    sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                        .fetch_all(pool)
                        .await
                        .expect("list the columns");
                let quoted: Vec<String> = columns
                    .iter()
                    .map(|(c,)| format!("quote(\"{c}\")"))
                    .collect();
                let found: Vec<(String,)> = sqlx::query_as(&format!(
                    "SELECT {} FROM \"{table}\"",
                    quoted.join(" || '|' || ")
                ))
                .fetch_all(pool)
                .await
                .expect("read a table");
                rows.extend(found.into_iter().map(|(row,)| (table.clone(), row)));
            }
            rows
        }
    };
    rows.sort();
    rows
}

/// The id of `space`, a path as `create_space` gives it.
pub fn space_id(space: &str) -> goldseam::domain::SpaceId {
    space
        .trim_start_matches("/spaces/")
        .parse()
        .expect("a space id")
}

/// `from` sends a letter with `text` in `space`.
pub async fn send_letter(from: &Client, space: &str, text: &str) {
    ok(
        from,
        &format!("{space}/letters"),
        &[("text", text), ("action", "send")],
    )
    .await;
}

/// The pages each partner reads (home, record, letters, breaches), without the tokens that
/// differ between renderings: to compare what two servers show.
pub async fn pages_of_both(sam: &Client, alex: &Client, space: &str) -> Vec<String> {
    let mut pages = Vec::new();
    for who in [sam, alex] {
        for path in [
            space.to_owned(),
            format!("{space}/record"),
            format!("{space}/letters"),
            format!("{space}/breaches"),
        ] {
            let page = who.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            pages.push(page.without_tokens());
        }
    }
    pages
}
