//! Allowances: the minutes, SMS and data a plan includes per period, and what is left.

use serde::{Deserialize, Serialize};

/// What an allowance counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllowanceKind {
    Minutes,
    Sms,
    /// Megabytes.
    Data,
}

/// One allowance of one line in one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowance {
    pub kind: AllowanceKind,
    /// `None`: unlimited.
    pub included: Option<i64>,
    pub used: i64,
}

impl Allowance {
    /// Builds the minutes allowance from rated call seconds: a started minute counts as used,
    /// as operators bill it.
    pub fn minutes(included: Option<i64>, call_seconds: i64) -> Self {
        Self {
            kind: AllowanceKind::Minutes,
            included,
            used: (call_seconds.max(0) + 59) / 60,
        }
    }

    pub fn sms(included: Option<i64>, sent: i64) -> Self {
        Self {
            kind: AllowanceKind::Sms,
            included,
            used: sent.max(0),
        }
    }

    /// Data is rated in kB and shown in MB; a started MB counts as used.
    pub fn data(included_mb: Option<i64>, used_kb: i64) -> Self {
        Self {
            kind: AllowanceKind::Data,
            included: included_mb,
            used: (used_kb.max(0) + 1023) / 1024,
        }
    }

    /// What is left, never below zero; `None` when unlimited.
    pub fn left(&self) -> Option<i64> {
        self.included.map(|inc| (inc - self.used).max(0))
    }

    /// Per mille left (0..=1000); `None` when unlimited or nothing was included.
    pub fn per_mille_left(&self) -> Option<i64> {
        match (self.included, self.left()) {
            (Some(inc), Some(left)) if inc > 0 => Some(left * 1000 / inc),
            _ => None,
        }
    }

    /// Under 10 % left: worth a warning.
    pub fn is_low(&self) -> bool {
        self.per_mille_left().is_some_and(|pm| pm < 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_started_minute_counts_as_used() {
        assert_eq!(Allowance::minutes(Some(100), 61).used, 2);
        assert_eq!(Allowance::minutes(Some(100), 0).used, 0);
        assert_eq!(Allowance::minutes(Some(100), 60).used, 1);
    }

    #[test]
    fn what_is_left_never_goes_below_zero() {
        let a = Allowance::sms(Some(50), 70);
        assert_eq!(a.left(), Some(0));
        assert!(a.is_low());
    }

    #[test]
    fn an_unlimited_allowance_has_nothing_to_warn_about() {
        let a = Allowance::data(None, 10_000_000);
        assert_eq!(a.left(), None);
        assert!(!a.is_low());
    }

    #[test]
    fn data_is_shown_in_megabytes() {
        let a = Allowance::data(Some(3072), 1025);
        assert_eq!(a.used, 2);
        assert_eq!(a.left(), Some(3070));
        assert_eq!(a.per_mille_left(), Some(999));
    }
}
