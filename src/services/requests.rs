//! Service requests: every change to a line's services, whoever asked for it, with its status.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::customer::text_enum;
use crate::ids::{LineId, Msisdn, RequestId};
use crate::money::Money;

text_enum!(
    /// What was asked.
    RequestKind { Activate = "activate", Switch = "switch", End = "end", Roaming = "roaming" }
);

text_enum!(
    /// Where the request came from: the portal itself, or a support agent on a channel.
    Channel { Portal = "portal", Phone = "phone", Chat = "chat", Messenger = "messenger" }
);

text_enum!(
    /// What became of a request.
    RequestStatus { Done = "done", Scheduled = "scheduled", Failed = "failed", Cancelled = "cancelled" }
);

impl RequestKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Activate => "New add-on",
            Self::Switch => "Switch of add-on",
            Self::End => "End of add-on",
            Self::Roaming => "Roaming",
        }
    }
}

impl Channel {
    pub fn label(self) -> &'static str {
        match self {
            Self::Portal => "Self-service portal",
            Self::Phone => "Phone",
            Self::Chat => "Live chat",
            Self::Messenger => "Messenger",
        }
    }
}

/// Who asked for a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestedBy {
    /// The customer, signed in.
    Customer,
    /// A member of staff, by display name, on the customer's behalf.
    Staff(String),
    /// The portal itself (none so far; kept for imports and operators' tools).
    System,
}

impl RequestedBy {
    pub fn label(&self) -> String {
        match self {
            Self::Customer => "You".into(),
            Self::Staff(name) => format!("{name} (support staff)"),
            Self::System => "Automatic".into(),
        }
    }
}

/// One service request as the customer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRequest {
    pub id: RequestId,
    pub line: LineId,
    pub msisdn: Msisdn,
    pub kind: RequestKind,
    /// Taking or switching to an add-on: which.
    pub addon: Option<crate::ids::AddonId>,
    /// What was asked (worded by [`ServiceRequest::summary`]).
    pub asked: super::Asked,
    /// Charged when it took effect, fees included; zero when nothing was.
    pub charge: Money,
    pub requested_by: RequestedBy,
    pub channel: Channel,
    pub status: RequestStatus,
    /// The day it takes (or took) effect.
    pub effective_on: NaiveDate,
    /// Why it failed.
    pub failure: Option<super::Failure>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl ServiceRequest {
    /// What was asked, in words: "Take Data 5 GB from 1. 12. 2026".
    pub fn summary(&self, language: crate::locale::Language) -> String {
        let refused = self
            .failure
            .as_ref()
            .is_some_and(super::Failure::when_asked);
        self.asked
            .words(self.kind, self.effective_on, refused, language)
    }

    /// Why it failed, in words.
    pub fn failure_text(&self, language: crate::locale::Language) -> Option<String> {
        self.failure.as_ref().map(|f| f.words(language))
    }

    /// The status in words: "Done", "Scheduled for 1. 12. 2026", "Failed: ...".
    pub fn status_text(&self, language: crate::locale::Language) -> String {
        match self.status {
            RequestStatus::Done => "Done".into(),
            RequestStatus::Scheduled => {
                format!("Scheduled for {}", language.format_date(self.effective_on))
            }
            RequestStatus::Failed => match self.failure_text(language) {
                Some(why) => format!("Failed: {why}"),
                None => "Failed".into(),
            },
            RequestStatus::Cancelled => "Cancelled".into(),
        }
    }
}
