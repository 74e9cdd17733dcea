//! Reputation end to end: evidence sent over the API, the reputation job run on demand, and the
//! decisions that follow, through the real binary and the real server.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Server, get, post};

/// A server whose background job is off, so that only the passes a test runs change the lists.
struct Quiet {
    server: Server,
    _temp: tempfile::TempDir,
}

impl Quiet {
    fn start() -> Quiet {
        let temp = tempfile::tempdir().unwrap();
        let server = Server::start_in(
            &temp.path().join("data"),
            &[("FRAUDWALL_REPUTATION__ENABLED", "false")],
        );
        Quiet {
            server,
            _temp: temp,
        }
    }
}

impl std::ops::Deref for Quiet {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.server
    }
}

fn send_evidence(server: &Server, token: &str, items: Vec<Value>) -> Value {
    let reply = post(
        &server.url("/v1/evidence"),
        Some(token),
        &json!({ "evidence": items }).to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

/// `count` fraud reports about `number`.
fn report(server: &Server, token: &str, number: &str, count: usize) {
    let items = vec![
        json!({"kind": "number", "value": number, "fraud_type": "impersonate_police_government"});
        count
    ];
    let body = send_evidence(server, token, items);
    assert_eq!(body["accepted"], count, "{body}");
}

/// Runs a pass and waits until decisions are made with the lists it left.
fn run_pass(server: &Server, admin: &str) -> Value {
    let reply = post(&server.url("/v1/reputation/run"), Some(admin), "");
    assert_eq!(reply.status, 200, "{}", reply.text);
    let version = reply.body["version"].as_u64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = get(&server.url("/v1/lists/status"), Some(admin));
        if status.body["snapshot"]["version"].as_u64().unwrap() >= version {
            return reply.body;
        }
        assert!(
            Instant::now() < deadline,
            "the pass never reached decisions"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The verdict on a call from `caller`, and the codes of its reasons.
fn call_from(server: &Server, telco: &str, caller: &str) -> (String, Vec<String>) {
    let event = json!({"events": [{"kind": "call", "caller": caller, "callee": "13900139000"}]});
    let reply = post(
        &server.url("/v1/decisions"),
        Some(telco),
        &event.to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let decision = &reply.body["decisions"][0];
    let reasons = decision["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("{decision}"))
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect();
    (decision["verdict"].as_str().unwrap().to_owned(), reasons)
}

fn counts(pass: &Value) -> [u64; 6] {
    [
        "assessed",
        "listed_black",
        "listed_gray",
        "removed",
        "ranges_added",
        "ranges_removed",
    ]
    .map(|name| {
        pass[name]
            .as_u64()
            .unwrap_or_else(|| panic!("{name}: {pass}"))
    })
}

#[test]
fn three_operators_and_banks_blacklist_a_number_and_benign_signals_take_it_off() {
    let server = Quiet::start();
    let admin = server.token("admin");
    let telco = server.token("telco");
    let number = "+8613800138001";
    assert_eq!(call_from(&server, &telco, number).0, "allow");

    // three reports from each of three institutions: 5.25 weighed reports, a Wilson bound of
    // 0.58, three sources: past the default black threshold (0.55, 5 reports, 3 sources).
    // Citizens would be one source together until reviews prove them (tests/clues.rs).
    for role in ["telco", "bank", "telco"] {
        let witness = server.token(role);
        report(&server, &witness, "138 0013 8001", 3);
    }
    let pass = run_pass(&server, &admin);
    assert_eq!(counts(&pass), [1, 1, 0, 0, 0, 0], "{pass}");
    let (verdict, reasons) = call_from(&server, &telco, number);
    assert_eq!(verdict, "block");
    assert_eq!(reasons, ["caller_blacklisted"]);

    let entry = get(
        &server.url(&format!("/v1/lists/black/entries/number/{number}")),
        Some(&admin),
    );
    assert_eq!(entry.status, 200, "{}", entry.text);
    let entry = &entry.body["entry"];
    assert_eq!(entry["source"], "derived");
    assert_eq!(entry["author"], "reputation");
    assert_eq!(entry["fraud_type"], "impersonate_police_government");
    assert_eq!(entry["note"], "9 fraud reports from 3 sources");

    // a second pass finds nothing new to do
    let again = run_pass(&server, &admin);
    assert_eq!(counts(&again), [1, 0, 0, 0, 0, 0], "{again}");
    assert_eq!(again["version"], pass["version"]);

    // callees tell the operator the number is legitimate
    let items = vec![json!({"kind": "number", "value": number, "class": "benign"}); 40];
    assert_eq!(send_evidence(&server, &telco, items)["accepted"], 40);
    let pass = run_pass(&server, &admin);
    assert_eq!(counts(&pass), [1, 0, 0, 1, 0, 0], "{pass}");
    assert_eq!(
        call_from(&server, &telco, number),
        ("allow".to_owned(), vec![])
    );
}

#[test]
fn one_reporter_alone_lists_nothing_however_often_it_reports() {
    let server = Quiet::start();
    let admin = server.token("admin");
    let telco = server.token("telco");
    let reporter = server.token("reporter");
    report(&server, &reporter, "+8613800138001", 50);
    let pass = run_pass(&server, &admin);
    assert_eq!(counts(&pass), [1, 0, 0, 0, 0, 0], "{pass}");
    assert_eq!(
        call_from(&server, &telco, "+8613800138001"),
        ("allow".to_owned(), vec![])
    );
}

#[test]
fn old_evidence_has_faded_and_evidence_from_the_future_is_refused() {
    let server = Quiet::start();
    let admin = server.token("admin");
    let telco = server.token("telco");
    let now = time::OffsetDateTime::now_utc();
    let format = &time::format_description::well_known::Rfc3339;
    // 200 days ago, three reports from each of three sources would have been black; 400 days
    // ago they are outside the window altogether
    for (number, days) in [("+8613800138001", 200), ("+8613800138002", 400)] {
        let at = (now - time::Duration::days(days)).format(format).unwrap();
        for role in ["telco", "bank", "telco"] {
            let witness = server.token(role);
            let items = vec![json!({"kind": "number", "value": number, "time": at}); 3];
            assert_eq!(send_evidence(&server, &witness, items)["accepted"], 3);
        }
    }
    let pass = run_pass(&server, &admin);
    assert_eq!(counts(&pass), [1, 0, 0, 0, 0, 0], "{pass}");
    assert_eq!(call_from(&server, &telco, "+8613800138001").0, "allow");

    let reporter = server.token("reporter");
    let tomorrow = (now + time::Duration::days(1)).format(format).unwrap();
    let body = send_evidence(
        &server,
        &reporter,
        vec![
            json!({"kind": "number", "value": "+8613800138003", "time": tomorrow}),
            json!({"kind": "number", "value": "+8613800138003", "time": "yesterday"}),
        ],
    );
    assert_eq!(body["accepted"], 0);
    assert_eq!(body["results"][0]["error"]["code"], "time_in_future");
    assert_eq!(body["results"][1]["error"]["code"], "invalid_parameter");
}

#[test]
fn evidence_is_checked_item_by_item_and_ranges_are_never_reported() {
    let server = Quiet::start();
    let reporter = server.token("reporter");
    let body = send_evidence(
        &server,
        &reporter,
        vec![
            json!({"kind": "url", "value": "HTTP://Evil.Example/Login/", "note": "sms link"}),
            json!({"kind": "range", "value": "+861380013800*"}),
            json!({"kind": "number", "value": "not a number"}),
            json!({"kind": "number", "value": "13800138001", "class": "maybe"}),
            json!({"kind": "planet", "value": "mars"}),
            json!({"kind": "number", "value": "13800138001", "class": "benign"}),
        ],
    );
    // benign signals would let a fraud ring whitewash its numbers: citizens send fraud reports
    assert_eq!(body["accepted"], 1, "{body}");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results[0]["outcome"], "accepted");
    assert_eq!(results[0]["kind"], "url");
    assert_eq!(results[0]["value"], "evil.example/Login/");
    assert_eq!(results[1]["error"]["code"], "unsupported_kind");
    assert_eq!(results[2]["error"]["code"], "phone_invalid_characters");
    assert_eq!(results[3]["error"]["code"], "invalid_parameter");
    assert_eq!(results[4]["error"]["code"], "invalid_parameter");
    assert_eq!(results[5]["error"]["code"], "forbidden_role");

    let empty = post(
        &server.url("/v1/evidence"),
        Some(&reporter),
        r#"{"evidence":[]}"#,
    );
    assert_eq!(empty.body["error"]["code"], "empty_batch");
    // reporters send evidence; only an administrator runs the job
    let denied = post(&server.url("/v1/reputation/run"), Some(&reporter), "");
    assert_eq!(denied.body["error"]["code"], "forbidden_role");
    let monitor = server.token("monitor");
    let denied = post(
        &server.url("/v1/evidence"),
        Some(&monitor),
        r#"{"evidence":[{"kind":"number","value":"13800138001"}]}"#,
    );
    assert_eq!(denied.body["error"]["code"], "forbidden_role");

    let admin = server.token("admin");
    let audit = get(&server.url("/v1/audit?limit=1000"), Some(&admin));
    assert!(audit.text.contains("evidence.add"), "{}", audit.text);
}

#[test]
fn flagged_numbers_make_a_gray_range_that_goes_when_they_go() {
    let server = Quiet::start();
    let admin = server.token("admin");
    let analyst = server.token("analyst");
    let telco = server.token("telco");
    let flagged = [
        "+8613800138001",
        "+8613800138002",
        "+8613800138003",
        "+8613800138004",
    ];
    let entries: Vec<Value> = flagged
        .iter()
        .map(|n| json!({"kind": "number", "value": n}))
        .collect();
    let put = post(
        &server.url("/v1/lists/black/entries"),
        Some(&analyst),
        &json!({ "entries": entries }).to_string(),
    );
    assert_eq!(put.status, 200, "{}", put.text);
    let neighbour = "+8613800138005";
    assert_eq!(call_from(&server, &telco, neighbour).0, "allow");

    let pass = run_pass(&server, &admin);
    assert_eq!(counts(&pass), [0, 0, 0, 0, 1, 0], "{pass}");
    let (verdict, reasons) = call_from(&server, &telco, neighbour);
    assert_eq!(verdict, "warn");
    assert_eq!(reasons, ["caller_in_gray_range"]);
    // a number of the next block of 10 is not in the range
    assert_eq!(call_from(&server, &telco, "+8613800138015").0, "allow");
    let range = get(
        &server.url("/v1/lists/gray/entries/range/+861380013800*"),
        Some(&admin),
    );
    assert_eq!(range.status, 200, "{}", range.text);
    assert_eq!(range.body["entry"]["source"], "derived");
    assert_eq!(
        range.body["entry"]["note"],
        "4 flagged numbers in 1 block of 10"
    );

    let entries: Vec<Value> = flagged[..2]
        .iter()
        .map(|n| json!({"kind": "number", "value": n}))
        .collect();
    let removed = post(
        &server.url("/v1/lists/black/remove"),
        Some(&analyst),
        &json!({ "entries": entries }).to_string(),
    );
    assert_eq!(removed.status, 200, "{}", removed.text);
    let pass = run_pass(&server, &admin);
    assert_eq!(counts(&pass), [0, 0, 0, 0, 0, 1], "{pass}");
    assert_eq!(
        call_from(&server, &telco, neighbour),
        ("allow".to_owned(), vec![])
    );
}

/// A reporter's evidence is rate-limited per token: a request beyond a minute's allowance is
/// refused whole, and once the allowance is spent the next request waits, told how long.
#[test]
fn a_reporter_cannot_flood_the_store_with_evidence() {
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        &temp.path().join("data"),
        &[("FRAUDWALL_LIMITS__REPORTER_EVIDENCE_PER_MINUTE", "5")],
    );
    let reporter = server.token("reporter");
    let item = |n: usize| json!({"kind": "number", "value": format!("1380013{n:04}")});
    let send = |items: Vec<Value>| {
        post(
            &server.url("/v1/evidence"),
            Some(&reporter),
            &json!({ "evidence": items }).to_string(),
        )
    };
    let too_many = send((0..6).map(item).collect());
    assert_eq!(too_many.status, 429, "{}", too_many.text);
    assert_eq!(too_many.body["error"]["code"], "rate_limited");
    assert!(too_many.retry_after.is_some());

    assert_eq!(send((0..5).map(item).collect()).status, 200);
    let spent = send(vec![item(9)]);
    assert_eq!(spent.status, 429, "{}", spent.text);
    let wait: u64 = spent.retry_after.unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // another role's allowance is its own, and far larger
    let telco = server.token("telco");
    let reply = post(
        &server.url("/v1/evidence"),
        Some(&telco),
        &json!({ "evidence": (0..100).map(item).collect::<Vec<_>>() }).to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
}
