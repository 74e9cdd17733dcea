//! Card holders in SQL: one row per card and holder period.

use fraudwall_lists::entry::Kind;
use rusqlite::{Connection, Row, params};

use crate::{CardRecord, StoreError};

pub(crate) fn put(conn: &mut Connection, cards: &[CardRecord]) -> Result<usize, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut written = 0;
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO cards (kind, key, since, value, holder, device, issuer, account_type)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (kind, key, since) DO UPDATE SET value = excluded.value,
                 holder = excluded.holder, device = excluded.device, issuer = excluded.issuer,
                 account_type = excluded.account_type",
        )?;
        for card in cards {
            written += upsert.execute(params![
                card.kind.as_str(),
                card.key as i64,
                card.since,
                card.value,
                card.holder,
                card.device,
                card.issuer,
                card.account_type,
            ])?;
        }
    }
    tx.commit()?;
    Ok(written)
}

pub(crate) fn of(
    conn: &Connection,
    kind: Kind,
    keys: &[u64],
) -> Result<Vec<CardRecord>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT kind, key, since, value, holder, device, issuer, account_type FROM cards
         WHERE kind = ?1 AND key = ?2 ORDER BY since",
    )?;
    let mut found = Vec::new();
    for &key in keys {
        let mut rows = select.query(params![kind.as_str(), key as i64])?;
        while let Some(row) = rows.next()? {
            found.push(record(row)?);
        }
    }
    Ok(found)
}

pub(crate) fn by_device(conn: &Connection, device: &str) -> Result<Vec<CardRecord>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT kind, key, since, value, holder, device, issuer, account_type FROM cards
         WHERE device = ?1 ORDER BY kind, key, since",
    )?;
    let mut rows = select.query([device])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(record(row)?);
    }
    Ok(found)
}

pub(crate) fn count(conn: &Connection) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM cards", [], |row| row.get(0))?;
    Ok(n as u64)
}

fn record(row: &Row<'_>) -> Result<CardRecord, StoreError> {
    let kind: String = row.get(0)?;
    let key: i64 = row.get(1)?;
    Ok(CardRecord {
        kind: kind
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("card kind {kind}")))?,
        key: key as u64,
        since: row.get(2)?,
        value: row.get(3)?,
        holder: row.get(4)?,
        device: row.get(5)?,
        issuer: row.get(6)?,
        account_type: row.get(7)?,
    })
}
