//! Allocations per intercepted request, counted by a global allocator: the layer's own,
//! beyond the bare service's, for a single-frame body. Counts are exact, not timings.
//!
//! `cargo test -p mediadiag-benches --test allocations -- --nocapture` prints them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use mediadiag_benches::bodies::SEED_JSON;
use mediadiag_benches::stacks::{self, PATH, TOKEN};
use tower::{Service, ServiceBuilder, ServiceExt};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only counts this thread's calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const REQUESTS: usize = 100;

fn requests() -> Vec<Request<Full<Bytes>>> {
    (0..REQUESTS)
        .map(|_| {
            Request::post(PATH)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from_static(SEED_JSON)))
                .unwrap()
        })
        .collect()
}

/// Average allocations of one request through `service`, requests built beforehand.
fn allocations_per_request<S, B>(runtime: &tokio::runtime::Runtime, service: S) -> f64
where
    S: Service<Request<Full<Bytes>>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
{
    runtime.block_on(async {
        // Warm-up: lazily initialised state is not the per-request cost.
        for request in requests() {
            let response = service.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), 204);
        }
        let batch = requests();
        let before = ALLOCATIONS.with(Cell::get);
        for request in batch {
            let response = service.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), 204);
            drop(response);
        }
        (ALLOCATIONS.with(Cell::get) - before) as f64 / REQUESTS as f64
    })
}

#[test]
fn the_layer_allocates_at_most_two_more_times_than_the_bare_service() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let bare = allocations_per_request(&runtime, tower::service_fn(stacks::bare::<Full<Bytes>>));
    let layered = allocations_per_request(
        &runtime,
        ServiceBuilder::new().layer(stacks::layer()).service_fn(stacks::not_found::<Full<Bytes>>),
    );
    let peer = allocations_per_request(&runtime, stacks::axum_json());
    println!("allocations per request: bare {bare:.2}, layer {layered:.2}, axum Json handler {peer:.2}");
    assert!(layered - bare <= 2.0, "the layer allocates {layered} times per request, the bare service {bare}");
}
