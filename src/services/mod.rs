//! A line's services and the requests that change them.
//!
//! # Layout
//!
//! - [`addons`]: the catalog, who may take what, and the preview of a change (pro-rata charge,
//!   commitment, early-end fee, what it replaces), the rules the store applies in its transaction.
//! - [`roaming`]: roaming and data-roaming settings and the data-roaming spending cap.
//! - [`requests`]: service requests, who asked through which channel, and their status.
//!
//! Here: [`Asked`] and [`Failure`], what a request asked for and why it failed, stored as data
//! and worded when shown.

pub mod addons;
pub mod requests;
pub mod roaming;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::locale::Language;
use crate::money::Money;
use requests::RequestKind;

/// What a service request asked for, as data: stored with the request (and in the audit entry
/// that records it) and put into words only when shown, in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "asked", rename_all = "snake_case")]
pub enum Asked {
    /// Take, switch to or end an add-on (the request's kind says which): its catalog name, and
    /// for a switch the names of the add-ons it replaces.
    Addon { name: String, replaces: Vec<String> },
    /// A change of roaming settings.
    Roaming { change: roaming::RoamingAsked },
    /// A request recorded before requests were stored as data: its words as they were written.
    AsWritten { text: String },
}

impl Asked {
    /// In words: "Take Data 5 GB from 1. 12. 2026", "Switch from A to B on …", "End A on …",
    /// "Roaming on, data roaming off". A change `refused` when asked never had a date, so it
    /// reads "Take Data 5 GB".
    pub fn words(
        &self,
        kind: RequestKind,
        effective_on: NaiveDate,
        refused: bool,
        language: Language,
    ) -> String {
        match self {
            Self::Addon { name, replaces } => {
                let on = language.format_date(effective_on);
                match (kind, refused) {
                    (RequestKind::End, true) => format!("End {name}"),
                    (_, true) => format!("Take {name}"),
                    (RequestKind::End, false) => format!("End {name} on {on}"),
                    (RequestKind::Switch, false) => {
                        format!("Switch from {} to {name} on {on}", replaces.join(", "))
                    }
                    (_, false) => format!("Take {name} from {on}"),
                }
            }
            Self::Roaming { change } => change.words(language),
            Self::AsWritten { text } => text.clone(),
        }
    }
}

/// Why a service request failed, as data (worded by [`Failure::words`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "failure", rename_all = "snake_case")]
pub enum Failure {
    /// The rules refused the change when it was asked: nothing was scheduled or changed.
    Refused { refusal: addons::Refusal },
    /// Scheduled, then refused by the rules on its day.
    RefusedOnItsDay { refusal: addons::Refusal },
    /// Scheduled, but the line was no longer active on its day.
    LineGone,
    /// Scheduled at one price, due at another on its day (the catalog changed): never charged
    /// silently; the customer asks again at the new price if they want it.
    PriceChanged { confirmed: Money, current: Money },
    /// Could not be applied on its day for a reason on the operator's side (logged).
    NotApplied,
    /// A failure recorded before failures were stored as data, as it was written.
    AsWritten { text: String },
}

impl Failure {
    pub fn words(&self, language: Language) -> String {
        match self {
            Self::Refused { refusal } | Self::RefusedOnItsDay { refusal } => {
                refusal.message(language)
            }
            Self::LineGone => "The line is no longer active.".into(),
            Self::PriceChanged { confirmed, current } => format!(
                "The price changed from {} to {} since it was asked for, so nothing was \
                 changed or charged. Ask again to accept the new price.",
                confirmed.format(language),
                current.format(language)
            ),
            Self::NotApplied => {
                "It could not be applied on its day because of a fault on our side; nothing \
                 was changed or charged."
                    .into()
            }
            Self::AsWritten { text } => text.clone(),
        }
    }

    /// Whether the change was refused as it was asked (so it never had a day of its own).
    pub fn when_asked(&self) -> bool {
        matches!(self, Self::Refused { .. })
    }
}
