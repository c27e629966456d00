//! Group commit for [`tower_mediadiag`]: every accepted report is committed to durable stores
//! before its 204, many concurrent reports sharing one transaction (docs/behaviour.md
//! section 7).
//!
//! [`Batcher`] is a [`ReportHandler`](tower_mediadiag::ReportHandler). Each report becomes a
//! [`Record`] that goes into a bounded queue per store, with one acknowledgement shared by
//! every store's copy. One writer per store, on a thread of its own, takes whatever is queued
//! (never waiting on a timer while reports wait), commits it as one [`Batch`] through the
//! [`Store`] trait, then answers its copy of each report's acknowledgement. A request learns
//! the merged answer once the last store answered. The answer of each request:
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
//! use mediadiag_batch::{Batch, Batcher, Store, StoreError};
//! use tower_mediadiag::MediaDiagnosticsLayer;
//!
//! /// A store that keeps the conversation ids in memory.
//! struct Conversations(Vec<String>);
//!
//! impl Store for Conversations {
//!     async fn commit(&mut self, batch: &Batch) -> Result<(), StoreError> {
//!         self.0.extend(batch.records().filter_map(|record| record.conversation_id.clone()));
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

#![warn(
    clippy::all,
    clippy::dbg_macro,
    clippy::todo,
    clippy::mem_forget,
    clippy::unused_self,
    clippy::needless_continue,
    clippy::match_wildcard_for_single_variants,
    clippy::await_holding_lock,
    clippy::inefficient_to_string,
    clippy::option_option,
    rust_2018_idioms,
    future_incompatible,
    nonstandard_style,
    missing_docs
)]
#![deny(unreachable_pub)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod ack;
mod handler;
pub mod metrics;
mod record;
mod store;
mod writer;

pub use handler::{Batcher, BatcherBuilder, Committed, DEFAULT_MAX_BATCH, DEFAULT_QUEUE_CAPACITY, Writers};
pub use record::{Record, RemoteAddr};
pub use store::{Batch, Store, StoreError};
