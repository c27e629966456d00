//! The layer in the three stacks it is made for, each a real server on loopback:
//! an axum Router with routes of its own, a tonic server with a real gRPC service, and
//! hyper through hyper-util's `TowerToHyperService` (see `spec_checks.rs`).

mod support;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use http::StatusCode;
use support::*;
use tokio::net::TcpListener;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tower_mediadiag::{ErrorCode, ErrorSubcode, MediaDiagnosticsLayer, Report};

#[tokio::test]
async fn axum_routes_beside_the_layer_keep_working() {
    let recorder = Recorder::default();
    let app = Router::new()
        .route("/hello", get(|| async { "hello" }))
        .route("/ucwa/v1/applications", get(|| async { "applications" }))
        .layer(MediaDiagnosticsLayer::new(recorder.clone()).scope_source(tokens()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let hello = send(address, "GET", "/hello", &[], "").await;
    assert_eq!((hello.status, hello.body.as_str()), (StatusCode::OK, "hello"));
    assert_eq!(send(address, "GET", "/ucwa/v1/applications", &[], "").await.body, "applications");
    assert_eq!(send(address, "GET", "/nowhere", &[], "").await.status, StatusCode::NOT_FOUND);
    // The resource needs no route of its own: the layer answers it.
    let reply = post(address, "application/xml", SEED_XML).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let refused = post(address, "application/json", "{").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(send(address, "GET", RESOURCE, &[], "").await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        recorder.held()[0].report,
        Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure)
    );
    assert_eq!(send(address, "GET", "/hello", &[], "").await.body, "hello");
    server.abort();
}

#[tokio::test]
async fn tonic_grpc_calls_pass_through_and_ucwa_posts_are_intercepted() {
    let recorder = Recorder::default();
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter.set_service_status("", tonic_health::ServingStatus::Serving).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let layer = MediaDiagnosticsLayer::new(recorder.clone()).scope_source(tokens());
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .accept_http1(true)
            .layer(layer)
            .add_service(health)
            .serve_with_incoming_shutdown(tonic::transport::server::TcpIncoming::from(listener), async {
                let _ = stopped.await;
            }),
    );

    let channel = tonic::transport::Channel::from_shared(format!("http://{address}")).unwrap().connect().await.unwrap();
    let mut client = HealthClient::new(channel);
    let status = client.check(HealthCheckRequest { service: String::new() }).await.unwrap();
    assert_eq!(status.into_inner().status, ServingStatus::Serving as i32);

    let reply = post(address, "application/json", SEED_JSON).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    assert_eq!(recorder.held()[0].report, Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly));
    let unauthenticated = send(address, "POST", RESOURCE, &[("content-type", "application/json")], SEED_JSON).await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);

    // gRPC still works after the intercepted requests.
    let status = client.check(HealthCheckRequest { service: String::new() }).await.unwrap();
    assert_eq!(status.into_inner().status, ServingStatus::Serving as i32);
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server).await.unwrap().unwrap().unwrap();
}
