//! UCWA error bodies (SPEC section 5), written into a caller's buffer.
//!
//! JSON: `{"code":"BadRequest","subcode":"ParameterValidationFailure","message":"…","parameters":{"errorCode":"…"}}`
//! (compact, keys in that order, `subcode`, `message` and `parameters` optional).
//! XML: `<reason xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><code>…</code>…</reason>`.
//! Messages come from this crate or the service owner, never from the request.

use crate::code::{ErrorCode, ErrorSubcode};
use crate::error::{DecodeError, EncodeError, Property};
use crate::media::Encoding;
use crate::text::Writer;

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
    /// The invalid property and why, listed under `parameters`.
    pub parameter: Option<(Property, &'static str)>,
}

/// Room that is always enough for a fault whose message is at most this long.
const FIXED_ROOM: usize = 400;

impl Fault {
    /// A fault with a code, subcode and message.
    pub const fn new(code: ErrorCode, subcode: Option<ErrorSubcode>, message: &'static str) -> Fault {
        Fault { code, subcode, message, offset: None, parameter: None }
    }

    /// A buffer this long always holds a fault whose message is at most 100 bytes, in
    /// either encoding, even when every character of it must be escaped.
    pub const MAX_LEN: usize = FIXED_ROOM + 6 * 100;

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
            parameter: error.property().map(|property| (property, error.kind().description())),
        }
    }

    /// Writes the body in `encoding`, returning its length.
    pub fn write(&self, encoding: Encoding, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut cursor = Writer::new(out);
        match encoding {
            Encoding::Json => self.write_json(&mut cursor)?,
            Encoding::Xml => self.write_xml(&mut cursor)?,
        }
        Ok(cursor.len())
    }

    fn write_json(&self, out: &mut Writer<'_>) -> Result<(), EncodeError> {
        out.put_str(r#"{"code":""#)?;
        out.put_str(self.code.as_str())?;
        if let Some(subcode) = self.subcode {
            out.put_str(r#"","subcode":""#)?;
            out.put_str(subcode.as_str())?;
        }
        out.put_str(r#"","message":""#)?;
        json_escaped(out, self.message)?;
        if let Some(offset) = self.offset {
            out.put_str(" (byte ")?;
            decimal(out, offset)?;
            out.put_str(")")?;
        }
        out.put_str("\"")?;
        if let Some((property, reason)) = self.parameter {
            out.put_str(r#","parameters":{""#)?;
            out.put_str(property.name())?;
            out.put_str(r#"":""#)?;
            json_escaped(out, reason)?;
            out.put_str("\"}")?;
        }
        out.put_str("}")
    }

    fn write_xml(&self, out: &mut Writer<'_>) -> Result<(), EncodeError> {
        out.put_str(r#"<?xml version="1.0" encoding="utf-8"?><reason xmlns=""#)?;
        out.put_str(crate::UCWA_NAMESPACE)?;
        out.put_str(r#""><code>"#)?;
        out.put_str(self.code.as_str())?;
        out.put_str("</code>")?;
        if let Some(subcode) = self.subcode {
            out.put_str("<subcode>")?;
            out.put_str(subcode.as_str())?;
            out.put_str("</subcode>")?;
        }
        out.put_str("<message>")?;
        xml_escaped(out, self.message)?;
        if let Some(offset) = self.offset {
            out.put_str(" (byte ")?;
            decimal(out, offset)?;
            out.put_str(")")?;
        }
        out.put_str("</message>")?;
        if let Some((property, reason)) = self.parameter {
            out.put_str(r#"<parameters><property name=""#)?;
            out.put_str(property.name())?;
            out.put_str(r#"">"#)?;
            xml_escaped(out, reason)?;
            out.put_str("</property></parameters>")?;
        }
        out.put_str("</reason>")
    }
}

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

fn decimal(out: &mut Writer<'_>, mut value: usize) -> Result<(), EncodeError> {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(digit) = digits.get_mut(start) {
            *digit = b'0' + (value % 10) as u8;
        }
        value /= 10;
        if value == 0 || start == 0 {
            break;
        }
    }
    out.put(digits.get(start..).unwrap_or_default())
}
