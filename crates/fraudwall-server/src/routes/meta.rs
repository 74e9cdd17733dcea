//! Health, the API description, metrics and the caller's own identity.

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Principal, PrincipalView};
use crate::error::ErrorBody;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    pub version: &'static str,
}

/// Liveness: answers as long as the process serves requests. Needs no token.
#[utoipa::path(get, path = "/v1/health", tag = "meta", security(()),
    responses((status = 200, description = "the server is up", body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// This document: OpenAPI 3 for every endpoint, generated from the code.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses(
        (status = 200, description = "the OpenAPI document", content_type = "application/json"),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn openapi(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "application/json")],
        state.openapi_json.clone(),
    )
}

/// Request counts and latency histograms per route, in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses(
        (status = 200, description = "Prometheus metrics", content_type = "text/plain"),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// The identity, role and scopes the presented token carries.
#[utoipa::path(get, path = "/v1/whoami", tag = "meta",
    responses(
        (status = 200, description = "the caller", body = PrincipalView),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn whoami(Extension(principal): Extension<Arc<Principal>>) -> Json<PrincipalView> {
    Json(PrincipalView::from(principal.as_ref()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FraudTypeView {
    #[schema(example = "fake_customer_service")]
    pub code: &'static str,
    pub description: &'static str,
}

/// The fraud taxonomy: every code a `fraud_type` field accepts, on list entries, list files
/// and evidence. Any other code is refused with `unknown_fraud_type`.
#[utoipa::path(get, path = "/v1/fraud-types", tag = "meta",
    responses(
        (status = 200, description = "the fraud types", body = [FraudTypeView]),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn fraud_types() -> Json<Vec<FraudTypeView>> {
    Json(
        fraudwall_lists::taxonomy::FRAUD_TYPES
            .iter()
            .map(|t| FraudTypeView {
                code: t.code,
                description: t.description,
            })
            .collect(),
    )
}
