//! The application layer: fraudwall's use cases between the pure domain crates and the
//! adapters (the HTTP server, the command line). Every use case receives a [`Principal`] and
//! writes the audit log itself; background work runs on one [`jobs::JobRunner`].
//!
//! **Architecture invariant:** no HTTP, no SQL, no JSON wire types, nothing async. The store is
//! reached through its traits only; adapters reach the store only through this crate.

pub mod activity;
pub mod app;
pub mod audit;
pub mod cards;
pub mod cases;
pub mod clues;
pub mod conviction;
pub mod error;
pub mod evidence;
pub mod export;
pub mod funds;
mod instances;
pub mod jobs;
pub mod leads;
pub mod limits;
pub mod lists;
pub mod principal;
pub mod ratelimit;
pub mod recent;
pub mod registry;
pub mod reputation;
pub mod rules;
pub mod screening;
pub mod setup;
pub mod sharing;
pub mod snapshots;
pub mod telemetry;
pub mod tokens;
pub mod verification;
pub mod warnings;
pub mod witness;

pub use app::{App, ClueLimits, Settings};
pub use error::{AppError, ErrorKind, FieldError};
pub use fraudwall_records::{ContactIndex, MemoryIndex};
pub use principal::{Owner, Principal, Scope};

/// The store's records and names the adapters show, re-exported so that adapters depend on this
/// crate alone for them.
pub mod records {
    pub use fraudwall_store::{
        AuditEntry, AuditReport, CaseIdentifier, CaseRecord, CaseVersion, ChainBreak, ChangeCursor,
        ClueKind, ClueRecord, ClueStatus, EvidenceClass, HashMatch, HistoryRecord, NewToken,
        OffsetDateTime, Role, SqliteStore, Store, StoreError, TokenRecord, UnknownClueKind,
        UnknownClueStatus, UnknownEvidenceClass, UnknownRole,
    };
}
