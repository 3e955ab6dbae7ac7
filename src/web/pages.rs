//! The home page, the not-found page, and small helpers shared by page handlers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::error::WebError;
use super::guard::Viewer;
use crate::app::{App, AppError, SpaceSummary};

/// What the layout needs on every page.
pub struct Chrome {
    pub signed_in: bool,
    pub csrf: String,
}

impl Chrome {
    pub fn of(viewer: &Viewer) -> Self {
        Self {
            signed_in: viewer.session.is_some(),
            csrf: viewer.csrf.clone(),
        }
    }

    pub fn signed_in(csrf: &str) -> Self {
        Self {
            signed_in: true,
            csrf: csrf.to_owned(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "welcome.html")]
struct WelcomePage {
    chrome: Chrome,
}

#[derive(Template, WebTemplate)]
#[template(path = "spaces.html")]
struct SpacesPage {
    chrome: Chrome,
    name: String,
    spaces: Vec<SpaceSummary>,
    error: Option<String>,
}

pub async fn home(State(app): State<App>, viewer: Viewer) -> Result<Response, WebError> {
    let Some(session) = &viewer.session else {
        return Ok(WelcomePage {
            chrome: Chrome::of(&viewer),
        }
        .into_response());
    };
    let me = app.whoami(session).await?;
    let spaces = app.spaces_of(session).await?;
    Ok(SpacesPage {
        chrome: Chrome::of(&viewer),
        name: me.display_name,
        spaces,
        error: None,
    }
    .into_response())
}

/// The spaces page again, with an error from the create form.
pub async fn spaces_with_error(
    app: &App,
    viewer: &Viewer,
    error: AppError,
) -> Result<Response, WebError> {
    let Some(session) = &viewer.session else {
        return Err(WebError(error));
    };
    let status = super::error::status_of(&error);
    let message = match error {
        AppError::Invalid { message, .. } => message,
        other => return Err(WebError(other)),
    };
    let me = app.whoami(session).await?;
    let spaces = app.spaces_of(session).await?;
    let page = SpacesPage {
        chrome: Chrome::of(viewer),
        name: me.display_name,
        spaces,
        error: Some(message),
    };
    Ok((status, page).into_response())
}

pub async fn fallback() -> WebError {
    WebError(AppError::NotFound)
}

/// The answer for anything unknown or not the viewer's: the two look the same.
pub fn not_found() -> WebError {
    WebError(AppError::NotFound)
}

/// A space id from a URL; anything malformed is simply not found.
pub fn space_id(raw: &str) -> Result<crate::domain::SpaceId, WebError> {
    raw.parse().map_err(|_| not_found())
}

/// The id of something inside a space (a breach, a question, a plan …) from a URL.
pub fn entry_id(raw: &str) -> Result<crate::domain::EntryId, WebError> {
    raw.parse().map_err(|_| not_found())
}

/// Turns a refused form field into a 422 with its message.
pub fn invalid(field: &'static str) -> impl Fn(crate::domain::input::InputError) -> WebError {
    move |e| WebError(AppError::invalid(field, e))
}

/// The `N`th parameter of a route (`/spaces/{id}/things/{entry}`). A parameter that cannot
/// even be read (e.g. invalid UTF-8) is simply not found, like any other unknown address.
pub struct Param<const N: usize>(pub String);

/// The first route parameter: a space id or an invite token.
pub type Segment = Param<0>;

impl<S: Send + Sync, const N: usize> axum::extract::FromRequestParts<S> for Param<N> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError(AppError::NotFound))?;
        params
            .iter()
            .nth(N)
            .map(|(_, value)| Self(value.to_owned()))
            .ok_or(WebError(AppError::NotFound))
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
mod tests {
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
