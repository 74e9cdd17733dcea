//! The real server, started by the real binary, over real HTTP.

mod support;

use support::{Server, get, post};

#[test]
fn health_needs_no_token_and_everything_else_does() {
    let server = Server::start();
    let health = get(&server.url("/v1/health"), None);
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "ok");

    for path in [
        "/v1/whoami",
        "/openapi.json",
        "/metrics",
        "/v1/audit",
        "/v1/tokens",
    ] {
        let reply = get(&server.url(path), None);
        assert_eq!(reply.status, 401, "{path}");
        assert_eq!(reply.body["error"]["code"], "missing_token", "{path}");
        assert!(reply.body["error"]["message"].is_string());
    }
    let reply = post(&server.url("/v1/decisions"), None, r#"{"events":[]}"#);
    assert_eq!(reply.status, 401);

    let reply = get(&server.url("/v1/whoami"), Some("fw_not_a_real_token"));
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body["error"]["code"], "invalid_token");
    assert_eq!(server.stop().code(), Some(0));
}

#[test]
fn roles_are_enforced_with_json_errors() {
    let server = Server::start();
    let reporter = server.token("reporter");
    let telco = server.token("telco");
    let admin = server.token("admin");

    let who = get(&server.url("/v1/whoami"), Some(&reporter));
    assert_eq!(who.status, 200);
    assert_eq!(who.body["role"], "reporter");

    let event = r#"{"events":[{"kind":"url","url":"http://example.com/"}]}"#;
    let denied = post(&server.url("/v1/decisions"), Some(&reporter), event);
    assert_eq!(denied.status, 403);
    assert_eq!(denied.body["error"]["code"], "forbidden_role");

    let allowed = post(&server.url("/v1/decisions"), Some(&telco), event);
    assert_eq!(allowed.status, 200, "{}", allowed.text);

    assert_eq!(get(&server.url("/v1/audit"), Some(&telco)).status, 403);
    assert_eq!(get(&server.url("/metrics"), Some(&telco)).status, 403);
    assert_eq!(get(&server.url("/v1/audit"), Some(&admin)).status, 200);

    let unknown = get(&server.url("/v1/no-such-thing"), Some(&admin));
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body["error"]["code"], "route_not_found");
}

#[test]
fn tokens_created_while_running_work_and_revoked_ones_stop() {
    let server = Server::start();
    let admin = server.token("admin");
    // created through the API: usable at once
    let created = post(
        &server.url("/v1/tokens"),
        Some(&admin),
        r#"{"role":"station","name":"gulou","territory":"350102"}"#,
    );
    assert_eq!(created.status, 201, "{}", created.text);
    let station = created.body["token"].as_str().unwrap().to_owned();
    let who = get(&server.url("/v1/whoami"), Some(&station));
    assert_eq!(who.body["territory"], "350102");

    let id = created.body["id"].as_i64().unwrap();
    let revoked = support::agent()
        .delete(server.url(&format!("/v1/tokens/{id}")))
        .header("Authorization", &format!("Bearer {admin}"))
        .call()
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 204);
    assert_eq!(get(&server.url("/v1/whoami"), Some(&station)).status, 401);

    let bad_role = post(
        &server.url("/v1/tokens"),
        Some(&admin),
        r#"{"role":"root","name":"x"}"#,
    );
    assert_eq!(bad_role.status, 400);
    assert_eq!(bad_role.body["error"]["code"], "malformed_json");
}

#[test]
fn openapi_and_metrics_describe_the_running_server() {
    let server = Server::start();
    let admin = server.token("admin");
    let doc = get(&server.url("/openapi.json"), Some(&admin));
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/v1/health", "/v1/decisions", "/openapi.json", "/metrics"] {
        assert!(
            doc.body["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
    get(&server.url("/v1/health"), None);
    let decided = post(
        &server.url("/v1/decisions"),
        Some(&admin),
        r#"{"events":[{"kind":"url","url":"http://example.com/"},{"kind":"fax"}]}"#,
    );
    assert_eq!(decided.status, 200);
    let metrics = get(&server.url("/metrics"), Some(&admin));
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.text.contains("fraudwall_http_requests_total"),
        "{}",
        metrics.text
    );
    assert!(metrics.text.contains("route=\"/v1/health\""));
    assert!(
        metrics
            .text
            .contains("fraudwall_http_request_duration_seconds_bucket")
    );
    assert!(
        metrics
            .text
            .contains("fraudwall_decision_events_total{outcome=\"allow\"} 1"),
        "{}",
        metrics.text
    );
    assert!(
        metrics
            .text
            .contains("fraudwall_decision_events_total{outcome=\"invalid\"} 1")
    );
}

#[test]
fn audit_chain_records_actions_and_verifies() {
    let server = Server::start();
    let admin = server.token("admin");
    post(
        &server.url("/v1/tokens"),
        Some(&admin),
        r#"{"role":"bank","name":"icbc"}"#,
    );
    let entries = get(&server.url("/v1/audit"), Some(&admin));
    assert_eq!(entries.status, 200);
    let actions: Vec<_> = entries
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].clone())
        .collect();
    assert_eq!(actions, ["token.create", "token.create"]);

    let report = get(&server.url("/v1/audit/verify"), Some(&admin));
    assert_eq!(report.body["first_break"], serde_json::Value::Null);
    // token.create ×2, plus the audit.read above
    assert_eq!(report.body["entries"], 3);

    let dir = server.data_dir.to_str().unwrap().to_owned();
    let (code, stdout, _) = support::run(&["audit", "verify", "--data-dir", &dir], "");
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn oversized_and_malformed_bodies_get_coded_errors() {
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        &temp.path().join("data"),
        &[("FRAUDWALL_SERVER__BODY_LIMIT_BYTES", "2048")],
    );
    let telco = server.token("telco");
    let big = format!(
        r#"{{"events":[{{"kind":"sms","sender":"1","recipient":"2","text":"{}"}}]}}"#,
        "x".repeat(4096)
    );
    let reply = post(&server.url("/v1/decisions"), Some(&telco), &big);
    assert_eq!(reply.status, 413);
    assert_eq!(reply.body["error"]["code"], "payload_too_large");

    let reply = post(&server.url("/v1/decisions"), Some(&telco), "{not json");
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["error"]["code"], "malformed_json");
}

#[test]
fn unknown_configuration_keys_stop_the_server_from_starting() {
    let temp = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(support::binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(temp.path())
        .env("FRAUDWALL_SERVER__LISTEN_ADRESS", "127.0.0.1:1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("FRAUDWALL_SERVER__LISTEN_ADRESS"),
        "{stderr}"
    );
}

#[test]
fn decisions_answer_every_slot_in_order_and_isolate_bad_events() {
    let server = Server::start();
    let telco = server.token("telco");
    let body = serde_json::json!({"events": [
        {"kind": "call", "caller": "+86 138-0013-8000", "callee": "13900139000", "attestation": "C", "id": "c1"},
        {"kind": "call", "caller": "not a number", "callee": "13900139000"},
        {"kind": "url", "url": "HTTP://Login.Example.COM:8080/a/../b?x=1"},
        {"kind": "fax"},
        {"kind": "sms", "sender": "106900000000", "recipient": "13800138000", "text": "hello"},
        {"kind": "app", "package": "com.example.wallet"},
        {"kind": "transfer", "from_account": "6222020200112233445", "to_account": "6217000010001234567", "amount": 100, "currency": "CNY"}
    ]});
    let reply = post(
        &server.url("/v1/decisions"),
        Some(&telco),
        &body.to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let slots = reply.body["decisions"].as_array().unwrap();
    assert_eq!(slots.len(), 7);
    // nothing is listed but the official whitelist: only the unverified caller raises a flag
    assert_eq!(slots[0]["verdict"], "warn", "{}", slots[0]);
    assert_eq!(slots[0]["reasons"][0]["code"], "caller_unverified");
    for index in [2, 4, 5, 6] {
        let slot = &slots[index];
        assert_eq!(slot["verdict"], "allow", "{slot}");
        assert_eq!(slot["reasons"], serde_json::json!([]), "{slot}");
    }
    for index in [0, 2, 4, 5, 6] {
        let versions = &slots[index]["versions"];
        assert!(versions["lists"].as_u64().unwrap() >= 1, "{versions}");
        assert_eq!(versions["rules"], "default-4");
    }
    assert_eq!(slots[0]["id"], "c1");
    assert_eq!(slots[1]["error"]["code"], "invalid_phone");
    assert_eq!(slots[3]["error"]["code"], "unknown_event_kind");

    let empty = post(
        &server.url("/v1/decisions"),
        Some(&telco),
        r#"{"events":[]}"#,
    );
    assert_eq!(empty.body["error"]["code"], "empty_batch");
    let events: Vec<_> = (0..10_001)
        .map(|_| serde_json::json!({"kind":"url","url":"a.b"}))
        .collect();
    let too_many = post(
        &server.url("/v1/decisions"),
        Some(&telco),
        &serde_json::json!({"events": events}).to_string(),
    );
    assert_eq!(too_many.body["error"]["code"], "batch_too_large");
}

#[test]
fn sigterm_ends_the_server_cleanly() {
    let server = Server::start();
    assert_eq!(get(&server.url("/v1/health"), None).status, 200);
    let status = server.stop();
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn a_token_made_by_the_command_line_while_serving_works_on_its_first_request() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    // an hour between token refreshes: only the lookup of an unknown token can find it
    let server = Server::start_in(
        &data_dir,
        &[("FRAUDWALL_AUTH__TOKEN_REFRESH_MS", "3600000")],
    );
    let token = support::create_token(&data_dir, "telco", &[]);
    let first = get(&server.url("/v1/whoami"), Some(&token));
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["role"], "telco");
    // a guessed token is still refused, and so is the same guess again
    for _ in 0..2 {
        let guess = get(&server.url("/v1/whoami"), Some("fw_00"));
        assert_eq!(guess.status, 401);
        assert_eq!(guess.body["error"]["code"], "invalid_token");
    }
}

#[test]
fn sigterm_stops_every_background_job_within_the_grace_period() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let temp = tempfile::tempdir().unwrap();
    let log = temp.path().join("serve.log");
    let mut child = Command::new(support::binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(temp.path().join("data"))
        .env("FRAUDWALL_LOG__FILTER", "info")
        .env("FRAUDWALL_SERVER__SHUTDOWN_GRACE_MS", "5000")
        // every job busy often, so that shutdown meets them running or about to run
        .env("FRAUDWALL_REPUTATION__PERIOD_S", "1")
        .env("FRAUDWALL_LISTS__REFRESH_MS", "10")
        .env("FRAUDWALL_AUTH__TOKEN_REFRESH_MS", "10")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.trim().to_owned();
        }
    };
    let admin = support::create_token(&temp.path().join("data"), "admin", &[]);
    let jobs = get(&format!("http://{address}/v1/jobs"), Some(&admin));
    assert_eq!(jobs.status, 200, "{}", jobs.text);
    let mut names: Vec<&str> = jobs
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "audit-checkpoint",
            "freezes",
            "freezes-retrace",
            "lists",
            "lists-expiry",
            "lists-rebuild",
            "records-upkeep",
            "reputation",
            "screening",
            "tokens",
            "warnings"
        ]
    );
    let sent = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(30),
            "the server did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = sent.elapsed();
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(0), "{text}");
    assert!(
        text.contains("background jobs stopped") && text.contains("jobs=11"),
        "{text}"
    );
    assert!(!text.contains("still running"), "{text}");
    assert!(took < Duration::from_secs(5), "exit took {took:?}: {text}");
}

/// The status, a header and the parsed body of a request made with any method.
fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    content_type: &str,
    body: &str,
) -> (u16, Option<String>, serde_json::Value) {
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", content_type);
    let request = match token {
        Some(token) => request.header("Authorization", format!("Bearer {token}")),
        None => request,
    };
    let mut response = support::agent()
        .run(request.body(body.to_owned()).unwrap())
        .unwrap();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| serde_json::json!({"text": text}));
    (response.status().as_u16(), challenge, body)
}

/// A request and the error it must get: method, path, token, content type, body, status, code.
type Case<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    &'a str,
    &'a str,
    u16,
    &'a str,
);

#[test]
fn every_error_has_the_one_shape_with_a_stable_code() {
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        &temp.path().join("data"),
        &[("FRAUDWALL_SERVER__BODY_LIMIT_BYTES", "2048")],
    );
    let admin = server.token("admin");
    let big = "13800138000\n".repeat(400);
    let rules = format!("version = \"big\"\n# {}\n", "x".repeat(4096));
    let cases: &[Case<'_>] = &[
        (
            "GET",
            "/v1/whoami",
            None,
            "text/plain",
            "",
            401,
            "missing_token",
        ),
        (
            "GET",
            "/v1/whoami",
            Some("fw_wrong"),
            "text/plain",
            "",
            401,
            "invalid_token",
        ),
        (
            "POST",
            "/v1/lists/black/import?kind=number&format=plain",
            Some(&admin),
            "text/plain",
            &big,
            413,
            "payload_too_large",
        ),
        (
            "PUT",
            "/v1/rules",
            Some(&admin),
            "application/toml",
            &rules,
            413,
            "payload_too_large",
        ),
        (
            "POST",
            "/v1/rules/dry-run",
            Some(&admin),
            "application/toml",
            &rules,
            413,
            "payload_too_large",
        ),
        (
            "GET",
            "/v1/audit?limit=many",
            Some(&admin),
            "text/plain",
            "",
            400,
            "invalid_parameter",
        ),
        (
            "GET",
            "/v1/audit?after=-1",
            Some(&admin),
            "text/plain",
            "",
            400,
            "invalid_parameter",
        ),
        (
            "GET",
            "/v1/lists/black/export?kind=number",
            Some(&admin),
            "text/plain",
            "",
            400,
            "invalid_parameter",
        ),
        (
            "GET",
            "/v1/lists/changes?since=x",
            Some(&admin),
            "text/plain",
            "",
            400,
            "invalid_parameter",
        ),
        (
            "DELETE",
            "/v1/tokens/abc",
            Some(&admin),
            "text/plain",
            "",
            400,
            "invalid_parameter",
        ),
        (
            "DELETE",
            "/v1/tokens/99999999999999999999",
            Some(&admin),
            "text/plain",
            "",
            400,
            "invalid_parameter",
        ),
        (
            "PUT",
            "/v1/health",
            None,
            "text/plain",
            "",
            405,
            "method_not_allowed",
        ),
        (
            "POST",
            "/v1/tokens/1",
            Some(&admin),
            "text/plain",
            "",
            405,
            "method_not_allowed",
        ),
        (
            "GET",
            "/v1/nothing-here",
            Some(&admin),
            "text/plain",
            "",
            404,
            "route_not_found",
        ),
        (
            "POST",
            "/v1/decisions",
            Some(&admin),
            "text/plain",
            "{}",
            415,
            "unsupported_content_type",
        ),
    ];
    for &(method, path, token, content_type, body, status, code) in cases {
        let (got, challenge, reply) = call(method, &server.url(path), token, content_type, body);
        assert_eq!(
            (got, reply["error"]["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {reply}"
        );
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && !message.starts_with(char::is_uppercase),
            "{message}"
        );
        if status == 401 {
            assert!(challenge.is_some_and(|c| c.starts_with("Bearer")), "{path}");
        }
    }
}

#[test]
fn a_monitor_reads_metrics_and_nothing_else() {
    let server = Server::start();
    let monitor = server.token("monitor");
    for path in ["/metrics", "/v1/jobs", "/v1/whoami"] {
        assert_eq!(get(&server.url(path), Some(&monitor)).status, 200, "{path}");
    }
    for path in [
        "/openapi.json",
        "/v1/fraud-types",
        "/v1/lookup/0123456789abcdef",
        "/v1/lists/status",
        "/v1/rules",
    ] {
        let reply = get(&server.url(path), Some(&monitor));
        assert_eq!(reply.status, 403, "{path}");
        assert_eq!(reply.body["error"]["code"], "forbidden_role", "{path}");
    }
    let event = r#"{"events":[{"kind":"url","url":"http://example.com/"}]}"#;
    let reply = post(&server.url("/v1/decisions"), Some(&monitor), event);
    assert_eq!(reply.status, 403);
}

#[test]
fn decisions_take_only_the_documented_body() {
    let server = Server::start();
    let telco = server.token("telco");
    let reply = post(
        &server.url("/v1/decisions"),
        Some(&telco),
        r#"{"events":[{"kind":"url","url":"http://example.com/"}],"dry_run":true}"#,
    );
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body["error"]["code"], "unknown_field");
    assert!(reply.text.contains("dry_run"), "{}", reply.text);
}

#[test]
fn fraud_types_are_served_documented_and_enforced() {
    let server = Server::start();
    let analyst = server.token("analyst");
    let types = get(&server.url("/v1/fraud-types"), Some(&analyst));
    assert_eq!(types.status, 200);
    let codes: Vec<&str> = types
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 13);
    assert!(codes.contains(&"fake_customer_service") && codes.contains(&"other"));
    let doc = get(&server.url("/openapi.json"), Some(&analyst));
    assert!(doc.body["paths"].get("/v1/fraud-types").is_some());

    let reply = post(
        &server.url("/v1/lists/black/entries"),
        Some(&analyst),
        r#"{"entries":[{"kind":"number","value":"13800138000","fraud_type":"no_such_type"},
                       {"kind":"number","value":"13800138001","fraud_type":"online_gambling"}]}"#,
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.body["results"][0]["error"]["code"],
        "unknown_fraud_type"
    );
    assert_eq!(reply.body["results"][1]["outcome"], "added");
    let import = support::send(
        "POST",
        &server.url("/v1/lists/black/import?kind=number&format=plain&fraud_type=nope"),
        Some(&analyst),
        "text/plain",
        "13800138002\n",
    );
    assert_eq!(
        import.body["error"]["code"], "unknown_fraud_type",
        "{}",
        import.text
    );
}

/// Whether the server closed `stream` within `limit` (a read sees the end or a reset).
fn closed_within(stream: &mut std::net::TcpStream, limit: std::time::Duration) -> bool {
    use std::io::Read;
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(err) => {
                return !matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

#[test]
fn silent_slow_and_idle_connections_are_closed_and_health_still_answers() {
    use std::io::Write;
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        &temp.path().join("data"),
        &[
            ("FRAUDWALL_SERVER__HEADER_READ_TIMEOUT_MS", "400"),
            ("FRAUDWALL_SERVER__IDLE_TIMEOUT_MS", "800"),
            ("FRAUDWALL_SERVER__MAX_CONNECTIONS", "8"),
        ],
    );
    let address = server.base.trim_start_matches("http://").to_owned();

    // more silent connections than the server serves at once
    let mut silent: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    // a head that never ends, and one sent a byte at a time (never idle, never done)
    let mut partial = TcpStream::connect(&address).unwrap();
    partial
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut trickle = TcpStream::connect(&address).unwrap();
    let trickler = std::thread::spawn(move || {
        let head = b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        let started = Instant::now();
        for byte in head.iter().chain(std::iter::repeat(&b'a')) {
            if trickle.write_all(&[*byte]).is_err() {
                return started.elapsed();
            }
            std::thread::sleep(Duration::from_millis(50));
            if started.elapsed() > Duration::from_secs(10) {
                break;
            }
        }
        started.elapsed()
    });

    // health answers while they are open: they are closed to make room
    let started = Instant::now();
    let health = support::agent()
        .get(&server.url("/v1/health"))
        .config()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .call()
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );

    for (n, stream) in silent.iter_mut().enumerate() {
        assert!(closed_within(stream, Duration::from_secs(8)), "silent {n}");
    }
    assert!(
        closed_within(&mut partial, Duration::from_secs(3)),
        "partial head"
    );
    let trickled = trickler.join().unwrap();
    assert!(
        trickled < Duration::from_secs(5),
        "a trickled head lasted {trickled:?}"
    );

    // a kept-alive connection that goes quiet after its request is closed too
    let mut kept = TcpStream::connect(&address).unwrap();
    kept.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let quiet = Instant::now();
    assert!(
        closed_within(&mut kept, Duration::from_secs(5)),
        "kept alive"
    );
    assert!(
        quiet.elapsed() >= Duration::from_millis(300),
        "{:?}",
        quiet.elapsed()
    );
    assert_eq!(get(&server.url("/v1/health"), None).status, 200);
    assert_eq!(server.stop().code(), Some(0));
}
