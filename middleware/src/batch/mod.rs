//! Group commit: every accepted report is committed to durable stores before its 204, many
//! concurrent reports sharing one transaction (docs/behaviour.md section 7).
//!
//! [`Batcher`] is a [`ReportHandler`](crate::ReportHandler). Each report becomes a
//! [`Record`] that goes, with a one-shot acknowledgement, into a bounded queue per store. One
//! writer per store, on a thread of its own, takes whatever is queued (never waiting on a
//! timer while reports wait), commits it as one [`Batch`] through the [`Store`] trait, then
//! acknowledges every request in it. The answer of each request:
//!
//! | what happened | answer |
//! |---|---|
//! | every store committed the batch holding the report | 204 |
//! | a store's queue is full | 503 ServiceUnavailable with `Retry-After`, at once; no store queued it |
//! | a store's commit failed | 503 ServiceUnavailable with `Retry-After`, never 204 |
//! | the commits outlast the layer's callback deadline | 504 GatewayTimeout (the report may still be committed) |
//!
//! ```
//! use std::time::Duration;
//! use tower_mediadiag::batch::{Batch, Batcher, Store, StoreError};
//! use tower_mediadiag::MediaDiagnosticsLayer;
//!
//! /// A store that keeps the conversation ids in memory.
//! struct Conversations(Vec<String>);
//!
//! impl Store for Conversations {
//!     async fn commit(&mut self, batch: &Batch) -> Result<(), StoreError> {
//!         self.0.extend(batch.records().map(|record| record.conversation_id.clone()));
//!         Ok(())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (batcher, writers) = Batcher::builder().store("memory", Conversations(Vec::new())).build();
//! let layer = MediaDiagnosticsLayer::new(batcher.clone()).callback_timeout(Duration::from_secs(5));
//! # let _ = layer;
//! // For a readiness endpoint: every store accepts writes.
//! let _ready: bool = batcher.is_ready();
//! // At shutdown, once the server stopped: every queued report is committed, then this returns.
//! writers.shutdown().await;
//! # }
//! ```

mod handler;
mod record;
mod store;
mod writer;

pub use handler::{Batcher, BatcherBuilder, Committed, DEFAULT_MAX_BATCH, DEFAULT_QUEUE_CAPACITY, Writers};
pub use record::{Record, RemoteAddr};
pub use store::{Batch, Store, StoreError};
