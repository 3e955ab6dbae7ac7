//! Help pages, open to anyone, signed in or not: what to do when safety is at stake.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::guard::Viewer;
use super::view::Chrome;
use crate::app::App;

pub fn routes() -> Router<App> {
    Router::new().route("/help/safety", get(safety))
}

#[derive(Template, WebTemplate)]
#[template(path = "help_safety.html")]
struct SafetyPage {
    chrome: Chrome,
}

/// Guidance on safety, open to anyone, signed in or not.
async fn safety(viewer: Viewer) -> Response {
    SafetyPage {
        chrome: Chrome::of(&viewer),
    }
    .into_response()
}
