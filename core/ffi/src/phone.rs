//! The phone's side of the C API: write a request, read the answer's head, decode its error
//! body, and get the advice (docs/behaviour.md, section 8).

use core::ffi::{c_char, c_int};
use core::ptr;

use mediadiag::phone::{
    Advice, Backoff, Field, Name, Reason, Request, RequestError, Response, ResponseError, RetryAfter, Status, advise,
};
use mediadiag::{DecodeError, Encoding, ErrorCode, ErrorSubcode};

use crate::{
    MEDIADIAG_ABSENT, MEDIADIAG_ERR_BUFFER_TOO_SMALL, MEDIADIAG_ERR_DECODE, MEDIADIAG_ERR_INVALID_ARGUMENT,
    MEDIADIAG_ERR_NULL_POINTER, MEDIADIAG_OK, MediadiagDecodeError, MediadiagReport, buffer, bytes, c_str,
};

/// The head was read, but not all of it has arrived: call again with more bytes.
pub const MEDIADIAG_PARTIAL: c_int = 1;
/// The request's `href` is not an absolute path of RFC 3986 path and query characters, or its
/// path ends with the Online form's `/callMediaDiagnostics` and its query breaks that form's
/// rules (docs/behaviour.md, section 1.2: the server would refuse it).
pub const MEDIADIAG_ERR_INVALID_HREF: c_int = -6;
/// The request's `host` is not an RFC 3986 host with an optional port.
pub const MEDIADIAG_ERR_INVALID_HOST: c_int = -7;
/// The request's `token` is not an RFC 6750 `b64token` (`=` may stand anywhere in it).
pub const MEDIADIAG_ERR_INVALID_TOKEN: c_int = -8;
/// The request's `user_agent` is empty, has white space at an end, or a byte that is not
/// visible ASCII, space or tab.
pub const MEDIADIAG_ERR_INVALID_USER_AGENT: c_int = -9;
/// The answer's status line or a header is not HTTP/1.x.
pub const MEDIADIAG_ERR_MALFORMED_RESPONSE: c_int = -10;
/// The answer has more than [`MEDIADIAG_MAX_HEADERS`] header lines.
pub const MEDIADIAG_ERR_TOO_MANY_HEADERS: c_int = -11;
/// The answer's `Content-Length` is not digits, repeated with another value, or beside a
/// `Transfer-Encoding`.
pub const MEDIADIAG_ERR_CONTENT_LENGTH: c_int = -12;

/// Most header lines an answer may have ([`mediadiag::phone::MAX_HEADERS`]).
pub const MEDIADIAG_MAX_HEADERS: usize = 16;
const _: () = assert!(MEDIADIAG_MAX_HEADERS == mediadiag::phone::MAX_HEADERS);

/// A body in JSON (`application/json`).
pub const MEDIADIAG_ENCODING_JSON: c_int = 0;
/// A body in XML (`application/xml`).
pub const MEDIADIAG_ENCODING_XML: c_int = 1;

/// A code or subcode of an error body that this library does not know (a newer server's).
pub const MEDIADIAG_UNKNOWN: i16 = -2;
/// A `Retry-After` that is present but not seconds (an HTTP-date).
pub const MEDIADIAG_RETRY_AFTER_NOT_SECONDS: i64 = -2;

/// Advice: the report is delivered (or was already); forget it.
pub const MEDIADIAG_ADVICE_DONE: c_int = 0;
/// Advice: send it again after `retry_after` seconds (of the `mediadiag_response`).
pub const MEDIADIAG_ADVICE_RETRY_AFTER: c_int = 1;
/// Advice: send it again after [`mediadiag_backoff_ms`] for the attempt.
pub const MEDIADIAG_ADVICE_BACKOFF: c_int = 2;
/// Advice: renew the bearer token, then send it again once.
pub const MEDIADIAG_ADVICE_RENEW_TOKEN: c_int = 3;
/// Advice: do not send it again.
pub const MEDIADIAG_ADVICE_DO_NOT_RETRY: c_int = 4;

/// A request to write, C's `mediadiag_request`. Each byte string is a pointer and a length.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MediadiagRequest {
    /// The resource path the server handed out, starting with `/`.
    pub href: *const u8,
    /// Length of `href` in bytes.
    pub href_len: usize,
    /// The `Host` header value: host name, IPv4 address or `[IPv6]`, optional `:port`.
    pub host: *const u8,
    /// Length of `host` in bytes.
    pub host_len: usize,
    /// The bearer token.
    pub token: *const u8,
    /// Length of `token` in bytes.
    pub token_len: usize,
    /// The `User-Agent` header value, or `NULL` (with a length of 0) for none.
    pub user_agent: *const u8,
    /// Length of `user_agent` in bytes.
    pub user_agent_len: usize,
    /// [`MEDIADIAG_ENCODING_JSON`] or [`MEDIADIAG_ENCODING_XML`].
    pub encoding: c_int,
    /// The report to send.
    pub report: MediadiagReport,
}

/// The head of an answer, C's `mediadiag_response`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediadiagResponse {
    /// The status code.
    pub status: u16,
    /// The body's encoding from its `Content-Type` ([`MEDIADIAG_ENCODING_JSON`] or
    /// [`MEDIADIAG_ENCODING_XML`]), or [`MEDIADIAG_ABSENT`] when there is none or it is
    /// another type.
    pub encoding: i16,
    /// `Retry-After` in seconds, [`MEDIADIAG_ABSENT`], or [`MEDIADIAG_RETRY_AFTER_NOT_SECONDS`].
    pub retry_after: i64,
    /// Length of the head: the body starts at this offset.
    pub head_len: usize,
    /// The `Content-Length` (at most `INT64_MAX`), or [`MEDIADIAG_ABSENT`].
    pub content_length: i64,
}

impl MediadiagResponse {
    /// The C form of a head.
    pub fn from_response(response: &Response) -> Self {
        MediadiagResponse {
            status: response.status,
            encoding: response.encoding().map_or(MEDIADIAG_ABSENT, |encoding| encoding_number(encoding) as i16),
            retry_after: match response.retry_after {
                RetryAfter::Absent => MEDIADIAG_ABSENT.into(),
                RetryAfter::Seconds(seconds) => seconds.into(),
                RetryAfter::NotSeconds => MEDIADIAG_RETRY_AFTER_NOT_SECONDS,
            },
            head_len: response.head_len,
            content_length: response
                .content_length
                .map_or(MEDIADIAG_ABSENT.into(), |length| i64::try_from(length).unwrap_or(i64::MAX)),
        }
    }

    fn retry_after(&self) -> RetryAfter {
        match self.retry_after {
            seconds @ 0.. => RetryAfter::Seconds(u32::try_from(seconds).unwrap_or(u32::MAX)),
            MEDIADIAG_RETRY_AFTER_NOT_SECONDS => RetryAfter::NotSeconds,
            _ => RetryAfter::Absent,
        }
    }
}

/// A decoded error body, C's `mediadiag_reason`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediadiagReason {
    /// The `code`: an error code number, or [`MEDIADIAG_UNKNOWN`].
    pub code: i16,
    /// The `subcode`: an error subcode number, [`MEDIADIAG_UNKNOWN`] or [`MEDIADIAG_ABSENT`].
    pub subcode: i16,
    /// Whether the body has a `message`.
    pub has_message: bool,
    /// Where the message starts in the body (as written: escapes and references not decoded).
    pub message_offset: usize,
    /// Length of the message in bytes.
    pub message_len: usize,
}

impl MediadiagReason {
    /// What is written when a body is refused.
    pub const NONE: MediadiagReason = MediadiagReason {
        code: MEDIADIAG_ABSENT,
        subcode: MEDIADIAG_ABSENT,
        has_message: false,
        message_offset: 0,
        message_len: 0,
    };

    /// The C form of a reason decoded from `body`.
    pub fn from_reason(reason: &Reason<'_>, body: &[u8]) -> Self {
        let code = reason.code.known().map_or(MEDIADIAG_UNKNOWN, |code| code as i16);
        let subcode = reason
            .subcode
            .map_or(MEDIADIAG_ABSENT, |subcode| subcode.known().map_or(MEDIADIAG_UNKNOWN, |subcode| subcode as i16));
        let (has_message, message_offset, message_len) = match reason.message {
            Some(message) => (true, (message.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize), message.len()),
            None => (false, 0, 0),
        };
        MediadiagReason { code, subcode, has_message, message_offset, message_len }
    }

    /// The reason again, for the advice (the message is not needed there).
    fn to_reason(self) -> Reason<'static> {
        let code = usize::try_from(self.code).ok().and_then(|i| ErrorCode::ALL.get(i).copied());
        let subcode = match self.subcode {
            MEDIADIAG_ABSENT => None,
            number => Some(
                usize::try_from(number)
                    .ok()
                    .and_then(|i| ErrorSubcode::ALL.get(i).copied())
                    .map_or(Name::Unknown, Name::Known),
            ),
        };
        Reason { code: code.map_or(Name::Unknown, Name::Known), subcode, message: None }
    }
}

fn encoding_number(encoding: Encoding) -> c_int {
    match encoding {
        Encoding::Json => MEDIADIAG_ENCODING_JSON,
        Encoding::Xml => MEDIADIAG_ENCODING_XML,
    }
}

fn encoding_of(number: c_int) -> Option<Encoding> {
    match number {
        MEDIADIAG_ENCODING_JSON => Some(Encoding::Json),
        MEDIADIAG_ENCODING_XML => Some(Encoding::Xml),
        _ => None,
    }
}

/// The byte strings of a request; a `NULL` user agent (with a length of 0) is none.
///
/// # Safety
///
/// Each pointer of `request` must be `NULL` or point to its length of readable bytes.
#[allow(clippy::type_complexity)]
unsafe fn fields(request: &MediadiagRequest) -> Result<(&[u8], &[u8], &[u8], Option<&[u8]>), c_int> {
    // SAFETY: the caller's contract, field by field.
    unsafe {
        let user_agent = if request.user_agent.is_null() && request.user_agent_len == 0 {
            None
        } else {
            Some(bytes(request.user_agent, request.user_agent_len)?)
        };
        Ok((
            bytes(request.href, request.href_len)?,
            bytes(request.host, request.host_len)?,
            bytes(request.token, request.token_len)?,
            user_agent,
        ))
    }
}

/// Writes the whole request (request line, headers, body) into `out` (`capacity` bytes),
/// without a terminating NUL.
///
/// Returns its length; or [`MEDIADIAG_ERR_INVALID_HREF`], [`MEDIADIAG_ERR_INVALID_HOST`],
/// [`MEDIADIAG_ERR_INVALID_TOKEN`] or [`MEDIADIAG_ERR_INVALID_USER_AGENT`] for the first field
/// that has a byte its place does not allow (a CR, LF, NUL…: nothing can be injected), the
/// href also for an Online query the server would refuse;
/// [`MEDIADIAG_ERR_BUFFER_TOO_SMALL`] when the request does not fit (never a part of it);
/// [`MEDIADIAG_ERR_INVALID_ARGUMENT`] for an unknown encoding or an out-of-range report;
/// [`MEDIADIAG_ERR_NULL_POINTER`].
///
/// # Safety
///
/// `request` must be `NULL` or point to a readable `mediadiag_request` whose byte strings are
/// `NULL` or point to their lengths of readable bytes; `out` must be `NULL` or point to
/// `capacity` writable bytes that nothing else accesses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_write_request(
    request: *const MediadiagRequest,
    out: *mut u8,
    capacity: usize,
) -> c_int {
    if request.is_null() {
        return MEDIADIAG_ERR_NULL_POINTER;
    }
    // SAFETY: `request` is not NULL and points to a readable request (caller's contract).
    let request = unsafe { ptr::read_unaligned(request) };
    // SAFETY: the caller guarantees each pointer is NULL or valid for its length.
    let (href, host, token, user_agent) = match unsafe { fields(&request) } {
        Ok(fields) => fields,
        Err(code) => return code,
    };
    let (Some(encoding), Some(report)) = (encoding_of(request.encoding), request.report.to_report()) else {
        return MEDIADIAG_ERR_INVALID_ARGUMENT;
    };
    // SAFETY: the caller guarantees `out` points to `capacity` writable bytes (or is NULL).
    let out = match unsafe { buffer(out, capacity) } {
        Ok(out) => out,
        Err(code) => return code,
    };
    let request = Request { href, host, token, encoding, user_agent, report };
    match request.write(out) {
        Ok(len) => c_int::try_from(len).unwrap_or(MEDIADIAG_ERR_BUFFER_TOO_SMALL),
        Err(RequestError::BufferTooSmall) => MEDIADIAG_ERR_BUFFER_TOO_SMALL,
        Err(RequestError::Invalid(Field::Href) | RequestError::Query(_)) => MEDIADIAG_ERR_INVALID_HREF,
        Err(RequestError::Invalid(Field::Host)) => MEDIADIAG_ERR_INVALID_HOST,
        Err(RequestError::Invalid(Field::Token)) => MEDIADIAG_ERR_INVALID_TOKEN,
        Err(RequestError::Invalid(Field::UserAgent)) => MEDIADIAG_ERR_INVALID_USER_AGENT,
    }
}

/// Reads the head of an answer (status line and headers, at most [`MEDIADIAG_MAX_HEADERS`])
/// at the start of `len` bytes.
///
/// Returns [`MEDIADIAG_OK`] and fills `response`; [`MEDIADIAG_PARTIAL`] when the bytes end
/// before the head does (`response` untouched: read more and call again with all the bytes);
/// or [`MEDIADIAG_ERR_MALFORMED_RESPONSE`], [`MEDIADIAG_ERR_TOO_MANY_HEADERS`],
/// [`MEDIADIAG_ERR_CONTENT_LENGTH`], [`MEDIADIAG_ERR_NULL_POINTER`].
///
/// # Safety
///
/// `bytes` must be `NULL` or point to `len` readable bytes; `response` must be `NULL` or
/// point to a writable `mediadiag_response`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_read_response(
    data: *const u8,
    len: usize,
    response: *mut MediadiagResponse,
) -> c_int {
    if response.is_null() {
        return MEDIADIAG_ERR_NULL_POINTER;
    }
    // SAFETY: the caller guarantees `data` points to `len` readable bytes (or is NULL).
    let data = match unsafe { bytes(data, len) } {
        Ok(data) => data,
        Err(code) => return code,
    };
    match Response::read(data) {
        Ok(Status::Complete(head)) => {
            // SAFETY: `response` is not NULL and points to a writable response (caller's contract).
            unsafe { ptr::write_unaligned(response, MediadiagResponse::from_response(&head)) };
            MEDIADIAG_OK
        }
        Ok(Status::Partial) => MEDIADIAG_PARTIAL,
        Err(ResponseError::Malformed) => MEDIADIAG_ERR_MALFORMED_RESPONSE,
        Err(ResponseError::TooManyHeaders) => MEDIADIAG_ERR_TOO_MANY_HEADERS,
        Err(ResponseError::ContentLength) => MEDIADIAG_ERR_CONTENT_LENGTH,
    }
}

/// Decodes a UCWA error body (`{"code":…}` or `<reason>…</reason>`) of `len` bytes in the
/// given encoding, as strictly as a report.
///
/// Returns [`MEDIADIAG_OK`] and fills `reason` (a code or subcode this library does not know
/// is [`MEDIADIAG_UNKNOWN`], not an error); or [`MEDIADIAG_ERR_DECODE`], sets `reason` to
/// [`MediadiagReason::NONE`] and, if `error` is not `NULL`, tells why in `error`
/// ([`MEDIADIAG_ABSENT`] property; `MEDIADIAG_KIND_MissingCode` when there is no code);
/// [`MEDIADIAG_ERR_INVALID_ARGUMENT`] for an unknown encoding; [`MEDIADIAG_ERR_NULL_POINTER`].
///
/// # Safety
///
/// `body` must be `NULL` or point to `len` readable bytes; `reason` must be `NULL` or point
/// to a writable `mediadiag_reason`; `error` must be `NULL` or point to a writable
/// `mediadiag_decode_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_decode_reason(
    encoding: c_int,
    body: *const u8,
    len: usize,
    reason: *mut MediadiagReason,
    error: *mut MediadiagDecodeError,
) -> c_int {
    if reason.is_null() {
        return MEDIADIAG_ERR_NULL_POINTER;
    }
    let Some(encoding) = encoding_of(encoding) else {
        return MEDIADIAG_ERR_INVALID_ARGUMENT;
    };
    // SAFETY: the caller guarantees `body` points to `len` readable bytes (or is NULL).
    let body = match unsafe { bytes(body, len) } {
        Ok(body) => body,
        Err(code) => return code,
    };
    let decoded: Result<Reason<'_>, DecodeError> = Reason::decode(encoding, body);
    let (result, value, detail) = match decoded {
        Ok(decoded) => (MEDIADIAG_OK, MediadiagReason::from_reason(&decoded, body), MediadiagDecodeError::NONE),
        Err(e) => (MEDIADIAG_ERR_DECODE, MediadiagReason::NONE, MediadiagDecodeError::from_error(&e)),
    };
    // SAFETY: `reason` is not NULL and points to a writable reason (caller's contract).
    unsafe { ptr::write_unaligned(reason, value) };
    if !error.is_null() {
        // SAFETY: `error` is not NULL and points to a writable error (caller's contract).
        unsafe { ptr::write_unaligned(error, detail) };
    }
    result
}

/// The advice for an answer: its head and, if it had one, its decoded error body (`reason`
/// may be `NULL`). Returns a `MEDIADIAG_ADVICE_*` number (for [`MEDIADIAG_ADVICE_RETRY_AFTER`],
/// wait `response->retry_after` seconds), or [`MEDIADIAG_ERR_NULL_POINTER`] if `response` is
/// `NULL`.
///
/// # Safety
///
/// `response` must be `NULL` or point to a readable `mediadiag_response`; `reason` must be
/// `NULL` or point to a readable `mediadiag_reason`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_advise(response: *const MediadiagResponse, reason: *const MediadiagReason) -> c_int {
    if response.is_null() {
        return MEDIADIAG_ERR_NULL_POINTER;
    }
    // SAFETY: `response` is not NULL and points to a readable response (caller's contract).
    let response = unsafe { ptr::read_unaligned(response) };
    let reason = if reason.is_null() {
        None
    } else {
        // SAFETY: `reason` is not NULL and points to a readable reason (caller's contract).
        Some(unsafe { ptr::read_unaligned(reason) }.to_reason())
    };
    match advise(response.status, reason.as_ref(), response.retry_after()) {
        Advice::Done => MEDIADIAG_ADVICE_DONE,
        Advice::RetryAfter(_) => MEDIADIAG_ADVICE_RETRY_AFTER,
        Advice::Backoff => MEDIADIAG_ADVICE_BACKOFF,
        Advice::RenewToken => MEDIADIAG_ADVICE_RENEW_TOKEN,
        Advice::DoNotRetry => MEDIADIAG_ADVICE_DO_NOT_RETRY,
    }
}

/// The delay before retry `attempt` (0 for the first), in milliseconds: between half and all
/// of `min(cap_ms, base_ms * 2^attempt)`, `random` (any value from the phone's random number
/// generator) deciding where.
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_backoff_ms(attempt: u32, base_ms: u32, cap_ms: u32, random: u32) -> u32 {
    Backoff { base_ms, cap_ms }.delay_ms(attempt, random)
}

/// The name of a `MEDIADIAG_ADVICE_*` number (`"Backoff"`), or `NULL` for another number.
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_advice_name(advice: c_int) -> *const c_char {
    match advice {
        MEDIADIAG_ADVICE_DONE => c_str("Done\0"),
        MEDIADIAG_ADVICE_RETRY_AFTER => c_str("RetryAfter\0"),
        MEDIADIAG_ADVICE_BACKOFF => c_str("Backoff\0"),
        MEDIADIAG_ADVICE_RENEW_TOKEN => c_str("RenewToken\0"),
        MEDIADIAG_ADVICE_DO_NOT_RETRY => c_str("DoNotRetry\0"),
        _ => ptr::null(),
    }
}

/// Refusals: every result of this module has a description (see `mediadiag_result_description`).
pub(crate) fn description(result: c_int) -> Option<&'static str> {
    Some(match result {
        MEDIADIAG_PARTIAL => "the head is not complete: read more bytes\0",
        MEDIADIAG_ERR_INVALID_HREF => "the href is not valid in a request line, or its Online query is not valid\0",
        MEDIADIAG_ERR_INVALID_HOST => "the host is not valid in a Host header\0",
        MEDIADIAG_ERR_INVALID_TOKEN => "the token is not a bearer token\0",
        MEDIADIAG_ERR_INVALID_USER_AGENT => "the user agent is not a valid header value\0",
        MEDIADIAG_ERR_MALFORMED_RESPONSE => "the answer is not HTTP/1.x\0",
        MEDIADIAG_ERR_TOO_MANY_HEADERS => "the answer has too many headers\0",
        MEDIADIAG_ERR_CONTENT_LENGTH => "the answer's Content-Length is invalid\0",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediadiag::Fault;

    const HREF: &[u8] = b"/ucwa/reportMediaDiagnostics";

    fn request(token: &'static [u8]) -> MediadiagRequest {
        MediadiagRequest {
            href: HREF.as_ptr(),
            href_len: HREF.len(),
            host: b"h".as_ptr(),
            host_len: 1,
            token: token.as_ptr(),
            token_len: token.len(),
            user_agent: ptr::null(),
            user_agent_len: 0,
            encoding: MEDIADIAG_ENCODING_JSON,
            report: MediadiagReport::ABSENT,
        }
    }

    #[test]
    fn requests_are_written_or_their_field_named() {
        let mut out = [0u8; 256];
        // SAFETY: every pointer is valid for its length.
        unsafe {
            let len = mediadiag_write_request(&request(b"t0k"), out.as_mut_ptr(), out.len());
            assert!(len > 0);
            assert!(out[..len as usize].ends_with(b"Content-Length: 2\r\n\r\n{}"));
            assert_eq!(
                mediadiag_write_request(&request(b"t\r\n"), out.as_mut_ptr(), out.len()),
                MEDIADIAG_ERR_INVALID_TOKEN
            );
            assert_eq!(mediadiag_write_request(&request(b"t"), out.as_mut_ptr(), 10), MEDIADIAG_ERR_BUFFER_TOO_SMALL);
            let no_host = MediadiagRequest { host: ptr::null(), ..request(b"t") };
            assert_eq!(mediadiag_write_request(&no_host, out.as_mut_ptr(), out.len()), MEDIADIAG_ERR_NULL_POINTER);
            let bad = MediadiagRequest { encoding: 2, ..request(b"t") };
            assert_eq!(mediadiag_write_request(&bad, out.as_mut_ptr(), out.len()), MEDIADIAG_ERR_INVALID_ARGUMENT);
        }
    }

    #[test]
    fn an_answer_reads_into_advice() {
        let mut body = [0u8; Fault::MAX_LEN];
        let fault = Fault::new(ErrorCode::Conflict, Some(ErrorSubcode::AlreadyExists), "Seen.");
        let len = fault.write(Encoding::Xml, &mut body).unwrap();
        let answer = [&b"HTTP/1.1 409 Conflict\r\nContent-Type: application/xml\r\n\r\n"[..], &body[..len]].concat();
        let mut response = MediadiagResponse { status: 0, encoding: 0, retry_after: 0, head_len: 0, content_length: 0 };
        let mut reason = MediadiagReason::NONE;
        // SAFETY: every pointer is valid for its length.
        unsafe {
            assert_eq!(mediadiag_read_response(answer.as_ptr(), 10, &mut response), MEDIADIAG_PARTIAL);
            assert_eq!(mediadiag_read_response(answer.as_ptr(), answer.len(), &mut response), MEDIADIAG_OK);
            assert_eq!((response.status, response.encoding, response.content_length), (409, 1, -1));
            let body = &answer[response.head_len..];
            let result = mediadiag_decode_reason(1, body.as_ptr(), body.len(), &mut reason, ptr::null_mut());
            assert_eq!(result, MEDIADIAG_OK);
            assert_eq!((reason.code, reason.subcode), (ErrorCode::Conflict as i16, ErrorSubcode::AlreadyExists as i16));
            assert_eq!(&body[reason.message_offset..][..reason.message_len], b"Seen.");
            assert_eq!(mediadiag_advise(&response, &reason), MEDIADIAG_ADVICE_DONE);
            assert_eq!(mediadiag_advise(&response, ptr::null()), MEDIADIAG_ADVICE_DO_NOT_RETRY);
            assert_eq!(mediadiag_advise(ptr::null(), &reason), MEDIADIAG_ERR_NULL_POINTER);
        }
    }
}
