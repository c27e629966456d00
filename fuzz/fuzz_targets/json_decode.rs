//! `Report::from_json` on arbitrary bytes: never panics, answers the same twice, answers
//! through `Report::decode` too, and its errors are consistent (offset inside the body,
//! a property exactly for ParameterValidationFailure). An accepted report encodes and
//! decodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mediadiag::Encoding;

fuzz_target!(|data: &[u8]| oracles::check_decoder(Encoding::Json, data));
