//! The tower layer end to end: an arbitrary method, path, headers and a body in several
//! frames go through `MediaDiagnosticsLayer` in front of an inner service that answers 404
//! and counts its calls, with a recording callback, on one current-thread tokio runtime
//! whose clock is paused (so a stalled body reaches the read timeout at once).
//!
//! Always: a response comes back; its status is one of docs/behaviour.md, section 2's (204, 400, 401,
//! 403, 405, 408, 413, 415) or the inner 404; the callback ran iff the status is 204; the
//! inner service ran iff the path is not the resource (docs/behaviour.md, section 1, `oracles::route`).
//! For inputs built from known pieces, the exact status follows the order of docs/behaviour.md, section 2,
//! error bodies have the type docs/behaviour.md, section 3, chooses and parse as UCWA errors with the
//! status's code, and the callback got the report the body decodes to.
#![no_main]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use arbitrary::Arbitrary;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Empty};
use libfuzzer_sys::fuzz_target;
use mediadiag::route::DEFAULT_PREFIXES;
use tower::{Layer, ServiceExt};
use tower_mediadiag::{
    ErrorCode, MediaDiagnosticsLayer, MediaType, Rejection, Report, ReportHandler, Reported, Scope, Scopes,
    StaticTokens,
};

const LIMIT: usize = 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const RESOURCE: &str = "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics";
const OAUTH_RESOURCE: &str =
    "/ucwa/oauth/v1/applications/a-b_c.d~e/communication/conversations/X/audioVideo/reportMediaDiagnostics";
const NEAR_MISSES: [&str; 14] = [
    "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportmediadiagnostics",
    "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics/",
    "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnosticsX",
    "/ucwa/v2/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics",
    "/UCWA/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics",
    "//ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics",
    "/ucwa/v1/applications//communication/conversations/137/audioVideo/reportMediaDiagnostics",
    "/ucwa/v1/applications/1%202/communication/conversations/137/audioVideo/reportMediaDiagnostics",
    "/ucwa/v1/applications/192/communication/conversations/1:7/audioVideo/reportMediaDiagnostics",
    "/ucwa/v1/applications/192/communication/conversations/137/audioVideo",
    "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics;x",
    "/ucwa/v1/applications/192/communication/conversations/137/AudioVideo/reportMediaDiagnostics",
    "/ucwa/oauth/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics",
    "/healthz",
];

const TOKEN: &str = "full";
const RECEIVE_ONLY: &str = "receive-only";
const INITIATE_ONLY: &str = "initiate-only";
const NO_SCOPE: &str = "no-scope";

#[derive(Arbitrary, Debug)]
enum MethodPick {
    Post,
    Get,
    Put,
    Head,
    Delete,
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum PathPick {
    Resource,
    OauthResource,
    /// Identifiers of `len % 70` bytes, around the 64-byte limit.
    Ids(u8, u8),
    NearMiss(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum AuthPick {
    None,
    Full,
    ReceiveOnly,
    InitiateOnly,
    NoScope,
    UnknownToken,
    Basic,
    Twice,
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum TypePick {
    None,
    Known(u8),
    Charset(u8, bool),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum LengthPick {
    None,
    Actual,
    Declared(u16),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum AcceptPick {
    None,
    Known(u8),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum BodyPick {
    Encoded { code: Option<u8>, subcode: Option<u8>, xml: bool },
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Clean,
    Trailers,
    Error,
    Stall,
}

#[derive(Arbitrary, Debug)]
struct Input {
    method: MethodPick,
    path: PathPick,
    query: Option<String>,
    auth: AuthPick,
    content_type: TypePick,
    length: LengthPick,
    accept: AcceptPick,
    body: BodyPick,
    cuts: Vec<u16>,
    yield_between: bool,
    end: End,
}

/// A request body delivered as the given frames, then the given end.
struct FuzzBody {
    frames: VecDeque<Bytes>,
    end: End,
    yield_between: bool,
    yielded: bool,
    trailers_sent: bool,
}

impl Body for FuzzBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.yield_between && !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.yielded = false;
        if let Some(chunk) = self.frames.pop_front() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        match self.end {
            End::Clean => Poll::Ready(None),
            End::Trailers if !self.trailers_sent => {
                self.trailers_sent = true;
                Poll::Ready(Some(Ok(Frame::trailers(HeaderMap::new()))))
            }
            End::Trailers => Poll::Ready(None),
            End::Error => Poll::Ready(Some(Err(std::io::Error::other("the client went away")))),
            // Never ready and never wakes: only the read timeout ends this.
            End::Stall => Poll::Pending,
        }
    }
}

/// The callback: counts calls and keeps the last report.
#[derive(Clone, Default)]
struct Recorder {
    calls: Arc<AtomicUsize>,
    last: Arc<Mutex<Option<Report>>>,
}

impl ReportHandler for Recorder {
    type Future = std::future::Ready<Result<(), Rejection>>;

    fn handle(&self, reported: Reported) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        *self.last.lock().unwrap() = Some(reported.report());
        std::future::ready(Ok(()))
    }
}

struct World {
    runtime: tokio::runtime::Runtime,
    layer: MediaDiagnosticsLayer<Recorder, StaticTokens>,
    recorder: Recorder,
    inner_calls: Arc<AtomicUsize>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
        let recorder = Recorder::default();
        let tokens = StaticTokens::new()
            .with_token(TOKEN, Scopes::BOTH)
            .with_token(RECEIVE_ONLY, Scopes::NONE.with(Scope::ConversationsReceive))
            .with_token(INITIATE_ONLY, Scopes::NONE.with(Scope::ConversationsInitiate))
            .with_token(NO_SCOPE, Scopes::from_scp("User.ReadWrite Contacts.ReadWrite"));
        let layer = MediaDiagnosticsLayer::new(recorder.clone())
            .scope_source(tokens)
            .body_limit(LIMIT)
            .read_timeout(READ_TIMEOUT);
        World { runtime, layer, recorder, inner_calls: Arc::new(AtomicUsize::new(0)) }
    })
}

/// What docs/behaviour.md, section 2, says the status must be, when the input is made of known pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Status(u16),
    /// Raw pieces whose meaning this target does not model: only the status set is checked.
    Unmodeled,
}

fn body_bytes(pick: &BodyPick) -> Vec<u8> {
    match pick {
        BodyPick::Raw(bytes) => bytes.clone(),
        BodyPick::Encoded { code, subcode, xml } => {
            let report = Report {
                error_code: code.map(|i| ErrorCode::ALL[usize::from(i) % ErrorCode::ALL.len()]),
                error_subcode: subcode
                    .map(|i| mediadiag::ErrorSubcode::ALL[usize::from(i) % mediadiag::ErrorSubcode::ALL.len()]),
            };
            let mut buf = [0u8; Report::XML_MAX_LEN];
            let len = if *xml { report.to_xml(&mut buf) } else { report.to_json(&mut buf) }.unwrap();
            buf[..len].to_vec()
        }
    }
}

fn split(body: &[u8], cuts: &[u16]) -> VecDeque<Bytes> {
    let mut points: Vec<usize> = cuts.iter().take(16).map(|&c| usize::from(c) % (body.len() + 1)).collect();
    points.sort_unstable();
    let mut frames = VecDeque::new();
    let mut start = 0;
    for point in points.into_iter().chain([body.len()]) {
        frames.push_back(Bytes::copy_from_slice(&body[start..point]));
        start = point;
    }
    frames
}

fuzz_target!(|input: Input| {
    let world = world();
    let mut modeled = true;

    let method = match &input.method {
        MethodPick::Post => Method::POST,
        MethodPick::Get => Method::GET,
        MethodPick::Put => Method::PUT,
        MethodPick::Head => Method::HEAD,
        MethodPick::Delete => Method::DELETE,
        MethodPick::Raw(raw) => match Method::from_bytes(raw.as_bytes()) {
            Ok(method) => method,
            Err(_) => return,
        },
    };
    let mut path = match &input.path {
        PathPick::Resource => RESOURCE.to_owned(),
        PathPick::OauthResource => OAUTH_RESOURCE.to_owned(),
        PathPick::Ids(a, c) => format!(
            "/ucwa/v1/applications/{}/communication/conversations/{}/audioVideo/reportMediaDiagnostics",
            "a".repeat(usize::from(*a) % 70),
            "7".repeat(usize::from(*c) % 70)
        ),
        PathPick::NearMiss(i) => NEAR_MISSES[usize::from(*i) % NEAR_MISSES.len()].to_owned(),
        PathPick::Raw(raw) => raw.clone(),
    };
    if let Some(query) = &input.query {
        path = format!("{path}?{query}");
    }
    let Ok(uri) = path.parse::<http::Uri>() else { return };

    let body = body_bytes(&input.body);
    let mut headers = HeaderMap::new();
    fn add(headers: &mut HeaderMap, name: http::header::HeaderName, value: &[u8], modeled: &mut bool) {
        match HeaderValue::from_bytes(value) {
            Ok(value) => {
                headers.append(name, value);
            }
            Err(_) => *modeled = false,
        }
    }
    // Authorization, and what it grants: None = 401, Some(false) = 403, Some(true) = allowed.
    let granted: Option<bool> = match &input.auth {
        AuthPick::None => None,
        AuthPick::Full => {
            add(&mut headers, http::header::AUTHORIZATION, format!("Bearer {TOKEN}").as_bytes(), &mut modeled);
            Some(true)
        }
        AuthPick::ReceiveOnly => {
            add(&mut headers, http::header::AUTHORIZATION, format!("bearer {RECEIVE_ONLY}").as_bytes(), &mut modeled);
            Some(true)
        }
        AuthPick::InitiateOnly => {
            add(&mut headers, http::header::AUTHORIZATION, format!("Bearer  {INITIATE_ONLY}").as_bytes(), &mut modeled);
            Some(true)
        }
        AuthPick::NoScope => {
            add(&mut headers, http::header::AUTHORIZATION, format!("Bearer {NO_SCOPE}").as_bytes(), &mut modeled);
            Some(false)
        }
        AuthPick::UnknownToken => {
            add(&mut headers, http::header::AUTHORIZATION, b"Bearer fulll", &mut modeled);
            None
        }
        AuthPick::Basic => {
            add(&mut headers, http::header::AUTHORIZATION, b"Basic ZnVsbDpmdWxs", &mut modeled);
            None
        }
        AuthPick::Twice => {
            add(&mut headers, http::header::AUTHORIZATION, format!("Bearer {TOKEN}").as_bytes(), &mut modeled);
            add(&mut headers, http::header::AUTHORIZATION, format!("Bearer {TOKEN}").as_bytes(), &mut modeled);
            None
        }
        AuthPick::Raw(raw) => {
            add(&mut headers, http::header::AUTHORIZATION, raw, &mut modeled);
            modeled = false;
            None
        }
    };
    let content_type: Option<Vec<u8>> = match &input.content_type {
        TypePick::None => None,
        TypePick::Known(i) => Some(MediaType::ALL[usize::from(*i) % 6].as_str().as_bytes().to_vec()),
        TypePick::Charset(i, utf8) => {
            let charset = if *utf8 { "\"UTF-8\"" } else { "iso-8859-1" };
            Some(format!("{}; charset={charset}", MediaType::ALL[usize::from(*i) % 6].as_str()).into_bytes())
        }
        TypePick::Raw(raw) => Some(raw.clone()),
    };
    let mut media = None;
    if let Some(value) = &content_type {
        add(&mut headers, http::header::CONTENT_TYPE, value, &mut modeled);
        if headers.contains_key(http::header::CONTENT_TYPE) {
            media = MediaType::from_content_type(value).ok();
        }
    }
    let declared: Option<u64> = match &input.length {
        LengthPick::None => None,
        LengthPick::Actual => Some(body.len() as u64),
        LengthPick::Declared(n) => Some(u64::from(*n)),
        LengthPick::Raw(raw) => {
            add(&mut headers, http::header::CONTENT_LENGTH, raw, &mut modeled);
            modeled = false;
            None
        }
    };
    if let Some(length) = declared {
        add(&mut headers, http::header::CONTENT_LENGTH, length.to_string().as_bytes(), &mut modeled);
    }
    let accept: Option<Vec<u8>> = match &input.accept {
        AcceptPick::None => None,
        AcceptPick::Known(i) => Some(MediaType::ALL[usize::from(*i) % 6].as_str().as_bytes().to_vec()),
        AcceptPick::Raw(raw) => Some(raw.clone()),
    };
    let mut accept_sent = None;
    if let Some(value) = &accept {
        let mut ok = true;
        add(&mut headers, http::header::ACCEPT, value, &mut ok);
        if ok {
            accept_sent = Some(value.clone());
        }
    }

    let frames = split(&body, &input.cuts);
    let intercepted = oracles::route::matches(uri.path(), &DEFAULT_PREFIXES).is_some();

    // docs/behaviour.md, section 2, in order.
    let expected = if !intercepted {
        Expected::Status(404)
    } else if method != Method::POST {
        Expected::Status(405)
    } else if !modeled {
        Expected::Unmodeled
    } else if granted.is_none() {
        Expected::Status(401)
    } else if granted == Some(false) {
        Expected::Status(403)
    } else if media.is_none() {
        Expected::Status(415)
    } else if declared.is_some_and(|length| length > LIMIT as u64) {
        Expected::Status(413)
    } else {
        // The body, frame by frame.
        let mut total = 0;
        let mut status = None;
        for frame in &frames {
            total += frame.len();
            if total > LIMIT {
                status = Some(413);
                break;
            }
        }
        let status = status.unwrap_or(match input.end {
            End::Error => 400,
            End::Stall => 408,
            End::Clean | End::Trailers => match Report::decode(media.unwrap().encoding(), &body) {
                Ok(_) => 204,
                Err(_) => 400,
            },
        });
        Expected::Status(status)
    };

    let mut request = Request::new(FuzzBody {
        frames,
        end: input.end,
        yield_between: input.yield_between,
        yielded: false,
        trailers_sent: false,
    });
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;

    let calls_before = world.recorder.calls.load(Ordering::SeqCst);
    let inner_before = world.inner_calls.load(Ordering::SeqCst);
    let counter = world.inner_calls.clone();
    let inner = tower::service_fn(move |_request: Request<FuzzBody>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, Infallible>(Response::builder().status(404).body(Empty::<Bytes>::new()).unwrap()) }
    });
    let service = world.layer.layer(inner);
    let (status, response_headers, response_body) = world.runtime.block_on(async move {
        let response = service.oneshot(request).await.expect("the layer never fails");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        (parts.status, parts.headers, body)
    });
    let called = world.recorder.calls.load(Ordering::SeqCst) - calls_before;
    let inner_called = world.inner_calls.load(Ordering::SeqCst) - inner_before;

    let code = status.as_u16();
    assert!(
        matches!(code, 204 | 400 | 401 | 403 | 405 | 408 | 413 | 415) || (code == 404 && !intercepted),
        "status {code} for {input:?}"
    );
    assert_eq!(called, usize::from(status == StatusCode::NO_CONTENT), "callback calls for status {code}");
    assert_eq!(inner_called, usize::from(!intercepted), "inner calls (intercepted: {intercepted})");
    if let Expected::Status(expected) = expected {
        assert_eq!(code, expected, "status for {input:?}");
    }
    if status == StatusCode::NO_CONTENT {
        assert!(response_body.is_empty());
        let decoded = Report::decode(media.expect("a 204 had a supported Content-Type").encoding(), &body);
        assert_eq!(Some(decoded.expect("a 204 body decodes")), *world.recorder.last.lock().unwrap());
    }
    if intercepted && matches!(code, 400 | 403 | 405 | 408 | 413 | 415) {
        // docs/behaviour.md, sections 3 and 5: the error body's type, and its code.
        let chosen = MediaType::for_error(accept_sent.as_deref(), media);
        assert_eq!(
            response_headers.get(http::header::CONTENT_TYPE).map(|v| v.as_bytes()),
            Some(chosen.content_type().as_bytes())
        );
        let expected_code = match code {
            400 => "BadRequest",
            403 => "Forbidden",
            405 => "MethodNotAllowed",
            408 => "Timeout",
            413 => "EntityTooLarge",
            _ => "UnsupportedMediaType",
        };
        let text = std::str::from_utf8(&response_body).expect("UTF-8 error body");
        match chosen.encoding() {
            mediadiag::Encoding::Json => {
                let value: serde_json::Value = serde_json::from_str(text).expect("JSON error body");
                assert_eq!(value["code"], expected_code, "{text}");
            }
            mediadiag::Encoding::Xml => {
                let document = roxmltree::Document::parse(text).expect("XML error body");
                let root = document.root_element();
                assert_eq!(root.tag_name().name(), "reason");
                let code_text = root.children().find(|n| n.has_tag_name("code")).and_then(|n| n.text());
                assert_eq!(code_text, Some(expected_code), "{text}");
            }
        }
    }
});
