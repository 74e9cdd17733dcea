//! Chinese word segmentation with a model's own small dictionary.
//!
//! Training segments its texts with jieba (jieba-rs and its full dictionary) and keeps the words
//! it found, with jieba's frequencies, as the model's dictionary. Classification then segments
//! the way jieba does without its HMM (the most probable path through the dictionary words,
//! unknown characters standing alone) but over that small dictionary only: a word the training
//! texts never had has no weight anyway, and the small table is built in a millisecond and
//! searched several times faster than jieba's whole one.

/// Open addressing over keys that are hashes already: the search probes it several times per
/// character, so each slot is one 8-byte pair (one cache miss per probe, not two). The slot
/// comes from the hash's low bits and the stored 32-bit tag from its high bits; two words
/// sharing both is a one-in-billions event that would only merge their frequencies.
#[derive(Clone, Debug, Default)]
struct Table {
    slots: Vec<(u32, f32)>,
}

/// Marks an empty slot; tags have their lowest bit set, so no tag equals it.
const EMPTY: u32 = 0;

impl Table {
    #[inline]
    fn tag(h: u64) -> u32 {
        (h >> 32) as u32 | 1
    }

    #[inline]
    fn slot(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let tag = Self::tag(h);
        let mut i = h as usize & mask;
        while self.slots[i].0 != EMPTY && self.slots[i].0 != tag {
            i = (i + 1) & mask;
        }
        i
    }

    #[inline]
    fn get(&self, h: u64) -> Option<f32> {
        if self.slots.is_empty() {
            return None;
        }
        let (tag, value) = self.slots[self.slot(h)];
        (tag != EMPTY).then_some(value)
    }

    /// A table of `(hash, value)` entries; a hash given twice keeps the larger value.
    fn build(entries: &[(u64, f32)]) -> Table {
        // Sized by distinct hashes: words share their prefixes, so the entries repeat many of
        // them, and a table sized by entries is mostly empty slots that the cache must hold.
        let mut distinct: Vec<u64> = entries.iter().map(|&(h, _)| h).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let size = (distinct.len() * 2).next_power_of_two().max(16);
        let mut table = Table {
            slots: vec![(EMPTY, 0.0); size],
        };
        for &(h, value) in entries {
            let i = table.slot(h);
            if table.slots[i].0 == EMPTY {
                table.slots[i] = (Self::tag(h), value);
            } else {
                table.slots[i].1 = table.slots[i].1.max(value);
            }
        }
        table
    }
}

/// A prefix of some word that is not a word itself.
const PREFIX_ONLY: f32 = f32::NEG_INFINITY;

#[inline]
fn step(h: u64, c: char) -> u64 {
    let x = (h ^ u64::from(c as u32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

const START: u64 = 0x51_7CC1_B727_220A;

/// The block of common Chinese characters that [`Segmenter::first`] covers.
const FIRST_BASE: u32 = 0x4E00;
const FIRST_END: u32 = 0x9FFF;
/// "No entry" in [`Segmenter::first`]: a signalling NaN, which no arithmetic produces, so no
/// stored log-probability has these bits.
const NO_ENTRY: u32 = 0x7F80_0001;
/// Bits of a tag that pick its bit in [`Segmenter::tags`].
const TAG_FILTER_BITS: u32 = 17;

/// A segmentation dictionary: log-probabilities of words, and the prefixes of words so a
/// search can stop as soon as no word continues.
#[derive(Clone, Debug, Default)]
pub(crate) struct Segmenter {
    words: Table,
    /// `words.get` of each single character of the common block, as bits, computed once. The
    /// search starts at every character: this answers its first probe without hashing, from
    /// a table far smaller than `words`, with the same answers.
    first: Vec<u32>,
    /// One bit per leading bits of a tag in `words`. Most longer probes find nothing, and a
    /// clear bit says so from a table that stays in cache; a set bit only means "ask
    /// `words`", so the answers are those of `words` exactly.
    tags: Vec<u64>,
    /// The log-probability of a character that is not in the dictionary.
    unknown: f32,
    max_len: usize,
}

/// Reusable buffers for [`Segmenter::segment`].
#[derive(Clone, Debug, Default)]
pub(crate) struct SegmentScratch {
    best: Vec<(f32, u32)>,
}

impl Segmenter {
    /// Reads `word freq` lines; lines it cannot read are skipped, since a dictionary is only an
    /// aid to the features and the model was trained with the same reading.
    pub fn from_dictionary(text: &str) -> Segmenter {
        let entries: Vec<(&str, f64)> = text
            .lines()
            .filter_map(|line| {
                let mut parts = line.split_whitespace();
                let word = parts.next()?;
                let freq: f64 = parts.next()?.parse().ok()?;
                (freq > 0.0).then_some((word, freq))
            })
            .collect();
        let total: f64 = entries.iter().map(|e| e.1).sum::<f64>().max(1.0);
        let log_total = total.ln();
        let mut hashes: Vec<(u64, f32)> = Vec::new();
        let mut max_len = 1;
        for (word, freq) in entries {
            let mut h = START;
            let n = word.chars().count();
            max_len = max_len.max(n);
            for (i, c) in word.chars().enumerate() {
                h = step(h, c);
                if i + 1 < n {
                    hashes.push((h, PREFIX_ONLY));
                }
            }
            let logp = (freq.ln() - log_total) as f32;
            hashes.push((h, logp));
        }
        let words = Table::build(&hashes);
        let first = (FIRST_BASE..=FIRST_END)
            .map(|u| {
                let c = char::from_u32(u).unwrap_or(' ');
                words.get(step(START, c)).map_or(NO_ENTRY, f32::to_bits)
            })
            .collect();
        let mut tags = vec![0u64; (1 << TAG_FILTER_BITS) / 64];
        for &(tag, _) in &words.slots {
            if tag != EMPTY {
                let bit = (tag >> (32 - TAG_FILTER_BITS)) as usize;
                tags[bit / 64] |= 1 << (bit % 64);
            }
        }
        Segmenter {
            words,
            first,
            tags,
            unknown: -(log_total as f32),
            max_len,
        }
    }

    /// `words.get(h)`, answered from the small tables when they can.
    #[inline]
    fn get(&self, h: u64) -> Option<f32> {
        let bit = (Table::tag(h) >> (32 - TAG_FILTER_BITS)) as usize;
        let word = self.tags.get(bit / 64)?;
        if word & (1 << (bit % 64)) == 0 {
            return None;
        }
        self.words.get(h)
    }

    /// `words.get` of `c` alone.
    #[inline]
    fn get_first(&self, c: char) -> Option<f32> {
        match (c as u32)
            .checked_sub(FIRST_BASE)
            .and_then(|i| self.first.get(i as usize))
        {
            Some(&bits) => (bits != NO_ENTRY).then(|| f32::from_bits(bits)),
            None => self.get(step(START, c)),
        }
    }

    /// Calls `emit(start, end)` with the character range of each word of `chars`, a run of CJK
    /// characters (with their byte offsets, which the search does not read).
    #[inline(always)]
    pub fn segment(
        &self,
        chars: &[(u32, char)],
        scratch: &mut SegmentScratch,
        mut emit: impl FnMut(usize, usize),
    ) {
        let n = chars.len();
        if n == 0 {
            return;
        }
        // best[i] = (log-probability of the best path from i to the end, end of its first word)
        let best = &mut scratch.best;
        best.clear();
        best.resize(n + 1, (0.0, n as u32));
        for i in (0..n).rev() {
            let mut choice = (f32::NEG_INFINITY, i as u32 + 1);
            let c = chars[i].1;
            if let Some(logp) = self.get_first(c) {
                let score = logp + best[i + 1].0;
                if logp != PREFIX_ONLY && score >= choice.0 {
                    choice = (score, i as u32 + 1);
                }
                let mut h = step(START, c);
                for j in i + 1..n.min(i + self.max_len) {
                    h = step(h, chars[j].1);
                    let Some(logp) = self.get(h) else {
                        break;
                    };
                    if logp == PREFIX_ONLY {
                        continue;
                    }
                    let score = logp + best[j + 1].0;
                    // ties go to the longer word, as in jieba
                    if score >= choice.0 {
                        choice = (score, j as u32 + 1);
                    }
                }
            }
            if choice.0 == f32::NEG_INFINITY {
                choice = (self.unknown + best[i + 1].0, i as u32 + 1);
            }
            best[i] = choice;
        }
        let mut i = 0;
        while i < n {
            let j = (best[i].1 as usize).clamp(i + 1, n);
            emit(i, j);
            i = j;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(seg: &Segmenter, text: &str) -> Vec<String> {
        let chars: Vec<(u32, char)> = text.char_indices().map(|(i, c)| (i as u32, c)).collect();
        let mut out = Vec::new();
        seg.segment(&chars, &mut SegmentScratch::default(), |a, b| {
            out.push(chars[a..b].iter().map(|c| c.1).collect())
        });
        out
    }

    #[test]
    fn takes_the_most_probable_path() {
        let seg =
            Segmenter::from_dictionary("银行 100\n银行卡 50\n卡号 80\n号 5\n银 1\n行 1\n卡 1\n");
        assert_eq!(cut(&seg, "银行卡号"), ["银行", "卡号"]);
        assert_eq!(cut(&seg, "银行卡"), ["银行卡"]);
        // unknown characters stand alone
        assert_eq!(cut(&seg, "请银行卡"), ["请", "银行卡"]);
    }

    #[test]
    fn agrees_with_jieba_on_its_own_dictionary_words() {
        let jieba = jieba_rs::Jieba::new();
        let text = "请添加客服好友办理银行卡退款手续";
        let mut dict = String::new();
        for t in jieba.cut(text, false) {
            dict.push_str(&format!(
                "{} {}\n",
                t.word,
                jieba.suggest_freq(t.word).saturating_sub(1).max(1)
            ));
        }
        let seg = Segmenter::from_dictionary(&dict);
        let ours = cut(&seg, text);
        let theirs: Vec<String> = jieba
            .cut(text, false)
            .into_iter()
            .map(|t| t.word.to_owned())
            .collect();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn survives_junk_dictionaries_and_text() {
        let seg = Segmenter::from_dictionary("no-frequency\n\n 12 x\nword -3\n字 abc\n");
        assert_eq!(cut(&seg, "字字"), ["字", "字"]);
        assert!(cut(&Segmenter::default(), "").is_empty());
        assert_eq!(cut(&Segmenter::default(), "中文"), ["中", "文"]);
    }
}
