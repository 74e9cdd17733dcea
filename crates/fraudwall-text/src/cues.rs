//! Cues: the tricks a message plays on its reader (pay an unfreezing fee, move money to a
//! "safe account", add a chat id, tell no one), each a concept matched in many wordings.
//!
//! Hashed n-grams learn the words of the training messages; a cue learns the trick. Every
//! wording of a concept raises the same feature, so a script written in new words still
//! carries the weight its trick earned across every fraud type that used it. The lexicon is
//! data (`cues/cues.txt`), and a model keeps the lexicon it was trained with, so a model and
//! its cues never drift apart.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::normalize::{Normalized, Normalizer, Placeholder};
use crate::phrases::{Occurrence, PhraseIndex};

/// The lexicon this build trains with.
pub const BUNDLED_CUES: &str = include_str!("../cues/cues.txt");

/// A lexicon may name at most this many concepts: a message's concepts are one bit each.
pub const MAX_CONCEPTS: usize = 64;

const SEED_CUE: u64 = 0x80;

/// A compiled cue lexicon.
#[derive(Debug, Clone)]
pub struct Cues {
    phrases: PhraseIndex,
    /// Per pattern: its concept, and whether it must start and end at a word boundary.
    patterns: Vec<PatternInfo>,
    concepts: Vec<String>,
    /// Per concept: its feature hash, from its name, so reordering the lexicon moves nothing.
    hashes: Vec<u64>,
}

#[derive(Debug, Clone, Copy)]
struct PatternInfo {
    concept: u8,
    word_start: bool,
    word_end: bool,
}

impl Cues {
    /// The bundled lexicon, compiled.
    pub fn bundled() -> Cues {
        Cues::parse(BUNDLED_CUES).expect("the bundled cue lexicon is valid")
    }

    /// Compiles a lexicon: `concept: phrase | phrase` lines, `#` comments. Phrases are
    /// normalized as messages are, so they match what the features see.
    pub fn parse(lexicon: &str) -> Result<Cues, String> {
        let mut normalizer = Normalizer::new();
        let mut normalized = Normalized::default();
        let mut concepts: Vec<String> = Vec::new();
        let mut phrases: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        for (n, line) in lexicon.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((concept, list)) = line.split_once(':') else {
                return Err(format!("cue line {}: expected `concept: phrases`", n + 1));
            };
            let concept = concept.trim();
            if concept.is_empty()
                || !concept
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
            {
                return Err(format!(
                    "cue line {}: concept {concept:?} is not snake_case",
                    n + 1
                ));
            }
            let index = match concepts.iter().position(|c| c == concept) {
                Some(i) => i,
                None => {
                    concepts.push(concept.to_owned());
                    concepts.len() - 1
                }
            };
            if index >= MAX_CONCEPTS {
                return Err(format!("more than {MAX_CONCEPTS} cue concepts"));
            }
            for phrase in list.split('|') {
                normalizer.normalize_into(phrase.trim(), &mut normalized);
                let text = normalized.text.trim();
                // a phrase that is all placeholder would match every number
                if text.is_empty() || text.chars().all(|c| Placeholder::from_char(c).is_some()) {
                    continue;
                }
                if phrases.iter().any(|p| p == text) {
                    continue;
                }
                let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                patterns.push(PatternInfo {
                    concept: index as u8,
                    word_start: edge(text.chars().next()),
                    word_end: edge(text.chars().next_back()),
                });
                phrases.push(text.to_owned());
            }
        }
        if phrases.is_empty() {
            return Err("the cue lexicon has no phrases".into());
        }
        let phrases = PhraseIndex::new(&phrases.iter().map(String::as_str).collect::<Vec<_>>())
            .map_err(|e| format!("cue lexicon: {e}"))?;
        let hashes = concepts
            .iter()
            .map(|c| xxh3_64_with_seed(c.as_bytes(), SEED_CUE))
            .collect();
        Ok(Cues {
            phrases,
            patterns,
            concepts,
            hashes,
        })
    }

    pub fn concepts(&self) -> &[String] {
        &self.concepts
    }

    /// Calls `found(hash, start, end)` once per concept present in normalized `text`, at its
    /// first match. `occurrences` is scratch space.
    #[inline(always)]
    pub(crate) fn scan(
        &self,
        text: &str,
        occurrences: &mut Vec<Occurrence>,
        mut found: impl FnMut(u64, u32, u32),
    ) {
        let bytes = text.as_bytes();
        let mut seen = 0u64;
        self.phrases.find_all(text, occurrences);
        for m in occurrences.iter() {
            let info = self.patterns[m.phrase as usize];
            let bit = 1u64 << info.concept;
            if seen & bit != 0 {
                continue;
            }
            let (start, end) = (m.start as usize, m.end as usize);
            // Latin phrases are whole words: "fee" is not in "feel", "bet" not in "better"
            if info.word_start && start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            if info.word_end && bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                continue;
            }
            seen |= bit;
            found(self.hashes[usize::from(info.concept)], m.start, m.end);
        }
    }

    /// The concepts present in a raw message, for tools and tests.
    pub fn concepts_in(&self, message: &str) -> Vec<&str> {
        let n = crate::normalize::normalize(message);
        let mut out = Vec::new();
        self.scan(&n.text, &mut Vec::new(), |hash, _, _| {
            if let Some(i) = self.hashes.iter().position(|h| *h == hash) {
                out.push(self.concepts[i].as_str());
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_lexicon_compiles() {
        let cues = Cues::bundled();
        assert!(cues.concepts().len() >= 20);
        assert!(cues.concepts().iter().any(|c| c == "safe_account"));
    }

    #[test]
    fn one_trick_in_different_words_raises_one_concept() {
        let cues = Cues::bundled();
        for text in [
            "请将资金转入安全账户配合调查",
            "请把钱转到国家监管账户",
            "move your savings to a safe account today",
        ] {
            assert!(
                cues.concepts_in(text).contains(&"safe_account"),
                "{text}: {:?}",
                cues.concepts_in(text)
            );
        }
    }

    #[test]
    fn disguised_wordings_match_after_normalization() {
        let cues = Cues::bundled();
        // spaced letters and full-width forms are undone before matching
        assert!(cues.concepts_in("加 V 信 详 谈").contains(&"move_to_chat"));
        assert!(
            cues.concepts_in("Ｔｅｌｌ ｎｏ ｏｎｅ")
                .contains(&"secrecy")
        );
    }

    #[test]
    fn latin_phrases_match_whole_words_only() {
        let cues = Cues::bundled();
        assert!(
            !cues
                .concepts_in("i feel better about the alphabet")
                .contains(&"gamble")
        );
        assert!(cues.concepts_in("place a bet now").contains(&"gamble"));
    }

    #[test]
    fn each_concept_counts_once() {
        let cues = Cues::bundled();
        let n = crate::normalize::normalize("手续费 手续费 保证金");
        let mut hits = 0;
        cues.scan(&n.text, &mut Vec::new(), |_, _, _| hits += 1);
        assert_eq!(hits, 1);
    }

    #[test]
    fn bad_lexicons_are_refused() {
        assert!(Cues::parse("no colon here").is_err());
        assert!(Cues::parse("Bad-Name: x").is_err());
        assert!(Cues::parse("# only a comment").is_err());
        let many: String = (0..=MAX_CONCEPTS)
            .map(|i| format!("c{i}: w{i}\n"))
            .collect();
        assert!(Cues::parse(&many).is_err());
    }
}
