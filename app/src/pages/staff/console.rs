//! `/staff`: the console's customer search. A plain GET form (`/staff?q=...`), so it works
//! without JavaScript and a search can be reloaded. Before the caller is verified the agent sees
//! each customer's name and lines only; the link opens the customer's page, where verification
//! happens.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::staff::{search_customers, CustomerSearch};
use crate::components::ErrorNotice;
use crate::pages::staff::frame::StaffFrame;

#[component]
pub fn ConsolePage() -> impl IntoView {
    let q = use_query_map().get_untracked().get("q").unwrap_or_default();
    let typed = q.clone();
    let data = Resource::new(move || q.clone(), search_customers);
    view! {
        <StaffFrame title="Find a customer">
            <h1>"Find a customer"</h1>
            <form method="get" action="/staff" class="card form search" role="search">
                <label for="q">"Phone number, account number, email or name"</label>
                <div class="row">
                    <input id="q" name="q" type="search" value=typed autofocus
                        autocomplete="off" spellcheck="false" aria-describedby="q-hint" />
                    <button type="submit" class="primary">"Search"</button>
                </div>
                <p id="q-hint" class="muted">"Phone numbers with the country code, e.g. +420 601 123 456. Names by the beginning of any word."</p>
            </form>
            <Suspense fallback=|| view! { <p>"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(search) => results(search).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffFrame>
    }
}

fn results(search: CustomerSearch) -> impl IntoView {
    if search.query.is_empty() {
        return ().into_any();
    }
    if let Some(error) = search.error {
        return view! { <p class="notice error" role="alert">{error}</p> }.into_any();
    }
    if search.found.is_empty() {
        return view! { <p class="notice" role="status">{format!("No customer matches “{}”.", search.query)}</p> }
            .into_any();
    }
    let count = search.found.len();
    view! {
        <section class="card" aria-labelledby="results-heading">
            <h2 id="results-heading">{if count == 1 { "1 customer".to_string() } else { format!("{count} customers") }}</h2>
            <p class="muted">"Only names and lines are shown until the caller is verified."</p>
            <ul class="results">
                {search.found.into_iter().map(|m| view! {
                    <li>
                        <a class="customer" href=format!("/staff/customers/{}", m.id)>{m.name}</a>
                        <ul class="numbers">
                            {m.lines.into_iter().map(|l| view! {
                                <li>
                                    <span class="msisdn">{l.msisdn.display()}</span>
                                    {l.label.map(|label| view! { " "<span class="muted">{label}</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ul>
            {search.more.then(|| view! {
                <p class="muted">"More customers match: type more of the name, or a number."</p>
            })}
        </section>
    }
    .into_any()
}
