//! Small byte helpers shared by the decoders and encoders.

use crate::code::ErrorSubcode;
use crate::error::EncodeError;

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Length of a leading UTF-8 byte order mark (0 or 3).
pub(crate) fn bom_len(input: &[u8]) -> usize {
    if starts_with(input, BOM) { BOM.len() } else { 0 }
}

/// Whether two byte strings are equal: a byte loop, as the names compared are short, and
/// `a == b` would link `memcmp` (`core/firmware/README.md`, size tricks).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Whether `bytes` contain `byte`: a byte loop, as the names searched are short, and
/// `contains` would link `memchr` (`core/firmware/README.md`, size tricks).
#[allow(clippy::manual_contains)]
pub(crate) fn has_byte(bytes: &[u8], byte: u8) -> bool {
    bytes.iter().any(|&b| b == byte)
}

/// Whether `bytes` start with `prefix` (see [`same_bytes`]).
pub(crate) fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.get(..prefix.len()).is_some_and(|head| same_bytes(head, prefix))
}

/// Decodes the UTF-8 character at the start of `bytes`: its code point and length, or `None`
/// where the bytes are not UTF-8 (overlong forms, surrogates, past U+10FFFF, cut short).
///
/// The crate's own: the XML checks need the code point anyway, and it is smaller in flash
/// than `core::str::from_utf8` on the character's bytes (`core/firmware/README.md`).
pub(crate) fn utf8_char(bytes: &[u8]) -> Option<(u32, usize)> {
    let &first = bytes.first()?;
    let (len, least, mut code) = match first {
        0x00..=0x7F => return Some((u32::from(first), 1)),
        0xC2..=0xDF => (2, 0x80, u32::from(first & 0x1F)),
        0xE0..=0xEF => (3, 0x800, u32::from(first & 0x0F)),
        0xF0..=0xF4 => (4, 0x1_0000, u32::from(first & 0x07)),
        _ => return None,
    };
    for &byte in bytes.get(1..len)? {
        if byte & 0xC0 != 0x80 {
            return None;
        }
        code = (code << 6) | u32::from(byte & 0x3F);
    }
    let valid = code >= least && code <= 0x10_FFFF && !(0xD800..=0xDFFF).contains(&code);
    valid.then_some((code, len))
}

/// Bit tricks on a machine word of bytes at once (all exact "is there any such byte" tests).
///
/// A word is `usize`: eight bytes on 64-bit hosts, four on 32-bit firmware, where 64-bit
/// arithmetic would take two registers and library calls for the shifts.
pub(crate) mod word {
    /// Bytes in a word.
    pub(crate) const LEN: usize = usize::BITS as usize / 8;
    const ONES: usize = usize::MAX / 0xFF;
    const HIGH: usize = ONES * 0x80;

    /// `LEN` bytes at `at` as a little-endian word, if there are that many.
    pub(crate) fn at(bytes: &[u8], at: usize) -> Option<usize> {
        let word = bytes.get(at..at.checked_add(LEN)?)?;
        <[u8; LEN]>::try_from(word).ok().map(usize::from_le_bytes)
    }

    /// Some byte is 0x80 or above.
    pub(crate) fn has_non_ascii(word: usize) -> bool {
        word & HIGH != 0
    }

    /// Some byte is below `limit` (at most 0x80), for a word with no byte of 0x80 or above.
    pub(crate) fn has_below(word: usize, limit: u8) -> bool {
        word.wrapping_sub(ONES * usize::from(limit)) & !word & HIGH != 0
    }

    /// Some byte equals `byte`.
    pub(crate) fn has(word: usize, byte: u8) -> bool {
        let zero_where_equal = word ^ (ONES * usize::from(byte));
        zero_where_equal.wrapping_sub(ONES) & !zero_where_equal & HIGH != 0
    }
}

/// Longest value worth keeping: the longest name; a longer value cannot be a known name.
pub(crate) const CAPTURE_LEN: usize = ErrorSubcode::MAX_NAME_LEN;
const _: () = assert!(crate::ErrorCode::MAX_NAME_LEN <= CAPTURE_LEN && CAPTURE_LEN < 256);

/// A name as a decoder read it, ready to be looked up: at most [`CAPTURE_LEN`] bytes and no
/// control character (below 0x20), which is what lets [`CapturedName::matches`] compare case
/// by setting bit 5. Only a [`Capture`] or a [`PlainRun`] makes one, or [`CapturedName::new`],
/// which checks.
#[derive(Clone, Copy)]
pub(crate) struct CapturedName<'a>(&'a [u8]);

impl<'a> CapturedName<'a> {
    /// The name, if it has the properties of a captured one.
    pub(crate) fn new(bytes: &'a [u8]) -> Option<Self> {
        let fits = bytes.len() <= CAPTURE_LEN && bytes.iter().all(|&b| b >= 0x20);
        fits.then_some(CapturedName(bytes))
    }

    /// The bytes of the name.
    pub(crate) fn bytes(self) -> &'a [u8] {
        self.0
    }

    /// Whether the name is `known` in any ASCII case, for a `known` made of ASCII letters and
    /// digits (every enum and property name is; `code`'s tests check it).
    ///
    /// Setting bit 5 of every byte on both sides lowers letters and leaves digits alone; a
    /// byte of the name that then equals a letter of `known` was that letter in some case,
    /// and one that equals a digit was that digit or a control character (0x10 to 0x19),
    /// which a captured name has none of. A word at a time.
    pub(crate) fn matches(self, known: &str) -> bool {
        let (known, name) = (known.as_bytes(), self.0);
        if known.len() != name.len() {
            return false;
        }
        const BIT_5: usize = usize::MAX / 0xFF * 0x20;
        let mut at = 0;
        while let (Some(k), Some(c)) = (word::at(known, at), word::at(name, at)) {
            if k | BIT_5 != c | BIT_5 {
                return false;
            }
            at += word::LEN;
        }
        let known_tail = known.get(at..).unwrap_or_default();
        let name_tail = name.get(at..).unwrap_or_default();
        known_tail.iter().zip(name_tail).all(|(k, c)| k | 0x20 == c | 0x20)
    }
}

/// A run of plain JSON string content: printable ASCII other than `"` and `\`, which needs
/// no unescaping and, having no control character, is a [`CapturedName`] if short enough.
#[derive(Clone, Copy)]
pub(crate) struct PlainRun<'a>(&'a [u8]);

impl<'a> PlainRun<'a> {
    /// The run that `bytes` start with: a word at a time while none of its bytes ends it,
    /// then byte by byte.
    pub(crate) fn scan(bytes: &'a [u8]) -> Self {
        let ends_run = |b: u8| !(0x20..0x80).contains(&b) || b == b'"' || b == b'\\';
        let mut run = 0;
        while let Some(word) = word::at(bytes, run) {
            if word::has_non_ascii(word)
                || word::has_below(word, 0x20)
                || word::has(word, b'"')
                || word::has(word, b'\\')
            {
                break;
            }
            run += word::LEN;
        }
        let rest = bytes.get(run..).unwrap_or_default();
        let len = run + rest.iter().position(|&b| ends_run(b)).unwrap_or(rest.len());
        PlainRun(bytes.get(..len).unwrap_or_default())
    }

    pub(crate) fn len(self) -> usize {
        self.0.len()
    }

    pub(crate) fn bytes(self) -> &'a [u8] {
        self.0
    }

    /// The run as a name, unless it is too long to be one.
    pub(crate) fn name(self) -> Option<CapturedName<'a>> {
        (self.0.len() <= CAPTURE_LEN).then_some(CapturedName(self.0))
    }
}

/// A fixed buffer that keeps the first bytes of a decoded value, to compare with names that
/// match case-insensitively.
///
/// It never fails: a value that does not fit, that has a control character, or that has
/// white space inside when trimming, is remembered as `spoiled` (it cannot be any known
/// name) while the caller keeps validating. What it keeps otherwise is a [`CapturedName`].
///
/// Word-aligned, so that clearing its buffer takes the same word stores as any other
/// aligned buffer (one memset routine for the whole crate; `core/firmware/README.md`).
#[repr(C, align(4))]
pub(crate) struct Capture {
    buf: [u8; CAPTURE_LEN],
    len: u8,
    spoiled: bool,
    trim: bool,
    pending_space: bool,
}

impl Capture {
    /// A capture that keeps the value exactly (JSON).
    pub(crate) const fn exact() -> Self {
        Capture { buf: [0; CAPTURE_LEN], len: 0, spoiled: false, trim: false, pending_space: false }
    }

    /// A capture that trims leading and trailing XML white space (XML text values).
    pub(crate) const fn trimmed() -> Self {
        Capture { trim: true, ..Capture::exact() }
    }

    /// Empties the capture, to capture another value.
    pub(crate) fn restart(&mut self) {
        self.len = 0;
        self.spoiled = false;
        self.pending_space = false;
    }

    pub(crate) fn push(&mut self, byte: u8) {
        if self.trim && matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            self.pending_space = self.len > 0 || self.spoiled;
            return;
        }
        if self.pending_space || byte < 0x20 {
            // White space between two non-space runs, or a control character: no enum name
            // looks like that.
            self.spoiled = true;
        }
        match self.buf.get_mut(usize::from(self.len)) {
            Some(free) => {
                *free = byte;
                self.len += 1;
            }
            None => self.spoiled = true,
        }
    }

    /// Pushes a decoded character. Every known name is ASCII, so a value with any other
    /// character cannot be one: it is spoiled rather than encoded.
    pub(crate) fn push_char(&mut self, c: char) {
        match u8::try_from(c) {
            Ok(byte) if byte.is_ascii() => self.push(byte),
            _ => self.spoil(),
        }
    }

    /// Marks the value as no known name (it holds a character no name has).
    pub(crate) fn spoil(&mut self) {
        self.spoiled = true;
    }

    /// Pushes a run of bytes.
    pub(crate) fn push_all(&mut self, bytes: &[u8]) {
        if self.trim || bytes.iter().any(|&b| b < 0x20) {
            bytes.iter().for_each(|&byte| self.push(byte));
            return;
        }
        // A byte loop that stops when the buffer is full: values are short, and a slice
        // copy would link `memcpy` (`core/firmware/README.md`, size tricks).
        for &byte in bytes {
            let Some(free) = self.buf.get_mut(usize::from(self.len)) else {
                self.spoiled = true;
                return;
            };
            *free = byte;
            self.len += 1;
        }
    }

    /// True when nothing but (trimmed) white space was pushed.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0 && !self.spoiled
    }

    /// The captured name, or `None` when the value cannot be a known name.
    pub(crate) fn value(&self) -> Option<CapturedName<'_>> {
        if self.spoiled { None } else { self.buf.get(..usize::from(self.len)).map(CapturedName) }
    }
}

/// Writes bytes into a caller's buffer, failing cleanly when it is full.
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Writer { buf, len: 0 }
    }

    /// Appends `bytes`, or fails when they do not fit (the buffer then holds a part of them).
    /// A byte loop: the pieces are short, and a slice copy would link `memcpy`
    /// (`core/firmware/README.md`, size tricks).
    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        for &byte in bytes {
            *self.buf.get_mut(self.len).ok_or(EncodeError::BufferTooSmall)? = byte;
            self.len += 1;
        }
        Ok(())
    }

    pub(crate) fn put_str(&mut self, text: &str) -> Result<(), EncodeError> {
        self.put(text.as_bytes())
    }

    /// Appends `value` in decimal.
    pub(crate) fn put_decimal(&mut self, mut value: usize) -> Result<(), EncodeError> {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            if let Some(digit) = digits.get_mut(start) {
                *digit = b'0' + (value % 10) as u8;
            }
            value /= 10;
            if value == 0 || start == 0 {
                break;
            }
        }
        self.put(digits.get(start..).unwrap_or_default())
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_of_every_magnitude_are_written() {
        for value in [0, 7, 236, usize::MAX] {
            let mut buf = [0u8; 20];
            let mut writer = Writer::new(&mut buf);
            writer.put_decimal(value).unwrap();
            let len = writer.len();
            assert_eq!(&buf[..len], std::format!("{value}").as_bytes());
        }
        let mut short = [0u8; 2];
        assert_eq!(Writer::new(&mut short).put_decimal(236), Err(EncodeError::BufferTooSmall));
    }

    #[test]
    fn word_tests_agree_with_byte_tests() {
        for byte in 0..=255u8 {
            for position in 0..word::LEN {
                let mut bytes = [b'a'; word::LEN];
                bytes[position] = byte;
                let w = usize::from_le_bytes(bytes);
                assert_eq!(word::has_non_ascii(w), bytes.iter().any(|&b| b >= 0x80));
                assert_eq!(word::has(w, b'"'), bytes.contains(&b'"'));
                if !word::has_non_ascii(w) {
                    assert_eq!(word::has_below(w, 0x20), bytes.iter().any(|&b| b < 0x20), "{bytes:?}");
                }
            }
        }
    }
}
