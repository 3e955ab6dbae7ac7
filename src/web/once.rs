//! A form sent twice records once.
//!
//! Every form that changes something carries, beside its CSRF token, a token of its own
//! rendering ([`FORM_FIELD`], written by the `csrf` macro in `templates/macros.html` with a
//! fresh value each time a page is drawn). Before a signed-in person's form reaches its
//! handler, its token is looked up for that session:
//! - seen before and saved: the answer is `303 See Other` to where the first answer went,
//!   and nothing reaches the handler, so nothing is recorded again;
//! - not seen: the handler runs. Only an answer that saved something — `303 See Other` to a
//!   page of this site, setting no cookie — is remembered. A refusal drawn again with what
//!   was typed, the warning before words of fear, a second look at the wording, or an error
//!   consume nothing: the same form can be sent again once it is right.
//!
//! Sends of one token take turns (`App::form_turn`), so the second request of a double
//! click waits for the first one's answer and then gets the same one. An answer that sets a
//! cookie (logging in, an invite link) is not remembered: giving it again without its cookie
//! would lose what the cookie carries, and the database never keeps cookies' secrets. A form
//! without the field (a script or an old page) is handled as before.
//!
//! The token is remembered after the handler answered, not in the transaction of the append:
//! if the server stopped between the two, a resend would record again. That keeps every use
//! case untouched; docs/architecture.md says why that is enough here.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::WebError;
use super::guard::{Viewer, form_field, is_local_path};
use super::view::{FORM_FIELD, see_other};
use crate::app::App;

pub async fn record_once(State(app): State<App>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let session = request
        .extensions()
        .get::<Viewer>()
        .and_then(|v| v.session.clone());
    let Some(session) = session else {
        return next.run(request).await;
    };
    // The guard has already read the whole body into memory; reading it again is a copy.
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, super::BODY_LIMIT).await else {
        return next.run(Request::from_parts(parts, Body::empty())).await;
    };
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    let Some(token) = form_field(&bytes, FORM_FIELD).filter(|t| is_token(t)) else {
        return next.run(request).await;
    };
    let _turn = app.form_turn(&token).await;
    match app.form_answered(&session, &token).await {
        Ok(Some(location)) => {
            tracing::info!("a form sent again was answered as the first time");
            return see_other(&location);
        }
        Ok(None) => {}
        Err(err) => return WebError(err).into_response(),
    }
    let response = next.run(request).await;
    if let Some(location) = saved_at(&response)
        && let Err(err) = app.remember_form(&session, &token, &location).await
    {
        // What the form saved is saved; only a second send of it would record again.
        tracing::warn!(error = %err, "could not remember a form's answer");
    }
    response
}

/// Where a saving answer sends the browser, if this answer is one to remember.
fn saved_at(response: &Response) -> Option<String> {
    let headers = response.headers();
    if response.status() != StatusCode::SEE_OTHER || headers.contains_key(header::SET_COOKIE) {
        return None;
    }
    let location = headers.get(header::LOCATION)?.to_str().ok()?;
    is_local_path(location).then(|| location.to_owned())
}

/// What `view::form_token` makes: unpadded base64url of 32 bytes.
fn is_token(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_as_pages_write_them_count() {
        assert!(is_token(&super::super::view::form_token()));
        assert!(!is_token(""));
        assert!(!is_token("short"));
        assert!(!is_token(&"a".repeat(44)));
        assert!(!is_token(&format!("{}/", "a".repeat(42))));
    }

    #[test]
    fn only_a_saving_answer_without_cookies_is_remembered() {
        assert_eq!(
            saved_at(&see_other("/spaces/x/breaches/y")).as_deref(),
            Some("/spaces/x/breaches/y")
        );
        assert_eq!(
            saved_at(&StatusCode::UNPROCESSABLE_ENTITY.into_response()),
            None
        );
        assert_eq!(saved_at(&"a page".into_response()), None);
        let mut with_cookie = see_other("/");
        with_cookie
            .headers_mut()
            .insert(header::SET_COOKIE, "a=b".parse().unwrap());
        assert_eq!(saved_at(&with_cookie), None);
    }
}
