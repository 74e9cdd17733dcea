#![no_main]
//! Rule sets come from administrators over the API: any text, as TOML or JSON, must either
//! parse into a valid rule set or be refused with a coded error, never panic.

use fraudwall_rules::{RuleSet, RulesFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for format in [RulesFormat::Toml, RulesFormat::Json] {
        match RuleSet::parse(&text, format) {
            Ok(rules) => assert!(!rules.rules.is_empty() && !rules.version.is_empty()),
            Err(error) => assert!(error.code().starts_with("rules_")),
        }
    }
});
