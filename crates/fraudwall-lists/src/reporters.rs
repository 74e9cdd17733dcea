//! Citizens' reports, weighed by the reporter's record.
//!
//! Anyone can get a reporter's token or post anonymously, so a citizen's report is worth what
//! the reporter's past reports turned out to be worth. Analysts review clues: each confirmed
//! one raises the reporter's weight, each refuted one lowers it. The weight is Laplace's rule
//! of succession, `(confirmed + 1) / (confirmed + refuted + 2)`: a fresh reporter starts at one
//! half, and the first refutation already lowers it (a Wilson bound with a floor would not move
//! until the reporter had sunk below the floor).
//!
//! Citizens who have not proven themselves are *pooled*: all of them together are one source
//! for the list thresholds, however many tokens or addresses they come from. Since every list
//! needs at least two distinct sources, a crowd of fresh reporters can never list a number
//! alone, and neither can one reporter with a thousand reports. A *proven* reporter (at least
//! two confirmed clues and a good share) is a source of their own; a *discredited* one (mostly
//! refuted) weighs nothing. Institutions (operators, banks, analysts) answer for what they send
//! and count in full, each token its own source.
//!
//! Standings are applied when a reputation pass reads the evidence, not when it is recorded,
//! so a later confirmation reweighs everything the reporter said before.

/// The evidence source of a citizen's token is this prefix and the token's id.
pub const CITIZEN_PREFIX: &str = "reporter:";
/// The evidence source of every anonymous report, whatever address it came from: addresses
/// are not kept, and an address proves nothing about who reports.
pub const ANONYMOUS: &str = "public";
/// The one source all unproven citizens count as.
pub const CITIZENS: &str = "citizens";

/// Confirmed clues a reporter needs before counting as a source of their own.
pub const PROVEN_MIN_CONFIRMED: u32 = 2;
/// The weight a reporter needs to count as proven: two confirmed with at most one refuted.
pub const PROVEN_MIN_WEIGHT: f64 = 0.6;
/// What an anonymous report weighs: a fresh reporter's weight, always.
pub const ANONYMOUS_WEIGHT: f64 = 0.5;

/// A reporter's reviewed clues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Record {
    pub confirmed: u32,
    pub refuted: u32,
}

/// Where a reporter stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// Mostly refuted: weighs nothing.
    Discredited,
    /// New, or not yet confirmed often enough: pooled with every other unproven citizen.
    Unproven,
    /// Confirmed often enough: a source of their own.
    Proven,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Discredited => "discredited",
            Standing::Unproven => "unproven",
            Standing::Proven => "proven",
        }
    }
}

impl Record {
    /// Discredited once at least two clues were refuted and more than twice as many as were
    /// confirmed: one mistake does not silence a reporter, a habit does.
    fn discredited(self) -> bool {
        self.refuted >= 2 && u64::from(self.refuted) > 2 * u64::from(self.confirmed)
    }

    /// How much one of the reporter's reports counts, 0 to 1. Never falls as confirmations
    /// grow, never rises as refutations grow.
    pub fn weight(self) -> f64 {
        if self.discredited() {
            return 0.0;
        }
        let confirmed = f64::from(self.confirmed);
        let refuted = f64::from(self.refuted);
        (confirmed + 1.0) / (confirmed + refuted + 2.0)
    }

    pub fn standing(self) -> Standing {
        if self.discredited() {
            Standing::Discredited
        } else if self.confirmed >= PROVEN_MIN_CONFIRMED && self.weight() >= PROVEN_MIN_WEIGHT {
            Standing::Proven
        } else {
            Standing::Unproven
        }
    }
}

/// Whether evidence from `source` is a citizen's (a reporter's token or an anonymous report).
pub fn is_citizen(source: &str) -> bool {
    source == ANONYMOUS || source.starts_with(CITIZEN_PREFIX)
}

/// The source a pass counts evidence from `source` under, and its weight. `record` is the
/// reporter's record, if it has one; only citizens' records are read.
pub fn weigh(source: &str, record: Option<Record>) -> (&str, f64) {
    if source == ANONYMOUS {
        return (CITIZENS, ANONYMOUS_WEIGHT);
    }
    if !source.starts_with(CITIZEN_PREFIX) {
        return (source, 1.0);
    }
    let record = record.unwrap_or_default();
    match record.standing() {
        Standing::Proven => (source, record.weight()),
        Standing::Unproven | Standing::Discredited => (CITIZENS, record.weight()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record(confirmed: u32, refuted: u32) -> Record {
        Record { confirmed, refuted }
    }

    #[test]
    fn a_fresh_reporter_weighs_half_and_is_pooled() {
        assert_eq!(record(0, 0).weight(), 0.5);
        assert_eq!(record(0, 0).standing(), Standing::Unproven);
        assert_eq!(weigh("reporter:7", None), (CITIZENS, 0.5));
        assert_eq!(weigh(ANONYMOUS, Some(record(50, 0))), (CITIZENS, 0.5));
    }

    #[test]
    fn confirmations_prove_a_reporter_and_refutations_discredit_one() {
        assert!(record(0, 1).weight() < record(0, 0).weight());
        assert_eq!(record(1, 0).standing(), Standing::Unproven);
        assert_eq!(record(2, 0).standing(), Standing::Proven);
        assert_eq!(record(2, 0).weight(), 0.75);
        assert_eq!(record(2, 1).standing(), Standing::Proven);
        assert_eq!(record(2, 2).standing(), Standing::Unproven);
        assert_eq!(record(0, 1).standing(), Standing::Unproven);
        assert_eq!(record(0, 2).standing(), Standing::Discredited);
        assert_eq!(record(3, 7).weight(), 0.0);
        assert_eq!(
            weigh("reporter:7", Some(record(2, 0))),
            ("reporter:7", 0.75)
        );
        assert_eq!(weigh("reporter:7", Some(record(0, 2))), (CITIZENS, 0.0));
    }

    #[test]
    fn institutions_count_in_full_as_themselves() {
        assert_eq!(weigh("token:3", Some(record(0, 9))), ("token:3", 1.0));
        assert!(!is_citizen("token:3"));
        assert!(is_citizen("reporter:3"));
        assert!(is_citizen(ANONYMOUS));
    }

    proptest! {
        #[test]
        fn the_weight_is_in_range_and_moves_the_right_way(c in 0u32..10_000, r in 0u32..10_000) {
            let w = record(c, r).weight();
            prop_assert!((0.0..=1.0).contains(&w));
            prop_assert!(record(c + 1, r).weight() >= w);
            prop_assert!(record(c, r + 1).weight() <= w);
            prop_assert!(record(c + 1, r).standing() >= record(c, r).standing());
            prop_assert!(record(c, r + 1).standing() <= record(c, r).standing());
        }
    }
}
