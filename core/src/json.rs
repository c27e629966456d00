//! Strict JSON (RFC 8259) decoding of a report body, and encoding.
//!
//! The decoder is a single pass over the bytes with an explicit, bounded stack (a bit per
//! level), so it cannot recurse, allocate or overflow. It validates the whole document,
//! unknown members included, and only then reports an invalid property value, so that a
//! syntax error anywhere always wins over a validation error (SPEC section 2, checks 8 and 9).
//!
//! serde-json-core is not used for decoding: it accepts raw control characters in strings,
//! skips unknown values without validating them and without a depth bound, and folds every
//! error into one, so closing those gaps needed a full tokenizer anyway. Nor for encoding:
//! the output is two fixed keys and two names that never need escaping, which a direct
//! writer produces several times faster (see BENCHMARKS.md). `Report` implements
//! `serde::Serialize` with the same output, for reports embedded in larger documents.

use crate::MAX_DEPTH;
use crate::error::{DecodeError, DecodeErrorKind as Kind, Property, Step, Stop};
use crate::frame::Frame;
use crate::report::{Report, Slots};
use crate::text::{Capture, bom_len, utf8_char, word};

/// Decodes a JSON body into a report.
///
/// UTF-8 is checked where non-ASCII bytes can be valid, inside strings; anywhere else a
/// non-ASCII byte is a syntax error already.
pub(crate) fn decode(input: &[u8]) -> Result<Report, DecodeError> {
    let mut parser = Parser { bytes: input, pos: bom_len(input), error: DecodeError::new(Kind::Empty, 0) };
    parser.document().map_err(|Stop| parser.error)?.finish()
}

/// Whether a byte ends a run of plain string content: quote, backslash, control, non-ASCII.
fn ends_plain_run(b: u8) -> bool {
    !(0x20..0x80).contains(&b) || b == b'"' || b == b'\\'
}

/// The length of the run of plain string content that `bytes` start with: a word at a time
/// while none of its bytes ends it, then byte by byte.
fn plain_run(bytes: &[u8]) -> usize {
    let mut run = 0;
    while let Some(word) = word::at(bytes, run) {
        if word::has_non_ascii(word) || word::has_below(word, 0x20) || word::has(word, b'"') || word::has(word, b'\\') {
            break;
        }
        run += word::LEN;
    }
    let rest = bytes.get(run..).unwrap_or_default();
    run + rest.iter().position(|&b| ends_plain_run(b)).unwrap_or(rest.len())
}

/// The compact JSON encoding: an object with a member per value.
pub(crate) const FRAME: Frame = Frame {
    start: "{",
    code_start: r#""errorCode":""#,
    code_end: "\"",
    subcode_start: r#""errorSubcode":""#,
    subcode_after_code: r#","errorSubcode":""#,
    subcode_end: "\"",
    end: "}",
};

/// What a value is about to be read into.
#[derive(Clone, Copy)]
enum Slot {
    /// An unknown member, or anything below the root: validated and skipped.
    Ignored,
    /// `errorCode` or `errorSubcode` at the root.
    Known(Property),
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Why the parse stopped, once it has.
    error: DecodeError,
}

/// The nesting of open containers: the depth, and a bit per level, the innermost lowest
/// (set for an array).
struct Nesting {
    depth: u32,
    arrays: u32,
}

const _: () = assert!(MAX_DEPTH <= u32::BITS as usize);

impl Nesting {
    /// Opens a container; false when that would be too deep.
    fn push(&mut self, is_array: bool) -> bool {
        if self.depth as usize >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        self.arrays = self.arrays << 1 | u32::from(is_array);
        true
    }

    /// Closes the innermost container.
    fn pop(&mut self) {
        self.depth -= 1;
        self.arrays >>= 1;
    }

    /// Whether the innermost open container is an array.
    fn in_array(&self) -> bool {
        self.arrays & 1 != 0
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Stops with an error at `at`.
    fn fail_at(&mut self, kind: Kind, at: usize) -> Stop {
        self.error = DecodeError::new(kind, at);
        Stop
    }

    /// Stops with an error at the cursor.
    fn fail(&mut self, kind: Kind) -> Stop {
        self.fail_at(kind, self.pos)
    }

    /// Stops at the byte at the cursor: unexpected, or the end of input.
    fn unexpected(&mut self) -> Stop {
        match self.peek() {
            Some(_) => self.fail(Kind::UnexpectedByte),
            None => self.fail(Kind::UnexpectedEnd),
        }
    }

    /// Reads the whole document; what it found, valid or not, is in the slots returned.
    fn document(&mut self) -> Step<Slots> {
        self.skip_whitespace();
        match self.peek() {
            None => return Err(self.fail(Kind::Empty)),
            Some(b'{') => self.pos += 1,
            Some(_) => return Err(self.fail(Kind::RootNotObject)),
        }
        let mut slots = Slots::default();
        // Where escaped names and values are unescaped; one for the whole document.
        let mut scratch = Capture::exact();
        let mut nesting = Nesting { depth: 0, arrays: 0 };
        nesting.push(false);
        // True right after an opening bracket, where the container may close at once.
        let mut fresh = true;
        loop {
            self.skip_whitespace();
            let closer = if nesting.in_array() { b']' } else { b'}' };
            let mut opened = false;
            if fresh && self.peek() == Some(closer) {
                self.pos += 1;
                nesting.pop();
            } else if nesting.in_array() {
                opened = self.value(Slot::Ignored, &mut slots, &mut nesting, &mut scratch)?;
            } else {
                let slot = self.member_name(nesting.depth, &mut slots, &mut scratch)?;
                self.skip_whitespace();
                if self.peek() != Some(b':') {
                    return Err(self.unexpected());
                }
                self.pos += 1;
                self.skip_whitespace();
                opened = self.value(slot, &mut slots, &mut nesting, &mut scratch)?;
            }
            if opened {
                fresh = true;
                continue;
            }
            // After a value (or a closed container): a comma, or closing brackets.
            loop {
                self.skip_whitespace();
                if nesting.depth == 0 {
                    if self.peek().is_some() {
                        return Err(self.fail(Kind::TrailingContent));
                    }
                    return Ok(slots);
                }
                let closer = if nesting.in_array() { b']' } else { b'}' };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        fresh = false;
                        break;
                    }
                    Some(b) if b == closer => {
                        self.pos += 1;
                        nesting.pop();
                    }
                    _ => return Err(self.unexpected()),
                }
            }
        }
    }

    /// Reads a member name; at the root, tells which property it names.
    fn member_name(&mut self, depth: u32, slots: &mut Slots, scratch: &mut Capture) -> Step<Slot> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected());
        }
        let at = self.pos;
        let name = self.text(scratch)?;
        match name.filter(|_| depth == 1).and_then(Property::from_captured) {
            Some(property) => {
                slots.mark_given(property, at);
                Ok(Slot::Known(property))
            }
            None => Ok(Slot::Ignored),
        }
    }

    /// Reads one value. Returns true when it opened a container (its members follow).
    fn value(&mut self, slot: Slot, slots: &mut Slots, nesting: &mut Nesting, scratch: &mut Capture) -> Step<bool> {
        let at = self.pos;
        let Some(first) = self.peek() else {
            return Err(self.fail(Kind::UnexpectedEnd));
        };
        match first {
            b'"' => {
                let text = self.text(scratch)?;
                if let Slot::Known(property) = slot {
                    slots.set(property, text, at);
                }
                return Ok(false);
            }
            b'{' | b'[' => {
                if !nesting.push(first == b'[') {
                    return Err(self.fail_at(Kind::TooDeep, at));
                }
                self.pos += 1;
            }
            b'n' => self.literal(b"null")?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(self.fail(Kind::UnexpectedByte)),
        }
        if let Slot::Known(property) = slot
            && first != b'n'
        {
            slots.reject(property, Kind::NotAString, at);
        }
        Ok(matches!(first, b'{' | b'['))
    }

    fn literal(&mut self, word: &[u8]) -> Step<()> {
        for &expected in word {
            if self.peek() != Some(expected) {
                return Err(self.unexpected());
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Step<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.fail(Kind::InvalidNumber)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.fail(Kind::InvalidNumber));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail(Kind::InvalidNumber));
            }
        }
        Ok(())
    }

    /// Reads a string at the cursor (on its opening quote), and gives its content: the
    /// input's own bytes when it has no escape (no copy), else its unescaped copy in
    /// `scratch`. `None` when the content cannot be any known name.
    fn text<'c>(&mut self, scratch: &'c mut Capture) -> Step<Option<&'c [u8]>>
    where
        'a: 'c,
    {
        let start = self.pos + 1;
        let rest = self.bytes.get(start..).unwrap_or_default();
        let run = plain_run(rest);
        self.pos = start + run;
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok(rest.get(..run));
        }
        scratch.restart();
        scratch.push_all(rest.get(..run).unwrap_or_default());
        self.string_rest(scratch)?;
        Ok(scratch.value())
    }

    /// Reads the rest of a string up to and past its closing quote, unescaping into `out`.
    fn string_rest(&mut self, out: &mut Capture) -> Step<()> {
        loop {
            // The run of plain ASCII up to the next quote, backslash, control or non-ASCII byte.
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            let run = plain_run(rest);
            out.push_all(rest.get(..run).unwrap_or_default());
            self.pos += run;
            match self.peek() {
                None => return Err(self.fail(Kind::UnexpectedEnd)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let c = self.escape()?;
                    out.push_char(c);
                }
                Some(0x80..=0xFF) => {
                    // A character no name has; checked as UTF-8.
                    let rest = self.bytes.get(self.pos..).unwrap_or_default();
                    let Some((_, len)) = utf8_char(rest) else {
                        return Err(self.fail(Kind::InvalidUtf8));
                    };
                    self.pos += len;
                    out.spoil();
                }
                Some(_) => return Err(self.fail(Kind::ControlCharacter)),
            }
        }
    }

    /// Reads an escape sequence at the cursor (on its backslash).
    fn escape(&mut self) -> Step<char> {
        let at = self.pos;
        self.pos += 1;
        let Some(letter) = self.peek() else {
            return Err(self.fail(Kind::UnexpectedEnd));
        };
        self.pos += 1;
        if letter == b'u' {
            return self.unicode_escape(at);
        }
        // The other escapes of RFC 8259, and what each stands for.
        const LETTERS: &[u8; 8] = b"\"\\/bfnrt";
        const MEANINGS: &[u8; 8] = b"\"\\/\x08\x0c\n\r\t";
        match LETTERS.iter().position(|&known| known == letter).and_then(|i| MEANINGS.get(i)) {
            Some(&meaning) => Ok(char::from(meaning)),
            None => Err(self.fail_at(Kind::InvalidEscape, at)),
        }
    }

    /// Reads the four hex digits after `\u`, and the low half of a surrogate pair.
    fn unicode_escape(&mut self, at: usize) -> Step<char> {
        let high = self.hex4(at)?;
        let code = match high {
            0xD800..=0xDBFF => {
                if self.peek() != Some(b'\\') || self.bytes.get(self.pos + 1) != Some(&b'u') {
                    return Err(self.fail_at(Kind::LoneSurrogate, at));
                }
                let low_at = self.pos;
                self.pos += 2;
                let low = self.hex4(low_at)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.fail_at(Kind::LoneSurrogate, at));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.fail_at(Kind::LoneSurrogate, at)),
            _ => high,
        };
        char::from_u32(code).ok_or_else(|| self.fail_at(Kind::InvalidEscape, at))
    }

    fn hex4(&mut self, at: usize) -> Step<u32> {
        let mut code = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b) => (b as char).to_digit(16),
                None => return Err(self.fail(Kind::UnexpectedEnd)),
            };
            let Some(digit) = digit else {
                return Err(self.fail_at(Kind::InvalidEscape, at));
            };
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }
}
