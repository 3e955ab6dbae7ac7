//! Help & safety, open to anyone, signed in or not and linked from every page: what to do
//! when safety is at stake, when someone thinks of harming themselves, or is in crisis; and
//! the operator's own list of local services, when one is configured. Also open to anyone:
//! "About the approach", which credits the models the product draws on.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::guard::Viewer;
use super::routes::Routes;
use super::view::Chrome;
use crate::app::App;

pub fn routes() -> Routes {
    Routes::new()
        .route("/help/safety", get(safety))
        .route("/help/approach", get(approach))
}

#[derive(Template, WebTemplate)]
#[template(path = "help_safety.html")]
struct SafetyPage {
    chrome: Chrome,
    /// The operator's own list of local services; the page names no numbers without it.
    local_help: Vec<String>,
}

/// Guidance on safety, on thoughts of self-harm and on a crisis, open to anyone.
async fn safety(State(app): State<App>, viewer: Viewer) -> Response {
    SafetyPage {
        chrome: Chrome::of(&viewer),
        local_help: app.settings().local_help.clone(),
    }
    .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "help_approach.html")]
struct ApproachPage {
    chrome: Chrome,
}

/// Where the stages, the three measures of trust and the gentle start come from, in our own
/// words, open to anyone.
async fn approach(viewer: Viewer) -> Response {
    ApproachPage {
        chrome: Chrome::of(&viewer),
    }
    .into_response()
}
