//! The one thing the rest of the application holds of a job.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::Thread;

use super::state::Shared;

/// Wakes a job. Cheap to clone and to call from anywhere, request handlers included: a wake is
/// an atomic store and an unpark, it never blocks, and after shutdown it does nothing.
#[derive(Clone)]
pub struct JobHandle {
    shared: Arc<Shared>,
    thread: Thread,
}

impl JobHandle {
    pub(crate) fn new(shared: Arc<Shared>, thread: Thread) -> JobHandle {
        JobHandle { shared, thread }
    }

    pub fn name(&self) -> &'static str {
        self.shared.name
    }

    /// Asks for a run now (a [`Schedule::Every`] job) or for the due time to be asked again (a
    /// [`Schedule::Due`] job). Wakes coalesce: any number of them during a run give one more
    /// run after it, not one each, so callers can wake on every change without counting.
    ///
    /// [`Schedule::Every`]: super::Schedule::Every
    /// [`Schedule::Due`]: super::Schedule::Due
    pub fn wake(&self) {
        if self.shared.stopping() {
            return;
        }
        // Release: whatever the caller wrote before waking is seen by the run it asked for.
        self.shared.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }

    /// Lets the thread see the stop flag now rather than at its next deadline.
    pub(crate) fn unpark(&self) {
        self.thread.unpark();
    }
}

impl std::fmt::Debug for JobHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHandle")
            .field("name", &self.shared.name)
            .finish()
    }
}
