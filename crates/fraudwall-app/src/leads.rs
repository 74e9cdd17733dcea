//! Leads up the chain behind the cases, for analysts: the identifiers many cases share (hubs),
//! the accounts several victims paid into (mules), and the SIM box or registrant behind three
//! or more cards that cases name (card dealers), the last from the operators' and banks' card
//! data. Leads name fraudsters' identifiers and case ids, never a victim.

use fraudwall_cases::LinkKey;
use fraudwall_lists::entry::Kind;
use fraudwall_store::{CardRecord, Store};
use hashbrown::HashMap;

use crate::audit;
use crate::cases::{CaseLinks, INVESTIGATORS, identifier_value, require};
use crate::error::AppError;
use crate::principal::Principal;

/// How strong a lead must be, and how many of each kind to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadQuery {
    /// Cases an identifier joins to be a hub.
    pub min_cases: usize,
    /// Distinct victims who paid an account to make it a mule lead.
    pub min_victims: usize,
    /// Cards behind one SIM box or registrant to make a card-dealer lead.
    pub min_cards: usize,
    /// Leads of each kind, strongest first.
    pub limit: usize,
}

impl Default for LeadQuery {
    fn default() -> LeadQuery {
        LeadQuery {
            min_cases: 3,
            min_victims: 2,
            min_cards: 3,
            limit: 100,
        }
    }
}

/// An identifier many cases name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubLead {
    pub kind: Kind,
    pub value: String,
    pub cases: Vec<i64>,
}

/// An account several victims paid into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MuleAccountLead {
    pub account: String,
    pub victims: u32,
    pub cases: Vec<i64>,
}

/// What ties a card dealer's cards together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeldBy {
    /// The handset or SIM box the cards were first activated in.
    Device,
    /// The identity the cards are registered to.
    Registrant,
}

impl HeldBy {
    pub fn as_str(self) -> &'static str {
        match self {
            HeldBy::Device => "device",
            HeldBy::Registrant => "registrant",
        }
    }
}

/// One card behind a dealer lead, with how many cases name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadCard {
    pub kind: Kind,
    pub value: String,
    pub cases: usize,
}

/// A SIM box or registrant behind several cards that cases name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardDealerLead {
    pub held_by: HeldBy,
    pub holder: String,
    pub cards: Vec<LeadCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Leads {
    pub hubs: Vec<HubLead>,
    pub mule_accounts: Vec<MuleAccountLead>,
    pub card_dealers: Vec<CardDealerLead>,
}

/// The leads over every case. Investigators; audited.
pub fn leads(
    store: &dyn Store,
    links: &CaseLinks,
    principal: &Principal,
    query: LeadQuery,
) -> Result<Leads, AppError> {
    require(principal, &INVESTIGATORS, "read leads")?;
    // the linker is read under its lock; values and card data come from the store after
    let (hubs, mules, named) = {
        let linker = links.lock();
        let hubs: Vec<(Kind, LinkKey, Vec<i64>)> = linker
            .hubs(query.min_cases)
            .into_iter()
            .take(query.limit)
            .map(|link| {
                let cases = link
                    .postings
                    .iter()
                    .map(|p| linker.external(p.case) as i64)
                    .collect();
                (link.kind, link.key, cases)
            })
            .collect();
        let mules: Vec<(u64, u32, Vec<i64>)> = linker
            .mule_accounts(query.min_victims)
            .into_iter()
            .take(query.limit)
            .map(|lead| {
                let cases = lead
                    .cases
                    .iter()
                    .map(|&c| linker.external(c) as i64)
                    .collect();
                (lead.account, lead.victims, cases)
            })
            .collect();
        let named: Vec<(Kind, u64, usize)> = linker.named(&[Kind::Number, Kind::Account]).collect();
        (hubs, mules, named)
    };
    let mut leads = Leads::default();
    for (kind, key, cases) in hubs {
        if let Some(value) = identifier_value(store, cases[0], key)? {
            leads.hubs.push(HubLead { kind, value, cases });
        }
    }
    for (account, victims, cases) in mules {
        let key = LinkKey::new(Kind::Account, account);
        if let Some(value) = identifier_value(store, cases[0], key)? {
            leads.mule_accounts.push(MuleAccountLead {
                account: value,
                victims,
                cases,
            });
        }
    }
    leads.card_dealers = card_dealers(store, &named, query)?;
    audit::record(
        store,
        principal,
        "leads.read",
        "leads",
        serde_json::json!({"hubs": leads.hubs.len(), "mule_accounts": leads.mule_accounts.len(),
            "card_dealers": leads.card_dealers.len()}),
    )?;
    Ok(leads)
}

/// Groups the cards that cases name by the SIM box they were activated in and by their
/// registrant, and keeps the groups of `min_cards` or more.
fn card_dealers(
    store: &dyn Store,
    named: &[(Kind, u64, usize)],
    query: LeadQuery,
) -> Result<Vec<CardDealerLead>, AppError> {
    let mut cases_of: HashMap<(Kind, u64), usize> = HashMap::new();
    let mut keys: HashMap<Kind, Vec<u64>> = HashMap::new();
    for &(kind, key, cases) in named {
        // a recycled number appears once per holder period; its cases add up
        *cases_of.entry((kind, key)).or_default() += cases;
        keys.entry(kind).or_default().push(key);
    }
    // the latest holder period of each card: the one the cards' current use falls in
    let mut latest: HashMap<(Kind, u64), CardRecord> = HashMap::new();
    for (kind, keys) in keys {
        for card in store.cards_of(kind, &keys)? {
            latest.insert((card.kind, card.key), card);
        }
    }
    let mut groups: HashMap<(HeldBy, &str), Vec<LeadCard>> = HashMap::new();
    for ((kind, key), card) in &latest {
        let cases = cases_of[&(*kind, *key)];
        let holders = [
            (HeldBy::Device, card.device.as_deref()),
            (HeldBy::Registrant, card.holder.as_deref()),
        ];
        for (held_by, holder) in holders {
            if let Some(holder) = holder {
                groups.entry((held_by, holder)).or_default().push(LeadCard {
                    kind: *kind,
                    value: card.value.clone(),
                    cases,
                });
            }
        }
    }
    let mut dealers: Vec<CardDealerLead> = groups
        .into_iter()
        .filter(|(_, cards)| cards.len() >= query.min_cards.max(2))
        .map(|((held_by, holder), mut cards)| {
            cards.sort_by(|a, b| b.cases.cmp(&a.cases).then(a.value.cmp(&b.value)));
            CardDealerLead {
                held_by,
                holder: holder.to_owned(),
                cards,
            }
        })
        .collect();
    dealers.sort_by(|a, b| {
        b.cards
            .len()
            .cmp(&a.cards.len())
            .then(a.holder.cmp(&b.holder))
    });
    dealers.truncate(query.limit);
    Ok(dealers)
}
