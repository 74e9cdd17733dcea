//! The whole SMS decision on the held-out set (`data/sms/heldout/`), which nothing was trained,
//! tuned or chosen on: each message as an SMS from an unlisted sender, decided by the bundled
//! model and the default rules over empty lists. The bounds are the targets: fraud recall (a
//! `warn` or `block`) at least 0.85 and false alarms on legitimate look-alikes at most 2%, in
//! each language. A retrained model or a changed rule that loses them fails here.

use std::sync::Arc;

use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::snapshot::Snapshot;
use fraudwall_rules::{Engine, Event, RuleSet, Scratch, Sms, Verdict};
use fraudwall_text::{Model, NORMAL};

#[test]
fn the_decision_catches_fraud_it_never_saw_and_spares_legitimate_look_alikes() {
    let engine = Engine::new(
        Snapshot::empty(),
        Arc::new(RuleSet::builtin()),
        Some(Arc::new(Model::bundled().expect("bundled model"))),
        Region::CN,
    );
    let numbers = PhoneNormalizer::new(Region::CN);
    let mut scratch = Scratch::new();
    for file in ["zh.csv", "en.csv"] {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/sms/heldout/");
        let mut reader = csv::Reader::from_path(format!("{path}{file}")).expect("held-out set");
        let (mut fraud, mut caught, mut normal, mut false_alarms) =
            (0usize, 0usize, 0usize, 0usize);
        for record in reader.records() {
            let record = record.expect("well-formed csv");
            let event = Event::Sms(Sms {
                sender: numbers.normalize("13912345678").unwrap().into(),
                recipient: numbers.normalize("13800000000").unwrap(),
                text: record[1].to_owned(),
            });
            let verdict = engine.decide(&event, &mut scratch).verdict;
            let flagged = matches!(verdict, Verdict::Warn | Verdict::Block | Verdict::Hold);
            if &record[0] == NORMAL {
                normal += 1;
                false_alarms += usize::from(flagged);
            } else {
                fraud += 1;
                caught += usize::from(flagged);
            }
        }
        assert_eq!((fraud, normal), (156, 160), "{file}: the set changed");
        let recall = caught as f64 / fraud as f64;
        let false_alarm_rate = false_alarms as f64 / normal as f64;
        eprintln!("{file}: recall {recall:.3}, false alarms {false_alarm_rate:.3}");
        assert!(recall >= 0.85, "{file}: recall {recall:.3}");
        assert!(
            false_alarm_rate <= 0.02,
            "{file}: false alarms {false_alarm_rate:.3}"
        );
    }
}
