//! Domain names: IDNA to punycode, validation, the registrable domain (eTLD+1) from the Public
//! Suffix List, and a compact key.
//!
//! Lists hold domains in their ASCII (punycode) form, lowercase, without the trailing root dot,
//! so that `例子.中国`, `xn--fsqu00a.xn--fiqs8s` and `XN--FSQU00A.xn--fiqs8s.` are one entry.

use std::fmt;
use std::str::FromStr;

use idna::AsciiDenyList;
use xxhash_rust::xxh3::xxh3_64;

use crate::ErrorCode;

/// The longest domain name DNS can carry, in ASCII, without the root dot.
pub const MAX_DOMAIN_LEN: usize = 253;
/// The longest label DNS can carry.
pub const MAX_LABEL_LEN: usize = 63;

/// Why a string is not a domain name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("domain is empty")]
    Empty,
    #[error("domain has {len} bytes, more than {MAX_DOMAIN_LEN}")]
    TooLong { len: usize },
    #[error("domain has an empty label")]
    EmptyLabel,
    #[error("domain label has {len} bytes, more than {MAX_LABEL_LEN}")]
    LabelTooLong { len: usize },
    #[error("domain contains the invalid character {ch:?}")]
    InvalidChar { ch: char },
    #[error("domain cannot be converted to punycode")]
    Idna,
    #[error("domain is an ip address")]
    IpAddress,
}

impl ErrorCode for DomainError {
    fn code(&self) -> &'static str {
        match self {
            DomainError::Empty => "domain_empty",
            DomainError::TooLong { .. } => "domain_too_long",
            DomainError::EmptyLabel => "domain_empty_label",
            DomainError::LabelTooLong { .. } => "domain_label_too_long",
            DomainError::InvalidChar { .. } => "domain_invalid_char",
            DomainError::Idna => "domain_invalid",
            DomainError::IpAddress => "domain_is_ip",
        }
    }
}

/// A validated domain name: ASCII (punycode), lowercase, no trailing dot, 1 to 253 bytes,
/// labels of 1 to 63 bytes made of letters, digits, `-` and `_`.
///
/// Underscores are accepted because real hosts carry them (`_dmarc`, some CDN nodes); a
/// blocklist must be able to name them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Domain {
    name: String,
}

impl Domain {
    /// Parses and normalizes a domain name: trims whitespace, converts IDN to punycode (UTS 46,
    /// as browsers do), lowercases, strips one trailing dot, and validates lengths and
    /// characters. Strings that read as an IPv4 address are rejected (see [`crate::ip`]).
    pub fn parse(input: &str) -> Result<Domain, DomainError> {
        let trimmed = input.trim();
        let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Err(DomainError::Empty);
        }
        // A stray character is reported as such rather than as an opaque IDNA failure.
        if let Some(ch) = trimmed
            .chars()
            .find(|&c| c.is_ascii() && !is_domain_byte(c as u8) && c != '.')
        {
            return Err(DomainError::InvalidChar { ch });
        }
        // ASCII input goes through IDNA too, which lowercases it and rejects malformed
        // punycode labels (`xn--a`).
        let name = idna::domain_to_ascii_cow(trimmed.as_bytes(), AsciiDenyList::URL)
            .map_err(|_| DomainError::Idna)?
            .into_owned();
        validate(&name)?;
        if crate::ip::parse_ipv4_lenient(name.as_bytes()).is_some() {
            return Err(DomainError::IpAddress);
        }
        Ok(Domain { name })
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The registrable domain (public suffix plus one label), or `None` when the name is itself
    /// a public suffix (`com`, `co.uk`, `github.io`).
    pub fn registrable(&self) -> Option<&str> {
        registrable_domain(&self.name)
    }

    /// The public suffix of the name, by the Public Suffix List (ICANN and private sections);
    /// an unlisted top-level label counts as a suffix, as the list's `*` rule says.
    pub fn public_suffix(&self) -> Option<&str> {
        public_suffix(&self.name)
    }

    /// The labels from left to right.
    pub fn labels(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.name.split('.')
    }

    /// Whether `self` equals `parent` or lies under it (`a.b.com` is under `b.com`, `ab.com`
    /// is not).
    pub fn is_within(&self, parent: &Domain) -> bool {
        match self.name.strip_suffix(parent.as_str()) {
            Some("") => true,
            Some(rest) => rest.ends_with('.'),
            None => false,
        }
    }

    /// The compact key of the name: see [`domain_key`].
    pub fn key(&self) -> u64 {
        domain_key(&self.name)
    }
}

/// The compact key of a normalized domain name: `xxh3_64` (seed 0) of its ASCII bytes.
///
/// This is a stable on-disk and export format: it never changes between releases.
pub fn domain_key(name: &str) -> u64 {
    xxh3_64(name.as_bytes())
}

/// The registrable domain of an already normalized host name (lowercase ASCII, no trailing dot),
/// as a suffix of `host`. The caller decides that `host` is not an IP address.
///
/// Names under a special-use top-level label that never reaches the public Internet (`.local`
/// for multicast DNS, `.localhost`, `.invalid`, `.internal`) have no registrable domain: nobody
/// can register them, so they cannot be anybody's site. The Public Suffix List's own test file
/// expects exactly this for `.local`.
pub fn registrable_domain(host: &str) -> Option<&str> {
    let top = host.rsplit('.').next().unwrap_or(host);
    if NON_INTERNET_TLDS.contains(&top) {
        return None;
    }
    let found = psl::domain(host.as_bytes())?.trim().as_bytes().len();
    host.get(host.len().checked_sub(found)?..)
}

/// Special-use top-level labels (RFC 6761, RFC 6762, ICANN's private-use `.internal`).
const NON_INTERNET_TLDS: &[&str] = &["local", "localhost", "invalid", "internal"];

/// The public suffix of an already normalized host name, as a suffix of `host`.
pub fn public_suffix(host: &str) -> Option<&str> {
    let found = psl::suffix(host.as_bytes())?.trim().as_bytes().len();
    host.get(host.len().checked_sub(found)?..)
}

fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn validate(name: &str) -> Result<(), DomainError> {
    if name.is_empty() {
        return Err(DomainError::Empty);
    }
    if name.len() > MAX_DOMAIN_LEN {
        return Err(DomainError::TooLong { len: name.len() });
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(DomainError::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(DomainError::LabelTooLong { len: label.len() });
        }
        if let Some(ch) = label
            .chars()
            .find(|&c| !c.is_ascii() || !is_domain_byte(c as u8))
        {
            return Err(DomainError::InvalidChar { ch });
        }
    }
    Ok(())
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl FromStr for Domain {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Domain::parse(s)
    }
}

impl AsRef<str> for Domain {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

impl serde::Serialize for Domain {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}

impl<'de> serde::Deserialize<'de> for Domain {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Domain::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name(s: &str) -> Result<String, DomainError> {
        Domain::parse(s).map(|d| d.name)
    }

    #[test]
    fn normalizes() {
        assert_eq!(name("WWW.Example.COM.").unwrap(), "www.example.com");
        assert_eq!(name("  example.com\n").unwrap(), "example.com");
        assert_eq!(name("例子.中国").unwrap(), "xn--fsqu00a.xn--fiqs8s");
        assert_eq!(
            name("XN--FSQU00A.xn--fiqs8s").unwrap(),
            "xn--fsqu00a.xn--fiqs8s"
        );
        assert_eq!(name("Bücher.example").unwrap(), "xn--bcher-kva.example");
        assert_eq!(name("_dmarc.example.com").unwrap(), "_dmarc.example.com");
        // Fullwidth dots are label separators under UTS 46.
        assert_eq!(name("例子。中国").unwrap(), "xn--fsqu00a.xn--fiqs8s");
    }

    #[test]
    fn rejects() {
        assert_eq!(name(""), Err(DomainError::Empty));
        assert_eq!(name("."), Err(DomainError::Empty));
        assert_eq!(name(".com"), Err(DomainError::EmptyLabel));
        assert_eq!(name("a..com"), Err(DomainError::EmptyLabel));
        assert_eq!(name("a.com.."), Err(DomainError::EmptyLabel));
        assert_eq!(name("a b.com"), Err(DomainError::InvalidChar { ch: ' ' }));
        assert_eq!(name("a/b.com"), Err(DomainError::InvalidChar { ch: '/' }));
        assert_eq!(name("1.2.3.4"), Err(DomainError::IpAddress));
        assert_eq!(name("0x7f.1"), Err(DomainError::IpAddress));
        let label = "a".repeat(64);
        assert_eq!(
            name(&format!("{label}.com")),
            Err(DomainError::LabelTooLong { len: 64 })
        );
        let long = ["abcdefghi"; 26].join(".");
        assert_eq!(name(&long), Err(DomainError::TooLong { len: 259 }));
        assert_eq!(name("xn--a.com"), Err(DomainError::Idna));
        assert_eq!(DomainError::EmptyLabel.code(), "domain_empty_label");
    }

    #[test]
    fn registrable_and_suffix() {
        let d = Domain::parse("a.b.example.co.uk").unwrap();
        assert_eq!(d.registrable(), Some("example.co.uk"));
        assert_eq!(d.public_suffix(), Some("co.uk"));
        assert_eq!(Domain::parse("co.uk").unwrap().registrable(), None);
        assert_eq!(
            Domain::parse("user.github.io").unwrap().registrable(),
            Some("user.github.io")
        );
        assert_eq!(registrable_domain("localhost"), None);
    }

    #[test]
    fn within() {
        let parent = Domain::parse("b.com").unwrap();
        assert!(Domain::parse("a.b.com").unwrap().is_within(&parent));
        assert!(Domain::parse("b.com").unwrap().is_within(&parent));
        assert!(!Domain::parse("ab.com").unwrap().is_within(&parent));
        assert!(!Domain::parse("com").unwrap().is_within(&parent));
    }

    #[test]
    fn key_is_xxh3_of_the_ascii_name() {
        let d = Domain::parse("Example.COM").unwrap();
        assert_eq!(d.key(), xxh3_64(b"example.com"));
        assert_eq!(d.key(), Domain::parse("example.com.").unwrap().key());
        assert_ne!(d.key(), Domain::parse("example.org").unwrap().key());
    }

    #[test]
    fn serde_round_trip() {
        let d: Domain = serde_json::from_str("\"Example.COM\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"example.com\"");
        assert!(serde_json::from_str::<Domain>("\"a..b\"").is_err());
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(s in "\\PC{0,30}") {
            if let Ok(d) = Domain::parse(&s) {
                prop_assert_eq!(Domain::parse(d.as_str()), Ok(d.clone()));
                prop_assert!(d.as_str().len() <= MAX_DOMAIN_LEN);
                prop_assert!(d.as_str().bytes().all(|b| is_domain_byte(b) || b == b'.'));
                if let Some(r) = d.registrable() {
                    prop_assert!(d.as_str().ends_with(r));
                }
            }
        }

        #[test]
        fn ascii_labels_parse(labels in prop::collection::vec("[a-wyzA-WYZ][a-zA-Z0-9-]{0,10}", 1..5)) {
            let input = labels.join(".");
            let d = Domain::parse(&input).unwrap();
            prop_assert_eq!(d.as_str(), input.to_ascii_lowercase());
        }
    }
}
