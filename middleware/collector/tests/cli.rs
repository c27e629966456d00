//! The README's main command: the collector example, driven by curl as a desk phone would,
//! with the resource page's two example requests.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const PATH: &str = "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics";
const SEED_JSON: &str = "{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}";
const SEED_XML: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n  <property name=\"errorCode\">TooManyRequests</property>\n  <property name=\"errorSubcode\">MediaNegotiationFailure</property>\n</input>";

/// The collector example, which `cargo test` builds next to this test's binary.
fn collector_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let binary = profile_dir.join("examples").join("collector");
    assert!(binary.exists(), "{} is missing: build it with cargo test or cargo build --examples", binary.display());
    binary
}

/// Lines of a stream, delivered through a channel so reads can time out.
fn lines(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

fn next_line(lines: &mpsc::Receiver<String>) -> String {
    lines.recv_timeout(Duration::from_secs(30)).expect("the collector went quiet")
}

struct Collector {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
    /// Lines of stderr read while starting, not yet looked at by a test.
    backlog: std::cell::RefCell<std::collections::VecDeque<String>>,
    address: String,
}

impl Collector {
    fn start(args: &[&str]) -> Collector {
        let mut child = Command::new(collector_binary())
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines(child.stdout.take().map(|s: ChildStdout| s).unwrap());
        let stderr = lines(child.stderr.take().map(|s: ChildStderr| s).unwrap());
        let mut collector = Collector { child, stdout, stderr, backlog: Default::default(), address: String::new() };
        let mut early = Vec::new();
        loop {
            let line = next_line(&collector.stderr);
            if let Some((_, address)) = line.split_once("listening on ") {
                collector.address = address.trim().to_owned();
                break;
            }
            early.push(line);
        }
        collector.backlog = std::cell::RefCell::new(early.into());
        collector
    }

    /// Reads stderr up to a line containing `marker`; returns what follows it.
    fn stderr_until(&self, marker: &str) -> String {
        loop {
            let line = self.backlog.borrow_mut().pop_front().unwrap_or_else(|| next_line(&self.stderr));
            if let Some((_, rest)) = line.split_once(marker) {
                return rest.to_owned();
            }
        }
    }

    /// Sends a body with curl; returns the HTTP status curl saw.
    fn curl(&self, token: &str, content_type: &str, body: &str) -> String {
        let output = Command::new("curl")
            .args(["--silent", "--show-error", "--output", "/dev/null", "--write-out", "%{http_code}"])
            .args(["-H", &format!("Authorization: Bearer {token}"), "-H", &format!("Content-Type: {content_type}")])
            .args(["--data-binary", body, &format!("http://{}{PATH}", self.address)])
            .output()
            .expect("curl must be installed (Debian package curl)");
        assert!(output.status.success(), "curl failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    }

    /// SIGTERM, then the exit status.
    fn terminate(self) -> std::process::ExitStatus {
        self.signal("-TERM")
    }

    /// Sends a signal (`-TERM`, `-INT`), then waits for a clean exit.
    fn signal(mut self, signal: &str) -> std::process::ExitStatus {
        let killed = Command::new("kill").args([signal, &self.child.id().to_string()]).status().unwrap();
        assert!(killed.success());
        self.stderr_until("all connections closed");
        self.child.wait().unwrap()
    }
}

#[test]
fn curl_sends_the_two_example_requests_and_the_collector_prints_both_reports() {
    let token = "cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5";
    let collector = Collector::start(&["--token", token]);
    assert_eq!(collector.curl(token, "application/json", SEED_JSON), "204");
    let first: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(first["applicationId"], "192");
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
    let collector = Collector::start(&[]);
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
    let collector = Collector::start(&["--token", "receive=Conversations.Receive", "--token", "other=User.ReadWrite"]);
    assert_eq!(collector.curl("receive", "application/json", SEED_JSON), "204");
    assert_eq!(collector.curl("other", "application/json", SEED_JSON), "403");
    assert!(collector.terminate().success());
    let collector =
        Collector::start(&["--token", "cwt=AbC+/9==", "--token", "both=Conversations.Receive,Conversations.Initiate"]);
    assert_eq!(collector.curl("cwt=AbC+/9==", "application/json", SEED_JSON), "204");
    assert_eq!(collector.curl("both", "application/json", SEED_JSON), "204");
    assert!(collector.terminate().success());
}

#[test]
fn sigterm_lets_an_in_flight_report_finish_and_refuses_new_connections() {
    use std::io::{Read, Write};
    let token = "drain";
    let collector = Collector::start(&["--token", token]);
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
    collector.stderr_until("all connections closed");
    assert!(collector.child.wait().unwrap().success());
}

#[test]
fn jwt_flags_make_the_collector_verify_tokens() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, get_current_timestamp};
    let secret = "collector secret of at least thirty-two bytes";
    let collector =
        Collector::start(&["--jwt-hs256", secret, "--jwt-audience", "api://reports", "--jwt-issuer", "iss-1"]);
    let claims = |scp: &str, aud: &str| serde_json::json!({"scp": scp, "aud": aud, "iss": "iss-1", "exp": get_current_timestamp() + 600});
    let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
    let good =
        encode(&Header::new(Algorithm::HS256), &claims("Conversations.Initiate", "api://reports"), &key).unwrap();
    assert_eq!(collector.curl(&good, "application/json", SEED_JSON), "204");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&next_line(&collector.stdout)).unwrap()["errorCode"],
        "BadRequest"
    );
    let other_audience =
        encode(&Header::new(Algorithm::HS256), &claims("Conversations.Initiate", "api://x"), &key).unwrap();
    assert_eq!(collector.curl(&other_audience, "application/json", SEED_JSON), "401");
    let no_scope = encode(&Header::new(Algorithm::HS256), &claims("User.ReadWrite", "api://reports"), &key).unwrap();
    assert_eq!(collector.curl(&no_scope, "application/json", SEED_JSON), "403");
    assert!(collector.terminate().success());
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys/jwks.json");
    let collector = Collector::start(&["--jwks", keys]);
    assert_eq!(collector.curl(&good, "application/json", SEED_JSON), "401", "no HMAC secret configured");
    assert!(collector.terminate().success());
}

#[test]
fn ctrl_c_stops_the_collector_cleanly_too() {
    let collector = Collector::start(&["--token", "t"]);
    assert_eq!(collector.curl("t", "application/json", SEED_JSON), "204");
    assert!(collector.signal("-INT").success());
}
