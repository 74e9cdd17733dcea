//! What every workflow's use cases do with its stored instances: keep the state as JSON, read
//! every instance a filter matches page by page, and write a new state only over the version
//! read.

use fraudwall_store::{Store, WorkflowFilter, WorkflowRecord, WorkflowUpdate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::error::{AppError, ErrorKind};

/// The state as the store keeps it.
pub(crate) fn to_json<T: Serialize>(state: &T) -> Result<String, AppError> {
    serde_json::to_string(state).map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))
}

/// The state of a stored instance; `what` names it in the error (`warning`, `freeze request`).
pub(crate) fn state_of<T: DeserializeOwned>(
    record: &WorkflowRecord,
    what: &str,
) -> Result<T, AppError> {
    serde_json::from_str(&record.workflow.state).map_err(|e| {
        AppError::new(
            ErrorKind::Internal,
            format!("{what} {} state: {e}", record.id),
        )
    })
}

/// Calls `each` with every instance `filter` matches, from its `after` on, oldest first.
pub(crate) fn for_each(
    store: &dyn Store,
    mut filter: WorkflowFilter,
    mut each: impl FnMut(WorkflowRecord) -> Result<(), AppError>,
) -> Result<(), AppError> {
    loop {
        let page = store.workflows(&filter)?;
        let full = page.len() == filter.limit;
        for record in page {
            filter.after = record.id;
            each(record)?;
        }
        if !full {
            return Ok(());
        }
    }
}

/// Writes an instance's new state, refused with `conflict` when it changed since `record` was
/// read.
pub(crate) fn save(
    store: &dyn Store,
    record: &WorkflowRecord,
    update: &WorkflowUpdate,
    what: &str,
    now: OffsetDateTime,
) -> Result<WorkflowRecord, AppError> {
    store
        .update_workflow(record.id, record.version, update, now)?
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::Conflict,
                format!("{what} {} changed since it was read", record.id),
            )
        })
}
