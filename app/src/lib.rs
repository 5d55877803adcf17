//! The Selfcare UI: pages, components and server functions, rendered on the server and made
//! interactive in the browser by Leptos *islands*.
//!
//! # Layout
//!
//! - this file: the HTML shell and the route table (routes are listed only here).
//! - `pages/`: one file per page; server-rendered, complete without JavaScript.
//! - `components/`: view pieces; the `#[island]`s among them are the only code shipped as WASM.
//! - `api/`: `#[server]` functions, thin; `api/ssr.rs` reaches the request and the state.
//! - `error.rs`: `AppError`, what the UI may see of a failure.
//!
//! Why islands and not full hydration: a portal page is mostly figures to read. Islands ship
//! WASM only for the interactive parts (choosing the line in focus, the idle-timeout warning,
//! switching paper invoices),
//! which keeps the first load small on a phone; every form is a plain HTML form that posts to a
//! server function, so it works before (and without) the WASM.

// Islands' views are typed without erasure (no `into_any`), so their types nest deeper.
#![recursion_limit = "256"]

pub mod acting;
pub mod api;
pub mod components;
pub mod error;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use acting::in_console;
use pages::access_log::AccessLogPage;
use pages::credit::CreditPage;
use pages::dashboard::DashboardPage;
use pages::invoices::{InvoiceDetailPage, InvoicesPage};
use pages::payments::PaymentsPage;
use pages::requests::RequestsPage;
use pages::services::{ChangePage, ServicesPage};
use pages::staff::{console::ConsolePage, customer::StaffCustomerPage, login::StaffLoginPage};
use pages::usage::{LinesOverviewPage, UsagePage};
use pages::verify::VerifyPage;
use pages::{login::LoginPage, not_found::NotFound};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <HashedStylesheet options=options.clone() />
                <link rel="icon" href="data:," />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| format!("{page} · Selfcare") />
        <a class="skip" href="#main">"Skip to content"</a>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/invoices") view=InvoicesPage ssr=SsrMode::Async />
                <Route path=path!("/invoices/:number") view=InvoiceDetailPage ssr=SsrMode::Async />
                <Route path=path!("/payments") view=PaymentsPage ssr=SsrMode::Async />
                <Route path=path!("/usage") view=UsagePage ssr=SsrMode::Async />
                <Route path=path!("/usage/lines") view=LinesOverviewPage ssr=SsrMode::Async />
                <Route path=path!("/credit") view=CreditPage ssr=SsrMode::Async />
                <Route path=path!("/services") view=ServicesPage ssr=SsrMode::Async />
                <Route path=path!("/services/change") view=ChangePage ssr=SsrMode::Async />
                <Route path=path!("/requests") view=RequestsPage ssr=SsrMode::Async />
                <Route path=path!("/staff") view=ConsolePage ssr=SsrMode::Async />
                <Route path=path!("/staff/login") view=StaffLoginPage ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id") view=|| in_console(StaffCustomerPage) ssr=SsrMode::Async />
                // The customer's own pages, for a verified caller (see `acting`).
                <Route path=path!("/staff/customers/:id/invoices") view=|| in_console(InvoicesPage) ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id/invoices/:number") view=|| in_console(InvoiceDetailPage) ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id/payments") view=|| in_console(PaymentsPage) ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id/usage") view=|| in_console(UsagePage) ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id/usage/lines") view=|| in_console(LinesOverviewPage) ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id/credit") view=|| in_console(CreditPage) ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id/services") view=|| in_console(ServicesPage) ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id/services/change") view=|| in_console(ChangePage) ssr=SsrMode::Async />
                <Route path=path!("/staff/customers/:id/requests") view=|| in_console(RequestsPage) ssr=SsrMode::Async />
                <Route path=path!("/verify") view=VerifyPage ssr=SsrMode::Async />
                <Route path=path!("/access-log") view=AccessLogPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// The WASM entry; the islands themselves are hydrated by Leptos's loader right after it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // A page without islands is as hydrated as it gets; pages with islands are marked by
    // `components::count_hydrated_island` once the last one is.
    let doc = document();
    if doc.get_elements_by_tag_name("leptos-island").length() == 0 {
        if let Some(body) = doc.body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    }
}
