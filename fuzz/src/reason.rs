//! The error body oracles: docs/behaviour.md, section 8.3, on the same bases as the report
//! oracles (serde_json with Rules J1 to J3 and J8 to J10; roxmltree with Rules X1 to X3 and
//! X8 to X14), each rule of their own marked `Rule Rn` and listed in FUZZING.md:
//!
//! - R1: the root is a JSON object, or a `reason` element in the UCWA namespace.
//! - R2: the fields are `code`, `subcode` and `message`: JSON members of the root (names
//!   compared ASCII case-insensitively after unescaping), or element children of the root in
//!   the UCWA namespace (names compared exactly). Anything else is skipped.
//! - R3: a field named twice (JSON: case-insensitively) is ParameterValidationFailure; so is a
//!   non-string JSON value (`null` is absent) or an XML field with a child element. The first
//!   failure wins, and only a well-formed body gets one.
//! - R4: a code or subcode is its text (XML: trimmed of XML white space; empty is absent);
//!   a name that is no value of the enumeration, ASCII case-insensitively, is unknown.
//! - R5: without a code, the body is refused (MissingCode), unless R3 refused it first.
//! - R6: the message is the text of the body between the JSON string's quotes, or between
//!   the XML element's start and end tags, exactly as written.

use mediadiag::phone::{Name, Reason};
use mediadiag::{DecodeError, DecodeErrorKind, ErrorCode, ErrorSubcode};
use roxmltree::Node;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::strip_bom;

/// What a decoder concluded about an error body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReasonVerdict {
    /// Accepted: the code, the subcode, and the message as written (when the oracle can tell
    /// where it is: not for XML bodies the oracle had to patch for roxmltree).
    Accepted { code: Name<ErrorCode>, subcode: Option<Name<ErrorSubcode>>, message: Option<Option<String>> },
    /// Refused, well-formed or not: DeserializationFailure.
    Deserialization,
    /// Refused for a field: ParameterValidationFailure (Rule R3).
    Validation,
    /// Refused for want of a code (Rule R5).
    MissingCode,
}

impl ReasonVerdict {
    /// The verdict of a `mediadiag` decode, the message compared only if `compare_message`.
    pub fn of(result: Result<Reason<'_>, DecodeError>, compare_message: bool) -> ReasonVerdict {
        match result {
            Ok(reason) => ReasonVerdict::Accepted {
                code: reason.code,
                subcode: reason.subcode,
                message: compare_message.then(|| reason.message.map(|m| String::from_utf8_lossy(m).into_owned())),
            },
            Err(error) if error.kind() == DecodeErrorKind::MissingCode => ReasonVerdict::MissingCode,
            Err(error) if error.subcode() == ErrorSubcode::ParameterValidationFailure => ReasonVerdict::Validation,
            Err(_) => ReasonVerdict::Deserialization,
        }
    }
}

/// The values and failures found so far.
#[derive(Default)]
struct Fields {
    code: Option<Name<ErrorCode>>,
    subcode: Option<Name<ErrorSubcode>>,
    message: Option<String>,
    given: [bool; 3],
    failed: bool,
}

const FIELDS: [&str; 3] = ["code", "subcode", "message"];

impl Fields {
    fn given(&mut self, field: usize) {
        if std::mem::replace(&mut self.given[field], true) {
            self.failed = true; // Rule R3
        }
    }

    /// Rule R4 (and R6 for the message).
    fn value(&mut self, field: usize, text: &str, raw: String) {
        // Names are looked up by scanning the tables, not through the crate's hashed lookup.
        let code = || crate::lookup(&ErrorCode::NAMES, text).map_or(Name::Unknown, |i| Name::Known(ErrorCode::ALL[i]));
        let subcode =
            || crate::lookup(&ErrorSubcode::NAMES, text).map_or(Name::Unknown, |i| Name::Known(ErrorSubcode::ALL[i]));
        match field {
            0 => self.code = Some(code()),
            1 => self.subcode = Some(subcode()),
            _ => self.message = Some(raw),
        }
    }

    fn verdict(self, with_message: bool) -> ReasonVerdict {
        if self.failed {
            return ReasonVerdict::Validation;
        }
        match self.code {
            None => ReasonVerdict::MissingCode, // Rule R5
            Some(code) => {
                ReasonVerdict::Accepted { code, subcode: self.subcode, message: with_message.then_some(self.message) }
            }
        }
    }
}

/// What docs/behaviour.md says `mediadiag` must answer for this JSON error body.
pub fn json(input: &[u8]) -> ReasonVerdict {
    let Ok(text) = std::str::from_utf8(strip_bom(input)) else {
        return ReasonVerdict::Deserialization; // Rules J1, J2
    };
    let mut fields = Fields::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match (Root { fields: &mut fields }).deserialize(&mut deserializer).and_then(|()| deserializer.end()) {
        Ok(()) => fields.verdict(true),
        Err(_) => ReasonVerdict::Deserialization,
    }
}

struct Root<'f> {
    fields: &'f mut Fields,
}

impl<'de> DeserializeSeed<'de> for Root<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self) // Rules J3, R1
    }
}

impl<'de> Visitor<'de> for Root<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            let raw: &'de RawValue = map.next_value()?; // Rule J9
            let raw = raw.get();
            let field = FIELDS.iter().position(|field| field.eq_ignore_ascii_case(&name)); // Rule R2
            let Some(field) = field else {
                crate::json::scan(raw).map_err(de::Error::custom)?;
                continue;
            };
            self.fields.given(field);
            match raw.as_bytes().first() {
                Some(b'"') => {
                    let value: String = serde_json::from_str(raw).map_err(de::Error::custom)?;
                    self.fields.value(field, &value, raw[1..raw.len() - 1].to_owned()); // Rule R6
                }
                Some(b'n') => {}
                _ => {
                    self.fields.failed = true; // Rule R3
                    crate::json::scan(raw).map_err(de::Error::custom)?;
                }
            }
        }
        Ok(())
    }
}

/// What docs/behaviour.md says `mediadiag` must answer for this XML error body, and whether
/// the message can be compared (the oracle read the body's own text).
pub fn xml(input: &[u8]) -> (ReasonVerdict, bool) {
    let read = crate::xml::with_document(input, |document, own_text| {
        let root = document.root_element();
        if root.tag_name().name() != "reason" || root.tag_name().namespace() != Some(crate::xml::UCWA) {
            return (ReasonVerdict::Deserialization, false); // Rule R1
        }
        let mut fields = Fields::default();
        for child in root.children().filter(Node::is_element) {
            let name = child.tag_name();
            let field = FIELDS
                .iter()
                .position(|field| *field == name.name())
                .filter(|_| name.namespace() == Some(crate::xml::UCWA));
            let Some(field) = field else { continue }; // Rule R2
            fields.given(field);
            if child.children().any(|n| n.is_element()) {
                fields.failed = true; // Rule R3
                continue;
            }
            let value: String = child.children().filter(Node::is_text).filter_map(|n| n.text()).collect();
            let value = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
            if value.is_empty() {
                continue; // Rule R4
            }
            // Rule R6: between the end of the start tag and the start of the end tag.
            let raw = own_text.map(|text| content(&text[child.range()])).unwrap_or_default();
            fields.value(field, value, raw);
        }
        (fields.verdict(own_text.is_some()), own_text.is_some())
    });
    read.unwrap_or((ReasonVerdict::Deserialization, false))
}

/// The content of a non-empty element, from its start tag to its end tag exclusive.
fn content(element: &str) -> String {
    let bytes = element.as_bytes();
    let mut quote = None;
    let mut start = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => {
                start = i + 1;
                break;
            }
            _ => {}
        }
    }
    let end = element.rfind("</").unwrap_or(element.len());
    element.get(start..end.max(start)).unwrap_or_default().to_owned()
}
