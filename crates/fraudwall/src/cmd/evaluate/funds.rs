//! How far the victims' money can be followed, and how much of it fund control stops: each
//! filed case's payments traced through the week's transfer records (first in, first out), once
//! with every record, scored against the laundering the truth records; the victims' money in
//! the transfers screening held, which never left; and once more without the held transfers, up
//! to the banks' answer to the freeze requests filed with the case, whose holdings they freeze.

use std::collections::HashSet;

use fraudwall_funds::{DEFAULT_DEPTH, MemoryLedger, Payment, Rule, TraceParams, Transfer, trace};
use serde_json::{Value, json};

use super::truth::Truth;

/// A filed case's payments, in the scenario's time.
#[derive(Debug, Clone)]
pub struct TracedCase {
    pub scenario_id: String,
    pub reported_at: i64,
    pub payments: Vec<Payment>,
}

/// The traces against the truth.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FundsScore {
    pub cases: usize,
    pub paid_cents: i64,
    /// Transfers between mule accounts the traces followed, and how many the truth holds.
    pub traced_edges: usize,
    pub true_edges_traced: usize,
    pub true_edges: usize,
    /// Traced transfers that laundered some victim's money, if not this case's (money of
    /// several victims mixes in the same mule accounts).
    pub laundering_edges_traced: usize,
    /// The victims' money the followed transfers carried, and of it what moved along some
    /// victim's laundering.
    pub traced_cents: i64,
    pub laundering_cents: i64,
    /// The victims' money still in the accounts the trace reached when each case was reported,
    /// by hop (index 0: the account the victim paid).
    pub held_at_report_cents: Vec<i64>,
    /// Of it, what had reached the gangs' cash-out accounts, from which it is withdrawn.
    pub cashed_out_at_report_cents: i64,
    /// The victims' payments screening held: money that never left.
    pub stopped_by_hold_cents: i64,
    /// The victims' money the banks freeze: what the mule accounts (not the cash-out ones)
    /// still hold when the banks answer the case's freeze requests, by hop, after the held
    /// transfers are taken out of the records.
    pub frozen_cents: Vec<i64>,
    /// Of it, what the accounts the money had reached by the report hold: the requests made
    /// at the filing alone would freeze this much; the rest is in accounts reached since, which
    /// the node's `freezes-retrace` job asks for.
    pub frozen_at_filing_accounts_cents: i64,
    /// Transfers held, and of them those between accounts the truth does not know as fraud's
    /// (the replay counts them).
    pub held_transfers: usize,
    pub held_legitimate: usize,
    pub seconds: f64,
}

/// How long after a case is reported the banks freeze what its money's accounts hold: the
/// acknowledgement deadline of the freeze requests filed with it. Accounts the money reaches
/// after the filing count too, as if asked for at the filing: the node's `freezes-retrace` job
/// asks for them within five minutes of their transfer records, and their banks answer half an
/// hour after that, so for money that moved after the filing the figure is optimistic by that
/// much.
pub const BANK_RESPONSE_S: i64 = 30 * 60;

/// The compact key an account number is traced under.
pub fn account_key(account: &str) -> u64 {
    account.parse().unwrap_or_else(|_| {
        // not a plain card number: a stable hash of its text (FNV-1a)
        account.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    })
}

impl FundsScore {
    pub fn score(
        transfers: Vec<Transfer>,
        held: &HashSet<u64>,
        cases: &[TracedCase],
        truth: &Truth,
    ) -> FundsScore {
        let started = std::time::Instant::now();
        let unheld = MemoryLedger::new(transfers.iter().filter(|t| !held.contains(&t.id)).copied());
        let laundering: HashSet<(u64, u64)> = truth
            .laundering()
            .map(|(from, to)| (account_key(from), account_key(to)))
            .collect();
        let ledger = MemoryLedger::new(transfers);
        let cashout: HashSet<u64> = truth
            .cashout_accounts()
            .iter()
            .map(|a| account_key(a))
            .collect();
        let mut score = FundsScore {
            held_at_report_cents: vec![0; usize::from(DEFAULT_DEPTH)],
            frozen_cents: vec![0; usize::from(DEFAULT_DEPTH)],
            held_transfers: held.len(),
            ..FundsScore::default()
        };
        for case in cases {
            score.cases += 1;
            score.paid_cents += case.payments.iter().map(|p| p.amount).sum::<i64>();
            let whole = trace(
                &ledger,
                &case.payments,
                TraceParams {
                    rule: Rule::Fifo,
                    max_depth: DEFAULT_DEPTH,
                    until: i64::MAX,
                },
            );
            for hop in whole.hops.iter().filter(|h| h.depth >= 2) {
                score.traced_cents += hop.amount;
                if hop
                    .from
                    .is_some_and(|from| laundering.contains(&(from, hop.to)))
                {
                    score.laundering_cents += hop.amount;
                }
            }
            // a victim's payment held never left; a transfer held further on keeps the money in
            // its payer's account, where the banks' freeze finds it below
            let held_payments: HashSet<(u64, i64)> = whole
                .hops
                .iter()
                .filter(|h| h.depth == 1 && h.transfer.is_some_and(|id| held.contains(&id)))
                .map(|h| (h.to, h.amount))
                .collect();
            score.stopped_by_hold_cents += held_payments.iter().map(|h| h.1).sum::<i64>();
            let went_through: Vec<Payment> = case
                .payments
                .iter()
                .filter(|p| !held_payments.contains(&(p.to, p.amount)))
                .copied()
                .collect();
            let answered = trace(
                &unheld,
                &went_through,
                TraceParams {
                    rule: Rule::Fifo,
                    max_depth: DEFAULT_DEPTH,
                    until: case.reported_at + BANK_RESPONSE_S,
                },
            );
            let asked_at_filing: HashSet<u64> = trace(
                &unheld,
                &went_through,
                TraceParams {
                    rule: Rule::Fifo,
                    max_depth: DEFAULT_DEPTH,
                    until: case.reported_at,
                },
            )
            .held
            .iter()
            .map(|h| h.account)
            .collect();
            for left in &answered.held {
                if !cashout.contains(&left.account) {
                    let at = usize::from(left.depth.clamp(1, DEFAULT_DEPTH)) - 1;
                    score.frozen_cents[at] += left.amount;
                    if asked_at_filing.contains(&left.account) {
                        score.frozen_at_filing_accounts_cents += left.amount;
                    }
                }
            }
            let traced: HashSet<(u64, u64)> = whole
                .hops
                .iter()
                .filter(|h| h.depth >= 2)
                .filter_map(|h| Some((h.from?, h.to)))
                .collect();
            let truly: HashSet<(u64, u64)> = truth
                .laundering_of_case(&case.scenario_id)
                .iter()
                .map(|(from, to)| (account_key(from), account_key(to)))
                .collect();
            score.traced_edges += traced.len();
            score.true_edges += truly.len();
            score.true_edges_traced += traced.intersection(&truly).count();
            score.laundering_edges_traced += traced.intersection(&laundering).count();
            let at_report = trace(
                &ledger,
                &case.payments,
                TraceParams {
                    rule: Rule::Fifo,
                    max_depth: DEFAULT_DEPTH,
                    until: case.reported_at,
                },
            );
            for held in &at_report.held {
                if cashout.contains(&held.account) {
                    score.cashed_out_at_report_cents += held.amount;
                    continue;
                }
                let hop = usize::from(held.depth.clamp(1, DEFAULT_DEPTH)) - 1;
                score.held_at_report_cents[hop] += held.amount;
            }
        }
        score.seconds = started.elapsed().as_secs_f64();
        score
    }

    fn share(&self, cents: i64) -> f64 {
        if self.paid_cents == 0 {
            0.0
        } else {
            cents as f64 / self.paid_cents as f64
        }
    }

    pub fn line(&self) -> String {
        let held: i64 = self.held_at_report_cents.iter().sum();
        let by_hop: Vec<String> = self
            .held_at_report_cents
            .iter()
            .enumerate()
            .filter(|(_, cents)| **cents > 0)
            .map(|(hop, &cents)| format!("hop {} {:.1}%", hop + 1, self.share(cents) * 100.0))
            .collect();
        format!(
            "money tracing (fifo, {} hops): {} cases' payments of {:.0} yuan traced; {} of {} \
             transfers that laundered the case's money followed ({:.1}% recall); of {} transfers \
             followed, {:.1}% laundered the case's money and {:.1}% some victim's, carrying {:.1}% of \
             the money followed; when reported, \
             {:.1}% of the money was still in mule accounts ({}) and {:.1}% in cash-out accounts; \
             {:.2} s",
            DEFAULT_DEPTH,
            self.cases,
            self.paid_cents as f64 / 100.0,
            self.true_edges_traced,
            self.true_edges,
            ratio(self.true_edges_traced, self.true_edges) * 100.0,
            self.traced_edges,
            ratio(self.true_edges_traced, self.traced_edges) * 100.0,
            ratio(self.laundering_edges_traced, self.traced_edges) * 100.0,
            if self.traced_cents == 0 {
                0.0
            } else {
                self.laundering_cents as f64 / self.traced_cents as f64 * 100.0
            },
            self.share(held) * 100.0,
            if by_hop.is_empty() {
                "none".to_owned()
            } else {
                by_hop.join(", ")
            },
            self.share(self.cashed_out_at_report_cents) * 100.0,
            self.seconds,
        )
    }

    /// The victims' money stopped, as a line of the report.
    pub fn stopped_line(&self) -> String {
        let by_hop = |cents: &[i64]| -> String {
            let parts: Vec<String> = cents
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(hop, &c)| format!("hop {} {:.1}%", hop + 1, self.share(c) * 100.0))
                .collect();
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join(", ")
            }
        };
        let held = self.stopped_by_hold_cents;
        let frozen: i64 = self.frozen_cents.iter().sum();
        format!(
            "fund control: {:.1}% of the victims' {:.0} yuan stopped: {:.1}% in their payments \
             held by transfer screening, {:.1}% frozen by the banks {} minutes after the report \
             ({}; {:.1}% in accounts the money had reached by the report, the rest in accounts \
             the re-trace asks for); {} transfers held, {} of them legitimate",
            self.share(held + frozen) * 100.0,
            self.paid_cents as f64 / 100.0,
            self.share(held) * 100.0,
            self.share(frozen) * 100.0,
            BANK_RESPONSE_S / 60,
            by_hop(&self.frozen_cents),
            self.share(self.frozen_at_filing_accounts_cents) * 100.0,
            self.held_transfers,
            self.held_legitimate,
        )
    }

    pub fn json(&self) -> Value {
        let yuan = |cents: &[i64]| cents.iter().map(|&c| c as f64 / 100.0).collect::<Vec<_>>();
        let held = self.stopped_by_hold_cents;
        let frozen: i64 = self.frozen_cents.iter().sum();
        json!({
            "stopped_share": self.share(held + frozen),
            "held_by_screening_share": self.share(held),
            "frozen_share": self.share(frozen),
            "frozen_by_hop": yuan(&self.frozen_cents),
            "frozen_in_accounts_reached_by_report_share": self.share(self.frozen_at_filing_accounts_cents),
            "bank_response_s": BANK_RESPONSE_S,
            "held_transfers": self.held_transfers,
            "held_legitimate": self.held_legitimate,
            "rule": "fifo", "max_depth": DEFAULT_DEPTH, "cases": self.cases,
            "paid": self.paid_cents as f64 / 100.0,
            "traced_edges": self.traced_edges, "true_edges": self.true_edges,
            "true_edges_traced": self.true_edges_traced,
            "edge_recall": ratio(self.true_edges_traced, self.true_edges),
            "edge_precision": ratio(self.true_edges_traced, self.traced_edges),
            "edge_precision_any_victim": ratio(self.laundering_edges_traced, self.traced_edges),
            "amount_precision_any_victim": if self.traced_cents == 0 { 0.0 }
                else { self.laundering_cents as f64 / self.traced_cents as f64 },
            "cashed_out_at_report_share": self.share(self.cashed_out_at_report_cents),
            "held_at_report_by_hop": self.held_at_report_cents.iter()
                .map(|&c| c as f64 / 100.0).collect::<Vec<_>>(),
            "held_at_report_share": self.share(self.held_at_report_cents.iter().sum()),
            "seconds": self.seconds,
        })
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(id: u64, from: u64, to: u64, yuan: i64, at: i64) -> Transfer {
        Transfer {
            id,
            from,
            to,
            amount: yuan * 100,
            at,
        }
    }

    #[test]
    fn money_that_moves_on_after_the_report_is_frozen_where_the_retrace_finds_it() {
        let (victim, m1, m2, m3) = (1, 11, 12, 13);
        let report = 10_000;
        let case = |id: &str, to: u64| TracedCase {
            scenario_id: id.to_owned(),
            reported_at: report,
            payments: vec![Payment {
                to,
                amount: 100_000,
                at: 0,
            }],
        };
        // case a's 1,000 stays in M1; case b's moves from M2 to M3 ten minutes after the
        // report, before the banks answer
        let transfers = vec![
            transfer(1, victim, m1, 1_000, 0),
            transfer(2, victim, m2, 1_000, 0),
            transfer(3, m2, m3, 1_000, report + 600),
        ];
        let score = FundsScore::score(
            transfers,
            &HashSet::new(),
            &[case("a", m1), case("b", m2)],
            &Truth::default(),
        );
        assert_eq!(score.paid_cents, 200_000);
        assert_eq!(score.frozen_cents.iter().sum::<i64>(), 200_000);
        assert_eq!(score.frozen_at_filing_accounts_cents, 100_000);
        assert!(
            score
                .stopped_line()
                .contains("50.0% in accounts the money had reached")
        );
    }
}
