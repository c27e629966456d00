//! The query of the Online form (docs/behaviour.md, section 1.2): the call's four parameters,
//! each given once, percent-encoded (RFC 3986), decoding to bounded UTF-8 text.

use core::fmt;

use super::chars::{escape_at, is_query_char};
use crate::cursor::Span;
use crate::text::{same_bytes, utf8_char};

/// Longest `callId`, in bytes once decoded.
pub const MAX_CALL_ID_LEN: usize = 64;
/// Longest `fromUri` or `toUri`, in bytes once decoded.
pub const MAX_URI_LEN: usize = 320;
/// Longest `mediaType`, in bytes once decoded.
pub const MAX_MEDIA_TYPE_LEN: usize = 32;

// `check` decodes a value into a buffer of the longest bound.
const _: () = assert!(MAX_CALL_ID_LEN <= MAX_URI_LEN && MAX_MEDIA_TYPE_LEN <= MAX_URI_LEN);

/// A parameter of the Online form's query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryParameter {
    /// `callId`: the call.
    CallId,
    /// `fromUri`: the caller's URI.
    FromUri,
    /// `toUri`: the callee's URI.
    ToUri,
    /// `mediaType`: the call's modality (see [`super::Modality`]).
    MediaType,
}

impl QueryParameter {
    /// The four parameters, in this order.
    pub const ALL: [QueryParameter; 4] =
        [QueryParameter::CallId, QueryParameter::FromUri, QueryParameter::ToUri, QueryParameter::MediaType];

    /// Length in bytes of the longest parameter name.
    pub const MAX_NAME_LEN: usize = QueryParameter::MediaType.name().len();

    /// The name, as the query spells it (names compare exactly).
    pub const fn name(self) -> &'static str {
        match self {
            QueryParameter::CallId => "callId",
            QueryParameter::FromUri => "fromUri",
            QueryParameter::ToUri => "toUri",
            QueryParameter::MediaType => "mediaType",
        }
    }

    /// The longest value, in bytes once decoded.
    pub const fn max_len(self) -> usize {
        match self {
            QueryParameter::CallId => MAX_CALL_ID_LEN,
            QueryParameter::FromUri | QueryParameter::ToUri => MAX_URI_LEN,
            QueryParameter::MediaType => MAX_MEDIA_TYPE_LEN,
        }
    }
}

impl fmt::Display for QueryParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why the query of an Online href was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QueryError {
    /// The parameter at fault; `None` for a parameter this resource does not define (which is
    /// otherwise ignored, but must be well-formed).
    pub parameter: Option<QueryParameter>,
    /// What is wrong with it.
    pub kind: QueryErrorKind,
}

/// What is wrong with a query parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QueryErrorKind {
    /// The parameter is not given.
    Missing,
    /// The parameter is given more than once.
    Repeated,
    /// A `%` not followed by two hexadecimal digits.
    BadEscape,
    /// A byte RFC 3986 does not allow unescaped in a query.
    InvalidCharacter,
    /// A `+`, which is a space to some encoders and a plus sign to others.
    Plus,
    /// The value is empty.
    Empty,
    /// The value, decoded, is longer than its bound ([`QueryParameter::max_len`]).
    TooLong,
    /// The value, decoded, is not UTF-8.
    NotUtf8,
    /// The value, decoded, has a control character (U+0000 to U+001F, U+007F).
    ControlCharacter,
}

impl QueryErrorKind {
    /// A short description, never containing input.
    pub const fn description(self) -> &'static str {
        match self {
            QueryErrorKind::Missing => "missing",
            QueryErrorKind::Repeated => "given more than once",
            QueryErrorKind::BadEscape => "a % not followed by two hexadecimal digits",
            QueryErrorKind::InvalidCharacter => "a character not allowed in a query",
            QueryErrorKind::Plus => "a + (write a space as %20, a plus sign as %2B)",
            QueryErrorKind::Empty => "empty",
            QueryErrorKind::TooLong => "too long",
            QueryErrorKind::NotUtf8 => "not UTF-8 once decoded",
            QueryErrorKind::ControlCharacter => "a control character once decoded",
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parameter {
            Some(parameter) => write!(f, "query parameter {parameter}: {}", self.kind.description()),
            None => write!(f, "query parameter of another name: {}", self.kind.description()),
        }
    }
}

impl core::error::Error for QueryError {}

/// Reads the query (without its `?`) into `values`: the raw values of the four parameters,
/// as spans of `query`, in the order of [`QueryParameter::ALL`]; `values` starts empty, and a
/// given value is never empty. The first problem from the left wins; a missing parameter is
/// found at the end, in that order.
///
/// The values are written to the caller's array rather than returned, and kept as spans whose
/// emptiness says "not given": measured on the Cortex-M4, returning them (or options of them)
/// links `memcpy` into the phone's side.
pub(crate) fn parse(query: &[u8], values: &mut [Span; 4]) -> Result<(), QueryError> {
    let mut start = 0;
    while start <= query.len() {
        let rest = query.get(start..).unwrap_or_default();
        let name_len = rest.iter().position(|&b| b == b'=' || b == b'&').unwrap_or(rest.len());
        let name = rest.get(..name_len).unwrap_or_default();
        let parameter = QueryParameter::ALL.into_iter().find(|p| same_bytes(p.name().as_bytes(), name));
        let error = |kind| QueryError { parameter, kind };
        // A value starts after its name's `=`; a piece of another name is checked whole.
        let from = match parameter {
            Some(_) if rest.get(name_len) == Some(&b'=') => start + name_len + 1,
            Some(_) => start + name_len,
            None => start,
        };
        let end = check(query, from, parameter).map_err(error)?;
        start = end + 1;
        // An empty piece (`&&`, a `&` at an end) is nothing; one of another name is ignored,
        // once it proved well-formed.
        let Some(slot) = parameter.and_then(|parameter| values.get_mut(parameter as usize)) else { continue };
        if !slot.is_empty() {
            return Err(error(QueryErrorKind::Repeated));
        }
        *slot = Span { start: from, end };
    }
    for (value, parameter) in values.iter().zip(QueryParameter::ALL) {
        if value.is_empty() {
            return Err(QueryError { parameter: Some(parameter), kind: QueryErrorKind::Missing });
        }
    }
    Ok(())
}

/// Checks the raw value of `parameter`, or a whole piece of another name (`None`), from `from`
/// to the next `&` or the end of the query, and gives where it ends.
///
/// Every byte must be a query character or start a `%XX` escape, and a value may have no
/// `+`: the first such problem wins. Then a value must not be empty, nor longer than its
/// bound once decoded, and its decoded bytes must be UTF-8 text without control characters
/// (the first problem in decoded order). A piece of another name is not decoded.
fn check(query: &[u8], from: usize, parameter: Option<QueryParameter>) -> Result<usize, QueryErrorKind> {
    let mut decoded = [0u8; MAX_URI_LEN];
    let mut at = from;
    let mut len = 0;
    while let Some(&b) = query.get(at).filter(|&&b| b != b'&') {
        let byte = match b {
            b'%' => escape_at(query.get(at..).unwrap_or_default()).ok_or(QueryErrorKind::BadEscape)?,
            b'+' if parameter.is_some() => return Err(QueryErrorKind::Plus),
            _ if is_query_char(b) => b,
            _ => return Err(QueryErrorKind::InvalidCharacter),
        };
        if let Some(slot) = decoded.get_mut(len) {
            *slot = byte;
        }
        at += if b == b'%' { 3 } else { 1 };
        len += 1;
    }
    let Some(parameter) = parameter else { return Ok(at) };
    if len == 0 {
        return Err(QueryErrorKind::Empty);
    }
    if len > parameter.max_len() {
        return Err(QueryErrorKind::TooLong);
    }
    let mut text = decoded.get(..len).unwrap_or_default();
    while !text.is_empty() {
        let (code, char_len) = utf8_char(text).ok_or(QueryErrorKind::NotUtf8)?;
        if code < 0x20 || code == 0x7F {
            return Err(QueryErrorKind::ControlCharacter);
        }
        text = text.get(char_len..).unwrap_or_default();
    }
    Ok(at)
}
