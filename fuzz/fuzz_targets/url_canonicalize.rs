//! Arbitrary bytes through the URL canonicalizer (as lossy UTF-8 and as raw bytes), the
//! expressions, the domain parser and the IP parser. Besides "never panics", it checks the
//! invariants lookups rely on: canonical URLs are printable ASCII without `#`, canonicalization
//! is idempotent, and every expression is a host suffix followed by a path prefix.

#![no_main]

use fraudwall_ids::domain::Domain;
use fraudwall_ids::ip;
use fraudwall_ids::url::{
    CanonicalUrl, Canonicalizer, MAX_EXPRESSIONS, canonicalize, canonicalize_bytes, expression_key,
};
use libfuzzer_sys::fuzz_target;

fn check(url: &CanonicalUrl, input: &[u8]) {
    let text = url.as_str();
    assert!(
        text.bytes().all(|b| b > 0x20 && b < 0x7f && b != b'#'),
        "bad byte in {text:?} from {input:?}"
    );
    assert_eq!(
        canonicalize(text).as_ref(),
        Ok(url),
        "not idempotent: {input:?}"
    );
    let host = url.host();
    assert!(!host.is_empty());
    let path_and_query =
        &text[text.len() - url.path().len() - url.query().map_or(0, |q| q.len() + 1)..];
    let mut keys = [0u64; MAX_EXPRESSIONS];
    let count = url.fill_expression_keys(&mut keys);
    let expressions: Vec<&str> = url.expressions().collect();
    assert_eq!(count, expressions.len());
    assert!((1..=MAX_EXPRESSIONS).contains(&count));
    for (expression, key) in expressions.iter().zip(keys) {
        assert_eq!(key, expression_key(expression));
        let slash = expression.find('/').expect("expression without path");
        let (suffix, prefix) = expression.split_at(slash);
        assert!(
            host == suffix || host.ends_with(&format!(".{suffix}")),
            "{expression} vs {host}"
        );
        assert!(path_and_query.starts_with(prefix), "{expression} vs {text}");
    }
    if let Some(domain) = url.registrable_domain() {
        assert!(host.ends_with(domain));
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut canonicalizer = Canonicalizer::new();
    let from_str = canonicalizer.canonicalize(&text).cloned();
    assert_eq!(from_str, canonicalize(&text));
    if let Ok(url) = &from_str {
        check(url, data);
    }
    if let Ok(url) = canonicalize_bytes(data) {
        check(&url, data);
    }

    if let Ok(domain) = Domain::parse(&text) {
        assert_eq!(Domain::parse(domain.as_str()).as_ref(), Ok(&domain));
        if let Some(registrable) = domain.registrable() {
            assert!(domain.as_str().ends_with(registrable));
        }
    }
    if let Ok(addr) = ip::parse(&text) {
        assert_eq!(ip::parse(&addr.to_string()), Ok(addr));
        assert_eq!(ip::from_ip_key(ip::ip_key(addr)), addr);
    }
});
