//! The overview's lines, one of them in focus. Its links load the page with `?line=<id>`;
//! once the [`super::enhance`] island runs, they swap the lines in place (and keep the
//! address in step, so a reload or a shared link shows the same line).

use leptos::prelude::*;

/// One term and its detail in a line's description list, already formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineCard {
    pub id: i64,
    /// The number as displayed: `+420 601 123 456`.
    pub number: String,
    pub label: Option<String>,
    pub facts: Vec<Fact>,
}

/// The lines, each a card; with `focus`, that line's alone.
#[component]
pub fn LineFocus(lines: Vec<LineCard>, focus: Option<i64>) -> impl IntoView {
    let home = crate::acting::href("/");
    let current = |id: Option<i64>| (focus == id).then_some("true");
    let links = lines
        .iter()
        .map(|line| {
            view! {
                <a href=format!("{home}?line={}", line.id) data-swap="line-focus" data-replace-url
                    aria-current=current(Some(line.id))>
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
                    hidden=focus.is_some_and(|f| f != id)>
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
        <div id="line-focus">
            <nav aria-label="Line in focus" class="focus">
                <a href=home.clone() data-swap="line-focus" data-replace-url aria-current=current(None)>"All lines"</a>
                {links}
            </nav>
            <div class="lines">{cards}</div>
        </div>
    }
}
