//! `/staff/login`: members of staff sign in with their work email and password, apart from
//! customers (their own session cookie, their own attempts count).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::staff::{staff_login_page, StaffLogin};
use crate::components::sign_in::{demo_list, sign_in_form, AccountField};
use crate::components::ErrorNotice;

const STAFF_FIELD: AccountField = AccountField {
    name: "email",
    label: "Work email",
    kind: "email",
    inputmode: None,
};

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
                                {sign_in_form(StaffLogin::url(), STAFF_FIELD, page.typed, page.error, next)}
                                <p class="muted">"Customers sign in at "<a href="/login">"the customer portal"</a>"."</p>
                                {page.demo.then(|| view! {
                                    <section class="card demo" aria-labelledby="demo-heading">
                                        <h2 id="demo-heading">"Demo staff sign-ins"</h2>
                                        {demo_list(selfcare::demo::staff())}
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
