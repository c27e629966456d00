//! docs/behaviour.md, sections 4.1 and 4.2, the JSON rules: one test per rule, asserting the
//! subcode and the offset.

use mediadiag::{DecodeErrorKind as Kind, ErrorCode, ErrorSubcode, Property, Report};

const DESERIALIZATION: ErrorSubcode = ErrorSubcode::DeserializationFailure;
const VALIDATION: ErrorSubcode = ErrorSubcode::ParameterValidationFailure;

fn ok(body: &str) -> Report {
    Report::from_json(body.as_bytes()).unwrap_or_else(|e| panic!("{body:?} refused: {e}"))
}

fn refused(body: &[u8], subcode: ErrorSubcode, kind: Kind, offset: usize) {
    let error = Report::from_json(body).expect_err(&String::from_utf8_lossy(body));
    assert_eq!(
        (error.subcode(), error.kind(), error.offset()),
        (subcode, kind, offset),
        "{:?}",
        String::from_utf8_lossy(body)
    );
}

#[test]
fn the_resource_page_example_decodes() {
    let body = "{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}";
    assert_eq!(ok(body), Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly));
}

#[test]
fn both_properties_are_optional_and_nullable() {
    assert_eq!(ok("{}"), Report::EMPTY);
    assert_eq!(ok(r#"{"errorCode":null,"errorSubcode":null}"#), Report::EMPTY);
    assert_eq!(ok(r#"{"errorSubcode":"Busy"}"#).error_subcode, Some(ErrorSubcode::Busy));
    assert_eq!(ok(r#"{"errorCode":"Gone"}"#).error_code, Some(ErrorCode::Gone));
}

#[test]
fn a_byte_order_mark_is_skipped() {
    assert_eq!(ok("\u{feff}{\"errorCode\":\"Gone\"}").error_code, Some(ErrorCode::Gone));
}

#[test]
fn invalid_utf8_anywhere_is_deserialization_failure() {
    refused(b"{\"x\":\"\xff\"}", DESERIALIZATION, Kind::InvalidUtf8, 6);
    refused(b"{\"errorCode\":\"Bad\xc3\"}", DESERIALIZATION, Kind::InvalidUtf8, 17);
}

#[test]
fn an_empty_body_is_deserialization_failure() {
    refused(b"", DESERIALIZATION, Kind::Empty, 0);
    refused(b" \r\n\t", DESERIALIZATION, Kind::Empty, 4);
    refused(b"\xEF\xBB\xBF", DESERIALIZATION, Kind::Empty, 3);
}

#[test]
fn property_names_and_values_match_ascii_case_insensitively() {
    let report = ok(r#"{"ErrorCode":"badrequest","ERRORSUBCODE":"INVITEESONLY"}"#);
    assert_eq!(report, Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly));
}

#[test]
fn names_and_values_are_compared_after_unescaping() {
    let report = ok(r#"{"error\u0043ode":"\u0042ad\u0052equest","errorSubcode":"Invitees\u004fnly"}"#);
    assert_eq!(report, Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly));
}

#[test]
fn an_unknown_value_is_parameter_validation_failure_naming_the_property() {
    let error = Report::from_json(br#"{"errorCode":"BadRequest","errorSubcode":"Nope"}"#).unwrap_err();
    assert_eq!(
        (error.subcode(), error.kind(), error.property(), error.offset()),
        (VALIDATION, Kind::UnknownValue, Some(Property::ErrorSubcode), 41)
    );
    // Values are taken exactly: no trimming, and the empty string is not null.
    refused(br#"{"errorCode":" BadRequest"}"#, VALIDATION, Kind::UnknownValue, 13);
    refused(br#"{"errorCode":""}"#, VALIDATION, Kind::UnknownValue, 13);
    refused(br#"{"errorCode":"BadRequest\u0000"}"#, VALIDATION, Kind::UnknownValue, 13);
    // A longer value than any name, and non-ASCII look-alikes.
    refused(br#"{"errorCode":"BadRequestBadRequestBadRequestBadRequest"}"#, VALIDATION, Kind::UnknownValue, 13);
    refused("{\"errorSubcode\":\"Bu\u{17f}y\"}".as_bytes(), VALIDATION, Kind::UnknownValue, 16);
}

#[test]
fn a_property_given_twice_is_parameter_validation_failure() {
    refused(br#"{"errorCode":"Gone","errorcode":"Gone"}"#, VALIDATION, Kind::DuplicateProperty, 20);
    refused(br#"{"errorSubcode":null,"ErrorSubcode":"Busy"}"#, VALIDATION, Kind::DuplicateProperty, 21);
}

#[test]
fn a_non_string_value_is_parameter_validation_failure() {
    for (body, offset) in [
        (&br#"{"errorCode":1}"#[..], 13),
        (br#"{"errorCode":true}"#, 13),
        (br#"{"errorCode":false}"#, 13),
        (br#"{"errorSubcode":["Busy"]}"#, 16),
        (br#"{"errorSubcode":{"a":"Busy"}}"#, 16),
    ] {
        refused(body, VALIDATION, Kind::NotAString, offset);
    }
}

#[test]
fn unknown_properties_are_ignored_but_must_be_well_formed() {
    let report = ok(r#"{"a":[1,-2.5e+3,true,false,null,{"b":{}},[]],"errorCode":"Gone","c":"\ud83d\ude00"}"#);
    assert_eq!(report.error_code, Some(ErrorCode::Gone));
    // Nested members named like the properties are not the properties.
    assert_eq!(ok(r#"{"x":{"errorCode":"Nope"}}"#), Report::EMPTY);
    refused(br#"{"a":[1,]}"#, DESERIALIZATION, Kind::UnexpectedByte, 8);
    refused(br#"{"a":01}"#, DESERIALIZATION, Kind::UnexpectedByte, 6);
    refused(br#"{"a":"\x"}"#, DESERIALIZATION, Kind::InvalidEscape, 6);
}

#[test]
fn syntax_errors_win_over_validation_errors() {
    refused(br#"{"errorCode":"Nope","a":tru}"#, DESERIALIZATION, Kind::UnexpectedByte, 27);
    refused(br#"{"errorCode":"Nope"} x"#, DESERIALIZATION, Kind::TrailingContent, 21);
}

#[test]
fn nesting_deeper_than_32_levels_is_deserialization_failure() {
    let deep = |levels: usize| format!("{{\"a\":{}1{}}}", "[".repeat(levels - 1), "]".repeat(levels - 1));
    assert_eq!(ok(&deep(32)), Report::EMPTY);
    refused(deep(33).as_bytes(), DESERIALIZATION, Kind::TooDeep, 36);
    // A long input of openers stops at the limit, without recursion.
    let hostile = format!("{{\"a\":{}", "[".repeat(1_000_000));
    refused(hostile.as_bytes(), DESERIALIZATION, Kind::TooDeep, 36);
}

#[test]
fn the_root_must_be_an_object() {
    refused(br#"["errorCode"]"#, DESERIALIZATION, Kind::RootNotObject, 0);
    refused(br#""errorCode""#, DESERIALIZATION, Kind::RootNotObject, 0);
    refused(b"null", DESERIALIZATION, Kind::RootNotObject, 0);
}

#[test]
fn raw_control_characters_in_strings_are_deserialization_failure() {
    refused(b"{\"errorCode\":\"Bad\nRequest\"}", DESERIALIZATION, Kind::ControlCharacter, 17);
    refused(b"{\"a\":\"\x00\"}", DESERIALIZATION, Kind::ControlCharacter, 6);
    refused(b"{\"a\":\"\x1f\"}", DESERIALIZATION, Kind::ControlCharacter, 6);
}

#[test]
fn invalid_escapes_and_lone_surrogates_are_deserialization_failure() {
    refused(br#"{"a":"\u12G4"}"#, DESERIALIZATION, Kind::InvalidEscape, 6);
    refused(br#"{"a":"\'"}"#, DESERIALIZATION, Kind::InvalidEscape, 6);
    refused(br#"{"a":"\ud800"}"#, DESERIALIZATION, Kind::LoneSurrogate, 6);
    refused(br#"{"a":"\udc00\ud800"}"#, DESERIALIZATION, Kind::LoneSurrogate, 6);
    refused(br#"{"a":"\ud800\u0041"}"#, DESERIALIZATION, Kind::LoneSurrogate, 6);
}

#[test]
fn trailing_commas_comments_and_trailing_content_are_deserialization_failure() {
    refused(br#"{"errorCode":"Gone",}"#, DESERIALIZATION, Kind::UnexpectedByte, 20);
    refused(br#"{"errorCode":"Gone"/*c*/}"#, DESERIALIZATION, Kind::UnexpectedByte, 19);
    refused(b"// c\n{}", DESERIALIZATION, Kind::RootNotObject, 0);
    refused(b"{}{}", DESERIALIZATION, Kind::TrailingContent, 2);
    assert_eq!(ok("{} \r\n\t"), Report::EMPTY);
}

#[test]
fn malformed_structure_is_deserialization_failure() {
    refused(b"{", DESERIALIZATION, Kind::UnexpectedEnd, 1);
    refused(br#"{"errorCode""#, DESERIALIZATION, Kind::UnexpectedEnd, 12);
    refused(br#"{"errorCode":"Gone""#, DESERIALIZATION, Kind::UnexpectedEnd, 19);
    refused(br#"{"errorCode" "Gone"}"#, DESERIALIZATION, Kind::UnexpectedByte, 13);
    refused(br#"{errorCode:"Gone"}"#, DESERIALIZATION, Kind::UnexpectedByte, 1);
    refused(br#"{"a":-}"#, DESERIALIZATION, Kind::InvalidNumber, 6);
    refused(br#"{"a":1.}"#, DESERIALIZATION, Kind::InvalidNumber, 7);
    refused(br#"{"a":1e}"#, DESERIALIZATION, Kind::InvalidNumber, 7);
    refused(br#"{"a":nul}"#, DESERIALIZATION, Kind::UnexpectedByte, 8);
    refused(br#"{"a":'x'}"#, DESERIALIZATION, Kind::UnexpectedByte, 5);
    refused(b"{\"a\":1\x0b}", DESERIALIZATION, Kind::UnexpectedByte, 6);
}
