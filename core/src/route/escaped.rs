//! A query value as written, percent-encoded, and its decoding.

use core::fmt;

use super::chars::escape_at;

/// A value of the Online form's query, as written in the request (percent-encoded), checked
/// when the href was matched: every `%` starts an escape of two hexadecimal digits, and the
/// decoded bytes are UTF-8 text without control characters, within the parameter's bound.
/// Decoding it cannot fail, and it never allocates.
///
/// Two values compare as written (`%3a` and `%3A` differ); compare [`Escaped::bytes`] for
/// their text.
///
/// ```
/// use mediadiag::route::{DEFAULT_PREFIXES, Resource, match_resource};
///
/// let href = "/ucwa/oauth/v1/applications/1/communication/callMediaDiagnostics\
///             ?callId=c1&fromUri=sip%3adele%40olajide.net&mediaType=Audio&toUri=sip%3Aa%40b";
/// let Some(Ok(Resource::Call(call))) = match_resource(href, &DEFAULT_PREFIXES) else { panic!() };
/// let from = call.from_uri();
/// assert_eq!(from.raw(), "sip%3adele%40olajide.net");
/// assert_eq!(from.decoded_len(), "sip:dele@olajide.net".len());
/// let mut buf = [0u8; 64];
/// assert_eq!(from.decode_into(&mut buf), Some("sip:dele@olajide.net"));
/// assert_eq!(from.decode_into(&mut buf[..4]), None);
/// assert!(from.bytes().eq(*b"sip:dele@olajide.net"));
/// assert_eq!(call.to_uri().to_string(), "sip:a@b");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Escaped<'a> {
    raw: &'a str,
}

impl<'a> Escaped<'a> {
    /// A value whose escapes and text the query reader checked.
    pub(crate) fn checked(raw: &'a str) -> Self {
        Escaped { raw }
    }

    /// The value as written, escapes and all.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The length of the decoded value, in bytes.
    pub fn decoded_len(&self) -> usize {
        // Every `%` starts a three-byte escape that decodes to one byte.
        self.raw.len() - 2 * self.raw.bytes().filter(|&b| b == b'%').count()
    }

    /// The decoded bytes, one by one.
    pub fn bytes(&self) -> Decoded<'a> {
        Decoded::new(self.raw.as_bytes())
    }

    /// Decodes the value into `out` and gives it as text; `None` only when `out` is shorter
    /// than [`Escaped::decoded_len`].
    pub fn decode_into<'b>(&self, out: &'b mut [u8]) -> Option<&'b str> {
        let mut len = 0;
        for byte in self.bytes() {
            *out.get_mut(len)? = byte;
            len += 1;
        }
        core::str::from_utf8(out.get(..len)?).ok()
    }
}

/// Writes the decoded text.
impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = self.bytes();
        while let Some(first) = bytes.next() {
            let len = match first {
                0x00..=0x7F => 1,
                0x80..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let mut char = [first, 0, 0, 0];
            for slot in char.iter_mut().take(len).skip(1) {
                *slot = bytes.next().unwrap_or_default();
            }
            f.write_str(core::str::from_utf8(char.get(..len).unwrap_or_default()).unwrap_or("\u{fffd}"))?;
        }
        Ok(())
    }
}

/// The decoded bytes of an [`Escaped`] value.
#[derive(Clone, Debug)]
pub struct Decoded<'a> {
    raw: &'a [u8],
    at: usize,
}

impl<'a> Decoded<'a> {
    /// The decoding of `raw`, whose escapes are well-formed (a malformed one reads as its `%`).
    pub(crate) fn new(raw: &'a [u8]) -> Self {
        Decoded { raw, at: 0 }
    }
}

impl Iterator for Decoded<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let rest = self.raw.get(self.at..)?;
        let &first = rest.first()?;
        match escape_at(rest) {
            Some(byte) => {
                self.at += 3;
                Some(byte)
            }
            None => {
                self.at += 1;
                Some(first)
            }
        }
    }
}
