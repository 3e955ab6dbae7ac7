//! The one typed configuration, from flags and `GOLDSEAM_*` environment variables.
//! Loading it has no side effects; it is passed to whatever needs it.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// Goldseam: a shared, tamper-evident space for a couple rebuilding trust.
///
/// With no command, `goldseam` runs the server (the same as `goldseam serve`).
#[derive(Debug, Parser)]
#[command(name = "goldseam", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve(Box<ServeArgs>),
    /// Write a space's whole record to a JSON file that `goldseam verify` can check.
    Export(ExportArgs),
    /// Check an exported record's hash chain and name the first event that fails.
    Verify(VerifyArgs),
    /// Create a demo space with generated history: two partners with real accounts and
    /// years of daily use, ending now. Prints how to log in as either partner.
    Demo(DemoArgs),
    /// Copy the SQLite database while the server runs, check the copy (SQLite's integrity
    /// check and every space's chain) and fsync it. On PostgreSQL, use pg_dump
    /// (docs/operations.md).
    Backup(BackupArgs),
    /// Put a backup in place as the database, after checking it as `backup` does. Stop the
    /// server first; an existing database is replaced only with --force (and kept, renamed).
    Restore(RestoreArgs),
    /// Accounts and the database, for an operator who cannot read what couples wrote.
    Admin(AdminArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup written by `goldseam backup`.
    pub file: PathBuf,
    /// Replace a database that is already there (it is moved aside, not deleted).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// List every account, oldest first: e-mail, when it was made, whether it is off.
    Accounts {
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Switch an account off: it can no longer log in, and its sessions end now.
    Disable {
        /// The account's e-mail.
        email: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Switch an account that was switched off on again.
    Enable {
        /// The account's e-mail.
        email: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Erase an account, as its owner can from their account page: their words leave every
    /// record, they leave every space, and the account and everything keyed to it go.
    Erase {
        /// The account's e-mail.
        email: String,
        /// Say yes: erasing cannot be undone.
        #[arg(long)]
        confirmed: bool,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The database's size and integrity (SQLite's own check and every space's chain).
    Check {
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// Where the data lives. Shared by every command that opens the database.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Folder for Goldseam's data; the SQLite database is created here on first start.
    #[arg(long, env = "GOLDSEAM_DATA_DIR", default_value = "goldseam-data")]
    pub data_dir: PathBuf,

    /// Database to use instead of the SQLite file in the data folder, e.g.
    /// postgres://user@host/goldseam or sqlite://path/to/file.db.
    #[arg(long, env = "GOLDSEAM_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "GOLDSEAM_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    #[command(flatten)]
    pub storage: StorageArgs,

    /// The address people use to reach this server, used in invite links.
    /// Defaults to http://<bind>.
    #[arg(long, env = "GOLDSEAM_BASE_URL")]
    pub base_url: Option<String>,

    /// Mark cookies `Secure` (set this whenever Goldseam is served over HTTPS).
    #[arg(long, env = "GOLDSEAM_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// Take the client's address from the last `X-Forwarded-For` entry (set this only
    /// behind a reverse proxy that appends it; otherwise clients could forge it).
    #[arg(long, env = "GOLDSEAM_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// Log out a session after this many minutes without activity.
    #[arg(long, env = "GOLDSEAM_SESSION_IDLE_MINUTES", default_value_t = 480)]
    pub session_idle_minutes: u64,

    /// Log out a session this many hours after it began, however active.
    #[arg(long, env = "GOLDSEAM_SESSION_MAX_HOURS", default_value_t = 336)]
    pub session_max_hours: u64,

    /// Memory for cached space states, in MiB (estimated from what they hold). A space that
    /// does not fit is folded again from its record when it is read; 0 caches nothing.
    #[arg(
        long,
        env = "GOLDSEAM_STATE_CACHE_MIB",
        default_value_t = DEFAULT_STATE_CACHE_MIB,
        value_parser = clap::value_parser!(u64).range(0..=1024 * 1024)
    )]
    pub state_cache_mib: u64,

    /// Memory for space states kept compressed once the state cache has no room for them
    /// (about a fifth of the memory, unpacked in tens of microseconds), in MiB; 0 keeps none.
    #[arg(
        long,
        env = "GOLDSEAM_COMPACT_CACHE_MIB",
        default_value_t = DEFAULT_COMPACT_CACHE_MIB,
        value_parser = clap::value_parser!(u64).range(0..=1024 * 1024)
    )]
    pub compact_cache_mib: u64,

    /// Memory for pages drawn once and served again while nothing they show has changed
    /// (a partner's home page), in MiB; 0 caches none.
    #[arg(
        long,
        env = "GOLDSEAM_PAGE_CACHE_MIB",
        default_value_t = DEFAULT_PAGE_CACHE_MIB,
        value_parser = clap::value_parser!(u64).range(0..=1024 * 1024)
    )]
    pub page_cache_mib: u64,

    /// Write a snapshot of a space's folded state once this many events were folded since
    /// its last one, so a first load folds only what came after it; 0 writes none.
    #[arg(
        long,
        env = "GOLDSEAM_SNAPSHOT_EVERY",
        default_value_t = DEFAULT_SNAPSHOT_EVERY
    )]
    pub snapshot_every: u64,

    /// Set up a new, empty database when none is found. Needed once for a new instance
    /// whose data folder already exists (or on PostgreSQL); without it Goldseam refuses to
    /// start on an empty database, so a lost or emptied one is never quietly replaced.
    #[arg(long, env = "GOLDSEAM_INIT", default_value_t = false)]
    pub init: bool,

    /// Seconds that requests in flight may take to finish after Ctrl-C or SIGTERM; then
    /// the remaining connections are closed.
    #[arg(long, env = "GOLDSEAM_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,

    /// Seconds a client has to send a request's headers.
    #[arg(long, env = "GOLDSEAM_HEADER_READ_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_secs: u64,

    /// Seconds a client has to send a request's body, once its headers are in.
    #[arg(long, env = "GOLDSEAM_BODY_READ_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_read_secs: u64,

    /// Address and port for Prometheus metrics (`GET /metrics`), on a listener of its own;
    /// off unless set. Keep it on loopback or a private network: it asks for no login.
    #[arg(long, env = "GOLDSEAM_METRICS_BIND", value_name = "ADDR")]
    pub metrics_bind: Option<SocketAddr>,

    /// A text file of local helplines and services (one per line, `#` starts a comment),
    /// shown on the Help & safety page. Without it the page names no numbers at all.
    #[arg(long, env = "GOLDSEAM_LOCAL_HELP", value_name = "FILE")]
    pub local_help: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub mail: MailArgs,
}

/// Where mail goes. With neither `--smtp-url` nor `--mail-log-dir`, Goldseam sends no mail:
/// sign-up signs in at once and there is no password reset by mail.
#[derive(Debug, Clone, Default, Args)]
pub struct MailArgs {
    /// The SMTP server mail is sent through: smtp://host:587 (STARTTLS, required) or
    /// smtps://host:465 (TLS from the start). `?tls=none` sends in plain text, for a relay
    /// on the same machine only.
    #[arg(long, env = "GOLDSEAM_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<SmtpUrl>,

    /// The SMTP user name (or GOLDSEAM_SMTP_USER_FILE).
    #[arg(long, env = "GOLDSEAM_SMTP_USER", hide_env_values = true)]
    pub smtp_user: Option<String>,

    /// A file holding the SMTP user name.
    #[arg(long, env = "GOLDSEAM_SMTP_USER_FILE", value_name = "FILE")]
    pub smtp_user_file: Option<PathBuf>,

    /// The SMTP password; better from the environment or GOLDSEAM_SMTP_PASSWORD_FILE than
    /// as a flag, which other users of the machine can see.
    #[arg(
        long,
        env = "GOLDSEAM_SMTP_PASSWORD",
        hide_env_values = true,
        hide = true
    )]
    pub smtp_password: Option<String>,

    /// A file holding the SMTP password (a container secret, say).
    #[arg(long, env = "GOLDSEAM_SMTP_PASSWORD_FILE", value_name = "FILE")]
    pub smtp_password_file: Option<PathBuf>,

    /// The sender of every mail, e.g. "Goldseam <goldseam@example.org>".
    #[arg(long, env = "GOLDSEAM_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// For an operator trying Goldseam locally: write each mail as a file in this folder
    /// instead of sending it. Mutually exclusive with --smtp-url.
    #[arg(long, env = "GOLDSEAM_MAIL_LOG_DIR", value_name = "DIR")]
    pub mail_log_dir: Option<PathBuf>,
}

/// How mail reaches an SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which must succeed (`smtp://`).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Wrapper,
    /// No encryption (`?tls=none`): only for a relay on the same machine, or tests.
    None,
}

/// An `--smtp-url`: host, port and how the connection is protected. Credentials never
/// come in it (they would show in the process list), only from the user and password
/// options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
}

impl std::str::FromStr for SmtpUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (scheme, rest) = s
            .split_once("://")
            .ok_or("expected smtp://host:port or smtps://host:port")?;
        let (authority, query) = match rest.split_once('?') {
            Some((authority, query)) => (authority, Some(query)),
            None => (rest, None),
        };
        let authority = authority.trim_end_matches('/');
        if authority.contains('@') || authority.contains('/') {
            return Err("put the SMTP user and password in GOLDSEAM_SMTP_USER and                  GOLDSEAM_SMTP_PASSWORD (or their _FILE forms), not in the URL"
                .to_owned());
        }
        let mut tls = match scheme {
            "smtp" => SmtpTls::StartTls,
            "smtps" => SmtpTls::Wrapper,
            _ => return Err("expected smtp:// (STARTTLS) or smtps:// (TLS)".to_owned()),
        };
        match query {
            None => {}
            Some("tls=none") if tls == SmtpTls::StartTls => tls = SmtpTls::None,
            Some(other) => {
                return Err(format!(
                    "unknown option {other:?} (only tls=none, with smtp://)"
                ));
            }
        }
        let default_port = if tls == SmtpTls::Wrapper { 465 } else { 587 };
        let (host, port) = match authority.strip_prefix('[') {
            // An IPv6 address: [::1]:25
            Some(v6) => {
                let (host, after) = v6.split_once(']').ok_or("an unclosed [ in the SMTP host")?;
                (host, after.strip_prefix(':'))
            }
            None => match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            },
        };
        let port = match port {
            None => default_port,
            Some(port) => port
                .parse::<u16>()
                .map_err(|_| format!("{port:?} is not a port number"))?,
        };
        if host.is_empty() {
            return Err("the SMTP URL names no host".to_owned());
        }
        Ok(Self {
            host: host.to_owned(),
            port,
            tls,
        })
    }
}

/// Where the app's mail goes, once the options are read.
#[derive(Clone)]
pub enum MailVia {
    Smtp {
        url: SmtpUrl,
        user: Option<String>,
        password: Option<String>,
    },
    /// Each mail becomes a file in this folder (for trying Goldseam locally).
    Dir(PathBuf),
}

impl fmt::Debug for MailVia {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Smtp { url, user, .. } => f
                .debug_struct("Smtp")
                .field("url", url)
                .field("user", &user.as_ref().map(|_| "…"))
                .finish_non_exhaustive(),
            Self::Dir(dir) => f.debug_tuple("Dir").field(dir).finish(),
        }
    }
}

/// Mail is configured: who it comes from and how it leaves.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub from: String,
    pub via: MailVia,
}

impl MailArgs {
    /// The mail settings these options describe, reading the `_FILE` options (so call it
    /// from `main`, not while parsing). `None` when no mail is configured.
    pub fn settings(&self) -> Result<Option<MailSettings>, String> {
        let read = |path: &PathBuf| {
            std::fs::read_to_string(path)
                .map(|s| s.trim_end_matches(['\r', '\n']).to_owned())
                .map_err(|e| format!("reading {}: {e}", path.display()))
        };
        let via = match (&self.smtp_url, &self.mail_log_dir) {
            (Some(_), Some(_)) => {
                return Err("--smtp-url and --mail-log-dir cannot both be set".to_owned());
            }
            (None, None) => return Ok(None),
            (None, Some(dir)) => MailVia::Dir(dir.clone()),
            (Some(url), None) => {
                let user = match (&self.smtp_user, &self.smtp_user_file) {
                    (Some(_), Some(_)) => {
                        return Err("set the SMTP user or its file, not both".to_owned());
                    }
                    (Some(user), None) => Some(user.clone()),
                    (None, Some(file)) => Some(read(file)?),
                    (None, None) => None,
                };
                let password = match (&self.smtp_password, &self.smtp_password_file) {
                    (Some(_), Some(_)) => {
                        return Err("set the SMTP password or its file, not both".to_owned());
                    }
                    (Some(password), None) => Some(password.clone()),
                    (None, Some(file)) => Some(read(file)?),
                    (None, None) => None,
                };
                if password.is_some() && user.is_none() {
                    return Err("an SMTP password needs an SMTP user".to_owned());
                }
                if user.is_some() && url.tls == SmtpTls::None {
                    return Err("an SMTP password is never sent without TLS (tls=none)".to_owned());
                }
                MailVia::Smtp {
                    url: url.clone(),
                    user,
                    password,
                }
            }
        };
        let from = self
            .mail_from
            .clone()
            .ok_or("--mail-from (GOLDSEAM_MAIL_FROM) is needed to send mail")?;
        Ok(Some(MailSettings { from, via }))
    }
}

/// The state cache's default budgets, ready and compact. DESIGN.md's target is under
/// 100 MB resident with 10,000 spaces cached; `cargo bench --bench memory` fills both
/// tiers with spaces of a month's use and measures it. Ready states are the ones read
/// right now: about 220 spaces of a month's use, or 25 of a year's. Behind them the
/// compact tier keeps their snapshot encodings compressed, about 6.5 KB for a month's use
/// and 40 KB for a year's (random ids and people's own words compress only about twofold),
/// so about 10,000 of a month's use, each unpacked in tens of microseconds when it is read
/// again. A space in neither costs a read and fold of its record (milliseconds, or one
/// snapshot and what came after it).
pub const DEFAULT_STATE_CACHE_MIB: u64 = 8;
/// See [`DEFAULT_STATE_CACHE_MIB`].
pub const DEFAULT_COMPACT_CACHE_MIB: u64 = 66;

/// The page cache's default budget: about 150 one-year home pages.
pub const DEFAULT_PAGE_CACHE_MIB: u64 = 16;

/// How many events are folded past a space's snapshot before a new one is written, unless
/// told otherwise: a first load then folds at most about this many events after reading
/// the snapshot (a ten-year space's snapshot is about 1 MB, and a thousand events a year
/// or two of daily use), and a space gets a new snapshot about every few hundred days.
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 1000;

const MIB: u64 = 1024 * 1024;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The space's id (shown in its address: /spaces/ID).
    #[arg(long)]
    pub space: String,
    /// The file to write.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// An export written by `goldseam export` or downloaded from a record page.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Years of daily use to generate, from 1 to 20.
    #[arg(
        long,
        default_value_t = 2,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::demo::MAX_YEARS))
    )]
    pub years: u32,
    /// Seed for the generated story; the same seed tells the same story. Random if not given.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder for the demo's SQLite database. Deliberately not read from GOLDSEAM_DATA_DIR
    /// and not the server's default folder, so a demo never lands in real data by accident.
    #[arg(long, default_value = "goldseam-demo")]
    pub data_dir: PathBuf,
    /// Database for the demo instead of the SQLite file in its folder; only as a flag, never
    /// from GOLDSEAM_DATABASE_URL, for the same reason.
    #[arg(long)]
    pub database_url: Option<DatabaseUrl>,
}

impl DemoArgs {
    pub fn storage(&self) -> StorageArgs {
        StorageArgs {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
        }
    }
}

/// A database URL; its `Debug` hides any password in it.
#[derive(Clone)]
pub struct DatabaseUrl(pub String);

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("postgres://")
            || s.starts_with("postgresql://")
            || s.starts_with("sqlite:")
        {
            Ok(Self(s.to_owned()))
        } else {
            Err("expected a postgres://, postgresql:// or sqlite: URL".to_owned())
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.0.split(':').next().unwrap_or("?");
        write!(f, "DatabaseUrl({scheme}://…)")
    }
}

/// What the running application needs to know, derived once from [`ServeArgs`].
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: String,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub session_idle: Duration,
    pub session_max: Duration,
    pub invite_ttl: Duration,
    /// What cached space states may hold, in bytes (see `app::StateCache`).
    pub state_cache_bytes: u64,
    /// What compressed space states may hold, in bytes (see `app::StateCache`).
    pub compact_cache_bytes: u64,
    /// What cached pages may hold, in bytes (see `app::PageCache`).
    pub page_cache_bytes: u64,
    /// How many events are folded past a space's snapshot before a new one is written;
    /// 0: none is (see `app::snapshots`).
    pub snapshot_every: u64,
    /// How long requests in flight may take to finish once a shutdown begins.
    pub shutdown_grace: Duration,
    /// How long a client may take to send a request's headers.
    pub header_read: Duration,
    /// How long a client may take to send a request's body.
    pub body_read: Duration,
    /// The operator's local helplines and services, one line each (see [`local_help`]).
    pub local_help: Vec<String>,
    /// Where mail goes; `None`: this server sends no mail (see [`MailArgs`]).
    pub mail: Option<MailSettings>,
    /// How often the reminder worker looks for reminders to send (when mail is on);
    /// `None`: it never does by itself (tests call `web::remind_due` instead).
    pub reminder_every: Option<Duration>,
}

/// How often the reminder worker looks, unless told otherwise.
pub const REMINDER_EVERY: Duration = Duration::from_secs(60);

impl Settings {
    pub fn from_args(args: &ServeArgs) -> Self {
        let base_url = args
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.bind))
            .trim_end_matches('/')
            .to_owned();
        Self {
            base_url: base_url.clone(),
            // An https base URL means the browser talks HTTPS, so cookies can be Secure.
            secure_cookies: args.secure_cookies || base_url.starts_with("https://"),
            trust_forwarded_for: args.trust_forwarded_for,
            session_idle: Duration::from_secs(args.session_idle_minutes.saturating_mul(60)),
            session_max: Duration::from_secs(args.session_max_hours.saturating_mul(3600)),
            invite_ttl: Duration::from_secs(7 * 24 * 3600),
            state_cache_bytes: args.state_cache_mib.saturating_mul(MIB),
            compact_cache_bytes: args.compact_cache_mib.saturating_mul(MIB),
            page_cache_bytes: args.page_cache_mib.saturating_mul(MIB),
            snapshot_every: args.snapshot_every,
            shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
            header_read: Duration::from_secs(args.header_read_secs),
            body_read: Duration::from_secs(args.body_read_secs),
            local_help: Vec::new(),
            mail: None,
            reminder_every: Some(REMINDER_EVERY),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080".to_owned(),
            secure_cookies: false,
            trust_forwarded_for: false,
            session_idle: Duration::from_secs(480 * 60),
            session_max: Duration::from_secs(336 * 3600),
            invite_ttl: Duration::from_secs(7 * 24 * 3600),
            state_cache_bytes: DEFAULT_STATE_CACHE_MIB * MIB,
            compact_cache_bytes: DEFAULT_COMPACT_CACHE_MIB * MIB,
            page_cache_bytes: DEFAULT_PAGE_CACHE_MIB * MIB,
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
            shutdown_grace: Duration::from_secs(10),
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            local_help: Vec::new(),
            mail: None,
            reminder_every: Some(REMINDER_EVERY),
        }
    }
}

/// The most lines, and the longest line, a local help file may have.
pub const LOCAL_HELP_LINES: usize = 40;
pub const LOCAL_HELP_LINE_CHARS: usize = 300;

/// The lines of a local help file: trimmed, blank lines and `#` comments left out. A file
/// that is too long or holds control characters is refused with the line it is about, so
/// the operator finds out at start rather than a frightened person finding a broken page.
pub fn local_help(text: &str) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    // A byte-order mark some editors write would hide a first-line comment's `#`.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = number + 1;
        // Control characters, and the invisible marks that reorder or hide text.
        let hidden = |c: char| {
            c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
        };
        if line.chars().any(hidden) {
            return Err(format!(
                "line {number} holds a control character or an invisible mark"
            ));
        }
        if line.chars().count() > LOCAL_HELP_LINE_CHARS {
            return Err(format!(
                "line {number} is longer than {LOCAL_HELP_LINE_CHARS} characters"
            ));
        }
        lines.push(line.to_owned());
    }
    if lines.len() > LOCAL_HELP_LINES {
        return Err(format!("it has more than {LOCAL_HELP_LINES} lines"));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_say_how_the_connection_is_protected() {
        let url = |s: &str| s.parse::<SmtpUrl>();
        assert_eq!(
            url("smtp://mail.example.org:587"),
            Ok(SmtpUrl {
                host: "mail.example.org".into(),
                port: 587,
                tls: SmtpTls::StartTls
            })
        );
        assert_eq!(
            url("smtps://mail.example.org").map(|u| (u.port, u.tls)),
            Ok((465, SmtpTls::Wrapper))
        );
        assert_eq!(
            url("smtp://127.0.0.1:2525?tls=none").map(|u| u.tls),
            Ok(SmtpTls::None)
        );
        assert!(
            url("smtps://h?tls=none").is_err(),
            "plain text is never smtps"
        );
        assert!(
            url("smtp://user:secret@h").is_err(),
            "credentials stay out of the URL"
        );
        assert!(url("http://h").is_err());
        assert!(url("smtp://h:port").is_err());
    }

    #[test]
    fn mail_needs_a_sender_and_one_way_out() {
        let mut args = MailArgs::default();
        assert!(matches!(args.settings(), Ok(None)), "no mail configured");
        args.mail_log_dir = Some("mail".into());
        assert!(args.settings().is_err(), "no --mail-from");
        args.mail_from = Some("Goldseam <g@example.org>".into());
        assert!(matches!(args.settings(), Ok(Some(_))));
        args.smtp_url = Some("smtp://h".parse().expect("url"));
        assert!(args.settings().is_err(), "both ways out");
        args.mail_log_dir = None;
        args.smtp_password = Some("secret".into());
        assert!(args.settings().is_err(), "a password without a user");
        args.smtp_user = Some("me".into());
        let settings = args.settings().expect("settings").expect("mail");
        assert!(
            !format!("{settings:?}").contains("secret"),
            "Debug hides the password"
        );
    }

    #[test]
    fn a_local_help_file_is_read_line_by_line_without_comments() {
        let text = "# Our county\n\n  Crisis line: 0800 000 000  \nAbuse support, day and night\n";
        assert_eq!(
            local_help(text),
            Ok(vec![
                "Crisis line: 0800 000 000".to_owned(),
                "Abuse support, day and night".to_owned()
            ])
        );
        assert_eq!(local_help(""), Ok(Vec::new()));
    }

    #[test]
    fn a_local_help_file_that_would_break_the_page_is_refused_with_its_line() {
        let long = "x".repeat(LOCAL_HELP_LINE_CHARS + 1);
        assert!(local_help(&format!("ok\n{long}")).is_err_and(|e| e.contains("line 2")));
        assert!(local_help("bell \u{7} here").is_err_and(|e| e.contains("line 1")));
        assert!(
            local_help("call \u{202e}000 0080").is_err(),
            "text that reads reversed"
        );
        assert_eq!(
            local_help("\u{feff}# a comment\nline"),
            Ok(vec!["line".to_owned()])
        );
        let many = "line\n".repeat(LOCAL_HELP_LINES + 1);
        assert!(local_help(&many).is_err());
    }
}
