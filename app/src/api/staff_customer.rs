//! The staff console's view of one customer: before verification their name and lines only;
//! the code the customer reads out (or, for a supervisor, a reason) opens the rest for 30
//! minutes, with the check phrase to read back, the customer's overview and their history across
//! channels. The customer's other pages open in the console too (see `crate::acting`).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use selfcare::ids::CustomerId;
use selfcare::support::access::{AccessEntry, StaffAccess};
use serde::{Deserialize, Serialize};

use crate::api::dashboard::Overview;
use crate::api::Reply;
use crate::error::AppError;

/// `/staff/customers/:id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCustomer {
    pub id: CustomerId,
    pub name: String,
    /// `+420 601 123 456 (Jana)`.
    pub lines: Vec<String>,
    pub access: Option<StaffAccess>,
    pub locked_until: Option<DateTime<Utc>>,
    pub may_open_without_code: bool,
    /// With access only: what the customer's own overview shows.
    pub overview: Option<Overview>,
    pub timeline: Vec<AccessEntry>,
    /// The outcome of a form posted without JavaScript, shown once.
    pub notice: Option<Reply>,
}

/// Whom the console's page of a customer is about, above its navigation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActingCustomer {
    pub name: String,
    /// The access's channel: `Phone`.
    pub channel: String,
    /// When the access ends, `14:05` UTC.
    pub until: String,
}

/// The customer the agent acts for on this page, while their access is open (else nothing:
/// the page itself then asks to verify the caller).
#[server(prefix = "/api/staff", endpoint = "acting_header")]
pub async fn acting_header(customer: CustomerId) -> Result<Option<ActingCustomer>, AppError> {
    let me = crate::ssr::staff()?;
    let db = crate::ssr::state()?.db;
    let Some(access) = db.staff_access(me.staff, customer, Utc::now()).await? else {
        return Ok(None);
    };
    Ok(Some(ActingCustomer {
        name: db.customer_name(customer).await?,
        channel: access.channel.label().to_string(),
        until: access.expires_at.format("%H:%M").to_string(),
    }))
}

/// Answers a form of the customer's page; see [`crate::ssr::reply::answer`].
#[cfg(feature = "ssr")]
fn answer(reply: Reply, customer: CustomerId) -> Reply {
    crate::ssr::reply::answer(reply, &crate::acting::staff_home(customer))
}

/// One customer as the signed-in agent may see them now.
#[server(prefix = "/api/staff", endpoint = "customer")]
pub async fn load_staff_customer(id: CustomerId) -> Result<StaffCustomer, AppError> {
    let me = crate::ssr::staff()?;
    let db = crate::ssr::state()?.db;
    let customer = id;
    let now = chrono::Utc::now();
    let name = db.customer_name(customer).await?;
    let lines = db.service_lines(customer).await?;
    let access = db.staff_access(me.staff, customer, now).await?;
    let state = db.verify_state(customer, now).await?;
    // What was looked at is part of the customer's access log: before verification too, the
    // name and lines, like a search that found them.
    let looked_at = match access {
        Some(_) => selfcare::audit::Page::Overview,
        None => selfcare::audit::Page::Lookup,
    };
    crate::ssr::record_staff_view(me.staff, customer, looked_at).await?;
    let (overview, timeline) = if access.is_some() {
        (
            Some(super::dashboard::ssr::overview(customer).await?),
            selfcare::support::access::AccessEntry::of_records(
                db.audit_of(customer, 50).await?,
                db.profile(customer).await?.language,
            ),
        )
    } else {
        (None, Vec::new())
    };
    Ok(StaffCustomer {
        id,
        name,
        lines: lines.iter().map(|l| l.name()).collect(),
        access,
        locked_until: state.locked_until,
        may_open_without_code: selfcare::support::access::may_open_without_code(me.role),
        overview,
        timeline,
        notice: crate::ssr::reply::take(),
    })
}

/// The agent types the code the customer reads out, and the channel they are on.
#[server(prefix = "/api/staff", endpoint = "verify_code")]
pub async fn verify_customer_code(
    customer: CustomerId,
    channel: String,
    code: String,
) -> Result<Reply, AppError> {
    use selfcare::support::codes::{support_channel, OneTimeCode};

    let me = crate::ssr::staff()?;
    let db = crate::ssr::state()?.db;
    let refused = |message: String| Reply::refused(message);
    let (channel, code) = match (support_channel(&channel), OneTimeCode::parse(&code)) {
        (Ok(channel), Ok(code)) => (channel, code),
        (Err(e), _) | (_, Err(e)) => return Ok(answer(refused(e.message), customer)),
    };
    let reply = match db
        .verify_code(me.staff, customer, channel, &code, chrono::Utc::now())
        .await?
    {
        Ok(access) => Reply::done(format!(
            "Verified. Read the check phrase to the customer: “{}”. Access for 30 minutes.",
            access.check_phrase.unwrap_or_default()
        )),
        Err(why) => refused(why.to_string()),
    };
    Ok(answer(reply, customer))
}

/// A supervisor opens a customer's data without a code, for a reason the customer will read.
#[server(prefix = "/api/staff", endpoint = "open_customer")]
pub async fn open_customer(
    customer: CustomerId,
    channel: String,
    reason: String,
) -> Result<Reply, AppError> {
    use selfcare::auth::StaffRole;
    use selfcare::support::access::parse_reason;
    use selfcare::support::codes::support_channel;

    let me = crate::ssr::require_role(StaffRole::Supervisor)?;
    let db = crate::ssr::state()?.db;
    let refused = |message: String| Reply::refused(message);
    let (channel, reason) = match (support_channel(&channel), parse_reason(&reason)) {
        (Ok(channel), Ok(reason)) => (channel, reason),
        (Err(e), _) | (_, Err(e)) => return Ok(answer(refused(e.message), customer)),
    };
    // A customer that does not exist is a 404, with nothing written.
    db.open_without_code(me.staff, customer, channel, &reason, chrono::Utc::now())
        .await?;
    Ok(answer(
        Reply::done("Opened without a code. The customer sees your name and the reason."),
        customer,
    ))
}
