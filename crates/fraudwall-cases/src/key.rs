//! What a link is keyed by: an identifier's kind and compact key, and for a recycled phone
//! number the holder period it was used in.

use fraudwall_lists::entry::Kind;
use hashbrown::HashMap;

/// The key two occurrences must share to link their cases. Built from an identifier's kind
/// and compact key, so that an account and a phone number with the same digits never meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkKey(pub u64);

impl LinkKey {
    pub fn new(kind: Kind, key: u64) -> LinkKey {
        LinkKey(mix(key ^ KIND_SALT.wrapping_mul(kind as u64 + 1)))
    }

    /// A number's key within one holder's period: the same number held by two people over
    /// the years is two identifiers.
    pub fn in_period(kind: Kind, key: u64, period_start: i64) -> LinkKey {
        LinkKey(mix(
            LinkKey::new(kind, key).0 ^ mix(period_start as u64 ^ PERIOD_SALT)
        ))
    }
}

impl LinkKey {
    /// The compact key this link key was built from by [`LinkKey::new`] with `kind`; a key
    /// built for a holder period gives a meaningless value.
    pub fn plain_ident(self, kind: Kind) -> u64 {
        unmix(self.0) ^ KIND_SALT.wrapping_mul(kind as u64 + 1)
    }
}

const KIND_SALT: u64 = 0x9e37_79b9_7f4a_7c15;
const PERIOD_SALT: u64 = 0xd6e8_feb8_6659_fd93;

/// splitmix64's finalizer: a bijection, so distinct inputs of one kind never collide.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(M1);
    z = (z ^ (z >> 27)).wrapping_mul(M2);
    z ^ (z >> 31)
}

const M1: u64 = 0xbf58_476d_1ce4_e5b9;
const M2: u64 = 0x94d0_49bb_1331_11eb;

/// The inverse of an odd number modulo 2^64, by Newton's iteration (each step doubles the
/// correct low bits).
const fn inverse(m: u64) -> u64 {
    let mut x = m;
    let mut i = 0;
    while i < 6 {
        x = x.wrapping_mul(2u64.wrapping_sub(m.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// Undoes `z ^= z >> shift`.
fn unshift(z: u64, shift: u32) -> u64 {
    let mut x = z;
    let mut s = shift;
    while s < 64 {
        x = z ^ (x >> shift);
        s += shift;
    }
    x
}

fn unmix(z: u64) -> u64 {
    let z = unshift(z, 31).wrapping_mul(inverse(M2));
    let z = unshift(z, 27).wrapping_mul(inverse(M1));
    unshift(z, 30)
}

/// When each holder of a recycled number took it, from the operators' subscriber data.
/// Numbers absent here have one holder as far as linking knows.
#[derive(Debug, Default, Clone)]
pub struct HolderPeriods {
    starts: HashMap<u64, Vec<i64>>,
}

impl HolderPeriods {
    pub fn new() -> HolderPeriods {
        HolderPeriods::default()
    }

    /// Records that a holder took the number with compact key `number` at `since` (unix
    /// seconds).
    pub fn insert(&mut self, number: u64, since: i64) {
        let starts = self.starts.entry(number).or_default();
        if let Err(at) = starts.binary_search(&since) {
            starts.insert(at, since);
        }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The link key of `kind`/`key` used at `at` (unix seconds). Only numbers with more than
    /// one recorded holder are split by period; a use before the first recorded holder
    /// belongs to the period before it.
    pub fn link_key(&self, kind: Kind, key: u64, at: Option<i64>) -> LinkKey {
        if kind != Kind::Number {
            return LinkKey::new(kind, key);
        }
        match (self.starts.get(&key), at) {
            (Some(starts), Some(at)) if starts.len() > 1 => {
                let holder = starts.partition_point(|&s| s <= at);
                let start = holder.checked_sub(1).map_or(i64::MIN, |i| starts[i]);
                LinkKey::in_period(kind, key, start)
            }
            _ => LinkKey::new(kind, key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_plain_link_key_gives_back_its_identifier(key: u64, kind in 0usize..Kind::ALL.len()) {
            let kind = Kind::ALL[kind];
            prop_assert_eq!(LinkKey::new(kind, key).plain_ident(kind), key);
        }
    }

    #[test]
    fn the_same_digits_as_a_number_and_an_account_are_different_keys() {
        assert_ne!(
            LinkKey::new(Kind::Number, 6222020000000001),
            LinkKey::new(Kind::Account, 6222020000000001)
        );
        assert_eq!(
            LinkKey::new(Kind::Number, 17100000001),
            LinkKey::new(Kind::Number, 17100000001)
        );
    }

    #[test]
    fn a_recycled_number_is_one_key_per_holder() {
        let mut periods = HolderPeriods::new();
        let number = 8617100000001;
        periods.insert(number, 1_000);
        periods.insert(number, 5_000);
        let first = periods.link_key(Kind::Number, number, Some(2_000));
        let also_first = periods.link_key(Kind::Number, number, Some(4_999));
        let second = periods.link_key(Kind::Number, number, Some(5_000));
        assert_eq!(first, also_first);
        assert_ne!(first, second);
        // unknown time: the number as a whole
        assert_eq!(
            periods.link_key(Kind::Number, number, None),
            LinkKey::new(Kind::Number, number)
        );
        // one holder on record: nothing to split
        periods.insert(42, 1_000);
        assert_eq!(
            periods.link_key(Kind::Number, 42, Some(2_000)),
            LinkKey::new(Kind::Number, 42)
        );
    }
}
