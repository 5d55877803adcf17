//! The code panel of `/verify`: asks for a code and shows it with its expiry time, and who
//! verified it with the check phrase. Without JavaScript the form posts and the page comes back
//! with the code; reloading shows a verification. Once the [`super::enhance`] island runs, the
//! form is sent in place, the code's five minutes count down, and while a code is live the
//! verification part follows the server every three seconds.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use selfcare::support::codes::SUPPORT_CHANNELS;

use crate::api::support::{IssueCode, IssuedCode, VerifyLive};
use crate::components::post_form::PostForm;

/// The verification (who, channel, when, check phrase), or nothing.
pub fn verified_view(state: &VerifyLive) -> impl IntoView {
    state.verified.clone().map(|verified| {
        view! {
            <div class="notice ok verified" role="status" id="verified">
                <p><strong>{verified}</strong></p>
                <p>"Check phrase: "<strong class="phrase" id="check-phrase">{state.check_phrase.clone()}</strong></p>
                <p class="muted">"A real agent sees the same phrase: ask them to read it to you. If they cannot, end the call."</p>
            </div>
        }
    })
}

/// The panel: the verification (polled while `polling`, i.e. while a code is live), the code
/// just issued (`now` is when the page was rendered, in seconds since the Unix epoch), and the
/// form that asks for one.
#[component]
pub fn CodePanel(
    issued: Option<IssuedCode>,
    state: VerifyLive,
    polling: bool,
    now: i64,
) -> impl IntoView {
    let locked = state.locked_until.clone().map(|until| view! {
        <p class="notice error" role="alert" id="locked">
            {format!("Codes are locked until {until} after five wrong codes were typed for you. If you did not call us, someone may be trying to pass as you: please tell us.")}
        </p>
    });
    view! {
        <div id="verify-live" data-poll-seconds=polling.then_some("3")>
            {verified_view(&state)}
            {locked}
        </div>
        {issued.map(|i| view! {
            <section class="card code" id="code" data-outcome aria-labelledby="code-heading">
                <h2 id="code-heading">{format!("Your code for {}", i.channel_label.to_ascii_lowercase())}</h2>
                <p class="code-digits" id="code-digits">{i.code}</p>
                <p>"Read it to the agent. It works once, until "<strong id="code-expires">{i.expires}</strong>"."
                    <span class="countdown" role="timer" aria-live="off" data-countdown="clock"
                        data-seconds-left=(i.expires_at - now).max(0)
                        data-expired=" It has expired: ask for a new one."></span>
                </p>
            </section>
        })}
        <PostForm action=IssueCode::url() class="form">
            <fieldset class="channels">
                <legend>"Who are you talking to?"</legend>
                {SUPPORT_CHANNELS.iter().enumerate().map(|(i, c)| view! {
                    <label><input type="radio" name="channel" value=c.as_str() checked=i == 0 />" "{c.label()}</label>
                }).collect_view()}
            </fieldset>
            <button type="submit" class="primary">"Get a code"</button>
            <p class="muted">"A new code for the same channel replaces the one before. We never ask for your password."</p>
        </PostForm>
    }
}
