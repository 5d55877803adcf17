//! The island that shows a prepaid line's credit and tops it up with a voucher. Without
//! JavaScript the form posts and the page comes back with the outcome; hydrated, it posts in
//! place and the balance follows the answer.

use leptos::either::Either;
use leptos::prelude::*;

use super::form::{post_form, Fields};
use crate::api::credit::RedeemVoucher;

fn read(f: &Fields) -> Option<RedeemVoucher> {
    Some(RedeemVoucher {
        line: f.number("line")?,
        code: f.text("code")?,
    })
}

#[island]
pub fn TopUp(line: i64, balance: String, expires: Option<String>) -> impl IntoView {
    super::count_hydrated_island();
    let action = ServerAction::<RedeemVoucher>::new();
    let balance = RwSignal::new(balance);
    let expires = RwSignal::new(expires);
    let code = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(reply)) = action.value().get() {
            if let Some(b) = reply.balance {
                balance.set(b);
                code.set(String::new());
            }
            if reply.expires.is_some() {
                expires.set(reply.expires);
            }
        }
    });
    let reply = move || action.value().get();
    view! {
        <dl class="facts">
            <dt>"Credit"</dt>
            <dd class="big" id="credit-balance">{move || balance.get()}</dd>
            <dt>"Valid until"</dt>
            <dd>{move || expires.get().unwrap_or_else(|| "No expiry".into())}</dd>
        </dl>
        {post_form(action, None, read, view! {
            <input type="hidden" name="line" value=line />
            <div class="voucher">
                <label for="voucher-code">"Voucher code"</label>
                <input id="voucher-code" name="code" type="text" inputmode="numeric"
                    autocomplete="off" required maxlength="24" placeholder="1234 5678 9012 3456"
                    aria-describedby="voucher-help"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev)) />
                <button type="submit" class="primary" disabled=move || action.pending().get()>"Top up"</button>
            </div>
            <p id="voucher-help" class="muted">"The 16 digits under the scratch panel of your voucher."</p>
        })}
        {move || reply().map(|r| match r {
            Ok(r) => Either::Left(view! {
                <p class=if r.ok { "notice ok" } else { "notice error" } role=if r.ok { "status" } else { "alert" }>
                    {r.message}
                </p>
            }),
            Err(e) => Either::Right(view! { <p class="notice error" role="alert">{e.to_string()}</p> }),
        })}
    }
}
