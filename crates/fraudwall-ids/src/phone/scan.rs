//! Reduces raw phone-number text to an optional `+` and ASCII digits.

use super::PhoneError;

/// More digits than any dialable form needs (an IDD, a carrier prefix and 15 digits of E.164);
/// longer input is rejected before it reaches the parser.
pub(super) const MAX_DIGITS: usize = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Scanned {
    pub plus: bool,
    buf: [u8; MAX_DIGITS],
    len: u8,
}

impl Scanned {
    pub fn digits(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }
}

/// Characters people and systems put between digits. Full-width forms come from Chinese input
/// methods; the invisible ones from copy and paste and from files written on Windows.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.'
                | '('
                | ')'
                | '/'
                | '\u{2010}'..='\u{2015}'
                | '\u{2212}'
                | '\u{200b}'..='\u{200d}'
                | '\u{2060}'
                | '\u{feff}'
                | '\u{ff08}'
                | '\u{ff09}'
                | '\u{ff0d}'
                | '\u{ff0e}'
                | '\u{ff0f}'
        )
}

pub(super) fn scan(input: &str) -> Result<Scanned, PhoneError> {
    let mut out = Scanned {
        plus: false,
        buf: [0; MAX_DIGITS],
        len: 0,
    };
    let mut too_long = false;
    for c in input.chars() {
        let digit = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{ff10}'..='\u{ff19}' => c as u32 - 0xff10,
            '+' | '\u{ff0b}' if !out.plus && out.len == 0 => {
                out.plus = true;
                continue;
            }
            c if is_separator(c) => continue,
            c => return Err(PhoneError::InvalidCharacter(c)),
        };
        if usize::from(out.len) == MAX_DIGITS {
            // Keep scanning: a stray letter later on is the more useful error.
            too_long = true;
            continue;
        }
        out.buf[usize::from(out.len)] = b'0' + digit as u8;
        out.len += 1;
    }
    if too_long {
        Err(PhoneError::TooLong)
    } else if out.len == 0 {
        Err(if out.plus {
            PhoneError::TooShort
        } else {
            PhoneError::Empty
        })
    } else {
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(input: &str) -> (bool, String) {
        let s = scan(input).unwrap();
        (s.plus, String::from_utf8(s.digits().to_vec()).unwrap())
    }

    #[test]
    fn strips_separators_and_folds_full_width() {
        assert_eq!(digits("+86 138-0013.8000"), (true, "8613800138000".into()));
        assert_eq!(digits("(010) 6552/3322"), (false, "01065523322".into()));
        assert_eq!(
            digits("＋８６　１３８（００１３）８０００"),
            (true, "8613800138000".into())
        );
        assert_eq!(
            digits("\u{feff}138\u{2013}0013\u{a0}8000\r"),
            (false, "13800138000".into())
        );
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        assert_eq!(scan(""), Err(PhoneError::Empty));
        assert_eq!(scan(" - "), Err(PhoneError::Empty));
        assert_eq!(scan("+"), Err(PhoneError::TooShort));
        assert_eq!(scan("abc"), Err(PhoneError::InvalidCharacter('a')));
        assert_eq!(scan("138+00"), Err(PhoneError::InvalidCharacter('+')));
        assert_eq!(scan("++86"), Err(PhoneError::InvalidCharacter('+')));
        assert_eq!(scan("1380013800x"), Err(PhoneError::InvalidCharacter('x')));
        assert_eq!(scan(&"1".repeat(25)), Err(PhoneError::TooLong));
        assert_eq!(
            scan(&"1".repeat(MAX_DIGITS)).unwrap().digits().len(),
            MAX_DIGITS
        );
        let long_then_letter = format!("{}z", "1".repeat(40));
        assert_eq!(
            scan(&long_then_letter),
            Err(PhoneError::InvalidCharacter('z'))
        );
    }
}
