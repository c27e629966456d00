//! The response future: the inner service's future, or this layer's state machine for an
//! intercepted request (read the body, decode, call back), with no boxing.

use std::future::Future;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use http::{Response, StatusCode, Uri};
use http_body::Body;
use mediadiag::{MediaType, Report, Scopes};
use pin_project_lite::pin_project;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Sleep, sleep};

use crate::body::ResponseBody;
use crate::handler::{ReportHandler, Reported};
use crate::layer::Config;
use crate::respond::{self, Outcome, Own};

/// An intercepted request that passed checks 1 to 6: what the rest of the work needs.
pub(crate) struct Intercepted<H> {
    pub(crate) parts: http::request::Parts,
    pub(crate) media: MediaType,
    pub(crate) scopes: Scopes,
    pub(crate) principal: Option<String>,
    pub(crate) application_id: Range<usize>,
    pub(crate) conversation_id: Range<usize>,
    pub(crate) handler: H,
    pub(crate) config: Arc<Config>,
}

impl<H> Intercepted<H> {
    /// The media type of error bodies: what Accept asks for, else the request's.
    fn error_media(&self) -> MediaType {
        let accept = self.parts.headers.get(http::header::ACCEPT).map(|value| value.as_bytes());
        MediaType::for_error(accept, Some(self.media))
    }
}

/// The body bytes read so far: one frame is kept as it came, more are copied together.
enum Collected {
    Nothing,
    One(Bytes),
    Many(BytesMut),
}

impl Collected {
    fn len(&self) -> usize {
        match self {
            Collected::Nothing => 0,
            Collected::One(bytes) => bytes.len(),
            Collected::Many(bytes) => bytes.len(),
        }
    }

    fn push(&mut self, mut data: impl Buf) {
        let taken = std::mem::replace(self, Collected::Nothing);
        *self = match taken {
            Collected::Nothing => Collected::One(data.copy_to_bytes(data.remaining())),
            Collected::One(first) => {
                let mut all = BytesMut::with_capacity(first.len() + data.remaining());
                all.extend_from_slice(&first);
                all.extend_from_slice(&data.copy_to_bytes(data.remaining()));
                Collected::Many(all)
            }
            Collected::Many(mut all) => {
                while data.has_remaining() {
                    let chunk = data.chunk();
                    let len = chunk.len();
                    all.extend_from_slice(chunk);
                    data.advance(len);
                }
                Collected::Many(all)
            }
        };
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            Collected::Nothing => &[],
            Collected::One(bytes) => bytes,
            Collected::Many(bytes) => bytes,
        }
    }
}

pin_project! {
    /// The future of [`crate::MediaDiagnostics`].
    pub struct ResponseFuture<F, B, H>
    where
        H: ReportHandler,
    {
        #[pin]
        state: State<F, B, H>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B, H>
    where
        H: ReportHandler,
    {
        /// Not intercepted: the inner service answers.
        Inner {
            #[pin]
            future: F,
        },
        /// A response of this layer's own, ready to go (`None` once taken).
        Ready {
            response: Option<Own>,
        },
        /// Reading the body under the read timeout (the timer starts the first time the body
        /// is not ready: a body that is all there needs none).
        Reading {
            #[pin]
            body: B,
            #[pin]
            deadline: Option<Sleep>,
            collected: Collected,
            intercepted: Option<Intercepted<H>>,
        },
        /// Waiting for the callback under its deadline (started the first time it is pending).
        Calling {
            #[pin]
            callback: H::Future,
            #[pin]
            deadline: Option<Sleep>,
            timeout: std::time::Duration,
            permit: OwnedSemaphorePermit,
            error_media: MediaType,
            report: Report,
            uri: Uri,
            ids: (Range<usize>, Range<usize>),
        },
    }
}

impl<F, B, H: ReportHandler> ResponseFuture<F, B, H> {
    pub(crate) fn inner(future: F) -> Self {
        ResponseFuture { state: State::Inner { future } }
    }

    pub(crate) fn ready(response: Own) -> Self {
        ResponseFuture { state: State::Ready { response: Some(response) } }
    }

    pub(crate) fn reading(body: B, intercepted: Intercepted<H>) -> Self {
        ResponseFuture {
            state: State::Reading {
                body,
                deadline: None,
                collected: Collected::Nothing,
                intercepted: Some(intercepted),
            },
        }
    }
}

/// The one tracing event of an intercepted request (DEBUG, as tower-http's trace layer does
/// for requests), and its count in `mediadiag_requests_total`.
pub(crate) fn trace(outcome: Outcome, status: StatusCode, (application_id, conversation_id): (&str, &str)) {
    crate::metrics::request(status);
    tracing::debug!(
        target: "tower_mediadiag",
        status = status.as_u16(),
        outcome = outcome.as_str(),
        application_id,
        conversation_id,
        "reportMediaDiagnostics"
    );
}

/// Traces an outcome for an intercepted request whose ids are ranges of `path`.
fn finish(outcome: Outcome, response: Own, path: &str, ids: &(Range<usize>, Range<usize>)) -> Own {
    let ids_text = (path.get(ids.0.clone()).unwrap_or_default(), path.get(ids.1.clone()).unwrap_or_default());
    trace(outcome, response.status(), ids_text);
    response
}

impl<F, B, H, ResBody, E> Future for ResponseFuture<F, B, H>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    B: Body,
    H: ReportHandler,
{
    type Output = Result<Response<ResponseBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            let next = match state.as_mut().project() {
                StateProj::Inner { future } => {
                    let response = ready!(future.poll(cx))?;
                    return Poll::Ready(Ok(response.map(ResponseBody::inner)));
                }
                StateProj::Ready { response } => {
                    // Taken already: polled after it completed. Never a 204 for that.
                    let response = response.take().unwrap_or_else(impossible_state);
                    return Poll::Ready(Ok(response.map(ResponseBody::own)));
                }
                StateProj::Reading { body, deadline, collected, intercepted } => {
                    ready!(poll_reading(body, deadline, collected, intercepted, cx))
                }
                StateProj::Calling { callback, deadline, timeout, permit: _, error_media, report, uri, ids } => {
                    let (outcome, response) = ready!(poll_calling(callback, deadline, *timeout, *error_media, cx));
                    if matches!(outcome, Outcome::Accepted) {
                        crate::metrics::report(*report);
                    }
                    State::Ready { response: Some(finish(outcome, response, uri.path(), ids)) }
                }
            };
            state.set(next);
        }
    }
}

/// Reads the body; once complete, decodes it and starts the callback.
fn poll_reading<B: Body, H: ReportHandler, F>(
    mut body: Pin<&mut B>,
    deadline: Pin<&mut Option<Sleep>>,
    collected: &mut Collected,
    intercepted: &mut Option<Intercepted<H>>,
    cx: &mut Context<'_>,
) -> Poll<State<F, B, H>> {
    let Some(request) = intercepted.as_ref() else {
        return Poll::Ready(State::Ready { response: Some(impossible_state()) });
    };
    let limit = request.config.body_limit;
    let failed = |outcome, response: Own| {
        let ids = (request.application_id.clone(), request.conversation_id.clone());
        Poll::Ready(State::Ready { response: Some(finish(outcome, response, request.parts.uri.path(), &ids)) })
    };
    loop {
        match body.as_mut().poll_frame(cx) {
            Poll::Pending => {
                if expired(deadline, request.config.read_timeout, cx) {
                    return failed(Outcome::ReadTimeout, respond::read_timeout(request.error_media()));
                }
                return Poll::Pending;
            }
            Poll::Ready(Some(Err(_))) => return failed(Outcome::BodyError, respond::body_error(request.error_media())),
            Poll::Ready(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if collected.len().saturating_add(data.remaining()) > limit {
                        return failed(Outcome::TooLarge, respond::too_large(request.error_media()));
                    }
                    collected.push(data);
                }
            }
            Poll::Ready(None) => break,
        }
    }
    let report = match Report::decode(request.media.encoding(), collected.as_slice()) {
        Ok(report) => report,
        Err(error) => return failed(Outcome::Undecodable, respond::undecodable(&error, request.error_media())),
    };
    let Ok(permit) = request.config.callbacks.clone().try_acquire_owned() else {
        let busy = crate::Rejection::service_unavailable(request.config.retry_after_seconds);
        return failed(Outcome::Busy, respond::rejection(&busy, request.error_media()));
    };
    let Some(request) = intercepted.take() else {
        return Poll::Ready(State::Ready { response: Some(impossible_state()) });
    };
    let error_media = request.error_media();
    let ids = (request.application_id.clone(), request.conversation_id.clone());
    let uri = request.parts.uri.clone();
    let callback_timeout = request.config.callback_timeout;
    let reported = Reported {
        report,
        media_type: request.media,
        scopes: request.scopes,
        principal: request.principal,
        application_id: request.application_id,
        conversation_id: request.conversation_id,
        parts: request.parts,
    };
    let handler = request.handler;
    match catch_unwind(AssertUnwindSafe(|| handler.handle(reported))) {
        Ok(callback) => Poll::Ready(State::Calling {
            callback,
            deadline: None,
            timeout: callback_timeout,
            permit,
            error_media,
            report,
            uri,
            ids,
        }),
        Err(_) => {
            let response = finish(Outcome::CallbackPanicked, respond::callback_panicked(error_media), uri.path(), &ids);
            Poll::Ready(State::Ready { response: Some(response) })
        }
    }
}

/// Waits for the callback; a panic is 500, the deadline 504.
fn poll_calling<C: Future<Output = Result<(), crate::Rejection>>>(
    callback: Pin<&mut C>,
    deadline: Pin<&mut Option<Sleep>>,
    timeout: std::time::Duration,
    error_media: MediaType,
    cx: &mut Context<'_>,
) -> Poll<(Outcome, Own)> {
    match catch_unwind(AssertUnwindSafe(|| callback.poll(cx))) {
        Ok(Poll::Ready(Ok(()))) => Poll::Ready((Outcome::Accepted, respond::no_content())),
        Ok(Poll::Ready(Err(rejection))) => {
            Poll::Ready((Outcome::Rejected, respond::rejection(&rejection, error_media)))
        }
        Err(_) => Poll::Ready((Outcome::CallbackPanicked, respond::callback_panicked(error_media))),
        Ok(Poll::Pending) => {
            if expired(deadline, timeout, cx) {
                return Poll::Ready((Outcome::CallbackTimeout, respond::callback_timeout(error_media)));
            }
            Poll::Pending
        }
    }
}

/// The answer of a state that should not happen (the future polled after it completed, or
/// its request gone): 500 ServiceFailure, with an error event. Never 204: the handler did
/// not accept a report here.
fn impossible_state() -> Own {
    tracing::error!(target: "tower_mediadiag", "reportMediaDiagnostics future in an impossible state: answered 500");
    respond::callback_panicked(MediaType::Json)
}

/// Starts the timer on first use, then tells whether it ran out (registering the waker).
fn expired(mut deadline: Pin<&mut Option<Sleep>>, timeout: std::time::Duration, cx: &mut Context<'_>) -> bool {
    if deadline.is_none() {
        deadline.set(Some(sleep(timeout)));
    }
    deadline.as_pin_mut().is_some_and(|sleep| sleep.poll(cx).is_ready())
}
