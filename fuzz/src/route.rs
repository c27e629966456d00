//! The route oracle: docs/behaviour.md, section 1, written as segment comparisons, independently of
//! `mediadiag::route::match_path`.

/// RFC 3986 `unreserved`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// `{applicationId}` and `{conversationId}`: 1 to 64 bytes of unreserved characters.
fn is_identifier(segment: &str) -> bool {
    (1..=64).contains(&segment.len()) && segment.bytes().all(is_unreserved)
}

/// The identifiers of `path` if it is the resource under one of `prefixes` (first match wins).
pub fn matches<'a>(path: &'a str, prefixes: &[&str]) -> Option<(&'a str, &'a str)> {
    // The query string is ignored.
    let path = path.split('?').next().unwrap_or_default();
    for prefix in prefixes {
        let Some(rest) = path.strip_prefix(prefix) else { continue };
        let segments: Vec<&str> = rest.split('/').collect();
        if let [
            "",
            "applications",
            application,
            "communication",
            "conversations",
            conversation,
            "audioVideo",
            "reportMediaDiagnostics",
        ] = segments[..]
            && is_identifier(application)
            && is_identifier(conversation)
        {
            return Some((application, conversation));
        }
    }
    None
}
