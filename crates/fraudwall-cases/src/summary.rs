//! What an analyst reads first about a cluster: how many cases and victims, the loss, where
//! and when, which fraud types, and the identifiers that hold it together.

use hashbrown::{HashMap, HashSet};

use crate::linker::{CaseIx, Link, Linker};

/// A cluster in figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSummary {
    pub cases: u32,
    /// Distinct victims: one victim's several reports count once.
    pub victims: u32,
    pub loss_cents: i64,
    /// Territory codes with their case counts, most cases first.
    pub territories: Vec<(String, u32)>,
    /// Fraud-type codes with their case counts, most cases first.
    pub fraud_types: Vec<(String, u32)>,
    /// The first and last report, unix seconds.
    pub first_reported: i64,
    pub last_reported: i64,
    /// The identifiers named by two or more of its cases, most cases first.
    pub links: Vec<Link>,
}

impl Linker {
    /// The summary of the cluster holding `case`.
    pub fn summary(&self, case: CaseIx) -> ClusterSummary {
        let mut victims = HashSet::new();
        let mut territories: HashMap<u32, u32> = HashMap::new();
        let mut fraud_types: HashMap<u32, u32> = HashMap::new();
        let mut loss_cents = 0i64;
        let mut first = u32::MAX;
        let mut last = 0u32;
        let mut cases = 0;
        for m in self.members(case) {
            let facts = self.facts(m);
            cases += 1;
            victims.insert(facts.victim);
            loss_cents = loss_cents.saturating_add(facts.loss_cents);
            *territories.entry(facts.territory).or_default() += 1;
            *fraud_types.entry(facts.fraud_type).or_default() += 1;
            first = first.min(facts.reported_minute);
            last = last.max(facts.reported_minute);
        }
        ClusterSummary {
            cases,
            victims: victims.len() as u32,
            loss_cents,
            territories: self.ranked(territories),
            fraud_types: self.ranked(fraud_types),
            first_reported: i64::from(first) * 60,
            last_reported: i64::from(last) * 60,
            links: self.links(case),
        }
    }

    fn ranked(&self, counts: HashMap<u32, u32>) -> Vec<(String, u32)> {
        let mut ranked: Vec<(String, u32)> = counts
            .into_iter()
            .filter(|(label, _)| !self.label_text(*label).is_empty())
            .map(|(label, n)| (self.label_text(label).to_owned(), n))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked
    }
}
