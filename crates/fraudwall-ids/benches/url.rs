//! URL canonicalization plus all expression keys, from the raw string, over a corpus built from
//! real blocklists (URLhaus, eth-phishing-detect), next to the `url` crate's `Url::parse` on
//! the same strings as a reference.
//!
//! The data is read from `../shared/data` (override with `FRAUDWALL_SHARED_DATA`, the `data`
//! directory).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fraudwall_ids::url::{Canonicalizer, MAX_EXPRESSIONS};

fn data_dir() -> PathBuf {
    std::env::var_os("FRAUDWALL_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        })
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

const PATHS: [&str; 8] = [
    "",
    "/",
    "/login",
    "/wp-admin/index.php",
    "/secure/account/verify.html",
    "/a/b/c/d/e/f.html",
    "/x/../y/./z//w",
    "/%7Euser/file%20name.pdf",
];

/// Turns blocklist entries into URLs the way they appear in messages and logs: a mix of
/// schemes, upper-case hosts, userinfo, ports, paths, queries, escapes, `..` and fragments.
fn corpus() -> Vec<String> {
    let dir = data_dir().join("urls");
    let mut entries = Vec::new();
    for file in ["urlhaus-filter-online.txt", "eth-phishing-blacklist.txt"] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('!') {
                continue;
            }
            let line = line.strip_prefix("||").unwrap_or(line);
            let line = line.split('^').next().unwrap_or(line);
            entries.push(line.to_owned());
        }
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let r = splitmix(i as u64);
            let scheme = [
                "http://", "http://", "https://", "https://", "", "HTTP://", "http://", "https://",
            ][(r % 8) as usize];
            let (host, path) = match entry.find('/') {
                Some(slash) => entry.split_at(slash),
                None => (entry.as_str(), PATHS[((r >> 12) % 8) as usize]),
            };
            let host = if (r >> 3).is_multiple_of(5) {
                host.to_ascii_uppercase()
            } else {
                host.to_owned()
            };
            let mut url = String::with_capacity(128);
            url.push_str(scheme);
            // Without a scheme, `user:pass@host` reads as the scheme `user`.
            if !scheme.is_empty() && (r >> 6).is_multiple_of(25) {
                url.push_str("user:pass@");
            }
            url.push_str(&host);
            if (r >> 8).is_multiple_of(10) {
                url.push_str(":8080");
            }
            if (r >> 24).is_multiple_of(12) {
                url.push_str("/static/../");
            }
            url.push_str(path);
            if (r >> 20).is_multiple_of(10) {
                url.push_str("/%2Fdoc%41");
            }
            if (r >> 16).is_multiple_of(4) {
                url.push_str("?id=123&token=abcdef");
            }
            if (r >> 28).is_multiple_of(10) {
                url.push_str("#top");
            }
            url
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    let mut group = c.benchmark_group("url");
    group.throughput(Throughput::Elements(corpus.len() as u64));

    group.bench_function("fraudwall_canonicalize_and_keys", |b| {
        let mut canonicalizer = Canonicalizer::new();
        let mut keys = [0u64; MAX_EXPRESSIONS];
        b.iter(|| {
            let mut total = 0usize;
            for raw in &corpus {
                if let Ok(url) = canonicalizer.canonicalize(black_box(raw)) {
                    total += url.fill_expression_keys(&mut keys);
                    black_box(&keys);
                }
            }
            total
        })
    });

    group.bench_function("fraudwall_canonicalize", |b| {
        let mut canonicalizer = Canonicalizer::new();
        b.iter(|| {
            let mut total = 0usize;
            for raw in &corpus {
                if let Ok(url) = canonicalizer.canonicalize(black_box(raw)) {
                    total += url.as_str().len();
                }
            }
            total
        })
    });

    group.bench_function("url_crate_parse", |b| {
        b.iter(|| {
            let mut total = 0usize;
            for raw in &corpus {
                if let Ok(url) = url::Url::parse(black_box(raw)) {
                    total += url.as_str().len();
                }
            }
            total
        })
    });
    group.finish();

    let rejected = corpus
        .iter()
        .filter(|u| url::Url::parse(u).is_err())
        .count();
    let failed = corpus
        .iter()
        .filter(|u| fraudwall_ids::url::canonicalize(u).is_err())
        .count();
    println!(
        "corpus: {} urls, {} rejected by fraudwall, {} rejected by the url crate",
        corpus.len(),
        failed,
        rejected
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
