//! Strict JSON (RFC 8259) reading of a UCWA document: a report body, or an error body.
//!
//! The reader is a single pass over the bytes with an explicit, bounded stack (a bit per
//! level), so it cannot recurse, allocate or overflow. It validates the whole document,
//! unknown members included, and only then reports an invalid property value, so that a
//! syntax error anywhere always wins over a validation error (docs/behaviour.md, section 2,
//! checks 8 and 9).
//!
//! serde-json-core is not used: it accepts raw control characters in strings, skips unknown
//! values without validating them and without a depth bound, and folds every error into one,
//! so closing those gaps needed a full tokenizer anyway.

use crate::MAX_DEPTH;
use crate::cursor::{Cursor, Span};
use crate::error::{DecodeError, DecodeErrorKind as Kind};
use crate::fields::{Fields, Tally};
use crate::text::{Capture, CapturedName, PlainRun, bom_len, utf8_char};

/// Reads a JSON document, handing the values of its root object's fields to `fields`, and
/// the error that refuses it if any (a syntax error anywhere wins over a validation failure).
///
/// UTF-8 is checked where non-ASCII bytes can be valid, inside strings; anywhere else a
/// non-ASCII byte is a syntax error already.
pub(crate) fn decode(input: &[u8], fields: &mut dyn Fields) {
    let mut tally = Tally::new(fields);
    let mut cursor = Cursor::new(input);
    cursor.advance(bom_len(input));
    let read = Parser { cursor }.document(&mut tally);
    tally.finish(read);
}

/// Where the value about to be read goes.
#[derive(Clone, Copy)]
enum Destination {
    /// An unknown member, or anything below the root: validated and skipped.
    Ignored,
    /// A field of the schema at the root.
    Field(usize),
}

struct Parser<'a> {
    cursor: Cursor<'a>,
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
    fn skip_whitespace(&mut self) {
        self.cursor.skip_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    }

    /// The error for the byte at the cursor: unexpected, or the end of input.
    fn unexpected(&self) -> DecodeError {
        self.cursor.error_or_end(Kind::UnexpectedByte)
    }

    /// Reads the whole document; what it found, valid or not, went to `fields`.
    fn document(&mut self, fields: &mut Tally<'_>) -> Result<(), DecodeError> {
        self.skip_whitespace();
        match self.cursor.peek() {
            None => return Err(self.cursor.error(Kind::Empty)),
            Some(b'{') => self.cursor.bump(),
            Some(_) => return Err(self.cursor.error(Kind::RootNotObject)),
        }
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
            if fresh && self.cursor.eat(closer) {
                nesting.pop();
            } else if nesting.in_array() {
                opened = self.value(Destination::Ignored, fields, &mut nesting, &mut scratch)?;
            } else {
                let destination = self.member_name(nesting.depth, fields, &mut scratch)?;
                self.skip_whitespace();
                if !self.cursor.eat(b':') {
                    return Err(self.unexpected());
                }
                self.skip_whitespace();
                opened = self.value(destination, fields, &mut nesting, &mut scratch)?;
            }
            if opened {
                fresh = true;
                continue;
            }
            // After a value (or a closed container): a comma, or closing brackets.
            loop {
                self.skip_whitespace();
                if nesting.depth == 0 {
                    if self.cursor.peek().is_some() {
                        return Err(self.cursor.error(Kind::TrailingContent));
                    }
                    return Ok(());
                }
                let closer = if nesting.in_array() { b']' } else { b'}' };
                if self.cursor.eat(b',') {
                    fresh = false;
                    break;
                }
                if !self.cursor.eat(closer) {
                    return Err(self.unexpected());
                }
                nesting.pop();
            }
        }
    }

    /// Reads a member name; at the root, tells which field it names.
    fn member_name(
        &mut self,
        depth: u32,
        fields: &mut Tally<'_>,
        scratch: &mut Capture,
    ) -> Result<Destination, DecodeError> {
        if self.cursor.peek() != Some(b'"') {
            return Err(self.unexpected());
        }
        let at = self.cursor.pos();
        let name = self.text(scratch)?;
        let schema = fields.schema();
        match name.filter(|_| depth == 1).and_then(|name| schema.json_field(name)) {
            Some(field) => {
                fields.given(field, at);
                Ok(Destination::Field(field))
            }
            None => Ok(Destination::Ignored),
        }
    }

    /// Reads one value. Returns true when it opened a container (its members follow).
    fn value(
        &mut self,
        destination: Destination,
        fields: &mut Tally<'_>,
        nesting: &mut Nesting,
        scratch: &mut Capture,
    ) -> Result<bool, DecodeError> {
        let at = self.cursor.pos();
        let Some(first) = self.cursor.peek() else {
            return Err(self.cursor.error(Kind::UnexpectedEnd));
        };
        match first {
            b'"' => {
                let text = self.text(scratch)?;
                if let Destination::Field(field) = destination {
                    // The string's content, between its quotes.
                    let raw = Span { start: at + 1, end: self.cursor.pos().saturating_sub(1) };
                    fields.set(field, text, raw, at);
                }
                return Ok(false);
            }
            b'{' | b'[' => {
                if !nesting.push(first == b'[') {
                    return Err(DecodeError::new(Kind::TooDeep, at));
                }
                self.cursor.bump();
            }
            b'n' => self.literal(b"null")?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(self.cursor.error(Kind::UnexpectedByte)),
        }
        if let Destination::Field(field) = destination
            && first != b'n'
        {
            fields.reject(field, Kind::NotAString, at);
        }
        Ok(matches!(first, b'{' | b'['))
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), DecodeError> {
        for &expected in word {
            if !self.cursor.eat(expected) {
                return Err(self.unexpected());
            }
        }
        Ok(())
    }

    /// Steps over decimal digits; tells whether there was any.
    fn digits(&mut self) -> bool {
        !self.cursor.skip_while(|b| b.is_ascii_digit()).is_empty()
    }

    fn number(&mut self) -> Result<(), DecodeError> {
        self.cursor.eat(b'-');
        match self.cursor.peek() {
            Some(b'0') => self.cursor.bump(),
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.cursor.error(Kind::InvalidNumber)),
        }
        if self.cursor.eat(b'.') && !self.digits() {
            return Err(self.cursor.error(Kind::InvalidNumber));
        }
        if self.cursor.eat(b'e') || self.cursor.eat(b'E') {
            if !self.cursor.eat(b'+') {
                self.cursor.eat(b'-');
            }
            if !self.digits() {
                return Err(self.cursor.error(Kind::InvalidNumber));
            }
        }
        Ok(())
    }

    /// Reads a string at the cursor (on its opening quote), and gives its content: the
    /// input's own bytes when it has no escape (no copy), else its unescaped copy in
    /// `scratch`. `None` when the content cannot be any known name.
    fn text<'c>(&mut self, scratch: &'c mut Capture) -> Result<Option<CapturedName<'c>>, DecodeError>
    where
        'a: 'c,
    {
        self.cursor.bump();
        let plain = PlainRun::scan(self.cursor.rest());
        self.cursor.advance(plain.len());
        if self.cursor.eat(b'"') {
            return Ok(plain.name());
        }
        scratch.restart();
        scratch.push_all(plain.bytes());
        self.string_rest(scratch)?;
        Ok(scratch.value())
    }

    /// Reads the rest of a string up to and past its closing quote, unescaping into `out`.
    fn string_rest(&mut self, out: &mut Capture) -> Result<(), DecodeError> {
        loop {
            // The run of plain ASCII up to the next quote, backslash, control or non-ASCII byte.
            let plain = PlainRun::scan(self.cursor.rest());
            out.push_all(plain.bytes());
            self.cursor.advance(plain.len());
            match self.cursor.peek() {
                None => return Err(self.cursor.error(Kind::UnexpectedEnd)),
                Some(b'"') => {
                    self.cursor.bump();
                    return Ok(());
                }
                Some(b'\\') => {
                    let c = self.escape()?;
                    out.push_char(c);
                }
                Some(0x80..=0xFF) => {
                    // A character no name has; checked as UTF-8.
                    let Some((_, len)) = utf8_char(self.cursor.rest()) else {
                        return Err(self.cursor.error(Kind::InvalidUtf8));
                    };
                    self.cursor.advance(len);
                    out.spoil();
                }
                Some(_) => return Err(self.cursor.error(Kind::ControlCharacter)),
            }
        }
    }

    /// Reads an escape sequence at the cursor (on its backslash).
    fn escape(&mut self) -> Result<char, DecodeError> {
        let at = self.cursor.pos();
        self.cursor.bump();
        let Some(letter) = self.cursor.peek() else {
            return Err(self.cursor.error(Kind::UnexpectedEnd));
        };
        self.cursor.bump();
        if letter == b'u' {
            return self.unicode_escape(at);
        }
        // The other escapes of RFC 8259, and what each stands for.
        const LETTERS: &[u8; 8] = b"\"\\/bfnrt";
        const MEANINGS: &[u8; 8] = b"\"\\/\x08\x0c\n\r\t";
        match LETTERS.iter().position(|&known| known == letter).and_then(|i| MEANINGS.get(i)) {
            Some(&meaning) => Ok(char::from(meaning)),
            None => Err(DecodeError::new(Kind::InvalidEscape, at)),
        }
    }

    /// Reads the four hex digits after `\u`, and the low half of a surrogate pair.
    fn unicode_escape(&mut self, at: usize) -> Result<char, DecodeError> {
        let lone = DecodeError::new(Kind::LoneSurrogate, at);
        let high = self.hex4(at)?;
        let code = match high {
            0xD800..=0xDBFF => {
                let low_at = self.cursor.pos();
                if !self.cursor.eat_slice(b"\\u") {
                    return Err(lone);
                }
                let low = self.hex4(low_at)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(lone);
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(lone),
            _ => high,
        };
        char::from_u32(code).ok_or(DecodeError::new(Kind::InvalidEscape, at))
    }

    fn hex4(&mut self, at: usize) -> Result<u32, DecodeError> {
        let mut code = 0u32;
        for _ in 0..4 {
            let Some(b) = self.cursor.peek() else {
                return Err(self.cursor.error(Kind::UnexpectedEnd));
            };
            let Some(digit) = (b as char).to_digit(16) else {
                return Err(DecodeError::new(Kind::InvalidEscape, at));
            };
            code = code * 16 + digit;
            self.cursor.bump();
        }
        Ok(code)
    }
}
