//! `/invoices`: what is left to pay first, then the settled invoices a page at a time, filters
//! by line and year, and paper or electronic invoices. `/invoices/{number}`: one invoice — its
//! charges by category, VAT per rate, payments, how to pay what is left, and why it differs
//! from the previous bill.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use selfcare::billing::invoices::InvoiceState;
use selfcare::locale::Language;

use crate::acting::{acting_for, href};
use crate::api::billing::{load_invoice, load_invoices, InvoiceList, InvoicePage};
use crate::components::billing::{InvoiceTable, PaymentBox, StateBadge};
use crate::components::paper_invoices::PaperInvoices;
use crate::components::{ErrorNotice, Pager};
use crate::pages::portal::Portal;

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let line: Option<i64> = query.get("line").and_then(|v| v.parse().ok());
    let year: Option<i32> = query.get("year").and_then(|v| v.parse().ok());
    let after = query.get("after");
    let acting_for = acting_for();
    let data = Resource::new(
        move || (line, year, after.clone()),
        move |(line, year, after)| load_invoices(line, year, after, acting_for),
    );
    view! {
        <Portal title="Invoices">
            <h1>"Invoices"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => invoice_list(list, line, year).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

/// The query string of the list with these filters (and a page cursor).
fn list_url(line: Option<i64>, year: Option<i32>, after: Option<&str>) -> String {
    let mut params = Vec::new();
    if let Some(line) = line {
        params.push(format!("line={line}"));
    }
    if let Some(year) = year {
        params.push(format!("year={year}"));
    }
    if let Some(after) = after {
        params.push(format!("after={after}"));
    }
    if params.is_empty() {
        href("/invoices")
    } else {
        format!("{}?{}", href("/invoices"), params.join("&"))
    }
}

fn invoice_list(list: InvoiceList, line: Option<i64>, year: Option<i32>) -> impl IntoView {
    let lang = list.profile.language;
    let today = list.today;
    let query = use_query_map().get_untracked();
    let first_page = query.get("after").is_none_or(|a| a.is_empty());
    // Set by the paper-invoice form's redirect when a change could not be saved.
    let paper_failed = query.get("paper").as_deref() == Some("failed");
    let filtering = line.is_some() || year.is_some();
    let show_filters = list.lines.len() > 1 || list.years.len() > 1;
    view! {
        {show_filters.then(|| view! {
            <form method="get" action=href("/invoices") class="card filters" aria-label="Filter invoices">
                {(list.lines.len() > 1).then(|| view! {
                    <div class="field">
                        <label for="filter-line">"Line"</label>
                        <select id="filter-line" name="line">
                            <option value="">"All lines"</option>
                            {list.lines.iter().map(|l| {
                                let text = match &l.label {
                                    Some(label) => format!("{} ({label})", l.msisdn.display()),
                                    None => l.msisdn.display(),
                                };
                                view! { <option value=l.id.get() selected=line == Some(l.id.get())>{text}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="field">
                    <label for="filter-year">"Year"</label>
                    <select id="filter-year" name="year">
                        <option value="">"All years"</option>
                        {list.years.iter().map(|&y| view! {
                            <option value=y selected=year == Some(y)>{y}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">"Show"</button>
            </form>
        })}
        {(!list.unpaid.is_empty()).then(|| view! {
            <section class="card" aria-label="To pay">
                <h2>"To pay"</h2>
                <InvoiceTable invoices=list.unpaid language=lang today unpaid=true />
            </section>
        })}
        <section class="card" aria-label="Paid invoices">
            <h2>"Paid invoices"</h2>
            {if list.settled.is_empty() {
                view! {
                    <p>{if filtering { "No paid invoices match these filters." } else { "No paid invoices yet." }}</p>
                }.into_any()
            } else {
                view! { <InvoiceTable invoices=list.settled language=lang today unpaid=false /> }.into_any()
            }}
            <Pager what="invoices" first_page older=list.older page=move |after| list_url(line, year, after) />
        </section>
        {(!list.accounts.is_empty()).then(|| view! {
            <section class="card" id="electronic-billing" data-region aria-labelledby="electronic-billing-heading">
                <h2 id="electronic-billing-heading">"Electronic billing"</h2>
                <p class="muted">"Invoices are always here and in your email. Paper invoices by post cost extra and take longer."</p>
                {paper_failed.then(|| view! {
                    <p class="notice error" role="alert" data-outcome>"Your change to paper invoices was not saved. Please try again."</p>
                })}
                {list.accounts.into_iter().map(|a| if acting_for().is_some() {
                    // Staff see the setting; the customer changes it.
                    let how = if a.paper_invoices { "on paper by post and electronically" } else { "electronically only" };
                    view! { <p>{format!("{}: invoices {how}.", a.account_name)}</p> }.into_any()
                } else {
                    view! {
                        <PaperInvoices account=a.account.get() account_name=a.account_name paper=a.paper_invoices />
                    }.into_any()
                }).collect_view()}
            </section>
        })}
    }
}

#[component]
pub fn InvoiceDetailPage() -> impl IntoView {
    let number = use_params_map()
        .get_untracked()
        .get("number")
        .unwrap_or_default();
    let acting_for = acting_for();
    let data = Resource::new(
        move || number.clone(),
        move |number| load_invoice(number, acting_for),
    );
    view! {
        <Portal title="Invoice">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => invoice_detail(page).into_any(),
                        Err(error) => view! {
                            <h1>"Invoice"</h1>
                            <ErrorNotice error />
                            <p><a href=href("/invoices")>"All invoices"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

fn invoice_detail(page: InvoicePage) -> impl IntoView {
    let d = page.detail;
    let lang = d.language;
    let s = &d.summary;
    let state = s.state(page.today);
    let money = |amount| d.money(amount).format(lang);
    let number = s.number.clone();
    let facts = view! {
        <dl class="facts">
            <dt>"Period"</dt>
            <dd>{lang.format_period(s.period_start, s.period_end)}</dd>
            <dt>"Issued"</dt>
            <dd>{lang.format_date(s.issued_on)}</dd>
            <dt>"Due by"</dt>
            <dd class:overdue=state == InvoiceState::Overdue>{lang.format_date(s.due_on)}</dd>
            <dt>"Status"</dt>
            <dd><StateBadge state /></dd>
            <dt>"Total"</dt>
            <dd class="strong">{s.total.format(lang)}</dd>
            {(!s.paid.is_zero() && state != InvoiceState::Paid).then(|| view! {
                <dt>"Paid"</dt>
                <dd>{s.paid.format(lang)}</dd>
            })}
            {state.is_due().then(|| view! {
                <dt>"Left to pay"</dt>
                <dd class="strong" class:overdue=state == InvoiceState::Overdue>{s.remaining().format(lang)}</dd>
            })}
            <dt>"Billed to"</dt>
            <dd>{d.account_name.clone()}<br />{d.billing_address.clone()}</dd>
        </dl>
    };

    let groups = d
        .groups()
        .into_iter()
        .map(|g| {
            let rows = g
                .charges
                .iter()
                .map(|c| {
                    view! {
                        <tr>
                            <th scope="row">{c.description.clone()}</th>
                            <td class="mono" data-label="Line">{d.line_number(c.line)}</td>
                            <td class="num" data-label="Excl. VAT">{money(c.net)}</td>
                            <td class="num opt" data-label="VAT rate">{lang.format_rate(c.vat_rate_bp)}</td>
                            <td class="num opt" data-label="VAT">{money(c.vat())}</td>
                            <td class="num" data-label="Incl. VAT">{money(c.gross())}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h3>{g.category.heading()}</h3>
                <div class="table-wrap">
                    <table class="list charges stack">
                        <thead>
                            <tr>
                                <th scope="col">"Item"</th>
                                <th scope="col">"Line"</th>
                                <th scope="col" class="num">"Excl. VAT"</th>
                                <th scope="col" class="num opt">"VAT rate"</th>
                                <th scope="col" class="num opt">"VAT"</th>
                                <th scope="col" class="num">"Incl. VAT"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                        <tfoot>
                            <tr>
                                <th scope="row" colspan="2">"Subtotal"</th>
                                <td class="num" data-label="Excl. VAT">{money(g.net)}</td>
                                <td class="opt"></td>
                                <td class="num opt" data-label="VAT">{money(g.gross - g.net)}</td>
                                <td class="num" data-label="Incl. VAT">{money(g.gross)}</td>
                            </tr>
                        </tfoot>
                    </table>
                </div>
            }
        })
        .collect_view();

    let vat_rows = d
        .totals
        .by_rate
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{lang.format_rate(r.rate_bp)}</th>
                    <td class="num" data-label="Base">{money(r.base)}</td>
                    <td class="num" data-label="VAT">{money(r.vat)}</td>
                    <td class="num" data-label="Incl. VAT">{money(r.base + r.vat)}</td>
                </tr>
            }
        })
        .collect_view();

    let payments = (!d.payments.is_empty()).then(|| {
        let rows = d
            .payments
            .iter()
            .map(|p| {
                view! {
                    <tr>
                        <td>{lang.format_date(p.received_at.date_naive())}</td>
                        <td>{p.method.label()}</td>
                        <td class="num">{p.amount.format(lang)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card" aria-label="Payments">
                <h2>"Payments"</h2>
                <table class="list">
                    <thead><tr><th scope="col">"Date"</th><th scope="col">"Method"</th><th scope="col" class="num">"Amount"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });

    let difference = difference_section(&d, lang);
    let pay = page.pay;
    view! {
        <h1>"Invoice " {number.clone()}</h1>
        <div class="invoice-head">
            <section class="card" aria-label="Summary">
                {facts}
                // The PDF is the customer's download; staff read the invoice on the page.
                {acting_for().is_none().then(|| view! {
                    <p><a class="button" href=format!("/invoices/{number}/pdf") download>"Download PDF"</a></p>
                })}
            </section>
            {pay.map(|pay| view! { <PaymentBox pay language=lang /> })}
        </div>
        {difference}
        <section class="card" aria-labelledby="charges-heading">
            <h2 id="charges-heading">"Charges"</h2>
            {groups}
        </section>
        <section class="card" aria-labelledby="vat-heading">
            <h2 id="vat-heading">"VAT"</h2>
            <div class="table-wrap">
                <table class="list stack">
                    <thead>
                        <tr>
                            <th scope="col">"Rate"</th>
                            <th scope="col" class="num">"Base"</th>
                            <th scope="col" class="num">"VAT"</th>
                            <th scope="col" class="num">"Incl. VAT"</th>
                        </tr>
                    </thead>
                    <tbody>{vat_rows}</tbody>
                </table>
            </div>
            <dl class="facts totals" aria-label="Totals">
                <dt>"Total excl. VAT"</dt>
                <dd>{money(d.totals.net)}</dd>
                <dt>"VAT"</dt>
                <dd>{money(d.totals.vat)}</dd>
                <dt>"Total"</dt>
                <dd class="strong">{money(d.totals.total)}</dd>
            </dl>
        </section>
        {payments}
    }
}

/// "Why is this bill different?": each change against the previous invoice, signed, and their
/// sum, which equals the difference of the two totals.
fn difference_section(
    d: &selfcare::billing::invoices::InvoiceDetail,
    lang: Language,
) -> impl IntoView {
    let money = |amount| d.money(amount);
    let body = match &d.previous {
        None => view! { <p>"This is the first invoice on this account, so there is nothing to compare it with."</p> }.into_any(),
        Some(previous) => {
            let difference = d.summary.total.amount - previous.total.amount;
            let intro = view! {
                <p>
                    "Compared with the previous invoice "
                    <a href=format!("{}/{}", href("/invoices"), previous.number)>{previous.number.clone()}</a>
                    " (" {lang.format_period(previous.period_start, previous.period_end)} "), "
                    {previous.total.format(lang)} ", this one is "
                    {if difference.is_zero() {
                        "the same.".to_string()
                    } else if difference.is_sign_positive() {
                        format!("{} higher.", money(difference).format(lang))
                    } else {
                        format!("{} lower.", money(-difference).format(lang))
                    }}
                </p>
            };
            let rows = d
                .changes
                .iter()
                .map(|c| {
                    view! {
                        <tr>
                            <th scope="row">{c.kind.label()}</th>
                            <td data-label="Item">{c.description.clone()}</td>
                            <td class="mono" data-label="Line">{d.line_number(c.line)}</td>
                            <td class="num" data-label="Effect" class:up=c.amount.is_sign_positive()>{money(c.amount).format_signed(lang)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                {intro}
                {(!d.changes.is_empty()).then(|| view! {
                    <div class="table-wrap">
                        <table class="list changes stack">
                            <thead>
                                <tr>
                                    <th scope="col">"What changed"</th>
                                    <th scope="col">"Item"</th>
                                    <th scope="col">"Line"</th>
                                    <th scope="col" class="num">"Effect incl. VAT"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                            <tfoot>
                                <tr>
                                    <th scope="row" colspan="3">"Difference"</th>
                                    <td class="num strong" data-label="Total">{money(difference).format_signed(lang)}</td>
                                </tr>
                            </tfoot>
                        </table>
                    </div>
                })}
            }.into_any()
        }
    };
    view! {
        <section class="card" aria-labelledby="difference-heading">
            <h2 id="difference-heading">"Why is this bill different?"</h2>
            {body}
        </section>
    }
}
