//! The command line: every flag, with the environment variable that can set it instead.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use humantime::Duration as Span;
use mediadiag::{Scope, Scopes};

use crate::store::Dimension;

/// Where reports go when no `--store` is given.
const DEFAULT_STORE: &str = "sqlite:mediadiag.db";

/// Receives UCWA reportMediaDiagnostics from desk phones and stores every report durably:
/// a 204 means every store committed it.
#[derive(Debug, Parser)]
#[command(name = "mediadiag-collector", version, args_conflicts_with_subcommands = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    #[command(flatten)]
    pub(crate) serve: Serve,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Counts the stored reports per errorCode and errorSubcode over a window.
    Summary(Summary),
}

/// Flags of the service itself.
#[derive(Debug, Args)]
pub(crate) struct Serve {
    /// Address to serve reportMediaDiagnostics on.
    #[arg(long, env = "MEDIADIAG_LISTEN", default_value = "127.0.0.1:8080")]
    pub(crate) listen: SocketAddr,

    /// A static bearer token: `TOKEN` grants both Conversations scopes, `TOKEN=SCOPE,SCOPE`
    /// only those listed. Repeatable (space-separated in the variable). Without any token
    /// or JWT flag, a random token is made and printed.
    #[arg(long = "token", env = "MEDIADIAG_TOKEN", value_name = "TOKEN[=SCOPE,SCOPE]", value_parser = parse_token, value_delimiter = ' ')]
    pub(crate) tokens: Vec<Token>,

    /// Verify bearer JWTs signed with this HS256 secret (32 bytes or more).
    #[arg(long, env = "MEDIADIAG_JWT_HS256", value_name = "SECRET", conflicts_with = "tokens")]
    pub(crate) jwt_hs256: Option<String>,

    /// Verify bearer JWTs with the keys of this JWKS file or http(s) URL.
    #[arg(long, env = "MEDIADIAG_JWKS", value_name = "PATH_OR_URL", conflicts_with = "tokens")]
    pub(crate) jwks: Option<String>,

    /// The `aud` a JWT must carry.
    #[arg(long, env = "MEDIADIAG_JWT_AUDIENCE", value_name = "AUD")]
    pub(crate) jwt_audience: Option<String>,

    /// The `iss` a JWT must carry.
    #[arg(long, env = "MEDIADIAG_JWT_ISSUER", value_name = "ISS")]
    pub(crate) jwt_issuer: Option<String>,

    /// Where reports are committed before their 204: `sqlite:PATH` (optionally
    /// `?max_page_count=N`), `jsonl:-` (stdout), `jsonl:PATH`, or
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=prefer|disable|require]` (or
    /// `postgresql://`). Repeatable (space-separated in the variable): a 204 means every store
    /// committed.
    #[arg(
        long = "store",
        env = "MEDIADIAG_STORE",
        value_name = "URL",
        default_value = DEFAULT_STORE,
        value_delimiter = ' '
    )]
    pub(crate) stores: Vec<String>,

    /// Store no SIP URIs: the Online href's `fromUri` and `toUri` name people; with this flag
    /// their columns stay NULL (the call id and the modality are still stored).
    #[arg(long, env = "MEDIADIAG_NO_SIP_URIS")]
    pub(crate) no_sip_uris: bool,

    /// Power-loss durability: SQLite `synchronous=FULL`, an fsync per batch for JSON-lines
    /// files. Without it a 204'd report survives a crash or kill of the collector, not a power
    /// loss.
    #[arg(long, env = "MEDIADIAG_FSYNC")]
    pub(crate) fsync: bool,

    /// Serve HTTPS with this PEM certificate chain (with --tls-key). SIGHUP reads the pair
    /// again; a pair that fails to load leaves the one in use.
    #[arg(long, env = "MEDIADIAG_TLS_CERT", value_name = "PATH", requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert (PKCS#8, RSA or SEC1).
    #[arg(long, env = "MEDIADIAG_TLS_KEY", value_name = "PATH", requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,

    /// Time a new connection has to finish its TLS handshake; then it is closed and frees its
    /// --max-connections slot.
    #[arg(long, env = "MEDIADIAG_TLS_HANDSHAKE_TIMEOUT", value_name = "DURATION", default_value_t = Span::from(Duration::from_secs(10)))]
    pub(crate) tls_handshake_timeout: Span,

    /// Address of /metrics, /healthz and /readyz, or `off` (plain HTTP: keep it on loopback or
    /// a private network).
    #[arg(long, env = "MEDIADIAG_ADMIN", value_name = "ADDR|off", default_value = "127.0.0.1:9464", value_parser = parse_admin)]
    pub(crate) admin: Admin,

    /// Largest accepted body, in bytes; larger ones get 413.
    #[arg(long, env = "MEDIADIAG_BODY_LIMIT", value_name = "BYTES", default_value_t = tower_mediadiag::DEFAULT_BODY_LIMIT)]
    pub(crate) body_limit: usize,

    /// Time allowed for a whole body to arrive; then 408.
    #[arg(long, env = "MEDIADIAG_READ_TIMEOUT", value_name = "DURATION", default_value_t = Span::from(tower_mediadiag::DEFAULT_READ_TIMEOUT))]
    pub(crate) read_timeout: Span,

    /// Deadline of the commit: past it, 504.
    #[arg(long, env = "MEDIADIAG_CALLBACK_TIMEOUT", value_name = "DURATION", default_value_t = Span::from(tower_mediadiag::DEFAULT_CALLBACK_TIMEOUT))]
    pub(crate) callback_timeout: Span,

    /// Most reports waiting for their commit at once; past that, 503 with Retry-After at once
    /// (the layer's default: see the README on why it is below --queue-capacity).
    #[arg(long, env = "MEDIADIAG_MAX_CONCURRENT_CALLBACKS", value_name = "N", default_value_t = tower_mediadiag::DEFAULT_MAX_CONCURRENT_CALLBACKS)]
    pub(crate) max_concurrent_callbacks: usize,

    /// Reports each store's queue holds; past that, 503 with Retry-After at once.
    #[arg(long, env = "MEDIADIAG_QUEUE_CAPACITY", value_name = "N", default_value_t = mediadiag_batch::DEFAULT_QUEUE_CAPACITY)]
    pub(crate) queue_capacity: usize,

    /// Most reports in one transaction.
    #[arg(long, env = "MEDIADIAG_MAX_BATCH", value_name = "N", default_value_t = mediadiag_batch::DEFAULT_MAX_BATCH)]
    pub(crate) max_batch: usize,

    /// The Retry-After seconds of a 503.
    #[arg(long, env = "MEDIADIAG_RETRY_AFTER", value_name = "SECONDS", default_value_t = tower_mediadiag::DEFAULT_RETRY_AFTER_SECONDS)]
    pub(crate) retry_after: u32,

    /// Most open connections; more are closed as soon as they are accepted, never queued.
    #[arg(long, env = "MEDIADIAG_MAX_CONNECTIONS", value_name = "N", default_value_t = 10_000)]
    pub(crate) max_connections: usize,

    /// HTTP/1: time from when a connection waits for a request (a new connection, or an idle
    /// keep-alive one) until the request's whole head has arrived; then the connection closes.
    /// It is also the keep-alive idle timeout.
    #[arg(long, env = "MEDIADIAG_HEADER_READ_TIMEOUT", value_name = "DURATION", default_value_t = Span::from(Duration::from_secs(30)))]
    pub(crate) header_read_timeout: Span,

    /// HTTP/2: most concurrent streams per connection.
    #[arg(long, env = "MEDIADIAG_HTTP2_MAX_STREAMS", value_name = "N", default_value_t = 100)]
    pub(crate) http2_max_streams: u32,

    /// HTTP/2: a connection is pinged after this long without frames, and closed if the ping
    /// is not answered within the same time.
    #[arg(long, env = "MEDIADIAG_HTTP2_KEEP_ALIVE", value_name = "DURATION", default_value_t = Span::from(Duration::from_secs(60)))]
    pub(crate) http2_keep_alive: Span,

    /// Time the whole shutdown may take after SIGTERM or Ctrl-C: in-flight requests finish,
    /// then queued reports commit, within this one deadline. A second signal exits at once.
    #[arg(long, env = "MEDIADIAG_DRAIN_TIMEOUT", value_name = "DURATION", default_value_t = Span::from(Duration::from_secs(30)))]
    pub(crate) drain_timeout: Span,

    /// A file whose first line is the admin page's password: the page (`GET /` on --admin)
    /// then asks for it (HTTP Basic, any user name) and shows principals too. Without it the
    /// page is open and shows no personal data.
    #[arg(long, env = "MEDIADIAG_ADMIN_PASSWORD_FILE", value_name = "PATH")]
    pub(crate) admin_password_file: Option<std::path::PathBuf>,

    /// Delete reports older than this from the sqlite: and postgres:// stores, in the
    /// background, in small transactions. Without it every report is kept.
    #[arg(long, env = "MEDIADIAG_RETENTION", value_name = "DURATION")]
    pub(crate) retention: Option<Span>,
}

/// Flags of `summary`.
#[derive(Debug, Args)]
pub(crate) struct Summary {
    /// The store to read: `sqlite:PATH` or `postgres://...` (as `--store`).
    #[arg(long, env = "MEDIADIAG_STORE", value_name = "URL", default_value = DEFAULT_STORE)]
    pub(crate) store: String,

    /// The window's start: reports received this long ago or later (`24h`, `7d`), or at
    /// this UTC time or later (`2026-12-01T00:00:00Z`).
    #[arg(long, value_name = "DURATION|TIME", default_value = "24h", value_parser = parse_moment)]
    pub(crate) since: Moment,

    /// One JSON object on stdout instead of the table, for scripts.
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,

    /// What to count by: code, subcode, pair, user-agent, modality, application, principal,
    /// from-uri, to-uri, hour, day.
    /// Repeatable or comma-separated (`--by pair,day`): one row per combination.
    #[arg(long, value_name = "DIMENSION", default_value = "pair", value_delimiter = ',', value_parser = parse_dimension)]
    pub(crate) by: Vec<Dimension>,

    /// The window's end: reports received before this long ago, or before this UTC time.
    #[arg(long, value_name = "DURATION|TIME", value_parser = parse_moment)]
    pub(crate) until: Option<Moment>,

    /// At most this many rows (the total still counts every report of the window).
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<u64>,

    /// CSV on stdout instead of the table, for spreadsheets: a header line, then one line per
    /// row.
    #[arg(long)]
    pub(crate) csv: bool,
}

/// A point in time on the command line: a duration ago, or an RFC 3339 UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Moment {
    Ago(Duration),
    At(std::time::SystemTime),
}

impl Moment {
    /// The time it names, seen from `now`; never before 1970 (RFC 3339 text is written from
    /// there on, and no report is older).
    pub(crate) fn at(self, now: std::time::SystemTime) -> std::time::SystemTime {
        let time = match self {
            Moment::Ago(ago) => now.checked_sub(ago).unwrap_or(std::time::UNIX_EPOCH),
            Moment::At(time) => time,
        };
        time.max(std::time::UNIX_EPOCH)
    }
}

fn parse_moment(value: &str) -> Result<Moment, String> {
    if let Ok(ago) = humantime::parse_duration(value) {
        return Ok(Moment::Ago(ago));
    }
    humantime::parse_rfc3339_weak(value)
        .map(Moment::At)
        .map_err(|_| format!("{value:?} is neither a duration (24h, 7d) nor a UTC time (2026-12-01T00:00:00Z)"))
}

fn parse_dimension(value: &str) -> Result<Dimension, String> {
    Dimension::from_name(value).ok_or_else(|| {
        let names: Vec<&str> = Dimension::ALL.iter().map(|dimension| dimension.name()).collect();
        format!("{value:?} is none of {}", names.join(", "))
    })
}

/// A static token and the scopes it grants.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) token: String,
    pub(crate) scopes: Scopes,
}

/// `--admin`: an address, or `off`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Admin {
    Off,
    On(SocketAddr),
}

fn parse_admin(value: &str) -> Result<Admin, String> {
    if value == "off" {
        return Ok(Admin::Off);
    }
    value.parse().map(Admin::On).map_err(|_| format!("{value:?} is neither an address (HOST:PORT) nor `off`"))
}

/// `TOKEN` (both Conversations scopes) or `TOKEN=SCOPE,SCOPE` (only these; names that are no
/// scope grant nothing). Scope names contain a dot and base64 never does, so UCWA tokens like
/// `cwt=AbC` stay whole.
pub(crate) fn parse_token(value: &str) -> Result<Token, String> {
    let listed = value.rsplit_once('=').filter(|(_, scopes)| scopes.split(',').all(|scope| scope.contains('.')));
    let (token, scopes) = match listed {
        Some((token, scopes)) => (token, scopes.split(',').filter_map(Scope::from_name).collect()),
        None => (value, Scopes::BOTH),
    };
    if token.is_empty() {
        return Err("the token is empty".to_owned());
    }
    Ok(Token { token: token.to_owned(), scopes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_grant_both_scopes_or_the_listed_ones() {
        let both = parse_token("cwt=AbC+/9==").unwrap();
        assert_eq!((both.token.as_str(), both.scopes), ("cwt=AbC+/9==", Scopes::BOTH));
        let receive = parse_token("phone=Conversations.Receive").unwrap();
        assert_eq!((receive.token.as_str(), receive.scopes), ("phone", Scopes::from_scp("Conversations.Receive")));
        assert_eq!(parse_token("other=User.ReadWrite").unwrap().scopes, Scopes::NONE);
        assert!(parse_token("").is_err());
        assert!(parse_token("=Conversations.Receive").is_err());
    }

    #[test]
    fn every_flag_parses_and_admin_can_be_off() {
        let cli =
            Cli::try_parse_from(["mediadiag-collector", "--admin", "off", "--store", "jsonl:-", "--fsync"]).unwrap();
        assert!(matches!(cli.serve.admin, Admin::Off));
        assert_eq!(cli.serve.stores, ["jsonl:-"]);
        assert!(cli.serve.fsync);
        assert!(Cli::try_parse_from(["mediadiag-collector", "--admin", "nowhere"]).is_err());
        let summary = Cli::try_parse_from(["mediadiag-collector", "summary", "--since", "2h", "--json"]).unwrap();
        assert!(matches!(summary.command, Some(Command::Summary(Summary { json: true, .. }))));
    }

    #[test]
    fn summary_dimensions_repeat_or_are_comma_separated_and_moments_are_durations_or_times() {
        let Some(Command::Summary(summary)) =
            Cli::try_parse_from(["mediadiag-collector", "summary", "--by", "pair,day", "--by", "user-agent"])
                .unwrap()
                .command
        else {
            panic!("not the summary")
        };
        assert_eq!(summary.by, [Dimension::Pair, Dimension::Day, Dimension::UserAgent]);
        assert_eq!(summary.since, Moment::Ago(Duration::from_secs(86400)));
        let at = parse_moment("2026-12-01T00:00:00Z").unwrap();
        assert_eq!(at.at(std::time::SystemTime::now()), humantime::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
        assert_eq!(Moment::Ago(Duration::MAX).at(std::time::SystemTime::now()), std::time::UNIX_EPOCH);
        assert!(parse_moment("yesterday").is_err());
        assert!(Cli::try_parse_from(["mediadiag-collector", "summary", "--json", "--csv"]).is_err());
        assert!(Cli::try_parse_from(["mediadiag-collector", "summary", "--by", "firmware"]).is_err());
    }
}
