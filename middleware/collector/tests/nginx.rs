//! The shipped nginx templates (`deploy/nginx/`) with real components on loopback: Debian's
//! nginx renders each template as an operator does (envsubst with the explicit list) and
//! terminates TLS with a certificate this test makes; behind it run the real collector (SQLite
//! store, a static token) and a stand-in UCWA pool that records every request byte for byte (the
//! real pool cannot run here). Phones are curl over HTTP/1.1 and HTTP/2.
//!
//! Needs the `nginx`, `envsubst`, `openssl` and `curl` binaries (Debian's packages, which CI
//! installs); without nginx the test says SKIPPED, unless `MEDIADIAG_REQUIRE_NGINX=1`.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use support::{Collector, SEED_JSON, SEED_XML, TOKEN};

/// The placeholders of both templates: envsubst is given exactly these (README, Rendering).
const PLACEHOLDERS: [&str; 6] = ["LISTEN", "SERVER_NAME", "TLS_CERT", "TLS_KEY", "UCWA_POOL", "COLLECTOR"];

/// The documented href, on each default prefix.
const DOCUMENTED: &str =
    "/ucwa/v1/applications/192/communication/conversations/conv-h1/audioVideo/reportMediaDiagnostics";
const DOCUMENTED_OAUTH: &str = "/ucwa/oauth/v1/applications/10672188129/communication/conversations/b65b47e0-8178-47a8-8f48-8868245f1b1a/audioVideo/reportMediaDiagnostics";
/// The Online href of the one public capture of a real server's link.
const ONLINE: &str = "/ucwa/oauth/v1/applications/10672188129/communication/callMediaDiagnostics?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net&mediaType=Audio&toUri=sip%3adele%40traderlynk.com";

/// What the stand-in pool answers to every request.
const POOL_BODY: &str =
    r#"{"_links":{"self":{"href":"/ucwa/oauth/v1/applications/1"}},"answeredBy":"the stand-in pool"}"#;
const USER_AGENT: &str = "Polycom/5.9.5.0614 PolycomVVX-VVX_601-UA/5.9.5.0614";

// ---------------------------------------------------------------------------------------------
// nginx

/// Debian's nginx: on PATH, else where Debian puts it (`/usr/sbin`, often not on a user's PATH).
fn nginx_binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).map(|dir| dir.join("nginx")).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path.into_iter().chain([PathBuf::from("/usr/sbin/nginx")]).find(|candidate| candidate.is_file())
}

/// The nginx binary, or `None` after saying SKIPPED (a failure when CI requires nginx).
fn require_nginx(test: &str) -> Option<PathBuf> {
    let binary = nginx_binary();
    if binary.is_none() {
        assert!(std::env::var_os("MEDIADIAG_REQUIRE_NGINX").is_none(), "no nginx binary, and CI requires it");
        eprintln!("SKIPPED {test}: no nginx binary (apt-get install nginx)");
    }
    binary
}

/// A free loopback port (there is a small window before nginx binds it: see [`Nginx::start`]).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A private CA, and a certificate it signed for `localhost` and `127.0.0.1`, made with openssl.
struct Certificates {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

/// Runs `openssl` with `args` (split at spaces) in `dir`.
fn openssl(dir: &Path, args: &str) {
    let output = Command::new("openssl")
        .current_dir(dir)
        .args(args.split_whitespace())
        .output()
        .expect("openssl must be installed (Debian package openssl)");
    assert!(output.status.success(), "openssl {args}: {}", String::from_utf8_lossy(&output.stderr));
}

fn make_certificates(dir: &Path) -> Certificates {
    let key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    openssl(
        dir,
        &format!(
            "req -x509 {key} -days 2 -subj /CN=mediadiag-test-CA -keyout ca.key -out ca.pem \
             -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"
        ),
    );
    openssl(dir, &format!("req {key} -subj /CN=localhost -keyout server.key -out server.csr"));
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n\
         subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(
        dir,
        "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 2 -extfile server.ext -out server.pem",
    );
    Certificates { ca: dir.join("ca.pem"), cert: dir.join("server.pem"), key: dir.join("server.key") }
}

/// `template` rendered as the README says: envsubst, run as a process, with the explicit list.
fn render(template: &str, values: &[(&str, String)]) -> String {
    let template_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx").join(template);
    let source = std::fs::read_to_string(&template_path).unwrap();
    let list: String = PLACEHOLDERS.iter().map(|name| format!("${{{name}}} ")).collect();
    let mut envsubst = Command::new("envsubst")
        .arg(list)
        .envs(values.iter().map(|(name, value)| (*name, value)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("envsubst must be installed (Debian package gettext-base)");
    envsubst.stdin.take().unwrap().write_all(source.as_bytes()).unwrap();
    let output = envsubst.wait_with_output().unwrap();
    assert!(output.status.success());
    let rendered = String::from_utf8(output.stdout).unwrap();
    // A `${NAME}` left (the header's `'${%s} '` is the README's shell, not a placeholder).
    let left = rendered.split("${").skip(1).find(|rest| {
        rest.split_once('}')
            .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
    });
    assert!(left.is_none(), "a placeholder is left in {template}:\n{rendered}");
    // Every nginx variable of the template is still there: envsubst replaced only the list.
    let variables = |text: &str| -> Vec<String> {
        let mut found: Vec<String> = text
            .split('$')
            .skip(1)
            .map(|rest| rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect::<String>())
            .filter(|name| !name.is_empty())
            .collect();
        found.sort();
        found
    };
    assert_eq!(variables(&rendered), variables(&source), "nginx variables of {template} lost in rendering");
    for (_, value) in values {
        assert!(rendered.contains(value.as_str()), "{value} is not in the rendered {template}");
    }
    rendered
}

/// nginx running one rendered template in a directory of its own; stopped on drop.
struct Nginx {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Nginx {
    /// Renders `template` with a listen port of its own and starts nginx with it. A port taken
    /// between [`free_port`] and nginx's bind is tried again with another.
    fn start(binary: &Path, dir: &Path, template: &str, tls: &Certificates, pool: &str, collector: &str) -> Nginx {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let port = free_port();
            let values = [
                ("LISTEN", format!("127.0.0.1:{port}")),
                ("SERVER_NAME", "localhost".to_owned()),
                ("TLS_CERT", tls.cert.display().to_string()),
                ("TLS_KEY", tls.key.display().to_string()),
                ("UCWA_POOL", pool.to_owned()),
                ("COLLECTOR", collector.to_owned()),
            ];
            std::fs::write(dir.join("mediadiag.conf"), render(template, &values)).unwrap();
            // The minimal nginx.conf: everything nginx writes stays in `dir`.
            let d = dir.display();
            let config = dir.join("nginx.conf");
            std::fs::write(
                &config,
                format!(
                    "worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {d}/mediadiag.conf;
}}
"
                ),
            )
            .unwrap();
            // -e: the log nginx writes before it has read the configuration is `dir`'s too.
            let options = |command: &mut Command| {
                command.arg("-p").arg(dir).arg("-e").arg(dir.join("error.log")).arg("-c").arg(&config);
            };
            let mut check = Command::new(binary);
            options(check.args(["-t", "-q"]));
            let checked = check.output().unwrap();
            assert!(checked.status.success(), "nginx -t on {template}: {}", String::from_utf8_lossy(&checked.stderr));
            // In the foreground, as a child of this process, so that it can be stopped and waited for.
            let mut run = Command::new(binary);
            options(&mut run);
            let child = run.args(["-g", "daemon off;"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
            let mut nginx = Nginx { child, port, dir: dir.to_owned() };
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Some(status) = nginx.child.try_wait().unwrap() {
                    let log = nginx.error_log();
                    assert!(attempts < 3 && log.contains("Address already in use"), "nginx exited ({status}):\n{log}");
                    break;
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return nginx;
                }
                assert!(Instant::now() < deadline, "nginx did not listen within 10 s:\n{}", nginx.error_log());
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM is nginx's fast shutdown: the master stops its workers, then exits. A SIGKILL
        // to the master alone would leave the worker running, so it is the last resort.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The stand-in UCWA pool

/// One request as the pool read it off the wire.
#[derive(Debug, Clone)]
struct Recorded {
    /// The TLS server name the upstream connection asked for, when the pool speaks TLS.
    sni: Option<String>,
    method: String,
    /// The request target: path and query, as sent.
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    /// The body, its chunked framing (if any) removed.
    body: Vec<u8>,
}

impl Recorded {
    /// The values of header `name` (case-insensitive).
    fn header(&self, name: &str) -> Vec<&[u8]> {
        self.headers.iter().filter(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| &value[..]).collect()
    }
}

/// A tiny HTTP/1.1 server on loopback, over TLS or not, that records each request and answers
/// 200 with [`POOL_BODY`].
struct Pool {
    address: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
}

impl Pool {
    fn start(tls: Option<&Certificates>) -> Pool {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let config = tls.map(|tls| {
            let chain = CertificateDer::pem_file_iter(&tls.cert).unwrap().map(Result::unwrap).collect();
            let key = PrivateKeyDer::from_pem_file(&tls.key).unwrap();
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .unwrap();
            Arc::new(config)
        });
        let (recorded, stopped) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (recorded, config) = (recorded.clone(), config.clone());
                std::thread::spawn(move || {
                    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                    match config {
                        None => serve(stream, None, &recorded),
                        Some(config) => {
                            let mut stream = stream;
                            let mut connection = rustls::ServerConnection::new(config).unwrap();
                            while connection.is_handshaking() {
                                if connection.complete_io(&mut stream).is_err() {
                                    return;
                                }
                            }
                            let sni = connection.server_name().map(str::to_owned);
                            serve(rustls::StreamOwned::new(connection, stream), sni, &recorded);
                        }
                    }
                });
            }
        });
        Pool { address, requests, stop }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(&self.address);
    }
}

/// Reads requests off one connection until it ends; records and answers each.
fn serve(stream: impl Read + Write, sni: Option<String>, recorded: &Mutex<Vec<Recorded>>) {
    let mut stream = BufReader::new(stream);
    while let Some(request) = read_request(&mut stream, sni.clone()) {
        let close = request.header("connection").iter().any(|value| value.eq_ignore_ascii_case(b"close"));
        recorded.lock().unwrap().push(request);
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{POOL_BODY}",
            POOL_BODY.len()
        );
        let writer = stream.get_mut();
        if writer.write_all(answer.as_bytes()).and_then(|()| writer.flush()).is_err() || close {
            return;
        }
    }
}

/// One line ending in CRLF, without it; `None` at the end of the connection.
fn read_line(stream: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    stream.by_ref().take(16 * 1024).read_until(b'\n', &mut line).ok()?;
    line.strip_suffix(b"\r\n").map(<[u8]>::to_vec)
}

fn read_request(stream: &mut impl BufRead, sni: Option<String>) -> Option<Recorded> {
    let line = String::from_utf8(read_line(stream)?).ok()?;
    let mut parts = line.split(' ');
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    assert_eq!(parts.next(), Some("HTTP/1.1"), "the upstream request line: {line}");
    let mut headers = Vec::new();
    loop {
        let line = read_line(stream)?;
        if line.is_empty() {
            break;
        }
        let colon = line.iter().position(|&b| b == b':')?;
        let value = line[colon + 1..].trim_ascii().to_vec();
        headers.push((String::from_utf8(line[..colon].to_vec()).ok()?, value));
    }
    let mut request = Recorded { sni, method, target, headers, body: Vec::new() };
    if request.header("transfer-encoding").iter().any(|value| value.eq_ignore_ascii_case(b"chunked")) {
        loop {
            let size = String::from_utf8(read_line(stream)?).ok()?;
            let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
            if size == 0 {
                while !read_line(stream)?.is_empty() {}
                break;
            }
            let start = request.body.len();
            request.body.resize(start + size, 0);
            stream.read_exact(&mut request.body[start..]).ok()?;
            if !read_line(stream)?.is_empty() {
                return None;
            }
        }
    } else if let Some(length) = request.header("content-length").first() {
        let length: usize = std::str::from_utf8(length).ok()?.parse().ok()?;
        request.body.resize(length, 0);
        stream.read_exact(&mut request.body).ok()?;
    }
    Some(request)
}

// ---------------------------------------------------------------------------------------------
// Phones: curl

/// A phone's request: method, path and query, headers (besides `Host`) and body.
struct Sent<'a> {
    method: &'a str,
    target: &'a str,
    headers: Vec<(&'a str, String)>,
    body: Option<&'a [u8]>,
}

impl<'a> Sent<'a> {
    /// A report, as a phone sends it: POST with the token, JSON, its User-Agent.
    fn report(target: &'a str, body: &'a str) -> Sent<'a> {
        let content_type = if body.starts_with('<') { "application/xml" } else { "application/json" };
        Sent {
            method: "POST",
            target,
            headers: vec![
                ("Authorization", format!("Bearer {TOKEN}")),
                ("Content-Type", content_type.to_owned()),
                ("User-Agent", USER_AGENT.to_owned()),
                ("Accept", "application/json".to_owned()),
            ],
            body: Some(body.as_bytes()),
        }
    }

    /// Any other UCWA request, with a token of the pool's kind.
    fn other(method: &'a str, target: &'a str, body: Option<&'a [u8]>) -> Sent<'a> {
        let mut headers = vec![
            ("Authorization", "Bearer cwt=AbC+/9==".to_owned()),
            ("User-Agent", USER_AGENT.to_owned()),
            ("Accept", "application/vnd.microsoft.com.ucwa+json".to_owned()),
            ("X-Ms-RequiresMinResourceVersion", "2".to_owned()),
        ];
        if body.is_some() {
            headers.push(("Content-Type", "application/octet-stream".to_owned()));
        }
        Sent { method, target, headers, body }
    }
}

/// What a phone got.
struct Answer {
    status: u16,
    /// curl's `%{http_version}`: `1.1` or `2`.
    version: String,
    head: String,
    body: Vec<u8>,
    seconds: f64,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} over HTTP/{} in {} s\n{}{}",
            self.status,
            self.version,
            self.seconds,
            self.head,
            String::from_utf8_lossy(&self.body)
        )
    }
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// The HTTP versions phones use: curl's flag and the `%{http_version}` it must report.
const VERSIONS: [(&str, &str); 2] = [("--http1.1", "1.1"), ("--http2", "2")];

/// Sends `sent` to nginx over HTTPS, trusting only the test's CA.
fn send(nginx: &Nginx, tls: &Certificates, http: &str, sent: &Sent) -> Answer {
    let dir = &nginx.dir;
    let mut curl = Command::new("curl");
    curl.args(["--silent", "--show-error", "--max-time", "30", http, "--cacert"])
        .arg(&tls.ca)
        .args(["--resolve", &format!("localhost:{}:127.0.0.1", nginx.port)])
        .args(["--dump-header"])
        .arg(dir.join("answer.head"))
        .args(["--output"])
        .arg(dir.join("answer.body"))
        .args(["--write-out", "%{http_code} %{http_version} %{time_total}", "-X", sent.method]);
    for (name, value) in &sent.headers {
        curl.args(["-H", &format!("{name}: {value}")]);
    }
    if let Some(body) = sent.body {
        std::fs::write(dir.join("request.body"), body).unwrap();
        curl.arg("--data-binary").arg(format!("@{}", dir.join("request.body").display()));
    }
    let output = curl
        .arg(format!("https://localhost:{}{}", nginx.port, sent.target))
        .output()
        .expect("curl must be installed (Debian package curl)");
    assert!(output.status.success(), "curl failed: {}", String::from_utf8_lossy(&output.stderr));
    let written = String::from_utf8(output.stdout).unwrap();
    let mut written = written.split(' ');
    Answer {
        status: written.next().unwrap().parse().unwrap(),
        version: written.next().unwrap().to_owned(),
        seconds: written.next().unwrap().parse().unwrap(),
        head: std::fs::read_to_string(dir.join("answer.head")).unwrap(),
        body: std::fs::read(dir.join("answer.body")).unwrap_or_default(),
    }
}

/// The pool's answer reached the phone unchanged.
fn assert_pool_answer(answer: &Answer, what: &str) {
    assert_eq!(answer.status, 200, "{what}: {answer:?}");
    assert_eq!(answer.body, POOL_BODY.as_bytes(), "{what}: the pool's body");
    assert_eq!(answer.header("content-type"), Some("application/json"), "{what}");
}

/// `got` is `sent` as the phone sent it: method, path and query, every header of the phone with
/// its value byte for byte, the phone's `Host`, and the body byte for byte.
fn assert_unchanged(got: &Recorded, sent: &Sent, nginx: &Nginx, what: &str) {
    assert_eq!((got.method.as_str(), got.target.as_str()), (sent.method, sent.target), "{what}: {got:?}");
    for (name, value) in &sent.headers {
        assert_eq!(got.header(name), [value.as_bytes()], "{what}: header {name}: {got:?}");
    }
    assert_eq!(got.header("host"), [format!("localhost:{}", nginx.port).as_bytes()], "{what}: {got:?}");
    assert_eq!(got.header("x-forwarded-proto"), [&b"https"[..]], "{what}");
    assert_eq!(got.body, sent.body.unwrap_or_default(), "{what}: the body");
}

// ---------------------------------------------------------------------------------------------
// The collector's SQLite store

/// A stored report, the columns this test checks.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    application_id: String,
    conversation_id: Option<String>,
    call_id: Option<String>,
    from_uri: Option<String>,
    to_uri: Option<String>,
    modality: Option<String>,
    error_code: Option<String>,
    error_subcode: Option<String>,
    media_type: String,
    user_agent: Option<String>,
}

fn rows(database: &Path) -> Vec<Row> {
    let connection = rusqlite::Connection::open(database).unwrap();
    let mut query = connection
        .prepare(
            "SELECT application_id, conversation_id, call_id, from_uri, to_uri, modality, error_code, error_subcode, \
             media_type, user_agent FROM reports ORDER BY rowid",
        )
        .unwrap();
    query
        .query_map([], |row| {
            Ok(Row {
                application_id: row.get(0)?,
                conversation_id: row.get(1)?,
                call_id: row.get(2)?,
                from_uri: row.get(3)?,
                to_uri: row.get(4)?,
                modality: row.get(5)?,
                error_code: row.get(6)?,
                error_subcode: row.get(7)?,
                media_type: row.get(8)?,
                user_agent: row.get(9)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The rows, once there are `count` of them (a mirrored copy arrives in the background);
/// bounded by 10 s.
fn rows_when(database: &Path, count: usize) -> Vec<Row> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = rows(database);
        if rows.len() >= count || Instant::now() > deadline {
            return rows;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The row the collector stores for [`SEED_JSON`] or [`SEED_XML`] posted to `target`.
fn expected_row(target: &str, body: &str) -> Row {
    let (error_code, error_subcode, media_type) = if body.starts_with('<') {
        ("TooManyRequests", "MediaNegotiationFailure", "application/xml")
    } else {
        ("BadRequest", "InviteesOnly", "application/json")
    };
    let segments: Vec<&str> = target.split('?').next().unwrap().split('/').collect();
    let application_id = segments[segments.iter().position(|s| *s == "applications").unwrap() + 1].to_owned();
    let online = target.contains("/callMediaDiagnostics?");
    let some = |value: &str| Some(value.to_owned());
    Row {
        application_id,
        conversation_id: if online { None } else { some(segments[segments.len() - 3]) },
        call_id: if online { some("fc86b78dd87947949c7831d88abbb311") } else { None },
        from_uri: if online { some("sip:dele@olajide.net") } else { None },
        to_uri: if online { some("sip:dele@traderlynk.com") } else { None },
        modality: if online { some("Audio") } else { None },
        error_code: some(error_code),
        error_subcode: some(error_subcode),
        media_type: media_type.to_owned(),
        user_agent: some(USER_AGENT),
    }
}

/// The reports this test posts: each href form, both prefixes, JSON and XML.
fn reports() -> Vec<(String, &'static str)> {
    vec![
        (DOCUMENTED.to_owned(), SEED_JSON),
        (DOCUMENTED_OAUTH.replace("b65b47e0", "x0"), SEED_XML),
        (ONLINE.to_owned(), SEED_JSON),
    ]
}

/// Gives each (report, HTTP version) its own conversation id, so that every stored row is
/// told apart; the Online href names no conversation and stays as captured.
fn per_version(target: &str, version: &str) -> String {
    target.replace("/conversations/", &format!("/conversations/h{}-", version.replace('.', "")))
}

/// A temporary directory that nginx's workers (user `nobody` when the test runs as root) can
/// read and write in.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut permissions = std::fs::metadata(dir.path()).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(dir.path(), permissions).unwrap();
    dir
}

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
fn route_mode_sends_reports_to_the_collector_and_everything_else_to_the_pool_unchanged() {
    let Some(binary) =
        require_nginx("route_mode_sends_reports_to_the_collector_and_everything_else_to_the_pool_unchanged")
    else {
        return;
    };
    let dir = workdir();
    let tls = make_certificates(dir.path());
    let database = dir.path().join("mediadiag.db");
    let store = format!("sqlite:{}", database.display());
    let collector = Collector::start_in(dir.path(), &["--token", TOKEN, "--store", &store]);
    // The pool over TLS, as a real pool is.
    let pool = Pool::start(Some(&tls));
    let nginx = Nginx::start(
        &binary,
        dir.path(),
        "route.conf.template",
        &tls,
        &format!("https://{}", pool.address),
        &format!("http://{}", collector.address),
    );

    // Each report, on each href form, over HTTP/1.1 and HTTP/2: the collector's 204, stored.
    let mut expected = Vec::new();
    for (target, body) in reports() {
        for (flag, version) in VERSIONS {
            let target = per_version(&target, version);
            let answer = send(&nginx, &tls, flag, &Sent::report(&target, body));
            assert_eq!((answer.status, answer.version.as_str()), (204, version), "POST {target}: {answer:?}");
            assert!(answer.body.is_empty(), "a 204 has no body: {answer:?}");
            expected.push(expected_row(&target, body));
        }
    }
    // A 204 means committed: the rows are there now, no wait.
    assert_eq!(rows(&database), expected, "the stored reports");
    assert!(pool.requests().is_empty(), "the pool got a report: {:?}", pool.requests());

    // Another method on the resource: the collector's own 405, not the pool.
    let answer = send(&nginx, &tls, "--http1.1", &Sent::other("GET", DOCUMENTED, None));
    assert_eq!((answer.status, answer.header("allow")), (405, Some("POST")), "{answer:?}");
    assert!(pool.requests().is_empty(), "the pool got a request on the resource");

    // Everything else reaches the pool unchanged, and the phone gets the pool's answer.
    let binary_body: Vec<u8> = (0..=255u8).chain(*b"\r\n\r\n0\r\n\r\n").collect();
    let near_miss = format!("{DOCUMENTED}/");
    let others = [
        Sent::other("GET", "/ucwa/oauth/v1/applications/1/communication/conversations", None),
        Sent::other(
            "POST",
            "/ucwa/oauth/v1/applications/1/communication/messaging/messages?operationId=a%2Fb&x=%41+",
            Some(&binary_body),
        ),
        Sent::other("PUT", "/ucwa/v1/applications/1/me/note", Some(br#"<input xmlns="x">&amp;</input>"#)),
        Sent::report(&near_miss, SEED_JSON),
        Sent::report("/ucwa/v2/applications/1/communication/callMediaDiagnostics?callId=1", SEED_JSON),
    ];
    for sent in &others {
        for (flag, version) in VERSIONS {
            let what = format!("{} {} over HTTP/{version}", sent.method, sent.target);
            let before = pool.requests().len();
            let answer = send(&nginx, &tls, flag, sent);
            assert_eq!(answer.version, version, "{what}");
            assert_pool_answer(&answer, &what);
            let got = pool.requests();
            assert_eq!(got.len(), before + 1, "{what}: one request at the pool");
            assert_unchanged(&got[before], sent, &nginx, &what);
            // TLS towards the pool names the host the phone asked for.
            assert_eq!(got[before].sni.as_deref(), Some("localhost"), "{what}: SNI towards the pool");
        }
    }
    assert_eq!(rows(&database).len(), expected.len(), "the collector stored a request that is not a report");

    // The collector stopped: nginx's own 502 (connection refused), never a 204; the pool is
    // not affected.
    assert!(collector.terminate().success());
    let at_pool = pool.requests().len();
    for (flag, version) in VERSIONS {
        for target in [DOCUMENTED, ONLINE] {
            let answer = send(&nginx, &tls, flag, &Sent::report(target, SEED_JSON));
            assert!([502, 503, 504].contains(&answer.status), "collector down: {answer:?}");
            assert_eq!(
                answer.status, 502,
                "collector down, HTTP/{version}: a refused connection is nginx's 502: {answer:?}"
            );
        }
    }
    assert_eq!(pool.requests().len(), at_pool, "a report went to the pool while the collector was down");
    for (flag, _) in VERSIONS {
        assert_pool_answer(&send(&nginx, &tls, flag, &others[0]), "the pool while the collector is down");
    }
    assert_eq!(rows(&database), expected, "nothing stored while the collector was down");
    drop(nginx);
    drop(dir);
}

#[test]
fn mirror_mode_sends_everything_to_the_pool_and_a_copy_of_each_report_to_the_collector() {
    let Some(binary) =
        require_nginx("mirror_mode_sends_everything_to_the_pool_and_a_copy_of_each_report_to_the_collector")
    else {
        return;
    };
    let dir = workdir();
    let tls = make_certificates(dir.path());
    let database = dir.path().join("mediadiag.db");
    let store = format!("sqlite:{}", database.display());
    let collector = Collector::start_in(dir.path(), &["--token", TOKEN, "--store", &store]);
    let pool = Pool::start(None);
    let nginx = Nginx::start(
        &binary,
        dir.path(),
        "mirror.conf.template",
        &tls,
        &format!("http://{}", pool.address),
        &format!("http://{}", collector.address),
    );

    // Each report: the pool's answer to the phone, the report at the pool unchanged, and a
    // copy stored by the collector.
    let mut expected = Vec::new();
    for (target, body) in reports() {
        for (flag, version) in VERSIONS {
            let target = per_version(&target, version);
            let sent = Sent::report(&target, body);
            let what = format!("POST {target} over HTTP/{version}");
            let before = pool.requests().len();
            let answer = send(&nginx, &tls, flag, &sent);
            assert_eq!(answer.version, version, "{what}");
            assert_pool_answer(&answer, &what);
            let got = pool.requests();
            assert_eq!(got.len(), before + 1, "{what}: one request at the pool");
            assert_unchanged(&got[before], &sent, &nginx, &what);
            expected.push(expected_row(&target, body));
            assert_eq!(rows_when(&database, expected.len()), expected, "{what}: the copy stored");
        }
    }

    // Everything else: the pool, unchanged; no copy.
    let binary_body: Vec<u8> = (0..=255u8).rev().collect();
    let others = [
        Sent::other("GET", "/ucwa/oauth/v1/applications/1/communication/conversations", None),
        Sent::other("GET", DOCUMENTED, None),
        Sent::other("POST", "/ucwa/oauth/v1/applications/1/communication/messaging/messages?x=%2F", Some(&binary_body)),
    ];
    for sent in &others {
        for (flag, version) in VERSIONS {
            let what = format!("{} {} over HTTP/{version}", sent.method, sent.target);
            let before = pool.requests().len();
            let answer = send(&nginx, &tls, flag, sent);
            assert_pool_answer(&answer, &what);
            let got = pool.requests();
            assert_eq!(got.len(), before + 1, "{what}: one request at the pool");
            assert_unchanged(&got[before], sent, &nginx, &what);
        }
    }
    // One more report: its copy comes after any copy of the requests above would have.
    let last = per_version(DOCUMENTED, "last");
    assert_pool_answer(&send(&nginx, &tls, "--http1.1", &Sent::report(&last, SEED_JSON)), "the last report");
    expected.push(expected_row(&last, SEED_JSON));
    assert_eq!(rows_when(&database, expected.len()), expected, "one copy per report, none of the rest");

    // The collector stopped: the phones still get the pool's answers, at once.
    assert!(collector.terminate().success());
    for (flag, version) in VERSIONS {
        let sent = Sent::report(ONLINE, SEED_JSON);
        let before = pool.requests().len();
        let answer = send(&nginx, &tls, flag, &sent);
        assert_pool_answer(&answer, &format!("collector down, a report over HTTP/{version}"));
        assert!(answer.seconds < 5.0, "the phone waited for the copy: {answer:?}");
        assert_unchanged(&pool.requests()[before], &sent, &nginx, "collector down");
        assert_pool_answer(&send(&nginx, &tls, flag, &others[0]), "collector down, another request");
    }
    assert_eq!(rows(&database), expected, "nothing stored while the collector was down");
    drop(nginx);
    drop(dir);
}
