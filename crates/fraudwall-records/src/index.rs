//! The contact index's contract, and an in-memory implementation for tests and small replays.
//!
//! The durable implementation lives in a store crate; the application sees only [`ContactIndex`],
//! so counter-inspection and caller behaviour are written once for both.

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::{Direction, Record};

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("record storage failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("record storage is corrupt: {0}")]
    Corrupt(String),
}

/// Counts that say how big the index is and what it costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexStats {
    /// Records stored, duplicates not yet merged away included.
    pub records: u64,
    /// Bytes on disk (0 for a memory index).
    pub disk_bytes: u64,
    /// Records held in memory waiting to be written into a segment.
    pub buffered: u64,
}

/// Activity records by party and time.
pub trait ContactIndex: Send + Sync + 'static {
    /// Stores records. When this returns, a crash loses none of them. A record already stored is
    /// stored again harmlessly: queries and compaction answer each record once.
    fn append(&self, records: &[Record]) -> Result<(), IndexError>;

    /// The records where `key` is the party `direction` names, with `from <= time < until`, in
    /// (time, other party) order, each once.
    fn contacts(
        &self,
        key: u64,
        direction: Direction,
        from: i64,
        until: i64,
    ) -> Result<Vec<Record>, IndexError>;

    fn stats(&self) -> IndexStats;

    /// Periodic upkeep at `now` (unix seconds): write out what is buffered, drop records older
    /// than the window, merge small pieces. Nothing to do for a memory index.
    fn maintain(&self, _now: i64) -> Result<(), IndexError> {
        Ok(())
    }
}

/// A contact index held in memory: nothing survives the process.
#[derive(Default)]
pub struct MemoryIndex {
    inner: Mutex<MemoryRows>,
}

#[derive(Default)]
struct MemoryRows {
    outgoing: BTreeSet<(u64, i64, Record)>,
    incoming: BTreeSet<(u64, i64, Record)>,
}

impl MemoryIndex {
    pub fn new() -> MemoryIndex {
        MemoryIndex::default()
    }
}

impl ContactIndex for MemoryIndex {
    fn append(&self, records: &[Record]) -> Result<(), IndexError> {
        let mut rows = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        for record in records {
            rows.outgoing.insert((record.a, record.time, *record));
            rows.incoming.insert((record.b, record.time, *record));
        }
        Ok(())
    }

    fn contacts(
        &self,
        key: u64,
        direction: Direction,
        from: i64,
        until: i64,
    ) -> Result<Vec<Record>, IndexError> {
        if from >= until {
            return Ok(Vec::new());
        }
        let rows = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let set = match direction {
            Direction::Outgoing => &rows.outgoing,
            Direction::Incoming => &rows.incoming,
        };
        let lowest = Record {
            a: 0,
            time: i64::MIN,
            b: 0,
            kind: crate::Kind::Call,
            value: 0,
        };
        let mut found: Vec<Record> = set
            .range((key, from, lowest)..(key, until, lowest))
            .map(|(_, _, r)| *r)
            .collect();
        sort_contacts(&mut found, direction);
        Ok(found)
    }

    fn stats(&self) -> IndexStats {
        let rows = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        IndexStats {
            records: rows.outgoing.len() as u64,
            disk_bytes: 0,
            buffered: rows.outgoing.len() as u64,
        }
    }
}

/// Puts a query's answer in the contract's order, (time, other party, kind, value), and drops
/// repeats: every implementation answers alike.
pub fn sort_contacts(found: &mut Vec<Record>, direction: Direction) {
    let other = |r: &Record| match direction {
        Direction::Outgoing => r.b,
        Direction::Incoming => r.a,
    };
    found.sort_unstable_by_key(|r| (r.time, other(r), r.kind, r.value, r.a, r.b));
    found.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kind;

    fn call(a: u64, b: u64, time: i64, value: u64) -> Record {
        Record {
            a,
            time,
            b,
            kind: Kind::Call,
            value,
        }
    }

    #[test]
    fn answers_both_directions_once_each_within_the_window() {
        let index = MemoryIndex::new();
        let records = [call(1, 2, 100, 60), call(1, 3, 200, 5), call(4, 1, 150, 9)];
        index.append(&records).unwrap();
        index.append(&records[..1]).unwrap();
        let out = index.contacts(1, Direction::Outgoing, 0, 1_000).unwrap();
        assert_eq!(out, vec![records[0], records[1]]);
        let within = index.contacts(1, Direction::Outgoing, 150, 1_000).unwrap();
        assert_eq!(within, vec![records[1]]);
        let incoming = index.contacts(1, Direction::Incoming, 0, 1_000).unwrap();
        assert_eq!(incoming, vec![records[2]]);
        assert!(
            index
                .contacts(2, Direction::Outgoing, 0, 1_000)
                .unwrap()
                .is_empty()
        );
    }
}
