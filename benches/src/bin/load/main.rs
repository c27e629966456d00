//! HTTP load comparison on loopback, one command:
//!
//! ```text
//! cargo build --release -p mediadiag-collector
//! cargo run --release -p mediadiag-benches --bin load -- [--seconds 5] [--connections 32] [--rounds 3]
//! ```
//!
//! Starts six servers, each its own process with one tokio worker thread: (a) bare hyper
//! answering 204, (b) an axum `Json` handler with hand validation, (c) hyper with the
//! `tower-mediadiag` layer and a callback that only counts, (d) the collector with
//! `--store jsonl:-` (stdout to /dev/null), (e) the collector with its default SQLite store,
//! (f) the same with `--fsync`, (g) the collector with a PostgreSQL store (a cluster this
//! command starts with Debian's binaries, default durability), and (h) the durable peer an
//! operator would write by hand: an axum handler storing each report with sqlx's SQLite pool,
//! one committed INSERT per request, 204 after the commit. Drives each with `wrk` (one
//! thread, keep-alive, fixed connections and duration), interleaved A B C D E H F (then A, E, H
//! and F at 256 connections, E and G at 64), the resource page's JSON example as the body. Where `taskset` exists the servers share CPU 1
//! and wrk has CPU 0. Prints req/s, p50 and p99 latency (medians over the rounds), peak RSS,
//! and the ratios; then the SQLite store alone, committing batches of 1024 reports on one
//! thread; then the HTTPS comparison of [`tls`] (`--https-only 1` runs only that).

use std::io::Write;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use mediadiag_benches::bodies::SEED_JSON;
use mediadiag_benches::stacks::{self, PATH, TOKEN};
use tower::ServiceBuilder;

mod tls;

/// A real PostgreSQL for the `postgres` target: the tests' harness.
#[path = "../../../../middleware/collector/tests/support/postgres.rs"]
mod postgres;

/// What is measured: a label, the server kind, and its connections (`None`: `--connections`).
const TARGETS: [(&str, &str, Option<u32>); 14] = [
    ("bare", "bare", None),
    ("axum_json", "axum_json", None),
    ("layer", "layer", None),
    ("jsonl", "collector_jsonl", None),
    ("sqlite", "collector_sqlite", None),
    ("sqlx", "axum_sqlx", None),
    ("sqlite+page", "collector_sqlite_page", None),
    ("fsync", "collector_fsync", None),
    ("bare@256", "bare", Some(256)),
    ("sqlite@256", "collector_sqlite", Some(256)),
    ("sqlx@256", "axum_sqlx", Some(256)),
    ("fsync@256", "collector_fsync", Some(256)),
    ("sqlite@64", "collector_sqlite", Some(64)),
    ("postgres@64", "collector_postgres", Some(64)),
];

/// How long the page's reloader waits after each load.
const RELOAD_PAUSE: Duration = Duration::from_millis(100);

/// Reports per batch when the SQLite store is measured alone.
const STORE_BATCH: usize = 1024;

struct Settings {
    seconds: u32,
    connections: u32,
    rounds: u32,
    /// 0: the plain HTTP comparison and the HTTPS one; 1: only HTTPS.
    https_only: u32,
}

fn settings() -> Settings {
    let mut settings = Settings { seconds: 5, connections: 32, rounds: 3, https_only: 0 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value: u32 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
        match flag.as_str() {
            "--seconds" => settings.seconds = value,
            "--connections" => settings.connections = value,
            "--rounds" => settings.rounds = value,
            "--https-only" => settings.https_only = value,
            _ => usage(),
        }
    }
    settings
}

fn usage() -> ! {
    eprintln!("usage: load [--seconds N] [--connections N] [--rounds N] [--https-only 1]   (needs wrk on the PATH)");
    std::process::exit(2)
}

/// `load serve KIND [DATABASE]`: one server on an ephemeral port, which it prints, until
/// killed; the durable peer stores into the SQLite file DATABASE.
fn serve(kind: &str, database: Option<&str>) -> ! {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let durable = match (kind, database) {
            ("axum_sqlx", Some(path)) => Some(
                mediadiag_benches::durable_peer::router(std::path::Path::new(path)).await.expect("the peer's pool"),
            ),
            _ => None,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        announce(listener.local_addr().expect("an address"));
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let io = TokioIo::new(stream);
            let http = hyper::server::conn::http1::Builder::new();
            match kind {
                "bare" => {
                    let service = hyper::service::service_fn(stacks::bare::<hyper::body::Incoming>);
                    tokio::spawn(http.serve_connection(io, service));
                }
                "axum_json" => {
                    let service = TowerToHyperService::new(stacks::axum_json());
                    tokio::spawn(http.serve_connection(io, service));
                }
                "axum_sqlx" => {
                    let router = durable.clone().expect("the durable peer's database");
                    tokio::spawn(http.serve_connection(io, TowerToHyperService::new(router)));
                }
                _ => {
                    let service = ServiceBuilder::new()
                        .layer(stacks::layer())
                        .service_fn(stacks::not_found::<hyper::body::Incoming>);
                    tokio::spawn(http.serve_connection(io, TowerToHyperService::new(service)));
                }
            }
        }
    })
}

/// Prints a server's address for the command that started it.
fn announce(address: SocketAddr) {
    println!("{address}");
    std::io::stdout().flush().expect("stdout");
}

struct Server {
    child: Child,
    address: SocketAddr,
    /// The admin listener, for the collector whose page is refreshed during its run.
    admin: Option<SocketAddr>,
}

impl Drop for Server {
    /// Servers end with this program, even when it panics.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `program` as a command, on CPU `cpu` when `taskset` exists.
fn pinned(cpu: u32, program: &std::path::Path) -> Command {
    if Command::new("taskset").arg("--version").output().is_ok_and(|out| out.status.success()) {
        let mut command = Command::new("taskset");
        command.args(["-c", &cpu.to_string()]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// The collector binary, built next to this program.
fn collector_binary() -> std::path::PathBuf {
    let this = std::env::current_exe().expect("this program");
    let binary = this.with_file_name("mediadiag-collector");
    assert!(binary.exists(), "{} is missing: cargo build --release -p mediadiag-collector", binary.display());
    binary
}

fn start(kind: &'static str, scratch: &std::path::Path, database: &str) -> Server {
    let Some(store) = kind.strip_prefix("collector_") else {
        let mut command = pinned(1, &std::env::current_exe().expect("this program"));
        command.args(["serve", kind]);
        match kind {
            "bare_tls" => command.arg(scratch.join("tls.crt")).arg(scratch.join("tls.key")),
            _ => command.arg(scratch.join(format!("{kind}.db"))),
        };
        let mut child = command.stdout(Stdio::piped()).spawn().expect("a server process");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("the server's address");
        return Server { child, address: line.trim().parse().expect("an address"), admin: None };
    };
    let mut command = pinned(1, &collector_binary());
    command.args(["--listen", "127.0.0.1:0", "--token", TOKEN]);
    command.args(["--admin", if store == "sqlite_page" { "127.0.0.1:0" } else { "off" }]);
    match store {
        "jsonl" => command.args(["--store", "jsonl:-"]),
        "tls" | "behind_nginx" => {
            command.arg("--store").arg(format!("sqlite:{}", scratch.join(format!("{store}.db")).display()))
        }
        "sqlite" | "sqlite_page" => {
            command.arg("--store").arg(format!("sqlite:{}", scratch.join(format!("{store}.db")).display()))
        }
        "postgres" => command.args(["--store", database]),
        _ => command.arg("--fsync").arg("--store").arg(format!("sqlite:{}", scratch.join("fsync.db").display())),
    };
    if store == "tls" {
        command.args(tls::collector_flags(&tls::Pair { cert: scratch.join("tls.crt"), key: scratch.join("tls.key") }));
    }
    let mut child = command
        .env("TOKIO_WORKER_THREADS", "1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the collector");
    let mut stderr = std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().expect("piped stderr")));
    let mut admin = None;
    let address = stderr
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            if let Some((_, rest)) = line.split_once("admin endpoints on http://") {
                admin = rest.split('/').next().and_then(|address| address.parse().ok());
            }
            Some(line.split_once("listening on ")?.1.split_whitespace().next()?.to_owned())
        })
        .expect("the collector's address");
    // The rest of its log is read and dropped, so that the pipe never fills.
    std::thread::spawn(move || stderr.for_each(drop));
    Server { child, address: address.parse().expect("an address"), admin }
}

/// A thread loading the admin page (`GET /`) again and again until stopped, as a browser that
/// reloads [`RELOAD_PAUSE`] after each load completes (ten times a second, faster than any
/// person).
struct Refresher {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl Refresher {
    /// Stops the loop; how many pages it loaded.
    fn stop(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

fn refresh_page(admin: SocketAddr) -> Refresher {
    use std::io::Read;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let thread = std::thread::spawn(move || {
        let mut loads = 0;
        while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
            let Ok(mut stream) = std::net::TcpStream::connect(admin) else { break };
            let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
            let mut page = Vec::new();
            if stream.read_to_end(&mut page).is_ok() && page.starts_with(b"HTTP/1.1 200") {
                loads += 1;
            }
            std::thread::sleep(RELOAD_PAUSE);
        }
        loads
    });
    Refresher { stop, thread }
}

/// Peak resident set of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// One wrk run's throughput and latency percentiles (microseconds).
#[derive(Clone, Copy, Default)]
struct Run {
    requests_per_second: f64,
    p50_us: f64,
    p99_us: f64,
}

fn microseconds(text: &str) -> Option<f64> {
    let (number, unit) = text.split_at(text.find(|c: char| c.is_ascii_alphabetic())?);
    let number: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => number,
        "ms" => number * 1e3,
        "s" => number * 1e6,
        _ => return None,
    })
}

fn wrk(address: SocketAddr, script: &std::path::Path, seconds: u32, connections: u32) -> Run {
    wrk_url(&format!("http://{address}{PATH}"), script, seconds, connections)
}

fn wrk_url(url: &str, script: &std::path::Path, seconds: u32, connections: u32) -> Run {
    let output = pinned(0, std::path::Path::new("wrk"))
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency"])
        .arg("-s")
        .arg(script)
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("cannot run wrk ({e}); install it (Debian package wrk)"));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("Non-2xx"), "some requests did not get 204:\n{text}");
    let mut run = Run::default();
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Requests/sec:"), Some(value)) => run.requests_per_second = value.parse().unwrap_or(0.0),
            (Some("50%"), Some(value)) => run.p50_us = microseconds(value).unwrap_or(0.0),
            (Some("99%"), Some(value)) => run.p99_us = microseconds(value).unwrap_or(0.0),
            _ => {}
        }
    }
    run
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// `load store`: the SQLite store alone, on this thread, committing batches of
/// [`STORE_BATCH`] reports for `seconds`; prints reports committed per second.
fn measure_store(seconds: u32) -> ! {
    use mediadiag_batch::{Batch, Record, Store};
    use mediadiag_collector::store::SqliteStore;
    let dir = std::env::temp_dir().join(format!("mediadiag-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let mut store = SqliteStore::open(&dir.join("store.db"), false, None).expect("the SQLite store");
    let report = mediadiag::Report::from_json(SEED_JSON).expect("the seed");
    let record = |n: usize| Record {
        received_at: std::time::SystemTime::now(),
        application_id: "192".to_owned(),
        conversation_id: Some(format!("conversation-{n}")),
        call_id: None,
        from_uri: None,
        to_uri: None,
        modality: None,
        report,
        media_type: mediadiag::MediaType::from_content_type(b"application/json").expect("a media type"),
        user_agent: Some("desk-phone/1.0".to_owned()),
        principal: None,
        remote_addr: Some(SocketAddr::from(([127, 0, 0, 1], 50_000))),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    let started = std::time::Instant::now();
    let mut committed = 0;
    while started.elapsed() < Duration::from_secs(u64::from(seconds)) {
        let batch: Batch = (committed..committed + STORE_BATCH).map(record).collect();
        runtime.block_on(store.commit(&batch)).expect("a commit");
        committed += STORE_BATCH;
    }
    println!("{:.0}", committed as f64 / started.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
    std::process::exit(0)
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("serve") if std::env::args().nth(2).as_deref() == Some("bare_tls") => {
            let arg = |n| std::path::PathBuf::from(std::env::args().nth(n).unwrap_or_default());
            tls::serve_bare(&arg(3), &arg(4))
        }
        Some("serve") => serve(&std::env::args().nth(2).unwrap_or_default(), std::env::args().nth(3).as_deref()),
        Some("store") => measure_store(std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(3)),
        _ => {}
    }
    let settings = settings();
    let script = std::env::temp_dir().join(format!("mediadiag-load-{}.lua", std::process::id()));
    let body = String::from_utf8_lossy(SEED_JSON).replace('\n', "\\n").replace('"', "\\\"");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"{body}\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {TOKEN}\"\n"
        ),
    )
    .expect("the wrk script");
    let scratch = std::env::temp_dir().join(format!("mediadiag-load-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    if settings.https_only == 0 {
        plain(&settings, &script, &scratch);
    }
    https(&settings, &script, &scratch);
    let _ = std::fs::remove_file(&script);
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The plain HTTP comparison: every target of [`TARGETS`], then the SQLite store alone.
fn plain(settings: &Settings, script: &std::path::Path, scratch: &std::path::Path) {
    // PostgreSQL with its default durability (synchronous_commit=on), on any CPU.
    let database = postgres::Postgres::start();
    let mut servers: Vec<Server> = TARGETS.iter().map(|(_, kind, _)| start(kind, scratch, &database.url())).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); TARGETS.len()];
    for round in 1..=settings.rounds {
        for (index, (label, _, connections)) in TARGETS.iter().enumerate() {
            let connections = connections.unwrap_or(settings.connections);
            // The operator's page refreshed in a loop, from CPU 0, while wrk runs.
            let refreshing = servers[index].admin.map(refresh_page);
            let run = wrk(servers[index].address, script, settings.seconds, connections);
            let refreshes = refreshing.map(Refresher::stop);
            eprintln!(
                "round {round} {label:<10} {:>9.0} req/s  p50 {:>7.0} us  p99 {:>7.0} us{}",
                run.requests_per_second,
                run.p50_us,
                run.p99_us,
                refreshes.map_or(String::new(), |pages| format!("  ({pages} page loads)"))
            );
            runs[index].push(run);
        }
    }
    println!(
        "\n{} rounds of {} s, {} connections (unless the label says), wrk -t1 on CPU 0, servers with one worker thread on CPU 1",
        settings.rounds, settings.seconds, settings.connections
    );
    println!("{:<10} {:>10} {:>10} {:>10} {:>12}", "server", "req/s", "p50 us", "p99 us", "peak RSS KiB");
    let mut throughput = Vec::new();
    for ((server, runs), (label, _, _)) in servers.iter_mut().zip(&runs).zip(TARGETS) {
        let rps = median(runs.iter().map(|r| r.requests_per_second).collect());
        let p50 = median(runs.iter().map(|r| r.p50_us).collect());
        let p99 = median(runs.iter().map(|r| r.p99_us).collect());
        let rss = peak_rss_kib(server.child.id());
        println!("{label:<10} {rps:>10.0} {p50:>10.0} {p99:>10.0} {rss:>12}");
        throughput.push(rps);
        let _ = server.child.kill();
        let _ = server.child.wait();
    }
    if let [
        bare,
        axum,
        layer,
        jsonl,
        sqlite,
        sqlx,
        paged,
        _,
        bare_256,
        sqlite_256,
        sqlx_256,
        _,
        sqlite_64,
        postgres_64,
    ] = throughput[..]
    {
        println!(
            "sqlite collector with its page refreshed in a loop / without: {:.2}x (goal at least 0.95x)",
            paged / sqlite
        );
        println!("\nlayer / bare hyper req/s:       {:.2}x (goal at least 0.9x)", layer / bare);
        println!("layer / axum Json req/s:        {:.2}x", layer / axum);
        println!("jsonl collector / bare hyper:   {:.2}x (goal at least 0.85x)", jsonl / bare);
        println!("jsonl collector / axum Json:    {:.2}x (goal at least 1.2x)", jsonl / axum);
        println!("sqlite collector / bare hyper:  {:.2}x (goal at least 0.7x)", sqlite / bare);
        println!("sqlite collector / axum Json:   {:.2}x (goal at least 1.1x)", sqlite / axum);
        println!("sqlite collector / sqlx peer:   {:.2}x (goal at least 5x)", sqlite / sqlx);
        println!(
            "at 256 connections: sqlite collector / bare hyper {:.2}x (goal at least 0.7x)",
            sqlite_256 / bare_256
        );
        println!("at 256 connections: sqlite collector / sqlx peer  {:.2}x (goal at least 5x)", sqlite_256 / sqlx_256);
        println!(
            "postgres at 64 connections:     {postgres_64:.0} reports/s (goal at least 50000); sqlite at 64: {sqlite_64:.0}"
        );
    }
    drop(database);
    let alone = pinned(1, &std::env::current_exe().expect("this program"))
        .args(["store", &settings.seconds.to_string()])
        .output()
        .expect("the store measurement");
    let alone = String::from_utf8_lossy(&alone.stdout);
    println!(
        "SQLite store alone, one thread, batches of {STORE_BATCH}: {} reports/s (goal at least 500000)",
        alone.trim()
    );
}

/// The HTTPS comparison ([`tls`]): a new connection per request, then keep-alive, against
/// the bare TLS server and nginx terminating TLS.
fn https(settings: &Settings, script: &std::path::Path, scratch: &std::path::Path) {
    let pair = tls::pair(scratch);
    let close = scratch.join("close.lua");
    let keep_alive = std::fs::read_to_string(script).expect("the wrk script");
    std::fs::write(&close, format!("{keep_alive}wrk.headers[\"Connection\"] = \"close\"\n")).expect("a wrk script");
    let bare = start("bare_tls", scratch, "");
    let collector = start("collector_tls", scratch, "");
    let behind = start("collector_behind_nginx", scratch, "");
    let Some(nginx) = tls::start_nginx(scratch, &pair, behind.address) else {
        println!("\nHTTPS: nginx is not installed (apt-get install nginx): the comparison was not run");
        return;
    };
    let servers = [("bare TLS", &bare), ("collector", &collector), ("nginx", &nginx)];
    let mut rates = [[Vec::new(), Vec::new(), Vec::new()], [Vec::new(), Vec::new(), Vec::new()]];
    for round in 1..=settings.rounds {
        for (mode, wrk_script) in [close.as_path(), script].into_iter().enumerate() {
            for (index, (label, server)) in servers.iter().enumerate() {
                let url = format!("https://{}{PATH}", server.address);
                let run = wrk_url(&url, wrk_script, settings.seconds, settings.connections);
                let how = if mode == 0 { "new connection each" } else { "keep-alive" };
                eprintln!("round {round} https {label:<9} {how:<19} {:>9.0} req/s", run.requests_per_second);
                rates[mode][index].push(run.requests_per_second);
            }
        }
    }
    println!(
        "\nHTTPS, {} rounds of {} s, {} connections, one worker each on CPU 1 (nginx too), SQLite store",
        settings.rounds, settings.seconds, settings.connections
    );
    for (mode, how) in ["new connection each", "keep-alive"].into_iter().enumerate() {
        let [bare, collector, nginx] = [0, 1, 2].map(|index| median(rates[mode][index].clone()));
        println!("{how:<20} bare TLS {bare:>9.0}  collector {collector:>9.0}  nginx + collector {nginx:>9.0} req/s");
        println!(
            "{how:<20} collector / bare TLS {:.2}x (goal at least 0.9x), collector / nginx termination {:.2}x (goal at least 1.0x)",
            collector / bare,
            collector / nginx
        );
    }
    drop((nginx, behind, collector, bare));
}
