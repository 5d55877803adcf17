//! Sign-in rules: how long a session lives, and when sign-in attempts are throttled.
//! Password hashing and session tokens are the store's (`selfcare_store::secrets`).
//!
//! Throttling (NIST SP 800-63B 5.2.2, OWASP ASVS 5.0 V6.3): at most [`MAX_FAILURES`] wrong
//! passwords per account in [`THROTTLE_WINDOW`], however the account is named (its email or
//! any of its numbers) and however many requests race: the store reserves an attempt before
//! its password is checked and counts the reservation itself ([`Limits::refused_until`]).
//! Per address the limit is far higher ([`ADDRESS_FAILURES`]): mobile subscribers share
//! addresses behind carrier-grade NAT, and one guesser must not lock a whole carrier out. An
//! IPv6 client is counted by its /64 ([`address_bucket`]), which one subscriber usually holds.

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

/// Failed attempts for one account, counted over [`THROTTLE_WINDOW`].
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// Failed attempts from one address (or IPv6 /64) over [`THROTTLE_WINDOW`], by default: enough
/// for the subscribers behind one carrier-grade NAT address, few enough to stop a spray.
pub const ADDRESS_FAILURES: i64 = 100;

/// How many failures the throttle allows per [`THROTTLE_WINDOW`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub per_account: i64,
    pub per_address: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_account: MAX_FAILURES,
            per_address: ADDRESS_FAILURES,
        }
    }
}

impl Limits {
    /// Whether a reserved attempt may be checked: the counts include the reservation itself,
    /// so the limit's own attempt passes and the one after it waits. `None` lets it through;
    /// otherwise when the next one may be made.
    pub fn refused_until(
        &self,
        for_account: RecentFailures,
        from_address: RecentFailures,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        [
            (for_account, self.per_account),
            (from_address, self.per_address),
        ]
        .into_iter()
        .filter_map(|(f, max)| reservation_waits_until(f, max, THROTTLE_WINDOW, now))
        .max()
    }
}

/// The address the throttle counts an attempt under: an IPv4 address as it is, an IPv6 one by
/// its /64 (`2001:db8:1:2::/64`), an IPv4 address mapped into IPv6 as the IPv4 address.
pub fn address_bucket(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
        Ok(v4) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

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

/// [`lock_lifts_at`] for a count that includes the attempt being made (the store writes an
/// attempt before it counts, so that parallel requests cannot all slip under the limit): the
/// limit's own attempt goes through, the one after it waits.
pub fn reservation_waits_until(
    reserved: RecentFailures,
    max: i64,
    window: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let before = RecentFailures {
        count: reserved.count - 1,
        ..reserved
    };
    lock_lifts_at(before, max, window, now)
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
    fn the_sixth_reserved_attempt_waits_until_the_oldest_failure_leaves_the_window() {
        let limits = Limits::default();
        let reserved = |count| RecentFailures {
            count,
            oldest: Some(at(0)),
        };
        let none = RecentFailures {
            count: 1,
            oldest: Some(at(3)),
        };
        // Five reservations (four failures and this one) are checked; a sixth waits.
        assert_eq!(limits.refused_until(reserved(5), none, at(3)), None);
        assert_eq!(limits.refused_until(reserved(6), none, at(3)), Some(at(15)));
        assert_eq!(limits.refused_until(reserved(6), none, at(15)), None);
        // Per address, the far higher limit.
        assert_eq!(limits.refused_until(none, reserved(100), at(3)), None);
        assert_eq!(
            limits.refused_until(none, reserved(101), at(3)),
            Some(at(15))
        );
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_slash_64() {
        assert_eq!(
            address_bucket("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            address_bucket("2001:db8:1:2::1"),
            address_bucket("2001:db8:1:2:ffff::9")
        );
        assert_ne!(
            address_bucket("2001:db8:1:2::1"),
            address_bucket("2001:db8:1:3::1")
        );
        assert_eq!(address_bucket("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_bucket("192.0.2.7"), "192.0.2.7");
        assert_eq!(address_bucket("unknown"), "unknown");
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
