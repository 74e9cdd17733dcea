//! URLs: canonicalization by the Google Safe Browsing (v4) rules, and the host-suffix /
//! path-prefix expressions that blocklists are matched on.
//!
//! ```
//! use fraudwall_ids::url::{Canonicalizer, expression_key};
//!
//! let mut canonicalizer = Canonicalizer::new();
//! let url = canonicalizer.canonicalize("HTTP://A.b.C:8080/1/../1/2.html?param=1#frag").unwrap();
//! assert_eq!(url.as_str(), "http://a.b.c/1/2.html?param=1");
//! let expressions: Vec<&str> = url.expressions().collect();
//! assert_eq!(expressions, [
//!     "a.b.c/1/2.html?param=1", "a.b.c/1/2.html", "a.b.c/", "a.b.c/1/",
//!     "b.c/1/2.html?param=1", "b.c/1/2.html", "b.c/", "b.c/1/",
//! ]);
//! let mut keys = Vec::new();
//! url.expression_keys_into(&mut keys);
//! assert_eq!(keys[0], expression_key("a.b.c/1/2.html?param=1"));
//! ```
//!
//! # Rules
//!
//! - Surrounding whitespace and control characters are trimmed; tab, CR and LF are removed
//!   anywhere; the fragment is dropped; a missing scheme means `http`. Userinfo and port are
//!   dropped. As in browsers, a raw `\` separates path segments and `http:host` or
//!   `http:///host` name `host`. Other schemes need `//`: `mailto:a@b.c` is an error, while
//!   `host:8080/path` is a host with a port.
//! - Host and path are percent-unescaped until no escape is left, then bytes `<= 0x20`,
//!   `>= 0x7F`, `#` and `%` are escaped with uppercase hex. So are the few bytes that would
//!   change how the canonical URL re-parses (`/ ? @ : [ ] \` in the host, `? \` in the path),
//!   which keeps canonicalization idempotent. The query is kept as it is, except that bytes
//!   `<= 0x20` and `>= 0x7F` are escaped.
//! - Host: lowercase, leading and trailing dots dropped, runs of dots squeezed; an IDN is
//!   converted to punycode (UTS 46); IPv4 in decimal, octal, hex or fewer than four parts becomes
//!   a dotted quad; a bracketed IPv6 is normalized (RFC 5952).
//! - Path: `/./` and `/../` resolved, runs of slashes squeezed, an empty path becomes `/`.

mod canon;
mod escape;
mod expr;

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_64;

use crate::ErrorCode;

pub use expr::{Expressions, MAX_EXPRESSIONS};

/// Inputs longer than this (1 MiB) are rejected rather than canonicalized.
pub const MAX_INPUT_LEN: usize = 1 << 20;

/// Why a string cannot be canonicalized into a URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("url is empty")]
    Empty,
    #[error("url has {len} bytes, more than {MAX_INPUT_LEN}")]
    TooLong { len: usize },
    #[error("url has no host")]
    MissingHost,
    #[error("url host is invalid")]
    InvalidHost,
    #[error("url scheme {scheme:?} has no host")]
    UnsupportedScheme { scheme: String },
}

impl ErrorCode for UrlError {
    fn code(&self) -> &'static str {
        match self {
            UrlError::Empty => "url_empty",
            UrlError::TooLong { .. } => "url_too_long",
            UrlError::MissingHost => "url_missing_host",
            UrlError::InvalidHost => "url_invalid_host",
            UrlError::UnsupportedScheme { .. } => "url_unsupported_scheme",
        }
    }
}

/// What the host of a canonical URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostKind {
    /// A name (which need not be a valid DNS name: the rules keep whatever the URL holds).
    Name,
    /// An IPv4 address, written as a dotted quad.
    Ipv4,
    /// An IPv6 address, written in brackets.
    Ipv6,
}

/// A canonical URL: `scheme://host/path[?query]`, ASCII only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CanonicalUrl {
    text: String,
    host_start: usize,
    path_start: usize,
    path_end: usize,
    host_kind: HostKind,
}

impl CanonicalUrl {
    /// Canonicalizes `input`. To canonicalize many URLs, reuse a [`Canonicalizer`] instead.
    pub fn parse(input: &str) -> Result<CanonicalUrl, UrlError> {
        canonicalize(input)
    }

    /// The whole canonical URL.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The scheme, lowercase (`http` when the input had none).
    pub fn scheme(&self) -> &str {
        self.slice(0, self.host_start.saturating_sub(3))
    }

    /// The canonical host: a name, a dotted quad, or a bracketed IPv6 address.
    pub fn host(&self) -> &str {
        self.slice(self.host_start, self.path_start)
    }

    pub fn host_kind(&self) -> HostKind {
        self.host_kind
    }

    /// The canonical path; it starts with `/`.
    pub fn path(&self) -> &str {
        self.slice(self.path_start, self.path_end)
    }

    /// The query without its `?`; `Some("")` when the URL ends in `?`.
    pub fn query(&self) -> Option<&str> {
        self.text.get(self.path_end..)?.strip_prefix('?')
    }

    /// The registrable domain of the host (eTLD+1, by the Public Suffix List), as a suffix of
    /// [`host`](Self::host); `None` for IP addresses and public suffixes.
    pub fn registrable_domain(&self) -> Option<&str> {
        match self.host_kind {
            HostKind::Name => crate::domain::registrable_domain(self.host()),
            HostKind::Ipv4 | HostKind::Ipv6 => None,
        }
    }

    /// The Safe Browsing expressions (at most [`MAX_EXPRESSIONS`]), borrowed from this URL.
    pub fn expressions(&self) -> Expressions<'_> {
        Expressions::new(self)
    }

    /// The expressions as owned strings, for output.
    pub fn expression_strings(&self) -> Vec<String> {
        self.expressions().map(str::to_owned).collect()
    }

    /// Replaces the contents of `keys` with the [`expression_key`] of every expression, in
    /// [`expressions`](Self::expressions) order. Reusing `keys` makes this allocation-free.
    pub fn expression_keys_into(&self, keys: &mut Vec<u64>) {
        keys.clear();
        keys.extend(self.expressions().map(expression_key));
    }

    /// Writes the [`expression_key`] of every expression into `keys` and returns how many there
    /// are.
    pub fn fill_expression_keys(&self, keys: &mut [u64; MAX_EXPRESSIONS]) -> usize {
        let mut count = 0;
        for (slot, expression) in keys.iter_mut().zip(self.expressions()) {
            *slot = expression_key(expression);
            count += 1;
        }
        count
    }

    /// Replaces the contents of `hashes` with the [`expression_sha256`] of every expression.
    pub fn expression_sha256s_into(&self, hashes: &mut Vec<[u8; 32]>) {
        hashes.clear();
        hashes.extend(self.expressions().map(expression_sha256));
    }

    fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or_default()
    }
}

/// The compact key of an expression: `xxh3_64` (seed 0) of its bytes, the expression being
/// exactly `host` followed by the path prefix, as [`CanonicalUrl::expressions`] yields it (for
/// example `b.c/1/`).
///
/// This is a stable on-disk and export format: lists store these keys, so the function never
/// changes between releases.
#[inline]
pub fn expression_key(expression: &str) -> u64 {
    xxh3_64(expression.as_bytes())
}

/// The SHA-256 of an expression, as Safe Browsing computes it. Its leading bytes are the hash
/// prefix a client can send without disclosing the URL.
pub fn expression_sha256(expression: &str) -> [u8; 32] {
    Sha256::digest(expression.as_bytes()).into()
}

/// Canonicalizes URLs while reusing its buffers: after the first few URLs, canonicalization
/// allocates nothing (except for hosts that need IDNA processing).
///
/// ```
/// let mut canonicalizer = fraudwall_ids::url::Canonicalizer::new();
/// let mut keys = Vec::new();
/// for raw in ["example.com/a?b", "http://1.2.3.4/1/"] {
///     let url = canonicalizer.canonicalize(raw).unwrap();
///     url.expression_keys_into(&mut keys);
///     assert!(!keys.is_empty());
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Canonicalizer {
    url: CanonicalUrl,
    scratch: canon::Scratch,
}

impl Default for Canonicalizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Canonicalizer {
    pub fn new() -> Self {
        Canonicalizer {
            // Never handed out before a successful `run` fills it.
            url: CanonicalUrl {
                text: String::new(),
                host_start: 0,
                path_start: 0,
                path_end: 0,
                host_kind: HostKind::Name,
            },
            scratch: canon::Scratch::default(),
        }
    }

    /// Canonicalizes `input`; the result borrows this canonicalizer until the next call.
    pub fn canonicalize(&mut self, input: &str) -> Result<&CanonicalUrl, UrlError> {
        self.canonicalize_bytes(input.as_bytes())
    }

    /// Like [`canonicalize`](Self::canonicalize), for input that need not be UTF-8: bytes that
    /// are not are percent-escaped like any other byte `>= 0x7F`.
    pub fn canonicalize_bytes(&mut self, input: &[u8]) -> Result<&CanonicalUrl, UrlError> {
        self.run(input)?;
        Ok(&self.url)
    }

    fn run(&mut self, input: &[u8]) -> Result<(), UrlError> {
        let mut out = std::mem::take(&mut self.url.text).into_bytes();
        out.clear();
        let result = canon::canonicalize(input, &mut self.scratch, &mut out);
        // The output is ASCII by construction: every byte >= 0x7F is escaped.
        self.url.text = String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        match result {
            Ok(parts) => {
                self.url.host_start = parts.host_start;
                self.url.path_start = parts.path_start;
                self.url.path_end = parts.path_end;
                self.url.host_kind = parts.host_kind;
                Ok(())
            }
            Err(e) => {
                self.url.text.clear();
                Err(e)
            }
        }
    }
}

/// Canonicalizes one URL. See the [module documentation](self) for the rules.
pub fn canonicalize(input: &str) -> Result<CanonicalUrl, UrlError> {
    canonicalize_bytes(input.as_bytes())
}

/// Canonicalizes a URL that is to be *listed*, which is stricter than checking one: a check must
/// read whatever a browser would open, while a list entry must name a web address. The scheme,
/// if given, is one a browser fetches over the network (`http`, `https`, `ftp`, `ws`, `wss`;
/// `javascript:alert(1)` is refused), and a host name holds only letters, digits, `-`, `_` and
/// dots once canonical (an IDN is punycode by then), so that `http://%00/` is refused.
pub fn canonicalize_entry(input: &str) -> Result<CanonicalUrl, UrlError> {
    let url = canonicalize(input)?;
    if !matches!(url.scheme(), "http" | "https" | "ftp" | "ws" | "wss") {
        return Err(UrlError::UnsupportedScheme {
            scheme: url.scheme().chars().take(32).collect(),
        });
    }
    let host = url.host();
    let listable = match url.host_kind {
        HostKind::Ipv4 | HostKind::Ipv6 => true,
        HostKind::Name => {
            host.bytes().any(|b| b.is_ascii_alphanumeric())
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
    };
    if !listable {
        return Err(UrlError::InvalidHost);
    }
    Ok(url)
}

/// Canonicalizes one URL given as bytes that need not be UTF-8.
pub fn canonicalize_bytes(input: &[u8]) -> Result<CanonicalUrl, UrlError> {
    let mut canonicalizer = Canonicalizer::new();
    canonicalizer.run(input)?;
    Ok(canonicalizer.url)
}

impl fmt::Display for CanonicalUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for CanonicalUrl {
    type Err = UrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        canonicalize(s)
    }
}

impl AsRef<str> for CanonicalUrl {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl serde::Serialize for CanonicalUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Deserializing canonicalizes: any URL string is accepted, and comes out canonical.
impl<'de> serde::Deserialize<'de> for CanonicalUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        canonicalize(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
