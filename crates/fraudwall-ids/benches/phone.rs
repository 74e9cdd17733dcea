//! Phone-number throughput: the strict E.164 fast path, normalization of messy input (which
//! goes through the `phonenumber` parser when the input is not a plain national or E.164 form),
//! the `phonenumber` crate's own parse and validate as the peer, and key computation.
//!
//! `CARGO_TARGET_DIR=target-phone cargo bench -p fraudwall-ids --bench phone`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fraudwall_ids::phone::{E164, PhoneNumber, normalize};
use fraudwall_ids::range::NumberRange;

/// A deterministic corpus of valid numbers: CN mobiles and fixed lines, and some foreign ones.
fn e164_corpus() -> Vec<String> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::new();
    while out.len() < 1000 {
        let r = next();
        let candidate = match r % 4 {
            0 | 1 => format!(
                "+861{}{:09}",
                [3, 5, 7, 8, 9][(r >> 8) as usize % 5],
                (r >> 16) % 1_000_000_000
            ),
            2 => format!(
                "+86{}{:08}",
                ["10", "21", "755", "571"][(r >> 8) as usize % 4],
                (r >> 16) % 100_000_000
            ),
            _ => format!(
                "+1{}{:07}",
                ["201", "415", "646"][(r >> 8) as usize % 3],
                (r >> 16) % 10_000_000
            ),
        };
        if E164::parse(&candidate).is_ok() {
            out.push(candidate);
        }
    }
    out
}

/// The same numbers as people write them.
fn messy_corpus(e164: &[String]) -> Vec<String> {
    e164.iter()
        .enumerate()
        .map(|(i, n)| {
            let (cc, rest) = if let Some(rest) = n.strip_prefix("+86") {
                ("86", rest)
            } else {
                ("1", &n[2..])
            };
            match i % 4 {
                0 => format!("+{cc} {}-{}", &rest[..3], &rest[3..]),
                1 if cc == "86" => format!("0{}", rest),
                1 => format!("(+{cc}) {rest}"),
                2 => format!("00{cc} {rest}"),
                _ => format!("+{cc} (0) {rest}"),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let e164 = e164_corpus();
    let messy = messy_corpus(&e164);
    let keys: Vec<u64> = e164.iter().map(|n| E164::parse(n).unwrap().key()).collect();
    let n = e164.len() as u64;

    let mut group = c.benchmark_group("phone");
    group.throughput(Throughput::Elements(n));
    group.bench_function("e164_fast_path", |b| {
        b.iter(|| {
            for s in &e164 {
                black_box(E164::parse(black_box(s)).is_ok());
            }
        })
    });
    group.bench_function("normalize_e164", |b| {
        b.iter(|| {
            for s in &e164 {
                black_box(normalize(black_box(s)).is_ok());
            }
        })
    });
    group.bench_function("normalize_messy", |b| {
        b.iter(|| {
            for s in &messy {
                black_box(normalize(black_box(s)).is_ok());
            }
        })
    });
    group.bench_function("phonenumber_parse_validate_messy", |b| {
        let cn = phonenumber::country::Id::CN;
        b.iter(|| {
            for s in &messy {
                black_box(
                    phonenumber::parse(Some(cn), black_box(s))
                        .is_ok_and(|p| phonenumber::is_valid(&p)),
                );
            }
        })
    });
    group.bench_function("key_and_from_key", |b| {
        b.iter(|| {
            for &k in &keys {
                black_box(PhoneNumber::from_key(black_box(k)).map(|p| p.key()));
            }
        })
    });
    let range = NumberRange::parse("+86138*").unwrap();
    group.bench_function("range_contains", |b| {
        b.iter(|| {
            keys.iter()
                .filter(|&&k| range.contains(black_box(k)))
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
