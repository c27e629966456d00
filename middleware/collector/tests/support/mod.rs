//! Test support: the real collector binary started in a directory of its own, a blocking
//! HTTP/1.1 client on loopback, and curl.
#![allow(dead_code)]

pub mod postgres;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const TOKEN: &str = "cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5";
/// The resource page's JSON example, byte for byte.
pub const SEED_JSON: &str = "{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}";
/// The resource page's XML example, byte for byte.
pub const SEED_XML: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n  <property name=\"errorCode\">TooManyRequests</property>\n  <property name=\"errorSubcode\">MediaNegotiationFailure</property>\n</input>";

/// The resource path of conversation `conversation` of application 192.
pub fn resource(conversation: &str) -> String {
    format!("/ucwa/v1/applications/192/communication/conversations/{conversation}/audioVideo/reportMediaDiagnostics")
}

/// The path of the resource page's example (conversation 137).
pub fn example_path() -> String {
    resource("137")
}

/// Lines of a stream, delivered through a channel so reads can time out.
fn lines(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
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

pub fn next_line(lines: &mpsc::Receiver<String>) -> String {
    lines.recv_timeout(Duration::from_secs(30)).expect("the collector went quiet")
}

/// A running collector process.
pub struct Collector {
    pub child: Child,
    pub stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
    /// Lines of stderr read while starting, not yet looked at by a test.
    backlog: RefCell<VecDeque<String>>,
    /// The reportMediaDiagnostics address.
    pub address: String,
    /// The admin address, when the admin endpoints are on.
    pub admin: Option<String>,
}

impl Collector {
    /// Starts the collector in `dir` on ephemeral ports, admin endpoints included.
    pub fn start_in(dir: &Path, args: &[&str]) -> Collector {
        Collector::start_with_env(dir, args, &[])
    }

    /// [`Collector::start_in`], with these environment variables set.
    pub fn start_with_env(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Collector {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"));
        command.current_dir(dir).args(["--listen", "127.0.0.1:0"]).envs(env.iter().copied());
        if !args.contains(&"--admin") {
            command.args(["--admin", "127.0.0.1:0"]);
        }
        let mut child =
            command.args(args).env("RUST_LOG", "info").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        let mut collector =
            Collector { child, stdout, stderr, backlog: RefCell::default(), address: String::new(), admin: None };
        let mut early = VecDeque::new();
        loop {
            let line = next_line(&collector.stderr);
            if let Some((_, admin)) = line.split_once("admin endpoints on http://") {
                collector.admin = admin.split('/').next().map(str::to_owned);
            }
            if let Some((_, address)) = line.split_once("listening on ") {
                collector.address = address.split_whitespace().next().unwrap().to_owned();
                break;
            }
            early.push_back(line);
        }
        collector.backlog = RefCell::new(early);
        collector
    }

    /// Reads stderr up to a line containing `marker`; returns what follows it.
    pub fn stderr_until(&self, marker: &str) -> String {
        loop {
            let line = self.backlog.borrow_mut().pop_front().unwrap_or_else(|| next_line(&self.stderr));
            if let Some((_, rest)) = line.split_once(marker) {
                return rest.to_owned();
            }
        }
    }

    /// Sends a body with curl; returns the HTTP status curl saw.
    pub fn curl(&self, token: &str, content_type: &str, body: &str) -> String {
        curl_status(&self.address, &example_path(), token, content_type, body)
    }

    /// `GET` of an admin endpoint: the status and the body.
    pub fn admin_get(&self, path: &str) -> (u16, String) {
        let admin = self.admin.as_deref().expect("the admin endpoints are on");
        let reply = request(admin, &format!("GET {path} HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n"));
        (reply.status, reply.body)
    }

    /// Sends `signal` (`-TERM`, `-INT`), then waits for the exit.
    pub fn signal(mut self, signal: &str) -> ExitStatus {
        let sent = Command::new("kill").args([signal, &self.child.id().to_string()]).status().unwrap();
        assert!(sent.success());
        self.stderr_until("stopped");
        self.child.wait().unwrap()
    }

    /// SIGTERM, then the exit status.
    pub fn terminate(self) -> ExitStatus {
        self.signal("-TERM")
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// curl's status for a POST of `body` to `path`.
pub fn curl_status(address: &str, path: &str, token: &str, content_type: &str, body: &str) -> String {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--output", "/dev/null", "--write-out", "%{http_code}"])
        .args(["-H", &format!("Authorization: Bearer {token}"), "-H", &format!("Content-Type: {content_type}")])
        .args(["--data-binary", body, &format!("http://{address}{path}")])
        .output()
        .expect("curl must be installed (Debian package curl)");
    assert!(output.status.success(), "curl failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// An HTTP/1.1 response as read off the wire.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// A keep-alive HTTP/1.1 connection that sends reports one after another.
pub struct Phone {
    stream: BufReader<TcpStream>,
}

impl Phone {
    pub fn connect(address: &str) -> std::io::Result<Phone> {
        let stream = TcpStream::connect(address)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.set_nodelay(true)?;
        Ok(Phone { stream: BufReader::new(stream) })
    }

    /// POSTs a JSON report for `conversation`; the response, or the I/O error that ended the
    /// connection.
    pub fn report(&mut self, conversation: &str, body: &str) -> std::io::Result<Reply> {
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: collector\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            resource(conversation),
            body.len()
        );
        let stream = self.stream.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        read_reply(&mut self.stream)
    }
}

/// Reads one response: the head, then `Content-Length` bytes of body.
fn read_reply(stream: &mut BufReader<TcpStream>) -> std::io::Result<Reply> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head.split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let reply = Reply { status, head, body: String::new() };
    let length: usize = reply.header("content-length").and_then(|length| length.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body)?;
    Ok(Reply { body: String::from_utf8_lossy(&body).into_owned(), ..reply })
}

/// Sends one whole request on a new connection and reads the response.
pub fn request(address: &str, request: &str) -> Reply {
    let stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut stream = BufReader::new(stream);
    stream.get_mut().write_all(request.as_bytes()).unwrap();
    read_reply(&mut stream).unwrap()
}

/// The conversation ids stored in the SQLite file, read by this process (not the collector);
/// a report to the Online href, which names a call, as `call:` and its call id.
pub fn stored_conversations(database: &Path) -> Vec<String> {
    let connection = rusqlite::Connection::open(database).unwrap();
    let mut query = connection.prepare("SELECT coalesce(conversation_id, 'call:' || call_id) FROM reports").unwrap();
    query.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
}

/// A temporary directory and the database path in it.
pub fn database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mediadiag.db");
    (dir, path)
}

/// POSTs a JSON report for `conversation` with a `User-Agent` (as a phone's firmware names
/// itself) on a new connection; the response.
pub fn report_as(address: &str, user_agent: &str, conversation: &str, body: &str) -> Reply {
    request(
        address,
        &format!(
            "POST {} HTTP/1.1\r\nHost: collector\r\nUser-Agent: {user_agent}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            resource(conversation),
            body.len()
        ),
    )
}

/// The directory of the build's outputs (`CARGO_TARGET_DIR`, else the one holding the
/// collector binary), where tests leave what a person may want to look at.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_mediadiag-collector"));
    binary.ancestors().nth(2).map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir)
}
