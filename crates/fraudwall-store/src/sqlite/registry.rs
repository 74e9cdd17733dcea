//! The subscriber registry and the unit tree in SQL.

use rusqlite::{Connection, Row, params};

use crate::{StoreError, SubscriberRecord, UnitRecord};

pub(crate) fn put_subscribers(
    conn: &mut Connection,
    rows: &[SubscriberRecord],
) -> Result<usize, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut written = 0;
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO subscribers (key, phone, territory, birth_year, occupation, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (key) DO UPDATE SET phone = excluded.phone,
                 territory = excluded.territory, birth_year = excluded.birth_year,
                 occupation = excluded.occupation, source = excluded.source",
        )?;
        for row in rows {
            written += upsert.execute(params![
                row.key as i64,
                row.phone,
                row.territory,
                row.birth_year,
                row.occupation,
                row.source,
            ])?;
        }
    }
    tx.commit()?;
    Ok(written)
}

pub(crate) fn subscribers(
    conn: &Connection,
    keys: &[u64],
) -> Result<Vec<SubscriberRecord>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT key, phone, territory, birth_year, occupation, source FROM subscribers
         WHERE key = ?1",
    )?;
    let mut found = Vec::new();
    for &key in keys {
        let mut rows = select.query([key as i64])?;
        if let Some(row) = rows.next()? {
            found.push(subscriber(row)?);
        }
    }
    Ok(found)
}

pub(crate) fn subscribers_in(
    conn: &Connection,
    territory_prefix: &str,
    after_key: u64,
    limit: usize,
) -> Result<Vec<SubscriberRecord>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT key, phone, territory, birth_year, occupation, source FROM subscribers
         WHERE substr(territory, 1, length(?1)) = ?1 AND key > ?2 ORDER BY key LIMIT ?3",
    )?;
    let mut rows = select.query(params![
        territory_prefix,
        after_key as i64,
        limit.min(i64::MAX as usize) as i64
    ])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(subscriber(row)?);
    }
    Ok(found)
}

pub(crate) fn subscriber_count(conn: &Connection) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM subscribers", [], |row| row.get(0))?;
    Ok(n as u64)
}

fn subscriber(row: &Row<'_>) -> Result<SubscriberRecord, StoreError> {
    let key: i64 = row.get(0)?;
    Ok(SubscriberRecord {
        key: key as u64,
        phone: row.get(1)?,
        territory: row.get(2)?,
        birth_year: row.get(3)?,
        occupation: row.get(4)?,
        source: row.get(5)?,
    })
}

pub(crate) fn put_units(conn: &mut Connection, units: &[UnitRecord]) -> Result<usize, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut written = 0;
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO units (code, name, level, parent, contact, webhook)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
                 parent = excluded.parent, contact = excluded.contact,
                 webhook = excluded.webhook",
        )?;
        for unit in units {
            written += upsert.execute(params![
                unit.code,
                unit.name,
                unit.level,
                unit.parent,
                unit.contact,
                unit.webhook,
            ])?;
        }
    }
    tx.commit()?;
    Ok(written)
}

pub(crate) fn units(conn: &Connection) -> Result<Vec<UnitRecord>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT code, name, level, parent, contact, webhook FROM units ORDER BY code",
    )?;
    let mut rows = select.query([])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(UnitRecord {
            code: row.get(0)?,
            name: row.get(1)?,
            level: row.get(2)?,
            parent: row.get(3)?,
            contact: row.get(4)?,
            webhook: row.get(5)?,
        });
    }
    Ok(found)
}
