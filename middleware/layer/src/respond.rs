//! The responses this layer writes itself: 204, and UCWA error bodies (docs/behaviour.md section 5).

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;
use mediadiag::route::QueryError;
use mediadiag::{DecodeError, ErrorCode, ErrorSubcode, Fault, MediaType};

use crate::handler::Rejection;

/// A response this layer writes itself: status, headers and a complete body.
pub(crate) type LayerResponse = Response<Full<Bytes>>;

/// What happened to an intercepted request, for the one tracing event it gets.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Outcome {
    Accepted,
    MethodNotAllowed,
    Unauthenticated,
    InsufficientScope,
    BadQuery,
    UnsupportedMediaType,
    TooLarge,
    ReadTimeout,
    BodyError,
    Undecodable,
    Busy,
    Rejected,
    CallbackPanicked,
    CallbackTimeout,
}

impl Outcome {
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::MethodNotAllowed => "method not allowed",
            Outcome::Unauthenticated => "unauthenticated",
            Outcome::InsufficientScope => "insufficient scope",
            Outcome::BadQuery => "href query refused",
            Outcome::UnsupportedMediaType => "unsupported media type",
            Outcome::TooLarge => "body too large",
            Outcome::ReadTimeout => "body read timed out",
            Outcome::BodyError => "body could not be read",
            Outcome::Undecodable => "body refused",
            Outcome::Busy => "callbacks busy",
            Outcome::Rejected => "rejected by callback",
            Outcome::CallbackPanicked => "callback panicked",
            Outcome::CallbackTimeout => "callback timed out",
        }
    }
}

/// 204 No Content: the callback has the report.
pub(crate) fn no_content() -> LayerResponse {
    with_status(StatusCode::NO_CONTENT, Bytes::new())
}

fn with_status(status: StatusCode, body: Bytes) -> LayerResponse {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
}

/// A UCWA error body in the negotiated media type.
pub(crate) fn fault(status: StatusCode, fault: &Fault, media: MediaType) -> LayerResponse {
    let mut buf = [0u8; Fault::MAX_LEN];
    // Messages are this crate's or the service owner's short static strings; one that does
    // not fit is dropped rather than the whole body.
    let len = fault
        .write(media.encoding(), &mut buf)
        .or_else(|_| Fault { message: "", ..*fault }.write(media.encoding(), &mut buf))
        .unwrap_or(0);
    let mut response = with_status(status, Bytes::copy_from_slice(buf.get(..len).unwrap_or_default()));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(media.content_type()));
    response
}

/// 400 ParameterValidationFailure naming the Online href's query parameter.
pub(crate) fn bad_query(error: &QueryError, media: MediaType) -> LayerResponse {
    fault(StatusCode::BAD_REQUEST, &Fault::from_query_error(error), media)
}

pub(crate) fn method_not_allowed(media: MediaType) -> LayerResponse {
    let body = Fault::new(ErrorCode::MethodNotAllowed, None, "Only POST is allowed on this resource.");
    let mut response = fault(StatusCode::METHOD_NOT_ALLOWED, &body, media);
    response.headers_mut().insert(ALLOW, HeaderValue::from_static("POST"));
    response
}

/// 401 with an RFC 6750 challenge; `invalid` adds `error="invalid_token"`. No body.
pub(crate) fn unauthorized(invalid: bool) -> LayerResponse {
    let challenge = if invalid { r#"Bearer error="invalid_token""# } else { "Bearer" };
    let mut response = with_status(StatusCode::UNAUTHORIZED, Bytes::new());
    response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

/// The `WWW-Authenticate` value of a 403: the scopes that would be enough (`REQUIRED_SCOPES`).
const INSUFFICIENT_SCOPE: &str =
    r#"Bearer error="insufficient_scope", scope="Conversations.Initiate Conversations.Receive""#;

pub(crate) fn forbidden(media: MediaType) -> LayerResponse {
    let body = Fault::new(
        ErrorCode::Forbidden,
        None,
        "The token grants neither Conversations.Initiate nor Conversations.Receive.",
    );
    let mut response = fault(StatusCode::FORBIDDEN, &body, media);
    response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(INSUFFICIENT_SCOPE));
    response
}

pub(crate) fn unsupported_media_type(media: MediaType) -> LayerResponse {
    let body = Fault::new(
        ErrorCode::UnsupportedMediaType,
        None,
        "The content type is not supported; send application/json or application/xml in UTF-8.",
    );
    fault(StatusCode::UNSUPPORTED_MEDIA_TYPE, &body, media)
}

pub(crate) fn too_large(media: MediaType) -> LayerResponse {
    let body = Fault::new(ErrorCode::EntityTooLarge, None, "The request body is too large.");
    fault(StatusCode::PAYLOAD_TOO_LARGE, &body, media)
}

pub(crate) fn read_timeout(media: MediaType) -> LayerResponse {
    let body = Fault::new(ErrorCode::Timeout, None, "The request body did not arrive in time.");
    fault(StatusCode::REQUEST_TIMEOUT, &body, media)
}

pub(crate) fn body_error(media: MediaType) -> LayerResponse {
    let body = Fault::new(
        ErrorCode::BadRequest,
        Some(ErrorSubcode::DeserializationFailure),
        "The request body could not be read.",
    );
    fault(StatusCode::BAD_REQUEST, &body, media)
}

pub(crate) fn undecodable(error: &DecodeError, media: MediaType) -> LayerResponse {
    fault(StatusCode::BAD_REQUEST, &Fault::from_decode_error(error), media)
}

pub(crate) fn rejection(rejection: &Rejection, media: MediaType) -> LayerResponse {
    let body = Fault::new(rejection.code, rejection.subcode, rejection.message);
    let mut response = fault(rejection.status, &body, media);
    if let Some(seconds) = rejection.retry_after {
        response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

pub(crate) fn callback_panicked(media: MediaType) -> LayerResponse {
    let body = Fault::new(ErrorCode::ServiceFailure, None, "The report could not be processed.");
    fault(StatusCode::INTERNAL_SERVER_ERROR, &body, media)
}

pub(crate) fn callback_timeout(media: MediaType) -> LayerResponse {
    let body = Fault::new(ErrorCode::GatewayTimeout, None, "The report was not processed in time; it may be retried.");
    fault(StatusCode::GATEWAY_TIMEOUT, &body, media)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_403_challenge_names_the_required_scopes() {
        assert!(INSUFFICIENT_SCOPE.ends_with(&format!("scope=\"{}\"", mediadiag::REQUIRED_SCOPES)));
    }
}
