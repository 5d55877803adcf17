//! The roaming card of the services page.

use leptos::prelude::*;

/// Roaming, data roaming and the spending cap of `line`.
#[component]
pub fn RoamingSection(line: i64) -> impl IntoView {
    let _ = line;
}
