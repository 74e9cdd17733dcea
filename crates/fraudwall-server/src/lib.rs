//! fraudwall's HTTP API: routes, authentication and role checks, the OpenAPI document and
//! Prometheus metrics. This is the only crate that knows HTTP and the JSON wire types.

pub mod auth;
pub mod config;
pub mod error;
mod extract;
pub mod openapi;
pub mod permissions;
mod recent;
pub mod reputation;
mod routes;
pub mod snapshots;
pub mod telemetry;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_rules::Engine;
use fraudwall_store::{AuditEvent, Store, StoreError};
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;

use crate::auth::TokenIndex;
pub use crate::config::Config;
use crate::error::{ApiError, Code};
use crate::recent::RecentEvents;
use crate::reputation::ReputationJob;
use crate::snapshots::SnapshotKeeper;

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
    pub store: Arc<dyn Store>,
    pub tokens: Arc<TokenIndex>,
    pub config: Arc<Config>,
    /// The decision engine, swapped whole when lists or rules change.
    pub engine: Arc<ArcSwap<Engine>>,
    /// Makes list changes reach the engine.
    pub snapshots: SnapshotKeeper,
    /// Derives list entries and ranges from evidence.
    pub reputation: ReputationJob,
    /// Recent events, sampled, for dry runs of candidate rule sets.
    pub recent: Arc<RecentEvents>,
    pub normalizer: PhoneNormalizer,
    metrics: PrometheusHandle,
    openapi_json: Bytes,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(config: Config, store: Arc<dyn Store>) -> anyhow::Result<AppState> {
        let region = Region::parse(&config.identifiers.default_region)
            .map_err(|err| anyhow::anyhow!("identifiers.default_region: {err}"))?;
        let tokens = Arc::new(TokenIndex::load(store.as_ref())?);
        let openapi_json = Bytes::from(
            serde_json::to_vec(&openapi::document()).expect("the openapi document serializes"),
        );
        if config.lists.official_whitelist {
            seed_official_whitelist(store.as_ref(), region)?;
        }
        let rules = routes::rules::load_active(store.as_ref())?;
        let model = load_model(&config.text.model)?;
        let snapshot = snapshots::build_snapshot(store.as_ref())?;
        let engine = Arc::new(ArcSwap::from_pointee(Engine::new(
            snapshot,
            Arc::new(rules),
            model,
            region,
        )));
        let snapshots = SnapshotKeeper::start(
            store.clone(),
            engine.clone(),
            Duration::from_millis(config.lists.refresh_ms),
        );
        let keeper = snapshots.clone();
        let reputation =
            ReputationJob::start(store.clone(), move || keeper.changed(), &config.reputation);
        Ok(AppState(Arc::new(Shared {
            store,
            tokens,
            config: Arc::new(config),
            engine,
            snapshots,
            reputation,
            recent: Arc::new(RecentEvents::new(RECENT_EVENTS)),
            normalizer: PhoneNormalizer::new(region),
            metrics: telemetry::prometheus(),
            openapi_json,
        })))
    }

    /// Runs store work on the blocking pool, so the async workers never wait on disk.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(store.as_ref()))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::from)
    }

    /// Makes token changes visible at once on this node (other nodes follow within the refresh
    /// period).
    pub async fn refresh_tokens(&self) {
        let state = self.clone();
        let outcome =
            tokio::task::spawn_blocking(move || state.tokens.refresh(state.store.as_ref())).await;
        if let Ok(Err(err)) = outcome {
            tracing::warn!(error = %err, "token refresh failed");
        }
    }
}

/// The wire formats and store-side helpers, for tools that speak them outside HTTP (the
/// command line's `lists` and `check`).
pub mod wire {
    pub use crate::routes::decisions::DecisionWire;
    pub use crate::routes::lists::{ImportSummary, RejectedLineView, export_text, summarize};
    pub use crate::routes::rules::load_active as load_rules;
    pub use crate::validate::event as parse_event;
    pub use crate::{load_model, seed_official_whitelist};
}

/// How many recent events dry runs replay.
const RECENT_EVENTS: usize = 10_000;

/// Puts the official numbers on the white list once, when a store is first served; after that
/// they are the administrators' to change.
pub fn seed_official_whitelist(store: &dyn Store, region: Region) -> anyhow::Result<()> {
    const SEEDED: &str = "lists.official_whitelist_seeded";
    if store.config_get(SEEDED)?.is_some() {
        return Ok(());
    }
    let changes = fraudwall_lists::official::official_whitelist(region);
    let applied = store.apply_list_changes(&changes, "fraudwall", true)?;
    store.config_set(SEEDED, &applied.version.to_string())?;
    tracing::info!(numbers = changes.len(), "official whitelist seeded");
    Ok(())
}

pub fn load_model(setting: &str) -> anyhow::Result<Option<Arc<fraudwall_text::Model>>> {
    let model = match setting {
        "none" => return Ok(None),
        "bundled" => fraudwall_text::Model::bundled()?,
        path => {
            let bytes = std::fs::read(path)
                .map_err(|err| anyhow::anyhow!("cannot read text model {path}: {err}"))?;
            fraudwall_text::Model::from_bytes(&bytes)?
        }
    };
    tracing::info!(version = model.version(), "text model loaded");
    Ok(Some(Arc::new(model)))
}

/// Appends to the audit log on behalf of an actor.
pub(crate) fn audit_event(
    store: &dyn Store,
    actor: &str,
    action: &str,
    resource: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    store.append_audit(&AuditEvent {
        actor: actor.to_owned(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        detail: detail.to_string(),
    })?;
    Ok(())
}

/// The full application: every route behind authorization, metrics, limits and timeouts.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    Router::new()
        .route("/v1/health", get(routes::meta::health))
        .route("/openapi.json", get(routes::meta::openapi))
        .route("/metrics", get(routes::meta::metrics))
        .route("/v1/whoami", get(routes::meta::whoami))
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
        .route("/v1/reputation/run", post(routes::evidence::run_reputation))
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
        .layer(middleware::from_fn(telemetry::track_requests))
        .with_state(state)
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
    on_listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.server.listen)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", config.server.listen))?;
    let address = listener.local_addr()?;
    let grace = Duration::from_millis(config.server.shutdown_grace_ms);
    let refresh = Duration::from_millis(config.auth.token_refresh_ms);
    let state = AppState::new(config, store)?;
    auth::spawn_refresher(state.tokens.clone(), state.store.clone(), refresh);
    let app = router(state);

    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutdown requested; draining requests");
        let _ = stop_tx.send(true);
    });
    let mut drain_rx = stop_rx.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stop_rx.wait_for(|stop| *stop).await;
    });
    on_listening(address);
    tokio::select! {
        outcome = server => outcome?,
        _ = async {
            let _ = drain_rx.wait_for(|stop| *stop).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!("grace period over; closing remaining connections"),
    }
    tracing::info!("server stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for sigterm");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
