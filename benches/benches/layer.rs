//! One intercepted request in process (`tower::ServiceExt::oneshot`, `Full<Bytes>` body):
//! the layer against the limit (a bare service that reads the body and answers 204) and the
//! peer (an axum `Json` handler with hand validation), in one run; ratios printed at the end.
//!
//! `cargo bench -p mediadiag-benches --bench layer`

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use http::Request;
use http_body_util::Full;
use mediadiag_benches::ratios;
use mediadiag_benches::stacks;
use tower::{Service, ServiceBuilder, ServiceExt};

/// Runs one request through a fresh clone of `service` and checks it got 204.
async fn once<S, B>(service: &S)
where
    S: Service<Request<Full<Bytes>>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
{
    let response = service.clone().oneshot(stacks::request()).await.expect("the service answers");
    assert_eq!(response.status(), http::StatusCode::NO_CONTENT);
    black_box(response);
}

fn layer(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let bare = tower::service_fn(stacks::bare::<Full<Bytes>>);
    let layered = ServiceBuilder::new().layer(stacks::layer()).service_fn(stacks::not_found::<Full<Bytes>>);
    let peer = stacks::axum_json();
    let mut group = c.benchmark_group("layer_in_process");
    group.bench_function("bare", |b| b.to_async(&runtime).iter(|| once(&bare)));
    group.bench_function("layer", |b| b.to_async(&runtime).iter(|| once(&layered)));
    group.bench_function("axum_json", |b| b.to_async(&runtime).iter(|| once(&peer)));
    group.finish();
}

criterion_group!(benches, layer);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    println!("\nRatios (median / layer median, same run):");
    ratios::print_ratios("layer_in_process", "layer", &["bare", "axum_json"]);
}
