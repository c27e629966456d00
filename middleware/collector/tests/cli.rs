//! The README's main command: the collector, driven by curl as a desk phone would, with the
//! resource page's two example requests; tokens, JWTs and signals.

mod support;

use std::process::Command;
use std::time::Duration;

use support::{Collector, SEED_JSON, SEED_XML, next_line};

const PATH: &str = "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics";

/// The collector with its reports as JSON lines on stdout, in a directory of its own.
fn start(args: &[&str]) -> (tempfile::TempDir, Collector) {
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::start_in(dir.path(), &[&["--store", "jsonl:-"], args].concat());
    (dir, collector)
}

#[test]
fn curl_sends_the_two_example_requests_and_the_collector_prints_both_reports() {
    let token = "cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5";
    let (_dir, collector) = start(&["--token", token]);
    assert_eq!(collector.curl(token, "application/json", SEED_JSON), "204");
    let first: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(first["applicationId"], "192");
    assert_eq!(first["principal"], serde_json::Value::Null, "static tokens name nobody");
    assert!(first["userAgent"].as_str().unwrap().starts_with("curl/"));
    assert!(first["remoteAddr"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert!(first["receivedAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(first["mediaType"], "application/json");
    assert_eq!(first["conversationId"], "137");
    assert_eq!(first["errorCode"], "BadRequest");
    assert_eq!(first["errorSubcode"], "InviteesOnly");
    assert_eq!(collector.curl(token, "application/xml", SEED_XML), "204");
    let second: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(
        (&second["errorCode"], &second["errorSubcode"]),
        (&"TooManyRequests".into(), &"MediaNegotiationFailure".into())
    );
    // Refusals print nothing.
    assert_eq!(collector.curl("wrong", "application/json", SEED_JSON), "401");
    assert_eq!(collector.curl(token, "application/json", r#"{"errorCode":null}"#), "204");
    let third: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(third["errorCode"], serde_json::Value::Null);
    assert!(collector.terminate().success());
}

#[test]
fn without_tokens_the_collector_makes_one_and_prints_it() {
    let (_dir, collector) = start(&[]);
    let token = collector.stderr_until("token: ").split_whitespace().next().unwrap().to_owned();
    assert_eq!(token.len(), 32);
    assert!(collector.stderr_until("try: curl").contains(&token));
    assert_eq!(collector.curl(&token, "application/json", SEED_JSON), "204");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&next_line(&collector.stdout)).unwrap()["errorCode"],
        "BadRequest"
    );
    assert!(collector.terminate().success());
}

#[test]
fn a_token_with_listed_scopes_grants_only_those() {
    let (_dir, collector) = start(&["--token", "receive=Conversations.Receive", "--token", "other=User.ReadWrite"]);
    assert_eq!(collector.curl("receive", "application/json", SEED_JSON), "204");
    assert_eq!(collector.curl("other", "application/json", SEED_JSON), "403");
    assert!(collector.terminate().success());
    let (_dir, collector) =
        start(&["--token", "cwt=AbC+/9==", "--token", "both=Conversations.Receive,Conversations.Initiate"]);
    assert_eq!(collector.curl("cwt=AbC+/9==", "application/json", SEED_JSON), "204");
    assert_eq!(collector.curl("both", "application/json", SEED_JSON), "204");
    assert!(collector.terminate().success());
}

#[test]
fn sigterm_lets_an_in_flight_report_finish_and_refuses_new_connections() {
    use std::io::{Read, Write};
    let token = "drain";
    let (_dir, collector) = start(&["--token", token]);
    let body = SEED_JSON.as_bytes();
    let mut stream = std::net::TcpStream::connect(&collector.address).unwrap();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // The signal arrives while the body is half sent.
    let killed = Command::new("kill").args(["-TERM", &collector.child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    collector.stderr_until("shutting down");
    assert!(std::net::TcpStream::connect(&collector.address).is_err(), "no new connections after the signal");
    stream.write_all(&body[10..]).unwrap();
    let mut response = String::new();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    let line: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(line["errorSubcode"], "InviteesOnly", "the in-flight report was not lost");
    let mut collector = collector;
    collector.stderr_until("stopped");
    assert!(collector.child.wait().unwrap().success());
}

#[test]
fn jwt_flags_make_the_collector_verify_tokens() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, get_current_timestamp};
    let secret = "collector secret of at least thirty-two bytes";
    let (_dir, collector) = start(&["--jwt-hs256", secret, "--jwt-audience", "api://reports", "--jwt-issuer", "iss-1"]);
    let claims = |scp: &str, aud: &str| serde_json::json!({"scp": scp, "aud": aud, "iss": "iss-1", "sub": "subject-1", "oid": "object-1", "exp": get_current_timestamp() + 600});
    let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
    let good =
        encode(&Header::new(Algorithm::HS256), &claims("Conversations.Initiate", "api://reports"), &key).unwrap();
    assert_eq!(collector.curl(&good, "application/json", SEED_JSON), "204");
    let line = serde_json::from_str::<serde_json::Value>(&next_line(&collector.stdout)).unwrap();
    assert_eq!(line["errorCode"], "BadRequest");
    assert_eq!(line["principal"], "object-1", "the JWT's oid names the principal");
    let other_audience =
        encode(&Header::new(Algorithm::HS256), &claims("Conversations.Initiate", "api://x"), &key).unwrap();
    assert_eq!(collector.curl(&other_audience, "application/json", SEED_JSON), "401");
    let no_scope = encode(&Header::new(Algorithm::HS256), &claims("User.ReadWrite", "api://reports"), &key).unwrap();
    assert_eq!(collector.curl(&no_scope, "application/json", SEED_JSON), "403");
    assert!(collector.terminate().success());
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../layer/tests/keys/jwks.json");
    let (_dir, collector) = start(&["--jwks", keys]);
    assert_eq!(collector.curl(&good, "application/json", SEED_JSON), "401", "no HMAC secret configured");
    assert!(collector.terminate().success());
}

#[test]
fn ctrl_c_stops_the_collector_cleanly_too() {
    let (_dir, collector) = start(&["--token", "t"]);
    assert_eq!(collector.curl("t", "application/json", SEED_JSON), "204");
    assert!(collector.signal("-INT").success());
}

#[test]
fn a_closed_standard_error_does_not_stop_the_collector() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .current_dir(dir.path())
        .args(["--listen", "127.0.0.1:0", "--admin", "off", "--token", "t", "--store", "jsonl:-"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("listening on ") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "the collector stopped before listening");
    }
    let address = line.split_once("listening on ").unwrap().1.split_whitespace().next().unwrap().to_owned();
    // Whoever read the logs is gone: every later log line meets a closed pipe.
    drop(stderr);
    let path = support::example_path();
    assert_eq!(support::curl_status(&address, &path, "t", "application/json", SEED_JSON), "204");
    let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    // The shutdown logs three lines into the closed pipe, and still ends cleanly.
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_jwks_url_that_cannot_be_fetched_exits_2_with_one_line_giving_the_cause() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = format!("http://{closed}/keys");
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .current_dir(dir.path())
        .args(["--listen", "127.0.0.1:0", "--admin", "off", "--store", "jsonl:-", "--jwks", &url])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "mediadiag-collector: --jwks {url}: cannot fetch the JWKS document from {url}: request failed"
        )),
        "{stderr}"
    );
}

#[test]
fn a_second_signal_exits_at_once_and_says_how_many_reports_were_still_queued() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mediadiag.db");
    let store = format!("sqlite:{}", path.display());
    let args = ["--token", "t", "--store", &store, "--max-batch", "1", "--callback-timeout", "60s"];
    let collector = Collector::start_in(dir.path(), &[&args[..], &["--drain-timeout", "60s"]].concat());
    // Another process holds the write lock: commits wait, and reports stay queued behind them.
    let lock = rusqlite::Connection::open(&path).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let body = SEED_JSON.as_bytes();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let phones: Vec<_> = (0..3)
        .map(|_| {
            let mut phone = std::net::TcpStream::connect(&collector.address).unwrap();
            phone.write_all(head.as_bytes()).unwrap();
            phone.write_all(body).unwrap();
            phone
        })
        .collect();
    let pid = collector.child.id().to_string();
    // The first signal starts a drain that would wait up to 60 s for the locked database.
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    collector.stderr_until("shutting down");
    let started = std::time::Instant::now();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let said = collector.stderr_until("a second signal: exiting at once");
    let mut collector = collector;
    let status = collector.child.wait().unwrap();
    assert!(!status.success(), "a forced exit is not a clean stop");
    assert!(started.elapsed() < Duration::from_secs(30), "the second signal did not wait for the drain");
    assert!(said.contains("queued="), "the line says how many reports were still queued: {said}");
    drop((phones, lock));
}

/// The Online href of the one public capture of a real server's link.
const ONLINE: &str = "/ucwa/oauth/v1/applications/10672188129/communication/callMediaDiagnostics?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net&mediaType=Audio&toUri=sip%3adele%40traderlynk.com";

#[test]
fn curl_to_the_online_href_stores_the_call_context_and_no_sip_uris_leaves_them_out() {
    let (_dir, collector) = start(&["--token", "t"]);
    assert_eq!(support::curl_status(&collector.address, ONLINE, "t", "application/json", SEED_JSON), "204");
    let line: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(line["applicationId"], "10672188129");
    assert_eq!(line["conversationId"], serde_json::Value::Null);
    assert_eq!(line["callId"], "fc86b78dd87947949c7831d88abbb311");
    assert_eq!(line["fromUri"], "sip:dele@olajide.net");
    assert_eq!(line["toUri"], "sip:dele@traderlynk.com");
    assert_eq!(line["modality"], "Audio");
    assert_eq!(line["errorSubcode"], "InviteesOnly");
    // The documented href, on the same collector: a conversation and no call.
    assert_eq!(collector.curl("t", "application/json", SEED_JSON), "204");
    let line: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!((line["conversationId"].as_str(), line["callId"].as_str()), (Some("137"), None));
    // A bad query: 400 naming the parameter, nothing stored.
    let twice = format!("{ONLINE}&callId=again");
    assert_eq!(support::curl_status(&collector.address, &twice, "t", "application/json", SEED_JSON), "400");
    let (_, metrics) = collector.admin_get("/metrics");
    assert!(
        metrics.contains(r#"error_code="BadRequest",error_subcode="InviteesOnly",modality="Audio"} 1"#),
        "{metrics}"
    );
    assert!(collector.terminate().success());

    let (_dir, collector) = start(&["--token", "t", "--no-sip-uris"]);
    assert_eq!(support::curl_status(&collector.address, ONLINE, "t", "application/json", SEED_JSON), "204");
    let line: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(line["callId"], "fc86b78dd87947949c7831d88abbb311");
    assert_eq!((line["fromUri"].as_str(), line["toUri"].as_str()), (None, None), "SIP URIs left out");
    assert_eq!(line["modality"], "Audio");
    assert!(collector.terminate().success());
}
