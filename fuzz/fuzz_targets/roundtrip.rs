//! Any report (indices into `ErrorCode::ALL` / `ErrorSubcode::ALL`) survives `to_json` and
//! `to_xml` followed by the decoders; the encodings are what serde and roxmltree read too,
//! names in any ASCII case decode to the same report, and a buffer one byte short fails cleanly.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mediadiag::{EncodeError, ErrorCode, ErrorSubcode, Report};

#[derive(Arbitrary, Debug)]
struct Input {
    code: Option<u8>,
    subcode: Option<u8>,
    upper_mask: u64,
}

fuzz_target!(|input: Input| {
    let report = Report {
        error_code: input.code.map(|i| ErrorCode::ALL[usize::from(i) % ErrorCode::ALL.len()]),
        error_subcode: input.subcode.map(|i| ErrorSubcode::ALL[usize::from(i) % ErrorSubcode::ALL.len()]),
    };

    let mut json = [0u8; Report::JSON_MAX_LEN];
    let len = report.to_json(&mut json).expect("JSON_MAX_LEN fits");
    let json = &json[..len];
    assert_eq!(Report::from_json(json), Ok(report));
    assert_eq!(serde_json::to_vec(&report).unwrap(), json, "Serialize and to_json differ");
    assert_eq!(oracles::json::verdict(json), oracles::Verdict::Accepted(report));
    let mut short = vec![0u8; len - 1];
    assert_eq!(report.to_json(&mut short), Err(EncodeError::BufferTooSmall));

    let mut xml = [0u8; Report::XML_MAX_LEN];
    let len = report.to_xml(&mut xml).expect("XML_MAX_LEN fits");
    let xml = &xml[..len];
    assert_eq!(Report::from_xml(xml), Ok(report));
    assert_eq!(oracles::xml::verdict(xml), oracles::Verdict::Accepted(report));
    let mut short = vec![0u8; len - 1];
    assert_eq!(report.to_xml(&mut short), Err(EncodeError::BufferTooSmall));

    // Names in any ASCII case (docs/behaviour.md, section 4.1): flip letters by the mask.
    let mangle = |bytes: &[u8]| -> Vec<u8> {
        let mut i = 0;
        bytes
            .iter()
            .map(|&b| {
                i += 1;
                if b.is_ascii_alphabetic() && input.upper_mask & (1 << (i % 64)) != 0 { b ^ 0x20 } else { b }
            })
            .collect()
    };
    // In JSON everything alphabetic is a name or a value; in XML only the values are mangled.
    assert_eq!(Report::from_json(&mangle(json)), Ok(report));
    let mut xml_mangled = String::from(r#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">"#);
    if let Some(code) = report.error_code {
        let name = String::from_utf8(mangle(b"errorCode")).unwrap();
        let value = String::from_utf8(mangle(code.as_str().as_bytes())).unwrap();
        xml_mangled += &format!(r#"<property name="{name}"> {value} </property>"#);
    }
    if let Some(subcode) = report.error_subcode {
        let name = String::from_utf8(mangle(b"errorSubcode")).unwrap();
        let value = String::from_utf8(mangle(subcode.as_str().as_bytes())).unwrap();
        xml_mangled += &format!("<property name=\"{name}\">\n{value}\n</property>");
    }
    xml_mangled += "</input>";
    assert_eq!(Report::from_xml(xml_mangled.as_bytes()), Ok(report));
});
