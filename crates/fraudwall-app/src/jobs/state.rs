//! The state one job's thread shares with its handles and the runner.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::stats::Record;

pub(crate) struct Shared {
    pub(crate) name: &'static str,
    /// The runner's stop flag, shared by all its jobs.
    pub(crate) stop: Arc<AtomicBool>,
    /// Set by wakes, taken by the thread: any number of wakes before it looks make one run.
    pub(crate) woken: AtomicBool,
    pub(crate) running: AtomicBool,
    /// Set when the thread is about to end, the job already dropped.
    pub(crate) exited: AtomicBool,
    record: Mutex<Record>,
}

impl Shared {
    pub(crate) fn new(name: &'static str, stop: Arc<AtomicBool>) -> Shared {
        Shared {
            name,
            stop,
            woken: AtomicBool::new(false),
            running: AtomicBool::new(false),
            exited: AtomicBool::new(false),
            record: Mutex::new(Record::default()),
        }
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    pub(crate) fn running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    pub(crate) fn exited(&self) -> bool {
        self.exited.load(Ordering::Acquire)
    }

    /// The lock is only held to copy a few fields, never across a run, and a panic while
    /// holding it leaves plain counters behind: a poisoned lock is still good to use.
    pub(crate) fn record(&self) -> MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
