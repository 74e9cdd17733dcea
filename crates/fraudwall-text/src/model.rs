//! A trained classifier: its file format, loading, and classification with reasons.
//!
//! File layout (all integers little-endian):
//!
//! ```text
//! "FWSMSMDL"                 magic, 8 bytes
//! u32 format                 FORMAT_VERSION
//! u32 n, n bytes             header: ModelInfo as JSON (classes, features, metrics, ...)
//! u32 n, n bytes             segmentation dictionary, "word freq\n" lines, UTF-8
//! u32 buckets, u32 stride    each row is [idf, w_class0, w_class1, ..., padding]; stride is
//!                            classes + 1 rounded up to a power of two (up to 16)
//! f32 scale, f32 idf_scale   a stored i16 q means q * scale (q * idf_scale for the idf)
//! f32 idf_unseen             the idf of rows not stored
//! buckets/8 bytes            bitmap of the rows stored (the others have zero weights)
//! rows                       stride i16 per stored row, in bucket order
//! u32 dims                   0, or the word-piece embedding's dimensions, then:
//!   table                    the embedding table (`Embeddings::write_section`); in format 3 it
//!                            starts with a byte naming its tokenizer
//!   classes * dims f32       the embedding's weights, class by class
//! u64                        xxh3-64 of every byte before it
//! ```
//!
//! A row holds every class's weight for one bucket, so scoring a feature reads one short run of
//! memory. Weights are quantized to i16: the classifier's decisions do not need more, and the
//! file stays small enough to ship in the repository.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::cues::Cues;
use crate::embed::{EmbedScratch, Embeddings};
use crate::eval::Report;
use crate::features::{
    Extractor, FEATURE_HASH_VERSION, FeatureConfig, FeatureKind, group_index, group_scales,
    term_weight,
};
use crate::linear::{Learner, Weights, softmax_in_place};
use crate::normalize::{Entity, Normalized, Normalizer, display};
use crate::segment::Segmenter;
use crate::{ModelError, NORMAL};

const MAGIC: &[u8; 8] = b"FWSMSMDL";
/// Bumped on any change to the layout above. A model whose embedding table is of word pieces
/// is still written as format 2, which older builds read.
pub const FORMAT_VERSION: u32 = 3;

/// Everything about a model except its weights: stored in the file as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Content-derived: two models with the same version score every text the same.
    pub version: String,
    pub created_by: String,
    pub feature_hash_version: u32,
    pub classes: Vec<String>,
    pub features: FeatureConfig,
    pub learner: Learner,
    /// Probabilities are `softmax(temperature * scores)`; fitted on cross-validated scores.
    pub temperature: f32,
    pub bias: Vec<f32>,
    pub training: TrainingSummary,
    pub validation: Option<Validation>,
    /// The cue lexicon the model was trained with (see [`crate::Cues`]), when its features
    /// use cues: the model carries it, so a later lexicon cannot change what it reads.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cues: String,
}

/// What the model was trained on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub messages: usize,
    /// Messages per class, in the order of `ModelInfo::classes`.
    pub per_class: Vec<usize>,
    pub sources: Vec<SourceSummary>,
    pub dictionary_words: usize,
    /// Augmented copies learned beside the messages (see `TrainOptions::augment`).
    #[serde(default)]
    pub augmented_copies: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceSummary {
    pub name: String,
    pub messages: usize,
    pub per_class: Vec<(String, usize)>,
}

/// How the training chose its settings, and how well the chosen ones did, by cross-validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    pub folds: usize,
    pub candidates: Vec<CandidateResult>,
    /// Score offsets per class tuned on the out-of-fold scores (one value shared by every
    /// class but `normal`), already in the biases.
    pub offsets: Vec<f32>,
    /// Of the chosen candidate, on out-of-fold predictions.
    pub report: Report,
    /// The same, per training source.
    pub per_source: Vec<(String, Report)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CandidateResult {
    pub features: FeatureConfig,
    pub learner: Learner,
    pub macro_f1: f64,
    pub chosen: bool,
}

/// A token that pushed the decision, and by how much (in score units).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    pub token: String,
    pub kind: FeatureKind,
    pub weight: f32,
}

/// A classification.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    pub label: String,
    /// Index of `label` in [`Model::classes`].
    pub class: usize,
    /// The probability of `label`.
    pub confidence: f32,
    /// Calibrated probabilities, in the order of [`Model::classes`].
    pub probabilities: Vec<f32>,
    /// The tokens that pushed most towards `label`: against `normal` when `label` is a fraud
    /// type, against the runner-up when `label` is `normal`.
    pub reasons: Vec<Reason>,
    /// Links, phone numbers, amounts and numbers found in the text, for the list checks.
    pub entities: Vec<Entity>,
}

impl Prediction {
    /// `1 - P(normal)`: the risk that the message is not legitimate.
    pub fn risk(&self, model: &Model) -> f32 {
        match model.normal_class() {
            Some(n) => 1.0 - self.probabilities[n],
            None => 1.0,
        }
    }
}

/// Reusable buffers: classifying many messages with one `Scratch` allocates nothing per message
/// on the [`Model::probabilities_with`] path.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    normalizer: Normalizer,
    normalized: Normalized,
    extractor: Extractor,
    values: Vec<f32>,
    probabilities: Vec<f32>,
    contributions: Vec<(f32, usize)>,
    embed: EmbedScratch,
    dense: Vec<f32>,
}

impl Scratch {
    pub fn new() -> Self {
        Self::default()
    }

    /// The last classified message, normalized.
    pub fn normalized(&self) -> &Normalized {
        &self.normalized
    }
}

/// A trained classifier. Cheap to share (`Arc<Model>`): classification takes `&self`.
#[derive(Debug)]
pub struct Model {
    info: ModelInfo,
    dictionary: String,
    segmenter: Option<Segmenter>,
    buckets: usize,
    stride: usize,
    rows: Rows,
    scale: f32,
    idf_scale: f32,
    idf_unseen: f32,
    normal: Option<usize>,
    embedding: Option<EmbeddingWeights>,
    cues: Option<Cues>,
}

/// The word-piece embedding and its weights, `classes * dims` floats, class by class.
#[derive(Debug)]
struct EmbeddingWeights {
    table: Arc<Embeddings>,
    weights: Vec<f32>,
}

/// The weight rows of the buckets the file stores; every other bucket reads row 0, its
/// `[idf_unseen, 0, 0, ...]`, which scores exactly as the zero row it stands for. Most buckets
/// of a large table are never used: kept dense, the rows a message reads would be spread over
/// more cache lines and pages than the cache and the TLB hold (the bundled model: 16 MB of
/// rows dense, 4.3 MB stored).
#[derive(Debug)]
struct Rows {
    /// Per 64 buckets: which are stored, and how many stored rows come before them.
    blocks: Vec<(u64, u32)>,
    data: Vec<i16>,
    /// Where row 0 starts in `data`: on a cache-line boundary, so no row straddles two lines.
    start: usize,
    stride: usize,
}

impl Rows {
    /// Rows from a file's bitmap (bucket `b` is bit `b % 8` of byte `b / 8`) and its stored
    /// rows' weights, in bucket order.
    fn from_stored(
        bitmap: &[u8],
        weights: impl Iterator<Item = i16>,
        stride: usize,
        unseen: i16,
    ) -> Rows {
        let mut blocks = Vec::with_capacity(bitmap.len().div_ceil(8));
        let mut before = 0u32;
        for chunk in bitmap.chunks(8) {
            let mut bytes = [0u8; 8];
            bytes[..chunk.len()].copy_from_slice(chunk);
            let bits = u64::from_le_bytes(bytes);
            blocks.push((bits, before));
            before += bits.count_ones();
        }
        const LINE: usize = 64;
        let len = (before as usize + 1) * stride;
        let mut data = Vec::with_capacity(len + LINE / 2);
        // the buffer is never grown, so its address, and the rows' alignment, stay
        let start = (data.as_ptr() as usize).wrapping_neg() % LINE / 2;
        data.resize(start, 0);
        data.push(unseen);
        data.resize(start + stride, 0);
        data.extend(weights.chain(std::iter::repeat(0)).take(len - stride));
        Rows {
            blocks,
            data,
            start,
            stride,
        }
    }

    /// Rows from a dense table, storing those that differ from row 0.
    fn from_dense(dense: &[i16], stride: usize, unseen: i16) -> Rows {
        let buckets = dense.len() / stride;
        let mut bitmap = vec![0u8; buckets.div_ceil(8)];
        let mut weights = Vec::new();
        for (bucket, row) in dense.chunks_exact(stride).enumerate() {
            if row[0] != unseen || row[1..].iter().any(|q| *q != 0) {
                bitmap[bucket / 8] |= 1 << (bucket % 8);
                weights.extend_from_slice(row);
            }
        }
        Rows::from_stored(&bitmap, weights.into_iter(), stride, unseen)
    }

    /// The row of `bucket`: 0 when it is not stored. Branch-free, since whether a bucket is
    /// stored is as unpredictable as the bucket.
    #[inline]
    fn index(&self, bucket: u32) -> usize {
        let Some(&(bits, before)) = self.blocks.get(bucket as usize / 64) else {
            return 0;
        };
        let bit = bucket % 64;
        let present = (bits >> bit) & 1;
        let below = (bits & ((1u64 << bit) - 1)).count_ones();
        (before as usize + below as usize + 1) * present as usize
    }

    /// The row at `index`.
    #[inline]
    fn at(&self, index: usize) -> &[i16] {
        let at = self.start + index * self.stride;
        &self.data[at..at + self.stride]
    }

    /// Asks the cache for the row at `index`, without waiting for it.
    #[inline(always)]
    fn prefetch(&self, index: usize) {
        if let Some(lane) = self.data.get(self.start + index * self.stride) {
            crate::cache::prefetch(lane);
        }
    }

    /// The row of `bucket`.
    #[inline]
    fn row(&self, bucket: u32) -> &[i16] {
        self.at(self.index(bucket))
    }
}

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.blocks == other.blocks
            && self.stride == other.stride
            && self.data[self.start..] == other.data[other.start..]
    }
}

/// Whether the CPU runs x86-64-v3's instructions, which [`Model::scores`] then uses.
#[cfg(target_arch = "x86_64")]
static X86_64_V3: std::sync::LazyLock<bool> = std::sync::LazyLock::new(|| {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("lzcnt")
        && std::arch::is_x86_feature_detected!("popcnt")
});

/// `term_weight` of small counts, which are most: `ln` is a library call. The values come from
/// the same call at run time (`black_box` keeps the compiler from folding it at build time,
/// perhaps differently), so they are the same to the bit.
static TERM_WEIGHTS: std::sync::LazyLock<[f32; 32]> = std::sync::LazyLock::new(|| {
    std::array::from_fn(|c| term_weight(std::hint::black_box(c as u32)))
});

/// The most classes a model may have.
pub const MAX_CLASSES: usize = 256;
/// The most weights (buckets times row stride) a model may hold: 512 MiB of them.
const MAX_WEIGHTS: usize = 1 << 28;

/// Reasons given by [`Model::classify`].
pub const DEFAULT_REASONS: usize = 5;

/// Reads a file's sections in order, refusing to read past its end.
pub(crate) struct Reader<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.at.checked_add(n).ok_or(ModelError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(ModelError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    pub fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_bits(self.u32()?))
    }
}

impl Model {
    /// Loads a model file. Checks the checksum and every size before trusting them.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.len() < MAGIC.len() + 4 + 8 {
            return Err(ModelError::Truncated);
        }
        if &bytes[..8] != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        let mut r = Reader { bytes: body, at: 8 };
        let format = r.u32()?;
        // format 1 is format 2 without the embedding section, and format 2 is format 3 with
        // an untagged (word-piece) table
        if !(1..=FORMAT_VERSION).contains(&format) {
            return Err(ModelError::UnsupportedFormat {
                found: format,
                supported: FORMAT_VERSION,
            });
        }
        let stored = u64::from_le_bytes(sum.try_into().map_err(|_| ModelError::Truncated)?);
        if xxh3_64(body) != stored {
            return Err(ModelError::ChecksumMismatch);
        }
        let n = r.u32()? as usize;
        let info: ModelInfo =
            serde_json::from_slice(r.take(n)?).map_err(|e| ModelError::BadHeader(e.to_string()))?;
        let n = r.u32()? as usize;
        let dictionary = std::str::from_utf8(r.take(n)?)
            .map_err(|_| ModelError::Inconsistent("dictionary is not UTF-8".into()))?
            .to_owned();
        let buckets = r.u32()? as usize;
        let stride = r.u32()? as usize;
        let scale = r.f32()?;
        let idf_scale = r.f32()?;
        let idf_unseen = r.f32()?;
        let classes = info.classes.len();
        if info.feature_hash_version != FEATURE_HASH_VERSION {
            return Err(ModelError::Inconsistent(format!(
                "features hashed with version {}, this build hashes with {FEATURE_HASH_VERSION}",
                info.feature_hash_version
            )));
        }
        info.features.validate().map_err(ModelError::Inconsistent)?;
        if classes > MAX_CLASSES || buckets.saturating_mul(stride) > MAX_WEIGHTS {
            // checked before the weight table is allocated: a header may claim anything
            return Err(ModelError::Inconsistent(format!(
                "{classes} classes over {buckets} buckets is beyond this build's limits \
                 ({MAX_CLASSES} classes, {MAX_WEIGHTS} weights)"
            )));
        }
        if classes < 2
            || stride != stride_for(classes)
            || buckets != info.features.buckets()
            || info.bias.len() != classes
        {
            return Err(ModelError::Inconsistent(format!(
                "{classes} classes, {} biases, stride {stride}, {buckets} buckets for {} bits",
                info.bias.len(),
                info.features.bits
            )));
        }
        if !(scale.is_finite()
            && idf_scale.is_finite()
            && idf_unseen.is_finite()
            && info.temperature.is_finite())
        {
            return Err(ModelError::Inconsistent("non-finite scale".into()));
        }
        let bitmap = r.take(buckets.div_ceil(8))?;
        let stored_rows: usize = bitmap.iter().map(|b| b.count_ones() as usize).sum();
        let data = r.take(stored_rows * stride * 2)?;
        let dims = if format == 1 { 0 } else { r.u32()? as usize };
        let embedding = if dims == 0 {
            None
        } else {
            let table = Embeddings::read_section(body, &mut r.at, format >= 3)?;
            if table.dims() != dims {
                return Err(ModelError::Inconsistent(format!(
                    "embedding of {dims} dims with a table of {}",
                    table.dims()
                )));
            }
            let weights: Vec<f32> = r
                .take(dims * classes * 4)?
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            if !weights.iter().all(|w| w.is_finite()) {
                return Err(ModelError::Inconsistent(
                    "non-finite embedding weight".into(),
                ));
            }
            Some(EmbeddingWeights {
                table: Arc::new(table),
                weights,
            })
        };
        if embedding.is_some() != (info.features.embedding > 0) {
            return Err(ModelError::Inconsistent(format!(
                "embedding weight {} with{} an embedding table",
                info.features.embedding,
                if embedding.is_some() { "" } else { "out" }
            )));
        }
        if r.at != body.len() {
            return Err(ModelError::Inconsistent(
                "trailing bytes after the weights".into(),
            ));
        }
        let rows = Rows::from_stored(
            bitmap,
            data.chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]])),
            stride,
            quantize(idf_unseen, idf_scale),
        );
        let cues = cues_for(&info)?;
        let normal = info.classes.iter().position(|c| c == NORMAL);
        let segmenter = segmenter_for(&info.features, &dictionary);
        Ok(Model {
            info,
            dictionary,
            segmenter,
            buckets,
            stride,
            rows,
            scale,
            idf_scale,
            idf_unseen,
            normal,
            embedding,
            cues,
        })
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.rows.data.len() * 2);
        out.extend_from_slice(MAGIC);
        let tagged = self.embedding.as_ref().is_some_and(|e| e.table.tagged());
        let format: u32 = if tagged { FORMAT_VERSION } else { 2 };
        out.extend_from_slice(&format.to_le_bytes());
        let header = serde_json::to_vec(&self.info).unwrap_or_default();
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&(self.dictionary.len() as u32).to_le_bytes());
        out.extend_from_slice(self.dictionary.as_bytes());
        out.extend_from_slice(&(self.buckets as u32).to_le_bytes());
        out.extend_from_slice(&(self.stride as u32).to_le_bytes());
        out.extend_from_slice(&self.scale.to_le_bytes());
        out.extend_from_slice(&self.idf_scale.to_le_bytes());
        out.extend_from_slice(&self.idf_unseen.to_le_bytes());
        let unseen = quantize(self.idf_unseen, self.idf_scale);
        let mut bitmap = vec![0u8; self.buckets.div_ceil(8)];
        let mut data = Vec::new();
        for bucket in 0..self.buckets {
            let row = self.rows.row(bucket as u32);
            if row[0] != unseen || row[1..].iter().any(|q| *q != 0) {
                bitmap[bucket / 8] |= 1 << (bucket % 8);
                for q in row {
                    data.extend_from_slice(&q.to_le_bytes());
                }
            }
        }
        out.extend_from_slice(&bitmap);
        out.extend_from_slice(&data);
        match &self.embedding {
            None => out.extend_from_slice(&0u32.to_le_bytes()),
            Some(e) => {
                out.extend_from_slice(&(e.table.dims() as u32).to_le_bytes());
                e.table.write_section(&mut out);
                for w in &e.weights {
                    out.extend_from_slice(&w.to_le_bytes());
                }
            }
        }
        let sum = xxh3_64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Builds a model from trained float weights, quantizing the hashed features' weights.
    /// `idf` holds one value per bucket and the value for buckets no training message had.
    /// With `embeddings`, the weights' columns past the buckets are the embedding's.
    pub(crate) fn from_weights(
        mut info: ModelInfo,
        dictionary: String,
        weights: &Weights,
        idf: Option<(&[f32], f32)>,
        embeddings: Option<Arc<Embeddings>>,
    ) -> Model {
        let classes = weights.classes;
        let width = weights.buckets;
        let buckets = info.features.buckets().min(width);
        let stride = stride_for(classes);
        let hashed = |c: usize| &weights.w[c * width..c * width + buckets];
        let max_w = (0..classes)
            .flat_map(hashed)
            .fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max_w > 0.0 {
            max_w / f32::from(i16::MAX)
        } else {
            1.0
        };
        let max_idf = idf.map_or(0.0, |(v, unseen)| v.iter().fold(unseen, |m, x| m.max(*x)));
        // zero means "no idf": every weight is then 1
        let idf_scale = if max_idf > 0.0 {
            max_idf / f32::from(i16::MAX)
        } else {
            0.0
        };
        let idf_unseen = idf.map_or(0.0, |(_, unseen)| unseen);
        let mut rows = vec![0i16; buckets * stride];
        for (b, row) in rows.chunks_exact_mut(stride).enumerate() {
            row[0] = match idf {
                Some((v, _)) => quantize(v[b], idf_scale),
                None => 0,
            };
            for c in 0..classes {
                row[c + 1] = quantize(weights.w[c * width + b], scale);
            }
        }
        let rows = Rows::from_dense(&rows, stride, quantize(idf_unseen, idf_scale));
        info.bias = weights.bias.clone();
        info.feature_hash_version = FEATURE_HASH_VERSION;
        let embedding = embeddings
            .filter(|t| width == buckets + t.dims())
            .map(|table| EmbeddingWeights {
                weights: (0..classes)
                    .flat_map(|c| {
                        weights.w[c * width + buckets..(c + 1) * width]
                            .iter()
                            .copied()
                    })
                    .collect(),
                table,
            });
        if embedding.is_none() {
            info.features.embedding = 0;
        }
        let cues = cues_for(&info).unwrap_or(None);
        if cues.is_none() {
            info.features.cues = false;
            info.cues.clear();
        }
        let mut model = Model {
            normal: info.classes.iter().position(|c| c == NORMAL),
            segmenter: segmenter_for(&info.features, &dictionary),
            info,
            dictionary,
            buckets,
            stride,
            rows,
            scale,
            idf_scale,
            idf_unseen,
            embedding,
            cues,
        };
        model.info.version = String::new();
        let digest = xxh3_64(&model.to_bytes());
        model.info.version = format!("sms-{digest:016x}");
        model
    }

    /// The model shipped with fraudwall: trained on the English UCI SMS Spam Collection and the
    /// Chinese Telecom_Fraud_Texts_5 corpus. The latter is for research only, so this model is
    /// for non-commercial demonstration; see `models/README.md`.
    #[cfg(feature = "bundled-model")]
    pub fn bundled() -> Result<Model, ModelError> {
        Model::from_bytes(BUNDLED_MODEL)
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    pub fn version(&self) -> &str {
        &self.info.version
    }

    pub fn classes(&self) -> &[String] {
        &self.info.classes
    }

    /// The word-piece embedding table the model reads, if it has one: training a new model
    /// can reuse it.
    pub fn embeddings(&self) -> Option<&Arc<Embeddings>> {
        self.embedding.as_ref().map(|e| &e.table)
    }

    /// The index of `normal`, the legitimate class, if the model has it.
    pub fn normal_class(&self) -> Option<usize> {
        self.normal
    }

    /// The idf of the row at `row` (see [`Rows::index`]).
    #[inline]
    fn idf(&self, row: usize) -> f32 {
        if self.idf_scale == 0.0 {
            1.0
        } else {
            f32::from(self.rows.at(row)[0]) * self.idf_scale
        }
    }

    /// Normalizes and extracts the features of `text` into the scratch buffers, with their
    /// weights before the scaling to unit length; returns each group's scale, as
    /// [`crate::features::weigh`] computes it.
    #[inline(always)]
    fn featurize(&self, text: &str, scratch: &mut Scratch, explain: bool) -> [f32; 2] {
        let features = &self.info.features;
        scratch.normalizer.set_url_hosts(features.url_hosts);
        scratch
            .normalizer
            .normalize_into(text, &mut scratch.normalized);
        scratch.extractor.explain = explain;
        // Each distinct feature's row is found, and fetched into the cache, as the feature is
        // first counted: the fetches overlap the counting of the features that follow, and the
        // scoring then finds the rows in cache.
        scratch.extractor.extract_located(
            features,
            self.segmenter.as_ref(),
            self.cues.as_ref(),
            &scratch.normalized.text,
            scratch.normalized.shouting,
            |bucket| {
                let row = self.rows.index(bucket);
                self.rows.prefetch(row);
                row as u32
            },
        );
        let values = &mut scratch.values;
        values.clear();
        // Two sums, each a chain of additions in the order `weigh` makes them: adding zero
        // to a sum of squares leaves it exactly as it was, and spares a select per slot.
        let [mut chars, mut words] = [0f32; 2];
        // once, not a check of the lazy table per slot
        let term_weights: &[f32; 32] = &TERM_WEIGHTS;
        // an idf of 1 leaves the weight exactly as it was: without idf, no row is read here
        let idf = self.idf_scale != 0.0;
        let group_norm = features.group_norm;
        let slots = &scratch.extractor.slots;
        for slot in slots {
            let tf = match term_weights.get(slot.count as usize) {
                Some(&tf) => tf,
                None => term_weight(slot.count),
            };
            let v = if idf {
                tf * self.idf(slot.row as usize)
            } else {
                tf
            };
            let square = v * v;
            let words_group = group_index(group_norm, slot.group) == 1;
            chars += if words_group { 0.0 } else { square };
            words += if words_group { square } else { 0.0 };
            values.push(v);
        }
        group_scales([chars, words])
    }

    /// Calibrated class probabilities of `text`, in the order of [`Model::classes`]. Allocates
    /// nothing once the scratch buffers have grown.
    pub fn probabilities_with<'s>(&self, text: &str, scratch: &'s mut Scratch) -> &'s [f32] {
        self.scores(text, scratch, false)
    }

    /// [`Model::probabilities_with`], recording where each feature came from when `explain`.
    /// On a CPU with x86-64-v3's instructions, the same code compiled for them: hashing, row
    /// lookup (a population count) and the weighted sums take about a tenth fewer
    /// instructions. Both give the same bits; a test holds them to it.
    #[allow(unsafe_code)]
    fn scores<'s>(&self, text: &str, scratch: &'s mut Scratch, explain: bool) -> &'s [f32] {
        #[cfg(target_arch = "x86_64")]
        if *X86_64_V3 {
            // SAFETY: the CPU has every feature the function is compiled for, checked above
            return unsafe { self.scores_x86_64_v3(text, scratch, explain) };
        }
        self.scores_portable(text, scratch, explain)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
    fn scores_x86_64_v3<'s>(
        &self,
        text: &str,
        scratch: &'s mut Scratch,
        explain: bool,
    ) -> &'s [f32] {
        self.scores_portable(text, scratch, explain)
    }

    /// Inlined into each of [`Model::scores`]'s variants, with everything on the way, so that
    /// each is compiled for its instruction set.
    #[inline(always)]
    fn scores_portable<'s>(
        &self,
        text: &str,
        scratch: &'s mut Scratch,
        explain: bool,
    ) -> &'s [f32] {
        let scale = self.featurize(text, scratch, explain);
        let group_norm = self.info.features.group_norm;
        let classes = self.info.classes.len();
        let probs = &mut scratch.probabilities;
        probs.clear();
        // whole rows into a fixed-size accumulator: the compiler keeps it in vector registers
        // (the idf and padding lanes are ignored). Two classes to seven fit a row of 8, up to
        // fifteen (the taxonomy's thirteen types, spam and normal) a row of 16.
        let slots = &scratch.extractor.slots;
        let values = &mut scratch.values;
        let rows = &self.rows;
        match self.stride {
            8 => accumulate::<8>(rows, slots, values, scale, group_norm, classes, probs),
            16 => accumulate::<16>(rows, slots, values, scale, group_norm, classes, probs),
            _ => {
                probs.resize(classes, 0.0);
                for (slot, v) in slots.iter().zip(values.iter_mut()) {
                    *v *= scale[group_index(group_norm, slot.group)];
                    let v = *v;
                    let row = &rows.at(slot.row as usize)[1..=classes];
                    for (p, &q) in probs.iter_mut().zip(row) {
                        *p += v * f32::from(q);
                    }
                }
            }
        }
        let t = self.info.temperature;
        for (p, b) in probs.iter_mut().zip(&self.info.bias) {
            *p = *p * self.scale + b;
        }
        if let Some(e) = &self.embedding {
            let dense = &mut scratch.dense;
            let weight = self.info.features.embedding_weight();
            if e.table
                .embed(&scratch.normalized.text, weight, &mut scratch.embed, dense)
            {
                for (p, w) in probs.iter_mut().zip(e.weights.chunks_exact(dense.len())) {
                    *p += dot(dense, w);
                }
            }
        }
        for p in probs.iter_mut() {
            *p *= t;
        }
        softmax_in_place(probs);
        probs
    }

    /// Classifies one message. For many, use [`Model::classify_with`] and one [`Scratch`].
    pub fn classify(&self, text: &str) -> Prediction {
        self.classify_with(text, &mut Scratch::new(), DEFAULT_REASONS)
    }

    /// Classifies one message, with up to `reasons` reasons.
    pub fn classify_with(&self, text: &str, scratch: &mut Scratch, reasons: usize) -> Prediction {
        let probabilities = self.scores(text, scratch, reasons > 0).to_vec();
        let class = (0..probabilities.len())
            .max_by(|a, b| {
                probabilities[*a]
                    .total_cmp(&probabilities[*b])
                    .then(b.cmp(a))
            })
            .unwrap_or(0);
        let reference = match self.normal {
            Some(n) if n != class => Some(n),
            _ => (0..probabilities.len())
                .filter(|c| *c != class)
                .max_by(|a, b| {
                    probabilities[*a]
                        .total_cmp(&probabilities[*b])
                        .then(b.cmp(a))
                }),
        };
        let reasons = match reference {
            Some(reference) if reasons > 0 => self.reasons(scratch, class, reference, reasons),
            _ => Vec::new(),
        };
        Prediction {
            label: self.info.classes[class].clone(),
            class,
            confidence: probabilities[class],
            probabilities,
            reasons,
            entities: scratch.normalized.entities.clone(),
        }
    }

    fn reasons(
        &self,
        scratch: &mut Scratch,
        class: usize,
        reference: usize,
        limit: usize,
    ) -> Vec<Reason> {
        let contributions = &mut scratch.contributions;
        contributions.clear();
        for (i, (slot, &v)) in scratch
            .extractor
            .slots
            .iter()
            .zip(&scratch.values)
            .enumerate()
        {
            let row = &self.rows.at(slot.row as usize)[1..];
            let delta = f32::from(row[class]) - f32::from(row[reference]);
            let c = v * delta * self.scale;
            if c > 0.0 {
                contributions.push((c, i));
            }
        }
        let order = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        // only the head is read: more than asked for, since equal tokens are merged and tokens
        // that name nothing meaningful (punctuation, function words, fragments) are passed over
        let head = (limit * 12).max(32);
        if contributions.len() > head {
            contributions.select_nth_unstable_by(head, order);
            contributions.truncate(head);
        }
        contributions.sort_unstable_by(order);
        let text = &scratch.normalized.text;
        let mut out: Vec<Reason> = Vec::with_capacity(limit);
        for &(weight, i) in contributions.iter() {
            if out.len() >= limit {
                break;
            }
            let source = scratch.extractor.sources[i];
            if matches!(
                source.kind,
                FeatureKind::Length
                    | FeatureKind::Shouting
                    | FeatureKind::Punctuation
                    | FeatureKind::LatinChars
            ) {
                continue;
            }
            let token = if source.kind == FeatureKind::EntityKind {
                // the feature is the kind, not the shape its placeholder shows
                let placeholder = text
                    .get(source.start as usize..source.end as usize)
                    .and_then(|t| t.chars().next())
                    .and_then(crate::normalize::Placeholder::from_char);
                placeholder.map_or_else(String::new, |p| format!("<{}>", p.kind().as_str()))
            } else {
                display(
                    text.get(source.start as usize..source.end as usize)
                        .unwrap_or(""),
                )
            };
            if !crate::meaning::is_meaningful(source.kind, &token)
                || out.iter().any(|r| r.token == token)
            {
                continue;
            }
            out.push(Reason {
                token,
                kind: source.kind,
                weight,
            });
        }
        out
    }
}

/// Sums each feature's value times its row into `probs`, for rows of `S` lanes; scales the
/// values to unit length per group on the way, as the scoring that follows expects.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn accumulate<const S: usize>(
    rows: &Rows,
    slots: &[crate::features::Slot],
    values: &mut [f32],
    scale: [f32; 2],
    group_norm: bool,
    classes: usize,
    probs: &mut Vec<f32>,
) {
    let mut acc = [0f32; S];
    for (slot, v) in slots.iter().zip(values.iter_mut()) {
        *v *= scale[group_index(group_norm, slot.group)];
        let v = *v;
        if let Some(row) = rows
            .data
            .get(rows.start + slot.row as usize * S..)
            .and_then(|r| r.get(..S))
        {
            for (a, &q) in acc.iter_mut().zip(row) {
                *a += v * f32::from(q);
            }
        }
    }
    probs.extend_from_slice(&acc[1..=classes]);
}

/// A dot product in eight independent sums, which the compiler keeps in vector registers.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (a_chunks, b_chunks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// Rows are padded to a power of two, so no row straddles two cache lines.
fn stride_for(classes: usize) -> usize {
    let stride = classes + 1;
    if stride <= 16 {
        stride.next_power_of_two()
    } else {
        stride
    }
}

/// The model's own cue lexicon, compiled, when its features use cues.
fn cues_for(info: &ModelInfo) -> Result<Option<Cues>, ModelError> {
    if !info.features.cues {
        return Ok(None);
    }
    Cues::parse(&info.cues)
        .map(Some)
        .map_err(|e| ModelError::Inconsistent(format!("cue lexicon: {e}")))
}

fn segmenter_for(features: &FeatureConfig, dictionary: &str) -> Option<Segmenter> {
    (features.cjk_words && !dictionary.is_empty()).then(|| Segmenter::from_dictionary(dictionary))
}

fn quantize(v: f32, scale: f32) -> i16 {
    if scale > 0.0 {
        (v / scale).round().clamp(-32767.0, 32767.0) as i16
    } else {
        0
    }
}

#[cfg(feature = "bundled-model")]
static BUNDLED_MODEL: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/sms-default.fwm"
));

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn tiny_model() -> Model {
        let features = FeatureConfig {
            bits: 16,
            cjk_words: false,
            cues: false,
            ..FeatureConfig::default()
        };
        let info = ModelInfo {
            version: String::new(),
            created_by: "test".into(),
            feature_hash_version: FEATURE_HASH_VERSION,
            classes: vec!["normal".into(), "spam".into()],
            features,
            learner: Learner::LinearSvm { c: 1.0 },
            temperature: 1.0,
            bias: vec![0.0, 0.0],
            training: TrainingSummary::default(),
            validation: None,
            cues: String::new(),
        };
        let buckets = 1 << 16;
        let mut w = Weights {
            classes: 2,
            buckets,
            w: vec![0.0; 2 * buckets],
            bias: vec![0.5, -0.5],
        };
        // make "prize" push towards spam
        let mut ex = Extractor::explaining();
        ex.extract(&info.features, None, None, "prize", 0);
        for (s, _) in ex
            .slots
            .iter()
            .zip(&ex.sources)
            .filter(|(_, source)| source.kind == FeatureKind::LatinWord)
        {
            w.w[buckets + s.bucket as usize] = 3.0;
            w.w[s.bucket as usize] = -3.0;
        }
        let mut idf = vec![1.5; buckets];
        idf[0] = 1.2;
        Model::from_weights(info, String::new(), &w, Some((&idf, 2.0)), None)
    }

    #[test]
    fn stored_rows_read_as_the_dense_table() {
        let stride = 8;
        let unseen = 7;
        let mut dense = vec![0i16; 1024 * stride];
        for (b, row) in dense.chunks_exact_mut(stride).enumerate() {
            row[0] = unseen;
            if b % 3 == 0 || b % 64 == 63 {
                row[1 + b % 5] = b as i16;
            }
            if b % 7 == 0 {
                row[0] = 1;
            }
        }
        let rows = Rows::from_dense(&dense, stride, unseen);
        for (b, row) in dense.chunks_exact(stride).enumerate() {
            assert_eq!(rows.row(b as u32), row, "bucket {b}");
        }
        assert_eq!(rows.row(1 << 20), &[unseen, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(std::ptr::from_ref(rows.at(0)).cast::<u8>() as usize % 64, 0);
    }

    #[test]
    fn round_trips_through_bytes() {
        let m = tiny_model();
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).expect("loads");
        assert_eq!(back.info, m.info);
        assert_eq!(back.rows, m.rows);
        assert_eq!(back.to_bytes(), bytes);
        assert!(m.version().starts_with("sms-"));
    }

    #[test]
    fn classifies_with_reasons_and_entities() {
        let m = tiny_model();
        let p = m.classify("You won a PRIZE, visit www.win.com");
        assert_eq!(p.label, "spam");
        assert!(p.confidence > 0.5);
        assert!((p.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert_eq!(p.reasons.len(), 1, "{:?}", p.reasons);
        assert_eq!(p.reasons[0].token, "prize");
        assert_eq!(p.entities.len(), 1);
        assert!((p.risk(&m) - p.probabilities[1]).abs() < 1e-6);
        let q = m.classify("see you at lunch");
        assert_eq!(q.label, "normal");
    }

    /// Reasons an analyst can read: words and entities, never punctuation, white space, a
    /// lone function character or a sub-word fragment.
    #[cfg(feature = "bundled-model")]
    #[test]
    fn the_bundled_models_reasons_name_words_and_entities() {
        let model = Model::bundled().unwrap();
        let mut scratch = Scratch::new();
        for text in [
            "我是你领导，明天来我办公室一趟，先加我微信，我有事找你。",
            "尊敬的用户，您好！我是某平台客服，您的账户被误升级为会员，请按提示操作取消，否则每月扣费。",
            "您好，我们公司可提供无抵押贷款，最高额度50万元，请联系我。",
            "URGENT! You have won a 1 week FREE membership in our £100,000 Prize Jackpot! Txt the word: CLAIM to No: 81010",
            "ok, see you at the station at 7, bring the umbrella",
        ] {
            let p = model.classify_with(text, &mut scratch, 5);
            assert!(!p.reasons.is_empty(), "{text}: no reasons");
            for reason in &p.reasons {
                let token = reason.token.trim();
                assert!(
                    token.chars().any(char::is_alphanumeric) || token.starts_with('<'),
                    "{text}: {reason:?}"
                );
                assert!(
                    !matches!(
                        token,
                        "," | "。" | "，" | "我" | "你" | "的" | "了" | "我是" | "to" | "the" | "a"
                    ),
                    "{text}: {reason:?}"
                );
                let cjk_single = token.chars().count() == 1 && !token.is_ascii();
                assert!(!cjk_single, "{text}: {reason:?}");
                assert!(
                    !matches!(
                        reason.kind,
                        FeatureKind::Punctuation
                            | FeatureKind::Length
                            | FeatureKind::Shouting
                            | FeatureKind::LatinChars
                    ),
                    "{text}: {reason:?}"
                );
            }
        }
    }

    #[test]
    fn rejects_damaged_files_with_codes() {
        let bytes = tiny_model().to_bytes();
        let code = |b: &[u8]| Model::from_bytes(b).err().map(|e| e.code());
        assert_eq!(code(&bytes[..10]), Some("model_truncated"));
        assert_eq!(code(b"not a model file at all"), Some("model_not_a_model"));
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 1;
        assert_eq!(code(&flipped), Some("model_checksum_mismatch"));
        let mut future = bytes.clone();
        future[8] = 99;
        assert_eq!(code(&future), Some("model_unsupported_format"));
        // a consistent checksum over a cut body still fails on the sizes
        let mut cut = bytes[..bytes.len() - 100].to_vec();
        let sum = xxh3_64(&cut);
        cut.extend_from_slice(&sum.to_le_bytes());
        assert_eq!(code(&cut), Some("model_truncated"));
    }

    /// A file with `info` as its header and no weights, with a correct checksum.
    fn file_with_header(info: &ModelInfo, stride: usize) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let header = serde_json::to_vec(info).expect("serializes");
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(info.features.buckets() as u32).to_le_bytes());
        out.extend_from_slice(&(stride as u32).to_le_bytes());
        for v in [1f32, 0.0, 0.0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend(std::iter::repeat_n(
            0u8,
            info.features.buckets().div_ceil(8),
        ));
        // no embedding
        out.extend_from_slice(&0u32.to_le_bytes());
        let sum = xxh3_64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// The tiny model with an embedding: the sum of "free" and "prize" points towards spam.
    fn tiny_model_with_embedding() -> Model {
        tiny_model_with_table(crate::embed::tests::tiny_table())
    }

    fn tiny_model_with_table(table: Embeddings) -> Model {
        let table = Arc::new(table);
        let base = tiny_model();
        let mut info = base.info.clone();
        info.features.embedding = 150;
        let buckets = info.features.buckets();
        let dims = table.dims();
        let width = buckets + dims;
        let mut w = Weights {
            classes: 2,
            buckets: width,
            w: vec![0.0; 2 * width],
            bias: info.bias.clone(),
        };
        let mut scratch = EmbedScratch::default();
        let mut spam = Vec::new();
        table.embed("free prize", 1.0, &mut scratch, &mut spam);
        for (d, v) in spam.iter().enumerate() {
            w.w[width + buckets + d] = 4.0 * v;
            w.w[buckets + d] = -4.0 * v;
        }
        Model::from_weights(info, String::new(), &w, None, Some(table))
    }

    #[test]
    fn the_embedding_moves_scores_and_round_trips() {
        let m = tiny_model_with_embedding();
        assert_eq!(m.info.features.embedding, 150);
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).expect("loads");
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.embeddings().map(|t| t.dims()), Some(4));
        let p = back.classify("free prize");
        assert_eq!(p.label, "spam", "{p:?}");
        // no known piece: the embedding adds nothing, and the biases decide
        let q = back.classify("zzz");
        assert_eq!(q.label, "normal", "{q:?}");
        // the header's weight and the section must agree
        let mut info = m.info.clone();
        info.features.embedding = 0;
        let mut header_says_none = m;
        header_says_none.info = info;
        let err = Model::from_bytes(&header_says_none.to_bytes()).unwrap_err();
        assert_eq!(err.code(), "model_inconsistent");
    }

    #[test]
    fn a_unigram_table_makes_a_format_3_file() {
        let m = tiny_model_with_table(crate::embed::tests::tiny_unigram_table());
        let bytes = m.to_bytes();
        assert_eq!(bytes[8..12], 3u32.to_le_bytes());
        let back = Model::from_bytes(&bytes).expect("loads");
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(
            back.embeddings().map(|t| t.tokenizer()),
            Some(crate::Tokenizer::Unigram)
        );
        assert_eq!(back.classify("free prize").label, "spam");
        // a word-piece table keeps format 2, which older builds read
        let old = tiny_model_with_embedding().to_bytes();
        assert_eq!(old[8..12], 2u32.to_le_bytes());
    }

    #[test]
    fn reads_format_one_files() {
        // format 1 had no embedding section: the bundled model of earlier releases
        let m = tiny_model();
        let mut bytes = m.to_bytes();
        bytes.truncate(bytes.len() - 12);
        bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
        let sum = xxh3_64(&bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        let back = Model::from_bytes(&bytes).expect("loads");
        assert_eq!(back.rows, m.rows);
        assert!(back.embeddings().is_none());
    }

    #[test]
    fn refuses_headers_beyond_the_limits_before_allocating() {
        let mut info = tiny_model().info.clone();
        // many classes, with no stored rows: loads
        info.features.bits = 16;
        info.classes = (0..15).map(|c| format!("c{c}")).collect();
        info.classes[0] = NORMAL.into();
        info.bias = vec![0.0; 15];
        assert!(Model::from_bytes(&file_with_header(&info, 16)).is_ok());
        // 2^24 rows of 257 weights would be 8 GiB: refused from the header alone
        info.features.bits = 24;
        info.classes = (0..=MAX_CLASSES).map(|c| format!("c{c}")).collect();
        info.bias = vec![0.0; MAX_CLASSES + 1];
        let err = Model::from_bytes(&file_with_header(&info, MAX_CLASSES + 2)).unwrap_err();
        assert_eq!(err.code(), "model_inconsistent");
        assert!(err.to_string().contains("limits"), "{err}");
        info.classes.truncate(200);
        info.bias.truncate(200);
        let err = Model::from_bytes(&file_with_header(&info, 201)).unwrap_err();
        assert!(err.to_string().contains("limits"), "{err}");
    }

    #[test]
    fn never_panics_on_any_text() {
        let m = tiny_model();
        let mut scratch = Scratch::new();
        for text in [
            "",
            " ",
            "\u{0}",
            "\u{E001}",
            "😀😀",
            "a\u{300}\u{300}\u{300}",
            &"x".repeat(100_000),
        ] {
            let p = m.classify_with(text, &mut scratch, 3);
            assert!(p.confidence.is_finite());
        }
    }

    #[cfg(feature = "bundled-model")]
    #[test]
    fn bundled_model_loads() {
        let m = Model::bundled().expect("bundled model loads");
        assert!(m.classes().iter().any(|c| c == NORMAL));
        assert!(m.info().validation.is_some());
    }

    /// The scoring compiled for the CPU's instructions must give the portable scoring's bits,
    /// or a model's figures would depend on the machine that measured them.
    #[cfg(feature = "bundled-model")]
    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        let model = Model::bundled().expect("bundled model loads");
        let mut texts: Vec<String> = [
            "",
            "ＷＩＮ a £1000 prize! 加 V 信 13800138000",
            "【招商银行】您账户8836于06月03日19:42扣款人民币46.80元",
            "您好，我是京东金融客服，您的账户需要注销，请添加QQ 123456789 办理",
            "URGENT! Your account is suspended, verify at http://hsbc-secure.top/login now",
            "w e i x i n  加 好 友  送 红 包",
        ]
        .map(String::from)
        .to_vec();
        let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/sms/dev/");
        for language in ["zh", "en"] {
            let mut reader =
                csv::Reader::from_path(format!("{dev}{language}.csv")).expect("dev set");
            texts.extend(reader.records().map(|r| r.expect("dev row")[1].to_owned()));
        }
        assert!(texts.len() > 500, "the dev set was read");
        let (mut dispatched, mut portable) = (Scratch::new(), Scratch::new());
        for text in &texts {
            let a: Vec<u32> = model
                .scores(text, &mut dispatched, false)
                .iter()
                .map(|p| p.to_bits())
                .collect();
            let b: Vec<u32> = model
                .scores_portable(text, &mut portable, false)
                .iter()
                .map(|p| p.to_bits())
                .collect();
            assert_eq!(a, b, "{text}");
        }
    }
}
