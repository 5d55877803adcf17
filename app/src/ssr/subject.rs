//! Who a server function acts for and who is asking: the signed-in customer, or a member of
//! staff with an open access to that customer. [`subject`] only answers; [`subject_logging_view`]
//! also writes what the member of staff looked at into the customer's access log.

use chrono::Utc;
use selfcare::audit::{Event, Page};
use selfcare::ids::{CustomerId, StaffId};

use super::http::set_status;
use super::session::{client_ip, customer, staff};
use super::state::state;
use crate::error::AppError;

/// Whose data a server function works on, and who is asking: the signed-in customer in the
/// portal, or a member of staff acting for a customer whose data they have opened (by the code
/// the customer read out, or a supervisor's reason) on that access's channel.
#[derive(Clone, Debug)]
pub struct Subject {
    pub customer: CustomerId,
    pub by: selfcare_store::Requester,
}

impl Subject {
    /// The prefix of the subject's portal pages: `` for the customer's own, or
    /// `/staff/customers/7` in the console. Redirects after a form post go under it.
    pub fn home(&self) -> String {
        match self.by.actor {
            selfcare_store::Actor::Staff(_) => crate::acting::staff_home(self.customer),
            _ => String::new(),
        }
    }
}

/// The subject of a page that only shows data: for a member of staff, what they looked at
/// (`looked_at`) goes into the customer's access log.
///
/// `acting_for` is the customer id a staff page sends; `None` on the customer's own pages.
/// With it, only a staff session with an open access to that customer counts (a customer's
/// session never does); without it, only the customer's session.
///
/// # Errors
/// [`AppError::Unauthorized`] without the session needed; [`AppError::NotVerified`] when the
/// staff member's access to the customer is not open (never verified, or expired).
pub async fn subject_logging_view(
    acting_for: Option<CustomerId>,
    looked_at: Page,
) -> Result<Subject, AppError> {
    let subject = subject(acting_for).await?;
    if let selfcare_store::Actor::Staff(staff) = subject.by.actor {
        record_staff_view(staff, subject.customer, looked_at).await?;
    }
    Ok(subject)
}

/// Writes what a member of staff looked at into the customer's access log (`staff_view`).
pub async fn record_staff_view(
    staff: StaffId,
    customer: CustomerId,
    looked_at: Page,
) -> Result<(), AppError> {
    state()?
        .db
        .audit(&selfcare_store::AuditEntry {
            at: Utc::now(),
            actor: selfcare_store::Actor::Staff(staff),
            customer_id: Some(customer),
            event: Event::StaffView(looked_at),
            ip: Some(client_ip()),
        })
        .await?;
    Ok(())
}

/// The subject of a change; see [`subject_logging_view`]. The change itself is audited by the store, with
/// this requester.
pub async fn subject(acting_for: Option<CustomerId>) -> Result<Subject, AppError> {
    use selfcare_store::{Actor, Requester};

    let Some(id) = acting_for else {
        let customer = customer()?;
        return Ok(Subject {
            customer,
            by: Requester::customer(customer),
        });
    };
    let me = staff()?;
    let customer = id;
    match state()?
        .db
        .staff_access(me.staff, customer, Utc::now())
        .await?
    {
        Some(access) => Ok(Subject {
            customer,
            by: Requester {
                actor: Actor::Staff(me.staff),
                channel: access.channel,
            },
        }),
        None => {
            set_status(403);
            Err(AppError::NotVerified)
        }
    }
}
