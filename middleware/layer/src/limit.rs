//! The bound on callbacks running at once. A request that finds it full is refused at once
//! (503), never queued, so a count is all it takes: taking a slot is one compare-and-swap,
//! giving it back one subtraction. (tokio's `Semaphore` did the same job with an `Arc` clone
//! per request and a lock on every release, since it also serves waiters; the benches'
//! `layer` group measured the difference.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::layer::Config;

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

    /// Takes a slot if one is free; the slot keeps `config` (whose limit this is) and gives
    /// the slot back when dropped.
    pub(crate) fn try_acquire(config: Arc<Config>) -> Result<CallbackSlot, Arc<Config>> {
        let limit = &config.callbacks;
        let taken = limit
            .running
            .fetch_update(Ordering::Acquire, Ordering::Relaxed, |running| (running < limit.max).then_some(running + 1));
        match taken {
            Ok(_) => Ok(CallbackSlot { config }),
            Err(_) => Err(config),
        }
    }
}

/// One running callback's slot.
#[derive(Debug)]
pub(crate) struct CallbackSlot {
    config: Arc<Config>,
}

impl Drop for CallbackSlot {
    fn drop(&mut self) {
        self.config.callbacks.running.fetch_sub(1, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(max: usize) -> Arc<Config> {
        Arc::new(Config { callbacks: Arc::new(CallbackLimit::new(max)), ..Config::default() })
    }

    #[test]
    fn slots_are_bounded_and_come_back_when_dropped() {
        let config = config(2);
        let first = CallbackLimit::try_acquire(config.clone()).unwrap();
        let second = CallbackLimit::try_acquire(config.clone()).unwrap();
        assert!(CallbackLimit::try_acquire(config.clone()).is_err(), "a third is refused");
        drop(first);
        let third = CallbackLimit::try_acquire(config.clone()).unwrap();
        drop((second, third));
        assert_eq!(config.callbacks.running.load(Ordering::SeqCst), 0);
        assert!(CallbackLimit::try_acquire(self::config(0)).is_err(), "a limit of 0 refuses all");
    }
}
