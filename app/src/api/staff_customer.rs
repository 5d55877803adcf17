//! The staff console's view of one customer: before verification their name and lines only;
//! the code the customer reads out (or, for a supervisor, a reason) opens the rest for 30
//! minutes, with the check phrase to read back and the customer's history across channels.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use selfcare::dashboard::Dashboard;
use selfcare::support::access::{AccessEntry, StaffAccess};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// `/staff/customers/:id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCustomer {
    pub id: i64,
    pub name: String,
    /// `+420 601 123 456 (Jana)`.
    pub lines: Vec<String>,
    pub access: Option<StaffAccess>,
    pub locked_until: Option<DateTime<Utc>>,
    pub may_open_without_code: bool,
    /// With access only.
    pub overview: Option<Dashboard>,
    pub timeline: Vec<AccessEntry>,
    /// The outcome of a form posted without JavaScript, shown once.
    pub notice: Option<StaffReply>,
    /// Sent with a change made for the customer: the same key twice changes things once.
    pub key: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffReply {
    pub ok: bool,
    pub message: String,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::StaffReply;

    pub const FLASH: &str = "selfcare_staff_verify";

    pub fn encode(reply: &StaffReply) -> String {
        crate::api::ssr::flash::encode(if reply.ok { "ok" } else { "no" }, &reply.message)
    }

    pub fn decode(value: &str) -> Option<StaffReply> {
        let (kind, message) = crate::api::ssr::flash::decode(value)?;
        Some(StaffReply {
            ok: kind == "ok",
            message,
        })
    }

    pub fn answer(reply: StaffReply, customer: i64) -> StaffReply {
        crate::api::ssr::redirect_plain_post(
            FLASH,
            &encode(&reply),
            &format!("/staff/customers/{customer}"),
        );
        reply
    }
}

/// One customer as the signed-in agent may see them now.
#[server(prefix = "/api/staff", endpoint = "customer")]
pub async fn load_staff_customer(id: i64) -> Result<StaffCustomer, AppError> {
    use selfcare::ids::CustomerId;
    use selfcare::store::{Actor, AuditEntry};

    let me = super::ssr::staff()?;
    let db = super::ssr::state()?.db;
    let customer = CustomerId(id);
    let now = chrono::Utc::now();
    let name = db.customer_name(customer).await?;
    let lines = db.service_lines(customer).await?;
    let access = db.staff_access(me.staff, customer, now).await?;
    let state = db.verify_state(customer, now).await?;
    let (overview, timeline) = if access.is_some() {
        // What was looked at is part of the customer's access log.
        db.audit(&AuditEntry {
            at: now,
            actor: Actor::Staff(me.staff),
            customer_id: Some(customer),
            action: "staff_view",
            detail: "The overview: lines, balances and what is due".into(),
            ip: Some(super::ssr::client_ip()),
        })
        .await?;
        (
            Some(db.dashboard(customer, now).await?),
            db.access_log(customer, 50).await?,
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
        notice: super::ssr::take_flash(ssr::FLASH).and_then(|v| ssr::decode(&v)),
        key: selfcare::auth::idempotency_key(),
    })
}

/// Turns roaming on or off on one of the customer's lines, as the customer could, while the
/// agent's access is open; recorded as a request by this agent on the access's channel.
#[server(prefix = "/api/staff", endpoint = "roaming")]
pub async fn staff_set_roaming(
    customer: i64,
    line: i64,
    on: bool,
    key: String,
) -> Result<StaffReply, AppError> {
    use selfcare::ids::{CustomerId, LineId};
    use selfcare::services::roaming::RoamingChange;
    use selfcare::store::{Actor, Requester, StoreError};

    let me = super::ssr::staff()?;
    let db = super::ssr::state()?.db;
    let now = chrono::Utc::now();
    let Some(access) = db.staff_access(me.staff, CustomerId(customer), now).await? else {
        super::ssr::set_status(403);
        return Err(AppError::Forbidden);
    };
    let by = Requester {
        actor: Actor::Staff(me.staff),
        channel: access.channel,
    };
    let outcome = db
        .change_roaming(
            CustomerId(customer),
            LineId(line),
            RoamingChange::Roaming(on),
            &key,
            by,
            Some(super::ssr::client_ip()),
            now,
        )
        .await;
    let reply = match outcome {
        Ok(outcome) => StaffReply {
            ok: outcome.is_ok(),
            message: outcome.message(),
        },
        Err(StoreError::NotFound) => StaffReply {
            ok: false,
            message: AppError::NotFound.to_string(),
        },
        Err(e) => return Err(e.into()),
    };
    Ok(ssr::answer(reply, customer))
}

/// The agent types the code the customer reads out, and the channel they are on.
#[server(prefix = "/api/staff", endpoint = "verify_code")]
pub async fn verify_customer_code(
    customer: i64,
    channel: String,
    code: String,
) -> Result<StaffReply, AppError> {
    use selfcare::ids::CustomerId;
    use selfcare::support::codes::{support_channel, OneTimeCode};

    let me = super::ssr::staff()?;
    let db = super::ssr::state()?.db;
    let refused = |message: String| StaffReply { ok: false, message };
    let (channel, code) = match (support_channel(&channel), OneTimeCode::parse(&code)) {
        (Ok(channel), Ok(code)) => (channel, code),
        (Err(e), _) | (_, Err(e)) => return Ok(ssr::answer(refused(e.message), customer)),
    };
    let reply = match db
        .verify_code(
            me.staff,
            CustomerId(customer),
            channel,
            &code,
            chrono::Utc::now(),
        )
        .await?
    {
        Ok(access) => StaffReply {
            ok: true,
            message: format!(
                "Verified. Read the check phrase to the customer: “{}”. Access for 30 minutes.",
                access.check_phrase.unwrap_or_default()
            ),
        },
        Err(why) => refused(why.to_string()),
    };
    Ok(ssr::answer(reply, customer))
}

/// A supervisor opens a customer's data without a code, for a reason the customer will read.
#[server(prefix = "/api/staff", endpoint = "open_customer")]
pub async fn open_customer(
    customer: i64,
    channel: String,
    reason: String,
) -> Result<StaffReply, AppError> {
    use selfcare::auth::StaffRole;
    use selfcare::ids::CustomerId;
    use selfcare::support::access::parse_reason;
    use selfcare::support::codes::support_channel;

    let me = super::ssr::require_role(StaffRole::Supervisor)?;
    let db = super::ssr::state()?.db;
    let refused = |message: String| StaffReply { ok: false, message };
    let (channel, reason) = match (support_channel(&channel), parse_reason(&reason)) {
        (Ok(channel), Ok(reason)) => (channel, reason),
        (Err(e), _) | (_, Err(e)) => return Ok(ssr::answer(refused(e.message), customer)),
    };
    db.open_without_code(
        me.staff,
        CustomerId(customer),
        channel,
        &reason,
        chrono::Utc::now(),
    )
    .await?;
    Ok(ssr::answer(
        StaffReply {
            ok: true,
            message: "Opened without a code. The customer sees your name and the reason.".into(),
        },
        customer,
    ))
}
