//! The whole body of an intercepted request, within its size limit.
//!
//! `http_body_util::Limited` enforces the limit. The frames are kept here rather than by
//! `collect()`, whose buffer list allocates for every body: a body of one frame (the common
//! case) is handed on as it came, with no allocation and no copy, and only a body of several
//! frames is copied together (docs/BENCHMARKS.md, "The layer in process after the future's
//! rework", measured both).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http_body::Body;
use http_body_util::Limited;
use pin_project_lite::pin_project;

/// What `Limited` turns a body's error into.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

pin_project! {
    /// Reads a body to its end: the bytes, or `Limited`'s error (over the limit, or the
    /// body's own).
    pub(crate) struct ReadBody<B> {
        #[pin]
        body: Limited<B>,
        frames: Frames,
    }
}

/// The data frames read so far.
enum Frames {
    Nothing,
    One(Bytes),
    Many(BytesMut),
}

impl Frames {
    fn push(&mut self, mut data: impl Buf) {
        *self = match std::mem::replace(self, Frames::Nothing) {
            Frames::Nothing => Frames::One(data.copy_to_bytes(data.remaining())),
            Frames::One(first) => {
                let mut all = BytesMut::with_capacity(first.len() + data.remaining());
                all.extend_from_slice(&first);
                all.extend_from_slice(&data.copy_to_bytes(data.remaining()));
                Frames::Many(all)
            }
            Frames::Many(mut all) => {
                all.extend_from_slice(&data.copy_to_bytes(data.remaining()));
                Frames::Many(all)
            }
        };
    }

    fn take(&mut self) -> Bytes {
        match std::mem::replace(self, Frames::Nothing) {
            Frames::Nothing => Bytes::new(),
            Frames::One(bytes) => bytes,
            Frames::Many(bytes) => bytes.freeze(),
        }
    }
}

impl<B> ReadBody<B> {
    /// Reads `body`, refusing it past `limit` bytes.
    pub(crate) fn new(body: B, limit: usize) -> Self {
        ReadBody { body: Limited::new(body, limit), frames: Frames::Nothing }
    }
}

impl<B> Future for ReadBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Output = Result<Bytes, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match std::task::ready!(this.body.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        this.frames.push(data);
                    }
                }
                Some(Err(error)) => return Poll::Ready(Err(error)),
                None => return Poll::Ready(Ok(this.frames.take())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::convert::Infallible;

    use http_body::Frame;

    use super::*;

    /// A body of the given frames, each returned by its own poll.
    struct Parts(VecDeque<&'static [u8]>);

    impl Body for Parts {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            Poll::Ready(self.0.pop_front().map(|part| Ok(Frame::data(Bytes::from_static(part)))))
        }
    }

    fn read(parts: &[&'static [u8]], limit: usize) -> Result<Bytes, BoxError> {
        let mut read = std::pin::pin!(ReadBody::new(Parts(parts.iter().copied().collect()), limit));
        match read.as_mut().poll(&mut Context::from_waker(std::task::Waker::noop())) {
            Poll::Ready(result) => result,
            Poll::Pending => panic!("a body that is all there is read at once"),
        }
    }

    #[test]
    fn one_frame_is_handed_on_as_it_came_and_several_are_joined() {
        let one: &'static [u8] = b"{\"errorCode\":\"Gone\"}";
        assert_eq!(read(&[one], 64).unwrap().as_ptr(), one.as_ptr(), "not copied");
        assert_eq!(read(&[b"{\"error", b"Code\":", b"null}"], 64).unwrap(), &b"{\"errorCode\":null}"[..]);
        assert_eq!(read(&[], 64).unwrap(), Bytes::new());
    }

    #[test]
    fn a_body_past_the_limit_is_refused_with_limiteds_error() {
        let error = read(&[b"12345", b"6789"], 8).unwrap_err();
        assert!(error.is::<http_body_util::LengthLimitError>(), "{error}");
        assert!(read(&[b"12345", b"678"], 8).is_ok(), "exactly the limit is within it");
    }
}
