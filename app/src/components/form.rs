//! Forms that post to a server function. Without JavaScript each is a plain HTML form (posted,
//! answered with a redirect); hydrated, a submit is sent in place by the island's
//! [`ServerAction`], with the arguments read from the form's own fields.
//!
//! A lighter stand-in for Leptos's `ActionForm`, which reads the fields back through
//! `serde_qs` into the server function's arguments: that put a query-string deserializer, and
//! one `ActionForm` with its own copy of the submit code, per server function into the WASM.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlFormElement, SubmitEvent};

/// The fields of a submitted form, by name.
pub struct Fields(FormData);

impl Fields {
    /// The field's value; `None` when the form has no such field.
    pub fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).as_string()
    }

    pub fn number(&self, name: &str) -> Option<i64> {
        self.text(name)?.trim().parse().ok()
    }

    /// `acting_for`, present only in the staff console (see `acting::ActingField`).
    pub fn acting_for(&self) -> Option<i64> {
        self.number("acting_for")
    }
}

fn fields_of(ev: &SubmitEvent) -> Option<Fields> {
    let form: HtmlFormElement = ev.target()?.dyn_into().ok()?;
    FormData::new_with_form(&form).ok().map(Fields)
}

/// A `<form method="post">` to the server function `S`, with `class` (if any) and `children`.
/// Hydrated, a submit dispatches `action` with the arguments `read` from the fields; when they
/// cannot be read, the form posts as it does without JavaScript.
pub fn post_form<S>(
    action: ServerAction<S>,
    class: Option<&'static str>,
    read: fn(&Fields) -> Option<S>,
    children: impl IntoView + 'static,
) -> impl IntoView
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let submit = move |ev: SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        if let Some(args) = fields_of(&ev).as_ref().and_then(read) {
            ev.prevent_default();
            action.dispatch(args);
        }
    };
    view! {
        <form action=S::url() method="post" class=class on:submit=submit>
            {children}
        </form>
    }
}
