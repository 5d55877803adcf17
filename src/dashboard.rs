//! The overview a signed-in customer lands on: every line with its plan, what is due or the
//! credit left, the allowances left, roaming and add-ons.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::balances::Allowance;
use crate::customer::{CustomerKind, LineStatus, PaymentType};
use crate::ids::{AccountId, LineId, Msisdn};
use crate::locale::Language;
use crate::money::{Currency, Money};
use crate::services::roaming::{CapState, DataCap};

/// What a customer owes on one invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountDue {
    pub invoice_number: String,
    /// What is left to pay of the whole invoice (every line of the account shares it).
    pub amount: Money,
    pub due_on: NaiveDate,
    /// On an account with several lines: this line's own charges on that invoice, VAT
    /// included, so a business sees what each line cost rather than the account's bill five
    /// times over.
    pub line_part: Option<Money>,
}

impl AmountDue {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.due_on < today
    }
}

/// One line on the overview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineOverview {
    pub id: LineId,
    pub account_id: AccountId,
    pub msisdn: Msisdn,
    pub label: Option<String>,
    pub plan: String,
    pub payment_type: PaymentType,
    pub status: LineStatus,
    /// Postpaid: the newest unpaid invoice of the line's account; `None` when nothing is due.
    pub due: Option<AmountDue>,
    /// Prepaid: the credit left.
    pub credit: Option<Money>,
    pub credit_expires_on: Option<NaiveDate>,
    /// Empty when no allowance period is running.
    pub allowances: Vec<Allowance>,
    /// The last day of the current allowance period.
    pub period_ends_on: Option<NaiveDate>,
    /// When the newest usage counted in the allowances was rated.
    pub usage_as_of: Option<DateTime<Utc>>,
    pub roaming_on: bool,
    pub data_roaming_on: bool,
    /// The data-roaming cap and what was spent against it this period.
    pub data_cap: DataCap,
    pub active_addons: i64,
}

/// The whole overview of one customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub customer_name: String,
    pub kind: CustomerKind,
    pub language: Language,
    pub currency: Currency,
    pub lines: Vec<LineOverview>,
    /// Everything unpaid on all the customer's invoices.
    pub total_due: Money,
    /// Of which past its due date.
    pub overdue: Money,
    /// The invoices with something left to pay, the oldest due first.
    pub unpaid: Vec<crate::billing::invoices::InvoiceSummary>,
    /// Under this a prepaid line's credit is warned about; the customer's own setting.
    pub low_credit_threshold: Option<Money>,
}

/// Something running low that the overview warns about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LowBalance {
    /// Prepaid credit under the customer's own threshold.
    Credit {
        line: LineId,
        msisdn: Msisdn,
        credit: Money,
        threshold: Money,
    },
    /// Under 10 % of an allowance left.
    Allowance {
        line: LineId,
        msisdn: Msisdn,
        allowance: Allowance,
    },
    /// 80 % of the data-roaming cap spent, with data roaming on.
    RoamingCapNear {
        line: LineId,
        msisdn: Msisdn,
        data_cap: DataCap,
    },
    /// The data-roaming cap spent: data roaming has stopped until the customer chooses to go on.
    RoamingCapReached {
        line: LineId,
        msisdn: Msisdn,
        data_cap: DataCap,
    },
}

/// The overview's warnings: credit under `threshold`, allowances under 10 % left, and (where
/// data roaming is on) a data-roaming cap 80 % spent or reached, by line.
pub fn low_balances(lines: &[LineOverview], threshold: Option<Money>) -> Vec<LowBalance> {
    let mut out = Vec::new();
    for line in lines.iter().filter(|l| l.status != LineStatus::Terminated) {
        if let (Some(credit), Some(threshold)) = (line.credit, threshold) {
            if crate::credit::is_credit_low(credit, Some(threshold)) {
                out.push(LowBalance::Credit {
                    line: line.id,
                    msisdn: line.msisdn.clone(),
                    credit,
                    threshold,
                });
            }
        }
        for allowance in line.allowances.iter().filter(|a| a.is_low()) {
            out.push(LowBalance::Allowance {
                line: line.id,
                msisdn: line.msisdn.clone(),
                allowance: allowance.clone(),
            });
        }
        if line.roaming_on && line.data_roaming_on {
            let (line_id, msisdn, data_cap) = (line.id, line.msisdn.clone(), line.data_cap);
            match line.data_cap.state() {
                CapState::Near => out.push(LowBalance::RoamingCapNear {
                    line: line_id,
                    msisdn,
                    data_cap,
                }),
                CapState::Reached => out.push(LowBalance::RoamingCapReached {
                    line: line_id,
                    msisdn,
                    data_cap,
                }),
                CapState::NoCap | CapState::Under | CapState::Continued => {}
            }
        }
    }
    out
}

/// An unpaid invoice as the store reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenInvoice {
    pub account_id: AccountId,
    pub number: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub remaining: Money,
}

/// The rule for "what is due" per line: the newest unpaid invoice of the line's account
/// (invoices are issued per account; every line of it shares the bill).
pub fn newest_due(open: &[OpenInvoice], account: AccountId) -> Option<AmountDue> {
    open.iter()
        .filter(|inv| inv.account_id == account && !inv.remaining.is_zero())
        .max_by_key(|inv| (inv.issued_on, inv.number.clone()))
        .map(|inv| AmountDue {
            invoice_number: inv.number.clone(),
            amount: inv.remaining,
            due_on: inv.due_on,
            line_part: None,
        })
}

/// Totals of what is unpaid, and of that what is overdue, on `today`.
pub fn totals_due(open: &[OpenInvoice], currency: Currency, today: NaiveDate) -> (Money, Money) {
    let mut total = Money::from_cents(0, currency);
    let mut overdue = Money::from_cents(0, currency);
    for inv in open {
        total.amount += inv.remaining.amount;
        if inv.due_on < today {
            overdue.amount += inv.remaining.amount;
        }
    }
    (total, overdue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn open(account: i64, number: &str, issued: u32, due: u32, cents: i64) -> OpenInvoice {
        OpenInvoice {
            account_id: AccountId::trusted(account),
            number: number.into(),
            issued_on: day(issued),
            due_on: day(due),
            remaining: Money::from_cents(cents, Currency::Czk),
        }
    }

    #[test]
    fn a_line_shows_the_newest_unpaid_invoice_of_its_account() {
        let invoices = [
            open(1, "A1", 1, 15, 100),
            open(1, "A2", 5, 20, 200),
            open(2, "B1", 9, 25, 300),
        ];
        let due = newest_due(&invoices, AccountId::trusted(1)).unwrap();
        assert_eq!(due.invoice_number, "A2");
        assert_eq!(due.amount.cents(), 200);
        assert!(newest_due(&invoices, AccountId::trusted(3)).is_none());
    }

    fn line(credit: Option<i64>, data_used_kb: i64) -> LineOverview {
        LineOverview {
            id: LineId::trusted(1),
            account_id: AccountId::trusted(1),
            msisdn: Msisdn::parse("+48601234567").unwrap(),
            label: None,
            plan: "M".into(),
            payment_type: PaymentType::Prepaid,
            status: LineStatus::Active,
            due: None,
            credit: credit.map(|c| Money::from_cents(c, Currency::Pln)),
            credit_expires_on: None,
            allowances: vec![
                Allowance::data(Some(1000), data_used_kb),
                Allowance::minutes(None, 600),
            ],
            period_ends_on: None,
            usage_as_of: None,
            roaming_on: false,
            data_roaming_on: false,
            data_cap: DataCap {
                cap: Some(Money::from_cents(21_500, Currency::Pln)),
                spent: Money::from_cents(0, Currency::Pln),
                continue_past_cap: false,
            },
            active_addons: 0,
        }
    }

    #[test]
    fn low_credit_and_allowances_under_a_tenth_are_warned_about() {
        let threshold = Some(Money::from_cents(1000, Currency::Pln));
        assert!(low_balances(&[line(Some(1000), 0)], threshold).is_empty());
        let warned = low_balances(&[line(Some(999), 950 * 1024)], threshold);
        assert!(matches!(warned[0], LowBalance::Credit { .. }));
        assert!(
            matches!(&warned[1], LowBalance::Allowance { allowance, .. } if allowance.left() == Some(50))
        );
        assert_eq!(warned.len(), 2, "unlimited minutes never warn");
        assert!(
            low_balances(&[line(Some(0), 0)], None).is_empty(),
            "no threshold, no warning"
        );
    }

    #[test]
    fn a_data_roaming_cap_warns_at_eighty_percent_and_at_the_cap_while_data_roaming_is_on() {
        let roaming = |spent: i64, data_on: bool, go_on: bool| {
            let mut l = line(None, 0);
            l.roaming_on = true;
            l.data_roaming_on = data_on;
            l.data_cap.spent = Money::from_cents(spent, Currency::Pln);
            l.data_cap.continue_past_cap = go_on;
            low_balances(&[l], None)
        };
        assert!(roaming(17_199, true, false).is_empty());
        assert!(matches!(
            roaming(17_200, true, false)[..],
            [LowBalance::RoamingCapNear { .. }]
        ));
        assert!(matches!(
            roaming(21_500, true, false)[..],
            [LowBalance::RoamingCapReached { .. }]
        ));
        assert!(
            roaming(21_500, true, true).is_empty(),
            "the customer chose to go on"
        );
        assert!(
            roaming(21_500, false, false).is_empty(),
            "data roaming is off"
        );
    }

    #[test]
    fn totals_separate_what_is_overdue() {
        let invoices = [open(1, "A1", 1, 10, 150), open(1, "A2", 5, 20, 205)];
        let (total, overdue) = totals_due(&invoices, Currency::Czk, day(12));
        assert_eq!(total.cents(), 355);
        assert_eq!(overdue.cents(), 150);
    }

    #[test]
    fn an_invoice_is_overdue_only_after_its_due_date() {
        let due = AmountDue {
            invoice_number: "X".into(),
            amount: Money::from_cents(1, Currency::Eur),
            due_on: day(10),
            line_part: None,
        };
        assert!(!due.is_overdue(day(10)));
        assert!(due.is_overdue(day(11)));
    }
}
