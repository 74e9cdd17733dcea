//! The decision engine: normalized events in, verdicts with reasons and versions out.
//!
//! Pure and lock-free: a decision reads one immutable list snapshot and one rule set, and
//! returns. Rules are data ([`RuleSet`], TOML or JSON) written against named [`Signal`]s that the
//! engine raises by looking the event's identifiers up. A [`DryRun`] replays events through a
//! candidate rule set beside the one in force, to show what replacing it would change.

mod decision;
mod dry_run;
mod engine;
mod event;
mod ruleset;
mod screening;
mod signals;

pub use decision::{Decision, MatchedEntry, Reason, Verdict, Versions};
pub use dry_run::{ChangedDecision, DryRun, Transition};
pub use engine::{Engine, Evaluation, Scratch};
pub use event::{AppUse, Attestation, Call, Event, Sender, Sms, Transfer, UrlVisit};
pub use ruleset::{DEFAULT_RULES, EventKind, Risk, Rule, RuleSet, RulesError, RulesFormat};
pub use screening::{PayeeFlags, Screening, flag};
pub use signals::{Measure, PartyFact, Role, Signal, Signals, Standing};
