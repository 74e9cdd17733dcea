//! IP addresses as identifiers: parsing of the many spellings an address takes in the wild,
//! normalization, and a compact key.
//!
//! Browsers (and `inet_aton`) accept IPv4 addresses in decimal, octal (`0` prefix) and hex (`0x`
//! prefix), and with fewer than four parts (`127.1`, `3279880203`). Phishing links use these forms
//! to dodge naive blocklists, so [`parse_ipv4_lenient`] accepts all of them and the URL
//! canonicalizer rewrites them to a dotted quad.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::ErrorCode;

/// Why a string is not an IP address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpError {
    #[error("ip address is empty")]
    Empty,
    #[error("not an ip address")]
    Invalid,
}

impl ErrorCode for IpError {
    fn code(&self) -> &'static str {
        match self {
            IpError::Empty => "ip_empty",
            IpError::Invalid => "ip_invalid",
        }
    }
}

/// Parses an IPv4 or IPv6 address and normalizes it.
///
/// Accepts surrounding whitespace, one trailing dot on IPv4, every IPv4 spelling that
/// [`parse_ipv4_lenient`] accepts, and IPv6 with or without brackets. IPv4-mapped IPv6 addresses
/// (`::ffff:1.2.3.4`) come back as IPv4, so that both spellings of one host share a key. Zone
/// identifiers (`fe80::1%eth0`) are rejected: they name an interface of one machine, not a host.
pub fn parse(input: &str) -> Result<IpAddr, IpError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(IpError::Empty);
    }
    let bytes = s.as_bytes();
    if let Some(v6) = parse_ipv6_literal(bytes) {
        return Ok(normalize(IpAddr::V6(v6)));
    }
    if let Ok(v6) = s.parse::<Ipv6Addr>() {
        return Ok(normalize(IpAddr::V6(v6)));
    }
    let v4 = bytes.strip_suffix(b".").unwrap_or(bytes);
    parse_ipv4_lenient(v4)
        .map(IpAddr::V4)
        .ok_or(IpError::Invalid)
}

/// Returns the address in its one canonical form: IPv4-mapped IPv6 becomes IPv4.
pub fn normalize(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// A compact, reversible key: the address as 128 bits, IPv4 stored IPv4-mapped
/// (`::ffff:a.b.c.d`), so IPv4 and IPv6 share one key space without collisions.
///
/// The key is a stable export format: `u128::from(Ipv6Addr)` of the mapped address.
pub fn ip_key(addr: IpAddr) -> u128 {
    match normalize(addr) {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// Inverse of [`ip_key`].
pub fn from_ip_key(key: u128) -> IpAddr {
    normalize(IpAddr::V6(Ipv6Addr::from(key)))
}

/// Parses `[v6]`, the bracketed IPv6 form that URLs use.
pub fn parse_ipv6_literal(bytes: &[u8]) -> Option<Ipv6Addr> {
    let inner = bytes.strip_prefix(b"[")?.strip_suffix(b"]")?;
    std::str::from_utf8(inner).ok()?.parse().ok()
}

/// Parses an IPv4 address the way browsers and `inet_aton` do: one to four parts separated by
/// dots, each decimal, octal (leading `0`) or hex (leading `0x`, digits optional); every part
/// but the last is one byte, and the last part fills the remaining bytes (`127.1` is
/// `127.0.0.1`, `3279880203` is `195.127.0.11`).
///
/// Returns `None` for anything else, including parts that overflow their bytes and empty parts:
/// such a string is a host name, not an address.
pub fn parse_ipv4_lenient(bytes: &[u8]) -> Option<Ipv4Addr> {
    if bytes.is_empty() {
        return None;
    }
    let mut parts = [0u32; 4];
    let mut count = 0usize;
    for part in bytes.split(|&b| b == b'.') {
        let slot = parts.get_mut(count)?;
        *slot = parse_ipv4_part(part)?;
        count += 1;
    }
    let (last, init) = parts.get(..count)?.split_last()?;
    let mut value: u32 = 0;
    for &part in init {
        if part > 0xff {
            return None;
        }
        value = (value << 8) | part;
    }
    // The last part fills 5 - count bytes; with count == 1 that is the whole u32.
    let last_bits = 8 * (5 - count as u32);
    if last_bits < 32 && *last >= (1u32 << last_bits) {
        return None;
    }
    let value = if init.is_empty() {
        *last
    } else {
        (value << last_bits) | *last
    };
    Some(Ipv4Addr::from(value))
}

fn parse_ipv4_part(part: &[u8]) -> Option<u32> {
    let (digits, radix) = match part {
        [] => return None,
        [b'0', b'x' | b'X', rest @ ..] => (rest, 16),
        [b'0', rest @ ..] if !rest.is_empty() => (rest, 8),
        _ => (part, 10),
    };
    let mut value: u32 = 0;
    for &b in digits {
        let digit = (b as char).to_digit(radix)?;
        value = value.checked_mul(radix)?.checked_add(digit)?;
    }
    Some(value)
}

/// Writes the dotted-quad form of `addr` into `out`, without allocating.
pub(crate) fn write_ipv4(addr: Ipv4Addr, out: &mut Vec<u8>) {
    for (i, octet) in addr.octets().into_iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        if octet >= 100 {
            out.push(b'0' + octet / 100);
        }
        if octet >= 10 {
            out.push(b'0' + (octet / 10) % 10);
        }
        out.push(b'0' + octet % 10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v4(s: &str) -> Option<String> {
        parse_ipv4_lenient(s.as_bytes()).map(|a| a.to_string())
    }

    #[test]
    fn lenient_ipv4_forms() {
        let cases = [
            ("255.0.0.1", Some("255.0.0.1")),
            ("12.0x12.01234", Some("12.18.2.156")),
            ("012.034.01.055", Some("10.28.1.45")),
            ("0x12.0x43.0x44.0x01", Some("18.67.68.1")),
            ("167838211", Some("10.1.2.3")),
            ("3279880203", Some("195.127.0.11")),
            ("4294967295", Some("255.255.255.255")),
            ("127.1", Some("127.0.0.1")),
            ("0x7f.1", Some("127.0.0.1")),
            ("017700000001", Some("127.0.0.1")),
            ("0X7F000001", Some("127.0.0.1")),
            ("0x", Some("0.0.0.0")),
            ("0", Some("0.0.0.0")),
            ("1.2.65535", Some("1.2.255.255")),
            ("123.123.0.0.1", None),
            ("1.2.3.00x0", None),
            ("4294967296", None),
            ("256.1.1.1", None),
            ("1.2.65536", None),
            ("08", None),
            ("1..2", None),
            ("1.2.3.", None),
            ("", None),
            ("a.b.c.d", None),
            ("0xg", None),
            ("99999999999999999999", None),
        ];
        for (input, want) in cases {
            assert_eq!(v4(input).as_deref(), want, "input {input:?}");
        }
    }

    #[test]
    fn parse_normalizes_every_family() {
        assert_eq!(parse(" 10.0.0.1. ").unwrap().to_string(), "10.0.0.1");
        assert_eq!(parse("0x0a000001").unwrap().to_string(), "10.0.0.1");
        assert_eq!(parse("[2001:DB8::1]").unwrap().to_string(), "2001:db8::1");
        assert_eq!(
            parse("2001:0db8:0000:0000:0000:0000:0000:0001")
                .unwrap()
                .to_string(),
            "2001:db8::1"
        );
        assert_eq!(parse("::ffff:1.2.3.4").unwrap().to_string(), "1.2.3.4");
        assert_eq!(parse(""), Err(IpError::Empty));
        assert_eq!(parse("  "), Err(IpError::Empty));
        assert_eq!(parse("fe80::1%eth0"), Err(IpError::Invalid));
        assert_eq!(parse("example.com"), Err(IpError::Invalid));
        assert_eq!(parse("[1.2.3.4]"), Err(IpError::Invalid));
        assert_eq!(IpError::Invalid.code(), "ip_invalid");
        assert_eq!(IpError::Empty.code(), "ip_empty");
    }

    #[test]
    fn keys_share_one_space() {
        let a = parse("1.2.3.4").unwrap();
        let b = parse("::ffff:1.2.3.4").unwrap();
        assert_eq!(ip_key(a), ip_key(b));
        assert_eq!(ip_key(a), 0xffff_0102_0304);
        assert_ne!(ip_key(a), ip_key(parse("::1.2.3.4").unwrap()));
        assert_eq!(from_ip_key(ip_key(a)), a);
    }

    #[test]
    fn writes_dotted_quads() {
        for addr in ["0.0.0.0", "9.10.99.100", "255.255.255.255", "1.20.200.3"] {
            let mut out = Vec::new();
            write_ipv4(addr.parse().unwrap(), &mut out);
            assert_eq!(out, addr.as_bytes());
        }
    }

    proptest! {
        #[test]
        fn every_spelling_of_an_address_agrees(value: u32, seed: u8) {
            let addr = Ipv4Addr::from(value);
            let [a, b, c, d] = addr.octets();
            let spellings = [
                format!("{value}"),
                format!("0x{value:x}"),
                format!("0X{value:X}"),
                format!("0{value:o}"),
                format!("{a}.{b}.{c}.{d}"),
                format!("0x{a:x}.0{b:o}.{c}.0x{d:02x}"),
                format!("{a}.{}", value & 0x00ff_ffff),
                format!("0{a:o}.0x{:x}", value & 0x00ff_ffff),
                format!("{a}.{b}.{}", value & 0xffff),
                format!("{a}.0x{b:x}.0{:o}", value & 0xffff),
            ];
            for s in &spellings {
                prop_assert_eq!(parse_ipv4_lenient(s.as_bytes()), Some(addr), "spelling {}", s);
            }
            let pick = &spellings[usize::from(seed) % spellings.len()];
            prop_assert_eq!(parse(pick), Ok(IpAddr::V4(addr)));
            let mut out = Vec::new();
            write_ipv4(addr, &mut out);
            prop_assert_eq!(out, addr.to_string().into_bytes());
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s);
            let _ = parse_ipv4_lenient(s.as_bytes());
        }

        #[test]
        fn ipv6_round_trips(bits: u128) {
            let addr = normalize(IpAddr::V6(Ipv6Addr::from(bits)));
            prop_assert_eq!(parse(&addr.to_string()), Ok(addr));
            prop_assert_eq!(from_ip_key(ip_key(addr)), addr);
        }
    }
}
