//! XML character classes (XML 1.0 fifth edition) and reference decoding.

use crate::cursor::{Cursor, Span};
use crate::error::{DecodeError, DecodeErrorKind as Kind};
use crate::text::{utf8_char, word};

/// Checks that the body is UTF-8 and that every character is an XML `Char`: no C0 control
/// other than tab, line feed and carriage return, no U+FFFE or U+FFFF. One pass; the first
/// fault in the body is the one reported.
pub(super) fn check_chars(bytes: &[u8]) -> Result<(), DecodeError> {
    let mut cursor = Cursor::new(bytes);
    while let Some(b) = cursor.peek() {
        if word::at(cursor.input(), cursor.pos()).is_some_and(is_printable_ascii) {
            cursor.advance(word::LEN);
            continue;
        }
        if (0x20..0x80).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r') {
            cursor.bump();
            continue;
        }
        let Some((code, len)) = utf8_char(cursor.rest()) else {
            return Err(cursor.error(Kind::InvalidUtf8));
        };
        if !is_xml_char(code) {
            return Err(cursor.error(Kind::InvalidXmlChar));
        }
        cursor.advance(len);
    }
    Ok(())
}

/// Whether all bytes of a word are in 0x20..0x80 (ASCII, no control character).
fn is_printable_ascii(word: usize) -> bool {
    !word::has_non_ascii(word) && !word::has_below(word, 0x20)
}

/// Byte classes for the reader's hot loops: one table load per byte.
pub(super) mod class {
    /// ASCII `NameStartChar`.
    pub const NAME_START: u8 = 1;
    /// ASCII `NameChar`.
    pub const NAME: u8 = 2;
    /// Ends a run of character data: `<`, `&`, `]`.
    pub const TEXT_STOP: u8 = 4;
    /// Ends a run of an attribute value: either quote, `<`, `&`, or white space to normalize.
    pub const VALUE_STOP: u8 = 8;
    /// Not ASCII: the start or middle of a multi-byte character.
    pub const NON_ASCII: u8 = 16;
    /// XML white space.
    pub const SPACE: u8 = 32;
}

/// Classes of the ASCII bytes; every byte from 0x80 up is `NON_ASCII` only.
#[allow(clippy::indexing_slicing)] // b < 128, evaluated by the compiler
const CLASSES: [u8; 128] = {
    let mut classes = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let mut bits = 0;
        if c.is_ascii_alphabetic() || c == b'_' || c == b':' {
            bits |= class::NAME_START | class::NAME;
        }
        if c.is_ascii_digit() || c == b'-' || c == b'.' {
            bits |= class::NAME;
        }
        if c == b'<' || c == b'&' || c == b']' {
            bits |= class::TEXT_STOP;
        }
        if c == b'"' || c == b'\'' || c == b'<' || c == b'&' || c == b'\t' || c == b'\n' || c == b'\r' {
            bits |= class::VALUE_STOP;
        }
        if is_space(c) {
            bits |= class::SPACE;
        }
        classes[b] = bits;
        b += 1;
    }
    classes
};

/// Whether byte `b` has any of the class bits `mask`.
#[inline]
pub(super) fn is(b: u8, mask: u8) -> bool {
    CLASSES.get(usize::from(b)).map_or(class::NON_ASCII, |&bits| bits) & mask != 0
}

/// Is `c` an XML `Char` (production 2)?
pub(super) fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// XML white space (production 3).
pub(super) const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// `NameStartChar` below U+10000 as inclusive ranges: smaller in flash than the same ranges
/// in a `match` (`core/firmware/README.md`, size tricks); the test below holds it to the
/// `match`.
const NAME_START_RANGES: [(u16, u16); 15] = [
    (0x3A, 0x3A), // ':'
    (0x41, 0x5A), // 'A'..='Z'
    (0x5F, 0x5F), // '_'
    (0x61, 0x7A), // 'a'..='z'
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x2FF),
    (0x370, 0x37D),
    (0x37F, 0x1FFF),
    (0x200C, 0x200D),
    (0x2070, 0x218F),
    (0x2C00, 0x2FEF),
    (0x3001, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFFD),
];

/// What `NameChar` adds to `NameStartChar`, as inclusive ranges.
const NAME_EXTRA_RANGES: [(u16, u16); 5] = [
    (0x2D, 0x2E), // '-', '.'
    (0x30, 0x39), // '0'..='9'
    (0xB7, 0xB7),
    (0x300, 0x36F),
    (0x203F, 0x2040),
];

fn in_ranges(c: char, ranges: &[(u16, u16)]) -> bool {
    ranges.iter().any(|&(low, high)| (u32::from(low)..=u32::from(high)).contains(&u32::from(c)))
}

/// `NameStartChar` (production 4).
pub(super) fn is_name_start(c: char) -> bool {
    in_ranges(c, &NAME_START_RANGES) || ('\u{10000}'..='\u{EFFFF}').contains(&c)
}

/// `NameChar` (production 4a).
pub(super) fn is_name_char(c: char) -> bool {
    is_name_start(c) || in_ranges(c, &NAME_EXTRA_RANGES)
}

/// Decodes the entity or character reference at the cursor (on its `&`) and steps past its
/// `;`. `None` for an invalid reference, the cursor then somewhere inside it.
///
/// Only the five predefined entities exist: no DTD is ever read, so any other name is
/// refused.
pub(super) fn reference(cursor: &mut Cursor<'_>) -> Option<char> {
    cursor.bump();
    if cursor.eat(b'#') {
        let radix = if cursor.eat(b'x') { 16 } else { 10 };
        let mut value: u32 = 0;
        let digits = cursor.skip_while(|b| match char::from(b).to_digit(radix) {
            Some(digit) => {
                // Saturate past the Unicode range; the value is refused below anyway.
                value = value.saturating_mul(radix).saturating_add(digit).min(0x11_0000);
                true
            }
            None => false,
        });
        if digits.is_empty() || !cursor.eat(b';') || !is_xml_char(value) {
            return None;
        }
        return char::from_u32(value);
    }
    const ENTITIES: [(&[u8], char); 5] =
        [(b"lt;", '<'), (b"gt;", '>'), (b"amp;", '&'), (b"apos;", '\''), (b"quot;", '"')];
    let &(name, c) = ENTITIES.iter().find(|(name, _)| cursor.starts_with(name))?;
    cursor.advance(name.len());
    Some(c)
}

/// The characters (as code points) of an attribute value that was already validated,
/// normalized and with references decoded.
///
/// Literal tab, line feed and carriage return become a space (a CR LF pair one space), as
/// XML 1.0 section 3.3.3 says; references are decoded after that, so `&#9;` stays a tab.
/// Characters rather than bytes: a reference and the literal character it stands for
/// compare equal without encoding either.
pub(super) struct AttributeChars<'a> {
    cursor: Cursor<'a>,
    end: usize,
}

impl<'a> AttributeChars<'a> {
    /// The characters of the value at `span` of `body`.
    pub(super) fn new(body: &'a [u8], span: Span) -> Self {
        let mut cursor = Cursor::new(body);
        cursor.set_pos(span.start);
        AttributeChars { cursor, end: span.end }
    }
}

impl Iterator for AttributeChars<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let cursor = &mut self.cursor;
        if cursor.pos() >= self.end {
            return None;
        }
        let at = cursor.pos();
        let code = match cursor.peek() {
            Some(b'&') => reference(cursor).map(u32::from),
            Some(b'\r') => {
                cursor.bump();
                cursor.eat(b'\n');
                Some(0x20)
            }
            Some(b'\t' | b'\n') => {
                cursor.bump();
                Some(0x20)
            }
            _ => utf8_char(cursor.rest()).map(|(code, len)| {
                cursor.advance(len);
                code
            }),
        };
        // The value was validated when its tag was read, so every character decodes.
        debug_assert!(code.is_some(), "a validated attribute value does not decode at {at}");
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same check, one character at a time, as the word-at-a-time one must agree with.
    fn check_chars_slowly(bytes: &[u8]) -> Result<(), usize> {
        let mut at = 0;
        while at < bytes.len() {
            let (code, len) = utf8_char(&bytes[at..]).ok_or(at)?;
            if !is_xml_char(code) {
                return Err(at);
            }
            at += len;
        }
        Ok(())
    }

    #[test]
    fn name_characters_are_those_of_productions_4_and_4a() {
        let start = |c: char| {
            matches!(c,
                ':' | 'A'..='Z' | '_' | 'a'..='z'
                | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
                | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
                | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
                | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
        };
        let name = |c: char| {
            start(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_name_start(c), start(c), "{c:?}");
            assert_eq!(is_name_char(c), name(c), "{c:?}");
        }
    }

    #[test]
    fn the_word_at_a_time_check_agrees_with_a_character_at_a_time_one() {
        for byte in 0..=255u8 {
            for position in 0..20 {
                let mut body = *b"<input>abcdefgh</input>";
                body[position] = byte;
                let fast = check_chars(&body).map_err(|e| e.offset());
                assert_eq!(fast, check_chars_slowly(&body), "byte {byte:#04x} at {position}");
            }
        }
        let word = |bytes: &[u8]| word::at(bytes, 0).unwrap();
        assert!(is_printable_ascii(word(b" ~AZaz09")));
        assert!(!is_printable_ascii(word(b"ab\ndefgh")));
        assert!(is_printable_ascii(word(&b"abcdefg\x7f"[8 - word::LEN..])), "DEL is an XML character");
        assert!(!is_printable_ascii(word(&b"abcdefg\x80"[8 - word::LEN..])));
    }
}
