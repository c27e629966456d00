//! RFC 3986 character classes, shared by the route matcher, the query reader and the phone's
//! request writer, so that a server and a phone agree on every byte.

/// RFC 3986 `unreserved`: `ALPHA / DIGIT / "-" / "." / "_" / "~"`.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986 `sub-delims`.
pub(crate) fn is_sub_delim(b: u8) -> bool {
    matches!(b, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=')
}

/// A character RFC 3986 allows unescaped in a `query` (`pchar / "/" / "?"`), `%` aside.
pub(crate) fn is_query_char(b: u8) -> bool {
    is_unreserved(b) || is_sub_delim(b) || matches!(b, b':' | b'@' | b'/' | b'?')
}

/// The value of a hexadecimal digit, in either case.
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|digit| digit as u8)
}

/// The byte a `%XX` escape at the start of `bytes` stands for.
pub(crate) fn escape_at(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [b'%', high, low, ..] => Some(hex_value(*high)? << 4 | hex_value(*low)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_are_rfc_3986() {
        let all = |test: fn(u8) -> bool| (0..=255u8).filter(|&b| test(b)).collect::<std::vec::Vec<u8>>();
        let mut unreserved =
            std::vec::Vec::from(*b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");
        unreserved.sort_unstable();
        assert_eq!(all(is_unreserved), unreserved);
        assert_eq!(all(is_sub_delim), b"!$&'()*+,;=");
        let query = all(is_query_char);
        assert_eq!(query, all(|b| is_unreserved(b) || is_sub_delim(b) || b":@/?".contains(&b)));
        assert_eq!(query.len(), unreserved.len() + 11 + 4);
        assert!(!query.iter().any(|b| b"%#[] \"<>\\^`{|}".contains(b)));
        assert_eq!(
            (escape_at(b"%3a"), escape_at(b"%3A"), escape_at(b"%G1"), escape_at(b"%4")),
            (Some(b':'), Some(b':'), None, None)
        );
    }
}
