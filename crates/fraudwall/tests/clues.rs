//! Clues end to end, through the real binary and the real server: malicious reporting never
//! lists an innocent number (a thousand reports from one reporter, fifty fresh reporters in a
//! minute, anonymous reports from one address), independent operators and banks do list a
//! number, clues about official numbers wait for an analyst, and reviews move a reporter's
//! weight and with it what their earlier reports count for.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Server, get, post};

/// A server whose background reputation job is off, so only the passes a test runs list.
fn quiet(temp: &tempfile::TempDir, envs: &[(&str, &str)]) -> Server {
    let mut all = vec![("FRAUDWALL_REPUTATION__ENABLED", "false")];
    all.extend_from_slice(envs);
    Server::start_in(&temp.path().join("data"), &all)
}

fn clue(server: &Server, token: &str, kind: &str, value: &str) -> support::Reply {
    let body = json!({"kind": kind, "value": value, "fraud_type": "fake_customer_service"});
    post(&server.url("/v1/clues"), Some(token), &body.to_string())
}

fn public_clue(server: &Server, value: &str) -> support::Reply {
    let body = json!({"kind": "number", "value": value});
    post(&server.url("/v1/public/clues"), None, &body.to_string())
}

/// Runs a pass and waits until decisions see the lists it left.
fn run_pass(server: &Server, admin: &str) -> Value {
    let reply = post(&server.url("/v1/reputation/run"), Some(admin), "");
    assert_eq!(reply.status, 200, "{}", reply.text);
    let version = reply.body["version"].as_u64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while get(&server.url("/v1/lists/status"), Some(admin)).body["snapshot"]["version"]
        .as_u64()
        .unwrap()
        < version
    {
        assert!(
            Instant::now() < deadline,
            "the pass never reached decisions"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    reply.body
}

/// The lists (black, gray) that hold `number`.
fn lists_holding(server: &Server, admin: &str, number: &str) -> Vec<&'static str> {
    ["black", "gray"]
        .into_iter()
        .filter(|list| {
            let url = server.url(&format!("/v1/lists/{list}/entries/number/{number}"));
            let reply = get(&url, Some(admin));
            assert!(reply.status == 200 || reply.status == 404, "{}", reply.text);
            reply.status == 200 && reply.body["entry"]["removed"] != true
        })
        .collect()
}

/// The verdict on a call from `caller`.
fn call_from(server: &Server, telco: &str, caller: &str) -> String {
    let event = json!({"events": [{"kind": "call", "caller": caller, "callee": "13900139000"}]});
    let reply = post(
        &server.url("/v1/decisions"),
        Some(telco),
        &event.to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["decisions"][0]["verdict"]
        .as_str()
        .unwrap()
        .to_owned()
}

const INNOCENT: &str = "+8613912345678";

#[test]
fn a_thousand_reports_from_one_reporter_never_list_an_innocent_number() {
    let temp = tempfile::tempdir().unwrap();
    // the per-reporter rate limit is raised out of the way: what is shown here is that the
    // reports themselves list nothing, not that most were refused
    let server = quiet(
        &temp,
        &[("FRAUDWALL_LIMITS__REPORTER_CLUES_PER_MINUTE", "100000")],
    );
    let admin = server.token("admin");
    let telco = server.token("telco");
    let reporter = server.token("reporter");

    let first = clue(&server, &reporter, "number", "139 1234 5678");
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["status"], "pending");
    assert_eq!(first.body["kind"], "number");
    assert_eq!(first.body["value"], INNOCENT);
    assert_eq!(first.body["evidence"], true);
    for n in 1..1_000 {
        // however it is written, it is the same number and the same clue
        let spelled = if n % 2 == 0 { "13912345678" } else { INNOCENT };
        let reply = clue(&server, &reporter, "number", spelled);
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["id"], first.body["id"]);
        assert_eq!(reply.body["evidence"], false);
    }
    let own = get(&server.url("/v1/clues"), Some(&reporter));
    assert_eq!(own.status, 200, "{}", own.text);
    let clues = own.body["clues"].as_array().unwrap();
    assert_eq!(clues.len(), 1);
    assert_eq!(clues[0]["count"], 1_000);

    let pass = run_pass(&server, &admin);
    assert_eq!(pass["assessed"], 1, "{pass}");
    assert!(lists_holding(&server, &admin, INNOCENT).is_empty());
    assert_eq!(call_from(&server, &telco, INNOCENT), "allow");
}

#[test]
fn fifty_fresh_reporters_in_a_minute_and_one_anonymous_address_never_list_it() {
    let temp = tempfile::tempdir().unwrap();
    let server = quiet(&temp, &[]);
    let admin = server.token("admin");
    let telco = server.token("telco");
    let tokens: Vec<String> = (0..50).map(|_| server.token("reporter")).collect();
    let started = Instant::now();
    for token in &tokens {
        let reply = clue(&server, token, "number", "13912345678");
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    assert!(started.elapsed() < Duration::from_secs(60));

    // anonymous reports from one address: ten a minute, then refused with a wait
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let reply = public_clue(&server, "13912345678");
        if reply.status == 429 {
            assert_eq!(reply.body["error"]["code"], "rate_limited");
            assert!(reply.retry_after.is_some());
        }
        statuses.push(reply.status);
    }
    assert_eq!(statuses[0], 201);
    assert!(statuses[1..10].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(statuses[10..], [429, 429]);

    // and one reporter's token past its sixty clues a minute is refused too
    let eager = &tokens[0];
    let batch: Vec<Value> = (0..61)
        .map(|n| json!({"kind": "number", "value": format!("1391234{n:04}")}))
        .collect();
    let refused = post(
        &server.url("/v1/clues"),
        Some(eager),
        &json!({ "clues": batch }).to_string(),
    );
    assert_eq!(refused.status, 429, "{}", refused.text);

    let pass = run_pass(&server, &admin);
    assert_eq!(pass["assessed"], 1, "{pass}");
    assert!(lists_holding(&server, &admin, INNOCENT).is_empty());
    assert_eq!(call_from(&server, &telco, INNOCENT), "allow");
}

#[test]
fn three_operators_and_banks_reporting_a_number_list_it() {
    let temp = tempfile::tempdir().unwrap();
    let server = quiet(&temp, &[]);
    let admin = server.token("admin");
    let telco = server.token("telco");
    let fraud = "+8613912340001";
    for role in ["telco", "telco", "bank"] {
        let token = server.token(role);
        let reply = clue(&server, &token, "number", fraud);
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(reply.body["evidence"], true);
    }
    let pass = run_pass(&server, &admin);
    assert_eq!(pass["listed_gray"], 1, "{pass}");
    assert_eq!(lists_holding(&server, &admin, fraud), ["gray"]);
    assert_ne!(call_from(&server, &telco, fraud), "allow");
}

#[test]
fn clues_about_official_numbers_wait_for_an_analyst_and_list_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let server = quiet(&temp, &[]);
    let admin = server.token("admin");
    let analyst = server.token("analyst");
    let mut ids = Vec::new();
    for role in ["telco", "bank", "reporter", "reporter", "station"] {
        let token = server.token(role);
        // one batch each: the bank's hotline called, and the police's number in an SMS
        let body = json!({"clues": [
            {"kind": "number", "value": "95555", "fraud_type": "fake_customer_service"},
            {"kind": "sms", "value": "110", "text": "your account is frozen, call back"},
            {"kind": "planet", "value": "mars"},
        ]});
        let reply = post(&server.url("/v1/clues"), Some(&token), &body.to_string());
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["accepted"], 2, "{}", reply.text);
        let results = reply.body["results"].as_array().unwrap();
        for result in &results[..2] {
            assert_eq!(result["status"], "needs_review", "{result}");
            assert_eq!(result["evidence"], false);
        }
        assert_eq!(results[2]["error"]["code"], "invalid_parameter");
        ids.push(results[0]["id"].as_i64().unwrap());
    }
    let pass = run_pass(&server, &admin);
    assert_eq!(pass["listed_black"], 0, "{pass}");
    assert_eq!(pass["listed_gray"], 0, "{pass}");
    for number in ["95555", "110"] {
        assert!(lists_holding(&server, &admin, number).is_empty());
    }

    let queue = get(&server.url("/v1/clues?status=needs_review"), Some(&analyst));
    assert_eq!(queue.status, 200, "{}", queue.text);
    assert_eq!(queue.body["clues"].as_array().unwrap().len(), 10);
    // an analyst's confirmation is the analyst's evidence; the white list still holds
    let url = server.url(&format!("/v1/clues/{}/review", ids[0]));
    let reviewed = post(&url, Some(&analyst), r#"{"verdict": "confirmed"}"#);
    assert_eq!(reviewed.status, 200, "{}", reviewed.text);
    assert_eq!(reviewed.body["clue"]["status"], "confirmed");
    assert_eq!(reviewed.body["reporter"]["standing"], "institution");
    let again = post(&url, Some(&analyst), r#"{"verdict": "refuted"}"#);
    assert_eq!(again.status, 409, "{}", again.text);
    run_pass(&server, &admin);
    assert!(lists_holding(&server, &admin, "95555").is_empty());
}

#[test]
fn confirmed_reporters_weigh_more_and_their_earlier_reports_count_again() {
    let temp = tempfile::tempdir().unwrap();
    let server = quiet(&temp, &[]);
    let admin = server.token("admin");
    let analyst = server.token("analyst");
    let fraud = "+8613912340002";
    let reporters: Vec<String> = (0..4).map(|_| server.token("reporter")).collect();
    for token in &reporters {
        let reply = clue(&server, token, "number", fraud);
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    // four unproven citizens are one source: nothing is listed
    run_pass(&server, &admin);
    assert!(lists_holding(&server, &admin, fraud).is_empty());

    // two of them have two other clues each confirmed
    let review = |id: i64, verdict: &str| {
        let url = server.url(&format!("/v1/clues/{id}/review"));
        let body = json!({"verdict": verdict, "note": "checked with the operator"});
        let reply = post(&url, Some(&analyst), &body.to_string());
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.body
    };
    for (r, token) in reporters[..2].iter().enumerate() {
        let mut weights = Vec::new();
        for n in 0..2 {
            let reply = clue(&server, token, "number", &format!("1391234{r}{n}99"));
            assert_eq!(reply.status, 201, "{}", reply.text);
            let reviewed = review(reply.body["id"].as_i64().unwrap(), "confirmed");
            weights.push(reviewed["reporter"]["weight"].as_f64().unwrap());
            if n == 1 {
                assert_eq!(reviewed["reporter"]["standing"], "proven", "{reviewed}");
            }
        }
        assert!(weights[0] > 0.5 && weights[1] > weights[0], "{weights:?}");
    }
    // a refuted reporter weighs less than a fresh one
    let wrong = server.token("reporter");
    let reply = clue(&server, &wrong, "number", "13912349999");
    let refuted = review(reply.body["id"].as_i64().unwrap(), "refuted");
    assert!(
        refuted["reporter"]["weight"].as_f64().unwrap() < 0.5,
        "{refuted}"
    );
    // a reporter may not review
    let url = server.url(&format!("/v1/clues/{}/review", reply.body["id"]));
    let denied = post(&url, Some(&reporters[0]), r#"{"verdict": "confirmed"}"#);
    assert_eq!(denied.status, 403, "{}", denied.text);

    // the same four reports, reweighed: two proven sources and the pool of the other two
    run_pass(&server, &admin);
    assert_eq!(lists_holding(&server, &admin, fraud), ["gray"]);

    let audit = get(&server.url("/v1/audit?limit=1000"), Some(&admin));
    assert!(audit.text.contains("clue.add"), "{}", audit.text);
    assert!(audit.text.contains("clue.review"), "{}", audit.text);
}
