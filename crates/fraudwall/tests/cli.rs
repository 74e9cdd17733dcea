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
