//! `/credit`: a prepaid line's credit and its expiry, top-up by voucher, the low-credit warning
//! threshold, and the history of top-ups and charges, a page at a time.

use crate::acting::{acting_for, href};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::credit::{load_credit, CreditOverview, SetLowCreditThreshold};
use crate::components::post_form::PostForm;
use crate::components::top_up::TopUp;
use crate::components::{ErrorNotice, Outcome, Pager};
use crate::pages::portal::Portal;

#[component]
pub fn CreditPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let line: Option<i64> = query.get("line").and_then(|v| v.parse().ok());
    let after = query.get("after");
    let first_page = after.as_deref().is_none_or(str::is_empty);
    let acting_for = acting_for();
    let data = Resource::new(
        move || (line, after.clone()),
        move |(line, after)| load_credit(line, after, acting_for),
    );
    view! {
        <Portal title="Credit">
            <h1>"Credit"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => credit_page(page, first_page).into_any(),
                        Err(error) => view! {
                            <ErrorNotice error />
                            <p><a href=href("/credit")>"Credit"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

fn credit_page(page: CreditOverview, first_page: bool) -> impl IntoView {
    let lang = page.profile.language;
    let notice = page.notice.map(|n| {
        view! { <Outcome ok=n.ok>{n.message}</Outcome> }
    });
    let Some(line) = page.line else {
        return view! {
            {notice}
            <section class="card">
                <p>"You have no prepaid lines. Postpaid lines are billed each month: see "
                    <a href=href("/invoices")>"Invoices"</a>"."</p>
            </section>
        }
        .into_any();
    };
    let chooser = (page.lines.len() > 1).then(|| {
        view! {
            <nav class="focus" aria-label="Lines">
                {page.lines.iter().map(|l| {
                    let current = (l.id == line.id).then_some("page");
                    view! { <a href=format!("{}?line={}", href("/credit"), l.id) aria-current=current>{l.msisdn.display()}</a> }
                }).collect_view()}
            </nav>
        }
    });
    let threshold_value = page
        .threshold
        .map(|t| {
            let (_, mark) = lang.number_marks();
            let mut a = t.amount;
            a.rescale(2);
            a.to_string().replace('.', &mark.to_string())
        })
        .unwrap_or_default();
    let currency = page.profile.currency.code();
    let rows = page
        .ledger
        .iter()
        .map(|e| {
            view! {
                <tr>
                    <th scope="row">{lang.format_date(e.at.date_naive())}</th>
                    <td data-label="What">{e.kind.label()}": "{e.description.clone()}</td>
                    <td class="num" data-label="Amount">{e.amount.format_signed(lang)}</td>
                    <td class="num" data-label="Balance">{e.balance_after.format(lang)}</td>
                </tr>
            }
        })
        .collect_view();
    let line_id = line.id.get();
    // Regions (see components::enhance): a top-up sent in place brings back the notice, the
    // balance and the history; the warning's form still loads the page.
    view! {
        <div id="credit-notice" data-region>{notice}</div>
        {chooser}
        <div class="invoice-head">
            <section class="card" id="top-up" data-region aria-labelledby="top-up-heading">
                <h2 id="top-up-heading">{line.msisdn.display()}</h2>
                {if acting_for().is_some() {
                    // Staff see the credit; top-ups are the customer's (vouchers, payments).
                    view! {
                        <dl class="facts">
                            <dt>"Credit"</dt>
                            <dd class="big" id="credit-balance">{line.credit.format(lang)}</dd>
                            <dt>"Valid until"</dt>
                            <dd>{line.expires_on.map(|d| lang.format_date(d)).unwrap_or_else(|| "No expiry".into())}</dd>
                        </dl>
                    }.into_any()
                } else {
                    view! {
                        <TopUp
                            line=line_id
                            balance=line.credit.format(lang)
                            expires=line.expires_on.map(|d| lang.format_date(d))
                        />
                    }.into_any()
                }}
                {line.validity_days.map(|days| view! {
                    <p class="muted">{format!("Each top-up keeps your credit valid for {days} days.")}</p>
                })}
            </section>
            <section class="card" id="low-credit" aria-labelledby="low-credit-heading">
                <h2 id="low-credit-heading">"Low-credit warning"</h2>
                <p>{match page.threshold {
                    Some(t) => format!("The overview warns you when credit falls below {}.", t.format(lang)),
                    None => "The warning is off.".to_string(),
                }}</p>
                {acting_for().is_none().then(|| view! {
                <PostForm action=SetLowCreditThreshold::url() class="form">
                    <label for="threshold">{format!("Warn me when credit falls below ({currency})")}</label>
                    <input id="threshold" name="amount" type="text" inputmode="decimal" value=threshold_value
                        aria-describedby="threshold-help" />
                    <p id="threshold-help" class="muted">"Leave it empty to turn the warning off."</p>
                    <button type="submit" class="secondary">"Save warning"</button>
                </PostForm>
                })}
            </section>
        </div>
        <section class="card" id="credit-history" data-region aria-labelledby="history-heading">
            <h2 id="history-heading">"Credit history"</h2>
            {if page.ledger.is_empty() {
                view! { <p>"No top-ups or charges yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="list stack">
                            <thead>
                                <tr>
                                    <th scope="col">"Date"</th>
                                    <th scope="col">"What"</th>
                                    <th scope="col" class="num">"Amount"</th>
                                    <th scope="col" class="num">"Balance"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <Pager what="entries" first_page older=page.older page=move |after| match after {
                Some(after) => format!("{}?line={line_id}&after={after}", href("/credit")),
                None => format!("{}?line={line_id}", href("/credit")),
            } />
        </section>
    }
    .into_any()
}
