//! Quick exit: one control on every page that leaves Goldseam at once, and the plain pages
//! it lands on. These routes stand outside the guard (see `web::router`): leaving and the
//! plain pages never wait on the database, never fail with it, and set no cookie.
//!
//! Leaving works without JavaScript (the control is a form that posts to `/exit`) and must
//! never fail, so `/exit` takes no CSRF token: a frightened person on a page left open for
//! hours must still get out. What another site could do with that is refused: a form posted
//! from anywhere but our own pages (`Sec-Fetch-Site`, else `Origin`) only gets a redirect to
//! the plain page, with nothing ended or deleted, so no one can sign a person out from
//! elsewhere. From our pages, `/exit` ends this browser's session on the server (waiting at
//! most [`EXIT_WAIT`] for the database, and finishing in the background after that),
//! deletes the session, invite and CSRF cookies by name, and lands on the person's chosen
//! page. It keeps the device cookie: clearing it would let a partner who knows the email
//! keep the account throttled, and a lock-out is itself a weapon (DESIGN).
//!
//! With JavaScript, `app.js` empties the page, posts to `/exit` in the background and
//! replaces the page in the history with the plain page, so Back does not come here;
//! Escape pressed twice does the same. Without JavaScript the browser adds the plain page
//! to its history after the page left (Chromium does so even for a form posted to the
//! page's own address, which was tried); Back then asks the server for that page again
//! (pages are `no-store`) and gets the sign-in page, since the session is over.
//!
//! `Clear-Site-Data` is sent with `"storage"` only: Goldseam keeps nothing there, and it
//! takes with it anything a later script might. `"cache"` is not sent (it can freeze
//! Chromium for seconds, and every page is `no-store` anyway), nor `"cookies"` (it would
//! take the device cookie, and every other site's on the same domain).
//!
//! The landing pages look like any plain page on the web: no Goldseam name or icon, no
//! quick exit, no script, nothing fetched from anywhere else.

use std::time::Duration;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::guard::{ANON_CSRF_COOKIE, INVITE_COOKIE, SESSION_COOKIE, cookie_value, set_cookie};
use super::routes::Routes;
use super::view::asset_cache_control;
use crate::app::App;
use crate::domain::quick_exit::{ExitTo, RECIPE_PATH, WEATHER_PATH};

/// Where the quick exit form posts.
pub const EXIT_PATH: &str = "/exit";

/// The longest leaving waits for the database before it goes anyway.
pub const EXIT_WAIT: Duration = Duration::from_millis(1500);

/// The routes that stand outside the guard: leaving, the plain pages and their look.
pub fn routes() -> Routes {
    Routes::new()
        .route(EXIT_PATH, post(exit))
        .route(WEATHER_PATH, get(weather))
        .route(RECIPE_PATH, get(recipe))
        .route("/static/plain.css", get(plain_style))
        .route("/static/page.svg", get(plain_icon))
}

const CLEAR_SITE_DATA: &str = "\"storage\"";

/// Shown for an address of the person's own, which a form's redirect may not reach under
/// our `form-action 'self'` policy: the page refreshes to it at once.
#[derive(Template, WebTemplate)]
#[template(path = "quick_exit_away.html")]
struct Away {
    to: String,
}

/// Whether a form comes from one of our own pages. Browsers say so in `Sec-Fetch-Site`;
/// older ones send `Origin`; a request with neither (not a browser form) is taken as ours.
fn from_our_pages(headers: &HeaderMap, base_url: &str) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match (value("sec-fetch-site"), value("origin")) {
        (Some(site), _) => site == "same-origin" || site == "none",
        (None, Some(origin)) => base_url.trim_end_matches('/') == origin,
        (None, None) => true,
    }
}

async fn exit(State(app): State<App>, headers: HeaderMap) -> Response {
    if !from_our_pages(&headers, &app.settings().base_url) {
        return Redirect::to(WEATHER_PATH).into_response();
    }
    let secure = app.settings().secure_cookies;
    let to = match cookie_value(&headers, SESSION_COOKIE, secure).map(str::to_owned) {
        None => ExitTo::default(),
        Some(token) => {
            // The session ends in a task of its own: if the database is slow, leaving goes
            // on after EXIT_WAIT and the task finishes the job.
            let leaving = app.clone();
            let ending = tokio::spawn(async move { leaving.quick_exit(&token).await });
            match tokio::time::timeout(EXIT_WAIT, ending).await {
                Ok(Ok(Some(to))) => to,
                _ => ExitTo::default(),
            }
        }
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
        if let Some(cookie) = set_cookie(name, "", 0, secure) {
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

const PLAIN_STYLE: &str = include_str!("../../static/plain.css");
const PLAIN_ICON: &str = include_str!("../../static/page.svg");

async fn plain_style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, asset_cache_control()),
        ],
        PLAIN_STYLE,
    )
}

async fn plain_icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml".to_owned()),
            (header::CACHE_CONTROL, asset_cache_control()),
        ],
        PLAIN_ICON,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_form_from_our_own_pages_ends_anything() {
        let base = "https://goldseam.example";
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(*name, HeaderValue::from_static(value));
            }
            from_our_pages(&headers, base)
        };
        assert!(with(&[("sec-fetch-site", "same-origin")]));
        assert!(!with(&[("sec-fetch-site", "cross-site")]));
        assert!(
            !with(&[("sec-fetch-site", "same-site")]),
            "a sibling subdomain"
        );
        assert!(with(&[("origin", "https://goldseam.example")]));
        assert!(!with(&[("origin", "https://evil.example")]));
        assert!(with(&[]));
    }
}
