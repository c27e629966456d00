//! The request a phone sends: `POST {href} HTTP/1.1`, its headers and the encoded report,
//! written into a caller's buffer. Every field is checked byte by byte against the grammar
//! of its place, so no input can add a header, a line or a second request.

use core::fmt;

use crate::cursor::Span;
use crate::error::EncodeError;
use crate::media::{Encoding, MediaType};
use crate::report::Report;
use crate::route::{QueryError, is_query_char, is_sub_delim, is_unreserved, parse_query};
use crate::scope::is_bearer_token;
use crate::text::{Writer, has_byte, same_bytes};

/// A `reportMediaDiagnostics` request to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// The resource's path (and query) as the server handed it out: an absolute path of
    /// RFC 3986 path and query characters, starting with `/`, written unchanged. When its path
    /// ends with the Online form's `callMediaDiagnostics` segment, its query must follow that
    /// form's rules (docs/behaviour.md, section 1.2), as the server checks them.
    pub href: &'a [u8],
    /// The `Host` header: an RFC 3986 reg-name, IPv4 address or `[IPv6]` literal, with an
    /// optional `:port`.
    pub host: &'a [u8],
    /// The bearer token, an RFC 6750 `b64token` (`=` allowed anywhere, as in UCWA's `cwt=...`).
    pub token: &'a [u8],
    /// The body's encoding: `application/json` or `application/xml`.
    pub encoding: Encoding,
    /// The `User-Agent` header, if any: visible ASCII, spaces and tabs, not starting or ending
    /// with white space, not empty.
    pub user_agent: Option<&'a [u8]>,
    /// The report to send.
    pub report: Report,
}

/// A field of a [`Request`] that the checks refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// [`Request::href`].
    Href,
    /// [`Request::host`].
    Host,
    /// [`Request::token`].
    Token,
    /// [`Request::user_agent`].
    UserAgent,
}

/// Why a request was not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestError {
    /// The field has a byte its place does not allow (or is empty, or lacks the leading `/`).
    Invalid(Field),
    /// The href is of the Online form and its query breaks that form's rules: the server would
    /// refuse the request.
    Query(QueryError),
    /// The buffer is too small; nothing short of the whole request is ever returned.
    BufferTooSmall,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Invalid(field) => write!(f, "the request's {field:?} is not valid in its place"),
            RequestError::Query(error) => write!(f, "the request's href: {error}"),
            RequestError::BufferTooSmall => f.write_str("output buffer too small"),
        }
    }
}

impl core::error::Error for RequestError {}

impl Request<'_> {
    /// The most body bytes a request carries (the longer of the two encodings).
    pub const MAX_BODY_LEN: usize =
        if Report::XML_MAX_LEN > Report::JSON_MAX_LEN { Report::XML_MAX_LEN } else { Report::JSON_MAX_LEN };

    /// Checks every field, then writes the whole request into `out` and returns its length.
    ///
    /// ```
    /// use mediadiag::phone::{Field, Request, RequestError};
    /// use mediadiag::{Encoding, Report};
    ///
    /// let request = Request {
    ///     href: b"/ucwa/reportMediaDiagnostics",
    ///     host: b"[2001:db8::1]:4443",
    ///     token: b"abc.def-ghi==",
    ///     encoding: Encoding::Xml,
    ///     user_agent: None,
    ///     report: Report::EMPTY,
    /// };
    /// let mut out = [0u8; 512];
    /// assert!(request.write(&mut out).is_ok());
    /// let injected = Request { token: b"abc\r\nX-Admin: 1", ..request };
    /// assert_eq!(injected.write(&mut out), Err(RequestError::Invalid(Field::Token)));
    /// assert_eq!(request.write(&mut out[..40]), Err(RequestError::BufferTooSmall));
    /// ```
    pub fn write(&self, out: &mut [u8]) -> Result<usize, RequestError> {
        self.check()?;
        self.write_checked(out).map_err(|_| RequestError::BufferTooSmall)
    }

    /// Writes the request whose fields [`Request::check`] allowed.
    fn write_checked(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut body = [0u8; Request::MAX_BODY_LEN];
        let body_len = self.report.encode(self.encoding, &mut body)?;
        let mut w = Writer::new(out);
        w.put(b"POST ")?;
        w.put(self.href)?;
        w.put(b" HTTP/1.1\r\nHost: ")?;
        w.put(self.host)?;
        w.put(b"\r\nAuthorization: Bearer ")?;
        w.put(self.token)?;
        w.put(b"\r\nContent-Type: ")?;
        w.put_str(MediaType::of(self.encoding).as_str())?;
        w.put(b"\r\nContent-Length: ")?;
        w.put_decimal(body_len)?;
        if let Some(user_agent) = self.user_agent {
            w.put(b"\r\nUser-Agent: ")?;
            w.put(user_agent)?;
        }
        w.put(b"\r\n\r\n")?;
        w.put(body.get(..body_len).unwrap_or_default())?;
        Ok(w.len())
    }

    /// Refuses the first field (in the order of the request) that its grammar does not allow.
    /// Not inlined into `write`: measured on the Cortex-M4, the smaller code.
    #[inline(never)]
    fn check(&self) -> Result<(), RequestError> {
        if !is_href(self.href) {
            return Err(RequestError::Invalid(Field::Href));
        }
        call_query(self.href).map_err(RequestError::Query)?;
        let checks = [
            (Field::Host, is_host(self.host)),
            (Field::Token, is_bearer_token(self.token)),
            (Field::UserAgent, self.user_agent.is_none_or(is_user_agent)),
        ];
        match checks.into_iter().find(|&(_, valid)| !valid) {
            Some((field, _)) => Err(RequestError::Invalid(field)),
            None => Ok(()),
        }
    }
}

/// Whether every byte is allowed by `allowed` or starts a `%XX` escape.
fn all_or_escaped(bytes: &[u8], allowed: impl Fn(u8) -> bool) -> bool {
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if allowed(b) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// An RFC 3986 `path-absolute` with an optional `?query` (origin-form, RFC 9112): the path's
/// characters (`pchar` and `/`) are query characters too.
fn is_href(href: &[u8]) -> bool {
    href.first() == Some(&b'/') && all_or_escaped(href, is_query_char)
}

/// The last segment of the Online form's path.
const CALL_SEGMENT: &[u8] = b"/callMediaDiagnostics";

/// Checks the query of an href whose path ends with the Online form's last segment, with the
/// server's own reader; any other href's query is the server's business.
fn call_query(href: &[u8]) -> Result<(), QueryError> {
    let path_len = href.iter().position(|&b| b == b'?').unwrap_or(href.len());
    let path = href.get(..path_len).unwrap_or_default();
    let tail = path.get(path_len.saturating_sub(CALL_SEGMENT.len())..).unwrap_or_default();
    if !same_bytes(tail, CALL_SEGMENT) {
        return Ok(());
    }
    parse_query(href.get(path_len + 1..).unwrap_or_default(), &mut [Span::default(); 4])
}

/// RFC 3986 `host [":" port]`: a reg-name (an IPv4 address is one), or an IP literal in
/// brackets (`IPv6address` or `IPvFuture` characters), not empty; the port 1 to 5 digits.
fn is_host(host: &[u8]) -> bool {
    let (name, port) = match host.iter().rposition(|&b| b == b':') {
        // A colon inside brackets belongs to the IPv6 literal.
        Some(colon) if !has_byte(host.get(colon..).unwrap_or_default(), b']') => {
            (host.get(..colon).unwrap_or_default(), Some(host.get(colon + 1..).unwrap_or_default()))
        }
        _ => (host, None),
    };
    let port_ok = port.is_none_or(|port| (1..=5).contains(&port.len()) && port.iter().all(u8::is_ascii_digit));
    let name_ok = match name {
        [b'[', literal @ .., b']'] => {
            !literal.is_empty() && literal.iter().all(|&b| is_unreserved(b) || is_sub_delim(b) || b == b':')
        }
        _ => !name.is_empty() && all_or_escaped(name, |b| is_unreserved(b) || is_sub_delim(b)),
    };
    name_ok && port_ok
}

/// RFC 9110 `field-value` restricted to visible ASCII, SP and HTAB (no `obs-text`), without
/// white space at either end, not empty.
fn is_user_agent(value: &[u8]) -> bool {
    let visible = |b: &u8| (0x21..=0x7E).contains(b);
    value.first().is_some_and(visible)
        && value.last().is_some_and(visible)
        && value.iter().all(|&b| visible(&b) || b == b' ' || b == b'\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_grammar_takes_what_its_rfc_allows() {
        assert!(is_href(b"/ucwa/v1/applications/1/reportMediaDiagnostics?x=%2F&y=@:"));
        for bad in [&b""[..], b"ucwa", b"/a b", b"/a#f", b"/%2", b"/%zz", b"/\xc3\xa9", b"/a\r\n"] {
            assert!(!is_href(bad), "{bad:?}");
        }
        for good in [&b"lync.example.com"[..], b"10.0.0.1:443", b"[::1]", b"[2001:db8::1]:8080", b"h%41st", b"a:1"] {
            assert!(is_host(good), "{good:?}");
        }
        for bad in [&b""[..], b":80", b"host:", b"host:123456", b"ho st", b"[]", b"[::1", b"a/b", b"a@b", b"h:8a"] {
            assert!(!is_host(bad), "{bad:?}");
        }
        for good in [&b"aZ09-._~+/=="[..], b"cwt=AAEBHAEFAAAAAAAFFQAAAA==", b"a=b"] {
            assert!(is_bearer_token(good), "{good:?}");
        }
        for bad in [&b""[..], b"==", b"a b", b"a,b", b"a\r\nX: y"] {
            assert!(!is_bearer_token(bad), "{bad:?}");
        }
        assert!(is_user_agent(b"Phone/1.0 (model\tX)"));
        for bad in [&b""[..], b" a", b"a ", b"a\tb\t", b"a\x7f", b"caf\xc3\xa9", b"a\0"] {
            assert!(!is_user_agent(bad), "{bad:?}");
        }
    }
}
