//! The bound on callbacks running at once. A request that finds it full is refused at once
//! (503), never queued, so a count is all it takes: taking a slot is one compare-and-swap,
//! giving it back one subtraction. (tokio's `Semaphore` did the same job with an `Arc` clone
//! per request and a lock on every release, since it also serves waiters; the benches'
//! `layer` group measured the difference.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many callbacks run, and how many may. Shared by every clone of a layer.
#[derive(Debug)]
pub(crate) struct CallbackLimit {
    running: AtomicUsize,
    max: usize,
}

impl CallbackLimit {
    pub(crate) fn new(max: usize) -> CallbackLimit {
        CallbackLimit { running: AtomicUsize::new(0), max }
    }

    /// Takes a slot if one is free; the slot gives it back when dropped.
    pub(crate) fn try_acquire(self: &Arc<Self>) -> Option<CallbackSlot> {
        self.running
            .fetch_update(Ordering::Acquire, Ordering::Relaxed, |running| (running < self.max).then_some(running + 1))
            .ok()
            .map(|_| CallbackSlot { limit: self.clone() })
    }
}

/// One running callback's slot.
#[derive(Debug)]
pub(crate) struct CallbackSlot {
    limit: Arc<CallbackLimit>,
}

impl Drop for CallbackSlot {
    fn drop(&mut self) {
        self.limit.running.fetch_sub(1, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_and_come_back_when_dropped() {
        let limit = Arc::new(CallbackLimit::new(2));
        let first = limit.try_acquire().unwrap();
        let second = limit.try_acquire().unwrap();
        assert!(limit.try_acquire().is_none(), "a third is refused");
        drop(first);
        let third = limit.try_acquire().unwrap();
        drop((second, third));
        assert_eq!(limit.running.load(Ordering::SeqCst), 0);
        assert!(Arc::new(CallbackLimit::new(0)).try_acquire().is_none(), "a limit of 0 refuses all");
    }
}
