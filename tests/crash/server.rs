//! The real `goldseam` binary as a child process on a port of its own, killed when dropped
//! (also when a test panics), so no server outlives its test.

use std::fs::OpenOptions;
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Where the server keeps its data.
pub enum Storage {
    /// A data folder; on the first start it does not exist yet, as on a real first run.
    Sqlite { data_dir: PathBuf },
    /// A PostgreSQL URL whose connections land in a fresh schema.
    Postgres { url: String },
}

/// Generous bounds for a server that hangs instead of answering. They turn a hang into a
/// failure with the server's log; nothing is asserted about how fast anything is.
const START_HANG: Duration = Duration::from_secs(60);

pub struct Server {
    child: Child,
    pub base: String,
    log: PathBuf,
    /// Where this start's lines begin in the log (every start appends to one file).
    from: u64,
}

impl Server {
    /// Starts `goldseam` on `storage` and waits until it is ready. The port is one the
    /// kernel just handed out; if another process takes it first, the server exits and is
    /// started again on another.
    pub async fn start(storage: &Storage, log: &Path, init: bool) -> Server {
        // At least `info`: its "Goldseam is running" line tells our server from another
        // on the same port. GOLDSEAM_CRASH_LOG adds directives (`tower_http=debug` logs
        // every request).
        let filter = match std::env::var("GOLDSEAM_CRASH_LOG") {
            Ok(more) => format!("info,{more}"),
            Err(_) => "info".to_owned(),
        };
        Self::start_logging(storage, log, init, &filter).await
    }

    /// [`Server::start`], logging what `filter` lets through (at least `info`).
    pub async fn start_logging(storage: &Storage, log: &Path, init: bool, filter: &str) -> Server {
        for _ in 0..5 {
            let port = free_port();
            let mut command = Command::new(env!("CARGO_BIN_EXE_goldseam"));
            // Only the flags below configure it, whatever the test's environment holds.
            for (key, _) in std::env::vars_os() {
                if key.to_string_lossy().starts_with("GOLDSEAM_") {
                    command.env_remove(key);
                }
            }
            command
                .env("GOLDSEAM_LOG", filter)
                .arg("--bind")
                .arg(format!("127.0.0.1:{port}"));
            match storage {
                Storage::Sqlite { data_dir } => command.arg("--data-dir").arg(data_dir),
                Storage::Postgres { url } => command.arg("--database-url").arg(url),
            };
            if init {
                command.arg("--init");
            }
            let stderr = OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .expect("open the server log");
            let from = stderr.metadata().map(|m| m.len()).unwrap_or(0);
            let child = command
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .expect("start the goldseam binary");
            let mut server = Server {
                child,
                base: format!("http://127.0.0.1:{port}"),
                log: log.to_owned(),
                from,
            };
            match server.wait_ready(port).await {
                Ok(()) => return server,
                Err(status) if server.said().contains("listening on") => {
                    eprintln!("port {port} was taken ({status}); starting again on another");
                }
                Err(status) => panic!(
                    "goldseam exited while starting ({status}):\n{}",
                    tail(&server.said())
                ),
            }
        }
        panic!(
            "goldseam could not get a port in five tries:\n{}",
            tail(&String::from_utf8_lossy(
                &std::fs::read(log).unwrap_or_default()
            ))
        );
    }

    /// Waits until `/readyz` answers 200 from this server, or returns how it ended.
    ///
    /// The port was free when picked, but between releasing it and the server binding it
    /// (after opening and checking its database) another server may take it, even the
    /// other database's in this suite: its 200 must not count. Ours logs that it is
    /// running, with its address, after binding and before answering anything.
    async fn wait_ready(&mut self, port: u16) -> Result<(), ExitStatus> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("an HTTP client");
        let url = format!("{}/readyz", self.base);
        let running = format!("127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the server") {
                return Err(status);
            }
            if let Ok(answer) = http.get(&url).send().await
                && answer.status() == reqwest::StatusCode::OK
                && self
                    .said()
                    .lines()
                    .any(|line| line.contains("Goldseam is running") && line.contains(&running))
            {
                return Ok(());
            }
            assert!(
                started.elapsed() < START_HANG,
                "goldseam did not become ready:\n{}",
                tail(&self.said())
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// What this start has logged so far.
    fn said(&self) -> String {
        let text = std::fs::read(&self.log).unwrap_or_default();
        let from = usize::try_from(self.from).map_or(text.len(), |from| from.min(text.len()));
        String::from_utf8_lossy(&text[from..]).into_owned()
    }

    /// SIGKILL, and a check that it was the kill that ended the process: a server that
    /// died by itself earlier is a failure of its own.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL the server");
        let status = self.child.wait().expect("reap the server");
        assert_eq!(
            status.signal(),
            Some(9),
            "goldseam ended by itself ({status}) before it was killed:\n{}",
            tail(&self.said())
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// The last lines of a log, for failure messages.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
