//! The page for a path that matches no route: status 404.

use leptos::prelude::*;

use crate::pages::portal::Portal;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(404);
    view! {
        <Portal title="Page not found">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p>
                <a href="/">"Go to your overview"</a>
            </p>
        </Portal>
    }
}
