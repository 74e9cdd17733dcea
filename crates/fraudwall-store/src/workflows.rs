//! Running workflow instances: warnings on their ladders and freeze requests on their
//! deadlines. The store keeps each instance's state as the workflow crate serializes it, with
//! the columns the queries need beside it (who may see it, its status, its next deadline);
//! every change is checked against the version read.

use time::OffsetDateTime;

/// Which workflow an instance runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkflowKind {
    Warning,
    Freeze,
    /// A bank asked to re-verify the holder of an account with mule patterns.
    Verification,
}

impl WorkflowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowKind::Warning => "warning",
            WorkflowKind::Freeze => "freeze",
            WorkflowKind::Verification => "verification",
        }
    }
}

/// An instance about to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkflow {
    pub kind: WorkflowKind,
    /// What makes it one instance: starting the same one twice finds the first.
    pub fingerprint: String,
    pub case_id: Option<i64>,
    /// The subscriber warned, or the account to freeze.
    pub subject: String,
    /// Who may see it: a territory (warnings) or an organisation (a bank's requests).
    pub territory: Option<String>,
    pub org: Option<String>,
    /// The warning's tier; none for freeze requests.
    pub tier: Option<String>,
    pub status: String,
    /// The earliest running deadline; none once nothing waits.
    pub due_at: Option<OffsetDateTime>,
    /// The instance's state, as JSON.
    pub state: String,
}

/// A stored instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRecord {
    pub id: i64,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub workflow: NewWorkflow,
}

/// Which instances to list, oldest first from after `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowFilter {
    pub kind: WorkflowKind,
    pub case_id: Option<i64>,
    /// Territories that start with this code (a station's own and the units under it).
    pub territory_prefix: Option<String>,
    pub org: Option<String>,
    /// `open` means any status but closed ones; otherwise the exact status.
    pub status: Option<String>,
    pub after: i64,
    pub limit: usize,
}

/// A change to an instance after a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowUpdate {
    pub status: String,
    pub due_at: Option<OffsetDateTime>,
    pub state: String,
}

/// Statuses an instance ends in: `open` lists every other.
pub const ENDED_STATUSES: [&str; 9] = [
    "closed",
    "verified",
    "failed",
    "released",
    "returned",
    "returned_to_victim",
    "rejected",
    "expired",
    "lifted",
];
