//! Writes the seeds of the `jwt` target into `seeds/jwt/` (run in `fuzz/`):
//!
//!     cargo run --release --example jwt_seeds
//!
//! Mode 0 (first byte `0`): tokens signed with the fixed keys for each algorithm, with and
//! without `kid`, valid until 2100, and the classic forgeries. Mode 1 (`1`): JWKS documents,
//! some followed by a NUL and a token. Mode 2 (`2`): recipes, with and without mutations.
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use oracles::jwt::{AUDIENCE, EC_PRIVATE, ISSUER, JWKS, RSA_PRIVATE, RSA_PUBLIC, SECRET, WRONG_SECRET, b64};
use serde_json::{Value, json};

/// 2100-01-01T00:00:00Z.
const EXP: u64 = 4_102_444_800;

fn claims(scp: &str) -> Value {
    json!({"aud": AUDIENCE, "iss": ISSUER, "exp": EXP, "nbf": 1_700_000_000, "scp": scp, "sub": "phone-42",
        "oid": "00000000-0000-0000-0000-00000000a1d0"})
}

fn token(algorithm: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    let key = match algorithm {
        Algorithm::HS256 => EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
        Algorithm::RS256 => EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap(),
        _ => EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap(),
    };
    encode(&header, claims, &key).unwrap()
}

fn main() {
    let dir = std::path::Path::new("seeds/jwt");
    std::fs::create_dir_all(dir).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    let both = "Conversations.Initiate Conversations.Receive";

    let hs256 = token(Algorithm::HS256, None, &claims(both));
    let tokens = [
        ("token-hs256", hs256.clone()),
        ("token-rs256", token(Algorithm::RS256, None, &claims("Conversations.Initiate"))),
        ("token-rs256-kid", token(Algorithm::RS256, Some("rsa-1"), &claims(both))),
        ("token-es256", token(Algorithm::ES256, None, &claims("Conversations.Receive"))),
        ("token-es256-kid", token(Algorithm::ES256, Some("ec-1"), &claims(both))),
        ("token-unknown-kid", token(Algorithm::RS256, Some("rsa-2"), &claims(both))),
    ];
    for (name, token) in &tokens {
        write(name, &[b"0", token.as_bytes()].concat());
    }
    // Forgeries: HS256 keyed with the RSA public key's PEM, and `alg: none`.
    let input = format!("{}.{}", b64(br#"{"alg":"HS256","typ":"JWT"}"#), b64(claims(both).to_string().as_bytes()));
    let confused = jsonwebtoken::crypto::sign(
        input.as_bytes(),
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()).unwrap(),
        Algorithm::HS256,
    )
    .unwrap();
    write("token-hs256-rsa-pem", format!("0{input}.{confused}").as_bytes());
    let none = format!("{}.{}.c2ln", b64(br#"{"alg":"none"}"#), b64(claims(both).to_string().as_bytes()));
    write("token-alg-none", format!("0{none}").as_bytes());

    write("jwks-test-keys", format!("1{JWKS}").as_bytes());
    write("jwks-test-keys-token", [b"1", JWKS.as_bytes(), b"\0", tokens[2].1.as_bytes()].concat().as_slice());
    // An HMAC key in the document, and a token signed with it: never a key of the verifier.
    let oct =
        format!(r#"{{"keys":[{{"kty":"oct","kid":"hmac-1","alg":"HS256","k":"{}"}}]}}"#, b64(WRONG_SECRET.as_bytes()));
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("hmac-1".into());
    let with_oct = encode(&header, &claims(both), &EncodingKey::from_secret(WRONG_SECRET.as_bytes()).unwrap()).unwrap();
    write("jwks-oct", [b"1", oct.as_bytes(), b"\0", with_oct.as_bytes()].concat().as_slice());
    let mixed = r#"{"keys":[{"kty":"RSA","kid":"r","alg":"RS512","n":"AQAB","e":"AQAB"},{"kty":"EC","crv":"P-384","x":"AA","y":"AA"},{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},{"kty":"EC","kid":"ec-1","crv":"P-256","x":"fhhgOWsthqwuj1VUL6P0QB99qnB-qf_3T7T-5Npu94E","y":"xrgvwNrB6aczl0LzbiOH4WQ-RDi0gbu46ttF9WMLxzk","use":"enc","key_ops":["encrypt"]}]}"#;
    write("jwks-mixed", format!("1{mixed}").as_bytes());
    write("jwks-empty", b"1{\"keys\":[]}");

    // Recipes: algorithm, signer, kid, claims, scp, extras; then mutations of four bytes.
    for algorithm in 0..3u8 {
        write(&format!("made-genuine-{algorithm}"), &[b'2', algorithm, 0, 0, 0, 3, 3]);
        write(&format!("made-kid-{algorithm}"), &[b'2', algorithm, 0, 1 + algorithm % 2, 1, 1, 2]);
    }
    for signer in 1..9u8 {
        write(&format!("made-forged-{signer}"), &[b'2', 0, signer, 0, 0, 3, 1]);
    }
    for claims in 3..12u8 {
        write(&format!("made-claims-{claims}"), &[b'2', 1, 0, 0, claims, 2, 1]);
    }
    let mutations: [[u8; 4]; 10] = [
        [0, 0, 5, 7],
        [1, 0, 40, 62],
        [2, 1, 0, 3],
        [3, 0, 200, 0],
        [4, 0, 2, 1],
        [5, 0, 0, 3],
        [6, 0, 1, 0],
        [7, 0, 3, 2],
        [8, 0, 1, 0],
        [9, 0, 0, 2],
    ];
    for (n, mutation) in mutations.iter().enumerate() {
        write(&format!("made-mutated-{n}"), &[&[b'2', (n % 3) as u8, 0, 0, 0, 3, 3][..], mutation].concat());
    }
}
