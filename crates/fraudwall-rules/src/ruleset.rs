//! Rule sets: data, not code. A versioned TOML or JSON document maps conditions on signals to
//! a verdict and a risk; it is validated as a whole, so a rule set with one bad rule is refused
//! and the running one stays.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use crate::decision::Verdict;
use crate::signals::{Measure, Role, Signal, Signals, Standing};

/// The rule set fraudwall starts with.
pub const DEFAULT_RULES: &str = include_str!("../rules/default.toml");

/// Which events a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Call,
    Sms,
    Url,
    App,
    Transfer,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::Call,
        EventKind::Sms,
        EventKind::Url,
        EventKind::App,
        EventKind::Transfer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Call => "call",
            EventKind::Sms => "sms",
            EventKind::Url => "url",
            EventKind::App => "app",
            EventKind::Transfer => "transfer",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The format a rule set is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesFormat {
    Toml,
    Json,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RulesError {
    #[error("rule set does not parse: {0}")]
    Syntax(String),
    #[error("rule set needs a non-empty version")]
    NoVersion,
    #[error("rule set has no rules")]
    NoRules,
    #[error("rule {rule:?}: unknown signal {signal:?}")]
    UnknownSignal { rule: String, signal: String },
    #[error(
        "rule {rule:?}: unknown measure {measure:?}; expected text.risk, amount or list.confidence"
    )]
    UnknownMeasure { rule: String, measure: String },
    #[error("rule {rule:?}: unknown event kind {kind:?}; expected call, sms, url, app or transfer")]
    UnknownEvent { rule: String, kind: String },
    #[error("rule {rule:?}: unknown verdict {verdict:?}; expected allow, warn, block or hold")]
    UnknownVerdict { rule: String, verdict: String },
    #[error("rule {rule:?}: risk must be a number from 0 to 1 or a measure name")]
    BadRisk { rule: String },
    #[error("rule {rule:?}: has no condition, so it would match every event")]
    NoCondition { rule: String },
    #[error("rule id {0:?} is used twice")]
    DuplicateId(String),
    #[error("rule {rule:?}: id and reason must be snake_case (a-z, 0-9, _), at most 64 characters")]
    BadName { rule: String },
}

impl RulesError {
    pub fn code(&self) -> &'static str {
        match self {
            RulesError::Syntax(_) => "rules_syntax",
            RulesError::NoVersion => "rules_no_version",
            RulesError::NoRules => "rules_empty",
            RulesError::UnknownSignal { .. } => "rules_unknown_signal",
            RulesError::UnknownMeasure { .. } => "rules_unknown_measure",
            RulesError::UnknownEvent { .. } => "rules_unknown_event",
            RulesError::UnknownVerdict { .. } => "rules_unknown_verdict",
            RulesError::BadRisk { .. } => "rules_bad_risk",
            RulesError::NoCondition { .. } => "rules_no_condition",
            RulesError::DuplicateId(_) => "rules_duplicate_id",
            RulesError::BadName { .. } => "rules_bad_name",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSetDocument {
    version: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleDocument>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RiskDocument {
    Fixed(f64),
    Measure(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDocument {
    id: String,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    when: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    at_least: BTreeMap<String, f64>,
    #[serde(default)]
    below: BTreeMap<String, f64>,
    verdict: String,
    risk: RiskDocument,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default, rename = "final")]
    is_final: bool,
}

/// Where a matched rule takes its risk from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Risk {
    Fixed(f32),
    Measured(Measure),
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    /// Bit per [`EventKind`]; every kind when the document names none.
    events: u8,
    all: u128,
    none: u128,
    at_least: Vec<(Measure, f64)>,
    below: Vec<(Measure, f64)>,
    pub verdict: Verdict,
    pub risk: Risk,
    /// The reason code a match reports.
    pub reason: String,
    pub detail: String,
    pub is_final: bool,
    /// The rule's first list signal: whose entry, on which list, the detail names.
    pub subject: Option<(Role, Standing)>,
}

impl Rule {
    #[inline]
    pub fn matches(&self, kind: EventKind, signals: &Signals) -> bool {
        self.events & kind.bit() != 0
            && signals.bits & self.all == self.all
            && signals.bits & self.none == 0
            && self
                .at_least
                .iter()
                .all(|&(measure, bound)| signals.measure(measure) >= bound)
            && self
                .below
                .iter()
                .all(|&(measure, bound)| signals.measure(measure) < bound)
    }

    /// Whether the rule holds only when `signal` is raised.
    pub fn requires(&self, signal: Signal) -> bool {
        self.all & signal.bit() != 0
    }

    pub fn risk_for(&self, signals: &Signals) -> f32 {
        match self.risk {
            Risk::Fixed(risk) => risk,
            Risk::Measured(measure) => signals.measure(measure).clamp(0.0, 1.0) as f32,
        }
    }
}

/// A validated, versioned rule set.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    pub version: String,
    pub description: Option<String>,
    pub rules: Vec<Rule>,
    /// The document as given, so it can be read back exactly.
    pub source: String,
    pub format: RulesFormat,
}

impl RuleSet {
    /// The rule set fraudwall ships with.
    pub fn builtin() -> RuleSet {
        RuleSet::parse(DEFAULT_RULES, RulesFormat::Toml).expect("the default rules are valid")
    }

    pub fn parse(text: &str, format: RulesFormat) -> Result<RuleSet, RulesError> {
        let document: RuleSetDocument = match format {
            RulesFormat::Toml => {
                toml::from_str(text).map_err(|e| RulesError::Syntax(e.message().to_owned()))?
            }
            RulesFormat::Json => {
                serde_json::from_str(text).map_err(|e| RulesError::Syntax(e.to_string()))?
            }
        };
        if document.version.trim().is_empty() {
            return Err(RulesError::NoVersion);
        }
        if document.rules.is_empty() {
            return Err(RulesError::NoRules);
        }
        let mut seen = HashSet::new();
        let mut rules = Vec::with_capacity(document.rules.len());
        for rule in document.rules {
            if !seen.insert(rule.id.clone()) {
                return Err(RulesError::DuplicateId(rule.id));
            }
            rules.push(compile(rule)?);
        }
        Ok(RuleSet {
            version: document.version,
            description: document.description,
            rules,
            source: text.to_owned(),
            format,
        })
    }

    /// Calls `matched` with every rule that holds, in order, stopping after a final one.
    #[inline]
    pub fn evaluate<'r>(
        &'r self,
        kind: EventKind,
        signals: &Signals,
        mut matched: impl FnMut(&'r Rule),
    ) {
        for rule in &self.rules {
            if rule.matches(kind, signals) {
                matched(rule);
                if rule.is_final {
                    return;
                }
            }
        }
    }
}

fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn compile(rule: RuleDocument) -> Result<Rule, RulesError> {
    let id = rule.id;
    let reason = rule.reason.unwrap_or_else(|| id.clone());
    if !is_snake_case(&id) || !is_snake_case(&reason) {
        return Err(RulesError::BadName { rule: id });
    }
    let signal = |name: &String| {
        Signal::parse(name).ok_or_else(|| RulesError::UnknownSignal {
            rule: id.clone(),
            signal: name.clone(),
        })
    };
    let mut all = 0u128;
    let mut subject = None;
    for name in &rule.when {
        let signal = signal(name)?;
        if let (None, Signal::List(role, standing)) = (subject, signal) {
            subject = Some((role, standing));
        }
        all |= signal.bit();
    }
    let mut none = 0u128;
    for name in &rule.unless {
        none |= signal(name)?.bit();
    }
    let measures = |bounds: BTreeMap<String, f64>| {
        bounds
            .into_iter()
            .map(|(name, bound)| {
                Measure::parse(&name).map(|m| (m, bound)).ok_or_else(|| {
                    RulesError::UnknownMeasure {
                        rule: id.clone(),
                        measure: name,
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let at_least = measures(rule.at_least)?;
    let below = measures(rule.below)?;
    if all == 0 && at_least.is_empty() && below.is_empty() {
        return Err(RulesError::NoCondition { rule: id });
    }
    let mut events = 0u8;
    for name in &rule.events {
        let kind = EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| RulesError::UnknownEvent {
                rule: id.clone(),
                kind: name.clone(),
            })?;
        events |= kind.bit();
    }
    if events == 0 {
        events = EventKind::ALL.iter().fold(0, |bits, k| bits | k.bit());
    }
    let verdict = match rule.verdict.as_str() {
        "allow" => Verdict::Allow,
        "warn" => Verdict::Warn,
        "block" => Verdict::Block,
        "hold" => Verdict::Hold,
        _ => {
            return Err(RulesError::UnknownVerdict {
                rule: id,
                verdict: rule.verdict,
            });
        }
    };
    let risk = match rule.risk {
        RiskDocument::Fixed(risk) if (0.0..=1.0).contains(&risk) => Risk::Fixed(risk as f32),
        RiskDocument::Measure(name) => match Measure::parse(&name) {
            Some(measure) => Risk::Measured(measure),
            None => return Err(RulesError::BadRisk { rule: id }),
        },
        RiskDocument::Fixed(_) => return Err(RulesError::BadRisk { rule: id }),
    };
    let detail = rule.detail.unwrap_or_else(|| reason.replace('_', " "));
    Ok(Rule {
        id,
        events,
        all,
        none,
        at_least,
        below,
        verdict,
        risk,
        reason,
        detail,
        is_final: rule.is_final,
        subject,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rules_are_valid() {
        let rules = RuleSet::builtin();
        assert_eq!(rules.version, "default-4");
        assert!(rules.rules.len() > 20);
    }

    fn one_rule(body: &str) -> Result<RuleSet, RulesError> {
        RuleSet::parse(
            &format!("version = \"t\"\n[[rule]]\nid = \"r\"\n{body}"),
            RulesFormat::Toml,
        )
    }

    #[test]
    fn bad_rules_are_refused_with_their_own_codes() {
        let cases = [
            (
                "when = [\"caller.purple\"]\nverdict = \"block\"\nrisk = 1.0",
                "rules_unknown_signal",
            ),
            (
                "when = [\"caller.black\"]\nverdict = \"smash\"\nrisk = 1.0",
                "rules_unknown_verdict",
            ),
            (
                "when = [\"caller.black\"]\nverdict = \"block\"\nrisk = 1.5",
                "rules_bad_risk",
            ),
            (
                "when = [\"caller.black\"]\nverdict = \"block\"\nrisk = \"vibes\"",
                "rules_bad_risk",
            ),
            ("verdict = \"block\"\nrisk = 1.0", "rules_no_condition"),
            (
                "events = [\"fax\"]\nwhen = [\"caller.black\"]\nverdict = \"block\"\nrisk = 1.0",
                "rules_unknown_event",
            ),
            (
                "at_least = { \"mood\" = 1.0 }\nverdict = \"block\"\nrisk = 1.0",
                "rules_unknown_measure",
            ),
            (
                "when = [\"caller.black\"]\nverdict = \"block\"\nrisk = 1.0\ncolour = \"red\"",
                "rules_syntax",
            ),
            (
                "when = [\"caller.black\"]\nverdict = \"block\"\nrisk = 1.0\nreason = \"Bad Reason\"",
                "rules_bad_name",
            ),
        ];
        for (body, code) in cases {
            let error = one_rule(body).unwrap_err();
            assert_eq!(error.code(), code, "{body}: {error}");
        }
        let twice = "version = \"t\"\n[[rule]]\nid = \"a\"\nwhen = [\"url.black\"]\nverdict = \"block\"\nrisk = 1.0\n[[rule]]\nid = \"a\"\nwhen = [\"url.gray\"]\nverdict = \"warn\"\nrisk = 0.5";
        assert_eq!(
            RuleSet::parse(twice, RulesFormat::Toml).unwrap_err().code(),
            "rules_duplicate_id"
        );
    }

    #[test]
    fn json_rule_sets_read_the_same_as_toml() {
        let json = r#"{"version": "j1", "rule": [{"id": "r", "when": ["url.black"], "verdict": "block", "risk": 0.9}]}"#;
        let rules = RuleSet::parse(json, RulesFormat::Json).unwrap();
        assert_eq!(rules.rules[0].reason, "r");
        assert_eq!(rules.rules[0].subject, Some((Role::Url, Standing::Black)));
    }

    #[test]
    fn rules_match_on_all_none_and_measures_and_stop_at_final() {
        let text = r#"
            version = "t"
            [[rule]]
            id = "white"
            when = ["caller.white"]
            unless = ["caller.black_fatal"]
            verdict = "allow"
            risk = 0.0
            final = true
            [[rule]]
            id = "black"
            when = ["caller.black"]
            verdict = "block"
            risk = 0.9
            [[rule]]
            id = "text"
            events = ["sms"]
            at_least = { "text.risk" = 0.8 }
            verdict = "warn"
            risk = "text.risk"
        "#;
        let rules = RuleSet::parse(text, RulesFormat::Toml).unwrap();
        let ids = |kind, signals: &Signals| {
            let mut ids = Vec::new();
            rules.evaluate(kind, signals, |rule| ids.push(rule.id.clone()));
            ids
        };
        let mut signals = Signals::default();
        signals.raise(Signal::List(Role::Caller, Standing::White));
        signals.raise(Signal::List(Role::Caller, Standing::Black));
        assert_eq!(ids(EventKind::Call, &signals), ["white"]);
        signals.raise(Signal::List(Role::Caller, Standing::BlackFatal));
        assert_eq!(ids(EventKind::Call, &signals), ["black"]);

        let mut sms = Signals::default();
        sms.set_measure(Measure::TextRisk, 0.85);
        assert_eq!(ids(EventKind::Sms, &sms), ["text"]);
        assert_eq!(ids(EventKind::Call, &sms), Vec::<String>::new());
        assert_eq!(rules.rules[2].risk_for(&sms), 0.85);
        sms.set_measure(Measure::TextRisk, 0.5);
        assert!(ids(EventKind::Sms, &sms).is_empty());
    }
}
