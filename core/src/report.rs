//! `Report`: the decoded body, two bytes that everything passes around.

use crate::code::{ErrorCode, ErrorSubcode};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, Property};
use crate::fields::Schema;
use crate::media::Encoding;
use crate::text::CapturedName;
use crate::{json, xml};

/// A reportMediaDiagnostics body: the call termination code and subcode, both optional.
///
/// ```
/// use mediadiag::{ErrorCode, ErrorSubcode, Report};
///
/// let report = Report::from_json(br#"{"errorCode":"BadRequest","errorSubcode":"InviteesOnly"}"#)?;
/// assert_eq!(report.error_code, Some(ErrorCode::BadRequest));
/// assert_eq!(report.error_subcode, Some(ErrorSubcode::InviteesOnly));
/// assert_eq!(core::mem::size_of::<Report>(), 2);
/// # Ok::<(), mediadiag::DecodeError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Report {
    /// `errorCode`; `None` when absent or null.
    pub error_code: Option<ErrorCode>,
    /// `errorSubcode`; `None` when absent or null.
    pub error_subcode: Option<ErrorSubcode>,
}

impl Report {
    /// A report with neither property.
    pub const EMPTY: Report = Report { error_code: None, error_subcode: None };

    /// The longest output of [`Report::to_json`]: a buffer this long always fits.
    pub const JSON_MAX_LEN: usize = json::TEMPLATE.len() + ErrorCode::MAX_NAME_LEN + ErrorSubcode::MAX_NAME_LEN;

    /// The longest output of [`Report::to_xml`]: a buffer this long always fits.
    pub const XML_MAX_LEN: usize = xml::TEMPLATE.len() + ErrorCode::MAX_NAME_LEN + ErrorSubcode::MAX_NAME_LEN;

    /// A report with both properties set.
    pub const fn new(error_code: ErrorCode, error_subcode: ErrorSubcode) -> Self {
        Report { error_code: Some(error_code), error_subcode: Some(error_subcode) }
    }

    /// Decodes and validates a JSON body (docs/behaviour.md, section 4).
    pub fn from_json(body: &[u8]) -> Result<Report, DecodeError> {
        json::decode(body, None)
    }

    /// Decodes and validates an XML body (docs/behaviour.md, section 4).
    pub fn from_xml(body: &[u8]) -> Result<Report, DecodeError> {
        xml::decode(body, None)
    }

    /// Decodes a body in the given encoding (see [`crate::MediaType::from_content_type`]).
    pub fn decode(encoding: Encoding, body: &[u8]) -> Result<Report, DecodeError> {
        match encoding {
            Encoding::Json => Report::from_json(body),
            Encoding::Xml => Report::from_xml(body),
        }
    }

    /// Writes the report as compact JSON into `out`, returning the length written.
    ///
    /// ```
    /// use mediadiag::{ErrorCode, ErrorSubcode, Report};
    ///
    /// let mut buf = [0u8; Report::JSON_MAX_LEN];
    /// let len = Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly).to_json(&mut buf)?;
    /// assert_eq!(&buf[..len], br#"{"errorCode":"BadRequest","errorSubcode":"InviteesOnly"}"#);
    /// # Ok::<(), mediadiag::EncodeError>(())
    /// ```
    pub fn to_json(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        json::TEMPLATE.encode(self, out)
    }

    /// Writes the report as a UCWA `<input>` document into `out`, returning the length written.
    pub fn to_xml(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        xml::TEMPLATE.encode(self, out)
    }

    /// Writes the report in the given encoding.
    pub fn encode(&self, encoding: Encoding, out: &mut [u8]) -> Result<usize, EncodeError> {
        match encoding {
            Encoding::Json => self.to_json(out),
            Encoding::Xml => self.to_xml(out),
        }
    }
}

impl serde::Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let fields = usize::from(self.error_code.is_some()) + usize::from(self.error_subcode.is_some());
        let mut object = serializer.serialize_struct("Report", fields)?;
        match self.error_code {
            Some(code) => object.serialize_field("errorCode", &code)?,
            None => object.skip_field("errorCode")?,
        }
        match self.error_subcode {
            Some(subcode) => object.serialize_field("errorSubcode", &subcode)?,
            None => object.skip_field("errorSubcode")?,
        }
        object.end()
    }
}

/// A report body: an `<input>` (or `<resource>`) root with `errorCode` and `errorSubcode`.
pub(crate) static REPORT_SCHEMA: Schema = Schema {
    roots: &["input", "resource"],
    fields: &[Property::ErrorCode.name(), Property::ErrorSubcode.name()],
    xml_property: true,
};

/// What the decoders found so far: the values, which properties were given, and the
/// first validation failure (reported only once the whole body proved well-formed).
#[derive(Default)]
pub(crate) struct Findings {
    report: Report,
    given_code: bool,
    given_subcode: bool,
    invalid: Option<DecodeError>,
}

impl Findings {
    /// Notes that a property was named at `at`; naming it twice is a validation failure.
    pub(crate) fn mark_given(&mut self, property: Property, at: usize) {
        let given = match property {
            Property::ErrorCode => &mut self.given_code,
            Property::ErrorSubcode => &mut self.given_subcode,
        };
        let again = core::mem::replace(given, true);
        if again {
            self.reject(property, DecodeErrorKind::DuplicateProperty, at);
        }
    }

    /// Sets a property from its captured text; `None` text means it cannot be a known name.
    pub(crate) fn set(&mut self, property: Property, text: Option<CapturedName<'_>>, at: usize) {
        let known = match property {
            Property::ErrorCode => {
                text.and_then(ErrorCode::from_captured).map(|code| self.report.error_code = Some(code))
            }
            Property::ErrorSubcode => {
                text.and_then(ErrorSubcode::from_captured).map(|subcode| self.report.error_subcode = Some(subcode))
            }
        };
        if known.is_none() {
            self.reject(property, DecodeErrorKind::UnknownValue, at);
        }
    }

    /// Records a validation failure of an error body's field (no report property); the first
    /// one wins.
    pub(crate) fn reject_unnamed(&mut self, kind: DecodeErrorKind, at: usize) {
        if self.invalid.is_none() {
            self.invalid = Some(DecodeError::new(kind, at));
        }
    }

    /// Records a validation failure; the first one wins.
    pub(crate) fn reject(&mut self, property: Property, kind: DecodeErrorKind, at: usize) {
        if self.invalid.is_none() {
            self.invalid = Some(DecodeError::for_property(kind, at, property));
        }
    }

    /// The report, or the first validation failure.
    pub(crate) fn finish(self) -> Result<Report, DecodeError> {
        match self.invalid {
            Some(error) => Err(error),
            None => Ok(self.report),
        }
    }
}
