//! The rule set over the API: read it, replace it without a restart, and try a candidate on
//! recent traffic first (a dry run) to see what it would change.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::{Extension, Json};
use fraudwall_rules::{DryRun, Measure, RuleSet, RulesFormat, Signal};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::RawBody;

/// Examples of changed decisions a dry run shows.
const DRY_RUN_EXAMPLES: usize = 20;

/// Reads a rule set from a body: JSON when the content type says so, TOML otherwise.
fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<RuleSet, ApiError> {
    let text = std::str::from_utf8(body).map_err(|err| {
        ApiError::new(
            Code::RulesSyntax,
            format!("the rule set is not utf-8: {err}"),
        )
    })?;
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("json"));
    let format = if is_json {
        RulesFormat::Json
    } else {
        RulesFormat::Toml
    };
    Ok(RuleSet::parse(text, format)?)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleView {
    pub id: String,
    pub verdict: &'static str,
    pub reason: String,
    pub detail: String,
    #[serde(rename = "final")]
    pub is_final: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RulesView {
    pub version: String,
    pub description: Option<String>,
    /// toml or json.
    pub format: &'static str,
    pub rules: Vec<RuleView>,
    /// The document as it was given.
    pub source: String,
}

fn view(rules: &RuleSet) -> RulesView {
    RulesView {
        version: rules.version.clone(),
        description: rules.description.clone(),
        format: match rules.format {
            RulesFormat::Toml => "toml",
            RulesFormat::Json => "json",
        },
        rules: rules
            .rules
            .iter()
            .map(|rule| RuleView {
                id: rule.id.clone(),
                verdict: rule.verdict.as_str(),
                reason: rule.reason.clone(),
                detail: rule.detail.clone(),
                is_final: rule.is_final,
            })
            .collect(),
        source: rules.source.clone(),
    }
}

/// The rule set in force.
#[utoipa::path(get, path = "/v1/rules", tag = "rules",
    responses(
        (status = 200, description = "the active rule set", body = RulesView),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn get(State(state): State<AppState>) -> Json<RulesView> {
    Json(view(state.app.engine().load().rules()))
}

/// Replaces the rule set. The body is the rule set itself, TOML (`application/toml`, the
/// default) or JSON (`application/json`); it is validated whole, and takes effect at once.
#[utoipa::path(put, path = "/v1/rules", tag = "rules",
    request_body(content = String, description = "a rule set", content_type = "application/toml"),
    responses(
        (status = 200, description = "the new rule set, in force", body = RulesView),
        (status = 422, description = "the rule set is invalid; the running one stays", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<RulesView>, ApiError> {
    let rules = Arc::new(parse_body(&headers, &body)?);
    let stored = rules.clone();
    state
        .blocking(move |app| app.replace_rules(&principal, stored))
        .await?;
    Ok(Json(view(&rules)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Transition {
    pub from: &'static str,
    pub to: &'static str,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedDecision {
    /// call, sms, url, app or transfer.
    pub kind: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// The candidate's reason codes.
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DryRunReport {
    pub current: String,
    pub candidate: String,
    /// Recent events replayed.
    pub events: u64,
    /// How many would get another verdict.
    pub changed: u64,
    pub transitions: Vec<Transition>,
    /// A few of the changed decisions.
    pub examples: Vec<ChangedDecision>,
}

/// What a candidate rule set would change: replays a sample of recent events (one in sixteen,
/// up to 10,000) through the current rules and the candidate, over the same lists.
#[utoipa::path(post, path = "/v1/rules/dry-run", tag = "rules",
    request_body(content = String, description = "a candidate rule set", content_type = "application/toml"),
    responses(
        (status = 200, description = "what would change", body = DryRunReport),
        (status = 422, description = "the candidate is invalid", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn dry_run(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<DryRunReport>, ApiError> {
    let candidate = parse_body(&headers, &body)?;
    let run = state
        .blocking(move |app| app.dry_run(&principal, &candidate, DRY_RUN_EXAMPLES))
        .await?;
    let report = DryRunReport::from(run);
    Ok(Json(report))
}

impl From<DryRun> for DryRunReport {
    fn from(run: DryRun) -> DryRunReport {
        DryRunReport {
            current: run.current,
            candidate: run.candidate,
            events: run.events,
            changed: run.changed,
            transitions: run
                .transitions
                .into_iter()
                .map(|t| Transition {
                    from: t.from.as_str(),
                    to: t.to.as_str(),
                    count: t.count,
                })
                .collect(),
            examples: run
                .examples
                .into_iter()
                .map(|e| ChangedDecision {
                    kind: e.kind,
                    from: e.from.as_str(),
                    to: e.to.as_str(),
                    reasons: e.reasons,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignalsView {
    /// Signals a rule can require (`when`) or exclude (`unless`).
    pub signals: Vec<String>,
    /// Measures a rule can compare (`at_least`, `below`) or take its risk from.
    pub measures: Vec<&'static str>,
}

/// The names rules are written with.
#[utoipa::path(get, path = "/v1/rules/signals", tag = "rules",
    responses(
        (status = 200, description = "signal and measure names", body = SignalsView),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn signals() -> Json<SignalsView> {
    Json(SignalsView {
        signals: Signal::all().map(|s| s.to_string()).collect(),
        measures: Measure::ALL.iter().map(|m| m.as_str()).collect(),
    })
}
