//! SMS sender ids: the alphanumeric names (`RoyalMail`, `ICBC`, `10086Info`) that operators and
//! brands send text messages from instead of a phone number.
//!
//! A sender id is what a phone shows in place of a number, so it is matched as shown, with
//! case and spacing folded: `Royal Mail `, `ROYAL  MAIL` and `royal mail` are one sender. A
//! sender that is a phone number (`95588`, `+44 7700 900123`) stays a phone number: callers try
//! the phone normalizer first and read the sender as an id only when that fails.
//!
//! # Keys
//!
//! Stable: `xxh3_64` of the canonical spelling's bytes.

use std::fmt;
use std::str::FromStr;

use crate::ErrorCode;

/// The longest sender id, in characters. GSM allows 11 alphanumeric characters; some networks
/// and aggregators show longer names, so a little room is left.
pub const MAX_SENDER_CHARS: usize = 20;

/// Why a sender id was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SenderError {
    #[error("sender id is empty")]
    Empty,
    #[error("a sender id holds at least one letter; a sender of digits alone is a phone number")]
    NoLetter,
    #[error("sender id is longer than {MAX_SENDER_CHARS} characters")]
    TooLong,
    #[error("sender id may hold only letters, digits, spaces and . - _ & ' + ! ; found {0:?}")]
    InvalidCharacter(char),
}

impl ErrorCode for SenderError {
    fn code(&self) -> &'static str {
        match self {
            SenderError::Empty => "sender_empty",
            SenderError::NoLetter => "sender_no_letter",
            SenderError::TooLong => "sender_too_long",
            SenderError::InvalidCharacter(_) => "sender_invalid_characters",
        }
    }
}

/// An alphanumeric SMS sender id in canonical form: trimmed, inner white space folded to one
/// space, lower case, with at least one letter (digits alone make a phone number, valid or
/// not).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SenderId(Box<str>);

fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_' | '&' | '\'' | '+' | '!')
}

impl SenderId {
    pub fn parse(input: &str) -> Result<SenderId, SenderError> {
        let mut out = String::with_capacity(input.len().min(4 * MAX_SENDER_CHARS));
        let mut chars = 0usize;
        for word in input.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            for c in word.chars() {
                // checked after folding, so that the canonical form parses to itself
                for lower in c.to_lowercase() {
                    if !allowed(lower) {
                        return Err(SenderError::InvalidCharacter(c));
                    }
                    out.push(lower);
                    chars += 1;
                }
                if chars > MAX_SENDER_CHARS {
                    return Err(SenderError::TooLong);
                }
            }
        }
        if chars > MAX_SENDER_CHARS {
            return Err(SenderError::TooLong);
        }
        if !out.chars().any(char::is_alphanumeric) {
            return Err(SenderError::Empty);
        }
        if !out.chars().any(char::is_alphabetic) {
            return Err(SenderError::NoLetter);
        }
        Ok(SenderId(out.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stable key; see the module docs.
    pub fn key(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(self.0.as_bytes())
    }
}

impl fmt::Display for SenderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SenderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SenderId({})", self.0)
    }
}

impl FromStr for SenderId {
    type Err = SenderError;
    fn from_str(s: &str) -> Result<SenderId, SenderError> {
        SenderId::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_ids_fold_case_and_spacing() {
        let a = SenderId::parse("  RoyalMail ").unwrap();
        assert_eq!(a.as_str(), "royalmail");
        assert_eq!(a, SenderId::parse("ROYALMAIL").unwrap());
        assert_eq!(a.key(), SenderId::parse("royalmail").unwrap().key());
        assert_eq!(
            SenderId::parse("Royal \t Mail").unwrap().as_str(),
            "royal mail"
        );
        assert_eq!(SenderId::parse("ICBC").unwrap().as_str(), "icbc");
        assert_eq!(SenderId::parse("工商银行").unwrap().as_str(), "工商银行");
        assert_eq!(SenderId::parse("M&S").unwrap().as_str(), "m&s");
    }

    #[test]
    fn garbage_is_refused_with_a_code() {
        let code = |raw: &str| SenderId::parse(raw).map(|_| ()).map_err(|e| e.code());
        assert_eq!(code(""), Err("sender_empty"));
        assert_eq!(code("   "), Err("sender_empty"));
        assert_eq!(code("--"), Err("sender_empty"));
        assert_eq!(code("+86 138 0013 800"), Err("sender_no_letter"));
        assert_eq!(code("a".repeat(21).as_str()), Err("sender_too_long"));
        assert_eq!(code("a".repeat(20).as_str()), Ok(()));
        assert_eq!(code("<script>"), Err("sender_invalid_characters"));
        assert_eq!(code("bank\u{0}"), Err("sender_invalid_characters"));
        assert_eq!(code("pay/now"), Err("sender_invalid_characters"));
        assert_eq!(code(&"x".repeat(100_000)), Err("sender_too_long"));
    }
}
