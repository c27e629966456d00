//! The lexical layer of the XML reader: a cursor over the body that reads one construct at a
//! time (names, tags, attribute values, text, comments, CDATA, processing instructions).
//! It never recurses; the document structure is tracked by the caller.

use super::chars::{class, is, is_name_char, is_name_start, reference};
use core::cell::Cell;

use crate::error::{DecodeError, DecodeErrorKind as Kind, Step, Stop};
use crate::text::{Capture, has_byte, same_bytes, starts_with, utf8_char};

/// The character that `bytes` start with.
fn first_char(bytes: &[u8]) -> Option<char> {
    utf8_char(bytes).and_then(|(code, _)| char::from_u32(code))
}

/// A byte range of the body.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
}

/// An attribute value: the raw bytes between the quotes, and whether they are the value as
/// they stand (no reference to decode, no white space to normalize).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Value {
    pub(super) span: Span,
    pub(super) literal: bool,
}

/// A qualified name: `prefix:local` or `local`, as the whole name and where its local part
/// starts (three words, cheap to pass around).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct QName {
    pub(super) full: Span,
    local_start: usize,
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

pub(super) struct Reader<'a> {
    /// The whole body, known to be UTF-8 made of XML characters.
    pub(super) text: &'a [u8],
    pub(super) pos: usize,
    /// Where the first error is recorded; shared by the readers of one body.
    pub(super) error: &'a Cell<DecodeError>,
}

impl<'a> Reader<'a> {
    pub(super) fn bytes(&self) -> &'a [u8] {
        self.text
    }

    /// The bytes of a span. Never inlined: called from many places, one copy is smaller.
    #[inline(never)]
    pub(super) fn slice(&self, span: Span) -> &'a [u8] {
        self.bytes().get(span.start..span.end).unwrap_or_default()
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    pub(super) fn starts_with(&self, pattern: &[u8]) -> bool {
        self.bytes().get(self.pos..).is_some_and(|rest| starts_with(rest, pattern))
    }

    /// Another reader of the same body, at `pos`. Never inlined, as `slice`.
    #[inline(never)]
    pub(super) fn at(&self, pos: usize) -> Reader<'a> {
        Reader { text: self.text, pos, error: self.error }
    }

    /// Stops with an error at `at`. Never inlined: one copy serves every error site.
    #[inline(never)]
    pub(super) fn stop_at(&self, kind: Kind, at: usize) -> Stop {
        self.error.set(DecodeError::new(kind, at));
        Stop
    }

    /// Stops with an error at the cursor.
    pub(super) fn stop(&self, kind: Kind) -> Stop {
        self.stop_at(kind, self.pos)
    }

    /// Stops at the cursor with `fallback`, or at the end of the input.
    pub(super) fn stop_or_end(&self, fallback: Kind) -> Stop {
        match self.peek() {
            Some(_) => self.stop(fallback),
            None => self.stop(Kind::UnexpectedEnd),
        }
    }

    /// Expects `pattern` at the cursor and steps over it.
    pub(super) fn expect(&mut self, pattern: &[u8], fallback: Kind) -> Step<()> {
        if self.starts_with(pattern) {
            self.pos += pattern.len();
            Ok(())
        } else {
            Err(self.stop_or_end(fallback))
        }
    }

    /// Advances past the bytes that have (`inside`) or lack (`!inside`) any of the class
    /// bits `mask`, and returns them: one loop for names, values, text and white space.
    fn skip_run(&mut self, mask: u8, inside: bool) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(|b| is(b, mask) == inside) {
            self.pos += 1;
        }
        self.bytes().get(start..self.pos).unwrap_or_default()
    }

    /// Skips XML white space; tells whether there was any.
    pub(super) fn skip_space(&mut self) -> bool {
        !self.skip_run(class::SPACE, true).is_empty()
    }

    fn char_here(&self) -> Option<char> {
        first_char(self.text.get(self.pos..)?)
    }

    /// Reads an XML `Name` (colons allowed; see [`Reader::qname`]).
    pub(super) fn name(&mut self) -> Step<Span> {
        let start = self.pos;
        match self.peek() {
            Some(b) if is(b, class::NAME_START) => self.pos += 1,
            Some(b) if is(b, class::NON_ASCII) && self.step_char_if(is_name_start) => {}
            _ => return Err(self.stop_or_end(Kind::InvalidName)),
        }
        loop {
            self.skip_run(class::NAME, true);
            match self.peek() {
                Some(b) if is(b, class::NON_ASCII) && self.step_char_if(is_name_char) => {}
                _ => return Ok(Span { start, end: self.pos }),
            }
        }
    }

    /// Steps past the (non-ASCII) character at the cursor if `admits` it.
    fn step_char_if(&mut self, admits: fn(char) -> bool) -> bool {
        match self.char_here() {
            Some(c) if admits(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    /// Reads a name and splits it as a Namespaces in XML `QName`.
    pub(super) fn qname(&mut self) -> Step<QName> {
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
            return Err(self.stop_at(Kind::InvalidName, full.start));
        }
        Ok(QName { full, local_start: local.start })
    }

    /// `S? '=' S?`.
    pub(super) fn equals(&mut self) -> Step<()> {
        self.skip_space();
        self.expect(b"=", Kind::MalformedMarkup)?;
        self.skip_space();
        Ok(())
    }

    /// Reads a quoted attribute value, validating its references; returns the raw inside,
    /// and whether it is literal (no reference, no white space to normalize).
    pub(super) fn attribute_value(&mut self) -> Step<Value> {
        let quote = match self.peek() {
            Some(q @ (b'"' | b'\'')) => q,
            _ => return Err(self.stop_or_end(Kind::MalformedMarkup)),
        };
        self.pos += 1;
        let start = self.pos;
        let mut literal = true;
        loop {
            self.skip_run(class::VALUE_STOP, false);
            match self.peek() {
                None => return Err(self.stop(Kind::UnexpectedEnd)),
                Some(b) if b == quote => break,
                Some(b'<') => return Err(self.stop(Kind::MalformedMarkup)),
                Some(b'&') => {
                    literal = false;
                    self.pos = reference(self.bytes(), self.pos).ok_or_else(|| self.stop(Kind::InvalidReference))?.1;
                }
                Some(b'\t' | b'\n' | b'\r') => {
                    literal = false;
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
        let span = Span { start, end: self.pos };
        self.pos += 1;
        Ok(Value { span, literal })
    }

    /// Reads character data up to the next `<` or `&`, feeding `sink` if given.
    pub(super) fn text(&mut self, mut sink: Option<&mut Capture>) -> Step<()> {
        loop {
            let run = self.skip_run(class::TEXT_STOP, false);
            if let Some(sink) = sink.as_deref_mut() {
                sink.push_all(run);
            }
            if self.peek() != Some(b']') {
                return Ok(());
            }
            if self.starts_with(b"]]>") {
                return Err(self.stop(Kind::MisplacedText));
            }
            if let Some(sink) = sink.as_deref_mut() {
                sink.push(b']');
            }
            self.pos += 1;
        }
    }

    /// Reads a reference in text, feeding its character to `sink` if given.
    pub(super) fn text_reference(&mut self, sink: Option<&mut Capture>) -> Step<()> {
        let (c, next) = reference(self.bytes(), self.pos).ok_or_else(|| self.stop(Kind::InvalidReference))?;
        self.pos = next;
        if let Some(sink) = sink {
            sink.push_char(c);
        }
        Ok(())
    }

    /// Moves past the next `terminator`; an end of input first is an error.
    fn skip_past(&mut self, terminator: &[u8]) -> Step<usize> {
        let rest = self.bytes().get(self.pos..).unwrap_or_default();
        match rest.windows(terminator.len()).position(|w| same_bytes(w, terminator)) {
            Some(i) => {
                let found = self.pos + i;
                self.pos = found + terminator.len();
                Ok(found)
            }
            None => {
                self.pos = self.bytes().len();
                Err(self.stop(Kind::UnexpectedEnd))
            }
        }
    }

    /// Reads a comment at the cursor (`<!--`): `--` may not occur inside.
    pub(super) fn comment(&mut self) -> Step<()> {
        self.pos += 4;
        let dashes = self.skip_past(b"--")?;
        if self.peek() != Some(b'>') {
            return Err(self.stop_at(Kind::MalformedMarkup, dashes));
        }
        self.pos += 1;
        Ok(())
    }

    /// Reads a CDATA section at the cursor (`<![CDATA[`), feeding its text to `sink`.
    pub(super) fn cdata(&mut self, sink: Option<&mut Capture>) -> Step<()> {
        self.pos += b"<![CDATA[".len();
        let start = self.pos;
        let end = self.skip_past(b"]]>")?;
        if let Some(sink) = sink {
            sink.push_all(self.slice(Span { start, end }));
        }
        Ok(())
    }

    /// Reads a processing instruction at the cursor (`<?`); its target may not be `xml`.
    pub(super) fn processing_instruction(&mut self) -> Step<()> {
        let at = self.pos;
        self.pos += 2;
        let target = self.name()?;
        let name = self.slice(target);
        if name.eq_ignore_ascii_case(b"xml") {
            return Err(self.stop_at(Kind::InvalidXmlDeclaration, at));
        }
        if has_byte(name, b':') {
            return Err(self.stop_at(Kind::InvalidName, target.start));
        }
        // The target ends the instruction, or white space separates it from the content.
        if !self.starts_with(b"?>") && !self.skip_space() {
            return Err(self.stop_or_end(Kind::MalformedMarkup));
        }
        self.skip_past(b"?>")?;
        Ok(())
    }
}
