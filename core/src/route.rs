//! The resource path (docs/behaviour.md, section 1): which requests are reportMediaDiagnostics
//! requests.

/// The prefixes UCWA serves under: on-premises and online (OAuth) deployments.
pub const DEFAULT_PREFIXES: [&str; 2] = ["/ucwa/v1", "/ucwa/oauth/v1"];

/// Longest accepted `applicationId` or `conversationId`, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// The two identifiers of a matched path, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Target<'a> {
    /// The `{applicationId}` segment.
    pub application_id: &'a str,
    /// The `{conversationId}` segment.
    pub conversation_id: &'a str,
}

/// Matches `{prefix}/applications/{applicationId}/communication/conversations/{conversationId}/audioVideo/reportMediaDiagnostics`.
///
/// Segments compare case-sensitively; identifiers are 1 to [`MAX_ID_LEN`] bytes of RFC 3986
/// unreserved characters; a query string is ignored. Anything else is not a match.
///
/// ```
/// use mediadiag::route::{DEFAULT_PREFIXES, match_path};
///
/// let path = "/ucwa/v1/applications/192/communication/conversations/137/audioVideo/reportMediaDiagnostics";
/// let target = match_path(path, &DEFAULT_PREFIXES).unwrap();
/// assert_eq!((target.application_id, target.conversation_id), ("192", "137"));
/// assert!(match_path("/ucwa/v1/applications/192", &DEFAULT_PREFIXES).is_none());
/// ```
pub fn match_path<'a>(path: &'a str, prefixes: &[&str]) -> Option<Target<'a>> {
    let path = path.split_once('?').map_or(path, |(path, _query)| path);
    prefixes.iter().find_map(|prefix| {
        let rest = path.strip_prefix(prefix)?.strip_prefix("/applications/")?;
        let (application_id, rest) = identifier(rest)?;
        let rest = rest.strip_prefix("/communication/conversations/")?;
        let (conversation_id, rest) = identifier(rest)?;
        (rest == "/audioVideo/reportMediaDiagnostics").then_some(Target { application_id, conversation_id })
    })
}

/// Splits a leading identifier segment off `rest`.
fn identifier(rest: &str) -> Option<(&str, &str)> {
    let end = rest.find('/').unwrap_or(rest.len());
    let (id, rest) = rest.split_at_checked(end)?;
    let valid = (1..=MAX_ID_LEN).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    valid.then_some((id, rest))
}
