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

use self::chars::{AttributeChars, check_chars};
use self::reader::{QName, Reader, Span, Value};
use core::cell::Cell;

use crate::code::matches_ignore_case;
use crate::error::{DecodeError, DecodeErrorKind as Kind, Property, Step, Stop};
use crate::frame::Frame;
use crate::report::{Report, Slots};
use crate::text::{Capture, bom_len, same_bytes};
use crate::{MAX_ATTRIBUTES, MAX_DEPTH, MAX_NAMESPACES};

/// The UCWA namespace of `<input>`, `<property>` and `<reason>`.
pub const UCWA_NAMESPACE: &str = "http://schemas.microsoft.com/rtc/2012/03/ucwa";
const XML_NAMESPACE: &[u8] = b"http://www.w3.org/XML/1998/namespace";
const XMLNS_NAMESPACE: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// Decodes an XML body into a report.
pub(crate) fn decode(input: &[u8]) -> Result<Report, DecodeError> {
    check_chars(input)?;
    // Overwritten by the first error; read only when a step stopped.
    let error = Cell::new(DecodeError::new(Kind::Empty, 0));
    let mut document = Document {
        reader: Reader { text: input, pos: bom_len(input), error: &error },
        slots: Slots::default(),
        open: Vec::new(),
        bindings: Bindings::default(),
        property: None,
        text: Capture::trimmed(),
    };
    let r = &document.reader;
    let declared = r.starts_with(b"<?xml") && r.bytes().get(r.pos + 5).is_some_and(|&b| chars::is_space(b));
    if (declared && document.xml_declaration().is_err()) || document.body().is_err() {
        return Err(error.get());
    }
    document.slots.finish()
}

/// The open elements, innermost last: the offset of each one's name, just after its `<`.
///
/// Only offsets are kept, on every stack here: anything else is read again from the body
/// when needed, which keeps the reader's memory small enough for a 1 KiB firmware stack.
type OpenElements = Vec<usize, MAX_DEPTH>;

/// A namespace declaration in scope: `xmlns="uri"` or `xmlns:prefix="uri"`.
#[derive(Clone, Copy)]
struct Binding {
    /// Offset of the declaring attribute's name.
    at: usize,
    /// Depth of the declaring element (the root is 0).
    depth: u8,
    is_default: bool,
    is_empty: bool,
    is_ucwa: bool,
}

/// The bindings in scope, innermost last: offsets, and the rest packed in a byte.
#[derive(Default)]
struct Bindings {
    at: Vec<usize, MAX_NAMESPACES>,
    packed: Vec<u8, MAX_NAMESPACES>,
}

impl Bindings {
    const DEFAULT: u8 = 1;
    const EMPTY: u8 = 2;
    const UCWA: u8 = 4;
    /// The depth takes the five high bits: below [`MAX_DEPTH`] = 32.
    const DEPTH_SHIFT: u8 = 3;

    fn push(&mut self, binding: Binding) -> Result<(), ()> {
        let packed = (binding.depth << Self::DEPTH_SHIFT)
            | (u8::from(binding.is_default) * Self::DEFAULT)
            | (u8::from(binding.is_empty) * Self::EMPTY)
            | (u8::from(binding.is_ucwa) * Self::UCWA);
        self.at.push(binding.at).map_err(drop)?;
        self.packed.push(packed).map_err(drop)
    }

    /// Ends the scope of the bindings an element at `depth` declared.
    fn close(&mut self, depth: usize) {
        while self.packed.last().is_some_and(|&packed| usize::from(packed >> Self::DEPTH_SHIFT) == depth) {
            self.packed.pop();
            self.at.pop();
        }
    }

    /// The bindings, innermost first.
    fn innermost_first(&self) -> impl Iterator<Item = Binding> + '_ {
        self.at.iter().zip(&self.packed).rev().map(|(&at, &packed)| Binding {
            at,
            depth: packed >> Self::DEPTH_SHIFT,
            is_default: packed & Self::DEFAULT != 0,
            is_empty: packed & Self::EMPTY != 0,
            is_ucwa: packed & Self::UCWA != 0,
        })
    }
}

const _: () = assert!(MAX_DEPTH <= 1 << (8 - Bindings::DEPTH_SHIFT));

/// The namespace an element or attribute name resolved to.
#[derive(Clone, Copy)]
enum Namespace {
    None,
    Xml,
    /// Declared by the attribute at this offset.
    Declared {
        at: usize,
        is_ucwa: bool,
    },
}

/// The `<property>` element whose text is being read (into `Document::text`).
struct PropertyValue {
    property: Property,
    at: usize,
    has_child_element: bool,
}

/// The attributes of a validated tag, read again (see `Document::attributes`).
struct Attributes<'a> {
    reader: Reader<'a>,
}

impl Iterator for Attributes<'_> {
    type Item = (usize, Attribute);

    // One copy of the attribute grammar for every caller: small in firmware.
    #[inline(never)]
    fn next(&mut self) -> Option<(usize, Attribute)> {
        let r = &mut self.reader;
        r.skip_space();
        let at = r.pos;
        let name = r.qname().ok()?;
        r.equals().ok()?;
        Some((at, Attribute { name, value: r.attribute_value().ok()?.span }))
    }
}

/// One attribute, read (or read again) from the body.
#[derive(Clone, Copy)]
struct Attribute {
    name: QName,
    value: Span,
}

struct Document<'a> {
    reader: Reader<'a>,
    slots: Slots,
    open: OpenElements,
    bindings: Bindings,
    property: Option<PropertyValue>,
    /// The text of the property being read, trimmed.
    text: Capture,
}

impl Document<'_> {
    /// The whole document after the optional XML declaration: the root element and its
    /// content, with comments, processing instructions and white space around it. One loop
    /// for all three places, without recursion; `self.open` tells where the cursor is.
    fn body(&mut self) -> Step<()> {
        let mut root_done = false;
        let mut seen_markup = false;
        loop {
            let outside = self.open.is_empty();
            let r = &mut self.reader;
            if outside {
                r.skip_space();
            }
            let Some(next) = r.peek() else {
                return match (root_done, seen_markup) {
                    (true, _) => Ok(()),
                    (false, false) => Err(r.stop(Kind::Empty)),
                    (false, true) => Err(r.stop(Kind::UnexpectedEnd)),
                };
            };
            seen_markup = true;
            let sink = match self.property {
                Some(_) if self.open.len() == 2 => Some(&mut self.text),
                _ => None,
            };
            if r.starts_with(b"<!--") {
                r.comment()?;
            } else if r.starts_with(b"<?") {
                r.processing_instruction()?;
            } else if root_done {
                return Err(r.stop(Kind::TrailingContent));
            } else if outside && r.starts_with(b"<!DOCTYPE") {
                return Err(r.stop(Kind::Doctype));
            } else if !outside && r.starts_with(b"<![CDATA[") {
                r.cdata(sink)?;
            } else if r.starts_with(b"<!") {
                return Err(r.stop(Kind::MalformedMarkup));
            } else if !outside && r.starts_with(b"</") {
                self.end_tag()?;
                root_done = self.open.is_empty();
            } else if next == b'<' {
                root_done = self.start_tag()? && outside;
            } else if outside {
                return Err(r.stop(Kind::MisplacedText));
            } else if next == b'&' {
                r.text_reference(sink)?;
            } else {
                r.text(sink)?;
            }
        }
    }

    /// `<?xml version="1.x" encoding="utf-8" standalone="yes"?>`, at the cursor: the
    /// pseudo-attributes in this order, `version` required. Only UTF-8 is accepted.
    fn xml_declaration(&mut self) -> Step<()> {
        const NAMES: [&[u8]; 3] = [b"version", b"encoding", b"standalone"];
        let r = &mut self.reader;
        let bad = Kind::InvalidXmlDeclaration;
        r.pos += b"<?xml".len();
        let mut next = 0;
        loop {
            let spaced = r.skip_space();
            if next > 0 && r.starts_with(b"?>") {
                r.pos += 2;
                return Ok(());
            }
            // The first name this one can be; `version` must come first.
            let name = NAMES.get(next..).unwrap_or_default().iter().position(|name| r.starts_with(name));
            let Some(index) = name.map(|skipped| next + skipped).filter(|&index| spaced && (next > 0 || index == 0))
            else {
                return Err(r.stop_or_end(bad));
            };
            r.pos += NAMES.get(index).map_or(0, |name| name.len());
            r.equals()?;
            let value_at = r.pos;
            let value = r.attribute_value()?;
            let value = r.slice(value.span);
            let valid = match index {
                0 => value
                    .strip_prefix(b"1.")
                    .is_some_and(|minor| !minor.is_empty() && minor.iter().all(u8::is_ascii_digit)),
                1 => value.eq_ignore_ascii_case(b"utf-8"),
                _ => matches!(value, b"yes" | b"no"),
            };
            if !valid {
                // An unsupported encoding at its value, any other bad value after it.
                return Err(if index == 1 { r.stop_at(Kind::UnsupportedEncoding, value_at) } else { r.stop(bad) });
            }
            next = index + 1;
        }
    }

    /// Reads a start tag at the cursor (on `<`). Returns true if it was an empty-element tag.
    fn start_tag(&mut self) -> Step<bool> {
        let at = self.reader.pos;
        self.reader.pos += 1;
        let name = self.reader.qname()?;
        if self.open.is_full() {
            return Err(self.reader.stop_at(Kind::TooDeep, at));
        }
        let attributes_at = self.reader.pos;
        let mut count = 0;
        let mut any_prefixed = false;
        // The value of the `name` attribute (a name without a colon, so unprefixed), which
        // names a property.
        let mut name_value = None;
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
                return Err(r.stop_or_end(Kind::MalformedMarkup));
            }
            let attribute_at = r.pos;
            let name = r.qname()?;
            r.equals()?;
            let value = r.attribute_value()?;
            let attribute = Attribute { name, value: value.span };
            if count == MAX_ATTRIBUTES {
                return Err(self.reader.stop_at(Kind::TooManyAttributes, attribute_at));
            }
            any_prefixed |= self.is_prefixed(&name);
            if same_bytes(self.reader.slice(name.full), b"name") {
                name_value = Some(value);
            }
            self.declare(attribute_at, attribute, value.literal)?;
            count += 1;
        };
        // One attribute without a prefix needs no second look.
        if count > 1 || any_prefixed {
            self.check_attributes(attributes_at)?;
        }
        let namespace = self.resolve(name.prefix(), true)?;
        self.classify(at, name, namespace, name_value, empty)?;
        if empty {
            self.bindings.close(self.open.len());
        } else {
            // Never refused: the stack had room when the tag began, and nothing was pushed since.
            self.open.push(name.full.start).ok();
        }
        Ok(empty)
    }

    /// Reads again the name of an attribute that was validated when its tag was read.
    fn name_at(&self, at: usize) -> Step<QName> {
        self.reader.at(at).qname()
    }

    /// Reads again an attribute that was validated when its tag was read (a failure, which
    /// cannot happen, would still be recorded by the reader).
    fn attribute_at(&self, at: usize) -> Step<Attribute> {
        self.attributes(at).next().map(|(_, attribute)| attribute).ok_or(Stop)
    }

    /// Reads again the attributes of a tag that was validated, from the end of its name:
    /// their offsets and contents, in order. Nothing is stored while a tag is read.
    fn attributes(&self, from: usize) -> Attributes<'_> {
        Attributes { reader: self.reader.at(from) }
    }

    /// Whether an attribute name has a namespace prefix (`xmlns:` declares one instead).
    fn is_prefixed(&self, name: &QName) -> bool {
        name.prefix().is_some_and(|prefix| !same_bytes(self.reader.slice(prefix), b"xmlns"))
    }

    /// Refuses, in the order of the tag, an attribute whose prefix is undeclared, and one
    /// that repeats an earlier one: by name, or by namespace and local name.
    fn check_attributes(&self, attributes_at: usize) -> Step<()> {
        let r = &self.reader;
        for (at, attribute) in self.attributes(attributes_at) {
            let name = attribute.name;
            let namespace = if self.is_prefixed(&name) { Some(self.resolve(name.prefix(), false)?) } else { None };
            for (_, earlier) in self.attributes(attributes_at).take_while(|(earlier, _)| *earlier < at) {
                let other = earlier.name;
                let duplicate = same_bytes(r.slice(other.full), r.slice(name.full))
                    || match namespace {
                        Some(namespace) if self.is_prefixed(&other) => {
                            same_bytes(r.slice(other.local()), r.slice(name.local()))
                                && self.same_namespace(namespace, self.resolve(other.prefix(), false)?)?
                        }
                        _ => false,
                    };
                if duplicate {
                    return Err(self.reader.stop_at(Kind::DuplicateAttribute, at));
                }
            }
        }
        Ok(())
    }

    /// Adds the binding an `xmlns` / `xmlns:p` attribute declares, checking the reserved names.
    fn declare(&mut self, at: usize, attribute: Attribute, literal: bool) -> Step<()> {
        let r = &self.reader;
        let prefix = match attribute.name.prefix() {
            None if same_bytes(r.slice(attribute.name.full), b"xmlns") => None,
            Some(prefix) if same_bytes(r.slice(prefix), b"xmlns") => Some(attribute.name.local()),
            _ => return Ok(()),
        };
        let is_empty = attribute.value.start == attribute.value.end;
        let value = Value { span: attribute.value, literal };
        let declares_xml = prefix.is_some_and(|p| same_bytes(r.slice(p), b"xml"));
        if prefix.is_some_and(|p| same_bytes(r.slice(p), b"xmlns"))
            || self.value_is(value, XMLNS_NAMESPACE)
            || declares_xml != self.value_is(value, XML_NAMESPACE)
            || (prefix.is_some() && is_empty)
        {
            return Err(self.reader.stop_at(Kind::InvalidNamespaceDeclaration, at));
        }
        let is_ucwa = self.value_is(value, UCWA_NAMESPACE.as_bytes());
        let depth = self.open.len() as u8;
        let binding = Binding { at, depth, is_default: prefix.is_none(), is_empty, is_ucwa };
        self.bindings.push(binding).map_err(|()| self.reader.stop_at(Kind::TooManyNamespaces, at))
    }

    /// The namespace of a name with this prefix; an unprefixed attribute has none.
    fn resolve(&self, prefix: Option<Span>, is_element: bool) -> Step<Namespace> {
        let r = &self.reader;
        let name = prefix.map(|prefix| r.slice(prefix));
        if name.is_none() && !is_element {
            return Ok(Namespace::None);
        }
        if name.is_some_and(|name| same_bytes(name, b"xml")) {
            return Ok(Namespace::Xml);
        }
        // The innermost binding of the prefix (`xmlns` itself is never bound), or of the
        // default namespace; an empty default namespace is no namespace.
        for binding in self.bindings.innermost_first() {
            let binds = match name {
                None => binding.is_default,
                Some(name) => {
                    !binding.is_default
                        && !same_bytes(name, b"xmlns")
                        && same_bytes(r.slice(self.name_at(binding.at)?.local()), name)
                }
            };
            if binds && binding.is_empty {
                return Ok(Namespace::None);
            }
            if binds {
                return Ok(Namespace::Declared { at: binding.at, is_ucwa: binding.is_ucwa });
            }
        }
        match prefix {
            Some(prefix) => Err(r.stop_at(Kind::UndeclaredPrefix, prefix.start)),
            None => Ok(Namespace::None),
        }
    }

    /// The characters of an attribute value, decoded and normalized.
    fn value_chars(&self, value: Span) -> AttributeChars<'_> {
        AttributeChars::new(self.reader.bytes(), value.start, value.end)
    }

    /// Whether an attribute value, decoded and normalized, is `expected`.
    fn value_is(&self, value: Value, expected: &[u8]) -> bool {
        if value.literal {
            same_bytes(self.reader.slice(value.span), expected)
        } else {
            self.value_chars(value.span).eq(expected.iter().map(|&b| u32::from(b)))
        }
    }

    /// Whether an attribute value, decoded and normalized, is `expected` ignoring ASCII case.
    fn value_is_ignore_case(&self, value: Value, expected: &str) -> bool {
        if value.literal {
            // No tab, line end or other control character in a literal value.
            return matches_ignore_case(expected.as_bytes(), self.reader.slice(value.span));
        }
        let lower = |c: u32| char::from_u32(c).map_or(c, |c| u32::from(c.to_ascii_lowercase()));
        self.value_chars(value.span).map(lower).eq(expected.bytes().map(|b| lower(u32::from(b))))
    }

    /// Whether two namespaces of prefixed attributes are the same. A declared namespace is
    /// never the XML namespace (`declare` binds that one to no prefix but `xml`), so only two
    /// declared ones need their URIs compared.
    fn same_namespace(&self, a: Namespace, b: Namespace) -> Step<bool> {
        Ok(match (a, b) {
            (Namespace::Declared { at: a, .. }, Namespace::Declared { at: b, .. }) => {
                a == b
                    || self.value_chars(self.attribute_at(a)?.value).eq(self.value_chars(self.attribute_at(b)?.value))
            }
            (Namespace::Xml, Namespace::Xml) => true,
            _ => false,
        })
    }

    /// Gives the element its role: the root must be UCWA `input` or `resource`; a UCWA
    /// `property` child of the root naming errorCode or errorSubcode carries a value.
    fn classify(
        &mut self,
        at: usize,
        name: QName,
        namespace: Namespace,
        name_value: Option<Value>,
        empty: bool,
    ) -> Step<()> {
        let r = &self.reader;
        let local = r.slice(name.local());
        let is_ucwa = matches!(namespace, Namespace::Declared { is_ucwa: true, .. });
        match self.open.len() {
            0 if !same_bytes(local, b"input") && !same_bytes(local, b"resource") => {
                Err(self.reader.stop_at(Kind::WrongRoot, at))
            }
            0 if !is_ucwa => Err(self.reader.stop_at(Kind::WrongNamespace, at)),
            1 if is_ucwa && same_bytes(local, b"property") => {
                let Some(name_value) = name_value else { return Ok(()) };
                let names = [Property::ErrorCode, Property::ErrorSubcode];
                let named = names.into_iter().find(|property| self.value_is_ignore_case(name_value, property.name()));
                if let Some(property) = named {
                    self.slots.mark_given(property, at);
                    if !empty {
                        self.text.restart();
                        self.property = Some(PropertyValue { property, at, has_child_element: false });
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
    fn end_tag(&mut self) -> Step<()> {
        let r = &mut self.reader;
        let at = r.pos;
        r.pos += 2;
        let name = r.name()?;
        r.skip_space();
        r.expect(b">", Kind::MalformedMarkup)?;
        let Some(name_at) = self.open.pop() else {
            return Err(self.reader.stop_at(Kind::MismatchedTag, at));
        };
        let start_name = r.at(name_at).name()?;
        if !same_bytes(r.slice(start_name), r.slice(name)) {
            return Err(self.reader.stop_at(Kind::MismatchedTag, at));
        }
        self.bindings.close(self.open.len());
        if self.open.len() == 1
            && let Some(value) = self.property.take()
        {
            if value.has_child_element {
                self.slots.reject(value.property, Kind::NotAString, value.at);
            } else if !self.text.is_empty() {
                self.slots.set(value.property, self.text.value(), value.at);
            }
        }
        Ok(())
    }
}

/// The XML encoding: a UCWA `<input>` document with a `<property>` per value.
pub(crate) const FRAME: Frame = Frame {
    start: concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">"#
    ),
    code_start: r#"<property name="errorCode">"#,
    code_end: "</property>",
    subcode_start: r#"<property name="errorSubcode">"#,
    subcode_after_code: r#"<property name="errorSubcode">"#,
    subcode_end: "</property>",
    end: "</input>",
};
