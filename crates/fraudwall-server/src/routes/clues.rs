//! Clues over the API: reports from citizens (with a reporter's token, or anonymously through
//! the public route, limited per client address), operators and banks, one at a time or in
//! batches; the analysts' listing and review of them.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use fraudwall_app::clues::{ClueDraft, ClueOutcome, ReporterStanding, ReviewDraft, ReviewOutcome};
use fraudwall_app::records::{ClueRecord, ClueStatus, UnknownClueKind};
use fraudwall_app::{AppError, ErrorKind, FieldError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, JsonBody, body_error};
use crate::routes::rfc3339;

/// Clues per batch.
pub const MAX_CLUES: usize = 1_000;

/// One report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClueInput {
    /// number, sms (the sender, a sender id or a number), url, app (a package name or a
    /// signing certificate's SHA-256), account or social (`platform:id`).
    #[schema(example = "number")]
    pub kind: String,
    #[schema(example = "171 0000 0001")]
    pub value: String,
    /// The message as received, or what happened.
    pub text: Option<String>,
    /// A code of the fraud taxonomy (`GET /v1/fraud-types`).
    #[schema(example = "impersonate_police_government")]
    pub fraud_type: Option<String>,
}

/// Several reports, each answered in its own slot.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "describes the body, which is read item by item")]
pub struct ClueBatch {
    /// 1 to 1,000 reports; a malformed one gets its error in its slot.
    #[schema(min_items = 1, max_items = 1000)]
    pub clues: Vec<Value>,
}

/// One report, or a batch of them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "describes the body, which is read item by item")]
pub enum PostClues {
    One(ClueInput),
    Batch(ClueBatch),
}

/// What became of one report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClueAnswer {
    pub id: i64,
    /// pending, needs_review (about a white-listed or official identifier: only an analyst's
    /// confirmation makes it evidence), confirmed or refuted.
    #[schema(example = "pending")]
    pub status: &'static str,
    #[schema(example = "number")]
    pub kind: &'static str,
    /// The identifier's normalized value.
    #[schema(example = "+8617100000001")]
    pub value: String,
    /// False when the report merged into the reporter's earlier clue about the same identifier.
    pub created: bool,
    /// Whether the report added reputation evidence.
    pub evidence: bool,
}

impl From<ClueOutcome> for ClueAnswer {
    fn from(outcome: ClueOutcome) -> ClueAnswer {
        ClueAnswer {
            id: outcome.id,
            status: outcome.status.as_str(),
            kind: outcome.kind.as_str(),
            value: outcome.value,
            created: outcome.created,
            evidence: outcome.evidence,
        }
    }
}

/// One slot of a batch's answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ClueSlot {
    Clue(ClueAnswer),
    Error(ErrorBody),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClueBatchAnswer {
    /// How many reports were taken.
    pub accepted: usize,
    pub results: Vec<ClueSlot>,
}

/// Reads one report's names; the use case judges the rest.
fn draft(item: Value) -> Result<ClueDraft, AppError> {
    let input: ClueInput = serde_json::from_value(item)
        .map_err(|err| AppError::invalid(format!("not a clue: {}", body_error(err).message)))?;
    let kind = input
        .kind
        .parse()
        .map_err(|e: UnknownClueKind| AppError::invalid(e.to_string()))?;
    Ok(ClueDraft {
        kind,
        value: input.value,
        text: input.text,
        fraud_type: input.fraud_type,
    })
}

enum Body {
    One(Value),
    Batch(Vec<Value>),
}

/// A body is a batch when it has `clues` and no `kind`: one report never has `clues`.
fn read_body(body: Value) -> Result<Body, ApiError> {
    match body {
        Value::Object(mut fields)
            if fields.contains_key("clues") && !fields.contains_key("kind") =>
        {
            let clues = fields.remove("clues");
            if let Some(other) = fields.keys().next() {
                return Err(ApiError::new(
                    Code::UnknownField,
                    format!("invalid json body: unknown field `{other}`, expected `clues`"),
                ));
            }
            let Some(Value::Array(items)) = clues else {
                return Err(ApiError::new(
                    Code::MalformedJson,
                    "invalid json body: clues must be an array",
                ));
            };
            if items.is_empty() {
                return Err(ApiError::new(
                    Code::EmptyBatch,
                    "clues must hold at least one report",
                ));
            }
            if items.len() > MAX_CLUES {
                return Err(ApiError::new(
                    Code::BatchTooLarge,
                    format!("at most {MAX_CLUES} clues per request, got {}", items.len()),
                ));
            }
            Ok(Body::Batch(items))
        }
        one @ Value::Object(_) => Ok(Body::One(one)),
        _ => Err(ApiError::new(
            Code::MalformedJson,
            "invalid json body: expected a clue or {\"clues\": [...]}",
        )),
    }
}

/// Reads a single report strictly: its unknown fields and malformed values are the request's
/// errors, with their own codes.
fn read_one(item: Value) -> Result<Result<ClueDraft, AppError>, ApiError> {
    let input: ClueInput = serde_json::from_value(item).map_err(body_error)?;
    let kind = input.kind.parse().map_err(|e: UnknownClueKind| {
        AppError::fields(vec![FieldError::new(
            "kind",
            "invalid_parameter",
            e.to_string(),
        )])
    });
    Ok(kind.map(|kind| ClueDraft {
        kind,
        value: input.value,
        text: input.text,
        fraud_type: input.fraud_type,
    }))
}

/// A single report's error: an identifier that does not parse is named as the `value` field,
/// with the parser's own code.
fn one_error(err: AppError) -> ApiError {
    match err.kind {
        ErrorKind::Identifier(code) => {
            AppError::fields(vec![FieldError::new("value", code, err.message)]).into()
        }
        _ => err.into(),
    }
}

type Submit = dyn FnOnce(
        &fraudwall_app::App,
        Vec<Result<ClueDraft, AppError>>,
    ) -> Result<Vec<Result<ClueOutcome, AppError>>, AppError>
    + Send;

async fn take(state: AppState, body: Value, submit: Box<Submit>) -> Result<Response, ApiError> {
    match read_body(body)? {
        Body::One(item) => {
            let draft = read_one(item)?;
            let mut results = state.blocking(move |app| submit(app, vec![draft])).await?;
            let outcome = results
                .pop()
                .ok_or_else(|| ApiError::internal("a clue without an answer"))?
                .map_err(one_error)?;
            let status = if outcome.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, Json(ClueAnswer::from(outcome))).into_response())
        }
        Body::Batch(items) => {
            let drafts = items.into_iter().map(draft).collect();
            let results = state.blocking(move |app| submit(app, drafts)).await?;
            let accepted = results.iter().filter(|r| r.is_ok()).count();
            let results = results
                .into_iter()
                .map(|result| match result {
                    Ok(outcome) => ClueSlot::Clue(outcome.into()),
                    Err(err) => ClueSlot::Error(ApiError::slot(&err)),
                })
                .collect();
            Ok(Json(ClueBatchAnswer { accepted, results }).into_response())
        }
    }
}

/// Reports a number, a message, a link, an app, an account or a social-media id, or a batch of
/// them as `{"clues": [...]}` (each answered in its own slot). Identifiers are normalized; the
/// same reporter reporting the same identifier again merges into one clue (200 instead of
/// 201). Clues about numbers, senders and links become reputation evidence, weighed by the
/// reporter's record: unproven citizens count as one source together, so no crowd of fresh
/// reporters lists a number alone. A clue about a white-listed or official identifier waits
/// for an analyst. Audited.
#[utoipa::path(post, path = "/v1/clues", tag = "clues",
    request_body = PostClues,
    responses(
        (status = 201, description = "a new clue", body = ClueAnswer),
        (status = 200, description = "merged into the reporter's earlier clue (a `ClueAnswer`); for a batch, a `ClueBatchAnswer` with one result per report in order", body = Object),
        (status = 422, description = "the report is invalid (`invalid_fields` naming the value with the parser's code, `unknown_fraud_type`, `field_too_long`)", body = ErrorBody),
        (status = 429, description = "the token's allowance of clues is spent; see Retry-After",
            body = ErrorBody, headers(("Retry-After" = u32, description = "seconds to wait")))))]
pub async fn post(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    take(
        state,
        body,
        Box::new(move |app, drafts| app.submit_clues(&principal, drafts)),
    )
    .await
}

/// The client's address: the peer's, or with `server.trust_forwarded_for` the last address a
/// proxy in front appended to `X-Forwarded-For` (earlier ones are the client's to write).
fn client_address(state: &AppState, peer: Option<SocketAddr>, headers: &HeaderMap) -> IpAddr {
    let forwarded = state
        .config
        .server
        .trust_forwarded_for
        .then(|| {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back()
        })
        .flatten();
    forwarded
        .or(peer.map(|p| p.ip()))
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// Reports without a token, as `POST /v1/clues` takes them, from a citizen's app or a web
/// form. Limited per client address (`limits.public_clues_per_minute`, 10 by default); every
/// anonymous report counts as an unproven citizen's, and no address is stored. Audited.
#[utoipa::path(post, path = "/v1/public/clues", tag = "clues", security(()),
    request_body = PostClues,
    responses(
        (status = 201, description = "a new clue", body = ClueAnswer),
        (status = 200, description = "merged into an earlier anonymous clue (a `ClueAnswer`); for a batch, a `ClueBatchAnswer` with one result per report in order", body = Object),
        (status = 400, description = "a malformed body", body = ErrorBody),
        (status = 413, description = "the body is too large", body = ErrorBody),
        (status = 415, description = "not a JSON body", body = ErrorBody),
        (status = 422, description = "the report is invalid", body = ErrorBody),
        (status = 429, description = "this address's allowance of clues is spent; see Retry-After",
            body = ErrorBody, headers(("Retry-After" = u32, description = "seconds to wait")))))]
pub async fn post_public(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let address = client_address(&state, peer.map(|Extension(ConnectInfo(p))| p), &headers);
    take(
        state,
        body,
        Box::new(move |app, drafts| app.submit_public_clues(address, drafts)),
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClueQuery {
    /// pending, needs_review, confirmed or refuted; every status when absent.
    pub status: Option<String>,
    /// Clues with an id above this one.
    #[serde(default)]
    #[param(minimum = 0)]
    pub after: i64,
    /// At most this many (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

/// A stored clue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClueView {
    pub id: i64,
    pub kind: &'static str,
    /// The identifier's kind: number, sender, url, app, cert, account or social.
    pub identifier_kind: &'static str,
    pub value: String,
    pub text: Option<String>,
    pub fraud_type: Option<String>,
    /// The reporter, as its evidence source names it (`reporter:7`, `token:3`, `public`).
    pub reporter: String,
    pub reporter_role: String,
    pub first_at: String,
    pub last_at: String,
    /// How many times the reporter reported it.
    pub count: u64,
    pub status: &'static str,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_note: Option<String>,
}

impl From<ClueRecord> for ClueView {
    fn from(clue: ClueRecord) -> ClueView {
        ClueView {
            id: clue.id,
            kind: clue.kind.as_str(),
            identifier_kind: clue.id_kind.as_str(),
            value: clue.value,
            text: clue.text,
            fraud_type: clue.fraud_type,
            reporter: clue.reporter,
            reporter_role: clue.reporter_role,
            first_at: rfc3339(clue.first_at),
            last_at: rfc3339(clue.last_at),
            count: clue.count,
            status: clue.status.as_str(),
            reviewed_by: clue.reviewed_by,
            reviewed_at: clue.reviewed_at.map(rfc3339),
            review_note: clue.review_note,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CluePage {
    pub clues: Vec<ClueView>,
}

/// Clues by id: every clue for analysts and administrators (`status=pending` or
/// `status=needs_review` for the review queue), a reporter's or an institution's own clues for
/// anyone else. Audited.
#[utoipa::path(get, path = "/v1/clues", tag = "clues",
    params(ClueQuery),
    responses((status = 200, description = "one page of clues, by id", body = CluePage)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiQuery(query): ApiQuery<ClueQuery>,
) -> Result<Json<CluePage>, ApiError> {
    let status = query
        .status
        .as_deref()
        .map(|s| {
            s.parse::<ClueStatus>()
                .map_err(|e| ApiError::new(Code::InvalidParameter, e.to_string()))
        })
        .transpose()?;
    let limit = crate::routes::page_size(query.after, query.limit)?;
    let clues = state
        .blocking(move |app| app.clues(&principal, status, query.after, limit))
        .await?;
    Ok(Json(CluePage {
        clues: clues.into_iter().map(ClueView::from).collect(),
    }))
}

/// An analyst's verdict.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostReview {
    /// confirmed or refuted.
    #[schema(example = "confirmed")]
    pub verdict: String,
    pub note: Option<String>,
}

/// Where the clue's reporter stands after the review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReporterView {
    pub source: String,
    pub confirmed: u32,
    pub refuted: u32,
    /// What one of their reports weighs in a reputation pass, 0 to 1.
    pub weight: f64,
    /// proven (a source of their own), unproven (pooled with every unproven citizen),
    /// discredited (weighs nothing), or institution.
    #[schema(example = "unproven")]
    pub standing: &'static str,
}

impl From<ReporterStanding> for ReporterView {
    fn from(r: ReporterStanding) -> ReporterView {
        ReporterView {
            source: r.source,
            confirmed: r.confirmed,
            refuted: r.refuted,
            weight: r.weight,
            standing: r.standing,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewAnswer {
    pub clue: ClueView,
    pub reporter: ReporterView,
}

/// Confirms or refutes a clue that is pending or needs review, once (a second verdict is a
/// `conflict`). The verdict counts in the reporter's record, which weighs everything they
/// report, earlier reports included, from the next reputation pass. A confirmation about a
/// number, sender or link is also the analyst's fraud evidence, a refutation the analyst's
/// benign signal. Audited.
#[utoipa::path(post, path = "/v1/clues/{id}/review", tag = "clues",
    params(("id" = i64, Path, description = "the clue's id")),
    request_body = PostReview,
    responses(
        (status = 200, description = "reviewed", body = ReviewAnswer),
        (status = 409, description = "reviewed already (`conflict`)", body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(id): ApiPath<i64>,
    JsonBody(body): JsonBody<PostReview>,
) -> Result<Json<ReviewAnswer>, ApiError> {
    let confirmed = match body.verdict.as_str() {
        "confirmed" => true,
        "refuted" => false,
        other => {
            return Err(ApiError::new(
                Code::InvalidParameter,
                format!(
                    "unknown verdict {:?}; expected confirmed or refuted",
                    other.chars().take(40).collect::<String>()
                ),
            ));
        }
    };
    let draft = ReviewDraft {
        confirmed,
        note: body.note,
    };
    let ReviewOutcome { clue, reporter } = state
        .blocking(move |app| app.review_clue(&principal, id, draft))
        .await?;
    Ok(Json(ReviewAnswer {
        clue: clue.into(),
        reporter: reporter.into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fraudwall_app::records::ClueKind;
    use serde_json::json;

    #[test]
    fn a_body_is_one_clue_or_a_batch() {
        assert!(matches!(
            read_body(json!({"kind": "number", "value": "110"})),
            Ok(Body::One(_))
        ));
        assert!(matches!(
            read_body(json!({"clues": [{"kind": "number", "value": "110"}, 7]})),
            Ok(Body::Batch(items)) if items.len() == 2
        ));
        let code = |body| read_body(body).err().map(|e| e.code.name());
        assert_eq!(code(json!({"clues": []})), Some("empty_batch"));
        assert_eq!(code(json!({"clues": {}})), Some("malformed_json"));
        assert_eq!(
            code(json!({"clues": [], "extra": 1})),
            Some("unknown_field")
        );
        assert_eq!(code(json!([1])), Some("malformed_json"));
        let many = vec![json!({}); MAX_CLUES + 1];
        assert_eq!(code(json!({ "clues": many })), Some("batch_too_large"));
    }

    #[test]
    fn a_malformed_item_of_a_batch_is_its_own_error() {
        assert!(draft(json!({"kind": "number", "value": "110"})).is_ok());
        assert_eq!(
            draft(json!({"kind": "planet", "value": "mars"}))
                .unwrap_err()
                .code(),
            "invalid_parameter"
        );
        assert_eq!(draft(json!(7)).unwrap_err().code(), "invalid_parameter");
        assert_eq!(
            draft(json!({"kind": "number"})).unwrap_err().code(),
            "invalid_parameter"
        );
    }

    #[test]
    fn kinds_are_the_contract_s() {
        let names: Vec<_> = ClueKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["number", "sms", "url", "app", "account", "social"]);
    }
}

/// One attribute of a shared document that was not taken: where it sits, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedRejection {
    /// Where in the document (`Event.Attribute[3]`, `objects[7]`).
    pub at: String,
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SharedAnswer {
    /// Identifiers read from the document, each once.
    pub identifiers: usize,
    /// Attributes of types fraudwall does not link by.
    pub skipped: usize,
    /// Malformed attributes and values that are no identifier of their kind.
    pub rejected: Vec<SharedRejection>,
    /// How many clues were taken.
    pub accepted: usize,
    /// One result per identifier, in the document's order.
    pub results: Vec<ClueSlot>,
}

/// Imports the phone numbers, bank accounts, URLs and domains of another platform's shared
/// intelligence as clues: a MISP event (one, a list, or a search answer, objects' attributes
/// included) or a STIX 2.1 bundle (OpenCTI's `phone-number` and `bank-account` observables,
/// MISP's `x-misp-attribute` fallback, indicators' patterns). They count as the caller's own
/// clues, weighed by its record. A malformed attribute is rejected alone. Audited.
#[utoipa::path(post, path = "/v1/clues/misp", tag = "clues",
    request_body(content = serde_json::Value, description = "a MISP event JSON (one, a list, or a search answer) or a STIX 2.1 bundle", content_type = "application/json"),
    responses(
        (status = 200, description = "what was read and what each identifier became", body = SharedAnswer),
        (status = 422, description = "the document is neither a MISP event nor a STIX bundle (`invalid_fields` naming `document`)", body = ErrorBody),
        (status = 429, description = "the token's allowance of clues is spent; see Retry-After",
            body = ErrorBody, headers(("Retry-After" = u32, description = "seconds to wait")))))]
pub async fn post_shared(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<SharedAnswer>, ApiError> {
    let document = body.to_string().into_bytes();
    let (shared, results) = state
        .blocking(move |app| app.submit_shared_clues(&principal, &document))
        .await?;
    let accepted = results.iter().filter(|r| r.is_ok()).count();
    Ok(Json(SharedAnswer {
        identifiers: shared.clues.len(),
        skipped: shared.skipped,
        rejected: shared
            .rejected
            .into_iter()
            .map(|r| SharedRejection {
                at: r.field,
                code: r.code,
                message: r.message,
            })
            .collect(),
        accepted,
        results: results
            .into_iter()
            .map(|result| match result {
                Ok(outcome) => ClueSlot::Clue(outcome.into()),
                Err(err) => ClueSlot::Error(ApiError::slot(&err)),
            })
            .collect(),
    }))
}
