//! Waiting for job threads to end, and saying which did.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Instant;

use super::state::Shared;

/// Which jobs ended within the grace period of [`JobRunner::shutdown`](super::JobRunner::shutdown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShutdownReport {
    pub stopped: Vec<&'static str>,
    /// Still in a run when the grace period ended; their threads are left to finish on their own.
    pub not_stopped: Vec<&'static str>,
}

impl ShutdownReport {
    pub fn all_stopped(&self) -> bool {
        self.not_stopped.is_empty()
    }
}

/// Lets shutdown sleep until the last thread ends instead of polling each one.
#[derive(Default)]
pub(crate) struct Exits {
    lock: Mutex<()>,
    ended: Condvar,
}

impl Exits {
    /// Waits until `done` holds or `deadline` passes (`None`: no deadline); true if `done` held.
    pub(crate) fn wait(&self, deadline: Option<Instant>, done: impl Fn() -> bool) -> bool {
        let mut guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if done() {
                return true;
            }
            guard = match deadline {
                None => self
                    .ended
                    .wait(guard)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    self.ended
                        .wait_timeout(guard, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
    }
}

/// Marks the job's thread as ended when dropped, panicking or not. Created first on the thread,
/// so it drops last, after the job itself: "stopped" includes the job's own cleanup.
pub(crate) struct ExitGuard<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) exits: &'a Exits,
}

impl Drop for ExitGuard<'_> {
    fn drop(&mut self) {
        self.shared
            .exited
            .store(true, std::sync::atomic::Ordering::Release);
        // Taking the lock orders the store before a waiter's check, so no wake-up is lost.
        let _guard = self
            .exits
            .lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.exits.ended.notify_all();
    }
}
