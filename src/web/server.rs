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
use axum::http::{Method, StatusCode};
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
    headers: Vec<(&'static str, &'static str)>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let headers: std::sync::Arc<[u8]> = headers
        .iter()
        .flat_map(|(name, value)| format!("{name}: {value}\r\n").into_bytes())
        .collect::<Vec<u8>>()
        .into();
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
            TokioIo::new(Headed::new(stream, headers.clone())),
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
    // A page view without a body has nothing to wait for, and nothing to give back.
    if matches!(*request.method(), Method::GET | Method::HEAD)
        && axum::body::HttpBody::is_end_stream(request.body())
    {
        return Ok(next.run(request).await);
    }
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

/// A connection whose answers hyper writes by itself carry our headers too. hyper answers a
/// request it cannot parse (400), with a URI too long (414) or headers too large (431)
/// without asking the router, so none of the router's headers would be on it. Every answer
/// of the router carries a Content-Security-Policy; a 4xx or 5xx head without it is
/// hyper's own, and gets `headers` after its status line. hyper puts a whole head in one
/// buffer, the first of a vectored write. Only a connection's first write is looked at: it is
/// always the start of a head, whereas a later write may be a slice of a body, which is
/// never touched. (A parse error after earlier requests on a kept-alive connection is
/// answered bare, as before; browsers open a fresh connection for a request that failed.)
struct Headed<T> {
    inner: T,
    headers: std::sync::Arc<[u8]>,
    /// Nothing has been written on this connection yet.
    fresh: bool,
    /// A rewritten answer being written: its bytes, how many are out, and how long the
    /// buffer hyper handed in was (what to report once all are out).
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<T> Headed<T> {
    fn new(inner: T, headers: std::sync::Arc<[u8]>) -> Self {
        Self {
            inner,
            headers,
            fresh: true,
            pending: None,
        }
    }
}

/// `buf` with `headers` after its status line, if it begins an answer that lacks them.
fn with_headers(buf: &[u8], headers: &[u8]) -> Option<Vec<u8>> {
    if !(buf.starts_with(b"HTTP/1.1 4") || buf.starts_with(b"HTTP/1.1 5")) {
        return None;
    }
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = buf[..head_end].to_ascii_lowercase();
    if head
        .windows(b"content-security-policy:".len())
        .any(|w| w == b"content-security-policy:")
    {
        return None;
    }
    let line_end = buf.windows(2).position(|w| w == b"\r\n")? + 2;
    let mut out = Vec::with_capacity(buf.len() + headers.len());
    out.extend_from_slice(&buf[..line_end]);
    out.extend_from_slice(headers);
    out.extend_from_slice(&buf[line_end..]);
    Some(out)
}

impl<T: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Headed<T> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Headed<T> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        use std::task::Poll;
        let this = &mut *self;
        if this.pending.is_none() {
            let rewritten = if this.fresh {
                with_headers(buf, &this.headers)
            } else {
                None
            };
            match rewritten {
                Some(rewritten) => this.pending = Some((rewritten, 0, buf.len())),
                None => {
                    let wrote = std::pin::Pin::new(&mut this.inner).poll_write(cx, buf);
                    if matches!(wrote, Poll::Ready(Ok(n)) if n > 0) {
                        this.fresh = false;
                    }
                    return wrote;
                }
            }
        }
        let Some((bytes, written, handed)) = &mut this.pending else {
            return Poll::Ready(Ok(0));
        };
        while *written < bytes.len() {
            match std::pin::Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let handed = *handed;
        this.pending = None;
        this.fresh = false;
        Poll::Ready(Ok(handed))
    }

    /// Vectored once the connection's first write is out (hyper then sends a page's body
    /// straight from its buffers instead of copying it behind the head). Until then, only
    /// the first buffer goes, through `poll_write`: it holds the whole head.
    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.fresh || self.pending.is_some() {
            let first = bufs
                .iter()
                .find(|b| !b.is_empty())
                .map_or(&[][..], |b| &**b);
            return self.poll_write(cx, first);
        }
        std::pin::Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::with_headers;

    #[test]
    fn only_an_answer_without_our_headers_gets_them() {
        let ours = b"x-a: 1\r\n";
        let bare = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(
            with_headers(bare, ours).as_deref(),
            Some(&b"HTTP/1.1 414 URI Too Long\r\nx-a: 1\r\ncontent-length: 0\r\n\r\n"[..])
        );
        let routed = b"HTTP/1.1 200 OK\r\nContent-Security-Policy: x\r\n\r\n<p>";
        assert_eq!(with_headers(routed, ours), None);
        // Without the end of a head there is nothing to add to; an interim answer stays.
        assert_eq!(with_headers(b"HTTP/1.1 400 is cut", ours), None);
        assert_eq!(with_headers(b"HTTP/1.1 100 Continue\r\n\r\n", ours), None);
        assert_eq!(with_headers(b"<html>", ours), None);
    }
}
