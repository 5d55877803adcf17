//! Bills and payments: the invoice list, one invoice, payments, and paper or electronic
//! invoices. No function takes a customer id: the session decides whose data it is (or, in the
//! staff console, the agent's open access to the customer: `acting_for`, see `ssr::subject_logging_view`),
//! and the store scopes every query to it.

use leptos::prelude::*;
use selfcare::billing::invoices::Payment;
use selfcare::billing::invoices::{BilledLine, InvoiceDetail, InvoiceSummary};
use selfcare::billing::payments::PaymentInstructions;
use selfcare::customer::Profile;
use selfcare::ids::AccountId;
use selfcare::ids::CustomerId;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How to pay one invoice, with its QR code as an SVG image (when the currency has a standard
/// that can carry the payment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayBox {
    pub instructions: PaymentInstructions,
    pub qr_svg: Option<String>,
}

/// A paper-invoice setting as the invoice list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperSetting {
    pub account: AccountId,
    pub account_name: String,
    pub paper_invoices: bool,
}

/// `/invoices`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceList {
    pub profile: Profile,
    pub today: chrono::NaiveDate,
    /// Everything left to pay, overdue first.
    pub unpaid: Vec<InvoiceSummary>,
    /// Settled invoices, newest first, one page.
    pub settled: Vec<InvoiceSummary>,
    /// The cursor of the next (older) page.
    pub older: Option<String>,
    pub years: Vec<i32>,
    pub lines: Vec<BilledLine>,
    pub accounts: Vec<PaperSetting>,
}

/// `/invoices/{number}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePage {
    pub detail: InvoiceDetail,
    pub today: chrono::NaiveDate,
    pub pay: Option<PayBox>,
}

/// `/payments`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentList {
    pub profile: Profile,
    pub today: chrono::NaiveDate,
    pub unpaid: Vec<InvoiceSummary>,
    pub payments: Vec<Payment>,
    pub older: Option<String>,
}

/// Settled invoices per page: a year of monthly bills.
pub const INVOICES_PER_PAGE: u32 = 12;
pub const PAYMENTS_PER_PAGE: u32 = 20;

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Server-side pieces shared by the billing pages and the overview.

    use selfcare::billing::invoices::InvoiceSummary;
    use selfcare::billing::payment_qr::qr_svg;
    use selfcare::billing::payments::payment_instructions;

    use super::PayBox;
    use crate::ssr::AppState;

    /// How to pay `invoice`, if anything is left and the operator has an account in its
    /// currency.
    pub fn pay_box(state: &AppState, invoice: &InvoiceSummary) -> Option<PayBox> {
        let instructions = payment_instructions(state.payee.as_deref()?, invoice)?;
        let qr_svg = instructions.qr.as_ref().and_then(|(_, payload)| {
            qr_svg(payload, 220)
                .map_err(|e| tracing::error!(error = %e, "payment QR code"))
                .ok()
                // Inline in HTML: the XML declaration has no place there.
                .map(|svg| match svg.find("<svg") {
                    Some(start) => svg[start..].to_string(),
                    None => svg,
                })
        });
        Some(PayBox {
            instructions,
            qr_svg,
        })
    }
}

/// The invoice list, filtered by line and year, one page of settled invoices after `after`.
#[server(prefix = "/api", endpoint = "invoices")]
pub async fn load_invoices(
    line: Option<i64>,
    year: Option<i32>,
    after: Option<String>,
    acting_for: Option<CustomerId>,
) -> Result<InvoiceList, AppError> {
    use selfcare::ids::LineId;
    use selfcare::paging::Cursor;
    use selfcare_store::InvoiceFilter;

    let customer = crate::ssr::subject_logging_view(acting_for, selfcare::audit::Page::Invoices)
        .await?
        .customer;
    let db = crate::ssr::state()?.db;
    let after = Cursor::from_query(after)?;
    let filter = InvoiceFilter {
        line: line.filter(|l| *l > 0).map(LineId::trusted),
        year,
    };
    let (years, lines) = db.invoice_filters(customer).await?;
    let settled = db
        .settled_invoices(customer, filter, after.as_ref(), INVOICES_PER_PAGE)
        .await?;
    Ok(InvoiceList {
        profile: db.profile(customer).await?,
        today: chrono::Utc::now().date_naive(),
        unpaid: db.unpaid_invoices(customer, filter).await?,
        settled: settled.items,
        older: settled.next,
        years,
        lines,
        accounts: db
            .billing_accounts(customer)
            .await?
            .into_iter()
            .map(|a| PaperSetting {
                account: a.id,
                account_name: a.name,
                paper_invoices: a.paper_invoices,
            })
            .collect(),
    })
}

/// One invoice of the signed-in customer's; another customer's number is not found.
#[server(prefix = "/api", endpoint = "invoice")]
pub async fn load_invoice(
    number: String,
    acting_for: Option<CustomerId>,
) -> Result<InvoicePage, AppError> {
    let subject = crate::ssr::subject(acting_for).await?;
    let state = crate::ssr::state()?;
    let detail = state.db.invoice(subject.customer, &number).await?;
    // Only an invoice that exists goes into the access log, by its own number: nothing typed
    // into a URL is ever written there.
    if let selfcare_store::Actor::Staff(staff) = subject.by.actor {
        let looked_at = selfcare::audit::Page::Invoice {
            number: detail.summary.number.clone(),
        };
        crate::ssr::record_staff_view(staff, subject.customer, looked_at).await?;
    }
    Ok(InvoicePage {
        pay: ssr::pay_box(&state, &detail.summary),
        detail,
        today: chrono::Utc::now().date_naive(),
    })
}

/// What is owed, and one page of payments after `after`.
#[server(prefix = "/api", endpoint = "payments")]
pub async fn load_payments(
    after: Option<String>,
    acting_for: Option<CustomerId>,
) -> Result<PaymentList, AppError> {
    use selfcare::paging::Cursor;
    use selfcare_store::InvoiceFilter;

    let customer = crate::ssr::subject_logging_view(acting_for, selfcare::audit::Page::Payments)
        .await?
        .customer;
    let db = crate::ssr::state()?.db;
    let after = Cursor::from_query(after)?;
    let payments = db
        .payments(customer, after.as_ref(), PAYMENTS_PER_PAGE)
        .await?;
    Ok(PaymentList {
        profile: db.profile(customer).await?,
        today: chrono::Utc::now().date_naive(),
        unpaid: db
            .unpaid_invoices(customer, InvoiceFilter::default())
            .await?,
        payments: payments.items,
        older: payments.next,
    })
}

/// Turns paper invoices on or off for one of the customer's accounts; answers the setting now
/// in force. Setting what is already set changes nothing, so a double submit is harmless.
#[server(prefix = "/api", endpoint = "paper_invoices")]
pub async fn set_paper_invoices(account: AccountId, paper: bool) -> Result<bool, AppError> {
    use selfcare_store::Actor;

    let customer = crate::ssr::customer()?;
    let db = crate::ssr::state()?.db;
    let saved = db
        .set_paper_invoices(
            customer,
            account,
            paper,
            Actor::Customer(customer),
            Some(crate::ssr::client_ip()),
            chrono::Utc::now(),
        )
        .await;
    // A plain form post (no JavaScript) goes back to the list, which shows the setting now in
    // force, or that the change was not saved.
    if crate::ssr::is_plain_form_post() {
        crate::ssr::redirect(if saved.is_ok() {
            "/invoices#electronic-billing"
        } else {
            "/invoices?paper=failed#electronic-billing"
        });
    }
    saved?;
    Ok(paper)
}
