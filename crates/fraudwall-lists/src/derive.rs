//! What the server derives from evidence and from the lists: the standing of every identifier
//! that has evidence, and the number ranges that many flagged numbers point at.
//!
//! Both are built by streaming: the caller feeds observations or flagged numbers one at a time
//! (straight from a store scan) and takes the result at the end, so a pass over millions of
//! rows keeps only one small record per identifier or per block of numbers.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use fraudwall_ids::phone::E164;
use fraudwall_ids::range::NumberRange;

use crate::reputation::{Assessment, Evidence, Policy, Reputation, Standing, Timestamp};

/// Reputations of many identifiers, built from a stream of observations.
#[derive(Debug, Clone)]
pub struct Assessor<K> {
    policy: Policy,
    reputations: HashMap<K, Reputation>,
}

impl<K: Eq + Hash + Ord + Clone> Assessor<K> {
    pub fn new(policy: Policy) -> Assessor<K> {
        Assessor {
            policy,
            reputations: HashMap::new(),
        }
    }

    /// Records one observation about `key`. Observations should come oldest first: a source's
    /// repeated reports are damped in the order they are recorded.
    pub fn record(&mut self, key: K, evidence: Evidence, source: u64, at: Timestamp) {
        self.record_weighted(key, evidence, source, at, 1.0);
    }

    /// [`record`](Assessor::record) for an observation that counts `weight` of a full one.
    pub fn record_weighted(
        &mut self,
        key: K,
        evidence: Evidence,
        source: u64,
        at: Timestamp,
        weight: f64,
    ) {
        self.reputations.entry(key).or_default().record_weighted(
            evidence,
            source,
            at,
            weight,
            &self.policy,
        );
    }

    /// Whether any observation about `key` was recorded.
    pub fn contains(&self, key: &K) -> bool {
        self.reputations.contains_key(key)
    }

    /// How many identifiers have observations.
    pub fn len(&self) -> usize {
        self.reputations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reputations.is_empty()
    }

    /// Every identifier's assessment at `now`, by key. `previous` tells where an identifier
    /// stood before (the list it is on), which the hysteresis needs to keep it there.
    pub fn assess(
        self,
        now: Timestamp,
        previous: impl Fn(&K) -> Option<Standing>,
    ) -> Vec<(K, Assessment)> {
        let policy = self.policy;
        let mut assessed: Vec<(K, Assessment)> = self
            .reputations
            .into_iter()
            .map(|(key, mut reputation)| {
                reputation.set_standing(previous(&key));
                let assessment = reputation.assess(now, &policy);
                (key, assessment)
            })
            .collect();
        assessed.sort_by(|a, b| a.0.cmp(&b.0));
        assessed
    }
}

/// Assesses every identifier that `records` (key, evidence, source, time; oldest first) speak
/// about; see [`Assessor`].
pub fn assess_evidence<K: Eq + Hash + Ord + Clone>(
    records: impl IntoIterator<Item = (K, Evidence, u64, Timestamp)>,
    previous: impl Fn(&K) -> Option<Standing>,
    now: Timestamp,
    policy: &Policy,
) -> Vec<(K, Assessment)> {
    let mut assessor = Assessor::new(*policy);
    for (key, evidence, source, at) in records {
        assessor.record(key, evidence, source, at);
    }
    assessor.assess(now, previous)
}

/// When flagged numbers make a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangePolicy {
    /// Flagged numbers a block of 10 needs.
    pub block_10_min_flagged: usize,
    /// Different blocks of 10 that must hold flagged numbers before their block of 100 is
    /// derived. Never less than 2, whatever is set: one busy block of 10 is that block's
    /// range, not evidence against the 90 numbers around it.
    pub block_100_min_blocks: usize,
    /// Flagged numbers a block of 100 needs in all.
    pub block_100_min_flagged: usize,
}

impl Default for RangePolicy {
    /// A block of 10 with 4 of its numbers flagged is far beyond chance: a ring working
    /// consecutive numbers. A block of 100 casts a ten times wider net, so it must be earned by
    /// spread rather than by one cluster: flagged numbers in at least 3 different blocks of 10,
    /// and at least 8 in all.
    fn default() -> Self {
        RangePolicy {
            block_10_min_flagged: 4,
            block_100_min_blocks: 3,
            block_100_min_flagged: 8,
        }
    }
}

/// A range that flagged numbers support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DerivedRange {
    pub range: NumberRange,
    /// How many numbers the range holds: 10 or 100.
    pub size: usize,
    /// Distinct flagged numbers inside it.
    pub flagged: usize,
    /// Blocks of 10 inside it that hold a flagged number.
    pub blocks_of_10: usize,
}

/// Flagged numbers counted per block of 10, fed one at a time.
#[derive(Debug, Clone, Default)]
pub struct RangeTally {
    /// One bit per last digit, so a number flagged on two lists counts once.
    blocks: BTreeMap<NumberRange, u16>,
}

impl RangeTally {
    pub fn new() -> RangeTally {
        RangeTally::default()
    }

    pub fn add(&mut self, number: E164) {
        if let Some(block) = NumberRange::block_of_10(number) {
            *self.blocks.entry(block).or_default() |= 1u16 << (number.key() % 10);
        }
    }

    /// The ranges the flagged numbers support: blocks of 10 and of 100, by range.
    pub fn finish(&self, policy: &RangePolicy) -> Vec<DerivedRange> {
        let mut derived = Vec::new();
        let mut hundreds: BTreeMap<NumberRange, (usize, usize)> = BTreeMap::new();
        for (&block, mask) in &self.blocks {
            let flagged = mask.count_ones() as usize;
            if flagged >= policy.block_10_min_flagged {
                derived.push(DerivedRange {
                    range: block,
                    size: 10,
                    flagged,
                    blocks_of_10: 1,
                });
            }
            if let Some(hundred) = block.parent() {
                let (numbers, blocks) = hundreds.entry(hundred).or_default();
                *numbers += flagged;
                *blocks += 1;
            }
        }
        for (range, (flagged, blocks_of_10)) in hundreds {
            if blocks_of_10 >= policy.block_100_min_blocks.max(2)
                && flagged >= policy.block_100_min_flagged
            {
                derived.push(DerivedRange {
                    range,
                    size: 100,
                    flagged,
                    blocks_of_10,
                });
            }
        }
        derived.sort_by_key(|d| d.range);
        derived
    }
}

/// The ranges that `flagged` numbers (duplicates allowed) support; see [`RangeTally`].
pub fn derive_ranges(
    flagged: impl IntoIterator<Item = E164>,
    policy: &RangePolicy,
) -> Vec<DerivedRange> {
    let mut tally = RangeTally::new();
    for number in flagged {
        tally.add(number);
    }
    tally.finish(policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 86_400;

    fn number(text: &str) -> E164 {
        E164::parse(text).unwrap()
    }

    /// `+8613800138` followed by the three digits of `tail`: blocks of 10 and 100 inside one
    /// block of 1,000.
    fn in_block(tail: u16) -> E164 {
        number(&format!("+8613800138{tail:03}"))
    }

    fn ranges(derived: &[DerivedRange]) -> Vec<String> {
        derived.iter().map(|d| d.range.to_string()).collect()
    }

    #[test]
    fn four_numbers_of_a_block_of_ten_make_it_a_range() {
        let policy = RangePolicy::default();
        let three = derive_ranges([1, 2, 3].map(in_block), &policy);
        assert!(three.is_empty(), "{three:?}");
        let four = derive_ranges([1, 2, 3, 7].map(in_block), &policy);
        assert_eq!(ranges(&four), ["+861380013800*"]);
        assert_eq!(
            (four[0].size, four[0].flagged, four[0].blocks_of_10),
            (10, 4, 1)
        );
    }

    #[test]
    fn a_number_flagged_twice_counts_once() {
        let derived = derive_ranges([1, 1, 2, 2, 3, 3].map(in_block), &RangePolicy::default());
        assert!(derived.is_empty(), "{derived:?}");
    }

    #[test]
    fn one_full_block_of_ten_never_makes_its_block_of_a_hundred() {
        let derived = derive_ranges((0..10).map(in_block), &RangePolicy::default());
        assert_eq!(ranges(&derived), ["+861380013800*"]);
        // even when the policy asks for a single block of 10
        let lax = RangePolicy {
            block_100_min_blocks: 1,
            block_100_min_flagged: 1,
            ..RangePolicy::default()
        };
        let derived = derive_ranges((0..10).map(in_block), &lax);
        assert_eq!(ranges(&derived), ["+861380013800*"]);
    }

    #[test]
    fn a_block_of_a_hundred_needs_spread_and_count() {
        let policy = RangePolicy::default();
        // 8 numbers over 3 blocks of 10, none of them a range on its own
        let spread = [1, 2, 3, 11, 12, 13, 21, 22].map(in_block);
        let derived = derive_ranges(spread, &policy);
        assert_eq!(ranges(&derived), ["+86138001380*"]);
        assert_eq!(
            (derived[0].size, derived[0].flagged, derived[0].blocks_of_10),
            (100, 8, 3)
        );
        // 8 numbers over only 2 blocks of 10: each block is a range, the hundred is not
        let two_blocks = [1, 2, 3, 4, 11, 12, 13, 14].map(in_block);
        assert_eq!(
            ranges(&derive_ranges(two_blocks, &policy)),
            ["+861380013800*", "+861380013801*"]
        );
        // 7 numbers over 3 blocks: too few
        let thin = [1, 2, 3, 11, 12, 21, 22].map(in_block);
        assert!(derive_ranges(thin, &policy).is_empty());
    }

    #[test]
    fn ranges_come_out_in_one_order_whatever_the_input_order() {
        let mut numbers: Vec<E164> = [1, 2, 3, 4, 11, 12, 13, 21, 512, 513, 514, 515]
            .map(in_block)
            .to_vec();
        let forward = derive_ranges(numbers.clone(), &RangePolicy::default());
        numbers.reverse();
        let backward = derive_ranges(numbers, &RangePolicy::default());
        assert_eq!(forward, backward);
        assert_eq!(
            ranges(&forward),
            ["+86138001380*", "+861380013800*", "+861380013851*"]
        );
    }

    fn fraud(key: u64, source: u64, at: Timestamp) -> (u64, Evidence, u64, Timestamp) {
        (key, Evidence::Fraud, source, at)
    }

    #[test]
    fn evidence_is_assessed_per_identifier_and_fades() {
        let policy = Policy::default();
        // identifier 1: three sources, three reports each; identifier 2: one source, fifty
        let mut records = Vec::new();
        for round in 0..3 {
            for source in 0..3 {
                records.push(fraud(1, source, round * 60 + source as i64));
            }
        }
        records.extend((0..50).map(|i| fraud(2, 9, i)));
        let at = |now| assess_evidence(records.clone(), |_: &u64| None, now, &policy);

        let fresh = at(DAY);
        assert_eq!(fresh.len(), 2);
        assert_eq!(fresh[0].0, 1);
        assert_eq!(fresh[0].1.standing, Standing::Black, "{:?}", fresh[0].1);
        assert_eq!(fresh[0].1.sources, 3);
        assert_eq!(fresh[1].0, 2);
        assert_eq!(fresh[1].1.standing, Standing::Unlisted, "{:?}", fresh[1].1);

        // after one half-life the black threshold is out of reach, the gray one is not
        let half = policy.evidence_half_life_s as i64;
        assert_eq!(at(half)[0].1.standing, Standing::Gray);
        // after a few half-lives nothing is left
        assert_eq!(at(3 * half)[0].1.standing, Standing::Unlisted);
    }

    #[test]
    fn the_previous_standing_holds_a_number_near_the_line() {
        let policy = Policy::default();
        let records: Vec<_> = (0..5).map(|source| fraud(7, source, 0)).collect();
        let later = (policy.evidence_half_life_s * 0.2) as i64;
        let listed = assess_evidence(records.clone(), |_| Some(Standing::Black), later, &policy);
        assert_eq!(listed[0].1.standing, Standing::Black);
        let unlisted = assess_evidence(records, |_| None, later, &policy);
        assert_eq!(unlisted[0].1.standing, Standing::Gray);
    }

    #[test]
    fn benign_evidence_takes_a_listed_number_off() {
        let policy = Policy::default();
        let mut records: Vec<_> = (0..6).map(|source| fraud(3, source, 0)).collect();
        assert_eq!(
            assess_evidence(records.clone(), |_| None, 60, &policy)[0]
                .1
                .standing,
            Standing::Black
        );
        records.extend((0..30).map(|i| (3, Evidence::Benign, 100, 10 + i)));
        let after = assess_evidence(records, |_| Some(Standing::Black), 60, &policy);
        assert_eq!(after[0].1.standing, Standing::Unlisted, "{:?}", after[0].1);
    }

    proptest! {
        #[test]
        fn adding_flagged_numbers_never_removes_a_range(
            base in proptest::collection::vec(0u16..300, 0..80),
            extra in proptest::collection::vec(0u16..300, 0..40),
        ) {
            let policy = RangePolicy::default();
            let before = derive_ranges(base.iter().map(|&t| in_block(t)), &policy);
            let after = derive_ranges(base.iter().chain(&extra).map(|&t| in_block(t)), &policy);
            for derived in &before {
                prop_assert!(
                    after.iter().any(|d| d.range == derived.range),
                    "{:?} lost", derived.range
                );
            }
        }

        #[test]
        fn every_range_holds_its_threshold_of_flagged_numbers(
            tails in proptest::collection::vec(0u16..300, 0..120),
        ) {
            let policy = RangePolicy::default();
            let numbers: Vec<E164> = tails.iter().map(|&t| in_block(t)).collect();
            for derived in derive_ranges(numbers.iter().copied(), &policy) {
                let mut inside: Vec<E164> = numbers
                    .iter()
                    .copied()
                    .filter(|n| derived.range.contains_number(*n))
                    .collect();
                inside.sort();
                inside.dedup();
                prop_assert_eq!(inside.len(), derived.flagged);
                let mut blocks: Vec<_> = inside
                    .iter()
                    .filter_map(|n| NumberRange::block_of_10(*n))
                    .collect();
                blocks.dedup();
                prop_assert_eq!(blocks.len(), derived.blocks_of_10);
                match derived.size {
                    10 => prop_assert!(inside.len() >= policy.block_10_min_flagged),
                    100 => {
                        prop_assert!(inside.len() >= policy.block_100_min_flagged);
                        prop_assert!(blocks.len() >= policy.block_100_min_blocks);
                    }
                    size => prop_assert!(false, "a range of {} numbers", size),
                }
            }
        }

        #[test]
        fn numbers_of_one_block_of_ten_never_make_a_block_of_a_hundred(
            block in 0u16..30,
            digits in proptest::collection::vec(0u16..10, 0..30),
        ) {
            let numbers = digits.iter().map(|&d| in_block(block * 10 + d));
            for derived in derive_ranges(numbers, &RangePolicy::default()) {
                prop_assert_eq!(derived.size, 10);
                prop_assert_eq!(derived.blocks_of_10, 1);
            }
        }
    }
}
