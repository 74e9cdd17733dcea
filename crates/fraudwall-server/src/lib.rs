//! fraudwall's HTTP API: routes, authentication and role checks, the OpenAPI document and
//! Prometheus metrics. This is the only crate that knows HTTP and the JSON wire types.

pub mod auth;
pub mod config;
mod conn;
pub mod error;
mod extract;
pub mod openapi;
pub mod permissions;
mod routes;
pub mod telemetry;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use fraudwall_app::records::Store;
use fraudwall_app::witness::WitnessFiles;
use fraudwall_app::{App, AppError, ClueLimits, ContactIndex, Settings};
use fraudwall_ids::phone::Region;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;

pub use crate::config::Config;
use crate::error::{ApiError, Code};

/// Everything a request handler may need. Cloned for every request by every extractor, so it
/// is one `Arc`: cloning a dozen separately counted fields showed up in profiles as atomic
/// traffic between the cores.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares.
pub struct Shared {
    /// The use cases, the engine and the background jobs.
    pub app: Arc<App>,
    pub config: Arc<Config>,
    metrics: PrometheusHandle,
    openapi_json: Bytes,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("app", &self.app)
            .finish_non_exhaustive()
    }
}

/// The node's settings as the configuration spells them.
pub fn settings(config: &Config) -> anyhow::Result<Settings> {
    let region = Region::parse(&config.identifiers.default_region)
        .map_err(|err| anyhow::anyhow!("identifiers.default_region: {err}"))?;
    Ok(Settings {
        region,
        official_whitelist: config.lists.official_whitelist,
        model: config.text.model.clone(),
        lists_refresh: Duration::from_millis(config.lists.refresh_ms),
        token_refresh: Duration::from_millis(config.auth.token_refresh_ms),
        reputation_period: config
            .reputation
            .enabled
            .then(|| Duration::from_secs(config.reputation.period_s)),
        witness: Some(witness_files(config)),
        checkpoint_interval: Duration::from_millis(config.audit.checkpoint_interval_ms),
        evidence_rates: fraudwall_app::ratelimit::Rates {
            reporter_per_minute: config.limits.reporter_evidence_per_minute,
            per_minute: config.limits.evidence_per_minute,
        },
    })
}

/// The clue limits as the configuration spells them.
pub fn clue_limits(config: &Config) -> ClueLimits {
    ClueLimits {
        rates: fraudwall_app::ratelimit::Rates {
            reporter_per_minute: config.limits.reporter_clues_per_minute,
            per_minute: config.limits.clues_per_minute,
        },
        public_per_minute: config.limits.public_clues_per_minute,
    }
}

/// Tracing and freeze requests as the configuration spells them.
pub fn funds_settings(config: &Config) -> fraudwall_app::funds::FundsSettings {
    let section = &config.funds;
    fraudwall_app::funds::FundsSettings {
        depth: section.depth,
        min_request_cents: i64::from(section.min_request_yuan) * 100,
        retrace_window_s: i64::from(section.retrace_window_hours) * 3_600,
        retrace_period: Duration::from_secs(u64::from(section.retrace_period_s)),
        ..fraudwall_app::funds::FundsSettings::default()
    }
}

/// Transfer screening's thresholds as the configuration spells them.
pub fn screening_settings(config: &Config) -> fraudwall_app::screening::ScreeningSettings {
    let section = &config.screening;
    let days = |d: u32| i64::from(d) * 86_400;
    fraudwall_app::screening::ScreeningSettings {
        call_grace_s: i64::from(section.call_grace_s),
        young_account_s: days(section.young_account_days),
        young_account_payers: section.young_account_payers as usize,
        payers_window_s: days(section.payers_window_days),
        small_transfer_cents: u64::from(section.small_transfer_yuan) * 100,
        small_transfers_per_day: section.small_transfers_per_day as usize,
        mule_lead_victims: section.mule_lead_victims as usize,
    }
}

/// Where the audit log's head is signed: the configured files, or the data directory's.
pub fn witness_files(config: &Config) -> WitnessFiles {
    let mut files = WitnessFiles::in_dir(&config.store.data_dir);
    if let Some(key) = &config.audit.signing_key {
        files.signing_key = key.clone();
    }
    if let Some(checkpoints) = &config.audit.checkpoints {
        files.checkpoints = checkpoints.clone();
    }
    files
}

impl AppState {
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        records: Arc<dyn ContactIndex>,
    ) -> anyhow::Result<AppState> {
        // the recorder must be in place before the jobs register their metrics
        let metrics = telemetry::prometheus();
        let app = App::start(&settings(&config)?, store)?
            .with_clue_limits(clue_limits(&config))
            .with_warning_settings(fraudwall_app::warnings::WarningSettings {
                window_s: i64::from(config.warnings.window_days) * 86_400,
                default_territory: config.warnings.default_territory.clone(),
                ..fraudwall_app::warnings::WarningSettings::default()
            })
            .with_screening_settings(screening_settings(&config))
            .with_funds_settings(funds_settings(&config))
            .with_records(records)?;
        let openapi_json = Bytes::from(
            serde_json::to_vec(&openapi::document()).expect("the openapi document serializes"),
        );
        Ok(AppState(Arc::new(Shared {
            app: Arc::new(app),
            config: Arc::new(config),
            metrics,
            openapi_json,
        })))
    }

    /// Runs a use case on the blocking pool, so the async workers never wait on disk.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> Result<T, AppError> + Send + 'static,
    {
        let app = self.app.clone();
        tokio::task::spawn_blocking(move || work(&app))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::from)
    }
}

/// The wire formats, for tools that speak them outside HTTP (the command line's `lists` and
/// `check`): one definition for both adapters.
pub mod wire {
    pub use crate::routes::audit::AuditReportView;
    pub use crate::routes::decisions::DecisionWire;
    pub use crate::routes::lists::ImportSummary;
    pub use crate::routes::rfc3339;
    pub use crate::validate::event as parse_event;
}

/// The full application: every route behind authorization, metrics, limits and timeouts.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    Router::new()
        .route("/v1/health", get(routes::meta::health))
        .route("/openapi.json", get(routes::meta::openapi))
        .route("/metrics", get(routes::meta::metrics))
        .route("/v1/whoami", get(routes::meta::whoami))
        .route("/v1/fraud-types", get(routes::meta::fraud_types))
        .route("/v1/jobs", get(routes::jobs::list))
        .route("/v1/decisions", post(routes::decisions::decide))
        .route(
            "/v1/tokens",
            post(routes::tokens::create).get(routes::tokens::list),
        )
        .route("/v1/tokens/{id}", delete(routes::tokens::revoke))
        .route("/v1/audit", get(routes::audit::list))
        .route("/v1/audit/verify", get(routes::audit::verify))
        .route("/v1/lists/{list}/entries", post(routes::lists::put))
        .route("/v1/lists/{list}/remove", post(routes::lists::remove))
        .route(
            "/v1/lists/{list}/entries/{kind}/{value}",
            get(routes::lists::get_entry),
        )
        .route("/v1/lists/{list}/import", post(routes::lists::import))
        .route("/v1/lists/{list}/export", get(routes::lists::export))
        .route("/v1/lists/changes", get(routes::lists::changes))
        .route("/v1/lists/status", get(routes::lists::status))
        .route("/v1/lists/rebuild", post(routes::lists::rebuild))
        .route("/v1/lookup/{prefix}", get(routes::lists::lookup))
        .route("/v1/rules", get(routes::rules::get).put(routes::rules::put))
        .route("/v1/rules/dry-run", post(routes::rules::dry_run))
        .route("/v1/rules/signals", get(routes::rules::signals))
        .route("/v1/evidence", post(routes::evidence::post))
        .route("/v1/cases", post(routes::cases::file))
        .route(
            "/v1/cases/{id}",
            get(routes::cases::get).patch(routes::cases::patch),
        )
        .route("/v1/cases/{id}/linked", get(routes::cases::linked))
        .route("/v1/cases/{id}/export", get(routes::sharing::export))
        .route("/v1/cases/{id}/links/cut", post(routes::cases::cut))
        .route("/v1/cases/{id}/links/restore", post(routes::cases::restore))
        .route("/v1/cases/{id}/convicted", post(routes::cases::convicted))
        .route("/v1/cases/{id}/trace", get(routes::funds::trace))
        .route(
            "/v1/cases/{id}/freeze-requests",
            post(routes::funds::request),
        )
        .route("/v1/freeze-requests", get(routes::funds::list))
        .route("/v1/freeze-requests/{id}", get(routes::funds::get))
        .route(
            "/v1/freeze-requests/{id}/{action}",
            post(routes::funds::act),
        )
        .route("/v1/funds/stats", get(routes::funds::stats))
        .route(
            "/v1/accounts/verifications",
            get(routes::funds::verifications),
        )
        .route(
            "/v1/accounts/verifications/{id}/answer",
            post(routes::funds::answer_verification),
        )
        .route("/v1/leads", get(routes::leads::list))
        .route("/v1/cards/import", post(routes::leads::import_cards))
        .route("/v1/events", post(routes::warnings::post_events))
        .route(
            "/v1/subscribers/import",
            post(routes::warnings::import_subscribers),
        )
        .route("/v1/units/import", post(routes::warnings::import_units))
        .route("/v1/warnings", get(routes::warnings::list))
        .route("/v1/warnings/kpis", get(routes::warnings::kpis))
        .route("/v1/warnings/{id}/outcome", post(routes::warnings::outcome))
        .route(
            "/v1/warnings/{id}/steps/{step}/ack",
            post(routes::warnings::acknowledge),
        )
        .route("/v1/reputation/run", post(routes::evidence::run_reputation))
        .route(
            "/v1/clues",
            post(routes::clues::post).get(routes::clues::list),
        )
        .route("/v1/clues/{id}/review", post(routes::clues::review))
        .route("/v1/clues/misp", post(routes::clues::post_shared))
        .route("/v1/public/clues", post(routes::clues::post_public))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authorize,
        ))
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(config.server.body_limit_bytes))
        .layer(middleware::from_fn_with_state(
            Duration::from_millis(config.server.request_timeout_ms),
            request_timeout,
        ))
        .layer(middleware::map_response(coded_errors))
        .layer(middleware::from_fn(telemetry::track_requests))
        .with_state(state)
}

/// Gives the API's error shape to an error answer that lacks it: a rejection the framework made
/// before any handler of ours ran. The handlers' extractors already answer in the API's shape;
/// this keeps a route added later, or a layer's own answer, from leaking plain text.
async fn coded_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    // the framework's rejections are one short line; anything longer is not worth echoing
    let text = axum::body::to_bytes(body, 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let code = error::code_for_status(status);
    let message = match text.trim() {
        "" => status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase(),
        text => text.to_lowercase(),
    };
    let mut coded = ApiError::new(code, message).into_response();
    // keep what the framework said besides the body (`Allow` on a 405)
    for (name, value) in &parts.headers {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            coded.headers_mut().insert(name.clone(), value.clone());
        }
    }
    coded
}

async fn route_not_found() -> ApiError {
    ApiError::new(Code::RouteNotFound, "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        Code::MethodNotAllowed,
        "this route does not take that method",
    )
}

async fn request_timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(Code::RequestTimeout, "the request took too long").into_response(),
    }
}

/// Serves until SIGINT or SIGTERM, then drains in-flight requests for the grace period.
/// `on_listening` is called with the bound address once requests are accepted.
pub async fn serve(
    config: Config,
    store: Arc<dyn Store>,
    records: Arc<dyn ContactIndex>,
    on_listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.server.listen)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", config.server.listen))?;
    let address = listener.local_addr()?;
    let grace = Duration::from_millis(config.server.shutdown_grace_ms);
    let limits = conn::Limits {
        header_read_timeout: Duration::from_millis(config.server.header_read_timeout_ms),
        idle_timeout: Duration::from_millis(config.server.idle_timeout_ms),
        max_connections: config.server.max_connections,
    };
    let state = AppState::new(config, store, records)?;
    let node = state.app.clone();
    let app = router(state);

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stop_requested = shutdown_signal();
    tokio::spawn(async move {
        stop_requested.await;
        tracing::info!("shutdown requested; draining requests");
        let _ = stop_tx.send(true);
    });
    let mut drain_rx = stop_rx.clone();
    let server = conn::serve(listener, app, limits, stop_rx);
    on_listening(address);
    let started_draining = std::sync::Arc::new(std::sync::OnceLock::new());
    let drain_start = started_draining.clone();
    tokio::select! {
        () = server => {},
        _ = async {
            let _ = drain_rx.wait_for(|stop| *stop).await;
            let _ = drain_start.set(std::time::Instant::now());
            tokio::time::sleep(grace).await;
        } => tracing::warn!("grace period over; closing remaining connections"),
    }
    // the jobs get what is left of the grace period after the requests drained
    let spent = started_draining
        .get()
        .map_or(Duration::ZERO, std::time::Instant::elapsed);
    let left = grace.saturating_sub(spent).max(Duration::from_millis(100));
    let report = tokio::task::spawn_blocking(move || node.shutdown(left))
        .await
        .map_err(|err| anyhow::anyhow!("job shutdown failed: {err}"))?;
    if report.all_stopped() {
        tracing::info!(jobs = report.stopped.len(), "background jobs stopped");
    } else {
        tracing::warn!(jobs = ?report.not_stopped, "background jobs still running at exit");
    }
    tracing::info!("server stopped");
    Ok(())
}

/// Listens for SIGINT and SIGTERM from the moment it is called, not from the first poll: the
/// handlers must be in place before `listening on` is printed, or a signal sent right after it
/// kills the process instead of stopping it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{SignalKind, signal};
        let handler = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(handler) => Some(handler),
            Err(err) => {
                tracing::warn!(error = %err, signal = name, "cannot listen for a signal");
                None
            }
        };
        (
            handler(SignalKind::interrupt(), "sigint"),
            handler(SignalKind::terminate(), "sigterm"),
        )
    };
    async move {
        #[cfg(unix)]
        {
            async fn received(handler: Option<tokio::signal::unix::Signal>) {
                match handler {
                    Some(mut handler) => {
                        handler.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            let (interrupt, terminate) = handlers;
            tokio::select! {
                () = received(interrupt) => {},
                () = received(terminate) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
