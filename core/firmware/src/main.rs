//! Reference firmware: the mediadiag core on an emulated Cortex-M4 desk phone.
//!
//! Runs under QEMU (`mps2-an386`) and reports over semihosting:
//!
//! 1. decodes the two example bodies of the UCWA reportMediaDiagnostics page, as printed;
//! 2. encodes reports in JSON and XML into stack buffers and decodes them back, for every
//!    code and subcode (and their absence);
//! 3. decodes malformed bodies and checks each verdict (subcode, kind, offset, property);
//! 4. decodes the worst inputs found for stack use (deep nesting, many namespaces and
//!    attributes, long bodies).
//! 5. the phone's side (`phone.rs`): writes the requests of seven reports (the last to an href
//!    of the Online form) and prints their bytes as `request <hex>` lines, refuses an Online
//!    href whose query the server would refuse, reads the service's answers and checks the
//!    advice.
//!
//! Every decode and encode runs under [`stack::measure`], which paints the free stack before
//! the call and finds the high-water mark after it. The firmware prints the peaks as
//! `FOOTPRINT` lines for `run.sh`, then exits with `EXIT_SUCCESS` only if every check passed.

#![no_std]
#![no_main]

mod body;
mod phone;
mod stack;

use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use mediadiag::{DecodeError, DecodeErrorKind as Kind, EncodeError, ErrorCode, ErrorSubcode, Property, Report};

use crate::body::Body;

/// The JSON request body of the resource page, as printed there (LF line ends).
const SEED_JSON: &[u8] = b"{\n  \"errorCode\" : \"BadRequest\",\n  \"errorSubcode\" : \"InviteesOnly\"\n}";

/// The XML request body of the resource page, as printed there (LF line ends).
const SEED_XML: &[u8] = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\n  \
<property name=\"errorCode\">TooManyRequests</property>\n  \
<property name=\"errorSubcode\">MediaNegotiationFailure</property>\n\
</input>";

/// The UCWA root start tag used by the XML cases (61 bytes).
const ROOT: &str = "<input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">";

const DESERIALIZATION: ErrorSubcode = ErrorSubcode::DeserializationFailure;
const VALIDATION: ErrorSubcode = ErrorSubcode::ParameterValidationFailure;

/// A decoder as a plain function pointer, so it can be hidden from the optimizer.
type Decoder = fn(&[u8]) -> Result<Report, DecodeError>;

/// An encoder as a plain function pointer.
type Encoder = fn(&Report, &mut [u8]) -> Result<usize, EncodeError>;

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json = 0,
    Xml = 1,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
        }
    }

    fn decoder(self) -> Decoder {
        match self {
            Format::Json => Report::from_json,
            Format::Xml => Report::from_xml,
        }
    }

    fn encoder(self) -> Encoder {
        match self {
            Format::Json => Report::to_json,
            Format::Xml => Report::to_xml,
        }
    }
}

/// The largest stack use seen, and what caused it.
#[derive(Clone, Copy)]
struct Peak {
    bytes: usize,
    case: &'static str,
}

impl Peak {
    const NONE: Peak = Peak { bytes: 0, case: "-" };

    fn update(&mut self, bytes: usize, case: &'static str) {
        if bytes > self.bytes {
            *self = Peak { bytes, case };
        }
    }
}

/// Counts checks, prints failures, and keeps the stack peaks.
struct Run {
    passed: u32,
    failed: u32,
    /// Decode and encode peaks, JSON then XML.
    decode_peak: [Peak; 2],
    encode_peak: [Peak; 2],
    window_overflowed: bool,
}

impl Run {
    fn check(&mut self, ok: bool, format: Format, case: &str) -> bool {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            hprintln!("FAIL {} {}", format.name(), case);
        }
        ok
    }

    /// Decodes `body` under stack measurement.
    fn decode(&mut self, format: Format, case: &'static str, body: &[u8]) -> Result<Report, DecodeError> {
        let decoder = black_box(format.decoder());
        let measured = stack::measure(|| decoder(black_box(body)));
        self.window_overflowed |= measured.overflowed;
        self.decode_peak[format as usize].update(measured.bytes, case);
        measured.value
    }

    /// Encodes `report` into `out` under stack measurement.
    fn encode(
        &mut self,
        format: Format,
        case: &'static str,
        report: &Report,
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        let encoder = black_box(format.encoder());
        let measured = stack::measure(|| encoder(black_box(report), out));
        self.window_overflowed |= measured.overflowed;
        self.encode_peak[format as usize].update(measured.bytes, case);
        measured.value
    }

    /// Expects `body` to decode to `expected`.
    fn accepts(&mut self, format: Format, case: &'static str, body: &[u8], expected: Report) {
        let got = self.decode(format, case, body);
        if self.check(got == Ok(expected), format, case) {
            hprintln!("ok   {} {}: {:?} {:?}", format.name(), case, expected.error_code, expected.error_subcode);
        } else {
            hprintln!("     expected {:?}, got {:?}", expected, got);
        }
    }

    /// Expects `body` to be refused with this subcode, kind, offset and property.
    #[allow(clippy::too_many_arguments)]
    fn refuses(
        &mut self,
        format: Format,
        case: &'static str,
        body: &[u8],
        subcode: ErrorSubcode,
        kind: Kind,
        offset: usize,
        property: Option<Property>,
    ) {
        let got = self.decode(format, case, body);
        let ok = match got {
            Err(e) => e.subcode() == subcode && e.kind() == kind && e.offset() == offset && e.property() == property,
            Ok(_) => false,
        };
        if self.check(ok, format, case) {
            hprintln!("ok   {} {}: {} {:?} at {}", format.name(), case, subcode, kind, offset);
        } else {
            hprintln!("     expected {} {:?} at {} {:?}, got {:?}", subcode, kind, offset, property, got);
        }
    }
}

/// Reports a panic (a bug in a check, or in the core) over semihosting and fails the run.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("FAIL panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}

#[entry]
fn main() -> ! {
    hprintln!("mediadiag firmware: Cortex-M4, semihosting");
    let mut run = Run {
        passed: 0,
        failed: 0,
        decode_peak: [Peak::NONE; 2],
        encode_peak: [Peak::NONE; 2],
        window_overflowed: false,
    };
    let mut body = Body::new();

    seeds(&mut run, &mut body);
    encoders(&mut run);
    round_trips(&mut run);
    malformed(&mut run, &mut body);
    worst_cases(&mut run, &mut body);
    let phone = phone::run(&mut run);

    for format in [Format::Json, Format::Xml] {
        let d = run.decode_peak[format as usize];
        let e = run.encode_peak[format as usize];
        hprintln!(
            "stack: {} decode peak {} bytes ({}), encode peak {} bytes ({})",
            format.name(),
            d.bytes,
            d.case,
            e.bytes,
            e.case
        );
        hprintln!("FOOTPRINT {}_decode_stack={}", format.name(), d.bytes);
        hprintln!("FOOTPRINT {}_encode_stack={}", format.name(), e.bytes);
    }
    for (peak, name) in phone.0.iter().zip(["request", "response", "reason_json", "reason_xml"]) {
        hprintln!("stack: phone {} peak {} bytes ({})", name, peak.bytes, peak.case);
        hprintln!("FOOTPRINT phone_{}_stack={}", name, peak.bytes);
    }
    if run.window_overflowed {
        hprintln!("FAIL a call used the whole {}-byte measurement window: the peaks are lower bounds", stack::WINDOW);
        run.failed += 1;
    }
    hprintln!("firmware: {} passed, {} failed", run.passed, run.failed);
    debug::exit(if run.failed == 0 { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}

/// The resource page's examples, and the same bodies with CR LF line ends and a byte order mark.
fn seeds(run: &mut Run, body: &mut Body) {
    let json = Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly);
    let xml = Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure);
    run.accepts(Format::Json, "resource page example", SEED_JSON, json);
    run.accepts(Format::Xml, "resource page example", SEED_XML, xml);
    for (format, seed, report) in [(Format::Json, SEED_JSON, json), (Format::Xml, SEED_XML, xml)] {
        body.clear();
        for &b in seed {
            if b == b'\n' {
                body.push(b"\r\n");
            } else {
                body.push(&[b]);
            }
        }
        run.accepts(format, "resource page example, CR LF", body.as_bytes(), report);
        body.clear().push(b"\xEF\xBB\xBF").push(seed);
        run.accepts(format, "resource page example, BOM", body.as_bytes(), report);
    }
}

/// Exact output of both encoders, and their refusal of a short buffer.
fn encoders(run: &mut Run) {
    let cases: [(Format, Report, &[u8]); 4] = [
        (
            Format::Json,
            Report::new(ErrorCode::BadRequest, ErrorSubcode::InviteesOnly),
            br#"{"errorCode":"BadRequest","errorSubcode":"InviteesOnly"}"#,
        ),
        (Format::Json, Report::EMPTY, b"{}"),
        (
            Format::Xml,
            Report::new(ErrorCode::TooManyRequests, ErrorSubcode::MediaNegotiationFailure),
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?><input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\
<property name=\"errorCode\">TooManyRequests</property><property name=\"errorSubcode\">MediaNegotiationFailure</property></input>",
        ),
        (
            Format::Xml,
            Report { error_code: None, error_subcode: Some(ErrorSubcode::Busy) },
            b"<?xml version=\"1.0\" encoding=\"utf-8\"?><input xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\">\
<property name=\"errorSubcode\">Busy</property></input>",
        ),
    ];
    let mut buf = [0u8; Report::XML_MAX_LEN];
    for (format, report, expected) in cases {
        let written = run.encode(format, "exact output", &report, &mut buf);
        let ok = written.is_ok_and(|len| buf.get(..len) == Some(expected));
        if run.check(ok, format, "exact output") {
            hprintln!(
                "ok   {} encodes {:?} {:?} exactly ({} bytes)",
                format.name(),
                report.error_code,
                report.error_subcode,
                expected.len()
            );
        }
        let short = run.encode(format, "short buffer", &report, &mut buf[..expected.len() - 1]);
        run.check(short == Err(EncodeError::BufferTooSmall), format, "one byte short is BufferTooSmall");
    }
    // The longest names fill a *_MAX_LEN buffer exactly.
    let longest = Report::new(ErrorCode::ExchangeServiceFailure, ErrorSubcode::InvalidExchangeServerVersion);
    for (format, max) in [(Format::Json, Report::JSON_MAX_LEN), (Format::Xml, Report::XML_MAX_LEN)] {
        let written = run.encode(format, "longest names", &longest, &mut buf[..max]);
        if run.check(written == Ok(max), format, "longest names fill *_MAX_LEN") {
            hprintln!("ok   {} longest report is {} bytes, the MAX_LEN constant", format.name(), max);
        }
    }
}

/// Every code (and none) with every subcode (and none), through both encodings and back.
fn round_trips(run: &mut Run) {
    let codes = core::iter::once(None).chain(ErrorCode::ALL.into_iter().map(Some));
    let mut count = 0;
    let mut failed = 0;
    for error_code in codes {
        let subcodes = core::iter::once(None).chain(ErrorSubcode::ALL.into_iter().map(Some));
        for error_subcode in subcodes {
            let report = Report { error_code, error_subcode };
            let mut json = [0u8; Report::JSON_MAX_LEN];
            let mut xml = [0u8; Report::XML_MAX_LEN];
            for (format, out) in [(Format::Json, &mut json[..]), (Format::Xml, &mut xml[..])] {
                count += 1;
                let back = match run.encode(format, "round trip", &report, out) {
                    Ok(len) => run.decode(format, "round trip", &out[..len]),
                    Err(e) => {
                        failed += 1;
                        run.check(false, format, "round trip");
                        hprintln!("     {:?} did not encode: {:?}", report, e);
                        continue;
                    }
                };
                if back != Ok(report) {
                    failed += 1;
                    run.check(false, format, "round trip");
                    hprintln!("     {:?} came back as {:?}", report, back);
                }
            }
        }
    }
    run.passed += count - failed;
    hprintln!("ok   json+xml round trips: {} of {} reports came back equal", count - failed, count);
}

/// Bodies that must be refused, with the verdict docs/behaviour.md (section 4) gives them.
fn malformed(run: &mut Run, body: &mut Body) {
    use Format::{Json, Xml};
    let code = Some(Property::ErrorCode);
    let subcode = Some(Property::ErrorSubcode);

    run.refuses(Json, "empty body", b"", DESERIALIZATION, Kind::Empty, 0, None);
    run.refuses(Json, "invalid UTF-8", b"{\"errorCode\":\"Gone\xff\"}", DESERIALIZATION, Kind::InvalidUtf8, 18, None);
    run.refuses(Json, "trailing comma", br#"{"errorCode":"Gone",}"#, DESERIALIZATION, Kind::UnexpectedByte, 20, None);
    run.refuses(Json, "comment", b"{/* */}", DESERIALIZATION, Kind::UnexpectedByte, 1, None);
    run.refuses(Json, "root is an array", br#"["errorCode"]"#, DESERIALIZATION, Kind::RootNotObject, 0, None);
    run.refuses(Json, "content after the root", b"{} x", DESERIALIZATION, Kind::TrailingContent, 3, None);
    run.refuses(
        Json,
        "raw tab in a string",
        b"{\"errorCode\":\"Go\tne\"}",
        DESERIALIZATION,
        Kind::ControlCharacter,
        16,
        None,
    );
    run.refuses(Json, "invalid escape", br#"{"errorCode":"\x41"}"#, DESERIALIZATION, Kind::InvalidEscape, 14, None);
    run.refuses(Json, "lone surrogate", br#"{"errorCode":"\ud800"}"#, DESERIALIZATION, Kind::LoneSurrogate, 14, None);
    json_nesting(body, 40);
    // The opening brace of level 33 is refused: `{"errorCode":"Gone",` then 5 bytes a level.
    run.refuses(Json, "40 levels of nesting", body.as_bytes(), DESERIALIZATION, Kind::TooDeep, 24 + 31 * 5, None);
    run.refuses(Json, "unknown value", br#"{"errorCode":"NotACode"}"#, VALIDATION, Kind::UnknownValue, 13, code);
    run.refuses(Json, "number value", br#"{"errorCode":400}"#, VALIDATION, Kind::NotAString, 13, code);
    run.refuses(
        Json,
        "duplicate property",
        br#"{"errorCode":"Gone","ErrorCode":"Gone"}"#,
        VALIDATION,
        Kind::DuplicateProperty,
        20,
        code,
    );
    // A syntax error anywhere wins over an invalid value before it.
    run.refuses(
        Json,
        "unknown value, then a syntax error",
        br#"{"errorCode":"Nope",}"#,
        DESERIALIZATION,
        Kind::UnexpectedByte,
        20,
        None,
    );

    run.refuses(Xml, "empty body", b"", DESERIALIZATION, Kind::Empty, 0, None);
    body.clear().push(ROOT.as_bytes()).push(b"<property name=\"errorCode\">Gone\xff</property></input>");
    run.refuses(Xml, "invalid UTF-8", body.as_bytes(), DESERIALIZATION, Kind::InvalidUtf8, 92, None);
    body.clear().push(b"<!DOCTYPE input>").push(ROOT.as_bytes()).push(b"</input>");
    run.refuses(Xml, "DOCTYPE", body.as_bytes(), DESERIALIZATION, Kind::Doctype, 0, None);
    body.clear().push(b"<!DOCTYPE input [<!ENTITY a \"aaaaaaaaaa\">]>").push(ROOT.as_bytes()).push(b"&a;</input>");
    run.refuses(Xml, "DOCTYPE with an entity", body.as_bytes(), DESERIALIZATION, Kind::Doctype, 0, None);
    xml_doc(body, "<property name=\"errorCode\">Gone</input>");
    run.refuses(Xml, "mismatched tag", body.as_bytes(), DESERIALIZATION, Kind::MismatchedTag, 92, None);
    xml_nesting(body, 40, 0);
    // The start tag of level 33 is refused: the root, its 42-byte property, then `<a>` a level.
    run.refuses(Xml, "40 levels of nesting", body.as_bytes(), DESERIALIZATION, Kind::TooDeep, 61 + 42 + 31 * 3, None);
    run.refuses(
        Xml,
        "another namespace",
        b"<input xmlns=\"urn:example\"/>",
        DESERIALIZATION,
        Kind::WrongNamespace,
        0,
        None,
    );
    run.refuses(Xml, "undeclared prefix", b"<u:input/>", DESERIALIZATION, Kind::UndeclaredPrefix, 1, None);
    run.refuses(
        Xml,
        "declared encoding not UTF-8",
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><input/>",
        DESERIALIZATION,
        Kind::UnsupportedEncoding,
        29,
        None,
    );
    xml_doc(body, "<property name=\"errorCode\">&gone;</property>");
    run.refuses(Xml, "unknown entity", body.as_bytes(), DESERIALIZATION, Kind::InvalidReference, 88, None);
    xml_doc(body, "<property name=\"errorCode\" name=\"x\">Gone</property>");
    run.refuses(Xml, "duplicate attribute", body.as_bytes(), DESERIALIZATION, Kind::DuplicateAttribute, 88, None);
    xml_doc(body, "<property name=\"errorCode\">Go\u{1}ne</property>");
    run.refuses(Xml, "control character", body.as_bytes(), DESERIALIZATION, Kind::InvalidXmlChar, 90, None);
    xml_doc(body, "");
    body.push(b"x");
    run.refuses(Xml, "text after the root", body.as_bytes(), DESERIALIZATION, Kind::TrailingContent, 69, None);
    body.clear().push(ROOT.as_bytes()).push(b"<p");
    for i in 0..17 {
        body.push(b" a").number(i).push(b"=\"\"");
    }
    body.push(b"/></input>");
    // The 17th attribute is refused: `<p`, ten ` aN=""` of 6 bytes, six ` aNN=""` of 7, a space.
    run.refuses(
        Xml,
        "17 attributes",
        body.as_bytes(),
        DESERIALIZATION,
        Kind::TooManyAttributes,
        61 + 2 + 60 + 42 + 1,
        None,
    );
    xml_doc(body, "<property name=\"errorSubcode\">Nope</property>");
    run.refuses(Xml, "unknown value", body.as_bytes(), VALIDATION, Kind::UnknownValue, 61, subcode);
    xml_doc(body, "<property name=\"errorCode\">Gone</property><property name=\"ErrorCode\">Gone</property>");
    run.refuses(Xml, "duplicate property", body.as_bytes(), VALIDATION, Kind::DuplicateProperty, 103, code);
    xml_doc(body, "<property name=\"errorCode\"><b>Gone</b></property>");
    run.refuses(Xml, "element inside a value", body.as_bytes(), VALIDATION, Kind::NotAString, 61, code);
}

/// The worst inputs found for stack use; each must still get the right verdict.
fn worst_cases(run: &mut Run, body: &mut Body) {
    use Format::{Json, Xml};
    let gone = Report { error_code: Some(ErrorCode::Gone), error_subcode: None };

    // JSON: 32 levels (the most accepted) of objects, and of arrays, around errorCode.
    json_nesting(body, 32);
    run.accepts(Json, "32 levels of objects", body.as_bytes(), gone);
    body.clear().push(br#"{"errorCode":"Gone","x":"#).repeat(b"[", 31).repeat(b"]", 31).push(b"}");
    run.accepts(Json, "31 levels of arrays in a member", body.as_bytes(), gone);
    // JSON: a 4 KiB body of unknown members full of escapes, numbers and literals.
    body.clear().push(br#"{"errorCode":"\u0047\u006f\u006e\u0065""#);
    while body.room() > 80 {
        body.push(br#","k\ud83d\ude00\n":[-1.5e+10,true,null,"\"\\\/\b\f\r\t",{}]"#);
    }
    body.push(b"}");
    run.accepts(Json, "4 KiB of escapes and unknown members", body.as_bytes(), gone);

    // XML: 32 levels, each declaring a namespace (32 bindings in scope at the deepest).
    xml_nesting(body, 32, 31);
    run.accepts(Xml, "32 levels, 32 namespaces in scope", body.as_bytes(), gone);
    // XML: 16 attributes on the root (namespaces and prefixed attributes, checked pairwise).
    body.clear().push(b"<u:input xmlns:u=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"");
    for i in 0..7 {
        body.push(b" xmlns:p").number(i).push(b"=\"urn:example:").number(i).push(b"\"");
    }
    for i in 0..8 {
        body.push(b" p").number(i % 7).push(b":a").number(i).push(b"=\"&amp;&#x41;\"");
    }
    body.push(b"><u:property name=\"errorCode\"> <![CDATA[Go]]>&#110;e <!-- c --><?pi x?></u:property></u:input>");
    run.accepts(Xml, "16 attributes, prefixed, on the root", body.as_bytes(), gone);
    // XML: a 4 KiB body of comments, CDATA, processing instructions and references.
    body.clear().push(ROOT.as_bytes()).push(b"<property name=\"errorCode\">Gone</property>");
    while body.room() > 120 {
        body.push(b"<!-- comment --><x:y xmlns:x=\"urn:x\" a=\"&lt;&#233;\"><![CDATA[<>&]]>&amp;<?pi data?></x:y>");
    }
    body.push(b"</input>");
    run.accepts(Xml, "4 KiB of markup", body.as_bytes(), gone);
}

/// `n` levels of JSON objects: `{"a":{"a":...{"errorCode":"Gone"}...}}`, errorCode at the root
/// when `n` is 1, else in the innermost object (ignored there) and at the root.
fn json_nesting(body: &mut Body, n: usize) {
    body.clear().push(br#"{"errorCode":"Gone","#).repeat(br#""a":{"#, n - 2).push(br#""a":{}"#).repeat(b"}", n - 1);
}

/// The UCWA root around `inner`.
fn xml_doc(body: &mut Body, inner: &str) {
    body.clear().push(ROOT.as_bytes()).push(inner.as_bytes()).push(b"</input>");
}

/// `n` levels of XML elements: the UCWA root holding errorCode, then `n - 1` nested `<a>`;
/// the first `namespaces` of them declare a prefix each.
fn xml_nesting(body: &mut Body, n: usize, namespaces: usize) {
    body.clear().push(ROOT.as_bytes()).push(b"<property name=\"errorCode\">Gone</property>");
    for i in 0..n - 1 {
        if i < namespaces {
            body.push(b"<a xmlns:n").number(i).push(b"=\"urn:n\">");
        } else {
            body.push(b"<a>");
        }
    }
    body.repeat(b"</a>", n - 1).push(b"</input>");
}
