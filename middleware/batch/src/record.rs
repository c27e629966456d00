//! What a store keeps of one report.

use std::net::SocketAddr;
use std::time::SystemTime;

use mediadiag::{MediaType, Report};

use tower_mediadiag::Reported;

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
    /// The `{conversationId}` of the path.
    pub conversation_id: String,
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

    /// The record of an accepted report, received at `received_at`.
    pub fn new(reported: &Reported, received_at: SystemTime) -> Record {
        let user_agent = reported.headers().get(http::header::USER_AGENT).map(|value| {
            let mut text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let mut end = text.len().min(Self::USER_AGENT_MAX_LEN);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text
        });
        Record {
            received_at,
            application_id: reported.application_id().to_owned(),
            conversation_id: reported.conversation_id().to_owned(),
            report: reported.report(),
            media_type: reported.media_type(),
            user_agent,
            principal: reported.principal().map(str::to_owned),
            remote_addr: reported.extensions().get::<RemoteAddr>().map(|addr| addr.0),
        }
    }
}
