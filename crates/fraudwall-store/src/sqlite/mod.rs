//! [`Store`] on an embedded SQLite database in WAL mode.
//!
//! All writes go through one writer connection, which is what SQLite allows anyway; reads use a
//! second connection so that a long read (verifying the audit chain) never waits on a write.

mod cards;
mod cases;
mod clues;
mod evidence;
mod lists;
mod migrations;
mod registry;
mod workflows;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use fraudwall_lists::entry::{Change, Entry, Kind, List, Outcome};
use rusqlite::{Connection, OptionalExtension, params};

use crate::audit::{chain_hash, verify_chain};
use time::OffsetDateTime;

use crate::{
    Applied, AuditEntry, AuditEvent, AuditReport, AuditStore, CardRecord, CardStore,
    CaseIdentifier, CaseProgress, CaseRecord, CaseStore, CaseVersion, ChangeCursor, ClueFilter,
    ClueKind, ClueRecord, ClueReview, ClueStore, ClueSubmitted, ConfigStore, EntryFilter,
    EvidenceRecord, EvidenceStore, Expired, GENESIS_HASH, HashMatch, HistoryRecord, LinkCut,
    ListStore, LiveRow, NewCase, NewClue, NewEvidence, NewToken, NewWorkflow, RegistryStore,
    ReporterRecord, StoreError, SubscriberRecord, TokenHash, TokenRecord, TokenStore, UnitRecord,
    WorkflowFilter, WorkflowKind, WorkflowRecord, WorkflowStore, WorkflowUpdate, time_text,
};

pub const DATABASE_FILE: &str = "fraudwall.db";

/// The writer connection's page cache, in KiB.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

/// The page size of a new database. Every page a transaction writes goes to the WAL as a frame
/// with a 24-byte header and is copied into the database at the checkpoint; a frame of a 4 KiB
/// page straddles file-system blocks, so the kernel clears the rest of each new block it
/// touches, and a bulk import spent half its time in the kernel. A quarter as many frames
/// (and B-tree pages to balance and cache) made the import of 10 M numbers take 33 s instead
/// of 59 s (36 s of CPU instead of 49); 8 KiB pages took 53 s, 32 and 64 KiB 43 s. A database
/// keeps the size it was created with: in WAL mode not even VACUUM changes it.
const PAGE_SIZE: i64 = 16 * 1024;

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

    /// Opens the store in `data_dir` only if there is one. A command that reads a store and is
    /// given a mistyped directory must fail, not create an empty store that allows everything.
    pub fn open_existing(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        if !data_dir.join(DATABASE_FILE).is_file() {
            return Err(StoreError::NoStore {
                path: data_dir.to_owned(),
            });
        }
        SqliteStore::open(data_dir)
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
    // before the journal mode, whose change writes the first page of a new database
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The command line and a running server may share the database.
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

/// Now, in the one spelling stored times are compared in.
pub(crate) fn now_rfc3339() -> String {
    time_text::now()
}

fn hash_column(bytes: Vec<u8>, what: &str) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("{what} is not 32 bytes")))
}

/// Appends `event` to the audit chain inside the caller's write transaction, so that a change
/// and its audit row commit together or not at all. The transaction must hold the write lock
/// (IMMEDIATE) before this reads the head.
pub(crate) fn append_audit_in(
    tx: &Connection,
    event: &AuditEvent,
) -> Result<AuditEntry, StoreError> {
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

const TOKEN_COLUMNS: &str = "id, hash, role, name, org, territory, created_at, revoked_at";

fn token_from_row(row: &rusqlite::Row<'_>) -> Result<TokenRecord, StoreError> {
    let id: i64 = row.get(0)?;
    let role: String = row.get(2)?;
    let created_at: String = row.get(6)?;
    let revoked_at: Option<String> = row.get(7)?;
    Ok(TokenRecord {
        id,
        role: role
            .parse()
            .map_err(|err| StoreError::Corrupt(format!("token {id}: {err}")))?,
        hash: TokenHash(hash_column(row.get(1)?, "token hash")?),
        name: row.get(3)?,
        org: row.get(4)?,
        territory: row.get(5)?,
        created_at: time_text::parse(&created_at, "token created_at")?,
        revoked_at: revoked_at
            .map(|text| time_text::parse(&text, "token revoked_at"))
            .transpose()?,
    })
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

impl TokenStore for SqliteStore {
    fn create_token(&self, token: &NewToken, hash: &TokenHash) -> Result<TokenRecord, StoreError> {
        let created = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let created_at = time_text::format(created);
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
            created_at: created,
            revoked_at: None,
            hash: *hash,
        })
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let conn = self.read();
        let mut stmt = conn.prepare(&format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY id"))?;
        let mut rows = stmt.query([])?;
        let mut records = Vec::new();
        while let Some(row) = rows.next()? {
            records.push(token_from_row(row)?);
        }
        Ok(records)
    }

    fn token_by_hash(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = ?1"
        ))?;
        let mut rows = stmt.query([&hash.0[..]])?;
        rows.next()?.map(token_from_row).transpose()
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
}

impl AuditStore for SqliteStore {
    fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry, StoreError> {
        let mut conn = self.write();
        // IMMEDIATE takes the write lock before reading the head, so two processes sharing the
        // database can never both chain onto the same predecessor.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let entry = append_audit_in(&tx, event)?;
        tx.commit()?;
        Ok(entry)
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

    fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let conn = self.read();
        let head: Option<(i64, Vec<u8>)> = conn
            .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        head.map(|(seq, hash)| Ok((seq as u64, hash_column(hash, "audit head")?)))
            .transpose()
    }
}

impl ConfigStore for SqliteStore {
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
}

impl ListStore for SqliteStore {
    fn apply_list_changes(
        &self,
        changes: &[Change],
        author: &str,
        allow_official: bool,
    ) -> Result<Applied, StoreError> {
        lists::apply::apply_changes(&mut self.write(), changes, author, allow_official, None)
    }

    fn apply_audited_list_changes(
        &self,
        changes: &[Change],
        author: &str,
        allow_official: bool,
        audit: &mut dyn FnMut(&Applied) -> AuditEvent,
    ) -> Result<Applied, StoreError> {
        lists::apply::apply_changes(
            &mut self.write(),
            changes,
            author,
            allow_official,
            Some(audit),
        )
    }

    fn apply_list_change_chunks(
        &self,
        chunks: &mut dyn Iterator<Item = Vec<Change>>,
        author: &str,
        allow_official: bool,
        applied: &mut dyn FnMut(Vec<Change>, Vec<Outcome>),
        audit: &mut dyn FnMut(u64) -> AuditEvent,
    ) -> Result<u64, StoreError> {
        let mut audit = |version: &u64| audit(*version);
        lists::bulk::apply_chunks(
            &mut self.write(),
            chunks,
            author,
            allow_official,
            applied,
            Some(&mut audit),
        )
    }

    fn list_version(&self) -> Result<u64, StoreError> {
        lists::read::version(&self.read())
    }

    fn list_counts(&self) -> Result<Vec<(List, Kind, u64)>, StoreError> {
        lists::read::counts(&self.read())
    }

    fn scan_live_entries(
        &self,
        now: OffsetDateTime,
        visit: &mut dyn FnMut(&LiveRow<'_>),
    ) -> Result<u64, StoreError> {
        // a connection of its own: a rebuild scans millions of rows for seconds, and the shared
        // reader must stay free for lookups meanwhile
        let mut conn = open_connection(&self.path)?;
        lists::read::scan_live(&mut conn, &time_text::format(now), visit)
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

    fn expire_list_entries(&self, now: OffsetDateTime) -> Result<Expired, StoreError> {
        lists::expire::expire_entries(&mut self.write(), &time_text::format(now))
    }

    fn lookup_by_hash_prefix(
        &self,
        prefix: &[u8],
        now: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<HashMatch>, StoreError> {
        lists::read::by_hash_prefix(&self.read(), prefix, &time_text::format(now), limit)
    }
}

impl RegistryStore for SqliteStore {
    fn put_subscribers(&self, rows: &[SubscriberRecord]) -> Result<usize, StoreError> {
        registry::put_subscribers(&mut self.write(), rows)
    }

    fn subscribers(&self, keys: &[u64]) -> Result<Vec<SubscriberRecord>, StoreError> {
        registry::subscribers(&self.read(), keys)
    }

    fn subscribers_in(
        &self,
        territory_prefix: &str,
        after_key: u64,
        limit: usize,
    ) -> Result<Vec<SubscriberRecord>, StoreError> {
        registry::subscribers_in(&self.read(), territory_prefix, after_key, limit)
    }

    fn subscriber_count(&self) -> Result<u64, StoreError> {
        registry::subscriber_count(&self.read())
    }

    fn put_units(&self, units: &[UnitRecord]) -> Result<usize, StoreError> {
        registry::put_units(&mut self.write(), units)
    }

    fn units(&self) -> Result<Vec<UnitRecord>, StoreError> {
        registry::units(&self.read())
    }
}

impl WorkflowStore for SqliteStore {
    fn insert_workflow(
        &self,
        workflow: &NewWorkflow,
        now: OffsetDateTime,
    ) -> Result<(WorkflowRecord, bool), StoreError> {
        workflows::insert(&mut self.write(), workflow, now)
    }

    fn workflow(&self, id: i64) -> Result<Option<WorkflowRecord>, StoreError> {
        workflows::by_id(&self.read(), id)
    }

    fn workflows(&self, filter: &WorkflowFilter) -> Result<Vec<WorkflowRecord>, StoreError> {
        workflows::list(&self.read(), filter)
    }

    fn update_workflow(
        &self,
        id: i64,
        expected_version: i64,
        update: &WorkflowUpdate,
        now: OffsetDateTime,
    ) -> Result<Option<WorkflowRecord>, StoreError> {
        workflows::update(&mut self.write(), id, expected_version, update, now)
    }

    fn due_workflows(
        &self,
        kind: WorkflowKind,
        now: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<WorkflowRecord>, StoreError> {
        workflows::due(&self.read(), kind, now, limit)
    }
}

impl CardStore for SqliteStore {
    fn put_cards(&self, cards: &[CardRecord]) -> Result<usize, StoreError> {
        cards::put(&mut self.write(), cards)
    }

    fn cards_of(&self, kind: Kind, keys: &[u64]) -> Result<Vec<CardRecord>, StoreError> {
        cards::of(&self.read(), kind, keys)
    }

    fn cards_by_device(&self, device: &str) -> Result<Vec<CardRecord>, StoreError> {
        cards::by_device(&self.read(), device)
    }

    fn card_count(&self) -> Result<u64, StoreError> {
        cards::count(&self.read())
    }
}

impl CaseStore for SqliteStore {
    fn insert_case(
        &self,
        case: &NewCase,
        now: OffsetDateTime,
    ) -> Result<(CaseRecord, bool), StoreError> {
        cases::insert(&mut self.write(), case, now)
    }

    fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError> {
        cases::by_id(&self.read(), id)
    }

    fn cases(&self, ids: &[i64]) -> Result<Vec<CaseRecord>, StoreError> {
        cases::by_ids(&self.read(), ids)
    }

    fn update_case(
        &self,
        id: i64,
        expected_version: i64,
        progress: &CaseProgress,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<Option<CaseRecord>, StoreError> {
        cases::update(&mut self.write(), id, expected_version, progress, by, now)
    }

    fn case_versions(&self, id: i64) -> Result<Vec<CaseVersion>, StoreError> {
        cases::versions(&self.read(), id)
    }

    fn case_identifiers(&self, id: i64) -> Result<Vec<CaseIdentifier>, StoreError> {
        cases::identifiers(&self.read(), id)
    }

    fn scan_cases(
        &self,
        visit: &mut dyn FnMut(&CaseRecord, &[CaseIdentifier]),
    ) -> Result<(), StoreError> {
        cases::scan(&mut self.read(), visit)
    }

    fn add_link_cut(&self, cut: &LinkCut) -> Result<bool, StoreError> {
        cases::add_cut(&mut self.write(), cut)
    }

    fn remove_link_cut(&self, case_id: i64, link_key: u64) -> Result<bool, StoreError> {
        cases::remove_cut(&mut self.write(), case_id, link_key)
    }

    fn link_cuts(&self) -> Result<Vec<LinkCut>, StoreError> {
        cases::cuts(&self.read())
    }
}

impl ClueStore for SqliteStore {
    fn submit_clue(
        &self,
        clue: &NewClue,
        evidence: Option<&NewEvidence>,
    ) -> Result<ClueSubmitted, StoreError> {
        clues::submit(&mut self.write(), clue, evidence)
    }

    fn clue(&self, id: i64) -> Result<Option<ClueRecord>, StoreError> {
        clues::by_id(&self.read(), id)
    }

    fn reporter_clue(
        &self,
        reporter: &str,
        kind: ClueKind,
        id_kind: Kind,
        key: u64,
    ) -> Result<Option<ClueRecord>, StoreError> {
        clues::of_reporter(&self.read(), reporter, kind, id_kind, key)
    }

    fn clues_about(&self, id_kind: Kind, key: u64) -> Result<Vec<ClueRecord>, StoreError> {
        clues::about(&self.read(), id_kind, key)
    }

    fn count_clue_evidence(
        &self,
        id_kind: Kind,
        key: u64,
        since: OffsetDateTime,
        roles: &[&str],
    ) -> Result<u64, StoreError> {
        clues::count_evidence_since(&self.read(), id_kind, key, since, roles)
    }

    fn clues(
        &self,
        filter: &ClueFilter,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<ClueRecord>, StoreError> {
        clues::list(&self.read(), filter, after_id, limit)
    }

    fn review_clue(
        &self,
        id: i64,
        review: &ClueReview,
        evidence: Option<&NewEvidence>,
    ) -> Result<Option<ClueRecord>, StoreError> {
        clues::review(&mut self.write(), id, review, evidence)
    }

    fn reporter(&self, source: &str) -> Result<Option<ReporterRecord>, StoreError> {
        clues::reporter(&self.read(), source)
    }

    fn reporter_standings(&self) -> Result<Vec<ReporterRecord>, StoreError> {
        clues::reviewed_reporters(&self.read())
    }
}

impl EvidenceStore for SqliteStore {
    fn append_evidence(&self, records: &[NewEvidence]) -> Result<(), StoreError> {
        evidence::append(&mut self.write(), records)
    }

    fn evidence_for(&self, kind: Kind, key: u64) -> Result<Vec<EvidenceRecord>, StoreError> {
        evidence::for_identifier(&self.read(), kind, key)
    }

    fn scan_evidence(
        &self,
        since: OffsetDateTime,
        visit: &mut dyn FnMut(&EvidenceRecord),
    ) -> Result<(), StoreError> {
        evidence::scan(&mut self.read(), &time_text::format(since), visit)
    }
}

#[cfg(test)]
mod tests {
    //! What SQLite itself guards or keeps. What every backend must do is in the conformance
    //! suite (`tests/conformance_sqlite.rs`).

    use fraudwall_lists::entry::{Attributes, Identifier, OnExisting, Source};

    use super::*;
    use crate::Role;

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

    fn page_size(store: &SqliteStore) -> i64 {
        store
            .read()
            .pragma_query_value(None, "page_size", |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_new_database_takes_the_page_size_and_an_old_one_keeps_its_own() {
        let (_dir, store) = store();
        assert_eq!(page_size(&store), PAGE_SIZE);

        let dir = tempfile::tempdir().unwrap();
        let old = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        old.pragma_update(None, "page_size", 4096).unwrap();
        old.pragma_update(None, "journal_mode", "WAL").unwrap();
        drop(old);
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(page_size(&store), 4096);
        assert_eq!(
            store.schema_version().unwrap(),
            migrations::latest_version()
        );
    }

    #[test]
    fn the_clear_token_is_nowhere_in_the_database_files() {
        let (_dir, store) = store();
        let (clear, hash) = crate::mint_token().unwrap();
        let new = NewToken {
            role: Role::Station,
            name: "gulou station".into(),
            org: None,
            territory: Some("350102".into()),
        };
        let record = store.create_token(&new, &hash).unwrap();
        assert!(store.revoke_token(record.id).unwrap());

        let bytes = std::fs::read(store.path()).unwrap();
        let wal = std::fs::read(store.path().with_extension("db-wal")).unwrap_or_default();
        for file in [bytes, wal] {
            assert!(!file.windows(clear.len()).any(|w| w == clear.as_bytes()));
        }
    }

    #[test]
    fn the_audit_log_refuses_updates_and_deletes() {
        let (_dir, store) = store();
        for n in 0..10 {
            store.append_audit(&event(n)).unwrap();
        }
        let conn = store.write();
        let refused = conn.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 3", []);
        assert!(refused.is_err());
        assert!(
            conn.execute("DELETE FROM audit_log WHERE seq = 10", [])
                .is_err()
        );
        drop(conn);
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.entries, 10);
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
    fn list_history_refuses_updates_and_deletes() {
        let (_dir, store) = store();
        // built directly: this is about the table, not the phone normalizer
        let number = Identifier {
            kind: Kind::Number,
            value: "+8613800138000".into(),
            key: 1,
        };
        let put = Change::Put {
            list: List::Black,
            identifier: number.clone(),
            attributes: Attributes::new(Source::Report),
            on_existing: OnExisting::Keep,
        };
        store.apply_list_changes(&[put], "alice", false).unwrap();

        // a connection of its own, as another process with the file would have
        let conn = Connection::open(store.path()).unwrap();
        assert!(
            conn.execute("UPDATE list_history SET actor = 'mallory'", [])
                .is_err()
        );
        assert!(conn.execute("DELETE FROM list_history", []).is_err());
        // the runs of a bulk batch's additions, written here by hand
        conn.execute(
            "INSERT INTO list_history_runs (first_id, last_id, version, time, actor, after)
             VALUES (100, 199, 9, '2026-01-01T00:00:00Z', 'cli', '{}')",
            [],
        )
        .unwrap();
        assert!(
            conn.execute("UPDATE list_history_runs SET actor = 'mallory'", [])
                .is_err()
        );
        assert!(conn.execute("DELETE FROM list_history_runs", []).is_err());
        drop(conn);
        let entry = store
            .list_entry(List::Black, Kind::Number, &number.value)
            .unwrap()
            .unwrap();
        assert_eq!(store.list_history(entry.id).unwrap()[0].actor, "alice");
    }

    #[test]
    fn a_list_change_whose_audit_row_fails_is_not_stored() {
        let (_dir, store) = store();
        // another process with the file refuses every audit row from now on
        let conn = Connection::open(store.path()).unwrap();
        conn.execute_batch(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log
             BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .unwrap();
        let number = |n: u32| Identifier {
            kind: Kind::Number,
            value: format!("+86138{n:08}"),
            key: u64::from(n),
        };
        let put = |n: u32| Change::Put {
            list: List::Black,
            identifier: number(n),
            attributes: Attributes::new(Source::Report),
            on_existing: OnExisting::Keep,
        };
        let event = AuditEvent {
            actor: "alice".into(),
            action: "lists.put".into(),
            resource: "list:black".into(),
            detail: "{}".into(),
        };
        // the row path, the bulk path, and a batch in chunks
        let small = [put(1)];
        let large: Vec<Change> = (100..20_100).map(put).collect();
        for changes in [&small[..], &large[..]] {
            let result =
                store.apply_audited_list_changes(changes, "alice", false, &mut |_| event.clone());
            assert!(result.is_err());
        }
        let mut chunks = large.chunks(5_000).map(<[Change]>::to_vec);
        let result = store.apply_list_change_chunks(
            &mut chunks,
            "alice",
            false,
            &mut |_, _| {},
            &mut |_| event.clone(),
        );
        assert!(result.is_err());
        assert_eq!(store.list_version().unwrap(), 0);
        for n in [1, 100, 20_099] {
            let value = number(n).value;
            assert!(
                store
                    .list_entry(List::Black, Kind::Number, &value)
                    .unwrap()
                    .is_none()
            );
        }

        conn.execute_batch("DROP TRIGGER refuse_audit").unwrap();
        let applied = store
            .apply_audited_list_changes(&small, "alice", false, &mut |applied| AuditEvent {
                detail: format!("{{\"version\":{}}}", applied.version),
                ..event.clone()
            })
            .unwrap();
        assert_eq!(applied.version, 1);
        let audit = store.audit_entries(0, 10).unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].detail, r#"{"version":1}"#);
    }
}
