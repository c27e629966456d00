//! Decoding and encoding allocate nothing: a counting global allocator proves it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use mediadiag::{Encoding, Fault, MediaType, Report, Scopes, match_path, route::DEFAULT_PREFIXES};

struct Counting;

thread_local! {
    /// Allocations made by this thread: the test harness's own threads do not count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const JSON: &[u8] = b"{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}";
const XML: &[u8] = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n  <property name=\"errorCode\">TooManyRequests</property>\n  <property name=\"errorSubcode\">MediaNegotiationFailure</property>\n</input>";
const BAD: &[&[u8]] = &[b"", b"{\"errorCode\":\"Nope\"}", b"{\"a\":[[[[", b"<input/>", b"<!DOCTYPE x>", b"\xff"];

#[test]
fn decode_encode_faults_and_the_phone_s_side_allocate_nothing() {
    // Warm up anything the test harness itself allocates lazily.
    let _ = Report::from_json(JSON);
    let mut out = [0u8; Fault::MAX_LEN];
    let before = ALLOCATIONS.with(Cell::get);
    let mut checks = 0;
    for _ in 0..100 {
        let json = Report::from_json(JSON).unwrap();
        let xml = Report::from_xml(XML).unwrap();
        checks += json.to_json(&mut out).unwrap() + xml.to_xml(&mut out).unwrap();
        for body in BAD {
            for encoding in [Encoding::Json, Encoding::Xml] {
                let error = Report::decode(encoding, body).unwrap_err();
                checks += Fault::from_decode_error(&error).write(encoding, &mut out).unwrap();
            }
        }
        checks += usize::from(MediaType::from_content_type(b"application/json; charset=utf-8").is_ok());
        checks += MediaType::for_error(Some(b"application/xml;q=0.5, */*"), None).as_str().len();
        checks += usize::from(Scopes::from_scp("Conversations.Receive").allows_report());
        checks += match_path(
            "/ucwa/v1/applications/1/communication/conversations/2/audioVideo/reportMediaDiagnostics",
            &DEFAULT_PREFIXES,
        )
        .map_or(0, |t| t.application_id().len());
        // Both href forms, a refused Online query and its fault, decoding a value.
        let online = "/ucwa/oauth/v1/applications/1/communication/callMediaDiagnostics?callId=c&fromUri=sip%3aa%40b&mediaType=Audio&toUri=sip%3Ab%40c";
        if let Some(Ok(mediadiag::Resource::Call(call))) = mediadiag::match_resource(online, &DEFAULT_PREFIXES) {
            let mut text = [0u8; mediadiag::route::MAX_URI_LEN];
            checks += call.from_uri().decode_into(&mut text).map_or(0, str::len) + call.to_uri().bytes().count();
            checks += usize::from(call.modality().is_some());
        }
        let twice = "/ucwa/v1/applications/1/communication/callMediaDiagnostics?callId=a&callId=b";
        if let Some(Err(error)) = mediadiag::match_resource(twice, &DEFAULT_PREFIXES) {
            checks += Fault::from_query_error(&error).write(Encoding::Json, &mut out).unwrap();
        }
        // The phone's side: a request, an answer's head, its error body in both encodings.
        let request = mediadiag::phone::Request {
            href: b"/ucwa/v1/applications/1/communication/conversations/2/audioVideo/reportMediaDiagnostics",
            host: b"lync.example.com:443",
            token: b"AAEBHAEF",
            encoding: Encoding::Xml,
            user_agent: Some(b"DeskPhone/2.1"),
            report: xml,
        };
        let mut wire = [0u8; 512];
        checks += request.write(&mut wire).unwrap();
        checks += mediadiag::phone::Request { href: online.as_bytes(), ..request }.write(&mut wire).unwrap();
        let answer = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n\r\n";
        if let Ok(mediadiag::phone::Status::Complete(head)) = mediadiag::phone::Response::read(answer) {
            checks += head.head_len;
        }
        for encoding in [Encoding::Json, Encoding::Xml] {
            let len = Fault::from_decode_error(&Report::from_json(b"").unwrap_err()).write(encoding, &mut out).unwrap();
            let reason = mediadiag::phone::Reason::decode(encoding, &out[..len]).unwrap();
            checks += usize::from(reason.message.is_some());
        }
    }
    let after = ALLOCATIONS.with(Cell::get);
    assert!(checks > 0);
    assert_eq!(after - before, 0, "allocations during decode/encode");
}
