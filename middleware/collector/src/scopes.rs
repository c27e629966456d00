//! Where the collector's scopes come from: verified JWTs, or static tokens (one is made up
//! and printed when no flag names any).

use std::time::Duration;

use tower_mediadiag::jwt::{JwtError, JwtScopes};
use tower_mediadiag::{EitherSource, Scopes, StaticTokens};

use crate::cli::{Serve, Token};

/// How often a JWKS URL is fetched again.
const JWKS_REFRESH: Duration = Duration::from_secs(300);

/// The collector's scope source: verified JWTs, or static tokens.
pub(crate) type CollectorScopes = EitherSource<JwtScopes, StaticTokens>;

/// The scope source the flags describe. Without any token or JWT flag, a random token is made
/// and `announce` is told it.
pub(crate) async fn from_flags(flags: &Serve, announce: impl FnOnce(&str)) -> Result<CollectorScopes, JwtError> {
    if let Some(jwt) = jwt_scopes(flags).await? {
        return Ok(EitherSource::Left(jwt));
    }
    let mut tokens = flags.tokens.clone();
    if tokens.is_empty() {
        let token = random_token();
        announce(&token);
        tokens.push(Token { token, scopes: Scopes::BOTH });
    }
    let tokens = tokens.into_iter().fold(StaticTokens::new(), |all, token| all.with_token(token.token, token.scopes));
    Ok(EitherSource::Right(tokens))
}

/// The JWT verifier of the flags, or `None` without `--jwt-hs256` or `--jwks`.
async fn jwt_scopes(flags: &Serve) -> Result<Option<JwtScopes>, JwtError> {
    if flags.jwt_hs256.is_none() && flags.jwks.is_none() {
        return Ok(None);
    }
    let mut builder = JwtScopes::builder();
    if let Some(secret) = &flags.jwt_hs256 {
        builder = builder.hs256_secret(secret);
    }
    if let Some(audience) = &flags.jwt_audience {
        builder = builder.audience(audience);
    }
    if let Some(issuer) = &flags.jwt_issuer {
        builder = builder.issuer(issuer);
    }
    match &flags.jwks {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            builder.build_with_jwks_url(url, JWKS_REFRESH).await.map(Some)
        }
        Some(path) => builder.jwks_file(path).build().map(Some),
        None => builder.build().map(Some),
    }
}

/// 32 hex digits from the operating system's random source.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if read.is_err() {
        // Fall back on the standard library's randomly keyed hasher.
        use std::hash::{BuildHasher, RandomState};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            chunk.copy_from_slice(&RandomState::new().hash_one(i).to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
