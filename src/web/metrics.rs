//! Counting requests for the metrics (`app::Metrics`), and the separate listener that
//! serves them on `--metrics-bind`. That listener answers `GET /metrics` and nothing else
//! (404), needs no session and sets no cookie: bind it to loopback or a private address
//! and let only the Prometheus server reach it (docs/operations.md). Its output holds route
//! templates, methods, status codes, timings and counts, never a path or an id.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::app::App;

/// Counts every request of the main server by its route template (`unmatched` for a path
/// no route serves), with its status and the time until the answer's head.
pub async fn count(State(app): State<App>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    app.metrics().answered(
        method.as_str(),
        route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The metrics listener's whole router.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(app)
}

async fn scrape(State(app): State<App>) -> Response {
    let mut response = app.render_metrics().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Serves the metrics on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}
