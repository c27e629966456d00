//! The stores against their faults: a 204 means committed, read back by this process from the
//! files the collector wrote; a store that cannot write gets 503, never 204.

mod support;

use std::collections::HashSet;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{Collector, Phone, SEED_JSON, database, stored_conversations};

fn sqlite_store(path: &std::path::Path) -> String {
    format!("sqlite:{}", path.display())
}

/// Reports acknowledged before the collector is killed.
const KILL_AFTER: usize = 1000;

#[test]
fn kill_9_under_load_loses_no_report_that_got_204_and_a_restart_keeps_appending() {
    let (dir, path) = database();
    let store = sqlite_store(&path);
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let phones: Vec<_> = (0..64)
        .map(|phone| {
            let (address, acknowledged) = (collector.address.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                let Ok(mut connection) = Phone::connect(&address) else { return };
                // Bounded: the kill ends every connection long before this.
                for n in 0..1_000_000 {
                    let conversation = format!("p{phone}-{n}");
                    match connection.report(&conversation, SEED_JSON) {
                        Ok(reply) if reply.status == 204 => acknowledged.lock().unwrap().push(conversation),
                        Ok(reply) => panic!("unexpected {} before the kill: {}", reply.status, reply.body),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    // The kill comes once many reports were acknowledged, however long that takes here: this
    // test is about losing none of them, not about how fast they come.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().unwrap().len() < KILL_AFTER {
        assert!(std::time::Instant::now() < deadline, "fewer than {KILL_AFTER} reports got 204 in 120 s");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut collector = collector;
    collector.child.kill().unwrap(); // SIGKILL
    collector.child.wait().unwrap();
    for phone in phones {
        phone.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let stored: HashSet<String> = stored_conversations(&path).into_iter().collect();
    let lost: Vec<_> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} reports that got 204 are not stored: {:?}",
        lost.len(),
        acknowledged.len(),
        &lost[..lost.len().min(5)]
    );

    let before = stored.len();
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    let reply = Phone::connect(&collector.address).unwrap().report("after-restart", SEED_JSON).unwrap();
    assert_eq!(reply.status, 204);
    let after = stored_conversations(&path);
    assert_eq!(after.len(), before + 1);
    assert!(after.contains(&"after-restart".to_owned()));
    assert!(collector.terminate().success());
}

#[test]
fn a_full_database_answers_503_and_not_ready_then_204_once_space_is_freed() {
    let (dir, path) = database();
    // A database of at most 8 pages of 4 KiB: full after some dozens of reports.
    let store = format!("sqlite:{}?max_page_count=8", path.display());
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    let mut phone = Phone::connect(&collector.address).unwrap();
    let mut accepted = 0;
    let refusal = loop {
        let reply = phone.report(&format!("fill-{accepted}"), SEED_JSON).unwrap();
        if reply.status != 204 {
            break reply;
        }
        accepted += 1;
        assert!(accepted < 10_000, "the database never filled up");
    };
    assert_eq!(refusal.status, 503, "{refusal:?}");
    assert_eq!(refusal.header("retry-after"), Some("1"));
    let body: serde_json::Value = serde_json::from_str(&refusal.body).unwrap();
    assert_eq!(body["code"], "ServiceUnavailable");
    assert_eq!(collector.admin_get("/readyz").0, 503);
    assert_eq!(collector.admin_get("/healthz").0, 200, "alive, though not ready");
    // Nothing that was refused is stored; everything that got 204 is.
    let stored = stored_conversations(&path);
    assert_eq!(stored.len(), accepted);
    assert!(!stored.contains(&format!("fill-{accepted}")));

    // The operator frees space from another process: writing works again, without a restart.
    rusqlite::Connection::open(&path).unwrap().execute("DELETE FROM reports", []).unwrap();
    let reply = phone.report("after-cleanup", SEED_JSON).unwrap();
    assert_eq!(reply.status, 204, "{reply:?}");
    assert_eq!(collector.admin_get("/readyz").0, 200);
    assert_eq!(stored_conversations(&path), ["after-cleanup"]);
    assert!(collector.terminate().success());
}

#[test]
fn a_locked_database_fills_the_queue_503_at_once_and_a_commit_past_the_deadline_is_504() {
    let (dir, path) = database();
    let store = sqlite_store(&path);
    let args = ["--token", support::TOKEN, "--store", &store, "--queue-capacity", "1", "--max-batch", "1"];
    let collector = Collector::start_in(dir.path(), &[&args[..], &["--callback-timeout", "2s"]].concat());
    assert_eq!(Phone::connect(&collector.address).unwrap().report("before-lock", SEED_JSON).unwrap().status, 204);

    // Another process holds the write lock: the writer's next commit waits for it.
    let lock = rusqlite::Connection::open(&path).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let address = collector.address.clone();
    let waiting: Vec<_> = ["in-commit", "queued"]
        .into_iter()
        .map(|conversation| {
            let address = address.clone();
            let handle =
                std::thread::spawn(move || Phone::connect(&address).unwrap().report(conversation, SEED_JSON).unwrap());
            std::thread::sleep(Duration::from_millis(300));
            handle
        })
        .collect();
    // One report is in the stalled commit, one fills the queue: the next is refused at once,
    // while the lock is still held.
    let refused = Phone::connect(&collector.address).unwrap().report("refused", SEED_JSON).unwrap();
    assert_eq!(refused.status, 503, "{refused:?}");
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert!(!lock.is_autocommit(), "the lock is still held");
    // Both waiting reports outlast the 2 s deadline.
    for handle in waiting {
        let reply = handle.join().unwrap();
        assert_eq!(reply.status, 504, "{reply:?}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&reply.body).unwrap()["code"], "GatewayTimeout");
    }
    lock.execute_batch("COMMIT").unwrap();
    // The collector recovers by itself.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut phone = Phone::connect(&collector.address).unwrap();
    loop {
        let reply = phone.report("after-lock", SEED_JSON).unwrap();
        if reply.status == 204 {
            break;
        }
        assert!(Instant::now() < deadline, "still {} after the lock went", reply.status);
        std::thread::sleep(Duration::from_millis(100));
    }
    let stored = stored_conversations(&path);
    assert!(stored.contains(&"after-lock".to_owned()) && stored.contains(&"before-lock".to_owned()));
    assert!(!stored.contains(&"refused".to_owned()));
    assert!(collector.terminate().success());
}

/// The collector's exit status and standard error for these flags, when it refuses to start.
fn refused_start(args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .current_dir(dir.path())
        .args(["--listen", "127.0.0.1:0", "--admin", "off"])
        .args(args)
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn a_malformed_or_unopenable_store_exits_2_with_one_line_naming_the_flag() {
    for url in [
        "redis://localhost",
        "sqlite:",
        "jsonl:",
        "sqlite:x.db?journal=off",
        "sqlite:/nonexistent/dir/reports.db",
        "jsonl:/nonexistent/dir/reports.jsonl",
    ] {
        let (code, stderr) = refused_start(&["--store", url]);
        assert_eq!(code, Some(2), "{url}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{url}: {stderr}");
        assert!(stderr.contains("--store") && stderr.contains(url), "{url}: {stderr}");
    }
}

#[test]
fn every_store_holds_each_report_and_the_sqlite_row_has_every_column() {
    let (dir, path) = database();
    let lines = dir.path().join("reports.jsonl");
    let (sqlite, jsonl) = (sqlite_store(&path), format!("jsonl:{}", lines.display()));
    let collector =
        Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &sqlite, "--store", &jsonl, "--fsync"]);
    let long_agent = format!("phone/{}", "é".repeat(200));
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: c\r\nAuthorization: Bearer {}\r\nContent-Type: application/xml\r\nUser-Agent: {long_agent}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        support::resource("xml-1"),
        support::TOKEN,
        support::SEED_XML.len(),
        support::SEED_XML
    );
    assert_eq!(support::request(&collector.address, &head).status, 204);
    let code_only = r#"{"errorCode":"Gone"}"#;
    assert_eq!(Phone::connect(&collector.address).unwrap().report("json-1", code_only).unwrap().status, 204);

    let connection = rusqlite::Connection::open(&path).unwrap();
    type Row = (String, String, String, Option<String>, Option<String>, String, Option<String>, Option<String>, String);
    let rows: Vec<Row> = connection
        .prepare("SELECT received_at, application_id, conversation_id, error_code, error_subcode, media_type, user_agent, principal, remote_addr FROM reports ORDER BY rowid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    let (received_at, application, conversation, code, subcode, media, agent, principal, remote) = &rows[0];
    assert_eq!(received_at.len(), "2026-01-01T00:00:00.000Z".len(), "{received_at}");
    assert!(received_at.ends_with('Z'));
    assert_eq!((application.as_str(), conversation.as_str()), ("192", "xml-1"));
    assert_eq!((code.as_deref(), subcode.as_deref()), (Some("TooManyRequests"), Some("MediaNegotiationFailure")));
    assert_eq!(media, "application/xml");
    let agent = agent.as_deref().unwrap();
    assert!(agent.len() <= 256 && agent.len() >= 255 && long_agent.starts_with(agent), "cut at a character boundary");
    assert_eq!(principal, &None);
    assert!(remote.starts_with("127.0.0.1:"));
    assert_eq!((rows[1].3.as_deref(), rows[1].4.as_deref()), (Some("Gone"), None), "an absent subcode is NULL");

    let written = std::fs::read_to_string(&lines).unwrap();
    let conversations: Vec<String> = written
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["conversationId"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(conversations, ["xml-1", "json-1"]);
    assert!(collector.terminate().success());
}

#[test]
fn the_summary_counts_per_code_and_subcode_largest_first() {
    let (dir, path) = database();
    let store = sqlite_store(&path);
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    let mut phone = Phone::connect(&collector.address).unwrap();
    for n in 0..3 {
        assert_eq!(phone.report(&format!("a{n}"), SEED_JSON).unwrap().status, 204);
    }
    assert_eq!(phone.report("b", r#"{"errorCode":"Gone"}"#).unwrap().status, 204);
    assert!(collector.terminate().success());

    let summary = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
            .current_dir(dir.path())
            .arg("summary")
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    // The default store is mediadiag.db in the working directory: this one.
    let json: serde_json::Value = serde_json::from_str(&summary(&["--json"])).unwrap();
    assert_eq!(json["total"], 4);
    assert_eq!(
        json["rows"][0],
        serde_json::json!({"errorCode": "BadRequest", "errorSubcode": "InviteesOnly", "count": 3})
    );
    assert_eq!(json["rows"][1], serde_json::json!({"errorCode": "Gone", "errorSubcode": null, "count": 1}));
    assert!(json["first"].as_str().unwrap() <= json["last"].as_str().unwrap());

    let table = summary(&["--store", &store, "--since", "1h"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].ends_with(": 4"), "{table}");
    assert!(lines[1].contains("BadRequest") && lines[1].contains("InviteesOnly") && lines[1].contains('█'), "{table}");
    assert!(lines[2].contains("Gone") && lines[2].contains("(none)"), "{table}");
    let bar = |line: &str| line.chars().filter(|c| *c == '█').count();
    assert!(bar(lines[1]) > bar(lines[2]), "{table}");
    assert!(lines[3].starts_with("first received "), "{table}");

    // A window that ends before every report: nothing.
    std::thread::sleep(Duration::from_millis(20));
    let empty: serde_json::Value = serde_json::from_str(&summary(&["--json", "--since", "1ms"])).unwrap();
    assert_eq!(empty["total"], 0);
}

/// Every row of table `reports`, all columns as text, in insertion order.
fn all_rows(path: &std::path::Path) -> Vec<Vec<Option<String>>> {
    let connection = rusqlite::Connection::open(path).unwrap();
    // The columns of version 1; version 2 adds the call's context after them.
    let mut query = connection
        .prepare(
            "SELECT received_at, application_id, conversation_id, error_code, error_subcode, media_type, \
             user_agent, principal, remote_addr FROM reports ORDER BY rowid",
        )
        .unwrap();
    let columns = query.column_count();
    query
        .query_map([], |row| (0..columns).map(|column| row.get(column)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The schema versions a database records: `PRAGMA user_version`, and refinery's history.
fn versions(path: &std::path::Path) -> (i32, Vec<(i32, String)>) {
    let connection = rusqlite::Connection::open(path).unwrap();
    let marker = connection.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
    let mut query = connection.prepare("SELECT version, name FROM mediadiag_migrations ORDER BY version").unwrap();
    let history = query.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect();
    (marker, history)
}

/// The tables and indexes of the database (refinery's history left out), their SQL with
/// whitespace collapsed.
fn schema(path: &std::path::Path) -> Vec<(String, String)> {
    let connection = rusqlite::Connection::open(path).unwrap();
    let mut query = connection
        .prepare("SELECT name, sql FROM sqlite_master WHERE name != 'mediadiag_migrations' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    query
        .query_map([], |row| {
            let sql: String = row.get(1)?;
            Ok((row.get(0)?, sql.split_whitespace().collect::<Vec<_>>().join(" ")))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every schema version, as refinery's history records them.
fn every_version() -> Vec<(i32, String)> {
    vec![(1, "reports".to_owned()), (2, "call_context".to_owned())]
}

/// The schema of a database the store created.
fn fresh_schema() -> Vec<(String, String)> {
    let (_dir, path) = database();
    drop(mediadiag_collector::store::SqliteStore::open(&path, false, None).unwrap());
    schema(&path)
}

/// The database written by the collector before numbered migrations: schema version 1 in
/// `PRAGMA user_version`, no migration history, three reports.
const FIXTURE_V1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.db");

#[test]
fn a_database_from_before_migrations_keeps_every_row_is_migrated_to_the_latest_version_and_appends() {
    let (dir, path) = database();
    std::fs::copy(FIXTURE_V1, &path).unwrap();
    let before = all_rows(&path);
    assert_eq!(before.len(), 3, "the fixture's reports");
    let store = sqlite_store(&path);
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    assert_eq!(Phone::connect(&collector.address).unwrap().report("after-upgrade", SEED_JSON).unwrap().status, 204);
    assert!(collector.terminate().success());

    let after = all_rows(&path);
    assert_eq!(after[..3], before[..], "the old rows, unchanged");
    assert_eq!(after.len(), 4);
    assert_eq!(after[3][2].as_deref(), Some("after-upgrade"));
    assert_eq!(versions(&path), (2, every_version()));
    assert_eq!(schema(&path), fresh_schema(), "an upgraded database is a new one");

    // The summary reads the old rows and the new one.
    let output = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .args(["summary", "--json", "--since", "100years", "--store", &store])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["total"], 4);
    assert_eq!(
        summary["rows"][0],
        serde_json::json!({"errorCode": "BadRequest", "errorSubcode": "InviteesOnly", "count": 2})
    );
    assert_eq!(summary["first"].as_str(), before[0][0].as_deref(), "the oldest report is the fixture's first");
}

#[test]
fn stores_opened_together_on_a_new_file_migrate_it_once() {
    const STORES: usize = 8;
    // Several rounds: without the lock, two stores both applying version 1 is a race that
    // one round may not show.
    for round in 0..5 {
        let (_dir, path) = database();
        let start = std::sync::Barrier::new(STORES);
        let opened: Vec<Result<(), String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..STORES)
                .map(|_| {
                    scope.spawn(|| {
                        start.wait();
                        mediadiag_collector::store::SqliteStore::open(&path, false, None)
                            .map(drop)
                            .map_err(|error| error.to_string())
                    })
                })
                .collect();
            handles.into_iter().map(|handle| handle.join().unwrap()).collect()
        });
        assert!(opened.iter().all(Result::is_ok), "round {round}: {opened:?}");
        assert_eq!(versions(&path), (2, every_version()), "each version applied once");
        assert!(schema(&path).iter().any(|(name, sql)| name == "reports" && sql.contains("modality TEXT")));
    }
}
