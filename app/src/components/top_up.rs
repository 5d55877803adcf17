//! A prepaid line's credit and the voucher top-up: a plain form that posts and comes back to
//! `/credit` with the outcome, sent in place once the [`super::enhance`] island runs.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::credit::RedeemVoucher;
use crate::components::post_form::PostForm;

#[component]
pub fn TopUp(line: i64, balance: String, expires: Option<String>) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>"Credit"</dt>
            <dd class="big" id="credit-balance">{balance}</dd>
            <dt>"Valid until"</dt>
            <dd>{expires.unwrap_or_else(|| "No expiry".into())}</dd>
        </dl>
        <PostForm action=RedeemVoucher::url()>
            <input type="hidden" name="line" value=line />
            <div class="voucher">
                <label for="voucher-code">"Voucher code"</label>
                <input id="voucher-code" name="code" type="text" inputmode="numeric"
                    autocomplete="off" required maxlength="24" placeholder="1234 5678 9012 3456"
                    aria-describedby="voucher-help" />
                <button type="submit" class="primary">"Top up"</button>
            </div>
            <p id="voucher-help" class="muted">"The 16 digits under the scratch panel of your voucher."</p>
        </PostForm>
    }
}
