//! What a status endpoint or a test can see of a job.

use std::time::Duration;

use time::OffsetDateTime;

use super::state::Shared;

/// A snapshot of one job, from [`JobRunner::stats`](super::JobRunner::stats).
#[derive(Debug, Clone, PartialEq)]
pub struct JobStats {
    pub name: &'static str,
    /// Runs finished, successful or not; a failed due query counts as a failed run.
    pub runs: u64,
    pub failures: u64,
    /// A run is in progress.
    pub running: bool,
    /// The job's thread has ended (after a shutdown or a drop of the runner).
    pub stopped: bool,
    pub last_duration: Option<Duration>,
    pub last_lag: Option<Duration>,
    /// The message of the latest failure, with its sources, if the latest run failed: a success
    /// clears it, so `Some` means the job is failing now.
    pub last_error: Option<String>,
    pub last_success: Option<OffsetDateTime>,
    /// When the job is next expected to run, by the wall clock: the period's end or the due
    /// time; `None` while a due job has nothing due.
    pub next_run: Option<OffsetDateTime>,
}

/// The part of [`JobStats`] the job's thread writes after each run.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub(crate) runs: u64,
    pub(crate) failures: u64,
    pub(crate) last_duration: Option<Duration>,
    pub(crate) last_lag: Option<Duration>,
    pub(crate) last_error: Option<String>,
    pub(crate) last_success: Option<OffsetDateTime>,
    pub(crate) next_run: Option<OffsetDateTime>,
}

impl JobStats {
    pub(crate) fn of(shared: &Shared) -> JobStats {
        let record = shared.record();
        JobStats {
            name: shared.name,
            runs: record.runs,
            failures: record.failures,
            running: shared.running(),
            stopped: shared.exited(),
            last_duration: record.last_duration,
            last_lag: record.last_lag,
            last_error: record.last_error.clone(),
            last_success: record.last_success,
            next_run: record.next_run,
        }
    }
}
