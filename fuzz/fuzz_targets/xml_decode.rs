//! `Report::from_xml` on arbitrary bytes: never panics, answers the same twice, answers
//! through `Report::decode` too, and its errors are consistent (offset inside the body,
//! a property exactly for ParameterValidationFailure). An accepted report encodes and
//! decodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::{Encoding, ErrorSubcode, Report};

fuzz_target!(|data: &[u8]| {
    let first = Report::from_xml(data);
    assert_eq!(first, Report::from_xml(data), "not stable");
    assert_eq!(first, Report::decode(Encoding::Xml, data));
    match first {
        Ok(report) => {
            let mut buf = [0u8; Report::XML_MAX_LEN];
            let len = report.to_xml(&mut buf).expect("XML_MAX_LEN fits");
            assert_eq!(Report::from_xml(&buf[..len]), Ok(report));
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
});
