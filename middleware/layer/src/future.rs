//! The response future: the inner service's future, or this layer's state machine for an
//! intercepted request (read the body, decode, call back), with no boxing.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::{Response, Uri};
use http_body::Body;
use http_body_util::LengthLimitError;
use mediadiag::{MediaType, Report};
use pin_project_lite::pin_project;
use tokio::time::{Sleep, sleep};

use crate::body::ResponseBody;
use crate::facts::{Ids, RequestFacts};
use crate::handler::{ReportHandler, Reported};
use crate::layer::Config;
use crate::limit::CallbackSlot;
use crate::read::{BoxError, ReadBody};
use crate::respond::{self, LayerResponse, Outcome};

/// An intercepted request that passed checks 1 to 6, and what decoding and calling back need.
pub(crate) struct Intercepted<H> {
    pub(crate) facts: RequestFacts,
    pub(crate) handler: H,
    pub(crate) config: Arc<Config>,
}

/// What is kept of a request once its facts went to the callback: enough to name it in the
/// tracing event and to answer an error.
struct Called {
    /// The URI, kept only when the DEBUG event that names the ids is on (see `poll_reading`).
    uri: Option<Uri>,
    ids: Ids,
    error_media: MediaType,
    report: Report,
    modality: crate::metrics::ModalityLabel,
}

impl Called {
    /// The request's path, or nothing when it was not kept.
    fn path(&self) -> &str {
        self.uri.as_ref().map_or("", crate::facts::href)
    }
}

pin_project! {
    /// The future of [`crate::MediaDiagnostics`].
    pub struct ResponseFuture<F, B, H>
    where
        H: ReportHandler,
        B: Body,
        B::Error: Into<BoxError>,
    {
        #[pin]
        state: State<F, B, H>,
        // The deadline of the state that has one (reading the body, then the callback),
        // kept out of the states so that moving from one to the next copies less.
        #[pin]
        deadline: Option<Sleep>,
    }
}

pin_project! {
    #[project = StateProj]
    #[project_replace = StateTaken]
    enum State<F, B, H>
    where
        H: ReportHandler,
        B: Body,
        B::Error: Into<BoxError>,
    {
        /// Not intercepted: the inner service answers.
        Inner {
            #[pin]
            future: F,
        },
        /// A response of this layer's own, ready to go (`None` once taken: the future was
        /// polled again after it completed).
        Ready {
            response: Option<LayerResponse>,
        },
        /// Reading the whole body, within the body limit, under the read timeout (the timer
        /// starts the first time the body is not ready: a body that is all there needs none).
        Reading {
            #[pin]
            body: ReadBody<B>,
            intercepted: Intercepted<H>,
        },
        /// Waiting for the callback under its deadline (started the first time it is pending).
        Calling {
            #[pin]
            callback: H::Future,
            timeout: Duration,
            slot: CallbackSlot,
            called: Called,
        },
    }
}

impl<F, B, H> ResponseFuture<F, B, H>
where
    B: Body,
    B::Error: Into<BoxError>,
    H: ReportHandler,
{
    pub(crate) fn inner(future: F) -> Self {
        ResponseFuture { state: State::Inner { future }, deadline: None }
    }

    pub(crate) fn ready(response: LayerResponse) -> Self {
        ResponseFuture { state: State::Ready { response: Some(response) }, deadline: None }
    }

    pub(crate) fn reading(body: B, intercepted: Intercepted<H>) -> Self {
        let body = ReadBody::new(body, intercepted.config.body_limit);
        ResponseFuture { state: State::Reading { body, intercepted }, deadline: None }
    }
}

/// The one tracing event of an intercepted request (DEBUG, as tower-http's trace layer does
/// for requests), and its count in `mediadiag_requests_total`.
pub(crate) fn trace(outcome: Outcome, response: &LayerResponse, path: &str, ids: &Ids) {
    let status = response.status();
    crate::metrics::request(status);
    tracing::debug!(
        target: "tower_mediadiag",
        status = status.as_u16(),
        outcome = outcome.as_str(),
        application_id = ids.application(path),
        conversation_id = ids.conversation(path),
        call_id = ids.call_id(path),
        "reportMediaDiagnostics"
    );
}

/// The state that answers `response`, traced.
fn answer<F, B: Body<Error: Into<BoxError>>, H: ReportHandler>(
    outcome: Outcome,
    response: LayerResponse,
    path: &str,
    ids: &Ids,
) -> State<F, B, H> {
    trace(outcome, &response, path, ids);
    State::Ready { response: Some(response) }
}

impl<F, B, H, ResBody, E> Future for ResponseFuture<F, B, H>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    B: Body,
    B::Error: Into<BoxError>,
    H: ReportHandler,
{
    type Output = Result<Response<ResponseBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut state = this.state;
        let mut deadline = this.deadline;
        loop {
            let next = match state.as_mut().project() {
                StateProj::Inner { future } => {
                    let response = ready!(future.poll(cx))?;
                    return Poll::Ready(Ok(response.map(ResponseBody::inner)));
                }
                StateProj::Ready { response } => {
                    let response = response.take().unwrap_or_else(polled_after_completion);
                    return Poll::Ready(Ok(response.map(ResponseBody::layer)));
                }
                StateProj::Reading { body, intercepted } => {
                    let read = ready!(poll_read(body, deadline.as_mut(), intercepted.config.read_timeout, cx));
                    // The body is complete: the state gives up what it holds, by value.
                    match state.as_mut().project_replace(State::Ready { response: None }) {
                        StateTaken::Reading { intercepted, .. } => after_reading(read, intercepted),
                        // `project_replace` returns the variant that was there: Reading.
                        _ => State::Ready { response: None },
                    }
                }
                StateProj::Calling { callback, timeout, slot: _, called } => {
                    let (outcome, response) =
                        ready!(poll_calling(callback, deadline.as_mut(), *timeout, called.error_media, cx));
                    if matches!(outcome, Outcome::Accepted) {
                        crate::metrics::report(called.report, called.modality);
                    }
                    answer(outcome, response, called.path(), &called.ids)
                }
            };
            state.set(next);
            // The next state's deadline starts when it first waits.
            deadline.set(None);
        }
    }
}

/// Why reading the body stopped short of the whole body.
enum ReadFailure {
    TooLarge,
    TimedOut,
    Broken,
}

/// Waits for the whole body (its size limit enforced by `Limited`), under the read timeout.
fn poll_read<B>(
    body: Pin<&mut ReadBody<B>>,
    deadline: Pin<&mut Option<Sleep>>,
    timeout: Duration,
    cx: &mut Context<'_>,
) -> Poll<Result<Bytes, ReadFailure>>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    match body.poll(cx) {
        Poll::Ready(Ok(body)) => Poll::Ready(Ok(body)),
        Poll::Ready(Err(error)) if error.is::<LengthLimitError>() => Poll::Ready(Err(ReadFailure::TooLarge)),
        Poll::Ready(Err(_)) => Poll::Ready(Err(ReadFailure::Broken)),
        Poll::Pending if expired(deadline, timeout, cx) => Poll::Ready(Err(ReadFailure::TimedOut)),
        Poll::Pending => Poll::Pending,
    }
}

/// Once the body is read: the refusal, or the decoded report handed to the callback.
fn after_reading<F, B: Body<Error: Into<BoxError>>, H: ReportHandler>(
    read: Result<Bytes, ReadFailure>,
    intercepted: Intercepted<H>,
) -> State<F, B, H> {
    let Intercepted { facts, handler, config } = intercepted;
    let media = facts.error_media;
    let refused = |outcome, response| answer(outcome, response, facts.href(), &facts.ids);
    let body = match read {
        Ok(body) => body,
        Err(ReadFailure::TooLarge) => return refused(Outcome::TooLarge, respond::too_large(media)),
        Err(ReadFailure::TimedOut) => return refused(Outcome::ReadTimeout, respond::read_timeout(media)),
        Err(ReadFailure::Broken) => return refused(Outcome::BodyError, respond::body_error(media)),
    };
    let report = match Report::decode(facts.media_type.encoding(), &body) {
        Ok(report) => report,
        Err(error) => return refused(Outcome::Undecodable, respond::undecodable(&error, media)),
    };
    let Some(slot) = config.callbacks.try_acquire() else {
        let busy = crate::Rejection::service_unavailable(config.retry_after_seconds);
        return refused(Outcome::Busy, respond::rejection(&busy, media));
    };
    call_back(Reported { report, facts }, &handler, config.callback_timeout, slot)
}

/// Hands the report to the callback, a panic while making its future caught.
fn call_back<F, B: Body<Error: Into<BoxError>>, H: ReportHandler>(
    reported: Reported,
    handler: &H,
    timeout: Duration,
    slot: CallbackSlot,
) -> State<F, B, H> {
    let facts = &reported.facts;
    // Cloning a URI can allocate (a `Bytes` made from a `Vec` is promoted on its first clone),
    // and only the DEBUG event reads it after the callback: keep it only when that is on.
    let uri = tracing::enabled!(target: "tower_mediadiag", tracing::Level::DEBUG).then(|| facts.parts.uri.clone());
    let modality = facts.ids.modality_label(facts.href());
    let called =
        Called { uri, ids: facts.ids.clone(), error_media: facts.error_media, report: reported.report, modality };
    match catch_unwind(AssertUnwindSafe(|| handler.handle(reported))) {
        Ok(callback) => State::Calling { callback, timeout, slot, called },
        Err(_) => {
            let response = respond::callback_panicked(called.error_media);
            answer(Outcome::CallbackPanicked, response, called.path(), &called.ids)
        }
    }
}

/// Waits for the callback; a panic is 500, the deadline 504.
fn poll_calling<C: Future<Output = Result<(), crate::Rejection>>>(
    callback: Pin<&mut C>,
    deadline: Pin<&mut Option<Sleep>>,
    timeout: Duration,
    error_media: MediaType,
    cx: &mut Context<'_>,
) -> Poll<(Outcome, LayerResponse)> {
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

/// The answer of a future polled again after it completed (which the `Future` contract does
/// not allow): 500 ServiceFailure, with an error event. Never 204: the handler did not accept
/// a report here.
fn polled_after_completion() -> LayerResponse {
    tracing::error!(target: "tower_mediadiag", "reportMediaDiagnostics future in an impossible state (polled after it completed): answered 500");
    respond::callback_panicked(MediaType::Json)
}

/// Starts the timer on first use, then tells whether it ran out (registering the waker).
fn expired(mut deadline: Pin<&mut Option<Sleep>>, timeout: Duration, cx: &mut Context<'_>) -> bool {
    if deadline.is_none() {
        deadline.set(Some(sleep(timeout)));
    }
    deadline.as_pin_mut().is_some_and(|sleep| sleep.poll(cx).is_ready())
}
