//! Every metric the server emits is named here, and only here (the background jobs' metrics are
//! named in `fraudwall_app::telemetry`).

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

const HTTP_REQUESTS: &str = "fraudwall_http_requests_total";
const HTTP_DURATION: &str = "fraudwall_http_request_duration_seconds";
const DECISION_EVENTS: &str = "fraudwall_decision_events_total";

/// Latency buckets from 50 µs to 10 s: decisions live at the low end, bulk work at the high end.
const LATENCY_BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0,
];

/// The process-wide Prometheus recorder. Installed once, however many servers a process starts
/// (tests start several).
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), LATENCY_BUCKETS)
                .and_then(|builder| {
                    builder.set_buckets_for_metric(
                        Matcher::Full(fraudwall_app::telemetry::JOB_RUN_DURATION.to_owned()),
                        fraudwall_app::telemetry::JOB_DURATION_BUCKETS,
                    )
                })
                .map(PrometheusBuilder::build_recorder)
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
            let handle = recorder.handle();
            // Another recorder may already be global (an embedding program's); then ours
            // still renders, it just sees nothing recorded through the global macros.
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed");
            }
            handle
        })
        .clone()
}

/// Counts every request and times it, labelled by route template (never by raw path, which
/// would let clients create unbounded label values). Labels are static strings, so recording
/// allocates nothing.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|path| route_label(path.as_str()))
        .unwrap_or("unmatched");
    let method = method_label(request.method());
    let response = next.run(request).await;
    let status = status_label(response.status());
    metrics::counter!(HTTP_REQUESTS, "route" => route, "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!(HTTP_DURATION, "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The route template as a static string, from the permission table that names every route.
fn route_label(path: &str) -> Option<&'static str> {
    crate::permissions::PERMISSIONS
        .iter()
        .find(|p| p.path == path)
        .map(|p| p.path)
}

fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_label(status: axum::http::StatusCode) -> &'static str {
    const KNOWN: [(u16, &str); 16] = [
        (200, "200"),
        (201, "201"),
        (202, "202"),
        (204, "204"),
        (400, "400"),
        (401, "401"),
        (403, "403"),
        (404, "404"),
        (405, "405"),
        (408, "408"),
        (413, "413"),
        (415, "415"),
        (422, "422"),
        (500, "500"),
        (503, "503"),
        (504, "504"),
    ];
    KNOWN
        .iter()
        .find(|(code, _)| *code == status.as_u16())
        .map_or_else(
            || match status.as_u16() / 100 {
                2 => "2xx",
                3 => "3xx",
                4 => "4xx",
                _ => "5xx",
            },
            |(_, label)| label,
        )
}

/// Decisions answered, by verdict, and events rejected as invalid.
pub fn record_decisions(verdict: &'static str, count: u64) {
    if count > 0 {
        metrics::counter!(DECISION_EVENTS, "outcome" => verdict).increment(count);
    }
}
