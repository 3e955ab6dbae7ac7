//! Mail: the few messages Goldseam sends (composed from `templates/mail/`), and the way
//! out they take — an SMTP server, or files in a folder for trying Goldseam locally.
//!
//! Nothing here knows about the record: a mail is an address, a neutral subject and a plain
//! text body with at most a link in it. No record content, partner name or space name is
//! ever handed in. Sending is the outbox worker's (`app::outbox`), never a request's.

use std::path::PathBuf;
use std::time::Duration;

use askama::Template;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::{MailSettings, MailVia, SmtpTls};

/// A mail ready for the outbox.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    /// For a reminder: the address where one click stops reminders (sent as
    /// `List-Unsubscribe` with `List-Unsubscribe-Post`, RFC 8058). Account mail has none.
    pub unsubscribe: Option<String>,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail").finish_non_exhaustive()
    }
}

#[derive(Template)]
#[template(path = "mail/confirm.txt")]
struct ConfirmText<'a> {
    link: &'a str,
    hours: u64,
}

#[derive(Template)]
#[template(path = "mail/someone_tried.txt")]
struct SomeoneTriedText<'a> {
    log_in: &'a str,
    forgot: &'a str,
}

#[derive(Template)]
#[template(path = "mail/reminder.txt")]
struct ReminderText<'a> {
    log_in: &'a str,
    unsubscribe: &'a str,
    digest: bool,
}

#[derive(Template)]
#[template(path = "mail/reset.txt")]
struct ResetText<'a> {
    link: &'a str,
    minutes: u64,
}

/// Subjects say only what kind of account mail it is: a glance at a shared screen or a
/// lock screen learns nothing about the relationship.
pub const CONFIRM_SUBJECT: &str = "Confirm your e-mail address";
pub const SOMEONE_TRIED_SUBJECT: &str = "About your account";
pub const RESET_SUBJECT: &str = "Your password reset link";

impl Mail {
    /// The link that confirms a sign-up and logs its person in.
    pub fn confirmation(link: &str, lasts: Duration) -> Result<Self, askama::Error> {
        Ok(Self {
            subject: CONFIRM_SUBJECT.to_owned(),
            text: ConfirmText {
                link,
                hours: lasts.as_secs() / 3600,
            }
            .render()?,
            unsubscribe: None,
        })
    }

    /// To the owner of an address someone tried to sign up with again.
    pub fn someone_tried(base_url: &str) -> Result<Self, askama::Error> {
        Ok(Self {
            subject: SOMEONE_TRIED_SUBJECT.to_owned(),
            text: SomeoneTriedText {
                log_in: &format!("{base_url}/login"),
                forgot: &format!("{base_url}/password/forgot"),
            }
            .render()?,
            unsubscribe: None,
        })
    }

    /// A reminder: only that something waits, a link to log in, and the way to stop them.
    /// It never holds what waits, whose it is, or which space it is in.
    pub fn reminder(
        base_url: &str,
        unsubscribe: &str,
        digest: bool,
    ) -> Result<Self, askama::Error> {
        Ok(Self {
            subject: crate::domain::reminders::SUBJECT.to_owned(),
            text: ReminderText {
                log_in: &format!("{base_url}/login"),
                unsubscribe,
                digest,
            }
            .render()?,
            unsubscribe: Some(unsubscribe.to_owned()),
        })
    }

    /// The link that sets a new password.
    pub fn reset(link: &str, lasts: Duration) -> Result<Self, askama::Error> {
        Ok(Self {
            subject: RESET_SUBJECT.to_owned(),
            text: ResetText {
                link,
                minutes: lasts.as_secs() / 60,
            }
            .render()?,
            unsubscribe: None,
        })
    }
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Trying again will not help (the server refused the address for good, or the
    /// address cannot be written in a mail).
    #[error("refused for good: {0}")]
    Permanent(String),
    /// Maybe later: the server is down, busy or unreachable.
    #[error("not sent this time: {0}")]
    Transient(String),
}

/// How mail leaves.
enum Way {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dir(PathBuf),
}

/// Sends mail the configured way.
pub struct Mailer {
    from: Mailbox,
    way: Way,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").finish_non_exhaustive()
    }
}

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

/// How long one SMTP conversation may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

impl Mailer {
    pub fn new(settings: &MailSettings) -> anyhow::Result<Self> {
        let from: Mailbox = settings.from.parse().map_err(|e| {
            anyhow::anyhow!("--mail-from {:?} is not an address: {e}", settings.from)
        })?;
        let way = match &settings.via {
            MailVia::Dir(dir) => Way::Dir(dir.clone()),
            MailVia::Smtp {
                url,
                user,
                password,
            } => {
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&url.host)
                        .port(url.port)
                        .timeout(Some(SMTP_TIMEOUT));
                let tls = || {
                    TlsParameters::new(url.host.clone())
                        .map_err(|e| anyhow::anyhow!("TLS for {}: {e}", url.host))
                };
                builder = match url.tls {
                    SmtpTls::StartTls => builder.tls(Tls::Required(tls()?)),
                    SmtpTls::Wrapper => builder.tls(Tls::Wrapper(tls()?)),
                    SmtpTls::None => builder.tls(Tls::None),
                };
                if let Some(user) = user {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.clone().unwrap_or_default(),
                    ));
                }
                Way::Smtp(builder.build())
            }
        };
        Ok(Self { from, way })
    }

    /// Sends one mail to `to`; `id` names the file in a mail-log folder.
    pub async fn send(&self, id: &str, to: &str, mail: &Mail) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|e| {
            SendError::Permanent(format!("the address cannot be written in a mail: {e}"))
        })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        if let Some(url) = &mail.unsubscribe {
            // RFC 8058: a mail client offers "unsubscribe" and POSTs to the address itself;
            // a scanner that only follows links (GET) changes nothing.
            builder = builder
                .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let message = builder
            .body(mail.text.clone())
            .map_err(|e| SendError::Permanent(format!("building the message: {e}")))?;
        match &self.way {
            Way::Smtp(transport) => match transport.send(message).await {
                Ok(_) => Ok(()),
                Err(err) if err.is_permanent() => Err(SendError::Permanent(err.to_string())),
                Err(err) => Err(SendError::Transient(err.to_string())),
            },
            Way::Dir(dir) => write_file(dir, id, &message.formatted())
                .await
                .map_err(|e| SendError::Transient(format!("writing into {}: {e}", dir.display()))),
        }
    }
}

/// One `.eml` file per mail, readable by its owner only: it may hold a link that logs in.
async fn write_file(dir: &std::path::Path, id: &str, bytes: &[u8]) -> std::io::Result<()> {
    let safe: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let dir = dir.to_owned();
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || {
        use std::io::Write as _;
        std::fs::create_dir_all(&dir)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(dir.join(format!("{safe}.eml")))?;
        file.write_all(&bytes)?;
        file.sync_all()
    })
    .await
    .map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_mails_carry_their_link_and_neutral_subjects() {
        let link = "https://goldseam.example/signup/confirm/abc";
        let mail = Mail::confirmation(link, Duration::from_secs(24 * 3600)).expect("render");
        assert!(mail.text.contains(link));
        assert!(mail.text.contains("24 hours"));
        let reset = Mail::reset(link, Duration::from_secs(3600)).expect("render");
        assert!(reset.text.contains("60 minutes"));
        let tried = Mail::someone_tried("https://goldseam.example").expect("render");
        assert!(
            tried
                .text
                .contains("https://goldseam.example/password/forgot")
        );
        for mail in [mail, reset, tried] {
            assert!(!mail.text.contains("&#"), "plain text is not HTML-escaped");
            assert!(mail.subject.len() < 40);
        }
    }
}
