//! The hand-written header `include/mediadiag.h` agrees with the library: every constant,
//! every enumeration value, in number and in name.

use mediadiag::{ErrorCode, ErrorSubcode};
use mediadiag_ffi::*;

const HEADER: &str = include_str!("../include/mediadiag.h");

/// The value of `#define NAME value` or of an enum constant `NAME = value`.
fn value_of(name: &str) -> Option<i64> {
    HEADER.lines().find_map(|line| {
        let line = line.trim();
        let rest = line.strip_prefix("#define ").unwrap_or(line);
        let rest = rest.strip_prefix(name)?;
        if !rest.starts_with([' ', '=']) {
            return None;
        }
        let value: String =
            rest.trim_start_matches([' ', '=', '(']).chars().take_while(|c| *c == '-' || c.is_ascii_digit()).collect();
        value.parse().ok()
    })
}

fn assert_value(name: &str, expected: i64) {
    assert_eq!(value_of(name), Some(expected), "{name} in mediadiag.h");
}

#[test]
fn results_and_sizes_match() {
    for (name, value) in [
        ("MEDIADIAG_OK", MEDIADIAG_OK),
        ("MEDIADIAG_ERR_NULL_POINTER", MEDIADIAG_ERR_NULL_POINTER),
        ("MEDIADIAG_ERR_DECODE", MEDIADIAG_ERR_DECODE),
        ("MEDIADIAG_ERR_BUFFER_TOO_SMALL", MEDIADIAG_ERR_BUFFER_TOO_SMALL),
        ("MEDIADIAG_ERR_INVALID_ARGUMENT", MEDIADIAG_ERR_INVALID_ARGUMENT),
        ("MEDIADIAG_ERR_UNKNOWN_NAME", MEDIADIAG_ERR_UNKNOWN_NAME),
    ] {
        assert_value(name, value.into());
    }
    assert_value("MEDIADIAG_ABSENT", MEDIADIAG_ABSENT.into());
    assert_value("MEDIADIAG_JSON_MAX_LEN", MEDIADIAG_JSON_MAX_LEN as i64);
    assert_value("MEDIADIAG_XML_MAX_LEN", MEDIADIAG_XML_MAX_LEN as i64);
    assert_value("MEDIADIAG_CODE_COUNT", MEDIADIAG_CODE_COUNT as i64);
    assert_value("MEDIADIAG_SUBCODE_COUNT", MEDIADIAG_SUBCODE_COUNT as i64);
    assert_value("MEDIADIAG_PROPERTY_ERROR_CODE", MEDIADIAG_PROPERTY_ERROR_CODE.into());
    assert_value("MEDIADIAG_PROPERTY_ERROR_SUBCODE", MEDIADIAG_PROPERTY_ERROR_SUBCODE.into());
    assert_value("MEDIADIAG_KIND_NONE", MEDIADIAG_KIND_NONE.into());
    assert_value("MEDIADIAG_KIND_OTHER", MEDIADIAG_KIND_OTHER.into());
}

#[test]
fn every_code_subcode_and_kind_is_declared_with_its_number() {
    for (number, code) in ErrorCode::ALL.into_iter().enumerate() {
        assert_value(&format!("MEDIADIAG_CODE_{code}"), number as i64);
    }
    for (number, subcode) in ErrorSubcode::ALL.into_iter().enumerate() {
        assert_value(&format!("MEDIADIAG_SUBCODE_{subcode}"), number as i64);
    }
    for (kind, number, name) in KINDS {
        let name = name.trim_end_matches('\0');
        assert_eq!(name, format!("{kind:?}"), "the C name of a kind is its Rust name");
        assert_value(&format!("MEDIADIAG_KIND_{name}"), number.into());
    }
    // And nothing else: as many enum constants as the tables have values.
    let declared = |prefix: &str| {
        HEADER.lines().filter(|line| line.trim_start().starts_with(prefix) && line.contains(" = ")).count()
    };
    assert_eq!(declared("MEDIADIAG_CODE_"), ErrorCode::ALL.len());
    assert_eq!(declared("MEDIADIAG_SUBCODE_"), ErrorSubcode::ALL.len());
    assert_eq!(declared("MEDIADIAG_KIND_"), KINDS.len() + 2);
}

#[test]
fn the_header_declares_exactly_the_exported_functions() {
    let source = include_str!("../src/lib.rs");
    let mut exported: Vec<&str> =
        source.split("extern \"C\" fn ").skip(1).filter_map(|rest| rest.split('(').next()).collect();
    let mut declared: Vec<&str> = HEADER
        .lines()
        .filter_map(|line| line.strip_prefix("int ").or_else(|| line.strip_prefix("const char *")))
        .filter_map(|rest| rest.split('(').next())
        .collect();
    exported.sort_unstable();
    declared.sort_unstable();
    assert_eq!(exported, declared);
    assert!(exported.len() >= 13, "{exported:?}");
}
