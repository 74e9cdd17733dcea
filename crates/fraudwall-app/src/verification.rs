//! Risky-account verification: accounts whose records show mule patterns (paid by victims of
//! several cases, a young account already paid by many, a sum split into many small transfers)
//! are put to their bank, which re-verifies the holder's identity and reports the result. A
//! failed verification lists the account gray and an account closed as a mule's black; a
//! verified holder is not asked about again.

use fraudwall_ids::account::Account;
use fraudwall_lists::entry::{Kind, List, Source};
use fraudwall_store::{
    NewWorkflow, Role, Store, WorkflowFilter, WorkflowKind, WorkflowRecord, WorkflowUpdate,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::audit;
use crate::cases::require;
use crate::error::{AppError, ErrorKind};
use crate::instances;
use crate::lists::{self, EntryDraft};
use crate::principal::{Owner, Principal, Scope};

/// Why an account is put to its bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// Victims of several cases paid into it.
    MuleLead,
    /// Opened weeks ago and already paid by many payers.
    YoungManyPayers,
    /// One payer split a sum into many small transfers to it in a day.
    ManySmallInbound,
}

impl Pattern {
    pub fn code(self) -> &'static str {
        match self {
            Pattern::MuleLead => "mule_lead",
            Pattern::YoungManyPayers => "young_many_payers",
            Pattern::ManySmallInbound => "many_small_inbound",
        }
    }
}

/// What the bank found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The holder is who the account says, and explains the payments.
    Verified,
    /// The holder could not be verified.
    Failed,
    /// The bank closed the account as a mule's.
    Closed,
}

impl Finding {
    pub const ALL: [Finding; 3] = [Finding::Verified, Finding::Failed, Finding::Closed];

    pub fn code(self) -> &'static str {
        match self {
            Finding::Verified => "verified",
            Finding::Failed => "failed",
            Finding::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Finding> {
        Finding::ALL.into_iter().find(|r| r.code() == text)
    }
}

/// A verification request's state, kept as JSON by the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub account: String,
    pub bank: String,
    pub patterns: Vec<Pattern>,
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    /// None while the bank has not answered.
    pub result: Option<Finding>,
    pub answered_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationView {
    pub id: i64,
    pub version: i64,
    pub verification: Verification,
}

/// Puts each flagged account to its bank once: accounts whose card names no bank, or already
/// asked about, are left. Returns how many requests were made.
pub fn request(
    store: &dyn Store,
    flagged: &[(u64, Vec<Pattern>)],
    now: OffsetDateTime,
) -> Result<usize, AppError> {
    let mut made = 0;
    for (key, patterns) in flagged {
        let Some(account) = Account::from_key(*key) else {
            continue;
        };
        let Some(bank) = account.bank().map(|b| b.code().to_owned()) else {
            continue;
        };
        let verification = Verification {
            account: account.as_str().to_owned(),
            bank: bank.clone(),
            patterns: patterns.clone(),
            requested_at: now,
            result: None,
            answered_by: None,
            answered_at: None,
            note: None,
        };
        let workflow = NewWorkflow {
            kind: WorkflowKind::Verification,
            fingerprint: format!("verify:{}", verification.account),
            case_id: None,
            subject: verification.account.clone(),
            territory: None,
            org: Some(bank),
            tier: None,
            status: "pending".to_owned(),
            due_at: None,
            state: instances::to_json(&verification)?,
        };
        let (record, created) = store.insert_workflow(&workflow, now)?;
        if created {
            made += 1;
            store.append_audit(&fraudwall_store::AuditEvent {
                actor: "job:screening".to_owned(),
                action: "verification.request".to_owned(),
                resource: format!("verification:{}", record.id),
                detail: serde_json::json!({
                    "account": verification.account, "bank": verification.bank,
                    "patterns": verification.patterns.iter().map(|p| p.code()).collect::<Vec<_>>(),
                })
                .to_string(),
            })?;
        }
    }
    Ok(made)
}

fn view(record: WorkflowRecord) -> Result<VerificationView, AppError> {
    Ok(VerificationView {
        id: record.id,
        version: record.version,
        verification: instances::state_of(&record, "verification")?,
    })
}

/// The banks verify their own accounts; the centre sees them all.
const VERIFIERS: [Role; 3] = [Role::Admin, Role::Analyst, Role::Bank];

/// The requests in the caller's scope (a bank's own), `pending` or answered. Audited.
pub fn list(
    store: &dyn Store,
    principal: &Principal,
    status: Option<&str>,
    after: i64,
    limit: usize,
) -> Result<Vec<VerificationView>, AppError> {
    require(principal, &VERIFIERS, "read account verifications")?;
    if let Some(status) = status
        && !["open", "pending", "verified", "failed", "closed"].contains(&status)
    {
        return Err(AppError::new(
            ErrorKind::Invalid,
            format!("status {status:?}: one of open, pending, verified, failed, closed"),
        ));
    }
    let org = match principal.scope() {
        Scope::Org("") | Scope::Territory(_) => return Ok(Vec::new()),
        Scope::Org(org) => Some(org.to_owned()),
        Scope::Everything => None,
    };
    let records = store.workflows(&WorkflowFilter {
        kind: WorkflowKind::Verification,
        case_id: None,
        territory_prefix: None,
        org,
        status: status.map(str::to_owned),
        after,
        limit: limit.clamp(1, 1_000),
    })?;
    let views = records
        .into_iter()
        .map(view)
        .collect::<Result<Vec<_>, _>>()?;
    audit::record(
        store,
        principal,
        "verification.read",
        "verifications",
        serde_json::json!({"status": status, "count": views.len()}),
    )?;
    Ok(views)
}

/// The bank's answer, once. A failed verification puts the account on the gray list (its
/// incoming transfers are held), an account closed as a mule's on the black list, each entry
/// naming the request. Audited.
pub fn answer(
    store: &dyn Store,
    normalizer: &fraudwall_ids::phone::PhoneNormalizer,
    principal: &Principal,
    id: i64,
    result: Finding,
    note: Option<String>,
    now: OffsetDateTime,
) -> Result<VerificationView, AppError> {
    require(
        principal,
        &[Role::Admin, Role::Bank],
        "answer account verifications",
    )?;
    let missing = || AppError::new(ErrorKind::NotFound, format!("no verification {id}"));
    let record = store
        .workflow(id)?
        .filter(|r| r.workflow.kind == WorkflowKind::Verification)
        .ok_or_else(missing)?;
    let owner = Owner {
        territory: None,
        org: record.workflow.org.as_deref(),
    };
    if !principal.scope().covers(owner) {
        return Err(missing());
    }
    let mut verification = view(record.clone())?.verification;
    if verification.result.is_some() {
        return Err(AppError::new(
            ErrorKind::Conflict,
            format!("verification {id} is already answered"),
        ));
    }
    verification.result = Some(result);
    verification.answered_by = Some(principal.actor());
    verification.answered_at = Some(now);
    verification.note = note;
    let update = WorkflowUpdate {
        status: result.code().to_owned(),
        due_at: None,
        state: instances::to_json(&verification)?,
    };
    let saved = instances::save(store, &record, &update, "verification", now)?;
    let listed = match result {
        Finding::Verified => None,
        Finding::Failed => Some(List::Gray),
        Finding::Closed => Some(List::Black),
    };
    if let Some(list) = listed {
        let patterns: Vec<&str> = verification.patterns.iter().map(|p| p.code()).collect();
        let draft = EntryDraft {
            kind: Kind::Account,
            value: verification.account.clone(),
            fraud_type: None,
            confidence: Some(0.8),
            severity: None,
            expires_at: None,
            evidence: vec![format!("verification:{id}")],
            note: Some(format!(
                "holder re-verification {} ({})",
                result.code(),
                patterns.join(", ")
            )),
            source: Some(Source::Operator),
        };
        lists::put_entries(store, normalizer, principal, list, vec![Ok(draft)], false)?;
    }
    audit::record(
        store,
        principal,
        "verification.answer",
        &format!("verification:{id}"),
        serde_json::json!({"result": result.code(), "account": verification.account}),
    )?;
    view(saved)
}

#[cfg(test)]
mod tests {
    use fraudwall_ids::phone::{PhoneNormalizer, Region};
    use fraudwall_store::{ListStore, SqliteStore};

    use super::*;

    fn principal(role: Role, org: Option<&str>) -> Principal {
        Principal {
            token_id: Some(4),
            name: "bank".into(),
            role,
            org: org.map(str::to_owned),
            territory: None,
        }
    }

    #[test]
    fn a_bank_verifies_its_own_flagged_accounts_and_a_failure_lists_the_account() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let now = OffsetDateTime::now_utc();
        // an ICBC card, a CCB card, and a number no bank issues
        let icbc = Account::parse("6222020000000000117").unwrap();
        let ccb = Account::parse("6217000000000000137").unwrap();
        let plain = Account::parse("12345678").unwrap();
        let flagged = vec![
            (icbc.key(), vec![Pattern::MuleLead]),
            (ccb.key(), vec![Pattern::YoungManyPayers]),
            (plain.key(), vec![Pattern::YoungManyPayers]),
        ];
        assert_eq!(request(&store, &flagged, now).unwrap(), 2);
        assert_eq!(request(&store, &flagged, now).unwrap(), 0);
        let bank = principal(Role::Bank, Some("ICBC"));
        let own = list(&store, &bank, Some("pending"), 0, 100).unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].verification.account, icbc.as_str());
        let ccb_id = list(&store, &principal(Role::Admin, None), None, 0, 100)
            .unwrap()
            .into_iter()
            .find(|v| v.verification.bank == "CCB")
            .unwrap()
            .id;
        let normalizer = PhoneNormalizer::new(Region::CN);
        let err = answer(
            &store,
            &normalizer,
            &bank,
            ccb_id,
            Finding::Failed,
            None,
            now,
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
        let answered = answer(
            &store,
            &normalizer,
            &bank,
            own[0].id,
            Finding::Failed,
            Some("holder did not come in".into()),
            now,
        )
        .unwrap();
        assert_eq!(answered.verification.result, Some(Finding::Failed));
        assert!(
            list(&store, &bank, Some("pending"), 0, 100)
                .unwrap()
                .is_empty()
        );
        let err = answer(
            &store,
            &normalizer,
            &bank,
            own[0].id,
            Finding::Verified,
            None,
            now,
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict);
        let entry = store
            .list_entry(List::Gray, Kind::Account, icbc.as_str())
            .unwrap()
            .unwrap();
        assert_eq!(entry.attributes.source, Source::Operator);
    }
}
