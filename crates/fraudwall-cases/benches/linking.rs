//! Linking one new case into a linker that already holds a million cases.
//!
//! `cargo bench -p fraudwall-cases --bench linking`. The relink of 10 M cases from scratch is
//! `bench/cases/relink.sh`, next to python-igraph.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use fraudwall_cases::Linker;

#[path = "support/synthetic.rs"]
mod synthetic;

fn bench(c: &mut Criterion) {
    const CASES: u64 = 1_000_000;
    let mut cases = synthetic::Cases::new(7, CASES * 2);
    let mut linker =
        Linker::with_capacity(CASES as usize * 2, CASES as usize * 20, CASES as usize * 14);
    let mut occurrences = Vec::new();
    for _ in 0..CASES {
        let input = cases.next_case(&mut occurrences);
        linker.add_case(&input, &occurrences).expect("new case");
    }
    c.bench_function("link_one_case_into_1m", |b| {
        b.iter_batched_ref(
            || {
                let input = cases.next_case(&mut occurrences);
                (input, occurrences.clone())
            },
            |(input, occurrences)| black_box(linker.add_case(input, occurrences).is_ok()),
            BatchSize::SmallInput,
        )
    });
    let hub = linker
        .hubs(2)
        .first()
        .map(|h| h.postings[0].case)
        .expect("a hub");
    eprintln!(
        "the busiest identifier's cluster: {} cases",
        linker.cluster_size(hub)
    );
    c.bench_function("summary_of_the_busiest_identifiers_cluster", |b| {
        b.iter(|| black_box(linker.summary(hub).cases))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
