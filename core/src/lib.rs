//! Decode, validate and encode the body of UCWA's `reportMediaDiagnostics` operation
//! (Skype for Business 2015), in JSON and in XML, without allocating.
//!
//! The crate is `no_std`, has no allocator, contains no `unsafe`, never recurses on input
//! and never panics on input: the same code runs in desk-phone firmware, in HTTP servers
//! (see the `tower-mediadiag` crate) and under fuzzers.
//!
//! ```
//! use mediadiag::{ErrorCode, MediaType, Report};
//!
//! // Server side: pick the decoder from the Content-Type, then decode.
//! let media = MediaType::from_content_type(b"application/xml").unwrap();
//! let body = br#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">
//!   <property name="errorCode">TooManyRequests</property>
//! </input>"#;
//! let report = Report::decode(media.encoding(), body).unwrap();
//! assert_eq!(report.error_code, Some(ErrorCode::TooManyRequests));
//! assert_eq!(report.error_subcode, None);
//! ```
//!
//! The behaviour this crate implements is written down in `docs/behaviour.md` (in the
//! repository); comments and tests cite its numbered sections.
//!
//! # Glossary
//!
//! - **report**: the body of one `reportMediaDiagnostics` request, decoded: an optional
//!   [`ErrorCode`] and an optional [`ErrorSubcode`] ([`Report`], two bytes).
//! - **decode error**: why a body was refused, with the byte offset and, for an invalid
//!   value, the property ([`DecodeError`]). It is never a report with a default value.
//! - **fault**: a UCWA error body, the `code`, `subcode`, `message` and `parameters` that
//!   travel back to the client ([`Fault`]). Every failure a server answers becomes one.
//! - **rejection**: a report the service's own callback refused, with the HTTP status, code
//!   and subcode it chose (`tower_mediadiag::Rejection`); the server answers it with a fault.
//! - **outcome**: how the server ended one intercepted request (accepted, or the check that
//!   failed), as its logs and metrics name it; only the server crate has outcomes.
//!
//! Inside the decoders: a *capture* keeps the first bytes of a value to look it up as a
//! name; the *fields* are where a reader puts the values it finds and why it refuses a
//! document (a report, or an error body's values), and its *tally* says which fields were
//! given and whether one was invalid yet; a *binding* is an XML namespace declaration in scope; a
//! *template* is the fixed text an encoder writes around a report's two values.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

// Unit tests may allocate; the crate itself never does.
#[cfg(test)]
extern crate std;

mod code;
mod cursor;
mod error;
mod fault;
mod fields;
mod json;
mod media;
pub mod phone;
mod report;
pub mod route;
mod scope;
mod template;
mod text;
mod xml;

pub use code::{ErrorCode, ErrorSubcode, UnknownName};
pub use error::{DecodeError, DecodeErrorKind, EncodeError, Property};
pub use fault::{Fault, MessageTooLong, Parameter};
pub use media::{Encoding, MediaType, MediaTypeError};
pub use report::Report;
pub use route::{Resource, Target, match_path, match_resource};
pub use scope::{REQUIRED_SCOPES, Scope, Scopes, is_bearer_token};
pub use xml::UCWA_NAMESPACE;

/// Deepest nesting accepted: objects and arrays in JSON, elements in XML, the root counting
/// as level 1. Deeper input is `DeserializationFailure`.
pub const MAX_DEPTH: usize = 32;

/// Most attributes accepted on one XML element (namespace declarations included).
pub const MAX_ATTRIBUTES: usize = 16;

/// Most XML namespace declarations in scope at once.
pub const MAX_NAMESPACES: usize = 32;

/// Longest XML start tag accepted, in bytes from its `<` to the end of its last attribute
/// value. A longer one is refused like one with too many attributes: the reader keeps the
/// positions of attribute names and namespace declarations as 16-bit offsets into their tag.
pub const MAX_START_TAG_LEN: usize = u16::MAX as usize;

// The README's Rust examples, this crate's among them, run as the doctests of
// `tower-mediadiag`, which has every crate they use.
