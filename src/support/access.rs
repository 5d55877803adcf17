//! An agent's access to a customer's data, and the customer's view of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{Actor, Record};
use crate::auth::StaffRole;
use crate::customer::text_enum;
use crate::ids::CustomerId;
use crate::locale::Language;
use crate::services::requests::Channel;
use crate::InputError;

text_enum!(
    /// How an agent came to see a customer's data.
    AccessVia { Code = "code", Override = "override" }
);

/// An open access: `staff` may see and act on `customer`'s data until `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccess {
    pub customer: CustomerId,
    pub channel: Channel,
    pub via: AccessVia,
    pub opened_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Shown to the agent and to the customer after a verification by code.
    pub check_phrase: Option<String>,
    /// A supervisor's reason for opening without a code.
    pub reason: Option<String>,
}

/// Whether a role may open a customer's data without a code (with a reason).
pub fn may_open_without_code(role: StaffRole) -> bool {
    matches!(role, StaffRole::Supervisor | StaffRole::Admin)
}

/// A supervisor's reason for opening a customer's data without a code: said in words the
/// customer will read.
///
/// # Errors
/// When it is shorter than ten characters or longer than 500.
pub fn parse_reason(text: &str) -> Result<String, InputError> {
    let reason = text.trim();
    let length = reason.chars().count();
    if length < 10 {
        return Err(InputError::new(
            "reason",
            "Give the reason in a sentence: the customer will read it.",
        ));
    }
    if length > 500 {
        return Err(InputError::new(
            "reason",
            "Keep the reason under 500 characters.",
        ));
    }
    Ok(reason.to_string())
}

/// A live code of the customer's, as their page shows it (never the code again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveCode {
    pub channel: Channel,
    pub expires_at: DateTime<Utc>,
}

/// Who verified the customer last, as the customer's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    pub staff_name: String,
    pub channel: Channel,
    pub at: DateTime<Utc>,
    pub check_phrase: String,
}

/// What `/verify` shows: live codes, the newest verification, and a lock after wrong codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyState {
    pub live: Vec<LiveCode>,
    pub verified: Option<Verified>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// One entry of the customer's access log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// "You" (the customer's words), or "<name> (support staff)", or "Automatic".
    pub who: String,
    /// Whether the customer did it themselves: the console says "Customer" for "You".
    pub by_customer: bool,
    pub what: String,
    pub detail: String,
}

impl AccessEntry {
    /// Who, as the staff console's timeline says it.
    pub fn who_for_staff(&self) -> &str {
        if self.by_customer {
            "Customer"
        } else {
            &self.who
        }
    }
}

impl AccessEntry {
    /// The entries of the customer's audit log that their access log shows, worded for
    /// `language`, in the order given.
    pub fn of_records(records: Vec<Record>, language: Language) -> Vec<AccessEntry> {
        records
            .into_iter()
            .filter_map(|r| {
                let what = access_label(&r.action)?;
                let who = match &r.actor {
                    Actor::Customer => "You".to_string(),
                    Actor::Staff(name) => format!("{name} (support staff)"),
                    Actor::System => "Automatic".to_string(),
                };
                Some(AccessEntry {
                    id: r.id,
                    at: r.at,
                    who,
                    by_customer: r.actor == Actor::Customer,
                    what: what.to_string(),
                    detail: r.event.words(language),
                })
            })
            .collect()
    }
}

/// The access log's words for an audit action, or `None` for actions it does not list.
pub fn access_label(action: &str) -> Option<&'static str> {
    Some(match action {
        "code_issued" => "Verification code issued",
        "code_verified" => "Verified with a code",
        "code_wrong" => "Wrong verification code typed",
        "code_locked" => "Codes locked after wrong codes",
        "staff_override" => "Opened without a code",
        "staff_view" => "Looked at the account",
        "roaming_change" => "Changed roaming",
        "addon_activate" | "addon_switch" | "addon_end" | "addon_scheduled" => "Changed add-ons",
        "request_cancel" => "Cancelled a scheduled change",
        "sign_in" => "Signed in",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_supervisors_and_admins_open_without_a_code() {
        assert!(!may_open_without_code(StaffRole::Agent));
        assert!(may_open_without_code(StaffRole::Supervisor));
        assert!(may_open_without_code(StaffRole::Admin));
    }

    #[test]
    fn a_reason_is_a_sentence() {
        assert!(parse_reason("  fraud  ").is_err());
        assert_eq!(
            parse_reason(" Customer in hospital, wife calling with power of attorney ").unwrap(),
            "Customer in hospital, wife calling with power of attorney"
        );
        assert!(parse_reason(&"x".repeat(501)).is_err());
    }
}
