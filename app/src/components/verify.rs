//! The island of `/verify`: asks for a code, counts down its five minutes, and shows live who
//! verified it with the check phrase. Without JavaScript the form posts and the page comes back
//! with the code and its expiry time in words; reloading shows a verification.

use leptos::either::Either;
use leptos::prelude::*;
use selfcare::support::codes::SUPPORT_CHANNELS;

use super::form::{post_form, Fields};
use crate::api::support::{verify_status, IssueCode, IssuedCode, VerifyLive};

/// `14:05:09 UTC`. On the server only: the island gets its times as text.
pub fn clock(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%H:%M:%S UTC").to_string()
}

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

fn read(f: &Fields) -> Option<IssueCode> {
    Some(IssueCode {
        channel: f.text("channel")?,
    })
}

#[island]
pub fn CodePanel(
    issued: Option<IssuedCode>,
    state: VerifyLive,
    /// Seconds since the Unix epoch when the page was rendered.
    now: i64,
) -> impl IntoView {
    super::count_hydrated_island();
    let action = ServerAction::<IssueCode>::new();
    let issued = RwSignal::new(issued);
    let state = RwSignal::new(state);
    // Seconds since the page was rendered, ticking once hydrated.
    let clock_now = RwSignal::new(now);
    Effect::new(move |_| {
        if let Some(Ok(code)) = action.value().get() {
            issued.set(Some(code));
        }
    });
    let poll = Action::new(|_: &()| verify_status());
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = poll.value().get() {
            state.set(fresh);
        }
    });
    Effect::new(move |_| {
        let _ = set_interval_with_handle(
            move || {
                clock_now.update(|t| *t += 1);
                // Follow a verification while a code is live (every 3 seconds).
                let live = issued
                    .get_untracked()
                    .is_some_and(|i| i.expires_at > clock_now.get_untracked());
                if live && clock_now.get_untracked() % 3 == 0 {
                    poll.dispatch(());
                }
            },
            std::time::Duration::from_secs(1),
        );
    });
    let left = move || {
        issued
            .get()
            .map(|i| (i.expires_at - clock_now.get()).max(0))
    };
    view! {
        {move || verified_view(&state.get())}
        {move || state.get().locked_until.map(|until| view! {
            <p class="notice error" role="alert" id="locked">
                {format!("Codes are locked until {until} after five wrong codes were typed for you. If you did not call us, someone may be trying to pass as you: please tell us.")}
            </p>
        })}
        {move || issued.get().map(|i| view! {
            <section class="card code" id="code" aria-labelledby="code-heading">
                <h2 id="code-heading">{format!("Your code for {}", i.channel_label.to_ascii_lowercase())}</h2>
                <p class="code-digits" id="code-digits">{i.code.clone()}</p>
                <p>"Read it to the agent. It works once, until "<strong id="code-expires">{i.expires.clone()}</strong>"."
                    {move || left().map(|s| if s > 0 {
                        Either::Left(view! { <span class="countdown" role="timer" aria-live="off">{format!(" {}:{:02} left.", s / 60, s % 60)}</span> })
                    } else {
                        Either::Right(view! { <span class="countdown expired">" It has expired: ask for a new one."</span> })
                    })}
                </p>
            </section>
        })}
        {post_form(action, Some("form"), read, view! {
            <fieldset class="channels">
                <legend>"Who are you talking to?"</legend>
                {SUPPORT_CHANNELS.iter().enumerate().map(|(i, c)| view! {
                    <label><input type="radio" name="channel" value=c.as_str() checked=i == 0 />" "{c.label()}</label>
                }).collect_view()}
            </fieldset>
            <button type="submit" class="primary" disabled=move || action.pending().get()>"Get a code"</button>
            <p class="muted">"A new code for the same channel replaces the one before. We never ask for your password."</p>
        })}
        {move || matches!(action.value().get(), Some(Err(_))).then(|| view! {
            <p class="notice error" role="alert">"No code was issued. Please try again."</p>
        })}
    }
}
