//! The summary's query, written once for both SQL stores, and its row.

use super::Dialect;

/// One row of the summary: a code and subcode, how many, first and last received.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SummaryRow {
    pub(crate) error_code: Option<String>,
    pub(crate) error_subcode: Option<String>,
    pub(crate) count: u64,
    /// The earliest `received_at`, RFC 3339 text as [`super::rfc3339`] writes it.
    pub(crate) first: String,
    /// The latest `received_at`, the same way.
    pub(crate) last: String,
}

impl SummaryRow {
    /// A row from the query's five columns, in order.
    pub(crate) fn new(
        error_code: Option<String>,
        error_subcode: Option<String>,
        count: i64,
        first: String,
        last: String,
    ) -> Self {
        let count = u64::try_from(count).unwrap_or(0);
        SummaryRow { error_code, error_subcode, count, first, last }
    }
}

/// The summary's query in `dialect`. Its one parameter is the start of the window as RFC 3339
/// text; its columns are those of [`SummaryRow::new`]. The dialects differ only in how
/// `received_at` is compared with that text and turned back into it.
pub(crate) fn query(dialect: Dialect) -> String {
    let (since, first, last) = match dialect {
        // Stored as that very text, whose order is time order.
        Dialect::Sqlite => ("?1", "min(received_at)".to_owned(), "max(received_at)".to_owned()),
        Dialect::Postgres => ("$1::text::timestamptz", utc_text("min(received_at)"), utc_text("max(received_at)")),
    };
    format!(
        "SELECT error_code, error_subcode, count(*), {first}, {last} FROM reports \
         WHERE received_at >= {since} GROUP BY error_code, error_subcode \
         ORDER BY count(*) DESC, error_code, error_subcode"
    )
}

/// A PostgreSQL `timestamptz` expression as RFC 3339 text, UTC, milliseconds.
fn utc_text(timestamp: &str) -> String {
    format!("to_char({timestamp} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
}
