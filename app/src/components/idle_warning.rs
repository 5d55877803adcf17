//! The warning before the session times out for inactivity, with "Stay signed in". Without
//! JavaScript there is no warning; the next request after the timeout simply asks the customer
//! (or the member of staff, in the console) to sign in again and comes back to the same page.
//! With it, the [`super::enhance`] island counts the seconds down, shows the warning two minutes
//! before the end, renews the session from the button and reloads the page at the end.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::auth::KeepAlive;
use crate::api::staff::StaffKeepAlive;

/// Seconds before the timeout at which the warning shows.
const WARN_AT: i64 = 120;

#[component]
pub fn IdleWarning(seconds_left: i64, staff: bool) -> impl IntoView {
    let keep_alive = if staff {
        StaffKeepAlive::url()
    } else {
        KeepAlive::url()
    };
    let minutes = (seconds_left.max(0) + 59) / 60;
    // A region: after a form sent in place, the page that comes back brings a fresh count (any
    // request renews the session).
    view! {
        <div class="idle" id="idle" data-region role="alertdialog" aria-labelledby="idle-text"
            aria-live="assertive" hidden=true data-seconds-left=seconds_left
            data-countdown="minutes" data-show-below=WARN_AT>
            <p id="idle-text">
                "You will be signed out in about "
                <span data-minutes>{if minutes == 1 { "1 minute".to_string() } else { format!("{minutes} minutes") }}</span>
                " because you have not been active."
            </p>
            <button type="button" class="primary" data-keep-alive=keep_alive>"Stay signed in"</button>
        </div>
    }
}
