//! HTTP: routes, the session and CSRF guard, security headers, and templates. Handlers are
//! thin: parse the form, call one use case in `app`, render or redirect.

mod accounts;
mod assets;
pub mod charts;
mod checkins;
mod error;
mod guard;
mod keepword;
mod ownup;
mod pages;
mod progress;
mod reconnect;
mod spaces;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;

pub use error::WebError;
pub use guard::{CSRF_FIELD, SESSION_COOKIE, Viewer};
pub use spaces::dashboard_html;

/// Request bodies larger than this are refused with 413.
pub const BODY_LIMIT: usize = 64 * 1024;

/// No inline script or style, nothing from elsewhere, no framing, no plugins.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'";

/// The whole application as a router, ready to serve (with connect info, for throttling).
pub fn router(app: App) -> Router {
    let routes = Router::new()
        .route("/", get(pages::home))
        .route("/signup", get(accounts::signup_page).post(accounts::signup))
        .route("/login", get(accounts::login_page).post(accounts::login))
        .route("/logout", post(accounts::logout))
        .route("/logout/everywhere", post(accounts::logout_everywhere))
        .route("/account", get(accounts::account))
        .route("/account/time-zone", post(accounts::set_time_zone))
        .route("/spaces", post(spaces::create))
        .route("/spaces/{id}", get(spaces::show))
        .route("/spaces/{id}/invite", post(spaces::new_invite))
        .route("/spaces/{id}/record", get(spaces::record))
        .route("/spaces/{id}/summary", get(progress::summary))
        .route("/spaces/{id}/charts/{chart}", get(progress::chart))
        .route("/spaces/{id}/export", get(spaces::export))
        .route(
            "/invite/{token}",
            get(spaces::invite_page).post(spaces::join),
        )
        .route(
            "/spaces/{id}/breaches",
            get(ownup::breaches).post(ownup::record_breach),
        )
        .route("/spaces/{id}/breaches/{entry}", get(ownup::breach))
        .route(
            "/spaces/{id}/breaches/{entry}/acknowledge",
            post(ownup::acknowledge),
        )
        .route(
            "/spaces/{id}/breaches/{entry}/disclosure",
            post(ownup::add_disclosure),
        )
        .route(
            "/spaces/{id}/breaches/{entry}/apology",
            get(ownup::apology_form).post(ownup::send_apology),
        )
        .route("/spaces/{id}/apologies/{entry}", get(ownup::apology))
        .route(
            "/spaces/{id}/apologies/{entry}/respond",
            post(ownup::respond),
        )
        .route(
            "/spaces/{id}/questions",
            get(ownup::questions).post(ownup::ask),
        )
        .route("/spaces/{id}/questions/{entry}", get(ownup::question))
        .route("/spaces/{id}/questions/{entry}/answer", post(ownup::answer))
        .route("/spaces/{id}/questions/{entry}/settle", post(ownup::settle))
        .route(
            "/spaces/{id}/questions/{entry}/again",
            post(ownup::ask_again),
        )
        .route(
            "/spaces/{id}/letters",
            get(ownup::letters).post(ownup::write_letter),
        )
        .route("/spaces/{id}/letters/new", get(ownup::letter_form))
        .route("/spaces/{id}/letters/{entry}", get(ownup::letter))
        .route("/spaces/{id}/together", get(reconnect::together))
        .route("/spaces/{id}/stages", get(reconnect::stages))
        .route(
            "/spaces/{id}/together/appreciations",
            post(reconnect::appreciate),
        )
        .route("/spaces/{id}/together/plans", post(reconnect::plan))
        .route(
            "/spaces/{id}/together/plans/{entry}/log",
            post(reconnect::log_time),
        )
        .route(
            "/spaces/{id}/together/plans/{entry}/felt",
            post(reconnect::felt),
        )
        .route("/spaces/{id}/together/ideas", post(reconnect::add_idea))
        .route("/spaces/{id}/together/goals", post(reconnect::set_goal))
        .route(
            "/spaces/{id}/together/goals/{entry}/reached",
            post(reconnect::mark_goal),
        )
        .route(
            "/spaces/{id}/together/goals/{entry}/confirm",
            post(reconnect::confirm_goal),
        )
        .route(
            "/spaces/{id}/breaches/{entry}/pace",
            post(reconnect::set_pace),
        )
        .route(
            "/spaces/{id}/breaches/{entry}/pace/topics",
            post(reconnect::add_topic),
        )
        .route(
            "/spaces/{id}/breaches/{entry}/stage",
            post(reconnect::stage),
        )
        .route(
            "/spaces/{id}/promises",
            get(keepword::promises_page).post(keepword::make_promise),
        )
        .route("/spaces/{id}/promises/{entry}", get(keepword::promise_page))
        .route(
            "/spaces/{id}/promises/{entry}/actions",
            post(keepword::promise_action),
        )
        .route(
            "/spaces/{id}/agreements",
            get(keepword::agreements_page).post(keepword::propose_agreement),
        )
        .route(
            "/spaces/{id}/agreements/{entry}",
            get(keepword::agreement_page),
        )
        .route(
            "/spaces/{id}/agreements/{entry}/actions",
            post(keepword::agreement_action),
        )
        .route(
            "/spaces/{id}/breaches/{entry}/reports",
            post(keepword::file_report),
        )
        .route(
            "/spaces/{id}/reports/{entry}/acknowledge",
            post(keepword::acknowledge_report),
        )
        .route("/spaces/{id}/checkins", get(checkins::page))
        .route("/spaces/{id}/checkins/cadence", post(checkins::set_cadence))
        .route("/spaces/{id}/checkins/answer", post(checkins::answer))
        .route("/static/style.css", get(assets::style))
        .route("/static/app.js", get(assets::script))
        .route("/static/icon.svg", get(assets::icon))
        .route("/favicon.ico", get(assets::icon))
        .route("/help/safety", get(progress::safety))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(pages::fallback);

    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    // Over HTTPS, browsers are told to never fall back to plain HTTP for this site.
    let routes = if app.settings().secure_cookies {
        routes.layer(header(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        ))
    } else {
        routes
    };
    routes
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::guard,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(header(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
        .layer(
            // Spans name the route pattern, never the path: invite links carry secrets.
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let route = req
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map_or("unmatched", |p| p.as_str())
                    .to_owned();
                tracing::info_span!("request", method = %req.method(), route)
            }),
        )
        .with_state(app)
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

/// How long a browser may cache the static assets.
const ASSET_MAX_AGE: Duration = Duration::from_secs(3600);
