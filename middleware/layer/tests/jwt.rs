//! Bearer JWTs verified by the layer: real tokens minted here with real keys, against a real
//! server on loopback; the JWKS document is also served over HTTP on loopback.

#![cfg(feature = "jwt")]

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use http_body_util::Full;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, get_current_timestamp};
use serde_json::{Value, json};
use support::*;
use tower_mediadiag::jwt::{JwtScopes, MAX_TOKEN_LEN};

const SECRET: &str = "an HS256 test secret, 32 bytes or more";
const AUDIENCE: &str = "api://media-reports";
const ISSUER: &str = "https://login.example.test/tenant/v2.0";
const RSA_PRIVATE: &[u8] = include_bytes!("keys/rsa_private.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("keys/rsa_public.pem");
const EC_PRIVATE: &[u8] = include_bytes!("keys/ec_private.pem");
const JWKS: &str = include_str!("keys/jwks.json");

fn now() -> i64 {
    get_current_timestamp() as i64
}

/// Standard claims valid for an hour, with the given scopes.
fn claims(scp: &str) -> Value {
    json!({"aud": AUDIENCE, "iss": ISSUER, "exp": now() + 3600, "nbf": now() - 10, "scp": scp, "sub": "phone-42"})
}

fn mint(algorithm: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    let key = match algorithm {
        Algorithm::HS256 => EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
        Algorithm::RS256 => EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
        Algorithm::ES256 => EncodingKey::from_ec_pem(EC_PRIVATE).unwrap(),
        other => panic!("no test key for {other:?}"),
    };
    encode(&header, claims, &key).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    use base64_like::encode_url;
    encode_url(bytes)
}

/// Minimal base64url without padding, for hand-made tokens.
mod base64_like {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    pub fn encode_url(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }
}

/// A token signed with HMAC-SHA256 over `key`, with any header.
fn hand_signed(header: &Value, claims: &Value, key: &[u8]) -> String {
    use hmac_like::hmac_sha256;
    let message = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    format!("{message}.{}", b64(&hmac_sha256(key, message.as_bytes())))
}

/// HMAC-SHA256 through jsonwebtoken itself: sign with `key` as the HS256 secret.
mod hmac_like {
    pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
        let token = jsonwebtoken::crypto::sign(
            message,
            &jsonwebtoken::EncodingKey::from_secret(key).unwrap(),
            jsonwebtoken::Algorithm::HS256,
        )
        .unwrap();
        super::decode_url(&token)
    }
}

fn decode_url(text: &str) -> Vec<u8> {
    let value = |c: u8| {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".iter().position(|&a| a == c).unwrap() as u32
    };
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &c)| n | (value(c) << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

fn verifier() -> JwtScopes {
    JwtScopes::builder()
        .hs256_secret(SECRET)
        .jwks_json(JWKS)
        .audience(AUDIENCE)
        .issuer(ISSUER)
        .leeway(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn post_with(address: SocketAddr, token: &str) -> Reply {
    let authorization = format!("Bearer {token}");
    send(
        address,
        "POST",
        RESOURCE,
        &[("authorization", &authorization), ("content-type", "application/json")],
        SEED_JSON,
    )
    .await
}

fn assert_invalid_token(reply: &Reply, what: &str) {
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{what}: {}", reply.body);
    assert_eq!(reply.header("www-authenticate"), r#"Bearer error="invalid_token""#, "{what}");
}

#[tokio::test]
async fn each_conversations_scope_alone_is_enough_with_every_algorithm() {
    let server = start_with(verifier(), |layer| layer).await;
    let tokens = [
        mint(Algorithm::HS256, None, &claims("Conversations.Initiate")),
        mint(Algorithm::HS256, None, &claims("Conversations.Receive")),
        mint(Algorithm::RS256, Some("rsa-1"), &claims("User.ReadWrite Conversations.Receive")),
        mint(Algorithm::ES256, Some("ec-1"), &claims("Conversations.Initiate")),
    ];
    for token in &tokens {
        assert_eq!(post_with(server.address, token).await.status, StatusCode::NO_CONTENT, "{token}");
    }
    assert_eq!(server.recorder.held().len(), tokens.len());
}

#[tokio::test]
async fn other_scopes_only_are_403() {
    let server = start_with(verifier(), |layer| layer).await;
    for scp in ["User.ReadWrite Contacts.ReadWrite", "", "conversations.receive"] {
        let reply = post_with(server.address, &mint(Algorithm::RS256, Some("rsa-1"), &claims(scp))).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{scp:?}");
        assert!(reply.header("www-authenticate").contains("insufficient_scope"));
    }
    assert_eq!(server.recorder.calls(), 0);
}

#[tokio::test]
async fn invalid_tokens_are_401_and_never_reach_the_callback() {
    let server = start_with(verifier(), |layer| layer).await;
    let mut expired = claims("Conversations.Receive");
    expired["exp"] = json!(now() - 60);
    let mut not_yet = claims("Conversations.Receive");
    not_yet["nbf"] = json!(now() + 600);
    let mut wrong_audience = claims("Conversations.Receive");
    wrong_audience["aud"] = json!("api://someone-else");
    let mut wrong_issuer = claims("Conversations.Receive");
    wrong_issuer["iss"] = json!("https://evil.example.test/");
    let mut no_exp = claims("Conversations.Receive");
    no_exp.as_object_mut().unwrap().remove("exp");
    // The verifier requires an audience and an issuer: a token must carry both.
    let mut no_audience = claims("Conversations.Receive");
    no_audience.as_object_mut().unwrap().remove("aud");
    let mut no_issuer = claims("Conversations.Receive");
    no_issuer.as_object_mut().unwrap().remove("iss");
    let good = mint(Algorithm::RS256, Some("rsa-1"), &claims("Conversations.Receive"));
    let (head, rest) = good.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let forged_payload = format!(
        "{head}.{}.{signature}",
        b64(claims("Conversations.Receive Conversations.Initiate").to_string().as_bytes())
    );
    let mut bad_signature = good.clone();
    let last = bad_signature.pop().unwrap();
    bad_signature.push(if last == 'A' { 'B' } else { 'A' });
    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","typ":"JWT"}"#),
        b64(claims("Conversations.Receive").to_string().as_bytes())
    );
    let none_signed = format!("{none}c2ln");
    // The classic confusion: HS256 "signed" with the RSA public key as the HMAC secret.
    let confused = hand_signed(
        &json!({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}),
        &claims("Conversations.Receive"),
        RSA_PUBLIC,
    );
    let confused_no_kid =
        hand_signed(&json!({"alg": "HS256", "typ": "JWT"}), &claims("Conversations.Receive"), RSA_PUBLIC);
    let cases = [
        ("expired", mint(Algorithm::HS256, None, &expired)),
        ("not yet valid", mint(Algorithm::HS256, None, &not_yet)),
        ("wrong audience", mint(Algorithm::RS256, Some("rsa-1"), &wrong_audience)),
        ("wrong issuer", mint(Algorithm::ES256, Some("ec-1"), &wrong_issuer)),
        ("no exp", mint(Algorithm::HS256, None, &no_exp)),
        ("no aud", mint(Algorithm::RS256, Some("rsa-1"), &no_audience)),
        ("no iss", mint(Algorithm::ES256, Some("ec-1"), &no_issuer)),
        ("forged payload", forged_payload),
        ("bad signature", bad_signature),
        ("unknown kid", mint(Algorithm::RS256, Some("rsa-2"), &claims("Conversations.Receive"))),
        ("kid of another algorithm", mint(Algorithm::RS256, Some("ec-1"), &claims("Conversations.Receive"))),
        ("alg none, empty signature", none),
        ("alg none, with a signature", none_signed),
        ("HS256 with the RSA public key as secret", confused),
        ("HS256 with the RSA public key as secret, no kid", confused_no_kid),
        ("truncated", good[..good.len() - 20].to_owned()),
        ("two parts", good.rsplit_once('.').unwrap().0.to_owned()),
        ("oversized", format!("{good}{}", "A".repeat(MAX_TOKEN_LEN))),
        ("not a JWT", "opaque-token".to_owned()),
    ];
    for (what, token) in &cases {
        assert_invalid_token(&post_with(server.address, token).await, what);
    }
    assert_eq!(server.recorder.calls(), 0);
    assert_still_serving(&server).await;
}

#[tokio::test]
async fn an_rsa_only_verifier_refuses_hs256_outright() {
    let rsa_only = JwtScopes::builder().rsa_pem(Some("rsa-1"), RSA_PUBLIC).audience(AUDIENCE).build().unwrap();
    let server = start_with(rsa_only, |layer| layer).await;
    let confused = hand_signed(&json!({"alg": "HS256", "kid": "rsa-1"}), &claims("Conversations.Receive"), RSA_PUBLIC);
    assert_invalid_token(&post_with(server.address, &confused).await, "HS256 against RSA keys");
    let genuine = mint(Algorithm::RS256, Some("rsa-1"), &claims("Conversations.Receive"));
    assert_eq!(post_with(server.address, &genuine).await.status, StatusCode::NO_CONTENT);
    // The forged token is a genuine HS256 signature over those bytes: a verifier that is
    // (wrongly) given them as its HMAC secret accepts it, so the refusals above are not luck.
    let keyed_with_pem = JwtScopes::builder().hs256_secret(RSA_PUBLIC).build().unwrap();
    let naive = start_with(keyed_with_pem, |layer| layer).await;
    let unkeyed = hand_signed(&json!({"alg": "HS256"}), &claims("Conversations.Receive"), RSA_PUBLIC);
    assert_eq!(post_with(naive.address, &unkeyed).await.status, StatusCode::NO_CONTENT);
    let limited =
        JwtScopes::builder().hs256_secret(SECRET).jwks_json(JWKS).algorithms([Algorithm::ES256]).build().unwrap();
    let server = start_with(limited, |layer| layer).await;
    assert_invalid_token(
        &post_with(server.address, &mint(Algorithm::HS256, None, &claims("Conversations.Receive"))).await,
        "HS256 not allowed",
    );
    assert_eq!(
        post_with(server.address, &mint(Algorithm::ES256, Some("ec-1"), &claims("Conversations.Receive"))).await.status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn app_only_roles_count_only_when_accepted() {
    let mut app_only = claims("");
    app_only.as_object_mut().unwrap().remove("scp");
    app_only["roles"] = json!(["Conversations.Receive"]);
    let token = mint(Algorithm::HS256, None, &app_only);
    let strict = start_with(verifier(), |layer| layer).await;
    assert_eq!(post_with(strict.address, &token).await.status, StatusCode::FORBIDDEN);
    let with_roles = JwtScopes::builder().hs256_secret(SECRET).audience(AUDIENCE).accept_roles(true).build().unwrap();
    let lenient = start_with(with_roles, |layer| layer).await;
    assert_eq!(post_with(lenient.address, &token).await.status, StatusCode::NO_CONTENT);
}

/// Serves whatever JWKS document `current` holds at `/keys` on loopback.
async fn serve_jwks(current: Arc<Mutex<String>>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let current = current.clone();
            let service = hyper::service::service_fn(move |_request| {
                let body = current.lock().unwrap().clone();
                async move { Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(body)))) }
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    address
}

#[tokio::test]
async fn keys_come_from_a_jwks_url_and_are_refreshed() {
    let served = Arc::new(Mutex::new(JWKS.to_owned()));
    let jwks_address = serve_jwks(served.clone()).await;
    let scopes = JwtScopes::builder()
        .audience(AUDIENCE)
        .build_with_jwks_url(&format!("http://{jwks_address}/keys"), Duration::from_millis(200))
        .await
        .unwrap();
    let server = start_with(scopes, |layer| layer).await;
    let token = mint(Algorithm::RS256, Some("rsa-1"), &claims("Conversations.Receive"));
    assert_eq!(post_with(server.address, &token).await.status, StatusCode::NO_CONTENT);
    // The key is rotated away: after the next refresh, tokens signed with it are refused.
    let mut rotated: Value = serde_json::from_str(JWKS).unwrap();
    rotated["keys"].as_array_mut().unwrap().retain(|key| key["kid"] != "rsa-1");
    *served.lock().unwrap() = rotated.to_string();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_invalid_token(&post_with(server.address, &token).await, "rotated key");
    let ec = mint(Algorithm::ES256, Some("ec-1"), &claims("Conversations.Receive"));
    assert_eq!(post_with(server.address, &ec).await.status, StatusCode::NO_CONTENT);
    // A broken document keeps the keys in use.
    *served.lock().unwrap() = "not json".to_owned();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(post_with(server.address, &ec).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_jwks_url_that_cannot_be_fetched_says_why_with_its_cause() {
    use std::error::Error as _;
    use tower_mediadiag::jwt::{FetchError, JwtError};

    let fetch =
        |url: String| async move { JwtScopes::builder().build_with_jwks_url(&url, Duration::from_secs(60)).await };
    let error = fetch("http://[not a url".to_owned()).await.unwrap_err();
    assert!(matches!(&error, JwtError::Fetch { source: FetchError::InvalidUrl(_), .. }), "{error:?}");

    // A port nobody listens on: the connection is refused.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let url = format!("http://{closed}/keys");
    let error = fetch(url.clone()).await.unwrap_err();
    assert!(matches!(&error, JwtError::Fetch { source: FetchError::Request(_), .. }), "{error:?}");
    assert_eq!(error.to_string(), format!("cannot fetch the JWKS document from {url}"));
    assert_eq!(error.source().map(ToString::to_string).as_deref(), Some("request failed"));

    // A server that answers, but not with success.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let Ok((stream, _)) = listener.accept().await else { return };
        let service = hyper::service::service_fn(|_request| async {
            let mut response = http::Response::new(Full::new(Bytes::new()));
            *response.status_mut() = StatusCode::NOT_FOUND;
            Ok::<_, std::convert::Infallible>(response)
        });
        let _ = hyper::server::conn::http1::Builder::new()
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
            .await;
    });
    let error = fetch(format!("http://{address}/keys")).await.unwrap_err();
    assert!(matches!(&error, JwtError::Fetch { source: FetchError::Status(StatusCode::NOT_FOUND), .. }), "{error:?}");
}
