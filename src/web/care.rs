//! A gentle offer of help to someone who has just written words of self-harm or crisis.
//!
//! After any form a signed-in person sends is saved (it answers `303 See Other`), every
//! free-text field is read by `domain::crisis`. If one speaks of ending one's life or of
//! self-harm, that answer also sets a short-lived cookie ([`NOTE_COOKIE`]) in the author's
//! browser, and the next page that browser is shown opens with a short note that help is
//! there, a link to Help & safety, and the cookie deleted.
//!
//! That keeps the rules of the offer simple and checkable:
//! - **the author alone sees it**: only their browser holds the cookie;
//! - **it never blocks**: what they wrote is already saved when the offer is made;
//! - **it is made once**: on the first page after writing, not on a reload or on Back, and
//!   nothing in an address shows it or can be sent to someone to show it to them;
//! - **nothing about it is kept, sent or logged**: no event, nothing in the database, no log
//!   line, and the partner's pages are the same byte for byte whether it was made or not.
//!
//! The note is its own template (`help_offer.html`), put in the place every page marks for
//! it (`<!-- help-offer -->` in `base.html`), so no capability has to know about it.

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::guard::{CSRF_FIELD, Viewer, cookie_value, set_cookie};
use super::view::FORM_FIELD;
use crate::domain::crisis;

/// Set on the answer to a form with words of crisis; read and deleted by the next page.
pub const NOTE_COOKIE: &str = "goldseam_note";

/// How long the note waits for the next page (a person may pause before it loads).
const NOTE_MAX_AGE_SECS: i64 = 600;

/// Where every page may hold the note (see `base.html`).
const MARK: &str = "<!-- help-offer -->";

/// Fields that are never prose a person wrote about themselves.
const NOT_WRITING: &[&str] = &[
    CSRF_FIELD,
    FORM_FIELD,
    "password",
    "current_password",
    "new_password",
    "email",
];

#[derive(Template)]
#[template(path = "help_offer.html")]
struct Note;

pub async fn offer_help(request: Request, next: Next) -> Response {
    let Some(secure) = request
        .extensions()
        .get::<Viewer>()
        .filter(|v| v.session.is_some())
        .map(|v| v.secure_cookies)
    else {
        return next.run(request).await;
    };
    if request.method() == Method::GET {
        let waiting = cookie_value(request.headers(), NOTE_COOKIE, secure).is_some();
        let response = next.run(request).await;
        return if waiting {
            with_note(response, secure).await
        } else {
            response
        };
    }
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    // The guard has already read the whole body into memory; reading it again is a copy.
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, super::BODY_LIMIT).await else {
        return next.run(Request::from_parts(parts, Body::empty())).await;
    };
    let offer = speaks_of_crisis(&bytes);
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if offer
        && response.status() == StatusCode::SEE_OTHER
        && let Some(cookie) = set_cookie(NOTE_COOKIE, "1", NOTE_MAX_AGE_SECS, secure)
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The page with the note in its place, and the cookie deleted. Anything that is not a
/// page (a redirect, a download) passes untouched and leaves the note for the next one.
async fn with_note(response: Response, secure: bool) -> Response {
    let is_page = response.status() == StatusCode::OK
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !is_page {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let page = String::from_utf8_lossy(&bytes);
    let body = match (page.find(MARK), Note.render()) {
        (Some(at), Ok(note)) => {
            let mut shown = String::with_capacity(page.len() + note.len());
            shown.push_str(&page[..at]);
            shown.push_str(&note);
            shown.push_str(&page[at + MARK.len()..]);
            Bytes::from(shown)
        }
        _ => bytes,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(cookie) = set_cookie(NOTE_COOKIE, "", 0, secure) {
        parts.headers.append(header::SET_COOKIE, cookie);
    }
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(body))
}

/// Whether any field a person wrote in speaks of crisis.
fn speaks_of_crisis(body: &Bytes) -> bool {
    form_urlencoded::parse(body)
        .filter(|(name, _)| !NOT_WRITING.contains(&name.as_ref()))
        .any(|(_, value)| crisis::in_crisis(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_was_written_is_read() {
        let body = |s: &str| Bytes::from(s.to_owned());
        assert!(speaks_of_crisis(&body("text=I+want+to+die&csrf=x")));
        assert!(!speaks_of_crisis(&body("text=I+am+so+sad+today")));
        assert!(!speaks_of_crisis(&body(
            "password=I+want+to+die+now+please"
        )));
        assert!(!speaks_of_crisis(&body("")));
    }
}
