//! The cost of one link's analysis, on one core: brand look-alikes, punycode, TLD, shortener and
//! path checks over canonical URLs, as the decision engine runs them for every link in a text.
//!
//! Run: cargo bench -p fraudwall-links --bench links

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fraudwall_ids::url::canonicalize;
use fraudwall_links::LinkAnalyzer;

fn links(c: &mut Criterion) {
    let analyzer = LinkAnalyzer::builtin();
    let mut group = c.benchmark_group("link_analysis");
    let cases = [
        (
            "ordinary",
            "https://www.example.com/news/2025/today.html?page=2",
        ),
        (
            "official",
            "https://www.10086.cn/index/bj/index_100_100.html",
        ),
        ("lookalike", "http://10086-jf.cc/jifen"),
        ("homoglyph", "https://paypa1-secure.com/signin"),
        ("near_miss", "https://amazom-prime.net/account"),
        ("punycode", "https://xn--pypal-4ve.com/"),
        ("shortener", "https://bit.ly/3abcdef"),
    ];
    group.throughput(Throughput::Elements(1));
    for (name, raw) in cases {
        let url = canonicalize(raw).expect("a valid url");
        group.bench_function(name, |b| b.iter(|| analyzer.analyze(black_box(&url))));
    }
    group.finish();
}

criterion_group!(benches, links);
criterion_main!(benches);
