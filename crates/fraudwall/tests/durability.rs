//! What a server killed with SIGKILL in the middle of writes leaves behind: every change it
//! acknowledged, each with its audit row, and an audit log that still verifies.

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use support::{Server, get};

const BATCH: u64 = 20;
const WRITERS: usize = 2;

/// Posts batches of new numbers until told to stop, and keeps the numbers of every batch the
/// server acknowledged. A request cut by the kill has no answer and counts for nothing.
fn write_until_stopped(
    url: String,
    token: String,
    next: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Vec<String>>>,
    requests: Arc<AtomicU64>,
) {
    let agent = support::agent();
    while !stop.load(Ordering::Relaxed) {
        let first = next.fetch_add(BATCH, Ordering::Relaxed);
        let values: Vec<String> = (first..first + BATCH)
            .map(|n| format!("+86139{n:08}"))
            .collect();
        let entries: Vec<Value> = values
            .iter()
            .map(|value| json!({"kind": "number", "value": value}))
            .collect();
        let sent = agent
            .post(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .send(json!({ "entries": entries }).to_string());
        let Ok(mut response) = sent else { break };
        if response.status().as_u16() != 200 {
            continue;
        }
        let Ok(text) = response.body_mut().read_to_string() else {
            break;
        };
        let body: Value = serde_json::from_str(&text).unwrap();
        for (value, result) in values.iter().zip(body["results"].as_array().unwrap()) {
            assert_eq!(result["outcome"], "added", "{text}");
            acknowledged.lock().unwrap().push(value.clone());
        }
        requests.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn acknowledged_list_changes_and_their_audit_rows_survive_sigkill() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    let next = Arc::new(AtomicU64::new(0));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::new(AtomicU64::new(0));
    for round in 0..3u64 {
        let mut server = Server::start_in(&data_dir, &[]);
        let analyst = server.token("analyst");
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| {
                let (url, token) = (server.url("/v1/lists/black/entries"), analyst.clone());
                let (next, stop) = (next.clone(), stop.clone());
                let (acknowledged, requests) = (acknowledged.clone(), requests.clone());
                std::thread::spawn(move || {
                    write_until_stopped(url, token, next, stop, acknowledged, requests)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(400 + 150 * round));
        // SIGKILL: no drain, no shutdown, whatever was in flight is cut
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.join().unwrap();
        }
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let requests = requests.load(Ordering::Relaxed);
    assert!(requests >= 3, "too few writes to test anything: {requests}");

    let server = Server::start_in(&data_dir, &[]);
    let analyst = server.token("analyst");
    let export = get(
        &server.url("/v1/lists/black/export?kind=number&format=plain"),
        Some(&analyst),
    );
    assert_eq!(export.status, 200, "{}", export.text);
    let stored: std::collections::HashSet<&str> = export.text.lines().collect();
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|value| !stored.contains(value.as_str()))
        .collect();
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");

    // every acknowledged request has its audit row (a cut one may have one too, or not)
    let admin = server.token("admin");
    let mut after = 0u64;
    let mut put_rows = 0u64;
    let mut entries_in_rows = 0u64;
    loop {
        let page = get(
            &server.url(&format!("/v1/audit?after={after}&limit=1000")),
            Some(&admin),
        );
        let rows = page.body.as_array().unwrap().clone();
        let Some(last) = rows.last() else { break };
        after = last["seq"].as_u64().unwrap();
        // reading the log appends to it, so the last page is the short one, never an empty one
        let last_page = rows.len() < 1000;
        for row in rows.iter().filter(|row| row["action"] == "lists.put") {
            put_rows += 1;
            let detail: Value = serde_json::from_str(row["detail"].as_str().unwrap()).unwrap();
            entries_in_rows += detail["entries"].as_u64().unwrap_or_default();
        }
        if last_page {
            break;
        }
    }
    assert!(
        put_rows >= requests,
        "{put_rows} audit rows for {requests} requests"
    );
    assert!(
        entries_in_rows >= acknowledged.len() as u64,
        "{entries_in_rows} audited entries for {} acknowledged",
        acknowledged.len()
    );
    drop(server);
    let dir = data_dir.to_str().unwrap();
    let (code, stdout, stderr) = support::run(&["audit", "verify", "--data-dir", dir], "");
    assert_eq!(code, 0, "{stdout}\n{stderr}");
}
