//! View pieces of the usage pages, rendered on the server: an allowance with its bar, the use
//! per day as a chart with a table of the same figures, and a table of usage records.

use leptos::prelude::*;
use selfcare::balances::{Allowance, AllowanceKind};
use selfcare::locale::Language;
use selfcare::usage::{chart, DayUsage, UsageKind, UsageRecord};

/// The name and unit an allowance is counted in.
pub fn allowance_words(kind: AllowanceKind) -> (&'static str, &'static str) {
    match kind {
        AllowanceKind::Minutes => ("Minutes", "min"),
        AllowanceKind::Sms => ("SMS", "SMS"),
        AllowanceKind::Data => ("Data", "MB"),
    }
}

/// `1 234 min`: a whole number of an allowance's unit.
pub fn allowance_amount(kind: AllowanceKind, amount: i64, lang: Language) -> String {
    format!(
        "{}\u{a0}{}",
        lang.group_digits(&amount.to_string()),
        allowance_words(kind).1
    )
}

/// What is left in a few words: `177 of 300 min`, or `Unlimited`.
pub fn left_of_included(a: &Allowance, lang: Language) -> String {
    match (a.left(), a.included) {
        (Some(left), Some(included)) => format!(
            "{} of {}",
            lang.group_digits(&left.to_string()),
            allowance_amount(a.kind, included, lang)
        ),
        _ => "Unlimited".into(),
    }
}

/// A bar of what is left, for the eye only: the figures beside it say the same in words.
#[component]
pub fn LeftBar(per_mille: Option<i64>) -> impl IntoView {
    per_mille.map(|pm| {
        view! {
            <span class="bar" aria-hidden="true">
                <span style=format!("width:{}%", pm / 10)></span>
            </span>
        }
    })
}

/// One allowance of the period: what is left (large), a bar, and included, used and left.
#[component]
pub fn AllowanceBlock(allowance: Allowance, language: Language) -> impl IntoView {
    let a = allowance;
    let (name, _) = allowance_words(a.kind);
    let heading = format!("allowance-{}", name.to_lowercase());
    let labelled_by = heading.clone();
    let amount = move |n| allowance_amount(a.kind, n, language);
    let headline = match a.left() {
        Some(left) => format!("{} left", amount(left)),
        None => "Unlimited".into(),
    };
    view! {
        <article class="allowance" class:alert=a.is_low() aria-labelledby=labelled_by>
            <h3 id=heading>{name}</h3>
            <p class="big">{headline}</p>
            <LeftBar per_mille=a.per_mille_left() />
            <dl class="facts">
                <dt>"Included"</dt>
                <dd>{a.included.map_or_else(|| "Unlimited".to_string(), amount)}</dd>
                <dt>"Used"</dt>
                <dd>{amount(a.used)}</dd>
                {a.left().map(|left| view! { <dt>"Left"</dt><dd>{amount(left)}</dd> })}
            </dl>
        </article>
    }
}

/// The use per day of one kind: the SVG chart (drawn by the domain crate), and the same
/// figures as a table inside a `<details>`, for screen readers and for copying.
#[component]
pub fn DailyChart(kind: UsageKind, days: Vec<DayUsage>, language: Language) -> impl IntoView {
    let svg = chart::chart_svg(kind, &days, language);
    let rows = days
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{language.format_date(d.day)}</th>
                    <td class="num">{kind.format_chart_value(kind.chart_value(d.of(kind)), language)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <div class="chart-box" inner_html=svg></div>
        </figure>
        <details class="chart-table">
            <summary>"Show as a table"</summary>
            <table class="list">
                <caption class="visually-hidden">{format!("{} per day", kind.chart_name())}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Day"</th>
                        <th scope="col" class="num">{kind.chart_name()}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

/// A page of usage records: when (UTC), type, quantity, number, country (roaming marked), and
/// what was charged beyond the allowance.
#[component]
pub fn RecordsTable(records: Vec<UsageRecord>, language: Language) -> impl IntoView {
    let rows = records
        .into_iter()
        .map(|r| {
            let charge = (!r.charge.is_zero()).then(|| r.charge.format(language));
            view! {
                <tr>
                    <th scope="row" class="nowrap">{language.format_date_time(r.started_at)}</th>
                    <td data-label="Type">{r.kind.label()}</td>
                    <td data-label="Quantity" class="num">{r.kind.format_quantity(r.quantity, language)}</td>
                    <td data-label="Number" class="mono">{r.counterpart_display()}</td>
                    // One span: on a phone the cell's content is one item of the card's grid.
                    <td data-label="Country">
                        <span>
                            {r.country.clone()}
                            {r.roaming.then(|| view! { " " <span class="tag roaming">"Roaming"</span> })}
                        </span>
                    </td>
                    <td data-label="Charge" class="num">{charge}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="list stack records">
                <thead>
                    <tr>
                        <th scope="col">"Date and time (UTC)"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col" class="num">"Quantity"</th>
                        <th scope="col">"Number"</th>
                        <th scope="col">"Country"</th>
                        <th scope="col" class="num">"Charge"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
