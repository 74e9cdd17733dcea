#![no_main]
//! List files come from outside (feeds, partners, analysts): every format must take any bytes
//! without panicking, account for every line, and turn what it accepts into valid identifiers
//! of every kind.

use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Kind, List, Source};
use fraudwall_lists::import::{Format, parse};
use fraudwall_lists::listfile::plan_import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count() as u64;
    for format in [Format::Plain, Format::Hosts, Format::Abp] {
        let parsed = parse(format, &text);
        assert!(parsed.rejected.len() as u64 + parsed.skipped <= lines);
    }
    let _ = parse(Format::Csv, &text);
    let normalizer = PhoneNormalizer::new(Region::CN);
    let kind = Kind::ALL[data.first().copied().unwrap_or(0) as usize % Kind::ALL.len()];
    for format in [Format::Plain, Format::Abp, Format::Csv] {
        let plan = plan_import(
            &text,
            format,
            List::Black,
            kind,
            Source::Import,
            &normalizer,
        );
        assert_eq!(plan.changes.len(), plan.lines.len());
    }
});
