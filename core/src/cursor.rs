//! The read cursor that the JSON, XML and media-type readers share: the one place that
//! slices input.
//!
//! Invariant, for every cursor: `pos <= bytes.len()`. Every method that moves the cursor
//! keeps it and checks it with `debug_assert!`, so a reader that miscounted fails loudly
//! under tests and fuzzers; in release builds the slicing methods stay total (a position
//! past the end reads as the end of input), so no input can make them panic.

use crate::error::{DecodeError, DecodeErrorKind};
use crate::text::starts_with;

/// A byte range `start..end` of the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    /// Whether the range holds no byte.
    pub(crate) fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

/// A position in a byte string, read forward.
#[derive(Clone, Copy)]
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`.
    pub(crate) const fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    /// The whole input, whatever the position.
    pub(crate) fn input(&self) -> &'a [u8] {
        self.bytes
    }

    /// The offset of the cursor from the start of the input.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the cursor to `pos`, which must be inside the input (or at its end).
    pub(crate) fn set_pos(&mut self, pos: usize) {
        debug_assert!(pos <= self.bytes.len(), "cursor moved past the end: {pos} > {}", self.bytes.len());
        self.pos = pos;
    }

    /// Steps over `n` bytes, which the caller has seen (by `peek`, `starts_with`, `rest`).
    pub(crate) fn advance(&mut self, n: usize) {
        self.set_pos(self.pos + n);
    }

    /// Steps over one byte that the caller has seen.
    pub(crate) fn bump(&mut self) {
        self.advance(1);
    }

    /// The byte at the cursor, `None` at the end of the input.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The byte `n` bytes after the cursor.
    pub(crate) fn peek_ahead(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos.checked_add(n)?).copied()
    }

    /// Whether the input continues with `pattern` at the cursor.
    pub(crate) fn starts_with(&self, pattern: &[u8]) -> bool {
        starts_with(self.rest(), pattern)
    }

    /// Steps over `byte` if it is at the cursor.
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.bump();
        }
        found
    }

    /// Steps over `pattern` if the input continues with it.
    pub(crate) fn eat_slice(&mut self, pattern: &[u8]) -> bool {
        let found = self.starts_with(pattern);
        if found {
            self.advance(pattern.len());
        }
        found
    }

    /// The input from the cursor on.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// The bytes of a span of the input (empty if it is not one).
    pub(crate) fn slice(&self, span: Span) -> &'a [u8] {
        self.bytes.get(span.start..span.end).unwrap_or_default()
    }

    /// Steps over the bytes for which `keep` holds, and returns their span.
    pub(crate) fn skip_while(&mut self, mut keep: impl FnMut(u8) -> bool) -> Span {
        let start = self.pos;
        while self.peek().is_some_and(&mut keep) {
            self.bump();
        }
        Span { start, end: self.pos }
    }

    /// An error of `kind` at the cursor.
    pub(crate) fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(kind, self.pos)
    }

    /// An error at the cursor: `kind` on a byte, [`DecodeErrorKind::UnexpectedEnd`] at the end.
    pub(crate) fn error_or_end(&self, kind: DecodeErrorKind) -> DecodeError {
        match self.peek() {
            Some(_) => self.error(kind),
            None => self.error(DecodeErrorKind::UnexpectedEnd),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_reads_forward_and_slices_within_the_input() {
        let mut cursor = Cursor::new(b"ab cd");
        assert!(cursor.eat(b'a'));
        assert!(!cursor.eat(b'x'));
        assert_eq!(cursor.peek_ahead(1), Some(b' '));
        let run = cursor.skip_while(|b| b != b' ');
        assert_eq!((run, cursor.slice(run)), (Span { start: 1, end: 2 }, &b"b"[..]));
        assert!(cursor.eat_slice(b" c"));
        assert_eq!(cursor.rest(), b"d");
        cursor.bump();
        assert_eq!((cursor.peek(), cursor.peek_ahead(usize::MAX), cursor.rest()), (None, None, &b""[..]));
        assert_eq!(cursor.error_or_end(DecodeErrorKind::UnexpectedByte).kind(), DecodeErrorKind::UnexpectedEnd);
        assert_eq!(cursor.slice(Span { start: 4, end: 9 }), b"");
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "cursor moved past the end")]
    fn moving_past_the_end_is_caught_in_debug_builds() {
        Cursor::new(b"a").advance(2);
    }
}
