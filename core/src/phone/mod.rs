//! The phone's side of `reportMediaDiagnostics` (docs/behaviour.md, section 8): write the
//! request, read the answer's head, decode a UCWA error body, and decide what to do next.
//!
//! ```
//! use mediadiag::phone::{Advice, Reason, Request, Response, Status};
//! use mediadiag::{Encoding, ErrorCode, ErrorSubcode, Report};
//!
//! // Write the request into a buffer of the caller's.
//! let request = Request {
//!     href: b"/ucwa/oauth/v1/applications/101/reportMediaDiagnostics",
//!     host: b"lync.example.com",
//!     token: b"AAEBHAEFAAAAAAAFFQAAAA",
//!     encoding: Encoding::Json,
//!     user_agent: Some(b"DeskPhone/2.1"),
//!     report: Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly),
//! };
//! let mut out = [0u8; 512];
//! let len = request.write(&mut out)?;
//! assert!(out[..len].starts_with(b"POST /ucwa/oauth/v1/applications/101/reportMediaDiagnostics HTTP/1.1\r\n"));
//!
//! // Read the answer: the head first, then the body it announces.
//! let answer = b"HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: 43\r\n\r\n\
//!                {\"code\":\"Conflict\",\"subcode\":\"AlreadyExists\"}";
//! let Status::Complete(head) = Response::read(answer)? else { panic!("a complete head") };
//! let body = &answer[head.head_len..];
//! let reason = Reason::decode(head.encoding().unwrap(), body)?;
//! assert_eq!(mediadiag::phone::advise(head.status, Some(&reason), head.retry_after), Advice::Done);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod advice;
mod reason;
mod request;
mod response;

pub use advice::{Advice, Backoff, advise};
pub use reason::{Name, Reason};
pub use request::{Field, Request, RequestError};
pub use response::{MAX_HEADERS, Response, ResponseError, RetryAfter, Status};
