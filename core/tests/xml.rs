//! docs/behaviour.md, sections 4.1, 4.3 and 4.4, the XML rules: one test per rule, asserting the
//! subcode and the offset.

use mediadiag::{DecodeErrorKind as Kind, ErrorCode, ErrorSubcode, Property, Report};

const DESERIALIZATION: ErrorSubcode = ErrorSubcode::DeserializationFailure;
const VALIDATION: ErrorSubcode = ErrorSubcode::ParameterValidationFailure;
const NS: &str = "http://schemas.microsoft.com/rtc/2012/03/ucwa";

fn ok(body: &str) -> Report {
    Report::from_xml(body.as_bytes()).unwrap_or_else(|e| panic!("{body:?} refused: {e}"))
}

fn refused_kind(body: &str, subcode: ErrorSubcode, kind: Kind) -> usize {
    let error = Report::from_xml(body.as_bytes()).expect_err(body);
    assert_eq!((error.subcode(), error.kind()), (subcode, kind), "{body:?}");
    error.offset()
}

fn refused(body: &str, subcode: ErrorSubcode, kind: Kind, offset: usize) {
    assert_eq!(refused_kind(body, subcode, kind), offset, "{body:?}");
}

/// `<input xmlns=UCWA>{inner}</input>`.
fn input(inner: &str) -> String {
    format!(r#"<input xmlns="{NS}">{inner}</input>"#)
}

fn code(value: &str) -> String {
    input(&format!(r#"<property name="errorCode">{value}</property>"#))
}

#[test]
fn the_resource_page_example_decodes() {
    let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n  <property name=\"errorCode\">TooManyRequests</property>\n  <property name=\"errorSubcode\">MediaNegotiationFailure</property>\n</input>";
    assert_eq!(ok(body), Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure));
}

#[test]
fn the_root_may_be_input_or_resource_with_a_default_or_prefixed_namespace() {
    assert_eq!(
        ok(&format!(r#"<resource xmlns="{NS}"><property name="errorCode">Gone</property></resource>"#)).error_code,
        Some(ErrorCode::Gone)
    );
    let prefixed = format!(r#"<u:input xmlns:u="{NS}"><u:property name="errorCode">Gone</u:property></u:input>"#);
    assert_eq!(ok(&prefixed).error_code, Some(ErrorCode::Gone));
    // The namespace may be written with references.
    let referenced = r#"<input xmlns="&#104;ttp://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="errorCode">Gone</property></input>"#;
    assert_eq!(ok(referenced).error_code, Some(ErrorCode::Gone));
}

#[test]
fn another_root_or_namespace_is_deserialization_failure() {
    refused(&format!(r#"<reason xmlns="{NS}"/>"#), DESERIALIZATION, Kind::WrongRoot, 0);
    refused(r#"<input/>"#, DESERIALIZATION, Kind::WrongNamespace, 0);
    refused(
        r#"<input xmlns="https://schemas.microsoft.com/rtc/2012/03/ucwa"/>"#,
        DESERIALIZATION,
        Kind::WrongNamespace,
        0,
    );
    refused(&format!(r#"<Input xmlns="{NS}"/>"#), DESERIALIZATION, Kind::WrongRoot, 0);
    refused(&format!(r#"<u:input xmlns="{NS}" xmlns:u="urn:x"/>"#), DESERIALIZATION, Kind::WrongNamespace, 0);
}

#[test]
fn properties_outside_the_ucwa_namespace_or_below_the_root_are_ignored() {
    let body = input(
        r#"<property xmlns="urn:other" name="errorCode">Nope</property><propertyList><property name="errorCode">Nope</property></propertyList><link rel="x" href="y"/><resource rel="r"/>"#,
    );
    assert_eq!(ok(&body), Report::EMPTY);
}

#[test]
fn property_names_and_values_match_ascii_case_insensitively() {
    let body =
        input(r#"<property name="ERRORCODE">toomanyrequests</property><property name="errorsubcode">BUSY</property>"#);
    assert_eq!(ok(&body), Report::new(ErrorCode::TooManyRequests, ErrorSubcode::Busy));
}

#[test]
fn values_are_entity_decoded_cdata_counts_as_text_comments_and_pis_are_skipped() {
    assert_eq!(ok(&code("&#66;ad&#x52;equest")).error_code, Some(ErrorCode::BadRequest));
    assert_eq!(ok(&code("<![CDATA[Bad]]>Re<!-- c --><?pi x?>quest")).error_code, Some(ErrorCode::BadRequest));
    let body = input(r#"<property name="error&#67;ode">Gone</property>"#);
    assert_eq!(ok(&body).error_code, Some(ErrorCode::Gone));
}

#[test]
fn white_space_around_a_value_is_trimmed_and_an_empty_value_is_absent() {
    assert_eq!(
        ok(&code(&format!("\n{}Gone\r\n\t{}", " ".repeat(100), " ".repeat(100)))).error_code,
        Some(ErrorCode::Gone)
    );
    assert_eq!(ok(&input(r#"<property name="errorCode"/>"#)), Report::EMPTY);
    assert_eq!(ok(&code("  \n ")), Report::EMPTY);
    assert_eq!(ok(&code("")), Report::EMPTY);
}

#[test]
fn an_unknown_value_is_parameter_validation_failure_naming_the_property() {
    let error = Report::from_xml(code("Go ne").as_bytes()).unwrap_err();
    assert_eq!(
        (error.subcode(), error.kind(), error.property()),
        (VALIDATION, Kind::UnknownValue, Some(Property::ErrorCode))
    );
    refused(&code("Nope"), VALIDATION, Kind::UnknownValue, 61);
    refused(&code(&"Gone".repeat(20)), VALIDATION, Kind::UnknownValue, 61);
}

#[test]
fn a_property_given_twice_is_parameter_validation_failure() {
    let body = input(r#"<property name="errorCode"/><property name="ErrorCode">Gone</property>"#);
    refused(&body, VALIDATION, Kind::DuplicateProperty, 89);
}

#[test]
fn a_value_with_child_elements_is_parameter_validation_failure() {
    refused(&code("Go<b>ne</b>"), VALIDATION, Kind::NotAString, 61);
}

#[test]
fn syntax_errors_win_over_validation_errors() {
    let body = format!("{}<x>", code("Nope"));
    refused_kind(&body, DESERIALIZATION, Kind::TrailingContent);
}

#[test]
fn empty_and_invalid_utf8_bodies_are_deserialization_failure() {
    refused("", DESERIALIZATION, Kind::Empty, 0);
    refused("\u{feff} \n", DESERIALIZATION, Kind::Empty, 5);
    let mut body = code("Gone").into_bytes();
    body[70] = 0xff;
    let error = Report::from_xml(&body).unwrap_err();
    assert_eq!((error.kind(), error.offset()), (Kind::InvalidUtf8, 70));
}

#[test]
fn an_xml_declaration_is_optional_must_come_first_and_say_utf8() {
    assert_eq!(
        ok(&format!("\u{feff}<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>{}", code("Gone"))).error_code,
        Some(ErrorCode::Gone)
    );
    assert_eq!(ok(&format!("<?xml version=\"1.1\"?>{}", code("Gone"))).error_code, Some(ErrorCode::Gone));
    refused(&format!(" <?xml version=\"1.0\"?>{}", code("Gone")), DESERIALIZATION, Kind::InvalidXmlDeclaration, 1);
    refused(
        &format!("<?xml version=\"1.0\" encoding=\"utf-16\"?>{}", code("Gone")),
        DESERIALIZATION,
        Kind::UnsupportedEncoding,
        29,
    );
    refused(
        &format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{}", code("Gone")),
        DESERIALIZATION,
        Kind::UnsupportedEncoding,
        29,
    );
    refused(&format!("<?xml version=\"2.0\"?>{}", code("Gone")), DESERIALIZATION, Kind::InvalidXmlDeclaration, 19);
    refused(&format!("<?xml encoding=\"utf-8\"?>{}", code("Gone")), DESERIALIZATION, Kind::InvalidXmlDeclaration, 6);
    refused(&format!("{}<?xml version=\"1.0\"?>", code("Gone")), DESERIALIZATION, Kind::InvalidXmlDeclaration, 111);
}

#[test]
fn a_doctype_is_deserialization_failure_and_no_entity_expands() {
    let billion_laughs = format!("<?xml version=\"1.0\"?><!DOCTYPE input [<!ENTITY a \"aaaa\">]>{}", code("&a;"));
    refused(&billion_laughs, DESERIALIZATION, Kind::Doctype, 21);
    refused(&code("&a;"), DESERIALIZATION, Kind::InvalidReference, 88);
    refused(&code("&nbsp;"), DESERIALIZATION, Kind::InvalidReference, 88);
    refused(&input("<!DOCTYPE x>"), DESERIALIZATION, Kind::MalformedMarkup, 61);
}

#[test]
fn mismatched_tags_are_deserialization_failure() {
    refused(
        &format!(r#"<input xmlns="{NS}"><property name="errorCode">Gone</Property></input>"#),
        DESERIALIZATION,
        Kind::MismatchedTag,
        92,
    );
    refused(&format!(r#"<input xmlns="{NS}"><a><b></a></b></input>"#), DESERIALIZATION, Kind::MismatchedTag, 67);
    refused(&format!(r#"<input xmlns="{NS}">"#), DESERIALIZATION, Kind::UnexpectedEnd, 61);
    refused(&format!(r#"<input xmlns="{NS}"></input></input>"#), DESERIALIZATION, Kind::TrailingContent, 69);
}

#[test]
fn duplicate_attributes_are_deserialization_failure() {
    refused(
        &input(r#"<property name="errorCode" name="x">Gone</property>"#),
        DESERIALIZATION,
        Kind::DuplicateAttribute,
        88,
    );
    // The same namespace through two prefixes is the same attribute.
    refused(
        &input(r#"<x xmlns:a="urn:y" xmlns:b="urn:y" a:n="1" b:n="2"/>"#),
        DESERIALIZATION,
        Kind::DuplicateAttribute,
        104,
    );
    assert_eq!(ok(&input(r#"<x xmlns:a="urn:y" xmlns:b="urn:z" a:n="1" b:n="2" n="3"/>"#)), Report::EMPTY);
    // Namespace names are compared after references are decoded: a reference and the
    // character it stands for (ASCII or not) name the same namespace.
    refused_kind(
        &input(r#"<x xmlns:a="urn:&#233;" xmlns:b="urn:é" a:n="1" b:n="2"/>"#),
        DESERIALIZATION,
        Kind::DuplicateAttribute,
    );
    refused_kind(
        &input(r#"<x xmlns:a="urn:&#x79;" xmlns:b="urn:y" a:n="1" b:n="2"/>"#),
        DESERIALIZATION,
        Kind::DuplicateAttribute,
    );
    assert_eq!(ok(&input(r#"<x xmlns:a="urn:&#233;" xmlns:b="urn:e" a:n="1" b:n="2"/>"#)), Report::EMPTY);
    // xml:lang twice through the predeclared prefix and an explicit declaration of it.
    refused_kind(
        &input(r#"<x xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en" xml:lang="fr"/>"#),
        DESERIALIZATION,
        Kind::DuplicateAttribute,
    );
    // An attribute of a prefix that nothing declares, after a duplicate: the first fault wins.
    refused(&input(r#"<x n="1" n="2" q:n="3"/>"#), DESERIALIZATION, Kind::DuplicateAttribute, 70);
    refused(&input(r#"<x q:n="3" n="1" n="2"/>"#), DESERIALIZATION, Kind::UndeclaredPrefix, 64);
}

#[test]
fn undeclared_prefixes_and_bad_declarations_are_deserialization_failure() {
    refused(&input("<p:x/>"), DESERIALIZATION, Kind::UndeclaredPrefix, 62);
    refused(&input(r#"<x p:a="1"/>"#), DESERIALIZATION, Kind::UndeclaredPrefix, 64);
    refused(&input(r#"<x xmlns:p=""/>"#), DESERIALIZATION, Kind::InvalidNamespaceDeclaration, 64);
    refused(&input(r#"<x xmlns:xml="urn:x"/>"#), DESERIALIZATION, Kind::InvalidNamespaceDeclaration, 64);
    refused(&input(r#"<x xmlns:xmlns="urn:x"/>"#), DESERIALIZATION, Kind::InvalidNamespaceDeclaration, 64);
    refused(&input(r#"<x:y:z/>"#), DESERIALIZATION, Kind::InvalidName, 62);
    // Bindings end with their element.
    refused(&input(r#"<x xmlns:p="urn:x"/><p:y/>"#), DESERIALIZATION, Kind::UndeclaredPrefix, 82);
    assert_eq!(ok(&input(r#"<x xml:lang="en" xmlns:xml="http://www.w3.org/XML/1998/namespace"/>"#)), Report::EMPTY);
}

#[test]
fn misplaced_lt_and_amp_are_deserialization_failure() {
    refused(&code("Go&ne"), DESERIALIZATION, Kind::InvalidReference, 90);
    refused(&input(r#"<x a="<"/>"#), DESERIALIZATION, Kind::MalformedMarkup, 67);
    refused(&input(r#"<x a="&"/>"#), DESERIALIZATION, Kind::InvalidReference, 67);
    refused(&code("a < b"), DESERIALIZATION, Kind::InvalidName, 91);
    refused(&code("a ]]> b"), DESERIALIZATION, Kind::MisplacedText, 90);
}

#[test]
fn characters_outside_the_xml_char_range_are_deserialization_failure() {
    refused(&code("Go\u{1}ne"), DESERIALIZATION, Kind::InvalidXmlChar, 90);
    refused(&code("Go\u{ffff}ne"), DESERIALIZATION, Kind::InvalidXmlChar, 90);
    for reference in ["&#0;", "&#xD800;", "&#x110000;", "&#99999999999999999999;", "&#X41;", "&#;"] {
        refused(&code(reference), DESERIALIZATION, Kind::InvalidReference, 88);
    }
}

#[test]
fn nesting_deeper_than_32_levels_is_deserialization_failure() {
    let deep = |levels: usize| input(&format!("{}{}", "<a>".repeat(levels - 1), "</a>".repeat(levels - 1)));
    assert_eq!(ok(&deep(32)), Report::EMPTY);
    refused(&deep(33), DESERIALIZATION, Kind::TooDeep, 61 + 31 * 3);
    let hostile = input(&"<a>".repeat(1_000_000));
    refused(&hostile, DESERIALIZATION, Kind::TooDeep, 61 + 31 * 3);
}

#[test]
fn resource_limits_on_attributes_are_deserialization_failure() {
    let many: String = (0..17).map(|i| format!(" a{i}=\"\"")).collect();
    refused_kind(&input(&format!("<x{many}/>")), DESERIALIZATION, Kind::TooManyAttributes);
}

#[test]
fn text_outside_the_root_and_malformed_markup_are_deserialization_failure() {
    refused(&format!("x{}", code("Gone")), DESERIALIZATION, Kind::MisplacedText, 0);
    refused(&format!("{}x", code("Gone")), DESERIALIZATION, Kind::TrailingContent, 111);
    assert_eq!(ok(&format!("<!-- a --><?pi?>\n{}\n<!-- b -->", code("Gone"))).error_code, Some(ErrorCode::Gone));
    refused(&format!("<!-- a -- b -->{}", code("Gone")), DESERIALIZATION, Kind::MalformedMarkup, 7);
    refused(&format!("<!-- a --->{}", code("Gone")), DESERIALIZATION, Kind::MalformedMarkup, 7);
    refused(&input("<![CDATA[x"), DESERIALIZATION, Kind::UnexpectedEnd, 79);
    refused(&input("<x a=1/>"), DESERIALIZATION, Kind::MalformedMarkup, 66);
    refused(&input(r#"<x a="1"b="2"/>"#), DESERIALIZATION, Kind::MalformedMarkup, 69);
    refused(&input("<1/>"), DESERIALIZATION, Kind::InvalidName, 62);
}

#[test]
fn more_namespace_declarations_in_scope_than_the_limit_are_deserialization_failure() {
    let declarations = |n: usize| (0..n).map(|i| format!(" xmlns:p{i}=\"urn:{i}\"")).collect::<String>();
    // 16 on the root and 16 on a child: 32 in scope, accepted.
    let ok_body = format!(r#"<input xmlns="{NS}"{}><x{}/></input>"#, declarations(15), declarations(16));
    assert_eq!(Report::from_xml(ok_body.as_bytes()), Ok(Report::EMPTY));
    let too_many =
        format!(r#"<input xmlns="{NS}"{}><x{}><y xmlns:q="urn:q"/></x></input>"#, declarations(15), declarations(16));
    refused_kind(&too_many, DESERIALIZATION, Kind::TooManyNamespaces);
}

#[test]
fn a_start_tag_longer_than_the_limit_is_deserialization_failure() {
    use mediadiag::MAX_START_TAG_LEN;
    // `<x a="…"/>` inside the root: the tag starts at 61, its value ends `"/>` before the end.
    let tag = |value_len: usize| input(&format!(r#"<x a="{}"/>"#, "v".repeat(value_len)));
    // From `<` to the end of the value: `<x a="` (6 bytes) and the value.
    assert_eq!(ok(&tag(MAX_START_TAG_LEN - 6)), Report::EMPTY);
    refused(&tag(MAX_START_TAG_LEN - 5), DESERIALIZATION, Kind::TooManyAttributes, 64);
    // Long text, comments and many short tags are not limited.
    let long_text = input(&format!("<x>{}</x>{}", "t".repeat(2 * MAX_START_TAG_LEN), "<y/>".repeat(20_000)));
    assert_eq!(ok(&long_text), Report::EMPTY);
}
