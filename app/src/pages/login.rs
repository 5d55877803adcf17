//! `/login`: sign in with an email address or phone number and a password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use leptos::server_fn::ServerFn;

use crate::api::auth::{login_page, Login};
use crate::components::sign_in::{demo_list, sign_in_form, AccountField};
use crate::components::ErrorNotice;

const CUSTOMER_FIELD: AccountField = AccountField {
    name: "identifier",
    label: "Email or phone number",
    kind: "text",
    inputmode: Some("email"),
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let next = use_query_map().get_untracked().get("next");
    let state = Resource::new(move || next.clone(), login_page);
    let next = use_query_map()
        .get_untracked()
        .get("next")
        .unwrap_or_default();
    view! {
        <Title text="Sign in" />
        <header class="top">
            <a class="brand" href="/">"Selfcare"</a>
        </header>
        <main id="main" class="narrow">
            <h1>"Sign in"</h1>
            <Suspense>
                {move || {
                    let next = next.clone();
                    Suspend::new(async move {
                        match state.await {
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                            Ok(page) => view! {
                                {sign_in_form(Login::url(), CUSTOMER_FIELD, page.typed, page.error, next)}
                                {page.demo.then(|| view! {
                                    <section class="card demo" aria-labelledby="demo-heading">
                                        <h2 id="demo-heading">"Demo sign-ins"</h2>
                                        <p>"This portal holds demo data. Try it as:"</p>
                                        {demo_list(selfcare::demo::customers())}
                                        <p>"Staff sign in to the "<a href="/staff/login">"staff console"</a>" as:"</p>
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
