//! The island that warns before the session times out for inactivity, and keeps it alive with
//! one click. Without JavaScript there is no warning; the next request after the timeout simply
//! asks the customer (or the member of staff, in the console) to sign in again and comes back
//! to the same page.

use leptos::prelude::*;

use crate::api::auth::keep_alive;
use crate::api::staff::staff_keep_alive;

/// Seconds before the timeout at which the warning shows.
const WARN_AT: i64 = 120;
const TICK: i64 = 5;

#[island]
pub fn IdleWarning(seconds_left: i64, staff: bool) -> impl IntoView {
    super::count_hydrated_island();
    let left = RwSignal::new(seconds_left);
    let stay = Action::new(move |_: &()| async move {
        if staff {
            staff_keep_alive().await
        } else {
            keep_alive().await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(seconds)) = stay.value().get() {
            left.set(seconds);
        }
    });
    Effect::new(move |_| {
        // Started once, in the browser only (effects do not run on the server).
        let _ = set_interval_with_handle(
            move || {
                let now = left.get_untracked() - TICK;
                left.set(now);
                if now <= 0 {
                    // Reloading lets the server send the customer to sign in and back here.
                    let _ = window().location().reload();
                }
            },
            std::time::Duration::from_secs(TICK as u64),
        );
    });
    let minutes = move || (left.get().max(0) + 59) / 60;
    view! {
        <Show when=move || { left.get() <= WARN_AT }>
            <div class="idle" role="alertdialog" aria-labelledby="idle-text" aria-live="assertive">
                <p id="idle-text">
                    "You will be signed out in about " {minutes}
                    {move || if minutes() == 1 { " minute" } else { " minutes" }}
                    " because you have not been active."
                </p>
                <button type="button" class="primary" on:click=move |_| { stay.dispatch(()); }>
                    "Stay signed in"
                </button>
            </div>
        </Show>
    }
}
