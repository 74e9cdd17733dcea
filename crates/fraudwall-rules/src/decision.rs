//! What the engine answers.

use std::borrow::Cow;
use std::fmt;

use fraudwall_lists::entry::{Kind, List, Source};

/// What the operator or bank should do with the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Let it through.
    Allow,
    /// Let it through, but warn the subscriber ("suspected fraud").
    Warn,
    /// Stop it (a call, an SMS, a page, an app).
    Block,
    /// Hold a transfer for verification.
    Hold,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Warn => "warn",
            Verdict::Block => "block",
            Verdict::Hold => "hold",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One machine-readable reason behind a verdict. Borrowed from the engine that decided, so
/// that a decision costs no allocation unless something matched an entry worth naming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason<'e> {
    /// Stable snake_case code, such as `caller_blacklisted`.
    pub code: &'e str,
    /// Human-readable specifics (which list, which entry, which rule).
    pub detail: Cow<'e, str>,
    /// The rule that produced the reason.
    pub rule: &'e str,
    /// For a reason that rests on a list entry: the entry. Built from the snapshot and the
    /// event alone, only when a rule that reads a listing holds.
    pub entry: Option<MatchedEntry>,
}

/// The list entry a reason rests on: its list, its identifier as the store spells it (kind and
/// canonical value: `+8613800138000`, `evil.example`, `evil.example/login/`, `+86170123456*`)
/// and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedEntry {
    pub list: List,
    pub kind: Kind,
    pub value: String,
    pub source: Source,
}

/// The versions of everything a decision was made with, so that any verdict can be explained
/// and reproduced later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions<'e> {
    /// The list snapshot; 0 means nothing was ever listed.
    pub lists: u64,
    /// The rule set's version.
    pub rules: &'e str,
    /// The text model's version, or `none`.
    pub model: &'e str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision<'e> {
    pub verdict: Verdict,
    /// 0 (no risk seen) to 1 (certain fraud).
    pub risk: f32,
    pub reasons: Vec<Reason<'e>>,
    pub versions: Versions<'e>,
}
