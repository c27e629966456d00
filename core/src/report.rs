//! `Report`: the decoded body, two bytes that everything passes around.

use crate::code::{ErrorCode, ErrorSubcode};
use crate::cursor::Span;
use crate::error::{DecodeError, EncodeError, Property};
use crate::fields::{Fields, Schema};
use crate::media::Encoding;
use crate::text::CapturedName;
use crate::{json, template, xml};

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
    pub const JSON_MAX_LEN: usize = template::JSON.len() + ErrorCode::MAX_NAME_LEN + ErrorSubcode::MAX_NAME_LEN;

    /// The longest output of [`Report::to_xml`]: a buffer this long always fits.
    pub const XML_MAX_LEN: usize = template::XML.len() + ErrorCode::MAX_NAME_LEN + ErrorSubcode::MAX_NAME_LEN;

    /// A report with both properties set.
    pub const fn new(error_code: ErrorCode, error_subcode: ErrorSubcode) -> Self {
        Report { error_code: Some(error_code), error_subcode: Some(error_subcode) }
    }

    /// Decodes and validates a JSON body (docs/behaviour.md, section 4).
    pub fn from_json(body: &[u8]) -> Result<Report, DecodeError> {
        let mut decoded = Ok(Report::EMPTY);
        json::decode(body, &mut decoded);
        decoded
    }

    /// Decodes and validates an XML body (docs/behaviour.md, section 4).
    pub fn from_xml(body: &[u8]) -> Result<Report, DecodeError> {
        let mut decoded = Ok(Report::EMPTY);
        xml::decode(body, &mut decoded);
        decoded
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
        template::JSON.encode(self, out)
    }

    /// Writes the report as a UCWA `<input>` document into `out`, returning the length written.
    pub fn to_xml(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        template::XML.encode(self, out)
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
static REPORT_SCHEMA: Schema = Schema {
    roots: &["input", "resource"],
    fields: &[Property::ErrorCode.name(), Property::ErrorSubcode.name()],
    properties: &Property::ALL,
    xml_property: true,
};

/// A report being decoded is its own result: a value, a name of its enumeration in any case,
/// goes into the report, and a refusal replaces it. The report and its refusal share the one
/// result in the caller's frame, for the XML decode's stack budget (core/firmware/README.md).
impl Fields for Result<Report, DecodeError> {
    fn schema(&self) -> &'static Schema {
        &REPORT_SCHEMA
    }

    fn set(&mut self, field: usize, value: Option<CapturedName<'_>>, _raw: Span) -> bool {
        let mut ignored = Report::EMPTY;
        let report = self.as_mut().unwrap_or(&mut ignored);
        match REPORT_SCHEMA.properties.get(field) {
            Some(Property::ErrorCode) => {
                value.and_then(ErrorCode::from_captured).map(|code| report.error_code = Some(code)).is_some()
            }
            Some(Property::ErrorSubcode) => value
                .and_then(ErrorSubcode::from_captured)
                .map(|subcode| report.error_subcode = Some(subcode))
                .is_some(),
            None => true,
        }
    }

    fn refuse(&mut self, error: DecodeError) {
        *self = Err(error);
    }
}
