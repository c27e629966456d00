//! The PostgreSQL store: table `reports` in a database that several collectors share. One
//! `INSERT ... SELECT ... FROM UNNEST(...)` per batch, a statement timeout on every commit,
//! and one connection per writer that is made again, with capped and jittered exponential
//! backoff, after any failure.

use std::time::{Duration, Instant, SystemTime};

use mediadiag_batch::{Batch, Store, StoreError};
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, Config, NoTls};

/// The schema version this collector writes, kept in table `mediadiag_schema`.
const SCHEMA_VERSION: i32 = 1;

/// Key of the advisory lock under which collectors create the schema, one at a time.
const SCHEMA_LOCK: i64 = 0x6d65_6469_6164_6961; // "mediadia"

/// Version 1: the same columns as the SQLite store, `received_at` as `timestamptz`.
const SCHEMA_V1: &str = "
    CREATE TABLE reports (
        received_at     timestamptz NOT NULL,
        application_id  text NOT NULL,
        conversation_id text NOT NULL,
        error_code      text,
        error_subcode   text,
        media_type      text NOT NULL,
        user_agent      text,
        principal       text,
        remote_addr     text
    );
    CREATE INDEX reports_by_time ON reports (received_at, error_code, error_subcode);
";

/// One statement per batch: each column as an array.
const INSERT: &str = "INSERT INTO reports (received_at, application_id, conversation_id, error_code, \
    error_subcode, media_type, user_agent, principal, remote_addr) \
    SELECT * FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
    $7::text[], $8::text[], $9::text[])";

/// Shortest and longest wait before connecting again.
const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(2);

/// A PostgreSQL database holding table `reports`.
pub struct PostgresStore {
    config: Config,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    client: Option<Client>,
    /// No connection attempt before this instant.
    retry_at: Instant,
    backoff: Duration,
}

impl PostgresStore {
    /// A store for `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|require]`);
    /// every statement, commits included, is cancelled after `statement_timeout`. Nothing is
    /// connected yet: the writer connects, so that the collector starts while the database is
    /// down.
    pub fn new(url: &str, statement_timeout: Duration) -> Result<PostgresStore, String> {
        let mut config: Config = url.parse().map_err(|error| format!("not a PostgreSQL URL: {error}"))?;
        if config.get_hosts().is_empty() || config.get_dbname().is_none() || config.get_user().is_none() {
            return Err("a PostgreSQL URL names the user, the host and the database".to_owned());
        }
        config.options(format!("-c statement_timeout={}", statement_timeout.as_millis().max(1)));
        config.connect_timeout(statement_timeout.max(Duration::from_secs(1)));
        config.application_name("mediadiag-collector");
        let tls = match config.get_ssl_mode() {
            SslMode::Disable => None,
            SslMode::Require => Some(tls_with_system_roots()?),
            _ => return Err("sslmode is disable or require".to_owned()),
        };
        Ok(PostgresStore { config, tls, client: None, retry_at: Instant::now(), backoff: BACKOFF_MIN })
    }

    /// The connection, made (and the schema created or checked) when there is none and the
    /// backoff allows.
    async fn client(&mut self) -> Result<&Client, StoreError> {
        if self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
        if self.client.is_none() {
            if Instant::now() < self.retry_at {
                return Err(StoreError::new("not connected to PostgreSQL; waiting before the next attempt"));
            }
            match self.connect().await {
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

    async fn connect(&self) -> Result<Client, StoreError> {
        let failed = |error| StoreError::with_source("connecting to PostgreSQL failed", error);
        let mut client = match &self.tls {
            None => {
                let (client, connection) = self.config.connect(NoTls).await.map_err(failed)?;
                tokio::spawn(connection);
                client
            }
            Some(tls) => {
                let (client, connection) = self.config.connect(tls.clone()).await.map_err(failed)?;
                tokio::spawn(connection);
                client
            }
        };
        create_schema(&mut client).await?;
        Ok(client)
    }

    async fn insert(&mut self, batch: &Batch) -> Result<(), StoreError> {
        let mut columns = Columns::with_capacity(batch.len());
        for record in batch.records() {
            columns.received_at.push(record.received_at);
            columns.application_id.push(&record.application_id);
            columns.conversation_id.push(&record.conversation_id);
            columns.error_code.push(record.report.error_code.map(|code| code.as_str()));
            columns.error_subcode.push(record.report.error_subcode.map(|subcode| subcode.as_str()));
            columns.media_type.push(record.media_type.as_str());
            columns.user_agent.push(record.user_agent.as_deref());
            columns.principal.push(record.principal.as_deref());
            columns.remote_addr.push(record.remote_addr.map(|addr| addr.to_string()));
        }
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
                Err(StoreError::with_source("the PostgreSQL commit failed", error))
            }
        }
    }
}

/// The batch's columns, borrowed from its records.
struct Columns<'a> {
    received_at: Vec<SystemTime>,
    application_id: Vec<&'a str>,
    conversation_id: Vec<&'a str>,
    error_code: Vec<Option<&'static str>>,
    error_subcode: Vec<Option<&'static str>>,
    media_type: Vec<&'static str>,
    user_agent: Vec<Option<&'a str>>,
    principal: Vec<Option<&'a str>>,
    remote_addr: Vec<Option<String>>,
}

impl Columns<'_> {
    fn with_capacity(reports: usize) -> Self {
        Columns {
            received_at: Vec::with_capacity(reports),
            application_id: Vec::with_capacity(reports),
            conversation_id: Vec::with_capacity(reports),
            error_code: Vec::with_capacity(reports),
            error_subcode: Vec::with_capacity(reports),
            media_type: Vec::with_capacity(reports),
            user_agent: Vec::with_capacity(reports),
            principal: Vec::with_capacity(reports),
            remote_addr: Vec::with_capacity(reports),
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
                Err(StoreError::with_source("PostgreSQL does not answer", error))
            }
        }
    }
}

/// Creates the schema when absent, in a transaction under an advisory lock (collectors that
/// start together take turns), and checks its version.
async fn create_schema(client: &mut Client) -> Result<(), StoreError> {
    let failed = |error| StoreError::with_source("the PostgreSQL schema cannot be created", error);
    let transaction = client.transaction().await.map_err(failed)?;
    transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK]).await.map_err(failed)?;
    transaction
        .batch_execute("CREATE TABLE IF NOT EXISTS mediadiag_schema (version integer NOT NULL)")
        .await
        .map_err(failed)?;
    let version: Option<i32> = transaction
        .query_opt("SELECT max(version) FROM mediadiag_schema", &[])
        .await
        .map_err(failed)?
        .and_then(|row| row.get(0));
    match version {
        None => {
            transaction.batch_execute(SCHEMA_V1).await.map_err(failed)?;
            transaction
                .execute("INSERT INTO mediadiag_schema VALUES ($1)", &[&SCHEMA_VERSION])
                .await
                .map_err(failed)?;
        }
        Some(SCHEMA_VERSION) => {}
        Some(newer) => {
            return Err(StoreError::new(format!(
                "the database's schema is version {newer}; this collector knows version {SCHEMA_VERSION}"
            )));
        }
    }
    transaction.commit().await.map_err(failed)
}

/// TLS through rustls, trusting the system's root certificates.
fn tls_with_system_roots() -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(certificate);
    }
    if roots.is_empty() {
        return Err("sslmode=require, but the system has no root certificates".to_owned());
    }
    let config = rustls::ClientConfig::builder_with_provider(rustls::crypto::ring::default_provider().into())
        .with_safe_default_protocol_versions()
        .map_err(|error| error.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// `wait` scaled by a factor between 0.5 and 1.5, so that collectors that lost the database
/// together do not reconnect together.
fn jittered(wait: Duration) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let random = RandomState::new().hash_one(Instant::now()) % 1000;
    wait.mul_f64(0.5 + random as f64 / 1000.0)
}

/// The summary's rows from a PostgreSQL store (see [`super::summary_rows`]).
pub(crate) async fn summary_rows(url: &str, since: SystemTime) -> Result<Vec<super::SummaryRow>, StoreError> {
    let store = PostgresStore::new(url, Duration::from_secs(30)).map_err(StoreError::new)?;
    let client = store.connect().await?;
    let rows = client
        .query(
            "SELECT error_code, error_subcode, count(*), \
             to_char(min(received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), \
             to_char(max(received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') \
             FROM reports WHERE received_at >= $1 GROUP BY error_code, error_subcode \
             ORDER BY count(*) DESC, error_code, error_subcode",
            &[&since],
        )
        .await
        .map_err(|error| StoreError::with_source("the summary query failed", error))?;
    Ok(rows
        .iter()
        .map(|row| super::SummaryRow {
            error_code: row.get(0),
            error_subcode: row.get(1),
            count: u64::try_from(row.get::<_, i64>(2)).unwrap_or(0),
            first: row.get(3),
            last: row.get(4),
        })
        .collect())
}
