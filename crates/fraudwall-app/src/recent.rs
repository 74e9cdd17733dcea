//! A sample of recent events, kept for dry runs of candidate rule sets. Recording must not slow
//! the decision path or take a lock there: one event in [`SAMPLE_EVERY`] is written into a ring
//! of atomically swapped slots.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use arc_swap::ArcSwapOption;
use fraudwall_rules::Event;

/// One event in this many is kept.
pub const SAMPLE_EVERY: u32 = 16;

pub struct RecentEvents {
    slots: Box<[ArcSwapOption<Event>]>,
    next: AtomicUsize,
}

impl std::fmt::Debug for RecentEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecentEvents")
            .field("capacity", &self.slots.len())
            .finish()
    }
}

thread_local! {
    static SEEN: Cell<u32> = const { Cell::new(0) };
}

impl RecentEvents {
    pub fn new(capacity: usize) -> RecentEvents {
        RecentEvents {
            slots: (0..capacity.max(1))
                .map(|_| ArcSwapOption::empty())
                .collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// Offers an event; most are passed over.
    #[inline]
    pub fn offer(&self, event: &Event) {
        let seen = SEEN.with(|seen| {
            let n = seen.get();
            seen.set(n.wrapping_add(1));
            n
        });
        if seen.is_multiple_of(SAMPLE_EVERY) {
            let index = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
            self.slots[index].store(Some(Arc::new(event.clone())));
        }
    }

    /// The kept events, oldest first as far as the ring knows.
    pub fn events(&self) -> Vec<Arc<Event>> {
        let start = self.next.load(Ordering::Relaxed);
        let len = self.slots.len();
        (0..len)
            .filter_map(|offset| self.slots[(start + offset) % len].load_full())
            .collect()
    }
}
