//! The storage boundary of fraudwall.
//!
//! [`Store`] is the one interface the rest of the system uses for durable state: API tokens,
//! the tamper-evident audit log, configuration, the black, gray and white lists with their
//! history, the evidence reputation is computed from, victims' cases, and clues with their
//! reporters' records. [`SqliteStore`] implements it on an
//! embedded SQLite database; a PostgreSQL implementation will sit behind the same trait. This
//! crate is the only one that knows SQL.

mod audit;
mod cards;
mod cases;
mod clues;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
mod evidence;
mod lists;
mod registry;
mod sqlite;
mod time_text;
mod token;
mod workflows;

pub use audit::{AuditEntry, AuditEvent, AuditReport, ChainBreak, GENESIS_HASH};
pub use cards::CardRecord;
pub use cases::{CaseIdentifier, CaseProgress, CaseRecord, CaseVersion, LinkCut, NewCase};
pub use clues::{
    ClueFilter, ClueKind, ClueRecord, ClueReview, ClueStatus, ClueSubmitted, NewClue,
    ReporterRecord, UnknownClueKind, UnknownClueStatus,
};
pub use error::StoreError;
pub use evidence::{EvidenceClass, EvidenceRecord, NewEvidence, UnknownEvidenceClass};
pub use lists::{Applied, ChangeCursor, EntryFilter, Expired, HashMatch, HistoryRecord, LiveRow};
pub use registry::{SubscriberRecord, UnitRecord};
pub use sqlite::SqliteStore;
pub use token::{NewToken, Role, TokenHash, TokenRecord, UnknownRole, mint_token};
pub use workflows::{
    ENDED_STATUSES, NewWorkflow, WorkflowFilter, WorkflowKind, WorkflowRecord, WorkflowUpdate,
};

use fraudwall_lists::entry::{Change, Entry, Kind, List, Outcome};
pub use time::OffsetDateTime;

/// Durable state behind fraudwall: the union of the per-area stores. Implementations serialize
/// writes through one writer and are safe to share between threads; callers on an async runtime
/// run these methods off the reactor (they block on disk).
///
/// Each area is its own trait so that a use case asks for no more than it needs and a second
/// backend can be written, and checked by the conformance suite, area by area. Policy (which
/// entry wins, who may touch official entries, how versions are numbered) is decided above the
/// backend's primitives, never inside one backend's SQL alone.
pub trait Store:
    TokenStore
    + AuditStore
    + ConfigStore
    + ListStore
    + EvidenceStore
    + CaseStore
    + ClueStore
    + CardStore
    + WorkflowStore
    + RegistryStore
{
}

impl<T> Store for T where
    T: TokenStore
        + AuditStore
        + ConfigStore
        + ListStore
        + EvidenceStore
        + CaseStore
        + ClueStore
        + CardStore
        + WorkflowStore
        + RegistryStore
{
}

/// API tokens, kept only as hashes.
pub trait TokenStore: Send + Sync + 'static {
    /// Persists a token by its hash; the clear token is never stored.
    fn create_token(&self, token: &NewToken, hash: &TokenHash) -> Result<TokenRecord, StoreError>;
    /// All tokens, revoked ones included, for building the in-memory authentication index.
    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;
    /// One token by its hash, revoked or not: how a token created by another process is found
    /// before the in-memory index has caught up.
    fn token_by_hash(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError>;
    /// Marks a token revoked; returns false when no such active token exists.
    fn revoke_token(&self, id: i64) -> Result<bool, StoreError>;
    /// A counter that grows whenever any token is created or revoked, so readers can tell cheaply
    /// whether their index is stale.
    fn tokens_generation(&self) -> Result<u64, StoreError>;
}

/// The hash-chained audit log.
pub trait AuditStore: Send + Sync + 'static {
    /// Appends an event to the hash-chained audit log and returns the sealed entry.
    fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry, StoreError>;
    /// Entries with a sequence number greater than `after_seq`, oldest first.
    fn audit_entries(&self, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>, StoreError>;
    /// Recomputes the whole chain and reports the first break, if any.
    fn verify_audit(&self) -> Result<AuditReport, StoreError>;
    /// The last entry's sequence number and hash, as recorded apart from the entries; none
    /// while the log is empty.
    fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>, StoreError>;
    /// The entry with sequence number `seq`, if the log holds it.
    fn audit_entry(&self, seq: u64) -> Result<Option<AuditEntry>, StoreError> {
        Ok(self
            .audit_entries(seq.saturating_sub(1), 1)?
            .into_iter()
            .find(|entry| entry.seq == seq))
    }
}

/// Small named settings that must survive a restart (the active rule set, seeding marks).
pub trait ConfigStore: Send + Sync + 'static {
    fn config_get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn config_set(&self, key: &str, value: &str) -> Result<(), StoreError>;
}

/// The black, gray and white lists, their history and their change feed.
pub trait ListStore: Send + Sync + 'static {
    /// Applies a batch of list changes in one transaction and returns one outcome per change.
    ///
    /// When anything changed, the list version goes up by exactly one and every changed entry
    /// carries the new version, so a whole import is one version; otherwise it stays. A put of
    /// a listed entry is a duplicate unless it asks to replace different attributes; a put of
    /// a removed entry revives it; a value put twice in one batch is a duplicate the second
    /// time. Unless `allow_official`, a change that would create, modify or remove an entry
    /// whose source is official (before or after) is forbidden and changes nothing. Every change
    /// is recorded in the entry's history under `author`.
    fn apply_list_changes(
        &self,
        changes: &[Change],
        author: &str,
        allow_official: bool,
    ) -> Result<Applied, StoreError>;
    /// Applies one batch of list changes handed over in chunks, exactly as
    /// [`apply_list_changes`](ListStore::apply_list_changes) would apply their concatenation: one
    /// transaction, at most one new list version, the same outcomes and history. Each chunk
    /// comes back to `applied` with its outcomes, in order, as soon as they are known, so that
    /// a caller importing millions of entries holds one chunk at a time. The outcomes stand
    /// only if the call returns `Ok`; on an error nothing is applied. Returns the list version
    /// after the batch.
    ///
    /// `audit` makes the audit row of the batch from the version after it; the row commits with
    /// the batch or neither does.
    fn apply_list_change_chunks(
        &self,
        chunks: &mut dyn Iterator<Item = Vec<Change>>,
        author: &str,
        allow_official: bool,
        applied: &mut dyn FnMut(Vec<Change>, Vec<Outcome>),
        audit: &mut dyn FnMut(u64) -> AuditEvent,
    ) -> Result<u64, StoreError>;
    /// [`apply_list_changes`](ListStore::apply_list_changes) with the batch's audit row, made
    /// by `audit` from the outcome and committed with the batch: a change is never stored
    /// without its audit row, nor an audit row without its change.
    fn apply_audited_list_changes(
        &self,
        changes: &[Change],
        author: &str,
        allow_official: bool,
        audit: &mut dyn FnMut(&Applied) -> AuditEvent,
    ) -> Result<Applied, StoreError>;
    /// The list version: the number of batches that changed the lists.
    fn list_version(&self) -> Result<u64, StoreError>;
    /// Live, unexpired entries per list and kind, to size in-memory tables before a build.
    fn list_counts(&self) -> Result<Vec<(List, Kind, u64)>, StoreError>;
    /// Streams every live entry that has not expired by `now` to `visit`, from one snapshot,
    /// and returns that snapshot's list version. This is the rebuild path of the in-memory
    /// tables.
    fn scan_live_entries(
        &self,
        now: OffsetDateTime,
        visit: &mut dyn FnMut(&LiveRow<'_>),
    ) -> Result<u64, StoreError>;
    /// The change feed: entries, tombstones included, after `cursor` in (version, id) order, at
    /// most `limit` of them. A page may end inside a version; continue with
    /// [`ChangeCursor::after`] of its last entry.
    fn list_changes(&self, cursor: ChangeCursor, limit: usize) -> Result<Vec<Entry>, StoreError>;
    /// One entry, live or a tombstone, by its identity.
    fn list_entry(&self, list: List, kind: Kind, value: &str) -> Result<Option<Entry>, StoreError>;
    /// Entries matching `filter` with an id above `after_id`, by id, at most `limit` of them;
    /// for export and listing.
    fn list_entries(
        &self,
        filter: &EntryFilter,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError>;
    /// Every recorded change of one entry, oldest first.
    fn list_history(&self, entry_id: i64) -> Result<Vec<HistoryRecord>, StoreError>;
    /// Turns the live entries whose expiry is at or before `now` into tombstones, recorded as
    /// `expire` in their history, in one new list version if any expired.
    fn expire_list_entries(&self, now: OffsetDateTime) -> Result<Expired, StoreError>;
    /// Live black and gray entries, unexpired at `now`, whose lookup hash starts with `prefix`
    /// (1 to 32 bytes), by hash, at most `limit` of them: the lookup that lets a phone check a
    /// number or URL without revealing it.
    fn lookup_by_hash_prefix(
        &self,
        prefix: &[u8],
        now: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<HashMatch>, StoreError>;
}

/// Observations about identifiers, append-only, that reputation is computed from.
pub trait EvidenceStore: Send + Sync + 'static {
    /// Records observations, all or none.
    fn append_evidence(&self, records: &[NewEvidence]) -> Result<(), StoreError>;
    /// Every observation about one identifier, oldest first.
    fn evidence_for(&self, kind: Kind, key: u64) -> Result<Vec<EvidenceRecord>, StoreError>;
    /// Streams every observation made at or after `since`, oldest first, from one snapshot.
    fn scan_evidence(
        &self,
        since: OffsetDateTime,
        visit: &mut dyn FnMut(&EvidenceRecord),
    ) -> Result<(), StoreError>;
}

/// Running workflow instances (warnings, freeze requests), each changed only from the version
/// read.
pub trait WorkflowStore: Send + Sync + 'static {
    /// Starts an instance unless one with the same kind and fingerprint exists; returns it and
    /// whether it is new.
    fn insert_workflow(
        &self,
        workflow: &NewWorkflow,
        now: OffsetDateTime,
    ) -> Result<(WorkflowRecord, bool), StoreError>;
    fn workflow(&self, id: i64) -> Result<Option<WorkflowRecord>, StoreError>;
    fn workflows(&self, filter: &WorkflowFilter) -> Result<Vec<WorkflowRecord>, StoreError>;
    /// Records a transition if the instance is still at `expected_version`; `None` if not.
    fn update_workflow(
        &self,
        id: i64,
        expected_version: i64,
        update: &WorkflowUpdate,
        now: OffsetDateTime,
    ) -> Result<Option<WorkflowRecord>, StoreError>;
    /// Instances of `kind` whose next deadline is at or before `now`, earliest first.
    fn due_workflows(
        &self,
        kind: WorkflowKind,
        now: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<WorkflowRecord>, StoreError>;
}

/// The subscriber registry and the jurisdiction tree.
pub trait RegistryStore: Send + Sync + 'static {
    /// Records subscribers; a number already known is replaced. Returns rows written.
    fn put_subscribers(&self, rows: &[SubscriberRecord]) -> Result<usize, StoreError>;
    /// The registry rows of these numbers; numbers not registered are left out.
    fn subscribers(&self, keys: &[u64]) -> Result<Vec<SubscriberRecord>, StoreError>;
    /// Subscribers whose territory starts with `territory_prefix`, by key after `after_key`.
    fn subscribers_in(
        &self,
        territory_prefix: &str,
        after_key: u64,
        limit: usize,
    ) -> Result<Vec<SubscriberRecord>, StoreError>;
    fn subscriber_count(&self) -> Result<u64, StoreError>;
    /// Records units; a code already known is replaced.
    fn put_units(&self, units: &[UnitRecord]) -> Result<usize, StoreError>;
    fn units(&self) -> Result<Vec<UnitRecord>, StoreError>;
}

/// Who holds each phone and bank card, as operators and banks report it.
pub trait CardStore: Send + Sync + 'static {
    /// Records holder periods; a period already known (same card, same start) is replaced.
    /// Returns how many rows were written.
    fn put_cards(&self, cards: &[CardRecord]) -> Result<usize, StoreError>;
    /// Every holder period of these cards, each card's oldest first.
    fn cards_of(&self, kind: Kind, keys: &[u64]) -> Result<Vec<CardRecord>, StoreError>;
    /// The cards first activated in `device`.
    fn cards_by_device(&self, device: &str) -> Result<Vec<CardRecord>, StoreError>;
    fn card_count(&self) -> Result<u64, StoreError>;
}

/// Victims' cases, the identifiers they name, their versions, and cuts of wrong links.
pub trait CaseStore: Send + Sync + 'static {
    /// Files a case with its identifiers, unless a case with the same fingerprint exists;
    /// returns the case and whether it is new.
    fn insert_case(
        &self,
        case: &NewCase,
        now: OffsetDateTime,
    ) -> Result<(CaseRecord, bool), StoreError>;
    fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError>;
    /// The cases with these ids that exist, in the order given.
    fn cases(&self, ids: &[i64]) -> Result<Vec<CaseRecord>, StoreError>;
    /// Records a case's progress if it is still at `expected_version`; `None` if it is not.
    fn update_case(
        &self,
        id: i64,
        expected_version: i64,
        progress: &CaseProgress,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<Option<CaseRecord>, StoreError>;
    /// Every version of a case's progress, oldest first.
    fn case_versions(&self, id: i64) -> Result<Vec<CaseVersion>, StoreError>;
    fn case_identifiers(&self, id: i64) -> Result<Vec<CaseIdentifier>, StoreError>;
    /// Every case with its identifiers, in id order, from one snapshot.
    fn scan_cases(
        &self,
        visit: &mut dyn FnMut(&CaseRecord, &[CaseIdentifier]),
    ) -> Result<(), StoreError>;
    /// Records a cut; false if that cut exists already.
    fn add_link_cut(&self, cut: &LinkCut) -> Result<bool, StoreError>;
    /// Undoes a cut; false if there was none.
    fn remove_link_cut(&self, case_id: i64, link_key: u64) -> Result<bool, StoreError>;
    fn link_cuts(&self) -> Result<Vec<LinkCut>, StoreError>;
}

/// Clues, one per reporter and identifier, and the reporters' reviewed records.
pub trait ClueStore: Send + Sync + 'static {
    /// Stores a report: a new clue, or merged into the same reporter's clue of the same kind
    /// about the same identifier, whose count grows, whose last time moves on, whose missing
    /// text or fraud type is filled in, and whose status stays. A reporter seen for the first
    /// time gets a record. With `evidence`, appends it in the same transaction and sets the
    /// clue's evidence time to the report's.
    fn submit_clue(
        &self,
        clue: &NewClue,
        evidence: Option<&NewEvidence>,
    ) -> Result<ClueSubmitted, StoreError>;
    fn clue(&self, id: i64) -> Result<Option<ClueRecord>, StoreError>;
    /// The reporter's clue of `kind` about one identifier, if any.
    fn reporter_clue(
        &self,
        reporter: &str,
        kind: ClueKind,
        id_kind: Kind,
        key: u64,
    ) -> Result<Option<ClueRecord>, StoreError>;
    /// Every clue about one identifier, by id.
    fn clues_about(&self, id_kind: Kind, key: u64) -> Result<Vec<ClueRecord>, StoreError>;
    /// How many clues about one identifier, from reporters of one of `roles`, last became
    /// evidence at or after `since`.
    fn count_clue_evidence(
        &self,
        id_kind: Kind,
        key: u64,
        since: OffsetDateTime,
        roles: &[&str],
    ) -> Result<u64, StoreError>;
    /// Clues matching `filter` with an id above `after_id`, by id, at most `limit` of them.
    fn clues(
        &self,
        filter: &ClueFilter,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<ClueRecord>, StoreError>;
    /// Records a verdict (confirmed or refuted) on a clue still pending or needing review,
    /// counts it in its reporter's record, and appends `evidence`, in one transaction. `None`
    /// when there is no such clue or it was reviewed already.
    fn review_clue(
        &self,
        id: i64,
        review: &ClueReview,
        evidence: Option<&NewEvidence>,
    ) -> Result<Option<ClueRecord>, StoreError>;
    fn reporter(&self, source: &str) -> Result<Option<ReporterRecord>, StoreError>;
    /// Every reporter with at least one reviewed clue, by source.
    fn reporter_standings(&self) -> Result<Vec<ReporterRecord>, StoreError>;
}
