//! C API for [`mediadiag`]: decode and encode UCWA `reportMediaDiagnostics` bodies from C.
//!
//! Built as a static library (`libmediadiag_ffi.a`) with the header `include/mediadiag.h`,
//! which cbindgen generates from this source (`cbindgen.toml`; `tests/header.rs` fails when
//! the committed header differs, and `MEDIADIAG_BLESS=1` rewrites it). The crate is
//! `no_std` and allocation-free like the core, so the same library links into Cortex-M
//! firmware (enable the `panic-handler` feature there) and into hosted programs.
//!
//! Conventions of every function:
//!
//! - A pointer and a length stand for a byte string; `(NULL, 0)` is the empty string, and
//!   `NULL` with a non-zero length is [`MEDIADIAG_ERR_NULL_POINTER`]. Any other required
//!   pointer that is `NULL` is [`MEDIADIAG_ERR_NULL_POINTER`] too. Nothing is written then.
//! - Failures are negative `int` results (the `MEDIADIAG_ERR_*` constants), never a panic,
//!   never undefined behaviour for `NULL` or too-short buffers.
//! - Codes and subcodes are numbers: their index in [`ErrorCode::ALL`] and
//!   [`ErrorSubcode::ALL`] (the order of the UCWA resource page), or [`MEDIADIAG_ABSENT`].
//!
//! ```
//! use mediadiag_ffi::*;
//!
//! let body = br#"{"errorCode":"BadRequest","errorSubcode":"InviteesOnly"}"#;
//! let mut report = MediadiagReport::ABSENT;
//! // SAFETY: `body` is `body.len()` readable bytes, `report` a writable report, and the
//! // error out-parameter may be NULL.
//! let result = unsafe { mediadiag_decode_json(body.as_ptr(), body.len(), &mut report, core::ptr::null_mut()) };
//! assert_eq!(result, MEDIADIAG_OK);
//! assert_eq!(report.error_code, mediadiag::ErrorCode::BadRequest as i16);
//!
//! let mut out = [0u8; MEDIADIAG_XML_MAX_LEN];
//! // SAFETY: `report` is readable and `out` is `out.len()` writable bytes.
//! let len = unsafe { mediadiag_encode_xml(&report, out.as_mut_ptr(), out.len()) };
//! assert!(len > 0);
//! ```

#![no_std]
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

// Hosted targets link the standard library: it supplies the panic runtime a static library
// needs there. (The API itself never panics.)
#[cfg(not(target_os = "none"))]
extern crate std;

use core::ffi::{c_char, c_int};
use core::ptr;

use mediadiag::{DecodeError, DecodeErrorKind, EncodeError, ErrorCode, ErrorSubcode, Property, Report};

mod phone;

pub use phone::*;

/// Success.
pub const MEDIADIAG_OK: c_int = 0;
/// A required pointer was `NULL` (or `NULL` came with a non-zero length).
pub const MEDIADIAG_ERR_NULL_POINTER: c_int = -1;
/// The body was refused; the error out-parameter tells why and where.
pub const MEDIADIAG_ERR_DECODE: c_int = -2;
/// The output buffer is too small; [`MEDIADIAG_JSON_MAX_LEN`] and [`MEDIADIAG_XML_MAX_LEN`]
/// always fit.
pub const MEDIADIAG_ERR_BUFFER_TOO_SMALL: c_int = -3;
/// A code, subcode, or length is out of range.
pub const MEDIADIAG_ERR_INVALID_ARGUMENT: c_int = -4;
/// The name is not a value of the enumeration.
pub const MEDIADIAG_ERR_UNKNOWN_NAME: c_int = -5;

/// A code, subcode or property that is absent.
pub const MEDIADIAG_ABSENT: i16 = -1;

// The sizes below are literals so that cbindgen can write them into the header; each is
// checked against the core's value when this crate compiles.

/// Number of error codes; valid codes are `0..MEDIADIAG_CODE_COUNT`.
pub const MEDIADIAG_CODE_COUNT: usize = 20;
const _: () = assert!(MEDIADIAG_CODE_COUNT == ErrorCode::COUNT);
/// Number of error subcodes; valid subcodes are `0..MEDIADIAG_SUBCODE_COUNT`.
pub const MEDIADIAG_SUBCODE_COUNT: usize = 87;
const _: () = assert!(MEDIADIAG_SUBCODE_COUNT == ErrorSubcode::COUNT);

/// A buffer this long always holds the output of [`mediadiag_encode_json`].
pub const MEDIADIAG_JSON_MAX_LEN: usize = 84;
const _: () = assert!(MEDIADIAG_JSON_MAX_LEN == Report::JSON_MAX_LEN);
/// A buffer this long always holds the output of [`mediadiag_encode_xml`].
pub const MEDIADIAG_XML_MAX_LEN: usize = 236;
const _: () = assert!(MEDIADIAG_XML_MAX_LEN == Report::XML_MAX_LEN);

/// `errorCode`, as a property number.
pub const MEDIADIAG_PROPERTY_ERROR_CODE: i16 = 0;
/// `errorSubcode`, as a property number.
pub const MEDIADIAG_PROPERTY_ERROR_SUBCODE: i16 = 1;

/// No error: the kind reported after a successful decode.
pub const MEDIADIAG_KIND_NONE: i16 = 0;
/// A kind of error this version of the C API has no number for.
pub const MEDIADIAG_KIND_OTHER: i16 = 255;

/// A decoded report, C's `mediadiag_report`: each field is a code number or [`MEDIADIAG_ABSENT`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediadiagReport {
    /// `errorCode`: an index into [`ErrorCode::ALL`], or [`MEDIADIAG_ABSENT`].
    pub error_code: i16,
    /// `errorSubcode`: an index into [`ErrorSubcode::ALL`], or [`MEDIADIAG_ABSENT`].
    pub error_subcode: i16,
}

impl MediadiagReport {
    /// A report with neither property.
    pub const ABSENT: MediadiagReport =
        MediadiagReport { error_code: MEDIADIAG_ABSENT, error_subcode: MEDIADIAG_ABSENT };

    /// The C form of a report.
    pub fn from_report(report: Report) -> Self {
        MediadiagReport {
            error_code: report.error_code.map_or(MEDIADIAG_ABSENT, |code| code as i16),
            error_subcode: report.error_subcode.map_or(MEDIADIAG_ABSENT, |subcode| subcode as i16),
        }
    }

    /// The report, or `None` if a field is neither [`MEDIADIAG_ABSENT`] nor a valid number.
    pub fn to_report(self) -> Option<Report> {
        fn value<T: Copy>(number: i16, all: &[T]) -> Option<Option<T>> {
            if number == MEDIADIAG_ABSENT {
                return Some(None);
            }
            let index = usize::try_from(number).ok()?;
            all.get(index).copied().map(Some)
        }
        Some(Report {
            error_code: value(self.error_code, &ErrorCode::ALL)?,
            error_subcode: value(self.error_subcode, &ErrorSubcode::ALL)?,
        })
    }
}

/// Why a body was refused, C's `mediadiag_decode_error`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediadiagDecodeError {
    /// The UCWA subcode to answer with (`DeserializationFailure` or
    /// `ParameterValidationFailure`), or [`MEDIADIAG_ABSENT`] after a successful decode.
    pub subcode: i16,
    /// What went wrong: a `MEDIADIAG_KIND_*` number ([`MEDIADIAG_KIND_NONE`] on success).
    pub kind: i16,
    /// The property whose value is invalid ([`MEDIADIAG_PROPERTY_ERROR_CODE`] or
    /// [`MEDIADIAG_PROPERTY_ERROR_SUBCODE`]), or [`MEDIADIAG_ABSENT`].
    pub property: i16,
    /// Offset in bytes from the start of the body (byte order mark included); 0 on success.
    pub offset: usize,
}

impl MediadiagDecodeError {
    /// The value written after a successful decode.
    pub const NONE: MediadiagDecodeError = MediadiagDecodeError {
        subcode: MEDIADIAG_ABSENT,
        kind: MEDIADIAG_KIND_NONE,
        property: MEDIADIAG_ABSENT,
        offset: 0,
    };

    /// The C form of a decode error.
    pub fn from_error(error: &DecodeError) -> Self {
        MediadiagDecodeError {
            subcode: error.subcode() as i16,
            kind: kind_number(error.kind()),
            property: match error.property() {
                Some(Property::ErrorCode) => MEDIADIAG_PROPERTY_ERROR_CODE,
                Some(Property::ErrorSubcode) => MEDIADIAG_PROPERTY_ERROR_SUBCODE,
                None => MEDIADIAG_ABSENT,
            },
            offset: error.offset(),
        }
    }
}

macro_rules! kinds {
    ($($variant:ident = $number:literal,)+) => {
        /// Every decode error kind the C API numbers: the kind, its `MEDIADIAG_KIND_*` number
        /// and its NUL-terminated name (the variant's name).
        pub const KINDS: [(DecodeErrorKind, i16, &str); [$($number),+].len()] =
            [$((DecodeErrorKind::$variant, $number, concat!(stringify!($variant), "\0"))),+];
    };
}

kinds! {
    Empty = 1,
    InvalidUtf8 = 2,
    UnexpectedEnd = 3,
    UnexpectedByte = 4,
    RootNotObject = 5,
    TrailingContent = 6,
    TooDeep = 7,
    ControlCharacter = 8,
    InvalidEscape = 9,
    LoneSurrogate = 10,
    InvalidNumber = 11,
    InvalidXmlChar = 12,
    Doctype = 13,
    InvalidXmlDeclaration = 14,
    UnsupportedEncoding = 15,
    MismatchedTag = 16,
    DuplicateAttribute = 17,
    TooManyAttributes = 18,
    TooManyNamespaces = 19,
    UndeclaredPrefix = 20,
    InvalidNamespaceDeclaration = 21,
    InvalidName = 22,
    InvalidReference = 23,
    WrongRoot = 24,
    WrongNamespace = 25,
    MalformedMarkup = 26,
    MisplacedText = 27,
    UnknownValue = 28,
    DuplicateProperty = 29,
    NotAString = 30,
    MissingCode = 31,
}

/// The `MEDIADIAG_KIND_*` number of a kind ([`MEDIADIAG_KIND_OTHER`] for one added later).
pub fn kind_number(kind: DecodeErrorKind) -> i16 {
    KINDS.iter().find(|(known, _, _)| *known == kind).map_or(MEDIADIAG_KIND_OTHER, |&(_, number, _)| number)
}

fn kind_of(number: c_int) -> Option<&'static (DecodeErrorKind, i16, &'static str)> {
    KINDS.iter().find(|(_, known, _)| c_int::from(*known) == number)
}

/// Total length of names stored back to back, each followed by a NUL.
const fn packed_len(names: &[&str]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < names.len() {
        #[allow(clippy::indexing_slicing)] // i < names.len(); evaluated at compile time
        let len = names[i].len();
        total += len + 1;
        i += 1;
    }
    total
}

/// Static C strings: names back to back, each followed by a NUL, and where each starts.
/// Packed, they take no more flash than the names themselves.
struct CNames<const N: usize, const LEN: usize> {
    bytes: [u8; LEN],
    starts: [u16; N],
}

impl<const N: usize, const LEN: usize> CNames<N, LEN> {
    /// Packs `names` at compile time (`LEN` must be their [`packed_len`]).
    #[allow(clippy::indexing_slicing)] // every index is bounded by the loops; evaluated at compile time
    const fn new(names: [&str; N]) -> Self {
        assert!(LEN == packed_len(&names) && LEN <= u16::MAX as usize);
        let mut table = CNames { bytes: [0; LEN], starts: [0; N] };
        let mut at = 0;
        let mut i = 0;
        while i < N {
            let name = names[i].as_bytes();
            table.starts[i] = at as u16;
            let mut j = 0;
            while j < name.len() {
                table.bytes[at + j] = name[j];
                j += 1;
            }
            at += name.len() + 1;
            i += 1;
        }
        table
    }

    /// Name number `index` as a C string; `NULL` if out of range.
    fn get(&'static self, index: usize) -> *const c_char {
        match self.starts.get(index).and_then(|&start| self.bytes.get(usize::from(start)..)) {
            Some(name) => name.as_ptr().cast(),
            None => ptr::null(),
        }
    }
}

/// The canonical names, index for index with the core's `ALL` tables.
const CODE_NAMES: [&str; MEDIADIAG_CODE_COUNT] = ErrorCode::NAMES;
const SUBCODE_NAMES: [&str; MEDIADIAG_SUBCODE_COUNT] = ErrorSubcode::NAMES;

/// The code names as C strings, derived from the core's table at compile time.
static CODE_C_NAMES: CNames<MEDIADIAG_CODE_COUNT, { packed_len(&CODE_NAMES) }> = CNames::new(CODE_NAMES);
/// The subcode names as C strings, derived from the core's table at compile time.
static SUBCODE_C_NAMES: CNames<MEDIADIAG_SUBCODE_COUNT, { packed_len(&SUBCODE_NAMES) }> = CNames::new(SUBCODE_NAMES);

/// A `&'static str` that ends in NUL, as a C string.
fn c_str(text: &'static str) -> *const c_char {
    text.as_ptr().cast()
}

/// Entry `number` of a name table, as a C string; `NULL` if `number` is out of range.
fn row<const N: usize, const LEN: usize>(table: &'static CNames<N, LEN>, number: c_int) -> *const c_char {
    usize::try_from(number).map_or(ptr::null(), |index| table.get(index))
}

/// Borrows a C byte string: `(NULL, 0)` is empty, `NULL` with a length is an error.
///
/// # Safety
///
/// If `data` is not `NULL`, it must point to `len` readable bytes that stay unchanged for `'a`.
unsafe fn bytes<'a>(data: *const u8, len: usize) -> Result<&'a [u8], c_int> {
    if data.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(MEDIADIAG_ERR_NULL_POINTER) };
    }
    if len > isize::MAX as usize {
        return Err(MEDIADIAG_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: `data` is not NULL and, by the caller's contract, points to `len` readable bytes
    // that are not written during `'a`; `len` is at most `isize::MAX`.
    Ok(unsafe { core::slice::from_raw_parts(data, len) })
}

/// Borrows a C output buffer: `(NULL, 0)` is empty, `NULL` with a capacity is an error.
///
/// # Safety
///
/// If `data` is not `NULL`, it must point to `capacity` writable bytes that nothing else
/// reads or writes during `'a`.
unsafe fn buffer<'a>(data: *mut u8, capacity: usize) -> Result<&'a mut [u8], c_int> {
    if data.is_null() {
        return if capacity == 0 { Ok(&mut []) } else { Err(MEDIADIAG_ERR_NULL_POINTER) };
    }
    if capacity > isize::MAX as usize {
        return Err(MEDIADIAG_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: `data` is not NULL and, by the caller's contract, points to `capacity` writable
    // bytes that are not otherwise accessed during `'a`; `capacity` is at most `isize::MAX`.
    Ok(unsafe { core::slice::from_raw_parts_mut(data, capacity) })
}

/// Shared body of the two decode functions.
///
/// # Safety
///
/// As for [`mediadiag_decode_json`].
unsafe fn decode(
    decoder: fn(&[u8]) -> Result<Report, DecodeError>,
    body: *const u8,
    len: usize,
    report: *mut MediadiagReport,
    error: *mut MediadiagDecodeError,
) -> c_int {
    if report.is_null() {
        return MEDIADIAG_ERR_NULL_POINTER;
    }
    // SAFETY: the caller guarantees `body` points to `len` readable bytes (or is NULL).
    let decoded = match unsafe { bytes(body, len) } {
        Ok(body) => decoder(body),
        Err(code) => return code,
    };
    let (result, value, detail) = match decoded {
        Ok(value) => (MEDIADIAG_OK, MediadiagReport::from_report(value), MediadiagDecodeError::NONE),
        Err(e) => (MEDIADIAG_ERR_DECODE, MediadiagReport::ABSENT, MediadiagDecodeError::from_error(&e)),
    };
    // SAFETY: `report` is not NULL and points to a writable report (caller's contract); the
    // body is no longer borrowed. An unaligned write accepts any placement.
    unsafe { ptr::write_unaligned(report, value) };
    if !error.is_null() {
        // SAFETY: `error` is not NULL and points to a writable error (caller's contract).
        unsafe { ptr::write_unaligned(error, detail) };
    }
    result
}

/// Decodes and validates a JSON body.
///
/// Returns [`MEDIADIAG_OK`] and fills `report`; or [`MEDIADIAG_ERR_DECODE`], sets `report` to
/// absent values and, if `error` is not `NULL`, tells why in `error`. On success `error` (if
/// not `NULL`) is set to [`MediadiagDecodeError::NONE`]. [`MEDIADIAG_ERR_NULL_POINTER`] if
/// `report` is `NULL`, or `body` is `NULL` with a non-zero `len`.
///
/// # Safety
///
/// `body` must be `NULL` or point to `len` readable bytes; `report` must be `NULL` or point to
/// a writable `mediadiag_report`; `error` must be `NULL` or point to a writable
/// `mediadiag_decode_error`. The memory must not be modified concurrently.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_decode_json(
    body: *const u8,
    len: usize,
    report: *mut MediadiagReport,
    error: *mut MediadiagDecodeError,
) -> c_int {
    // SAFETY: the same contract as this function's.
    unsafe { decode(Report::from_json, body, len, report, error) }
}

/// Decodes and validates an XML body. Results as for [`mediadiag_decode_json`].
///
/// # Safety
///
/// As for [`mediadiag_decode_json`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_decode_xml(
    body: *const u8,
    len: usize,
    report: *mut MediadiagReport,
    error: *mut MediadiagDecodeError,
) -> c_int {
    // SAFETY: the same contract as this function's.
    unsafe { decode(Report::from_xml, body, len, report, error) }
}

/// Shared body of the two encode functions.
///
/// # Safety
///
/// As for [`mediadiag_encode_json`].
unsafe fn encode(
    encoder: fn(&Report, &mut [u8]) -> Result<usize, EncodeError>,
    report: *const MediadiagReport,
    out: *mut u8,
    capacity: usize,
) -> c_int {
    if report.is_null() {
        return MEDIADIAG_ERR_NULL_POINTER;
    }
    // SAFETY: `report` is not NULL and points to a readable report (caller's contract).
    let report = unsafe { ptr::read_unaligned(report) };
    let Some(report) = report.to_report() else {
        return MEDIADIAG_ERR_INVALID_ARGUMENT;
    };
    // SAFETY: the caller guarantees `out` points to `capacity` writable bytes (or is NULL).
    let out = match unsafe { buffer(out, capacity) } {
        Ok(out) => out,
        Err(code) => return code,
    };
    match encoder(&report, out) {
        Ok(len) => c_int::try_from(len).unwrap_or(MEDIADIAG_ERR_BUFFER_TOO_SMALL),
        Err(_) => MEDIADIAG_ERR_BUFFER_TOO_SMALL,
    }
}

/// Writes `report` as compact JSON into `out` (`capacity` bytes), without a terminating NUL.
///
/// Returns the number of bytes written, or [`MEDIADIAG_ERR_BUFFER_TOO_SMALL`] (the contents
/// of `out` are then unspecified), [`MEDIADIAG_ERR_INVALID_ARGUMENT`] if a field of `report` is
/// neither [`MEDIADIAG_ABSENT`] nor a valid number, [`MEDIADIAG_ERR_NULL_POINTER`]. Absent
/// properties are left out. [`MEDIADIAG_JSON_MAX_LEN`] bytes always suffice.
///
/// # Safety
///
/// `report` must be `NULL` or point to a readable `mediadiag_report`; `out` must be `NULL` or
/// point to `capacity` writable bytes that nothing else accesses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_encode_json(report: *const MediadiagReport, out: *mut u8, capacity: usize) -> c_int {
    // SAFETY: the same contract as this function's.
    unsafe { encode(Report::to_json, report, out, capacity) }
}

/// Writes `report` as a UCWA `<input>` XML document into `out`. Results as for
/// [`mediadiag_encode_json`]; [`MEDIADIAG_XML_MAX_LEN`] bytes always suffice.
///
/// # Safety
///
/// As for [`mediadiag_encode_json`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_encode_xml(report: *const MediadiagReport, out: *mut u8, capacity: usize) -> c_int {
    // SAFETY: the same contract as this function's.
    unsafe { encode(Report::to_xml, report, out, capacity) }
}

/// The canonical name of error code `code` as a static NUL-terminated string, or `NULL` if
/// `code` is not in `0..MEDIADIAG_CODE_COUNT`.
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_error_code_name(code: c_int) -> *const c_char {
    row(&CODE_C_NAMES, code)
}

/// The canonical name of error subcode `subcode` as a static NUL-terminated string, or `NULL`
/// if `subcode` is not in `0..MEDIADIAG_SUBCODE_COUNT`.
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_error_subcode_name(subcode: c_int) -> *const c_char {
    row(&SUBCODE_C_NAMES, subcode)
}

/// Looks up an error code by name (`len` bytes, no NUL needed), ASCII case-insensitively.
///
/// Returns the code number, [`MEDIADIAG_ERR_UNKNOWN_NAME`], or [`MEDIADIAG_ERR_NULL_POINTER`]
/// if `name` is `NULL` with a non-zero `len`.
///
/// # Safety
///
/// `name` must be `NULL` or point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_error_code_from_name(name: *const c_char, len: usize) -> c_int {
    // SAFETY: the same contract as this function's.
    match unsafe { bytes(name.cast(), len) } {
        Ok(name) => ErrorCode::from_name_ignore_case(name).map_or(MEDIADIAG_ERR_UNKNOWN_NAME, |code| code as c_int),
        Err(code) => code,
    }
}

/// Looks up an error subcode by name, as [`mediadiag_error_code_from_name`] does codes.
///
/// # Safety
///
/// `name` must be `NULL` or point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mediadiag_error_subcode_from_name(name: *const c_char, len: usize) -> c_int {
    // SAFETY: the same contract as this function's.
    match unsafe { bytes(name.cast(), len) } {
        Ok(name) => ErrorSubcode::from_name_ignore_case(name).map_or(MEDIADIAG_ERR_UNKNOWN_NAME, |code| code as c_int),
        Err(code) => code,
    }
}

/// The name of a decode error kind (`"TooDeep"` for `MEDIADIAG_KIND_TooDeep`; `"None"` and
/// `"Other"` for [`MEDIADIAG_KIND_NONE`] and [`MEDIADIAG_KIND_OTHER`]), or `NULL` if `kind` is
/// not a `MEDIADIAG_KIND_*` number.
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_decode_error_kind_name(kind: c_int) -> *const c_char {
    match i16::try_from(kind) {
        Ok(MEDIADIAG_KIND_NONE) => c_str("None\0"),
        Ok(MEDIADIAG_KIND_OTHER) => c_str("Other\0"),
        _ => kind_of(kind).map_or(ptr::null(), |&(_, _, name)| c_str(name)),
    }
}

/// The descriptions of the kinds, NUL-terminated, index for index with [`KINDS`].
static KIND_DESCRIPTIONS: CNames<{ KINDS.len() }, { packed_len(&DESCRIPTIONS) }> = CNames::new(DESCRIPTIONS);

#[allow(clippy::indexing_slicing)] // evaluated at compile time
const DESCRIPTIONS: [&str; KINDS.len()] = {
    let mut descriptions = [""; KINDS.len()];
    let mut i = 0;
    while i < KINDS.len() {
        descriptions[i] = KINDS[i].0.description();
        i += 1;
    }
    descriptions
};

/// A short English description of a decode error kind (it never contains input), or `NULL` if
/// `kind` is not a `MEDIADIAG_KIND_*` number.
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_decode_error_kind_description(kind: c_int) -> *const c_char {
    match i16::try_from(kind) {
        Ok(MEDIADIAG_KIND_NONE) => c_str("no error\0"),
        Ok(MEDIADIAG_KIND_OTHER) => c_str("an error this version of the C API has no number for\0"),
        _ => match KINDS.iter().position(|&(_, number, _)| c_int::from(number) == kind) {
            Some(index) => KIND_DESCRIPTIONS.get(index),
            None => ptr::null(),
        },
    }
}

/// The name of a property (`"errorCode"`, `"errorSubcode"`), or `NULL` for another number.
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_property_name(property: c_int) -> *const c_char {
    match i16::try_from(property) {
        Ok(MEDIADIAG_PROPERTY_ERROR_CODE) => c_str("errorCode\0"),
        Ok(MEDIADIAG_PROPERTY_ERROR_SUBCODE) => c_str("errorSubcode\0"),
        _ => ptr::null(),
    }
}

/// A short description of a result of this API (`MEDIADIAG_OK`, a length, or a
/// `MEDIADIAG_ERR_*` code), as a static NUL-terminated string; never `NULL`.
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_result_description(result: c_int) -> *const c_char {
    c_str(match result {
        MEDIADIAG_OK => "success\0",
        MEDIADIAG_ERR_NULL_POINTER => "null pointer\0",
        MEDIADIAG_ERR_DECODE => "the body was refused\0",
        MEDIADIAG_ERR_BUFFER_TOO_SMALL => "output buffer too small\0",
        MEDIADIAG_ERR_INVALID_ARGUMENT => "argument out of range\0",
        MEDIADIAG_ERR_UNKNOWN_NAME => "unknown name\0",
        _ => match phone::description(result) {
            Some(description) => description,
            None if result > 0 => "length written\0",
            None => "unknown result\0",
        },
    })
}

/// The version of this library, as a static NUL-terminated string (`"0.1.0"`).
#[unsafe(no_mangle)]
pub extern "C" fn mediadiag_version() -> *const c_char {
    c_str(concat!(env!("CARGO_PKG_VERSION"), "\0"))
}

/// Halts on a panic in bare-metal builds. The API has no reachable panic; this exists only
/// because a `no_std` static library must name a handler.
#[cfg(all(target_os = "none", feature = "panic-handler", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use core::ffi::CStr;
    use std::format;

    use super::*;

    fn text(name: *const c_char) -> &'static str {
        assert!(!name.is_null());
        // SAFETY: every non-NULL string of this API is static and NUL-terminated.
        unsafe { CStr::from_ptr(name) }.to_str().unwrap()
    }

    #[test]
    fn numbers_are_indexes_of_the_core_tables() {
        for (i, code) in ErrorCode::ALL.into_iter().enumerate() {
            assert_eq!(code as usize, i);
            assert_eq!(text(mediadiag_error_code_name(i as c_int)), code.as_str());
        }
        for (i, subcode) in ErrorSubcode::ALL.into_iter().enumerate() {
            assert_eq!(subcode as usize, i);
            assert_eq!(text(mediadiag_error_subcode_name(i as c_int)), subcode.as_str());
        }
        assert!(mediadiag_error_code_name(MEDIADIAG_CODE_COUNT as c_int).is_null());
        assert!(mediadiag_error_subcode_name(-1).is_null());
    }

    #[test]
    fn kinds_have_distinct_numbers_names_and_the_core_descriptions() {
        for (i, &(kind, number, name)) in KINDS.iter().enumerate() {
            assert_eq!(usize::try_from(number).unwrap(), i + 1);
            assert_eq!(kind_number(kind), number);
            assert_eq!(name.strip_suffix('\0'), Some(format!("{kind:?}").as_str()));
            assert_eq!(text(mediadiag_decode_error_kind_name(number.into())), format!("{kind:?}"));
            assert_eq!(text(mediadiag_decode_error_kind_description(number.into())), kind.description());
        }
        assert_eq!(text(mediadiag_decode_error_kind_name(MEDIADIAG_KIND_NONE.into())), "None");
        assert!(mediadiag_decode_error_kind_name(KINDS.len() as c_int + 1).is_null());
        assert!(mediadiag_decode_error_kind_description(-1).is_null());
    }

    #[test]
    fn a_refused_body_fills_the_error_and_clears_the_report() {
        let body = br#"{"errorCode":"Gone","errorCode":"Gone"}"#;
        let mut report = MediadiagReport { error_code: 3, error_subcode: 4 };
        let mut error = MediadiagDecodeError::NONE;
        // SAFETY: valid pointers and length.
        let result = unsafe { mediadiag_decode_json(body.as_ptr(), body.len(), &mut report, &mut error) };
        assert_eq!(result, MEDIADIAG_ERR_DECODE);
        assert_eq!(report, MediadiagReport::ABSENT);
        let expected = MediadiagDecodeError {
            subcode: ErrorSubcode::ParameterValidationFailure as i16,
            kind: kind_number(DecodeErrorKind::DuplicateProperty),
            property: MEDIADIAG_PROPERTY_ERROR_CODE,
            offset: 20,
        };
        assert_eq!(error, expected);
    }

    #[test]
    fn null_pointers_and_impossible_lengths_are_errors() {
        let mut report = MediadiagReport::ABSENT;
        let body = b"{}";
        // SAFETY: every pointer is NULL or valid for its length; the oversized length is refused
        // before the pointer is read.
        unsafe {
            assert_eq!(mediadiag_decode_json(ptr::null(), 1, &mut report, ptr::null_mut()), MEDIADIAG_ERR_NULL_POINTER);
            assert_eq!(
                mediadiag_decode_xml(body.as_ptr(), 2, ptr::null_mut(), ptr::null_mut()),
                MEDIADIAG_ERR_NULL_POINTER
            );
            assert_eq!(mediadiag_decode_json(ptr::null(), 0, &mut report, ptr::null_mut()), MEDIADIAG_ERR_DECODE);
            assert_eq!(
                mediadiag_decode_json(body.as_ptr(), usize::MAX, &mut report, ptr::null_mut()),
                MEDIADIAG_ERR_INVALID_ARGUMENT
            );
            assert_eq!(mediadiag_encode_json(ptr::null(), ptr::null_mut(), 0), MEDIADIAG_ERR_NULL_POINTER);
            assert_eq!(mediadiag_encode_xml(&report, ptr::null_mut(), 1), MEDIADIAG_ERR_NULL_POINTER);
            assert_eq!(mediadiag_encode_xml(&report, ptr::null_mut(), 0), MEDIADIAG_ERR_BUFFER_TOO_SMALL);
            assert_eq!(mediadiag_error_subcode_from_name(ptr::null(), 1), MEDIADIAG_ERR_NULL_POINTER);
        }
    }

    #[test]
    fn out_parameters_may_be_unaligned() {
        let body = b"<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"><property name=\"errorSubcode\">Busy</property></input>";
        let mut storage = [0u8; 1 + core::mem::size_of::<MediadiagReport>()];
        let report = storage[1..].as_mut_ptr().cast::<MediadiagReport>();
        // SAFETY: `report` points to enough writable bytes; the API writes it unaligned.
        let result = unsafe { mediadiag_decode_xml(body.as_ptr(), body.len(), report, ptr::null_mut()) };
        assert_eq!(result, MEDIADIAG_OK);
        // SAFETY: just written.
        let report = unsafe { ptr::read_unaligned(report) };
        assert_eq!(report, MediadiagReport { error_code: MEDIADIAG_ABSENT, error_subcode: ErrorSubcode::Busy as i16 });
    }

    #[test]
    fn out_of_range_reports_are_not_encoded() {
        let mut out = [0u8; MEDIADIAG_JSON_MAX_LEN];
        for report in [
            MediadiagReport { error_code: MEDIADIAG_CODE_COUNT as i16, error_subcode: MEDIADIAG_ABSENT },
            MediadiagReport { error_code: -2, error_subcode: MEDIADIAG_ABSENT },
            MediadiagReport { error_code: MEDIADIAG_ABSENT, error_subcode: i16::MAX },
        ] {
            // SAFETY: valid pointers and capacity.
            let result = unsafe { mediadiag_encode_json(&report, out.as_mut_ptr(), out.len()) };
            assert_eq!(result, MEDIADIAG_ERR_INVALID_ARGUMENT, "{report:?}");
        }
    }

    #[test]
    fn results_have_descriptions() {
        for result in [MEDIADIAG_OK, 1, -1, -2, -3, -4, -5, -6, c_int::MIN] {
            assert!(!text(mediadiag_result_description(result)).is_empty());
        }
        assert_eq!(text(mediadiag_version()), env!("CARGO_PKG_VERSION"));
    }
}
