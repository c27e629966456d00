//! The trait every store implements, and what it is given.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::record::Record;

/// A durable destination for reports: a database table, a file.
///
/// Each store gets a writer of its own on a dedicated thread, which drives these futures on
/// a single-threaded tokio runtime: a store may block in them (SQLite) or await (a database
/// client), and its futures need not be `Send`.
pub trait Store: Send + 'static {
    /// Writes every record of `batch` in one transaction. `Ok` means the records are
    /// committed, as durably as the store is configured to be; any `Err` means none of them
    /// may be counted on.
    fn commit(&mut self, batch: &Batch) -> impl Future<Output = Result<(), StoreError>>;

    /// Tells whether the store accepts writes now. Called while the store is not ready
    /// (after a failed commit), about once a second, until it answers `Ok`. The default
    /// answers `Ok`: the next commit tells.
    fn probe(&mut self) -> impl Future<Output = Result<(), StoreError>> {
        std::future::ready(Ok(()))
    }
}

/// The records of one transaction, in the order they were queued.
///
/// Writers make them; [`FromIterator`] makes one for testing or benchmarking a store.
#[derive(Debug, Default)]
pub struct Batch {
    pub(crate) records: Vec<Arc<Record>>,
}

impl FromIterator<Record> for Batch {
    fn from_iter<I: IntoIterator<Item = Record>>(records: I) -> Self {
        Batch { records: records.into_iter().map(Arc::new).collect() }
    }
}

impl Batch {
    /// The records.
    pub fn records(&self) -> impl ExactSizeIterator<Item = &Record> {
        self.records.iter().map(|record| &**record)
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are none (a writer never commits an empty batch).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// Why a store could not commit or is not ready: a message for the operator's log, with the
/// underlying error.
#[derive(Debug)]
pub struct StoreError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        StoreError { message: message.into(), source: None }
    }

    /// An error with a message and its cause.
    pub fn with_source(message: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError { message: message.into(), source: Some(Box::new(source)) }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|source| &**source as &(dyn std::error::Error + 'static))
    }
}
