//! A real Prometheus server scrapes the collector's `/metrics`; its HTTP API must count as many
//! reports as got 204. Needs the `prometheus` binary (Debian's package, which CI installs).

mod support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{Collector, Phone, SEED_JSON};

/// A free loopback port (there is a small window before Prometheus binds it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Prometheus(Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `query`'s value as a number, once Prometheus has one.
fn query(prometheus: &str, query: &str) -> Option<f64> {
    let encoded: String = query
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'_' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let reply = std::panic::catch_unwind(|| {
        support::request(
            prometheus,
            &format!("GET /api/v1/query?query={encoded} HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n"),
        )
    })
    .ok()?;
    let json: serde_json::Value = serde_json::from_str(&reply.body).ok()?;
    json["data"]["result"][0]["value"][1].as_str()?.parse().ok()
}

#[test]
fn prometheus_scrapes_as_many_reports_as_got_204() {
    let Some(binary) =
        ["/usr/bin/prometheus", "/usr/local/bin/prometheus"].into_iter().find(|p| std::path::Path::new(p).exists())
    else {
        assert!(std::env::var_os("MEDIADIAG_REQUIRE_PROMETHEUS").is_none(), "no prometheus binary, and CI requires it");
        eprintln!(
            "SKIPPED prometheus_scrapes_as_many_reports_as_got_204: no prometheus binary (apt-get install prometheus)"
        );
        return;
    };
    let (dir, path) = support::database();
    let store = format!("sqlite:{}", path.display());
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    let admin = collector.admin.clone().unwrap();
    let mut phone = Phone::connect(&collector.address).unwrap();
    let mut accepted = 0;
    for n in 0..50 {
        let body = if n % 5 == 0 { r#"{"errorCode":"Gone"}"# } else { SEED_JSON };
        if phone.report(&format!("scraped-{n}"), body).unwrap().status == 204 {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 50);

    // The shipped alert rules are loaded as an operator would, under the job name they expect.
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/prometheus/alerts.yml");
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {rules}\nscrape_configs:\n  - job_name: mediadiag-collector\n    static_configs:\n      - targets: ['{admin}']\n"),
    )
    .unwrap();
    let web = format!("127.0.0.1:{}", free_port());
    let _prometheus = Prometheus(
        Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", dir.path().join("tsdb").display()))
            .arg(format!("--web.listen-address={web}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let seen = loop {
        let seen = query(&web, "sum(mediadiag_reports_total)");
        if seen == Some(f64::from(accepted)) || Instant::now() > deadline {
            break seen;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(seen, Some(f64::from(accepted)), "Prometheus' sum of mediadiag_reports_total");
    assert_eq!(query(&web, r#"sum(mediadiag_reports_total{error_code="Gone",error_subcode=""})"#), Some(10.0));
    assert_eq!(query(&web, r#"sum(mediadiag_requests_total{status="204"})"#), Some(50.0));
    assert!(query(&web, "sum(mediadiag_store_commit_duration_seconds_count)").is_some_and(|commits| commits >= 1.0));
    assert_eq!(query(&web, "sum(mediadiag_store_ready)"), Some(1.0), "the one store is ready");
    let rules = Command::new("curl").args(["--silent", &format!("http://{web}/api/v1/rules")]).output().unwrap();
    let rules = String::from_utf8_lossy(&rules.stdout);
    assert!(rules.contains("MediadiagStoreNotReady"), "the shipped rules are loaded: {rules}");
    assert_eq!(query(&web, "count(ALERTS)"), None, "a healthy collector fires no alert");
    assert!(collector.terminate().success());
}
