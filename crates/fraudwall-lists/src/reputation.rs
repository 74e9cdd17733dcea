//! Evidence that fades: reports and sightings raise an identifier's standing, time lowers it.
//!
//! Two clocks run at once. *Heat* has a short half-life and says how active a number is right
//! now; *evidence* has a long half-life and says how sure we are that it is used for fraud.
//! Confidence is the Wilson lower bound of the fraud share among all decayed evidence (fraud
//! reports against benign signals), so a handful of reports weighs less than many.
//!
//! Guards against malicious reporting: a source's repeated reports count geometrically less
//! (the k-th report of one source weighs 2^-k), so one source contributes at most twice a single
//! report; and every list threshold also needs a minimum number of distinct recent sources.
//! One reporter, or a burst from one source, can therefore never list a number alone.
//!
//! An observation may carry a weight below one (a citizen whose reports are weighed by their
//! record, see `crate::reporters`): it scales what the observation adds, and a weight of zero
//! adds nothing, not even a source.

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

/// A sum of weights, each decaying with a half-life, kept as one value and the time it was
/// last brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Decaying {
    value: f64,
    at: Timestamp,
}

fn decay_factor(elapsed: i64, half_life_s: f64) -> f64 {
    if elapsed <= 0 {
        1.0
    } else {
        (-(elapsed as f64) / half_life_s * std::f64::consts::LN_2).exp()
    }
}

impl Decaying {
    /// Adds `weight` at time `at`. Evidence older than the last update still decays from its own
    /// time, so out-of-order arrivals add up to the same total.
    pub fn add(&mut self, weight: f64, at: Timestamp, half_life_s: f64) {
        if at >= self.at {
            self.value = self.value * decay_factor(at - self.at, half_life_s) + weight;
            self.at = at;
        } else {
            self.value += weight * decay_factor(self.at - at, half_life_s);
        }
    }

    /// The decayed sum as seen at `now`.
    pub fn value_at(&self, now: Timestamp, half_life_s: f64) -> f64 {
        self.value * decay_factor(now - self.at, half_life_s)
    }
}

/// Wilson score interval's lower bound for `positive` successes out of `total` trials, with
/// `z` standard deviations (1.96 for 95%). Accepts fractional (decayed) counts.
pub fn wilson_lower_bound(positive: f64, total: f64, z: f64) -> f64 {
    if total <= 0.0 {
        return 0.0;
    }
    let p = (positive / total).clamp(0.0, 1.0);
    let z2 = z * z;
    let centre = p + z2 / (2.0 * total);
    let margin = z * ((p * (1.0 - p) + z2 / (4.0 * total)) / total).sqrt();
    ((centre - margin) / (1.0 + z2 / total)).max(0.0)
}

/// Where evidence puts an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    Unlisted,
    Gray,
    Black,
}

/// What it takes to reach a list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// Minimum Wilson lower bound of the fraud share.
    pub confidence: f64,
    /// Minimum decayed fraud evidence.
    pub evidence: f64,
    /// Minimum distinct sources seen within the evidence half-life.
    pub sources: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    pub heat_half_life_s: f64,
    pub evidence_half_life_s: f64,
    pub z: f64,
    pub gray: Threshold,
    pub black: Threshold,
    /// Leaving a list takes falling below its threshold by this factor, so that a number near
    /// the line does not flap on and off.
    pub hysteresis: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            heat_half_life_s: 3.0 * 86_400.0,
            evidence_half_life_s: 90.0 * 86_400.0,
            z: 1.96,
            // With no benign evidence the bound is n / (n + z^2): 2 reports give 0.34, 5 give
            // 0.57, 10 give 0.72; benign signals pull it down from there.
            gray: Threshold {
                confidence: 0.3,
                evidence: 2.0,
                sources: 2,
            },
            black: Threshold {
                confidence: 0.55,
                evidence: 5.0,
                sources: 3,
            },
            hysteresis: 0.8,
        }
    }
}

/// One kind of evidence about an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// A report or sighting saying it is used for fraud.
    Fraud,
    /// A signal that it is legitimate (an appeal upheld, a verified business, "not fraud"
    /// feedback from a callee).
    Benign,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct SourceSeen {
    source: u64,
    last: Timestamp,
    /// Reports from this source, decayed like evidence.
    reports: Decaying,
}

/// The reputation of one identifier.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reputation {
    fraud: Decaying,
    benign: Decaying,
    heat: Decaying,
    sources: Vec<SourceSeen>,
    standing: Option<Standing>,
}

/// A reputation as seen at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessment {
    pub standing: Standing,
    pub confidence: f64,
    pub fraud_evidence: f64,
    pub heat: f64,
    pub sources: usize,
}

impl Reputation {
    /// Sets the remembered standing that the hysteresis starts from. A reputation rebuilt from
    /// stored evidence does not know where the identifier stood before; without this, a listed
    /// number near the line would be judged as if it had never been listed and fall off early.
    pub fn set_standing(&mut self, standing: Option<Standing>) {
        self.standing = standing;
    }

    /// Records evidence from `source` (a reporter's id, an operator's id) at time `at`.
    pub fn record(&mut self, evidence: Evidence, source: u64, at: Timestamp, policy: &Policy) {
        self.record_weighted(evidence, source, at, 1.0, policy);
    }

    /// [`record`](Reputation::record) for an observation that counts `weight` (0 to 1) of a
    /// full one. The damping of a source's repeated reports counts reports, not weight, so a
    /// light source is damped as fast as a full one.
    pub fn record_weighted(
        &mut self,
        evidence: Evidence,
        source: u64,
        at: Timestamp,
        weight: f64,
        policy: &Policy,
    ) {
        // NaN is not above zero either: a weight that means nothing adds nothing
        if weight.is_nan() || weight <= 0.0 {
            return;
        }
        let scale = weight.min(1.0);
        let half_life = policy.evidence_half_life_s;
        match evidence {
            Evidence::Fraud => {
                let earlier = match self.sources.iter_mut().find(|s| s.source == source) {
                    Some(seen) => {
                        let earlier = seen.reports.value_at(at, half_life);
                        seen.reports.add(1.0, at, half_life);
                        seen.last = seen.last.max(at);
                        earlier
                    }
                    None => {
                        let mut reports = Decaying::default();
                        reports.add(1.0, at, half_life);
                        self.sources.push(SourceSeen {
                            source,
                            last: at,
                            reports,
                        });
                        0.0
                    }
                };
                let weight = scale * 0.5f64.powf(earlier);
                self.fraud.add(weight, at, half_life);
                self.heat.add(weight, at, policy.heat_half_life_s);
            }
            Evidence::Benign => self.benign.add(scale, at, half_life),
        }
    }

    /// Where the evidence stands at `now`, and updates the remembered standing (which the
    /// hysteresis depends on).
    pub fn assess(&mut self, now: Timestamp, policy: &Policy) -> Assessment {
        let half_life = policy.evidence_half_life_s;
        // Sources unseen for several half-lives no longer count and are forgotten.
        let horizon = now - (4.0 * half_life) as i64;
        self.sources.retain(|s| s.last >= horizon);
        let fraud = self.fraud.value_at(now, half_life);
        let benign = self.benign.value_at(now, half_life);
        let confidence = wilson_lower_bound(fraud, fraud + benign, policy.z);
        let recent = now - half_life as i64;
        let sources = self.sources.iter().filter(|s| s.last >= recent).count();
        let meets = |threshold: &Threshold, factor: f64| {
            confidence >= threshold.confidence * factor
                && fraud >= threshold.evidence * factor
                && sources >= threshold.sources
        };
        let previous = self.standing.unwrap_or(Standing::Unlisted);
        let stays = |standing: Standing, threshold: &Threshold| {
            if previous >= standing {
                meets(threshold, policy.hysteresis)
            } else {
                meets(threshold, 1.0)
            }
        };
        let standing = if stays(Standing::Black, &policy.black) {
            Standing::Black
        } else if stays(Standing::Gray, &policy.gray) {
            Standing::Gray
        } else {
            Standing::Unlisted
        };
        self.standing = Some(standing);
        Assessment {
            standing,
            confidence,
            fraud_evidence: fraud,
            heat: self.heat.value_at(now, policy.heat_half_life_s),
            sources,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 86_400;

    #[test]
    fn a_weight_halves_every_half_life() {
        let mut d = Decaying::default();
        d.add(8.0, 0, DAY as f64);
        assert!((d.value_at(DAY, DAY as f64) - 4.0).abs() < 1e-9);
        assert!((d.value_at(3 * DAY, DAY as f64) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn out_of_order_evidence_sums_the_same() {
        let h = 10.0 * DAY as f64;
        let mut in_order = Decaying::default();
        in_order.add(1.0, 0, h);
        in_order.add(1.0, 5 * DAY, h);
        let mut reversed = Decaying::default();
        reversed.add(1.0, 5 * DAY, h);
        reversed.add(1.0, 0, h);
        let now = 9 * DAY;
        assert!((in_order.value_at(now, h) - reversed.value_at(now, h)).abs() < 1e-9);
    }

    #[test]
    fn wilson_matches_known_values() {
        // 0 of 0: nothing known
        assert_eq!(wilson_lower_bound(0.0, 0.0, 1.96), 0.0);
        // 1 of 1 is weak evidence; 100 of 100 is strong
        assert!((wilson_lower_bound(1.0, 1.0, 1.96) - 0.2065).abs() < 1e-3);
        assert!((wilson_lower_bound(100.0, 100.0, 1.96) - 0.9630).abs() < 1e-3);
        // 50 of 100
        assert!((wilson_lower_bound(50.0, 100.0, 1.96) - 0.4038).abs() < 1e-3);
    }

    #[test]
    fn one_reporter_can_never_blacklist_alone() {
        let policy = Policy::default();
        let mut rep = Reputation::default();
        for i in 0..10_000 {
            rep.record(Evidence::Fraud, 7, i, &policy);
        }
        let seen = rep.assess(10_000, &policy);
        assert_eq!(seen.standing, Standing::Unlisted);
        assert!(seen.fraud_evidence <= 2.0 + 1e-9, "{seen:?}");
    }

    #[test]
    fn independent_reporters_list_a_number_and_time_delists_it() {
        let policy = Policy::default();
        let mut rep = Reputation::default();
        for source in 0..3 {
            rep.record(Evidence::Fraud, source, source as i64 * 60, &policy);
        }
        assert_eq!(rep.assess(DAY, &policy).standing, Standing::Gray);
        for source in 3..10 {
            rep.record(Evidence::Fraud, source, DAY + source as i64 * 60, &policy);
        }
        assert_eq!(rep.assess(2 * DAY, &policy).standing, Standing::Black);
        // a year later the evidence has faded
        assert_eq!(rep.assess(400 * DAY, &policy).standing, Standing::Unlisted);
    }

    #[test]
    fn benign_evidence_lowers_confidence() {
        let policy = Policy::default();
        let mut rep = Reputation::default();
        for source in 0..10 {
            rep.record(Evidence::Fraud, source, 0, &policy);
        }
        assert_eq!(rep.assess(0, &policy).standing, Standing::Black);
        for _ in 0..40 {
            rep.record(Evidence::Benign, 0, 0, &policy);
        }
        assert_eq!(rep.assess(0, &policy).standing, Standing::Unlisted);
    }

    #[test]
    fn hysteresis_keeps_a_listed_number_near_the_line() {
        let policy = Policy::default();
        let mut rep = Reputation::default();
        for source in 0..5 {
            rep.record(Evidence::Fraud, source, 0, &policy);
        }
        assert_eq!(rep.assess(0, &policy).standing, Standing::Black);
        // evidence of 5 decays below the black threshold of 5 immediately, but stays above 4
        let later = (policy.evidence_half_life_s * 0.2) as i64;
        assert_eq!(rep.assess(later, &policy).standing, Standing::Black);
        let mut fresh = Reputation::default();
        for source in 0..5 {
            fresh.record(Evidence::Fraud, source, 0, &policy);
        }
        // a number that was never listed does not enter at the lowered level
        assert_eq!(fresh.standing, None);
        assert_ne!(fresh.assess(later, &policy).standing, Standing::Black);
    }

    #[test]
    fn a_full_weight_is_the_unweighted_record_and_a_zero_weight_is_nothing() {
        let policy = Policy::default();
        let mut plain = Reputation::default();
        let mut weighted = Reputation::default();
        let mut nothing = Reputation::default();
        for source in 0..4 {
            plain.record(Evidence::Fraud, source, 60 * source as i64, &policy);
            weighted.record_weighted(Evidence::Fraud, source, 60 * source as i64, 1.0, &policy);
            nothing.record_weighted(Evidence::Fraud, source, 60 * source as i64, 0.0, &policy);
        }
        assert_eq!(plain, weighted);
        let seen = nothing.assess(DAY, &policy);
        assert_eq!((seen.sources, seen.fraud_evidence), (0, 0.0));
        assert_eq!(seen.standing, Standing::Unlisted);
    }

    #[test]
    fn a_light_source_adds_its_share_and_stays_damped() {
        let policy = Policy::default();
        let mut rep = Reputation::default();
        for i in 0..1_000 {
            rep.record_weighted(Evidence::Fraud, 1, i, 0.5, &policy);
        }
        let seen = rep.assess(1_000, &policy);
        assert_eq!(seen.sources, 1);
        assert!(seen.fraud_evidence <= 1.0 + 1e-9, "{seen:?}");
    }

    proptest! {
        #[test]
        fn wilson_is_a_lower_bound_in_range(pos in 0.0f64..1e6, extra in 0.0f64..1e6) {
            let total = pos + extra;
            let bound = wilson_lower_bound(pos, total, 1.96);
            prop_assert!((0.0..=1.0).contains(&bound));
            if total > 0.0 {
                prop_assert!(bound <= pos / total + 1e-12);
            }
        }

        #[test]
        fn more_sources_never_lower_the_standing(n in 1u64..30) {
            let policy = Policy::default();
            let mut fewer = Reputation::default();
            let mut more = Reputation::default();
            for s in 0..n {
                fewer.record(Evidence::Fraud, s, 0, &policy);
                more.record(Evidence::Fraud, s, 0, &policy);
            }
            more.record(Evidence::Fraud, 1_000, 0, &policy);
            prop_assert!(more.assess(0, &policy).standing >= fewer.assess(0, &policy).standing);
        }
    }
}
