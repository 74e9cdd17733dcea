//! Text normalization.
//!
//! Fraudsters dodge keyword filters with full-width letters, look-alike letters from other scripts,
//! invisible characters and letters spaced apart ("加 V 信", "w e i x i n"). Everything here undoes
//! those tricks, so that the features of a disguised message are the features of the plain one.
//! Links, phone numbers, amounts and other numbers become typed placeholders: their values rarely
//! repeat between messages (so they teach a model nothing), while their kinds generalise well. The
//! values themselves are returned as [`Entity`]s for the list checks.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// What kind of value an [`Entity`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Url,
    Email,
    Phone,
    Amount,
    Number,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Url => "url",
            EntityKind::Email => "email",
            EntityKind::Phone => "phone",
            EntityKind::Amount => "amount",
            EntityKind::Number => "number",
        }
    }
}

/// The shape of an entity, as it stands in normalized text.
///
/// Shapes are finer than kinds because the shape carries signal that the value does not: a
/// Chinese mobile number, a UK premium-rate number and a 400 hotline mean different things.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Placeholder {
    Url = 1,
    Email = 2,
    Phone = 3,
    MobileCn = 4,
    PremiumRate = 5,
    Hotline = 6,
    Amount = 7,
    ShortNumber = 8,
    CodeNumber = 9,
    LongNumber = 10,
}

/// Placeholders are private-use characters, so they survive as single characters inside Chinese
/// runs, where character n-grams pick up their context ("拨打<phone>").
const PLACEHOLDER_BASE: u32 = 0xE000;
const PLACEHOLDERS: [Placeholder; 10] = [
    Placeholder::Url,
    Placeholder::Email,
    Placeholder::Phone,
    Placeholder::MobileCn,
    Placeholder::PremiumRate,
    Placeholder::Hotline,
    Placeholder::Amount,
    Placeholder::ShortNumber,
    Placeholder::CodeNumber,
    Placeholder::LongNumber,
];

impl Placeholder {
    pub fn as_char(self) -> char {
        char::from_u32(PLACEHOLDER_BASE + self as u32).unwrap_or('\u{E000}')
    }

    pub fn from_char(c: char) -> Option<Placeholder> {
        let offset = (c as u32).checked_sub(PLACEHOLDER_BASE)?;
        PLACEHOLDERS.iter().copied().find(|p| *p as u32 == offset)
    }

    pub fn kind(self) -> EntityKind {
        match self {
            Placeholder::Url => EntityKind::Url,
            Placeholder::Email => EntityKind::Email,
            Placeholder::Phone
            | Placeholder::MobileCn
            | Placeholder::PremiumRate
            | Placeholder::Hotline => EntityKind::Phone,
            Placeholder::Amount => EntityKind::Amount,
            Placeholder::ShortNumber | Placeholder::CodeNumber | Placeholder::LongNumber => {
                EntityKind::Number
            }
        }
    }

    /// How the placeholder is shown to people, e.g. in a classification's reasons.
    pub fn token(self) -> &'static str {
        match self {
            Placeholder::Url => "<url>",
            Placeholder::Email => "<email>",
            Placeholder::Phone => "<phone>",
            Placeholder::MobileCn => "<phone:mobile_cn>",
            Placeholder::PremiumRate => "<phone:premium_rate>",
            Placeholder::Hotline => "<phone:hotline>",
            Placeholder::Amount => "<amount>",
            Placeholder::ShortNumber => "<number:short>",
            Placeholder::CodeNumber => "<number:code>",
            Placeholder::LongNumber => "<number:long>",
        }
    }
}

/// A value lifted out of a message: a link, e-mail address, phone number, amount or number.
///
/// `raw` is the value after the character folding (NFKC, invisible characters removed, spaced
/// letters joined) but with its case kept, since URL paths are case-sensitive.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Entity {
    pub kind: EntityKind,
    pub raw: String,
}

/// A normalized message: the text the features are read from, and the values taken out of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pub entities: Vec<Entity>,
    /// Words of two or more Latin letters written all in capitals ("FREE", "URGENT"), up to
    /// 255: the case is folded out of `text`, but shouting is a signal of its own.
    pub shouting: u8,
}

impl Normalized {
    /// The text with its placeholders spelled out, for people to read.
    pub fn display_text(&self) -> String {
        display(&self.text)
    }
}

/// Spells placeholders out, e.g. for reasons shown to analysts.
pub fn display(normalized: &str) -> String {
    let mut out = String::with_capacity(normalized.len());
    for c in normalized.chars() {
        match Placeholder::from_char(c) {
            Some(p) => out.push_str(p.token()),
            None => out.push(c),
        }
    }
    out
}

/// Normalizes one message. For many messages, reuse a [`Normalizer`].
pub fn normalize(input: &str) -> Normalized {
    let mut out = Normalized::default();
    Normalizer::default().normalize_into(input, &mut out);
    out
}

/// Reusable buffers for normalization, so a batch allocates nothing per message.
#[derive(Debug, Default, Clone)]
pub struct Normalizer {
    pre: String,
    nfkc: String,
    chars: Vec<char>,
    /// Where in `chars` a space stands for two or more white space characters.
    wide: Vec<usize>,
    joined: Vec<char>,
    seps: Vec<SepRun>,
    canon: String,
    url_hosts: bool,
}

impl Normalizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the words of a link's host name follow its placeholder in the text
    /// (`www.claim-prize.co.uk` -> `<url> claim prize co uk`). The link's value still goes to
    /// the list checks whole; its words are text a fraudster chose, like any other.
    pub fn set_url_hosts(&mut self, on: bool) {
        self.url_hosts = on;
    }

    pub fn normalize_into(&mut self, input: &str, out: &mut Normalized) {
        out.text.clear();
        out.entities.clear();
        out.shouting = 0;
        fold(
            input,
            &mut self.pre,
            &mut self.nfkc,
            &mut self.chars,
            &mut self.wide,
        );
        join_spaced(&self.chars, &self.wide, &mut self.seps, &mut self.joined);
        // after joining: a look-alike letter spaced apart from the Latin ones is only seen to
        // be mixed into a Latin word once the word is whole again
        unmask_homoglyphs(&mut self.joined);
        out.shouting = count_shouting(&self.joined);
        extract(&self.joined, self.url_hosts, out);
        if canonicalize_obfuscations(&out.text, &mut self.canon) {
            // a keyword now in Chinese may stand by Chinese across a space ("vx 号" -> "微信 号"):
            // join again, as if it had been written so
            self.chars.clear();
            self.chars.extend(self.canon.chars());
            join_spaced(&self.chars, &[], &mut self.seps, &mut self.joined);
            out.text.clear();
            out.text.extend(self.joined.iter());
        }
    }
}

/// Full-width ASCII and the ideographic space map exactly as NFKC maps them, so folding them
/// first lets most Chinese messages skip NFKC.
#[inline]
fn prefold_char(c: char) -> char {
    let u = c as u32;
    match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// Whether NFKC leaves `c` alone and nothing combines with it.
#[inline]
fn is_stable(c: char) -> bool {
    let u = c as u32;
    u <= 0x7F
        || (0x4E00..=0x9FFF).contains(&u)
        || matches!(
            u,
            0xA3 | 0xA5
                | 0xB7
                | 0x2014
                | 0x2018
                | 0x2019
                | 0x201C
                | 0x201D
                | 0x3001
                | 0x3002
                | 0x3008..=0x3011
        )
}

/// Prefolds `input` into `out`. Returns whether every character is stable (so the text is
/// NFKC already, without asking the slower general check).
fn prefold(input: &str, out: &mut String) -> bool {
    out.clear();
    let mut stable = true;
    for c in input.chars() {
        let mapped = prefold_char(c);
        stable &= is_stable(mapped);
        out.push(mapped);
    }
    stable
}

/// Folds `input` into `chars`: prefolded, NFKC, invisible characters removed and white space
/// runs made one space. `wide` gets the positions of the spaces that stood for two or more,
/// which tell words apart in text spaced out letter by letter ("f r e e  p r i z e").
fn fold(
    input: &str,
    pre: &mut String,
    nfkc: &mut String,
    chars: &mut Vec<char>,
    wide: &mut Vec<usize>,
) {
    chars.clear();
    wide.clear();
    // Most messages are stable once prefolded: fold them in one pass, straight from the input,
    // and start over the general way at the first character that is not.
    let mut last_space = true;
    let mut stable = true;
    for c in input.chars() {
        let c = prefold_char(c);
        if !is_stable(c) {
            stable = false;
            break;
        }
        // `push_folded` for stable characters: none is invisible, and only ASCII ones are
        // white space or control characters
        if c <= ' ' || c == '\x7f' {
            if !last_space {
                chars.push(' ');
                last_space = true;
            } else {
                mark_wide(chars, wide);
            }
        } else {
            chars.push(c);
            last_space = false;
        }
    }
    if !stable {
        chars.clear();
        wide.clear();
        let source: &str = if prefold(input, pre) || is_nfkc_quick(pre.chars()) == IsNormalized::Yes
        {
            pre
        } else {
            nfkc.clear();
            nfkc.extend(pre.nfkc());
            nfkc
        };
        last_space = true;
        for c in source.chars() {
            push_folded(c, &mut last_space, chars, wide);
        }
    }
    if chars.last() == Some(&' ') {
        chars.pop();
        if wide.last() == Some(&chars.len()) {
            wide.pop();
        }
    }
}

/// Another white space character after the space that ends `chars`: that space is wide.
#[inline]
fn mark_wide(chars: &[char], wide: &mut Vec<usize>) {
    if chars.last() == Some(&' ') {
        let at = chars.len() - 1;
        if wide.last() != Some(&at) {
            wide.push(at);
        }
    }
}

/// Folds one NFKC character into `chars`: invisible characters go, runs of white space and
/// control characters become one space.
#[inline]
fn push_folded(c: char, last_space: &mut bool, chars: &mut Vec<char>, wide: &mut Vec<usize>) {
    // the common cases first: ASCII letters and digits, Chinese characters
    if c.is_ascii_alphanumeric() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        chars.push(c);
        *last_space = false;
        return;
    }
    if is_invisible(c) {
        return;
    }
    if c.is_whitespace() || c.is_control() {
        if !*last_space {
            chars.push(' ');
            *last_space = true;
        } else {
            mark_wide(chars, wide);
        }
        return;
    }
    chars.push(c);
    *last_space = false;
}

/// Characters that render as nothing: zero-width spaces and joiners, direction marks, soft
/// hyphens, variation selectors, tags. Private-use characters go too, so that no input can
/// forge a placeholder.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0xE000..=0xF8FF | 0xE0000..=0xE0FFF
        | 0xF0000..=0x10FFFF | 0x1D173..=0x1D17A)
}

/// Chinese, Japanese and Korean characters: written without spaces, so read as character runs.
#[inline]
pub(crate) fn is_cjk(c: char) -> bool {
    // the common block alone first: nearly every CJK character is in it
    let u = c as u32;
    (0x4E00..=0x9FFF).contains(&u)
        || matches!(u,
            0x3040..=0x30FF | 0x3400..=0x4DBF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
            | 0x20000..=0x3134F)
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !is_cjk(c) && c.is_alphanumeric()
    }
}

/// Cyrillic and Greek letters that look like Latin ones. They are mapped only inside words that
/// also hold Latin letters: a mixed-script word is a disguise, an all-Cyrillic word is Russian.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ѵ' | 'ν' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' | 'Ϲ' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' => 'I',
        'Ј' => 'J',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'Ν' => 'N',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'У' | 'Υ' => 'Y',
        'Ζ' => 'Z',
        _ => return None,
    })
}

fn unmask_homoglyphs(chars: &mut [char]) {
    // every look-alike is Greek or Cyrillic
    if !chars.iter().any(|c| ('\u{370}'..='\u{52F}').contains(c)) {
        return;
    }
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut latin = false;
        let mut lookalike = false;
        while i < chars.len() && is_word_char(chars[i]) {
            let c = chars[i];
            latin |= c.is_ascii_alphabetic();
            lookalike |= !c.is_ascii() && latin_lookalike(c).is_some();
            i += 1;
        }
        if latin && lookalike {
            for c in &mut chars[start..i] {
                if let Some(l) = latin_lookalike(*c) {
                    *c = l;
                }
            }
        }
    }
}

/// Characters a sender puts between letters to split a keyword apart.
#[inline]
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        ASCII_SEPARATORS & (1 << c as u32) != 0
    } else {
        matches!(c, '·' | '•' | '、')
    }
}

/// The ASCII separators, as a set of bits: a test per character of every message.
const ASCII_SEPARATORS: u128 = {
    let mut set = 0u128;
    let chars = b" .-_*|/\\~+#^";
    let mut i = 0;
    while i < chars.len() {
        set |= 1 << chars[i];
        i += 1;
    }
    set
};

/// A run of separators, `chars[start..end]`.
#[derive(Clone, Copy, Debug)]
struct SepRun {
    start: usize,
    end: usize,
    /// Between two single Latin letters or digits, close enough to be a link of a chain.
    link: bool,
    drop: bool,
}

/// What stands beside a run of separators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Cjk,
    /// A word of one letter or digit.
    Single,
    Word,
    Other,
}

impl Side {
    /// The side whose character next to the run is `c`, and `beyond` the one after it.
    fn of(c: char, beyond: Option<char>) -> Side {
        if is_cjk(c) {
            Side::Cjk
        } else if !is_word_char(c) {
            Side::Other
        } else if beyond.is_some_and(is_word_char) {
            Side::Word
        } else {
            Side::Single
        }
    }
}

/// Longest separator run that still reads as "spacing a word apart".
const MAX_SEPARATOR_RUN: usize = 3;
/// "r u ok" is English; "w e i x i n" is a disguise. Four spaced single letters are the line.
const MIN_SPACED_LATIN: usize = 4;

/// Drops the separators that space a word apart. Text reads as units: a CJK character, a word
/// (letters and digits), a run of separators, or any other character; only separator runs go,
/// so the work is over them and their neighbours.
///
/// In a chain of spaced letters, a `wide` space (see [`fold`]) parts words: "f r e e  p r i z e"
/// reads "free prize". Single letters it leaves standing alone stay apart ("i  w o n" reads
/// "i won") unless four or more stand in a row, which join as any chain does, so normalizing
/// the result again changes nothing.
fn join_spaced(chars: &[char], wide: &[usize], seps: &mut Vec<SepRun>, out: &mut Vec<char>) {
    seps.clear();
    out.clear();
    let n = chars.len();
    let mut i = 0;
    while i < n {
        if !is_separator(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && is_separator(chars[i]) {
            i += 1;
        }
        seps.push(SepRun {
            start,
            end: i,
            link: false,
            drop: false,
        });
    }
    // nothing to join without a separator: most messages
    if seps.is_empty() {
        out.extend_from_slice(chars);
        return;
    }
    for run in seps.iter_mut() {
        if run.start == 0 || run.end == n || run.end - run.start > MAX_SEPARATOR_RUN {
            continue;
        }
        let left = Side::of(
            chars[run.start - 1],
            run.start.checked_sub(2).map(|j| chars[j]),
        );
        let right = Side::of(chars[run.end], chars.get(run.end + 1).copied());
        // Chinese has no spaces between words, so a separator between two CJK characters, or
        // between a CJK character and a lone Latin letter or digit ("加 V 信"), is a disguise.
        let single = |s: Side| matches!(s, Side::Cjk | Side::Single);
        run.drop = (left == Side::Cjk && single(right)) || (right == Side::Cjk && single(left));
        run.link = left == Side::Single && right == Side::Single;
    }
    // Chains of single Latin letters or digits: "w e i x i n", "1 3 8 0 0 ...". Consecutive
    // links share a letter when one run starts just after the other ends.
    let mut k = 0;
    while k < seps.len() {
        if !seps[k].link {
            k += 1;
            continue;
        }
        let mut last = k;
        while last + 1 < seps.len()
            && seps[last + 1].link
            && seps[last + 1].start == seps[last].end + 1
        {
            last += 1;
        }
        // a chain of m links has m + 1 letters
        if last - k + 2 >= MIN_SPACED_LATIN {
            drop_chain_links(&mut seps[k..=last], chars, wide);
        }
        k = last + 1;
    }
    let mut at = 0;
    for run in seps.iter().filter(|r| r.drop) {
        out.extend_from_slice(&chars[at..run.start]);
        at = run.end;
    }
    out.extend_from_slice(&chars[at..]);
}

/// Whether a run of separators holds a wide space.
fn is_wide(run: &SepRun, wide: &[usize]) -> bool {
    let first = wide.partition_point(|&w| w < run.start);
    wide.get(first).is_some_and(|&w| w < run.end)
}

/// Marks which links of a chain of spaced letters go: every one that joins letters of a word,
/// and those that part words but stand between single letters four or more of which are in a
/// row once the chain is parted.
///
/// A link parts words when it is wide, or when it holds a space and other links of the chain do
/// not: "f.r.e.e p.r.i.z.e" reads "free prize".
fn drop_chain_links(links: &mut [SepRun], chars: &[char], wide: &[usize]) {
    let has_space = |r: &SepRun| chars[r.start..r.end].contains(&' ');
    let mixed = links.iter().any(has_space) && !links.iter().all(has_space);
    let parts = |r: &SepRun| is_wide(r, wide) || (mixed && has_space(r));
    if !links.iter().any(parts) || links.iter().all(parts) {
        // evenly spaced: one word
        for run in links.iter_mut() {
            run.drop = true;
        }
        return;
    }
    // the letters of each part: parts are separated by the wide links
    let mut sizes = vec![1usize];
    for run in links.iter() {
        if parts(run) {
            sizes.push(1);
        } else if let Some(last) = sizes.last_mut() {
            *last += 1;
        }
    }
    // for each part, how many single letters stand in a row with it
    let mut singles_in_row = vec![0usize; sizes.len()];
    let mut p = 0;
    while p < sizes.len() {
        let mut q = p;
        while q < sizes.len() && sizes[q] == 1 {
            q += 1;
        }
        for n in &mut singles_in_row[p..q] {
            *n = q - p;
        }
        p = q.max(p + 1);
    }
    let mut part = 0;
    for run in links.iter_mut() {
        if parts(run) {
            run.drop = singles_in_row[part] >= MIN_SPACED_LATIN && sizes[part + 1] == 1;
            part += 1;
        } else {
            run.drop = true;
        }
    }
}

fn count_shouting(chars: &[char]) -> u8 {
    let mut count = 0u8;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        let mut upper = true;
        while i < chars.len() && chars[i].is_ascii_alphabetic() {
            upper &= chars[i].is_ascii_uppercase();
            i += 1;
        }
        if upper && i - start >= 2 {
            count = count.saturating_add(1);
        }
    }
    count
}

fn starts_with_ci(chars: &[char], at: usize, pattern: &str) -> bool {
    let mut i = at;
    for p in pattern.chars() {
        match chars.get(i) {
            Some(c) if c.to_ascii_lowercase() == p => i += 1,
            _ => return false,
        }
    }
    true
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.'
                | '_'
                | '~'
                | ':'
                | '/'
                | '?'
                | '#'
                | '['
                | ']'
                | '@'
                | '!'
                | '$'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | '+'
                | ','
                | ';'
                | '='
                | '%'
        )
}

fn scan_url_tail(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && is_url_char(chars[i]) {
        i += 1;
    }
    // Sentence punctuation after a link belongs to the sentence.
    while i > 0
        && matches!(
            chars[i - 1],
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | '\'' | ']'
        )
    {
        i -= 1;
    }
    i
}

/// Top-level domains that SMS links use. A closed list, because "e.g." or "no.1" must not read
/// as hosts.
#[rustfmt::skip]
const TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "cn", "uk", "co", "io", "me", "cc", "tv", "top", "xyz",
    "vip", "club", "site", "online", "shop", "app", "ru", "hk", "tw", "jp", "kr", "in", "de", "fr",
    "us", "ly", "gl", "gd", "link", "live", "ink", "wang", "win", "bid", "work", "ltd", "mobi",
    "asia", "tk", "ml", "ga", "cf", "gq", "pw", "icu", "cyou", "buzz", "fun", "mo", "sg", "au",
    "ca", "eu", "pro", "store", "tech", "website", "space", "life", "today", "cloud", "ai",
    // the rest of the TLDs phishing favours (fraudwall-links' suspicious_tlds.txt)
    "accountant", "cam", "casa", "cfd", "click", "cricket", "date", "download", "faith", "help",
    "lat", "loan", "monster", "mov", "name", "party", "racing", "rest", "review", "sbs", "science",
    "stream", "surf", "trade", "webcam", "ws", "zip",
];

/// A host name with a known TLD, starting at `i`: returns its end.
fn scan_host(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    while j < chars.len()
        && (chars[j].is_ascii_alphanumeric() || chars[j] == '-' || chars[j] == '.')
    {
        j += 1;
    }
    while j > i && chars[j - 1] == '.' {
        j -= 1;
    }
    let host = &chars[i..j];
    let dots = host.iter().filter(|c| **c == '.').count();
    if dots == 0 {
        return None;
    }
    let mut labels = host.split(|c| *c == '.');
    if labels.any(|l| l.is_empty()) {
        return None;
    }
    let last_dot = host.iter().rposition(|c| *c == '.')?;
    let tld: String = host[last_dot + 1..]
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if !TLDS.contains(&tld.as_str()) {
        return None;
    }
    Some(j)
}

/// What stands for a dot in a link broken up to pass filters ("10086-jf 点 top",
/// "royalmail-redeliver . top", "hotlocal dot xyz", "evil[.]cc").
const BROKEN_DOTS: &[&str] = &[
    " . ", " dot ", " (dot) ", " [dot] ", "(dot)", "[dot]", "[.]", "(.)", "{.}", " 点 ", "点",
    "。", " [.] ", " (.) ", " .", ".",
];

/// A host broken up with one of [`BROKEN_DOTS`] (one at least not a plain dot), ending in a
/// known TLD, and its path if one follows: its end, and the link as it should have been written.
fn scan_broken_link(chars: &[char], i: usize) -> Option<(usize, String)> {
    let label_end = |mut j: usize| {
        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '-') {
            j += 1;
        }
        j
    };
    let mut end = label_end(i);
    // most words are followed by a space and a word, a letter of another script or
    // punctuation that is no broken dot: leave at once
    let next = *chars.get(end)?;
    let may_be_dot = match next {
        '.' | '点' | '。' | '(' | '[' | '{' => true,
        ' ' => matches!(chars.get(end + 1), Some('.' | 'd' | 'D' | '(' | '[' | '点')),
        _ => false,
    };
    if !may_be_dot {
        return None;
    }
    // "the dot com era": a short plain word before a spelt-out dot is English, not a host
    let first = &chars[i..end];
    if next != '.' && first.len() < 4 && !first.iter().any(|c| c.is_ascii_digit() || *c == '-') {
        return None;
    }
    let mut link = String::new();
    link.extend(chars[i..end].iter().map(char::to_ascii_lowercase));
    let mut labels = 1;
    let mut broken = false;
    let mut last_start = i;
    while let Some(dot) = BROKEN_DOTS
        .iter()
        .find(|dot| starts_with_ci(chars, end, dot))
    {
        let start = end + dot.chars().count();
        let stop = label_end(start);
        if stop == start {
            break;
        }
        broken |= *dot != ".";
        link.push('.');
        link.extend(chars[start..stop].iter().map(char::to_ascii_lowercase));
        labels += 1;
        last_start = start;
        end = stop;
    }
    let tld: String = chars[last_start..end]
        .iter()
        .map(char::to_ascii_lowercase)
        .collect();
    let ip = labels == 4
        && link
            .split('.')
            .all(|label| label.len() <= 3 && label.parse::<u8>().is_ok());
    if !broken || labels < 2 || !(ip || TLDS.contains(&tld.as_str())) {
        return None;
    }
    if chars.get(end) == Some(&'/') {
        let tail = scan_url_tail(chars, end);
        link.extend(&chars[end..tail]);
        end = tail;
    }
    Some((end, link))
}

fn scan_email(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    while j < chars.len()
        && (chars[j].is_ascii_alphanumeric() || matches!(chars[j], '.' | '_' | '%' | '+' | '-'))
    {
        j += 1;
    }
    if j == i || chars.get(j) != Some(&'@') {
        return None;
    }
    scan_host(chars, j + 1)
}

/// Digits, allowing single spaces or hyphens between groups ("138 0013 8000", "0800-505060").
/// Groups after the first need three digits or more, so dates ("2024-01-05") stay numbers.
fn scan_phone(chars: &[char], i: usize) -> (usize, usize) {
    let mut j = i;
    let mut digits = 0;
    while j < chars.len() && chars[j].is_ascii_digit() {
        j += 1;
        digits += 1;
    }
    if digits == 0 {
        return (i, 0);
    }
    loop {
        if j + 1 < chars.len() && matches!(chars[j], ' ' | '-') && chars[j + 1].is_ascii_digit() {
            let mut k = j + 1;
            while k < chars.len() && chars[k].is_ascii_digit() {
                k += 1;
            }
            if k - (j + 1) >= 3 && digits + (k - j - 1) <= 15 {
                digits += k - j - 1;
                j = k;
                continue;
            }
        }
        break;
    }
    (j, digits)
}

fn scan_number(chars: &[char], i: usize) -> usize {
    let mut j = i;
    while j < chars.len() && chars[j].is_ascii_digit() {
        j += 1;
    }
    // thousands groups and one decimal part: "1,000.50"
    while j + 3 < chars.len()
        && chars[j] == ','
        && chars[j + 1..j + 4].iter().all(char::is_ascii_digit)
        && !chars.get(j + 4).is_some_and(char::is_ascii_digit)
    {
        j += 4;
    }
    if j + 1 < chars.len() && chars[j] == '.' && chars[j + 1].is_ascii_digit() {
        j += 1;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
    }
    j
}

const CURRENCY_SYMBOLS: &[char] = &['¥', '$', '£', '€', '₩', '₹', '฿'];
const CURRENCY_CODES: &[&str] = &["rmb", "cny", "usd", "gbp", "hkd", "eur", "us$", "hk$"];
/// Latin words after a number that make it an amount ("150p", "3 pounds").
const AMOUNT_WORDS: &[&str] = &[
    "p", "pence", "pounds", "pound", "gbp", "usd", "rmb", "dollars", "dollar", "yuan", "euros",
    "euro", "cny", "hkd", "k",
];
/// CJK units after a number that make it an amount ("50元", "3万").
const AMOUNT_CJK: &[&str] = &[
    "万元", "美元", "英镑", "港币", "元", "块", "万", "千", "亿", "镑", "角",
];

fn latin_word_end(chars: &[char], i: usize) -> usize {
    let mut j = i;
    while j < chars.len() && chars[j].is_ascii_alphabetic() {
        j += 1;
    }
    j
}

fn phone_shape(digits: &str, plus: bool) -> Placeholder {
    let national = if plus {
        digits.strip_prefix("86").unwrap_or(digits)
    } else {
        digits
    };
    let bytes = national.as_bytes();
    if bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]) {
        return Placeholder::MobileCn;
    }
    if national.starts_with("400") || national.starts_with("800") || national.starts_with("0800") {
        return Placeholder::Hotline;
    }
    if !plus && (national.starts_with("08") || national.starts_with("09")) {
        return Placeholder::PremiumRate;
    }
    Placeholder::Phone
}

/// An entity starting at `i`, which is at the start of a word: its end and shape.
fn match_entity(chars: &[char], i: usize) -> Option<(usize, Placeholder)> {
    for scheme in ["http://", "https://", "www."] {
        if starts_with_ci(chars, i, scheme) {
            let end = scan_url_tail(chars, i + scheme.len());
            return (end > i + scheme.len()).then_some((end, Placeholder::Url));
        }
    }
    let c = chars[i];
    // e-mail addresses and host names go on past their first letters and digits with one of
    // these: most words do not, and need neither scan
    let mut run = i;
    while run < chars.len() && chars[run].is_ascii_alphanumeric() {
        run += 1;
    }
    let may_be_address = chars
        .get(run)
        .is_some_and(|c| matches!(c, '.' | '_' | '%' | '+' | '-' | '@'));
    if c.is_ascii_alphanumeric() && may_be_address {
        if let Some(end) = scan_email(chars, i) {
            return Some((end, Placeholder::Email));
        }
        if let Some(end) = scan_host(chars, i) {
            let end = if chars.get(end).is_some_and(|c| matches!(c, '/' | ':' | '?')) {
                scan_url_tail(chars, end)
            } else {
                end
            };
            return Some((end, Placeholder::Url));
        }
    }
    let mut j = i;
    let mut currency = false;
    if CURRENCY_SYMBOLS.contains(&c) {
        currency = true;
        j += 1;
    } else if let Some(code) = CURRENCY_CODES
        .iter()
        .find(|code| starts_with_ci(chars, i, code))
    {
        currency = true;
        j += code.chars().count();
    }
    if currency && chars.get(j) == Some(&' ') {
        j += 1;
    }
    let plus = !currency && chars.get(j) == Some(&'+');
    if plus {
        j += 1;
    }
    if !chars.get(j).is_some_and(char::is_ascii_digit) {
        return None;
    }
    if !currency {
        let (end, digits) = scan_phone(chars, j);
        if (7..=15).contains(&digits) && !chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric())
        {
            let digits: String = chars[j..end]
                .iter()
                .filter(|c| c.is_ascii_digit())
                .collect();
            return Some((end, phone_shape(&digits, plus)));
        }
    }
    let end = scan_number(chars, j);
    // a Latin letter glued to the number: either a unit ("150p") or a word ("2day", "4u")
    if chars.get(end).is_some_and(char::is_ascii_alphabetic) {
        let word_end = latin_word_end(chars, end);
        let word: String = chars[end..word_end]
            .iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if AMOUNT_WORDS.contains(&word.as_str())
            && !chars.get(word_end).is_some_and(char::is_ascii_digit)
        {
            return Some((word_end, Placeholder::Amount));
        }
        return None;
    }
    if chars.get(end).is_some_and(char::is_ascii_digit) {
        return None;
    }
    // a unit after a space: "3 pounds"
    if chars.get(end) == Some(&' ') && chars.get(end + 1).is_some_and(char::is_ascii_alphabetic) {
        let word_end = latin_word_end(chars, end + 1);
        let word: String = chars[end + 1..word_end]
            .iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if word != "p"
            && word != "k"
            && AMOUNT_WORDS.contains(&word.as_str())
            && !chars
                .get(word_end)
                .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            return Some((word_end, Placeholder::Amount));
        }
    }
    for unit in AMOUNT_CJK {
        let n = unit.chars().count();
        if chars.len() >= end + n && chars[end..end + n].iter().copied().eq(unit.chars()) {
            return Some((end + n, Placeholder::Amount));
        }
    }
    if currency {
        return Some((end, Placeholder::Amount));
    }
    if plus {
        return None;
    }
    let digits = chars[j..end].iter().filter(|c| c.is_ascii_digit()).count();
    let shape = match digits {
        0..=3 => Placeholder::ShortNumber,
        4..=6 => Placeholder::CodeNumber,
        _ => Placeholder::LongNumber,
    };
    Some((end, shape))
}

fn may_start_entity(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || CURRENCY_SYMBOLS.contains(&c)
}

/// Appends the words of the host name of `url` (a link as written, scheme and `www.` optional),
/// each after a space, in lower case.
fn push_host_words(url: &[char], out: &mut String) {
    let mut host = url;
    if let Some(at) = url.windows(3).position(|w| w == [':', '/', '/']) {
        host = &host[at + 3..];
    }
    if let Some(end) = host.iter().position(|c| matches!(c, '/' | '?' | '#')) {
        host = &host[..end];
    }
    if let Some(at) = host.iter().rposition(|c| *c == '@') {
        host = &host[at + 1..];
    }
    if let Some(port) = host.iter().position(|c| *c == ':') {
        host = &host[..port];
    }
    if host.len() > 4
        && host[..4]
            .iter()
            .map(char::to_ascii_lowercase)
            .eq("www.".chars())
    {
        host = &host[4..];
    }
    // a host name is at most 253 characters; a longer run is not one
    let mut in_word = false;
    for &c in host.iter().take(253) {
        if c.is_ascii_alphanumeric() {
            if !in_word {
                out.push(' ');
                in_word = true;
            }
            out.push(c.to_ascii_lowercase());
        } else {
            in_word = false;
        }
    }
}

fn extract(chars: &[char], url_hosts: bool, out: &mut Normalized) {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // the common case first: a Chinese character, which starts no entity
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            out.text.push(c);
            i += 1;
            continue;
        }
        let word_start = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if word_start
            && c.is_ascii_alphanumeric()
            && let Some((end, link)) = scan_broken_link(chars, i)
        {
            out.entities.push(Entity {
                kind: EntityKind::Url,
                raw: link,
            });
            out.text.push(Placeholder::Url.as_char());
            i = end;
            continue;
        }
        if word_start
            && may_start_entity(c)
            && let Some((end, placeholder)) = match_entity(chars, i)
        {
            out.entities.push(Entity {
                kind: placeholder.kind(),
                raw: chars[i..end].iter().collect(),
            });
            out.text.push(placeholder.as_char());
            if url_hosts && placeholder == Placeholder::Url {
                push_host_words(&chars[i..end], &mut out.text);
            }
            i = end;
            continue;
        }
        if c.is_ascii() {
            out.text.push(c.to_ascii_lowercase());
        } else if is_cjk(c) {
            out.text.push(c);
        } else {
            out.text.extend(c.to_lowercase());
        }
        i += 1;
    }
}

/// Spellings that stand in for a keyword to slip past filters, mapped to the keyword.
/// Latin-only spellings match only as whole words ("wx", not the "wx" inside "awx").
const OBFUSCATIONS: &[(&str, &str)] = &[
    ("weixin", "微信"),
    ("vx", "微信"),
    ("wx", "微信"),
    ("v信", "微信"),
    ("威信", "微信"),
    ("薇信", "微信"),
    ("徽信", "微信"),
    ("危信", "微信"),
    ("微x", "微信"),
    ("扣扣", "qq"),
    ("zfb", "支付宝"),
    ("支付bao", "支付宝"),
    ("yhk", "银行卡"),
];

static OBFUSCATION_MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(OBFUSCATIONS.iter().map(|(from, _)| from))
        .ok()
});

fn canonicalize_obfuscations(text: &str, out: &mut String) -> bool {
    let Some(matcher) = OBFUSCATION_MATCHER.as_ref() else {
        return false;
    };
    out.clear();
    let mut last = 0;
    let mut changed = false;
    for m in matcher.find_iter(text) {
        let (from, to) = OBFUSCATIONS[m.pattern().as_usize()];
        if from.is_ascii() {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if before.is_some_and(|c| c.is_ascii_alphanumeric())
                || after.is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
        }
        out.push_str(&text[last..m.start()]);
        out.push_str(to);
        last = m.end();
        changed = true;
    }
    if changed {
        out.push_str(&text[last..]);
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, text: &str) {
        assert_eq!(normalize(input).display_text(), text, "input: {input:?}");
    }

    fn entities(input: &str) -> Vec<(EntityKind, String)> {
        normalize(input)
            .entities
            .into_iter()
            .map(|e| (e.kind, e.raw))
            .collect()
    }

    #[test]
    fn links_broken_up_to_pass_filters_are_links_again() {
        for (input, link) in [
            ("点击 10086-jf 点 top 兑换", "10086-jf.top"),
            ("点击10086-jf点top兑换", "10086-jf.top"),
            (
                "delivery: royalmail-redeliver . top",
                "royalmail-redeliver.top",
            ),
            ("pics: hotlocal dot xyz now", "hotlocal.xyz"),
            ("go to HotLocal DOT xyz", "hotlocal.xyz"),
            ("visit evil[.]cc/login today", "evil.cc/login"),
            ("下载App：zq-vip 点 cc", "zq-vip.cc"),
            (
                "see pay.hmrc-gov (dot) help/claim",
                "pay.hmrc-gov.help/claim",
            ),
            ("请立即缴纳：sgcc-pay .cc", "sgcc-pay.cc"),
            ("shows: 45 . 76 . 129 . 3/live", "45.76.129.3/live"),
        ] {
            assert_eq!(
                entities(input),
                [(EntityKind::Url, link.to_owned())],
                "{input}"
            );
            assert!(normalize(input).text.contains(Placeholder::Url.as_char()));
        }
        // times, sentences and plain links are not broken links
        for input in [
            "下午3点30分到",
            "ok . see you at 5",
            "the dot com era",
            "我们5点见",
            "scores 3 . 1 . 4 . 999",
            "see you later .bye",
        ] {
            assert!(
                !entities(input)
                    .iter()
                    .any(|(kind, _)| *kind == EntityKind::Url),
                "{input}: {:?}",
                entities(input)
            );
        }
        assert_eq!(
            entities("track at royalmail.com/track"),
            [(EntityKind::Url, "royalmail.com/track".to_owned())]
        );
    }

    #[test]
    fn folds_width_case_and_invisible_characters() {
        check("ＷＩＮ　ａ　ＰＲＩＺＥ！", "win a prize!");
        check("fr\u{200b}ee ca\u{200d}sh", "free cash");
        check("  many   spaces\t\nhere  ", "many spaces here");
        check("𝐅𝐑𝐄𝐄 ⓦⓘⓝ", "free win");
        check("Ｃａｆé", "café");
    }

    #[test]
    fn unmasks_lookalike_letters_only_in_mixed_words() {
        // Cyrillic р and а inside a Latin word
        check("visit \u{440}\u{430}ypal now", "visit paypal now");
        check("v \u{456} s \u{456} t  p \u{430} y p a l", "visit paypal");
        // an all-Cyrillic word is left alone
        check(
            "\u{43f}\u{440}\u{438}\u{432}\u{435}\u{442}",
            "\u{43f}\u{440}\u{438}\u{432}\u{435}\u{442}",
        );
    }

    #[test]
    fn joins_spaced_out_keywords() {
        check("请加 V 信", "请加微信");
        check("加.微.信", "加微信");
        check("w e i x i n 好友", "微信好友");
        check("r u ok", "r u ok");
        check("加 微信 好友", "加微信好友");
        check("call 1 3 8 0 0 1 3 8 0 0 0", "call <phone:mobile_cn>");
    }

    #[test]
    fn wider_gaps_part_words_spaced_out_letter_by_letter() {
        check("F R E E  P R I Z E", "free prize");
        check("c l a i m   y o u r   p r i z e", "claim your prize");
        // single letters between wider gaps stay words of their own
        check("i  w o n  a  c a r", "i won a car");
        // evenly spaced, however widely: one word
        check("c  a  l  l", "call");
        // four single letters in a row join, so the result is stable
        check("a  b  c  d  e f", "abcd ef");
        // letters joined by other separators are parted by spaces
        check("f.r.e.e p.r.i.z.e", "free prize");
        check("c-l-a-i-m y-o-u-r p-r-i-z-e", "claim your prize");
        check("w.e.i.x.i.n", "微信");
        // a gap of white space and invisible characters is as wide as it looks
        check("f r e e \u{200B} \u{3000}g i f t", "free gift");
    }

    #[test]
    fn canonicalizes_keyword_spellings() {
        check("加VX：abc", "加微信:abc");
        check("awx is fine", "awx is fine");
        check("加威信有惊喜", "加微信有惊喜");
    }

    #[test]
    fn lifts_links_and_emails() {
        assert_eq!(
            entities("Go to http://alto18.co.uk/wave/wave.asp?o=44345."),
            vec![(
                EntityKind::Url,
                "http://alto18.co.uk/wave/wave.asp?o=44345".into()
            )]
        );
        assert_eq!(
            entities("点击abc.cn/Xy领取"),
            vec![(EntityKind::Url, "abc.cn/Xy".into())]
        );
        assert_eq!(
            entities("SP visionsms.com Text"),
            vec![(EntityKind::Url, "visionsms.com".into())]
        );
        assert_eq!(
            entities("mail me: Bob.S@example.com"),
            vec![(EntityKind::Email, "Bob.S@example.com".into())]
        );
        assert!(
            entities("e.g. no.1 file.txt")
                .iter()
                .all(|(k, _)| *k == EntityKind::Number)
        );
    }

    #[test]
    fn host_words_follow_links_when_asked() {
        let with_hosts = |input: &str| {
            let mut normalizer = Normalizer::new();
            normalizer.set_url_hosts(true);
            let mut out = Normalized::default();
            normalizer.normalize_into(input, &mut out);
            out
        };
        for (input, text) in [
            (
                "Go to http://alto18.co.uk/wave/wave.asp?o=44345.",
                "go to <url> alto18 co uk.",
            ),
            (
                "visit WWW.Claim-Prize.net now",
                "visit <url> claim prize net now",
            ),
            ("点击abc.cn/Xy领取", "点击<url> abc cn领取"),
            (
                "see https://user:pw@Login.Bank-Secure.top:8443/x",
                "see <url> login bank secure top",
            ),
            ("mail Bob.S@example.com", "mail <email>"),
        ] {
            let out = with_hosts(input);
            assert_eq!(out.display_text(), text, "input: {input:?}");
            // the link is still lifted whole for the list checks
            assert_eq!(out.entities.len(), 1, "input: {input:?}");
        }
        // off by default: models trained before host words keep reading what they learned
        check("visit WWW.Claim-Prize.net now", "visit <url> now");
    }

    #[test]
    fn lifts_phones_by_shape() {
        check(
            "拨打１３８００１３８０００咨询",
            "拨打<phone:mobile_cn>咨询",
        );
        check("call +86 138 0013 8000", "call <phone:mobile_cn>");
        check("call 0800 505060 now", "call <phone:hotline> now");
        check("call 08718726270", "call <phone:premium_rate>");
        check("tel 400-123-4567", "tel <phone:hotline>");
        check(
            "on 2024-01-05",
            "on <number:code>-<number:short>-<number:short>",
        );
    }

    #[test]
    fn lifts_amounts_and_numbers() {
        check("claim £1,000.50 now", "claim <amount> now");
        check("150p/msg", "<amount>/msg");
        check("costs 3 pounds", "costs <amount>");
        check("转账5万元", "转账<amount>");
        check("￥200", "<amount>");
        check("text WIN to 87021", "text win to <number:code>");
        check("2day gr8 4u", "2day gr8 4u");
        check("购买40箱", "购买<number:short>箱");
        assert_eq!(
            entities("pay 500元"),
            vec![(EntityKind::Amount, "500元".into())]
        );
    }

    #[test]
    fn counts_shouted_words() {
        assert_eq!(normalize("URGENT! Call NOW, I said OK").shouting, 3);
        assert_eq!(normalize("I am fine").shouting, 0);
    }

    #[test]
    fn input_cannot_forge_placeholders() {
        let forged = format!("a{}b", Placeholder::Url.as_char());
        let n = normalize(&forged);
        assert_eq!(n.text, "ab");
        assert!(n.entities.is_empty());
    }

    #[test]
    fn separators_are_the_listed_characters() {
        let listed = " .-_*·•|/\\~+#、^";
        for c in (0..0x3100).filter_map(char::from_u32) {
            assert_eq!(is_separator(c), listed.contains(c), "{c:?}");
        }
    }

    #[test]
    fn stable_characters_fold_as_the_fast_path_assumes() {
        for c in (0..=0xFFFF)
            .filter_map(char::from_u32)
            .filter(|c| is_stable(*c))
        {
            assert!(!is_invisible(c), "{c:?}");
            assert_eq!(
                c.is_whitespace() || c.is_control(),
                c <= ' ' || c == '\x7f',
                "{c:?}"
            );
        }
    }

    #[test]
    fn placeholders_round_trip() {
        for p in PLACEHOLDERS {
            assert_eq!(Placeholder::from_char(p.as_char()), Some(p));
        }
        assert_eq!(Placeholder::from_char('a'), None);
    }

    #[test]
    fn real_messages_normalize_without_surprises() {
        let Some(rows) = crate::testdata::rows() else {
            return;
        };
        let mut normalizer = Normalizer::new();
        let mut out = Normalized::default();
        let mut with_entities = 0;
        for (_, text) in &rows {
            normalizer.normalize_into(text, &mut out);
            assert!(!out.text.chars().any(|c| c.is_uppercase()));
            assert!(!out.text.contains("  "));
            let placeholders = out
                .text
                .chars()
                .filter(|c| Placeholder::from_char(*c).is_some())
                .count();
            assert_eq!(placeholders, out.entities.len());
            with_entities += usize::from(!out.entities.is_empty());
        }
        // spam is full of numbers and links: a normalizer that finds none is broken
        assert!(
            with_entities > rows.len() / 10,
            "{with_entities} of {}",
            rows.len()
        );
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum UnitKind {
        Cjk,
        Word,
        Sep,
        Other,
    }

    #[derive(Clone, Copy, Debug)]
    struct Unit {
        kind: UnitKind,
        start: usize,
        end: usize,
    }

    impl Unit {
        fn single(&self) -> bool {
            matches!(self.kind, UnitKind::Cjk | UnitKind::Word) && self.end - self.start == 1
        }
    }

    /// The reference for `join_spaced`: every unit of the text, then the rules over them.
    fn join_spaced_by_units(chars: &[char], wide: &[usize]) -> Vec<char> {
        let (mut units, mut drop, mut out) = (Vec::new(), Vec::new(), Vec::new());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let start = i;
            let kind = if is_cjk(c) {
                i += 1;
                UnitKind::Cjk
            } else if is_word_char(c) {
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                UnitKind::Word
            } else if is_separator(c) {
                while i < chars.len() && is_separator(chars[i]) {
                    i += 1;
                }
                UnitKind::Sep
            } else {
                i += 1;
                UnitKind::Other
            };
            units.push(Unit {
                kind,
                start,
                end: i,
            });
        }
        drop.clear();
        drop.resize(units.len(), false);
        // Chinese has no spaces between words, so a separator between two CJK characters, or
        // between a CJK character and a lone Latin letter or digit ("加 V 信"), is a disguise.
        for t in 1..units.len().saturating_sub(1) {
            let (l, s, r) = (units[t - 1], units[t], units[t + 1]);
            if s.kind != UnitKind::Sep || s.end - s.start > MAX_SEPARATOR_RUN {
                continue;
            }
            let cjk_pair = l.kind == UnitKind::Cjk && r.kind == UnitKind::Cjk;
            let mixed =
                (l.kind == UnitKind::Cjk && r.single()) || (r.kind == UnitKind::Cjk && l.single());
            if cjk_pair || mixed {
                drop[t] = true;
            }
        }
        // Chains of single Latin letters or digits: "w e i x i n", "1 3 8 0 0 ...".
        let mut t = 0;
        while t < units.len() {
            if !(units[t].kind == UnitKind::Word && units[t].single()) {
                t += 1;
                continue;
            }
            let mut end = t;
            let mut count = 1;
            while end + 2 < units.len()
                && units[end + 1].kind == UnitKind::Sep
                && units[end + 1].end - units[end + 1].start <= MAX_SEPARATOR_RUN
                && units[end + 2].kind == UnitKind::Word
                && units[end + 2].single()
            {
                end += 2;
                count += 1;
            }
            if count >= MIN_SPACED_LATIN {
                // the links, and whether each holds a wide space
                let links: Vec<usize> = (t + 1..end).step_by(2).collect();
                let spaced: Vec<bool> = links
                    .iter()
                    .map(|&l| chars[units[l].start..units[l].end].contains(&' '))
                    .collect();
                let mixed = spaced.contains(&true) && spaced.contains(&false);
                let wide_link: Vec<bool> = links
                    .iter()
                    .zip(&spaced)
                    .map(|(&l, &space)| {
                        wide.iter()
                            .any(|&w| units[l].start <= w && w < units[l].end)
                            || (mixed && space)
                    })
                    .collect();
                let even = wide_link.iter().all(|w| *w) || !wide_link.iter().any(|w| *w);
                // letters before each link, counted in parts between wide links
                let mut part_of_letter = vec![0usize];
                for &w in &wide_link {
                    let last = *part_of_letter.last().unwrap();
                    part_of_letter.push(if w { last + 1 } else { last });
                }
                let parts = part_of_letter.last().unwrap() + 1;
                let size = |p: usize| part_of_letter.iter().filter(|&&q| q == p).count();
                // a single-letter part's row: the single-letter parts next to it, both ways
                let row = |p: usize| {
                    let mut lo = p;
                    while lo > 0 && size(lo - 1) == 1 {
                        lo -= 1;
                    }
                    let mut hi = p;
                    while hi + 1 < parts && size(hi + 1) == 1 {
                        hi += 1;
                    }
                    hi - lo + 1
                };
                for (i, &l) in links.iter().enumerate() {
                    let (left, right) = (part_of_letter[i], part_of_letter[i + 1]);
                    drop[l] = even
                        || !wide_link[i]
                        || (size(left) == 1 && size(right) == 1 && row(left) >= MIN_SPACED_LATIN);
                }
            }
            t = end + 1;
        }
        for (unit, dropped) in units.iter().zip(drop.iter()) {
            if !dropped {
                out.extend_from_slice(&chars[unit.start..unit.end]);
            }
        }
        out
    }

    /// The reference: NFKC on the whole text, then the same post-processing.
    fn slow_fold(input: &str) -> (Vec<char>, Vec<usize>) {
        let nfkc: String = input.nfkc().collect();
        let (mut chars, mut wide) = (Vec::new(), Vec::new());
        let (mut a, mut b) = (String::new(), String::new());
        // `fold` on text that is already NFKC must not change it further
        fold(&nfkc, &mut a, &mut b, &mut chars, &mut wide);
        (chars, wide)
    }

    proptest! {
        #[test]
        fn broken_links_read_back_as_hosts_without_gaps(
            input in "[a-z0-9\\-. 点。()\\[\\]{}/]{0,30}( (dot|点) (top|cc|xyz|com|30))?"
        ) {
            for entity in normalize(&input).entities {
                if entity.kind == EntityKind::Url {
                    prop_assert!(!entity.raw.contains(char::is_whitespace), "{:?}", entity.raw);
                    prop_assert!(!entity.raw.contains('点'), "{:?}", entity.raw);
                }
            }
        }

        #[test]
        fn fast_fold_equals_full_nfkc(input in "\\PC{0,40}") {
            let (mut a, mut b, mut chars) = (String::new(), String::new(), Vec::new());
            let mut wide = Vec::new();
            fold(&input, &mut a, &mut b, &mut chars, &mut wide);
            prop_assert_eq!((chars, wide), slow_fold(&input));
        }

        #[test]
        fn fast_fold_equals_full_nfkc_on_wide_and_cjk(input in "[\u{FF01}-\u{FF5E}\u{3000}\u{4E00}-\u{4E20}a-z0-9 \u{0300}\u{200B}。，]{0,40}") {
            let (mut a, mut b, mut chars) = (String::new(), String::new(), Vec::new());
            let mut wide = Vec::new();
            fold(&input, &mut a, &mut b, &mut chars, &mut wide);
            prop_assert_eq!((chars, wide), slow_fold(&input));
        }

        #[test]
        fn joining_by_separator_runs_equals_joining_by_units(
            input in "[ .\\-_*·•|/~+#、^a-c1é中文Ωα!,?\u{E001}]{0,40}",
            marks in proptest::collection::vec(any::<bool>(), 40),
        ) {
            let chars: Vec<char> = input.chars().collect();
            let wide: Vec<usize> = (0..chars.len()).filter(|&i| chars[i] == ' ' && marks[i]).collect();
            let mut out = Vec::new();
            join_spaced(&chars, &wide, &mut Vec::new(), &mut out);
            prop_assert_eq!(out, join_spaced_by_units(&chars, &wide));
        }

        #[test]
        fn letter_spaced_words_keep_their_gaps(
            words in proptest::collection::vec("[a-z]{1,6}", 1..6),
            gap in 2usize..4,
            between_letters in prop_oneof![Just(" "), Just("."), Just("-"), Just("_")],
        ) {
            let spaced: Vec<String> = words
                .iter()
                .map(|w| w.chars().map(String::from).collect::<Vec<_>>().join(between_letters))
                .collect();
            // a wider gap between words spaced with spaces, one space between the others
            let gap = if between_letters == " " { gap } else { 1 };
            let text = spaced.join(&" ".repeat(gap));
            let once = normalize(&text).text;
            // normalizing again changes nothing
            prop_assert_eq!(&normalize(&once).text, &once);
            // words of two letters or more read as if written plainly
            let letters: usize = words.iter().map(|w| w.len()).sum();
            if letters >= MIN_SPACED_LATIN && words.iter().all(|w| w.len() >= 2) {
                prop_assert_eq!(once, normalize(&words.join(" ")).text);
            }
        }

        #[test]
        fn normalization_never_panics_and_is_tidy(input in "\\PC{0,80}") {
            let n = normalize(&input);
            prop_assert!(!n.text.starts_with(' ') && !n.text.ends_with(' '));
            prop_assert!(!n.text.contains("  "));
            let placeholders = n.text.chars().filter(|c| Placeholder::from_char(*c).is_some()).count();
            prop_assert_eq!(placeholders, n.entities.len());
        }

        #[test]
        fn host_words_keep_normalization_tidy(
            input in "[a-z ]{0,8}(https?://|www\\.|WWW\\.)?[a-zA-Z0-9.:@_/?#-]{0,24}\\.(com|co\\.uk|cn)[/a-z0-9.?=]{0,8}[ ,.!中]{0,2}[a-z]{0,6}",
        ) {
            let mut normalizer = Normalizer::new();
            normalizer.set_url_hosts(true);
            let mut n = Normalized::default();
            normalizer.normalize_into(&input, &mut n);
            prop_assert!(!n.text.starts_with(' ') && !n.text.ends_with(' '), "{:?}", n.text);
            prop_assert!(!n.text.contains("  "), "{:?}", n.text);
            let placeholders = n.text.chars().filter(|c| Placeholder::from_char(*c).is_some()).count();
            prop_assert_eq!(placeholders, n.entities.len());
            // the words added are the host's own, so without them the text is as before
            let plain = normalize(&input);
            prop_assert_eq!(&plain.entities, &n.entities);
            prop_assert!(n.text.len() >= plain.text.len());
        }

        #[test]
        fn normalization_is_idempotent_on_plain_text(input in "[a-z\u{4E00}-\u{4E20} ,!?]{0,60}") {
            let once = normalize(&input).text;
            prop_assert_eq!(normalize(&once).text, once);
        }

        #[test]
        fn full_width_is_the_same_message(input in "[!-~]{1,40}") {
            let wide: String = input.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
            prop_assert_eq!(normalize(&wide), normalize(&input));
        }
    }
}
