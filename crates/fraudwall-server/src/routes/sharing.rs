//! Sharing a case's cluster with other centres and their threat-intelligence platforms.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use fraudwall_app::sharing::Format;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};

/// Cases a shared cluster holds at most, as its answer over the API lists them.
const MAX_SHARED_CASES: usize = 1_000;

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// A STIX 2.1 bundle.
    Stix,
    /// A MISP event, `{"Event": …}`.
    Misp,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `stix` or `misp`.
    pub format: ExportFormat,
}

/// The case's cluster as a STIX 2.1 bundle (an identity, a grouping, an incident per case, the
/// identifiers as observables with indicators, OpenCTI's `phone-number` and `bank-account` for
/// numbers and accounts) or as a MISP event. It holds what `GET /v1/cases/{id}/linked` shows
/// the caller: cases outside the caller's territory give only their fraud type, time, loss and
/// the identifiers that join them; no victim ever leaves. Ids are derived from content, so the
/// same cluster exports the same ids. Audited.
#[utoipa::path(get, path = "/v1/cases/{id}/export", tag = "cases",
    params(("id" = i64, Path, description = "case id"), ExportQuery),
    responses(
        (status = 200, description = "the cluster as a STIX 2.1 bundle or a MISP event", body = Object),
        (status = 400, description = "missing or unknown format", body = ErrorBody),
        (status = 404, description = "no such case", body = ErrorBody),
        (status = 403, description = "role or territory not allowed", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let format = match query.format {
        ExportFormat::Stix => Format::Stix,
        ExportFormat::Misp => Format::Misp,
    };
    let document = state
        .blocking(move |app| app.export_cluster(&principal, id, format, MAX_SHARED_CASES))
        .await?;
    Ok(Json(document))
}
