//! Finding a brand's token in a domain label: as written, in look-alike characters, or one
//! letter off. A label is read as pieces between hyphens (`10086-jf`, `royalmail-redelivery`).

use crate::{BrandHow, LinkAnalyzer};

/// Tokens this long (letters) also match at the start or end of a piece and by near miss;
/// shorter ones are too often parts of ordinary words (`ing` in `booking`, `apple` in
/// `pineapple`).
pub(crate) const LONG_TOKEN: usize = 6;

/// Labels are at most 63 bytes in DNS; anything longer is not read for brands.
const MAX_LABEL: usize = 63;

/// Folds the characters phishing swaps for each other onto one: 0 and o, 1, i and l, rn and m,
/// vv and w. A label and a token that fold alike look alike.
pub(crate) fn fold(text: &[u8]) -> Vec<u8> {
    let mut out = [0u8; MAX_LABEL];
    let len = fold_into(text, &mut out).unwrap_or(0);
    out[..len].to_vec()
}

fn fold_into(text: &[u8], out: &mut [u8; MAX_LABEL]) -> Option<usize> {
    let mut len = 0;
    let mut i = 0;
    while i < text.len() {
        let (b, step) = match (text[i], text.get(i + 1)) {
            (b'r', Some(b'n')) => (b'm', 2),
            (b'v', Some(b'v')) => (b'w', 2),
            (b'0', _) => (b'o', 1),
            (b'1' | b'i', _) => (b'l', 1),
            (b, _) => (b, 1),
        };
        *out.get_mut(len)? = b;
        len += 1;
        i += step;
    }
    Some(len)
}

/// The first brand token in `label`, how it matched, and the byte range of the piece it is in.
pub(crate) fn find(links: &LinkAnalyzer, label: &[u8]) -> Option<(u16, BrandHow, usize, usize)> {
    if label.is_empty() || label.len() > MAX_LABEL {
        return None;
    }
    // as written
    for m in links.direct.find_overlapping_iter(label) {
        let token = &links.tokens[m.pattern().as_usize()];
        if token_fits(label, m.start(), m.end(), token.exact, token.numeric) {
            let (start, end) = piece_around(label, m.start());
            return Some((m.pattern().as_u32() as u16, BrandHow::Token, start, end));
        }
    }
    // hyphens dropped: `pay-pal`, `royal-mail`
    let mut joined = [0u8; MAX_LABEL];
    let mut joined_len = 0;
    if label.contains(&b'-') {
        for &b in label.iter().filter(|&&b| b != b'-') {
            joined[joined_len] = b;
            joined_len += 1;
        }
        let joined = &joined[..joined_len];
        for m in links.direct.find_overlapping_iter(joined) {
            if m.start() == 0 && m.end() == joined.len() {
                return Some((m.pattern().as_u32() as u16, BrandHow::Token, 0, label.len()));
            }
        }
    }
    // look-alike characters: the folded label holds a folded token. Folding keeps hyphens, so
    // the n-th piece of the folded label is the n-th piece of the label.
    let mut folded = [0u8; MAX_LABEL];
    let folded_len = fold_into(label, &mut folded)?;
    let folded = &folded[..folded_len];
    for m in links.folded.find_overlapping_iter(folded) {
        let token = &links.tokens[m.pattern().as_usize()];
        // a number in look-alike characters counts only as a whole piece (`1OO86-jf`)
        if token_fits(
            folded,
            m.start(),
            m.end(),
            token.exact || token.numeric,
            false,
        ) {
            let index = folded[..m.start()].iter().filter(|&&b| b == b'-').count();
            let (start, end) = nth_piece(label, index);
            return Some((m.pattern().as_u32() as u16, BrandHow::Homoglyph, start, end));
        }
    }
    // one letter off, whole pieces only
    let mut start = 0;
    for piece in label.split(|&b| b == b'-') {
        if let Some(token) = near_miss(links, piece) {
            return Some((token, BrandHow::NearMiss, start, start + piece.len()));
        }
        start += piece.len() + 1;
    }
    if joined_len > 0
        && let Some(token) = near_miss(links, &joined[..joined_len])
    {
        return Some((token, BrandHow::NearMiss, 0, label.len()));
    }
    None
}

/// Whether a token found at `start..end` of `label` counts: ordinary words and short tokens
/// only as a whole piece, numbers where no other digit touches them, long tokens also at a
/// piece's start or end.
fn token_fits(label: &[u8], start: usize, end: usize, exact: bool, numeric: bool) -> bool {
    let before = start.checked_sub(1).and_then(|i| label.get(i)).copied();
    let after = label.get(end).copied();
    let piece_start = before.is_none_or(|b| b == b'-');
    let piece_end = after.is_none_or(|b| b == b'-');
    if numeric {
        return !before.is_some_and(|b| b.is_ascii_digit())
            && !after.is_some_and(|b| b.is_ascii_digit());
    }
    if exact || end - start < LONG_TOKEN {
        return piece_start && piece_end;
    }
    piece_start || piece_end
}

fn piece_around(label: &[u8], at: usize) -> (usize, usize) {
    let start = label[..at]
        .iter()
        .rposition(|&b| b == b'-')
        .map_or(0, |i| i + 1);
    let end = label[at..]
        .iter()
        .position(|&b| b == b'-')
        .map_or(label.len(), |i| at + i);
    (start, end)
}

fn nth_piece(label: &[u8], index: usize) -> (usize, usize) {
    let mut start = 0;
    for (i, piece) in label.split(|&b| b == b'-').enumerate() {
        if i == index {
            return (start, start + piece.len());
        }
        start += piece.len() + 1;
    }
    (0, label.len())
}

/// A long token one edit (insertion, deletion, substitution) away from the whole piece.
fn near_miss(links: &LinkAnalyzer, piece: &[u8]) -> Option<u16> {
    if piece.len() < LONG_TOKEN {
        return None;
    }
    links.near.iter().copied().find(|&index| {
        let token = links.tokens[index as usize].text.as_bytes();
        token != piece && one_edit(piece, token)
    })
}

/// Whether `a` and `b` are at most one insertion, deletion, substitution or swap of two
/// neighbours apart (`royalmial`), the typing slips typo-squatters register.
fn one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        let swapped = prefix + 2 <= short.len()
            && short[prefix] == long[prefix + 1]
            && short[prefix + 1] == long[prefix]
            && short[prefix + 2..] == long[prefix + 2..];
        short[prefix..].len() <= 1 || short[prefix + 1..] == long[prefix + 1..] || swapped
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_counts_insertions_deletions_and_substitutions() {
        assert!(one_edit(b"paypai", b"paypal"));
        assert!(one_edit(b"paypl", b"paypal"));
        assert!(one_edit(b"paypall", b"paypal"));
        assert!(one_edit(b"paypal", b"paypal"));
        assert!(one_edit(b"royalmial", b"royalmail"));
        assert!(!one_edit(b"pyaapl", b"paypal"));
        assert!(!one_edit(b"paypalxx", b"paypal"));
    }

    #[test]
    fn folding_maps_swapped_characters_onto_one() {
        assert_eq!(fold(b"paypa1"), b"paypal");
        assert_eq!(fold(b"arnaz0n"), b"amazon");
        assert_eq!(fold(b"1oo86"), fold(b"10086"));
        assert_eq!(fold(b"vvechat"), b"wechat");
    }
}
