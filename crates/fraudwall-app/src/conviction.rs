//! The communication blacklist: once a case is solved, the numbers, accounts and handles its
//! convicted suspects used go on the black list for the restriction period, so that the
//! interception lists stop their calls, messages and transfers (Anti-Telecom and Online Fraud
//! Law, art. 31). Each entry names its case and the period, and lapses on its own.

use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::{Kind, List, Source};
use fraudwall_store::{Role, Store};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::audit;
use crate::cases::require;
use crate::error::{AppError, ErrorKind};
use crate::lists::{self, BatchReport, EntryDraft};
use crate::principal::Principal;

/// The longest restriction the law allows, and the period when the caller names none.
pub const MAX_RESTRICTION: Duration = Duration::days(3 * 365);

/// Only the anti-fraud centre puts entries on the lists.
const BLACKLISTERS: [Role; 2] = [Role::Admin, Role::Analyst];

/// Statuses at which a case's suspects can have been convicted.
const JUDGED: [&str; 2] = ["solved", "closed"];

/// The identifiers convicted suspects used, and until when they stay restricted.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvictionDraft {
    pub identifiers: Vec<(Kind, String)>,
    /// RFC 3339; [`MAX_RESTRICTION`] from now when absent, and never beyond it.
    pub until: Option<String>,
    pub note: Option<String>,
}

/// Puts the convicted suspects' identifiers of case `id` on the black list. Each identifier
/// stands alone: a malformed one gets its error in its slot. Audited.
pub fn blacklist(
    store: &dyn Store,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    id: i64,
    draft: ConvictionDraft,
) -> Result<BatchReport, AppError> {
    require(principal, &BLACKLISTERS, "blacklist convicted suspects")?;
    let case = store
        .case(id)?
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, format!("no case {id}")))?;
    if !JUDGED.contains(&case.progress.status.as_str()) {
        return Err(AppError::new(
            ErrorKind::Conflict,
            format!(
                "case {id} is {}: suspects are blacklisted once it is solved",
                case.progress.status
            ),
        ));
    }
    if draft.identifiers.is_empty() {
        return Err(AppError::invalid("name at least one identifier"));
    }
    crate::limits::check_optional("note", draft.note.as_deref(), crate::limits::NOTE)?;
    let now = OffsetDateTime::now_utc();
    let longest = now + MAX_RESTRICTION;
    let until = match draft.until.as_deref() {
        None => longest,
        Some(text) => {
            let until = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
                AppError::invalid(format!("until: {text:?} is not an RFC 3339 time"))
            })?;
            if until <= now || until > longest {
                return Err(AppError::invalid(
                    "until: a restriction ends in the future and lasts at most three years",
                ));
            }
            until
        }
    };
    let until_text = until
        .format(&Rfc3339)
        .map_err(|err| AppError::new(ErrorKind::Internal, err.to_string()))?;
    let note = match &draft.note {
        Some(note) => format!("communication blacklist, case {id}: {note}"),
        None => format!("communication blacklist, case {id}"),
    };
    let drafts = draft
        .identifiers
        .into_iter()
        .map(|(kind, value)| {
            Ok(EntryDraft {
                kind,
                value,
                fraud_type: Some(case.fraud_type.clone()),
                confidence: Some(1.0),
                severity: None,
                expires_at: Some(until_text.clone()),
                evidence: vec![format!("case:{id}")],
                note: Some(note.clone()),
                source: Some(Source::Case),
            })
        })
        .collect();
    let report = lists::put_entries(store, normalizer, principal, List::Black, drafts, true)?;
    let listed = report.results.iter().filter(|r| r.is_ok()).count();
    audit::record(
        store,
        principal,
        "case.blacklist_convicted",
        &format!("case:{id}"),
        serde_json::json!({"listed": listed, "until": until_text}),
    )?;
    Ok(report)
}
