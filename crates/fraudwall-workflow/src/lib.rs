//! Early warning and fund control as state machines held in data: a warning's tier from an
//! explained score (`tier`), its ladder of steps with deadlines and escalation up the unit tree
//! (`warning`), and a freeze request's life from the request to the money's return (`freeze`).
//!
//! Pure: no IO, no clock, no threads. Every operation takes `now`; every state is serde data
//! with a version that each transition increments, so a store can keep it as JSON and refuse a
//! write made from a stale read.

pub mod calendar;
pub mod freeze;
pub mod tier;
pub mod warning;

#[cfg(test)]
mod proptests;

pub use freeze::{
    FreezeAlert, FreezeDraft, FreezeLimits, FreezeRequest, FreezeStatus, Restriction,
};
pub use tier::{Assessment, Reason, Tier, TierConfig, TierInputs, assess};
pub use warning::{
    Action, Closed, Escalation, EscalationKind, Ladder, LadderConfig, Outcome, ParentFn, Step,
    StepSpec, StepStatus, Units, Warning, WarningDraft, WarningStatus,
};

/// Why an operation was refused. Each variant has a stable snake_case code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("the warning is already closed")]
    AlreadyClosed,
    #[error("an outcome is required to close a warning")]
    OutcomeRequired,
    #[error("unknown outcome {0:?}")]
    UnknownOutcome(String),
    #[error("no step {0}")]
    UnknownStep(usize),
    #[error("step {0} has not been triggered")]
    StepNotTriggered(usize),
    #[error("step {0} is already acknowledged")]
    StepAlreadyAcknowledged(usize),
    #[error("the ladder for {0} has no steps")]
    EmptyLadder(&'static str),
    #[error("a deadline must be at least one minute")]
    ZeroDeadline,
    #[error("cannot {action} a freeze request that is {status}")]
    InvalidTransition {
        action: &'static str,
        status: &'static str,
    },
    #[error("the account has had its {0} emergency stop-payments")]
    StopPaymentLimit(u8),
    #[error("amount {amount} is more than the {available} available")]
    AmountTooLarge { amount: u64, available: u64 },
    #[error("an amount must be more than zero")]
    ZeroAmount,
    #[error("a restriction must state its reason and how to appeal")]
    MissingReason,
}

impl WorkflowError {
    pub fn code(&self) -> &'static str {
        match self {
            WorkflowError::AlreadyClosed => "warning_closed",
            WorkflowError::OutcomeRequired => "outcome_required",
            WorkflowError::UnknownOutcome(_) => "outcome_unknown",
            WorkflowError::UnknownStep(_) => "step_not_found",
            WorkflowError::StepNotTriggered(_) => "step_not_triggered",
            WorkflowError::StepAlreadyAcknowledged(_) => "step_already_acknowledged",
            WorkflowError::EmptyLadder(_) => "ladder_empty",
            WorkflowError::ZeroDeadline => "deadline_zero",
            WorkflowError::InvalidTransition { .. } => "freeze_invalid_transition",
            WorkflowError::StopPaymentLimit(_) => "stop_payment_limit",
            WorkflowError::AmountTooLarge { .. } => "amount_too_large",
            WorkflowError::ZeroAmount => "amount_zero",
            WorkflowError::MissingReason => "reason_required",
        }
    }
}
