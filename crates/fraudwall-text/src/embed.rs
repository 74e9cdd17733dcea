//! Word-piece embeddings: what a message is about, as the mean of pretrained vectors of its
//! word pieces.
//!
//! Hashed n-grams know only the words the training messages had. A pretrained table knows that
//! "prize", "award" and "reward" are alike, so a message in words no training message used
//! still lands near the messages it resembles. The table is the input embedding layer of a
//! small English sentence encoder (see `models/wordpiece_embeddings.py`), read with the same
//! greedy longest-match word-piece split that the encoder's tokenizer makes.
//!
//! The message's vector is the sum of its pieces' rows scaled to unit length, so the table's
//! quantization scale cancels out and the sum stays in integers.
//!
//! A table comes with the tokenizer of the encoder it was taken from ([`Tokenizer`]): BERT's
//! word pieces for the English table, or a SentencePiece unigram vocabulary, split by Viterbi
//! over the pieces' log-probabilities, for a multilingual one that covers Chinese
//! (`models/sentencepiece_embeddings.py`).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::ModelError;
use crate::model::Reader;
use crate::normalize::{Placeholder, is_cjk};

/// The first bytes of every standalone embedding table file; the byte after them is the file
/// format's version, `1` or `2`.
pub const EMBEDDINGS_MAGIC: &[u8; 7] = b"FWEMBED";

/// Version 1: a word-piece table. Version 2 adds a byte naming the tokenizer, after the magic in a
/// standalone file and at the start of the section in a model file (model format 3), and the
/// pieces' log-probabilities for a unigram vocabulary. A word-piece table is still written as
/// version 1, so files that older builds read stay as they were.
const MAGIC_V1: &[u8; 8] = b"FWEMBED1";
const MAGIC_V2: &[u8; 8] = b"FWEMBED2";

/// The most dimensions and pieces a table may have: checked before anything is allocated.
const MAX_DIMS: usize = 4096;
const MAX_PIECES: usize = 1 << 21;
const MAX_CELLS: usize = 1 << 27;

/// Words longer than this are unknown, as the encoder's own tokenizer has it.
const MAX_WORD_CHARS: usize = 100;

/// The mark of a SentencePiece piece that starts a word (U+2581).
const WORD_START: char = '\u{2581}';
/// The index value of a prefix of unigram pieces that is no piece itself.
const PREFIX_ONLY: u32 = u32::MAX;
/// What an unknown character costs in the unigram split below the least likely piece, as in
/// SentencePiece, so that a piece is always preferred to leaving a character out.
const UNKNOWN_PENALTY: f32 = 10.0;

const SEED_WORD_START: u64 = 0x5741;
const SEED_CONTINUATION: u64 = 0x5742;
const CONTINUATION: &str = "##";

/// Keys are already hashes: hashing them again would only cost time.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// How text is split into a table's pieces: as the encoder the table comes from splits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tokenizer {
    /// BERT's uncased word pieces: greedy longest match in each word, continuations marked
    /// `##`. Messages mostly in Chinese get no vector.
    WordPiece,
    /// A SentencePiece unigram vocabulary: the split of greatest likelihood (Viterbi over the
    /// pieces' log-probabilities), a piece that starts a word marked with U+2581. Chinese runs
    /// are split like any other word.
    Unigram,
}

impl Tokenizer {
    fn code(self) -> u8 {
        match self {
            Tokenizer::WordPiece => 0,
            Tokenizer::Unigram => 1,
        }
    }

    fn from_code(code: u8) -> Result<Self, ModelError> {
        match code {
            0 => Ok(Tokenizer::WordPiece),
            1 => Ok(Tokenizer::Unigram),
            _ => Err(ModelError::Inconsistent(format!(
                "unknown embedding tokenizer {code}"
            ))),
        }
    }
}

/// A vocabulary of pieces and its int8 embedding table.
pub struct Embeddings {
    tokenizer: Tokenizer,
    dims: usize,
    scale: f32,
    pieces: Vec<String>,
    /// Unigram only: each piece's log-probability.
    scores: Vec<f32>,
    /// Word pieces: the hash of a piece (seeded by whether it starts a word) to its row.
    /// Unigram: the hash of a piece, or of a prefix of one ([`PREFIX_ONLY`]), to its row, so
    /// that a walk from a position stops as soon as no piece can start that way.
    index: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// The longest piece, in bytes, without its continuation mark.
    longest: usize,
    /// Unigram: the score of a character no piece covers.
    unknown_score: f32,
    /// Unigram: the row of the bare word-start mark, which is split off nearly every Chinese
    /// message and every word that no marked piece starts: it says nothing of the message,
    /// and is left out of its vector ([`PREFIX_ONLY`] when the vocabulary lacks it).
    bare_mark: u32,
    table: Vec<i8>,
}

impl std::fmt::Debug for Embeddings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embeddings")
            .field("tokenizer", &self.tokenizer)
            .field("dims", &self.dims)
            .field("pieces", &self.pieces.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Embeddings {
    fn eq(&self, other: &Self) -> bool {
        self.tokenizer == other.tokenizer
            && self.dims == other.dims
            && self.scale.to_bits() == other.scale.to_bits()
            && self.pieces == other.pieces
            && self.scores.len() == other.scores.len()
            && self
                .scores
                .iter()
                .zip(&other.scores)
                .all(|(a, b)| a.to_bits() == b.to_bits())
            && self.table == other.table
    }
}

/// Reusable buffers for [`Embeddings::embed`].
#[derive(Clone, Debug, Default)]
pub struct EmbedScratch {
    word: String,
    ids: Vec<u32>,
    sum: Vec<i32>,
    part: Vec<i16>,
    /// Unigram split: the best score of a split of the word up to each byte, and the start
    /// and row of its last piece.
    best: Vec<f32>,
    back: Vec<(u32, u32)>,
}

/// Whether characters of three bytes or more (CJK among them) outnumber ASCII letters and
/// digits: a byte loop, cheaper than decoding.
fn mostly_wide(text: &str) -> bool {
    let (mut wide, mut ascii) = (0usize, 0usize);
    for &b in text.as_bytes() {
        wide += usize::from(b >= 0xE0);
        ascii += usize::from(b.is_ascii_alphanumeric());
    }
    wide > ascii
}

#[inline]
fn piece_key(piece: &str, starts_word: bool) -> u64 {
    let seed = if starts_word {
        SEED_WORD_START
    } else {
        SEED_CONTINUATION
    };
    xxh3_64_with_seed(piece.as_bytes(), seed)
}

impl Embeddings {
    /// A word-piece table from its pieces and rows (`pieces.len() * dims` values).
    pub fn new(
        pieces: Vec<String>,
        dims: usize,
        scale: f32,
        table: Vec<i8>,
    ) -> Result<Self, ModelError> {
        Embeddings::build(Tokenizer::WordPiece, pieces, Vec::new(), dims, scale, table)
    }

    /// A unigram table from its pieces (a word's first marked with U+2581), their
    /// log-probabilities and rows (`pieces.len() * dims` values).
    pub fn unigram(
        pieces: Vec<String>,
        scores: Vec<f32>,
        dims: usize,
        scale: f32,
        table: Vec<i8>,
    ) -> Result<Self, ModelError> {
        Embeddings::build(Tokenizer::Unigram, pieces, scores, dims, scale, table)
    }

    fn build(
        tokenizer: Tokenizer,
        pieces: Vec<String>,
        scores: Vec<f32>,
        dims: usize,
        scale: f32,
        table: Vec<i8>,
    ) -> Result<Self, ModelError> {
        if dims == 0 || dims > MAX_DIMS || pieces.len() > MAX_PIECES {
            return Err(ModelError::Inconsistent(format!(
                "embedding table of {} pieces by {dims} dims is beyond this build's limits",
                pieces.len()
            )));
        }
        if table.len() != pieces.len() * dims {
            return Err(ModelError::Inconsistent(format!(
                "embedding table has {} values for {} pieces by {dims} dims",
                table.len(),
                pieces.len()
            )));
        }
        if !(scale.is_finite() && scale > 0.0) {
            return Err(ModelError::Inconsistent(
                "embedding scale is not positive".into(),
            ));
        }
        let expected_scores = match tokenizer {
            Tokenizer::WordPiece => 0,
            Tokenizer::Unigram => pieces.len(),
        };
        if scores.len() != expected_scores || !scores.iter().all(|s| s.is_finite()) {
            return Err(ModelError::Inconsistent(format!(
                "{} finite piece scores expected, {} given",
                expected_scores,
                scores.len()
            )));
        }
        let mut index = HashMap::with_capacity_and_hasher(pieces.len(), Default::default());
        let mut longest = 0;
        for (row, piece) in pieces.iter().enumerate() {
            if piece.is_empty() {
                return Err(ModelError::Inconsistent("empty word piece".into()));
            }
            match tokenizer {
                Tokenizer::WordPiece => {
                    let (body, starts_word) = match piece.strip_prefix(CONTINUATION) {
                        Some(body) if !body.is_empty() => (body, false),
                        _ => (piece.as_str(), true),
                    };
                    longest = longest.max(body.len());
                    // a later duplicate would be unreachable; the first one wins, as in the
                    // encoder
                    index
                        .entry(piece_key(body, starts_word))
                        .or_insert(row as u32);
                }
                Tokenizer::Unigram => {
                    longest = longest.max(piece.len());
                    for (at, _) in piece.char_indices().skip(1) {
                        index
                            .entry(xxh3_64(&piece.as_bytes()[..at]))
                            .or_insert(PREFIX_ONLY);
                    }
                    let slot = index
                        .entry(xxh3_64(piece.as_bytes()))
                        .or_insert(PREFIX_ONLY);
                    if *slot == PREFIX_ONLY {
                        *slot = row as u32;
                    }
                }
            }
        }
        let unknown_score = scores.iter().copied().fold(0f32, f32::min) - UNKNOWN_PENALTY;
        let bare_mark = match tokenizer {
            Tokenizer::WordPiece => PREFIX_ONLY,
            Tokenizer::Unigram => pieces
                .iter()
                .position(|p| p.strip_prefix(WORD_START) == Some(""))
                .map_or(PREFIX_ONLY, |row| row as u32),
        };
        Ok(Embeddings {
            tokenizer,
            dims,
            scale,
            pieces,
            scores,
            index,
            longest,
            unknown_score,
            bare_mark,
            table,
        })
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    pub fn pieces(&self) -> usize {
        self.pieces.len()
    }

    pub fn tokenizer(&self) -> Tokenizer {
        self.tokenizer
    }

    /// Whether the table's section starts with its tokenizer's code (see [`MAGIC_V2`]): a
    /// model file that holds it must say so with its format.
    pub(crate) fn tagged(&self) -> bool {
        self.tokenizer != Tokenizer::WordPiece
    }

    /// Reads the table's section of a model file, or the body of a standalone table file;
    /// `tagged` as [`Embeddings::tagged`] wrote it.
    pub(crate) fn read_section(
        bytes: &[u8],
        at: &mut usize,
        tagged: bool,
    ) -> Result<Self, ModelError> {
        let mut r = Reader { bytes, at: *at };
        let tokenizer = if tagged {
            Tokenizer::from_code(r.take(1)?[0])?
        } else {
            Tokenizer::WordPiece
        };
        let dims = r.u32()? as usize;
        let scale = r.f32()?;
        let count = r.u32()? as usize;
        if dims == 0 || dims > MAX_DIMS || count > MAX_PIECES || dims * count > MAX_CELLS {
            return Err(ModelError::Inconsistent(format!(
                "embedding table of {count} pieces by {dims} dims is beyond this build's limits"
            )));
        }
        // every piece takes at least two bytes and every row `dims`: a count the bytes left
        // cannot hold is refused before the piece list is allocated for it
        if count.saturating_mul(dims + 2) > bytes.len().saturating_sub(r.at) {
            return Err(ModelError::Truncated);
        }
        let mut pieces = Vec::with_capacity(count);
        for _ in 0..count {
            let len = r.take(1)?[0] as usize;
            let piece = std::str::from_utf8(r.take(len)?)
                .map_err(|_| ModelError::Inconsistent("word piece is not UTF-8".into()))?;
            pieces.push(piece.to_owned());
        }
        let scores: Vec<f32> = match tokenizer {
            Tokenizer::WordPiece => Vec::new(),
            Tokenizer::Unigram => r
                .take(count * 4)?
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        };
        let table: Vec<i8> = r.take(count * dims)?.iter().map(|&b| b as i8).collect();
        *at = r.at;
        Embeddings::build(tokenizer, pieces, scores, dims, scale, table)
    }

    pub(crate) fn write_section(&self, out: &mut Vec<u8>) {
        if self.tagged() {
            out.push(self.tokenizer.code());
        }
        out.extend_from_slice(&(self.dims as u32).to_le_bytes());
        out.extend_from_slice(&self.scale.to_bits().to_le_bytes());
        out.extend_from_slice(&(self.pieces.len() as u32).to_le_bytes());
        for piece in &self.pieces {
            // pieces come from `new`, whose callers read them with a one-byte length
            let bytes = &piece.as_bytes()[..piece.len().min(255)];
            out.push(bytes.len() as u8);
            out.extend_from_slice(bytes);
        }
        for score in &self.scores {
            out.extend_from_slice(&score.to_bits().to_le_bytes());
        }
        out.extend(self.table.iter().map(|&v| v as u8));
    }

    /// Loads a standalone table file (as `models/wordpiece_embeddings.py` or
    /// `models/sentencepiece_embeddings.py` writes it).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        if bytes.len() < MAGIC_V1.len() + 8 {
            return Err(ModelError::Truncated);
        }
        let tagged = match &bytes[..8] {
            m if m == MAGIC_V1 => false,
            m if m == MAGIC_V2 => true,
            _ => return Err(ModelError::NotAModel),
        };
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        let stored = u64::from_le_bytes(sum.try_into().map_err(|_| ModelError::Truncated)?);
        if xxh3_64(body) != stored {
            return Err(ModelError::ChecksumMismatch);
        }
        let mut at = MAGIC_V1.len();
        let table = Embeddings::read_section(body, &mut at, tagged)?;
        if at != body.len() {
            return Err(ModelError::Inconsistent(
                "trailing bytes after the embedding table".into(),
            ));
        }
        Ok(table)
    }

    /// The standalone file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = if self.tagged() { MAGIC_V2 } else { MAGIC_V1 }.to_vec();
        self.write_section(&mut out);
        let sum = xxh3_64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// The row of a piece, if the vocabulary has it.
    #[inline(always)]
    fn lookup(&self, piece: &str, starts_word: bool) -> Option<u32> {
        self.index.get(&piece_key(piece, starts_word)).copied()
    }

    /// Splits a word into the longest pieces the vocabulary has, left to right. A word with a
    /// stretch no piece covers is unknown as a whole, and adds nothing.
    #[inline(always)]
    fn word_pieces(&self, word: &str, ids: &mut Vec<u32>) {
        if word.is_empty() || word.chars().count() > MAX_WORD_CHARS {
            return;
        }
        let mark = ids.len();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len().min(start + self.longest);
            while !word.is_char_boundary(end) {
                end -= 1;
            }
            loop {
                if end <= start {
                    ids.truncate(mark);
                    return;
                }
                if let Some(id) = self.lookup(&word[start..end], start == 0) {
                    ids.push(id);
                    break;
                }
                end -= 1;
                while !word.is_char_boundary(end) {
                    end -= 1;
                }
            }
            start = end;
        }
    }

    /// The word pieces of normalized text, as rows. Words are runs of letters and digits;
    /// every other character but spaces, placeholders and Chinese characters stands alone;
    /// accents are dropped, as the encoder's uncased vocabulary has none. A message written
    /// mostly in Chinese (or another script of three-byte characters) has no pieces: the
    /// table comes from an English encoder, and what little Latin such a message has would
    /// speak for all of it.
    #[inline(always)]
    pub(crate) fn pieces_of(&self, text: &str, scratch: &mut EmbedScratch) {
        if self.tokenizer == Tokenizer::Unigram {
            self.unigram_pieces_of(text, scratch);
            return;
        }
        let EmbedScratch { word, ids, .. } = scratch;
        ids.clear();
        word.clear();
        if mostly_wide(text) {
            return;
        }
        let mut single = [0u8; 4];
        for c in text.chars() {
            // ASCII first: most text is, and the Unicode tables are slow
            let letter = if c.is_ascii() {
                c.is_ascii_alphanumeric()
            } else {
                !is_cjk(c) && c.is_alphanumeric()
            };
            let placeholder = !letter && Placeholder::from_char(c).is_some();
            if letter {
                if c.is_ascii() {
                    word.push(c);
                } else {
                    unicode_normalization::char::decompose_canonical(c, |d| {
                        if !unicode_normalization::char::is_combining_mark(d) {
                            word.push(d);
                        }
                    });
                }
                continue;
            }
            self.word_pieces(word, ids);
            word.clear();
            // Chinese characters are left out: the table comes from an English encoder, and a
            // Chinese message would spend a row on every character
            if c.is_whitespace() || c.is_control() || placeholder || is_cjk(c) {
                continue;
            }
            if let Some(id) = self.lookup(c.encode_utf8(&mut single), true) {
                ids.push(id);
            }
        }
        self.word_pieces(word, ids);
        word.clear();
    }

    /// The unigram pieces of normalized text, as rows. Words are runs of anything but
    /// whitespace, control characters and placeholders; a word after whitespace (or at the
    /// start) begins with the word-start mark, as SentencePiece writes spaces, and a word after
    /// a placeholder does not: the encoder saw the number or link there as part of the run.
    /// Chinese, with no spaces, is split into the characters and words of the vocabulary like
    /// any other word.
    fn unigram_pieces_of(&self, text: &str, scratch: &mut EmbedScratch) {
        let EmbedScratch {
            word,
            ids,
            best,
            back,
            ..
        } = scratch;
        ids.clear();
        word.clear();
        let mut after_space = true;
        for c in text.chars() {
            let space = c.is_whitespace() || c.is_control();
            if space || Placeholder::from_char(c).is_some() {
                self.unigram_split(word, ids, best, back);
                word.clear();
                after_space |= space;
                continue;
            }
            if word.is_empty() && after_space {
                word.push(WORD_START);
            }
            after_space = false;
            word.push(c);
        }
        self.unigram_split(word, ids, best, back);
        word.clear();
    }

    /// The split of `word` of greatest likelihood, its known pieces' rows appended to `ids`.
    /// A character no piece covers is left out, at a cost below any piece.
    fn unigram_split(
        &self,
        word: &str,
        ids: &mut Vec<u32>,
        best: &mut Vec<f32>,
        back: &mut Vec<(u32, u32)>,
    ) {
        let n = word.len();
        if n == 0 {
            return;
        }
        best.clear();
        best.resize(n + 1, f32::NEG_INFINITY);
        back.clear();
        back.resize(n + 1, (0, PREFIX_ONLY));
        best[0] = 0.0;
        let bytes = word.as_bytes();
        for (start, c) in word.char_indices() {
            let here = best[start];
            if here == f32::NEG_INFINITY {
                continue;
            }
            let first_end = start + c.len_utf8();
            let mut single = false;
            // every prefix of a piece is indexed: the walk stops at the first that is not
            let limit = n.min(start + self.longest);
            let mut end = first_end;
            while end <= limit {
                match self.index.get(&xxh3_64(&bytes[start..end])) {
                    None => break,
                    Some(&PREFIX_ONLY) => {}
                    Some(&row) => {
                        single |= end == first_end;
                        let score = here + self.scores.get(row as usize).copied().unwrap_or(0.0);
                        if score > best[end] {
                            best[end] = score;
                            back[end] = (start as u32, row);
                        }
                    }
                }
                end += word[end..].chars().next().map_or(1, char::len_utf8);
            }
            if !single {
                let score = here + self.unknown_score;
                if score > best[first_end] {
                    best[first_end] = score;
                    back[first_end] = (start as u32, PREFIX_ONLY);
                }
            }
        }
        let mut end = n;
        while end > 0 {
            let (start, row) = back[end];
            if row != PREFIX_ONLY && row != self.bare_mark {
                ids.push(row);
            }
            end = start as usize;
        }
    }

    /// The unit-length vector of `text` (as the normalizer leaves it: lower case), or `None`
    /// when no word piece of it is known.
    pub fn embed_unit(&self, text: &str) -> Option<Vec<f32>> {
        let mut out = Vec::with_capacity(self.dims);
        self.embed(text, 1.0, &mut EmbedScratch::default(), &mut out)
            .then_some(out)
    }

    /// The message's vector, scaled to unit length, times `weight`, into `out` (`dims`
    /// values). Returns false, with `out` all zero, when the text has no known piece.
    #[inline(always)]
    pub(crate) fn embed(
        &self,
        text: &str,
        weight: f32,
        scratch: &mut EmbedScratch,
        out: &mut Vec<f32>,
    ) -> bool {
        self.pieces_of(text, scratch);
        let dims = self.dims;
        out.clear();
        if scratch.ids.is_empty() {
            out.resize(dims, 0.0);
            return false;
        }
        let EmbedScratch { ids, sum, part, .. } = scratch;
        sum.clear();
        sum.resize(dims, 0);
        // 16-bit sums take twice the lanes of 32-bit ones; 255 rows of at most 128 fit
        for chunk in ids.chunks(255) {
            part.clear();
            part.resize(dims, 0);
            for &id in chunk {
                let at = id as usize * dims;
                if let Some(row) = self.table.get(at..at + dims) {
                    for (s, &v) in part.iter_mut().zip(row) {
                        *s += i16::from(v);
                    }
                }
            }
            for (s, &p) in sum.iter_mut().zip(part.iter()) {
                *s += i32::from(p);
            }
        }
        out.extend(sum.iter().map(|&s| s as f32));
        let squares: f32 = out.iter().map(|v| v * v).sum();
        if squares == 0.0 {
            out.iter_mut().for_each(|v| *v = 0.0);
            return false;
        }
        let factor = weight / squares.sqrt();
        out.iter_mut().for_each(|v| *v *= factor);
        true
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small table: a few whole words, a continuation and a symbol, in 4 dims.
    pub(crate) fn tiny_table() -> Embeddings {
        let pieces: Vec<String> = [
            "free", "prize", "win", "##ner", "call", "now", "!", "£", "cafe", "我",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let dims = 4;
        let table: Vec<i8> = (0..pieces.len() * dims)
            .map(|i| ((i * 37 + 11) % 255) as i8)
            .collect();
        Embeddings::new(pieces, dims, 0.01, table).unwrap()
    }

    /// A small unigram table: Chinese characters and words, English words with and without
    /// the word-start mark, in 4 dims. "银行卡" splits as "银行" + "卡" (more likely than
    /// three characters or the rarer "▁银" + "行卡").
    pub(crate) fn tiny_unigram_table() -> Embeddings {
        let vocab: [(&str, f32); 14] = [
            ("▁", -3.0),
            ("银", -9.0),
            ("行", -8.0),
            ("卡", -8.0),
            ("银行", -7.0),
            ("▁银", -9.5),
            ("行卡", -12.0),
            ("公安", -8.5),
            ("▁free", -6.0),
            ("▁prize", -7.0),
            ("▁win", -7.0),
            ("ner", -8.0),
            ("!", -4.0),
            ("▁call", -6.5),
        ];
        let pieces: Vec<String> = vocab.iter().map(|(p, _)| p.to_string()).collect();
        let scores: Vec<f32> = vocab.iter().map(|(_, s)| *s).collect();
        let dims = 4;
        let table: Vec<i8> = (0..pieces.len() * dims)
            .map(|i| ((i * 53 + 7) % 255) as i8)
            .collect();
        Embeddings::unigram(pieces, scores, dims, 0.02, table).unwrap()
    }

    fn pieces(table: &Embeddings, text: &str) -> Vec<String> {
        let mut scratch = EmbedScratch::default();
        table.pieces_of(text, &mut scratch);
        scratch
            .ids
            .iter()
            .map(|&id| table.pieces[id as usize].clone())
            .collect()
    }

    #[test]
    fn words_split_into_the_longest_known_pieces() {
        let t = tiny_table();
        assert_eq!(pieces(&t, "winner"), ["win", "##ner"]);
        assert_eq!(
            pieces(&t, "free prize! call now"),
            ["free", "prize", "!", "call", "now"]
        );
        // "winners" has a stretch ("s") no piece covers: the whole word is unknown
        assert_eq!(pieces(&t, "winners call"), ["call"]);
        // a continuation never starts a word
        assert_eq!(pieces(&t, "ner"), Vec::<String>::new());
    }

    #[test]
    fn accents_symbols_chinese_and_placeholders() {
        let t = tiny_table();
        assert_eq!(pieces(&t, "café £"), ["cafe", "£"]);
        assert_eq!(pieces(&t, "我们"), Vec::<String>::new());
        // Latin in a Chinese message: the message is Chinese, and has no pieces
        assert_eq!(
            pieces(&t, "我们 free prize 我们我们我们我们我们"),
            Vec::<String>::new()
        );
        assert_eq!(pieces(&t, "free prize 我们"), ["free", "prize"]);
        let phone = Placeholder::Phone.as_char();
        assert_eq!(pieces(&t, &format!("call{phone}now")), ["call", "now"]);
    }

    #[test]
    fn unigram_splits_are_the_most_likely() {
        let t = tiny_unigram_table();
        let sorted = |text: &str| {
            let mut p = pieces(&t, text);
            p.sort();
            p
        };
        // ▁ + 银行 + 卡 (-18) beats ▁银 + 行卡 (-21.5) and ▁ + 银 + 行 + 卡 (-28); the bare
        // mark is left out
        assert_eq!(sorted("银行卡"), ["卡", "银行"]);
        // an unknown character is left out, and its neighbours are still split
        assert_eq!(sorted("公安局银行"), ["公安", "银行"]);
        assert_eq!(sorted("winner! call"), ["!", "ner", "▁call", "▁win"]);
        // a word that no marked piece starts takes the bare mark, as in SentencePiece
        assert_eq!(sorted("call ner"), ["ner", "▁call"]);
        // a placeholder splits the run, and the word after it has no word-start mark
        let phone = Placeholder::Phone.as_char();
        assert_eq!(sorted(&format!("公安{phone}银行")), ["公安", "银行"]);
        // messages mostly in Chinese are embedded: that is what this table is for
        assert!(t.embed_unit("公安 银行卡 free prize").is_some());
        assert!(t.embed_unit("局 xyz").is_none());
    }

    #[test]
    fn the_vector_is_the_unit_length_sum_of_rows() {
        let t = tiny_table();
        let mut scratch = EmbedScratch::default();
        let mut out = Vec::new();
        assert!(t.embed("free free prize", 2.0, &mut scratch, &mut out));
        let row = |p: usize| &t.table[p * 4..p * 4 + 4];
        let sum: Vec<f32> = (0..4)
            .map(|d| 2.0 * f32::from(row(0)[d]) + f32::from(row(1)[d]))
            .collect();
        let norm = sum.iter().map(|v| v * v).sum::<f32>().sqrt();
        for (a, b) in out.iter().zip(&sum) {
            assert!((a - 2.0 * b / norm).abs() < 1e-5, "{out:?} {sum:?}");
        }
        assert!(!t.embed("xyz ###", 1.0, &mut scratch, &mut out));
        assert_eq!(out, vec![0.0; 4]);
    }

    #[test]
    fn standalone_files_round_trip_and_refuse_damage() {
        let t = tiny_table();
        let bytes = t.to_bytes();
        let back = Embeddings::from_bytes(&bytes).unwrap();
        assert_eq!(back.pieces, t.pieces);
        assert_eq!(back.table, t.table);
        assert_eq!(back.to_bytes(), bytes);
        let mut damaged = bytes.clone();
        damaged[20] ^= 1;
        assert_eq!(
            Embeddings::from_bytes(&damaged).unwrap_err(),
            ModelError::ChecksumMismatch
        );
        assert_eq!(
            Embeddings::from_bytes(&bytes[..bytes.len() - 3]).unwrap_err(),
            ModelError::ChecksumMismatch
        );
        assert_eq!(
            Embeddings::from_bytes(b"FWEMBED").unwrap_err(),
            ModelError::Truncated
        );
    }

    #[test]
    fn unigram_files_are_version_2_and_round_trip() {
        let t = tiny_unigram_table();
        let bytes = t.to_bytes();
        assert_eq!(&bytes[..8], MAGIC_V2);
        let back = Embeddings::from_bytes(&bytes).unwrap();
        assert!(back == t);
        assert_eq!(back.tokenizer(), Tokenizer::Unigram);
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(pieces(&back, "银行卡").len(), 2);
        // a word-piece table is still written as version 1, which older builds read
        assert_eq!(&tiny_table().to_bytes()[..8], MAGIC_V1);

        let reframe = |body: &[u8]| {
            let mut file = body.to_vec();
            let sum = xxh3_64(&file);
            file.extend_from_slice(&sum.to_le_bytes());
            file
        };
        let body = &bytes[..bytes.len() - 8];
        // an unknown tokenizer, and a non-finite score, are refused
        let mut other = body.to_vec();
        other[8] = 7;
        assert!(matches!(
            Embeddings::from_bytes(&reframe(&other)),
            Err(ModelError::Inconsistent(_))
        ));
        let scores_at = 8 + 1 + 12 + t.pieces.iter().map(|p| p.len() + 1).sum::<usize>();
        let mut nan = body.to_vec();
        nan[scores_at..scores_at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        assert!(matches!(
            Embeddings::from_bytes(&reframe(&nan)),
            Err(ModelError::Inconsistent(_))
        ));
        // a piece count the file cannot hold is refused before the pieces are read
        let mut many = body.to_vec();
        many[17..21].copy_from_slice(&1_000_000u32.to_le_bytes());
        assert_eq!(
            Embeddings::from_bytes(&reframe(&many)).unwrap_err(),
            ModelError::Truncated
        );
    }

    #[test]
    fn oversized_headers_are_refused_before_allocating() {
        let mut body = MAGIC_V1.to_vec();
        body.extend_from_slice(&4096u32.to_le_bytes());
        body.extend_from_slice(&1.0f32.to_bits().to_le_bytes());
        body.extend_from_slice(&(1u32 << 21).to_le_bytes());
        let sum = xxh3_64(&body);
        body.extend_from_slice(&sum.to_le_bytes());
        assert!(matches!(
            Embeddings::from_bytes(&body),
            Err(ModelError::Inconsistent(_))
        ));
    }

    proptest::proptest! {
        /// Text made of the unigram table's own characters, so that splits find pieces.
        #[test]
        fn unigram_splits_cover_the_word(text in "[银行卡公安局 !a-z\u{E003}▁]{0,60}") {
            let t = tiny_unigram_table();
            let mut scratch = EmbedScratch::default();
            t.pieces_of(&text, &mut scratch);
            let known: usize = scratch.ids.iter().map(|&id| t.pieces[id as usize].len()).sum();
            proptest::prop_assert!(known <= text.len() + 3 * text.chars().count());
            let mut out = Vec::new();
            let found = t.embed(&text, 1.0, &mut scratch, &mut out);
            proptest::prop_assert!(!found || !scratch.ids.is_empty());
        }

        #[test]
        fn any_text_embeds_to_unit_length_or_nothing(text in "\\PC{0,80}") {
            for t in [tiny_table(), tiny_unigram_table()] {
                let mut scratch = EmbedScratch::default();
                let mut out = Vec::new();
                let found = t.embed(&text, 1.0, &mut scratch, &mut out);
                proptest::prop_assert_eq!(out.len(), 4);
                let norm = out.iter().map(|v| v * v).sum::<f32>().sqrt();
                if found {
                    proptest::prop_assert!((norm - 1.0).abs() < 1e-4);
                } else {
                    proptest::prop_assert_eq!(norm, 0.0);
                }
            }
        }
    }
}
