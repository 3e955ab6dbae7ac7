//! The stylesheet and the small script, embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::routes::Routes;
use super::view::asset_cache_control;

pub fn routes() -> Routes {
    Routes::new()
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
        .route("/static/icon.svg", get(icon))
        .route("/favicon.ico", get(icon))
}

const STYLE: &str = include_str!("../../static/style.css");
const SCRIPT: &str = include_str!("../../static/app.js");
const ICON: &str = include_str!("../../static/icon.svg");

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, asset_cache_control()),
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
            (header::CACHE_CONTROL, asset_cache_control()),
        ],
        SCRIPT,
    )
}

/// Also served at /favicon.ico, which browsers ask for whatever the page says.
async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml".to_owned()),
            (header::CACHE_CONTROL, asset_cache_control()),
        ],
        ICON,
    )
}
