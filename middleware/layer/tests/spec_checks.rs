//! docs/behaviour.md section 2, check by check, over a real hyper server on loopback with real clients.
//! After every refusal the server keeps serving and the inner service was never called for
//! the intercepted path.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use http::StatusCode;
use support::*;
use tower_mediadiag::{ErrorCode, ErrorSubcode, Rejection, Report, Scope, Scopes};

fn auth(token: &str) -> String {
    format!("Bearer {token}")
}

/// Asserts a UCWA JSON error body's code and subcode.
fn assert_fault(reply: &Reply, status: StatusCode, code: &str, subcode: Option<&str>) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("content-type"), "application/json; charset=utf-8");
    let body = reply.json();
    assert_eq!(body["code"], code, "{}", reply.body);
    assert_eq!(body["subcode"].as_str(), subcode, "{}", reply.body);
}

#[tokio::test]
async fn check_1_other_paths_pass_through_untouched() {
    let server = start(|layer| layer).await;
    let reply = send(server.address, "GET", "/healthz", &[], "").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "ok"));
    let near_misses = [
        RESOURCE.replace("reportMediaDiagnostics", "ReportMediaDiagnostics"),
        format!("{RESOURCE}/"),
        RESOURCE.replace("/137/", "/1%3F7/"),
        RESOURCE.replace("/ucwa/v1", "/ucwa/v2"),
        "/ucwa/v1/applications/192".to_owned(),
    ];
    for path in &near_misses {
        // Even without credentials or a body type: not our route, not our business.
        let reply = send(server.address, "POST", path, &[], "not json at all").await;
        assert_eq!((reply.status, reply.body.as_str()), (StatusCode::NOT_FOUND, "inner 404"), "{path}");
    }
    assert_eq!(server.inner_calls.load(Ordering::SeqCst), 1 + near_misses.len());
    assert_eq!(server.recorder.calls(), 0);
}

#[tokio::test]
async fn the_resource_page_examples_get_204_and_reach_the_callback() {
    let server = start(|layer| layer).await;
    let json = post(server.address, "application/json", SEED_JSON).await;
    assert_eq!((json.status, json.body.as_str()), (StatusCode::NO_CONTENT, ""));
    let xml = post(server.address, "application/xml", SEED_XML).await;
    assert_eq!((xml.status, xml.body.as_str()), (StatusCode::NO_CONTENT, ""));
    let held = server.recorder.held();
    assert_eq!(held.len(), 2);
    assert_eq!((held[0].application_id.as_str(), held[0].conversation_id.as_str()), ("192", "137"));
    assert_eq!(held[0].report, Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly));
    assert_eq!(held[1].report, Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure));
    assert_eq!(held[0].scopes, Scopes::BOTH);
    assert_eq!(server.inner_calls.load(Ordering::SeqCst), 0, "the inner service never sees the resource");
}

#[tokio::test]
async fn the_online_prefix_the_query_string_and_each_scope_alone_are_accepted() {
    let server = start(|layer| layer).await;
    let online = format!("{}?trace=1", RESOURCE.replacen("/ucwa/v1", "/ucwa/oauth/v1", 1));
    for token in [RECEIVE_ONLY_TOKEN, INITIATE_ONLY_TOKEN] {
        let headers = [("authorization", &*auth(token)), ("content-type", "application/json")];
        let reply = send(server.address, "POST", &online, &headers, "{}").await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{token}: {}", reply.body);
    }
    let held = server.recorder.held();
    assert_eq!(held[0].scopes, Scopes::NONE.with(Scope::ConversationsReceive));
    assert_eq!(held[1].scopes, Scopes::NONE.with(Scope::ConversationsInitiate));
}

#[tokio::test]
async fn check_2_other_methods_get_405_with_allow_post() {
    let server = start(|layer| layer).await;
    for method in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        // Checked before credentials: no token needed to learn the method is wrong.
        let reply = send(server.address, method, RESOURCE, &[], "").await;
        assert_fault(&reply, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", None);
        assert_eq!(reply.header("allow"), "POST");
    }
    assert_eq!(server.inner_calls.load(Ordering::SeqCst), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_3_missing_or_invalid_credentials_get_401_with_a_bearer_challenge() {
    let server = start(|layer| layer).await;
    let missing = send(server.address, "POST", RESOURCE, &[("content-type", "application/json")], SEED_JSON).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.header("www-authenticate"), "Bearer");
    for bad in ["Bearer wrong-token", "Basic dGVzdA==", "Bearer", "Bearer test-token extra"] {
        let headers = [("authorization", bad), ("content-type", "application/json")];
        let reply = send(server.address, "POST", RESOURCE, &headers, SEED_JSON).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert_eq!(reply.header("www-authenticate"), r#"Bearer error="invalid_token""#, "{bad}");
    }
    assert_eq!(server.recorder.calls(), 0);
    assert_eq!(server.inner_calls.load(Ordering::SeqCst), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_4_tokens_without_a_conversations_scope_get_403() {
    let server = start(|layer| layer).await;
    let headers = [("authorization", &*auth(NO_SCOPE_TOKEN)), ("content-type", "application/json")];
    let reply = send(server.address, "POST", RESOURCE, &headers, SEED_JSON).await;
    assert_fault(&reply, StatusCode::FORBIDDEN, "Forbidden", None);
    assert_eq!(
        reply.header("www-authenticate"),
        r#"Bearer error="insufficient_scope", scope="Conversations.Initiate Conversations.Receive""#
    );
    assert_eq!(server.recorder.calls(), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_5_unsupported_media_types_get_415() {
    let server = start(|layer| layer).await;
    for content_type in ["text/plain", "application/json; charset=iso-8859-1", "application/x-www-form-urlencoded"] {
        let reply = post(server.address, content_type, SEED_JSON).await;
        assert_fault(&reply, StatusCode::UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType", None);
    }
    let headers = [("authorization", &*auth(TOKEN))];
    let missing = send(server.address, "POST", RESOURCE, &headers, SEED_JSON).await;
    assert_fault(&missing, StatusCode::UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType", None);
    for content_type in [
        "application/vnd.microsoft.com.ucwa+json",
        "APPLICATION/JSON; Charset=\"UTF-8\"",
        "application/vnd.microsoft.ucwa+json",
    ] {
        assert_eq!(
            post(server.address, content_type, SEED_JSON).await.status,
            StatusCode::NO_CONTENT,
            "{content_type}"
        );
    }
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_6_a_declared_length_over_the_limit_is_refused_without_reading() {
    let server = start(|layer| layer).await;
    // The headers promise 5000 bytes, none follow: the answer must come anyway.
    let request = format!(
        "POST {RESOURCE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
    );
    let response = raw(server.address, request.as_bytes(), Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains(r#"{"code":"EntityTooLarge""#), "{response}");
    assert_eq!(server.recorder.calls(), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_6_a_streamed_body_over_the_limit_gets_413() {
    let server = start(|layer| layer.body_limit(64)).await;
    // Chunked, so no length is declared: the limit is enforced while reading.
    let chunk = format!("{:x}\r\n{}\r\n", 100, " ".repeat(100));
    let request = format!(
        "POST {RESOURCE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}0\r\n\r\n"
    );
    let response = raw(server.address, request.as_bytes(), Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    let at_limit = format!("{{}}{}", " ".repeat(62));
    assert_eq!(post(server.address, "application/json", &at_limit).await.status, StatusCode::NO_CONTENT);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_7_a_body_that_does_not_arrive_in_time_gets_408() {
    let server = start(|layer| layer.read_timeout(Duration::from_millis(300))).await;
    let request = format!(
        "POST {RESOURCE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{{\"errorCode\""
    );
    let response = raw(server.address, request.as_bytes(), Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains(r#"{"code":"Timeout""#), "{response}");
    assert_eq!(server.recorder.calls(), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_8_malformed_bodies_get_400_deserialization_failure() {
    let server = start(|layer| layer).await;
    let cases = [
        ("application/json", ""),
        ("application/json", r#"{"errorCode":"BadRequest",}"#),
        ("application/json", r#"["errorCode"]"#),
        ("application/json", "{\"errorCode\":\"Bad\nRequest\"}"),
        ("application/xml", "<!DOCTYPE input><input/>"),
        (
            "application/xml",
            r#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="errorCode">Gone</Property></input>"#,
        ),
        ("application/xml", r#"<input><property name="errorCode">Gone</property></input>"#),
    ];
    for (content_type, body) in cases {
        let reply = post(server.address, content_type, body).await;
        let expected = if content_type.ends_with("xml") {
            "application/xml; charset=utf-8"
        } else {
            "application/json; charset=utf-8"
        };
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.header("content-type"), expected, "error bodies follow the request's encoding");
        assert!(reply.body.contains("DeserializationFailure"), "{body}: {}", reply.body);
    }
    assert_eq!(server.recorder.calls(), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_9_invalid_values_get_400_parameter_validation_failure_naming_the_property() {
    let server = start(|layer| layer).await;
    let reply =
        post(server.address, "application/json", r#"{"errorCode":"BadRequest","errorSubcode":"<script>"}"#).await;
    assert_fault(&reply, StatusCode::BAD_REQUEST, "BadRequest", Some("ParameterValidationFailure"));
    assert_eq!(reply.json()["parameters"]["errorSubcode"], "not a known value");
    assert!(!reply.body.contains("script"), "client input is never echoed");
    let twice = post(server.address, "application/json", r#"{"errorCode":"Gone","ERRORCODE":"Gone"}"#).await;
    assert_eq!(twice.json()["parameters"]["errorCode"], "given more than once");
    let number = post(server.address, "application/json", r#"{"errorCode":404}"#).await;
    assert_eq!(number.json()["parameters"]["errorCode"], "not a string value");
    assert_eq!(server.recorder.calls(), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn check_10_a_rejecting_callback_chooses_status_code_and_subcode() {
    let server = start(|layer| layer).await;
    let cases = [
        (
            Rejection::callback_channel_error(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceFailure",
            "CallbackChannelError",
        ),
        (Rejection::already_exists(), StatusCode::CONFLICT, "Conflict", "AlreadyExists"),
        (Rejection::too_many_groups(), StatusCode::CONFLICT, "Conflict", "TooManyGroups"),
        (Rejection::conflict(), StatusCode::CONFLICT, "Conflict", "None"),
        (Rejection::cannot_redirect(), StatusCode::GONE, "Gone", "CannotRedirect"),
    ];
    for (rejection, status, code, subcode) in cases {
        server.recorder.set(Behaviour::Reject(rejection));
        let reply = post(server.address, "application/json", SEED_JSON).await;
        assert_fault(&reply, status, code, Some(subcode));
    }
    assert!(server.recorder.held().is_empty(), "no rejected report is held");
    server.recorder.set(Behaviour::Accept);
    assert_eq!(post(server.address, "application/json", SEED_JSON).await.status, StatusCode::NO_CONTENT);
    assert_eq!(server.recorder.held().len(), 1);
}

#[tokio::test]
async fn error_bodies_follow_accept_then_the_request_encoding() {
    let server = start(|layer| layer).await;
    let bad_json = r#"{"errorCode":"Nope"}"#;
    let headers =
        |accept| [("authorization", auth(TOKEN)), ("content-type", "application/json".to_owned()), ("accept", accept)];
    let as_xml = headers("application/xml".to_owned());
    let as_xml: Vec<(&str, &str)> = as_xml.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let reply = send(server.address, "POST", RESOURCE, &as_xml, bad_json).await;
    assert_eq!(reply.header("content-type"), "application/xml; charset=utf-8");
    assert!(reply.body.starts_with(r#"<?xml version="1.0" encoding="utf-8"?><reason xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><code>BadRequest</code><subcode>ParameterValidationFailure</subcode>"#), "{}", reply.body);
    let vnd = headers("application/vnd.microsoft.com.ucwa+xml".to_owned());
    let vnd: Vec<(&str, &str)> = vnd.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let reply = send(server.address, "POST", RESOURCE, &vnd, bad_json).await;
    assert_eq!(reply.header("content-type"), "application/vnd.microsoft.com.ucwa+xml; charset=utf-8");
    let reply = post(server.address, "application/vnd.microsoft.ucwa+xml", "<x/>").await;
    assert_eq!(reply.header("content-type"), "application/vnd.microsoft.ucwa+xml; charset=utf-8");
    assert!(reply.body.contains("<subcode>DeserializationFailure</subcode>"));
}
