//! The XML oracle: docs/behaviour.md, sections 4.1, 4.3 and 4.4, on top of roxmltree.
//!
//! roxmltree does XML 1.0 well-formedness and Namespaces in XML (names, tags, attributes,
//! references, prefixes, duplicate attributes by expanded name). Everything the contract adds
//! or restricts is done here, each rule marked `Rule Xn` and listed in FUZZING.md:
//!
//! - X1: one leading UTF-8 byte order mark is skipped, and only one (roxmltree skips a
//!   second); the body must be UTF-8 (roxmltree reads `&str`), and an encoding named in the
//!   XML declaration must be UTF-8, any case (roxmltree ignores the declared encoding).
//! - X2: a DOCTYPE is always DeserializationFailure (`allow_dtd: false`; roxmltree would
//!   otherwise read an internal subset and expand its entities).
//! - X3: resource limits: elements nested at most 32 deep (the root is level 1; empty
//!   elements count), at most 16 attributes on one element (namespace declarations
//!   included), at most 32 namespace declarations in scope at once, and at most 65,535
//!   bytes from a start tag's `<` to the end of its last attribute value. roxmltree has none.
//! - X4: the root is `input` or `resource` in the UCWA namespace, else DeserializationFailure.
//! - X5: values are `property` elements in the UCWA namespace, children of the root, with an
//!   unprefixed `name` attribute equal to `errorCode` / `errorSubcode` ASCII
//!   case-insensitively (after entity decoding and attribute-value normalization). Anything
//!   else is ignored.
//! - X6: a value is the property's text (character data and CDATA, entity-decoded; comments
//!   and processing instructions skipped), trimmed of XML white space (space, tab, CR, LF).
//!   Empty means absent; a child element makes it ParameterValidationFailure; otherwise it
//!   must be an enum name, ASCII case-insensitively, else ParameterValidationFailure.
//! - X7: a property named twice (case-insensitively; empty ones count) is
//!   ParameterValidationFailure. Validation failures are taken in document order, the first
//!   one wins, and only a well-formed body gets one.
//! - X8: the XML declaration follows production 23 strictly (see X1 for the encoding): the
//!   version is `1.` and digits, `standalone` is `yes` or `no`, pseudo-attributes come in
//!   order, each after white space. roxmltree accepts any version and standalone value, and
//!   takes `<?xml` followed by a tab or a line end for a processing instruction.
//! - X9: checks roxmltree leaves out: every character is an XML `Char`; a processing
//!   instruction's target is followed by white space or `?>`, is not `xml` in any case and has
//!   no colon; a comment holds no `--` and does not end with `-`.
//! - X10: element and attribute names are Namespaces in XML `QName`s: no leading colon, at
//!   most one colon, and a local part that starts like a name (roxmltree checks only `Name`);
//!   an end tag repeats its start tag's name exactly (roxmltree takes `</:a>` for `</a>`).
//! - X11: every character reference names an XML `Char` (roxmltree accepts references past
//!   U+10FFFF).
//! - X12: the `xml` prefix is bound without a declaration on elements too (roxmltree
//!   refuses `<xml:a/>`); the oracle renames such elements' prefix for roxmltree.
//! - X13: namespace declarations follow Namespaces in XML 1.0 where roxmltree does not: no
//!   attribute name twice on an element, `xmlns` declarations included (roxmltree keeps the
//!   last `xmlns="…"`); no `xmlns:p=""` (undeclaring a prefix is XML 1.1); no `xmlns:xmlns`.
//! - X14: an attribute `p:xmlns="…"` is an ordinary attribute, not a declaration (roxmltree
//!   binds the default namespace with it); the oracle renames it for roxmltree.

use roxmltree::{Document, Node, ParsingOptions};

use crate::{Properties, Verdict, strip_bom};

/// The UCWA namespace.
pub const UCWA: &str = "http://schemas.microsoft.com/rtc/2012/03/ucwa";
/// The limits of docs/behaviour.md, sections 4.1 and 4.4 (Rule X3).
pub const MAX_DEPTH: usize = 32;
pub const MAX_ATTRIBUTES: usize = 16;
pub const MAX_NAMESPACES: usize = 32;
pub const MAX_START_TAG_LEN: usize = 65_535;

/// What docs/behaviour.md says `mediadiag` must answer for this XML body.
pub fn verdict(input: &[u8]) -> Verdict {
    with_document(input, |document, _| report(document)).unwrap_or(Verdict::Deserialization)
}

/// Runs `read` on the document of a body that passes every well-formedness rule of the
/// contract (Rules X1 to X3, X8 to X14), with the text roxmltree read and whether that text
/// is the body's own (not patched for Rules X12 and X14); `None` when the body is
/// DeserializationFailure on those rules.
pub fn with_document<R>(input: &[u8], read: impl FnOnce(&Document, Option<&str>) -> R) -> Option<R> {
    let body = strip_bom(input); // Rule X1
    let Ok(text) = std::str::from_utf8(body) else {
        return None; // Rule X1
    };
    // Rule X1: a second byte order mark is a character (U+FEFF) before the root, which
    // roxmltree 0.20 skips as it skips the first.
    if text.starts_with('\u{feff}') {
        return None;
    }
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() }; // Rule X2
    // Rule X14: roxmltree takes any `p:xmlns="…"` attribute for a default namespace declaration.
    let renamed = rename_prefixed_xmlns(text);
    let text = renamed.as_deref().unwrap_or(text);
    let mut declared_xml = false;
    let patched;
    let (text, document) = match Document::parse_with_options(text, options) {
        Ok(document) => (text, document),
        // Rule X12: roxmltree refuses elements with the `xml` prefix unless it is declared.
        Err(roxmltree::Error::UnknownNamespace(prefix, _)) if prefix == "xml" => {
            let Some(patch) = declare_xml_prefix(text) else { return None };
            patched = patch;
            declared_xml = true;
            match Document::parse_with_options(&patched, options) {
                Ok(document) => (patched.as_str(), document),
                Err(_) => return None,
            }
        }
        Err(_) => return None,
    };
    if !declaration_is_valid(text) {
        return None; // Rules X1, X8
    }
    if !markup_is_valid(text, &document) {
        return None; // Rule X9
    }
    if !within_limits(text, &document, declared_xml) {
        return None; // Rule X3
    }
    let own = renamed.is_none() && !declared_xml;
    Some(read(&document, own.then_some(text)))
}

/// Rules X4 to X7 on a well-formed document.
fn report(document: &Document) -> Verdict {
    let root = document.root_element();
    let name = root.tag_name();
    if !matches!(name.name(), "input" | "resource") || name.namespace() != Some(UCWA) {
        return Verdict::Deserialization; // Rule X4
    }
    let mut properties = Properties::default();
    for child in root.children().filter(Node::is_element) {
        // Rule X5
        let is_property = child.tag_name().name() == "property" && child.tag_name().namespace() == Some(UCWA);
        let Some(property) = child.attribute("name").filter(|_| is_property).and_then(Properties::designated) else {
            continue;
        };
        properties.given(property); // Rule X7
        // Rule X6
        if child.children().any(|n| n.is_element()) {
            properties.fail(property);
            continue;
        }
        let value: String = child.children().filter(Node::is_text).filter_map(|n| n.text()).collect();
        let value = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        if !value.is_empty() {
            properties.value(property, value);
        }
    }
    properties.verdict()
}

/// Rules X1 and X8: an XML declaration at the start, if any, follows XML 1.0 production 23
/// exactly (`version`, then optionally `encoding`, then optionally `standalone`, each after
/// white space), with a `1.x` version, a UTF-8 encoding (any case) and `yes`/`no`.
/// roxmltree checks less: it takes any version and any standalone text, and ignores the encoding.
fn declaration_is_valid(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("<?xml") else { return true };
    if !rest.starts_with(is_space) {
        return true; // a processing instruction such as `<?xml-stylesheet ...?>`: roxmltree judged it
    }
    let Some(end) = rest.find("?>") else { return false };
    let mut s = &rest[..end];
    let mut pseudo = Vec::new();
    loop {
        let trimmed = s.trim_start_matches(is_space);
        if trimmed.is_empty() {
            break;
        }
        if trimmed.len() == s.len() {
            return false; // no white space before a pseudo-attribute
        }
        let Some(eq) = trimmed.find('=') else { return false };
        let name = trimmed[..eq].trim_end_matches(is_space);
        let after = trimmed[eq + 1..].trim_start_matches(is_space);
        let Some(quote) = after.chars().next().filter(|&q| q == '"' || q == '\'') else { return false };
        let Some(close) = after[1..].find(quote) else { return false };
        pseudo.push((name, &after[1..1 + close]));
        s = &after[1 + close + 1..];
    }
    let mut pseudo = pseudo.into_iter().peekable();
    let version_ok = matches!(pseudo.next(), Some(("version", v))
        if v.strip_prefix("1.").is_some_and(|minor| !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit())));
    if !version_ok {
        return false;
    }
    if let Some(&("encoding", encoding)) = pseudo.peek() {
        if !encoding.eq_ignore_ascii_case("utf-8") {
            return false;
        }
        pseudo.next();
    }
    if let Some(&("standalone", standalone)) = pseudo.peek() {
        if !matches!(standalone, "yes" | "no") {
            return false;
        }
        pseudo.next();
    }
    pseudo.next().is_none()
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Rule X9: what roxmltree reads without checking. Every character is an XML `Char`
/// (production 2); a processing instruction's target is followed by white space or `?>`,
/// is not `xml` in any case (production 17) and has no colon (Namespaces in XML, section 7);
/// a comment holds no `--` and does not end with `-` (production 15).
fn markup_is_valid(text: &str, document: &Document) -> bool {
    let is_char =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if !text.chars().all(is_char) || !references_are_chars(text) {
        return false;
    }
    document.descendants().all(|node| {
        let source = &text[node.range()];
        if let Some(pi) = node.pi() {
            // roxmltree knows an XML declaration only by `<?xml ` with a space; after a tab or
            // a line end it hands it over as a processing instruction. Rule X8 checks it.
            if pi.target == "xml" && node.range().start == 0 && text[5..].starts_with(is_space) {
                return true;
            }
            let after = &source[2 + pi.target.len()..];
            let spaced = after.starts_with("?>") || after.starts_with(is_space);
            spaced && !pi.target.eq_ignore_ascii_case("xml") && !pi.target.contains(':')
        } else if node.is_comment() {
            let inner = &source[4..source.len() - 3];
            !inner.contains("--") && !inner.ends_with('-')
        } else {
            true
        }
    })
}

/// Rule X11: every character reference names an XML `Char` (roxmltree accepts references
/// past U+10FFFF). Comments, CDATA sections and processing instructions hold no references.
fn references_are_chars(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find(['<', '&']) {
        rest = &rest[at..];
        fn skip_to<'t>(rest: &'t str, open: &str, close: &str) -> Option<&'t str> {
            let inside = rest.strip_prefix(open)?;
            Some(inside.find(close).map_or("", |i| &inside[i + close.len()..]))
        }
        if let Some(after) = skip_to(rest, "<!--", "-->")
            .or_else(|| skip_to(rest, "<![CDATA[", "]]>"))
            .or_else(|| skip_to(rest, "<?", "?>"))
        {
            rest = after;
        } else if let Some(reference) = rest.strip_prefix("&#") {
            let end = reference.find(';').unwrap_or(reference.len());
            let digits = &reference[..end];
            let value = match digits.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => digits.parse::<u32>(),
            };
            let is_char = value.ok().and_then(char::from_u32).is_some_and(
                |c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..),
            );
            if !is_char {
                return false;
            }
            rest = &reference[end..];
        } else {
            rest = &rest[1..];
        }
    }
    true
}

/// Rule X12: the `xml` prefix is bound by definition (Namespaces in XML, section 3), for
/// elements too, but roxmltree refuses it on elements, declared or not. The oracle renames
/// it to `x_l` for roxmltree, bound on the root to a URI of its own (the limits of Rule X3
/// then discount that declaration). No such element can be the UCWA root or a property, so
/// only well-formedness is at stake.
fn declare_xml_prefix(text: &str) -> Option<String> {
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start_matches(is_space);
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("<!--") {
            at += trimmed.find("-->")? + 3;
        } else if trimmed.starts_with("<?") {
            at += trimmed.find("?>")? + 2;
        } else if trimmed.starts_with('<') {
            break;
        } else {
            return None;
        }
    }
    let root = &text[at..];
    let name_len = root.find(|c: char| is_space(c) || c == '>' || c == '/')?;
    let tag_end = root.find('>')?;
    if root[..tag_end].contains("xmlns:x_l") {
        return None;
    }
    let split = at + name_len;
    let patched = format!("{} xmlns:x_l=\"urn:oracle\"{}", &text[..split], &text[split..]);
    Some(patched.replace("<xml:", "<x_l:").replace("</xml:", "</x_l:"))
}

/// Rule X14: an attribute `p:xmlns` is an ordinary attribute (prefix `p`, local name
/// `xmlns`), not a namespace declaration, but roxmltree 0.20 binds the default namespace with
/// it. The oracle renames the local name to `xmlnz` (same length, so offsets stay) for
/// roxmltree; `xmlns:xmlns`, which Rule X13 refuses, is left alone.
fn rename_prefixed_xmlns(text: &str) -> Option<String> {
    if !text.contains(":xmlns") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(":xmlns") {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let is_attribute = after[6..].trim_start_matches(is_space).starts_with('=');
        let declares_xmlns = out.ends_with("xmlns") && out[..out.len() - 5].ends_with(is_space);
        out.push_str(if is_attribute && !declares_xmlns { ":xmlnz" } else { ":xmlns" });
        rest = &after[6..];
    }
    out.push_str(rest);
    Some(out)
}

/// Rule X3: depth, attributes per element, namespace declarations in scope; and Rule X10.
fn within_limits(text: &str, document: &Document, declared_xml: bool) -> bool {
    let patch = usize::from(declared_xml);
    document.descendants().filter(Node::is_element).all(|element| {
        let depth = element.ancestors().filter(Node::is_element).count();
        let Some((mut attributes, _)) = start_tag(text, element) else { return false };
        if element == document.root_element() {
            attributes -= patch;
        }
        let declarations: usize = element
            .ancestors()
            .filter(Node::is_element)
            .map(|e| start_tag(text, e).map_or(usize::MAX / 64, |(_, declarations)| declarations))
            .sum();
        depth <= MAX_DEPTH && attributes <= MAX_ATTRIBUTES && declarations - patch <= MAX_NAMESPACES
    })
}

/// Rule X10: a Namespaces in XML `QName`: `NCName` or `NCName:NCName` (roxmltree accepts a
/// name that starts with a colon, and a local part that starts with a digit, `-` or `.`).
fn is_qname(name: &str) -> bool {
    let starts_well = |part: &str| {
        part.chars().next().is_some_and(
            |c| !matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}'),
        )
    };
    match name.split_once(':') {
        None => starts_well(name),
        Some((prefix, local)) => starts_well(prefix) && starts_well(local) && !local.contains(':'),
    }
}

/// Reads an element's start tag again from the source (roxmltree does not keep namespace
/// declarations as attributes): the number of attributes, and how many of them are namespace
/// declarations (`xmlns`, `xmlns:p`); `None` if a name is not a `QName` (Rule X10).
fn start_tag(text: &str, element: Node) -> Option<(usize, usize)> {
    let tag = &text[element.range().start..];
    let bytes = tag.as_bytes();
    let (mut attributes, mut declarations) = (0, 0);
    let mut names: Vec<&str> = Vec::new();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = 1;
    while !is_space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name_end = i;
    if !is_qname(&tag[1..name_end]) {
        return None;
    }
    loop {
        while is_space(bytes[i]) {
            i += 1;
        }
        if bytes[i] == b'/' {
            return Some((attributes, declarations));
        }
        if bytes[i] == b'>' {
            // Not empty: the end tag must repeat the start tag's name exactly (roxmltree
            // takes `</:a>` as the end of `<a>`).
            let source = &text[element.range()];
            let end_tag = &source[source.rfind("</")? + 2..source.len() - 1];
            return (end_tag.trim_end_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) == &tag[1..name_end])
                .then_some((attributes, declarations));
        }
        let name_start = i;
        while !is_space(bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        let name = &tag[name_start..i];
        // Rule X13: no attribute twice, declarations included; `xmlns:xmlns` is never declared.
        if !is_qname(name) || names.contains(&name) || name == "xmlns:xmlns" {
            return None;
        }
        names.push(name);
        attributes += 1;
        if name == "xmlns" || name.starts_with("xmlns:") {
            declarations += 1;
        }
        while bytes[i] != b'"' && bytes[i] != b'\'' {
            i += 1;
        }
        let quote = bytes[i];
        i += 1;
        let value_start = i;
        while bytes[i] != quote {
            i += 1;
        }
        // Rule X13: a prefix cannot be undeclared (`xmlns:p=""`) in Namespaces in XML 1.0.
        if name.starts_with("xmlns:") && i == value_start {
            return None;
        }
        // Rule X3: the start tag ends its last attribute value within MAX_START_TAG_LEN bytes.
        if i > MAX_START_TAG_LEN {
            return None;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediadiag::{ErrorCode, ErrorSubcode, Property, Report};

    fn input(inner: &str) -> String {
        format!(r#"<input xmlns="{UCWA}">{inner}</input>"#)
    }

    #[test]
    fn the_rules_of_the_behaviour_contract() {
        let v = |s: &str| verdict(s.as_bytes());
        assert_eq!(
            v(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n  <property name=\"errorCode\">TooManyRequests</property>\n  <property name=\"errorSubcode\">MediaNegotiationFailure</property>\n</input>"
            ),
            Verdict::Accepted(Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure))
        );
        assert_eq!(
            v(&input(r#"<property name="errorCode"> <![CDATA[Go]]>&#110;e </property>"#)),
            Verdict::Accepted(Report { error_code: Some(ErrorCode::Gone), error_subcode: None })
        );
        assert_eq!(
            v(&input(r#"<property name="errorCode"/><property name="ERRORCODE">Gone</property>"#)),
            Verdict::Validation(Property::ErrorCode)
        );
        assert_eq!(
            v(&input(r#"<property name="errorCode">Go<b/>ne</property>"#)),
            Verdict::Validation(Property::ErrorCode)
        );
        assert_eq!(v(&format!("<?xml version=\"1.0\" encoding=\"latin1\"?>{}", input(""))), Verdict::Deserialization);
        assert_eq!(v("<input/>"), Verdict::Deserialization);
        let deep = |levels: usize| input(&format!("{}{}", "<a>".repeat(levels - 1), "</a>".repeat(levels - 1)));
        assert_eq!(v(&deep(32)), Verdict::Accepted(Report::EMPTY));
        assert_eq!(v(&deep(33)), Verdict::Deserialization);
        let many = |n: usize| input(&format!("<x{}/>", (0..n).map(|i| format!(" a{i}=''")).collect::<String>()));
        assert_eq!(v(&many(16)), Verdict::Accepted(Report::EMPTY));
        assert_eq!(v(&many(17)), Verdict::Deserialization);
        // `<x a="` is 6 bytes before the value.
        let long = |value: usize| input(&format!(r#"<x a="{}"/>"#, "v".repeat(value)));
        assert_eq!(v(&long(MAX_START_TAG_LEN - 6)), Verdict::Accepted(Report::EMPTY));
        assert_eq!(v(&long(MAX_START_TAG_LEN - 5)), Verdict::Deserialization);
        assert_eq!(MAX_START_TAG_LEN, mediadiag::MAX_START_TAG_LEN);
    }

    /// Why rules X8 to X12 exist: what roxmltree 0.20 does on its own with these inputs.
    #[test]
    fn roxmltree_departures() {
        let parses = |s: &str| {
            Document::parse_with_options(s, ParsingOptions { allow_dtd: false, ..Default::default() }).is_ok()
        };
        let ns = format!(r#"xmlns="{UCWA}""#);
        // Lax: all of these are not well-formed (or not namespace-well-formed).
        assert!(parses(&format!(r#"<?xml version="0.1"?><input {ns}/>"#)));
        assert!(parses(&format!(r#"<?xml version="1.0" standalone="maybe"?><input {ns}/>"#)));
        assert!(parses(&format!("<input {ns}><?p<x?></input>")));
        assert!(parses(&format!(r#"<input {ns}><x :a="1"/></input>"#)));
        assert!(parses(&format!(r#"<input {ns}><x a="&#x11FFFF;"/></input>"#)));
        assert!(parses(&format!("<input {ns}><a></:a></input>")));
        assert!(parses(&format!(r#"<input {ns} xmlns="urn:x"/>"#)));
        assert!(parses(&format!(r#"<input {ns}><x xmlns:p=""/></input>"#)));
        assert!(parses(&format!(r#"<input {ns}><x xmlns:xmlns="urn:x"/></input>"#)));
        assert!(parses(&format!("\u{feff}<input {ns}/>")), "roxmltree skips a byte order mark of its own");
        let root = Document::parse(&format!(r#"<input xml:xmlns="{UCWA}"/>"#))
            .unwrap()
            .root_element()
            .tag_name()
            .namespace()
            .map(str::to_owned);
        assert_eq!(root.as_deref(), Some(UCWA));
        assert_eq!(verdict(format!(r#"<input xml:xmlns="{UCWA}"/>"#).as_bytes()), Verdict::Deserialization);
        for body in [
            format!(r#"<?xml version="0.1"?><input {ns}/>"#),
            format!("<input {ns}><?p<x?></input>"),
            format!(r#"<input {ns}><x :a="1"/></input>"#),
            format!(r#"<input {ns}><x a="&#x11FFFF;"/></input>"#),
            format!("<input {ns}><a></:a></input>"),
            format!(r#"<input {ns} xmlns="urn:x"/>"#),
            format!(r#"<input {ns}><x xmlns:p=""/></input>"#),
            format!(r#"<input {ns}><x xmlns:xmlns="urn:x"/></input>"#),
            format!("\u{feff}\u{feff}<input {ns}/>"),
        ] {
            assert_eq!(verdict(body.as_bytes()), Verdict::Deserialization, "{body}");
        }
        // `<?xml` and a tab: a declaration to XML 1.0, a processing instruction to roxmltree.
        let body = format!("<?xml\tversion='1.0'?><input {ns}/>");
        let document = Document::parse(&body).unwrap();
        assert!(document.root().first_child().and_then(|n| n.pi()).is_some_and(|pi| pi.target == "xml"));
        assert_eq!(verdict(body.as_bytes()), Verdict::Accepted(Report::EMPTY));
        // Strict: the xml prefix is bound by definition.
        let body = format!(r#"<input {ns}><xml:a xmlns:xml="http://www.w3.org/XML/1998/namespace"/></input>"#);
        assert!(!parses(&body));
        assert_eq!(verdict(body.as_bytes()), Verdict::Accepted(Report::EMPTY));
    }
}
