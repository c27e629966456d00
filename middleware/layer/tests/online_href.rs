//! The Online href (docs/behaviour.md section 1.2) over a real hyper server on loopback: both
//! href forms are the resource, the call's context reaches the callback decoded, a bad query
//! is 400 ParameterValidationFailure naming its parameter once the credentials passed, and
//! near misses pass through.

mod support;

use std::borrow::Cow;

use http::StatusCode;
use support::*;
use tower_mediadiag::{CallContext, CallModality, ErrorSubcode, Modality};

/// The href of the one public capture of a real server's link.
const CAPTURED: &str = "/ucwa/oauth/v1/applications/10672188129/communication/callMediaDiagnostics?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net&mediaType=Audio&toUri=sip%3adele%40traderlynk.com";

fn call(query: &str) -> String {
    format!("/ucwa/v1/applications/192/communication/callMediaDiagnostics?{query}")
}

async fn report(server: &Server, href: &str, token: &str) -> Reply {
    let headers = [("authorization", &*format!("Bearer {token}")), ("content-type", "application/json")];
    send(server.address, "POST", href, &headers, SEED_JSON).await
}

#[tokio::test]
async fn the_captured_href_is_the_resource_and_its_call_context_reaches_the_callback_decoded() {
    let server = start(|layer| layer).await;
    let reply = report(&server, CAPTURED, TOKEN).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let held = server.recorder.held();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].application_id, "10672188129");
    assert_eq!(held[0].conversation_id, "", "the Online href names no conversation");
    assert_eq!(
        held[0].context,
        CallContext::Call {
            call_id: Cow::Borrowed("fc86b78dd87947949c7831d88abbb311"),
            from_uri: Cow::Borrowed("sip:dele@olajide.net"),
            to_uri: Cow::Borrowed("sip:dele@traderlynk.com"),
            modality: CallModality::Known(Modality::Audio),
        }
    );
    assert_eq!(server.inner_calls.load(std::sync::atomic::Ordering::SeqCst), 0);
    // The documented form still names its conversation.
    assert_eq!(report(&server, RESOURCE, TOKEN).await.status, StatusCode::NO_CONTENT);
    assert_eq!(server.recorder.held()[1].context, CallContext::Conversation { conversation_id: "137" });
}

#[tokio::test]
async fn parameters_in_any_order_upper_case_escapes_and_an_unnamed_modality_are_accepted() {
    let server = start(|layer| layer).await;
    let href = call("toUri=sip%3Ab%40y.example&mediaType=Whiteboard&fromUri=sip:a@x.example&callId=c1&extra=1");
    assert_eq!(report(&server, &href, TOKEN).await.status, StatusCode::NO_CONTENT);
    let CallContext::Call { from_uri, to_uri, modality, .. } = server.recorder.held()[0].context.clone() else {
        panic!("a call")
    };
    assert_eq!((from_uri.as_ref(), to_uri.as_ref()), ("sip:a@x.example", "sip:b@y.example"));
    assert_eq!(modality, CallModality::Other(Cow::Borrowed("Whiteboard")), "kept as text, not refused");
}

#[tokio::test]
async fn each_bad_query_is_400_parameter_validation_failure_naming_its_parameter() {
    let server = start(|layer| layer).await;
    let good = "callId=c1&fromUri=sip%3aa%40x&mediaType=Audio&toUri=sip%3ab%40y";
    let long_call_id = "c".repeat(65);
    let cases: Vec<(String, &str)> = vec![
        ("fromUri=sip%3aa%40x&mediaType=Audio&toUri=sip%3ab%40y".to_owned(), "callId"),
        (format!("{good}&callId=c2"), "callId"),
        ("callId=c1&fromUri=sip%G1a&mediaType=Audio&toUri=sip%3ab%40y".to_owned(), "fromUri"),
        ("callId=c1&fromUri=sip%3aa%40x&mediaType=Audio&toUri=sip%".to_owned(), "toUri"),
        (format!("callId={long_call_id}&fromUri=a&mediaType=Audio&toUri=b"), "callId"),
        ("callId=c1&fromUri=%ff&mediaType=Audio&toUri=b".to_owned(), "fromUri"),
        ("callId=c1&fromUri=a&mediaType=&toUri=b".to_owned(), "mediaType"),
        ("callId=c+1&fromUri=a&mediaType=Audio&toUri=b".to_owned(), "callId"),
    ];
    for (query, parameter) in &cases {
        let reply = report(&server, &call(query), TOKEN).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}: {}", reply.body);
        let body = reply.json();
        assert_eq!(body["code"], "BadRequest", "{query}");
        assert_eq!(body["subcode"], ErrorSubcode::ParameterValidationFailure.as_str(), "{query}");
        assert!(body["parameters"].get(parameter).is_some(), "{query}: names {parameter}: {}", reply.body);
        assert!(body["message"].as_str().unwrap().contains(parameter), "{query}: {}", reply.body);
    }
    assert!(server.recorder.held().is_empty(), "no refused report reached the callback");
    // The credentials are checked first: a bad query without them is 401, not 400.
    let reply = report(&server, &call("callId=c1"), "not-a-token").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn near_misses_of_the_online_href_pass_through() {
    let server = start(|layer| layer).await;
    let query = "?callId=c1&fromUri=a&mediaType=Audio&toUri=b";
    for href in [
        format!("/ucwa/v1/applications/192/communication/callMediaDiagnostic{query}"),
        format!("/ucwa/v1/applications/192/communication/callMediaDiagnostics/{query}"),
        format!("/ucwa/v1/applications/192/communication/CallMediaDiagnostics{query}"),
        format!("/ucwa/v1/applications/192/communication/x/callMediaDiagnostics{query}"),
    ] {
        let reply = report(&server, &href, TOKEN).await;
        assert_eq!((reply.status, reply.body.as_str()), (StatusCode::NOT_FOUND, "inner 404"), "{href}");
    }
    assert!(server.recorder.held().is_empty());
}
