//! The page for a path that matches no route: status 404.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::api::ssr::set_status(404);
    view! {
        <Title text="Page not found" />
        <main id="main" class="narrow">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p><a href="/">"Go to your overview"</a></p>
        </main>
    }
}
