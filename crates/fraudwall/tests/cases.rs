//! Cases and their links end to end, through the real binary and the real server: filing,
//! linking however identifiers are written, values that never link, a hub of 300 cases, cuts
//! and their audit, coded field errors, and territory scopes.

mod support;

use std::time::Instant;

use serde_json::{Value, json};
use support::{Server, get, post, send};

fn report(victim: &str, contacts: Value, payments: Value) -> Value {
    json!({
        "fraud_type": "fake_customer_service",
        "reported_at": "2026-11-02T09:30:00Z",
        "victim": {"phone": victim, "territory": "500101"},
        "loss": {"amount": 12500.0, "currency": "CNY"},
        "contacts": contacts,
        "payments": payments,
    })
}

fn file(server: &Server, token: &str, case: &Value) -> i64 {
    let reply = post(&server.url("/v1/cases"), Some(token), &case.to_string());
    assert!(reply.status == 201 || reply.status == 200, "{}", reply.text);
    reply.body["id"].as_i64().unwrap()
}

fn linked(server: &Server, token: &str, id: i64) -> Value {
    let reply = get(&server.url(&format!("/v1/cases/{id}/linked")), Some(token));
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

fn cluster_size(server: &Server, token: &str, id: i64) -> u64 {
    linked(server, token, id)["cluster"]["cases"]
        .as_u64()
        .unwrap()
}

fn number(value: &str) -> Value {
    json!({"kind": "number", "value": value, "time": "2026-11-01T10:00:00Z"})
}

#[test]
fn cases_sharing_a_number_or_an_account_however_written_are_one_cluster() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let a = file(
        &server,
        &analyst,
        &report("13800000001", json!([number("+8617100000001")]), json!([])),
    );
    let b = file(
        &server,
        &analyst,
        &report("13800000002", json!([number("171 0000 0001")]), json!([])),
    );
    let c = file(
        &server,
        &analyst,
        &report(
            "13800000003",
            json!([]),
            json!([{"to_account": "6222 0200 0000 0001", "amount": 100.0, "currency": "CNY"}]),
        ),
    );
    let d = file(
        &server,
        &analyst,
        &report(
            "13800000004",
            json!([]),
            json!([{"to_account": "6222020000000001", "amount": 50.0, "currency": "CNY"}]),
        ),
    );
    let alone = file(
        &server,
        &analyst,
        &report("13800000005", json!([number("+8613911112222")]), json!([])),
    );
    let hotline_1 = file(
        &server,
        &analyst,
        &report("13800000006", json!([number("96110")]), json!([])),
    );
    let hotline_2 = file(
        &server,
        &analyst,
        &report("13800000007", json!([number("96110")]), json!([])),
    );

    let of_a = linked(&server, &analyst, a);
    assert_eq!(of_a["cluster"]["cases"], 2, "{of_a}");
    assert_eq!(of_a["links"][0]["kind"], "number");
    assert_eq!(of_a["links"][0]["value"], "+8617100000001");
    let mut joined: Vec<i64> = of_a["links"][0]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_i64().unwrap())
        .collect();
    joined.sort();
    assert_eq!(joined, vec![a, b]);
    assert_eq!(cluster_size(&server, &analyst, c), 2);
    assert_eq!(linked(&server, &analyst, d)["links"][0]["kind"], "account");
    assert_eq!(cluster_size(&server, &analyst, alone), 1);
    assert_eq!(cluster_size(&server, &analyst, hotline_1), 1);
    assert_eq!(cluster_size(&server, &analyst, hotline_2), 1);
    let summary = &of_a["cluster"];
    assert_eq!(summary["victims"], 2);
    assert_eq!(summary["loss"], 25000.0);
    assert_eq!(summary["territories"][0]["code"], "500101");
}

#[test]
fn three_hundred_cases_on_one_number_are_one_cluster() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let mut first = 0;
    for i in 0..300 {
        let victim = format!("1390000{i:04}");
        let own = format!("+86135{i:08}");
        let id = file(
            &server,
            &analyst,
            &report(
                &victim,
                json!([number("+8617100000099"), number(&own)]),
                json!([]),
            ),
        );
        if i == 0 {
            first = id;
        }
    }
    let started = Instant::now();
    let answer = linked(&server, &analyst, first);
    eprintln!("linked answer for 300 cases in {:?}", started.elapsed());
    assert_eq!(answer["cluster"]["cases"], 300);
    assert_eq!(answer["cases"].as_array().unwrap().len(), 300);
    assert_eq!(answer["links"].as_array().unwrap().len(), 1);
    assert_eq!(answer["links"][0]["cases"].as_array().unwrap().len(), 300);
}

#[test]
fn a_cut_splits_the_cluster_and_the_audit_log_names_who_cut_it() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let admin = server.token("admin");
    // a —x— b —y— c
    let a = file(
        &server,
        &analyst,
        &report("13800000001", json!([number("+8617100000001")]), json!([])),
    );
    let b = file(
        &server,
        &analyst,
        &report(
            "13800000002",
            json!([number("+8617100000001"), number("+8617100000002")]),
            json!([]),
        ),
    );
    let c = file(
        &server,
        &analyst,
        &report("13800000003", json!([number("+8617100000002")]), json!([])),
    );
    assert_eq!(cluster_size(&server, &analyst, a), 3);

    let cut =
        json!({"kind": "number", "value": "171 0000 0001", "reason": "the victim misremembered"});
    let reply = post(
        &server.url(&format!("/v1/cases/{b}/links/cut")),
        Some(&analyst),
        &cut.to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["parts"], json!([2, 1]));
    assert_eq!(cluster_size(&server, &analyst, a), 1);
    assert_eq!(cluster_size(&server, &analyst, c), 2);
    let again = post(
        &server.url(&format!("/v1/cases/{b}/links/cut")),
        Some(&analyst),
        &cut.to_string(),
    );
    assert_eq!(again.status, 409, "{}", again.text);

    let audit = get(&server.url("/v1/audit?limit=1000"), Some(&admin));
    assert_eq!(audit.status, 200, "{}", audit.text);
    let entries = audit.body.as_array().expect("entries").clone();
    let cut_entry = entries
        .iter()
        .find(|e| e["action"] == "case.link_cut")
        .unwrap_or_else(|| panic!("no cut in {entries:?}"));
    assert!(
        cut_entry["actor"].as_str().unwrap().contains("analyst"),
        "{cut_entry}"
    );
    assert_eq!(cut_entry["resource"], format!("case:{b}"));
    let detail: Value = serde_json::from_str(cut_entry["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["reason"], "the victim misremembered");

    // the cut outlives a restart: links are rebuilt from the store
    let data_dir = server.data_dir.clone();
    assert!(server.stop().success());
    let server = Server::start_in(&data_dir, &[]);
    assert_eq!(cluster_size(&server, &analyst, a), 1);
    assert_eq!(cluster_size(&server, &analyst, c), 2);
    let restore = post(
        &server.url(&format!("/v1/cases/{b}/links/restore")),
        Some(&analyst),
        &cut.to_string(),
    );
    assert_eq!(restore.status, 200, "{}", restore.text);
    assert_eq!(cluster_size(&server, &analyst, a), 3);
}

#[test]
fn a_malformed_report_names_each_field_in_error_and_a_report_sent_twice_is_one_case() {
    let server = Server::start();
    let station = server.token_with("station", &["--territory", "500101"]);
    let bad = json!({
        "fraud_type": "lottery",
        "reported_at": "yesterday",
        "victim": {"phone": "12", "territory": "500101"},
        "loss": {"amount": -5.0, "currency": "yuan"},
        "contacts": [{"kind": "pigeon", "value": "x"}, number("+8617100000001"), {"kind": "url", "value": "javascript:alert(1)"}],
        "payments": [],
    });
    let reply = post(&server.url("/v1/cases"), Some(&station), &bad.to_string());
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body["error"]["code"], "invalid_fields");
    let fields: Vec<(String, String)> = reply.body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let named: Vec<&str> = fields.iter().map(|f| f.0.as_str()).collect();
    for field in [
        "fraud_type",
        "reported_at",
        "victim.phone",
        "loss.amount",
        "loss.currency",
        "contacts[0].kind",
        "contacts[2].value",
    ] {
        assert!(named.contains(&field), "{field} missing from {fields:?}");
    }
    assert!(fields.contains(&("fraud_type".to_owned(), "unknown_fraud_type".to_owned())));

    let good = report("13800000001", json!([number("+8617100000001")]), json!([]));
    let first = post(&server.url("/v1/cases"), Some(&station), &good.to_string());
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["created"], true);
    // the same report, its number written another way
    let mut same = good.clone();
    same["contacts"][0]["value"] = json!("171-0000-0001");
    let second = post(&server.url("/v1/cases"), Some(&station), &same.to_string());
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.body["created"], false);
    assert_eq!(second.body["id"], first.body["id"]);
}

#[test]
fn a_station_reads_and_files_only_its_own_territorys_cases() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let station = server.token_with("station", &["--territory", "500101"]);
    let mut elsewhere = report("13800000001", json!([number("+8617100000001")]), json!([]));
    elsewhere["victim"]["territory"] = json!("500102");
    let theirs = file(&server, &analyst, &elsewhere);
    let ours = file(
        &server,
        &analyst,
        &report("13800000002", json!([number("+8617100000001")]), json!([])),
    );

    let read = get(&server.url(&format!("/v1/cases/{theirs}")), Some(&station));
    assert_eq!(read.status, 403, "{}", read.text);
    assert_eq!(read.body["error"]["code"], "forbidden_scope");
    let own = get(&server.url(&format!("/v1/cases/{ours}")), Some(&station));
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(own.body["case"]["victim_phone"], "+8613800000002");

    // the cluster shows the other territory's case, without its victim
    let cluster = linked(&server, &station, ours);
    assert_eq!(cluster["cluster"]["cases"], 2);
    let other = cluster["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == theirs)
        .unwrap()
        .clone();
    assert_eq!(other["in_scope"], false);
    assert_eq!(other["victim_phone"], "");

    let filed = post(
        &server.url("/v1/cases"),
        Some(&station),
        &elsewhere.to_string(),
    );
    assert_eq!(filed.status, 422, "{}", filed.text);

    // moving a case on: forward only, and from the version read
    let patch = |body: Value| {
        send(
            "PATCH",
            &server.url(&format!("/v1/cases/{ours}")),
            Some(&station),
            "application/json",
            &body.to_string(),
        )
    };
    let moved = patch(json!({"version": 1, "status": "investigating", "arrests": 2}));
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["version"], 2);
    assert_eq!(patch(json!({"version": 1, "status": "solved"})).status, 409);
    assert_eq!(
        patch(json!({"version": 2, "status": "reported"})).body["error"]["code"],
        "invalid_fields"
    );
}
