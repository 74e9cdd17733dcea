//! Records appended since the last flush, held in memory and queried like segments.
//!
//! The memtable is a short list of immutable sorted runs, each holding its records twice, in the
//! orders of a segment's two copies (by a, time and the rest; by b, time and the rest). Small
//! runs are merged like a binary counter: a new run is merged with the last one while the last
//! is no more than twice its size, so a stream of single-record appends leaves O(log n) runs.
//! Runs of [`MERGE_LIMIT`] records or more are left alone: a bulk import's batches are large
//! already, and merging them here would only do the flush's merge early. A memtable of `m`
//! records thus has at most about `m / MERGE_LIMIT + log2(MERGE_LIMIT)` runs, and a query binary
//! searches each. Compared with an ordered tree this sorts a large import batch in one go (an
//! order of magnitude cheaper than inserting its records one at a time), and the runs are
//! immutable, so a query reads a snapshot of them without holding any lock. A flush merges the
//! runs straight into the segment's encoder ([`merged`]); nothing is sorted twice.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};

use fraudwall_records::{Direction, Kind, Record, incoming_order, outgoing_order};

/// Runs are merged only while the result stays below this many records.
pub const MERGE_LIMIT: usize = 1 << 17;

/// A copy's full order: party, time, then the rest, as the segment stores it. Sorting the runs
/// this way lets a flush merge them into a segment instead of sorting everything again, and
/// puts equal records side by side so the merge drops repeats.
type OrderKey = (u64, i64, u64, Kind, u64);

fn order(direction: Direction) -> fn(&Record) -> OrderKey {
    match direction {
        Direction::Outgoing => outgoing_order,
        Direction::Incoming => incoming_order,
    }
}

/// One sorted run.
pub struct Run {
    by_a: Vec<Record>,
    by_b: Vec<Record>,
}

impl Run {
    pub fn new(records: &[Record]) -> Run {
        Run::sorted(records, &mut SortScratch::default(), &Spares::default())
    }

    /// A run of `records`, sorted with `scratch`'s buffers into vectors from `spares`.
    pub fn sorted(records: &[Record], scratch: &mut SortScratch, spares: &Spares) -> Run {
        Run {
            by_a: sorted_copy(records, Direction::Outgoing, scratch, spares),
            by_b: sorted_copy(records, Direction::Incoming, scratch, spares),
        }
    }

    /// A run of two copies sorted by [`sorted_copy`].
    pub fn from_copies(by_a: Vec<Record>, by_b: Vec<Record>) -> Run {
        debug_assert_eq!(by_a.len(), by_b.len());
        Run { by_a, by_b }
    }

    pub fn len(&self) -> usize {
        self.by_a.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_a.is_empty()
    }

    /// Every record, in the outgoing copy's order.
    pub fn records(&self) -> &[Record] {
        &self.by_a
    }

    /// The records in `direction`'s copy order.
    pub fn copy(&self, direction: Direction) -> &[Record] {
        match direction {
            Direction::Outgoing => &self.by_a,
            Direction::Incoming => &self.by_b,
        }
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
            by_a: merge_by(&older.by_a, &newer.by_a, outgoing_order),
            by_b: merge_by(&older.by_b, &newer.by_b, incoming_order),
        }
    }

    /// The run's vectors, for [`Spares`] to lend out again.
    fn into_vecs(self) -> [Vec<Record>; 2] {
        [self.by_a, self.by_b]
    }
}

fn merge_by(left: &[Record], right: &[Record], key: fn(&Record) -> OrderKey) -> Vec<Record> {
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

/// Below this many records a comparison sort is as fast as the radix sort's passes.
const RADIX_MIN: usize = 1 << 10;
/// Bits sorted per radix pass: 2048 counters stay in the first-level cache.
const RADIX_BITS: u32 = 11;

/// The radix sort's key and index arrays, kept from one batch to the next.
#[derive(Default)]
pub struct SortScratch {
    keys: Vec<(u64, u32)>,
    swap: Vec<(u64, u32)>,
}

/// `records` in `direction`'s copy order, in a vector from `spares`.
pub fn sorted_copy(
    records: &[Record],
    direction: Direction,
    scratch: &mut SortScratch,
    spares: &Spares,
) -> Vec<Record> {
    let mut copy = spares.take(records.len());
    sort_into(records, direction, &mut copy, scratch);
    copy
}

/// Writes `records` into `out` in `direction`'s copy order.
///
/// Within a batch the parties and times of real traffic span far fewer than 64 bits together
/// (numbers of one country, a few days), so (party, time) is packed into one u64 relative to the
/// batch's smallest and radix sorted with the record's index beside it; the records are then
/// gathered in that order, and the rare records that share party and time are sorted by the
/// rest. Batches whose span does not fit fall back to a comparison sort.
pub fn sort_into(
    records: &[Record],
    direction: Direction,
    out: &mut Vec<Record>,
    scratch: &mut SortScratch,
) {
    let key = order(direction);
    out.clear();
    let party = |r: &Record| match direction {
        Direction::Outgoing => r.a,
        Direction::Incoming => r.b,
    };
    let (mut party_min, mut party_max) = (u64::MAX, 0);
    let (mut time_min, mut time_max) = (i64::MAX, i64::MIN);
    for r in records {
        party_min = party_min.min(party(r));
        party_max = party_max.max(party(r));
        time_min = time_min.min(r.time);
        time_max = time_max.max(r.time);
    }
    let time_bits = 64
        - (time_max as u64)
            .wrapping_sub(time_min as u64)
            .leading_zeros();
    let party_bits = 64 - party_max.wrapping_sub(party_min).leading_zeros();
    if records.len() < RADIX_MIN
        || u32::try_from(records.len()).is_err()
        || party_bits + time_bits > 64
    {
        out.extend_from_slice(records);
        out.sort_unstable_by_key(key);
        return;
    }
    let packed = |r: &Record| {
        // a party span of zero with a 64-bit time span: the shift would overflow, and the
        // party's part is zero anyway
        (party(r) - party_min).checked_shl(time_bits).unwrap_or(0)
            | (r.time as u64).wrapping_sub(time_min as u64)
    };
    let SortScratch { keys, swap } = scratch;
    keys.clear();
    keys.extend(
        records
            .iter()
            .enumerate()
            .map(|(i, r)| (packed(r), i as u32)),
    );
    radix_sort(keys, swap, party_bits + time_bits);
    out.extend(keys.iter().map(|&(_, i)| records[i as usize]));
    // records that share party and time are in no particular order yet
    let mut at = 0;
    while at < keys.len() {
        let mut end = at + 1;
        while end < keys.len() && keys[end].0 == keys[at].0 {
            end += 1;
        }
        if end - at > 1 {
            out[at..end].sort_unstable_by_key(key);
        }
        at = end;
    }
}

/// Least significant digit first, each pass stable, so the keys end sorted by their low `bits`.
fn radix_sort(keys: &mut Vec<(u64, u32)>, swap: &mut Vec<(u64, u32)>, bits: u32) {
    let passes = bits.div_ceil(RADIX_BITS);
    if passes == 0 {
        return;
    }
    let digit_bits = bits.div_ceil(passes);
    let buckets = 1usize << digit_bits;
    let mask = (buckets - 1) as u64;
    let mut counts = vec![0usize; buckets * passes as usize];
    for &(k, _) in keys.iter() {
        for pass in 0..passes {
            let digit = ((k >> (pass * digit_bits)) & mask) as usize;
            counts[pass as usize * buckets + digit] += 1;
        }
    }
    swap.clear();
    swap.resize(keys.len(), (0, 0));
    for pass in 0..passes {
        let counts = &mut counts[pass as usize * buckets..][..buckets];
        // a digit every key shares moves nothing
        if counts.contains(&keys.len()) {
            continue;
        }
        let mut sum = 0;
        for count in counts.iter_mut() {
            (*count, sum) = (sum, sum + *count);
        }
        let shift = pass * digit_bits;
        for &(k, i) in keys.iter() {
            let digit = ((k >> shift) & mask) as usize;
            swap[counts[digit]] = (k, i);
            counts[digit] += 1;
        }
        std::mem::swap(keys, swap);
    }
}

/// Vectors of records that flushed runs leave behind, lent to new runs. A bulk import's runs
/// are tens of megabytes each; allocating them afresh costs the kernel's zeroing of every page
/// (as much CPU as sorting them), while a vector kept here is reused as it is.
#[derive(Default)]
pub struct Spares {
    vecs: Mutex<Vec<Vec<Record>>>,
}

/// Vectors kept at most: enough for the runs of a memtable or two filled by large batches.
const SPARES_KEPT: usize = 16;

impl Spares {
    /// An empty vector with room for `len` records.
    pub fn take(&self, len: usize) -> Vec<Record> {
        if len < RADIX_MIN {
            return Vec::with_capacity(len);
        }
        let mut vecs = self.vecs.lock().unwrap_or_else(|e| e.into_inner());
        // the smallest that fits, so the larger stay for larger batches
        let fitting = vecs
            .iter()
            .enumerate()
            .filter(|(_, v)| v.capacity() >= len)
            .min_by_key(|(_, v)| v.capacity())
            .map(|(at, _)| at);
        if let Some(at) = fitting {
            return vecs.swap_remove(at);
        }
        // Batches of about one size differ by a little: rounded up to an eighth of the next
        // power of two, one batch's vector fits the next one's, at no more than a quarter more
        // memory.
        let step = (len.next_power_of_two() / 8).max(1);
        Vec::with_capacity(len.div_ceil(step) * step)
    }

    /// Takes back the vectors of runs no one else holds.
    pub fn give(&self, runs: impl IntoIterator<Item = Arc<Run>>) {
        let mut vecs = self.vecs.lock().unwrap_or_else(|e| e.into_inner());
        for run in runs {
            let Ok(run) = Arc::try_unwrap(run) else {
                continue;
            };
            for mut vec in run.into_vecs() {
                if vec.capacity() < RADIX_MIN {
                    continue;
                }
                vec.clear();
                vecs.push(vec);
            }
        }
        // the largest are the most useful
        vecs.sort_unstable_by_key(|v| Reverse(v.capacity()));
        vecs.truncate(SPARES_KEPT);
    }
}

/// The records of several runs in `direction`'s copy order, each record once.
pub fn merged(runs: &[Arc<Run>], direction: Direction) -> impl Iterator<Item = Record> + '_ {
    let key = order(direction);
    let copies: Vec<&[Record]> = runs
        .iter()
        .map(|run| run.copy(direction))
        .filter(|c| !c.is_empty())
        .collect();
    let mut heap: BinaryHeap<Reverse<(OrderKey, usize)>> = BinaryHeap::new();
    if copies.len() > 2 {
        heap.extend(
            copies
                .iter()
                .enumerate()
                .map(|(i, c)| Reverse((key(&c[0]), i))),
        );
    }
    let mut at = vec![0usize; copies.len()];
    let mut last: Option<Record> = None;
    std::iter::from_fn(move || {
        loop {
            let next = match copies.len() {
                0 => return None,
                1 => {
                    let record = *copies[0].get(at[0])?;
                    at[0] += 1;
                    record
                }
                // a bulk import's memtable is a couple of large runs: two heads compared
                // directly cost less than a heap
                2 => {
                    let (left, right) = (copies[0].get(at[0]), copies[1].get(at[1]));
                    let side = match (left, right) {
                        (None, None) => return None,
                        (Some(_), None) => 0,
                        (None, Some(_)) => 1,
                        (Some(l), Some(r)) => usize::from(key(r) < key(l)),
                    };
                    at[side] += 1;
                    copies[side][at[side] - 1]
                }
                _ => {
                    let Reverse((_, i)) = heap.pop()?;
                    let record = copies[i][at[i]];
                    at[i] += 1;
                    if let Some(next) = copies[i].get(at[i]) {
                        heap.push(Reverse((key(next), i)));
                    }
                    record
                }
            };
            if last != Some(next) {
                last = Some(next);
                return Some(next);
            }
        }
    })
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
        self.with_buffers(records, &mut SortScratch::default(), &Spares::default())
    }

    /// [`Memtable::with`], sorting with `scratch` into vectors from `spares`.
    pub fn with_buffers(
        &self,
        records: &[Record],
        scratch: &mut SortScratch,
        spares: &Spares,
    ) -> Memtable {
        self.with_run(Run::sorted(records, scratch, spares))
    }

    /// This memtable with a run added.
    pub fn with_run(&self, run: Run) -> Memtable {
        let added = run.len();
        let mut runs = self.runs.clone();
        let mut newest = Arc::new(run);
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
            len: self.len + added,
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
    use proptest::prelude::*;

    fn record() -> impl Strategy<Value = Record> {
        // narrow spans take the radix sort, wide ones the comparison sort; few distinct values
        // make records that share party and time, and repeats
        let party = prop_oneof![
            10 => 8_613_800_000_000u64..8_613_800_000_040,
            1 => Just(0u64),
            1 => Just(u64::MAX),
        ];
        let time = prop_oneof![
            10 => 1_772_294_400i64..1_772_294_430,
            1 => Just(i64::MIN),
            1 => Just(i64::MAX)
        ];
        (party.clone(), time, party, 0u8..5, 0u64..3).prop_map(|(a, time, b, kind, value)| Record {
            a,
            time,
            b,
            kind: Kind::from_u8(kind).unwrap(),
            value,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn sorting_and_merging_agree_with_a_comparison_sort(
            batches in prop::collection::vec(
                (prop::collection::vec(record(), 0..4_000), any::<bool>()),
                1..5,
            ),
        ) {
            let (mut scratch, spares) = (SortScratch::default(), Spares::default());
            let mut runs = Vec::new();
            let mut all = Vec::new();
            for (batch, narrow) in &batches {
                // a narrow batch keeps to the span the radix sort packs
                let batch: Vec<Record> = batch
                    .iter()
                    .filter(|r| !narrow || (r.a > 0 && r.a < u64::MAX && r.b > 0 && r.b < u64::MAX
                        && r.time > i64::MIN && r.time < i64::MAX))
                    .copied()
                    .collect();
                let run = Run::sorted(&batch, &mut scratch, &spares);
                for direction in [Direction::Outgoing, Direction::Incoming] {
                    let mut want = batch.clone();
                    want.sort_unstable_by_key(order(direction));
                    prop_assert_eq!(run.copy(direction), &want[..]);
                }
                all.extend(batch);
                runs.push(Arc::new(run));
            }
            for direction in [Direction::Outgoing, Direction::Incoming] {
                let mut want = all.clone();
                want.sort_unstable_by_key(order(direction));
                want.dedup();
                let got: Vec<Record> = merged(&runs, direction).collect();
                prop_assert_eq!(got, want);
            }
            spares.give(runs);
            let reused = spares.take(RADIX_MIN);
            prop_assert!(reused.is_empty());
        }
    }

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
