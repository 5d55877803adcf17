//! The frame of every signed-in page: header with the customer's name, navigation, sign-out,
//! and the idle-timeout warning.

use leptos::prelude::*;
use leptos_meta::Title;

use leptos::server_fn::ServerFn;

use crate::api::auth::{portal_header, Logout};
use crate::components::idle_warning::IdleWarning;
use crate::components::post_form::PostForm;
use crate::pages::staff::frame::{ActingBar, CustomerNav, StaffFrame};

/// In the staff console (see [`crate::acting`]), the staff frame with the customer's navigation.
#[component]
pub fn Portal(title: &'static str, children: Children) -> impl IntoView {
    if crate::acting::acting_for().is_some() {
        return view! {
            <StaffFrame title>
                <ActingBar />
                <CustomerNav />
                {children()}
            </StaffFrame>
        }
        .into_any();
    }
    let header = Resource::new(|| (), |_| portal_header());
    view! {
        <Title text=title />
        <header class="top">
            <a class="brand" href="/">"Selfcare"</a>
            <nav aria-label="Main">
                <a href="/">"Overview"</a>
                <a href="/invoices">"Invoices"</a>
                <a href="/payments">"Payments"</a>
                <a href="/usage">"Usage"</a>
                <a href="/services">"Services"</a>
                <a href="/requests">"Requests"</a>
                <a href="/verify">"Verify a call"</a>
                <Suspense>
                    {move || Suspend::new(async move {
                        header.await.ok().filter(|info| info.prepaid).map(|_| view! {
                            <a href="/credit">"Credit"</a>
                        })
                    })}
                </Suspense>
            </nav>
            <Suspense>
                {move || Suspend::new(async move {
                    header.await.ok().map(|info| view! {
                        <div class="who">
                            <span class="name">{info.name}</span>
                            <PostForm action=Logout::url()>
                                <button type="submit" class="link">"Sign out"</button>
                            </PostForm>
                        </div>
                        <IdleWarning seconds_left=info.seconds_left staff=false />
                    })
                })}
            </Suspense>
        </header>
        <main id="main">{children()}</main>
    }
    .into_any()
}
