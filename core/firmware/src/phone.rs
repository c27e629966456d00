//! The phone's side on the Cortex-M4: writes the requests of a set of reports and prints
//! their exact bytes, reads canned answers of the service, decodes their error bodies, and
//! checks the advice. Every call runs under [`stack::measure`].
//!
//! Each request is printed as one line, `request <hex>`: the bytes in lower-case hex, so a
//! host program recovers them exactly (`run.sh` saves the lines to a file that the
//! collector's end-to-end test sends, unchanged, to a real collector).

use core::hint::black_box;

use cortex_m_semihosting::{hprint, hprintln};
use mediadiag::phone::{Advice, Name, Reason, Request, RequestError, Response, ResponseError, Status, advise};
use mediadiag::route::QueryParameter;
use mediadiag::{DecodeError, Encoding, ErrorCode, ErrorSubcode, Fault, Report};

use crate::{Format, Peak, Run, stack};

/// The bearer token of every request; the end-to-end test starts the collector with it.
pub const TOKEN: &str = "mediadiag-firmware-token";
/// The `Host` of every request.
pub const HOST: &str = "collector.example";

/// The resource of conversation `$id` of application `firmware`.
macro_rules! href {
    ($id:literal) => {
        concat!(
            "/ucwa/oauth/v1/applications/firmware/communication/conversations/",
            $id,
            "/audioVideo/reportMediaDiagnostics"
        )
    };
}

/// The resource of application `firmware` in the Online form, for the call of the href
/// Skype for Business Online advertised (docs/behaviour.md, section 1.2).
const ONLINE_HREF: &str = concat!(
    "/ucwa/oauth/v1/applications/firmware/communication/callMediaDiagnostics",
    "?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net",
    "&mediaType=Audio&toUri=sip%3adele%40traderlynk.com"
);

/// The requests written: both encodings, with and without a subcode, a conversation each;
/// the last in the Online form.
const REQUESTS: [(&str, Encoding, Report, Option<&str>); 7] = [
    (href!("fw-json-both"), Encoding::Json, Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly), None),
    (
        href!("fw-json-code"),
        Encoding::Json,
        Report { error_code: Some(ErrorCode::GatewayTimeout), error_subcode: None },
        None,
    ),
    (href!("fw-json-empty"), Encoding::Json, Report::EMPTY, Some("DeskPhone/2.1 (firmware)")),
    (
        href!("fw-xml-both"),
        Encoding::Xml,
        Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure),
        None,
    ),
    (
        href!("fw-xml-code"),
        Encoding::Xml,
        Report { error_code: Some(ErrorCode::ServiceFailure), error_subcode: None },
        None,
    ),
    (
        href!("fw-xml-subcode"),
        Encoding::Xml,
        Report { error_code: None, error_subcode: Some(ErrorSubcode::Busy) },
        Some("DeskPhone/2.1"),
    ),
    (
        ONLINE_HREF,
        Encoding::Json,
        Report::new(ErrorCode::RemoteFailure, ErrorSubcode::MediaFailure),
        Some("DeskPhone/2.1 (firmware)"),
    ),
];

/// The longest request written here.
const MAX_REQUEST: usize = 512;

type Write = fn(&Request<'_>, &mut [u8]) -> Result<usize, RequestError>;
type Read = fn(&[u8]) -> Result<Status<Response>, ResponseError>;
type Decode = for<'a> fn(Encoding, &'a [u8]) -> Result<Reason<'a>, DecodeError>;

/// Peaks of the phone's calls: request, response, reason (JSON), reason (XML).
pub struct PhonePeaks(pub [Peak; 4]);

/// Prints `bytes` as one `request <hex>` line.
fn print_hex(bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    hprint!("request ");
    for chunk in bytes.chunks(64) {
        let mut line = [0u8; 128];
        for (i, &b) in chunk.iter().enumerate() {
            line[2 * i] = HEX[usize::from(b >> 4)];
            line[2 * i + 1] = HEX[usize::from(b & 15)];
        }
        hprint!("{}", core::str::from_utf8(&line[..2 * chunk.len()]).unwrap_or("??"));
    }
    hprintln!();
}

/// Writes, prints and checks every request; reads the canned answers.
pub fn run(run: &mut Run) -> PhonePeaks {
    let mut peaks = PhonePeaks([Peak::NONE; 4]);
    let write: Write = black_box(|request, out| request.write(out));
    let mut out = [0u8; MAX_REQUEST];
    for (href, encoding, report, user_agent) in REQUESTS {
        let request = Request {
            href: href.as_bytes(),
            host: HOST.as_bytes(),
            token: TOKEN.as_bytes(),
            encoding,
            user_agent: user_agent.map(str::as_bytes),
            report,
        };
        let measured = stack::measure(|| write(black_box(&request), &mut out));
        run.window_overflowed |= measured.overflowed;
        peaks.0[0].update(measured.bytes, "request");
        let format = if encoding == Encoding::Json { Format::Json } else { Format::Xml };
        let Ok(len) = measured.value else {
            run.check(false, format, "request written");
            continue;
        };
        let bytes = &out[..len];
        // The head ends at the first blank line; the body after it decodes to the report.
        let body_at = bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|at| at + 4);
        let back = body_at.map(|at| Report::decode(encoding, &bytes[at..]));
        let starts = bytes.starts_with(b"POST /ucwa/oauth/v1/applications/firmware/");
        if run.check(starts && back == Some(Ok(report)), format, "request written and its body decodes back") {
            hprintln!(
                "ok   {} request of {} bytes for {:?} {:?}",
                format.name(),
                len,
                report.error_code,
                report.error_subcode
            );
            print_hex(bytes);
        }
    }
    let injected = Request {
        href: REQUESTS[0].0.as_bytes(),
        host: HOST.as_bytes(),
        token: b"token\r\nX-Injected: 1",
        encoding: Encoding::Json,
        user_agent: None,
        report: Report::EMPTY,
    };
    let refused = write(&injected, &mut out) == Err(RequestError::Invalid(mediadiag::phone::Field::Token));
    if run.check(refused, Format::Json, "a token with a line break is refused") {
        hprintln!("ok   json request with an injected header refused");
    }
    // An Online href whose query the server would refuse: `callId` given twice.
    let twice = Request {
        href: b"/ucwa/oauth/v1/applications/firmware/communication/callMediaDiagnostics?callId=a&callId=b",
        token: TOKEN.as_bytes(),
        ..injected
    };
    let measured = stack::measure(|| write(black_box(&twice), &mut out));
    run.window_overflowed |= measured.overflowed;
    peaks.0[0].update(measured.bytes, "request refused for its query");
    let refused =
        matches!(measured.value, Err(RequestError::Query(error)) if error.parameter == Some(QueryParameter::CallId));
    if run.check(refused, Format::Json, "an Online href with callId twice is refused") {
        hprintln!("ok   json request with an Online query the server would refuse refused");
    }
    answers(run, &mut peaks);
    peaks
}

/// The service's answers, as its middleware writes them, and the advice for each.
fn answers(run: &mut Run, peaks: &mut PhonePeaks) {
    let read: Read = black_box(Response::read);
    let decode: Decode = black_box(|encoding, body| Reason::decode(encoding, body));
    let mut answer = crate::body::Body::new();
    let mut fault = [0u8; Fault::MAX_LEN];
    let cases: [(&str, u16, &str, Option<Fault>, Encoding, Advice); 4] = [
        (
            "503 full",
            503,
            "Retry-After: 2\r\n",
            Some(Fault::new(ErrorCode::ServiceUnavailable, None, "Full.")),
            Encoding::Xml,
            Advice::RetryAfter(2),
        ),
        (
            "409 already",
            409,
            "",
            Some(Fault::new(ErrorCode::Conflict, Some(ErrorSubcode::AlreadyExists), "Seen.")),
            Encoding::Json,
            Advice::Done,
        ),
        ("401 no token", 401, "WWW-Authenticate: Bearer\r\n", None, Encoding::Json, Advice::RenewToken),
        (
            "415 type",
            415,
            "",
            Some(Fault::new(ErrorCode::UnsupportedMediaType, None, "Send application/json.")),
            Encoding::Json,
            Advice::DoNotRetry,
        ),
    ];
    for (case, status, extra, body, encoding, expected) in cases {
        let format = if encoding == Encoding::Json { Format::Json } else { Format::Xml };
        let body_len = body.map_or(Ok(0), |f| f.write(encoding, &mut fault)).unwrap_or(0);
        let media = mediadiag::MediaType::of(encoding).content_type();
        answer.clear().push(b"HTTP/1.1 ").number(usize::from(status)).push(b" Whatever\r\n").push(extra.as_bytes());
        if body.is_some() {
            answer.push(b"Content-Type: ").push(media.as_bytes()).push(b"\r\n");
        }
        answer.push(b"Content-Length: ").number(body_len).push(b"\r\n\r\n").push(&fault[..body_len]);
        let bytes = answer.as_bytes();
        let partial = read(&bytes[..bytes.len() - body_len - 1]) == Ok(Status::Partial);
        let measured = stack::measure(|| read(black_box(bytes)));
        run.window_overflowed |= measured.overflowed;
        peaks.0[1].update(measured.bytes, case);
        let Ok(Status::Complete(head)) = measured.value else {
            run.check(false, format, case);
            continue;
        };
        let reason = if body.is_some() {
            let measured = stack::measure(|| decode(encoding, black_box(&bytes[head.head_len..])));
            run.window_overflowed |= measured.overflowed;
            peaks.0[2 + format as usize].update(measured.bytes, case);
            measured.value.ok()
        } else {
            None
        };
        let code_ok = body.is_none_or(|f| reason.is_some_and(|r| r.code == Name::Known(f.code)));
        let advice = advise(head.status, reason.as_ref(), head.retry_after);
        let ok = partial && head.status == status && code_ok && advice == expected;
        if run.check(ok, format, case) {
            hprintln!("ok   {} answer {}: {:?}", format.name(), case, advice);
        } else {
            hprintln!("     got {:?} {:?} {:?} partial {}", head, reason, advice, partial);
        }
    }
}
