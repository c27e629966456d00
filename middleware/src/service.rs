//! The service: the checks of docs/behaviour.md section 2, in order, before any body byte is read.

use std::ops::Range;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request, Response};
use http_body::Body;
use mediadiag::{MediaType, Scopes};
use tower_service::Service;

use crate::auth::{Authorization, ScopeSource};
use crate::body::ResponseBody;
use crate::future::{Intercepted, ResponseFuture};
use crate::handler::ReportHandler;
use crate::layer::Config;
use crate::respond::{self, Outcome, Own};

/// The service built by [`crate::MediaDiagnosticsLayer`] around an inner service `S`.
#[derive(Debug)]
pub struct MediaDiagnostics<S, H, A> {
    inner: S,
    handler: H,
    scopes: Arc<A>,
    config: Arc<Config>,
}

impl<S: Clone, H: Clone, A> Clone for MediaDiagnostics<S, H, A> {
    fn clone(&self) -> Self {
        MediaDiagnostics {
            inner: self.inner.clone(),
            handler: self.handler.clone(),
            scopes: self.scopes.clone(),
            config: self.config.clone(),
        }
    }
}

impl<S, H, A> MediaDiagnostics<S, H, A> {
    pub(crate) fn new(inner: S, handler: H, scopes: Arc<A>, config: Arc<Config>) -> Self {
        MediaDiagnostics { inner, handler, scopes, config }
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S, H, A, ReqBody, ResBody> Service<Request<ReqBody>> for MediaDiagnostics<S, H, A>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    H: ReportHandler,
    A: ScopeSource,
    ReqBody: Body,
    ResBody: Body,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ReqBody, H>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let path = request.uri().path();
        let Some(target) = self.config.target(path) else {
            return ResponseFuture::inner(self.inner.call(request));
        };
        let ids = (range_in(path, target.application_id), range_in(path, target.conversation_id));
        let content_type =
            request.headers().get(CONTENT_TYPE).map(|value| MediaType::from_content_type(value.as_bytes()));
        match self.refusal(&request, content_type) {
            Ok((media, scopes, principal)) => {
                let (parts, body) = request.into_parts();
                let intercepted = Intercepted {
                    parts,
                    media,
                    scopes,
                    principal,
                    application_id: ids.0,
                    conversation_id: ids.1,
                    handler: self.handler.clone(),
                    config: self.config.clone(),
                };
                ResponseFuture::reading(body, intercepted)
            }
            Err(refusal) => {
                // Error bodies: the type Accept asks for, else the request's, else JSON.
                let (outcome, response) = refusal.respond(|| {
                    let accept = request.headers().get(ACCEPT).map(|value| value.as_bytes());
                    MediaType::for_error(accept, content_type.and_then(Result::ok))
                });
                let path = request.uri().path();
                let ids = (path.get(ids.0).unwrap_or_default(), path.get(ids.1).unwrap_or_default());
                crate::future::trace(outcome, response.status(), ids);
                ResponseFuture::ready(response)
            }
        }
    }
}

/// The byte range of `part` inside `whole` (`part` borrowed from `whole`).
fn range_in(whole: &str, part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    start..start + part.len()
}

/// Why checks 2 to 6 refused a request.
#[derive(Clone, Copy, Debug)]
enum Refusal {
    Method,
    NoCredentials,
    InvalidCredentials,
    Scope,
    MediaType,
    DeclaredTooLarge,
}

impl Refusal {
    /// The outcome and the response, with error bodies in `media`.
    fn respond(self, media: impl FnOnce() -> MediaType) -> (Outcome, Own) {
        match self {
            Refusal::Method => (Outcome::MethodNotAllowed, respond::method_not_allowed(media())),
            Refusal::NoCredentials => (Outcome::Unauthenticated, respond::unauthorized(false)),
            Refusal::InvalidCredentials => (Outcome::Unauthenticated, respond::unauthorized(true)),
            Refusal::Scope => (Outcome::InsufficientScope, respond::forbidden(media())),
            Refusal::MediaType => (Outcome::UnsupportedMediaType, respond::unsupported_media_type(media())),
            Refusal::DeclaredTooLarge => (Outcome::TooLarge, respond::too_large(media())),
        }
    }
}

impl<S, H, A: ScopeSource> MediaDiagnostics<S, H, A> {
    /// Method, credentials, scopes, media type, declared size: the first failure wins. Passed,
    /// the media type, the scopes and the principal the credentials name.
    fn refusal<B>(
        &self,
        request: &Request<B>,
        content_type: Option<Result<MediaType, mediadiag::MediaTypeError>>,
    ) -> Result<(MediaType, Scopes, Option<String>), Refusal> {
        if request.method() != Method::POST {
            return Err(Refusal::Method);
        }
        let (authorization, principal) = self.scopes.authorize_principal(request.headers(), request.extensions());
        let scopes = match authorization {
            Authorization::Granted(scopes) => scopes,
            Authorization::Missing => return Err(Refusal::NoCredentials),
            Authorization::Invalid => return Err(Refusal::InvalidCredentials),
        };
        if !scopes.allows_report() {
            return Err(Refusal::Scope);
        }
        let Some(Ok(media)) = content_type else {
            return Err(Refusal::MediaType);
        };
        let declared = request.headers().get(CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > self.config.body_limit as u64) {
            return Err(Refusal::DeclaredTooLarge);
        }
        Ok((media, scopes, principal))
    }
}
