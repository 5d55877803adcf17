//! `/payments`: what is owed (overdue first, marked) and the payments received, newest first,
//! a page at a time.

use crate::acting::{acting_for, href};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use selfcare::billing::invoices::InvoiceState;
use selfcare::money::Money;

use crate::api::billing::{load_payments, PaymentList};
use crate::components::billing::InvoiceTable;
use crate::components::{ErrorNotice, Pager};
use crate::pages::portal::Portal;

#[component]
pub fn PaymentsPage() -> impl IntoView {
    let after = use_query_map().get_untracked().get("after");
    let first_page = after.as_deref().is_none_or(str::is_empty);
    let acting_for = acting_for();
    let data = Resource::new(
        move || after.clone(),
        move |after| load_payments(after, acting_for),
    );
    view! {
        <Portal title="Payments">
            <h1>"Payments"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => payment_list(list, first_page).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

fn payment_list(list: PaymentList, first_page: bool) -> impl IntoView {
    let lang = list.profile.language;
    let currency = list.profile.currency;
    let today = list.today;
    let sum = |overdue_only: bool| {
        let mut total = Money::from_cents(0, currency);
        for inv in &list.unpaid {
            if !overdue_only || inv.state(today) == InvoiceState::Overdue {
                total.amount += inv.remaining().amount;
            }
        }
        total
    };
    let (owed, overdue) = (sum(false), sum(true));
    let rows = list
        .payments
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{lang.format_date(p.received_at.date_naive())}</th>
                    <td data-label="Amount" class="num">{p.amount.format(lang)}</td>
                    <td data-label="Method">{p.method.label()}</td>
                    <td data-label="Invoice">{p.invoice_number.clone().map(|n| view! { <a href=format!("{}/{n}", href("/invoices"))>{n.clone()}</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-label="What you owe">
            <h2>"What you owe"</h2>
            {if owed.is_zero() {
                view! { <p class="big">"Nothing to pay"</p> }.into_any()
            } else {
                view! {
                    <dl class="facts">
                        <dt>"Total owed"</dt>
                        <dd class="big">{owed.format(lang)}</dd>
                        {(!overdue.is_zero()).then(|| view! {
                            <dt>"Overdue"</dt>
                            <dd class="overdue">{overdue.format(lang)}</dd>
                        })}
                    </dl>
                    <InvoiceTable invoices=list.unpaid.clone() language=lang today unpaid=true />
                }.into_any()
            }}
        </section>
        <section class="card" aria-label="Payment history">
            <h2>"Payment history"</h2>
            {if list.payments.is_empty() {
                view! { <p>"No payments yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="list stack">
                            <thead>
                                <tr>
                                    <th scope="col">"Date"</th>
                                    <th scope="col" class="num">"Amount"</th>
                                    <th scope="col">"Method"</th>
                                    <th scope="col">"Invoice"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <Pager what="payments" first_page older=list.older page=|after| match after {
                Some(after) => format!("{}?after={after}", href("/payments")),
                None => href("/payments"),
            } />
        </section>
    }
}
