//! A real SMTP listener for the tests: a small server on 127.0.0.1:0 that speaks enough
//! SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for Goldseam's mailer to deliver
//! to it, and keeps every message it is given. It can be "down": then it answers every
//! connection with 421 and closes it, as a mail server that is restarting does.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use goldseam::config::{MailSettings, MailVia, SmtpTls, SmtpUrl};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How long a test waits for a mail before failing (it is woken as soon as one arrives).
const PATIENCE: Duration = Duration::from_secs(20);

/// One message as the sink received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    /// The message as sent in DATA (headers and encoded body), dot-stuffing undone.
    pub raw: String,
}

impl Received {
    fn split(&self) -> (&str, &str) {
        self.raw
            .split_once("\r\n\r\n")
            .unwrap_or((self.raw.as_str(), ""))
    }

    /// A header's value (folded lines joined), by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.split();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The body, decoded from its transfer encoding.
    pub fn text(&self) -> String {
        let (_, body) = self.split();
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        match encoding.as_str() {
            "base64" => {
                let compact: String = body.split_whitespace().collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .expect("base64 body");
                String::from_utf8(bytes).expect("UTF-8 body")
            }
            "quoted-printable" => quoted_printable(body),
            _ => body.to_owned(),
        }
        .replace("\r\n", "\n")
    }

    /// The first link in the body that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let at = text.find(prefix)?;
        Some(
            text[at..]
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_owned(),
        )
    }
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len() + 1
            && let Some(hex) = joined.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 body")
}

#[derive(Default)]
struct Shared {
    mails: std::sync::Mutex<Vec<Received>>,
    arrived: Notify,
    down: AtomicBool,
    refused: AtomicUsize,
}

/// The running sink; it stops when dropped with the test's runtime.
pub struct Sink {
    pub port: u16,
    shared: Arc<Shared>,
}

impl Sink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let port = listener.local_addr().expect("sink address").port();
        let shared = Arc::new(Shared::default());
        let serving = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = serving.clone();
                tokio::spawn(async move {
                    let _ = converse(stream, &shared).await;
                });
            }
        });
        Self { port, shared }
    }

    /// Goldseam's mail settings for sending to this sink.
    pub fn settings(&self) -> MailSettings {
        MailSettings {
            from: "Goldseam <goldseam@example.org>".to_owned(),
            via: MailVia::Smtp {
                url: SmtpUrl {
                    host: "127.0.0.1".to_owned(),
                    port: self.port,
                    tls: SmtpTls::None,
                },
                user: None,
                password: None,
            },
        }
    }

    /// While down, every connection is answered 421 and closed.
    pub fn set_down(&self, down: bool) {
        self.shared.down.store(down, Ordering::SeqCst);
    }

    /// Connections refused while down.
    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    pub fn mails(&self) -> Vec<Received> {
        self.shared.mails.lock().expect("sink lock").clone()
    }

    /// Waits until `n` mails have arrived in all; they are returned.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        self.until(|| self.mails().len() >= n, &format!("{n} mails"))
            .await;
        self.mails()
    }

    /// Waits until `n` connections were refused while down.
    pub async fn wait_refused(&self, n: usize) {
        self.until(|| self.refused() >= n, &format!("{n} refused connections"))
            .await;
    }

    /// The mails sent to `to`.
    pub fn to(&self, to: &str) -> Vec<Received> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .collect()
    }

    async fn until(&self, done: impl Fn() -> bool, what: &str) {
        let waited = tokio::time::timeout(PATIENCE, async {
            loop {
                let arrived = self.shared.arrived.notified();
                if done() {
                    return;
                }
                arrived.await;
            }
        })
        .await;
        assert!(waited.is_ok(), "the SMTP sink never saw {what}");
    }
}

async fn converse(stream: tokio::net::TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    if shared.down.load(Ordering::SeqCst) {
        write
            .write_all(b"421 sink unavailable, try again later\r\n")
            .await?;
        shared.refused.fetch_add(1, Ordering::SeqCst);
        shared.arrived.notify_waiters();
        return Ok(());
    }
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP ready\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if command.starts_with("HELO") {
            b"250 sink\r\n"
        } else if command.starts_with("MAIL FROM:") {
            to.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO:") {
            let address = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or_default()
                .to_owned();
            to.push(address);
            b"250 OK\r\n"
        } else if command == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut raw = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                raw.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            shared.mails.lock().expect("sink lock").push(Received {
                to: std::mem::take(&mut to),
                raw,
            });
            shared.arrived.notify_waiters();
            b"250 OK queued\r\n"
        } else if command == "RSET" || command == "NOOP" {
            b"250 OK\r\n"
        } else if command == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}
