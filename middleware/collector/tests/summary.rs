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
    send_online_report(collector);
}

/// One report through the Online href, with modality Video.
fn send_online_report(collector: &Collector) {
    let body = support::SEED_JSON;
    let reply = support::request(
        &collector.address,
        &format!(
            "POST {ONLINE} HTTP/1.1\r\nHost: collector\r\nUser-Agent: Polycom/7.0 Online\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            support::TOKEN,
            body.len()
        ),
    );
    assert_eq!(reply.status, 204, "{reply:?}");
}

/// An Online href as Skype for Business Online advertised it, with modality Video.
const ONLINE: &str = "/ucwa/oauth/v1/applications/192/communication/callMediaDiagnostics?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adave%40fabrikam.example&mediaType=Video&toUri=sip%3aalice%40contoso.example";

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
    assert_eq!(json["total"], 9);
    assert_eq!(json["by"], serde_json::json!(["user-agent"]));
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows[0], serde_json::json!({"userAgent": "Polycom/5.9.1", "count": 4}));
    assert_eq!(rows[1], serde_json::json!({"userAgent": "AudioCodes/3.4", "count": 2}));
    assert_eq!(rows.len(), 5);
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
    assert_eq!(json["total"], 9, "the total counts every report of the window");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["errorCode"], "BadRequest");
    assert_eq!(rows[0]["userAgent"], "Polycom/5.9.1");
    assert_eq!(rows[0]["count"], 4);
    assert_eq!(rows[0]["day"].as_str().unwrap().len(), "2026-12-06".len());

    let csv = summary(store, &["--by", "hour", "--csv"]);
    assert!(csv.starts_with("hour,count\r\n"));
    // One hour, or two when the reports straddle the turn of an hour.
    let hours: Vec<(&str, u64)> = csv
        .lines()
        .skip(1)
        .map(|line| line.split_once(',').map(|(hour, count)| (hour, count.parse().unwrap())).unwrap())
        .collect();
    assert!(hours.iter().all(|(hour, _)| hour.ends_with(":00:00Z") && hour.len() == 20), "{csv}");
    assert_eq!(hours.iter().map(|(_, count)| count).sum::<u64>(), 9, "{csv}");

    // A window that ended before them: nothing.
    let json: serde_json::Value =
        serde_json::from_str(&summary(store, &["--by", "pair", "--until", "1h", "--json"])).unwrap();
    assert_eq!(json["total"], 0);
    assert_eq!(json["rows"], serde_json::json!([]));

    // The Online href's modality (schema version 2): one report sent through it.
    let json: serde_json::Value = serde_json::from_str(&summary(store, &["--by", "modality", "--json"])).unwrap();
    assert_eq!(json["total"], 9);
    assert_eq!(json["rows"][0], serde_json::json!({"modality": null, "count": 8}));
    assert_eq!(json["rows"][1], serde_json::json!({"modality": "Video", "count": 1}));

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
