//! The overview page's data.

use leptos::prelude::*;
use selfcare::dashboard::Dashboard;

use crate::error::AppError;

/// The signed-in customer's overview. Takes no id: the session decides whose it is.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    use super::ssr;
    let customer = ssr::customer()?;
    let today = chrono::Utc::now().date_naive();
    Ok(ssr::state()?.db.dashboard(customer, today).await?)
}
