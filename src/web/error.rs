//! Turning use-case errors into responses: a calm page with a specific message and a 4xx
//! status for anything a person caused; a calm 503 with `Retry-After` when storage cannot
//! keep anything right now; an opaque 500 (logged once, here) for the rest.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::{AppError, InviteProblem};

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub message: String,
}

/// A full error page with `status`.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    (
        status,
        ErrorPage {
            title: title.to_owned(),
            message: message.to_owned(),
        },
    )
        .into_response()
}

/// The body limit's 413 is a bare text line from tower-http; people get our page instead.
pub async fn too_large_page(response: Response) -> Response {
    let bare = response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && !response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !bare {
        return response;
    }
    too_large()
}

/// Our answer to a body over the limit.
pub fn too_large() -> Response {
    error_page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "That was more than we can take at once",
        "Nothing was saved. The text is longer than any field here allows; please go back, \
         copy what you wrote somewhere safe, and shorten it or split it in two.",
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "not_saved.html")]
struct NotSavedPage {
    action: String,
    /// Fields sent back as they came: ids, choices, the CSRF token.
    hidden: Vec<(String, String)>,
    /// What the person wrote, in boxes they can edit, copy and send again.
    written: Vec<(String, String)>,
}

/// Whether a form value is something a person wrote, as against an id, a choice or a date:
/// pages that give back what was typed show it in a box to edit, the rest stays hidden.
pub fn is_prose(value: &str) -> bool {
    value.chars().count() > 40 || value.chars().any(|c| c.is_whitespace() || !c.is_ascii())
}

/// A 503 for a form (`body`, sent to `action`): the answer keeps its status and headers
/// (`Retry-After`), and its page gives back what the person typed, ready to send again,
/// so a full disk or a busy moment never costs them their words.
pub fn not_saved_keeping(response: Response, action: &str, body: &[u8]) -> Response {
    if !super::guard::is_local_path(action) {
        return response;
    }
    let (mut hidden, mut written) = (Vec::new(), Vec::new());
    for (name, value) in form_urlencoded::parse(body) {
        if value.is_empty() {
            continue;
        }
        let prose = is_prose(&value);
        let field = (name.into_owned(), value.into_owned());
        if prose && field.0 != super::guard::CSRF_FIELD {
            written.push(field);
        } else {
            hidden.push(field);
        }
    }
    if written.is_empty() {
        return response;
    }
    let page = NotSavedPage {
        action: action.to_owned(),
        hidden,
        written,
    };
    let (parts, _) = response.into_parts();
    let mut kept = page.into_response();
    *kept.status_mut() = parts.status;
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            kept.headers_mut().insert(name, value.clone());
        }
    }
    kept
}

/// The error type of handlers.
#[derive(Debug)]
pub struct WebError(pub AppError);

impl From<AppError> for WebError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl From<anyhow::Error> for WebError {
    fn from(err: anyhow::Error) -> Self {
        Self(AppError::Internal(err))
    }
}

/// The status each error answers with.
pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::NotFound | AppError::LinkGone => StatusCode::NOT_FOUND,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Refused(_) | AppError::EmailTaken => StatusCode::CONFLICT,
        AppError::Forbidden(_) | AppError::AccountDisabled => StatusCode::FORBIDDEN,
        AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Invite(InviteProblem::Unknown) => StatusCode::NOT_FOUND,
        AppError::Invite(_) => StatusCode::GONE,
        AppError::Unavailable(_) | AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// How many seconds a 503 asks the browser (or a proxy) to wait before trying again.
pub const RETRY_AFTER_SECS: u32 = 5;

/// The calm answer to a storage fault: nothing was saved, try again in a moment.
pub fn unavailable_page() -> Response {
    not_saved_page(
        "We couldn't save this just now, so nothing was kept. Please try again in a moment.",
    )
}

/// A 503 that says nothing was saved, why in `message`, and when to try again.
fn not_saved_page(message: &str) -> Response {
    let mut response = error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Nothing was saved",
        message,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let (title, message) = match &self.0 {
            AppError::NotFound => (
                "Page not found",
                "There is nothing here, or it isn't yours to see. Check the address, or go back to your spaces.".to_owned(),
            ),
            AppError::Invite(_) => ("This invite link can't be used", self.0.to_string()),
            AppError::LinkGone => ("This link can't be used", self.0.to_string()),
            AppError::Unavailable(err) => {
                tracing::error!(error = format!("{err:#}"), "storage unavailable");
                return unavailable_page();
            }
            AppError::Busy => {
                tracing::warn!("an append gave up waiting for its turn");
                return not_saved_page(&self.0.to_string());
            }
            AppError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "request failed");
                (
                    "Something went wrong on our side",
                    "Nothing you did caused this. Please try again in a moment.".to_owned(),
                )
            }
            other => ("We couldn't do that", other.to_string()),
        };
        error_page(status, title, &message)
    }
}

/// The answer for anything unknown or not the viewer's: the two look the same.
pub fn not_found() -> WebError {
    WebError(AppError::NotFound)
}

/// Any address no route knows.
pub async fn fallback() -> WebError {
    not_found()
}
