//! An immutable hash table from compact `u64` keys (phone numbers, accounts, URL-expression
//! hashes) to a `u32` payload (an index into the snapshot's entry metadata).
//!
//! Built once, read many times, never modified: open addressing with linear probing over one
//! flat array of 12-byte slots, sized for a load factor of at most one half so that a miss (the
//! common case: most callers are not listed) ends within a few slots of one cache line. The slot
//! count need not be a power of two: a key's home slot comes from a multiply-high of its mixed
//! hash, which keeps memory close to 24 bytes per key at any size.

/// Keys are spread with a multiply-xorshift mix first, because phone-number and account keys are
/// dense runs of integers that would otherwise cluster.
#[inline]
fn mix(key: u64) -> u64 {
    let x = (key ^ (key >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

/// One slot: the key's low and high halves and `value + 1` (0 marks an empty slot, so no key
/// value needs reserving). Three `u32`s rather than a struct, so that a slot array can live in
/// any byte buffer (a huge-page mapping) through a safe cast.
type Slot = [u32; 3];

const EMPTY: Slot = [0; 3];

#[inline]
fn slot_key(slot: &Slot) -> u64 {
    u64::from(slot[0]) | (u64::from(slot[1]) << 32)
}

#[inline]
fn make_slot(key: u64, tagged: u32) -> Slot {
    [key as u32, (key >> 32) as u32, tagged]
}

/// An immutable `u64 → u32` map.
pub struct KeyTable {
    slots: Slots,
    len: usize,
}

impl std::fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyTable")
            .field("len", &self.len)
            .field("slots", &self.slots.len())
            .finish()
    }
}

/// The payload must leave room for the empty-slot tag.
pub const MAX_VALUE: u32 = u32::MAX - 1;

impl KeyTable {
    /// Builds a table from `(key, value)` pairs. A repeated key keeps its last value. Values
    /// above [`MAX_VALUE`] are clamped to it.
    pub fn build(entries: impl IntoIterator<Item = (u64, u32)>) -> KeyTable {
        let entries = entries.into_iter();
        let mut builder = KeyTableBuilder::with_capacity(entries.size_hint().0);
        for (key, value) in entries {
            builder.upsert(key, |_| value);
        }
        builder.finish()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held by the table itself.
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of_val(self.slots.as_slice())
    }

    #[inline]
    pub fn get(&self, key: u64) -> Option<u32> {
        let slots = self.slots.as_slice();
        probe(slots, key, home_of(key, slots.len()))
    }

    #[inline]
    pub fn contains(&self, key: u64) -> bool {
        self.get(key).is_some()
    }

    /// Looks up many keys at once, several times faster per key than one at a time on tables
    /// larger than the caches. A first, branch-free pass reads every key's home slot, so the
    /// processor has a whole block of cache misses in flight together; the second pass resolves
    /// each key from slots that are by then in cache. (Resolving straight away would serialize
    /// the misses behind the hit-or-miss branch, which the processor cannot predict.)
    pub fn get_many(&self, keys: &[u64], out: &mut Vec<Option<u32>>) {
        out.clear();
        out.reserve(keys.len());
        self.get_many_with(keys, |_, found| out.push(found));
    }

    /// [`get_many`](Self::get_many), handing each key's index and answer to `found` in order.
    #[inline]
    pub fn get_many_with(&self, keys: &[u64], mut found: impl FnMut(usize, Option<u32>)) {
        const BLOCK: usize = 16;
        let slots = self.slots.as_slice();
        let capacity = slots.len();
        let mut homes = [0usize; BLOCK];
        for (block_index, block) in keys.chunks(BLOCK).enumerate() {
            let mut touched = 0u32;
            for (home, &key) in homes.iter_mut().zip(block) {
                *home = home_of(key, capacity);
                touched ^= slots[*home][2];
            }
            std::hint::black_box(touched);
            for (offset, (&key, &home)) in block.iter().zip(&homes).enumerate() {
                found(block_index * BLOCK + offset, probe(slots, key, home));
            }
        }
    }

    /// Every `(key, value)` pair, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.slots
            .as_slice()
            .iter()
            .filter(|slot| slot[2] != 0)
            .map(|slot| (slot_key(slot), slot[2] - 1))
    }
}

/// Builds a [`KeyTable`] in place, without a second copy of the entries: the snapshot build
/// streams millions of rows into it, and peak memory during a rebuild must stay near one table.
pub struct KeyTableBuilder {
    slots: Slots,
    len: usize,
}

impl std::fmt::Debug for KeyTableBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyTableBuilder")
            .field("len", &self.len)
            .finish()
    }
}

impl KeyTableBuilder {
    /// Room for `keys` keys before the table has to grow.
    pub fn with_capacity(keys: usize) -> KeyTableBuilder {
        // a little slack, so that an estimate short by a few keys does not double the table
        KeyTableBuilder {
            slots: Slots::zeroed((keys * 2 + keys / 64).max(8)),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sets `key`'s value to `value(previous)`, where `previous` is its current value if any.
    pub fn upsert(&mut self, key: u64, value: impl FnOnce(Option<u32>) -> u32) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let slots = self.slots.as_mut_slice();
        let capacity = slots.len();
        let mut index = home_of(key, capacity);
        loop {
            let slot = &mut slots[index];
            if slot[2] == 0 {
                *slot = make_slot(key, value(None).min(MAX_VALUE) + 1);
                self.len += 1;
                return;
            }
            if slot_key(slot) == key {
                slot[2] = value(Some(slot[2] - 1)).min(MAX_VALUE) + 1;
                return;
            }
            index = next(index, capacity);
        }
    }

    fn grow(&mut self) {
        let doubled = Slots::zeroed(self.slots.len() * 2);
        let old = std::mem::replace(&mut self.slots, doubled);
        let slots = self.slots.as_mut_slice();
        let capacity = slots.len();
        for slot in old.as_slice().iter().filter(|slot| slot[2] != 0) {
            let mut index = home_of(slot_key(slot), capacity);
            while slots[index][2] != 0 {
                index = next(index, capacity);
            }
            slots[index] = *slot;
        }
    }

    pub fn finish(self) -> KeyTable {
        KeyTable {
            slots: self.slots,
            len: self.len,
        }
    }
}

/// The slot array. Large tables live in an anonymous mapping advised to use huge pages: a
/// lookup in a table of hundreds of megabytes otherwise pays a page-table walk on top of its
/// cache miss, which halves the lookup rate.
enum Slots {
    Heap(Box<[Slot]>),
    Mapped(memmap2::MmapMut),
}

/// Below this many bytes huge pages gain nothing and a mapping wastes most of a page.
const MAPPED_THRESHOLD: usize = 4 << 20;

impl Slots {
    fn zeroed(count: usize) -> Slots {
        let bytes = count * std::mem::size_of::<Slot>();
        if bytes >= MAPPED_THRESHOLD {
            // An anonymous mapping starts zeroed, which is exactly an empty table.
            if let Ok(map) = memmap2::MmapMut::map_anon(bytes) {
                // Advice only: without transparent huge pages the table still works.
                #[cfg(target_os = "linux")]
                let _ = map.advise(memmap2::Advice::HugePage);
                return Slots::Mapped(map);
            }
        }
        Slots::Heap(vec![EMPTY; count].into_boxed_slice())
    }

    #[inline]
    fn as_slice(&self) -> &[Slot] {
        match self {
            Slots::Heap(slots) => slots,
            Slots::Mapped(map) => bytemuck::cast_slice(&map[..]),
        }
    }

    fn as_mut_slice(&mut self) -> &mut [Slot] {
        match self {
            Slots::Heap(slots) => slots,
            Slots::Mapped(map) => bytemuck::cast_slice_mut(&mut map[..]),
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }
}

#[inline]
fn probe(slots: &[Slot], key: u64, home: usize) -> Option<u32> {
    let capacity = slots.len();
    let mut index = home;
    loop {
        let slot = &slots[index];
        if slot[2] == 0 {
            return None;
        }
        if slot_key(slot) == key {
            return Some(slot[2] - 1);
        }
        index = next(index, capacity);
    }
}

#[inline]
fn home_of(key: u64, capacity: usize) -> usize {
    ((mix(key) as u128 * capacity as u128) >> 64) as usize
}

#[inline]
fn next(index: usize, capacity: usize) -> usize {
    if index + 1 == capacity { 0 } else { index + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn finds_what_was_put_and_nothing_else() {
        let table = KeyTable::build((1..=1000u64).map(|k| (k * 7, k as u32)));
        assert_eq!(table.len(), 1000);
        for k in 1..=1000u64 {
            assert_eq!(table.get(k * 7), Some(k as u32));
            assert_eq!(table.get(k * 7 + 1), None);
        }
        assert_eq!(table.get(0), None);
    }

    #[test]
    fn zero_and_max_keys_are_ordinary_keys() {
        let table = KeyTable::build([(0, 5), (u64::MAX, MAX_VALUE), (1, u32::MAX)]);
        assert_eq!(table.get(0), Some(5));
        assert_eq!(table.get(u64::MAX), Some(MAX_VALUE));
        assert_eq!(table.get(1), Some(MAX_VALUE));
    }

    #[test]
    fn an_empty_table_answers_none() {
        let table = KeyTable::build([]);
        assert!(table.is_empty());
        assert_eq!(table.get(42), None);
    }

    #[test]
    fn a_builder_merges_repeated_keys_and_grows_past_its_capacity() {
        let mut builder = KeyTableBuilder::with_capacity(2);
        for round in 0..3u32 {
            for key in 0..10_000u64 {
                builder.upsert(key * 31, |previous| previous.unwrap_or(0) + round + 1);
            }
        }
        let table = builder.finish();
        assert_eq!(table.len(), 10_000);
        assert_eq!(table.get(31 * 77), Some(6));
        assert_eq!(table.get(1), None);
    }

    #[test]
    fn large_tables_live_in_a_mapping_and_answer_the_same() {
        let keys = 400_000u64;
        let table = KeyTable::build((0..keys).map(|k| (k * 3, k as u32)));
        assert!(matches!(table.slots, Slots::Mapped(_)));
        assert_eq!(table.get(3 * 12_345), Some(12_345));
        assert_eq!(table.get(3 * 12_345 + 1), None);
        assert_eq!(table.iter().count() as u64, keys);
    }

    #[test]
    fn memory_stays_near_24_bytes_per_key() {
        let table = KeyTable::build((0..100_000u64).map(|k| (k, 0)));
        let per_key = table.memory_bytes() as f64 / table.len() as f64;
        assert!(per_key <= 24.5, "{per_key}");
    }

    proptest! {
        #[test]
        fn agrees_with_a_hashmap(
            entries in proptest::collection::vec((any::<u64>(), any::<u32>()), 0..500),
            mut probes in proptest::collection::vec(any::<u64>(), 0..200),
        ) {
            let table = KeyTable::build(entries.iter().copied());
            // half the probes hit
            probes.extend(entries.iter().map(|(k, _)| *k).step_by(2));
            let mut model = HashMap::new();
            for (k, v) in &entries {
                model.insert(*k, (*v).min(MAX_VALUE));
            }
            prop_assert_eq!(table.len(), model.len());
            for (k, v) in &model {
                prop_assert_eq!(table.get(*k), Some(*v));
            }
            let mut batch = Vec::new();
            table.get_many(&probes, &mut batch);
            prop_assert_eq!(batch.len(), probes.len());
            for (k, found) in probes.iter().zip(batch) {
                prop_assert_eq!(table.get(*k), model.get(k).copied());
                prop_assert_eq!(found, model.get(k).copied());
            }
            let mut listed: Vec<_> = table.iter().collect();
            listed.sort();
            let mut expected: Vec<_> = model.into_iter().collect();
            expected.sort();
            prop_assert_eq!(listed, expected);
        }
    }
}
