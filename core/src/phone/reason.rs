//! UCWA error bodies as a phone receives them, decoded by the core's own strict JSON and XML
//! readers (the same well-formedness, depth and UTF-8 rules as reports):
//!
//! - JSON: `{"code":"…","subcode":"…","message":"…"}`, other members (`parameters`, links)
//!   skipped;
//! - XML: a UCWA `<reason>` root with `<code>`, `<subcode>` and `<message>` children (an XML
//!   declaration, other children such as `<parameters>` and links allowed and skipped).
//!
//! `code` is required; `subcode` and `message` are optional; each may appear once. A JSON
//! `null` is the same as an absent member, and so is an empty XML element.

use crate::code::{ErrorCode, ErrorSubcode};
use crate::cursor::Span;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::fields::{Fields, Schema};
use crate::media::Encoding;
use crate::text::CapturedName;
use crate::{json, xml};

/// A code or subcode from an error body: one this crate knows, or one it does not (a newer
/// server's), which is kept rather than refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Name<T> {
    /// A value of the enumeration.
    Known(T),
    /// A name that is no value of the enumeration this crate knows.
    Unknown,
}

impl<T> Name<T> {
    /// The known value, if it is one.
    pub fn known(self) -> Option<T> {
        match self {
            Name::Known(value) => Some(value),
            Name::Unknown => None,
        }
    }
}

/// A decoded UCWA error body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reason<'a> {
    /// The `code`.
    pub code: Name<ErrorCode>,
    /// The `subcode`, if given.
    pub subcode: Option<Name<ErrorSubcode>>,
    /// The `message`, if given: the bytes of the body between its quotes or tags, as written
    /// (JSON escapes and XML references are not decoded). Never copied.
    pub message: Option<&'a [u8]>,
}

impl<'a> Reason<'a> {
    /// Decodes an error body of the given encoding.
    ///
    /// ```
    /// use mediadiag::phone::{Name, Reason};
    /// use mediadiag::{Encoding, ErrorCode, ErrorSubcode};
    ///
    /// let body = br#"<?xml version="1.0" encoding="utf-8"?><reason xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><code>Conflict</code><subcode>SomethingNew</subcode><message>Try later.</message></reason>"#;
    /// let reason = Reason::decode(Encoding::Xml, body)?;
    /// assert_eq!(reason.code, Name::Known(ErrorCode::Conflict));
    /// assert_eq!(reason.subcode, Some(Name::Unknown));
    /// assert_eq!(reason.message, Some(&b"Try later."[..]));
    /// # Ok::<(), mediadiag::DecodeError>(())
    /// ```
    pub fn decode(encoding: Encoding, body: &'a [u8]) -> Result<Reason<'a>, DecodeError> {
        let mut found = Ok(Found::default());
        match encoding {
            Encoding::Json => json::decode(body, &mut found),
            Encoding::Xml => xml::decode(body, &mut found),
        }
        found?.finish(body)
    }
}

/// The fields of an error body, numbered as [`Found`] stores them.
const CODE: usize = 0;
const SUBCODE: usize = 1;
const MESSAGE: usize = 2;

static REASON_SCHEMA: Schema =
    Schema { roots: &["reason"], fields: &["code", "subcode", "message"], properties: &[], xml_property: false };

/// The values found so far.
#[derive(Default)]
struct Found {
    code: Option<Name<ErrorCode>>,
    subcode: Option<Name<ErrorSubcode>>,
    has_message: bool,
    message: Span,
}

impl Found {
    /// The reason, or the lack of a code.
    fn finish(self, body: &[u8]) -> Result<Reason<'_>, DecodeError> {
        let code = self.code.ok_or(DecodeError::new(DecodeErrorKind::MissingCode, 0))?;
        let message = self.has_message.then(|| body.get(self.message.start..self.message.end).unwrap_or_default());
        Ok(Reason { code, subcode: self.subcode, message })
    }
}

/// An error body being decoded is its own result: the values found so far, or why it is
/// refused. Small, as it lives in the caller's frame while the reader runs: measured on the
/// Cortex-M4, a refusal kept beside the values takes the XML error body decode over its
/// stack budget.
impl Fields for Result<Found, DecodeError> {
    fn schema(&self) -> &'static Schema {
        &REASON_SCHEMA
    }

    /// Every value is valid: an unknown name is kept as unknown.
    fn set(&mut self, field: usize, value: Option<CapturedName<'_>>, raw: Span) -> bool {
        let Ok(found) = self else { return true };
        match field {
            CODE => found.code = Some(value.and_then(ErrorCode::from_captured).map_or(Name::Unknown, Name::Known)),
            SUBCODE => {
                found.subcode = Some(value.and_then(ErrorSubcode::from_captured).map_or(Name::Unknown, Name::Known));
            }
            MESSAGE => {
                found.has_message = true;
                found.message = raw;
            }
            _ => {}
        }
        true
    }

    fn refuse(&mut self, error: DecodeError) {
        *self = Err(error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fault, UCWA_NAMESPACE};

    fn json(body: &str) -> Result<Reason<'_>, DecodeError> {
        Reason::decode(Encoding::Json, body.as_bytes())
    }

    #[test]
    fn the_faults_this_crate_writes_decode_to_their_code_and_subcode() {
        let mut buf = [0u8; Fault::MAX_LEN];
        let error = crate::Report::from_json(br#"{"errorCode":"Nope"}"#).unwrap_err();
        for fault in [
            Fault::new(ErrorCode::ServiceUnavailable, None, "Full & \"busy\" <now>\n"),
            Fault::from_decode_error(&error),
            Fault::new(ErrorCode::Conflict, Some(ErrorSubcode::AlreadyExists), ""),
        ] {
            for encoding in [Encoding::Json, Encoding::Xml] {
                let len = fault.write(encoding, &mut buf).unwrap();
                let reason = Reason::decode(encoding, &buf[..len]).unwrap();
                assert_eq!(reason.code, Name::Known(fault.code));
                assert_eq!(reason.subcode, fault.subcode.map(Name::Known));
                assert!(reason.message.is_some_and(|m| !m.is_empty()) || fault.message.is_empty());
            }
        }
    }

    #[test]
    fn unknown_names_are_kept_and_extra_members_skipped() {
        let reason = json(r#"{"code":"Brandnew","subcode":"notFound","message":"a\"b","parameters":{"x":[1,{"y":null}]},"_links":{}}"#).unwrap();
        assert_eq!(reason.code, Name::Unknown);
        assert_eq!(reason.subcode, Some(Name::Unknown));
        assert_eq!(reason.message, Some(&br#"a\"b"#[..]));
        let reason = json(r#"{"CODE":"badrequest","subcode":null}"#).unwrap();
        assert_eq!((reason.code, reason.subcode, reason.message), (Name::Known(ErrorCode::BadRequest), None, None));
        let xml = std::format!(
            r#"<reason xmlns="{UCWA_NAMESPACE}"><link rel="self" href="/x"/><code> Gone </code><debugInfo><property name="a">b</property></debugInfo><subcode>CannotRedirect</subcode></reason>"#
        );
        let reason = Reason::decode(Encoding::Xml, xml.as_bytes()).unwrap();
        assert_eq!(reason.code, Name::Known(ErrorCode::Gone));
        assert_eq!(reason.subcode, Some(Name::Known(ErrorSubcode::CannotRedirect)));
    }

    #[test]
    fn malformed_and_incomplete_bodies_are_refused() {
        let kind = |result: Result<Reason<'_>, DecodeError>| result.unwrap_err().kind();
        assert_eq!(kind(json(r#"{"subcode":"None"}"#)), DecodeErrorKind::MissingCode);
        assert_eq!(kind(json(r#"{"code":null}"#)), DecodeErrorKind::MissingCode);
        assert_eq!(kind(json(r#"{"code":"Gone","code":"Gone"}"#)), DecodeErrorKind::DuplicateProperty);
        assert_eq!(kind(json(r#"{"code":404}"#)), DecodeErrorKind::NotAString);
        assert_eq!(kind(json(r#"{"code":"Gone",}"#)), DecodeErrorKind::UnexpectedByte);
        assert_eq!(kind(json(r#"{"code":"Gone"} x"#)), DecodeErrorKind::TrailingContent);
        assert_eq!(kind(json(r#"{"code":"Gone","message":"\u00"}"#)), DecodeErrorKind::InvalidEscape);
        assert_eq!(kind(Reason::decode(Encoding::Json, b"{\"code\":\"\xff\"}")), DecodeErrorKind::InvalidUtf8);
        let deep = std::format!(r#"{{"code":"Gone","x":{}{}}}"#, "[".repeat(32), "]".repeat(32));
        assert_eq!(kind(json(&deep)), DecodeErrorKind::TooDeep);
        fn xml(body: &str) -> Result<Reason<'_>, DecodeError> {
            Reason::decode(Encoding::Xml, body.as_bytes())
        }
        assert_eq!(kind(xml(&std::format!(r#"<input xmlns="{UCWA_NAMESPACE}"/>"#))), DecodeErrorKind::WrongRoot);
        assert_eq!(kind(xml(r#"<reason><code>Gone</code></reason>"#)), DecodeErrorKind::WrongNamespace);
        let no_ns = std::format!(r#"<reason xmlns="{UCWA_NAMESPACE}"><code xmlns="">Gone</code></reason>"#);
        assert_eq!(kind(xml(&no_ns)), DecodeErrorKind::MissingCode);
        let child = std::format!(r#"<reason xmlns="{UCWA_NAMESPACE}"><code><b>Gone</b></code></reason>"#);
        assert_eq!(kind(xml(&child)), DecodeErrorKind::NotAString);
        let open = std::format!(r#"<reason xmlns="{UCWA_NAMESPACE}"><code>Gone</code>"#);
        assert_eq!(kind(xml(&open)), DecodeErrorKind::UnexpectedEnd);
    }
}
