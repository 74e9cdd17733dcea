//! Throughput of the bulk paths: a million-number import and the rebuild scan over it. Ignored
//! by default; run with `cargo test -p fraudwall-store --release --test lists_bulk -- --ignored
//! --nocapture`.

use std::time::Instant;

use fraudwall_lists::entry::{Attributes, Change, Identifier, Kind, List, OnExisting, Source};
use fraudwall_store::{ChangeCursor, ListStore, LiveRow, SqliteStore};
use time::macros::datetime;

const ENTRIES: u32 = 1_000_000;

#[test]
#[ignore = "measures throughput; run explicitly"]
fn bulk_import_and_rebuild_scan_rates() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let changes: Vec<Change> = (0..ENTRIES)
        .map(|n| Change::Put {
            list: List::Black,
            // built directly: this measures the store, not the phone normalizer
            identifier: Identifier {
                kind: Kind::Number,
                value: format!("+86138{n:08}"),
                key: u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            },
            attributes: Attributes::new(Source::Import),
            on_existing: OnExisting::Keep,
        })
        .collect();

    let started = Instant::now();
    let applied = store.apply_list_changes(&changes, "import", false).unwrap();
    let put = started.elapsed();
    assert_eq!(applied.changed(), ENTRIES as usize);
    println!(
        "put {ENTRIES} new numbers in {put:.2?}: {:.0} rows/s",
        f64::from(ENTRIES) / put.as_secs_f64()
    );

    let started = Instant::now();
    let again = store.apply_list_changes(&changes, "import", false).unwrap();
    let duplicate = started.elapsed();
    assert_eq!(again.changed(), 0);
    println!(
        "re-put them as duplicates in {duplicate:.2?}: {:.0} rows/s",
        f64::from(ENTRIES) / duplicate.as_secs_f64()
    );

    let started = Instant::now();
    let mut rows = 0u64;
    let mut checksum = 0u64;
    store
        .scan_live_entries(datetime!(2025-06-01 00:00:00 UTC), &mut |row: &LiveRow<
            '_,
        >| {
            rows += 1;
            checksum ^= row.key;
        })
        .unwrap();
    let scan = started.elapsed();
    assert_eq!(rows, u64::from(ENTRIES));
    println!(
        "scanned {rows} live rows in {scan:.2?}: {:.0} rows/s (checksum {checksum:x})",
        rows as f64 / scan.as_secs_f64()
    );

    let started = Instant::now();
    let mut cursor = ChangeCursor::default();
    let mut paged = 0;
    loop {
        let page = store.list_changes(cursor, 10_000).unwrap();
        let Some(last) = page.last() else { break };
        cursor = ChangeCursor::after(last.version, last.id);
        paged += page.len();
    }
    assert_eq!(paged, ENTRIES as usize);
    println!("paged the change feed in {:.2?}", started.elapsed());
}
