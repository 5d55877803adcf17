//! Prepaid credit: balances and ledger, voucher top-ups and the low-credit warning threshold.
//! No function takes a customer id; a line id sent by a client only ever reaches the signed-in
//! customer's own lines.

use leptos::prelude::*;
use selfcare::credit::{CreditLine, LedgerEntry};
use selfcare::customer::Profile;
use selfcare::ids::CustomerId;
use selfcare::money::Money;
use serde::{Deserialize, Serialize};

use crate::api::Reply;
use crate::error::AppError;

/// `/credit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditOverview {
    pub profile: Profile,
    pub lines: Vec<CreditLine>,
    /// The line shown (the first when none was asked for).
    pub line: Option<CreditLine>,
    pub ledger: Vec<LedgerEntry>,
    pub older: Option<String>,
    pub threshold: Option<Money>,
    /// The outcome of a form posted without JavaScript, shown once.
    pub notice: Option<Reply<Option<Credited>>>,
}

/// After a voucher top-up: the line's new balance and expiry, formatted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credited {
    pub balance: String,
    pub expires: Option<String>,
}

pub const LEDGER_PER_PAGE: u32 = 20;

/// The credit page: one prepaid line's balance and ledger (a page after `after`).
#[server(prefix = "/api", endpoint = "credit")]
pub async fn load_credit(
    line: Option<i64>,
    after: Option<String>,
    acting_for: Option<CustomerId>,
) -> Result<CreditOverview, AppError> {
    use selfcare::paging::Cursor;

    let customer = crate::ssr::subject_logging_view(acting_for, selfcare::audit::Page::Credit)
        .await?
        .customer;
    let state = crate::ssr::state()?;
    let db = &state.db;
    let notice = crate::ssr::reply::take();
    let lines = db.credit_lines(customer).await?;
    let chosen = match line {
        // Another customer's line, or a postpaid one, shows nothing of it.
        Some(id) => Some(
            lines
                .iter()
                .find(|l| l.id.get() == id)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
        None => lines.first().cloned(),
    };
    let after = Cursor::from_query(after)?;
    let (ledger, older) = match &chosen {
        Some(l) => {
            let page = db
                .ledger(customer, l.id, after.as_ref(), LEDGER_PER_PAGE)
                .await?;
            (page.items, page.next)
        }
        None => (Vec::new(), None),
    };
    Ok(CreditOverview {
        profile: db.profile(customer).await?,
        lines,
        line: chosen,
        ledger,
        older,
        threshold: db.low_credit_threshold(customer).await?,
        notice,
    })
}

/// Tops up one of the customer's prepaid lines with a voucher code. A repeated request for a
/// voucher that already credited this line is answered as done, never credited twice.
#[server(prefix = "/api", endpoint = "redeem_voucher")]
pub async fn redeem_voucher(line: i64, code: String) -> Result<Reply<Option<Credited>>, AppError> {
    use selfcare::credit::{TopUp, VoucherCode};
    use selfcare::ids::LineId;

    let customer = crate::ssr::customer()?;
    let db = crate::ssr::state()?.db;
    let lang = db.profile(customer).await?.language;
    let back_to = format!("/credit?line={line}#notice");
    let code = match VoucherCode::parse(&code) {
        Ok(code) => code,
        Err(e) => {
            return Ok(crate::ssr::reply::answer(
                Reply::refused(e.message),
                &back_to,
            ))
        }
    };
    let outcome = match db
        .redeem_voucher(
            customer,
            LineId::trusted(line),
            &code,
            Some(crate::ssr::client_ip()),
            chrono::Utc::now(),
        )
        .await
    {
        Ok(outcome) => outcome,
        Err(selfcare_store::StoreError::NotFound) => {
            return crate::ssr::not_found(|| {
                crate::ssr::reply::answer(
                    Reply::refused(AppError::NotFound.to_string()),
                    "/credit#notice",
                )
            })
        }
        Err(e) => return Err(e.into()),
    };
    let reply = match outcome {
        Ok(TopUp::Credited {
            amount,
            balance,
            expires_on,
        }) => Reply {
            ok: true,
            message: format!("Voucher {} credited: {}.", code.masked(), amount.format_signed(lang)),
            data: Some(Credited {
                balance: balance.format(lang),
                expires: expires_on.map(|d| lang.format_date(d)),
            }),
        },
        Ok(TopUp::AlreadyCredited { amount, at }) => Reply::done(format!(
                "Voucher {} was already credited to this line on {}: {}. Nothing more was charged or credited.",
                code.masked(),
                lang.format_date(at.date_naive()),
                amount.format(lang)
            )),
        Err(refusal) => Reply::refused(refusal.to_string()),
    };
    Ok(crate::ssr::reply::answer(reply, &back_to))
}

/// Sets the credit under which the overview warns; an empty amount turns the warning off.
#[server(prefix = "/api", endpoint = "low_credit_threshold")]
pub async fn set_low_credit_threshold(amount: String) -> Result<Reply<Option<Credited>>, AppError> {
    let customer = crate::ssr::customer()?;
    let db = crate::ssr::state()?.db;
    let profile = db.profile(customer).await?;
    let back_to = "/credit#notice";
    let threshold = match amount.trim() {
        "" => None,
        text => match Money::parse_input(text, profile.currency) {
            Ok(m) if m.amount <= rust_decimal::Decimal::new(100_000, 0) => Some(m),
            Ok(_) => {
                let refused = Reply::refused("Choose an amount up to 100 000.");
                return Ok(crate::ssr::reply::answer(refused, back_to));
            }
            Err(e) => {
                return Ok(crate::ssr::reply::answer(
                    Reply::refused(e.message),
                    back_to,
                ))
            }
        },
    };
    db.set_low_credit_threshold(
        customer,
        threshold,
        Some(crate::ssr::client_ip()),
        chrono::Utc::now(),
    )
    .await?;
    let message = match threshold {
        Some(t) => format!(
            "You will be warned when credit falls below {}.",
            t.format(profile.language)
        ),
        None => "The low-credit warning is off.".into(),
    };
    Ok(crate::ssr::reply::answer(Reply::done(message), back_to))
}
