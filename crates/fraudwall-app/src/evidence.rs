//! Evidence in. Each token is one source of evidence, whatever and however much it sends, so
//! that one reporter can never list a number alone.

use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::{Identifier, Kind};
use fraudwall_store::{AuditStore, EvidenceClass, EvidenceStore, NewEvidence, Role};
use time::{Duration, OffsetDateTime};

use crate::audit;
use crate::error::{AppError, ErrorKind};
use crate::principal::Principal;

pub use fraudwall_lists::plan::ASSESSED_KINDS;

/// How far ahead of the server's clock an observation may be dated: clients' clocks drift, and
/// a report made just now should not be refused for it.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// The roles whose benign signals count. Benign signals pull numbers off the lists, and a
/// fraud ring would send them by the thousand: only institutions that answer for what they say
/// may send them.
const BENIGN_SENDERS: [Role; 4] = [Role::Admin, Role::Analyst, Role::Telco, Role::Bank];

/// One observation, its names already read by the adapter.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceDraft {
    pub kind: Kind,
    pub value: String,
    pub class: EvidenceClass,
    pub fraud_type: Option<String>,
    pub note: Option<String>,
    /// When it was observed; now when absent.
    pub time: Option<OffsetDateTime>,
}

/// What was recorded for one observation: its kind and normalized value.
pub type EvidenceResult = Result<(Kind, String), AppError>;

/// Validates one observation into a record from `principal`.
fn plan(
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    draft: EvidenceDraft,
    now: OffsetDateTime,
) -> Result<NewEvidence, AppError> {
    let kind = draft.kind;
    if !ASSESSED_KINDS.contains(&kind) {
        return Err(AppError::new(
            ErrorKind::UnsupportedKind,
            format!(
                "evidence is taken about numbers, sender ids, domains, urls and ip addresses, not {kind}"
            ),
        ));
    }
    let identifier = Identifier::parse(kind, &draft.value, normalizer)?;
    if draft.class == EvidenceClass::Benign && !BENIGN_SENDERS.contains(&principal.role) {
        return Err(AppError::new(
            ErrorKind::ForbiddenRole,
            "benign signals come from administrators, analysts, operators and banks",
        ));
    }
    let at = match draft.time {
        None => now,
        Some(at) if at > now + CLOCK_SKEW => {
            return Err(AppError::new(
                ErrorKind::TimeInFuture,
                format!("{at} is in the future"),
            ));
        }
        // within the allowed skew: recorded as now, so that no evidence grows before it fades
        Some(at) => at.min(now),
    };
    crate::limits::check_optional("note", draft.note.as_deref(), crate::limits::NOTE)?;
    Ok(NewEvidence {
        kind: identifier.kind,
        value: identifier.value,
        key: identifier.key,
        class: draft.class,
        source: principal.evidence_source(),
        time: at,
        fraud_type: crate::error::fraud_type(draft.fraud_type)?,
        note: draft.note.filter(|n| !n.trim().is_empty()),
    })
}

/// Records observations. Each stands alone: an invalid one gets its error in its slot and the
/// others are recorded. Audited.
pub fn record<S: EvidenceStore + AuditStore + ?Sized>(
    store: &S,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    drafts: Vec<Result<EvidenceDraft, AppError>>,
) -> Result<Vec<EvidenceResult>, AppError> {
    let now = OffsetDateTime::now_utc();
    let count = drafts.len();
    let mut records = Vec::new();
    let mut results = Vec::with_capacity(count);
    for draft in drafts {
        match draft.and_then(|draft| plan(normalizer, principal, draft, now)) {
            Ok(record) => {
                results.push(Ok((record.kind, record.value.clone())));
                records.push(record);
            }
            Err(error) => results.push(Err(error)),
        }
    }
    if !records.is_empty() {
        store.append_evidence(&records)?;
    }
    let benign = records
        .iter()
        .filter(|r| r.class == EvidenceClass::Benign)
        .count();
    audit::record(
        store,
        principal,
        "evidence.add",
        "evidence",
        serde_json::json!({"items": count, "accepted": records.len(), "benign": benign}),
    )?;
    Ok(results)
}
