//! A gentle offer of help to someone who has just written words of self-harm or crisis.
//!
//! After any form a signed-in person sends is saved (it answers `303 See Other` to a page
//! here), every free-text field is read by `domain::crisis`. If one speaks of ending one's
//! life or of self-harm, the page the person is sent to opens with a short note that help
//! is there, and a link to Help & safety: the redirect's address gains the fragment
//! [`OFFER_FRAGMENT`], and the note, present but hidden on every page, shows itself only
//! when it is the target (`:target` in the stylesheet, so it works without JavaScript).
//!
//! That keeps the rules of the offer simple and checkable:
//! - **the author alone sees it**: only their browser is sent to that address;
//! - **it never blocks**: what they wrote is already saved when the offer is made;
//! - **it is made once**, on the page right after writing, and not again on the next;
//! - **nothing about it is kept, sent or logged**: no event, no cookie, no log line, and the
//!   partner's pages are the same byte for byte whether the offer was made or not.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::guard::{CSRF_FIELD, Viewer};
use crate::domain::crisis;

/// The id of the offer's note on every page, and the fragment that shows it.
pub const OFFER_FRAGMENT: &str = "help-is-here";

/// Fields that are never prose a person wrote about themselves.
const NOT_WRITING: &[&str] = &[
    CSRF_FIELD,
    "password",
    "current_password",
    "new_password",
    "email",
];

pub async fn offer_help(request: Request, next: Next) -> Response {
    let signed_in = request
        .extensions()
        .get::<Viewer>()
        .is_some_and(|v| v.session.is_some());
    if !signed_in || request.method() != Method::POST {
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
    if offer && response.status() == StatusCode::SEE_OTHER {
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .filter(|l| super::guard::is_local_path(l))
            .map(|l| l.split('#').next().unwrap_or(l).to_owned());
        if let Some(path) = location
            && let Ok(value) = HeaderValue::from_str(&format!("{path}#{OFFER_FRAGMENT}"))
        {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    response
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
