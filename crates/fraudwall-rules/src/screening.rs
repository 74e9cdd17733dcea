//! What transfer screening knows beyond the lists: who is on a call with a black-listed number
//! right now, who is under an open warning, and which accounts are mule leads or show mule
//! patterns. The application builds it from activity records, warnings and cases; the engine
//! reads it without a lock, and a new one replaces it whole.

use std::sync::Arc;

use hashbrown::{HashMap, HashSet};

use crate::signals::PartyFact;

/// A payee's mule patterns, as bits of [`PartyFact`].
pub type PayeeFlags = u8;

/// Each part is shared, so replacing one (the calls, every few seconds) copies none of the
/// others.
#[derive(Debug, Clone, Default)]
pub struct Screening {
    /// A phone's key → until when (unix seconds) it is on a call with a flagged number, and
    /// that number's key.
    calls: Arc<HashMap<u64, (i64, u64)>>,
    /// Phone and account keys under an open warning.
    warned: Arc<HashSet<u64>>,
    /// Account keys of mule leads.
    mule_leads: Arc<HashSet<u64>>,
    /// Account keys with mule patterns.
    payees: Arc<HashMap<u64, PayeeFlags>>,
}

impl Screening {
    pub fn new() -> Screening {
        Screening::default()
    }

    pub fn with_calls(&self, calls: HashMap<u64, (i64, u64)>) -> Screening {
        Screening {
            calls: Arc::new(calls),
            ..self.clone()
        }
    }

    pub fn with_warned(&self, warned: HashSet<u64>) -> Screening {
        Screening {
            warned: Arc::new(warned),
            ..self.clone()
        }
    }

    pub fn with_mule_leads(&self, leads: HashSet<u64>) -> Screening {
        Screening {
            mule_leads: Arc::new(leads),
            ..self.clone()
        }
    }

    pub fn with_payees(&self, payees: HashMap<u64, PayeeFlags>) -> Screening {
        Screening {
            payees: Arc::new(payees),
            ..self.clone()
        }
    }

    /// The flagged number `phone` is talking to at `now`, if any.
    pub fn in_flagged_call(&self, phone: u64, now: i64) -> Option<u64> {
        self.calls
            .get(&phone)
            .filter(|(until, _)| *until >= now)
            .map(|&(_, caller)| caller)
    }

    pub fn is_warned(&self, key: u64) -> bool {
        self.warned.contains(&key)
    }

    pub fn is_mule_lead(&self, account: u64) -> bool {
        self.mule_leads.contains(&account)
    }

    pub fn payee_has(&self, account: u64, fact: PartyFact) -> bool {
        self.payees
            .get(&account)
            .is_some_and(|flags| flags & flag(fact) != 0)
    }
}

/// A payee pattern's bit in [`PayeeFlags`].
pub fn flag(fact: PartyFact) -> PayeeFlags {
    1 << (fact as u8)
}
