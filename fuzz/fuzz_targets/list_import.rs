#![no_main]
//! List files come from outside (feeds, partners, analysts): every format must take any bytes
//! without panicking, and account for every line.

use fraudwall_lists::import::{Format, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for format in [Format::Plain, Format::Hosts, Format::Abp] {
        let parsed = parse(format, &text);
        let lines = text.lines().count() as u64;
        assert!(parsed.rejected.len() as u64 + parsed.skipped <= lines);
    }
    let _ = parse(Format::Csv, &text);
});
