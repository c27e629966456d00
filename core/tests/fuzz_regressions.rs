//! Inputs the fuzz targets (see FUZZING.md) turned up, each with the verdict that
//! docs/behaviour.md, section 4, gives it. An input stays here once found, whichever side was
//! wrong: the decoder, or the oracle it was compared with.

use mediadiag::{ErrorCode, ErrorSubcode, Report};

const DESERIALIZATION: ErrorSubcode = ErrorSubcode::DeserializationFailure;

fn xml_refused(body: &[u8]) {
    let error = Report::from_xml(body).expect_err(&String::from_utf8_lossy(body));
    assert_eq!(error.subcode(), DESERIALIZATION, "{:?}: {error}", String::from_utf8_lossy(body));
}

fn xml_accepted(body: &[u8], expected: Report) {
    let report = Report::from_xml(body).unwrap_or_else(|e| panic!("{:?} refused: {e}", String::from_utf8_lossy(body)));
    assert_eq!(report, expected);
}

/// xml_differential: roxmltree 0.20 accepts any VersionNum; XML 1.0 says `1.` and digits.
#[test]
fn xml_declaration_version_0_1() {
    xml_refused(b"<?xml version=\"0.1\"?><input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><property name=\"errorCode\">Gone</property></input>");
}

/// xml_differential: a processing instruction's target must be followed by white space or
/// `?>` (production 16); roxmltree 0.20 reads `<?p<x?>` as target `p`.
#[test]
fn processing_instruction_target_followed_by_markup() {
    xml_refused(b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><property name=\"errorCode\">Re<?p<inputi x?>quest</property></input>");
    xml_refused(b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><?p<x?></input>");
}

/// xml_differential: an attribute name with a leading colon is a `Name` but not a `QName`
/// (Namespaces in XML); roxmltree 0.20 accepts it.
#[test]
fn attribute_name_with_a_leading_colon() {
    xml_refused(b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><x :xlmalng=\"en\" xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"/></input>");
}

/// xml_differential: a character reference past U+10FFFF names no `Char`; roxmltree 0.20
/// accepts it in an attribute value.
#[test]
fn character_reference_past_the_unicode_range_in_an_attribute() {
    xml_refused(b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><property name=\"errorCode\">Gone</property><property name=\"errorSubcJJJxmlns:JJ&#x11FFFF;JJode\">TransferTargetDeclined</property></input>");
    xml_refused(b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><property name=\"errorCode\">PreconditionFaTooManyConversations>&#x11FFFF;LrrorSubcode\">Missed</property></input>");
}

/// xml_differential: `</:a>` does not end `<a>`; roxmltree 0.20 takes it as `</a>`.
#[test]
fn end_tag_with_an_empty_prefix() {
    let body = format!(
        "<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">{}</a></a></:a>{}</input>",
        "<a>".repeat(31),
        "</a>".repeat(28)
    );
    xml_refused(body.as_bytes());
    xml_refused(b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><a></:a></input>");
}

/// xml_differential: the `xml` prefix is bound by definition, on elements as on attributes
/// (Namespaces in XML, section 3); roxmltree 0.20 refuses `<xml:a/>` even when declared.
#[test]
fn element_with_the_xml_prefix() {
    xml_accepted(
        b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><xml:axl ng=\"en\" xmlns:xmoft.comespal=\"http://www.w6.p10/XML/A99&#x41;8/namespace\"/></input>",
        Report::EMPTY,
    );
    xml_accepted(
        b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><xml:a><xml:b xml:lang=\"x\"></xml:b ></xml:a><property name=\"errorCode\">Gone</property></input>",
        Report { error_code: Some(ErrorCode::Gone), error_subcode: None },
    );
}

/// xml_differential: `xmlns` twice on one element is a duplicate attribute; roxmltree 0.20
/// keeps the last declaration.
#[test]
fn default_namespace_declared_twice() {
    xml_refused(
        b"<input\r\r\r\r\r\r\rxmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\" xmlns=\"\n\n\n\n/\">H0</input>",
    );
    xml_refused(b"<input xmlns=\"\" xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"/>");
}

/// Found while triaging the input above: roxmltree 0.20 also accepts these declarations,
/// which Namespaces in XML 1.0 forbids.
#[test]
fn forbidden_namespace_declarations() {
    xml_refused(b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><x xmlns:p=\"\"/></input>");
    xml_refused(b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><x xmlns:xmlns=\"urn:x\"/></input>");
}

/// xml_differential: `xml:xmlns="…"` is an ordinary attribute (prefix `xml`, local name
/// `xmlns`), not a namespace declaration, so this root is in no namespace; roxmltree 0.20
/// binds the default namespace with it.
#[test]
fn prefixed_xmlns_attribute_declares_nothing() {
    xml_refused(b"<input xml:xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">/property><property name=\"errroSubcofe\">actonExpired</property></input>");
    xml_refused(b"<input xmlns:p=\"urn:p\" p:xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"/>");
}

/// xml_differential (the CI smoke run of a fresh clone, within 30 s): `<?xml` followed by a
/// tab is an XML declaration (`S` is any XML white space); roxmltree 0.20 reads it as a
/// processing instruction named `xml`.
#[test]
fn xml_declaration_after_a_tab() {
    xml_accepted(
        "\u{feff}<?xml\t version='1.0' encoding='UTF-8' standalone='yes' ?><input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><property name=\"errorCode\">Gone</property></input>".as_bytes(),
        Report { error_code: Some(ErrorCode::Gone), error_subcode: None },
    );
    xml_accepted(
        b"<?xml\nversion='1.0'\tencoding='utf-8'\rstandalone='no'\n?><input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"/>",
        Report::EMPTY,
    );
}

/// xml_differential (the campaign after the firmware size work, within 9 minutes): only one
/// leading byte order mark is one; a second is the character U+FEFF before the root, which
/// roxmltree 0.20 skips too.
#[test]
fn second_byte_order_mark() {
    let body = "\u{feff}\u{feff}<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"/>";
    xml_refused(body.as_bytes());
    let error = Report::from_xml(body.as_bytes()).unwrap_err();
    assert_eq!((error.kind(), error.offset()), (mediadiag::DecodeErrorKind::MisplacedText, 3));
    xml_accepted(&body.as_bytes()[3..], Report::EMPTY);
}
