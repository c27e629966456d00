//! The SQLite schema migrated under one `BEGIN IMMEDIATE`: the write lock is taken before
//! the version and refinery's history are read, and held until the last migration is
//! applied. refinery's own SQLite driver reads the history and applies each migration in
//! transactions of their own, so two processes opening one new file together could both
//! read "nothing applied" and both apply version 1.

use mediadiag_batch::StoreError;
use refinery::Migration;
use refinery_core::traits::sync::{Migrate, Query, Transaction};
use rusqlite::types::Type;
use rusqlite::{Connection, TransactionBehavior};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::store::Dialect;
use crate::store::migrations;

/// Migrates the database of `connection` to [`migrations::LATEST`], or refuses a newer one.
/// Every migration commits together, or none does.
pub(super) fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let failed = |error| StoreError::with_source("the SQLite schema cannot be migrated", error);
    // Waits up to the busy timeout for another process's migration or commit.
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed)?;
    let recorded: i32 = transaction.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(failed)?;
    migrations::refuse_newer(recorded)?;
    let mut locked = Locked(transaction);
    let report = migrations::runner(Dialect::Sqlite)?.run(&mut locked).map_err(migrations::failed)?;
    locked.0.commit().map_err(failed)?;
    migrations::log_applied("SQLite", &report);
    Ok(())
}

/// The open `BEGIN IMMEDIATE` transaction, as refinery's connection: what refinery runs
/// joins it, and nothing commits until [`migrate`] does. Dropped uncommitted, it rolls back.
struct Locked<'c>(rusqlite::Transaction<'c>);

impl Transaction for Locked<'_> {
    type Error = rusqlite::Error;

    fn execute<'a, T: Iterator<Item = &'a str>>(&mut self, queries: T) -> Result<usize, Self::Error> {
        let mut count = 0;
        for query in queries {
            self.0.execute_batch(query)?;
            count += 1;
        }
        Ok(count)
    }
}

impl Query<Vec<Migration>> for Locked<'_> {
    /// The history rows, read as refinery's own driver reads them: version, name, applied_on
    /// (RFC 3339 text) and checksum (a u64 as text).
    fn query(&mut self, query: &str) -> Result<Vec<Migration>, Self::Error> {
        let mut statement = self.0.prepare(query)?;
        let rows = statement.query_map([], |row| {
            let applied_on: String = row.get(2)?;
            let applied_on = OffsetDateTime::parse(&applied_on, &Rfc3339)
                .map_err(|error| rusqlite::Error::FromSqlConversionFailure(2, Type::Text, Box::new(error)))?;
            let checksum: String = row.get(3)?;
            let checksum = checksum
                .parse()
                .map_err(|error| rusqlite::Error::FromSqlConversionFailure(3, Type::Text, Box::new(error)))?;
            Ok(Migration::applied(row.get(0)?, row.get(1)?, applied_on, checksum))
        })?;
        rows.collect()
    }
}

impl Migrate for Locked<'_> {}
