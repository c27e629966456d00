//! docs/behaviour.md, section 1: both forms of the resource's href, and the rules of the
//! Online form's query (section 1.2).

use mediadiag::route::{
    CallTarget, DEFAULT_PREFIXES, MAX_CALL_ID_LEN, MAX_MEDIA_TYPE_LEN, MAX_URI_LEN, Modality, QueryError,
    QueryErrorKind, QueryParameter, Resource, match_path, match_resource,
};
use mediadiag::{Encoding, ErrorCode, ErrorSubcode, Fault};
use proptest::prelude::*;

/// The href Skype for Business Online advertised (reference/online-capture.md).
const CAPTURED: &str = "/ucwa/oauth/v1/applications/10672188129/communication/callMediaDiagnostics?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net&mediaType=Audio&toUri=sip%3adele%40traderlynk.com";

const CALL_PATH: &str = "/ucwa/v1/applications/192/communication/callMediaDiagnostics";
const DOCUMENTED: &str = "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics";
const VALID_QUERY: &str = "callId=c1&fromUri=sip%3aa%40b&toUri=sip%3ab%40c&mediaType=Audio";

fn call(href: &str) -> CallTarget<'_> {
    match match_resource(href, &DEFAULT_PREFIXES) {
        Some(Ok(Resource::Call(call))) => call,
        other => panic!("{href}: {other:?}"),
    }
}

fn refused(query: &str) -> QueryError {
    let href = format!("{CALL_PATH}?{query}");
    match match_resource(&href, &DEFAULT_PREFIXES) {
        Some(Err(error)) => error,
        other => panic!("{href}: {other:?}"),
    }
}

fn refused_for(query: &str, parameter: Option<QueryParameter>, kind: QueryErrorKind) {
    assert_eq!(refused(query), QueryError { parameter, kind }, "{query}");
}

/// The decoded value of a parameter.
fn text(call: &CallTarget<'_>, parameter: QueryParameter) -> String {
    let mut buf = [0u8; MAX_URI_LEN];
    call.get(parameter).decode_into(&mut buf).expect("the buffer holds any value").to_owned()
}

/// The query with `value` (written as given) for `parameter` and valid values for the others.
fn with(parameter: QueryParameter, value: &str) -> String {
    let values = [("callId", "c1"), ("fromUri", "a"), ("toUri", "b"), ("mediaType", "Audio")];
    values
        .iter()
        .map(|&(name, valid)| format!("{name}={}", if name == parameter.name() { value } else { valid }))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn the_captured_href_is_the_resource_with_its_call() {
    let call = call(CAPTURED);
    assert_eq!(call.application_id(), "10672188129");
    assert_eq!(&CAPTURED[call.application_id_range()], "10672188129");
    assert_eq!(text(&call, QueryParameter::CallId), "fc86b78dd87947949c7831d88abbb311");
    assert_eq!(text(&call, QueryParameter::FromUri), "sip:dele@olajide.net");
    assert_eq!(text(&call, QueryParameter::ToUri), "sip:dele@traderlynk.com");
    assert_eq!(text(&call, QueryParameter::MediaType), "Audio");
    assert_eq!(call.modality(), Some(Modality::Audio));
    // The ranges are of the values as written, escapes and all.
    assert_eq!(&CAPTURED[call.from_uri_range()], "sip%3adele%40olajide.net");
    assert_eq!(&CAPTURED[call.to_uri_range()], "sip%3adele%40traderlynk.com");
    assert_eq!(&CAPTURED[call.call_id_range()], "fc86b78dd87947949c7831d88abbb311");
    assert_eq!(&CAPTURED[call.media_type_range()], "Audio");
    assert_eq!(call.from_uri().raw(), "sip%3adele%40olajide.net");
    let resource = match_resource(CAPTURED, &DEFAULT_PREFIXES).unwrap().unwrap();
    assert_eq!(
        (resource.application_id(), resource.application_id_range()),
        ("10672188129", call.application_id_range())
    );
    // Under the other default prefix, and under a configured one.
    assert!(matches!(match_resource(&CAPTURED.replacen("/oauth", "", 1), &DEFAULT_PREFIXES), Some(Ok(_))));
    let custom = CAPTURED.replacen("/ucwa/oauth/v1", "/api", 1);
    assert!(matches!(match_resource(&custom, &["/api"]), Some(Ok(Resource::Call(_)))));
    assert_eq!(match_resource(&custom, &DEFAULT_PREFIXES), None);
    // The documented form's matcher does not take it.
    assert_eq!(match_path(CAPTURED, &DEFAULT_PREFIXES), None);
}

#[test]
fn the_documented_form_is_matched_as_before_and_ignores_its_query() {
    for href in [DOCUMENTED.to_owned(), format!("{DOCUMENTED}?callId=%G1&+&x"), format!("{DOCUMENTED}?")] {
        let Some(Ok(Resource::Conversation(target))) = match_resource(&href, &DEFAULT_PREFIXES) else {
            panic!("{href}")
        };
        assert_eq!((target.application_id(), target.conversation_id()), ("192", "137"));
        assert_eq!(Some(target), match_path(&href, &DEFAULT_PREFIXES));
    }
}

#[test]
fn parameters_come_in_any_order() {
    let pieces = ["callId=c1", "fromUri=sip%3aa%40b", "toUri=sip%3Ab%40c", "mediaType=Video"];
    let mut orders = 0;
    for order in (0..4usize.pow(4)).map(|n| [n % 4, n / 4 % 4, n / 16 % 4, n / 64]) {
        if (0..4).any(|i| !order.contains(&i)) {
            continue;
        }
        orders += 1;
        let href = format!("{CALL_PATH}?{}", order.map(|i| pieces[i]).join("&"));
        let call = call(&href);
        assert_eq!(text(&call, QueryParameter::CallId), "c1", "{href}");
        assert_eq!(text(&call, QueryParameter::FromUri), "sip:a@b", "{href}");
        assert_eq!(text(&call, QueryParameter::ToUri), "sip:b@c", "{href}");
        assert_eq!(call.modality(), Some(Modality::Video), "{href}");
    }
    assert_eq!(orders, 24);
}

#[test]
fn escapes_decode_in_either_case() {
    for (raw, decoded) in [("sip%3adele%40x", "sip:dele@x"), ("sip%3Adele%40X", "sip:dele@X"), ("%e2%82%AC", "€")] {
        let href = format!("{CALL_PATH}?{}", with(QueryParameter::FromUri, raw));
        let call = call(&href);
        let from = call.from_uri();
        assert_eq!(text(&call, QueryParameter::FromUri), decoded);
        assert_eq!(from.decoded_len(), decoded.len());
        assert_eq!(from.bytes().collect::<Vec<u8>>(), decoded.as_bytes());
        assert_eq!(from.to_string(), decoded);
        assert_eq!(from.raw(), raw);
    }
}

#[test]
fn a_missing_parameter_is_refused_each_by_name() {
    for parameter in QueryParameter::ALL {
        let query = with(parameter, "x")
            .split('&')
            .filter(|piece| !piece.starts_with(parameter.name()))
            .collect::<Vec<_>>()
            .join("&");
        refused_for(&query, Some(parameter), QueryErrorKind::Missing);
    }
    // No query at all, or an empty one: the first parameter is missing.
    for href in [CALL_PATH.to_owned(), format!("{CALL_PATH}?")] {
        let error = match_resource(&href, &DEFAULT_PREFIXES).unwrap().unwrap_err();
        assert_eq!(error, QueryError { parameter: Some(QueryParameter::CallId), kind: QueryErrorKind::Missing });
    }
    // Names compare exactly: another case is another name.
    refused_for(&VALID_QUERY.replace("callId", "CallId"), Some(QueryParameter::CallId), QueryErrorKind::Missing);
    refused_for(&VALID_QUERY.replace("callId", "call%49d"), Some(QueryParameter::CallId), QueryErrorKind::Missing);
}

#[test]
fn a_repeated_parameter_is_refused_each_by_name() {
    for parameter in QueryParameter::ALL {
        refused_for(&format!("{VALID_QUERY}&{}=again", parameter.name()), Some(parameter), QueryErrorKind::Repeated);
        // Whatever the values.
        let twice = format!("{}={}&{VALID_QUERY}", parameter.name(), "Audio");
        refused_for(&twice, Some(parameter), QueryErrorKind::Repeated);
    }
}

#[test]
fn malformed_escapes_are_refused() {
    for raw in ["%G1", "%", "a%", "%4", "a%4", "%%41", "%4g"] {
        refused_for(&with(QueryParameter::CallId, raw), Some(QueryParameter::CallId), QueryErrorKind::BadEscape);
    }
}

#[test]
fn values_are_bounded_once_decoded() {
    let bounds = [
        (QueryParameter::CallId, MAX_CALL_ID_LEN),
        (QueryParameter::FromUri, MAX_URI_LEN),
        (QueryParameter::ToUri, MAX_URI_LEN),
        (QueryParameter::MediaType, MAX_MEDIA_TYPE_LEN),
    ];
    for (parameter, bound) in bounds {
        assert_eq!(parameter.max_len(), bound);
        let href = format!("{CALL_PATH}?{}", with(parameter, &"%41".repeat(bound)));
        let at_bound = call(&href);
        assert_eq!(at_bound.get(parameter).decoded_len(), bound, "{parameter}: escapes count once decoded");
        assert_eq!(text(&at_bound, parameter), "A".repeat(bound));
        refused_for(&with(parameter, &"a".repeat(bound + 1)), Some(parameter), QueryErrorKind::TooLong);
    }
    // The bounds are the contract's: a call id of 64, URIs of 320, a modality of 32 bytes.
    assert_eq!((MAX_CALL_ID_LEN, MAX_URI_LEN, MAX_MEDIA_TYPE_LEN), (64, 320, 32));
}

#[test]
fn values_must_decode_to_utf8_text() {
    for raw in ["%FF", "a%C3", "%C3%28", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%E2%82"] {
        refused_for(&with(QueryParameter::FromUri, raw), Some(QueryParameter::FromUri), QueryErrorKind::NotUtf8);
    }
    for raw in ["%00", "a%0Ab", "%0d%0a", "%7F", "%1F"] {
        refused_for(&with(QueryParameter::ToUri, raw), Some(QueryParameter::ToUri), QueryErrorKind::ControlCharacter);
    }
    // The first problem in decoded order wins.
    refused_for(&with(QueryParameter::ToUri, "%00%FF"), Some(QueryParameter::ToUri), QueryErrorKind::ControlCharacter);
    refused_for(&with(QueryParameter::ToUri, "%FF%00"), Some(QueryParameter::ToUri), QueryErrorKind::NotUtf8);
    // Any other character is text, four-byte ones included.
    let href = format!("{CALL_PATH}?{}", with(QueryParameter::ToUri, "sip%3a%C3%A9%F0%9F%93%9E%40x"));
    let call = call(&href);
    assert_eq!(text(&call, QueryParameter::ToUri), "sip:é📞@x");
}

#[test]
fn empty_values_are_refused() {
    for parameter in QueryParameter::ALL {
        refused_for(&with(parameter, ""), Some(parameter), QueryErrorKind::Empty);
        // A name without `=` has an empty value.
        let bare = with(parameter, "").replace(&format!("{}=", parameter.name()), parameter.name());
        refused_for(&bare, Some(parameter), QueryErrorKind::Empty);
    }
}

#[test]
fn a_plus_is_refused_in_a_value_and_its_escape_taken() {
    refused_for(
        &with(QueryParameter::FromUri, "tel:+14255550100"),
        Some(QueryParameter::FromUri),
        QueryErrorKind::Plus,
    );
    refused_for(&with(QueryParameter::CallId, "a+b"), Some(QueryParameter::CallId), QueryErrorKind::Plus);
    let href = format!("{CALL_PATH}?{}", with(QueryParameter::FromUri, "tel:%2B14255550100"));
    let call = call(&href);
    assert_eq!(text(&call, QueryParameter::FromUri), "tel:+14255550100");
    // In a parameter of another name, nothing is read into a `+`.
    assert!(matches!(match_resource(&format!("{CALL_PATH}?{VALID_QUERY}&x=a+b"), &DEFAULT_PREFIXES), Some(Ok(_))));
}

#[test]
fn characters_a_query_does_not_allow_are_refused() {
    for raw in ["a b", "a\"b", "a#b", "a<b", "a[b", "a\\b", "a^b", "a`b", "a{b", "a|b", "é", "a\u{7f}"] {
        refused_for(&with(QueryParameter::ToUri, raw), Some(QueryParameter::ToUri), QueryErrorKind::InvalidCharacter);
    }
    // Every other query character is taken as written, `=` and `?` included.
    let href = format!("{CALL_PATH}?{}", with(QueryParameter::ToUri, "sip:a@b;x=y/?!$'()*,~"));
    let call = call(&href);
    assert_eq!(text(&call, QueryParameter::ToUri), "sip:a@b;x=y/?!$'()*,~");
}

#[test]
fn parameters_of_other_names_are_ignored_once_well_formed() {
    for extra in ["x=1", "x", "x=", "=y", "X-Ms=%2F%3a", "_=a+b=c"] {
        for query in [format!("{extra}&{VALID_QUERY}"), format!("{VALID_QUERY}&{extra}")] {
            let href = format!("{CALL_PATH}?{query}");
            let call = call(&href);
            assert_eq!(text(&call, QueryParameter::CallId), "c1", "{query}");
        }
    }
    for (extra, kind) in [
        ("x=%G1", QueryErrorKind::BadEscape),
        ("x=a%", QueryErrorKind::BadEscape),
        ("x=a b", QueryErrorKind::InvalidCharacter),
        ("x%zz", QueryErrorKind::BadEscape),
    ] {
        refused_for(&format!("{VALID_QUERY}&{extra}"), None, kind);
    }
    // Empty pieces are nothing.
    for query in [format!("&{VALID_QUERY}"), format!("{VALID_QUERY}&"), VALID_QUERY.replace('&', "&&")] {
        assert!(matches!(match_resource(&format!("{CALL_PATH}?{query}"), &DEFAULT_PREFIXES), Some(Ok(_))), "{query}");
    }
}

#[test]
fn the_first_problem_from_the_left_wins() {
    refused_for("callId=%G1&fromUri=+", Some(QueryParameter::CallId), QueryErrorKind::BadEscape);
    refused_for("fromUri=+&callId=%G1", Some(QueryParameter::FromUri), QueryErrorKind::Plus);
    refused_for("x=%G1&callId=", None, QueryErrorKind::BadEscape);
    refused_for("callId=&x=%G1", Some(QueryParameter::CallId), QueryErrorKind::Empty);
    // Within a value: its characters, then its length, then its text.
    refused_for(
        &with(QueryParameter::CallId, &format!("{}%FF%G1", "a".repeat(70))),
        Some(QueryParameter::CallId),
        QueryErrorKind::BadEscape,
    );
    refused_for(
        &with(QueryParameter::CallId, &format!("%FF{}", "a".repeat(70))),
        Some(QueryParameter::CallId),
        QueryErrorKind::TooLong,
    );
    // A piece's own problems come before its being a repeat.
    refused_for(&format!("{VALID_QUERY}&callId=%G1"), Some(QueryParameter::CallId), QueryErrorKind::BadEscape);
    refused_for(&format!("{VALID_QUERY}&callId=ok"), Some(QueryParameter::CallId), QueryErrorKind::Repeated);
    // Missing parameters are found at the end, in the order callId, fromUri, toUri, mediaType.
    refused_for("mediaType=Audio&callId=c", Some(QueryParameter::FromUri), QueryErrorKind::Missing);
    refused_for("mediaType=Audio&callId=c&fromUri=a", Some(QueryParameter::ToUri), QueryErrorKind::Missing);
}

#[test]
fn near_misses_are_not_the_resource() {
    let good = format!("{CALL_PATH}?{VALID_QUERY}");
    let near = [
        good.replace("callMediaDiagnostics", "callMediaDiagnostic"),
        good.replace("callMediaDiagnostics", "CallMediaDiagnostics"),
        good.replace("callMediaDiagnostics", "callmediadiagnostics"),
        good.replace("callMediaDiagnostics?", "callMediaDiagnostics/?"),
        good.replace("callMediaDiagnostics?", "callMediaDiagnostics/x?"),
        good.replace("/communication/", "/communication/x/"),
        good.replace("/communication/", "/Communication/"),
        good.replace("/applications/192/", "/applications/"),
        good.replace("/applications/192/", "/applications//"),
        good.replace("/applications/192/", &format!("/applications/{}/", "a".repeat(65))),
        good.replace("/applications/192/", "/applications/1%202/"),
        good.replace("/applications/192/", "/applications/1:2/"),
        good.replace("/ucwa/v1/", "/ucwa/v2/"),
        good.replace("/ucwa/v1/", "/UCWA/v1/"),
        format!("{CALL_PATH}/"),
        format!("{CALL_PATH}#x"),
        format!("x{CALL_PATH}"),
    ];
    for href in near {
        assert_eq!(match_resource(&href, &DEFAULT_PREFIXES), None, "{href}");
    }
    assert!(matches!(
        match_resource(&good.replace("/192/", &format!("/{}/", "a".repeat(64))), &DEFAULT_PREFIXES),
        Some(Ok(_))
    ));
}

#[test]
fn a_refused_query_is_answered_400_naming_the_parameter_and_never_its_value() {
    let marker = "sip%3aSECRET";
    let error = refused(&format!("{}&fromUri=x", with(QueryParameter::FromUri, marker)));
    assert_eq!(error, QueryError { parameter: Some(QueryParameter::FromUri), kind: QueryErrorKind::Repeated });
    let fault = Fault::from_query_error(&error);
    assert_eq!((fault.code, fault.subcode), (ErrorCode::BadRequest, Some(ErrorSubcode::ParameterValidationFailure)));
    let mut buf = [0u8; Fault::MAX_LEN];
    let len = fault.write(Encoding::Json, &mut buf).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&buf[..len]).unwrap();
    assert_eq!(json["message"], "The query parameter fromUri is missing or not valid.");
    assert_eq!(json["parameters"]["fromUri"], "given more than once");
    let len = fault.write(Encoding::Xml, &mut buf).unwrap();
    let xml = std::str::from_utf8(&buf[..len]).unwrap();
    assert!(
        xml.contains(r#"<parameters><property name="fromUri">given more than once</property></parameters>"#),
        "{xml}"
    );
    // A parameter of another name is not named: its name is the client's.
    let other = Fault::from_query_error(&refused(&format!("{VALID_QUERY}&SECRET=%G1")));
    let len = other.write(Encoding::Json, &mut buf).unwrap();
    let body = std::str::from_utf8(&buf[..len]).unwrap();
    assert_eq!(
        body,
        r#"{"code":"BadRequest","subcode":"ParameterValidationFailure","message":"The query has a malformed parameter."}"#
    );
    // No fault of any query error echoes the query.
    for parameter in QueryParameter::ALL.map(Some).into_iter().chain([None]) {
        for kind in [QueryErrorKind::Missing, QueryErrorKind::Plus, QueryErrorKind::NotUtf8, QueryErrorKind::TooLong] {
            for encoding in [Encoding::Json, Encoding::Xml] {
                let len = Fault::from_query_error(&QueryError { parameter, kind }).write(encoding, &mut buf).unwrap();
                assert!(!std::str::from_utf8(&buf[..len]).unwrap().contains("SECRET"));
            }
        }
    }
}

#[test]
fn modalities_are_ucwa_s_names_in_any_case() {
    assert_eq!(Modality::ALL.map(Modality::name), ["Audio", "Messaging", "PanoramicVideo", "PhoneAudio", "Video"]);
    for modality in Modality::ALL {
        assert_eq!(Modality::from_name(modality.name()), Some(modality));
        assert_eq!(Modality::from_name(&modality.name().to_ascii_uppercase()), Some(modality));
        assert!(modality.name().len() <= MAX_MEDIA_TYPE_LEN);
    }
    for unknown in ["", "AudioVideo", "Audio ", "audi"] {
        assert_eq!(Modality::from_name(unknown), None);
    }
    // A mediaType UCWA does not name is kept: the call has no known modality.
    let href = format!("{CALL_PATH}?{}", with(QueryParameter::MediaType, "AudioVideo"));
    let call_of_unknown = call(&href);
    assert_eq!(text(&call_of_unknown, QueryParameter::MediaType), "AudioVideo");
    assert_eq!(call_of_unknown.modality(), None);
    let href = format!("{CALL_PATH}?{}", with(QueryParameter::MediaType, "phoneAUDIO"));
    assert_eq!(call(&href).modality(), Some(Modality::PhoneAudio));
}

#[test]
fn escaped_values_decode_only_into_room_enough() {
    let call = call(CAPTURED);
    let from = call.from_uri();
    let mut buf = [0u8; 64];
    assert_eq!(from.decode_into(&mut buf[..from.decoded_len()]), Some("sip:dele@olajide.net"));
    assert_eq!(from.decode_into(&mut buf[..from.decoded_len() - 1]), None);
    assert_eq!(from.decode_into(&mut []), None);
}

/// Percent-encodes `value` as a careful server would: every byte but the unreserved ones,
/// in upper- or lower-case hex.
fn encode(value: &str, upper: bool) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else if upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

/// A value of UTF-8 text without control characters, of at most `max` bytes.
fn value(max: usize) -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,40}".prop_map(move |text| {
        let mut text: String = text;
        while text.len() > max {
            text.pop();
        }
        text
    })
}

proptest! {
    #[test]
    fn any_values_encoded_in_any_order_decode_back(
        call_id in value(MAX_CALL_ID_LEN),
        from in value(MAX_URI_LEN),
        to in value(MAX_URI_LEN),
        media in value(MAX_MEDIA_TYPE_LEN),
        order in Just([0usize, 1, 2, 3]).prop_shuffle(),
        upper in any::<bool>(),
        extra in proptest::option::of("[a-z]{1,5}=([a-z0-9]|%2F){0,6}"),
    ) {
        let values = [&call_id, &from, &to, &media];
        let mut pieces: Vec<String> = order
            .iter()
            .map(|&i| format!("{}={}", QueryParameter::ALL[i].name(), encode(values[i], upper)))
            .collect();
        if let Some(extra) = extra.filter(|extra| !QueryParameter::ALL.iter().any(|p| extra.starts_with(&format!("{}=", p.name())))) {
            pieces.insert(1, extra);
        }
        let href = format!("{CALL_PATH}?{}", pieces.join("&"));
        let call = call(&href);
        for (parameter, value) in QueryParameter::ALL.into_iter().zip(values) {
            prop_assert_eq!(&text(&call, parameter), value);
            prop_assert_eq!(call.get(parameter).decoded_len(), value.len());
            prop_assert_eq!(call.get(parameter).to_string(), value.as_str());
            prop_assert_eq!(&href[call.range(parameter)], encode(value, upper));
        }
    }

    #[test]
    fn any_target_is_stable_in_bounds_and_decodes_to_bounded_text(
        query in "[a-zA-Z=&%0-9+:@/?.~_ -]{0,60}",
        prefix in proptest::sample::select(vec!["/ucwa/v1", "/ucwa/oauth/v1", "/x"]),
    ) {
        let href = format!("{prefix}/applications/1/communication/callMediaDiagnostics?{query}");
        let first = match_resource(&href, &DEFAULT_PREFIXES);
        prop_assert_eq!(&first, &match_resource(&href, &DEFAULT_PREFIXES));
        prop_assert_eq!(first.is_some(), prefix != "/x");
        if let Some(Ok(Resource::Call(call))) = first {
            for parameter in QueryParameter::ALL {
                let range = call.range(parameter);
                prop_assert!(range.end <= href.len() && !range.is_empty());
                let escaped = call.get(parameter);
                prop_assert_eq!(escaped.raw(), &href[range]);
                let mut buf = [0u8; MAX_URI_LEN];
                let decoded = escaped.decode_into(&mut buf).expect("fits the largest bound");
                prop_assert!(!decoded.is_empty() && decoded.len() <= parameter.max_len());
                prop_assert!(!decoded.chars().any(|c| c.is_ascii_control()));
                prop_assert_eq!(escaped.bytes().count(), escaped.decoded_len());
            }
        }
    }

    #[test]
    fn arbitrary_targets_never_panic(href in "\\PC{0,80}", bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let _ = match_resource(&href, &DEFAULT_PREFIXES);
        let lossy = String::from_utf8_lossy(&bytes);
        let _ = match_resource(&format!("{CALL_PATH}?{lossy}"), &DEFAULT_PREFIXES);
    }
}
