//! Number ranges: every E.164 number that starts with a prefix, written `+86170123456*`.
//!
//! Ranges are derived by the server from evidence (many fraud reports inside one block of 100
//! numbers), so besides parsing they offer the enclosing blocks of a number.
//!
//! # Key
//!
//! [`NumberRange::key`] is stable: the prefix digits read as an integer, shifted left by 4, with
//! the prefix length (1..=14) in the low 4 bits. The prefix never starts with 0 (calling codes
//! do not), so the key is unambiguous.

use std::fmt;
use std::str::FromStr;

use crate::ErrorCode;
use crate::phone::{E164, PhoneError};

/// Why a range was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("number range is empty")]
    Empty,
    #[error("number range must be an E.164 prefix followed by '*', as in +86170123456*")]
    Syntax,
    #[error("number range has an unknown country calling code")]
    InvalidCountryCode,
    #[error("number range must have at least one digit after the calling code")]
    TooBroad,
    #[error("number range prefix must be shorter than a full number")]
    TooLong,
    #[error("no valid phone number starts with this prefix")]
    NoValidNumbers,
}

impl ErrorCode for RangeError {
    fn code(&self) -> &'static str {
        match self {
            RangeError::Empty => "range_empty",
            RangeError::Syntax => "range_syntax",
            RangeError::InvalidCountryCode => "range_invalid_country_code",
            RangeError::TooBroad => "range_too_broad",
            RangeError::TooLong => "range_too_long",
            RangeError::NoValidNumbers => "range_no_valid_numbers",
        }
    }
}

/// All E.164 numbers whose digits start with `prefix` (`len` digits long).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NumberRange {
    prefix: u64,
    len: u8,
}

/// One less than the 15 digits of the longest E.164 number.
const MAX_PREFIX_LEN: usize = 14;

impl NumberRange {
    /// Parses `+86170123456*`. Separators (spaces, dashes, dots, full-width forms) and full-width
    /// digits are accepted, as in phone numbers. The prefix must have a known calling code and at
    /// least one more digit, and some valid number must start with it.
    pub fn parse(input: &str) -> Result<NumberRange, RangeError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(RangeError::Empty);
        }
        let body = text
            .strip_suffix('*')
            .or_else(|| text.strip_suffix('\u{ff0a}'))
            .ok_or(RangeError::Syntax)?;
        let mut digits = [0u8; MAX_PREFIX_LEN + 1];
        let mut len = 0;
        let mut plus = false;
        for c in body.chars() {
            let d = match c {
                '0'..='9' => c as u32 - '0' as u32,
                '\u{ff10}'..='\u{ff19}' => c as u32 - 0xff10,
                '+' | '\u{ff0b}' if !plus && len == 0 => {
                    plus = true;
                    continue;
                }
                ' ' | '-' | '.' | '\u{3000}' | '\u{ff0d}' | '\u{ff0e}' if plus => continue,
                _ => return Err(RangeError::Syntax),
            };
            if len == digits.len() {
                return Err(RangeError::TooLong);
            }
            digits[len] = b'0' + d as u8;
            len += 1;
        }
        if !plus || len == 0 {
            return Err(RangeError::Syntax);
        }
        NumberRange::from_digits(&digits[..len])
    }

    fn from_digits(digits: &[u8]) -> Result<NumberRange, RangeError> {
        if digits.len() > MAX_PREFIX_LEN {
            return Err(RangeError::TooLong);
        }
        match crate::phone::viable_prefix(digits) {
            Ok(()) => {}
            Err(PhoneError::InvalidCountryCode) => return Err(RangeError::InvalidCountryCode),
            Err(PhoneError::TooShort) => return Err(RangeError::TooBroad),
            Err(_) => return Err(RangeError::NoValidNumbers),
        }
        let prefix = digits
            .iter()
            .fold(0u64, |acc, &b| acc * 10 + u64::from(b - b'0'));
        Ok(NumberRange {
            prefix,
            len: digits.len() as u8,
        })
    }

    /// The stable key; see the module docs.
    pub fn key(self) -> u64 {
        (self.prefix << 4) | u64::from(self.len)
    }

    /// The range for a key from [`NumberRange::key`], if it denotes a valid range.
    pub fn from_key(key: u64) -> Option<NumberRange> {
        let len = (key & 0xf) as usize;
        let prefix = key >> 4;
        if len == 0 || digit_count(prefix) != len {
            return None;
        }
        NumberRange::from_digits(prefix.to_string().as_bytes()).ok()
    }

    /// The prefix digits (without `+`) as an integer.
    pub fn prefix(self) -> u64 {
        self.prefix
    }

    /// The number of prefix digits.
    pub fn prefix_len(self) -> usize {
        usize::from(self.len)
    }

    /// Whether the number with key `number_key` (see [`crate::phone::PhoneNumber::key`]) is in
    /// the range. Service-number keys never are.
    #[inline]
    pub fn contains(self, number_key: u64) -> bool {
        if number_key >= 1 << 63 {
            return false;
        }
        let n = digit_count(number_key);
        let len = usize::from(self.len);
        n >= len && number_key / POW10[n - len] == self.prefix
    }

    pub fn contains_number(self, number: E164) -> bool {
        self.contains(number.key())
    }

    /// The range one digit shorter, if it still has a digit after the calling code.
    pub fn parent(self) -> Option<NumberRange> {
        let text = (self.prefix / 10).to_string();
        NumberRange::from_digits(text.as_bytes()).ok()
    }

    /// The block of 10 numbers that `number` is in: its digits but the last.
    pub fn block_of_10(number: E164) -> Option<NumberRange> {
        NumberRange::enclosing(number, 1)
    }

    /// The block of 100 numbers that `number` is in: its digits but the last two.
    pub fn block_of_100(number: E164) -> Option<NumberRange> {
        NumberRange::enclosing(number, 2)
    }

    /// The range of numbers that share all but the last `dropped` digits with `number`; `None`
    /// when that would leave no digit after the calling code.
    pub fn enclosing(number: E164, dropped: usize) -> Option<NumberRange> {
        let text = number.key().to_string();
        let keep = text.len().checked_sub(dropped.max(1))?;
        NumberRange::from_digits(&text.as_bytes()[..keep]).ok()
    }
}

/// Prints `+86170123456*`.
impl fmt::Display for NumberRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}*", self.prefix)
    }
}

impl fmt::Debug for NumberRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NumberRange(+{}*)", self.prefix)
    }
}

impl FromStr for NumberRange {
    type Err = RangeError;
    fn from_str(s: &str) -> Result<NumberRange, RangeError> {
        NumberRange::parse(s)
    }
}

const POW10: [u64; 20] = {
    let mut out = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        out[i] = out[i - 1] * 10;
        i += 1;
    }
    out
};

fn digit_count(value: u64) -> usize {
    value.checked_ilog10().map_or(1, |n| n as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::normalize;

    fn range(s: &str) -> NumberRange {
        NumberRange::parse(s).unwrap()
    }

    #[test]
    fn parses_and_displays() {
        let r = range("+86170123456*");
        assert_eq!(r.to_string(), "+86170123456*");
        assert_eq!((r.prefix(), r.prefix_len()), (86170123456, 11));
        assert_eq!(range(" +86 170-1234-56* ").to_string(), "+86170123456*");
        assert_eq!(range("＋８６１７０＊").to_string(), "+86170*");
        assert_eq!(
            "+12015550*".parse::<NumberRange>().unwrap().to_string(),
            "+12015550*"
        );
    }

    #[test]
    fn rejects_bad_ranges() {
        let code = |s: &str| NumberRange::parse(s).unwrap_err().code();
        assert_eq!(code(""), "range_empty");
        assert_eq!(code("+86170123456"), "range_syntax");
        assert_eq!(code("86170*"), "range_syntax");
        assert_eq!(code("+86*170*"), "range_syntax");
        assert_eq!(code("+*"), "range_syntax");
        assert_eq!(code("+86*"), "range_too_broad");
        assert_eq!(code("+28123*"), "range_invalid_country_code");
        assert_eq!(code("+8612*"), "range_no_valid_numbers");
        assert_eq!(code("+861380013800012*"), "range_too_long");
    }

    #[test]
    fn contains_by_key() {
        let r = range("+86170123456*");
        let inside = normalize("17012345678").unwrap();
        let outside = normalize("17012345778").unwrap();
        assert!(r.contains(inside.key()));
        assert!(!r.contains(outside.key()));
        assert!(r.contains_number(inside.e164().unwrap()));
        // A shorter key cannot be inside a longer prefix, and service keys never are.
        assert!(!r.contains(8617012345));
        assert!(!r.contains(normalize("96110").unwrap().key()));
        assert!(range("+1201*").contains(normalize("+1 201 555 0123").unwrap().key()));
    }

    #[test]
    fn blocks_and_keys() {
        let n = normalize("17012345678").unwrap().e164().unwrap();
        let ten = NumberRange::block_of_10(n).unwrap();
        let hundred = NumberRange::block_of_100(n).unwrap();
        assert_eq!(ten.to_string(), "+861701234567*");
        assert_eq!(hundred.to_string(), "+86170123456*");
        assert_eq!(ten.parent(), Some(hundred));
        assert!(ten.contains_number(n) && hundred.contains_number(n));
        assert_eq!(NumberRange::enclosing(n, 11), None);
        assert_eq!(NumberRange::enclosing(n, 10).unwrap().to_string(), "+861*");
        assert_eq!(ten.key(), (861701234567 << 4) | 12);
        assert_eq!(NumberRange::from_key(ten.key()), Some(ten));
        for bad in [0, 1, (86 << 4) | 3, (8612 << 4) | 4, u64::MAX] {
            assert_eq!(NumberRange::from_key(bad), None, "{bad}");
        }
    }
}
