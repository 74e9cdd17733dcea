//! Parsers for list files: `plain`, `hosts`, `abp` (the host and host/path subset of Adblock
//! Plus syntax) and `csv`. They split text into candidate entries with their line numbers; the
//! importer then normalizes each value with the identifier parsers. A line that cannot be an
//! entry is rejected with its line number and a reason, never silently dropped; comments and
//! blank lines are counted as skipped.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One value per line; `#` starts a comment.
    Plain,
    /// `0.0.0.0 host [host …]` as in /etc/hosts; `#` starts a comment.
    Hosts,
    /// `||host^`, `||host/path^` (options after `$` are ignored), bare hosts and IPs; `!` and
    /// `[…]` lines are comments. Every other filter syntax is rejected.
    Abp,
    /// A header with a `value` column and optional `fraud_type`, `confidence`, `expires_at` and
    /// `note` columns.
    Csv,
}

impl Format {
    /// The name `FromStr` reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Hosts => "hosts",
            Format::Abp => "abp",
            Format::Csv => "csv",
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "plain" => Ok(Format::Plain),
            "hosts" => Ok(Format::Hosts),
            "abp" => Ok(Format::Abp),
            "csv" => Ok(Format::Csv),
            other => Err(format!(
                "unknown format {other:?}; expected plain, hosts, abp or csv"
            )),
        }
    }
}

/// What a line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A whole host (a domain or an IP) and everything under it.
    Host,
    /// A host and a path prefix (`host/path`), as a Safe Browsing expression.
    HostPath,
    /// A value of the list's own kind (a number, an account, a URL, an app).
    Value,
}

/// One candidate entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// 1-based line (for csv, the record's first line).
    pub line: u64,
    pub target: Target,
    pub value: String,
    pub fraud_type: Option<String>,
    pub confidence: Option<f64>,
    /// RFC 3339, as written; validated by the importer.
    pub expires_at: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("unsupported adblock syntax")]
    UnsupportedAbp,
    #[error("hosts line needs an address and a host")]
    HostsMissingHost,
    #[error("line holds whitespace inside a single value")]
    Whitespace,
    #[error("csv header has no `value` column")]
    CsvNoValueColumn,
    #[error("csv record is malformed: {0}")]
    CsvMalformed(String),
    #[error("confidence must be a number from 0 to 1")]
    CsvBadConfidence,
}

impl LineError {
    pub fn code(&self) -> &'static str {
        match self {
            LineError::UnsupportedAbp => "import_unsupported_abp",
            LineError::HostsMissingHost => "import_hosts_missing_host",
            LineError::Whitespace => "import_whitespace",
            LineError::CsvNoValueColumn => "import_csv_no_value_column",
            LineError::CsvMalformed(_) => "import_csv_malformed",
            LineError::CsvBadConfidence => "import_csv_bad_confidence",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedLine {
    pub line: u64,
    /// The line as written, cut to 200 characters.
    pub text: String,
    pub error: LineError,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub candidates: Vec<Candidate>,
    pub rejected: Vec<RejectedLine>,
    /// Comments and blank lines.
    pub skipped: u64,
}

pub fn parse(format: Format, text: &str) -> Parsed {
    match format {
        Format::Plain => by_line(text, '#', plain_line),
        Format::Hosts => by_line(text, '#', hosts_line),
        Format::Abp => by_line(text, '!', abp_line),
        Format::Csv => csv(text),
    }
}

fn candidate(line: u64, target: Target, value: &str) -> Candidate {
    Candidate {
        line,
        target,
        value: value.to_owned(),
        fraud_type: None,
        confidence: None,
        expires_at: None,
        note: None,
    }
}

fn excerpt(text: &str) -> String {
    text.chars().take(200).collect()
}

fn by_line(
    text: &str,
    comment: char,
    each: fn(&str, u64, &mut Vec<Candidate>) -> Result<(), LineError>,
) -> Parsed {
    // sized first: a list of half a million candidates grown by doubling is copied, and the
    // memory it moves to cleared by the kernel, at each step
    let lines = text.bytes().filter(|&byte| byte == b'\n').count() + 1;
    let mut parsed = Parsed {
        candidates: Vec::with_capacity(lines),
        ..Parsed::default()
    };
    for (index, raw) in text.lines().enumerate() {
        let line = index as u64 + 1;
        let content = raw.trim_start_matches('\u{feff}').trim();
        let is_abp_header = comment == '!' && content.starts_with('[') && content.ends_with(']');
        if content.is_empty() || content.starts_with(comment) || is_abp_header {
            parsed.skipped += 1;
            continue;
        }
        if let Err(error) = each(content, line, &mut parsed.candidates) {
            parsed.rejected.push(RejectedLine {
                line,
                text: excerpt(raw),
                error,
            });
        }
    }
    parsed
}

fn plain_line(content: &str, line: u64, out: &mut Vec<Candidate>) -> Result<(), LineError> {
    // a trailing comment is allowed: `13800138000  # reported 3 times`
    let value = content.split(" #").next().unwrap_or(content).trim();
    if value.contains(char::is_whitespace) && !looks_like_phone(value) {
        return Err(LineError::Whitespace);
    }
    out.push(candidate(line, Target::Value, value));
    Ok(())
}

/// Phone numbers are often written with spaces (`+86 138 0013 8000`); the phone parser copes.
fn looks_like_phone(value: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn hosts_line(content: &str, line: u64, out: &mut Vec<Candidate>) -> Result<(), LineError> {
    let content = content.split('#').next().unwrap_or(content);
    let mut fields = content.split_whitespace();
    let _address = fields.next();
    let mut any = false;
    for host in fields {
        any = true;
        // hosts files list their own loopback names; those are not entries
        if matches!(
            host,
            "localhost"
                | "localhost.localdomain"
                | "local"
                | "broadcasthost"
                | "ip6-localhost"
                | "ip6-loopback"
                | "0.0.0.0"
        ) {
            continue;
        }
        out.push(candidate(line, Target::Host, host));
    }
    if any {
        Ok(())
    } else {
        Err(LineError::HostsMissingHost)
    }
}

fn abp_line(content: &str, line: u64, out: &mut Vec<Candidate>) -> Result<(), LineError> {
    if let Some(rule) = content.strip_prefix("||") {
        // options (`$all`, `$third-party`) narrow where a rule applies in a browser; for a
        // blocklist the matched resource is what counts
        let rule = rule.split('$').next().unwrap_or(rule);
        let rule = rule.strip_suffix('^').unwrap_or(rule);
        if rule.is_empty() || rule.contains(['*', '^', '|', ' ', '$']) || rule.starts_with('/') {
            return Err(LineError::UnsupportedAbp);
        }
        let target = if rule.contains('/') {
            Target::HostPath
        } else {
            Target::Host
        };
        out.push(candidate(line, target, rule));
        return Ok(());
    }
    // a bare host or IP: letters, digits, dots, dashes, underscores, colons (IPv6)
    let bare = content
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
        && content.contains(['.', ':']);
    if bare {
        out.push(candidate(line, Target::Host, content));
        Ok(())
    } else {
        Err(LineError::UnsupportedAbp)
    }
}

fn csv(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(err) => {
            parsed.rejected.push(RejectedLine {
                line: 1,
                text: excerpt(text.lines().next().unwrap_or("")),
                error: LineError::CsvMalformed(err.to_string()),
            });
            return parsed;
        }
    };
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(value_at) = column("value") else {
        parsed.rejected.push(RejectedLine {
            line: 1,
            text: excerpt(text.lines().next().unwrap_or("")),
            error: LineError::CsvNoValueColumn,
        });
        return parsed;
    };
    let (fraud_at, confidence_at, expires_at, note_at) = (
        column("fraud_type"),
        column("confidence"),
        column("expires_at"),
        column("note"),
    );
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map(|p| p.line()).unwrap_or(0);
                parsed.rejected.push(RejectedLine {
                    line,
                    text: String::new(),
                    error: LineError::CsvMalformed(err.to_string()),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let field = |at: Option<usize>| {
            at.and_then(|i| record.get(i))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let Some(value) = field(Some(value_at)) else {
            parsed.skipped += 1;
            continue;
        };
        let confidence = match field(confidence_at) {
            None => None,
            Some(text) => match text.parse::<f64>() {
                Ok(c) if (0.0..=1.0).contains(&c) => Some(c),
                _ => {
                    parsed.rejected.push(RejectedLine {
                        line,
                        text: excerpt(&record.iter().collect::<Vec<_>>().join(",")),
                        error: LineError::CsvBadConfidence,
                    });
                    continue;
                }
            },
        };
        parsed.candidates.push(Candidate {
            line,
            target: Target::Value,
            value,
            fraud_type: field(fraud_at),
            confidence,
            expires_at: field(expires_at),
            note: field(note_at),
        });
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(parsed: &Parsed) -> Vec<(u64, Target, &str)> {
        parsed
            .candidates
            .iter()
            .map(|c| (c.line, c.target, c.value.as_str()))
            .collect()
    }

    #[test]
    fn abp_takes_hosts_and_host_paths_and_rejects_the_rest_by_line() {
        let text = "[Adblock Plus 2.0]\n! Title: x\n||evil.example^\n||evil.example/login/^$all\n1.2.3.4\nbad.example.com\n##.ad-banner\n/banner/*/img^\n@@||good.example^\n";
        let parsed = parse(Format::Abp, text);
        assert_eq!(
            values(&parsed),
            [
                (3, Target::Host, "evil.example"),
                (4, Target::HostPath, "evil.example/login/"),
                (5, Target::Host, "1.2.3.4"),
                (6, Target::Host, "bad.example.com"),
            ]
        );
        let rejected: Vec<_> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(rejected, [7, 8, 9]);
        assert_eq!(parsed.skipped, 2);
    }

    #[test]
    fn hosts_lines_may_name_several_hosts_and_skip_loopback_names() {
        let text = "127.0.0.1 localhost\n0.0.0.0 a.example b.example # two\n0.0.0.0\n";
        let parsed = parse(Format::Hosts, text);
        assert_eq!(
            values(&parsed),
            [
                (2, Target::Host, "a.example"),
                (2, Target::Host, "b.example")
            ]
        );
        assert_eq!(parsed.rejected[0].line, 3);
        assert_eq!(parsed.rejected[0].error.code(), "import_hosts_missing_host");
    }

    #[test]
    fn plain_keeps_spaced_phone_numbers_and_rejects_spaced_words() {
        let parsed = parse(
            Format::Plain,
            "# numbers\n+86 138 0013 8000\nevil.example # seen\ntwo words\n",
        );
        assert_eq!(
            values(&parsed),
            [
                (2, Target::Value, "+86 138 0013 8000"),
                (3, Target::Value, "evil.example")
            ]
        );
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].line, 4);
    }

    #[test]
    fn csv_reads_optional_columns_and_rejects_bad_confidence() {
        let text = "value,fraud_type,confidence,note\n13800138000,fake_customer_service,0.9,\"from, a case\"\n13900139000,,2,\n,,,\n";
        let parsed = parse(Format::Csv, text);
        assert_eq!(parsed.candidates.len(), 1);
        let first = &parsed.candidates[0];
        assert_eq!(first.line, 2);
        assert_eq!(first.fraud_type.as_deref(), Some("fake_customer_service"));
        assert_eq!(first.confidence, Some(0.9));
        assert_eq!(first.note.as_deref(), Some("from, a case"));
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].line, 3);
        assert_eq!(parsed.skipped, 1);

        let no_value = parse(Format::Csv, "number\n1\n");
        assert_eq!(no_value.rejected[0].error, LineError::CsvNoValueColumn);
    }

    #[test]
    fn the_urlhaus_abp_list_imports_without_rejections() {
        let path = fraudwall_testdata::require!("urls/urlhaus-filter-online.txt");
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = parse(Format::Abp, &text);
        assert!(
            parsed.rejected.is_empty(),
            "{:?}",
            &parsed.rejected[..parsed.rejected.len().min(5)]
        );
        let total = text.lines().count() as u64;
        assert_eq!(parsed.candidates.len() as u64 + parsed.skipped, total);
        let paths = parsed
            .candidates
            .iter()
            .filter(|c| c.target == Target::HostPath)
            .count();
        assert!(paths > 1_000, "{paths} host/path rules");
        assert!(parsed.candidates.len() > 6_000);
    }

    proptest! {
        #[test]
        fn every_line_is_accounted_for(text in "(\\PC{0,30}\n){0,20}", format in 0usize..3) {
            let format = [Format::Plain, Format::Hosts, Format::Abp][format];
            let parsed = parse(format, &text);
            let mut lines: Vec<u64> = parsed.candidates.iter().map(|c| c.line)
                .chain(parsed.rejected.iter().map(|r| r.line)).collect();
            lines.dedup();
            prop_assert_eq!(lines.len() as u64 + parsed.skipped, text.lines().count() as u64);
        }

        #[test]
        fn csv_never_panics(text in "\\PC{0,200}") {
            let _ = parse(Format::Csv, &text);
        }
    }
}
