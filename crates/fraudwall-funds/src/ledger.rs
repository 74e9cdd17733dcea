//! The transfer records a trace reads: each account's transfers in time order, and its balance
//! before any of them.

use hashbrown::HashMap;

/// One transfer between two accounts. Accounts are compact keys; amounts are in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transfer {
    /// Unique among the records; ties in time are ordered by it.
    pub id: u64,
    pub from: u64,
    pub to: u64,
    pub amount: i64,
    /// Unix seconds.
    pub at: i64,
}

impl Transfer {
    /// Where the transfer sits in an account's history.
    pub fn key(&self) -> (i64, u64) {
        (self.at, self.id)
    }
}

/// Transfer records by account.
pub trait Ledger {
    /// Appends `account`'s transfers, in and out, from `start` (a time and transfer id, taken
    /// inclusively) up to but excluding time `until`, ordered by time and then id.
    fn activity(&self, account: u64, start: (i64, u64), until: i64, out: &mut Vec<Transfer>);

    /// What `account` held just before `start`: what came in minus what went out, never below
    /// zero (records before the ledger's first are unknown, not negative).
    fn balance_before(&self, account: u64, start: (i64, u64)) -> i64;
}

/// Every account's transfers in memory, with running balances: for tests, and for scenarios
/// small enough to hold.
#[derive(Debug, Default, Clone)]
pub struct MemoryLedger {
    accounts: HashMap<u64, History>,
}

#[derive(Debug, Default, Clone)]
struct History {
    transfers: Vec<Transfer>,
    /// `balances[i]`: the balance before `transfers[i]`; one more entry for the end.
    balances: Vec<i64>,
}

impl MemoryLedger {
    pub fn new(transfers: impl IntoIterator<Item = Transfer>) -> MemoryLedger {
        let mut accounts: HashMap<u64, History> = HashMap::new();
        for transfer in transfers {
            if transfer.from == transfer.to {
                continue;
            }
            accounts
                .entry(transfer.from)
                .or_default()
                .transfers
                .push(transfer);
            accounts
                .entry(transfer.to)
                .or_default()
                .transfers
                .push(transfer);
        }
        for (&account, history) in &mut accounts {
            history.transfers.sort_unstable_by_key(Transfer::key);
            let mut balance = 0i64;
            history.balances.reserve(history.transfers.len() + 1);
            history.balances.push(0);
            for transfer in &history.transfers {
                if transfer.to == account {
                    balance += transfer.amount;
                } else {
                    balance -= transfer.amount;
                }
                history.balances.push(balance.max(0));
                balance = balance.max(0);
            }
        }
        MemoryLedger { accounts }
    }

    pub fn accounts(&self) -> usize {
        self.accounts.len()
    }
}

impl Ledger for MemoryLedger {
    fn activity(&self, account: u64, start: (i64, u64), until: i64, out: &mut Vec<Transfer>) {
        let Some(history) = self.accounts.get(&account) else {
            return;
        };
        let from = history.transfers.partition_point(|t| t.key() < start);
        out.extend(
            history.transfers[from..]
                .iter()
                .take_while(|t| t.at < until)
                .copied(),
        );
    }

    fn balance_before(&self, account: u64, start: (i64, u64)) -> i64 {
        let Some(history) = self.accounts.get(&account) else {
            return 0;
        };
        history.balances[history.transfers.partition_point(|t| t.key() < start)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: u64, from: u64, to: u64, amount: i64, at: i64) -> Transfer {
        Transfer {
            id,
            from,
            to,
            amount,
            at,
        }
    }

    #[test]
    fn activity_is_in_time_order_and_balances_never_go_below_zero() {
        let ledger = MemoryLedger::new([
            t(3, 1, 2, 500, 30),
            t(1, 9, 1, 1_000, 10),
            t(2, 1, 3, 2_000, 20),
            t(4, 1, 1, 7, 40),
        ]);
        let mut out = Vec::new();
        ledger.activity(1, (0, 0), i64::MAX, &mut out);
        assert_eq!(out.iter().map(|t| t.id).collect::<Vec<_>>(), vec![1, 2, 3]);
        // 1,000 in, 2,000 out: the missing 1,000 came from before the records, not debt
        assert_eq!(ledger.balance_before(1, (20, 2)), 1_000);
        assert_eq!(ledger.balance_before(1, (30, 3)), 0);
        assert_eq!(ledger.balance_before(1, (31, 0)), 0);
        out.clear();
        ledger.activity(1, (20, 2), 30, &mut out);
        assert_eq!(out.iter().map(|t| t.id).collect::<Vec<_>>(), vec![2]);
        assert_eq!(ledger.balance_before(77, (0, 0)), 0);
    }
}
