//! Victims' cases: filed once, moved on by version, linked into clusters through the
//! identifiers they share, and their wrong links cut by analysts. Every read of a case is
//! scoped by territory and audited.

use std::sync::Mutex;

use fraudwall_cases::{
    CaseInput, ClusterSummary, HolderPeriods, LinkKey, Linker, Occurrence, Role as LinkRole,
};
use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::{Identifier, Kind, List};
use fraudwall_lists::snapshot::Snapshot;
use fraudwall_store::{CaseIdentifier, CaseRecord, CaseVersion, LinkCut, NewCase, Role, Store};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::audit;
use crate::error::{AppError, ErrorKind, FieldError};
use crate::principal::{Owner, Principal};

/// Contacts and payments a report may hold.
pub const MAX_TIMELINE: usize = 1_000;
/// How far ahead of the server's clock a report's times may be.
const CLOCK_SKEW: Duration = Duration::minutes(5);
/// Hosts everyone visits: a victim naming them says nothing about who defrauded them.
const COMMON_HOSTS: &str = include_str!("../data/common_hosts.txt");

/// The roles that file cases: stations take victims' reports, the centre's analysts enter
/// them, banks and operators forward them.
const FILERS: [Role; 5] = [
    Role::Admin,
    Role::Analyst,
    Role::Station,
    Role::Bank,
    Role::Telco,
];
/// The roles that judge links.
const LINK_JUDGES: [Role; 2] = [Role::Admin, Role::Analyst];
/// The roles that investigate.
pub(crate) const INVESTIGATORS: [Role; 3] = [Role::Admin, Role::Analyst, Role::Station];

/// A contact in a victim's timeline, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDraft {
    pub kind: String,
    pub value: String,
    pub time: Option<String>,
}

/// A payment in a victim's timeline, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentDraft {
    pub to_account: String,
    pub amount: f64,
    pub currency: String,
    pub time: Option<String>,
}

/// A victim's report, as sent; the use case checks every field and names each one wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDraft {
    pub fraud_type: String,
    pub reported_at: String,
    pub victim_phone: String,
    pub territory: Option<String>,
    pub loss_amount: f64,
    pub loss_currency: String,
    pub contacts: Vec<ContactDraft>,
    pub payments: Vec<PaymentDraft>,
}

/// How a case moves on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressDraft {
    /// The version the caller read: a change made since is not overwritten.
    pub version: i64,
    pub status: Option<String>,
    pub suspects: Option<Vec<String>>,
    pub arrests: Option<i64>,
    pub recovered_cents: Option<i64>,
    pub note: Option<String>,
}

/// The statuses in order; a case moves forward only.
pub const STATUSES: [&str; 4] = ["reported", "investigating", "solved", "closed"];

/// A case as a caller sees it: in their scope whole, outside it without the victim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    pub record: CaseRecord,
    pub in_scope: bool,
}

/// A case's cluster: its figures, its cases, and the identifiers that join them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedView {
    pub cluster: i64,
    pub summary: ClusterSummary,
    pub cases: Vec<CaseView>,
    pub links: Vec<LinkView>,
}

/// One identifier joining cases, with when each case met it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkView {
    pub kind: Kind,
    pub value: String,
    /// Case ids and when (unix seconds, if known), earliest first.
    pub cases: Vec<(i64, Option<i64>)>,
}

/// The link an analyst cuts or restores: the identifier, as any spelling of it, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkDraft {
    pub kind: Kind,
    pub value: String,
    pub reason: Option<String>,
}

/// What a cut did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutReport {
    /// Sizes of the clusters the case's cluster split into, largest first.
    pub parts: Vec<u32>,
    pub cluster_size: u32,
}

/// The in-memory links over every case, rebuilt from the store on start.
pub struct CaseLinks {
    linker: Mutex<Linker>,
}

impl std::fmt::Debug for CaseLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseLinks").finish_non_exhaustive()
    }
}

impl CaseLinks {
    /// Relinks every stored case and applies the stored cuts.
    pub fn load(store: &dyn Store) -> Result<CaseLinks, AppError> {
        let mut linker = Linker::new();
        let mut failed = None;
        store.scan_cases(&mut |record, named| {
            if failed.is_some() {
                return;
            }
            let occurrences: Vec<Occurrence> = named.iter().map(occurrence).collect();
            if let Err(err) = linker.add_case(&input(record), &occurrences) {
                failed = Some(err);
            }
        })?;
        if let Some(err) = failed {
            return Err(AppError::new(
                ErrorKind::Internal,
                format!("relinking cases: {err}"),
            ));
        }
        for cut in store.link_cuts()? {
            if let Some(case) = linker.case(cut.case_id as u64) {
                // a cut of a link the case no longer names is history, not an error
                let _ = linker.cut(case, LinkKey(cut.link_key));
            }
        }
        Ok(CaseLinks {
            linker: Mutex::new(linker),
        })
    }

    /// Every case's id with its cluster's id, for measuring the clusters against a truth.
    pub fn clusters(&self) -> Vec<(i64, i64)> {
        let linker = self.lock();
        (0..linker.cases() as u32)
            .map(|case| {
                (
                    linker.external(case) as i64,
                    linker.external(linker.cluster(case)) as i64,
                )
            })
            .collect()
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Linker> {
        // a panic while linking leaves the linker as it was between two whole operations
        self.linker.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn input(record: &CaseRecord) -> CaseInput<'_> {
    CaseInput {
        external: record.id as u64,
        victim: record.victim_key,
        loss_cents: record.loss_cents,
        reported_at: record.reported_at.unix_timestamp(),
        territory: record.territory.as_deref().unwrap_or(""),
        fraud_type: &record.fraud_type,
    }
}

fn occurrence(named: &CaseIdentifier) -> Occurrence {
    Occurrence {
        key: LinkKey(named.link_key),
        kind: named.kind,
        ident: named.key,
        at: named.time.map(OffsetDateTime::unix_timestamp),
        role: if named.role == "payment" {
            LinkRole::Payment
        } else {
            LinkRole::Contact
        },
    }
}

/// Whether an identifier says nothing about who defrauded the victim: a white-listed number
/// (the police, a bank's hotline), a short service number, or a host everyone visits.
fn never_links(identifier: &Identifier, snapshot: &Snapshot) -> bool {
    let white = snapshot
        .get(identifier.table(), identifier.key)
        .is_some_and(|mark| mark.get(List::White).is_some());
    let short_service = identifier.kind == Kind::Number && !identifier.value.starts_with('+');
    // a page on a common host (a chat handle, a shop) still links; the host alone does not
    let whole_host = match identifier.kind {
        Kind::Domain => Some(identifier.value.as_str()),
        Kind::Url => identifier
            .value
            .strip_suffix('/')
            .filter(|host| !host.contains('/')),
        _ => None,
    };
    let common = whole_host.is_some_and(is_common_host);
    white || short_service || common
}

fn is_common_host(host: &str) -> bool {
    COMMON_HOSTS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|common| host == common || host.ends_with(&format!(".{common}")))
}

/// A contact's or payment's time, when the victim gave one: an empty one is none.
fn known(time: &Option<String>) -> Option<&str> {
    time.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn time_field(
    text: &str,
    field: &str,
    now: OffsetDateTime,
    errors: &mut Vec<FieldError>,
) -> Option<OffsetDateTime> {
    match OffsetDateTime::parse(text.trim(), &Rfc3339) {
        Ok(at) if at > now + CLOCK_SKEW => {
            errors.push(FieldError::new(
                field,
                "time_in_future",
                format!("{text} is in the future"),
            ));
            None
        }
        Ok(at) => Some(at.min(now)),
        Err(err) => {
            errors.push(FieldError::new(
                field,
                "invalid_time",
                format!("{text:?} is not an rfc 3339 time: {err}"),
            ));
            None
        }
    }
}

fn cents(amount: f64, field: &str, errors: &mut Vec<FieldError>) -> i64 {
    if !amount.is_finite() || !(0.0..=1e13).contains(&amount) {
        errors.push(FieldError::new(
            field,
            "invalid_amount",
            format!("{amount} is not an amount of money"),
        ));
        return 0;
    }
    (amount * 100.0).round() as i64
}

fn currency(code: &str, field: &str, errors: &mut Vec<FieldError>) -> String {
    let code = code.trim().to_ascii_uppercase();
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.push(FieldError::new(
            field,
            "invalid_currency",
            format!("{code:?} is not an iso 4217 currency code"),
        ));
    }
    code
}

/// The report checked and normalized, with every field in error named.
fn plan(
    draft: &CaseDraft,
    principal: &Principal,
    normalizer: &PhoneNormalizer,
    snapshot: &Snapshot,
    now: OffsetDateTime,
) -> Result<(NewCase, Vec<bool>), AppError> {
    let mut errors = Vec::new();
    let fraud_type = draft.fraud_type.trim().to_owned();
    if !fraudwall_lists::taxonomy::is_fraud_type(&fraud_type) {
        errors.push(FieldError::new(
            "fraud_type",
            "unknown_fraud_type",
            format!("{fraud_type:?} is not a fraud type; see GET /v1/fraud-types"),
        ));
    }
    let reported_at = time_field(&draft.reported_at, "reported_at", now, &mut errors);
    let victim = match Identifier::parse(Kind::Number, &draft.victim_phone, normalizer) {
        Ok(victim) => Some(victim),
        Err(err) => {
            errors.push(FieldError::new("victim.phone", err.code, err.message));
            None
        }
    };
    let territory = draft
        .territory
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    if let Some(code) = &territory
        && (code.len() > 12 || !code.bytes().all(|b| b.is_ascii_digit()))
    {
        errors.push(FieldError::new(
            "victim.territory",
            "invalid_territory",
            format!("{code:?} is not a division code"),
        ));
    }
    // a station files its own territory's cases
    if principal.role == Role::Station
        && !principal.scope().covers(Owner {
            territory: territory.as_deref(),
            org: None,
        })
    {
        errors.push(FieldError::new(
            "victim.territory",
            "forbidden_scope",
            "a station files cases of its own territory",
        ));
    }
    let loss_cents = cents(draft.loss_amount, "loss.amount", &mut errors);
    let loss_currency = currency(&draft.loss_currency, "loss.currency", &mut errors);
    if draft.contacts.len() + draft.payments.len() > MAX_TIMELINE {
        errors.push(FieldError::new(
            "contacts",
            "field_too_long",
            format!("at most {MAX_TIMELINE} contacts and payments"),
        ));
    }
    let mut identifiers = Vec::new();
    let mut never = Vec::new();
    let mut contacts_json = Vec::new();
    for (i, contact) in draft.contacts.iter().enumerate() {
        let field = format!("contacts[{i}]");
        let kind = match contact.kind.trim() {
            // a message's sender is the number or sender id it came from
            "sms" => Ok(Kind::Sender),
            other => other.parse::<Kind>(),
        };
        let kind = match kind {
            Ok(Kind::Range | Kind::Cert) | Err(_) => {
                errors.push(FieldError::new(
                    format!("{field}.kind"),
                    "unsupported_kind",
                    format!(
                        "{:?} is not a contact kind; expected number, sms, sender, url, domain, ip, app, account or social",
                        contact.kind
                    ),
                ));
                continue;
            }
            Ok(kind) => kind,
        };
        let time = known(&contact.time)
            .and_then(|t| time_field(t, &format!("{field}.time"), now, &mut errors));
        match Identifier::parse(kind, &contact.value, normalizer) {
            Ok(identifier) => {
                contacts_json.push(serde_json::json!({
                    "kind": identifier.kind.as_str(), "value": identifier.value,
                    "time": time.and_then(|t| t.format(&Rfc3339).ok()),
                }));
                never.push(never_links(&identifier, snapshot));
                identifiers.push(named(identifier, "contact", time));
            }
            Err(err) => errors.push(FieldError::new(
                format!("{field}.value"),
                err.code,
                err.message,
            )),
        }
    }
    let mut payments_json = Vec::new();
    for (i, payment) in draft.payments.iter().enumerate() {
        let field = format!("payments[{i}]");
        let amount = cents(payment.amount, &format!("{field}.amount"), &mut errors);
        let code = currency(&payment.currency, &format!("{field}.currency"), &mut errors);
        let time = known(&payment.time)
            .and_then(|t| time_field(t, &format!("{field}.time"), now, &mut errors));
        match Identifier::parse(Kind::Account, &payment.to_account, normalizer) {
            Ok(identifier) => {
                payments_json.push(serde_json::json!({
                    "to_account": identifier.value, "amount_cents": amount, "currency": code,
                    "time": time.and_then(|t| t.format(&Rfc3339).ok()),
                }));
                never.push(never_links(&identifier, snapshot));
                identifiers.push(named(identifier, "payment", time));
            }
            Err(err) => errors.push(FieldError::new(
                format!("{field}.to_account"),
                err.code,
                err.message,
            )),
        }
    }
    let (Some(reported_at), Some(victim), true) = (reported_at, victim, errors.is_empty()) else {
        return Err(AppError::fields(errors));
    };
    let report = serde_json::json!({"contacts": contacts_json, "payments": payments_json});
    let fingerprint = fingerprint(&fraud_type, reported_at, &victim.value, &report);
    Ok((
        NewCase {
            fingerprint,
            fraud_type,
            reported_at,
            victim_phone: victim.value,
            victim_key: victim.key,
            territory,
            loss_cents,
            currency: loss_currency,
            report: report.to_string(),
            filed_by: principal.actor(),
            org: principal.org.clone(),
            identifiers,
        },
        never,
    ))
}

fn named(identifier: Identifier, role: &str, time: Option<OffsetDateTime>) -> CaseIdentifier {
    CaseIdentifier {
        link_key: LinkKey::new(identifier.kind, identifier.key).0,
        kind: identifier.kind,
        value: identifier.value,
        key: identifier.key,
        role: role.to_owned(),
        time,
    }
}

/// A recycled number links only within the holder period its use falls in, when the
/// operators' card data records more than one holder; a use of unknown time links by the
/// number as a whole.
fn split_by_holder(store: &dyn Store, identifiers: &mut [CaseIdentifier]) -> Result<(), AppError> {
    let numbers: Vec<u64> = identifiers
        .iter()
        .filter(|n| n.kind == Kind::Number && n.time.is_some())
        .map(|n| n.key)
        .collect();
    if numbers.is_empty() {
        return Ok(());
    }
    let mut periods = HolderPeriods::new();
    for card in store.cards_of(Kind::Number, &numbers)? {
        periods.insert(card.key, card.since);
    }
    for named in identifiers.iter_mut() {
        let at = named.time.map(OffsetDateTime::unix_timestamp);
        named.link_key = periods.link_key(named.kind, named.key, at).0;
    }
    Ok(())
}

/// The same victim reporting the same timeline at the same time is one case, however the
/// numbers in it were written.
fn fingerprint(
    fraud_type: &str,
    reported_at: OffsetDateTime,
    victim: &str,
    report: &serde_json::Value,
) -> String {
    let mut hash = Sha256::new();
    hash.update(fraud_type.as_bytes());
    hash.update([0]);
    hash.update(reported_at.unix_timestamp().to_be_bytes());
    hash.update(victim.as_bytes());
    hash.update([0]);
    hash.update(report.to_string().as_bytes());
    hex::encode(hash.finalize())
}

pub(crate) fn require(principal: &Principal, roles: &[Role], what: &str) -> Result<(), AppError> {
    if roles.contains(&principal.role) {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorKind::ForbiddenRole,
            format!("a {} may not {what}", principal.role.as_str()),
        ))
    }
}

fn owner(record: &CaseRecord) -> Owner<'_> {
    Owner {
        territory: record.territory.as_deref(),
        org: record.org.as_deref(),
    }
}

/// Files a case and links it. The same report sent twice is stored once; the answer says
/// which. Audited.
pub fn file(
    store: &dyn Store,
    links: &CaseLinks,
    normalizer: &PhoneNormalizer,
    snapshot: &Snapshot,
    principal: &Principal,
    draft: &CaseDraft,
) -> Result<(i64, bool), AppError> {
    require(principal, &FILERS, "file cases")?;
    let now = OffsetDateTime::now_utc();
    let (mut case, never) = plan(draft, principal, normalizer, snapshot, now)?;
    split_by_holder(store, &mut case.identifiers)?;
    // filing and linking in one critical section, so that cases enter the linker in the
    // order of their ids
    let mut linker = links.lock();
    let (record, created) = store.insert_case(&case, now)?;
    if created {
        for (named, never) in case.identifiers.iter().zip(&never) {
            if *never {
                linker.never_link(LinkKey(named.link_key), named.kind, named.key);
            }
        }
        let occurrences: Vec<Occurrence> = case.identifiers.iter().map(occurrence).collect();
        linker
            .add_case(&input(&record), &occurrences)
            .map_err(|err| AppError::new(ErrorKind::Internal, format!("linking: {err}")))?;
    }
    drop(linker);
    audit::record(
        store,
        principal,
        if created {
            "case.file"
        } else {
            "case.file_again"
        },
        &format!("case:{}", record.id),
        serde_json::json!({"fraud_type": record.fraud_type, "territory": record.territory,
            "identifiers": case.identifiers.len()}),
    )?;
    Ok((record.id, created))
}

pub(crate) fn read_case(
    store: &dyn Store,
    principal: &Principal,
    id: i64,
) -> Result<CaseRecord, AppError> {
    let record = store
        .case(id)?
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, format!("no case {id}")))?;
    if !principal.scope().covers(owner(&record)) {
        return Err(AppError::new(
            ErrorKind::ForbiddenScope,
            format!("case {id} is outside your territory"),
        ));
    }
    Ok(record)
}

/// One case with its identifiers and versions, in the caller's scope. Audited.
pub fn get(
    store: &dyn Store,
    principal: &Principal,
    id: i64,
) -> Result<(CaseRecord, Vec<CaseIdentifier>, Vec<CaseVersion>), AppError> {
    require(principal, &INVESTIGATORS, "read cases")?;
    let record = read_case(store, principal, id)?;
    let named = store.case_identifiers(id)?;
    let versions = store.case_versions(id)?;
    audit::record(
        store,
        principal,
        "case.read",
        &format!("case:{id}"),
        serde_json::json!({}),
    )?;
    Ok((record, named, versions))
}

/// The cluster of a case: its figures, its cases (whole in the caller's scope, without the
/// victim outside it) and the identifiers that join them. Audited.
pub fn linked(
    store: &dyn Store,
    links: &CaseLinks,
    principal: &Principal,
    id: i64,
    max_cases: usize,
) -> Result<LinkedView, AppError> {
    require(principal, &INVESTIGATORS, "read cases")?;
    let view = linked_view(store, links, principal, id, max_cases)?;
    audit::record(
        store,
        principal,
        "case.linked",
        &format!("case:{id}"),
        serde_json::json!({"cluster": view.cluster, "cases": view.summary.cases}),
    )?;
    Ok(view)
}

/// The cluster of a case as `linked` answers it, for a use case that audits its own read.
pub(crate) fn linked_view(
    store: &dyn Store,
    links: &CaseLinks,
    principal: &Principal,
    id: i64,
    max_cases: usize,
) -> Result<LinkedView, AppError> {
    read_case(store, principal, id)?;
    // the linker is read under its lock; the store after it is released
    let (cluster, summary, members, joined) = {
        let linker = links.lock();
        let case = linker.case(id as u64).ok_or_else(|| {
            AppError::new(ErrorKind::NotFound, format!("case {id} is not linked"))
        })?;
        let mut summary = linker.summary(case);
        // the joining identifiers leave the summary once, with store ids in place of indices;
        // their values are read from the store after the lock is released
        let joined: Vec<(LinkKey, LinkView)> = std::mem::take(&mut summary.links)
            .into_iter()
            .map(|link| {
                let cases = link
                    .postings
                    .iter()
                    .map(|p| (linker.external(p.case) as i64, p.at()))
                    .collect();
                let view = LinkView {
                    kind: link.kind,
                    value: String::new(),
                    cases,
                };
                (link.key, view)
            })
            .collect();
        let members: Vec<i64> = linker
            .members(case)
            .take(max_cases)
            .map(|m| linker.external(m) as i64)
            .collect();
        (
            linker.external(linker.cluster(case)) as i64,
            summary,
            members,
            joined,
        )
    };
    let mut cases: Vec<CaseView> = store
        .cases(&members)?
        .into_iter()
        .map(|record| {
            let in_scope = principal.scope().covers(owner(&record));
            let mut record = record;
            if !in_scope {
                record.victim_phone.clear();
                record.victim_key = 0;
                record.report = "{}".to_owned();
            }
            CaseView { record, in_scope }
        })
        .collect();
    cases.sort_by_key(|c| c.record.id);
    let mut views = Vec::with_capacity(joined.len());
    for (key, mut view) in joined {
        view.value = identifier_value(store, view.cases[0].0, key)?.unwrap_or_default();
        views.push(view);
    }
    Ok(LinkedView {
        cluster,
        summary,
        cases,
        links: views,
    })
}

/// The canonical value behind a link key, as the case that named it wrote it.
pub(crate) fn identifier_value(
    store: &dyn Store,
    case: i64,
    key: LinkKey,
) -> Result<Option<String>, AppError> {
    Ok(store
        .case_identifiers(case)?
        .into_iter()
        .find(|n| n.link_key == key.0)
        .map(|n| n.value))
}

/// The identifier of `link` as case `id` names it, however the caller spelled it.
fn named_by(
    store: &dyn Store,
    normalizer: &PhoneNormalizer,
    id: i64,
    link: &LinkDraft,
) -> Result<CaseIdentifier, AppError> {
    let identifier = Identifier::parse(link.kind, &link.value, normalizer)?;
    store
        .case_identifiers(id)?
        .into_iter()
        .find(|n| n.kind == identifier.kind && n.key == identifier.key)
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::NotFound,
                format!("case {id} does not name {}", identifier.value),
            )
        })
}

/// Cuts a wrong link: the case no longer links through the identifier. Analysts and
/// administrators; audited with who did it and why.
pub fn cut(
    store: &dyn Store,
    links: &CaseLinks,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    id: i64,
    link: LinkDraft,
) -> Result<CutReport, AppError> {
    require(principal, &LINK_JUDGES, "cut links")?;
    let named = named_by(store, normalizer, id, &link)?;
    let reason = link.reason;
    crate::limits::check_optional("reason", reason.as_deref(), crate::limits::NOTE)?;
    let report = {
        let mut linker = links.lock();
        let case = linker
            .case(id as u64)
            .ok_or_else(|| AppError::new(ErrorKind::NotFound, format!("no case {id}")))?;
        let parts = linker
            .cut(case, LinkKey(named.link_key))
            .map_err(|err| AppError::new(link_error_kind(&err), err.to_string()))?;
        store.add_link_cut(&LinkCut {
            case_id: id,
            link_key: named.link_key,
            kind: named.kind,
            value: named.value.clone(),
            by: principal.actor(),
            at: OffsetDateTime::now_utc(),
            reason: reason.clone(),
        })?;
        CutReport {
            parts: parts.iter().map(|p| p.1).collect(),
            cluster_size: linker.cluster_size(case),
        }
    };
    audit::record(
        store,
        principal,
        "case.link_cut",
        &format!("case:{id}"),
        serde_json::json!({"kind": named.kind.as_str(), "value": named.value, "reason": reason,
            "parts": report.parts}),
    )?;
    Ok(report)
}

/// Undoes a cut. Audited.
pub fn restore(
    store: &dyn Store,
    links: &CaseLinks,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    id: i64,
    link: LinkDraft,
) -> Result<u32, AppError> {
    require(principal, &LINK_JUDGES, "restore links")?;
    let named = named_by(store, normalizer, id, &link)?;
    let size = {
        let mut linker = links.lock();
        let case = linker
            .case(id as u64)
            .ok_or_else(|| AppError::new(ErrorKind::NotFound, format!("no case {id}")))?;
        let size = linker
            .restore(case, LinkKey(named.link_key))
            .map_err(|err| AppError::new(link_error_kind(&err), err.to_string()))?;
        store.remove_link_cut(id, named.link_key)?;
        size
    };
    audit::record(
        store,
        principal,
        "case.link_restore",
        &format!("case:{id}"),
        serde_json::json!({"kind": named.kind.as_str(), "value": named.value}),
    )?;
    Ok(size)
}

fn link_error_kind(err: &fraudwall_cases::LinkError) -> ErrorKind {
    match err {
        fraudwall_cases::LinkError::UnknownCase(_) | fraudwall_cases::LinkError::NotNamed => {
            ErrorKind::NotFound
        }
        _ => ErrorKind::Conflict,
    }
}

/// Moves a case on: status forward only, suspects, arrests, money recovered. Refused if the
/// case changed since the caller read it. Audited.
pub fn progress(
    store: &dyn Store,
    principal: &Principal,
    id: i64,
    draft: ProgressDraft,
) -> Result<CaseRecord, AppError> {
    require(principal, &INVESTIGATORS, "move cases on")?;
    let record = read_case(store, principal, id)?;
    let mut next = record.progress.clone();
    if let Some(status) = draft.status {
        let from = STATUSES.iter().position(|s| *s == next.status).unwrap_or(0);
        let to = STATUSES.iter().position(|s| *s == status).ok_or_else(|| {
            AppError::fields(vec![FieldError::new(
                "status",
                "invalid_status",
                format!("{status:?} is not one of {}", STATUSES.join(", ")),
            )])
        })?;
        if to < from {
            return Err(AppError::fields(vec![FieldError::new(
                "status",
                "status_backwards",
                format!("a case moves from {} only forward", next.status),
            )]));
        }
        next.status = status;
    }
    if let Some(suspects) = draft.suspects {
        next.suspects = serde_json::to_string(&suspects).unwrap_or_else(|_| "[]".to_owned());
    }
    if let Some(arrests) = draft.arrests {
        next.arrests = arrests.max(0);
    }
    if let Some(recovered) = draft.recovered_cents {
        next.recovered_cents = recovered.max(0);
    }
    if draft.note.is_some() {
        crate::limits::check_optional("note", draft.note.as_deref(), crate::limits::NOTE)?;
        next.note = draft.note;
    }
    let moved = store
        .update_case(
            id,
            draft.version,
            &next,
            &principal.actor(),
            OffsetDateTime::now_utc(),
        )?
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::Conflict,
                format!(
                    "case {id} is at version {}, not {}: read it again",
                    record.version, draft.version
                ),
            )
        })?;
    audit::record(
        store,
        principal,
        "case.progress",
        &format!("case:{id}"),
        serde_json::json!({"version": moved.version, "status": moved.progress.status}),
    )?;
    Ok(moved)
}
