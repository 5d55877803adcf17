//! The switch between paper invoices (by post) and electronic billing only, for one billing
//! account: a plain form that posts and comes back to the list, sent in place once the
//! [`super::enhance`] island runs (the section is its region).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::billing::SetPaperInvoices;
use crate::components::post_form::PostForm;

#[component]
pub fn PaperInvoices(account: i64, account_name: String, paper: bool) -> impl IntoView {
    view! {
        <div class="paper">
            <p role="status" data-outcome>
                <strong>{account_name}": "</strong>
                {if paper {
                    "You receive paper invoices by post."
                } else {
                    "You receive invoices electronically only."
                }}
            </p>
            <PostForm action=SetPaperInvoices::url()>
                <input type="hidden" name="account" value=account />
                <input type="hidden" name="paper" value=(!paper).to_string() />
                <button type="submit" class="secondary">
                    {if paper {
                        "Switch to electronic invoices only"
                    } else {
                        "Also send paper invoices by post"
                    }}
                </button>
            </PostForm>
        </div>
    }
}
