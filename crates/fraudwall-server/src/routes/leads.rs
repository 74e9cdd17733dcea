//! Leads up the chain behind the cases, and the card data that card-dealer leads come from.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use fraudwall_app::cards::{CardFile, CardImportReport};
use fraudwall_app::leads::{CardDealerLead, HubLead, LeadQuery, Leads, MuleAccountLead};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::{ApiQuery, RawBody};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LeadParams {
    /// Cases an identifier joins to be a hub (default 3).
    #[param(minimum = 2, maximum = 1000000)]
    pub min_cases: Option<u32>,
    /// Distinct victims who paid an account to make it a mule lead (default 2).
    #[param(minimum = 2, maximum = 1000000)]
    pub min_victims: Option<u32>,
    /// Cards behind one SIM box or registrant to make a card-dealer lead (default 3).
    #[param(minimum = 2, maximum = 1000000)]
    pub min_cards: Option<u32>,
    /// Leads of each kind, strongest first (default 100).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HubView {
    pub kind: &'static str,
    pub value: String,
    /// The cases naming it, by time.
    pub cases: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MuleView {
    pub account: String,
    /// Distinct victims who paid into it.
    pub victims: u32,
    pub cases: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadCardView {
    pub kind: &'static str,
    pub value: String,
    /// How many cases name it.
    pub cases: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DealerView {
    /// device (the SIM box or handset the cards were activated in) or registrant.
    #[schema(example = "device")]
    pub held_by: &'static str,
    pub holder: String,
    pub cards: Vec<LeadCardView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadsResponse {
    pub hubs: Vec<HubView>,
    pub mule_accounts: Vec<MuleView>,
    pub card_dealers: Vec<DealerView>,
}

impl From<Leads> for LeadsResponse {
    fn from(leads: Leads) -> LeadsResponse {
        LeadsResponse {
            hubs: leads
                .hubs
                .into_iter()
                .map(|HubLead { kind, value, cases }| HubView {
                    kind: kind.as_str(),
                    value,
                    cases,
                })
                .collect(),
            mule_accounts: leads
                .mule_accounts
                .into_iter()
                .map(
                    |MuleAccountLead {
                         account,
                         victims,
                         cases,
                     }| MuleView {
                        account,
                        victims,
                        cases,
                    },
                )
                .collect(),
            card_dealers: leads
                .card_dealers
                .into_iter()
                .map(|lead: CardDealerLead| DealerView {
                    held_by: lead.held_by.as_str(),
                    holder: lead.holder,
                    cards: lead
                        .cards
                        .into_iter()
                        .map(|card| LeadCardView {
                            kind: card.kind.as_str(),
                            value: card.value,
                            cases: card.cases,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Leads over every case: hubs, mule accounts and card dealers. They name fraudsters'
/// identifiers and case ids, never a victim. Audited.
#[utoipa::path(get, path = "/v1/leads", tag = "cases",
    params(LeadParams),
    responses(
        (status = 200, description = "the leads, strongest first", body = LeadsResponse),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiQuery(params): ApiQuery<LeadParams>,
) -> Result<Json<LeadsResponse>, ApiError> {
    let defaults = LeadQuery::default();
    // out-of-range values are refused, as the API document says, not quietly raised
    let at_least_two = |name: &str, value: Option<u32>, default: usize| match value {
        None => Ok(default),
        Some(v) if (2..=1_000_000).contains(&v) => Ok(v as usize),
        Some(_) => Err(ApiError::new(
            Code::InvalidParameter,
            format!("{name} must be 2 to 1000000"),
        )),
    };
    let limit = match params.limit {
        None => defaults.limit,
        Some(v) if (1..=10_000).contains(&v) => v as usize,
        Some(_) => {
            return Err(ApiError::new(
                Code::InvalidParameter,
                "limit must be 1 to 10000",
            ));
        }
    };
    let query = LeadQuery {
        min_cases: at_least_two("min_cases", params.min_cases, defaults.min_cases)?,
        min_victims: at_least_two("min_victims", params.min_victims, defaults.min_victims)?,
        min_cards: at_least_two("min_cards", params.min_cards, defaults.min_cards)?,
        limit,
    };
    let leads = state
        .blocking(move |app| app.case_leads(&principal, query))
        .await?;
    Ok(Json(leads.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedCardLine {
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardImportSummary {
    /// sims or accounts, from the file's header.
    #[schema(example = "sims")]
    pub file: &'static str,
    pub imported: u64,
    pub rejected: u64,
    /// The first rejected lines.
    pub errors: Vec<RejectedCardLine>,
}

impl From<CardImportReport> for CardImportSummary {
    fn from(report: CardImportReport) -> CardImportSummary {
        CardImportSummary {
            file: match report.file {
                CardFile::Sims => "sims",
                CardFile::Accounts => "accounts",
            },
            imported: report.imported,
            rejected: report.rejected,
            errors: report
                .errors
                .into_iter()
                .map(|e| RejectedCardLine {
                    line: e.line,
                    message: e.message,
                })
                .collect(),
        }
    }
}

/// Imports who holds each card: an operator's SIM file (`phone,operator,activated_on[,device]
/// [,holder]`) or a bank's account file (`account,holder_phone,bank,opened_on[,type]`). A
/// malformed line is rejected alone. Audited.
#[utoipa::path(post, path = "/v1/cards/import", tag = "cases",
    request_body(content = String, description = "the card file (CSV with a header)", content_type = "text/csv"),
    responses(
        (status = 200, description = "counts, and the first rejected lines", body = CardImportSummary),
        (status = 400, description = "a header naming neither phone nor account", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn import_cards(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    RawBody(body): RawBody,
) -> Result<Json<CardImportSummary>, ApiError> {
    let report = state
        .blocking(move |app| app.import_cards(&principal, &mut body.as_ref(), &mut |_| {}))
        .await?;
    Ok(Json(report.into()))
}
