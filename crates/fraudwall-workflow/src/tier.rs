//! A warning's tier from a score whose every point is explained. The weights and thresholds are
//! data (`TierConfig`, deserializable, every field defaulted), so a centre tunes its policy
//! without a release, and the reasons say which facts made the score.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The four tiers of a warning, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Low,
    Medium,
    High,
    Special,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Low, Tier::Medium, Tier::High, Tier::Special];

    pub fn code(self) -> &'static str {
        match self {
            Tier::Low => "low",
            Tier::Medium => "medium",
            Tier::High => "high",
            Tier::Special => "special",
        }
    }
}

/// One fact that added to the score: a stable code, the fact in words and its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub detail: String,
    pub points: u32,
}

/// What is known of the potential victim's contact with the fraud identifiers that raised the
/// warning. The contact is with a flagged number, link or account by premise: only such
/// contact makes a warning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierInputs {
    /// Total seconds of calls with the fraud numbers.
    pub total_seconds: u32,
    /// Calls, messages, visits and installs with the fraud identifiers.
    pub contacts: u32,
    pub longest_call_seconds: u32,
    /// Transfers already made to flagged accounts, and their total in minor units (fen).
    pub transfers_to_flagged: u32,
    pub amount_to_flagged: u64,
    pub birth_year: Option<i32>,
    /// A taxonomy code such as `pig_butchering_investment`.
    pub fraud_type: Option<String>,
}

/// A band: at least `min` (seconds, contacts, years, minor units) scores `points`. Of a list of
/// bands, the highest one reached counts, so bands do not add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub min: u64,
    pub points: u32,
}

/// An age group: ages `min_age..=max_age` score `points`, reported under `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeGroup {
    pub code: String,
    pub min_age: u32,
    pub max_age: u32,
    pub points: u32,
}

/// Weights and thresholds. Defaults (points):
/// - longest call: 1 min 10, 3 min 25, 10 min 45, 20 min 60;
/// - total call time: 5 min 10, 30 min 20;
/// - contacts: 3 → 10, 5 → 20;
/// - money moving: any transfer to a flagged account 50, plus 10,000 yuan 15, 100,000 yuan 30;
/// - age: 60 and over 15 (`elderly`), 16–22 10 (`student_age`);
/// - fraud type: impersonating police or government 20, pig butchering, elderly-care investment
///   and impersonating the boss 15, fake customer service and fake loans 10;
/// - tiers: medium from 25, high from 50, special from 85.
///
/// So one 25-minute call from a fraud number scores 70 (high), and a 20-second call 0 (low).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TierConfig {
    pub longest_call: Vec<Band>,
    pub total_seconds: Vec<Band>,
    pub contacts: Vec<Band>,
    pub transfer_points: u32,
    pub amount: Vec<Band>,
    pub age_groups: Vec<AgeGroup>,
    pub fraud_types: BTreeMap<String, u32>,
    pub medium: u32,
    pub high: u32,
    pub special: u32,
}

fn bands(list: &[(u64, u32)]) -> Vec<Band> {
    list.iter()
        .map(|&(min, points)| Band { min, points })
        .collect()
}

impl Default for TierConfig {
    fn default() -> Self {
        TierConfig {
            longest_call: bands(&[(60, 10), (180, 25), (600, 45), (1200, 60)]),
            total_seconds: bands(&[(300, 10), (1800, 20)]),
            contacts: bands(&[(3, 10), (5, 20)]),
            transfer_points: 50,
            amount: bands(&[(1_000_000, 15), (10_000_000, 30)]),
            age_groups: vec![
                AgeGroup {
                    code: "elderly".into(),
                    min_age: 60,
                    max_age: 200,
                    points: 15,
                },
                AgeGroup {
                    code: "student_age".into(),
                    min_age: 16,
                    max_age: 22,
                    points: 10,
                },
            ],
            fraud_types: [
                ("impersonate_police_government", 20),
                ("pig_butchering_investment", 15),
                ("elderly_care_investment", 15),
                ("impersonate_boss_acquaintance", 15),
                ("fake_customer_service", 10),
                ("fake_loan_credit", 10),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            medium: 25,
            high: 50,
            special: 85,
        }
    }
}

/// The tier, the score and the reasons that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub tier: Tier,
    pub score: u32,
    pub reasons: Vec<Reason>,
}

fn band(list: &[Band], value: u64) -> Option<&Band> {
    list.iter()
        .filter(|b| value >= b.min)
        .max_by_key(|b| b.points)
}

fn mmss(seconds: u64) -> String {
    format!("{} min {} s", seconds / 60, seconds % 60)
}

/// Scores the inputs; the age is the birth year's distance from `now`'s year.
pub fn assess(inputs: &TierInputs, config: &TierConfig, now: OffsetDateTime) -> Assessment {
    let mut reasons = Vec::new();
    let mut add = |code: &str, detail: String, points: u32| {
        if points > 0 {
            reasons.push(Reason {
                code: code.to_string(),
                detail,
                points,
            });
        }
    };
    let longest = u64::from(inputs.longest_call_seconds);
    if let Some(b) = band(&config.longest_call, longest) {
        add(
            "contact.long_call",
            format!("longest call {} (at least {})", mmss(longest), mmss(b.min)),
            b.points,
        );
    }
    let total = u64::from(inputs.total_seconds);
    if let Some(b) = band(&config.total_seconds, total) {
        add(
            "contact.total_time",
            format!("{} in all on calls (at least {})", mmss(total), mmss(b.min)),
            b.points,
        );
    }
    let contacts = u64::from(inputs.contacts);
    if let Some(b) = band(&config.contacts, contacts) {
        add(
            "contact.repeated",
            format!("{contacts} contacts (at least {})", b.min),
            b.points,
        );
    }
    if inputs.transfers_to_flagged > 0 {
        add(
            "money.moving",
            format!(
                "{} transfers to flagged accounts",
                inputs.transfers_to_flagged
            ),
            config.transfer_points,
        );
        if let Some(b) = band(&config.amount, inputs.amount_to_flagged) {
            add(
                "money.amount",
                format!(
                    "{:.2} yuan to flagged accounts (at least {:.2})",
                    inputs.amount_to_flagged as f64 / 100.0,
                    b.min as f64 / 100.0
                ),
                b.points,
            );
        }
    }
    if let Some(year) = inputs.birth_year {
        let age = now.year() - year;
        if age >= 0 {
            let age = age as u32;
            if let Some(g) = config
                .age_groups
                .iter()
                .filter(|g| (g.min_age..=g.max_age).contains(&age))
                .max_by_key(|g| g.points)
            {
                add(
                    &format!("age.{}", g.code),
                    format!("aged {age}, born {year}"),
                    g.points,
                );
            }
        }
    }
    if let Some(kind) = &inputs.fraud_type
        && let Some(&points) = config.fraud_types.get(kind)
    {
        add("fraud_type", kind.clone(), points);
    }
    let score = reasons.iter().map(|r| r.points).sum();
    let tier = if score >= config.special {
        Tier::Special
    } else if score >= config.high {
        Tier::High
    } else if score >= config.medium {
        Tier::Medium
    } else {
        Tier::Low
    };
    Assessment {
        tier,
        score,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

    fn call(seconds: u32) -> TierInputs {
        TierInputs {
            total_seconds: seconds,
            contacts: 1,
            longest_call_seconds: seconds,
            ..TierInputs::default()
        }
    }

    #[test]
    fn a_25_minute_call_is_high_by_default() {
        let a = assess(&call(25 * 60), &TierConfig::default(), NOW);
        assert!(a.tier >= Tier::High, "{a:?}");
        assert_eq!(a.score, 70);
        let codes: Vec<_> = a.reasons.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["contact.long_call", "contact.total_time"]);
        assert_eq!(
            a.reasons[0].detail,
            "longest call 25 min 0 s (at least 20 min 0 s)"
        );
    }

    #[test]
    fn a_single_20_second_call_is_low() {
        let a = assess(&call(20), &TierConfig::default(), NOW);
        assert_eq!(a.tier, Tier::Low);
        assert_eq!(a.score, 0);
        assert!(a.reasons.is_empty());
    }

    #[test]
    fn money_moving_from_an_elderly_victim_is_special() {
        let inputs = TierInputs {
            transfers_to_flagged: 2,
            amount_to_flagged: 5_000_000,
            birth_year: Some(1950),
            fraud_type: Some("impersonate_police_government".into()),
            ..call(600)
        };
        let a = assess(&inputs, &TierConfig::default(), NOW);
        assert_eq!(a.tier, Tier::Special);
        assert!(
            a.reasons
                .iter()
                .any(|r| r.code == "age.elderly" && r.detail == "aged 76, born 1950")
        );
        assert!(a.reasons.iter().any(|r| r.code == "money.amount"));
    }

    #[test]
    fn repeated_short_contacts_are_medium() {
        let inputs = TierInputs {
            contacts: 6,
            total_seconds: 400,
            longest_call_seconds: 50,
            ..Default::default()
        };
        assert_eq!(
            assess(&inputs, &TierConfig::default(), NOW).tier,
            Tier::Medium
        );
    }

    #[test]
    fn config_reads_partially_from_json_with_defaults() {
        let config: TierConfig = serde_json::from_str(r#"{"high": 80}"#).unwrap();
        assert_eq!(config.high, 80);
        assert_eq!(config.medium, 25);
        assert_eq!(assess(&call(25 * 60), &config, NOW).tier, Tier::Medium);
        assert!(serde_json::from_str::<TierConfig>(r#"{"hihg": 80}"#).is_err());
    }
}
