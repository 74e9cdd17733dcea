//! One pass over the shape nearly every record line has: a flat JSON object, no whitespace
//! between tokens, string values without escapes in the fields a record is made of, unsigned
//! integers. Reading such a line with serde_json costs most of a line's time, this a fraction.
//!
//! It answers only when serde_json would certainly read the line into the same fields, and
//! otherwise returns `None` so that the caller asks serde_json: whitespace between tokens, an
//! escape in a field that is read, `null`, nested values, duplicate fields, numbers that are not
//! plain. Accepted records and error messages therefore stay exactly serde_json's.

use std::borrow::Cow;

use super::Line;

/// The fields of [`Line`], by position in the bit set of fields already seen.
#[derive(Clone, Copy)]
enum Field {
    Kind,
    Caller,
    Callee,
    Start,
    DurationS,
    Sender,
    Recipient,
    Time,
    Subscriber,
    Url,
    Package,
    FromAccount,
    ToAccount,
    Amount,
    /// A field a record is not made of (an SMS's `text`, a transfer's `currency`, ...): serde
    /// ignores it whatever its name, as long as its value is well formed.
    Other,
}

impl Field {
    fn from_key(key: &[u8]) -> Field {
        match key {
            b"kind" => Field::Kind,
            b"caller" => Field::Caller,
            b"callee" => Field::Callee,
            b"start" => Field::Start,
            b"duration_s" => Field::DurationS,
            b"sender" => Field::Sender,
            b"recipient" => Field::Recipient,
            b"time" => Field::Time,
            b"subscriber" => Field::Subscriber,
            b"url" => Field::Url,
            b"package" => Field::Package,
            b"from_account" => Field::FromAccount,
            b"to_account" => Field::ToAccount,
            b"amount" => Field::Amount,
            _ => Field::Other,
        }
    }
}

/// The fields of a line of the common shape, or `None` for serde_json to decide.
pub(super) fn read_flat(text: &[u8]) -> Option<Line<'_>> {
    let body = text.strip_prefix(b"{")?.strip_suffix(b"}")?;
    let mut kind = None;
    let mut line = Line::without_kind();
    let mut seen = 0u32;
    let mut pos = 0;
    loop {
        let (key, after_key) = plain_string(body, pos)?;
        if body.get(after_key) != Some(&b':') {
            return None;
        }
        pos = after_key + 1;
        let field = Field::from_key(key.as_bytes());
        if let Field::Other = field {
            // serde_json checks an ignored key as it would a field's name; keep to the
            // printable ASCII that needs no second look
            if !key.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                return None;
            }
            pos = skip_string(body, pos)?;
        } else {
            // a repeated field is an error for serde, with its own message
            let bit = 1u32 << field as u32;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match field {
                Field::DurationS => {
                    let (value, end) = unsigned(body, pos)?;
                    line.duration_s = Some(value);
                    pos = end;
                }
                Field::Amount => {
                    let (value, end) = decimal(body, pos)?;
                    line.amount = Some(value);
                    pos = end;
                }
                _ => {
                    let (value, end) = plain_string(body, pos)?;
                    let value = Some(Cow::Borrowed(value));
                    match field {
                        Field::Kind => kind = value,
                        Field::Caller => line.caller = value,
                        Field::Callee => line.callee = value,
                        Field::Start => line.start = value,
                        Field::Sender => line.sender = value,
                        Field::Recipient => line.recipient = value,
                        Field::Time => line.time = value,
                        Field::Subscriber => line.subscriber = value,
                        Field::Url => line.url = value,
                        Field::Package => line.package = value,
                        Field::FromAccount => line.from_account = value,
                        Field::ToAccount => line.to_account = value,
                        Field::DurationS | Field::Amount | Field::Other => unreachable!(),
                    }
                    pos = end;
                }
            }
        }
        match body.get(pos) {
            None => break,
            Some(b',') => pos += 1,
            Some(_) => return None,
        }
    }
    // without a kind serde reports the missing field
    line.kind = kind?;
    Some(line)
}

/// A string at `pos` that serde_json would borrow unchanged, and the position after it.
fn plain_string(body: &[u8], pos: usize) -> Option<(&str, usize)> {
    if body.get(pos) != Some(&b'"') {
        return None;
    }
    let start = pos + 1;
    let end = start + memchr::memchr2(b'"', b'\\', &body[start..])?;
    if body[end] != b'"' {
        return None;
    }
    let raw = &body[start..end];
    if raw.iter().any(|&b| b < 0x20) {
        return None;
    }
    Some((std::str::from_utf8(raw).ok()?, end + 1))
}

/// The position after a well-formed string at `pos` whose value is not needed, escapes and all.
fn skip_string(body: &[u8], pos: usize) -> Option<usize> {
    if body.get(pos) != Some(&b'"') {
        return None;
    }
    let mut at = pos + 1;
    loop {
        let run = memchr::memchr2(b'"', b'\\', &body[at..])?;
        let plain = &body[at..at + run];
        // escapes split a string only between characters, so checking each run checks it all
        if plain.iter().any(|&b| b < 0x20) || std::str::from_utf8(plain).is_err() {
            return None;
        }
        at += run;
        if body[at] == b'"' {
            return Some(at + 1);
        }
        match body.get(at + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
            b'u' => {
                // serde_json checks only the four hex digits of an escape it ignores
                let hex = body.get(at + 2..at + 6)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                at += 6;
            }
            _ => return None,
        }
    }
}

/// A JSON integer at `pos` that fits a `u64`, and the position after it.
fn unsigned(body: &[u8], pos: usize) -> Option<(u64, usize)> {
    let digits = body[pos..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    // a leading zero is not JSON, and a fraction or exponent is no integer: serde says which
    if digits == 0 || (digits > 1 && body[pos] == b'0') {
        return None;
    }
    if matches!(body.get(pos + digits), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    let mut value = 0u64;
    for &b in &body[pos..pos + digits] {
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some((value, pos + digits))
}

/// A JSON number at `pos` as serde_json reads it into an `f64`, and the position after it.
fn decimal(body: &[u8], pos: usize) -> Option<(f64, usize)> {
    let len = body[pos..]
        .iter()
        .take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        .count();
    let token = &body[pos..pos + len];
    // serde_json's own reading of the number alone: its rounding, its refusals
    let value = serde_json::from_slice::<f64>(token).ok()?;
    Some((value, pos + len))
}
