//! How the clusters of filed cases match the gangs behind them: B-cubed precision and recall
//! (Bagga and Baldwin), which weigh every case equally, so one giant wrong cluster cannot hide
//! behind many right small ones.

use std::collections::HashMap;
use std::hash::Hash;

use serde_json::{Value, json};

/// The clusters against the truth.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Linking {
    /// Cases whose gang the truth names.
    pub cases: usize,
    pub clusters: usize,
    pub gangs: usize,
    pub largest: usize,
    pub precision: f64,
    pub recall: f64,
}

impl Linking {
    /// Scores `(cluster, gang)` pairs, one per case.
    pub fn score<C: Eq + Hash + Copy, G: Eq + Hash + Copy>(cases: &[(C, G)]) -> Linking {
        let mut cluster_sizes: HashMap<C, usize> = HashMap::new();
        let mut gang_sizes: HashMap<G, usize> = HashMap::new();
        let mut both: HashMap<(C, G), usize> = HashMap::new();
        for &(cluster, gang) in cases {
            *cluster_sizes.entry(cluster).or_default() += 1;
            *gang_sizes.entry(gang).or_default() += 1;
            *both.entry((cluster, gang)).or_default() += 1;
        }
        let mut precision = 0.0;
        let mut recall = 0.0;
        for &(cluster, gang) in cases {
            let shared = both[&(cluster, gang)] as f64;
            precision += shared / cluster_sizes[&cluster] as f64;
            recall += shared / gang_sizes[&gang] as f64;
        }
        let n = cases.len().max(1) as f64;
        Linking {
            cases: cases.len(),
            clusters: cluster_sizes.len(),
            gangs: gang_sizes.len(),
            largest: cluster_sizes.values().copied().max().unwrap_or(0),
            precision: precision / n,
            recall: recall / n,
        }
    }

    pub fn f1(&self) -> f64 {
        if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        }
    }

    pub fn line(&self) -> String {
        format!(
            "case linking against the gangs: {} cases of {} gangs in {} clusters (largest {}); \
             b-cubed precision {:.1}%, recall {:.1}%, f1 {:.3}",
            self.cases,
            self.gangs,
            self.clusters,
            self.largest,
            self.precision * 100.0,
            self.recall * 100.0,
            self.f1()
        )
    }

    pub fn json(&self) -> Value {
        json!({
            "cases": self.cases, "gangs": self.gangs, "clusters": self.clusters,
            "largest_cluster": self.largest, "bcubed_precision": self.precision,
            "bcubed_recall": self.recall, "f1": self.f1(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_clusters_score_one_and_merged_gangs_lose_precision() {
        let perfect = Linking::score(&[(1, 'a'), (1, 'a'), (2, 'b')]);
        assert_eq!((perfect.precision, perfect.recall), (1.0, 1.0));
        // two gangs of two in one cluster: each case shares its cluster with one of its own
        // among four
        let merged = Linking::score(&[(1, 'a'), (1, 'a'), (1, 'b'), (1, 'b')]);
        assert_eq!(merged.precision, 0.5);
        assert_eq!(merged.recall, 1.0);
        // every case alone: precision is whole, recall is one over the gang's size
        let split = Linking::score(&[(1, 'a'), (2, 'a'), (3, 'a'), (4, 'b')]);
        assert_eq!(split.precision, 1.0);
        assert!((split.recall - (3.0 * (1.0 / 3.0) + 1.0) / 4.0).abs() < 1e-12);
        assert_eq!(split.clusters, 4);
        assert_eq!(split.largest, 1);
    }
}
