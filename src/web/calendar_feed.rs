//! The calendar feed: its address, served to a calendar app without a session, and its
//! section of the account page, where it is made, made anew or turned off.
//!
//! The address's path holds the token, so it never reaches a log or a metric: both name
//! the route template (`/calendar/{token}/reminders.ics`), never the path.

use std::future::Future;
use std::pin::Pin;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::context::plausible_token;
use super::error::{WebError, not_found};
use super::guard::SignedIn;
use super::routes::Routes;
use crate::app::App;
use crate::store::CalendarFeedRow;

pub fn routes() -> Routes {
    Routes::new()
        .route("/calendar/{token}/reminders.ics", get(feed))
        .route("/account/calendar", post(start))
        .route("/account/calendar/off", post(stop))
}

/// The id of this section on the account page.
pub const SECTION: &str = "calendar";

/// The feed, for a calendar app. Anything but a live feed's token is the same 404 as any
/// unknown page.
async fn feed(State(app): State<App>, Path(token): Path<String>) -> Result<Response, WebError> {
    if !plausible_token(&token) {
        return Err(not_found());
    }
    let text = app.calendar_feed_text(&token).await?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "calendar_feed.html")]
struct Section {
    chrome_csrf: String,
    feed: Option<CalendarFeedRow>,
    made_on: String,
    /// The new address, shown this once.
    fresh: Option<String>,
    /// The new address replaced one, which has stopped.
    replaced: bool,
}

async fn section(
    app: &App,
    user: &SignedIn,
    fresh: Option<(String, bool)>,
) -> Result<String, WebError> {
    let feed = app.calendar_feed(&user.session).await?;
    let made_on = feed
        .and_then(|f| f.created_at.checked_mul(1_000_000))
        .and_then(|us| user.session.time_zone.date_at(us))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let (fresh, replaced) = match fresh {
        Some((url, replaced)) => (Some(url), replaced),
        None => (None, false),
    };
    Section {
        chrome_csrf: user.csrf.clone(),
        feed,
        made_on,
        fresh,
        replaced,
    }
    .render()
    .map_err(|e| WebError::from(anyhow::Error::new(e)))
}

/// This capability's section of the account page, as the page lists it.
pub fn on_account<'a>(
    app: &'a App,
    user: &'a SignedIn,
) -> Pin<Box<dyn Future<Output = Result<String, WebError>> + Send + 'a>> {
    Box::pin(section(app, user, None))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct StartForm {
    detailed: String,
}

/// Makes the feed (or a new address for it) and shows the account page with the address,
/// this once: it is not kept, so it cannot go into a redirect or be drawn again.
async fn start(
    State(app): State<App>,
    user: SignedIn,
    Form(form): Form<StartForm>,
) -> Result<Response, WebError> {
    let detailed = form.detailed == "yes";
    let fresh = app.start_calendar_feed(&user.session, detailed).await?;
    let drawn = section(&app, &user, Some(fresh)).await?;
    super::ACCOUNT_PAGE(&app, &user, (SECTION, drawn)).await
}

async fn stop(State(app): State<App>, user: SignedIn) -> Result<Response, WebError> {
    app.stop_calendar_feed(&user.session).await?;
    Ok(Redirect::to("/account#calendar").into_response())
}
