use fraudwall_lists::entry::Kind;
use hashbrown::{HashMap, HashSet};
use proptest::prelude::*;

use crate::{CaseInput, CaseIx, LinkError, LinkKey, Linker, Occurrence, Role};

/// A minute boundary: postings keep times to the minute.
const T0: i64 = 1_700_000_040;

fn number(n: u64) -> Occurrence {
    Occurrence {
        key: LinkKey::new(Kind::Number, n),
        kind: Kind::Number,
        ident: n,
        at: Some(T0 + n as i64 % 1000 * 60),
        role: Role::Contact,
    }
}

fn paid(account: u64) -> Occurrence {
    Occurrence {
        key: LinkKey::new(Kind::Account, account),
        kind: Kind::Account,
        ident: account,
        at: Some(T0),
        role: Role::Payment,
    }
}

fn input(external: u64) -> CaseInput<'static> {
    CaseInput {
        external,
        victim: 1000 + external,
        loss_cents: 10_000,
        reported_at: T0 + external as i64 * 3600,
        territory: "500101",
        fraud_type: "fake_customer_service",
    }
}

fn add(linker: &mut Linker, external: u64, occurrences: &[Occurrence]) -> CaseIx {
    linker.add_case(&input(external), occurrences).unwrap()
}

#[test]
fn cases_sharing_an_identifier_are_one_cluster_and_others_stay_alone() {
    let mut linker = Linker::new();
    let a = add(&mut linker, 1, &[number(1), paid(77)]);
    let b = add(&mut linker, 2, &[number(2), paid(77)]);
    let c = add(&mut linker, 3, &[number(1)]);
    let alone = add(&mut linker, 4, &[number(9)]);
    assert_eq!(linker.cluster(a), linker.cluster(b));
    assert_eq!(linker.cluster(a), linker.cluster(c));
    assert_eq!(linker.cluster_size(a), 3);
    assert_eq!(linker.cluster_size(alone), 1);
    let mut members: Vec<CaseIx> = linker.members(b).collect();
    members.sort();
    assert_eq!(members, vec![a, b, c]);
    assert_eq!(linker.members(alone).collect::<Vec<_>>(), vec![alone]);
}

#[test]
fn the_same_case_twice_is_refused() {
    let mut linker = Linker::new();
    add(&mut linker, 1, &[number(1)]);
    assert_eq!(
        linker.add_case(&input(1), &[number(2)]),
        Err(LinkError::DuplicateCase(1))
    );
    assert_eq!(linker.cases(), 1);
}

#[test]
fn a_never_link_value_links_nothing_now_or_later() {
    let mut linker = Linker::new();
    let hotline = number(96110);
    let a = add(&mut linker, 1, &[hotline, number(5)]);
    let b = add(&mut linker, 2, &[hotline]);
    assert_eq!(linker.cluster_size(a), 2);
    assert_eq!(linker.never_link(hotline.key, Kind::Number, 96110), 2);
    assert_eq!(linker.cluster_size(a), 1);
    assert_eq!(linker.cluster_size(b), 1);
    let c = add(&mut linker, 3, &[hotline]);
    assert_eq!(linker.cluster_size(c), 1);
    assert!(linker.links(a).is_empty());
    // the mark is undone: every case naming it joins again
    linker.allow_link(hotline.key);
    assert_eq!(linker.cluster_size(c), 3);
}

#[test]
fn a_hub_of_three_hundred_cases_is_one_cluster_with_the_hub_as_its_first_link() {
    let mut linker = Linker::new();
    let hub = number(17100000001);
    let mut first = 0;
    for i in 0..300u64 {
        let case = add(&mut linker, i + 1, &[hub, number(20_000 + i)]);
        if i == 0 {
            first = case;
        }
    }
    assert_eq!(linker.cluster_size(first), 300);
    let links = linker.links(first);
    assert_eq!(links.len(), 1, "only the hub joins cases");
    assert_eq!(links[0].key, hub.key);
    assert_eq!(links[0].postings.len(), 300);
    assert!(
        links[0]
            .postings
            .windows(2)
            .all(|w| w[0].minute() <= w[1].minute())
    );
}

#[test]
fn a_cut_splits_the_cluster_as_the_remaining_links_say_and_a_restore_joins_it_again() {
    let mut linker = Linker::new();
    // a —x— b —y— c
    let (x, y) = (number(1), number(2));
    let a = add(&mut linker, 1, &[x]);
    let b = add(&mut linker, 2, &[x, y]);
    let c = add(&mut linker, 3, &[y]);
    assert_eq!(linker.cluster_size(a), 3);
    let parts = linker.cut(b, x.key).unwrap();
    assert_eq!(parts.iter().map(|p| p.1).collect::<Vec<_>>(), vec![2, 1]);
    assert_eq!(linker.cluster_size(a), 1);
    assert_eq!(linker.cluster(b), linker.cluster(c));
    assert_eq!(linker.cut(b, x.key), Err(LinkError::AlreadyCut));
    assert_eq!(linker.postings(x.key).len(), 1);
    // a new case on x joins a, not b
    let d = add(&mut linker, 4, &[x]);
    assert_eq!(linker.cluster(d), linker.cluster(a));
    assert_ne!(linker.cluster(d), linker.cluster(b));
    assert_eq!(linker.restore(b, x.key), Ok(4));
    assert_eq!(linker.restore(b, x.key), Err(LinkError::NotCut));
}

#[test]
fn a_cut_on_an_identifier_the_case_does_not_name_is_refused() {
    let mut linker = Linker::new();
    let a = add(&mut linker, 1, &[number(1)]);
    add(&mut linker, 2, &[number(2)]);
    assert_eq!(linker.cut(a, number(2).key), Err(LinkError::NotNamed));
    assert_eq!(linker.cut(a, number(3).key), Err(LinkError::NotNamed));
    assert_eq!(linker.cut(9, number(1).key), Err(LinkError::UnknownCase(9)));
}

#[test]
fn an_identifier_named_twice_in_one_case_is_one_posting_at_its_first_time() {
    let mut linker = Linker::new();
    let mut early = number(1);
    early.at = Some(T0);
    let mut late = number(1);
    late.at = Some(T0 + 86_400);
    let a = add(&mut linker, 1, &[late, early]);
    let b = add(&mut linker, 2, &[number(1)]);
    let postings = linker.postings(early.key);
    assert_eq!(postings.len(), 2);
    let of_a = postings.iter().find(|p| p.case == a).unwrap();
    assert_eq!(of_a.at(), Some(T0));
    assert_eq!(linker.cluster(a), linker.cluster(b));
}

#[test]
fn edited_timelines_link_through_what_they_add() {
    let mut linker = Linker::new();
    let a = add(&mut linker, 1, &[number(1)]);
    let b = add(&mut linker, 2, &[number(2)]);
    assert_eq!(linker.cluster_size(a), 1);
    linker.add_occurrences(b, &[number(1), number(2)]).unwrap();
    assert_eq!(linker.cluster_size(a), 2);
    assert_eq!(linker.postings(number(2).key).len(), 1);
    // the added identifier can be cut like any other
    linker.cut(b, number(1).key).unwrap();
    assert_eq!(linker.cluster_size(a), 1);
}

#[test]
fn a_summary_counts_victims_once_and_ranks_places_and_types() {
    let mut linker = Linker::new();
    let hub = number(1);
    let mut one = input(1);
    one.territory = "500103";
    let first = linker.add_case(&one, &[hub]).unwrap();
    add(&mut linker, 2, &[hub]);
    let mut again = input(3);
    again.victim = input(2).victim;
    again.fraud_type = "fake_loan_credit";
    linker.add_case(&again, &[hub]).unwrap();
    let summary = linker.summary(first);
    assert_eq!(summary.cases, 3);
    assert_eq!(summary.victims, 2);
    assert_eq!(summary.loss_cents, 30_000);
    assert_eq!(
        summary.territories,
        vec![("500101".to_owned(), 2), ("500103".to_owned(), 1)]
    );
    assert_eq!(
        summary.fraud_types[0],
        ("fake_customer_service".to_owned(), 2)
    );
    assert_eq!(summary.first_reported, input(1).reported_at);
    assert_eq!(summary.last_reported, input(3).reported_at);
    assert_eq!(summary.links.len(), 1);
}

#[test]
fn an_account_paid_by_three_victims_is_a_mule_lead_and_one_victim_paying_thrice_is_not() {
    let mut linker = Linker::new();
    for i in 1..=3 {
        add(&mut linker, i, &[paid(555)]);
    }
    for i in 4..=6 {
        let mut same = input(i);
        same.victim = 42;
        linker.add_case(&same, &[paid(666)]).unwrap();
    }
    // named as a contact, not paid: not a mule's sign
    for i in 7..=9 {
        let mut contact = paid(777);
        contact.role = Role::Contact;
        add(&mut linker, i, &[contact]);
    }
    let leads = linker.mule_accounts(3);
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].account, 555);
    assert_eq!(leads[0].victims, 3);
}

#[test]
fn a_holder_behind_three_cards_in_cases_is_a_dealer_lead() {
    let mut linker = Linker::new();
    add(&mut linker, 1, &[number(1), paid(11)]);
    add(&mut linker, 2, &[number(2)]);
    add(&mut linker, 3, &[number(3), number(4)]);
    let holder = |kind: Kind, ident: u64| match (kind, ident) {
        (Kind::Number, 1 | 2) | (Kind::Account, 11) => Some(900),
        (Kind::Number, 3 | 4) => Some(901),
        _ => None,
    };
    let leads = linker.card_dealers(3, holder);
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].holder, 900);
    assert_eq!(leads[0].cards.len(), 3);
    assert_eq!(linker.hubs(2).len(), 0);
}

#[derive(Debug, Clone)]
enum Step {
    Add(Vec<u8>),
    Cut(usize, u8),
    Restore(usize, u8),
    Never(u8),
    Allow(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => proptest::collection::vec(0u8..24, 0..4).prop_map(Step::Add),
        2 => (0usize..64, 0u8..24).prop_map(|(c, k)| Step::Cut(c, k)),
        1 => (0usize..64, 0u8..24).prop_map(|(c, k)| Step::Restore(c, k)),
        1 => (0u8..24).prop_map(Step::Never),
        1 => (0u8..24).prop_map(Step::Allow),
    ]
}

/// Clusters computed from scratch: cases joined by every named, uncut identifier that may
/// link.
fn reference(named: &[Vec<u8>], cut: &HashSet<(usize, u8)>, never: &HashSet<u8>) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..named.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            x = parent[x];
        }
        x
    }
    let mut first: HashMap<u8, usize> = HashMap::new();
    for (case, keys) in named.iter().enumerate() {
        for &k in keys {
            if never.contains(&k) || cut.contains(&(case, k)) {
                continue;
            }
            match first.get(&k) {
                Some(&other) => {
                    let (a, b) = (find(&mut parent, case), find(&mut parent, other));
                    parent[a] = b;
                }
                None => {
                    first.insert(k, case);
                }
            }
        }
    }
    (0..named.len()).map(|c| find(&mut parent, c)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn clusters_always_equal_the_components_of_what_is_left(steps in proptest::collection::vec(step(), 1..60)) {
        let mut linker = Linker::new();
        let mut named: Vec<Vec<u8>> = Vec::new();
        let mut cut = HashSet::new();
        let mut never = HashSet::new();
        for step in steps {
            match step {
                Step::Add(keys) => {
                    let occurrences: Vec<Occurrence> = keys.iter().map(|&k| number(u64::from(k))).collect();
                    let external = named.len() as u64 + 1;
                    linker.add_case(&input(external), &occurrences).unwrap();
                    let mut distinct = keys.clone();
                    distinct.sort();
                    distinct.dedup();
                    named.push(distinct);
                }
                Step::Cut(case, k) if case < named.len() => {
                    let result = linker.cut(case as CaseIx, number(u64::from(k)).key);
                    let expected_ok = named[case].contains(&k) && !cut.contains(&(case, k));
                    prop_assert_eq!(result.is_ok(), expected_ok, "cut {} {}: {:?}", case, k, result);
                    if expected_ok {
                        cut.insert((case, k));
                    }
                }
                Step::Restore(case, k) if case < named.len() => {
                    let result = linker.restore(case as CaseIx, number(u64::from(k)).key);
                    prop_assert_eq!(result.is_ok(), cut.remove(&(case, k)));
                }
                Step::Never(k) => {
                    linker.never_link(number(u64::from(k)).key, Kind::Number, u64::from(k));
                    never.insert(k);
                }
                Step::Allow(k) => {
                    linker.allow_link(number(u64::from(k)).key);
                    never.remove(&k);
                }
                _ => {}
            }
            let roots = reference(&named, &cut, &never);
            for a in 0..named.len() {
                let members: HashSet<CaseIx> = linker.members(a as CaseIx).collect();
                let expected: HashSet<CaseIx> = (0..named.len())
                    .filter(|&b| roots[b] == roots[a])
                    .map(|b| b as CaseIx)
                    .collect();
                prop_assert_eq!(linker.cluster_size(a as CaseIx) as usize, expected.len());
                prop_assert_eq!(members, expected);
            }
        }
    }
}
