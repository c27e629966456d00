//! The PostgreSQL store: table `reports` in a database that several collectors share. One
//! `INSERT ... SELECT ... FROM UNNEST(...)` per batch, a statement timeout on every commit,
//! and one connection per writer that is made again, with capped and jittered exponential
//! backoff, after any failure.

mod migrate;
mod tls;

use std::time::{Duration, Instant};

use mediadiag_batch::{Batch, Store, StoreError};
use tokio_postgres::{Client, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::row::{ReportRow, report_columns};
use super::summary::{Counted, Counting, Reading, latest_sql};
use super::{Dialect, PostgresUrl, failure};

/// One statement per batch: each column as an array, `received_at` as RFC 3339 text.
const INSERT: &str = concat!(
    "INSERT INTO reports (",
    report_columns!(),
    ") SELECT * FROM UNNEST($1::text[]::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], \
     $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])"
);

/// Shortest and longest wait before connecting again.
const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(2);

/// A PostgreSQL database holding table `reports`.
pub struct PostgresStore {
    config: Config,
    /// `None`: plain TCP (`sslmode=disable`).
    tls: Option<MakeRustlsConnect>,
    client: Option<Client>,
    /// No connection attempt before this instant.
    retry_at: Instant,
    backoff: Duration,
}

impl PostgresStore {
    /// A store for `url`; every statement, commits included, is cancelled after
    /// `statement_timeout`. Loads the system's root certificates unless `sslmode=disable`
    /// (see the README for what each mode verifies). Nothing is connected yet: the writer
    /// connects (and migrates the schema), so that the collector starts while the database
    /// is down.
    pub fn new(url: &PostgresUrl, statement_timeout: Duration) -> Result<PostgresStore, String> {
        let mut config = url.config().clone();
        config.options(format!("-c statement_timeout={}", statement_timeout.as_millis().max(1)));
        config.connect_timeout(statement_timeout.max(Duration::from_secs(1)));
        config.application_name("mediadiag-collector");
        let tls = tls::connector(config.get_ssl_mode())?;
        Ok(PostgresStore { config, tls, client: None, retry_at: Instant::now(), backoff: BACKOFF_MIN })
    }

    /// The connection, made (and the schema migrated) when there is none and the backoff
    /// allows.
    async fn client(&mut self) -> Result<&Client, StoreError> {
        if self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
        if self.client.is_none() {
            if Instant::now() < self.retry_at {
                return Err(StoreError::new("not connected to PostgreSQL; waiting before the next attempt"));
            }
            match self.connect_and_migrate().await {
                Ok(client) => {
                    self.backoff = BACKOFF_MIN;
                    self.client = Some(client);
                }
                Err(error) => {
                    self.retry_at = Instant::now() + jittered(self.backoff);
                    self.backoff = (self.backoff * 2).min(BACKOFF_MAX);
                    return Err(error);
                }
            }
        }
        self.client.as_ref().ok_or_else(|| StoreError::new("not connected to PostgreSQL"))
    }

    async fn connect_and_migrate(&self) -> Result<Client, StoreError> {
        let mut client = self.connect().await?;
        migrate::migrate(&mut client).await?;
        Ok(client)
    }

    /// A new connection, its driver spawned on the current runtime.
    pub(super) async fn connect(&self) -> Result<Client, StoreError> {
        let failed = |error| failure("connecting to PostgreSQL failed", &error);
        match &self.tls {
            None => {
                let (client, connection) = self.config.connect(NoTls).await.map_err(failed)?;
                tokio::spawn(connection);
                Ok(client)
            }
            Some(tls) => {
                let (client, connection) = self.config.connect(tls.clone()).await.map_err(failed)?;
                tokio::spawn(connection);
                Ok(client)
            }
        }
    }

    async fn insert(&mut self, batch: &Batch) -> Result<(), StoreError> {
        let rows: Vec<ReportRow<'_>> = batch.records().map(ReportRow::of).collect();
        let columns = Columns::of(&rows);
        let client = self.client().await?;
        let inserted = client
            .execute(
                INSERT,
                &[
                    &columns.received_at,
                    &columns.application_id,
                    &columns.conversation_id,
                    &columns.error_code,
                    &columns.error_subcode,
                    &columns.media_type,
                    &columns.user_agent,
                    &columns.principal,
                    &columns.remote_addr,
                    &columns.call_id,
                    &columns.from_uri,
                    &columns.to_uri,
                    &columns.modality,
                ],
            )
            .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(error) => {
                // A connection that failed is made again; a statement that failed (timed out,
                // refused) leaves it usable.
                if error.is_closed() || self.client.as_ref().is_some_and(Client::is_closed) {
                    self.client = None;
                }
                Err(failure("the PostgreSQL commit failed", &error))
            }
        }
    }
}

/// The batch's rows as columns, borrowed from the rows.
struct Columns<'a> {
    received_at: Vec<&'a str>,
    application_id: Vec<&'a str>,
    conversation_id: Vec<Option<&'a str>>,
    error_code: Vec<Option<&'a str>>,
    error_subcode: Vec<Option<&'a str>>,
    media_type: Vec<&'a str>,
    user_agent: Vec<Option<&'a str>>,
    principal: Vec<Option<&'a str>>,
    remote_addr: Vec<Option<&'a str>>,
    call_id: Vec<Option<&'a str>>,
    from_uri: Vec<Option<&'a str>>,
    to_uri: Vec<Option<&'a str>>,
    modality: Vec<Option<&'a str>>,
}

impl<'a> Columns<'a> {
    fn of(rows: &'a [ReportRow<'_>]) -> Self {
        Columns {
            received_at: rows.iter().map(|row| row.received_at.as_str()).collect(),
            application_id: rows.iter().map(|row| row.application_id).collect(),
            conversation_id: rows.iter().map(|row| row.conversation_id).collect(),
            error_code: rows.iter().map(|row| row.error_code).collect(),
            error_subcode: rows.iter().map(|row| row.error_subcode).collect(),
            media_type: rows.iter().map(|row| row.media_type).collect(),
            user_agent: rows.iter().map(|row| row.user_agent).collect(),
            principal: rows.iter().map(|row| row.principal).collect(),
            remote_addr: rows.iter().map(|row| row.remote_addr.as_deref()).collect(),
            call_id: rows.iter().map(|row| row.call_id).collect(),
            from_uri: rows.iter().map(|row| row.from_uri).collect(),
            to_uri: rows.iter().map(|row| row.to_uri).collect(),
            modality: rows.iter().map(|row| row.modality).collect(),
        }
    }
}

impl Store for PostgresStore {
    async fn commit(&mut self, batch: &Batch) -> Result<(), StoreError> {
        self.insert(batch).await
    }

    /// Connects when not connected; checks that the connection answers.
    async fn probe(&mut self) -> Result<(), StoreError> {
        let client = self.client().await?;
        match client.simple_query("SELECT 1").await {
            Ok(_) => Ok(()),
            Err(error) => {
                self.client = None;
                Err(failure("PostgreSQL does not answer", &error))
            }
        }
    }
}

/// `wait` scaled by a factor between 0.5 and 1.5, so that collectors that lost the database
/// together do not reconnect together.
fn jittered(wait: Duration) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let random = RandomState::new().hash_one(Instant::now()) % 1000;
    wait.mul_f64(0.5 + random as f64 / 1000.0)
}

/// A read-only session with a PostgreSQL store, for `summary` and the admin page: every
/// transaction is read-only (`default_transaction_read_only=on`), the schema is neither
/// created nor migrated, and the connection is made again after a failure.
pub(crate) struct PostgresReader {
    store: PostgresStore,
    client: Option<Client>,
}

impl PostgresReader {
    /// A reader of the database of `url`, each statement cancelled after `statement_timeout`;
    /// nothing is connected yet.
    pub(crate) fn new(url: &PostgresUrl, statement_timeout: Duration) -> Result<PostgresReader, String> {
        let mut store = PostgresStore::new(url, statement_timeout)?;
        store.config.options(format!(
            "-c statement_timeout={} -c default_transaction_read_only=on",
            statement_timeout.as_millis().max(1)
        ));
        Ok(PostgresReader { store, client: None })
    }

    /// The answers of `countings`, in order, and the latest report's time, read in one
    /// repeatable-read transaction (one snapshot).
    pub(crate) async fn read(&mut self, countings: &[Counting]) -> Result<Reading, StoreError> {
        let answers = self.read_once(countings).await;
        if answers.is_err() {
            self.client = None;
        }
        answers
    }

    async fn read_once(&mut self, countings: &[Counting]) -> Result<Reading, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = Some(self.store.connect().await?);
        }
        let client = self.client.as_mut().ok_or_else(|| StoreError::new("not connected to PostgreSQL"))?;
        let failed = |error| failure("the counting query failed", &error);
        let transaction = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(failed)?;
        let mut answers = Vec::with_capacity(countings.len());
        for counting in countings {
            let (sql, parameters) = counting.sql(Dialect::Postgres);
            let parameters: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                parameters.iter().map(|parameter| parameter as _).collect();
            let keys = counting.key_columns();
            let rows = transaction.query(&sql, &parameters).await.map_err(failed)?;
            let counted = rows
                .iter()
                .map(|row| {
                    let values = (0..keys).map(|column| row.try_get(column)).collect::<Result<_, _>>()?;
                    Ok(Counted::new(values, row.try_get(keys)?, row.try_get(keys + 1)?, row.try_get(keys + 2)?))
                })
                .collect::<Result<_, tokio_postgres::Error>>()
                .map_err(failed)?;
            answers.push(counted);
        }
        let latest = transaction.query_one(&latest_sql(Dialect::Postgres), &[]).await.map_err(failed)?;
        let latest = latest.try_get(0).map_err(failed)?;
        transaction.commit().await.map_err(failed)?;
        Ok(Reading { answers, latest })
    }
}
