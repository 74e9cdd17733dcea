//! The canonicalization and expression examples of the Google Safe Browsing v4 specification
//! ("URLs and Hashing"), every one of them, plus vectors from Google's reference client
//! (github.com/google/safebrowsing, `urls_test.go`) where its behaviour matches the spec.

use fraudwall_ids::url::{UrlError, canonicalize, canonicalize_bytes};

/// Every example of the spec's "Canonicalization" section, in its order.
const SPEC_CANONICALIZATION: &[(&[u8], &str)] = &[
    (b"http://host/%25%32%35", "http://host/%25"),
    (b"http://host/%25%32%35%25%32%35", "http://host/%25%25"),
    (b"http://host/%2525252525252525", "http://host/%25"),
    (b"http://host/asdf%25%32%35asd", "http://host/asdf%25asd"),
    (b"http://host/%%%25%32%35asd%%", "http://host/%25%25%25asd%25%25"),
    (b"http://www.google.com/", "http://www.google.com/"),
    (
        b"http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/",
        "http://168.188.99.26/.secure/www.ebay.com/",
    ),
    (
        b"http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
        "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
    ),
    (
        b"http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B",
        "http://host%23.com/~a!b@c%23d$e%25f^00&11*22(33)44_55+",
    ),
    (b"http://3279880203/blah", "http://195.127.0.11/blah"),
    (b"http://www.google.com/blah/..", "http://www.google.com/"),
    (b"www.google.com/", "http://www.google.com/"),
    (b"www.google.com", "http://www.google.com/"),
    (b"http://www.evil.com/blah#frag", "http://www.evil.com/blah"),
    (b"http://www.GOOgle.com/", "http://www.google.com/"),
    (b"http://www.google.com.../", "http://www.google.com/"),
    (b"http://www.google.com/foo\tbar\rbaz\n2", "http://www.google.com/foobarbaz2"),
    (b"http://www.google.com/q?", "http://www.google.com/q?"),
    (b"http://www.google.com/q?r?", "http://www.google.com/q?r?"),
    (b"http://www.google.com/q?r?s", "http://www.google.com/q?r?s"),
    (b"http://evil.com/foo#bar#baz", "http://evil.com/foo"),
    (b"http://evil.com/foo;", "http://evil.com/foo;"),
    (b"http://evil.com/foo?bar;", "http://evil.com/foo?bar;"),
    (b"http://\x01\x80.com/", "http://%01%80.com/"),
    (b"http://notrailingslash.com", "http://notrailingslash.com/"),
    (b"http://www.gotaport.com:1234/", "http://www.gotaport.com/"),
    (b"  http://www.google.com/  ", "http://www.google.com/"),
    (b"http:// leadingspace.com/", "http://%20leadingspace.com/"),
    (b"http://%20leadingspace.com/", "http://%20leadingspace.com/"),
    (b"%20leadingspace.com/", "http://%20leadingspace.com/"),
    (b"https://www.securesite.com/", "https://www.securesite.com/"),
    (b"http://host.com/ab%23cd", "http://host.com/ab%23cd"),
    (
        b"http://host.com//twoslashes?more//slashes",
        "http://host.com/twoslashes?more//slashes",
    ),
];

/// The spec's "Suffix/Prefix Expressions" examples, in the spec's order.
const SPEC_EXPRESSIONS: &[(&str, &[&str])] = &[
    (
        "http://a.b.c/1/2.html?param=1",
        &[
            "a.b.c/1/2.html?param=1",
            "a.b.c/1/2.html",
            "a.b.c/",
            "a.b.c/1/",
            "b.c/1/2.html?param=1",
            "b.c/1/2.html",
            "b.c/",
            "b.c/1/",
        ],
    ),
    (
        "http://a.b.c.d.e.f.g/1.html",
        &[
            "a.b.c.d.e.f.g/1.html",
            "a.b.c.d.e.f.g/",
            "c.d.e.f.g/1.html",
            "c.d.e.f.g/",
            "d.e.f.g/1.html",
            "d.e.f.g/",
            "e.f.g/1.html",
            "e.f.g/",
            "f.g/1.html",
            "f.g/",
        ],
    ),
    ("http://1.2.3.4/1/", &["1.2.3.4/1/", "1.2.3.4/"]),
];

/// From the reference client's tests; `%1b` comes out upper-case, as the spec asks.
const REFERENCE_CANONICALIZATION: &[(&[u8], &str)] = &[
    (b"ftp://ftp.myfiles.com/", "ftp://ftp.myfiles.com/"),
    (b"http://some%1bhost.com/%1b", "http://some%1Bhost.com/%1B"),
    (
        b"http://www.\xC3\xBCmlat.com/",
        "http://www.xn--mlat-zra.com/",
    ),
    (
        b"http://[2001:470:1:18::114]/",
        "http://[2001:470:1:18::114]/",
    ),
    (b"http://W!eird<>Ho$^.com/", "http://w!eird<>ho$^.com/"),
    (
        b"http://i.have.way.too.many.dots.com/",
        "http://i.have.way.too.many.dots.com/",
    ),
    (b"http://google.com./foo.html", "http://google.com/foo.html"),
    (
        b"http://google.com.:8080/foo.html",
        "http://google.com/foo.html",
    ),
    (
        b"http://google...com/foo.html",
        "http://google.com/foo.html",
    ),
    (
        b"http://..google.com/foo.html",
        "http://google.com/foo.html",
    ),
    (
        b"http://[FEDC:BA98:7654:3210:FEDC:BA98:7654:3210]:80/index.html",
        "http://[fedc:ba98:7654:3210:fedc:ba98:7654:3210]/index.html",
    ),
    (b"http://0x12.0x43.0x44.0x01", "http://18.67.68.1/"),
    (
        b"http://192.168.0.1:80/index.html",
        "http://192.168.0.1/index.html",
    ),
    (b"http://12.0x12.01234/", "http://12.18.2.156/"),
    (b"http://012.034.01.055/", "http://10.28.1.45/"),
    (b"http://167838211/", "http://10.1.2.3/"),
    (b"http://4294967295/", "http://255.255.255.255/"),
    (
        b"http://a.com/foo/.././bar/./../foo.html",
        "http://a.com/foo.html",
    ),
    (b"http://a.com//a//b///c////", "http://a.com/a/b/c/"),
    (
        b"www.google.com:8080/foo.html",
        "http://www.google.com/foo.html",
    ),
    (b"www.google.com:80", "http://www.google.com/"),
];

const REFERENCE_FAILURES: &[&str] = &[
    "",
    ":",
    "/blah",
    "#ref",
    "/blah#ref",
    "?query#ref",
    "/blah?query#ref",
    "/blah;param",
    "http://#ref",
    "http://?query#ref",
    "mailto:bryner@google.com",
];

/// The reference client's expression vectors that follow the v4 spec (it has since moved to
/// seven host components); compared as sets, because its order differs.
const REFERENCE_EXPRESSIONS: &[(&str, &[&str])] = &[
    (
        "http://a.b.c/1/2.html?param=1/2",
        &[
            "a.b.c/1/2.html?param=1/2",
            "a.b.c/1/2.html",
            "a.b.c/1/",
            "a.b.c/",
            "b.c/1/2.html?param=1/2",
            "b.c/1/2.html",
            "b.c/1/",
            "b.c/",
        ],
    ),
    (
        "http://a.b.c/1/2/3/4/5/",
        &[
            "a.b.c/1/2/3/4/5/",
            "a.b.c/1/2/3/",
            "a.b.c/1/2/",
            "a.b.c/1/",
            "a.b.c/",
            "b.c/1/2/3/4/5/",
            "b.c/1/2/3/",
            "b.c/1/2/",
            "b.c/1/",
            "b.c/",
        ],
    ),
    (
        "http://a.b.c.d.e/1.html",
        &[
            "a.b.c.d.e/1.html",
            "a.b.c.d.e/",
            "b.c.d.e/1.html",
            "b.c.d.e/",
            "c.d.e/1.html",
            "c.d.e/",
            "d.e/1.html",
            "d.e/",
        ],
    ),
    (
        "http://b.c/1/2/3.html?param=1/2",
        &[
            "b.c/1/2/3.html?param=1/2",
            "b.c/1/2/3.html",
            "b.c/1/2/",
            "b.c/1/",
            "b.c/",
        ],
    ),
    ("http://a.b/?", &["a.b/"]),
    (
        "http://[2001:470:1:18::114]/a/b",
        &[
            "[2001:470:1:18::114]/a/b",
            "[2001:470:1:18::114]/a/",
            "[2001:470:1:18::114]/",
        ],
    ),
    (
        "http://1.2.3.4/a/b",
        &["1.2.3.4/a/b", "1.2.3.4/a/", "1.2.3.4/"],
    ),
    ("http://a.b/", &["a.b/"]),
    ("http://b/", &["b/"]),
    (
        "http://a.com/a/b/c/d/e.html?123",
        &[
            "a.com/a/b/c/d/e.html?123",
            "a.com/a/b/c/d/e.html",
            "a.com/",
            "a.com/a/",
            "a.com/a/b/",
            "a.com/a/b/c/",
        ],
    ),
];

fn check_canonicalization(table: &[(&[u8], &str)]) -> usize {
    let mut failures = Vec::new();
    for (input, want) in table {
        match canonicalize_bytes(input) {
            Ok(url) if url.as_str() == *want => {}
            got => failures.push(format!(
                "{:?}: got {:?}, want {want:?}",
                String::from_utf8_lossy(input),
                got.map(|u| u.to_string())
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    table.len()
}

#[test]
fn spec_canonicalization_examples() {
    assert_eq!(check_canonicalization(SPEC_CANONICALIZATION), 33);
}

#[test]
fn spec_expression_examples() {
    for (input, want) in SPEC_EXPRESSIONS {
        let url = canonicalize(input).unwrap();
        assert_eq!(url.expression_strings(), *want, "input {input:?}");
    }
}

#[test]
fn reference_client_canonicalization() {
    check_canonicalization(REFERENCE_CANONICALIZATION);
    for input in REFERENCE_FAILURES {
        let got = canonicalize(input);
        assert!(
            matches!(
                got,
                Err(UrlError::Empty | UrlError::MissingHost | UrlError::UnsupportedScheme { .. })
            ),
            "input {input:?}: got {got:?}"
        );
    }
}

#[test]
fn reference_client_expressions() {
    for (input, want) in REFERENCE_EXPRESSIONS {
        let mut got = canonicalize(input).unwrap().expression_strings();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "input {input:?}");
    }
}

#[test]
fn canonical_outputs_are_fixpoints() {
    for (_, canonical) in SPEC_CANONICALIZATION
        .iter()
        .chain(REFERENCE_CANONICALIZATION)
    {
        assert_eq!(canonicalize(canonical).unwrap().as_str(), *canonical);
    }
}
