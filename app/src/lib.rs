//! The Selfcare UI: pages, components and server functions, rendered on the server and made
//! interactive in the browser by Leptos *islands*.
//!
//! # Layout
//!
//! - this file: the HTML shell and the route table (routes are listed only here).
//! - `pages/`: one file per page; server-rendered, complete without JavaScript.
//! - `components/`: view pieces; the one `#[island]` among them, `enhance::Enhance`, is the
//!   only code shipped as WASM.
//! - `api/`: `#[server]` functions, thin, with the types they answer; the words of the add-on
//!   views are built there (`api/services/words.rs`), on the server.
//! - `ssr/` (feature `ssr`): the server side, the contract with the `server` crate: state,
//!   the session layer's types, the subject, HTTP helpers, the one form reply cookie.
//! - `acting.rs`: the staff console's prefix for a customer's pages.
//! - `error.rs`: `AppError`, what the UI may see of a failure.
//!
//! Dependencies point one way: pages → components → api types; api → ssr, the store and the
//! domain (`.ci/cycles.py` keeps it so).
//!
//! Why islands and not full hydration: a portal page is mostly figures to read. Every form is a
//! plain HTML form that posts to a server function and is answered with a redirect back to its
//! page, so it works before (and without) the WASM. One generic island then sends those forms
//! in place and swaps in the parts of the page that come back, runs countdowns and polls
//! (all driven by `data-` attributes, see `components/enhance.rs`). No feature's view code is
//! in the WASM, which keeps the first load small on a phone.

// Views typed without erasure (no `into_any`, as in the roaming card) nest deeply.
#![recursion_limit = "256"]

pub mod acting;
pub mod api;
pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use acting::in_console;
use components::enhance::Enhance;
use pages::access_log::AccessLogPage;
use pages::credit::CreditPage;
use pages::dashboard::DashboardPage;
use pages::invoices::{InvoiceDetailPage, InvoicesPage};
use pages::payments::PaymentsPage;
use pages::requests::RequestsPage;
use pages::services::{ChangePage, ServicesPage};
use pages::staff::{
    console::ConsolePage,
    customer::StaffCustomerPage,
    login::StaffLoginPage,
    team::{StaffPasswordPage, TeamMemberPage, TeamPage},
};
use pages::usage::{LinesOverviewPage, UsagePage};
use pages::verify::VerifyPage;
use pages::{login::LoginPage, not_found::NotFound};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::set_page_policy();
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
        <Enhance />
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
                <Route path=path!("/staff/team") view=TeamPage ssr=SsrMode::Async />
                <Route path=path!("/staff/password") view=StaffPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/staff/team/:id") view=TeamMemberPage ssr=SsrMode::Async />
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

/// The WASM entry; the island is hydrated by Leptos's loader right after it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Every page has the one island, which marks `<body data-hydrated="true">` (see
    // `components::count_hydrated_island`).
    leptos::mount::hydrate_islands();
}
