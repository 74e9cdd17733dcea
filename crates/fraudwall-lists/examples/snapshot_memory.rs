//! Peak memory of a list snapshot per listed identifier, as the process sees it (resident set
//! high-water mark), for the limits: at most 32 bytes per listed number and 64 per
//! listed URL expression.
//!
//! Run: cargo run --release -p fraudwall-lists --example snapshot_memory -- numbers 10000000
//!      cargo run --release -p fraudwall-lists --example snapshot_memory -- expressions 10000000
//!
//! The build streams keys straight into a table sized up front, as the server's rebuild does
//! from the store, so the peak is the table itself plus the process's baseline. Expressions are
//! one third host/path entries, whose host root is marked as well (the worst realistic mix is
//! every entry a path on its own host: one more key per entry).

use fraudwall_ids::url::expression_key;
use fraudwall_lists::entry::{List, Severity, Source, Table};
use fraudwall_lists::snapshot::{ListingSpec, SnapshotBuilder};

const SPEC: ListingSpec<'static> = ListingSpec {
    source: Source::Import,
    severity: Severity::Normal,
    confidence: 1.0,
    fraud_type: None,
};

fn high_water_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "numbers".to_owned());
    let count: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000_000);
    let before = high_water_kib();
    let snapshot = match what.as_str() {
        "numbers" => {
            let mut builder = SnapshotBuilder::new([count, 0, 0, 0, 0, 0, 0, 0]);
            for i in 0..count as u64 {
                let key = 8_613_000_000_000 + splitmix(i) % 7_000_000_000;
                builder.add(List::Black, Table::Numbers, key, &SPEC);
            }
            builder.finish(1)
        }
        "expressions" => {
            let paths = count.div_ceil(3);
            let mut builder = SnapshotBuilder::new([0, 0, count + paths, 0, 0, 0, 0, 0]);
            let mut text = String::new();
            for i in 0..count as u64 {
                use std::fmt::Write;
                text.clear();
                let _ = write!(text, "site{i}.example-{}.net/", splitmix(i) % 100_000);
                if i % 3 == 0 {
                    builder.add_paths_below(expression_key(&text));
                    text.push_str("login/");
                }
                builder.add(
                    List::Black,
                    Table::Expressions,
                    expression_key(&text),
                    &SPEC,
                );
            }
            builder.finish(1)
        }
        other => panic!("unknown kind {other:?}; expected numbers or expressions"),
    };
    let after = high_water_kib();
    let listed = count as f64;
    println!(
        "{what}: {count} listed, table {:.1} B each, peak resident growth {:.1} B each ({} MiB before, {} MiB peak)",
        snapshot.memory_bytes() as f64 / listed,
        (after - before) as f64 * 1024.0 / listed,
        before / 1024,
        after / 1024,
    );
}
