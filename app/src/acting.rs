//! The customer's portal pages shown in the staff console. An agent who has opened a customer's
//! data (see `pages/staff/customer.rs`) sees that customer's invoices, payments, usage, services
//! and requests on the same pages the customer uses, under `/staff/customers/{id}/...`: the
//! route provides [`ActingFor`], links go through [`href`], forms carry [`ActingField`], and
//! server functions take `acting_for` (see `ssr::subject_logging_view`), which only an open staff
//! access to that customer satisfies.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use selfcare::ids::CustomerId;

/// The customer a member of staff is acting for; absent on the customer's own pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActingFor(pub CustomerId);

/// The customer the page is acting for, in the staff console.
pub fn acting_for() -> Option<CustomerId> {
    use_context::<ActingFor>().map(|a| a.0)
}

/// The console's pages of a customer: `/staff/customers/7`.
pub fn staff_home(customer: CustomerId) -> String {
    format!("/staff/customers/{customer}")
}

/// A portal path as this page's viewer reaches it: `/invoices` on the customer's own pages,
/// `/staff/customers/7/invoices` in the console (and `/` is the customer's page there).
pub fn href(path: &str) -> String {
    match acting_for() {
        Some(id) if path == "/" => staff_home(id),
        Some(id) => format!("{}{path}", staff_home(id)),
        None => path.to_string(),
    }
}

/// A route's view of a customer portal page in the console: the `:id` of the path is the
/// customer acted for.
pub fn in_console<V: IntoView>(page: fn() -> V) -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // A number from the address: the server functions the page calls act for it only with
    // the staff member's open access to that customer (`ssr::subject`).
    provide_context(ActingFor(CustomerId::trusted(id)));
    page()
}

/// The hidden field that makes a form's post act for the customer, in the console.
#[component]
pub fn ActingField() -> impl IntoView {
    acting_for().map(|id| view! { <input type="hidden" name="acting_for" value=id.get() /> })
}

/// Marks the staff console's pages, so an error asks staff to sign in at `/staff/login`.
#[derive(Clone, Copy, Debug)]
pub struct StaffConsole;

pub fn in_staff_console() -> bool {
    use_context::<StaffConsole>().is_some()
}
