//! Victims' cases over the API: filing, reading, moving on, and the cluster each belongs to,
//! with analysts' cuts of wrong links.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use fraudwall_app::AppError;
use fraudwall_app::cases::{
    CaseDraft, ContactDraft, LinkDraft, LinkedView, PaymentDraft, ProgressDraft,
};
use fraudwall_app::conviction::ConvictionDraft;
use fraudwall_app::records::{CaseIdentifier, CaseRecord, CaseVersion};
use fraudwall_lists::entry::{Kind, UnknownName};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, JsonBody};

/// Cases listed in a cluster's answer; the summary counts them all.
const MAX_LINKED_CASES: usize = 1_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VictimInput {
    #[schema(example = "+8613800138000")]
    pub phone: String,
    /// The administrative division the victim lives in.
    #[schema(example = "500101")]
    pub territory: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyInput {
    #[schema(example = 12500.0)]
    pub amount: f64,
    #[schema(example = "CNY")]
    pub currency: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// number, sms (the sender), sender, url, domain, ip, app, account or social.
    #[schema(example = "number")]
    pub kind: String,
    #[schema(example = "171 0000 0001")]
    pub value: String,
    /// RFC 3339, if the victim knows.
    pub time: Option<String>,
    /// How the contact came (a call, a chat); accepted, not used for linking.
    #[allow(
        dead_code,
        reason = "accepted so that reports carrying it are not refused"
    )]
    pub how: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    #[schema(example = "6222 0200 0000 0001")]
    pub to_account: String,
    pub amount: f64,
    #[schema(example = "CNY")]
    pub currency: String,
    pub time: Option<String>,
    /// The victim's own account: never a link, so not kept.
    #[allow(
        dead_code,
        reason = "accepted so that reports carrying it are not refused"
    )]
    pub from_account: Option<String>,
}

/// A victim's report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostCase {
    /// A code of the fraud taxonomy (`GET /v1/fraud-types`).
    #[schema(example = "fake_customer_service")]
    pub fraud_type: String,
    /// RFC 3339.
    #[schema(example = "2026-11-02T09:30:00Z")]
    pub reported_at: String,
    pub victim: VictimInput,
    pub loss: MoneyInput,
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
    #[serde(default)]
    pub payments: Vec<PaymentInput>,
    /// The filer's own reference and filing time; the server numbers and times its cases.
    #[allow(
        dead_code,
        reason = "accepted so that reports carrying it are not refused"
    )]
    pub id: Option<String>,
    #[allow(
        dead_code,
        reason = "accepted so that reports carrying it are not refused"
    )]
    pub filed_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseFiled {
    pub id: i64,
    /// False when the same report was filed before: the id is the earlier case's.
    pub created: bool,
}

/// Files a victim's case: its identifiers are normalized, and it is linked at once to every
/// case that shares one (official numbers, service numbers and common hosts never link). The
/// same report sent twice is stored once. A malformed report is refused with every field in
/// error named, each with its code. Audited.
#[utoipa::path(post, path = "/v1/cases", tag = "cases",
    request_body = PostCase,
    responses(
        (status = 201, description = "filed", body = CaseFiled),
        (status = 200, description = "filed before; the earlier case", body = CaseFiled),
        (status = 422, description = "fields in error, each with its code", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    JsonBody(body): JsonBody<PostCase>,
) -> Result<(StatusCode, Json<CaseFiled>), ApiError> {
    let draft = CaseDraft {
        fraud_type: body.fraud_type,
        reported_at: body.reported_at,
        victim_phone: body.victim.phone,
        territory: body.victim.territory,
        loss_amount: body.loss.amount,
        loss_currency: body.loss.currency,
        contacts: body
            .contacts
            .into_iter()
            .map(|c| ContactDraft {
                kind: c.kind,
                value: c.value,
                time: c.time,
            })
            .collect(),
        payments: body
            .payments
            .into_iter()
            .map(|p| PaymentDraft {
                to_account: p.to_account,
                amount: p.amount,
                currency: p.currency,
                time: p.time,
            })
            .collect(),
    };
    let (id, created) = state
        .blocking(move |app| app.file_case(&principal, &draft))
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(CaseFiled { id, created })))
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseInfo {
    pub id: i64,
    pub fraud_type: String,
    pub reported_at: String,
    /// Empty for a case outside the caller's territory.
    pub victim_phone: String,
    pub territory: Option<String>,
    pub loss: f64,
    pub currency: String,
    pub status: String,
    pub suspects: serde_json::Value,
    pub arrests: i64,
    pub recovered: f64,
    pub note: Option<String>,
    pub version: i64,
    pub filed_by: String,
    pub filed_at: String,
    pub updated_at: String,
    /// Whether the case is in the caller's territory; outside it the victim is withheld.
    pub in_scope: bool,
}

impl CaseInfo {
    fn new(record: CaseRecord, in_scope: bool) -> CaseInfo {
        CaseInfo {
            id: record.id,
            fraud_type: record.fraud_type,
            reported_at: rfc3339(record.reported_at),
            victim_phone: record.victim_phone,
            territory: record.territory,
            loss: record.loss_cents as f64 / 100.0,
            currency: record.currency,
            status: record.progress.status,
            suspects: serde_json::from_str(&record.progress.suspects)
                .unwrap_or(serde_json::Value::Null),
            arrests: record.progress.arrests,
            recovered: record.progress.recovered_cents as f64 / 100.0,
            note: record.progress.note,
            version: record.version,
            filed_by: record.filed_by,
            filed_at: rfc3339(record.filed_at),
            updated_at: rfc3339(record.updated_at),
            in_scope,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NamedIdentifier {
    pub kind: &'static str,
    pub value: String,
    /// contact or payment.
    pub role: String,
    pub time: Option<String>,
}

impl From<CaseIdentifier> for NamedIdentifier {
    fn from(named: CaseIdentifier) -> NamedIdentifier {
        NamedIdentifier {
            kind: named.kind.as_str(),
            value: named.value,
            role: named.role,
            time: named.time.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    pub version: i64,
    pub status: String,
    pub arrests: i64,
    pub recovered: f64,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

impl From<CaseVersion> for VersionInfo {
    fn from(v: CaseVersion) -> VersionInfo {
        VersionInfo {
            version: v.version,
            status: v.progress.status,
            arrests: v.progress.arrests,
            recovered: v.progress.recovered_cents as f64 / 100.0,
            note: v.progress.note,
            by: v.by,
            at: rfc3339(v.at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetail {
    pub case: CaseInfo,
    pub identifiers: Vec<NamedIdentifier>,
    /// Every version of its progress, oldest first.
    pub versions: Vec<VersionInfo>,
}

/// One case, with the identifiers it names and its versions. A station reads its own
/// territory's cases. Audited.
#[utoipa::path(get, path = "/v1/cases/{id}", tag = "cases",
    params(("id" = i64, Path, description = "case id")),
    responses(
        (status = 200, description = "the case", body = CaseDetail),
        (status = 404, description = "no such case", body = ErrorBody),
        (status = 403, description = "role or territory not allowed", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CaseDetail>, ApiError> {
    let (record, named, versions) = state.blocking(move |app| app.case(&principal, id)).await?;
    Ok(Json(CaseDetail {
        case: CaseInfo::new(record, true),
        identifiers: named.into_iter().map(NamedIdentifier::from).collect(),
        versions: versions.into_iter().map(VersionInfo::from).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Count {
    pub code: String,
    pub cases: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterInfo {
    /// The cluster's id: one of its cases', stable until its links change.
    pub id: i64,
    pub cases: u32,
    /// Distinct victims.
    pub victims: u32,
    pub loss: f64,
    pub territories: Vec<Count>,
    pub fraud_types: Vec<Count>,
    pub first_reported: String,
    pub last_reported: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Meeting {
    pub case: i64,
    /// When the case met the identifier, if known.
    pub time: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkInfo {
    pub kind: &'static str,
    pub value: String,
    /// The cases it joins, earliest first.
    pub cases: Vec<i64>,
    pub times: Vec<Meeting>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedCases {
    pub cluster: ClusterInfo,
    /// Up to 1,000 of its cases, by id.
    pub cases: Vec<CaseInfo>,
    /// The identifiers that hold it together, the one joining most cases first.
    pub links: Vec<LinkInfo>,
}

impl From<LinkedView> for LinkedCases {
    fn from(view: LinkedView) -> LinkedCases {
        let summary = view.summary;
        let counts = |items: Vec<(String, u32)>| {
            items
                .into_iter()
                .map(|(code, cases)| Count { code, cases })
                .collect()
        };
        let at = |seconds: i64| {
            OffsetDateTime::from_unix_timestamp(seconds)
                .map(rfc3339)
                .unwrap_or_default()
        };
        LinkedCases {
            cluster: ClusterInfo {
                id: view.cluster,
                cases: summary.cases,
                victims: summary.victims,
                loss: summary.loss_cents as f64 / 100.0,
                territories: counts(summary.territories),
                fraud_types: counts(summary.fraud_types),
                first_reported: at(summary.first_reported),
                last_reported: at(summary.last_reported),
            },
            cases: view
                .cases
                .into_iter()
                .map(|c| CaseInfo::new(c.record, c.in_scope))
                .collect(),
            links: view
                .links
                .into_iter()
                .map(|link| LinkInfo {
                    kind: link.kind.as_str(),
                    value: link.value,
                    cases: link.cases.iter().map(|c| c.0).collect(),
                    times: link
                        .cases
                        .iter()
                        .map(|&(case, time)| Meeting {
                            case,
                            time: time.map(at),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The cluster of cases linked to this one through shared identifiers, with its figures and
/// the identifiers that hold it together. Cases outside the caller's territory are listed
/// without their victims. Audited.
#[utoipa::path(get, path = "/v1/cases/{id}/linked", tag = "cases",
    params(("id" = i64, Path, description = "case id")),
    responses(
        (status = 200, description = "the case's cluster", body = LinkedCases),
        (status = 404, description = "no such case", body = ErrorBody),
        (status = 403, description = "role or territory not allowed", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn linked(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<LinkedCases>, ApiError> {
    let view = state
        .blocking(move |app| app.linked_cases(&principal, id, MAX_LINKED_CASES))
        .await?;
    Ok(Json(LinkedCases::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkChange {
    #[schema(example = "number")]
    pub kind: String,
    #[schema(example = "+8617100000001")]
    pub value: String,
    /// Why the link is wrong; kept in the audit log.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CutResult {
    /// The sizes of the clusters the case's cluster split into, largest first.
    pub parts: Vec<u32>,
    /// The size of the case's own cluster now.
    pub cluster_size: u32,
}

fn kind(text: &str) -> Result<Kind, ApiError> {
    text.parse()
        .map_err(|e: UnknownName| ApiError::from(AppError::invalid(e.to_string())))
}

/// Cuts a wrong link: this case no longer links through this identifier, and its cluster
/// splits as the remaining links say. Audited with who cut it and why.
#[utoipa::path(post, path = "/v1/cases/{id}/links/cut", tag = "cases",
    params(("id" = i64, Path, description = "case id")),
    request_body = LinkChange,
    responses(
        (status = 200, description = "cut", body = CutResult),
        (status = 404, description = "no such case, or it does not name the identifier", body = ErrorBody),
        (status = 409, description = "already cut", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn cut(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody<LinkChange>,
) -> Result<Json<CutResult>, ApiError> {
    let link = LinkDraft {
        kind: kind(&body.kind)?,
        value: body.value,
        reason: body.reason,
    };
    let report = state
        .blocking(move |app| app.cut_link(&principal, id, link))
        .await?;
    Ok(Json(CutResult {
        parts: report.parts,
        cluster_size: report.cluster_size,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RestoreResult {
    pub cluster_size: u32,
}

/// Undoes a cut. Audited.
#[utoipa::path(post, path = "/v1/cases/{id}/links/restore", tag = "cases",
    params(("id" = i64, Path, description = "case id")),
    request_body = LinkChange,
    responses(
        (status = 200, description = "restored", body = RestoreResult),
        (status = 404, description = "no such case, or it does not name the identifier", body = ErrorBody),
        (status = 409, description = "not cut", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody<LinkChange>,
) -> Result<Json<RestoreResult>, ApiError> {
    let link = LinkDraft {
        kind: kind(&body.kind)?,
        value: body.value,
        reason: body.reason,
    };
    let cluster_size = state
        .blocking(move |app| app.restore_link(&principal, id, link))
        .await?;
    Ok(Json(RestoreResult { cluster_size }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchCase {
    /// The version read: a change made since is not overwritten (409).
    pub version: i64,
    /// reported, investigating, solved or closed; forward only.
    pub status: Option<String>,
    pub suspects: Option<Vec<String>>,
    pub arrests: Option<i64>,
    /// Money recovered, in the case's currency.
    pub recovered: Option<f64>,
    pub note: Option<String>,
}

/// Moves a case on: its status (forward only), suspects, arrests and money recovered. Every
/// edit is a new version. Audited.
#[utoipa::path(patch, path = "/v1/cases/{id}", tag = "cases",
    params(("id" = i64, Path, description = "case id")),
    request_body = PatchCase,
    responses(
        (status = 200, description = "the case after the edit", body = CaseInfo),
        (status = 409, description = "the case changed since that version", body = ErrorBody),
        (status = 422, description = "fields in error", body = ErrorBody),
        (status = 403, description = "role or territory not allowed", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn patch(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody<PatchCase>,
) -> Result<Json<CaseInfo>, ApiError> {
    let draft = ProgressDraft {
        version: body.version,
        status: body.status,
        suspects: body.suspects,
        arrests: body.arrests,
        recovered_cents: body.recovered.map(|r| (r * 100.0).round() as i64),
        note: body.note,
    };
    let record = state
        .blocking(move |app| app.progress_case(&principal, id, draft))
        .await?;
    Ok(Json(CaseInfo::new(record, true)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifierInput {
    /// number, account, social, domain, url, app...
    #[schema(example = "number")]
    pub kind: String,
    #[schema(example = "+8617100000001")]
    pub value: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Convicted {
    /// The numbers, accounts and handles the convicted suspects used; 1 to 1,000.
    #[schema(min_items = 1, max_items = 1000)]
    pub identifiers: Vec<IdentifierInput>,
    /// RFC 3339: when the restriction ends; three years from now when absent, and never later.
    pub until: Option<String>,
    pub note: Option<String>,
}

/// Identifiers per conviction request.
const MAX_CONVICTED: usize = 1_000;

/// The communication blacklist: puts a solved case's convicted suspects' identifiers on the
/// black list until the restriction ends, each entry naming its case. Each identifier stands
/// alone. Audited.
#[utoipa::path(post, path = "/v1/cases/{id}/convicted", tag = "cases",
    params(("id" = i64, Path, description = "case id")),
    request_body = Convicted,
    responses(
        (status = 200, description = "one result per identifier, in order", body = crate::routes::lists::EntriesResponse),
        (status = 404, description = "no such case", body = ErrorBody),
        (status = 409, description = "the case is not solved yet", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn convicted(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody<Convicted>,
) -> Result<Json<crate::routes::lists::EntriesResponse>, ApiError> {
    if body.identifiers.len() > MAX_CONVICTED {
        return Err(
            AppError::invalid(format!("at most {MAX_CONVICTED} identifiers per request")).into(),
        );
    }
    let identifiers = body
        .identifiers
        .into_iter()
        .map(|i| Ok((kind(&i.kind)?, i.value)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let draft = ConvictionDraft {
        identifiers,
        until: body.until,
        note: body.note,
    };
    let report = state
        .blocking(move |app| app.blacklist_convicted(&principal, id, draft))
        .await?;
    Ok(Json(crate::routes::lists::entries_response(report)))
}
