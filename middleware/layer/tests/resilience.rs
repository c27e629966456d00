//! The faults of docs/behaviour.md section 5.3, each over a real server on loopback: a panicking callback, a
//! callback past its deadline, full callbacks, and the server serving on after each.

mod support;

use std::time::{Duration, Instant};

use http::StatusCode;
use support::*;
use tower_mediadiag::Rejection;

#[tokio::test]
async fn a_panicking_callback_is_500_service_failure_and_the_service_goes_on() {
    let server = start(|layer| layer).await;
    server.recorder.set(Behaviour::Panic);
    for _ in 0..3 {
        let reply = post(server.address, "application/json", SEED_JSON).await;
        assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(reply.body, r#"{"code":"ServiceFailure","message":"The report could not be processed."}"#);
    }
    assert!(server.recorder.held().is_empty());
    server.recorder.set(Behaviour::Accept);
    assert_eq!(post(server.address, "application/json", SEED_JSON).await.status, StatusCode::NO_CONTENT);
    assert_eq!(server.recorder.held().len(), 1);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn a_panic_while_making_the_callback_future_is_500_too() {
    let recorder_panics = |_reported: tower_mediadiag::Reported| -> std::future::Ready<Result<(), Rejection>> {
        panic!("the handler panicked on purpose before returning a future")
    };
    quiet_expected_panics();
    let layer = tower_mediadiag::MediaDiagnosticsLayer::new(recorder_panics).scope_source(tokens());
    let inner = tower::service_fn(|_request: http::Request<String>| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(http_body_util::Full::new(bytes::Bytes::new())))
    });
    let service = tower::ServiceBuilder::new().layer(layer).service(inner);
    let request = http::Request::post(RESOURCE)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(SEED_JSON.to_owned())
        .unwrap();
    let response = tower::ServiceExt::oneshot(service, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn a_callback_past_its_deadline_is_504_gateway_timeout_and_is_not_held() {
    let server = start(|layer| layer.callback_timeout(Duration::from_millis(200))).await;
    server.recorder.set(Behaviour::Sleep(Duration::from_secs(3)));
    let started = Instant::now();
    let reply = post(server.address, "application/xml", SEED_XML).await;
    assert!(started.elapsed() < Duration::from_secs(2), "answered at the deadline, not when the callback ends");
    assert_eq!(reply.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(reply.header("content-type"), "application/xml; charset=utf-8");
    assert!(reply.body.contains("<code>GatewayTimeout</code>"), "{}", reply.body);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.recorder.held().is_empty(), "the timed-out callback was dropped before it stored anything");
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn full_callbacks_are_503_with_retry_after_at_once() {
    let server = start(|layer| layer.max_concurrent_callbacks(2).retry_after(7)).await;
    server.recorder.set(Behaviour::Sleep(Duration::from_millis(1500)));
    let address = server.address;
    let slow: Vec<_> = (0..2).map(|_| tokio::spawn(post(address, "application/json", SEED_JSON))).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let busy = post(address, "application/json", SEED_JSON).await;
    assert!(started.elapsed() < Duration::from_millis(500), "refused at once, not queued");
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.header("retry-after"), "7");
    assert_eq!(busy.json()["code"], "ServiceUnavailable");
    for request in slow {
        assert_eq!(request.await.unwrap().status, StatusCode::NO_CONTENT);
    }
    // Capacity is back once the slow callbacks are done.
    server.recorder.set(Behaviour::Accept);
    assert_eq!(post(address, "application/json", SEED_JSON).await.status, StatusCode::NO_CONTENT);
    assert_eq!(server.recorder.held().len(), 3);
}

#[tokio::test]
async fn a_slow_client_is_408_and_does_not_hold_up_others() {
    let server = start(|layer| layer.read_timeout(Duration::from_millis(500))).await;
    let request = format!(
        "POST {RESOURCE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{{"
    );
    let address = server.address;
    let slow = tokio::spawn(async move { raw(address, request.as_bytes(), Duration::from_secs(5)).await });
    // Meanwhile other clients are served at once.
    for _ in 0..5 {
        assert_eq!(post(address, "application/json", SEED_JSON).await.status, StatusCode::NO_CONTENT);
    }
    let response = slow.await.unwrap();
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        response.contains(r#"{"code":"Timeout","message":"The request body did not arrive in time."}"#),
        "{response}"
    );
    assert_eq!(server.recorder.held().len(), 5);
}

/// A request body that sends one frame, then fails, as a dropped connection does.
struct FailingBody {
    sent: bool,
}

impl http_body::Body for FailingBody {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
        if self.sent {
            return std::task::Poll::Ready(Some(Err(std::io::Error::other("connection reset"))));
        }
        self.sent = true;
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(bytes::Bytes::from_static(b"{\"errorCode\"")))))
    }
}

#[tokio::test]
async fn a_body_that_fails_while_read_is_400_deserialization_failure() {
    let recorder = Recorder::default();
    let layer = tower_mediadiag::MediaDiagnosticsLayer::new(recorder.clone()).scope_source(tokens());
    let inner = tower::service_fn(|_request: http::Request<FailingBody>| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(http_body_util::Full::new(bytes::Bytes::new())))
    });
    let service = tower::ServiceBuilder::new().layer(layer).service(inner);
    let request = http::Request::post(RESOURCE)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(FailingBody { sent: false })
        .unwrap();
    let response = tower::ServiceExt::oneshot(service, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((json["code"].as_str(), json["subcode"].as_str()), (Some("BadRequest"), Some("DeserializationFailure")));
    assert_eq!(recorder.calls(), 0);
}
