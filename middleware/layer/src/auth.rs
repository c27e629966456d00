//! Where granted scopes come from (docs/behaviour.md section 6): an upstream authentication layer,
//! static bearer tokens, or (feature `jwt`) verified JWTs.
//!
//! A closure is a source through [`scope_fn`] (as tower's `service_fn` makes a service), not
//! by a blanket impl: such an impl would overlap with the ones for `Box<T>` and `&'static T`,
//! since a box or a reference of a closure is a closure too.

use http::{Extensions, HeaderMap, header::AUTHORIZATION};
use std::sync::Arc;

use mediadiag::Scopes;
use subtle::ConstantTimeEq;

/// The outcome of checking a request's credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authorization {
    /// Valid credentials with these scopes (the layer answers 403 if neither Conversations
    /// scope is among them).
    Granted(Scopes),
    /// No credentials: 401 with a bare `WWW-Authenticate: Bearer` challenge.
    Missing,
    /// Credentials that are not valid: 401 with `error="invalid_token"`.
    Invalid,
}

/// A source of granted scopes for a request.
///
/// Called once per intercepted request, before any body byte is read.
pub trait ScopeSource: Send + Sync + 'static {
    /// Checks the request's credentials and tells which scopes they grant.
    fn authorize(&self, headers: &HeaderMap, extensions: &Extensions) -> Authorization;

    /// Like [`authorize`](Self::authorize), and also who the credentials name, for sources
    /// that know (a verified JWT's `oid`, else its `sub`). The default names nobody.
    fn authorize_principal(&self, headers: &HeaderMap, extensions: &Extensions) -> (Authorization, Option<String>) {
        (self.authorize(headers, extensions), None)
    }
}

/// A shared source (`Arc`), a boxed one chosen at start (`Box<dyn ScopeSource>`), or one that
/// lives for the whole program (`&'static`).
macro_rules! forward_scope_source {
    ($($source:ty),*) => {$(
        impl<T: ScopeSource + ?Sized> ScopeSource for $source {
            fn authorize(&self, headers: &HeaderMap, extensions: &Extensions) -> Authorization {
                (**self).authorize(headers, extensions)
            }

            fn authorize_principal(
                &self,
                headers: &HeaderMap,
                extensions: &Extensions,
            ) -> (Authorization, Option<String>) {
                (**self).authorize_principal(headers, extensions)
            }
        }
    )*};
}

forward_scope_source!(Arc<T>, Box<T>, &'static T);

/// A closure as a source, made by [`scope_fn`].
#[derive(Clone, Copy, Debug)]
pub struct ScopeFn<F>(F);

/// A source that calls `f` with the request's headers and extensions (as tower's
/// `service_fn` makes a service of a function).
///
/// ```
/// use tower_mediadiag::{Authorization, Scopes, scope_fn};
///
/// // Trust a header set by the proxy in front of the service.
/// let source = scope_fn(|headers: &http::HeaderMap, _: &http::Extensions| {
///     match headers.get("x-authenticated-scopes").and_then(|value| value.to_str().ok()) {
///         Some(scp) => Authorization::Granted(Scopes::from_scp(scp)),
///         None => Authorization::Missing,
///     }
/// });
/// # let _ = source;
/// ```
pub fn scope_fn<F>(f: F) -> ScopeFn<F>
where
    F: Fn(&HeaderMap, &Extensions) -> Authorization + Send + Sync + 'static,
{
    ScopeFn(f)
}

impl<F> ScopeSource for ScopeFn<F>
where
    F: Fn(&HeaderMap, &Extensions) -> Authorization + Send + Sync + 'static,
{
    fn authorize(&self, headers: &HeaderMap, extensions: &Extensions) -> Authorization {
        (self.0)(headers, extensions)
    }
}

/// One of two sources, chosen when the layer is built (for instance by a flag): the one it
/// holds answers.
///
/// ```
/// use tower_mediadiag::{Authorization, EitherSource, FromExtensions, StaticTokens, Scopes};
///
/// let development = true;
/// let source: EitherSource<StaticTokens, FromExtensions> = if development {
///     EitherSource::Left(StaticTokens::new().with_token("dev-token", Scopes::BOTH))
/// } else {
///     EitherSource::Right(FromExtensions)
/// };
/// # let _ = source;
/// ```
#[derive(Clone, Debug)]
pub enum EitherSource<L, R> {
    /// The first kind of source.
    Left(L),
    /// The second kind of source.
    Right(R),
}

impl<L: ScopeSource, R: ScopeSource> ScopeSource for EitherSource<L, R> {
    fn authorize(&self, headers: &HeaderMap, extensions: &Extensions) -> Authorization {
        match self {
            EitherSource::Left(source) => source.authorize(headers, extensions),
            EitherSource::Right(source) => source.authorize(headers, extensions),
        }
    }

    fn authorize_principal(&self, headers: &HeaderMap, extensions: &Extensions) -> (Authorization, Option<String>) {
        match self {
            EitherSource::Left(source) => source.authorize_principal(headers, extensions),
            EitherSource::Right(source) => source.authorize_principal(headers, extensions),
        }
    }
}

/// Scopes an upstream authentication layer granted, put in the request extensions.
///
/// ```
/// use tower_mediadiag::{GrantedScopes, Scopes};
///
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(GrantedScopes(Scopes::from_scp("Conversations.Receive")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrantedScopes(pub Scopes);

/// Reads [`GrantedScopes`] from the request extensions: the default source, for stacks that
/// authenticate in a layer of their own. No `GrantedScopes` means no credentials (401).
#[derive(Clone, Copy, Debug, Default)]
pub struct FromExtensions;

impl ScopeSource for FromExtensions {
    fn authorize(&self, _headers: &HeaderMap, extensions: &Extensions) -> Authorization {
        match extensions.get::<GrantedScopes>() {
            Some(GrantedScopes(scopes)) => Authorization::Granted(*scopes),
            None => Authorization::Missing,
        }
    }
}

/// Fixed bearer tokens with their scopes, for development and tests.
///
/// Tokens are compared in constant time (for a given token length), against every
/// configured token, so timing does not reveal which prefix matched.
#[derive(Clone, Debug, Default)]
pub struct StaticTokens {
    tokens: Vec<(Vec<u8>, Scopes)>,
}

impl StaticTokens {
    /// No tokens yet: every request is refused.
    pub fn new() -> Self {
        StaticTokens::default()
    }

    /// Adds a token that grants `scopes`.
    #[must_use]
    pub fn with_token(mut self, token: impl Into<String>, scopes: Scopes) -> Self {
        self.tokens.push((token.into().into_bytes(), scopes));
        self
    }
}

impl ScopeSource for StaticTokens {
    fn authorize(&self, headers: &HeaderMap, _extensions: &Extensions) -> Authorization {
        let token = match bearer_token(headers) {
            Ok(token) => token,
            Err(authorization) => return authorization,
        };
        let mut granted = None;
        for (known, scopes) in &self.tokens {
            if constant_time_eq(known, token) {
                granted = Some(*scopes);
            }
        }
        granted.map_or(Authorization::Invalid, Authorization::Granted)
    }
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 section 2.1).
///
/// No header is `Missing`; another scheme, several headers, or a token that
/// [`mediadiag::is_bearer_token`] refuses (RFC 6750's `b64token`, `=` accepted anywhere since
/// UCWA's own tokens read `cwt=...`) is `Invalid`.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<&[u8], Authorization> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(if headers.contains_key(AUTHORIZATION) { Authorization::Invalid } else { Authorization::Missing });
    };
    let value = value.as_bytes();
    let scheme_len = b"Bearer".len();
    let (Some(scheme), Some(rest)) = (value.get(..scheme_len), value.get(scheme_len..)) else {
        return Err(Authorization::Invalid);
    };
    if !scheme.eq_ignore_ascii_case(b"Bearer") || !rest.starts_with(b" ") {
        return Err(Authorization::Invalid);
    }
    let token = rest.trim_ascii_start();
    if !mediadiag::is_bearer_token(token) {
        return Err(Authorization::Invalid);
    }
    Ok(token)
}

/// Compares two byte strings in time that depends only on their lengths (`subtle`).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(AUTHORIZATION, http::HeaderValue::from_bytes(value.as_bytes()).unwrap());
        }
        headers
    }

    #[test]
    fn bearer_tokens_follow_rfc_6750_syntax() {
        assert_eq!(bearer_token(&headers(&["Bearer abc.DEF-_~+/=="])), Ok(&b"abc.DEF-_~+/=="[..]));
        assert_eq!(bearer_token(&headers(&["bearer  abc"])), Ok(&b"abc"[..]));
        assert_eq!(bearer_token(&headers(&[])), Err(Authorization::Missing));
        assert_eq!(bearer_token(&headers(&["Bearer cwt=PHNhbWw6QXNz"])), Ok(&b"cwt=PHNhbWw6QXNz"[..]));
        for bad in ["Basic abc", "Bearer", "Bearer ", "Bearerabc", "Bearer a b", "Bearer a,b", "Bearer ==", "Bearer ä"]
        {
            assert_eq!(bearer_token(&headers(&[bad])), Err(Authorization::Invalid), "{bad}");
        }
        assert_eq!(bearer_token(&headers(&["Bearer a", "Bearer b"])), Err(Authorization::Invalid));
    }

    #[test]
    fn closures_boxes_and_either_are_sources() {
        let headers = headers(&["Bearer one"]);
        let extensions = Extensions::new();
        let closure = scope_fn(|headers: &HeaderMap, _: &Extensions| {
            if headers.contains_key(AUTHORIZATION) {
                Authorization::Granted(Scopes::BOTH)
            } else {
                Authorization::Missing
            }
        });
        assert_eq!(closure.authorize(&headers, &extensions), Authorization::Granted(Scopes::BOTH));
        let boxed: Box<dyn ScopeSource> = Box::new(StaticTokens::new().with_token("one", Scopes::NONE));
        assert_eq!(boxed.authorize(&headers, &extensions), Authorization::Granted(Scopes::NONE));
        let shared: Arc<dyn ScopeSource> = Arc::new(FromExtensions);
        assert_eq!(shared.authorize(&headers, &extensions), Authorization::Missing);
        static FOREVER: FromExtensions = FromExtensions;
        let forever: &'static FromExtensions = &FOREVER;
        assert_eq!(
            <&FromExtensions as ScopeSource>::authorize(&forever, &headers, &extensions),
            Authorization::Missing
        );
        let boxed_concrete: Box<StaticTokens> = Box::new(StaticTokens::new().with_token("one", Scopes::BOTH));
        assert_eq!(boxed_concrete.authorize(&headers, &extensions), Authorization::Granted(Scopes::BOTH));
        let either: EitherSource<FromExtensions, StaticTokens> =
            EitherSource::Right(StaticTokens::new().with_token("one", Scopes::BOTH));
        assert_eq!(either.authorize(&headers, &extensions), Authorization::Granted(Scopes::BOTH));
        assert_eq!(
            EitherSource::<_, StaticTokens>::Left(FromExtensions).authorize(&headers, &extensions),
            Authorization::Missing
        );
    }

    #[test]
    fn static_tokens_grant_their_scopes_only() {
        let tokens = StaticTokens::new().with_token("one", Scopes::BOTH).with_token("two", Scopes::NONE);
        let extensions = Extensions::new();
        assert_eq!(tokens.authorize(&headers(&["Bearer one"]), &extensions), Authorization::Granted(Scopes::BOTH));
        assert_eq!(tokens.authorize(&headers(&["Bearer two"]), &extensions), Authorization::Granted(Scopes::NONE));
        assert_eq!(tokens.authorize(&headers(&["Bearer on"]), &extensions), Authorization::Invalid);
        assert_eq!(tokens.authorize(&headers(&["Bearer onee"]), &extensions), Authorization::Invalid);
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"a", b"b"));
    }
}
