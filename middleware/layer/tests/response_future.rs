//! The response future in process: the read and callback deadlines on paused tokio time (the
//! clock jumps when every task waits, so the tests are exact and take no real time), and the
//! one state the future should never reach.

mod support;

use std::convert::Infallible;
use std::io::Write;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::{BodyExt, Full};
use support::{Behaviour, RESOURCE, Recorder, SEED_JSON, TOKEN, tokens};
use tokio::time::{Instant, Sleep, sleep};
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_mediadiag::{MediaDiagnosticsLayer, ResponseFuture};

/// A body that sends its first bytes at once and the rest after `delay` (never, for `None`).
struct DelayedBody {
    first: Option<Bytes>,
    rest: Option<Bytes>,
    delay: Option<Pin<Box<Sleep>>>,
}

impl DelayedBody {
    fn new(body: &'static str, delay: Option<Duration>) -> DelayedBody {
        let (first, rest) = body.split_at(1);
        DelayedBody {
            first: Some(Bytes::from_static(first.as_bytes())),
            rest: Some(Bytes::from_static(rest.as_bytes())),
            delay: delay.map(|delay| Box::pin(sleep(delay))),
        }
    }
}

impl http_body::Body for DelayedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        let Some(delay) = self.delay.as_mut() else { return Poll::Pending };
        std::task::ready!(delay.as_mut().poll(cx));
        Poll::Ready(self.rest.take().map(|rest| Ok(Frame::data(rest))))
    }
}

async fn not_found<B>(_request: Request<B>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::builder().status(StatusCode::NOT_FOUND).body(Full::new(Bytes::new())).unwrap())
}

fn report_request<B>(body: B) -> Request<B> {
    Request::post(RESOURCE)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(body)
        .unwrap()
}

/// The status and the UCWA code of a response; its subcode must be absent (every answer
/// tested here has none).
async fn status_and_code<B>(response: Response<B>) -> (StatusCode, String)
where
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let code = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(json) => {
            assert_eq!(json.get("subcode"), None, "{json}");
            json["code"].as_str().unwrap_or_default().to_owned()
        }
        Err(_) => String::new(),
    };
    (status, code)
}

/// Sends one report whose body completes after `delay` to a layer with a 10 s read timeout.
async fn send_with_body_delay(delay: Option<Duration>) -> (StatusCode, String, Duration) {
    let layer =
        MediaDiagnosticsLayer::new(Recorder::default()).scope_source(tokens()).read_timeout(Duration::from_secs(10));
    let service = ServiceBuilder::new().layer(layer).service_fn(not_found::<DelayedBody>);
    let started = Instant::now();
    let response = service.oneshot(report_request(DelayedBody::new(SEED_JSON, delay))).await.unwrap();
    let (status, code) = status_and_code(response).await;
    (status, code, started.elapsed())
}

#[tokio::test(start_paused = true)]
async fn a_body_that_never_ends_is_408_at_the_read_deadline_exactly() {
    let (status, code, elapsed) = send_with_body_delay(None).await;
    assert_eq!((status, code.as_str()), (StatusCode::REQUEST_TIMEOUT, "Timeout"));
    assert!(elapsed >= Duration::from_secs(10) && elapsed < Duration::from_millis(10_010), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn a_body_that_ends_just_inside_the_read_deadline_is_accepted() {
    let (status, _, elapsed) = send_with_body_delay(Some(Duration::from_millis(9_990))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

/// Sends one report to a layer with a 5 s callback timeout whose callback sleeps `sleep`.
async fn send_with_callback_sleep(sleep: Duration) -> (StatusCode, String, Duration, usize) {
    let recorder = Recorder::default();
    recorder.set(Behaviour::Sleep(sleep));
    let layer =
        MediaDiagnosticsLayer::new(recorder.clone()).scope_source(tokens()).callback_timeout(Duration::from_secs(5));
    let service = ServiceBuilder::new().layer(layer).service_fn(not_found::<Full<Bytes>>);
    let started = Instant::now();
    let response = service.oneshot(report_request(Full::new(Bytes::from_static(SEED_JSON.as_bytes())))).await.unwrap();
    let (status, code) = status_and_code(response).await;
    (status, code, started.elapsed(), recorder.held().len())
}

#[tokio::test(start_paused = true)]
async fn a_callback_past_its_deadline_is_504_at_the_deadline_exactly() {
    let (status, code, elapsed, held) = send_with_callback_sleep(Duration::from_secs(3600)).await;
    assert_eq!((status, code.as_str()), (StatusCode::GATEWAY_TIMEOUT, "GatewayTimeout"));
    assert!(elapsed >= Duration::from_secs(5) && elapsed < Duration::from_millis(5_010), "{elapsed:?}");
    assert_eq!(held, 0, "the timed-out callback was dropped before it kept the report");
}

#[tokio::test(start_paused = true)]
async fn a_callback_that_ends_just_inside_its_deadline_is_204() {
    let (status, _, elapsed, held) = send_with_callback_sleep(Duration::from_millis(4_990)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(held, 1);
}

/// A writer for the test's own tracing subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_future_polled_after_it_answered_204_answers_500_service_failure_with_an_error_event() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (first, second) = tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let layer = MediaDiagnosticsLayer::new(Recorder::default()).scope_source(tokens());
            let mut service = ServiceBuilder::new().layer(layer).service_fn(not_found::<Full<Bytes>>);
            let service = service.ready().await.unwrap();
            let future: ResponseFuture<_, Full<Bytes>, Recorder> =
                service.call(report_request(Full::new(Bytes::from_static(SEED_JSON.as_bytes()))));
            let mut future = pin!(future);
            let first = future.as_mut().await.unwrap().status();
            // Polled again after it completed: nothing was accepted this time.
            let second = status_and_code(future.as_mut().await.unwrap()).await;
            (first, second)
        })
    });
    assert_eq!(first, StatusCode::NO_CONTENT);
    assert_eq!(second, (StatusCode::INTERNAL_SERVER_ERROR, "ServiceFailure".to_owned()));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("ERROR") && log.contains("impossible state"), "{log}");
}
