//! Decode and encode errors: values with enough context to act on.

use core::fmt;

use crate::code::ErrorSubcode;
use crate::text::CapturedName;

/// One of the two properties of a report body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Property {
    /// `errorCode`.
    ErrorCode,
    /// `errorSubcode`.
    ErrorSubcode,
}

impl Property {
    /// Both properties, in the order a report lists them.
    pub const ALL: [Property; 2] = [Property::ErrorCode, Property::ErrorSubcode];

    /// Length in bytes of the longer property name.
    pub const MAX_NAME_LEN: usize = {
        let (code, subcode) = (Property::ErrorCode.name().len(), Property::ErrorSubcode.name().len());
        if code > subcode { code } else { subcode }
    };

    /// The canonical property name, as UCWA spells it in JSON and XML.
    pub const fn name(self) -> &'static str {
        match self {
            Property::ErrorCode => "errorCode",
            Property::ErrorSubcode => "errorSubcode",
        }
    }

    /// Matches a property name ASCII case-insensitively.
    pub fn from_name_ignore_case(name: &[u8]) -> Option<Self> {
        CapturedName::new(name).and_then(Self::from_captured)
    }

    /// Matches a captured name in any case.
    pub(crate) fn from_captured(name: CapturedName<'_>) -> Option<Self> {
        Property::ALL.into_iter().find(|property| name.matches(property.name()))
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What exactly went wrong while decoding a body.
///
/// Each kind belongs to one UCWA subcode, see [`DecodeErrorKind::subcode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body is empty, or holds only white space (and a byte order mark).
    Empty,
    /// The body is not valid UTF-8.
    InvalidUtf8,
    /// The body ends in the middle of a value or an element.
    UnexpectedEnd,
    /// A byte that the grammar does not allow here.
    UnexpectedByte,
    /// The JSON root is not an object.
    RootNotObject,
    /// Something other than white space (or, in XML, comments and processing instructions)
    /// follows the root.
    TrailingContent,
    /// Objects, arrays or elements are nested deeper than [`crate::MAX_DEPTH`].
    TooDeep,
    /// A raw control character inside a JSON string.
    ControlCharacter,
    /// A JSON escape sequence that RFC 8259 does not define.
    InvalidEscape,
    /// A `\u` escape that is half of a surrogate pair without its other half.
    LoneSurrogate,
    /// A malformed JSON number.
    InvalidNumber,
    /// A character outside the XML `Char` production.
    InvalidXmlChar,
    /// A document type declaration: no DTD is ever processed.
    Doctype,
    /// A malformed XML declaration, or one that is not at the very start.
    InvalidXmlDeclaration,
    /// An XML declaration naming an encoding other than UTF-8.
    UnsupportedEncoding,
    /// An end tag that does not match its start tag.
    MismatchedTag,
    /// The same attribute twice on one element (by name, or by namespace and local name).
    DuplicateAttribute,
    /// More attributes on one element than [`crate::MAX_ATTRIBUTES`], or a start tag longer
    /// than [`crate::MAX_START_TAG_LEN`].
    TooManyAttributes,
    /// More namespace declarations in scope than [`crate::MAX_NAMESPACES`].
    TooManyNamespaces,
    /// A prefix that no namespace declaration in scope binds.
    UndeclaredPrefix,
    /// A namespace declaration that Namespaces in XML forbids.
    InvalidNamespaceDeclaration,
    /// A malformed element, attribute or processing-instruction name.
    InvalidName,
    /// An entity or character reference that is malformed, unknown, or names a non-`Char`.
    InvalidReference,
    /// The root element is neither `input` nor `resource` (`reason` for an error body).
    WrongRoot,
    /// The root element is not in the UCWA namespace.
    WrongNamespace,
    /// Malformed markup: comments, CDATA sections, processing instructions, tags.
    MalformedMarkup,
    /// Text outside the root element, or `]]>` in text.
    MisplacedText,
    /// A property value that is not a known value of its enumeration.
    UnknownValue,
    /// The same property given twice.
    DuplicateProperty,
    /// A property value that is not a string (JSON) or not plain text (XML).
    NotAString,
    /// A UCWA error body without a `code` (only [`crate::phone::Reason::decode`] says this).
    MissingCode,
}

impl DecodeErrorKind {
    /// The UCWA subcode this failure is answered with.
    pub const fn subcode(self) -> ErrorSubcode {
        match self {
            DecodeErrorKind::UnknownValue | DecodeErrorKind::DuplicateProperty | DecodeErrorKind::NotAString => {
                ErrorSubcode::ParameterValidationFailure
            }
            _ => ErrorSubcode::DeserializationFailure,
        }
    }

    /// A short description, never containing input.
    pub const fn description(self) -> &'static str {
        match self {
            DecodeErrorKind::Empty => "the body is empty",
            DecodeErrorKind::InvalidUtf8 => "the body is not valid UTF-8",
            DecodeErrorKind::UnexpectedEnd => "the body ends too early",
            DecodeErrorKind::UnexpectedByte => "unexpected character",
            DecodeErrorKind::RootNotObject => "the root is not a JSON object",
            DecodeErrorKind::TrailingContent => "content after the root",
            DecodeErrorKind::TooDeep => "nesting is too deep",
            DecodeErrorKind::ControlCharacter => "raw control character in a string",
            DecodeErrorKind::InvalidEscape => "invalid escape sequence",
            DecodeErrorKind::LoneSurrogate => "unpaired surrogate escape",
            DecodeErrorKind::InvalidNumber => "malformed number",
            DecodeErrorKind::InvalidXmlChar => "character not allowed in XML",
            DecodeErrorKind::Doctype => "document type declarations are not accepted",
            DecodeErrorKind::InvalidXmlDeclaration => "malformed or misplaced XML declaration",
            DecodeErrorKind::UnsupportedEncoding => "declared encoding is not UTF-8",
            DecodeErrorKind::MismatchedTag => "end tag does not match start tag",
            DecodeErrorKind::DuplicateAttribute => "duplicate attribute",
            DecodeErrorKind::TooManyAttributes => "too many attributes on one element",
            DecodeErrorKind::TooManyNamespaces => "too many namespace declarations in scope",
            DecodeErrorKind::UndeclaredPrefix => "undeclared namespace prefix",
            DecodeErrorKind::InvalidNamespaceDeclaration => "invalid namespace declaration",
            DecodeErrorKind::InvalidName => "malformed name",
            DecodeErrorKind::InvalidReference => "invalid entity or character reference",
            DecodeErrorKind::WrongRoot => "the root element is not the expected one",
            DecodeErrorKind::WrongNamespace => "the root element is not in the UCWA namespace",
            DecodeErrorKind::MalformedMarkup => "malformed markup",
            DecodeErrorKind::MisplacedText => "text where none is allowed",
            DecodeErrorKind::UnknownValue => "not a known value",
            DecodeErrorKind::DuplicateProperty => "given more than once",
            DecodeErrorKind::NotAString => "not a string value",
            DecodeErrorKind::MissingCode => "the error body has no code",
        }
    }
}

/// Why a body was refused: the kind, the byte offset in the body, and the property involved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    offset: usize,
    property: Option<Property>,
}

impl DecodeError {
    pub(crate) const fn new(kind: DecodeErrorKind, offset: usize) -> Self {
        DecodeError { kind, offset, property: None }
    }

    pub(crate) const fn for_property(kind: DecodeErrorKind, offset: usize, property: Property) -> Self {
        DecodeError { kind, offset, property: Some(property) }
    }

    /// What went wrong.
    pub const fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// `DeserializationFailure` or `ParameterValidationFailure`, as the order of checks sets them
    /// (docs/behaviour.md, section 2).
    pub const fn subcode(&self) -> ErrorSubcode {
        self.kind.subcode()
    }

    /// Offset in bytes from the start of the body (byte order mark included).
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The property whose value is invalid, for `ParameterValidationFailure`.
    pub const fn property(&self) -> Option<Property> {
        self.property
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.property {
            Some(property) => write!(f, "{}: {} (byte {})", property, self.kind.description(), self.offset),
            None => write!(f, "{} (byte {})", self.kind.description(), self.offset),
        }
    }
}

impl core::error::Error for DecodeError {}

/// Why encoding failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is too small; the `*_MAX_LEN` constants give a size that always fits.
    BufferTooSmall,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("output buffer too small")
    }
}

impl core::error::Error for EncodeError {}
