//! Reading the lists: the rebuild scan, the change feed, listings, history and the public
//! lookup by hash prefix.

use fraudwall_lists::entry::{Entry, Kind, List};
use rusqlite::{Connection, params};

use super::{entry_columns, entry_from_row, key, list_version, name, sql_limit, text};
use crate::sqlite::{hash_column, now_rfc3339};
use crate::{ChangeCursor, EntryFilter, HashMatch, HistoryRecord, LiveRow, StoreError};

pub(crate) fn version(conn: &Connection) -> Result<u64, StoreError> {
    list_version(conn)
}

pub(crate) fn counts(conn: &Connection) -> Result<Vec<(List, Kind, u64)>, StoreError> {
    // NOT INDEXED: the planner would group through the unique index and visit the table in
    // its order, at random; a straight scan of the table is sequential.
    let mut stmt = conn.prepare_cached(
        "SELECT list, kind, COUNT(*) FROM list_entries NOT INDEXED
         WHERE removed = 0 AND (expires_at IS NULL OR expires_at > ?1)
         GROUP BY list, kind ORDER BY list, kind",
    )?;
    let mut rows = stmt.query([now_rfc3339()])?;
    let mut counts = Vec::new();
    while let Some(row) = rows.next()? {
        counts.push((name(row, 0)?, name(row, 1)?, row.get::<_, i64>(2)? as u64));
    }
    Ok(counts)
}

pub(crate) fn scan_live(
    conn: &mut Connection,
    now: &str,
    visit: &mut dyn FnMut(&LiveRow<'_>),
) -> Result<u64, StoreError> {
    // One transaction: in WAL mode it reads one snapshot, so the version read first is the
    // version of exactly the rows that follow.
    let tx = conn.transaction()?;
    let version = list_version(&tx)?;
    {
        let mut stmt = tx.prepare_cached(
            "SELECT list, kind, key, source, severity, confidence, fraud_type, value FROM list_entries
             WHERE removed = 0 AND (expires_at IS NULL OR expires_at > ?1)",
        )?;
        let mut rows = stmt.query([now])?;
        while let Some(row) = rows.next()? {
            visit(&LiveRow {
                list: name(row, 0)?,
                kind: name(row, 1)?,
                key: key(row, 2)?,
                source: name(row, 3)?,
                severity: name(row, 4)?,
                confidence: row.get::<_, f64>(5)? as f32,
                fraud_type: row
                    .get_ref(6)?
                    .as_str_or_null()
                    .map_err(rusqlite::Error::from)?,
                value: row.get_ref(7)?.as_str().map_err(rusqlite::Error::from)?,
            });
        }
    }
    tx.commit()?;
    Ok(version)
}

/// The change feed; the row value comparison walks the (version, id) index from the cursor.
const CHANGES_SQL: &str = concat!(
    "SELECT ",
    entry_columns!(),
    " FROM list_entries WHERE (version, id) > (?1, ?2) ORDER BY version, id LIMIT ?3"
);

pub(crate) fn changes(
    conn: &Connection,
    cursor: ChangeCursor,
    limit: usize,
) -> Result<Vec<Entry>, StoreError> {
    // Without an id the whole version `since` was seen, and no id is above i64::MAX.
    let after_id = cursor.after_id.unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(CHANGES_SQL)?;
    let rows = stmt.query(params![cursor.since as i64, after_id, sql_limit(limit)])?;
    collect_entries(rows, limit)
}

pub(crate) fn entry(
    conn: &Connection,
    list: List,
    kind: Kind,
    value: &str,
) -> Result<Option<Entry>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        entry_columns!(),
        " FROM list_entries WHERE list = ?1 AND kind = ?2 AND value = ?3"
    ))?;
    let mut rows = stmt.query(params![list.as_str(), kind.as_str(), value])?;
    rows.next()?.map(entry_from_row).transpose()
}

pub(crate) fn entries(
    conn: &Connection,
    filter: &EntryFilter,
    after_id: i64,
    limit: usize,
) -> Result<Vec<Entry>, StoreError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        entry_columns!(),
        " FROM list_entries
         WHERE id > ?1 AND (?2 IS NULL OR list = ?2) AND (?3 IS NULL OR kind = ?3)
             AND (?4 OR removed = 0)
         ORDER BY id LIMIT ?5"
    ))?;
    let rows = stmt.query(params![
        after_id,
        filter.list.map(List::as_str),
        filter.kind.map(Kind::as_str),
        filter.include_removed,
        sql_limit(limit)
    ])?;
    collect_entries(rows, limit)
}

fn collect_entries(mut rows: rusqlite::Rows<'_>, limit: usize) -> Result<Vec<Entry>, StoreError> {
    // the limit may be a caller's "everything"; do not reserve for it
    let mut entries = Vec::with_capacity(limit.min(1024));
    while let Some(row) = rows.next()? {
        entries.push(entry_from_row(row)?);
    }
    Ok(entries)
}

pub(crate) fn history(conn: &Connection, entry_id: i64) -> Result<Vec<HistoryRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, entry_id, version, time, actor, action, before, after FROM list_history
         WHERE entry_id = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([entry_id])?;
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        records.push(HistoryRecord {
            seq: row.get(0)?,
            entry_id: row.get(1)?,
            version: row.get::<_, i64>(2)? as u64,
            time: crate::time_text::parse(text(row, 3)?, "list history time")?,
            actor: row.get(4)?,
            action: row.get(5)?,
            before: row.get(6)?,
            after: row.get(7)?,
        });
    }
    Ok(records)
}

/// The exclusive upper end of the hashes that start with `prefix`: the prefix plus one, as a
/// big-endian number with its trailing 0xff bytes dropped.
fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last != 0xff {
            end.push(last + 1);
            return end;
        }
    }
    // All 0xff: nothing ends the range among 32-byte values, but BLOBs compare bytewise and
    // then by length, so every 32-byte hash sorts below 33 bytes of 0xff.
    vec![0xff; 33]
}

/// Pinned to the partial index on live hashes (whose condition is spelled out below, as
/// SQLite requires): without statistics the planner would rather walk the black and gray lists
/// through the unique index and sort them.
const BY_HASH_PREFIX_SQL: &str = "SELECT lookup_hash, list, kind, fraud_type
    FROM list_entries INDEXED BY list_entries_by_lookup_hash
    WHERE lookup_hash >= ?1 AND lookup_hash < ?2
        AND removed = 0 AND lookup_hash IS NOT NULL
        AND list IN ('black', 'gray')
        AND (expires_at IS NULL OR expires_at > ?3)
    ORDER BY lookup_hash LIMIT ?4";

pub(crate) fn by_hash_prefix(
    conn: &Connection,
    prefix: &[u8],
    now: &str,
    limit: usize,
) -> Result<Vec<HashMatch>, StoreError> {
    if !(1..=32).contains(&prefix.len()) {
        return Err(StoreError::InvalidHashPrefix { len: prefix.len() });
    }
    let mut stmt = conn.prepare_cached(BY_HASH_PREFIX_SQL)?;
    let mut rows = stmt.query(params![prefix, prefix_end(prefix), now, sql_limit(limit)])?;
    let mut matches = Vec::new();
    while let Some(row) = rows.next()? {
        matches.push(HashMatch {
            hash: hash_column(row.get(0)?, "list entry lookup_hash")?,
            list: name(row, 1)?,
            kind: name(row, 2)?,
            fraud_type: row.get(3)?,
        });
    }
    Ok(matches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::lists::expire::DUE_SQL;
    use crate::sqlite::lists::query_plan;

    #[test]
    fn prefix_ends_increment_and_cover_all_ones() {
        assert_eq!(prefix_end(&[0x12, 0x34]), [0x12, 0x35]);
        assert_eq!(prefix_end(&[0x12, 0xff]), [0x13]);
        assert_eq!(prefix_end(&[0xff]), [0xff; 33]);
        assert_eq!(prefix_end(&[0xff; 32]), [0xff; 33]);
    }

    #[test]
    fn the_feed_the_lookup_and_expiry_use_their_indexes() {
        for (sql, index) in [
            (CHANGES_SQL, "list_entries_by_version"),
            (BY_HASH_PREFIX_SQL, "list_entries_by_lookup_hash"),
            (DUE_SQL, "list_entries_by_expiry"),
        ] {
            let plan = query_plan(sql);
            assert!(plan.contains(index), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }
}
