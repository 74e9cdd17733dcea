//! The decision engine: normalized events in, verdicts with reasons and versions out.
//!
//! Pure and lock-free: a decision reads one immutable snapshot and returns. The engine that
//! holds list snapshots and rule sets grows here; until lists are loaded every event is allowed
//! with the reason `no_lists_loaded`.

mod decision;
mod event;

pub use decision::{Decision, Reason, Verdict, Versions};
pub use event::{AppUse, Attestation, Call, Event, Sms, Transfer, UrlVisit};

/// Decides on events against the snapshot it was built with.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    lists_version: u64,
}

impl Engine {
    /// An engine with no lists loaded.
    pub fn empty() -> Engine {
        Engine::default()
    }

    pub fn versions(&self) -> Versions {
        Versions {
            lists: self.lists_version,
            rules: "builtin-0",
            model: "none",
        }
    }

    pub fn decide(&self, event: &Event) -> Decision {
        let _ = event;
        Decision {
            verdict: Verdict::Allow,
            risk: 0.0,
            reasons: vec![Reason {
                code: "no_lists_loaded",
                detail: "no lists are loaded, so nothing can match".to_owned(),
            }],
            versions: self.versions(),
        }
    }
}
