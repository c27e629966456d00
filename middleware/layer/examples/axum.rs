//! The layer in an axum application: your routes stay as they are, and the layer answers
//! reportMediaDiagnostics. Scopes come from an upstream authentication layer here, simulated
//! by a middleware that grants them to a fixed development token.
//!
//! ```text
//! cargo run --example axum
//! curl -i -H 'Authorization: Bearer dev' -H 'Content-Type: application/json' \
//!   -d '{"errorCode":"BadRequest","errorSubcode":"InviteesOnly"}' \
//!   http://127.0.0.1:8081/ucwa/oauth/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics
//! ```

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use tower_mediadiag::{GrantedScopes, MediaDiagnosticsLayer, Rejection, Reported, Scopes};

/// Stands in for a real authentication layer: it verifies credentials and records the
/// scopes they grant in the request extensions, where the layer's default source reads them.
async fn authenticate(mut request: Request, next: Next) -> Response {
    let token = request.headers().get("authorization").and_then(|value| value.to_str().ok());
    if token == Some("Bearer dev") {
        request.extensions_mut().insert(GrantedScopes(Scopes::from_scp("Conversations.Receive")));
    }
    next.run(request).await
}

async fn store(reported: Reported) -> Result<(), Rejection> {
    let report = reported.report();
    println!("{} {:?} {:?}", reported.conversation_id(), report.error_code, report.error_subcode);
    Ok(())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new()
        .route("/", get(|| async { "the rest of your application" }))
        .layer(MediaDiagnosticsLayer::new(store))
        // Added last, so it runs first: scopes are in place when the layer looks.
        .layer(middleware::from_fn(authenticate));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8081").await?;
    eprintln!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await
}
