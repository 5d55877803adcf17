//! The frame of every signed-in staff page: a dark header saying "Staff console", the member of
//! staff's name and role, and sign-out; and, on a customer's pages, their navigation.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use selfcare::auth::StaffRole;
use selfcare::ids::CustomerId;

use crate::acting::{href, StaffConsole};
use crate::api::staff::{role_name, staff_header, StaffLogout};
use crate::api::staff_customer::acting_header;
use crate::components::idle_warning::IdleWarning;
use crate::components::post_form::PostForm;

#[component]
pub fn StaffFrame(title: &'static str, children: Children) -> impl IntoView {
    provide_context(StaffConsole);
    let header = Resource::new(|| (), |_| staff_header());
    view! {
        <Title text=title />
        <header class="top staff">
            <a class="brand" href="/staff">"Selfcare "<span class="badge">"Staff console"</span></a>
            <nav aria-label="Staff">
                <a href="/staff">"Find a customer"</a>
                <Suspense>
                    {move || Suspend::new(async move {
                        header.await.ok().filter(|me| me.role >= StaffRole::Supervisor).map(|_| view! {
                            <a href="/staff/team">"Team"</a>
                        })
                    })}
                </Suspense>
            </nav>
            <Suspense>
                {move || Suspend::new(async move {
                    header.await.ok().map(|me| view! {
                        <div class="who">
                            <span class="name">{me.name}</span>
                            <span class="role">{role_name(me.role)}</span>
                            <a href="/staff/password">"Password"</a>
                            <PostForm action=StaffLogout::url()>
                                <button type="submit" class="link">"Sign out"</button>
                            </PostForm>
                        </div>
                        <IdleWarning seconds_left=me.seconds_left staff=true />
                    })
                })}
            </Suspense>
        </header>
        <main id="main">{children()}</main>
    }
}

/// Whom a page of the console is about: the customer's name (back to their page), the channel
/// and when the access ends, above the customer's navigation.
#[component]
pub fn ActingBar() -> impl IntoView {
    let id = crate::acting::acting_for().unwrap_or(CustomerId::trusted(0));
    let header = Resource::new(move || id, acting_header);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                header.await.ok().flatten().map(|h| view! {
                    <p class="acting-for">
                        "Acting for "<a href=href("/")><strong>{h.name}</strong></a>
                        {format!(" · {} · access until {} UTC", h.channel, h.until)}
                    </p>
                })
            })}
        </Suspense>
    }
}

/// The pages of the customer acted for, as the customer's own portal has them.
#[component]
pub fn CustomerNav() -> impl IntoView {
    view! {
        <nav class="focus customer-nav" aria-label="Customer">
            <a href=href("/")>"Customer"</a>
            <a href=href("/invoices")>"Invoices"</a>
            <a href=href("/payments")>"Payments"</a>
            <a href=href("/usage")>"Usage"</a>
            <a href=href("/credit")>"Credit"</a>
            <a href=href("/services")>"Services"</a>
            <a href=href("/requests")>"Requests"</a>
        </nav>
    }
}
