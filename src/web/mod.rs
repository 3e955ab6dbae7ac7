//! HTTP: routes, the session and CSRF guard, security headers, and templates. Handlers are
//! thin: parse the form, call one use case in `app`, render or redirect.

mod accounts;
mod agreements;
mod apologies;
mod assets;
mod breaches;
mod calendar_feed;
mod care;
mod checkins;
mod closing;
mod context;
mod counsel;
mod disclosure;
mod endings;
mod erasure;
mod error;
mod events;
#[cfg(any(test, fuzzing))]
pub(crate) mod fuzzing;
mod goals;
mod guard;
mod help;
mod journal;
mod letters;
mod metrics;
mod once;
mod pause;
mod progress;
mod promises;
mod questions;
mod quick_exit;
mod record;
mod reminders;
mod repair;
mod reports;
mod routes;
mod server;
mod spaces;
mod together;
mod view;
mod warn;
mod withdrawals;
mod wording;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::domain::PersonId;
use crate::domain::reminders::Topic;
use crate::domain::seen;
use crate::domain::space::{SpaceEvent, SpaceState};
use routes::Routes;

pub use error::WebError;
pub use guard::{CSRF_FIELD, SESSION_COOKIE, Viewer};
pub use progress::dashboard_html;
pub use reminders::remind_due;

// ---- what each capability adds to the pages they share -----------------------------------
//
// A capability never reaches into another's module. Where pages are shared (the home page's
// "waiting for you", the record page, a breach's page, the Together page), each capability
// hands in its part here, and the shared page reads these lists. Adding a capability means
// adding its module above and its entries below.

/// Something waiting for the viewer, as (what to do, where).
type Waiting = fn(&SpaceState, PersonId, i64) -> Vec<(String, String)>;

/// What waits for the viewer on the home page, in this order, each under the topic a
/// person may choose to be reminded of (see `reminders`).
const WAITING: &[(Topic, Waiting)] = &[
    (Topic::Other, breaches::waiting),
    (Topic::Question, questions::waiting),
    (Topic::Other, apologies::waiting),
    (Topic::Letter, letters::waiting),
    (Topic::CheckIn, checkins::waiting),
    (Topic::Other, repair::waiting),
    // The follow-up check-ins after a repair was closed.
    (Topic::CheckIn, closing::waiting),
    (Topic::Other, goals::waiting),
    (Topic::Other, together::waiting),
    (Topic::Promise, promises::waiting),
    (Topic::Agreement, agreements::waiting),
    // A partner's report on a promise, to acknowledge.
    (Topic::Promise, reports::waiting),
    (Topic::Other, counsel::waiting),
];

/// The steps that begin a repair, for one viewer, given what they have marked: each
/// capability's, listed before everything else waiting and gone once done.
type FirstSteps = fn(&SpaceState, PersonId, &seen::Marks) -> Vec<(String, String)>;

/// Record what happened; write the account, or read it when ready; set the pace; ask.
const FIRST_STEPS: &[FirstSteps] = &[
    breaches::first_steps,
    disclosure::first_steps,
    repair::first_steps,
    questions::first_steps,
];

/// A recorded event in words (and where it lives), if the capability owns it.
type Describe = fn(&SpaceState, &str, &SpaceEvent) -> events::Described;

/// The record page's words for each kind of event.
const DESCRIBE: &[Describe] = &[
    spaces::describe,
    breaches::describe,
    disclosure::describe,
    withdrawals::describe,
    record::describe_removal,
    questions::describe,
    apologies::describe,
    letters::describe,
    checkins::describe,
    repair::describe,
    closing::describe,
    together::describe,
    goals::describe,
    promises::describe,
    agreements::describe,
    reports::describe,
    progress::describe,
    counsel::describe,
    pause::describe,
];

/// What a breach's page, once shown, marks as seen by the viewer (see `domain::seen`).
type SeenOnBreach = fn(&SpaceState, crate::domain::EntryId) -> Vec<seen::Mark>;

/// A repair closed together is celebrated once for each of them: on their first view.
const SEEN_ON_BREACH: &[SeenOnBreach] = &[closing::seen_on_breach];

/// A section of a breach's page, rendered by the capability's own template.
type BreachSection = fn(&context::OnBreach) -> Result<String, askama::Error>;

/// The sections of a breach's page below the breach itself, in page order.
const ON_BREACH_PAGE: &[BreachSection] = &[
    disclosure::on_breach,
    questions::on_breach,
    apologies::on_breach,
    repair::on_breach,
    closing::on_breach,
    reports::on_breach,
];

/// A section of the Together page, rendered by the capability's own template.
type TogetherSection = fn(&context::InSpace) -> Result<String, askama::Error>;

/// The sections the Together page shows below its own.
const ON_TOGETHER_PAGE: &[TogetherSection] = &[goals::on_together];

/// A section of the account page, drawn by the capability's own template for the person.
type AccountSection = for<'a> fn(
    &'a App,
    &'a guard::SignedIn,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<String, WebError>> + Send + 'a>,
>;

/// The sections the account page shows below its own, in page order, each with its id.
const ON_ACCOUNT_PAGE: &[(&str, AccountSection)] =
    &[(calendar_feed::SECTION, calendar_feed::on_account)];

/// The account page, with one section (by its id) as its capability just drew it: for a
/// form whose answer is shown once, like a new calendar address.
type AccountPage = for<'a> fn(
    &'a App,
    &'a guard::SignedIn,
    (&'static str, String),
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<axum::response::Response, WebError>> + Send + 'a>,
>;

const ACCOUNT_PAGE: AccountPage = accounts::page_with;

/// Every capability's routes, answered behind the guard.
fn routes() -> Routes {
    Routes::new()
        .merge(spaces::routes())
        .merge(accounts::routes())
        .merge(calendar_feed::routes())
        .merge(erasure::routes())
        .merge(reminders::routes())
        .merge(record::routes())
        .merge(progress::routes())
        .merge(breaches::routes())
        .merge(disclosure::routes())
        .merge(withdrawals::routes())
        .merge(endings::routes())
        .merge(questions::routes())
        .merge(apologies::routes())
        .merge(letters::routes())
        .merge(promises::routes())
        .merge(agreements::routes())
        .merge(reports::routes())
        .merge(checkins::routes())
        .merge(together::routes())
        .merge(goals::routes())
        .merge(repair::routes())
        .merge(closing::routes())
        .merge(counsel::routes())
        .merge(pause::routes())
        .merge(journal::routes())
        .merge(help::routes())
        .merge(assets::routes())
        // Liveness: the process answers. Readiness: the database takes writes now.
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
}

/// Every path the router serves, as written in the route table: what the route × role
/// test walks, so a route added anywhere is a route that test must know.
#[doc(hidden)]
pub fn route_paths() -> Vec<&'static str> {
    let mut paths = routes().paths().to_vec();
    paths.extend(quick_exit::routes().paths());
    paths.extend(reminders::outside_guard().paths());
    paths
}

/// 200 while the database takes writes and its migrations are exactly this binary's; 503
/// (with `Retry-After`) while it takes no writes, so a load balancer or an operator sees a
/// full or read-only disk before a person does, or while another version's migrations are
/// applied (a newer instance migrated it). It follows the database both ways: no restart
/// is needed once writes work again.
async fn readyz(axum::extract::State(app): axum::extract::State<App>) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let not_ready = |why: &'static str| {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, error::RETRY_AFTER_SECS.to_string())],
            why,
        )
            .into_response()
    };
    match app.store().probe_writes(app.clock().now_secs()).await {
        Ok(()) => match app.store().migrations_current().await {
            Ok(true) => "ready".into_response(),
            Ok(false) => {
                tracing::warn!("readiness probe: the database's migrations are not this binary's");
                not_ready("not ready: the database's migrations are not this version's")
            }
            Err(err) => {
                tracing::warn!(error = %err, "readiness probe could not read the migrations");
                not_ready("not ready: the database's migrations could not be read")
            }
        },
        Err(err) => {
            tracing::warn!(error = %err, "readiness probe failed: the database takes no writes");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, error::RETRY_AFTER_SECS.to_string())],
                "not ready: the database takes no writes",
            )
                .into_response()
        }
    }
}

/// Request bodies larger than this are refused with 413. The largest form (an apology: five
/// sections at their character limit) must fit when every character takes four bytes in
/// UTF-8 and each byte three when percent-encoded, with room for the other fields.
pub const BODY_LIMIT: usize = 5 * crate::domain::ownup::limits::APOLOGY_SECTION * 4 * 3 + 16 * 1024;

/// No inline script or style, nothing from elsewhere, no framing, no plugins. The script
/// may talk to this server only (quick exit ends the session with a request of its own).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'";

/// Permissions the pages never need.
const PERMISSIONS: &str = "camera=(), microphone=(), geolocation=(), interest-cohort=()";

/// HSTS, when served over HTTPS.
const HSTS: &str = "max-age=31536000";

/// The headers every answer carries (`cache-control` only where a route did not set its
/// own: the static assets do).
const HEADERS: [(&str, &str); 7] = [
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", PERMISSIONS),
    ("cache-control", "no-store"),
];

/// The headers every answer carries, for the answers hyper writes itself to requests it
/// cannot parse (see `server`); [`with_headers`] sets the same on all others.
fn security_headers(secure: bool) -> Vec<(&'static str, &'static str)> {
    let mut headers = HEADERS.to_vec();
    if secure {
        headers.push(("strict-transport-security", HSTS));
    }
    headers
}

/// Puts [`HEADERS`] (and HSTS over HTTPS) on an answer of the router, in one pass rather
/// than a layer for each.
async fn with_headers(
    axum::extract::State(secure): axum::extract::State<bool>,
    mut response: axum::response::Response,
) -> axum::response::Response {
    let headers = response.headers_mut();
    for (name, value) in HEADERS {
        let (name, value) = (
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
        if name == header::CACHE_CONTROL {
            headers.entry(name).or_insert(value);
        } else {
            headers.insert(name, value);
        }
    }
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// The whole application as a router, ready to serve (with connect info, for throttling).
pub fn router(app: App) -> Router {
    let routes = routes().into_router().fallback(error::fallback);

    routes
        // Inside the guard: they read only forms the guard has let through, with its Viewer.
        // The warning comes before the offer of help: nothing is saved until it is passed.
        // Innermost, a form sent twice records once: it sees the handler's own answer.
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            once::record_once,
        ))
        .layer(axum::middleware::from_fn(care::offer_help))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            warn::before_fear_reaches_the_partner,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::guard,
        ))
        // Outside the guard: leaving and the plain pages never wait on the database.
        .merge(quick_exit::routes().into_router())
        // A reminder's way out: a mail client posts to it with no cookie or CSRF token.
        .merge(reminders::outside_guard().into_router())
        .layer(axum::middleware::from_fn_with_state(
            app.settings().body_read,
            server::whole_body_within,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::map_response(error::too_large_page))
        // Outside everything else, so the guard's refusals and the body limit's answers
        // carry them too. Nothing a person sees is kept by the browser or a proxy unless a
        // route says otherwise; over HTTPS, browsers are told never to fall back to HTTP.
        .layer(axum::middleware::map_response_with_state(
            app.settings().secure_cookies,
            with_headers,
        ))
        // Counted by route template, like the spans below; outside every other layer, so
        // refusals of the guard and the body limit are counted too.
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            metrics::count,
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

pub use metrics::serve as serve_metrics;

/// Serves the application on `listener` until `shutdown` resolves, then lets requests in
/// flight finish within the configured grace period (see `server`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let settings = app.settings();
    let limits = server::Limits {
        header_read: settings.header_read,
        body_read: settings.body_read,
        grace: settings.shutdown_grace,
    };
    let headers = security_headers(settings.secure_cookies);
    // The outbox worker runs beside the server and stops with it; what it had not sent
    // stays in the outbox for the next start.
    let outbox = app.start_outbox();
    // So does the reminder worker: a look it did not finish is taken again after a restart.
    let reminding = reminders::start(&app);
    let served = server::serve(listener, router(app), limits, headers, shutdown).await;
    for worker in [outbox, reminding].into_iter().flatten() {
        worker.abort();
    }
    served
}

/// How long a browser may cache the static assets.
const ASSET_MAX_AGE: Duration = Duration::from_secs(3600);

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The modules of `web` that every capability may use: they know no capability.
    const SHARED: &[&str] = &[
        "context", "error", "events", "guard", "routes", "view", "wording",
    ];

    /// What a source file names through `super::`, with how many levels up:
    /// `super::view::Chrome` → (1, "view"), `super::super::{view, WAITING}` → (2, "view"),
    /// (2, "WAITING").
    fn reached(source: &str) -> Vec<(usize, String)> {
        let ident = |s: &str| -> String {
            s.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        let mut names = Vec::new();
        let mut rest = source;
        while let Some(at) = rest.find("super::") {
            let mut tail = &rest[at..];
            let mut levels = 0;
            while let Some(t) = tail.strip_prefix("super::") {
                levels += 1;
                tail = t;
            }
            if let Some(group) = tail.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                names.extend(group.split(',').map(|n| (levels, ident(n))));
            } else {
                names.push((levels, ident(tail)));
            }
            rest = tail;
        }
        names.retain(|(_, n)| !n.is_empty());
        names
    }

    /// A newcomer can trust the layout: a capability's page code never reaches into
    /// another capability's module. Shared pages get their parts through the lists in
    /// `web/mod.rs` (upper-case names), and shared helpers live in the modules above.
    #[test]
    fn no_web_module_reaches_into_another_capability() {
        let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        let mut files = Vec::new();
        // `mod.rs` routes to every capability and `fuzzing.rs` (built for tests and `cargo
        // fuzz` only) decodes every capability's forms: both reach into all by design.
        for entry in std::fs::read_dir(&web).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                for inner in std::fs::read_dir(&path).unwrap() {
                    files.push((path.file_name().unwrap().to_owned(), inner.unwrap().path()));
                }
            } else if path
                .file_name()
                .is_some_and(|n| n != "mod.rs" && n != "fuzzing.rs")
            {
                files.push((path.file_stem().unwrap().to_owned(), path));
            }
        }
        assert!(
            files.len() > 15,
            "expected the capability modules in {web:?}"
        );
        for (owner, path) in files {
            let source = std::fs::read_to_string(&path).unwrap();
            let owner = owner.to_string_lossy().into_owned();
            let in_folder = path.parent() != Some(web.as_path());
            for (levels, name) in reached(&source) {
                // Inside a capability's folder, one level up is the capability itself.
                if in_folder && levels == 1 {
                    continue;
                }
                let allowed = SHARED.contains(&name.as_str())
                    || name == owner
                    || name == "tests"
                    || source.contains(&format!("fn {name}("))
                    || name.chars().all(|c| c.is_ascii_uppercase() || c == '_');
                assert!(
                    allowed,
                    "{} reaches into `{name}`, another capability's module",
                    path.display()
                );
            }
        }
    }
}
