//! Evaluation: per-class precision, recall and F1, the confusion matrix, and recall at a fixed
//! precision for "not normal"; and the deterministic folds for cross-validation.

use serde::{Deserialize, Serialize};

use crate::NORMAL;

/// Precision, recall and F1 of one class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    pub class: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Messages whose true label is this class.
    pub support: usize,
}

/// Recall of "not normal" at the lowest score threshold whose precision reaches `precision`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecallAtPrecision {
    pub precision: f64,
    /// `None` when no threshold reaches the precision.
    pub recall: Option<f64>,
    pub threshold: Option<f32>,
}

/// An evaluation of predictions against true labels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub messages: usize,
    pub classes: Vec<String>,
    pub per_class: Vec<ClassMetrics>,
    /// Mean F1 over the classes with support.
    pub macro_f1: f64,
    pub accuracy: f64,
    /// `confusion[truth][predicted]`, over `classes`.
    pub confusion: Vec<Vec<usize>>,
    /// For "not normal", scored by `1 - P(normal)`.
    pub not_normal: Vec<RecallAtPrecision>,
}

/// Precision levels reported for "not normal".
pub const PRECISION_LEVELS: [f64; 2] = [0.99, 0.999];

/// One scored message: its true class, the predicted class and `1 - P(normal)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub truth: usize,
    pub predicted: usize,
    pub not_normal: f32,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Evaluates scored messages over `classes` (indices into it).
pub fn evaluate(classes: &[String], scored: &[Scored]) -> Report {
    let k = classes.len();
    let mut confusion = vec![vec![0usize; k]; k];
    for s in scored {
        if s.truth < k && s.predicted < k {
            confusion[s.truth][s.predicted] += 1;
        }
    }
    let mut per_class = Vec::with_capacity(k);
    let mut f1_sum = 0.0;
    let mut with_support = 0;
    for (c, class) in classes.iter().enumerate() {
        let tp = confusion[c][c];
        let predicted: usize = (0..k).map(|t| confusion[t][c]).sum();
        let support: usize = confusion[c].iter().sum();
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, support);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        if support > 0 {
            f1_sum += f1;
            with_support += 1;
        }
        per_class.push(ClassMetrics {
            class: class.clone(),
            precision,
            recall,
            f1,
            support,
        });
    }
    let correct: usize = (0..k).map(|c| confusion[c][c]).sum();
    let normal = classes.iter().position(|c| c == NORMAL);
    let positives: Vec<(f32, bool)> = scored
        .iter()
        .map(|s| (s.not_normal, Some(s.truth) != normal))
        .collect();
    Report {
        messages: scored.len(),
        classes: classes.to_vec(),
        per_class,
        macro_f1: if with_support == 0 {
            0.0
        } else {
            f1_sum / with_support as f64
        },
        accuracy: ratio(correct, scored.len()),
        confusion,
        not_normal: PRECISION_LEVELS
            .iter()
            .map(|p| recall_at_precision(&positives, *p))
            .collect(),
    }
}

/// Scans thresholds from the highest score down, and keeps the best recall whose precision
/// reaches the target. Equal scores are taken together: a threshold cannot split them.
pub fn recall_at_precision(scored: &[(f32, bool)], target: f64) -> RecallAtPrecision {
    let mut sorted: Vec<(f32, bool)> = scored
        .iter()
        .copied()
        .filter(|(s, _)| !s.is_nan())
        .collect();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total = sorted.iter().filter(|(_, p)| *p).count();
    let mut best: Option<(f64, f32)> = None;
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < sorted.len() {
        let score = sorted[i].0;
        while i < sorted.len() && sorted[i].0 == score {
            if sorted[i].1 {
                tp += 1
            } else {
                fp += 1
            }
            i += 1;
        }
        if tp > 0 && ratio(tp, tp + fp) >= target {
            let recall = ratio(tp, total);
            if best.is_none_or(|(r, _)| recall > r) {
                best = Some((recall, score));
            }
        }
    }
    RecallAtPrecision {
        precision: target,
        recall: best.map(|b| b.0),
        threshold: best.map(|b| b.1),
    }
}

/// Stratified folds, reproducible by anyone: within each label, in input order, the j-th
/// message goes to fold `j % k`. The bench script under `bench/sms` uses the same rule.
pub fn stratified_folds(labels: &[usize], k: usize) -> Vec<usize> {
    let k = k.max(1);
    let mut seen: Vec<usize> = Vec::new();
    labels
        .iter()
        .map(|&l| {
            if seen.len() <= l {
                seen.resize(l + 1, 0);
            }
            let fold = seen[l] % k;
            seen[l] += 1;
            fold
        })
        .collect()
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = self
            .classes
            .iter()
            .map(String::len)
            .max()
            .unwrap_or(5)
            .max(9);
        writeln!(f, "{:width$}  precision  recall     f1  support", "class")?;
        for m in &self.per_class {
            if m.support == 0
                && self.confusion.iter().all(|row| {
                    row[self.classes.iter().position(|c| *c == m.class).unwrap_or(0)] == 0
                })
            {
                continue;
            }
            writeln!(
                f,
                "{:width$}  {:9.4}  {:6.4}  {:6.4}  {:7}",
                m.class, m.precision, m.recall, m.f1, m.support
            )?;
        }
        writeln!(
            f,
            "{:width$}  macro-F1 {:.4}  accuracy {:.4}  messages {}",
            "", self.macro_f1, self.accuracy, self.messages
        )?;
        for r in &self.not_normal {
            match (r.recall, r.threshold) {
                (Some(recall), Some(t)) => writeln!(
                    f,
                    "not normal: recall {recall:.4} at precision {} (threshold {t:.4})",
                    r.precision
                )?,
                _ => writeln!(
                    f,
                    "not normal: no threshold reaches precision {}",
                    r.precision
                )?,
            }
        }
        writeln!(
            f,
            "confusion (rows: truth, columns: predicted, in the order above)"
        )?;
        let used: Vec<usize> = (0..self.classes.len())
            .filter(|&c| {
                self.per_class[c].support > 0 || self.confusion.iter().any(|row| row[c] > 0)
            })
            .collect();
        for &t in &used {
            write!(f, "{:width$}", self.classes[t])?;
            for &p in &used {
                write!(f, " {:6}", self.confusion[t][p])?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<String> {
        vec!["normal".into(), "spam".into(), "fake_loan_credit".into()]
    }

    #[test]
    fn per_class_metrics_and_confusion() {
        let s = |truth, predicted| Scored {
            truth,
            predicted,
            not_normal: if predicted == 0 { 0.1 } else { 0.9 },
        };
        let scored = [s(0, 0), s(0, 0), s(0, 1), s(1, 1), s(1, 0), s(2, 2)];
        let r = evaluate(&classes(), &scored);
        assert_eq!(
            r.confusion,
            vec![vec![2, 1, 0], vec![1, 1, 0], vec![0, 0, 1]]
        );
        assert!((r.per_class[0].precision - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.per_class[0].recall - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.per_class[1].f1 - 0.5).abs() < 1e-9);
        assert!((r.per_class[2].f1 - 1.0).abs() < 1e-9);
        assert!((r.macro_f1 - (2.0 / 3.0 + 0.5 + 1.0) / 3.0).abs() < 1e-9);
        assert!((r.accuracy - 4.0 / 6.0).abs() < 1e-9);
        let text = r.to_string();
        assert!(text.contains("macro-F1 0.7222"), "{text}");
    }

    #[test]
    fn recall_at_precision_takes_ties_together() {
        let scored = [
            (0.9, true),
            (0.8, true),
            (0.7, false),
            (0.7, true),
            (0.5, true),
        ];
        let r = recall_at_precision(&scored, 0.99);
        assert_eq!(r.recall, Some(0.5));
        assert_eq!(r.threshold, Some(0.8));
        let r = recall_at_precision(&scored, 0.75);
        assert_eq!(r.recall, Some(1.0));
        let none = recall_at_precision(&[(0.9, false), (0.1, true)], 0.99);
        assert_eq!(none.recall, None);
    }

    #[test]
    fn folds_are_stratified_round_robin() {
        let labels = [0, 0, 1, 0, 1, 1, 0, 2];
        assert_eq!(stratified_folds(&labels, 3), vec![0, 1, 0, 2, 1, 2, 0, 0]);
        assert_eq!(stratified_folds(&labels, 1), vec![0; 8]);
    }
}
