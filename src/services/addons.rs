//! Add-ons: the catalog, who may take what, and what a change costs and commits to.
//!
//! Every change (take an add-on, switch to another, end one) is first a [`Preview`], computed by
//! [`preview`] from the line's terms and its add-ons. The store computes the same preview again
//! inside the transaction that applies the change, so what the customer confirmed is what the
//! rules say at that moment; a preview that no longer holds is refused, never half-applied.
//!
//! The rules:
//! - an add-on is offered when the catalog has it, the customer's kind and the line's payment
//!   type may take it, and it is priced in the line's currency;
//! - on postpaid, a monthly add-on taken now costs the rest of the period pro rata
//!   ([`pro_rata`]), on the next invoice; weekly and one-off add-ons cost their full price;
//! - on prepaid, an add-on costs its full price from credit, at once; too little credit refuses;
//! - an add-on may start (or end) at the start of the next period only where the catalog says
//!   so; it then costs its full price on that day;
//! - an add-on that cannot be active together with an active one replaces it (a switch);
//! - ending an add-on (or replacing it) inside its commitment costs the early-end fee where the
//!   catalog sets one, and is refused where it sets none;
//! - a one-off add-on runs to the end of its period and cannot be ended early.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::customer::{text_enum, CustomerKind, PaymentType};
use crate::ids::{AddonId, LineAddonId};
use crate::locale::Language;
use crate::money::{round, Money};
use crate::services::requests::RequestKind;

text_enum!(
    /// How often an add-on is charged.
    BillingPeriod { Once = "once", Week = "week", Month = "month" }
);

impl BillingPeriod {
    /// "per month", "per week", "one-off".
    pub fn per(self) -> &'static str {
        match self {
            Self::Once => "one-off",
            Self::Week => "per week",
            Self::Month => "per month",
        }
    }
}

/// An add-on of the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addon {
    pub id: AddonId,
    pub code: String,
    pub name: String,
    pub description: String,
    /// The conditions in plain words.
    pub conditions: String,
    /// Excluding VAT, per billing period.
    pub price: Money,
    pub billing_period: BillingPeriod,
    /// Months the customer commits to; 0 for none.
    pub commitment_months: u32,
    /// The fee for ending inside the commitment; `None`: it cannot be ended then.
    pub early_end_fee: Option<Money>,
    pub payment_types: Vec<PaymentType>,
    /// Whether the customer may choose to start (or end) it at the start of the next period.
    pub may_start_next_period: bool,
    pub kinds: Vec<CustomerKind>,
    /// Add-ons that cannot be active on one line together with this one.
    pub incompatible: Vec<AddonId>,
    pub available: bool,
}

/// An add-on active on a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveAddon {
    pub id: LineAddonId,
    pub addon: AddonId,
    pub name: String,
    /// The price agreed when it was taken, excluding VAT.
    pub price: Money,
    pub billing_period: BillingPeriod,
    pub active_from: DateTime<Utc>,
    pub commitment_until: Option<NaiveDate>,
    pub early_end_fee: Option<Money>,
    /// Whether the catalog lets it end at the start of the next period.
    pub may_end_next_period: bool,
    /// A one-off add-on: when it ends by itself.
    pub ends_at: Option<DateTime<Utc>>,
    /// The day a scheduled request ends it.
    pub scheduled_end: Option<NaiveDate>,
}

impl ActiveAddon {
    /// The first day it can be ended without a fee.
    pub fn free_to_end_from(&self) -> NaiveDate {
        self.commitment_until
            .and_then(|until| until.succ_opt())
            .unwrap_or_else(|| self.active_from.date_naive())
    }
}

/// A line's current billing (or, on prepaid, allowance) period: `start` to `end`, exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The billing period around `day` of an account billed on `cycle_day` of each month.
    pub fn of_cycle(cycle_day: u32, day: NaiveDate) -> Self {
        let this_month = day.with_day(cycle_day).unwrap_or(day);
        let start = if this_month <= day {
            this_month
        } else {
            this_month
                .checked_sub_months(Months::new(1))
                .unwrap_or(this_month)
        };
        let end = start.checked_add_months(Months::new(1)).unwrap_or(start);
        Self { start, end }
    }

    pub fn days(self) -> i64 {
        (self.end - self.start).num_days().max(1)
    }

    /// Days from `day` to the end of the period, `day` included; within `0..=days()`.
    pub fn days_left(self, day: NaiveDate) -> i64 {
        (self.end - day.max(self.start))
            .num_days()
            .clamp(0, self.days())
    }
}

/// What a line's changes depend on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTerms {
    pub kind: CustomerKind,
    pub payment_type: PaymentType,
    pub currency: crate::money::Currency,
    /// Whether the line is active (a suspended line takes no changes).
    pub active: bool,
    pub period: Period,
    /// Prepaid: the credit left.
    pub credit: Option<Money>,
    pub today: NaiveDate,
}

/// A line as the services page names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLine {
    pub id: crate::ids::LineId,
    pub msisdn: crate::ids::Msisdn,
    pub label: Option<String>,
    pub plan: String,
    pub payment_type: PaymentType,
}

impl ServiceLine {
    /// `+420 601 123 456 (Jana)`.
    pub fn name(&self) -> String {
        match &self.label {
            Some(label) => format!("{} ({label})", self.msisdn.display()),
            None => self.msisdn.display(),
        }
    }
}

/// One line's services: its terms, active add-ons, the add-ons it may take and the changes
/// scheduled for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineServices {
    pub line: ServiceLine,
    pub terms: LineTerms,
    pub active: Vec<ActiveAddon>,
    /// Every add-on offered to this line (active ones included), in catalog order.
    pub catalog: Vec<Addon>,
    pub scheduled: Vec<crate::services::requests::ServiceRequest>,
}

impl LineServices {
    /// The active add-ons that taking `addon` would replace.
    pub fn replaced_by(&self, addon: &Addon) -> Vec<&ActiveAddon> {
        self.active
            .iter()
            .filter(|a| addon.incompatible.contains(&a.addon))
            .collect()
    }

    pub fn is_active(&self, addon: AddonId) -> bool {
        self.active.iter().any(|a| a.addon == addon)
    }
}

/// What confirming a change came to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeOutcome {
    /// The service request it made (done, scheduled or failed), or the one an earlier
    /// submission of the same confirmation made.
    pub request: crate::services::requests::ServiceRequest,
    /// Whether this was a repeat of a confirmation already handled: nothing more was done.
    pub repeated: bool,
    /// Prepaid: the credit left after the change.
    pub credit: Option<Money>,
    /// Whether the line is prepaid (its charges come from credit).
    pub prepaid: bool,
}

/// When a change takes effect; forms and links say `now` or `next`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum When {
    Now,
    #[serde(rename = "next")]
    NextPeriod,
}

impl When {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Now => "now",
            Self::NextPeriod => "next",
        }
    }

    /// From a form or a link: `next` is the next period, anything else now.
    pub fn parse(text: Option<&str>) -> Self {
        match text {
            Some("next") => Self::NextPeriod,
            _ => Self::Now,
        }
    }
}

/// A change a customer (or an agent for them) asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Change {
    /// Take an add-on; it replaces any active add-on it cannot be combined with.
    Activate { addon: AddonId, when: When },
    /// End an active add-on.
    End { line_addon: LineAddonId, when: When },
}

/// What a change does, as forms and links say it: `activate` an add-on of the catalog, or
/// `end` one active on the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeAction {
    Activate,
    End,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activate => "activate",
            Self::End => "end",
        }
    }
}

impl Change {
    /// The change a form or link asks for: `id` is the catalog's add-on to activate, or the
    /// line's add-on to end. It comes from the client, and the store finds it only on the
    /// signed-in customer's own line.
    pub fn of(action: ChangeAction, id: i64, when: When) -> Self {
        match action {
            ChangeAction::Activate => Self::Activate {
                addon: AddonId::trusted(id),
                when,
            },
            ChangeAction::End => Self::End {
                line_addon: LineAddonId::trusted(id),
                when,
            },
        }
    }
}

impl Change {
    pub fn when(self) -> When {
        match self {
            Self::Activate { when, .. } | Self::End { when, .. } => when,
        }
    }
}

/// An active add-on a change ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replaced {
    pub id: LineAddonId,
    pub name: String,
    /// The early-end fee, when it is still inside its commitment.
    pub fee: Option<Money>,
}

/// Everything a customer sees before confirming a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub change: Change,
    /// Activate, Switch (an activation that replaces) or End.
    pub kind: RequestKind,
    /// The add-on taken or ended.
    pub name: String,
    pub conditions: Option<String>,
    /// Whether the customer may choose between now and the next period.
    pub may_choose_when: bool,
    pub effective_on: NaiveDate,
    /// What it costs on `effective_on`: the first charge plus any early-end fees.
    pub charge: Money,
    /// Of which the add-on's own first charge (pro rata, or the full price).
    pub first_charge: Money,
    /// Whether the charge on `effective_on` was pro rata (postpaid, a monthly add-on taken
    /// inside a period).
    pub pro_rata: bool,
    /// Taken from prepaid credit (else: on the next invoice).
    pub from_credit: bool,
    /// Taking an add-on: what it costs each period after, and how often.
    pub recurring: Option<(Money, BillingPeriod)>,
    /// Taking an add-on: the commitment it starts; ending one: the commitment it is under.
    pub commitment_until: Option<NaiveDate>,
    /// Active add-ons it ends.
    pub replaces: Vec<Replaced>,
    /// Ending an add-on inside its commitment: the fee.
    pub end_fee: Option<Money>,
}

impl Preview {
    /// What was asked, as the service request records it.
    pub fn asked(&self) -> super::Asked {
        super::Asked::Addon {
            name: self.name.clone(),
            replaces: match self.kind {
                RequestKind::Switch => self.replaces.iter().map(|r| r.name.clone()).collect(),
                _ => Vec::new(),
            },
        }
    }

    /// What was asked, in words: "Take Data 5 GB from 1. 12. 2026".
    pub fn summary(&self, language: Language) -> String {
        self.asked()
            .words(self.kind, self.effective_on, false, language)
    }
}

/// Why a change is not possible, in terms of the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// Not in the catalog for this customer or line.
    NotOffered,
    LineNotActive,
    AlreadyActive,
    /// A request for it is already scheduled for that day.
    AlreadyScheduled(NaiveDate),
    /// The add-on to end is not active on the line.
    NotActive,
    /// The catalog does not let it start or end at the next period.
    NotNextPeriod,
    OneOff {
        ends_at: Option<DateTime<Utc>>,
    },
    /// Inside its commitment, which has no early-end fee: it can end on `until`.
    InCommitment {
        name: String,
        until: NaiveDate,
    },
    NotEnoughCredit {
        needed: Money,
        credit: Money,
    },
    /// The confirmed figures are no longer what the rules give (the price or the line changed).
    Changed,
}

impl Refusal {
    /// The refusal in words for the customer.
    pub fn message(&self, language: Language) -> String {
        match self {
            Self::NotOffered => "This add-on is not available for this line.".into(),
            Self::LineNotActive => {
                "This line is not active, so its services cannot be changed.".into()
            }
            Self::AlreadyActive => "This add-on is already active on this line.".into(),
            Self::AlreadyScheduled(on) => format!(
                "A change of this add-on is already scheduled for {}.",
                language.format_date(*on)
            ),
            Self::NotActive => "This add-on is not active on this line.".into(),
            Self::NotNextPeriod => {
                "This add-on can only change at once, not from the next period.".into()
            }
            Self::OneOff { ends_at } => match ends_at {
                Some(at) => format!(
                    "A one-off add-on cannot be ended early; it ends by itself on {}.",
                    language.format_date(at.date_naive())
                ),
                None => "A one-off add-on cannot be ended early.".into(),
            },
            Self::InCommitment { name, until } => format!(
                "{name} is inside its commitment and can be ended from {} on.",
                language.format_date(*until)
            ),
            Self::NotEnoughCredit { needed, credit } => format!(
                "This needs {} of credit and the line has {}. Top up first; nothing was changed.",
                needed.format(language),
                credit.format(language)
            ),
            Self::Changed => {
                "The price or terms changed since you looked. Please review the change again."
                    .into()
            }
        }
    }
}

/// Whether `addon` is offered to a customer of `kind` for a line paying by `payment_type` in
/// `currency`.
pub fn is_offered(addon: &Addon, terms: &LineTerms) -> bool {
    addon.available
        && addon.kinds.contains(&terms.kind)
        && addon.payment_types.contains(&terms.payment_type)
        && addon.price.currency == terms.currency
}

/// The part of `price` for the days from `from` to the end of `period`: price × days left /
/// days in the period, rounded once by the money rule.
pub fn pro_rata(price: Money, period: Period, from: NaiveDate) -> Money {
    let share = rust_decimal::Decimal::from(period.days_left(from))
        / rust_decimal::Decimal::from(period.days());
    Money::new(round(price.amount * share), price.currency)
}

/// The last day of a commitment of `months` starting on `start`: the day before the same
/// day-of-month `months` later (clamped to the month's end). `None` without one.
pub fn commitment_until(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    (months > 0).then(|| {
        start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(start)
    })
}

/// What ending `active` on `day` costs: `Ok(None)` when free, `Ok(Some(fee))` inside the
/// commitment with a fee, and a refusal inside a commitment without one.
pub fn end_fee(active: &ActiveAddon, day: NaiveDate) -> Result<Option<Money>, Refusal> {
    match active.commitment_until {
        Some(until) if day <= until => match active.early_end_fee {
            Some(fee) => Ok(Some(fee)),
            None => Err(Refusal::InCommitment {
                name: active.name.clone(),
                until: until.succ_opt().unwrap_or(until),
            }),
        },
        _ => Ok(None),
    }
}

/// The day a change made `when` takes effect.
fn effective_on(when: When, terms: &LineTerms) -> NaiveDate {
    match when {
        When::Now => terms.today,
        When::NextPeriod => terms.period.end,
    }
}

/// The preview of `change` on a line with `terms`, its `active` add-ons, the add-ons
/// `scheduled` to start (with their day), and the `catalog`.
///
/// # Errors
/// A [`Refusal`] when the rules do not allow the change.
pub fn preview(
    change: Change,
    terms: &LineTerms,
    active: &[ActiveAddon],
    scheduled: &[(AddonId, NaiveDate)],
    catalog: &[Addon],
) -> Result<Preview, Refusal> {
    if !terms.active {
        return Err(Refusal::LineNotActive);
    }
    let prepaid = terms.payment_type == PaymentType::Prepaid;
    let zero = Money::from_cents(0, terms.currency);
    match change {
        Change::Activate { addon, when } => {
            let addon = catalog
                .iter()
                .find(|a| a.id == addon)
                .filter(|a| is_offered(a, terms))
                .ok_or(Refusal::NotOffered)?;
            if active.iter().any(|a| a.addon == addon.id) {
                return Err(Refusal::AlreadyActive);
            }
            if let Some((_, on)) = scheduled.iter().find(|(id, _)| *id == addon.id) {
                return Err(Refusal::AlreadyScheduled(*on));
            }
            if when == When::NextPeriod && !addon.may_start_next_period {
                return Err(Refusal::NotNextPeriod);
            }
            let effective = effective_on(when, terms);
            // A monthly add-on taken inside a period costs the rest of it; one taken from the
            // next period starts a whole one.
            let pro_rata_applies = !prepaid
                && addon.billing_period == BillingPeriod::Month
                && when == When::Now
                && terms.today > terms.period.start;
            let first_charge = if pro_rata_applies {
                pro_rata(addon.price, terms.period, effective)
            } else {
                addon.price
            };
            let mut replaces = Vec::new();
            for other in active
                .iter()
                .filter(|a| addon.incompatible.contains(&a.addon))
            {
                replaces.push(Replaced {
                    id: other.id,
                    name: other.name.clone(),
                    fee: end_fee(other, effective)?,
                });
            }
            let fees: rust_decimal::Decimal = replaces
                .iter()
                .filter_map(|r| r.fee)
                .map(|m| m.amount)
                .sum();
            let charge = Money::new(first_charge.amount + fees, terms.currency);
            check_credit(terms, when, charge)?;
            Ok(Preview {
                change,
                kind: if replaces.is_empty() {
                    RequestKind::Activate
                } else {
                    RequestKind::Switch
                },
                name: addon.name.clone(),
                conditions: Some(addon.conditions.clone()),
                may_choose_when: addon.may_start_next_period,
                effective_on: effective,
                charge,
                first_charge,
                pro_rata: pro_rata_applies && first_charge != addon.price,
                from_credit: prepaid,
                recurring: (addon.billing_period != BillingPeriod::Once)
                    .then_some((addon.price, addon.billing_period)),
                commitment_until: commitment_until(effective, addon.commitment_months),
                replaces,
                end_fee: None,
            })
        }
        Change::End { line_addon, when } => {
            let target = active
                .iter()
                .find(|a| a.id == line_addon)
                .ok_or(Refusal::NotActive)?;
            if target.billing_period == BillingPeriod::Once {
                return Err(Refusal::OneOff {
                    ends_at: target.ends_at,
                });
            }
            if let Some(on) = target.scheduled_end {
                return Err(Refusal::AlreadyScheduled(on));
            }
            if when == When::NextPeriod && !target.may_end_next_period {
                return Err(Refusal::NotNextPeriod);
            }
            let effective = effective_on(when, terms);
            let fee = end_fee(target, effective)?;
            let charge = fee.unwrap_or(zero);
            check_credit(terms, when, charge)?;
            Ok(Preview {
                change,
                kind: RequestKind::End,
                name: target.name.clone(),
                conditions: None,
                may_choose_when: target.may_end_next_period,
                effective_on: effective,
                charge,
                first_charge: zero,
                pro_rata: false,
                from_credit: prepaid && fee.is_some(),
                recurring: None,
                // The commitment it is (or was) under, so the preview can say when it ends.
                commitment_until: target.commitment_until,
                replaces: Vec::new(),
                end_fee: fee,
            })
        }
    }
}

/// On prepaid, a change made now is paid from credit now: refused when there is too little.
/// (A scheduled one is checked again on its day.)
fn check_credit(terms: &LineTerms, when: When, charge: Money) -> Result<(), Refusal> {
    match terms.credit {
        Some(credit) if when == When::Now && charge.amount > credit.amount => {
            Err(Refusal::NotEnoughCredit {
                needed: charge,
                credit,
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn czk(cents: i64) -> Money {
        Money::from_cents(cents, Currency::Czk)
    }

    fn addon(id: i64, name: &str, cents: i64) -> Addon {
        Addon {
            id: AddonId::trusted(id),
            code: format!("cz-{id}"),
            name: name.into(),
            description: String::new(),
            conditions: "Cancel any time.".into(),
            price: czk(cents),
            billing_period: BillingPeriod::Month,
            commitment_months: 0,
            early_end_fee: None,
            payment_types: vec![PaymentType::Prepaid, PaymentType::Postpaid],
            may_start_next_period: false,
            kinds: CustomerKind::ALL.to_vec(),
            incompatible: Vec::new(),
            available: true,
        }
    }

    fn active(id: i64, of: &Addon, from: NaiveDate) -> ActiveAddon {
        ActiveAddon {
            id: LineAddonId::trusted(id),
            addon: of.id,
            name: of.name.clone(),
            price: of.price,
            billing_period: of.billing_period,
            active_from: from.and_hms_opt(10, 0, 0).unwrap().and_utc(),
            commitment_until: commitment_until(from, of.commitment_months),
            early_end_fee: of.early_end_fee,
            may_end_next_period: of.may_start_next_period,
            ends_at: None,
            scheduled_end: None,
        }
    }

    /// A postpaid private line on 16 Nov, in the period 1 Nov – 30 Nov.
    fn postpaid() -> LineTerms {
        LineTerms {
            kind: CustomerKind::Private,
            payment_type: PaymentType::Postpaid,
            currency: Currency::Czk,
            active: true,
            period: Period {
                start: day(2026, 11, 1),
                end: day(2026, 12, 1),
            },
            credit: None,
            today: day(2026, 11, 16),
        }
    }

    fn prepaid(credit_cents: i64) -> LineTerms {
        LineTerms {
            kind: CustomerKind::Prepaid,
            payment_type: PaymentType::Prepaid,
            credit: Some(czk(credit_cents)),
            ..postpaid()
        }
    }

    fn activate(id: i64) -> Change {
        Change::Activate {
            addon: AddonId::trusted(id),
            when: When::Now,
        }
    }

    #[test]
    fn a_form_names_the_change_and_when_in_words() {
        let read = |json: &str| serde_json::from_str::<(ChangeAction, When)>(json).unwrap();
        assert_eq!(
            read(r#"["activate","now"]"#),
            (ChangeAction::Activate, When::Now)
        );
        assert_eq!(
            read(r#"["end","next"]"#),
            (ChangeAction::End, When::NextPeriod)
        );
        assert!(serde_json::from_str::<ChangeAction>(r#""delete""#).is_err());
        for when in [When::Now, When::NextPeriod] {
            assert_eq!(
                serde_json::to_string(&when).unwrap(),
                format!("\"{}\"", when.as_str())
            );
        }
        assert_eq!(
            Change::of(ChangeAction::End, 7, When::Now),
            Change::End {
                line_addon: LineAddonId::trusted(7),
                when: When::Now
            }
        );
    }

    #[test]
    fn a_monthly_add_on_taken_mid_period_on_postpaid_costs_the_days_left() {
        let data = addon(1, "Data 20 GB", 39_900);
        let p = preview(activate(1), &postpaid(), &[], &[], &[data]).unwrap();
        // 15 of 30 days left, today included.
        assert_eq!(p.first_charge, czk(19_950));
        assert_eq!(p.charge, czk(19_950));
        assert!(p.pro_rata && !p.from_credit);
        assert_eq!(p.recurring, Some((czk(39_900), BillingPeriod::Month)));
        assert_eq!(p.effective_on, day(2026, 11, 16));
        assert_eq!(p.kind, RequestKind::Activate);
    }

    #[test]
    fn a_billing_period_runs_from_the_cycle_day_to_the_same_day_next_month() {
        assert_eq!(
            Period::of_cycle(5, day(2026, 11, 25)),
            Period {
                start: day(2026, 11, 5),
                end: day(2026, 12, 5)
            }
        );
        assert_eq!(
            Period::of_cycle(28, day(2026, 1, 3)),
            Period {
                start: day(2025, 12, 28),
                end: day(2026, 1, 28)
            }
        );
    }

    #[test]
    fn pro_rata_rounds_once_half_away_from_zero() {
        let period = Period {
            start: day(2026, 11, 1),
            end: day(2026, 12, 1),
        };
        // 199.00 × 7 / 30 = 46.4333… → 46.43
        assert_eq!(pro_rata(czk(19_900), period, day(2026, 11, 24)), czk(4_643));
        // 0.05 × 15 / 30 = 0.025 → 0.03
        assert_eq!(pro_rata(czk(5), period, day(2026, 11, 16)), czk(3));
    }

    #[test]
    fn on_prepaid_the_full_price_comes_from_credit_or_nothing_happens() {
        let data = addon(1, "Data 5 GB", 2_000);
        let p = preview(
            activate(1),
            &prepaid(5_000),
            &[],
            &[],
            std::slice::from_ref(&data),
        )
        .unwrap();
        assert_eq!(p.charge, czk(2_000));
        assert!(p.from_credit && !p.pro_rata);
        assert_eq!(
            preview(activate(1), &prepaid(1_999), &[], &[], &[data]),
            Err(Refusal::NotEnoughCredit {
                needed: czk(2_000),
                credit: czk(1_999)
            })
        );
    }

    #[test]
    fn add_ons_the_customer_kind_or_payment_type_may_not_take_are_not_offered() {
        let mut business_only = addon(1, "Priority support", 9_900);
        business_only.kinds = vec![CustomerKind::Business, CustomerKind::Corporate];
        assert!(!is_offered(&business_only, &postpaid()));
        assert_eq!(
            preview(activate(1), &postpaid(), &[], &[], &[business_only.clone()]),
            Err(Refusal::NotOffered)
        );
        let business = LineTerms {
            kind: CustomerKind::Business,
            ..postpaid()
        };
        assert!(is_offered(&business_only, &business));

        let mut postpaid_only = addon(2, "TV", 19_900);
        postpaid_only.payment_types = vec![PaymentType::Postpaid];
        assert!(!is_offered(&postpaid_only, &prepaid(100_000)));

        let mut withdrawn = addon(3, "Old", 100);
        withdrawn.available = false;
        assert!(!is_offered(&withdrawn, &postpaid()));

        let mut in_euros = addon(4, "Euro", 100);
        in_euros.price = Money::from_cents(100, Currency::Eur);
        assert!(!is_offered(&in_euros, &postpaid()));
    }

    #[test]
    fn an_incompatible_add_on_replaces_the_active_one() {
        let mut small = addon(1, "Data 5 GB", 19_900);
        let mut big = addon(2, "Data 20 GB", 39_900);
        small.incompatible = vec![big.id];
        big.incompatible = vec![small.id];
        let on = [active(7, &small, day(2026, 10, 3))];
        let p = preview(activate(2), &postpaid(), &on, &[], &[small, big]).unwrap();
        assert_eq!(p.kind, RequestKind::Switch);
        assert_eq!(
            p.replaces,
            vec![Replaced {
                id: LineAddonId::trusted(7),
                name: "Data 5 GB".into(),
                fee: None
            }]
        );
    }

    #[test]
    fn the_same_add_on_is_not_taken_twice_nor_while_one_is_scheduled() {
        let data = addon(1, "Data 5 GB", 19_900);
        let on = [active(7, &data, day(2026, 10, 3))];
        let catalog = [data];
        assert_eq!(
            preview(activate(1), &postpaid(), &on, &[], &catalog),
            Err(Refusal::AlreadyActive)
        );
        let soon = [(AddonId::trusted(1), day(2026, 12, 1))];
        assert_eq!(
            preview(activate(1), &postpaid(), &[], &soon, &catalog),
            Err(Refusal::AlreadyScheduled(day(2026, 12, 1)))
        );
    }

    #[test]
    fn the_next_period_is_a_choice_only_where_the_catalog_allows_it() {
        let mut data = addon(1, "Data 20 GB", 39_900);
        let change = Change::Activate {
            addon: data.id,
            when: When::NextPeriod,
        };
        assert_eq!(
            preview(change, &postpaid(), &[], &[], &[data.clone()]),
            Err(Refusal::NotNextPeriod)
        );
        data.may_start_next_period = true;
        let p = preview(change, &postpaid(), &[], &[], &[data]).unwrap();
        assert_eq!(p.effective_on, day(2026, 12, 1));
        // A whole period: the full price, not pro rata.
        assert_eq!(p.charge, czk(39_900));
        assert!(!p.pro_rata && p.may_choose_when);
    }

    #[test]
    fn a_commitment_ends_the_day_before_the_same_date_months_later() {
        assert_eq!(
            commitment_until(day(2026, 1, 31), 1),
            Some(day(2026, 2, 27))
        );
        assert_eq!(
            commitment_until(day(2026, 11, 16), 24),
            Some(day(2028, 11, 15))
        );
        assert_eq!(commitment_until(day(2026, 11, 16), 0), None);
    }

    #[test]
    fn taking_an_add_on_with_a_commitment_says_until_when() {
        let mut insurance = addon(1, "Insurance", 12_900);
        insurance.commitment_months = 24;
        let p = preview(activate(1), &postpaid(), &[], &[], &[insurance]).unwrap();
        assert_eq!(p.commitment_until, Some(day(2028, 11, 15)));
    }

    #[test]
    fn ending_inside_a_commitment_costs_the_fee_or_is_refused_without_one() {
        let mut insurance = addon(1, "Insurance", 12_900);
        insurance.commitment_months = 24;
        insurance.early_end_fee = Some(czk(150_000));
        let on = [active(7, &insurance, day(2026, 10, 6))];
        let end = Change::End {
            line_addon: LineAddonId::trusted(7),
            when: When::Now,
        };
        let p = preview(end, &postpaid(), &on, &[], &[]).unwrap();
        assert_eq!(p.end_fee, Some(czk(150_000)));
        assert_eq!(p.charge, czk(150_000));
        assert_eq!(p.kind, RequestKind::End);

        insurance.early_end_fee = None;
        let on = [active(7, &insurance, day(2026, 10, 6))];
        assert_eq!(
            preview(end, &postpaid(), &on, &[], &[]),
            Err(Refusal::InCommitment {
                name: "Insurance".into(),
                until: day(2028, 10, 6)
            })
        );
        // From the day after the commitment, free.
        let later = LineTerms {
            today: day(2028, 10, 6),
            ..postpaid()
        };
        assert_eq!(preview(end, &later, &on, &[], &[]).unwrap().end_fee, None);
    }

    #[test]
    fn replacing_an_add_on_inside_its_commitment_follows_the_same_rule() {
        let mut tv = addon(1, "TV", 19_900);
        let mut bundle = addon(2, "TV + Music", 29_900);
        tv.commitment_months = 12;
        tv.incompatible = vec![bundle.id];
        bundle.incompatible = vec![tv.id];
        let on = [active(7, &tv, day(2026, 10, 6))];
        assert!(matches!(
            preview(
                activate(2),
                &postpaid(),
                &on,
                &[],
                &[tv.clone(), bundle.clone()]
            ),
            Err(Refusal::InCommitment { .. })
        ));
        tv.early_end_fee = Some(czk(50_000));
        let on = [active(7, &tv, day(2026, 10, 6))];
        let p = preview(activate(2), &postpaid(), &on, &[], &[tv, bundle]).unwrap();
        assert_eq!(p.replaces[0].fee, Some(czk(50_000)));
        assert_eq!(p.charge, czk(14_950 + 50_000));
    }

    #[test]
    fn a_one_off_add_on_is_not_ended_early_and_an_inactive_one_not_at_all() {
        let mut extra = addon(1, "Extra 1 GB", 9_900);
        extra.billing_period = BillingPeriod::Once;
        let on = [active(7, &extra, day(2026, 11, 10))];
        let end = |id| Change::End {
            line_addon: LineAddonId::trusted(id),
            when: When::Now,
        };
        assert!(matches!(
            preview(end(7), &postpaid(), &on, &[], &[]),
            Err(Refusal::OneOff { .. })
        ));
        assert_eq!(
            preview(end(8), &postpaid(), &on, &[], &[]),
            Err(Refusal::NotActive)
        );
    }

    #[test]
    fn a_suspended_line_takes_no_changes() {
        let terms = LineTerms {
            active: false,
            ..postpaid()
        };
        assert_eq!(
            preview(activate(1), &terms, &[], &[], &[addon(1, "Data", 100)]),
            Err(Refusal::LineNotActive)
        );
    }

    proptest! {
        #[test]
        fn pro_rata_is_between_nothing_and_the_full_price_and_falls_day_by_day(
            cents in 0i64..10_000_000,
            length in 28i64..=31,
            offset in 0i64..31,
        ) {
            let start = day(2026, 1, 1);
            let period = Period { start, end: start + chrono::Duration::days(length) };
            let price = czk(cents);
            let today = start + chrono::Duration::days(offset.min(length - 1));
            let part = pro_rata(price, period, today);
            prop_assert!(part.amount >= rust_decimal::Decimal::ZERO);
            prop_assert!(part.amount <= price.amount);
            prop_assert_eq!(pro_rata(price, period, start), price);
            let tomorrow = pro_rata(price, period, today + chrono::Duration::days(1));
            prop_assert!(tomorrow.amount <= part.amount);
            // Exact to the cent: never more than half a cent from the true share.
            let exact = price.amount * rust_decimal::Decimal::from(period.days_left(today))
                / rust_decimal::Decimal::from(period.days());
            prop_assert!((part.amount - exact).abs() <= rust_decimal::Decimal::new(5, 3));
        }

        #[test]
        fn a_commitment_always_ends_after_it_starts(months in 1u32..60, offset in 0i64..3000) {
            let start = day(2024, 1, 1) + chrono::Duration::days(offset);
            let until = commitment_until(start, months).unwrap();
            prop_assert!(until > start);
            prop_assert!(until < start.checked_add_months(Months::new(months)).unwrap());
        }
    }
}
