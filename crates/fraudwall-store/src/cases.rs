//! Victims' case reports, the identifiers each names, and the analysts' cuts of wrong links.
//! Clusters are not stored: they follow from the identifiers and the cuts, and are rebuilt in
//! memory on start.

use fraudwall_lists::entry::Kind;
use time::OffsetDateTime;

/// A case about to be filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// A digest of the report's content: the same report sent twice is one case.
    pub fingerprint: String,
    pub fraud_type: String,
    pub reported_at: OffsetDateTime,
    pub victim_phone: String,
    pub victim_key: u64,
    pub territory: Option<String>,
    pub loss_cents: i64,
    pub currency: String,
    /// The report as filed, normalized (contacts and payments), as JSON.
    pub report: String,
    pub filed_by: String,
    pub org: Option<String>,
    pub identifiers: Vec<CaseIdentifier>,
}

/// How a case names an identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseIdentifier {
    pub kind: Kind,
    /// The canonical value.
    pub value: String,
    /// The identifier's compact key.
    pub key: u64,
    /// The key it links by (a recycled number's holder period included).
    pub link_key: u64,
    /// `contact` or `payment`.
    pub role: String,
    pub time: Option<OffsetDateTime>,
}

/// A case's state as investigators move it: reported → investigating → solved → closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseProgress {
    pub status: String,
    /// Suspects named, as JSON.
    pub suspects: String,
    pub arrests: i64,
    pub recovered_cents: i64,
    pub note: Option<String>,
}

/// A filed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: i64,
    pub fingerprint: String,
    pub fraud_type: String,
    pub reported_at: OffsetDateTime,
    pub victim_phone: String,
    pub victim_key: u64,
    pub territory: Option<String>,
    pub loss_cents: i64,
    pub currency: String,
    pub report: String,
    pub filed_by: String,
    pub org: Option<String>,
    pub progress: CaseProgress,
    /// 1 when filed; each edit adds one.
    pub version: i64,
    pub filed_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One version of a case's progress, as it was after an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseVersion {
    pub version: i64,
    pub progress: CaseProgress,
    pub by: String,
    pub at: OffsetDateTime,
}

/// An analyst's cut: this case does not link through this identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCut {
    pub case_id: i64,
    pub link_key: u64,
    pub kind: Kind,
    pub value: String,
    pub by: String,
    pub at: OffsetDateTime,
    pub reason: Option<String>,
}
