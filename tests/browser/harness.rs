//! A chromedriver per test, browsers with a fresh profile each, and page checks.

use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use goldseam::app::{App, Clock};
use goldseam::config::Settings;
use goldseam::store::Store;
use serde_json::{Value, json};
use sqlx::sqlite::SqliteConnectOptions;

pub const PASSWORD: &str = "lantern orbit velvet cactus";
pub const TAB: &str = "\u{e004}";
pub const ENTER: &str = "\u{e007}";

/// The real server on 127.0.0.1:0 with a fresh SQLite database.
pub struct Server {
    pub base: String,
    /// The running app, for setting up what a journey starts from (e.g. a demo space).
    pub app: App,
    /// The app's clock: moving it moves "now" for every page.
    pub clock: Clock,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn server() -> Server {
    server_with(Clock::System, |_| {}).await
}

/// A server whose clock only moves when the journey moves it (`server.clock.advance`), with
/// `adjust` applied to its settings (sessions that outlive the months a journey skips, say).
pub async fn server_with(clock: Clock, adjust: impl FnOnce(&mut Settings)) -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::sqlite(SqliteConnectOptions::new().filename(dir.path().join("test.db")))
        .await
        .expect("db");
    store.migrate().await.expect("migrate");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let mut settings = Settings {
        base_url: base.clone(),
        ..Settings::default()
    };
    adjust(&mut settings);
    let app = App::new(store, settings, clock.clone()).expect("app");
    let serving = app.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = goldseam::web::serve(listener, serving, async move {
            let _ = stopped.await;
        })
        .await;
    });
    Server {
        base,
        app,
        clock,
        _dir: dir,
        _stop: stop,
    }
}

/// One chromedriver process, killed when dropped (also when a test panics).
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver runs in its own process group with the Chromiums it starts, so a test
        // that fails before closing its browsers still leaves nothing running behind it.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub async fn driver() -> Driver {
    let port = free_port();
    let child = Command::new("chromedriver")
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver must be installed: apt-get install chromium chromium-driver (bash .ci/run does this)");
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver { child, url };
    // Wait until it answers; no fixed sleep.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

/// A headless Chromium with a fresh profile, as one partner.
pub struct Browser {
    pub client: Client,
    pub base: String,
    pub name: &'static str,
    pub javascript: bool,
    _profile: tempfile::TempDir,
}

pub async fn browser(
    driver: &Driver,
    server: &Server,
    name: &'static str,
    javascript: bool,
) -> Browser {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut args = vec![
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    let mut options = json!({ "binary": "/usr/bin/chromium", "args": args });
    if !javascript {
        options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session");
    client
        .set_window_size(1366, 900)
        .await
        .expect("window size");
    Browser {
        client,
        base: server.base.clone(),
        name,
        javascript,
        _profile: profile,
    }
}

/// `POST /session/{id}/se/log`: Chromium's console, including failed requests.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// Chrome DevTools `Emulation.setEmulatedMedia`: a colour scheme, or print media.
#[derive(Debug)]
struct EmulatedMedia(Value);

impl WebDriverCompatibleCommand for EmulatedMedia {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": "Emulation.setEmulatedMedia", "params": self.0 });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// "light" or "dark".
fn color_scheme(value: &str) -> EmulatedMedia {
    EmulatedMedia(json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] }))
}

/// "print", or "" for the screen.
fn media(media: &str) -> EmulatedMedia {
    EmulatedMedia(json!({ "media": media }))
}

pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `npm ci` (bash .ci/run does this)",
            path.display()
        )
    })
}

impl Browser {
    pub async fn goto(&self, path: &str) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        self.client.goto(&url).await.expect("navigate");
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        url.path().to_owned()
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("field {css}"));
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("element {css}"))
            .click()
            .await
            .expect("click");
    }

    /// Chooses the option with `value` in the select `css`, as a person picking from the list.
    pub async fn choose(&self, css: &str, value: &str) {
        self.click(&format!("{css} option[value='{value}']")).await;
    }

    /// Clicks the button (or else the link) whose visible text is exactly `text`, and waits
    /// for the page it leads to.
    pub async fn press(&self, text: &str) {
        let mut target = None;
        for tag in ["button", "a"] {
            let xpath = format!("//{tag}[normalize-space()=\"{text}\"]");
            if let Ok(found) = self.client.find(Locator::XPath(&xpath)).await {
                target = Some(found);
                break;
            }
        }
        let target = target.unwrap_or_else(|| panic!("no button or link {text:?}"));
        self.navigating(|| async { target.click().await.expect("click") })
            .await;
    }

    /// Clicks a submit button by CSS selector and waits for the page it leads to.
    pub async fn submit(&self, css: &str) {
        let button = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("element {css}"));
        self.navigating(|| async { button.click().await.expect("click") })
            .await;
    }

    /// Runs `action`, then waits until the browser has left the current page and the next
    /// one has loaded: a click that submits returns before the server has answered.
    async fn navigating<F: std::future::Future<Output = ()>>(&self, action: impl FnOnce() -> F) {
        let old_page = self.client.find(Locator::Css("html")).await.expect("page");
        action().await;
        // Bounded polling: the old page's root goes stale once the browser has moved on.
        for _ in 0..200 {
            if old_page.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.wait_loaded().await;
    }

    /// Waits until the current document has finished loading.
    pub async fn wait_loaded(&self) {
        for _ in 0..200 {
            if let Ok(state) = self
                .client
                .execute("return document.readyState", vec![])
                .await
                && state == "complete"
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub async fn value(&self, css: &str) -> String {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("element {css}"));
        el.prop("value").await.expect("value").unwrap_or_default()
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .expect("body")
            .text()
            .await
            .expect("text")
    }

    pub async fn sees(&self, text: &str) -> bool {
        self.text().await.contains(text)
    }

    /// Fails on any console error or failed request since the last check.
    pub async fn assert_clean_console(&self, page: &str) {
        let severe = self.console_errors().await;
        assert!(
            severe.is_empty(),
            "{} on {page}: console errors {severe:#?}",
            self.name
        );
    }

    /// The console errors since the last read (reading empties the log).
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("browser log");
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Runs axe-core on the page; fails on any serious or critical violation.
    pub async fn assert_accessible(&self, page: &str) {
        if !self.javascript {
            return; // axe needs script; the same pages are audited in the journeys with it.
        }
        self.client
            .execute(&axe_source(), vec![])
            .await
            .expect("inject axe-core");
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(JSON.stringify(r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(n => n.target.join(' ')) })))))
              .catch(e => done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }])));
        "#;
        let result = self
            .client
            .execute_async(script, vec![])
            .await
            .expect("run axe-core");
        let violations: Vec<Value> =
            serde_json::from_str(result.as_str().unwrap_or("[]")).expect("axe JSON");
        let summary: Vec<String> = violations
            .iter()
            .map(|v| {
                format!(
                    "{} ({})",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?")
                )
            })
            .collect();
        eprintln!(
            "axe on {page}: {} violation(s) {summary:?}",
            violations.len()
        );
        let serious: Vec<&Value> = violations
            .iter()
            .filter(|v| v["impact"] == "serious" || v["impact"] == "critical")
            .collect();
        assert!(
            serious.is_empty(),
            "{} on {page}: accessibility violations {serious:#?}",
            self.name
        );
    }

    /// Photographs the page at phone and laptop sizes, light and dark.
    pub async fn screenshots(&self, page: &str) {
        let dir = screenshot_dir();
        for (scheme, value) in [("light", "light"), ("dark", "dark")] {
            self.client
                .issue_cmd(color_scheme(value))
                .await
                .expect("colour scheme");
            for (size, (w, h)) in [("phone", (390, 844)), ("laptop", (1366, 900))] {
                self.client.set_window_size(w, h).await.expect("resize");
                let png = self.client.screenshot().await.expect("screenshot");
                let js = if self.javascript { "" } else { "-nojs" };
                std::fs::write(dir.join(format!("{page}-{size}-{scheme}{js}.png")), png)
                    .expect("write screenshot");
            }
        }
        self.client
            .issue_cmd(color_scheme("light"))
            .await
            .expect("colour scheme");
        self.client
            .set_window_size(1366, 900)
            .await
            .expect("resize");
    }

    /// Everything a page must pass: no console errors, no serious axe violations in
    /// either colour scheme, and screenshots for people to look at.
    pub async fn check(&self, page: &str) {
        self.assert_clean_console(page).await;
        self.audit_both_schemes(page).await;
        self.screenshots(page).await;
    }

    /// axe-core in the light and the dark scheme: contrast differs between them.
    async fn audit_both_schemes(&self, page: &str) {
        self.assert_accessible(page).await;
        if self.javascript {
            self.client
                .issue_cmd(color_scheme("dark"))
                .await
                .expect("colour scheme");
            self.assert_accessible(&format!("{page} (dark)")).await;
            self.client
                .issue_cmd(color_scheme("light"))
                .await
                .expect("colour scheme");
        }
    }

    /// An error page: its own 404/403 status is the only console error allowed.
    pub async fn check_error_page(&self, page: &str, status: u16) {
        let errors = self.console_errors().await;
        let expected = format!("status of {status}");
        assert!(
            errors.len() == 1 && errors[0].contains(&expected),
            "{} on {page}: expected only the page's own {status}, got {errors:#?}",
            self.name
        );
        self.audit_both_schemes(page).await;
        self.screenshots(page).await;
    }

    /// The page as the browser prints it, as a PDF on A4 and on US Letter paper, written to
    /// `target/screenshots/`; and a screenshot of the page in print media. Returns the PDFs.
    pub async fn print(&self, page: &str) -> Vec<Vec<u8>> {
        use fantoccini::wd::{PrintConfiguration, PrintSize};
        let dir = screenshot_dir();
        let mut pdfs = Vec::new();
        for (paper, size) in [("a4", PrintSize::A4), ("letter", PrintSize::US_LETTER)] {
            let config = PrintConfiguration::builder()
                .size(size)
                .build()
                .expect("print configuration");
            let pdf = self.client.print(config).await.expect("print to PDF");
            std::fs::write(dir.join(format!("{page}-{paper}.pdf")), &pdf).expect("write PDF");
            pdfs.push(pdf);
        }
        self.client
            .issue_cmd(media("print"))
            .await
            .expect("print media");
        self.client
            .set_window_size(794, 1123)
            .await
            .expect("resize");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{page}-print.png")), png).expect("write screenshot");
        self.client
            .issue_cmd(media(""))
            .await
            .expect("screen media");
        self.client
            .set_window_size(1366, 900)
            .await
            .expect("resize");
        pdfs
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
