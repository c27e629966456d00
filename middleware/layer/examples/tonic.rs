//! The layer in a tonic server: gRPC services (here the standard health service) pass
//! through, and UCWA's reportMediaDiagnostics POSTs are answered by the layer. HTTP/1.1 is
//! enabled so desk phones can reach the resource as they do any UCWA server.
//!
//! ```text
//! cargo run --example tonic -- TOKEN
//! curl -i -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/xml' --data-binary \
//!   '<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="errorCode">Gone</property></input>' \
//!   http://127.0.0.1:50051/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics
//! ```

use tower_mediadiag::{MediaDiagnosticsLayer, Rejection, Reported, Scopes, StaticTokens};

async fn store(reported: Reported) -> Result<(), Rejection> {
    eprintln!("report from conversation {}: {:?}", reported.conversation_id(), reported.report());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::args().nth(1).unwrap_or_else(|| "dev".to_owned());
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter.set_service_status("", tonic_health::ServingStatus::Serving).await;
    let layer = MediaDiagnosticsLayer::new(store).scope_source(StaticTokens::new().with_token(token, Scopes::BOTH));
    let address = "127.0.0.1:50051".parse()?;
    eprintln!("listening on {address}");
    tonic::transport::Server::builder().accept_http1(true).layer(layer).add_service(health).serve(address).await?;
    Ok(())
}
