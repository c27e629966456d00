//! The response future: the inner service's future, or this layer's state machine for an
//! intercepted request (read the body, decode, call back), with no boxing.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use http::{Response, Uri};
use http_body::Body;
use mediadiag::{MediaType, Report};
use pin_project_lite::pin_project;
use tokio::time::{Sleep, sleep};

use crate::body::ResponseBody;
use crate::facts::{Ids, RequestFacts};
use crate::handler::{ReportHandler, Reported};
use crate::layer::Config;
use crate::limit::{CallbackLimit, CallbackSlot};
use crate::respond::{self, LayerResponse, Outcome};

/// An intercepted request that passed checks 1 to 6, and what reading and calling back need.
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
}

impl Called {
    /// The request's path, or nothing when it was not kept.
    fn path(&self) -> &str {
        self.uri.as_ref().map_or("", Uri::path)
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
        // The deadline of the state that has one (reading the body, then the callback),
        // kept out of the states so that moving from one to the next copies less.
        #[pin]
        deadline: Option<Sleep>,
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
            response: Option<LayerResponse>,
        },
        /// Reading the body under the read timeout (the timer starts the first time the body
        /// is not ready: a body that is all there needs none).
        Reading {
            #[pin]
            body: B,
            collected: Collected,
            intercepted: Option<Intercepted<H>>,
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

impl<F, B, H: ReportHandler> ResponseFuture<F, B, H> {
    pub(crate) fn inner(future: F) -> Self {
        ResponseFuture { state: State::Inner { future }, deadline: None }
    }

    pub(crate) fn ready(response: LayerResponse) -> Self {
        ResponseFuture { state: State::Ready { response: Some(response) }, deadline: None }
    }

    pub(crate) fn reading(body: B, intercepted: Intercepted<H>) -> Self {
        ResponseFuture {
            state: State::Reading { body, collected: Collected::Nothing, intercepted: Some(intercepted) },
            deadline: None,
        }
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
        "reportMediaDiagnostics"
    );
}

/// The state that answers `response`, traced.
fn answer<F, B, H: ReportHandler>(outcome: Outcome, response: LayerResponse, path: &str, ids: &Ids) -> State<F, B, H> {
    trace(outcome, &response, path, ids);
    State::Ready { response: Some(response) }
}

impl<F, B, H, ResBody, E> Future for ResponseFuture<F, B, H>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    B: Body,
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
                    // Taken already: polled after it completed. Never a 204 for that.
                    let response = response.take().unwrap_or_else(impossible_state);
                    return Poll::Ready(Ok(response.map(ResponseBody::layer)));
                }
                StateProj::Reading { body, collected, intercepted } => {
                    ready!(poll_reading(body, deadline.as_mut(), collected, intercepted, cx))
                }
                StateProj::Calling { callback, timeout, slot: _, called } => {
                    let (outcome, response) =
                        ready!(poll_calling(callback, deadline.as_mut(), *timeout, called.error_media, cx));
                    if matches!(outcome, Outcome::Accepted) {
                        crate::metrics::report(called.report);
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

/// Reads the body; once complete, decodes it and starts the callback.
fn poll_reading<B: Body, H: ReportHandler, F>(
    mut body: Pin<&mut B>,
    deadline: Pin<&mut Option<Sleep>>,
    collected: &mut Collected,
    intercepted: &mut Option<Intercepted<H>>,
    cx: &mut Context<'_>,
) -> Poll<State<F, B, H>> {
    let Some(Intercepted { facts, config, .. }) = intercepted.as_ref() else {
        return Poll::Ready(State::Ready { response: Some(impossible_state()) });
    };
    let failed = |outcome, response| Poll::Ready(answer(outcome, response, facts.parts.uri.path(), &facts.ids));
    loop {
        match body.as_mut().poll_frame(cx) {
            Poll::Pending => {
                if expired(deadline, config.read_timeout, cx) {
                    return failed(Outcome::ReadTimeout, respond::read_timeout(facts.error_media));
                }
                return Poll::Pending;
            }
            Poll::Ready(Some(Err(_))) => return failed(Outcome::BodyError, respond::body_error(facts.error_media)),
            Poll::Ready(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if collected.len().saturating_add(data.remaining()) > config.body_limit {
                        return failed(Outcome::TooLarge, respond::too_large(facts.error_media));
                    }
                    collected.push(data);
                }
            }
            Poll::Ready(None) => break,
        }
    }
    let report = match Report::decode(facts.media_type.encoding(), collected.as_slice()) {
        Ok(report) => report,
        Err(error) => return failed(Outcome::Undecodable, respond::undecodable(&error, facts.error_media)),
    };
    let Some(Intercepted { facts, handler, config }) = intercepted.take() else {
        return Poll::Ready(State::Ready { response: Some(impossible_state()) });
    };
    let timeout = config.callback_timeout;
    let slot = match CallbackLimit::try_acquire(config) {
        Ok(slot) => slot,
        Err(config) => {
            let busy = crate::Rejection::service_unavailable(config.retry_after_seconds);
            let response = respond::rejection(&busy, facts.error_media);
            return Poll::Ready(answer(Outcome::Busy, response, facts.parts.uri.path(), &facts.ids));
        }
    };
    // Cloning a URI can allocate (a `Bytes` made from a `Vec` is promoted on its first clone),
    // and only the DEBUG event reads it after the callback: keep it only when that is on.
    let uri = tracing::enabled!(target: "tower_mediadiag", tracing::Level::DEBUG).then(|| facts.parts.uri.clone());
    let called = Called { uri, ids: facts.ids.clone(), error_media: facts.error_media, report };
    match catch_unwind(AssertUnwindSafe(|| handler.handle(Reported { report, facts }))) {
        Ok(callback) => Poll::Ready(State::Calling { callback, timeout, slot, called }),
        Err(_) => {
            let response = respond::callback_panicked(called.error_media);
            Poll::Ready(answer(Outcome::CallbackPanicked, response, called.path(), &called.ids))
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

/// The answer of a state that should not happen (the future polled after it completed, or
/// its request gone): 500 ServiceFailure, with an error event. Never 204: the handler did
/// not accept a report here.
fn impossible_state() -> LayerResponse {
    tracing::error!(target: "tower_mediadiag", "reportMediaDiagnostics future in an impossible state: answered 500");
    respond::callback_panicked(MediaType::Json)
}

/// Starts the timer on first use, then tells whether it ran out (registering the waker).
fn expired(mut deadline: Pin<&mut Option<Sleep>>, timeout: Duration, cx: &mut Context<'_>) -> bool {
    if deadline.is_none() {
        deadline.set(Some(sleep(timeout)));
    }
    deadline.as_pin_mut().is_some_and(|sleep| sleep.poll(cx).is_ready())
}
