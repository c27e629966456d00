//! The stores of `--store`: what each URL means, the stores themselves, and what they share
//! (the row they write, the numbered schema migrations, the counting queries of the summary
//! and the admin page).

mod jsonl;
mod migrations;
mod postgres;
mod retention;
mod row;
mod sqlite;
mod summary;
mod url;

use std::time::Duration;

use mediadiag_batch::StoreError;

pub use jsonl::JsonLines;
pub use postgres::PostgresStore;
pub(crate) use retention::spawn_retention;
pub(crate) use row::rfc3339;
pub use sqlite::SqliteStore;
pub(crate) use summary::{Counted, Counting, Dimension, Reading};
pub use url::{PostgresUrl, StoreUrl, redact};

/// The two SQL dialects of the stores. Where their SQL differs, the code matches on this,
/// so that each difference is written out next to its twin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// `error` as a store's failure under `context`, every cause in its text: tokio-postgres's own
/// text names only the kind of failure ("db error", "error performing TLS handshake") and
/// keeps the server's message, or what was wrong with a certificate, in its causes.
pub(crate) fn failure(context: &str, error: &dyn std::error::Error) -> StoreError {
    StoreError::new(format!("{context}: {}", crate::with_causes(error)))
}

/// A read-only connection to the SQL store of a `--store` URL, for `summary` and the admin
/// page; both read through [`Counting`]s, so each query is written once.
pub(crate) enum Reader {
    Sqlite(sqlite::SqliteReader),
    /// Boxed: its connection settings are much larger than a SQLite path.
    Postgres(Box<postgres::PostgresReader>),
}

impl Reader {
    /// A reader of the store of `url`; nothing is opened or connected yet. JSON lines cannot
    /// be read.
    pub(crate) fn new(url: &StoreUrl, statement_timeout: Duration) -> Result<Reader, String> {
        match url {
            StoreUrl::Sqlite { path, .. } => Ok(Reader::Sqlite(sqlite::SqliteReader::new(path))),
            StoreUrl::Postgres(url) => {
                postgres::PostgresReader::new(url, statement_timeout).map(|reader| Reader::Postgres(Box::new(reader)))
            }
            StoreUrl::JsonLines { .. } => Err("only sqlite: and postgres:// stores can be read".to_owned()),
        }
    }

    /// [`Counting`]s answered in one snapshot, on a multi-threaded runtime (SQLite's read
    /// blocks its thread, which the runtime is told of).
    pub(crate) async fn read(&mut self, countings: &[Counting]) -> Result<Reading, String> {
        match self {
            Reader::Sqlite(reader) => {
                tokio::task::block_in_place(|| reader.read(countings)).map_err(|error| error.to_string())
            }
            Reader::Postgres(reader) => reader.read(countings).await.map_err(|error| error.to_string()),
        }
    }

    /// [`Reader::read`] outside any runtime (for `summary`).
    pub(crate) fn read_blocking(&mut self, countings: &[Counting]) -> Result<Reading, String> {
        match self {
            Reader::Sqlite(reader) => reader.read(countings).map_err(|error| error.to_string()),
            Reader::Postgres(reader) => {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|error| error.to_string())?;
                runtime.block_on(reader.read(countings)).map_err(|error| error.to_string())
            }
        }
    }
}
