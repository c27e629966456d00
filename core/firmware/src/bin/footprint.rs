//! What the mediadiag core costs in flash: `empty.rs` plus the JSON and XML decoders and
//! encoders, reached through inputs the optimizer cannot see (`black_box`), so none of the
//! code can be folded away.
//!
//! It is the smallest program that decodes and encodes both encodings; `run.sh` subtracts the
//! size of `empty` from its size. Run, it decodes an empty body in both encodings (refused),
//! encodes an empty report in both and exits with success.

#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::debug;
use mediadiag::{DecodeErrorKind, Report};
use panic_halt as _;

#[entry]
fn main() -> ! {
    let body = black_box([0u8; 4]);
    let len = black_box(0);
    let json = Report::from_json(&body[..len]);
    let xml = Report::from_xml(&body[..len]);
    let report = black_box(Report::EMPTY);
    let mut out = [0u8; Report::XML_MAX_LEN];
    let json_len = report.to_json(&mut out);
    // The output is read, so that the optimizer cannot drop the encoders' writes.
    black_box(&out);
    let xml_len = report.to_xml(&mut out);
    black_box(&out);
    // Every field of the results is observed (through references, which costs no copies),
    // as a real caller would read them: none of the code that computes them can go.
    black_box((&json, &xml, &json_len, &xml_len));
    let ok = json.is_err_and(|e| e.kind() == DecodeErrorKind::Empty)
        && xml.is_err_and(|e| e.kind() == DecodeErrorKind::Empty)
        && json_len.is_ok()
        && xml_len.is_ok();
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}
