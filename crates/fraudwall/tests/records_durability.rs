//! Activity records and warning state after SIGKILL: every record `POST /v1/events`
//! acknowledged is there after a restart (counter-inspection finds everyone it names), a
//! warning's closing survives, and an import killed halfway leaves a store that opens and takes
//! the same file again without doubling anything.

mod support;

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use support::{Server, create_token, get, post};

const FRAUD: &str = "+8617100000077";
const BATCH: u64 = 50;

fn call(caller: &str, callee: &str, seconds: u64) -> Value {
    json!({"kind": "call_record", "caller": caller, "callee": callee,
        "start": "2026-11-01T10:00:00+08:00", "duration_s": seconds})
}

fn callee(n: u64) -> String {
    format!("+86138{n:08}")
}

/// Posts batches of calls from the fraud number to new subscribers until told to stop, keeping
/// the subscribers of every batch the server acknowledged.
fn post_until_stopped(
    url: String,
    token: String,
    next: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<BTreeSet<String>>>,
) {
    let agent = support::agent();
    while !stop.load(Ordering::Relaxed) {
        let first = next.fetch_add(BATCH, Ordering::Relaxed);
        let callees: Vec<String> = (first..first + BATCH).map(callee).collect();
        let events: Vec<Value> = callees.iter().map(|c| call(FRAUD, c, 30)).collect();
        let sent = agent
            .post(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .send(json!({ "events": events }).to_string());
        let Ok(mut response) = sent else { break };
        if response.status().as_u16() != 200 {
            continue;
        }
        let Ok(text) = response.body_mut().read_to_string() else {
            break;
        };
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["stored"].as_u64(), Some(BATCH), "{text}");
        acknowledged.lock().unwrap().extend(callees);
    }
}

fn file_case(server: &Server, token: &str, fraud: &str, victim: &str) -> i64 {
    let case = json!({
        "fraud_type": "fake_customer_service",
        "reported_at": "2026-11-02T09:30:00+08:00",
        "victim": {"phone": victim},
        "loss": {"amount": 1000.0, "currency": "CNY"},
        "contacts": [{"kind": "number", "value": fraud}],
        "payments": [],
    });
    let filed = post(&server.url("/v1/cases"), Some(token), &case.to_string());
    assert!(filed.status == 201 || filed.status == 200, "{}", filed.text);
    filed.body["id"].as_i64().unwrap()
}

fn warned(server: &Server, token: &str, case: i64) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = get(
            &server.url(&format!(
                "/v1/warnings?case={case}&after={after}&limit=1000"
            )),
            Some(token),
        );
        assert_eq!(page.status, 200, "{}", page.text);
        let rows = page.body["warnings"].as_array().unwrap().clone();
        let Some(last) = rows.last() else { break };
        after = last["id"].as_i64().unwrap();
        all.extend(rows);
    }
    all
}

#[test]
fn acknowledged_records_and_warning_outcomes_survive_sigkill() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let next = Arc::new(AtomicU64::new(0));
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    for round in 0..2u64 {
        let mut server = Server::start_in(&data_dir, &[]);
        let telco = create_token(&data_dir, "telco", &["--org", "china_mobile"]);
        std::thread::sleep(Duration::from_millis(300));
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let (url, token) = (server.url("/v1/events"), telco.clone());
                let (next, stop, acknowledged) = (next.clone(), stop.clone(), acknowledged.clone());
                std::thread::spawn(move || post_until_stopped(url, token, next, stop, acknowledged))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500 + 200 * round));
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.join().unwrap();
        }
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() as u64 >= 3 * BATCH,
        "too few writes: {}",
        acknowledged.len()
    );

    let mut server = Server::start_in(&data_dir, &[]);
    let admin = server.token("admin");
    let case = file_case(&server, &admin, FRAUD, "+8613900000001");
    let warnings = warned(&server, &admin, case);
    let subscribers: BTreeSet<String> = warnings
        .iter()
        .map(|w| w["subscriber"].as_str().unwrap().to_owned())
        .collect();
    let lost: Vec<&String> = acknowledged.difference(&subscribers).collect();
    assert!(
        lost.is_empty(),
        "acknowledged and lost: {} of {}",
        lost.len(),
        acknowledged.len()
    );
    assert_eq!(
        subscribers.len(),
        warnings.len(),
        "one warning per subscriber"
    );

    // a warning closed and answered survives a kill right after the answer
    let id = warnings[0]["id"].as_i64().unwrap();
    let closed = post(
        &server.url(&format!("/v1/warnings/{id}/outcome")),
        Some(&admin),
        r#"{"outcome":"dissuaded"}"#,
    );
    assert_eq!(closed.status, 200, "{}", closed.text);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let server = Server::start_in(&data_dir, &[]);
    let admin = server.token("admin");
    let after = warned(&server, &admin, case);
    assert_eq!(after.len(), warnings.len());
    let still = after.iter().find(|w| w["id"] == id).unwrap();
    assert_eq!(still["status"], "closed", "{still}");
    assert_eq!(still["outcome"], "dissuaded");
}

#[test]
fn an_import_killed_halfway_leaves_a_store_that_takes_the_file_again() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let file = temp.path().join("records.ndjson");
    let last_fraud = "+8617100000088";
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for n in 0..400_000u64 {
            let line = call("+8617100000001", &callee(n), 40);
            writeln!(out, "{line}").unwrap();
        }
        // the last lines name another fraud number: found only if the whole file went in
        for n in 0..25u64 {
            writeln!(out, "{}", call(last_fraud, &callee(n), 700)).unwrap();
        }
    }
    let dir = data_dir.to_str().unwrap();
    let path = file.to_str().unwrap();
    let mut import = Command::new(support::binary())
        .args(["events", "import", "--data-dir", dir, path])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    import.kill().unwrap();
    import.wait().unwrap();
    let (code, stdout, stderr) =
        support::run(&["events", "import", "--data-dir", dir, "--json", path], "");
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(report["imported"], 400_025, "{report}");
    assert_eq!(report["rejected"], 0);

    let server = Server::start_in(&data_dir, &[]);
    let admin = server.token("admin");
    let case = file_case(&server, &admin, last_fraud, "+8613900000002");
    let warnings = warned(&server, &admin, case);
    assert_eq!(warnings.len(), 25);
    assert!(
        warnings.iter().all(|w| w["tier"] != "low"),
        "11-minute calls are not low"
    );
}
