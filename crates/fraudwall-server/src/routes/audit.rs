//! Reading and verifying the audit log. Reading it is itself audited.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use fraudwall_app::audit::Verification;
use fraudwall_app::records::AuditEntry;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::ApiQuery;

const MAX_PAGE: usize = 1_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Return entries after this sequence number.
    #[serde(default)]
    pub after: u64,
    /// At most this many entries (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
#[schema(as = AuditEntry)]
pub struct AuditEntryView {
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

impl From<AuditEntry> for AuditEntryView {
    fn from(entry: AuditEntry) -> AuditEntryView {
        AuditEntryView {
            seq: entry.seq,
            time: entry.time,
            actor: entry.actor,
            action: entry.action,
            resource: entry.resource,
            detail: entry.detail,
            prev_hash: hex::encode(entry.prev_hash),
            hash: hex::encode(entry.hash),
        }
    }
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct ChainBreakView {
    pub seq: u64,
    pub reason: String,
}

/// What the signed checkpoints say about the log.
#[derive(Debug, serde::Serialize, ToSchema)]
#[schema(as = CheckpointReport)]
pub struct CheckpointReportView {
    /// Checkpoints checked.
    pub count: usize,
    /// The highest entry signed.
    pub latest_seq: Option<u64>,
    /// How the log fails its checkpoints (cut, emptied, rewritten); absent when it holds them.
    pub problem: Option<String>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
#[schema(as = AuditReport)]
pub struct AuditReportView {
    /// The chain is whole and holds every entry a checkpoint signed.
    pub intact: bool,
    pub entries: u64,
    /// Hex SHA-256 of the last entry that verified.
    pub head: String,
    /// The first entry that does not verify, with the reason; absent when the chain is intact.
    pub first_break: Option<ChainBreakView>,
    /// The check against the signed checkpoints; absent when no key to check them is known.
    pub checkpoints: Option<CheckpointReportView>,
}

impl From<Verification> for AuditReportView {
    fn from(verification: Verification) -> AuditReportView {
        let intact = verification.holds();
        let Verification { chain, checkpoints } = verification;
        AuditReportView {
            intact,
            entries: chain.entries,
            head: hex::encode(chain.head),
            first_break: chain.first_break.map(|b| ChainBreakView {
                seq: b.seq,
                reason: b.reason,
            }),
            checkpoints: checkpoints.map(|report| CheckpointReportView {
                count: report.checkpoints,
                latest_seq: report.latest_seq,
                problem: report.problem,
            }),
        }
    }
}

/// Audit entries, oldest first.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(Page),
    responses(
        (status = 200, description = "entries", body = [AuditEntryView]),
        (status = 400, description = "invalid parameters", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<AuditEntryView>>, ApiError> {
    let limit = page.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::new(
            Code::InvalidParameter,
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    let entries = state
        .blocking(move |app| app.audit_entries(&principal, page.after, limit))
        .await?;
    Ok(Json(
        entries.into_iter().map(AuditEntryView::from).collect(),
    ))
}

/// Recomputes the hash chain and checks it against the signed checkpoints of its head.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit",
    responses(
        (status = 200, description = "verification report", body = AuditReportView),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn verify(State(state): State<AppState>) -> Result<Json<AuditReportView>, ApiError> {
    Ok(Json(state.blocking(|app| app.verify_audit()).await?.into()))
}
