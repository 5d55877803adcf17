//! What both sign-in pages (`/login` and `/staff/login`) show: the form, and the demo sign-ins
//! on a database that holds the demo data.

use leptos::prelude::*;

use crate::components::post_form::PostForm;
use selfcare::demo::DemoSignIn;

/// The account field of a sign-in form: its name, label, input type and keyboard.
pub struct AccountField {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub inputmode: Option<&'static str>,
}

/// The sign-in form both sign-in pages share, with the last refusal above it and what was typed
/// kept; `next` is the page to go on to.
pub fn sign_in_form(
    action: &'static str,
    field: AccountField,
    typed: String,
    error: Option<String>,
    next: String,
) -> impl IntoView {
    view! {
        {error.map(|message| view! {
            <p class="notice error" role="alert" id="login-error">{message}</p>
        })}
        <PostForm action=action class="card form">
            <input type="hidden" name="next" value=next />
            <label for=field.name>{field.label}</label>
            <input id=field.name name=field.name type=field.kind required
                autocomplete="username" inputmode=field.inputmode autocapitalize="none" spellcheck="false"
                value=typed />
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" required
                autocomplete="current-password" />
            <button type="submit" class="primary">"Sign in"</button>
        </PostForm>
    }
}

/// Demo sign-ins: email, password, and who that is.
pub fn demo_list(sign_ins: impl Iterator<Item = &'static DemoSignIn>) -> impl IntoView {
    view! {
        <ul>
            {sign_ins.map(|s| view! {
                <li><code>{s.email}</code>" / "<code>{s.password}</code>" — "{s.who}</li>
            }).collect_view()}
        </ul>
    }
}
