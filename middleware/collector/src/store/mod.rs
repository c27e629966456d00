//! The stores of `--store`: what each URL means, the stores themselves, and what they share
//! (the row they write, the numbered schema migrations, the summary's query).

mod jsonl;
mod migrations;
mod postgres;
mod row;
mod sqlite;
mod summary;
mod url;

use std::time::SystemTime;

use mediadiag_batch::StoreError;

pub use jsonl::JsonLines;
pub use postgres::PostgresStore;
pub(crate) use row::rfc3339;
pub use sqlite::SqliteStore;
pub(crate) use summary::SummaryRow;
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

/// The reports received at `since` or later in the store of `url`, counted per
/// (error_code, error_subcode), largest first.
pub(crate) fn summary_rows(url: &StoreUrl, since: SystemTime) -> Result<Vec<SummaryRow>, String> {
    match url {
        StoreUrl::Sqlite { path, .. } => sqlite::summary_rows(path, since).map_err(|error| error.to_string()),
        StoreUrl::Postgres(url) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime.block_on(postgres::summary_rows(url, since)).map_err(|error| error.to_string())
        }
        StoreUrl::JsonLines { .. } => Err("summary reads sqlite: and postgres:// stores".to_owned()),
    }
}
