//! `fraudwall phone normalize`: raw numbers on stdin, one JSON object per line on stdout.
//!
//! Output, one line per input line and in input order:
//! - `{"input": …, "e164": "+8613800138000"}` for a number with an E.164 form;
//! - `{"input": …, "service": "96110", "region": "CN"}` for a short service number, which has
//!   no E.164 form and is never put in `e164`;
//! - `{"input": …, "error": {"code": …, "message": …}}` otherwise.
//!
//! `input` is the line without its line ending. Invalid UTF-8 is replaced (and then rejected as
//! an invalid character), so every line gets an answer.

use std::io::{self, BufRead, BufWriter, Write};

use super::lines::{ErrorBody, for_each_line};
use anyhow::Context;
use fraudwall_ids::ErrorCode;
use fraudwall_ids::phone::{PhoneNormalizer, PhoneNumber, Region};
use serde::Serialize;

#[derive(Debug, clap::Subcommand)]
pub enum PhoneCommand {
    /// Normalize raw phone numbers (one per line on stdin) to E.164, as JSON lines on stdout
    Normalize {
        /// Region whose national forms are assumed (ISO 3166-1 alpha-2)
        #[arg(long, default_value = "CN")]
        region: Region,
    },
}

pub fn run(command: PhoneCommand) -> anyhow::Result<()> {
    match command {
        PhoneCommand::Normalize { region } => {
            let stdin = io::stdin().lock();
            let stdout = io::stdout().lock();
            normalize_lines(PhoneNormalizer::new(region), stdin, BufWriter::new(stdout))
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Line<'a> {
    E164 {
        input: &'a str,
        e164: String,
    },
    Service {
        input: &'a str,
        service: String,
        region: &'static str,
    },
    Error {
        input: &'a str,
        error: ErrorBody,
    },
}

fn normalize_lines(
    normalizer: PhoneNormalizer,
    input: impl BufRead,
    mut out: impl Write,
) -> anyhow::Result<()> {
    for_each_line(input, |line| {
        let text = String::from_utf8_lossy(line);
        let record = match normalizer.normalize(&text) {
            Ok(PhoneNumber::E164(n)) => Line::E164 {
                input: &text,
                e164: n.to_string(),
            },
            Ok(PhoneNumber::Service(s)) => Line::Service {
                input: &text,
                service: s.digits(),
                region: s.region().as_str(),
            },
            Err(e) => Line::Error {
                input: &text,
                error: ErrorBody {
                    code: e.code(),
                    message: e.to_string(),
                },
            },
        };
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
        Ok(())
    })?;
    out.flush().context("writing stdout")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(input: &[u8], region: &str) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        let normalizer = PhoneNormalizer::new(Region::parse(region).unwrap());
        normalize_lines(normalizer, input, &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn one_json_object_per_line_in_order() {
        let out = run_on(
            b"13800138000\r\n96110\nabc\n\n+1 201 555 0123\n\xff\n008613800138000",
            "CN",
        );
        let expected = [
            r#"{"input":"13800138000","e164":"+8613800138000"}"#,
            r#"{"input":"96110","service":"96110","region":"CN"}"#,
            r#"{"input":"abc","error":{"code":"phone_invalid_characters","message":"phone number contains invalid character 'a'"}}"#,
            r#"{"input":"","error":{"code":"phone_empty","message":"phone number is empty"}}"#,
            r#"{"input":"+1 201 555 0123","e164":"+12015550123"}"#,
            r#"{"input":"\ufffd","error":{"code":"phone_invalid_characters","message":"phone number contains invalid character '\ufffd'"}}"#,
            r#"{"input":"008613800138000","e164":"+8613800138000"}"#,
        ];
        assert_eq!(out.len(), expected.len());
        for (got, want) in out.iter().zip(expected) {
            assert_eq!(
                *got,
                serde_json::from_str::<serde_json::Value>(want).unwrap()
            );
        }
    }

    #[test]
    fn keys_come_in_contract_order() {
        let mut out = Vec::new();
        normalize_lines(PhoneNormalizer::default(), &b"13800138000\n"[..], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"input\":\"13800138000\",\"e164\":\"+8613800138000\"}\n"
        );
    }

    #[test]
    fn region_changes_national_reading() {
        let out = run_on(b"(201) 555-0123\n911\n", "us");
        assert_eq!(out[0]["e164"], "+12015550123");
        assert_eq!(out[1]["service"], "911");
        assert_eq!(out[1]["region"], "US");
    }
}
