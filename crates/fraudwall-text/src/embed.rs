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

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::ModelError;
use crate::model::Reader;
use crate::normalize::{Placeholder, is_cjk};

/// The first bytes of a standalone embedding table file.
pub const EMBEDDINGS_MAGIC: &[u8; 8] = b"FWEMBED1";

/// The most dimensions and pieces a table may have: checked before anything is allocated.
const MAX_DIMS: usize = 4096;
const MAX_PIECES: usize = 1 << 21;
const MAX_CELLS: usize = 1 << 27;

/// Words longer than this are unknown, as the encoder's own tokenizer has it.
const MAX_WORD_CHARS: usize = 100;

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

/// A word-piece vocabulary and its int8 embedding table.
pub struct Embeddings {
    dims: usize,
    scale: f32,
    pieces: Vec<String>,
    /// The hash of a piece (seeded by whether it starts a word) to its row.
    index: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// The longest piece, in bytes, without its continuation mark.
    longest: usize,
    table: Vec<i8>,
}

impl std::fmt::Debug for Embeddings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embeddings")
            .field("dims", &self.dims)
            .field("pieces", &self.pieces.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Embeddings {
    fn eq(&self, other: &Self) -> bool {
        self.dims == other.dims
            && self.scale.to_bits() == other.scale.to_bits()
            && self.pieces == other.pieces
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
    /// A table from its pieces and rows (`pieces.len() * dims` values).
    pub fn new(
        pieces: Vec<String>,
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
        let mut index = HashMap::with_capacity_and_hasher(pieces.len(), Default::default());
        let mut longest = 0;
        for (row, piece) in pieces.iter().enumerate() {
            let (body, starts_word) = match piece.strip_prefix(CONTINUATION) {
                Some(body) if !body.is_empty() => (body, false),
                _ => (piece.as_str(), true),
            };
            if body.is_empty() {
                return Err(ModelError::Inconsistent("empty word piece".into()));
            }
            longest = longest.max(body.len());
            // a later duplicate would be unreachable; the first one wins, as in the encoder
            index
                .entry(piece_key(body, starts_word))
                .or_insert(row as u32);
        }
        Ok(Embeddings {
            dims,
            scale,
            pieces,
            index,
            longest,
            table,
        })
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    pub fn pieces(&self) -> usize {
        self.pieces.len()
    }

    /// Reads the table's section of a model file, or the body of a standalone table file.
    pub(crate) fn read_section(bytes: &[u8], at: &mut usize) -> Result<Self, ModelError> {
        let mut r = Reader { bytes, at: *at };
        let dims = r.u32()? as usize;
        let scale = r.f32()?;
        let count = r.u32()? as usize;
        if dims == 0 || dims > MAX_DIMS || count > MAX_PIECES || dims * count > MAX_CELLS {
            return Err(ModelError::Inconsistent(format!(
                "embedding table of {count} pieces by {dims} dims is beyond this build's limits"
            )));
        }
        let mut pieces = Vec::with_capacity(count);
        for _ in 0..count {
            let len = r.take(1)?[0] as usize;
            let piece = std::str::from_utf8(r.take(len)?)
                .map_err(|_| ModelError::Inconsistent("word piece is not UTF-8".into()))?;
            pieces.push(piece.to_owned());
        }
        let table: Vec<i8> = r.take(count * dims)?.iter().map(|&b| b as i8).collect();
        *at = r.at;
        Embeddings::new(pieces, dims, scale, table)
    }

    pub(crate) fn write_section(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.dims as u32).to_le_bytes());
        out.extend_from_slice(&self.scale.to_bits().to_le_bytes());
        out.extend_from_slice(&(self.pieces.len() as u32).to_le_bytes());
        for piece in &self.pieces {
            // pieces come from `new`, whose callers read them with a one-byte length
            let bytes = &piece.as_bytes()[..piece.len().min(255)];
            out.push(bytes.len() as u8);
            out.extend_from_slice(bytes);
        }
        out.extend(self.table.iter().map(|&v| v as u8));
    }

    /// Loads a standalone table file (as `models/wordpiece_embeddings.py` writes it).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        if bytes.len() < EMBEDDINGS_MAGIC.len() + 8 {
            return Err(ModelError::Truncated);
        }
        if &bytes[..8] != EMBEDDINGS_MAGIC {
            return Err(ModelError::NotAModel);
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        let stored = u64::from_le_bytes(sum.try_into().map_err(|_| ModelError::Truncated)?);
        if xxh3_64(body) != stored {
            return Err(ModelError::ChecksumMismatch);
        }
        let mut at = EMBEDDINGS_MAGIC.len();
        let table = Embeddings::read_section(body, &mut at)?;
        if at != body.len() {
            return Err(ModelError::Inconsistent(
                "trailing bytes after the embedding table".into(),
            ));
        }
        Ok(table)
    }

    /// The standalone file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = EMBEDDINGS_MAGIC.to_vec();
        self.write_section(&mut out);
        let sum = xxh3_64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// The row of a piece, if the vocabulary has it.
    fn lookup(&self, piece: &str, starts_word: bool) -> Option<u32> {
        self.index.get(&piece_key(piece, starts_word)).copied()
    }

    /// Splits a word into the longest pieces the vocabulary has, left to right. A word with a
    /// stretch no piece covers is unknown as a whole, and adds nothing.
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
    pub(crate) fn pieces_of(&self, text: &str, scratch: &mut EmbedScratch) {
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

    /// The unit-length vector of `text` (as the normalizer leaves it: lower case), or `None`
    /// when no word piece of it is known.
    pub fn embed_unit(&self, text: &str) -> Option<Vec<f32>> {
        let mut out = Vec::with_capacity(self.dims);
        self.embed(text, 1.0, &mut EmbedScratch::default(), &mut out)
            .then_some(out)
    }

    /// The message's vector, scaled to unit length, times `weight`, into `out` (`dims`
    /// values). Returns false, with `out` all zero, when the text has no known piece.
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
    fn oversized_headers_are_refused_before_allocating() {
        let mut body = EMBEDDINGS_MAGIC.to_vec();
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
        #[test]
        fn any_text_embeds_to_unit_length_or_nothing(text in "\\PC{0,80}") {
            let t = tiny_table();
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
