//! `POST /v1/decisions`: verdicts for a batch of events, in order. Each event is parsed and
//! validated on its own, so a malformed event gets an error in its slot and never fails the
//! others.

use std::borrow::Cow;
use std::cell::RefCell;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;

use fraudwall_rules::{Decision, Scratch, Verdict};

use crate::AppState;
use crate::error::{ApiError, Code, ErrorBody, ErrorDetail};
use crate::extract::JsonBytes;
use crate::telemetry;
use crate::validate;

pub const MAX_EVENTS: usize = 10_000;

#[derive(Deserialize)]
struct BatchWire<'a> {
    #[serde(borrow)]
    events: Option<Vec<&'a RawValue>>,
}

/// A batch of 1 to 10,000 events.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the wire format; parsing goes event by event
pub struct DecisionRequest {
    pub events: Vec<EventWire>,
}

/// One event to decide on, tagged by `kind`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventWire {
    Call(CallWire),
    Sms(SmsWire),
    Url(UrlWire),
    App(AppWire),
    Transfer(TransferWire),
}

/// A call attempt.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallWire {
    /// The presented calling number, in any common format.
    #[schema(example = "+8613800138000")]
    pub caller: String,
    #[schema(example = "13900139000")]
    pub callee: String,
    /// STIR/SHAKEN attestation level: A, B or C.
    #[schema(example = "A")]
    pub attestation: Option<String>,
    /// The gateway the call entered through, such as `international`.
    pub gateway: Option<String>,
    /// Echoed back in the decision, for correlation.
    pub id: Option<String>,
}

/// A text message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsWire {
    pub sender: String,
    pub recipient: String,
    pub text: String,
    pub id: Option<String>,
}

/// A link a subscriber is about to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrlWire {
    #[schema(example = "http://example.com/login")]
    pub url: String,
    pub subscriber: Option<String>,
    pub id: Option<String>,
}

/// An app a subscriber is installing or running.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppWire {
    #[schema(example = "com.example.wallet")]
    pub package: String,
    /// SHA-256 of the signing certificate, hex (colons allowed).
    pub cert_sha256: Option<String>,
    pub subscriber: Option<String>,
    pub id: Option<String>,
}

/// A transfer about to be executed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferWire {
    #[schema(example = "6222020200112233445")]
    pub from_account: String,
    pub to_account: String,
    /// In major units of `currency`: a JSON number (5000.5) or a decimal string ("5000.50"),
    /// which keeps the cents exact.
    #[schema(value_type = f64, example = 5000.0)]
    pub amount: AmountWire,
    /// ISO 4217 code.
    #[schema(example = "CNY")]
    pub currency: String,
    pub payer_phone: Option<String>,
    pub id: Option<String>,
}

/// An amount as a number or as a decimal string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum AmountWire {
    Number(f64),
    Text(String),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionResponse<'a> {
    /// One slot per event, in request order: a decision or an error.
    pub decisions: Vec<Slot<'a>>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Slot<'a> {
    Decision(DecisionWire<'a>),
    Error(ErrorBody),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// allow, warn, block or hold.
    #[schema(example = "allow")]
    pub verdict: &'static str,
    /// 0 (no risk seen) to 1 (certain fraud).
    pub risk: f32,
    pub reasons: Vec<ReasonWire<'a>>,
    pub versions: VersionsWire<'a>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonWire<'a> {
    #[schema(example = "caller_blacklisted")]
    pub code: &'a str,
    #[schema(value_type = String)]
    pub detail: Cow<'a, str>,
}

/// What the decision was made with.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionsWire<'a> {
    /// The list-snapshot version.
    pub lists: u64,
    /// The rule-set version.
    #[schema(example = "default-1")]
    pub rules: &'a str,
    /// The text-model version, or `none`.
    pub model: &'a str,
}

impl<'a> DecisionWire<'a> {
    pub fn new(id: Option<String>, decision: Decision<'a>) -> DecisionWire<'a> {
        DecisionWire {
            id,
            verdict: decision.verdict.as_str(),
            risk: decision.risk,
            reasons: decision
                .reasons
                .into_iter()
                .map(|reason| ReasonWire {
                    code: reason.code,
                    detail: reason.detail,
                })
                .collect(),
            versions: VersionsWire {
                lists: decision.versions.lists,
                rules: decision.versions.rules,
                model: decision.versions.model,
            },
        }
    }
}

thread_local! {
    /// Decision buffers, one per worker thread: a batch allocates nothing per event for them.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Decides on a batch of events.
#[utoipa::path(post, path = "/v1/decisions", tag = "decisions",
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "one slot per event, in order; invalid events get an error in their slot", body = DecisionResponse),
        (status = 400, description = "the batch itself is malformed, empty or too large", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody),
        (status = 413, description = "body too large", body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let batch: BatchWire<'_> = serde_json::from_slice(&body)
        .map_err(|err| ApiError::new(Code::MalformedJson, format!("invalid json body: {err}")))?;
    let events = batch.events.ok_or_else(|| {
        ApiError::new(
            Code::MalformedJson,
            "the body must be {\"events\": [EVENT, …]}",
        )
    })?;
    if events.is_empty() {
        return Err(ApiError::new(
            Code::EmptyBatch,
            "events must hold at least one event",
        ));
    }
    if events.len() > MAX_EVENTS {
        return Err(ApiError::new(
            Code::BatchTooLarge,
            format!(
                "at most {MAX_EVENTS} events per batch, got {}",
                events.len()
            ),
        ));
    }
    let engine = state.engine.load();
    let mut slots = Vec::with_capacity(events.len());
    // counted per batch, not per event, to keep metric updates off the per-event path
    let mut by_verdict: [u64; 4] = [0; 4];
    let mut invalid = 0u64;
    SCRATCH.with_borrow_mut(|scratch| {
        for raw in events {
            let slot = match validate::event(raw.get(), &state.normalizer) {
                Ok((event, id)) => {
                    state.recent.offer(&event);
                    let decision = engine.decide(&event, scratch);
                    by_verdict[decision.verdict as usize] += 1;
                    Slot::Decision(DecisionWire::new(id, decision))
                }
                Err(err) => {
                    invalid += 1;
                    Slot::Error(ErrorBody {
                        error: ErrorDetail {
                            code: err.code.name(),
                            message: err.message,
                        },
                    })
                }
            };
            slots.push(slot);
        }
    });
    for verdict in [Verdict::Allow, Verdict::Warn, Verdict::Block, Verdict::Hold] {
        telemetry::record_decisions(verdict.as_str(), by_verdict[verdict as usize]);
    }
    telemetry::record_decisions("invalid", invalid);
    // serialized here, while the engine the reasons borrow from is still held
    Ok(Json(DecisionResponse { decisions: slots }).into_response())
}
