//! SMS text classification for fraudwall: normalization, hashed features, sparse linear models,
//! training by cross-validation, and evaluation.
//!
//! Architecture invariant: this crate is pure. It reads no files, opens no sockets, spawns no
//! threads, and never panics on input; callers hand it bytes and strings. The only state it
//! keeps is lazily built lookup tables (the jieba dictionary used while training, a model's own
//! word segmenter). Its only unsafe code is a cache prefetch (`cache.rs`) and the call into
//! scoring compiled for x86-64-v3, made once the CPU is known to have it.
//!
//! ```no_run
//! use fraudwall_text::{Model, Scratch};
//! # fn main() -> Result<(), fraudwall_text::ModelError> {
//! let model = Model::bundled()?;
//! let mut scratch = Scratch::new();
//! let p = model.classify_with("您好，我是公安局的民警，请配合调查", &mut scratch, 5);
//! println!("{} {:.3} {:?} {:?}", p.label, p.confidence, p.reasons, p.entities);
//! # Ok(()) }
//! ```

mod cache;
mod cues;
mod embed;
mod eval;
mod features;
mod linear;
mod meaning;
mod model;
mod normalize;
mod phrases;
mod segment;
mod train;

pub use cues::{BUNDLED_CUES, Cues, MAX_CONCEPTS};
pub use embed::{EMBEDDINGS_MAGIC, EmbedScratch, Embeddings, Tokenizer};
pub use eval::{
    ClassMetrics, ClassSpread, PRECISION_LEVELS, RecallAtPrecision, RecallSpread, Report, Scored,
    Spread, Summary, evaluate, recall_at_precision, repeated_stratified_folds, stratified_folds,
    summarize,
};
pub use features::{FEATURE_HASH_VERSION, FeatureConfig, FeatureKind};
pub use linear::Learner;
pub use model::{
    CandidateResult, DEFAULT_REASONS, FORMAT_VERSION, MAX_CLASSES, Model, ModelInfo, Prediction,
    Reason, Scratch, SourceSummary, TrainingSummary, Validation,
};
pub use normalize::{Entity, EntityKind, Normalized, Normalizer, Placeholder, display, normalize};
pub use train::{
    Candidate, Example, Progress, SELECTION_TOLERANCE, TrainOptions, TrainingSet,
    default_candidates, train,
};

/// The legitimate class.
pub const NORMAL: &str = "normal";

/// The label as the models use it: trimmed, lower case, and `ham` (the UCI corpus's word for
/// legitimate messages) read as `normal`.
pub fn canonical_label(label: &str) -> String {
    let label = label.trim().to_lowercase();
    if label == "ham" {
        NORMAL.to_owned()
    } else {
        label
    }
}

/// Why a model file could not be loaded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    #[error("model file is truncated")]
    Truncated,
    #[error("not a fraudwall sms model file")]
    NotAModel,
    #[error("model file format {found} is not supported (this build reads format {supported})")]
    UnsupportedFormat { found: u32, supported: u32 },
    #[error("model file checksum does not match: the file is damaged")]
    ChecksumMismatch,
    #[error("model header is not valid: {0}")]
    BadHeader(String),
    #[error("model file is inconsistent: {0}")]
    Inconsistent(String),
}

impl ModelError {
    /// A stable snake_case code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::Truncated => "model_truncated",
            ModelError::NotAModel => "model_not_a_model",
            ModelError::UnsupportedFormat { .. } => "model_unsupported_format",
            ModelError::ChecksumMismatch => "model_checksum_mismatch",
            ModelError::BadHeader(_) => "model_bad_header",
            ModelError::Inconsistent(_) => "model_inconsistent",
        }
    }
}

/// Why training could not produce a model.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TrainError {
    #[error("no training messages")]
    NoExamples,
    #[error("all training messages have the one label {0:?}; a classifier needs two or more")]
    OneClass(String),
    #[error("no message is labelled normal (or ham): the legitimate class is required")]
    NoNormal,
    #[error(
        "class {class:?} has {messages} messages, fewer than the {folds} cross-validation folds"
    )]
    ClassTooSmall {
        class: String,
        messages: usize,
        folds: usize,
    },
    #[error("invalid training options: {0}")]
    InvalidOptions(String),
    #[error("internal training error: {0}")]
    Internal(String),
}

impl TrainError {
    /// A stable snake_case code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            TrainError::NoExamples => "train_no_examples",
            TrainError::OneClass(_) => "train_one_class",
            TrainError::NoNormal => "train_no_normal_class",
            TrainError::ClassTooSmall { .. } => "train_class_too_small",
            TrainError::InvalidOptions(_) => "train_invalid_options",
            TrainError::Internal(_) => "train_internal",
        }
    }
}

#[cfg(test)]
pub(crate) mod testdata {
    //! The shared corpora (see `fraudwall-testdata`). A test that needs them and finds one
    //! missing says so in one line and is skipped.

    fn read(name: &str) -> Option<Vec<(String, String)>> {
        let path = fraudwall_testdata::find(name)?;
        let mut reader = csv::Reader::from_path(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Some(
            reader
                .records()
                .filter_map(Result::ok)
                .filter(|r| r.len() >= 2)
                .map(|r| (r[0].to_owned(), r[1].to_owned()))
                .collect(),
        )
    }

    /// Both corpora, English first, as `(label, text)`.
    pub fn rows() -> Option<Vec<(String, String)>> {
        let mut rows = read("sms/en-sms-spam.train.csv")?;
        rows.extend(read("sms/cn-fraud-sms.train.csv")?);
        Some(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_canonical() {
        assert_eq!(canonical_label(" Ham "), "normal");
        assert_eq!(canonical_label("SPAM"), "spam");
        assert_eq!(canonical_label("fake_loan_credit"), "fake_loan_credit");
    }
}
