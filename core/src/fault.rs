//! UCWA error bodies (docs/behaviour.md, section 5), written into a caller's buffer.
//!
//! JSON: `{"code":"BadRequest","subcode":"ParameterValidationFailure","message":"…","parameters":{"errorCode":"…"}}`
//! (compact, keys in that order, `subcode`, `message` and `parameters` optional).
//! XML: `<reason xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><code>…</code>…</reason>`.
//! Messages come from this crate or the service owner, never from the request.

use core::fmt;

use crate::code::{ErrorCode, ErrorSubcode};
use crate::error::{DecodeError, EncodeError, Property};
use crate::media::Encoding;
use crate::route::{QueryError, QueryParameter};
use crate::text::Writer;

/// What a fault's `parameters` names: a property of the request body, or a parameter of the
/// request's query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Parameter {
    /// A property of the body.
    Property(Property),
    /// A parameter of the Online form's query.
    Query(QueryParameter),
}

impl Parameter {
    /// Length in bytes of the longest name.
    pub const MAX_NAME_LEN: usize = if Property::MAX_NAME_LEN > QueryParameter::MAX_NAME_LEN {
        Property::MAX_NAME_LEN
    } else {
        QueryParameter::MAX_NAME_LEN
    };

    /// The name, as the request spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Parameter::Property(property) => property.name(),
            Parameter::Query(parameter) => parameter.name(),
        }
    }
}

impl From<Property> for Parameter {
    fn from(property: Property) -> Self {
        Parameter::Property(property)
    }
}

impl From<QueryParameter> for Parameter {
    fn from(parameter: QueryParameter) -> Self {
        Parameter::Query(parameter)
    }
}

/// A UCWA error body: code, optional subcode, message, and the invalid property if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fault {
    /// The `code`: maps one to one to the HTTP status.
    pub code: ErrorCode,
    /// The `subcode`, if any.
    pub subcode: Option<ErrorSubcode>,
    /// A human-readable message; never contains request input.
    pub message: &'static str,
    /// The byte offset of the problem in the request body, appended to the message.
    pub offset: Option<usize>,
    /// The invalid property or query parameter and why, listed under `parameters`.
    pub parameter: Option<(Parameter, &'static str)>,
}

impl Fault {
    /// The longest message, in bytes, that a fault is sure to fit in [`Fault::MAX_LEN`]; the
    /// reason of its parameter has the same bound. [`Fault::try_new`] refuses a longer one.
    pub const MAX_MESSAGE_LEN: usize = 100;

    /// A buffer this long always holds a fault whose message and parameter reason are at
    /// most [`Fault::MAX_MESSAGE_LEN`] bytes, in either encoding, with the longest code,
    /// subcode and property names and the longest offset, even when every byte of both
    /// texts must be escaped (a test writes that worst case).
    pub const MAX_LEN: usize = {
        let json = JSON.max_len();
        let xml = XML.max_len();
        if json > xml { json } else { xml }
    };

    /// A fault with a code, subcode and message.
    ///
    /// The message is not checked: one longer than [`Fault::MAX_MESSAGE_LEN`] may not fit a
    /// buffer of [`Fault::MAX_LEN`]. [`Fault::try_new`] refuses it instead.
    pub const fn new(code: ErrorCode, subcode: Option<ErrorSubcode>, message: &'static str) -> Fault {
        Fault { code, subcode, message, offset: None, parameter: None }
    }

    /// A fault with a code, subcode and message, refused when the message is longer than
    /// [`Fault::MAX_MESSAGE_LEN`]. In a `const` item, a message that is too long fails the
    /// build.
    ///
    /// ```
    /// use mediadiag::{ErrorCode, ErrorSubcode, Fault};
    ///
    /// const GONE: Fault = match Fault::try_new(ErrorCode::Gone, Some(ErrorSubcode::CannotRedirect), "Gone.") {
    ///     Ok(fault) => fault,
    ///     Err(_) => panic!("message too long"),
    /// };
    /// assert_eq!(GONE.message, "Gone.");
    /// let long = "x".repeat(Fault::MAX_MESSAGE_LEN + 1).leak();
    /// let error = Fault::try_new(ErrorCode::Conflict, None, long).unwrap_err();
    /// assert_eq!(error.message_len(), 101);
    /// assert_eq!(error.to_string(), "a fault message of 101 bytes is longer than the 100 that always fit");
    /// ```
    pub const fn try_new(
        code: ErrorCode,
        subcode: Option<ErrorSubcode>,
        message: &'static str,
    ) -> Result<Fault, MessageTooLong> {
        match MessageTooLong::check(message) {
            Ok(()) => Ok(Fault::new(code, subcode, message)),
            Err(error) => Err(error),
        }
    }

    /// The 400 BadRequest body for a body that failed to decode.
    ///
    /// ```
    /// use mediadiag::{Encoding, Fault, Report};
    ///
    /// let error = Report::from_json(br#"{"errorCode":"Nope"}"#).unwrap_err();
    /// let mut buf = [0u8; Fault::MAX_LEN];
    /// let len = Fault::from_decode_error(&error).write(Encoding::Json, &mut buf)?;
    /// let body = core::str::from_utf8(&buf[..len]).unwrap();
    /// assert!(body.starts_with(r#"{"code":"BadRequest","subcode":"ParameterValidationFailure""#));
    /// assert!(body.ends_with(r#""parameters":{"errorCode":"not a known value"}}"#));
    /// # Ok::<(), mediadiag::EncodeError>(())
    /// ```
    pub fn from_decode_error(error: &DecodeError) -> Fault {
        let subcode = error.subcode();
        let message = match subcode {
            ErrorSubcode::ParameterValidationFailure => "A property value is not valid.",
            _ => "The request body could not be deserialized.",
        };
        Fault {
            code: ErrorCode::BadRequest,
            subcode: Some(subcode),
            message,
            offset: Some(error.offset()),
            parameter: error.property().map(|property| (property.into(), error.kind().description())),
        }
    }

    /// The 400 BadRequest body for an href of the Online form whose query was refused
    /// (docs/behaviour.md, section 1.2): ParameterValidationFailure, the message naming the
    /// parameter, and the parameter with the reason under `parameters`. Nothing of the query
    /// is repeated; a parameter of another name is not named.
    ///
    /// ```
    /// use mediadiag::route::{DEFAULT_PREFIXES, match_resource};
    /// use mediadiag::{Encoding, Fault};
    ///
    /// let href = "/ucwa/v1/applications/1/communication/callMediaDiagnostics?callId=%G1";
    /// let error = match_resource(href, &DEFAULT_PREFIXES).unwrap().unwrap_err();
    /// let mut buf = [0u8; Fault::MAX_LEN];
    /// let len = Fault::from_query_error(&error).write(Encoding::Json, &mut buf)?;
    /// assert_eq!(
    ///     core::str::from_utf8(&buf[..len]).unwrap(),
    ///     r#"{"code":"BadRequest","subcode":"ParameterValidationFailure","message":"The query parameter callId is missing or not valid.","parameters":{"callId":"a % not followed by two hexadecimal digits"}}"#
    /// );
    /// # Ok::<(), mediadiag::EncodeError>(())
    /// ```
    pub fn from_query_error(error: &QueryError) -> Fault {
        let message = match error.parameter {
            Some(QueryParameter::CallId) => "The query parameter callId is missing or not valid.",
            Some(QueryParameter::FromUri) => "The query parameter fromUri is missing or not valid.",
            Some(QueryParameter::ToUri) => "The query parameter toUri is missing or not valid.",
            Some(QueryParameter::MediaType) => "The query parameter mediaType is missing or not valid.",
            None => "The query has a malformed parameter.",
        };
        Fault {
            code: ErrorCode::BadRequest,
            subcode: Some(ErrorSubcode::ParameterValidationFailure),
            message,
            offset: None,
            parameter: error.parameter.map(|parameter| (parameter.into(), error.kind.description())),
        }
    }

    /// Writes the body in `encoding`, returning its length.
    pub fn write(&self, encoding: Encoding, out: &mut [u8]) -> Result<usize, EncodeError> {
        let text = match encoding {
            Encoding::Json => &JSON,
            Encoding::Xml => &XML,
        };
        let mut out = Writer::new(out);
        out.put_str(text.start)?;
        out.put_str(self.code.as_str())?;
        out.put_str(text.code_end)?;
        if let Some(subcode) = self.subcode {
            out.put_str(text.subcode_start)?;
            out.put_str(subcode.as_str())?;
            out.put_str(text.subcode_end)?;
        }
        out.put_str(text.message_start)?;
        (text.escape)(&mut out, self.message)?;
        if let Some(offset) = self.offset {
            out.put_str(OFFSET_START)?;
            out.put_decimal(offset)?;
            out.put_str(OFFSET_END)?;
        }
        out.put_str(text.message_end)?;
        if let Some((property, reason)) = self.parameter {
            out.put_str(text.parameter_start)?;
            out.put_str(property.name())?;
            out.put_str(text.parameter_middle)?;
            (text.escape)(&mut out, reason)?;
            out.put_str(text.parameter_end)?;
        }
        out.put_str(text.end)?;
        Ok(out.len())
    }
}

/// A [`Fault`] message longer than [`Fault::MAX_MESSAGE_LEN`], refused by [`Fault::try_new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MessageTooLong {
    len: usize,
}

impl MessageTooLong {
    /// Refuses a message longer than [`Fault::MAX_MESSAGE_LEN`].
    pub const fn check(message: &str) -> Result<(), MessageTooLong> {
        if message.len() > Fault::MAX_MESSAGE_LEN { Err(MessageTooLong { len: message.len() }) } else { Ok(()) }
    }

    /// The length in bytes of the message refused.
    pub const fn message_len(&self) -> usize {
        self.len
    }
}

impl fmt::Display for MessageTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a fault message of {} bytes is longer than the {} that always fit", self.len, Fault::MAX_MESSAGE_LEN)
    }
}

impl core::error::Error for MessageTooLong {}

/// Written after the message when the fault has an offset: ` (byte 13)`.
const OFFSET_START: &str = " (byte ";
const OFFSET_END: &str = ")";
/// The most digits an offset takes (`usize::MAX` on 64-bit targets).
const OFFSET_MAX_DIGITS: usize = 20;

/// The fixed text of a fault body in one encoding, in the order it is written, and how the
/// encoding escapes text.
struct FaultText {
    start: &'static str,
    code_end: &'static str,
    subcode_start: &'static str,
    subcode_end: &'static str,
    message_start: &'static str,
    message_end: &'static str,
    parameter_start: &'static str,
    parameter_middle: &'static str,
    parameter_end: &'static str,
    end: &'static str,
    escape: fn(&mut Writer<'_>, &str) -> Result<(), EncodeError>,
    /// The most bytes one byte of text becomes once escaped.
    escape_growth: usize,
}

impl FaultText {
    /// The longest body of this encoding (see [`Fault::MAX_LEN`]).
    const fn max_len(&self) -> usize {
        let fixed = self.start.len()
            + self.code_end.len()
            + self.subcode_start.len()
            + self.subcode_end.len()
            + self.message_start.len()
            + OFFSET_START.len()
            + OFFSET_END.len()
            + self.message_end.len()
            + self.parameter_start.len()
            + self.parameter_middle.len()
            + self.parameter_end.len()
            + self.end.len();
        let names = ErrorCode::MAX_NAME_LEN + ErrorSubcode::MAX_NAME_LEN + Parameter::MAX_NAME_LEN;
        fixed + names + OFFSET_MAX_DIGITS + 2 * self.escape_growth * Fault::MAX_MESSAGE_LEN
    }
}

const JSON: FaultText = FaultText {
    start: r#"{"code":""#,
    code_end: "\"",
    subcode_start: r#","subcode":""#,
    subcode_end: "\"",
    message_start: r#","message":""#,
    message_end: "\"",
    parameter_start: r#","parameters":{""#,
    parameter_middle: r#"":""#,
    parameter_end: "\"}",
    end: "}",
    escape: json_escaped,
    // A control character becomes `\u00XX`.
    escape_growth: 6,
};

const XML: FaultText = FaultText {
    start: concat!(
        r#"<?xml version="1.0" encoding="utf-8"?><reason xmlns=""#,
        "http://schemas.microsoft.com/rtc/2012/03/ucwa",
        r#""><code>"#
    ),
    code_end: "</code>",
    subcode_start: "<subcode>",
    subcode_end: "</subcode>",
    message_start: "<message>",
    message_end: "</message>",
    parameter_start: r#"<parameters><property name=""#,
    parameter_middle: r#"">"#,
    parameter_end: "</property></parameters>",
    end: "</reason>",
    escape: xml_escaped,
    // `&` becomes `&amp;`.
    escape_growth: 5,
};

/// Writes `text` as JSON string content.
fn json_escaped(out: &mut Writer<'_>, text: &str) -> Result<(), EncodeError> {
    for c in text.chars() {
        match c {
            '"' => out.put_str("\\\"")?,
            '\\' => out.put_str("\\\\")?,
            '\u{0}'..='\u{1f}' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let b = c as usize;
                let hex = [HEX.get(b >> 4).copied().unwrap_or(b'0'), HEX.get(b & 15).copied().unwrap_or(b'0')];
                out.put_str("\\u00")?;
                out.put(&hex)?;
            }
            _ => out.put_str(c.encode_utf8(&mut [0; 4]))?,
        }
    }
    Ok(())
}

/// Writes `text` as XML character data.
fn xml_escaped(out: &mut Writer<'_>, text: &str) -> Result<(), EncodeError> {
    for c in text.chars() {
        match c {
            '<' => out.put_str("&lt;")?,
            '>' => out.put_str("&gt;")?,
            '&' => out.put_str("&amp;")?,
            // Control characters other than tab, LF and CR cannot appear in XML at all.
            '\t' | '\n' | '\r' => out.put_str(c.encode_utf8(&mut [0; 4]))?,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.put_str("\u{fffd}")?,
            _ => out.put_str(c.encode_utf8(&mut [0; 4]))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fault with the longest names and offset, and a message and reason of
    /// `MAX_MESSAGE_LEN` copies of `worst`.
    fn worst_fault(worst: &str) -> Fault {
        let longest = |names: &[&'static str]| {
            names.iter().position(|n| n.len() == names.iter().map(|n| n.len()).max().unwrap()).unwrap()
        };
        let code = ErrorCode::ALL[longest(&ErrorCode::NAMES)];
        let subcode = ErrorSubcode::ALL[longest(&ErrorSubcode::NAMES)];
        let text: &'static str = worst.repeat(Fault::MAX_MESSAGE_LEN).leak();
        Fault {
            parameter: Some((Property::ErrorSubcode.into(), text)),
            offset: Some(usize::MAX),
            ..Fault::try_new(code, Some(subcode), text).unwrap()
        }
    }

    #[test]
    fn the_worst_fault_fits_max_len_exactly() {
        let mut buf = [0u8; Fault::MAX_LEN];
        let json = worst_fault("\u{1}").write(Encoding::Json, &mut buf).unwrap();
        let xml = worst_fault("&").write(Encoding::Xml, &mut buf).unwrap();
        assert_eq!(json.max(xml), Fault::MAX_LEN, "the bound is the longest body, no more");
        assert_eq!((json, xml), (JSON.max_len(), XML.max_len()));
        let too_long = "x".repeat(Fault::MAX_MESSAGE_LEN + 1).leak();
        assert_eq!(Fault::try_new(ErrorCode::Gone, None, too_long), Err(MessageTooLong { len: 101 }));
    }

    #[test]
    fn no_character_grows_more_than_its_encoding_says() {
        let mut buf = [0u8; 16];
        for c in (0..0x800).chain(0xFFF0..0x1_0000).filter_map(char::from_u32) {
            for text in [&JSON, &XML] {
                let mut out = Writer::new(&mut buf);
                (text.escape)(&mut out, c.encode_utf8(&mut [0; 4])).unwrap();
                assert!(out.len() <= text.escape_growth * c.len_utf8(), "{c:?}");
            }
        }
    }

    #[test]
    fn the_xml_body_is_in_the_ucwa_namespace() {
        assert!(XML.start.contains(&std::format!("xmlns=\"{}\"", crate::UCWA_NAMESPACE)));
    }
}
