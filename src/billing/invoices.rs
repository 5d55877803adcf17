//! Invoice charges: VAT is computed per charge line and rounded there (with
//! [`crate::money::round`]), because VAT is audited per line; an invoice's totals are then plain
//! sums, so they reconcile to the cent by construction.
//!
//! [`explain_difference`] tells why a bill differs from the previous one, by category, with
//! amounts that add up exactly to the difference of the two totals.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::customer::text_enum;
use crate::ids::{AccountId, LineId, Msisdn};
use crate::locale::Language;
use crate::money::{round, Currency, Money};

text_enum!(
    /// What a charge on an invoice is for.
    ChargeCategory { Plan = "plan", Addon = "addon", Usage = "usage", Roaming = "roaming", OneOff = "one_off", Discount = "discount" }
);

impl ChargeCategory {
    /// The heading its charges are grouped under on an invoice.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Plan => "Plan fees",
            Self::Addon => "Add-ons",
            Self::Usage => "Usage beyond the allowance",
            Self::Roaming => "Roaming",
            Self::OneOff => "One-off charges",
            Self::Discount => "Discounts",
        }
    }
}

text_enum!(
    /// An invoice's settlement as stored: open until paid in full, or void (cancelled).
    InvoiceStatus { Open = "open", Paid = "paid", Void = "void" }
);

/// Where an invoice stands on a given day, as a customer reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceState {
    Paid,
    /// Nothing paid yet, not yet due.
    Unpaid,
    /// Something paid, the rest not yet due.
    PartlyPaid,
    /// Past its due date with something still to pay (paid in part or not at all).
    Overdue,
    Void,
}

impl InvoiceState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Paid => "Paid",
            Self::Unpaid => "Unpaid",
            Self::PartlyPaid => "Partly paid",
            Self::Overdue => "Overdue",
            Self::Void => "Cancelled",
        }
    }

    /// Whether something is still to pay.
    pub fn is_due(self) -> bool {
        matches!(self, Self::Unpaid | Self::PartlyPaid | Self::Overdue)
    }
}

/// An invoice as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub number: String,
    pub account_id: AccountId,
    pub period_start: NaiveDate,
    /// The last day billed.
    pub period_end: NaiveDate,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub total: Money,
    pub paid: Money,
    pub status: InvoiceStatus,
    /// What a payment must quote: the variable symbol in Czechia.
    pub payment_reference: String,
}

impl InvoiceSummary {
    /// What is left to pay.
    pub fn remaining(&self) -> Money {
        match self.status {
            InvoiceStatus::Open => {
                Money::new(self.total.amount - self.paid.amount, self.total.currency)
            }
            InvoiceStatus::Paid | InvoiceStatus::Void => Money::from_cents(0, self.total.currency),
        }
    }

    /// An invoice is overdue the day after its due date while anything is left to pay.
    pub fn state(&self, today: NaiveDate) -> InvoiceState {
        let remaining = self.remaining();
        match self.status {
            InvoiceStatus::Void => InvoiceState::Void,
            _ if remaining.amount <= Decimal::ZERO => InvoiceState::Paid,
            _ if self.due_on < today => InvoiceState::Overdue,
            _ if self.paid.amount > Decimal::ZERO => InvoiceState::PartlyPaid,
            _ => InvoiceState::Unpaid,
        }
    }
}

/// A phone line as an invoice names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilledLine {
    pub id: LineId,
    pub msisdn: Msisdn,
    pub label: Option<String>,
}

/// The invoice before this one on the same billing account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousInvoice {
    pub number: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub total: Money,
}

/// Everything an invoice's page and PDF show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    pub summary: InvoiceSummary,
    /// The customer's language: amounts and dates are written for it.
    pub language: Language,
    pub customer_name: String,
    pub account_name: String,
    pub billing_address: String,
    /// The lines its charges are for.
    pub lines: Vec<BilledLine>,
    /// In the order printed.
    pub charges: Vec<Charge>,
    pub totals: Totals,
    /// Payments applied to it, oldest first.
    pub payments: Vec<Payment>,
    pub previous: Option<PreviousInvoice>,
    /// Why it differs from `previous`; empty when there is none or nothing changed.
    pub changes: Vec<Change>,
}

/// Charges of one category, with their sum including VAT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeGroup<'a> {
    pub category: ChargeCategory,
    pub charges: Vec<&'a Charge>,
    pub net: Decimal,
    pub gross: Decimal,
}

impl InvoiceDetail {
    pub fn currency(&self) -> Currency {
        self.summary.total.currency
    }

    pub fn money(&self, amount: Decimal) -> Money {
        Money::new(amount, self.currency())
    }

    /// The charges by category, in [`ChargeCategory::ALL`] order; empty categories left out.
    pub fn groups(&self) -> Vec<ChargeGroup<'_>> {
        ChargeCategory::ALL
            .iter()
            .filter_map(|&category| {
                let charges: Vec<&Charge> = self
                    .charges
                    .iter()
                    .filter(|c| c.category == category)
                    .collect();
                (!charges.is_empty()).then(|| ChargeGroup {
                    category,
                    net: charges.iter().map(|c| c.net).sum(),
                    gross: charges.iter().map(|c| c.gross()).sum(),
                    charges,
                })
            })
            .collect()
    }

    /// The number of a charge's line as displayed, or `None` for account-level charges.
    pub fn line_number(&self, line: Option<LineId>) -> Option<String> {
        let line = line?;
        self.lines
            .iter()
            .find(|l| l.id == line)
            .map(|l| l.msisdn.display())
    }
}

/// One charge line of an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// The phone line it is for; `None` for account-level charges.
    pub line: Option<LineId>,
    pub category: ChargeCategory,
    /// For add-ons: which add-on (its code), so the same add-on is recognised across bills.
    pub addon: Option<String>,
    pub description: String,
    /// Excluding VAT; negative for discounts.
    pub net: Decimal,
    /// Basis points: 2100 = 21 %.
    pub vat_rate_bp: i64,
}

/// VAT of one charge: `round(net × rate)`, half away from zero.
pub fn vat(net: Decimal, vat_rate_bp: i64) -> Decimal {
    round(net * Decimal::new(vat_rate_bp, 4))
}

impl Charge {
    pub fn vat(&self) -> Decimal {
        vat(self.net, self.vat_rate_bp)
    }

    /// Including VAT.
    pub fn gross(&self) -> Decimal {
        self.net + self.vat()
    }
}

/// The base and VAT at one rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatAtRate {
    pub rate_bp: i64,
    pub base: Decimal,
    pub vat: Decimal,
}

/// An invoice's totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub net: Decimal,
    pub vat: Decimal,
    pub total: Decimal,
    /// Highest rate first.
    pub by_rate: Vec<VatAtRate>,
}

pub fn totals(charges: &[Charge]) -> Totals {
    let mut by_rate: BTreeMap<i64, (Decimal, Decimal)> = BTreeMap::new();
    for c in charges {
        let entry = by_rate.entry(c.vat_rate_bp).or_default();
        entry.0 += c.net;
        entry.1 += c.vat();
    }
    let net = by_rate.values().map(|(base, _)| *base).sum();
    let vat = by_rate.values().map(|(_, vat)| *vat).sum();
    Totals {
        net,
        vat,
        total: net + vat,
        by_rate: by_rate
            .into_iter()
            .rev()
            .map(|(rate_bp, (base, vat))| VatAtRate { rate_bp, base, vat })
            .collect(),
    }
}

/// Why an amount changed between two bills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    AddonAdded,
    AddonRemoved,
    /// The same plan or add-on at another price (or another plan on the line).
    PriceChange,
    /// A line that was not billed before, or no longer is.
    LineAddedOrRemoved,
    UsageAboveAllowance,
    Roaming,
    OneOff,
    Discount,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::AddonAdded => "New add-on",
            Self::AddonRemoved => "Add-on ended",
            Self::PriceChange => "Price change",
            Self::LineAddedOrRemoved => "Line added or removed",
            Self::UsageAboveAllowance => "Usage above the allowance",
            Self::Roaming => "Roaming",
            Self::OneOff => "One-off charges",
            Self::Discount => "Discount",
        }
    }
}

/// One reason the bill differs, with its effect including VAT (positive: this bill is higher).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub line: Option<LineId>,
    /// The charge it is about, as described on the newer bill (or the older one if gone).
    pub description: String,
    pub amount: Decimal,
}

/// Charges are compared by what they are for: category, phone line, and add-on.
type ChargeKey = (ChargeCategory, Option<LineId>, Option<String>);

/// Explains `current` against `previous`: one [`Change`] per category, line and add-on whose
/// amount differs. The changes add up exactly to `totals(current).total - totals(previous).total`,
/// because each charge's gross amount falls in exactly one group.
pub fn explain_difference(previous: &[Charge], current: &[Charge]) -> Vec<Change> {
    struct Group {
        before: Decimal,
        after: Decimal,
        in_before: bool,
        in_after: bool,
        description: String,
    }
    let mut groups: BTreeMap<ChargeKey, Group> = BTreeMap::new();
    let key = |c: &Charge| -> ChargeKey {
        let addon = if c.category == ChargeCategory::Addon {
            c.addon.clone()
        } else {
            None
        };
        (c.category, c.line, addon)
    };
    let mut add = |c: &Charge, is_current: bool| {
        let g = groups.entry(key(c)).or_insert_with(|| Group {
            before: Decimal::ZERO,
            after: Decimal::ZERO,
            in_before: false,
            in_after: false,
            description: c.description.clone(),
        });
        if is_current {
            if !g.in_after {
                g.description = c.description.clone();
            }
            g.after += c.gross();
            g.in_after = true;
        } else {
            g.before += c.gross();
            g.in_before = true;
        }
    };
    previous.iter().for_each(|c| add(c, false));
    current.iter().for_each(|c| add(c, true));

    groups
        .into_iter()
        .filter(|(_, g)| g.after != g.before)
        .map(|((category, line, _), g)| {
            let kind = match category {
                ChargeCategory::Addon if !g.in_before => ChangeKind::AddonAdded,
                ChargeCategory::Addon if !g.in_after => ChangeKind::AddonRemoved,
                ChargeCategory::Plan if g.in_before != g.in_after => ChangeKind::LineAddedOrRemoved,
                ChargeCategory::Addon | ChargeCategory::Plan => ChangeKind::PriceChange,
                ChargeCategory::Usage => ChangeKind::UsageAboveAllowance,
                ChargeCategory::Roaming => ChangeKind::Roaming,
                ChargeCategory::OneOff => ChangeKind::OneOff,
                ChargeCategory::Discount => ChangeKind::Discount,
            };
            Change {
                kind,
                line,
                description: g.description,
                amount: g.after - g.before,
            }
        })
        .collect()
}

text_enum!(
    /// How a payment reached the operator.
    PaymentMethod { BankTransfer = "bank_transfer", DirectDebit = "direct_debit", Card = "card", Cash = "cash" }
);

impl PaymentMethod {
    pub fn label(self) -> &'static str {
        match self {
            Self::BankTransfer => "Bank transfer",
            Self::DirectDebit => "Direct debit",
            Self::Card => "Card",
            Self::Cash => "Cash",
        }
    }
}

/// A payment received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub amount: Money,
    pub method: PaymentMethod,
    /// The invoice it paid, if it was matched to one.
    pub invoice_number: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn charge(line: i64, category: ChargeCategory, addon: Option<&str>, cents: i64) -> Charge {
        Charge {
            line: Some(LineId::trusted(line)),
            category,
            addon: addon.map(str::to_string),
            description: format!("{category:?} {addon:?}"),
            net: Decimal::new(cents, 2),
            vat_rate_bp: 2100,
        }
    }

    #[test]
    fn vat_is_rounded_per_line_half_away_from_zero() {
        assert_eq!(vat(Decimal::new(50, 2), 2100), Decimal::new(11, 2)); // 0.105 → 0.11
        assert_eq!(vat(Decimal::new(-50, 2), 2100), Decimal::new(-11, 2));
        assert_eq!(vat(Decimal::new(29900, 2), 2100), Decimal::new(6279, 2));
    }

    #[test]
    fn totals_are_kept_per_rate() {
        let mut reduced = charge(1, ChargeCategory::OneOff, None, 10000);
        reduced.vat_rate_bp = 1200;
        let t = totals(&[charge(1, ChargeCategory::Plan, None, 29900), reduced]);
        assert_eq!(t.by_rate.len(), 2);
        assert_eq!(
            t.by_rate[0],
            VatAtRate {
                rate_bp: 2100,
                base: Decimal::new(29900, 2),
                vat: Decimal::new(6279, 2)
            }
        );
        assert_eq!(t.by_rate[1].vat, Decimal::new(1200, 2));
        assert_eq!(t.total, Decimal::new(29900 + 6279 + 10000 + 1200, 2));
    }

    #[test]
    fn a_new_addon_and_more_roaming_explain_a_higher_bill() {
        let before = [
            charge(1, ChargeCategory::Plan, None, 29900),
            charge(1, ChargeCategory::Roaming, None, 1000),
        ];
        let after = [
            charge(1, ChargeCategory::Plan, None, 29900),
            charge(1, ChargeCategory::Addon, Some("cz-data-5gb"), 19900),
            charge(1, ChargeCategory::Roaming, None, 5000),
        ];
        let changes = explain_difference(&before, &after);
        let kinds: Vec<ChangeKind> = changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [ChangeKind::AddonAdded, ChangeKind::Roaming]);
        assert_eq!(changes[0].amount, Decimal::new(19900 + 4179, 2));
        assert_eq!(changes[1].amount, Decimal::new(4000 + 840, 2));
    }

    #[test]
    fn a_removed_addon_and_a_price_change_are_told_apart() {
        let before = [
            charge(1, ChargeCategory::Addon, Some("tv"), 10000),
            charge(2, ChargeCategory::Plan, None, 29900),
        ];
        let after = [charge(2, ChargeCategory::Plan, None, 34900)];
        let kinds: Vec<ChangeKind> = explain_difference(&before, &after)
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(kinds, [ChangeKind::PriceChange, ChangeKind::AddonRemoved]);
    }

    fn any_charge() -> impl Strategy<Value = Charge> {
        (
            1i64..4,
            0usize..6,
            prop::option::of(0u8..3),
            -5_000i64..100_000,
            prop::sample::select(vec![2100i64, 2300, 1200, 0]),
        )
            .prop_map(|(line, cat, addon, cents, rate)| Charge {
                line: Some(LineId::trusted(line)),
                category: ChargeCategory::ALL[cat],
                addon: addon.map(|a| format!("addon-{a}")),
                description: String::new(),
                net: Decimal::new(cents, 2),
                vat_rate_bp: rate,
            })
    }

    proptest! {
        #[test]
        fn totals_always_reconcile(charges in prop::collection::vec(any_charge(), 0..40)) {
            let t = totals(&charges);
            let gross: Decimal = charges.iter().map(Charge::gross).sum();
            prop_assert_eq!(t.total, gross);
            prop_assert_eq!(t.net + t.vat, t.total);
            prop_assert_eq!(t.by_rate.iter().map(|r| r.base + r.vat).sum::<Decimal>(), t.total);
            prop_assert!(t.total.scale() <= 2);
        }

        #[test]
        fn the_differences_add_up_to_the_difference_of_the_totals(
            previous in prop::collection::vec(any_charge(), 0..30),
            current in prop::collection::vec(any_charge(), 0..30),
        ) {
            let changes = explain_difference(&previous, &current);
            let sum: Decimal = changes.iter().map(|c| c.amount).sum();
            prop_assert_eq!(sum, totals(&current).total - totals(&previous).total);
            prop_assert!(changes.iter().all(|c| !c.amount.is_zero()));
        }
    }
}
