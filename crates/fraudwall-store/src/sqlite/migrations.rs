//! Versioned schema migrations. The schema version lives in SQLite's `user_version`; each
//! migration runs once, in order, inside a transaction. Never edit a released migration: add one.

use rusqlite::{Connection, Transaction, params};

use crate::StoreError;

/// One step of the schema: SQL alone, or code where SQL cannot say it.
enum Migration {
    Sql(&'static str),
    Code(fn(&Transaction<'_>) -> Result<(), StoreError>),
}

const MIGRATIONS: &[Migration] = &[
    // 1: tokens, the audit chain, configuration
    Migration::Sql(
        r#"
    CREATE TABLE tokens (
        id          INTEGER PRIMARY KEY,
        hash        BLOB    NOT NULL UNIQUE,
        role        TEXT    NOT NULL,
        name        TEXT    NOT NULL,
        org         TEXT,
        territory   TEXT,
        created_at  TEXT    NOT NULL,
        revoked_at  TEXT
    );

    CREATE TABLE audit_log (
        seq         INTEGER PRIMARY KEY,
        time        TEXT    NOT NULL,
        actor       TEXT    NOT NULL,
        action      TEXT    NOT NULL,
        resource    TEXT    NOT NULL,
        detail      TEXT    NOT NULL,
        prev_hash   BLOB    NOT NULL,
        hash        BLOB    NOT NULL
    );
    CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

    -- the chain's head, kept apart from the entries so that a removed tail is detected
    CREATE TABLE audit_head (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        seq   INTEGER NOT NULL,
        hash  BLOB    NOT NULL
    );

    CREATE TABLE config (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );

    CREATE TABLE generations (
        name   TEXT PRIMARY KEY,
        value  INTEGER NOT NULL
    );
    INSERT INTO generations (name, value) VALUES ('tokens', 0);
    "#,
    ),
    // 2: the black, gray and white lists, their history, and evidence
    Migration::Sql(
        r#"
    -- One row per (list, kind, value), live or a tombstone: removals stay so that the change
    -- feed can carry them. `key` is the u64 lookup key in its i64 bit pattern.
    CREATE TABLE list_entries (
        id          INTEGER PRIMARY KEY,
        list        TEXT    NOT NULL,
        kind        TEXT    NOT NULL,
        value       TEXT    NOT NULL,
        key         INTEGER NOT NULL,
        lookup_hash BLOB,
        source      TEXT    NOT NULL,
        fraud_type  TEXT,
        confidence  REAL    NOT NULL,
        severity    TEXT    NOT NULL,
        expires_at  TEXT,
        evidence    TEXT    NOT NULL,
        note        TEXT,
        author      TEXT    NOT NULL,
        created_at  TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        removed     INTEGER NOT NULL CHECK (removed IN (0, 1)),
        UNIQUE (list, kind, value)
    );
    -- the change feed and its paging cursor
    CREATE INDEX list_entries_by_version ON list_entries (version, id);
    -- the public lookup by hash prefix sees live entries only
    CREATE INDEX list_entries_by_lookup_hash ON list_entries (lookup_hash)
        WHERE removed = 0 AND lookup_hash IS NOT NULL;
    -- expiry visits only what has an expiry, not the whole table
    CREATE INDEX list_entries_by_expiry ON list_entries (expires_at)
        WHERE removed = 0 AND expires_at IS NOT NULL;

    CREATE TABLE list_history (
        seq         INTEGER PRIMARY KEY,
        entry_id    INTEGER NOT NULL REFERENCES list_entries (id),
        version     INTEGER NOT NULL,
        time        TEXT    NOT NULL,
        actor       TEXT    NOT NULL,
        action      TEXT    NOT NULL CHECK (action IN ('add', 'update', 'remove', 'expire')),
        before      TEXT,
        after       TEXT
    );
    CREATE INDEX list_history_by_entry ON list_history (entry_id, seq);
    CREATE TRIGGER list_history_is_append_only_update BEFORE UPDATE ON list_history
        BEGIN SELECT RAISE(ABORT, 'list history is append-only'); END;
    CREATE TRIGGER list_history_is_append_only_delete BEFORE DELETE ON list_history
        BEGIN SELECT RAISE(ABORT, 'list history is append-only'); END;

    CREATE TABLE evidence (
        id          INTEGER PRIMARY KEY,
        kind        TEXT    NOT NULL,
        value       TEXT    NOT NULL,
        key         INTEGER NOT NULL,
        class       TEXT    NOT NULL CHECK (class IN ('fraud', 'benign')),
        source      TEXT    NOT NULL,
        time        TEXT    NOT NULL,
        fraud_type  TEXT,
        note        TEXT
    );
    CREATE INDEX evidence_by_identifier ON evidence (kind, key);
    CREATE INDEX evidence_by_time ON evidence (time);

    INSERT INTO generations (name, value) VALUES ('lists', 0);
    "#,
    ),
    // 3: the lookup hash's first eight bytes as an integer in place of the whole hash
    Migration::Code(lookup_prefix_for_hash),
    // 4: the additions of a bulk batch recorded once per run of new entries
    Migration::Sql(
        r#"
    -- The history of new entries of consecutive ids added by one batch with the same
    -- attributes: one row says for all of them what `list_history` would say for each (action
    -- 'add', no attributes before). An import of ten million entries writes a few rows here
    -- instead of ten million there.
    CREATE TABLE list_history_runs (
        first_id    INTEGER PRIMARY KEY,
        last_id     INTEGER NOT NULL CHECK (last_id >= first_id),
        version     INTEGER NOT NULL,
        time        TEXT    NOT NULL,
        actor       TEXT    NOT NULL,
        after       TEXT    NOT NULL
    );
    CREATE TRIGGER list_history_runs_are_append_only_update BEFORE UPDATE ON list_history_runs
        BEGIN SELECT RAISE(ABORT, 'list history is append-only'); END;
    CREATE TRIGGER list_history_runs_are_append_only_delete BEFORE DELETE ON list_history_runs
        BEGIN SELECT RAISE(ABORT, 'list history is append-only'); END;
    "#,
    ),
    // 5: the lookup by hash prefix in a table of its own
    Migration::Sql(
        r#"
    -- The first eight bytes of each entry's lookup hash as an integer, with the entry's id, for
    -- every entry that has a hash, live or not (a removal leaves it; the lookup reads whether the
    -- entry is live from the entry). The hash is a function of the entry's kind and value, which
    -- never change, so only a new entry adds a row. A bulk batch sorts its rows in memory and
    -- appends them, where an index on the entries had to be rebuilt by sorting the whole table.
    CREATE TABLE list_lookup (
        prefix      INTEGER NOT NULL,
        entry_id    INTEGER NOT NULL,
        PRIMARY KEY (prefix, entry_id)
    ) WITHOUT ROWID;
    INSERT INTO list_lookup (prefix, entry_id)
        SELECT lookup_prefix, id FROM list_entries WHERE lookup_prefix IS NOT NULL
        ORDER BY lookup_prefix, id;
    DROP INDEX list_entries_by_lookup_prefix;
    ALTER TABLE list_entries DROP COLUMN lookup_prefix;
    "#,
    ),
    // 6: cases, the identifiers they name, their versions, and cuts of wrong links
    Migration::Sql(
        r#"
    CREATE TABLE cases (
        id              INTEGER PRIMARY KEY,
        fingerprint     TEXT    NOT NULL UNIQUE,
        fraud_type      TEXT    NOT NULL,
        reported_at     TEXT    NOT NULL,
        victim_phone    TEXT    NOT NULL,
        victim_key      INTEGER NOT NULL,
        territory       TEXT,
        loss_cents      INTEGER NOT NULL,
        currency        TEXT    NOT NULL,
        report          TEXT    NOT NULL,
        filed_by        TEXT    NOT NULL,
        org             TEXT,
        status          TEXT    NOT NULL,
        suspects        TEXT    NOT NULL,
        arrests         INTEGER NOT NULL,
        recovered_cents INTEGER NOT NULL,
        note            TEXT,
        version         INTEGER NOT NULL,
        filed_at        TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL
    );
    CREATE INDEX cases_by_territory ON cases (territory, id);

    CREATE TABLE case_identifiers (
        case_id     INTEGER NOT NULL REFERENCES cases (id),
        kind        TEXT    NOT NULL,
        value       TEXT    NOT NULL,
        key         INTEGER NOT NULL,
        link_key    INTEGER NOT NULL,
        role        TEXT    NOT NULL,
        time        TEXT
    );
    CREATE INDEX case_identifiers_by_case ON case_identifiers (case_id);
    CREATE INDEX case_identifiers_by_identifier ON case_identifiers (kind, key);

    CREATE TABLE case_versions (
        case_id         INTEGER NOT NULL REFERENCES cases (id),
        version         INTEGER NOT NULL,
        status          TEXT    NOT NULL,
        suspects        TEXT    NOT NULL,
        arrests         INTEGER NOT NULL,
        recovered_cents INTEGER NOT NULL,
        note            TEXT,
        by              TEXT    NOT NULL,
        at              TEXT    NOT NULL,
        PRIMARY KEY (case_id, version)
    ) WITHOUT ROWID;
    CREATE TRIGGER case_versions_are_append_only_update BEFORE UPDATE ON case_versions
        BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;
    CREATE TRIGGER case_versions_are_append_only_delete BEFORE DELETE ON case_versions
        BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;

    CREATE TABLE link_cuts (
        case_id     INTEGER NOT NULL REFERENCES cases (id),
        link_key    INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        value       TEXT    NOT NULL,
        by          TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        reason      TEXT,
        UNIQUE (case_id, link_key)
    );
    "#,
    ),
    // 7: clues, one per reporter and identifier, and reporters' reviewed records
    Migration::Sql(
        r#"
    CREATE TABLE clues (
        id              INTEGER PRIMARY KEY,
        kind            TEXT    NOT NULL,
        id_kind         TEXT    NOT NULL,
        value           TEXT    NOT NULL,
        key             INTEGER NOT NULL,
        text            TEXT,
        fraud_type      TEXT,
        reporter        TEXT    NOT NULL,
        reporter_role   TEXT    NOT NULL,
        first_at        TEXT    NOT NULL,
        last_at         TEXT    NOT NULL,
        count           INTEGER NOT NULL,
        status          TEXT    NOT NULL,
        evidence_at     TEXT,
        reviewed_by     TEXT,
        reviewed_at     TEXT,
        review_note     TEXT,
        UNIQUE (reporter, kind, id_kind, key)
    );
    CREATE INDEX clues_by_identifier ON clues (id_kind, key, evidence_at);
    CREATE INDEX clues_by_status ON clues (status, id);

    CREATE TABLE reporters (
        source      TEXT    PRIMARY KEY,
        role        TEXT    NOT NULL,
        confirmed   INTEGER NOT NULL,
        refuted     INTEGER NOT NULL,
        first_seen  TEXT    NOT NULL
    ) WITHOUT ROWID;
    "#,
    ),
    // 8: who holds each phone and bank card, one row per holder period
    Migration::Sql(
        r#"
    CREATE TABLE cards (
        kind    TEXT    NOT NULL,
        key     INTEGER NOT NULL,
        since   INTEGER NOT NULL,
        value   TEXT    NOT NULL,
        holder  TEXT,
        device  TEXT,
        issuer  TEXT,
        PRIMARY KEY (kind, key, since)
    ) WITHOUT ROWID;
    CREATE INDEX cards_by_device ON cards (device) WHERE device IS NOT NULL;
    CREATE INDEX cards_by_holder ON cards (holder) WHERE holder IS NOT NULL;
    "#,
    ),
    // 9: running workflow instances: warnings and freeze requests
    Migration::Sql(
        r#"
    CREATE TABLE workflows (
        id          INTEGER PRIMARY KEY,
        kind        TEXT    NOT NULL,
        fingerprint TEXT    NOT NULL,
        case_id     INTEGER,
        subject     TEXT    NOT NULL,
        territory   TEXT,
        org         TEXT,
        tier        TEXT,
        status      TEXT    NOT NULL,
        due_at      INTEGER,
        state       TEXT    NOT NULL,
        version     INTEGER NOT NULL,
        created_at  TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL,
        UNIQUE (kind, fingerprint)
    );
    CREATE INDEX workflows_by_case ON workflows (kind, case_id) WHERE case_id IS NOT NULL;
    CREATE INDEX workflows_by_territory ON workflows (kind, territory, id);
    CREATE INDEX workflows_by_org ON workflows (kind, org, id) WHERE org IS NOT NULL;
    CREATE INDEX workflows_due ON workflows (kind, due_at) WHERE due_at IS NOT NULL;
    "#,
    ),
    // 10: the subscriber registry and the jurisdiction tree with its units' duty contacts
    Migration::Sql(
        r#"
    CREATE TABLE subscribers (
        key         INTEGER PRIMARY KEY,
        phone       TEXT    NOT NULL,
        territory   TEXT    NOT NULL,
        birth_year  INTEGER,
        occupation  TEXT,
        source      TEXT    NOT NULL
    );
    CREATE INDEX subscribers_by_territory ON subscribers (territory);

    CREATE TABLE units (
        code        TEXT    PRIMARY KEY,
        name        TEXT    NOT NULL,
        level       TEXT    NOT NULL,
        parent      TEXT,
        contact     TEXT,
        webhook     TEXT
    );
    "#,
    ),
    // 11: an account's type as its bank gives it (personal, merchant, corporate)
    Migration::Sql(
        r#"
    ALTER TABLE cards ADD COLUMN account_type TEXT;
    "#,
    ),
];

/// The hash-prefix lookup sorts millions of entries by their lookup hash. An index of 32-byte
/// blobs compares each pair through the general record comparison and, built by a bulk import,
/// took three quarters of a second per million entries; an index of integers takes a fifth of
/// that. The whole hash is a function of the entry's kind and value, so it is computed again
/// for the few entries a lookup returns instead of being stored.
fn lookup_prefix_for_hash(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch("ALTER TABLE list_entries ADD COLUMN lookup_prefix INTEGER")?;
    {
        let mut read = tx.prepare(
            "SELECT id, lookup_hash FROM list_entries WHERE lookup_hash IS NOT NULL ORDER BY id",
        )?;
        let mut write = tx.prepare("UPDATE list_entries SET lookup_prefix = ?2 WHERE id = ?1")?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let hash: Vec<u8> = row.get(1)?;
            let hash = crate::sqlite::hash_column(hash, "list entry lookup_hash")?;
            write.execute(params![id, crate::sqlite::lists::lookup_prefix(&hash)])?;
        }
    }
    tx.execute_batch(
        "DROP INDEX list_entries_by_lookup_hash;
         ALTER TABLE list_entries DROP COLUMN lookup_hash;
         CREATE INDEX list_entries_by_lookup_prefix ON list_entries (lookup_prefix)
             WHERE removed = 0 AND lookup_prefix IS NOT NULL;",
    )?;
    Ok(())
}

pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > latest_version() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: latest_version(),
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        match migration {
            Migration::Sql(sql) => tx.execute_batch(sql)?,
            Migration::Code(run) => run(&tx)?,
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn a_first_version_database_gains_the_lists_and_keeps_its_data() {
        let mut conn = Connection::open_in_memory().unwrap();
        let Migration::Sql(first) = MIGRATIONS[0] else {
            panic!("the first migration is SQL");
        };
        conn.execute_batch(first).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO config (key, value, updated_at) VALUES ('region', 'CN', 'now')",
            [],
        )
        .unwrap();

        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, latest_version());
        let region: String = conn
            .query_row("SELECT value FROM config WHERE key = 'region'", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(region, "CN");
        let lists: i64 = conn
            .query_row(
                "SELECT value FROM generations WHERE name = 'lists'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(lists, 0);
    }

    #[test]
    fn a_second_version_database_keeps_its_lookups_by_hash_prefix() {
        let mut conn = Connection::open_in_memory().unwrap();
        for migration in &MIGRATIONS[..2] {
            let Migration::Sql(sql) = migration else {
                panic!("the first two migrations are SQL");
            };
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
        let number = "+8613800138000";
        let hash: [u8; 32] = Sha256::digest(number.as_bytes()).into();
        for (list, value, hash) in [
            ("black", number, Some(&hash[..])),
            ("black", "com.evil.app", None),
        ] {
            conn.execute(
                "INSERT INTO list_entries (list, kind, value, key, lookup_hash, source, confidence,
                     severity, evidence, author, created_at, updated_at, version, removed)
                 VALUES (?1, 'number', ?2, 1, ?3, 'import', 0.9, 'high', '[]', 'cli',
                     '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 0)",
                params![list, value, hash],
            )
            .unwrap();
        }

        migrate(&mut conn).unwrap();
        let found = crate::sqlite::lists::read::by_hash_prefix(&conn, &hash[..3], "2026-06-01", 10)
            .unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].hash, hash);
        let columns: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('list_entries') WHERE name = 'lookup_hash'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(columns, 0);
    }
}
