//! What the layer knows of an intercepted request once checks 1 to 6 passed: made once in
//! `call`, moved through the response future's states, and handed to the callback inside
//! [`crate::Reported`]. Nothing in it is worked out twice.

use http::request::Parts;
use mediadiag::{MediaType, Scopes};

use crate::context::CallContext;
pub(crate) use crate::context::Ids;

/// The request's parts and what the checks found in them.
#[derive(Debug)]
pub(crate) struct RequestFacts {
    pub(crate) parts: Parts,
    pub(crate) ids: Ids,
    /// The media type of the body (the Content-Type).
    pub(crate) media_type: MediaType,
    /// The media type of error bodies (Accept, else the body's).
    pub(crate) error_media: MediaType,
    pub(crate) scopes: Scopes,
    pub(crate) principal: Option<String>,
}

impl RequestFacts {
    /// The path and query the ids were found in.
    pub(crate) fn href(&self) -> &str {
        href(&self.parts.uri)
    }

    pub(crate) fn application_id(&self) -> &str {
        self.ids.application(self.href())
    }

    pub(crate) fn conversation_id(&self) -> &str {
        self.ids.conversation(self.href())
    }

    pub(crate) fn context(&self) -> CallContext<'_> {
        self.ids.context(self.href())
    }
}

/// A request's path and query, as matched against the resource's two href forms.
pub(crate) fn href(uri: &http::Uri) -> &str {
    uri.path_and_query().map_or(uri.path(), http::uri::PathAndQuery::as_str)
}
