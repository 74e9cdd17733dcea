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
    // one check of the whole line is cheaper than one per value; a line that fails it may still
    // be a record (serde_json does not check the strings it ignores), so serde_json decides
    let text = std::str::from_utf8(text).ok()?;
    let body = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut kind = None;
    let mut line = Line::without_kind();
    let mut seen = 0u32;
    let mut pos = 0;
    loop {
        let (key, after_key) = plain_string(body, pos)?;
        if body.as_bytes().get(after_key) != Some(&b':') {
            return None;
        }
        pos = after_key + 1;
        let field = Field::from_key(key.as_bytes());
        if let Field::Other = field {
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
        match body.as_bytes().get(pos) {
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
fn plain_string(body: &str, pos: usize) -> Option<(&str, usize)> {
    let bytes = body.as_bytes();
    if bytes.get(pos) != Some(&b'"') {
        return None;
    }
    let start = pos + 1;
    let end = start + string_end(&bytes[start..])?;
    if bytes[end] != b'"' {
        return None;
    }
    // the quotes are ASCII, so both ends are character boundaries
    let value = &body[start..end];
    Some((value, end + 1))
}

/// Where the first quote, backslash or control character is. The values read are a few dozen
/// bytes: too short for a vector search to pay for its setup, long enough that testing eight
/// bytes at a time in a u64 pays (the contact index's benchmark file parses about a tenth
/// faster than with a test of each byte).
fn string_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        // a byte's high bit is set where it is below `n`: borrows can also set it in bytes
        // above the first such byte, never below, so the lowest set bit is exact
        let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGHS;
        let found = below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1)
            | below(word, 0x20);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|p| at + p)
}

/// The position after a well-formed string at `pos` whose value is not needed, escapes and all.
fn skip_string(body: &str, pos: usize) -> Option<usize> {
    let body = body.as_bytes();
    if body.get(pos) != Some(&b'"') {
        return None;
    }
    let mut at = pos + 1;
    loop {
        let run = memchr::memchr2(b'"', b'\\', &body[at..])?;
        let plain = &body[at..at + run];
        if plain.iter().any(|&b| b < 0x20) {
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
fn unsigned(body: &str, pos: usize) -> Option<(u64, usize)> {
    let body = body.as_bytes();
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
fn decimal(body: &str, pos: usize) -> Option<(f64, usize)> {
    let body = body.as_bytes();
    let len = body[pos..]
        .iter()
        .take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        .count();
    let token = &body[pos..pos + len];
    // serde_json's own reading of the number alone: its rounding, its refusals
    let value = serde_json::from_slice::<f64>(token).ok()?;
    Some((value, pos + len))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{FLAT_LINES, parse_line, parse_line_with_serde};

    fn flat_lines() -> u64 {
        FLAT_LINES.with(std::cell::Cell::get)
    }

    #[test]
    fn the_contracts_plain_lines_take_the_single_pass() {
        let lines: [&[u8]; 5] = [
            br#"{"kind":"call_record","caller":"+8613800138000","callee":"+8613900139000","start":"2026-03-02T00:00:00+08:00","duration_s":42}"#,
            br#"{"kind":"sms_record","sender":"+8613800138000","recipient":"95588","time":"2026-03-02T00:00:01+08:00","text":"hi \"there\" \u00e9"}"#,
            br#"{"kind":"visit","subscriber":"+8613800138000","url":"https://example.com/a?b=1","time":"2026-03-02T00:00:02+08:00"}"#,
            br#"{"kind":"app_install","subscriber":"+8613800138000","package":"com.example.app","time":"2026-03-02T00:00:03+08:00"}"#,
            br#"{"kind":"transfer_record","from_account":"6217000010001234567","to_account":"6222000020002345678","amount":57.67,"currency":"CNY","time":"2026-03-02T00:00:04+08:00","from_phone":"+8613800138000"}"#,
        ];
        for line in lines {
            let before = flat_lines();
            let record = parse_line(line);
            assert_eq!(
                flat_lines(),
                before + 1,
                "{}",
                String::from_utf8_lossy(line)
            );
            assert!(record.is_ok(), "{record:?}");
            assert_eq!(record, parse_line_with_serde(line));
        }
    }

    #[test]
    fn unusual_lines_are_left_to_serde() {
        for line in [
            r#" {"kind":"visit"}"#,
            r#"{"kind": "visit"}"#,
            r#"{"kind":"visit","kind":"visit"}"#,
            r#"{"kind":"vi\u0073it"}"#,
            r#"{"kind":"call_record","duration_s":null}"#,
            r#"{"kind":"call_record","duration_s":1e3}"#,
            r#"{"kind":"call_record","extra":{"a":1}}"#,
            r#"{"caller":"+8613800138000"}"#,
            r#"{}"#,
        ] {
            let before = flat_lines();
            assert_eq!(
                parse_line(line.as_bytes()),
                parse_line_with_serde(line.as_bytes())
            );
            assert_eq!(flat_lines(), before, "{line}");
        }
    }

    fn phone() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => "\\+86138[0-9]{8}",
            1 => "[0-9]{3,6}",
            1 => "\\+[0-9]{1,17}",
            1 => "[a-z +()-]{0,8}",
        ]
    }

    fn instant() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,3})?(Z|[+-][01][0-9]:[0-5][0-9])",
            1 => "20[0-9]{2}-(0[1-9]|1[0-3])-[0-3][0-9][Tt ][0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]{1,3})?(Z|[+-][01][0-9]:[0-5][0-9])",
            1 => "[0-9:TZ+-]{0,26}",
        ]
    }

    fn integer() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => any::<u32>().prop_map(|n| n.to_string()),
            1 => any::<u64>().prop_map(|n| n.to_string()),
            1 => Just("18446744073709551616".to_owned()),
            1 => "-?[0-9]{1,3}(\\.[0-9]{0,2})?([eE][+-]?[0-9]{0,2})?",
            1 => prop_oneof![Just("null"), Just("true"), Just("\"42\""), Just("[]")].prop_map(str::to_owned),
        ]
    }

    fn amount() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => "[0-9]{1,7}\\.[0-9]{1,3}",
            1 => any::<f64>().prop_map(|x| x.to_string()),
            1 => "-?0?[0-9]{0,3}\\.?[0-9]{0,20}([eE][+-]?[0-9]{1,3})?",
            1 => integer(),
        ]
    }

    /// A JSON string: an arbitrary text escaped by serde_json, or raw text with any escape,
    /// well-formed or not.
    fn json_string(plain: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
        prop_oneof![
            60 => plain.prop_map(|s| format!("\"{s}\"")),
            2 => any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
            2 => "[a-z \\\\\"/\u{e9}\u{4e2d}\u{1}]{0,12}".prop_map(|s| format!("\"{s}\"")),
            1 => "(\\\\u[0-9a-fA-FxX]{0,4}|\\\\[bfnrt\"/\\\\x]|[a-z])*".prop_map(|s| format!("\"{s}\"")),
        ]
    }

    fn fields_of(kind: usize) -> BoxedStrategy<Vec<(String, String)>> {
        let pair = |key: &'static str, value: BoxedStrategy<String>| {
            value.prop_map(move |v| (key.to_owned(), v)).boxed()
        };
        let optional = |field: BoxedStrategy<(String, String)>| {
            proptest::option::weighted(0.97, field).boxed()
        };
        let time = || pair("time", json_string(instant()).boxed());
        let text = || pair("text", json_string(".{0,20}").boxed());
        let mut parts: Vec<BoxedStrategy<Option<(String, String)>>> = match kind {
            0 => vec![
                optional(pair("caller", json_string(phone()).boxed())),
                optional(pair("callee", json_string(phone()).boxed())),
                optional(
                    prop_oneof![
                        4 => pair("start", json_string(instant()).boxed()),
                        1 => time(),
                    ]
                    .boxed(),
                ),
                optional(pair("duration_s", integer().boxed())),
            ],
            1 => vec![
                optional(pair("sender", json_string(phone()).boxed())),
                optional(pair("recipient", json_string(phone()).boxed())),
                optional(time()),
                proptest::option::of(text()).boxed(),
            ],
            2 => vec![
                optional(pair("subscriber", json_string(phone()).boxed())),
                optional(pair(
                    "url",
                    json_string("https?://[a-z.]{1,12}(/[a-z?=&%]{0,8})?").boxed(),
                )),
                optional(time()),
            ],
            3 => vec![
                optional(pair("subscriber", json_string(phone()).boxed())),
                optional(pair(
                    "package",
                    json_string("[a-z]{1,6}(\\.[a-z_]{1,6}){0,3}").boxed(),
                )),
                optional(time()),
            ],
            _ => vec![
                optional(pair(
                    "from_account",
                    json_string("62[0-9]{17}|[0-9 -]{0,20}").boxed(),
                )),
                optional(pair(
                    "to_account",
                    json_string("62[0-9]{17}|[0-9 -]{0,20}").boxed(),
                )),
                optional(pair("amount", amount().boxed())),
                optional(time()),
                proptest::option::of(pair("currency", json_string("[A-Z]{3}").boxed())).boxed(),
                proptest::option::of(pair("from_phone", json_string(phone()).boxed())).boxed(),
            ],
        };
        let kind_name = prop_oneof![
            30 => Just(["call_record", "sms_record", "visit", "app_install", "transfer_record"][kind].to_owned()),
            1 => Just("\"visit\"".to_owned()),
            1 => "[a-z_]{0,12}",
        ];
        parts.push(optional(pair("kind", json_string(kind_name).boxed())));
        parts.push(
            proptest::option::weighted(0.2, pair("note", json_string(".{0,8}").boxed())).boxed(),
        );
        parts
            .prop_map(|fields| fields.into_iter().flatten().collect::<Vec<_>>())
            .prop_shuffle()
            .boxed()
    }

    #[derive(Debug, Clone)]
    enum Corruption {
        None,
        Whitespace(Vec<(usize, &'static str)>),
        Replace(usize, u8),
        Delete(usize),
        Truncate(usize),
        DuplicateField,
    }

    fn corruption() -> impl Strategy<Value = Corruption> {
        let whitespace = prop_oneof![Just(" "), Just("\t"), Just("\r\n"), Just("  ")];
        let byte = prop_oneof![
            Just(b'"'),
            Just(b'\\'),
            Just(b','),
            Just(b':'),
            Just(b'{'),
            Just(b'}'),
            Just(b' '),
            Just(b'0'),
            Just(b'.'),
            Just(b'e'),
            Just(0x01),
            Just(0xff),
            Just(0xe4),
        ];
        prop_oneof![
            8 => Just(Corruption::None),
            2 => proptest::collection::vec((any::<usize>(), whitespace), 1..4).prop_map(Corruption::Whitespace),
            2 => (any::<usize>(), byte).prop_map(|(at, b)| Corruption::Replace(at, b)),
            1 => any::<usize>().prop_map(Corruption::Delete),
            1 => any::<usize>().prop_map(Corruption::Truncate),
            1 => Just(Corruption::DuplicateField),
        ]
    }

    fn line(fields: &[(String, String)], corruption: &Corruption) -> Vec<u8> {
        let mut fields = fields.to_vec();
        if let (Corruption::DuplicateField, Some(first)) = (corruption, fields.first().cloned()) {
            fields.push(first);
        }
        let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        let mut bytes = format!("{{{}}}", body.join(",")).into_bytes();
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
        match corruption {
            Corruption::None | Corruption::DuplicateField => {}
            Corruption::Whitespace(spots) => {
                for (i, space) in spots {
                    let i = at(*i, bytes.len() + 1);
                    bytes.splice(i..i, space.bytes());
                }
            }
            Corruption::Replace(i, b) => {
                let i = at(*i, bytes.len());
                bytes[i] = *b;
            }
            Corruption::Delete(i) => {
                bytes.remove(at(*i, bytes.len()));
            }
            Corruption::Truncate(i) => bytes.truncate(at(*i, bytes.len())),
        }
        bytes
    }

    /// Whether the single pass must read this field itself.
    fn plain_field(key: &str, value: &str) -> bool {
        match key {
            "duration_s" => {
                value.bytes().all(|b| b.is_ascii_digit())
                    && (value.len() == 1 || !value.starts_with('0'))
                    && value.parse::<u64>().is_ok()
            }
            "amount" => serde_json::from_str::<f64>(value).is_ok(),
            "text" | "note" | "currency" | "from_phone" => {
                serde_json::from_str::<String>(value).is_ok()
            }
            _ => {
                value.len() >= 2
                    && value.starts_with('"')
                    && value.ends_with('"')
                    && !value[1..value.len() - 1]
                        .bytes()
                        .any(|b| b == b'"' || b == b'\\' || b < 0x20)
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn a_string_ends_where_a_byte_by_byte_search_says(
            bytes in prop::collection::vec(
                prop_oneof![
                    8 => 0x20u8..0x7f,
                    1 => Just(b'"'),
                    1 => Just(b'\\'),
                    1 => 0u8..0x20,
                    1 => 0x80u8..=0xff,
                ],
                0..40,
            ),
        ) {
            let want = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            prop_assert_eq!(super::string_end(&bytes), want);
        }

        #[test]
        fn the_single_pass_agrees_with_serde(
            fields in (0usize..5).prop_flat_map(fields_of),
            corruption in corruption(),
        ) {
            let text = line(&fields, &corruption);
            let before = flat_lines();
            let fast = parse_line(&text);
            let taken = flat_lines() > before;
            prop_assert_eq!(&fast, &parse_line_with_serde(&text), "{}", String::from_utf8_lossy(&text));
            // a compact line whose read fields are plain must not be left to serde
            if matches!(corruption, Corruption::None) && fields.iter().any(|(key, _)| key == "kind")
                && fields.iter().all(|(key, value)| plain_field(key, value))
            {
                prop_assert!(taken, "{}", String::from_utf8_lossy(&text));
            }
        }
    }
}
