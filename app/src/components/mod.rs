//! Reusable view pieces, rendered on the server. The one `#[island]`, [`enhance::Enhance`],
//! makes the parts marked up for it work in place in the browser.

pub mod addons;
pub mod billing;
pub mod enhance;
pub mod idle_warning;
pub mod line_focus;
pub mod paper_invoices;
pub mod post_form;
pub mod roaming;
pub mod sign_in;
pub mod top_up;
pub mod usage;
pub mod verify;

use leptos::prelude::*;

use crate::error::AppError;

/// Called by every island (there is one): once all islands of the page are hydrated, marks
/// `<body data-hydrated="true">`, so browser tests know when clicks are handled in place.
pub fn count_hydrated_island() {
    Effect::new(|_| {
        let doc = document();
        let Some(body) = doc.body() else { return };
        let done = body
            .get_attribute("data-islands")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
            + 1;
        let _ = body.set_attribute("data-islands", &done.to_string());
        if done >= doc.get_elements_by_tag_name("leptos-island").length() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// The links of a keyset-paged list: back to the newest page (when not on it) and on to older
/// rows (when there are any). `page(None)` is the first page's address, `page(Some(cursor))`
/// the page after that cursor.
#[component]
pub fn Pager(
    /// What the rows are, for the link texts: "invoices", "payments", ...
    what: &'static str,
    first_page: bool,
    older: Option<String>,
    page: impl Fn(Option<&str>) -> String,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            {(!first_page).then(|| view! { <a href=page(None)>{format!("Newest {what}")}</a> })}
            {older.map(|older| view! {
                <a href=page(Some(&older)) rel="next">{format!("Older {what}")}</a>
            })}
        </nav>
    }
}

/// An error in place of a page's content; during server rendering it also sets the status.
/// The outcome of a form, shown once above what it changed: a status when it worked, an alert
/// when it did not. Once enhanced, the focus moves to it (`data-outcome`).
#[component]
pub fn Outcome(ok: bool, children: Children) -> impl IntoView {
    view! {
        <p id="notice" class=if ok { "notice ok" } else { "notice error" }
            role=if ok { "status" } else { "alert" } data-outcome>
            {children()}
        </p>
    }
}

#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if error == AppError::Unauthorized {
            crate::ssr::redirect(if crate::acting::in_staff_console() {
                "/staff/login"
            } else {
                "/login"
            });
        }
        crate::ssr::set_status(error.status());
    }
    let heading = match error {
        AppError::Unavailable => "Temporarily unavailable",
        AppError::NotFound => "Not found",
        AppError::NotVerified => "Not verified",
        _ => "Something went wrong",
    };
    let back = match (&error, crate::acting::acting_for()) {
        (AppError::NotVerified, Some(id)) => Some(crate::acting::staff_home(id)),
        _ => None,
    };
    view! {
        <section class="notice error" role="alert">
            <h2>{heading}</h2>
            <p>{error.to_string()}</p>
            {back.map(|href| view! { <p><a href=href>"Verify the caller"</a></p> })}
        </section>
    }
}
