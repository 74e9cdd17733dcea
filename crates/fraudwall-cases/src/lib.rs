//! Clues and cases linked into gangs: postings from every identifier to the cases that name
//! it, clusters kept with union-find and undone by cuts, cluster summaries, and leads up the
//! chain (hubs, mule accounts, card dealers).
//!
//! Pure: no IO, no threads, no async. The caller persists cases and cuts in its store and
//! replays them into a [`Linker`] on start.

mod index;
pub mod key;
pub mod leads;
pub mod linker;
pub mod summary;

pub use key::{HolderPeriods, LinkKey};
pub use leads::{DealerLead, MuleLead};
pub use linker::{
    CaseInput, CaseIx, ClusterCounts, Link, LinkError, Linker, Occurrence, Posting, Role,
};
pub use summary::ClusterSummary;

#[cfg(test)]
mod tests;
