//! docs/behaviour.md, sections 1, 3, 5 and 6: the path, media types, error bodies and scopes.

use mediadiag::route::{DEFAULT_PREFIXES, MAX_ID_LEN, match_path};
use mediadiag::{Encoding, ErrorCode, ErrorSubcode, Fault, MediaType, MediaTypeError, Report, Scope, Scopes};

const RESOURCE: &str = "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics";

#[test]
fn the_resource_path_matches_under_both_default_prefixes() {
    let target = match_path(RESOURCE, &DEFAULT_PREFIXES).expect("on-premises path");
    assert_eq!((target.application_id(), target.conversation_id()), ("192", "137"));
    let online = RESOURCE.replacen("/ucwa/v1", "/ucwa/oauth/v1", 1);
    assert!(match_path(&online, &DEFAULT_PREFIXES).is_some());
    assert!(match_path(&format!("{RESOURCE}?x=1&y"), &DEFAULT_PREFIXES).is_some(), "the query string is ignored");
    let custom = RESOURCE.replacen("/ucwa/v1", "/api", 1);
    assert!(match_path(&custom, &["/api"]).is_some());
    assert!(match_path(&custom, &DEFAULT_PREFIXES).is_none());
}

#[test]
fn anything_else_is_not_a_match() {
    let long_id = "a".repeat(MAX_ID_LEN + 1);
    let max_id = "a".repeat(MAX_ID_LEN);
    assert!(match_path(&RESOURCE.replace("/192/", &format!("/{max_id}/")), &DEFAULT_PREFIXES).is_some());
    for path in [
        RESOURCE.replace("reportMediaDiagnostics", "reportmediadiagnostics"),
        RESOURCE.replace("/ucwa/", "/UCWA/"),
        format!("{RESOURCE}/"),
        RESOURCE.replace("/192/", "//"),
        RESOURCE.replace("/192/", &format!("/{long_id}/")),
        RESOURCE.replace("/192/", "/1%202/"),
        RESOURCE.replace("/137/", "/13 7/"),
        RESOURCE.replace("/137/", "/1:7/"),
        RESOURCE.replace("/137/", "/1/7/"),
        RESOURCE.replace("audioVideo", "applicationSharing"),
        "/ucwa/v1/applications/192".to_owned(),
        String::new(),
    ] {
        assert!(match_path(&path, &DEFAULT_PREFIXES).is_none(), "{path}");
    }
    assert!(match_path(&RESOURCE.replace("/192/", "/A-z._~9/"), &DEFAULT_PREFIXES).is_some());
}

#[test]
fn content_types_are_matched_case_insensitively_with_a_utf8_charset() {
    let accepted = [
        ("application/json", MediaType::Json),
        ("APPLICATION/JSON; charset=UTF-8", MediaType::Json),
        ("application/xml;charset=\"utf-8\"", MediaType::Xml),
        ("application/vnd.microsoft.com.ucwa+json", MediaType::UcwaJson),
        ("application/vnd.microsoft.com.ucwa+xml ; foo=bar", MediaType::UcwaXml),
        ("application/vnd.microsoft.ucwa+json", MediaType::UcwaJsonShort),
        ("application/vnd.microsoft.ucwa+xml", MediaType::UcwaXmlShort),
    ];
    for (header, media) in accepted {
        assert_eq!(MediaType::from_content_type(header.as_bytes()), Ok(media), "{header}");
    }
    assert_eq!(MediaType::UcwaXml.encoding(), Encoding::Xml);
    assert_eq!(MediaType::UcwaJsonShort.encoding(), Encoding::Json);
}

#[test]
fn other_content_types_and_charsets_are_refused() {
    let refused = [
        ("text/plain", MediaTypeError::Unsupported),
        ("application/x-www-form-urlencoded", MediaTypeError::Unsupported),
        ("application/json; charset=iso-8859-1", MediaTypeError::Charset),
        ("application/json; charset=\"utf-16\"", MediaTypeError::Charset),
        ("application/json; charset=utf-8; charset=latin1", MediaTypeError::Charset),
        ("application/json;", MediaTypeError::Malformed),
        ("application/json charset=utf-8", MediaTypeError::Malformed),
        ("application", MediaTypeError::Malformed),
        ("", MediaTypeError::Malformed),
        ("application/json; charset=\"utf-8", MediaTypeError::Malformed),
    ];
    for (header, error) in refused {
        assert_eq!(MediaType::from_content_type(header.as_bytes()), Err(error), "{header}");
    }
}

#[test]
fn error_bodies_follow_accept_then_the_request_then_json() {
    let choose = |accept: Option<&str>, request| MediaType::for_error(accept.map(str::as_bytes), request);
    assert_eq!(choose(Some("application/xml"), Some(MediaType::Json)), MediaType::Xml);
    assert_eq!(choose(Some("application/vnd.microsoft.com.ucwa+xml"), None), MediaType::UcwaXml);
    assert_eq!(choose(Some("application/json;q=0.5, application/xml"), None), MediaType::Xml);
    assert_eq!(choose(Some("application/xml;q=0, application/json;q=0.1"), Some(MediaType::Xml)), MediaType::Json);
    assert_eq!(choose(Some("*/*"), Some(MediaType::Xml)), MediaType::Xml);
    assert_eq!(choose(Some("text/html"), Some(MediaType::UcwaXml)), MediaType::UcwaXml);
    assert_eq!(choose(Some("application/xml;q=2"), None), MediaType::Json);
    assert_eq!(choose(None, None), MediaType::Json);
    assert_eq!(MediaType::UcwaJson.content_type(), "application/vnd.microsoft.com.ucwa+json; charset=utf-8");
}

#[test]
fn fault_bodies_are_compact_ucwa_json_and_xml() {
    let mut buf = [0u8; Fault::MAX_LEN];
    let fault = Fault::new(ErrorCode::Conflict, Some(ErrorSubcode::AlreadyExists), "Say \"hi\" <now> & \\ \u{1}");
    let len = fault.write(Encoding::Json, &mut buf).unwrap();
    assert_eq!(
        std::str::from_utf8(&buf[..len]).unwrap(),
        r#"{"code":"Conflict","subcode":"AlreadyExists","message":"Say \"hi\" <now> & \\ \u0001"}"#
    );
    let json: serde_json::Value = serde_json::from_slice(&buf[..len]).unwrap();
    assert_eq!(json["message"], "Say \"hi\" <now> & \\ \u{1}");
    let len = fault.write(Encoding::Xml, &mut buf).unwrap();
    let xml = std::str::from_utf8(&buf[..len]).unwrap();
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><reason xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><code>Conflict</code><subcode>AlreadyExists</subcode><message>Say \"hi\" &lt;now&gt; &amp; \\ \u{fffd}</message></reason>"
    );
    let no_subcode = Fault::new(ErrorCode::MethodNotAllowed, None, "Only POST is allowed.");
    let len = no_subcode.write(Encoding::Json, &mut buf).unwrap();
    assert_eq!(&buf[..len], br#"{"code":"MethodNotAllowed","message":"Only POST is allowed."}"#);
    assert!(no_subcode.write(Encoding::Json, &mut buf[..10]).is_err());
}

#[test]
fn decode_faults_name_the_property_and_never_echo_input() {
    let error = Report::from_xml(
        br#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="errorSubcode">&lt;script&gt;</property></input>"#,
    )
    .unwrap_err();
    let mut buf = [0u8; Fault::MAX_LEN];
    let len = Fault::from_decode_error(&error).write(Encoding::Xml, &mut buf).unwrap();
    let xml = std::str::from_utf8(&buf[..len]).unwrap();
    assert!(xml.contains("<subcode>ParameterValidationFailure</subcode>"), "{xml}");
    assert!(
        xml.contains(r#"<parameters><property name="errorSubcode">not a known value</property></parameters>"#),
        "{xml}"
    );
    assert!(!xml.contains("script"), "{xml}");
    let error = Report::from_json(b"{\"x\":\"secret\x01\"}").unwrap_err();
    let len = Fault::from_decode_error(&error).write(Encoding::Json, &mut buf).unwrap();
    let json = std::str::from_utf8(&buf[..len]).unwrap();
    assert_eq!(
        json,
        r#"{"code":"BadRequest","subcode":"DeserializationFailure","message":"The request body could not be deserialized. (byte 12)"}"#
    );
}

#[test]
fn scopes_come_from_a_space_separated_scp_and_compare_exactly() {
    assert!(Scopes::from_scp("Conversations.Initiate").contains(Scope::ConversationsInitiate));
    assert!(Scopes::from_scp("a  Conversations.Receive b").allows_report());
    assert_eq!(Scopes::from_scp("Conversations.Initiate Conversations.Receive"), Scopes::BOTH);
    for scp in [
        "",
        "User.ReadWrite Contacts.ReadWrite",
        "conversations.initiate",
        "Conversations.Initiate,Conversations.Receive",
        "Conversations.Initiate\tx",
    ] {
        assert!(!Scopes::from_scp(scp).allows_report(), "{scp:?}");
    }
    assert_eq!(
        Scopes::BOTH.iter().map(Scope::as_str).collect::<Vec<_>>(),
        ["Conversations.Initiate", "Conversations.Receive"]
    );
    assert_eq!(mediadiag::REQUIRED_SCOPES, "Conversations.Initiate Conversations.Receive");
}
