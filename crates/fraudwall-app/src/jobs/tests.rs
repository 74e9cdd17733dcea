//! The runner's behaviour end to end, on real threads. Every wait polls against a deadline far
//! longer than the behaviour needs, so a slow machine makes these tests slower, never red; the
//! only upper bounds on time are shutdown's, with a wide margin.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use metrics::{
    Counter, CounterFn, Gauge, GaugeFn, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use time::OffsetDateTime;

use super::*;

const PATIENCE: Duration = Duration::from_secs(20);
const HOUR: Duration = Duration::from_secs(3_600);
const GRACE: Duration = Duration::from_secs(30);

fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn stats_of(runner: &JobRunner, name: &str) -> JobStats {
    runner
        .stats()
        .into_iter()
        .find(|stats| stats.name == name)
        .expect("the job is registered")
}

fn counting(runs: &Arc<AtomicUsize>) -> impl Job + use<> {
    let runs = runs.clone();
    move |_: &RunContext| -> Result<(), JobFailure> {
        runs.fetch_add(1, SeqCst);
        Ok(())
    }
}

/// Set when dropped: the job went away with its thread.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

/// Does nothing, on any schedule, and tells when it is dropped.
struct Idle {
    _dropped: DropFlag,
}

impl Job for Idle {
    fn run(&mut self, _: &RunContext) -> Result<(), JobFailure> {
        Ok(())
    }
}

fn idle() -> (Idle, Arc<AtomicBool>) {
    let dropped = Arc::new(AtomicBool::new(false));
    let job = Idle {
        _dropped: DropFlag(dropped.clone()),
    };
    (job, dropped)
}

/// A job whose first run blocks until released, to hold a run in progress.
fn blocking(runs: &Arc<AtomicUsize>) -> (impl Job + use<>, mpsc::Receiver<()>, mpsc::Sender<()>) {
    let (started_tx, started) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let runs = runs.clone();
    let job = move |_: &RunContext| -> Result<(), JobFailure> {
        if runs.fetch_add(1, SeqCst) == 0 {
            started_tx.send(()).expect("the test waits for the start");
            release_rx.recv_timeout(PATIENCE).ok();
        }
        Ok(())
    };
    (job, started, release)
}

#[test]
fn periodic_job_runs_repeatedly() {
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    runner
        .register(
            JobSpec::every("tick", Duration::from_millis(10)),
            counting(&runs),
        )
        .unwrap();
    eventually("it ran three times", || runs.load(SeqCst) >= 3);
    let stats = stats_of(&runner, "tick");
    assert!(stats.runs >= 3);
    assert_eq!(stats.failures, 0);
    assert!(stats.last_success.is_some());
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn periodic_job_waits_a_period_before_its_first_run_and_a_wake_runs_it_at_once() {
    let runner = JobRunner::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let handle = runner
        .register(
            JobSpec::every("hourly", HOUR),
            move |ctx: &RunContext| -> Result<(), JobFailure> {
                record.lock().unwrap().push((ctx.reason(), ctx.lag()));
                Ok(())
            },
        )
        .unwrap();
    eventually("it planned its first run", || {
        stats_of(&runner, "hourly").next_run.is_some()
    });
    let next_run = stats_of(&runner, "hourly").next_run.unwrap();
    assert!(next_run > OffsetDateTime::now_utc() + Duration::from_secs(1_800));
    assert_eq!(stats_of(&runner, "hourly").runs, 0);
    assert_eq!(handle.name(), "hourly");

    handle.wake();
    eventually("the wake ran it", || seen.lock().unwrap().len() == 1);
    assert_eq!(
        seen.lock().unwrap()[0],
        (RunReason::Wake, Duration::ZERO),
        "a wake is never late"
    );
    let stats = stats_of(&runner, "hourly");
    assert_eq!(stats.last_lag, Some(Duration::ZERO));
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn wakes_during_a_run_coalesce_into_one_more_run() {
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let (job, started, release) = blocking(&runs);
    let handle = runner.register(JobSpec::every("busy", HOUR), job).unwrap();
    handle.wake();
    started
        .recv_timeout(PATIENCE)
        .expect("the first run starts");
    let waker = handle.clone();
    std::thread::spawn(move || (0..50).for_each(|_| waker.wake()))
        .join()
        .unwrap();
    (0..50).for_each(|_| handle.wake());
    release.send(()).unwrap();
    eventually("the coalesced run happened", || runs.load(SeqCst) == 2);
    // a runner that queued each wake would be running the third of a hundred by now
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(runs.load(SeqCst), 2);
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn an_overrun_shows_as_the_next_runs_lag() {
    let runner = JobRunner::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    runner
        .register(
            JobSpec::every("slow", Duration::from_millis(10)),
            move |ctx: &RunContext| -> Result<(), JobFailure> {
                let mut seen = record.lock().unwrap();
                seen.push((ctx.reason(), ctx.lag()));
                if seen.len() == 1 {
                    std::thread::sleep(Duration::from_millis(80));
                }
                Ok(())
            },
        )
        .unwrap();
    eventually("it ran twice", || seen.lock().unwrap().len() >= 2);
    let (reason, lag) = seen.lock().unwrap()[1];
    assert_eq!(reason, RunReason::Period);
    // due 10 ms after the first run started, which took at least 80 ms
    assert!(lag >= Duration::from_millis(60), "lag {lag:?}");
    assert!(runner.shutdown(GRACE).all_stopped());
}

/// Due once at `due`, then nothing; records when each run started, by the wall clock.
struct Deadline {
    due: Arc<Mutex<Option<OffsetDateTime>>>,
    ran: Arc<Mutex<Vec<(OffsetDateTime, RunReason)>>>,
    queries: Arc<AtomicUsize>,
}

impl Job for Deadline {
    fn run(&mut self, ctx: &RunContext) -> Result<(), JobFailure> {
        self.ran
            .lock()
            .unwrap()
            .push((OffsetDateTime::now_utc(), ctx.reason()));
        *self.due.lock().unwrap() = None;
        Ok(())
    }

    fn next_due(&mut self) -> Result<Option<OffsetDateTime>, JobFailure> {
        self.queries.fetch_add(1, SeqCst);
        Ok(*self.due.lock().unwrap())
    }
}

type Ran = Arc<Mutex<Vec<(OffsetDateTime, RunReason)>>>;

fn deadline(due: Option<OffsetDateTime>) -> (Deadline, Arc<Mutex<Option<OffsetDateTime>>>, Ran) {
    let due = Arc::new(Mutex::new(due));
    let ran = Arc::new(Mutex::new(Vec::new()));
    let job = Deadline {
        due: due.clone(),
        ran: ran.clone(),
        queries: Arc::new(AtomicUsize::new(0)),
    };
    (job, due, ran)
}

#[test]
fn due_job_runs_when_its_due_time_passes_and_not_before() {
    let runner = JobRunner::new();
    let due = OffsetDateTime::now_utc() + Duration::from_millis(200);
    let (job, _, ran) = deadline(Some(due));
    runner
        .register(JobSpec::due("deadline", HOUR), job)
        .unwrap();
    assert_eq!(stats_of(&runner, "deadline").runs, 0);
    eventually("it ran", || ran.lock().unwrap().len() == 1);
    let (at, reason) = ran.lock().unwrap()[0];
    assert!(at >= due, "ran at {at}, due at {due}");
    assert_eq!(reason, RunReason::Due);
    eventually("it asked again and found nothing due", || {
        stats_of(&runner, "deadline").next_run.is_none()
    });
    let stats = stats_of(&runner, "deadline");
    assert_eq!((stats.runs, stats.failures), (1, 0));
    assert!(stats.last_lag.is_some());
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn a_wake_makes_a_due_job_ask_again() {
    let runner = JobRunner::new();
    let (job, due, ran) = deadline(None);
    let queries = job.queries.clone();
    let handle = runner
        .register(JobSpec::due("warnings", HOUR), job)
        .unwrap();
    eventually("it asked at start", || queries.load(SeqCst) == 1);

    // work due in an hour: a wake asks, but does not run it
    let later = OffsetDateTime::now_utc() + HOUR;
    *due.lock().unwrap() = Some(later);
    handle.wake();
    eventually("it asked again", || queries.load(SeqCst) == 2);
    eventually("it waits for the new due time", || {
        stats_of(&runner, "warnings").next_run == Some(later)
    });
    assert!(ran.lock().unwrap().is_empty());

    // work already due: a wake runs it
    let past = OffsetDateTime::now_utc() - Duration::from_secs(5);
    *due.lock().unwrap() = Some(past);
    handle.wake();
    eventually("it ran", || ran.lock().unwrap().len() == 1);
    assert_eq!(ran.lock().unwrap()[0].1, RunReason::Due);
    let lag = stats_of(&runner, "warnings").last_lag.unwrap();
    assert!(lag >= Duration::from_secs(5), "lag {lag:?}");
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn a_due_job_asks_again_every_recheck() {
    let runner = JobRunner::new();
    let (job, _, ran) = deadline(None);
    let queries = job.queries.clone();
    runner
        .register(JobSpec::due("expiry", Duration::from_millis(10)), job)
        .unwrap();
    eventually("it asked three times", || queries.load(SeqCst) >= 3);
    assert!(ran.lock().unwrap().is_empty());
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn a_failing_due_query_is_counted_and_retried() {
    let runner = JobRunner::new();
    let queries = Arc::new(AtomicUsize::new(0));
    struct Unreachable(Arc<AtomicUsize>);
    impl Job for Unreachable {
        fn run(&mut self, _: &RunContext) -> Result<(), JobFailure> {
            Ok(())
        }
        fn next_due(&mut self) -> Result<Option<OffsetDateTime>, JobFailure> {
            self.0.fetch_add(1, SeqCst);
            Err("store unavailable".into())
        }
    }
    runner
        .register(
            JobSpec::due("unreachable", Duration::from_millis(10)),
            Unreachable(queries.clone()),
        )
        .unwrap();
    eventually("it retried", || queries.load(SeqCst) >= 3);
    let stats = stats_of(&runner, "unreachable");
    assert!(stats.failures >= 2);
    assert_eq!(stats.runs, stats.failures);
    assert_eq!(
        stats.last_error.as_deref(),
        Some("next due: store unavailable")
    );
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn a_due_run_that_fails_waits_a_recheck_before_the_next_try() {
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    struct Poisoned(Arc<AtomicUsize>);
    impl Job for Poisoned {
        fn run(&mut self, _: &RunContext) -> Result<(), JobFailure> {
            self.0.fetch_add(1, SeqCst);
            Err("row cannot be processed".into())
        }
        fn next_due(&mut self) -> Result<Option<OffsetDateTime>, JobFailure> {
            Ok(Some(OffsetDateTime::UNIX_EPOCH))
        }
    }
    runner
        .register(
            JobSpec::due("poisoned", Duration::from_millis(100)),
            Poisoned(runs.clone()),
        )
        .unwrap();
    eventually("it tried twice", || runs.load(SeqCst) >= 2);
    let (since, before) = (Instant::now(), runs.load(SeqCst));
    std::thread::sleep(Duration::from_millis(300));
    let tries = runs.load(SeqCst);
    // tries are at least 100 ms apart
    let bound = before + (since.elapsed().as_millis() / 100) as usize + 1;
    // a runner that retried at once would have made thousands of tries
    assert!(tries <= bound, "{tries} tries, at most {bound} expected");
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[derive(Debug)]
struct Outer(std::io::Error);

impl std::fmt::Display for Outer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("token refresh failed")
    }
}

impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

#[test]
fn a_failing_job_is_counted_and_keeps_running() {
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    runner
        .register(
            JobSpec::every("flaky", Duration::from_millis(5)),
            move |_: &RunContext| -> Result<(), JobFailure> {
                match counted.fetch_add(1, SeqCst) {
                    0..3 => Err(Outer(std::io::Error::other("database is locked")).into()),
                    _ => Ok(()),
                }
            },
        )
        .unwrap();
    eventually("it failed three times", || runs.load(SeqCst) >= 3);
    let failing = stats_of(&runner, "flaky");
    assert!(failing.failures >= 1);
    eventually("it succeeded after", || {
        stats_of(&runner, "flaky").last_success.is_some()
    });
    let stats = stats_of(&runner, "flaky");
    assert_eq!(stats.failures, 3);
    assert!(stats.runs >= 4);
    assert_eq!(stats.last_error, None, "a success clears the error");
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn the_last_error_carries_its_sources() {
    let runner = JobRunner::new();
    runner
        .register(
            JobSpec::every("failing", Duration::from_millis(5)),
            |_: &RunContext| -> Result<(), JobFailure> {
                Err(Outer(std::io::Error::other("database is locked")).into())
            },
        )
        .unwrap();
    eventually("it failed twice", || {
        stats_of(&runner, "failing").failures >= 2
    });
    let stats = stats_of(&runner, "failing");
    assert_eq!(
        stats.last_error.as_deref(),
        Some("token refresh failed: database is locked")
    );
    assert!(stats.last_success.is_none());
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn a_panicking_job_is_counted_and_keeps_running() {
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    runner
        .register(
            JobSpec::every("panicky", Duration::from_millis(5)),
            move |_: &RunContext| -> Result<(), JobFailure> {
                if counted.fetch_add(1, SeqCst) < 2 {
                    panic!("boom");
                }
                Ok(())
            },
        )
        .unwrap();
    eventually("it ran after panicking twice", || {
        stats_of(&runner, "panicky").last_success.is_some()
    });
    let stats = stats_of(&runner, "panicky");
    assert_eq!(stats.failures, 2);
    assert!(!stats.stopped);
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn a_panic_message_is_kept_until_a_success() {
    let runner = JobRunner::new();
    runner
        .register(
            JobSpec::every("always-panics", Duration::from_millis(5)),
            |_: &RunContext| -> Result<(), JobFailure> { panic!("index {} out of range", 7) },
        )
        .unwrap();
    eventually("it panicked twice", || {
        stats_of(&runner, "always-panics").failures >= 2
    });
    assert_eq!(
        stats_of(&runner, "always-panics").last_error.as_deref(),
        Some("panicked: index 7 out of range")
    );
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn shutdown_joins_every_job_well_within_the_grace_period() {
    let runner = JobRunner::new();
    let mut dropped = Vec::new();
    for (spec, (job, flag)) in [
        (JobSpec::every("hourly", HOUR), idle()),
        (JobSpec::every("often", Duration::from_millis(1)), idle()),
        (JobSpec::due("nothing-due", HOUR), idle()),
        (JobSpec::due("rechecking", Duration::from_millis(1)), idle()),
    ] {
        runner.register(spec, job).unwrap();
        dropped.push(flag);
    }
    // one job mid-run, stopping between chunks
    let (in_run_tx, in_run) = mpsc::channel();
    runner
        .register(
            JobSpec::every("chunked", HOUR),
            move |ctx: &RunContext| -> Result<(), JobFailure> {
                in_run_tx.send(()).ok();
                while !ctx.stopping() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Ok(())
            },
        )
        .unwrap()
        .wake();
    in_run
        .recv_timeout(PATIENCE)
        .expect("the chunked run starts");

    let started = Instant::now();
    let report = runner.shutdown(GRACE);
    let took = started.elapsed();
    assert!(report.all_stopped(), "{report:?}");
    assert_eq!(
        report.stopped,
        ["hourly", "often", "nothing-due", "rechecking", "chunked"]
    );
    assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
    assert!(dropped.iter().all(|flag| flag.load(SeqCst)));
    assert!(runner.stats().iter().all(|stats| stats.stopped));
}

#[test]
fn shutdown_reports_a_job_stuck_in_a_run_and_a_second_call_collects_it() {
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let (job, started, release) = blocking(&runs);
    runner
        .register(JobSpec::every("stuck", HOUR), job)
        .unwrap()
        .wake();
    let (other, _) = idle();
    runner
        .register(JobSpec::every("quick", Duration::from_millis(5)), other)
        .unwrap();
    started
        .recv_timeout(PATIENCE)
        .expect("the stuck run starts");
    assert!(stats_of(&runner, "stuck").running);

    let report = runner.shutdown(Duration::from_millis(50));
    assert_eq!(report.not_stopped, ["stuck"]);
    assert_eq!(report.stopped, ["quick"]);
    assert!(!report.all_stopped());
    let stats = stats_of(&runner, "stuck");
    assert!(stats.running && !stats.stopped);

    release.send(()).unwrap();
    let report = runner.shutdown(GRACE);
    assert!(report.all_stopped(), "{report:?}");
    assert_eq!(report.stopped, ["stuck", "quick"]);
    assert_eq!(runs.load(SeqCst), 1, "no run starts after shutdown");
}

#[test]
fn stopping_turns_true_at_shutdown() {
    let runner = JobRunner::new();
    let (seen_tx, seen) = mpsc::channel();
    let (in_run_tx, in_run) = mpsc::channel();
    runner
        .register(
            JobSpec::every("long", HOUR),
            move |ctx: &RunContext| -> Result<(), JobFailure> {
                let before = ctx.stopping();
                in_run_tx.send(()).ok();
                let give_up = Instant::now() + PATIENCE;
                while !ctx.stopping() && Instant::now() < give_up {
                    std::thread::sleep(Duration::from_millis(1));
                }
                seen_tx.send((before, ctx.stopping())).ok();
                Ok(())
            },
        )
        .unwrap()
        .wake();
    in_run.recv_timeout(PATIENCE).expect("the run starts");
    assert!(runner.shutdown(GRACE).all_stopped());
    assert_eq!(seen.recv_timeout(PATIENCE).unwrap(), (false, true));
}

#[test]
fn a_context_outside_the_runner_never_stops() {
    let ctx = RunContext::new("manual", RunReason::Wake);
    assert!(!ctx.stopping());
    assert_eq!(
        (ctx.name(), ctx.reason(), ctx.lag()),
        ("manual", RunReason::Wake, Duration::ZERO)
    );
}

#[test]
fn wakes_after_shutdown_are_harmless() {
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let handle = runner
        .register(JobSpec::every("late", HOUR), counting(&runs))
        .unwrap();
    let due_handle = runner
        .register(JobSpec::due("late-due", HOUR), idle().0)
        .unwrap();
    assert!(runner.shutdown(GRACE).all_stopped());

    let wakers: Vec<_> = (0..4)
        .map(|_| {
            let (handle, due_handle) = (handle.clone(), due_handle.clone());
            std::thread::spawn(move || {
                for _ in 0..100 {
                    handle.wake();
                    due_handle.wake();
                }
            })
        })
        .collect();
    for waker in wakers {
        waker.join().expect("a wake after shutdown never panics");
    }
    drop(runner);
    handle.wake();
    assert_eq!(runs.load(SeqCst), 0);
}

#[test]
fn dropping_the_runner_stops_its_threads() {
    let runner = JobRunner::new();
    let mut dropped = Vec::new();
    for (spec, (job, flag)) in [
        (JobSpec::every("hourly", HOUR), idle()),
        (JobSpec::every("often", Duration::from_millis(1)), idle()),
        (JobSpec::due("nothing-due", HOUR), idle()),
    ] {
        runner.register(spec, job).unwrap();
        dropped.push(flag);
    }
    drop(runner);
    eventually("every job went away with its thread", || {
        dropped.iter().all(|flag| flag.load(SeqCst))
    });
}

#[test]
fn registration_is_refused_when_it_cannot_work() {
    let runner = JobRunner::new();
    runner
        .register(JobSpec::every("tokens", HOUR), idle().0)
        .unwrap();
    assert!(matches!(
        runner.register(JobSpec::due("tokens", HOUR), idle().0),
        Err(JobError::Duplicate("tokens"))
    ));
    assert!(matches!(
        runner.register(JobSpec::every("Tokens", HOUR), idle().0),
        Err(JobError::InvalidName("Tokens"))
    ));
    assert!(matches!(
        runner.register(JobSpec::every("spin", Duration::ZERO), idle().0),
        Err(JobError::ZeroInterval("spin"))
    ));
    assert!(runner.shutdown(GRACE).all_stopped());
    let (job, dropped) = idle();
    assert!(matches!(
        runner.register(JobSpec::every("late", HOUR), job),
        Err(JobError::ShutDown("late"))
    ));
    assert!(dropped.load(SeqCst), "a refused job is not kept");
    assert_eq!(runner.stats().len(), 1);
}

#[test]
fn the_thread_is_named_after_the_job() {
    let runner = JobRunner::new();
    let (name_tx, name) = mpsc::channel();
    runner
        .register(
            JobSpec::every("reputation", HOUR),
            move |_: &RunContext| -> Result<(), JobFailure> {
                name_tx
                    .send(std::thread::current().name().map(str::to_owned))
                    .ok();
                Ok(())
            },
        )
        .unwrap()
        .wake();
    assert_eq!(
        name.recv_timeout(PATIENCE).unwrap().as_deref(),
        Some("fraudwall-reputation")
    );
    assert!(runner.shutdown(GRACE).all_stopped());
}

#[test]
fn huge_intervals_do_not_overflow() {
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let handle = runner
        .register(JobSpec::every("never", Duration::MAX), counting(&runs))
        .unwrap();
    runner
        .register(JobSpec::due("rarely", Duration::MAX), idle().0)
        .unwrap();
    handle.wake();
    eventually("the wake ran it", || runs.load(SeqCst) == 1);
    assert!(runner.shutdown(GRACE).all_stopped());
}

/// Keeps every metric the runner registers, by name and labels.
#[derive(Default)]
struct TestRecorder {
    metrics: Mutex<HashMap<String, Arc<Value>>>,
}

#[derive(Default)]
struct Value {
    count: AtomicU64,
    gauge: Mutex<f64>,
    samples: Mutex<Vec<f64>>,
}

impl CounterFn for Value {
    fn increment(&self, value: u64) {
        self.count.fetch_add(value, SeqCst);
    }
    fn absolute(&self, value: u64) {
        self.count.store(value, SeqCst);
    }
}

impl GaugeFn for Value {
    fn increment(&self, value: f64) {
        *self.gauge.lock().unwrap() += value;
    }
    fn decrement(&self, value: f64) {
        *self.gauge.lock().unwrap() -= value;
    }
    fn set(&self, value: f64) {
        *self.gauge.lock().unwrap() = value;
    }
}

impl HistogramFn for Value {
    fn record(&self, value: f64) {
        self.samples.lock().unwrap().push(value);
    }
}

impl TestRecorder {
    fn value(&self, key: &Key) -> Arc<Value> {
        let labels: Vec<String> = key
            .labels()
            .map(|label| format!("{}={}", label.key(), label.value()))
            .collect();
        let name = format!("{}{{{}}}", key.name(), labels.join(","));
        self.metrics
            .lock()
            .unwrap()
            .entry(name)
            .or_default()
            .clone()
    }

    fn get(&self, name: &str) -> Arc<Value> {
        self.metrics
            .lock()
            .unwrap()
            .get(name)
            .unwrap_or_else(|| panic!("{name} is registered"))
            .clone()
    }
}

impl Recorder for TestRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.value(key))
    }
    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.value(key))
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(self.value(key))
    }
}

#[test]
fn runs_are_measured_per_job() {
    use crate::telemetry::{JOB_LAG, JOB_LAST_SUCCESS, JOB_RUN_DURATION, JOB_RUNS};

    let recorder = TestRecorder::default();
    let runner = JobRunner::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let handle = metrics::with_local_recorder(&recorder, || {
        runner.register(
            JobSpec::every("metered", HOUR),
            move |_: &RunContext| -> Result<(), JobFailure> {
                match counted.fetch_add(1, SeqCst) {
                    0 => Err("first run fails".into()),
                    _ => Ok(()),
                }
            },
        )
    })
    .unwrap();
    handle.wake();
    eventually("the failing run is recorded", || {
        stats_of(&runner, "metered").runs == 1
    });
    handle.wake();
    eventually("the good run is recorded", || {
        stats_of(&runner, "metered").runs == 2
    });

    let count = |outcome: &str| {
        recorder
            .get(&format!("{JOB_RUNS}{{job=metered,outcome={outcome}}}"))
            .count
            .load(SeqCst)
    };
    assert_eq!((count("ok"), count("error")), (1, 1));
    let durations = recorder.get(&format!("{JOB_RUN_DURATION}{{job=metered}}"));
    assert_eq!(durations.samples.lock().unwrap().len(), 2);
    let lag = recorder.get(&format!("{JOB_LAG}{{job=metered}}"));
    assert_eq!(*lag.gauge.lock().unwrap(), 0.0, "runs asked for by a wake");
    let last_success = *recorder
        .get(&format!("{JOB_LAST_SUCCESS}{{job=metered}}"))
        .gauge
        .lock()
        .unwrap();
    let now = (OffsetDateTime::now_utc() - OffsetDateTime::UNIX_EPOCH).as_seconds_f64();
    assert!(last_success > now - 600.0 && last_success <= now + 1.0);
    assert!(runner.shutdown(GRACE).all_stopped());
}
