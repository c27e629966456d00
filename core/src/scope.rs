//! OAuth scopes (docs/behaviour.md, section 6): the user needs Conversations.Initiate or
//! Conversations.Receive.

use core::fmt;

use crate::route::is_unreserved;

/// Whether `token` is a bearer token as this crate reads and writes them: an RFC 6750
/// `b64token` (`ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/"`, then `=` padding), with
/// one leniency: `=` may stand anywhere, since on-premises UCWA tokens read `cwt=...`. Not
/// empty, not `=` alone. No byte it allows can end a header line.
///
/// ```
/// use mediadiag::is_bearer_token;
///
/// assert!(is_bearer_token(b"cwt=AAEBHAEFAAAAAAAFFQAAAA=="));
/// assert!(!is_bearer_token(b"abc\r\nX-Admin: 1"));
/// assert!(!is_bearer_token(b"=="));
/// ```
pub fn is_bearer_token(token: &[u8]) -> bool {
    token.iter().any(|&b| b != b'=') && token.iter().all(|&b| is_unreserved(b) || matches!(b, b'+' | b'/' | b'='))
}

/// A scope that grants access to reportMediaDiagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `Conversations.Initiate`.
    ConversationsInitiate,
    /// `Conversations.Receive`.
    ConversationsReceive,
}

impl Scope {
    /// Both scopes, either of which grants access.
    pub const ALL: [Scope; 2] = [Scope::ConversationsInitiate, Scope::ConversationsReceive];

    /// The scope's name, as it appears in a token's `scp` claim.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::ConversationsInitiate => "Conversations.Initiate",
            Scope::ConversationsReceive => "Conversations.Receive",
        }
    }

    /// Matches a scope name exactly (case-sensitive).
    pub fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
    }

    const fn bit(self) -> u8 {
        match self {
            Scope::ConversationsInitiate => 1,
            Scope::ConversationsReceive => 2,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of the `scope` parameter of a 403 challenge: the scopes that would be enough.
pub const REQUIRED_SCOPES: &str = "Conversations.Initiate Conversations.Receive";

/// The set of relevant scopes a request was granted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Scopes(u8);

impl Scopes {
    /// No scope.
    pub const NONE: Scopes = Scopes(0);

    /// Both Conversations scopes.
    pub const BOTH: Scopes = Scopes(3);

    /// The Conversations scopes named in a space-separated `scp` value; others are ignored.
    ///
    /// ```
    /// use mediadiag::{Scope, Scopes};
    ///
    /// let granted = Scopes::from_scp("User.ReadWrite Conversations.Receive");
    /// assert!(granted.contains(Scope::ConversationsReceive));
    /// assert!(granted.allows_report());
    /// assert!(!Scopes::from_scp("conversations.receive").allows_report());
    /// ```
    pub fn from_scp(scp: &str) -> Scopes {
        scp.split(' ').filter_map(Scope::from_name).fold(Scopes::NONE, Scopes::with)
    }

    /// This set with `scope` added.
    #[must_use]
    pub const fn with(self, scope: Scope) -> Scopes {
        Scopes(self.0 | scope.bit())
    }

    /// Whether `scope` is in the set.
    pub const fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// Whether the set grants access to reportMediaDiagnostics (either scope).
    pub const fn allows_report(self) -> bool {
        self.0 != 0
    }

    /// The scopes in the set.
    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |scope| self.contains(*scope))
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Self {
        scopes.into_iter().fold(Scopes::NONE, Scopes::with)
    }
}
