//! Properties of the state machines under any sequence of operations at increasing `now`.

use std::collections::BTreeMap;

use proptest::prelude::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::WorkflowError;
use crate::freeze::{FreezeDraft, FreezeEventKind, FreezeLimits, FreezeRequest};
use crate::tier::Tier;
use crate::warning::{LadderConfig, Outcome, Warning, WarningDraft, WarningStatus};

const T0: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

#[derive(Debug, Clone)]
enum WarningOp {
    Acknowledge(usize),
    Close(usize),
    Tick,
}

fn warning_op() -> impl Strategy<Value = (u32, WarningOp)> {
    let op = prop_oneof![
        (0usize..5).prop_map(WarningOp::Acknowledge),
        (0usize..5).prop_map(WarningOp::Close),
        Just(WarningOp::Tick),
        Just(WarningOp::Tick),
    ];
    (0u32..90, op)
}

fn units() -> BTreeMap<String, String> {
    [("station", "district"), ("district", "city")]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn new_warning(tier: usize) -> Warning {
    let draft = WarningDraft {
        id: "w".into(),
        subscriber: "+8613800000001".into(),
        territory: "350102".into(),
        unit: "station".into(),
        tier: Tier::ALL[tier],
        reasons: vec![],
    };
    Warning::new(draft, &LadderConfig::default(), T0).unwrap()
}

fn apply_warning(
    w: &mut Warning,
    op: &WarningOp,
    now: OffsetDateTime,
    units: &BTreeMap<String, String>,
) -> Result<(), WorkflowError> {
    match *op {
        WarningOp::Acknowledge(step) => w.acknowledge(step, "officer", now),
        WarningOp::Close(o) => w.close(Outcome::ALL[o], "officer", now).map(|_| ()),
        WarningOp::Tick => {
            w.tick(now, units);
            Ok(())
        }
    }
}

fn check_log(version: u64, versions: impl Iterator<Item = u64>) {
    let versions: Vec<u64> = versions.collect();
    assert_eq!(versions, (1..=version).collect::<Vec<_>>());
}

proptest! {
    #[test]
    fn a_warning_closes_only_with_an_outcome_and_never_moves_after(
        tier in 0usize..4,
        ops in prop::collection::vec(warning_op(), 0..40),
    ) {
        let units = units();
        let mut w = new_warning(tier);
        let mut now = T0;
        for (advance, op) in ops {
            now += Duration::minutes(i64::from(advance));
            let before = w.clone();
            let result = apply_warning(&mut w, &op, now, &units);
            if before.is_closed() {
                prop_assert_eq!(&w, &before);
                prop_assert!(!matches!(op, WarningOp::Tick) || result.is_ok());
            }
            if result.is_err() {
                prop_assert_eq!(&w, &before);
            }
            prop_assert_eq!(w.status == WarningStatus::Closed, w.closure.is_some());
            check_log(w.version, w.events.iter().map(|e| e.version));
        }
    }

    #[test]
    fn ticking_a_warning_again_at_the_same_now_changes_nothing(
        tier in 0usize..4,
        ops in prop::collection::vec(warning_op(), 0..30),
        last in 0u32..600,
    ) {
        let units = units();
        let mut w = new_warning(tier);
        let mut now = T0;
        for (advance, op) in ops {
            now += Duration::minutes(i64::from(advance));
            let _ = apply_warning(&mut w, &op, now, &units);
        }
        now += Duration::minutes(i64::from(last));
        w.tick(now, &units);
        let once = w.clone();
        prop_assert!(w.tick(now, &units).is_empty());
        prop_assert_eq!(&w, &once);
        prop_assert!(w.due().is_none_or(|d| d > now));
    }
}

#[derive(Debug, Clone)]
enum FreezeOp {
    Acknowledge,
    StopPayment,
    Freeze(u64),
    Renew,
    MarkUnrelated(u64),
    ReleaseUnrelated,
    OrderReturn,
    Returned,
    Release,
    Reject,
    Appeal,
    Tick,
}

fn freeze_op() -> impl Strategy<Value = (u32, FreezeOp)> {
    let op = prop_oneof![
        Just(FreezeOp::Acknowledge),
        Just(FreezeOp::StopPayment),
        Just(FreezeOp::StopPayment),
        Just(FreezeOp::StopPayment),
        (1u64..1200).prop_map(FreezeOp::Freeze),
        Just(FreezeOp::Renew),
        (1u64..600).prop_map(FreezeOp::MarkUnrelated),
        Just(FreezeOp::ReleaseUnrelated),
        Just(FreezeOp::OrderReturn),
        Just(FreezeOp::Returned),
        Just(FreezeOp::Release),
        Just(FreezeOp::Reject),
        Just(FreezeOp::Appeal),
        Just(FreezeOp::Tick),
    ];
    (0u32..60, op)
}

fn apply(r: &mut FreezeRequest, op: &FreezeOp, now: OffsetDateTime, limits: &FreezeLimits) -> bool {
    let by = "someone";
    match *op {
        FreezeOp::Acknowledge => r.acknowledge(by, now).is_ok(),
        FreezeOp::StopPayment => r.stop_payment(by, now, limits).is_ok(),
        FreezeOp::Freeze(amount) => r.freeze(amount, by, now, limits).is_ok(),
        FreezeOp::Renew => r.renew(by, now, limits).is_ok(),
        FreezeOp::MarkUnrelated(amount) => r.mark_unrelated(amount, by, now, limits).is_ok(),
        FreezeOp::ReleaseUnrelated => r.release_unrelated(by, now).is_ok(),
        FreezeOp::OrderReturn => r.order_return(by, now, limits).is_ok(),
        FreezeOp::Returned => r.returned(by, now).is_ok(),
        FreezeOp::Release => r.release("no longer needed", by, now).is_ok(),
        FreezeOp::Reject => r.reject("not our customer", by, now).is_ok(),
        FreezeOp::Appeal => r.appeal_upheld(by, now).is_ok(),
        FreezeOp::Tick => !r.tick(now).is_empty(),
    }
}

proptest! {
    #[test]
    fn stop_payments_never_exceed_two_per_account(
        prior in 0u8..=2,
        ops in prop::collection::vec(freeze_op(), 0..50),
    ) {
        let limits = FreezeLimits::default();
        let draft = FreezeDraft {
            id: "f".into(),
            case: "c".into(),
            account: "a".into(),
            bank: "b".into(),
            amount: 1000,
            reason: "case c".into(),
            appeal: None,
            prior_stop_payments: prior,
        };
        let mut r = FreezeRequest::new(draft, &limits, T0).unwrap();
        let mut now = T0;
        for (advance, op) in &ops {
            now += Duration::hours(i64::from(*advance));
            let before = r.clone();
            let changed = apply(&mut r, op, now, &limits);
            if !changed || before.status.is_final() {
                prop_assert_eq!(&r, &before);
            }
            let placed = r
                .events
                .iter()
                .filter(|e| matches!(e.kind, FreezeEventKind::StopPayment { .. }))
                .count();
            prop_assert!(r.stop_payments <= 2);
            prop_assert_eq!(placed, usize::from(r.stop_payments - prior));
            prop_assert!(r.frozen_amount <= r.amount_requested);
            prop_assert!(r.unrelated_amount <= r.frozen_amount);
            check_log(r.version, r.events.iter().map(|e| e.version));
            // a second tick at the same now finds nothing
            let mut again = r.clone();
            again.tick(now);
            let once = again.clone();
            prop_assert!(again.tick(now).is_empty());
            prop_assert_eq!(again, once);
        }
    }
}
