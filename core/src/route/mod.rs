//! The resource path (docs/behaviour.md, section 1): which requests are reportMediaDiagnostics
//! requests.

use core::ops::Range;

/// The prefixes UCWA serves under: on-premises and online (OAuth) deployments.
pub const DEFAULT_PREFIXES: [&str; 2] = ["/ucwa/v1", "/ucwa/oauth/v1"];

/// Longest accepted `applicationId` or `conversationId`, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// The two identifiers of a matched path: where they are in it, and the text.
///
/// The byte ranges let a server keep the identifiers after it has moved the path elsewhere
/// (into a request it hands on), and slice them again without a second match.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target<'a> {
    path: &'a str,
    application_id: Range<usize>,
    conversation_id: Range<usize>,
}

impl<'a> Target<'a> {
    /// The `{applicationId}` segment.
    pub fn application_id(&self) -> &'a str {
        self.path.get(self.application_id.clone()).unwrap_or_default()
    }

    /// The `{conversationId}` segment.
    pub fn conversation_id(&self) -> &'a str {
        self.path.get(self.conversation_id.clone()).unwrap_or_default()
    }

    /// Where the `{applicationId}` segment is in the path, in bytes.
    pub fn application_id_range(&self) -> Range<usize> {
        self.application_id.clone()
    }

    /// Where the `{conversationId}` segment is in the path, in bytes.
    pub fn conversation_id_range(&self) -> Range<usize> {
        self.conversation_id.clone()
    }
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
/// assert_eq!((target.application_id(), target.conversation_id()), ("192", "137"));
/// assert_eq!(&path[target.conversation_id_range()], "137");
/// assert!(match_path("/ucwa/v1/applications/192", &DEFAULT_PREFIXES).is_none());
/// ```
pub fn match_path<'a>(path: &'a str, prefixes: &[&str]) -> Option<Target<'a>> {
    let resource = path.split_once('?').map_or(path, |(resource, _query)| resource);
    prefixes.iter().find_map(|prefix| {
        let rest = resource.strip_prefix(prefix)?.strip_prefix("/applications/")?;
        let application_start = resource.len() - rest.len();
        let (application_len, rest) = identifier(rest)?;
        let rest = rest.strip_prefix("/communication/conversations/")?;
        let conversation_start = resource.len() - rest.len();
        let (conversation_len, rest) = identifier(rest)?;
        (rest == "/audioVideo/reportMediaDiagnostics").then(|| Target {
            path,
            application_id: application_start..application_start + application_len,
            conversation_id: conversation_start..conversation_start + conversation_len,
        })
    })
}

/// Splits a leading identifier segment off `rest`: its length, and what follows it.
fn identifier(rest: &str) -> Option<(usize, &str)> {
    let end = rest.find('/').unwrap_or(rest.len());
    let (id, rest) = rest.split_at_checked(end)?;
    let valid = (1..=MAX_ID_LEN).contains(&id.len()) && id.bytes().all(is_unreserved);
    valid.then_some((id.len(), rest))
}

/// RFC 3986 `unreserved`: `ALPHA / DIGIT / "-" / "." / "_" / "~"`.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}
