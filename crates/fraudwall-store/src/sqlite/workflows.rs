//! Workflow instances in SQL: one row each, its state as JSON beside the columns queries need.

use rusqlite::{Connection, OptionalExtension, Row, params};
use time::OffsetDateTime;

use crate::time_text;
use crate::{
    ENDED_STATUSES, NewWorkflow, StoreError, WorkflowFilter, WorkflowKind, WorkflowRecord,
    WorkflowUpdate,
};

const COLUMNS: &str = "id, kind, fingerprint, case_id, subject, territory, org, tier, status, \
    due_at, state, version, created_at, updated_at";

pub(crate) fn insert(
    conn: &mut Connection,
    workflow: &NewWorkflow,
    now: OffsetDateTime,
) -> Result<(WorkflowRecord, bool), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM workflows WHERE kind = ?1 AND fingerprint = ?2",
            params![workflow.kind.as_str(), workflow.fingerprint],
            |row| row.get(0),
        )
        .optional()?;
    let created = existing.is_none();
    let id = match existing {
        Some(id) => id,
        None => {
            let now = time_text::format(now);
            tx.execute(
                "INSERT INTO workflows (kind, fingerprint, case_id, subject, territory, org, tier,
                     status, due_at, state, version, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11)",
                params![
                    workflow.kind.as_str(),
                    workflow.fingerprint,
                    workflow.case_id,
                    workflow.subject,
                    workflow.territory,
                    workflow.org,
                    workflow.tier,
                    workflow.status,
                    workflow.due_at.map(OffsetDateTime::unix_timestamp),
                    workflow.state,
                    now,
                ],
            )?;
            tx.last_insert_rowid()
        }
    };
    let record = by_id(&tx, id)?.ok_or(StoreError::Corrupt("a workflow vanished".into()))?;
    tx.commit()?;
    Ok((record, created))
}

pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<WorkflowRecord>, StoreError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM workflows WHERE id = ?1"),
        [id],
        |row| Ok(record(row)),
    )
    .optional()?
    .transpose()
}

pub(crate) fn list(
    conn: &Connection,
    filter: &WorkflowFilter,
) -> Result<Vec<WorkflowRecord>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM workflows WHERE kind = ?1 AND id > ?2");
    let mut args: Vec<rusqlite::types::Value> =
        vec![filter.kind.as_str().to_owned().into(), filter.after.into()];
    if let Some(case_id) = filter.case_id {
        args.push(case_id.into());
        sql.push_str(&format!(" AND case_id = ?{}", args.len()));
    }
    if let Some(prefix) = &filter.territory_prefix {
        // codes are digits, so a range bounds the prefix without LIKE's wildcards
        args.push(prefix.clone().into());
        sql.push_str(&format!(" AND territory >= ?{}", args.len()));
        args.push(format!("{prefix}\u{10FFFF}").into());
        sql.push_str(&format!(" AND territory < ?{}", args.len()));
    }
    if let Some(org) = &filter.org {
        args.push(org.clone().into());
        sql.push_str(&format!(" AND org = ?{}", args.len()));
    }
    match filter.status.as_deref() {
        None => {}
        Some("open") => {
            let ended: Vec<String> = ENDED_STATUSES.iter().map(|s| format!("'{s}'")).collect();
            sql.push_str(&format!(" AND status NOT IN ({})", ended.join(", ")));
        }
        Some(status) => {
            args.push(status.to_owned().into());
            sql.push_str(&format!(" AND status = ?{}", args.len()));
        }
    }
    args.push((filter.limit as i64).into());
    sql.push_str(&format!(" ORDER BY id LIMIT ?{}", args.len()));
    let mut select = conn.prepare(&sql)?;
    let mut rows = select.query(rusqlite::params_from_iter(args))?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(record(row)?);
    }
    Ok(found)
}

pub(crate) fn update(
    conn: &mut Connection,
    id: i64,
    expected_version: i64,
    update: &WorkflowUpdate,
    now: OffsetDateTime,
) -> Result<Option<WorkflowRecord>, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE workflows SET status = ?3, due_at = ?4, state = ?5, version = version + 1,
             updated_at = ?6
         WHERE id = ?1 AND version = ?2",
        params![
            id,
            expected_version,
            update.status,
            update.due_at.map(OffsetDateTime::unix_timestamp),
            update.state,
            time_text::format(now),
        ],
    )?;
    let record = if changed == 1 { by_id(&tx, id)? } else { None };
    tx.commit()?;
    Ok(record)
}

pub(crate) fn due(
    conn: &Connection,
    kind: WorkflowKind,
    now: OffsetDateTime,
    limit: usize,
) -> Result<Vec<WorkflowRecord>, StoreError> {
    let mut select = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM workflows WHERE kind = ?1 AND due_at <= ?2
         ORDER BY due_at, id LIMIT ?3"
    ))?;
    let mut rows = select.query(params![kind.as_str(), now.unix_timestamp(), limit as i64])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(record(row)?);
    }
    Ok(found)
}

fn record(row: &Row<'_>) -> Result<WorkflowRecord, StoreError> {
    let kind: String = row.get(1)?;
    let kind = match kind.as_str() {
        "warning" => WorkflowKind::Warning,
        "freeze" => WorkflowKind::Freeze,
        "verification" => WorkflowKind::Verification,
        other => return Err(StoreError::Corrupt(format!("workflow kind {other:?}"))),
    };
    let due_at: Option<i64> = row.get(9)?;
    let created_at: String = row.get(12)?;
    let updated_at: String = row.get(13)?;
    Ok(WorkflowRecord {
        id: row.get(0)?,
        version: row.get(11)?,
        created_at: time_text::parse(&created_at, "workflow created_at")?,
        updated_at: time_text::parse(&updated_at, "workflow updated_at")?,
        workflow: NewWorkflow {
            kind,
            fingerprint: row.get(2)?,
            case_id: row.get(3)?,
            subject: row.get(4)?,
            territory: row.get(5)?,
            org: row.get(6)?,
            tier: row.get(7)?,
            status: row.get(8)?,
            due_at: due_at
                .map(OffsetDateTime::from_unix_timestamp)
                .transpose()
                .map_err(|err| StoreError::Corrupt(format!("workflow due_at: {err}")))?,
            state: row.get(10)?,
        },
    })
}
