use std::path::PathBuf;

/// Failures of the storage layer. None of them is the caller's fault except where noted, so the
/// server maps them to internal errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The caller's fault: a command that reads a store was pointed where none is.
    #[error("no store in {path}; check the data directory (`fraudwall serve` creates a store)")]
    NoStore { path: PathBuf },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database schema version {found} is newer than this build supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("cannot generate random token: {0}")]
    Random(String),
    /// The caller's fault: a lookup by hash prefix takes 1 to 32 bytes.
    #[error("a hash prefix must be 1 to 32 bytes, not {len}")]
    InvalidHashPrefix { len: usize },
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::DataDir { .. } => "store_data_dir",
            StoreError::NoStore { .. } => "store_missing",
            StoreError::Sqlite(_) => "store_database",
            StoreError::SchemaTooNew { .. } => "store_schema_too_new",
            StoreError::Corrupt(_) => "store_corrupt",
            StoreError::Random(_) => "store_random",
            StoreError::InvalidHashPrefix { .. } => "store_invalid_hash_prefix",
        }
    }
}
