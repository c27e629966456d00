//! The collector: a hyper server on loopback with the reportMediaDiagnostics layer in front
//! of a tiny inner service (`GET /healthz` answers `ok`, anything else 404).
//!
//! Each accepted report is one JSON line on stdout; logs go to stderr.
//!
//! ```text
//! cargo run --release --example collector -- [--listen ADDR] [--token TOKEN[=SCOPE,SCOPE]]...
//! cargo run --release --example collector -- [--listen ADDR] [--jwt-hs256 SECRET] [--jwks PATH_OR_URL]
//!     [--jwt-audience AUD] [--jwt-issuer ISS]
//! ```
//!
//! With JWT flags, bearer tokens are verified JWTs (scopes from `scp`). Otherwise, without
//! `--token`, one random token granting both Conversations scopes is made and printed with
//! a ready-to-paste curl command. SIGTERM or Ctrl-C stop accepting, let
//! in-flight requests finish (up to 30 s), then exit.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_mediadiag::jwt::JwtScopes;
use tower_mediadiag::{
    Authorization, MediaDiagnosticsLayer, Rejection, Reported, Scope, ScopeSource, Scopes, StaticTokens,
};

/// How long in-flight requests may take to finish after a shutdown signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a JWKS URL is fetched again.
const JWKS_REFRESH: Duration = Duration::from_secs(300);

#[derive(Default)]
struct JwtOptions {
    hs256: Option<String>,
    jwks: Option<String>,
    audience: Option<String>,
    issuer: Option<String>,
}

struct Options {
    listen: SocketAddr,
    tokens: Vec<(String, Scopes)>,
    jwt: JwtOptions,
}

/// Static tokens or verified JWTs, as the flags chose.
enum CollectorScopes {
    Static(StaticTokens),
    Jwt(JwtScopes),
}

impl ScopeSource for CollectorScopes {
    fn authorize(&self, headers: &http::HeaderMap, extensions: &http::Extensions) -> Authorization {
        match self {
            CollectorScopes::Static(tokens) => tokens.authorize(headers, extensions),
            CollectorScopes::Jwt(jwt) => jwt.authorize(headers, extensions),
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: collector [--listen ADDR] [--token TOKEN[=SCOPE,SCOPE]]...");
    eprintln!(
        "       collector [--listen ADDR] [--jwt-hs256 SECRET] [--jwks PATH_OR_URL] [--jwt-audience AUD] [--jwt-issuer ISS]"
    );
    eprintln!("  a token alone grants Conversations.Initiate and Conversations.Receive;");
    eprintln!("  TOKEN=SCOPE,SCOPE grants only the listed scopes (names with a dot, as Conversations.Receive)");
    std::process::exit(2)
}

fn parse_options() -> Options {
    let mut options =
        Options { listen: SocketAddr::from(([127, 0, 0, 1], 8080)), tokens: Vec::new(), jwt: JwtOptions::default() };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--listen" => options.listen = value.parse().unwrap_or_else(|_| usage()),
            "--token" => options.tokens.push(parse_token(&value).unwrap_or_else(|| usage())),
            "--jwt-hs256" => options.jwt.hs256 = Some(value),
            "--jwks" => options.jwt.jwks = Some(value),
            "--jwt-audience" => options.jwt.audience = Some(value),
            "--jwt-issuer" => options.jwt.issuer = Some(value),
            _ => usage(),
        }
    }
    let jwt_given = options.jwt.hs256.is_some() || options.jwt.jwks.is_some();
    let jwt_claims_given = options.jwt.audience.is_some() || options.jwt.issuer.is_some();
    if (jwt_given && !options.tokens.is_empty()) || (jwt_claims_given && !jwt_given) {
        usage();
    }
    options
}

/// The JWT verifier the flags describe, or `None` without JWT flags.
async fn jwt_scopes(options: JwtOptions) -> Result<Option<JwtScopes>, tower_mediadiag::jwt::JwtError> {
    if options.hs256.is_none() && options.jwks.is_none() {
        return Ok(None);
    }
    let mut builder = JwtScopes::builder();
    if let Some(secret) = options.hs256 {
        builder = builder.hs256_secret(secret);
    }
    if let Some(audience) = options.audience {
        builder = builder.audience(audience);
    }
    if let Some(issuer) = options.issuer {
        builder = builder.issuer(issuer);
    }
    match options.jwks {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            builder.build_with_jwks_url(&url, JWKS_REFRESH).await.map(Some)
        }
        Some(path) => builder.jwks_file(path).build().map(Some),
        None => builder.build().map(Some),
    }
}

/// `TOKEN` (both Conversations scopes) or `TOKEN=SCOPE,SCOPE` (only these; other names are
/// ignored). Scope names contain a dot and base64 never does, so UCWA tokens like `cwt=AbC`
/// stay whole.
fn parse_token(value: &str) -> Option<(String, Scopes)> {
    let listed = value.rsplit_once('=').filter(|(_, scopes)| scopes.split(',').all(|scope| scope.contains('.')));
    match listed {
        Some((token, scopes)) if !token.is_empty() => {
            Some((token.to_owned(), scopes.split(',').filter_map(Scope::from_name).collect()))
        }
        Some(_) => None,
        None if !value.is_empty() => Some((value.to_owned(), Scopes::BOTH)),
        None => None,
    }
}

/// 32 hex digits from the operating system's random source.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if read.is_err() {
        // Fall back on the standard library's randomly keyed hasher.
        use std::hash::{BuildHasher, RandomState};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            chunk.copy_from_slice(&RandomState::new().hash_one(i).to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes one report as a JSON line on stdout; the 204 is sent only after this returns.
async fn print_report(reported: Reported) -> Result<(), Rejection> {
    let report = reported.report();
    let line = serde_json::json!({
        "applicationId": reported.application_id(),
        "conversationId": reported.conversation_id(),
        "errorCode": report.error_code.map(|code| code.as_str()),
        "errorSubcode": report.error_subcode.map(|subcode| subcode.as_str()),
        "mediaType": reported.media_type().as_str(),
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").and_then(|()| stdout.flush()).map_err(|_| Rejection::callback_channel_error())
}

/// The inner service: `GET /healthz` is `ok`, everything else 404.
async fn inner(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, body) = match (request.method(), request.uri().path()) {
        (&http::Method::GET, "/healthz") => (StatusCode::OK, "ok"),
        _ => (StatusCode::NOT_FOUND, "not found"),
    };
    Ok(Response::builder().status(status).body(Full::new(Bytes::from_static(body.as_bytes()))).unwrap_or_default())
}

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let mut options = parse_options();
    let listener = TcpListener::bind(options.listen).await?;
    let address = listener.local_addr()?;
    let jwt = match jwt_scopes(std::mem::take(&mut options.jwt)).await {
        Ok(jwt) => jwt,
        Err(error) => {
            eprintln!("collector: {error}");
            std::process::exit(2);
        }
    };
    if jwt.is_none() && options.tokens.is_empty() {
        let token = random_token();
        eprintln!("token: {token} (grants Conversations.Initiate and Conversations.Receive)");
        eprintln!(
            "try: curl -i -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \
             -d '{{\"errorCode\":\"BadRequest\",\"errorSubcode\":\"InviteesOnly\"}}' \
             http://{address}/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics"
        );
        options.tokens.push((token, Scopes::BOTH));
    }
    let scopes = match jwt {
        Some(jwt) => CollectorScopes::Jwt(jwt),
        None => CollectorScopes::Static(
            options.tokens.into_iter().fold(StaticTokens::new(), |tokens, (t, s)| tokens.with_token(t, s)),
        ),
    };
    let service =
        ServiceBuilder::new().layer(MediaDiagnosticsLayer::new(print_report).scope_source(scopes)).service_fn(inner);
    eprintln!("listening on {address}");

    let builder = auto::Builder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
    let mut signal = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::warn!(%error, "accept failed");
                        continue;
                    }
                };
                let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service.clone()));
                let connection = graceful.watch(connection.into_owned());
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            () = &mut signal => break,
        }
    }
    drop(listener);
    eprintln!("shutting down: finishing in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => eprintln!("all connections closed"),
        () = tokio::time::sleep(DRAIN_TIMEOUT) => eprintln!("timed out waiting for connections to close"),
    }
    Ok(())
}
