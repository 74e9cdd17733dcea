//! Lists and reputation: the in-memory structures the decision path reads, the evidence
//! arithmetic that moves identifiers onto and off the lists, and the plan of each reputation
//! pass (`plan`), which the server applies to its store.
//!
//! Pure: no IO, no threads, no async. Snapshots are built off the request path and then only read.

pub mod derive;
pub mod entry;
pub mod import;
pub mod keytable;
pub mod listfile;
pub mod official;
pub mod plan;
pub mod policy;
pub mod reporters;
pub mod reputation;
pub mod snapshot;
pub mod taxonomy;
