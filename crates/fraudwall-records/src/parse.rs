//! Records from NDJSON lines, as `POST /v1/events` and `fraudwall events import` take them.
//!
//! Each line is one JSON object with a `kind` and that kind's fields (see the contracts). Fields
//! are borrowed from the line where they need no unescaping, and a phone number already in
//! E.164 form takes the fast path of `fraudwall-ids` (nanoseconds, where the full parser costs
//! microseconds), so a line costs a few hundred nanoseconds. Lines of the common shape are read
//! by a single pass of their own (`flat`) and all others by serde_json, with the same outcome.

mod flat;

use std::borrow::Cow;

use fraudwall_ids::account::Account;
use fraudwall_ids::app::PackageName;
use fraudwall_ids::phone::{self, E164};
use fraudwall_ids::url;
use serde::Deserialize;

use crate::time::parse_rfc3339;
use crate::{Kind, Record};

/// Why one line was not read as a record. Other lines are unaffected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    /// 1-based.
    pub line: u64,
    pub message: String,
}

/// A call longer than a year is a broken clock, not a call.
const MAX_DURATION_S: u64 = 366 * 86_400;

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    caller: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    callee: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    start: Option<Cow<'a, str>>,
    #[serde(default)]
    duration_s: Option<u64>,
    #[serde(borrow, default)]
    sender: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    recipient: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    subscriber: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    package: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    from_account: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    to_account: Option<Cow<'a, str>>,
    #[serde(default)]
    amount: Option<f64>,
}

impl Line<'_> {
    fn without_kind() -> Self {
        Line {
            kind: Cow::Borrowed(""),
            caller: None,
            callee: None,
            start: None,
            duration_s: None,
            sender: None,
            recipient: None,
            time: None,
            subscriber: None,
            url: None,
            package: None,
            from_account: None,
            to_account: None,
            amount: None,
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Lines read by the single pass on this thread, so a test can tell it was not skipped.
    static FLAT_LINES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Reads one NDJSON line (without its newline) into a record; the error carries no line number.
pub fn parse_line(text: &[u8]) -> Result<Record, String> {
    match flat::read_flat(text) {
        Some(line) => {
            #[cfg(test)]
            FLAT_LINES.with(|n| n.set(n.get() + 1));
            record_from(line)
        }
        None => parse_line_with_serde(text),
    }
}

fn parse_line_with_serde(text: &[u8]) -> Result<Record, String> {
    let line: Line<'_> = serde_json::from_slice(text).map_err(|e| format!("not a record: {e}"))?;
    record_from(line)
}

fn record_from(line: Line<'_>) -> Result<Record, String> {
    let kind = match &*line.kind {
        "call_record" => Kind::Call,
        "sms_record" => Kind::Sms,
        "visit" => Kind::Visit,
        "app_install" => Kind::AppInstall,
        "transfer_record" => Kind::Transfer,
        other => return Err(format!("unknown kind {other:?}")),
    };
    let (a, b, time, value) = match kind {
        Kind::Call => (
            number(&line.caller, "caller")?,
            number(&line.callee, "callee")?,
            // the contract names a call's time `start`; `time` is accepted as well
            instant(line.start.as_ref().or(line.time.as_ref()), "start")?,
            match line.duration_s {
                None => return Err("duration_s is missing".to_owned()),
                Some(d) if d > MAX_DURATION_S => {
                    return Err(format!("duration_s: out of range: {d}"));
                }
                Some(d) => d,
            },
        ),
        Kind::Sms => (
            number(&line.sender, "sender")?,
            number(&line.recipient, "recipient")?,
            instant(line.time.as_ref(), "time")?,
            0,
        ),
        Kind::Visit => (
            number(&line.subscriber, "subscriber")?,
            url_key(&line.url)?,
            instant(line.time.as_ref(), "time")?,
            0,
        ),
        Kind::AppInstall => (
            number(&line.subscriber, "subscriber")?,
            package_key(&line.package)?,
            instant(line.time.as_ref(), "time")?,
            0,
        ),
        Kind::Transfer => (
            account(&line.from_account, "from_account")?,
            account(&line.to_account, "to_account")?,
            instant(line.time.as_ref(), "time")?,
            cents(line.amount)?,
        ),
    };
    Ok(Record {
        a,
        time,
        b,
        kind,
        value,
    })
}

/// Reads NDJSON text: every record read, and every line that was not, by its line number.
/// Blank lines are skipped. `first_line` is the 1-based number of the text's first line, so a
/// file may be read in chunks.
pub fn parse_ndjson(
    text: &[u8],
    first_line: u64,
    records: &mut Vec<Record>,
    errors: &mut Vec<LineError>,
) {
    let mut line_number = first_line;
    let mut rest = text;
    loop {
        let (raw, next) = match memchr::memchr(b'\n', rest) {
            Some(end) => (&rest[..end], Some(&rest[end + 1..])),
            None => (rest, None),
        };
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if !raw.iter().all(u8::is_ascii_whitespace) {
            match parse_line(raw) {
                Ok(record) => records.push(record),
                Err(message) => errors.push(LineError {
                    line: line_number,
                    message,
                }),
            }
        }
        match next {
            Some(next) => {
                rest = next;
                line_number += 1;
            }
            None => break,
        }
    }
}

fn field<'s>(value: &'s Option<Cow<'_, str>>, name: &str) -> Result<&'s str, String> {
    value.as_deref().ok_or_else(|| format!("{name} is missing"))
}

fn number(value: &Option<Cow<'_, str>>, name: &str) -> Result<u64, String> {
    let raw = field(value, name)?;
    if let Ok(n) = E164::parse(raw) {
        return Ok(n.key());
    }
    phone::normalize(raw)
        .map(|n| n.key())
        .map_err(|e| format!("{name}: {e}"))
}

fn account(value: &Option<Cow<'_, str>>, name: &str) -> Result<u64, String> {
    let raw = field(value, name)?;
    Account::parse(raw)
        .map(|a| a.key())
        .map_err(|e| format!("{name}: {e}"))
}

/// A visited URL's key: the hash of its canonical host, path and query, the same expression key
/// the lists give a URL entry.
fn url_key(value: &Option<Cow<'_, str>>) -> Result<u64, String> {
    let raw = field(value, "url")?;
    let canonical = url::canonicalize(raw).map_err(|e| format!("url: {e}"))?;
    let mut expression = String::with_capacity(raw.len());
    expression.push_str(canonical.host());
    expression.push_str(canonical.path());
    if let Some(query) = canonical.query() {
        expression.push('?');
        expression.push_str(query);
    }
    Ok(url::expression_key(&expression))
}

fn package_key(value: &Option<Cow<'_, str>>) -> Result<u64, String> {
    let raw = field(value, "package")?;
    PackageName::parse(raw)
        .map(|p| p.key())
        .map_err(|e| format!("package: {e}"))
}

fn instant(value: Option<&Cow<'_, str>>, name: &str) -> Result<i64, String> {
    let raw = value.ok_or_else(|| format!("{name} is missing"))?;
    parse_rfc3339(raw).ok_or_else(|| format!("{name}: not an RFC 3339 time: {raw:?}"))
}

fn cents(amount: Option<f64>) -> Result<u64, String> {
    let amount = amount.ok_or_else(|| "amount is missing".to_owned())?;
    if !(0.0..=1e15).contains(&amount) {
        return Err(format!("amount: out of range: {amount}"));
    }
    // amounts are decimal texts read as binary floats; rounding to cents undoes the error
    Ok((amount * 100.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_kind() {
        let text = br#"{"kind":"call_record","caller":"+8613800138000","callee":"+8613900139000","start":"2026-03-02T00:00:00+08:00","duration_s":42}
{"kind":"sms_record","sender":"+8613800138000","recipient":"95588","time":"2026-03-02T00:00:01+08:00","text":"hi \"there\""}

{"kind":"visit","subscriber":"+8613800138000","url":"https://example.com/a?b=1","time":"2026-03-02T00:00:02+08:00"}
{"kind":"app_install","subscriber":"+8613800138000","package":"com.example.app","time":"2026-03-02T00:00:03+08:00"}
{"kind":"transfer_record","from_account":"6217000010001234567","to_account":"6222000020002345678","amount":57.67,"currency":"CNY","time":"2026-03-02T00:00:04+08:00","from_phone":"+8613800138000"}
"#;
        let mut records = Vec::new();
        let mut errors = Vec::new();
        parse_ndjson(text, 1, &mut records, &mut errors);
        assert_eq!(errors, vec![]);
        assert_eq!(records.len(), 5);
        assert_eq!(records[0].a, 8_613_800_138_000);
        assert_eq!(records[0].b, 8_613_900_139_000);
        assert_eq!(records[0].time, 1_772_380_800);
        assert_eq!(records[0].value, 42);
        assert_eq!(records[1].kind, Kind::Sms);
        assert_eq!(
            records[1].b,
            phone::normalize("95588").map(|n| n.key()).unwrap()
        );
        assert_eq!(records[4].kind, Kind::Transfer);
        assert_eq!(records[4].value, 5767);
        assert_eq!(
            records[4].a,
            Account::parse("6217000010001234567").unwrap().key()
        );
    }

    #[test]
    fn a_bad_line_fails_alone_with_its_number() {
        let text = b"{\"kind\":\"sms_record\",\"sender\":\"+8613800138000\",\"recipient\":\"+8613900139000\",\"time\":\"2026-03-02T00:00:00Z\"}\n{\"kind\":\"call_record\"\nnot json\n{\"kind\":\"sms_record\",\"sender\":\"+8613800138000\",\"recipient\":\"+8613900139000\",\"time\":\"yesterday\"}\n";
        let mut records = Vec::new();
        let mut errors = Vec::new();
        parse_ndjson(text, 10, &mut records, &mut errors);
        assert_eq!(records.len(), 1);
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![11, 12, 13]);
        assert!(errors[2].message.contains("rfc 3339") || errors[2].message.contains("RFC 3339"));
    }
}
