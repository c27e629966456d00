//! What the href says about the call a report is about: the conversation (the documented
//! form), or the call id, the two parties and the modality (the form Skype for Business
//! Online advertised, docs/behaviour.md section 1).

use std::borrow::Cow;
use std::ops::Range;

use mediadiag::route::{Modality, QueryParameter, Resource};
use percent_encoding::percent_decode_str;

use crate::metrics::ModalityLabel;

/// The call a report is about, as its href named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallContext<'a> {
    /// `.../conversations/{conversationId}/audioVideo/reportMediaDiagnostics`.
    Conversation {
        /// The `{conversationId}` segment.
        conversation_id: &'a str,
    },
    /// `.../callMediaDiagnostics?callId=..&fromUri=..&mediaType=..&toUri=..`, its values
    /// percent-decoded (borrowed when they hold no escape).
    Call {
        /// `callId`: the call, as the server's `bandwidthControlId` names it.
        call_id: Cow<'a, str>,
        /// `fromUri`: the remote party (the caller of an incoming call).
        from_uri: Cow<'a, str>,
        /// `toUri`: the local user.
        to_uri: Cow<'a, str>,
        /// `mediaType`.
        modality: CallModality<'a>,
    },
}

/// A `mediaType` value: one UCWA names, typed, or another kept as (bounded) text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallModality<'a> {
    /// A modality UCWA names (compared ASCII case-insensitively).
    Known(Modality),
    /// Any other value, as decoded (at most `mediadiag::route::MAX_MEDIA_TYPE_LEN` bytes).
    Other(Cow<'a, str>),
}

impl CallModality<'_> {
    /// The value as text: a known modality's canonical name, or the other value.
    pub fn as_str(&self) -> &str {
        match self {
            CallModality::Known(modality) => modality.name(),
            CallModality::Other(text) => text,
        }
    }
}

/// Where the href's values are in the request's path and query.
#[derive(Clone, Debug)]
pub(crate) enum Ids {
    Conversation { application: Range<usize>, conversation: Range<usize> },
    Call { application: Range<usize>, values: [Range<usize>; 4] },
}

impl Ids {
    /// No ids: the href's query was refused before anything was taken from it.
    pub(crate) fn unnamed() -> Ids {
        Ids::Conversation { application: 0..0, conversation: 0..0 }
    }

    pub(crate) fn of(resource: &Resource<'_>) -> Ids {
        match resource {
            Resource::Conversation(target) => Ids::Conversation {
                application: target.application_id_range(),
                conversation: target.conversation_id_range(),
            },
            Resource::Call(call) => Ids::Call {
                application: call.application_id_range(),
                values: QueryParameter::ALL.map(|parameter| call.range(parameter)),
            },
        }
    }

    /// The `{applicationId}` in `href`, the path and query that was matched.
    pub(crate) fn application<'a>(&self, href: &'a str) -> &'a str {
        let (Ids::Conversation { application, .. } | Ids::Call { application, .. }) = self;
        href.get(application.clone()).unwrap_or_default()
    }

    /// The `{conversationId}` in `href`; empty for the Online form.
    pub(crate) fn conversation<'a>(&self, href: &'a str) -> &'a str {
        match self {
            Ids::Conversation { conversation, .. } => href.get(conversation.clone()).unwrap_or_default(),
            Ids::Call { .. } => "",
        }
    }

    /// The `callId` in `href`, still escaped; empty for the documented form.
    pub(crate) fn call_id<'a>(&self, href: &'a str) -> &'a str {
        self.raw(href, QueryParameter::CallId)
    }

    fn raw<'a>(&self, href: &'a str, parameter: QueryParameter) -> &'a str {
        match self {
            Ids::Conversation { .. } => "",
            Ids::Call { values, .. } => {
                let index = QueryParameter::ALL.iter().position(|p| *p == parameter).unwrap_or_default();
                values.get(index).and_then(|range| href.get(range.clone())).unwrap_or_default()
            }
        }
    }

    /// The `modality` label of the report's metrics.
    pub(crate) fn modality_label(&self, href: &str) -> ModalityLabel {
        match self {
            Ids::Conversation { .. } => ModalityLabel::Absent,
            Ids::Call { .. } => {
                let media_type = percent_decode_str(self.raw(href, QueryParameter::MediaType)).decode_utf8_lossy();
                Modality::from_name(&media_type).map_or(ModalityLabel::Other, ModalityLabel::Known)
            }
        }
    }

    /// The call's context in `href`.
    pub(crate) fn context<'a>(&self, href: &'a str) -> CallContext<'a> {
        match self {
            Ids::Conversation { .. } => CallContext::Conversation { conversation_id: self.conversation(href) },
            Ids::Call { .. } => {
                // The values were checked when the href matched: UTF-8 once decoded.
                let decoded = |parameter| percent_decode_str(self.raw(href, parameter)).decode_utf8_lossy();
                let media_type = decoded(QueryParameter::MediaType);
                let modality = match Modality::from_name(&media_type) {
                    Some(modality) => CallModality::Known(modality),
                    None => CallModality::Other(media_type),
                };
                CallContext::Call {
                    call_id: decoded(QueryParameter::CallId),
                    from_uri: decoded(QueryParameter::FromUri),
                    to_uri: decoded(QueryParameter::ToUri),
                    modality,
                }
            }
        }
    }
}
