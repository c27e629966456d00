//! The lexical layer of the XML reader: a cursor over the body that reads one construct at a
//! time (names, tags, attribute values, text, comments, CDATA, processing instructions).
//! It never recurses; the document structure is tracked by the caller.

use super::chars::{class, is, is_name_char, is_name_start, reference};

use crate::cursor::{Cursor, Span};
use crate::error::{DecodeError, DecodeErrorKind as Kind};
use crate::text::{Capture, has_byte, same_bytes, utf8_char};

/// The character that `bytes` start with.
fn first_char(bytes: &[u8]) -> Option<char> {
    utf8_char(bytes).and_then(|(code, _)| char::from_u32(code))
}

/// An attribute value: the raw bytes between the quotes, and whether they are the value as
/// they stand (no reference to decode, no white space to normalize).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Value {
    pub(super) span: Span,
    pub(super) literal: bool,
}

/// A qualified name: `prefix:local` or `local`, as the whole name and where its local part
/// starts.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct QName {
    pub(super) full: Span,
    pub(super) local_start: usize,
}

impl QName {
    /// The prefix, without its colon.
    pub(super) fn prefix(&self) -> Option<Span> {
        (self.local_start > self.full.start).then(|| Span { start: self.full.start, end: self.local_start - 1 })
    }

    /// The local part (the whole name without a prefix).
    pub(super) fn local(&self) -> Span {
        Span { start: self.local_start, end: self.full.end }
    }
}

/// The XML lexical reader: a [`Cursor`] over a body that is UTF-8 made of XML characters
/// (`check_chars` ran first), and the constructs it reads.
pub(super) struct Reader<'a> {
    pub(super) cursor: Cursor<'a>,
}

impl<'a> Reader<'a> {
    /// The bytes of a span of the body.
    pub(super) fn slice(&self, span: Span) -> &'a [u8] {
        self.cursor.slice(span)
    }

    /// Expects `pattern` at the cursor and steps over it.
    pub(super) fn expect(&mut self, pattern: &[u8], fallback: Kind) -> Result<(), DecodeError> {
        if self.cursor.eat_slice(pattern) { Ok(()) } else { Err(self.cursor.error_or_end(fallback)) }
    }

    /// Advances past the bytes that have (`inside`) or lack (`!inside`) any of the class
    /// bits `mask`, and returns them: one loop for names, values, text and white space.
    fn skip_run(&mut self, mask: u8, inside: bool) -> Span {
        self.cursor.skip_while(|b| is(b, mask) == inside)
    }

    /// Skips XML white space; tells whether there was any.
    pub(super) fn skip_space(&mut self) -> bool {
        !self.skip_run(class::SPACE, true).is_empty()
    }

    /// Reads an XML `Name` (colons allowed; see [`Reader::qname`]).
    pub(super) fn name(&mut self) -> Result<Span, DecodeError> {
        let start = self.cursor.pos();
        match self.cursor.peek() {
            Some(b) if is(b, class::NAME_START) => self.cursor.bump(),
            Some(b) if is(b, class::NON_ASCII) && self.step_char_if(is_name_start) => {}
            _ => return Err(self.cursor.error_or_end(Kind::InvalidName)),
        }
        loop {
            self.skip_run(class::NAME, true);
            match self.cursor.peek() {
                Some(b) if is(b, class::NON_ASCII) && self.step_char_if(is_name_char) => {}
                _ => return Ok(Span { start, end: self.cursor.pos() }),
            }
        }
    }

    /// Steps past the (non-ASCII) character at the cursor if `admits` it.
    fn step_char_if(&mut self, admits: fn(char) -> bool) -> bool {
        match first_char(self.cursor.rest()) {
            Some(c) if admits(c) => {
                self.cursor.advance(c.len_utf8());
                true
            }
            _ => false,
        }
    }

    /// Reads a name and splits it as a Namespaces in XML `QName`.
    pub(super) fn qname(&mut self) -> Result<QName, DecodeError> {
        let full = self.name()?;
        let Some(i) = self.slice(full).iter().position(|&b| b == b':') else {
            return Ok(QName { full, local_start: full.start });
        };
        let split = full.start + i;
        let local = Span { start: split + 1, end: full.end };
        // Both parts are NCNames: not empty, no colon, the local part starts as a name does.
        let local_bytes = self.slice(local);
        let local_is_ncname =
            first_char(local_bytes).is_some_and(|c| c != ':' && is_name_start(c)) && !has_byte(local_bytes, b':');
        if i == 0 || !local_is_ncname {
            return Err(DecodeError::new(Kind::InvalidName, full.start));
        }
        Ok(QName { full, local_start: local.start })
    }

    /// `S? '=' S?`.
    pub(super) fn equals(&mut self) -> Result<(), DecodeError> {
        self.skip_space();
        self.expect(b"=", Kind::MalformedMarkup)?;
        self.skip_space();
        Ok(())
    }

    /// Reads a quoted attribute value, validating its references; returns the raw inside,
    /// and whether it is literal (no reference, no white space to normalize).
    /// Inlined into its two callers: 154 fewer instructions per XML seed decode (callgrind).
    #[inline]
    pub(super) fn attribute_value(&mut self) -> Result<Value, DecodeError> {
        let quote = match self.cursor.peek() {
            Some(q @ (b'"' | b'\'')) => q,
            _ => return Err(self.cursor.error_or_end(Kind::MalformedMarkup)),
        };
        self.cursor.bump();
        let start = self.cursor.pos();
        let mut literal = true;
        loop {
            self.skip_run(class::VALUE_STOP, false);
            match self.cursor.peek() {
                None => return Err(self.cursor.error(Kind::UnexpectedEnd)),
                Some(b) if b == quote => break,
                Some(b'<') => return Err(self.cursor.error(Kind::MalformedMarkup)),
                Some(b'&') => {
                    literal = false;
                    self.reference()?;
                }
                Some(b'\t' | b'\n' | b'\r') => {
                    literal = false;
                    self.cursor.bump();
                }
                Some(_) => self.cursor.bump(),
            }
        }
        let span = Span { start, end: self.cursor.pos() };
        self.cursor.bump();
        Ok(Value { span, literal })
    }

    /// Reads the reference at the cursor (on its `&`) and gives the character it stands for.
    fn reference(&mut self) -> Result<char, DecodeError> {
        let invalid = self.cursor.error(Kind::InvalidReference);
        reference(&mut self.cursor).ok_or(invalid)
    }

    /// Reads character data up to the next `<` or `&`, feeding `sink` if given.
    pub(super) fn text(&mut self, mut sink: Option<&mut Capture>) -> Result<(), DecodeError> {
        loop {
            let run = self.skip_run(class::TEXT_STOP, false);
            if let Some(sink) = sink.as_deref_mut() {
                sink.push_all(self.slice(run));
            }
            if self.cursor.peek() != Some(b']') {
                return Ok(());
            }
            if self.cursor.starts_with(b"]]>") {
                return Err(self.cursor.error(Kind::MisplacedText));
            }
            if let Some(sink) = sink.as_deref_mut() {
                sink.push(b']');
            }
            self.cursor.bump();
        }
    }

    /// Reads a reference in text, feeding its character to `sink` if given.
    pub(super) fn text_reference(&mut self, sink: Option<&mut Capture>) -> Result<(), DecodeError> {
        let c = self.reference()?;
        if let Some(sink) = sink {
            sink.push_char(c);
        }
        Ok(())
    }

    /// Moves past the next `terminator` and gives where it began; an end of input first is
    /// an error.
    fn skip_past(&mut self, terminator: &[u8]) -> Result<usize, DecodeError> {
        let rest = self.cursor.rest();
        match rest.windows(terminator.len()).position(|w| same_bytes(w, terminator)) {
            Some(i) => {
                let found = self.cursor.pos() + i;
                self.cursor.advance(i + terminator.len());
                Ok(found)
            }
            None => {
                self.cursor.advance(rest.len());
                Err(self.cursor.error(Kind::UnexpectedEnd))
            }
        }
    }

    /// Reads a comment at the cursor (`<!--`): `--` may not occur inside.
    pub(super) fn comment(&mut self) -> Result<(), DecodeError> {
        self.cursor.advance(b"<!--".len());
        let dashes = self.skip_past(b"--")?;
        if !self.cursor.eat(b'>') {
            return Err(DecodeError::new(Kind::MalformedMarkup, dashes));
        }
        Ok(())
    }

    /// Reads a CDATA section at the cursor (`<![CDATA[`), feeding its text to `sink`.
    pub(super) fn cdata(&mut self, sink: Option<&mut Capture>) -> Result<(), DecodeError> {
        self.cursor.advance(b"<![CDATA[".len());
        let start = self.cursor.pos();
        let end = self.skip_past(b"]]>")?;
        if let Some(sink) = sink {
            sink.push_all(self.slice(Span { start, end }));
        }
        Ok(())
    }

    /// Reads a processing instruction at the cursor (`<?`); its target may not be `xml`.
    pub(super) fn processing_instruction(&mut self) -> Result<(), DecodeError> {
        let at = self.cursor.pos();
        self.cursor.advance(b"<?".len());
        let target = self.name()?;
        let name = self.slice(target);
        if name.eq_ignore_ascii_case(b"xml") {
            return Err(DecodeError::new(Kind::InvalidXmlDeclaration, at));
        }
        if has_byte(name, b':') {
            return Err(DecodeError::new(Kind::InvalidName, target.start));
        }
        // The target ends the instruction, or white space separates it from the content.
        if !self.cursor.starts_with(b"?>") && !self.skip_space() {
            return Err(self.cursor.error_or_end(Kind::MalformedMarkup));
        }
        self.skip_past(b"?>")?;
        Ok(())
    }
}
