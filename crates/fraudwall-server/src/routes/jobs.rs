//! The background jobs' state, for operators: what runs, how often it fails, how late it is.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::ErrorBody;
use crate::routes::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    #[schema(example = "reputation")]
    pub name: &'static str,
    pub runs: u64,
    pub failures: u64,
    pub running: bool,
    pub last_duration_ms: Option<f64>,
    /// How late the last run started after it was due.
    pub last_lag_ms: Option<f64>,
    /// The latest failure, if the latest run failed.
    pub last_error: Option<String>,
    pub last_success: Option<String>,
    pub next_run: Option<String>,
}

/// Every background job of this node and how it is doing.
#[utoipa::path(get, path = "/v1/jobs", tag = "meta",
    responses(
        (status = 200, description = "one entry per job", body = [JobView]),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn list(State(state): State<AppState>) -> Json<Vec<JobView>> {
    let millis = |d: std::time::Duration| d.as_secs_f64() * 1_000.0;
    Json(
        state
            .app
            .job_stats()
            .into_iter()
            .map(|job| JobView {
                name: job.name,
                runs: job.runs,
                failures: job.failures,
                running: job.running,
                last_duration_ms: job.last_duration.map(millis),
                last_lag_ms: job.last_lag.map(millis),
                last_error: job.last_error,
                last_success: job.last_success.map(rfc3339),
                next_run: job.next_run.map(rfc3339),
            })
            .collect(),
    )
}
