//! The contact index's transfer records read as a [`Ledger`]: what a trace follows in a running
//! deployment, where transfers are stored with every other activity record.

use std::cell::RefCell;

use fraudwall_records::{ContactIndex, Direction, IndexError, Kind, Record};

use crate::ledger::{Ledger, Transfer};

/// A ledger over a contact index. The index can fail where a ledger cannot, so the first
/// failure is kept and the ledger answers empty from then on; [`IndexLedger::finish`] says
/// whether the trace read everything.
pub struct IndexLedger<'a> {
    index: &'a dyn ContactIndex,
    failure: RefCell<Option<IndexError>>,
}

impl<'a> IndexLedger<'a> {
    pub fn new(index: &'a dyn ContactIndex) -> IndexLedger<'a> {
        IndexLedger {
            index,
            failure: RefCell::new(None),
        }
    }

    /// Ends the reading: the first failure of the index, if any.
    pub fn finish(self) -> Result<(), IndexError> {
        match self.failure.into_inner() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    /// `account`'s transfers both ways with `from <= time < until`, in (time, id) order.
    fn transfers(&self, account: u64, from: i64, until: i64, out: &mut Vec<Transfer>) {
        if self.failure.borrow().is_some() || from >= until {
            return;
        }
        let first = out.len();
        for direction in [Direction::Outgoing, Direction::Incoming] {
            match self.index.contacts(account, direction, from, until) {
                Ok(records) => out.extend(
                    records
                        .iter()
                        .filter(|r| r.kind == Kind::Transfer && r.a != r.b)
                        .map(transfer),
                ),
                Err(err) => {
                    *self.failure.borrow_mut() = Some(err);
                    out.truncate(first);
                    return;
                }
            }
        }
        out[first..].sort_unstable_by_key(Transfer::key);
    }
}

/// A transfer record as the trace sees it; its id is the record's fingerprint, the same for
/// the same record whichever account it is read from.
pub fn transfer(record: &Record) -> Transfer {
    Transfer {
        id: record.fingerprint(),
        from: record.a,
        to: record.b,
        amount: i64::try_from(record.value).unwrap_or(i64::MAX),
        at: record.time,
    }
}

impl Ledger for IndexLedger<'_> {
    fn activity(&self, account: u64, start: (i64, u64), until: i64, out: &mut Vec<Transfer>) {
        let first = out.len();
        self.transfers(account, start.0, until, out);
        // the index answers by second; the start is by (second, id)
        let before = out[first..].partition_point(|t| t.key() < start);
        out.drain(first..first + before);
    }

    fn balance_before(&self, account: u64, start: (i64, u64)) -> i64 {
        let mut history = Vec::new();
        self.transfers(account, i64::MIN, start.0.saturating_add(1), &mut history);
        let mut balance = 0i64;
        for t in history.iter().take_while(|t| t.key() < start) {
            balance = if t.to == account {
                balance.saturating_add(t.amount)
            } else {
                (balance - t.amount).max(0)
            };
        }
        balance
    }
}

#[cfg(test)]
mod tests {
    use fraudwall_records::MemoryIndex;

    use super::*;
    use crate::{MemoryLedger, Payment, Rule, TraceParams, trace};

    fn record(a: u64, b: u64, value: u64, time: i64) -> Record {
        Record {
            a,
            time,
            b,
            kind: Kind::Transfer,
            value,
        }
    }

    #[test]
    fn the_index_answers_a_trace_as_the_memory_ledger_does() {
        let records = [
            record(90, 2, 5_000, 100),
            record(1, 2, 6_500, 1_000),
            record(2, 3, 4_000, 1_100),
            record(2, 4, 4_000, 1_200),
            record(3, 5, 3_000, 1_300),
            record(4, 5, 3_000, 1_300),
            record(5, 91, 1_000, 900),
            record(5, 92, 2_000, 2_000),
        ];
        let index = MemoryIndex::new();
        index.append(&records).unwrap();
        // a call between the same keys is not money
        index
            .append(&[Record {
                kind: Kind::Call,
                ..record(2, 3, 60, 1_050)
            }])
            .unwrap();
        let memory = MemoryLedger::new(records.iter().map(transfer));
        let payments = [Payment {
            to: 2,
            amount: 6_500,
            at: 1_000,
        }];
        for rule in Rule::ALL {
            let params = TraceParams {
                rule,
                max_depth: 6,
                until: i64::MAX,
            };
            let ledger = IndexLedger::new(&index);
            let from_index = trace(&ledger, &payments, params);
            ledger.finish().unwrap();
            assert_eq!(from_index, trace(&memory, &payments, params), "{rule:?}");
        }
        let ledger = IndexLedger::new(&index);
        assert_eq!(ledger.balance_before(2, (1_100, 0)), 11_500);
        assert_eq!(
            ledger.balance_before(5, (1_300, 0)),
            memory.balance_before(5, (1_300, 0))
        );
    }

    struct Broken;

    impl ContactIndex for Broken {
        fn append(&self, _: &[Record]) -> Result<(), IndexError> {
            Ok(())
        }
        fn contacts(
            &self,
            _: u64,
            _: Direction,
            _: i64,
            _: i64,
        ) -> Result<Vec<Record>, IndexError> {
            Err(IndexError::Corrupt("segment 3".into()))
        }
        fn stats(&self) -> fraudwall_records::IndexStats {
            fraudwall_records::IndexStats::default()
        }
    }

    #[test]
    fn a_failing_index_fails_the_trace_instead_of_answering_short() {
        let ledger = IndexLedger::new(&Broken);
        let mut out = Vec::new();
        ledger.activity(1, (0, 0), 10, &mut out);
        assert!(out.is_empty());
        assert!(matches!(ledger.finish(), Err(IndexError::Corrupt(_))));
    }
}
