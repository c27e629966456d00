//! The HTTP server: accepts within the connection limit, serves HTTP/1 and HTTP/2 with the
//! timeouts of the flags, and on shutdown stops accepting and lets in-flight requests finish.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use mediadiag_batch::RemoteAddr;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{Service, ServiceBuilder};

use crate::activity::Activity;
use crate::cli::Serve;
use crate::tls::TLS_HANDSHAKE_FAILURES_TOTAL;

/// HTTPS on the listener: the acceptor (whose certificate can change) and the handshake's
/// deadline.
pub(crate) struct Tls {
    pub(crate) acceptor: tokio_rustls::TlsAcceptor,
    pub(crate) handshake_timeout: Duration,
}

/// The service inside the layer: every other request is 404.
pub(crate) async fn not_found(_request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"not found\n")));
    *response.status_mut() = StatusCode::NOT_FOUND;
    Ok(response)
}

/// Serves `service` on `listener` until `shutdown` resolves, then stops accepting and returns
/// the open connections, for the caller to drain within its deadline. Each request carries its
/// client's [`RemoteAddr`]; each response is counted in `activity`.
pub(crate) async fn serve<S, B>(
    listener: TcpListener,
    service: S,
    flags: &Serve,
    activity: Arc<Activity>,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()>,
) -> GracefulShutdown
where
    S: Service<Request<Incoming>, Response = Response<B>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(*flags.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(flags.http2_max_streams)
        .keep_alive_interval(*flags.http2_keep_alive)
        .keep_alive_timeout(*flags.http2_keep_alive);
    let connections = Arc::new(Semaphore::new(flags.max_connections.min(Semaphore::MAX_PERMITS)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: give the others a moment.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            // Over --max-connections: closed at once, never queued.
            metrics::counter!(crate::admin::CONNECTIONS_REFUSED_TOTAL).increment(1);
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let counted = activity.clone();
        let service = ServiceBuilder::new()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(RemoteAddr(peer));
                request
            })
            .map_response(move |response: Response<B>| {
                counted.count(response.status());
                response
            })
            .service(service.clone());
        let service = TowerToHyperService::new(service);
        let Some(tls) = &tls else {
            let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service).into_owned());
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "connection ended with an error");
                }
                drop(permit);
            });
            continue;
        };
        // The handshake runs in the connection's own task, under its deadline, so that a
        // client that never finishes it holds nothing but its own slot, and only until then.
        let (acceptor, deadline, builder, watcher) =
            (tls.acceptor.clone(), tls.handshake_timeout, builder.clone(), graceful.watcher());
        tokio::spawn(async move {
            match tokio::time::timeout(deadline, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => {
                    let connection = builder.serve_connection(TokioIo::new(stream), service).into_owned();
                    if let Err(error) = watcher.watch(connection).await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                }
                Ok(Err(error)) => {
                    metrics::counter!(TLS_HANDSHAKE_FAILURES_TOTAL, "reason" => "error").increment(1);
                    tracing::debug!(%error, "TLS handshake refused");
                }
                Err(_) => {
                    metrics::counter!(TLS_HANDSHAKE_FAILURES_TOTAL, "reason" => "timeout").increment(1);
                    tracing::debug!("TLS handshake not done within --tls-handshake-timeout: closed");
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful
}
