//! Quick exit: one control on every page that leaves Goldseam at once, and the plain pages
//! it lands on.
//!
//! Leaving works without JavaScript (the control is a form that posts to `/exit`) and must
//! never fail: it is the one form the guard takes without a CSRF token, because a
//! frightened person on a page that has expired must still get out. Without JavaScript
//! the browser adds the plain page to its history after the page left (Chromium does so
//! even for a form posted to the page's own address, which was tried); Back then asks the
//! server for that page again (nothing is cached: `no-store`, `Clear-Site-Data`), and it
//! answers with the sign-in page, since the session is over. That costs nothing: the
//! session cookie is `SameSite=Lax`, so another site's form cannot end anyone's session,
//! and ending a session is all `/exit` does. It ends this browser's session on the server,
//! deletes our cookies, asks the browser to clear what it keeps for this site
//! (`Clear-Site-Data`), and lands on the person's chosen page. With JavaScript, `app.js`
//! empties the page, posts to `/exit` in the background and replaces the page in the
//! history, so Back does not come here; pressing Escape twice does the same.
//!
//! The landing pages look like any plain page on the web: no Goldseam name, no quick exit,
//! no script, nothing fetched from anywhere else.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::guard::{ANON_CSRF_COOKIE, INVITE_COOKIE, SESSION_COOKIE, set_cookie};
use crate::app::{App, Session};
use crate::domain::quick_exit::{ExitTo, RECIPE_PATH, WEATHER_PATH};

/// Where the quick exit form posts. The guard answers it itself, before any route and
/// before the CSRF check.
pub const EXIT_PATH: &str = "/exit";

/// The routes of the plain pages; `/exit` has none (see [`EXIT_PATH`]).
pub fn routes() -> Router<App> {
    Router::new()
        .route(WEATHER_PATH, get(weather))
        .route(RECIPE_PATH, get(recipe))
}

/// Whether a form posted to `path` is quick exit.
pub fn is_leaving(path: &str) -> bool {
    path == EXIT_PATH
}

/// What the browser is asked to forget: its cache of our pages (and with it the pages kept
/// for Back and Forward), our cookies, and anything stored for this site.
const CLEAR_SITE_DATA: &str = "\"cache\", \"cookies\", \"storage\"";

/// Shown for an address of the person's own, which a form's redirect may not reach under
/// our `form-action 'self'` policy: the page refreshes to it at once.
#[derive(Template, WebTemplate)]
#[template(path = "quick_exit_away.html")]
struct Away {
    to: String,
}

/// Ends `session` (if any), deletes our cookies, asks the browser to clear this site, and
/// lands on the person's chosen page.
pub async fn leave(app: &App, session: Option<&Session>, secure_cookies: bool) -> Response {
    let to = match session {
        Some(session) => {
            // Leaving must not wait on or fail with the database: the cookie goes anyway.
            if let Err(err) = app.log_out(session).await {
                tracing::warn!(error = %err, "quick exit could not end the session on the server");
            }
            session.exit_to.clone()
        }
        None => ExitTo::default(),
    };
    let mut response = match &to {
        ExitTo::Address(address) => Away {
            to: address.clone(),
        }
        .into_response(),
        local => Redirect::to(local.href()).into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static(CLEAR_SITE_DATA),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for name in [SESSION_COOKIE, INVITE_COOKIE, ANON_CSRF_COOKIE] {
        if let Some(cookie) = set_cookie(name, "", 0, secure_cookies) {
            headers.append(header::SET_COOKIE, cookie);
        }
    }
    response
}

#[derive(Template, WebTemplate)]
#[template(path = "quick_exit_weather.html")]
struct Weather;

#[derive(Template, WebTemplate)]
#[template(path = "quick_exit_recipe.html")]
struct Recipe;

async fn weather() -> Response {
    Weather.into_response()
}

async fn recipe() -> Response {
    Recipe.into_response()
}
