//! The stylesheet and the small script, embedded in the binary.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::app::App;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
        .route("/static/icon.svg", get(icon))
        .route("/static/plain.css", get(plain_style))
        .route("/static/page.svg", get(plain_icon))
        .route("/favicon.ico", get(icon))
}

const STYLE: &str = include_str!("../../static/style.css");
const SCRIPT: &str = include_str!("../../static/app.js");
const ICON: &str = include_str!("../../static/icon.svg");
/// The look and the icon of the plain pages quick exit lands on: nothing of Goldseam's.
const PLAIN_STYLE: &str = include_str!("../../static/plain.css");
const PLAIN_ICON: &str = include_str!("../../static/page.svg");

fn cache_control() -> String {
    format!("public, max-age={}", super::ASSET_MAX_AGE.as_secs())
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, cache_control()),
        ],
        STYLE,
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/javascript; charset=utf-8".to_owned(),
            ),
            (header::CACHE_CONTROL, cache_control()),
        ],
        SCRIPT,
    )
}

/// Also served at /favicon.ico, which browsers ask for whatever the page says.
async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml".to_owned()),
            (header::CACHE_CONTROL, cache_control()),
        ],
        ICON,
    )
}

async fn plain_style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, cache_control()),
        ],
        PLAIN_STYLE,
    )
}

async fn plain_icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml".to_owned()),
            (header::CACHE_CONTROL, cache_control()),
        ],
        PLAIN_ICON,
    )
}
