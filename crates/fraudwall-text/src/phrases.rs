//! Every occurrence of a few hundred phrases in a short text, found by each phrase's first bytes.
//!
//! The cue lexicon is searched in every message classified. An Aho-Corasick DFA over its 640
//! phrases, most of them Chinese, takes 2.2 MB: one transition per byte, each a likely cache miss
//! once the model's weight rows share the cache, and it cost an eighth of classifying a message.
//! Here each character start is looked up instead, by its first six bytes (two Chinese
//! characters) or, for the few shorter phrases, its first three (or, for a phrase of one or two
//! bytes, which a lexicon may hold, its first), in a bit filter of 8 KiB that nearly every
//! position fails; only the positions that pass compare phrases. The matches are
//! reported in the order an overlapping Aho-Corasick search gives them (by end, the longer
//! first), so the features that follow from them, and their order, stay as they were.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Phrases of fewer bytes than this are found by their first three bytes, the rest by their
/// first six.
const LONG: usize = 6;
/// Phrases of fewer bytes than this are found by their first byte.
const SHORT: usize = 3;

/// The filter has `2^FILTER_BITS` bits.
const FILTER_BITS: u32 = 16;

/// Sets the key of a short phrase apart from a long phrase's, in the bits no key of six bytes
/// uses.
const SHORT_TAG: u64 = 1 << 63;
/// Sets the key of a phrase of one or two bytes apart from the others'.
const TINY_TAG: u64 = 1 << 62;

#[derive(Debug, Clone)]
pub(crate) struct PhraseIndex {
    phrases: Vec<Box<[u8]>>,
    filter: Vec<u64>,
    /// Key to the range of `order` holding the phrases that start with it.
    starts: HashMap<u64, (u32, u32), BuildHasherDefault<KeyHasher>>,
    /// Phrase ids, grouped by key.
    order: Vec<u32>,
    /// Whether any phrase is shorter than [`SHORT`]: only then is every position looked up by
    /// its first byte too.
    has_tiny: bool,
}

/// One occurrence: the phrase's id, and its byte range in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub phrase: u32,
    pub start: u32,
    pub end: u32,
}

impl PhraseIndex {
    /// An index of `phrases`, none empty and none twice.
    pub fn new(phrases: &[&str]) -> Result<PhraseIndex, String> {
        let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(phrases.len());
        for (id, phrase) in phrases.iter().enumerate() {
            let bytes = phrase.as_bytes();
            if bytes.is_empty() {
                return Err("a phrase is empty".into());
            }
            keyed.push((key_of(bytes), id as u32));
        }
        keyed.sort_unstable();
        let mut filter = vec![0u64; (1usize << FILTER_BITS) / 64];
        let mut starts: HashMap<u64, (u32, u32), BuildHasherDefault<KeyHasher>> =
            HashMap::default();
        for (at, &(key, _)) in keyed.iter().enumerate() {
            let bit = filter_bit(key);
            filter[bit / 64] |= 1 << (bit % 64);
            starts
                .entry(key)
                .and_modify(|range: &mut (u32, u32)| range.1 += 1)
                .or_insert((at as u32, 1));
        }
        Ok(PhraseIndex {
            phrases: phrases
                .iter()
                .map(|p| p.as_bytes().to_vec().into_boxed_slice())
                .collect(),
            filter,
            starts,
            order: keyed.into_iter().map(|(_, id)| id).collect(),
            has_tiny: phrases.iter().any(|p| p.len() < SHORT),
        })
    }

    /// Every occurrence in `text`, overlapping ones included, by end and, at one end, the
    /// longer first. `out` is cleared first.
    #[inline(always)]
    pub fn find_all(&self, text: &str, out: &mut Vec<Occurrence>) {
        out.clear();
        let bytes = text.as_bytes();
        for (start, &first) in bytes.iter().enumerate() {
            // a phrase is text, so it starts where a character does
            if first & 0xC0 == 0x80 {
                continue;
            }
            let rest = &bytes[start..];
            let head = head_of(rest);
            if self.has_tiny {
                let tiny = head & 0xFF | TINY_TAG;
                if self.passes(tiny) {
                    self.candidates(tiny, rest, start, out);
                }
            }
            if rest.len() < SHORT {
                if self.has_tiny {
                    continue;
                }
                break;
            }
            let short = head & 0xFF_FFFF | SHORT_TAG;
            if self.passes(short) {
                self.candidates(short, rest, start, out);
            }
            let long = head & 0xFFFF_FFFF_FFFF;
            if rest.len() >= LONG && self.passes(long) {
                self.candidates(long, rest, start, out);
            }
        }
        // found by start; an overlapping Aho-Corasick search reports them by end, and at one
        // end the longer (earlier) first
        out.sort_unstable_by_key(|o| (o.end, o.start));
    }

    #[inline(always)]
    fn passes(&self, key: u64) -> bool {
        let bit = filter_bit(key);
        self.filter[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// The phrases that start with `key`'s bytes and with `rest`.
    #[inline(never)]
    fn candidates(&self, key: u64, rest: &[u8], start: usize, out: &mut Vec<Occurrence>) {
        let Some(&(from, count)) = self.starts.get(&key) else {
            return;
        };
        for &id in &self.order[from as usize..(from + count) as usize] {
            let phrase = &self.phrases[id as usize];
            if rest.starts_with(phrase) {
                out.push(Occurrence {
                    phrase: id,
                    start: start as u32,
                    end: (start + phrase.len()) as u32,
                });
            }
        }
    }
}

/// A phrase's key: its first six bytes, its first three tagged as short, or its first byte
/// tagged as tiny.
fn key_of(phrase: &[u8]) -> u64 {
    let head = head_of(phrase);
    if phrase.len() >= LONG {
        head & 0xFFFF_FFFF_FFFF
    } else if phrase.len() >= SHORT {
        head & 0xFF_FFFF | SHORT_TAG
    } else {
        head & 0xFF | TINY_TAG
    }
}

/// Up to the first eight bytes, little-endian, zero beyond the end.
#[inline]
fn head_of(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(chunk) => u64::from_le_bytes(*chunk),
        None => {
            let mut buf = [0u8; 8];
            buf[..bytes.len()].copy_from_slice(bytes);
            u64::from_le_bytes(buf)
        }
    }
}

/// Keys are a phrase's first bytes, known in advance and not chosen by whoever sends the text:
/// one multiplication spreads them well enough, where SipHash cost more than the search.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = (key ^ (key >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
}

#[inline]
fn filter_bit(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};
    use proptest::prelude::*;

    fn reference(phrases: &[&str], text: &str) -> Vec<Occurrence> {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(phrases)
            .unwrap();
        automaton
            .find_overlapping_iter(text)
            .map(|m| Occurrence {
                phrase: m.pattern().as_u32(),
                start: m.start() as u32,
                end: m.end() as u32,
            })
            .collect()
    }

    fn found(phrases: &[&str], text: &str) -> Vec<Occurrence> {
        let mut out = Vec::new();
        PhraseIndex::new(phrases).unwrap().find_all(text, &mut out);
        out
    }

    #[test]
    fn finds_overlapping_phrases_in_aho_corasick_order() {
        let phrases = ["安全账户", "账户", "全账户", "fee", "unfreeze fee", "加v"];
        for text in [
            "请转入安全账户",
            "pay the unfreeze fee now, fee",
            "加v详谈，安全账户安全账户",
            "账",
            "",
        ] {
            assert_eq!(found(&phrases, text), reference(&phrases, text), "{text}");
        }
        assert_eq!(found(&phrases, "请转入安全账户").len(), 3);
    }

    #[test]
    fn finds_phrases_of_one_or_two_bytes_and_refuses_an_empty_one() {
        let phrases = ["qq", "v", "加v", "fee"];
        for text in ["加v或qq", "v", "qqq fee", "q"] {
            assert_eq!(found(&phrases, text), reference(&phrases, text), "{text}");
        }
        assert_eq!(found(&phrases, "加v或qq").len(), 3);
        assert!(PhraseIndex::new(&[""]).is_err());
    }

    proptest! {
        #[test]
        fn agrees_with_aho_corasick(text in "[安全账户费加va-c ]{0,40}") {
            let phrases = ["安全账户", "账户", "全账户", "户费", "abc", "ab c", "加va", "cab", "费费费"];
            prop_assert_eq!(found(&phrases, &text), reference(&phrases, &text));
            let with_tiny = ["安全账户", "账户", "ab", "c", "b c", "加va"];
            prop_assert_eq!(found(&with_tiny, &text), reference(&with_tiny, &text));
        }
    }
}
