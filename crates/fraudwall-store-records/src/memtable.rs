//! Records appended since the last flush, held in memory and queried like segments.
//!
//! The memtable is a short list of immutable sorted runs, each holding its records twice (by
//! (a, time) and by (b, time)). Small runs are merged like a binary counter: a new run is merged
//! with the last one while the last is no more than twice its size, so a stream of single-record
//! appends leaves O(log n) runs. Runs of [`MERGE_LIMIT`] records or more are left alone: a bulk
//! import's batches are large already, and merging them would only sort them again before the
//! flush sorts everything once more. A memtable of `m` records thus has at most about
//! `m / MERGE_LIMIT + log2(MERGE_LIMIT)` runs, and a query binary searches each. Compared with an ordered tree
//! this sorts a large import batch in one go (an order of magnitude cheaper than inserting its
//! records one at a time), and the runs are immutable, so a query reads a snapshot of them
//! without holding any lock.

use std::sync::Arc;

use fraudwall_records::{Direction, Record};

/// Runs are merged only while the result stays below this many records.
pub const MERGE_LIMIT: usize = 1 << 17;

/// One sorted run.
pub struct Run {
    by_a: Vec<Record>,
    by_b: Vec<Record>,
}

impl Run {
    pub fn new(records: &[Record]) -> Run {
        let mut by_a = records.to_vec();
        by_a.sort_unstable_by_key(|r| (r.a, r.time));
        let mut by_b = records.to_vec();
        by_b.sort_unstable_by_key(|r| (r.b, r.time));
        Run { by_a, by_b }
    }

    pub fn len(&self) -> usize {
        self.by_a.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_a.is_empty()
    }

    /// Every record, in (a, time) order.
    pub fn records(&self) -> &[Record] {
        &self.by_a
    }

    /// Appends the records where `key` is the party `direction` names, with `from <= time <
    /// until`.
    pub fn contacts(
        &self,
        key: u64,
        direction: Direction,
        from: i64,
        until: i64,
        out: &mut Vec<Record>,
    ) {
        let (rows, party): (&[Record], fn(&Record) -> u64) = match direction {
            Direction::Outgoing => (&self.by_a, |r| r.a),
            Direction::Incoming => (&self.by_b, |r| r.b),
        };
        let start = rows.partition_point(|r| (party(r), r.time) < (key, from));
        let end = start + rows[start..].partition_point(|r| (party(r), r.time) < (key, until));
        out.extend_from_slice(&rows[start..end]);
    }

    fn merge(older: &Run, newer: &Run) -> Run {
        Run {
            by_a: merge_by(&older.by_a, &newer.by_a, |r| (r.a, r.time)),
            by_b: merge_by(&older.by_b, &newer.by_b, |r| (r.b, r.time)),
        }
    }
}

fn merge_by(left: &[Record], right: &[Record], key: impl Fn(&Record) -> (u64, i64)) -> Vec<Record> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if key(&right[j]) < key(&left[i]) {
            out.push(right[j]);
            j += 1;
        } else {
            out.push(left[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&left[i..]);
    out.extend_from_slice(&right[j..]);
    out
}

/// The memtable: its runs, oldest first. Cloning it clones the run handles only.
#[derive(Clone, Default)]
pub struct Memtable {
    runs: Vec<Arc<Run>>,
    len: usize,
}

impl Memtable {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn runs(&self) -> &[Arc<Run>] {
        &self.runs
    }

    /// This memtable with `records` added. The merging happens here, on the caller's copy, so
    /// readers of the current memtable are not held up by it.
    pub fn with(&self, records: &[Record]) -> Memtable {
        let mut runs = self.runs.clone();
        let mut newest = Arc::new(Run::new(records));
        while let Some(last) = runs.last() {
            if last.len() > 2 * newest.len() || last.len() + newest.len() > MERGE_LIMIT {
                break;
            }
            let last = runs.pop().expect("a last run");
            newest = Arc::new(Run::merge(&last, &newest));
        }
        runs.push(newest);
        Memtable {
            runs,
            len: self.len + records.len(),
        }
    }

    pub fn contacts(
        &self,
        key: u64,
        direction: Direction,
        from: i64,
        until: i64,
        out: &mut Vec<Record>,
    ) {
        for run in &self.runs {
            run.contacts(key, direction, from, until, out);
        }
    }

    /// Every record, run by run.
    pub fn records(&self) -> Vec<Record> {
        let mut all = Vec::with_capacity(self.len);
        for run in &self.runs {
            all.extend_from_slice(run.records());
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fraudwall_records::Kind;

    #[test]
    fn runs_stay_few_and_answer_every_record() {
        let mut table = Memtable::default();
        for i in 0..1000u64 {
            let record = Record {
                a: i % 7,
                time: (i * 37 % 101) as i64,
                b: i % 5,
                kind: Kind::Call,
                value: i,
            };
            table = table.with(&[record]);
        }
        assert!(table.runs().len() <= 11, "{} runs", table.runs().len());
        let large: Vec<Record> = (0..MERGE_LIMIT as u64)
            .map(|i| Record {
                a: i,
                time: 0,
                b: 0,
                kind: Kind::Sms,
                value: 0,
            })
            .collect();
        let runs = table.runs().len();
        let bigger = table.with(&large).with(&large);
        assert_eq!(bigger.runs().len(), runs + 2, "large runs are not merged");
        assert_eq!(table.len(), 1000);
        let mut out = Vec::new();
        table.contacts(3, Direction::Outgoing, 0, 1000, &mut out);
        assert_eq!(out.len(), (0..1000).filter(|i| i % 7 == 3).count());
        out.clear();
        table.contacts(2, Direction::Incoming, 10, 20, &mut out);
        let expected = (0..1000u64)
            .filter(|i| i % 5 == 2 && (10..20).contains(&(i * 37 % 101)))
            .count();
        assert_eq!(out.len(), expected);
    }
}
