//! HTTP load comparison on loopback, one command:
//!
//! ```text
//! cargo run --release -p mediadiag-benches --bin load -- [--seconds 5] [--connections 32] [--rounds 3]
//! ```
//!
//! Starts three servers, each its own process with one tokio worker thread: (a) bare hyper
//! answering 204, (b) an axum `Json` handler with hand validation, (c) hyper with the
//! `tower-mediadiag` layer. Drives each with `wrk` (one thread, keep-alive, fixed connections
//! and duration), interleaved A B C A B C, the resource page's JSON example as the body.
//! Prints req/s, p50 and p99 latency (medians over the rounds), peak RSS, and the ratios.

use std::io::Write;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use mediadiag_benches::bodies::SEED_JSON;
use mediadiag_benches::stacks::{self, PATH, TOKEN};
use tower::ServiceBuilder;

const KINDS: [&str; 3] = ["bare", "axum_json", "layer"];

struct Settings {
    seconds: u32,
    connections: u32,
    rounds: u32,
}

fn settings() -> Settings {
    let mut settings = Settings { seconds: 5, connections: 32, rounds: 3 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value: u32 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
        match flag.as_str() {
            "--seconds" => settings.seconds = value,
            "--connections" => settings.connections = value,
            "--rounds" => settings.rounds = value,
            _ => usage(),
        }
    }
    settings
}

fn usage() -> ! {
    eprintln!("usage: load [--seconds N] [--connections N] [--rounds N]   (needs wrk on the PATH)");
    std::process::exit(2)
}

/// `load serve KIND`: one server on an ephemeral port, which it prints, until killed.
fn serve(kind: &str) -> ! {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        println!("{}", listener.local_addr().expect("an address"));
        std::io::stdout().flush().expect("stdout");
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

struct Server {
    kind: &'static str,
    child: Child,
    address: SocketAddr,
}

fn start(kind: &'static str) -> Server {
    let mut child = Command::new(std::env::current_exe().expect("this program"))
        .args(["serve", kind])
        .stdout(Stdio::piped())
        .spawn()
        .expect("a server process");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("the server's address");
    Server { kind, child, address: line.trim().parse().expect("an address") }
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

fn wrk(address: SocketAddr, script: &std::path::Path, settings: &Settings) -> Run {
    let output = Command::new("wrk")
        .args(["-t1", &format!("-c{}", settings.connections), &format!("-d{}s", settings.seconds), "--latency"])
        .arg("-s")
        .arg(script)
        .arg(format!("http://{address}{PATH}"))
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

fn main() {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        serve(&std::env::args().nth(2).unwrap_or_default());
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
    let mut servers: Vec<Server> = KINDS.iter().map(|kind| start(kind)).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); KINDS.len()];
    for round in 1..=settings.rounds {
        for (index, server) in servers.iter().enumerate() {
            let run = wrk(server.address, &script, &settings);
            eprintln!(
                "round {round} {:<10} {:>9.0} req/s  p50 {:>7.0} us  p99 {:>7.0} us",
                server.kind, run.requests_per_second, run.p50_us, run.p99_us
            );
            runs[index].push(run);
        }
    }
    let _ = std::fs::remove_file(&script);
    println!(
        "\n{} rounds of {} s, {} connections, wrk -t1, servers with one worker thread each",
        settings.rounds, settings.seconds, settings.connections
    );
    println!("{:<10} {:>10} {:>10} {:>10} {:>12}", "server", "req/s", "p50 us", "p99 us", "peak RSS KiB");
    let mut throughput = Vec::new();
    for (server, runs) in servers.iter_mut().zip(&runs) {
        let rps = median(runs.iter().map(|r| r.requests_per_second).collect());
        let p50 = median(runs.iter().map(|r| r.p50_us).collect());
        let p99 = median(runs.iter().map(|r| r.p99_us).collect());
        let rss = peak_rss_kib(server.child.id());
        println!("{:<10} {rps:>10.0} {p50:>10.0} {p99:>10.0} {rss:>12}", server.kind);
        throughput.push(rps);
        let _ = server.child.kill();
        let _ = server.child.wait();
    }
    if let [bare, axum, layer] = throughput[..] {
        println!("\nlayer / bare hyper req/s: {:.2}x (goal at least 0.9x)", layer / bare);
        println!("layer / axum Json req/s:  {:.2}x (goal at least 1.2x)", layer / axum);
    }
}
