//! `ErrorCode` and `ErrorSubcode`: the two UCWA enumerations a report carries.
//!
//! Both are generated from one table each (the lists of the reportMediaDiagnostics
//! resource page, in its order). Names, lookup, `ALL`, `Display` and `FromStr` all
//! derive from that table, so a value can never be spelled two ways.

use core::fmt;
use core::str::FromStr;

use crate::text::CapturedName;

/// The error returned by `FromStr` when a name is not a value of the enumeration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownName;

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a known UCWA enumeration value")
    }
}

/// Length of the longest name in a table, computed at compile time.
#[allow(clippy::indexing_slicing)] // `i < names.len()`, and only ever evaluated by the compiler
const fn longest(names: &[&str]) -> usize {
    let mut longest = 0;
    let mut i = 0;
    while i < names.len() {
        if names[i].len() > longest {
            longest = names[i].len();
        }
        i += 1;
    }
    longest
}

/// A hash of the length and a few bytes, folded to lower case (`| 0x20` folds ASCII letters;
/// names differing elsewhere still compare unequal in `find`). Equal for names that differ
/// only in case, and distinct enough to make most lookups compare one name. Tables take it
/// modulo their number of buckets.
#[allow(clippy::indexing_slicing)] // every index is below name.len(), checked first
const fn folded_hash(name: &[u8]) -> usize {
    let len = name.len();
    if len == 0 {
        return 0;
    }
    let samples = [0, len - 1, len / 2, len / 3];
    let mut hash = (len as u32).wrapping_mul(0x9E37_79B1);
    let mut i = 0;
    while i < samples.len() {
        hash = (hash ^ (name[samples[i]] | 0x20) as u32).wrapping_mul(0x0100_0193);
        i += 1;
    }
    (hash >> 16) as usize
}

/// How many buckets the lookup table of `count` names has: the smallest power of two that
/// keeps it at most three quarters full, so that probe runs stay short.
const fn bucket_count(count: usize) -> usize {
    (count * 4 / 3).next_power_of_two()
}

/// An open-addressing table of `BUCKETS` buckets (see [`bucket_count`]) from `folded_hash`
/// to `index + 1` (0 marks an empty bucket). Built by the compiler, so a lookup hashes once
/// and compares about one name.
///
/// A plain scan of the names is a little smaller but makes the XML decode of the seed take
/// many more instructions (its subcode is 79th of 87), so the table stays
/// (`core/firmware/README.md` and docs/BENCHMARKS.md have the figures).
#[allow(clippy::indexing_slicing)] // every index is reduced modulo BUCKETS or bounded by len()
const fn lookup_table<const BUCKETS: usize>(names: &[&str]) -> [u8; BUCKETS] {
    assert!(BUCKETS.is_power_of_two() && names.len() < BUCKETS && names.len() < 255);
    let mut table = [0u8; BUCKETS];
    let mut i = 0;
    while i < names.len() {
        let mut bucket = folded_hash(names[i].as_bytes()) & (BUCKETS - 1);
        while table[bucket] != 0 {
            bucket = (bucket + 1) & (BUCKETS - 1);
        }
        table[bucket] = (i + 1) as u8;
        i += 1;
    }
    table
}

/// The names of an enumeration as the binary stores them: laid end to end, with their end
/// offsets and a lookup table built by `lookup_table`. Not generic, so that one copy of the
/// code serves both enumerations.
struct Names {
    text: &'static str,
    ends: &'static [u16],
    /// A power of two of buckets.
    buckets: &'static [u8],
}

impl Names {
    /// The canonical name at an index.
    fn get(&self, index: usize) -> &'static str {
        let start = index.checked_sub(1).and_then(|before| self.ends.get(before)).map_or(0, |&end| usize::from(end));
        let end = self.ends.get(index).map_or(0, |&end| usize::from(end));
        self.text.get(start..end).unwrap_or_default()
    }

    /// The index of a name in any case.
    fn find(&self, name: CapturedName<'_>) -> Option<usize> {
        let mask = self.buckets.len().wrapping_sub(1);
        let mut bucket = folded_hash(name.bytes()) & mask;
        loop {
            let index = usize::from(*self.buckets.get(bucket)?).checked_sub(1)?;
            if name.matches(self.get(index)) {
                return Some(index);
            }
            bucket = (bucket + 1) & mask;
        }
    }
}

/// The end offsets of names laid end to end.
#[allow(clippy::indexing_slicing)] // i < N
const fn name_ends<const N: usize>(names: &[&str; N]) -> [u16; N] {
    let mut ends = [0u16; N];
    let mut end = 0;
    let mut i = 0;
    while i < N {
        end += names[i].len();
        ends[i] = end as u16;
        i += 1;
    }
    ends
}

macro_rules! ucwa_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($variant:ident),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum $name {
            $(
                #[doc = concat!("The UCWA value `", stringify!($variant), "`.")]
                $variant,
            )+
        }

        impl $name {
            /// How many values the enumeration has.
            pub const COUNT: usize = [$(stringify!($variant)),+].len();

            /// Every value, in the order the UCWA resource page lists them.
            pub const ALL: [$name; Self::COUNT] = [$($name::$variant),+];

            /// Every canonical name, index for index with [`Self::ALL`].
            pub const NAMES: [&'static str; Self::COUNT] = [$(stringify!($variant)),+];

            /// Length in bytes of the longest canonical name.
            pub const MAX_NAME_LEN: usize = longest(&Self::NAMES);

            /// All names run together, with where each one ends and a lookup table: smaller
            /// in flash than a table of string slices (`core/firmware/README.md`).
            const STORED_NAMES: Names = Names {
                text: concat!($(stringify!($variant)),+),
                ends: &name_ends(&Self::NAMES),
                buckets: &lookup_table::<{ bucket_count(Self::COUNT) }>(&Self::NAMES),
            };

            /// The canonical (UCWA) spelling of the value.
            pub fn as_str(self) -> &'static str {
                Self::STORED_NAMES.get(self as usize)
            }

            /// Looks a name up, comparing ASCII case-insensitively.
            ///
            /// No two values of the enumeration differ only in case, so the answer is unique.
            pub fn from_name_ignore_case(name: &[u8]) -> Option<Self> {
                CapturedName::new(name).and_then(Self::from_captured)
            }

            /// Looks up a captured name in any case.
            pub(crate) fn from_captured(name: CapturedName<'_>) -> Option<Self> {
                if name.bytes().len() > Self::MAX_NAME_LEN {
                    return None;
                }
                Self::STORED_NAMES.find(name).and_then(|index| Self::ALL.get(index).copied())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            /// Parses a name, ASCII case-insensitively.
            fn from_str(name: &str) -> Result<Self, UnknownName> {
                Self::from_name_ignore_case(name.as_bytes()).ok_or(UnknownName)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

ucwa_enum! {
    /// The call termination error code of a report (UCWA `ErrorCode`, 20 values).
    pub enum ErrorCode {
        BadRequest, Forbidden, NotFound, MethodNotAllowed, NotAcceptable, Conflict, Gone,
        PreconditionFailed, EntityTooLarge, UnsupportedMediaType, PreconditionRequired,
        TooManyRequests, ServiceFailure, ServiceUnavailable, GatewayTimeout,
        ExchangeServiceFailure, Timeout, LocalFailure, RemoteFailure, Informational,
    }
}

ucwa_enum! {
    /// The call termination error subcode of a report (UCWA `ErrorSubcode`, 87 values).
    ///
    /// Also the subcode of the UCWA error bodies this project writes.
    pub enum ErrorSubcode {
        None, Timeout, UnsupportedMediaType, DeserializationFailure, AnonymousNotAllowed,
        InviteesOnly, AlreadyExists, AnotherOperationPending, APIVersionNotSupported,
        NormalizationFailed, ProvisioningDataUnavailable, ApplicationNotFound,
        TooManyApplications, InactiveApplicationExpired, UserAgentNotAllowed, LimitExceeded,
        OperationNotSupported, NoDelegatesConfigured, NoTeamMembersConfigured,
        MakeMeAvailableRequired, LisServiceUnavailable, NoLocationFound, TooManyContacts,
        MigrationInProgress, TooManyGroups, TooManyOnlineMeetings, ThreadIdAlreadyExists,
        DoNotDisturb, ConnectedElsewhere, Missed, MediaFallback, FederationRequired, Canceled,
        Declined, Forwarded, Transferred, Replaced, EscalationFailed, InsufficientBandwidth,
        RepliedWithOtherModality, DestinationNotFound, DialoutNotAllowed, Unreachable,
        MediaEncryptionNotSupported, MediaEncryptionRequired, MediaEncryptionMismatch,
        Unavailable, TooManyParticipants, TooManyLobbyParticipants, Busy, AttendeeNotAllowed,
        Demoted, MediaFailure, InvalidMediaDescription, Removed, TemporarilyUnavailable,
        ModalityNotSupported, NotAllowed, Ejected, Denied, Ended, ParameterValidationFailure,
        SessionSwitched, DerivedConversation, Redirected, Expired, NotAcceptable,
        NewContentSharer, PhoneNumberConflict, IPv6NotSupported, PGetReplaced, PstnCallFailed,
        TransferDeclined, TransferTargetDeclined, CallbackUriUnreachable, ConversationNotFound,
        AutoAccepted, TooManyConversations, MediaNegotiationFailure, MediaNegotiationTimeOut,
        CallTerminated, MaxEventCountReached, CallbackChannelError,
        InvalidExchangeServerVersion, UnprocessableEntity, ExchangeTimeout, CannotRedirect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_the_documented_sizes_and_no_case_collisions() {
        assert_eq!(ErrorCode::COUNT, 20);
        assert_eq!(ErrorSubcode::COUNT, 87);
        assert_eq!((bucket_count(ErrorCode::COUNT), bucket_count(ErrorSubcode::COUNT)), (32, 128));
        for (i, a) in ErrorSubcode::NAMES.iter().enumerate() {
            for b in &ErrorSubcode::NAMES[i + 1..] {
                assert!(!a.eq_ignore_ascii_case(b), "{a} collides with {b}");
            }
        }
        for (i, a) in ErrorCode::NAMES.iter().enumerate() {
            for b in &ErrorCode::NAMES[i + 1..] {
                assert!(!a.eq_ignore_ascii_case(b), "{a} collides with {b}");
            }
        }
    }

    #[test]
    fn every_name_looks_up_in_any_case() {
        let mut lower = [0u8; 64];
        for value in ErrorSubcode::ALL {
            let name = value.as_str().as_bytes();
            let lower = &mut lower[..name.len()];
            lower.copy_from_slice(name);
            lower.make_ascii_lowercase();
            assert_eq!(ErrorSubcode::from_name_ignore_case(lower), Some(value));
            lower.make_ascii_uppercase();
            assert_eq!(ErrorSubcode::from_name_ignore_case(lower), Some(value));
            assert_eq!(value.as_str().parse::<ErrorSubcode>(), Ok(value));
        }
        for value in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_name_ignore_case(value.as_str().as_bytes()), Some(value));
        }
    }

    #[test]
    fn names_are_ascii_letters_and_digits_as_the_folded_compare_needs() {
        let properties = crate::Property::ALL.map(crate::Property::name);
        for name in ErrorCode::NAMES.iter().chain(&ErrorSubcode::NAMES).chain(&properties) {
            assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()), "{name}");
        }
    }

    #[test]
    fn unknown_names_are_refused() {
        // Bit 5 set on a digit's control-character twin must not match the digit.
        assert_eq!(ErrorSubcode::from_name_ignore_case(b"IPv\x16NotSupported"), None);
        assert_eq!(ErrorSubcode::from_name_ignore_case(b"ipv6notsupported"), Some(ErrorSubcode::IPv6NotSupported));
        assert_eq!("BadRequest ".parse::<ErrorCode>(), Err(UnknownName));
        assert_eq!("".parse::<ErrorCode>(), Err(UnknownName));
        assert_eq!(ErrorCode::from_name_ignore_case(b"Bad\0Request"), None);
        assert_eq!(ErrorSubcode::MAX_NAME_LEN, "InvalidExchangeServerVersion".len());
    }
}
