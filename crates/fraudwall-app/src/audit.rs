//! Writing the audit log: every administrative change and every read of personal data goes
//! through [`record`], so the log's shape is decided in one place.

use ed25519_dalek::VerifyingKey;
use fraudwall_store::{AuditEntry, AuditEvent, AuditReport, AuditStore, StoreError};

use crate::error::AppError;
use crate::principal::Principal;
use crate::witness::{self, Checkpoint, WitnessReport};

/// Appends what `principal` did to `resource`, with structured detail.
pub fn record<S: AuditStore + ?Sized>(
    store: &S,
    principal: &Principal,
    action: &str,
    resource: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    store.append_audit(&event(principal, action, resource, detail))?;
    Ok(())
}

/// The audit row of what `principal` did, for a store write that commits it with the change.
pub fn event(
    principal: &Principal,
    action: &str,
    resource: &str,
    detail: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        actor: principal.actor(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        detail: detail.to_string(),
    }
}

/// Entries after `after`, oldest first. Reading the log is itself audited.
pub fn entries(
    store: &dyn AuditStore,
    principal: &Principal,
    after: u64,
    limit: usize,
) -> Result<Vec<AuditEntry>, AppError> {
    let entries = store.audit_entries(after, limit)?;
    record(
        store,
        principal,
        "audit.read",
        "audit_log",
        serde_json::json!({"after": after, "returned": entries.len()}),
    )?;
    Ok(entries)
}

/// The chain recomputed, and the log checked against its signed checkpoints when a key to
/// check them with is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub chain: AuditReport,
    pub checkpoints: Option<WitnessReport>,
}

impl Verification {
    /// The chain is whole and holds every entry a checkpoint signed.
    pub fn holds(&self) -> bool {
        self.chain.is_intact() && self.checkpoints.as_ref().is_none_or(WitnessReport::holds)
    }
}

/// Recomputes the chain and checks the log against `checkpoints`, signed by `key`.
pub fn verify(
    store: &dyn AuditStore,
    checkpoints: &[Checkpoint],
    key: Option<&VerifyingKey>,
) -> Result<Verification, AppError> {
    let chain = store.verify_audit()?;
    let checkpoints = key
        .map(|key| witness::check(store, checkpoints, key))
        .transpose()?;
    Ok(Verification { chain, checkpoints })
}
