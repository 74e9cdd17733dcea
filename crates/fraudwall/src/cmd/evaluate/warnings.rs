//! Early warning against the province's truth: counter-inspection from the cases filed,
//! scored by who it reached and when.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::truth::Truth;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarningScore {
    /// Everyone a gang worked on (victims who paid and targets who did not).
    pub worked_on: u64,
    pub worked_on_warned: u64,
    /// Everyone a gang's number, link, app or account was in contact with (the people it
    /// worked on among them): the potential victims.
    pub contacted: u64,
    pub contacted_warned: u64,
    /// Victims with a payment, and those warned before their first one.
    pub victims: u64,
    pub victims_warned_before_payment: u64,
    /// Median seconds from the warning to the first payment it preceded.
    pub median_lead_s: Option<i64>,
    pub warnings: u64,
    /// Warnings of people no gang identifier was ever in contact with.
    pub false_warnings: u64,
    pub subscribers: u64,
    pub by_tier: HashMap<String, u64>,
}

impl WarningScore {
    /// `warned` holds each warned subscriber's first warning time (scenario seconds) and tier.
    pub fn score(
        warned: &HashMap<String, (i64, String)>,
        fraud_contacted: &HashSet<String>,
        truth: &Truth,
        subscribers: u64,
    ) -> WarningScore {
        let mut score = WarningScore {
            warnings: warned.len() as u64,
            subscribers,
            ..WarningScore::default()
        };
        let mut leads = Vec::new();
        let people = truth.people();
        let potential: HashSet<&String> = people.keys().chain(fraud_contacted).collect();
        score.contacted = potential.len() as u64;
        score.contacted_warned = potential
            .iter()
            .filter(|p| warned.contains_key(**p))
            .count() as u64;
        for (phone, first_payment) in people {
            score.worked_on += 1;
            let warning = warned.get(phone).map(|(at, _)| *at);
            if warning.is_some() {
                score.worked_on_warned += 1;
            }
            if let Some(paid) = first_payment {
                score.victims += 1;
                if let Some(at) = warning.filter(|at| at < paid) {
                    score.victims_warned_before_payment += 1;
                    leads.push(paid - at);
                }
            }
        }
        for (phone, (_, tier)) in warned {
            *score.by_tier.entry(tier.clone()).or_default() += 1;
            if !potential.contains(phone) {
                score.false_warnings += 1;
            }
        }
        leads.sort_unstable();
        score.median_lead_s = leads.get(leads.len() / 2).copied();
        score
    }

    fn share(part: u64, whole: u64) -> f64 {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    }

    pub fn false_per_10k(&self) -> f64 {
        Self::share(self.false_warnings, self.subscribers) * 10_000.0
    }

    pub fn line(&self) -> String {
        format!(
            "warnings: {} people warned ({} false: {:.1} per 10,000 subscribers); victims warned before their first payment {} of {} ({:.1}%), median lead {}; people the gangs worked on warned {} of {} ({:.1}%); everyone a gang identifier reached warned {} of {} ({:.1}%)",
            self.warnings,
            self.false_warnings,
            self.false_per_10k(),
            self.victims_warned_before_payment,
            self.victims,
            100.0 * Self::share(self.victims_warned_before_payment, self.victims),
            self.median_lead_s
                .map(|s| format!("{:.1} h", s as f64 / 3_600.0))
                .unwrap_or_else(|| "-".to_owned()),
            self.worked_on_warned,
            self.worked_on,
            100.0 * Self::share(self.worked_on_warned, self.worked_on),
            self.contacted_warned,
            self.contacted,
            100.0 * Self::share(self.contacted_warned, self.contacted),
        )
    }

    pub fn json(&self) -> Value {
        json!({
            "worked_on": self.worked_on, "worked_on_warned": self.worked_on_warned,
            "contacted": self.contacted, "contacted_warned": self.contacted_warned,
            "victims": self.victims,
            "victims_warned_before_payment": self.victims_warned_before_payment,
            "median_lead_s": self.median_lead_s, "warnings": self.warnings,
            "false_warnings": self.false_warnings, "subscribers": self.subscribers,
            "false_per_10k": self.false_per_10k(), "by_tier": self.by_tier,
        })
    }
}
