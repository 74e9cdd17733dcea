//! Shared helpers for the end-to-end tests: run the real binary, start the real server.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_fraudwall")
}

/// Runs the binary with `args`, feeding `stdin`; returns (status code, stdout, stderr).
pub fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(binary())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // a command that refuses at once (a missing store) exits before reading stdin: the pipe
    // it closed is no failure of the test
    if let Err(err) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// JSON lines of stdout, parsed.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect()
}

pub fn create_token(data_dir: &Path, role: &str, extra: &[&str]) -> String {
    let dir = data_dir.to_str().unwrap();
    let mut args = vec![
        "token",
        "create",
        "--data-dir",
        dir,
        "--role",
        role,
        "--name",
    ];
    let name = format!("{role} test");
    args.push(&name);
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args, "");
    assert_eq!(code, 0, "token create failed: {stderr}");
    let token = stdout.trim().to_owned();
    assert_eq!(
        stdout.lines().count(),
        1,
        "token create prints only the token"
    );
    token
}

/// A running `fraudwall serve`, stopped with SIGTERM on drop.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Server {
    pub fn start() -> Server {
        let temp = tempfile::tempdir().unwrap();
        let data_dir = temp.path().join("data");
        let mut server = Server::start_in(&data_dir, &[]);
        server._temp = Some(temp);
        server
    }

    pub fn start_in(data_dir: &Path, envs: &[(&str, &str)]) -> Server {
        let mut child = Command::new(binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .envs(envs.iter().copied())
            .env("FRAUDWALL_LOG__FILTER", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("the server prints its address before exiting")
                .unwrap();
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.trim().to_owned();
            }
        };
        Server {
            child,
            base: format!("http://{address}"),
            data_dir: data_dir.to_owned(),
            _temp: None,
        }
    }

    /// Creates a token with the command line, as an administrator would, and waits until the
    /// running server has picked it up (within its token refresh period).
    pub fn token(&self, role: &str) -> String {
        self.token_with(role, &[])
    }

    /// [`Server::token`] with more arguments, such as `--org ICBC` or `--territory 350102`.
    pub fn token_with(&self, role: &str, extra: &[&str]) -> String {
        let token = create_token(&self.data_dir, role, extra);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while get(&self.url("/v1/whoami"), Some(&token)).status != 200 {
            assert!(
                std::time::Instant::now() < deadline,
                "the server never accepted the new token"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        token
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Black-lists a number and waits until the node's snapshot has it: until a call from it
    /// is blocked.
    pub fn blacklist_number(&self, admin: &str, decider: &str, number: &str) {
        let put = post(
            &self.url("/v1/lists/black/entries"),
            Some(admin),
            &serde_json::json!({"entries": [{"kind": "number", "value": number,
                "fraud_type": "impersonate_police_government"}]})
            .to_string(),
        );
        assert_eq!(put.status, 200, "{}", put.text);
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let decided = post(
                &self.url("/v1/decisions"),
                Some(decider),
                &serde_json::json!({"events": [{"kind": "call", "caller": number,
                    "callee": "+8613800000009"}]})
                .to_string(),
            );
            if decided.body["decisions"][0]["verdict"] == "block" {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the listing never reached the snapshot"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        terminate(&self.child);
        let status = wait_timeout(&mut self.child, Duration::from_secs(15));
        std::mem::forget(self);
        status
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not stop within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An HTTP client that returns error statuses as responses instead of errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
    pub text: String,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

pub fn get(url: &str, token: Option<&str>) -> Reply {
    let mut request = agent().get(url);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    reply(request.call().unwrap())
}

pub fn post(url: &str, token: Option<&str>, body: &str) -> Reply {
    let mut request = agent().post(url).header("Content-Type", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    reply(request.send(body).unwrap())
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    Reply {
        status,
        body,
        text,
        retry_after,
    }
}

/// Any method, any content type: for text bodies (list files, rule sets) and PUT.
pub fn send(method: &str, url: &str, token: Option<&str>, content_type: &str, body: &str) -> Reply {
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", content_type);
    let request = match token {
        Some(token) => request.header("Authorization", format!("Bearer {token}")),
        None => request,
    };
    let request = request.body(body.to_owned()).unwrap();
    reply(agent().run(request).unwrap())
}
