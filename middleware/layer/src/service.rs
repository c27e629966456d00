//! The service: the checks of docs/behaviour.md section 2, in order, before any body byte is read.

use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request, Response};
use http_body::Body;
use mediadiag::route::QueryError;
use mediadiag::{MediaType, Scopes};
use tower_service::Service;

use crate::auth::{Authorization, ScopeSource};
use crate::body::ResponseBody;
use crate::facts::{Ids, RequestFacts, href};
use crate::future::{Intercepted, ResponseFuture};
use crate::handler::ReportHandler;
use crate::layer::{Config, MediaDiagnosticsLayer};
use crate::respond::{self, LayerResponse, Outcome};

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

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, this one taken apart.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl MediaDiagnostics<(), (), ()> {
    /// A layer that wraps services in this one, handing reports to `handler` (the same as
    /// [`MediaDiagnosticsLayer::new`]).
    ///
    /// ```
    /// use tower_mediadiag::{MediaDiagnostics, Rejection, Reported};
    ///
    /// let layer = MediaDiagnostics::layer(|_: Reported| async { Ok::<(), Rejection>(()) });
    /// # let _ = layer;
    /// ```
    pub fn layer<H: ReportHandler>(handler: H) -> MediaDiagnosticsLayer<H> {
        MediaDiagnosticsLayer::new(handler)
    }
}

impl<S, H, A, ReqBody, ResBody> Service<Request<ReqBody>> for MediaDiagnostics<S, H, A>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    H: ReportHandler,
    A: ScopeSource,
    ReqBody: Body,
    ReqBody::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    ResBody: Body,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ReqBody, H>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let Some(resource) = self.config.resource(href(request.uri())) else {
            return ResponseFuture::inner(self.inner.call(request));
        };
        // A bad query is refused after the credentials and scopes are checked.
        let (ids, query) = match resource {
            Ok(resource) => (Ids::of(&resource), None),
            Err(error) => (Ids::unnamed(), Some(error)),
        };
        let headers = request.headers();
        let content_type = headers.get(CONTENT_TYPE).map(|value| MediaType::from_content_type(value.as_bytes()));
        // Error bodies: the type Accept asks for, else the request's, else JSON.
        let accept = headers.get(ACCEPT).map(|value| value.as_bytes());
        let error_media = MediaType::for_error(accept, content_type.and_then(Result::ok));
        match self.check(&request, query, content_type) {
            Ok(Passed { media_type, scopes, principal }) => {
                let (parts, body) = request.into_parts();
                let facts = RequestFacts { parts, ids, media_type, error_media, scopes, principal };
                let intercepted = Intercepted { facts, handler: self.handler.clone(), config: self.config.clone() };
                ResponseFuture::reading(body, intercepted)
            }
            Err(refusal) => {
                let (outcome, response) = refusal.respond(error_media);
                crate::future::trace(outcome, &response, href(request.uri()), &ids);
                ResponseFuture::ready(response)
            }
        }
    }
}

/// What checks 2 to 6 found in a request they passed.
struct Passed {
    media_type: MediaType,
    scopes: Scopes,
    principal: Option<String>,
}

/// Why checks 2 to 6 refused a request.
#[derive(Clone, Copy, Debug)]
enum Refusal {
    Method,
    NoCredentials,
    InvalidCredentials,
    Scope,
    Query(QueryError),
    MediaType,
    DeclaredTooLarge,
}

impl Refusal {
    /// The outcome and the response, with error bodies in `media`.
    fn respond(self, media: MediaType) -> (Outcome, LayerResponse) {
        match self {
            Refusal::Method => (Outcome::MethodNotAllowed, respond::method_not_allowed(media)),
            Refusal::NoCredentials => (Outcome::Unauthenticated, respond::unauthorized(false)),
            Refusal::InvalidCredentials => (Outcome::Unauthenticated, respond::unauthorized(true)),
            Refusal::Scope => (Outcome::InsufficientScope, respond::forbidden(media)),
            Refusal::Query(error) => (Outcome::BadQuery, respond::bad_query(&error, media)),
            Refusal::MediaType => (Outcome::UnsupportedMediaType, respond::unsupported_media_type(media)),
            Refusal::DeclaredTooLarge => (Outcome::TooLarge, respond::too_large(media)),
        }
    }
}

impl<S, H, A: ScopeSource> MediaDiagnostics<S, H, A> {
    /// Method, credentials, scopes, the Online href's query, media type, declared size: the
    /// first failure wins. Passed, the media type, the scopes and the principal the
    /// credentials name.
    fn check<B>(
        &self,
        request: &Request<B>,
        query: Option<QueryError>,
        content_type: Option<Result<MediaType, mediadiag::MediaTypeError>>,
    ) -> Result<Passed, Refusal> {
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
        if let Some(error) = query {
            return Err(Refusal::Query(error));
        }
        let Some(Ok(media_type)) = content_type else {
            return Err(Refusal::MediaType);
        };
        let declared = request.headers().get(CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > self.config.body_limit as u64) {
            return Err(Refusal::DeclaredTooLarge);
        }
        Ok(Passed { media_type, scopes, principal })
    }
}
