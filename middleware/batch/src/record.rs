//! What a store keeps of one report.

use std::net::SocketAddr;
use std::time::SystemTime;

use mediadiag::{MediaType, Report};
use tower_mediadiag::{CallContext, Reported};

/// The client's socket address, put in the request extensions by the server that accepted
/// the connection; [`Record::remote_addr`] comes from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemoteAddr(pub SocketAddr);

/// One accepted report with what is known of its request, as stores write it.
///
/// It never holds the bearer token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// When the layer accepted the report.
    pub received_at: SystemTime,
    /// The `{applicationId}` of the path.
    pub application_id: String,
    /// The `{conversationId}` of the documented href; `None` for the Online href.
    pub conversation_id: Option<String>,
    /// The Online href's `callId`, decoded; `None` for the documented href.
    pub call_id: Option<String>,
    /// The Online href's `fromUri` (the remote party), decoded; `None` for the documented href
    /// or when SIP URIs are not kept ([`BatcherBuilder::sip_uris`](crate::BatcherBuilder::sip_uris)).
    pub from_uri: Option<String>,
    /// The Online href's `toUri` (the local user), likewise.
    pub to_uri: Option<String>,
    /// The Online href's `mediaType`: a modality UCWA names in its canonical spelling, or
    /// the value as sent; `None` for the documented href.
    pub modality: Option<String>,
    /// The decoded report.
    pub report: Report,
    /// The media type the body came in.
    pub media_type: MediaType,
    /// The `User-Agent`, cut to at most [`Record::USER_AGENT_MAX_LEN`] bytes at a character
    /// boundary (bytes that are not UTF-8 replaced), or `None` when absent.
    pub user_agent: Option<String>,
    /// Who the credentials name ([`Reported::principal`]).
    pub principal: Option<String>,
    /// The client's address, when the server put a [`RemoteAddr`] in the extensions.
    pub remote_addr: Option<SocketAddr>,
}

impl Record {
    /// The longest `User-Agent` kept, in bytes.
    pub const USER_AGENT_MAX_LEN: usize = 256;

    /// The record of an accepted report, received at `received_at`, its SIP URIs kept or not.
    pub fn new(reported: &Reported, received_at: SystemTime, keep_sip_uris: bool) -> Record {
        let user_agent = reported.headers().get(http::header::USER_AGENT).map(|value| {
            let mut text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let mut end = text.len().min(Self::USER_AGENT_MAX_LEN);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text
        });
        let (conversation_id, call_id, from_uri, to_uri, modality) = match reported.context() {
            CallContext::Conversation { conversation_id } => (Some(conversation_id.to_owned()), None, None, None, None),
            CallContext::Call { call_id, from_uri, to_uri, modality } => (
                None,
                Some(call_id.into_owned()),
                keep_sip_uris.then(|| from_uri.into_owned()),
                keep_sip_uris.then(|| to_uri.into_owned()),
                Some(modality.as_str().to_owned()),
            ),
        };
        Record {
            received_at,
            application_id: reported.application_id().to_owned(),
            conversation_id,
            call_id,
            from_uri,
            to_uri,
            modality,
            report: reported.report(),
            media_type: reported.media_type(),
            user_agent,
            principal: reported.principal().map(str::to_owned),
            remote_addr: reported.extensions().get::<RemoteAddr>().map(|addr| addr.0),
        }
    }
}
