//! Serving connections: our own accept loop on hyper, because `axum::serve` cannot bound
//! how long a client takes to send its request, nor how long a shutdown waits for one.
//!
//! - A client has [`Limits::header_read`] to send a request's headers, and
//!   [`Limits::body_read`] to send its whole body (see [`whole_body_within`]); a slow or
//!   stalled client is cut off instead of holding a connection.
//! - On shutdown the listener closes at once, requests in flight get [`Limits::grace`] to
//!   finish, and whatever is still open after that is closed.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tower::ServiceExt as _;

use super::error;

/// How long clients and a shutdown may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// From a connection's first byte (or the end of its last request) to the end of the
    /// next request's headers.
    pub header_read: Duration,
    /// From the end of the headers to the end of the body.
    pub body_read: Duration,
    /// How long requests in flight may take to finish once a shutdown begins.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            grace: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish for at most `limits.grace`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let connections = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service =
            router
                .clone()
                .map_request(move |mut request: Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request.map(Body::new)
                });
        let connection = http.serve_connection(
            TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = connections.shutdown() => {}
        () = tokio::time::sleep(limits.grace) => {
            tracing::warn!(
                grace_secs = limits.grace.as_secs(),
                "requests still open after the shutdown grace period are cut off"
            );
        }
    }
    Ok(())
}

/// Reads a request's whole body within `limit` before anything else sees it, so a client
/// that sends its body slowly (or stops half-way) is answered 408 instead of holding the
/// connection. Bodies are small (the body limit is outside this layer), so holding one in
/// memory costs little; and it lets [`error::not_saved_keeping`] give back what was typed.
pub async fn whole_body_within(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Result<Response, Infallible> {
    let (parts, body) = request.into_parts();
    let bytes = match tokio::time::timeout(limit, axum::body::to_bytes(body, usize::MAX)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(err)) => {
            // The body limit's own error, or a client that went away.
            let too_large = std::error::Error::source(&err)
                .is_some_and(|e| e.is::<http_body_util::LengthLimitError>());
            return Ok(if too_large {
                error::too_large()
            } else {
                error::error_page(
                    StatusCode::BAD_REQUEST,
                    "That did not arrive whole",
                    "Nothing was saved. Please try again.",
                )
            });
        }
        Err(_) => {
            return Ok(error::error_page(
                StatusCode::REQUEST_TIMEOUT,
                "That took too long to arrive",
                "Nothing was saved: the connection was too slow to send it all. Please try again.",
            ));
        }
    };
    let form = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes()
                .starts_with(b"application/x-www-form-urlencoded")
        });
    let action = parts.uri.path().to_owned();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    if form && response.status() == StatusCode::SERVICE_UNAVAILABLE {
        return Ok(error::not_saved_keeping(response, &action, &bytes));
    }
    Ok(response)
}
