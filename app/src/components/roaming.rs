//! The roaming card of the services page: roaming and data roaming on or off, the data-roaming
//! cap, what was spent against it this period, the notice at 80 % and the stopped state with
//! the choice to go on.
//!
//! [`RoamingSection`] loads the card on the server; [`RoamingCard`] is an island. Without
//! JavaScript every button is a plain form that posts, is redirected back to `#roaming` and
//! shows the outcome once (from a flash cookie) in `#roaming-notice`; hydrated, the same forms
//! post in place and the card follows the answer. Each answer carries a fresh idempotency key
//! for the next change, so a double click changes things once.

use leptos::either::EitherOf4;
use leptos::prelude::*;
use selfcare::services::roaming::CapState;

use super::form::{post_form, Fields};
use crate::api::roaming::{load_roaming, ChangeRoaming, RoamingView};
use crate::components::ErrorNotice;

/// Roaming, data roaming and the spending cap of `line` (one of the signed-in customer's, or
/// in the staff console of the customer acted for).
#[component]
pub fn RoamingSection(line: i64) -> impl IntoView {
    let acting_for = crate::acting::acting_for();
    let data = Resource::new(move || line, move |line| load_roaming(line, acting_for));
    view! {
        <section class="card" id="roaming" aria-labelledby="roaming-heading">
            <h2 id="roaming-heading">"Roaming"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <RoamingCard line view acting_for /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "On"
    } else {
        "Off"
    }
}

fn read(f: &Fields) -> Option<ChangeRoaming> {
    Some(ChangeRoaming {
        line: f.number("line")?,
        change: f.text("change")?,
        cap: f.text("cap"),
        key: f.text("key")?,
        acting_for: f.acting_for(),
    })
}

/// The card's interactive part: the state and the forms.
#[island]
pub fn RoamingCard(line: i64, view: RoamingView, acting_for: Option<i64>) -> impl IntoView {
    super::count_hydrated_island();
    crate::acting::provide(acting_for);
    let action = ServerAction::<ChangeRoaming>::new();
    let (default_cap, max_cap) = (view.default_cap, view.max_cap);
    let code = view.currency;
    let cap_text = RwSignal::new(view.settings.cap_input.clone());
    let settings = RwSignal::new(view.settings);
    let key = RwSignal::new(view.key);
    let notice = RwSignal::new(view.notice.map(|r| (r.ok, r.message)));
    Effect::new(move |_| match action.value().get() {
        Some(Ok(reply)) => {
            if let Some(now) = reply.settings {
                cap_text.set(now.cap_input.clone());
                settings.set(now);
            }
            key.set(reply.key);
            notice.set(Some((reply.ok, reply.message)));
        }
        Some(Err(e)) => notice.set(Some((false, e.to_string()))),
        None => {}
    });
    let pending = move || action.pending().get();
    let state = move || settings.with(|s| s.cap_state);
    let roaming_on = move || settings.with(|s| s.roaming_on);
    let data_on = move || settings.with(|s| s.data_roaming_on);
    let has_cap = move || settings.with(|s| s.cap.is_some());
    // The hidden fields every form sends.
    let hidden = move |change: &'static str| {
        view! {
            <input type="hidden" name="line" value=line />
            <input type="hidden" name="key" value=move || key.get() />
            <input type="hidden" name="change" value=change />
            <crate::acting::ActingField />
        }
    };
    view! {
        <div id="roaming-notice" role="status" aria-live="polite">
            {move || notice.get().map(|(ok, message)| view! {
                <p class=if ok { "notice ok" } else { "notice error" }>{message}</p>
            })}
        </div>
        <dl class="facts">
            <dt>"Roaming"</dt>
            <dd id="roaming-state">{move || on_off(roaming_on())}</dd>
            <dt>"Data roaming"</dt>
            <dd id="data-roaming-state" class:alert=move || data_on() && state().is_stopped()>
                {move || match (data_on(), state()) {
                    (true, CapState::Reached) => "On, stopped at the cap",
                    (on, _) => on_off(on),
                }}
            </dd>
            <dt>"Data-roaming cap"</dt>
            <dd id="roaming-cap">
                {move || settings.with(|s| s.cap.clone().unwrap_or_else(|| "No cap".to_string()))}
            </dd>
            <dt>"Spent this period"</dt>
            <dd id="roaming-spent"
                class:alert=move || data_on() && matches!(state(), CapState::Near | CapState::Reached)>
                {move || settings.with(|s| s.spent.clone())}
                {move || settings.with(|s| s.per_mille_used).map(|pm| view! {
                    <span class="bar" aria-hidden="true">
                        <span style=format!("width:{}%", pm / 10)></span>
                    </span>
                })}
            </dd>
        </dl>
        {move || (data_on() && roaming_on()).then(|| match state() {
            CapState::Near => EitherOf4::A(view! {
                <p class="notice warn" id="roaming-cap-state">
                    "You have used 80 % of your data-roaming cap. At the cap, data roaming stops unless you choose to go on."
                </p>
            }),
            CapState::Reached => EitherOf4::B(view! {
                <div class="notice error" id="roaming-cap-state">
                    <p>"Data roaming has stopped: the cap for this billing period is spent."</p>
                    {post_form(action, Some("roaming-form"), read, view! {
                        {hidden("continue")}
                        <button type="submit" class="primary" disabled=pending>
                            "Go on with data roaming past the cap"
                        </button>
                    })}
                    <p class="muted">"Until the period ends, data abroad is then charged at the roaming rates with no limit. Changing the cap stops at the new cap again."</p>
                </div>
            }),
            CapState::Continued => EitherOf4::C(view! {
                <div class="notice" id="roaming-cap-state">
                    <p>"You chose to go on with data roaming past the cap for the rest of this billing period."</p>
                    {post_form(action, Some("roaming-form"), read, view! {
                        {hidden("stop-at-cap")}
                        <button type="submit" class="secondary" disabled=pending>
                            "Stop at the cap again"
                        </button>
                    })}
                </div>
            }),
            CapState::NoCap | CapState::Under => EitherOf4::D(()),
        })}
        <div class="roaming-switches">
            {post_form(action, Some("roaming-form"), read, view! {
                <input type="hidden" name="line" value=line />
                <input type="hidden" name="key" value=move || key.get() />
                <crate::acting::ActingField />
                <input type="hidden" name="change"
                    value=move || if roaming_on() { "roaming-off" } else { "roaming-on" } />
                <button type="submit" class="secondary" disabled=pending>
                    {move || if roaming_on() { "Turn roaming off" } else { "Turn roaming on" }}
                </button>
            })}
            {post_form(action, Some("roaming-form"), read, view! {
                <input type="hidden" name="line" value=line />
                <input type="hidden" name="key" value=move || key.get() />
                <crate::acting::ActingField />
                <input type="hidden" name="change"
                    value=move || if data_on() { "data-off" } else { "data-on" } />
                <button type="submit" class="secondary"
                    disabled=move || pending() || !roaming_on()
                    aria-describedby=move || (!roaming_on()).then_some("data-needs-roaming")>
                    {move || if data_on() { "Turn data roaming off" } else { "Turn data roaming on" }}
                </button>
            })}
        </div>
        <p class="muted" id="data-needs-roaming">
            {move || if roaming_on() {
                "Turning roaming off also turns data roaming off."
            } else {
                "Data roaming needs roaming: turn roaming on first."
            }}
        </p>
        {post_form(action, Some("roaming-cap-form"), read, view! {
            {hidden("cap")}
            <label for="roaming-cap-input">{format!("Data-roaming cap in {code}")}</label>
            <div class="roaming-cap-row">
                <input id="roaming-cap-input" name="cap" type="text" inputmode="decimal"
                    autocomplete="off" required maxlength="16"
                    aria-describedby="roaming-cap-help"
                    value=cap_text.get_untracked()
                    prop:value=move || cap_text.get()
                    on:input=move |ev| cap_text.set(event_target_value(&ev)) />
                <button type="submit" class="primary" disabled=pending>"Set the cap"</button>
            </div>
            <p id="roaming-cap-help" class="muted">
                {format!(
                    "Per billing period, excluding VAT. The EU default is {default_cap}; at most {max_cap}. You are told at 80 %, and data roaming stops at the cap unless you choose to go on."
                )}
            </p>
        })}
        {move || has_cap().then(|| view! {
            {post_form(action, Some("roaming-form"), read, view! {
                {hidden("lift-cap")}
                <button type="submit" class="secondary" disabled=pending>"Lift the cap"</button>
            })}
        })}
    }
}
