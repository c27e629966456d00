//! The peers: the same job (body bytes in, typed report or refusal out) done with
//! serde_json, serde-json-core and quick-xml, as a user of those libraries would write it.
//! Enum names are validated with mediadiag's own table, so only the parsing differs.

use mediadiag::{ErrorCode, ErrorSubcode, Report};
use serde::Deserialize;

/// The body as serde derive sees it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OwnedBody {
    error_code: Option<String>,
    error_subcode: Option<String>,
}

/// The body with borrowed strings, for serde-json-core.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BorrowedBody<'a> {
    error_code: Option<&'a str>,
    error_subcode: Option<&'a str>,
}

/// Validates the two names by hand.
fn typed(code: Option<&str>, subcode: Option<&str>) -> Option<Report> {
    let error_code = match code {
        Some(name) => Some(name.parse::<ErrorCode>().ok()?),
        None => None,
    };
    let error_subcode = match subcode {
        Some(name) => Some(name.parse::<ErrorSubcode>().ok()?),
        None => None,
    };
    Some(Report { error_code, error_subcode })
}

/// serde_json with derive (allocating `String`s).
pub fn serde_json(body: &[u8]) -> Option<Report> {
    let body: OwnedBody = serde_json::from_slice(body).ok()?;
    typed(body.error_code.as_deref(), body.error_subcode.as_deref())
}

/// serde-json-core with derive (borrowing, no allocation).
pub fn serde_json_core(body: &[u8]) -> Option<Report> {
    let (body, _): (BorrowedBody<'_>, usize) = serde_json_core::from_slice(body).ok()?;
    typed(body.error_code, body.error_subcode)
}

/// `<input>` as quick-xml's serde support sees it.
#[derive(Deserialize)]
struct XmlInput {
    #[serde(rename = "property", default)]
    properties: Vec<XmlProperty>,
}

#[derive(Deserialize)]
struct XmlProperty {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "$text", default)]
    value: String,
}

fn from_properties<'a>(properties: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Report> {
    let (mut code, mut subcode) = (None, None);
    for (name, value) in properties {
        match name {
            "errorCode" => code = Some(value),
            "errorSubcode" => subcode = Some(value),
            _ => {}
        }
    }
    typed(code.map(str::trim), subcode.map(str::trim))
}

/// quick-xml with serde derive.
pub fn quick_xml_serde(body: &[u8]) -> Option<Report> {
    let text = std::str::from_utf8(body).ok()?;
    let input: XmlInput = quick_xml::de::from_str(text).ok()?;
    from_properties(input.properties.iter().map(|p| (p.name.as_str(), p.value.as_str())))
}

/// quick-xml's event `Reader`, by hand.
pub fn quick_xml_events(body: &[u8]) -> Option<Report> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(body).ok()?;
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut code, mut subcode) = (None, None);
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) if start.local_name().as_ref() == "property" => {
                current =
                    start.attributes().flatten().find(|a| a.key.as_ref() == "name").and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned())
                    });
            }
            Event::Text(text) => {
                if let Some(name) = current.take() {
                    let value = text.xml10_content().trim().to_owned();
                    match name.as_str() {
                        "errorCode" => code = Some(value),
                        "errorSubcode" => subcode = Some(value),
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    typed(code.as_deref(), subcode.as_deref())
}
