//! The storage boundary of fraudwall.
//!
//! [`Store`] is the one interface the rest of the system uses for durable state: API tokens,
//! the tamper-evident audit log and configuration. [`SqliteStore`] implements it on an embedded
//! SQLite database; a PostgreSQL implementation will sit behind the same trait. This crate is the
//! only one that knows SQL.

mod audit;
mod error;
mod sqlite;
mod token;

pub use audit::{AuditEntry, AuditEvent, AuditReport, ChainBreak, GENESIS_HASH};
pub use error::StoreError;
pub use sqlite::SqliteStore;
pub use token::{NewToken, Role, TokenHash, TokenRecord, mint_token};

/// Durable state behind fraudwall. Implementations serialize writes through one writer and are
/// safe to share between threads; callers on an async runtime run these methods off the
/// reactor (they block on disk).
pub trait Store: Send + Sync + 'static {
    /// Persists a token by its hash; the clear token is never stored.
    fn create_token(&self, token: &NewToken, hash: &TokenHash) -> Result<TokenRecord, StoreError>;
    /// All tokens, revoked ones included, for building the in-memory authentication snapshot.
    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;
    /// Marks a token revoked; returns false when no such token exists.
    fn revoke_token(&self, id: i64) -> Result<bool, StoreError>;
    /// A counter that grows whenever any token is created or revoked, so readers can tell cheaply
    /// whether their snapshot is stale.
    fn tokens_generation(&self) -> Result<u64, StoreError>;

    /// Appends an event to the hash-chained audit log and returns the sealed entry.
    fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry, StoreError>;
    /// Entries with a sequence number greater than `after_seq`, oldest first.
    fn audit_entries(&self, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError>;
    /// Recomputes the whole chain and reports the first break, if any.
    fn verify_audit(&self) -> Result<AuditReport, StoreError>;

    fn config_get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn config_set(&self, key: &str, value: &str) -> Result<(), StoreError>;
}
