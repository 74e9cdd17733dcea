//! Turning entries past their expiry into tombstones, so that the change feed carries their
//! end like any removal.

use fraudwall_lists::entry::Attributes;
use fraudwall_lists::policy;
use rusqlite::{Connection, TransactionBehavior, params};

use super::{attribute_columns, attributes_at, attributes_json, list_version, set_list_version};
use crate::sqlite::now_rfc3339;
use crate::{Expired, StoreError};

/// Who the history names for an expiry: nobody acted, the clock did.
const EXPIRY_ACTOR: &str = "fraudwall";

/// Live entries due to expire, through the partial index on live expiries.
pub(super) const DUE_SQL: &str = concat!(
    "SELECT id, ",
    attribute_columns!(),
    " FROM list_entries WHERE removed = 0 AND expires_at IS NOT NULL AND expires_at <= ?1"
);

pub(crate) fn expire_entries(conn: &mut Connection, now: &str) -> Result<Expired, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = list_version(&tx)?;
    // collected first: the rows are rewritten below, and SQLite leaves undefined what a running
    // scan sees of rows changed under it
    let due = {
        let mut stmt = tx.prepare_cached(DUE_SQL)?;
        let mut rows = stmt.query([now])?;
        let mut due: Vec<(i64, Attributes)> = Vec::new();
        while let Some(row) = rows.next()? {
            due.push((row.get(0)?, attributes_at(row, 1)?));
        }
        due
    };
    if due.is_empty() {
        return Ok(Expired {
            version: current,
            count: 0,
        });
    }
    let version = policy::batch_version(current);
    let time = now_rfc3339();
    {
        let mut remove = tx.prepare_cached(
            "UPDATE list_entries SET removed = 1, author = ?2, updated_at = ?3, version = ?4
             WHERE id = ?1",
        )?;
        let mut history = tx.prepare_cached(
            "INSERT INTO list_history (entry_id, version, time, actor, action, before, after)
             VALUES (?1, ?2, ?3, ?4, 'expire', ?5, NULL)",
        )?;
        for (id, attributes) in &due {
            remove.execute(params![id, EXPIRY_ACTOR, time, version as i64])?;
            history.execute(params![
                id,
                version as i64,
                time,
                EXPIRY_ACTOR,
                attributes_json(attributes)
            ])?;
        }
    }
    set_list_version(&tx, version)?;
    tx.commit()?;
    Ok(Expired {
        version,
        count: due.len() as u64,
    })
}
