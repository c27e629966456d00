//! HTTPS on the collector (`--tls-cert`, `--tls-key`): curl over HTTP/1.1 and HTTP/2 with the
//! test's own certificate authority, the phone's written request over a rustls client,
//! certificate rotation on SIGHUP, the handshake deadline against clients that never say
//! hello, refusals of plain HTTP, garbage and old TLS versions, and a bad pair at start.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mediadiag::phone::{Request, Response, Status};
use mediadiag::{Encoding, ErrorCode, ErrorSubcode, Report};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName};
use support::{Collector, SEED_JSON, TOKEN, example_path, next_line};

/// A certificate authority made by the test, and the pairs it signs.
struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
    dir: tempfile::TempDir,
}

/// A certificate pair on disk and the certificate's DER.
struct Pair {
    cert: PathBuf,
    key: PathBuf,
    der: CertificateDer<'static>,
}

impl Authority {
    fn new() -> Authority {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "mediadiag test authority");
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), issuer.pem()).unwrap();
        Authority { issuer, dir }
    }

    fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A pair for 127.0.0.1 and localhost, its key in PKCS#8, written as `name`.
    fn pair(&self, name: &str) -> Pair {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, format!("mediadiag test {name}"));
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let pair = Pair {
            cert: self.dir.path().join(format!("{name}.crt")),
            key: self.dir.path().join(format!("{name}.key")),
            der: cert.der().clone(),
        };
        std::fs::write(&pair.cert, cert.pem()).unwrap();
        std::fs::write(&pair.key, key.serialize_pem()).unwrap();
        pair
    }

    /// A rustls client trusting this authority only. Each has its own session cache: a
    /// resumed session would show the certificate of the session it resumes.
    fn client(&self) -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.issuer.der().clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Arc::new(config)
    }
}

/// The collector on HTTPS with `pair`, reports as JSON lines on stdout.
fn start(pair: &Pair, args: &[&str]) -> (tempfile::TempDir, Collector) {
    let dir = tempfile::tempdir().unwrap();
    let cert = pair.cert.display().to_string();
    let key = pair.key.display().to_string();
    let tls = ["--tls-cert", &cert, "--tls-key", &key, "--store", "jsonl:-", "--token", TOKEN];
    let collector = Collector::start_in(dir.path(), &[&tls[..], args].concat());
    (dir, collector)
}

/// curl over HTTPS trusting `ca`: the status and the HTTP version it spoke.
fn curl(collector: &Collector, ca: &Path, version: &str) -> (String, String) {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", version, "--cacert"])
        .arg(ca)
        .args(["--output", "/dev/null", "--write-out", "%{http_code} %{http_version}"])
        .args(["-H", &format!("Authorization: Bearer {TOKEN}"), "-H", "Content-Type: application/json"])
        .args(["--data-binary", SEED_JSON, &format!("https://{}{}", collector.address, example_path())])
        .output()
        .expect("curl must be installed (Debian package curl)");
    assert!(output.status.success(), "curl failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let (status, version) = text.split_once(' ').unwrap();
    (status.to_owned(), version.to_owned())
}

/// A TLS connection to the collector over a rustls client.
struct Phone {
    tls: rustls::StreamOwned<rustls::ClientConnection, TcpStream>,
}

impl Phone {
    fn connect(collector: &Collector, client: &Arc<rustls::ClientConfig>) -> Phone {
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let connection = rustls::ClientConnection::new(client.clone(), name).unwrap();
        let socket = TcpStream::connect(&collector.address).unwrap();
        socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, socket);
        // The handshake, now: the certificate it saw is asked for next.
        while tls.conn.is_handshaking() {
            tls.conn.complete_io(&mut tls.sock).unwrap();
        }
        Phone { tls }
    }

    /// The certificate the collector showed.
    fn certificate(&self) -> CertificateDer<'static> {
        self.tls.conn.peer_certificates().unwrap()[0].clone().into_owned()
    }

    /// Sends the core's written request for `conversation`; the answer's status.
    fn report(&mut self, conversation: &str) -> u16 {
        let href = support::resource(conversation);
        let request = Request {
            href: href.as_bytes(),
            host: b"127.0.0.1",
            token: TOKEN.as_bytes(),
            encoding: Encoding::Json,
            user_agent: Some(b"DeskPhone/2.1"),
            report: Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly),
        };
        let mut out = [0u8; 1024];
        let len = request.write(&mut out).unwrap();
        self.tls.write_all(&out[..len]).unwrap();
        let mut answer = Vec::new();
        let mut chunk = [0u8; 1024];
        loop {
            if let Ok(Status::Complete(head)) = Response::read(&answer)
                && answer.len() >= head.head_len + head.content_length.unwrap_or(0) as usize
            {
                return head.status;
            }
            let read = self.tls.read(&mut chunk).unwrap();
            assert!(read > 0, "the connection closed before the answer");
            answer.extend_from_slice(&chunk[..read]);
        }
    }
}

#[test]
fn curl_over_https_with_the_tests_own_ca_gets_204_on_http1_and_http2() {
    let authority = Authority::new();
    let pair = authority.pair("server");
    let (_dir, collector) = start(&pair, &[]);
    assert_eq!(curl(&collector, &authority.ca_file(), "--http1.1"), ("204".to_owned(), "1.1".to_owned()));
    assert_eq!(curl(&collector, &authority.ca_file(), "--http2"), ("204".to_owned(), "2".to_owned()));
    for _ in 0..2 {
        let line: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
        assert_eq!(
            (line["conversationId"].as_str(), line["errorSubcode"].as_str()),
            (Some("137"), Some("InviteesOnly"))
        );
    }
    assert!(collector.terminate().success());
}

#[test]
fn the_phones_written_request_over_a_rustls_client_gets_204() {
    let authority = Authority::new();
    let pair = authority.pair("server");
    let (_dir, collector) = start(&pair, &[]);
    let mut phone = Phone::connect(&collector, &authority.client());
    assert_eq!(phone.certificate(), pair.der);
    assert_eq!(phone.report("over-tls"), 204);
    let line: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(
        (line["conversationId"].as_str(), line["userAgent"].as_str()),
        (Some("over-tls"), Some("DeskPhone/2.1"))
    );
    assert!(collector.terminate().success());
}

#[test]
fn sighup_rotates_the_certificate_for_new_connections_and_a_broken_pair_leaves_the_old_one() {
    let authority = Authority::new();
    let first = authority.pair("server");
    let (_dir, collector) = start(&first, &[]);
    let mut open = Phone::connect(&collector, &authority.client());
    assert_eq!(open.report("before-rotation"), 204);

    // A new pair in the same files, then SIGHUP.
    let second = authority.pair("second");
    std::fs::copy(&second.cert, &first.cert).unwrap();
    std::fs::copy(&second.key, &first.key).unwrap();
    let pid = collector.child.id().to_string();
    assert!(Command::new("kill").args(["-HUP", &pid]).status().unwrap().success());
    collector.stderr_until("the TLS certificate was read again");
    let new = Phone::connect(&collector, &authority.client());
    assert_eq!(new.certificate(), second.der, "a new connection sees the new one");
    assert_eq!(open.report("after-rotation"), 204, "an open keep-alive connection goes on");

    // A key that does not match the certificate: the pair in use stays, the failure counts.
    let third = authority.pair("third");
    std::fs::copy(&third.key, &first.key).unwrap();
    assert!(Command::new("kill").args(["-HUP", &pid]).status().unwrap().success());
    let said = collector.stderr_until("the TLS certificate stays as it was");
    assert!(said.contains("the key cannot serve this certificate"), "{said}");
    let new = Phone::connect(&collector, &authority.client());
    assert_eq!(new.certificate(), second.der, "still the second pair");
    let (_, metrics) = collector.admin_get("/metrics");
    assert!(metrics.contains("mediadiag_tls_reload_failures_total 1"), "{metrics}");
    assert_eq!(open.report("after-failed-reload"), 204);
    assert!(collector.terminate().success());
}

#[test]
fn connections_that_never_say_hello_are_closed_at_the_deadline_while_others_are_served() {
    const SILENT: usize = 500;
    let authority = Authority::new();
    let pair = authority.pair("server");
    let limit = (SILENT + 5).to_string();
    let (_dir, collector) = start(&pair, &["--tls-handshake-timeout", "6s", "--max-connections", &limit]);
    let opened = Instant::now();
    let silent: Vec<TcpStream> = (0..SILENT).map(|_| TcpStream::connect(&collector.address).unwrap()).collect();
    // While they hold their slots, the other five serve phones, one after another.
    let client = authority.client();
    for n in 0..5 {
        assert_eq!(Phone::connect(&collector, &client).report(&format!("served-{n}")), 204);
    }
    assert!(opened.elapsed() < Duration::from_secs(6), "served before the deadline: the test proves nothing");
    // Every silent connection is closed once its deadline passes: a read sees the end.
    for mut socket in silent {
        socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut byte = [0u8; 1];
        let read = socket.read(&mut byte);
        assert!(matches!(read, Ok(0) | Err(_)), "a silent connection got {read:?}");
    }
    let closed = opened.elapsed();
    assert!(closed >= Duration::from_secs(6), "closed before the deadline ({closed:?})");
    // Their slots are free again: more than five at once are served.
    let phones: Vec<Phone> = (0..20).map(|_| Phone::connect(&collector, &client)).collect();
    for (n, mut phone) in phones.into_iter().enumerate() {
        assert_eq!(phone.report(&format!("after-{n}")), 204);
    }
    let (_, metrics) = collector.admin_get("/metrics");
    assert!(
        metrics.contains(&format!(r#"mediadiag_tls_handshake_failures_total{{reason="timeout"}} {SILENT}"#)),
        "{metrics}"
    );
    assert!(collector.terminate().success());
}

/// Writes `bytes` on a new connection; what the collector sends back before it closes.
fn answer_to(collector: &Collector, bytes: &[u8]) -> Vec<u8> {
    let mut socket = TcpStream::connect(&collector.address).unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    socket.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer);
    answer
}

/// `openssl s_client` limited to one old protocol version: whether a session was made.
fn old_protocol_connects(collector: &Collector, flag: &str) -> bool {
    let output = Command::new("openssl")
        .args(["s_client", "-connect", &collector.address, flag, "-cipher", "DEFAULT:@SECLEVEL=0"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("openssl must be installed (Debian package openssl)");
    let text = String::from_utf8_lossy(&output.stdout);
    output.status.success() && !text.contains("Cipher is (NONE)")
}

#[test]
fn plain_http_garbage_and_tls_1_0_and_1_1_are_refused_and_the_collector_goes_on() {
    let authority = Authority::new();
    let pair = authority.pair("server");
    let (_dir, collector) = start(&pair, &[]);
    let plain = format!("POST {} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}", example_path());
    let answer = answer_to(&collector, plain.as_bytes());
    assert!(!answer.starts_with(b"HTTP/"), "plain HTTP was answered as HTTP: {:?}", String::from_utf8_lossy(&answer));
    let answer = answer_to(&collector, &[0x16, 0x03, 0x01, 0xff, 0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]);
    assert!(!answer.starts_with(b"HTTP/"));
    assert!(!old_protocol_connects(&collector, "-tls1"), "TLS 1.0 was accepted");
    assert!(!old_protocol_connects(&collector, "-tls1_1"), "TLS 1.1 was accepted");
    // Nothing broke: a phone is still served.
    assert_eq!(Phone::connect(&collector, &authority.client()).report("still-serving"), 204);
    let (_, metrics) = collector.admin_get("/metrics");
    let refused = metrics
        .lines()
        .find_map(|line| line.strip_prefix(r#"mediadiag_tls_handshake_failures_total{reason="error"} "#))
        .and_then(|count| count.parse::<u32>().ok());
    assert!(refused.is_some_and(|count| count >= 4), "{metrics}");
    assert!(collector.terminate().success());
}

/// The collector's exit status and standard error when it refuses to start.
fn refused_start(args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .current_dir(dir.path())
        .args(["--listen", "127.0.0.1:0", "--admin", "off", "--store", "jsonl:-", "--token", "t"])
        .args(args)
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_missing_or_bad_pair_at_start_exits_2_with_one_line_naming_the_flag() {
    let authority = Authority::new();
    let pair = authority.pair("server");
    let other = authority.pair("other");
    let cert = pair.cert.display().to_string();
    let key = pair.key.display().to_string();
    let cases = [
        (vec!["--tls-cert", "missing.pem", "--tls-key", &key], "--tls-cert"),
        (vec!["--tls-cert", &key, "--tls-key", &key], "--tls-cert"),
        (vec!["--tls-cert", &cert, "--tls-key", &cert], "--tls-key"),
        (vec!["--tls-cert", &cert, "--tls-key", other.key.to_str().unwrap()], "--tls-key"),
    ];
    for (args, flag) in cases {
        let (code, stderr) = refused_start(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with(&format!("mediadiag-collector: {flag} ")), "{args:?}: {stderr}");
    }
}

#[test]
fn rsa_and_sec1_keys_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    for (kind, convert) in [("rsa:2048", vec!["rsa", "-traditional"]), ("ec", vec!["ec"])] {
        let mut generate = Command::new("openssl");
        generate.args(["req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost"]);
        generate.args(["-addext", "subjectAltName=IP:127.0.0.1", "-newkey", kind]);
        if kind == "ec" {
            generate.args(["-pkeyopt", "ec_paramgen_curve:P-256"]);
        }
        let made = generate.args(["-keyout", &path("pkcs8.key"), "-out", &path("cert.pem")]).output().unwrap();
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        let converted = Command::new("openssl")
            .args(&convert)
            .args(["-in", &path("pkcs8.key"), "-out", &path("traditional.key")])
            .output()
            .unwrap();
        assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));
        let header = std::fs::read_to_string(path("traditional.key")).unwrap();
        let expected = if kind == "ec" { "-----BEGIN EC PRIVATE KEY-----" } else { "-----BEGIN RSA PRIVATE KEY-----" };
        assert!(header.starts_with(expected), "{header}");
        let pair = Pair {
            cert: path("cert.pem").into(),
            key: path("traditional.key").into(),
            der: CertificateDer::from(Vec::new()),
        };
        let (_dir, collector) = start(&pair, &[]);
        assert_eq!(curl(&collector, &pair.cert, "--http1.1").0, "204", "{kind}");
        assert!(collector.terminate().success());
    }
}

#[test]
fn the_printed_curl_command_gets_204_over_https_as_it_is() {
    // A self-signed pair, as the README makes it with openssl: its own authority.
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let pair =
        Pair { cert: dir.path().join("cert.pem"), key: dir.path().join("key.pem"), der: certified.cert.der().clone() };
    std::fs::write(&pair.cert, certified.cert.pem()).unwrap();
    std::fs::write(&pair.key, certified.signing_key.serialize_pem()).unwrap();
    let cert = pair.cert.display().to_string();
    let key = pair.key.display().to_string();
    let args = ["--tls-cert", &cert, "--tls-key", &key, "--store", "jsonl:-"];
    let collector = Collector::start_in(dir.path(), &args);
    let command = format!("curl{}", collector.stderr_until("try: curl"));
    assert!(command.contains("https://") && command.contains("--cacert"), "{command}");
    let output = Command::new("sh")
        .args(["-c", &format!("{command} --silent --output /dev/null --write-out '%{{http_code}}'")])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "204", "{}", String::from_utf8_lossy(&output.stderr));
    let line: serde_json::Value = serde_json::from_str(&next_line(&collector.stdout)).unwrap();
    assert_eq!(line["errorSubcode"], "InviteesOnly");
    assert!(collector.terminate().success());
}
