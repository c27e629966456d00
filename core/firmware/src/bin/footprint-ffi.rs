//! What C firmware pays for the C API (`mediadiag-ffi`): `empty.rs` plus every function of
//! `mediadiag.h`, called the way C would call them, with inputs the optimizer cannot see.
//!
//! `run.sh` subtracts the size of `empty` from its size. Run, it exercises each function once
//! and exits with success if the answers are right.

#![no_std]
#![no_main]

use core::ffi::c_int;
use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::debug;
// The C API's own panic handler (feature `panic-handler`), as in a C firmware.
use mediadiag_ffi::*;

#[entry]
fn main() -> ! {
    let body = black_box([0u8; 4]);
    let len = black_box(0);
    let mut report = MediadiagReport::ABSENT;
    let mut error = MediadiagDecodeError::NONE;
    let mut out = [0u8; 512];
    let number = black_box(0 as c_int);
    // SAFETY: every pointer is valid for its length, as the C API requires.
    let results = unsafe {
        [
            mediadiag_decode_json(black_box(body.as_ptr()), len, &mut report, &mut error),
            mediadiag_decode_xml(black_box(body.as_ptr()), len, &mut report, &mut error),
            mediadiag_encode_json(black_box(&report), out.as_mut_ptr(), out.len()),
            mediadiag_encode_xml(black_box(&report), out.as_mut_ptr(), out.len()),
            mediadiag_error_code_from_name(black_box(body.as_ptr()).cast(), len),
            mediadiag_error_subcode_from_name(black_box(body.as_ptr()).cast(), len),
        ]
    };
    // The phone's side.
    let text = black_box(b"/r");
    let request = MediadiagRequest {
        href: text.as_ptr(),
        href_len: 2,
        host: text.as_ptr().wrapping_add(1),
        host_len: 1,
        token: text.as_ptr().wrapping_add(1),
        token_len: 1,
        user_agent: core::ptr::null(),
        user_agent_len: 0,
        encoding: black_box(MEDIADIAG_ENCODING_JSON),
        report,
    };
    let answer = black_box(b"HTTP/1.1 204 No Content\r\n\r\n");
    let mut response = MediadiagResponse { status: 0, encoding: 0, retry_after: 0, head_len: 0, content_length: 0 };
    let mut reason = MediadiagReason::NONE;
    // SAFETY: every pointer is valid for its length, as the C API requires.
    let phone = unsafe {
        [
            mediadiag_write_request(&request, out.as_mut_ptr(), out.len()),
            mediadiag_read_response(answer.as_ptr(), answer.len(), &mut response),
            mediadiag_decode_reason(number, black_box(body.as_ptr()), len, &mut reason, &mut error),
            mediadiag_decode_reason(number + 1, black_box(body.as_ptr()), len, &mut reason, &mut error),
            mediadiag_advise(&response, &reason),
        ]
    };
    let delay = mediadiag_backoff_ms(black_box(1), 100, 1000, black_box(7));
    let names = [
        mediadiag_advice_name(number),
        mediadiag_error_code_name(number),
        mediadiag_error_subcode_name(number),
        mediadiag_decode_error_kind_name(number),
        mediadiag_decode_error_kind_description(number),
        mediadiag_property_name(number),
        mediadiag_result_description(number),
        mediadiag_version(),
    ];
    let ok = black_box(results)
        == [
            MEDIADIAG_ERR_DECODE,
            MEDIADIAG_ERR_DECODE,
            2,
            107, // the declaration and an empty <input> element
            MEDIADIAG_ERR_UNKNOWN_NAME,
            MEDIADIAG_ERR_UNKNOWN_NAME,
        ]
        && black_box(phone)[1..] == [MEDIADIAG_OK, MEDIADIAG_ERR_DECODE, MEDIADIAG_ERR_DECODE, MEDIADIAG_ADVICE_DONE]
        && phone[0] > 0
        && (100..=200).contains(&black_box(delay))
        && black_box(names).iter().all(|name| !name.is_null())
        && error.kind == kind_number(mediadiag::DecodeErrorKind::Empty);
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}
