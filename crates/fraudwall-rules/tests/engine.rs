//! The engine over a small snapshot, one test per kind of check.

use std::sync::Arc;

use fraudwall_ids::account::Account;
use fraudwall_ids::app::{CertSha256, PackageName};
use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_ids::url::canonicalize;
use fraudwall_lists::entry::{Identifier, Kind, List, Severity, Source};
use fraudwall_lists::snapshot::{ListingSpec, Snapshot, SnapshotBuilder};
use fraudwall_rules::{
    AppUse, Attestation, Call, Decision, Engine, Event, RuleSet, RulesFormat, Scratch, Sms,
    Transfer, UrlVisit, Verdict,
};
use fraudwall_text::Model;

fn snapshot(entries: &[(List, Kind, &str, Severity)]) -> Snapshot {
    let normalizer = PhoneNormalizer::new(Region::CN);
    let mut builder = SnapshotBuilder::new([16; fraudwall_lists::entry::Table::COUNT]);
    for &(list, kind, raw, severity) in entries {
        let identifier = Identifier::parse(kind, raw, &normalizer).unwrap();
        let spec = ListingSpec {
            source: Source::Analyst,
            severity,
            confidence: 0.9,
            fraud_type: Some("fake_customer_service"),
        };
        builder.add(list, identifier.table(), identifier.key, &spec);
        if let Some(host) = identifier.host_root_key() {
            builder.add_paths_below(host);
        }
    }
    builder.finish(3)
}

fn engine(entries: &[(List, Kind, &str, Severity)]) -> Engine {
    Engine::new(
        snapshot(entries),
        Arc::new(RuleSet::builtin()),
        None,
        Region::CN,
    )
}

fn number(raw: &str) -> fraudwall_ids::phone::PhoneNumber {
    PhoneNormalizer::new(Region::CN).normalize(raw).unwrap()
}

fn call(caller: &str, attestation: Option<Attestation>, gateway: Option<&str>) -> Event {
    Event::Call(Call {
        caller: number(caller),
        callee: number("13900139000"),
        attestation,
        gateway: gateway.map(str::to_owned),
    })
}

fn visit(url: &str) -> Event {
    Event::Url(UrlVisit {
        url: canonicalize(url).unwrap(),
        subscriber: None,
    })
}

fn sms(sender: &str, text: &str) -> Event {
    Event::Sms(Sms {
        sender: number(sender).into(),
        recipient: number("13900139000"),
        text: text.to_owned(),
    })
}

fn codes(engine: &Engine, event: &Event) -> (Verdict, Vec<String>) {
    let decision = engine.decide(event, &mut Scratch::new());
    (
        decision.verdict,
        decision.reasons.iter().map(|r| r.code.to_owned()).collect(),
    )
}

const N: Severity = Severity::Normal;

#[test]
fn a_blacklisted_domain_blocks_its_subdomains_however_the_link_is_written() {
    let engine = engine(&[
        (List::Black, Kind::Domain, "evil.example", N),
        (List::White, Kind::Domain, "bank.example", N),
    ]);
    let (verdict, reasons) = codes(
        &engine,
        &visit("HTTP://Login.EVIL.example:8080/a/../b/pay?x=1"),
    );
    assert_eq!(verdict, Verdict::Block);
    assert_eq!(reasons, ["url_blacklisted"]);
    assert_eq!(
        codes(&engine, &visit("https://www.bank.example/")).0,
        Verdict::Allow
    );
    assert_eq!(
        codes(&engine, &visit("https://unlisted.example/")),
        (Verdict::Allow, vec![])
    );
}

#[test]
fn a_reason_names_the_entry_that_matched() {
    let engine = engine(&[(List::Black, Kind::Domain, "evil.example", N)]);
    let decision = engine.decide(&visit("http://a.evil.example/"), &mut Scratch::new());
    assert_eq!(
        decision.reasons[0].detail,
        "the link is on the black list (fake_customer_service, source analyst, confidence 0.90)"
    );
    assert_eq!(decision.versions.lists, 3);
    assert_eq!(decision.versions.rules, "default-4");
}

/// The entry a list reason rests on: its list, kind, canonical value and source, whatever the
/// role and however the identifier was written.
#[test]
fn a_reason_carries_the_list_entry_that_matched() {
    let engine = engine(&[
        (List::Black, Kind::Domain, "evil.example", N),
        (List::Black, Kind::Url, "shop.example/pay/", N),
        (List::Gray, Kind::Number, "+8613800138000", N),
        (List::Black, Kind::Number, "13900000001", N),
        (List::Black, Kind::Range, "+86170123456*", N),
        (List::White, Kind::Number, "95588", N),
        (List::Black, Kind::Sender, "RoyalMail", N),
        (List::Black, Kind::App, "com.evil.loan", N),
        (List::Black, Kind::Account, "6217000010001234567", N),
    ]);
    let entry_of = |event: &Event| {
        let decision = engine.decide(event, &mut Scratch::new());
        let entry = decision.reasons[0].entry.clone().expect("an entry");
        (entry.list, entry.kind, entry.value, entry.source)
    };
    let e = |list, kind, value: &str| (list, kind, value.to_owned(), Source::Analyst);
    assert_eq!(
        entry_of(&visit("HTTP://a.b.Evil.example:80/x")),
        e(List::Black, Kind::Domain, "evil.example")
    );
    assert_eq!(
        entry_of(&visit("https://shop.example/pay/now?x=1")),
        e(List::Black, Kind::Url, "shop.example/pay/")
    );
    assert_eq!(
        entry_of(&call("+86 138-0013-8000", None, None)),
        e(List::Gray, Kind::Number, "+8613800138000")
    );
    assert_eq!(
        entry_of(&call("17012345678", None, None)),
        e(List::Black, Kind::Range, "+86170123456*")
    );
    assert_eq!(
        entry_of(&call("95588", None, None)),
        e(List::White, Kind::Number, "95588")
    );
    assert_eq!(
        entry_of(&sms(
            "13900139001",
            "点击 HTTP://pay.EVIL.example/claim 理赔"
        )),
        e(List::Black, Kind::Domain, "evil.example")
    );
    assert_eq!(
        entry_of(&sms("13900139001", "请回电 139-0000-0001")),
        e(List::Black, Kind::Number, "+8613900000001")
    );
    let from_royal_mail = Event::Sms(Sms {
        sender: fraudwall_ids::sender::SenderId::parse("Royal MAIL")
            .unwrap()
            .into(),
        recipient: number("13900139000"),
        text: "parcel".to_owned(),
    });
    // a listed "RoyalMail" is another sender than "royal mail"
    assert!(
        engine
            .decide(&from_royal_mail, &mut Scratch::new())
            .reasons
            .is_empty()
    );
    let from_royal_mail = Event::Sms(Sms {
        sender: fraudwall_ids::sender::SenderId::parse("ROYALMAIL")
            .unwrap()
            .into(),
        recipient: number("13900139000"),
        text: "parcel".to_owned(),
    });
    assert_eq!(
        entry_of(&from_royal_mail),
        e(List::Black, Kind::Sender, "royalmail")
    );
    let app = Event::App(AppUse {
        package: PackageName::parse("com.evil.loan").unwrap(),
        cert_sha256: None,
        subscriber: None,
    });
    assert_eq!(entry_of(&app), e(List::Black, Kind::App, "com.evil.loan"));
    let transfer = Event::Transfer(Transfer {
        from_account: Account::parse("6222020200112233445").unwrap(),
        to_account: Account::parse("6217 0000 1000 1234 567").unwrap(),
        amount_minor: 100,
        currency: *b"CNY",
        payer_phone: None,
    });
    assert_eq!(
        entry_of(&transfer),
        e(List::Black, Kind::Account, "6217000010001234567")
    );
    // reasons that rest on no entry carry none
    let spoofed = engine.decide(
        &call("13900139001", None, Some("international")),
        &mut Scratch::new(),
    );
    assert_eq!(spoofed.reasons[0].entry, None);
}

#[test]
fn a_whitelisted_platform_does_not_clear_a_blacklisted_site_on_it() {
    let engine = engine(&[
        (List::White, Kind::Domain, "pages.example", N),
        (List::Black, Kind::Domain, "scam.pages.example", N),
        (List::Black, Kind::Url, "pages.example/phish/", N),
    ]);
    assert_eq!(
        codes(&engine, &visit("http://scam.pages.example/")).0,
        Verdict::Block
    );
    assert_eq!(
        codes(&engine, &visit("http://pages.example/phish/login")).0,
        Verdict::Block
    );
    assert_eq!(
        codes(&engine, &visit("http://pages.example/docs/")).0,
        Verdict::Allow
    );
}

#[test]
fn path_entries_match_by_prefix_only() {
    let engine = engine(&[(List::Black, Kind::Url, "http://host.example/login/", N)]);
    assert_eq!(
        codes(&engine, &visit("http://host.example/login/step2")).0,
        Verdict::Block
    );
    assert_eq!(
        codes(&engine, &visit("http://host.example/about")).0,
        Verdict::Allow
    );
}

#[test]
fn official_numbers_are_allowed_unless_fatal_or_spoofed() {
    let whitelisted = engine(&[
        (List::White, Kind::Number, "96110", N),
        (List::Black, Kind::Number, "96110", N),
    ]);
    assert_eq!(
        codes(&whitelisted, &call("96110", None, None)),
        (Verdict::Allow, vec!["caller_official".to_owned()])
    );
    let fatal = engine(&[
        (List::White, Kind::Number, "96110", N),
        (List::Black, Kind::Number, "96110", Severity::Fatal),
    ]);
    assert_eq!(codes(&fatal, &call("96110", None, None)).0, Verdict::Block);
    // an official number from an international gateway is a spoof
    let (verdict, reasons) = codes(&whitelisted, &call("96110", None, Some("International")));
    assert_eq!(verdict, Verdict::Block);
    assert!(
        reasons.contains(&"spoofed_official_number".to_owned()),
        "{reasons:?}"
    );
}

#[test]
fn spoofing_signals_warn_on_unlisted_callers() {
    let engine = engine(&[]);
    assert_eq!(
        codes(&engine, &call("13800138000", Some(Attestation::C), None)),
        (Verdict::Warn, vec!["caller_unverified".to_owned()])
    );
    assert_eq!(
        codes(&engine, &call("13800138000", None, Some("international"))).1,
        ["spoofed_domestic_number"]
    );
    // a foreign number through the international gateway is ordinary
    assert_eq!(
        codes(&engine, &call("+14155550100", None, Some("international"))).0,
        Verdict::Allow
    );
}

#[test]
fn callers_in_listed_ranges_are_caught() {
    let engine = engine(&[
        (List::Black, Kind::Range, "+86170123456*", N),
        (List::Gray, Kind::Range, "+8617099*", N),
        (List::Gray, Kind::Number, "13800138000", N),
    ]);
    assert_eq!(
        codes(&engine, &call("17012345678", None, None)).1,
        ["caller_in_black_range"]
    );
    assert_eq!(
        codes(&engine, &call("17099000000", None, None)).1,
        ["caller_in_gray_range"]
    );
    assert_eq!(
        codes(&engine, &call("13800138000", None, None)).1,
        ["caller_graylisted"]
    );
    assert_eq!(
        codes(&engine, &call("13800138001", None, None)).0,
        Verdict::Allow
    );
}

#[test]
fn an_sms_is_judged_by_its_sender_and_the_links_and_numbers_in_its_text() {
    let engine = engine(&[
        (List::Black, Kind::Domain, "evil.example", N),
        (List::Black, Kind::Number, "17012345678", N),
        (List::Black, Kind::Number, "13800138000", N),
    ]);
    let decision = engine.decide(
        &sms(
            "13900139001",
            "您的快递丢失，请点击 HTTP://Pay.Evil.example/claim 办理理赔",
        ),
        &mut Scratch::new(),
    );
    assert_eq!(decision.verdict, Verdict::Block);
    assert_eq!(decision.reasons[0].code, "text_link_blacklisted");
    assert!(
        decision.reasons[0]
            .detail
            .contains("Pay.Evil.example/claim"),
        "{}",
        decision.reasons[0].detail
    );
    assert_eq!(
        codes(
            &engine,
            &sms("13900139001", "请回电 170-1234-5678 办理退款")
        )
        .1,
        ["text_number_blacklisted"]
    );
    assert_eq!(
        codes(&engine, &sms("13800138000", "hello")).1,
        ["sender_blacklisted"]
    );
    assert_eq!(
        codes(&engine, &sms("13900139001", "see you at 7")).0,
        Verdict::Allow
    );
}

#[test]
fn the_text_classifier_speaks_for_fraudulent_texts() {
    let model = Arc::new(Model::bundled().unwrap());
    let engine = Engine::new(
        Snapshot::empty(),
        Arc::new(RuleSet::builtin()),
        Some(model),
        Region::CN,
    );
    let fraud = sms(
        "13900139001",
        "URGENT! You have won a 1 week FREE membership in our £100,000 Prize Jackpot! Txt the word: CLAIM to No: 81010",
    );
    let decision = engine.decide(&fraud, &mut Scratch::new());
    assert_ne!(decision.verdict, Verdict::Allow, "{decision:?}");
    assert!(decision.risk > 0.7, "{decision:?}");
    assert!(decision.reasons[0].code.starts_with("text_"));
    assert!(
        decision.reasons[0].detail.contains("spam"),
        "{}",
        decision.reasons[0].detail
    );
    assert_ne!(decision.versions.model, "none");
    let normal = sms(
        "13900139001",
        "ok see you at the station at 7, bring the umbrella",
    );
    assert_eq!(
        engine.decide(&normal, &mut Scratch::new()).verdict,
        Verdict::Allow
    );
}

#[test]
fn the_risk_shows_the_classifier_below_every_rule_threshold() {
    let model = Arc::new(Model::bundled().unwrap());
    let engine = Engine::new(
        Snapshot::empty(),
        Arc::new(RuleSet::builtin()),
        Some(model.clone()),
        Region::CN,
    );
    for text in [
        "ok see you at the station at 7, bring the umbrella",
        "Free entry to our weekly draw, reply to claim your prize",
        "您的账户存在异常，请联系客服处理",
    ] {
        let mut scratch = fraudwall_text::Scratch::default();
        let probabilities = model.probabilities_with(text, &mut scratch);
        let text_risk = 1.0 - probabilities[model.normal_class().unwrap()];
        let decision = engine.decide(&sms("13900139001", text), &mut Scratch::new());
        assert!(text_risk > 0.0, "{text}: {text_risk}");
        // the verdict is the rules' (allow below 0.65); the risk still shows what was seen
        if text_risk < 0.65 {
            assert_eq!(decision.verdict, Verdict::Allow, "{text}: {decision:?}");
        }
        assert!(
            (decision.risk - text_risk).abs() < 1e-6 || decision.risk > text_risk,
            "{text}: risk {} for text risk {text_risk}",
            decision.risk
        );
    }
    // an unlisted link and no text model: nothing seen, no risk
    let plain = engine_without_rules_for_lists();
    let decision = plain.decide(&visit("https://gray.example/"), &mut Scratch::new());
    assert_eq!(decision.verdict, Verdict::Allow);
    assert!((decision.risk - 0.45).abs() < 1e-6, "{decision:?}");
}

/// A gray listing under a rule set that has no rule for it still shows in the risk.
fn engine_without_rules_for_lists() -> Engine {
    let rules = RuleSet::parse(
        r#"
version = "calls-only"
[[rule]]
id = "caller_blacklisted"
events = ["call"]
when = ["caller.black"]
verdict = "block"
risk = 0.95
reason = "caller_blacklisted"
detail = "the caller is on the black list"
"#,
        RulesFormat::Toml,
    )
    .unwrap();
    engine(&[(List::Gray, Kind::Domain, "gray.example", N)]).with_rules(Arc::new(rules))
}

#[test]
fn sms_sender_ids_are_looked_up_in_their_own_table() {
    let engine = engine(&[
        (List::Black, Kind::Sender, "RoyalMail", N),
        (List::White, Kind::Sender, "ICBC", N),
    ]);
    let from = |sender: &str| {
        Event::Sms(Sms {
            sender: fraudwall_ids::sender::SenderId::parse(sender)
                .unwrap()
                .into(),
            recipient: number("13900139000"),
            text: "hello".to_owned(),
        })
    };
    assert_eq!(
        codes(&engine, &from("ROYALMAIL")),
        (Verdict::Block, vec!["sender_blacklisted".to_owned()])
    );
    assert_eq!(
        codes(&engine, &from("icbc")),
        (Verdict::Allow, vec!["sender_official".to_owned()])
    );
    assert_eq!(codes(&engine, &from("Other")), (Verdict::Allow, vec![]));
}

#[test]
fn apps_are_matched_by_package_and_certificate() {
    let cert = "a".repeat(64);
    let engine = engine(&[
        (List::Black, Kind::App, "com.evil.loan", N),
        (List::Black, Kind::Cert, &cert, N),
    ]);
    let app = |package: &str, cert: Option<&str>| {
        Event::App(AppUse {
            package: PackageName::parse(package).unwrap(),
            cert_sha256: cert.map(|c| CertSha256::parse(c).unwrap()),
            subscriber: None,
        })
    };
    assert_eq!(
        codes(&engine, &app("com.evil.loan", None)).1,
        ["app_blacklisted"]
    );
    assert_eq!(
        codes(&engine, &app("com.fine.app", Some(&cert))).1,
        ["app_cert_blacklisted"]
    );
    assert_eq!(codes(&engine, &app("com.fine.app", None)).0, Verdict::Allow);
}

#[test]
fn transfers_to_listed_accounts_are_held() {
    let payee = "6222020200112233445";
    let engine = engine(&[(List::Black, Kind::Account, payee, N)]);
    let transfer = |to: &str| {
        Event::Transfer(Transfer {
            from_account: Account::parse("6222020200112233452").unwrap(),
            to_account: Account::parse(to).unwrap(),
            amount_minor: 150_000,
            currency: *b"CNY",
            payer_phone: None,
        })
    };
    let (verdict, reasons) = codes(&engine, &transfer(payee));
    assert_eq!(
        (verdict, reasons),
        (Verdict::Hold, vec!["payee_blacklisted".to_owned()])
    );
    assert_eq!(
        codes(&engine, &transfer("6222020200112233452")).0,
        Verdict::Allow
    );
}

#[test]
fn a_candidate_rule_set_decides_over_the_same_lists() {
    let engine = engine(&[(List::Gray, Kind::Domain, "shady.example", N)]);
    let strict = RuleSet::parse(
        r#"
        version = "strict-1"
        [[rule]]
        id = "gray_blocks"
        when = ["url.gray"]
        verdict = "block"
        risk = 0.8
        "#,
        RulesFormat::Toml,
    )
    .unwrap();
    let event = visit("http://shady.example/");
    assert_eq!(
        engine.decide(&event, &mut Scratch::new()).verdict,
        Verdict::Warn
    );
    let candidate = engine.decide_with(&strict, &event, &mut Scratch::new());
    assert_eq!(candidate.verdict, Verdict::Block);
    assert_eq!(candidate.versions.rules, "strict-1");
}

/// Links no list holds: what the link shows on its own, with a reason a person reads.
#[test]
fn a_fresh_link_on_a_brand_look_alike_domain_is_caught_with_readable_reasons() {
    let engine = engine(&[]);
    let decision = engine.decide(
        &sms(
            "13900139001",
            "【中国移动】您的积分即将清零，请登录 http://10086-jf.cc/jifen 兑换",
        ),
        &mut Scratch::new(),
    );
    assert!(
        matches!(decision.verdict, Verdict::Warn | Verdict::Block),
        "{decision:?}"
    );
    let details: Vec<&str> = decision.reasons.iter().map(|r| r.detail.as_ref()).collect();
    assert!(
        details.iter().any(|d| d.contains(
            "the link's domain 10086-jf.cc carries the brand China Mobile (10086) but is not one \
             of its domains 10086.cn, chinamobile.com"
        )),
        "{details:#?}"
    );
    assert!(
        decision
            .reasons
            .iter()
            .all(|r| r.code.starts_with("text_link_")),
        "{details:#?}"
    );

    let english = engine.decide(
        &sms(
            "13900139001",
            "Royal Mail: your parcel is on hold, pay the fee at https://royalmail-redelivery.info/fee",
        ),
        &mut Scratch::new(),
    );
    assert!(
        matches!(english.verdict, Verdict::Warn | Verdict::Block),
        "{english:?}"
    );
    assert!(
        english.reasons.iter().any(|r| r.detail.contains(
            "royalmail-redelivery.info carries the brand Royal Mail (royalmail) but is not one of \
             its domains royalmail.com"
        )),
        "{english:?}"
    );

    let official = sms(
        "13900139001",
        "Track your parcel at https://www.royalmail.com/track",
    );
    assert_eq!(codes(&engine, &official), (Verdict::Allow, vec![]));
    let decision = engine.decide(&official, &mut Scratch::new());
    assert_eq!(decision.risk, 0.0);
}

#[test]
fn a_notice_whose_only_links_are_official_is_not_flagged_on_its_words_alone() {
    let engine = Engine::new(
        Snapshot::empty(),
        Arc::new(RuleSet::builtin()),
        Some(Arc::new(Model::bundled().unwrap())),
        Region::CN,
    );
    let words = "HMRC: you are due a tax refund of £265.40. Claim it now before it expires at";
    let decide = |tail: &str| {
        let event = sms("13900139001", &format!("{words} {tail}"));
        engine.decide(&event, &mut Scratch::new())
    };
    let flagged = |decision: &Decision| matches!(decision.verdict, Verdict::Warn | Verdict::Block);

    let decision = decide("https://hmrc-refund-claim.top/claim");
    assert!(flagged(&decision), "{decision:?}");

    let decision = decide("https://www.gov.uk/claim-tax-refund");
    assert_eq!(decision.verdict, Verdict::Allow, "{decision:?}");
    assert!(
        decision
            .reasons
            .iter()
            .any(|r| r.code == "text_suspicious_official_links"),
        "{decision:?}"
    );
    // unsure is never zero
    assert!(decision.risk > 0.0, "{decision:?}");

    // a number nobody vouches for is a way out that is not the real one
    let decision = decide("https://www.gov.uk/claim-tax-refund or call 07700 900123");
    assert!(flagged(&decision), "{decision:?}");
}

#[test]
fn link_signals_block_only_with_a_second_sign_and_shorteners_only_raise_the_risk() {
    let engine = engine(&[]);
    // a brand on a suspicious TLD with a credential path: block
    let (verdict, reasons) = codes(
        &engine,
        &sms(
            "13900139001",
            "您的ETC已失效 http://etc-renzheng.top/renzheng 请认证",
        ),
    );
    assert_eq!(verdict, Verdict::Block, "{reasons:?}");
    assert!(reasons.contains(&"text_link_brand_lookalike".to_owned()));
    // a brand on an ordinary TLD, nothing else: warn
    assert_eq!(
        codes(
            &engine,
            &sms("13900139001", "see https://paypa1-secure.com/")
        )
        .0,
        Verdict::Warn
    );
    // a shortener alone: allowed, with its reason and some risk
    let decision = engine.decide(
        &sms("13900139001", "our sale: https://bit.ly/3abcdef"),
        &mut Scratch::new(),
    );
    assert_eq!(decision.verdict, Verdict::Allow);
    assert_eq!(decision.reasons[0].code, "text_link_shortener");
    assert!(decision.risk > 0.0 && decision.risk < 0.5);
    assert_eq!(
        decision.reasons[0].detail,
        "the text carries a shortened link: the link goes through the shortener bit.ly, which \
         hides where it leads"
    );
    // a link to a bare IP in a text
    assert_eq!(
        codes(
            &engine,
            &sms("13900139001", "log in at http://45.12.3.4/login")
        )
        .1,
        ["text_link_ip_host", "text_link_credential_path"]
    );
    // a white-listed link raises nothing, whatever it looks like
    let engine = self::engine(&[(List::White, Kind::Domain, "paypa1-secure.com", N)]);
    assert_eq!(
        codes(
            &engine,
            &sms("13900139001", "see https://paypa1-secure.com/")
        ),
        (Verdict::Allow, vec![])
    );
}

#[test]
fn a_visited_brand_look_alike_warns_and_official_sites_pass() {
    let engine = engine(&[]);
    let (verdict, reasons) = codes(&engine, &visit("https://icbc-vip.xyz/"));
    assert_eq!(verdict, Verdict::Block);
    assert_eq!(reasons[0], "url_brand_lookalike");
    let (verdict, reasons) = codes(&engine, &visit("https://paypai.com/"));
    assert_eq!(
        (verdict, reasons),
        (Verdict::Warn, vec!["url_brand_lookalike".to_owned()])
    );
    let decision = engine.decide(&visit("https://xn--pypal-4ve.com/"), &mut Scratch::new());
    assert_eq!(decision.verdict, Verdict::Warn);
    assert!(
        decision
            .reasons
            .iter()
            .any(|r| r.code == "url_punycode" && r.detail.contains("reads as pаypal")),
        "{decision:?}"
    );
    for url in [
        "https://www.royalmail.com/track",
        "https://m.icbc.com.cn/",
        "https://www.10086.cn/",
        "https://paypal.com/",
    ] {
        assert_eq!(
            codes(&engine, &visit(url)),
            (Verdict::Allow, vec![]),
            "{url}"
        );
    }
}

#[test]
fn a_transfer_is_held_while_its_payer_talks_to_a_listed_number_and_not_after() {
    use fraudwall_rules::{PartyFact, Screening, flag};
    let engine = engine(&[]);
    let payer_phone = number("13800138000");
    let fraud = number("17100000099");
    let payee = Account::parse("6217000010001234567").unwrap();
    let transfer = Event::Transfer(Transfer {
        from_account: Account::parse("6222020200112233445").unwrap(),
        to_account: payee,
        amount_minor: 500_000,
        currency: *b"CNY",
        payer_phone: Some(payer_phone),
    });
    let mut calls = hashbrown::HashMap::new();
    calls.insert(payer_phone.key(), (1_000, fraud.key()));
    engine
        .screening()
        .store(Arc::new(Screening::new().with_calls(calls)));
    let decide = |now: i64| {
        let mut scratch = Scratch::new();
        scratch.set_now(now);
        let decision = engine.decide(&transfer, &mut scratch);
        (
            decision.verdict,
            decision
                .reasons
                .iter()
                .map(|r| r.code.to_owned())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        decide(900),
        (Verdict::Hold, vec!["payer_in_call_with_fraud".to_owned()])
    );
    // the call ended: nothing else is known against the transfer
    assert_eq!(decide(1_001), (Verdict::Allow, vec![]));
    // an engine made from this one for a new snapshot keeps what screening knows
    let renewed = engine.with_snapshot(snapshot(&[]));
    let mut payees = hashbrown::HashMap::new();
    payees.insert(payee.key(), flag(PartyFact::PayeeYoungManyPayers));
    renewed
        .screening()
        .store(Arc::new(engine.screening().load().with_payees(payees)));
    let (verdict, reasons) = codes(&engine, &transfer);
    assert_eq!(verdict, Verdict::Hold);
    assert!(
        reasons.contains(&"payee_mule_pattern".to_owned()),
        "{reasons:?}"
    );
}
