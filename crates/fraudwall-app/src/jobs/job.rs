//! The work itself, and what the runner tells it about each run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use time::OffsetDateTime;

/// Why a run or a due query failed. Boxed so a job can `?` its store's errors without a
/// conversion; the runner only logs it and keeps its message.
pub type JobFailure = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Background work the runner calls on the job's own thread, one call at a time, so a job keeps
/// its state in `self` without locks. Both methods may block on the store.
///
/// A closure `FnMut(&RunContext) -> Result<(), JobFailure>` is a job for the plain periodic case.
pub trait Job: Send + 'static {
    /// Does the work that is due. A long run should check [`RunContext::stopping`] between
    /// chunks and return early once it is true, leaving the rest for the next start.
    ///
    /// With several nodes, this is where a due job leases its work: it claims due rows through
    /// the store and handles only those (see [`Schedule::Due`]).
    ///
    /// An error or a panic is logged and counted, and the job keeps its schedule: its state is
    /// a cache of the store's, read again by the next run. A panic that leaves `self` broken
    /// for good shows as every later run failing.
    ///
    /// [`Schedule::Due`]: super::Schedule::Due
    fn run(&mut self, ctx: &RunContext) -> Result<(), JobFailure>;

    /// When work is next due, for a [`Schedule::Due`] job; typically a store query for the
    /// earliest due time, such as the earliest open warning deadline. `None` means nothing is
    /// due until the job is woken (or `recheck` passes). A time already past runs the job at once.
    ///
    /// [`Schedule::Due`]: super::Schedule::Due
    fn next_due(&mut self) -> Result<Option<OffsetDateTime>, JobFailure> {
        Ok(None)
    }
}

impl<F> Job for F
where
    F: FnMut(&RunContext) -> Result<(), JobFailure> + Send + 'static,
{
    fn run(&mut self, ctx: &RunContext) -> Result<(), JobFailure> {
        self(ctx)
    }
}

/// Why a run happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunReason {
    /// A periodic job's period elapsed.
    Period,
    /// A periodic job was woken.
    Wake,
    /// A due job's due time passed (whether the runner found out by waiting or by a wake).
    Due,
}

/// What the runner tells a job about the run in progress.
#[derive(Debug)]
pub struct RunContext {
    name: &'static str,
    stop: Arc<AtomicBool>,
    pub(crate) reason: RunReason,
    pub(crate) lag: Duration,
}

impl RunContext {
    /// A context for calling a job outside a runner (a test, an operator's request): it never
    /// reports stopping.
    pub fn new(name: &'static str, reason: RunReason) -> RunContext {
        RunContext::with_stop(name, Arc::new(AtomicBool::new(false)), reason)
    }

    pub(crate) fn with_stop(
        name: &'static str,
        stop: Arc<AtomicBool>,
        reason: RunReason,
    ) -> RunContext {
        RunContext {
            name,
            stop,
            reason,
            lag: Duration::ZERO,
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// True once the runner is shutting down or dropped: finish the current chunk and return.
    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    pub fn reason(&self) -> RunReason {
        self.reason
    }

    /// How late this run started after it was due (zero for a wake); see
    /// [`JOB_LAG`](crate::telemetry::JOB_LAG).
    pub fn lag(&self) -> Duration {
        self.lag
    }
}
