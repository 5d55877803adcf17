//! Reusable view pieces. `#[island]`s are hydrated in the browser; the rest render on the server.

pub mod idle_warning;
pub mod line_focus;

use leptos::prelude::*;

use crate::error::AppError;

/// An error in place of a page's content; during server rendering it also sets the status.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if error == AppError::Unauthorized {
            leptos_axum::redirect("/login");
        }
        crate::api::ssr::set_status(error.status());
    }
    let heading = match error {
        AppError::Unavailable => "Temporarily unavailable",
        AppError::NotFound => "Not found",
        _ => "Something went wrong",
    };
    view! {
        <section class="notice error" role="alert">
            <h2>{heading}</h2>
            <p>{error.to_string()}</p>
        </section>
    }
}
