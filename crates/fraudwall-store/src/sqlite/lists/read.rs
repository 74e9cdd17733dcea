//! Reading the lists: the rebuild scan, the change feed, listings, history and the public
//! lookup by hash prefix.

use fraudwall_lists::entry::{Entry, Identifier, Kind, List};
use rusqlite::{Connection, params};

use super::{
    entry_columns, entry_from_row, key, list_version, lookup_prefix_range, name, sql_limit, text,
};
use crate::sqlite::now_rfc3339;
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
    let mut records = Vec::new();
    // An entry's addition by a bulk batch, if it was added so, is its first record: the rows
    // of a run were new. The run holding an id is the last one starting at or before it,
    // provided it reaches that far.
    let mut run = conn.prepare_cached(
        "SELECT version, time, actor, after FROM (
             SELECT last_id, version, time, actor, after FROM list_history_runs
             WHERE first_id <= ?1 ORDER BY first_id DESC LIMIT 1)
         WHERE last_id >= ?1",
    )?;
    let mut rows = run.query([entry_id])?;
    if let Some(row) = rows.next()? {
        records.push(HistoryRecord {
            entry_id,
            version: row.get::<_, i64>(0)? as u64,
            time: crate::time_text::parse(text(row, 1)?, "list history time")?,
            actor: row.get(2)?,
            action: "add".to_owned(),
            before: None,
            after: row.get(3)?,
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT entry_id, version, time, actor, action, before, after FROM list_history
         WHERE entry_id = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([entry_id])?;
    while let Some(row) = rows.next()? {
        records.push(HistoryRecord {
            entry_id: row.get(0)?,
            version: row.get::<_, i64>(1)? as u64,
            time: crate::time_text::parse(text(row, 2)?, "list history time")?,
            actor: row.get(3)?,
            action: row.get(4)?,
            before: row.get(5)?,
            after: row.get(6)?,
        });
    }
    Ok(records)
}

/// The lookup table's range, each row's entry read by its id. CROSS JOIN keeps the lookup table
/// the outer loop: without statistics the planner could rather walk the black and gray lists
/// through the unique index. The lookup table holds removed entries too, so whether an entry
/// is live is read from the entry.
const BY_HASH_PREFIX_SQL: &str = "SELECT list, kind, value, key, fraud_type
    FROM list_lookup CROSS JOIN list_entries ON list_entries.id = list_lookup.entry_id
    WHERE list_lookup.prefix BETWEEN ?1 AND ?2
        AND removed = 0
        AND list IN ('black', 'gray')
        AND (expires_at IS NULL OR expires_at > ?3)
    ORDER BY list_lookup.prefix LIMIT ?4";

pub(crate) fn by_hash_prefix(
    conn: &Connection,
    prefix: &[u8],
    now: &str,
    limit: usize,
) -> Result<Vec<HashMatch>, StoreError> {
    if !(1..=32).contains(&prefix.len()) {
        return Err(StoreError::InvalidHashPrefix { len: prefix.len() });
    }
    let (low, high) = lookup_prefix_range(prefix);
    // The table holds eight bytes of each hash: up to eight, every row in the range matches
    // and the limit can be left to SQL; beyond, the range is one integer, which few hashes
    // share, and the rest of the prefix is compared below before the limit is applied.
    let sql_limit_rows = if prefix.len() <= 8 { limit } else { usize::MAX };
    let mut stmt = conn.prepare_cached(BY_HASH_PREFIX_SQL)?;
    let mut rows = stmt.query(params![low, high, now, sql_limit(sql_limit_rows)])?;
    let mut matches = Vec::new();
    while let Some(row) = rows.next()? {
        let identifier = Identifier {
            kind: name(row, 1)?,
            value: row.get(2)?,
            key: key(row, 3)?,
        };
        let hash = identifier.lookup_hash().ok_or_else(|| {
            StoreError::Corrupt(format!(
                "list entry {} {} has a lookup prefix but no lookup hash",
                identifier.kind, identifier.value
            ))
        })?;
        if hash.starts_with(prefix) {
            matches.push(HashMatch {
                hash,
                list: name(row, 0)?,
                kind: identifier.kind,
                fraud_type: row.get(4)?,
            });
        }
    }
    // the table orders by the first eight bytes only
    matches.sort_by_key(|found| found.hash);
    matches.truncate(limit);
    Ok(matches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::lists::expire::DUE_SQL;
    use crate::sqlite::lists::{lookup_prefix, query_plan};

    #[test]
    fn prefix_ranges_keep_byte_order_as_integer_order() {
        assert_eq!(
            lookup_prefix_range(&[0x00]),
            (i64::MIN, i64::MIN + (1 << 56) - 1)
        );
        assert_eq!(lookup_prefix_range(&[0xff]).1, i64::MAX);
        let (low, high) = lookup_prefix_range(&[0x7f, 0xff]);
        assert!(low < high);
        assert!(lookup_prefix_range(&[0x80]).0 > high);
        let hash = [0xab; 32];
        let (low, high) = lookup_prefix_range(&hash);
        assert_eq!((low, high), (lookup_prefix(&hash), lookup_prefix(&hash)));
        assert_eq!(lookup_prefix_range(&hash[..8]), (low, high));
    }

    #[test]
    fn the_feed_the_lookup_and_expiry_use_their_indexes() {
        for (sql, index) in [
            (CHANGES_SQL, "list_entries_by_version"),
            (
                BY_HASH_PREFIX_SQL,
                "SEARCH list_lookup USING PRIMARY KEY (prefix>? AND prefix<?)",
            ),
            (DUE_SQL, "list_entries_by_expiry"),
        ] {
            let plan = query_plan(sql);
            assert!(plan.contains(index), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }
}
