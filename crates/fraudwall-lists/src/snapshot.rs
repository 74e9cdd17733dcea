//! The immutable, versioned view of every list that the decision path reads.
//!
//! A snapshot is a large *base*, built from the store in one pass, plus a small *delta* of the
//! changes made since. Both are immutable; applying a change makes a new snapshot that shares
//! the base and copies only the delta, so a list change reaches decisions in milliseconds while
//! the expensive rebuild of the base runs rarely and off the request path. Each key of a table
//! maps to a [`Mark`]: where that identifier stands on each of the three lists.

use std::sync::Arc;

use hashbrown::HashMap;

use crate::entry::{List, Severity, Source, Table};
use crate::keytable::{KeyTable, KeyTableBuilder};

/// One list's entry for an identifier, in the compact form the hot path reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Listing {
    pub source: Source,
    pub severity: Severity,
    /// Confidence in hundredths, so that equal listings intern to one mark.
    pub confidence_pct: u8,
    /// An index into the snapshot's fraud types; 0 means none given.
    pub fraud_type: u16,
}

impl Listing {
    pub fn confidence(&self) -> f32 {
        f32::from(self.confidence_pct) / 100.0
    }

    pub fn is_fatal(&self) -> bool {
        self.severity == Severity::Fatal
    }

    /// Of two listings on one list, the one that speaks for both: fatal before normal, then
    /// the higher confidence.
    pub fn stronger(self, other: Listing) -> Listing {
        if (other.severity, other.confidence_pct) > (self.severity, self.confidence_pct) {
            other
        } else {
            self
        }
    }
}

/// Where one identifier stands on each list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Mark {
    pub black: Option<Listing>,
    pub gray: Option<Listing>,
    pub white: Option<Listing>,
    /// For a host's root expression (`host/`): some listed expression has a longer path on
    /// this host. A URL check looks up path expressions only below hosts marked so, which
    /// spares most lookups, since most URLs are on hosts with nothing listed.
    pub paths_below: bool,
}

impl Mark {
    pub fn get(&self, list: List) -> Option<Listing> {
        match list {
            List::Black => self.black,
            List::Gray => self.gray,
            List::White => self.white,
        }
    }

    fn slot(&mut self, list: List) -> &mut Option<Listing> {
        match list {
            List::Black => &mut self.black,
            List::Gray => &mut self.gray,
            List::White => &mut self.white,
        }
    }

    /// Whether the identifier is on any list.
    pub fn is_listed(&self) -> bool {
        self.black.is_some() || self.gray.is_some() || self.white.is_some()
    }

    fn is_empty(&self) -> bool {
        !self.is_listed() && !self.paths_below
    }

    fn merged(mut self, list: List, listing: Listing) -> Mark {
        let slot = self.slot(list);
        *slot = Some(slot.map_or(listing, |current| current.stronger(listing)));
        self
    }
}

/// A listing as the store describes it, before interning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListingSpec<'a> {
    pub source: Source,
    pub severity: Severity,
    pub confidence: f32,
    pub fraud_type: Option<&'a str>,
}

/// Fraud-type names by index; index 0 is "none".
#[derive(Debug, Clone, Default)]
struct FraudTypes {
    names: Vec<Box<str>>,
    ids: HashMap<Box<str>, u16>,
}

impl FraudTypes {
    fn intern(&mut self, name: Option<&str>) -> u16 {
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return 0;
        };
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        // Past 65,535 distinct names (a malformed import) further names are dropped, not
        // mixed up with others.
        let Ok(id) = u16::try_from(self.names.len() + 1) else {
            return 0;
        };
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }

    fn name(&self, id: u16) -> Option<&str> {
        (id as usize)
            .checked_sub(1)
            .and_then(|i| self.names.get(i))
            .map(|n| &**n)
    }
}

fn intern_listing(fraud_types: &mut FraudTypes, spec: &ListingSpec<'_>) -> Listing {
    Listing {
        source: spec.source,
        severity: spec.severity,
        confidence_pct: (spec.confidence.clamp(0.0, 1.0) * 100.0).round() as u8,
        fraud_type: fraud_types.intern(spec.fraud_type),
    }
}

/// The part built from the store in one pass.
struct Base {
    tables: [KeyTable; Table::COUNT],
    marks: Box<[Mark]>,
}

/// Changes since the base was built: the full mark of every changed key (an empty mark for a
/// key no longer listed anywhere).
#[derive(Clone, Default)]
struct Delta {
    tables: [HashMap<u64, Mark>; Table::COUNT],
}

impl Delta {
    fn len(&self) -> usize {
        self.tables.iter().map(HashMap::len).sum()
    }
}

/// An immutable view of every list at one version.
#[derive(Clone)]
pub struct Snapshot {
    version: u64,
    base: Arc<Base>,
    delta: Arc<Delta>,
    fraud_types: Arc<FraudTypes>,
    /// Bit `n` is set when some listed range has a prefix of `n` digits, so a number is checked
    /// against only the prefix lengths that exist.
    range_lengths: u16,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("version", &self.version)
            .field("base_keys", &self.base_len())
            .field("delta_keys", &self.delta.len())
            .finish()
    }
}

/// Streams entries into a new snapshot.
pub struct SnapshotBuilder {
    tables: Vec<KeyTableBuilder>,
    marks: Vec<Mark>,
    mark_ids: HashMap<Mark, u32>,
    fraud_types: FraudTypes,
}

impl std::fmt::Debug for SnapshotBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotBuilder")
            .field("marks", &self.marks.len())
            .finish()
    }
}

impl SnapshotBuilder {
    /// `capacities[table.index()]` is the expected number of keys in each table; sizing the
    /// tables up front keeps a rebuild from ever holding two copies of one.
    pub fn new(capacities: [usize; Table::COUNT]) -> SnapshotBuilder {
        SnapshotBuilder {
            tables: capacities
                .iter()
                .map(|&keys| KeyTableBuilder::with_capacity(keys))
                .collect(),
            marks: Vec::new(),
            mark_ids: HashMap::new(),
            fraud_types: FraudTypes::default(),
        }
    }

    pub fn add(&mut self, list: List, table: Table, key: u64, spec: &ListingSpec<'_>) {
        let listing = intern_listing(&mut self.fraud_types, spec);
        self.upsert_mark(table, key, |mark| mark.merged(list, listing));
    }

    /// Marks the host whose root expression has key `host_key` as having listed expressions
    /// with longer paths (see [`Mark::paths_below`]).
    pub fn add_paths_below(&mut self, host_key: u64) {
        self.upsert_mark(Table::Expressions, host_key, |mark| Mark {
            paths_below: true,
            ..mark
        });
    }

    /// Replaces the key's mark with `change(current)`, interning the result.
    fn upsert_mark(&mut self, table: Table, key: u64, change: impl FnOnce(Mark) -> Mark) {
        let marks = &mut self.marks;
        let mark_ids = &mut self.mark_ids;
        self.tables[table.index()].upsert(key, |previous| {
            let current = previous.map_or(Mark::default(), |id| marks[id as usize]);
            let mark = change(current);
            *mark_ids.entry(mark).or_insert_with(|| {
                marks.push(mark);
                (marks.len() - 1) as u32
            })
        });
    }

    pub fn finish(self, version: u64) -> Snapshot {
        let mut tables = self.tables.into_iter().map(KeyTableBuilder::finish);
        let tables: [KeyTable; Table::COUNT] =
            std::array::from_fn(|_| tables.next().expect("one builder per table"));
        let range_lengths = tables[Table::Ranges.index()]
            .iter()
            .fold(0u16, |bits, (key, _)| bits | range_length_bit(key));
        Snapshot {
            version,
            base: Arc::new(Base {
                tables,
                marks: self.marks.into_boxed_slice(),
            }),
            delta: Arc::new(Delta::default()),
            fraud_types: Arc::new(self.fraud_types),
            range_lengths,
        }
    }
}

/// A range key is `(prefix << 4) | prefix_len`.
fn range_length_bit(range_key: u64) -> u16 {
    1u16.checked_shl((range_key & 0xf) as u32).unwrap_or(0)
}

/// One change to apply on top of a snapshot.
#[derive(Debug, Clone, Copy)]
pub struct KeyChange<'a> {
    pub table: Table,
    pub key: u64,
    pub update: KeyUpdate<'a>,
}

#[derive(Debug, Clone, Copy)]
pub enum KeyUpdate<'a> {
    /// Puts the key on a list (`Some`) or takes it off (`None`).
    List(List, Option<ListingSpec<'a>>),
    /// The key is a host's root expression with listed longer paths.
    PathsBelow,
}

impl Snapshot {
    /// A snapshot with nothing listed.
    pub fn empty() -> Snapshot {
        SnapshotBuilder::new([0; Table::COUNT]).finish(0)
    }

    /// The list version this snapshot reflects.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Keys in the base tables.
    pub fn base_len(&self) -> usize {
        self.base.tables.iter().map(KeyTable::len).sum()
    }

    /// Keys changed since the base was built; when this grows large, rebuild.
    pub fn delta_len(&self) -> usize {
        self.delta.len()
    }

    /// Bytes held by the base tables and marks.
    pub fn memory_bytes(&self) -> usize {
        self.base
            .tables
            .iter()
            .map(KeyTable::memory_bytes)
            .sum::<usize>()
            + std::mem::size_of_val(&*self.base.marks)
    }

    pub fn table_len(&self, table: Table) -> usize {
        self.base.tables[table.index()].len()
    }

    pub fn fraud_type(&self, listing: &Listing) -> Option<&str> {
        self.fraud_types.name(listing.fraud_type)
    }

    /// Where `key` stands, if it is on any list.
    #[inline]
    pub fn get(&self, table: Table, key: u64) -> Option<Mark> {
        let delta = &self.delta.tables[table.index()];
        if !delta.is_empty()
            && let Some(mark) = delta.get(&key)
        {
            return (!mark.is_empty()).then_some(*mark);
        }
        self.base.tables[table.index()]
            .get(key)
            .map(|id| self.base.marks[id as usize])
    }

    /// [`get`](Self::get) for many keys of one table, handing each key's index and mark to
    /// `found` in order; several times faster than one by one on large tables.
    #[inline]
    pub fn get_many(&self, table: Table, keys: &[u64], mut found: impl FnMut(usize, Option<Mark>)) {
        let delta = &self.delta.tables[table.index()];
        let marks = &self.base.marks;
        self.base.tables[table.index()].get_many_with(keys, |index, id| {
            let from_base = id.map(|id| marks[id as usize]);
            let mark = if delta.is_empty() {
                from_base
            } else {
                match delta.get(&keys[index]) {
                    Some(mark) => (!mark.is_empty()).then_some(*mark),
                    None => from_base,
                }
            };
            found(index, mark);
        });
    }

    /// The listed ranges that hold the E.164 number with key `number_key`, most specific first:
    /// (prefix length, mark).
    pub fn ranges_holding(&self, number_key: u64, mut found: impl FnMut(usize, Mark)) {
        let mut lengths = self.range_lengths;
        if lengths == 0 {
            return;
        }
        let digits = number_key.checked_ilog10().map_or(1, |n| n as usize + 1);
        while lengths != 0 {
            let length = 15 - lengths.leading_zeros() as usize;
            lengths &= !(1 << length);
            if length >= digits {
                continue;
            }
            let prefix = number_key / 10u64.pow((digits - length) as u32);
            if let Some(mark) = self.get(Table::Ranges, (prefix << 4) | length as u64) {
                found(length, mark);
            }
        }
    }

    /// A new snapshot at `version` with `changes` applied on top of this one. The base is
    /// shared; only the delta is copied, so callers rebuild once [`delta_len`](Self::delta_len)
    /// grows large.
    pub fn with_changes<'a>(
        &self,
        version: u64,
        changes: impl IntoIterator<Item = KeyChange<'a>>,
    ) -> Snapshot {
        let mut delta = (*self.delta).clone();
        let mut fraud_types: Option<FraudTypes> = None;
        let mut range_lengths = self.range_lengths;
        for change in changes {
            let mut mark = delta.tables[change.table.index()]
                .get(&change.key)
                .copied()
                .or_else(|| {
                    self.base.tables[change.table.index()]
                        .get(change.key)
                        .map(|id| self.base.marks[id as usize])
                })
                .unwrap_or_default();
            match change.update {
                KeyUpdate::List(list, Some(spec)) => {
                    let types = fraud_types.get_or_insert_with(|| (*self.fraud_types).clone());
                    *mark.slot(list) = Some(intern_listing(types, &spec));
                    if change.table == Table::Ranges {
                        range_lengths |= range_length_bit(change.key);
                    }
                }
                KeyUpdate::List(list, None) => *mark.slot(list) = None,
                KeyUpdate::PathsBelow => mark.paths_below = true,
            }
            delta.tables[change.table.index()].insert(change.key, mark);
        }
        Snapshot {
            version,
            base: Arc::clone(&self.base),
            delta: Arc::new(delta),
            fraud_types: fraud_types.map_or_else(|| Arc::clone(&self.fraud_types), Arc::new),
            range_lengths,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(confidence: f32, fraud_type: Option<&str>) -> ListingSpec<'_> {
        ListingSpec {
            source: Source::Import,
            severity: Severity::Normal,
            confidence,
            fraud_type,
        }
    }

    fn build(entries: &[(List, Table, u64)]) -> Snapshot {
        let mut builder = SnapshotBuilder::new([4; Table::COUNT]);
        for &(list, table, key) in entries {
            builder.add(list, table, key, &spec(0.9, Some("fake_customer_service")));
        }
        builder.finish(7)
    }

    #[test]
    fn one_key_carries_every_list_it_is_on() {
        let snapshot = build(&[
            (List::White, Table::Numbers, 96110),
            (List::Black, Table::Numbers, 96110),
            (List::Gray, Table::Numbers, 8613800138000),
        ]);
        let mark = snapshot.get(Table::Numbers, 96110).unwrap();
        assert!(mark.white.is_some() && mark.black.is_some() && mark.gray.is_none());
        let listing = mark.black.unwrap();
        assert_eq!(snapshot.fraud_type(&listing), Some("fake_customer_service"));
        assert_eq!(listing.confidence(), 0.9);
        assert!(snapshot.get(Table::Accounts, 96110).is_none());
        assert_eq!(snapshot.version(), 7);
    }

    #[test]
    fn changes_apply_on_top_without_touching_the_original() {
        let original = build(&[
            (List::Black, Table::Numbers, 1),
            (List::Black, Table::Numbers, 2),
        ]);
        let changed = original.with_changes(
            8,
            [
                KeyChange {
                    table: Table::Numbers,
                    key: 1,
                    update: KeyUpdate::List(List::Black, None),
                },
                KeyChange {
                    table: Table::Numbers,
                    key: 3,
                    update: KeyUpdate::List(List::Gray, Some(spec(0.4, Some("online_gambling")))),
                },
                KeyChange {
                    table: Table::Numbers,
                    key: 2,
                    update: KeyUpdate::List(List::White, Some(spec(1.0, None))),
                },
            ],
        );
        assert!(changed.get(Table::Numbers, 1).is_none());
        let gray = changed.get(Table::Numbers, 3).unwrap().gray.unwrap();
        assert_eq!(changed.fraud_type(&gray), Some("online_gambling"));
        let both = changed.get(Table::Numbers, 2).unwrap();
        assert!(both.black.is_some() && both.white.is_some());
        assert_eq!(changed.version(), 8);
        assert_eq!(changed.delta_len(), 3);
        // the original is untouched
        assert!(original.get(Table::Numbers, 1).is_some());
        assert!(original.get(Table::Numbers, 3).is_none());

        let mut found = Vec::new();
        changed.get_many(Table::Numbers, &[1, 2, 3, 4], |i, mark| {
            found.push((i, mark.is_some()))
        });
        assert_eq!(found, [(0, false), (1, true), (2, true), (3, false)]);
    }

    #[test]
    fn ranges_are_found_by_every_listed_prefix_length() {
        // +86138001380* (block of 10) and +8613800138* (block of 100)
        let block_10 = (861_380_013_800u64 << 4) | 12;
        let block_100 = (86_138_001_380u64 << 4) | 11;
        let snapshot = build(&[
            (List::Black, Table::Ranges, block_10),
            (List::Gray, Table::Ranges, block_100),
        ]);
        let mut found = Vec::new();
        snapshot.ranges_holding(8_613_800_138_005, |length, mark| {
            found.push((length, mark.black.is_some(), mark.gray.is_some()))
        });
        assert_eq!(found, [(12, true, false), (11, false, true)]);
        let mut none = 0;
        snapshot.ranges_holding(8_613_900_138_005, |_, _| none += 1);
        assert_eq!(none, 0);
        // a range added later through a delta is found too
        let later = snapshot.with_changes(
            9,
            [KeyChange {
                table: Table::Ranges,
                key: (8_613_900u64 << 4) | 7,
                update: KeyUpdate::List(List::Black, Some(spec(1.0, None))),
            }],
        );
        let mut lengths = Vec::new();
        later.ranges_holding(8_613_900_138_005, |length, _| lengths.push(length));
        assert_eq!(lengths, [7]);
    }

    #[test]
    fn hosts_with_listed_paths_are_marked_without_being_listed() {
        let mut builder = SnapshotBuilder::new([0; Table::COUNT]);
        builder.add_paths_below(9);
        builder.add(List::Black, Table::Expressions, 10, &spec(1.0, None));
        builder.add_paths_below(10);
        let snapshot = builder.finish(1);
        let host = snapshot.get(Table::Expressions, 9).unwrap();
        assert!(host.paths_below && !host.is_listed());
        let both = snapshot.get(Table::Expressions, 10).unwrap();
        assert!(both.paths_below && both.black.is_some());
        let later = snapshot.with_changes(
            2,
            [KeyChange {
                table: Table::Expressions,
                key: 11,
                update: KeyUpdate::PathsBelow,
            }],
        );
        assert!(later.get(Table::Expressions, 11).unwrap().paths_below);
    }

    #[test]
    fn equal_listings_share_one_mark() {
        let entries: Vec<_> = (0..1000u64)
            .map(|k| (List::Black, Table::Numbers, k))
            .collect();
        let snapshot = build(&entries);
        assert_eq!(snapshot.base.marks.len(), 1);
        assert_eq!(snapshot.base_len(), 1000);
    }

    #[test]
    fn the_stronger_of_two_listings_on_one_key_wins() {
        let mut builder = SnapshotBuilder::new([0; Table::COUNT]);
        builder.add(List::Black, Table::Expressions, 5, &spec(0.5, None));
        let fatal = ListingSpec {
            severity: Severity::Fatal,
            ..spec(0.2, None)
        };
        builder.add(List::Black, Table::Expressions, 5, &fatal);
        builder.add(List::Black, Table::Expressions, 5, &spec(0.9, None));
        let snapshot = builder.finish(1);
        let listing = snapshot.get(Table::Expressions, 5).unwrap().black.unwrap();
        assert!(listing.is_fatal());
    }
}
