//! What a phone does with an answer (docs/behaviour.md, section 8), and how long it waits
//! before a retry.

use super::reason::{Name, Reason};
use super::response::RetryAfter;
use crate::code::ErrorSubcode;

/// What to do after an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Advice {
    /// The report is delivered (or was already): forget it.
    Done,
    /// Send it again after this many seconds (the answer's `Retry-After`).
    RetryAfter(u32),
    /// Send it again after [`Backoff::delay_ms`] for the attempt.
    Backoff,
    /// Renew the bearer token, then send it again once; if that answer is 401 too, give up.
    RenewToken,
    /// Do not send it again: the request or the phone's configuration is wrong.
    DoNotRetry,
}

/// The advice for an answer: its status, its decoded error body (if it had one) and its
/// `Retry-After`. Statuses the contract does not name get the advice of their class:
/// other 2xx are done, 1xx and 3xx are not retried (the phone neither expects interim answers
/// nor follows redirects), 408 is retried with backoff, other 4xx are not, other 5xx are
/// retried with backoff.
///
/// ```
/// use mediadiag::phone::{Advice, RetryAfter, advise};
///
/// assert_eq!(advise(204, None, RetryAfter::Absent), Advice::Done);
/// assert_eq!(advise(503, None, RetryAfter::Seconds(3)), Advice::RetryAfter(3));
/// assert_eq!(advise(503, None, RetryAfter::NotSeconds), Advice::Backoff);
/// assert_eq!(advise(401, None, RetryAfter::Absent), Advice::RenewToken);
/// assert_eq!(advise(415, None, RetryAfter::Absent), Advice::DoNotRetry);
/// ```
pub fn advise(status: u16, reason: Option<&Reason<'_>>, retry_after: RetryAfter) -> Advice {
    let already_exists = reason.is_some_and(|reason| reason.subcode == Some(Name::Known(ErrorSubcode::AlreadyExists)));
    match status {
        204 => Advice::Done,
        409 if already_exists => Advice::Done,
        429 | 503 => match retry_after {
            RetryAfter::Seconds(seconds) => Advice::RetryAfter(seconds),
            RetryAfter::Absent | RetryAfter::NotSeconds => Advice::Backoff,
        },
        401 => Advice::RenewToken,
        500 | 502 | 504 | 408 => Advice::Backoff,
        200..=299 => Advice::Done,
        500..=599 => Advice::Backoff,
        _ => Advice::DoNotRetry,
    }
}

/// Capped exponential backoff with jitter: attempt `n` (0 for the first retry) waits between
/// half and all of `min(cap_ms, base_ms * 2^n)`, where in that range a caller-supplied random
/// number decides ("equal jitter": phones that failed together spread out, and none retries
/// at once). Integer arithmetic only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Backoff {
    /// The ceiling of the first retry's delay, in milliseconds.
    pub base_ms: u32,
    /// The largest ceiling, in milliseconds.
    pub cap_ms: u32,
}

impl Backoff {
    /// Half a second doubling up to a minute.
    pub const DEFAULT: Backoff = Backoff { base_ms: 500, cap_ms: 60_000 };

    /// The delay before retry `attempt`, in milliseconds, for any `random` value (from the
    /// phone's random number generator).
    ///
    /// ```
    /// use mediadiag::phone::Backoff;
    ///
    /// let backoff = Backoff { base_ms: 100, cap_ms: 1_000 };
    /// assert!((50..=100).contains(&backoff.delay_ms(0, 12345)));
    /// assert!((400..=800).contains(&backoff.delay_ms(3, 777)));
    /// assert!((500..=1_000).contains(&backoff.delay_ms(40, u32::MAX)));
    /// ```
    pub fn delay_ms(&self, attempt: u32, random: u32) -> u32 {
        let ceiling = self.base_ms.checked_shl(attempt).filter(|c| c >> attempt == self.base_ms).unwrap_or(u32::MAX);
        let ceiling = ceiling.min(self.cap_ms);
        let half = ceiling / 2;
        let spread = ceiling - half;
        half + random.checked_rem(spread + 1).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;

    fn conflict(subcode: Option<Name<ErrorSubcode>>) -> Reason<'static> {
        Reason { code: Name::Known(ErrorCode::Conflict), subcode, message: None }
    }

    #[test]
    fn the_contract_table_holds() {
        let none = RetryAfter::Absent;
        assert_eq!(advise(204, None, none), Advice::Done);
        assert_eq!(advise(409, Some(&conflict(Some(Name::Known(ErrorSubcode::AlreadyExists)))), none), Advice::Done);
        for other in [None, Some(Name::Unknown), Some(Name::Known(ErrorSubcode::TooManyGroups))] {
            assert_eq!(advise(409, Some(&conflict(other)), none), Advice::DoNotRetry);
        }
        assert_eq!(advise(409, None, none), Advice::DoNotRetry);
        for status in [503, 429] {
            assert_eq!(advise(status, None, RetryAfter::Seconds(9)), Advice::RetryAfter(9));
            assert_eq!(advise(status, None, none), Advice::Backoff);
        }
        for status in [500, 502, 504, 408, 501, 599] {
            assert_eq!(advise(status, None, RetryAfter::Seconds(9)), Advice::Backoff, "{status}");
        }
        assert_eq!(advise(401, None, none), Advice::RenewToken);
        for status in [400, 403, 404, 405, 410, 413, 415, 100, 301, 307, 418, 0, 600] {
            assert_eq!(advise(status, None, none), Advice::DoNotRetry, "{status}");
        }
        for status in [200, 201, 202, 299] {
            assert_eq!(advise(status, None, none), Advice::Done, "{status}");
        }
    }

    proptest! {
        #[test]
        fn delays_stay_between_half_and_the_capped_ceiling(base in 0u32..100_000, cap in 0u32.., attempt in 0u32..64, random: u32) {
            let delay = Backoff { base_ms: base, cap_ms: cap }.delay_ms(attempt, random);
            let ceiling = (u64::from(base) << attempt.min(40)).min(u64::from(cap));
            prop_assert!(u64::from(delay) <= ceiling);
            prop_assert!(u64::from(delay) >= ceiling / 2);
        }

        #[test]
        fn ceilings_never_shrink_with_attempts(attempt in 0u32..63, random: u32) {
            let backoff = Backoff::DEFAULT;
            let this = backoff.delay_ms(attempt, 0);
            let next = backoff.delay_ms(attempt + 1, 0);
            prop_assert!(next >= this);
            prop_assert!(backoff.delay_ms(attempt, random) <= backoff.cap_ms);
        }
    }
}
