//! Lists end to end: files imported with the command line, entries changed over the API, and the
//! decisions that follow, through the real binary and the real server.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{Server, get, post, run, send};

fn import(
    data_dir: &std::path::Path,
    list: &str,
    kind: &str,
    format: &str,
    file: &std::path::Path,
) -> String {
    let (code, stdout, stderr) = run(
        &[
            "lists",
            "import",
            "--data-dir",
            data_dir.to_str().unwrap(),
            "--list",
            list,
            "--kind",
            kind,
            "--format",
            format,
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    stdout
}

fn decide(server: &Server, token: &str, events: serde_json::Value) -> Vec<serde_json::Value> {
    let reply = post(
        &server.url("/v1/decisions"),
        Some(token),
        &json!({"events": events}).to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["decisions"].as_array().unwrap().clone()
}

fn verdict_of_url(server: &Server, token: &str, url: &str) -> String {
    decide(server, token, json!([{"kind": "url", "url": url}]))[0]["verdict"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The issue's acceptance scenario on the real lists: URLhaus (abp), the eth-phishing black and
/// white lists (plain), and generated numbers.
#[test]
fn imported_lists_block_links_subdomains_and_texts_and_allow_the_rest() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let urlhaus = fraudwall_testdata::require!("urls/urlhaus-filter-online.txt");
    let eth_black = fraudwall_testdata::require!("urls/eth-phishing-blacklist.txt");
    let eth_white = fraudwall_testdata::require!("urls/eth-phishing-whitelist.txt");
    let summary = import(&data, "black", "url", "abp", &urlhaus);
    assert!(summary.starts_with("imported "), "{summary}");
    assert!(summary.contains("rejected 0"), "{summary}");
    import(&data, "black", "domain", "plain", &eth_black);
    import(&data, "white", "domain", "plain", &eth_white);
    let numbers: String = (0..20_000u64)
        .map(|i| format!("+86138{:08}\n", i * 7))
        .collect();
    let numbers_file = temp.path().join("numbers.txt");
    std::fs::write(&numbers_file, numbers).unwrap();
    let summary = import(&data, "black", "number", "plain", &numbers_file);
    assert!(
        summary.starts_with("imported 20000, duplicate 0, rejected 0"),
        "{summary}"
    );

    let server = Server::start_in(&data, &[]);
    let telco = server.token("telco");
    let decisions = decide(
        &server,
        &telco,
        json!([
            // a subdomain of a black-listed domain, upper case, a port and `..`
            {"kind": "url", "url": "HTTP://Login.WALLET.0ARMY.io:8443/a/../connect/?ref=1"},
            {"kind": "url", "url": "https://1ethereum.ru/"},
            {"kind": "url", "url": "https://example.org/docs"},
            {"kind": "sms", "sender": "13900139000", "recipient": "13700137000",
             "text": "您的钱包异常，请立即访问 http://secure.0army.io/verify 验证"},
            {"kind": "call", "caller": "+86 138 0000 0014", "callee": "13700137000"},
            {"kind": "call", "caller": "13800000015", "callee": "13700137000"},
        ]),
    );
    let verdicts: Vec<_> = decisions
        .iter()
        .map(|d| d["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        ["block", "allow", "allow", "block", "block", "allow"],
        "{decisions:#?}"
    );
    assert_eq!(decisions[0]["reasons"][0]["code"], "url_blacklisted");
    assert_eq!(decisions[1]["reasons"][0]["code"], "url_whitelisted");
    assert_eq!(decisions[3]["reasons"][0]["code"], "text_link_blacklisted");
    assert_eq!(decisions[4]["reasons"][0]["code"], "caller_blacklisted");
    // a path entry of the abp list blocks below its path only
    let path_rule = std::fs::read_to_string(&urlhaus)
        .unwrap()
        .lines()
        .find_map(|line| {
            let rule = line
                .strip_prefix("||")?
                .split('$')
                .next()?
                .trim_end_matches('^');
            rule.contains('/').then(|| rule.to_owned())
        })
        .unwrap();
    let host = path_rule.split('/').next().unwrap();
    assert_eq!(
        verdict_of_url(&server, &telco, &format!("http://{path_rule}")),
        "block"
    );
    assert_eq!(
        verdict_of_url(
            &server,
            &telco,
            &format!("http://{host}/elsewhere-not-listed")
        ),
        "allow"
    );
}

/// Alphanumeric SMS senders are listed (imported and put through the API) and checked; a short
/// code stays a number.
#[test]
fn sms_sender_ids_are_listed_and_checked() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let file = temp.path().join("senders.txt");
    // a sender that is a number is listed as that number
    std::fs::write(&file, "RoyalMail\n  Royal-Mail \n13800000099\n<bad>\n").unwrap();
    let summary = import(&data, "black", "sender", "plain", &file);
    assert!(
        summary.starts_with("imported 3, duplicate 0, rejected 1"),
        "{summary}"
    );
    assert!(summary.contains("sender_invalid_characters"), "{summary}");

    let server = Server::start_in(&data, &[]);
    let analyst = server.token("analyst");
    let telco = server.token("telco");
    let put = post(
        &server.url("/v1/lists/gray/entries"),
        Some(&analyst),
        &json!({"entries": [{"kind": "sender", "value": " ICBC-Notice "}]}).to_string(),
    );
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(
        put.body["results"][0]["value"], "icbc-notice",
        "{}",
        put.text
    );
    let sms = |sender: &str| json!({"kind": "sms", "sender": sender, "recipient": "13700137000", "text": "hello"});
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let decisions = decide(
            &server,
            &telco,
            json!([
                sms("ROYALMAIL"),
                sms("icbc-notice"),
                sms("+86 138 0000 0099"),
                sms("95588"),
                sms("Unlisted")
            ]),
        );
        let verdicts: Vec<_> = decisions.iter().map(|d| d["verdict"].clone()).collect();
        if verdicts == ["block", "warn", "block", "allow", "allow"] {
            assert_eq!(decisions[0]["reasons"][0]["code"], "sender_blacklisted");
            // the reason names the entry that matched
            assert_eq!(
                decisions[0]["reasons"][0]["entry"],
                json!({"list": "black", "kind": "sender", "value": "royalmail", "source": "import"})
            );
            assert_eq!(decisions[1]["reasons"][0]["code"], "sender_graylisted");
            assert_eq!(
                decisions[1]["reasons"][0]["entry"],
                json!({"list": "gray", "kind": "sender", "value": "icbc-notice", "source": "analyst"})
            );
            assert_eq!(
                decisions[2]["reasons"][0]["entry"]["value"],
                "+8613800000099"
            );
            assert_eq!(decisions[2]["reasons"][0]["code"], "sender_blacklisted");
            // a short code stays a number: the official whitelist knows it
            assert_eq!(decisions[3]["reasons"][0]["code"], "sender_official");
            assert_eq!(decisions[4]["reasons"], json!([]));
            break;
        }
        assert!(Instant::now() < deadline, "{decisions:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let garbage = decide(&server, &telco, json!([sms("<script>")]));
    assert_eq!(
        garbage[0]["error"]["code"], "invalid_sender",
        "{garbage:#?}"
    );
}

#[test]
fn a_change_through_the_api_reaches_decisions_and_the_change_feed() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let telco = server.token("telco");
    assert_eq!(
        verdict_of_url(&server, &telco, "http://pay.scam-shop.example/"),
        "allow"
    );

    let started = Instant::now();
    let put = post(
        &server.url("/v1/lists/black/entries"),
        Some(&analyst),
        &json!({"entries": [
            {"kind": "domain", "value": "Scam-Shop.example", "fraud_type": "fake_online_shopping", "confidence": 0.9},
            {"kind": "number", "value": "not a number"},
            {"kind": "domain", "value": "scam-shop.example"},
        ]})
        .to_string(),
    );
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.body["results"][0]["outcome"], "added");
    assert_eq!(put.body["results"][0]["value"], "scam-shop.example");
    assert_eq!(
        put.body["results"][1]["error"]["code"],
        "phone_invalid_characters"
    );
    assert_eq!(put.body["results"][2]["outcome"], "duplicate");
    let deadline = Instant::now() + Duration::from_secs(5);
    while verdict_of_url(&server, &telco, "http://pay.scam-shop.example/") != "block" {
        assert!(
            Instant::now() < deadline,
            "the change never reached decisions"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    eprintln!("a list change reached decisions in {:?}", started.elapsed());
    let decision = &decide(
        &server,
        &telco,
        json!([{"kind": "url", "url": "http://pay.scam-shop.example/"}]),
    )[0];
    let detail = decision["reasons"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("fake_online_shopping"), "{detail}");
    let version = put.body["version"].as_u64().unwrap();
    assert!(decision["versions"]["lists"].as_u64().unwrap() >= version);

    let removed = post(
        &server.url("/v1/lists/black/remove"),
        Some(&analyst),
        &json!({"entries": [{"kind": "domain", "value": "scam-shop.example"}, {"kind": "domain", "value": "never.example"}]}).to_string(),
    );
    assert_eq!(
        removed.body["results"][0]["outcome"], "removed",
        "{}",
        removed.text
    );
    assert_eq!(removed.body["results"][1]["outcome"], "not_found");
    let deadline = Instant::now() + Duration::from_secs(5);
    while verdict_of_url(&server, &telco, "http://pay.scam-shop.example/") != "allow" {
        assert!(
            Instant::now() < deadline,
            "the removal never reached decisions"
        );
        std::thread::sleep(Duration::from_millis(5));
    }

    // the feed carries the addition, then the tombstone, from the version before them
    let feed = get(
        &server.url(&format!("/v1/lists/changes?since={}", version - 1)),
        Some(&telco),
    );
    assert_eq!(feed.status, 200, "{}", feed.text);
    let changes = feed.body["changes"].as_array().unwrap();
    let ops: Vec<_> = changes
        .iter()
        .filter(|c| c["value"] == "scam-shop.example")
        .map(|c| c["op"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["remove"], "{changes:#?}");
    let paged = get(
        &server.url("/v1/lists/changes?since=0&limit=1"),
        Some(&telco),
    );
    assert_eq!(paged.body["changes"].as_array().unwrap().len(), 1);
    assert!(paged.body["next"]["after"].is_i64(), "{}", paged.text);

    // the entry keeps its history, and reading it is audited
    let entry = get(
        &server.url("/v1/lists/black/entries/domain/scam-shop.example"),
        Some(&analyst),
    );
    assert_eq!(entry.status, 200, "{}", entry.text);
    assert_eq!(entry.body["entry"]["removed"], true);
    let actions: Vec<_> = entry.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["add", "remove"]);
    let admin = server.token("admin");
    let audit = get(&server.url("/v1/audit?limit=1000"), Some(&admin));
    assert!(audit.text.contains("lists.read"), "{}", audit.text);
    // telcos follow the feed but do not curate
    let forbidden = post(
        &server.url("/v1/lists/black/entries"),
        Some(&telco),
        r#"{"entries":[{"kind":"domain","value":"x.example"}]}"#,
    );
    assert_eq!(forbidden.body["error"]["code"], "forbidden_role");
}

#[test]
fn the_official_whitelist_is_seeded_and_only_an_admin_changes_it() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let admin = server.token("admin");
    let telco = server.token("telco");
    let call = json!([{"kind": "call", "caller": "96110", "callee": "13700137000"}]);
    assert_eq!(
        decide(&server, &telco, call.clone())[0]["reasons"][0]["code"],
        "caller_official"
    );
    let body = json!({"entries": [{"kind": "number", "value": "96110"}]}).to_string();
    let refused = post(&server.url("/v1/lists/white/remove"), Some(&analyst), &body);
    assert_eq!(
        refused.body["results"][0]["error"]["code"], "forbidden_official",
        "{}",
        refused.text
    );
    let official = json!({"entries": [{"kind": "number", "value": "12345", "source": "official"}]})
        .to_string();
    let refused = post(
        &server.url("/v1/lists/white/entries"),
        Some(&analyst),
        &official,
    );
    assert_eq!(
        refused.body["results"][0]["error"]["code"],
        "forbidden_official"
    );
    let removed = post(&server.url("/v1/lists/white/remove"), Some(&admin), &body);
    assert_eq!(
        removed.body["results"][0]["outcome"], "removed",
        "{}",
        removed.text
    );
}

#[test]
fn an_analyst_cannot_block_the_police() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let admin = server.token("admin");
    let telco = server.token("telco");
    // a fatal black entry beats the whitelist, so listing an official number is an admin's
    let body = json!({"entries": [
        {"kind": "number", "value": "110", "severity": "fatal"},
        {"kind": "number", "value": "13800138000", "severity": "fatal"},
    ]})
    .to_string();
    for list in ["black", "gray"] {
        let reply = post(
            &server.url(&format!("/v1/lists/{list}/entries")),
            Some(&analyst),
            &body,
        );
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(
            reply.body["results"][0]["error"]["code"], "forbidden_official",
            "{list}"
        );
        assert_eq!(reply.body["results"][1]["outcome"], "added", "{list}");
    }
    let import = send(
        "POST",
        &server.url("/v1/lists/black/import?kind=number&format=plain"),
        Some(&analyst),
        "text/plain",
        "96110\n13900139000\n",
    );
    assert_eq!(import.status, 200, "{}", import.text);
    assert_eq!(import.body["imported"], 1);
    assert_eq!(import.body["rejected"][0]["code"], "forbidden_official");
    assert_eq!(import.body["rejected"][0]["line"], 1);

    let wait_for = |verdict: &str, caller: &str| {
        let call = json!([{"kind": "call", "caller": caller, "callee": "13700137000"}]);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let got = decide(&server, &telco, call.clone())[0]["verdict"].clone();
            if got == verdict || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    assert_eq!(wait_for("block", "13800138000"), "block");
    for caller in ["110", "96110"] {
        assert_eq!(wait_for("allow", caller), "allow", "{caller}");
    }
    // an administrator may, when a spoofing campaign calls for it
    let fatal = json!({"entries": [{"kind": "number", "value": "110", "severity": "fatal"}]});
    let reply = post(
        &server.url("/v1/lists/black/entries"),
        Some(&admin),
        &fatal.to_string(),
    );
    assert_eq!(
        reply.body["results"][0]["outcome"], "added",
        "{}",
        reply.text
    );
    assert_eq!(wait_for("block", "110"), "block");
}

#[test]
fn a_phone_checks_a_number_by_hash_prefix_without_revealing_it() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let reporter = server.token("reporter");
    post(
        &server.url("/v1/lists/black/entries"),
        Some(&analyst),
        &json!({"entries": [{"kind": "number", "value": "13800138000"}, {"kind": "url", "value": "http://evil.example/login/"}]}).to_string(),
    );
    use sha2::Digest;
    for text in ["+8613800138000", "evil.example/login/"] {
        let full = hex::encode(sha2::Sha256::digest(text.as_bytes()));
        let reply = get(
            &server.url(&format!("/v1/lookup/{}", &full[..8])),
            Some(&reporter),
        );
        assert_eq!(reply.status, 200, "{}", reply.text);
        let hashes: Vec<_> = reply.body["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["sha256"].as_str().unwrap().to_owned())
            .collect();
        assert!(hashes.contains(&full), "{text}: {}", reply.text);
    }
    let short = get(&server.url("/v1/lookup/abcd"), Some(&reporter));
    assert_eq!(
        (short.status, short.body["error"]["code"].as_str()),
        (400, Some("invalid_parameter"))
    );
}

#[test]
fn list_files_import_and_export_over_the_api_with_every_rejected_line_named() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let file = "! a comment\n||evil.example^\n||evil.example/login/^$all\n##.banner\n0.0.0.0\n";
    let reply = send(
        "POST",
        &server.url("/v1/lists/black/import?kind=url&format=abp"),
        Some(&analyst),
        "text/plain",
        file,
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["imported"], 3, "{}", reply.text);
    let rejected: Vec<_> = reply.body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(rejected, [4]);
    let export = get(
        &server.url("/v1/lists/black/export?kind=url&format=abp"),
        Some(&analyst),
    );
    assert_eq!(export.text, "||evil.example/login/^\n");
    let export = get(
        &server.url("/v1/lists/black/export?kind=domain&format=hosts"),
        Some(&analyst),
    );
    assert_eq!(export.text, "0.0.0.0 evil.example\n");
}

/// Operators' and banks' nodes take what deciding needs and nothing about who listed an entry or
/// why; a bank takes only the cards its own bank issued.
#[test]
fn exports_and_the_feed_give_banks_and_operators_only_what_they_decide_by() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let reply = post(
        &server.url("/v1/lists/black/entries"),
        Some(&analyst),
        &json!({"entries": [
            {"kind": "account", "value": "6222020200112233446", "note": "informant wang"},
            {"kind": "account", "value": "6217000010012345677", "note": "informant wang"},
            {"kind": "number", "value": "13800138000", "note": "informant wang"},
        ]})
        .to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let scoped = |role: &str, org: &str| {
        let token = support::create_token(&server.data_dir, role, &["--org", org]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while get(&server.url("/v1/whoami"), Some(&token)).status != 200 {
            assert!(Instant::now() < deadline, "the token was never accepted");
            std::thread::sleep(Duration::from_millis(20));
        }
        token
    };
    let icbc = scoped("bank", "ICBC");
    let telco = scoped("telco", "cmcc");
    let export = |token: &str, kind: &str| {
        get(
            &server.url(&format!("/v1/lists/black/export?kind={kind}&format=csv")),
            Some(token),
        )
    };

    let accounts = export(&icbc, "account");
    assert_eq!(accounts.status, 200, "{}", accounts.text);
    assert!(
        accounts.text.contains("6222020200112233446"),
        "{}",
        accounts.text
    );
    assert!(
        !accounts.text.contains("6217000010012345677"),
        "{}",
        accounts.text
    );
    assert!(!accounts.text.contains("informant"), "{}", accounts.text);
    assert!(!accounts.text.contains("analyst test"), "{}", accounts.text);
    assert_eq!(
        export(&icbc, "number").body["error"]["code"],
        "forbidden_scope"
    );

    let numbers = export(&telco, "number");
    assert!(numbers.text.contains("+8613800138000"), "{}", numbers.text);
    assert!(!numbers.text.contains("informant"), "{}", numbers.text);
    assert_eq!(
        export(&telco, "account").body["error"]["code"],
        "forbidden_scope"
    );
    let full = export(&analyst, "number");
    assert!(full.text.contains("informant"), "{}", full.text);

    let feed = |token: &str| {
        let feed = get(&server.url("/v1/lists/changes?since=0"), Some(token));
        assert_eq!(feed.status, 200, "{}", feed.text);
        feed.body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|change| {
                assert!(change.get("source").is_none(), "{change}");
                change["value"].as_str().unwrap().to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(feed(&icbc), ["6222020200112233446"]);
    // the operator follows every number, the official whitelist's included, and no account
    let followed = feed(&telco);
    assert!(followed.iter().any(|value| value == "+8613800138000"));
    assert!(followed.iter().any(|value| value == "110"));
    assert!(
        !followed.iter().any(|value| value.starts_with("62")),
        "{followed:?}"
    );
}

#[test]
fn rule_sets_are_validated_tried_on_recent_traffic_and_replaced_without_a_restart() {
    let server = Server::start();
    let admin = server.token("admin");
    let analyst = server.token("analyst");
    let telco = server.token("telco");
    post(
        &server.url("/v1/lists/gray/entries"),
        Some(&analyst),
        &json!({"entries": [{"kind": "domain", "value": "shady.example"}]}).to_string(),
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while verdict_of_url(&server, &telco, "http://shady.example/") != "warn" {
        assert!(
            Instant::now() < deadline,
            "the gray entry never reached decisions"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // recent traffic for the dry run: one event in sixteen is kept
    let events: Vec<_> = (0..320)
        .map(|i| json!({"kind": "url", "url": format!("http://shady.example/{i}")}))
        .collect();
    decide(&server, &telco, json!(events));

    let bad = "version = \"strict-0\"\n[[rule]]\nid = \"x\"\nwhen = [\"url.purple\"]\nverdict = \"block\"\nrisk = 1.0\n";
    let refused = send(
        "PUT",
        &server.url("/v1/rules"),
        Some(&admin),
        "application/toml",
        bad,
    );
    assert_eq!(
        (refused.status, refused.body["error"]["code"].as_str()),
        (422, Some("rules_unknown_signal"))
    );

    let strict = "version = \"strict-1\"\n[[rule]]\nid = \"gray_links_block\"\nwhen = [\"url.gray\"]\nverdict = \"block\"\nrisk = 0.8\n";
    let dry = send(
        "POST",
        &server.url("/v1/rules/dry-run"),
        Some(&analyst),
        "application/toml",
        strict,
    );
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert!(dry.body["changed"].as_u64().unwrap() >= 10, "{}", dry.text);
    assert_eq!(
        dry.body["transitions"][0],
        json!({"from": "warn", "to": "block", "count": dry.body["changed"]})
    );

    let analyst_put = send(
        "PUT",
        &server.url("/v1/rules"),
        Some(&analyst),
        "application/toml",
        strict,
    );
    assert_eq!(analyst_put.body["error"]["code"], "forbidden_role");
    let put = send(
        "PUT",
        &server.url("/v1/rules"),
        Some(&admin),
        "application/toml",
        strict,
    );
    assert_eq!(put.status, 200, "{}", put.text);
    let decision = &decide(
        &server,
        &telco,
        json!([{"kind": "url", "url": "http://shady.example/"}]),
    )[0];
    assert_eq!(decision["verdict"], "block");
    assert_eq!(decision["versions"]["rules"], "strict-1");
    // the rule set survives a restart
    let data_dir = server.data_dir.clone();
    assert!(server.stop().success());
    let server = Server::start_in(&data_dir, &[]);
    let rules = get(&server.url("/v1/rules"), Some(&analyst));
    assert_eq!(rules.body["version"], "strict-1", "{}", rules.text);
}

/// What an import left behind, without who made it and when: the entries with their history,
/// and the audit detail.
fn import_traces(
    server: &Server,
    admin: &str,
    values: &[&str],
) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut entries = Vec::new();
    for value in values {
        let reply = get(
            &server.url(&format!("/v1/lists/white/entries/number/{value}")),
            Some(admin),
        );
        assert_eq!(reply.status, 200, "{value}: {}", reply.text);
        let mut entry = reply.body["entry"].clone();
        for field in ["id", "author", "created_at", "updated_at", "version"] {
            entry.as_object_mut().unwrap().remove(field);
        }
        let history: Vec<_> = reply.body["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| json!([h["action"], h["before"], h["after"]]))
            .collect();
        entries.push(json!({"entry": entry, "history": history}));
    }
    let audit = get(&server.url("/v1/audit?limit=1000"), Some(admin));
    let detail = audit
        .body
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["action"] == "lists.import")
        .map(|e| serde_json::from_str(e["detail"].as_str().unwrap()).unwrap())
        .expect("the import is audited");
    (entries, detail)
}

#[test]
fn the_command_line_and_the_api_import_a_file_the_same_way() {
    // a white list with an official number already on it (110, seeded), a duplicate, a bad
    // line and a comment; csv, so that lines carry their own fraud types and confidences
    let file = "value,fraud_type,confidence\n\
                13800138000,,0.5\n\
                13900139000,fake_customer_service,\n\
                +86 138 0013 8000,,\n\
                110,,\n\
                not a number,,\n";
    let values = ["+8613800138000", "+8613900139000", "110"];

    let by_cli = Server::start();
    let admin_cli = by_cli.token("admin");
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("white.csv");
    std::fs::write(&path, file).unwrap();
    let (code, stdout, stderr) = run(
        &[
            "lists",
            "import",
            "--data-dir",
            by_cli.data_dir.to_str().unwrap(),
            "--list",
            "white",
            "--kind",
            "number",
            "--format",
            "csv",
            "--fraud-type",
            "impersonate_police_government",
            "--json",
            path.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    let cli_summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();

    let by_api = Server::start();
    let admin_api = by_api.token("admin");
    let reply = send(
        "POST",
        &by_api.url("/v1/lists/white/import?kind=number&format=csv&fraud_type=impersonate_police_government"),
        Some(&admin_api),
        "text/csv",
        file,
    );
    assert_eq!(reply.status, 200, "{}", reply.text);

    // the same counts and rejected lines (versions differ only by what each store held)
    let without_version = |mut summary: serde_json::Value| {
        summary.as_object_mut().unwrap().remove("version");
        summary
    };
    assert_eq!(
        without_version(cli_summary.clone()),
        without_version(reply.body.clone())
    );
    assert_eq!(cli_summary["imported"], 2, "{cli_summary}");
    assert_eq!(cli_summary["duplicate"], 2, "{cli_summary}");

    let (cli_entries, cli_audit) = import_traces(&by_cli, &admin_cli, &values);
    let (api_entries, api_audit) = import_traces(&by_api, &admin_api, &values);
    assert_eq!(cli_entries, api_entries);
    assert_eq!(
        cli_entries[1]["entry"]["fraud_type"],
        "fake_customer_service"
    );
    assert_eq!(
        cli_entries[0]["entry"]["fraud_type"],
        "impersonate_police_government"
    );
    assert_eq!(cli_entries[2]["entry"]["source"], "official");
    let drop_version = |mut detail: serde_json::Value| {
        detail.as_object_mut().unwrap().remove("version");
        detail
    };
    assert_eq!(drop_version(cli_audit), drop_version(api_audit));
}
