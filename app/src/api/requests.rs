//! Service requests of the signed-in customer: every change to a line's services, who asked
//! through which channel, and what became of it.

use leptos::prelude::*;
use selfcare::customer::Profile;
use selfcare::ids::CustomerId;
use selfcare::ids::RequestId;
use selfcare::services::requests::ServiceRequest;
use serde::{Deserialize, Serialize};

use crate::api::Reply;
use crate::error::AppError;

/// `/requests`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsPage {
    pub profile: Profile,
    pub requests: Vec<ServiceRequest>,
    pub older: Option<String>,
    /// The outcome of a cancellation posted without JavaScript, shown once.
    pub notice: Option<Reply>,
}

pub const REQUESTS_PER_PAGE: u32 = 20;

/// The customer's service requests, newest first, a page after `after`.
#[server(prefix = "/api", endpoint = "requests")]
pub async fn load_requests(
    after: Option<String>,
    acting_for: Option<CustomerId>,
) -> Result<RequestsPage, AppError> {
    use selfcare::paging::Cursor;

    let customer = crate::ssr::subject_logging_view(acting_for, selfcare::audit::Page::Requests)
        .await?
        .customer;
    let db = crate::ssr::state()?.db;
    let after = Cursor::from_query(after)?;
    let page = db
        .service_requests(customer, after.as_ref(), REQUESTS_PER_PAGE)
        .await?;
    Ok(RequestsPage {
        profile: db.profile(customer).await?,
        requests: page.items,
        older: page.next,
        notice: crate::ssr::reply::take(),
    })
}

/// Cancels one of the customer's scheduled changes before it takes effect (a member of staff
/// acting for the customer may too; the cancellation is audited with who asked).
#[server(prefix = "/api", endpoint = "cancel_request")]
pub async fn cancel_request(
    request: RequestId,
    acting_for: Option<CustomerId>,
) -> Result<Reply, AppError> {
    use selfcare::services::requests::RequestStatus;

    let subject = crate::ssr::subject(acting_for).await?;
    let db = crate::ssr::state()?.db;
    let r = db
        .cancel_request(subject.customer, request, subject.by, chrono::Utc::now())
        .await?;
    let summary = r.summary(db.profile(subject.customer).await?.language);
    let (ok, message) = match r.status {
        RequestStatus::Cancelled => (true, format!("Cancelled: {summary}. Nothing will change.")),
        RequestStatus::Scheduled => (false, format!("Not cancelled: {summary}.")),
        RequestStatus::Done => (
            false,
            format!(
                "Too late to cancel: {summary} has already taken effect. You can change it again under Services."
            ),
        ),
        RequestStatus::Failed => (false, format!("Nothing to cancel: {summary} had failed.")),
    };
    let page = match acting_for {
        Some(id) => format!("{}/requests", crate::acting::staff_home(id)),
        None => "/requests".to_string(),
    };
    Ok(crate::ssr::reply::answer(
        Reply::new(ok, message),
        &format!("{page}#request-{request}"),
    ))
}
