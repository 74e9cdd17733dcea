//! Fund control's pure core: a victim's money followed hop by hop through the transfer records.
//!
//! A transfer counts only if it was made after the money reached the paying account, and it
//! carries no more of the victim's money than the attribution rule gives it: first in first
//! out (the default), last in first out, proportional (the haircut), or poison (everything the
//! account pays out afterwards). What each account still holds at the end is where a freeze
//! can still recover it.
//!
//! No IO: the records come through [`Ledger`], in memory or from the contact index.

mod holdings;
pub mod ledger;
pub mod records;
pub mod trace;

pub use ledger::{Ledger, MemoryLedger, Transfer};
pub use records::IndexLedger;
pub use trace::{DEFAULT_DEPTH, Held, Hop, Payment, Trace, TraceParams, trace};

/// How much of an account's outgoing transfer is the victim's money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Rule {
    /// The money that came in first leaves first.
    #[default]
    Fifo,
    /// The money that came in last leaves first: the pass-through a mule does at once.
    Lifo,
    /// Every payment carries the victim's share of the balance.
    Proportional,
    /// Everything the account pays out after the victim's money arrived is followed.
    Poison,
}

impl Rule {
    pub const ALL: [Rule; 4] = [Rule::Fifo, Rule::Lifo, Rule::Proportional, Rule::Poison];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Fifo => "fifo",
            Rule::Lifo => "lifo",
            Rule::Proportional => "proportional",
            Rule::Poison => "poison",
        }
    }
}

/// A rule name that is none of fifo, lifo, proportional or poison.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown attribution rule {0:?}: fifo, lifo, proportional or poison")]
pub struct UnknownRule(pub String);

impl std::str::FromStr for Rule {
    type Err = UnknownRule;

    fn from_str(text: &str) -> Result<Rule, UnknownRule> {
        Rule::ALL
            .into_iter()
            .find(|rule| rule.as_str() == text)
            .ok_or_else(|| UnknownRule(text.to_owned()))
    }
}

#[cfg(test)]
mod tests;
