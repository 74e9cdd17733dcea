//! Clues in: reports from citizens (with a reporter's token or anonymously), operators and banks
//! about a number, a message, a link, an app, an account or a social-media id; and analysts'
//! reviews of them.
//!
//! A clue is stored once per reporter and identifier: the same reporter reporting the same
//! number again only counts. Clues about the kinds the lists assess become reputation evidence
//! from their reporter, which the reputation pass weighs by the reporter's record
//! (`fraudwall_lists::reporters`: unproven citizens are one source together). What guards an
//! innocent number against malicious reports:
//! - one reporter's repeated report adds evidence at most once a day ([`REPEAT_AFTER`]);
//! - at most [`CITIZEN_EVIDENCE_PER_HOUR`] citizens' clues an hour about one identifier become
//!   evidence; more are kept as clues but add nothing;
//! - a clue about a white-listed or official identifier is not evidence at all: it waits for
//!   an analyst, whose confirmation is recorded as the analyst's evidence;
//! - per-reporter rate limits, applied by the caller ([`crate::App::submit_clues`]).

use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::{Identifier, Kind, List};
use fraudwall_lists::official::OFFICIAL_CN;
use fraudwall_lists::reporters::{self, Record, Standing};
use fraudwall_store::{
    AuditStore, ClueFilter, ClueKind, ClueRecord, ClueReview, ClueStatus, ClueStore, EvidenceClass,
    EvidenceStore, ListStore, NewClue, NewEvidence, ReporterRecord, Role,
};
use time::{Duration, OffsetDateTime};

use crate::audit;
use crate::error::{AppError, ErrorKind};
use crate::principal::Principal;

pub use fraudwall_lists::plan::ASSESSED_KINDS;

/// Citizens' clues about one identifier that become evidence within an hour. With pooling, a
/// crowd of fresh reporters is one source anyway; the bound keeps a flood from filling the
/// evidence table and from pushing the pool's share to its ceiling within minutes.
pub const CITIZEN_EVIDENCE_PER_HOUR: u64 = 20;
/// A reporter's repeated report about the same identifier becomes evidence again only after
/// this long: reporting a number a thousand times is one report.
pub const REPEAT_AFTER: Duration = Duration::days(1);
/// Clues a listing returns at most.
pub const MAX_PAGE: usize = 1_000;

/// The roles whose clues the per-identifier bound counts: citizens, with a token or without.
const CITIZEN_ROLES: [&str; 2] = ["reporter", reporters::ANONYMOUS];
/// Who reviews clues.
const REVIEWERS: [Role; 2] = [Role::Admin, Role::Analyst];

/// One report, its names already read by the adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueDraft {
    pub kind: ClueKind,
    /// The number, the sender of a message, the link, the app's package name or certificate
    /// hash, the account, the social-media id (`wechat:wxid_abc`).
    pub value: String,
    /// The message's text, or what happened.
    pub text: Option<String>,
    pub fraud_type: Option<String>,
}

/// What became of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueOutcome {
    pub id: i64,
    pub status: ClueStatus,
    pub kind: ClueKind,
    /// The identifier's normalized value.
    pub value: String,
    /// False when it merged into the reporter's earlier clue.
    pub created: bool,
    /// Whether it added reputation evidence.
    pub evidence: bool,
}

/// A reviewed clue and where its reporter stands after the review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewOutcome {
    pub clue: ClueRecord,
    pub reporter: ReporterStanding,
}

/// A reporter's record with what it makes of them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReporterStanding {
    pub source: String,
    pub confirmed: u32,
    pub refuted: u32,
    /// What one of their reports weighs, 0 to 1; 1 for an institution.
    pub weight: f64,
    /// `proven`, `unproven` or `discredited` for a citizen; `institution` otherwise.
    pub standing: &'static str,
}

impl ReporterStanding {
    fn of(record: &ReporterRecord) -> ReporterStanding {
        let counts = Record {
            confirmed: record.confirmed,
            refuted: record.refuted,
        };
        let (weight, standing) = if record.source == reporters::ANONYMOUS {
            (reporters::ANONYMOUS_WEIGHT, Standing::Unproven.as_str())
        } else if reporters::is_citizen(&record.source) {
            (counts.weight(), counts.standing().as_str())
        } else {
            (1.0, "institution")
        };
        ReporterStanding {
            source: record.source.clone(),
            confirmed: record.confirmed,
            refuted: record.refuted,
            weight,
            standing,
        }
    }
}

/// The store areas clues touch.
pub trait ClueStores: ClueStore + EvidenceStore + ListStore + AuditStore {}
impl<T: ClueStore + EvidenceStore + ListStore + AuditStore + ?Sized> ClueStores for T {}

/// The identifier a clue is about.
fn identifier(normalizer: &PhoneNormalizer, draft: &ClueDraft) -> Result<Identifier, AppError> {
    let value = draft.value.trim();
    crate::limits::check("value", value, crate::limits::IDENTIFIER)?;
    let kind = match draft.kind {
        ClueKind::Number => Kind::Number,
        // a sender id, or a number a message came from
        ClueKind::Sms => Kind::Sender,
        ClueKind::Url => Kind::Url,
        // package names have dots; certificate hashes are hex, with or without colons
        ClueKind::App if value.contains('.') => Kind::App,
        ClueKind::App => Kind::Cert,
        ClueKind::Account => Kind::Account,
        ClueKind::Social => Kind::Social,
    };
    Ok(Identifier::parse(kind, value, normalizer)?)
}

/// Whether reports alone may never move an identifier: the white list or the official numbers
/// hold it. Fraud rings impersonate exactly these, and report them to get them blocked.
fn protected<S: ListStore + ?Sized>(store: &S, identifier: &Identifier) -> Result<bool, AppError> {
    let official = identifier.kind == Kind::Number
        && OFFICIAL_CN
            .iter()
            .any(|(number, _)| *number == identifier.value);
    if official {
        return Ok(true);
    }
    Ok(store
        .list_entry(List::White, identifier.kind, &identifier.value)?
        .is_some_and(|entry| !entry.removed))
}

/// Checks one report and stores it, with its evidence when it earns some.
fn submit_one<S: ClueStores + ?Sized>(
    store: &S,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    draft: ClueDraft,
    now: OffsetDateTime,
) -> Result<ClueOutcome, AppError> {
    let identifier = identifier(normalizer, &draft)?;
    let text = draft.text.filter(|t| !t.trim().is_empty());
    crate::limits::check_optional("text", text.as_deref(), crate::limits::CLUE_TEXT)?;
    let fraud_type = crate::error::fraud_type(draft.fraud_type)?;
    let reporter = principal.evidence_source();
    let protected = protected(store, &identifier)?;
    let earlier = store.reporter_clue(&reporter, draft.kind, identifier.kind, identifier.key)?;
    let fresh = match &earlier {
        None => true,
        Some(clue) => {
            matches!(clue.status, ClueStatus::Pending | ClueStatus::Confirmed)
                && clue.evidence_at.is_none_or(|at| at + REPEAT_AFTER <= now)
        }
    };
    let citizen = reporters::is_citizen(&reporter);
    let evidence = ASSESSED_KINDS.contains(&identifier.kind)
        && !protected
        && fresh
        && (!citizen
            || store.count_clue_evidence(
                identifier.kind,
                identifier.key,
                now - Duration::hours(1),
                &CITIZEN_ROLES,
            )? < CITIZEN_EVIDENCE_PER_HOUR);
    let clue = NewClue {
        kind: draft.kind,
        id_kind: identifier.kind,
        value: identifier.value.clone(),
        key: identifier.key,
        text,
        fraud_type: fraud_type.clone(),
        reporter: reporter.clone(),
        reporter_role: principal.reporter_role().to_owned(),
        status: if protected {
            ClueStatus::NeedsReview
        } else {
            ClueStatus::Pending
        },
        at: now,
    };
    let record = evidence.then(|| NewEvidence {
        kind: identifier.kind,
        value: identifier.value.clone(),
        key: identifier.key,
        class: EvidenceClass::Fraud,
        source: reporter,
        time: now,
        fraud_type,
        note: None,
    });
    let submitted = store.submit_clue(&clue, record.as_ref())?;
    Ok(ClueOutcome {
        id: submitted.clue.id,
        status: submitted.clue.status,
        kind: submitted.clue.kind,
        value: submitted.clue.value,
        created: submitted.created,
        evidence,
    })
}

/// Takes reports from `principal`. Each stands alone: an invalid one gets its error in its
/// slot and the others are stored. Rate limits per reporter are the caller's; the bound per
/// identifier is applied here. Audited, once for the batch.
pub fn submit<S: ClueStores + ?Sized>(
    store: &S,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    drafts: Vec<Result<ClueDraft, AppError>>,
) -> Result<Vec<Result<ClueOutcome, AppError>>, AppError> {
    let now = OffsetDateTime::now_utc();
    let count = drafts.len();
    let mut results = Vec::with_capacity(count);
    for draft in drafts {
        let result = draft.and_then(|d| submit_one(store, normalizer, principal, d, now));
        // the store failing is the request's failure, not one report's
        if let Err(err) = &result
            && err.kind == ErrorKind::Store
        {
            return Err(err.clone());
        }
        results.push(result);
    }
    let accepted = results.iter().filter(|r| r.is_ok()).count();
    let evidence = results
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|o| o.evidence))
        .count();
    let held = results
        .iter()
        .filter(|r| {
            r.as_ref()
                .is_ok_and(|o| o.status == ClueStatus::NeedsReview)
        })
        .count();
    audit::record(
        store,
        principal,
        "clue.add",
        "clues",
        serde_json::json!({
            "items": count,
            "accepted": accepted,
            "evidence": evidence,
            "needs_review": held,
        }),
    )?;
    Ok(results)
}

/// One page of clues. Analysts and administrators see every clue, filtered by `status`;
/// anyone else sees only their own.
pub fn list<S: ClueStore + AuditStore + ?Sized>(
    store: &S,
    principal: &Principal,
    status: Option<ClueStatus>,
    after_id: i64,
    limit: usize,
) -> Result<Vec<ClueRecord>, AppError> {
    let reporter = (!REVIEWERS.contains(&principal.role)).then(|| principal.evidence_source());
    let filter = ClueFilter { status, reporter };
    let clues = store.clues(&filter, after_id, limit.clamp(1, MAX_PAGE))?;
    // a clue names who reported what, and an anonymous clue's text may hold a phone number
    audit::record(
        store,
        principal,
        "clue.read",
        "clues",
        serde_json::json!({
            "status": status.map(ClueStatus::as_str),
            "after": after_id,
            "returned": clues.len(),
        }),
    )?;
    Ok(clues)
}

/// An analyst's verdict on a clue: confirmed or refuted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDraft {
    pub confirmed: bool,
    pub note: Option<String>,
}

/// Confirms or refutes a clue that is pending or needs review, once. The verdict counts in
/// its reporter's record; a confirmation about an assessed kind is also the analyst's fraud
/// evidence, and a refutation the analyst's benign evidence, recorded with the review.
/// Administrators and analysts only. Audited.
pub fn review<S: ClueStores + ?Sized>(
    store: &S,
    principal: &Principal,
    id: i64,
    draft: ReviewDraft,
) -> Result<ReviewOutcome, AppError> {
    if !REVIEWERS.contains(&principal.role) {
        return Err(AppError::new(
            ErrorKind::ForbiddenRole,
            "clues are reviewed by administrators and analysts",
        ));
    }
    crate::limits::check_optional("note", draft.note.as_deref(), crate::limits::NOTE)?;
    let note = draft.note.filter(|n| !n.trim().is_empty());
    let clue = store
        .clue(id)?
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, format!("no clue {id}")))?;
    if !clue.status.reviewable() {
        return Err(AppError::new(
            ErrorKind::Conflict,
            format!("clue {id} is {} already", clue.status),
        ));
    }
    let now = OffsetDateTime::now_utc();
    let status = if draft.confirmed {
        ClueStatus::Confirmed
    } else {
        ClueStatus::Refuted
    };
    let evidence = ASSESSED_KINDS.contains(&clue.id_kind).then(|| NewEvidence {
        kind: clue.id_kind,
        value: clue.value.clone(),
        key: clue.key,
        class: if draft.confirmed {
            EvidenceClass::Fraud
        } else {
            EvidenceClass::Benign
        },
        source: principal.evidence_source(),
        time: now,
        fraud_type: clue.fraud_type.clone().filter(|_| draft.confirmed),
        note: Some(format!("review of clue {id}")),
    });
    let review = ClueReview {
        status,
        by: principal.actor(),
        note,
        at: now,
    };
    let reviewed = store
        .review_clue(id, &review, evidence.as_ref())?
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::Conflict,
                format!("clue {id} was reviewed meanwhile"),
            )
        })?;
    let reporter = store
        .reporter(&reviewed.reporter)?
        .map(|r| ReporterStanding::of(&r))
        .ok_or_else(|| AppError::new(ErrorKind::Internal, "a reviewed clue has no reporter"))?;
    audit::record(
        store,
        principal,
        "clue.review",
        &format!("clue:{id}"),
        serde_json::json!({
            "verdict": status.as_str(),
            "reporter": reviewed.reporter,
            "confirmed": reporter.confirmed,
            "refuted": reporter.refuted,
            "evidence": evidence.is_some(),
        }),
    )?;
    Ok(ReviewOutcome {
        clue: reviewed,
        reporter,
    })
}

#[cfg(test)]
mod tests {
    use fraudwall_ids::phone::Region;
    use fraudwall_lists::official::official_whitelist;
    use fraudwall_store::SqliteStore;

    use super::*;

    fn fresh_store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        (dir, store)
    }

    fn principal(token: i64, role: Role) -> Principal {
        Principal {
            token_id: Some(token),
            name: format!("{role} {token}"),
            role,
            org: None,
            territory: None,
        }
    }

    fn draft(kind: ClueKind, value: &str) -> Result<ClueDraft, AppError> {
        Ok(ClueDraft {
            kind,
            value: value.to_owned(),
            text: None,
            fraud_type: None,
        })
    }

    fn normalizer() -> PhoneNormalizer {
        PhoneNormalizer::new(Region::CN)
    }

    #[test]
    fn every_kind_is_normalized_and_only_assessed_kinds_become_evidence() {
        let (_dir, store) = fresh_store();
        let citizen = principal(1, Role::Reporter);
        let results = submit(
            &store,
            &normalizer(),
            &citizen,
            vec![
                draft(ClueKind::Number, "138 0013 8000"),
                draft(ClueKind::Sms, "RoyalMail"),
                draft(ClueKind::Sms, "+86 138 0013 8001"),
                draft(ClueKind::Url, "HTTP://Evil.Example/Login"),
                draft(ClueKind::App, "com.evil.loan"),
                draft(ClueKind::Account, "6222 0200 0000 0001 6"),
                draft(ClueKind::Social, "wechat:wxid_abc"),
                draft(ClueKind::Number, "not a number"),
                Err(AppError::invalid("unknown clue kind")),
            ],
        )
        .unwrap();
        let got: Vec<_> = results
            .iter()
            .map(|r| match r {
                Ok(o) => format!("{} {} {}", o.kind, o.value, o.evidence),
                Err(e) => e.code().to_owned(),
            })
            .collect();
        assert_eq!(
            got[..5],
            [
                "number +8613800138000 true",
                "sms royalmail true",
                "sms +8613800138001 true",
                "url evil.example/Login true",
                "app com.evil.loan false",
            ]
        );
        assert!(got[5].starts_with("account "), "{}", got[5]);
        assert!(got[5].ends_with(" false"));
        assert_eq!(got[6], "social wechat:wxid_abc false");
        assert_eq!(got[7], "phone_invalid_characters");
        assert_eq!(got[8], "invalid_parameter");
        let number = Identifier::parse(Kind::Number, "13800138000", &normalizer()).unwrap();
        let evidence = store.evidence_for(Kind::Number, number.key).unwrap();
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].source, "reporter:1");
    }

    #[test]
    fn a_repeated_report_merges_and_adds_no_evidence_the_same_day() {
        let (_dir, store) = fresh_store();
        let citizen = principal(1, Role::Reporter);
        let drafts = (0..1_000)
            .map(|_| draft(ClueKind::Number, "13800138000"))
            .collect();
        let results = submit(&store, &normalizer(), &citizen, drafts).unwrap();
        assert!(results[0].as_ref().unwrap().created);
        assert!(results[0].as_ref().unwrap().evidence);
        assert!(results[1..].iter().all(|r| {
            let r = r.as_ref().unwrap();
            !r.created && !r.evidence && r.id == results[0].as_ref().unwrap().id
        }));
        let clue = store
            .clue(results[0].as_ref().unwrap().id)
            .unwrap()
            .unwrap();
        assert_eq!(clue.count, 1_000);
        assert_eq!(store.evidence_for(Kind::Number, clue.key).unwrap().len(), 1);
    }

    #[test]
    fn citizens_clues_about_one_number_become_evidence_a_bounded_number_of_times_an_hour() {
        let (_dir, store) = fresh_store();
        for reporter in 0..50 {
            let citizen = principal(reporter, Role::Reporter);
            submit(
                &store,
                &normalizer(),
                &citizen,
                vec![draft(ClueKind::Number, "13800138000")],
            )
            .unwrap();
        }
        let number = Identifier::parse(Kind::Number, "13800138000", &normalizer()).unwrap();
        assert_eq!(
            store.clues_about(Kind::Number, number.key).unwrap().len(),
            50
        );
        let evidence = store.evidence_for(Kind::Number, number.key).unwrap();
        assert_eq!(evidence.len() as u64, CITIZEN_EVIDENCE_PER_HOUR);
        // an operator's report is not held back by the crowd
        let telco = principal(99, Role::Telco);
        let results = submit(
            &store,
            &normalizer(),
            &telco,
            vec![draft(ClueKind::Number, "13800138000")],
        )
        .unwrap();
        assert!(results[0].as_ref().unwrap().evidence);
    }

    #[test]
    fn a_clue_about_an_official_or_white_listed_number_waits_for_an_analyst() {
        let (_dir, store) = fresh_store();
        store
            .apply_list_changes(&official_whitelist(Region::CN), "setup", true)
            .unwrap();
        let citizen = principal(1, Role::Reporter);
        let results = submit(
            &store,
            &normalizer(),
            &citizen,
            vec![
                draft(ClueKind::Number, "95555"),
                draft(ClueKind::Sms, "96110"),
            ],
        )
        .unwrap();
        for result in &results {
            let outcome = result.as_ref().unwrap();
            assert_eq!(outcome.status, ClueStatus::NeedsReview);
            assert!(!outcome.evidence);
        }
        // official even where the white list was never seeded
        let (_bare_dir, bare) = fresh_store();
        let results = submit(
            &bare,
            &normalizer(),
            &citizen,
            vec![draft(ClueKind::Number, "110")],
        )
        .unwrap();
        assert_eq!(results[0].as_ref().unwrap().status, ClueStatus::NeedsReview);

        let analyst = principal(2, Role::Analyst);
        let id = results[0].as_ref().unwrap().id;
        let waiting = list(&bare, &analyst, Some(ClueStatus::NeedsReview), 0, 10).unwrap();
        assert_eq!(waiting.len(), 1);
        let reviewed = review(
            &bare,
            &analyst,
            id,
            ReviewDraft {
                confirmed: true,
                note: Some("spoofed caller id".into()),
            },
        )
        .unwrap();
        assert_eq!(reviewed.clue.status, ClueStatus::Confirmed);
        let evidence = bare.evidence_for(Kind::Number, reviewed.clue.key).unwrap();
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].source, "token:2");
    }

    #[test]
    fn reviews_move_the_reporters_record_and_only_analysts_give_them() {
        let (_dir, store) = fresh_store();
        let citizen = principal(1, Role::Reporter);
        let numbers = ["13800138001", "13800138002", "13800138003"];
        let ids: Vec<i64> = numbers
            .iter()
            .map(|n| {
                submit(
                    &store,
                    &normalizer(),
                    &citizen,
                    vec![draft(ClueKind::Number, n)],
                )
                .unwrap()[0]
                    .as_ref()
                    .unwrap()
                    .id
            })
            .collect();
        let verdict = |confirmed| ReviewDraft {
            confirmed,
            note: None,
        };
        let denied = review(&store, &citizen, ids[0], verdict(true)).unwrap_err();
        assert_eq!(denied.code(), "forbidden_role");
        let analyst = principal(2, Role::Analyst);
        let first = review(&store, &analyst, ids[0], verdict(true)).unwrap();
        assert_eq!(first.reporter.weight, 2.0 / 3.0);
        assert_eq!(first.reporter.standing, "unproven");
        let second = review(&store, &analyst, ids[1], verdict(true)).unwrap();
        assert_eq!(second.reporter.standing, "proven");
        assert_eq!(second.reporter.weight, 0.75);
        let third = review(&store, &analyst, ids[2], verdict(false)).unwrap();
        assert_eq!((third.reporter.confirmed, third.reporter.refuted), (2, 1));
        assert!(third.reporter.weight < second.reporter.weight);
        // refuted: the analyst's benign signal
        let refuted = store.evidence_for(Kind::Number, third.clue.key).unwrap();
        assert_eq!(refuted.last().unwrap().class, EvidenceClass::Benign);
        let again = review(&store, &analyst, ids[2], verdict(true)).unwrap_err();
        assert_eq!(again.code(), "conflict");
        assert_eq!(
            review(&store, &analyst, 9_999, verdict(true))
                .unwrap_err()
                .code(),
            "not_found"
        );
        // a reporter lists its own clues, an analyst everyone's
        let other = principal(3, Role::Reporter);
        submit(
            &store,
            &normalizer(),
            &other,
            vec![draft(ClueKind::Number, "13800138009")],
        )
        .unwrap();
        assert_eq!(list(&store, &citizen, None, 0, 100).unwrap().len(), 3);
        assert_eq!(list(&store, &other, None, 0, 100).unwrap().len(), 1);
        assert_eq!(list(&store, &analyst, None, 0, 100).unwrap().len(), 4);
        assert_eq!(
            list(&store, &analyst, Some(ClueStatus::Pending), 0, 100)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn texts_and_fraud_types_are_checked() {
        let (_dir, store) = fresh_store();
        let citizen = principal(1, Role::Reporter);
        let results = submit(
            &store,
            &normalizer(),
            &citizen,
            vec![
                Ok(ClueDraft {
                    kind: ClueKind::Sms,
                    value: "10690000".into(),
                    text: Some("x".repeat(crate::limits::CLUE_TEXT + 1)),
                    fraud_type: None,
                }),
                Ok(ClueDraft {
                    kind: ClueKind::Number,
                    value: "13800138000".into(),
                    text: None,
                    fraud_type: Some("alien_abduction".into()),
                }),
            ],
        )
        .unwrap();
        assert_eq!(results[0].as_ref().unwrap_err().code(), "field_too_long");
        assert_eq!(
            results[1].as_ref().unwrap_err().code(),
            "unknown_fraud_type"
        );
    }
}
