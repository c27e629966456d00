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
    let mut out = [0u8; MEDIADIAG_XML_MAX_LEN];
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
    let names = [
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
        && black_box(names).iter().all(|name| !name.is_null())
        && error.kind == kind_number(mediadiag::DecodeErrorKind::Empty);
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}
