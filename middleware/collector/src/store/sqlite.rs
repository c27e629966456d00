//! The SQLite store (the default): table `reports`, WAL mode, one `BEGIN IMMEDIATE ... COMMIT`
//! per batch through a prepared statement.

use std::path::Path;
use std::time::{Duration, SystemTime};

use mediadiag_batch::{Batch, Store, StoreError};
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};

/// The schema version this collector writes, kept in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;

/// Version 1: the table and the index the summary reads (it covers the summary's query).
const SCHEMA_V1: &str = "
    CREATE TABLE reports (
        received_at     TEXT NOT NULL,
        application_id  TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        error_code      TEXT,
        error_subcode   TEXT,
        media_type      TEXT NOT NULL,
        user_agent      TEXT,
        principal       TEXT,
        remote_addr     TEXT
    );
    CREATE INDEX reports_by_time ON reports (received_at, error_code, error_subcode);
";

const INSERT: &str = "INSERT INTO reports (received_at, application_id, conversation_id, error_code, \
    error_subcode, media_type, user_agent, principal, remote_addr) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// How long a commit waits for another process's lock on the database before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A SQLite database file holding table `reports`.
pub struct SqliteStore {
    connection: Connection,
}

impl SqliteStore {
    /// Opens (or creates) the database, sets its durability and creates or checks the schema.
    ///
    /// `fsync`: `synchronous=FULL` (a commit survives a power loss) instead of `NORMAL` (it
    /// survives a crash of the process). `max_page_count` caps the file's size in pages.
    pub fn open(path: &Path, fsync: bool, max_page_count: Option<u64>) -> Result<SqliteStore, StoreError> {
        let connection = Self::configure(path, fsync, max_page_count)
            .map_err(|error| StoreError::with_source("the database cannot be opened", error))?;
        let version: i64 =
            migrate(&connection).map_err(|error| StoreError::with_source("the schema cannot be created", error))?;
        if version != SCHEMA_VERSION {
            return Err(StoreError::new(format!(
                "the database's schema is version {version}; this collector knows version {SCHEMA_VERSION}"
            )));
        }
        Ok(SqliteStore { connection })
    }

    fn configure(path: &Path, fsync: bool, max_page_count: Option<u64>) -> rusqlite::Result<Connection> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        connection.pragma_update(None, "synchronous", if fsync { "FULL" } else { "NORMAL" })?;
        if let Some(pages) = max_page_count {
            connection.pragma_update_and_check(None, "max_page_count", pages, |_| Ok(()))?;
        }
        Ok(connection)
    }

    fn insert(&mut self, batch: &Batch) -> rusqlite::Result<()> {
        let transaction = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = transaction.prepare_cached(INSERT)?;
            for record in batch.records() {
                insert.execute(params![
                    rfc3339(record.received_at),
                    record.application_id,
                    record.conversation_id,
                    record.report.error_code.map(|code| code.as_str()),
                    record.report.error_subcode.map(|subcode| subcode.as_str()),
                    record.media_type.as_str(),
                    record.user_agent,
                    record.principal,
                    record.remote_addr.map(|addr| addr.to_string()),
                ])?;
            }
        }
        transaction.commit()
    }
}

/// Creates the schema in an empty database; returns the schema version now there. Under
/// `BEGIN IMMEDIATE`, so that collectors starting together on one file are safe.
fn migrate(connection: &Connection) -> rusqlite::Result<i64> {
    connection.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version != 0 {
            return Ok(version);
        }
        connection.execute_batch(SCHEMA_V1)?;
        connection.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(SCHEMA_VERSION)
    })();
    connection.execute_batch(if result.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    result
}

impl Store for SqliteStore {
    async fn commit(&mut self, batch: &Batch) -> Result<(), StoreError> {
        self.insert(batch).map_err(|error| StoreError::with_source("the SQLite commit failed", error))
    }

    /// A write that is rolled back: it fails while the database is full or not writable.
    async fn probe(&mut self) -> Result<(), StoreError> {
        let mut probe = || -> rusqlite::Result<()> {
            let transaction = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            transaction.execute(
                INSERT,
                params!["", "", "", None::<&str>, None::<&str>, "", None::<&str>, None::<&str>, None::<&str>],
            )?;
            transaction.rollback()
        };
        probe().map_err(|error| StoreError::with_source("the SQLite database cannot be written", error))
    }
}

/// `received_at` as stored: RFC 3339, UTC, milliseconds (so that text order is time order).
pub(crate) fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_millis(time).to_string()
}

/// The reports received at `since` or later, counted per (error_code, error_subcode), largest
/// first. Opens the database read-only.
pub(crate) fn summary_rows(path: &Path, since: SystemTime) -> rusqlite::Result<Vec<super::SummaryRow>> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    let mut query = connection.prepare(
        "SELECT error_code, error_subcode, count(*), min(received_at), max(received_at) FROM reports \
         WHERE received_at >= ?1 GROUP BY error_code, error_subcode \
         ORDER BY count(*) DESC, error_code, error_subcode",
    )?;
    let rows = query.query_map([rfc3339(since)], |row| {
        Ok(super::SummaryRow {
            error_code: row.get(0)?,
            error_subcode: row.get(1)?,
            count: row.get(2)?,
            first: row.get(3)?,
            last: row.get(4)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_schema_is_refused_and_the_current_one_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports.db");
        drop(SqliteStore::open(&path, false, None).unwrap());
        drop(SqliteStore::open(&path, true, None).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 7).unwrap();
        let error = SqliteStore::open(&path, false, None).err().unwrap().to_string();
        assert!(error.contains("version 7"), "{error}");
    }
}
