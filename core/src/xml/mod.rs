//! Strict XML reading of a UCWA document, a report body or an error body (XML 1.0
//! well-formedness and Namespaces in XML, for the UCWA subset of docs/behaviour.md, section 4).
//!
//! The reader keeps the open elements, the namespace declarations in scope and the attribute
//! names of the tag being read on three bounded stacks ([`MAX_DEPTH`], [`MAX_NAMESPACES`],
//! [`MAX_ATTRIBUTES`]), so memory use is fixed whatever the input. No DTD is read and no
//! entity beyond the five predefined ones exists, so nothing can expand.
//!
//! What it read, it keeps: a namespace declaration is kept as the spans of its prefix and
//! URI, an attribute as the span of its name, and every later check compares those spans.
//! Nothing is parsed twice.

mod chars;
mod reader;

use heapless::Vec;

use self::chars::{AttributeChars, check_chars};
use self::reader::{QName, Reader, Value};

use crate::cursor::{Cursor, Span};
use crate::error::{DecodeError, DecodeErrorKind as Kind};
use crate::fields::{Fields, Tally};
use crate::text::{Capture, CapturedName, bom_len, same_bytes};
use crate::{MAX_ATTRIBUTES, MAX_DEPTH, MAX_NAMESPACES, MAX_START_TAG_LEN};

/// The UCWA namespace of `<input>`, `<property>` and `<reason>`.
pub const UCWA_NAMESPACE: &str = "http://schemas.microsoft.com/rtc/2012/03/ucwa";
const XML_NAMESPACE: &[u8] = b"http://www.w3.org/XML/1998/namespace";
const XMLNS_NAMESPACE: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// Reads an XML document, handing the values of its root element's fields to `fields`, and
/// the error that refuses it if any (a well-formedness error anywhere wins over a validation
/// failure).
pub(crate) fn decode(input: &[u8], fields: &mut dyn Fields) {
    let tally = Tally::new(fields);
    if let Err(error) = check_chars(input) {
        return tally.finish(Err(error));
    }
    let mut cursor = Cursor::new(input);
    cursor.advance(bom_len(input));
    let mut document = Document {
        reader: Reader { cursor },
        fields: tally,
        open: Vec::new(),
        bindings: Vec::new(),
        tag: Tag { start: 0, attributes: Vec::new() },
        property: None,
        text: Capture::trimmed(),
    };
    let read = document.read();
    document.fields.finish(read);
}

/// A span inside a start tag, counted from the tag's `<`.
///
/// Sixteen bits each way, which is what keeps the reader within the firmware's stack budget:
/// spans of two machine words would break it (`core/firmware/README.md`, "How the stack stays
/// within budget", has the sizes). The price is [`MAX_START_TAG_LEN`].
#[derive(Clone, Copy, Debug, Default)]
struct TagSpan {
    start: u16,
    end: u16,
}

impl TagSpan {
    /// `span`, which lies within [`MAX_START_TAG_LEN`] bytes of the tag at `tag`.
    fn new(span: Span, tag: usize) -> TagSpan {
        debug_assert!(tag <= span.start && span.end - tag <= MAX_START_TAG_LEN, "a span outside its start tag");
        let offset = |at: usize| u16::try_from(at.saturating_sub(tag)).unwrap_or(u16::MAX);
        TagSpan { start: offset(span.start), end: offset(span.end) }
    }

    /// The span in the body, for the tag at `tag`.
    fn in_body(self, tag: usize) -> Span {
        Span { start: tag + usize::from(self.start), end: tag + usize::from(self.end) }
    }

    fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

const _: () = assert!(MAX_START_TAG_LEN <= u16::MAX as usize);

/// A namespace declaration in scope, as it was read: `xmlns="uri"` or `xmlns:prefix="uri"`.
#[derive(Clone, Copy, Debug)]
struct Binding {
    /// The prefix it binds (empty for the default namespace), in its element's start tag.
    prefix: TagSpan,
    /// The namespace name as written between the quotes, in its element's start tag.
    uri: TagSpan,
    /// Depth of the declaring element (the root is 0).
    depth: u8,
    /// Whether the URI is the UCWA namespace.
    is_ucwa: bool,
}

impl Binding {
    /// Whether it binds the default namespace (a declared prefix is never empty).
    fn is_default(&self) -> bool {
        self.prefix.is_empty()
    }
}

const _: () = assert!(MAX_DEPTH <= u8::MAX as usize);

/// The namespace an element or attribute name resolved to.
#[derive(Clone, Copy)]
enum Namespace {
    None,
    Xml,
    /// Bound by the binding at this index of `Document::bindings`.
    Declared(usize),
}

/// An attribute name of the tag being read, where it is; its local part starts after its
/// colon, found again when needed (names are short): not keeping that start saves stack for
/// each of the 16 attributes (`core/firmware/README.md` has the figure).
#[derive(Clone, Copy, Debug)]
struct AttributeName {
    name: TagSpan,
}

/// The start tag being read: where it begins, and the names of its attributes so far.
struct Tag {
    start: usize,
    attributes: Vec<AttributeName, MAX_ATTRIBUTES>,
}

impl Tag {
    /// The attribute names, as qualified names in `body`.
    fn attribute_names<'t>(&'t self, body: &'t [u8]) -> impl Iterator<Item = QName> + 't {
        self.attributes.iter().map(move |attribute| {
            let full = attribute.name.in_body(self.start);
            let name = body.get(full.start..full.end).unwrap_or_default();
            let local_start = name.iter().position(|&b| b == b':').map_or(full.start, |colon| full.start + colon + 1);
            QName { full, local_start }
        })
    }
}

/// The field element whose text is being read (into `Document::text`).
struct PropertyValue {
    field: u8,
    at: usize,
    has_child_element: bool,
}

struct Document<'a, 'f> {
    reader: Reader<'a>,
    fields: Tally<'f>,
    /// The open elements, innermost last: where each one's start tag begins (its `<`).
    open: Vec<usize, MAX_DEPTH>,
    /// The namespace declarations in scope, innermost last.
    bindings: Vec<Binding, MAX_NAMESPACES>,
    tag: Tag,
    property: Option<PropertyValue>,
    /// The text of the property being read, trimmed.
    text: Capture,
}

impl Document<'_, '_> {
    /// The whole document: the optional XML declaration, then the rest.
    fn read(&mut self) -> Result<(), DecodeError> {
        let cursor = &self.reader.cursor;
        if cursor.starts_with(b"<?xml") && cursor.peek_ahead(5).is_some_and(chars::is_space) {
            self.xml_declaration()?;
        }
        self.body()
    }

    /// The whole document after the optional XML declaration: the root element and its
    /// content, with comments, processing instructions and white space around it. One loop
    /// for all three places, without recursion; `self.open` tells where the cursor is.
    fn body(&mut self) -> Result<(), DecodeError> {
        let mut root_done = false;
        let mut seen_markup = false;
        loop {
            let outside = self.open.is_empty();
            let r = &mut self.reader;
            if outside {
                r.skip_space();
            }
            let Some(next) = r.cursor.peek() else {
                return match (root_done, seen_markup) {
                    (true, _) => Ok(()),
                    (false, false) => Err(r.cursor.error(Kind::Empty)),
                    (false, true) => Err(r.cursor.error(Kind::UnexpectedEnd)),
                };
            };
            seen_markup = true;
            let sink = match self.property {
                Some(_) if self.open.len() == 2 => Some(&mut self.text),
                _ => None,
            };
            let starts_with = |pattern: &[u8]| r.cursor.starts_with(pattern);
            if starts_with(b"<!--") {
                r.comment()?;
            } else if starts_with(b"<?") {
                r.processing_instruction()?;
            } else if root_done {
                return Err(r.cursor.error(Kind::TrailingContent));
            } else if outside && starts_with(b"<!DOCTYPE") {
                return Err(r.cursor.error(Kind::Doctype));
            } else if !outside && starts_with(b"<![CDATA[") {
                r.cdata(sink)?;
            } else if starts_with(b"<!") {
                return Err(r.cursor.error(Kind::MalformedMarkup));
            } else if !outside && starts_with(b"</") {
                self.end_tag()?;
                root_done = self.open.is_empty();
            } else if next == b'<' {
                root_done = self.start_tag()? && outside;
            } else if outside {
                return Err(r.cursor.error(Kind::MisplacedText));
            } else if next == b'&' {
                r.text_reference(sink)?;
            } else {
                r.text(sink)?;
            }
        }
    }

    /// `<?xml version="1.x" encoding="utf-8" standalone="yes"?>`, at the cursor: the
    /// pseudo-attributes in this order, `version` required. Only UTF-8 is accepted.
    fn xml_declaration(&mut self) -> Result<(), DecodeError> {
        const NAMES: [&[u8]; 3] = [b"version", b"encoding", b"standalone"];
        let r = &mut self.reader;
        let bad = Kind::InvalidXmlDeclaration;
        r.cursor.advance(b"<?xml".len());
        let mut next = 0;
        loop {
            let spaced = r.skip_space();
            if next > 0 && r.cursor.eat_slice(b"?>") {
                return Ok(());
            }
            // The first name this one can be; `version` must come first.
            let name = NAMES.get(next..).unwrap_or_default().iter().position(|name| r.cursor.starts_with(name));
            let Some(index) = name.map(|skipped| next + skipped).filter(|&index| spaced && (next > 0 || index == 0))
            else {
                return Err(r.cursor.error_or_end(bad));
            };
            r.cursor.advance(NAMES.get(index).map_or(0, |name| name.len()));
            r.equals()?;
            let value_at = r.cursor.pos();
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
                return Err(if index == 1 {
                    DecodeError::new(Kind::UnsupportedEncoding, value_at)
                } else {
                    r.cursor.error(bad)
                });
            }
            next = index + 1;
        }
    }

    /// Reads a start tag at the cursor (on `<`). Returns true if it was an empty-element tag.
    fn start_tag(&mut self) -> Result<bool, DecodeError> {
        let at = self.reader.cursor.pos();
        self.reader.cursor.bump();
        let name = self.reader.qname()?;
        if self.open.is_full() {
            return Err(DecodeError::new(Kind::TooDeep, at));
        }
        self.tag.start = at;
        self.tag.attributes.clear();
        // The value of the `name` attribute (a name without a colon, so unprefixed), which
        // names a property.
        let mut name_value = None;
        let empty = loop {
            let r = &mut self.reader;
            let spaced = r.skip_space();
            if r.cursor.eat(b'>') {
                break false;
            }
            if r.cursor.eat_slice(b"/>") {
                break true;
            }
            if !spaced {
                return Err(r.cursor.error_or_end(Kind::MalformedMarkup));
            }
            let attribute_at = r.cursor.pos();
            let attribute = r.qname()?;
            r.equals()?;
            let value = r.attribute_value()?;
            if self.tag.attributes.is_full() || value.span.end - at > MAX_START_TAG_LEN {
                return Err(DecodeError::new(Kind::TooManyAttributes, attribute_at));
            }
            if same_bytes(self.reader.slice(attribute.full), b"name") {
                name_value = Some(value);
            }
            self.declare(attribute_at, attribute, value)?;
            let stored = AttributeName { name: TagSpan::new(attribute.full, at) };
            // Never refused: checked above.
            self.tag.attributes.push(stored).ok();
        };
        self.check_attributes()?;
        let namespace = self.resolve(name.prefix(), true)?;
        self.classify(at, name, namespace, name_value, empty)?;
        if empty {
            self.close_bindings(self.open.len());
        } else {
            // Never refused: the stack had room when the tag began, and nothing was pushed since.
            self.open.push(at).ok();
        }
        Ok(empty)
    }

    /// Whether an attribute name has a namespace prefix (`xmlns:` declares one instead).
    fn is_prefixed(&self, name: &QName) -> bool {
        name.prefix().is_some_and(|prefix| !same_bytes(self.reader.slice(prefix), b"xmlns"))
    }

    /// Refuses, in the order of the tag, an attribute whose prefix is undeclared, and one
    /// that repeats an earlier one: by name, or by namespace and local name. Compares the
    /// names kept while the tag was read, each pair once (16 attributes at most).
    fn check_attributes(&self) -> Result<(), DecodeError> {
        let r = &self.reader;
        for (i, name) in self.tag.attribute_names(r.cursor.input()).enumerate() {
            let namespace = if self.is_prefixed(&name) { Some(self.resolve(name.prefix(), false)?) } else { None };
            for other in self.tag.attribute_names(r.cursor.input()).take(i) {
                let duplicate = same_bytes(r.slice(other.full), r.slice(name.full))
                    || match namespace {
                        Some(namespace) if self.is_prefixed(&other) => {
                            same_bytes(r.slice(other.local()), r.slice(name.local()))
                                && self.same_namespace(namespace, self.resolve(other.prefix(), false)?)
                        }
                        _ => false,
                    };
                if duplicate {
                    return Err(DecodeError::new(Kind::DuplicateAttribute, name.full.start));
                }
            }
        }
        Ok(())
    }

    /// Adds the binding an `xmlns` / `xmlns:p` attribute declares, checking the reserved names.
    fn declare(&mut self, at: usize, attribute: QName, value: Value) -> Result<(), DecodeError> {
        let r = &self.reader;
        let prefix = match attribute.prefix() {
            None if same_bytes(r.slice(attribute.full), b"xmlns") => None,
            Some(prefix) if same_bytes(r.slice(prefix), b"xmlns") => Some(attribute.local()),
            _ => return Ok(()),
        };
        let declares_xml = prefix.is_some_and(|p| same_bytes(r.slice(p), b"xml"));
        if prefix.is_some_and(|p| same_bytes(r.slice(p), b"xmlns"))
            || self.value_is(value, XMLNS_NAMESPACE)
            || declares_xml != self.value_is(value, XML_NAMESPACE)
            || (prefix.is_some() && value.span.is_empty())
        {
            return Err(DecodeError::new(Kind::InvalidNamespaceDeclaration, at));
        }
        let tag = self.tag.start;
        let binding = Binding {
            prefix: prefix.map_or_else(TagSpan::default, |prefix| TagSpan::new(prefix, tag)),
            uri: TagSpan::new(value.span, tag),
            depth: self.open.len() as u8,
            is_ucwa: self.value_is(value, UCWA_NAMESPACE.as_bytes()),
        };
        self.bindings.push(binding).map_err(|_| DecodeError::new(Kind::TooManyNamespaces, at))
    }

    /// Ends the scope of the bindings an element at `depth` declared.
    fn close_bindings(&mut self, depth: usize) {
        while self.bindings.last().is_some_and(|binding| usize::from(binding.depth) == depth) {
            self.bindings.pop();
        }
    }

    /// Where the start tag of the element at `depth` begins: its bindings' spans count from
    /// there. The tag being read is one deeper than the open elements.
    fn start_tag_at(&self, depth: u8) -> usize {
        self.open.get(usize::from(depth)).copied().unwrap_or(self.tag.start)
    }

    /// The prefix a binding binds, in the body.
    fn prefix_of(&self, binding: &Binding) -> &[u8] {
        self.reader.slice(binding.prefix.in_body(self.start_tag_at(binding.depth)))
    }

    /// The URI of a binding, as written in its attribute value.
    fn uri_of(&self, binding: &Binding) -> Span {
        binding.uri.in_body(self.start_tag_at(binding.depth))
    }

    /// The namespace of a name with this prefix; an unprefixed attribute has none.
    fn resolve(&self, prefix: Option<Span>, is_element: bool) -> Result<Namespace, DecodeError> {
        let name = prefix.map(|prefix| self.reader.slice(prefix));
        match name {
            None if !is_element => return Ok(Namespace::None),
            Some(name) if same_bytes(name, b"xml") => return Ok(Namespace::Xml),
            _ => {}
        }
        // The innermost binding of the prefix (`xmlns` itself is never bound), or of the
        // default namespace; an empty default namespace is no namespace.
        let binds = |binding: &Binding| match name {
            None => binding.is_default(),
            Some(name) => {
                !binding.is_default() && !same_bytes(name, b"xmlns") && same_bytes(self.prefix_of(binding), name)
            }
        };
        match self.bindings.iter().rposition(binds) {
            Some(index) if self.bindings.get(index).is_some_and(|binding| binding.uri.is_empty()) => {
                Ok(Namespace::None)
            }
            Some(index) => Ok(Namespace::Declared(index)),
            None => match prefix {
                Some(prefix) => Err(DecodeError::new(Kind::UndeclaredPrefix, prefix.start)),
                None => Ok(Namespace::None),
            },
        }
    }

    /// The characters of an attribute value, decoded and normalized.
    fn value_chars(&self, value: Span) -> AttributeChars<'_> {
        AttributeChars::new(self.reader.cursor.input(), value)
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
            return CapturedName::new(self.reader.slice(value.span)).is_some_and(|name| name.matches(expected));
        }
        let lower = |c: u32| char::from_u32(c).map_or(c, |c| u32::from(c.to_ascii_lowercase()));
        self.value_chars(value.span).map(lower).eq(expected.bytes().map(|b| lower(u32::from(b))))
    }

    /// Whether two namespaces of prefixed attributes are the same. A declared namespace is
    /// never the XML namespace (`declare` binds that one to no prefix but `xml`), so only two
    /// declared ones need their URIs compared.
    /// Not inlined: its iterators then take no room in the reader's frame while it reads
    /// attributes, which keeps the XML error body decode within its stack budget
    /// (`core/firmware/README.md`).
    #[inline(never)]
    fn same_namespace(&self, a: Namespace, b: Namespace) -> bool {
        match (a, b) {
            (Namespace::Declared(a), Namespace::Declared(b)) => {
                let uri = |index: usize| self.bindings.get(index).map(|binding| self.uri_of(binding));
                a == b || uri(a).zip(uri(b)).is_some_and(|(a, b)| self.value_chars(a).eq(self.value_chars(b)))
            }
            (Namespace::Xml, Namespace::Xml) => true,
            _ => false,
        }
    }

    /// Gives the element its role: the root must be one of the schema's roots in the UCWA
    /// namespace; a UCWA child of the root that names a field (by its `name` attribute on a
    /// `<property>`, or by its own name) carries a value.
    fn classify(
        &mut self,
        at: usize,
        name: QName,
        namespace: Namespace,
        name_value: Option<Value>,
        empty: bool,
    ) -> Result<(), DecodeError> {
        let local = self.reader.slice(name.local());
        let is_ucwa = match namespace {
            Namespace::Declared(index) => self.bindings.get(index).is_some_and(|binding| binding.is_ucwa),
            _ => false,
        };
        let schema = self.fields.schema();
        match self.open.len() {
            0 if !schema.roots.iter().any(|root| same_bytes(local, root.as_bytes())) => {
                Err(DecodeError::new(Kind::WrongRoot, at))
            }
            0 if !is_ucwa => Err(DecodeError::new(Kind::WrongNamespace, at)),
            1 if is_ucwa => {
                let named = if schema.xml_property {
                    // `<property name="errorCode">`: the name attribute names the field.
                    let name_value = name_value.filter(|_| same_bytes(local, b"property"));
                    name_value.and_then(|value| {
                        schema.fields.iter().position(|field| self.value_is_ignore_case(value, field))
                    })
                } else {
                    // `<code>`: the element is named after the field.
                    schema.fields.iter().position(|field| same_bytes(local, field.as_bytes()))
                };
                if let Some(field) = named {
                    self.fields.given(field, at);
                    if !empty {
                        self.text.restart();
                        self.property = Some(PropertyValue { field: field as u8, at, has_child_element: false });
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

    /// Whether `name` is the name of the start tag at `tag`. That name ends where the tag
    /// read it, at the first white space, `>` or `/`: the only bytes that may follow a name
    /// in a start tag.
    fn is_name_of(&self, tag: usize, name: &[u8]) -> bool {
        let start = tag + 1;
        let end = start + name.len();
        same_bytes(self.reader.slice(Span { start, end }), name)
            && matches!(self.reader.cursor.input().get(end), Some(b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/'))
    }

    /// Where the content of the element whose (well-formed) start tag begins at `tag` starts:
    /// after the first `>` outside its quoted attribute values. Found again rather than kept:
    /// measured in firmware, keeping it takes the XML error body decode over 1 KiB of stack.
    fn content_start(&self, tag: usize) -> usize {
        let input = self.reader.cursor.input();
        let mut quote = None;
        let mut at = tag;
        while let Some(&b) = input.get(at) {
            at += 1;
            match (quote, b) {
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), _) if q == b => quote = None,
                (None, b'>') => break,
                _ => {}
            }
        }
        at
    }

    /// Reads an end tag at the cursor (on `</`) and closes the innermost element.
    fn end_tag(&mut self) -> Result<(), DecodeError> {
        let r = &mut self.reader;
        let at = r.cursor.pos();
        r.cursor.advance(b"</".len());
        let name = r.name()?;
        r.skip_space();
        r.expect(b">", Kind::MalformedMarkup)?;
        let mismatched = DecodeError::new(Kind::MismatchedTag, at);
        let tag = self.open.pop().ok_or(mismatched)?;
        if !self.is_name_of(tag, self.reader.slice(name)) {
            return Err(mismatched);
        }
        self.close_bindings(self.open.len());
        if self.open.len() == 1
            && let Some(value) = self.property.take()
        {
            if value.has_child_element {
                self.fields.reject(value.field.into(), Kind::NotAString, value.at);
            } else if !self.text.is_empty() {
                let raw = Span { start: self.content_start(value.at), end: at };
                self.fields.set(value.field.into(), self.text.value(), raw, value.at);
            }
        }
        Ok(())
    }
}
