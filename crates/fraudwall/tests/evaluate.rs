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
