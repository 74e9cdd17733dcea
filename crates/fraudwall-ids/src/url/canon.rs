//! The lenient parser and canonicalizer behind [`super::Canonicalizer`].
//!
//! The input is split into scheme, authority, path and query on its raw bytes first, and only
//! then are host and path unescaped. Unescaping the whole URL first (as some implementations do)
//! would let `%2F`, `%3F`, `%40` or `%23` in a host move the host/path boundary, and browsers
//! don't do that either.

use std::io::Write as _;

use idna::AsciiDenyList;
use memchr::{memchr, memchr2, memchr3, memrchr};

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
    const SPECIAL: [&[u8]; 5] = [b"http", b"https", b"ftp", b"ws", b"wss"];
    SPECIAL.iter().any(|s| s.eq_ignore_ascii_case(scheme))
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
        Some(scheme) => out.extend(scheme.iter().map(u8::to_ascii_lowercase)),
        None => out.extend_from_slice(b"http"),
    }
    out.extend_from_slice(b"://");

    let authority_end = rest
        .iter()
        .position(|&b| b == b'/' || b == b'\\' || b == b'?')
        .unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host_port = match memrchr(b'@', authority) {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let raw_host = split_port(host_port);
    if raw_host.is_empty() {
        return Err(UrlError::MissingHost);
    }
    let (raw_path, raw_query) = match memchr(b'?', tail) {
        Some(q) => (&tail[..q], Some(&tail[q + 1..])),
        None => (tail, None),
    };

    let host_start = out.len();
    let host_kind = write_host(raw_host, unescaped, host, out)?;
    let path_start = out.len();
    write_path(raw_path, unescaped, out);
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
        if let Some(authority) = after.strip_prefix(b"//") {
            let authority = if is_special(scheme) {
                skip_separators(authority)
            } else {
                authority
            };
            return Ok((Some(scheme), authority));
        }
        if is_special(scheme) {
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

/// Drops `:port` from `host:port` (and from `[v6]:port`).
fn split_port(host_port: &[u8]) -> &[u8] {
    if host_port.first() == Some(&b'[')
        && let Some(close) = memchr(b']', host_port)
    {
        return &host_port[..=close];
    }
    match memchr(b':', host_port) {
        Some(colon) => &host_port[..colon],
        None => host_port,
    }
}

fn write_host(
    raw: &[u8],
    unescaped: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<HostKind, UrlError> {
    let start = out.len();
    let simple = raw.first() != Some(&b'[') && !raw.iter().any(|&b| b == b'%' || b >= 0x80);
    if simple {
        // The common case in one pass: lowercase, squeeze dots, escape.
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

fn write_path(raw: &[u8], unescaped: &mut Vec<u8>, out: &mut Vec<u8>) {
    let start = out.len();
    // Raw `\` separate segments like `/`; an unescaped `%5C` is a literal backslash.
    let (bytes, backslash_separates) = if memchr(b'%', raw).is_some() {
        escape::unescape_into(raw, unescaped, true);
        (&unescaped[..], false)
    } else {
        (raw, true)
    };
    // The raw path starts with its separator, or is empty.
    let mut rest = bytes.get(1..).unwrap_or_default();
    let mut trailing_slash;
    loop {
        let next = if backslash_separates {
            memchr2(b'/', b'\\', rest)
        } else {
            memchr(b'/', rest)
        };
        let (segment, more) = match next {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let last = more.is_none();
        match segment {
            b"" | b"." => trailing_slash = last,
            b".." => {
                if let Some(slash) = memrchr(b'/', &out[start..]) {
                    out.truncate(start + slash);
                }
                trailing_slash = last;
            }
            _ => {
                out.push(b'/');
                escape::escape_into(segment, PATH, out);
                trailing_slash = false;
            }
        }
        match more {
            Some(more) => rest = more,
            None => break,
        }
    }
    if trailing_slash || out.len() == start {
        out.push(b'/');
    }
}
