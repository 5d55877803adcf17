//! Roaming, data roaming and the data-roaming spending cap of a line: the settings, the cap's
//! state, and the rules of a change. The store ([`crate::store`]) applies a change with
//! [`RoamingSettings::apply`] inside the transaction that writes it.
//!
//! The rules, after the EU roaming regulation (No 531/2012, art. 15):
//! - every line has a spending cap on data roaming, by default EUR 50 excluding VAT per billing
//!   period or the same in the line's currency ([`default_cap`]); the customer may set another
//!   ([`Cap::parse`]: above zero, at most [`MAX_CAP_MULTIPLE`] times the default) or lift it;
//! - at 80 % of the cap the customer is told ([`CapState::Near`]); at the cap data roaming stops
//!   ([`CapState::Reached`]) unless the customer expressly chooses to go on
//!   ([`RoamingChange::ContinuePastCap`], for the rest of the period: [`CapState::Continued`]);
//!   changing the cap withdraws that choice, so a new cap always starts by stopping at it;
//! - data roaming needs roaming: turning roaming off turns data roaming off too, and data
//!   roaming cannot be turned on while roaming is off;
//! - a change to the state a line already has is refused as "nothing to change", so it records
//!   no request.
//!
//! What was spent (`spent`) is counted by rating and starts again each billing period; the
//! rules here only read it.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::{LineId, RequestId};
use crate::locale::Language;
use crate::money::{Currency, Money};
use crate::InputError;

/// The notice comes at this share of the cap, in per mille.
pub const NEAR_CAP_PER_MILLE: i64 = 800;

/// A cap the customer sets may be at most this many times the default: a typo of a few
/// zeros should not amount to lifting the cap without saying so.
pub const MAX_CAP_MULTIPLE: i64 = 100;

/// The EU default cap: EUR 50 excluding VAT per billing period, or its equivalent, rounded to
/// a round figure, in the line's currency (CZK 1 250, PLN 215).
pub fn default_cap(currency: Currency) -> Money {
    let cents = match currency {
        Currency::Eur => 5_000,
        Currency::Czk => 125_000,
        Currency::Pln => 21_500,
    };
    Money::from_cents(cents, currency)
}

/// A data-roaming cap the rules accept: above zero and at most [`MAX_CAP_MULTIPLE`] times the
/// default, in whole cents. Made only by [`Cap::parse`] and [`Cap::default_for`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cap(Money);

impl Cap {
    /// The default cap of a currency.
    pub fn default_for(currency: Currency) -> Self {
        Self(default_cap(currency))
    }

    /// Reads a cap as the customer types it (`50`, `50,00`, `1 250 Kč`).
    ///
    /// # Errors
    /// When it is not an amount, is zero, or is above the maximum; the message says which, in
    /// words for the customer, with amounts written for `language`.
    pub fn parse(text: &str, currency: Currency, language: Language) -> Result<Self, InputError> {
        let amount = Money::parse_input(text, currency).map_err(|_| {
            InputError::new(
                "cap",
                format!(
                    "Enter the cap as an amount such as {}, or lift the cap.",
                    default_cap(currency).format(language)
                ),
            )
        })?;
        Self::new(amount, language)
    }

    /// Checks an amount against the rules.
    ///
    /// # Errors
    /// As [`Cap::parse`].
    pub fn new(amount: Money, language: Language) -> Result<Self, InputError> {
        if amount.amount <= Decimal::ZERO {
            return Err(InputError::new(
                "cap",
                "A cap must be above zero. To stop data roaming, turn it off instead.",
            ));
        }
        let max = Self::max(amount.currency);
        if amount.amount > max.amount {
            return Err(InputError::new(
                "cap",
                format!(
                    "A cap can be at most {}. For no limit at all, lift the cap.",
                    max.format(language)
                ),
            ));
        }
        Ok(Self(Money::from_cents(amount.cents(), amount.currency)))
    }

    /// The highest cap a customer may set in `currency`.
    pub fn max(currency: Currency) -> Money {
        let default = default_cap(currency);
        Money::new(default.amount * Decimal::from(MAX_CAP_MULTIPLE), currency)
    }

    pub fn money(self) -> Money {
        self.0
    }
}

/// Where a line stands against its data-roaming cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapState {
    /// The cap is lifted: data roaming is not limited.
    NoCap,
    /// Under 80 % of the cap spent.
    Under,
    /// At least 80 % spent, under the cap: the customer is told.
    Near,
    /// The cap is spent: data roaming has stopped.
    Reached,
    /// The cap is spent and the customer chose to go on for the rest of the period.
    Continued,
}

impl CapState {
    /// Whether the cap stops data roaming now.
    pub fn is_stopped(self) -> bool {
        self == Self::Reached
    }
}

/// A line's data-roaming cap and what was spent against it this billing period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataCap {
    /// `None`: the cap is lifted.
    pub cap: Option<Money>,
    /// Data roaming charged this period, excluding VAT.
    pub spent: Money,
    /// The customer's express choice to go on past the cap, this period.
    pub continue_past_cap: bool,
}

impl DataCap {
    /// The rule: 80 % and more is near, the cap itself and more is reached (or continued, when
    /// the customer chose to go on). Compared in exact decimals.
    pub fn state(&self) -> CapState {
        let Some(cap) = self.cap else {
            return CapState::NoCap;
        };
        let spent = self.spent.amount;
        if spent >= cap.amount {
            if self.continue_past_cap {
                CapState::Continued
            } else {
                CapState::Reached
            }
        } else if spent * Decimal::from(1000) >= cap.amount * Decimal::from(NEAR_CAP_PER_MILLE) {
            CapState::Near
        } else {
            CapState::Under
        }
    }

    /// How much of the cap is spent, in per mille, at most 1000; `None` without a cap.
    pub fn per_mille_used(&self) -> Option<u16> {
        let cap = self.cap?;
        if cap.amount <= Decimal::ZERO {
            return Some(1000);
        }
        let share = (self.spent.amount * Decimal::from(1000) / cap.amount).floor();
        Some(
            share
                .clamp(Decimal::ZERO, Decimal::from(1000))
                .to_string()
                .parse()
                .unwrap_or(1000),
        )
    }

    /// Spent against the cap, in words: "12,30 € of 50,00 € cap", or "12,30 € spent, no cap".
    pub fn describe(&self, language: Language) -> String {
        match self.cap {
            Some(cap) => format!(
                "{} of {} cap",
                self.spent.format(language),
                cap.format(language)
            ),
            None => format!("{} spent, no cap", self.spent.format(language)),
        }
    }
}

/// A line's roaming settings, as the customer sees and changes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoamingSettings {
    pub line: LineId,
    pub roaming_on: bool,
    pub data_roaming_on: bool,
    pub data_cap: DataCap,
    /// When they were last changed; `None` while the defaults apply.
    pub updated_at: Option<DateTime<Utc>>,
}

/// What the customer asks to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoamingChange {
    /// Roaming on or off (off turns data roaming off too).
    Roaming(bool),
    /// Data roaming on or off (on needs roaming on).
    DataRoaming(bool),
    /// Another cap (withdraws the choice to go on past the old one).
    SetCap(Cap),
    /// No cap at all.
    LiftCap,
    /// Go on with data roaming past the reached cap, for the rest of the period.
    ContinuePastCap,
    /// Withdraw that choice: stop at the cap again.
    StopAtCap,
}

/// What a roaming form asks for, as its `change` field says it (`roaming-on`, `cap`, …); a
/// new cap comes with the amount typed, read by [`RoamingAction::change`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoamingAction {
    RoamingOn,
    RoamingOff,
    DataOn,
    DataOff,
    Cap,
    LiftCap,
    Continue,
    StopAtCap,
}

impl RoamingAction {
    /// As the form sends it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RoamingOn => "roaming-on",
            Self::RoamingOff => "roaming-off",
            Self::DataOn => "data-on",
            Self::DataOff => "data-off",
            Self::Cap => "cap",
            Self::LiftCap => "lift-cap",
            Self::Continue => "continue",
            Self::StopAtCap => "stop-at-cap",
        }
    }

    /// The change asked for; for [`Self::Cap`], `cap` is the amount typed, in the line's
    /// currency and the customer's way of writing numbers.
    ///
    /// # Errors
    /// When the cap typed is not an allowed amount.
    pub fn change(
        self,
        cap: Option<&str>,
        currency: Currency,
        language: Language,
    ) -> Result<RoamingChange, InputError> {
        Ok(match self {
            Self::RoamingOn => RoamingChange::Roaming(true),
            Self::RoamingOff => RoamingChange::Roaming(false),
            Self::DataOn => RoamingChange::DataRoaming(true),
            Self::DataOff => RoamingChange::DataRoaming(false),
            Self::Cap => RoamingChange::SetCap(Cap::parse(cap.unwrap_or(""), currency, language)?),
            Self::LiftCap => RoamingChange::LiftCap,
            Self::Continue => RoamingChange::ContinuePastCap,
            Self::StopAtCap => RoamingChange::StopAtCap,
        })
    }
}

/// Why a change is not made. Nothing is written for any of these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The line already is as asked; the text says how.
    NothingToChange(String),
    /// Data roaming asked for while roaming is off.
    NeedsRoaming,
    /// Going on past the cap asked for before data roaming stopped at it.
    NotStopped(CapState),
    /// Stopping at the cap asked for without a cap.
    NoCap,
    /// A cap in another currency than the line's.
    WrongCurrency(Currency),
}

impl Refusal {
    /// In words for the customer.
    pub fn message(&self) -> String {
        match self {
            Self::NothingToChange(how) => format!("Nothing to change: {how}."),
            Self::NeedsRoaming => "Data roaming needs roaming: turn roaming on first.".into(),
            Self::NotStopped(CapState::NoCap) => {
                "There is no cap to go past: data roaming is not limited.".into()
            }
            Self::NotStopped(_) => {
                "You can choose to go on once data roaming stops at the cap.".into()
            }
            Self::NoCap => "There is no cap to stop at: set a cap first.".into(),
            Self::WrongCurrency(currency) => {
                format!("The cap must be in {}.", currency.code())
            }
        }
    }
}

/// What a roaming request asked for, as its service request stores it (worded by
/// [`RoamingAsked::words`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "set", rename_all = "snake_case")]
pub enum RoamingAsked {
    /// Roaming or data roaming switched: both switches as they were left.
    Switches {
        roaming: bool,
        data_roaming: bool,
    },
    Cap {
        cap: Money,
    },
    LiftCap,
    ContinuePastCap,
    StopAtCap,
}

impl RoamingAsked {
    /// "Roaming off, data roaming off", "Data-roaming cap €50.00".
    pub fn words(self, language: Language) -> String {
        match self {
            Self::Switches {
                roaming,
                data_roaming,
            } => format!(
                "Roaming {}, data roaming {}",
                on_off(roaming),
                on_off(data_roaming)
            ),
            Self::Cap { cap } => format!("Data-roaming cap {}", cap.format(language)),
            Self::LiftCap => "Lift the data-roaming cap".into(),
            Self::ContinuePastCap => "Go on with data roaming past the cap".into(),
            Self::StopAtCap => "Stop data roaming at the cap".into(),
        }
    }
}

/// A change the rules allow: the settings it leaves, what the request records and the reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub settings: RoamingSettings,
    /// What was asked, for the service request: roaming off, data roaming off.
    pub asked: RoamingAsked,
    /// What happened, in words for the customer.
    pub message: String,
}

/// What became of a change the store was asked to make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoamingAnswer {
    /// Made now, and recorded by `request`; `message` says what happened.
    Changed { request: RequestId, message: String },
    /// The same submission (its key) was made before: that request, nothing more changed.
    Repeated {
        request: RequestId,
        asked: super::Asked,
    },
    /// Not made, nothing written.
    Refused(Refusal),
}

/// The store's answer to a change: the settings as they now are, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoamingOutcome {
    pub settings: RoamingSettings,
    pub answer: RoamingAnswer,
}

impl RoamingOutcome {
    /// Whether the customer's request was met (also when it was met before or needed nothing).
    pub fn is_ok(&self) -> bool {
        !matches!(
            self.answer,
            RoamingAnswer::Refused(ref r) if !matches!(r, Refusal::NothingToChange(_))
        )
    }

    /// The answer in words for the customer.
    pub fn message(&self, language: Language) -> String {
        match &self.answer {
            RoamingAnswer::Changed { message, .. } => message.clone(),
            RoamingAnswer::Repeated { asked, .. } => {
                // A roaming request's words have no date.
                let summary = asked.words(
                    super::requests::RequestKind::Roaming,
                    NaiveDate::MIN,
                    false,
                    language,
                );
                format!("Already done: {summary}. Nothing more was changed.")
            }
            RoamingAnswer::Refused(refusal) => refusal.message(),
        }
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

impl RoamingSettings {
    /// A line without stored settings: roaming on, data roaming off, the default cap.
    pub fn defaults(line: LineId, currency: Currency) -> Self {
        Self {
            line,
            roaming_on: true,
            data_roaming_on: false,
            data_cap: DataCap {
                cap: Some(default_cap(currency)),
                spent: Money::from_cents(0, currency),
                continue_past_cap: false,
            },
            updated_at: None,
        }
    }

    pub fn currency(&self) -> Currency {
        self.data_cap.spent.currency
    }

    pub fn cap_state(&self) -> CapState {
        self.data_cap.state()
    }

    /// Whether data works abroad right now: roaming and data roaming on, and not stopped at
    /// the cap.
    pub fn data_roaming_works(&self) -> bool {
        self.roaming_on && self.data_roaming_on && !self.cap_state().is_stopped()
    }

    /// The two switches in words: "Roaming on, data roaming off".
    pub fn switches(&self) -> RoamingAsked {
        RoamingAsked::Switches {
            roaming: self.roaming_on,
            data_roaming: self.data_roaming_on,
        }
    }

    /// Applies `change` by the rules (see the module docs), as of `now`; amounts in the
    /// reply are written for `language`.
    ///
    /// # Errors
    /// A [`Refusal`] when the rules do not allow it or it would change nothing.
    pub fn apply(
        &self,
        change: RoamingChange,
        language: Language,
        now: DateTime<Utc>,
    ) -> Result<Applied, Refusal> {
        let mut next = self.clone();
        let fmt = |m: Money| m.format(language);
        let (asked, message) = match change {
            RoamingChange::Roaming(on) => {
                next.roaming_on = on;
                if !on {
                    next.data_roaming_on = false;
                }
                let message = match (on, self.data_roaming_on) {
                    (true, _) => "Roaming is on.".to_string(),
                    (false, true) => {
                        "Roaming is off. Data roaming is off too: it needs roaming.".to_string()
                    }
                    (false, false) => "Roaming is off.".to_string(),
                };
                (next.switches(), message)
            }
            RoamingChange::DataRoaming(on) => {
                if on && !self.roaming_on {
                    return Err(Refusal::NeedsRoaming);
                }
                next.data_roaming_on = on;
                let message = match (on, next.cap_state()) {
                    (false, _) => "Data roaming is off.".to_string(),
                    (true, CapState::Reached) => format!(
                        "Data roaming is on, but stopped at the cap ({}) until you choose to go on or change the cap.",
                        next.data_cap.describe(language)
                    ),
                    (true, _) => "Data roaming is on.".to_string(),
                };
                (next.switches(), message)
            }
            RoamingChange::SetCap(cap) => {
                let cap = cap.money();
                if cap.currency != self.currency() {
                    return Err(Refusal::WrongCurrency(self.currency()));
                }
                next.data_cap.cap = Some(cap);
                next.data_cap.continue_past_cap = false;
                let mut message = format!("The data-roaming cap is {}.", fmt(cap));
                match next.cap_state() {
                    CapState::Reached => message.push_str(&format!(
                        " {} is already spent this period, so data roaming stops until you choose to go on or raise the cap.",
                        fmt(next.data_cap.spent)
                    )),
                    CapState::Near => message.push_str(&format!(
                        " {} of it is already spent this period.",
                        fmt(next.data_cap.spent)
                    )),
                    _ => {}
                }
                (RoamingAsked::Cap { cap }, message)
            }
            RoamingChange::LiftCap => {
                next.data_cap.cap = None;
                next.data_cap.continue_past_cap = false;
                (
                    RoamingAsked::LiftCap,
                    "The data-roaming cap is lifted: data roaming is no longer limited."
                        .to_string(),
                )
            }
            RoamingChange::ContinuePastCap => {
                match self.cap_state() {
                    CapState::Reached => {}
                    CapState::Continued => {
                        return Err(Refusal::NothingToChange(
                            "you already chose to go on past the cap this period".into(),
                        ))
                    }
                    other => return Err(Refusal::NotStopped(other)),
                }
                next.data_cap.continue_past_cap = true;
                (
                    RoamingAsked::ContinuePastCap,
                    "Data roaming goes on past the cap until the end of the billing period, charged at the roaming rates."
                        .to_string(),
                )
            }
            RoamingChange::StopAtCap => {
                if self.data_cap.cap.is_none() {
                    return Err(Refusal::NoCap);
                }
                next.data_cap.continue_past_cap = false;
                (
                    RoamingAsked::StopAtCap,
                    "Data roaming stops at the cap again.".to_string(),
                )
            }
        };
        if next == *self {
            return Err(Refusal::NothingToChange(self.unchanged(change, language)));
        }
        next.updated_at = Some(now);
        Ok(Applied {
            settings: next,
            asked,
            message,
        })
    }

    /// How the line already is, for a change that changes nothing.
    fn unchanged(&self, change: RoamingChange, language: Language) -> String {
        match change {
            RoamingChange::Roaming(on) => format!("roaming is already {}", on_off(on)),
            RoamingChange::DataRoaming(on) => format!("data roaming is already {}", on_off(on)),
            RoamingChange::SetCap(cap) => {
                format!("the cap is already {}", cap.money().format(language))
            }
            RoamingChange::LiftCap => "the cap is already lifted".into(),
            RoamingChange::ContinuePastCap => "data roaming already goes on past the cap".into(),
            RoamingChange::StopAtCap => "data roaming already stops at the cap".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_roaming_form_names_its_change_in_words() {
        let all = [
            RoamingAction::RoamingOn,
            RoamingAction::RoamingOff,
            RoamingAction::DataOn,
            RoamingAction::DataOff,
            RoamingAction::Cap,
            RoamingAction::LiftCap,
            RoamingAction::Continue,
            RoamingAction::StopAtCap,
        ];
        for action in all {
            let sent = format!("\"{}\"", action.as_str());
            assert_eq!(
                serde_json::from_str::<RoamingAction>(&sent).unwrap(),
                action
            );
        }
        assert!(serde_json::from_str::<RoamingAction>(r#""everything-on""#).is_err());
        let (czk, cs) = (Currency::Czk, Language::Cs);
        assert_eq!(
            RoamingAction::DataOff.change(None, czk, cs).unwrap(),
            RoamingChange::DataRoaming(false)
        );
        assert_eq!(
            RoamingAction::Cap.change(Some("500"), czk, cs).unwrap(),
            RoamingChange::SetCap(Cap::new(Money::from_cents(50_000, czk), cs).unwrap())
        );
        assert_eq!(
            RoamingAction::Cap.change(None, czk, cs).unwrap_err().field,
            "cap"
        );
    }

    fn eur(cents: i64) -> Money {
        Money::from_cents(cents, Currency::Eur)
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn capped(cap: Option<i64>, spent: i64, go_on: bool) -> DataCap {
        DataCap {
            cap: cap.map(eur),
            spent: eur(spent),
            continue_past_cap: go_on,
        }
    }

    fn line(roaming: bool, data: bool, cap: DataCap) -> RoamingSettings {
        RoamingSettings {
            line: LineId::trusted(7),
            roaming_on: roaming,
            data_roaming_on: data,
            data_cap: cap,
            updated_at: None,
        }
    }

    fn cap(text: &str) -> Cap {
        Cap::parse(text, Currency::Eur, Language::En).unwrap()
    }

    #[test]
    fn the_default_cap_is_fifty_euros_or_the_same_in_the_lines_currency() {
        assert_eq!(default_cap(Currency::Eur).cents(), 5_000);
        assert_eq!(default_cap(Currency::Czk).cents(), 125_000);
        assert_eq!(default_cap(Currency::Pln).cents(), 21_500);
        assert_eq!(default_cap(Currency::Pln).currency, Currency::Pln);
    }

    #[test]
    fn the_notice_comes_at_eighty_percent_and_data_stops_exactly_at_the_cap() {
        assert_eq!(capped(Some(5_000), 3_999, false).state(), CapState::Under);
        assert_eq!(capped(Some(5_000), 4_000, false).state(), CapState::Near);
        assert_eq!(capped(Some(5_000), 4_999, false).state(), CapState::Near);
        assert_eq!(capped(Some(5_000), 5_000, false).state(), CapState::Reached);
        assert_eq!(
            capped(Some(5_000), 5_000, true).state(),
            CapState::Continued
        );
        assert_eq!(capped(Some(5_000), 4_999, true).state(), CapState::Near);
        assert_eq!(capped(None, 1_000_000, false).state(), CapState::NoCap);
        assert!(!line(true, true, capped(Some(5_000), 5_000, false)).data_roaming_works());
        assert!(line(true, true, capped(Some(5_000), 5_000, true)).data_roaming_works());
    }

    #[test]
    fn a_cap_is_described_with_what_was_spent() {
        assert_eq!(
            capped(Some(5_000), 1_230, false).describe(Language::Lt),
            "12,30\u{a0}€ of 50,00\u{a0}€ cap"
        );
        assert_eq!(
            capped(None, 0, false).describe(Language::En),
            "€0.00 spent, no cap"
        );
        assert_eq!(
            capped(Some(5_000), 1_230, false).per_mille_used(),
            Some(246)
        );
        assert_eq!(
            capped(Some(5_000), 9_000, false).per_mille_used(),
            Some(1000)
        );
        assert_eq!(capped(None, 9_000, false).per_mille_used(), None);
    }

    #[test]
    fn a_typed_cap_must_be_an_amount_above_zero_and_at_most_a_hundred_defaults() {
        assert_eq!(cap("75,50").money().cents(), 7_550);
        assert_eq!(cap("5000 €").money().cents(), 500_000);
        let refused = |text| Cap::parse(text, Currency::Eur, Language::En).unwrap_err();
        assert!(refused("0").message.contains("above zero"));
        assert!(refused("0,00").message.contains("above zero"));
        assert!(refused("5000,01").message.contains("at most €5,000.00"));
        assert!(refused("-5").message.contains("such as €50.00"));
        assert!(refused("fifty").message.contains("lift the cap"));
        assert_eq!(refused("").field, "cap");
        let czk = Cap::parse("1 250 Kč", Currency::Czk, Language::Cs).unwrap();
        assert_eq!(czk.money(), default_cap(Currency::Czk));
    }

    #[test]
    fn turning_roaming_off_turns_data_roaming_off_too_and_says_so() {
        let before = line(true, true, capped(Some(5_000), 0, false));
        let applied = before
            .apply(RoamingChange::Roaming(false), Language::En, now())
            .unwrap();
        assert!(!applied.settings.roaming_on && !applied.settings.data_roaming_on);
        assert_eq!(
            applied.asked.words(Language::En),
            "Roaming off, data roaming off"
        );
        assert!(applied.message.contains("Data roaming is off too"));
        assert_eq!(applied.settings.updated_at, Some(now()));
        // And back on: data roaming stays off until asked for.
        let again = applied
            .settings
            .apply(RoamingChange::Roaming(true), Language::En, now())
            .unwrap();
        assert_eq!(
            again.asked.words(Language::En),
            "Roaming on, data roaming off"
        );
    }

    #[test]
    fn data_roaming_cannot_be_turned_on_without_roaming() {
        let off = line(false, false, capped(Some(5_000), 0, false));
        assert_eq!(
            off.apply(RoamingChange::DataRoaming(true), Language::En, now()),
            Err(Refusal::NeedsRoaming)
        );
    }

    #[test]
    fn asking_for_what_the_line_already_has_changes_nothing() {
        let on = line(true, false, capped(Some(5_000), 0, false));
        let same = |change| on.apply(change, Language::En, now()).unwrap_err();
        assert_eq!(
            same(RoamingChange::Roaming(true)).message(),
            "Nothing to change: roaming is already on."
        );
        assert!(matches!(
            same(RoamingChange::DataRoaming(false)),
            Refusal::NothingToChange(_)
        ));
        assert_eq!(
            same(RoamingChange::SetCap(cap("50"))).message(),
            "Nothing to change: the cap is already €50.00."
        );
        assert!(matches!(
            same(RoamingChange::StopAtCap),
            Refusal::NothingToChange(_)
        ));
    }

    #[test]
    fn going_on_past_the_cap_is_chosen_only_once_data_roaming_stopped_there() {
        let near = line(true, true, capped(Some(5_000), 4_500, false));
        assert_eq!(
            near.apply(RoamingChange::ContinuePastCap, Language::En, now()),
            Err(Refusal::NotStopped(CapState::Near))
        );
        let stopped = line(true, true, capped(Some(5_000), 5_000, false));
        let applied = stopped
            .apply(RoamingChange::ContinuePastCap, Language::En, now())
            .unwrap();
        assert_eq!(applied.settings.cap_state(), CapState::Continued);
        assert!(applied.settings.data_roaming_works());
        assert_eq!(
            applied.asked.words(Language::En),
            "Go on with data roaming past the cap"
        );
        assert!(matches!(
            applied
                .settings
                .apply(RoamingChange::ContinuePastCap, Language::En, now()),
            Err(Refusal::NothingToChange(_))
        ));
        let stop = applied
            .settings
            .apply(RoamingChange::StopAtCap, Language::En, now())
            .unwrap();
        assert_eq!(stop.settings.cap_state(), CapState::Reached);
        let lifted = line(true, true, capped(None, 5_000, false));
        assert_eq!(
            lifted.apply(RoamingChange::ContinuePastCap, Language::En, now()),
            Err(Refusal::NotStopped(CapState::NoCap))
        );
        assert_eq!(
            lifted.apply(RoamingChange::StopAtCap, Language::En, now()),
            Err(Refusal::NoCap)
        );
    }

    #[test]
    fn a_new_cap_withdraws_the_choice_to_go_on_and_a_lifted_one_limits_nothing() {
        let going_on = line(true, true, capped(Some(5_000), 6_000, true));
        let same_cap = going_on
            .apply(RoamingChange::SetCap(cap("50")), Language::En, now())
            .unwrap();
        assert!(!same_cap.settings.data_cap.continue_past_cap);
        assert_eq!(same_cap.settings.cap_state(), CapState::Reached);
        assert!(same_cap.message.contains("stops until you choose to go on"));
        assert_eq!(
            same_cap.asked.words(Language::En),
            "Data-roaming cap €50.00"
        );
        let lifted = going_on
            .apply(RoamingChange::LiftCap, Language::En, now())
            .unwrap();
        assert_eq!(lifted.settings.cap_state(), CapState::NoCap);
        assert!(lifted.settings.data_roaming_works());
        assert_eq!(
            lifted.asked.words(Language::En),
            "Lift the data-roaming cap"
        );
    }

    #[test]
    fn a_cap_in_another_currency_is_refused() {
        let on = line(true, true, capped(Some(5_000), 0, false));
        let czk = Cap::default_for(Currency::Czk);
        assert_eq!(
            on.apply(RoamingChange::SetCap(czk), Language::En, now()),
            Err(Refusal::WrongCurrency(Currency::Eur))
        );
    }

    #[test]
    fn a_line_without_settings_roams_without_data_under_the_default_cap() {
        let d = RoamingSettings::defaults(LineId::trusted(1), Currency::Czk);
        assert!(d.roaming_on && !d.data_roaming_on);
        assert_eq!(d.data_cap.cap, Some(default_cap(Currency::Czk)));
        assert_eq!(d.cap_state(), CapState::Under);
        assert!(!d.data_roaming_works());
    }

    fn any_change() -> impl Strategy<Value = RoamingChange> {
        prop_oneof![
            any::<bool>().prop_map(RoamingChange::Roaming),
            any::<bool>().prop_map(RoamingChange::DataRoaming),
            (1i64..=500_000)
                .prop_map(|c| RoamingChange::SetCap(Cap::new(eur(c), Language::En).unwrap())),
            Just(RoamingChange::LiftCap),
            Just(RoamingChange::ContinuePastCap),
            Just(RoamingChange::StopAtCap),
        ]
    }

    fn any_settings() -> impl Strategy<Value = RoamingSettings> {
        (
            any::<bool>(),
            any::<bool>(),
            prop::option::of(1i64..=500_000),
            0i64..=1_000_000,
            any::<bool>(),
        )
            .prop_map(|(roaming, data, cap, spent, go_on)| {
                line(roaming, roaming && data, capped(cap, spent, go_on))
            })
    }

    proptest! {
        #[test]
        fn the_cap_state_follows_the_share_spent(
            cap in 1i64..=10_000_000,
            spent in 0i64..=20_000_000,
            go_on in any::<bool>(),
        ) {
            let state = capped(Some(cap), spent, go_on).state();
            // In integers: 80 % is 4/5.
            let expected = if spent >= cap {
                if go_on { CapState::Continued } else { CapState::Reached }
            } else if spent * 5 >= cap * 4 {
                CapState::Near
            } else {
                CapState::Under
            };
            prop_assert_eq!(state, expected);
            prop_assert_eq!(state.is_stopped(), spent >= cap && !go_on);
            prop_assert_eq!(capped(None, spent, go_on).state(), CapState::NoCap);
        }

        #[test]
        fn every_allowed_change_keeps_the_rules(
            before in any_settings(),
            change in any_change(),
        ) {
            match before.apply(change, Language::En, now()) {
                Ok(applied) => {
                    let after = applied.settings;
                    prop_assert_ne!(&after, &before);
                    // Data roaming never outlives roaming.
                    prop_assert!(!after.data_roaming_on || after.roaming_on);
                    // What was spent is rating's business, never a setting's.
                    prop_assert_eq!(after.data_cap.spent, before.data_cap.spent);
                    if let RoamingChange::SetCap(c) = change {
                        prop_assert_eq!(after.data_cap.cap, Some(c.money()));
                        prop_assert!(!after.data_cap.continue_past_cap);
                    }
                    if change == RoamingChange::ContinuePastCap {
                        prop_assert_eq!(before.cap_state(), CapState::Reached);
                        prop_assert_eq!(after.cap_state(), CapState::Continued);
                    }
                    if change == RoamingChange::LiftCap {
                        prop_assert_eq!(after.cap_state(), CapState::NoCap);
                        prop_assert_eq!(after.data_roaming_works(), after.data_roaming_on);
                    }
                }
                Err(Refusal::NothingToChange(_)) => {
                    // Only when the change would leave everything as it is.
                    let mut same = before.clone();
                    match change {
                        RoamingChange::Roaming(on) => prop_assert_eq!(same.roaming_on, on),
                        RoamingChange::DataRoaming(on) => prop_assert_eq!(same.data_roaming_on, on),
                        RoamingChange::SetCap(c) => {
                            same.data_cap.cap = Some(c.money());
                            same.data_cap.continue_past_cap = false;
                            prop_assert_eq!(same, before);
                        }
                        RoamingChange::LiftCap => prop_assert_eq!(before.data_cap.cap, None),
                        RoamingChange::ContinuePastCap => {
                            prop_assert_eq!(before.cap_state(), CapState::Continued)
                        }
                        RoamingChange::StopAtCap => {
                            prop_assert!(!before.data_cap.continue_past_cap)
                        }
                    }
                }
                Err(Refusal::NeedsRoaming) => {
                    prop_assert_eq!(change, RoamingChange::DataRoaming(true));
                    prop_assert!(!before.roaming_on);
                }
                Err(Refusal::NotStopped(state)) => {
                    prop_assert_eq!(change, RoamingChange::ContinuePastCap);
                    prop_assert!(!matches!(state, CapState::Reached | CapState::Continued));
                }
                Err(Refusal::NoCap) => prop_assert_eq!(before.data_cap.cap, None),
                Err(Refusal::WrongCurrency(_)) => prop_assert!(false, "all euros here"),
            }
        }
    }
}
