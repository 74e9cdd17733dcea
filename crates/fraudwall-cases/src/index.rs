//! Slot indices by link key: an open-addressing table of 4-byte indices, probed linearly
//! from the key's low bits. Link keys are well mixed already, so a key is its own hash.
//!
//! hashbrown would do the same job, but a caller linking a case touches the home of every
//! one of its keys first ([`SlotIndex::touch`]), so that the cache misses of its ten or so
//! identifiers are in flight together instead of one after another.

/// Maps a key to a slot number; the keys themselves live in the caller's slots, which
/// `key_of` reads.
#[derive(Debug, Default, Clone)]
pub(crate) struct SlotIndex {
    /// 0 is empty; otherwise the slot number plus one.
    table: Vec<u32>,
    len: usize,
}

impl SlotIndex {
    pub fn with_capacity(keys: usize) -> SlotIndex {
        SlotIndex {
            table: vec![0; capacity_for(keys)],
            len: 0,
        }
    }

    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    /// Reads the key's home, to bring it into cache ahead of a lookup.
    pub fn touch(&self, key: u64) -> u32 {
        if self.table.is_empty() {
            return 0;
        }
        self.table[key as usize & self.mask()]
    }

    pub fn find(&self, key: u64, key_of: impl Fn(u32) -> u64) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut at = key as usize & mask;
        loop {
            match self.table[at] {
                0 => return None,
                entry if key_of(entry - 1) == key => return Some(entry - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Adds a slot whose key is not in the table yet.
    pub fn insert(&mut self, key: u64, slot: u32, key_of: impl Fn(u32) -> u64) {
        if (self.len + 1) * 2 > self.table.len() {
            self.grow(&key_of);
        }
        self.place(key, slot);
        self.len += 1;
    }

    fn place(&mut self, key: u64, slot: u32) {
        let mask = self.mask();
        let mut at = key as usize & mask;
        while self.table[at] != 0 {
            at = (at + 1) & mask;
        }
        self.table[at] = slot + 1;
    }

    fn grow(&mut self, key_of: &impl Fn(u32) -> u64) {
        let grown = (self.table.len() * 2).max(16);
        let old = std::mem::replace(&mut self.table, vec![0; grown]);
        for entry in old.into_iter().filter(|&e| e != 0) {
            self.place(key_of(entry - 1), entry - 1);
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.table.capacity() * 4
    }
}

/// A power of two at least twice `keys`, so that linear probes stay short.
fn capacity_for(keys: usize) -> usize {
    (keys.max(8) * 2).next_power_of_two()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sharing_a_home_are_all_found_after_growth() {
        let keys: Vec<u64> = (0..1000u64).map(|i| i << 32 | (i % 3)).collect();
        let mut index = SlotIndex::with_capacity(4);
        for (slot, &key) in keys.iter().enumerate() {
            let key_of = |s: u32| keys[s as usize];
            assert_eq!(index.find(key, key_of), None);
            index.insert(key, slot as u32, key_of);
        }
        for (slot, &key) in keys.iter().enumerate() {
            assert_eq!(index.find(key, |s| keys[s as usize]), Some(slot as u32));
        }
        assert_eq!(index.find(7, |s| keys[s as usize]), None);
    }
}
