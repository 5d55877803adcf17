//! `/staff/customers/:id`: one customer in the console. Before verification: the name and lines,
//! the code form (and, for supervisors, opening with a reason). After: the check phrase to read
//! back, the customer's overview and links to their other pages (see `crate::acting`), and
//! their history across channels. Plain forms throughout.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use selfcare::ids::CustomerId;
use selfcare::support::codes::SUPPORT_CHANNELS;

use crate::api::staff_customer::{
    load_staff_customer, OpenCustomer, StaffCustomer, VerifyCustomerCode,
};
use crate::components::post_form::PostForm;
use crate::components::{ErrorNotice, Outcome};
use crate::pages::staff::frame::{CustomerNav, StaffFrame};

#[component]
pub fn StaffCustomerPage() -> impl IntoView {
    // Routed through `acting::in_console`: links in the overview lead to the console's pages.
    let id = crate::acting::acting_for().unwrap_or(CustomerId::trusted(0));
    let data = Resource::new(move || id, load_staff_customer);
    view! {
        <StaffFrame title="Customer">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(c) => customer(c).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffFrame>
    }
}

fn channel_choice() -> impl IntoView {
    view! {
        <fieldset class="channels">
            <legend>"Channel"</legend>
            {SUPPORT_CHANNELS.iter().enumerate().map(|(i, c)| view! {
                <label><input type="radio" name="channel" value=c.as_str() checked=i == 0 />" "{c.label()}</label>
            }).collect_view()}
        </fieldset>
    }
}

fn customer(c: StaffCustomer) -> impl IntoView {
    let notice = c.notice.clone().map(|n| {
        view! {
            <Outcome ok=n.ok>{n.message}</Outcome>
        }
    });
    let lines = c
        .lines
        .iter()
        .map(|l| view! { <li>{l.clone()}</li> })
        .collect_view();
    let gate = match &c.access {
        Some(access) => view! {
            <section class="card verified" id="access" aria-labelledby="access-heading">
                <h2 id="access-heading">"Verified"</h2>
                {access.check_phrase.clone().map(|p| view! {
                    <p>"Check phrase to read to the customer: "<strong class="phrase" id="staff-check-phrase">{p}</strong></p>
                })}
                {access.reason.clone().map(|r| view! { <p>"Opened without a code: "{r}</p> })}
                <p class="muted">{format!("{} · access until {} UTC", access.channel.label(), access.expires_at.format("%H:%M"))}</p>
            </section>
        }
        .into_any(),
        None => view! {
            <section class="card" id="verify" aria-labelledby="verify-heading">
                <h2 id="verify-heading">"Verify the caller"</h2>
                {c.locked_until.map(|until| view! {
                    <p class="notice error" role="alert">{format!("Codes are locked until {} UTC after five wrong codes.", until.format("%H:%M"))}</p>
                })}
                <PostForm action=VerifyCustomerCode::url() class="form">
                    <input type="hidden" name="customer" value=c.id.get() />
                    {channel_choice()}
                    <label for="code">"Code the customer reads out"</label>
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="off" maxlength="12" required />
                    <button type="submit" class="primary">"Check the code"</button>
                </PostForm>
                {c.may_open_without_code.then(|| view! {
                    <details class="override">
                        <summary>"Open without a code (supervisors)"</summary>
                        <PostForm action=OpenCustomer::url() class="form">
                            <input type="hidden" name="customer" value=c.id.get() />
                            {channel_choice()}
                            <label for="reason">"Reason (the customer will read it)"</label>
                            <textarea id="reason" name="reason" required minlength="10" maxlength="500"></textarea>
                            <button type="submit" class="secondary">"Open with this reason"</button>
                        </PostForm>
                    </details>
                })}
            </section>
        }
        .into_any(),
    };
    let focus: Option<i64> = use_query_map()
        .get_untracked()
        .get("line")
        .and_then(|v| v.parse().ok());
    // Once open: the customer's pages (as the customer sees them), and their overview here.
    let overview = c.overview.clone().map(|o| {
        view! {
            <CustomerNav />
            <h2 class="section-heading">"Overview"</h2>
            {crate::pages::dashboard::overview(o, focus)}
        }
    });
    let timeline = (!c.timeline.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"History across channels"</h2>
            <ul class="timeline">
                {c.timeline.iter().map(|e| view! {
                    <li>{e.at.format("%Y-%m-%d %H:%M").to_string()}" · "{e.who_for_staff().to_string()}" · "<strong>{e.what.clone()}</strong>" · "{e.detail.clone()}</li>
                }).collect_view()}
            </ul>
        </section>
    });
    view! {
        <h1>{c.name.clone()}</h1>
        {notice}
        <ul class="numbers">{lines}</ul>
        {gate}
        {overview}
        {timeline}
    }
}
