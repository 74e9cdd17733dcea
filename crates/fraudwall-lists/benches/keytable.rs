//! Number checks against a large list: the hot path's core lookup.
//! Run: cargo bench -p fraudwall-lists --bench keytable

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fraudwall_lists::keytable::KeyTable;

/// A deterministic stream of plausible CN mobile keys (8613xxxxxxxxx … 8619xxxxxxxxx).
fn numbers(count: usize, seed: u64) -> Vec<u64> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            8_613_000_000_000 + state % 7_000_000_000
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let listed_count: usize = std::env::var("FRAUDWALL_BENCH_LISTED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let listed = numbers(listed_count, 0x5eed);
    let table = KeyTable::build(listed.iter().enumerate().map(|(i, &k)| (k, i as u32)));
    eprintln!(
        "table: {} keys, {:.1} bytes per key",
        table.len(),
        table.memory_bytes() as f64 / table.len() as f64
    );
    // A realistic mix: mostly unlisted callers, one in ten listed.
    let mut queries = numbers(1 << 16, 0xfeed);
    for (i, q) in queries.iter_mut().enumerate() {
        if i % 10 == 0 {
            *q = listed[(i * 7919) % listed.len()];
        }
    }
    let mut group = c.benchmark_group("number_checks");
    group.throughput(Throughput::Elements(queries.len() as u64));
    let mut out = Vec::new();
    group.bench_with_input(
        BenchmarkId::new("keytable_get_many", listed_count),
        &queries,
        |b, q| {
            b.iter(|| {
                table.get_many(q, &mut out);
                out.len()
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new("keytable_get_each", listed_count),
        &queries,
        |b, q| b.iter(|| q.iter().filter(|&&k| table.get(k).is_some()).count()),
    );
    let std_set: std::collections::HashSet<u64> = listed.iter().copied().collect();
    group.bench_with_input(
        BenchmarkId::new("std_hashset", listed_count),
        &queries,
        |b, q| b.iter(|| q.iter().filter(|k| std_set.contains(k)).count()),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
