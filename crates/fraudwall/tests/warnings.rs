//! Counter-inspection end to end through the real binary and the real server: call records
//! show a fraud number calling four subscribers plus one unrelated call; a case naming that
//! number warns exactly those four, each with a tier; the one who talked for 25 minutes is high
//! or special; a station sees only its own territory's warnings; a warning closes only with an
//! outcome.

mod support;

use serde_json::{Value, json};
use support::{Server, get, post, send};

const FRAUD: &str = "+8617100000099";
const VICTIM: &str = "+8613800000000";
const T1: &str = "350102001";
const T2: &str = "350203001";

fn call(caller: &str, callee: &str, start: &str, seconds: u64) -> Value {
    json!({"kind": "call_record", "caller": caller, "callee": callee, "start": start,
        "duration_s": seconds})
}

fn warnings(server: &Server, token: &str, query: &str) -> (u16, Value) {
    let reply = get(&server.url(&format!("/v1/warnings?{query}")), Some(token));
    (reply.status, reply.body)
}

fn subscribers_of(page: &Value) -> Vec<String> {
    let mut found: Vec<String> = page["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["subscriber"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    found
}

#[test]
fn a_case_warns_everyone_its_fraud_number_called_and_stations_see_their_own() {
    let server = Server::start();
    let admin = server.token("admin");
    let telco = server.token_with("telco", &["--org", "china_mobile"]);
    let station_t1 = server.token_with("station", &["--territory", T1]);

    let registry = format!(
        "phone,territory,birth_year,occupation\n\
         +8613800000001,{T1}001,1958,retired\n\
         +8613800000002,{T1}002,1990,teacher\n\
         +8613800000003,{T2}001,1985,clerk\n\
         +8613800000004,{T2}002,2004,student\n\
         {VICTIM},{T1}001,1970,farmer\n\
         +8613800000005,{T1}001,1975,driver\n"
    );
    let imported = send(
        "POST",
        &server.url("/v1/subscribers/import"),
        Some(&admin),
        "text/csv",
        &registry,
    );
    assert_eq!(imported.status, 200, "{}", imported.text);
    assert_eq!(imported.body["imported"], 6);

    let records = json!({"events": [
        call(FRAUD, "+8613800000001", "2026-11-01T10:00:00+08:00", 1500),
        call(FRAUD, "+8613800000002", "2026-11-01T10:30:00+08:00", 40),
        call(FRAUD, "+8613800000003", "2026-11-01T11:00:00+08:00", 300),
        call(FRAUD, "+8613800000004", "2026-11-01T11:30:00+08:00", 20),
        call(FRAUD, VICTIM, "2026-11-01T09:00:00+08:00", 900),
        // unrelated: another caller, and the same subscriber
        call("+8613800000005", "+8613800000001", "2026-11-01T12:00:00+08:00", 200),
        {"kind": "call_record", "caller": FRAUD},
    ]});
    let stored = post(
        &server.url("/v1/events"),
        Some(&telco),
        &records.to_string(),
    );
    assert_eq!(stored.status, 200, "{}", stored.text);
    assert_eq!(stored.body["stored"], 6);
    assert_eq!(stored.body["results"][6]["stored"], false);
    // sent again, the records are stored once: no warning is doubled below
    let again = post(
        &server.url("/v1/events"),
        Some(&telco),
        &records.to_string(),
    );
    assert_eq!(again.body["stored"], 6);

    let case = json!({
        "fraud_type": "impersonate_police_government",
        "reported_at": "2026-11-02T09:30:00+08:00",
        "victim": {"phone": VICTIM, "territory": T1},
        "loss": {"amount": 50000.0, "currency": "CNY"},
        "contacts": [{"kind": "number", "value": FRAUD, "time": "2026-11-01T09:00:00+08:00"}],
        "payments": [],
    });
    let filed = post(&server.url("/v1/cases"), Some(&admin), &case.to_string());
    assert!(filed.status == 201 || filed.status == 200, "{}", filed.text);
    let case_id = filed.body["id"].as_i64().unwrap();

    let (status, page) = warnings(&server, &admin, &format!("case={case_id}"));
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        subscribers_of(&page),
        vec![
            "+8613800000001",
            "+8613800000002",
            "+8613800000003",
            "+8613800000004"
        ]
    );
    let all = page["warnings"].as_array().unwrap();
    for warning in all {
        assert!(["low", "medium", "high", "special"].contains(&warning["tier"].as_str().unwrap()));
        assert!(!warning["reasons"].as_array().unwrap().is_empty());
        assert!(!warning["steps"].as_array().unwrap().is_empty());
        assert_eq!(warning["case"], case_id);
    }
    let long_call = all
        .iter()
        .find(|w| w["subscriber"] == "+8613800000001")
        .unwrap();
    assert!(
        ["high", "special"].contains(&long_call["tier"].as_str().unwrap()),
        "{long_call}"
    );
    // a high warning calls and visits at once
    let actions: Vec<&str> = long_call["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "triggered")
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["call", "door_visit"]);

    // the station sees its territory's two, and is refused the other territory
    let (status, own) = warnings(&server, &station_t1, "status=open");
    assert_eq!(status, 200, "{own}");
    assert_eq!(
        subscribers_of(&own),
        vec!["+8613800000001", "+8613800000002"]
    );
    let (status, same) = warnings(&server, &station_t1, &format!("territory={T1}&status=open"));
    assert_eq!((status, subscribers_of(&same).len()), (200, 2));
    let (status, refused) = warnings(&server, &station_t1, &format!("territory={T2}&status=open"));
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"]["code"], "forbidden_scope");

    // no outcome, no closing; a warning in another territory does not exist for the station
    let outside = all
        .iter()
        .find(|w| w["subscriber"] == "+8613800000003")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let id = long_call["id"].as_i64().unwrap();
    let url = |id: i64| server.url(&format!("/v1/warnings/{id}/outcome"));
    let missing = post(&url(id), Some(&station_t1), "{}");
    assert_eq!(missing.status, 422, "{}", missing.text);
    assert_eq!(missing.body["error"]["code"], "outcome_required");
    let elsewhere = post(
        &url(outside),
        Some(&station_t1),
        r#"{"outcome":"dissuaded"}"#,
    );
    assert_eq!(elsewhere.status, 404, "{}", elsewhere.text);
    let ack = post(
        &server.url(&format!("/v1/warnings/{id}/steps/0/ack")),
        Some(&station_t1),
        "",
    );
    assert_eq!(ack.status, 200, "{}", ack.text);
    assert_eq!(ack.body["status"], "acknowledged");
    let closed = post(&url(id), Some(&station_t1), r#"{"outcome":"dissuaded"}"#);
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(closed.body["warning"]["status"], "closed");
    assert_eq!(closed.body["warning"]["outcome"], "dissuaded");
    let twice = post(&url(id), Some(&station_t1), r#"{"outcome":"refused"}"#);
    assert_eq!(twice.status, 409, "{}", twice.text);
    assert_eq!(twice.body["error"]["code"], "warning_closed");
    let (_, open) = warnings(&server, &station_t1, "status=open");
    assert_eq!(subscribers_of(&open), vec!["+8613800000002"]);

    let kpis = get(&server.url("/v1/warnings/kpis?depth=9"), Some(&station_t1));
    assert_eq!(kpis.status, 200, "{}", kpis.text);
    let rows = kpis.body["kpis"].as_array().unwrap();
    assert!(rows.iter().all(|k| k["territory"] == T1), "{rows:?}");
    let closed_row = rows.iter().find(|k| k["closed"] == 1).unwrap();
    assert_eq!(closed_row["effective_rate"], 1.0);
}

#[test]
fn a_long_call_from_a_listed_number_warns_its_callee_before_any_case() {
    let server = Server::start();
    let admin = server.token("admin");
    let telco = server.token_with("telco", &["--org", "china_mobile"]);
    let listed = "+8617100000066";
    server.blacklist_number(&admin, &telco, listed);
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let records = json!({"events": [
        call(listed, "+8613800000005", &now, 1_200),
        call(listed, "+8613800000006", &now, 30),
    ]});
    let stored = post(
        &server.url("/v1/events"),
        Some(&telco),
        &records.to_string(),
    );
    assert_eq!(stored.body["stored"], 2, "{}", stored.text);
    let (status, page) = warnings(&server, &admin, "status=open");
    assert_eq!(status, 200, "{page}");
    assert_eq!(subscribers_of(&page), vec!["+8613800000005"]);
    let warning = &page["warnings"][0];
    assert_eq!(warning["reasons"][0]["code"], "interception");
    assert!(
        ["high", "special"].contains(&warning["tier"].as_str().unwrap()),
        "{warning}"
    );
    assert!(warning["case"].is_null());
}
