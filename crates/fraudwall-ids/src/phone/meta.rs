//! Lookups over the generated metadata tables (see `gen_tables.py`).
//!
//! The tables hold one minimal acyclic automaton over the digits 0-9. Each calling code has a root
//! whose language is its valid national numbers; each region has a root for its short numbers.
//! Checking a number is one table lookup per digit, with no regex and no allocation.

use super::tables::{CALLING_CODES, CODE_BY_PREFIX, FREE_START, FREE_TAIL, NEXT};

/// A country calling code and its national-number automaton.
#[derive(Debug)]
pub(super) struct CallingCode {
    pub code: u16,
    pub root: u16,
    /// Shortest and longest valid national number.
    pub min_len: u8,
    pub max_len: u8,
    /// The region that owns the code's short numbers; `\0\0` when several regions share the code
    /// and none is marked main.
    pub main_region: [u8; 2],
}

/// A region (ISO 3166-1 alpha-2) known to the metadata.
#[derive(Debug)]
pub(super) struct RegionInfo {
    pub id: [u8; 2],
    pub code: u16,
    /// The international dialling prefix when it is a plain digit string ("00", "011"); empty
    /// when the region's prefix is a pattern, which the full parser then handles.
    pub idd: &'static str,
    /// Root of the short-number automaton, 0 when the region has no short-number metadata.
    pub short_root: u16,
    pub short_min: u8,
    pub short_max: u8,
}

const ACCEPT: u16 = 0x8000;

/// Walks the automaton from `root` over `digits` (ASCII digits, which every caller has already
/// checked). Returns the state reached with its accept bit, or, as soon as a free tail is
/// reached, whether that tail accepts the remaining length: numbers are mostly a few
/// significant leading digits and then any digits, and stopping early saves the chain of
/// dependent loads, which is what the fast path's speed depends on.
#[inline]
fn walk(root: u16, digits: &[u8]) -> Result<u16, u32> {
    let mut state = root;
    for (i, &b) in digits.iter().enumerate() {
        let id = state & !ACCEPT;
        if id >= FREE_START {
            let mask = FREE_TAIL[usize::from(id - FREE_START)];
            return Err(mask.checked_shr((digits.len() - i) as u32).unwrap_or(0));
        }
        debug_assert!(b.is_ascii_digit());
        state = NEXT[usize::from(id)][usize::from(b.wrapping_sub(b'0') % 10)];
        if state == 0 {
            return Ok(0);
        }
    }
    Ok(state)
}

/// Whether the automaton accepts `digits` (ASCII digits) from `root`.
#[inline]
pub(super) fn accepts(root: u16, digits: &[u8]) -> bool {
    match walk(root, digits) {
        Ok(state) => state & ACCEPT != 0,
        Err(remaining_mask) => remaining_mask & 1 != 0,
    }
}

/// Whether some string starting with `digits` (ASCII digits) is accepted from `root`.
pub(super) fn viable_prefix(root: u16, digits: &[u8]) -> bool {
    match walk(root, digits) {
        // Minimization merges every state from which nothing is accepted into the dead state 0.
        Ok(state) => state != 0,
        Err(remaining_mask) => remaining_mask != 0,
    }
}

/// The calling code that `digits` (an E.164 number without `+`) starts with, and its length.
/// Calling codes are prefix-free, so at most one matches.
#[inline]
pub(super) fn calling_code(digits: &[u8]) -> Option<(&'static CallingCode, usize)> {
    let mut index = 0usize;
    for i in 0..3 {
        let d = match digits.get(i) {
            Some(&b) if b.is_ascii_digit() => usize::from(b - b'0'),
            Some(_) => return None,
            None => 0,
        };
        index = index * 10 + d;
    }
    let entry = CODE_BY_PREFIX[index];
    let len = usize::from(entry >> 12);
    if entry == 0 || len > digits.len() {
        return None;
    }
    CALLING_CODES
        .get(usize::from(entry & 0x0fff) - 1)
        .map(|code| (code, len))
}

pub(super) fn calling_code_info(code: u16) -> Option<&'static CallingCode> {
    CALLING_CODES
        .binary_search_by_key(&code, |c| c.code)
        .ok()
        .map(|i| &CALLING_CODES[i])
}

#[cfg(test)]
pub(super) fn region_info(id: [u8; 2]) -> Option<&'static RegionInfo> {
    use super::tables::REGIONS;
    REGIONS
        .binary_search_by_key(&id, |r| r.id)
        .ok()
        .map(|i| &REGIONS[i])
}

/// Whether `digits` is a short number (service, emergency, carrier) of the region.
pub(super) fn is_short(region: &RegionInfo, digits: &[u8]) -> bool {
    region.short_root != 0
        && (usize::from(region.short_min)..=usize::from(region.short_max)).contains(&digits.len())
        && accepts(region.short_root, digits)
}

#[cfg(test)]
mod tests {
    use super::super::tables::REGIONS;
    use super::*;

    #[test]
    fn calling_codes_resolve_by_prefix() {
        let (cn, len) = calling_code(b"8613800138000").unwrap();
        assert_eq!((cn.code, len), (86, 2));
        let (us, len) = calling_code(b"12015550123").unwrap();
        assert_eq!((us.code, len), (1, 1));
        let (ie, len) = calling_code(b"353").unwrap();
        assert_eq!((ie.code, len), (353, 3));
        // 28x is unassigned, and a code longer than the input does not match.
        assert!(calling_code(b"281234567").is_none());
        assert!(calling_code(b"35").is_none());
        assert!(calling_code(b"").is_none());
        assert!(calling_code(b"8a").is_none());
    }

    #[test]
    fn automaton_checks_length_and_leading_digits() {
        let cn = calling_code_info(86).unwrap();
        assert!(accepts(cn.root, b"13800138000"));
        assert!(!accepts(cn.root, b"1380013800"));
        assert!(!accepts(cn.root, b"138001380000"));
        assert!(!accepts(cn.root, b"12800138000"));
        assert!(!accepts(cn.root, b""));
        assert!(viable_prefix(cn.root, b"1380013"));
        assert!(!viable_prefix(cn.root, b"138001380000"));
    }

    /// The walk without the free-tail shortcut: the rows of free states are complete too.
    fn accepts_slowly(root: u16, digits: &[u8]) -> bool {
        let mut state = root;
        for &b in digits {
            state = NEXT[usize::from(state & !ACCEPT)][usize::from(b - b'0')];
        }
        state & ACCEPT != 0
    }

    #[test]
    fn free_tail_shortcut_changes_nothing() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut checked = 0;
        for code in CALLING_CODES.iter() {
            for _ in 0..300 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let len = usize::from(code.min_len) + (seed % 4) as usize;
                let digits: Vec<u8> = (0..len)
                    .map(|i| b'0' + ((seed >> (i * 4 % 60)) % 10) as u8)
                    .collect();
                for cut in [len, len.saturating_sub(1), 3.min(len)] {
                    let d = &digits[..cut];
                    assert_eq!(
                        accepts(code.root, d),
                        accepts_slowly(code.root, d),
                        "+{} {d:?}",
                        code.code
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000);
        assert!(FREE_TAIL.iter().all(|&m| m != 0));
    }

    #[test]
    fn regions_and_short_numbers() {
        let cn = region_info(*b"CN").unwrap();
        assert_eq!((cn.code, cn.idd), (86, "00"));
        for short in [
            "110", "119", "120", "122", "12110", "96110", "95588", "10086", "12381",
        ] {
            assert!(is_short(cn, short.as_bytes()), "{short}");
        }
        for not_short in ["13800138000", "1", "999999", "12"] {
            assert!(!is_short(cn, not_short.as_bytes()), "{not_short}");
        }
        assert!(region_info(*b"ZZ").is_none());
        let us = region_info(*b"US").unwrap();
        assert!(is_short(us, b"911"));
        assert_eq!(us.idd, "011");
    }

    #[test]
    fn tables_are_consistent() {
        for code in CALLING_CODES.iter() {
            assert!(
                code.min_len <= code.max_len && code.max_len <= 17,
                "{}",
                code.code
            );
            let text = code.code.to_string();
            let (found, len) = calling_code(text.as_bytes()).unwrap();
            assert_eq!((found.code, len), (code.code, text.len()));
            if code.main_region != [0, 0] {
                assert_eq!(region_info(code.main_region).unwrap().code, code.code);
            }
        }
        for region in REGIONS.iter() {
            assert!(calling_code_info(region.code).is_some());
        }
    }
}
