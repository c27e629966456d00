//! Verified bearer JWTs as a [`ScopeSource`] (feature `jwt`, on by default).
//!
//! Tokens are verified with the `jsonwebtoken` crate (its RustCrypto backend only, so no
//! backend can be missing at run time). Algorithms are HS256, RS256 and ES256, limited by an
//! allow-list; `none` is never accepted, and a key of one family never verifies a token of
//! another: an HS256 token is checked against HMAC secrets only, never against the bytes of
//! an RSA public key. Keys come from a secret, PEM public keys, or a JWKS document (a file,
//! or a URL fetched at start and refreshed on an interval), selected by `kid`.
//!
//! The signature, `exp` (required) and `nbf` with a leeway, and the audience and issuer when
//! configured are checked. Scopes come from the space-separated `scp` claim, and optionally
//! from the `roles` array of app-only tokens. Malformed or oversized tokens are refused
//! before any cryptography.
//!
//! ```
//! use tower_mediadiag::jwt::JwtScopes;
//!
//! let scopes = JwtScopes::builder()
//!     .hs256_secret("a shared secret of at least 32 bytes!")
//!     .audience("api://reports")
//!     .build()
//!     .unwrap();
//! let layer = tower_mediadiag::MediaDiagnosticsLayer::new(|_| async { Ok(()) }).scope_source(scopes);
//! # let _ = layer;
//! ```

use std::fmt;
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use http::{Extensions, HeaderMap};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use mediadiag::{Scope, Scopes};
use serde::Deserialize;

use crate::auth::{Authorization, ScopeSource, bearer_token};

/// Longest token looked at; longer ones are refused unread.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Largest JWKS document fetched from a URL.
const MAX_JWKS_LEN: usize = 1024 * 1024;

/// Longest wait for a JWKS document.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The algorithms this source can verify.
pub const SUPPORTED_ALGORITHMS: [Algorithm; 3] = [Algorithm::HS256, Algorithm::RS256, Algorithm::ES256];

/// Why a [`JwtScopes`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// No key was configured.
    #[error("no verification key configured")]
    NoKeys,
    /// An HMAC secret shorter than the 32 bytes RFC 7518 requires for HS256.
    #[error("an HS256 secret must be at least 32 bytes")]
    ShortSecret,
    /// A PEM key that does not parse.
    #[error("invalid key")]
    InvalidKey(#[source] jsonwebtoken::errors::Error),
    /// A JWKS document that does not parse.
    #[error("invalid JWKS document")]
    InvalidJwks(#[source] serde_json::Error),
    /// A JWKS file that cannot be read.
    #[error("cannot read the JWKS file")]
    Io(#[source] std::io::Error),
    /// A JWKS URL that could not be fetched.
    #[error("cannot fetch the JWKS document from {url}")]
    Fetch {
        /// The JWKS URL, as given.
        url: String,
        /// What went wrong.
        #[source]
        source: FetchError,
    },
}

/// Why a JWKS document could not be fetched (the source of [`JwtError::Fetch`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL does not parse.
    #[error("invalid URL")]
    InvalidUrl(#[source] http::uri::InvalidUri),
    /// The system's root certificates could not be loaded.
    #[error("cannot load the system's root certificates")]
    RootCertificates(#[source] std::io::Error),
    /// No answer within the fetch timeout.
    #[error("no answer within {0:?}")]
    TimedOut(Duration),
    /// The connection or the request failed.
    #[error("request failed")]
    Request(#[source] hyper_util::client::legacy::Error),
    /// The server answered with a status other than success.
    #[error("the server answered {0}")]
    Status(http::StatusCode),
    /// The body could not be read, or was larger than the limit.
    #[error("cannot read the body")]
    Body(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// One verification key: the algorithm it verifies, and its `kid` if it has one.
#[derive(Clone)]
struct Key {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// The keys in use: those configured once, and those of the JWKS URL (replaced on refresh).
#[derive(Clone, Default)]
struct Keys {
    fixed: Vec<Key>,
    fetched: Vec<Key>,
}

impl Keys {
    /// Keys that may verify a token with this header: same `kid` (or none on both sides) and
    /// the same algorithm.
    fn candidates<'a>(&'a self, kid: Option<&'a str>, algorithm: Algorithm) -> impl Iterator<Item = &'a Key> + 'a {
        self.fixed
            .iter()
            .chain(&self.fetched)
            .filter(move |key| key.algorithm == algorithm && key.kid.as_deref() == kid)
    }
}

/// The claims this source reads.
#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    scp: Option<String>,
    #[serde(default)]
    roles: Option<Vec<String>>,
    /// Entra ID's object id of the user or application.
    #[serde(default)]
    oid: Option<String>,
    #[serde(default)]
    sub: Option<String>,
}

/// What every token must satisfy besides its signature.
#[derive(Clone)]
struct Rules {
    allowed: Vec<Algorithm>,
    audience: Vec<String>,
    issuer: Vec<String>,
    leeway: Duration,
    accept_roles: bool,
}

struct Shared {
    keys: RwLock<Keys>,
    /// One prepared validation per allowed algorithm.
    validations: Vec<(Algorithm, Validation)>,
    accept_roles: bool,
}

/// A [`ScopeSource`] that verifies `Authorization: Bearer <jwt>`.
#[derive(Clone)]
pub struct JwtScopes {
    shared: Arc<Shared>,
}

impl fmt::Debug for JwtScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtScopes").finish_non_exhaustive()
    }
}

/// Configures a [`JwtScopes`].
pub struct JwtScopesBuilder {
    keys: Vec<Key>,
    rules: Rules,
    error: Option<JwtError>,
}

impl JwtScopes {
    /// Starts a configuration: add keys, then the audience and issuer to require.
    pub fn builder() -> JwtScopesBuilder {
        JwtScopesBuilder {
            keys: Vec::new(),
            rules: Rules {
                allowed: SUPPORTED_ALGORITHMS.to_vec(),
                audience: Vec::new(),
                issuer: Vec::new(),
                leeway: Duration::from_secs(60),
                accept_roles: false,
            },
            error: None,
        }
    }

    /// The token's scopes and principal (`oid`, else `sub`) once it verifies.
    fn verify(&self, token: &[u8]) -> (Authorization, Option<String>) {
        const INVALID: (Authorization, Option<String>) = (Authorization::Invalid, None);
        if token.len() > MAX_TOKEN_LEN || !is_compact_jws(token) {
            return INVALID;
        }
        let Ok(header) = jsonwebtoken::decode_header(token) else {
            return INVALID;
        };
        let Some((_, validation)) = self.shared.validations.iter().find(|(algorithm, _)| *algorithm == header.alg)
        else {
            return INVALID;
        };
        let Ok(keys) = self.shared.keys.read() else {
            return INVALID;
        };
        for key in keys.candidates(header.kid.as_deref(), header.alg) {
            if let Ok(data) = jsonwebtoken::decode::<Claims>(token, &key.key, validation) {
                let scopes = self.scopes_of(&data.claims);
                return (Authorization::Granted(scopes), data.claims.oid.or(data.claims.sub));
            }
        }
        INVALID
    }

    fn scopes_of(&self, claims: &Claims) -> Scopes {
        let delegated = claims.scp.as_deref().map_or(Scopes::NONE, Scopes::from_scp);
        let roles = claims.roles.iter().flatten().filter(|_| self.shared.accept_roles);
        roles.filter_map(|role| Scope::from_name(role)).fold(delegated, Scopes::with)
    }
}

impl ScopeSource for JwtScopes {
    fn authorize(&self, headers: &HeaderMap, extensions: &Extensions) -> Authorization {
        self.authorize_principal(headers, extensions).0
    }

    fn authorize_principal(&self, headers: &HeaderMap, _extensions: &Extensions) -> (Authorization, Option<String>) {
        match bearer_token(headers) {
            Ok(token) => self.verify(token),
            Err(authorization) => (authorization, None),
        }
    }
}

/// `header.payload.signature`, each part non-empty base64url: anything else is refused
/// before it is decoded.
fn is_compact_jws(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let well_formed =
        |part: &[u8]| !part.is_empty() && part.iter().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(b));
    matches!((parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(h), Some(p), Some(s), None) if well_formed(h) && well_formed(p) && well_formed(s))
}

impl JwtScopesBuilder {
    fn add(mut self, key: Result<Key, JwtError>) -> Self {
        match key {
            Ok(key) => self.keys.push(key),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// Verifies HS256 tokens with this shared secret (at least 32 bytes, RFC 7518 section 3.2).
    #[must_use]
    pub fn hs256_secret(self, secret: impl AsRef<[u8]>) -> Self {
        let secret = secret.as_ref();
        let key = if secret.len() < 32 {
            Err(JwtError::ShortSecret)
        } else {
            DecodingKey::from_secret(secret).map_err(JwtError::InvalidKey)
        };
        self.add(key.map(|key| Key { kid: None, algorithm: Algorithm::HS256, key }))
    }

    /// Verifies RS256 tokens with an RSA public key in PEM, for tokens with this `kid` (or
    /// with none, if `kid` is `None`).
    #[must_use]
    pub fn rsa_pem(self, kid: Option<&str>, pem: &[u8]) -> Self {
        let key = DecodingKey::from_rsa_pem(pem).map_err(JwtError::InvalidKey);
        self.add(key.map(|key| Key { kid: kid.map(str::to_owned), algorithm: Algorithm::RS256, key }))
    }

    /// Verifies ES256 tokens with a P-256 public key in PEM, for tokens with this `kid` (or
    /// with none, if `kid` is `None`).
    #[must_use]
    pub fn ec_pem(self, kid: Option<&str>, pem: &[u8]) -> Self {
        let key = DecodingKey::from_ec_pem(pem).map_err(JwtError::InvalidKey);
        self.add(key.map(|key| Key { kid: kid.map(str::to_owned), algorithm: Algorithm::ES256, key }))
    }

    /// Adds the RS256 and ES256 keys of a JWKS document (others are skipped).
    #[must_use]
    pub fn jwks_json(mut self, json: &str) -> Self {
        match parse_jwks(json.as_bytes()) {
            Ok(keys) => self.keys.extend(keys),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// Adds the keys of a JWKS document read from a file.
    #[must_use]
    pub fn jwks_file(self, path: impl AsRef<std::path::Path>) -> Self {
        match std::fs::read_to_string(path) {
            Ok(json) => self.jwks_json(&json),
            Err(error) => self.add(Err(JwtError::Io(error))),
        }
    }

    /// Requires `aud` to contain this audience (may be given several times: any one of them).
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.rules.audience.push(audience.into());
        self
    }

    /// Requires `iss` to be this issuer (may be given several times: any one of them).
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.rules.issuer.push(issuer.into());
        self
    }

    /// Clock skew allowed on `exp` and `nbf` (default 60 s).
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.rules.leeway = leeway;
        self
    }

    /// Only these algorithms are accepted (a subset of HS256, RS256, ES256; others are ignored).
    #[must_use]
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.rules.allowed = algorithms.into_iter().filter(|a| SUPPORTED_ALGORITHMS.contains(a)).collect();
        self
    }

    /// Also takes scopes from the `roles` claim of app-only tokens (off by default).
    #[must_use]
    pub fn accept_roles(mut self, accept: bool) -> Self {
        self.rules.accept_roles = accept;
        self
    }

    fn finish(self, fetched: Vec<Key>) -> Result<JwtScopes, JwtError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.keys.is_empty() && fetched.is_empty() {
            return Err(JwtError::NoKeys);
        }
        let validations = self.rules.allowed.iter().map(|&algorithm| (algorithm, validation(algorithm, &self.rules)));
        Ok(JwtScopes {
            shared: Arc::new(Shared {
                keys: RwLock::new(Keys { fixed: self.keys, fetched }),
                validations: validations.collect(),
                accept_roles: self.rules.accept_roles,
            }),
        })
    }

    /// Builds the source from the keys configured so far.
    pub fn build(self) -> Result<JwtScopes, JwtError> {
        self.finish(Vec::new())
    }

    /// Builds the source with the keys of a JWKS document at `url` (http or https), fetched
    /// now and again every `refresh`. A failed refresh keeps the keys it had. Must run inside
    /// a tokio runtime; the refreshing task ends when the last clone of the source is dropped.
    pub async fn build_with_jwks_url(self, url: &str, refresh: Duration) -> Result<JwtScopes, JwtError> {
        let failed = |source| JwtError::Fetch { url: url.to_owned(), source };
        let uri: http::Uri = url.parse().map_err(|error| failed(FetchError::InvalidUrl(error)))?;
        let fetcher = Fetcher::new().map_err(failed)?;
        let fetched = parse_jwks(&fetcher.fetch(&uri).await.map_err(failed)?)?;
        let scopes = self.finish(fetched)?;
        let shared = Arc::downgrade(&scopes.shared);
        tokio::spawn(refresh_keys(shared, fetcher, uri, refresh));
        Ok(scopes)
    }
}

/// The prepared validation of one algorithm.
fn validation(algorithm: Algorithm, rules: &Rules) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.leeway = rules.leeway.as_secs();
    validation.validate_exp = true;
    validation.validate_nbf = true;
    // jsonwebtoken checks `aud` and `iss` only in tokens that carry them: a configured
    // audience or issuer must also make the claim required, or a token without it passes.
    let mut required = vec!["exp"];
    if rules.audience.is_empty() {
        validation.validate_aud = false;
    } else {
        validation.set_audience(&rules.audience);
        required.push("aud");
    }
    if !rules.issuer.is_empty() {
        validation.set_issuer(&rules.issuer);
        required.push("iss");
    }
    validation.set_required_spec_claims(&required);
    validation
}

/// The RS256 and ES256 (P-256) keys of a JWKS document.
fn parse_jwks(json: &[u8]) -> Result<Vec<Key>, JwtError> {
    let set: JwkSet = serde_json::from_slice(json).map_err(JwtError::InvalidJwks)?;
    Ok(set.keys.iter().filter_map(key_of_jwk).collect())
}

fn key_of_jwk(jwk: &Jwk) -> Option<Key> {
    let algorithm = match (&jwk.algorithm, jwk.common.key_algorithm) {
        (AlgorithmParameters::RSA(_), None | Some(KeyAlgorithm::RS256)) => Algorithm::RS256,
        (AlgorithmParameters::EllipticCurve(ec), None | Some(KeyAlgorithm::ES256))
            if ec.curve == EllipticCurve::P256 =>
        {
            Algorithm::ES256
        }
        _ => return None,
    };
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some(Key { kid: jwk.common.key_id.clone(), algorithm, key })
}

/// Fetches JWKS documents over http or https.
struct Fetcher {
    client: hyper_util::client::legacy::Client<
        hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
        http_body_util::Empty<bytes::Bytes>,
    >,
}

impl Fetcher {
    fn new() -> Result<Fetcher, FetchError> {
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
            .map_err(FetchError::RootCertificates)?
            .https_or_http()
            .enable_http1()
            .build();
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector);
        Ok(Fetcher { client })
    }

    /// The body of the document at `uri`, at most [`MAX_JWKS_LEN`] bytes.
    async fn fetch(&self, uri: &http::Uri) -> Result<bytes::Bytes, FetchError> {
        use http_body_util::BodyExt;
        let response = tokio::time::timeout(FETCH_TIMEOUT, self.client.get(uri.clone()))
            .await
            .map_err(|_| FetchError::TimedOut(FETCH_TIMEOUT))?
            .map_err(FetchError::Request)?;
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status()));
        }
        let body = http_body_util::Limited::new(response.into_body(), MAX_JWKS_LEN);
        Ok(body.collect().await.map_err(FetchError::Body)?.to_bytes())
    }
}

/// Replaces the fetched keys every `interval` while the source is alive.
async fn refresh_keys(shared: Weak<Shared>, fetcher: Fetcher, uri: http::Uri, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        if shared.strong_count() == 0 {
            return;
        }
        let result = match fetcher.fetch(&uri).await {
            Ok(body) => parse_jwks(&body),
            Err(source) => Err(JwtError::Fetch { url: uri.to_string(), source }),
        };
        let Some(shared) = shared.upgrade() else { return };
        match result {
            Ok(fetched) => {
                if let Ok(mut keys) = shared.keys.write() {
                    keys.fetched = fetched;
                }
            }
            Err(error) => {
                let cause = std::error::Error::source(&error).map(ToString::to_string);
                tracing::warn!(target: "tower_mediadiag", %error, cause, "JWKS refresh failed; keeping the keys in use")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_compact_jws_shapes_pass_the_cheap_check() {
        assert!(is_compact_jws(b"a.b.c"));
        assert!(is_compact_jws(b"eyJh-_.e30.sig_-"));
        for bad in [&b"a.b"[..], b"a.b.c.d", b"a..c", b".b.c", b"a.b.", b"a.b.c=", b"a+b.c.d", b""] {
            assert!(!is_compact_jws(bad), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn short_secrets_and_missing_keys_are_configuration_errors() {
        assert!(matches!(JwtScopes::builder().hs256_secret("short").build(), Err(JwtError::ShortSecret)));
        assert!(matches!(JwtScopes::builder().build(), Err(JwtError::NoKeys)));
        assert!(matches!(JwtScopes::builder().jwks_json("{").build(), Err(JwtError::InvalidJwks(_))));
        assert!(matches!(JwtScopes::builder().rsa_pem(None, b"not a key").build(), Err(JwtError::InvalidKey(_))));
    }
}
