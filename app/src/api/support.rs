//! The customer's side of support verification: one-time codes for a call or chat, who
//! verified them, and the access log. No function takes a customer id.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use selfcare::customer::Profile;
use selfcare::support::access::{AccessEntry, VerifyState};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A code just issued, shown to the customer (and only to them) once: its expiry as seconds
/// since the Unix epoch (for the countdown) and as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCode {
    /// `482 913`.
    pub code: String,
    pub channel: String,
    pub channel_label: String,
    /// Seconds since the Unix epoch.
    pub expires_at: i64,
    /// `14:05:09 UTC`.
    pub expires: String,
}

/// What `/verify` follows live, in words: who verified the customer last and a lock after
/// wrong codes (see [`VerifyState`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyLive {
    /// "Verified by Eva Agent, Phone, 14:05:09 UTC".
    pub verified: Option<String>,
    pub check_phrase: String,
    /// `14:05:09 UTC`.
    pub locked_until: Option<String>,
}

impl IssuedCode {
    /// The code as the page shows it.
    #[cfg(feature = "ssr")]
    fn of(
        code: &selfcare::support::codes::OneTimeCode,
        channel: selfcare::services::requests::Channel,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            code: code.display(),
            channel: channel.as_str().into(),
            channel_label: channel.label().into(),
            expires_at: expires_at.timestamp(),
            expires: clock(expires_at),
        }
    }
}

/// `14:05:09 UTC`.
pub fn clock(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%H:%M:%S UTC").to_string()
}

impl VerifyLive {
    /// The state in words.
    pub fn of(state: &VerifyState) -> Self {
        Self {
            verified: state.verified.as_ref().map(|v| {
                format!(
                    "Verified by {}, {}, {}",
                    v.staff_name,
                    v.channel.label(),
                    clock(v.at)
                )
            }),
            check_phrase: state
                .verified
                .as_ref()
                .map(|v| v.check_phrase.clone())
                .unwrap_or_default(),
            locked_until: state.locked_until.map(clock),
        }
    }
}

/// `/verify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyPage {
    pub profile: Profile,
    pub state: VerifyState,
    /// After a code was asked for without JavaScript: that code, once.
    pub issued: Option<IssuedCode>,
    pub now: DateTime<Utc>,
}

/// `/access-log`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogPage {
    pub profile: Profile,
    pub entries: Vec<AccessEntry>,
}

/// The verification page: live codes, who verified the customer last, a lock after wrong codes.
#[server(prefix = "/api", endpoint = "verify")]
pub async fn load_verify() -> Result<VerifyPage, AppError> {
    let customer = crate::ssr::customer()?;
    let db = crate::ssr::state()?.db;
    let now = chrono::Utc::now();
    let issued = db
        .take_shown_code(customer, now)
        .await?
        .map(|(channel, code, expires_at)| IssuedCode::of(&code, channel, expires_at));
    Ok(VerifyPage {
        profile: db.profile(customer).await?,
        state: db.verify_state(customer, now).await?,
        issued,
        now,
    })
}

/// Issues a code for `channel` (`phone`, `chat` or `messenger`), revoking the live one for it.
#[server(prefix = "/api", endpoint = "issue_code")]
pub async fn issue_code(channel: String) -> Result<IssuedCode, AppError> {
    let customer = crate::ssr::customer()?;
    let db = crate::ssr::state()?.db;
    let channel = selfcare::support::codes::support_channel(&channel)?;
    let (code, expires_at) = db
        .issue_code(
            customer,
            channel,
            Some(crate::ssr::client_ip()),
            chrono::Utc::now(),
        )
        .await?;
    let issued = IssuedCode::of(&code, channel, expires_at);
    // Without JavaScript the page after the redirect shows the code: it waits there sealed in
    // the database, never in a cookie (nor in this answer's body).
    if crate::ssr::is_plain_form_post() {
        db.keep_code_for_display(customer, channel, &code).await?;
        crate::ssr::redirect("/verify#code");
        return Ok(IssuedCode {
            code: String::new(),
            ..issued
        });
    }
    Ok(issued)
}

/// Every code issued and checked and every staff access to the customer's account.
#[server(prefix = "/api", endpoint = "access_log")]
pub async fn load_access_log() -> Result<AccessLogPage, AppError> {
    let customer = crate::ssr::customer()?;
    let db = crate::ssr::state()?.db;
    Ok(AccessLogPage {
        profile: db.profile(customer).await?,
        entries: selfcare::support::access::AccessEntry::of_records(
            db.audit_of(customer, 200).await?,
            db.profile(customer).await?.language,
        ),
    })
}
