//! The JSON oracle: docs/behaviour.md, sections 4.1 and 4.2, on top of serde_json.
//!
//! serde_json does the lexing and the RFC 8259 grammar (strings, escapes, numbers, literals,
//! structure, trailing content). Everything the contract adds or changes is done here, each
//! rule marked `Rule Jn` and listed in FUZZING.md:
//!
//! - J1: one leading UTF-8 byte order mark is skipped (serde_json refuses it).
//! - J2: invalid UTF-8 anywhere is DeserializationFailure. The whole body is checked before
//!   parsing (serde_json's slice reader does not check strings it skips).
//! - J3: the root must be an object (serde_json accepts any value).
//! - J4: `errorCode` / `errorSubcode` are member names of the root only, matched ASCII
//!   case-insensitively after unescaping (a derived struct would match exactly, at any depth
//!   only through its own fields).
//! - J5: a property named twice, case-insensitively, is ParameterValidationFailure (a map
//!   would keep the last value; a derive would refuse only exact duplicates, as a syntax error).
//! - J6: `null` means absent, but still counts as naming the property for J5.
//! - J7: a non-string value is ParameterValidationFailure; a string is taken exactly (no
//!   trimming) and must be an enum name, ASCII case-insensitively, else ParameterValidationFailure.
//!   These are recorded in document order and reported only once the whole body proved
//!   well-formed: any syntax error wins, and among validation failures the first one wins.
//! - J8: nesting deeper than 32 levels, the root counting as level 1, is DeserializationFailure
//!   (serde_json's own limit is 128, and it has none at all when skipping).
//! - J9: other values are skipped lexically, as serde_json's `IgnoredAny` does, through
//!   `RawValue`, so numbers are never converted (`1e400` is a valid JSON number; converting it
//!   to `f64` through `deserialize_any` would fail).
//! - J10: in skipped strings, a `\u` escape of half a surrogate pair must be followed by its
//!   other half (serde_json's skipping reader does not check this; its string reader does, so
//!   each skipped string is read again with it).

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::{Properties, Verdict, strip_bom};

/// The nesting limit of docs/behaviour.md, section 4.1, the root counting as level 1.
pub const MAX_DEPTH: usize = 32;

/// What docs/behaviour.md says `mediadiag` must answer for this JSON body.
pub fn verdict(input: &[u8]) -> Verdict {
    let body = strip_bom(input); // Rule J1
    let Ok(text) = std::str::from_utf8(body) else {
        return Verdict::Deserialization; // Rule J2
    };
    let mut properties = Properties::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = Root { properties: &mut properties }.deserialize(&mut deserializer).and_then(|()| deserializer.end());
    match parsed {
        Ok(()) => properties.verdict(),
        Err(_) => Verdict::Deserialization,
    }
}

/// The root object.
struct Root<'p> {
    properties: &'p mut Properties,
}

impl<'de> DeserializeSeed<'de> for Root<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // Rule J3: only an object is visited; anything else is a type error.
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            // Rule J9: every value is first taken raw, which validates it without converting it.
            let raw: &'de RawValue = map.next_value()?;
            let raw = raw.get();
            match Properties::designated(&name) {
                // Rule J4
                Some(property) => {
                    self.properties.given(property); // Rules J5, J6
                    match raw.as_bytes().first() {
                        Some(b'"') => {
                            let value: String = serde_json::from_str(raw).map_err(de::Error::custom)?;
                            self.properties.value(property, &value); // Rule J7
                        }
                        Some(b'n') => {} // Rule J6: null
                        _ => {
                            self.properties.fail(property); // Rule J7: not a string
                            scan(raw).map_err(de::Error::custom)?;
                        }
                    }
                }
                None => scan(raw).map_err(de::Error::custom)?,
            }
        }
        Ok(())
    }
}

/// Checks a member value of the root (level 2 when it is a container) that serde_json
/// already validated lexically: its depth (Rule J8) and its strings (Rule J10).
pub(crate) fn scan(raw: &str) -> Result<(), String> {
    let bytes = raw.as_bytes();
    let mut depth = 1; // the root object
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH}"));
                }
            }
            b'}' | b']' => depth -= 1,
            b'"' => {
                let start = i;
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                serde_json::from_str::<String>(&raw[start..=i]).map_err(|e| e.to_string())?;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Reads the body with serde_json alone, as a plain `serde_json::Value` user would: for
/// documenting where the contract departs from it (see FUZZING.md), not used by the targets.
pub fn plain_serde_json_accepts(input: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(input).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediadiag::{ErrorCode, ErrorSubcode, Property, Report};

    #[test]
    fn the_rules_of_the_behaviour_contract() {
        let v = |s: &[u8]| verdict(s);
        assert_eq!(
            v(b"{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}"),
            Verdict::Accepted(Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly))
        );
        assert_eq!(v(b"\xEF\xBB\xBF{}"), Verdict::Accepted(Report::EMPTY));
        assert_eq!(v(b"[]"), Verdict::Deserialization);
        assert_eq!(v(b"{\"a\":1e400}"), Verdict::Accepted(Report::EMPTY));
        assert_eq!(v(br#"{"a":"\ud800"}"#), Verdict::Deserialization);
        assert!(plain_serde_json_accepts(br#"{"a":"\ud800"}"#));
        // What J2 is about: serde_json's slice reader skips strings without checking UTF-8.
        assert!(plain_serde_json_accepts(b"{\"a\":\"\xff\"}"));
        assert_eq!(v(b"{\"a\":\"\xff\"}"), Verdict::Deserialization);
        // What J9 is about: deserialize_any converts numbers.
        assert!(serde_json::from_str::<serde_json::Value>("1e400").is_err());
        assert_eq!(v(br#"{"errorCode":1}"#), Verdict::Validation(Property::ErrorCode));
        assert_eq!(v(br#"{"errorCode":null,"ERRORCODE":null}"#), Verdict::Validation(Property::ErrorCode));
        assert_eq!(v(br#"{"errorCode":"x","a":tru}"#), Verdict::Deserialization);
        assert_eq!(v(br#"{"x":{"errorCode":"Nope"}}"#), Verdict::Accepted(Report::EMPTY));
        let deep = |levels: usize| format!("{{\"a\":{}1{}}}", "[".repeat(levels - 1), "]".repeat(levels - 1));
        assert_eq!(v(deep(32).as_bytes()), Verdict::Accepted(Report::EMPTY));
        assert_eq!(v(deep(33).as_bytes()), Verdict::Deserialization);
        assert_eq!(v(br#"{"errorCode":[[[]]],"errorSubcode":"Nope"}"#), Verdict::Validation(Property::ErrorCode));
    }
}
