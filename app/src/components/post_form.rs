//! The one way a page renders a form that changes something.

use leptos::prelude::*;

/// A `method="post"` form to the server function at `action`, carrying the session's CSRF
/// token (`csrf`) for the browsers that send neither `Origin` nor `Sec-Fetch-Site`: the server
/// lets such a post through only with the token of a session of the same browser.
#[component]
pub fn PostForm(
    action: &'static str,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <form method="post" action=action class=class>
            {csrf_token().map(|token| view! { <input type="hidden" name="csrf" value=token /> })}
            {children()}
        </form>
    }
}

/// The token of the signed-in customer's session, else of the member of staff's; none signed
/// out (signing in relies on `Origin` or `Sec-Fetch-Site` alone).
fn csrf_token() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        let hash = crate::ssr::session()
            .map(|s| s.token_hash)
            .or_else(|| crate::ssr::staff_session().map(|s| s.token_hash))?;
        Some(selfcare_store::secrets::csrf_token(&hash))
    }
    #[cfg(not(feature = "ssr"))]
    None
}
