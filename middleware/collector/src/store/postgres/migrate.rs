//! The PostgreSQL schema migrated under a session advisory lock: refinery commits each
//! migration in a transaction of its own, so the lock must outlive them. Collectors that
//! connect together take turns, and the later ones find nothing left to apply.

use std::time::Duration;

use mediadiag_batch::StoreError;
use tokio_postgres::Client;

use crate::store::{Dialect, failure, migrations};

/// Key of the advisory lock: "mediadia". Collectors from before numbered migrations took the
/// same key (as a transaction lock) to create the schema, so they and these take turns too.
const SCHEMA_LOCK: i64 = 0x6d65_6469_6164_6961;

/// The statement timeout while waiting for the lock and migrating, instead of the commits'
/// one: a migration that rewrites a large table takes longer than a commit.
const MIGRATION_TIMEOUT: Duration = Duration::from_secs(300);

/// Migrates the database of `client` to [`migrations::LATEST`], or refuses a newer one.
pub(super) async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let failed = |error| failure("the PostgreSQL schema cannot be migrated", &error);
    let timeout = format!("SET statement_timeout = {}", MIGRATION_TIMEOUT.as_millis());
    client.batch_execute(&timeout).await.map_err(failed)?;
    client.execute("SELECT pg_advisory_lock($1)", &[&SCHEMA_LOCK]).await.map_err(failed)?;
    let migrated = locked(client).await;
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&SCHEMA_LOCK]).await;
    migrated?;
    unlocked.map_err(failed)?;
    // Back to the statement timeout the connection was made with.
    client.batch_execute("RESET statement_timeout").await.map_err(failed)
}

/// The version check and refinery's run, while holding the lock.
async fn locked(client: &mut Client) -> Result<(), StoreError> {
    migrations::refuse_newer(recorded_version(client).await?)?;
    let report = migrations::runner(Dialect::Postgres)?.run_async(client).await.map_err(migrations::failed)?;
    migrations::log_applied("PostgreSQL", &report);
    Ok(())
}

/// The largest version in table `mediadiag_schema`, 0 when there is none.
async fn recorded_version(client: &Client) -> Result<i32, StoreError> {
    let failed = |error| failure("the PostgreSQL schema version cannot be read", &error);
    let exists = client.query_one("SELECT to_regclass('mediadiag_schema') IS NOT NULL", &[]).await.map_err(failed)?;
    if !exists.try_get::<_, bool>(0).map_err(failed)? {
        return Ok(0);
    }
    let row = client.query_one("SELECT coalesce(max(version), 0) FROM mediadiag_schema", &[]).await.map_err(failed)?;
    row.try_get(0).map_err(failed)
}
