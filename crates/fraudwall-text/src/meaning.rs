//! Which tokens are worth naming as a reason: words and entities that carry meaning to an
//! analyst, not punctuation, white space, sub-word fragments or function words (`,`, `。`,
//! `我`, `the`). The model still scores every feature; this only chooses what it names.

use crate::features::FeatureKind;

/// English function words, too common to explain anything.
const LATIN_STOPWORDS: &[&str] = &[
    "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
    "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "here", "him",
    "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "my", "no", "not",
    "of", "on", "or", "our", "she", "so", "that", "the", "their", "them", "then", "there", "they",
    "this", "to", "u", "up", "us", "was", "we", "were", "what", "when", "where", "which", "who",
    "why", "will", "with", "would", "ya", "you", "your", "ur",
    // what is left of contractions once split at the apostrophe
    "d", "ll", "m", "nt", "re", "s", "t", "ve",
];

/// Chinese function words and greetings: pronouns, particles, the copula.
const CJK_STOPWORDS: &[&str] = &[
    "我", "你", "您", "他", "她", "它", "我们", "你们", "您们", "他们", "她们", "咱们", "的", "了",
    "是", "在", "有", "和", "与", "就", "都", "也", "这", "那", "这个", "那个", "一个", "我是",
    "你好", "您好", "吗", "呢", "吧", "啊", "哦", "着", "把", "被", "给", "对", "从", "到", "为",
    "及", "或", "而", "并", "个", "些", "不", "没", "要", "会", "能", "可以", "请",
];

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x2ffff)
}

/// Whether `token`, a feature of `kind` as reasons spell it, names something meaningful.
pub(crate) fn is_meaningful(kind: FeatureKind, token: &str) -> bool {
    match kind {
        // typed entities (`<url>`, `<amount>`, `<number:code>`) and cues (a trick in the
        // reader's own words: "安全账户", "tell no one") always speak
        FeatureKind::Placeholder | FeatureKind::EntityKind | FeatureKind::Cue => {
            return !token.trim().is_empty();
        }
        // style, not content; and fragments of words are not words
        FeatureKind::Punctuation
        | FeatureKind::Length
        | FeatureKind::Shouting
        | FeatureKind::LatinChars => return false,
        FeatureKind::CjkChars
        | FeatureKind::CjkWord
        | FeatureKind::OpeningWord
        | FeatureKind::LatinWord
        | FeatureKind::LatinBigram => {}
    }
    let token = token.trim();
    if !token.chars().any(char::is_alphanumeric) {
        return false;
    }
    let words: Vec<&str> = token.split_whitespace().collect();
    // a phrase speaks when one of its words does
    words.iter().any(|word| is_meaningful_word(word))
}

fn is_meaningful_word(word: &str) -> bool {
    if word.contains(['\'', '’']) {
        // `you've` speaks when `you` or `ve` does
        return word.split(['\'', '’']).any(is_meaningful_word);
    }
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    if word.is_empty() {
        return false;
    }
    let chars = word.chars().count();
    if word.chars().any(is_cjk) {
        // a lone character is almost always a function word or a fragment
        return chars >= 2 && !CJK_STOPWORDS.contains(&word);
    }
    if word.chars().all(|c| c.is_ascii_digit()) {
        // digits outside a typed entity are fragments of numbers
        return false;
    }
    chars >= 2 && !LATIN_STOPWORDS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_function_words_and_fragments_are_not_reasons() {
        use FeatureKind::*;
        for (kind, token) in [
            (Punctuation, ","),
            (Punctuation, "。"),
            (CjkChars, "我"),
            (CjkChars, "我是"),
            (CjkWord, "我们"),
            (CjkChars, "  "),
            (LatinWord, "to"),
            (LatinWord, "k"),
            (LatinBigram, "what you"),
            (LatinChars, "tha"),
            (Shouting, "<capitals:2>"),
            (Length, "<length:40>"),
            (LatinWord, "2"),
            (LatinBigram, "you've"),
        ] {
            assert!(!is_meaningful(kind, token), "{kind:?} {token:?}");
        }
        for (kind, token) in [
            (CjkWord, "贷款"),
            (OpeningWord, "客服"),
            (LatinWord, "prize"),
            (LatinBigram, "claim now"),
            (EntityKind, "<url>"),
            (Placeholder, "<number:code>"),
        ] {
            assert!(is_meaningful(kind, token), "{kind:?} {token:?}");
        }
    }
}
