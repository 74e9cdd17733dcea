//! Fund control behind the wall: a case's money traced through the stored transfer records,
//! freeze requests to the banks that hold it, their deadlines on the job runner, and the money
//! held, frozen and returned.
//!
//! A request is one account of one case; the bank that holds the account (by its card's BIN)
//! owns it, so a bank's token sees and answers only its own. The centre and the stations work
//! the case side: they renew, find funds unrelated, order the return and lift restrictions.

pub use fraudwall_funds::trace::MAX_DEPTH;
use fraudwall_funds::{DEFAULT_DEPTH, IndexLedger, Payment, TraceParams, trace};
pub use fraudwall_funds::{Rule, UnknownRule};
use fraudwall_ids::account::Account;
use fraudwall_records::ContactIndex;
use fraudwall_store::{
    CaseRecord, NewWorkflow, Role, Store, WorkflowFilter, WorkflowKind, WorkflowRecord,
    WorkflowUpdate,
};
use fraudwall_workflow::{
    FreezeAlert, FreezeDraft, FreezeLimits, FreezeRequest, FreezeStatus, Restriction, WorkflowError,
};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::audit;
use crate::cases::{INVESTIGATORS, read_case, require};
use crate::error::{AppError, ErrorKind};
use crate::instances;
use crate::principal::{Owner, Principal, Scope, division_prefix};

/// The bank named on requests for accounts whose card number names no bank.
pub const UNKNOWN_BANK: &str = "unknown";

/// How traces are run and requests timed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundsSettings {
    pub limits: FreezeLimits,
    /// Hops followed when a request names no depth.
    pub depth: u8,
    /// Money below this (in fen) left in an account is not worth a request.
    pub min_request_cents: i64,
    /// How long after a case's latest freeze request its money is still followed on its own
    /// (see [`retrace_active`]): most of a fraud's money is split and cashed out within a day
    /// or two; an older trail is the investigators' to follow on request.
    pub retrace_window_s: i64,
    /// How often the `freezes-retrace` job runs: a bank answers a request within half an hour,
    /// so new accounts are asked for well inside one answer's time.
    pub retrace_period: std::time::Duration,
}

impl Default for FundsSettings {
    fn default() -> FundsSettings {
        FundsSettings {
            limits: FreezeLimits::default(),
            depth: DEFAULT_DEPTH,
            min_request_cents: 100,
            retrace_window_s: 3 * 86_400,
            retrace_period: std::time::Duration::from_secs(300),
        }
    }
}

/// How to trace: the attribution rule and the depth, each defaulted when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TraceQuery {
    pub rule: Option<Rule>,
    pub depth: Option<u8>,
}

/// Money of the victim's that moved in one transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopView {
    /// None for the victim's own payment.
    pub from_account: Option<String>,
    pub to_account: String,
    /// The victim's money in the transfer, by the rule.
    pub amount_cents: i64,
    /// The whole transfer.
    pub total_cents: i64,
    pub time: OffsetDateTime,
    pub depth: u8,
    /// Whether the transfer is in the records (the victim's payment may be known only from
    /// the report).
    pub recorded: bool,
}

/// Money of the victim's an account still held when the trace stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldView {
    pub account: String,
    pub bank: String,
    pub amount_cents: i64,
    pub depth: u8,
    pub since: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FreezeView {
    pub id: i64,
    pub case_id: Option<i64>,
    /// The store's version: send it back to refuse a change made since.
    pub version: i64,
    pub request: FreezeRequest,
    pub restriction: Option<Restriction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TraceView {
    pub case_id: i64,
    pub rule: Rule,
    pub depth: u8,
    /// In time order.
    pub hops: Vec<HopView>,
    /// Largest first.
    pub held: Vec<HeldView>,
    /// The victim's money that moved beyond the deepest hop followed.
    pub beyond_depth_cents: i64,
    /// Payments the report gives no time for: they cannot be placed in the records.
    pub untimed_payments: usize,
    pub freeze_requests: Vec<FreezeView>,
}

/// A payment as the case's report keeps it.
#[derive(Debug, Deserialize)]
struct ReportedPayment {
    to_account: String,
    amount_cents: Option<i64>,
    time: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
struct Report {
    #[serde(default)]
    payments: Vec<ReportedPayment>,
}

/// The case's payments the trace starts from, and how many lack a time.
fn payments(case: &CaseRecord) -> Result<(Vec<Payment>, usize), AppError> {
    let report: Report = serde_json::from_str(&case.report)
        .map_err(|e| AppError::new(ErrorKind::Internal, format!("case {} report: {e}", case.id)))?;
    let mut out = Vec::new();
    let mut untimed = 0;
    for payment in report.payments {
        let at = payment
            .time
            .as_deref()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
        let (Some(at), Some(amount), Ok(account)) = (
            at,
            payment.amount_cents,
            Account::parse(&payment.to_account),
        ) else {
            untimed += 1;
            continue;
        };
        out.push(Payment {
            to: account.key(),
            amount,
            at: at.unix_timestamp(),
        });
    }
    Ok((out, untimed))
}

fn account_text(key: u64) -> String {
    Account::from_key(key).map_or_else(|| format!("key:{key}"), |a| a.as_str().to_owned())
}

fn bank_of(key: u64) -> String {
    Account::from_key(key)
        .and_then(|a| a.bank())
        .map_or_else(|| UNKNOWN_BANK.to_owned(), |b| b.code().to_owned())
}

fn time_of(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The trace of a case's payments up to `now`, without reading or writing anything else.
fn trace_of(
    records: &dyn ContactIndex,
    case: &CaseRecord,
    rule: Rule,
    depth: u8,
    now: OffsetDateTime,
) -> Result<(fraudwall_funds::Trace, usize), AppError> {
    let (payments, untimed) = payments(case)?;
    let ledger = IndexLedger::new(records);
    let traced = trace(
        &ledger,
        &payments,
        TraceParams {
            rule,
            max_depth: depth,
            until: now.unix_timestamp() + 1,
        },
    );
    ledger
        .finish()
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    Ok((traced, untimed))
}

fn depth_of(query: TraceQuery, settings: &FundsSettings) -> Result<u8, AppError> {
    let depth = query.depth.unwrap_or(settings.depth);
    if !(1..=fraudwall_funds::trace::MAX_DEPTH).contains(&depth) {
        return Err(AppError::new(
            ErrorKind::Invalid,
            format!(
                "depth {depth}: from 1 to {}",
                fraudwall_funds::trace::MAX_DEPTH
            ),
        ));
    }
    Ok(depth)
}

/// Follows a case's payments through the transfer records, with the case's freeze requests.
/// For the centre and the stations whose territory holds the case. Audited.
pub fn trace_case(
    store: &dyn Store,
    records: &dyn ContactIndex,
    settings: &FundsSettings,
    principal: &Principal,
    case_id: i64,
    query: TraceQuery,
    now: OffsetDateTime,
) -> Result<TraceView, AppError> {
    require(principal, &INVESTIGATORS, "trace a case's money")?;
    let depth = depth_of(query, settings)?;
    let rule = query.rule.unwrap_or_default();
    let case = read_case(store, principal, case_id)?;
    let (traced, untimed) = trace_of(records, &case, rule, depth, now)?;
    let freeze_requests = case_requests(store, case_id)?;
    audit::record(
        store,
        principal,
        "case.trace",
        &format!("case:{case_id}"),
        serde_json::json!({"rule": rule.as_str(), "depth": depth, "hops": traced.hops.len()}),
    )?;
    Ok(TraceView {
        case_id,
        rule,
        depth,
        hops: traced
            .hops
            .iter()
            .map(|h| HopView {
                from_account: h.from.map(account_text),
                to_account: account_text(h.to),
                amount_cents: h.amount,
                total_cents: h.total,
                time: time_of(h.at),
                depth: h.depth,
                recorded: h.transfer.is_some(),
            })
            .collect(),
        held: traced
            .held
            .iter()
            .map(|h| HeldView {
                account: account_text(h.account),
                bank: bank_of(h.account),
                amount_cents: h.amount,
                depth: h.depth,
                since: time_of(h.since),
            })
            .collect(),
        beyond_depth_cents: traced.beyond_depth,
        untimed_payments: untimed,
        freeze_requests,
    })
}

fn case_requests(store: &dyn Store, case_id: i64) -> Result<Vec<FreezeView>, AppError> {
    let mut out = Vec::new();
    instances::for_each(store, requests(Some(case_id), None), |record| {
        out.push(view(record)?);
        Ok(())
    })?;
    Ok(out)
}

/// Every freeze request, of one case or one bank.
fn requests(case_id: Option<i64>, org: Option<String>) -> WorkflowFilter {
    WorkflowFilter {
        kind: WorkflowKind::Freeze,
        case_id,
        territory_prefix: None,
        org,
        status: None,
        after: 0,
        limit: 500,
    }
}

/// What a pass of requests did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestReport {
    pub created: Vec<i64>,
    /// Accounts that already had a request for the case.
    pub existing: usize,
}

/// Traces a case (first in, first out, the configured depth) and asks each bank holding the
/// victim's money to stop it: one request per account. Requests already made for the case are
/// kept, so a later pass adds only accounts the money reached since. Audited per request.
pub fn request_freezes(
    store: &dyn Store,
    records: &dyn ContactIndex,
    settings: &FundsSettings,
    principal: &Principal,
    case_id: i64,
    now: OffsetDateTime,
) -> Result<RequestReport, AppError> {
    require(principal, &INVESTIGATORS, "request freezes")?;
    let case = read_case(store, principal, case_id)?;
    request_for_case(store, records, settings, &principal.actor(), &case, now)
}

/// [`request_freezes`] for a case just filed, on the filing's authority.
pub(crate) fn request_for_case(
    store: &dyn Store,
    records: &dyn ContactIndex,
    settings: &FundsSettings,
    actor: &str,
    case: &CaseRecord,
    now: OffsetDateTime,
) -> Result<RequestReport, AppError> {
    let (traced, _) = trace_of(records, case, Rule::Fifo, settings.depth, now)?;
    let mut report = RequestReport::default();
    for held in traced
        .held
        .iter()
        .filter(|h| h.amount >= settings.min_request_cents)
    {
        let account = account_text(held.account);
        let bank = bank_of(held.account);
        let draft = FreezeDraft {
            id: format!("freeze:{}:{account}", case.id),
            case: case.id.to_string(),
            account: account.clone(),
            bank: bank.clone(),
            amount: held.amount as u64,
            reason: format!(
                "case {} ({}): {:.2} {} of the victim's money traced to this account, {} hop{} \
                 from the victim",
                case.id,
                case.fraud_type,
                held.amount as f64 / 100.0,
                case.currency,
                held.depth,
                if held.depth == 1 { "" } else { "s" }
            ),
            appeal: None,
            prior_stop_payments: prior_stop_payments(store, &bank, &account)?,
        };
        let request = FreezeRequest::new(draft, &settings.limits, now).map_err(workflow_error)?;
        let workflow = NewWorkflow {
            kind: WorkflowKind::Freeze,
            fingerprint: request.id.clone(),
            case_id: Some(case.id),
            subject: account.clone(),
            territory: case.territory.clone(),
            org: Some(bank.clone()),
            tier: None,
            status: request.status.code().to_owned(),
            due_at: request.due(),
            state: instances::to_json(&request)?,
        };
        let (record, created) = store.insert_workflow(&workflow, now)?;
        if !created {
            report.existing += 1;
            continue;
        }
        report.created.push(record.id);
        store.append_audit(&fraudwall_store::AuditEvent {
            actor: actor.to_owned(),
            action: "freeze.request".to_owned(),
            resource: format!("freeze:{}", record.id),
            detail: serde_json::json!({
                "case": case.id, "account": account, "bank": bank, "amount_cents": held.amount,
                "depth": held.depth,
            })
            .to_string(),
        })?;
    }
    metrics::counter!("fraudwall_freeze_requests_total").increment(report.created.len() as u64);
    Ok(report)
}

/// The actor a re-trace's requests and audit events are recorded under.
pub const RETRACE_ACTOR: &str = "system:retrace";

/// Where a re-trace pass starts reading freeze requests: every request before it is older than
/// the window. Requests are numbered as they are made, so the cursor only moves forward and a
/// pass reads the window's requests, not every request ever made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetraceCursor {
    after: i64,
}

/// What a re-trace pass did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RetraceReport {
    /// Cases traced again.
    pub cases: usize,
    /// Requests made for accounts the money reached since the case's last pass.
    pub created: Vec<i64>,
    /// Cases whose trace or requests failed; the next pass tries them again.
    pub failed: usize,
    /// Whether the pass stopped early because `stop` said so.
    pub interrupted: bool,
}

/// Traces again, at `now`, every case still being chased (a freeze request made for it within
/// [`FundsSettings::retrace_window_s`], the case neither solved nor closed), and asks the banks for the
/// accounts its money reached since: money keeps moving after a case is filed, and banks'
/// transfer records arrive after it moved. Requests already made are kept, so a pass adds only
/// new accounts. The `freezes-retrace` job runs it; `stop` is asked between cases.
pub fn retrace_active(
    store: &dyn Store,
    records: &dyn ContactIndex,
    settings: &FundsSettings,
    cursor: &mut RetraceCursor,
    now: OffsetDateTime,
    stop: impl Fn() -> bool,
) -> Result<RetraceReport, AppError> {
    let since = now - time::Duration::seconds(settings.retrace_window_s);
    let mut chased = std::collections::BTreeSet::new();
    let mut floor = cursor.after;
    let mut in_window = false;
    let mut filter = requests(None, None);
    filter.after = cursor.after;
    instances::for_each(store, filter, |record| {
        if record.created_at < since {
            if !in_window {
                floor = record.id;
            }
            return Ok(());
        }
        in_window = true;
        chased.extend(record.workflow.case_id);
        Ok(())
    })?;
    cursor.after = floor;
    let ids: Vec<i64> = chased.into_iter().collect();
    let mut report = RetraceReport::default();
    for case in store.cases(&ids)? {
        if stop() {
            report.interrupted = true;
            break;
        }
        if matches!(case.progress.status.as_str(), "solved" | "closed") {
            continue;
        }
        report.cases += 1;
        // one case that cannot be traced does not hold up the others
        match request_for_case(store, records, settings, RETRACE_ACTOR, &case, now) {
            Ok(pass) => report.created.extend(pass.created),
            Err(err) => {
                report.failed += 1;
                tracing::warn!(case = case.id, error = %err, "re-trace failed");
            }
        }
    }
    metrics::counter!("fraudwall_freeze_retrace_requests_total")
        .increment(report.created.len() as u64);
    Ok(report)
}

/// Stop-payments the account had in its bank's other requests: the limit is per account.
fn prior_stop_payments(store: &dyn Store, bank: &str, account: &str) -> Result<u8, AppError> {
    let mut count = 0u8;
    instances::for_each(store, requests(None, Some(bank.to_owned())), |record| {
        if record.workflow.subject == account {
            count = count.saturating_add(view(record)?.request.stop_payments);
        }
        Ok(())
    })?;
    Ok(count)
}

fn workflow_error(err: WorkflowError) -> AppError {
    AppError::new(ErrorKind::Workflow(err.code()), err.to_string())
}

fn view(record: WorkflowRecord) -> Result<FreezeView, AppError> {
    let request: FreezeRequest = instances::state_of(&record, "freeze request")?;
    Ok(FreezeView {
        id: record.id,
        case_id: record.workflow.case_id,
        version: record.version,
        restriction: request.restriction(),
        request,
    })
}

/// Roles that see freeze requests: the banks their own, the stations their territory's.
const FREEZE_READERS: [Role; 4] = [Role::Admin, Role::Analyst, Role::Station, Role::Bank];

fn owner(record: &WorkflowRecord) -> Owner<'_> {
    Owner {
        territory: record.workflow.territory.as_deref(),
        org: record.workflow.org.as_deref(),
    }
}

/// One request, if the caller's scope covers it; outside it the request does not exist for it.
fn scoped(store: &dyn Store, principal: &Principal, id: i64) -> Result<WorkflowRecord, AppError> {
    require(principal, &FREEZE_READERS, "read freeze requests")?;
    let missing = || AppError::new(ErrorKind::NotFound, format!("no freeze request {id}"));
    let record = store
        .workflow(id)?
        .filter(|r| r.workflow.kind == WorkflowKind::Freeze)
        .ok_or_else(missing)?;
    if !principal.scope().covers(owner(&record)) {
        return Err(missing());
    }
    Ok(record)
}

/// Which requests to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FreezeQuery {
    pub case_id: Option<i64>,
    /// `open`, or one status.
    pub status: Option<String>,
    pub after: i64,
    pub limit: usize,
}

const STATUSES: [&str; 8] = [
    "open",
    "requested",
    "acknowledged",
    "frozen",
    "released",
    "returned_to_victim",
    "rejected",
    "expired",
];

/// The store filter that holds a caller to its scope; none when the scope holds nothing.
fn scope_filter(principal: &Principal) -> Option<(Option<String>, Option<String>)> {
    match principal.scope() {
        Scope::Everything => Some((None, None)),
        Scope::Territory("") | Scope::Org("") => None,
        Scope::Territory(code) => Some((Some(division_prefix(code).to_owned()), None)),
        Scope::Org(org) => Some((None, Some(org.to_owned()))),
    }
}

/// Lists the requests in the caller's scope: a bank's own, a station's territory's. Audited.
pub fn list(
    store: &dyn Store,
    principal: &Principal,
    query: &FreezeQuery,
) -> Result<Vec<FreezeView>, AppError> {
    require(principal, &FREEZE_READERS, "read freeze requests")?;
    if let Some(status) = &query.status
        && !STATUSES.contains(&status.as_str())
    {
        return Err(AppError::new(
            ErrorKind::Invalid,
            format!("status {status:?}: one of {}", STATUSES.join(", ")),
        ));
    }
    let Some((territory_prefix, org)) = scope_filter(principal) else {
        return Ok(Vec::new());
    };
    let records = store.workflows(&WorkflowFilter {
        kind: WorkflowKind::Freeze,
        case_id: query.case_id,
        territory_prefix,
        org,
        status: query.status.clone(),
        after: query.after,
        limit: query.limit.clamp(1, 1_000),
    })?;
    let views = records
        .into_iter()
        .map(view)
        .collect::<Result<Vec<_>, _>>()?;
    audit::record(
        store,
        principal,
        "freeze.read",
        &match query.case_id {
            Some(case) => format!("case:{case}"),
            None => "freeze_requests".to_owned(),
        },
        serde_json::json!({
            "status": query.status, "count": views.len(),
            "requests": views.iter().map(|v| v.id).collect::<Vec<_>>(),
        }),
    )?;
    Ok(views)
}

/// One request in the caller's scope. Audited.
pub fn get(store: &dyn Store, principal: &Principal, id: i64) -> Result<FreezeView, AppError> {
    let record = scoped(store, principal, id)?;
    audit::record(
        store,
        principal,
        "freeze.read",
        &format!("freeze:{id}"),
        serde_json::json!({}),
    )?;
    view(record)
}

/// What a bank or an investigator does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FreezeAction {
    /// The bank has the request.
    Acknowledge,
    /// The bank stops payment out of the account for the legal hours.
    StopPayment,
    /// The bank freezes an amount (all, or what the account still holds).
    Freeze,
    /// The bank refuses, with its reason.
    Reject,
    /// The bank released funds found unrelated.
    ReleaseUnrelated,
    /// The bank paid the frozen money back to the victim.
    Returned,
    /// Investigators extend a freeze before it lapses.
    Renew,
    /// Investigators find part of the frozen money unrelated to the case.
    MarkUnrelated,
    /// Investigators order the return of the frozen money to the victim.
    OrderReturn,
    /// Investigators lift the restriction, with the reason.
    Release,
    /// The holder's appeal was upheld: the restriction is lifted at once.
    AppealUpheld,
}

impl FreezeAction {
    pub const ALL: [FreezeAction; 11] = [
        FreezeAction::Acknowledge,
        FreezeAction::StopPayment,
        FreezeAction::Freeze,
        FreezeAction::Reject,
        FreezeAction::ReleaseUnrelated,
        FreezeAction::Returned,
        FreezeAction::Renew,
        FreezeAction::MarkUnrelated,
        FreezeAction::OrderReturn,
        FreezeAction::Release,
        FreezeAction::AppealUpheld,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FreezeAction::Acknowledge => "acknowledge",
            FreezeAction::StopPayment => "stop_payment",
            FreezeAction::Freeze => "freeze",
            FreezeAction::Reject => "reject",
            FreezeAction::ReleaseUnrelated => "release_unrelated",
            FreezeAction::Returned => "returned",
            FreezeAction::Renew => "renew",
            FreezeAction::MarkUnrelated => "mark_unrelated",
            FreezeAction::OrderReturn => "order_return",
            FreezeAction::Release => "release",
            FreezeAction::AppealUpheld => "appeal_upheld",
        }
    }

    pub fn parse(name: &str) -> Option<FreezeAction> {
        FreezeAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The bank acts on the account; investigators act on the case.
    fn by_bank(self) -> bool {
        matches!(
            self,
            FreezeAction::Acknowledge
                | FreezeAction::StopPayment
                | FreezeAction::Freeze
                | FreezeAction::Reject
                | FreezeAction::ReleaseUnrelated
                | FreezeAction::Returned
        )
    }
}

/// An action's details.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionDraft {
    /// Fen: what is frozen, or found unrelated.
    pub amount_cents: Option<u64>,
    /// Why it was rejected or released.
    pub reason: Option<String>,
    /// The version the caller read, if a change made since should be refused.
    pub version: Option<i64>,
}

/// Applies an action to a request. Banks act on their own accounts; the centre and the
/// stations whose territory holds the case act on the case's side; administrators on both.
/// Audited.
pub fn act(
    store: &dyn Store,
    settings: &FundsSettings,
    principal: &Principal,
    id: i64,
    action: FreezeAction,
    draft: &ActionDraft,
    now: OffsetDateTime,
) -> Result<FreezeView, AppError> {
    let record = scoped(store, principal, id)?;
    let allowed: &[Role] = if action.by_bank() {
        &[Role::Admin, Role::Bank]
    } else {
        &INVESTIGATORS
    };
    require(principal, allowed, action.as_str())?;
    if draft.version.is_some_and(|v| v != record.version) {
        return Err(AppError::new(
            ErrorKind::Conflict,
            format!("freeze request {id} is at version {}", record.version),
        ));
    }
    let mut request = view(record.clone())?.request;
    let by = principal.actor();
    let limits = &settings.limits;
    let amount = || {
        draft.amount_cents.ok_or_else(|| {
            AppError::new(
                ErrorKind::Invalid,
                format!("{} needs an amount", action.as_str()),
            )
        })
    };
    let reason = draft.reason.as_deref().unwrap_or("");
    match action {
        FreezeAction::Acknowledge => request.acknowledge(&by, now).map(drop),
        FreezeAction::StopPayment => request.stop_payment(&by, now, limits).map(drop),
        FreezeAction::Freeze => {
            let amount = draft.amount_cents.unwrap_or(request.amount_requested);
            request.freeze(amount, &by, now, limits).map(drop)
        }
        FreezeAction::Reject => request.reject(reason, &by, now),
        FreezeAction::ReleaseUnrelated => request.release_unrelated(&by, now),
        FreezeAction::Returned => request.returned(&by, now),
        FreezeAction::Renew => request.renew(&by, now, limits).map(drop),
        FreezeAction::MarkUnrelated => request
            .mark_unrelated(amount()?, &by, now, limits)
            .map(drop),
        FreezeAction::OrderReturn => request.order_return(&by, now, limits).map(drop),
        FreezeAction::Release => request.release(reason, &by, now),
        FreezeAction::AppealUpheld => request.appeal_upheld(&by, now),
    }
    .map_err(workflow_error)?;
    let saved = save(store, &record, &request, now)?;
    audit::record(
        store,
        principal,
        &format!("freeze.{}", action.as_str()),
        &format!("freeze:{id}"),
        serde_json::json!({
            "status": request.status.code(), "amount_cents": draft.amount_cents,
            "reason": draft.reason,
        }),
    )?;
    Ok(saved)
}

fn save(
    store: &dyn Store,
    record: &WorkflowRecord,
    request: &FreezeRequest,
    now: OffsetDateTime,
) -> Result<FreezeView, AppError> {
    let update = WorkflowUpdate {
        status: request.status.code().to_owned(),
        due_at: request.due(),
        state: instances::to_json(request)?,
    };
    view(instances::save(
        store,
        record,
        &update,
        "freeze request",
        now,
    )?)
}

/// What a pass over due requests did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TickReport {
    pub requests: usize,
    /// Deadlines missed: acknowledgements, releases and refunds overdue.
    pub escalations: usize,
    /// Stop-payments and freezes that lapsed.
    pub expired: usize,
    pub conflicts: usize,
}

/// Raises every deadline passed by `now`: an overdue acknowledgement, release or refund is
/// escalated (audited as `freeze.escalate`, logged for the duty officer), and a stop-payment or
/// freeze that ran out expires the request.
pub fn tick_due(store: &dyn Store, now: OffsetDateTime) -> Result<TickReport, AppError> {
    let mut report = TickReport::default();
    loop {
        let due = store.due_workflows(WorkflowKind::Freeze, now, 500)?;
        let batch = due.len();
        let mut progressed = 0;
        for record in due {
            let mut request = view(record.clone())?.request;
            let alerts = request.tick(now);
            if alerts.is_empty() {
                continue;
            }
            match save(store, &record, &request, now) {
                Ok(_) => {}
                Err(err) if err.kind == ErrorKind::Conflict => {
                    report.conflicts += 1;
                    continue;
                }
                Err(err) => return Err(err),
            }
            progressed += 1;
            report.requests += 1;
            for alert in &alerts {
                let lapsed = matches!(
                    alert,
                    FreezeAlert::StopPaymentLapsed { .. } | FreezeAlert::FreezeLapsed { .. }
                );
                if lapsed {
                    report.expired += 1;
                } else {
                    report.escalations += 1;
                }
                tracing::warn!(
                    request = record.id,
                    bank = record.workflow.org.as_deref().unwrap_or(UNKNOWN_BANK),
                    alert = ?alert,
                    "freeze request deadline passed"
                );
                store.append_audit(&fraudwall_store::AuditEvent {
                    actor: "job:freezes".to_owned(),
                    action: if lapsed {
                        "freeze.expire"
                    } else {
                        "freeze.escalate"
                    }
                    .to_owned(),
                    resource: format!("freeze:{}", record.id),
                    detail: serde_json::to_value(alert).unwrap_or_default().to_string(),
                })?;
            }
        }
        if batch < 500 || progressed == 0 {
            break;
        }
    }
    metrics::counter!("fraudwall_freeze_escalations_total").increment(report.escalations as u64);
    metrics::counter!("fraudwall_freeze_expired_total").increment(report.expired as u64);
    Ok(report)
}

/// Money in requests for one bank, territory and day (UTC+8 by default, the limits' offset).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FundsStat {
    pub bank: String,
    pub territory: Option<String>,
    /// The day the requests were made, `YYYY-MM-DD`.
    pub day: String,
    pub requests: u64,
    pub requested_cents: u64,
    /// Under an emergency stop-payment now.
    pub held_cents: u64,
    /// Frozen now.
    pub frozen_cents: u64,
    pub returned_cents: u64,
    pub released_cents: u64,
    pub rejected: u64,
    pub expired: u64,
}

/// Money requested, held, frozen and returned, by bank, territory and day, over the requests in
/// the caller's scope.
pub fn stats(
    store: &dyn Store,
    settings: &FundsSettings,
    principal: &Principal,
) -> Result<Vec<FundsStat>, AppError> {
    require(principal, &FREEZE_READERS, "read fund statistics")?;
    let Some((territory_prefix, org)) = scope_filter(principal) else {
        return Ok(Vec::new());
    };
    let offset =
        time::UtcOffset::from_whole_seconds(i32::from(settings.limits.utc_offset_minutes) * 60)
            .unwrap_or(time::UtcOffset::UTC);
    let mut groups: std::collections::BTreeMap<(String, Option<String>, String), FundsStat> =
        std::collections::BTreeMap::new();
    let filter = WorkflowFilter {
        territory_prefix,
        org,
        limit: 1_000,
        ..requests(None, None)
    };
    instances::for_each(store, filter, |record| {
        let territory = record.workflow.territory.clone();
        let request = view(record)?.request;
        let day = request.created_at.to_offset(offset).date().to_string();
        let key = (request.bank.clone(), territory, day);
        let stat = groups.entry(key.clone()).or_insert_with(|| FundsStat {
            bank: key.0.clone(),
            territory: key.1.clone(),
            day: key.2.clone(),
            ..FundsStat::default()
        });
        stat.requests += 1;
        stat.requested_cents += request.amount_requested;
        if let Some(restriction) = request.restriction() {
            if restriction.kind == "freeze" {
                stat.frozen_cents += restriction.amount;
            } else {
                stat.held_cents += restriction.amount;
            }
        }
        match request.status {
            FreezeStatus::ReturnedToVictim => {
                stat.returned_cents += request.frozen_amount - request.unrelated_amount;
            }
            FreezeStatus::Released => stat.released_cents += request.frozen_amount,
            FreezeStatus::Rejected => stat.rejected += 1,
            FreezeStatus::Expired => stat.expired += 1,
            _ => {}
        }
        Ok(())
    })?;
    audit::record(
        store,
        principal,
        "freeze.stats",
        "freeze_requests",
        serde_json::json!({"groups": groups.len()}),
    )?;
    Ok(groups.into_values().collect())
}

#[cfg(test)]
mod tests {
    use fraudwall_ids::phone::{PhoneNormalizer, Region};
    use fraudwall_lists::snapshot::Snapshot;
    use fraudwall_records::{Kind, MemoryIndex, Record};
    use fraudwall_store::{AuditStore, CaseStore, SqliteStore, WorkflowStore};
    use time::Duration;

    use super::*;
    use crate::cases::{CaseDraft, CaseLinks, PaymentDraft};

    /// A 19-digit card of the bank whose BIN starts it.
    fn card(bin: &str, serial: u64) -> String {
        fraudwall_ids::account::with_check_digit(&format!("{bin}{serial:012}")).unwrap()
    }

    fn principal(role: Role, org: Option<&str>, territory: Option<&str>) -> Principal {
        Principal {
            token_id: Some(9),
            name: format!("{role:?}"),
            role,
            org: org.map(str::to_owned),
            territory: territory.map(str::to_owned),
        }
    }

    struct Chain {
        store: SqliteStore,
        index: MemoryIndex,
        case_id: i64,
        victim: String,
        m1: String,
        m2: String,
        m3: String,
        m4: String,
        now: OffsetDateTime,
        _dir: tempfile::TempDir,
    }

    fn key(account: &str) -> u64 {
        Account::parse(account).unwrap().key()
    }

    /// victim → M1 → (M2, M3) → M4, with an earlier unrelated transfer into M2 and an older
    /// one out of M4; M1 and M2 are ICBC's, M3 CCB's, M4 ABC's.
    fn chain() -> Chain {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let index = MemoryIndex::new();
        let now = OffsetDateTime::now_utc();
        let t0 = now - Duration::hours(3);
        let victim = card("436742", 1);
        let m1 = card("622202", 11);
        let m2 = card("622202", 12);
        let m3 = card("621700", 13);
        let m4 = card("621282", 14);
        let stranger = card("621700", 99);
        let older = card("621282", 98);
        let at = |minutes: i64| (t0 + Duration::minutes(minutes)).unix_timestamp();
        let transfer = |from: &str, to: &str, yuan: u64, time: i64| Record {
            a: key(from),
            time,
            b: key(to),
            kind: Kind::Transfer,
            value: yuan * 100,
        };
        index
            .append(&[
                transfer(&stranger, &m2, 3_000, at(-60)),
                transfer(&m4, &older, 2_000, at(-30)),
                transfer(&victim, &m1, 10_000, at(0)),
                transfer(&m1, &m2, 6_000, at(10)),
                transfer(&m1, &m3, 4_000, at(12)),
                transfer(&m2, &m4, 5_000, at(20)),
                transfer(&m3, &m4, 4_000, at(25)),
            ])
            .unwrap();
        let links = CaseLinks::load(&store).unwrap();
        let draft = CaseDraft {
            fraud_type: "impersonate_police_government".into(),
            reported_at: (t0 + Duration::hours(1)).format(&Rfc3339).unwrap(),
            victim_phone: "+8613800000001".into(),
            territory: Some("350102".into()),
            loss_amount: 10_000.0,
            loss_currency: "CNY".into(),
            contacts: Vec::new(),
            payments: vec![PaymentDraft {
                to_account: m1.clone(),
                amount: 10_000.0,
                currency: "CNY".into(),
                time: Some((t0).format(&Rfc3339).unwrap()),
            }],
        };
        let analyst = principal(Role::Analyst, None, None);
        let (case_id, _) = crate::cases::file(
            &store,
            &links,
            &PhoneNormalizer::new(Region::CN),
            &Snapshot::empty(),
            &analyst,
            &draft,
        )
        .unwrap();
        Chain {
            store,
            index,
            case_id,
            victim,
            m1,
            m2,
            m3,
            m4,
            now,
            _dir: dir,
        }
    }

    #[test]
    fn the_trace_follows_only_the_victims_money_and_the_banks_are_asked_for_what_is_left() {
        let c = chain();
        let settings = FundsSettings::default();
        let analyst = principal(Role::Analyst, None, None);
        let report =
            request_freezes(&c.store, &c.index, &settings, &analyst, c.case_id, c.now).unwrap();
        assert_eq!(report.created.len(), 2);
        let view = trace_case(
            &c.store,
            &c.index,
            &settings,
            &analyst,
            c.case_id,
            TraceQuery::default(),
            c.now,
        )
        .unwrap();
        let hops: Vec<(Option<&str>, &str, i64, u8)> = view
            .hops
            .iter()
            .map(|h| {
                (
                    h.from_account.as_deref(),
                    h.to_account.as_str(),
                    h.amount_cents,
                    h.depth,
                )
            })
            .collect();
        // first in, first out: the stranger's 3,000 left M2 first, so 2,000 of the victim's
        // went on to M4 and 4,000 stayed
        assert_eq!(
            hops,
            vec![
                // the bank's record of the victim's payment names the victim's account
                (Some(c.victim.as_str()), c.m1.as_str(), 1_000_000, 1),
                (Some(c.m1.as_str()), c.m2.as_str(), 600_000, 2),
                (Some(c.m1.as_str()), c.m3.as_str(), 400_000, 2),
                (Some(c.m2.as_str()), c.m4.as_str(), 200_000, 3),
                (Some(c.m3.as_str()), c.m4.as_str(), 400_000, 3),
            ]
        );
        assert!(view.hops.iter().all(|h| h.recorded));
        let held: Vec<(&str, &str, i64)> = view
            .held
            .iter()
            .map(|h| (h.account.as_str(), h.bank.as_str(), h.amount_cents))
            .collect();
        assert_eq!(
            held,
            vec![
                (c.m4.as_str(), "ABC", 600_000),
                (c.m2.as_str(), "ICBC", 400_000)
            ]
        );
        let mut requested: Vec<(&str, &str, u64)> = view
            .freeze_requests
            .iter()
            .map(|f| {
                (
                    f.request.account.as_str(),
                    f.request.bank.as_str(),
                    f.request.amount_requested,
                )
            })
            .collect();
        requested.sort();
        let mut expected = vec![
            (c.m2.as_str(), "ICBC", 400_000),
            (c.m4.as_str(), "ABC", 600_000),
        ];
        expected.sort();
        assert_eq!(requested, expected);
        assert!(view.freeze_requests.iter().all(|f| {
            f.request.status == FreezeStatus::Requested && f.request.reason.contains("hops")
        }));
        // asking again makes nothing twice
        let again =
            request_freezes(&c.store, &c.index, &settings, &analyst, c.case_id, c.now).unwrap();
        assert_eq!((again.created.len(), again.existing), (0, 2));
        // the haircut spreads M2's outgoing 5,000 over its 9,000: more reaches M4
        let haircut = trace_case(
            &c.store,
            &c.index,
            &settings,
            &analyst,
            c.case_id,
            TraceQuery {
                rule: Some(Rule::Proportional),
                depth: None,
            },
            c.now,
        )
        .unwrap();
        let m2_to_m4 = haircut
            .hops
            .iter()
            .find(|h| h.to_account == c.m4 && h.from_account.as_deref() == Some(c.m2.as_str()))
            .unwrap();
        assert_eq!(m2_to_m4.amount_cents, 333_333);
        assert!(c.m1 != c.m3);
    }

    #[test]
    fn a_retrace_asks_for_the_accounts_the_money_reached_after_the_filing() {
        let c = chain();
        let settings = FundsSettings::default();
        let analyst = principal(Role::Analyst, None, None);
        let filed =
            request_freezes(&c.store, &c.index, &settings, &analyst, c.case_id, c.now).unwrap();
        assert_eq!(filed.created.len(), 2);
        // a case whose stored report cannot be read, with a request of its own, fails alone
        let (broken, _) = c
            .store
            .insert_case(
                &fraudwall_store::NewCase {
                    fingerprint: "broken".into(),
                    fraud_type: "other".into(),
                    reported_at: c.now,
                    victim_phone: "+8613800000002".into(),
                    victim_key: 2,
                    territory: Some("350102".into()),
                    loss_cents: 100,
                    currency: "CNY".into(),
                    report: "not a report".into(),
                    filed_by: "analyst".into(),
                    org: None,
                    identifiers: Vec::new(),
                },
                c.now,
            )
            .unwrap();
        c.store
            .insert_workflow(
                &NewWorkflow {
                    kind: WorkflowKind::Freeze,
                    fingerprint: format!("freeze:{}:x", broken.id),
                    case_id: Some(broken.id),
                    subject: c.m1.clone(),
                    territory: Some("350102".into()),
                    org: Some("ICBC".into()),
                    tier: None,
                    status: "requested".into(),
                    due_at: None,
                    state: "{}".into(),
                },
                c.now,
            )
            .unwrap();
        let mut cursor = RetraceCursor::default();
        let quiet =
            retrace_active(&c.store, &c.index, &settings, &mut cursor, c.now, || false).unwrap();
        assert_eq!((quiet.cases, quiet.created.len(), quiet.failed), (2, 0, 1));
        // the bank's record of M4 paying a fifth account on arrives after the filing
        let m5 = card("621700", 15);
        let t = (c.now - Duration::minutes(30)).unix_timestamp();
        c.index
            .append(&[Record {
                a: key(&c.m4),
                time: t,
                b: key(&m5),
                kind: Kind::Transfer,
                value: 300_000,
            }])
            .unwrap();
        let later = c.now + Duration::minutes(5);
        let pass =
            retrace_active(&c.store, &c.index, &settings, &mut cursor, later, || false).unwrap();
        assert_eq!((pass.cases, pass.created.len(), pass.failed), (2, 1, 1));
        let made = c.store.workflow(pass.created[0]).unwrap().unwrap();
        assert_eq!(made.workflow.subject, m5);
        assert_eq!(made.workflow.org.as_deref(), Some("CCB"));
        let audit = c.store.audit_entries(0, 200).unwrap();
        assert!(audit.iter().any(|e| e.actor == RETRACE_ACTOR
            && e.action == "freeze.request"
            && e.resource == format!("freeze:{}", pass.created[0])));
        // nothing is asked twice
        let again =
            retrace_active(&c.store, &c.index, &settings, &mut cursor, later, || false).unwrap();
        assert_eq!((again.cases, again.created.len()), (2, 0));
        // a stop asked for leaves the cases for the next pass
        let stopped =
            retrace_active(&c.store, &c.index, &settings, &mut cursor, later, || true).unwrap();
        assert!(stopped.interrupted);
        assert_eq!(stopped.cases, 0);
        // a closed case is no longer chased
        let case = c.store.case(c.case_id).unwrap().unwrap();
        let progress = fraudwall_store::CaseProgress {
            status: "closed".into(),
            ..case.progress.clone()
        };
        c.store
            .update_case(c.case_id, case.version, &progress, "analyst", later)
            .unwrap()
            .unwrap();
        let closed =
            retrace_active(&c.store, &c.index, &settings, &mut cursor, later, || false).unwrap();
        assert_eq!((closed.cases, closed.failed), (1, 1));
        // past the window the requests are old and the cursor moves past them
        let old = later + Duration::seconds(settings.retrace_window_s + 60);
        let cold =
            retrace_active(&c.store, &c.index, &settings, &mut cursor, old, || false).unwrap();
        assert_eq!(cold.cases, 0);
        assert_eq!(cursor.after, pass.created[0]);
    }

    #[test]
    fn a_bank_sees_and_acts_on_its_own_requests_only() {
        let c = chain();
        let settings = FundsSettings::default();
        let analyst = principal(Role::Analyst, None, None);
        request_freezes(&c.store, &c.index, &settings, &analyst, c.case_id, c.now).unwrap();
        let icbc = principal(Role::Bank, Some("ICBC"), None);
        let abc = principal(Role::Bank, Some("ABC"), None);
        let ccb = principal(Role::Bank, Some("CCB"), None);
        let all = FreezeQuery {
            limit: 100,
            ..FreezeQuery::default()
        };
        let own = list(&c.store, &icbc, &all).unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].request.account, c.m2);
        assert!(list(&c.store, &ccb, &all).unwrap().is_empty());
        let theirs = list(&c.store, &abc, &all).unwrap()[0].id;
        // another bank's request does not exist for it, to read or to act on
        assert_eq!(
            get(&c.store, &icbc, theirs).unwrap_err().kind,
            ErrorKind::NotFound
        );
        let none = ActionDraft::default();
        let err = act(
            &c.store,
            &settings,
            &icbc,
            theirs,
            FreezeAction::Freeze,
            &none,
            c.now,
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
        // the bank cannot take the investigators' side, nor a station the bank's
        let err = act(
            &c.store,
            &settings,
            &abc,
            theirs,
            FreezeAction::Release,
            &none,
            c.now,
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::ForbiddenRole);
        let station = principal(Role::Station, None, Some("350102"));
        let err = act(
            &c.store,
            &settings,
            &station,
            theirs,
            FreezeAction::Freeze,
            &none,
            c.now,
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::ForbiddenRole);
        // a station elsewhere sees none of this case's requests
        let elsewhere = principal(Role::Station, None, Some("350203"));
        assert!(list(&c.store, &elsewhere, &all).unwrap().is_empty());
        assert_eq!(list(&c.store, &station, &all).unwrap().len(), 2);
        // the bank freezes part of it; the restriction states its reason and the appeal
        let part = ActionDraft {
            amount_cents: Some(500_000),
            ..ActionDraft::default()
        };
        let frozen = act(
            &c.store,
            &settings,
            &abc,
            theirs,
            FreezeAction::Freeze,
            &part,
            c.now,
        )
        .unwrap();
        assert_eq!(frozen.request.status, FreezeStatus::Frozen);
        assert!(frozen.request.partial);
        let restriction = frozen.restriction.unwrap();
        assert_eq!((restriction.kind, restriction.amount), ("freeze", 500_000));
        assert!(restriction.appeal.contains("art. 32"));
        // an upheld appeal lifts it at once
        let lifted = act(
            &c.store,
            &settings,
            &station,
            theirs,
            FreezeAction::AppealUpheld,
            &none,
            c.now,
        )
        .unwrap();
        assert_eq!(lifted.request.status, FreezeStatus::Released);
        assert!(lifted.restriction.is_none());
        let stats = stats(&c.store, &settings, &abc).unwrap();
        assert_eq!(stats.len(), 1);
        assert_eq!((stats[0].bank.as_str(), stats[0].requests), ("ABC", 1));
        let audit = c.store.audit_entries(0, 200).unwrap();
        for action in [
            "freeze.request",
            "freeze.freeze",
            "freeze.appeal_upheld",
            "freeze.read",
        ] {
            assert!(audit.iter().any(|e| e.action == action), "{action}");
        }
    }

    #[test]
    fn a_missed_deadline_escalates_and_a_lapsed_stop_payment_expires() {
        let c = chain();
        let settings = FundsSettings::default();
        let analyst = principal(Role::Analyst, None, None);
        request_freezes(&c.store, &c.index, &settings, &analyst, c.case_id, c.now).unwrap();
        let icbc = principal(Role::Bank, Some("ICBC"), None);
        let all = FreezeQuery {
            limit: 100,
            ..FreezeQuery::default()
        };
        let own = list(&c.store, &icbc, &all).unwrap()[0].id;
        let stop = act(
            &c.store,
            &settings,
            &icbc,
            own,
            FreezeAction::StopPayment,
            &ActionDraft::default(),
            c.now,
        )
        .unwrap();
        assert_eq!(stop.restriction.unwrap().kind, "stop_payment");
        // nothing is due within the half hour the banks have to acknowledge
        let early = tick_due(&c.store, c.now + Duration::minutes(29)).unwrap();
        assert_eq!(early.escalations, 0);
        // ABC never answered: its request escalates, once
        let late = tick_due(&c.store, c.now + Duration::minutes(31)).unwrap();
        assert_eq!((late.requests, late.escalations, late.expired), (1, 1, 0));
        let again = tick_due(&c.store, c.now + Duration::minutes(32)).unwrap();
        assert_eq!(again.escalations, 0);
        // ICBC stopped payment but never froze: after 48 hours the stop lapses
        let lapsed = tick_due(&c.store, c.now + Duration::hours(49)).unwrap();
        assert_eq!(lapsed.expired, 1);
        assert_eq!(
            get(&c.store, &icbc, own).unwrap().request.status,
            FreezeStatus::Expired
        );
        let audit = c.store.audit_entries(0, 200).unwrap();
        assert!(audit.iter().any(|e| e.action == "freeze.escalate"));
        assert!(audit.iter().any(|e| e.action == "freeze.expire"));
        assert!(!c.m1.is_empty());
    }
}
