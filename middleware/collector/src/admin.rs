//! The admin endpoints: `GET /metrics` (Prometheus text format), `GET /healthz` (200 while
//! the process runs), `GET /readyz` (200 when every store accepts writes, else 503), and the
//! operator's page at `GET /` ([`crate::page`]).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header::CONTENT_TYPE};
use http_body_util::Full;
use hyper_util::rt::{TokioIo, TokioTimer};
use mediadiag_batch::Batcher;
use mediadiag_batch::metrics::{STORE_BATCH_REPORTS, STORE_COMMIT_DURATION_SECONDS, STORE_QUEUE_REPORTS};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tower_mediadiag::metrics::{REPORTS_TOTAL, REQUESTS_TOTAL};

use crate::page::Page;

/// Whether a store accepts writes (1) or not (0), as `/readyz` tells: gauge, label `store`.
pub(crate) const STORE_READY: &str = "mediadiag_store_ready";
/// Connections closed at once because `--max-connections` were open: counter.
pub(crate) const CONNECTIONS_REFUSED_TOTAL: &str = "mediadiag_connections_refused_total";
/// Rows deleted by `--retention`: counter, label `store`.
pub(crate) const STORE_ROWS_DELETED_TOTAL: &str = "mediadiag_store_rows_deleted_total";

/// Bucket bounds of the commit duration histogram, 50 µs to 10 s.
const COMMIT_SECONDS: [f64; 14] =
    [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 10.0];
/// Bucket bounds of the batch size histogram, 1 to 4096.
const BATCH_REPORTS: [f64; 13] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0];

/// Installs the Prometheus recorder behind the `metrics` facade; the handle renders it.
pub(crate) fn install_recorder() -> Result<PrometheusHandle, String> {
    let describe = |builder: PrometheusBuilder, name: &str, buckets: &[f64]| {
        builder.set_buckets_for_metric(Matcher::Full(name.to_owned()), buckets).map_err(|error| error.to_string())
    };
    let builder = describe(PrometheusBuilder::new(), STORE_COMMIT_DURATION_SECONDS, &COMMIT_SECONDS)?;
    let builder = describe(builder, STORE_BATCH_REPORTS, &BATCH_REPORTS)?;
    let handle = builder.install_recorder().map_err(|error| error.to_string())?;
    metrics::describe_counter!(REQUESTS_TOTAL, "Intercepted reportMediaDiagnostics requests by status.");
    metrics::describe_counter!(REPORTS_TOTAL, "Reports answered 204 (committed), by code, subcode and modality.");
    metrics::describe_histogram!(STORE_COMMIT_DURATION_SECONDS, "Time of one batch's commit.");
    metrics::describe_histogram!(STORE_BATCH_REPORTS, "Reports in one committed batch.");
    metrics::describe_gauge!(STORE_QUEUE_REPORTS, "Reports waiting in a store's queue.");
    metrics::describe_gauge!(STORE_READY, "Whether the store accepts writes (1) or not (0).");
    metrics::describe_counter!(CONNECTIONS_REFUSED_TOTAL, "Connections closed at once over --max-connections.");
    metrics::describe_counter!(STORE_ROWS_DELETED_TOTAL, "Rows older than --retention deleted from a store.");
    metrics::describe_counter!(
        crate::tls::TLS_RELOAD_FAILURES_TOTAL,
        "SIGHUP reloads of the TLS certificate that failed; the previous pair stayed in use."
    );
    metrics::describe_counter!(
        crate::tls::TLS_HANDSHAKE_FAILURES_TOTAL,
        "Connections closed before their TLS handshake completed, by reason (timeout, error)."
    );
    Ok(handle)
}

/// Serves the admin endpoints on `listener` until the process ends.
pub(crate) async fn serve(listener: TcpListener, metrics: PrometheusHandle, batcher: Batcher, page: Arc<Page>) {
    let upkeep = metrics.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_secs(5));
        loop {
            ticks.tick().await;
            upkeep.run_upkeep();
        }
    });
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let (metrics, batcher, page) = (metrics.clone(), batcher.clone(), page.clone());
        let service = hyper::service::service_fn(move |request| {
            let (metrics, batcher, page) = (metrics.clone(), batcher.clone(), page.clone());
            async move { Ok::<_, Infallible>(answer(&request, &metrics, &batcher, &page).await) }
        });
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(TokioIo::new(stream), service);
            let _ = connection.await;
        });
    }
}

async fn answer<B>(
    request: &Request<B>,
    metrics: &PrometheusHandle,
    batcher: &Batcher,
    page: &Page,
) -> Response<Full<Bytes>> {
    if request.method() != Method::GET {
        return text(StatusCode::METHOD_NOT_ALLOWED, "only GET\n".to_owned());
    }
    match request.uri().path() {
        "/" => page.answer(request).await,
        "/metrics" => {
            for (store, ready) in batcher.readiness() {
                metrics::gauge!(STORE_READY, "store" => store.to_owned()).set(if ready { 1.0 } else { 0.0 });
            }
            let mut response = text(StatusCode::OK, metrics.render());
            response.headers_mut().insert(CONTENT_TYPE, http::HeaderValue::from_static("text/plain; version=0.0.4"));
            response
        }
        "/healthz" => text(StatusCode::OK, "ok\n".to_owned()),
        "/readyz" => {
            let mut body = String::new();
            for (store, ready) in batcher.readiness() {
                body.push_str(&format!("{store}: {}\n", if ready { "ready" } else { "cannot write" }));
            }
            let status = if batcher.is_ready() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
            text(status, body)
        }
        _ => text(StatusCode::NOT_FOUND, "not found\n".to_owned()),
    }
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, http::HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
