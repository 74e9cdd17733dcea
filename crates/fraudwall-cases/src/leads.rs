//! Leads up the chain behind the cases: the identifiers many cases share (hubs), the accounts
//! that take money from several unrelated victims (mules), and the people behind three or
//! more cards that cases name (card dealers).

use fraudwall_lists::entry::Kind;
use hashbrown::{HashMap, HashSet};

use crate::linker::{CaseIx, Link, Linker, Role};

/// An account paid by several victims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MuleLead {
    pub account: u64,
    pub victims: u32,
    pub cases: Vec<CaseIx>,
}

/// Someone behind several phone or bank cards that cases name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealerLead {
    /// The registrant or device, as the caller's subscriber data names it.
    pub holder: u64,
    /// The cards, as (kind, identifier key), with how many cases name each.
    pub cards: Vec<(Kind, u64, usize)>,
}

impl Linker {
    /// Identifiers named by at least `min_cases` cases, most cases first.
    pub fn hubs(&self, min_cases: usize) -> Vec<Link> {
        let mut hubs: Vec<Link> = self.shared(min_cases.max(2)).collect();
        hubs.sort_by(|a, b| {
            b.postings
                .len()
                .cmp(&a.postings.len())
                .then(a.key.cmp(&b.key))
        });
        hubs
    }

    /// Accounts that victims of `min_victims` or more different people paid into, most
    /// victims first.
    pub fn mule_accounts(&self, min_victims: usize) -> Vec<MuleLead> {
        let mut leads: Vec<MuleLead> = self
            .shared(min_victims.max(2))
            .filter(|link| link.kind == Kind::Account)
            .filter_map(|link| {
                let paid: Vec<CaseIx> = link
                    .postings
                    .iter()
                    .filter(|p| p.role() == Role::Payment)
                    .map(|p| p.case)
                    .collect();
                let victims: HashSet<u64> = paid.iter().map(|&c| self.facts(c).victim).collect();
                (victims.len() >= min_victims).then(|| MuleLead {
                    account: link.ident,
                    victims: victims.len() as u32,
                    cases: paid,
                })
            })
            .collect();
        leads.sort_by(|a, b| b.victims.cmp(&a.victims).then(a.account.cmp(&b.account)));
        leads
    }

    /// Holders behind `min_cards` or more phone numbers or bank accounts that cases name.
    /// `holder_of` reads the subscriber or account-opening data: who registered a card, or on
    /// which device it was activated.
    pub fn card_dealers(
        &self,
        min_cards: usize,
        mut holder_of: impl FnMut(Kind, u64) -> Option<u64>,
    ) -> Vec<DealerLead> {
        let mut by_holder: HashMap<u64, Vec<(Kind, u64, usize)>> = HashMap::new();
        for (kind, ident, cases) in self.named(&[Kind::Number, Kind::Account]) {
            if let Some(holder) = holder_of(kind, ident) {
                by_holder
                    .entry(holder)
                    .or_default()
                    .push((kind, ident, cases));
            }
        }
        let mut leads: Vec<DealerLead> = by_holder
            .into_iter()
            .filter(|(_, cards)| cards.len() >= min_cards)
            .map(|(holder, mut cards)| {
                cards.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
                DealerLead { holder, cards }
            })
            .collect();
        leads.sort_by(|a, b| {
            b.cards
                .len()
                .cmp(&a.cards.len())
                .then(a.holder.cmp(&b.holder))
        });
        leads
    }
}
