//! `--retention`: a store holding reports from 100 days ago and from today, a collector started
//! with `--retention 30d`: the old rows are deleted in the background while phones go on
//! reporting, every report gets its 204 and is stored, and today's rows stay.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use support::postgres::{Postgres, available};
use support::{Collector, Phone, SEED_JSON, database};

/// Rows from 100 days ago: enough that deleting them, 500 at a time, takes a few seconds.
const OLD_ROWS: usize = 100_000;
/// How long the old rows may take to go: the sweep starts at once.
const DELETED_WITHIN: Duration = Duration::from_secs(120);

/// A phone that reports over one keep-alive connection until told to stop; each report's
/// conversation, status and time to answer.
struct Reporting {
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicUsize>,
    thread: JoinHandle<Vec<(String, u16, Duration)>>,
}

impl Reporting {
    fn start(address: &str) -> Reporting {
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(AtomicUsize::new(0));
        let (flag, count, address) = (stop.clone(), answered.clone(), address.to_owned());
        let thread = std::thread::spawn(move || {
            let mut phone = Phone::connect(&address).unwrap();
            let mut sent = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                let conversation = format!("during-{}", sent.len());
                let started = Instant::now();
                let status = phone.report(&conversation, SEED_JSON).unwrap().status;
                sent.push((conversation, status, started.elapsed()));
                count.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
            sent
        });
        Reporting { stop, answered, thread }
    }

    fn answered(&self) -> usize {
        self.answered.load(Ordering::Relaxed)
    }

    fn stop(self) -> Vec<(String, u16, Duration)> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// Polls `old_rows` until it is 0, within [`DELETED_WITHIN`]; whether a report was answered
/// while old rows were still there.
fn until_deleted(reporting: &Reporting, mut old_rows: impl FnMut() -> u64) -> bool {
    let started = Instant::now();
    let mut during = false;
    loop {
        let answered = reporting.answered();
        let left = old_rows();
        if left == 0 {
            eprintln!("{OLD_ROWS} old rows deleted in {:?}", started.elapsed());
            return during;
        }
        during |= answered > 0;
        assert!(started.elapsed() < DELETED_WITHIN, "{left} old rows left after {DELETED_WITHIN:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every report sent got 204 and is stored, with none slower than the commit deadline.
fn check_sent(sent: &[(String, u16, Duration)], stored: &[String]) {
    assert!(!sent.is_empty());
    for (conversation, status, _) in sent {
        assert_eq!(*status, 204, "{conversation}");
        assert!(stored.contains(conversation), "{conversation} got 204 and is stored");
    }
    let slowest = sent.iter().map(|(_, _, took)| *took).max().unwrap();
    eprintln!("{} reports sent during the deletion, the slowest answered in {slowest:?}", sent.len());
}

/// The value of the deleted-rows counter of `store` in the collector's metrics.
fn deleted_rows(collector: &Collector, store: &str) -> Option<u64> {
    let (_, metrics) = collector.admin_get("/metrics");
    let series = format!("mediadiag_store_rows_deleted_total{{store=\"{store}\"}} ");
    metrics.lines().find_map(|line| line.strip_prefix(&series)).map(|value| value.parse().unwrap())
}

#[test]
fn sqlite_rows_older_than_the_retention_go_in_the_background_and_the_file_shrinks() {
    let (dir, path) = database();
    let store = format!("sqlite:{}", path.display());
    // The collector makes the database, with today's reports.
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    let mut phone = Phone::connect(&collector.address).unwrap();
    for n in 0..10 {
        assert_eq!(phone.report(&format!("today-{n}"), SEED_JSON).unwrap().status, 204);
    }
    assert!(collector.terminate().success());

    let connection = rusqlite::Connection::open(&path).unwrap();
    let old = humantime::format_rfc3339_millis(std::time::SystemTime::now() - Duration::from_secs(100 * 86400));
    let mut insert = connection.prepare("INSERT INTO reports (received_at, application_id, conversation_id, error_code, media_type, user_agent) VALUES (?1, '192', ?2, 'Gone', 'application/json', 'Polycom/4.0 with a user agent long enough to fill pages')").unwrap();
    connection.execute_batch("BEGIN").unwrap();
    for n in 0..OLD_ROWS {
        insert.execute(rusqlite::params![old.to_string(), format!("old-{n}")]).unwrap();
    }
    connection.execute_batch("COMMIT").unwrap();
    let pages = |connection: &rusqlite::Connection| -> i64 {
        connection.pragma_query_value(None, "page_count", |row| row.get(0)).unwrap()
    };
    let full = pages(&connection);

    let collector =
        Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store, "--retention", "30d"]);
    let reporting = Reporting::start(&collector.address);
    let cutoff = humantime::format_rfc3339_millis(std::time::SystemTime::now() - Duration::from_secs(30 * 86400));
    let during = until_deleted(&reporting, || {
        connection
            .query_row("SELECT count(*) FROM reports WHERE received_at < ?1", [cutoff.to_string()], |row| row.get(0))
            .unwrap()
    });
    let sent = reporting.stop();
    assert!(during, "reports were answered while old rows were being deleted");
    let stored = support::stored_conversations(&path);
    check_sent(&sent, &stored);
    for n in 0..10 {
        assert!(stored.contains(&format!("today-{n}")), "today's rows stay");
    }
    assert_eq!(stored.len(), 10 + sent.len(), "only the old rows went");

    // The freed pages go back to the file system: the collector made the file with
    // auto_vacuum=INCREMENTAL.
    let started = Instant::now();
    while connection.pragma_query_value(None, "freelist_count", |row| row.get::<_, i64>(0)).unwrap() > 0 {
        assert!(started.elapsed() < DELETED_WITHIN, "the freed pages were not given back");
        std::thread::sleep(Duration::from_millis(50));
    }
    let auto_vacuum: i64 = connection.pragma_query_value(None, "auto_vacuum", |row| row.get(0)).unwrap();
    assert_eq!(auto_vacuum, 2, "INCREMENTAL");
    assert!(pages(&connection) < full / 4, "the file shrank: {} pages of {full}", pages(&connection));
    assert_eq!(deleted_rows(&collector, &store), Some(OLD_ROWS as u64));
    assert!(collector.terminate().success());
}

#[test]
fn a_collector_without_retention_keeps_every_row() {
    let (dir, path) = database();
    let store = format!("sqlite:{}", path.display());
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    assert_eq!(Phone::connect(&collector.address).unwrap().report("today", SEED_JSON).unwrap().status, 204);
    let connection = rusqlite::Connection::open(&path).unwrap();
    connection
        .execute(
            "INSERT INTO reports (received_at, application_id, conversation_id, media_type) \
             VALUES ('2001-01-01T00:00:00.000Z', '192', 'ancient', 'application/json')",
            [],
        )
        .unwrap();
    assert!(collector.terminate().success());
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    assert_eq!(deleted_rows(&collector, &store), None, "no retention, no counter");
    assert!(collector.terminate().success());
    let mut stored = support::stored_conversations(&path);
    stored.sort();
    assert_eq!(stored, ["ancient", "today"]);
}

#[test]
fn postgres_rows_older_than_the_retention_go_in_the_background() {
    if !available("postgres_rows_older_than_the_retention_go_in_the_background") {
        return;
    }
    let postgres = Postgres::start();
    let url = postgres.url();
    let dir = tempfile::tempdir().unwrap();
    // The collector makes the schema, with today's reports.
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &url]);
    let started = Instant::now();
    let mut today = 0;
    while today < 10 {
        match Phone::connect(&collector.address).unwrap().report(&format!("today-{today}"), SEED_JSON).unwrap().status {
            204 => today += 1,
            503 if started.elapsed() < Duration::from_secs(10) => std::thread::sleep(Duration::from_millis(100)),
            status => panic!("{status}"),
        }
    }
    assert!(collector.terminate().success());
    postgres.psql(&format!(
        "INSERT INTO reports (received_at, application_id, conversation_id, error_code, media_type) \
         SELECT now() - interval '100 days', '192', 'old-' || n, 'Gone', 'application/json' \
         FROM generate_series(1, {OLD_ROWS}) AS n"
    ));

    let collector =
        Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &url, "--retention", "30d"]);
    // The writer connects once started: reports get 503 until then.
    let started = Instant::now();
    while collector.admin_get("/readyz").0 != 200 {
        assert!(started.elapsed() < Duration::from_secs(10), "the store never became ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    let reporting = Reporting::start(&collector.address);
    let during = until_deleted(&reporting, || {
        postgres
            .psql("SELECT count(*) FROM reports WHERE received_at < now() - interval '30 days'")
            .trim()
            .parse()
            .unwrap()
    });
    let sent = reporting.stop();
    assert!(during, "reports were answered while old rows were being deleted");
    let stored: Vec<String> = postgres.psql("SELECT conversation_id FROM reports").lines().map(str::to_owned).collect();
    check_sent(&sent, &stored);
    for n in 0..10 {
        assert!(stored.contains(&format!("today-{n}")), "today's rows stay");
    }
    assert_eq!(stored.len(), 10 + sent.len(), "only the old rows went");
    assert_eq!(deleted_rows(&collector, &url), Some(OLD_ROWS as u64));
    assert!(collector.terminate().success());
}
