//! `POST /v1/decisions`: verdicts for a batch of events, in order. Each event is parsed and
//! validated on its own, so a malformed event gets an error in its slot and never fails the
//! others.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;

use fraudwall_app::records::Role;
use fraudwall_rules::{Decision, Event, MatchedEntry, Scratch, Verdict, Versions};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody, ErrorDetail};
use crate::extract::{JsonBytes, body_error};
use crate::telemetry;
use crate::validate;

pub const MAX_EVENTS: usize = 10_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchWire<'a> {
    #[serde(borrow)]
    events: Option<Vec<&'a RawValue>>,
}

/// A batch of 1 to 10,000 events.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the wire format; parsing goes event by event
pub struct DecisionRequest {
    /// 1 to 10,000 events.
    #[schema(min_items = 1, max_items = 10000)]
    pub events: Vec<EventWire>,
}

/// One event to decide on, tagged by `kind`.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // documents the wire format; `validate.rs` parses it in one flat pass
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
#[allow(dead_code)] // documents the wire format
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
#[allow(dead_code)] // documents the wire format
pub struct SmsWire {
    pub sender: String,
    pub recipient: String,
    pub text: String,
    pub id: Option<String>,
}

/// A link a subscriber is about to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the wire format
pub struct UrlWire {
    #[schema(example = "http://example.com/login")]
    pub url: String,
    pub subscriber: Option<String>,
    pub id: Option<String>,
}

/// An app a subscriber is installing or running.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the wire format
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
#[allow(dead_code)] // documents the wire format
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
#[allow(dead_code)] // documents the answer; `write_decision` writes it
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
    /// The list entry the reason rests on, for reasons that rest on one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryWire<'a>>,
}

/// The list entry that matched: its list, kind, canonical value and source.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryWire<'a> {
    /// black, gray or white.
    #[schema(example = "black")]
    pub list: &'static str,
    /// number, range, domain, url, ip, app, cert, account, social or sender.
    #[schema(example = "number")]
    pub kind: &'static str,
    /// The entry's canonical value, as the lists spell it.
    #[schema(value_type = String, example = "+8613800138000")]
    pub value: Cow<'a, str>,
    /// official, report, case, operator, import, analyst or derived.
    #[schema(example = "analyst")]
    pub source: &'static str,
}

impl<'a> EntryWire<'a> {
    fn new(entry: &'a MatchedEntry) -> EntryWire<'a> {
        EntryWire {
            list: entry.list.as_str(),
            kind: entry.kind.as_str(),
            value: Cow::Borrowed(&entry.value),
            source: entry.source.as_str(),
        }
    }
}

/// What the decision was made with.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionsWire<'a> {
    /// The list-snapshot version.
    pub lists: u64,
    /// The rule-set version.
    #[schema(example = "default-4")]
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
                    entry: reason.entry.map(|entry| EntryWire {
                        list: entry.list.as_str(),
                        kind: entry.kind.as_str(),
                        source: entry.source.as_str(),
                        value: Cow::Owned(entry.value),
                    }),
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
    Extension(principal): Extension<Arc<Principal>>,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    // a bank screens the transfers of its own accounts only
    let bank = (principal.role == Role::Bank).then(|| principal.org.clone().unwrap_or_default());
    let batch: BatchWire<'_> = serde_json::from_slice(&body).map_err(body_error)?;
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
    let engine = state.app.engine().load();
    // The answer is written straight into one buffer: the parts every decision shares (the
    // versions) are escaped once per batch, and nothing is built only to be serialized.
    let versions = versions_fragment(engine.versions());
    let mut out = Vec::with_capacity(64 + events.len() * (versions.len() + 64));
    out.extend_from_slice(b"{\"decisions\":[");
    // counted per batch, not per event, to keep metric updates off the per-event path
    let mut by_verdict: [u64; 4] = [0; 4];
    let mut invalid = 0u64;
    // one clock read per batch: a call in progress is judged at the batch's moment
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.set_now(now);
        for (index, raw) in events.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            let validated = validate::event(raw.get(), state.app.normalizer()).and_then(|found| {
                match (&bank, &found.0) {
                    (Some(org), Event::Transfer(transfer)) if !screens(org, transfer) => {
                        Err(ApiError::new(
                            Code::ForbiddenScope,
                            "a bank screens only transfers from or to its own accounts",
                        ))
                    }
                    _ => Ok(found),
                }
            });
            match validated {
                Ok((event, id)) => {
                    state.app.recent().offer(&event);
                    let decision = engine.decide(&event, scratch);
                    by_verdict[decision.verdict as usize] += 1;
                    write_decision(&mut out, id.as_deref(), &decision, &versions);
                }
                Err(err) => {
                    invalid += 1;
                    let body = ErrorBody {
                        error: ErrorDetail {
                            code: err.code.name(),
                            message: err.message,
                            fields: Vec::new(),
                        },
                    };
                    write_json(&mut out, &body);
                }
            }
        }
    });
    out.extend_from_slice(b"]}");
    for verdict in [Verdict::Allow, Verdict::Warn, Verdict::Block, Verdict::Hold] {
        telemetry::record_decisions(verdict.as_str(), by_verdict[verdict as usize]);
    }
    telemetry::record_decisions("invalid", invalid);
    Ok(([(CONTENT_TYPE, "application/json")], out).into_response())
}

/// Whether a bank may screen a transfer: one of its accounts pays or is paid, or neither
/// account's card names a bank, so no bank can be told apart.
fn screens(org: &str, transfer: &fraudwall_rules::Transfer) -> bool {
    let banks = [transfer.from_account.bank(), transfer.to_account.bank()];
    banks.iter().all(Option::is_none)
        || banks
            .iter()
            .flatten()
            .any(|bank| bank.code().eq_ignore_ascii_case(org.trim()))
}

/// `"versions":{…}}`: the shared tail of every decision of a batch, escaped once.
fn versions_fragment(versions: Versions<'_>) -> Vec<u8> {
    let mut fragment = b",\"versions\":".to_vec();
    write_json(
        &mut fragment,
        &VersionsWire {
            lists: versions.lists,
            rules: versions.rules,
            model: versions.model,
        },
    );
    fragment.push(b'}');
    fragment
}

/// One decision in the shape of [`DecisionWire`].
fn write_decision(out: &mut Vec<u8>, id: Option<&str>, decision: &Decision<'_>, versions: &[u8]) {
    out.push(b'{');
    if let Some(id) = id {
        out.extend_from_slice(b"\"id\":");
        write_json(out, id);
        out.push(b',');
    }
    out.extend_from_slice(b"\"verdict\":\"");
    out.extend_from_slice(decision.verdict.as_str().as_bytes());
    out.extend_from_slice(b"\",\"risk\":");
    write_json(out, &decision.risk);
    out.extend_from_slice(b",\"reasons\":[");
    for (index, reason) in decision.reasons.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"code\":");
        write_json(out, reason.code);
        out.extend_from_slice(b",\"detail\":");
        write_json(out, &*reason.detail);
        if let Some(entry) = &reason.entry {
            out.extend_from_slice(b",\"entry\":");
            write_json(out, &EntryWire::new(entry));
        }
        out.push(b'}');
    }
    out.push(b']');
    out.extend_from_slice(versions);
}

fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // writing into a Vec cannot fail, and these types always serialize
    let _ = serde_json::to_writer(out, value);
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use fraudwall_lists::entry::{Kind, List, Source};
    use fraudwall_rules::{Decision, MatchedEntry, Reason, Verdict, Versions};

    use super::*;

    /// The hand-written answer must be exactly what the documented types serialize to.
    #[test]
    fn written_decisions_match_the_documented_shape() {
        let versions = Versions {
            lists: 42,
            rules: "rules \"v1\"",
            model: "none",
        };
        let decision = Decision {
            verdict: Verdict::Block,
            risk: 0.95,
            reasons: vec![
                Reason {
                    code: "url_blacklisted",
                    detail: Cow::Owned("the link \"x\" is listed: 假冒客服\n".to_owned()),
                    rule: "url_blacklisted",
                    entry: Some(MatchedEntry {
                        list: List::Black,
                        kind: Kind::Url,
                        value: "evil.example/\"login\"/".to_owned(),
                        source: Source::Analyst,
                    }),
                },
                Reason {
                    code: "text_fraud",
                    detail: Cow::Borrowed("plain"),
                    rule: "text_fraud_certain",
                    entry: None,
                },
            ],
            versions,
        };
        let engine_versions = versions_fragment(versions);
        for id in [None, Some("a\"b")] {
            let mut out = Vec::new();
            write_decision(&mut out, id, &decision, &engine_versions);
            let written: serde_json::Value = serde_json::from_slice(&out).unwrap();
            // through text on both sides, as a client sees it (f32 risks print shortest)
            let documented =
                serde_json::to_vec(&DecisionWire::new(id.map(str::to_owned), decision.clone()))
                    .unwrap();
            let documented: serde_json::Value = serde_json::from_slice(&documented).unwrap();
            assert_eq!(written, documented);
        }
    }
}
