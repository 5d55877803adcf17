//! One-time verification codes: a customer signed in to the portal takes a 6-digit code and
//! reads it to a support agent, who types it into the staff console. A right code opens the
//! customer's data to that agent for [`ACCESS_VALIDITY`]; the agent's screen and the customer's
//! page then show the same short check phrase, so the customer can tell a real agent from a
//! caller pretending to be one.
//!
//! The rules:
//! - a code is 6 digits from the operating system's CSPRNG, valid for [`CODE_VALIDITY`], and
//!   works once; a new code for the same channel revokes the previous one;
//! - only a hash of the code is stored, keyed by the customer, so one customer's code never
//!   matches another's;
//! - wrong codes are counted per customer, whoever types them and whichever code is live;
//!   after [`MAX_WRONG_CODES`] within [`CODE_LOCK`] codes for that customer are locked until
//!   the oldest of them leaves that window (the same rule as sign-in, [`lock_lifts_at`]). Asking
//!   for a new code does not reset the count. So at most five codes are ever checked in any 15
//!   minutes: a code lives 5 minutes, and guessing through 10^6 codes would take years.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{lock_lifts_at, RecentFailures};
use crate::services::requests::Channel;
use crate::InputError;

/// How long a code can be used after it is issued.
pub const CODE_VALIDITY: Duration = Duration::minutes(5);
/// How long a right code opens the customer's data to the agent who typed it.
pub const ACCESS_VALIDITY: Duration = Duration::minutes(30);
/// Wrong codes for one customer that lock codes for them.
pub const MAX_WRONG_CODES: i64 = 5;
/// The window wrong codes are counted over, and so the longest lock.
pub const CODE_LOCK: Duration = Duration::minutes(15);

/// The channels a customer may verify through (not the portal itself).
pub const SUPPORT_CHANNELS: [Channel; 3] = [Channel::Phone, Channel::Chat, Channel::Messenger];

/// Parses a support channel from a form: `phone`, `chat` or `messenger`.
///
/// # Errors
/// For anything else.
pub fn support_channel(text: &str) -> Result<Channel, InputError> {
    Channel::parse(text.trim())
        .filter(|c| SUPPORT_CHANNELS.contains(c))
        .ok_or_else(|| InputError::new("channel", "Choose phone, live chat or messenger."))
}

/// A one-time code: six digits.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeCode(String);

impl std::fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OneTimeCode(******)")
    }
}

impl OneTimeCode {
    /// Reads a code as an agent types it: spaces and dashes are ignored.
    ///
    /// # Errors
    /// When it is not six digits.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
            .collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(InputError::new(
                "code",
                "The code is the six digits the customer reads out.",
            ))
        }
    }

    /// The code of a number below a million, zero-padded: `123` is `000123`. (The store draws
    /// the number from the operating system's CSPRNG.)
    pub fn from_number(n: u32) -> Self {
        Self(format!("{:06}", n % 1_000_000))
    }

    /// The six digits, for hashing.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `482 913`: grouped for reading out.
    pub fn display(&self) -> String {
        format!("{} {}", &self.0[..3], &self.0[3..])
    }
}

/// Until when codes for a customer are locked after wrong ones, if they are.
pub fn codes_locked_until(wrong: RecentFailures, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    lock_lifts_at(wrong, MAX_WRONG_CODES, CODE_LOCK, now)
}

/// Words for check phrases: short, common, unlike each other when read aloud.
pub const CHECK_WORDS: [&str; 64] = [
    "amber", "anchor", "apple", "arrow", "autumn", "badger", "bamboo", "beacon", "birch", "bishop",
    "blossom", "bridge", "cactus", "camel", "canyon", "cedar", "cherry", "cobalt", "comet",
    "coral", "cotton", "crystal", "daisy", "dolphin", "ember", "falcon", "feather", "fjord",
    "forest", "garnet", "ginger", "glacier", "harbor", "hazel", "honey", "island", "jasmine",
    "juniper", "kettle", "lantern", "lemon", "linen", "maple", "meadow", "mint", "nectar", "olive",
    "orchid", "otter", "pebble", "pepper", "pilot", "quartz", "raven", "river", "saffron",
    "silver", "spruce", "thunder", "tulip", "velvet", "walnut", "willow", "zephyr",
];

/// Why a typed code did not open the customer's data. Every wrong, expired, used, revoked or
/// other customer's code is [`CodeRefused::Wrong`]: the agent learns nothing more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeRefused {
    Wrong { tries_left: i64 },
    Locked { until: DateTime<Utc> },
}

impl std::fmt::Display for CodeRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Wrong { tries_left: 0 } => f.write_str(
                "That code is not valid. Codes for this customer are now locked for 15 minutes, \
                 and the customer is told.",
            ),
            Self::Wrong { tries_left } => write!(
                f,
                "That code is not valid (wrong, expired, already used, or for another channel). \
                 {tries_left} more tries before codes for this customer are locked."
            ),
            Self::Locked { until } => write!(
                f,
                "Codes for this customer are locked after too many wrong codes, until {} UTC.",
                until.format("%H:%M")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn a_code_is_six_digits_however_it_is_typed() {
        assert_eq!(
            OneTimeCode::parse(" 482 913 ").unwrap().display(),
            "482 913"
        );
        assert_eq!(
            OneTimeCode::parse("482-913").unwrap(),
            OneTimeCode::parse("482913").unwrap()
        );
        assert!(OneTimeCode::parse("48291").is_err());
        assert!(OneTimeCode::parse("4829134").is_err());
        assert!(OneTimeCode::parse("48291a").is_err());
        assert_eq!(
            format!("{:?}", OneTimeCode::parse("482913").unwrap()),
            "OneTimeCode(******)"
        );
    }

    #[test]
    fn only_support_channels_take_codes() {
        assert_eq!(support_channel("phone").unwrap(), Channel::Phone);
        assert_eq!(support_channel("messenger").unwrap(), Channel::Messenger);
        assert!(support_channel("portal").is_err());
        assert!(support_channel("fax").is_err());
    }

    #[test]
    fn a_code_from_a_number_is_six_digits() {
        assert_eq!(OneTimeCode::from_number(123).digits(), "000123");
        assert_eq!(OneTimeCode::from_number(999_999).digits(), "999999");
        assert_eq!(OneTimeCode::from_number(1_000_007).digits(), "000007");
    }

    #[test]
    fn five_wrong_codes_lock_codes_for_fifteen_minutes() {
        let four = RecentFailures {
            count: 4,
            oldest: Some(at(0)),
        };
        assert_eq!(codes_locked_until(four, at(1)), None);
        let five = RecentFailures {
            count: 5,
            oldest: Some(at(0)),
        };
        assert_eq!(codes_locked_until(five, at(1)), Some(at(15)));
        assert_eq!(codes_locked_until(five, at(15)), None);
    }

    /// Simulates an attacker typing one code after another as fast as the portal answers, for
    /// a whole day: the portal only ever checks a code when the lock allows, and never more than
    /// five in any 15 minutes. Going through the 10^6 codes would take 5.7 years, while each
    /// code lives five minutes and its customer is told after every five wrong ones.
    fn checked_attempts(attempt_every_seconds: i64, span_minutes: i64) -> Vec<DateTime<Utc>> {
        let mut checked: Vec<DateTime<Utc>> = Vec::new();
        let mut now = at(0);
        let end = at(span_minutes);
        while now < end {
            let in_window: Vec<_> = checked.iter().filter(|t| **t > now - CODE_LOCK).collect();
            let wrong = RecentFailures {
                count: i64::try_from(in_window.len()).unwrap(),
                oldest: in_window.iter().map(|t| **t).min(),
            };
            if codes_locked_until(wrong, now).is_none() {
                checked.push(now);
            }
            now += Duration::seconds(attempt_every_seconds);
        }
        checked
    }

    #[test]
    fn a_million_guesses_cannot_get_through() {
        // One guess per second for 24 hours: 86 400 tries, of which only these are checked.
        let checked = checked_attempts(1, 24 * 60);
        assert!(checked.len() <= 5 * (24 * 60 / 15), "{}", checked.len());
        // Within one code's five minutes, at most five are checked: a 5 in 10^6 chance.
        let per_code = checked.iter().filter(|t| **t < at(5)).count();
        assert!(per_code <= 5);
        // So 10^6 guesses need at least 10^6 / 5 × 15 minutes.
        let minutes_for_all = 1_000_000 / MAX_WRONG_CODES * CODE_LOCK.num_minutes();
        assert!(minutes_for_all > 5 * 365 * 24 * 60);
    }

    proptest! {
        #[test]
        fn no_fifteen_minutes_ever_see_more_than_five_checked_codes(every in 1i64..600, span in 1i64..600) {
            let checked = checked_attempts(every, span);
            for (i, t) in checked.iter().enumerate() {
                let in_window = checked[..=i].iter().filter(|u| **u > *t - CODE_LOCK).count();
                prop_assert!(in_window <= 5);
            }
        }
    }
}
