//! The lists in SQL: the write path ([`apply`], [`bulk`] for large batches, [`expire`]) and the
//! read path ([`read`]), over the row encoding shared below.
//!
//! Names (list, kind, source, severity) are stored as their text spellings so that the database
//! reads well by hand; the rebuild scan parses them from borrowed text without allocating.

pub(super) mod apply;
pub(super) mod bulk;
pub(super) mod expire;
pub(super) mod read;

use std::str::FromStr;

use fraudwall_lists::entry::{Attributes, Entry, Identifier, UnknownName};
use rusqlite::{Connection, Row};
use serde::Serialize;

use crate::StoreError;

/// The attribute columns in the order [`attributes_at`] reads them.
macro_rules! attribute_columns {
    () => {
        "source, fraud_type, confidence, severity, expires_at, evidence, note"
    };
}

/// Every column of an entry in the order [`entry_from_row`] reads them.
macro_rules! entry_columns {
    () => {
        concat!(
            "id, list, kind, value, key, ",
            $crate::sqlite::lists::attribute_columns!(),
            ", author, created_at, updated_at, version, removed"
        )
    };
}

pub(super) use {attribute_columns, entry_columns};

/// The column of [`entry_columns`] where the attributes start.
const ENTRY_ATTRIBUTES_AT: usize = 5;

/// Borrowed text of a column, failing on NULL or a non-text value.
fn text<'r>(row: &'r Row<'_>, index: usize) -> Result<&'r str, StoreError> {
    Ok(row
        .get_ref(index)?
        .as_str()
        .map_err(rusqlite::Error::from)?)
}

/// A closed-set name stored as its spelling.
fn name<T: FromStr<Err = UnknownName>>(row: &Row<'_>, index: usize) -> Result<T, StoreError> {
    text(row, index)?
        .parse()
        .map_err(|err: UnknownName| StoreError::Corrupt(format!("list entry: {err}")))
}

/// The u64 key, stored as its i64 bit pattern because SQLite integers are signed.
fn key(row: &Row<'_>, index: usize) -> Result<u64, StoreError> {
    Ok(row.get::<_, i64>(index)? as u64)
}

/// Reads the seven columns of [`attribute_columns`] starting at `first`.
fn attributes_at(row: &Row<'_>, first: usize) -> Result<Attributes, StoreError> {
    Ok(Attributes {
        source: name(row, first)?,
        fraud_type: row.get(first + 1)?,
        // stored from an f32, so the narrowing gives back exactly what was written
        confidence: row.get::<_, f64>(first + 2)? as f32,
        severity: name(row, first + 3)?,
        expires_at: row.get(first + 4)?,
        evidence: evidence_from_json(text(row, first + 5)?)?,
        note: row.get(first + 6)?,
    })
}

fn entry_from_row(row: &Row<'_>) -> Result<Entry, StoreError> {
    let at = ENTRY_ATTRIBUTES_AT;
    Ok(Entry {
        id: row.get(0)?,
        list: name(row, 1)?,
        identifier: Identifier {
            kind: name(row, 2)?,
            value: row.get(3)?,
            key: key(row, 4)?,
        },
        attributes: attributes_at(row, at)?,
        author: row.get(at + 7)?,
        created_at: row.get(at + 8)?,
        updated_at: row.get(at + 9)?,
        version: row.get::<_, i64>(at + 10)? as u64,
        removed: row.get(at + 11)?,
    })
}

/// The first eight bytes of a lookup hash as the integer the lookup table keeps: read
/// big-endian with the top bit flipped, so that signed integer order is the bytes' order.
pub(crate) fn lookup_prefix(hash: &[u8; 32]) -> i64 {
    let mut head = [0u8; 8];
    head.copy_from_slice(&hash[..8]);
    (u64::from_be_bytes(head) ^ (1 << 63)) as i64
}

/// The lookup prefixes of every hash that starts with `prefix` (1 to 32 bytes): an inclusive
/// range, exact when the prefix is eight bytes or shorter.
fn lookup_prefix_range(prefix: &[u8]) -> (i64, i64) {
    let len = prefix.len().min(8);
    let mut low = [0u8; 32];
    let mut high = [0u8; 32];
    high[..8].fill(0xff);
    low[..len].copy_from_slice(&prefix[..len]);
    high[..len].copy_from_slice(&prefix[..len]);
    (lookup_prefix(&low), lookup_prefix(&high))
}

fn evidence_json(evidence: &[String]) -> String {
    if evidence.is_empty() {
        // the common case of bulk imports, without a trip through the serializer
        return "[]".to_owned();
    }
    serde_json::to_string(evidence).expect("a list of strings always serializes")
}

fn evidence_from_json(json: &str) -> Result<Vec<String>, StoreError> {
    if json == "[]" {
        return Ok(Vec::new());
    }
    serde_json::from_str(json)
        .map_err(|err| StoreError::Corrupt(format!("list entry evidence: {err}")))
}

/// The attributes as a history record keeps them. Absent fields are left out rather than
/// written as null: an import writes a million of these.
#[derive(Serialize)]
struct AttributesJson<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fraud_type: Option<&'a str>,
    confidence: f32,
    severity: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    evidence: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

fn attributes_json(attributes: &Attributes) -> String {
    let json = AttributesJson {
        source: attributes.source.as_str(),
        fraud_type: attributes.fraud_type.as_deref(),
        confidence: attributes.confidence,
        severity: attributes.severity.as_str(),
        expires_at: attributes.expires_at.as_deref(),
        evidence: &attributes.evidence,
        note: attributes.note.as_deref(),
    };
    // strings and numbers only (a non-finite confidence becomes null), so this cannot fail
    serde_json::to_string(&json).expect("attributes always serialize")
}

fn list_version(conn: &Connection) -> Result<u64, StoreError> {
    let value: i64 = conn.query_row(
        "SELECT value FROM generations WHERE name = 'lists'",
        [],
        |row| row.get(0),
    )?;
    Ok(value as u64)
}

fn set_list_version(conn: &Connection, version: u64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE generations SET value = ?1 WHERE name = 'lists'",
        [version as i64],
    )?;
    Ok(())
}

/// A LIMIT for SQLite, whose integers are signed.
fn sql_limit(limit: usize) -> i64 {
    limit.min(i64::MAX as usize) as i64
}

/// SQLite's plan for `sql` on a fresh schema, one step a line.
#[cfg(test)]
fn query_plan(sql: &str) -> String {
    let mut conn = Connection::open_in_memory().unwrap();
    crate::sqlite::migrations::migrate(&mut conn).unwrap();
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let count = stmt.parameter_count();
    let params = vec![rusqlite::types::Value::Null; count];
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params), |row| {
            row.get::<_, String>(3)
        })
        .unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
}
