//! What the store hands back about the lists: results of a batch of changes, cursors and
//! filters for reading entries, history records, and the borrowed rows of a rebuild scan.
//! The entries themselves are the domain types of `fraudwall_lists::entry`.

use fraudwall_lists::entry::{Kind, List, Outcome, Severity, Source};
use time::OffsetDateTime;

/// The result of one batch of list changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The list version after the batch: one more than before when anything changed, unchanged
    /// otherwise. Every row the batch changed carries it.
    pub version: u64,
    /// One outcome per change, in the order the changes were given.
    pub outcomes: Vec<Outcome>,
}

impl Applied {
    /// How many changes altered the lists.
    pub fn changed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.changed()).count()
    }
}

/// The result of expiring entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expired {
    /// The list version after expiry; unchanged when nothing expired.
    pub version: u64,
    /// How many live entries became tombstones.
    pub count: u64,
}

/// Where a reader of the change feed stands. The feed is ordered by (version, id); a whole
/// import is one version, so a page may end inside a version and the next continues after the
/// last id seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChangeCursor {
    /// The last version fully or partly seen; 0 reads everything.
    pub since: u64,
    /// The last id seen inside version `since`, when the previous page ended inside it.
    pub after_id: Option<i64>,
}

impl ChangeCursor {
    /// Everything changed after `version`.
    pub fn since(version: u64) -> ChangeCursor {
        ChangeCursor {
            since: version,
            after_id: None,
        }
    }

    /// The cursor that continues after an entry of a page.
    pub fn after(version: u64, id: i64) -> ChangeCursor {
        ChangeCursor {
            since: version,
            after_id: Some(id),
        }
    }
}

/// Which entries a listing returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntryFilter {
    pub list: Option<List>,
    pub kind: Option<Kind>,
    /// Tombstones too (an export for replication wants them, a listing for people does not).
    pub include_removed: bool,
}

/// One change of one entry, as kept in its append-only history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRecord {
    pub entry_id: i64,
    /// The list version the change belongs to.
    pub version: u64,
    pub time: OffsetDateTime,
    pub actor: String,
    /// `add`, `update`, `remove` or `expire`.
    pub action: String,
    /// The attributes as JSON before the change (`source`, `confidence`, `severity`, and
    /// `fraud_type`, `expires_at`, `evidence`, `note` when present); none when the entry was
    /// not listed.
    pub before: Option<String>,
    /// The attributes as JSON after the change; none when the change took the entry off.
    pub after: Option<String>,
}

/// A live entry as the rebuild scan sees it: just what an in-memory table needs, borrowed from
/// the database row so that ten million of them cost no allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveRow<'a> {
    pub list: List,
    pub kind: Kind,
    pub key: u64,
    pub source: Source,
    pub severity: Severity,
    pub confidence: f32,
    pub fraud_type: Option<&'a str>,
    /// The canonical value (URL entries mark their host from it).
    pub value: &'a str,
}

/// A black or gray entry found by a prefix of its lookup hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashMatch {
    pub hash: [u8; 32],
    pub list: List,
    pub kind: Kind,
    pub fraud_type: Option<String>,
}
