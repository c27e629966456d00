//! The SQLite store (the default): table `reports`, WAL mode, one `BEGIN IMMEDIATE ... COMMIT`
//! per batch through a prepared statement.

mod migrate;

use std::path::Path;
use std::time::{Duration, Instant};

use mediadiag_batch::{Batch, Store, StoreError};
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};

use super::Dialect;
use super::row::{ReportRow, report_columns};
use super::summary::{Counted, Counting, Reading, latest_sql};

const INSERT: &str = concat!(
    "INSERT INTO reports (",
    report_columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
);

/// How long a commit (or the migrations at open) waits for another process's lock on the
/// database before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A SQLite database file holding table `reports`.
pub struct SqliteStore {
    connection: Connection,
}

impl SqliteStore {
    /// Opens (or creates) the database, sets its durability and migrates its schema to this
    /// collector's version; a database with a newer schema is refused.
    ///
    /// `fsync`: `synchronous=FULL` (a commit survives a power loss) instead of `NORMAL` (it
    /// survives a crash of the process). `max_page_count` caps the file's size in pages.
    pub fn open(path: &Path, fsync: bool, max_page_count: Option<u64>) -> Result<SqliteStore, StoreError> {
        let mut connection = Self::configure(path, fsync, max_page_count)
            .map_err(|error| StoreError::with_source("the database cannot be opened", error))?;
        migrate::migrate(&mut connection)?;
        Ok(SqliteStore { connection })
    }

    fn configure(path: &Path, fsync: bool, max_page_count: Option<u64>) -> rusqlite::Result<Connection> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        // A new file gives back the pages `--retention` frees (see store::retention); the mode
        // can only be chosen before the first table.
        let pages: i64 = connection.pragma_query_value(None, "page_count", |row| row.get(0))?;
        if pages == 0 {
            connection.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        }
        write_ahead_log(&connection)?;
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
                let row = ReportRow::of(record);
                insert.execute(params![
                    row.received_at,
                    row.application_id,
                    row.conversation_id,
                    row.error_code,
                    row.error_subcode,
                    row.media_type,
                    row.user_agent,
                    row.principal,
                    row.remote_addr,
                    row.call_id,
                    row.from_uri,
                    row.to_uri,
                    row.modality,
                ])?;
            }
        }
        transaction.commit()
    }
}

/// `PRAGMA journal_mode=WAL`, tried again for up to [`BUSY_TIMEOUT`] while SQLite answers
/// busy. Switching a new file to WAL takes an exclusive lock, and SQLite answers busy at once,
/// without waiting the busy timeout, when another connection's transaction holds a lock the
/// switch would deadlock with: collectors that open one new file together.
fn write_ahead_log(connection: &Connection) -> rusqlite::Result<()> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match connection.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(())) {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == rusqlite::ErrorCode::DatabaseBusy && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            switched => return switched,
        }
    }
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
                params![
                    "",
                    "",
                    None::<&str>,
                    None::<&str>,
                    None::<&str>,
                    "",
                    None::<&str>,
                    None::<&str>,
                    None::<&str>,
                    None::<&str>,
                    None::<&str>,
                    None::<&str>,
                    None::<&str>
                ],
            )?;
            transaction.rollback()
        };
        probe().map_err(|error| StoreError::with_source("the SQLite database cannot be written", error))
    }
}

/// A read-only connection to a SQLite store, for `summary` and the admin page: opened with
/// `SQLITE_OPEN_READ_ONLY`, never migrated, made again after a failure.
pub(crate) struct SqliteReader {
    path: std::path::PathBuf,
    connection: Option<Connection>,
}

impl SqliteReader {
    /// A reader of the database at `path`; nothing is opened yet.
    pub(crate) fn new(path: &Path) -> SqliteReader {
        SqliteReader { path: path.to_owned(), connection: None }
    }

    /// The answers of `countings`, in order, and the latest report's time, read in one
    /// transaction (one snapshot).
    pub(crate) fn read(&mut self, countings: &[Counting]) -> rusqlite::Result<Reading> {
        let answers = self.read_once(countings);
        if answers.is_err() {
            // Opened again next time: the file may have been replaced or repaired.
            self.connection = None;
        }
        answers
    }

    fn read_once(&mut self, countings: &[Counting]) -> rusqlite::Result<Reading> {
        let connection = match &mut self.connection {
            Some(connection) => connection,
            None => {
                let connection = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                connection.busy_timeout(BUSY_TIMEOUT)?;
                self.connection.insert(connection)
            }
        };
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let mut answers = Vec::with_capacity(countings.len());
        for counting in countings {
            let (sql, parameters) = counting.sql(Dialect::Sqlite);
            let keys = counting.key_columns();
            let mut query = transaction.prepare_cached(&sql)?;
            let rows = query.query_map(rusqlite::params_from_iter(parameters.iter()), |row| {
                let values = (0..keys).map(|column| row.get(column)).collect::<rusqlite::Result<_>>()?;
                Ok(Counted::new(values, row.get(keys)?, row.get(keys + 1)?, row.get(keys + 2)?))
            })?;
            answers.push(rows.collect::<rusqlite::Result<_>>()?);
        }
        let latest = transaction.query_row(&latest_sql(Dialect::Sqlite), [], |row| row.get(0))?;
        transaction.finish()?;
        Ok(Reading { answers, latest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::LATEST;

    #[test]
    fn a_newer_schema_is_refused_and_the_current_one_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports.db");
        drop(SqliteStore::open(&path, false, None).unwrap());
        drop(SqliteStore::open(&path, true, None).unwrap());
        let history = |connection: &Connection| -> i64 {
            connection.query_row("SELECT count(*) FROM mediadiag_migrations", [], |row| row.get(0)).unwrap()
        };
        assert_eq!(history(&Connection::open(&path).unwrap()), i64::from(LATEST), "each version applied once");

        // The version an older collector reads, set by a newer one's migration.
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 7).unwrap();
        let refusal = format!("the database's schema is version 7; this collector knows version {LATEST}");
        assert_eq!(SqliteStore::open(&path, false, None).err().unwrap().to_string(), refusal);

        // A newer migration in refinery's history, whatever the older marker says.
        let connection = Connection::open(&path).unwrap();
        connection.pragma_update(None, "user_version", 1).unwrap();
        connection
            .execute("INSERT INTO mediadiag_migrations VALUES (7, 'later', '2030-01-01T00:00:00Z', '1')", [])
            .unwrap();
        assert_eq!(SqliteStore::open(&path, false, None).err().unwrap().to_string(), refusal);
    }
}
