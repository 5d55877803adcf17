//! `/login`: sign in with an email address or phone number and a password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use leptos::server_fn::ServerFn;

use crate::api::auth::{login_page, Login};
use crate::components::ErrorNotice;

const DEMO_SIGN_INS: [(&str, &str, &str); 3] = [
    (
        "demo@example.com",
        "selfcare-demo",
        "private customer, two postpaid lines",
    ),
    (
        "prepaid@example.com",
        "selfcare-demo",
        "prepaid line with credit",
    ),
    (
        "business@example.com",
        "selfcare-demo",
        "business account, five lines",
    ),
];

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
                                {page.error.map(|message| view! {
                                    <p class="notice error" role="alert" id="login-error">{message}</p>
                                })}
                                <form method="post" action=Login::url() class="card form">
                                    <input type="hidden" name="next" value=next />
                                    <label for="identifier">"Email or phone number"</label>
                                    <input id="identifier" name="identifier" type="text" required
                                        autocomplete="username" inputmode="email" autocapitalize="none" spellcheck="false"
                                        value=page.identifier />
                                    <label for="password">"Password"</label>
                                    <input id="password" name="password" type="password" required
                                        autocomplete="current-password" />
                                    <button type="submit" class="primary">"Sign in"</button>
                                </form>
                                {page.demo.then(|| view! {
                                    <section class="card demo" aria-labelledby="demo-heading">
                                        <h2 id="demo-heading">"Demo sign-ins"</h2>
                                        <p>"This portal holds demo data. Try it as:"</p>
                                        <ul>
                                            {DEMO_SIGN_INS.iter().map(|(email, password, what)| view! {
                                                <li><code>{*email}</code>" / "<code>{*password}</code>" — "{*what}</li>
                                            }).collect_view()}
                                        </ul>
                                        <p>"Staff sign in to the "<a href="/staff/login">"staff console"</a>" as:"</p>
                                        <ul>
                                            {crate::pages::staff::login::DEMO_STAFF.iter().map(|(email, password, what)| view! {
                                                <li><code>{*email}</code>" / "<code>{*password}</code>" — "{*what}</li>
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
