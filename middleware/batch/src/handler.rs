//! The [`Batcher`]: the report handler that queues each report for every store and answers
//! once all of them committed it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::SystemTime;

use tokio::sync::{mpsc, oneshot, watch};

use tower_mediadiag::{Rejection, ReportHandler, Reported};

use crate::ack::acknowledgement;
use crate::record::Record;
use crate::store::Store;
use crate::writer::{Acknowledger, Pending, Writer, acknowledge};

/// Default reports a store's queue holds; past that, 503.
pub const DEFAULT_QUEUE_CAPACITY: usize = 4096;
/// Default most reports in one transaction.
pub const DEFAULT_MAX_BATCH: usize = 1024;

/// One store's end of the queue.
#[derive(Debug)]
struct Queue {
    name: Arc<str>,
    sender: mpsc::Sender<Pending>,
    ready: Arc<AtomicBool>,
}

#[derive(Debug)]
struct Shared {
    queues: Vec<Queue>,
    retry_after_seconds: u32,
    keep_sip_uris: bool,
    /// Set by [`Writers::shutdown`]: no report is queued any more.
    closed: Arc<AtomicBool>,
}

/// A [`ReportHandler`] that answers `Ok(())` only once every store committed the report.
///
/// Made by [`Batcher::builder`]; clones share the queues. See the [crate docs](crate).
#[derive(Clone, Debug)]
pub struct Batcher {
    shared: Arc<Shared>,
}

/// Starts one writer per store.
type Start = Box<dyn FnOnce(&Settings, Running) -> Queue>;

struct Settings {
    queue_capacity: usize,
    max_batch: usize,
}

/// What a starting writer is given: when to close, how to say it is done, who acknowledges.
struct Running {
    closing: watch::Receiver<bool>,
    done: oneshot::Sender<()>,
    acknowledger: Acknowledger,
}

/// Configures a [`Batcher`]: its stores, queue size, batch size and `Retry-After`.
pub struct BatcherBuilder {
    settings: Settings,
    retry_after_seconds: u32,
    keep_sip_uris: bool,
    stores: Vec<Start>,
}

impl std::fmt::Debug for BatcherBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatcherBuilder").field("stores", &self.stores.len()).finish_non_exhaustive()
    }
}

impl Batcher {
    /// A batcher with no store yet (add them with [`BatcherBuilder::store`]).
    pub fn builder() -> BatcherBuilder {
        BatcherBuilder {
            settings: Settings { queue_capacity: DEFAULT_QUEUE_CAPACITY, max_batch: DEFAULT_MAX_BATCH },
            retry_after_seconds: tower_mediadiag::DEFAULT_RETRY_AFTER_SECONDS,
            keep_sip_uris: true,
            stores: Vec::new(),
        }
    }

    /// Whether every store accepts writes: its last commit or probe succeeded (the writer
    /// probes each store as it starts) and its writer runs.
    pub fn is_ready(&self) -> bool {
        self.readiness().all(|(_, ready)| ready)
    }

    /// Whether [`Writers::shutdown`] began: reports that arrive now are refused with 503.
    pub fn is_shutting_down(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }

    /// Reports queued and not yet taken by a writer, over every store's queue.
    pub fn queued(&self) -> usize {
        self.shared.queues.iter().map(|queue| queue.sender.max_capacity() - queue.sender.capacity()).sum()
    }

    /// Each store's name and whether it accepts writes.
    pub fn readiness(&self) -> impl Iterator<Item = (&str, bool)> {
        let ready = |queue: &Queue| queue.ready.load(Ordering::Relaxed) && !queue.sender.is_closed();
        self.shared.queues.iter().map(move |queue| (&*queue.name, ready(queue)))
    }

    fn unavailable(&self, message: &'static str) -> Rejection {
        Rejection::service_unavailable(self.shared.retry_after_seconds).with_message(message)
    }
}

impl BatcherBuilder {
    /// Adds a store, named in logs and in the metrics' `store` label. Its writer starts on a
    /// thread of its own at [`build`](Self::build).
    #[must_use]
    pub fn store(mut self, name: impl Into<String>, store: impl Store) -> Self {
        let name: Arc<str> = name.into().into();
        self.stores.push(Box::new(move |settings, running| {
            let (sender, queue) = mpsc::channel(settings.queue_capacity.max(1));
            // Ready once the writer's first probe succeeded.
            let ready = Arc::new(AtomicBool::new(false));
            let writer = Writer {
                name: name.clone(),
                store,
                queue,
                ready: ready.clone(),
                max_batch: settings.max_batch.max(1),
                closing: running.closing,
                acknowledger: running.acknowledger,
            };
            if let Err(error) = writer.spawn(running.done) {
                tracing::error!(store = %name, %error, "no thread for the store's writer");
            }
            Queue { name, sender, ready }
        }));
        self
    }

    /// Reports each store's queue holds (default [`DEFAULT_QUEUE_CAPACITY`]); a report that
    /// finds one full is answered 503 with `Retry-After` at once.
    #[must_use]
    pub fn queue_capacity(mut self, reports: usize) -> Self {
        self.settings.queue_capacity = reports;
        self
    }

    /// Most reports in one transaction (default [`DEFAULT_MAX_BATCH`]).
    #[must_use]
    pub fn max_batch(mut self, reports: usize) -> Self {
        self.settings.max_batch = reports;
        self
    }

    /// The `Retry-After` seconds of this handler's 503s (default
    /// [`DEFAULT_RETRY_AFTER_SECONDS`](tower_mediadiag::DEFAULT_RETRY_AFTER_SECONDS)).
    #[must_use]
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after_seconds = seconds;
        self
    }

    /// Whether records keep the Online href's SIP URIs (`fromUri`, `toUri`), which identify
    /// people (default: kept). Without them the call id and modality are still kept.
    #[must_use]
    pub fn sip_uris(mut self, keep: bool) -> Self {
        self.keep_sip_uris = keep;
        self
    }

    /// Starts the writers: the handler, and the handle that shuts them down.
    ///
    /// Called within a tokio runtime (as a server is), commits are acknowledged by a task on
    /// it, so that a batch wakes the runtime once rather than once per report.
    pub fn build(self) -> (Batcher, Writers) {
        let (closing, closing_receiver) = watch::channel(false);
        let (acknowledger, acknowledging) = match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let (batches, receiver) = mpsc::unbounded_channel();
                (Acknowledger::Task(batches), Some(runtime.spawn(acknowledge(receiver))))
            }
            Err(_) => (Acknowledger::Direct, None),
        };
        let mut done = Vec::new();
        let queues = self
            .stores
            .into_iter()
            .map(|start| {
                let (finished, finished_receiver) = oneshot::channel();
                done.push(finished_receiver);
                let running =
                    Running { closing: closing_receiver.clone(), done: finished, acknowledger: acknowledger.clone() };
                start(&self.settings, running)
            })
            .collect();
        drop(acknowledger);
        let closed = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            queues,
            retry_after_seconds: self.retry_after_seconds,
            keep_sip_uris: self.keep_sip_uris,
            closed: closed.clone(),
        });
        (Batcher { shared }, Writers { closing, closed, done, acknowledging })
    }
}

impl ReportHandler for Batcher {
    type Future = Committed;

    fn handle(&self, reported: Reported) -> Committed {
        if self.shared.closed.load(Ordering::Acquire) {
            return Committed::refused(self.unavailable("The collector is shutting down; retry later."));
        }
        let queues = &self.shared.queues;
        // Room in every queue first, so that a full one leaves the report in none.
        let mut permits = Vec::with_capacity(queues.len());
        for queue in queues {
            match queue.sender.try_reserve() {
                Ok(permit) => permits.push(permit),
                Err(_) => return Committed::refused(self.unavailable("The report queue is full; retry later.")),
            }
        }
        let record = Arc::new(Record::new(&reported, SystemTime::now(), self.shared.keep_sip_uris));
        let (first, answer) = acknowledgement();
        let mut permits = permits.into_iter();
        if let Some(last) = permits.next_back() {
            for permit in permits {
                permit.send(Pending { record: record.clone(), ack: first.copy() });
            }
            last.send(Pending { record, ack: first });
        }
        Committed(Answer::Waiting { answer, failed: self.unavailable("The report could not be stored; retry later.") })
    }
}

/// The future of [`Batcher`]'s handler: `Ok(())` once every store committed the report.
#[derive(Debug)]
pub struct Committed(Answer);

#[derive(Debug)]
enum Answer {
    /// Refused before any store queued the report (`None` once returned).
    Refused(Option<Rejection>),
    /// Queued: waiting for the merged acknowledgement of every store.
    Waiting { answer: oneshot::Receiver<bool>, failed: Rejection },
}

impl Committed {
    fn refused(rejection: Rejection) -> Self {
        Committed(Answer::Refused(Some(rejection)))
    }
}

impl Future for Committed {
    type Output = Result<(), Rejection>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            // Polled again after it answered: a refusal still, never an acceptance.
            Answer::Refused(rejection) => Poll::Ready(Err(rejection
                .take()
                .unwrap_or_else(|| Rejection::service_unavailable(tower_mediadiag::DEFAULT_RETRY_AFTER_SECONDS)))),
            Answer::Waiting { answer, failed } => match ready!(Pin::new(answer).poll(cx)) {
                Ok(true) => Poll::Ready(Ok(())),
                // A failed store, or every writer gone without answering: not a commit.
                Ok(false) | Err(_) => Poll::Ready(Err(*failed)),
            },
        }
    }
}

/// The running writers. [`shutdown`](Self::shutdown) them after the server stopped.
#[derive(Debug)]
pub struct Writers {
    closing: watch::Sender<bool>,
    closed: Arc<AtomicBool>,
    done: Vec<oneshot::Receiver<()>>,
    acknowledging: Option<tokio::task::JoinHandle<()>>,
}

impl Writers {
    /// Closes every queue (reports that still arrive get 503), waits until every queued report
    /// is committed and acknowledged, and the writers have stopped.
    pub async fn shutdown(self) {
        self.closed.store(true, Ordering::Release);
        let _ = self.closing.send(true);
        for done in self.done {
            let _ = done.await;
        }
        if let Some(acknowledging) = self.acknowledging {
            let _ = acknowledging.await;
        }
    }
}
