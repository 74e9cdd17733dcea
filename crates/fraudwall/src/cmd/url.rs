//! `fraudwall url canonicalize`: raw URLs on stdin, one JSON string per line; one JSON object per
//! line on stdout, in input order:
//! - `{"input": …, "canonical": …, "expressions": […]}` (with `--details`, also `host`,
//!   `registrable_domain` and `keys`, the 16-hex-digit expression keys in expression order);
//! - `{"input": …, "error": {"code": …, "message": …}}` when the URL cannot be canonicalized,
//!   or the line is not a JSON string (code `input_not_json_string`; `input` is then the line
//!   itself, with invalid UTF-8 replaced).
//!
//! A bad line never stops the stream.

use std::io::{self, BufRead, BufWriter, Write};

use super::lines::{ErrorBody, for_each_line};
use anyhow::Context;
use fraudwall_ids::ErrorCode;
use fraudwall_ids::url::{CanonicalUrl, Canonicalizer, expression_key};
use serde::{Serialize, Serializer};

#[derive(Debug, clap::Subcommand)]
pub enum UrlCommand {
    /// Canonicalize URLs by the Safe Browsing rules and list their lookup expressions
    /// (stdin: one JSON string per line; stdout: one JSON object per line)
    Canonicalize {
        /// Also print the host, its registrable domain and the expression keys
        #[arg(long)]
        details: bool,
    },
}

pub fn run(command: UrlCommand) -> anyhow::Result<()> {
    match command {
        UrlCommand::Canonicalize { details } => {
            let stdin = io::stdin().lock();
            let stdout = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
            match canonicalize_lines(stdin, stdout, details) {
                // A closed pipe (`| head`) means the reader has all it wants.
                Err(e) if is_broken_pipe(&e) => Ok(()),
                result => result,
            }
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

#[derive(Serialize)]
#[serde(untagged)]
enum Line<'a> {
    Canonical {
        input: &'a str,
        canonical: &'a str,
        expressions: Expressions<'a>,
        #[serde(flatten)]
        details: Option<Details<'a>>,
    },
    Error {
        input: &'a str,
        error: ErrorBody,
    },
}

#[derive(Serialize)]
struct Details<'a> {
    host: &'a str,
    registrable_domain: Option<&'a str>,
    keys: Keys<'a>,
}

/// Serializes the expressions straight from the URL, without collecting them first.
struct Expressions<'a>(&'a CanonicalUrl);

impl Serialize for Expressions<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.expressions())
    }
}

struct Keys<'a>(&'a CanonicalUrl);

impl Serialize for Keys<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .expressions()
                .map(|e| format!("{:016x}", expression_key(e))),
        )
    }
}

fn canonicalize_lines(
    input: impl BufRead,
    mut out: impl Write,
    details: bool,
) -> anyhow::Result<()> {
    let mut canonicalizer = Canonicalizer::new();
    for_each_line(input, |line| {
        match serde_json::from_slice::<String>(line) {
            Ok(raw) => {
                let record = match canonicalizer.canonicalize(&raw) {
                    Ok(url) => Line::Canonical {
                        input: &raw,
                        canonical: url.as_str(),
                        expressions: Expressions(url),
                        details: details.then(|| Details {
                            host: url.host(),
                            registrable_domain: url.registrable_domain(),
                            keys: Keys(url),
                        }),
                    },
                    Err(e) => Line::Error {
                        input: &raw,
                        error: ErrorBody {
                            code: e.code(),
                            message: e.to_string(),
                        },
                    },
                };
                serde_json::to_writer(&mut out, &record).context("writing stdout")?;
            }
            Err(_) => {
                let text = String::from_utf8_lossy(line);
                let record = Line::Error {
                    input: &text,
                    error: ErrorBody {
                        code: "input_not_json_string",
                        message: "line is not a json string".to_owned(),
                    },
                };
                serde_json::to_writer(&mut out, &record).context("writing stdout")?;
            }
        }
        out.write_all(b"\n").context("writing stdout")?;
        Ok(())
    })?;
    out.flush().context("writing stdout")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(input: &[u8], details: bool) -> String {
        let mut out = Vec::new();
        canonicalize_lines(input, &mut out, details).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_json_object_per_line_in_order() {
        let input = concat!(
            "\"http://a.b.c/1/2.html?param=1\"\n",
            "not json\r\n",
            "\"mailto:x@y.z\"\n",
            "42\n",
            "\n",
            "  \"HTTP://1.2.3.4:80/1/#x\"  \n",
            "\"\"\n",
            "\"http://\\u00fcmlaut.com\""
        );
        let out = run_on(input.as_bytes(), false);
        let expected = [
            r#"{"input":"http://a.b.c/1/2.html?param=1","canonical":"http://a.b.c/1/2.html?param=1","expressions":["a.b.c/1/2.html?param=1","a.b.c/1/2.html","a.b.c/","a.b.c/1/","b.c/1/2.html?param=1","b.c/1/2.html","b.c/","b.c/1/"]}"#,
            r#"{"input":"not json","error":{"code":"input_not_json_string","message":"line is not a json string"}}"#,
            r#"{"input":"mailto:x@y.z","error":{"code":"url_unsupported_scheme","message":"url scheme \"mailto\" has no host"}}"#,
            r#"{"input":"42","error":{"code":"input_not_json_string","message":"line is not a json string"}}"#,
            r#"{"input":"","error":{"code":"input_not_json_string","message":"line is not a json string"}}"#,
            r#"{"input":"HTTP://1.2.3.4:80/1/#x","canonical":"http://1.2.3.4/1/","expressions":["1.2.3.4/1/","1.2.3.4/"]}"#,
            r#"{"input":"","error":{"code":"url_empty","message":"url is empty"}}"#,
            r#"{"input":"http://ümlaut.com","canonical":"http://xn--mlaut-jva.com/","expressions":["xn--mlaut-jva.com/"]}"#,
        ];
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines, expected);
    }

    #[test]
    fn invalid_utf8_lines_get_an_answer() {
        let out = run_on(b"\"a.com\"\n\xff\xfe\n\"b.com\"\n", false);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["canonical"], "http://a.com/");
        assert_eq!(lines[1]["input"], "\u{fffd}\u{fffd}");
        assert_eq!(lines[1]["error"]["code"], "input_not_json_string");
        assert_eq!(lines[2]["canonical"], "http://b.com/");
    }

    #[test]
    fn details_add_host_domain_and_keys() {
        let out = run_on(b"\"https://www.Example.co.uk/a?b\"\n\"10.0.0.1\"\n", true);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["host"], "www.example.co.uk");
        assert_eq!(lines[0]["registrable_domain"], "example.co.uk");
        let expressions = lines[0]["expressions"].as_array().unwrap();
        let keys = lines[0]["keys"].as_array().unwrap();
        assert_eq!(expressions.len(), keys.len());
        assert_eq!(
            keys[0],
            format!("{:016x}", expression_key("www.example.co.uk/a?b"))
        );
        assert_eq!(lines[1]["registrable_domain"], serde_json::Value::Null);
        assert_eq!(lines[1]["host"], "10.0.0.1");
    }

    #[test]
    fn broken_pipe_is_recognized() {
        let e = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("writing");
        assert!(is_broken_pipe(&e));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
