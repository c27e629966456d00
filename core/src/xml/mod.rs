//! Strict XML decoding of a report body (XML 1.0 well-formedness and Namespaces in XML, for
//! the UCWA subset of SPEC section 4), and encoding.
//!
//! The reader keeps the open elements and the namespace declarations in scope on two bounded
//! stacks ([`MAX_DEPTH`], [`MAX_NAMESPACES`]), and at most [`MAX_ATTRIBUTES`] attributes per
//! element, so memory use is fixed whatever the input. No DTD is read and no entity beyond the
//! five predefined ones exists, so nothing can expand.

mod chars;
mod reader;

use heapless::Vec;

use self::chars::{AttributeBytes, check_chars};
use self::reader::{QName, Reader, Span};
use crate::error::{DecodeError, DecodeErrorKind as Kind, EncodeError, Property};
use crate::report::{Report, Slots};
use crate::text::{Capture, Cursor, bom_len};
use crate::{MAX_ATTRIBUTES, MAX_DEPTH, MAX_NAMESPACES};

/// The UCWA namespace of `<input>`, `<property>` and `<reason>`.
pub const UCWA_NAMESPACE: &str = "http://schemas.microsoft.com/rtc/2012/03/ucwa";
const XML_NAMESPACE: &[u8] = b"http://www.w3.org/XML/1998/namespace";
const XMLNS_NAMESPACE: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// Decodes an XML body into a report.
pub(crate) fn decode(input: &[u8]) -> Result<Report, DecodeError> {
    let text = core::str::from_utf8(input).map_err(|e| DecodeError::new(Kind::InvalidUtf8, e.valid_up_to()))?;
    check_chars(input)?;
    let mut document = Document {
        reader: Reader {
            text,
            pos: bom_len(input),
        },
        slots: Slots::default(),
        open: Vec::new(),
        bindings: Vec::new(),
        property: None,
    };
    document.prolog()?;
    document.root_and_content()?;
    document.epilog()?;
    document.slots.finish()
}

/// An element that is open (its start tag read, its end tag not yet).
struct Open {
    name: Span,
    bindings_mark: usize,
}

/// A namespace declaration in scope: `xmlns="uri"` (no prefix) or `xmlns:prefix="uri"`.
struct Binding {
    prefix: Option<Span>,
    uri: Span,
}

/// The namespace an element or attribute name resolved to.
#[derive(Clone, Copy)]
enum Namespace {
    None,
    Xml,
    Declared(Span),
}

/// The `<property>` element whose text is being read.
struct PropertyValue {
    property: Property,
    at: usize,
    text: Capture,
    has_child_element: bool,
}

/// One attribute of the tag being read.
#[derive(Clone, Copy, Default)]
struct Attribute {
    name: QName,
    value: Span,
}

struct Document<'a> {
    reader: Reader<'a>,
    slots: Slots,
    open: Vec<Open, MAX_DEPTH>,
    bindings: Vec<Binding, MAX_NAMESPACES>,
    property: Option<PropertyValue>,
}

impl Document<'_> {
    /// The optional XML declaration, then comments, processing instructions and white space.
    fn prolog(&mut self) -> Result<(), DecodeError> {
        let r = &mut self.reader;
        if r.starts_with(b"<?xml") && r.bytes().get(r.pos + 5).is_some_and(|&b| chars::is_space(b)) {
            self.xml_declaration()?;
        }
        let r = &mut self.reader;
        let mut seen_markup = false;
        loop {
            r.skip_space();
            if r.peek().is_none() {
                return Err(r.error(if seen_markup { Kind::UnexpectedEnd } else { Kind::Empty }));
            }
            seen_markup = true;
            if r.starts_with(b"<!--") {
                r.comment()?;
            } else if r.starts_with(b"<?") {
                r.processing_instruction()?;
            } else if r.starts_with(b"<!DOCTYPE") {
                return Err(r.error(Kind::Doctype));
            } else if r.starts_with(b"<!") {
                return Err(r.error(Kind::MalformedMarkup));
            } else if r.starts_with(b"<") {
                return Ok(());
            } else {
                return Err(r.error(Kind::MisplacedText));
            }
        }
    }

    /// `<?xml version="1.x" encoding="utf-8" standalone="yes"?>`: only UTF-8 is accepted.
    fn xml_declaration(&mut self) -> Result<(), DecodeError> {
        let r = &mut self.reader;
        let bad = Kind::InvalidXmlDeclaration;
        r.pos += b"<?xml".len();
        r.skip_space();
        r.expect(b"version", bad)?;
        r.equals()?;
        let version = r.attribute_value()?;
        let version = r.slice(version);
        let minor = version.strip_prefix(b"1.").unwrap_or_default();
        if minor.is_empty() || !minor.iter().all(u8::is_ascii_digit) {
            return Err(r.error(bad));
        }
        let mut spaced = r.skip_space();
        if spaced && r.starts_with(b"encoding") {
            r.pos += b"encoding".len();
            r.equals()?;
            let at = r.pos;
            let encoding = r.attribute_value()?;
            if !r.slice(encoding).eq_ignore_ascii_case(b"utf-8") {
                return Err(DecodeError::new(Kind::UnsupportedEncoding, at));
            }
            spaced = r.skip_space();
        }
        if spaced && r.starts_with(b"standalone") {
            r.pos += b"standalone".len();
            r.equals()?;
            let standalone = r.attribute_value()?;
            if !matches!(r.slice(standalone), b"yes" | b"no") {
                return Err(r.error(bad));
            }
            r.skip_space();
        }
        r.expect(b"?>", bad)
    }

    /// The root element and everything in it, without recursion.
    fn root_and_content(&mut self) -> Result<(), DecodeError> {
        if self.start_tag()? {
            return Ok(());
        }
        while !self.open.is_empty() {
            let r = &mut self.reader;
            let sink = match &mut self.property {
                Some(value) if self.open.len() == 2 => Some(&mut value.text),
                _ => None,
            };
            match r.peek() {
                None => return Err(r.error(Kind::UnexpectedEnd)),
                Some(b'&') => r.text_reference(sink)?,
                Some(b'<') => {
                    if r.starts_with(b"</") {
                        self.end_tag()?;
                    } else if r.starts_with(b"<!--") {
                        r.comment()?;
                    } else if r.starts_with(b"<![CDATA[") {
                        r.cdata(sink)?;
                    } else if r.starts_with(b"<?") {
                        r.processing_instruction()?;
                    } else if r.starts_with(b"<!") {
                        return Err(r.error(Kind::MalformedMarkup));
                    } else {
                        self.start_tag()?;
                    }
                }
                Some(_) => r.text(sink)?,
            }
        }
        Ok(())
    }

    /// After the root: only white space, comments and processing instructions.
    fn epilog(&mut self) -> Result<(), DecodeError> {
        let r = &mut self.reader;
        loop {
            r.skip_space();
            if r.peek().is_none() {
                return Ok(());
            } else if r.starts_with(b"<!--") {
                r.comment()?;
            } else if r.starts_with(b"<?") {
                r.processing_instruction()?;
            } else {
                return Err(r.error(Kind::TrailingContent));
            }
        }
    }

    /// Reads a start tag at the cursor (on `<`). Returns true if it was an empty-element tag.
    fn start_tag(&mut self) -> Result<bool, DecodeError> {
        let at = self.reader.pos;
        self.reader.pos += 1;
        let name = self.reader.qname()?;
        let mut attributes: Vec<Attribute, MAX_ATTRIBUTES> = Vec::new();
        let empty = loop {
            let r = &mut self.reader;
            let spaced = r.skip_space();
            if r.starts_with(b">") {
                r.pos += 1;
                break false;
            }
            if r.starts_with(b"/>") {
                r.pos += 2;
                break true;
            }
            if !spaced {
                return Err(r.fail(Kind::MalformedMarkup));
            }
            let attribute_at = r.pos;
            let name = r.qname()?;
            r.equals()?;
            let value = r.attribute_value()?;
            if attributes.push(Attribute { name, value }).is_err() {
                return Err(DecodeError::new(Kind::TooManyAttributes, attribute_at));
            }
        };
        if self.open.is_full() {
            return Err(DecodeError::new(Kind::TooDeep, at));
        }
        let bindings_mark = self.bindings.len();
        self.check_attributes(&attributes)?;
        let namespace = self.resolve(name.prefix, true)?;
        self.classify(at, name, namespace, &attributes, empty)?;
        if empty {
            self.bindings.truncate(bindings_mark);
        } else if self
            .open
            .push(Open {
                name: name.full,
                bindings_mark,
            })
            .is_err()
        {
            return Err(DecodeError::new(Kind::TooDeep, at));
        }
        Ok(empty)
    }

    /// Declares the tag's namespaces, then refuses duplicate attributes (by name, and by
    /// namespace and local name) and undeclared attribute prefixes.
    fn check_attributes(&mut self, attributes: &[Attribute]) -> Result<(), DecodeError> {
        for attribute in attributes {
            self.declare(attribute)?;
        }
        let r = &self.reader;
        for (i, a) in attributes.iter().enumerate() {
            let a_ns = match a.name.prefix {
                Some(prefix) if r.slice(prefix) != b"xmlns" => Some(self.resolve(Some(prefix), false)?),
                _ => None,
            };
            for b in attributes.iter().take(i) {
                let duplicate = if r.slice(a.name.full) == r.slice(b.name.full) {
                    true
                } else if let (Some(a_ns), Some(b_prefix)) = (a_ns, b.name.prefix) {
                    r.slice(a.name.local) == r.slice(b.name.local)
                        && r.slice(b_prefix) != b"xmlns"
                        && self.same_namespace(a_ns, self.resolve(Some(b_prefix), false)?)
                } else {
                    false
                };
                if duplicate {
                    return Err(DecodeError::new(Kind::DuplicateAttribute, a.name.full.start));
                }
            }
        }
        Ok(())
    }

    /// Adds the binding an `xmlns` / `xmlns:p` attribute declares, checking the reserved names.
    fn declare(&mut self, attribute: &Attribute) -> Result<(), DecodeError> {
        let r = &self.reader;
        let invalid = DecodeError::new(Kind::InvalidNamespaceDeclaration, attribute.name.full.start);
        let prefix = match attribute.name.prefix {
            None if r.slice(attribute.name.full) == b"xmlns" => None,
            Some(prefix) if r.slice(prefix) == b"xmlns" => Some(attribute.name.local),
            _ => return Ok(()),
        };
        let uri_is = |expected: &[u8]| self.value_bytes(attribute.value).eq(expected.iter().copied());
        let declares_xml = prefix.is_some_and(|p| r.slice(p) == b"xml");
        if prefix.is_some_and(|p| r.slice(p) == b"xmlns")
            || uri_is(XMLNS_NAMESPACE)
            || declares_xml != uri_is(XML_NAMESPACE)
            || (prefix.is_some() && attribute.value.start == attribute.value.end)
        {
            return Err(invalid);
        }
        let binding = Binding {
            prefix,
            uri: attribute.value,
        };
        self.bindings
            .push(binding)
            .map_err(|_| DecodeError::new(Kind::TooManyNamespaces, attribute.name.full.start))
    }

    /// The namespace of a name with this prefix; an unprefixed attribute has none.
    fn resolve(&self, prefix: Option<Span>, is_element: bool) -> Result<Namespace, DecodeError> {
        let r = &self.reader;
        let Some(prefix) = prefix else {
            if !is_element {
                return Ok(Namespace::None);
            }
            let default = self.bindings.iter().rev().find(|b| b.prefix.is_none());
            return Ok(match default {
                Some(binding) if binding.uri.start != binding.uri.end => Namespace::Declared(binding.uri),
                _ => Namespace::None,
            });
        };
        let name = r.slice(prefix);
        if name == b"xml" {
            return Ok(Namespace::Xml);
        }
        let binding = self
            .bindings
            .iter()
            .rev()
            .find(|b| b.prefix.is_some_and(|p| r.slice(p) == name));
        match binding {
            Some(binding) if name != b"xmlns" => Ok(Namespace::Declared(binding.uri)),
            _ => Err(DecodeError::new(Kind::UndeclaredPrefix, prefix.start)),
        }
    }

    fn value_bytes(&self, value: Span) -> AttributeBytes<'_> {
        AttributeBytes::new(self.reader.bytes(), value.start, value.end)
    }

    fn namespace_is(&self, namespace: Namespace, uri: &[u8]) -> bool {
        match namespace {
            Namespace::None => false,
            Namespace::Xml => uri == XML_NAMESPACE,
            Namespace::Declared(value) => self.value_bytes(value).eq(uri.iter().copied()),
        }
    }

    fn same_namespace(&self, a: Namespace, b: Namespace) -> bool {
        match (a, b) {
            (Namespace::Declared(a), Namespace::Declared(b)) => self.value_bytes(a).eq(self.value_bytes(b)),
            (Namespace::Declared(_), Namespace::Xml) => self.namespace_is(a, XML_NAMESPACE),
            (Namespace::Xml, Namespace::Declared(_)) => self.namespace_is(b, XML_NAMESPACE),
            (Namespace::Xml, Namespace::Xml) => true,
            _ => false,
        }
    }

    /// Gives the element its role: the root must be UCWA `input` or `resource`; a UCWA
    /// `property` child of the root naming errorCode or errorSubcode carries a value.
    fn classify(
        &mut self,
        at: usize,
        name: QName,
        namespace: Namespace,
        attributes: &[Attribute],
        empty: bool,
    ) -> Result<(), DecodeError> {
        let r = &self.reader;
        let local = r.slice(name.local);
        let is_ucwa = self.namespace_is(namespace, UCWA_NAMESPACE.as_bytes());
        match self.open.len() {
            0 if !matches!(local, b"input" | b"resource") => Err(DecodeError::new(Kind::WrongRoot, at)),
            0 if !is_ucwa => Err(DecodeError::new(Kind::WrongNamespace, at)),
            1 if is_ucwa && local == b"property" => {
                let name_value = attributes
                    .iter()
                    .find(|a| a.name.prefix.is_none() && r.slice(a.name.full) == b"name");
                let Some(name_value) = name_value else { return Ok(()) };
                let mut text = Capture::exact();
                self.value_bytes(name_value.value).for_each(|b| text.push(b));
                if let Some(property) = text.value().and_then(Property::from_name_ignore_case) {
                    self.slots.mark_given(property, at);
                    if !empty {
                        self.property = Some(PropertyValue {
                            property,
                            at,
                            text: Capture::trimmed(),
                            has_child_element: false,
                        });
                    }
                }
                Ok(())
            }
            2 => {
                if let Some(value) = &mut self.property {
                    value.has_child_element = true;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Reads an end tag at the cursor (on `</`) and closes the innermost element.
    fn end_tag(&mut self) -> Result<(), DecodeError> {
        let r = &mut self.reader;
        let at = r.pos;
        r.pos += 2;
        let name = r.name()?;
        r.skip_space();
        r.expect(b">", Kind::MalformedMarkup)?;
        let Some(open) = self.open.pop() else {
            return Err(DecodeError::new(Kind::MismatchedTag, at));
        };
        if r.slice(open.name) != r.slice(name) {
            return Err(DecodeError::new(Kind::MismatchedTag, at));
        }
        self.bindings.truncate(open.bindings_mark);
        if self.open.len() == 1
            && let Some(value) = self.property.take()
        {
            if value.has_child_element {
                self.slots.reject(value.property, Kind::NotAString, value.at);
            } else if !value.text.is_empty() {
                self.slots.set(value.property, value.text.value(), value.at);
            }
        }
        Ok(())
    }
}

const DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;
const INPUT_START: &str = r#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">"#;
const INPUT_END: &str = "</input>";
const CODE_START: &str = r#"<property name="errorCode">"#;
const SUBCODE_START: &str = r#"<property name="errorSubcode">"#;
const PROPERTY_END: &str = "</property>";

/// Fixed text of the XML encoding around the two values.
pub(crate) const ENCODED_FRAME_LEN: usize = DECLARATION.len()
    + INPUT_START.len()
    + CODE_START.len()
    + SUBCODE_START.len()
    + 2 * PROPERTY_END.len()
    + INPUT_END.len();

/// Encodes a report as a UCWA `<input>` document; absent properties are left out.
pub(crate) fn encode(report: &Report, out: &mut [u8]) -> Result<usize, EncodeError> {
    let mut cursor = Cursor::new(out);
    cursor.put_str(DECLARATION)?;
    cursor.put_str(INPUT_START)?;
    if let Some(code) = report.error_code {
        cursor.put_str(CODE_START)?;
        cursor.put_str(code.as_str())?;
        cursor.put_str(PROPERTY_END)?;
    }
    if let Some(subcode) = report.error_subcode {
        cursor.put_str(SUBCODE_START)?;
        cursor.put_str(subcode.as_str())?;
        cursor.put_str(PROPERTY_END)?;
    }
    cursor.put_str(INPUT_END)?;
    Ok(cursor.len())
}
