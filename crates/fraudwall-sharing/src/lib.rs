//! Sharing what fraudwall knows with other centres and their threat-intelligence platforms: a
//! cluster of cases leaves as a STIX 2.1 bundle ([`stix::bundle`]) or a MISP event
//! ([`misp::event`]), and the phone numbers, bank accounts, URLs and domains of MISP events and
//! STIX bundles come back in as identifiers ([`misp::attributes`]).
//!
//! STIX 2.1 has no object for a phone number or a bank account. The bundle uses the
//! `phone-number`, `bank-account` and `payment-card` observables OpenCTI exports (flagged with
//! OpenCTI's extension for new observable types) and derives their ids as OpenCTI does, so an
//! OpenCTI platform that imports the bundle merges them with the observables it already holds.
//!
//! Every id is name-based (UUID v5): the same cluster exports the same ids, and a later export
//! of a cluster that grew is a newer version of the same objects.
//!
//! Pure: no IO, no clock (the export time is part of the input), no panics on any input.

use fraudwall_lists::entry::Kind;
use time::OffsetDateTime;

mod ids;
pub mod misp;
pub mod stix;

/// Who the documents say made them, unless the caller names someone else.
pub const PRODUCER: &str = "fraudwall";

/// A cluster as it leaves: plain data, so that this crate needs nothing of the application.
/// It holds only what may be shared: no victim, no report text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterExport {
    /// The cluster's id (the id of one of its cases).
    pub cluster: i64,
    /// The organisation or node that shares it, as the documents name their author.
    pub producer: String,
    /// When the export was made: the version of every object in it.
    pub generated_at: OffsetDateTime,
    pub cases: Vec<ExportCase>,
    /// The fraudsters' identifiers the cases name.
    pub identifiers: Vec<ExportIdentifier>,
}

/// One case of the cluster, without its victim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportCase {
    pub id: i64,
    /// A taxonomy code (`impersonation_police`, …).
    pub fraud_type: String,
    pub reported_at: OffsetDateTime,
    pub territory: Option<String>,
    pub loss_cents: i64,
    /// ISO 4217.
    pub currency: String,
}

/// An identifier the cluster's cases name, with the cases that name it and when they met it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportIdentifier {
    pub kind: Kind,
    /// The canonical value (`+8617100000001`, `6222020000000001`, `evil.example/login/`).
    pub value: String,
    /// Ids of the cases that name it.
    pub cases: Vec<i64>,
    pub first_seen: Option<OffsetDateTime>,
    pub last_seen: Option<OffsetDateTime>,
}

/// An identifier read from a shared document, as written there: the caller normalizes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedIdentifier {
    pub kind: Kind,
    pub value: String,
    /// The MISP attribute type or STIX object type it came as (`phone-number`, `iban`, `url`).
    pub source_type: String,
    /// The MISP attribute's or STIX object's own uuid, when it had one.
    pub uuid: Option<String>,
    pub comment: Option<String>,
}

/// What an import read: the identifiers, the attributes of other types it passed over, and
/// each attribute that was malformed, named by where it sits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    pub identifiers: Vec<SharedIdentifier>,
    /// Attributes and objects of types that are not identifiers fraudwall links by.
    pub skipped: usize,
    pub malformed: Vec<Malformed>,
}

/// One attribute or object that could not be read; the others still are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Where it sits in the document: `Event.Attribute[3]`, `objects[7]`.
    pub at: String,
    /// A stable snake_case code.
    pub code: &'static str,
    pub message: String,
}

/// Why a whole document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not json: {0}")]
    Json(String),
    #[error("neither a misp event nor a stix bundle")]
    NotShared,
    #[error("more than {0} attributes")]
    TooMany(usize),
}

impl ParseError {
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::Json(_) => "invalid_json",
            ParseError::NotShared => "not_misp_or_stix",
            ParseError::TooMany(_) => "too_many_attributes",
        }
    }
}

/// Attributes and objects one document may hold, whatever their types.
pub const MAX_ATTRIBUTES: usize = 100_000;

/// Longest identifier value read; longer ones are malformed.
pub const MAX_VALUE: usize = 2_048;

/// Whether an account number is a card's (13 to 19 digits passing the Luhn check), which both
/// formats name apart from other accounts.
fn is_card(value: &str) -> bool {
    fraudwall_ids::account::Account::parse(value)
        .is_ok_and(|a| a.kind() == fraudwall_ids::account::AccountKind::Card)
}

/// The URL a canonical URL expression (`evil.example/login/`) stands for: a shared URL needs a
/// scheme, and the expression dropped it.
fn url_of(value: &str) -> String {
    if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    }
}

/// What a case's fraud type, territory and loss read as in a description.
fn case_line(case: &ExportCase) -> String {
    let mut line = format!(
        "case {}: {}, reported {}, loss {}.{:02} {}",
        case.id,
        case.fraud_type,
        case.reported_at.date(),
        case.loss_cents / 100,
        case.loss_cents.rem_euclid(100),
        case.currency
    );
    if let Some(territory) = &case.territory {
        line.push_str(&format!(", territory {territory}"));
    }
    line
}

impl ClusterExport {
    /// The first report of the cluster, or the export time for a cluster without cases.
    fn first_reported(&self) -> OffsetDateTime {
        self.cases
            .iter()
            .map(|c| c.reported_at)
            .min()
            .unwrap_or(self.generated_at)
    }

    /// The version every object carries: the export time, never before the object began.
    fn modified(&self, created: OffsetDateTime) -> OffsetDateTime {
        self.generated_at.max(created)
    }

    fn total_loss(&self) -> (i64, String) {
        let loss = self
            .cases
            .iter()
            .fold(0i64, |sum, c| sum.saturating_add(c.loss_cents));
        let mut currencies: Vec<&str> = self.cases.iter().map(|c| c.currency.as_str()).collect();
        currencies.sort_unstable();
        currencies.dedup();
        (loss, currencies.join("/"))
    }

    /// A sentence about the cluster: cases, loss, fraud types.
    fn headline(&self) -> String {
        let (loss, currency) = self.total_loss();
        let mut types: Vec<&str> = self.cases.iter().map(|c| c.fraud_type.as_str()).collect();
        types.sort_unstable();
        types.dedup();
        format!(
            "fraudwall cluster {}: {} case{}, loss {}.{:02} {}, {}",
            self.cluster,
            self.cases.len(),
            if self.cases.len() == 1 { "" } else { "s" },
            loss / 100,
            loss.rem_euclid(100),
            currency,
            if types.is_empty() {
                "no fraud type".to_owned()
            } else {
                types.join(", ")
            }
        )
    }
}
