//! `/`: the overview. Every line with its plan and status, what is due or the credit left,
//! the allowances left, roaming and add-ons; for organisations, the account's total due.
//!
//! Figures are formatted here, on the server, for the customer's language; the line-focus
//! island receives them as text and only chooses which lines to show.

use crate::acting::href;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use selfcare::balances::{Allowance, AllowanceKind};
use selfcare::customer::LineStatus;
use selfcare::dashboard::{Dashboard, LineOverview, LowBalance};
use selfcare::locale::Language;
use selfcare::services::roaming::CapState;

use crate::api::dashboard::{load_dashboard, Overview};
use crate::components::billing::PaymentBox;
use crate::components::line_focus::{Fact, LineCard, LineFocus};
use crate::components::ErrorNotice;
use crate::pages::portal::Portal;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let focus: Option<i64> = use_query_map()
        .get_untracked()
        .get("line")
        .and_then(|v| v.parse().ok());
    let data = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Portal title="Overview">
            <h1>"Overview"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => overview(data, focus).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

/// The overview's body: the customer's own, or in the staff console the verified customer's.
pub fn overview(data: Overview, focus: Option<i64>) -> impl IntoView {
    let d: Dashboard = data.dashboard;
    let lang = d.language;
    // A focus on a line that is not this customer's shows nothing of it: all own lines instead.
    let known_focus = focus.filter(|id| d.lines.iter().any(|l| l.id.get() == *id));
    let cards: Vec<LineCard> = d.lines.iter().map(|line| card(line, lang)).collect();
    let organisation = d.kind.is_organisation();
    view! {
        {(focus.is_some() && known_focus.is_none()).then(|| view! {
            <p class="notice" role="status">"That line is not on your account."</p>
        })}
        {(!data.warnings.is_empty()).then(|| warnings(&data.warnings, lang))}
        <section aria-label="To pay" class="card summary">
                {if d.total_due.is_zero() {
                    view! { <p class="big">"Nothing to pay"</p> }.into_any()
                } else {
                    view! {
                        <dl class="facts">
                            <dt>{if organisation { "Total due for the account" } else { "Total due" }}</dt>
                            <dd class="big">{d.total_due.format(lang)}</dd>
                            {(!d.overdue.is_zero()).then(|| view! {
                                <dt>"Overdue"</dt>
                                <dd class="overdue">{d.overdue.format(lang)}</dd>
                            })}
                        </dl>
                    }.into_any()
                }}
        </section>
        {data.pay.into_iter().map(|pay| view! { <PaymentBox pay language=lang /> }).collect_view()}
        {if cards.is_empty() {
            view! { <p>"There are no active lines on your account."</p> }.into_any()
        } else {
            view! { <LineFocus lines=cards focus=known_focus /> }.into_any()
        }}
    }
}

/// Warnings at the top of the overview, each with where to act on it.
fn warnings(list: &[LowBalance], lang: Language) -> impl IntoView {
    let items = list
        .iter()
        .map(|w| match w {
            LowBalance::Credit {
                line,
                msisdn,
                credit,
                threshold,
            } => view! {
                <li>
                    {format!(
                        "Low credit on {}: {} left (you asked to be warned below {}). ",
                        msisdn.display(),
                        credit.format(lang),
                        threshold.format(lang)
                    )}
                    <a href=format!("{}?line={line}", href("/credit"))>"Top up"</a>
                </li>
            }
            .into_any(),
            LowBalance::Allowance {
                line,
                msisdn,
                allowance,
            } => {
                let (what, unit) = match allowance.kind {
                    AllowanceKind::Minutes => ("Minutes", "min"),
                    AllowanceKind::Sms => ("SMS", "SMS"),
                    AllowanceKind::Data => ("Data", "MB"),
                };
                view! {
                    <li>
                        {format!(
                            "{what} almost used up on {}: {} of {} {unit} left. ",
                            msisdn.display(),
                            lang.group_digits(&allowance.left().unwrap_or(0).to_string()),
                            lang.group_digits(&allowance.included.unwrap_or(0).to_string())
                        )}
                        <a href=format!("{}?line={line}", href("/"))>"See the line"</a>
                    </li>
                }
                .into_any()
            }
            LowBalance::RoamingCapNear {
                line,
                msisdn,
                data_cap,
            } => view! {
                <li>
                    {format!(
                        "Data roaming on {} has reached 80 % of its cap: {}. ",
                        msisdn.display(),
                        data_cap.describe(lang)
                    )}
                    <a href=roaming_link(*line)>"Roaming settings"</a>
                </li>
            }
            .into_any(),
            LowBalance::RoamingCapReached {
                line,
                msisdn,
                data_cap,
            } => view! {
                <li>
                    {format!(
                        "Data roaming on {} has stopped at its cap: {}. ",
                        msisdn.display(),
                        data_cap.describe(lang)
                    )}
                    <a href=roaming_link(*line)>"Go on or change the cap"</a>
                </li>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        <section class="notice warn" aria-label="Warnings" role="status">
            <ul>{items}</ul>
        </section>
    }
}

/// Where a line's roaming settings are changed.
fn roaming_link(line: selfcare::ids::LineId) -> String {
    format!("{}?line={line}#roaming", href("/services"))
}

/// One line's figures as terms and details, formatted for `lang`.
fn card(line: &LineOverview, lang: Language) -> LineCard {
    let mut facts = vec![
        Fact::new("Plan", line.plan.clone()),
        Fact::new(
            "Status",
            match line.status {
                LineStatus::Active => "Active",
                LineStatus::Suspended => "Suspended",
                LineStatus::Terminated => "Terminated",
            },
        ),
    ];
    match (&line.due, line.credit) {
        (_, Some(credit)) => {
            facts.push(Fact::new("Credit", credit.format(lang)));
            if let Some(until) = line.credit_expires_on {
                facts.push(Fact::new("Credit valid until", lang.format_date(until)));
            }
        }
        (Some(due), None) => {
            facts.push(Fact::new("Amount due", due.amount.format(lang)));
            if let Some(part) = due.line_part {
                facts.push(Fact::new(
                    "This line on the bill",
                    format!("{} of {}", part.format(lang), due.amount.format(lang)),
                ));
            }
            let overdue = due.is_overdue(chrono::Utc::now().date_naive());
            let mut fact = Fact::new("Due by", lang.format_date(due.due_on));
            if overdue {
                fact.detail.push_str(" (overdue)");
                fact.alert = true;
            }
            facts.push(fact);
        }
        (None, None) => facts.push(Fact::new("Amount due", "Nothing to pay")),
    }
    for allowance in &line.allowances {
        facts.push(allowance_fact(allowance, lang));
    }
    if let Some(end) = line.period_ends_on {
        facts.push(Fact::new("Period ends", lang.format_date(end)));
    }
    let on_off = |on: bool| if on { "On" } else { "Off" };
    facts.push(Fact::new("Roaming", on_off(line.roaming_on)));
    facts.push(Fact::new("Data roaming", on_off(line.data_roaming_on)));
    facts.push(cap_fact(line, lang));
    facts.push(Fact::new(
        "Add-ons",
        format!("{} active", line.active_addons),
    ));
    LineCard {
        id: line.id.get(),
        number: line.msisdn.display(),
        label: line.label.clone(),
        facts,
    }
}

/// The data-roaming cap: "12,30 € of 50,00 € cap", "no cap"; marked near and at the cap
/// while data roaming is on.
fn cap_fact(line: &LineOverview, lang: Language) -> Fact {
    let cap = &line.data_cap;
    let state = cap.state();
    let mut detail = match cap.cap {
        Some(_) => cap.describe(lang),
        None => "No cap".to_string(),
    };
    detail.push_str(match state {
        CapState::Near => " (80\u{a0}% reached)",
        CapState::Reached => " (data roaming stopped)",
        CapState::Continued => " (going on past the cap)",
        CapState::NoCap | CapState::Under => "",
    });
    let mut fact = Fact::new("Data-roaming cap", detail);
    fact.alert = line.data_roaming_on && matches!(state, CapState::Near | CapState::Reached);
    fact
}

fn allowance_fact(a: &Allowance, lang: Language) -> Fact {
    let (term, unit) = match a.kind {
        AllowanceKind::Minutes => ("Minutes left", "min"),
        AllowanceKind::Sms => ("SMS left", "SMS"),
        AllowanceKind::Data => ("Data left", "MB"),
    };
    let mut fact = match (a.left(), a.included) {
        (Some(left), Some(included)) => Fact::new(
            term,
            format!(
                "{} of {} {unit}",
                lang.group_digits(&left.to_string()),
                lang.group_digits(&included.to_string())
            ),
        ),
        _ => Fact::new(term, "Unlimited"),
    };
    fact.meter = a.per_mille_left();
    fact.alert = a.is_low();
    fact
}
