//! The evaluation's figures: per channel and per day, what the node flagged (warn, block or
//! hold) against what the truth says was fraud.

use super::funds::FundsScore;
use super::leads::LeadScore;
use super::linking::Linking;
use super::warnings::WarningScore;
use std::fmt::Write;

use fraudwall_sim::separability::Rule;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Call,
    Sms,
    Url,
    App,
    Transfer,
}

impl Channel {
    const ALL: [Channel; 5] = [
        Channel::Call,
        Channel::Sms,
        Channel::Url,
        Channel::App,
        Channel::Transfer,
    ];

    fn name(self) -> &'static str {
        match self {
            Channel::Call => "calls",
            Channel::Sms => "sms",
            Channel::Url => "links",
            Channel::App => "apps",
            Channel::Transfer => "transfers",
        }
    }
}

/// A confusion count.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub records: u64,
    pub fraud: u64,
    pub flagged: u64,
    pub caught: u64,
}

impl Tally {
    fn add(&mut self, fraud: bool, flagged: bool) {
        self.records += 1;
        self.fraud += u64::from(fraud);
        self.flagged += u64::from(flagged);
        self.caught += u64::from(fraud && flagged);
    }

    fn precision(&self) -> Option<f64> {
        (self.flagged > 0).then(|| self.caught as f64 / self.flagged as f64)
    }

    fn recall(&self) -> Option<f64> {
        (self.fraud > 0).then(|| self.caught as f64 / self.fraud as f64)
    }

    fn json(&self) -> Value {
        json!({
            "records": self.records, "fraud": self.fraud, "flagged": self.flagged,
            "caught": self.caught, "precision": self.precision(), "recall": self.recall(),
        })
    }
}

#[derive(Debug)]
pub struct Report {
    days: Vec<(u32, String)>,
    /// `[day][channel]`.
    tallies: Vec<[Tally; 5]>,
    /// Calls and SMS from gang numbers no list held at the start.
    pub fresh_numbers: Tally,
    /// Entries the operator's lists held at the start.
    pub seeded: u64,
    pub cases: u64,
    /// Cases the node refused to file (a field in error).
    pub cases_refused: u64,
    pub clues: u64,
    /// Records whose event the decision path refused as invalid (scored as allowed).
    pub invalid: u64,
    pub seconds: f64,
    /// The best single-threshold rule on each per-number and per-account statistic: if one
    /// gave the fraud away, the province would teach nothing.
    pub baseline: Vec<Rule>,
    /// How the filed cases' clusters match the gangs.
    pub linking: Linking,
    pub leads: LeadScore,
    pub funds: FundsScore,
    /// Transfers held by each reason, and of them how many moved no fraud's money.
    pub held_by_reason: std::collections::BTreeMap<String, (usize, usize)>,
    pub warnings: WarningScore,
}

impl Report {
    pub fn new(days: Vec<(u32, String)>) -> Report {
        Report {
            tallies: vec![[Tally::default(); 5]; days.len().max(1)],
            days,
            fresh_numbers: Tally::default(),
            seeded: 0,
            cases: 0,
            cases_refused: 0,
            clues: 0,
            invalid: 0,
            seconds: 0.0,
            baseline: Vec::new(),
            linking: Linking::default(),
            leads: LeadScore::default(),
            funds: FundsScore::default(),
            held_by_reason: std::collections::BTreeMap::new(),
            warnings: WarningScore::default(),
        }
    }

    pub fn count(&mut self, day: usize, channel: Channel, fraud: bool, flagged: bool, fresh: bool) {
        let day = day.min(self.tallies.len() - 1);
        self.tallies[day][channel as usize].add(fraud, flagged);
        if fresh {
            self.fresh_numbers.add(true, flagged);
        }
    }

    fn total(&self, channel: Channel) -> Tally {
        let mut total = Tally::default();
        for day in &self.tallies {
            let t = day[channel as usize];
            total.records += t.records;
            total.fraud += t.fraud;
            total.flagged += t.flagged;
            total.caught += t.caught;
        }
        total
    }

    fn records(&self) -> u64 {
        Channel::ALL.iter().map(|&c| self.total(c).records).sum()
    }

    pub fn table(&self) -> String {
        let mut out = String::new();
        let percent = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{:.1}%", v * 100.0));
        let _ = writeln!(
            out,
            "interception (flagged = warn, block or hold), against the scenario's truth"
        );
        let _ = writeln!(
            out,
            "{:<10} {:<11} {:>10} {:>8} {:>8} {:>8} {:>10} {:>8}",
            "day", "channel", "records", "fraud", "flagged", "caught", "precision", "recall"
        );
        let mut row = |label: &str, channel: Channel, t: &Tally| {
            let _ = writeln!(
                out,
                "{:<10} {:<11} {:>10} {:>8} {:>8} {:>8} {:>10} {:>8}",
                label,
                channel.name(),
                t.records,
                t.fraud,
                t.flagged,
                t.caught,
                percent(t.precision()),
                percent(t.recall())
            );
        };
        for (index, (_, date)) in self.days.iter().enumerate() {
            for channel in Channel::ALL {
                row(date, channel, &self.tallies[index][channel as usize]);
            }
        }
        for channel in Channel::ALL {
            row("all days", channel, &self.total(channel));
        }
        let fresh = &self.fresh_numbers;
        let _ = writeln!(
            out,
            "calls and sms from gang numbers no list held at the start: {} of {} caught ({})",
            fresh.caught,
            fresh.fraud,
            percent(fresh.recall())
        );
        let _ = writeln!(
            out,
            "the best single-threshold rule on one statistic, against the truth (F1 below 0.8: no statistic alone gives fraud away)"
        );
        for rule in &self.baseline {
            let _ = writeln!(out, "  {rule}");
        }
        let _ = writeln!(
            out,
            "{} ({} cases refused)",
            self.linking.line(),
            self.cases_refused
        );
        let _ = writeln!(out, "{}", self.leads.line());
        let _ = writeln!(out, "{}", self.funds.line());
        let _ = writeln!(out, "{}", self.funds.stopped_line());
        let by_reason: Vec<String> = self
            .held_by_reason
            .iter()
            .map(|(code, (held, legitimate))| format!("{code} {held} ({legitimate} legitimate)"))
            .collect();
        let _ = writeln!(out, "transfers held by reason: {}", by_reason.join(", "));
        let _ = writeln!(out, "{}", self.warnings.line());
        let _ = writeln!(
            out,
            "replay: {} records, {} cases, {} clues, {} seeded list entries in {:.1} s ({:.0} records/s)",
            self.records(),
            self.cases,
            self.clues,
            self.seeded,
            self.seconds,
            self.records() as f64 / self.seconds.max(1e-9)
        );
        out
    }

    pub fn json(&self) -> Value {
        let channels = |tallies: &[Tally; 5]| -> Value {
            Channel::ALL
                .iter()
                .map(|&c| (c.name().to_owned(), tallies[c as usize].json()))
                .collect::<serde_json::Map<_, _>>()
                .into()
        };
        let totals: [Tally; 5] = Channel::ALL.map(|c| self.total(c));
        json!({
            "interception": {
                "days": self.days.iter().zip(&self.tallies).map(|((day, date), tallies)| json!({
                    "day": day, "date": date, "channels": channels(tallies),
                })).collect::<Vec<_>>(),
                "all_days": channels(&totals),
                "fresh_numbers": self.fresh_numbers.json(),
            },
            "baseline": self.baseline.iter().map(|rule| json!({
                "statistic": rule.statistic, "threshold": rule.threshold, "above": rule.above,
                "f1": rule.f1, "precision": rule.precision, "recall": rule.recall,
                "positives": rule.positives, "population": rule.population,
            })).collect::<Vec<_>>(),
            "linking": self.linking.json(), "cases_refused": self.cases_refused,
            "leads": self.leads.json(), "funds": self.funds.json(),
            "held_by_reason": self.held_by_reason.iter()
                .map(|(code, (held, legitimate))| (code.clone(), json!({"held": held, "legitimate": legitimate})))
                .collect::<serde_json::Map<String, Value>>(),
            "warnings": self.warnings.json(),
            "replay": {
                "records": self.records(), "cases": self.cases, "clues": self.clues,
                "seeded_entries": self.seeded, "invalid_events": self.invalid,
                "seconds": self.seconds,
                "records_per_second": self.records() as f64 / self.seconds.max(1e-9),
            },
        })
    }
}
