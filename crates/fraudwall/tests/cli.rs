//! The command-line contracts, run on the real binary.

mod support;

use serde_json::json;
use support::{json_lines, run};

#[test]
fn phone_normalize_gives_e164_keeps_service_numbers_and_codes_errors() {
    let input = "13800138000\n+86 138-0013-8000\n008613800138000\n86 13800138000\n96110\nabc\n";
    let (code, stdout, stderr) = run(&["phone", "normalize"], input);
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 6);
    for line in &lines[..4] {
        assert_eq!(line["e164"], "+8613800138000", "{line}");
    }
    assert_eq!(lines[1]["input"], "+86 138-0013-8000");
    assert_eq!(lines[4]["service"], "96110");
    assert!(lines[4].get("e164").is_none());
    assert_eq!(lines[5]["input"], "abc");
    assert!(
        lines[5]["error"]["code"]
            .as_str()
            .unwrap()
            .starts_with("phone_")
    );
    assert!(lines[5]["error"]["message"].is_string());
}

#[test]
fn phone_normalize_honours_the_region() {
    let (code, stdout, _) = run(
        &["phone", "normalize", "--region", "US"],
        "(201) 555-0123\n",
    );
    assert_eq!(code, 0);
    assert_eq!(json_lines(&stdout)[0]["e164"], "+12015550123");
}

#[test]
fn url_canonicalize_answers_each_line_in_order() {
    let input = [
        json!("http://a.b.c/1/2.html?param=1"),
        json!("http://1.2.3.4/1/"),
        json!("  HTTP://www.GOOgle.com:80/a/../b//c#frag "),
        json!(""),
    ]
    .iter()
    .map(|v| v.to_string() + "\n")
    .collect::<String>()
        + "not json\n";
    let (code, stdout, stderr) = run(&["url", "canonicalize"], &input);
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), 5);

    let mut expressions: Vec<_> = lines[0]["expressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect();
    expressions.sort();
    let mut expected = vec![
        "a.b.c/1/2.html?param=1",
        "a.b.c/1/2.html",
        "a.b.c/",
        "a.b.c/1/",
        "b.c/1/2.html?param=1",
        "b.c/1/2.html",
        "b.c/",
        "b.c/1/",
    ];
    expected.sort();
    assert_eq!(expressions, expected);
    assert_eq!(lines[0]["canonical"], "http://a.b.c/1/2.html?param=1");
    assert_eq!(lines[1]["expressions"].as_array().unwrap().len(), 2);
    assert_eq!(lines[2]["canonical"], "http://www.google.com/b/c");
    assert_eq!(lines[3]["error"]["code"], "url_empty");
    assert_eq!(lines[4]["input"], "not json");
    assert!(lines[4]["error"]["code"].is_string());
}

#[test]
fn token_create_prints_only_the_token_and_rejects_unknown_roles() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().to_str().unwrap();
    let token = support::create_token(temp.path(), "bank", &["--org", "ICBC"]);
    assert!(token.starts_with("fw_"));
    let (code, _, stderr) = run(
        &[
            "token",
            "create",
            "--data-dir",
            dir,
            "--role",
            "root",
            "--name",
            "x",
        ],
        "",
    );
    assert_ne!(code, 0);
    assert!(stderr.contains("root"), "{stderr}");
}

#[test]
fn audit_verify_passes_on_an_untouched_log() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().to_str().unwrap();
    for role in ["admin", "telco", "station"] {
        support::create_token(temp.path(), role, &[]);
    }
    let (code, stdout, stderr) = run(&["audit", "verify", "--data-dir", dir], "");
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(report["entries"], 3);
    assert_eq!(report["first_break"], serde_json::Value::Null);
}

/// Someone who can write the database file drops the append-only triggers and rewrites the log in
/// the three ways the chain alone cannot see: the tail cut and the head moved back, a row
/// rewritten and the chain recomputed, the log emptied. The signed checkpoints catch each.
#[test]
fn audit_verify_detects_rewrites_the_chain_alone_cannot_see() {
    use fraudwall_app::records::AuditEntry;

    let temp = tempfile::tempdir().unwrap();
    let original = temp.path().join("node");
    for role in ["admin", "telco", "station", "bank"] {
        support::create_token(&original, role, &[]);
    }
    let verify = |dir: &std::path::Path| {
        let (code, stdout, stderr) = run(
            &["audit", "verify", "--data-dir", dir.to_str().unwrap()],
            "",
        );
        let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        (code, report, stderr)
    };
    let (code, report, stderr) = verify(&original);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["checkpoints"]["latest_seq"], 4, "{report}");

    let cut_tail = "DELETE FROM audit_log WHERE seq > 2;
        UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2);";
    let emptied = "DELETE FROM audit_log; DELETE FROM audit_head;";
    for (attack, sql) in [
        ("cut tail", cut_tail),
        ("rewritten row", ""),
        ("emptied log", emptied),
    ] {
        let copy = temp.path().join(attack.replace(' ', "-"));
        std::fs::create_dir(&copy).unwrap();
        for file in std::fs::read_dir(&original).unwrap() {
            let file = file.unwrap();
            std::fs::copy(file.path(), copy.join(file.file_name())).unwrap();
        }
        let conn = rusqlite::Connection::open(copy.join("fraudwall.db")).unwrap();
        conn.execute_batch(
            "DROP TRIGGER audit_log_is_append_only_update;
             DROP TRIGGER audit_log_is_append_only_delete;",
        )
        .unwrap();
        if sql.is_empty() {
            rewrite_and_rechain(&conn, 2);
        } else {
            conn.execute_batch(sql).unwrap();
        }
        drop(conn);
        let (code, report, stderr) = verify(&copy);
        assert_eq!(code, 1, "{attack}: {report}");
        // the chain alone is fooled: only the signed checkpoints see the rewrite
        assert_eq!(report["first_break"], serde_json::Value::Null, "{attack}");
        let problem = report["checkpoints"]["problem"]
            .as_str()
            .unwrap_or_default();
        let expected = if attack == "rewritten row" {
            "rewritten"
        } else {
            "cut or emptied"
        };
        assert!(problem.contains(expected), "{attack}: {problem}");
        assert!(
            stderr.contains("fails its signed checkpoints"),
            "{attack}: {stderr}"
        );
    }

    /// Changes entry `seq`'s detail and recomputes every hash from it on, and the head.
    fn rewrite_and_rechain(conn: &rusqlite::Connection, seq: u64) {
        let mut entries: Vec<AuditEntry> = conn
            .prepare("SELECT seq, time, actor, action, resource, detail, prev_hash, hash FROM audit_log ORDER BY seq")
            .unwrap()
            .query_map([], |row| {
                Ok(AuditEntry {
                    seq: row.get::<_, i64>(0)? as u64,
                    time: row.get(1)?,
                    actor: row.get(2)?,
                    action: row.get(3)?,
                    resource: row.get(4)?,
                    detail: row.get(5)?,
                    prev_hash: row.get::<_, Vec<u8>>(6)?.try_into().unwrap(),
                    hash: row.get::<_, Vec<u8>>(7)?.try_into().unwrap(),
                })
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut prev = entries[seq as usize - 2].hash;
        for entry in entries.iter_mut().skip(seq as usize - 1) {
            if entry.seq == seq {
                entry.detail = r#"{"role":"reporter"}"#.to_owned();
            }
            entry.prev_hash = prev;
            entry.hash = entry.expected_hash();
            prev = entry.hash;
            conn.execute(
                "UPDATE audit_log SET detail = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
                rusqlite::params![
                    entry.detail,
                    &entry.prev_hash[..],
                    &entry.hash[..],
                    entry.seq as i64
                ],
            )
            .unwrap();
        }
        conn.execute("UPDATE audit_head SET hash = ?1", [&prev[..]])
            .unwrap();
    }
}

/// The first `per_label` messages of each label of the English corpus as a labelled CSV, or
/// `None` without the data (after the one line that says so).
fn english_sample(dir: &std::path::Path, per_label: usize) -> Option<std::path::PathBuf> {
    let corpus = fraudwall_testdata::find("sms/en-sms-spam.train.csv")?;
    let text = std::fs::read_to_string(corpus).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let path = dir.join("sample.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(["label", "text"]).unwrap();
    let mut taken = std::collections::HashMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let count = taken.entry(record[0].to_owned()).or_insert(0);
        if *count < per_label {
            *count += 1;
            writer.write_record([&record[0], &record[1]]).unwrap();
        }
    }
    writer.flush().unwrap();
    Some(path)
}

#[test]
fn sms_eval_repeats_cross_validation_on_differently_dealt_folds() {
    let dir = tempfile::tempdir().unwrap();
    let Some(sample) = english_sample(dir.path(), 120) else {
        return;
    };
    let predictions = dir.path().join("predictions.csv");
    let args = [
        "sms",
        "eval",
        "--cv",
        "3",
        "--repeat",
        "3",
        "--search",
        "quick",
        "--json",
        "--data",
        sample.to_str().unwrap(),
        "--predictions",
        predictions.to_str().unwrap(),
    ];
    let (code, stdout, stderr) = run(&args, "");
    assert_eq!(code, 0, "{stderr}");
    let out: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let repetitions = out["repetitions"].as_array().expect("repetitions");
    assert_eq!(repetitions.len(), 3);
    for r in repetitions {
        assert!(r["classify_seconds"].as_f64().unwrap() > 0.0, "{r}");
        assert!(r["messages_per_second"].as_f64().unwrap() > 0.0, "{r}");
    }
    let spam_f1 = |r: &serde_json::Value| -> f64 {
        let all = &r["all"];
        let i = all["classes"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c == "spam")
            .expect("spam class");
        all["per_class"][i]["f1"].as_f64().unwrap()
    };
    let f1s: Vec<f64> = repetitions.iter().map(spam_f1).collect();
    let summary = &out["summary"];
    let all = summary
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0] == "all")
        .expect("summary over all");
    let spam = all[1]["per_class"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["class"] == "spam")
        .expect("spam summary");
    let mean = f1s.iter().sum::<f64>() / 3.0;
    assert!((spam["f1"]["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
    let min = f1s.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(spam["f1"]["min"].as_f64().unwrap(), min);

    // every message once per repetition, dealt differently after the first
    let mut reader = csv::Reader::from_path(&predictions).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3 * 240);
    let folds = |r: usize| -> Vec<String> {
        rows[r * 240..(r + 1) * 240]
            .iter()
            .map(|x| {
                assert_eq!(&x[6], r.to_string().as_str());
                x[2].to_owned()
            })
            .collect()
    };
    assert_ne!(folds(0), folds(1));
    assert_ne!(folds(1), folds(2));

    let (code, _, stderr) = run(&["sms", "eval", "--repeat", "2", "--data", "x.csv"], "");
    assert_ne!(code, 0);
    assert!(stderr.contains("--cv"), "{stderr}");
}

#[test]
fn sms_train_reuses_the_bundled_embedding_table_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let Some(sample) = english_sample(dir.path(), 40) else {
        return;
    };
    let embedding_of = |model: &std::path::Path| -> u64 {
        let (code, stdout, stderr) = run(&["sms", "info", "--model", model.to_str().unwrap()], "");
        assert_eq!(code, 0, "{stderr}");
        let info: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        info["features"]["embedding"]
            .as_u64()
            .expect("embedding weight")
    };
    let train = |out: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "sms",
            "train",
            "--search",
            "quick",
            "--folds",
            "3",
            "--data",
            sample.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, _, stderr) = run(&args, "");
        assert_eq!(code, 0, "{stderr}");
    };
    let with = dir.path().join("with.fwm");
    train(&with, &[]);
    assert_eq!(embedding_of(&with), 100);
    let without = dir.path().join("without.fwm");
    train(&without, &["--no-embeddings"]);
    assert_eq!(embedding_of(&without), 0);
    // a model file serves as the table's source too
    let again = dir.path().join("again.fwm");
    train(&again, &["--embeddings", with.to_str().unwrap()]);
    assert_eq!(embedding_of(&again), 100);
    let (code, _, stderr) = run(
        &[
            "sms",
            "train",
            "--data",
            sample.to_str().unwrap(),
            "--out",
            dir.path().join("x.fwm").to_str().unwrap(),
            "--embeddings",
            without.to_str().unwrap(),
        ],
        "",
    );
    assert_ne!(code, 0);
    assert!(stderr.contains("no embedding table"), "{stderr}");
}

#[test]
fn sms_train_takes_feature_settings() {
    let dir = tempfile::tempdir().unwrap();
    let Some(sample) = english_sample(dir.path(), 40) else {
        return;
    };
    let out = dir.path().join("m.fwm");
    let train = |features: &str| {
        run(
            &[
                "sms",
                "train",
                "--search",
                "quick",
                "--folds",
                "3",
                "--no-embeddings",
                "--data",
                sample.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--features",
                features,
            ],
            "",
        )
    };
    let (code, _, stderr) = train(r#"{"latin_chars": [2, 3], "opening_words": 0}"#);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(&["sms", "info", "--model", out.to_str().unwrap()], "");
    assert_eq!(code, 0, "{stderr}");
    let info: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(info["features"]["latin_chars"], serde_json::json!([2, 3]));
    assert_eq!(info["features"]["opening_words"], 0);
    // the settings not named keep their defaults
    assert_eq!(info["features"]["cjk_chars"], serde_json::json!([1, 2]));

    let (code, _, stderr) = train(r#"{"latin_char": [2, 3]}"#);
    assert_ne!(code, 0);
    assert!(stderr.contains("unknown feature setting"), "{stderr}");
}

#[test]
fn commands_that_read_a_store_refuse_a_missing_one() {
    let temp = tempfile::tempdir().unwrap();
    let missing = temp.path().join("mistyped");
    let dir = missing.to_str().unwrap();
    let event = r#"{"kind":"url","url":"http://example.com/"}"#;
    for args in [
        &["check", "--data-dir", dir][..],
        &["audit", "verify", "--data-dir", dir],
        &["token", "list", "--data-dir", dir],
        &[
            "lists",
            "export",
            "--data-dir",
            dir,
            "--list",
            "black",
            "--kind",
            "number",
            "--format",
            "plain",
        ],
    ] {
        let (code, stdout, stderr) = run(args, event);
        assert_eq!(code, 2, "{args:?}: {stdout}");
        assert!(stderr.contains("no store in"), "{args:?}: {stderr}");
        assert!(!missing.exists(), "{args:?} created the directory");
    }
    // a command that puts something in creates the store
    support::create_token(&missing, "admin", &[]);
    let (code, _, stderr) = run(&["check", "--data-dir", dir], event);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn an_export_piped_into_a_reader_that_stops_ends_quietly() {
    use std::io::Read;
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().to_str().unwrap();
    // more than a pipe holds, so that the export is still writing when the reader leaves
    let numbers: String = (0..20_000).map(|n| format!("+86138{n:08}\n")).collect();
    let file = temp.path().join("numbers.txt");
    std::fs::write(&file, numbers).unwrap();
    let file = file.to_str().unwrap();
    let args = ["--list", "black", "--kind", "number", "--format", "plain"];
    let mut import = vec!["lists", "import", "--data-dir", dir];
    import.extend(args);
    import.push(file);
    let (code, _, stderr) = run(&import, "");
    assert_eq!(code, 0, "{stderr}");

    let mut child = std::process::Command::new(support::binary())
        .args(["lists", "export", "--data-dir", dir])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 100];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
