//! Media types (docs/behaviour.md, section 3): `Content-Type` to a decoder, `Accept` to an
//! error body type.

use core::fmt;

use crate::cursor::Cursor;
use crate::text::{Capture, has_byte};

/// The two body encodings UCWA speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// JSON (RFC 8259).
    Json,
    /// XML 1.0 with namespaces.
    Xml,
}

/// A media type this crate accepts and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `application/json`.
    Json,
    /// `application/xml`.
    Xml,
    /// `application/vnd.microsoft.com.ucwa+json`.
    UcwaJson,
    /// `application/vnd.microsoft.com.ucwa+xml`.
    UcwaXml,
    /// `application/vnd.microsoft.ucwa+json` (the spelling of UCWA's versioning page).
    UcwaJsonShort,
    /// `application/vnd.microsoft.ucwa+xml` (the spelling of UCWA's versioning page).
    UcwaXmlShort,
}

/// Why a `Content-Type` was refused (all answered with 415 UnsupportedMediaType).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaTypeError {
    /// The header is missing.
    Missing,
    /// The header does not parse as a media type (RFC 9110 section 8.3.1).
    Malformed,
    /// A well-formed media type this resource does not accept.
    Unsupported,
    /// A `charset` other than UTF-8.
    Charset,
}

impl fmt::Display for MediaTypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MediaTypeError::Missing => "Content-Type is missing",
            MediaTypeError::Malformed => "Content-Type is malformed",
            MediaTypeError::Unsupported => "Content-Type is not a supported media type",
            MediaTypeError::Charset => "charset is not utf-8",
        })
    }
}

impl core::error::Error for MediaTypeError {}

impl MediaType {
    /// Every accepted media type.
    pub const ALL: [MediaType; 6] = [
        MediaType::Json,
        MediaType::Xml,
        MediaType::UcwaJson,
        MediaType::UcwaXml,
        MediaType::UcwaJsonShort,
        MediaType::UcwaXmlShort,
    ];

    /// The essence (`type/subtype`), lower case.
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaType::Json => "application/json",
            MediaType::Xml => "application/xml",
            MediaType::UcwaJson => "application/vnd.microsoft.com.ucwa+json",
            MediaType::UcwaXml => "application/vnd.microsoft.com.ucwa+xml",
            MediaType::UcwaJsonShort => "application/vnd.microsoft.ucwa+json",
            MediaType::UcwaXmlShort => "application/vnd.microsoft.ucwa+xml",
        }
    }

    /// The value of a `Content-Type` header for a body of this type: `…; charset=utf-8`.
    pub const fn content_type(self) -> &'static str {
        match self {
            MediaType::Json => "application/json; charset=utf-8",
            MediaType::Xml => "application/xml; charset=utf-8",
            MediaType::UcwaJson => "application/vnd.microsoft.com.ucwa+json; charset=utf-8",
            MediaType::UcwaXml => "application/vnd.microsoft.com.ucwa+xml; charset=utf-8",
            MediaType::UcwaJsonShort => "application/vnd.microsoft.ucwa+json; charset=utf-8",
            MediaType::UcwaXmlShort => "application/vnd.microsoft.ucwa+xml; charset=utf-8",
        }
    }

    /// The encoding of bodies of this type.
    pub const fn encoding(self) -> Encoding {
        match self {
            MediaType::Json | MediaType::UcwaJson | MediaType::UcwaJsonShort => Encoding::Json,
            MediaType::Xml | MediaType::UcwaXml | MediaType::UcwaXmlShort => Encoding::Xml,
        }
    }

    /// The plain type of an encoding (`application/json` or `application/xml`).
    pub const fn of(encoding: Encoding) -> MediaType {
        match encoding {
            Encoding::Json => MediaType::Json,
            Encoding::Xml => MediaType::Xml,
        }
    }

    fn from_essence(type_: &[u8], subtype: &[u8]) -> Option<MediaType> {
        // Every supported type is `application/...`: compare the type once, then subtypes.
        const TYPE: &[u8] = b"application/";
        if !type_.eq_ignore_ascii_case(TYPE.split_last().map_or(TYPE, |(_slash, name)| name)) {
            return None;
        }
        MediaType::ALL
            .into_iter()
            .find(|m| m.as_str().as_bytes().get(TYPE.len()..).is_some_and(|s| s.eq_ignore_ascii_case(subtype)))
    }

    /// Reads a request's `Content-Type` (docs/behaviour.md, section 3).
    ///
    /// Names compare case-insensitively, `charset` must be UTF-8 (quoted or not), other
    /// parameters are ignored.
    ///
    /// ```
    /// use mediadiag::{Encoding, MediaType, MediaTypeError};
    ///
    /// let media = MediaType::from_content_type(b"Application/JSON; charset=\"UTF-8\"")?;
    /// assert_eq!(media.encoding(), Encoding::Json);
    /// assert_eq!(MediaType::from_content_type(b"text/plain"), Err(MediaTypeError::Unsupported));
    /// # Ok::<(), MediaTypeError>(())
    /// ```
    pub fn from_content_type(value: &[u8]) -> Result<MediaType, MediaTypeError> {
        // What phones send nearly always: a type exactly as written here, with or without
        // this crate's own charset parameter. Found without parsing (measured in the benches'
        // `layer` group); anything else is parsed.
        if let Some(media) =
            MediaType::ALL.into_iter().find(|m| value == m.as_str().as_bytes() || value == m.content_type().as_bytes())
        {
            return Ok(media);
        }
        MediaType::parse_content_type(value)
    }

    /// [`MediaType::from_content_type`] without its fast path: the same answer for every
    /// value. The phone's response reader uses it, as a phone reads one answer at a time and
    /// the fast path's flash is better spent elsewhere (core/firmware/README.md).
    pub(crate) fn parse_content_type(value: &[u8]) -> Result<MediaType, MediaTypeError> {
        let mut parser = HeaderParser { cursor: Cursor::new(value) };
        parser.skip_ows();
        let (type_, subtype) = parser.essence().ok_or(MediaTypeError::Malformed)?;
        let mut charset_ok = true;
        let mut value = Capture::exact();
        while parser.next_parameter_start().ok_or(MediaTypeError::Malformed)? {
            let name = parser.parameter(&mut value).ok_or(MediaTypeError::Malformed)?;
            if name.eq_ignore_ascii_case(b"charset") {
                charset_ok &= value.value().is_some_and(|v| v.bytes().eq_ignore_ascii_case(b"utf-8"));
            }
        }
        let media = MediaType::from_essence(type_, subtype).ok_or(MediaTypeError::Unsupported)?;
        if charset_ok { Ok(media) } else { Err(MediaTypeError::Charset) }
    }

    /// Chooses the media type of an error body (docs/behaviour.md, section 3): the most preferred
    /// supported type the `Accept` header names (a vnd type mirrored back), else the
    /// request's type, else JSON. Wildcards express no preference; `q=0` refuses a type.
    ///
    /// ```
    /// use mediadiag::MediaType;
    ///
    /// let chosen = MediaType::for_error(Some(b"text/html, application/xml;q=0.9"), Some(MediaType::Json));
    /// assert_eq!(chosen, MediaType::Xml);
    /// assert_eq!(MediaType::for_error(None, None), MediaType::Json);
    /// ```
    pub fn for_error(accept: Option<&[u8]>, request: Option<MediaType>) -> MediaType {
        let fallback = request.unwrap_or(MediaType::Json);
        let Some(accept) = accept else { return fallback };
        let mut best: Option<(u16, MediaType)> = None;
        let mut parser = HeaderParser { cursor: Cursor::new(accept) };
        loop {
            if let Some((quality, media)) = parser.accept_range()
                && quality > 0
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, media));
            }
            if !parser.skip_past_comma() {
                break;
            }
        }
        best.map_or(fallback, |(_, media)| media)
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// RFC 9110 `tchar`. The crate's byte loop rather than `contains`, for the phone's flash
/// (core/firmware/README.md).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || has_byte(b"!#$%&'*+-.^_`|~", b)
}

/// A reader of a `Content-Type` or `Accept` value.
struct HeaderParser<'a> {
    cursor: Cursor<'a>,
}

impl<'a> HeaderParser<'a> {
    fn skip_ows(&mut self) {
        self.cursor.skip_while(|b| matches!(b, b' ' | b'\t'));
    }

    fn token(&mut self) -> Option<&'a [u8]> {
        let token = self.cursor.skip_while(is_tchar);
        Some(self.cursor.slice(token)).filter(|t| !t.is_empty())
    }

    /// `type "/" subtype`.
    fn essence(&mut self) -> Option<(&'a [u8], &'a [u8])> {
        let type_ = self.token()?;
        if !self.cursor.eat(b'/') {
            return None;
        }
        Some((type_, self.token()?))
    }

    /// After an essence or a parameter: `OWS ";" OWS` (true), or the end (false).
    fn next_parameter_start(&mut self) -> Option<bool> {
        self.skip_ows();
        match self.cursor.peek() {
            None => Some(false),
            Some(b';') => {
                self.cursor.bump();
                self.skip_ows();
                Some(true)
            }
            Some(_) => None,
        }
    }

    /// `token "=" (token / quoted-string)`: the name, and the value captured unquoted into
    /// `value`. The caller's capture, not a returned one: measured in firmware, returning it
    /// by value links a `memcpy` routine (core/firmware/README.md, size tricks).
    fn parameter(&mut self, value: &mut Capture) -> Option<&'a [u8]> {
        let name = self.token()?;
        if !self.cursor.eat(b'=') {
            return None;
        }
        value.restart();
        if self.cursor.eat(b'"') {
            loop {
                let b = self.cursor.peek()?;
                self.cursor.bump();
                match b {
                    b'"' => break,
                    b'\\' => {
                        value.push(self.cursor.peek()?);
                        self.cursor.bump();
                    }
                    b'\t' | b' '..=b'~' | 0x80..=0xFF => value.push(b),
                    _ => return None,
                }
            }
        } else {
            value.push_all(self.token()?);
        }
        Some(name)
    }

    /// One element of an `Accept` list: its quality (0 to 1000) and type, if supported.
    fn accept_range(&mut self) -> Option<(u16, MediaType)> {
        self.skip_ows();
        let (type_, subtype) = self.essence()?;
        let mut quality = 1000;
        let mut value = Capture::exact();
        while self.next_parameter_start()? {
            let name = self.parameter(&mut value)?;
            if name.eq_ignore_ascii_case(b"q") {
                quality = parse_quality(value.value()?.bytes())?;
            }
        }
        Some((quality, MediaType::from_essence(type_, subtype)?))
    }

    /// Moves past the next comma outside quotes; false at the end.
    fn skip_past_comma(&mut self) -> bool {
        let mut quoted = false;
        while let Some(b) = self.cursor.peek() {
            self.cursor.bump();
            match b {
                b'"' => quoted = !quoted,
                // Skips the escaped byte, if the value goes on.
                b'\\' if quoted && self.cursor.peek().is_some() => self.cursor.bump(),
                b',' if !quoted => return true,
                _ => {}
            }
        }
        false
    }
}

/// RFC 9110 `qvalue` in thousandths: `0`, `0.5`, `1`, `1.000`.
fn parse_quality(text: &[u8]) -> Option<u16> {
    let (whole, fraction) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => (text.get(..dot)?, text.get(dot + 1..)?),
        None => (text, &[][..]),
    };
    if fraction.len() > 3 || !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut thousandths = 0u16;
    for i in 0..3 {
        thousandths = thousandths * 10 + fraction.get(i).map_or(0, |d| u16::from(d - b'0'));
    }
    match whole {
        b"0" => Some(thousandths),
        b"1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_type_is_an_application_type_found_by_its_essence() {
        for media in MediaType::ALL {
            let (type_, subtype) = media.as_str().split_once('/').unwrap();
            assert_eq!(type_, "application", "from_essence compares the type once");
            assert_eq!(MediaType::from_essence(b"APPLICATION", subtype.to_ascii_uppercase().as_bytes()), Some(media));
        }
        assert_eq!(MediaType::from_essence(b"text", b"json"), None);
    }

    #[test]
    fn the_fast_path_answers_what_the_parser_answers() {
        for media in MediaType::ALL {
            for value in [media.as_str(), media.content_type()] {
                assert_eq!(MediaType::parse_content_type(value.as_bytes()), Ok(media), "{value}");
                assert_eq!(MediaType::from_content_type(value.as_bytes()), Ok(media), "{value}");
            }
        }
    }
}
