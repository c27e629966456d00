//! Soak: many requests mixing every kind of good and bad input over a real hyper server on
//! loopback, with a callback that is sometimes slow, sometimes refuses, sometimes panics.
//!
//! Afterwards the callback must hold exactly the reports that got 204 (each request carries
//! a unique conversation id), every request must have got the status docs/behaviour.md (sections 2 and 5.3) gives it, and
//! the process's peak resident memory must stay under a bound.
//!
//! `.ci/run` runs a short form through `cargo test`; the full form is
//! `MEDIADIAG_SOAK_REQUESTS=100000 cargo test --release -p tower-mediadiag --test soak -- --nocapture`.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::*;

/// Clients sending at once.
const CONCURRENCY: usize = 32;
/// Peak resident memory allowed for the whole test process (server and clients), in KiB.
const PEAK_RSS_LIMIT_KIB: u64 = 256 * 1024;

/// The kinds of request the soak mixes, with the statuses each may get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Valid,
    SlowCallback,
    Refused,
    Panicking,
    PastDeadline,
    Malformed,
    InvalidValue,
    Oversized,
    Unauthenticated,
    WrongMethod,
    SlowBody,
}

/// The least share of plain valid requests that must be answered 204, in percent. The rest
/// may meet the 16 callbacks full (503); docs/BENCHMARKS.md gives the shares of full runs.
const MIN_VALID_204_PERCENT: usize = 20;

impl Kind {
    fn pick(n: usize) -> Kind {
        match n % 200 {
            0..=99 => Kind::Valid,
            100..=119 => Kind::SlowCallback,
            120..=129 => Kind::Refused,
            130..=134 => Kind::Panicking,
            135 => Kind::PastDeadline,
            136..=155 => Kind::Malformed,
            156..=170 => Kind::InvalidValue,
            171..=180 => Kind::Oversized,
            181..=192 => Kind::Unauthenticated,
            193..=198 => Kind::WrongMethod,
            _ => Kind::SlowBody,
        }
    }

    /// The statuses docs/behaviour.md allows; any request that reaches the callback may also meet
    /// full callbacks (503).
    fn allowed(self) -> &'static [u16] {
        match self {
            Kind::Valid => &[204, 503],
            // 20 ms against a 300 ms deadline: a starved machine may still miss it.
            Kind::SlowCallback => &[204, 503, 504],
            Kind::Refused => &[409, 503],
            Kind::Panicking => &[500, 503],
            Kind::PastDeadline => &[504, 503],
            Kind::Malformed | Kind::InvalidValue => &[400],
            Kind::Oversized => &[413],
            Kind::Unauthenticated => &[401],
            Kind::WrongMethod => &[405],
            Kind::SlowBody => &[408],
        }
    }

    fn subcode(self) -> &'static str {
        match self {
            Kind::SlowCallback => "Busy",
            Kind::Refused => "Declined",
            Kind::Panicking => "Ejected",
            Kind::PastDeadline => "TemporarilyUnavailable",
            _ => "InviteesOnly",
        }
    }
}

fn path(id: usize) -> String {
    RESOURCE.replace("/137/", &format!("/c{id}/"))
}

/// The status of a raw HTTP/1.1 exchange.
async fn raw_status(address: std::net::SocketAddr, request: String) -> u16 {
    let response = raw(address, request.as_bytes(), Duration::from_secs(10)).await;
    response.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Sends request number `n` and returns its kind and status.
async fn send_one(client: &HttpClient, address: std::net::SocketAddr, n: usize) -> (Kind, u16) {
    let kind = Kind::pick(n);
    let path = path(n);
    let token = format!("Bearer {TOKEN}");
    let json = ("content-type", "application/json");
    let good = format!(r#"{{"errorCode":"BadRequest","errorSubcode":"{}"}}"#, kind.subcode());
    let reply = match kind {
        Kind::Malformed => {
            send_via(client, address, "POST", &path, &[("authorization", &token), json], r#"{"errorCode":"#).await
        }
        Kind::InvalidValue => {
            send_via(client, address, "POST", &path, &[("authorization", &token), json], r#"{"errorCode":"Bogus"}"#)
                .await
        }
        // Declared too large: answered without reading, so the body is never sent.
        Kind::Oversized => {
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
            );
            return (kind, raw_status(address, head).await);
        }
        Kind::Unauthenticated => send_via(client, address, "POST", &path, &[json], &good).await,
        Kind::WrongMethod => send_via(client, address, "PUT", &path, &[("authorization", &token), json], &good).await,
        Kind::SlowBody => {
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{{",
                good.len()
            );
            return (kind, raw_status(address, head).await);
        }
        _ => send_via(client, address, "POST", &path, &[("authorization", &token), json], &good).await,
    };
    (kind, reply.status.as_u16())
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_every_204_is_held_and_every_refusal_has_its_spec_status() {
    let total: usize = std::env::var("MEDIADIAG_SOAK_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(4000);
    let server = start(|layer| {
        layer
            .read_timeout(Duration::from_millis(200))
            .callback_timeout(Duration::from_millis(300))
            .max_concurrent_callbacks(16)
    })
    .await;
    server.recorder.set(Behaviour::BySubcode);
    let address = server.address;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let clients: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let next = next.clone();
            tokio::spawn(async move {
                let client = client();
                let mut results = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= total {
                        return results;
                    }
                    let (kind, status) = send_one(&client, address, n).await;
                    results.push((n, kind, status));
                }
            })
        })
        .collect();
    let mut results = Vec::with_capacity(total);
    for client in clients {
        results.extend(client.await.unwrap());
    }
    let elapsed = started.elapsed();
    // Callbacks past their deadline were dropped; give nothing a chance to arrive late.
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(results.len(), total);
    let mut counts: BTreeMap<(Kind, u16), usize> = BTreeMap::new();
    for &(n, kind, status) in &results {
        assert!(kind.allowed().contains(&status), "request {n} ({kind:?}) got {status}");
        *counts.entry((kind, status)).or_default() += 1;
    }
    // Every class of valid request was stored at least once, and full callbacks (503) did not
    // crowd out most of them: a soak in which nothing got through proves nothing.
    for kind in [Kind::Valid, Kind::SlowCallback] {
        assert!(counts.get(&(kind, 204)).is_some_and(|&count| count > 0), "no {kind:?} request got 204");
    }
    let valid = results.iter().filter(|(_, kind, _)| *kind == Kind::Valid).count();
    let valid_accepted = counts.get(&(Kind::Valid, 204)).copied().unwrap_or(0);
    assert!(
        valid_accepted * 100 >= valid * MIN_VALID_204_PERCENT,
        "only {valid_accepted} of {valid} valid requests got 204 (at least {MIN_VALID_204_PERCENT}% expected)"
    );
    let accepted: BTreeSet<String> =
        results.iter().filter(|(_, _, status)| *status == 204).map(|(n, _, _)| format!("c{n}")).collect();
    let held = server.recorder.held();
    let held_ids: BTreeSet<String> = held.iter().map(|h| h.conversation_id.clone()).collect();
    assert_eq!(held.len(), held_ids.len(), "no report was delivered twice");
    assert_eq!(held_ids, accepted, "the callback holds exactly the reports that got 204");
    let peak = peak_rss_kib();
    println!(
        "soak: {total} requests in {:.1} s ({:.0}/s), {} held = {} answered 204, peak RSS {} MiB",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        held.len(),
        accepted.len(),
        peak / 1024
    );
    for ((kind, status), count) in &counts {
        println!("soak:   {kind:?} -> {status}: {count}");
    }
    assert!(peak < PEAK_RSS_LIMIT_KIB, "peak RSS {peak} KiB over {PEAK_RSS_LIMIT_KIB} KiB");
    assert_still_serving(&server).await;
}
