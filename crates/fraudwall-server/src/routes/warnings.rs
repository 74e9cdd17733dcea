//! Activity records in, the registry and the unit tree, and the warnings that counter-inspection
//! raises: listed within the caller's territory, acknowledged step by step, closed only with an
//! outcome.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use fraudwall_app::cards::RejectedLine;
use fraudwall_app::registry::RegistryImportReport;
use fraudwall_app::warnings::{Kpi, OutcomeDraft, WarningQuery, WarningView};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, JsonBody, JsonBytes, RawBody, body_error};
use crate::routes::rfc3339;

/// Records per request.
pub const MAX_RECORDS: usize = 10_000;

#[derive(Deserialize)]
struct RecordBatchWire<'a> {
    #[serde(borrow)]
    events: Option<Vec<&'a RawValue>>,
}

/// A batch of 1 to 10,000 activity records. Each has a `kind`: `call_record` (`caller`,
/// `callee`, `start`, `duration_s`), `sms_record` (`sender`, `recipient`, `time`, `text`?),
/// `visit` (`subscriber`, `url`, `time`), `app_install` (`subscriber`, `package`, `time`) or
/// `transfer_record` (`from_account`, `to_account`, `amount`, `currency`, `time`,
/// `from_phone`?, `to_phone`?). Times are RFC 3339.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the wire format; parsing goes record by record
pub struct RecordBatch {
    pub events: Vec<serde_json::Value>,
}

/// One record's slot: stored, or why not.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordSlot {
    pub stored: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::error::ErrorDetail>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordAnswer {
    /// Records stored, durable before this answer was sent. A record sent again is stored once.
    pub stored: usize,
    pub rejected: usize,
    /// One slot per record, in order.
    pub results: Vec<RecordSlot>,
}

/// Stores activity records for counter-inspection. A malformed record fails alone, in its slot.
#[utoipa::path(post, path = "/v1/events", tag = "warnings",
    request_body = RecordBatch,
    responses(
        (status = 200, description = "one slot per record", body = RecordAnswer),
        (status = 400, description = "the batch itself is malformed, empty or too large", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn post_events(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    JsonBytes(body): JsonBytes,
) -> Result<Json<RecordAnswer>, ApiError> {
    let count = {
        let batch: RecordBatchWire<'_> = serde_json::from_slice(&body).map_err(body_error)?;
        let events = batch.events.ok_or_else(|| {
            ApiError::new(
                Code::MalformedJson,
                "the body must be {\"events\": [RECORD, …]}",
            )
        })?;
        events.len()
    };
    if count == 0 {
        return Err(ApiError::new(
            Code::EmptyBatch,
            "events must hold at least one record",
        ));
    }
    if count > MAX_RECORDS {
        return Err(ApiError::new(
            Code::BatchTooLarge,
            format!("at most {MAX_RECORDS} records per batch, got {count}"),
        ));
    }
    let results = state
        .blocking(move |app| {
            let batch: RecordBatchWire<'_> = serde_json::from_slice(&body)
                .map_err(|e| fraudwall_app::AppError::invalid(e.to_string()))?;
            let slots: Vec<&[u8]> = batch
                .events
                .unwrap_or_default()
                .iter()
                .map(|raw| raw.get().as_bytes())
                .collect();
            app.ingest_records(&principal, &slots)
        })
        .await?;
    let stored = results.iter().filter(|r| r.is_ok()).count();
    Ok(Json(RecordAnswer {
        stored,
        rejected: results.len() - stored,
        results: results
            .iter()
            .map(|r| match r {
                Ok(()) => RecordSlot {
                    stored: true,
                    error: None,
                },
                Err(err) => RecordSlot {
                    stored: false,
                    error: Some(ApiError::slot(err).error),
                },
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedRow {
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistryImportSummary {
    pub imported: u64,
    pub rejected: u64,
    /// The first rejected lines.
    pub errors: Vec<RejectedRow>,
}

fn rows(errors: Vec<RejectedLine>) -> Vec<RejectedRow> {
    errors
        .into_iter()
        .map(|e| RejectedRow {
            line: e.line,
            message: e.message,
        })
        .collect()
}

impl From<RegistryImportReport> for RegistryImportSummary {
    fn from(report: RegistryImportReport) -> RegistryImportSummary {
        RegistryImportSummary {
            imported: report.imported,
            rejected: report.rejected,
            errors: rows(report.errors),
        }
    }
}

/// Imports the subscriber registry: `phone,territory[,birth_year,occupation]`. A warning goes
/// to the unit of its subscriber's territory. Audited.
#[utoipa::path(post, path = "/v1/subscribers/import", tag = "warnings",
    request_body(content = String, description = "the registry (CSV with a header)", content_type = "text/csv"),
    responses(
        (status = 200, description = "counts, and the first rejected lines", body = RegistryImportSummary),
        (status = 400, description = "a header without phone and territory", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn import_subscribers(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    RawBody(body): RawBody,
) -> Result<Json<RegistryImportSummary>, ApiError> {
    let report = state
        .blocking(move |app| app.import_subscribers(&principal, &mut body.as_ref(), &mut |_| {}))
        .await?;
    Ok(Json(report.into()))
}

/// Imports the jurisdiction tree: `code,name,level,parent[,contact,webhook]`, levels province,
/// city, district, station and grid. A missed deadline escalates up this tree. Audited.
#[utoipa::path(post, path = "/v1/units/import", tag = "warnings",
    request_body(content = String, description = "the units (CSV with a header)", content_type = "text/csv"),
    responses(
        (status = 200, description = "counts, and the first rejected lines", body = RegistryImportSummary),
        (status = 400, description = "a header without code, name and level", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn import_units(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    RawBody(body): RawBody,
) -> Result<Json<RegistryImportSummary>, ApiError> {
    let report = state
        .blocking(move |app| app.import_units(&principal, &mut body.as_ref()))
        .await?;
    Ok(Json(report.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WarningParams {
    /// The case whose counter-inspection raised them.
    pub case: Option<i64>,
    /// A division code: its warnings and those of every unit under it.
    pub territory: Option<String>,
    /// `open` (not closed), `triggered`, `acknowledged` or `closed`.
    pub status: Option<String>,
    /// Warnings after this id (paging).
    #[param(minimum = 0)]
    #[serde(default)]
    pub after: i64,
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonWire {
    pub code: String,
    pub detail: String,
    pub points: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepWire {
    /// `reminder_sms`, `call`, `door_visit`, `block` or `stop_loss`.
    pub action: String,
    /// Steps of one stage run together.
    pub stage: u32,
    /// The unit that must act.
    pub unit: String,
    /// `pending`, `triggered`, `acknowledged` or `missed`.
    pub status: String,
    pub deadline: Option<String>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
    /// Times it went to the unit above.
    pub escalations: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WarningWire {
    pub id: i64,
    pub case: Option<i64>,
    pub subscriber: String,
    /// `low`, `medium`, `high` or `special`.
    pub tier: &'static str,
    pub territory: String,
    pub reasons: Vec<ReasonWire>,
    /// `triggered`, `acknowledged` or `closed`.
    pub status: &'static str,
    pub steps: Vec<StepWire>,
    pub outcome: Option<String>,
    pub created_at: String,
    /// Send it back with an outcome to refuse a change made since.
    pub version: i64,
}

fn snake<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl From<WarningView> for WarningWire {
    fn from(view: WarningView) -> WarningWire {
        let w = view.warning;
        WarningWire {
            id: view.id,
            case: view.case_id,
            subscriber: w.subscriber,
            tier: w.tier.code(),
            territory: w.territory,
            reasons: w
                .reasons
                .into_iter()
                .map(|r| ReasonWire {
                    code: r.code,
                    detail: r.detail,
                    points: r.points,
                })
                .collect(),
            status: w.status.code(),
            steps: w
                .steps
                .iter()
                .map(|s| StepWire {
                    action: snake(&s.action),
                    stage: s.stage,
                    unit: s.unit.clone(),
                    status: snake(&s.status),
                    deadline: s.deadline.map(rfc3339),
                    acknowledged_by: s.acknowledged.as_ref().map(|a| a.by.clone()),
                    acknowledged_at: s.acknowledged.as_ref().map(|a| rfc3339(a.at)),
                    escalations: s.escalations,
                })
                .collect(),
            outcome: w.closure.map(|c| c.outcome.code().to_owned()),
            created_at: rfc3339(w.created_at),
            version: view.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WarningPage {
    pub warnings: Vec<WarningWire>,
}

/// Warnings, by id: a case's (`case=ID`) or a territory's (`territory=CODE&status=open`). A
/// station sees only its own territory and is refused another's. Audited.
#[utoipa::path(get, path = "/v1/warnings", tag = "warnings",
    params(WarningParams),
    responses(
        (status = 200, description = "one page of warnings", body = WarningPage),
        (status = 403, description = "role not allowed, or a territory outside the token's (`forbidden_scope`)", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiQuery(params): ApiQuery<WarningParams>,
) -> Result<Json<WarningPage>, ApiError> {
    let limit = crate::routes::page_size(params.after, params.limit)?;
    let query = WarningQuery {
        case_id: params.case,
        territory: params.territory,
        status: params.status,
        after: params.after,
        limit,
    };
    let views = state
        .blocking(move |app| app.warnings(&principal, &query))
        .await?;
    Ok(Json(WarningPage {
        warnings: views.into_iter().map(WarningWire::from).collect(),
    }))
}

/// How a warning ended.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostOutcome {
    /// `dissuaded`, `already_deceived` (a case should be filed), `unreachable`, `refused` or
    /// `false_alarm`.
    #[schema(example = "dissuaded")]
    pub outcome: Option<String>,
    /// The version read; a change made since is refused with `conflict`.
    pub version: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeAnswer {
    pub warning: WarningWire,
    /// The subscriber was already deceived: file the case with `POST /v1/cases`.
    pub file_case: bool,
}

/// Closes a warning with its outcome; without one it stays open (`outcome_required`). Audited.
#[utoipa::path(post, path = "/v1/warnings/{id}/outcome", tag = "warnings",
    params(("id" = i64, Path, description = "the warning's id")),
    request_body = PostOutcome,
    responses(
        (status = 200, description = "closed", body = OutcomeAnswer),
        (status = 404, description = "no such warning in the caller's territory", body = ErrorBody),
        (status = 409, description = "closed already (`warning_closed`) or changed since read (`conflict`)", body = ErrorBody),
        (status = 422, description = "no outcome (`outcome_required`) or an unknown one", body = ErrorBody)))]
pub async fn outcome(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody<PostOutcome>,
) -> Result<Json<OutcomeAnswer>, ApiError> {
    let draft = OutcomeDraft {
        outcome: body.outcome,
        version: body.version,
        note: body.note,
    };
    let (view, file_case) = state
        .blocking(move |app| app.warning_outcome(&principal, id, &draft))
        .await?;
    Ok(Json(OutcomeAnswer {
        warning: view.into(),
        file_case,
    }))
}

/// Acknowledges a step: the reminder sent, the call made, the visit done. When a stage has
/// nothing left running the next starts. Audited.
#[utoipa::path(post, path = "/v1/warnings/{id}/steps/{step}/ack", tag = "warnings",
    params(("id" = i64, Path, description = "the warning's id"),
        ("step" = usize, Path, description = "the step's index in `steps`")),
    responses(
        (status = 200, description = "acknowledged", body = WarningWire),
        (status = 404, description = "no such warning or step", body = ErrorBody),
        (status = 409, description = "not yet triggered, already acknowledged, or closed", body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath((id, step)): ApiPath<(i64, usize)>,
) -> Result<Json<WarningWire>, ApiError> {
    let view = state
        .blocking(move |app| app.acknowledge_warning_step(&principal, id, step))
        .await?;
    Ok(Json(view.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct KpiParams {
    /// Digits of the territory code to group by: 6 districts (default), 9 stations, 12 grids.
    #[param(minimum = 2, maximum = 12)]
    pub depth: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KpiWire {
    pub territory: String,
    pub tier: String,
    pub warnings: u64,
    pub closed: u64,
    pub dissuaded: u64,
    pub became_cases: u64,
    /// Dissuaded among closed.
    pub effective_rate: f64,
    pub median_first_contact_s: Option<i64>,
    /// Already deceived among closed.
    pub case_share: f64,
}

impl From<Kpi> for KpiWire {
    fn from(k: Kpi) -> KpiWire {
        KpiWire {
            territory: k.territory,
            tier: k.tier,
            warnings: k.warnings,
            closed: k.closed,
            dissuaded: k.dissuaded,
            became_cases: k.became_cases,
            effective_rate: k.effective_rate,
            median_first_contact_s: k.median_first_contact_s,
            case_share: k.case_share,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KpiPage {
    pub kpis: Vec<KpiWire>,
}

/// Warning KPIs by territory and tier, within the caller's territory: effective warning rate,
/// time to first contact, share that became cases.
#[utoipa::path(get, path = "/v1/warnings/kpis", tag = "warnings",
    params(KpiParams),
    responses((status = 200, description = "one row per territory and tier", body = KpiPage)))]
pub async fn kpis(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiQuery(params): ApiQuery<KpiParams>,
) -> Result<Json<KpiPage>, ApiError> {
    let depth = params.depth.unwrap_or(6);
    if !(2..=12).contains(&depth) {
        return Err(ApiError::new(
            Code::InvalidParameter,
            "depth must be 2 to 12",
        ));
    }
    let kpis = state
        .blocking(move |app| app.warning_kpis(&principal, depth))
        .await?;
    Ok(Json(KpiPage {
        kpis: kpis.into_iter().map(KpiWire::from).collect(),
    }))
}
