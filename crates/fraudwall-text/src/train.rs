//! Training: settings chosen by k-fold cross-validation, probabilities calibrated on the
//! out-of-fold scores, then one final fit on all the data.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

use crate::cues::Cues;
use crate::embed::{EmbedScratch, Embeddings};
use crate::eval::{Report, Scored, evaluate, stratified_folds};
use crate::features::{Extractor, FeatureConfig, weigh};
use crate::linear::{self, Learner, Matrix, fit_temperature, softmax_in_place};
use crate::model::{
    CandidateResult, MAX_CLASSES, Model, ModelInfo, SourceSummary, TrainingSummary, Validation,
};
use crate::normalize::{Normalized, Normalizer, is_cjk};
use crate::segment::Segmenter;
use crate::{NORMAL, TrainError};

/// How far below the best cross-validated macro-F1 a simpler candidate may be and still win.
pub const SELECTION_TOLERANCE: f64 = 0.001;

/// One labelled message. `source` indexes [`TrainingSet::sources`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub label: String,
    pub text: String,
    pub source: usize,
}

/// Labelled messages and the names of the files (or other sources) they came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrainingSet {
    pub sources: Vec<String>,
    pub examples: Vec<Example>,
}

impl TrainingSet {
    /// Adds a source, returning its index for [`Example::source`].
    pub fn add_source(&mut self, name: impl Into<String>) -> usize {
        self.sources.push(name.into());
        self.sources.len() - 1
    }

    /// Adds a message, with its label made canonical (see [`crate::canonical_label`]).
    pub fn push(&mut self, source: usize, label: &str, text: impl Into<String>) {
        self.examples.push(Example {
            label: crate::canonical_label(label),
            text: text.into(),
            source,
        });
    }
}

/// A setting to try: features and learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub features: FeatureConfig,
    pub learner: Learner,
}

/// How to train.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOptions {
    /// Folds of the cross-validation that chooses among `candidates` and calibrates.
    pub folds: usize,
    /// Tried in order, simplest first; the first within [`SELECTION_TOLERANCE`] of the best
    /// out-of-fold macro-F1 wins.
    pub candidates: Vec<Candidate>,
    pub seed: u64,
    /// Shift the decision scores of every class but `normal` by one offset chosen on the
    /// out-of-fold scores to maximize macro-F1: margin learners favour the larger classes,
    /// and F1 weighs misses and false alarms alike.
    pub tune_offsets: bool,
    /// The word-piece table for candidates with an `embedding` weight; without one, those
    /// candidates train without it. The model keeps the table.
    pub embeddings: Option<Arc<Embeddings>>,
    /// Copies of each training message of three words or more, with words dropped (each with
    /// probability `augment_dropout`) and one neighbouring pair swapped, learned with the
    /// message's label. Copies join only the folds their message trains in, never the one it
    /// is scored in.
    pub augment: usize,
    pub augment_dropout: f32,
    /// The cue lexicon for candidates whose features use cues (see [`crate::Cues`]).
    pub cues: String,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            folds: 5,
            candidates: default_candidates(FeatureConfig::default().bits),
            seed: 0x5EED,
            tune_offsets: true,
            embeddings: None,
            // over five dealings of nested 5-fold cross-validation, English spam F1 0.9630
            // against 0.9592 without copies (0.9610 at dropout 0.3), both at 2^17 buckets;
            // four copies gave 0.9653 against 0.9648 at 2^18, not worth twice the training
            // time. Chinese messages have no spaces to drop words at.
            augment: 2,
            augment_dropout: 0.15,
            cues: crate::BUNDLED_CUES.to_owned(),
        }
    }
}

/// The settings searched by default, simplest first: naive Bayes, then the linear SVM at two
/// regularizations, then the SVM on wider n-grams with IDF.
pub fn default_candidates(bits: u8) -> Vec<Candidate> {
    let base = FeatureConfig {
        bits,
        ..FeatureConfig::default()
    };
    let wider = FeatureConfig {
        cjk_chars: [1, 3],
        latin_words: 2,
        idf: true,
        ..base.clone()
    };
    let mut out = vec![Candidate {
        features: FeatureConfig {
            embedding: 0,
            ..base.clone()
        },
        learner: Learner::NaiveBayes { alpha: 0.02 },
    }];
    for c in [1.0f32, 3.0] {
        out.push(Candidate {
            features: base.clone(),
            learner: Learner::LinearSvm { c },
        });
    }
    out.push(Candidate {
        features: wider,
        learner: Learner::LinearSvm { c: 3.0 },
    });
    out
}

/// What training reports as it goes.
#[derive(Clone, Debug)]
pub enum Progress<'a> {
    Normalized {
        messages: usize,
    },
    Dictionary {
        words: usize,
    },
    Fold {
        candidate: usize,
        candidates: usize,
        fold: usize,
        folds: usize,
    },
    Candidate {
        index: usize,
        candidate: &'a Candidate,
        macro_f1: f64,
    },
    FinalFit {
        candidate: &'a Candidate,
    },
}

/// The labels of a training set, `normal` first, then sorted.
fn class_list(examples: &[Example]) -> Vec<String> {
    let mut set: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    set.sort();
    set.dedup();
    if let Some(i) = set.iter().position(|c| c == NORMAL) {
        let normal = set.remove(i);
        set.insert(0, normal);
    }
    set
}

static FULL_DICTIONARY: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// The part of jieba's dictionary that the training texts use. Classification segments with
/// it alone: a word no training message had has no weight anyway, and the small dictionary
/// loads in milliseconds where the full one takes a fifth of a second.
fn build_dictionary(texts: &[Normalized]) -> String {
    let full = &*FULL_DICTIONARY;
    let mut words: BTreeMap<&str, usize> = BTreeMap::new();
    for text in texts {
        for run in text
            .text
            .split(|c: char| !is_cjk(c))
            .filter(|r| !r.is_empty())
        {
            for token in full.cut(run, false) {
                if !words.contains_key(token.word) {
                    // for a dictionary word, jieba's suggested frequency is its own plus one
                    let freq = full.suggest_freq(token.word).saturating_sub(1).max(1);
                    words.insert(token.word, freq);
                }
            }
        }
    }
    let mut out = String::new();
    for (word, freq) in words {
        out.push_str(word);
        out.push(' ');
        out.push_str(&freq.to_string());
        out.push('\n');
    }
    out
}

/// The messages followed by their augmented copies (see [`TrainOptions::augment`]), and the
/// message each row comes from. Deterministic: the same messages give the same copies.
fn with_copies(
    normalized: &[Normalized],
    copies: usize,
    dropout: f32,
) -> (Vec<Normalized>, Vec<usize>) {
    let mut texts: Vec<Normalized> = normalized.to_vec();
    let mut source: Vec<usize> = (0..normalized.len()).collect();
    let mut rng = linear::SplitMix::new(0xA06);
    let dropout = f64::from(dropout);
    for (i, n) in normalized.iter().enumerate() {
        let words: Vec<&str> = n.text.split(' ').filter(|w| !w.is_empty()).collect();
        if words.len() < 3 {
            continue;
        }
        for _ in 0..copies {
            let mut kept: Vec<&str> = words
                .iter()
                .copied()
                .filter(|_| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 >= dropout)
                .collect();
            if kept.is_empty() {
                kept.clone_from(&words);
            }
            if kept.len() > 2 {
                let j = rng.below(kept.len() - 1);
                kept.swap(j, j + 1);
            }
            let mut copy = n.clone();
            copy.text = kept.join(" ");
            texts.push(copy);
            source.push(i);
        }
    }
    (texts, source)
}

/// Raw counts of every message's features, for one feature configuration.
struct RawRows {
    indptr: Vec<usize>,
    items: Vec<(u32, u32, u8)>,
}

impl RawRows {
    fn extract(
        config: &FeatureConfig,
        segmenter: Option<&Segmenter>,
        cues: Option<&Cues>,
        texts: &[Normalized],
    ) -> RawRows {
        let mut ex = Extractor::default();
        let mut rows = RawRows {
            indptr: vec![0],
            items: Vec::new(),
        };
        for text in texts {
            ex.extract(config, segmenter, cues, &text.text, text.shouting);
            rows.items
                .extend(ex.slots.iter().map(|s| (s.bucket, s.count, s.group)));
            rows.indptr.push(rows.items.len());
        }
        rows
    }

    fn row(&self, r: usize) -> &[(u32, u32, u8)] {
        &self.items[self.indptr[r]..self.indptr[r + 1]]
    }

    /// Smoothed IDF over `rows`, as scikit-learn computes it; and the value for unseen buckets.
    fn idf(&self, rows: &[usize], buckets: usize) -> (Vec<f32>, f32) {
        let mut df = vec![0u32; buckets];
        for &r in rows {
            for &(b, _, _) in self.row(r) {
                df[b as usize] += 1;
            }
        }
        let n = rows.len() as f32;
        let idf = |d: u32| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0;
        (df.into_iter().map(idf).collect(), idf(0))
    }

    /// The weighted rows; with `dense`, each row's embedding (unit length, `dims` values per
    /// message) follows the hashed features as columns `buckets..buckets + dims`.
    fn matrix(
        &self,
        rows: &[usize],
        config: &FeatureConfig,
        idf: Option<&[f32]>,
        dense: Option<&DenseRows>,
    ) -> Matrix {
        let mut m = Matrix::new();
        let mut values = Vec::new();
        let buckets = config.buckets() as u32;
        let weight = config.embedding_weight();
        for &r in rows {
            let items = self.row(r);
            weigh(
                items.iter().copied(),
                config.group_norm,
                |b| idf.map_or(1.0, |v| v[b as usize]),
                &mut values,
            );
            let embedding = dense.map_or(&[][..], |d| d.row(r));
            m.push_row(
                items.iter().map(|i| i.0).zip(values.iter().copied()).chain(
                    embedding
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| **v != 0.0)
                        .map(|(d, v)| (buckets + d as u32, v * weight)),
                ),
            );
        }
        m
    }
}

/// Every message's embedding at unit length, `dims` values a message.
struct DenseRows {
    dims: usize,
    values: Vec<f32>,
}

impl DenseRows {
    fn embed(table: &Embeddings, texts: &[Normalized]) -> DenseRows {
        let dims = table.dims();
        let mut values = Vec::with_capacity(texts.len() * dims);
        let mut scratch = EmbedScratch::default();
        let mut out = Vec::with_capacity(dims);
        for text in texts {
            table.embed(&text.text, 1.0, &mut scratch, &mut out);
            values.extend_from_slice(&out);
        }
        DenseRows { dims, values }
    }

    fn row(&self, r: usize) -> &[f32] {
        &self.values[r * self.dims..(r + 1) * self.dims]
    }
}

fn argmax(scores: &[f32]) -> usize {
    (0..scores.len())
        .max_by(|a, b| scores[*a].total_cmp(&scores[*b]).then(b.cmp(a)))
        .unwrap_or(0)
}

fn scored(classes: &[String], scores: &[Vec<f32>], truth: &[u16], temperature: f32) -> Vec<Scored> {
    let normal = classes.iter().position(|c| c == NORMAL);
    let mut p = Vec::new();
    scores
        .iter()
        .zip(truth)
        .map(|(s, &t)| {
            p.clear();
            p.extend(s.iter().map(|v| v * temperature));
            softmax_in_place(&mut p);
            Scored {
                truth: t as usize,
                predicted: argmax(s),
                not_normal: normal.map_or(1.0, |n| 1.0 - p[n]),
            }
        })
        .collect()
}

fn macro_f1_with(
    classes: &[String],
    scores: &[Vec<f32>],
    truth: &[u16],
    offsets: &[f32],
    buf: &mut Vec<f32>,
) -> f64 {
    let scored: Vec<Scored> = scores
        .iter()
        .zip(truth)
        .map(|(s, &t)| {
            buf.clear();
            buf.extend(s.iter().zip(offsets).map(|(v, o)| v + o));
            Scored {
                truth: t as usize,
                predicted: argmax(buf),
                not_normal: 0.0,
            }
        })
        .collect();
    evaluate(classes, &scored).macro_f1
}

/// One offset added to the score of every class but `normal`, chosen on the out-of-fold
/// scores to maximize macro-F1. It moves only the line between legitimate and fraudulent
/// messages, which margin learners draw too close to the rare classes. One offset per class
/// also moved the lines between fraud types, and those gains did not carry over to held-out
/// folds: nested cross-validation scored them below no offsets at all.
///
/// Macro-F1 against the offset is a flat, jagged ridge, and its single highest step is often
/// a few lucky messages; the offset is the centre of the best three neighbouring steps.
fn tune_offset(classes: &[String], scores: &[Vec<f32>], truth: &[u16]) -> Vec<f32> {
    const STEPS: i32 = 20;
    const STEP: f32 = 0.05;
    let with = |offset: f32| -> Vec<f32> {
        classes
            .iter()
            .map(|c| if c == NORMAL { 0.0 } else { offset })
            .collect()
    };
    let mut buf = Vec::new();
    let offsets: Vec<f32> = (-STEPS..=STEPS).map(|s| s as f32 * STEP).collect();
    let f1: Vec<f64> = offsets
        .iter()
        .map(|&o| macro_f1_with(classes, scores, truth, &with(o), &mut buf))
        .collect();
    let centre = STEPS as usize;
    let smoothed = |i: usize| (f1[i - 1] + f1[i] + f1[i + 1]) / 3.0;
    let mut best = (smoothed(centre), centre);
    for i in 1..f1.len() - 1 {
        // a step must beat the best so far outright, so the offset leaves zero only for a gain
        if smoothed(i) > best.0 + 1e-9 {
            best = (smoothed(i), i);
        }
    }
    with(offsets[best.1])
}

/// Trains a model on `set`: cross-validates every candidate, keeps the best, calibrates its
/// probabilities on its out-of-fold scores, and fits it on all the data.
pub fn train(
    set: &TrainingSet,
    options: &TrainOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Model, TrainError> {
    let examples = &set.examples;
    if examples.is_empty() {
        return Err(TrainError::NoExamples);
    }
    if options.candidates.is_empty() {
        return Err(TrainError::InvalidOptions(
            "no candidate settings to try".into(),
        ));
    }
    if options.folds < 2 {
        return Err(TrainError::InvalidOptions(format!(
            "need at least 2 folds, got {}",
            options.folds
        )));
    }
    let cues = if options.candidates.iter().any(|c| c.features.cues) {
        Some(Cues::parse(&options.cues).map_err(TrainError::InvalidOptions)?)
    } else {
        None
    };
    // without a table, or for a learner that counts, the embedding is off
    let candidates: Vec<Candidate> = options
        .candidates
        .iter()
        .cloned()
        .map(|mut c| {
            if options.embeddings.is_none() || matches!(c.learner, Learner::NaiveBayes { .. }) {
                c.features.embedding = 0;
            }
            c
        })
        .collect();
    let candidates = &candidates;
    let first = &candidates[0].features;
    for c in candidates {
        c.features.validate().map_err(TrainError::InvalidOptions)?;
        if c.features.bits != first.bits {
            return Err(TrainError::InvalidOptions(
                "all candidates must use the same number of bits".into(),
            ));
        }
        if c.features.url_hosts != first.url_hosts {
            return Err(TrainError::InvalidOptions(
                "all candidates must agree on url_hosts".into(),
            ));
        }
    }
    let classes = class_list(examples);
    if classes.len() < 2 {
        return Err(TrainError::OneClass(
            classes.first().cloned().unwrap_or_default(),
        ));
    }
    if !classes.iter().any(|c| c == NORMAL) {
        return Err(TrainError::NoNormal);
    }
    if classes.len() > MAX_CLASSES {
        return Err(TrainError::InvalidOptions(format!(
            "{} classes; a model may have at most {MAX_CLASSES}",
            classes.len()
        )));
    }
    let index: BTreeMap<&str, u16> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i as u16))
        .collect();
    let y: Vec<u16> = examples.iter().map(|e| index[e.label.as_str()]).collect();
    let mut per_class = vec![0usize; classes.len()];
    for &l in &y {
        per_class[l as usize] += 1;
    }
    for (c, &n) in per_class.iter().enumerate() {
        if n < options.folds {
            return Err(TrainError::ClassTooSmall {
                class: classes[c].clone(),
                messages: n,
                folds: options.folds,
            });
        }
    }

    let mut normalizer = Normalizer::new();
    normalizer.set_url_hosts(first.url_hosts);
    let normalized: Vec<Normalized> = examples
        .iter()
        .map(|e| {
            let mut n = Normalized::default();
            normalizer.normalize_into(&e.text, &mut n);
            n
        })
        .collect();
    progress(Progress::Normalized {
        messages: normalized.len(),
    });

    let (texts, source) = with_copies(&normalized, options.augment, options.augment_dropout);
    let y_all: Vec<u16> = source.iter().map(|&s| y[s]).collect();
    let needs_words = candidates.iter().any(|c| c.features.cjk_words);
    let (dictionary, segmenter) = if needs_words {
        let dictionary = build_dictionary(&normalized);
        let segmenter = Segmenter::from_dictionary(&dictionary);
        (dictionary, Some(segmenter))
    } else {
        (String::new(), None)
    };
    let dictionary_words = dictionary.lines().count();
    progress(Progress::Dictionary {
        words: dictionary_words,
    });

    let k = options.folds;
    let buckets = candidates[0].features.buckets();
    let dense = options
        .embeddings
        .as_deref()
        .filter(|_| candidates.iter().any(|c| c.features.embedding > 0))
        .map(|table| DenseRows::embed(table, &texts));
    let dense_for = |config: &FeatureConfig| dense.as_ref().filter(|_| config.embedding > 0);
    let width = |config: &FeatureConfig| buckets + dense_for(config).map_or(0, |d| d.dims);
    let folds = stratified_folds(&y.iter().map(|l| *l as usize).collect::<Vec<_>>(), k);
    let mut oof: Vec<Vec<Vec<f32>>> = vec![vec![Vec::new(); examples.len()]; candidates.len()];
    let mut configs: Vec<&FeatureConfig> = Vec::new();
    for c in candidates {
        if !configs.contains(&&c.features) {
            configs.push(&c.features);
        }
    }
    let total = candidates.len();
    let mut results = Vec::with_capacity(total);
    for config in configs {
        let raw = RawRows::extract(
            config,
            segmenter.as_ref().filter(|_| config.cjk_words),
            cues.as_ref(),
            &texts,
        );
        for fold in 0..k {
            let train_rows: Vec<usize> = (0..texts.len())
                .filter(|&r| folds[source[r]] != fold)
                .collect();
            let test_rows: Vec<usize> = (0..examples.len()).filter(|&r| folds[r] == fold).collect();
            let idf = config.idf.then(|| raw.idf(&train_rows, buckets).0);
            let x_train = raw.matrix(&train_rows, config, idf.as_deref(), dense_for(config));
            let x_test = raw.matrix(&test_rows, config, idf.as_deref(), dense_for(config));
            let y_train: Vec<u16> = train_rows.iter().map(|&r| y_all[r]).collect();
            for (ci, candidate) in candidates.iter().enumerate() {
                if &candidate.features != config {
                    continue;
                }
                progress(Progress::Fold {
                    candidate: ci,
                    candidates: total,
                    fold,
                    folds: k,
                });
                let seed = options.seed ^ (fold as u64 + 1);
                let w = linear::train(
                    candidate.learner,
                    &x_train,
                    &y_train,
                    classes.len(),
                    width(config),
                    seed,
                );
                for (j, &r) in test_rows.iter().enumerate() {
                    let (idx, val) = x_test.row(j);
                    let mut s = vec![0f32; classes.len()];
                    w.scores(idx, val, &mut s);
                    oof[ci][r] = s;
                }
            }
        }
        for (ci, candidate) in candidates.iter().enumerate() {
            if &candidate.features == config {
                let report = evaluate(&classes, &scored(&classes, &oof[ci], &y, 1.0));
                progress(Progress::Candidate {
                    index: ci,
                    candidate,
                    macro_f1: report.macro_f1,
                });
                results.push((ci, report.macro_f1));
            }
        }
    }
    results.sort_by_key(|r| r.0);
    // Candidates come simplest first; differences in the fourth decimal are noise between
    // folds, so the first candidate that close to the best wins: the smaller, faster model.
    let top = results
        .iter()
        .map(|r| r.1)
        .fold(f64::NEG_INFINITY, f64::max);
    let best = results
        .iter()
        .find(|r| r.1 >= top - SELECTION_TOLERANCE)
        .map_or(0, |r| r.0);
    let chosen = &candidates[best];
    let offsets = if options.tune_offsets {
        tune_offset(&classes, &oof[best], &y)
    } else {
        vec![0.0; classes.len()]
    };
    for s in &mut oof[best] {
        s.iter_mut().zip(&offsets).for_each(|(v, o)| *v += o);
    }
    let temperature = fit_temperature(&oof[best], &y);
    let oof_scored = scored(&classes, &oof[best], &y, temperature);
    let report = evaluate(&classes, &oof_scored);
    let per_source: Vec<(String, Report)> = set
        .sources
        .iter()
        .enumerate()
        .filter_map(|(s, name)| {
            let rows: Vec<Scored> = examples
                .iter()
                .zip(&oof_scored)
                .filter(|(e, _)| e.source == s)
                .map(|(_, o)| *o)
                .collect();
            (!rows.is_empty()).then(|| (name.clone(), evaluate(&classes, &rows)))
        })
        .collect();

    progress(Progress::FinalFit { candidate: chosen });
    let config = &chosen.features;
    let raw = RawRows::extract(
        config,
        segmenter.as_ref().filter(|_| config.cjk_words),
        cues.as_ref(),
        &texts,
    );
    let all: Vec<usize> = (0..texts.len()).collect();
    let idf = config.idf.then(|| raw.idf(&all, buckets));
    let x = raw.matrix(
        &all,
        config,
        idf.as_ref().map(|(v, _)| v.as_slice()),
        dense_for(config),
    );
    let mut weights = linear::train(
        chosen.learner,
        &x,
        &y_all,
        classes.len(),
        width(config),
        options.seed,
    );
    weights
        .bias
        .iter_mut()
        .zip(&offsets)
        .for_each(|(b, o)| *b += o);

    let sources = set
        .sources
        .iter()
        .enumerate()
        .map(|(s, name)| {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for e in examples.iter().filter(|e| e.source == s) {
                *counts.entry(e.label.as_str()).or_default() += 1;
            }
            SourceSummary {
                name: name.clone(),
                messages: counts.values().sum(),
                per_class: counts.into_iter().map(|(c, n)| (c.to_owned(), n)).collect(),
            }
        })
        .collect();
    let info = ModelInfo {
        version: String::new(),
        created_by: concat!("fraudwall-text ", env!("CARGO_PKG_VERSION")).into(),
        feature_hash_version: 0,
        classes: classes.clone(),
        features: chosen.features.clone(),
        learner: chosen.learner,
        temperature,
        bias: Vec::new(),
        training: TrainingSummary {
            messages: examples.len(),
            per_class,
            sources,
            dictionary_words,
            augmented_copies: texts.len() - examples.len(),
        },
        validation: Some(Validation {
            folds: k,
            candidates: results
                .iter()
                .map(|&(ci, f1)| CandidateResult {
                    features: candidates[ci].features.clone(),
                    learner: candidates[ci].learner,
                    macro_f1: f1,
                    chosen: ci == best,
                })
                .collect(),
            offsets,
            report,
            per_source,
        }),
        cues: if config.cues {
            options.cues.clone()
        } else {
            String::new()
        },
    };
    let dictionary = if config.cjk_words {
        dictionary
    } else {
        String::new()
    };
    Ok(Model::from_weights(
        info,
        dictionary,
        &weights,
        idf.as_ref().map(|(v, u)| (v.as_slice(), *u)),
        options.embeddings.clone().filter(|_| config.embedding > 0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(bits: u8) -> TrainOptions {
        TrainOptions {
            folds: 3,
            candidates: vec![
                Candidate {
                    features: FeatureConfig {
                        bits,
                        ..FeatureConfig::default()
                    },
                    learner: Learner::LinearSvm { c: 1.0 },
                },
                Candidate {
                    features: FeatureConfig {
                        bits,
                        ..FeatureConfig::default()
                    },
                    learner: Learner::NaiveBayes { alpha: 0.1 },
                },
            ],
            seed: 1,
            tune_offsets: true,
            embeddings: None,
            augment: 0,
            augment_dropout: 0.15,
            cues: crate::BUNDLED_CUES.to_owned(),
        }
    }

    #[test]
    fn copies_drop_and_swap_words_of_longer_messages_only() {
        let texts: Vec<Normalized> = ["win a free prize now call", "hi there", "我们是客服"]
            .iter()
            .map(|t| crate::normalize::normalize(t))
            .collect();
        let (all, source) = with_copies(&texts, 3, 0.3);
        // the originals first, then three copies of the one message of three words or more
        assert_eq!(source, [0, 1, 2, 0, 0, 0]);
        assert_eq!(all[..3], texts[..]);
        let original: std::collections::BTreeSet<&str> = texts[0].text.split(' ').collect();
        for copy in &all[3..] {
            assert!(
                copy.text.split(' ').all(|w| original.contains(w)),
                "{}",
                copy.text
            );
            assert_ne!(copy.text, texts[0].text);
        }
        let (again, _) = with_copies(&texts, 3, 0.3);
        assert_eq!(again, all, "copies are deterministic");
        assert_eq!(with_copies(&texts, 0, 0.3).0, texts);
    }

    #[test]
    fn rejects_unusable_training_sets_with_codes() {
        let mut set = TrainingSet::default();
        let s = set.add_source("x");
        let code = |set: &TrainingSet| train(set, &quick(12), &mut |_| {}).err().map(|e| e.code());
        assert_eq!(code(&set), Some("train_no_examples"));
        set.push(s, "spam", "win");
        set.push(s, "spam", "win now");
        assert_eq!(code(&set), Some("train_one_class"));
        set.push(s, "fake_loan_credit", "loan");
        assert_eq!(code(&set), Some("train_no_normal_class"));
        set.push(s, "ham", "hi");
        assert_eq!(code(&set), Some("train_class_too_small"));
    }

    #[test]
    fn a_model_trained_on_host_words_reads_them_when_classifying() {
        let mut set = TrainingSet::default();
        let s = set.add_source("x");
        for i in 0..12 {
            set.push(s, "spam", format!("see www.claim-prize{i}.com today"));
            set.push(s, "ham", format!("see www.family-photos{i}.com today"));
        }
        let mut options = quick(14);
        for c in &mut options.candidates {
            c.features.url_hosts = true;
        }
        let model = train(&set, &options, &mut |_| {}).expect("trains");
        assert!(model.info().features.url_hosts);
        // only the host tells these apart, and the words of a host never seen still do
        let mut scratch = crate::model::Scratch::new();
        let p = model.classify_with("see http://prize-claim.com/x today", &mut scratch, 3);
        assert_eq!(p.label, "spam", "{p:?}");
        assert!(
            p.reasons.iter().any(|r| r.token == "claim"),
            "{:?}",
            p.reasons
        );
        let p = model.classify("see photos.family.com today");
        assert_eq!(p.label, NORMAL, "{p:?}");

        options.candidates[1].features.url_hosts = false;
        let err = train(&set, &options, &mut |_| {}).expect_err("refused");
        assert_eq!(err.code(), "train_invalid_options");
    }

    #[test]
    fn trains_on_real_data_and_generalizes_across_folds() {
        let Some(rows) = crate::testdata::rows() else {
            return;
        };
        // a slice of both corpora keeps the test fast; every class is represented
        let mut set = TrainingSet::default();
        let s = set.add_source("sample");
        for (i, (label, text)) in rows.iter().enumerate() {
            if i % 6 == 0 {
                set.push(s, label, text.clone());
            }
        }
        let model = train(&set, &quick(16), &mut |_| {}).expect("trains");
        let v = model.info().validation.as_ref().expect("validated");
        assert_eq!(v.candidates.len(), 2);
        assert!(
            v.report.macro_f1 > 0.8,
            "cross-validated macro-F1 {}",
            v.report.macro_f1
        );
        assert_eq!(model.classes()[0], NORMAL);
        assert!(model.info().training.dictionary_words > 100);
        // held-out messages: every sixth row offset by three was never trained on
        let mut scratch = crate::Scratch::new();
        let (mut right, mut total) = (0, 0);
        for (label, text) in rows.iter().skip(3).step_by(6) {
            let p = model.classify_with(text, &mut scratch, 0);
            right += usize::from(p.label == crate::canonical_label(label));
            total += 1;
        }
        assert!(right as f64 / total as f64 > 0.9, "{right}/{total}");
        // and the file round-trip keeps every decision
        let again = Model::from_bytes(&model.to_bytes()).expect("loads");
        for (_, text) in rows.iter().skip(1).step_by(97) {
            assert_eq!(again.classify(text), model.classify(text));
        }
    }

    #[test]
    fn one_offset_moves_only_the_line_to_normal() {
        let classes: Vec<String> = ["normal", "loan", "police"].map(String::from).into();
        // fraud messages that score just below normal, and fraud types told apart correctly
        let mut scores = Vec::new();
        let mut truth = Vec::new();
        for i in 0..60 {
            let (s, t) = match i % 3 {
                0 => (vec![1.0, -1.0, -1.0], 0),
                1 => (vec![0.2, 0.0, -1.0], 1),
                _ => (vec![0.2, -1.0, 0.0], 2),
            };
            scores.push(s);
            truth.push(t);
        }
        let offsets = tune_offset(&classes, &scores, &truth);
        assert_eq!(offsets[0], 0.0);
        assert_eq!(offsets[1], offsets[2]);
        assert!(offsets[1] > 0.2 && offsets[1] < 1.0, "{offsets:?}");
        // scores already right stay unshifted
        let right: Vec<Vec<f32>> = truth
            .iter()
            .map(|&t| (0..3).map(|c| if c == t { 1.0 } else { -1.0 }).collect())
            .collect();
        assert_eq!(tune_offset(&classes, &right, &truth), vec![0.0; 3]);
    }

    #[test]
    fn dictionary_holds_only_words_the_texts_use() {
        let texts: Vec<Normalized> = ["请添加微信好友", "hello 银行"]
            .iter()
            .map(|t| crate::normalize(t))
            .collect();
        let dict = build_dictionary(&texts);
        let words: Vec<&str> = dict.lines().filter_map(|l| l.split(' ').next()).collect();
        assert!(words.contains(&"添加"), "{words:?}");
        assert!(words.contains(&"银行"));
        assert!(!words.contains(&"hello"));
        assert!(words.len() < 10);
    }
}
