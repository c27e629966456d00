//! One store's writer: drains its queue into batches, commits each, acknowledges each report.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot, watch};

use crate::ack::StoreAck;
use crate::record::Record;
use crate::store::{Batch, Store, StoreError};

/// How often a store that is not ready is asked again.
const PROBE_INTERVAL: Duration = Duration::from_secs(1);

/// Asks Linux to schedule this thread as `SCHED_BATCH`: woken by a queued report, it does
/// not preempt the thread that is serving requests, which goes on queueing more, so one commit
/// takes many reports (docs/BENCHMARKS.md, "What the profile says", gives the batch sizes and
/// req/s with and without it). Elsewhere, or if refused, nothing changes.
fn without_wakeup_preemption() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy, thread_native_id,
        };
        let batch = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch);
        let priority = thread_priority::ThreadPriority::Crossplatform(0u8.try_into().unwrap_or_default());
        if let Err(error) = set_thread_priority_and_policy(thread_native_id(), priority, batch) {
            tracing::debug!(?error, "the store's writer keeps the default scheduling policy");
        }
    }
}

/// A queued report and this store's copy of its acknowledgement.
pub(crate) struct Pending {
    pub(crate) record: Arc<Record>,
    pub(crate) ack: StoreAck,
}

/// The acknowledgements of one batch, and whether it was committed.
pub(crate) type Acknowledgements = (Vec<StoreAck>, bool);

/// Who tells the requests of a batch how it went.
#[derive(Clone)]
pub(crate) enum Acknowledger {
    /// A task on the runtime that built the batcher. A batch then wakes that runtime once,
    /// and the task answers every request of it without further wake-ups from this thread
    /// (docs/BENCHMARKS.md, "What the profile says", compares it with answering from the
    /// writer).
    Task(mpsc::UnboundedSender<Acknowledgements>),
    /// The writer itself (no runtime was running when the batcher was built).
    Direct,
}

impl Acknowledger {
    fn send(&self, acks: &mut Vec<StoreAck>, committed: bool) {
        if let Acknowledger::Task(task) = self {
            // The task outlives every writer (shutdown waits for it); should it be gone,
            // the requests are answered here.
            match task.send((std::mem::take(acks), committed)) {
                Ok(()) => return,
                Err(mpsc::error::SendError((returned, _))) => *acks = returned,
            }
        }
        for ack in acks.drain(..) {
            ack.answer(committed);
        }
    }
}

/// The task of [`Acknowledger::Task`]: answers each batch's requests, until every writer is gone.
pub(crate) async fn acknowledge(mut batches: mpsc::UnboundedReceiver<Acknowledgements>) {
    while let Some((acks, committed)) = batches.recv().await {
        for ack in acks {
            ack.answer(committed);
        }
    }
}

/// Everything a writer owns.
pub(crate) struct Writer<S> {
    pub(crate) name: Arc<str>,
    pub(crate) store: S,
    pub(crate) queue: mpsc::Receiver<Pending>,
    pub(crate) ready: Arc<AtomicBool>,
    pub(crate) max_batch: usize,
    pub(crate) closing: watch::Receiver<bool>,
    pub(crate) acknowledger: Acknowledger,
}

impl<S: Store> Writer<S> {
    /// Runs the writer on a thread of its own; `done` is dropped when it has finished.
    pub(crate) fn spawn(self, done: oneshot::Sender<()>) -> std::io::Result<()> {
        let name = format!("store {}", self.name);
        std::thread::Builder::new().name(name).spawn(move || {
            let _done = done;
            without_wakeup_preemption();
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(self.run()),
                Err(error) => tracing::error!(store = %self.name, %error, "the store's writer could not start"),
            }
        })?;
        Ok(())
    }

    /// Probes the store once (it is ready when that succeeds), then until the queue is closed
    /// and empty: commits what is queued, probes while not ready.
    async fn run(mut self) {
        match self.store.probe().await {
            Ok(()) => self.ready.store(true, Ordering::Relaxed),
            Err(error) => tracing::warn!(store = %self.name, %error, "the store cannot write"),
        }
        let mut batch = Batch::default();
        let mut acks = Vec::new();
        let mut closed = false;
        loop {
            let not_ready = !self.ready.load(Ordering::Relaxed);
            tokio::select! {
                biased;
                pending = self.queue.recv() => match pending {
                    Some(first) => self.commit_queued(first, &mut batch, &mut acks).await,
                    None => break,
                },
                _ = self.closing.changed(), if !closed => {
                    // No new reports; the ones queued are still committed.
                    closed = true;
                    self.queue.close();
                }
                () = tokio::time::sleep(PROBE_INTERVAL), if not_ready => {
                    let probed = self.store.probe().await;
                    self.record_health(probed.as_ref().err());
                }
            }
        }
    }

    /// Takes `first` and whatever else is queued (up to the batch size), commits them as one
    /// batch, then tells every waiting request how it went.
    async fn commit_queued(&mut self, first: Pending, batch: &mut Batch, acks: &mut Vec<StoreAck>) {
        let mut next = Some(first);
        while let Some(pending) = next {
            // A request that stopped waiting (its deadline passed, its client left) was not
            // answered 204 and will not be: its report is not written.
            if !pending.ack.is_abandoned() {
                batch.records.push(pending.record);
                acks.push(pending.ack);
            }
            next = if batch.len() < self.max_batch { self.queue.try_recv().ok() } else { None };
        }
        crate::metrics::queue(&self.name, self.queue.len());
        if batch.is_empty() {
            return;
        }
        let started = Instant::now();
        let committed = self.store.commit(batch).await;
        crate::metrics::commit(&self.name, started.elapsed().as_secs_f64(), batch.len());
        self.record_health(committed.as_ref().err());
        self.acknowledger.send(acks, committed.is_ok());
        batch.records.clear();
    }

    /// Keeps the readiness flag, and logs when the store fails and when it recovers.
    fn record_health(&self, error: Option<&StoreError>) {
        let was_ready = self.ready.swap(error.is_none(), Ordering::Relaxed);
        match (was_ready, error) {
            (true, Some(error)) => tracing::warn!(store = %self.name, %error, "the store cannot write"),
            (false, Some(error)) => tracing::debug!(store = %self.name, %error, "the store still cannot write"),
            (false, None) => tracing::info!(store = %self.name, "the store writes again"),
            (true, None) => {}
        }
    }
}
