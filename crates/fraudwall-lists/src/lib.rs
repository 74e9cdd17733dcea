//! Lists and reputation: the in-memory structures the decision path reads, and the evidence
//! arithmetic that moves identifiers onto and off the lists.
//!
//! Pure: no IO, no threads, no async. Snapshots are built off the request path and then only read.

pub mod derive;
pub mod entry;
pub mod import;
pub mod keytable;
pub mod listfile;
pub mod official;
pub mod reputation;
pub mod snapshot;
