//! Versioned schema migrations. The schema version lives in SQLite's `user_version`; each
//! migration runs once, in order, inside a transaction. Never edit a released migration: add one.

use rusqlite::Connection;

use crate::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: tokens, the audit chain, configuration
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
    // 2: the black, gray and white lists, their history, and evidence
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
];

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
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_version_database_gains_the_lists_and_keeps_its_data() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
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
}
