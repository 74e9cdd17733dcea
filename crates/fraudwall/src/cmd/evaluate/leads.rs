//! How the chain leads match the truth: card-dealer leads against the dealers' SIM boxes, and
//! mule-account leads against the gang_cards accounts.

use std::collections::{HashMap, HashSet};

use fraudwall_app::leads::{HeldBy, Leads};
use serde_json::{Value, json};

use super::truth::Truth;

/// The leads against the truth.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LeadScore {
    pub dealers: usize,
    /// Dealers with `min_cards` or more of their cards, activated in one of their boxes, named
    /// by filed cases: the ones a lead can find.
    pub dealers_findable: usize,
    pub dealers_found: usize,
    pub dealer_leads: usize,
    /// Leads whose box is no dealer's, or whose registrant holds mostly cards no gang used.
    pub dealer_leads_wrong: usize,
    /// The gang_cards accounts that victims of two or more filed cases paid into.
    pub mules_findable: usize,
    pub mule_leads: usize,
    pub mule_leads_true: usize,
}

impl LeadScore {
    /// `named_numbers`: every number the filed cases name; `device_of`: each SIM's activation
    /// device as the operators report it; `paid_by`: each account the filed cases' victims paid,
    /// with the victims who paid it.
    pub fn score(
        leads: &Leads,
        truth: &Truth,
        min_cards: usize,
        named_numbers: &HashSet<String>,
        device_of: &HashMap<String, String>,
        paid_by: &HashMap<String, HashSet<String>>,
    ) -> LeadScore {
        let mut per_box: HashMap<&str, usize> = HashMap::new();
        for number in named_numbers {
            if let Some(device) = device_of.get(number) {
                *per_box.entry(device.as_str()).or_default() += 1;
            }
        }
        let findable: HashSet<&str> = per_box
            .iter()
            .filter(|(_, cards)| **cards >= min_cards)
            .filter_map(|(device, _)| truth.dealer_of_device(device))
            .collect();
        let device_leads: Vec<&str> = leads
            .card_dealers
            .iter()
            .filter(|lead| lead.held_by == HeldBy::Device)
            .map(|lead| lead.holder.as_str())
            .collect();
        let found: HashSet<&str> = device_leads
            .iter()
            .filter_map(|device| truth.dealer_of_device(device))
            .collect();
        let mules_findable = paid_by
            .iter()
            .filter(|(account, victims)| victims.len() >= 2 && truth.fraud_account(account))
            .count();
        LeadScore {
            dealers: truth.dealers(),
            dealers_findable: findable.len(),
            dealers_found: found.len(),
            dealer_leads: leads.card_dealers.len(),
            dealer_leads_wrong: leads
                .card_dealers
                .iter()
                .filter(|lead| match lead.held_by {
                    HeldBy::Device => truth.dealer_of_device(&lead.holder).is_none(),
                    HeldBy::Registrant => {
                        let gang_cards = lead.cards.iter().filter(|c| truth.gang_card(&c.value));
                        2 * gang_cards.count() <= lead.cards.len()
                    }
                })
                .count(),
            mules_findable,
            mule_leads: leads.mule_accounts.len(),
            mule_leads_true: leads
                .mule_accounts
                .iter()
                .filter(|lead| truth.fraud_account(&lead.account))
                .count(),
        }
    }

    pub fn line(&self) -> String {
        format!(
            "chain leads: card dealers found {} of {} ({} with 3 or more cards in the filed cases), \
             {} dealer leads of which {} wrong; mule-account leads {} of which {} true, of {} gang \
             accounts paid by two or more filed victims",
            self.dealers_found,
            self.dealers,
            self.dealers_findable,
            self.dealer_leads,
            self.dealer_leads_wrong,
            self.mule_leads,
            self.mule_leads_true,
            self.mules_findable,
        )
    }

    pub fn json(&self) -> Value {
        json!({
            "dealers": self.dealers, "dealers_findable": self.dealers_findable,
            "dealers_found": self.dealers_found, "dealer_leads": self.dealer_leads,
            "dealer_leads_wrong": self.dealer_leads_wrong, "mules_findable": self.mules_findable,
            "mule_leads": self.mule_leads, "mule_leads_true": self.mule_leads_true,
        })
    }
}
