//! Bank cards and accounts: the digits money is sent to.
//!
//! An account is 8 to 30 digits once spaces and dashes are gone. One of 13 to 19 digits that
//! passes the Luhn check is taken as a card ([`AccountKind::Card`]); Chinese passbook and
//! corporate accounts carry no check digit, so anything else in range is a plain account.
//!
//! # Key
//!
//! [`Account::key`] is stable. Up to 19 digits it is a bijective numbering of digit strings:
//! `(10^len - 1) / 9 + value`, i.e. the count of all shorter strings plus the digits read as an
//! integer, so leading zeros survive and [`Account::from_key`] inverts it. Those keys are below
//! `DIRECT_END = 11_111_111_111_111_111_111`. Longer accounts hash instead:
//! `DIRECT_END + xxh3_64(digits) % (2^64 - DIRECT_END)`, disjoint from the direct keys.

use std::fmt;
use std::str::FromStr;

use crate::ErrorCode;

/// Why an account number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("account number is empty")]
    Empty,
    #[error("account number contains invalid character {0:?}")]
    InvalidCharacter(char),
    #[error("account number is too short (at least 8 digits)")]
    TooShort,
    #[error("account number is too long (at most 30 digits)")]
    TooLong,
    #[error("card number must have 13 to 19 digits")]
    CardLength,
    #[error("card number fails the luhn check")]
    LuhnFailed,
}

impl ErrorCode for AccountError {
    fn code(&self) -> &'static str {
        match self {
            AccountError::Empty => "account_empty",
            AccountError::InvalidCharacter(_) => "account_invalid_characters",
            AccountError::TooShort => "account_too_short",
            AccountError::TooLong => "account_too_long",
            AccountError::CardLength => "card_invalid_length",
            AccountError::LuhnFailed => "card_luhn_failed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// 13 to 19 digits with a valid Luhn check digit.
    Card,
    /// Any other account number.
    Account,
}

/// Issuing banks of the BIN table, named by their usual English abbreviations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bank {
    /// Industrial and Commercial Bank of China
    Icbc,
    /// China Construction Bank
    Ccb,
    /// Agricultural Bank of China
    Abc,
    /// Bank of China
    Boc,
    /// China Merchants Bank
    Cmb,
    /// Bank of Communications
    Bocom,
    /// Postal Savings Bank of China
    Psbc,
    /// China CITIC Bank
    Citic,
    /// China Everbright Bank
    Ceb,
    /// China Minsheng Bank
    Cmbc,
    /// Industrial Bank
    Cib,
    /// Shanghai Pudong Development Bank
    Spdb,
    /// Ping An Bank
    Pab,
    /// Hua Xia Bank
    Hxb,
    /// China Guangfa Bank
    Cgb,
}

impl Bank {
    pub const ALL: [Bank; 15] = [
        Bank::Icbc,
        Bank::Ccb,
        Bank::Abc,
        Bank::Boc,
        Bank::Cmb,
        Bank::Bocom,
        Bank::Psbc,
        Bank::Citic,
        Bank::Ceb,
        Bank::Cmbc,
        Bank::Cib,
        Bank::Spdb,
        Bank::Pab,
        Bank::Hxb,
        Bank::Cgb,
    ];

    /// The bank an abbreviation names (`ICBC`, `icbc`), if the table knows it.
    pub fn from_code(code: &str) -> Option<Bank> {
        Bank::ALL
            .into_iter()
            .find(|bank| bank.code().eq_ignore_ascii_case(code.trim()))
    }

    pub fn code(self) -> &'static str {
        match self {
            Bank::Icbc => "ICBC",
            Bank::Ccb => "CCB",
            Bank::Abc => "ABC",
            Bank::Boc => "BOC",
            Bank::Cmb => "CMB",
            Bank::Bocom => "BOCOM",
            Bank::Psbc => "PSBC",
            Bank::Citic => "CITIC",
            Bank::Ceb => "CEB",
            Bank::Cmbc => "CMBC",
            Bank::Cib => "CIB",
            Bank::Spdb => "SPDB",
            Bank::Pab => "PAB",
            Bank::Hxb => "HXB",
            Bank::Cgb => "CGB",
        }
    }
}

impl fmt::Display for Bank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Six-digit issuer prefixes (BINs) of common debit and credit cards of the large Chinese banks,
/// from public BIN listings. Deliberately small: a bank issues hundreds of BINs, and a miss
/// only means "unknown". Sorted by prefix for binary search.
#[rustfmt::skip]
static BINS: &[(u32, Bank)] = &[
    (405512, Bank::Bocom), (409666, Bank::Boc), (410062, Bank::Cmb), (415599, Bank::Cmbc),
    (421393, Bank::Cmbc), (433670, Bank::Citic), (433680, Bank::Citic), (436742, Bank::Ccb),
    (436745, Bank::Ccb), (438588, Bank::Cib), (439225, Bank::Cmb), (442729, Bank::Citic),
    (451289, Bank::Cib), (456351, Bank::Boc), (468203, Bank::Cmb), (512425, Bank::Cmb),
    (524011, Bank::Cmb), (553242, Bank::Ccb), (601382, Bank::Boc), (601428, Bank::Bocom),
    (620062, Bank::Psbc), (620200, Bank::Icbc), (621095, Bank::Psbc), (621098, Bank::Psbc),
    (621225, Bank::Icbc), (621226, Bank::Icbc), (621282, Bank::Abc), (621284, Bank::Ccb),
    (621462, Bank::Cgb), (621483, Bank::Cmb), (621485, Bank::Cmb), (621486, Bank::Cmb),
    (621558, Bank::Icbc), (621559, Bank::Icbc), (621626, Bank::Pab), (621661, Bank::Boc),
    (621663, Bank::Boc), (621700, Bank::Ccb), (621785, Bank::Boc), (621786, Bank::Boc),
    (621787, Bank::Boc), (621788, Bank::Boc), (621790, Bank::Boc), (621792, Bank::Spdb),
    (621799, Bank::Psbc), (622150, Bank::Psbc), (622151, Bank::Psbc), (622155, Bank::Pab),
    (622156, Bank::Pab), (622157, Bank::Pab), (622188, Bank::Psbc), (622202, Bank::Icbc),
    (622203, Bank::Icbc), (622208, Bank::Icbc), (622230, Bank::Icbc), (622235, Bank::Icbc),
    (622258, Bank::Bocom), (622259, Bank::Bocom), (622260, Bank::Bocom), (622262, Bank::Bocom),
    (622280, Bank::Ccb), (622521, Bank::Spdb), (622522, Bank::Spdb), (622523, Bank::Spdb),
    (622568, Bank::Cgb), (622580, Bank::Cmb), (622588, Bank::Cmb), (622615, Bank::Cmbc),
    (622617, Bank::Cmbc), (622618, Bank::Cmbc), (622622, Bank::Cmbc), (622630, Bank::Hxb),
    (622631, Bank::Hxb), (622632, Bank::Hxb), (622633, Bank::Hxb), (622660, Bank::Ceb),
    (622661, Bank::Ceb), (622662, Bank::Ceb), (622663, Bank::Ceb), (622664, Bank::Ceb),
    (622665, Bank::Ceb), (622666, Bank::Ceb), (622690, Bank::Citic), (622691, Bank::Citic),
    (622692, Bank::Citic), (622696, Bank::Citic), (622698, Bank::Citic), (622700, Bank::Ccb),
    (622760, Bank::Boc), (622821, Bank::Abc), (622841, Bank::Abc), (622844, Bank::Abc),
    (622845, Bank::Abc), (622846, Bank::Abc), (622848, Bank::Abc), (622908, Bank::Cib),
    (622909, Bank::Cib), (622986, Bank::Pab), (623668, Bank::Ccb), (955590, Bank::Bocom),
    (955591, Bank::Bocom), (955592, Bank::Bocom), (955880, Bank::Icbc), (955881, Bank::Icbc),
    (955882, Bank::Icbc), (955888, Bank::Icbc),
];

const MIN_LEN: usize = 8;
const MAX_LEN: usize = 30;
const DIRECT_END: u64 = OFFSETS[20];

/// A normalized account or card number: ASCII digits only.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Account {
    digits: [u8; MAX_LEN],
    len: u8,
}

impl Account {
    /// Parses any account number: 8 to 30 digits, after removing whitespace and dashes
    /// (full-width forms too) and folding full-width digits.
    pub fn parse(input: &str) -> Result<Account, AccountError> {
        let mut digits = [0u8; MAX_LEN];
        let mut len = 0usize;
        let mut too_long = false;
        for c in input.chars() {
            let d = match c {
                '0'..='9' => c as u32 - '0' as u32,
                '\u{ff10}'..='\u{ff19}' => c as u32 - 0xff10,
                c if c.is_whitespace()
                    || matches!(c, '-' | '\u{ff0d}' | '\u{2010}'..='\u{2015}') =>
                {
                    continue;
                }
                c => return Err(AccountError::InvalidCharacter(c)),
            };
            if len == MAX_LEN {
                too_long = true;
                continue;
            }
            digits[len] = b'0' + d as u8;
            len += 1;
        }
        if too_long {
            Err(AccountError::TooLong)
        } else if len == 0 {
            Err(AccountError::Empty)
        } else if len < MIN_LEN {
            Err(AccountError::TooShort)
        } else {
            Ok(Account {
                digits,
                len: len as u8,
            })
        }
    }

    /// Parses a card number: 13 to 19 digits with a valid Luhn check digit.
    pub fn parse_card(input: &str) -> Result<Account, AccountError> {
        let account = match Account::parse(input) {
            Ok(a) => a,
            Err(AccountError::TooShort | AccountError::TooLong) => {
                return Err(AccountError::CardLength);
            }
            Err(e) => return Err(e),
        };
        if !(13..=19).contains(&account.digits().len()) {
            Err(AccountError::CardLength)
        } else if !luhn_valid(account.digits()) {
            Err(AccountError::LuhnFailed)
        } else {
            Ok(account)
        }
    }

    fn digits(&self) -> &[u8] {
        &self.digits[..usize::from(self.len)]
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.digits()).unwrap_or_default()
    }

    pub fn kind(&self) -> AccountKind {
        if (13..=19).contains(&self.digits().len()) && luhn_valid(self.digits()) {
            AccountKind::Card
        } else {
            AccountKind::Account
        }
    }

    /// The issuing bank, when the account is a card whose BIN is in the table.
    pub fn bank(&self) -> Option<Bank> {
        if self.kind() != AccountKind::Card {
            return None;
        }
        let bin = self.digits()[..6]
            .iter()
            .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
        BINS.binary_search_by_key(&bin, |&(b, _)| b)
            .ok()
            .map(|i| BINS[i].1)
    }

    /// The stable key; see the module docs.
    pub fn key(&self) -> u64 {
        let digits = self.digits();
        if digits.len() <= 19 {
            let offset = OFFSETS[digits.len()];
            let value = digits
                .iter()
                .fold(0u64, |acc, &b| acc * 10 + u64::from(b - b'0'));
            offset + value
        } else {
            DIRECT_END + xxhash_rust::xxh3::xxh3_64(digits) % (u64::MAX - DIRECT_END + 1)
        }
    }

    /// The account for a direct key (up to 19 digits); hashed keys cannot be inverted.
    pub fn from_key(key: u64) -> Option<Account> {
        if key >= DIRECT_END {
            return None;
        }
        let len = (MIN_LEN..=19).find(|&len| key < OFFSETS[len + 1])?;
        let mut value = key.checked_sub(OFFSETS[len])?;
        let mut digits = [0u8; MAX_LEN];
        for slot in digits[..len].iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
        Some(Account {
            digits,
            len: len as u8,
        })
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Account({})", self.as_str())
    }
}

impl FromStr for Account {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Account, AccountError> {
        Account::parse(s)
    }
}

/// `OFFSETS[len]` counts the digit strings shorter than `len`: (10^len - 1) / 9.
const OFFSETS: [u64; 21] = {
    let mut out = [0u64; 21];
    let mut i = 1;
    while i < 21 {
        out[i] = out[i - 1] * 10 + 1;
        i += 1;
    }
    out
};

/// The Luhn (mod 10) check over ASCII digits, check digit last.
pub fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// `digits` completed with the Luhn check digit that makes them a valid card number: what a
/// bank appends to a card's body. None for anything but ASCII digits.
pub fn with_check_digit(digits: &str) -> Option<String> {
    (0..=9)
        .map(|d| format!("{digits}{d}"))
        .find(|card| luhn_valid(card.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_digits() {
        let a = Account::parse(" 6222 0212-3456 7890 123 ").unwrap();
        assert_eq!(a.as_str(), "6222021234567890123");
        assert_eq!(
            Account::parse("６２２２０２１２３４").unwrap().as_str(),
            "6222021234"
        );
        assert_eq!(
            Account::parse("00012345678").unwrap().as_str(),
            "00012345678"
        );
    }

    #[test]
    fn errors_have_codes() {
        let code = |s: &str| Account::parse(s).unwrap_err().code();
        assert_eq!(code(""), "account_empty");
        assert_eq!(code(" - "), "account_empty");
        assert_eq!(code("1234567"), "account_too_short");
        assert_eq!(code(&"1".repeat(31)), "account_too_long");
        assert_eq!(code("6222x0212"), "account_invalid_characters");
        let card = |s: &str| Account::parse_card(s).unwrap_err().code();
        assert_eq!(card("4111111111111112"), "card_luhn_failed");
        assert_eq!(card("411111111111"), "card_invalid_length");
        assert_eq!(card("12345"), "card_invalid_length");
        assert_eq!(card(&"4".repeat(40)), "card_invalid_length");
    }

    #[test]
    fn luhn() {
        // Published test numbers of the card schemes.
        for valid in [
            "4111111111111111",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
        ] {
            assert!(luhn_valid(valid.as_bytes()), "{valid}");
            let body = &valid[..valid.len() - 1];
            assert_eq!(with_check_digit(body).as_deref(), Some(valid));
            assert_eq!(
                Account::parse_card(valid).unwrap().kind(),
                AccountKind::Card
            );
        }
        assert!(!luhn_valid(b"4111111111111112"));
        assert!(!luhn_valid(b""));
        assert!(!luhn_valid(b"41x1"));
        assert_eq!(
            Account::parse("4111111111111112").unwrap().kind(),
            AccountKind::Account
        );
        assert_eq!(
            Account::parse("12345678").unwrap().kind(),
            AccountKind::Account
        );
    }

    #[test]
    fn bins() {
        assert!(BINS.windows(2).all(|w| w[0].0 < w[1].0));
        let card = with_check_digit("622848123456789012").unwrap();
        assert_eq!(Account::parse(&card).unwrap().bank(), Some(Bank::Abc));
        let card = with_check_digit("622202123456789").unwrap();
        assert_eq!(
            Account::parse(&card).unwrap().bank().map(Bank::code),
            Some("ICBC")
        );
        assert_eq!(Account::parse("4111111111111111").unwrap().bank(), None);
        // Not a card (fails Luhn), so no bank even with a known prefix.
        let mut broken = with_check_digit("622848123456789012").unwrap().into_bytes();
        broken[18] = b'0' + (broken[18] - b'0' + 1) % 10;
        let broken = String::from_utf8(broken).unwrap();
        assert_eq!(Account::parse(&broken).unwrap().bank(), None);
    }

    #[test]
    fn keys() {
        let a = Account::parse("12345678").unwrap();
        assert_eq!(a.key(), 11_111_111 + 12_345_678);
        assert_eq!(Account::from_key(a.key()), Some(a));
        let zeros = Account::parse("0000000000").unwrap();
        assert_ne!(zeros.key(), Account::parse("00000000").unwrap().key());
        assert_eq!(Account::from_key(zeros.key()), Some(zeros));
        let max19 = Account::parse(&"9".repeat(19)).unwrap();
        assert_eq!(max19.key(), DIRECT_END - 1);
        assert_eq!(Account::from_key(max19.key()), Some(max19));
        let long = Account::parse(&"1".repeat(25)).unwrap();
        assert!(long.key() >= DIRECT_END);
        assert_eq!(Account::from_key(long.key()), None);
        assert_eq!(Account::from_key(0), None);
        assert_eq!(Account::from_key(11_111_110), None);
    }
}
