//! Classification throughput of the bundled model over the real corpora, one core.
//!
//! `cargo bench -p fraudwall-text --bench classify`; the corpora are read from
//! `../shared/data/sms` (or `FRAUDWALL_SHARED_DATA`). Throughput is reported in messages/s.
//! `FRAUDWALL_BENCH_MODEL=file.fwm` measures that model file instead of the bundled one, so two
//! models can be compared on the same build.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fraudwall_text::{Model, Scratch, normalize};

fn messages() -> Vec<String> {
    let dir = std::env::var_os("FRAUDWALL_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    let mut out = Vec::new();
    for name in ["en-sms-spam.train.csv", "cn-fraud-sms.train.csv"] {
        let path = dir.join("sms").join(name);
        let Ok(mut reader) = csv::Reader::from_path(&path) else {
            eprintln!("skipping {}: not found", path.display());
            continue;
        };
        out.extend(
            reader
                .records()
                .filter_map(Result::ok)
                .map(|r| r[1].to_owned()),
        );
    }
    out
}

fn bench(c: &mut Criterion) {
    let texts = messages();
    if texts.is_empty() {
        return;
    }
    let model = match std::env::var_os("FRAUDWALL_BENCH_MODEL") {
        Some(p) => Model::from_bytes(&std::fs::read(p).expect("model file")).expect("model"),
        None => Model::bundled().expect("bundled model"),
    };
    let mut group = c.benchmark_group("sms");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.sample_size(10);
    group.bench_function("normalize", |b| {
        let mut normalizer = fraudwall_text::Normalizer::new();
        let mut out = fraudwall_text::Normalized::default();
        b.iter(|| {
            for t in &texts {
                normalizer.normalize_into(black_box(t), &mut out);
            }
        })
    });
    group.bench_function("probabilities", |b| {
        let mut scratch = Scratch::new();
        b.iter(|| {
            let mut sum = 0f32;
            for t in &texts {
                sum += model.probabilities_with(black_box(t), &mut scratch)[0];
            }
            sum
        })
    });
    group.bench_function("classify_with_reasons", |b| {
        let mut scratch = Scratch::new();
        b.iter(|| {
            for t in &texts {
                black_box(model.classify_with(black_box(t), &mut scratch, 5));
            }
        })
    });
    group.finish();
    c.bench_function("normalize_one", |b| {
        b.iter(|| normalize(black_box("ＷＩＮ a £1000 prize! 加 V 信 13800138000")))
    });
    c.bench_function("load_bundled_model", |b| {
        b.iter(|| Model::bundled().expect("loads"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
