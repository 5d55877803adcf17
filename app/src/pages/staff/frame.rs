//! The frame of every signed-in staff page: a dark header saying "Staff console", the member of
//! staff's name and role, and sign-out.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::staff::{role_name, staff_header, StaffLogout};

#[component]
pub fn StaffFrame(title: &'static str, children: Children) -> impl IntoView {
    let header = Resource::new(|| (), |_| staff_header());
    view! {
        <Title text=title />
        <header class="top staff">
            <a class="brand" href="/staff">"Selfcare "<span class="badge">"Staff console"</span></a>
            <nav aria-label="Staff">
                <a href="/staff">"Find a customer"</a>
            </nav>
            <Suspense>
                {move || Suspend::new(async move {
                    header.await.ok().map(|me| view! {
                        <div class="who">
                            <span class="name">{me.name}</span>
                            <span class="role">{role_name(me.role)}</span>
                            <form method="post" action=StaffLogout::url()>
                                <button type="submit" class="link">"Sign out"</button>
                            </form>
                        </div>
                    })
                })}
            </Suspense>
        </header>
        <main id="main">{children()}</main>
    }
}
