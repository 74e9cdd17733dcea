//! The hot path against large lists, on one core:
//! - number checks against 10 M listed numbers: the snapshot lookup alone (batched), and a whole
//!   call decision (number, ranges, spoofing signals, rules);
//! - URL checks against 10 M listed expressions, from the raw string: canonicalization, every
//!   expression, and their lookups; and a whole URL decision.
//!
//! Run: cargo bench -p fraudwall-rules --bench engine
//! `FRAUDWALL_BENCH_LISTED` changes the list size (default 10,000,000). The URL corpus is built
//! from the real blocklists in `../shared/data` (`FRAUDWALL_SHARED_DATA` overrides).

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fraudwall_ids::phone::{E164, PhoneNumber, Region};
use fraudwall_ids::url::{canonicalize, expression_key};
use fraudwall_lists::entry::{List, Severity, Source, Table};
use fraudwall_lists::snapshot::{ListingSpec, SnapshotBuilder};
use fraudwall_rules::{Call, Engine, Event, RuleSet, Scratch, UrlVisit};

const SPEC: ListingSpec<'static> = ListingSpec {
    source: Source::Import,
    severity: Severity::Normal,
    confidence: 1.0,
    fraud_type: None,
};

fn listed_count() -> usize {
    std::env::var("FRAUDWALL_BENCH_LISTED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

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

/// A CN mobile number's key: 86 1[3-9]x xxxx xxxx.
fn mobile(seed: u64) -> u64 {
    8_613_000_000_000 + splitmix(seed) % 7_000_000_000
}

fn numbers(c: &mut Criterion) {
    let listed = listed_count();
    let mut builder = SnapshotBuilder::new([listed, 16, 0, 0, 0, 0, 0, 0]);
    for i in 0..listed as u64 {
        builder.add(List::Black, Table::Numbers, mobile(i), &SPEC);
    }
    // a few ranges, so that range checks do real work
    for i in 0..8u64 {
        let prefix = mobile(1_000_000_000 + i) / 10;
        builder.add(List::Gray, Table::Ranges, (prefix << 4) | 12, &SPEC);
    }
    let snapshot = builder.finish(1);
    eprintln!(
        "numbers: {} listed, {:.1} bytes per number in the table",
        snapshot.table_len(Table::Numbers),
        snapshot.memory_bytes() as f64 / listed as f64
    );
    // one caller in ten is listed
    let queries: Vec<u64> = (0..65_536u64)
        .map(|i| {
            if i % 10 == 0 {
                mobile(i * 7919 % listed as u64)
            } else {
                mobile(u64::MAX - i)
            }
        })
        .collect();
    let engine = Engine::new(
        snapshot.clone(),
        Arc::new(RuleSet::builtin()),
        None,
        Region::CN,
    );
    let callee = PhoneNumber::E164(E164::parse("+8613900139000").expect("a valid mobile"));
    // a few made-up prefixes (140, 141, …) are not valid numbers; calls need valid ones
    let calls: Vec<Event> = queries
        .iter()
        .filter_map(|&key| E164::from_key(key))
        .map(|caller| {
            Event::Call(Call {
                caller: PhoneNumber::E164(caller),
                callee,
                attestation: None,
                gateway: None,
            })
        })
        .collect();

    let mut group = c.benchmark_group("number_checks");
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("snapshot_get_many_10m", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            snapshot.get_many(Table::Numbers, &queries, |_, mark| {
                hits += mark.is_some() as usize
            });
            hits
        })
    });
    group.bench_function("snapshot_get_10m", |b| {
        b.iter(|| {
            queries
                .iter()
                .filter(|&&k| snapshot.get(Table::Numbers, k).is_some())
                .count()
        })
    });
    let mut scratch = Scratch::new();
    group.throughput(Throughput::Elements(calls.len() as u64));
    group.bench_function("engine_decide_call_10m", |b| {
        b.iter(|| {
            let mut blocked = 0usize;
            for call in &calls {
                blocked += (engine.decide(call, &mut scratch).verdict as usize != 0) as usize;
            }
            blocked
        })
    });
    group.finish();
}

/// Raw URLs as they appear in messages and logs, built from the real blocklists: one in five on
/// a listed host (with subdomains, case, ports, `..`), one in five on a made-up site with a
/// listed path (half of them below it), the rest on unlisted hosts.
fn url_corpus(listed_hosts: &[String], synthetic: u64) -> Vec<String> {
    const PATHS: [&str; 6] = [
        "",
        "/",
        "/login",
        "/wp-admin/index.php",
        "/a/../b/c.html?x=1",
        "/secure/verify",
    ];
    (0..65_536u64)
        .map(|i| {
            let r = splitmix(i);
            let path = PATHS[(r % 6) as usize];
            if i % 5 == 0 {
                let host = &listed_hosts[(r >> 8) as usize % listed_hosts.len()];
                format!("HTTP://Www.{}:8080{path}", host.to_uppercase())
            } else if i % 5 == 1 && synthetic >= 3 {
                // below a listed path of a made-up site, or beside it
                let j = (r >> 8) % (synthetic / 3) * 3;
                let leaf = if r.is_multiple_of(2) {
                    "pay/confirm"
                } else {
                    "about"
                };
                format!(
                    "https://site{j}.listed-{}.net/{leaf}",
                    splitmix(j) % 100_000
                )
            } else {
                format!(
                    "https://shop{}.unlisted-{}.com{path}",
                    r % 1000,
                    (r >> 20) % 5000
                )
            }
        })
        .collect()
}

fn urls(c: &mut Criterion) {
    let listed = listed_count();
    let mut hosts = Vec::new();
    for file in ["urlhaus-filter-online.txt", "eth-phishing-blacklist.txt"] {
        let path = data_dir().join("urls").join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for line in text.lines() {
            let line = line.trim().trim_start_matches("||");
            let host = line.split(['^', '/']).next().unwrap_or("");
            if !host.is_empty() && !host.starts_with('!') && host.contains('.') {
                hosts.push(host.to_ascii_lowercase());
            }
        }
    }
    // one third of the made-up expressions are paths, whose hosts are marked too
    let mut builder = SnapshotBuilder::new([0, 0, listed + listed.div_ceil(3), 0, 0, 0, 0, 0]);
    for host in &hosts {
        builder.add(
            List::Black,
            Table::Expressions,
            expression_key(&format!("{host}/")),
            &SPEC,
        );
    }
    // the rest of the 10 M: host and host/path expressions of made-up sites
    let mut expression = String::new();
    for i in 0..listed.saturating_sub(hosts.len()) as u64 {
        use std::fmt::Write;
        expression.clear();
        let _ = write!(
            expression,
            "site{}.listed-{}.net/",
            i,
            splitmix(i) % 100_000
        );
        if i % 3 == 0 {
            // a path entry marks its host, so URL checks look below it
            builder.add_paths_below(expression_key(&expression));
            expression.push_str("pay/");
        }
        builder.add(
            List::Black,
            Table::Expressions,
            expression_key(&expression),
            &SPEC,
        );
    }
    let snapshot = builder.finish(1);
    eprintln!(
        "expressions: {} listed, {:.1} bytes per expression in the table",
        snapshot.table_len(Table::Expressions),
        snapshot.memory_bytes() as f64 / listed as f64
    );
    let corpus = url_corpus(&hosts, listed.saturating_sub(hosts.len()) as u64);
    let engine = Engine::new(snapshot, Arc::new(RuleSet::builtin()), None, Region::CN);
    let visits: Vec<Event> = corpus
        .iter()
        .map(|raw| {
            Event::Url(UrlVisit {
                url: canonicalize(raw).expect("corpus urls parse"),
                subscriber: None,
            })
        })
        .collect();
    let mut scratch = Scratch::new();
    let listed_urls = corpus
        .iter()
        .filter(|raw| {
            engine
                .url_standing(raw, &mut scratch)
                .ok()
                .flatten()
                .is_some()
        })
        .count();
    eprintln!("urls: {} of {} on a listed site", listed_urls, corpus.len());

    let mut group = c.benchmark_group("url_checks");
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("raw_url_standing_10m", |b| {
        b.iter(|| {
            let mut listed = 0usize;
            for raw in &corpus {
                listed += matches!(
                    engine.url_standing(black_box(raw), &mut scratch),
                    Ok(Some(_))
                ) as usize;
            }
            listed
        })
    });
    group.bench_function("engine_decide_url_10m", |b| {
        b.iter(|| {
            let mut blocked = 0usize;
            for visit in &visits {
                blocked += (engine.decide(visit, &mut scratch).verdict as usize != 0) as usize;
            }
            blocked
        })
    });
    group.finish();
}

criterion_group!(benches, numbers, urls);
criterion_main!(benches);
