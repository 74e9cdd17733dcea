//! Evidence in, and the reputation job on demand. Each token is one source of evidence, whatever
//! and however much it sends, so that one reporter can never list a number alone.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use fraudwall_app::AppError;
use fraudwall_app::evidence::EvidenceDraft;
use fraudwall_app::records::{EvidenceClass, UnknownEvidenceClass};
use fraudwall_lists::entry::{Kind, UnknownName};
use fraudwall_lists::plan::PassReport;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::JsonBody;

/// Items per request.
pub const MAX_EVIDENCE: usize = 10_000;

/// One observation about an identifier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// number, sender (an SMS sender id), domain, url or ip. Ranges are derived by the server,
    /// never reported.
    #[schema(example = "number")]
    pub kind: String,
    #[schema(example = "+8613800138000")]
    pub value: String,
    /// fraud (default) or benign.
    #[schema(example = "fraud")]
    pub class: Option<String>,
    /// A code of the fraud taxonomy (`GET /v1/fraud-types`).
    #[schema(example = "fake_customer_service")]
    pub fraud_type: Option<String>,
    pub note: Option<String>,
    /// RFC 3339; when it was observed. Now when absent; never in the future.
    pub time: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostEvidence {
    /// 1 to 10,000 observations.
    #[schema(min_items = 1, max_items = 10000)]
    pub evidence: Vec<EvidenceInput>,
}

/// The result for one observation, in request order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EvidenceResult {
    Accepted {
        #[schema(example = "accepted")]
        outcome: &'static str,
        kind: &'static str,
        /// The normalized value the observation is recorded under.
        value: String,
    },
    Error(ErrorBody),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceResponse {
    /// How many observations were recorded.
    pub accepted: usize,
    pub results: Vec<EvidenceResult>,
}

/// Reads one observation's names and time; the use case judges the rest.
fn draft(input: EvidenceInput) -> Result<EvidenceDraft, AppError> {
    let kind: Kind = input
        .kind
        .parse()
        .map_err(|e: UnknownName| AppError::invalid(e.to_string()))?;
    let class = match input.class.as_deref() {
        None => EvidenceClass::Fraud,
        Some(text) => text
            .parse()
            .map_err(|e: UnknownEvidenceClass| AppError::invalid(e.to_string()))?,
    };
    let time = input
        .time
        .as_deref()
        .map(|text| {
            OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|err| {
                AppError::invalid(format!("{text:?} is not an rfc 3339 time: {err}"))
            })
        })
        .transpose()?;
    Ok(EvidenceDraft {
        kind,
        value: input.value,
        class,
        fraud_type: input.fraud_type,
        note: input.note,
        time,
    })
}

/// Records observations about numbers, domains, URLs and IP addresses: fraud reports and
/// sightings, or benign signals. Each is validated on its own; a bad one gets an error in its
/// slot and the others are recorded. The caller's token is the source of all of them. The
/// reputation job turns them into list entries at its next pass. Audited.
#[utoipa::path(post, path = "/v1/evidence", tag = "reputation",
    request_body = PostEvidence,
    responses(
        (status = 200, description = "one result per observation, in order", body = EvidenceResponse),
        (status = 400, description = "an empty or oversized request", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody),
        (status = 429, description = "the token's allowance of evidence items is spent; see Retry-After",
            body = ErrorBody, headers(("Retry-After" = u32, description = "seconds to wait")))))]
pub async fn post(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    JsonBody(body): JsonBody<PostEvidence>,
) -> Result<Json<EvidenceResponse>, ApiError> {
    let count = body.evidence.len();
    if count == 0 {
        return Err(ApiError::new(
            Code::EmptyBatch,
            "evidence must hold at least one observation",
        ));
    }
    if count > MAX_EVIDENCE {
        return Err(ApiError::new(
            Code::BatchTooLarge,
            format!("at most {MAX_EVIDENCE} observations per request, got {count}"),
        ));
    }
    let drafts = body.evidence.into_iter().map(draft).collect();
    let results = state
        .blocking(move |app| app.record_evidence(&principal, drafts))
        .await?;
    let accepted = results.iter().filter(|r| r.is_ok()).count();
    let results = results
        .into_iter()
        .map(|result| match result {
            Ok((kind, value)) => EvidenceResult::Accepted {
                outcome: "accepted",
                kind: kind.as_str(),
                value,
            },
            Err(err) => EvidenceResult::Error(ApiError::slot(&err)),
        })
        .collect();
    Ok(Json(EvidenceResponse { accepted, results }))
}

/// What one pass of the reputation job did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReputationRun {
    /// Identifiers with evidence recent enough to count.
    pub assessed: usize,
    /// Derived black entries added or updated.
    pub listed_black: usize,
    /// Derived gray entries added or updated.
    pub listed_gray: usize,
    /// Derived entries of identifiers taken off: their evidence faded, or they moved to the
    /// other list.
    pub removed: usize,
    pub ranges_added: usize,
    pub ranges_removed: usize,
    /// The list version after the pass.
    pub version: u64,
}

impl From<PassReport> for ReputationRun {
    fn from(report: PassReport) -> ReputationRun {
        ReputationRun {
            assessed: report.assessed,
            listed_black: report.listed_black,
            listed_gray: report.listed_gray,
            removed: report.removed,
            ranges_added: report.ranges_added,
            ranges_removed: report.ranges_removed,
            version: report.version,
        }
    }
}

/// Runs one pass of the reputation job now: evidence becomes derived list entries, and flagged
/// numbers become derived ranges. Decisions see the changes within a second. Audited.
#[utoipa::path(post, path = "/v1/reputation/run", tag = "reputation",
    responses(
        (status = 200, description = "what the pass did", body = ReputationRun),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn run_reputation(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
) -> Result<Json<ReputationRun>, ApiError> {
    let report = state
        .blocking(move |app| app.run_reputation(&principal))
        .await?;
    let report = ReputationRun::from(report);
    Ok(Json(report))
}
