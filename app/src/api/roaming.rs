//! Roaming, data roaming and the data-roaming spending cap of one of the customer's lines.
//! No function takes a customer id; a line id sent by a client only ever reaches the signed-in
//! customer's own lines, and another customer's answers like a missing one.

use leptos::prelude::*;
use selfcare::ids::CustomerId;
use selfcare::ids::LineId;
use selfcare::services::roaming::{CapState, RoamingAction};
use serde::{Deserialize, Serialize};

use crate::api::Reply;
use crate::error::AppError;

/// A line's roaming settings as the card shows them: the switches, the cap's state, and the
/// amounts already in words for the customer's language (so the island that shows them carries
/// no decimal or locale code to the browser).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoamingState {
    pub roaming_on: bool,
    pub data_roaming_on: bool,
    pub cap_state: CapState,
    /// "50,00 € per billing period, excluding VAT", or "No cap".
    pub cap: Option<String>,
    /// "12,30 € of 50,00 € cap (24 %)", or "12,30 € spent, no cap".
    pub spent: String,
    /// How much of the cap is spent, in per mille; `None` without a cap.
    pub per_mille_used: Option<u16>,
    /// The cap as its input shows it: `1250,00`, the default cap's when the cap is lifted.
    pub cap_input: String,
}

#[cfg(feature = "ssr")]
impl RoamingState {
    pub fn of(
        settings: &selfcare::services::roaming::RoamingSettings,
        language: selfcare::locale::Language,
    ) -> Self {
        let data_cap = &settings.data_cap;
        let per_mille_used = data_cap.per_mille_used();
        let mut spent = data_cap.describe(language);
        if let Some(pm) = per_mille_used {
            spent.push_str(&format!(" ({}\u{a0}%)", pm / 10));
        }
        Self {
            roaming_on: settings.roaming_on,
            data_roaming_on: settings.data_roaming_on,
            cap_state: settings.cap_state(),
            cap: data_cap
                .cap
                .map(|cap| format!("{} per billing period, excluding VAT", cap.format(language))),
            spent,
            per_mille_used,
            cap_input: cap_input(settings, language),
        }
    }
}

/// The cap as the input shows it: the amount with the reader's decimal mark, no symbol, no
/// grouping (`1250,00`), which [`selfcare::money::Money::parse_input`] reads back; the default
/// cap's when the cap is lifted.
#[cfg(feature = "ssr")]
fn cap_input(
    settings: &selfcare::services::roaming::RoamingSettings,
    language: selfcare::locale::Language,
) -> String {
    let cap = settings
        .data_cap
        .cap
        .unwrap_or_else(|| selfcare::services::roaming::default_cap(settings.currency()));
    let mut amount = cap.amount;
    amount.rescale(2);
    let (_, mark) = language.number_marks();
    amount.to_string().replace('.', &mark.to_string())
}

/// The roaming card of one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoamingView {
    pub settings: RoamingState,
    /// The line's currency: `CZK`.
    pub currency: String,
    /// The EU default cap and the highest cap allowed, formatted.
    pub default_cap: String,
    pub max_cap: String,
    /// Sent with the next change: the same submission twice changes things once.
    pub key: String,
    /// The outcome of a form posted without JavaScript, shown once.
    pub notice: Option<Reply<RoamingNow>>,
}

/// What a change of roaming answers besides its words (its `ok` is also true for "already
/// done" and "nothing to change").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoamingNow {
    /// The settings as they now are (none when the change was refused or the line not found).
    pub settings: Option<RoamingState>,
    /// A fresh key for the next change.
    pub key: String,
}

/// The roaming card of one of the customer's lines, with a fresh key for its forms and the
/// outcome of a form just posted without JavaScript.
#[server(prefix = "/api", endpoint = "roaming")]
pub async fn load_roaming(
    line: LineId,
    acting_for: Option<CustomerId>,
) -> Result<RoamingView, AppError> {
    use selfcare::services::roaming::{default_cap, Cap};

    let customer = crate::ssr::subject(acting_for).await?.customer;
    let state = crate::ssr::state()?;
    let db = &state.db;
    let settings = db.roaming(customer, line).await?;
    let language = db.profile(customer).await?.language;
    let notice = crate::ssr::reply::take::<Reply<RoamingNow>>();
    let currency = settings.currency();
    let key = selfcare_store::secrets::idempotency_key();
    Ok(RoamingView {
        default_cap: default_cap(currency).format(language),
        max_cap: Cap::max(currency).format(language),
        notice: notice.map(|reply| Reply {
            data: RoamingNow {
                key: key.clone(),
                ..reply.data
            },
            ..reply
        }),
        key,
        currency: currency.code().to_string(),
        settings: RoamingState::of(&settings, language),
    })
}

/// Changes roaming on one of the customer's lines as `change` asks (with `cap`, the amount
/// typed, for a new cap). The same `key` twice changes things once.
#[server(prefix = "/api", endpoint = "change_roaming")]
pub async fn change_roaming(
    line: LineId,
    change: RoamingAction,
    cap: Option<String>,
    key: String,
    acting_for: Option<CustomerId>,
) -> Result<Reply<RoamingNow>, AppError> {
    use selfcare_store::StoreError;

    let subject = crate::ssr::subject(acting_for).await?;
    let customer = subject.customer;
    let home = subject.home();
    let db = crate::ssr::state()?.db;
    let profile = db.profile(customer).await?;
    let back_to = format!("{home}/services?line={line}#roaming");
    let next_key = selfcare_store::secrets::idempotency_key();
    let refused = |message: String| Reply {
        ok: false,
        message,
        data: RoamingNow {
            settings: None,
            key: next_key.clone(),
        },
    };
    let key = match selfcare::ids::IdempotencyKey::parse(&key) {
        Ok(key) => key,
        Err(e) => return Ok(crate::ssr::reply::answer(refused(e.message), &back_to)),
    };
    let change = match change.change(cap.as_deref(), profile.currency, profile.language) {
        Ok(change) => change,
        Err(e) => return Ok(crate::ssr::reply::answer(refused(e.message), &back_to)),
    };
    let outcome = db
        .change_roaming(
            customer,
            line,
            change,
            key.as_str(),
            subject.by,
            Some(crate::ssr::client_ip()),
            chrono::Utc::now(),
        )
        .await;
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(StoreError::NotFound) => {
            return crate::ssr::not_found(|| {
                let back_to = format!("{home}/services#roaming");
                crate::ssr::reply::answer(refused(AppError::NotFound.to_string()), &back_to)
            })
        }
        Err(e) => return Err(e.into()),
    };
    let reply = Reply {
        ok: outcome.is_ok(),
        message: outcome.message(profile.language),
        data: RoamingNow {
            settings: Some(RoamingState::of(&outcome.settings, profile.language)),
            key: next_key,
        },
    };
    Ok(crate::ssr::reply::answer(reply, &back_to))
}
