//! What a decoder does with the fields it reads: the one interface through which the JSON and
//! XML readers hand a document's values to a report ([`crate::Report`]) or to an error body
//! ([`crate::Reason`]).
//!
//! The readers check the whole document (well-formedness, depth, UTF-8) the same way for both;
//! a [`Schema`] tells them the root and the field names, and a [`Fields`] keeps what they find.
//! The readers take a [`Sink`], not a generic: one copy of each reader serves both documents
//! (a second, monomorphized copy of the XML reader would cost the firmware several KiB).

use crate::cursor::Span;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::phone::reason::Found;
use crate::report::{Findings, Report};
use crate::text::CapturedName;

/// The shape of a document: its XML root and its fields.
pub(crate) struct Schema {
    /// The local names an XML root may have (in the UCWA namespace).
    pub(crate) roots: &'static [&'static str],
    /// The field names, index for index with the numbers [`Fields`] receives: JSON members of
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

/// Receives what a decoder reads, field by field. The decoder reports every field it meets,
/// then, once the whole document proved well-formed, the caller asks the implementation for
/// its result (the first validation failure included).
pub(crate) trait Fields {
    /// The document's shape.
    fn schema(&self) -> &'static Schema;

    /// Field `field` was named at `at` (a repeat is the implementation's to refuse).
    fn given(&mut self, field: usize, at: usize);

    /// Field `field` has the text value `value` (`None`: it cannot be any known name), written
    /// as the bytes `raw` of the input (escapes and references not decoded).
    fn set(&mut self, field: usize, value: Option<CapturedName<'_>>, raw: Span, at: usize);

    /// Field `field` has a value that is not text (a JSON number, object…, XML child elements).
    fn reject(&mut self, field: usize, kind: DecodeErrorKind, at: usize);
}

/// Where the fields of the document being decoded go: a report's findings, kept here, or an
/// error body's, kept by the caller of [`Sink::reason`].
///
/// The report's findings live inside the decoder's own frame, so that `Report::from_xml` and
/// `Report::from_json` are tail calls of the one shared reader and add no frame of their own:
/// measured on the Cortex-M4, keeping the findings in the caller instead costs the XML decode
/// 56 bytes of stack (1,056 bytes, over its 1 KiB budget).
pub(crate) struct Sink<'f> {
    report: Findings,
    reason: Option<&'f mut Found>,
}

impl<'f> Sink<'f> {
    /// A sink for a report body (`reason` is `None`), or for an error body whose fields go
    /// to `reason`. Made by the reader itself, from one pointer its caller passes.
    pub(crate) fn new(reason: Option<&'f mut Found>) -> Self {
        Sink { report: Findings::default(), reason }
    }

    fn fields(&mut self) -> &mut dyn Fields {
        match &mut self.reason {
            Some(found) => &mut **found,
            None => &mut self.report,
        }
    }

    /// The document's shape.
    pub(crate) fn schema(&self) -> &'static Schema {
        match &self.reason {
            Some(found) => found.schema(),
            None => self.report.schema(),
        }
    }

    /// See [`Fields::given`].
    pub(crate) fn given(&mut self, field: usize, at: usize) {
        self.fields().given(field, at);
    }

    /// See [`Fields::set`].
    pub(crate) fn set(&mut self, field: usize, value: Option<CapturedName<'_>>, raw: Span, at: usize) {
        self.fields().set(field, value, raw, at);
    }

    /// See [`Fields::reject`].
    pub(crate) fn reject(&mut self, field: usize, kind: DecodeErrorKind, at: usize) {
        self.fields().reject(field, kind, at);
    }

    /// The report, or its first validation failure; for an error body, an empty report (its
    /// fields are the caller's to finish).
    pub(crate) fn finish(self) -> Result<Report, DecodeError> {
        match self.reason {
            Some(_) => Ok(Report::EMPTY),
            None => self.report.finish(),
        }
    }
}
