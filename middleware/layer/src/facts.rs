//! What the layer knows of an intercepted request once checks 1 to 6 passed: made once in
//! `call`, moved through the response future's states, and handed to the callback inside
//! [`crate::Reported`]. Nothing in it is worked out twice.

use std::ops::Range;

use http::request::Parts;
use mediadiag::route::Target;
use mediadiag::{MediaType, Scopes};

/// Where the application and conversation ids are in the request's path.
#[derive(Clone, Debug)]
pub(crate) struct Ids {
    application: Range<usize>,
    conversation: Range<usize>,
}

impl Ids {
    pub(crate) fn of(target: &Target<'_>) -> Ids {
        Ids { application: target.application_id_range(), conversation: target.conversation_id_range() }
    }

    /// The `{applicationId}` in `path`, the path `match_path` matched.
    pub(crate) fn application<'a>(&self, path: &'a str) -> &'a str {
        path.get(self.application.clone()).unwrap_or_default()
    }

    /// The `{conversationId}` in `path`, the path `match_path` matched.
    pub(crate) fn conversation<'a>(&self, path: &'a str) -> &'a str {
        path.get(self.conversation.clone()).unwrap_or_default()
    }
}

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
    pub(crate) fn application_id(&self) -> &str {
        self.ids.application(self.parts.uri.path())
    }

    pub(crate) fn conversation_id(&self) -> &str {
        self.ids.conversation(self.parts.uri.path())
    }
}
