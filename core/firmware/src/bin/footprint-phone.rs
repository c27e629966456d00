//! What the phone's side costs in flash on top of decode + encode: `footprint.rs` plus the
//! request writer, the response reader, the error body decoder (both encodings) and the
//! advice, reached through inputs the optimizer cannot see (`black_box`).
//!
//! `run.sh` subtracts the size of `footprint` from its size. Run, it writes a request, reads
//! an answer, decodes an empty error body in both encodings (refused) and exits with success.

#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::debug;
use mediadiag::phone::{Advice, Backoff, Reason, Request, Response, Status, advise};
use mediadiag::{DecodeErrorKind, Encoding, Report};
use panic_halt as _;

#[entry]
fn main() -> ! {
    // The decode + encode of footprint.rs, so that only the phone's side differs.
    let body = black_box([0u8; 4]);
    let len = black_box(0);
    let json = Report::from_json(&body[..len]);
    let xml = Report::from_xml(&body[..len]);
    let report = black_box(Report::EMPTY);
    let mut out = [0u8; 512];
    let json_len = report.to_json(&mut out);
    black_box(&out);
    let xml_len = report.to_xml(&mut out);
    black_box(&out);
    black_box((&json, &xml, &json_len, &xml_len));

    // The phone's side.
    let request = Request {
        href: black_box(b"/r"),
        host: black_box(b"h"),
        token: black_box(b"t"),
        encoding: black_box(Encoding::Xml),
        user_agent: black_box(Some(b"ua")),
        report,
    };
    let written = request.write(&mut out);
    black_box(&out);
    let answer = black_box(b"HTTP/1.1 204 No Content\r\n\r\n");
    let head = Response::read(answer);
    let reason_json = Reason::decode(Encoding::Json, &body[..len]);
    let reason_xml = Reason::decode(Encoding::Xml, &body[..len]);
    black_box((&written, &head, &reason_json, &reason_xml));
    let advice = match head {
        Ok(Status::Complete(head)) => advise(head.status, reason_json.as_ref().ok(), head.retry_after),
        _ => Advice::DoNotRetry,
    };
    let delay = Backoff::DEFAULT.delay_ms(black_box(3), black_box(7));
    black_box(&delay);
    let ok = json.is_err_and(|e| e.kind() == DecodeErrorKind::Empty)
        && xml.is_err_and(|e| e.kind() == DecodeErrorKind::Empty)
        && json_len.is_ok()
        && xml_len.is_ok()
        && written.is_ok()
        && reason_json.is_err_and(|e| e.kind() == DecodeErrorKind::Empty)
        && reason_xml.is_err_and(|e| e.kind() == DecodeErrorKind::Empty)
        && black_box(advice) == Advice::Done;
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}
