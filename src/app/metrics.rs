//! What the server counts for an operator's Prometheus: requests and their latency by
//! route template, append latency, the state cache's hits, misses and size, and the mail
//! outbox's depth. Labels are route templates (`/spaces/{id}/record`, never a path, which
//! holds ids and invite secrets), methods and status codes: no content, no e-mail, no
//! person or space id can reach the output. Served only on `--metrics-bind` (see
//! `web::metrics`), off by default.
//!
//! `prometheus-client` keeps the registry in this value, not in a process-wide global, so
//! every `App` (and every test server) counts on its own.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use super::StateCache;

/// One kind of request: its method and the route template it matched.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: &'static str,
    pub route: String,
}

/// [`RouteLabels`] with the answer's status code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AnswerLabels {
    pub method: &'static str,
    pub route: String,
    pub status: u16,
}

type Histograms = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// 0.5 ms to about 8 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<AnswerLabels, Counter>,
    latency: Histograms,
    append: Histogram,
    cache_hits: Counter,
    cache_misses: Counter,
    cache_bytes: Gauge,
    cache_spaces: Gauge,
    compact_bytes: Gauge,
    compact_spaces: Gauge,
    outbox: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("goldseam");
        let requests = Family::<AnswerLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency: Histograms = Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time until the answer's head, by method and route template",
            Unit::Seconds,
            latency.clone(),
        );
        let append = latency_histogram();
        registry.register_with_unit(
            "append_duration",
            "Time to append events to a record, in one committed transaction",
            Unit::Seconds,
            append.clone(),
        );
        let cache_hits = Counter::default();
        registry.register(
            "state_cache_hits",
            "Space states served from the cache without folding",
            cache_hits.clone(),
        );
        let cache_misses = Counter::default();
        registry.register(
            "state_cache_misses",
            "Space states folded (in part or whole) because the cache did not hold them current",
            cache_misses.clone(),
        );
        let cache_bytes = Gauge::default();
        registry.register_with_unit(
            "state_cache_size",
            "Estimated memory held by cached space states",
            Unit::Bytes,
            cache_bytes.clone(),
        );
        let cache_spaces = Gauge::default();
        registry.register(
            "state_cache_spaces",
            "Space states in the cache",
            cache_spaces.clone(),
        );
        let compact_bytes = Gauge::default();
        registry.register_with_unit(
            "state_cache_compact_size",
            "Memory held by space states kept compressed",
            Unit::Bytes,
            compact_bytes.clone(),
        );
        let compact_spaces = Gauge::default();
        registry.register(
            "state_cache_compact_spaces",
            "Space states kept compressed",
            compact_spaces.clone(),
        );
        let outbox = Gauge::default();
        registry.register(
            "mail_outbox_depth",
            "Mails waiting to be sent (0 while mail is not configured)",
            outbox.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            append,
            cache_hits,
            cache_misses,
            cache_bytes,
            cache_spaces,
            compact_bytes,
            compact_spaces,
            outbox,
        }
    }

    /// One answered request. `route` must be a route template (or "unmatched").
    pub fn answered(&self, method: &str, route: String, status: u16, took: Duration) {
        let method = known_method(method);
        self.latency
            .get_or_create(&RouteLabels {
                method,
                route: route.clone(),
            })
            .observe(took.as_secs_f64());
        self.requests
            .get_or_create(&AnswerLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    pub fn appended(&self, took: Duration) {
        self.append.observe(took.as_secs_f64());
    }

    pub fn cache_hit(&self) {
        self.cache_hits.inc();
    }

    pub fn cache_miss(&self) {
        self.cache_misses.inc();
    }

    /// The hook for the mail worker: how many mails wait in the outbox now.
    pub fn set_mail_outbox_depth(&self, depth: u64) {
        self.outbox.set(i64::try_from(depth).unwrap_or(i64::MAX));
    }

    /// The text exposition (OpenMetrics), with the state cache's size as of now.
    pub fn render(&self, cache: &StateCache) -> String {
        let gauge = |gauge: &Gauge, value: u64| gauge.set(i64::try_from(value).unwrap_or(i64::MAX));
        gauge(&self.cache_bytes, cache.weight());
        gauge(&self.cache_spaces, cache.len() as u64);
        gauge(&self.compact_bytes, cache.compact_weight());
        gauge(&self.compact_spaces, cache.compact_len() as u64);
        let mut text = String::new();
        if let Err(err) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::warn!(error = %err, "the metrics could not be written");
        }
        text
    }
}

/// A method as a label: the standard ones by name, anything else as "other", so a client
/// cannot grow the label set (or put text of its own into the output).
fn known_method(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_method_is_counted_as_other() {
        let metrics = Metrics::new();
        metrics.answered(
            "BREW",
            "unmatched".to_owned(),
            405,
            Duration::from_millis(1),
        );
        let text = metrics.render(&StateCache::new(0, 0));
        assert!(text.contains("method=\"other\""), "{text}");
        assert!(!text.contains("BREW"), "{text}");
    }
}
