//! Add-ons of the customer's lines: what a line has and may take, the preview of a change, and
//! the change itself. No function takes a customer id; a line id sent by a client only ever
//! reaches the signed-in customer's own lines (or, in the staff console, the lines of the
//! customer the agent has an open access to: `acting_for`, see `ssr::subject_logging_view`).

use leptos::prelude::*;
use selfcare::customer::Profile;
use selfcare::ids::CustomerId;
use selfcare::ids::{LineId, RequestId};
use selfcare::services::addons::{Change, ChangeAction, ServiceLine, When};
use serde::{Deserialize, Serialize};

use crate::api::Reply;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod words;

/// `/services`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicesOverview {
    pub profile: Profile,
    pub lines: Vec<ServiceLine>,
    /// The line shown (the first when none was asked for) and its add-ons, worded; `None`
    /// without lines.
    pub shown: Option<(ServiceLine, AddonsView)>,
    /// The outcome of a change confirmed without JavaScript, shown once.
    pub notice: Option<Reply<Option<RequestId>>>,
}

/// What a change of an add-on is, as links and forms carry it: `activate` an add-on of the
/// catalog, or `end` an add-on active on the line, `now` or from the `next` period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    pub line: LineId,
    pub action: ChangeAction,
    pub id: i64,
    pub when: When,
}

impl ChangeRequest {
    /// The preview page of this change (the way without JavaScript), as the viewer reaches it.
    pub fn url(&self) -> String {
        let mut url = format!(
            "{}?line={}&{}={}",
            crate::acting::href("/services/change"),
            self.line,
            self.action.as_str(),
            self.id
        );
        if self.when == When::NextPeriod {
            url.push_str("&when=next");
        }
        url
    }

    pub fn with_when(&self, when: When) -> Self {
        Self {
            when,
            ..self.clone()
        }
    }

    /// The change, for the rules.
    pub fn change(&self) -> Change {
        Change::of(self.action, self.id, self.when)
    }
}

/// One line's add-ons as the services page shows them, already in words for the customer's
/// language (built by `api::services::words`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonsView {
    pub line: LineId,
    /// Prepaid: the credit on the line, formatted.
    pub credit: Option<String>,
    pub active: Vec<ActiveRow>,
    pub scheduled: Vec<ScheduledRow>,
    pub catalog: Vec<CatalogCard>,
}

/// An add-on active on the line, one row of its table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveRow {
    /// The line's add-on (what ending it names).
    pub id: i64,
    /// The catalog's add-on.
    pub addon: i64,
    pub name: String,
    pub since: String,
    pub price: String,
    pub commitment: String,
    pub can_end: String,
    /// Whether it offers "End…".
    pub endable: bool,
}

/// A change scheduled for the line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledRow {
    pub id: i64,
    pub summary: String,
    pub status: String,
}

/// An add-on of the catalog offered to the line, as its card shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogCard {
    pub id: i64,
    pub name: String,
    pub price: String,
    pub description: String,
    pub conditions: String,
    pub commitment: String,
    /// "Replaces X: the two cannot be active together."
    pub replaces: Option<String>,
    pub state: CatalogState,
}

/// Where a catalog add-on stands on the line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CatalogState {
    Active,
    /// Scheduled to start: "Starts on 1. 12. 2026".
    Starting(String),
    /// May be taken: the link's words, "Take X…" or "Switch to X…".
    Offered(String),
}

/// A preview of a change in words, as its facts list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewView {
    /// "Add-on" or "Add-on to end".
    pub name_term: String,
    pub name: String,
    pub effect: String,
    pub cost_heading: String,
    pub cost: String,
    pub end_fee: Option<String>,
    pub then: Option<String>,
    pub commitment: String,
    pub replaces: Option<String>,
    pub conditions: Option<String>,
    /// Whether the customer may choose between now and the next period.
    pub may_choose_when: bool,
    /// The confirm button's words.
    pub confirm_label: String,
    /// The charge shown, in cents, sent back with the confirmation.
    pub charge: i64,
}

/// A previewed change, ready to confirm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeView {
    /// `+420 601 123 456 (Jana)`.
    pub line_name: String,
    pub request: ChangeRequest,
    /// The preview, or why the change cannot be made.
    pub preview: Result<PreviewView, String>,
    /// Prepaid: the credit now, formatted.
    pub credit: Option<String>,
    /// Sent back with the confirmation: the same key twice changes things once.
    pub key: String,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use selfcare::ids::RequestId;
    use selfcare::locale::Language;
    use selfcare::services::addons::ChangeOutcome;
    use selfcare::services::requests::RequestStatus;

    use super::Reply;

    /// The outcome of a confirmation in words, with the request it made (or found).
    pub fn reply(outcome: &ChangeOutcome, language: Language) -> Reply<Option<RequestId>> {
        let r = &outcome.request;
        let charged = if r.charge.is_zero() {
            String::new()
        } else {
            match outcome.credit {
                Some(credit) => format!(
                    " {} was taken from your credit; {} is left.",
                    r.charge.format(language),
                    credit.format(language)
                ),
                None if r.status == RequestStatus::Scheduled && outcome.prepaid => format!(
                    " {} will be taken from your credit on that day.",
                    r.charge.format(language)
                ),
                None if r.status == RequestStatus::Scheduled => format!(
                    " {} (excluding VAT) will be billed from that day on your invoice.",
                    r.charge.format(language)
                ),
                None => format!(
                    " {} (excluding VAT) will be on your next invoice.",
                    r.charge.format(language)
                ),
            }
        };
        let summary = r.summary(language);
        let message = if outcome.repeated {
            format!(
                "This change was already confirmed ({summary}: {}). Nothing more was changed or charged.",
                r.status_text(language)
            )
        } else {
            match (r.status, r.kind) {
                (RequestStatus::Failed, _) => format!(
                    "Not changed: {}",
                    r.failure_text(language).unwrap_or_else(|| summary.clone())
                ),
                (RequestStatus::Scheduled, _) => format!("Scheduled: {summary}.{charged}"),
                (RequestStatus::Done, _) => format!("Done: {summary}.{charged}"),
                (RequestStatus::Cancelled, _) => format!("Cancelled: {summary}."),
            }
        };
        Reply {
            ok: r.status != RequestStatus::Failed,
            message,
            data: Some(r.id),
        }
    }
}

/// The services page: one line's add-ons and the catalog offered to it.
#[server(prefix = "/api", endpoint = "services")]
pub async fn load_services(
    line: Option<i64>,
    acting_for: Option<CustomerId>,
) -> Result<ServicesOverview, AppError> {
    let customer = crate::ssr::subject_logging_view(acting_for, selfcare::audit::Page::Services)
        .await?
        .customer;
    let state = crate::ssr::state()?;
    let db = &state.db;
    let notice = crate::ssr::reply::take();
    let lines = db.service_lines(customer).await?;
    let chosen = match line {
        // Another customer's line shows nothing of it.
        Some(id) => Some(
            lines
                .iter()
                .find(|l| l.id.get() == id)
                .ok_or(AppError::NotFound)?
                .id,
        ),
        None => lines.first().map(|l| l.id),
    };
    let profile = db.profile(customer).await?;
    let shown = match chosen {
        Some(id) => {
            let services = db.line_services(customer, id, chrono::Utc::now()).await?;
            let addons = words::addons_view(&services, profile.language);
            Some((services.line, addons))
        }
        None => None,
    };
    Ok(ServicesOverview {
        profile,
        lines,
        shown,
        notice,
    })
}

/// The preview of a change: what it costs now and each period, when it takes effect, the
/// commitment it starts and what it replaces. Changes nothing.
#[server(prefix = "/api", endpoint = "preview_change")]
pub async fn preview_change(
    request: ChangeRequest,
    acting_for: Option<CustomerId>,
) -> Result<ChangeView, AppError> {
    let customer = crate::ssr::subject(acting_for).await?.customer;
    let db = crate::ssr::state()?.db;
    let change = request.change();
    let now = chrono::Utc::now();
    let line = request.line;
    let services = db.line_services(customer, line, now).await?;
    let language = db.profile(customer).await?.language;
    let preview = db
        .preview_change(customer, line, change, now)
        .await?
        .map(|preview| words::preview_view(&preview, language))
        .map_err(|refusal| refusal.message(language));
    Ok(ChangeView {
        line_name: services.line.name(),
        request,
        preview,
        credit: services.terms.credit.map(|c| c.format(language)),
        key: selfcare_store::secrets::idempotency_key(),
    })
}

/// Confirms a previewed change. `charge` is the charge the preview showed, in cents; when the
/// rules now give another, nothing changes and the customer is asked to review it again. The
/// same `key` twice changes things once.
#[server(prefix = "/api", endpoint = "change_addon")]
pub async fn change_addon(
    line: LineId,
    action: ChangeAction,
    id: i64,
    when: When,
    key: String,
    charge: i64,
    acting_for: Option<CustomerId>,
) -> Result<Reply<Option<RequestId>>, AppError> {
    use selfcare::money::Money;
    use selfcare_store::StoreError;

    let subject = crate::ssr::subject(acting_for).await?;
    let customer = subject.customer;
    let home = subject.home();
    let db = crate::ssr::state()?.db;
    let profile = db.profile(customer).await?;
    let change = Change::of(action, id, when);
    let key = selfcare::ids::IdempotencyKey::parse(&key)?;
    let outcome = db
        .change_addon(
            customer,
            line,
            change,
            Money::from_cents(charge, profile.currency),
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
                let refused = Reply::refused(AppError::NotFound.to_string());
                crate::ssr::reply::answer(refused, &format!("{home}/services#notice"))
            })
        }
        Err(e) => return Err(e.into()),
    };
    Ok(crate::ssr::reply::answer(
        ssr::reply(&outcome, profile.language),
        &format!("{home}/services?line={line}#notice"),
    ))
}
