//! [`Store`] on an embedded SQLite database in WAL mode.
//!
//! All writes go through one writer connection, which is what SQLite allows anyway; reads use a
//! second connection so that a long read (verifying the audit chain) never waits on a write.

mod evidence;
mod lists;
mod migrations;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use fraudwall_lists::entry::{Change, Entry, Kind, List, Outcome};
use rusqlite::{Connection, OptionalExtension, params};

use crate::audit::{chain_hash, verify_chain};
use crate::{
    Applied, AuditEntry, AuditEvent, AuditReport, ChangeCursor, EntryFilter, EvidenceRecord,
    Expired, GENESIS_HASH, HashMatch, HistoryRecord, LiveRow, NewEvidence, NewToken, Role, Store,
    StoreError, TokenHash, TokenRecord,
};

pub const DATABASE_FILE: &str = "fraudwall.db";

/// The writer connection's page cache, in KiB.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let mut writer = open_connection(&path)?;
        // A bulk import inserts into several indexes at random places (the lookup hashes are
        // uniformly spread); with SQLite's default 2 MiB cache every insert would spill and
        // re-read pages, which makes an import half again as slow. Pages are allocated only as
        // used, so a small database never pays for the limit.
        writer.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
        migrations::migrate(&mut writer)?;
        let reader = open_connection(&path)?;
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .read()
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    fn write(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is safe to reuse.
        self.writer
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn read(&self) -> MutexGuard<'_, Connection> {
        self.reader
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The command line and a running server may share the database.
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

fn hash_column(bytes: Vec<u8>, what: &str) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("{what} is not 32 bytes")))
}

fn token_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(TokenRecord, String, Vec<u8>)> {
    let role: String = row.get(2)?;
    let hash: Vec<u8> = row.get(1)?;
    Ok((
        TokenRecord {
            id: row.get(0)?,
            // placeholders, filled in after the row is read so that errors carry our own type
            role: Role::Admin,
            hash: TokenHash([0; 32]),
            name: row.get(3)?,
            org: row.get(4)?,
            territory: row.get(5)?,
            created_at: row.get(6)?,
            revoked_at: row.get(7)?,
        },
        role,
        hash,
    ))
}

fn audit_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(AuditEntry, Vec<u8>, Vec<u8>)> {
    let seq: i64 = row.get(0)?;
    Ok((
        AuditEntry {
            seq: seq as u64,
            time: row.get(1)?,
            actor: row.get(2)?,
            action: row.get(3)?,
            resource: row.get(4)?,
            detail: row.get(5)?,
            prev_hash: [0; 32],
            hash: [0; 32],
        },
        row.get(6)?,
        row.get(7)?,
    ))
}

fn finish_audit_row(
    (mut entry, prev, hash): (AuditEntry, Vec<u8>, Vec<u8>),
) -> Result<AuditEntry, StoreError> {
    entry.prev_hash = hash_column(prev, "audit prev_hash")?;
    entry.hash = hash_column(hash, "audit hash")?;
    Ok(entry)
}

impl Store for SqliteStore {
    fn create_token(&self, token: &NewToken, hash: &TokenHash) -> Result<TokenRecord, StoreError> {
        let created_at = now_rfc3339();
        let mut conn = self.write();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO tokens (hash, role, name, org, territory, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                &hash.0[..],
                token.role.as_str(),
                token.name,
                token.org,
                token.territory,
                created_at
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "UPDATE generations SET value = value + 1 WHERE name = 'tokens'",
            [],
        )?;
        tx.commit()?;
        Ok(TokenRecord {
            id,
            role: token.role,
            name: token.name.clone(),
            org: token.org.clone(),
            territory: token.territory.clone(),
            created_at,
            revoked_at: None,
            hash: *hash,
        })
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT id, hash, role, name, org, territory, created_at, revoked_at
             FROM tokens ORDER BY id",
        )?;
        let rows = stmt.query_map([], token_from_row)?;
        rows.map(|row| {
            let (mut record, role, hash) = row?;
            record.role = role
                .parse()
                .map_err(|err| StoreError::Corrupt(format!("token {}: {err}", record.id)))?;
            record.hash = TokenHash(hash_column(hash, "token hash")?);
            Ok(record)
        })
        .collect()
    }

    fn revoke_token(&self, id: i64) -> Result<bool, StoreError> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
            params![now_rfc3339(), id],
        )?;
        if changed > 0 {
            tx.execute(
                "UPDATE generations SET value = value + 1 WHERE name = 'tokens'",
                [],
            )?;
        }
        tx.commit()?;
        Ok(changed > 0)
    }

    fn tokens_generation(&self) -> Result<u64, StoreError> {
        let value: i64 = self.read().query_row(
            "SELECT value FROM generations WHERE name = 'tokens'",
            [],
            |row| row.get(0),
        )?;
        Ok(value as u64)
    }

    fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry, StoreError> {
        let mut conn = self.write();
        // IMMEDIATE takes the write lock before reading the head, so two processes sharing the
        // database can never both chain onto the same predecessor.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let head: Option<(i64, Vec<u8>)> = tx
            .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let (prev_seq, prev_hash) = match head {
            Some((seq, hash)) => (seq as u64, hash_column(hash, "audit head")?),
            None => (0, GENESIS_HASH),
        };
        let seq = prev_seq + 1;
        let time = now_rfc3339();
        let hash = chain_hash(
            &prev_hash,
            seq,
            &time,
            &event.actor,
            &event.action,
            &event.resource,
            &event.detail,
        );
        tx.execute(
            "INSERT INTO audit_log (seq, time, actor, action, resource, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                seq as i64,
                time,
                event.actor,
                event.action,
                event.resource,
                event.detail,
                &prev_hash[..],
                &hash[..]
            ],
        )?;
        tx.execute(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            params![seq as i64, &hash[..]],
        )?;
        tx.commit()?;
        Ok(AuditEntry {
            seq,
            time,
            actor: event.actor.clone(),
            action: event.action.clone(),
            resource: event.resource.clone(),
            detail: event.detail.clone(),
            prev_hash,
            hash,
        })
    }

    fn audit_entries(&self, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT seq, time, actor, action, resource, detail, prev_hash, hash
             FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(
            params![after_seq as i64, limit.min(i64::MAX as usize) as i64],
            audit_from_row,
        )?;
        rows.map(|row| finish_audit_row(row?)).collect()
    }

    fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        let mut conn = self.read();
        // One read transaction, so entries appended meanwhile cannot make the head look ahead.
        let tx = conn.transaction()?;
        let head: Option<Vec<u8>> = tx
            .query_row("SELECT hash FROM audit_head WHERE id = 1", [], |row| {
                row.get(0)
            })
            .optional()?;
        let head = head.map(|h| hash_column(h, "audit head")).transpose()?;
        let mut stmt = tx.prepare(
            "SELECT seq, time, actor, action, resource, detail, prev_hash, hash
             FROM audit_log ORDER BY seq",
        )?;
        let entries = stmt
            .query_map([], audit_from_row)?
            .map(|row| finish_audit_row(row?))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(verify_chain(entries, head))
    }

    fn config_get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .read()
            .query_row("SELECT value FROM config WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    fn config_set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write().execute(
            "INSERT INTO config (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key, value, now_rfc3339()],
        )?;
        Ok(())
    }

    fn apply_list_changes(
        &self,
        changes: &[Change],
        author: &str,
        allow_official: bool,
    ) -> Result<Applied, StoreError> {
        lists::apply::apply_changes(&mut self.write(), changes, author, allow_official)
    }

    fn apply_list_change_chunks(
        &self,
        chunks: &mut dyn Iterator<Item = Vec<Change>>,
        author: &str,
        allow_official: bool,
        applied: &mut dyn FnMut(Vec<Change>, Vec<Outcome>),
    ) -> Result<u64, StoreError> {
        lists::bulk::apply_chunks(&mut self.write(), chunks, author, allow_official, applied)
    }

    fn list_version(&self) -> Result<u64, StoreError> {
        lists::read::version(&self.read())
    }

    fn list_counts(&self) -> Result<Vec<(List, Kind, u64)>, StoreError> {
        lists::read::counts(&self.read())
    }

    fn scan_live_entries(
        &self,
        now: &str,
        visit: &mut dyn FnMut(&LiveRow<'_>),
    ) -> Result<u64, StoreError> {
        // a connection of its own: a rebuild scans millions of rows for seconds, and the shared
        // reader must stay free for lookups meanwhile
        let mut conn = open_connection(&self.path)?;
        lists::read::scan_live(&mut conn, now, visit)
    }

    fn list_changes(&self, cursor: ChangeCursor, limit: usize) -> Result<Vec<Entry>, StoreError> {
        lists::read::changes(&self.read(), cursor, limit)
    }

    fn list_entry(&self, list: List, kind: Kind, value: &str) -> Result<Option<Entry>, StoreError> {
        lists::read::entry(&self.read(), list, kind, value)
    }

    fn list_entries(
        &self,
        filter: &EntryFilter,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        lists::read::entries(&self.read(), filter, after_id, limit)
    }

    fn list_history(&self, entry_id: i64) -> Result<Vec<HistoryRecord>, StoreError> {
        lists::read::history(&self.read(), entry_id)
    }

    fn expire_list_entries(&self, now: &str) -> Result<Expired, StoreError> {
        lists::expire::expire_entries(&mut self.write(), now)
    }

    fn lookup_by_hash_prefix(
        &self,
        prefix: &[u8],
        limit: usize,
    ) -> Result<Vec<HashMatch>, StoreError> {
        lists::read::by_hash_prefix(&self.read(), prefix, limit)
    }

    fn append_evidence(&self, records: &[NewEvidence]) -> Result<(), StoreError> {
        evidence::append(&mut self.write(), records)
    }

    fn evidence_for(&self, kind: Kind, key: u64) -> Result<Vec<EvidenceRecord>, StoreError> {
        evidence::for_identifier(&self.read(), kind, key)
    }

    fn scan_evidence(
        &self,
        since: &str,
        visit: &mut dyn FnMut(&EvidenceRecord),
    ) -> Result<(), StoreError> {
        evidence::scan(&mut self.read(), since, visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        (dir, store)
    }

    fn event(n: u32) -> AuditEvent {
        AuditEvent {
            actor: "cli".into(),
            action: "token.create".into(),
            resource: format!("token:{n}"),
            detail: format!(r#"{{"n":{n}}}"#),
        }
    }

    #[test]
    fn migrations_are_idempotent_across_reopen() {
        let (dir, store) = store();
        assert_eq!(
            store.schema_version().unwrap(),
            migrations::latest_version()
        );
        drop(store);
        let reopened = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(
            reopened.schema_version().unwrap(),
            migrations::latest_version()
        );
    }

    #[test]
    fn tokens_are_stored_by_hash_and_revocable() {
        let (_dir, store) = store();
        let (clear, hash) = crate::mint_token().unwrap();
        let new = NewToken {
            role: Role::Station,
            name: "gulou station".into(),
            org: None,
            territory: Some("350102".into()),
        };
        let before = store.tokens_generation().unwrap();
        let record = store.create_token(&new, &hash).unwrap();
        assert!(store.tokens_generation().unwrap() > before);

        let all = store.tokens().unwrap();
        assert_eq!(all, vec![record.clone()]);
        assert_eq!(all[0].hash, TokenHash::of(&clear));

        // the clear token appears nowhere in the database file
        let bytes = std::fs::read(store.path()).unwrap();
        let wal = std::fs::read(store.path().with_extension("db-wal")).unwrap_or_default();
        for file in [bytes, wal] {
            assert!(!file.windows(clear.len()).any(|w| w == clear.as_bytes()));
        }

        assert!(store.revoke_token(record.id).unwrap());
        assert!(!store.revoke_token(record.id).unwrap());
        assert!(store.tokens().unwrap()[0].revoked_at.is_some());
    }

    #[test]
    fn audit_chain_verifies_and_refuses_updates() {
        let (_dir, store) = store();
        for n in 0..10 {
            store.append_audit(&event(n)).unwrap();
        }
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.entries, 10);

        let conn = store.write();
        let refused = conn.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 3", []);
        assert!(refused.is_err());
        assert!(
            conn.execute("DELETE FROM audit_log WHERE seq = 10", [])
                .is_err()
        );
    }

    #[test]
    fn tampering_behind_the_triggers_is_detected() {
        let (_dir, store) = store();
        for n in 0..6 {
            store.append_audit(&event(n)).unwrap();
        }
        {
            // someone with file access drops the guard and rewrites history
            let conn = store.write();
            conn.execute_batch(
                "DROP TRIGGER audit_log_is_append_only_update;
                 UPDATE audit_log SET detail = '{\"n\":99}' WHERE seq = 4;",
            )
            .unwrap();
        }
        let report = store.verify_audit().unwrap();
        assert_eq!(report.first_break.as_ref().map(|b| b.seq), Some(4));
        assert_eq!(report.entries, 3);
    }

    #[test]
    fn a_removed_tail_is_detected() {
        let (_dir, store) = store();
        for n in 0..4 {
            store.append_audit(&event(n)).unwrap();
        }
        {
            let conn = store.write();
            conn.execute_batch(
                "DROP TRIGGER audit_log_is_append_only_delete;
                 DELETE FROM audit_log WHERE seq = 4;",
            )
            .unwrap();
        }
        let report = store.verify_audit().unwrap();
        assert_eq!(report.first_break.map(|b| b.seq), Some(4));
    }

    #[test]
    fn config_values_overwrite() {
        let (_dir, store) = store();
        assert_eq!(store.config_get("default_region").unwrap(), None);
        store.config_set("default_region", "CN").unwrap();
        store.config_set("default_region", "HK").unwrap();
        assert_eq!(
            store.config_get("default_region").unwrap().as_deref(),
            Some("HK")
        );
    }

    #[test]
    fn two_handles_on_one_database_keep_one_chain() {
        let (dir, first) = store();
        let second = SqliteStore::open(dir.path()).unwrap();
        for n in 0..5 {
            first.append_audit(&event(n)).unwrap();
            second.append_audit(&event(n + 100)).unwrap();
        }
        let report = first.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.entries, 10);
    }
}
