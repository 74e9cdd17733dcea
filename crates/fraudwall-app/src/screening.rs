//! Keeps transfer screening's knowledge current: calls with black-listed numbers as their
//! records arrive, and, every few seconds, who is under an open warning, which accounts cases
//! name as mule leads, and which payees show mule patterns in the transfer records. The engine
//! reads what is published here without a lock; nothing here is on the decision path.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::Table;
use fraudwall_records::{ContactIndex, Direction, Kind, Record};
use fraudwall_rules::{Engine, PartyFact, PayeeFlags, flag};
use fraudwall_store::{Store, WorkflowFilter, WorkflowKind};
use hashbrown::{HashMap, HashSet};

use crate::cases::CaseLinks;
use crate::error::AppError;
use crate::verification::{self, Pattern};

/// What screening counts as danger and as a mule pattern. The defaults were set on one
/// simulated province; a centre tunes them to its own traffic (`[screening]` in the node's
/// configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreeningSettings {
    /// Call records arrive when a call ends: a transfer this soon after a call with a
    /// black-listed number is made in the same danger.
    pub call_grace_s: i64,
    /// An account its bank opened this recently is a young account ...
    pub young_account_s: i64,
    /// ... and paid by this many payers within the window below, a mule pattern.
    pub young_account_payers: usize,
    pub payers_window_s: i64,
    /// Transfers below this (fen) are small ...
    pub small_transfer_cents: u64,
    /// ... and this many from one payer into one account within a day split a sum to pass
    /// under the banks' limits.
    pub small_transfers_per_day: usize,
    /// Victims of different cases who paid one account make it a mule lead.
    pub mule_lead_victims: usize,
}

impl Default for ScreeningSettings {
    fn default() -> ScreeningSettings {
        ScreeningSettings {
            call_grace_s: 300,
            young_account_s: 90 * 86_400,
            young_account_payers: 5,
            payers_window_s: 7 * 86_400,
            small_transfer_cents: 50_000,
            small_transfers_per_day: 5,
            mule_lead_victims: 2,
        }
    }
}

pub struct ScreeningKeeper {
    engine: Arc<ArcSwap<Engine>>,
    settings: ScreeningSettings,
    /// The calls in progress with flagged numbers, as last published.
    calls: Mutex<HashMap<u64, (i64, u64)>>,
    /// Payees that received transfers since the last refresh, and the payees flagged so far.
    payees: Mutex<(HashSet<u64>, HashMap<u64, PayeeFlags>)>,
    /// Accounts already put to their banks for verification.
    verifying: Mutex<HashSet<u64>>,
}

/// What a refresh published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScreeningSizes {
    pub calls: usize,
    pub warned: usize,
    pub mule_leads: usize,
    pub flagged_payees: usize,
}

impl ScreeningKeeper {
    pub fn new(engine: Arc<ArcSwap<Engine>>, settings: ScreeningSettings) -> ScreeningKeeper {
        ScreeningKeeper {
            engine,
            settings,
            calls: Mutex::new(HashMap::new()),
            payees: Mutex::new((HashSet::new(), HashMap::new())),
            verifying: Mutex::new(HashSet::new()),
        }
    }

    /// Notes arriving records: calls with black-listed numbers that are in progress or just
    /// ended are published at once; payees are remembered for the next refresh.
    pub fn note(&self, records: &[Record], now: i64) {
        let engine = self.engine.load();
        let snapshot = engine.snapshot();
        let black = |key: u64| {
            snapshot
                .get(Table::Numbers, key)
                .is_some_and(|mark| mark.black.is_some())
        };
        let mut fresh = Vec::new();
        let mut payees = Vec::new();
        for record in records {
            match record.kind {
                Kind::Call => {
                    let end = record.time.saturating_add(record.value as i64);
                    let until = end.saturating_add(self.settings.call_grace_s);
                    if until < now {
                        continue;
                    }
                    match (black(record.a), black(record.b)) {
                        (true, false) => fresh.push((record.b, until, record.a)),
                        (false, true) => fresh.push((record.a, until, record.b)),
                        _ => {}
                    }
                }
                Kind::Transfer => payees.push(record.b),
                _ => {}
            }
        }
        if !payees.is_empty() {
            let mut state = self.payees.lock().unwrap_or_else(|e| e.into_inner());
            state.0.extend(payees);
        }
        if fresh.is_empty() {
            return;
        }
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls.retain(|_, (until, _)| *until >= now);
        for (phone, until, caller) in fresh {
            let slot = calls.entry(phone).or_insert((until, caller));
            if until > slot.0 {
                *slot = (until, caller);
            }
        }
        let published = calls.clone();
        engine
            .screening()
            .rcu(|current| current.with_calls(published.clone()));
    }

    /// Publishes who is under an open warning, the mule leads, and the payees whose records
    /// show mule patterns.
    pub fn refresh(
        &self,
        store: &dyn Store,
        normalizer: &PhoneNormalizer,
        cases: &CaseLinks,
        records: &dyn ContactIndex,
        now: i64,
    ) -> Result<ScreeningSizes, AppError> {
        let warned = warned(store, normalizer)?;
        let leads: HashSet<u64> = cases
            .lock()
            .mule_accounts(self.settings.mule_lead_victims)
            .into_iter()
            .map(|lead| lead.account)
            .collect();
        let flagged = {
            let mut state = self.payees.lock().unwrap_or_else(|e| e.into_inner());
            let (arrived, flagged) = &mut *state;
            // a flagged payee is looked at again: it may have grown old or gone quiet
            let mut look: Vec<u64> = arrived.drain().collect();
            look.extend(flagged.keys().copied());
            look.sort_unstable();
            look.dedup();
            let mut found = Vec::with_capacity(look.len());
            for payee in look {
                found.push((payee, payee_flags(records, payee, now, &self.settings)?));
            }
            // a young account is known from its bank's account file: the opening date; a shop's
            // account is paid by many as a matter of course, so only personal ones count
            let many_paid: Vec<u64> = found
                .iter()
                .filter(|(_, (_, many))| *many)
                .map(|(payee, _)| *payee)
                .collect();
            let young: HashSet<u64> = store
                .cards_of(fraudwall_lists::entry::Kind::Account, &many_paid)?
                .into_iter()
                .filter(|card| card.since > 0 && card.since >= now - self.settings.young_account_s)
                .filter(|card| card.account_type.as_deref().is_none_or(|t| t == "personal"))
                .map(|card| card.key)
                .collect();
            for (payee, (mut flags, _)) in found {
                if young.contains(&payee) {
                    flags |= flag(PartyFact::PayeeYoungManyPayers);
                }
                match flags {
                    0 => flagged.remove(&payee),
                    flags => flagged.insert(payee, flags),
                };
            }
            flagged.clone()
        };
        let calls = {
            let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
            calls.retain(|_, (until, _)| *until >= now);
            calls.clone()
        };
        self.verify(store, &leads, &flagged, now)?;
        let sizes = ScreeningSizes {
            calls: calls.len(),
            warned: warned.len(),
            mule_leads: leads.len(),
            flagged_payees: flagged.len(),
        };
        self.engine.load().screening().rcu(|current| {
            current
                .with_calls(calls.clone())
                .with_warned(warned.clone())
                .with_mule_leads(leads.clone())
                .with_payees(flagged.clone())
        });
        Ok(sizes)
    }
}

impl ScreeningKeeper {
    /// Puts accounts newly seen with mule patterns to their banks for verification.
    fn verify(
        &self,
        store: &dyn Store,
        leads: &HashSet<u64>,
        flagged: &HashMap<u64, PayeeFlags>,
        now: i64,
    ) -> Result<(), AppError> {
        let mut verifying = self.verifying.lock().unwrap_or_else(|e| e.into_inner());
        let mut fresh: Vec<(u64, Vec<Pattern>)> = Vec::new();
        let accounts = leads.iter().chain(flagged.keys());
        for &account in accounts {
            if verifying.contains(&account) {
                continue;
            }
            let flags = flagged.get(&account).copied().unwrap_or(0);
            let mut patterns = Vec::new();
            if leads.contains(&account) {
                patterns.push(Pattern::MuleLead);
            }
            if flags & flag(PartyFact::PayeeYoungManyPayers) != 0 {
                patterns.push(Pattern::YoungManyPayers);
            }
            if flags & flag(PartyFact::PayeeManySmallInbound) != 0 {
                patterns.push(Pattern::ManySmallInbound);
            }
            verifying.insert(account);
            fresh.push((account, patterns));
        }
        if !fresh.is_empty() {
            let at = time::OffsetDateTime::from_unix_timestamp(now)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            verification::request(store, &fresh, at)?;
        }
        Ok(())
    }
}

/// Phone keys of every subscriber under an open warning.
fn warned(store: &dyn Store, normalizer: &PhoneNormalizer) -> Result<HashSet<u64>, AppError> {
    let mut keys = HashSet::new();
    let open = WorkflowFilter {
        kind: WorkflowKind::Warning,
        case_id: None,
        territory_prefix: None,
        org: None,
        status: Some("open".to_owned()),
        after: 0,
        limit: 1_000,
    };
    crate::instances::for_each(store, open, |record| {
        if let Ok(phone) = normalizer.normalize(&record.workflow.subject) {
            keys.insert(phone.key());
        }
        Ok(())
    })?;
    Ok(keys)
}

/// A payee's patterns in the transfer records up to `now`: its flags, and whether many payers
/// paid it (a mule pattern if the account is young, which the caller knows).
fn payee_flags(
    records: &dyn ContactIndex,
    payee: u64,
    now: i64,
    settings: &ScreeningSettings,
) -> Result<(PayeeFlags, bool), AppError> {
    let incoming: Vec<Record> = records
        .contacts(
            payee,
            Direction::Incoming,
            now - settings.payers_window_s,
            now.saturating_add(1),
        )
        .map_err(|e| AppError::new(crate::error::ErrorKind::Internal, e.to_string()))?
        .into_iter()
        .filter(|r| r.kind == Kind::Transfer)
        .collect();
    let mut flags = 0;
    let mut small_by_payer: HashMap<u64, usize> = HashMap::new();
    for r in incoming
        .iter()
        .filter(|r| r.time >= now - 86_400 && r.value < settings.small_transfer_cents)
    {
        *small_by_payer.entry(r.a).or_default() += 1;
    }
    if small_by_payer
        .values()
        .any(|&n| n >= settings.small_transfers_per_day)
    {
        flags |= flag(PartyFact::PayeeManySmallInbound);
    }
    let payers: HashSet<u64> = incoming.iter().map(|r| r.a).collect();
    Ok((flags, payers.len() >= settings.young_account_payers))
}

#[cfg(test)]
mod tests {
    use fraudwall_records::MemoryIndex;

    use super::*;

    fn transfer(a: u64, b: u64, cents: u64, time: i64) -> Record {
        Record {
            a,
            time,
            b,
            kind: Kind::Transfer,
            value: cents,
        }
    }

    #[test]
    fn many_payers_and_one_payer_splitting_a_sum_are_seen() {
        let index = MemoryIndex::new();
        let now = 100 * 86_400;
        let mut rows = Vec::new();
        // payee 1: six payers this week
        for payer in 0..6 {
            rows.push(transfer(
                100 + payer,
                1,
                900_000,
                now - 3_600 * (payer as i64 + 1),
            ));
        }
        // payee 2: four payers this week, and more a month ago
        for payer in 0..4 {
            rows.push(transfer(
                200 + payer,
                2,
                900_000,
                now - 3_600 * (payer as i64 + 1),
            ));
        }
        for payer in 0..4 {
            rows.push(transfer(250 + payer, 2, 900_000, now - 20 * 86_400));
        }
        // payee 3: six small sums today from one payer, and small sums from many (a shop)
        for n in 0..6 {
            rows.push(transfer(300, 3, 20_000, now - 60 * (n + 1)));
        }
        for n in 0..20 {
            rows.push(transfer(400 + n, 4, 2_000, now - 60 * (n as i64 + 1)));
        }
        index.append(&rows).unwrap();
        let settings = ScreeningSettings::default();
        assert_eq!(payee_flags(&index, 1, now, &settings).unwrap(), (0, true));
        assert_eq!(payee_flags(&index, 2, now, &settings).unwrap(), (0, false));
        assert_eq!(
            payee_flags(&index, 3, now, &settings).unwrap(),
            (flag(PartyFact::PayeeManySmallInbound), false)
        );
        assert_eq!(payee_flags(&index, 4, now, &settings).unwrap(), (0, true));
        // a week later nobody has paid payee 1 since
        assert_eq!(
            payee_flags(&index, 1, now + 8 * 86_400, &settings).unwrap(),
            (0, false)
        );
        // a centre's own thresholds: four payers are many, six small sums a day are not
        let tuned = ScreeningSettings {
            young_account_payers: 4,
            small_transfers_per_day: 7,
            ..settings
        };
        assert_eq!(payee_flags(&index, 2, now, &tuned).unwrap(), (0, true));
        assert_eq!(payee_flags(&index, 3, now, &tuned).unwrap(), (0, false));
    }
}
