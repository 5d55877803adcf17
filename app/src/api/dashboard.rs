//! The overview page's data.

use leptos::prelude::*;
use selfcare::dashboard::{Dashboard, LowBalance};
use serde::{Deserialize, Serialize};

use crate::api::billing::PayBox;
use crate::error::AppError;

/// The overview, and how to pay each unpaid invoice (overdue first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub dashboard: Dashboard,
    pub pay: Vec<PayBox>,
    /// Credit under the customer's threshold, allowances nearly used up.
    pub warnings: Vec<LowBalance>,
}

/// The signed-in customer's overview. Takes no id: the session decides whose it is.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<Overview, AppError> {
    let customer = crate::ssr::customer()?;
    ssr::overview(customer).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use selfcare::ids::CustomerId;

    use super::Overview;
    use crate::error::AppError;

    /// A customer's overview, for their own page and for the staff console's.
    pub async fn overview(customer: CustomerId) -> Result<Overview, AppError> {
        use crate::api::billing::ssr::pay_box;

        let state = crate::ssr::state()?;
        let dashboard = state.db.dashboard(customer, chrono::Utc::now()).await?;
        Ok(Overview {
            warnings: selfcare::dashboard::low_balances(
                &dashboard.lines,
                dashboard.low_credit_threshold,
            ),
            pay: dashboard
                .unpaid
                .iter()
                .filter_map(|invoice| pay_box(&state, invoice))
                .collect(),
            dashboard,
        })
    }
}
