//! Every enum name decodes in any case and round trips through both encoders; encode then
//! decode is the identity for every report; decode never panics on arbitrary bytes.

use mediadiag::{Encoding, ErrorCode, ErrorSubcode, Report};
use proptest::prelude::*;

fn round_trip(report: Report, encoding: Encoding) -> Report {
    let mut buf = [0u8; Report::XML_MAX_LEN];
    let len = report.encode(encoding, &mut buf).expect("MAX_LEN always fits");
    Report::decode(encoding, &buf[..len]).expect("own output decodes")
}

fn flip_case(name: &str, upper_every: usize) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| if i % upper_every == 0 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect()
}

#[test]
fn all_107_names_decode_in_any_case_in_both_encodings() {
    let mut seen = 0;
    for code in ErrorCode::ALL {
        for variant in [
            code.as_str().to_owned(),
            code.as_str().to_lowercase(),
            code.as_str().to_uppercase(),
            flip_case(code.as_str(), 2),
        ] {
            let json = format!(r#"{{"errorCode":"{variant}"}}"#);
            assert_eq!(Report::from_json(json.as_bytes()).unwrap().error_code, Some(code));
            let xml = format!(
                r#"<input xmlns="{}"><property name="errorCode">{variant}</property></input>"#,
                mediadiag::UCWA_NAMESPACE
            );
            assert_eq!(Report::from_xml(xml.as_bytes()).unwrap().error_code, Some(code));
        }
        seen += 1;
    }
    for subcode in ErrorSubcode::ALL {
        for variant in [
            subcode.as_str().to_owned(),
            subcode.as_str().to_lowercase(),
            subcode.as_str().to_uppercase(),
            flip_case(subcode.as_str(), 3),
        ] {
            let json = format!(r#"{{"errorSubcode":"{variant}"}}"#);
            assert_eq!(Report::from_json(json.as_bytes()).unwrap().error_subcode, Some(subcode));
            let xml = format!(
                r#"<input xmlns="{}"><property name="errorSubcode">{variant}</property></input>"#,
                mediadiag::UCWA_NAMESPACE
            );
            assert_eq!(Report::from_xml(xml.as_bytes()).unwrap().error_subcode, Some(subcode));
        }
        seen += 1;
    }
    assert_eq!(seen, 107);
}

#[test]
fn every_name_round_trips_through_both_encoders_in_canonical_case() {
    for code in ErrorCode::ALL {
        for subcode in [None, Some(ErrorSubcode::None), Some(ErrorSubcode::CannotRedirect)] {
            let report = Report { error_code: Some(code), error_subcode: subcode };
            assert_eq!(round_trip(report, Encoding::Json), report);
            assert_eq!(round_trip(report, Encoding::Xml), report);
        }
    }
    for subcode in ErrorSubcode::ALL {
        let report = Report { error_code: None, error_subcode: Some(subcode) };
        assert_eq!(round_trip(report, Encoding::Json), report);
        assert_eq!(round_trip(report, Encoding::Xml), report);
        let mut buf = [0u8; Report::JSON_MAX_LEN];
        let len = report.to_json(&mut buf).unwrap();
        assert!(std::str::from_utf8(&buf[..len]).unwrap().contains(subcode.as_str()));
    }
}

#[test]
fn encoders_write_the_documented_text_and_fail_cleanly_on_short_buffers() {
    let report = Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure);
    let mut buf = [0u8; Report::XML_MAX_LEN];
    let len = report.to_xml(&mut buf).unwrap();
    assert_eq!(
        std::str::from_utf8(&buf[..len]).unwrap(),
        r#"<?xml version="1.0" encoding="utf-8"?><input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="errorCode">TooManyRequests</property><property name="errorSubcode">MediaNegotiationFailure</property></input>"#
    );
    let len = Report::EMPTY.to_json(&mut buf).unwrap();
    assert_eq!(&buf[..len], b"{}");
    for short in 0..len {
        assert!(report.to_xml(&mut buf[..short]).is_err());
        assert!(report.to_json(&mut buf[..short.min(20)]).is_err());
    }
    let longest = Report::new(ErrorCode::ExchangeServiceFailure, ErrorSubcode::InvalidExchangeServerVersion);
    assert_eq!(longest.to_json(&mut buf).unwrap(), Report::JSON_MAX_LEN);
    assert_eq!(longest.to_xml(&mut buf).unwrap(), Report::XML_MAX_LEN);
}

fn any_report() -> impl Strategy<Value = Report> {
    (proptest::option::of(0..ErrorCode::ALL.len()), proptest::option::of(0..ErrorSubcode::ALL.len())).prop_map(
        |(code, subcode)| Report {
            error_code: code.map(|i| ErrorCode::ALL[i]),
            error_subcode: subcode.map(|i| ErrorSubcode::ALL[i]),
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn encode_then_decode_is_the_identity(report in any_report()) {
        prop_assert_eq!(round_trip(report, Encoding::Json), report);
        prop_assert_eq!(round_trip(report, Encoding::Xml), report);
    }

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(error) = Report::from_json(&bytes) {
            prop_assert!(error.offset() <= bytes.len());
        }
        if let Err(error) = Report::from_xml(&bytes) {
            prop_assert!(error.offset() <= bytes.len());
        }
    }

    #[test]
    fn decode_never_panics_on_mutated_valid_bodies(report in any_report(), cut in 0usize..400, byte in any::<u8>(), at in 0usize..400) {
        for encoding in [Encoding::Json, Encoding::Xml] {
            let mut buf = [0u8; Report::XML_MAX_LEN];
            let len = report.encode(encoding, &mut buf).unwrap();
            let mut body = buf[..len].to_vec();
            if at < body.len() { body[at] = byte; }
            body.truncate(cut.max(1));
            let _ = Report::decode(encoding, &body);
        }
    }
}

#[test]
fn serde_serialization_matches_to_json() {
    for report in [
        Report::EMPTY,
        Report::new(ErrorCode::Gone, ErrorSubcode::Busy),
        Report { error_code: None, error_subcode: Some(ErrorSubcode::Ended) },
    ] {
        let mut ours = [0u8; Report::JSON_MAX_LEN];
        let mut theirs = [0u8; Report::JSON_MAX_LEN];
        let ours_len = report.to_json(&mut ours).unwrap();
        let theirs_len = serde_json_core::to_slice(&report, &mut theirs).unwrap();
        assert_eq!(&ours[..ours_len], &theirs[..theirs_len]);
        assert_eq!(serde_json::to_vec(&report).unwrap(), &ours[..ours_len]);
    }
}
