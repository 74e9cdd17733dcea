//! What a change does to the lists: which entry wins, who may touch official entries, and when
//! a batch makes a new list version. Every store backend asks these functions and carries out
//! the answer with its own writes (find, insert, overwrite, mark removed, record history), so
//! that a second backend implements only those and cannot drift from the first.

use crate::entry::{Attributes, OnExisting, Outcome, Source};

/// The entry a change finds under its identity (list, kind, value).
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    /// A tombstone: removed, kept so that deltas can carry the removal.
    pub removed: bool,
    pub attributes: &'a Attributes,
    /// Changed, or kept as a duplicate, earlier in the same batch. A batch changes an entry at
    /// most once: a later put of the same value in the batch is its duplicate, whatever it asks.
    pub seen_in_batch: bool,
}

/// What a put does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutAction {
    /// A new entry.
    Insert,
    /// The tombstone comes back with the new attributes: an addition, since it was not listed.
    Revive,
    /// The live entry takes the new attributes.
    Update,
    /// The live entry stays as it is.
    Duplicate,
    Forbidden,
}

impl PutAction {
    pub fn outcome(self) -> Outcome {
        match self {
            PutAction::Insert | PutAction::Revive => Outcome::Added,
            PutAction::Update => Outcome::Updated,
            PutAction::Duplicate => Outcome::Duplicate,
            PutAction::Forbidden => Outcome::Forbidden,
        }
    }
}

/// What a removal does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveAction {
    /// The live entry becomes a tombstone.
    Remove,
    /// Nothing live under the identity.
    NotFound,
    Forbidden,
}

impl RemoveAction {
    pub fn outcome(self) -> Outcome {
        match self {
            RemoveAction::Remove => Outcome::Removed,
            RemoveAction::NotFound => Outcome::NotFound,
            RemoveAction::Forbidden => Outcome::Forbidden,
        }
    }
}

/// Whether a writer may write or overwrite an entry with these attributes: official entries
/// (the whitelist of emergency and public-service numbers) only with the right to, which the
/// application gives administrators alone.
pub fn may_touch(attributes: &Attributes, official_allowed: bool) -> bool {
    attributes.source != Source::Official || official_allowed
}

/// What a put of `attributes` does, given what it finds.
pub fn put_action(
    found: Option<Found<'_>>,
    attributes: &Attributes,
    on_existing: OnExisting,
    official_allowed: bool,
) -> PutAction {
    let allowed = may_touch(attributes, official_allowed);
    match found {
        None if allowed => PutAction::Insert,
        None => PutAction::Forbidden,
        Some(tombstone) if tombstone.removed => {
            if allowed {
                PutAction::Revive
            } else {
                PutAction::Forbidden
            }
        }
        Some(live) => {
            // a duplicate is no change, so it is never refused
            if live.seen_in_batch
                || on_existing == OnExisting::Keep
                || live.attributes == attributes
            {
                PutAction::Duplicate
            } else if allowed && may_touch(live.attributes, official_allowed) {
                PutAction::Update
            } else {
                PutAction::Forbidden
            }
        }
    }
}

/// What a removal does, given what it finds.
pub fn remove_action(found: Option<Found<'_>>, official_allowed: bool) -> RemoveAction {
    match found {
        Some(live) if !live.removed => {
            if may_touch(live.attributes, official_allowed) {
                RemoveAction::Remove
            } else {
                RemoveAction::Forbidden
            }
        }
        _ => RemoveAction::NotFound,
    }
}

/// The version a batch's changes are recorded under: one more than the lists' version before
/// it. The lists take it only if the batch changed something (see [`version_after`]).
pub fn batch_version(current: u64) -> u64 {
    current + 1
}

/// The lists' version after a batch: a batch that changed nothing leaves it where it was, so
/// that readers of the change feed see no empty versions.
pub fn version_after(current: u64, changed: bool) -> u64 {
    if changed {
        batch_version(current)
    } else {
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(source: Source) -> Attributes {
        Attributes::new(source)
    }

    fn found(attributes: &Attributes, removed: bool, seen_in_batch: bool) -> Option<Found<'_>> {
        Some(Found {
            removed,
            attributes,
            seen_in_batch,
        })
    }

    #[test]
    fn a_put_inserts_revives_updates_or_keeps() {
        let import = attributes(Source::Import);
        let analyst = attributes(Source::Analyst);
        let replace = OnExisting::Replace;
        let keep = OnExisting::Keep;
        assert_eq!(put_action(None, &import, keep, false), PutAction::Insert);
        let tombstone = found(&analyst, true, false);
        assert_eq!(
            put_action(tombstone, &import, keep, false),
            PutAction::Revive
        );
        let live = found(&analyst, false, false);
        assert_eq!(put_action(live, &import, replace, false), PutAction::Update);
        assert_eq!(put_action(live, &import, keep, false), PutAction::Duplicate);
        // the same attributes change nothing, even asked to replace
        assert_eq!(
            put_action(live, &analyst, replace, false),
            PutAction::Duplicate
        );
        // once per batch: a second put of the value is its duplicate
        let seen = found(&analyst, false, true);
        assert_eq!(
            put_action(seen, &import, replace, false),
            PutAction::Duplicate
        );
    }

    #[test]
    fn official_entries_are_written_and_overwritten_only_with_the_right() {
        let official = attributes(Source::Official);
        let import = attributes(Source::Import);
        let replace = OnExisting::Replace;
        for (allowed, expected) in [(false, PutAction::Forbidden), (true, PutAction::Insert)] {
            assert_eq!(put_action(None, &official, replace, allowed), expected);
        }
        let tombstone = found(&import, true, false);
        assert_eq!(
            put_action(tombstone, &official, replace, false),
            PutAction::Forbidden
        );
        let listed_official = found(&official, false, false);
        assert_eq!(
            put_action(listed_official, &import, replace, false),
            PutAction::Forbidden
        );
        assert_eq!(
            put_action(listed_official, &import, replace, true),
            PutAction::Update
        );
        // a put that would change nothing is a duplicate, not a refusal
        assert_eq!(
            put_action(listed_official, &import, OnExisting::Keep, false),
            PutAction::Duplicate
        );
        let listed = found(&import, false, false);
        assert_eq!(
            put_action(listed, &official, replace, false),
            PutAction::Forbidden
        );
    }

    #[test]
    fn a_removal_needs_a_live_entry_and_the_right_over_it() {
        let official = attributes(Source::Official);
        let import = attributes(Source::Import);
        assert_eq!(remove_action(None, true), RemoveAction::NotFound);
        assert_eq!(
            remove_action(found(&import, true, false), true),
            RemoveAction::NotFound
        );
        assert_eq!(
            remove_action(found(&import, false, false), false),
            RemoveAction::Remove
        );
        assert_eq!(
            remove_action(found(&official, false, false), false),
            RemoveAction::Forbidden
        );
        assert_eq!(
            remove_action(found(&official, false, false), true),
            RemoveAction::Remove
        );
    }

    #[test]
    fn only_a_batch_that_changed_something_makes_a_version() {
        assert_eq!(batch_version(7), 8);
        assert_eq!(version_after(7, true), 8);
        assert_eq!(version_after(7, false), 7);
        for action in [PutAction::Insert, PutAction::Revive, PutAction::Update] {
            assert!(action.outcome().changed());
        }
        for action in [PutAction::Duplicate, PutAction::Forbidden] {
            assert!(!action.outcome().changed());
        }
        assert!(RemoveAction::Remove.outcome().changed());
        assert!(!RemoveAction::NotFound.outcome().changed());
    }
}
