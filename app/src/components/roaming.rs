//! The roaming card of the services page: roaming and data roaming on or off, the data-roaming
//! cap, what was spent against it this period, the notice at 80 % and the stopped state with
//! the choice to go on.
//!
//! Every button is a plain form that posts, is redirected back to `#roaming` and shows the
//! outcome once (from a flash cookie) in `#roaming-notice`; the card is a region of the
//! [`super::enhance`] island, so once it runs the forms are sent in place and the card comes
//! back from the answer. Each page carries a fresh idempotency key for the next change, so a
//! double click changes things once.

use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use selfcare::ids::LineId;
use selfcare::services::roaming::{CapState, RoamingAction};

use crate::api::roaming::{load_roaming, ChangeRoaming, RoamingView};
use crate::components::post_form::PostForm;
use crate::components::ErrorNotice;

/// Roaming, data roaming and the spending cap of `line` (one of the signed-in customer's, or
/// in the staff console of the customer acted for).
#[component]
pub fn RoamingSection(line: LineId) -> impl IntoView {
    let acting_for = crate::acting::acting_for();
    let data = Resource::new(move || line, move |line| load_roaming(line, acting_for));
    view! {
        <section class="card" id="roaming" data-region aria-labelledby="roaming-heading">
            <h2 id="roaming-heading">"Roaming"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => roaming_card(line, view).into_any(),
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

/// A form of the card: `change` and the hidden fields every change sends, then `children`.
fn change_form(
    line: LineId,
    key: &str,
    class: &'static str,
    change: RoamingAction,
    children: AnyView,
) -> impl IntoView {
    let key = key.to_string();
    view! {
        <PostForm action=ChangeRoaming::url() class=class>
            <input type="hidden" name="line" value=line.get() />
            <input type="hidden" name="key" value=key />
            <input type="hidden" name="change" value=change.as_str() />
            <crate::acting::ActingField />
            {children}
        </PostForm>
    }
}

/// The card's state and forms.
fn roaming_card(line: LineId, view: RoamingView) -> impl IntoView {
    let RoamingView {
        settings: s,
        currency: code,
        default_cap,
        max_cap,
        key,
        notice,
    } = view;
    let (roaming_on, data_on, state) = (s.roaming_on, s.data_roaming_on, s.cap_state);
    let form = |class, change, children| change_form(line, &key, class, change, children);
    let cap_state = (data_on && roaming_on).then(|| match state {
        CapState::Near => EitherOf4::A(view! {
            <p class="notice warn" id="roaming-cap-state">
                "You have used 80 % of your data-roaming cap. At the cap, data roaming stops unless you choose to go on."
            </p>
        }),
        CapState::Reached => EitherOf4::B(view! {
            <div class="notice error" id="roaming-cap-state">
                <p>"Data roaming has stopped: the cap for this billing period is spent."</p>
                {form("roaming-form", RoamingAction::Continue, view! {
                    <button type="submit" class="primary">"Go on with data roaming past the cap"</button>
                }.into_any())}
                <p class="muted">"Until the period ends, data abroad is then charged at the roaming rates with no limit. Changing the cap stops at the new cap again."</p>
            </div>
        }),
        CapState::Continued => EitherOf4::C(view! {
            <div class="notice" id="roaming-cap-state">
                <p>"You chose to go on with data roaming past the cap for the rest of this billing period."</p>
                {form("roaming-form", RoamingAction::StopAtCap, view! {
                    <button type="submit" class="secondary">"Stop at the cap again"</button>
                }.into_any())}
            </div>
        }),
        CapState::NoCap | CapState::Under => EitherOf4::D(()),
    });
    let has_cap = s.cap.is_some();
    view! {
        <div id="roaming-notice" role="status" aria-live="polite">
            {notice.map(|r| view! {
                <p class=if r.ok { "notice ok" } else { "notice error" } data-outcome>{r.message}</p>
            })}
        </div>
        <dl class="facts">
            <dt>"Roaming"</dt>
            <dd id="roaming-state">{on_off(roaming_on)}</dd>
            <dt>"Data roaming"</dt>
            <dd id="data-roaming-state" class:alert=data_on && state.is_stopped()>
                {match (data_on, state) {
                    (true, CapState::Reached) => "On, stopped at the cap",
                    (on, _) => on_off(on),
                }}
            </dd>
            <dt>"Data-roaming cap"</dt>
            <dd id="roaming-cap">{s.cap.unwrap_or_else(|| "No cap".to_string())}</dd>
            <dt>"Spent this period"</dt>
            <dd id="roaming-spent"
                class:alert=data_on && matches!(state, CapState::Near | CapState::Reached)>
                {s.spent}
                {s.per_mille_used.map(|pm| view! {
                    <span class="bar" aria-hidden="true">
                        <span style=format!("width:{}%", pm / 10)></span>
                    </span>
                })}
            </dd>
        </dl>
        {cap_state}
        <div class="roaming-switches">
            {form("roaming-form", if roaming_on { RoamingAction::RoamingOff } else { RoamingAction::RoamingOn }, view! {
                <button type="submit" class="secondary">
                    {if roaming_on { "Turn roaming off" } else { "Turn roaming on" }}
                </button>
            }.into_any())}
            {form("roaming-form", if data_on { RoamingAction::DataOff } else { RoamingAction::DataOn }, view! {
                <button type="submit" class="secondary" disabled=!roaming_on
                    aria-describedby=(!roaming_on).then_some("data-needs-roaming")>
                    {if data_on { "Turn data roaming off" } else { "Turn data roaming on" }}
                </button>
            }.into_any())}
        </div>
        <p class="muted" id="data-needs-roaming">
            {if roaming_on {
                "Turning roaming off also turns data roaming off."
            } else {
                "Data roaming needs roaming: turn roaming on first."
            }}
        </p>
        {form("roaming-cap-form", RoamingAction::Cap, view! {
            <label for="roaming-cap-input">{format!("Data-roaming cap in {code}")}</label>
            <div class="roaming-cap-row">
                <input id="roaming-cap-input" name="cap" type="text" inputmode="decimal"
                    autocomplete="off" required maxlength="16"
                    aria-describedby="roaming-cap-help" value=s.cap_input />
                <button type="submit" class="primary">"Set the cap"</button>
            </div>
            <p id="roaming-cap-help" class="muted">
                {format!(
                    "Per billing period, excluding VAT. The EU default is {default_cap}; at most {max_cap}. You are told at 80 %, and data roaming stops at the cap unless you choose to go on."
                )}
            </p>
        }.into_any())}
        {has_cap.then(|| form("roaming-form", RoamingAction::LiftCap, view! {
            <button type="submit" class="secondary">"Lift the cap"</button>
        }.into_any()))}
    }
}
