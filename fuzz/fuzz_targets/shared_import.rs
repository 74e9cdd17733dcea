#![no_main]
//! MISP events and STIX bundles come from other centres: any bytes must be read without
//! panicking, every identifier read must be a bounded, trimmed value, and a bundle the reader
//! takes must not panic the STIX checks either.

use fraudwall_sharing::{MAX_VALUE, misp, stix};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = misp::attributes(data) {
        for shared in &read.identifiers {
            assert!(!shared.value.is_empty() && shared.value.len() <= MAX_VALUE);
            assert_eq!(shared.value.trim(), shared.value);
        }
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = stix::validate(&value);
    }
});
