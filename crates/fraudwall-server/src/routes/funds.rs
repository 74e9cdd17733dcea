//! Fund control: a case's money traced through the transfer records, the freeze requests that
//! follow it to the banks, the banks' and investigators' actions on them, and the money held,
//! frozen and returned.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use fraudwall_app::funds::{
    ActionDraft, FreezeAction, FreezeQuery, FreezeView, FundsStat, TraceQuery, TraceView,
};
use fraudwall_app::verification::{Finding, VerificationView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, JsonBody, JsonBytes, body_error};
use crate::routes::rfc3339;

fn yuan(cents: i64) -> f64 {
    cents as f64 / 100.0
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TraceParams {
    /// How much of an account's outgoing transfer is the victim's money: `fifo` (default),
    /// `lifo`, `proportional` (haircut) or `poison` (everything paid out after it arrived).
    pub rule: Option<String>,
    /// Hops followed, the victim's payment being the first: 1 to 32, 6 by default.
    #[param(minimum = 1, maximum = 32)]
    pub depth: Option<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HopWire {
    /// None for the victim's own payment.
    pub from_account: Option<String>,
    pub to_account: String,
    /// The victim's money in the transfer, by the rule, in yuan.
    pub amount: f64,
    pub amount_cents: i64,
    /// The whole transfer, in yuan.
    pub total: f64,
    pub time: String,
    /// 1 for the victim's own payment.
    pub depth: u8,
    /// Whether the transfer is in the records, not only in the victim's report.
    pub recorded: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeldWire {
    pub account: String,
    /// The bank's code, from the card number; `unknown` when it names none.
    pub bank: String,
    /// The victim's money the account still held, in yuan.
    pub amount: f64,
    pub amount_cents: i64,
    pub depth: u8,
    pub since: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RestrictionWire {
    /// `stop_payment` or `freeze`.
    pub kind: &'static str,
    pub amount: f64,
    pub until: String,
    pub reason: String,
    /// How the holder appeals; an upheld appeal lifts the restriction at once.
    pub appeal: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FreezeEventWire {
    pub version: u64,
    pub at: String,
    pub by: Option<String>,
    /// `requested`, `acknowledged`, `stop_payment`, `frozen`, `renewed`, `unrelated_found`,
    /// `unrelated_released`, `return_ordered`, `returned`, `released`, `rejected`,
    /// `appeal_upheld` or `alert`, with its own fields.
    #[schema(value_type = Object)]
    pub event: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FreezeWire {
    pub id: i64,
    pub case: Option<i64>,
    pub account: String,
    pub bank: String,
    /// `requested`, `acknowledged`, `frozen`, `released`, `returned_to_victim`, `rejected` or
    /// `expired`.
    pub status: &'static str,
    pub amount_requested: f64,
    pub frozen_amount: f64,
    pub partial: bool,
    pub reason: String,
    pub appeal: String,
    pub acknowledge_by: String,
    pub stop_payment_until: Option<String>,
    pub stop_payments: u8,
    pub frozen_until: Option<String>,
    pub unrelated_amount: f64,
    pub unrelated_release_by: Option<String>,
    pub refund_by: Option<String>,
    /// The next deadline, none once nothing waits.
    pub due: Option<String>,
    pub restriction: Option<RestrictionWire>,
    pub created_at: String,
    pub events: Vec<FreezeEventWire>,
    /// Send it back with an action to refuse a change made since.
    pub version: i64,
}

fn fen(amount: u64) -> f64 {
    amount as f64 / 100.0
}

impl From<FreezeView> for FreezeWire {
    fn from(view: FreezeView) -> FreezeWire {
        let due = view.request.due().map(rfc3339);
        let r = view.request;
        FreezeWire {
            id: view.id,
            case: view.case_id,
            account: r.account,
            bank: r.bank,
            status: r.status.code(),
            amount_requested: fen(r.amount_requested),
            frozen_amount: fen(r.frozen_amount),
            partial: r.partial,
            reason: r.reason,
            appeal: r.appeal,
            acknowledge_by: rfc3339(r.acknowledge_by.at),
            stop_payment_until: r.stop_payment_until.map(rfc3339),
            stop_payments: r.stop_payments,
            frozen_until: r.frozen_until.map(rfc3339),
            unrelated_amount: fen(r.unrelated_amount),
            unrelated_release_by: r.unrelated_release_by.map(|d| rfc3339(d.at)),
            refund_by: r.refund_by.map(|d| rfc3339(d.at)),
            due,
            restriction: view.restriction.map(|x| RestrictionWire {
                kind: x.kind,
                amount: fen(x.amount),
                until: rfc3339(x.until),
                reason: x.reason,
                appeal: x.appeal,
            }),
            created_at: rfc3339(r.created_at),
            events: r
                .events
                .into_iter()
                .map(|e| FreezeEventWire {
                    version: e.version,
                    at: rfc3339(e.at),
                    by: e.by,
                    event: serde_json::to_value(&e.kind).unwrap_or_default(),
                })
                .collect(),
            version: view.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TraceAnswer {
    pub case: i64,
    pub rule: &'static str,
    pub depth: u8,
    /// Each transfer that carried the victim's money, in time order.
    pub hops: Vec<HopWire>,
    /// Where the victim's money still was, largest first: where a freeze can recover it.
    pub held: Vec<HeldWire>,
    /// The victim's money that moved beyond the deepest hop followed, in yuan.
    pub beyond_depth: f64,
    /// Payments the report gives no time for: they cannot be placed in the records.
    pub untimed_payments: usize,
    pub freeze_requests: Vec<FreezeWire>,
}

impl From<TraceView> for TraceAnswer {
    fn from(view: TraceView) -> TraceAnswer {
        TraceAnswer {
            case: view.case_id,
            rule: view.rule.as_str(),
            depth: view.depth,
            hops: view
                .hops
                .into_iter()
                .map(|h| HopWire {
                    from_account: h.from_account,
                    to_account: h.to_account,
                    amount: yuan(h.amount_cents),
                    amount_cents: h.amount_cents,
                    total: yuan(h.total_cents),
                    time: rfc3339(h.time),
                    depth: h.depth,
                    recorded: h.recorded,
                })
                .collect(),
            held: view
                .held
                .into_iter()
                .map(|h| HeldWire {
                    account: h.account,
                    bank: h.bank,
                    amount: yuan(h.amount_cents),
                    amount_cents: h.amount_cents,
                    depth: h.depth,
                    since: rfc3339(h.since),
                })
                .collect(),
            beyond_depth: yuan(view.beyond_depth_cents),
            untimed_payments: view.untimed_payments,
            freeze_requests: view
                .freeze_requests
                .into_iter()
                .map(FreezeWire::from)
                .collect(),
        }
    }
}

/// Follows the victim's payments hop by hop through the stored transfer records: only
/// transfers made after the money arrived count, each carrying no more of it than the rule
/// attributes. With the case's freeze requests. Audited.
#[utoipa::path(get, path = "/v1/cases/{id}/trace", tag = "funds",
    params(("id" = i64, Path, description = "case id"), TraceParams),
    responses(
        (status = 200, description = "the trace", body = TraceAnswer),
        (status = 400, description = "an unknown rule or a depth out of range", body = ErrorBody),
        (status = 403, description = "role or territory not allowed", body = ErrorBody),
        (status = 404, description = "no such case", body = ErrorBody)))]
pub async fn trace(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<TraceParams>,
) -> Result<Json<TraceAnswer>, ApiError> {
    let rule = params.rule.as_deref().map(str::parse).transpose().map_err(
        |e: fraudwall_app::funds::UnknownRule| ApiError::new(Code::InvalidParameter, e.to_string()),
    )?;
    let query = TraceQuery {
        rule,
        depth: params.depth,
    };
    let view = state
        .blocking(move |app| app.trace_case(&principal, id, query))
        .await?;
    Ok(Json(view.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestAnswer {
    /// Requests made now, one per account still holding the victim's money.
    pub created: Vec<i64>,
    /// Accounts that already had a request for the case.
    pub existing: usize,
}

/// Traces the case again (first in, first out) and asks the bank of each account still holding
/// the victim's money to stop it. Filing a case does this at once; call it again as transfer
/// records arrive. Audited.
#[utoipa::path(post, path = "/v1/cases/{id}/freeze-requests", tag = "funds",
    params(("id" = i64, Path, description = "case id")),
    responses(
        (status = 200, description = "the requests made", body = RequestAnswer),
        (status = 403, description = "role or territory not allowed", body = ErrorBody),
        (status = 404, description = "no such case", body = ErrorBody)))]
pub async fn request(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RequestAnswer>, ApiError> {
    let report = state
        .blocking(move |app| app.request_freezes(&principal, id))
        .await?;
    Ok(Json(RequestAnswer {
        created: report.created,
        existing: report.existing,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FreezeParams {
    pub case: Option<i64>,
    /// `open` (not ended), or one status: `requested`, `acknowledged`, `frozen`, `released`,
    /// `returned_to_victim`, `rejected`, `expired`.
    pub status: Option<String>,
    /// Requests after this id (paging).
    #[param(minimum = 0)]
    #[serde(default)]
    pub after: i64,
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FreezePage {
    pub freeze_requests: Vec<FreezeWire>,
}

/// Freeze requests, by id, in the caller's scope: a bank sees only its own accounts', a station
/// its territory's cases'. Audited.
#[utoipa::path(get, path = "/v1/freeze-requests", tag = "funds",
    params(FreezeParams),
    responses(
        (status = 200, description = "one page of requests", body = FreezePage),
        (status = 400, description = "an unknown status or a bad page", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiQuery(params): ApiQuery<FreezeParams>,
) -> Result<Json<FreezePage>, ApiError> {
    let limit = crate::routes::page_size(params.after, params.limit)?;
    let query = FreezeQuery {
        case_id: params.case,
        status: params.status,
        after: params.after,
        limit,
    };
    let views = state
        .blocking(move |app| app.freeze_requests(&principal, &query))
        .await?;
    Ok(Json(FreezePage {
        freeze_requests: views.into_iter().map(FreezeWire::from).collect(),
    }))
}

/// One freeze request, with its history, in the caller's scope (another bank's is not found).
/// Audited.
#[utoipa::path(get, path = "/v1/freeze-requests/{id}", tag = "funds",
    params(("id" = i64, Path, description = "the request's id")),
    responses(
        (status = 200, description = "the request", body = FreezeWire),
        (status = 403, description = "role not allowed", body = ErrorBody),
        (status = 404, description = "no such request in the caller's scope", body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<FreezeWire>, ApiError> {
    let view = state
        .blocking(move |app| app.freeze_request(&principal, id))
        .await?;
    Ok(Json(view.into()))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PostAction {
    /// Yuan: what is frozen (all of the request when absent), or found unrelated.
    #[schema(minimum = 0.01)]
    pub amount: Option<f64>,
    /// Why the request is rejected or the restriction lifted.
    pub reason: Option<String>,
    /// The version read; a change made since is refused with `conflict`.
    pub version: Option<i64>,
}

/// Acts on a freeze request. The bank: `acknowledge`, `stop_payment` (48 hours, at most twice
/// per account), `freeze` (all, or the `amount` the account still holds), `reject` (with a
/// `reason`), `release_unrelated`, `returned`. The centre and the stations: `renew`,
/// `mark_unrelated` (an `amount`), `order_return`, `release` (with a `reason`) and
/// `appeal_upheld`, which lifts the restriction at once. Audited.
#[utoipa::path(post, path = "/v1/freeze-requests/{id}/{action}", tag = "funds",
    params(("id" = i64, Path, description = "the request's id"),
        ("action" = String, Path, description = "what is done")),
    request_body(content = PostAction, description = "the action's details; may be empty"),
    responses(
        (status = 200, description = "the request after the action", body = FreezeWire),
        (status = 403, description = "role not allowed to take this action", body = ErrorBody),
        (status = 404, description = "no such request in the caller's scope, or no such action", body = ErrorBody),
        (status = 409, description = "not possible in the request's status (`freeze_invalid_transition`), the stop-payments used up (`stop_payment_limit`), or changed since read (`conflict`)", body = ErrorBody),
        (status = 422, description = "an amount or reason missing or out of range", body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    JsonBytes(bytes): JsonBytes,
) -> Result<Json<FreezeWire>, ApiError> {
    let action = FreezeAction::parse(&action)
        .ok_or_else(|| ApiError::new(Code::NotFound, format!("no action {action:?}")))?;
    let body: PostAction = if bytes.iter().all(u8::is_ascii_whitespace) {
        PostAction::default()
    } else {
        serde_json::from_slice(&bytes).map_err(body_error)?
    };
    let amount_cents = match body.amount {
        None => None,
        Some(yuan) if (0.01..=1e15).contains(&yuan) => Some((yuan * 100.0).round() as u64),
        Some(_) => {
            return Err(ApiError::new(
                Code::AmountZero,
                "amount must be at least 0.01 yuan",
            ));
        }
    };
    let draft = ActionDraft {
        amount_cents,
        reason: body.reason,
        version: body.version,
    };
    let view = state
        .blocking(move |app| app.act_on_freeze(&principal, id, action, &draft))
        .await?;
    Ok(Json(view.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundsStatWire {
    pub bank: String,
    pub territory: Option<String>,
    /// The day the requests were made (UTC+8 unless configured), `YYYY-MM-DD`.
    pub day: String,
    pub requests: u64,
    pub requested: f64,
    /// Under an emergency stop-payment now.
    pub held: f64,
    /// Frozen now.
    pub frozen: f64,
    pub returned: f64,
    pub released: f64,
    pub rejected: u64,
    pub expired: u64,
}

impl From<FundsStat> for FundsStatWire {
    fn from(s: FundsStat) -> FundsStatWire {
        FundsStatWire {
            bank: s.bank,
            territory: s.territory,
            day: s.day,
            requests: s.requests,
            requested: fen(s.requested_cents),
            held: fen(s.held_cents),
            frozen: fen(s.frozen_cents),
            returned: fen(s.returned_cents),
            released: fen(s.released_cents),
            rejected: s.rejected,
            expired: s.expired,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundsStats {
    pub groups: Vec<FundsStatWire>,
}

/// Money requested, held, frozen, returned and released, by bank, territory and day, over the
/// requests in the caller's scope. Audited.
#[utoipa::path(get, path = "/v1/funds/stats", tag = "funds",
    responses(
        (status = 200, description = "the figures", body = FundsStats),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
) -> Result<Json<FundsStats>, ApiError> {
    let groups = state
        .blocking(move |app| app.funds_stats(&principal))
        .await?;
    Ok(Json(FundsStats {
        groups: groups.into_iter().map(FundsStatWire::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VerificationParams {
    /// `open` or `pending` (not answered), `verified`, `failed` or `closed`.
    pub status: Option<String>,
    /// Requests after this id (paging).
    #[param(minimum = 0)]
    #[serde(default)]
    pub after: i64,
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationWire {
    pub id: i64,
    pub account: String,
    pub bank: String,
    /// Why it is asked: `mule_lead`, `young_many_payers`, `many_small_inbound`.
    pub patterns: Vec<&'static str>,
    pub requested_at: String,
    /// None until the bank answers: `verified`, `failed` or `closed`.
    pub result: Option<&'static str>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
    pub note: Option<String>,
    pub version: i64,
}

impl From<VerificationView> for VerificationWire {
    fn from(view: VerificationView) -> VerificationWire {
        let v = view.verification;
        VerificationWire {
            id: view.id,
            account: v.account,
            bank: v.bank,
            patterns: v.patterns.iter().map(|p| p.code()).collect(),
            requested_at: rfc3339(v.requested_at),
            result: v.result.map(Finding::code),
            answered_by: v.answered_by,
            answered_at: v.answered_at.map(rfc3339),
            note: v.note,
            version: view.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationPage {
    pub verifications: Vec<VerificationWire>,
}

/// Accounts whose records show mule patterns, put to their bank to re-verify the holder: a bank
/// sees its own accounts only. Audited.
#[utoipa::path(get, path = "/v1/accounts/verifications", tag = "funds",
    params(VerificationParams),
    responses(
        (status = 200, description = "one page of requests", body = VerificationPage),
        (status = 400, description = "an unknown status or a bad page", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn verifications(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiQuery(params): ApiQuery<VerificationParams>,
) -> Result<Json<VerificationPage>, ApiError> {
    let limit = crate::routes::page_size(params.after, params.limit)?;
    let views = state
        .blocking(move |app| {
            app.verifications(&principal, params.status.as_deref(), params.after, limit)
        })
        .await?;
    Ok(Json(VerificationPage {
        verifications: views.into_iter().map(VerificationWire::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostVerification {
    /// `verified` (the holder is who the account says), `failed` (could not be verified) or
    /// `closed` (closed as a mule's); the last two are the bank's evidence against it.
    #[schema(example = "failed")]
    pub result: String,
    pub note: Option<String>,
}

/// The bank's answer to a verification request, once. Audited.
#[utoipa::path(post, path = "/v1/accounts/verifications/{id}/answer", tag = "funds",
    params(("id" = i64, Path, description = "the request's id")),
    request_body = PostVerification,
    responses(
        (status = 200, description = "the request, answered", body = VerificationWire),
        (status = 400, description = "an unknown result", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody),
        (status = 404, description = "no such request for this bank", body = ErrorBody),
        (status = 409, description = "already answered", body = ErrorBody)))]
pub async fn answer_verification(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody<PostVerification>,
) -> Result<Json<VerificationWire>, ApiError> {
    let finding = Finding::parse(&body.result).ok_or_else(|| {
        ApiError::new(
            Code::InvalidParameter,
            format!(
                "result {:?}: verified, failed or closed",
                body.result.chars().take(32).collect::<String>()
            ),
        )
    })?;
    let view = state
        .blocking(move |app| app.answer_verification(&principal, id, finding, body.note))
        .await?;
    Ok(Json(view.into()))
}
