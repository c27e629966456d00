//! The service owner's callback: a [`Reported`] in, `Ok(())` or a [`Rejection`] out.

use std::future::Future;

use http::StatusCode;
use mediadiag::{ErrorCode, ErrorSubcode, MediaType, Report, Scopes};
use tower::ServiceExt;
use tower::util::Oneshot;
use tower_service::Service;

use crate::context::CallContext;
use crate::facts::RequestFacts;

/// An accepted report with everything known about its request.
#[derive(Debug)]
pub struct Reported {
    pub(crate) report: Report,
    pub(crate) facts: RequestFacts,
}

impl Reported {
    /// The decoded, validated report.
    pub fn report(&self) -> Report {
        self.report
    }

    /// The `{applicationId}` segment of the path.
    pub fn application_id(&self) -> &str {
        self.facts.application_id()
    }

    /// The `{conversationId}` segment of the documented href; empty when the report came to
    /// the Online href, which names a call instead ([`Reported::context`]).
    pub fn conversation_id(&self) -> &str {
        self.facts.conversation_id()
    }

    /// The call the report is about, as its href named it: the conversation, or the call id,
    /// the two parties and the modality.
    pub fn context(&self) -> CallContext<'_> {
        self.facts.context()
    }

    /// The media type the body was sent in.
    pub fn media_type(&self) -> MediaType {
        self.facts.media_type
    }

    /// The scopes the request was granted (at least one Conversations scope).
    pub fn scopes(&self) -> Scopes {
        self.facts.scopes
    }

    /// Who the credentials name, when the scope source knows (a verified JWT's `oid`, else
    /// its `sub`); `None` for static tokens and upstream authentication.
    pub fn principal(&self) -> Option<&str> {
        self.facts.principal.as_deref()
    }

    /// The request's headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.facts.parts.headers
    }

    /// The request's extensions (whatever upstream layers attached).
    pub fn extensions(&self) -> &http::Extensions {
        &self.facts.parts.extensions
    }

    /// The request's method, URI, version, headers and extensions.
    pub fn parts(&self) -> &http::request::Parts {
        &self.facts.parts
    }
}

/// A typed refusal of a report: the HTTP status, the UCWA code and subcode, and a message.
///
/// The message must not contain client input; it is written into the error body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub(crate) status: StatusCode,
    pub(crate) code: ErrorCode,
    pub(crate) subcode: Option<ErrorSubcode>,
    pub(crate) message: &'static str,
    pub(crate) retry_after: Option<u32>,
}

impl Rejection {
    /// A rejection with any status, code, subcode and message.
    pub const fn new(
        status: StatusCode,
        code: ErrorCode,
        subcode: Option<ErrorSubcode>,
        message: &'static str,
    ) -> Self {
        Rejection { status, code, subcode, message, retry_after: None }
    }

    /// 500 ServiceFailure / CallbackChannelError: the remote event channel is not reachable.
    pub const fn callback_channel_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::ServiceFailure,
            Some(ErrorSubcode::CallbackChannelError),
            "The remote event channel is not reachable.",
        )
    }

    /// 409 Conflict / AlreadyExists.
    pub const fn already_exists() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            Some(ErrorSubcode::AlreadyExists),
            "The report already exists.",
        )
    }

    /// 409 Conflict / TooManyGroups.
    pub const fn too_many_groups() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            Some(ErrorSubcode::TooManyGroups),
            "There are too many groups.",
        )
    }

    /// 409 Conflict / None: the service or resource does not support this.
    pub const fn conflict() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            Some(ErrorSubcode::None),
            "Unsupported service or resource.",
        )
    }

    /// 410 Gone / CannotRedirect: no backup pool is configured.
    pub const fn cannot_redirect() -> Self {
        Self::new(
            StatusCode::GONE,
            ErrorCode::Gone,
            Some(ErrorSubcode::CannotRedirect),
            "Cannot redirect: no backup pool is configured.",
        )
    }

    /// 503 ServiceUnavailable with `Retry-After: seconds`: try again later.
    pub const fn service_unavailable(retry_after_seconds: u32) -> Self {
        let mut rejection = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ServiceUnavailable,
            None,
            "The service is busy; retry later.",
        );
        rejection.retry_after = Some(retry_after_seconds);
        rejection
    }

    /// The same rejection with another message (which must not contain client input).
    #[must_use]
    pub const fn with_message(mut self, message: &'static str) -> Self {
        self.message = message;
        self
    }

    /// The HTTP status.
    pub const fn status(&self) -> StatusCode {
        self.status
    }

    /// The UCWA code.
    pub const fn code(&self) -> ErrorCode {
        self.code
    }

    /// The UCWA subcode.
    pub const fn subcode(&self) -> Option<ErrorSubcode> {
        self.subcode
    }
}

/// The callback that receives accepted reports.
///
/// Implemented for async closures `Fn(Reported) -> impl Future<Output = Result<(), Rejection>>`,
/// and for tower services through [`ServiceHandler`]. `Ok(())` becomes 204 No Content.
pub trait ReportHandler: Clone + Send + Sync + 'static {
    /// The future of one call.
    type Future: Future<Output = Result<(), Rejection>> + Send + 'static;

    /// Handles one report.
    fn handle(&self, reported: Reported) -> Self::Future;
}

impl<F, Fut> ReportHandler for F
where
    F: Fn(Reported) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), Rejection>> + Send + 'static,
{
    type Future = Fut;

    fn handle(&self, reported: Reported) -> Fut {
        self(reported)
    }
}

/// Adapts a tower `Service<Reported, Response = (), Error = Rejection>` as a [`ReportHandler`].
///
/// Each report goes to a clone of the service, called once it is ready (tower's
/// [`Oneshot`]).
///
/// ```
/// use tower_mediadiag::{MediaDiagnosticsLayer, Rejection, Reported, ServiceHandler};
///
/// let store = tower::service_fn(|reported: Reported| async move {
///     println!("{:?}", reported.report());
///     Ok::<(), Rejection>(())
/// });
/// let layer = MediaDiagnosticsLayer::new(ServiceHandler(store));
/// # let _ = layer;
/// ```
#[derive(Clone, Debug)]
pub struct ServiceHandler<S>(pub S);

impl<S> ReportHandler for ServiceHandler<S>
where
    S: Service<Reported, Response = (), Error = Rejection> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
{
    type Future = Oneshot<S, Reported>;

    fn handle(&self, reported: Reported) -> Oneshot<S, Reported> {
        self.0.clone().oneshot(reported)
    }
}
