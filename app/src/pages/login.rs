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
                                {sign_in_form(Login::url(), CUSTOMER_FIELD, page.identifier, page.error, next)}
                                {page.demo.then(|| view! {
                                    <section class="card demo" aria-labelledby="demo-heading">
                                        <h2 id="demo-heading">"Demo sign-ins"</h2>
                                        <p>"This portal holds demo data. Try it as:"</p>
                                        {demo_list(&DEMO_SIGN_INS)}
                                        <p>"Staff sign in to the "<a href="/staff/login">"staff console"</a>" as:"</p>
                                        {demo_list(&crate::pages::staff::login::DEMO_STAFF)}
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

/// The account field of a sign-in form: its name, label, input type and keyboard.
pub struct AccountField {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub inputmode: Option<&'static str>,
}

const CUSTOMER_FIELD: AccountField = AccountField {
    name: "identifier",
    label: "Email or phone number",
    kind: "text",
    inputmode: Some("email"),
};

/// The sign-in form both sign-in pages share, with the last refusal above it and what was typed
/// kept; `next` is the page to go on to.
pub fn sign_in_form(
    action: &'static str,
    field: AccountField,
    typed: String,
    error: Option<String>,
    next: String,
) -> impl IntoView {
    view! {
        {error.map(|message| view! {
            <p class="notice error" role="alert" id="login-error">{message}</p>
        })}
        <form method="post" action=action class="card form">
            <input type="hidden" name="next" value=next />
            <label for=field.name>{field.label}</label>
            <input id=field.name name=field.name type=field.kind required
                autocomplete="username" inputmode=field.inputmode autocapitalize="none" spellcheck="false"
                value=typed />
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" required
                autocomplete="current-password" />
            <button type="submit" class="primary">"Sign in"</button>
        </form>
    }
}

/// Demo sign-ins: email, password, and who that is.
pub fn demo_list(sign_ins: &[(&'static str, &'static str, &'static str)]) -> impl IntoView {
    view! {
        <ul>
            {sign_ins.iter().map(|(email, password, who)| view! {
                <li><code>{*email}</code>" / "<code>{*password}</code>" — "{*who}</li>
            }).collect_view()}
        </ul>
    }
}
