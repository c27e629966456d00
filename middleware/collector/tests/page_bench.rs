//! A benchmark, not a timed test (ignored by default): the admin page's answer time with a
//! million reports in its SQLite store. Run it in release, as docs/BENCHMARKS.md records:
//!
//! ```sh
//! cargo test -p mediadiag-collector --release --test page_bench -- --ignored --nocapture
//! ```
//!
//! It fills a store with 1,000,000 reports spread over the last 30 days (inserted directly, in
//! large transactions), starts the collector on it, and asks for the page 50 times per kind of
//! page, each with a window one second longer than the last so that no answer comes from the
//! page's cache. It prints the median, 90th percentile and slowest answer of each kind.

mod support;

use std::time::{Duration, Instant, SystemTime};

use mediadiag_collector::store::SqliteStore;
use support::{Collector, database, request};

const REPORTS: u64 = 1_000_000;
const SPREAD: Duration = Duration::from_secs(30 * 86400);
const REQUESTS: u64 = 50;

/// Fills the store: twenty (code, subcode) pairs, fifty firmware versions, three modalities,
/// a thousand people, times spread evenly over [`SPREAD`].
fn fill(path: &std::path::Path) {
    drop(SqliteStore::open(path, false, None).unwrap());
    let mut connection = rusqlite::Connection::open(path).unwrap();
    connection.pragma_update(None, "synchronous", "OFF").unwrap();
    let codes = ["BadRequest", "TooManyRequests", "ServiceFailure", "Gone", "Timeout"];
    let subcodes = ["InviteesOnly", "MediaNegotiationFailure", "CallbackChannelError", "AlreadyExists"];
    let modalities = [None, Some("Audio"), Some("Video")];
    let now = SystemTime::now();
    let step = SPREAD.as_micros() as u64 / REPORTS;
    let started = Instant::now();
    for chunk in 0..REPORTS / 100_000 {
        let transaction = connection.transaction().unwrap();
        {
            let mut insert = transaction
                .prepare(
                    "INSERT INTO reports (received_at, application_id, conversation_id, error_code, error_subcode, \
                     media_type, user_agent, principal, remote_addr, modality, from_uri, to_uri) \
                     VALUES (?1, '192', ?2, ?3, ?4, 'application/json', ?5, ?6, '10.0.0.1:5060', ?7, ?8, ?9)",
                )
                .unwrap();
            for n in chunk * 100_000..(chunk + 1) * 100_000 {
                // Oldest first, as a collector writes them.
                let received_at = now - SPREAD + Duration::from_micros(n * step);
                let pair = (n * 7919) % 20;
                let person = (n * 104_729) % 1000;
                insert
                    .execute(rusqlite::params![
                        humantime::format_rfc3339_millis(received_at).to_string(),
                        format!("conversation-{n}"),
                        codes[(pair % 5) as usize],
                        subcodes[(pair / 5) as usize],
                        format!("Polycom/5.{}.{}", (n * 31) % 10, (n * 17) % 5),
                        format!("person-{person}@contoso.example"),
                        modalities[(n % 3) as usize],
                        format!("sip:caller-{}@fabrikam.example", (n * 13) % 500),
                        format!("sip:person-{person}@contoso.example"),
                    ])
                    .unwrap();
            }
        }
        transaction.commit().unwrap();
    }
    eprintln!("{REPORTS} reports inserted in {:?}", started.elapsed());
}

/// The page's path and query for the `n`th request of a kind.
type Path = fn(u64) -> String;

/// The median, 90th percentile and slowest of `times`.
fn spread(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() * 9 / 10], times[times.len() - 1])
}

#[test]
#[ignore = "a benchmark: run in release with --ignored --nocapture"]
fn the_page_answers_with_a_million_reports() {
    let (dir, path) = database();
    fill(&path);
    let store = format!("sqlite:{}", path.display());
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    let admin = collector.admin.clone().unwrap();
    let kinds: [(&str, Path); 4] = [
        ("the default page (24 h: about 33,000 reports)", |n| format!("/?since={}s", 86_400 + n)),
        ("a pair's drill-down (24 h)", |n| format!("/?since={}s&pair=BadRequest/InviteesOnly", 86_400 + n)),
        ("7 days (about 233,000 reports)", |n| format!("/?since={}s", 7 * 86_400 + n)),
        ("30 days (all 1,000,000 reports, per day)", |n| format!("/?since={}s", 30 * 86_400 + n)),
    ];
    for (kind, path) in kinds {
        let mut times = Vec::new();
        for n in 0..REQUESTS {
            let started = Instant::now();
            let reply =
                request(&admin, &format!("GET {} HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n", path(n)));
            times.push(started.elapsed());
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
        let (median, p90, slowest) = spread(times);
        eprintln!(
            "{kind}: median {median:.1?}, 90th percentile {p90:.1?}, slowest {slowest:.1?} over {REQUESTS} uncached requests"
        );
    }
    assert!(collector.terminate().success());
}
