//! Random batches of puts and removes leave the store's live set equal to a plain map's.

use std::collections::{HashMap, HashSet};

use fraudwall_lists::entry::{Attributes, Change, Identifier, List, OnExisting, Outcome, Source};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use time::macros::datetime;

use super::{Backend, attrs, nth_number};
use crate::{EntryFilter, LiveRow, Store};

#[derive(Debug, Clone)]
enum Op {
    Put {
        list: List,
        n: u32,
        attributes: Attributes,
        on_existing: OnExisting,
    },
    Remove {
        list: List,
        n: u32,
    },
}

fn list() -> impl Strategy<Value = List> {
    prop_oneof![Just(List::Black), Just(List::Gray), Just(List::White)]
}

fn attributes() -> impl Strategy<Value = Attributes> {
    let source = prop_oneof![
        Just(Source::Report),
        Just(Source::Import),
        Just(Source::Official)
    ];
    (
        source,
        prop_oneof![Just(0.5f32), Just(1.0f32)],
        any::<bool>(),
    )
        .prop_map(|(source, confidence, typed)| {
            let mut a = attrs(source);
            a.confidence = confidence;
            a.fraud_type = typed.then(|| "investment".to_owned());
            a
        })
}

fn op() -> impl Strategy<Value = Op> {
    let on_existing = prop_oneof![Just(OnExisting::Keep), Just(OnExisting::Replace)];
    prop_oneof![
        3 => (list(), 0..5u32, attributes(), on_existing).prop_map(
            |(list, n, attributes, on_existing)| Op::Put { list, n, attributes, on_existing }
        ),
        1 => (list(), 0..5u32).prop_map(|(list, n)| Op::Remove { list, n }),
    ]
}

fn change(op: &Op, numbers: &[Identifier]) -> Change {
    match op {
        Op::Put {
            list,
            n,
            attributes,
            on_existing,
        } => Change::Put {
            list: *list,
            identifier: numbers[*n as usize].clone(),
            attributes: attributes.clone(),
            on_existing: *on_existing,
        },
        Op::Remove { list, n } => Change::Remove {
            list: *list,
            kind: numbers[*n as usize].kind,
            value: numbers[*n as usize].value.clone(),
        },
    }
}

/// The semantics of `apply_list_changes`, over a map.
#[derive(Default)]
struct Model {
    live: HashMap<(List, u32), Attributes>,
    version: u64,
}

impl Model {
    fn apply(&mut self, batch: &[Op], allow_official: bool) -> Vec<Outcome> {
        let mut put_in_batch = HashSet::new();
        let outcomes: Vec<Outcome> = batch
            .iter()
            .map(|op| match op {
                Op::Put {
                    list,
                    n,
                    attributes,
                    on_existing,
                } => {
                    let k = (*list, *n);
                    let official = attributes.source == Source::Official;
                    match self.live.get(&k) {
                        None if official && !allow_official => Outcome::Forbidden,
                        None => {
                            self.live.insert(k, attributes.clone());
                            put_in_batch.insert(k);
                            Outcome::Added
                        }
                        Some(current)
                            if put_in_batch.contains(&k)
                                || *on_existing == OnExisting::Keep
                                || current == attributes =>
                        {
                            put_in_batch.insert(k);
                            Outcome::Duplicate
                        }
                        Some(current)
                            if (official || current.source == Source::Official)
                                && !allow_official =>
                        {
                            Outcome::Forbidden
                        }
                        Some(_) => {
                            self.live.insert(k, attributes.clone());
                            put_in_batch.insert(k);
                            Outcome::Updated
                        }
                    }
                }
                Op::Remove { list, n } => {
                    let k = (*list, *n);
                    match self.live.get(&k) {
                        None => Outcome::NotFound,
                        Some(current) if current.source == Source::Official && !allow_official => {
                            Outcome::Forbidden
                        }
                        Some(_) => {
                            self.live.remove(&k);
                            put_in_batch.remove(&k);
                            Outcome::Removed
                        }
                    }
                }
            })
            .collect();
        if outcomes.iter().any(|o| o.changed()) {
            self.version += 1;
        }
        outcomes
    }
}

type Batches = Vec<(Vec<Op>, bool)>;

fn batches() -> impl Strategy<Value = Batches> {
    prop::collection::vec((prop::collection::vec(op(), 0..8), any::<bool>()), 1..8)
}

/// Applies `batches` to a fresh store and to the model, and compares them throughout.
fn follow(store: &dyn Store, batches: &Batches) -> Result<(), TestCaseError> {
    let numbers: Vec<Identifier> = (0..5).map(nth_number).collect();
    let mut model = Model::default();
    for (batch, allow_official) in batches {
        let changes: Vec<Change> = batch.iter().map(|op| change(op, &numbers)).collect();
        let applied = store
            .apply_list_changes(&changes, "prop", *allow_official)
            .unwrap();
        let expected = model.apply(batch, *allow_official);
        prop_assert_eq!(&applied.outcomes, &expected);
        prop_assert_eq!(applied.version, model.version);
    }

    let stored: HashMap<(List, u32), Attributes> = store
        .list_entries(&EntryFilter::default(), 0, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|entry| {
            let n = numbers
                .iter()
                .position(|id| *id == entry.identifier)
                .unwrap() as u32;
            ((entry.list, n), entry.attributes)
        })
        .collect();
    prop_assert_eq!(&stored, &model.live);

    let mut scanned = Vec::new();
    let version = store
        .scan_live_entries(datetime!(2025-06-01 00:00:00 UTC), &mut |row: &LiveRow<
            '_,
        >| {
            scanned.push((row.list, row.key, row.source))
        })
        .unwrap();
    prop_assert_eq!(version, model.version);
    scanned.sort_by_key(|row| (row.0, row.1));
    let mut expected: Vec<_> = model
        .live
        .iter()
        .map(|((list, n), a)| (*list, numbers[*n as usize].key, a.source))
        .collect();
    expected.sort_by_key(|row| (row.0, row.1));
    prop_assert_eq!(scanned, expected);
    Ok(())
}

/// Random batches of puts and removes, each run on a fresh store.
pub fn the_live_set_follows_a_model(backend: &dyn Backend) {
    // no regression files: the suite runs inside other crates, whose sources it must not touch
    let config = Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&batches(), |batches| {
        let store = backend.open();
        follow(&*store, &batches)
    });
    if let Err(err) = result {
        panic!("{err}");
    }
}
