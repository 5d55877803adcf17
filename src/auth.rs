//! Sign-in rules: how long a session lives, and when sign-in attempts are throttled.
//! Password hashing and session tokens are the store's (`selfcare_store::secrets`).

use chrono::{DateTime, Duration, Utc};

use crate::customer::text_enum;

text_enum!(
    /// What a staff user may do: agents verify callers; supervisors also review agents' work;
    /// admins also manage staff.
    StaffRole { Agent = "agent", Supervisor = "supervisor", Admin = "admin" }
);

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// A session's last use is written at most this often.
pub const TOUCH_INTERVAL: Duration = Duration::minutes(1);
/// The page warns this long before the idle timeout.
pub const IDLE_WARNING: Duration = Duration::minutes(2);

/// Failed attempts for one account, or from one address, counted over [`THROTTLE_WINDOW`].
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);

/// When a session ends, given when it started and when it was last used.
pub fn session_ends_at(created_at: DateTime<Utc>, last_seen_at: DateTime<Utc>) -> DateTime<Utc> {
    (last_seen_at + IDLE_TIMEOUT).min(created_at + ABSOLUTE_TIMEOUT)
}

/// Recent failed sign-in attempts, as the store counts them since `now - THROTTLE_WINDOW`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentFailures {
    pub count: i64,
    /// The oldest failure still inside the window.
    pub oldest: Option<DateTime<Utc>>,
}

/// Whether another attempt may be made now; if not, when it may.
///
/// The lock lifts as the oldest counted failure leaves the window, so a locked-out user waits
/// at most [`THROTTLE_WINDOW`], and an attacker gets at most five guesses per window.
pub fn throttled_until(
    for_account: RecentFailures,
    from_address: RecentFailures,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    [for_account, from_address]
        .into_iter()
        .filter_map(|f| lock_lifts_at(f, MAX_FAILURES, THROTTLE_WINDOW, now))
        .max()
}

/// The one throttling rule: after `max` failures within `window`, wait until the oldest of them
/// leaves the window. `None` when another attempt may be made now.
pub fn lock_lifts_at(
    failures: RecentFailures,
    max: i64,
    window: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if failures.count < max {
        return None;
    }
    failures
        .oldest
        .map(|oldest| oldest + window)
        .filter(|until| *until > now)
}

/// "5 minutes", rounded up, for the throttling message.
pub fn wait_in_words(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = ((until - now).num_seconds().max(1) + 59) / 60;
    if minutes == 1 {
        "1 minute".to_string()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + min * 60, 0).unwrap()
    }

    #[test]
    fn a_session_ends_after_thirty_idle_minutes_or_twelve_hours() {
        assert_eq!(session_ends_at(at(0), at(10)), at(40));
        assert_eq!(session_ends_at(at(0), at(700)), at(720));
    }

    #[test]
    fn the_fifth_failure_locks_until_the_oldest_leaves_the_window() {
        let four = RecentFailures {
            count: 4,
            oldest: Some(at(0)),
        };
        let five = RecentFailures {
            count: 5,
            oldest: Some(at(0)),
        };
        assert_eq!(
            throttled_until(four, RecentFailures::default(), at(3)),
            None
        );
        assert_eq!(
            throttled_until(five, RecentFailures::default(), at(3)),
            Some(at(15))
        );
        assert_eq!(
            throttled_until(RecentFailures::default(), five, at(3)),
            Some(at(15))
        );
        assert_eq!(
            throttled_until(five, RecentFailures::default(), at(15)),
            None
        );
    }

    #[test]
    fn the_wait_is_told_in_whole_minutes() {
        assert_eq!(wait_in_words(at(15), at(3)), "12 minutes");
        assert_eq!(
            wait_in_words(at(1), at(0) + Duration::seconds(30)),
            "1 minute"
        );
    }
}
