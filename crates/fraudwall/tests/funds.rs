//! Fund control end to end through the real binary and the real server: a victim's money
//! traced through the banks' transfer records (victim → M1 → (M2, M3) → M4, with an earlier
//! unrelated transfer into M2 and an older one out of M4), freeze requests to the banks that
//! hold what is left, each bank seeing and acting on its own only; and a transfer held while
//! its payer is on a call with a black-listed number.

mod support;

use serde_json::{Value, json};
use support::{Server, get, post};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A 19-digit card of the bank whose BIN starts it.
fn card(bin: &str, serial: u64) -> String {
    fraudwall_ids::account::with_check_digit(&format!("{bin}{serial:012}")).unwrap()
}

fn at(base: OffsetDateTime, minutes: i64) -> String {
    (base + time::Duration::minutes(minutes))
        .format(&Rfc3339)
        .unwrap()
}

fn transfer(from: &str, to: &str, yuan: f64, time: &str) -> Value {
    json!({"kind": "transfer_record", "from_account": from, "to_account": to, "amount": yuan,
        "currency": "CNY", "time": time})
}

fn requests(server: &Server, token: &str) -> Vec<Value> {
    let page = get(&server.url("/v1/freeze-requests"), Some(token));
    assert_eq!(page.status, 200, "{}", page.text);
    page.body["freeze_requests"].as_array().unwrap().clone()
}

#[test]
fn a_victims_money_is_traced_hop_by_hop_and_each_bank_is_asked_for_what_it_holds() {
    let server = Server::start();
    let admin = server.token("admin");
    let icbc = server.token_with("bank", &["--org", "ICBC"]);
    let abc = server.token_with("bank", &["--org", "ABC"]);
    let ccb = server.token_with("bank", &["--org", "CCB"]);

    let victim = card("436742", 1);
    let m1 = card("622202", 11);
    let m2 = card("622202", 12);
    let m3 = card("621700", 13);
    let m4 = card("621282", 14);
    let stranger = card("621700", 99);
    let older = card("621282", 98);
    let t0 = OffsetDateTime::now_utc() - time::Duration::hours(3);
    let records = json!({"events": [
        transfer(&stranger, &m2, 3000.0, &at(t0, -60)),
        transfer(&m4, &older, 2000.0, &at(t0, -30)),
        transfer(&victim, &m1, 10000.0, &at(t0, 0)),
        transfer(&m1, &m2, 6000.0, &at(t0, 10)),
        transfer(&m1, &m3, 4000.0, &at(t0, 12)),
        transfer(&m2, &m4, 5000.0, &at(t0, 20)),
        transfer(&m3, &m4, 4000.0, &at(t0, 25)),
    ]});
    let stored = post(&server.url("/v1/events"), Some(&icbc), &records.to_string());
    assert_eq!(stored.status, 200, "{}", stored.text);
    assert_eq!(stored.body["stored"], 7);

    let case = json!({
        "fraud_type": "impersonate_police_government",
        "reported_at": at(t0, 60),
        "victim": {"phone": "+8613800000001", "territory": "350102"},
        "loss": {"amount": 10000.0, "currency": "CNY"},
        "contacts": [],
        "payments": [{"to_account": m1, "amount": 10000.0, "currency": "CNY", "time": at(t0, 0)}],
    });
    let filed = post(&server.url("/v1/cases"), Some(&admin), &case.to_string());
    assert!(filed.status == 201 || filed.status == 200, "{}", filed.text);
    let case_id = filed.body["id"].as_i64().unwrap();

    let traced = get(
        &server.url(&format!("/v1/cases/{case_id}/trace")),
        Some(&admin),
    );
    assert_eq!(traced.status, 200, "{}", traced.text);
    let hops: Vec<(String, String, f64, u64)> = traced.body["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["from_account"].as_str().unwrap().to_owned(),
                h["to_account"].as_str().unwrap().to_owned(),
                h["amount"].as_f64().unwrap(),
                h["depth"].as_u64().unwrap(),
            )
        })
        .collect();
    // first in, first out: the stranger's 3,000 left M2 first; neither the stranger's transfer
    // nor the older one out of M4 carries the victim's money
    let hop =
        |from: &str, to: &str, yuan: f64, depth: u64| (from.to_owned(), to.to_owned(), yuan, depth);
    assert_eq!(
        hops,
        vec![
            hop(&victim, &m1, 10000.0, 1),
            hop(&m1, &m2, 6000.0, 2),
            hop(&m1, &m3, 4000.0, 2),
            hop(&m2, &m4, 2000.0, 3),
            hop(&m3, &m4, 4000.0, 3),
        ]
    );
    let mut requested: Vec<(String, String, f64)> = traced.body["freeze_requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["account"].as_str().unwrap().to_owned(),
                f["bank"].as_str().unwrap().to_owned(),
                f["amount_requested"].as_f64().unwrap(),
            )
        })
        .collect();
    requested.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![
        (m2.clone(), "ICBC".to_owned(), 4000.0),
        (m4.clone(), "ABC".to_owned(), 6000.0),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(requested, expected);
    let haircut = get(
        &server.url(&format!(
            "/v1/cases/{case_id}/trace?rule=proportional&depth=2"
        )),
        Some(&admin),
    );
    assert_eq!(haircut.status, 200, "{}", haircut.text);
    assert_eq!(haircut.body["hops"].as_array().unwrap().len(), 3);
    let unknown = get(
        &server.url(&format!("/v1/cases/{case_id}/trace?rule=lottery")),
        Some(&admin),
    );
    assert_eq!(unknown.status, 400, "{}", unknown.text);

    // each bank sees its own request only, and cannot read or act on another's
    let own = requests(&server, &icbc);
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["account"], m2.as_str());
    assert!(requests(&server, &ccb).is_empty());
    let theirs = requests(&server, &abc);
    assert_eq!(theirs.len(), 1);
    let theirs_id = theirs[0]["id"].as_i64().unwrap();
    let peek = get(
        &server.url(&format!("/v1/freeze-requests/{theirs_id}")),
        Some(&icbc),
    );
    assert_eq!(peek.status, 404, "{}", peek.text);
    let meddle = post(
        &server.url(&format!("/v1/freeze-requests/{theirs_id}/freeze")),
        Some(&icbc),
        "{}",
    );
    assert_eq!(meddle.status, 404, "{}", meddle.text);
    let traced_by_bank = get(
        &server.url(&format!("/v1/cases/{case_id}/trace")),
        Some(&icbc),
    );
    assert_eq!(traced_by_bank.status, 403, "{}", traced_by_bank.text);

    // the bank stops payment, then freezes what the account still holds
    let own_id = own[0]["id"].as_i64().unwrap();
    let stopped = post(
        &server.url(&format!("/v1/freeze-requests/{own_id}/stop_payment")),
        Some(&icbc),
        "",
    );
    assert_eq!(stopped.status, 200, "{}", stopped.text);
    assert_eq!(stopped.body["restriction"]["kind"], "stop_payment");
    let frozen = post(
        &server.url(&format!("/v1/freeze-requests/{own_id}/freeze")),
        Some(&icbc),
        &json!({"amount": 3500.0}).to_string(),
    );
    assert_eq!(frozen.status, 200, "{}", frozen.text);
    assert_eq!(frozen.body["status"], "frozen");
    assert_eq!(frozen.body["partial"], true);
    assert!(
        frozen.body["restriction"]["appeal"]
            .as_str()
            .unwrap()
            .contains("appeal")
    );
    let again = post(
        &server.url(&format!("/v1/freeze-requests/{own_id}/freeze")),
        Some(&icbc),
        "{}",
    );
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["error"]["code"], "freeze_invalid_transition");
    let stats = get(&server.url("/v1/funds/stats"), Some(&icbc));
    assert_eq!(stats.status, 200, "{}", stats.text);
    let groups = stats.body["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["bank"], "ICBC");
    assert_eq!(groups[0]["frozen"], 3500.0);
}

#[test]
fn a_transfer_is_held_while_its_payer_is_on_a_call_with_a_listed_number() {
    let server = Server::start();
    let admin = server.token("admin");
    let telco = server.token_with("telco", &["--org", "china_mobile"]);
    let bank = server.token_with("bank", &["--org", "ICBC"]);
    let fraud = "+8617100000077";
    let payer_phone = "+8613800000042";
    server.blacklist_number(&admin, &telco, fraud);
    let pay = |phone: &str| {
        json!({"events": [{"kind": "transfer", "from_account": card("622202", 500),
            "to_account": card("621700", 501), "amount": 20000.0, "currency": "CNY",
            "payer_phone": phone}]})
        .to_string()
    };
    let before = post(&server.url("/v1/decisions"), Some(&bank), &pay(payer_phone));
    assert_eq!(
        before.body["decisions"][0]["verdict"], "allow",
        "{}",
        before.text
    );

    // the operator reports the call in progress: 5 minutes in, half an hour long
    let started = at(OffsetDateTime::now_utc(), -5);
    let call = json!({"events": [{"kind": "call_record", "caller": fraud, "callee": payer_phone,
        "start": started, "duration_s": 1800}]});
    let stored = post(&server.url("/v1/events"), Some(&telco), &call.to_string());
    assert_eq!(stored.body["stored"], 1, "{}", stored.text);

    let during = post(&server.url("/v1/decisions"), Some(&bank), &pay(payer_phone));
    assert_eq!(during.status, 200, "{}", during.text);
    let decision = &during.body["decisions"][0];
    assert_eq!(decision["verdict"], "hold", "{decision}");
    assert_eq!(decision["reasons"][0]["code"], "payer_in_call_with_fraud");
    // another payer's transfer goes through
    let other = post(
        &server.url("/v1/decisions"),
        Some(&bank),
        &pay("+8613800000043"),
    );
    assert_eq!(other.body["decisions"][0]["verdict"], "allow");
}
