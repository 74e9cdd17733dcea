//! Evidence in, and the reputation job on demand. Each token is one source of evidence, whatever
//! and however much it sends, so that one reporter can never list a number alone.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use fraudwall_lists::entry::{Identifier, IdentifierError, Kind, UnknownName};
use fraudwall_lists::plan::{ASSESSED_KINDS, PassReport};
use fraudwall_store::{EvidenceClass, NewEvidence, Role, UnknownEvidenceClass};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody, ErrorDetail};
use crate::extract::JsonBody;
use crate::reputation::rfc3339;

/// Items per request.
pub const MAX_EVIDENCE: usize = 10_000;

/// How far ahead of the server's clock an observation may be dated: clients' clocks drift, and
/// a report made just now should not be refused for it.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// One observation about an identifier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// number, domain, url or ip. Ranges are derived by the server, never reported.
    #[schema(example = "number")]
    pub kind: String,
    #[schema(example = "+8613800138000")]
    pub value: String,
    /// fraud (default) or benign.
    #[schema(example = "fraud")]
    pub class: Option<String>,
    /// A code of the fraud taxonomy.
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

fn slot_error(code: &'static str, message: impl Into<String>) -> EvidenceResult {
    EvidenceResult::Error(ErrorBody {
        error: ErrorDetail {
            code,
            message: message.into(),
        },
    })
}

/// Validates one observation into a record from `source`, or the error for its slot.
/// The roles whose benign signals count.
const BENIGN_SENDERS: [Role; 4] = [Role::Admin, Role::Analyst, Role::Telco, Role::Bank];

fn plan(
    state: &AppState,
    input: EvidenceInput,
    source: &str,
    role: Role,
    now: OffsetDateTime,
) -> Result<NewEvidence, EvidenceResult> {
    let invalid = |message: String| slot_error(Code::InvalidParameter.name(), message);
    let kind: Kind = input
        .kind
        .parse()
        .map_err(|e: UnknownName| invalid(e.to_string()))?;
    if !ASSESSED_KINDS.contains(&kind) {
        return Err(slot_error(
            Code::UnsupportedKind.name(),
            format!("evidence is taken about numbers, domains, urls and ip addresses, not {kind}"),
        ));
    }
    let identifier = Identifier::parse(kind, &input.value, &state.normalizer).map_err(
        // the identifier parsers' own codes are stable; they travel as they are
        |e: IdentifierError| slot_error(e.code, e.message),
    )?;
    let class = match input.class.as_deref() {
        None => EvidenceClass::Fraud,
        Some(text) => text
            .parse()
            .map_err(|e: UnknownEvidenceClass| invalid(e.to_string()))?,
    };
    // Benign signals pull numbers off the lists, and a fraud ring would send them by the
    // thousand: only institutions that answer for what they say may send them.
    if class == EvidenceClass::Benign && !BENIGN_SENDERS.contains(&role) {
        return Err(slot_error(
            Code::ForbiddenRole.name(),
            "benign signals come from administrators, analysts, operators and banks",
        ));
    }
    let at = match input.time.as_deref() {
        None => now,
        Some(text) => {
            let at = OffsetDateTime::parse(text.trim(), &Rfc3339)
                .map_err(|err| invalid(format!("{text:?} is not an rfc 3339 time: {err}")))?;
            if at > now + CLOCK_SKEW {
                return Err(slot_error(
                    Code::TimeInFuture.name(),
                    format!("{text} is in the future"),
                ));
            }
            // within the allowed skew: recorded as now, so that no evidence grows before it fades
            at.min(now)
        }
    };
    Ok(NewEvidence {
        kind: identifier.kind,
        value: identifier.value,
        key: identifier.key,
        class,
        source: source.to_owned(),
        time: rfc3339(at.unix_timestamp()),
        fraud_type: input.fraud_type.filter(|t| !t.trim().is_empty()),
        note: input.note.filter(|n| !n.trim().is_empty()),
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
        (status = 403, description = "role not allowed", body = ErrorBody)))]
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
    let now = OffsetDateTime::now_utc();
    // the token id, not its name: names repeat, ids do not
    let source = format!("token:{}", principal.token_id);
    let mut records = Vec::new();
    let mut results = Vec::with_capacity(count);
    for input in body.evidence {
        match plan(&state, input, &source, principal.role, now) {
            Ok(record) => {
                results.push(EvidenceResult::Accepted {
                    outcome: "accepted",
                    kind: record.kind.as_str(),
                    value: record.value.clone(),
                });
                records.push(record);
            }
            Err(error) => results.push(error),
        }
    }
    let accepted = records.len();
    if accepted > 0 {
        state.reputation.evidence_arrived();
    }
    let actor = principal.actor();
    state
        .blocking(move |store| {
            if !records.is_empty() {
                store.append_evidence(&records)?;
            }
            let benign = records
                .iter()
                .filter(|r| r.class == EvidenceClass::Benign)
                .count();
            crate::audit_event(
                store,
                &actor,
                "evidence.add",
                "evidence",
                serde_json::json!({"items": count, "accepted": accepted, "benign": benign}),
            )
        })
        .await?;
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
    let job = state.reputation.clone();
    let actor = principal.actor();
    let report = state
        .blocking(move |store| {
            let report = ReputationRun::from(job.run_pass()?);
            crate::audit_event(
                store,
                &actor,
                "reputation.run",
                "lists",
                serde_json::json!(report),
            )?;
            Ok(report)
        })
        .await?;
    Ok(Json(report))
}
