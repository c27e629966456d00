//! `summary --by`: the stored reports counted by user agent (and other dimensions), as JSON
//! and as CSV, from SQLite and from PostgreSQL.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::postgres::{Postgres, available};
use support::{Collector, database, report_as};

/// The known set: four reports from one firmware, two from another, one with a user agent
/// that needs quoting in CSV, one without any.
fn send_known_reports(collector: &Collector) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let send = |agent: Option<&str>, conversation: &str, body: &str| loop {
        let status = match agent {
            Some(agent) => report_as(&collector.address, agent, conversation, body).status,
            None => support::Phone::connect(&collector.address).unwrap().report(conversation, body).unwrap().status,
        };
        // A PostgreSQL store answers 503 until its writer has connected.
        if status == 204 {
            return;
        }
        assert!(status == 503 && Instant::now() < deadline, "{status}");
        std::thread::sleep(Duration::from_millis(100));
    };
    for n in 0..4 {
        send(Some("Polycom/5.9.1"), &format!("p{n}"), support::SEED_JSON);
    }
    send(Some("Yealink T58, \"A\""), "y0", r#"{"errorCode":"Gone"}"#);
    send(Some("AudioCodes/3.4"), "a0", r#"{"errorCode":"Gone"}"#);
    send(Some("AudioCodes/3.4"), "a1", support::SEED_JSON);
    send(None, "n0", r#"{"errorCode":"Gone"}"#);
}

fn summary(store: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .args(["summary", "--store", store])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// What every store must answer for the known set.
fn check(store: &str) {
    let json: serde_json::Value = serde_json::from_str(&summary(store, &["--by", "user-agent", "--json"])).unwrap();
    assert_eq!(json["total"], 8);
    assert_eq!(json["by"], serde_json::json!(["user-agent"]));
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows[0], serde_json::json!({"userAgent": "Polycom/5.9.1", "count": 4}));
    assert_eq!(rows[1], serde_json::json!({"userAgent": "AudioCodes/3.4", "count": 2}));
    assert_eq!(rows.len(), 4);
    assert!(rows.contains(&serde_json::json!({"userAgent": "Yealink T58, \"A\"", "count": 1})));
    assert!(rows.contains(&serde_json::json!({"userAgent": null, "count": 1})));

    let csv = summary(store, &["--by", "user-agent", "--csv"]);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[..3], ["userAgent,count", "Polycom/5.9.1,4", "AudioCodes/3.4,2"], "{csv}");
    assert!(lines.contains(&"\"Yealink T58, \"\"A\"\"\",1"), "{csv}");
    assert!(lines.contains(&",1"), "an absent user agent is an empty field: {csv}");
    assert_eq!(lines.last(), Some(&""), "every line ends with CRLF");

    // Several dimensions together, comma-separated or repeated, and a limit.
    let json: serde_json::Value =
        serde_json::from_str(&summary(store, &["--by", "code,user-agent", "--by", "day", "--limit", "2", "--json"]))
            .unwrap();
    assert_eq!(json["total"], 8, "the total counts every report of the window");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["errorCode"], "BadRequest");
    assert_eq!(rows[0]["userAgent"], "Polycom/5.9.1");
    assert_eq!(rows[0]["count"], 4);
    assert_eq!(rows[0]["day"].as_str().unwrap().len(), "2026-12-06".len());

    let csv = summary(store, &["--by", "hour", "--csv"]);
    assert!(csv.starts_with("hour,count\r\n"));
    assert!(csv.lines().nth(1).unwrap().ends_with(":00:00Z,8"), "{csv}");

    // A window that ended before them: nothing.
    let json: serde_json::Value =
        serde_json::from_str(&summary(store, &["--by", "pair", "--until", "1h", "--json"])).unwrap();
    assert_eq!(json["total"], 0);
    assert_eq!(json["rows"], serde_json::json!([]));

    let table = summary(store, &["--by", "user-agent"]);
    assert!(table.lines().nth(1).unwrap().contains("Polycom/5.9.1"), "{table}");
}

#[test]
fn summary_by_user_agent_as_json_and_csv_from_sqlite() {
    let (dir, path) = database();
    let store = format!("sqlite:{}", path.display());
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    send_known_reports(&collector);
    check(&store);
    assert!(collector.terminate().success());
}

#[test]
fn summary_by_user_agent_as_json_and_csv_from_postgres() {
    if !available("summary_by_user_agent_as_json_and_csv_from_postgres") {
        return;
    }
    let postgres = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &postgres.url()]);
    send_known_reports(&collector);
    check(&postgres.url());
    assert!(collector.terminate().success());
}

#[test]
fn an_unknown_dimension_is_refused_naming_the_known_ones() {
    let output =
        Command::new(env!("CARGO_BIN_EXE_mediadiag-collector")).args(["summary", "--by", "firmware"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("\"firmware\" is none of code, subcode, pair, user-agent"), "{stderr}");
}
