//! Signals for links that no list holds yet: what a link's host, path and query say on their own.
//!
//! Most fraud SMS carry links nobody has reported yet, so a list lookup finds nothing. What the
//! link itself shows often gives it away: a brand's name in a domain that is not the brand's
//! (`10086-jf.cc`, `royalmail-redelivery.info`, `paypa1-secure.com`), a punycode host that
//! passes for another, a top-level domain that phishing favours, a bare IP address, a shortener
//! that hides the destination, a path that asks for a login or a bank card.
//!
//! [`LinkAnalyzer::analyze`] finds these [`Fact`]s for a canonical URL and remembers what
//! matched, so that [`LinkAnalyzer::describe`] can say it in words a person reads. The data
//! (brands and their official domains, shorteners, suspicious TLDs, look-alike characters,
//! credential words) is compiled in from `data/`, where each file names its source and licence.
//!
//! ```
//! use fraudwall_ids::url::canonicalize;
//! use fraudwall_links::{Fact, LinkAnalyzer};
//!
//! let links = LinkAnalyzer::builtin();
//! let url = canonicalize("http://10086-jf.cc/jifen").unwrap();
//! let facts = links.analyze(&url);
//! assert!(facts.has(Fact::BrandLookalike) && facts.has(Fact::SuspiciousTld));
//! let mut reason = String::new();
//! links.describe(Fact::BrandLookalike, &facts, url.host(), &mut reason);
//! assert_eq!(
//!     reason,
//!     "the link's domain 10086-jf.cc carries the brand China Mobile (10086) but is not one of \
//!      its domains 10086.cn, chinamobile.com"
//! );
//! assert!(links.analyze(&canonicalize("https://www.10086.cn/").unwrap()).is_empty());
//! ```
//!
//! Pure: no IO, no threads, no panics on any input. The analyzer is built once (the tables are
//! precomputed); a link then costs a few hash lookups and two automaton passes over its label.

mod data;
mod matcher;
mod script;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use foldhash::fast::FixedState;
use fraudwall_ids::url::{CanonicalUrl, HostKind};

pub use data::{Brand, LinkDataError};

use data::Token;

/// The brand table (`data/brands.toml`).
pub const BRANDS: &str = include_str!("../data/brands.toml");
/// URL-shortener domains (`data/shorteners.txt`, CC BY-SA 4.0).
pub const SHORTENERS: &str = include_str!("../data/shorteners.txt");
/// Top-level domains abused for phishing (`data/suspicious_tlds.txt`).
pub const SUSPICIOUS_TLDS: &str = include_str!("../data/suspicious_tlds.txt");
/// Characters that pass for ASCII letters (`data/homoglyphs.txt`).
pub const HOMOGLYPHS: &str = include_str!("../data/homoglyphs.txt");
/// Suffixes only public bodies register names under (`data/official_suffixes.txt`).
pub const OFFICIAL_SUFFIXES: &str = include_str!("../data/official_suffixes.txt");
/// Words in a path or query that ask for logins or card details (`data/credential_words.txt`).
pub const CREDENTIAL_WORDS: &str = include_str!("../data/credential_words.txt");

/// A fact about a link, each one signal of the decision engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fact {
    /// A brand's name, number or pinyin (or a near miss of it) in a domain that is not the
    /// brand's.
    BrandLookalike,
    /// A punycode label that mixes scripts, passes for ASCII, or does not decode.
    Punycode,
    /// A top-level domain abused far out of proportion to its use.
    SuspiciousTld,
    /// The host is an IP address.
    IpHost,
    /// A URL shortener: the link hides where it goes.
    Shortener,
    /// The path or query asks for a login, a verification or card details.
    CredentialPath,
}

impl Fact {
    pub const ALL: [Fact; 6] = [
        Fact::BrandLookalike,
        Fact::Punycode,
        Fact::SuspiciousTld,
        Fact::IpHost,
        Fact::Shortener,
        Fact::CredentialPath,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Fact::BrandLookalike => "brand_lookalike",
            Fact::Punycode => "punycode",
            Fact::SuspiciousTld => "suspicious_tld",
            Fact::IpHost => "ip_host",
            Fact::Shortener => "shortener",
            Fact::CredentialPath => "credential_path",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// How a brand matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BrandHow {
    /// The token itself (`10086-jf`, `icbc-vip`, `pay-pal`).
    Token,
    /// Spelt with look-alike characters: 0 for o, 1 or i for l, rn for m, vv for w (`paypa1`).
    Homoglyph,
    /// One letter inserted, dropped or changed, or two neighbours swapped (`paypak`, `amazom`,
    /// `royalmial`).
    NearMiss,
    /// An internationalized label that passes for the brand once decoded (`pаypal` in Cyrillic).
    Idn,
}

/// Which brand matched, how, and where in the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BrandMatch {
    token: u16,
    pub how: BrandHow,
    /// The byte range in the host of the piece that matched (for [`BrandHow::Idn`], the label).
    start: u16,
    end: u16,
}

/// What is wrong with a punycode label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PunycodeKind {
    /// Letters of scripts that no language writes together (Latin and Cyrillic, say).
    MixedScripts,
    /// Every letter passes for an ASCII one: a whole-script look-alike.
    PassesForAscii,
    /// The label does not decode.
    Undecodable,
}

/// The facts one link raised, with what matched. Small and `Copy`: analysis allocates nothing
/// unless the host has a punycode label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LinkFacts {
    bits: u8,
    /// The host is an institution's own (see [`LinkAnalyzer::is_official`]); not a fact of its
    /// own, since it clears rather than raises.
    official: bool,
    pub brand: Option<BrandMatch>,
    /// The first suspect punycode label: its kind and byte range in the host.
    punycode: Option<(PunycodeKind, u16, u16)>,
    /// Where the shortener's domain starts in the host.
    shortener_at: u16,
    /// The credential word that matched.
    word: u16,
}

impl LinkFacts {
    pub fn has(&self, fact: Fact) -> bool {
        self.bits & fact.bit() != 0
    }

    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }

    /// The facts raised, in [`Fact::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = Fact> + '_ {
        Fact::ALL.into_iter().filter(|fact| self.has(*fact))
    }

    /// Whether the host is an institution's own: under a brand's official domain or a suffix
    /// only public bodies register names under.
    pub fn is_official(&self) -> bool {
        self.official
    }

    pub fn punycode(&self) -> Option<PunycodeKind> {
        self.punycode.map(|(kind, _, _)| kind)
    }

    fn raise(&mut self, fact: Fact) {
        self.bits |= fact.bit();
    }
}

type Set = HashSet<Box<str>, FixedState>;

/// The precomputed tables: build once ([`LinkAnalyzer::builtin`]), share, analyze many links.
#[derive(Debug)]
pub struct LinkAnalyzer {
    brands: Vec<Brand>,
    tokens: Vec<Token>,
    /// The tokens as written, and folded (see [`matcher::fold`]).
    direct: AhoCorasick,
    folded: AhoCorasick,
    /// Tokens a near miss is looked for: 6 letters or more, not ordinary words.
    near: Vec<u16>,
    official: Set,
    /// Suffixes only public bodies register under ([`OFFICIAL_SUFFIXES`]).
    public_bodies: Set,
    shorteners: Set,
    tlds: Set,
    homoglyphs: HashMap<char, u8, FixedState>,
    words: AhoCorasick,
    word_list: Vec<String>,
}

static BUILTIN: LazyLock<LinkAnalyzer> = LazyLock::new(|| {
    LinkAnalyzer::new(
        BRANDS,
        SHORTENERS,
        SUSPICIOUS_TLDS,
        HOMOGLYPHS,
        CREDENTIAL_WORDS,
    )
    .expect("the compiled-in link data is valid")
    .with_official_suffixes(OFFICIAL_SUFFIXES)
});

impl LinkAnalyzer {
    /// The analyzer over the compiled-in data, built on first use.
    pub fn builtin() -> &'static LinkAnalyzer {
        &BUILTIN
    }

    /// An analyzer over other data, in the formats of the files in `data/`.
    pub fn new(
        brands: &str,
        shorteners: &str,
        suspicious_tlds: &str,
        homoglyphs: &str,
        credential_words: &str,
    ) -> Result<LinkAnalyzer, LinkDataError> {
        let (brands, tokens) = data::brands(brands)?;
        let automaton = |patterns: Vec<String>, case_insensitive: bool| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(case_insensitive)
                .build(patterns)
                .map_err(|e| LinkDataError::Brands(e.to_string()))
        };
        let direct = automaton(tokens.iter().map(|t| t.text.clone()).collect(), false)?;
        let folded = automaton(
            tokens
                .iter()
                .map(|t| String::from_utf8_lossy(&matcher::fold(t.text.as_bytes())).into_owned())
                .collect(),
            false,
        )?;
        let near = (0..tokens.len() as u16)
            .filter(|&i| {
                let token = &tokens[i as usize];
                !token.exact && !token.numeric && token.text.len() >= matcher::LONG_TOKEN
            })
            .collect();
        let official = brands
            .iter()
            .flat_map(|b| b.domains.iter().map(|d| d.as_str().into()))
            .collect();
        let set = |text: &str| {
            data::lines(text)
                .map(String::into_boxed_str)
                .collect::<Set>()
        };
        let word_list: Vec<String> = data::lines(credential_words).collect();
        Ok(LinkAnalyzer {
            direct,
            folded,
            near,
            official,
            public_bodies: Set::default(),
            shorteners: set(shorteners),
            tlds: set(suspicious_tlds),
            homoglyphs: data::homoglyphs(homoglyphs)?.into_iter().collect(),
            words: automaton(word_list.clone(), true)?,
            word_list,
            brands,
            tokens,
        })
    }

    /// Adds suffixes (one a line, `#` comments) under which every host counts as official.
    pub fn with_official_suffixes(mut self, suffixes: &str) -> LinkAnalyzer {
        self.public_bodies
            .extend(data::lines(suffixes).map(String::into_boxed_str));
        self
    }

    /// Whether a canonical host is an institution's own: under a brand's official domain or a
    /// suffix only public bodies register names under. A sender's look-alike of a brand is not.
    pub fn is_official(&self, host: &str) -> bool {
        self.analyze_host(host).official
    }

    pub fn brands(&self) -> &[Brand] {
        &self.brands
    }

    /// The brand a match names.
    pub fn brand_of(&self, found: &BrandMatch) -> &Brand {
        &self.brands[self.tokens[found.token as usize].brand as usize]
    }

    /// Every fact of a canonical URL: its host's, and its path's and query's.
    pub fn analyze(&self, url: &CanonicalUrl) -> LinkFacts {
        let mut facts = match url.host_kind() {
            HostKind::Name => self.analyze_name(url.host()),
            HostKind::Ipv4 | HostKind::Ipv6 => {
                let mut facts = LinkFacts::default();
                facts.raise(Fact::IpHost);
                facts
            }
        };
        let word = self
            .credential_word(url.path().as_bytes())
            .or_else(|| self.credential_word(url.query().unwrap_or("").as_bytes()));
        if let Some(word) = word {
            facts.raise(Fact::CredentialPath);
            facts.word = word;
        }
        facts
    }

    /// The host's facts, for any string: a canonical host (lowercase ASCII, punycode) reads
    /// best, anything else raises what it can and never panics.
    pub fn analyze_host(&self, host: &str) -> LinkFacts {
        let bracketed = host.starts_with('[') && host.ends_with(']');
        if bracketed || host.parse::<Ipv4Addr>().is_ok() {
            let mut facts = LinkFacts::default();
            facts.raise(Fact::IpHost);
            return facts;
        }
        self.analyze_name(host)
    }

    fn analyze_name(&self, host: &str) -> LinkFacts {
        let mut facts = LinkFacts::default();
        if host.is_empty() || host.len() > u16::MAX as usize {
            return facts;
        }
        // One walk over the host's suffixes (`a.b.c`, `b.c`, `c`) serves the shortener and the
        // official-domain lookups.
        let mut official = false;
        let mut public_body = false;
        let mut start = 0;
        loop {
            let suffix = &host[start..];
            if !facts.has(Fact::Shortener) && self.shorteners.contains(suffix) {
                facts.raise(Fact::Shortener);
                facts.shortener_at = start as u16;
            }
            official |= self.official.contains(suffix);
            // a public body's suffix is not a host of its own: some name stands left of it
            public_body |= start > 0 && self.public_bodies.contains(suffix);
            match suffix.find('.') {
                Some(dot) => start += dot + 1,
                None => break,
            }
        }
        let tld = &host[start..];
        if self.tlds.contains(tld)
            && psl::suffix(host.as_bytes()).is_some_and(|suffix| suffix.is_known())
        {
            facts.raise(Fact::SuspiciousTld);
        }
        if host.contains("xn--") {
            self.check_punycode(host, &mut facts);
        }
        if !official
            && let Some((label_start, label)) = registrable_label(host)
            && let Some(found) = self.match_brand(label, label_start)
            && !(found.how == BrandHow::Token
                && !facts.has(Fact::SuspiciousTld)
                && self.is_country_variant(&found, label))
        {
            facts.raise(Fact::BrandLookalike);
            facts.brand = Some(found);
        }
        facts.official = official || public_body;
        facts
    }

    /// Whether `label` is exactly the name of one of the brand's own domains, as on another
    /// country's suffix (`ebay.co.uk` for `ebay.com`, `amazon.de`): brands hold their names
    /// there, while a look-alike adds to the name or bends it. On a TLD phishing favours the
    /// name alone proves nothing, so the caller asks only for other TLDs.
    fn is_country_variant(&self, found: &BrandMatch, label: &str) -> bool {
        self.brand_of(found)
            .domains
            .iter()
            .any(|domain| registrable_label(domain).is_some_and(|(_, own)| own == label))
    }

    /// The brand a registrable label carries, directly, in look-alike characters, one letter
    /// off, or once an internationalized label is decoded.
    fn match_brand(&self, label: &str, offset: usize) -> Option<BrandMatch> {
        let at = |(token, how, start, end): (u16, BrandHow, usize, usize)| BrandMatch {
            token,
            how,
            start: (offset + start) as u16,
            end: (offset + end) as u16,
        };
        if let Some(idn) = label.strip_prefix("xn--") {
            // only a label that passes for ASCII can pass for a brand
            let ascii = self.as_ascii(idn)?;
            let (token, _, _, _) = matcher::find(self, &ascii)?;
            return Some(at((token, BrandHow::Idn, 0, label.len())));
        }
        matcher::find(self, label.as_bytes()).map(at)
    }

    /// Decodes a punycode label and maps every character to the ASCII letter it passes for;
    /// `None` when one of them passes for none.
    fn as_ascii(&self, encoded: &str) -> Option<Vec<u8>> {
        let decoded = idna::punycode::decode_to_string(encoded)?;
        decoded
            .chars()
            .map(|c| match c {
                'a'..='z' | '0'..='9' | '-' => Some(c as u8),
                _ => self.homoglyphs.get(&c).copied(),
            })
            .collect()
    }

    fn check_punycode(&self, host: &str, facts: &mut LinkFacts) {
        let mut start = 0;
        for label in host.split('.') {
            let end = start + label.len();
            if let Some(encoded) = label.strip_prefix("xn--") {
                let kind = match idna::punycode::decode_to_string(encoded) {
                    None => Some(PunycodeKind::Undecodable),
                    Some(decoded) if script::mixes_scripts(&decoded) => {
                        Some(PunycodeKind::MixedScripts)
                    }
                    Some(decoded) if !decoded.is_ascii() && self.as_ascii(encoded).is_some() => {
                        Some(PunycodeKind::PassesForAscii)
                    }
                    Some(_) => None,
                };
                if let Some(kind) = kind {
                    facts.raise(Fact::Punycode);
                    facts.punycode = Some((kind, start as u16, end as u16));
                    return;
                }
            }
            start = end + 1;
        }
    }

    fn credential_word(&self, text: &[u8]) -> Option<u16> {
        if text.contains(&b'%') {
            let decoded = percent_decode(text);
            return self
                .words
                .find(&decoded)
                .map(|m| m.pattern().as_u32() as u16);
        }
        self.words.find(text).map(|m| m.pattern().as_u32() as u16)
    }

    /// Writes why `fact` holds for the link on `host` (the host `facts` came from), for a
    /// person: "the link's domain 10086-jf.cc carries the brand China Mobile (10086) but is not
    /// one of its domains 10086.cn, chinamobile.com".
    pub fn describe(&self, fact: Fact, facts: &LinkFacts, host: &str, out: &mut String) {
        let domain = fraudwall_ids::domain::registrable_domain(host).unwrap_or(host);
        let slice = |start: u16, end: u16| host.get(start as usize..end as usize).unwrap_or("");
        match fact {
            Fact::BrandLookalike => {
                let Some(found) = facts.brand else { return };
                let brand = self.brand_of(&found);
                let token = &self.tokens[found.token as usize].text;
                let piece = slice(found.start, found.end);
                let _ = match found.how {
                    BrandHow::Token => write!(
                        out,
                        "the link's domain {domain} carries the brand {} ({token})",
                        brand.name
                    ),
                    BrandHow::Homoglyph => write!(
                        out,
                        "the link's domain {domain} spells the brand {} with look-alike characters ({piece} for {token})",
                        brand.name
                    ),
                    BrandHow::NearMiss => write!(
                        out,
                        "the link's domain {domain} is one letter off the brand {} ({piece} for {token})",
                        brand.name
                    ),
                    BrandHow::Idn => write!(
                        out,
                        "the link's domain {domain} reads as {} and passes for the brand {} ({token})",
                        unicode(piece),
                        brand.name
                    ),
                };
                let _ = write!(
                    out,
                    " but is not one of its domains {}",
                    brand.domains.join(", ")
                );
            }
            Fact::Punycode => {
                let Some((kind, start, end)) = facts.punycode else {
                    return;
                };
                let label = slice(start, end);
                let _ = match kind {
                    PunycodeKind::MixedScripts => write!(
                        out,
                        "the link's host {host} has a punycode label {label} that reads as {} and mixes scripts",
                        unicode(label)
                    ),
                    PunycodeKind::PassesForAscii => write!(
                        out,
                        "the link's host {host} has a punycode label {label} that reads as {}, in letters that pass for latin ones",
                        unicode(label)
                    ),
                    PunycodeKind::Undecodable => write!(
                        out,
                        "the link's host {host} has a punycode label {label} that does not decode"
                    ),
                };
            }
            Fact::SuspiciousTld => {
                let tld = host.rsplit('.').next().unwrap_or(host);
                let _ = write!(
                    out,
                    "the link's domain {domain} is under .{tld}, a top-level domain abused for phishing far beyond its share of sites"
                );
            }
            Fact::IpHost => {
                let _ = write!(out, "the link's host is the ip address {host}, not a name");
            }
            Fact::Shortener => {
                let shortener = host.get(facts.shortener_at as usize..).unwrap_or(host);
                let _ = write!(
                    out,
                    "the link goes through the shortener {shortener}, which hides where it leads"
                );
            }
            Fact::CredentialPath => {
                let word = self.word_list.get(facts.word as usize).map_or("", |w| w);
                let _ = write!(
                    out,
                    "the link's path or query asks for a login or card details ({word})"
                );
            }
        }
    }
}

/// The label left of the public suffix (`10086-jf` in `www.10086-jf.cc`), with its offset.
fn registrable_label(host: &str) -> Option<(usize, &str)> {
    let registrable = fraudwall_ids::domain::registrable_domain(host)?;
    let suffix = fraudwall_ids::domain::public_suffix(registrable)?;
    let label = registrable
        .strip_suffix(suffix)
        .and_then(|rest| rest.strip_suffix('.'))?;
    Some((host.len() - registrable.len(), label))
}

/// A punycode label as Unicode, for a reason; the label itself when it does not decode.
fn unicode(label: &str) -> String {
    label
        .strip_prefix("xn--")
        .and_then(idna::punycode::decode_to_string)
        .unwrap_or_else(|| label.to_owned())
}

fn percent_decode(text: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                text.get(i + 1).copied().and_then(hex),
                text.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(text[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests;
