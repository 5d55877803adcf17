//! View pieces shared by the billing pages and the overview, rendered on the server: how to pay
//! an invoice (with its QR code), an invoice's state, and invoice tables.

use crate::acting::href;
use leptos::prelude::*;
use selfcare::billing::invoices::{InvoiceState, InvoiceSummary};
use selfcare::billing::payments::QrStandard;
use selfcare::locale::Language;

use crate::api::billing::PayBox;

/// An invoice's state as a short word, marked for the eye as well as in words.
#[component]
pub fn StateBadge(state: InvoiceState) -> impl IntoView {
    let class = match state {
        InvoiceState::Overdue => "state overdue",
        InvoiceState::Unpaid | InvoiceState::PartlyPaid => "state due",
        InvoiceState::Paid | InvoiceState::Void => "state settled",
    };
    view! { <span class=class>{state.label()}</span> }
}

/// How and by when to pay one invoice: the bank details, the reference, the amount and due
/// date, and the QR code a banking app reads.
#[component]
pub fn PaymentBox(pay: PayBox, language: Language) -> impl IntoView {
    let i = pay.instructions;
    let label = format!("How to pay invoice {}", i.invoice_number);
    // The variable symbol is what Czech banks and customers call the payment reference.
    let reference_term = if i.amount.currency == selfcare::money::Currency::Czk {
        "Variable symbol"
    } else {
        "Payment reference"
    };
    let standard = i.qr.as_ref().map(|(standard, _)| *standard);
    view! {
        <section class="card pay" aria-label=label>
            <h2>"How to pay"</h2>
            <div class="pay-body">
                <dl class="facts">
                    <dt>"Invoice"</dt>
                    <dd><a href=format!("{}/{}", href("/invoices"), i.invoice_number)>{i.invoice_number.clone()}</a></dd>
                    <dt>"Pay to"</dt>
                    <dd>{i.payee}</dd>
                    <dt>"IBAN"</dt>
                    <dd class="mono">{i.iban}</dd>
                    {i.domestic_account.map(|account| view! {
                        <dt>"Account number"</dt>
                        <dd class="mono">{account}</dd>
                    })}
                    {i.bic.map(|bic| view! { <dt>"BIC"</dt><dd class="mono">{bic}</dd> })}
                    <dt>{reference_term}</dt>
                    <dd class="mono">{i.reference}</dd>
                    <dt>"Amount"</dt>
                    <dd class="strong">{i.amount.format(language)}</dd>
                    <dt>"Due by"</dt>
                    <dd>{language.format_date(i.due_on)}</dd>
                </dl>
                {pay.qr_svg.map(|svg| view! {
                    <figure class="qr">
                        <div role="img" aria-label="Payment QR code" inner_html=svg></div>
                        <figcaption>
                            "Scan with your banking app: "
                            <span class="nowrap">{standard.map(QrStandard::name)}</span>
                        </figcaption>
                    </figure>
                })}
            </div>
            {(standard.is_none()).then(|| view! {
                <p class="muted">"This payment cannot be put in a QR code: please enter the details above in your banking app."</p>
            })}
        </section>
    }
}

/// A table of invoices: number, period, dates, amounts, state.
#[component]
pub fn InvoiceTable(
    invoices: Vec<InvoiceSummary>,
    language: Language,
    today: chrono::NaiveDate,
    /// Show what is left to pay rather than the issue date.
    unpaid: bool,
) -> impl IntoView {
    let rows = invoices
        .into_iter()
        .map(|inv| {
            let state = inv.state(today);
            view! {
                <tr class:overdue-row=state == InvoiceState::Overdue>
                    <th scope="row"><a href=format!("{}/{}", href("/invoices"), inv.number)>{inv.number.clone()}</a></th>
                    <td data-label="Period">{language.format_period(inv.period_start, inv.period_end)}</td>
                    {(!unpaid).then(|| view! { <td data-label="Issued">{language.format_date(inv.issued_on)}</td> })}
                    <td data-label="Due by">{language.format_date(inv.due_on)}</td>
                    <td data-label="Total" class="num">{inv.total.format(language)}</td>
                    {unpaid.then(|| view! { <td data-label="Left to pay" class="num strong">{inv.remaining().format(language)}</td> })}
                    <td data-label="Status"><StateBadge state /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="list stack">
                <thead>
                    <tr>
                        <th scope="col">"Invoice"</th>
                        <th scope="col">"Period"</th>
                        {(!unpaid).then(|| view! { <th scope="col">"Issued"</th> })}
                        <th scope="col">"Due by"</th>
                        <th scope="col" class="num">"Total"</th>
                        {unpaid.then(|| view! { <th scope="col" class="num">"Left to pay"</th> })}
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
