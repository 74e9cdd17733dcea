//! Early warning: from the identifiers a case names, find everyone in contact with them in the
//! window (counter-inspection), score each contact into a tier, and run each warning on its
//! tier's ladder until a unit records how it ended.
//!
//! The state machine is `fraudwall-workflow`'s; this module finds the people, stores each
//! running warning as a workflow instance, scopes every read to the caller's territory, and
//! ticks the deadlines from a job. Every read of warnings (which name people) is audited.

use std::collections::{BTreeMap, HashMap, HashSet};

use fraudwall_ids::phone::E164;
use fraudwall_lists::entry::Kind;
use fraudwall_records::{ContactIndex, Direction, Kind as RecordKind};
use fraudwall_store::{
    NewWorkflow, Role, Store, WorkflowFilter, WorkflowKind, WorkflowRecord, WorkflowUpdate,
};
use fraudwall_workflow::{
    LadderConfig, Outcome, Reason, TierConfig, TierInputs, Units, Warning, WarningDraft,
    WorkflowError, assess,
};
use time::OffsetDateTime;

use crate::audit;
use crate::error::{AppError, ErrorKind};
use crate::instances;
use crate::principal::{Owner, Principal, Scope, division_prefix};

/// Who works warnings: the centre, and stations within their territory.
const WARNING_ROLES: [Role; 3] = [Role::Admin, Role::Analyst, Role::Station];

/// A contact this short is a ring that was not answered or a hang-up, not a conversation; it
/// still counts as a contact, so repeated attempts raise the tier.
const SHORT_CALL_S: u64 = 10;

/// How warnings are scored, laddered and placed.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningSettings {
    pub tiers: TierConfig,
    pub ladders: LadderConfig,
    /// How far back counter-inspection looks from the case's report, in seconds.
    pub window_s: i64,
    /// Where a number with no registry row is warned.
    pub default_territory: String,
}

impl Default for WarningSettings {
    fn default() -> WarningSettings {
        WarningSettings {
            tiers: TierConfig::default(),
            ladders: LadderConfig::default(),
            window_s: 30 * 86_400,
            default_territory: "000000".to_owned(),
        }
    }
}

/// A warning as callers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningView {
    pub id: i64,
    pub case_id: Option<i64>,
    pub version: i64,
    pub warning: Warning,
}

/// What counter-inspection of one case did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CounterReport {
    /// Identifiers of the case looked up in the records.
    pub identifiers: usize,
    /// People found in contact with them (the victim and the fraud identifiers left out).
    pub contacted: usize,
    /// Warnings started; a person already warned for this case is not warned twice.
    pub created: usize,
}

/// One person's contact with a case's fraud identifiers, summed.
#[derive(Debug, Default)]
struct Contact {
    inputs: TierInputs,
    first: i64,
}

impl Contact {
    fn seen(&mut self, time: i64) {
        if self.first == 0 || time < self.first {
            self.first = time;
        }
    }
}

/// Finds everyone in contact with a case's identifiers in the window before its report and
/// starts a warning for each. Run when a case is filed; running it again warns no one twice.
pub fn counter_inspect(
    store: &dyn Store,
    index: &dyn ContactIndex,
    settings: &WarningSettings,
    case_id: i64,
    now: OffsetDateTime,
) -> Result<CounterReport, AppError> {
    let case = store
        .case(case_id)?
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, format!("no case {case_id}")))?;
    let identifiers = store.case_identifiers(case_id)?;
    let flagged: HashSet<u64> = identifiers.iter().map(|i| i.key).collect();
    let reported = case.reported_at.unix_timestamp();
    let from = reported - settings.window_s;
    // records that arrive after the report still tell who is being worked on now
    let until = now.unix_timestamp().max(reported) + 1;
    let mut contacts: HashMap<u64, Contact> = HashMap::new();
    let mut paying_accounts: HashMap<u64, (u32, u64, i64)> = HashMap::new();
    let mut report = CounterReport::default();
    let mut looked_up = HashSet::new();
    for identifier in &identifiers {
        if !looked_up.insert((identifier.kind, identifier.key)) {
            continue;
        }
        let directions: &[Direction] = match identifier.kind {
            Kind::Number => &[Direction::Outgoing, Direction::Incoming],
            Kind::Url | Kind::App | Kind::Account => &[Direction::Incoming],
            _ => continue,
        };
        report.identifiers += 1;
        for &direction in directions {
            for record in index.contacts(identifier.key, direction, from, until)? {
                let other = match direction {
                    Direction::Outgoing => record.b,
                    Direction::Incoming => record.a,
                };
                if flagged.contains(&other) {
                    continue;
                }
                if record.kind == RecordKind::Transfer {
                    let paid = paying_accounts.entry(other).or_default();
                    paid.0 += 1;
                    paid.1 += record.value;
                    paid.2 = if paid.2 == 0 {
                        record.time
                    } else {
                        paid.2.min(record.time)
                    };
                    continue;
                }
                let contact = contacts.entry(other).or_default();
                contact.seen(record.time);
                contact.inputs.contacts += 1;
                if record.kind == RecordKind::Call && record.value >= SHORT_CALL_S {
                    let seconds = u32::try_from(record.value).unwrap_or(u32::MAX);
                    contact.inputs.total_seconds =
                        contact.inputs.total_seconds.saturating_add(seconds);
                    contact.inputs.longest_call_seconds =
                        contact.inputs.longest_call_seconds.max(seconds);
                }
            }
        }
    }
    // money sent to the case's accounts is the payer's, whose phone the bank registered
    if !paying_accounts.is_empty() {
        let keys: Vec<u64> = paying_accounts.keys().copied().collect();
        for card in store.cards_of(Kind::Account, &keys)? {
            let Some(holder) = card.holder.as_deref().and_then(|h| E164::parse(h).ok()) else {
                continue;
            };
            let Some(&(count, cents, first)) = paying_accounts.get(&card.key) else {
                continue;
            };
            let contact = contacts.entry(holder.key()).or_default();
            contact.seen(first);
            contact.inputs.transfers_to_flagged += count;
            contact.inputs.amount_to_flagged += cents;
        }
    }
    contacts.remove(&case.victim_key);
    // only subscribers are warned: a service number or a key that is not a phone has no one
    // to call
    let people: BTreeMap<u64, (E164, Contact)> = contacts
        .into_iter()
        .filter_map(|(key, c)| E164::from_key(key).map(|phone| (key, (phone, c))))
        .collect();
    report.contacted = people.len();
    let keys: Vec<u64> = people.keys().copied().collect();
    let registry = registry_of(store, &keys)?;
    for (key, (phone, contact)) in people {
        let first = OffsetDateTime::from_unix_timestamp(contact.first)
            .map(|t| t.date().to_string())
            .unwrap_or_default();
        let why = Reason {
            code: "counter_inspection".to_owned(),
            detail: format!(
                "in contact with identifiers of case {case_id} ({}) from {first}",
                case.fraud_type
            ),
            points: 0,
        };
        let person = Person {
            phone,
            registered: registry.get(&key),
        };
        let inputs = TierInputs {
            fraud_type: Some(case.fraud_type.clone()),
            ..contact.inputs
        };
        let fingerprint = format!("case:{case_id}:{key}");
        if raise(
            store,
            settings,
            &person,
            inputs,
            why,
            Some(case_id),
            fingerprint,
            now,
        )? {
            report.created += 1;
        }
    }
    tracing::info!(
        case = case_id,
        contacted = report.contacted,
        created = report.created,
        "counter-inspection done"
    );
    Ok(report)
}

/// A call this long with a listed fraud number is a conversation a fraudster is steering.
const LONG_CALL_S: u64 = 180;

/// One person's contact with a listed identifier, seen in the records as they arrive.
struct Intercepted {
    person: u64,
    fraud_key: u64,
    fraud_type: Option<String>,
    detail: String,
    inputs: TierInputs,
}

/// Warns the people the arriving records show in contact with listed fraud: a long call from
/// a black-listed number, an install of a black-listed app, a payment to a black-listed account
/// (its payer found through the bank's holder phone). Records older than the window warn no
/// one. One warning per person and fraud identifier; returns how many started.
pub fn warn_from_records(
    store: &dyn Store,
    snapshot: &fraudwall_lists::snapshot::Snapshot,
    settings: &WarningSettings,
    records: &[fraudwall_records::Record],
    now: OffsetDateTime,
) -> Result<usize, AppError> {
    use fraudwall_lists::entry::Table;
    let oldest = now.unix_timestamp() - settings.window_s;
    let black = |table: Table, key: u64| {
        snapshot
            .get(table, key)
            .and_then(|mark| mark.black)
            .map(|listing| snapshot.fraud_type(&listing).map(str::to_owned))
    };
    let mut found: Vec<Intercepted> = Vec::new();
    let mut payers: Vec<(u64, u64, u64, Option<String>)> = Vec::new();
    for record in records.iter().filter(|r| r.time >= oldest) {
        match record.kind {
            RecordKind::Call if record.value >= LONG_CALL_S => {
                if let Some(fraud_type) = black(Table::Numbers, record.a)
                    && black(Table::Numbers, record.b).is_none()
                {
                    let seconds = u32::try_from(record.value).unwrap_or(u32::MAX);
                    found.push(Intercepted {
                        person: record.b,
                        fraud_key: record.a,
                        fraud_type,
                        detail: format!(
                            "a {} min call from a black-listed number",
                            record.value / 60
                        ),
                        inputs: TierInputs {
                            total_seconds: seconds,
                            contacts: 1,
                            longest_call_seconds: seconds,
                            ..TierInputs::default()
                        },
                    });
                }
            }
            RecordKind::AppInstall => {
                if let Some(fraud_type) = black(Table::Apps, record.b) {
                    found.push(Intercepted {
                        person: record.a,
                        fraud_key: record.b,
                        fraud_type,
                        detail: "installed a black-listed app".to_owned(),
                        inputs: TierInputs {
                            contacts: 1,
                            ..TierInputs::default()
                        },
                    });
                }
            }
            RecordKind::Transfer => {
                if let Some(fraud_type) = black(Table::Accounts, record.b) {
                    payers.push((record.a, record.b, record.value, fraud_type));
                }
            }
            _ => {}
        }
    }
    if !payers.is_empty() {
        let keys: Vec<u64> = payers.iter().map(|p| p.0).collect();
        let holders: HashMap<u64, u64> = store
            .cards_of(Kind::Account, &keys)?
            .into_iter()
            .filter_map(|card| {
                let phone = E164::parse(card.holder.as_deref()?).ok()?;
                Some((card.key, phone.key()))
            })
            .collect();
        for (payer, account, cents, fraud_type) in payers {
            if let Some(&person) = holders.get(&payer) {
                found.push(Intercepted {
                    person,
                    fraud_key: account,
                    fraud_type,
                    detail: format!(
                        "paying {:.2} yuan to a black-listed account",
                        cents as f64 / 100.0
                    ),
                    inputs: TierInputs {
                        contacts: 1,
                        transfers_to_flagged: 1,
                        amount_to_flagged: cents,
                        ..TierInputs::default()
                    },
                });
            }
        }
    }
    if found.is_empty() {
        return Ok(0);
    }
    let keys: Vec<u64> = found.iter().map(|f| f.person).collect();
    let registry = registry_of(store, &keys)?;
    let mut created = 0;
    for hit in found {
        let Some(phone) = E164::from_key(hit.person) else {
            continue;
        };
        let why = Reason {
            code: "interception".to_owned(),
            detail: hit.detail,
            points: 0,
        };
        let person = Person {
            phone,
            registered: registry.get(&hit.person),
        };
        let inputs = TierInputs {
            fraud_type: hit.fraud_type,
            ..hit.inputs
        };
        let fingerprint = format!("event:{}:{}", hit.person, hit.fraud_key);
        if raise(
            store,
            settings,
            &person,
            inputs,
            why,
            None,
            fingerprint,
            now,
        )? {
            created += 1;
        }
    }
    Ok(created)
}

/// The registry rows of these numbers, by key.
fn registry_of(
    store: &dyn Store,
    keys: &[u64],
) -> Result<HashMap<u64, fraudwall_store::SubscriberRecord>, AppError> {
    Ok(store
        .subscribers(keys)?
        .into_iter()
        .map(|s| (s.key, s))
        .collect())
}

/// Someone about to be warned, and what the registry knows of them.
struct Person<'a> {
    phone: E164,
    registered: Option<&'a fraudwall_store::SubscriberRecord>,
}

/// Scores a person's contact, places the warning in their territory and starts it unless its
/// fingerprint already runs; returns whether it is new.
#[allow(clippy::too_many_arguments)]
fn raise(
    store: &dyn Store,
    settings: &WarningSettings,
    person: &Person<'_>,
    mut inputs: TierInputs,
    why: Reason,
    case_id: Option<i64>,
    fingerprint: String,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    inputs.birth_year = person.registered.and_then(|s| s.birth_year);
    let assessment = assess(&inputs, &settings.tiers, now);
    let mut reasons = vec![why];
    reasons.extend(assessment.reasons);
    let territory = person
        .registered
        .map(|s| s.territory.clone())
        .unwrap_or_else(|| settings.default_territory.clone());
    let draft = WarningDraft {
        id: fingerprint.clone(),
        subscriber: person.phone.to_string(),
        unit: territory.clone(),
        territory,
        tier: assessment.tier,
        reasons,
    };
    Ok(start(store, draft, case_id, fingerprint, settings, now)?.1)
}

fn workflow_error(err: WorkflowError) -> AppError {
    AppError::new(ErrorKind::Workflow(err.code()), err.to_string())
}

/// Stores a new warning unless its fingerprint is already running; returns it and whether new.
fn start(
    store: &dyn Store,
    draft: WarningDraft,
    case_id: Option<i64>,
    fingerprint: String,
    settings: &WarningSettings,
    now: OffsetDateTime,
) -> Result<(WorkflowRecord, bool), AppError> {
    let warning = Warning::new(draft, &settings.ladders, now).map_err(workflow_error)?;
    let workflow = NewWorkflow {
        kind: WorkflowKind::Warning,
        fingerprint,
        case_id,
        subject: warning.subscriber.clone(),
        territory: Some(warning.territory.clone()),
        org: None,
        tier: Some(warning.tier.code().to_owned()),
        status: warning.status.code().to_owned(),
        due_at: warning.due(),
        state: instances::to_json(&warning)?,
    };
    Ok(store.insert_workflow(&workflow, now)?)
}

fn view(record: WorkflowRecord) -> Result<WarningView, AppError> {
    let warning: Warning = instances::state_of(&record, "warning")?;
    Ok(WarningView {
        id: record.id,
        case_id: record.workflow.case_id,
        version: record.version,
        warning,
    })
}

fn allowed(principal: &Principal) -> Result<(), AppError> {
    if WARNING_ROLES.contains(&principal.role) {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorKind::ForbiddenRole,
            "warnings are worked by the centre and police stations",
        ))
    }
}

/// Which warnings to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WarningQuery {
    pub case_id: Option<i64>,
    pub territory: Option<String>,
    /// `open`, or one status: `triggered`, `acknowledged`, `closed`.
    pub status: Option<String>,
    pub after: i64,
    pub limit: usize,
}

/// Lists warnings within the caller's territory. Asking for a territory outside it is refused,
/// not answered empty, so a station learns it asked wrongly. Audited.
pub fn list(
    store: &dyn Store,
    principal: &Principal,
    query: &WarningQuery,
) -> Result<Vec<WarningView>, AppError> {
    allowed(principal)?;
    let scope = principal.scope();
    let territory = match (&query.territory, scope) {
        (Some(asked), Scope::Territory(own)) => {
            if !scope.covers(Owner {
                territory: Some(asked),
                org: None,
            }) {
                return Err(AppError::new(
                    ErrorKind::ForbiddenScope,
                    format!("territory {asked} is outside this token's territory {own}"),
                ));
            }
            Some(division_prefix(asked).to_owned())
        }
        (None, Scope::Territory(own)) => Some(division_prefix(own).to_owned()),
        (Some(asked), _) => Some(division_prefix(asked).to_owned()),
        (None, _) => None,
    };
    if let Some(status) = &query.status
        && !["open", "triggered", "acknowledged", "closed"].contains(&status.as_str())
    {
        return Err(AppError::new(
            ErrorKind::Invalid,
            format!("status {status:?}: one of open, triggered, acknowledged, closed"),
        ));
    }
    if matches!(scope, Scope::Territory(own) if own.is_empty()) {
        return Ok(Vec::new());
    }
    let records = store.workflows(&WorkflowFilter {
        kind: WorkflowKind::Warning,
        case_id: query.case_id,
        territory_prefix: territory,
        org: None,
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
        "warnings.read",
        &match query.case_id {
            Some(case) => format!("case:{case}"),
            None => "warnings".to_owned(),
        },
        serde_json::json!({
            "territory": query.territory, "status": query.status, "count": views.len(),
            "warnings": views.iter().map(|v| v.id).collect::<Vec<_>>(),
        }),
    )?;
    Ok(views)
}

/// One warning, if the caller's territory covers it.
fn scoped(store: &dyn Store, principal: &Principal, id: i64) -> Result<WorkflowRecord, AppError> {
    allowed(principal)?;
    let record = store
        .workflow(id)?
        .filter(|r| r.workflow.kind == WorkflowKind::Warning)
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, format!("no warning {id}")))?;
    let owner = Owner {
        territory: record.workflow.territory.as_deref(),
        org: None,
    };
    if !principal.scope().covers(owner) {
        // outside the caller's territory a warning does not exist for it
        return Err(AppError::new(
            ErrorKind::NotFound,
            format!("no warning {id}"),
        ));
    }
    Ok(record)
}

/// Applies a change to a stored warning, checked against the version the caller read.
fn save(
    store: &dyn Store,
    record: &WorkflowRecord,
    warning: &Warning,
    now: OffsetDateTime,
) -> Result<WarningView, AppError> {
    let update = WorkflowUpdate {
        status: warning.status.code().to_owned(),
        due_at: warning.due(),
        state: instances::to_json(warning)?,
    };
    view(instances::save(store, record, &update, "warning", now)?)
}

/// What a unit reports when a warning ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeDraft {
    pub outcome: Option<String>,
    /// The version the caller read, if it wants a change made since refused.
    pub version: Option<i64>,
    pub note: Option<String>,
}

/// Closes a warning with its outcome: no outcome, no closing. Audited.
pub fn record_outcome(
    store: &dyn Store,
    principal: &Principal,
    id: i64,
    draft: &OutcomeDraft,
    now: OffsetDateTime,
) -> Result<(WarningView, bool), AppError> {
    let outcome = Outcome::parse(draft.outcome.as_deref()).map_err(workflow_error)?;
    let record = scoped(store, principal, id)?;
    if draft.version.is_some_and(|v| v != record.version) {
        return Err(AppError::new(
            ErrorKind::Conflict,
            format!("warning {id} is at version {}", record.version),
        ));
    }
    let mut warning = view(record.clone())?.warning;
    let closed = warning
        .close(outcome, &principal.actor(), now)
        .map_err(workflow_error)?;
    let saved = save(store, &record, &warning, now)?;
    audit::record(
        store,
        principal,
        "warnings.outcome",
        &format!("warning:{id}"),
        serde_json::json!({"outcome": outcome.code(), "note": draft.note}),
    )?;
    Ok((saved, closed.open_case))
}

/// A unit acknowledges a step of a warning's ladder: the call made, the visit done. Audited.
pub fn acknowledge(
    store: &dyn Store,
    principal: &Principal,
    id: i64,
    step: usize,
    now: OffsetDateTime,
) -> Result<WarningView, AppError> {
    let record = scoped(store, principal, id)?;
    let mut warning = view(record.clone())?.warning;
    warning
        .acknowledge(step, &principal.actor(), now)
        .map_err(workflow_error)?;
    let saved = save(store, &record, &warning, now)?;
    audit::record(
        store,
        principal,
        "warnings.acknowledge",
        &format!("warning:{id}"),
        serde_json::json!({"step": step}),
    )?;
    Ok(saved)
}

/// What a pass over due warnings did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TickReport {
    pub warnings: usize,
    pub escalations: usize,
    /// Warnings changed by someone else between the read and the write; the next pass takes them.
    pub conflicts: usize,
}

/// Escalates every warning whose deadline has passed by `now`: the next step of its ladder, or
/// the unit above. Each escalation is audited.
pub fn tick_due(
    store: &dyn Store,
    units: &dyn Units,
    now: OffsetDateTime,
) -> Result<TickReport, AppError> {
    let mut report = TickReport::default();
    loop {
        let due = store.due_workflows(WorkflowKind::Warning, now, 500)?;
        let batch = due.len();
        let mut progressed = 0;
        for record in due {
            let mut warning = view(record.clone())?.warning;
            let escalations = warning.tick(now, units);
            if escalations.is_empty() {
                continue;
            }
            match save(store, &record, &warning, now) {
                Ok(_) => {}
                Err(err) if err.kind == ErrorKind::Conflict => {
                    report.conflicts += 1;
                    continue;
                }
                Err(err) => return Err(err),
            }
            progressed += 1;
            report.warnings += 1;
            report.escalations += escalations.len();
            for escalation in &escalations {
                tracing::warn!(
                    warning = record.id,
                    step = escalation.step,
                    "warning deadline missed"
                );
                store.append_audit(&fraudwall_store::AuditEvent {
                    actor: "job:warnings".to_owned(),
                    action: "warnings.escalate".to_owned(),
                    resource: format!("warning:{}", record.id),
                    detail: serde_json::to_value(escalation)
                        .unwrap_or_default()
                        .to_string(),
                })?;
            }
        }
        if batch < 500 || progressed == 0 {
            break;
        }
    }
    metrics::counter!("fraudwall_warning_escalations_total").increment(report.escalations as u64);
    Ok(report)
}

/// Warning figures for one territory and tier.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kpi {
    pub territory: String,
    pub tier: String,
    pub warnings: u64,
    pub closed: u64,
    pub dissuaded: u64,
    pub became_cases: u64,
    /// Dissuaded among closed warnings.
    pub effective_rate: f64,
    /// Median seconds from the warning to its first acknowledged step.
    pub median_first_contact_s: Option<i64>,
    pub case_share: f64,
}

/// KPIs by territory (cut to `depth` digits: 6 for districts, 9 for stations) and tier, over the
/// warnings the caller may see.
pub fn kpis(store: &dyn Store, principal: &Principal, depth: usize) -> Result<Vec<Kpi>, AppError> {
    allowed(principal)?;
    let own = match principal.scope() {
        Scope::Territory(own) => Some(division_prefix(own).to_owned()),
        _ => None,
    };
    let mut groups: BTreeMap<(String, String), (Kpi, Vec<i64>)> = BTreeMap::new();
    let filter = WorkflowFilter {
        kind: WorkflowKind::Warning,
        case_id: None,
        territory_prefix: own,
        org: None,
        status: None,
        after: 0,
        limit: 1_000,
    };
    instances::for_each(store, filter, |record| {
        let warning = view(record)?.warning;
        let territory: String = warning.territory.chars().take(depth).collect();
        let tier = warning.tier.code().to_owned();
        let (kpi, firsts) = groups
            .entry((territory.clone(), tier.clone()))
            .or_insert_with(|| {
                (
                    Kpi {
                        territory,
                        tier,
                        ..Kpi::default()
                    },
                    Vec::new(),
                )
            });
        kpi.warnings += 1;
        if let Some(closure) = &warning.closure {
            kpi.closed += 1;
            match closure.outcome {
                Outcome::Dissuaded => kpi.dissuaded += 1,
                Outcome::AlreadyDeceived => kpi.became_cases += 1,
                _ => {}
            }
        }
        if let Some(first) = warning
            .steps
            .iter()
            .filter_map(|s| s.acknowledged.as_ref().map(|a| a.at))
            .min()
        {
            firsts.push((first - warning.created_at).whole_seconds());
        }
        Ok(())
    })?;
    audit::record(
        store,
        principal,
        "warnings.kpis",
        "warnings",
        serde_json::json!({"groups": groups.len()}),
    )?;
    Ok(groups
        .into_values()
        .map(|(mut kpi, mut firsts)| {
            let closed = kpi.closed.max(1) as f64;
            kpi.effective_rate = kpi.dissuaded as f64 / closed;
            kpi.case_share = kpi.became_cases as f64 / closed;
            firsts.sort_unstable();
            kpi.median_first_contact_s = firsts.get(firsts.len() / 2).copied();
            kpi
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use fraudwall_store::{AuditStore, SqliteStore, WorkflowStore};
    use fraudwall_workflow::{StepStatus, Tier};

    use crate::registry::UnitTree;
    use time::Duration;
    use time::macros::datetime;

    use super::*;

    fn station(territory: &str) -> Principal {
        Principal {
            token_id: Some(3),
            name: "station".into(),
            role: Role::Station,
            org: None,
            territory: Some(territory.into()),
        }
    }

    fn started(store: &SqliteStore, tier: Tier, now: OffsetDateTime) -> i64 {
        let draft = WarningDraft {
            id: "w1".into(),
            subscriber: "+8613800000001".into(),
            territory: "350102001001".into(),
            unit: "350102001001".into(),
            tier,
            reasons: Vec::new(),
        };
        let settings = WarningSettings::default();
        start(store, draft, None, "test:1".into(), &settings, now)
            .unwrap()
            .0
            .id
    }

    #[test]
    fn a_missed_deadline_escalates_to_the_next_step_then_the_unit_above() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let now = datetime!(2026-11-02 09:30 UTC);
        let id = started(&store, Tier::High, now);
        let units = UnitTree::default();
        // nothing is due before the first deadline
        let early = tick_due(&store, &units, now + Duration::minutes(9)).unwrap();
        assert_eq!(early.escalations, 0);
        // the call's 10 minutes pass unanswered: the block step starts
        let late = tick_due(&store, &units, now + Duration::minutes(11)).unwrap();
        assert_eq!((late.warnings, late.escalations), (1, 1));
        let warning = view(store.workflow(id).unwrap().unwrap()).unwrap().warning;
        assert_eq!(warning.steps[0].status, StepStatus::Missed);
        assert_eq!(warning.steps[2].status, StepStatus::Triggered);
        // ticking again at the same moment finds nothing
        let again = tick_due(&store, &units, now + Duration::minutes(11)).unwrap();
        assert_eq!(again.escalations, 0);
        // hours later every step has missed; the last goes up to the station, then the district
        tick_due(&store, &units, now + Duration::hours(6)).unwrap();
        let warning = view(store.workflow(id).unwrap().unwrap()).unwrap().warning;
        let last = warning.steps.last().unwrap();
        assert!(last.escalations >= 2, "{last:?}");
        assert!(["350102001", "350102", "350100", "350000"].contains(&last.unit.as_str()));
        let audit = store.audit_entries(0, 100).unwrap();
        assert!(audit.iter().any(|e| e.action == "warnings.escalate"));
    }

    #[test]
    fn a_warning_closes_only_with_an_outcome_and_only_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let now = datetime!(2026-11-02 09:30 UTC);
        let id = started(&store, Tier::Low, now);
        let unit = station("350102001");
        let none = OutcomeDraft {
            outcome: None,
            version: None,
            note: None,
        };
        let err = record_outcome(&store, &unit, id, &none, now).unwrap_err();
        assert_eq!(err.code(), "outcome_required");
        let blank = OutcomeDraft {
            outcome: Some(" ".into()),
            ..none.clone()
        };
        assert_eq!(
            record_outcome(&store, &unit, id, &blank, now)
                .unwrap_err()
                .code(),
            "outcome_required"
        );
        let open = list(
            &store,
            &unit,
            &WarningQuery {
                status: Some("open".into()),
                limit: 10,
                ..WarningQuery::default()
            },
        )
        .unwrap();
        assert_eq!(open.len(), 1);
        // another station's warning does not exist for it
        let other = station("350203001");
        let deceived = OutcomeDraft {
            outcome: Some("already_deceived".into()),
            ..none.clone()
        };
        assert_eq!(
            record_outcome(&store, &other, id, &deceived, now)
                .unwrap_err()
                .kind,
            ErrorKind::NotFound
        );
        let (closed, file_case) = record_outcome(&store, &unit, id, &deceived, now).unwrap();
        assert!(file_case);
        assert!(closed.warning.is_closed());
        assert_eq!(
            record_outcome(&store, &unit, id, &deceived, now)
                .unwrap_err()
                .code(),
            "warning_closed"
        );
        // a closed warning has no deadline left to escalate
        let report = tick_due(&store, &UnitTree::default(), now + Duration::days(1)).unwrap();
        assert_eq!(report.escalations, 0);
    }
}
