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

#[derive(Clone, Copy, Default)]
#[repr(C, packed(4))]
struct Slot {
    key: u64,
    /// `value + 1`; 0 marks an empty slot, so no key value needs reserving.
    tagged: u32,
}

/// An immutable `u64 → u32` map.
pub struct KeyTable {
    slots: Box<[Slot]>,
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
        let (lower, _) = entries.size_hint();
        let mut pending: Vec<(u64, u32)> = Vec::with_capacity(lower);
        pending.extend(entries);
        let capacity = (pending.len() * 2).max(8);
        let mut slots = vec![Slot::default(); capacity].into_boxed_slice();
        let mut len = 0;
        for (key, value) in pending {
            let tagged = value.min(MAX_VALUE) + 1;
            let mut index = home_of(key, capacity);
            loop {
                let slot = &mut slots[index];
                if slot.tagged == 0 {
                    *slot = Slot { key, tagged };
                    len += 1;
                    break;
                }
                if { slot.key } == key {
                    slot.tagged = tagged;
                    break;
                }
                index = next(index, capacity);
            }
        }
        KeyTable { slots, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held by the table itself.
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.slots)
    }

    #[inline]
    pub fn get(&self, key: u64) -> Option<u32> {
        self.probe(key, home_of(key, self.slots.len()))
    }

    #[inline]
    fn probe(&self, key: u64, home: usize) -> Option<u32> {
        let capacity = self.slots.len();
        let mut index = home;
        loop {
            let slot = self.slots[index];
            if slot.tagged == 0 {
                return None;
            }
            if { slot.key } == key {
                return Some(slot.tagged - 1);
            }
            index = next(index, capacity);
        }
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
        const BLOCK: usize = 16;
        out.clear();
        out.reserve(keys.len());
        let capacity = self.slots.len();
        let mut homes = [0usize; BLOCK];
        for block in keys.chunks(BLOCK) {
            let mut touched = 0u64;
            for (home, &key) in homes.iter_mut().zip(block) {
                *home = home_of(key, capacity);
                touched ^= self.slots[*home].key;
            }
            std::hint::black_box(touched);
            out.extend(
                block
                    .iter()
                    .zip(&homes)
                    .map(|(&key, &home)| self.probe(key, home)),
            );
        }
    }

    /// Every `(key, value)` pair, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.slots
            .iter()
            .filter(|slot| slot.tagged != 0)
            .map(|slot| (slot.key, slot.tagged - 1))
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
    fn memory_stays_near_24_bytes_per_key() {
        let table = KeyTable::build((0..100_000u64).map(|k| (k, 0)));
        let per_key = table.memory_bytes() as f64 / table.len() as f64;
        assert!(per_key <= 24.0, "{per_key}");
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
