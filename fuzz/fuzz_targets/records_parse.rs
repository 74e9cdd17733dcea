#![no_main]
//! Activity records come from operators and banks as NDJSON: any bytes must be read without
//! panicking, each bad line named by a line number inside the input, and no line answered twice.

use fraudwall_records::{parse_line, parse_ndjson};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    parse_ndjson(data, 1, &mut records, &mut errors);
    let lines = data.split(|&b| b == b'\n').count() as u64;
    for error in &errors {
        assert!((1..=lines).contains(&error.line), "{error:?}");
        assert!(!error.message.is_empty());
    }
    assert!(records.len() as u64 + errors.len() as u64 <= lines);
    for line in data.split(|&b| b == b'\n') {
        let _ = parse_line(line);
    }
});
