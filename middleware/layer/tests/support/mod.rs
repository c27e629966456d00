//! Test support: a real hyper server on loopback with the layer in front of a counting inner
//! service, a recording callback whose behaviour a test sets, and real HTTP clients.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tower::ServiceBuilder;
use tower_mediadiag::{
    MediaDiagnosticsLayer, Rejection, Report, ReportHandler, Reported, ScopeSource, Scopes, StaticTokens,
};

pub const RESOURCE: &str =
    "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics";
pub const TOKEN: &str = "test-token";
pub const RECEIVE_ONLY_TOKEN: &str = "receive-only";
pub const INITIATE_ONLY_TOKEN: &str = "initiate-only";
pub const NO_SCOPE_TOKEN: &str = "no-scope";

/// The resource page's JSON example, byte for byte.
pub const SEED_JSON: &str = "{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}";
/// The resource page's XML example, byte for byte.
pub const SEED_XML: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n  <property name=\"errorCode\">TooManyRequests</property>\n  <property name=\"errorSubcode\">MediaNegotiationFailure</property>\n</input>";

/// What the recording callback does with the next reports.
#[derive(Clone, Copy, Debug)]
pub enum Behaviour {
    Accept,
    Reject(Rejection),
    Panic,
    Sleep(Duration),
    /// Chosen per report by its subcode: `Declined` is rejected (409), `Ejected` panics,
    /// `TemporarilyUnavailable` sleeps 2 s, `Busy` sleeps 20 ms, anything else is accepted.
    BySubcode,
}

impl Behaviour {
    fn for_report(self, report: Report) -> Behaviour {
        use tower_mediadiag::ErrorSubcode;
        match (self, report.error_subcode) {
            (Behaviour::BySubcode, Some(ErrorSubcode::Declined)) => Behaviour::Reject(Rejection::conflict()),
            (Behaviour::BySubcode, Some(ErrorSubcode::Ejected)) => Behaviour::Panic,
            (Behaviour::BySubcode, Some(ErrorSubcode::TemporarilyUnavailable)) => {
                Behaviour::Sleep(Duration::from_secs(2))
            }
            (Behaviour::BySubcode, Some(ErrorSubcode::Busy)) => Behaviour::Sleep(Duration::from_millis(20)),
            (Behaviour::BySubcode, _) => Behaviour::Accept,
            (behaviour, _) => behaviour,
        }
    }
}

/// A report as the callback received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub application_id: String,
    pub conversation_id: String,
    /// The call's context as the href named it, owned.
    pub context: tower_mediadiag::CallContext<'static>,
    pub report: Report,
    pub scopes: Scopes,
}

/// The callback: records what it accepts, behaves as told.
#[derive(Clone, Default)]
pub struct Recorder {
    pub held: Arc<Mutex<Vec<Held>>>,
    pub calls: Arc<AtomicUsize>,
    behaviour: Arc<Mutex<Option<Behaviour>>>,
}

impl Recorder {
    pub fn set(&self, behaviour: Behaviour) {
        *self.behaviour.lock().unwrap() = Some(behaviour);
    }

    pub fn held(&self) -> Vec<Held> {
        self.held.lock().unwrap().clone()
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ReportHandler for Recorder {
    type Future = Pin<Box<dyn Future<Output = Result<(), Rejection>> + Send>>;

    fn handle(&self, reported: Reported) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let behaviour = self.behaviour.lock().unwrap().unwrap_or(Behaviour::Accept).for_report(reported.report());
        let held = self.held.clone();
        Box::pin(async move {
            match behaviour {
                Behaviour::Accept => {}
                Behaviour::Reject(rejection) => return Err(rejection),
                Behaviour::Panic => panic!("the callback panicked on purpose"),
                Behaviour::Sleep(duration) => tokio::time::sleep(duration).await,
                Behaviour::BySubcode => unreachable!("resolved by for_report"),
            }
            held.lock().unwrap().push(Held {
                application_id: reported.application_id().to_owned(),
                conversation_id: reported.conversation_id().to_owned(),
                context: owned(reported.context()),
                report: reported.report(),
                scopes: reported.scopes(),
            });
            Ok(())
        })
    }
}

/// A call context that owns its text.
fn owned(context: tower_mediadiag::CallContext<'_>) -> tower_mediadiag::CallContext<'static> {
    use std::borrow::Cow;
    use tower_mediadiag::{CallContext, CallModality};
    let own = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
    match context {
        CallContext::Conversation { conversation_id } => {
            CallContext::Conversation { conversation_id: String::leak(conversation_id.to_owned()) }
        }
        CallContext::Call { call_id, from_uri, to_uri, modality } => CallContext::Call {
            call_id: own(call_id),
            from_uri: own(from_uri),
            to_uri: own(to_uri),
            modality: match modality {
                CallModality::Known(modality) => CallModality::Known(modality),
                CallModality::Other(text) => CallModality::Other(own(text)),
            },
        },
    }
}

/// Silences the panics the tests cause on purpose; any other panic still prints.
pub fn quiet_expected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info.payload().downcast_ref::<&str>().copied().unwrap_or_default();
            if !message.contains("on purpose") {
                default(info);
            }
        }));
    });
}

/// The static tokens every test server accepts.
pub fn tokens() -> StaticTokens {
    StaticTokens::new()
        .with_token(TOKEN, Scopes::BOTH)
        .with_token(RECEIVE_ONLY_TOKEN, Scopes::NONE.with(tower_mediadiag::Scope::ConversationsReceive))
        .with_token(INITIATE_ONLY_TOKEN, Scopes::NONE.with(tower_mediadiag::Scope::ConversationsInitiate))
        .with_token(NO_SCOPE_TOKEN, Scopes::from_scp("User.ReadWrite Contacts.ReadWrite"))
}

pub type TestLayer = MediaDiagnosticsLayer<Recorder, StaticTokens>;

/// A running server: its address, its callback, and how often the inner service was called.
pub struct Server {
    pub address: SocketAddr,
    pub recorder: Recorder,
    pub inner_calls: Arc<AtomicUsize>,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts the collector's stack (hyper, the layer, an inner service answering `GET /healthz`
/// with `ok` and anything else with 404) on an ephemeral loopback port.
pub async fn start(configure: impl FnOnce(TestLayer) -> TestLayer) -> Server {
    start_with(tokens(), configure).await
}

/// Like [`start`], with another source of scopes.
pub async fn start_with<A: ScopeSource>(
    scopes: A,
    configure: impl FnOnce(MediaDiagnosticsLayer<Recorder, A>) -> MediaDiagnosticsLayer<Recorder, A>,
) -> Server {
    quiet_expected_panics();
    let recorder = Recorder::default();
    let layer = configure(MediaDiagnosticsLayer::new(recorder.clone()).scope_source(scopes));
    serve(layer, recorder).await
}

/// Serves `layer` (with any handler) in front of the inner service, as [`start`] does;
/// `recorder` is the server's, for handlers that are one.
pub async fn serve<H: ReportHandler, A: ScopeSource>(layer: MediaDiagnosticsLayer<H, A>, recorder: Recorder) -> Server {
    let inner_calls = Arc::new(AtomicUsize::new(0));
    let counter = inner_calls.clone();
    let service = ServiceBuilder::new().layer(layer).service_fn(move |request: Request<Incoming>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            let (status, body) = match (request.method(), request.uri().path()) {
                (&Method::GET, "/healthz") => (StatusCode::OK, "ok"),
                _ => (StatusCode::NOT_FOUND, "inner 404"),
            };
            Ok::<_, Infallible>(Response::builder().status(status).body(Full::new(Bytes::from(body))).unwrap())
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, mut stopped) = oneshot::channel();
    tokio::spawn(async move {
        let builder = auto::Builder::new(TokioExecutor::new());
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let connection = builder
                        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service.clone()))
                        .into_owned();
                    tokio::spawn(connection);
                }
                _ = &mut stopped => break,
            }
        }
    });
    Server { address, recorder, inner_calls, stop: Some(stop) }
}

/// A response as a client saw it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// hyper's client, which keeps connections alive between requests.
pub type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>()
}

/// Sends one request with a new hyper client.
pub async fn send(address: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    send_via(&client(), address, method, path, headers, body).await
}

/// Sends one request with the given client.
pub async fn send_via(
    client: &HttpClient,
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut request = Request::builder().method(method).uri(format!("http://{address}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(Bytes::copy_from_slice(body.as_bytes()))).unwrap();
    let response = tokio::time::timeout(Duration::from_secs(20), client.request(request)).await.unwrap().unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Reply { status, headers, body: String::from_utf8(body.to_vec()).unwrap() }
}

/// POSTs a body to the resource with the full-scope token.
pub async fn post(address: SocketAddr, content_type: &str, body: &str) -> Reply {
    let headers = [("authorization", &*format!("Bearer {TOKEN}")), ("content-type", content_type)];
    send(address, "POST", RESOURCE, &headers, body).await
}

/// Writes raw bytes on a new connection, then reads what comes back: the first bytes within
/// `wait`, then more until the server closes or is quiet for half a second.
pub async fn raw(address: SocketAddr, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    let mut timeout = wait;
    while let Ok(Ok(read @ 1..)) = tokio::time::timeout(timeout, stream.read(&mut buf)).await {
        response.extend_from_slice(&buf[..read]);
        timeout = Duration::from_millis(500);
    }
    String::from_utf8_lossy(&response).into_owned()
}

/// Asserts the server still answers ordinary requests, and that they reach the inner service.
pub async fn assert_still_serving(server: &Server) {
    let before = server.inner_calls.load(Ordering::SeqCst);
    let reply = send(server.address, "GET", "/healthz", &[], "").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "ok"));
    assert_eq!(server.inner_calls.load(Ordering::SeqCst), before + 1);
}
