//! The numbered schema migrations, one list for both SQL stores, run by refinery.
//!
//! Each version has a name and its SQL in each dialect (`migrations/sqlite/`,
//! `migrations/postgres/`). refinery records the versions it applied in table
//! [`HISTORY`] and refuses a history that names a version this list lacks, or whose SQL
//! differs from this list's: a released migration is never edited, a new version is added.
//!
//! Each migration also writes the version where collectors from before numbered migrations
//! read it (SQLite `PRAGMA user_version`, PostgreSQL table `mediadiag_schema`), in the same
//! transaction as its history row, so an older collector still refuses a newer database.
//! That marker is the authority on the database's version: each store reads it, under its
//! lock, before running refinery, and refuses a version newer than [`LATEST`].
//!
//! Version 1 is the schema from before numbered migrations, with `IF NOT EXISTS`: such a
//! database is recorded as version 1 with nothing changed.

use mediadiag_batch::StoreError;
use refinery::error::Kind;
use refinery::{Migration, Report, Runner};

use super::Dialect;

/// refinery's history table. Not its default name: a PostgreSQL database may be shared with
/// another program that uses refinery.
const HISTORY: &str = "mediadiag_migrations";

/// One schema version: its name and its SQL in each dialect.
struct Version {
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every version in order: the first is version 1, the next 2, and so on.
const VERSIONS: &[Version] = &[
    Version {
        name: "reports",
        sqlite: include_str!("../../migrations/sqlite/V1__reports.sql"),
        postgres: include_str!("../../migrations/postgres/V1__reports.sql"),
    },
    Version {
        name: "call_context",
        sqlite: include_str!("../../migrations/sqlite/V2__call_context.sql"),
        postgres: include_str!("../../migrations/postgres/V2__call_context.sql"),
    },
];

/// The version this collector migrates a database to.
pub(crate) const LATEST: i32 = VERSIONS.len() as i32;

/// refinery's runner for `dialect`: every version, refusing unknown or changed history.
pub(crate) fn runner(dialect: Dialect) -> Result<Runner, StoreError> {
    let migrations = VERSIONS
        .iter()
        .zip(1..)
        .map(|(version, number): (&Version, i32)| {
            let sql = match dialect {
                Dialect::Sqlite => version.sqlite,
                Dialect::Postgres => version.postgres,
            };
            Migration::unapplied(&format!("V{number}__{}", version.name), sql)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| StoreError::with_source("a migration is malformed", error))?;
    let mut runner = Runner::new(&migrations).set_abort_divergent(true).set_abort_missing(true);
    runner.set_migration_table_name(HISTORY);
    Ok(runner)
}

/// Refuses a database whose recorded version is newer than [`LATEST`].
pub(crate) fn refuse_newer(recorded: i32) -> Result<(), StoreError> {
    if recorded > LATEST { Err(newer(recorded)) } else { Ok(()) }
}

fn newer(recorded: i32) -> StoreError {
    StoreError::new(format!("the database's schema is version {recorded}; this collector knows version {LATEST}"))
}

/// refinery's failure as the store's: a history with a version newer than [`LATEST`] reads
/// as [`refuse_newer`]'s refusal; a database's error keeps its causes.
pub(crate) fn failed(error: refinery::Error) -> StoreError {
    const CONTEXT: &str = "the schema cannot be migrated";
    match error.kind() {
        Kind::MissingVersion(applied) if applied.version() > LATEST => newer(applied.version()),
        Kind::Connection(step, cause) => super::failure(&format!("{CONTEXT}: {step}"), cause.as_ref()),
        _ => super::failure(CONTEXT, &error),
    }
}

/// Logs the versions `report` applied, if any.
pub(crate) fn log_applied(store: &str, report: &Report) {
    let applied: Vec<String> = report.applied_migrations().iter().map(ToString::to_string).collect();
    if !applied.is_empty() {
        tracing::info!(migrations = applied.join(" "), "the {store} schema is now version {LATEST}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_have_every_version_in_order() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let runner = runner(dialect).unwrap();
            let versions: Vec<i32> = runner.get_migrations().iter().map(Migration::version).collect();
            assert_eq!(versions, (1..=LATEST).collect::<Vec<_>>(), "{dialect:?}");
        }
    }

    #[test]
    fn each_sqlite_version_sets_user_version_to_itself() {
        let mut connection = rusqlite::Connection::open_in_memory().unwrap();
        for version in 1..=LATEST {
            let runner = runner(Dialect::Sqlite).unwrap().set_target(refinery::Target::Version(version));
            runner.run(&mut connection).unwrap();
            let marker: i32 = connection.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
            assert_eq!(marker, version);
        }
    }
}
