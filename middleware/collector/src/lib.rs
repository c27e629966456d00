//! `mediadiag-collector`: receives UCWA reportMediaDiagnostics from desk phones and answers
//! 204 only once every store committed the report. See the README for flags and stores.
//!
//! The binary is [`main`]; the library also gives the stores, for benchmarks and for programs
//! that embed them behind their own [`mediadiag_batch::Batcher`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod activity;
mod admin;
mod cli;
mod page;
mod scopes;
mod server;
pub mod store;
mod summary;
mod tls;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use mediadiag_batch::{Batcher, BatcherBuilder};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_mediadiag::MediaDiagnosticsLayer;

use crate::activity::Activity;
use crate::cli::{Admin, Cli, Command, Serve};
use crate::store::{JsonLines, PostgresStore, SqliteStore, StoreUrl};

/// The program: parses the command line, then serves or prints the summary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(|| LogOutput)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,refinery_core=warn")),
        )
        .init();
    if let Some(Command::Summary(flags)) = &cli.command {
        return summary::run(flags);
    }
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(run(cli.serve)),
        Err(error) => {
            say(format_args!("mediadiag-collector: no async runtime: {error}\n"));
            ExitCode::FAILURE
        }
    }
}

/// Standard error, for logs. A line that cannot be written (stderr closed) is dropped: the
/// collector goes on serving and committing, where tracing's own fallback would panic.
struct LogOutput;

impl std::io::Write for LogOutput {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes `text` on standard error, if it can.
fn say(text: std::fmt::Arguments<'_>) {
    let _ = std::io::Write::write_fmt(&mut std::io::stderr(), text);
}

/// Exit status 2 with one line naming the flag and its value.
pub(crate) fn exit_usage(flag: &str, value: &str, why: &str) -> ExitCode {
    say(format_args!("mediadiag-collector: {flag} {value}: {why}\n"));
    ExitCode::from(2)
}

/// An error and its causes, `error: cause: cause`.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text = format!("{text}: {error}");
        cause = error.source();
    }
    text
}

/// A `--store` value for a message or a log line, whether it parses or not: without a
/// PostgreSQL password (see [`store::redact`]).
fn redacted(url: &str) -> String {
    store::redact(url)
}

/// Parses every `--store` once, opens it and adds it to the batcher.
fn open_stores(flags: &Serve) -> Result<BatcherBuilder, ExitCode> {
    let mut batcher = Batcher::builder()
        .queue_capacity(flags.queue_capacity)
        .max_batch(flags.max_batch)
        .retry_after(flags.retry_after)
        .sip_uris(!flags.no_sip_uris);
    for url in &flags.stores {
        let parsed = StoreUrl::parse(url).map_err(|why| exit_usage("--store", &redacted(url), &why))?;
        let name = parsed.name();
        let refused = |error: &dyn std::fmt::Display| exit_usage("--store", &name, &error.to_string());
        batcher = match parsed {
            StoreUrl::Sqlite { path, max_page_count } => {
                let store = SqliteStore::open(&path, flags.fsync, max_page_count).map_err(|e| refused(&e))?;
                batcher.store(name, store)
            }
            StoreUrl::JsonLines { path: None } => batcher.store(name, JsonLines::stdout()),
            StoreUrl::JsonLines { path: Some(path) } => {
                let store = JsonLines::file(&path, flags.fsync).map_err(|e| refused(&e))?;
                batcher.store(name, store)
            }
            StoreUrl::Postgres(url) => {
                // Twice the commit deadline: a commit past the deadline is answered 504 by the
                // layer, and the statement is cancelled soon after, so the writer goes on.
                let store = PostgresStore::new(&url, *flags.callback_timeout * 2).map_err(|e| refused(&e))?;
                batcher.store(name, store)
            }
        };
    }
    Ok(batcher)
}

async fn run(flags: Serve) -> ExitCode {
    let metrics = match admin::install_recorder() {
        Ok(metrics) => metrics,
        Err(error) => {
            say(format_args!("mediadiag-collector: the metrics recorder could not be installed: {error}\n"));
            return ExitCode::FAILURE;
        }
    };
    let batcher = match open_stores(&flags) {
        Ok(batcher) => batcher,
        Err(code) => return code,
    };
    let certificates = match (&flags.tls_cert, &flags.tls_key) {
        (Some(cert), Some(key)) => match tls::Certificates::load(cert, key) {
            Ok(certificates) => Some(certificates),
            Err(error) => {
                let path = if error.flag() == "--tls-cert" { cert } else { key };
                return exit_usage(error.flag(), &path.display().to_string(), &error.to_string());
            }
        },
        _ => None,
    };
    let tls = match certificates.as_ref().map(tls::Certificates::server_config).transpose() {
        Ok(config) => config.map(|config| server::Tls {
            acceptor: tokio_rustls::TlsAcceptor::from(config),
            handshake_timeout: *flags.tls_handshake_timeout,
        }),
        Err(error) => return exit_usage("--tls-cert", "", &error.to_string()),
    };
    let listener = match TcpListener::bind(flags.listen).await {
        Ok(listener) => listener,
        Err(error) => return exit_usage("--listen", &flags.listen.to_string(), &error.to_string()),
    };
    let admin = match flags.admin {
        Admin::Off => None,
        Admin::On(address) => match TcpListener::bind(address).await {
            Ok(listener) => Some(listener),
            Err(error) => return exit_usage("--admin", &address.to_string(), &error.to_string()),
        },
    };
    let address = listener.local_addr().unwrap_or(flags.listen);
    let scheme = if tls.is_some() { "https" } else { "http" };
    // A self-signed certificate is its own authority; a CA-signed one needs no flag at all.
    let cacert = flags.tls_cert.as_ref().map(|cert| format!(" --cacert '{}'", cert.display())).unwrap_or_default();
    let scopes = scopes::from_flags(&flags, |token| {
        say(format_args!("token: {token} (grants Conversations.Initiate and Conversations.Receive)\n"));
        say(format_args!(
            "try: curl -i{cacert} -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \
             -d '{{\"errorCode\":\"BadRequest\",\"errorSubcode\":\"InviteesOnly\"}}' \
             {scheme}://{address}/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics\n"
        ));
    })
    .await;
    let scopes = match scopes {
        Ok(scopes) => scopes,
        Err(error) => return exit_usage("--jwks", flags.jwks.as_deref().unwrap_or(""), &with_causes(&error)),
    };

    let (batcher, writers) = batcher.build();
    let layer = MediaDiagnosticsLayer::new(batcher.clone())
        .scope_source(scopes)
        .body_limit(flags.body_limit)
        .read_timeout(*flags.read_timeout)
        .callback_timeout(*flags.callback_timeout)
        .max_concurrent_callbacks(flags.max_concurrent_callbacks)
        .retry_after(flags.retry_after);
    let service = ServiceBuilder::new().layer(layer).service_fn(server::not_found);
    let activity = Arc::new(Activity::new());
    if let Some(admin) = admin {
        if let Ok(admin_address) = admin.local_addr() {
            tracing::info!("admin endpoints on http://{admin_address}/metrics, /healthz, /readyz");
        }
        let page =
            page::Page::new(&flags.stores, flags.admin_password_file.as_deref(), batcher.clone(), activity.clone());
        let page = match page {
            Ok(page) => Arc::new(page),
            Err(why) => {
                return exit_usage(
                    "--admin-password-file",
                    &flags.admin_password_file.unwrap_or_default().display().to_string(),
                    &why,
                );
            }
        };
        tokio::spawn(admin::serve(admin, metrics, batcher.clone(), page));
    }
    if let Some(retention) = flags.retention {
        store::spawn_retention(&flags.stores, *retention);
    }
    // Listening for SIGTERM before saying so: a signal sent as soon as the line is read must
    // start the drain, not end the process.
    let mut signals = Signals::new();
    let stores = flags.stores.iter().map(|url| redacted(url)).collect::<Vec<_>>().join(" ");
    tracing::info!(stores, fsync = flags.fsync, "listening on {address} ({scheme})");
    tokio::spawn(tls::reload_on_hangup(certificates));

    let logging = activity.clone();
    let connections = tokio::select! {
        connections = server::serve(listener, service, &flags, activity, tls, signals.next()) => connections,
        () = logging.log_every_minute() => return ExitCode::FAILURE,
    };
    // One deadline for the whole shutdown: requests in flight first, then queued commits.
    let deadline = tokio::time::Instant::now() + *flags.drain_timeout;
    let drain = async {
        tracing::info!("shutting down: finishing in-flight requests");
        tokio::select! {
            () = connections.shutdown() => tracing::info!("all connections closed"),
            () = tokio::time::sleep_until(deadline) => tracing::warn!("connections still open at the drain deadline"),
        }
        tokio::select! {
            () = writers.shutdown() => tracing::info!("every queued report committed; stopped"),
            () = tokio::time::sleep_until(deadline) => {
                tracing::warn!(queued = batcher.queued(), "reports still queued at the drain deadline");
            }
        }
    };
    tokio::select! {
        () = drain => ExitCode::SUCCESS,
        () = signals.next() => {
            // Those reports were never answered 204: their phones retry.
            tracing::warn!(queued = batcher.queued(), "a second signal: exiting at once");
            ExitCode::FAILURE
        }
    }
}

/// SIGTERM and Ctrl-C, as often as they come.
struct Signals {
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        Signals { terminate: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok() }
    }

    /// The next SIGTERM or Ctrl-C.
    async fn next(&mut self) {
        let terminate = async {
            match &mut self.terminate {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminate => {}
        }
    }
}
