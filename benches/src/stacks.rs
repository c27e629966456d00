//! The three services the layer is measured against, built the same way for the in-process
//! benchmark, the allocation count and the HTTP load comparison:
//!
//! - `bare`: the limit, a service that reads the body and answers 204, nothing else;
//! - `axum_json`: the peer, an axum `Router` whose handler takes `Json<T>` (serde derive),
//!   checks the bearer token and validates the two enums by hand;
//! - `layered`: the `tower-mediadiag` layer in front of an inner service that answers 404.

use std::convert::Infallible;

use axum::Json;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Empty};
use mediadiag::{ErrorCode, ErrorSubcode};
use serde::Deserialize;
use tower_mediadiag::{MediaDiagnosticsLayer, Rejection, Reported, Scopes, StaticTokens};

/// The bearer token every stack accepts.
pub const TOKEN: &str = "bench-token";
/// The resource path, as the desk phone sends it.
pub const PATH: &str = "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics";

/// The limit: read the body, answer 204.
pub async fn bare<B: http_body::Body>(request: Request<B>) -> Result<Response<Empty<Bytes>>, Infallible> {
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Empty::new());
    *response.status_mut() = http::StatusCode::NO_CONTENT;
    Ok(response)
}

/// The layer with static tokens, in front of a 404 service.
pub fn layer() -> MediaDiagnosticsLayer<fn(Reported) -> KeepFuture, StaticTokens> {
    MediaDiagnosticsLayer::new(keep as fn(Reported) -> KeepFuture)
        .scope_source(StaticTokens::new().with_token(TOKEN, Scopes::BOTH))
}

/// The future of [`keep`], named so the layer's type can be written down.
pub type KeepFuture = std::future::Ready<Result<(), Rejection>>;

/// What the layer's callback does with a report in every benchmark: keep it.
pub fn keep(reported: Reported) -> KeepFuture {
    std::hint::black_box(reported.report());
    std::future::ready(Ok(()))
}

/// The inner service behind the layer: nothing else on this server.
pub async fn not_found<B>(_request: Request<B>) -> Result<Response<Empty<Bytes>>, Infallible> {
    let mut response = Response::new(Empty::new());
    *response.status_mut() = http::StatusCode::NOT_FOUND;
    Ok(response)
}

/// The body as a serde user writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerBody {
    pub(crate) error_code: Option<String>,
    pub(crate) error_subcode: Option<String>,
}

/// What the peers check by hand: the bearer token (401), then the two enums (400).
pub(crate) fn validated(
    headers: &HeaderMap,
    body: &PeerBody,
) -> Result<(Option<ErrorCode>, Option<ErrorSubcode>), StatusCode> {
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&*format!("Bearer {TOKEN}"));
    if !authorized {
        return Err(StatusCode::UNAUTHORIZED);
    }
    let code = body.error_code.as_deref().map(str::parse::<ErrorCode>).transpose();
    let subcode = body.error_subcode.as_deref().map(str::parse::<ErrorSubcode>).transpose();
    match (code, subcode) {
        (Ok(code), Ok(subcode)) => Ok((code, subcode)),
        _ => Err(StatusCode::BAD_REQUEST),
    }
}

/// The peer's handler: token, JSON extractor, enums validated by hand.
async fn peer_handler(
    Path((_application, _conversation)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<PeerBody>,
) -> StatusCode {
    validated(&headers, &body).map_or_else(|status| status, |_| StatusCode::NO_CONTENT)
}

/// A reportMediaDiagnostics request with the seed body, as every in-process measurement sends.
pub fn request() -> Request<http_body_util::Full<Bytes>> {
    Request::post(PATH)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(Bytes::from_static(crate::bodies::SEED_JSON)))
        .expect("a valid request")
}

/// The peer: an axum router with the `Json` handler on the resource path.
pub fn axum_json() -> axum::Router {
    axum::Router::new().route(
        "/ucwa/v1/applications/{application}/communication/conversations/{conversation}/audioVideo/reportMediaDiagnostics",
        axum::routing::post(peer_handler),
    )
}
