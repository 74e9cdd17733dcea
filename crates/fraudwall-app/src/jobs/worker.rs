//! The loop on each job's thread: wait for the schedule or a wake, run, record.

use std::any::Any;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::job::{Job, JobFailure, RunContext, RunReason};
use super::spec::Schedule;
use super::state::Shared;
use crate::telemetry::JobMetrics;

pub(crate) struct Worker<J> {
    job: J,
    shared: Arc<Shared>,
    metrics: JobMetrics,
    ctx: RunContext,
}

enum Wakeup {
    Stop,
    Woken,
    Deadline,
}

enum Failure {
    Error(JobFailure),
    Panic(Box<dyn Any + Send>),
}

impl<J: Job> Worker<J> {
    pub(crate) fn new(job: J, shared: Arc<Shared>, metrics: JobMetrics) -> Worker<J> {
        let ctx = RunContext::with_stop(shared.name, shared.stop.clone(), RunReason::Period);
        Worker {
            job,
            shared,
            metrics,
            ctx,
        }
    }

    /// Returns when the runner stops; the job is dropped with the worker.
    pub(crate) fn work(mut self, schedule: Schedule) {
        match schedule {
            Schedule::Every(period) => self.every(period),
            Schedule::Due { recheck } => self.due(recheck),
        }
    }

    fn every(&mut self, period: Duration) {
        let mut due = after(Instant::now(), period);
        loop {
            self.note_next_run(wall_of(due));
            let (reason, lag) = match self.wait(due) {
                Wakeup::Stop => return,
                // a wake that comes with the period also due counts as a wake: one run serves both
                Wakeup::Woken => (RunReason::Wake, Duration::ZERO),
                Wakeup::Deadline => (
                    RunReason::Period,
                    Instant::now().saturating_duration_since(due),
                ),
            };
            let started = Instant::now();
            self.run(reason, lag);
            due = after(started, period);
        }
    }

    fn due(&mut self, recheck: Duration) {
        let mut ask = true;
        let mut asked = Instant::now();
        let mut due = None;
        // after a failed run, due work waits this long before it is tried again
        let mut not_before: Option<Instant> = None;
        loop {
            if self.shared.stopping() {
                return;
            }
            if ask {
                asked = Instant::now();
                due = self.next_due();
            }
            let recheck_at = after(asked, recheck);
            let run_at = due.map(|due| {
                let at = instant_of(due);
                not_before.map_or(at, |not_before| at.max(not_before))
            });
            self.note_next_run(due);
            ask = match self.wait(run_at.map_or(recheck_at, |at| at.min(recheck_at))) {
                Wakeup::Stop => return,
                Wakeup::Woken => {
                    not_before = None;
                    true
                }
                Wakeup::Deadline => {
                    let now = OffsetDateTime::now_utc();
                    let backing_off = not_before.is_some_and(|at| Instant::now() < at);
                    match due {
                        // the wall clock decides, not the instant computed from it, so a clock
                        // set back never runs work before its due time
                        Some(at) if at <= now && !backing_off => {
                            let lag = Duration::try_from(now - at).unwrap_or_default();
                            let ok = self.run(RunReason::Due, lag);
                            not_before = (!ok).then(|| after(Instant::now(), recheck));
                            true
                        }
                        _ => Instant::now() >= recheck_at,
                    }
                }
            };
        }
    }

    /// Sleeps until a stop, a wake or the deadline, whichever comes first. A stop wins over a
    /// pending wake, so no run starts once shutdown was asked.
    fn wait(&self, deadline: Instant) -> Wakeup {
        loop {
            if self.shared.stopping() {
                return Wakeup::Stop;
            }
            // Acquire pairs with the Release in `JobHandle::wake`
            if self.shared.woken.swap(false, Ordering::AcqRel) {
                return Wakeup::Woken;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Wakeup::Deadline;
            }
            // may return early (an unpark meant for code inside the last run, or none at all);
            // the loop looks again
            std::thread::park_timeout(left);
        }
    }

    /// One run, caught and recorded; true if it succeeded.
    fn run(&mut self, reason: RunReason, lag: Duration) -> bool {
        self.ctx.reason = reason;
        self.ctx.lag = lag;
        self.metrics.started(lag);
        self.shared.running.store(true, Ordering::Release);
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| self.job.run(&self.ctx)));
        let duration = started.elapsed();
        self.shared.running.store(false, Ordering::Release);
        let failure = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(err)) => Some(Failure::Error(err)),
            Err(panic) => Some(Failure::Panic(panic)),
        };
        match failure {
            None => {
                let now = OffsetDateTime::now_utc();
                self.metrics.succeeded(duration, now);
                let mut record = self.shared.record();
                record.runs += 1;
                record.last_duration = Some(duration);
                record.last_lag = Some(lag);
                record.last_error = None;
                record.last_success = Some(now);
                true
            }
            Some(failure) => {
                let message = self.log("job run", &failure);
                self.metrics.failed(Some(duration));
                let mut record = self.shared.record();
                record.runs += 1;
                record.failures += 1;
                record.last_duration = Some(duration);
                record.last_lag = Some(lag);
                record.last_error = Some(message);
                false
            }
        }
    }

    /// The job's next due time, or `None` (and a recorded failure) if it cannot say.
    fn next_due(&mut self) -> Option<OffsetDateTime> {
        let failure = match catch_unwind(AssertUnwindSafe(|| self.job.next_due())) {
            Ok(Ok(due)) => return due,
            Ok(Err(err)) => Failure::Error(err),
            Err(panic) => Failure::Panic(panic),
        };
        let message = self.log("job due query", &failure);
        self.metrics.failed(None);
        let mut record = self.shared.record();
        record.runs += 1;
        record.failures += 1;
        record.last_error = Some(format!("next due: {message}"));
        None
    }

    fn log(&self, what: &str, failure: &Failure) -> String {
        match failure {
            Failure::Error(err) => {
                let message = describe(err.as_ref());
                tracing::warn!(job = self.shared.name, error = %message, "{what} failed");
                message
            }
            Failure::Panic(panic) => {
                let message = format!("panicked: {}", panic_message(panic.as_ref()));
                tracing::warn!(job = self.shared.name, error = %message, "{what} panicked");
                message
            }
        }
    }

    fn note_next_run(&self, at: Option<OffsetDateTime>) {
        self.shared.record().next_run = at;
    }
}

/// The error and its sources, as one line.
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    text
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a value that is not a message")
}

/// Waits this long or longer are as good as forever; capping them keeps `Instant` arithmetic
/// from overflowing on a `Duration::MAX` period.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3_600);

fn after(from: Instant, wait: Duration) -> Instant {
    from.checked_add(wait.min(FOREVER)).unwrap_or(from)
}

/// The monotonic instant of a wall-clock time, now if it has passed.
fn instant_of(at: OffsetDateTime) -> Instant {
    let ahead = Duration::try_from(at - OffsetDateTime::now_utc()).unwrap_or_default();
    after(Instant::now(), ahead)
}

/// The wall-clock time of a monotonic instant, for the stats.
fn wall_of(at: Instant) -> Option<OffsetDateTime> {
    let ahead = time::Duration::try_from(at.saturating_duration_since(Instant::now())).ok()?;
    OffsetDateTime::now_utc().checked_add(ahead)
}
