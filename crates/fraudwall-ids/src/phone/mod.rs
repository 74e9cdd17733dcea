//! Phone numbers: normalization to E.164, service numbers, and compact keys.
//!
//! # Validity
//!
//! A number is valid when libphonenumber's metadata (9.0.33, as shipped in the `phonenumber`
//! crate) says so: its national number matches the general description and one number type of a
//! region of its calling code, with that type's possible lengths. The patterns are compiled ahead
//! of time into a digit automaton (`tables.rs`, made by `gen_tables.py`), so every path, the E.164
//! fast path included, applies the same full check at a few nanoseconds per digit: a CN mobile of
//! the wrong length, or an unassigned prefix, never passes. The `phonenumber` parser is only
//! used to take messy national input apart (trunk prefixes, carrier codes, dialling prefixes);
//! its result is then checked against the automaton like any other number. One consequence is
//! that [`PhoneNormalizer::normalize`] is idempotent: its output normalizes to itself.
//!
//! # Service numbers
//!
//! Short numbers (emergency, public service and carrier hotlines such as 110, 12110, 96110,
//! 95588, 10086) are dialled as they are within a region and have no E.164 form, so they are
//! their own kind, [`ServiceNumber`], tied to a region. They are recognized from the short-number
//! metadata of libphonenumber (the `shortCode` description, as `isValidShortNumber`), plus the
//! CN 123xx government hotline block (12306, 12315, 12345, 12381, ...) which the metadata lacks,
//! and CN SMS service ports (`106` followed by digits, 8 to 15 digits in all) which commercial
//! and fraudulent bulk SMS are sent from.
//!
//! # Keys
//!
//! [`PhoneNumber::key`] is stable; stored data depends on it:
//! - an E.164 number's key is its digits after `+` read as an integer (at most 15 digits, so
//!   below 10^15 < 2^50); E.164 digits never start with 0, so the integer is unambiguous;
//! - a service number's key has bit 63 set, the region in bits 53..63 as
//!   `(first letter - 'A') * 26 + (second letter - 'A')`, and in bits 0..53 its digits with a
//!   leading 1 prepended, read as an integer (so leading zeros survive; 15 digits at most).

mod meta;
mod scan;
#[rustfmt::skip]
mod tables;

use std::fmt;
use std::str::FromStr;

use crate::ErrorCode;
use meta::RegionInfo;

/// Why a phone number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is empty")]
    Empty,
    #[error("phone number contains invalid character {0:?}")]
    InvalidCharacter(char),
    #[error("phone number is too short")]
    TooShort,
    #[error("phone number is too long")]
    TooLong,
    #[error("unknown country calling code")]
    InvalidCountryCode,
    #[error("not a valid phone number")]
    InvalidNumber,
    #[error("not in strict E.164 form (+ and digits only)")]
    NotE164,
    #[error("unknown region {0:?}")]
    UnknownRegion(String),
}

impl ErrorCode for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone_empty",
            PhoneError::InvalidCharacter(_) => "phone_invalid_characters",
            PhoneError::TooShort => "phone_too_short",
            PhoneError::TooLong => "phone_too_long",
            PhoneError::InvalidCountryCode => "phone_invalid_country_code",
            PhoneError::InvalidNumber => "phone_invalid_number",
            PhoneError::NotE164 => "phone_not_e164",
            PhoneError::UnknownRegion(_) => "phone_unknown_region",
        }
    }
}

/// A region (ISO 3166-1 alpha-2 code, e.g. `CN`) known to the phone-number metadata.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(u8);

impl Region {
    /// Mainland China, the default region.
    pub const CN: Region = Region::from_id(*b"CN");

    const fn from_id(id: [u8; 2]) -> Region {
        let mut i = 0;
        while i < tables::REGIONS.len() {
            let r = &tables::REGIONS[i];
            if r.id[0] == id[0] && r.id[1] == id[1] {
                return Region(i as u8);
            }
            i += 1;
        }
        panic!("region missing from the metadata tables");
    }

    /// Parses a region code, case-insensitively.
    pub fn parse(input: &str) -> Result<Region, PhoneError> {
        let unknown = || PhoneError::UnknownRegion(input.chars().take(8).collect());
        let &[a, b] = input.trim().as_bytes() else {
            return Err(unknown());
        };
        let id = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
        tables::REGIONS
            .binary_search_by_key(&id, |r| r.id)
            .map(|i| Region(i as u8))
            .map_err(|_| unknown())
    }

    pub fn as_str(self) -> &'static str {
        std::str::from_utf8(&self.info().id).unwrap_or("??")
    }

    /// The region's country calling code (86 for CN).
    pub fn calling_code(self) -> u16 {
        self.info().code
    }

    fn info(self) -> &'static RegionInfo {
        // The index comes from a search of the same table, so it is in bounds.
        &tables::REGIONS[usize::from(self.0) % tables::REGIONS.len()]
    }

    fn key_index(self) -> u64 {
        let [a, b] = self.info().id;
        u64::from(a - b'A') * 26 + u64::from(b - b'A')
    }

    fn from_key_index(index: u64) -> Option<Region> {
        if index >= 26 * 26 {
            return None;
        }
        let id = [b'A' + (index / 26) as u8, b'A' + (index % 26) as u8];
        std::str::from_utf8(&id)
            .ok()
            .and_then(|s| Region::parse(s).ok())
    }
}

impl Default for Region {
    fn default() -> Region {
        Region::CN
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Region, PhoneError> {
        Region::parse(s)
    }
}

/// A valid number in E.164 form, stored as its digits after `+`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct E164(u64);

impl E164 {
    /// Parses a number already in strict E.164 form: `+` then digits, nothing else. This is the
    /// fast path; use [`PhoneNormalizer`] for anything people type.
    pub fn parse(input: &str) -> Result<E164, PhoneError> {
        let bytes = input.as_bytes();
        let Some((b'+', digits)) = bytes.split_first() else {
            return Err(PhoneError::NotE164);
        };
        if digits.len() > 15 {
            return Err(if digits.iter().all(u8::is_ascii_digit) {
                PhoneError::TooLong
            } else {
                PhoneError::NotE164
            });
        }
        let value = parse_digits(digits).ok_or(PhoneError::NotE164)?;
        check_international(digits, value).map_err(|()| classify_international(digits))
    }

    /// The number for a key from [`E164::key`], if the key denotes a valid number.
    pub fn from_key(key: u64) -> Option<E164> {
        if key >= MAX_E164_KEY {
            return None;
        }
        let mut buf = [0u8; 20];
        from_international(write_u64(key, &mut buf)).ok()
    }

    /// The digits after `+` as an integer; see the module docs. Stable.
    pub const fn key(self) -> u64 {
        self.0
    }

    /// The country calling code, e.g. 86.
    pub fn calling_code(self) -> u16 {
        let mut buf = [0u8; 20];
        meta::calling_code(write_u64(self.0, &mut buf)).map_or(0, |(code, _)| code.code)
    }

    /// The number of digits after `+`.
    pub fn digit_count(self) -> usize {
        digit_count(self.0)
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", self.0)
    }
}

impl fmt::Debug for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E164(+{})", self.0)
    }
}

impl FromStr for E164 {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<E164, PhoneError> {
        E164::parse(s)
    }
}

impl serde::Serialize for E164 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for E164 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<E164, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        E164::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A short number dialled as is within its region: emergency, public service, carrier and bank
/// hotlines, SMS ports. It has no E.164 form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceNumber {
    region: Region,
    /// The digits with a 1 prepended, so leading zeros survive.
    packed: u64,
}

impl ServiceNumber {
    pub fn region(self) -> Region {
        self.region
    }

    pub fn digits(self) -> String {
        self.to_string()
    }

    /// See the module docs. Stable.
    pub fn key(self) -> u64 {
        SERVICE_BIT | (self.region.key_index() << 53) | self.packed
    }

    /// The service number for a key from [`ServiceNumber::key`], if it is one.
    pub fn from_key(key: u64) -> Option<ServiceNumber> {
        if key & SERVICE_BIT == 0 {
            return None;
        }
        let region = Region::from_key_index((key & !SERVICE_BIT) >> 53)?;
        let packed = key & ((1 << 53) - 1);
        let mut buf = [0u8; 20];
        let digits = write_u64(packed, &mut buf).strip_prefix(b"1")?;
        service(region, digits)
    }
}

impl fmt::Display for ServiceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 20];
        let digits = write_u64(self.packed, &mut buf);
        f.write_str(std::str::from_utf8(&digits[1..]).unwrap_or_default())
    }
}

impl fmt::Debug for ServiceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceNumber({}, {})", self.region, self)
    }
}

/// A normalized phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PhoneNumber {
    E164(E164),
    Service(ServiceNumber),
}

impl PhoneNumber {
    /// The compact key; see the module docs. Stable.
    pub fn key(&self) -> u64 {
        match self {
            PhoneNumber::E164(n) => n.key(),
            PhoneNumber::Service(s) => s.key(),
        }
    }

    /// The number for a key from [`PhoneNumber::key`], if the key denotes a valid number.
    pub fn from_key(key: u64) -> Option<PhoneNumber> {
        if key & SERVICE_BIT == 0 {
            E164::from_key(key).map(PhoneNumber::E164)
        } else {
            ServiceNumber::from_key(key).map(PhoneNumber::Service)
        }
    }

    pub fn e164(&self) -> Option<E164> {
        match self {
            PhoneNumber::E164(n) => Some(*n),
            PhoneNumber::Service(_) => None,
        }
    }

    pub fn service(&self) -> Option<ServiceNumber> {
        match self {
            PhoneNumber::E164(_) => None,
            PhoneNumber::Service(s) => Some(*s),
        }
    }
}

/// E.164 numbers print as `+8613800138000`, service numbers as their digits (`96110`); the
/// region of a service number is not part of its text.
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhoneNumber::E164(n) => n.fmt(f),
            PhoneNumber::Service(s) => s.fmt(f),
        }
    }
}

/// Normalizes raw phone-number text, reading national forms in a default region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhoneNormalizer {
    region: Region,
}

/// Normalizes with CN as the default region; see [`PhoneNormalizer::normalize`].
pub fn normalize(input: &str) -> Result<PhoneNumber, PhoneError> {
    PhoneNormalizer::default().normalize(input)
}

impl PhoneNormalizer {
    pub fn new(region: Region) -> PhoneNormalizer {
        PhoneNormalizer { region }
    }

    pub fn region(&self) -> Region {
        self.region
    }

    /// Normalizes `input` to an E.164 or a service number.
    ///
    /// Accepted: separators (spaces, dashes, dots, slashes, parentheses, their full-width forms),
    /// full-width digits, a leading `+`, the region's international prefix (`00` in CN), the
    /// national forms of the default region (trunk prefix `0`, carrier prefixes such as CN's
    /// 17951), and digits that start with the default region's calling code when they are not a
    /// valid national number (`86 13800138000`). Tried in this order, for digits without `+`: a
    /// short number of the region, a national number, the international prefix, the full
    /// parser, the region's calling code, a CN SMS port.
    ///
    /// Service numbers print without their region, so `normalize(n.to_string()) == n` holds for
    /// a service number when the normalizer's region is the number's region.
    pub fn normalize(&self, input: &str) -> Result<PhoneNumber, PhoneError> {
        if let Some(digits) = input.as_bytes().strip_prefix(b"+")
            && digits.len() <= 15
            && let Some(value) = parse_digits(digits)
            && let Ok(number) = check_international(digits, value)
        {
            return Ok(PhoneNumber::E164(number));
        }
        let scanned = scan::scan(input)?;
        let digits = scanned.digits();
        let region = self.region.info();
        if scanned.plus {
            return self
                .international(digits)
                .ok_or_else(|| classify_international(digits));
        }
        if meta::is_short(region, digits) {
            return service(self.region, digits)
                .map(PhoneNumber::Service)
                .ok_or(PhoneError::InvalidNumber);
        }
        if let Some(cc) = meta::calling_code_info(region.code)
            && meta::accepts(cc.root, digits)
            && let Ok(number) = join(cc.code, digits)
        {
            return Ok(PhoneNumber::E164(number));
        }
        if !region.idd.is_empty()
            && let Some(rest) = digits.strip_prefix(region.idd.as_bytes())
            && let Some(number) = self.international(rest)
        {
            return Ok(number);
        }
        if let Some(number) = self.library(digits) {
            return Ok(PhoneNumber::E164(number));
        }
        // Only the default region's own code: eleven digits starting with 1 are far more
        // likely an unassigned CN mobile than a NANPA number missing its `+`.
        if let Some((cc, len)) = meta::calling_code(digits)
            && cc.code == region.code
        {
            if let Ok(number) = from_international(digits) {
                return Ok(PhoneNumber::E164(number));
            }
            if let Some(number) = service(self.region, &digits[len..]) {
                return Ok(PhoneNumber::Service(number));
            }
        }
        if is_sms_port(self.region, digits) {
            return service(self.region, digits)
                .map(PhoneNumber::Service)
                .ok_or(PhoneError::InvalidNumber);
        }
        Err(self.classify_national(digits))
    }

    /// Digits that followed `+` or an international prefix.
    fn international(&self, digits: &[u8]) -> Option<PhoneNumber> {
        if let Ok(number) = from_international(digits) {
            return Some(PhoneNumber::E164(number));
        }
        let (cc, len) = meta::calling_code(digits)?;
        // A shared code (+1, +7) names the default region's short numbers when it is the
        // default region's own code, else those of its main region.
        let region = if cc.code == self.region.calling_code() {
            self.region
        } else {
            Region::parse(std::str::from_utf8(&cc.main_region).ok()?).ok()?
        };
        if let Some(number) = service(region, &digits[len..]) {
            return Some(PhoneNumber::Service(number));
        }
        // `+44 (0)20 ...` and similar: the parser strips a trunk prefix after the code.
        let mut text = [0u8; scan::MAX_DIGITS + 1];
        text[0] = b'+';
        text[1..=digits.len()].copy_from_slice(digits);
        self.library(&text[..=digits.len()]).map(PhoneNumber::E164)
    }

    /// Parses with the `phonenumber` crate, then validates the result like any other number.
    /// `text` is ASCII digits with an optional leading `+`, at most 25 bytes.
    fn library(&self, text: &[u8]) -> Option<E164> {
        let text = std::str::from_utf8(text).ok()?;
        let id: phonenumber::country::Id = self.region.as_str().parse().ok()?;
        let parsed = phonenumber::parse(Some(id), text).ok()?;
        let national = parsed.national();
        let mut buf = [0u8; 40];
        let mut len = 0;
        for _ in 0..national.zeros() {
            *buf.get_mut(len)? = b'0';
            len += 1;
        }
        let mut tmp = [0u8; 20];
        for &b in write_u64(national.value(), &mut tmp) {
            *buf.get_mut(len)? = b;
            len += 1;
        }
        let cc = meta::calling_code_info(parsed.code().value())?;
        if !meta::accepts(cc.root, &buf[..len]) {
            return None;
        }
        join(cc.code, &buf[..len]).ok()
    }

    fn classify_national(&self, digits: &[u8]) -> PhoneError {
        let region = self.region.info();
        if !region.idd.is_empty()
            && let Some(rest) = digits.strip_prefix(region.idd.as_bytes())
            && !rest.is_empty()
        {
            return classify_international(rest);
        }
        let Some(cc) = meta::calling_code_info(region.code) else {
            return PhoneError::InvalidNumber;
        };
        if digits.len() < usize::from(cc.min_len) {
            PhoneError::TooShort
        } else if digits.len() > usize::from(cc.max_len).max(15) {
            PhoneError::TooLong
        } else {
            PhoneError::InvalidNumber
        }
    }
}

/// Whether some valid E.164 number starts with `digits` (after `+`), which must hold at least
/// one digit after the calling code.
pub(crate) fn viable_prefix(digits: &[u8]) -> Result<(), PhoneError> {
    let (cc, len) = meta::calling_code(digits).ok_or(PhoneError::InvalidCountryCode)?;
    if digits.len() == len {
        Err(PhoneError::TooShort)
    } else if meta::viable_prefix(cc.root, &digits[len..]) {
        Ok(())
    } else {
        Err(PhoneError::InvalidNumber)
    }
}

const SERVICE_BIT: u64 = 1 << 63;
const MAX_E164_KEY: u64 = 1_000_000_000_000_000;

/// The E.164 number for `digits` (ASCII) after `+`, if valid.
fn from_international(digits: &[u8]) -> Result<E164, ()> {
    if digits.len() > 15 {
        return Err(());
    }
    check_international(digits, parse_digits(digits).ok_or(())?)
}

/// The E.164 number for `digits` (at most 15 ASCII digits) after `+`, whose value is `value`.
#[inline]
fn check_international(digits: &[u8], value: u64) -> Result<E164, ()> {
    let (cc, len) = meta::calling_code(digits).ok_or(())?;
    if !meta::accepts(cc.root, &digits[len..]) {
        return Err(());
    }
    Ok(E164(value))
}

/// The value of 1 to 16 ASCII digits, `None` if a byte is not a digit. It works eight bytes at
/// a time (the SWAR method of simdjson): digit by digit, the chain of dependent multiply-adds
/// was the largest cost of the E.164 fast path.
#[inline]
fn parse_digits(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let (high, low) = digits.split_at(digits.len().saturating_sub(8));
    let low = parse_eight(low)?;
    if high.is_empty() {
        Some(low)
    } else {
        Some(parse_eight(high)? * 100_000_000 + low)
    }
}

/// 1 to 8 ASCII digits, left-padded with '0' to eight bytes.
#[inline]
fn parse_eight(chunk: &[u8]) -> Option<u64> {
    let mut buf = [b'0'; 8];
    buf[8 - chunk.len()..].copy_from_slice(chunk);
    let v = u64::from_le_bytes(buf);
    // Every byte is 0x30..=0x39: high nibble 3, and adding 6 does not carry into it.
    let high_nibbles = v & 0xf0f0_f0f0_f0f0_f0f0;
    let carried = v.wrapping_add(0x0606_0606_0606_0606) & 0xf0f0_f0f0_f0f0_f0f0;
    if high_nibbles | (carried >> 4) != 0x3333_3333_3333_3333 {
        return None;
    }
    // Pairs, then quads, then the whole: each step multiplies the earlier (lower-addressed,
    // more significant) half by 10^k and adds the later one.
    let v = (v & 0x0f0f_0f0f_0f0f_0f0f).wrapping_mul(10 << 8 | 1) >> 8;
    let v = (v & 0x00ff_00ff_00ff_00ff).wrapping_mul(100 << 16 | 1) >> 16;
    Some((v & 0x0000_ffff_0000_ffff).wrapping_mul(10_000 << 32 | 1) >> 32)
}

fn classify_international(digits: &[u8]) -> PhoneError {
    match meta::calling_code(digits) {
        None if digits.len() < 3 && !digits.starts_with(b"0") => PhoneError::TooShort,
        None => PhoneError::InvalidCountryCode,
        Some((cc, len)) => {
            let national = digits.len() - len;
            if national < usize::from(cc.min_len) {
                PhoneError::TooShort
            } else if national > usize::from(cc.max_len) || digits.len() > 15 {
                PhoneError::TooLong
            } else {
                PhoneError::InvalidNumber
            }
        }
    }
}

/// The E.164 number with calling code `code` and national digits `national` (already valid).
fn join(code: u16, national: &[u8]) -> Result<E164, ()> {
    let code_len = digit_count(u64::from(code));
    if code_len + national.len() > 15 {
        return Err(());
    }
    Ok(E164(
        u64::from(code) * 10u64.pow(national.len() as u32) + read_u64(national),
    ))
}

fn service(region: Region, digits: &[u8]) -> Option<ServiceNumber> {
    if digits.len() > 15 || !(meta::is_short(region.info(), digits) || is_sms_port(region, digits))
    {
        return None;
    }
    let packed = 10u64.pow(digits.len() as u32) + read_u64(digits);
    Some(ServiceNumber { region, packed })
}

/// CN SMS service ports: `106`, a carrier digit and a service provider code, from which bulk
/// SMS (and much SMS fraud) is sent. Ten digits starting `106` are a Beijing fixed line in
/// national form (010 6...), which the national check sees first.
fn is_sms_port(region: Region, digits: &[u8]) -> bool {
    region == Region::CN && digits.starts_with(b"106") && (8..=15).contains(&digits.len())
}

/// Digits to integer; the callers pass at most 19 ASCII digits.
#[inline]
fn read_u64(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |acc, &b| {
        acc.wrapping_mul(10)
            .wrapping_add(u64::from(b.wrapping_sub(b'0')))
    })
}

fn write_u64(mut value: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            return &buf[i..];
        }
    }
}

fn digit_count(value: u64) -> usize {
    value.checked_ilog10().map_or(1, |n| n as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str) -> String {
        match normalize(input) {
            Ok(PhoneNumber::E164(n)) => n.to_string(),
            other => panic!("{input:?} gave {other:?}"),
        }
    }

    fn err(input: &str) -> &'static str {
        normalize(input).unwrap_err().code()
    }

    fn service_of(input: &str) -> (String, String) {
        match normalize(input) {
            Ok(PhoneNumber::Service(s)) => (s.region().to_string(), s.digits()),
            other => panic!("{input:?} gave {other:?}"),
        }
    }

    #[test]
    fn chinese_mobile_in_every_common_form() {
        for input in [
            "13800138000",
            "+8613800138000",
            "+86 138-0013-8000",
            "008613800138000",
            "86 13800138000",
            "(+86) 138 0013 8000",
            "+86 (0) 138 0013 8000",
            "１３８００１３８０００",
            "＋８６　１３８－００１３－８０００",
            "17951 13800138000",
            " 138.0013.8000\r",
        ] {
            assert_eq!(e164(input), "+8613800138000", "{input:?}");
        }
    }

    #[test]
    fn chinese_fixed_lines_and_foreign_numbers() {
        assert_eq!(e164("010-6552 3322"), "+861065523322");
        assert_eq!(e164("(0755) 8888-8888"), "+8675588888888");
        assert_eq!(e164("400 810 8888"), "+864008108888");
        assert_eq!(e164("+1 (201) 555-0123"), "+12015550123");
        assert_eq!(e164("001 201 555 0123"), "+12015550123");
        assert_eq!(e164("+44 (0)20 7946 0958"), "+442079460958");
        assert_eq!(e164("+39 06 6982 1234"), "+390669821234");
        // A bare foreign calling code is not guessed; the US reads it as its trunk prefix.
        assert_eq!(err("1 201 555 0123"), "phone_invalid_number");
        let us = PhoneNormalizer::new(Region::parse("US").unwrap());
        assert_eq!(
            us.normalize("1 201 555 0123").unwrap().to_string(),
            "+12015550123"
        );
    }

    #[test]
    fn service_numbers_stay_service_numbers() {
        for short in [
            "110", "119", "120", "122", "12110", "96110", "12381", "12345", "12315", "95588",
            "95555", "10086", "10010", "10000",
        ] {
            assert_eq!(service_of(short), ("CN".into(), short.into()));
        }
        assert_eq!(service_of("+86 96110"), ("CN".into(), "96110".into()));
        assert_eq!(service_of("0086 95588"), ("CN".into(), "95588".into()));
        assert_eq!(service_of("86 96110"), ("CN".into(), "96110".into()));
        assert_eq!(service_of("+1 911"), ("US".into(), "911".into()));
        assert_eq!(
            service_of("10690000123456"),
            ("CN".into(), "10690000123456".into())
        );
        let us = PhoneNormalizer::new(Region::parse("us").unwrap());
        let n = us.normalize("911").unwrap();
        assert_eq!(
            (n.to_string(), n.service().unwrap().region().as_str()),
            ("911".into(), "US")
        );
    }

    #[test]
    fn bad_input_gets_a_code() {
        assert_eq!(err("abc"), "phone_invalid_characters");
        assert_eq!(err(""), "phone_empty");
        assert_eq!(err("  "), "phone_empty");
        assert_eq!(err("1234"), "phone_too_short");
        assert_eq!(err("+"), "phone_too_short");
        assert_eq!(err("1380013800"), "phone_invalid_number");
        assert_eq!(err("138001380001"), "phone_invalid_number");
        assert_eq!(err("+8612800138000"), "phone_invalid_number");
        assert_eq!(err("+86138001380001234"), "phone_too_long");
        assert_eq!(err("+2812345678"), "phone_invalid_country_code");
        assert_eq!(err("+0086138"), "phone_invalid_country_code");
        assert_eq!(err(&"1".repeat(30)), "phone_too_long");
        assert_eq!(err("00"), "phone_too_short");
    }

    #[test]
    fn strict_e164_fast_path() {
        let n = E164::parse("+8613800138000").unwrap();
        assert_eq!(
            (n.key(), n.calling_code(), n.digit_count()),
            (8613800138000, 86, 13)
        );
        assert_eq!(
            E164::parse("+86 13800138000").unwrap_err(),
            PhoneError::NotE164
        );
        assert_eq!(
            E164::parse("8613800138000").unwrap_err(),
            PhoneError::NotE164
        );
        assert_eq!(
            E164::parse("+861380013800").unwrap_err(),
            PhoneError::InvalidNumber
        );
        assert_eq!(
            E164::parse("+1234567890123456").unwrap_err(),
            PhoneError::TooLong
        );
        assert_eq!(E164::parse("+8612").unwrap_err(), PhoneError::TooShort);
        assert_eq!(E164::parse("+").unwrap_err(), PhoneError::NotE164);
        assert_eq!(
            "+12015550123".parse::<E164>().unwrap().to_string(),
            "+12015550123"
        );
    }

    #[test]
    fn keys_round_trip_and_do_not_overlap() {
        let mobile = normalize("13800138000").unwrap();
        assert_eq!(mobile.key(), 8613800138000);
        assert_eq!(PhoneNumber::from_key(mobile.key()), Some(mobile));
        let hotline = normalize("96110").unwrap();
        let index = u64::from(b'C' - b'A') * 26 + u64::from(b'N' - b'A');
        assert_eq!(hotline.key(), (1 << 63) | (index << 53) | 196110);
        assert_eq!(PhoneNumber::from_key(hotline.key()), Some(hotline));
        let us = PhoneNormalizer::new("US".parse().unwrap());
        let zero = us.normalize("+1 911").unwrap();
        assert_eq!(PhoneNumber::from_key(zero.key()), Some(zero));
        // Keys that denote no valid number.
        for key in [
            0,
            1,
            8612800138000,
            u64::MAX,
            (1 << 63) | 196110,
            MAX_E164_KEY,
        ] {
            assert_eq!(PhoneNumber::from_key(key), None, "{key}");
        }
    }

    #[test]
    fn parses_digits_eight_at_a_time() {
        for text in [
            "0",
            "7",
            "12345678",
            "123456789",
            "8613800138000",
            "999999999999999",
            "0000000000000001",
            "9999999999999999",
        ] {
            assert_eq!(
                parse_digits(text.as_bytes()),
                Some(text.parse().unwrap()),
                "{text}"
            );
        }
        for bad in [
            "",
            "12a4",
            "1234567/",
            "1234567:",
            "12345678901234567",
            "\u{e9}123",
            " 1",
            "1\u{0}",
        ] {
            assert_eq!(parse_digits(bad.as_bytes()), None, "{bad:?}");
        }
        for b in 0..=255u8 {
            let text = [b'1', b, b'2'];
            assert_eq!(parse_digits(&text).is_some(), b.is_ascii_digit(), "{b}");
        }
    }

    #[test]
    fn regions() {
        assert_eq!(Region::parse(" cn ").unwrap(), Region::CN);
        assert_eq!(Region::default().calling_code(), 86);
        assert_eq!(Region::parse("gb").unwrap().calling_code(), 44);
        for bad in ["", "ZZ", "CHN", "c", "中国"] {
            assert_eq!(
                Region::parse(bad).unwrap_err().code(),
                "phone_unknown_region"
            );
        }
    }

    #[test]
    fn serde_uses_the_e164_text() {
        let n = E164::parse("+8613800138000").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"+8613800138000\"");
        assert_eq!(serde_json::from_str::<E164>(&json).unwrap(), n);
        assert!(serde_json::from_str::<E164>("\"13800138000\"").is_err());
    }
}
