//! The lenient parser and canonicalizer behind [`super::Canonicalizer`].
//!
//! The input is split into scheme, authority, path and query on its raw bytes first, and only
//! then are host and path unescaped. Unescaping the whole URL first (as some implementations do)
//! would let `%2F`, `%3F`, `%40` or `%23` in a host move the host/path boundary, and browsers
//! don't do that either.

use std::io::Write as _;

use idna::AsciiDenyList;
use memchr::{memchr, memchr3};

use super::escape::{self, HOST, PATH, QUERY};
use super::{HostKind, MAX_INPUT_LEN, UrlError};
use crate::ip;

/// Reusable buffers, so that canonicalizing a URL allocates nothing once they have grown.
#[derive(Debug, Default, Clone)]
pub(super) struct Scratch {
    clean: Vec<u8>,
    unescaped: Vec<u8>,
    host: Vec<u8>,
}

/// Offsets of the parts within the canonical text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Parts {
    pub host_start: usize,
    pub path_start: usize,
    pub path_end: usize,
    pub host_kind: HostKind,
}

/// Schemes whose authority browsers find even without `//`, and in which `\` means `/`.
fn is_special(scheme: &[u8]) -> bool {
    match scheme.len() {
        2 => scheme.eq_ignore_ascii_case(b"ws"),
        3 => scheme.eq_ignore_ascii_case(b"ftp") || scheme.eq_ignore_ascii_case(b"wss"),
        4 => scheme.eq_ignore_ascii_case(b"http"),
        5 => scheme.eq_ignore_ascii_case(b"https"),
        _ => false,
    }
}

#[inline]
fn is_separator(b: u8) -> bool {
    b == b'/' || b == b'\\'
}

pub(super) fn canonicalize(
    input: &[u8],
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) -> Result<Parts, UrlError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(UrlError::TooLong { len: input.len() });
    }
    let Scratch {
        clean,
        unescaped,
        host,
    } = scratch;

    let mut s = input;
    if memchr3(b'\t', b'\r', b'\n', s).is_some() {
        clean.clear();
        clean.extend(s.iter().filter(|&&b| !matches!(b, b'\t' | b'\r' | b'\n')));
        s = clean;
    }
    if let Some(hash) = memchr(b'#', s) {
        s = &s[..hash];
    }
    // Like browsers, trim C0 controls and spaces at both ends.
    while let [rest @ .., last] = s {
        if *last > 0x20 {
            break;
        }
        s = rest;
    }
    while let [first, rest @ ..] = s {
        if *first > 0x20 {
            break;
        }
        s = rest;
    }
    if s.is_empty() {
        return Err(UrlError::Empty);
    }

    let (scheme, rest) = split_scheme(s)?;
    match scheme {
        Some(scheme) => {
            out.extend_from_slice(scheme);
            out.make_ascii_lowercase();
        }
        None => out.extend_from_slice(b"http"),
    }
    out.extend_from_slice(b"://");

    let (raw_host, tail, shape) = split_authority(rest);
    if raw_host.is_empty() {
        return Err(UrlError::MissingHost);
    }
    let (raw_path, raw_query, path_is_canonical) = split_path(tail);

    let host_start = out.len();
    let host_kind = write_host(raw_host, shape, unescaped, host, out)?;
    let path_start = out.len();
    if path_is_canonical {
        out.extend_from_slice(raw_path);
    } else {
        write_path(raw_path, unescaped, out);
    }
    let path_end = out.len();
    if let Some(query) = raw_query {
        out.push(b'?');
        escape::escape_into(query, QUERY, out);
    }
    Ok(Parts {
        host_start,
        path_start,
        path_end,
        host_kind,
    })
}

/// Splits `scheme:` off, returning what follows `//`. A missing scheme means `http`.
fn split_scheme(s: &[u8]) -> Result<(Option<&[u8]>, &[u8]), UrlError> {
    let scheme_end = match s.first() {
        Some(b) if b.is_ascii_alphabetic() => s
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))),
        _ => None,
    };
    if let Some(end) = scheme_end
        && let (scheme, [b':', after @ ..]) = s.split_at(end)
    {
        let special = is_special(scheme);
        if let Some(authority) = after.strip_prefix(b"//") {
            let authority = if special {
                skip_separators(authority)
            } else {
                authority
            };
            return Ok((Some(scheme), authority));
        }
        if special {
            // `http:/host` and `http:host` open `host` in a browser.
            return Ok((Some(scheme), skip_separators(after)));
        }
        // `host:8080/path` has no scheme; it has a port.
        if !looks_like_port(after) {
            return Err(UrlError::UnsupportedScheme {
                scheme: String::from_utf8_lossy(scheme.get(..32).unwrap_or(scheme)).into_owned(),
            });
        }
        return Ok((None, s));
    }
    // Without a scheme, `//host/` is scheme-relative, but `/path` has no host at all.
    let separators = s.iter().take_while(|&&b| is_separator(b)).count();
    match separators {
        0 => Ok((None, s)),
        1 => Err(UrlError::MissingHost),
        _ => Ok((None, &s[separators..])),
    }
}

fn skip_separators(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_separator(b)).count();
    &s[n..]
}

fn looks_like_port(after: &[u8]) -> bool {
    let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0
        && after
            .get(digits)
            .is_none_or(|&b| is_separator(b) || b == b'?')
}

/// Byte classes for the single pass over the authority.
const A_DELIMITER: u8 = 1; // `/ \ ? @ :`
const A_DOT: u8 = 2;
const A_ESCAPE: u8 = 4; // escaped in a canonical host
const A_GENERAL: u8 = 8; // `%` or non-ASCII: needs unescaping or IDNA
const A_NOT_IPV4: u8 = 16; // cannot appear in a numeric IPv4 spelling

static AUTHORITY_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if matches!(b, b'/' | b'\\' | b'?' | b'@' | b':') {
            class |= A_DELIMITER;
        }
        if b == b'.' {
            class |= A_DOT;
        }
        if escape::escape_class(b) & HOST != 0 {
            class |= A_ESCAPE;
        }
        if b == b'%' || b >= 0x80 {
            class |= A_GENERAL;
        }
        if !(b.is_ascii_hexdigit() || b == b'.' || b == b'x' || b == b'X') {
            class |= A_NOT_IPV4;
        }
        table[i] = class;
        i += 1;
    }
    table
};

/// How much work a raw host needs.
#[derive(Debug, Clone, Copy)]
enum HostShape {
    /// Already canonical, but for upper-case letters.
    Verbatim { maybe_ipv4: bool },
    /// ASCII without `%`: lowercase, squeeze dots, escape.
    Simple,
    /// Needs unescaping, IDNA, or IPv6 parsing.
    General,
}

/// Splits the authority off `rest` in one pass, returning its host (without userinfo and
/// port), what follows the authority, and how much work the host needs.
fn split_authority(rest: &[u8]) -> (&[u8], &[u8], HostShape) {
    let mut end = rest.len();
    let mut host_start = 0;
    let mut colon = None;
    // Classes seen in the host, and whether two dots were adjacent.
    let mut seen = 0u8;
    let mut adjacent_dots = 0u8;
    let mut prev_dot = 0u8;
    for (i, &b) in rest.iter().enumerate() {
        let class = AUTHORITY_CLASS[usize::from(b)];
        if class & A_DELIMITER != 0 {
            match b {
                b'@' => {
                    // Userinfo ends at the last `@`, and may itself contain `:`.
                    host_start = i + 1;
                    colon = None;
                    seen = 0;
                    adjacent_dots = 0;
                    prev_dot = 0;
                }
                b':' => {
                    colon = colon.or(Some(i));
                }
                _ => {
                    end = i;
                    break;
                }
            }
        } else if colon.is_none() {
            seen |= class;
            adjacent_dots |= class & prev_dot;
            prev_dot = class & A_DOT;
        }
    }
    let (authority, tail) = rest.split_at(end);
    let host_port = &authority[host_start..];
    // `[v6]:port`: the colons inside the brackets are not the port's.
    if host_port.first() == Some(&b'[') {
        let host = match host_port.iter().position(|&b| b == b']') {
            Some(close) => &host_port[..=close],
            None => &authority[host_start..colon.unwrap_or(end)],
        };
        return (host, tail, HostShape::General);
    }
    let host = &authority[host_start..colon.unwrap_or(end)];
    let shape = if seen & A_GENERAL != 0 {
        HostShape::General
    } else if seen & A_ESCAPE != 0
        || adjacent_dots != 0
        || host.first() == Some(&b'.')
        || host.last() == Some(&b'.')
    {
        HostShape::Simple
    } else {
        HostShape::Verbatim {
            maybe_ipv4: seen & A_NOT_IPV4 == 0,
        }
    };
    (host, tail, shape)
}

fn write_host(
    raw: &[u8],
    shape: HostShape,
    unescaped: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<HostKind, UrlError> {
    let start = out.len();
    if let HostShape::Verbatim { maybe_ipv4 } = shape {
        out.extend_from_slice(raw);
        out[start..].make_ascii_lowercase();
        if maybe_ipv4 && let Some(addr) = ip::parse_ipv4_lenient(&out[start..]) {
            out.truncate(start);
            ip::write_ipv4(addr, out);
            return Ok(HostKind::Ipv4);
        }
        return Ok(HostKind::Name);
    }
    if let HostShape::Simple = shape {
        // ASCII without escapes, in one pass: lowercase, squeeze dots, escape.
        let mut maybe_ipv4 = true;
        for &b in raw {
            if b == b'.' {
                if out.len() > start && out.last() != Some(&b'.') {
                    out.push(b'.');
                }
                continue;
            }
            let b = b.to_ascii_lowercase();
            maybe_ipv4 &= b.is_ascii_hexdigit() || b == b'x';
            if escape::needs_escape(b, HOST) {
                escape::push_escaped(out, b);
            } else {
                out.push(b);
            }
        }
        if out.len() > start && out.last() == Some(&b'.') {
            out.pop();
        }
        if out.len() == start {
            return Err(UrlError::InvalidHost);
        }
        if maybe_ipv4 && let Some(addr) = ip::parse_ipv4_lenient(&out[start..]) {
            out.truncate(start);
            ip::write_ipv4(addr, out);
            return Ok(HostKind::Ipv4);
        }
        return Ok(HostKind::Name);
    }

    escape::unescape_into(raw, unescaped, false);
    if let Some(addr) = ip::parse_ipv6_literal(unescaped) {
        // Writing to a Vec cannot fail.
        let _ = write!(out, "[{addr}]");
        return Ok(HostKind::Ipv6);
    }
    squeeze_dots_lowercase(unescaped, scratch);
    let mut name: &[u8] = scratch;
    if !name.is_ascii()
        && let Ok(ascii) = idna::domain_to_ascii_cow(name, AsciiDenyList::URL)
    {
        // UTS 46 maps some characters (`。`, `．`) to dots, so squeeze again.
        squeeze_dots_lowercase(ascii.as_bytes(), unescaped);
        name = unescaped;
    }
    if name.is_empty() {
        return Err(UrlError::InvalidHost);
    }
    if let Some(addr) = ip::parse_ipv4_lenient(name) {
        ip::write_ipv4(addr, out);
        return Ok(HostKind::Ipv4);
    }
    escape::escape_into(name, HOST, out);
    Ok(HostKind::Name)
}

/// Lowercases ASCII, drops leading and trailing dots, and squeezes runs of dots into one.
fn squeeze_dots_lowercase(src: &[u8], out: &mut Vec<u8>) {
    out.clear();
    for &b in src {
        if b == b'.' && out.last().is_none_or(|&last| last == b'.') {
            continue;
        }
        out.push(b.to_ascii_lowercase());
    }
    if out.last() == Some(&b'.') {
        out.pop();
    }
}

const P_ESCAPE: u8 = 1; // escaped in a canonical path (so also `%` and `\`)
const P_SLASH: u8 = 2;
const P_BAD_AFTER_SLASH: u8 = 4; // `/` or `.`: an empty, `.` or `..` segment may follow
const P_QUESTION: u8 = 8;

static PATH_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if escape::escape_class(b) & PATH != 0 {
            class |= P_ESCAPE;
        }
        if b == b'/' {
            class |= P_SLASH | P_BAD_AFTER_SLASH;
        }
        if b == b'.' {
            class |= P_BAD_AFTER_SLASH;
        }
        if b == b'?' {
            class |= P_QUESTION;
        }
        table[i] = class;
        i += 1;
    }
    table
};

/// Splits path and query in one pass, and tells whether the raw path is already canonical: it
/// starts with `/`, and has no escapes, no bytes to escape, no backslash, no empty segment and
/// no segment starting with a dot (so no `.` or `..`; `/.well-known` takes the slow path, which
/// keeps it).
fn split_path(tail: &[u8]) -> (&[u8], Option<&[u8]>, bool) {
    let mut bad = 0u8;
    let mut after_slash = 0u8;
    for (i, &b) in tail.iter().enumerate() {
        let class = PATH_CLASS[usize::from(b)];
        if class & P_QUESTION != 0 {
            let (path, query) = (&tail[..i], &tail[i + 1..]);
            return (path, Some(query), bad == 0 && !path.is_empty());
        }
        bad |= (class & P_ESCAPE) | (class & after_slash);
        // P_SLASH << 1 == P_BAD_AFTER_SLASH
        after_slash = (class & P_SLASH) << 1;
    }
    (tail, None, bad == 0 && !tail.is_empty())
}

fn write_path(raw: &[u8], unescaped: &mut Vec<u8>, out: &mut Vec<u8>) {
    let start = out.len();
    // Raw `\` separate segments like `/`; an unescaped `%5C` is a literal backslash.
    let (bytes, backslash_separates) = if raw.contains(&b'%') {
        escape::unescape_into(raw, unescaped, true);
        (&unescaped[..], false)
    } else {
        (raw, true)
    };
    // The raw path starts with its separator, or is empty.
    let body = bytes.get(1..).unwrap_or_default();
    let mut trailing_slash = false;
    for segment in body.split(|&b| b == b'/' || (backslash_separates && b == b'\\')) {
        // Only the last segment decides: `.`, `..` and empty ones leave a directory path.
        trailing_slash = match segment {
            b"" | b"." => true,
            b".." => {
                if let Some(slash) = out[start..].iter().rposition(|&b| b == b'/') {
                    out.truncate(start + slash);
                }
                true
            }
            _ => {
                out.push(b'/');
                escape::escape_into(segment, PATH, out);
                false
            }
        };
    }
    if trailing_slash || out.len() == start {
        out.push(b'/');
    }
}
