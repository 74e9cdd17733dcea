//! The bulk path: a batch large enough that the order of its writes, not their number, decides
//! what it costs. It may come whole or as a stream of chunks; either way it is one transaction
//! and at most one list version, with the outcomes the row path would give.
//!
//! Each chunk is applied in (list, kind, value) order rather than as given. The unique index
//! then fills in order instead of at random places, and new rows, their history and the change
//! feed index all grow at their ends. The changes of one value keep their order among
//! themselves, and what a change does depends only on the earlier changes of its own value, so
//! every outcome and history record is the one the row path gives; only the ids of new rows
//! (and so the order of a version inside the change feed) follow the sorted order. New rows of
//! consecutive ids with the same attributes, most of an import, have their addition recorded
//! once for the run (`list_history_runs`), which reads back as one record for each entry.
//!
//! The lookup table is keyed by a hash, so rows written in the chunks' order would land at
//! random. The batch keeps the lookup rows of its new entries in memory and writes them sorted
//! before commit (see [`write_lookups`]), appended to the table's end: at 10 M entries a
//! rebuilt index on the entries took a sort of the whole table, a fifth of the import.
//!
//! The change feed's (version, id) index is not rebuilt so: a batch's rows land at its end, and
//! building it again sorts the whole table (SQLite's sorter does not notice sorted input), which
//! cost what the inserts it saved did (about a sixth of a 2 M import each, by perf).

use std::cmp::Ordering;

use fraudwall_lists::entry::{Change, Outcome};
use fraudwall_lists::policy;
use rusqlite::{Connection, TransactionBehavior};

use super::apply::{AuditOf, Batch, Carried, write_lookups};
use super::{list_version, set_list_version};
use crate::StoreError;
use crate::sqlite::{append_audit_in, now_rfc3339};

/// Applies `chunks` as one batch and hands each chunk back to `applied` with its outcomes, in
/// the order given. The outcomes stand only if this returns `Ok`; on an error nothing is
/// applied. Returns the list version after the batch.
pub(crate) fn apply_chunks<C: AsRef<[Change]>>(
    conn: &mut Connection,
    chunks: impl IntoIterator<Item = C>,
    author: &str,
    allow_official: bool,
    mut applied: impl FnMut(C, Vec<Outcome>),
    audit: AuditOf<'_, u64>,
) -> Result<u64, StoreError> {
    let mut conn = BulkSettings::apply(conn)?;
    // IMMEDIATE takes the write lock before the version is read, as on the row path.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = list_version(&tx)?;
    let now = now_rfc3339();
    let mut carried = Carried::default();
    let mut changed = false;
    for chunk in chunks {
        let changes = chunk.as_ref();
        let mut outcomes = vec![Outcome::Duplicate; changes.len()];
        let mut batch = Batch::prepare(
            &tx,
            policy::batch_version(current),
            &now,
            author,
            allow_official,
            carried,
            true,
        )?;
        batch.apply_ordered(changes, &sorted_order(changes), &mut outcomes)?;
        carried = batch.finish()?;
        changed |= outcomes.iter().any(|outcome| outcome.changed());
        applied(chunk, outcomes);
    }
    write_lookups(&tx, carried.lookups)?;
    let version = policy::version_after(current, changed);
    if version != current {
        set_list_version(&tx, version)?;
    }
    if let Some(audit) = audit {
        append_audit_in(&tx, &audit(&version))?;
    }
    tx.commit()?;
    Ok(version)
}

/// The page cache of the writer during a bulk batch, in KiB. A batch of millions of rows
/// dirties gigabytes of pages; the ordinary cache would spill the pages it still fills to the
/// WAL and read them back several times before commit (with it, the first 500,000 of a million
/// new rows took 4.2 s instead of 4.8 s). The rows go in sorted, so a page left behind full is
/// not touched again and spilling it costs no more than writing it at commit; a cache that
/// holds the whole batch instead costs its size in fresh memory the kernel must clear first
/// and a commit that writes everything at once. At 10 M numbers (16 KiB pages, a 2 GB
/// database) 256 MiB took 24 s and 28 s of CPU where 1 GiB took 28 s and 31 s (under more
/// load 47 s and 34 s against 44 s and 35 s), always with 900 MiB less peak memory; 3 GiB,
/// which never spills, was the slowest. The cache grows only as pages are used, so a small
/// batch never pays for the limit.
const BULK_CACHE_KIB: i64 = 256 * 1024;

/// Connection settings for the length of a bulk batch, put back when it ends however it ends.
///
/// Besides the larger cache, CHECK constraints and foreign keys are not enforced. SQLite tests
/// the history's `action IN (…)` by building a lookup table for every row, which cost about
/// one microsecond a row (a fifth of the whole write), and the history's reference to its entry
/// costs a second search of the entries per history row. Nothing this path writes can fail
/// either: it writes the actions and the removed flag as constants, and each history row names
/// an entry it has just found or selected from the entries in the same statement. The row path
/// and every other writer keep both enforced.
struct BulkSettings<'c> {
    conn: &'c mut Connection,
    cache_size: i64,
}

impl<'c> BulkSettings<'c> {
    fn apply(conn: &'c mut Connection) -> Result<BulkSettings<'c>, StoreError> {
        let cache_size: i64 = conn.pragma_query_value(None, "cache_size", |row| row.get(0))?;
        // negative sizes are KiB, positive ones pages; a cache set larger stays as it is
        let bulk = if cache_size < 0 {
            cache_size.min(-BULK_CACHE_KIB)
        } else {
            -BULK_CACHE_KIB
        };
        let settings = BulkSettings { conn, cache_size };
        settings.conn.pragma_update(None, "cache_size", bulk)?;
        settings
            .conn
            .pragma_update(None, "ignore_check_constraints", true)?;
        // outside the transaction, the only place SQLite lets this change
        settings.conn.pragma_update(None, "foreign_keys", false)?;
        Ok(settings)
    }
}

impl std::ops::Deref for BulkSettings<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl std::ops::DerefMut for BulkSettings<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
    }
}

impl Drop for BulkSettings<'_> {
    fn drop(&mut self) {
        // failures here leave a setting behind but no data wrong; nothing to report them to
        let _ = self.conn.pragma_update(None, "foreign_keys", true);
        let _ = self
            .conn
            .pragma_update(None, "ignore_check_constraints", false);
        let _ = self.conn.pragma_update(None, "cache_size", self.cache_size);
    }
}

/// A change's place in the unique index, with the head of its value packed into an integer:
/// most values differ within their first sixteen bytes, so most comparisons never follow the
/// pointer to the text (which would miss the cache once per comparison on a large chunk).
struct SortKey<'a> {
    list: &'static str,
    kind: &'static str,
    head: u128,
    value: &'a str,
    at: usize,
}

impl SortKey<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.list, self.kind, self.head)
            .cmp(&(other.list, other.kind, other.head))
            .then_with(|| self.value.cmp(other.value))
            // the changes of one value keep their order
            .then(self.at.cmp(&other.at))
    }
}

/// The indexes of `changes` in the unique index's order: (list, kind, value), compared as
/// SQLite compares text, and by position among equals.
fn sorted_order(changes: &[Change]) -> Vec<usize> {
    let mut keys: Vec<SortKey<'_>> = changes
        .iter()
        .enumerate()
        .map(|(at, change)| {
            let (list, kind, value) = match change {
                Change::Put {
                    list, identifier, ..
                } => (*list, identifier.kind, identifier.value.as_str()),
                Change::Remove { list, kind, value } => (*list, *kind, value.as_str()),
            };
            let mut head = [0u8; 16];
            let len = value.len().min(16);
            head[..len].copy_from_slice(&value.as_bytes()[..len]);
            SortKey {
                list: list.as_str(),
                kind: kind.as_str(),
                // big-endian, so that integer order is byte order (a shorter value's zero
                // padding sorts it first, as a prefix sorts first)
                head: u128::from_be_bytes(head),
                value,
                at,
            }
        })
        .collect();
    keys.sort_unstable_by(SortKey::cmp);
    keys.into_iter().map(|key| key.at).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use fraudwall_lists::entry::{
        Attributes, Identifier, Kind, List, OnExisting, Severity, Source,
    };

    use super::*;
    use crate::sqlite::lists::apply::apply_in_order;
    use crate::sqlite::lists::read;
    use crate::{Applied, EntryFilter, HistoryRecord};

    fn database() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        crate::sqlite::migrations::migrate(&mut conn).unwrap();
        conn
    }

    fn number(n: u32) -> Identifier {
        Identifier {
            kind: Kind::Number,
            value: format!("+86138{n:08}"),
            key: u64::from(n),
        }
    }

    fn put(list: List, identifier: &Identifier, attributes: &Attributes) -> Change {
        Change::Put {
            list,
            identifier: identifier.clone(),
            attributes: attributes.clone(),
            on_existing: OnExisting::Keep,
        }
    }

    fn replace(list: List, identifier: &Identifier, attributes: &Attributes) -> Change {
        Change::Put {
            list,
            identifier: identifier.clone(),
            attributes: attributes.clone(),
            on_existing: OnExisting::Replace,
        }
    }

    fn remove(list: List, identifier: &Identifier) -> Change {
        Change::Remove {
            list,
            kind: identifier.kind,
            value: identifier.value.clone(),
        }
    }

    /// Everything the lists hold, by identity: each entry without its id and times, and its
    /// history without sequence numbers and times.
    type Contents = BTreeMap<(List, Kind, String), (String, Vec<(u64, String, String, String)>)>;

    fn contents(conn: &Connection) -> Contents {
        let filter = EntryFilter {
            include_removed: true,
            ..EntryFilter::default()
        };
        read::entries(conn, &filter, 0, usize::MAX)
            .unwrap()
            .into_iter()
            .map(|entry| {
                let history = read::history(conn, entry.id)
                    .unwrap()
                    .into_iter()
                    .map(|record: HistoryRecord| {
                        (
                            record.version,
                            record.actor,
                            record.action,
                            format!("{:?} -> {:?}", record.before, record.after),
                        )
                    })
                    .collect();
                let state = format!(
                    "{} {:?} {} {} {}",
                    entry.identifier.key,
                    entry.attributes,
                    entry.author,
                    entry.version,
                    entry.removed
                );
                let identity = (entry.list, entry.identifier.kind, entry.identifier.value);
                (identity, (state, history))
            })
            .collect()
    }

    /// Every lookup row by the identity of its entry, checked against the entry's hash.
    fn lookups(conn: &Connection) -> Vec<(String, String, String)> {
        let mut stmt = conn
            .prepare(
                "SELECT prefix, list, kind, value FROM list_lookup
                 JOIN list_entries ON list_entries.id = list_lookup.entry_id
                 ORDER BY list, kind, value",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |row| {
                let prefix: i64 = row.get(0)?;
                let kind: Kind = row.get::<_, String>(2)?.parse().unwrap();
                let value: String = row.get(3)?;
                let identifier = Identifier {
                    kind,
                    value: value.clone(),
                    key: 0,
                };
                let hash = identifier.lookup_hash().unwrap();
                assert_eq!(prefix, super::super::lookup_prefix(&hash), "{value}");
                Ok((row.get(1)?, row.get(2)?, value))
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    /// The state both paths start from: a listed number, a tombstone, an official white entry
    /// and an entry that the batch replaces.
    fn prepared() -> Connection {
        let mut conn = database();
        let import = Attributes::new(Source::Import);
        let official = Attributes::new(Source::Official);
        let first = [
            put(List::Black, &number(1), &import),
            put(List::Black, &number(2), &import),
            put(List::White, &number(3), &official),
            put(List::Gray, &number(4), &import),
        ];
        apply_in_order(&mut conn, &first, "seed", true, None).unwrap();
        apply_in_order(
            &mut conn,
            &[remove(List::Black, &number(2))],
            "seed",
            true,
            None,
        )
        .unwrap();
        conn
    }

    /// A batch with every outcome, in an order the sort rearranges.
    fn mixed_batch() -> Vec<Change> {
        let import = Attributes::new(Source::Import);
        let analyst = Attributes {
            fraud_type: Some("fake_loan_credit".to_owned()),
            confidence: 0.7,
            severity: Severity::Fatal,
            evidence: vec!["case-7".to_owned()],
            note: Some("seen twice".to_owned()),
            ..Attributes::new(Source::Analyst)
        };
        let official = Attributes::new(Source::Official);
        let mut batch = vec![
            put(List::Black, &number(90), &import),
            put(List::Black, &number(50), &import),
            // repeated in the batch: a duplicate even though it asks to replace
            replace(List::Black, &number(90), &analyst),
            // already listed
            put(List::Black, &number(1), &import),
            // repeated after a duplicate: still a duplicate
            replace(List::Black, &number(1), &analyst),
            // an update with replace
            replace(List::Gray, &number(4), &analyst),
            // a tombstone revives
            put(List::Black, &number(2), &analyst),
            // official entries are protected
            replace(List::White, &number(3), &analyst),
            remove(List::White, &number(3)),
            put(List::Black, &number(60), &official),
            // added, then removed, in the same batch
            remove(List::Black, &number(50)),
            remove(List::Black, &number(70)),
            // the same value on another list is another entry
            put(List::Gray, &number(90), &analyst),
        ];
        // a run of new rows with a change of attributes inside it
        for n in (100..140).rev() {
            let attributes = if n % 7 == 0 { &analyst } else { &import };
            batch.push(put(List::Black, &number(n), attributes));
        }
        batch
    }

    /// Applies `batch` row by row on one fresh store and in chunks of each length on others,
    /// and checks that both give the same outcomes, version and rows; the row path's result.
    fn bulk_matches_rows(
        fresh: impl Fn() -> Connection,
        batch: &[Change],
        chunk_lens: &[usize],
    ) -> Applied {
        let mut rows = fresh();
        let by_row = apply_in_order(&mut rows, batch, "cli", false, None).unwrap();
        for &chunk_len in chunk_lens {
            let mut bulk = fresh();
            let mut outcomes = Vec::new();
            let version = apply_chunks(
                &mut bulk,
                batch.chunks(chunk_len),
                "cli",
                false,
                |chunk, applied| {
                    assert_eq!(chunk.len(), applied.len());
                    outcomes.extend(applied);
                },
                None,
            )
            .unwrap();
            assert_eq!(outcomes, by_row.outcomes, "chunks of {chunk_len}");
            assert_eq!(version, by_row.version);
            assert_eq!(contents(&bulk), contents(&rows), "chunks of {chunk_len}");
            assert_eq!(lookups(&bulk), lookups(&rows), "chunks of {chunk_len}");
            assert_eq!(list_version(&bulk).unwrap(), version);
        }
        by_row
    }

    #[test]
    fn the_bulk_path_does_what_the_row_path_does() {
        let batch = mixed_batch();
        let by_row = bulk_matches_rows(prepared, &batch, &[batch.len(), 5, 1]);
        assert!(by_row.outcomes.contains(&Outcome::Forbidden));
        assert!(by_row.outcomes.contains(&Outcome::NotFound));
        assert!(by_row.outcomes.contains(&Outcome::Removed));
        assert!(by_row.outcomes.contains(&Outcome::Updated));
    }

    #[test]
    fn groups_of_new_rows_with_rows_already_there_do_what_the_row_path_does() {
        let import = Attributes::new(Source::Import);
        let seeded = || {
            let mut conn = prepared();
            let seed = [
                put(List::Black, &number(1050), &import),
                put(List::Black, &number(1100), &import),
            ];
            apply_in_order(&mut conn, &seed, "seed", true, None).unwrap();
            let tombstone = [remove(List::Black, &number(1100))];
            apply_in_order(&mut conn, &tombstone, "seed", true, None).unwrap();
            conn
        };
        // full groups of one statement: all new, one with a listed row, one with a tombstone,
        // one with a value put twice
        let mut batch: Vec<Change> = (1000..1300)
            .rev()
            .map(|n| put(List::Black, &number(n), &import))
            .collect();
        batch.push(put(List::Black, &number(1010), &import));
        batch.push(replace(List::Black, &number(1200), &import));
        let by_row = bulk_matches_rows(seeded, &batch, &[batch.len(), 100]);
        let added = by_row.outcomes.iter().filter(|o| **o == Outcome::Added);
        // the new rows and the revived tombstone
        assert_eq!(added.count(), 299);
    }

    #[test]
    fn a_batch_that_changes_nothing_keeps_the_version() {
        let mut conn = prepared();
        let before = list_version(&conn).unwrap();
        let batch = [remove(List::Black, &number(70))];
        let version = apply_chunks(&mut conn, [&batch[..]], "cli", false, |_, _| {}, None).unwrap();
        assert_eq!(version, before);
        let nothing: [&[Change]; 0] = [];
        assert_eq!(
            apply_chunks(&mut conn, nothing, "cli", false, |_, _| {}, None).unwrap(),
            before
        );
    }

    /// The lookup rows there are.
    fn lookup_rows(conn: &Connection) -> i64 {
        conn.query_row("SELECT count(*) FROM list_lookup", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_large_batch_fills_the_lookup_and_restores_the_settings() {
        let mut conn = prepared();
        let import = Attributes::new(Source::Import);
        let count = 5_000;
        let batch: Vec<Change> = (0..count)
            .rev()
            .map(|n| put(List::Black, &number(1_000_000 + n), &import))
            .collect();
        let cache_size: i64 = conn
            .pragma_query_value(None, "cache_size", |row| row.get(0))
            .unwrap();
        let version = apply_chunks(
            &mut conn,
            batch.chunks(2_000),
            "cli",
            false,
            |_, _| {},
            None,
        )
        .unwrap();
        assert_eq!(version, 3);

        let wanted = number(1_000_123).lookup_hash().unwrap();
        let found =
            read::by_hash_prefix(&conn, &wanted[..4], &crate::time_text::now(), 10).unwrap();
        assert!(found.iter().any(|found| found.hash == wanted), "{found:?}");
        // the four seeded numbers, the removed one too, and the batch
        assert_eq!(lookup_rows(&conn), i64::from(count) + 4);

        let after: i64 = conn
            .pragma_query_value(None, "cache_size", |row| row.get(0))
            .unwrap();
        assert_eq!(after, cache_size);
        let checks: bool = conn
            .pragma_query_value(None, "ignore_check_constraints", |row| row.get(0))
            .unwrap();
        assert!(!checks);
        let foreign_keys: bool = conn
            .pragma_query_value(None, "foreign_keys", |row| row.get(0))
            .unwrap();
        assert!(foreign_keys);
    }

    #[test]
    fn a_failed_batch_applies_nothing() {
        let mut conn = prepared();
        let before = contents(&conn);
        let lookups = lookup_rows(&conn);
        let version = list_version(&conn).unwrap();
        // a database error in the second chunk, after the first has written its entries
        conn.execute_batch(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.list_entries
             WHEN NEW.value = '+8613899999999' BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .unwrap();
        let import = Attributes::new(Source::Import);
        let first: Vec<Change> = (0..5_000)
            .map(|n| put(List::Black, &number(1_000_000 + n), &import))
            .collect();
        let second = [put(List::Black, &number(99_999_999), &import)];
        let mut seen = 0;
        let result = apply_chunks(
            &mut conn,
            [&first[..], &second[..]],
            "cli",
            false,
            |_, _| {
                seen += 1;
            },
            None,
        );
        assert!(result.is_err());
        assert_eq!(seen, 1);
        assert_eq!(list_version(&conn).unwrap(), version);
        assert_eq!(contents(&conn), before);
        assert_eq!(lookup_rows(&conn), lookups);
    }

    #[test]
    fn the_sort_follows_sqlite_text_order_and_keeps_repeats_in_order() {
        let import = Attributes::new(Source::Import);
        let id = |value: &str| Identifier {
            kind: Kind::Domain,
            value: value.to_owned(),
            key: 0,
        };
        let changes = [
            put(List::Black, &id("b.example"), &import),
            put(
                List::Black,
                &id("a.example.long.enough.to.pass.sixteen"),
                &import,
            ),
            put(
                List::Black,
                &id("a.example.long.enough.to.pass.fifteen"),
                &import,
            ),
            put(List::Black, &id("a.example"), &import),
            remove(List::Black, &id("b.example")),
            put(List::Gray, &id("a.example"), &import),
            put(List::Black, &id("b.example"), &import),
        ];
        assert_eq!(sorted_order(&changes), [3, 2, 1, 0, 4, 6, 5]);
    }
}
