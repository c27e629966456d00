//! `--retention`: reports older than it are deleted from every `sqlite:` and `postgres://`
//! store, in the background, on a connection of its own (a thread for SQLite, a task for
//! PostgreSQL), never the store writer's.
//!
//! Deleting is done in transactions of [`CHUNK`] rows, each found through the index on
//! `received_at` by rowid (SQLite) or ctid (PostgreSQL), with [`PAUSE`] between them: a commit
//! of the writer waits for one such transaction at most, a few milliseconds. A sweep runs at
//! start and then every [`SWEEP_EVERY`]. Each deleted row is counted in
//! [`crate::admin::STORE_ROWS_DELETED_TOTAL`].
//!
//! SQLite files made by this collector have `auto_vacuum=INCREMENTAL`: after a sweep the freed
//! pages are given back to the file system in steps of [`VACUUM_PAGES`], and the file shrinks.
//! Older files (`auto_vacuum=NONE`) keep their freed pages for new reports: they stop growing
//! once the retention is reached, and shrink only after an offline `VACUUM` (see the README).

use std::path::Path;
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{PostgresStore, PostgresUrl, StoreUrl};
use crate::admin::STORE_ROWS_DELETED_TOTAL;

/// Rows deleted per transaction.
const CHUNK: u64 = 500;
/// Wait between two transactions, so the writer gets the database in between.
const PAUSE: Duration = Duration::from_millis(10);
/// Time between two sweeps.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Pages given back to the file system per transaction (SQLite, `auto_vacuum=INCREMENTAL`).
const VACUUM_PAGES: u32 = 256;
/// How long a SQLite transaction waits for the writer's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Starts deleting reports older than `retention` from the SQL stores among `stores` (the
/// `--store` URLs); JSON lines are left alone. Needs a Tokio runtime (PostgreSQL).
pub(crate) fn spawn_retention(stores: &[String], retention: Duration) {
    for url in stores {
        let Ok(parsed) = StoreUrl::parse(url) else { continue };
        let name = parsed.name();
        metrics::counter!(STORE_ROWS_DELETED_TOTAL, "store" => name.clone()).increment(0);
        match parsed {
            StoreUrl::Sqlite { path, .. } => {
                let spawned = std::thread::Builder::new()
                    .name("retention".to_owned())
                    .spawn(move || sqlite_sweeps(&path, &name, retention));
                if let Err(error) = spawned {
                    tracing::error!(%error, "the retention thread cannot start");
                }
            }
            StoreUrl::Postgres(url) => {
                tokio::spawn(async move { postgres_sweeps(&url, &name, retention).await });
            }
            StoreUrl::JsonLines { .. } => {}
        }
    }
}

/// The time before which reports are deleted, as stored text.
fn cutoff(retention: Duration) -> String {
    super::rfc3339(
        SystemTime::now().checked_sub(retention).unwrap_or(SystemTime::UNIX_EPOCH).max(SystemTime::UNIX_EPOCH),
    )
}

fn deleted(store: &str, rows: u64) {
    metrics::counter!(STORE_ROWS_DELETED_TOTAL, "store" => store.to_owned()).increment(rows);
}

fn sqlite_sweeps(path: &Path, store: &str, retention: Duration) {
    let mut connection: Option<Connection> = None;
    loop {
        let swept = match &mut connection {
            Some(connection) => sqlite_sweep(connection, store, retention),
            None => open(path).and_then(|opened| sqlite_sweep(connection.insert(opened), store, retention)),
        };
        match swept {
            Ok(0) => {}
            Ok(rows) => log_sweep(store, rows, retention),
            Err(error) => {
                tracing::warn!(store, %error, "retention: the sweep failed; next one in a minute");
                connection = None;
            }
        }
        std::thread::sleep(SWEEP_EVERY);
    }
}

/// The retention's own read-write connection. `synchronous=NORMAL`: in WAL mode its commits
/// do not wait for an fsync while holding the write lock; a deletion lost to a power cut is
/// done again by the next sweep.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(connection)
}

/// Deletes the rows older than the retention, [`CHUNK`] per transaction, then gives the freed
/// pages back when the file allows it. The rows deleted.
fn sqlite_sweep(connection: &mut Connection, store: &str, retention: Duration) -> rusqlite::Result<u64> {
    const DELETE: &str =
        "DELETE FROM reports WHERE rowid IN (SELECT rowid FROM reports WHERE received_at < ?1 LIMIT ?2)";
    let cutoff = cutoff(retention);
    let mut total = 0;
    loop {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rows = transaction.execute(DELETE, rusqlite::params![cutoff, CHUNK])? as u64;
        transaction.commit()?;
        deleted(store, rows);
        total += rows;
        if rows < CHUNK {
            break;
        }
        std::thread::sleep(PAUSE);
    }
    // 2 is INCREMENTAL: the freed pages can be given back a few at a time.
    let auto_vacuum: i64 = connection.pragma_query_value(None, "auto_vacuum", |row| row.get(0))?;
    if total > 0 && auto_vacuum == 2 {
        loop {
            let free: i64 = connection.pragma_query_value(None, "freelist_count", |row| row.get(0))?;
            if free == 0 {
                break;
            }
            let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            transaction.execute_batch(&format!("PRAGMA incremental_vacuum({VACUUM_PAGES})"))?;
            transaction.commit()?;
            std::thread::sleep(PAUSE);
        }
    }
    Ok(total)
}

async fn postgres_sweeps(url: &PostgresUrl, store: &str, retention: Duration) {
    let store_of_retention = match PostgresStore::new(url, Duration::from_secs(30)) {
        Ok(store) => store,
        Err(error) => {
            tracing::error!(store, %error, "retention: cannot reach the store");
            return;
        }
    };
    let mut client: Option<tokio_postgres::Client> = None;
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    loop {
        ticks.tick().await;
        if client.as_ref().is_none_or(tokio_postgres::Client::is_closed) {
            match store_of_retention.connect().await {
                Ok(connected) => client = Some(connected),
                Err(error) => {
                    tracing::warn!(store, %error, "retention: cannot connect; next try in a minute");
                    continue;
                }
            }
        }
        let Some(connected) = &client else { continue };
        match postgres_sweep(connected, store, retention).await {
            Ok(0) => {}
            Ok(rows) => log_sweep(store, rows, retention),
            Err(error) => tracing::warn!(
                store,
                error = crate::with_causes(&error),
                "retention: the sweep failed; next one in a minute"
            ),
        }
    }
}

/// Deletes the rows older than the retention, [`CHUNK`] per statement (each its own
/// transaction), found by ctid. Nothing while table `reports` does not exist yet (the writer
/// makes it when it first connects).
async fn postgres_sweep(
    client: &tokio_postgres::Client,
    store: &str,
    retention: Duration,
) -> Result<u64, tokio_postgres::Error> {
    const DELETE: &str = "DELETE FROM reports WHERE ctid = ANY(ARRAY(\
                          SELECT ctid FROM reports WHERE received_at < $1::text::timestamptz LIMIT $2))";
    let exists: bool = client.query_one("SELECT to_regclass('reports') IS NOT NULL", &[]).await?.try_get(0)?;
    if !exists {
        return Ok(0);
    }
    let cutoff = cutoff(retention);
    let chunk = CHUNK as i64;
    let mut total = 0;
    loop {
        let rows = client.execute(DELETE, &[&cutoff, &chunk]).await?;
        deleted(store, rows);
        total += rows;
        if rows < CHUNK {
            return Ok(total);
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// The log line of a sweep that deleted `rows`.
fn log_sweep(store: &str, rows: u64, retention: Duration) {
    tracing::info!(store, rows, "retention: deleted the reports older than {}", humantime::format_duration(retention));
}
