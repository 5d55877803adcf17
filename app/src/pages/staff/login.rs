//! `/staff/login`: members of staff sign in with their work email and password, apart from
//! customers (their own session cookie, their own attempts count).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::staff::{staff_login_page, StaffLogin};
use crate::components::ErrorNotice;

/// The demo data's staff sign-ins (see `selfcare::store::seed`), listed on both sign-in pages.
pub const DEMO_STAFF: [(&str, &str, &str); 3] = [
    ("agent@example.com", "selfcare-agent", "support agent"),
    (
        "supervisor@example.com",
        "selfcare-supervisor",
        "support supervisor",
    ),
    (
        "admin@example.com",
        "selfcare-admin",
        "admin, manages staff",
    ),
];

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let next = use_query_map().get_untracked().get("next");
    let state = Resource::new(move || next.clone(), staff_login_page);
    let next = use_query_map()
        .get_untracked()
        .get("next")
        .unwrap_or_default();
    view! {
        <Title text="Staff sign-in" />
        <header class="top staff">
            <a class="brand" href="/staff">"Selfcare "<span class="badge">"Staff console"</span></a>
        </header>
        <main id="main" class="narrow">
            <h1>"Staff sign-in"</h1>
            <Suspense>
                {move || {
                    let next = next.clone();
                    Suspend::new(async move {
                        match state.await {
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                            Ok(page) => view! {
                                {page.error.map(|message| view! {
                                    <p class="notice error" role="alert" id="login-error">{message}</p>
                                })}
                                <form method="post" action=StaffLogin::url() class="card form">
                                    <input type="hidden" name="next" value=next />
                                    <label for="email">"Work email"</label>
                                    <input id="email" name="email" type="email" required
                                        autocomplete="username" autocapitalize="none" spellcheck="false"
                                        value=page.email />
                                    <label for="password">"Password"</label>
                                    <input id="password" name="password" type="password" required
                                        autocomplete="current-password" />
                                    <button type="submit" class="primary">"Sign in"</button>
                                </form>
                                <p class="muted">"Customers sign in at "<a href="/login">"the customer portal"</a>"."</p>
                                {page.demo.then(|| view! {
                                    <section class="card demo" aria-labelledby="demo-heading">
                                        <h2 id="demo-heading">"Demo staff sign-ins"</h2>
                                        <ul>
                                            {DEMO_STAFF.iter().map(|(email, password, role)| view! {
                                                <li><code>{*email}</code>" / "<code>{*password}</code>" — "{*role}</li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}
