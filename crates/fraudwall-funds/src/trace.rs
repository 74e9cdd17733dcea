//! Following a victim's money hop by hop.
//!
//! Every account the money reaches is replayed from the moment it arrives, in one global time
//! order across accounts, so that a transfer counts only if it was made after the money got
//! there, and carries no more of it than the attribution rule gives it. An account whose
//! tainted money has all left is dropped until more arrives; its clean balance is then read
//! again from the records.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use hashbrown::HashMap;

use crate::Rule;
use crate::holdings::{Holdings, Parts};
use crate::ledger::{Ledger, Transfer};

/// Hops followed when the request names no depth.
pub const DEFAULT_DEPTH: u8 = 6;
/// The deepest a trace may go: each depth costs a bucket per account under the haircut rule.
pub const MAX_DEPTH: u8 = 32;

/// One of the victim's payments: into which account, how much, when. When the records hold
/// the transfer itself, it is matched by account, time and amount, so that it is not counted
/// twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    pub to: u64,
    pub amount: i64,
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParams {
    pub rule: Rule,
    /// Hops followed: the victim's payment is hop 1.
    pub max_depth: u8,
    /// Transfers from this time on (unix seconds) are not followed: the moment of the trace.
    pub until: i64,
}

/// Money of the victim's that moved in one transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    /// The transfer's id; none for a payment of the victim's the records lack.
    pub transfer: Option<u64>,
    /// The paying account; none for the victim.
    pub from: Option<u64>,
    pub to: u64,
    /// The victim's money in it, by the rule.
    pub amount: i64,
    /// The whole transfer.
    pub total: i64,
    pub at: i64,
    /// 1 for the victim's own payment.
    pub depth: u8,
}

/// Money of the victim's an account still held when the trace stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub account: u64,
    pub amount: i64,
    /// The fewest hops that brought it there.
    pub depth: u8,
    /// When the victim's money first reached it.
    pub since: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trace {
    /// In time order.
    pub hops: Vec<Hop>,
    /// Largest first.
    pub held: Vec<Held>,
    /// The victim's money that moved on beyond the deepest hop followed.
    pub beyond_depth: i64,
}

/// An account's events to replay, one transfer side each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct EventKey {
    at: i64,
    id: u64,
    /// The paying side of a transfer comes before its receiving side.
    incoming: bool,
}

struct Followed {
    holdings: Holdings,
    /// The account's transfers from where it was picked up, and how far it has been replayed.
    events: Vec<Transfer>,
    next: usize,
    since: i64,
    min_depth: u8,
}

/// How far a victim's account of a payment's time may be from the bank's record of it.
const MATCH_WITHIN_S: i64 = 600;

/// Ids above this are the victim's payments the records lack.
const UNRECORDED: u64 = u64::MAX - (1 << 32);

/// Follows `payments` through `ledger`.
pub fn trace(ledger: &dyn Ledger, payments: &[Payment], params: TraceParams) -> Trace {
    let max_depth = params.max_depth.clamp(1, MAX_DEPTH);
    let mut out = Trace::default();
    // the victim's money each transfer carries, for its receiving side
    let mut carried: HashMap<u64, Parts> = HashMap::new();
    let mut followed: HashMap<u64, Followed> = HashMap::new();
    let mut queue: BinaryHeap<Reverse<(EventKey, u64)>> = BinaryHeap::new();
    let mut scratch = Vec::new();

    // in time order, so that a later payment into a followed account lies ahead of its replay
    let mut payments: Vec<(usize, &Payment)> = payments.iter().enumerate().collect();
    payments.sort_by_key(|(n, p)| (p.at, *n));
    for (n, payment) in payments {
        if payment.amount <= 0 || payment.at >= params.until {
            continue;
        }
        scratch.clear();
        ledger.activity(
            payment.to,
            (payment.at - MATCH_WITHIN_S, 0),
            payment.at + MATCH_WITHIN_S + 1,
            &mut scratch,
        );
        let recorded = scratch
            .iter()
            .filter(|t| {
                t.to == payment.to && t.amount == payment.amount && !carried.contains_key(&t.id)
            })
            .min_by_key(|t| (t.at - payment.at).abs());
        let transfer = match recorded {
            Some(t) => *t,
            None => Transfer {
                id: UNRECORDED + n as u64,
                from: 0,
                to: payment.to,
                amount: payment.amount,
                at: payment.at,
            },
        };
        out.hops.push(Hop {
            transfer: recorded.map(|t| t.id),
            from: recorded.map(|t| t.from),
            to: payment.to,
            amount: payment.amount,
            total: transfer.amount,
            at: transfer.at,
            depth: 1,
        });
        carried.insert(transfer.id, vec![(1, payment.amount)]);
        pick_up(
            ledger,
            &mut followed,
            transfer,
            params,
            max_depth,
            true,
            recorded.is_none(),
        );
    }
    for (&account, state) in &followed {
        queue.push(Reverse((event_key(&state.events[0], account), account)));
    }

    while let Some(Reverse((_, account))) = queue.pop() {
        let Some(state) = followed.get_mut(&account) else {
            continue;
        };
        let transfer = state.events[state.next];
        state.next += 1;
        if transfer.to == account {
            let parts = carried.remove(&transfer.id).unwrap_or_default();
            if let Some(min) = parts.iter().map(|p| p.0).min() {
                state.min_depth = state.min_depth.min(min);
            }
            state.holdings.receive(transfer.amount, &parts);
        } else {
            let parts = state.holdings.pay(transfer.amount);
            let (within, beyond): (Parts, Parts) = parts.into_iter().partition(|p| p.0 < max_depth);
            out.beyond_depth += beyond.iter().map(|p| p.1).sum::<i64>();
            if !within.is_empty() {
                let next: Parts = within.iter().map(|&(d, a)| (d + 1, a)).collect();
                out.hops.push(Hop {
                    transfer: Some(transfer.id),
                    from: Some(transfer.from),
                    to: transfer.to,
                    amount: next.iter().map(|p| p.1).sum(),
                    total: transfer.amount,
                    at: transfer.at,
                    depth: next.iter().map(|p| p.0).min().unwrap_or(1),
                });
                carried.insert(transfer.id, next);
                if !followed.contains_key(&transfer.to)
                    && pick_up(
                        ledger,
                        &mut followed,
                        transfer,
                        params,
                        max_depth,
                        false,
                        false,
                    )
                {
                    let state = &followed[&transfer.to];
                    queue.push(Reverse((
                        event_key(&state.events[0], transfer.to),
                        transfer.to,
                    )));
                }
            }
        }
        let Some(state) = followed.get_mut(&account) else {
            continue;
        };
        if state.holdings.is_clean() {
            followed.remove(&account);
        } else if let Some(next) = state.events.get(state.next) {
            queue.push(Reverse((event_key(next, account), account)));
        }
    }

    for (account, state) in followed {
        let parts = state.holdings.tainted();
        let amount: i64 = parts.iter().map(|p| p.1).sum();
        if amount > 0 {
            out.held.push(Held {
                account,
                amount,
                depth: parts.iter().map(|p| p.0).min().unwrap_or(state.min_depth),
                since: state.since,
            });
        }
    }
    out.held
        .sort_by(|a, b| b.amount.cmp(&a.amount).then(a.account.cmp(&b.account)));
    out.hops.sort_by_key(|h| (h.at, h.transfer, h.depth));
    out
}

fn event_key(transfer: &Transfer, account: u64) -> EventKey {
    EventKey {
        at: transfer.at,
        id: transfer.id,
        incoming: transfer.to == account,
    }
}

/// Starts replaying the receiving account of `arriving` from that transfer on, with what it
/// held before as clean money; false when there is nothing to replay. An unrecorded payment of
/// the victim's is replayed as the first event at its time. The caller queues the account.
fn pick_up(
    ledger: &dyn Ledger,
    followed: &mut HashMap<u64, Followed>,
    arriving: Transfer,
    params: TraceParams,
    max_depth: u8,
    seed: bool,
    unrecorded: bool,
) -> bool {
    let account = arriving.to;
    if let Some(state) = followed.get_mut(&account) {
        // a later payment into an account the seeds already reach: a recorded one lies ahead
        // in its replay; an unrecorded one goes in at its time
        if unrecorded {
            let at = state.events[state.next..].partition_point(|t| t.key() < (arriving.at, 0))
                + state.next;
            state.events.insert(at, arriving);
        }
        return true;
    }
    // a payment of the victim's is replayed with everything else at its second, since the
    // records may order same-second transfers otherwise than the victim's account of them
    let start = if seed {
        (arriving.at, 0)
    } else {
        arriving.key()
    };
    let opening = ledger.balance_before(account, start);
    let mut events = Vec::new();
    if unrecorded {
        events.push(arriving);
    }
    ledger.activity(account, start, params.until, &mut events);
    if events.is_empty() {
        return false;
    }
    followed.insert(
        account,
        Followed {
            holdings: Holdings::new(params.rule, opening, max_depth),
            events,
            next: 0,
            since: arriving.at,
            min_depth: u8::MAX,
        },
    );
    true
}
