//! What the audit log records: one [`Event`] per thing done, stored as data (its action and its
//! facts, as JSON) and put into words only when shown ([`Event::words`]), in the reader's
//! language. The store writes the events the domain and the app hand it; it picks no wording.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::StaffRole;
use crate::ids::{AccountId, Msisdn};
use crate::locale::Language;
use crate::money::Money;
use crate::services::requests::{Channel, RequestKind};
use crate::services::roaming::RoamingAsked;
use crate::services::{Asked, Failure};

/// Where someone signed in or out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Door {
    /// The customers' portal.
    Portal,
    /// The staff console.
    Console,
}

/// A customer's page a member of staff looked at (`staff_view`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "page", rename_all = "snake_case")]
pub enum Page {
    /// The console's page of the customer before verification: their name and lines only.
    Lookup,
    /// The console's page of the customer: lines, balances and what is due.
    Overview,
    Services,
    Requests,
    Usage,
    UsageOfEveryLine,
    Invoices,
    Invoice {
        number: String,
    },
    Payments,
    Credit,
}

impl Page {
    /// In words for the customer's access log: "Invoice 2026-000123".
    pub fn words(&self) -> String {
        match self {
            Self::Lookup => "Name and lines, before verification".into(),
            Self::Overview => "Overview: lines, balances and what is due".into(),
            Self::Services => "Services".into(),
            Self::Requests => "Requests".into(),
            Self::Usage => "Usage".into(),
            Self::UsageOfEveryLine => "Usage of every line".into(),
            Self::Invoices => "Invoices".into(),
            Self::Invoice { number } => format!("Invoice {number}"),
            Self::Payments => "Payments".into(),
            Self::Credit => "Credit".into(),
        }
    }
}

/// A change to a line's add-ons, as its audit entry records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonChange {
    pub asked: Asked,
    pub kind: RequestKind,
    pub effective_on: NaiveDate,
    pub msisdn: Msisdn,
    pub channel: Channel,
    /// What it costs on `effective_on`, fees included.
    pub charge: Money,
}

/// A request applied (or failed) on its day, or cancelled before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDone {
    pub asked: Asked,
    pub kind: RequestKind,
    pub effective_on: NaiveDate,
}

/// A member of staff as an entry about them names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    pub email: String,
}

/// One thing done, as the audit log stores it. The tag is the entry's `action`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Event {
    SignIn {
        door: Door,
        by_phone: bool,
    },
    SignOut {
        door: Door,
    },
    CodeIssued {
        channel: Channel,
        expires_at: DateTime<Utc>,
    },
    CodeWrong {
        channel: Channel,
    },
    /// The wrong code that locked codes (`typed_while_locked: false`), or a code typed while
    /// they were locked.
    CodeLocked {
        channel: Channel,
        typed_while_locked: bool,
    },
    CodeVerified {
        channel: Channel,
    },
    StaffOverride {
        channel: Channel,
        reason: String,
    },
    StaffView(Page),
    StaffSearch {
        typed: String,
    },
    StaffReview(Member),
    StaffAdd {
        member: Member,
        role: StaffRole,
    },
    StaffRole {
        member: Member,
        from: StaffRole,
        to: StaffRole,
    },
    StaffDisable(Member),
    StaffEnable(Member),
    StaffPassword,
    PaperInvoices {
        account: AccountId,
        on: bool,
    },
    LowCreditThreshold {
        threshold: Option<Money>,
    },
    VoucherTopUp {
        /// The last four digits only (`•••• 1234`).
        voucher: String,
        msisdn: Msisdn,
    },
    AddonActivate(AddonChange),
    AddonSwitch(AddonChange),
    AddonEnd(AddonChange),
    AddonScheduled(AddonChange),
    RoamingChange {
        asked: RoamingAsked,
        msisdn: Msisdn,
        channel: Channel,
    },
    RequestCancel {
        request: RequestDone,
        channel: Channel,
    },
    ScheduledChangeDone(RequestDone),
    ScheduledChangeFailed {
        request: RequestDone,
        failure: Failure,
    },
    /// An entry written before entries were stored as data: its words as they were written
    /// (its action is the row's).
    AsWritten {
        text: String,
    },
}

impl Event {
    /// The stable name stored in `audit_log.action` (the tag of the stored JSON).
    pub fn action(&self) -> &'static str {
        match self {
            Self::SignIn { .. } => "sign_in",
            Self::SignOut { .. } => "sign_out",
            Self::CodeIssued { .. } => "code_issued",
            Self::CodeWrong { .. } => "code_wrong",
            Self::CodeLocked { .. } => "code_locked",
            Self::CodeVerified { .. } => "code_verified",
            Self::StaffOverride { .. } => "staff_override",
            Self::StaffView(_) => "staff_view",
            Self::StaffSearch { .. } => "staff_search",
            Self::StaffReview(_) => "staff_review",
            Self::StaffAdd { .. } => "staff_add",
            Self::StaffRole { .. } => "staff_role",
            Self::StaffDisable(_) => "staff_disable",
            Self::StaffEnable(_) => "staff_enable",
            Self::StaffPassword => "staff_password",
            Self::PaperInvoices { .. } => "paper_invoices",
            Self::LowCreditThreshold { .. } => "low_credit_threshold",
            Self::VoucherTopUp { .. } => "voucher_top_up",
            Self::AddonActivate(_) => "addon_activate",
            Self::AddonSwitch(_) => "addon_switch",
            Self::AddonEnd(_) => "addon_end",
            Self::AddonScheduled(_) => "addon_scheduled",
            Self::RoamingChange { .. } => "roaming_change",
            Self::RequestCancel { .. } => "request_cancel",
            Self::ScheduledChangeDone(_) => "scheduled_change_done",
            Self::ScheduledChangeFailed { .. } => "scheduled_change_failed",
            Self::AsWritten { .. } => "as_written",
        }
    }

    /// What happened, in words for `language`: "By phone; access for 30 minutes".
    pub fn words(&self, language: Language) -> String {
        let who = |m: &Member| format!("{} <{}>", m.name, m.email);
        let request = |r: &RequestDone| r.asked.words(r.kind, r.effective_on, false, language);
        match self {
            Self::SignIn {
                door: Door::Portal,
                by_phone,
            } => format!(
                "Signed in to the portal with {} and password",
                if *by_phone { "phone number" } else { "email" }
            ),
            Self::SignIn {
                door: Door::Console,
                ..
            } => "Signed in to the staff console with email and password".into(),
            Self::SignOut { door: Door::Portal } => "Signed out".into(),
            Self::SignOut {
                door: Door::Console,
            } => "Signed out of the staff console".into(),
            Self::CodeIssued {
                channel,
                expires_at,
            } => format!(
                "For {}, valid until {} UTC",
                channel.label(),
                expires_at.format("%H:%M")
            ),
            Self::CodeWrong { channel } => format!("A wrong code for {}", channel.label()),
            Self::CodeLocked {
                channel,
                typed_while_locked: true,
            } => format!(
                "A code typed for {} while codes were locked",
                channel.label()
            ),
            Self::CodeLocked { channel, .. } => format!(
                "A wrong code for {}; codes locked for 15 minutes",
                channel.label()
            ),
            Self::CodeVerified { channel } => {
                format!("By {}; access for 30 minutes", channel.label())
            }
            Self::StaffOverride { channel, reason } => {
                format!("By {}, without a code. Reason: {reason}", channel.label())
            }
            Self::StaffView(page) => page.words(),
            Self::StaffSearch { typed } => typed.clone(),
            Self::StaffReview(member) => who(member),
            Self::StaffAdd { member, role } => {
                format!("{}: added as {}", who(member), role.as_str())
            }
            Self::StaffRole { member, from, to } => {
                format!("{}: role {} → {}", who(member), from.as_str(), to.as_str())
            }
            Self::StaffDisable(member) => format!("{}: disabled", who(member)),
            Self::StaffEnable(member) => format!("{}: enabled", who(member)),
            Self::StaffPassword => "Changed their password; their other sessions ended".into(),
            Self::PaperInvoices { account, on } => format!(
                "Paper invoices turned {} for billing account {account}",
                if *on { "on" } else { "off" }
            ),
            Self::LowCreditThreshold { threshold: Some(t) } => format!(
                "Low-credit warning set at {} {}",
                t.amount,
                t.currency.code()
            ),
            Self::LowCreditThreshold { threshold: None } => "Low-credit warning turned off".into(),
            Self::VoucherTopUp { voucher, msisdn } => {
                format!("Voucher {voucher} redeemed on {}", msisdn.display())
            }
            Self::AddonActivate(c)
            | Self::AddonSwitch(c)
            | Self::AddonEnd(c)
            | Self::AddonScheduled(c) => format!(
                "{} on {} ({}), {}",
                c.asked.words(c.kind, c.effective_on, false, language),
                c.msisdn.display(),
                c.channel.as_str(),
                c.charge.format(language)
            ),
            Self::RoamingChange {
                asked,
                msisdn,
                channel,
            } => format!(
                "{} on {} ({})",
                asked.words(language),
                msisdn.display(),
                channel.as_str()
            ),
            Self::RequestCancel {
                request: r,
                channel,
            } => format!(
                "{}, before it took effect ({})",
                request(r),
                channel.label()
            ),
            Self::ScheduledChangeDone(r) => request(r),
            Self::ScheduledChangeFailed {
                request: r,
                failure,
            } => {
                format!("{}: {}", request(r), failure.words(language))
            }
            Self::AsWritten { text } => text.clone(),
        }
    }
}

/// Who did what an audit entry records, as read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Customer,
    /// A member of staff, by name.
    Staff(String),
    System,
}

/// One entry of the audit log as read back: when, who, what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// The stored action (an [`Event::AsWritten`] keeps its row's).
    pub action: String,
    pub event: Event,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn an_event_is_stored_as_data_with_its_action_as_tag_and_reads_back() {
        let events = [
            Event::SignIn {
                door: Door::Portal,
                by_phone: true,
            },
            Event::StaffView(Page::Invoice {
                number: "2026-000123".into(),
            }),
            Event::StaffPassword,
            Event::AddonSwitch(AddonChange {
                asked: Asked::Addon {
                    name: "Data 10 GB".into(),
                    replaces: vec!["Data 5 GB".into()],
                },
                kind: RequestKind::Switch,
                effective_on: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
                msisdn: Msisdn::parse("+420601234567").unwrap(),
                channel: Channel::Phone,
                charge: Money::from_cents(12_550, Currency::Czk),
            }),
        ];
        for event in events {
            let json = serde_json::to_string(&event).unwrap();
            assert!(
                json.starts_with(&format!("{{\"action\":\"{}\"", event.action())),
                "{json}"
            );
            assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
        }
        assert!(serde_json::from_str::<Event>("Signed out").is_err());
    }

    #[test]
    fn an_event_is_worded_when_shown() {
        let switch = Event::AddonSwitch(AddonChange {
            asked: Asked::Addon {
                name: "Data 10 GB".into(),
                replaces: vec!["Data 5 GB".into()],
            },
            kind: RequestKind::Switch,
            effective_on: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            msisdn: Msisdn::parse("+420601234567").unwrap(),
            channel: Channel::Phone,
            charge: Money::from_cents(12_550, Currency::Czk),
        });
        assert_eq!(
            switch.words(Language::En),
            format!(
                "Switch from Data 5 GB to Data 10 GB on {} on {} (phone), {}",
                Language::En.format_date(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()),
                Msisdn::parse("+420601234567").unwrap().display(),
                Money::from_cents(12_550, Currency::Czk).format(Language::En)
            )
        );
        assert_eq!(
            Event::StaffView(Page::UsageOfEveryLine).words(Language::Cs),
            "Usage of every line"
        );
        assert_eq!(
            Event::LowCreditThreshold { threshold: None }.words(Language::En),
            "Low-credit warning turned off"
        );
        let failed = Event::ScheduledChangeFailed {
            request: RequestDone {
                asked: Asked::Addon {
                    name: "Roam 1 GB".into(),
                    replaces: Vec::new(),
                },
                kind: RequestKind::Activate,
                effective_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            },
            failure: Failure::LineGone,
        };
        assert!(failed
            .words(Language::En)
            .ends_with(": The line is no longer active."));
    }
}
