//! A cluster shared as STIX 2.1 and as a MISP event through the real binary and the real
//! server: the bundle passes STIX's checks, both hold the shared number and account and read
//! back as them, no victim leaves, and a station shares only what it may see.

mod support;

use fraudwall_sharing::{misp, stix};
use serde_json::{Value, json};
use support::{Server, get};

/// The number and account the three cases share; the account has 20 digits, so it is no card.
const NUMBER: &str = "+8617100000009";
const ACCOUNT: &str = "62220200000000000017";

fn file(server: &Server, token: &str, victim: &str, territory: &str, contacts: Value) -> i64 {
    let case = json!({
        "fraud_type": "impersonate_police_government",
        "reported_at": "2026-11-02T09:30:00Z",
        "victim": {"phone": victim, "territory": territory},
        "loss": {"amount": 30000.0, "currency": "CNY"},
        "contacts": contacts,
        "payments": [{"to_account": "6222 0200 0000 0000 0017", "amount": 30000.0,
            "currency": "CNY", "time": "2026-11-01T11:00:00Z"}],
    });
    let reply = support::post(&server.url("/v1/cases"), Some(token), &case.to_string());
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().unwrap()
}

fn export(server: &Server, token: &str, id: i64, format: &str) -> support::Reply {
    get(
        &server.url(&format!("/v1/cases/{id}/export?format={format}")),
        Some(token),
    )
}

fn observables<'a>(bundle: &'a Value, kind: &str, property: &str) -> Vec<&'a str> {
    bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == kind)
        .map(|o| o[property].as_str().unwrap())
        .collect()
}

#[test]
fn a_cluster_leaves_as_valid_stix_and_as_a_misp_event_without_its_victims() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let contact =
        |value: &str| json!({"kind": "number", "value": value, "time": "2026-11-01T10:00:00Z"});
    let a = file(
        &server,
        &analyst,
        "13800000001",
        "500101",
        // the police's own number never links, and is never shared as a fraudster's
        json!([contact(NUMBER), contact("96110")]),
    );
    let b = file(
        &server,
        &analyst,
        "13800000002",
        "500101",
        json!([contact("171 0000 0009")]),
    );
    let c = file(
        &server,
        &analyst,
        "13800000003",
        "500102",
        json!([contact(NUMBER),
            {"kind": "url", "value": "https://police-case.example/verify", "time": "2026-11-01T10:05:00Z"}]),
    );

    let reply = export(&server, &analyst, a, "stix");
    assert_eq!(reply.status, 200, "{}", reply.text);
    let bundle = reply.body;
    if let Err(violations) = stix::validate(&bundle) {
        panic!("{violations:#?}\n{bundle:#}");
    }
    assert_eq!(observables(&bundle, "phone-number", "value"), [NUMBER]);
    assert_eq!(
        observables(&bundle, "bank-account", "account_number"),
        [ACCOUNT]
    );
    assert_eq!(
        observables(&bundle, "url", "value"),
        ["http://police-case.example/verify"]
    );
    assert_eq!(observables(&bundle, "incident", "name").len(), 3);
    let text = bundle.to_string();
    for victim in ["13800000001", "13800000002", "13800000003", "96110"] {
        assert!(!text.contains(victim), "{victim} left in {text}");
    }
    // the same cluster exports the same ids
    let again = export(&server, &analyst, b, "stix").body;
    let ids = |bundle: &Value| -> Vec<Value> {
        let mut ids: Vec<Value> = bundle["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].clone())
            .collect();
        ids.sort_by_key(|id| id.to_string());
        ids
    };
    assert_eq!(ids(&bundle), ids(&again));

    let reply = export(&server, &analyst, c, "misp");
    assert_eq!(reply.status, 200, "{}", reply.text);
    let event = reply.body;
    let attributes = event["Event"]["Attribute"].as_array().unwrap();
    let of_type = |kind: &str| -> Vec<&str> {
        attributes
            .iter()
            .filter(|a| a["type"] == kind)
            .map(|a| a["value"].as_str().unwrap())
            .collect()
    };
    assert_eq!(of_type("phone-number"), [NUMBER]);
    assert_eq!(of_type("bank-account-nr"), [ACCOUNT]);
    for attribute in attributes {
        assert!(attribute["uuid"].as_str().is_some_and(|u| u.len() == 36));
        assert!(attribute["category"].is_string() && attribute["to_ids"].is_boolean());
    }
    let text = event.to_string();
    assert!(!text.contains("13800000003"), "{text}");
    // what leaves reads back as the shared identifiers
    let read = misp::attributes(text.as_bytes()).unwrap();
    let values: Vec<&str> = read.identifiers.iter().map(|i| i.value.as_str()).collect();
    assert!(
        values.contains(&NUMBER) && values.contains(&ACCOUNT),
        "{values:?}"
    );
    let read = misp::attributes(bundle.to_string().as_bytes()).unwrap();
    let values: Vec<&str> = read.identifiers.iter().map(|i| i.value.as_str()).collect();
    assert!(
        values.contains(&NUMBER) && values.contains(&ACCOUNT),
        "{values:?}"
    );

    let admin = server.token("admin");
    let audit = get(&server.url("/v1/audit?limit=1000"), Some(&admin));
    let exports: Vec<Value> = audit
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "case.export")
        .cloned()
        .collect();
    assert_eq!(exports.len(), 3, "{exports:?}");
    assert_eq!(exports[0]["resource"], format!("case:{a}"));
}

#[test]
fn a_station_shares_only_what_it_may_see_of_a_cluster() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let contact = |value: &str| json!({"kind": "number", "value": value});
    let ours = file(
        &server,
        &analyst,
        "13800000001",
        "500101",
        json!([contact(NUMBER)]),
    );
    file(
        &server,
        &analyst,
        "13800000002",
        "500101",
        json!([contact(NUMBER)]),
    );
    let theirs = file(
        &server,
        &analyst,
        "13800000003",
        "500102",
        // named by their case alone: not for another territory's station
        json!([contact(NUMBER), contact("+8613911112222")]),
    );
    let station = server.token_with("station", &["--territory", "500101"]);

    let reply = export(&server, &station, ours, "stix");
    assert_eq!(reply.status, 200, "{}", reply.text);
    let bundle = reply.body;
    assert!(stix::validate(&bundle).is_ok());
    // the other territory's case is in the cluster, as linked shows it
    assert_eq!(observables(&bundle, "incident", "name").len(), 3);
    assert_eq!(observables(&bundle, "phone-number", "value"), [NUMBER]);
    assert_eq!(
        observables(&bundle, "bank-account", "account_number"),
        [ACCOUNT]
    );
    assert!(!bundle.to_string().contains("13911112222"));

    let refused = export(&server, &station, theirs, "misp");
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.body["error"]["code"], "forbidden_scope");
    let bank = server.token("bank");
    let refused = export(&server, &bank, ours, "stix");
    assert_eq!(refused.status, 403, "{}", refused.text);
    for query in ["", "?format=csv", "?format=stix&x=1"] {
        let reply = get(
            &server.url(&format!("/v1/cases/{ours}/export{query}")),
            Some(&analyst),
        );
        assert_eq!(reply.status, 400, "{query}: {}", reply.text);
        assert_eq!(reply.body["error"]["code"], "invalid_parameter");
    }
    let missing = export(&server, &analyst, 999_999, "stix");
    assert_eq!(missing.status, 404, "{}", missing.text);
}

/// One centre's export is another's intake: the MISP event and the STIX bundle of a cluster
/// become clues at a second node, under the importing analyst's name, and a malformed
/// attribute is rejected alone.
#[test]
fn another_centres_misp_event_and_stix_bundle_come_in_as_clues() {
    let first = Server::start();
    let analyst = first.token_with("analyst", &[]);
    let contacts = json!([{"kind": "number", "value": "171 0000 0009",
        "time": "2026-11-01T10:00:00Z"}]);
    let id = file(&first, &analyst, "13800000001", "500101", contacts.clone());
    file(&first, &analyst, "13800000002", "500101", contacts);
    let event = export(&first, &analyst, id, "misp").body;
    let bundle = export(&first, &analyst, id, "stix").body;

    let second = Server::start();
    let importer = second.token_with("analyst", &[]);
    let mut event_with_a_bad_one = event.clone();
    event_with_a_bad_one["Event"]["Attribute"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "phone-number", "category": "Other", "value": "not a number"}));
    let reply = support::post(
        &second.url("/v1/clues/misp"),
        Some(&importer),
        &event_with_a_bad_one.to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let values: Vec<&str> = reply.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["value"].as_str())
        .collect();
    assert!(values.contains(&NUMBER), "{}", reply.text);
    assert!(values.contains(&ACCOUNT), "{}", reply.text);
    assert_eq!(
        reply.body["rejected"].as_array().unwrap().len(),
        1,
        "{}",
        reply.text
    );
    assert_eq!(reply.body["accepted"], values.len());

    // the same intelligence as STIX merges into the same clues
    let again = support::post(
        &second.url("/v1/clues/misp"),
        Some(&importer),
        &bundle.to_string(),
    );
    assert_eq!(again.status, 200, "{}", again.text);
    assert!(
        again.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["value"] == NUMBER)
            .all(|r| r["created"] == false),
        "{}",
        again.text
    );
    // listed under the importer's name; neither a document nor a citizen's token gets in
    let listed = get(&second.url("/v1/clues"), Some(&importer));
    assert!(listed.text.contains(NUMBER), "{}", listed.text);
    let refused = support::post(
        &second.url("/v1/clues/misp"),
        Some(&importer),
        &json!({"not": "intelligence"}).to_string(),
    );
    assert_eq!(refused.status, 422, "{}", refused.text);
    let reporter = second.token_with("reporter", &[]);
    let forbidden = support::post(
        &second.url("/v1/clues/misp"),
        Some(&reporter),
        &event.to_string(),
    );
    assert_eq!(forbidden.status, 403);
}
