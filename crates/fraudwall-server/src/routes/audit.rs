//! Reading and verifying the audit log. Reading it is itself audited.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::{Extension, Json};
use fraudwall_store::{AuditEntry, AuditReport};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};

const MAX_PAGE: usize = 1_000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Return entries after this sequence number.
    #[serde(default)]
    pub after: u64,
    /// At most this many entries (1 to 1000, default 100).
    pub limit: Option<usize>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
#[schema(as = AuditEntry)]
pub struct AuditEntryDoc {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub resource: String,
    /// JSON text.
    pub detail: String,
    /// Hex SHA-256 of the previous entry.
    pub prev_hash: String,
    /// Hex SHA-256 over this entry's fields and `prev_hash`.
    pub hash: String,
}

#[derive(Debug, serde::Serialize, ToSchema)]
#[schema(as = AuditReport)]
pub struct AuditReportDoc {
    pub entries: u64,
    pub head: String,
    /// The first entry that does not verify, with the reason; absent when the chain is intact.
    pub first_break: Option<serde_json::Value>,
}

/// Audit entries, oldest first.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(Page),
    responses(
        (status = 200, description = "entries", body = [AuditEntryDoc]),
        (status = 400, description = "invalid parameters", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    query: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let Query(page) =
        query.map_err(|err| ApiError::new(Code::InvalidParameter, err.body_text()))?;
    let limit = page.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::new(
            Code::InvalidParameter,
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    let actor = principal.actor();
    let entries = state
        .blocking(move |store| {
            let entries = store.audit_entries(page.after, limit)?;
            crate::audit_event(
                store,
                &actor,
                "audit.read",
                "audit_log",
                serde_json::json!({"after": page.after, "returned": entries.len()}),
            )?;
            Ok(entries)
        })
        .await?;
    Ok(Json(entries))
}

/// Recomputes the hash chain and reports the first broken entry, if any.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit",
    responses(
        (status = 200, description = "verification report", body = AuditReportDoc),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn verify(State(state): State<AppState>) -> Result<Json<AuditReport>, ApiError> {
    Ok(Json(state.blocking(|store| store.verify_audit()).await?))
}
