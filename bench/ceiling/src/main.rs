//! The throughput ceiling for `POST /v1/decisions`: a server that does only what any server of
//! this API must do (read the body, parse every event of the batch into a typed event, write one
//! decision per event) and decides nothing. fraudwall's own figures are measured against it.
//!
//! ```text
//! fraudwall-bench-ceiling [--listen 127.0.0.1:8081] [--threads N]
//! ```
//!
//! Prints `listening on ADDR` once it accepts requests. `Authorization: Bearer` is accepted and
//! not checked.

mod wire;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde_json::json;

use wire::{Batch, Slot};

const USAGE: &str = "usage: fraudwall-bench-ceiling [--listen ADDR] [--threads N]";

/// The same limits as fraudwall's defaults.
const MAX_EVENTS: usize = 10_000;
const BODY_LIMIT_BYTES: usize = 32 * 1024 * 1024;

struct Options {
    listen: SocketAddr,
    threads: Option<usize>,
}

fn parse_options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        listen: SocketAddr::from(([127, 0, 0, 1], 8081)),
        threads: None,
    };
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--listen" => {
                options.listen = value
                    .parse()
                    .map_err(|e| format!("--listen {value}: {e}"))?;
            }
            "--threads" => {
                let threads = value
                    .parse::<usize>()
                    .map_err(|e| format!("--threads {value}: {e}"))?;
                options.threads = Some(threads.max(1));
            }
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    Ok(options)
}

fn main() {
    let options = match parse_options(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(threads) = options.threads {
        runtime.worker_threads(threads);
    }
    let outcome = runtime
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
        .and_then(|runtime| runtime.block_on(serve(options.listen)));
    if let Err(message) = outcome {
        eprintln!("{message}");
        std::process::exit(1);
    }
}

async fn serve(listen: SocketAddr) -> Result<(), String> {
    let app = Router::new()
        .route("/v1/decisions", post(decide))
        .route(
            "/v1/health",
            get(|| async { Json(json!({"status": "ok"})) }),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    // Scripts wait for this line, as they do for fraudwall's.
    println!("listening on {address}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}

async fn decide(body: Bytes) -> Response {
    let batch: Batch<'_> = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(err) => return batch_error("malformed_json", format!("invalid json body: {err}")),
    };
    if batch.events.is_empty() {
        return batch_error("empty_batch", "events must hold at least one event".into());
    }
    if batch.events.len() > MAX_EVENTS {
        return batch_error(
            "batch_too_large",
            format!("at most {MAX_EVENTS} events per batch"),
        );
    }
    let decisions: Vec<Slot> = batch.events.iter().map(|raw| wire::decide(raw)).collect();
    Json(wire::Decisions { decisions }).into_response()
}

fn batch_error(code: &'static str, message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}
