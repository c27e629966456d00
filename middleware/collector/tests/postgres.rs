//! The PostgreSQL store against a real PostgreSQL that the tests start themselves: down at
//! start, crashed under load, stalled by a lock, and shared by two collectors.

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use mediadiag_batch::Store;
use mediadiag_collector::store::{PostgresStore, PostgresUrl};
use support::postgres::{Postgres, available};
use support::{Collector, Phone, SEED_JSON};

/// The collector with the PostgreSQL store of `postgres`, in a directory of its own.
fn collector(postgres: &Postgres, more: &[&str]) -> (tempfile::TempDir, Collector) {
    let dir = tempfile::tempdir().unwrap();
    let url = postgres.url();
    let collector = Collector::start_in(dir.path(), &[&["--token", support::TOKEN, "--store", &url], more].concat());
    (dir, collector)
}

/// The conversation ids in table `reports`, with how many rows each has.
fn stored(postgres: &Postgres) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for id in postgres.psql("SELECT conversation_id FROM reports").lines() {
        *counts.entry(id.to_owned()).or_default() += 1;
    }
    counts
}

/// Sends reports until one gets 204, for at most `limit`; how long it took.
fn until_204(collector: &Collector, conversation: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let status = Phone::connect(&collector.address).unwrap().report(conversation, SEED_JSON).unwrap().status;
        if status == 204 {
            return started.elapsed();
        }
        assert!(started.elapsed() < limit, "no 204 within {limit:?}; the last answer was {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_database_down_at_start_is_not_ready_answers_503_then_204_once_it_is_up() {
    if !available("a_database_down_at_start_is_not_ready_answers_503_then_204_once_it_is_up") {
        return;
    }
    let postgres = Postgres::init();
    let (_dir, collector) = collector(&postgres, &[]);
    assert_eq!(collector.admin_get("/readyz").0, 503);
    assert_eq!(collector.admin_get("/healthz").0, 200);
    let refused = Phone::connect(&collector.address).unwrap().report("while-down", SEED_JSON).unwrap();
    assert_eq!(refused.status, 503, "{refused:?}");
    assert_eq!(refused.header("retry-after"), Some("1"));
    postgres.start_again();
    let waited = until_204(&collector, "once-up", Duration::from_secs(5));
    eprintln!("204 {waited:?} after the database came up");
    assert_eq!(collector.admin_get("/readyz").0, 200);
    let rows = stored(&postgres);
    assert_eq!(rows.get("once-up"), Some(&1));
    assert!(!rows.contains_key("while-down"));
    let version = postgres.psql("SELECT max(version) FROM mediadiag_schema");
    assert_eq!(version.trim(), "2");
    assert!(collector.terminate().success());
}

/// One request of a load test: its conversation id, its status (0: no answer), and when it
/// was sent and answered.
type Outcome = (String, u16, Instant, Instant);

#[test]
fn a_crash_under_load_loses_nothing_that_got_204_and_204s_resume_within_5_s_of_the_restart() {
    if !available("a_crash_under_load_loses_nothing_that_got_204_and_204s_resume_within_5_s_of_the_restart") {
        return;
    }
    let postgres = Postgres::start();
    let (_dir, collector) = collector(&postgres, &[]);
    until_204(&collector, "warm-up", Duration::from_secs(5));
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let stop_at = Instant::now() + Duration::from_secs(9);
    let clients: Vec<_> = (0..16)
        .map(|client| {
            let (address, outcomes) = (collector.address.clone(), outcomes.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while Instant::now() < stop_at {
                    let Ok(mut phone) = Phone::connect(&address) else { continue };
                    while Instant::now() < stop_at {
                        n += 1;
                        let conversation = format!("c{client}-{n}");
                        let sent = Instant::now();
                        let status = phone.report(&conversation, SEED_JSON).map_or(0, |reply| reply.status);
                        outcomes.lock().unwrap().push((conversation, status, sent, Instant::now()));
                        if status == 0 {
                            break;
                        }
                        if status != 204 {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    postgres.stop("immediate");
    let down = Instant::now();
    std::thread::sleep(Duration::from_secs(2));
    let restarting = Instant::now();
    postgres.start_again();
    for client in clients {
        client.join().unwrap();
    }
    let outcomes = outcomes.lock().unwrap().clone();
    let during_outage =
        |(_, status, sent, answered): &&Outcome| *sent > down && *answered < restarting && *status == 204;
    assert_eq!(outcomes.iter().filter(during_outage).count(), 0, "204 while the database was down");
    assert!(outcomes.iter().any(|(_, status, sent, _)| *status == 503 && *sent > down), "the outage was answered 503");
    let first_after = outcomes
        .iter()
        .filter(|(_, status, sent, _)| *status == 204 && *sent > restarting)
        .map(|(_, _, _, answered)| *answered)
        .min()
        .expect("204s after the restart");
    let resumed = first_after.duration_since(restarting);
    eprintln!("{} requests; 204 again {resumed:?} after the restart began", outcomes.len());
    assert!(resumed < Duration::from_secs(5), "{resumed:?}");
    let rows = stored(&postgres);
    let acknowledged: Vec<_> = outcomes.iter().filter(|outcome| outcome.1 == 204).collect();
    let lost: Vec<_> = acknowledged.iter().filter(|outcome| !rows.contains_key(&outcome.0)).collect();
    assert!(lost.is_empty(), "{} of {} reports that got 204 are not stored", lost.len(), acknowledged.len());
    assert!(collector.terminate().success());
}

#[test]
fn a_stalled_database_gets_504_past_the_deadline_and_recovers_when_the_lock_goes() {
    if !available("a_stalled_database_gets_504_past_the_deadline_and_recovers_when_the_lock_goes") {
        return;
    }
    let postgres = Postgres::start();
    let (_dir, collector) = collector(&postgres, &["--callback-timeout", "1s"]);
    until_204(&collector, "before-lock", Duration::from_secs(5));
    let lock = postgres.lock_reports();
    let stalled = Phone::connect(&collector.address).unwrap().report("stalled", SEED_JSON).unwrap();
    assert_eq!(stalled.status, 504, "{stalled:?}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&stalled.body).unwrap()["code"], "GatewayTimeout");
    // The collector keeps answering: health, and requests refused before any commit.
    assert_eq!(collector.admin_get("/healthz").0, 200);
    assert_eq!(
        support::curl_status(&collector.address, &support::example_path(), "wrong", "application/json", SEED_JSON),
        "401"
    );
    drop(lock);
    let waited = until_204(&collector, "after-lock", Duration::from_secs(10));
    eprintln!("204 {waited:?} after the lock went");
    assert_eq!(stored(&postgres).get("after-lock"), Some(&1));
    assert!(collector.terminate().success());
}

#[test]
fn two_collectors_share_one_database_and_every_204_is_stored_exactly_once() {
    if !available("two_collectors_share_one_database_and_every_204_is_stored_exactly_once") {
        return;
    }
    let postgres = Postgres::start();
    // Both start together: the schema is created once, under the advisory lock.
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = postgres.url();
    let args = ["--token", support::TOKEN, "--store", &url];
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| Collector::start_in(dir_a.path(), &args));
        let b = scope.spawn(|| Collector::start_in(dir_b.path(), &args));
        (a.join().unwrap(), b.join().unwrap())
    });
    until_204(&a, "warm-up-a", Duration::from_secs(5));
    until_204(&b, "warm-up-b", Duration::from_secs(5));
    let addresses = [a.address.clone(), b.address.clone()];
    const CLIENTS: usize = 16;
    const REPORTS: usize = 20_000;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            let (addresses, acknowledged) = (&addresses, acknowledged.clone());
            scope.spawn(move || {
                let mut phones: Vec<Phone> = addresses.iter().map(|address| Phone::connect(address).unwrap()).collect();
                for n in (client..REPORTS).step_by(CLIENTS) {
                    let conversation = format!("r{n}");
                    let reply = phones[n % 2].report(&conversation, SEED_JSON).unwrap();
                    if reply.status == 204 {
                        acknowledged.lock().unwrap().push(conversation);
                    }
                }
            });
        }
    });
    let acknowledged = acknowledged.lock().unwrap().clone();
    eprintln!("{} of {REPORTS} reports got 204", acknowledged.len());
    let mut rows = stored(&postgres);
    for warm_up in ["warm-up-a", "warm-up-b"] {
        assert_eq!(rows.remove(warm_up), Some(1));
    }
    for conversation in &acknowledged {
        assert_eq!(rows.remove(conversation), Some(1), "{conversation} got 204: stored once");
    }
    assert!(rows.is_empty(), "stored without a 204: {:?}", rows.keys().take(5).collect::<Vec<_>>());
    assert!(acknowledged.len() > REPORTS * 9 / 10, "most reports got 204");
    assert!(a.terminate().success() && b.terminate().success());
}

#[test]
fn the_summary_reads_postgres_and_tls_is_required_when_asked() {
    if !available("the_summary_reads_postgres_and_tls_is_required_when_asked") {
        return;
    }
    let postgres = Postgres::start();
    let (dir, collector) = collector(&postgres, &[]);
    until_204(&collector, "summary-1", Duration::from_secs(5));
    assert_eq!(
        Phone::connect(&collector.address).unwrap().report("summary-2", r#"{"errorCode":"Gone"}"#).unwrap().status,
        204
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .current_dir(dir.path())
        .args(["summary", "--json", "--store", &postgres.url()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["total"], 2);
    assert_eq!(summary["rows"][0]["count"], 1);
    assert!(summary["first"].as_str().unwrap().ends_with('Z'));
    assert!(collector.terminate().success());

    // This server has no TLS: with sslmode=require the store never becomes ready.
    let tls = postgres.url().replace("sslmode=disable", "sslmode=require");
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &tls]);
    let (status, body) = collector.admin_get("/readyz");
    assert_eq!(status, 503);
    assert!(body.contains("cannot write"), "{body}");
    assert_eq!(Phone::connect(&collector.address).unwrap().report("no-tls", SEED_JSON).unwrap().status, 503);
    assert!(collector.terminate().success());
}

/// The schema as the collector created it before numbered migrations (schema version 1),
/// and three reports, one with microseconds.
const BEFORE_MIGRATIONS: &str = "
    CREATE TABLE IF NOT EXISTS mediadiag_schema (version integer NOT NULL);
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
    INSERT INTO mediadiag_schema VALUES (1);
    INSERT INTO reports VALUES
        ('2026-12-06T12:50:54.750123Z', '192', 'old-1', 'BadRequest', 'InviteesOnly', 'application/json',
         'PolycomVVX-VVX_450-UA/6.4.3.5018', NULL, '127.0.0.1:46690'),
        ('2026-12-06T12:50:54.760Z', '192', 'old-2', 'Gone', NULL, 'application/json', NULL, 'oid-1', '127.0.0.1:46706'),
        ('2026-12-06T12:50:54.769Z', '192', 'old-3', 'TooManyRequests', 'MediaNegotiationFailure', 'application/xml',
         NULL, NULL, '127.0.0.1:46708');
";

/// `count` stores of `url`, each on a thread of its own, probed at once: each connects and
/// migrates the schema. Their outcomes.
fn probe_together(url: &str, count: usize) -> Vec<Result<(), String>> {
    let url = PostgresUrl::parse(url).unwrap();
    let start = Barrier::new(count);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..count)
            .map(|_| {
                scope.spawn(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    let mut store = PostgresStore::new(&url, Duration::from_secs(10)).unwrap();
                    start.wait();
                    runtime.block_on(store.probe()).map_err(|error| error.to_string())
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    })
}

/// What the schema of database `db` is made of: the columns of `reports` and the indexes.
fn schema(postgres: &Postgres, db: &str) -> (String, String) {
    let columns = postgres.psql_in(
        db,
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns \
         WHERE table_name IN ('reports', 'mediadiag_schema') ORDER BY table_name, ordinal_position",
    );
    let indexes =
        postgres.psql_in(db, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1");
    (columns, indexes)
}

/// The summary as JSON, read through `url`.
fn summary(url: &str) -> serde_json::Value {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .args(["summary", "--json", "--since", "100years", "--store", url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_database_from_before_migrations_is_upgraded_once_by_stores_migrating_together_and_keeps_every_row() {
    if !available("a_database_from_before_migrations_is_upgraded_once_by_stores_migrating_together_and_keeps_every_row")
    {
        return;
    }
    let postgres = Postgres::start();
    postgres.psql(BEFORE_MIGRATIONS);
    // The columns of version 1: version 2 adds four, empty in the old rows.
    let rows = "SELECT received_at, application_id, conversation_id, error_code, error_subcode, media_type, \
                user_agent, principal, remote_addr FROM reports ORDER BY conversation_id";
    let before = postgres.psql(rows);
    let outcomes = probe_together(&postgres.url(), 6);
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    assert_eq!(postgres.psql(rows), before, "every old row, unchanged");
    assert_eq!(
        postgres.psql("SELECT version, name FROM mediadiag_migrations"),
        "1|reports\n2|call_context\n",
        "each version applied once"
    );
    assert_eq!(
        postgres.psql("SELECT version FROM mediadiag_schema ORDER BY version"),
        "1\n2\n",
        "the old marker, each version once"
    );
    let new_columns = "SELECT count(*) FROM reports WHERE call_id IS NULL AND from_uri IS NULL AND to_uri IS NULL \
                       AND modality IS NULL";
    assert_eq!(postgres.psql(new_columns), "3\n", "the old rows have no call context");

    // A new database migrated by stores starting together gets the same schema, once.
    postgres.psql("CREATE DATABASE fresh");
    let outcomes = probe_together(&postgres.url_of("fresh"), 6);
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    assert_eq!(
        postgres.psql_in("fresh", "SELECT version, name FROM mediadiag_migrations"),
        "1|reports\n2|call_context\n"
    );
    assert_eq!(postgres.psql_in("fresh", "SELECT version FROM mediadiag_schema ORDER BY version"), "1\n2\n");
    assert_eq!(schema(&postgres, "fresh"), schema(&postgres, "postgres"), "an upgraded database is a new one");

    // The collector appends, and the summary reads old and new rows.
    let (_dir, collector) = collector(&postgres, &[]);
    until_204(&collector, "after-upgrade", Duration::from_secs(5));
    assert!(collector.terminate().success());
    assert_eq!(stored(&postgres).len(), 4);
    let summary = summary(&postgres.url());
    assert_eq!(summary["total"], 4);
    assert_eq!(summary["first"], "2026-12-06T12:50:54.750Z");
    assert_eq!(
        summary["rows"][0],
        serde_json::json!({"errorCode": "BadRequest", "errorSubcode": "InviteesOnly", "count": 2})
    );

    // A newer version, as a newer collector records it, is refused with one line.
    postgres.psql("INSERT INTO mediadiag_schema VALUES (7)");
    let refused = probe_together(&postgres.url(), 1).remove(0).unwrap_err();
    assert!(refused.starts_with("the database's schema is version 7; this collector knows version "), "{refused}");
}

/// Whether each connection of the collector to `postgres` uses TLS: `t` or `f`, one a line.
fn collector_tls(postgres: &Postgres) -> String {
    postgres.psql(
        "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE application_name = 'mediadiag-collector'",
    )
}

#[test]
fn a_url_without_sslmode_prefers_tls_and_uses_plain_tcp_when_the_server_offers_none() {
    if !available("a_url_without_sslmode_prefers_tls_and_uses_plain_tcp_when_the_server_offers_none") {
        return;
    }
    let postgres = Postgres::start();
    let url = postgres.url_without_query();
    assert!(!url.contains('?'));
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &url]);
    until_204(&collector, "prefer-1", Duration::from_secs(5));
    assert_eq!(Phone::connect(&collector.address).unwrap().report("prefer-2", SEED_JSON).unwrap().status, 204);
    assert_eq!(collector_tls(&postgres), "f\n", "plain TCP: this server has no TLS");
    let rows = stored(&postgres);
    assert_eq!((rows.get("prefer-1"), rows.get("prefer-2")), (Some(&1), Some(&1)));
    assert_eq!(summary(&url)["total"], 2);
    assert!(collector.terminate().success());
}

/// The collector's exit status and standard error when it refuses to start.
fn refused_start(args: &[&str], env: &[(&str, &Path)]) -> (Option<i32>, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .args(["--listen", "127.0.0.1:0", "--admin", "off", "--token", support::TOKEN])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn tls_is_verified_in_prefer_and_require_and_a_failed_verification_never_falls_back_to_plain_tcp() {
    if !available("tls_is_verified_in_prefer_and_require_and_a_failed_verification_never_falls_back_to_plain_tcp") {
        return;
    }
    let (postgres, certificates) = Postgres::start_with_tls();
    let dir = tempfile::tempdir().unwrap();
    let no_roots = dir.path().join("no-roots.pem");
    std::fs::write(&no_roots, "").unwrap();
    // The roots are those of SSL_CERT_FILE alone: SSL_CERT_DIR, read as well, names an empty
    // directory.
    let empty = tempfile::tempdir().unwrap();
    let prefer = postgres.url_without_query();
    let require = format!("{prefer}?sslmode=require");
    let start = |url: &str, file: &Path| {
        let env = [("SSL_CERT_FILE", file), ("SSL_CERT_DIR", empty.path())];
        Collector::start_with_env(dir.path(), &["--token", support::TOKEN, "--store", url], &env)
    };

    // The server's CA among the roots: TLS, in prefer as in require.
    for (url, conversation) in [(&prefer, "prefer-trusted"), (&require, "require-trusted")] {
        let collector = start(url, &certificates.ca);
        until_204(&collector, conversation, Duration::from_secs(5));
        assert_eq!(collector_tls(&postgres), "t\n", "{url}");
        assert!(collector.terminate().success());
    }

    // A certificate the roots do not vouch for: the connection fails, in prefer too, and is
    // not made again without TLS.
    for url in [&prefer, &require] {
        let collector = start(url, &certificates.other_ca);
        let failure = collector.stderr_until("the store cannot write");
        eprintln!("{url}, untrusted:{failure}");
        assert!(failure.contains("certificate"), "{url}: {failure}");
        assert_eq!(collector.admin_get("/readyz").0, 503);
        assert_eq!(Phone::connect(&collector.address).unwrap().report("untrusted", SEED_JSON).unwrap().status, 503);
        assert_eq!(collector_tls(&postgres), "", "{url}: no connection, with or without TLS");
        assert!(collector.terminate().success());
    }

    // No roots at all: prefer starts, says why a server with TLS will fail, and does; require
    // refuses to start.
    let collector = start(&prefer, &no_roots);
    assert!(collector.stderr_until("WARN").contains("no root certificates"));
    assert!(collector.stderr_until("the store cannot write").contains("certificate"));
    assert!(collector.terminate().success());
    let (code, stderr) =
        refused_start(&["--store", &require], &[("SSL_CERT_FILE", &no_roots), ("SSL_CERT_DIR", empty.path())]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no root certificates"), "{stderr}");

    // sslmode=disable: plain TCP to a server that offers TLS.
    let collector = start(&postgres.url(), &no_roots);
    until_204(&collector, "disabled", Duration::from_secs(5));
    assert_eq!(collector_tls(&postgres), "f\n");
    assert!(collector.terminate().success());
    let rows = stored(&postgres);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(!rows.contains_key("untrusted"));
}
