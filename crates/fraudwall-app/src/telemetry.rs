//! Every metric this crate emits is named here, and only here.

use std::time::Duration;

use metrics::{Counter, Gauge, Histogram};
use time::OffsetDateTime;

/// Runs by job and outcome (`ok` or `error`; a panic is an error). A due query that fails counts
/// as a failed run: a job that cannot tell when its work is due has failed to do it.
pub const JOB_RUNS: &str = "fraudwall_job_runs_total";
/// Wall time of each run, by job.
pub const JOB_RUN_DURATION: &str = "fraudwall_job_run_duration_seconds";
/// How late the latest run started after it was due, by job: for a periodic job, after its
/// period elapsed; for a due job, after the due time; 0 for a run asked for by a wake.
pub const JOB_LAG: &str = "fraudwall_job_lag_seconds";
/// Unix time of the latest successful run, by job: alert on its age for periodic jobs.
pub const JOB_LAST_SUCCESS: &str = "fraudwall_job_last_success_timestamp_seconds";

/// Buckets for [`JOB_RUN_DURATION`], from 1 ms to 15 min: a token refresh takes milliseconds, a
/// reputation pass over every live entry minutes. The exporter renders a histogram without
/// buckets of its own as a summary, so whoever installs it should pass these.
pub const JOB_DURATION_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
];

/// One job's metric handles, registered once when the job is, so recording a run neither builds
/// labels nor looks a key up. Handles bind to the recorder installed at registration: install it
/// before registering jobs.
pub(crate) struct JobMetrics {
    ok: Counter,
    error: Counter,
    duration: Histogram,
    lag: Gauge,
    last_success: Gauge,
}

impl JobMetrics {
    pub(crate) fn register(job: &'static str) -> JobMetrics {
        JobMetrics {
            ok: metrics::counter!(JOB_RUNS, "job" => job, "outcome" => "ok"),
            error: metrics::counter!(JOB_RUNS, "job" => job, "outcome" => "error"),
            duration: metrics::histogram!(JOB_RUN_DURATION, "job" => job),
            lag: metrics::gauge!(JOB_LAG, "job" => job),
            last_success: metrics::gauge!(JOB_LAST_SUCCESS, "job" => job),
        }
    }

    /// Set when a run starts rather than when it ends, so a long run shows its lag at once.
    pub(crate) fn started(&self, lag: Duration) {
        self.lag.set(lag.as_secs_f64());
    }

    pub(crate) fn succeeded(&self, duration: Duration, at: OffsetDateTime) {
        self.ok.increment(1);
        self.duration.record(duration.as_secs_f64());
        self.last_success
            .set((at - OffsetDateTime::UNIX_EPOCH).as_seconds_f64());
    }

    /// `duration` is `None` for a failed due query, which is not a run to time.
    pub(crate) fn failed(&self, duration: Option<Duration>) {
        self.error.increment(1);
        if let Some(duration) = duration {
            self.duration.record(duration.as_secs_f64());
        }
    }
}
