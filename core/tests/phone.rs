//! The phone's side (docs/behaviour.md, section 8): requests that cannot carry an injected
//! header and parse back with httparse, heads read whole or asked for more, error bodies
//! decoded like the service writes them.

use mediadiag::phone::{Field, Name, Reason, Request, RequestError, Response, Status};
use mediadiag::route::{DEFAULT_PREFIXES, QueryErrorKind, QueryParameter, Resource, match_resource};
use mediadiag::{Encoding, ErrorCode, ErrorSubcode, Fault, Report};
use proptest::prelude::*;

const HREF: &[u8] = b"/ucwa/oauth/v1/applications/101/communication/reportMediaDiagnostics";

fn request(report: Report, encoding: Encoding) -> Request<'static> {
    Request { href: HREF, host: b"lync.example.com", token: b"AAEBHAEF", encoding, user_agent: None, report }
}

fn reports() -> impl Strategy<Value = Report> {
    let code = proptest::option::of(proptest::sample::select(ErrorCode::ALL.to_vec()));
    let subcode = proptest::option::of(proptest::sample::select(ErrorSubcode::ALL.to_vec()));
    (code, subcode).prop_map(|(error_code, error_subcode)| Report { error_code, error_subcode })
}

fn encodings() -> impl Strategy<Value = Encoding> {
    prop_oneof![Just(Encoding::Json), Just(Encoding::Xml)]
}

/// Parses a written request and checks it carries exactly the fields it was given.
fn parses_back(request: &Request<'_>, bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut headers = [httparse::EMPTY_HEADER; 8];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_len = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        other => return Err(TestCaseError::fail(format!("{other:?}: {}", String::from_utf8_lossy(bytes)))),
    };
    prop_assert_eq!(parsed.method, Some("POST"));
    prop_assert_eq!(parsed.path.map(str::as_bytes), Some(request.href));
    prop_assert_eq!(parsed.version, Some(1));
    let mut body = [0u8; Request::MAX_BODY_LEN];
    let body_len = request.report.encode(request.encoding, &mut body).unwrap();
    let content_type = match request.encoding {
        Encoding::Json => "application/json",
        Encoding::Xml => "application/xml",
    };
    let mut expected = vec![
        ("Host", request.host.to_vec()),
        ("Authorization", [&b"Bearer "[..], request.token].concat()),
        ("Content-Type", content_type.as_bytes().to_vec()),
        ("Content-Length", body_len.to_string().into_bytes()),
    ];
    if let Some(user_agent) = request.user_agent {
        expected.push(("User-Agent", user_agent.to_vec()));
    }
    let got: Vec<(&str, Vec<u8>)> = parsed.headers.iter().map(|h| (h.name, h.value.to_vec())).collect();
    prop_assert_eq!(got, expected);
    prop_assert_eq!(&bytes[head_len..], &body[..body_len]);
    Ok(())
}

#[test]
fn a_request_has_the_contract_s_lines_in_order() {
    let request = Request {
        user_agent: Some(b"DeskPhone/2.1 (rev\tB)"),
        ..request(Report::new(ErrorCode::Gone, ErrorSubcode::CannotRedirect), Encoding::Json)
    };
    let mut out = [0u8; 512];
    let len = request.write(&mut out).unwrap();
    let expected = format!(
        "POST {} HTTP/1.1\r\nHost: lync.example.com\r\nAuthorization: Bearer AAEBHAEF\r\n\
         Content-Type: application/json\r\nContent-Length: 52\r\nUser-Agent: DeskPhone/2.1 (rev\tB)\r\n\r\n\
         {{\"errorCode\":\"Gone\",\"errorSubcode\":\"CannotRedirect\"}}",
        std::str::from_utf8(HREF).unwrap()
    );
    assert_eq!(std::str::from_utf8(&out[..len]).unwrap(), expected);
}

#[test]
fn each_field_with_a_line_break_is_named() {
    let good = request(Report::EMPTY, Encoding::Xml);
    let mut out = [0u8; 512];
    for (field, bad) in [
        (Field::Href, Request { href: b"/a\r\nX: y", ..good }),
        (Field::Href, Request { href: b"/a b", ..good }),
        (Field::Host, Request { host: b"a\nb", ..good }),
        (Field::Token, Request { token: b"t\0", ..good }),
        (Field::UserAgent, Request { user_agent: Some(b"ua\r\n\r\nGET / HTTP/1.1"), ..good }),
    ] {
        assert_eq!(bad.write(&mut out), Err(RequestError::Invalid(field)));
    }
}

#[test]
fn every_buffer_short_of_the_request_is_refused() {
    let good = request(Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly), Encoding::Xml);
    let mut out = [0u8; 512];
    let len = good.write(&mut out).unwrap();
    for short in 0..len {
        assert_eq!(good.write(&mut out[..short]), Err(RequestError::BufferTooSmall), "{short}");
    }
    assert_eq!(good.write(&mut out[..len]), Ok(len));
}

#[test]
fn the_service_s_answers_read_back() {
    let mut body = [0u8; Fault::MAX_LEN];
    let fault = Fault::new(ErrorCode::EntityTooLarge, None, "The request body is too large.");
    for encoding in [Encoding::Json, Encoding::Xml] {
        let len = fault.write(encoding, &mut body).unwrap();
        let media = mediadiag::MediaType::of(encoding).content_type();
        let answer = [
            format!("HTTP/1.1 413 Payload Too Large\r\ncontent-type: {media}\r\ncontent-length: {len}\r\n\r\n")
                .as_bytes(),
            &body[..len],
        ]
        .concat();
        let Ok(Status::Complete(head)) = Response::read(&answer) else { panic!("complete") };
        assert_eq!((head.status, head.encoding(), head.content_length), (413, Some(encoding), Some(len as u64)));
        let reason = Reason::decode(encoding, &answer[head.head_len..]).unwrap();
        assert_eq!((reason.code, reason.subcode), (Name::Known(ErrorCode::EntityTooLarge), None));
        assert_eq!(reason.message, Some(&b"The request body is too large."[..]));
    }
}

/// The href Skype for Business Online advertised (reference/online-capture.md).
const ONLINE: &str = "/ucwa/oauth/v1/applications/10672188129/communication/callMediaDiagnostics?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net&mediaType=Audio&toUri=sip%3adele%40traderlynk.com";

#[test]
fn an_online_href_is_written_unchanged_once_its_query_holds() {
    let online = Request { href: ONLINE.as_bytes(), ..request(Report::EMPTY, Encoding::Json) };
    let mut out = [0u8; 1024];
    let len = online.write(&mut out).unwrap();
    assert!(out[..len].starts_with(format!("POST {ONLINE} HTTP/1.1\r\n").as_bytes()), "never re-encoded");
    parses_back(&online, &out[..len]).unwrap();
    // A query the server would refuse is refused here, with the server's own error.
    let twice = format!("{ONLINE}&callId=again");
    let plus = ONLINE.replace("sip%3adele%40olajide", "tel:+1");
    let cases = [
        (twice.as_str(), QueryParameter::CallId, QueryErrorKind::Repeated),
        ("/x/callMediaDiagnostics", QueryParameter::CallId, QueryErrorKind::Missing),
        (plus.as_str(), QueryParameter::FromUri, QueryErrorKind::Plus),
    ];
    for (href, parameter, kind) in cases {
        let error = Request { href: href.as_bytes(), ..online }.write(&mut out).unwrap_err();
        let RequestError::Query(error) = error else { panic!("{href}: {error:?}") };
        assert_eq!((error.parameter, error.kind), (Some(parameter), kind), "{href}");
    }
    // The href's own grammar is checked first; other paths keep any query.
    let bad = Request { href: b"/x/callMediaDiagnostics?callId=a b", ..online };
    assert_eq!(bad.write(&mut out), Err(RequestError::Invalid(Field::Href)));
    let other = Request { href: b"/x/callMediaDiagnostics/x?callId=a&callId=b", ..online };
    assert!(other.write(&mut out).is_ok());
}

proptest! {
    #[test]
    fn the_phone_refuses_exactly_the_online_queries_the_server_refuses(
        query in "(&callId=c|&fromUri=f|&toUri=t|&mediaType=Audio|callId|fromUri|toUri|mediaType|x|&|=|a|%4[1G]|%C3|%A9|%00|\\+|%2B|:|@|/|\\?){0,16}",
    ) {
        let href = format!("/ucwa/v1/applications/1/communication/callMediaDiagnostics?{query}");
        let phone = Request { href: href.as_bytes(), ..request(Report::EMPTY, Encoding::Json) }.write(&mut [0u8; 1024]);
        // Every character generated is a query character; a `%` must start an escape.
        let escapes_ok = href.match_indices('%').all(|(at, _)| {
            href.as_bytes().get(at + 1..at + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
        });
        match match_resource(&href, &DEFAULT_PREFIXES) {
            // The href's own grammar is checked first.
            _ if !escapes_ok => prop_assert_eq!(phone, Err(RequestError::Invalid(Field::Href))),
            Some(Ok(Resource::Call(_))) => prop_assert!(phone.is_ok(), "{:?}", phone),
            Some(Err(error)) => prop_assert_eq!(phone, Err(RequestError::Query(error))),
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn valid_requests_parse_back_with_httparse(
        report in reports(),
        encoding in encodings(),
        href in "/[A-Za-z0-9._~!$&'()*+,;=:@/-]{0,40}(\\?[A-Za-z0-9=&%/?]{0,10})?",
        host in "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        token in "[A-Za-z0-9._~+/-]{1,40}={0,2}",
        user_agent in proptest::option::of("[!-~]([ -~\t]{0,20}[!-~])?"),
    ) {
        let href = href.replace('%', "%25");
        let request = Request {
            href: href.as_bytes(), host: host.as_bytes(), token: token.as_bytes(), encoding,
            user_agent: user_agent.as_deref().map(str::as_bytes), report,
        };
        let mut out = [0u8; 1024];
        let len = request.write(&mut out).unwrap();
        parses_back(&request, &out[..len])?;
    }

    #[test]
    fn no_bytes_inject_a_header(
        href in proptest::collection::vec(any::<u8>(), 0..24),
        host in proptest::collection::vec(any::<u8>(), 0..16),
        token in proptest::collection::vec(any::<u8>(), 0..16),
        user_agent in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
        pick in 0usize..4,
        encoding in encodings(),
    ) {
        // One field arbitrary, the others valid, so that each field's check is what decides.
        let valid = request(Report::EMPTY, encoding);
        let request = match pick {
            0 => Request { href: &href, ..valid },
            1 => Request { host: &host, ..valid },
            2 => Request { token: &token, ..valid },
            _ => Request { user_agent: user_agent.as_deref(), ..valid },
        };
        let mut out = [0u8; 1024];
        match request.write(&mut out) {
            Ok(len) => parses_back(&request, &out[..len])?,
            // The others being valid, the arbitrary field is the one named.
            Err(RequestError::Invalid(field)) => {
                prop_assert_eq!(field, [Field::Href, Field::Host, Field::Token, Field::UserAgent][pick]);
            }
            // An href whose path ends with the Online form's segment has its query checked.
            Err(RequestError::Query(_)) => prop_assert_eq!(pick, 0),
            Err(RequestError::BufferTooSmall) => prop_assert!(false, "1024 bytes always fit"),
        }
    }

    #[test]
    fn the_response_reader_never_panics_and_stays_in_bounds(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(Status::Complete(head)) = Response::read(&bytes) {
            prop_assert!(head.head_len <= bytes.len());
            prop_assert!((100..=999).contains(&head.status));
        }
    }

    #[test]
    fn a_head_cut_anywhere_asks_for_more(status in 100u16..=599, cut_at in 0usize..1000, seconds: u32) {
        let answer = format!("HTTP/1.1 {status} Whatever\r\nRetry-After: {seconds}\r\nContent-Length: 0\r\n\r\n");
        let cut = cut_at % answer.len();
        prop_assert_eq!(Response::read(&answer.as_bytes()[..cut]), Ok(Status::Partial));
        let Ok(Status::Complete(head)) = Response::read(answer.as_bytes()) else { return Err(TestCaseError::fail("complete")) };
        prop_assert_eq!((head.status, head.head_len), (status, answer.len()));
        prop_assert_eq!(head.retry_after, mediadiag::phone::RetryAfter::Seconds(seconds));
    }

    #[test]
    fn reasons_agree_with_serde_json(
        code in "[A-Za-z]{0,12}",
        subcode in proptest::option::of("[A-Za-z]{0,12}"),
        message in "\\PC{0,20}",
        extra in "[a-z]{1,8}".prop_filter("not a field", |name| !["code", "subcode", "message"].contains(&name.as_str())),
    ) {
        let mut value = serde_json::json!({ "code": code, "message": message, extra: [1, {"x": null}, "y"] });
        if let Some(subcode) = &subcode {
            value["subcode"] = serde_json::json!(subcode);
        }
        let body = serde_json::to_vec(&value).unwrap();
        let reason = Reason::decode(Encoding::Json, &body).unwrap();
        prop_assert_eq!(reason.code, code.parse::<ErrorCode>().map_or(Name::Unknown, Name::Known));
        let subcode = subcode.map(|s| s.parse::<ErrorSubcode>().map_or(Name::Unknown, Name::Known));
        prop_assert_eq!(reason.subcode, subcode);
        // The message as written: serde_json's own escaping of it, without the quotes.
        let escaped = serde_json::to_string(&message).unwrap();
        prop_assert_eq!(reason.message, Some(&escaped.as_bytes()[1..escaped.len() - 1]));
        let decoded: String = serde_json::from_slice(&[b"\"", reason.message.unwrap(), b"\""].concat()).unwrap();
        prop_assert_eq!(decoded, message);
    }
}
