//! Hashed sparse features of normalized text.
//!
//! Chinese runs give character n-grams and dictionary words; Latin runs give words, word bigrams
//! and character n-grams of each word; placeholders and punctuation give a feature each. Every
//! feature is hashed into a fixed number of buckets, so a model is a dense table whose size does
//! not grow with the vocabulary, and scoring needs no vocabulary lookup.
//!
//! The hash functions are part of the model format: changing them needs a new
//! [`FEATURE_HASH_VERSION`].

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::cues::Cues;
use crate::normalize::{Placeholder, is_cjk};
use crate::segment::{SegmentScratch, Segmenter};

/// Bumped whenever a feature would hash to a different bucket.
pub const FEATURE_HASH_VERSION: u32 = 1;

/// Which features to extract and how to weight them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FeatureConfig {
    /// The table has `2^bits` buckets.
    pub bits: u8,
    /// Character n-gram lengths inside CJK runs, inclusive; `[0, 0]` for none.
    pub cjk_chars: [u8; 2],
    /// Dictionary words (jieba) of two characters or more inside CJK runs.
    pub cjk_words: bool,
    /// Latin word n-grams: 0 for none, 1 for words, 2 for words and bigrams.
    pub latin_words: u8,
    /// Character n-gram lengths inside Latin words padded with a space, inclusive.
    pub latin_chars: [u8; 2],
    /// Inverse document frequency weighting, learned from the training data.
    pub idf: bool,
    /// Character and word features are scaled to unit length separately, so long messages'
    /// many character n-grams do not drown their few words.
    pub group_norm: bool,
    /// The message's length (in powers of two) as a feature. Off by default: in the shipped
    /// corpora the fraud texts are longer than the legitimate ones, which real traffic does not
    /// bear out, so length teaches a model the corpus rather than fraud.
    #[serde(default)]
    pub length: bool,
    /// Dictionary words that start within the first `opening_words` bytes of the normalized
    /// text (120 bytes is 40 Chinese characters) count a second time, as opening words. A
    /// message's opening says who is speaking ("我是公安局的民警", "您好，我是京东金融客服"),
    /// which is what tells one fraud type from another; 0 turns them off.
    #[serde(default)]
    pub opening_words: u16,
    /// The weight, in hundredths, of the message's word-piece embedding (see
    /// [`crate::Embeddings`]) beside the hashed features; 0 turns it off. It needs a table:
    /// training without one turns it off. Naive Bayes, which counts, never uses it.
    #[serde(default)]
    pub embedding: u16,
    /// The words of a link's host name follow its placeholder in the normalized text, so
    /// `claim-prize.co.uk` reads as the words `claim prize co uk` (see
    /// [`crate::Normalizer::set_url_hosts`]). Training needs every candidate to agree, since
    /// the messages are normalized once. Off by default: on the shipped corpora it changed
    /// nothing (five dealings of nested 5-fold cross-validation: English spam F1 0.9646
    /// against 0.9648, Chinese macro-F1 0.9797 against 0.9801), where few links carry words;
    /// a centre whose fraud comes as links to look-alike domains may turn it on.
    #[serde(default)]
    pub url_hosts: bool,
    /// Cues (see [`crate::Cues`]): one feature per trick the message plays, whatever its
    /// wording. Off in models from before they existed.
    #[serde(default)]
    pub cues: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            // Chinese and English features share the table. Over five dealings of nested
            // 5-fold cross-validation on both corpora together, English spam F1 was 0.9630,
            // 0.9648 and 0.9656 at 17, 18 and 19 bits, Chinese unchanged (0.9802, 0.9801,
            // 0.9803): fewer collisions between the languages' n-grams. The model's rows take
            // 8 MB at 19 bits.
            bits: 19,
            cjk_chars: [1, 2],
            cjk_words: true,
            // Word pairs and single characters rank English spam better than longer character
            // n-grams: over eight differently dealt 5-fold splits, spam F1 0.9620 against 0.9587
            // for words and character 2-4-grams, with Chinese unchanged. Dropping 4-grams also
            // leaves fewer weight rows to fetch, so it is no slower.
            latin_words: 2,
            latin_chars: [1, 3],
            idf: false,
            group_norm: true,
            length: false,
            opening_words: 120,
            embedding: 100,
            url_hosts: false,
            cues: true,
        }
    }
}

impl FeatureConfig {
    pub fn buckets(&self) -> usize {
        1usize << self.bits
    }

    /// The embedding's weight as a factor.
    pub(crate) fn embedding_weight(&self) -> f32 {
        f32::from(self.embedding) / 100.0
    }

    /// This configuration with the settings a JSON object names replaced, such as
    /// `{"cjk_chars": [2, 2], "opening_words": 0}`. A name that is not a setting, a value of
    /// the wrong type or a result that is not a valid configuration is an error.
    pub fn with_overrides(&self, overrides: &str) -> Result<FeatureConfig, String> {
        let patch: serde_json::Value = serde_json::from_str(overrides)
            .map_err(|e| format!("feature settings are not JSON: {e}"))?;
        let serde_json::Value::Object(patch) = patch else {
            return Err("feature settings must be a JSON object".into());
        };
        let mut value = serde_json::to_value(self).map_err(|e| e.to_string())?;
        let fields = value
            .as_object_mut()
            .ok_or("feature settings do not serialize to an object")?;
        for (name, setting) in patch {
            if !fields.contains_key(&name) {
                let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                return Err(format!(
                    "unknown feature setting {name:?}; the settings are {}",
                    known.join(", ")
                ));
            }
            fields.insert(name, setting);
        }
        let config: FeatureConfig =
            serde_json::from_value(value).map_err(|e| format!("feature settings: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if !(8..=24).contains(&self.bits) {
            return Err(format!("bits must be within 8..=24, got {}", self.bits));
        }
        for (name, [lo, hi]) in [
            ("cjk_chars", self.cjk_chars),
            ("latin_chars", self.latin_chars),
        ] {
            if (lo == 0) != (hi == 0) || lo > hi || hi > 8 {
                return Err(format!(
                    "{name} must be [0, 0] or 1 <= min <= max <= 8, got [{lo}, {hi}]"
                ));
            }
        }
        if self.embedding > 1000 {
            return Err(format!(
                "embedding must be within 0..=1000 hundredths, got {}",
                self.embedding
            ));
        }
        if self.latin_words > 2 {
            return Err(format!(
                "latin_words must be 0, 1 or 2, got {}",
                self.latin_words
            ));
        }
        Ok(())
    }
}

/// What produced a feature, for explaining a classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    CjkChars,
    CjkWord,
    OpeningWord,
    LatinWord,
    LatinBigram,
    LatinChars,
    Placeholder,
    EntityKind,
    Punctuation,
    Length,
    Shouting,
    Cue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Source {
    pub kind: FeatureKind,
    /// Byte range in the normalized text.
    pub start: u32,
    pub end: u32,
}

const GROUP_CHARS: u8 = 0;
const GROUP_WORDS: u8 = 1;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot {
    pub bucket: u32,
    pub count: u32,
    /// What [`Extractor::extract_located`] located the bucket at (a model's row).
    pub row: u32,
    pub group: u8,
}

/// Reusable buffers for feature extraction.
#[derive(Debug, Clone)]
pub(crate) struct Extractor {
    pub slots: Vec<Slot>,
    /// Where each slot's feature first occurred, when `explain` is set: only reasons read it.
    pub sources: Vec<Source>,
    pub explain: bool,
    /// Every feature occurrence, in order, as `(bucket, group)`: counted into `slots` at the
    /// end. Whether a feature is new is a coin toss that the branch predictor loses; a loop
    /// over buckets already hashed finds out a few cycles after the branch, not after a chain
    /// of multiplications, so each miss costs less.
    found: Vec<(u32, u8)>,
    /// The source of each of `found`, when `explain` is set.
    found_sources: Vec<Source>,
    /// Deduplicates buckets: `(bucket | epoch, index in slots)`. Entries left by earlier
    /// extractions have an older epoch and read as empty, so the table needs no clearing.
    table: Vec<(u32, u32)>,
    /// The current epoch, in the bits above any bucket's.
    epoch: u32,
    run: Vec<(u32, char)>,
    padded: Vec<(u32, char)>,
    segment: SegmentScratch,
    cue_occurrences: Vec<crate::phrases::Occurrence>,
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor {
            slots: Vec::with_capacity(512),
            sources: Vec::new(),
            explain: false,
            found: Vec::with_capacity(1024),
            found_sources: Vec::new(),
            table: vec![(0, 0); 1024],
            epoch: EPOCH_ONE,
            run: Vec::with_capacity(256),
            padded: Vec::with_capacity(64),
            segment: SegmentScratch::default(),
            cue_occurrences: Vec::with_capacity(32),
        }
    }
}

const K1: u64 = 0x9E37_79B9_7F4A_7C15;
const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;

#[inline]
fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

#[inline]
fn hash_chars(seed: u64, chars: impl Iterator<Item = char>) -> u64 {
    let mut h = seed.wrapping_mul(K1);
    for c in chars {
        h = (h ^ u64::from(c as u32)).wrapping_mul(K2);
        h ^= h >> 29;
    }
    fmix(h)
}

const NGRAM_START: u64 = 0x2545_F491_4F6C_DD1D;

#[inline]
fn ngram_step(acc: u64, c: char) -> u64 {
    let x = (acc ^ u64::from(c as u32)).wrapping_mul(K2);
    x ^ (x >> 29)
}

/// The n-gram's hash from the running state; the seed tells n-grams of each length apart.
#[inline]
fn ngram_hash(acc: u64, seed: u64) -> u64 {
    fmix(acc ^ seed.wrapping_mul(K1))
}

#[inline]
fn hash_str(seed: u64, s: &str) -> u64 {
    xxh3_64_with_seed(s.as_bytes(), seed)
}

// Seeds keep features of different kinds apart: the word "qq" and the bigram "qq" differ.
const SEED_CJK_CHARS: u64 = 0x10;
const SEED_CJK_WORD: u64 = 0x20;
const SEED_OPENING_WORD: u64 = 0x21;
const SEED_LATIN_WORD: u64 = 0x30;
const SEED_LATIN_BIGRAM: u64 = 0x31;
const SEED_LATIN_CHARS: u64 = 0x40;
const SEED_PLACEHOLDER: u64 = 0x50;
const SEED_ENTITY_KIND: u64 = 0x51;
const SEED_PUNCT: u64 = 0x60;
const SEED_LENGTH: u64 = 0x70;
const SEED_SHOUTING: u64 = 0x71;

impl Extractor {
    /// An extractor that records sources.
    #[cfg(test)]
    pub fn explaining() -> Self {
        Extractor {
            explain: true,
            ..Extractor::default()
        }
    }

    fn clear(&mut self) {
        self.epoch = match self.epoch.checked_add(EPOCH_ONE) {
            Some(epoch) => epoch,
            None => {
                self.table.fill((0, 0));
                EPOCH_ONE
            }
        };
        self.slots.clear();
        self.sources.clear();
        self.found.clear();
        self.found_sources.clear();
    }

    #[inline]
    fn add<const EXPLAIN: bool>(&mut self, bits: u8, hash: u64, group: u8, source: Source) {
        let bucket = (hash >> (64 - u32::from(bits))) as u32;
        self.found.push((bucket, group));
        if EXPLAIN {
            self.found_sources.push(source);
        }
    }

    /// Counts `found` into `slots`, in order of first occurrence, and `locate`s each slot's
    /// bucket into its `row`.
    #[inline(always)]
    fn count<const EXPLAIN: bool>(&mut self, mut locate: impl FnMut(u32) -> u32) {
        let Extractor {
            found,
            found_sources,
            table,
            slots,
            sources,
            epoch,
            ..
        } = self;
        let epoch = *epoch;
        // the table's size changes only when it grows
        let mut mask = table.len() - 1;
        for (k, &(bucket, group)) in found.iter().enumerate() {
            let key = bucket | epoch;
            let mut pos = table_pos(bucket, mask);
            loop {
                let (entry, index) = table[pos];
                if entry == key {
                    slots[index as usize].count += 1;
                    break;
                }
                if entry & EPOCH_MASK != epoch {
                    table[pos] = (key, slots.len() as u32);
                    slots.push(Slot {
                        bucket,
                        count: 1,
                        row: locate(bucket),
                        group,
                    });
                    if EXPLAIN {
                        sources.push(found_sources[k]);
                    }
                    if slots.len() * 2 > table.len() {
                        grow(table, slots, epoch);
                        mask = table.len() - 1;
                    }
                    break;
                }
                pos = (pos + 1) & mask;
            }
        }
    }

    /// Extracts the features of one normalized text into `self.slots`, with their counts.
    pub fn extract(
        &mut self,
        config: &FeatureConfig,
        segmenter: Option<&Segmenter>,
        cues: Option<&Cues>,
        text: &str,
        shouting: u8,
    ) {
        self.extract_located(config, segmenter, cues, text, shouting, |_| 0);
    }

    /// [`Extractor::extract`], with `locate` called on each distinct bucket as it is first
    /// found, its result kept as the slot's `row`. A model finds its weight row there, and asks
    /// the cache for it: the fetch then overlaps the counting of the features that follow.
    #[inline(always)]
    pub fn extract_located(
        &mut self,
        config: &FeatureConfig,
        segmenter: Option<&Segmenter>,
        cues: Option<&Cues>,
        text: &str,
        shouting: u8,
        locate: impl FnMut(u32) -> u32,
    ) {
        // sources are recorded only for reasons: the usual scoring is compiled without them
        if self.explain {
            self.extract_with::<true>(config, segmenter, cues, text, shouting, locate);
        } else {
            self.extract_with::<false>(config, segmenter, cues, text, shouting, locate);
        }
    }

    #[inline(always)]
    fn extract_with<const EXPLAIN: bool>(
        &mut self,
        config: &FeatureConfig,
        segmenter: Option<&Segmenter>,
        cues: Option<&Cues>,
        text: &str,
        shouting: u8,
        locate: impl FnMut(u32) -> u32,
    ) {
        self.clear();
        if let Some(cues) = cues.filter(|_| config.cues) {
            let bits = config.bits;
            let mut occurrences = std::mem::take(&mut self.cue_occurrences);
            cues.scan(text, &mut occurrences, |hash, start, end| {
                let source = Source {
                    kind: FeatureKind::Cue,
                    start,
                    end,
                };
                self.add::<EXPLAIN>(bits, hash, GROUP_WORDS, source);
            });
            self.cue_occurrences = occurrences;
        }
        let bits = config.bits;
        let mut latin_start: Option<usize> = None;
        let mut chunk_start: Option<usize> = None;
        let mut prev_token: Option<(u64, u32)> = None;
        let mut run_start: Option<usize> = None;
        let mut run_has_cjk = false;
        let mut nchars = 0u32;
        self.run.clear();
        let mut iter = text.char_indices().peekable();
        loop {
            let next = iter.next();
            let (at, c) = match next {
                Some((at, c)) => (at, Some(c)),
                None => (text.len(), None),
            };
            nchars += u32::from(c.is_some());
            let placeholder = c.and_then(Placeholder::from_char);
            let cjk = c.is_some_and(is_cjk);
            let word_char = !cjk
                && placeholder.is_none()
                && c.is_some_and(|c| {
                    if c.is_ascii() {
                        c.is_ascii_alphanumeric()
                    } else {
                        c.is_alphanumeric()
                    }
                });

            if let Some(start) = latin_start
                && !word_char
            {
                self.latin_word::<EXPLAIN>(config, &text[start..at], start, &mut prev_token);
                latin_start = None;
            }
            // character n-grams read whole space-delimited chunks, punctuation included
            // ("£", "txt:", "!!" are signals)
            let chunk_char = c.is_some_and(|c| c != ' ') && !cjk && placeholder.is_none();
            if let Some(start) = chunk_start
                && !chunk_char
            {
                self.latin_chars::<EXPLAIN>(config, &text[start..at], start);
                chunk_start = None;
            }
            if chunk_char {
                chunk_start.get_or_insert(at);
            }
            if run_start.is_some() && !(cjk || placeholder.is_some()) {
                if run_has_cjk {
                    self.cjk_run::<EXPLAIN>(config, segmenter.filter(|_| config.cjk_words), text);
                }
                self.run.clear();
                run_start = None;
                run_has_cjk = false;
            }
            let Some(c) = c else { break };
            if cjk || placeholder.is_some() {
                run_start.get_or_insert(at);
                run_has_cjk |= cjk;
                self.run.push((at as u32, c));
            }
            if cjk {
                prev_token = None;
            }
            let end = (at + c.len_utf8()) as u32;
            if let Some(p) = placeholder {
                let source = Source {
                    kind: FeatureKind::Placeholder,
                    start: at as u32,
                    end,
                };
                let h = hash_chars(SEED_PLACEHOLDER, std::iter::once(c));
                self.add::<EXPLAIN>(bits, h, GROUP_WORDS, source);
                let kind = Source {
                    kind: FeatureKind::EntityKind,
                    ..source
                };
                self.add::<EXPLAIN>(
                    bits,
                    hash_str(SEED_ENTITY_KIND, p.kind().as_str()),
                    GROUP_WORDS,
                    kind,
                );
                if config.latin_words > 0 {
                    self.bigram::<EXPLAIN>(config, h, at as u32, end, &mut prev_token);
                }
            } else if word_char {
                latin_start.get_or_insert(at);
            } else if !cjk && c != ' ' {
                let source = Source {
                    kind: FeatureKind::Punctuation,
                    start: at as u32,
                    end,
                };
                self.add::<EXPLAIN>(
                    bits,
                    hash_chars(SEED_PUNCT, std::iter::once(c)),
                    GROUP_WORDS,
                    source,
                );
            }
        }
        let source = Source {
            kind: FeatureKind::Length,
            start: 0,
            end: 0,
        };
        if config.length {
            // message length, in powers of two
            let length = u64::from(32 - nchars.leading_zeros());
            self.add::<EXPLAIN>(
                bits,
                fmix(SEED_LENGTH.wrapping_mul(K1) ^ length),
                GROUP_WORDS,
                source,
            );
        }
        if shouting > 0 {
            let source = Source {
                kind: FeatureKind::Shouting,
                ..source
            };
            self.add::<EXPLAIN>(
                bits,
                fmix(SEED_SHOUTING.wrapping_mul(K1) ^ u64::from(shouting.min(4))),
                GROUP_WORDS,
                source,
            );
        }
        self.count::<EXPLAIN>(locate);
    }

    #[inline(always)]
    fn bigram<const EXPLAIN: bool>(
        &mut self,
        config: &FeatureConfig,
        h: u64,
        start: u32,
        end: u32,
        prev: &mut Option<(u64, u32)>,
    ) {
        if config.latin_words >= 2
            && let Some((ph, pstart)) = *prev
        {
            let source = Source {
                kind: FeatureKind::LatinBigram,
                start: pstart,
                end,
            };
            self.add::<EXPLAIN>(
                config.bits,
                fmix(SEED_LATIN_BIGRAM ^ ph.wrapping_mul(K1) ^ h.wrapping_mul(K2)),
                GROUP_WORDS,
                source,
            );
        }
        *prev = Some((h, start));
    }

    #[inline(always)]
    fn latin_word<const EXPLAIN: bool>(
        &mut self,
        config: &FeatureConfig,
        word: &str,
        start: usize,
        prev: &mut Option<(u64, u32)>,
    ) {
        let end = (start + word.len()) as u32;
        let start32 = start as u32;
        if config.latin_words > 0 {
            let h = hash_str(SEED_LATIN_WORD, word);
            let source = Source {
                kind: FeatureKind::LatinWord,
                start: start32,
                end,
            };
            self.add::<EXPLAIN>(config.bits, h, GROUP_WORDS, source);
            self.bigram::<EXPLAIN>(config, h, start32, end, prev);
        }
    }

    #[inline(always)]
    fn latin_chars<const EXPLAIN: bool>(
        &mut self,
        config: &FeatureConfig,
        word: &str,
        start: usize,
    ) {
        let [lo, hi] = config.latin_chars;
        if lo == 0 {
            return;
        }
        let start32 = start as u32;
        let end = (start + word.len()) as u32;
        self.padded.clear();
        self.padded.push((start32, ' '));
        self.padded
            .extend(word.char_indices().map(|(i, c)| (start32 + i as u32, c)));
        self.padded.push((end, ' '));
        let padded = std::mem::take(&mut self.padded);
        let len = padded.len();
        let (lo, hi) = (lo as usize, hi as usize);
        for i in 0..len {
            // each n-gram extends the one before it: one hashing step per character
            let mut acc = NGRAM_START;
            for n in 1..=hi.min(len - i) {
                acc = ngram_step(acc, padded[i + n - 1].1);
                // a pad alone is in every word
                if n < lo || (n == 1 && (i == 0 || i == len - 1)) {
                    continue;
                }
                let s = padded[i].0;
                let e = if i + n >= len - 1 {
                    end
                } else {
                    padded[i + n].0
                };
                let source = Source {
                    kind: FeatureKind::LatinChars,
                    start: s,
                    end: e.max(s),
                };
                self.add::<EXPLAIN>(
                    config.bits,
                    ngram_hash(acc, SEED_LATIN_CHARS + n as u64),
                    GROUP_CHARS,
                    source,
                );
            }
        }
        self.padded = padded;
    }

    #[inline(always)]
    fn cjk_run<const EXPLAIN: bool>(
        &mut self,
        config: &FeatureConfig,
        segmenter: Option<&Segmenter>,
        text: &str,
    ) {
        let [lo, hi] = config.cjk_chars;
        let run = std::mem::take(&mut self.run);
        if lo > 0 {
            let (lo, hi) = (lo as usize, hi as usize);
            for i in 0..run.len() {
                let mut acc = NGRAM_START;
                for n in 1..=hi.min(run.len() - i) {
                    let last = run[i + n - 1];
                    acc = ngram_step(acc, last.1);
                    // a lone placeholder is already a feature of its own
                    if n < lo || (n == 1 && Placeholder::from_char(last.1).is_some()) {
                        continue;
                    }
                    let source = Source {
                        kind: FeatureKind::CjkChars,
                        start: run[i].0,
                        end: last.0 + last.1.len_utf8() as u32,
                    };
                    self.add::<EXPLAIN>(
                        config.bits,
                        ngram_hash(acc, SEED_CJK_CHARS + n as u64),
                        GROUP_CHARS,
                        source,
                    );
                }
            }
        }
        if let Some(segmenter) = segmenter {
            // placeholders split the run into the stretches of text that have words
            let mut scratch = std::mem::take(&mut self.segment);
            for part in run.split(|(_, c)| Placeholder::from_char(*c).is_some()) {
                segmenter.segment(
                    part,
                    &mut scratch,
                    #[inline(always)]
                    |a, b| {
                        if b - a >= 2 {
                            let start = part[a].0 as usize;
                            let last = part[b - 1];
                            let end = last.0 as usize + last.1.len_utf8();
                            let source = Source {
                                kind: FeatureKind::CjkWord,
                                start: start as u32,
                                end: end as u32,
                            };
                            let h = hash_str(SEED_CJK_WORD, &text[start..end]);
                            self.add::<EXPLAIN>(config.bits, h, GROUP_WORDS, source);
                            if start < usize::from(config.opening_words) {
                                let source = Source {
                                    kind: FeatureKind::OpeningWord,
                                    ..source
                                };
                                let h = fmix(h ^ SEED_OPENING_WORD.wrapping_mul(K1));
                                self.add::<EXPLAIN>(config.bits, h, GROUP_WORDS, source);
                            }
                        }
                    },
                );
            }
            self.segment = scratch;
        }
        self.run = run;
    }
}

/// Doubles the deduplication table, holding `slots`.
fn grow(table: &mut Vec<(u32, u32)>, slots: &[Slot], epoch: u32) {
    let size = table.len() * 2;
    table.clear();
    table.resize(size, (0, 0));
    for (i, slot) in slots.iter().enumerate() {
        let mut pos = table_pos(slot.bucket, size - 1);
        while table[pos].0 & EPOCH_MASK == epoch {
            pos = (pos + 1) & (size - 1);
        }
        table[pos] = (slot.bucket | epoch, i as u32);
    }
}

/// Buckets have at most 24 bits (`FeatureConfig::validate`); the epoch takes the 8 above.
const EPOCH_ONE: u32 = 1 << 24;
const EPOCH_MASK: u32 = !(EPOCH_ONE - 1);

/// Where `bucket` starts its probe in a table of `mask + 1` slots.
#[inline]
fn table_pos(bucket: u32, mask: usize) -> usize {
    (bucket.wrapping_mul(0x9E37_79B1) as usize) & mask
}

/// Turns counts into weights: sublinear term frequency, optional IDF, unit length per group.
///
/// `items` are `(bucket, count, group)`; `idf` maps a bucket to its inverse document frequency
/// (1.0 when IDF is off).
pub(crate) fn weigh<I>(items: I, group_norm: bool, idf: impl Fn(u32) -> f32, out: &mut Vec<f32>)
where
    I: Iterator<Item = (u32, u32, u8)> + Clone,
{
    out.clear();
    let mut norms = [0f32; 2];
    for (bucket, count, group) in items.clone() {
        let v = term_weight(count) * idf(bucket);
        norms[group_index(group_norm, group)] += v * v;
        out.push(v);
    }
    let scale = group_scales(norms);
    for (v, (_, _, group)) in out.iter_mut().zip(items) {
        *v *= scale[group_index(group_norm, group)];
    }
}

// The pieces of `weigh`, for a caller that interleaves them with its own work.

/// Sublinear term frequency.
#[inline]
pub(crate) fn term_weight(count: u32) -> f32 {
    if count <= 1 {
        1.0
    } else {
        1.0 + (count as f32).ln()
    }
}

/// Which norm a feature of `group` counts towards.
#[inline]
pub(crate) fn group_index(group_norm: bool, group: u8) -> usize {
    if group_norm {
        usize::from(group.min(1))
    } else {
        0
    }
}

/// The factors that give each group unit length, from its sum of squares.
#[inline]
pub(crate) fn group_scales(norms: [f32; 2]) -> [f32; 2] {
    norms.map(|n| if n > 0.0 { 1.0 / n.sqrt() } else { 0.0 })
}

#[cfg(test)]
pub(crate) fn slot_items(slots: &[Slot]) -> impl Iterator<Item = (u32, u32, u8)> + Clone + '_ {
    slots.iter().map(|s| (s.bucket, s.count, s.group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    #[test]
    fn overrides_replace_only_the_named_settings() {
        let base = FeatureConfig::default();
        let changed = base
            .with_overrides(r#"{"cjk_chars": [2, 2], "opening_words": 0}"#)
            .unwrap();
        assert_eq!(changed.cjk_chars, [2, 2]);
        assert_eq!(changed.opening_words, 0);
        let restored = FeatureConfig {
            cjk_chars: base.cjk_chars,
            opening_words: base.opening_words,
            ..changed.clone()
        };
        assert_eq!(restored, base);
        assert_eq!(base.with_overrides("{}").unwrap(), base);
        for (bad, says) in [
            (r#"{"cjk_char": [2, 2]}"#, "unknown feature setting"),
            (r#"{"cjk_chars": "2"}"#, "feature settings"),
            (r#"{"latin_chars": [3, 1]}"#, "latin_chars"),
            (r#"[1, 2]"#, "JSON object"),
            ("cjk_chars=2", "not JSON"),
        ] {
            let err = base.with_overrides(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    fn features(config: &FeatureConfig, text: &str) -> Vec<(FeatureKind, String, u32)> {
        let mut ex = Extractor::explaining();
        let n = normalize(text);
        ex.extract(config, None, None, &n.text, n.shouting);
        let mut out: Vec<_> = ex
            .slots
            .iter()
            .zip(&ex.sources)
            .map(|(s, source)| {
                (
                    source.kind,
                    crate::normalize::display(&n.text[source.start as usize..source.end as usize]),
                    s.count,
                )
            })
            .collect();
        out.sort_by(|a, b| (a.0 as u8, &a.1).cmp(&(b.0 as u8, &b.1)));
        out
    }

    #[test]
    fn latin_words_bigrams_and_char_ngrams() {
        let config = FeatureConfig {
            latin_words: 2,
            latin_chars: [3, 3],
            ..FeatureConfig::default()
        };
        let f = features(&config, "Win win!");
        let kinds: Vec<_> = f.iter().map(|(k, t, c)| format!("{k:?} {t} {c}")).collect();
        assert_eq!(
            kinds,
            [
                "LatinWord win 2",
                "LatinBigram win win 1",
                // character n-grams read "win!" whole, punctuation included
                "LatinChars in 1",
                "LatinChars in! 1",
                "LatinChars n! 1",
                "LatinChars wi 2",
                "LatinChars win 2",
                "Punctuation ! 1",
            ]
        );
    }

    #[test]
    fn cjk_runs_include_placeholder_context() {
        let config = FeatureConfig {
            cjk_chars: [2, 2],
            latin_chars: [0, 0],
            ..FeatureConfig::default()
        };
        let f = features(&config, "请拨打13800138000");
        let texts: Vec<_> = f.iter().map(|(k, t, _)| format!("{k:?} {t}")).collect();
        assert!(
            texts.contains(&"CjkChars 打<phone:mobile_cn>".to_string()),
            "{texts:?}"
        );
        assert!(texts.contains(&"Placeholder <phone:mobile_cn>".to_string()));
        assert!(texts.contains(&"EntityKind <phone:mobile_cn>".to_string()));
        assert!(texts.contains(&"CjkChars 请拨".to_string()));
    }

    #[test]
    fn jieba_words_when_a_segmenter_is_given() {
        let segmenter = Segmenter::from_dictionary("添加 100\n好友 100\n微信 10\n");
        let mut ex = Extractor::explaining();
        let text = normalize("请添加13800138000微信好友").text;
        ex.extract(&FeatureConfig::default(), Some(&segmenter), None, &text, 0);
        let words: Vec<_> = ex
            .sources
            .iter()
            .filter(|s| s.kind == FeatureKind::CjkWord)
            .map(|s| &text[s.start as usize..s.end as usize])
            .collect();
        assert_eq!(words, ["添加", "微信", "好友"]);
        assert!(words.contains(&"添加"), "{words:?}");
    }

    #[test]
    fn words_of_the_opening_count_twice() {
        let segmenter = Segmenter::from_dictionary("添加 100\n好友 100\n微信 10\n");
        let text = normalize("请添加13800138000微信好友").text;
        let words_of = |opening_words: u16, kind: FeatureKind| {
            let config = FeatureConfig {
                opening_words,
                ..FeatureConfig::default()
            };
            let mut ex = Extractor::explaining();
            ex.extract(&config, Some(&segmenter), None, &text, 0);
            ex.sources
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| text[s.start as usize..s.end as usize].to_owned())
                .collect::<Vec<_>>()
        };
        // "添加" starts at byte 3, inside the first 6; "微信" and "好友" come later
        assert_eq!(words_of(6, FeatureKind::OpeningWord), ["添加"]);
        assert_eq!(words_of(6, FeatureKind::CjkWord), ["添加", "微信", "好友"]);
        assert_eq!(words_of(0, FeatureKind::OpeningWord), Vec::<String>::new());
        assert_eq!(words_of(200, FeatureKind::OpeningWord).len(), 3);
    }

    #[test]
    fn buckets_stay_in_range_and_counts_add_up() {
        for bits in [8u8, 12, 20] {
            let config = FeatureConfig {
                bits,
                ..FeatureConfig::default()
            };
            let mut ex = Extractor::default();
            let long: String = "free entry 赢取大奖 call 0800 505060 ".repeat(300);
            ex.extract(&config, None, None, &normalize(&long).text, 0);
            assert!(
                ex.slots
                    .iter()
                    .all(|s| (s.bucket as usize) < config.buckets())
            );
            let mut buckets: Vec<_> = ex.slots.iter().map(|s| s.bucket).collect();
            buckets.sort_unstable();
            buckets.dedup();
            assert_eq!(
                buckets.len(),
                ex.slots.len(),
                "duplicate buckets after dedup"
            );
        }
    }

    #[test]
    fn extraction_is_repeatable_with_a_reused_extractor() {
        let config = FeatureConfig::default();
        let mut ex = Extractor::default();
        let a = normalize("URGENT! You have won a £1000 prize. Call 09061701461").text;
        let b = normalize("您好，我是公安局的民警，请配合调查").text;
        ex.extract(&config, None, None, &a, 0);
        let first: Vec<_> = ex.slots.iter().map(|s| (s.bucket, s.count)).collect();
        ex.extract(&config, None, None, &b, 0);
        ex.extract(&config, None, None, &a, 0);
        let again: Vec<_> = ex.slots.iter().map(|s| (s.bucket, s.count)).collect();
        assert_eq!(first, again);
    }

    #[test]
    fn weights_have_unit_length_per_group() {
        let mut ex = Extractor::default();
        ex.extract(
            &FeatureConfig::default(),
            None,
            None,
            &normalize("hello there, 你好").text,
            0,
        );
        let mut w = Vec::new();
        weigh(slot_items(&ex.slots), true, |_| 1.0, &mut w);
        for group in [GROUP_CHARS, GROUP_WORDS] {
            let n: f32 = ex
                .slots
                .iter()
                .zip(&w)
                .filter(|(s, _)| s.group == group)
                .map(|(_, v)| v * v)
                .sum();
            assert!((n - 1.0).abs() < 1e-4, "group {group}: {n}");
        }
        weigh(slot_items(&ex.slots), false, |_| 1.0, &mut w);
        let n: f32 = w.iter().map(|v| v * v).sum();
        assert!((n - 1.0).abs() < 1e-4);
    }

    #[test]
    fn config_validation() {
        assert!(FeatureConfig::default().validate().is_ok());
        let bad = FeatureConfig {
            cjk_chars: [3, 1],
            ..FeatureConfig::default()
        };
        assert!(bad.validate().is_err());
        let bad = FeatureConfig {
            bits: 30,
            ..FeatureConfig::default()
        };
        assert!(bad.validate().is_err());
    }
}
