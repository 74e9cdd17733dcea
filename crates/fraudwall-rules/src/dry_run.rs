//! What a candidate rule set would change: events replayed through the rules in force and
//! through the candidate, over the same lists, with the decisions that differ counted.

use std::collections::BTreeMap;

use crate::decision::Verdict;
use crate::engine::{Engine, Scratch};
use crate::event::Event;
use crate::ruleset::RuleSet;

/// What a candidate rule set would change over some events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRun {
    /// The version of the rule set in force.
    pub current: String,
    /// The version of the candidate.
    pub candidate: String,
    /// Events replayed.
    pub events: u64,
    /// How many would get another verdict.
    pub changed: u64,
    /// How many changed from one verdict to another, ordered by verdict then new verdict.
    pub transitions: Vec<Transition>,
    /// The first changed decisions, in event order.
    pub examples: Vec<ChangedDecision>,
}

/// Decisions that moved from one verdict to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: Verdict,
    pub to: Verdict,
    pub count: u64,
}

/// One decision the candidate would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedDecision {
    /// The event's kind: call, sms, url, app or transfer.
    pub kind: &'static str,
    pub from: Verdict,
    pub to: Verdict,
    /// The candidate's reason codes.
    pub reasons: Vec<String>,
}

impl DryRun {
    /// Decides every event with `engine`'s rules and with `candidate`, over `engine`'s lists,
    /// and keeps up to `max_examples` of the decisions that differ.
    pub fn replay<'a>(
        engine: &Engine,
        candidate: &RuleSet,
        events: impl IntoIterator<Item = &'a Event>,
        max_examples: usize,
    ) -> DryRun {
        let mut scratch = Scratch::new();
        // ordered, so that two runs over the same events report alike
        let mut transitions: BTreeMap<(Verdict, Verdict), u64> = BTreeMap::new();
        let mut examples = Vec::new();
        let mut replayed = 0;
        let mut changed = 0;
        for event in events {
            replayed += 1;
            let before = engine.decide(event, &mut scratch).verdict;
            let after = engine.decide_with(candidate, event, &mut scratch);
            if before == after.verdict {
                continue;
            }
            changed += 1;
            *transitions.entry((before, after.verdict)).or_default() += 1;
            if examples.len() < max_examples {
                examples.push(ChangedDecision {
                    kind: event.kind(),
                    from: before,
                    to: after.verdict,
                    reasons: after.reasons.iter().map(|r| r.code.to_owned()).collect(),
                });
            }
        }
        DryRun {
            current: engine.rules().version.clone(),
            candidate: candidate.version.clone(),
            events: replayed,
            changed,
            transitions: transitions
                .into_iter()
                .map(|((from, to), count)| Transition { from, to, count })
                .collect(),
            examples,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use fraudwall_ids::phone::{PhoneNormalizer, Region};
    use fraudwall_lists::entry::{Identifier, Kind, List, Severity, Source};
    use fraudwall_lists::snapshot::{ListingSpec, SnapshotBuilder};

    use super::*;
    use crate::event::Call;
    use crate::ruleset::RulesFormat;

    const BLACK: &str = "13800138001";
    const GRAY: &str = "13800138002";
    const CLEAN: &str = "13800138003";

    fn rules(version: &str, black: &str, gray: &str) -> RuleSet {
        let document = format!(
            "version = \"{version}\"\n\
             [[rule]]\nid = \"black\"\nwhen = [\"caller.black\"]\nverdict = \"{black}\"\nrisk = 1.0\n\
             [[rule]]\nid = \"gray\"\nwhen = [\"caller.gray\"]\nverdict = \"{gray}\"\nrisk = 0.5\n"
        );
        RuleSet::parse(&document, RulesFormat::Toml).unwrap()
    }

    fn engine(rules: RuleSet) -> Engine {
        let normalizer = PhoneNormalizer::new(Region::CN);
        let mut builder = SnapshotBuilder::new([16; fraudwall_lists::entry::Table::COUNT]);
        for (list, raw) in [(List::Black, BLACK), (List::Gray, GRAY)] {
            let identifier = Identifier::parse(Kind::Number, raw, &normalizer).unwrap();
            let spec = ListingSpec {
                source: Source::Analyst,
                severity: Severity::Normal,
                confidence: 0.9,
                fraud_type: None,
            };
            builder.add(list, identifier.table(), identifier.key, &spec);
        }
        Engine::new(builder.finish(1), Arc::new(rules), None, Region::CN)
    }

    fn call(caller: &str) -> Event {
        let normalizer = PhoneNormalizer::new(Region::CN);
        Event::Call(Call {
            caller: normalizer.normalize(caller).unwrap(),
            callee: normalizer.normalize("13900139000").unwrap(),
            attestation: None,
            gateway: None,
        })
    }

    #[test]
    fn a_replay_counts_the_changed_verdicts_and_caps_the_examples() {
        let engine = engine(rules("now", "block", "warn"));
        let candidate = rules("next", "block", "block");
        let events = [call(GRAY), call(BLACK), call(CLEAN), call(GRAY), call(GRAY)];
        let run = DryRun::replay(&engine, &candidate, &events, 2);
        assert_eq!(
            (run.current.as_str(), run.candidate.as_str()),
            ("now", "next")
        );
        assert_eq!((run.events, run.changed), (5, 3));
        assert_eq!(
            run.transitions,
            [Transition {
                from: Verdict::Warn,
                to: Verdict::Block,
                count: 3,
            }]
        );
        let example = ChangedDecision {
            kind: "call",
            from: Verdict::Warn,
            to: Verdict::Block,
            reasons: vec!["gray".to_owned()],
        };
        assert_eq!(run.examples, [example.clone(), example]);
    }

    #[test]
    fn transitions_come_in_verdict_order() {
        let engine = engine(rules("now", "block", "warn"));
        let candidate = rules("next", "warn", "allow");
        let events = [call(GRAY), call(BLACK), call(CLEAN)];
        let run = DryRun::replay(&engine, &candidate, &events, 0);
        let transitions: Vec<_> = run
            .transitions
            .iter()
            .map(|t| (t.from, t.to, t.count))
            .collect();
        assert_eq!(
            transitions,
            [
                (Verdict::Warn, Verdict::Allow, 1),
                (Verdict::Block, Verdict::Warn, 1),
            ]
        );
        assert_eq!(run.changed, 2);
        assert!(run.examples.is_empty());
    }
}
