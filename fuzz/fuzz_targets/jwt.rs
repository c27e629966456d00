//! The JWT verifier (`tower_mediadiag::jwt`, feature `jwt`) with fixed keys: an HS256 secret,
//! the RSA and EC test keys as PEM (no `kid`) and the test JWKS document (the same public keys,
//! kids `rsa-1` and `ec-1`), audience and issuer required (`oracles::jwt`). The first byte
//! picks the mode:
//!
//! - `0` (mod 4), tokens: the other bytes are the token, sent as `Authorization: Bearer …`.
//!   Never a panic; a granted token is one whose signature verifies under a fixed key
//!   (`oracles::jwt::signed_by`, which checks each key with its own algorithm and ignores the
//!   header); a token this process made gets exactly the answer owed to it.
//! - `1`, JWKS documents: the bytes up to the first NUL are a JWKS document given to the
//!   builder's `jwks_json` besides the fixed keys, the rest a token. Never a panic; when it
//!   builds, tokens signed by the fixed keys without `kid` are still granted, a token signed
//!   with HMAC keyed by any material of the document (its text, each key, each decoded
//!   member, as an algorithm confusion would use it) is refused, and a granted token verifies
//!   under a fixed key or a key of the document.
//! - `2` and `3`, made tokens: bytes pick an algorithm, a signer (genuine, or one of eight
//!   forgeries), a `kid`, claims (valid, or each way of being invalid), scopes and principal;
//!   the target signs the token and checks the exact answer (scopes of `scp`, principal `oid`
//!   else `sub`, or refused). Then up to eight mutations, four bytes each, change it (a byte
//!   set, inserted or removed, a cut, a part taken from another made token, the payload or
//!   header replaced, a signature bit flipped, parts repeated or swapped); after each, a token
//!   whose text differs from every token this process made must be refused, and one that
//!   equals a made token must get that token's answer.
#![no_main]

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use libfuzzer_sys::fuzz_target;
use oracles::jwt::{
    ALGORITHMS, CLAIM_SETS, INVALID, KIDS, Made, Outcome, Recipe, SCPS, SIGNERS, Signer, b64, builder, claims,
    document_keys, document_secrets, fixed_keys, make, signed_by, verifier, verify,
};
use tower_mediadiag::Authorization;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 4 {
        0 => token(rest),
        1 => document(rest),
        _ => made(rest),
    }
});

/// Every token this process made (up to 50,000), with the answer owed to it, and in a list to
/// pick parts from.
struct Registry {
    outcomes: HashMap<String, Outcome>,
    tokens: Vec<String>,
}

fn registry() -> &'static Mutex<Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(Registry { outcomes: HashMap::new(), tokens: Vec::new() }))
}

fn remember(made: &Made) {
    let mut registry = registry().lock().unwrap();
    if registry.tokens.len() >= 50_000 {
        return;
    }
    if registry.outcomes.insert(made.token.clone(), made.expected.clone()).is_none() {
        registry.tokens.push(made.token.clone());
    }
}

fn owed(token: &[u8]) -> Option<Outcome> {
    let token = std::str::from_utf8(token).ok()?;
    registry().lock().unwrap().outcomes.get(token).cloned()
}

fn granted(outcome: &Outcome) -> bool {
    matches!(outcome.0, Authorization::Granted(_))
}

/// Mode 0: any token.
fn token(token: &[u8]) {
    let Some(got) = verify(verifier(), token) else { return };
    if granted(&got) {
        assert!(
            signed_by(token, fixed_keys()),
            "granted, but no fixed key signed it: {:?}",
            String::from_utf8_lossy(token)
        );
    } else {
        assert_eq!(got, INVALID, "a refusal names no principal");
    }
    if let Some(owed) = owed(token) {
        assert_eq!(got, owed, "a made token: {:?}", String::from_utf8_lossy(token));
    }
}

/// Mode 1: a JWKS document besides the fixed keys, then a token.
fn document(bytes: &[u8]) {
    let (document, token) = match bytes.iter().position(|&b| b == 0) {
        Some(nul) => (&bytes[..nul], Some(&bytes[nul + 1..])),
        None => (bytes, None),
    };
    let document = String::from_utf8_lossy(document);
    let Ok(scopes) = builder().jwks_json(&document).build() else { return };
    // The fixed keys come first: a document cannot take them away.
    for algorithm in ALGORITHMS {
        let made = make(&recipe(algorithm, Signer::Genuine, None, 0, 3, 3));
        assert!(granted(&made.expected));
        assert_eq!(verify(&scopes, made.token.as_bytes()), Some(made.expected), "{algorithm:?} with {document:?}");
    }
    // No material of the document is ever an HMAC secret.
    for (kid, secret) in document_secrets(&document).into_iter().take(24) {
        for kid in [None, kid] {
            let made =
                make(&Recipe { kid, ..recipe(Algorithm::HS256, Signer::HmacWith(secret.clone()), None, 0, 3, 0) });
            assert_eq!(
                verify(&scopes, made.token.as_bytes()),
                Some(INVALID),
                "HMAC keyed with {secret:?} of {document:?}"
            );
        }
    }
    let Some(token) = token else { return };
    let Some(got) = verify(&scopes, token) else { return };
    if granted(&got) {
        let signed = signed_by(token, fixed_keys()) || signed_by(token, &document_keys(&document));
        assert!(signed, "granted, but no configured key signed it: {:?}", String::from_utf8_lossy(token));
    } else {
        assert_eq!(got, INVALID);
    }
}

fn recipe(algorithm: Algorithm, signer: Signer, kid: Option<&str>, claims: usize, scp: usize, extras: u8) -> Recipe {
    Recipe { algorithm, signer, kid: kid.map(str::to_owned), claims, scp, extras }
}

/// Header variants a mutation may put in place of the made token's header.
const HEADERS: [&str; 10] = [
    r#"{"alg":"none"}"#,
    r#"{"alg":"HS256"}"#,
    r#"{"alg":"RS256"}"#,
    r#"{"alg":"ES256"}"#,
    r#"{"alg":"HS256","kid":"rsa-1"}"#,
    r#"{"alg":"RS256","kid":"ec-1"}"#,
    r#"{"alg":"ES256","kid":"ec-1","typ":"JWT"}"#,
    r#"{"alg":"PS256","typ":"JWT"}"#,
    r#"{"alg":"HS256","typ":"JWT","crit":["exp"]}"#,
    r#"{"typ":"JWT"}"#,
];

/// Symbols a mutation writes: base64url, the separator, other token characters; past them a
/// raw byte (not a token character, or not even a header value byte).
fn symbol(byte: u8) -> u8 {
    const SYMBOLS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/~";
    SYMBOLS.get(usize::from(byte)).copied().unwrap_or(byte)
}

/// The token's parts (split at `.`).
fn parts(token: &[u8]) -> Vec<Vec<u8>> {
    token.split(|&b| b == b'.').map(<[u8]>::to_vec).collect()
}

fn join(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.join(&b'.')
}

/// Applies mutation `op` to `token`: `kind` picks what, `position` (big-endian) where, `value`
/// what is written or taken.
fn mutate(token: &mut Vec<u8>, [kind, high, low, value]: [u8; 4]) {
    let position = usize::from(high) << 8 | usize::from(low);
    let index = usize::from(value);
    match kind % 10 {
        0 if !token.is_empty() => {
            let i = position % token.len();
            token[i] = symbol(value);
        }
        1 => {
            let i = position % (token.len() + 1);
            token.insert(i, symbol(value));
        }
        2 if !token.is_empty() => {
            let i = position % token.len();
            token.remove(i);
        }
        3 => token.truncate(position % (token.len() + 1)),
        4 => {
            let registry = registry().lock().unwrap();
            let Some(other) = registry.tokens.get(index * 7 % registry.tokens.len().max(1)) else { return };
            let mut mine = parts(token);
            let theirs = parts(other.as_bytes());
            let i = position % 3;
            if let (Some(part), Some(from)) = (mine.get_mut(i), theirs.get(i)) {
                part.clone_from(from);
            }
            *token = join(&mine);
        }
        5 => {
            let mut mine = parts(token);
            if mine.len() > 1 {
                let (mut payload, _) = claims(position % CLAIM_SETS);
                if let Some(scp) = SCPS[index % SCPS.len()] {
                    payload.insert("scp".into(), scp.into());
                }
                mine[1] = b64(serde_json::Value::Object(payload).to_string().as_bytes()).into_bytes();
            }
            *token = join(&mine);
        }
        6 => {
            let mut mine = parts(token);
            mine[0] = b64(HEADERS[position % HEADERS.len()].as_bytes()).into_bytes();
            *token = join(&mine);
        }
        7 => {
            let mut mine = parts(token);
            let Some(last) = mine.last_mut() else { return };
            let Ok(mut signature) = URL_SAFE_NO_PAD.decode(&*last) else { return };
            if signature.is_empty() {
                return;
            }
            let i = position % signature.len();
            signature[i] ^= 1 << (value % 8);
            *last = b64(&signature).into_bytes();
            *token = join(&mine);
        }
        8 => {
            let mut mine = parts(token);
            let i = position % mine.len();
            if index % 2 == 0 {
                let copy = mine[i].clone();
                mine.insert(index % (mine.len() + 1), copy);
            } else if mine.len() > 1 {
                mine.remove(i);
            }
            *token = join(&mine);
        }
        _ => {
            let mut mine = parts(token);
            let (i, j) = (position % mine.len(), index % mine.len());
            mine.swap(i, j);
            *token = join(&mine);
        }
    }
}

/// Modes 2 and 3: a made token, then mutations of it.
fn made(bytes: &[u8]) {
    let pick = |i: usize| usize::from(bytes.get(i).copied().unwrap_or(0));
    let kid = KIDS[pick(2) % KIDS.len()];
    let signer = SIGNERS[pick(1) % SIGNERS.len()].clone();
    let made = make(&recipe(ALGORITHMS[pick(0) % ALGORITHMS.len()], signer, kid, pick(3), pick(4), pick(5) as u8));
    remember(&made);
    let got = verify(verifier(), made.token.as_bytes()).expect("a made token is a header value");
    assert_eq!(got, made.expected, "made: {}", made.token);
    if granted(&got) {
        assert!(made.signed && signed_by(made.token.as_bytes(), fixed_keys()));
    }
    let mut token = made.token.clone().into_bytes();
    for op in bytes.get(6..).unwrap_or_default().chunks_exact(4).take(8) {
        mutate(&mut token, [op[0], op[1], op[2], op[3]]);
        let Some(got) = verify(verifier(), &token) else { continue };
        // The made token itself, also once the registry is full.
        let owed = if token == made.token.as_bytes() { Some(made.expected.clone()) } else { owed(&token) };
        match owed {
            Some(owed) => assert_eq!(got, owed, "a made token: {}", String::from_utf8_lossy(&token)),
            None => assert_eq!(
                got,
                INVALID,
                "changed from {}, never made here, yet not refused: {}",
                made.token,
                String::from_utf8_lossy(&token)
            ),
        }
        if granted(&got) {
            assert!(signed_by(&token, fixed_keys()));
        }
    }
}
