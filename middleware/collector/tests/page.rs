//! The operator's page (`GET /` on the admin listener) of a real collector: in headless
//! Chromium, with and without the admin password, and when its store cannot be read.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use support::{Collector, database, report_as, request};

/// A user agent that would set the page's title if it ran.
const SCRIPT_AGENT: &str = "<script>document.title='pwned'</script>";
/// Where the page is shown in a browser's window, as the README's picture is.
const WINDOW: &str = "--window-size=1280,1600";

/// A row of table `reports`, inserted directly.
struct Row<'a> {
    ago: Duration,
    code: Option<&'a str>,
    subcode: Option<&'a str>,
    user_agent: &'a str,
    principal: Option<&'a str>,
    /// The Online href's call context (schema version 2): modality, from and to URIs.
    online: Option<(&'a str, &'a str, &'a str)>,
}

/// Inserts `rows` into the collector's database (its writer waits for this transaction).
fn insert(path: &Path, rows: &[Row<'_>]) {
    let mut connection = rusqlite::Connection::open(path).unwrap();
    connection.busy_timeout(Duration::from_secs(5)).unwrap();
    let transaction = connection.transaction().unwrap();
    let now = SystemTime::now();
    for (n, row) in rows.iter().enumerate() {
        let received_at = humantime::format_rfc3339_millis(now - row.ago).to_string();
        transaction
            .execute(
                "INSERT INTO reports (received_at, application_id, conversation_id, error_code, error_subcode, \
                 media_type, user_agent, principal, remote_addr, modality, from_uri, to_uri) \
                 VALUES (?1, '192', ?2, ?3, ?4, 'application/json', ?5, ?6, '127.0.0.1:5060', ?7, ?8, ?9)",
                rusqlite::params![
                    received_at,
                    format!("history-{n}"),
                    row.code,
                    row.subcode,
                    row.user_agent,
                    row.principal,
                    row.online.map(|online| online.0),
                    row.online.map(|online| online.1),
                    row.online.map(|online| online.2)
                ],
            )
            .unwrap();
    }
    transaction.commit().unwrap();
}

/// A day of reports from a small fleet, the same every run: 1,000 rows.
fn history() -> Vec<Row<'static>> {
    const PAIRS: [(Option<&str>, Option<&str>, u64); 6] = [
        (Some("BadRequest"), Some("InviteesOnly"), 34),
        (Some("TooManyRequests"), Some("MediaNegotiationFailure"), 22),
        (Some("ServiceFailure"), Some("CallbackChannelError"), 14),
        (Some("Gone"), None, 12),
        (Some("Timeout"), None, 10),
        (Some("Conflict"), Some("AlreadyExists"), 8),
    ];
    const AGENTS: [&str; 4] =
        ["Polycom/5.9.1", "Polycom/6.1.0", "Yealink SIP-T58A 58.86.0.5", "AudioCodes 450HD/3.4.6"];
    const PEOPLE: [&str; 3] = ["alice@contoso.example", "bob@contoso.example", "carol@contoso.example"];
    const CALLS: [Option<(&str, &str, &str)>; 4] = [
        None,
        Some(("Audio", "sip:dave@fabrikam.example", "sip:alice@contoso.example")),
        Some(("Audio", "sip:erin@fabrikam.example", "sip:bob@contoso.example")),
        Some(("Video", "sip:dave@fabrikam.example", "sip:carol@contoso.example")),
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..1000)
        .map(|_| {
            // More in the recent hours, as a fault that spreads; all within the last 24 hours
            // with half a minute to spare.
            let hour = (next() % 24).min(next() % 24);
            let ago = Duration::from_secs(3600 * hour + next() % 3540 + 30);
            let mut pick = next() % 100;
            let mut chosen = PAIRS[0];
            for pair in PAIRS {
                if pick < pair.2 {
                    chosen = pair;
                    break;
                }
                pick -= pair.2;
            }
            let (code, subcode, _) = chosen;
            Row {
                ago,
                code,
                subcode,
                user_agent: AGENTS[(next() % 4) as usize],
                principal: Some(PEOPLE[(next() % 3) as usize]),
                online: CALLS[(next() % 4) as usize],
            }
        })
        .collect()
}

/// A collector on a SQLite store holding [`history`] and five reports sent over HTTP: three
/// from a phone whose user agent is a script. `args`: more flags.
fn collector_with_reports(args: &[&str]) -> (tempfile::TempDir, PathBuf, Collector) {
    let (dir, path) = database();
    // Relative to the collector's directory, so that the page (and its screenshot) names the
    // store as an operator's would, not by a temporary path.
    let store = format!("sqlite:{}", path.file_name().unwrap().to_string_lossy());
    let collector = Collector::start_in(dir.path(), &[&["--token", support::TOKEN, "--store", &store], args].concat());
    for n in 0..3 {
        let reply = report_as(&collector.address, SCRIPT_AGENT, &format!("script-{n}"), r#"{"errorCode":"Gone"}"#);
        assert_eq!(reply.status, 204);
    }
    for n in 0..2 {
        let reply = report_as(&collector.address, "Polycom/5.9.1", &format!("real-{n}"), support::SEED_JSON);
        assert_eq!(reply.status, 204);
    }
    insert(&path, &history());
    (dir, path, collector)
}

/// `GET path` on the admin listener with these extra header lines: the reply.
fn get(collector: &Collector, path: &str, headers: &str) -> support::Reply {
    let admin = collector.admin.as_deref().unwrap();
    request(admin, &format!("GET {path} HTTP/1.1\r\nHost: admin\r\n{headers}Connection: close\r\n\r\n"))
}

/// A Chromium binary, if one is installed; without one the test says SKIPPED, unless
/// `MEDIADIAG_REQUIRE_CHROMIUM` is set (then it fails).
fn chromium(test: &str) -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].iter().find_map(|name| {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        assert!(std::env::var_os("MEDIADIAG_REQUIRE_CHROMIUM").is_none(), "no chromium binary, and it is required");
        eprintln!("SKIPPED {test}: no chromium binary (apt-get install chromium)");
    }
    found
}

/// Runs headless Chromium on `url` with `args`, within a minute; its standard output.
fn headless(binary: &Path, profile: &Path, args: &[&str], url: &str) -> String {
    let mut child = Command::new(binary)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within a minute on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

/// The text of the element with `id` in `dom`, tags left in.
fn element<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in the page"));
    let rest = &dom[start..];
    &rest[..rest.find("</section>").or_else(|| rest.find("</table>")).unwrap_or(rest.len())]
}

#[test]
fn a_browser_shows_the_counts_the_drill_down_and_the_script_user_agent_as_text() {
    let test = "a_browser_shows_the_counts_the_drill_down_and_the_script_user_agent_as_text";
    let Some(chromium) = chromium(test) else { return };
    let (dir, _path, collector) = collector_with_reports(&[]);
    let admin = collector.admin.clone().unwrap();
    let profile = dir.path().join("chromium");

    let dom = headless(&chromium, &profile, &["--dump-dom"], &format!("http://{admin}/"));
    assert!(dom.contains("<title>mediadiag: 1005 reports in 24h</title>"), "{dom}");
    assert!(element(&dom, "total").contains("<b>1,005</b>"), "{dom}");
    assert!(element(&dom, "stores").contains("ready"));
    assert!(element(&dom, "since-start").contains("<b>5</b>"), "five reports answered 204 since start");
    let pairs = element(&dom, "pairs");
    assert!(pairs.contains("href=\"/?since=24h&amp;pair=Gone/\""), "{pairs}");
    assert!(pairs.contains(">BadRequest</a>") && pairs.contains(">InviteesOnly</a>"), "{pairs}");
    assert!(element(&dom, "legend").contains("TooManyRequests"));
    assert!(dom.contains("<svg"), "the chart is inline SVG");

    // The drill-down of Gone/(none): its user agents, the script among them as text.
    let drill = headless(&chromium, &profile, &["--dump-dom"], &format!("http://{admin}/?pair=Gone/"));
    assert!(drill.contains("<title>mediadiag: 1005 reports in 24h</title>"), "the script did not run: {drill}");
    assert!(!drill.contains("pwned</title>"));
    let agents = element(&drill, "user-agents");
    assert!(agents.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "{agents}");
    assert!(!agents.contains("<script"), "{agents}");
    assert!(element(&drill, "drill").contains("Gone / (none)"));
    assert!(drill.contains("id=\"personal-hidden\""), "no principals without the password");
    assert!(!drill.contains("contoso.example"));

    // A picture for a person to look at (the README's docs/page.png is one).
    let pictures = support::target_dir().join("page");
    std::fs::create_dir_all(&pictures).unwrap();
    let picture = pictures.join("page.png");
    let _ = std::fs::remove_file(&picture);
    let url = format!("http://{admin}/?pair=BadRequest/InviteesOnly");
    headless(&chromium, &profile, &[&format!("--screenshot={}", picture.display()), WINDOW], &url);
    assert!(std::fs::metadata(&picture).unwrap().len() > 10_000, "a screenshot of the page");
    eprintln!("the page as a browser shows it: {}", picture.display());
    assert!(collector.terminate().success());
}

#[test]
fn without_a_password_the_page_is_open_and_shows_no_personal_data() {
    let (_dir, _path, collector) = collector_with_reports(&[]);
    let page = get(&collector, "/?since=7d&pair=BadRequest/InviteesOnly", "");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.header("content-security-policy").unwrap().starts_with("default-src 'none'"));
    assert!(page.body.contains("Polycom/5.9.1"), "user agents are shown");
    assert!(element(&page.body, "modalities").contains(">Audio<"), "modalities are shown");
    assert!(!page.body.contains("contoso.example"), "principals and SIP URIs are not");
    assert!(!page.body.contains("sip:"));
    assert!(!page.body.contains("127.0.0.1:5060"), "nor addresses");
    assert!(!page.body.contains(support::TOKEN), "nor tokens");
    assert!(!page.body.contains("<script"), "no script at all");
    assert_eq!(get(&collector, "/?since=soon", "").status, 400);
    assert!(collector.terminate().success());
}

#[test]
fn with_a_password_the_page_asks_for_it_and_shows_principals() {
    let dir = tempfile::tempdir().unwrap();
    let password_file = dir.path().join("admin-password");
    std::fs::write(&password_file, "correct horse battery staple\n").unwrap();
    let flag = password_file.display().to_string();
    let (_dir, _path, collector) = collector_with_reports(&["--admin-password-file", &flag]);
    let basic = |credentials: &str| {
        use base64::Engine as _;
        format!("Authorization: Basic {}\r\n", base64::engine::general_purpose::STANDARD.encode(credentials))
    };

    let refused = get(&collector, "/", "");
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("www-authenticate"), Some("Basic realm=\"mediadiag\", charset=\"UTF-8\""));
    assert!(!refused.body.contains("BadRequest"), "nothing of the reports before the password");
    assert_eq!(get(&collector, "/", &basic("admin:wrong")).status, 401);
    assert_eq!(get(&collector, "/", &basic("admin:correct horse battery stapl")).status, 401);

    let page = get(&collector, "/?pair=BadRequest/InviteesOnly", &basic("admin:correct horse battery staple"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"principals\""), "{}", page.body);
    assert!(element(&page.body, "principals").contains(">alice@contoso.example<"));
    assert!(element(&page.body, "from-uris").contains(">sip:dave@fabrikam.example<"));
    assert!(element(&page.body, "to-uris").contains(">sip:carol@contoso.example<"));
    // Any user name: the password is the credential.
    assert_eq!(get(&collector, "/", &basic("operator:correct horse battery staple")).status, 200);

    // The other admin endpoints stay open.
    for path in ["/metrics", "/healthz", "/readyz"] {
        assert_eq!(get(&collector, path, "").status, 200, "{path}");
    }
    assert!(collector.terminate().success());
}

#[test]
fn a_password_file_that_cannot_be_read_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mediadiag-collector"))
        .current_dir(dir.path())
        .args(["--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--store", "jsonl:-"])
        .args(["--admin-password-file", "missing"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--admin-password-file missing"));
}

#[test]
fn a_store_that_cannot_be_read_is_answered_503_saying_so() {
    // No SQL store at all.
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", "jsonl:-"]);
    let page = get(&collector, "/", "");
    assert_eq!(page.status, 503);
    assert!(page.body.contains("No sqlite: or postgres:// store to read"), "{}", page.body);
    assert!(page.body.contains("id=\"stores\""), "what the process knows is still shown");
    assert!(collector.terminate().success());

    // A SQLite file that is gone.
    let (dir, path) = database();
    let store = format!("sqlite:{}", path.display());
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &store]);
    std::fs::remove_file(&path).unwrap();
    let page = get(&collector, "/", "");
    assert_eq!(page.status, 503);
    assert!(page.body.contains(&format!("The store {store} cannot be read")), "{}", page.body);
}

#[test]
fn answers_are_read_again_only_after_a_few_seconds_per_query() {
    let (_dir, path, collector) = collector_with_reports(&[]);
    let total = |page: &support::Reply| {
        let at = page.body.find("<title>mediadiag: ").unwrap() + "<title>mediadiag: ".len();
        page.body[at..].split(' ').next().unwrap().parse::<u64>().unwrap()
    };
    let read = Instant::now();
    let first = get(&collector, "/", "");
    insert(
        &path,
        &[Row {
            ago: Duration::from_secs(5),
            code: Some("Gone"),
            subcode: None,
            user_agent: "x",
            principal: None,
            online: None,
        }],
    );
    let again = get(&collector, "/", "");
    let another = get(&collector, "/?since=25h", "");
    assert_eq!(total(&first), 1005);
    assert_eq!(total(&another), 1006, "another query reads the store");
    if read.elapsed() < Duration::from_secs(5) {
        assert_eq!(total(&again), 1005, "the same query within 5 s is answered from the cache");
    }
    assert!(collector.terminate().success());
}

#[test]
fn the_page_reads_postgres_through_a_read_only_session() {
    use support::postgres::{Postgres, available};
    if !available("the_page_reads_postgres_through_a_read_only_session") {
        return;
    }
    let postgres = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &postgres.url()]);
    let started = Instant::now();
    let mut sent = 0;
    while sent < 3 {
        match report_as(&collector.address, SCRIPT_AGENT, &format!("pg-{sent}"), r#"{"errorCode":"Gone"}"#).status {
            204 => sent += 1,
            // Until the writer has connected.
            503 if started.elapsed() < Duration::from_secs(10) => std::thread::sleep(Duration::from_millis(100)),
            status => panic!("{status}"),
        }
    }
    let page = get(&collector, "/?pair=Gone/", "");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<title>mediadiag: 3 reports in 24h</title>"));
    assert!(element(&page.body, "user-agents").contains("&lt;script&gt;document.title="));
    // The page read through a session of its own: the writer's last statement is its INSERT,
    // the page's the end of its read transaction.
    let sessions = postgres
        .psql("SELECT left(query, 6) FROM pg_stat_activity WHERE application_name = 'mediadiag-collector' ORDER BY 1");
    assert_eq!(sessions.lines().collect::<Vec<_>>(), ["COMMIT", "INSERT"], "{sessions}");
    assert!(collector.terminate().success());

    // A database that is down: 503, saying so.
    let collector = Collector::start_in(dir.path(), &["--token", support::TOKEN, "--store", &postgres.url()]);
    postgres.stop("fast");
    let page = get(&collector, "/", "");
    assert_eq!(page.status, 503);
    assert!(page.body.contains("cannot be read"), "{}", page.body);
}
