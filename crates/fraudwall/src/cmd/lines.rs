//! What the JSON-lines tools share: reading stdin line by line, and the error object written in
//! place of an answer.

use std::io::BufRead;

use anyhow::Context;
use serde::Serialize;

/// The `error` member of an answer line: a stable code and a lowercase message.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message: String,
}

/// Calls `each` with every line of `input`, without its `\n` or `\r\n` ending. Lines are bytes,
/// not text, so that a line of invalid UTF-8 still gets an answer rather than ending the stream.
pub fn for_each_line(
    mut input: impl BufRead,
    mut each: impl FnMut(&[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf).context("reading stdin")? == 0 {
            return Ok(());
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        each(line.strip_suffix(b"\r").unwrap_or(line))?;
    }
}
