//! The head of the answer: the status line and headers, parsed by `httparse` into what a
//! phone acts on.

use core::fmt;

use crate::media::{Encoding, MediaType, MediaTypeError};

/// Most header lines an answer may have. `httparse` needs a fixed array of them; 16 take 256
/// bytes of stack on 32-bit firmware (two slices each; the whole read peaks at 480 bytes) and
/// are twice what the service sends.
/// An answer with more is [`ResponseError::TooManyHeaders`].
pub const MAX_HEADERS: usize = 16;

/// A result that needs the whole head: complete, or more bytes are needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status<T> {
    /// The head is complete.
    Complete(T),
    /// The bytes end before the head does: read more and call again with all of them.
    Partial,
}

/// The `Retry-After` header of an answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RetryAfter {
    /// No `Retry-After` header.
    #[default]
    Absent,
    /// `delta-seconds`; a value past `u32::MAX` is `u32::MAX`.
    Seconds(u32),
    /// Present but not `delta-seconds`: an HTTP-date (a phone may have no clock to compare
    /// it with) or something malformed. The advice treats it as absent.
    NotSeconds,
}

/// The head of an answer, read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Content-Type`, through the core's media type parser:
    /// [`MediaTypeError::Missing`] when there is none.
    pub media_type: Result<MediaType, MediaTypeError>,
    /// The `Retry-After` header.
    pub retry_after: RetryAfter,
    /// The length of the head, blank line included: the body starts at this offset.
    pub head_len: usize,
    /// The `Content-Length`, if given.
    pub content_length: Option<u64>,
}

/// Why an answer's head was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseError {
    /// The status line or a header does not parse as HTTP/1.x (what `httparse` refused).
    Malformed,
    /// More header lines than [`MAX_HEADERS`].
    TooManyHeaders,
    /// A `Content-Length` that is not digits, or two that differ, or one beside a
    /// `Transfer-Encoding` (RFC 9112 section 6.3 calls that an attack).
    ContentLength,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResponseError::Malformed => "the answer's head is not HTTP/1.x",
            ResponseError::TooManyHeaders => "the answer has too many headers",
            ResponseError::ContentLength => "the answer's Content-Length is invalid",
        })
    }
}

impl core::error::Error for ResponseError {}

impl Response {
    /// Reads the head at the start of `bytes` (the body, or part of it, may follow).
    ///
    /// ```
    /// use mediadiag::phone::{Response, RetryAfter, Status};
    ///
    /// let answer = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n";
    /// let Status::Complete(head) = Response::read(answer)? else { unreachable!() };
    /// assert_eq!((head.status, head.retry_after, head.head_len), (503, RetryAfter::Seconds(7), answer.len()));
    /// assert_eq!(Response::read(&answer[..20])?, Status::Partial);
    /// # Ok::<(), mediadiag::phone::ResponseError>(())
    /// ```
    pub fn read(bytes: &[u8]) -> Result<Status<Response>, ResponseError> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Response::new(&mut headers);
        let head_len = match parsed.parse(bytes) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => return Ok(Status::Partial),
            Err(httparse::Error::TooManyHeaders) => return Err(ResponseError::TooManyHeaders),
            Err(_) => return Err(ResponseError::Malformed),
        };
        let status = parsed.code.ok_or(ResponseError::Malformed)?;
        let mut response = Response {
            status,
            media_type: Err(MediaTypeError::Missing),
            retry_after: RetryAfter::Absent,
            head_len,
            content_length: None,
        };
        let mut chunked = false;
        let mut content_type_seen = false;
        for header in parsed.headers.iter() {
            let name = header.name.as_bytes();
            if name.eq_ignore_ascii_case(b"content-type") && !content_type_seen {
                content_type_seen = true;
                response.media_type = MediaType::parse_content_type(header.value);
            } else if name.eq_ignore_ascii_case(b"retry-after") && response.retry_after == RetryAfter::Absent {
                response.retry_after = retry_after(header.value);
            } else if name.eq_ignore_ascii_case(b"content-length") {
                let length = digits(trim(header.value)).ok_or(ResponseError::ContentLength)?;
                if response.content_length.is_some_and(|earlier| earlier != length) {
                    return Err(ResponseError::ContentLength);
                }
                response.content_length = Some(length);
            } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                chunked = true;
            }
        }
        if chunked && response.content_length.is_some() {
            return Err(ResponseError::ContentLength);
        }
        Ok(Status::Complete(response))
    }

    /// The encoding of the body, when its `Content-Type` is one the core decodes.
    pub fn encoding(&self) -> Option<Encoding> {
        self.media_type.ok().map(MediaType::encoding)
    }
}

/// A header value without the optional white space around it.
fn trim(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] | [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// `1*DIGIT` as a number, saturating at `u64::MAX`. One pass over the digits: the smaller code
/// on the phone (core/firmware/README.md).
fn digits(text: &[u8]) -> Option<u64> {
    let mut n = 0u64;
    for &b in text {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n.saturating_mul(10).saturating_add(u64::from(digit));
    }
    (!text.is_empty()).then_some(n)
}

/// A `Retry-After` value: `delta-seconds`, or anything else (an HTTP-date).
fn retry_after(value: &[u8]) -> RetryAfter {
    match digits(trim(value)) {
        Some(seconds) => RetryAfter::Seconds(u32::try_from(seconds).unwrap_or(u32::MAX)),
        None => RetryAfter::NotSeconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(bytes: &[u8]) -> Response {
        match Response::read(bytes) {
            Ok(Status::Complete(response)) => response,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_head_gives_status_type_retry_after_and_length() {
        let answer = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml; charset=utf-8\r\ncontent-length:  12 \r\n\r\n<reason/>...";
        let head = complete(answer);
        assert_eq!(head.status, 400);
        assert_eq!(head.media_type, Ok(MediaType::Xml));
        assert_eq!(head.encoding(), Some(Encoding::Xml));
        assert_eq!(head.content_length, Some(12));
        assert_eq!(&answer[head.head_len..], b"<reason/>...");
        assert_eq!(head.retry_after, RetryAfter::Absent);
        let html = complete(b"HTTP/1.0 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n");
        assert_eq!((html.media_type, html.encoding()), (Err(MediaTypeError::Unsupported), None));
        assert_eq!(complete(b"HTTP/1.1 204 No Content\r\n\r\n").media_type, Err(MediaTypeError::Missing));
    }

    #[test]
    fn retry_after_is_seconds_or_not() {
        let with = |value: &str| complete(std::format!("HTTP/1.1 503 x\r\nRetry-After: {value}\r\n\r\n").as_bytes());
        assert_eq!(with("0").retry_after, RetryAfter::Seconds(0));
        assert_eq!(with(" 120 ").retry_after, RetryAfter::Seconds(120));
        assert_eq!(with("99999999999999999999999").retry_after, RetryAfter::Seconds(u32::MAX));
        assert_eq!(with("Wed, 21 Oct 2015 07:28:00 GMT").retry_after, RetryAfter::NotSeconds);
        assert_eq!(with("-1").retry_after, RetryAfter::NotSeconds);
        assert_eq!(with("").retry_after, RetryAfter::NotSeconds);
    }

    #[test]
    fn partial_heads_ask_for_more_and_bad_ones_are_refused() {
        let answer = b"HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n";
        for cut in 0..answer.len() {
            assert_eq!(Response::read(&answer[..cut]), Ok(Status::Partial), "{cut}");
        }
        assert_eq!(Response::read(b"HTTP/1.1 2x4 No\r\n\r\n"), Err(ResponseError::Malformed));
        assert_eq!(Response::read(b"HTTP/1.1 204 No\r\nBad Header\r\n\r\n"), Err(ResponseError::Malformed));
        let length = |headers: &str| Response::read(std::format!("HTTP/1.1 200 OK\r\n{headers}\r\n").as_bytes());
        assert_eq!(length("Content-Length: 1x\r\n"), Err(ResponseError::ContentLength));
        assert_eq!(length("Content-Length: 1\r\nContent-Length: 2\r\n"), Err(ResponseError::ContentLength));
        assert!(matches!(length("Content-Length: 2\r\nContent-Length: 2\r\n"), Ok(Status::Complete(_))));
        assert_eq!(length("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"), Err(ResponseError::ContentLength));
        let many: std::string::String = (0..=MAX_HEADERS).map(|i| std::format!("X-{i}: y\r\n")).collect();
        assert_eq!(length(&many), Err(ResponseError::TooManyHeaders));
        let most: std::string::String = (0..MAX_HEADERS).map(|i| std::format!("X-{i}: y\r\n")).collect();
        assert!(matches!(length(&most), Ok(Status::Complete(_))));
    }
}
