//! The JWT oracle: tokens made and signed here with fixed keys (an HS256 secret, and the RSA
//! and EC test keys of `middleware/layer/tests/keys/`), forgeries of known kinds, what the
//! verifier of `tower_mediadiag::jwt` must answer for each (docs/behaviour.md, section 6, and
//! the module's documentation), and a signature check that does not go through the verifier.
//!
//! - [`signed_by`]: a token's third part is a canonical base64url signature of its first two
//!   parts under one of the given keys, each key with its own algorithm, whatever the token's
//!   header says. The verifier must never accept a token this check refuses for every
//!   configured key.
//! - [`make`]: a token from a [`Recipe`] (algorithm, [`Signer`], `kid`, claims, scopes,
//!   principal) and the outcome the verifier of [`verifier`] owes it: the scopes of `scp` and
//!   the principal (`oid`, else `sub`) for a genuine signature by the key of its `kid` and
//!   algorithm with valid claims, [`INVALID`] for everything else.
//!
//! Times are relative to the first token made in the process, so that a recipe always makes
//! the same bytes (signatures are cached; RSA signing is slow) and a valid token stays valid
//! for a day, an expired one expired.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{Extensions, HeaderMap, HeaderValue};
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use mediadiag::{Scope, Scopes};
use serde_json::{Map, Value, json};
use tower_mediadiag::jwt::{JwtScopes, JwtScopesBuilder};
use tower_mediadiag::{Authorization, ScopeSource};

/// The HS256 secret of every verifier here.
pub const SECRET: &str = "an HS256 test secret, 32 bytes or more";
/// A secret the verifiers do not have.
pub const WRONG_SECRET: &str = "another HS256 secret, also 32 bytes or more";
pub const AUDIENCE: &str = "api://media-reports";
pub const ISSUER: &str = "https://login.example.test/tenant/v2.0";
pub const RSA_PRIVATE: &str = include_str!("../../middleware/layer/tests/keys/rsa_private.pem");
pub const RSA_PUBLIC: &str = include_str!("../../middleware/layer/tests/keys/rsa_public.pem");
pub const EC_PRIVATE: &str = include_str!("../../middleware/layer/tests/keys/ec_private.pem");
pub const EC_PUBLIC: &str = include_str!("../../middleware/layer/tests/keys/ec_public.pem");
/// The public halves of both key pairs, kids `rsa-1` and `ec-1`.
pub const JWKS: &str = include_str!("../../middleware/layer/tests/keys/jwks.json");

/// What a verifier answers: the authorization and the principal.
pub type Outcome = (Authorization, Option<String>);
/// A refused token.
pub const INVALID: Outcome = (Authorization::Invalid, None);

/// The fixed keys without `kid`, the audience and the issuer; the JWKS document is added by
/// the caller.
pub fn builder() -> JwtScopesBuilder {
    JwtScopes::builder()
        .hs256_secret(SECRET)
        .rsa_pem(None, RSA_PUBLIC.as_bytes())
        .ec_pem(None, EC_PUBLIC.as_bytes())
        .audience(AUDIENCE)
        .issuer(ISSUER)
}

/// The verifier [`make`]'s outcomes are for: [`builder`] and [`JWKS`].
pub fn verifier() -> &'static JwtScopes {
    static VERIFIER: OnceLock<JwtScopes> = OnceLock::new();
    VERIFIER.get_or_init(|| builder().jwks_json(JWKS).build().expect("the fixed keys build"))
}

/// What `scopes` answers to `Authorization: Bearer {token}`; `None` when those bytes cannot
/// be a header value (no request can carry them).
pub fn verify(scopes: &JwtScopes, token: &[u8]) -> Option<Outcome> {
    let value = HeaderValue::from_bytes(&[b"Bearer ", token].concat()).ok()?;
    let mut headers = HeaderMap::new();
    headers.insert(http::header::AUTHORIZATION, value);
    Some(scopes.authorize_principal(&headers, &Extensions::new()))
}

/// The fixed verification keys, each with the one algorithm it verifies.
pub fn fixed_keys() -> &'static [(Algorithm, DecodingKey)] {
    static KEYS: OnceLock<Vec<(Algorithm, DecodingKey)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        vec![
            (Algorithm::HS256, DecodingKey::from_secret(SECRET.as_bytes()).unwrap()),
            (Algorithm::RS256, DecodingKey::from_rsa_pem(RSA_PUBLIC.as_bytes()).unwrap()),
            (Algorithm::ES256, DecodingKey::from_ec_pem(EC_PUBLIC.as_bytes()).unwrap()),
        ]
    })
}

/// Whether `token` is `header.payload.signature` whose signature, canonical unpadded
/// base64url, verifies over `header.payload` under one of `keys`, each with its own algorithm.
/// The header is not read.
pub fn signed_by(token: &[u8], keys: &[(Algorithm, DecodingKey)]) -> bool {
    let Ok(text) = std::str::from_utf8(token) else { return false };
    let parts: Vec<&str> = text.split('.').collect();
    let [header, payload, signature] = parts[..] else { return false };
    // Canonical: decodes, and encodes back to the same text (no padding, no stray bits).
    let canonical = URL_SAFE_NO_PAD.decode(signature).is_ok_and(|bytes| URL_SAFE_NO_PAD.encode(bytes) == signature);
    let input = format!("{header}.{payload}");
    canonical
        && keys.iter().any(|(algorithm, key)| {
            jsonwebtoken::crypto::verify(signature, input.as_bytes(), key, *algorithm).unwrap_or(false)
        })
}

/// The verification keys of a JWKS document as `jsonwebtoken` reads them (RSA keys for RS256,
/// EC keys for ES256), for a verifier built with that document.
pub fn document_keys(json: &str) -> Vec<(Algorithm, DecodingKey)> {
    let Ok(set) = serde_json::from_str::<JwkSet>(json) else { return Vec::new() };
    set.keys
        .iter()
        .filter_map(|jwk| {
            let algorithm = match jwk.algorithm {
                AlgorithmParameters::RSA(_) => Algorithm::RS256,
                AlgorithmParameters::EllipticCurve(_) => Algorithm::ES256,
                _ => return None,
            };
            Some((algorithm, DecodingKey::from_jwk(jwk).ok()?))
        })
        .collect()
}

/// Material of a JWKS document that an algorithm confusion would use as an HMAC secret: the
/// whole text, each key object's text, and the decoded value of each of its string members
/// (`k` of an `oct` key, `n`, `x`, ...), each with the key's `kid`.
pub fn document_secrets(json: &str) -> Vec<(Option<String>, Vec<u8>)> {
    let mut secrets = vec![(None, json.as_bytes().to_vec())];
    let Ok(Value::Object(document)) = serde_json::from_str::<Value>(json) else { return secrets };
    let Some(Value::Array(keys)) = document.get("keys") else { return secrets };
    for key in keys.iter().take(8) {
        let Value::Object(members) = key else { continue };
        let kid = members.get("kid").and_then(Value::as_str).map(str::to_owned);
        secrets.push((kid.clone(), key.to_string().into_bytes()));
        for value in members.values().filter_map(Value::as_str).take(8) {
            if let Ok(bytes) = URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')) {
                secrets.push((kid.clone(), bytes));
            }
        }
    }
    secrets
}

/// Who signs a made token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    /// The fixed key of the recipe's algorithm: the secret, or the RSA or EC private key.
    Genuine,
    /// Header HS256, HMAC keyed with the RSA public key's PEM (algorithm confusion).
    HmacWithRsaPem,
    /// Header HS256, HMAC keyed with the EC public key's PEM.
    HmacWithEcPem,
    /// Header HS256, HMAC keyed with the JWKS document's text.
    HmacWithJwks,
    /// Header HS256, HMAC keyed with a secret the verifier does not have.
    HmacWithWrongSecret,
    /// Header RS256, an ES256 signature by the EC key.
    RsaHeaderEcSignature,
    /// Header ES256, an RS256 signature by the RSA key.
    EcHeaderRsaSignature,
    /// Header RS256, HMAC keyed with the secret.
    RsaHeaderHmacSignature,
    /// Header `"alg":"none"`, HMAC keyed with the secret.
    AlgNone,
    /// Header HS256, HMAC keyed with these bytes (a JWKS document's material).
    HmacWith(Vec<u8>),
}

/// Every signer but [`Signer::HmacWith`], the genuine one first.
pub const SIGNERS: [Signer; 9] = [
    Signer::Genuine,
    Signer::HmacWithRsaPem,
    Signer::HmacWithEcPem,
    Signer::HmacWithJwks,
    Signer::HmacWithWrongSecret,
    Signer::RsaHeaderEcSignature,
    Signer::EcHeaderRsaSignature,
    Signer::RsaHeaderHmacSignature,
    Signer::AlgNone,
];

/// The algorithms of genuine tokens.
pub const ALGORITHMS: [Algorithm; 3] = [Algorithm::HS256, Algorithm::RS256, Algorithm::ES256];

/// The `kid`s a recipe may put in the header.
pub const KIDS: [Option<&str>; 5] = [None, Some("rsa-1"), Some("ec-1"), Some("unknown"), Some("")];

/// The `scp` values a recipe may claim (`None`: no `scp`).
pub const SCPS: [Option<&str>; 7] = [
    None,
    Some("Conversations.Initiate"),
    Some("Conversations.Receive"),
    Some("Conversations.Initiate Conversations.Receive"),
    Some("conversations.initiate Conversations.receive"),
    Some("Other.Scope Conversations.Receive User.Read"),
    Some(""),
];

/// How many claim sets [`claims`] knows.
pub const CLAIM_SETS: usize = 12;

/// A token to make.
#[derive(Clone, Debug)]
pub struct Recipe {
    /// The header's algorithm for a genuine signature (forgeries name their own).
    pub algorithm: Algorithm,
    pub signer: Signer,
    pub kid: Option<String>,
    /// Index into [`claims`], modulo [`CLAIM_SETS`].
    pub claims: usize,
    /// Index into [`SCPS`], modulo its length.
    pub scp: usize,
    /// Bit 0: `sub`; bit 1: `oid`; bit 2: `roles` naming both Conversations scopes (which
    /// this verifier does not accept).
    pub extras: u8,
}

/// A made token and what the verifier of [`verifier`] must answer.
#[derive(Clone, Debug)]
pub struct Made {
    pub token: String,
    pub expected: Outcome,
    /// Its signature is by a fixed key ([`signed_by`] with [`fixed_keys`]), with the header's
    /// algorithm or not.
    pub signed: bool,
}

/// Seconds since the epoch at the first call in this process.
fn epoch() -> i64 {
    static EPOCH: OnceLock<i64> = OnceLock::new();
    *EPOCH.get_or_init(|| SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64)
}

/// Claim set `index`: the standard claims, and whether they are valid for [`verifier`]
/// (audience and issuer required, `exp` required, `nbf` checked, leeway 60 s; every time is
/// an hour or more away from the edge).
pub fn claims(index: usize) -> (Map<String, Value>, bool) {
    let now = epoch();
    let day = 86_400;
    let mut claims = Map::new();
    claims.insert("aud".into(), json!(AUDIENCE));
    claims.insert("iss".into(), json!(ISSUER));
    claims.insert("exp".into(), json!(now + day));
    claims.insert("nbf".into(), json!(now - 3600));
    let valid = match index % CLAIM_SETS {
        0 => true,
        1 => {
            claims.remove("nbf");
            true
        }
        2 => {
            claims.insert("aud".into(), json!(["api://another", AUDIENCE]));
            true
        }
        3 => {
            claims.insert("extra".into(), json!({"nested": [1, "two", null], "exp": 0}));
            true
        }
        4 => {
            claims.insert("exp".into(), json!(now - 3600));
            false
        }
        5 => {
            claims.remove("exp");
            false
        }
        6 => {
            claims.insert("nbf".into(), json!(now + 3600));
            false
        }
        7 => {
            claims.insert("aud".into(), json!("api://another"));
            false
        }
        8 => {
            claims.remove("aud");
            false
        }
        9 => {
            claims.insert("iss".into(), json!("https://login.example.test/other/v2.0"));
            false
        }
        10 => {
            claims.remove("iss");
            false
        }
        _ => {
            claims.insert("aud".into(), json!(["api://another"]));
            false
        }
    };
    (claims, valid)
}

/// The scopes of `scp` by docs/behaviour.md, section 6: space-separated names, compared
/// exactly; others ignored.
pub fn scopes_of(scp: Option<&str>) -> Scopes {
    let names = scp.unwrap_or("").split(' ');
    names.fold(Scopes::NONE, |scopes, name| match name {
        "Conversations.Initiate" => scopes.with(Scope::ConversationsInitiate),
        "Conversations.Receive" => scopes.with(Scope::ConversationsReceive),
        _ => scopes,
    })
}

/// The payload of a recipe, and whether its claims are valid.
pub fn payload(recipe: &Recipe) -> (Value, bool) {
    let (mut claims, valid) = claims(recipe.claims);
    if let Some(scp) = SCPS[recipe.scp % SCPS.len()] {
        claims.insert("scp".into(), json!(scp));
    }
    if recipe.extras & 1 != 0 {
        claims.insert("sub".into(), json!("phone-42"));
    }
    if recipe.extras & 2 != 0 {
        claims.insert("oid".into(), json!("00000000-0000-0000-0000-00000000a1d0"));
    }
    if recipe.extras & 4 != 0 {
        claims.insert("roles".into(), json!(["Conversations.Initiate", "Conversations.Receive"]));
    }
    (Value::Object(claims), valid)
}

/// `bytes` as unpadded base64url.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A signing key.
enum SigningKey<'a> {
    Secret(&'a [u8]),
    Rsa,
    Ec,
}

/// The signature of `input` by `key` for `algorithm`. RSA and EC signatures are cached
/// (deterministic: PKCS #1 v1.5, and ECDSA with RFC 6979 nonces; RSA signing is slow).
fn sign(key: SigningKey, algorithm: Algorithm, input: &str) -> String {
    static RSA: OnceLock<EncodingKey> = OnceLock::new();
    static EC: OnceLock<EncodingKey> = OnceLock::new();
    /// (algorithm, RSA key rather than EC, signing input) to signature.
    type Cache = Mutex<HashMap<(Algorithm, bool, String), String>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let (key, is_rsa) = match key {
        // HMAC takes any key but an empty one (jsonwebtoken refuses it); a zero byte stands in.
        SigningKey::Secret(secret) => {
            let key = EncodingKey::from_secret(if secret.is_empty() { &[0] } else { secret }).unwrap();
            return jsonwebtoken::crypto::sign(input.as_bytes(), &key, algorithm).expect("HMAC signs");
        }
        SigningKey::Rsa => (RSA.get_or_init(|| EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap()), true),
        SigningKey::Ec => (EC.get_or_init(|| EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap()), false),
    };
    let cache = CACHE.get_or_init(Mutex::default);
    let id = (algorithm, is_rsa, input.to_owned());
    if let Some(signature) = cache.lock().unwrap().get(&id) {
        return signature.clone();
    }
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), key, algorithm).expect("signs");
    let mut cache = cache.lock().unwrap();
    if cache.len() > 100_000 {
        cache.clear();
    }
    cache.insert(id, signature.clone());
    signature
}

/// Makes the token of `recipe`, and what [`verifier`] must answer.
pub fn make(recipe: &Recipe) -> Made {
    let secret = SECRET.as_bytes();
    let (header_alg, signing_alg, key) = match &recipe.signer {
        Signer::Genuine => match recipe.algorithm {
            Algorithm::HS256 => ("HS256", Algorithm::HS256, SigningKey::Secret(secret)),
            Algorithm::RS256 => ("RS256", Algorithm::RS256, SigningKey::Rsa),
            _ => ("ES256", Algorithm::ES256, SigningKey::Ec),
        },
        Signer::HmacWithRsaPem => ("HS256", Algorithm::HS256, SigningKey::Secret(RSA_PUBLIC.as_bytes())),
        Signer::HmacWithEcPem => ("HS256", Algorithm::HS256, SigningKey::Secret(EC_PUBLIC.as_bytes())),
        Signer::HmacWithJwks => ("HS256", Algorithm::HS256, SigningKey::Secret(JWKS.as_bytes())),
        Signer::HmacWithWrongSecret => ("HS256", Algorithm::HS256, SigningKey::Secret(WRONG_SECRET.as_bytes())),
        Signer::RsaHeaderEcSignature => ("RS256", Algorithm::ES256, SigningKey::Ec),
        Signer::EcHeaderRsaSignature => ("ES256", Algorithm::RS256, SigningKey::Rsa),
        Signer::RsaHeaderHmacSignature => ("RS256", Algorithm::HS256, SigningKey::Secret(secret)),
        Signer::AlgNone => ("none", Algorithm::HS256, SigningKey::Secret(secret)),
        Signer::HmacWith(bytes) => ("HS256", Algorithm::HS256, SigningKey::Secret(bytes)),
    };
    let mut header = json!({"alg": header_alg, "typ": "JWT"});
    if let Some(kid) = &recipe.kid {
        header["kid"] = json!(kid);
    }
    let (payload, valid) = payload(recipe);
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(payload.to_string().as_bytes()));
    let signature = sign(key, signing_alg, &input);
    let genuine = recipe.signer == Signer::Genuine;
    let signed = genuine
        || matches!(
            recipe.signer,
            Signer::RsaHeaderEcSignature
                | Signer::EcHeaderRsaSignature
                | Signer::RsaHeaderHmacSignature
                | Signer::AlgNone
        );
    // The keys of `verifier`: the fixed ones without kid, the JWKS document's with theirs.
    let kid_has_key =
        matches!((recipe.kid.as_deref(), header_alg), (None, _) | (Some("rsa-1"), "RS256") | (Some("ec-1"), "ES256"));
    let expected = if genuine && kid_has_key && valid {
        let principal = payload.get("oid").or(payload.get("sub")).and_then(Value::as_str).map(str::to_owned);
        (Authorization::Granted(scopes_of(SCPS[recipe.scp % SCPS.len()])), principal)
    } else {
        INVALID
    };
    Made { token: format!("{input}.{signature}"), expected, signed }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(algorithm: Algorithm, signer: Signer, kid: Option<&str>, claims: usize) -> Recipe {
        Recipe { algorithm, signer, kid: kid.map(str::to_owned), claims, scp: 3, extras: 3 }
    }

    #[test]
    fn genuine_tokens_with_valid_claims_are_granted_and_nothing_else_is() {
        for algorithm in ALGORITHMS {
            for signer in SIGNERS {
                for kid in KIDS {
                    for claims in 0..CLAIM_SETS {
                        let made = make(&recipe(algorithm, signer.clone(), kid, claims));
                        let got = verify(verifier(), made.token.as_bytes()).unwrap();
                        assert_eq!(got, made.expected, "{algorithm:?} {signer:?} {kid:?} claims {claims}");
                        assert_eq!(signed_by(made.token.as_bytes(), fixed_keys()), made.signed, "{signer:?}");
                    }
                }
            }
        }
        let granted = make(&recipe(Algorithm::ES256, Signer::Genuine, Some("ec-1"), 0));
        assert_eq!(
            granted.expected,
            (Authorization::Granted(Scopes::BOTH), Some("00000000-0000-0000-0000-00000000a1d0".into()))
        );
    }

    #[test]
    fn scopes_and_principal_follow_scp_and_oid_else_sub() {
        for scp in 0..SCPS.len() {
            for extras in 0..8 {
                let made = make(&Recipe {
                    algorithm: Algorithm::HS256,
                    signer: Signer::Genuine,
                    kid: None,
                    claims: 0,
                    scp,
                    extras,
                });
                assert_eq!(verify(verifier(), made.token.as_bytes()).unwrap(), made.expected);
            }
        }
        assert_eq!(scopes_of(Some("conversations.initiate Conversations.receive")), Scopes::NONE);
        assert_eq!(
            scopes_of(Some("Other.Scope Conversations.Receive")),
            Scopes::NONE.with(Scope::ConversationsReceive)
        );
    }

    #[test]
    fn a_changed_byte_anywhere_is_refused_by_both() {
        let made = make(&recipe(Algorithm::RS256, Signer::Genuine, None, 0));
        let bytes = made.token.as_bytes();
        for at in (0..bytes.len()).step_by(7) {
            let mut changed = bytes.to_vec();
            changed[at] = if changed[at] == b'A' { b'B' } else { b'A' };
            if changed[at] == bytes[at] || bytes[at] == b'.' {
                continue;
            }
            assert!(!signed_by(&changed, fixed_keys()), "at {at}");
            assert_eq!(verify(verifier(), &changed), Some(INVALID), "at {at}");
        }
    }

    #[test]
    fn a_non_canonical_signature_text_is_not_signed() {
        // An HS256 signature is 32 bytes: 43 characters, the last carrying 2 unused bits.
        let made = make(&recipe(Algorithm::HS256, Signer::Genuine, None, 0));
        assert!(signed_by(made.token.as_bytes(), fixed_keys()));
        let (input, signature) = made.token.rsplit_once('.').unwrap();
        let last = signature.as_bytes()[signature.len() - 1];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let position = alphabet.iter().position(|&c| c == last).unwrap();
        let stray = alphabet[position ^ 1] as char;
        let token = format!("{input}.{}{stray}", &signature[..signature.len() - 1]);
        assert!(!signed_by(token.as_bytes(), fixed_keys()));
        assert_eq!(verify(verifier(), token.as_bytes()), Some(INVALID));
    }

    #[test]
    fn document_material_as_an_hmac_secret_is_refused() {
        let scopes = builder()
            .jwks_json(r#"{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]}"#);
        let scopes = scopes.build().unwrap();
        let secrets = document_secrets(
            r#"{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]}"#,
        );
        assert!(
            secrets
                .iter()
                .any(|(kid, secret)| kid.as_deref() == Some("k") && secret == b"secret-secret-secret-secret-secret")
        );
        for (kid, secret) in secrets {
            for kid in [None, kid] {
                let signer = Signer::HmacWith(secret.clone());
                let made = make(&Recipe { algorithm: Algorithm::HS256, signer, kid, claims: 0, scp: 3, extras: 0 });
                assert_eq!(verify(&scopes, made.token.as_bytes()), Some(INVALID));
            }
        }
        assert_eq!(document_keys(JWKS).len(), 2);
    }

    /// ECDSA signatures are malleable: with (r, s) valid, (r, n - s) is valid too, and RFC 7518
    /// does not ask verifiers to refuse the high one. The oracle and the verifier must agree
    /// on it (both accept), so a token's text is not unique to its claims.
    #[test]
    fn an_es256_signature_with_s_negated_is_judged_alike_by_oracle_and_verifier() {
        const N: [u8; 32] = [
            0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6,
            0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
        ];
        let made = make(&recipe(Algorithm::ES256, Signer::Genuine, None, 0));
        let (input, signature) = made.token.rsplit_once('.').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
        let mut borrow = 0;
        for (s, n) in bytes[32..].iter_mut().zip(N).rev() {
            let difference = i16::from(n) - i16::from(*s) - borrow;
            *s = difference.rem_euclid(256) as u8;
            borrow = i16::from(difference < 0);
        }
        let token = format!("{input}.{}", b64(&bytes));
        assert_ne!(token, made.token);
        let accepted = verify(verifier(), token.as_bytes()) == Some(made.expected.clone());
        assert!(signed_by(token.as_bytes(), fixed_keys()) && accepted);
    }
}
