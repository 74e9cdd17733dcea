//! The scenario's ground truth, as labels for records: which numbers, domains, apps, accounts
//! and messages were fraud's, and when.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use serde_json::Value;

use super::scenario::{open_lines, seconds};

/// A time window in Unix seconds; an open end is unbounded.
#[derive(Debug, Clone, Copy)]
struct Window {
    from: i64,
    to: i64,
}

impl Window {
    fn holds(self, t: i64) -> bool {
        self.from <= t && t <= self.to
    }
}

#[derive(Debug, Default)]
pub struct Truth {
    numbers: HashMap<String, Vec<Window>>,
    /// Numbers the operator's lists held at the start.
    listed_numbers: HashSet<String>,
    domains: HashMap<String, Vec<Window>>,
    apps: HashSet<String>,
    accounts: HashSet<String>,
    /// `sender recipient time` of every fraud SMS.
    messages: HashSet<String>,
    /// The gang behind each filed case (a victim's or a target's who did not pay), by the
    /// scenario's case id.
    case_gangs: HashMap<String, String>,
    /// The victim (story) behind each filed case, and the transfers that laundered each
    /// victim's money, as `(from_account, to_account)`.
    case_stories: HashMap<String, String>,
    laundering: HashMap<String, Vec<(String, String)>>,
    /// Accounts the gangs cash out from: money there is gone (the records hold no
    /// withdrawals).
    cashout: HashSet<String>,
    /// The card dealer behind each SIM box, by the box's device id.
    dealer_devices: HashMap<String, String>,
    dealers: usize,
    /// Everyone a gang worked on, by phone, with their first payment's time if they paid.
    people: HashMap<String, Option<i64>>,
}

#[derive(Deserialize)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    value: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    listed_at_start: bool,
    sender: Option<String>,
    recipient: Option<String>,
    time: Option<String>,
    case: Option<String>,
    gang: Option<String>,
    id: Option<String>,
    #[serde(default)]
    devices: Vec<String>,
    story: Option<String>,
    from_account: Option<String>,
    to_account: Option<String>,
    layer: Option<Value>,
    phone: Option<String>,
    #[serde(default)]
    payments: Vec<PaidAt>,
}

#[derive(Deserialize)]
struct PaidAt {
    time: Option<String>,
}

impl Truth {
    pub fn load(path: &Path) -> anyhow::Result<Truth> {
        let mut truth = Truth::default();
        for (number, line) in open_lines(path)?.lines().enumerate() {
            let line = line.with_context(|| format!("cannot read {}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let at = || format!("{}:{}", path.display(), number + 1);
            let parsed: Line = serde_json::from_str(&line).with_context(at)?;
            let window = || -> anyhow::Result<Window> {
                Ok(Window {
                    from: parsed
                        .from
                        .as_deref()
                        .map(seconds)
                        .transpose()
                        .with_context(at)?
                        .unwrap_or(i64::MIN),
                    to: parsed
                        .to
                        .as_deref()
                        .map(seconds)
                        .transpose()
                        .with_context(at)?
                        .unwrap_or(i64::MAX),
                })
            };
            match (parsed.kind.as_str(), parsed.value.clone()) {
                ("number", Some(value)) => {
                    if parsed.listed_at_start {
                        truth.listed_numbers.insert(value.clone());
                    }
                    truth.numbers.entry(value).or_default().push(window()?);
                }
                ("domain", Some(value)) => {
                    truth
                        .domains
                        .entry(value.to_ascii_lowercase())
                        .or_default()
                        .push(window()?);
                }
                ("app", Some(value)) => {
                    truth.apps.insert(value);
                }
                ("account", Some(value)) => {
                    if parsed.layer.as_ref().and_then(Value::as_str) == Some("cashout") {
                        truth.cashout.insert(value.clone());
                    }
                    truth.accounts.insert(value);
                }
                ("dealer", _) => {
                    truth.dealers += 1;
                    if let Some(dealer) = &parsed.id {
                        for device in &parsed.devices {
                            truth.dealer_devices.insert(device.clone(), dealer.clone());
                        }
                    }
                }
                ("victim" | "target", _) => {
                    if let Some(phone) = &parsed.phone {
                        let first = parsed
                            .payments
                            .iter()
                            .filter_map(|p| p.time.as_deref().and_then(|t| seconds(t).ok()))
                            .min();
                        let known = truth.people.entry(phone.clone()).or_default();
                        *known = match (*known, first) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                    }
                    if let (Some(case), Some(gang)) = (&parsed.case, &parsed.gang) {
                        truth.case_gangs.insert(case.clone(), gang.clone());
                    }
                    if let (Some(case), Some(story)) = (&parsed.case, &parsed.id) {
                        truth.case_stories.insert(case.clone(), story.clone());
                    }
                }
                ("hop", _) => {
                    if let (Some(story), Some(from), Some(to)) =
                        (&parsed.story, &parsed.from_account, &parsed.to_account)
                    {
                        truth
                            .laundering
                            .entry(story.clone())
                            .or_default()
                            .push((from.clone(), to.clone()));
                    }
                }
                ("message", _) => {
                    let (Some(sender), Some(recipient), Some(time)) =
                        (&parsed.sender, &parsed.recipient, &parsed.time)
                    else {
                        anyhow::bail!("{}: a message without sender, recipient or time", at());
                    };
                    truth.messages.insert(message_key(
                        sender,
                        recipient,
                        seconds(time).with_context(at)?,
                    ));
                }
                _ => {}
            }
        }
        Ok(truth)
    }

    /// Everyone a gang worked on, by phone, with the time of their first payment if they paid.
    pub fn people(&self) -> &HashMap<String, Option<i64>> {
        &self.people
    }

    /// The number was a gang's, in use at `t`.
    pub fn fraud_number(&self, number: &str, t: i64) -> bool {
        self.numbers
            .get(number)
            .is_some_and(|windows| windows.iter().any(|w| w.holds(t)))
    }

    pub fn listed_at_start(&self, number: &str) -> bool {
        self.listed_numbers.contains(number)
    }

    pub fn fraud_message(&self, sender: &str, recipient: &str, t: i64) -> bool {
        self.messages.contains(&message_key(sender, recipient, t))
    }

    /// The URL's host is, or lies under, a gang's domain in use at `t`.
    pub fn fraud_url(&self, url: &str, t: i64) -> bool {
        let mut host = host_of(url);
        loop {
            if self
                .domains
                .get(host.as_str())
                .is_some_and(|windows| windows.iter().any(|w| w.holds(t)))
            {
                return true;
            }
            match host.split_once('.') {
                Some((_, parent)) if parent.contains('.') => host = parent.to_owned(),
                _ => return false,
            }
        }
    }

    pub fn fraud_app(&self, package: &str) -> bool {
        self.apps.contains(package)
    }

    pub fn fraud_account(&self, account: &str) -> bool {
        self.accounts.contains(account)
    }

    /// The gang behind a filed case.
    pub fn case_gang(&self, case: &str) -> Option<&str> {
        self.case_gangs.get(case).map(String::as_str)
    }

    /// Every number a gang used, whenever.
    pub fn fraud_numbers(&self) -> HashSet<String> {
        self.numbers.keys().cloned().collect()
    }

    pub fn fraud_accounts(&self) -> &HashSet<String> {
        &self.accounts
    }

    /// The number or account was a gang's, at some time.
    pub fn gang_card(&self, value: &str) -> bool {
        self.accounts.contains(value) || self.numbers.contains_key(value)
    }

    /// The transfers between mule accounts that laundered the money of the victim behind a
    /// filed case.
    pub fn laundering_of_case(&self, case: &str) -> &[(String, String)] {
        self.case_stories
            .get(case)
            .and_then(|story| self.laundering.get(story))
            .map_or(&[], Vec::as_slice)
    }

    /// Every transfer that laundered any victim's money.
    pub fn laundering(&self) -> impl Iterator<Item = &(String, String)> {
        self.laundering.values().flatten()
    }

    pub fn cashout_accounts(&self) -> &HashSet<String> {
        &self.cashout
    }

    /// The card dealer who activated cards in `device`, if one did.
    pub fn dealer_of_device(&self, device: &str) -> Option<&str> {
        self.dealer_devices.get(device).map(String::as_str)
    }

    pub fn dealers(&self) -> usize {
        self.dealers
    }
}

fn message_key(sender: &str, recipient: &str, t: i64) -> String {
    format!("{sender} {recipient} {t}")
}

/// The host of a URL as the scenario writes them (scheme, host, optional port and path).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    rest[..end].trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_their_parents_match_domains_in_their_window() {
        let mut truth = Truth::default();
        truth
            .domains
            .insert("evil.example".into(), vec![Window { from: 10, to: 20 }]);
        assert_eq!(
            host_of("https://WWW.Evil.example:8443/a?b"),
            "www.evil.example"
        );
        assert!(truth.fraud_url("https://www.evil.example/x", 15));
        assert!(!truth.fraud_url("https://www.evil.example/x", 25));
        assert!(!truth.fraud_url("https://notevil.example/x", 15));
    }
}
