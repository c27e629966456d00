//! What the JSON and XML readers know of the document they read: its [`Schema`] (the root and
//! the field names), and the [`Fields`] that take the values they find.
//!
//! The readers check the whole document (well-formedness, depth, UTF-8) the same way for
//! every document, and so do they the fields: each may be given once, and the first failure
//! wins ([`Tally`]). What a value means, and which values are invalid, is the business of the
//! [`Fields`] a caller hands them: a report (`crate::report`), or an error body's values
//! (`crate::phone`). The readers take it as a trait object, so that one copy of each reader
//! serves both documents: a second, monomorphized copy of the XML reader would cost the
//! firmware several KiB of flash (`core/firmware/README.md`).

use crate::cursor::Span;
use crate::error::{DecodeError, DecodeErrorKind, Property};
use crate::text::CapturedName;

/// The shape of a document: its XML root and its fields.
pub(crate) struct Schema {
    /// The local names an XML root may have (in the UCWA namespace).
    pub(crate) roots: &'static [&'static str],
    /// The field names, index for index with the numbers [`Fields`] receives: JSON members of
    /// the root object (names compared ASCII case-insensitively), XML children of the root.
    pub(crate) fields: &'static [&'static str],
    /// The report property of each field, index for index, which a validation failure names;
    /// empty when the fields are not report properties.
    pub(crate) properties: &'static [Property],
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

/// Where a reader puts what it finds, the values of the fields numbered as in the [`Schema`],
/// and why it refuses the document if it does.
pub(crate) trait Fields {
    /// The document's shape.
    fn schema(&self) -> &'static Schema;

    /// Field `field` has the text value `value` (`None`: it cannot be any known name), written
    /// as the bytes `raw` of the input (escapes and references not decoded). False when the
    /// value is not valid for the field.
    fn set(&mut self, field: usize, value: Option<CapturedName<'_>>, raw: Span) -> bool;

    /// The document is refused for `error`. Called at most twice: for the first validation
    /// failure as soon as it is found, then for a syntax error, which wins over it
    /// (docs/behaviour.md, section 2), so the last error given is the one to report.
    fn refuse(&mut self, error: DecodeError);
}

/// What a reader keeps of the fields while it reads: which were given, and whether one was
/// invalid yet (only the first validation failure counts).
///
/// It lives inside the reader's own frame and keeps no more: the values and the refusal go
/// to the caller's [`Fields`], and the schema is asked of them. Measured on the Cortex-M4, the
/// first failure kept here as well took the XML decodes over their stack budget
/// (core/firmware/README.md).
pub(crate) struct Tally<'f> {
    fields: &'f mut dyn Fields,
    /// A bit per field number.
    given: u8,
    invalid: bool,
}

impl<'f> Tally<'f> {
    /// A tally of nothing yet, for `fields`.
    pub(crate) fn new(fields: &'f mut dyn Fields) -> Self {
        debug_assert!(fields.schema().fields.len() <= u8::BITS as usize, "a bit per field");
        Tally { fields, given: 0, invalid: false }
    }

    /// The document's shape.
    pub(crate) fn schema(&self) -> &'static Schema {
        self.fields.schema()
    }

    /// Field `field` was named at `at`; naming it twice is a validation failure.
    ///
    /// This and [`Tally::set`] are inlined into the readers: measured on the Cortex-M4, calls of
    /// their own take more flash, and a frame of its own for `set`, under the value lookup, is
    /// the deepest point of the XML error body decode, which has little room in its stack
    /// budget (core/firmware/README.md).
    #[inline(always)]
    pub(crate) fn given(&mut self, field: usize, at: usize) {
        let bit = 1u8.checked_shl(field as u32).unwrap_or(0);
        if self.given & bit != 0 {
            self.reject(field, DecodeErrorKind::DuplicateProperty, at);
        }
        self.given |= bit;
    }

    /// Field `field`, named at `at`, has the text value `value`, written as the bytes `raw`.
    #[inline(always)]
    pub(crate) fn set(&mut self, field: usize, value: Option<CapturedName<'_>>, raw: Span, at: usize) {
        if !self.fields.set(field, value, raw) {
            self.reject(field, DecodeErrorKind::UnknownValue, at);
        }
    }

    /// Field `field`, named at `at`, has an invalid value; the first failure wins.
    pub(crate) fn reject(&mut self, field: usize, kind: DecodeErrorKind, at: usize) {
        if !core::mem::replace(&mut self.invalid, true) {
            let error = match self.schema().properties.get(field) {
                Some(&property) => DecodeError::for_property(kind, at, property),
                None => DecodeError::new(kind, at),
            };
            self.fields.refuse(error);
        }
    }

    /// Ends the reading: a syntax error, if the reader met one, refuses the document.
    pub(crate) fn finish(self, read: Result<(), DecodeError>) {
        if let Err(error) = read {
            self.fields.refuse(error);
        }
    }
}
