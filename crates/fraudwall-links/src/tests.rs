use fraudwall_ids::url::canonicalize;
use proptest::prelude::*;

use super::*;

fn facts(url: &str) -> LinkFacts {
    LinkAnalyzer::builtin().analyze(&canonicalize(url).unwrap())
}

fn names(url: &str) -> Vec<&'static str> {
    facts(url).iter().map(Fact::as_str).collect()
}

fn reason(url: &str, fact: Fact) -> String {
    let url = canonicalize(url).unwrap();
    let links = LinkAnalyzer::builtin();
    let facts = links.analyze(&url);
    assert!(facts.has(fact), "{} lacks {}", url.as_str(), fact.as_str());
    let mut out = String::new();
    links.describe(fact, &facts, url.host(), &mut out);
    out
}

fn brand(url: &str) -> Option<(String, BrandHow)> {
    let facts = facts(url);
    let found = facts.brand?;
    Some((
        LinkAnalyzer::builtin().brand_of(&found).id.clone(),
        found.how,
    ))
}

#[test]
fn the_compiled_in_data_reads() {
    let links = LinkAnalyzer::builtin();
    assert!(links.brands().len() > 50);
    assert!(links.shorteners.len() > 1400);
    assert!(links.tlds.contains("top") && links.tlds.contains("xyz"));
    assert!(links.homoglyphs.len() > 100);
    for brand in links.brands() {
        assert_eq!(brand.domains.len(), brand.sources.len());
        assert!(
            brand
                .sources
                .iter()
                .all(|s| s == "curated" || s.starts_with("barb-phish")),
            "{}",
            brand.id
        );
    }
}

#[test]
fn brand_tokens_in_foreign_domains_are_look_alikes() {
    for (url, id) in [
        ("http://10086-jf.cc/jifen", "china_mobile"),
        ("http://www.10086jf.cn/", "china_mobile"),
        ("http://etc-renzheng.top/", "etc"),
        ("http://icbc-vip.xyz/", "icbc"),
        ("https://royalmail-redelivery.info/fee", "royal_mail"),
        ("https://royal-mail.help/", "royal_mail"),
        ("http://chinamobile-points.com/", "china_mobile"),
        ("http://95588-icbc.com/", "icbc"),
        ("http://12306cn.com/", "railway_12306"),
        ("https://paypalsecure.com/", "paypal"),
        ("https://hmrc-refund.com/", "hmrc"),
    ] {
        assert_eq!(brand(url), Some((id.to_owned(), BrandHow::Token)), "{url}");
    }
}

#[test]
fn near_misses_and_look_alike_characters_are_look_alikes() {
    for (url, id, how) in [
        ("https://paypa1-secure.com/", "paypal", BrandHow::Homoglyph),
        ("https://arnazon.co.uk/", "amazon", BrandHow::Homoglyph),
        ("https://netf1ix.com/", "netflix", BrandHow::Homoglyph),
        ("http://1oo86-jf.cc/", "china_mobile", BrandHow::Homoglyph),
        ("https://paypak.com/", "paypal", BrandHow::NearMiss),
        ("https://amazom-prime.net/", "amazon", BrandHow::NearMiss),
        ("https://royalmial.com/", "royal_mail", BrandHow::NearMiss),
    ] {
        assert_eq!(brand(url), Some((id.to_owned(), how)), "{url}");
    }
}

#[test]
fn a_brand_name_on_another_country_suffix_is_the_brand_but_not_on_a_phishing_tld() {
    for url in [
        "https://www.ebay.co.uk/help",
        "https://paypal.de/",
        "https://www.netflix.co.uk/",
    ] {
        assert!(
            !facts(url).has(Fact::BrandLookalike),
            "{url}: {:?}",
            names(url)
        );
    }
    for url in ["https://ebay.top/", "https://paypal.xyz/login"] {
        assert!(facts(url).has(Fact::BrandLookalike), "{url}");
    }
    // adding to the name is still a look-alike
    assert!(facts("https://ebay-help.co.uk/").has(Fact::BrandLookalike));
}

#[test]
fn official_domains_raise_nothing() {
    for url in [
        "https://www.10086.cn/",
        "https://m.icbc.com.cn/login",
        "https://royalmail.com/",
        "https://www.royalmail.com/track",
        "https://paypal.com/",
        "https://www.paypal.com/signin",
        "https://www.12306.cn/index/",
        "https://etax.chinatax.gov.cn/",
        "https://www.gov.uk/log-in-register-hmrc-online-services",
        "https://www.sf-express.com/",
        "https://weixin.qq.com/",
    ] {
        assert!(
            !facts(url).has(Fact::BrandLookalike),
            "{url}: {:?}",
            names(url)
        );
    }
    for url in [
        "https://www.10086.cn/",
        "https://royalmail.com/",
        "https://paypal.com/",
    ] {
        assert!(facts(url).is_empty(), "{url}: {:?}", names(url));
    }
}

#[test]
fn ordinary_domains_raise_nothing() {
    for url in [
        "https://www.example.com/",
        "https://www.bbc.co.uk/news",
        "https://www.baidu.com/s?wd=weather",
        "https://pineapple.com/",
        "https://purchase.com/",
        "https://booking.com/",
        "https://www.springer.com/",
        "https://www.sina.com.cn/",
        "https://github.com/rust-lang/rust",
        "https://en.wikipedia.org/wiki/Phishing",
        "https://www.zhihu.com/question/123",
        "https://www.ample.com/",
        "https://123456.com/",
    ] {
        assert!(facts(url).is_empty(), "{url}: {:?}", names(url));
    }
}

#[test]
fn the_brand_reason_names_the_brand_and_its_domains() {
    assert_eq!(
        reason("http://10086-jf.cc/jifen", Fact::BrandLookalike),
        "the link's domain 10086-jf.cc carries the brand China Mobile (10086) but is not one of \
         its domains 10086.cn, chinamobile.com"
    );
    assert_eq!(
        reason("https://paypa1-secure.com/", Fact::BrandLookalike),
        "the link's domain paypa1-secure.com spells the brand PayPal with look-alike characters \
         (paypa1 for paypal) but is not one of its domains paypal.com, paypal.me"
    );
    assert_eq!(
        reason("https://paypak.com/", Fact::BrandLookalike),
        "the link's domain paypak.com is one letter off the brand PayPal (paypak for paypal) but \
         is not one of its domains paypal.com, paypal.me"
    );
}

#[test]
fn punycode_hosts_that_mix_scripts_or_pass_for_latin_are_raised() {
    // pаypal.com with a Cyrillic а
    let url = "https://xn--pypal-4ve.com/";
    assert!(facts(url).has(Fact::Punycode));
    assert_eq!(facts(url).punycode(), Some(PunycodeKind::MixedScripts));
    assert_eq!(brand(url), Some(("paypal".to_owned(), BrandHow::Idn)));
    assert!(reason(url, Fact::Punycode).contains("reads as pаypal"));
    assert!(reason(url, Fact::BrandLookalike).contains("passes for the brand PayPal"));
    // сорре: every letter Cyrillic, all passing for Latin
    let all_cyrillic = canonicalize("https://сорре.com/").unwrap();
    let facts = LinkAnalyzer::builtin().analyze(&all_cyrillic);
    assert!(facts.has(Fact::Punycode), "{}", all_cyrillic.as_str());
    assert_eq!(facts.punycode(), Some(PunycodeKind::PassesForAscii));
    // a label that does not decode
    assert_eq!(
        LinkAnalyzer::builtin()
            .analyze_host("xn--99999999999.com")
            .punycode(),
        Some(PunycodeKind::Undecodable)
    );
    // Chinese and plain Cyrillic names are ordinary
    for host in ["中国移动.中国", "政务.cn", "москва.рф", "bücher.de"] {
        let url = canonicalize(&format!("http://{host}/")).unwrap();
        assert!(
            !LinkAnalyzer::builtin().analyze(&url).has(Fact::Punycode),
            "{host}"
        );
    }
}

#[test]
fn suspicious_tlds_count_only_as_real_suffixes() {
    assert_eq!(names("http://anything.top/"), ["suspicious_tld"]);
    assert_eq!(names("http://a.b.xyz/"), ["suspicious_tld"]);
    assert!(names("http://anything.com/").is_empty());
    // not a TLD: the last label of a name the Public Suffix List does not know
    let links = LinkAnalyzer::builtin();
    assert!(!links.analyze_host("foo.icu").is_empty());
    assert!(links.analyze_host("foo.notatld").is_empty());
    assert!(
        reason("http://anything.top/", Fact::SuspiciousTld).contains("anything.top is under .top")
    );
}

#[test]
fn ip_hosts_and_shorteners_are_raised() {
    assert_eq!(names("http://192.168.1.1/a"), ["ip_host"]);
    assert_eq!(names("http://[2001:db8::1]/"), ["ip_host"]);
    assert_eq!(names("http://3232235777/"), ["ip_host"]);
    assert_eq!(names("https://bit.ly/3abc"), ["shortener"]);
    assert_eq!(names("http://t.cn/A6abc"), ["shortener"]);
    assert_eq!(names("https://tinyurl.com/xyz"), ["shortener"]);
    assert_eq!(
        reason("https://bit.ly/3abc", Fact::Shortener),
        "the link goes through the shortener bit.ly, which hides where it leads"
    );
    assert_eq!(
        reason("http://192.168.1.1/a", Fact::IpHost),
        "the link's host is the ip address 192.168.1.1, not a name"
    );
}

#[test]
fn credential_paths_and_queries_are_raised() {
    for url in [
        "http://example.com/login",
        "http://example.com/account/update?id=1",
        "http://example.com/a?step=verify",
        "http://example.com/etc/renzheng.html",
        "http://example.com/tuikuan/",
        "http://example.com/form?type=bank%20card",
        "http://example.com/%E9%93%B6%E8%A1%8C%E5%8D%A1",
        "http://example.com/index?q=银行卡",
        "http://example.com/LOGIN",
    ] {
        assert_eq!(names(url), ["credential_path"], "{url}");
    }
    assert!(names("http://example.com/news/today?page=2").is_empty());
    assert_eq!(
        reason("http://example.com/etc/renzheng.html", Fact::CredentialPath),
        "the link's path or query asks for a login or card details (renzheng)"
    );
}

#[test]
fn bad_data_is_refused_with_its_own_code() {
    let ok = "[[brand]]\nid = \"a\"\nname = \"A\"\ntokens = [\"abcdef\"]\ndomains = [{ domain = \"a.com\", source = \"curated\" }]\n";
    assert!(LinkAnalyzer::new(ok, "", "", "", "").is_ok());
    let cases = [
        ("[[brand]]\nid = 1", "links_brands_syntax"),
        (
            "[[brand]]\nid = \"a\"\nname = \"A\"\ntokens = [\"A B\"]\ndomains = [{ domain = \"a.com\", source = \"x\" }]",
            "links_bad_brand",
        ),
        (
            "[[brand]]\nid = \"a\"\nname = \"A\"\ntokens = [\"abc\"]\ndomains = []",
            "links_bad_brand",
        ),
    ];
    for (brands, code) in cases {
        let error = LinkAnalyzer::new(brands, "", "", "", "").unwrap_err();
        assert_eq!(error.code(), code, "{brands}: {error}");
    }
    let error = LinkAnalyzer::new(ok, "", "", "U+0430 a", "").unwrap_err();
    assert_eq!(error.code(), "links_bad_homoglyph");
}

proptest! {
    #[test]
    fn analysis_never_panics_on_any_host(host in ".{0,80}") {
        let links = LinkAnalyzer::builtin();
        let facts = links.analyze_host(&host);
        let mut out = String::new();
        for fact in Fact::ALL {
            links.describe(fact, &facts, &host, &mut out);
        }
    }

    #[test]
    fn analysis_never_panics_on_host_like_strings(
        host in "(xn--)?[a-z0-9\\-]{0,70}(\\.(xn--)?[a-z0-9\\-]{0,20}){0,4}",
    ) {
        let links = LinkAnalyzer::builtin();
        let facts = links.analyze_host(&host);
        let mut out = String::new();
        for fact in facts.iter() {
            links.describe(fact, &facts, &host, &mut out);
        }
    }

    #[test]
    fn analysis_never_panics_on_any_url(raw in "\\PC{0,60}") {
        if let Ok(url) = canonicalize(&raw) {
            let links = LinkAnalyzer::builtin();
            let facts = links.analyze(&url);
            let mut out = String::new();
            for fact in facts.iter() {
                links.describe(fact, &facts, url.host(), &mut out);
            }
        }
    }
}

#[test]
fn official_hosts_are_the_brands_own_and_the_public_bodies_suffixes() {
    let links = LinkAnalyzer::builtin();
    for host in [
        "www.10086.cn",
        "10086.cn",
        "www.gov.uk",
        "www.tfl.gov.uk",
        "zxfw.court.gov.cn",
        "www.nhs.uk",
        "uscis.gov",
        "service.nsw.gov.au",
        "www.royalmail.com",
    ] {
        assert!(links.is_official(host), "{host}");
    }
    for host in [
        "10086-jf.cc",
        "gov.uk.refund-claim.top",
        "hmrc-gov.uk.com",
        "royalmail-redelivery.info",
        "example.com",
        "gov",
        "",
    ] {
        assert!(!links.is_official(host), "{host}");
    }
}
