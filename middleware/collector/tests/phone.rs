//! The phone's side against the real collector (docs/behaviour.md, section 8): the requests
//! the reference firmware wrote on the emulated Cortex-M4, sent unchanged over TCP, are
//! stored; and the collector's real answers to bad requests read back, in Rust and through
//! the C API, to the status, code, subcode and retry advice of the contract.
//!
//! The firmware's requests come from `core/firmware/run.sh`, which saves them to
//! `$MEDIADIAG_FIRMWARE_REQUESTS` (default `target/firmware/requests.txt`). Without that file
//! the test writes the same requests on the host with the same core request writer, and says
//! so; with `MEDIADIAG_REQUIRE_FIRMWARE=1` a missing file fails the test.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use mediadiag::phone::{Advice, Name, Reason, Request, Response, RetryAfter, Status, advise};
use mediadiag::{Encoding, ErrorCode, ErrorSubcode, Report};
use mediadiag_ffi::*;
use support::{Collector, database, stored_conversations};

/// The firmware's fixed token and host (`core/firmware/src/phone.rs`).
const TOKEN: &str = "mediadiag-firmware-token";
const HOST: &str = "collector.example";

/// The Online href the firmware writes last: the one Skype for Business Online advertised.
const ONLINE_HREF: &str = concat!(
    "/ucwa/oauth/v1/applications/firmware/communication/callMediaDiagnostics",
    "?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net",
    "&mediaType=Audio&toUri=sip%3adele%40traderlynk.com"
);
/// How a report to [`ONLINE_HREF`] is named among the stored conversations.
const ONLINE_CALL: &str = "call:fc86b78dd87947949c7831d88abbb311";

/// The firmware's reports: conversation (or call), encoding, report, User-Agent, in its order.
const REPORTS: [(&str, Encoding, Report, Option<&str>); 7] = [
    ("fw-json-both", Encoding::Json, Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly), None),
    ("fw-json-code", Encoding::Json, Report { error_code: Some(ErrorCode::GatewayTimeout), error_subcode: None }, None),
    ("fw-json-empty", Encoding::Json, Report::EMPTY, Some("DeskPhone/2.1 (firmware)")),
    (
        "fw-xml-both",
        Encoding::Xml,
        Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure),
        None,
    ),
    ("fw-xml-code", Encoding::Xml, Report { error_code: Some(ErrorCode::ServiceFailure), error_subcode: None }, None),
    (
        "fw-xml-subcode",
        Encoding::Xml,
        Report { error_code: None, error_subcode: Some(ErrorSubcode::Busy) },
        Some("DeskPhone/2.1"),
    ),
    (
        ONLINE_CALL,
        Encoding::Json,
        Report::new(ErrorCode::RemoteFailure, ErrorSubcode::MediaFailure),
        Some("DeskPhone/2.1 (firmware)"),
    ),
];

fn href(conversation: &str) -> String {
    if conversation == ONLINE_CALL {
        return ONLINE_HREF.to_owned();
    }
    format!(
        "/ucwa/oauth/v1/applications/firmware/communication/conversations/{conversation}/audioVideo/reportMediaDiagnostics"
    )
}

/// A request written on the host by the core's request writer.
fn written(conversation: &str, encoding: Encoding, report: Report, user_agent: Option<&str>) -> Vec<u8> {
    let href = href(conversation);
    let request = Request {
        href: href.as_bytes(),
        host: HOST.as_bytes(),
        token: TOKEN.as_bytes(),
        encoding,
        user_agent: user_agent.map(str::as_bytes),
        report,
    };
    let mut out = [0u8; 1024];
    let len = request.write(&mut out).expect("the request is written");
    out[..len].to_vec()
}

fn unhex(hex: &str) -> Vec<u8> {
    assert!(hex.len().is_multiple_of(2), "odd hex");
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
}

/// The firmware's requests, or the host's when there is no file (and that is allowed).
fn firmware_requests() -> Vec<Vec<u8>> {
    let path = std::env::var_os("MEDIADIAG_FIRMWARE_REQUESTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/firmware/requests.txt"));
    let host: Vec<Vec<u8>> = REPORTS.iter().map(|&(c, e, r, ua)| written(c, e, r, ua)).collect();
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let requests: Vec<Vec<u8>> = text
                .lines()
                .map(|line| unhex(line.strip_prefix("request ").expect("a `request <hex>` line")))
                .collect();
            println!("sending the {} requests the firmware wrote, from {}", requests.len(), path.display());
            // The same writer on the Cortex-M4 and on the host: the same bytes.
            assert_eq!(requests, host, "the firmware's requests differ from the host's for the same reports");
            requests
        }
        Err(error) => {
            assert!(
                std::env::var_os("MEDIADIAG_REQUIRE_FIRMWARE").is_none_or(|v| v != "1"),
                "MEDIADIAG_REQUIRE_FIRMWARE=1 but {} cannot be read ({error}): run core/firmware/run.sh first",
                path.display()
            );
            println!(
                "no firmware requests at {} ({error}): sending the same requests written on the host by the core's request writer",
                path.display()
            );
            host
        }
    }
}

/// Sends `request` on a new connection and reads one answer with the core's head reader:
/// the head until it is complete, then `Content-Length` bytes of body.
fn exchange(address: &str, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Status::Complete(head) = Response::read(&answer).expect("a well-formed answer") {
            let whole = head.head_len + head.content_length.unwrap_or(0) as usize;
            if answer.len() >= whole {
                answer.truncate(whole);
                return answer;
            }
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the collector closed before a whole answer: {:?}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&chunk[..n]);
    }
}

#[test]
fn the_firmware_s_requests_are_stored_as_sent() {
    let requests = firmware_requests();
    let (dir, path) = database();
    let store = format!("sqlite:{}", path.display());
    let collector = Collector::start_in(dir.path(), &["--token", TOKEN, "--store", &store]);
    for request in &requests {
        let answer = exchange(&collector.address, request);
        let Ok(Status::Complete(head)) = Response::read(&answer) else { panic!("complete") };
        assert_eq!(head.status, 204, "{}", String::from_utf8_lossy(&answer));
        assert_eq!(advise(head.status, None, head.retry_after), Advice::Done);
    }
    let mut stored = stored_conversations(&path);
    stored.sort();
    let mut expected: Vec<String> = REPORTS.iter().map(|(c, ..)| c.to_string()).collect();
    expected.sort();
    assert_eq!(stored, expected);
    // The Online href's call context, decoded, beside the report.
    let connection = rusqlite::Connection::open(&path).unwrap();
    let context: (Option<String>, String, String, String, String, String) = connection
        .query_row(
            "SELECT conversation_id, call_id, from_uri, to_uri, modality, error_subcode FROM reports \
             WHERE call_id IS NOT NULL",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)),
        )
        .unwrap();
    let expected_context = (
        None,
        "fc86b78dd87947949c7831d88abbb311".to_owned(),
        "sip:dele@olajide.net".to_owned(),
        "sip:dele@traderlynk.com".to_owned(),
        "Audio".to_owned(),
        "MediaFailure".to_owned(),
    );
    assert_eq!(context, expected_context);
    assert!(collector.terminate().success());
}

/// What the phone makes of an answer, in Rust and, separately, through the C API.
#[derive(Debug, PartialEq)]
struct Verdict {
    status: u16,
    code: Option<Name<ErrorCode>>,
    subcode: Option<Name<ErrorSubcode>>,
    advice: Advice,
}

fn in_rust(answer: &[u8]) -> Verdict {
    let Ok(Status::Complete(head)) = Response::read(answer) else { panic!("a complete head") };
    let body = &answer[head.head_len..];
    let reason = (!body.is_empty())
        .then(|| Reason::decode(head.encoding().expect("a UCWA media type"), body).expect("a valid UCWA error body"));
    Verdict {
        status: head.status,
        code: reason.map(|r| r.code),
        subcode: reason.and_then(|r| r.subcode),
        advice: advise(head.status, reason.as_ref(), head.retry_after),
    }
}

fn in_c(answer: &[u8]) -> Verdict {
    let mut head = MediadiagResponse { status: 0, encoding: 0, retry_after: 0, head_len: 0, content_length: 0 };
    let mut reason = MediadiagReason::NONE;
    // SAFETY: every pointer is valid for its length, as the C API requires.
    let (read, decoded, advice) = unsafe {
        let read = mediadiag_read_response(answer.as_ptr(), answer.len(), &mut head);
        let body = &answer[head.head_len..];
        let decoded = if body.is_empty() {
            MEDIADIAG_ERR_DECODE
        } else {
            mediadiag_decode_reason(head.encoding.into(), body.as_ptr(), body.len(), &mut reason, core::ptr::null_mut())
        };
        let advice = mediadiag_advise(&head, if decoded == MEDIADIAG_OK { &reason } else { core::ptr::null() });
        (read, decoded, advice)
    };
    assert_eq!(read, MEDIADIAG_OK);
    let name = |number: i16, all: &[ErrorCode]| match number {
        MEDIADIAG_UNKNOWN => Name::Unknown,
        n => Name::Known(all[n as usize]),
    };
    let subcode = |number: i16| match number {
        MEDIADIAG_UNKNOWN => Name::Unknown,
        n => Name::Known(ErrorSubcode::ALL[n as usize]),
    };
    let ok = decoded == MEDIADIAG_OK;
    Verdict {
        status: head.status,
        code: ok.then(|| name(reason.code, &ErrorCode::ALL)),
        subcode: (ok && reason.subcode != MEDIADIAG_ABSENT).then(|| subcode(reason.subcode)),
        advice: match advice {
            MEDIADIAG_ADVICE_DONE => Advice::Done,
            MEDIADIAG_ADVICE_RETRY_AFTER => Advice::RetryAfter(u32::try_from(head.retry_after).unwrap()),
            MEDIADIAG_ADVICE_BACKOFF => Advice::Backoff,
            MEDIADIAG_ADVICE_RENEW_TOKEN => Advice::RenewToken,
            MEDIADIAG_ADVICE_DO_NOT_RETRY => Advice::DoNotRetry,
            other => panic!("advice {other}"),
        },
    }
}

/// A raw request: what the core's writer would refuse to write is written here by hand.
fn raw(token: Option<&str>, content_type: &str, body: &str) -> Vec<u8> {
    let authorization = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    format!(
        "POST {} HTTP/1.1\r\nHost: {HOST}\r\n{authorization}Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        href("bad"),
        body.len()
    )
    .into_bytes()
}

fn expect(answer: &[u8], status: u16, code: Option<ErrorCode>, subcode: Option<ErrorSubcode>, advice: Advice) {
    let expected = Verdict { status, code: code.map(Name::Known), subcode: subcode.map(Name::Known), advice };
    let text = String::from_utf8_lossy(answer);
    assert_eq!(in_rust(answer), expected, "in Rust: {text}");
    assert_eq!(in_c(answer), expected, "through the C API: {text}");
    println!("{status} {code:?} {subcode:?} -> {advice:?}");
}

#[test]
fn the_collector_s_refusals_read_back_to_their_code_and_advice() {
    let (dir, path) = database();
    let store = format!("sqlite:{}", path.display());
    let collector = Collector::start_in(
        dir.path(),
        &["--token", TOKEN, "--token", "no-scope=User.ReadWrite", "--body-limit", "128", "--store", &store],
    );
    let address = &collector.address;
    let json = "application/json";

    // 400: an unknown value.
    let answer = exchange(address, &raw(Some(TOKEN), json, r#"{"errorCode":"NotAnErrorCode"}"#));
    let validation = Some(ErrorSubcode::ParameterValidationFailure);
    expect(&answer, 400, Some(ErrorCode::BadRequest), validation, Advice::DoNotRetry);
    // 401: no token, and a token the collector does not know. No body.
    let answer = exchange(address, &raw(None, json, "{}"));
    expect(&answer, 401, None, None, Advice::RenewToken);
    let answer = exchange(address, &raw(Some("not-the-token"), json, "{}"));
    expect(&answer, 401, None, None, Advice::RenewToken);
    // 403: a token without either scope, answered in XML.
    let answer = exchange(address, &raw(Some("no-scope"), "application/xml", "<input/>"));
    expect(&answer, 403, Some(ErrorCode::Forbidden), None, Advice::DoNotRetry);
    // 413: a body over --body-limit, answered in XML.
    let long = format!(r#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">{}</input>"#, " ".repeat(200));
    let answer = exchange(address, &raw(Some(TOKEN), "application/xml", &long));
    expect(&answer, 413, Some(ErrorCode::EntityTooLarge), None, Advice::DoNotRetry);
    // 415: a type the resource does not take.
    let answer = exchange(address, &raw(Some(TOKEN), "text/plain", "errorCode=Gone"));
    expect(&answer, 415, Some(ErrorCode::UnsupportedMediaType), None, Advice::DoNotRetry);
    assert!(stored_conversations(&path).is_empty(), "nothing refused is stored");
    assert!(collector.terminate().success());
}

#[test]
fn a_full_store_s_503_reads_back_to_retry_after() {
    let (dir, path) = database();
    // A database of at most 8 pages of 4 KiB: full after some dozens of reports.
    let store = format!("sqlite:{}?max_page_count=8", path.display());
    let collector = Collector::start_in(dir.path(), &["--token", TOKEN, "--store", &store]);
    let report = Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly);
    let mut accepted = 0;
    let answer = loop {
        let answer = exchange(&collector.address, &written(&format!("fill-{accepted}"), Encoding::Xml, report, None));
        if in_rust(&answer).status != 204 {
            break answer;
        }
        accepted += 1;
        assert!(accepted < 10_000, "the database never filled up");
    };
    let Ok(Status::Complete(head)) = Response::read(&answer) else { panic!("complete") };
    assert_eq!((head.retry_after, head.encoding()), (RetryAfter::Seconds(1), Some(Encoding::Xml)));
    expect(&answer, 503, Some(ErrorCode::ServiceUnavailable), None, Advice::RetryAfter(1));
    assert_eq!(stored_conversations(&path).len(), accepted);
    assert!(collector.terminate().success());
}
