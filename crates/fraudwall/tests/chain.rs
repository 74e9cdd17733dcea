//! The chain behind the cases, end to end through the real binary and the real server: card
//! data from operators and banks, leads (mule accounts, card dealers, hubs), a recycled number
//! that links only within its holder's period, and the communication blacklist for convicted
//! suspects that the interception lists honour.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Server, get, post, send};

fn case(victim: &str, contacts: Value, payments: Value) -> Value {
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

fn call_from(number: &str, time: &str) -> Value {
    json!({"kind": "number", "value": number, "time": time})
}

fn import_cards(server: &Server, token: &str, csv: &str) -> Value {
    let reply = send(
        "POST",
        &server.url("/v1/cards/import"),
        Some(token),
        "text/csv",
        csv,
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

fn cluster_of(server: &Server, token: &str, id: i64) -> Vec<i64> {
    let reply = get(&server.url(&format!("/v1/cases/{id}/linked")), Some(token));
    assert_eq!(reply.status, 200, "{}", reply.text);
    let mut ids: Vec<i64> = reply.body["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn leads_name_the_mule_account_the_sim_box_and_the_hub_and_no_victim() {
    let server = Server::start();
    let analyst = server.token("analyst");
    // three numbers activated in one SIM box, two in handsets of their own
    let sims = "phone,operator,activated_on,device\n\
        +8617100000001,china_unicom,2026-10-01,868000000000017\n\
        +8617100000002,china_unicom,2026-10-01,868000000000017\n\
        +8617100000003,china_unicom,2026-10-02,868000000000017\n\
        +8617100000004,china_unicom,2026-10-02,861111111111110\n\
        +8617100000005,china_unicom,2026-10-02,862222222222220\n";
    let imported = import_cards(&server, &analyst, sims);
    assert_eq!(
        (imported["file"].as_str(), imported["imported"].as_u64()),
        (Some("sims"), Some(5))
    );

    // three victims paid one account; each was called from a different number of the box
    for (n, victim) in ["13800000001", "13800000002", "13800000003"]
        .iter()
        .enumerate()
    {
        file(
            &server,
            &analyst,
            &case(
                victim,
                json!([call_from(
                    &format!("+861710000000{}", n + 1),
                    "2026-11-01T10:00:00Z"
                )]),
                json!([{"to_account": "6222 0200 0000 0001", "amount": 5000.0, "currency": "CNY"}]),
            ),
        );
    }
    // an unrelated case from a number with a handset of its own
    file(
        &server,
        &analyst,
        &case(
            "13800000009",
            json!([call_from("+8617100000004", "2026-11-01T10:00:00Z")]),
            json!([]),
        ),
    );

    let reply = get(&server.url("/v1/leads"), Some(&analyst));
    assert_eq!(reply.status, 200, "{}", reply.text);
    let leads = reply.body;
    let mules = leads["mule_accounts"].as_array().unwrap();
    assert_eq!(mules.len(), 1, "{leads}");
    assert_eq!(mules[0]["account"], "6222020000000001");
    assert_eq!(mules[0]["victims"], 3);
    let dealers = leads["card_dealers"].as_array().unwrap();
    assert_eq!(dealers.len(), 1, "{leads}");
    assert_eq!(dealers[0]["held_by"], "device");
    assert_eq!(dealers[0]["holder"], "868000000000017");
    assert_eq!(dealers[0]["cards"].as_array().unwrap().len(), 3);
    // the account joins three cases: a hub; no victim's phone appears anywhere
    assert_eq!(leads["hubs"][0]["value"], "6222020000000001");
    assert!(!leads.to_string().contains("1380000000"), "{leads}");

    // a lead needs as many cards as asked for
    let strict = get(&server.url("/v1/leads?min_cards=4"), Some(&analyst));
    assert_eq!(strict.body["card_dealers"].as_array().unwrap().len(), 0);
    // citizens and operators read no leads; a bank may not describe another bank's accounts
    let reporter = server.token("reporter");
    assert_eq!(get(&server.url("/v1/leads"), Some(&reporter)).status, 403);
    assert_eq!(
        send(
            "POST",
            &server.url("/v1/cards/import"),
            Some(&reporter),
            "text/csv",
            sims
        )
        .status,
        403
    );
}

#[test]
fn a_recycled_number_links_only_within_its_holders_period() {
    let server = Server::start();
    let analyst = server.token("analyst");
    // the number changed hands on 2026-06-01
    import_cards(
        &server,
        &analyst,
        "phone,operator,activated_on\n\
         +8617100000001,china_mobile,2020-03-01\n\
         +8617100000001,china_mobile,2026-06-01\n",
    );
    let before = file(
        &server,
        &analyst,
        &case(
            "13800000001",
            json!([call_from("171 0000 0001", "2026-01-10T10:00:00Z")]),
            json!([]),
        ),
    );
    let after = file(
        &server,
        &analyst,
        &case(
            "13800000002",
            json!([call_from("+8617100000001", "2026-10-10T10:00:00Z")]),
            json!([]),
        ),
    );
    let also_after = file(
        &server,
        &analyst,
        &case(
            "13800000003",
            json!([call_from("+8617100000001", "2026-11-01T10:00:00Z")]),
            json!([]),
        ),
    );
    assert_eq!(cluster_of(&server, &analyst, before), vec![before]);
    assert_eq!(
        cluster_of(&server, &analyst, after),
        vec![after, also_after]
    );
}

#[test]
fn convicted_suspects_numbers_go_on_the_black_list_once_the_case_is_solved() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let telco = server.token("telco");
    let suspect = "+8617100000077";
    let id = file(
        &server,
        &analyst,
        &case(
            "13800000001",
            json!([call_from(suspect, "2026-11-01T10:00:00Z")]),
            json!([]),
        ),
    );
    let convict = |body: Value| {
        post(
            &server.url(&format!("/v1/cases/{id}/convicted")),
            Some(&analyst),
            &body.to_string(),
        )
    };
    let body = json!({"identifiers": [{"kind": "number", "value": suspect},
        {"kind": "number", "value": "not a number"}], "note": "sentenced"});
    // not before the case is solved
    let early = convict(body.clone());
    assert_eq!(early.status, 409, "{}", early.text);

    let patch = send(
        "PATCH",
        &server.url(&format!("/v1/cases/{id}")),
        Some(&analyst),
        "application/json",
        &json!({"version": 1, "status": "solved", "arrests": 1}).to_string(),
    );
    assert_eq!(patch.status, 200, "{}", patch.text);
    let listed = convict(body);
    assert_eq!(listed.status, 200, "{}", listed.text);
    let results = listed.body["results"].as_array().unwrap();
    assert_eq!(results[0]["value"], suspect);
    assert!(results[1]["error"]["code"].is_string(), "{}", listed.text);

    // the interception lists honour it as soon as the snapshot follows the change
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let decided = post(
            &server.url("/v1/decisions"),
            Some(&telco),
            &json!({"events": [{"kind": "call", "caller": "171 0000 0077",
                "callee": "13800000001"}]})
            .to_string(),
        );
        assert_eq!(decided.status, 200, "{}", decided.text);
        if decided.body["decisions"][0]["verdict"] == "block" {
            break;
        }
        assert!(Instant::now() < deadline, "{}", decided.text);
        std::thread::sleep(Duration::from_millis(20));
    }

    // the entry names its case and lapses within three years; a station may not list
    let entry = get(
        &server.url(&format!(
            "/v1/lists/black/entries/number/{}",
            "%2B8617100000077"
        )),
        Some(&analyst),
    );
    assert_eq!(entry.status, 200, "{}", entry.text);
    assert!(entry.text.contains(&format!("case:{id}")), "{}", entry.text);
    assert!(
        entry.body.to_string().contains("expires_at"),
        "{}",
        entry.text
    );
    let station = server.token("station");
    let refused = post(
        &server.url(&format!("/v1/cases/{id}/convicted")),
        Some(&station),
        &json!({"identifiers": [{"kind": "number", "value": suspect}]}).to_string(),
    );
    assert_eq!(refused.status, 403);
}
