//! Evidence in SQL: appended in batches, read per identifier or as a stream by time.

use fraudwall_lists::entry::Kind;
use rusqlite::{Connection, Row, params};

use crate::{EvidenceClass, EvidenceRecord, NewEvidence, StoreError};

pub(crate) fn append(conn: &mut Connection, records: &[NewEvidence]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    append_in(&tx, records)?;
    tx.commit()?;
    Ok(())
}

/// Appends within the caller's transaction.
pub(crate) fn append_in(tx: &Connection, records: &[NewEvidence]) -> Result<(), StoreError> {
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO evidence (kind, value, key, class, source, time, fraud_type, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for record in records {
            insert.execute(params![
                record.kind.as_str(),
                record.value,
                record.key as i64,
                record.class.as_str(),
                record.source,
                crate::time_text::format(record.time),
                record.fraud_type,
                record.note,
            ])?;
        }
    }
    Ok(())
}

pub(crate) fn for_identifier(
    conn: &Connection,
    kind: Kind,
    key: u64,
) -> Result<Vec<EvidenceRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, value, key, class, source, time, fraud_type, note FROM evidence
         WHERE kind = ?1 AND key = ?2 ORDER BY time, id",
    )?;
    let mut rows = stmt.query(params![kind.as_str(), key as i64])?;
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        records.push(record_from_row(row)?);
    }
    Ok(records)
}

pub(crate) fn scan(
    conn: &mut Connection,
    since: &str,
    visit: &mut dyn FnMut(&EvidenceRecord),
) -> Result<(), StoreError> {
    // one snapshot, so records appended during a long scan neither appear half-way nor shift it
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "SELECT id, kind, value, key, class, source, time, fraud_type, note FROM evidence
             WHERE time >= ?1 ORDER BY time, id",
        )?;
        let mut rows = stmt.query([since])?;
        while let Some(row) = rows.next()? {
            visit(&record_from_row(row)?);
        }
    }
    tx.commit()?;
    Ok(())
}

fn record_from_row(row: &Row<'_>) -> Result<EvidenceRecord, StoreError> {
    let id: i64 = row.get(0)?;
    let corrupt =
        |err: &dyn std::fmt::Display| StoreError::Corrupt(format!("evidence {id}: {err}"));
    let kind = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
    let class = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
    Ok(EvidenceRecord {
        id,
        kind: kind.parse().map_err(|err| corrupt(&err))?,
        value: row.get(2)?,
        key: row.get::<_, i64>(3)? as u64,
        class: class
            .parse::<EvidenceClass>()
            .map_err(|err| corrupt(&err))?,
        source: row.get(5)?,
        time: crate::time_text::parse(
            row.get_ref(6)?.as_str().map_err(rusqlite::Error::from)?,
            "evidence time",
        )?,
        fraud_type: row.get(7)?,
        note: row.get(8)?,
    })
}
