//! The guard in front of every route: finds the session behind the cookie, and refuses any
//! state-changing request whose form does not carry the CSRF token tied to that session
//! (or, before log-in, to the visitor's CSRF cookie). Handlers find a [`Viewer`] in the
//! request's extensions and never see a request that failed these checks.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;

use super::error::{WebError, error_page};
use crate::app::{App, Session, random_token};
use crate::domain::SpaceId;

pub const SESSION_COOKIE: &str = "goldseam_session";
pub const ANON_CSRF_COOKIE: &str = "goldseam_csrf";
/// The newest invite link's token, kept by the inviter's browser only: the database keeps
/// its hash, so the space page can show the link again without the server holding it.
pub const INVITE_COOKIE: &str = "goldseam_invite";
/// Marks a browser that logged in to an account before (see `App::log_in`).
pub const DEVICE_COOKIE: &str = "goldseam_device";

/// Over HTTPS cookies carry the `__Host-` prefix: the browser then accepts them only with
/// `Secure`, `Path=/` and no `Domain`, so a sibling subdomain cannot plant one.
fn cookie_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The client's address: the connection's, or with `trust_forwarded_for` the address the
/// reverse proxy appended last to `X-Forwarded-For` (earlier entries are the client's
/// own claims and can be forged).
pub fn client_ip(
    headers: &HeaderMap,
    connected: std::net::IpAddr,
    trust_forwarded_for: bool,
) -> std::net::IpAddr {
    if !trust_forwarded_for {
        return connected;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|ip| ip.trim().parse().ok())
        .next_back()
        .unwrap_or(connected)
}
/// The form field every state-changing form carries.
pub const CSRF_FIELD: &str = "csrf";

/// Who is asking, as established by the guard.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub session: Option<Session>,
    /// The token forms on this page must carry.
    pub csrf: String,
    pub secure_cookies: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(|| WebError::from(anyhow::anyhow!("route is not behind the guard")))
    }
}

/// A viewer who must be signed in; anyone else is sent to the log-in page and back.
pub struct SignedIn {
    pub session: Session,
    pub csrf: String,
    pub secure_cookies: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match viewer.session {
            Some(session) => Ok(Self {
                session,
                csrf: viewer.csrf,
                secure_cookies: viewer.secure_cookies,
            }),
            None => {
                let path = parts.uri.path();
                let target = if parts.method == Method::GET && is_local_path(path) {
                    format!(
                        "/login?next={}",
                        percent_encoding::utf8_percent_encode(
                            path,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    )
                } else {
                    "/login".to_owned()
                };
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// The space a path is a page of (`/spaces/{id}` and everything under it), if any.
fn space_of(path: &str) -> Option<SpaceId> {
    let rest = path.strip_prefix("/spaces/")?;
    let id = rest.split('/').next()?;
    id.parse().ok()
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str, secure: bool) -> Option<&'a str> {
    let name = cookie_name(name, secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name.as_str())
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value with our attributes. `max_age` of zero deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> Option<HeaderValue> {
    let cookie = Cookie::build((cookie_name(name, secure), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

/// Every value in an urlencoded form must decode to UTF-8: otherwise the form extractor
/// would quietly turn bad bytes into replacement characters and store them.
pub(super) fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|&b| b == b'&').all(|pair| {
        let spaced: Vec<u8> = pair
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&spaced)
            .decode_utf8()
            .is_ok()
    })
}

pub(super) fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

pub async fn guard(State(app): State<App>, request: Request, next: Next) -> Response {
    let secure = app.settings().secure_cookies;
    let headers = request.headers();
    let session_token = cookie_value(headers, SESSION_COOKIE, secure).map(str::to_owned);
    let anon_token = cookie_value(headers, ANON_CSRF_COOKIE, secure).map(str::to_owned);

    // A page of a space reads the space's head and the viewer's marks with the session:
    // one round trip instead of two (see `InSpace`). Only for reading: a form's handler
    // reads the head again under the space's append lock anyway.
    let page_of = matches!(*request.method(), Method::GET | Method::HEAD)
        .then(|| space_of(request.uri().path()))
        .flatten();
    let (session, space_head) = match (&session_token, page_of) {
        (Some(token), Some(space)) => match app.session_in_space(token, space).await {
            Ok(Some((session, head))) => (Some(session), head),
            Ok(None) => (None, None),
            Err(err) => return WebError::from(err).into_response(),
        },
        (Some(token), None) => match app.session(token).await {
            Ok(session) => (session, None),
            Err(err) => return WebError::from(err).into_response(),
        },
        (None, _) => (None, None),
    };
    // A signed-out visitor's forms (log in, sign up) are guarded by a token of their own,
    // kept in a cookie; a signed-in one's by their session's, so none is made for them.
    let fresh_anon = (anon_token.is_none() && session.is_none()).then(random_token);
    let csrf = match (&session, &anon_token, &fresh_anon) {
        (Some(s), _, _) => s.csrf.clone(),
        (None, Some(anon), _) => anon.clone(),
        (None, None, Some(fresh)) => fresh.clone(),
        (None, None, None) => random_token(),
    };

    let mut request = request;
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        let (parts, body) = request.into_parts();
        let bytes: Bytes = match axum::body::to_bytes(body, super::BODY_LIMIT).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return error_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "That was too much at once",
                    "What you sent is larger than we accept (64 KiB). Please shorten it and try again.",
                );
            }
        };
        // A token that only a fresh visitor would get cannot match anything they sent.
        let expected = if fresh_anon.is_some() && session.is_none() {
            None
        } else {
            Some(csrf.as_str())
        };
        let sent = form_field(&bytes, CSRF_FIELD);
        let valid = matches!((expected, sent.as_deref()), (Some(e), Some(s)) if same(e, s));
        if !valid {
            tracing::info!("refused a form without a valid CSRF token");
            return error_page(
                StatusCode::FORBIDDEN,
                "This form has expired",
                "For your safety we could not accept this form. Please go back, reload the page, and try again.",
            );
        }
        if !form_is_utf8(&bytes) {
            return error_page(
                StatusCode::BAD_REQUEST,
                "Some characters could not be read",
                "The form contained text we could not read. Please check what you typed and try again.",
            );
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }

    let stale_session_cookie = session_token.is_some() && session.is_none();
    if let Some(head) = space_head {
        request.extensions_mut().insert(head);
    }
    request.extensions_mut().insert(Viewer {
        session,
        csrf: csrf.clone(),
        secure_cookies: secure,
    });
    let mut response = next.run(request).await;

    let headers = response.headers_mut();
    if let Some(fresh) = &fresh_anon
        && let Some(value) = set_cookie(ANON_CSRF_COOKIE, fresh, 30 * 24 * 3600, secure)
    {
        headers.append(header::SET_COOKIE, value);
    }
    if stale_session_cookie
        && !headers.contains_key(header::SET_COOKIE)
        && let Some(value) = set_cookie(SESSION_COOKIE, "", 0, secure)
    {
        headers.append(header::SET_COOKIE, value);
    }
    // Pages may show private content: never store them in shared caches or history.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_with_invalid_utf8_are_detected() {
        assert!(form_is_utf8(b"name=Alex&csrf=abc"));
        assert!(form_is_utf8(b"name=Ren%C3%A9e+M"));
        assert!(!form_is_utf8(b"name=%FF%FE"));
        assert!(!form_is_utf8(b"name=%C3"));
    }

    #[test]
    fn cookie_values_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("x_goldseam_session=evil; goldseam_session=abc"),
        );
        assert_eq!(cookie_value(&headers, SESSION_COOKIE, false), Some("abc"));
        assert_eq!(cookie_value(&headers, ANON_CSRF_COOKIE, false), None);
        assert_eq!(
            cookie_value(&headers, SESSION_COOKIE, true),
            None,
            "over HTTPS only __Host- cookies count"
        );
    }

    #[test]
    fn forwarded_addresses_are_believed_only_when_configured_and_only_the_last() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7"),
        );
        let proxy: std::net::IpAddr = [10, 0, 0, 1].into();
        assert_eq!(client_ip(&headers, proxy, false), proxy);
        assert_eq!(
            client_ip(&headers, proxy, true),
            std::net::IpAddr::from([203, 0, 113, 7])
        );
        assert_eq!(client_ip(&HeaderMap::new(), proxy, true), proxy);
    }
}

/// A path on this site that is safe to send someone to after logging in: it starts with
/// one slash, and has no backslash or control character that a browser might reinterpret.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 512
        && !path.chars().any(|c| c == '\\' || c.is_control())
}

#[cfg(test)]
mod local_path_tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed_after_log_in() {
        assert!(is_local_path("/invite/abc"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\t/evil.example"));
    }
}
