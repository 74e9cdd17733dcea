//! Cases in SQL: the report, its identifiers, its versions, and the cuts of wrong links.

use fraudwall_lists::entry::Kind;
use rusqlite::{Connection, OptionalExtension, Row, params};
use time::OffsetDateTime;

use crate::time_text;
use crate::{CaseIdentifier, CaseProgress, CaseRecord, CaseVersion, LinkCut, NewCase, StoreError};

const CASE_COLUMNS: &str = "id, fingerprint, fraud_type, reported_at, victim_phone, victim_key, \
    territory, loss_cents, currency, report, filed_by, org, status, suspects, arrests, \
    recovered_cents, note, version, filed_at, updated_at";

pub(crate) fn insert(
    conn: &mut Connection,
    case: &NewCase,
    now: OffsetDateTime,
) -> Result<(CaseRecord, bool), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM cases WHERE fingerprint = ?1",
            [&case.fingerprint],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        let record = by_id(&tx, id)?.ok_or(StoreError::Corrupt("a case vanished".into()))?;
        return Ok((record, false));
    }
    let now_text = time_text::format(now);
    tx.execute(
        "INSERT INTO cases (fingerprint, fraud_type, reported_at, victim_phone, victim_key,
             territory, loss_cents, currency, report, filed_by, org, status, suspects, arrests,
             recovered_cents, note, version, filed_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'reported', '[]', 0, 0, NULL, 1,
             ?12, ?12)",
        params![
            case.fingerprint,
            case.fraud_type,
            time_text::format(case.reported_at),
            case.victim_phone,
            case.victim_key as i64,
            case.territory,
            case.loss_cents,
            case.currency,
            case.report,
            case.filed_by,
            case.org,
            now_text,
        ],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO case_identifiers (case_id, kind, value, key, link_key, role, time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for identifier in &case.identifiers {
            insert.execute(params![
                id,
                identifier.kind.as_str(),
                identifier.value,
                identifier.key as i64,
                identifier.link_key as i64,
                identifier.role,
                identifier.time.map(time_text::format),
            ])?;
        }
    }
    let record = by_id(&tx, id)?.ok_or(StoreError::Corrupt("a case vanished".into()))?;
    version_row(&tx, &record, &case.filed_by)?;
    tx.commit()?;
    Ok((record, true))
}

fn version_row(conn: &Connection, record: &CaseRecord, by: &str) -> Result<(), StoreError> {
    let p = &record.progress;
    conn.execute(
        "INSERT INTO case_versions (case_id, version, status, suspects, arrests,
             recovered_cents, note, by, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            record.id,
            record.version,
            p.status,
            p.suspects,
            p.arrests,
            p.recovered_cents,
            p.note,
            by,
            time_text::format(record.updated_at),
        ],
    )?;
    Ok(())
}

pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<CaseRecord>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => Ok(Some(case_from_row(row)?)),
        None => Ok(None),
    }
}

pub(crate) fn by_ids(conn: &Connection, ids: &[i64]) -> Result<Vec<CaseRecord>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if let Some(record) = by_id(conn, id)? {
            out.push(record);
        }
    }
    Ok(out)
}

/// Moves a case on, if it is still at `expected_version`; `None` when it is not (or gone).
pub(crate) fn update(
    conn: &mut Connection,
    id: i64,
    expected_version: i64,
    progress: &CaseProgress,
    by: &str,
    now: OffsetDateTime,
) -> Result<Option<CaseRecord>, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE cases SET status = ?3, suspects = ?4, arrests = ?5, recovered_cents = ?6,
             note = ?7, version = version + 1, updated_at = ?8
         WHERE id = ?1 AND version = ?2",
        params![
            id,
            expected_version,
            progress.status,
            progress.suspects,
            progress.arrests,
            progress.recovered_cents,
            progress.note,
            time_text::format(now),
        ],
    )?;
    if changed == 0 {
        return Ok(None);
    }
    let record = by_id(&tx, id)?.ok_or(StoreError::Corrupt("a case vanished".into()))?;
    version_row(&tx, &record, by)?;
    tx.commit()?;
    Ok(Some(record))
}

pub(crate) fn versions(conn: &Connection, id: i64) -> Result<Vec<CaseVersion>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT version, status, suspects, arrests, recovered_cents, note, by, at
         FROM case_versions WHERE case_id = ?1 ORDER BY version",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(CaseVersion {
            version: row.get(0)?,
            progress: CaseProgress {
                status: row.get(1)?,
                suspects: row.get(2)?,
                arrests: row.get(3)?,
                recovered_cents: row.get(4)?,
                note: row.get(5)?,
            },
            by: row.get(6)?,
            at: time_text::parse(&row.get::<_, String>(7)?, "case version time")?,
        });
    }
    Ok(out)
}

pub(crate) fn identifiers(conn: &Connection, id: i64) -> Result<Vec<CaseIdentifier>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, value, key, link_key, role, time FROM case_identifiers
         WHERE case_id = ?1 ORDER BY rowid",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(identifier_from_row(row, 0)?);
    }
    Ok(out)
}

/// Every case with its identifiers, in id order, from one snapshot.
pub(crate) fn scan(
    conn: &mut Connection,
    visit: &mut dyn FnMut(&CaseRecord, &[CaseIdentifier]),
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut cases = tx.prepare(&format!("SELECT {CASE_COLUMNS} FROM cases ORDER BY id"))?;
        let mut names = tx.prepare(
            "SELECT case_id, kind, value, key, link_key, role, time FROM case_identifiers
             ORDER BY case_id, rowid",
        )?;
        let mut case_rows = cases.query([])?;
        let mut name_rows = names.query([])?;
        let mut pending: Option<(i64, CaseIdentifier)> = None;
        let mut named = Vec::new();
        while let Some(row) = case_rows.next()? {
            let case = case_from_row(row)?;
            named.clear();
            loop {
                if pending.is_none() {
                    pending = match name_rows.next()? {
                        Some(row) => Some((row.get(0)?, identifier_from_row(row, 1)?)),
                        None => None,
                    };
                }
                match pending.take() {
                    Some((case_id, identifier)) if case_id == case.id => named.push(identifier),
                    Some((case_id, identifier)) if case_id < case.id => drop(identifier),
                    other => {
                        pending = other;
                        break;
                    }
                }
            }
            visit(&case, &named);
        }
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn add_cut(conn: &mut Connection, cut: &LinkCut) -> Result<bool, StoreError> {
    let changed = conn.execute(
        "INSERT OR IGNORE INTO link_cuts (case_id, link_key, kind, value, by, at, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            cut.case_id,
            cut.link_key as i64,
            cut.kind.as_str(),
            cut.value,
            cut.by,
            time_text::format(cut.at),
            cut.reason,
        ],
    )?;
    Ok(changed == 1)
}

pub(crate) fn remove_cut(
    conn: &mut Connection,
    case_id: i64,
    link_key: u64,
) -> Result<bool, StoreError> {
    let changed = conn.execute(
        "DELETE FROM link_cuts WHERE case_id = ?1 AND link_key = ?2",
        params![case_id, link_key as i64],
    )?;
    Ok(changed == 1)
}

pub(crate) fn cuts(conn: &Connection) -> Result<Vec<LinkCut>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, link_key, kind, value, by, at, reason FROM link_cuts ORDER BY rowid",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(LinkCut {
            case_id: row.get(0)?,
            link_key: row.get::<_, i64>(1)? as u64,
            kind: parse_kind(&row.get::<_, String>(2)?)?,
            value: row.get(3)?,
            by: row.get(4)?,
            at: time_text::parse(&row.get::<_, String>(5)?, "link cut time")?,
            reason: row.get(6)?,
        });
    }
    Ok(out)
}

fn parse_kind(text: &str) -> Result<Kind, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown identifier kind {text:?}")))
}

fn identifier_from_row(row: &Row<'_>, first: usize) -> Result<CaseIdentifier, StoreError> {
    Ok(CaseIdentifier {
        kind: parse_kind(&row.get::<_, String>(first)?)?,
        value: row.get(first + 1)?,
        key: row.get::<_, i64>(first + 2)? as u64,
        link_key: row.get::<_, i64>(first + 3)? as u64,
        role: row.get(first + 4)?,
        time: row
            .get::<_, Option<String>>(first + 5)?
            .map(|t| time_text::parse(&t, "case identifier time"))
            .transpose()?,
    })
}

fn case_from_row(row: &Row<'_>) -> Result<CaseRecord, StoreError> {
    Ok(CaseRecord {
        id: row.get(0)?,
        fingerprint: row.get(1)?,
        fraud_type: row.get(2)?,
        reported_at: time_text::parse(&row.get::<_, String>(3)?, "case reported_at")?,
        victim_phone: row.get(4)?,
        victim_key: row.get::<_, i64>(5)? as u64,
        territory: row.get(6)?,
        loss_cents: row.get(7)?,
        currency: row.get(8)?,
        report: row.get(9)?,
        filed_by: row.get(10)?,
        org: row.get(11)?,
        progress: CaseProgress {
            status: row.get(12)?,
            suspects: row.get(13)?,
            arrests: row.get(14)?,
            recovered_cents: row.get(15)?,
            note: row.get(16)?,
        },
        version: row.get(17)?,
        filed_at: time_text::parse(&row.get::<_, String>(18)?, "case filed_at")?,
        updated_at: time_text::parse(&row.get::<_, String>(19)?, "case updated_at")?,
    })
}
