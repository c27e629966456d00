//! Shared checks of the fuzz targets, and the oracles of the differential ones: independent
//! models of docs/behaviour.md, section 4, built on serde_json and roxmltree, and of its
//! section 1 route.
//!
//! Each oracle answers with a [`Verdict`]; a target compares it with what `mediadiag`
//! answers for the same bytes. Every place where an oracle departs from what its base
//! parser does on its own is a rule of that contract, named in a comment and listed in FUZZING.md.

use mediadiag::{DecodeError, ErrorSubcode, Property, Report};

pub mod json;
pub mod jwt;
pub mod reason;
pub mod route;
pub mod xml;

/// What a decoder concluded about a body, at the precision docs/behaviour.md fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted, with these values.
    Accepted(Report),
    /// 400 BadRequest / DeserializationFailure.
    Deserialization,
    /// 400 BadRequest / ParameterValidationFailure, naming the property of the first failure.
    Validation(Property),
}

impl Verdict {
    /// The verdict of a `mediadiag` decode result.
    pub fn of(result: Result<Report, DecodeError>) -> Verdict {
        match result {
            Ok(report) => Verdict::Accepted(report),
            Err(error) => match error.subcode() {
                ErrorSubcode::ParameterValidationFailure => match error.property() {
                    Some(property) => Verdict::Validation(property),
                    None => panic!("a ParameterValidationFailure without a property: {error:?}"),
                },
                ErrorSubcode::DeserializationFailure => Verdict::Deserialization,
                other => panic!("a decode error with subcode {other:?}: {error:?}"),
            },
        }
    }
}

/// The contract's property state while a body is read: given flags, values, the first
/// validation failure. Shared by both oracles so that they order failures the same way:
/// the first failure in document order wins, and a syntax error anywhere wins over all.
#[derive(Default, Debug)]
pub(crate) struct Properties {
    report: Report,
    given_code: bool,
    given_subcode: bool,
    first_failure: Option<Property>,
}

impl Properties {
    /// The property a name (member name or `name` attribute) designates: ASCII case-insensitive.
    pub(crate) fn designated(name: &str) -> Option<Property> {
        if name.eq_ignore_ascii_case("errorCode") {
            Some(Property::ErrorCode)
        } else if name.eq_ignore_ascii_case("errorSubcode") {
            Some(Property::ErrorSubcode)
        } else {
            None
        }
    }

    pub(crate) fn fail(&mut self, property: Property) {
        self.first_failure.get_or_insert(property);
    }

    /// A property was named; a second time is a validation failure.
    pub(crate) fn given(&mut self, property: Property) {
        let flag = match property {
            Property::ErrorCode => &mut self.given_code,
            Property::ErrorSubcode => &mut self.given_subcode,
        };
        if std::mem::replace(flag, true) {
            self.fail(property);
        }
    }

    /// A property's string value: an enum name, ASCII case-insensitively, else a failure.
    ///
    /// The lookup is a plain scan of the `NAMES` tables, independent of the crate's hashed
    /// lookup, so that the table lookup is under test too.
    pub(crate) fn value(&mut self, property: Property, text: &str) {
        match property {
            Property::ErrorCode => match lookup(&mediadiag::ErrorCode::NAMES, text) {
                Some(i) => self.report.error_code = Some(mediadiag::ErrorCode::ALL[i]),
                None => self.fail(property),
            },
            Property::ErrorSubcode => match lookup(&mediadiag::ErrorSubcode::NAMES, text) {
                Some(i) => self.report.error_subcode = Some(mediadiag::ErrorSubcode::ALL[i]),
                None => self.fail(property),
            },
        }
    }

    pub(crate) fn verdict(&self) -> Verdict {
        match self.first_failure {
            Some(property) => Verdict::Validation(property),
            None => Verdict::Accepted(self.report),
        }
    }
}

/// Strips one leading UTF-8 byte order mark (docs/behaviour.md, section 4.1).
pub(crate) fn strip_bom(input: &[u8]) -> &[u8] {
    input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input)
}

/// The index of `text` in `names`, compared ASCII case-insensitively.
pub(crate) fn lookup(names: &[&str], text: &str) -> Option<usize> {
    names.iter().position(|name| name.eq_ignore_ascii_case(text))
}

/// The properties every decoder must have on any input, whatever its verdict: it answers the
/// same twice and through `Report::decode`; an error's offset lies inside the body and names
/// a property exactly for ParameterValidationFailure; an accepted report encodes and decodes
/// back to itself.
pub fn check_decoder(encoding: mediadiag::Encoding, data: &[u8]) {
    let first = Report::decode(encoding, data);
    assert_eq!(first, Report::decode(encoding, data), "not stable");
    let direct = match encoding {
        mediadiag::Encoding::Json => Report::from_json(data),
        mediadiag::Encoding::Xml => Report::from_xml(data),
    };
    assert_eq!(first, direct, "decode and from_* differ");
    match first {
        Ok(report) => {
            let mut buf = [0u8; Report::XML_MAX_LEN];
            let len = report.encode(encoding, &mut buf).expect("XML_MAX_LEN fits either encoding");
            assert_eq!(Report::decode(encoding, &buf[..len]), Ok(report));
        }
        Err(error) => {
            assert!(error.offset() <= data.len(), "offset {} past the end {}", error.offset(), data.len());
            match error.subcode() {
                ErrorSubcode::ParameterValidationFailure => assert!(error.property().is_some()),
                ErrorSubcode::DeserializationFailure => assert!(error.property().is_none()),
                other => panic!("unexpected subcode {other:?}"),
            }
        }
    }
}
