//! Percent-escaping and repeated percent-unescaping, byte-exact and allocation-free.

/// Escape in the host: the Safe Browsing set plus the bytes that delimit the host inside a URL,
/// so that a host which unescaped to `evil.com/x` or `a@b` cannot re-parse differently.
pub(super) const HOST: u8 = 1;
/// Escape in the path: the Safe Browsing set plus `?` and `\`, for the same reason: a `%3F`
/// that unescaped into the path must not turn the rest of the path into a query on re-parse.
pub(super) const PATH: u8 = 2;
/// Escape in the query, which is otherwise kept as it is: only bytes that cannot appear in a URL.
pub(super) const QUERY: u8 = 4;

static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = escape_class(i as u8);
        i += 1;
    }
    table
};

/// The escape sets (`HOST | PATH | QUERY` bits) a byte belongs to.
pub(super) const fn escape_class(b: u8) -> u8 {
    let mut class = 0;
    if b <= 0x20 || b >= 0x7f {
        class |= HOST | PATH | QUERY;
    }
    if b == b'#' || b == b'%' || b == b'?' || b == b'\\' {
        class |= HOST | PATH;
    }
    if b == b'/' || b == b'@' || b == b':' || b == b'[' || b == b']' {
        class |= HOST;
    }
    class
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

#[inline]
pub(super) fn needs_escape(b: u8, set: u8) -> bool {
    CLASS[usize::from(b)] & set != 0
}

#[inline]
pub(super) fn push_escaped(out: &mut Vec<u8>, b: u8) {
    out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
}

#[inline]
pub(super) fn escape_into(src: &[u8], set: u8, out: &mut Vec<u8>) {
    // Most segments need no escaping: copy them in one go.
    match src.iter().position(|&b| needs_escape(b, set)) {
        None => out.extend_from_slice(src),
        Some(first) => {
            let (clean, rest) = src.split_at(first);
            out.extend_from_slice(clean);
            for &b in rest {
                if needs_escape(b, set) {
                    push_escaped(out, b);
                } else {
                    out.push(b);
                }
            }
        }
    }
}

#[inline]
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Unescapes `src` into `out` until no `%XX` is left, in one linear pass.
///
/// Repeating a left-to-right unescape until the string stops changing (what the Safe Browsing
/// spec describes) is quadratic on `%252525…`. Decoding each escape as soon as its last digit
/// arrives, and re-checking the tail because the decoded byte may complete an earlier `%X`,
/// reaches the same result: escapes never overlap (`%` is not a hex digit), so the order of
/// decoding does not matter.
///
/// With `backslash_to_slash`, raw `\` become `/` (browsers read them as path separators), while
/// an escaped `%5C` stays a literal backslash.
pub(super) fn unescape_into(src: &[u8], out: &mut Vec<u8>, backslash_to_slash: bool) {
    out.clear();
    for &b in src {
        out.push(if backslash_to_slash && b == b'\\' {
            b'/'
        } else {
            b
        });
        while let [.., b'%', hi, lo] = out[..] {
            let (Some(hi), Some(lo)) = (hex_value(hi), hex_value(lo)) else {
                break;
            };
            out.truncate(out.len() - 3);
            out.push(hi << 4 | lo);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unescape(s: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        unescape_into(s, &mut out, false);
        out
    }

    /// The spec's definition, as a reference: one left-to-right pass, repeated to a fixpoint.
    fn unescape_reference(s: &[u8]) -> Vec<u8> {
        let mut cur = s.to_vec();
        loop {
            let mut next = Vec::with_capacity(cur.len());
            let mut i = 0;
            while i < cur.len() {
                if cur[i] == b'%'
                    && i + 2 < cur.len()
                    && hex_value(cur[i + 1]).is_some()
                    && hex_value(cur[i + 2]).is_some()
                {
                    next.push(hex_value(cur[i + 1]).unwrap() << 4 | hex_value(cur[i + 2]).unwrap());
                    i += 3;
                } else {
                    next.push(cur[i]);
                    i += 1;
                }
            }
            if next == cur {
                return cur;
            }
            cur = next;
        }
    }

    #[test]
    fn unescapes_to_a_fixpoint() {
        assert_eq!(unescape(b"%25%32%35"), b"%");
        assert_eq!(unescape(b"%2525252525252525"), b"%");
        assert_eq!(unescape(b"%%%25%32%35asd%%"), b"%%%asd%%");
        assert_eq!(unescape(b"%%341"), b"A");
        assert_eq!(unescape(b"%zz%4"), b"%zz%4");
        assert_eq!(unescape(b"%e2%82%ac"), "\u{20ac}".as_bytes());
        let mut out = Vec::new();
        unescape_into(b"a\\b%5Cc", &mut out, true);
        assert_eq!(out, b"a/b\\c");
    }

    #[test]
    fn escapes_with_uppercase_hex() {
        let mut out = Vec::new();
        escape_into(b"a b#%\x01\x80\xff?", PATH, &mut out);
        assert_eq!(out, b"a%20b%23%25%01%80%FF%3F");
        out.clear();
        escape_into(b"a b#%?/", QUERY, &mut out);
        assert_eq!(out, b"a%20b#%?/");
        out.clear();
        escape_into(b"a/b:c@d[e]", HOST, &mut out);
        assert_eq!(out, b"a%2Fb%3Ac%40d%5Be%5D");
    }

    proptest! {
        #[test]
        fn linear_unescape_matches_the_spec(s in prop::collection::vec(
            prop::sample::select(b"%%%250123456789abcdefABCDEFxyz/.".to_vec()), 0..40)) {
            prop_assert_eq!(unescape(&s), unescape_reference(&s));
        }

        #[test]
        fn escape_then_unescape_round_trips(s in prop::collection::vec(any::<u8>(), 0..40)) {
            let fixpoint = unescape(&s);
            let mut escaped = Vec::new();
            escape_into(&fixpoint, PATH, &mut escaped);
            prop_assert!(escaped.iter().all(|&b| b > 0x20 && b < 0x7f && b != b'#'));
            prop_assert_eq!(unescape(&escaped), fixpoint);
        }
    }
}
