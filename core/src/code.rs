//! `ErrorCode` and `ErrorSubcode`: the two UCWA enumerations a report carries.
//!
//! Both are generated from one table each (the lists of the reportMediaDiagnostics
//! resource page, in its order). Names, lookup, `ALL`, `Display` and `FromStr` all
//! derive from that table, so a value can never be spelled two ways.

use core::fmt;
use core::str::FromStr;

use crate::text::word;

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
/// modulo their number of slots.
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

/// An open-addressing table of `SLOTS` slots (a power of two, about one and a half times
/// the names: short probe runs, small tables) from `folded_hash` to `index + 1` (0 marks an
/// empty slot). Built by the compiler, so a lookup hashes once and compares about one name.
#[allow(clippy::indexing_slicing)] // every index is reduced modulo SLOTS or bounded by len()
const fn lookup_table<const SLOTS: usize>(names: &[&str]) -> [u8; SLOTS] {
    assert!(SLOTS.is_power_of_two() && names.len() < SLOTS && names.len() < 255);
    let mut table = [0u8; SLOTS];
    let mut i = 0;
    while i < names.len() {
        let mut slot = folded_hash(names[i].as_bytes()) & (SLOTS - 1);
        while table[slot] != 0 {
            slot = (slot + 1) & (SLOTS - 1);
        }
        table[slot] = (i + 1) as u8;
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
    /// A power of two of slots.
    slots: &'static [u8],
}

impl Names {
    /// The canonical name at an index.
    fn get(&self, index: usize) -> &'static str {
        let start = index.checked_sub(1).and_then(|before| self.ends.get(before)).map_or(0, |&end| usize::from(end));
        let end = self.ends.get(index).map_or(0, |&end| usize::from(end));
        self.text.get(start..end).unwrap_or_default()
    }

    /// The index of a name in any case (without control characters).
    fn find(&self, name: &[u8]) -> Option<usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = folded_hash(name) & mask;
        loop {
            let index = usize::from(*self.slots.get(slot)?).checked_sub(1)?;
            if matches_ignore_case(self.get(index).as_bytes(), name) {
                return Some(index);
            }
            slot = (slot + 1) & mask;
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

/// Whether `candidate` is `known` in any case, for a candidate without control characters.
///
/// Every known name is ASCII letters and digits. Setting bit 5 of every byte on both sides
/// lowers letters and leaves digits alone; a candidate byte that then equals a known letter
/// was that letter in some case, and one that equals a known digit was that digit or a
/// control character (0x10 to 0x19), which the candidate has none of. A word at a time.
pub(crate) fn matches_ignore_case(known: &[u8], candidate: &[u8]) -> bool {
    if known.len() != candidate.len() {
        return false;
    }
    const BIT_5: usize = usize::MAX / 0xFF * 0x20;
    let mut at = 0;
    while let (Some(k), Some(c)) = (word::at(known, at), word::at(candidate, at)) {
        if k | BIT_5 != c | BIT_5 {
            return false;
        }
        at += word::LEN;
    }
    let known_tail = known.get(at..).unwrap_or_default();
    let candidate_tail = candidate.get(at..).unwrap_or_default();
    known_tail.iter().zip(candidate_tail).all(|(k, c)| k | 0x20 == c | 0x20)
}

macro_rules! ucwa_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident [$count:literal, $slots:literal slots] { $($variant:ident),+ $(,)? }
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
            /// Every value, in the order the UCWA resource page lists them.
            pub const ALL: [$name; $count] = [$($name::$variant),+];

            /// Every canonical name, index for index with [`Self::ALL`].
            pub const NAMES: [&'static str; $count] = [$(stringify!($variant)),+];

            /// Length in bytes of the longest canonical name.
            pub const MAX_NAME_LEN: usize = longest(&Self::NAMES);

            /// All names run together, with where each one ends and a lookup table: smaller
            /// in firmware than a table of string slices.
            const STORED_NAMES: Names = Names {
                text: concat!($(stringify!($variant)),+),
                ends: &name_ends(&Self::NAMES),
                slots: &lookup_table::<$slots>(&Self::NAMES),
            };

            /// The canonical (UCWA) spelling of the value.
            pub fn as_str(self) -> &'static str {
                Self::STORED_NAMES.get(self as usize)
            }

            /// Looks a name up, comparing ASCII case-insensitively.
            ///
            /// No two values of the enumeration differ only in case, so the answer is unique.
            pub fn from_name_ignore_case(name: &[u8]) -> Option<Self> {
                if name.iter().any(|&b| b < 0x20) {
                    return None;
                }
                Self::from_captured(name)
            }

            /// Looks up a name in any case that has no control characters (as a capture keeps).
            pub(crate) fn from_captured(name: &[u8]) -> Option<Self> {
                if name.len() > Self::MAX_NAME_LEN {
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
    pub enum ErrorCode [20, 32 slots] {
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
    pub enum ErrorSubcode [87, 128 slots] {
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
        assert_eq!(ErrorCode::ALL.len(), 20);
        assert_eq!(ErrorSubcode::ALL.len(), 87);
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
        for name in ErrorCode::NAMES.iter().chain(&ErrorSubcode::NAMES) {
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
