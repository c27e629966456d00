//! One acknowledgement per report, shared by every store's copy of it.
//!
//! Each store's writer gets a copy ([`StoreAck`]) and answers it once its batch committed or
//! failed; a copy dropped unanswered (a writer that stopped) counts as a failure. The request
//! learns the merged answer, once, when the last copy is gone: committed only if every store
//! committed. This is how Vector's finalizers merge a batch's status, with one bit to merge.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::oneshot;

/// What every copy shares: whether one failed, and where the request waits.
#[derive(Debug)]
struct Shared {
    failed: AtomicBool,
    waiting: Option<oneshot::Sender<bool>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The last copy is gone: every store has answered.
        if let Some(waiting) = self.waiting.take() {
            let _ = waiting.send(!*self.failed.get_mut());
        }
    }
}

/// One store's copy of a report's acknowledgement.
#[derive(Debug)]
pub(crate) struct StoreAck {
    shared: Arc<Shared>,
    answered: bool,
}

/// A new acknowledgement: the first copy, and where the request learns the answer (`true`:
/// committed by every store). Further copies come from [`StoreAck::copy`].
pub(crate) fn acknowledgement() -> (StoreAck, oneshot::Receiver<bool>) {
    let (waiting, answer) = oneshot::channel();
    let shared = Arc::new(Shared { failed: AtomicBool::new(false), waiting: Some(waiting) });
    (StoreAck { shared, answered: false }, answer)
}

impl StoreAck {
    /// Another store's copy.
    pub(crate) fn copy(&self) -> StoreAck {
        StoreAck { shared: self.shared.clone(), answered: false }
    }

    /// Whether the request stopped waiting (its deadline passed, its client left): then it
    /// was not answered 204 and never will be, so its report need not be written.
    pub(crate) fn is_abandoned(&self) -> bool {
        self.shared.waiting.as_ref().is_none_or(oneshot::Sender::is_closed)
    }

    /// This store's answer.
    pub(crate) fn answer(mut self, committed: bool) {
        if !committed {
            self.shared.failed.store(true, Ordering::Relaxed);
        }
        self.answered = true;
    }
}

impl Drop for StoreAck {
    fn drop(&mut self) {
        // Dropping the `Arc` afterwards orders this store before the last copy's read.
        if !self.answered {
            self.shared.failed.store(true, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_only_when_every_copy_answers_committed() {
        let (first, mut answer) = acknowledgement();
        let second = first.copy();
        first.answer(true);
        assert!(answer.try_recv().is_err(), "one store has not answered yet");
        second.answer(true);
        assert_eq!(answer.try_recv(), Ok(true));
    }

    #[test]
    fn one_failed_store_fails_the_report() {
        let (first, mut answer) = acknowledgement();
        let second = first.copy();
        second.answer(false);
        first.answer(true);
        assert_eq!(answer.try_recv(), Ok(false));
    }

    #[test]
    fn a_copy_dropped_unanswered_is_a_failure() {
        let (first, mut answer) = acknowledgement();
        let second = first.copy();
        first.answer(true);
        drop(second);
        assert_eq!(answer.try_recv(), Ok(false));
    }

    #[test]
    fn a_request_that_left_is_abandoned() {
        let (first, answer) = acknowledgement();
        assert!(!first.is_abandoned());
        drop(answer);
        assert!(first.is_abandoned());
    }
}
