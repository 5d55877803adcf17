//! The island that switches paper invoices off (electronic billing) and on. Without JavaScript
//! it is a plain form that posts and comes back to the list; hydrated, it posts in place and
//! the text and button follow the answer.

use leptos::prelude::*;

use super::form::{post_form, Fields};
use crate::api::billing::SetPaperInvoices;

fn read(f: &Fields) -> Option<SetPaperInvoices> {
    Some(SetPaperInvoices {
        account: f.number("account")?,
        paper: match f.text("paper")?.as_str() {
            "true" => true,
            "false" => false,
            _ => return None,
        },
    })
}

#[island]
pub fn PaperInvoices(account: i64, account_name: String, paper: bool) -> impl IntoView {
    super::count_hydrated_island();
    let action = ServerAction::<SetPaperInvoices>::new();
    let paper = RwSignal::new(paper);
    Effect::new(move |_| {
        if let Some(Ok(now)) = action.value().get() {
            paper.set(now);
        }
    });
    let failed = move || matches!(action.value().get(), Some(Err(_)));
    view! {
        <div class="paper">
            <p role="status">
                <strong>{account_name}": "</strong>
                {move || if paper.get() {
                    "You receive paper invoices by post."
                } else {
                    "You receive invoices electronically only."
                }}
            </p>
            {post_form(action, None, read, view! {
                <input type="hidden" name="account" value=account />
                <input type="hidden" name="paper" value=move || (!paper.get()).to_string() />
                <button type="submit" class="secondary" disabled=move || action.pending().get()>
                    {move || if paper.get() {
                        "Switch to electronic invoices only"
                    } else {
                        "Also send paper invoices by post"
                    }}
                </button>
            })}
            {move || failed().then(|| view! {
                <p class="notice error" role="alert">"The change was not saved. Please try again."</p>
            })}
        </div>
    }
}
