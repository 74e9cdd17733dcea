//! `fraudwall evaluate` on provinces made by `fraudwall simulate`: the figures it reports, and
//! a scenario with a malformed line refused before anything is scored.

mod support;

use std::path::Path;

use support::run;

fn simulate(out: &Path, subscribers: &str, days: &str) {
    let (code, stdout, stderr) = run(
        &[
            "simulate",
            "--seed",
            "3",
            "--subscribers",
            subscribers,
            "--days",
            days,
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
}

#[test]
fn a_replayed_province_is_scored_per_channel_and_day_against_its_truth() {
    let temp = tempfile::tempdir().unwrap();
    let scenario = temp.path().join("scenario");
    simulate(&scenario, "3000", "2");
    let json = temp.path().join("report.json");
    let (code, stdout, stderr) = run(
        &[
            "evaluate",
            "--scenario",
            scenario.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("all days   calls"), "{stdout}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let days = report["interception"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 2);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(scenario.join("scenario.json")).unwrap()).unwrap();
    // every record of the scenario was decided and scored, none twice
    assert_eq!(
        report["replay"]["records"], manifest["counts"]["records_total"],
        "{report}"
    );
    let calls = &report["interception"]["all_days"]["calls"];
    assert!(calls["fraud"].as_u64().unwrap() > 0, "{report}");
    // the lists seeded at the start catch some fraud, and the figures are real ratios
    let caught: u64 = ["calls", "sms", "links", "apps", "transfers"]
        .iter()
        .map(|c| {
            report["interception"]["all_days"][c]["caught"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert!(caught > 0, "{report}");
    for rule in report["baseline"].as_array().unwrap() {
        assert!(rule["f1"].as_f64().unwrap() < 0.8, "{rule}");
    }
    assert_eq!(report["baseline"].as_array().unwrap().len(), 6);
    // the chain leads are scored against the scenario's card dealers
    assert!(
        report["leads"]["dealers"].as_u64().unwrap() >= 2,
        "{report}"
    );
    let leads = &report["leads"];
    assert!(leads["mule_leads_true"].as_u64() <= leads["mule_leads"].as_u64());
}

#[test]
fn a_scenario_with_a_malformed_line_is_refused_with_its_file_and_line() {
    let temp = tempfile::tempdir().unwrap();
    let scenario = temp.path().join("scenario");
    simulate(&scenario, "1000", "1");
    let day = scenario.join("records-day-001.ndjson");
    let text = std::fs::read_to_string(&day).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[4] = r#"{"kind": "call_record", "caller": "+8613800138000""#;
    std::fs::write(&day, lines.join("\n") + "\n").unwrap();
    let (code, stdout, stderr) = run(&["evaluate", "--scenario", scenario.to_str().unwrap()], "");
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stderr.contains("records-day-001.ndjson:5"), "{stderr}");
    assert!(
        !stdout.contains("interception"),
        "nothing is scored: {stdout}"
    );
}

/// The README's first command: a province simulated, replayed and served, with a token that
/// works on it.
#[test]
fn the_demo_serves_a_replayed_province_with_a_working_token() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let temp = tempfile::tempdir().unwrap();
    let mut child = Command::new(support::binary())
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--subscribers",
            "1000",
            "--days",
            "1",
        ])
        .arg("--dir")
        .arg(temp.path().join("demo"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut token = None;
    let mut address = None;
    let mut table = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("admin token: ") {
            token = Some(rest.to_owned());
        } else if let Some(rest) = line.split("listening on ").nth(1) {
            address = Some(rest.trim().to_owned());
            break;
        } else {
            table.push_str(&line);
            table.push('\n');
        }
    }
    let (token, address) = (token.expect("a token"), address.expect("an address"));
    assert!(table.contains("all days   calls"), "{table}");
    let status = support::get(&format!("http://{address}/v1/lists/status"), Some(&token));
    assert_eq!(status.status, 200, "{}", status.text);
    assert!(
        status.body["version"].as_u64().unwrap() > 0,
        "{}",
        status.text
    );
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
}
