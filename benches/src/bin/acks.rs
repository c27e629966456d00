//! How a batch's acknowledgements reach the requests waiting for them, measured both ways in
//! one run:
//!
//! ```text
//! cargo run --release -p mediadiag-benches --bin acks -- [--seconds 5] [--rounds 3]
//! ```
//!
//! Each report has one acknowledgement shared by every store's copy; when the last copy is
//! answered, the request's task is woken. A batcher built inside a tokio runtime hands each
//! batch's copies to a relay task on that runtime, which answers them there (one cross-thread
//! wake-up per batch); one built outside a runtime has the writer thread answer each copy
//! itself (a cross-thread wake-up per report). Here 256 requests at a time go through the
//! layer in process, on a runtime with one worker thread, to a batcher with two stores that
//! keep nothing; the writers run on their own threads, as in the collector. Prints reports
//! acknowledged per second for each way, medians over the rounds, and their ratio.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use mediadiag_batch::{Batch, Batcher, Store, StoreError};
use mediadiag_benches::stacks::{self, TOKEN};
use tower::{ServiceBuilder, ServiceExt};
use tower_mediadiag::{MediaDiagnosticsLayer, Scopes, StaticTokens};

/// Requests in flight at once.
const IN_FLIGHT: usize = 256;

/// A store that commits nothing, at once: what is measured is the path around it.
struct Nowhere;

impl Store for Nowhere {
    async fn commit(&mut self, _batch: &Batch) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Reports acknowledged per second through `batcher` for `seconds`.
fn measure(runtime: &tokio::runtime::Runtime, batcher: Batcher, seconds: u64) -> f64 {
    let layer = MediaDiagnosticsLayer::new(batcher)
        .scope_source(StaticTokens::new().with_token(TOKEN, Scopes::BOTH))
        .max_concurrent_callbacks(IN_FLIGHT * 2);
    let service = ServiceBuilder::new().layer(layer).service_fn(stacks::not_found::<Full<Bytes>>);
    runtime.block_on(async move {
        let until = Instant::now() + Duration::from_secs(seconds);
        let workers: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                let service = service.clone();
                tokio::spawn(async move {
                    let mut done = 0u64;
                    while Instant::now() < until {
                        let response = service.clone().oneshot(stacks::request()).await.expect("an answer");
                        assert_eq!(response.status(), http::StatusCode::NO_CONTENT);
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        let started = Instant::now();
        let mut total = 0;
        for worker in workers {
            total += worker.await.expect("a worker");
        }
        total as f64 / started.elapsed().as_secs_f64()
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let mut seconds: u64 = 5;
    let mut rounds: usize = 3;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value: Option<u64> = args.next().and_then(|value| value.parse().ok());
        match (flag.as_str(), value) {
            ("--seconds", Some(value)) => seconds = value,
            ("--rounds", Some(value)) => rounds = value as usize,
            _ => {
                eprintln!("usage: acks [--seconds N] [--rounds N]");
                std::process::exit(2)
            }
        }
    }
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a runtime");
    let (mut relayed, mut direct) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        // Built inside the runtime: the relay task answers each batch.
        let (batcher, writers) =
            runtime.block_on(async { Batcher::builder().store("a", Nowhere).store("b", Nowhere).build() });
        relayed.push(measure(&runtime, batcher, seconds));
        runtime.block_on(writers.shutdown());
        // Built outside any runtime: each writer answers its copies itself.
        let (batcher, writers) = Batcher::builder().store("a", Nowhere).store("b", Nowhere).build();
        direct.push(measure(&runtime, batcher, seconds));
        runtime.block_on(writers.shutdown());
        eprintln!("round {round}: relay task {:.0}/s, from the writers {:.0}/s", relayed[round - 1], direct[round - 1]);
    }
    let (relayed, direct) = (median(relayed), median(direct));
    println!(
        "reports acknowledged per second, {IN_FLIGHT} in flight, two stores, medians of {rounds} rounds of {seconds} s:"
    );
    println!("  relay task:        {relayed:.0}");
    println!("  from the writers:  {direct:.0}");
    println!("  relay / writers:   {:.2}x", relayed / direct);
}
