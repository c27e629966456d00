//! The route oracle: docs/behaviour.md, section 1, written as segment comparisons, independently of
//! `mediadiag::route`, and the Online form's query read with `str::split` and the
//! `percent-encoding` crate, with the contract's rules on top, each marked `Rule Qn` and listed
//! in FUZZING.md:
//!
//! - Q1: every `%` starts an escape of two hex digits (either case), every other character is
//!   an RFC 3986 query character; the first problem from the left wins.
//! - Q2: a `+` in a value of the four parameters is refused; elsewhere it is a character.
//! - Q3: a value decodes (`percent_decode_str`) to non-empty UTF-8 text without control
//!   characters, within its bound (64, 320, 320, 32 bytes); checked in that order, the text's
//!   first problem in decoded order.
//! - Q4: names compare exactly and are not decoded; a piece of another name is ignored once it
//!   passes Q1.
//! - Q5: empty pieces are nothing; a name without `=` has an empty value.
//! - Q6: a parameter given again is refused once its value passed Q1 to Q3; a missing one is
//!   found at the end, in the order `callId`, `fromUri`, `toUri`, `mediaType`.

/// RFC 3986 `unreserved`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// `{applicationId}` and `{conversationId}`: 1 to 64 bytes of unreserved characters.
fn is_identifier(segment: &str) -> bool {
    (1..=64).contains(&segment.len()) && segment.bytes().all(is_unreserved)
}

/// The identifiers of `path` if it is the documented form under one of `prefixes` (first
/// match wins); its query is ignored.
pub fn matches<'a>(path: &'a str, prefixes: &[&str]) -> Option<(&'a str, &'a str)> {
    let path = path.split('?').next().unwrap_or_default();
    prefixes.iter().find_map(|prefix| match resource(path, &[prefix]) {
        Some(Href::Conversation(application, conversation)) => Some((application, conversation)),
        _ => None,
    })
}

/// What the oracle finds an href to be: docs/behaviour.md, section 1, both forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Href<'a> {
    /// The documented form: the application and conversation.
    Conversation(&'a str, &'a str),
    /// The Online form: the application, and the four values in the order `callId`,
    /// `fromUri`, `toUri`, `mediaType`, each as written and decoded.
    Call(&'a str, Values<'a>),
    /// The Online form's path with a query the contract refuses: the parameter's name (`None`
    /// for another name) and the kind, named as `QueryErrorKind` names it.
    Refused(Option<&'static str>, &'static str),
}

/// The four values, as written and decoded, in the order of [`PARAMETERS`].
type Values<'a> = [(&'a str, String); 4];

/// A refused query: the parameter's name (`None` for another name) and the kind.
type Refusal = (Option<&'static str>, &'static str);

/// The Online form's parameters and their bounds in decoded bytes (section 1.2, rules 1, 8).
const PARAMETERS: [(&str, usize); 4] = [("callId", 64), ("fromUri", 320), ("toUri", 320), ("mediaType", 32)];

/// Either form of the resource under one of `prefixes` (first match wins), or `None`.
pub fn resource<'a>(path_and_query: &'a str, prefixes: &[&str]) -> Option<Href<'a>> {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    for prefix in prefixes {
        let Some(rest) = path.strip_prefix(prefix) else { continue };
        let segments: Vec<&str> = rest.split('/').collect();
        match segments[..] {
            [
                "",
                "applications",
                application,
                "communication",
                "conversations",
                conversation,
                "audioVideo",
                "reportMediaDiagnostics",
            ] if is_identifier(application) && is_identifier(conversation) => {
                return Some(Href::Conversation(application, conversation));
            }
            ["", "applications", application, "communication", "callMediaDiagnostics"]
                if is_identifier(application) =>
            {
                return Some(match call_query(query.unwrap_or_default()) {
                    Ok(values) => Href::Call(application, values),
                    Err((name, kind)) => Href::Refused(name, kind),
                });
            }
            _ => {}
        }
    }
    None
}

/// RFC 3986 query characters, `%` aside, listed as its grammar lists them.
fn is_query_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~".contains(c) || "!$&'()*+,;=".contains(c) || ":@/?".contains(c)
}

/// Rules Q1 and Q2: every `%` starts an escape of two hex digits, every other character is a
/// query character, and `+` is refused where `plus` is false; the first problem wins.
fn check_raw(raw: &str, plus: bool) -> Result<(), &'static str> {
    let mut chars = raw.char_indices();
    while let Some((at, c)) = chars.next() {
        if c == '%' {
            let hex = raw.get(at + 1..at + 3).filter(|hex| hex.chars().all(|h| h.is_ascii_hexdigit()));
            if hex.is_none() {
                return Err("BadEscape");
            }
            chars.nth(1);
        } else if c == '+' && !plus {
            return Err("Plus");
        } else if !is_query_char(c) {
            return Err("InvalidCharacter");
        }
    }
    Ok(())
}

/// Rule Q3: the value decoded by `percent-encoding`, then non-empty, within its bound, and
/// UTF-8 text without control characters (the first problem in decoded order).
fn decoded(raw: &str, bound: usize) -> Result<String, &'static str> {
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(raw).collect();
    if bytes.is_empty() {
        return Err("Empty");
    }
    if bytes.len() > bound {
        return Err("TooLong");
    }
    let is_control = |c: char| c < ' ' || c == '\u{7f}';
    match std::str::from_utf8(&bytes) {
        Ok(text) if text.chars().any(is_control) => Err("ControlCharacter"),
        Ok(text) => Ok(text.to_owned()),
        Err(error) => {
            let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
            Err(if valid.chars().any(is_control) { "ControlCharacter" } else { "NotUtf8" })
        }
    }
}

/// The Online form's query (docs/behaviour.md, section 1.2), read with `str::split` and
/// `percent-encoding`, and Rules Q1 to Q6 applied on top.
fn call_query(query: &str) -> Result<Values<'_>, Refusal> {
    let mut values: [Option<(&str, String)>; 4] = Default::default();
    for piece in query.split('&') {
        // Rule Q5: empty pieces are nothing.
        if piece.is_empty() {
            continue;
        }
        let (name, raw) = piece.split_once('=').unwrap_or((piece, ""));
        // Rule Q4: names compare exactly; other names are ignored once well-formed.
        let Some(index) = PARAMETERS.iter().position(|&(known, _)| known == name) else {
            check_raw(piece, true).map_err(|kind| (None, kind))?;
            continue;
        };
        let (known, bound) = PARAMETERS[index];
        let refused = |kind| (Some(known), kind);
        check_raw(raw, false).map_err(refused)?;
        let text = decoded(raw, bound).map_err(refused)?;
        // Rule Q6: a repeat is refused once its value proved fine; missing ones at the end.
        if values[index].is_some() {
            return Err(refused("Repeated"));
        }
        values[index] = Some((raw, text));
    }
    let mut found = Vec::new();
    for (value, (name, _)) in values.into_iter().zip(PARAMETERS) {
        found.push(value.ok_or((Some(name), "Missing"))?);
    }
    Ok(found.try_into().expect("four values"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPTURED: &str = "/ucwa/oauth/v1/applications/10672188129/communication/callMediaDiagnostics?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net&mediaType=Audio&toUri=sip%3adele%40traderlynk.com";

    #[test]
    fn the_oracle_reads_the_captured_href_and_the_rules() {
        let Some(Href::Call(application, values)) = resource(CAPTURED, &["/ucwa/oauth/v1"]) else { panic!() };
        assert_eq!(application, "10672188129");
        assert_eq!(values[1], ("sip%3adele%40olajide.net", "sip:dele@olajide.net".to_owned()));
        assert_eq!(values[3].1, "Audio");
        let refused = |query: &str| call_query(query).unwrap_err();
        assert_eq!(refused("callId=%G1"), (Some("callId"), "BadEscape"));
        assert_eq!(refused("callId=a+b"), (Some("callId"), "Plus"));
        assert_eq!(refused("x=a b"), (None, "InvalidCharacter"));
        assert_eq!(refused("callId=%00%FF"), (Some("callId"), "ControlCharacter"));
        assert_eq!(refused("callId=%FF%00"), (Some("callId"), "NotUtf8"));
        assert_eq!(refused("callId=a&callId=b"), (Some("callId"), "Repeated"));
        assert_eq!(refused("&&callId=a&x=+&fromUri=b"), (Some("toUri"), "Missing"));
        assert_eq!(refused(&format!("mediaType={}", "a".repeat(33))), (Some("mediaType"), "TooLong"));
        assert_eq!(resource("/ucwa/v1/applications/1/communication/callMediaDiagnostics/", &["/ucwa/v1"]), None);
    }
}
