//! The resource (docs/behaviour.md, section 1): which requests are reportMediaDiagnostics
//! requests, in either of the two forms of its href, and what the href names.
//!
//! - The documented form,
//!   `{prefix}/applications/{applicationId}/communication/conversations/{conversationId}/audioVideo/reportMediaDiagnostics`,
//!   whose query is ignored: [`match_path`], [`Target`].
//! - The form Skype for Business Online advertised,
//!   `{prefix}/applications/{applicationId}/communication/callMediaDiagnostics?callId=…&fromUri=…&mediaType=…&toUri=…`,
//!   whose query names the call: [`CallTarget`], its values [`Escaped`].
//!
//! [`match_resource`] matches both.

mod call;
mod chars;
mod escaped;
mod modality;
mod query;

use core::ops::Range;

use crate::cursor::Span;

pub use self::call::CallTarget;
pub(crate) use self::chars::{is_query_char, is_sub_delim, is_unreserved};
pub use self::escaped::{Decoded, Escaped};
pub use self::modality::Modality;
pub(crate) use self::query::parse as parse_query;
pub use self::query::{MAX_CALL_ID_LEN, MAX_MEDIA_TYPE_LEN, MAX_URI_LEN, QueryError, QueryErrorKind, QueryParameter};

/// The prefixes UCWA serves under: on-premises and online (OAuth) deployments.
pub const DEFAULT_PREFIXES: [&str; 2] = ["/ucwa/v1", "/ucwa/oauth/v1"];

/// Longest accepted `applicationId` or `conversationId`, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// The two identifiers of a matched path of the documented form: where they are in it, and
/// the text.
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

/// A matched href, in either form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Resource<'a> {
    /// The documented form, with a conversation.
    Conversation(Target<'a>),
    /// The form Skype for Business Online advertised, with a call.
    Call(CallTarget<'a>),
}

impl<'a> Resource<'a> {
    /// The `{applicationId}` segment.
    pub fn application_id(&self) -> &'a str {
        match self {
            Resource::Conversation(target) => target.application_id(),
            Resource::Call(target) => target.application_id(),
        }
    }

    /// Where the `{applicationId}` segment is, in bytes.
    pub fn application_id_range(&self) -> Range<usize> {
        match self {
            Resource::Conversation(target) => target.application_id_range(),
            Resource::Call(target) => target.application_id_range(),
        }
    }
}

/// Matches `{prefix}/applications/{applicationId}/communication/conversations/{conversationId}/audioVideo/reportMediaDiagnostics`.
///
/// Segments compare case-sensitively; identifiers are 1 to [`MAX_ID_LEN`] bytes of RFC 3986
/// unreserved characters; a query string is ignored. Anything else is not a match, the Online
/// form included ([`match_resource`] matches both forms).
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
    match match_resource(path, prefixes) {
        Some(Ok(Resource::Conversation(target))) => Some(target),
        _ => None,
    }
}

/// Matches either form of the resource's href (docs/behaviour.md, section 1) in a request's
/// path and query (the origin-form request target).
///
/// - `None`: not this resource; the request is not for this service.
/// - `Some(Ok(_))`: the resource, and what its href names.
/// - `Some(Err(_))`: the path is `{prefix}/applications/{applicationId}/communication/callMediaDiagnostics`
///   but its query breaks the rules of section 1.2; a server answers it with
///   [`Fault::from_query_error`](crate::Fault::from_query_error).
///
/// Segments compare case-sensitively, and `{applicationId}` (and the documented form's
/// `{conversationId}`) is 1 to [`MAX_ID_LEN`] bytes of RFC 3986 unreserved characters, under
/// one of `prefixes`. The documented form ignores its query.
///
/// ```
/// use mediadiag::route::{DEFAULT_PREFIXES, Modality, QueryErrorKind, QueryParameter, Resource, match_resource};
///
/// // The href Skype for Business Online advertised.
/// let href = "/ucwa/oauth/v1/applications/10672188129/communication/callMediaDiagnostics\
///             ?callId=fc86b78dd87947949c7831d88abbb311&fromUri=sip%3adele%40olajide.net\
///             &mediaType=Audio&toUri=sip%3adele%40traderlynk.com";
/// let Some(Ok(Resource::Call(call))) = match_resource(href, &DEFAULT_PREFIXES) else { panic!("a call") };
/// assert_eq!(call.application_id(), "10672188129");
/// assert_eq!(call.call_id().raw(), "fc86b78dd87947949c7831d88abbb311");
/// let mut buf = [0u8; mediadiag::route::MAX_URI_LEN];
/// assert_eq!(call.from_uri().decode_into(&mut buf), Some("sip:dele@olajide.net"));
/// assert_eq!(&href[call.to_uri_range()], "sip%3adele%40traderlynk.com");
/// assert_eq!(call.modality(), Some(Modality::Audio));
///
/// // The same path with a bad query is the resource, refused.
/// let twice = "/ucwa/v1/applications/1/communication/callMediaDiagnostics?callId=a&callId=b";
/// let error = match_resource(twice, &DEFAULT_PREFIXES).unwrap().unwrap_err();
/// assert_eq!((error.parameter, error.kind), (Some(QueryParameter::CallId), QueryErrorKind::Repeated));
///
/// // The documented form; anything else is not the resource.
/// let documented = "/ucwa/v1/applications/1/communication/conversations/2/audioVideo/reportMediaDiagnostics";
/// assert!(matches!(match_resource(documented, &DEFAULT_PREFIXES), Some(Ok(Resource::Conversation(_)))));
/// assert_eq!(match_resource("/ucwa/v1/applications/1/communication/callMediaDiagnostic", &DEFAULT_PREFIXES), None);
/// ```
pub fn match_resource<'a>(path_and_query: &'a str, prefixes: &[&str]) -> Option<Result<Resource<'a>, QueryError>> {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    prefixes.iter().find_map(|prefix| {
        let rest = path.strip_prefix(prefix)?.strip_prefix("/applications/")?;
        let application_start = path.len() - rest.len();
        let (application_len, rest) = identifier(rest)?;
        let application_id = application_start..application_start + application_len;
        let rest = rest.strip_prefix("/communication/")?;
        if rest == "callMediaDiagnostics" {
            // The query starts after the path and its `?`.
            let at = path.len() + 1;
            let mut spans = [Span::default(); 4];
            let read = parse_query(query.unwrap_or_default().as_bytes(), &mut spans);
            let values = spans.map(|span| at + span.start..at + span.end);
            return Some(read.map(|()| Resource::Call(CallTarget::new(path_and_query, application_id, values))));
        }
        let rest = rest.strip_prefix("conversations/")?;
        let conversation_start = path.len() - rest.len();
        let (conversation_len, rest) = identifier(rest)?;
        (rest == "/audioVideo/reportMediaDiagnostics").then(|| {
            Ok(Resource::Conversation(Target {
                path: path_and_query,
                application_id,
                conversation_id: conversation_start..conversation_start + conversation_len,
            }))
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
