//! Multi-class linear models over hashed sparse features, and their training.
//!
//! Weights are dense per class over the hash buckets: with hashing the feature space is fixed,
//! so no vocabulary is needed, and a row of the training matrix touches only its own buckets.

use serde::{Deserialize, Serialize};

/// Sparse rows, compressed (CSR).
#[derive(Clone, Debug, Default)]
pub(crate) struct Matrix {
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl Matrix {
    pub fn new() -> Self {
        Matrix {
            indptr: vec![0],
            ..Default::default()
        }
    }

    pub fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn push_row(&mut self, indices: impl IntoIterator<Item = (u32, f32)>) {
        for (i, v) in indices {
            self.indices.push(i);
            self.values.push(v);
        }
        self.indptr.push(self.indices.len());
    }

    #[inline]
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }
}

/// Which learner, with its regularization.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Learner {
    /// Multinomial naive Bayes with additive smoothing `alpha`.
    NaiveBayes { alpha: f32 },
    /// One-vs-rest linear SVM (squared hinge loss, L2 penalty `1 / c`), trained by dual
    /// coordinate descent as in LIBLINEAR.
    LinearSvm { c: f32 },
    /// Multinomial logistic regression (softmax), L2 penalty `l2`, trained by SGD with AdaGrad.
    Logistic { l2: f32, epochs: u16 },
}

impl std::fmt::Display for Learner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Learner::NaiveBayes { alpha } => write!(f, "naive_bayes(alpha={alpha})"),
            Learner::LinearSvm { c } => write!(f, "linear_svm(c={c})"),
            Learner::Logistic { l2, epochs } => write!(f, "logistic(l2={l2}, epochs={epochs})"),
        }
    }
}

/// Class-major weights: `w[class * buckets + bucket]`.
#[derive(Clone, Debug)]
pub(crate) struct Weights {
    pub classes: usize,
    pub buckets: usize,
    pub w: Vec<f32>,
    pub bias: Vec<f32>,
}

impl Weights {
    fn zeros(classes: usize, buckets: usize) -> Self {
        Weights {
            classes,
            buckets,
            w: vec![0.0; classes * buckets],
            bias: vec![0.0; classes],
        }
    }

    pub fn scores(&self, indices: &[u32], values: &[f32], out: &mut [f32]) {
        for (c, o) in out.iter_mut().enumerate() {
            let w = &self.w[c * self.buckets..(c + 1) * self.buckets];
            let mut s = self.bias[c];
            for (&i, &v) in indices.iter().zip(values) {
                s += w[i as usize] * v;
            }
            *o = s;
        }
    }
}

/// Small, fast and reproducible: training must give the same model on every machine.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

pub(crate) fn train(
    learner: Learner,
    x: &Matrix,
    y: &[u16],
    classes: usize,
    buckets: usize,
    seed: u64,
) -> Weights {
    match learner {
        Learner::NaiveBayes { alpha } => naive_bayes(x, y, classes, buckets, alpha),
        Learner::LinearSvm { c } => linear_svm(x, y, classes, buckets, c, seed),
        Learner::Logistic { l2, epochs } => logistic(x, y, classes, buckets, l2, epochs, seed),
    }
}

fn naive_bayes(x: &Matrix, y: &[u16], classes: usize, buckets: usize, alpha: f32) -> Weights {
    let mut counts = vec![0f64; classes * buckets];
    let mut totals = vec![0f64; classes];
    let mut docs = vec![0usize; classes];
    for (r, &label) in y.iter().enumerate() {
        let c = label as usize;
        docs[c] += 1;
        let (idx, val) = x.row(r);
        for (&i, &v) in idx.iter().zip(val) {
            counts[c * buckets + i as usize] += f64::from(v);
            totals[c] += f64::from(v);
        }
    }
    let alpha = f64::from(alpha.max(1e-6));
    let mut weights = Weights::zeros(classes, buckets);
    let n: usize = docs.iter().sum();
    for c in 0..classes {
        let denominator = (totals[c] + alpha * buckets as f64).ln();
        for b in 0..buckets {
            weights.w[c * buckets + b] =
                ((counts[c * buckets + b] + alpha).ln() - denominator) as f32;
        }
        weights.bias[c] = ((docs[c] as f64 + 1.0) / (n as f64 + classes as f64)).ln() as f32;
    }
    // A constant added to one bucket in every class changes no decision, so each bucket is
    // centred. Buckets no training message had get no weight at all: like a vocabulary that
    // drops unknown words, and it keeps the model file sparse.
    for b in 0..buckets {
        let seen = (0..classes).any(|c| counts[c * buckets + b] > 0.0);
        let mean = (0..classes)
            .map(|c| weights.w[c * buckets + b])
            .sum::<f32>()
            / classes as f32;
        for c in 0..classes {
            let w = &mut weights.w[c * buckets + b];
            *w = if seen { *w - mean } else { 0.0 };
        }
    }
    weights
}

/// Squared-hinge one-vs-rest SVM by dual coordinate descent (Hsieh et al. 2008, LIBLINEAR's
/// `-s 1`), with the bias as a regularized constant feature.
fn linear_svm(x: &Matrix, y: &[u16], classes: usize, buckets: usize, c: f32, seed: u64) -> Weights {
    const EPSILON: f64 = 0.1;
    const MAX_EPOCHS: usize = 300;
    let n = x.rows();
    let mut weights = Weights::zeros(classes, buckets);
    let diag = 0.5 / f64::from(c);
    let qd: Vec<f64> = (0..n)
        .map(|r| {
            let (_, val) = x.row(r);
            diag + 1.0
                + val
                    .iter()
                    .map(|v| f64::from(*v) * f64::from(*v))
                    .sum::<f64>()
        })
        .collect();
    let mut rng = SplitMix::new(seed);
    let mut order: Vec<usize> = (0..n).collect();
    let mut alpha = vec![0f64; n];
    for class in 0..classes {
        let w = &mut weights.w[class * buckets..(class + 1) * buckets];
        let mut bias = 0f64;
        alpha.iter_mut().for_each(|a| *a = 0.0);
        for _ in 0..MAX_EPOCHS {
            rng.shuffle(&mut order);
            let (mut max_pg, mut min_pg) = (f64::NEG_INFINITY, f64::INFINITY);
            for &r in &order {
                let yi = if y[r] as usize == class { 1.0 } else { -1.0 };
                let (idx, val) = x.row(r);
                let mut dot = bias;
                for (&i, &v) in idx.iter().zip(val) {
                    dot += f64::from(w[i as usize]) * f64::from(v);
                }
                let g = yi * dot - 1.0 + diag * alpha[r];
                let pg = if alpha[r] == 0.0 { g.min(0.0) } else { g };
                max_pg = max_pg.max(pg);
                min_pg = min_pg.min(pg);
                if pg.abs() > 1e-12 {
                    let old = alpha[r];
                    alpha[r] = (old - g / qd[r]).max(0.0);
                    let d = (alpha[r] - old) * yi;
                    for (&i, &v) in idx.iter().zip(val) {
                        w[i as usize] += (d * f64::from(v)) as f32;
                    }
                    bias += d;
                }
            }
            if max_pg - min_pg <= EPSILON {
                break;
            }
        }
        weights.bias[class] = bias as f32;
    }
    weights
}

/// Softmax regression by SGD with per-coordinate AdaGrad steps and lazy L2 shrinkage.
fn logistic(
    x: &Matrix,
    y: &[u16],
    classes: usize,
    buckets: usize,
    l2: f32,
    epochs: u16,
    seed: u64,
) -> Weights {
    const RATE: f32 = 0.5;
    let n = x.rows();
    let mut weights = Weights::zeros(classes, buckets);
    let mut g2 = vec![1e-6f32; classes * buckets];
    let mut gb2 = vec![1e-6f32; classes];
    let mut rng = SplitMix::new(seed);
    let mut order: Vec<usize> = (0..n).collect();
    let mut scores = vec![0f32; classes];
    // the penalty per example, so `l2` means the same whatever the data size
    let decay = l2 / n.max(1) as f32;
    for _ in 0..epochs {
        rng.shuffle(&mut order);
        for &r in &order {
            let (idx, val) = x.row(r);
            weights.scores(idx, val, &mut scores);
            softmax_in_place(&mut scores);
            for (c, p) in scores.iter().enumerate() {
                let err = p - if y[r] as usize == c { 1.0 } else { 0.0 };
                let w = &mut weights.w[c * buckets..(c + 1) * buckets];
                let acc = &mut g2[c * buckets..(c + 1) * buckets];
                for (&i, &v) in idx.iter().zip(val) {
                    let i = i as usize;
                    let g = err * v + decay * w[i];
                    acc[i] += g * g;
                    w[i] -= RATE * g / acc[i].sqrt();
                }
                gb2[c] += err * err;
                weights.bias[c] -= RATE * err / gb2[c].sqrt();
            }
        }
    }
    weights
}

pub(crate) fn softmax_in_place(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    if sum > 0.0 && sum.is_finite() {
        scores.iter_mut().for_each(|s| *s /= sum);
    } else {
        let uniform = 1.0 / scores.len().max(1) as f32;
        scores.iter_mut().for_each(|s| *s = uniform);
    }
}

/// The temperature `t` for which `softmax(t * scores)` has the least log loss on held-out
/// scores: one parameter, so it calibrates without changing any decision.
pub(crate) fn fit_temperature(scores: &[Vec<f32>], truth: &[u16]) -> f32 {
    let nll = |log_t: f64| -> f64 {
        let t = log_t.exp() as f32;
        let mut buf = Vec::new();
        let mut total = 0f64;
        for (s, &y) in scores.iter().zip(truth) {
            buf.clear();
            buf.extend(s.iter().map(|v| v * t));
            softmax_in_place(&mut buf);
            total -= f64::from(buf[y as usize].max(1e-12)).ln();
        }
        total
    };
    // golden-section search over log t: the loss is unimodal in t
    let (mut a, mut b) = (-6f64, 6f64);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (nll(c), nll(d));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = nll(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = nll(d);
        }
    }
    ((a + b) / 2.0).exp() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two classes told apart by bucket 0 versus bucket 1, with a shared noisy bucket 2.
    fn toy() -> (Matrix, Vec<u16>) {
        let mut x = Matrix::new();
        let mut y = Vec::new();
        let mut rng = SplitMix::new(7);
        for i in 0..200 {
            let class = (i % 2) as u16;
            let noise = (rng.below(100) as f32) / 100.0;
            x.push_row([(u32::from(class), 1.0), (2, noise)]);
            y.push(class);
        }
        (x, y)
    }

    fn accuracy(weights: &Weights, x: &Matrix, y: &[u16]) -> f32 {
        let mut s = vec![0f32; weights.classes];
        let mut right = 0;
        for (r, &label) in y.iter().enumerate() {
            let (i, v) = x.row(r);
            weights.scores(i, v, &mut s);
            let best = (0..s.len())
                .max_by(|a, b| s[*a].total_cmp(&s[*b]))
                .unwrap_or(0);
            right += usize::from(best == label as usize);
        }
        right as f32 / y.len() as f32
    }

    #[test]
    fn every_learner_separates_separable_data() {
        let (x, y) = toy();
        for learner in [
            Learner::NaiveBayes { alpha: 0.1 },
            Learner::LinearSvm { c: 1.0 },
            Learner::Logistic {
                l2: 1e-4,
                epochs: 5,
            },
        ] {
            let w = train(learner, &x, &y, 2, 4, 1);
            assert_eq!(accuracy(&w, &x, &y), 1.0, "{learner}");
            // bucket 3 was never seen: it must not carry weight
            assert_eq!(w.w[3], 0.0, "{learner}");
            assert_eq!(w.w[4 + 3], 0.0, "{learner}");
        }
    }

    #[test]
    fn svm_weights_point_the_right_way() {
        let (x, y) = toy();
        let w = train(Learner::LinearSvm { c: 1.0 }, &x, &y, 2, 4, 1);
        // class 1's weight on its own bucket is positive, on the other class's bucket negative
        assert!(w.w[4 + 1] > 0.5 && w.w[4] < -0.5, "{:?}", &w.w[4..8]);
    }

    #[test]
    fn training_is_reproducible() {
        let (x, y) = toy();
        let a = train(Learner::LinearSvm { c: 0.5 }, &x, &y, 2, 4, 3);
        let b = train(Learner::LinearSvm { c: 0.5 }, &x, &y, 2, 4, 3);
        assert_eq!(a.w, b.w);
    }

    #[test]
    fn temperature_sharpens_underconfident_scores() {
        // scores that always rank right but are tiny: the best temperature is large
        let scores: Vec<Vec<f32>> = (0..100)
            .map(|i| {
                if i % 2 == 0 {
                    vec![0.1, -0.1]
                } else {
                    vec![-0.1, 0.1]
                }
            })
            .collect();
        let truth: Vec<u16> = (0..100).map(|i| (i % 2) as u16).collect();
        assert!(fit_temperature(&scores, &truth) > 10.0);
        // scores right only 70% of the time: the best temperature keeps probabilities near 0.7
        let truth: Vec<u16> = (0..100)
            .map(|i| {
                if i % 10 < 7 {
                    (i % 2) as u16
                } else {
                    1 - (i % 2) as u16
                }
            })
            .collect();
        let t = fit_temperature(&scores, &truth);
        let mut p = vec![0.1 * t, -0.1 * t];
        softmax_in_place(&mut p);
        assert!((p[0] - 0.7).abs() < 0.05, "{p:?}");
    }

    #[test]
    fn softmax_survives_extremes() {
        let mut s = vec![f32::MAX, 0.0, -f32::MAX];
        softmax_in_place(&mut s);
        assert!(s.iter().all(|p| p.is_finite()));
        let mut s = vec![f32::NAN, 1.0];
        softmax_in_place(&mut s);
        assert!(s.iter().all(|p| (0.0..=1.0).contains(p)));
    }
}
