use proptest::prelude::*;

use super::*;

fn canon(input: &str) -> Result<String, UrlError> {
    canonicalize(input).map(|u| u.as_str().to_owned())
}

fn exprs(input: &str) -> Vec<String> {
    canonicalize(input).unwrap().expression_strings()
}

#[test]
fn parts() {
    let url = canonicalize("HTTPS://user:pw@WWW.Example.co.uk:8443/a/./b/../c?x=1&y=%41").unwrap();
    assert_eq!(url.as_str(), "https://www.example.co.uk/a/c?x=1&y=%41");
    assert_eq!(url.scheme(), "https");
    assert_eq!(url.host(), "www.example.co.uk");
    assert_eq!(url.host_kind(), HostKind::Name);
    assert_eq!(url.path(), "/a/c");
    assert_eq!(url.query(), Some("x=1&y=%41"));
    assert_eq!(url.registrable_domain(), Some("example.co.uk"));

    let url = canonicalize("1.2.3.4").unwrap();
    assert_eq!(
        (url.scheme(), url.host(), url.path()),
        ("http", "1.2.3.4", "/")
    );
    assert_eq!(url.query(), None);
    assert_eq!(url.host_kind(), HostKind::Ipv4);
    assert_eq!(url.registrable_domain(), None);

    let url = canonicalize("http://[::1]:80/?").unwrap();
    assert_eq!(url.host(), "[::1]");
    assert_eq!(url.host_kind(), HostKind::Ipv6);
    assert_eq!(url.query(), Some(""));
}

#[test]
fn errors_and_codes() {
    let cases = [
        ("", UrlError::Empty, "url_empty"),
        (" \t\r\n ", UrlError::Empty, "url_empty"),
        ("#frag", UrlError::Empty, "url_empty"),
        ("/path", UrlError::MissingHost, "url_missing_host"),
        ("http://", UrlError::MissingHost, "url_missing_host"),
        ("http://user@/x", UrlError::MissingHost, "url_missing_host"),
        ("http://:80/x", UrlError::MissingHost, "url_missing_host"),
        ("?q", UrlError::MissingHost, "url_missing_host"),
        ("http://.../", UrlError::InvalidHost, "url_invalid_host"),
        ("http://%2e%2E/", UrlError::InvalidHost, "url_invalid_host"),
        (
            "mailto:someone@example.com",
            UrlError::UnsupportedScheme {
                scheme: "mailto".into(),
            },
            "url_unsupported_scheme",
        ),
        (
            "javascript:alert(1)",
            UrlError::UnsupportedScheme {
                scheme: "javascript".into(),
            },
            "url_unsupported_scheme",
        ),
    ];
    for (input, error, code) in cases {
        let got = canonicalize(input).unwrap_err();
        assert_eq!(got, error, "input {input:?}");
        assert_eq!(got.code(), code);
        assert!(!got.to_string().ends_with('.'));
    }
    let long = "a".repeat(MAX_INPUT_LEN + 1);
    assert_eq!(canonicalize(&long).unwrap_err().code(), "url_too_long");
}

#[test]
fn schemes_and_authorities() {
    let cases = [
        ("example.com:8080/x", "http://example.com/x"),
        ("localhost:8080", "http://localhost/"),
        ("//example.com/x", "http://example.com/x"),
        ("http:example.com/x", "http://example.com/x"),
        ("https:/example.com", "https://example.com/"),
        ("http:////example.com//x", "http://example.com/x"),
        ("foo://Example.com//x", "foo://example.com/x"),
        ("HtTp://example.com", "http://example.com/"),
        ("http://example.com?q=1", "http://example.com/?q=1"),
        ("http://a@b@example.com/", "http://example.com/"),
        ("http://user:p%40ss@example.com/", "http://example.com/"),
        // Browsers read a raw backslash as a separator: this opens evil.com.
        ("http://evil.com\\@good.com/", "http://evil.com/@good.com/"),
        ("http:\\\\evil.com\\a\\b", "http://evil.com/a/b"),
        ("http://example.com/a%5Cb", "http://example.com/a%5Cb"),
        // Escaped delimiters stay inside the host.
        (
            "http://evil.com%2F.good.com/",
            "http://evil.com%2F.good.com/",
        ),
        ("http://a%40b%3Ac.com/", "http://a%40b%3Ac.com/"),
        ("http://[zz]:80/", "http://%5Bzz%5D/"),
        ("http://[::1/", "http://%5B/"),
        ("http://[0:0::1]/", "http://[::1]/"),
        ("http://[::FFFF:1.2.3.4]/", "http://[::ffff:1.2.3.4]/"),
    ];
    for (input, want) in cases {
        assert_eq!(canon(input).as_deref(), Ok(want), "input {input:?}");
    }
}

#[test]
fn hosts() {
    let cases = [
        ("http://www.ÜMLAUT.com/", "http://www.xn--mlaut-jva.com/"),
        ("http://例子。中国/", "http://xn--fsqu00a.xn--fiqs8s/"),
        ("http://%E4%BE%8B%E5%AD%90.cn/", "http://xn--fsqu00a.cn/"),
        ("http://０x7f.1/", "http://127.0.0.1/"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://017700000001/", "http://127.0.0.1/"),
        ("http://127.0.0.1./", "http://127.0.0.1/"),
        ("http://1.2.3.4.5/", "http://1.2.3.4.5/"),
        ("http://256.1.1.1/", "http://256.1.1.1/"),
        ("http://0xdeadbeef/", "http://222.173.190.239/"),
        ("http://deadbeef/", "http://deadbeef/"),
        ("http://a..b...c/", "http://a.b.c/"),
        ("http://%2E.a.b%2e/", "http://a.b/"),
        ("http://a b.com/", "http://a%20b.com/"),
        // Invalid UTF-8 and IDNA failures are escaped byte by byte.
        ("http://xn--a.ü.com/", "http://xn--a.%C3%BC.com/"),
    ];
    for (input, want) in cases {
        assert_eq!(canon(input).as_deref(), Ok(want), "input {input:?}");
    }
    let url = canonicalize_bytes(b"http://ex\xffample.com/\xfe").unwrap();
    assert_eq!(url.as_str(), "http://ex%FFample.com/%FE");
}

#[test]
fn paths_and_queries() {
    let cases = [
        ("http://h/a/b/.", "http://h/a/b/"),
        ("http://h/a/b/..", "http://h/a/"),
        ("http://h/../../a", "http://h/a"),
        ("http://h/a/%2e%2E/b", "http://h/b"),
        ("http://h/a%2Fb", "http://h/a/b"),
        ("http://h/a/.b/..c/...", "http://h/a/.b/..c/..."),
        ("http://h/a%3Fb?c", "http://h/a%3Fb?c"),
        ("http://h/a/.%3Fx", "http://h/a/.%3Fx"),
        ("http://h/%23", "http://h/%23"),
        ("http://h/a b?c d\u{e9}", "http://h/a%20b?c%20d%C3%A9"),
        ("http://h/?a=%2F%zz", "http://h/?a=%2F%zz"),
        ("http://h/p?a/../b//c", "http://h/p?a/../b//c"),
        ("http://h/p#a?b", "http://h/p"),
    ];
    for (input, want) in cases {
        assert_eq!(canon(input).as_deref(), Ok(want), "input {input:?}");
    }
}

#[test]
fn expressions_follow_the_spec_limits() {
    assert_eq!(
        exprs("http://a.b.c/1/2.html?param=1"),
        [
            "a.b.c/1/2.html?param=1",
            "a.b.c/1/2.html",
            "a.b.c/",
            "a.b.c/1/",
            "b.c/1/2.html?param=1",
            "b.c/1/2.html",
            "b.c/",
            "b.c/1/",
        ]
    );
    assert_eq!(exprs("http://1.2.3.4/1/"), ["1.2.3.4/1/", "1.2.3.4/"]);
    assert_eq!(exprs("http://[::1]/a"), ["[::1]/a", "[::1]/"]);
    assert_eq!(exprs("http://b/"), ["b/"]);
    assert_eq!(exprs("http://a.b/?"), ["a.b/"]);
    assert_eq!(exprs("http://a.b/?x"), ["a.b/?x", "a.b/"]);
    let all = exprs("http://a.b.c.d.e.f.g/1/2/3/4/5/6.html?q");
    assert_eq!(all.len(), MAX_EXPRESSIONS);
    assert_eq!(
        all[..6],
        [
            "a.b.c.d.e.f.g/1/2/3/4/5/6.html?q",
            "a.b.c.d.e.f.g/1/2/3/4/5/6.html",
            "a.b.c.d.e.f.g/",
            "a.b.c.d.e.f.g/1/",
            "a.b.c.d.e.f.g/1/2/",
            "a.b.c.d.e.f.g/1/2/3/",
        ]
    );
    assert_eq!(all[29], "f.g/1/2/3/");
    let url = canonicalize("http://a.b.c/1/2/").unwrap();
    assert_eq!(url.expressions().len(), 6);
    assert_eq!(
        url.expression_strings(),
        [
            "a.b.c/1/2/",
            "a.b.c/",
            "a.b.c/1/",
            "b.c/1/2/",
            "b.c/",
            "b.c/1/"
        ]
    );
}

#[test]
fn keys_and_hashes() {
    let url = canonicalize("http://a.b.c/1/2.html?param=1").unwrap();
    let mut keys = vec![7; 3];
    url.expression_keys_into(&mut keys);
    let want: Vec<u64> = url.expressions().map(|e| xxh3_64(e.as_bytes())).collect();
    assert_eq!(keys, want);
    let mut fixed = [0u64; MAX_EXPRESSIONS];
    assert_eq!(url.fill_expression_keys(&mut fixed), 8);
    assert_eq!(fixed[..8], want[..]);
    assert_eq!(fixed[8], 0);
    // The format is frozen: a change of hash function would orphan stored lists.
    assert_eq!(expression_key(""), 0x2d06_8005_38d3_94c2);

    // FIPS 180-2 example B1.
    assert_eq!(
        hex::encode(expression_sha256("abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let mut hashes = Vec::new();
    url.expression_sha256s_into(&mut hashes);
    assert_eq!(hashes.len(), 8);
    assert_eq!(hashes[2], expression_sha256("a.b.c/"));
}

#[test]
fn canonicalizer_reuses_state_cleanly() {
    let mut c = Canonicalizer::new();
    assert_eq!(
        c.canonicalize("http://long.example.com/a/b/c?q=1")
            .unwrap()
            .as_str(),
        "http://long.example.com/a/b/c?q=1"
    );
    assert!(c.canonicalize("mailto:x").is_err());
    let url = c.canonicalize("x.y").unwrap();
    assert_eq!(url.as_str(), "http://x.y/");
    assert_eq!(url.query(), None);
    assert_eq!(url.host(), "x.y");
    assert_eq!(url, &canonicalize("x.y").unwrap());
}

#[test]
fn traits() {
    let url: CanonicalUrl = "Example.com/a".parse().unwrap();
    assert_eq!(url.to_string(), "http://example.com/a");
    assert_eq!(url.as_ref(), "http://example.com/a");
    assert_eq!(
        serde_json::to_string(&url).unwrap(),
        "\"http://example.com/a\""
    );
    let back: CanonicalUrl = serde_json::from_str("\"EXAMPLE.com/a#x\"").unwrap();
    assert_eq!(back, url);
    assert!(serde_json::from_str::<CanonicalUrl>("\"\"").is_err());
}

fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "",
        "http://",
        "HTTPS://",
        "ftp://",
        "http:",
        "//",
        "foo://",
        "http:\\\\",
    ]);
    let userinfo = prop::sample::select(vec!["", "u@", "u:p@", "a@b@"]);
    let host = "[a-zA-Z0-9.%\\-_ \\[\\]:@\u{e9}\u{3002}]{0,16}";
    let port = prop::sample::select(vec!["", ":80", ":", ":x"]);
    let path = "[a-z0-9./%\\\\?# \t\u{e9}]{0,24}";
    (scheme, userinfo, host, port, path)
        .prop_map(|(s, u, h, p, rest)| format!("{s}{u}{h}{p}/{rest}"))
}

fn check_invariants(input: &[u8]) -> Result<(), TestCaseError> {
    let Ok(url) = canonicalize_bytes(input) else {
        return Ok(());
    };
    let text = url.as_str();
    prop_assert!(
        text.bytes().all(|b| b > 0x20 && b < 0x7f && b != b'#'),
        "bad byte in {:?}",
        text
    );
    prop_assert_eq!(
        canonicalize(text),
        Ok(url.clone()),
        "not idempotent for {:?}",
        input
    );
    prop_assert!(!url.host().is_empty());
    prop_assert!(url.path().starts_with('/'));
    prop_assert_eq!(
        format!(
            "{}://{}{}{}",
            url.scheme(),
            url.host(),
            url.path(),
            url.query().map(|q| format!("?{q}")).unwrap_or_default()
        ),
        text
    );
    let expressions: Vec<&str> = url.expressions().collect();
    prop_assert!(!expressions.is_empty() && expressions.len() <= MAX_EXPRESSIONS);
    prop_assert_eq!(expressions.len(), url.expressions().len());
    let host = url.host();
    for e in &expressions {
        let (expr_host, rest) = e.split_at(e.find('/').unwrap_or(e.len()));
        prop_assert!(
            host.ends_with(expr_host),
            "{} is no host suffix of {}",
            e,
            host
        );
        prop_assert!(
            expr_host == host || host[..host.len() - expr_host.len()].ends_with('.'),
            "{} does not start at a label of {}",
            e,
            host
        );
        prop_assert!(rest.starts_with('/'));
        prop_assert!(
            text[url.path_start..].starts_with(rest),
            "{} is no path prefix of {}",
            e,
            text
        );
    }
    let mut unique = expressions.clone();
    unique.sort_unstable();
    unique.dedup();
    prop_assert_eq!(unique.len(), expressions.len());
    if let Some(domain) = url.registrable_domain() {
        prop_assert!(host.ends_with(domain));
    }
    Ok(())
}

#[test]
fn list_entries_name_web_addresses_only() {
    for refused in [
        "javascript:alert(1)",
        "javascript://%0aalert(1)",
        "http://%00/",
        "http://%20/x",
        "http://a%3Cb/",
        "data:text/html,<script>",
        "mailto:a@b.c",
        "file:///etc/passwd",
        "http://.../",
    ] {
        assert!(canonicalize_entry(refused).is_err(), "{refused}");
    }
    for accepted in [
        "evil.example/login",
        "HTTPS://Login.Example.COM:8443/a/../b?x=1",
        "http://1.2.3.4/x",
        "http://[::1]/x",
        "http://bücher.example/",
        "example.com:8080/path",
    ] {
        let entry = canonicalize_entry(accepted).unwrap();
        assert_eq!(entry, canonicalize(accepted).unwrap(), "{accepted}");
    }
}

proptest! {
    /// What is listable is a canonical URL like any other, with a host a resolver would look up.
    #[test]
    fn listable_urls_are_canonical_with_plain_hosts(input in url_like()) {
        if let Ok(entry) = canonicalize_entry(&input) {
            prop_assert_eq!(canonicalize(&input), Ok(entry.clone()));
            prop_assert_eq!(canonicalize_entry(entry.as_str()), Ok(entry.clone()));
            if entry.host_kind() == HostKind::Name {
                prop_assert!(entry.host().bytes().all(|b| b.is_ascii_alphanumeric()
                    || matches!(b, b'-' | b'_' | b'.')));
            }
        }
    }

    #[test]
    fn url_like_inputs_keep_the_invariants(input in url_like()) {
        check_invariants(input.as_bytes())?;
    }

    #[test]
    fn arbitrary_strings_keep_the_invariants(input in "\\PC{0,40}") {
        check_invariants(input.as_bytes())?;
    }

    #[test]
    fn arbitrary_bytes_keep_the_invariants(input in prop::collection::vec(any::<u8>(), 0..48)) {
        check_invariants(&input)?;
    }

    #[test]
    fn escaped_inputs_keep_the_invariants(
        input in prop::collection::vec(
            prop::sample::select(b"%%%2525aAfF0389./:?#@[]\\ \x01\x80h".to_vec()),
            0..40,
        )
    ) {
        check_invariants(&input)?;
    }

    #[test]
    fn ipv4_spellings_canonicalize_to_one_quad(value: u32) {
        let addr = std::net::Ipv4Addr::from(value);
        let [a, b, ..] = addr.octets();
        let want = format!("http://{addr}/");
        for host in [
            format!("{value}"),
            format!("0x{value:X}"),
            format!("0{value:o}"),
            format!("{a}.0x{b:x}.{}", value & 0xffff),
        ] {
            prop_assert_eq!(canon(&host), Ok(want.clone()));
        }
    }
}
