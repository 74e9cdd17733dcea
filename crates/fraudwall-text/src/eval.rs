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
    deal(labels, k, 0..labels.len())
}

/// The folds of repetition `repetition` of a repeated cross-validation. Repetition 0 is
/// [`stratified_folds`]; any other deals each label's messages round robin as that does, but
/// in the order of `splitmix64(repetition << 32 | row)` (ties by row) instead of input order.
/// One split of a few hundred messages of a class moves its F1 by several thousandths, so a
/// figure worth comparing is a mean over repetitions.
pub fn repeated_stratified_folds(labels: &[usize], k: usize, repetition: u32) -> Vec<usize> {
    if repetition == 0 {
        return stratified_folds(labels, k);
    }
    let mut order: Vec<(u64, usize)> = (0..labels.len())
        .map(|row| (splitmix64(u64::from(repetition) << 32 | row as u64), row))
        .collect();
    order.sort_unstable();
    deal(labels, k, order.into_iter().map(|(_, row)| row))
}

/// Deals the rows, in the given order, round robin into `k` folds within each label.
fn deal(labels: &[usize], k: usize, order: impl Iterator<Item = usize>) -> Vec<usize> {
    let k = k.max(1);
    let mut seen: Vec<usize> = Vec::new();
    let mut folds = vec![0; labels.len()];
    for row in order {
        let l = labels[row];
        if seen.len() <= l {
            seen.resize(l + 1, 0);
        }
        folds[row] = seen[l] % k;
        seen[l] += 1;
    }
    folds
}

/// SplitMix64's output function (Steele, Lea, Flood 2014): a fixed, well-known mix that a
/// script in any language can reproduce.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A figure over the repetitions of a repeated cross-validation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    /// Sample standard deviation; 0 for a single repetition.
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: &[f64]) -> Spread {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = if values.len() > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        Spread {
            mean,
            sd,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// Per-class F1 over repetitions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassSpread {
    pub class: String,
    pub f1: Spread,
}

/// Recall of "not normal" at one precision over repetitions; a repetition where no threshold
/// reaches the precision counts as recall 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecallSpread {
    pub precision: f64,
    pub recall: Spread,
}

/// Means and spreads of the reports of a repeated cross-validation, one report per repetition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub repetitions: usize,
    /// The classes with support, in report order.
    pub per_class: Vec<ClassSpread>,
    pub macro_f1: Spread,
    pub accuracy: Spread,
    pub not_normal: Vec<RecallSpread>,
}

/// Summarizes reports over the same classes; `None` for no reports.
pub fn summarize(reports: &[Report]) -> Option<Summary> {
    let first = reports.first()?;
    let over = |f: &dyn Fn(&Report) -> f64| Spread::of(&reports.iter().map(f).collect::<Vec<_>>());
    let per_class = first
        .per_class
        .iter()
        .enumerate()
        .filter(|(_, m)| m.support > 0)
        .map(|(c, m)| ClassSpread {
            class: m.class.clone(),
            f1: over(&|r| r.per_class.get(c).map_or(0.0, |m| m.f1)),
        })
        .collect();
    let not_normal = first
        .not_normal
        .iter()
        .enumerate()
        .map(|(i, level)| RecallSpread {
            precision: level.precision,
            recall: over(&|r| r.not_normal.get(i).and_then(|x| x.recall).unwrap_or(0.0)),
        })
        .collect();
    Some(Summary {
        repetitions: reports.len(),
        per_class,
        macro_f1: over(&|r| r.macro_f1),
        accuracy: over(&|r| r.accuracy),
        not_normal,
    })
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rows: Vec<(String, &Spread)> = self
            .per_class
            .iter()
            .map(|c| (c.class.clone(), &c.f1))
            .collect();
        rows.push(("macro-F1".into(), &self.macro_f1));
        rows.push(("accuracy".into(), &self.accuracy));
        for r in &self.not_normal {
            rows.push((
                format!("not normal: recall at precision {}", r.precision),
                &r.recall,
            ));
        }
        let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(5);
        writeln!(f, "{:width$}    mean      sd     min     max", "F1")?;
        for (name, s) in rows {
            writeln!(
                f,
                "{name:width$}  {:6.4}  {:6.4}  {:6.4}  {:6.4}",
                s.mean, s.sd, s.min, s.max
            )?;
        }
        Ok(())
    }
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

    #[test]
    fn summary_spreads_over_repetitions() {
        let classes = classes();
        let scored = |wrong: usize| -> Vec<Scored> {
            (0..10)
                .map(|i| Scored {
                    truth: usize::from(i >= 5),
                    predicted: if i < wrong { 1 } else { usize::from(i >= 5) },
                    not_normal: if i >= 5 { 0.9 } else { 0.1 },
                })
                .collect()
        };
        let reports = [
            evaluate(&classes, &scored(0)),
            evaluate(&classes, &scored(2)),
        ];
        let summary = summarize(&reports).expect("two reports");
        assert_eq!(summary.repetitions, 2);
        // the class without support is left out
        let names: Vec<&str> = summary.per_class.iter().map(|c| c.class.as_str()).collect();
        assert_eq!(names, ["normal", "spam"]);
        let spam = summary.per_class[1].f1;
        assert_eq!(spam.max, 1.0);
        assert!((spam.min - 2.0 * 5.0 / 12.0).abs() < 1e-12, "{spam:?}");
        assert!((spam.mean - (1.0 + spam.min) / 2.0).abs() < 1e-12);
        assert!((spam.sd - (1.0 - spam.min) / 2f64.sqrt()).abs() < 1e-12);
        assert_eq!(summary.accuracy.min, 0.8);
        assert_eq!(summary.not_normal[0].recall.mean, 1.0);
        assert!(summarize(&[]).is_none());
        let text = summary.to_string();
        assert!(text.contains("macro-F1"), "{text}");
    }

    #[test]
    fn repeated_folds_stay_stratified_and_differ() {
        let labels: Vec<usize> = (0..300).map(|i| usize::from(i % 7 == 0)).collect();
        assert_eq!(
            repeated_stratified_folds(&labels, 5, 0),
            stratified_folds(&labels, 5)
        );
        // the first value of the mix, as published with SplitMix64
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
        let one = repeated_stratified_folds(&labels, 5, 1);
        let two = repeated_stratified_folds(&labels, 5, 2);
        assert_ne!(one, two);
        assert_ne!(one, stratified_folds(&labels, 5));
        assert_eq!(one, repeated_stratified_folds(&labels, 5, 1));
        for folds in [&one, &two] {
            for label in 0..2 {
                let mut per_fold = [0usize; 5];
                for (f, _) in folds.iter().zip(&labels).filter(|(_, l)| **l == label) {
                    per_fold[*f] += 1;
                }
                let (lo, hi) = (per_fold.iter().min(), per_fold.iter().max());
                assert!(hi.unwrap() - lo.unwrap() <= 1, "{per_fold:?}");
            }
        }
    }
}
