//! Evidence: single observations about an identifier (a report that a number defrauded someone,
//! an operator's word that it is benign). Reputation is computed from them; the store only keeps
//! them, append-only.

use std::fmt;
use std::str::FromStr;

use fraudwall_lists::entry::Kind;
use time::OffsetDateTime;

/// Which way an observation points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EvidenceClass {
    Fraud,
    Benign,
}

impl EvidenceClass {
    pub const ALL: [EvidenceClass; 2] = [EvidenceClass::Fraud, EvidenceClass::Benign];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceClass::Fraud => "fraud",
            EvidenceClass::Benign => "benign",
        }
    }
}

impl fmt::Display for EvidenceClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown evidence class {0:?}; expected fraud or benign")]
pub struct UnknownEvidenceClass(pub String);

impl FromStr for EvidenceClass {
    type Err = UnknownEvidenceClass;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EvidenceClass::ALL
            .into_iter()
            .find(|class| class.as_str() == s)
            .ok_or_else(|| UnknownEvidenceClass(s.chars().take(40).collect()))
    }
}

/// An observation about to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence {
    pub kind: Kind,
    /// The identifier's canonical value.
    pub value: String,
    /// The identifier's compact key, which reputation is keyed by.
    pub key: u64,
    pub class: EvidenceClass,
    /// Who reported it: a token id, an operator.
    pub source: String,
    /// When it was observed (stored to the second).
    pub time: OffsetDateTime,
    pub fraud_type: Option<String>,
    pub note: Option<String>,
}

/// An observation as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRecord {
    pub id: i64,
    pub kind: Kind,
    pub value: String,
    pub key: u64,
    pub class: EvidenceClass,
    pub source: String,
    pub time: OffsetDateTime,
    pub fraud_type: Option<String>,
    pub note: Option<String>,
}
