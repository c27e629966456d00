//! Where the JSON and XML readers put the fields they read: a report ([`crate::Report`]) or an
//! error body ([`crate::phone::Reason`]).
//!
//! The readers check the whole document (well-formedness, depth, UTF-8) the same way for both;
//! a [`Schema`] tells them the root and the field names, and a [`Sink`] keeps what they find.
//! One copy of each reader serves both documents (a second, monomorphized copy of the XML
//! reader would cost the firmware several KiB).

use crate::cursor::Span;
use crate::error::{DecodeError, DecodeErrorKind, Property};
use crate::phone::reason::{Found, REASON_SCHEMA};
use crate::report::{Findings, REPORT_SCHEMA, Report};
use crate::text::CapturedName;

/// The shape of a document: its XML root and its fields.
pub(crate) struct Schema {
    /// The local names an XML root may have (in the UCWA namespace).
    pub(crate) roots: &'static [&'static str],
    /// The field names, index for index with the numbers [`Sink`] receives: JSON members of
    /// the root object (names compared ASCII case-insensitively), XML children of the root.
    pub(crate) fields: &'static [&'static str],
    /// XML: true when a field is a `<property name="…">` child of the root (the name compared
    /// ASCII case-insensitively), false when it is a child element named after the field.
    pub(crate) xml_property: bool,
}

impl Schema {
    /// The field a JSON member name names.
    pub(crate) fn json_field(&self, name: CapturedName<'_>) -> Option<usize> {
        self.fields.iter().position(|field| name.matches(field))
    }
}

/// Where the fields of the document being decoded go: a report's findings, or an error
/// body's values, kept by the caller of the reader. The first validation failure of either is
/// kept in the findings, and reported only once the whole document proved well-formed.
///
/// The sink lives inside the reader's own frame, and its caller passes one pointer, so that
/// `Report::from_xml` and `Report::from_json` are tail calls of the shared reader and add no
/// frame of their own. Measured on the Cortex-M4: findings kept by the callers instead add a
/// 48-byte frame to the XML decode (1,048 bytes of stack, over its 1 KiB budget).
pub(crate) struct Sink<'f> {
    report: Findings,
    reason: Option<&'f mut Found>,
}

/// The property of a field number of [`REPORT_SCHEMA`].
fn property(field: usize) -> Property {
    if field == 0 { Property::ErrorCode } else { Property::ErrorSubcode }
}

impl<'f> Sink<'f> {
    /// A sink for a report body (`reason` is `None`), or for an error body whose values go
    /// to `reason`.
    pub(crate) fn new(reason: Option<&'f mut Found>) -> Self {
        Sink { report: Findings::default(), reason }
    }

    /// The document's shape.
    pub(crate) fn schema(&self) -> &'static Schema {
        if self.reason.is_some() { &REASON_SCHEMA } else { &REPORT_SCHEMA }
    }

    /// Field `field` was named at `at`; naming it twice is a validation failure.
    pub(crate) fn given(&mut self, field: usize, at: usize) {
        match &mut self.reason {
            Some(found) => {
                if found.mark_given(field) {
                    self.report.reject_unnamed(DecodeErrorKind::DuplicateProperty, at);
                }
            }
            None => self.report.mark_given(property(field), at),
        }
    }

    /// Field `field` has the text value `value` (`None`: it cannot be any known name), written
    /// as the bytes `raw` of the input (escapes and references not decoded).
    pub(crate) fn set(&mut self, field: usize, value: Option<CapturedName<'_>>, raw: Span, at: usize) {
        match &mut self.reason {
            Some(found) => found.set(field, value, raw),
            None => self.report.set(property(field), value, at),
        }
    }

    /// Field `field` has a value that is not text (a JSON number, object…, XML child elements).
    pub(crate) fn reject(&mut self, field: usize, kind: DecodeErrorKind, at: usize) {
        match self.reason {
            Some(_) => self.report.reject_unnamed(kind, at),
            None => self.report.reject(property(field), kind, at),
        }
    }

    /// The report (empty for an error body), or the first validation failure.
    pub(crate) fn finish(self) -> Result<Report, DecodeError> {
        self.report.finish()
    }
}
