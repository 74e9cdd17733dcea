use proptest::prelude::*;

use crate::{MemoryLedger, Payment, Rule, Trace, TraceParams, Transfer, trace};

const V: u64 = 1;
const M1: u64 = 11;
const M2: u64 = 12;
const M3: u64 = 13;
const M4: u64 = 14;

fn t(id: u64, from: u64, to: u64, amount: i64, at: i64) -> Transfer {
    Transfer {
        id,
        from,
        to,
        amount,
        at,
    }
}

/// victim → M1 → (M2, M3) → M4, with an earlier unrelated transfer into M2 and an older one
/// out of M4.
fn chain(m2_pays: i64) -> MemoryLedger {
    MemoryLedger::new([
        t(1, 90, M4, 300, 50),
        t(2, 91, M2, 500, 100),
        t(3, M4, 92, 300, 150),
        t(4, V, M1, 10_000, 1_000),
        t(5, M1, M2, 6_000, 1_100),
        t(6, M1, M3, 4_000, 1_110),
        t(7, M2, M4, m2_pays, 1_200),
        t(8, M3, M4, 3_000, 1_300),
    ])
}

fn run(ledger: &MemoryLedger, rule: Rule, at: i64) -> Trace {
    trace(
        ledger,
        &[Payment {
            to: M1,
            amount: 10_000,
            at,
        }],
        TraceParams {
            rule,
            max_depth: 6,
            until: 10_000,
        },
    )
}

fn hops(trace: &Trace) -> Vec<(Option<u64>, u64, i64, u8)> {
    trace
        .hops
        .iter()
        .map(|h| (h.from, h.to, h.amount, h.depth))
        .collect()
}

#[test]
fn the_trace_holds_exactly_the_flow_of_the_victims_money() {
    let trace = run(&chain(6_500), Rule::Fifo, 1_000);
    assert_eq!(
        hops(&trace),
        vec![
            (Some(V), M1, 10_000, 1),
            (Some(M1), M2, 6_000, 2),
            (Some(M1), M3, 4_000, 2),
            // M2 pays its earlier 500 first, then 6,000 of the victim's
            (Some(M2), M4, 6_000, 3),
            (Some(M3), M4, 3_000, 3),
        ]
    );
    // the older transfer out of M4 is not followed; what is left is where a freeze recovers it
    let held: Vec<(u64, i64, u8)> = trace
        .held
        .iter()
        .map(|h| (h.account, h.amount, h.depth))
        .collect();
    assert_eq!(held, vec![(M4, 9_000, 3), (M3, 1_000, 2)]);
    assert_eq!(trace.beyond_depth, 0);
    assert_eq!(trace.held[0].since, 1_200);
}

#[test]
fn each_rule_attributes_its_own_share() {
    let m2_to_m4 = |rule| {
        run(&chain(3_000), rule, 1_000)
            .hops
            .iter()
            .find(|h| h.from == Some(M2))
            .map(|h| h.amount)
    };
    // M2 held 500 of its own and 6,000 of the victim's, and paid 3,000
    assert_eq!(m2_to_m4(Rule::Fifo), Some(2_500));
    assert_eq!(m2_to_m4(Rule::Lifo), Some(3_000));
    assert_eq!(m2_to_m4(Rule::Proportional), Some(6_000 * 3_000 / 6_500));
    assert_eq!(m2_to_m4(Rule::Poison), Some(3_000));
    // poison follows what M4 pays later too, whoever's money it is
    let with_later = MemoryLedger::new([
        t(1, 90, M4, 300, 50),
        t(2, 91, M2, 500, 100),
        t(3, M4, 92, 300, 150),
        t(4, V, M1, 10_000, 1_000),
        t(5, M1, M2, 6_000, 1_100),
        t(6, M1, M3, 4_000, 1_110),
        t(7, M2, M4, 3_000, 1_200),
        t(8, M3, M4, 3_000, 1_300),
        t(9, 93, M4, 50_000, 1_400),
        t(10, M4, 94, 40_000, 1_500),
    ]);
    let poison = run(&with_later, Rule::Poison, 1_000);
    assert!(poison.hops.iter().any(|h| h.to == 94 && h.amount == 40_000));
    // under fifo M4 pays the victim's 5,500 it got first (and M2's own 500 between), then
    // its own
    let fifo = run(&with_later, Rule::Fifo, 1_000);
    assert!(fifo.hops.iter().any(|h| h.to == 94 && h.amount == 5_500));
}

#[test]
fn a_transfer_made_before_the_money_arrived_carries_none_of_it() {
    let trace = run(&chain(6_500), Rule::Fifo, 1_000);
    assert!(trace.hops.iter().all(|h| h.at >= 1_000));
    assert!(!trace.hops.iter().any(|h| h.to == 92));
}

#[test]
fn a_payment_the_records_lack_is_followed_from_the_victims_word_and_a_recorded_one_once() {
    // the victim's time is five minutes off the bank's: still the same transfer
    let recorded = run(&chain(6_500), Rule::Fifo, 1_300);
    assert_eq!(recorded.hops[0].transfer, Some(4));
    assert_eq!(recorded.held.iter().map(|h| h.amount).sum::<i64>(), 10_000);
    // no record of it: the money is taken as arriving when the victim says
    let ledger = MemoryLedger::new([t(5, M1, M2, 6_000, 1_100)]);
    let unrecorded = trace(
        &ledger,
        &[Payment {
            to: M1,
            amount: 10_000,
            at: 1_000,
        }],
        TraceParams {
            rule: Rule::Fifo,
            max_depth: 6,
            until: 10_000,
        },
    );
    assert_eq!(unrecorded.hops[0].transfer, None);
    assert_eq!(unrecorded.hops[1].amount, 6_000);
    let held: Vec<(u64, i64)> = unrecorded
        .held
        .iter()
        .map(|h| (h.account, h.amount))
        .collect();
    assert_eq!(held, vec![(M2, 6_000), (M1, 4_000)]);
}

#[test]
fn the_depth_bounds_the_hops_and_says_what_went_beyond() {
    let ledger = chain(6_500);
    let shallow = trace(
        &ledger,
        &[Payment {
            to: M1,
            amount: 10_000,
            at: 1_000,
        }],
        TraceParams {
            rule: Rule::Fifo,
            max_depth: 2,
            until: 10_000,
        },
    );
    assert!(shallow.hops.iter().all(|h| h.depth <= 2));
    assert_eq!(shallow.beyond_depth, 9_000);
    assert_eq!(shallow.held.iter().map(|h| h.amount).sum::<i64>(), 1_000);
}

fn transfers() -> impl Strategy<Value = Vec<(u64, u64, i64, i64)>> {
    prop::collection::vec((0u64..8, 0u64..8, 1i64..5_000, 0i64..200), 0..60)
}

proptest! {
    /// Under every rule but poison, the victim's money is neither made nor lost: what the
    /// accounts still hold and what went beyond the depth add up to what was paid, and no
    /// transfer carries more of it than its amount.
    #[test]
    fn the_victims_money_is_conserved(raw in transfers(), seed in 1i64..20_000, depth in 1u8..8) {
        let records: Vec<Transfer> = raw
            .iter()
            .enumerate()
            .map(|(i, &(from, to, amount, at))| t(i as u64 + 1, from, to, amount, at))
            .collect();
        let ledger = MemoryLedger::new(records);
        for rule in [Rule::Fifo, Rule::Lifo, Rule::Proportional] {
            let trace = trace(
                &ledger,
                &[Payment { to: 0, amount: seed, at: 50 }],
                TraceParams { rule, max_depth: depth, until: 1_000 },
            );
            let held: i64 = trace.held.iter().map(|h| h.amount).sum();
            prop_assert_eq!(held + trace.beyond_depth, seed, "{:?}", rule);
            for hop in &trace.hops {
                prop_assert!(hop.amount <= hop.total && hop.amount > 0);
                prop_assert!(hop.at >= 50 && hop.depth <= depth);
            }
        }
    }
}
