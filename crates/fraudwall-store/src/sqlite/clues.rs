//! Clues in SQL: one row per reporter and identifier that counts its reports, the reviews, and
//! the reporters' records that reviews keep.

use fraudwall_lists::entry::Kind;
use rusqlite::{Connection, OptionalExtension, Row, params};
use time::OffsetDateTime;

use crate::time_text;
use crate::{
    ClueFilter, ClueKind, ClueRecord, ClueReview, ClueStatus, ClueSubmitted, NewClue, NewEvidence,
    ReporterRecord, StoreError,
};

const CLUE_COLUMNS: &str = "id, kind, id_kind, value, key, text, fraud_type, reporter, \
    reporter_role, first_at, last_at, count, status, evidence_at, reviewed_by, reviewed_at, \
    review_note";

pub(crate) fn submit(
    conn: &mut Connection,
    clue: &NewClue,
    evidence: Option<&NewEvidence>,
) -> Result<ClueSubmitted, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let at = time_text::format(clue.at);
    let evidence_at = evidence.map(|_| at.clone());
    tx.execute(
        "INSERT OR IGNORE INTO reporters (source, role, confirmed, refuted, first_seen)
         VALUES (?1, ?2, 0, 0, ?3)",
        params![clue.reporter, clue.reporter_role, at],
    )?;
    let existing = of_reporter(&tx, &clue.reporter, clue.kind, clue.id_kind, clue.key)?;
    let (id, created) = match existing {
        Some(record) => {
            tx.execute(
                "UPDATE clues SET count = count + 1, last_at = max(last_at, ?2),
                     text = coalesce(text, ?3), fraud_type = coalesce(fraud_type, ?4),
                     evidence_at = coalesce(?5, evidence_at)
                 WHERE id = ?1",
                params![record.id, at, clue.text, clue.fraud_type, evidence_at],
            )?;
            (record.id, false)
        }
        None => {
            tx.execute(
                "INSERT INTO clues (kind, id_kind, value, key, text, fraud_type, reporter,
                     reporter_role, first_at, last_at, count, status, evidence_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, 1, ?10, ?11)",
                params![
                    clue.kind.as_str(),
                    clue.id_kind.as_str(),
                    clue.value,
                    clue.key as i64,
                    clue.text,
                    clue.fraud_type,
                    clue.reporter,
                    clue.reporter_role,
                    at,
                    clue.status.as_str(),
                    evidence_at,
                ],
            )?;
            (tx.last_insert_rowid(), true)
        }
    };
    if let Some(evidence) = evidence {
        crate::sqlite::evidence::append_in(&tx, std::slice::from_ref(evidence))?;
    }
    let clue = by_id(&tx, id)?.ok_or(StoreError::Corrupt("a clue vanished".into()))?;
    tx.commit()?;
    Ok(ClueSubmitted { clue, created })
}

pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<ClueRecord>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {CLUE_COLUMNS} FROM clues WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(clue_from_row).transpose()
}

pub(crate) fn of_reporter(
    conn: &Connection,
    reporter: &str,
    kind: ClueKind,
    id_kind: Kind,
    key: u64,
) -> Result<Option<ClueRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CLUE_COLUMNS} FROM clues
         WHERE reporter = ?1 AND kind = ?2 AND id_kind = ?3 AND key = ?4"
    ))?;
    let mut rows = stmt.query(params![
        reporter,
        kind.as_str(),
        id_kind.as_str(),
        key as i64
    ])?;
    rows.next()?.map(clue_from_row).transpose()
}

pub(crate) fn about(
    conn: &Connection,
    id_kind: Kind,
    key: u64,
) -> Result<Vec<ClueRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CLUE_COLUMNS} FROM clues WHERE id_kind = ?1 AND key = ?2 ORDER BY id"
    ))?;
    let mut rows = stmt.query(params![id_kind.as_str(), key as i64])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(clue_from_row(row)?);
    }
    Ok(out)
}

pub(crate) fn count_evidence_since(
    conn: &Connection,
    id_kind: Kind,
    key: u64,
    since: OffsetDateTime,
    roles: &[&str],
) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT reporter_role, count(*) FROM clues
         WHERE id_kind = ?1 AND key = ?2 AND evidence_at >= ?3 GROUP BY reporter_role",
    )?;
    let mut rows = stmt.query(params![
        id_kind.as_str(),
        key as i64,
        time_text::format(since)
    ])?;
    let mut total = 0;
    while let Some(row) = rows.next()? {
        let role: String = row.get(0)?;
        if roles.contains(&role.as_str()) {
            total += row.get::<_, i64>(1)? as u64;
        }
    }
    Ok(total)
}

pub(crate) fn list(
    conn: &Connection,
    filter: &ClueFilter,
    after_id: i64,
    limit: usize,
) -> Result<Vec<ClueRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CLUE_COLUMNS} FROM clues
         WHERE id > ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR reporter = ?3)
         ORDER BY id LIMIT ?4"
    ))?;
    let mut rows = stmt.query(params![
        after_id,
        filter.status.map(ClueStatus::as_str),
        filter.reporter,
        limit.min(i64::MAX as usize) as i64,
    ])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(clue_from_row(row)?);
    }
    Ok(out)
}

pub(crate) fn review(
    conn: &mut Connection,
    id: i64,
    review: &ClueReview,
    evidence: Option<&NewEvidence>,
) -> Result<Option<ClueRecord>, StoreError> {
    let column = match review.status {
        ClueStatus::Confirmed => "confirmed",
        ClueStatus::Refuted => "refuted",
        other => {
            return Err(StoreError::Corrupt(format!(
                "a review confirms or refutes, not {other}"
            )));
        }
    };
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE clues SET status = ?2, reviewed_by = ?3, reviewed_at = ?4, review_note = ?5
         WHERE id = ?1 AND status IN ('pending', 'needs_review')",
        params![
            id,
            review.status.as_str(),
            review.by,
            time_text::format(review.at),
            review.note,
        ],
    )?;
    if changed == 0 {
        return Ok(None);
    }
    let clue = by_id(&tx, id)?.ok_or(StoreError::Corrupt("a clue vanished".into()))?;
    tx.execute(
        &format!("UPDATE reporters SET {column} = {column} + 1 WHERE source = ?1"),
        [&clue.reporter],
    )?;
    if let Some(evidence) = evidence {
        crate::sqlite::evidence::append_in(&tx, std::slice::from_ref(evidence))?;
    }
    tx.commit()?;
    Ok(Some(clue))
}

const REPORTER_COLUMNS: &str = "source, role, confirmed, refuted, first_seen";

pub(crate) fn reporter(
    conn: &Connection,
    source: &str,
) -> Result<Option<ReporterRecord>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {REPORTER_COLUMNS} FROM reporters WHERE source = ?1"
    ))?
    .query_row([source], |row| Ok(reporter_from_row(row)))
    .optional()?
    .transpose()
}

pub(crate) fn reviewed_reporters(conn: &Connection) -> Result<Vec<ReporterRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {REPORTER_COLUMNS} FROM reporters WHERE confirmed > 0 OR refuted > 0
         ORDER BY source"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(reporter_from_row(row)?);
    }
    Ok(out)
}

fn reporter_from_row(row: &Row<'_>) -> Result<ReporterRecord, StoreError> {
    let count = |index: usize| -> Result<u32, StoreError> {
        let n: i64 = row.get(index)?;
        u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("reporter count {n}")))
    };
    Ok(ReporterRecord {
        source: row.get(0)?,
        role: row.get(1)?,
        confirmed: count(2)?,
        refuted: count(3)?,
        first_seen: time_text::parse(
            row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?,
            "reporter first_seen",
        )?,
    })
}

fn clue_from_row(row: &Row<'_>) -> Result<ClueRecord, StoreError> {
    let id: i64 = row.get(0)?;
    let corrupt = |err: &dyn std::fmt::Display| StoreError::Corrupt(format!("clue {id}: {err}"));
    let text = |index: usize| -> Result<String, StoreError> { Ok(row.get(index)?) };
    let time = |index: usize, what: &str| -> Result<OffsetDateTime, StoreError> {
        time_text::parse(&text(index)?, what)
    };
    let optional_time = |index: usize, what: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.get::<_, Option<String>>(index)?
            .map(|t| time_text::parse(&t, what))
            .transpose()
    };
    Ok(ClueRecord {
        id,
        kind: text(1)?.parse().map_err(|err| corrupt(&err))?,
        id_kind: text(2)?.parse().map_err(|err| corrupt(&err))?,
        value: text(3)?,
        key: row.get::<_, i64>(4)? as u64,
        text: row.get(5)?,
        fraud_type: row.get(6)?,
        reporter: text(7)?,
        reporter_role: text(8)?,
        first_at: time(9, "clue first_at")?,
        last_at: time(10, "clue last_at")?,
        count: row.get::<_, i64>(11)?.max(0) as u64,
        status: text(12)?.parse().map_err(|err| corrupt(&err))?,
        evidence_at: optional_time(13, "clue evidence_at")?,
        reviewed_by: row.get(14)?,
        reviewed_at: optional_time(15, "clue reviewed_at")?,
        review_note: row.get(16)?,
    })
}
