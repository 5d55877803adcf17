//! The island that puts one line in focus. Without JavaScript its links reload the page with
//! `?line=<id>`; hydrated, they switch the view in place.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One term and its detail in a line's description list, already formatted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub term: String,
    pub detail: String,
    /// Per mille left, drawn as a bar beside the text.
    pub meter: Option<i64>,
    /// Worth the reader's attention (overdue, almost used up).
    pub alert: bool,
}

impl Fact {
    pub fn new(term: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            term: term.into(),
            detail: detail.into(),
            meter: None,
            alert: false,
        }
    }
}

/// A line as the overview shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCard {
    pub id: i64,
    /// The number as displayed: `+420 601 123 456`.
    pub number: String,
    pub label: Option<String>,
    pub facts: Vec<Fact>,
}

#[island]
pub fn LineFocus(
    lines: Vec<LineCard>,
    initial: Option<i64>,
    acting_for: Option<i64>,
) -> impl IntoView {
    super::count_hydrated_island();
    crate::acting::provide(acting_for);
    let home = crate::acting::href("/");
    let focus = RwSignal::new(initial);
    // Keep the address in step, so a reload or a shared link shows the same line.
    let at = StoredValue::new(home.clone());
    let choose = move |id: Option<i64>| {
        focus.set(id);
        let at = at.get_value();
        let url = id.map_or_else(|| at.clone(), |id| format!("{at}?line={id}"));
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(
                &leptos::wasm_bindgen::JsValue::NULL,
                "",
                Some(&url),
            );
        }
    };
    let current = move |id: Option<i64>| move || (focus.get() == id).then_some("true");
    let links = lines
        .iter()
        .map(|line| {
            let id = line.id;
            view! {
                <a href=format!("{home}?line={id}") aria-current=current(Some(id))
                    on:click=move |ev| { ev.prevent_default(); choose(Some(id)); }>
                    {line.number.clone()}
                </a>
            }
        })
        .collect_view();
    let cards = lines
        .into_iter()
        .map(|line| {
            let id = line.id;
            let heading = format!("line-{id}");
            let labelled_by = heading.clone();
            view! {
                <article class="card line" aria-labelledby=labelled_by
                    hidden=move || focus.get().is_some_and(|f| f != id)>
                    <h2 id=heading>{line.number}</h2>
                    {line.label.map(|label| view! { <p class="label">{label}</p> })}
                    <dl class="facts">
                        {line.facts.into_iter().map(|fact| view! {
                            <dt>{fact.term}</dt>
                            <dd class:alert=fact.alert>
                                {fact.detail}
                                {fact.meter.map(|pm| view! {
                                    <span class="bar" aria-hidden="true">
                                        <span style=format!("width:{}%", pm / 10)></span>
                                    </span>
                                })}
                            </dd>
                        }).collect_view()}
                    </dl>
                </article>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Line in focus" class="focus">
            <a href=home.clone() aria-current=current(None)
                on:click=move |ev| { ev.prevent_default(); choose(None); }>"All lines"</a>
            {links}
        </nav>
        <div class="lines">{cards}</div>
    }
}
