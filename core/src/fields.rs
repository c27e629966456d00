//! What a decoder does with the fields it reads: the one interface through which the JSON and
//! XML readers hand a document's values to a report ([`crate::Report`]) or to an error body
//! ([`crate::Reason`]).
//!
//! The readers check the whole document (well-formedness, depth, UTF-8) the same way for both;
//! a [`Schema`] tells them the root and the field names, and a [`Fields`] keeps what they find.
//! It is a trait object, not a generic: one copy of each reader serves both documents (a
//! second, monomorphized copy of the XML reader would cost the firmware several KiB).

use crate::cursor::Span;
use crate::error::DecodeErrorKind;
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
