//! Prepaid credit: the ledger of top-ups and charges, vouchers and the rules for redeeming them,
//! and when credit counts as low.
//!
//! A voucher credits exactly one line exactly once. The store makes that true under concurrency
//! (a conditional update that only one transaction can win); this module holds the words and the
//! rules: what a code looks like, why one is refused, and when wrong guesses are throttled.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::RecentFailures;
use crate::customer::text_enum;
use crate::ids::{LineId, Msisdn};
use crate::money::Money;
use crate::InputError;

/// Wrong voucher codes allowed per customer within [`VOUCHER_WINDOW`] before redeeming is
/// paused: with 16-digit codes, five guesses an hour make guessing hopeless.
pub const VOUCHER_MAX_FAILURES: i64 = 5;
pub const VOUCHER_WINDOW: Duration = Duration::hours(1);

/// Whether a reserved voucher attempt may be tried now; if not, when one may. The count
/// includes the reservation itself ([`crate::auth::reservation_waits_until`]).
pub fn voucher_throttled_until(
    reserved: RecentFailures,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    crate::auth::reservation_waits_until(reserved, VOUCHER_MAX_FAILURES, VOUCHER_WINDOW, now)
}

/// A voucher code as printed on the card: 16 digits, typed with or without spaces and dashes.
#[derive(Clone, PartialEq, Eq)]
pub struct VoucherCode(String);

impl std::fmt::Debug for VoucherCode {
    /// Never the whole code: it is as good as money.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VoucherCode({})", self.masked())
    }
}

impl VoucherCode {
    pub const DIGITS: usize = 16;

    /// # Errors
    /// When it is not 16 digits.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
            .collect();
        if digits.len() == Self::DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(InputError::new(
                "code",
                "Enter the 16 digits of the voucher code, for example 4821 7730 1956 2048.",
            ))
        }
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The last four digits only, for messages and the audit log.
    pub fn masked(&self) -> String {
        format!("•••• {}", &self.0[Self::DIGITS - 4..])
    }
}

text_enum!(
    /// What moved a prepaid balance.
    LedgerKind { TopUp = "top_up", Charge = "charge", Adjustment = "adjustment", Expiry = "expiry" }
);

impl LedgerKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::TopUp => "Top-up",
            Self::Charge => "Charge",
            Self::Adjustment => "Adjustment",
            Self::Expiry => "Expired credit",
        }
    }
}

/// One movement of a line's credit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub at: DateTime<Utc>,
    pub kind: LedgerKind,
    /// Positive for top-ups, negative for charges.
    pub amount: Money,
    pub balance_after: Money,
    pub description: String,
}

/// A prepaid line's credit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditLine {
    pub id: LineId,
    pub msisdn: Msisdn,
    pub label: Option<String>,
    pub credit: Money,
    /// When the credit expires unless topped up again; `None`: it does not.
    pub expires_on: Option<NaiveDate>,
    /// How long a top-up keeps credit valid; `None`: for ever.
    pub validity_days: Option<i64>,
}

/// A voucher that credited a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TopUp {
    /// Credited now.
    Credited {
        amount: Money,
        balance: Money,
        expires_on: Option<NaiveDate>,
    },
    /// This voucher already credited this same line (a double submit or a retried request):
    /// nothing more happens, and the customer is told it is done.
    AlreadyCredited { amount: Money, at: DateTime<Utc> },
}

/// Why a voucher was not credited. Nothing changed in any of these cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum VoucherRefused {
    #[error("That voucher code is not valid. Check the digits and try again.")]
    Unknown,
    #[error("Too many wrong voucher codes. For your security, try again in {0}.")]
    Throttled(String),
    #[error("Vouchers top up prepaid lines only.")]
    NotPrepaid,
}

/// The credit expiry after a top-up on `today`: the plan's validity from today, but never
/// earlier than the expiry the credit already has.
pub fn expiry_after_top_up(
    today: NaiveDate,
    validity_days: Option<i64>,
    current: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let days = validity_days?;
    let new = today + Duration::days(days);
    Some(current.map_or(new, |c| c.max(new)))
}

/// Credit under the customer's own threshold is worth a warning.
pub fn is_credit_low(credit: Money, threshold: Option<Money>) -> bool {
    threshold.is_some_and(|t| credit.amount < t.amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn a_voucher_code_is_sixteen_digits_however_typed() {
        let code = VoucherCode::parse("4821 7730-1956 2048").unwrap();
        assert_eq!(code.digits(), "4821773019562048");
        assert_eq!(code.masked(), "•••• 2048");
        assert!(!format!("{code:?}").contains("48217730"));
        assert!(VoucherCode::parse("4821 7730 1956 204").is_err());
        assert!(VoucherCode::parse("4821 7730 1956 204x").is_err());
        assert!(VoucherCode::parse("").is_err());
    }

    #[test]
    fn wrong_codes_pause_redeeming_for_the_rest_of_the_hour() {
        let now: DateTime<Utc> = "2026-11-25T10:00:00Z".parse().unwrap();
        let oldest = now - Duration::minutes(50);
        // Four wrong codes and this attempt: tried.
        let four = RecentFailures {
            count: 5,
            oldest: Some(oldest),
        };
        assert_eq!(voucher_throttled_until(four, now), None);
        // Five wrong codes and this attempt: paused until the first leaves the hour.
        let five = RecentFailures {
            count: 6,
            oldest: Some(oldest),
        };
        assert_eq!(
            voucher_throttled_until(five, now),
            Some(oldest + Duration::hours(1))
        );
        assert_eq!(
            voucher_throttled_until(five, oldest + Duration::hours(1)),
            None
        );
    }

    #[test]
    fn a_top_up_extends_expiry_but_never_shortens_it() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert_eq!(
            expiry_after_top_up(day(1), Some(10), Some(day(5))),
            Some(day(11))
        );
        assert_eq!(
            expiry_after_top_up(day(1), Some(10), Some(day(20))),
            Some(day(20))
        );
        assert_eq!(expiry_after_top_up(day(1), None, Some(day(20))), None);
    }

    #[test]
    fn credit_is_low_only_under_a_threshold_the_customer_set() {
        let m = |c| Money::from_cents(c, Currency::Pln);
        assert!(is_credit_low(m(999), Some(m(1000))));
        assert!(!is_credit_low(m(1000), Some(m(1000))));
        assert!(!is_credit_low(m(0), None));
    }
}
