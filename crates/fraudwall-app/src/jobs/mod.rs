//! One runner for all background work: periodic jobs (token refresh, list catch-up) and jobs
//! that run when their work is due (list expiry, warning deadlines).
//!
//! Each job runs on its own named OS thread (`fraudwall-<name>`), not on the async runtime's
//! blocking pool: jobs block on the store, and handing periodic work to the blocking pool woke
//! threads on the cores serving requests, which showed in tail latencies. A parked thread costs
//! nothing between runs.
//!
//! A job's thread calls it one run at a time, so a job never overlaps itself and keeps its state
//! without locks. The rest of the application holds [`JobHandle`]s to wake jobs when something
//! changed; the runner keeps the threads, and stops them on [`JobRunner::shutdown`] or drop.
//!
//! ```
//! use std::time::Duration;
//! use fraudwall_app::jobs::{JobFailure, JobRunner, JobSpec, RunContext};
//!
//! let runner = JobRunner::new();
//! let tokens = runner.register(
//!     JobSpec::every("tokens", Duration::from_secs(30)),
//!     |_: &RunContext| -> Result<(), JobFailure> { Ok(()) },
//! )?;
//! tokens.wake();
//! assert!(runner.shutdown(Duration::from_secs(5)).all_stopped());
//! # Ok::<(), fraudwall_app::jobs::JobError>(())
//! ```

mod error;
mod handle;
mod job;
mod shutdown;
mod spec;
mod state;
mod stats;
mod worker;

#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use error::JobError;
pub use handle::JobHandle;
pub use job::{Job, JobFailure, RunContext, RunReason};
pub use shutdown::ShutdownReport;
pub use spec::{JobSpec, Schedule};
pub use stats::JobStats;

use shutdown::{ExitGuard, Exits};
use state::Shared;
use worker::Worker;

use crate::telemetry::JobMetrics;

/// Owns the jobs' threads. Usually one per process, built at start and shut down last.
pub struct JobRunner {
    stop: Arc<AtomicBool>,
    exits: Arc<Exits>,
    jobs: Mutex<Vec<Entry>>,
}

struct Entry {
    shared: Arc<Shared>,
    handle: JobHandle,
    /// Taken once the thread is joined.
    thread: Option<JoinHandle<()>>,
}

impl JobRunner {
    pub fn new() -> JobRunner {
        JobRunner {
            stop: Arc::new(AtomicBool::new(false)),
            exits: Arc::new(Exits::default()),
            jobs: Mutex::new(Vec::new()),
        }
    }

    /// Starts `job` on its own thread, on `spec`'s schedule. Metric handles are registered now,
    /// so the metrics recorder must be installed before.
    pub fn register(&self, spec: JobSpec, job: impl Job) -> Result<JobHandle, JobError> {
        spec.validate()?;
        let name = spec.name;
        // held while spawning, so a shutdown either sees this job or refuses it
        let mut jobs = self.jobs();
        if self.stop.load(Ordering::Acquire) {
            return Err(JobError::ShutDown(name));
        }
        if jobs.iter().any(|entry| entry.shared.name == name) {
            return Err(JobError::Duplicate(name));
        }
        let shared = Arc::new(Shared::new(name, self.stop.clone()));
        let worker = Worker::new(job, shared.clone(), JobMetrics::register(name));
        let exits = self.exits.clone();
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("fraudwall-{name}"))
            .spawn(move || {
                let _exit = ExitGuard {
                    shared: &thread_shared,
                    exits: &exits,
                };
                worker.work(spec.schedule);
            })
            .map_err(|source| JobError::Spawn { name, source })?;
        let handle = JobHandle::new(shared.clone(), thread.thread().clone());
        jobs.push(Entry {
            shared,
            handle: handle.clone(),
            thread: Some(thread),
        });
        Ok(handle)
    }

    /// A snapshot of every job, in registration order.
    pub fn stats(&self) -> Vec<JobStats> {
        self.jobs()
            .iter()
            .map(|entry| JobStats::of(&entry.shared))
            .collect()
    }

    /// Stops every job: asks runs in progress to stop (see [`RunContext::stopping`]), lets them
    /// finish, and waits up to `grace` in all for the threads to end. A job still running then is
    /// reported in [`ShutdownReport::not_stopped`] and left to end on its own, so a stuck store
    /// call cannot hold the process up. Later registrations are refused and wakes do nothing.
    ///
    /// Calling it again waits again, and reports the jobs that ended meanwhile as stopped.
    pub fn shutdown(&self, grace: Duration) -> ShutdownReport {
        let deadline = Instant::now().checked_add(grace);
        let shared: Vec<Arc<Shared>> = {
            let jobs = self.jobs();
            self.stop.store(true, Ordering::Release);
            for entry in jobs.iter() {
                entry.handle.unpark();
            }
            jobs.iter().map(|entry| entry.shared.clone()).collect()
        };
        // without holding the lock, so stats stay readable while runs finish
        self.exits
            .wait(deadline, || shared.iter().all(|job| job.exited()));

        let mut report = ShutdownReport::default();
        for entry in self.jobs().iter_mut() {
            let name = entry.shared.name;
            if !entry.shared.exited() {
                tracing::warn!(job = name, "job did not stop within the grace period");
                report.not_stopped.push(name);
                continue;
            }
            // ended already, so this only waits for the thread's last instructions
            if let Some(thread) = entry.thread.take()
                && thread.join().is_err()
            {
                tracing::warn!(job = name, "job thread panicked");
            }
            report.stopped.push(name);
        }
        report
    }

    fn jobs(&self) -> MutexGuard<'_, Vec<Entry>> {
        // held only to add, list or join entries, never across a run
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for JobRunner {
    fn default() -> JobRunner {
        JobRunner::new()
    }
}

/// Dropping without [`JobRunner::shutdown`] still stops every thread once its run in progress
/// ends, but does not wait for it: a drop must not block on a stuck store call.
impl Drop for JobRunner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        for entry in self.jobs().iter() {
            entry.handle.unpark();
        }
    }
}

impl std::fmt::Debug for JobRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.jobs().iter().map(|entry| entry.shared.name).collect();
        f.debug_struct("JobRunner")
            .field("jobs", &names)
            .field("stopping", &self.stop.load(Ordering::Acquire))
            .finish()
    }
}
