//! `fraudwall simulate` on the real binary: the files are there, they parse, and the same seed
//! gives the same bytes whatever the number of threads.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use support::run;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn simulate(out: &Path, threads: &str) -> (i32, String, String) {
    run(
        &[
            "simulate",
            "--seed",
            "42",
            "--subscribers",
            "2000",
            "--days",
            "2",
            "--victims-per-100k",
            "500",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    )
}

#[test]
fn simulate_writes_a_scenario_that_parses_and_repeats_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let (code, stdout, stderr) = simulate(&a, "1");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("records/s"), "{stdout}");
    let (code, _, stderr) = simulate(&b, "2");
    assert_eq!(code, 0, "{stderr}");

    let first = files(&a);
    let second = files(&b);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(
            bytes == &second[name],
            "{name} differs between 1 and 2 threads"
        );
    }

    let scenario: serde_json::Value = serde_json::from_slice(&first["scenario.json"]).unwrap();
    assert_eq!(scenario["seed"], 42);
    assert_eq!(scenario["parameters"]["subscribers"], 2000);
    let mut records = 0;
    for day in scenario["files"]["records"].as_array().unwrap() {
        let name = day["file"].as_str().unwrap();
        let text = std::str::from_utf8(&first[name]).unwrap();
        for line in text.lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(record["kind"].is_string());
            records += 1;
        }
    }
    assert!(records > 10_000, "{records} records");
    assert_eq!(scenario["counts"]["records_total"], records);
    for name in ["cases.ndjson", "clues.ndjson", "truth.ndjson"] {
        let text = std::str::from_utf8(&first[name]).unwrap();
        assert!(!text.is_empty(), "{name} is empty");
        for line in text.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
    }
    for (name, header) in [
        ("subscribers.csv", "phone,territory,birth_year,occupation\n"),
        ("accounts.csv", "account,holder_phone,bank,opened_on,type\n"),
        ("territories.csv", "code,name,level,parent\n"),
        ("sims.csv", "phone,operator,activated_on,device\n"),
    ] {
        assert!(first[name].starts_with(header.as_bytes()), "{name}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&first["lists/manifest.json"]).unwrap();
    for list in manifest["lists"].as_array().unwrap() {
        let file = format!("lists/{}", list["file"].as_str().unwrap());
        assert!(first.contains_key(&file), "{file}");
    }
}

#[test]
fn simulate_refuses_a_directory_with_files_and_bad_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let (code, _, stderr) = simulate(tmp.path(), "1");
    assert_eq!(code, 2);
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );

    let out = tmp.path().join("zero");
    let (code, _, stderr) = run(
        &[
            "simulate",
            "--seed",
            "1",
            "--subscribers",
            "2000",
            "--days",
            "0",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("days"), "{stderr}");
}
