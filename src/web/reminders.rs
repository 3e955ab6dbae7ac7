//! Reminders: the choice on the account page, the worker that looks for what to remind of,
//! and the one-click way out that every reminder carries.
//!
//! What waits is what the home page lists (`web::WAITING`), each capability's items filed
//! under the topic a person can choose. The way out (`/reminders/unsubscribe/{token}`)
//! stands outside the guard: a mail client posts to it with no cookie and no CSRF token
//! (RFC 8058), and the token in the path is the key. Opening it (GET, as a mail scanner
//! following links does) only shows a page with a button; nothing changes until it is
//! posted.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::WAITING;
use super::context::{TokenPath, plausible_token};
use super::error::WebError;
use super::guard::SignedIn;
use super::routes::Routes;
use super::view::{Chrome, FormError};
use crate::app::{App, AppError, ReminderChoice, ReminderInput};
use crate::domain::PersonId;
use crate::domain::reminders::{Minute, Topic};
use crate::domain::space::SpaceState;

/// The account page's part, signed in and behind the guard.
pub fn routes() -> Routes {
    Routes::new().route("/account/reminders", get(page).post(save))
}

/// The way out, outside the guard (see the module's note).
pub fn outside_guard() -> Routes {
    Routes::new().route(
        "/reminders/unsubscribe/{token}",
        get(unsubscribe_page).post(unsubscribe),
    )
}

/// Where everything waiting for `viewer` in a space waits, by topic: (topic, where).
pub fn items(state: &SpaceState, viewer: PersonId, now_us: i64) -> Vec<(Topic, String)> {
    WAITING
        .iter()
        .flat_map(|(topic, waiting)| {
            waiting(state, viewer, now_us)
                .into_iter()
                .map(|(_, at)| (*topic, at))
        })
        .collect()
}

/// One round of the reminder worker, now: what the background worker does every minute,
/// and what a test calls after moving its clock.
pub async fn remind_due(app: &App) -> usize {
    app.remind_due(items).await
}

/// The worker beside the server, when mail is on and it is asked to look by itself.
pub(super) fn start(app: &App) -> Option<tokio::task::JoinHandle<()>> {
    let every = app.settings().reminder_every?;
    if !app.sends_mail() {
        return None;
    }
    if !app.settings().base_url.starts_with("https://") {
        tracing::warn!(
            "reminders link to an http:// address: mail providers offer one-click unsubscribe \
             (RFC 8058) only for https, so set --base-url to the https address people use"
        );
    }
    let app = app.clone();
    Some(tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            remind_due(&app).await;
        }
    }))
}

// ---- the settings page ------------------------------------------------------------------

/// A choice of hour in a form.
pub(super) struct Hour {
    pub value: u16,
    pub text: String,
}

/// A topic to tick.
pub(super) struct TopicChoice {
    pub name: &'static str,
    pub label: &'static str,
    pub ticked: bool,
}

/// The reminder settings page: `/account/reminders`, linked from the account page.
#[derive(Template, WebTemplate)]
#[template(path = "reminders.html")]
struct RemindersPage {
    chrome: Chrome,
    /// This server sends mail; without it there are no reminders to choose.
    mail: bool,
    how: &'static str,
    topics: Vec<TopicChoice>,
    quiet_from: u16,
    quiet_until: u16,
    digest_at: u16,
    hours: Vec<Hour>,
    /// The person's time zone, which the hours are in.
    zone: String,
    saved: bool,
    error: Option<FormError>,
}

fn hour_of(minute: Minute) -> u16 {
    minute / 60
}

impl RemindersPage {
    fn of(app: &App, user: &SignedIn, choice: &ReminderChoice) -> Self {
        let s = &choice.settings;
        Self {
            chrome: Chrome::signed_in(&user.session, &user.csrf).at("/account/reminders"),
            mail: app.sends_mail(),
            how: s.how.name(),
            topics: Topic::ALL
                .into_iter()
                .map(|t| TopicChoice {
                    name: t.name(),
                    label: t.label(),
                    ticked: s.topics.contains(&t),
                })
                .collect(),
            quiet_from: hour_of(s.quiet_from),
            quiet_until: hour_of(s.quiet_until),
            digest_at: hour_of(s.digest_at),
            hours: (0..24)
                .map(|h| Hour {
                    value: h,
                    text: format!("{h:02}:00"),
                })
                .collect(),
            zone: user.session.time_zone.name().to_owned(),
            saved: false,
            error: None,
        }
    }

    /// What was sent, shown again with its refusal (what cannot be read shows as before).
    fn sent_back(mut self, form: &SentForm) -> Self {
        if let Some(how) = crate::domain::reminders::How::from_name(&form.how) {
            self.how = how.name();
        }
        for topic in &mut self.topics {
            topic.ticked = form.topics.iter().any(|t| t == topic.name);
        }
        let hour = |raw: &str, was: u16| raw.trim().parse().ok().filter(|h| *h < 24).unwrap_or(was);
        self.quiet_from = hour(&form.quiet_from, self.quiet_from);
        self.quiet_until = hour(&form.quiet_until, self.quiet_until);
        self.digest_at = hour(&form.digest_at, self.digest_at);
        self
    }
}

/// The form, read by hand: its topics come as one field each.
#[derive(Default)]
struct SentForm {
    how: String,
    topics: Vec<String>,
    quiet_from: String,
    quiet_until: String,
    digest_at: String,
}

impl SentForm {
    fn parse(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "how" => form.how = value.into_owned(),
                "topics" => form.topics.push(value.into_owned()),
                "quiet_from" => form.quiet_from = value.into_owned(),
                "quiet_until" => form.quiet_until = value.into_owned(),
                "digest_at" => form.digest_at = value.into_owned(),
                _ => {}
            }
        }
        form
    }
}

/// Where mail would have been needed and this server sends none.
const NO_MAIL: &str = "This server isn't set up to send e-mail, so it cannot send reminders. \
                       Whoever runs it can turn mail on.";

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    saved: String,
}

async fn page(
    State(app): State<App>,
    user: SignedIn,
    axum::extract::Query(query): axum::extract::Query<SavedQuery>,
) -> Result<Response, WebError> {
    let choice = app.reminder_choice(&user.session).await?;
    let mut page = RemindersPage::of(&app, &user, &choice);
    page.saved = !query.saved.is_empty();
    Ok(page.into_response())
}

async fn save(State(app): State<App>, user: SignedIn, body: Bytes) -> Result<Response, WebError> {
    let form = SentForm::parse(&body);
    let refused = async |status: StatusCode, error: FormError| -> Result<Response, WebError> {
        let choice = app.reminder_choice(&user.session).await?;
        let mut page = RemindersPage::of(&app, &user, &choice).sent_back(&form);
        page.error = Some(error);
        Ok((status, page).into_response())
    };
    if !app.sends_mail() {
        let error = FormError {
            field: "how",
            message: NO_MAIL.to_owned(),
        };
        return refused(StatusCode::CONFLICT, error).await;
    }
    let input = ReminderInput {
        how: &form.how,
        topics: &form.topics,
        quiet_from: &form.quiet_from,
        quiet_until: &form.quiet_until,
        digest_at: &form.digest_at,
    };
    match app.set_reminders(&user.session, input).await {
        Ok(()) => Ok(Redirect::to("/account/reminders?saved=1").into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let error = FormError::on_form(
                err,
                &["how", "topics", "quiet_from", "quiet_until", "digest_at"],
            )?;
            refused(StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
        Err(err) => Err(WebError(err)),
    }
}

// ---- the way out ------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    token: String,
    /// Reminders are off now (the form was posted).
    done: bool,
}

fn link_gone() -> WebError {
    WebError(AppError::LinkGone)
}

async fn unsubscribe_page(
    State(app): State<App>,
    TokenPath(token): TokenPath,
) -> Result<Response, WebError> {
    if !plausible_token(&token) || !app.unsubscribe_link_is_live(&token).await? {
        return Err(link_gone());
    }
    Ok(UnsubscribePage {
        // Outside the guard there is no session: the page is drawn as for anyone.
        chrome: Chrome::anonymous(),
        token,
        done: false,
    }
    .into_response())
}

/// The one click: from the page's button, or from a mail client (`List-Unsubscribe=One-Click`
/// in its body, which is not needed: the token says whose reminders stop).
async fn unsubscribe(
    State(app): State<App>,
    TokenPath(token): TokenPath,
) -> Result<Response, WebError> {
    if !plausible_token(&token) || !app.unsubscribe(&token).await? {
        return Err(link_gone());
    }
    Ok(UnsubscribePage {
        // Outside the guard there is no session: the page is drawn as for anyone.
        chrome: Chrome::anonymous(),
        token: String::new(),
        done: true,
    }
    .into_response())
}
