//! Service requests of the signed-in customer: every change to a line's services, who asked
//! through which channel, and what became of it.

use leptos::prelude::*;
use selfcare::customer::Profile;
use selfcare::services::requests::ServiceRequest;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// `/requests`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsPage {
    pub profile: Profile,
    pub requests: Vec<ServiceRequest>,
    pub older: Option<String>,
}

pub const REQUESTS_PER_PAGE: u32 = 20;

/// The customer's service requests, newest first, a page after `after`.
#[server(prefix = "/api", endpoint = "requests")]
pub async fn load_requests(
    after: Option<String>,
    acting_for: Option<i64>,
) -> Result<RequestsPage, AppError> {
    use selfcare::paging::Cursor;

    let customer = super::ssr::viewer(acting_for, "Requests").await?.customer;
    let db = super::ssr::state()?.db;
    let after = Cursor::from_query(after)?;
    let page = db
        .service_requests(customer, after.as_ref(), REQUESTS_PER_PAGE)
        .await?;
    Ok(RequestsPage {
        profile: db.profile(customer).await?,
        requests: page.items,
        older: page.next,
    })
}
