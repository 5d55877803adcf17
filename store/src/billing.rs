//! Invoices, payments and billing accounts of one customer. Every query filters on the
//! signed-in customer's id, so an invoice number or account id sent by a client can only ever
//! reach that customer's own rows; anything else reads as not found.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{
    corrupt, earliest_day, far_future, insert_audit, latest_day, on_db, Actor, AuditEntry, Db,
    Result, StoreError,
};
use selfcare::billing::invoices::{
    explain_difference, totals, BilledLine, Charge, ChargeCategory, InvoiceDetail, InvoiceStatus,
    InvoiceSummary, PreviousInvoice,
};
use selfcare::billing::invoices::{Payment, PaymentMethod};
use selfcare::customer::{CustomerKind, Profile};
use selfcare::ids::{AccountId, CustomerId, LineId, Msisdn};
use selfcare::locale::Language;
use selfcare::money::{Currency, Money};
use selfcare::paging::{Cursor, CursorKey, Page};

/// Which invoices a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InvoiceFilter {
    /// Only invoices with charges for this line.
    pub line: Option<LineId>,
    /// Only invoices issued in this year.
    pub year: Option<i32>,
}

/// A billing account as its owner manages it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BillingAccount {
    pub id: AccountId,
    pub name: String,
    pub billing_address: String,
    pub paper_invoices: bool,
}

#[derive(sqlx::FromRow)]
struct InvoiceRow {
    id: i64,
    number: String,
    account_id: AccountId,
    period_start: NaiveDate,
    period_end: NaiveDate,
    issued_on: NaiveDate,
    due_on: NaiveDate,
    currency: String,
    total_cents: i64,
    paid_cents: i64,
    status: String,
    payment_reference: String,
}

const INVOICE_COLUMNS: &str = "i.id, i.number, i.account_id, i.period_start, i.period_end, \
     i.issued_on, i.due_on, i.currency, i.total_cents, i.paid_cents, i.status, i.payment_reference";

impl TryFrom<InvoiceRow> for InvoiceSummary {
    type Error = StoreError;

    fn try_from(row: InvoiceRow) -> Result<Self> {
        let currency = Currency::from_code(&row.currency).ok_or_else(|| corrupt("currency"))?;
        Ok(Self {
            number: row.number,
            account_id: row.account_id,
            period_start: row.period_start,
            period_end: row.period_end,
            issued_on: row.issued_on,
            due_on: row.due_on,
            total: Money::from_cents(row.total_cents, currency),
            paid: Money::from_cents(row.paid_cents, currency),
            status: InvoiceStatus::parse(&row.status).ok_or_else(|| corrupt("invoice status"))?,
            payment_reference: row.payment_reference,
        })
    }
}

fn summaries(rows: Vec<InvoiceRow>) -> Result<Vec<InvoiceSummary>> {
    rows.into_iter().map(InvoiceSummary::try_from).collect()
}

#[derive(sqlx::FromRow)]
struct ChargeRow {
    line_id: Option<LineId>,
    category: String,
    addon_id: Option<i64>,
    description: String,
    net_cents: i64,
    vat_rate_bp: i64,
}

impl TryFrom<ChargeRow> for Charge {
    type Error = StoreError;

    fn try_from(row: ChargeRow) -> Result<Self> {
        Ok(Self {
            line: row.line_id,
            category: ChargeCategory::parse(&row.category)
                .ok_or_else(|| corrupt("charge category"))?,
            addon: row.addon_id.map(|id| id.to_string()),
            description: row.description,
            net: Decimal::new(row.net_cents, 2),
            vat_rate_bp: row.vat_rate_bp,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: i64,
    received_at: DateTime<Utc>,
    amount_cents: i64,
    currency: String,
    method: String,
    invoice_number: Option<String>,
}

impl TryFrom<PaymentRow> for Payment {
    type Error = StoreError;

    fn try_from(row: PaymentRow) -> Result<Self> {
        let currency = Currency::from_code(&row.currency).ok_or_else(|| corrupt("currency"))?;
        Ok(Self {
            received_at: row.received_at,
            amount: Money::from_cents(row.amount_cents, currency),
            method: PaymentMethod::parse(&row.method).ok_or_else(|| corrupt("payment method"))?,
            invoice_number: row.invoice_number,
        })
    }
}

/// `WHERE` conditions for a filter, after `i.customer_id = $1`; binds `$2` (line, or 0 for
/// any) and `$3`/`$4` (the year's first day and the next year's, or the widest dates).
const FILTER_SQL: &str = "($2 = 0 OR EXISTS (SELECT 1 FROM invoice_lines il \
     WHERE il.invoice_id = i.id AND il.line_id = $2)) AND i.issued_on >= $3 AND i.issued_on < $4";

fn year_bounds(year: Option<i32>) -> (NaiveDate, NaiveDate) {
    let first = |y| NaiveDate::from_ymd_opt(y, 1, 1);
    match year.and_then(|y| Some((first(y)?, first(y + 1)?))) {
        Some(bounds) => bounds,
        None => (earliest_day(), latest_day()),
    }
}

impl Db {
    /// The signed-in customer's name, kind, language and currency.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the customer does not exist.
    pub async fn profile(&self, customer: CustomerId) -> Result<Profile> {
        let (name, kind, language, currency): (String, String, String, String) =
            on_db!(self, |pool| {
                sqlx::query_as("SELECT name, kind, language, currency FROM customers WHERE id = $1")
                    .bind(customer)
                    .fetch_one(pool)
                    .await?
            });
        parse_profile(name, &kind, &language, &currency)
    }

    /// Every invoice with something left to pay, matching `filter`: the oldest due date first,
    /// so what is overdue leads. Few rows: read whole, on the partial index of open invoices.
    pub async fn unpaid_invoices(
        &self,
        customer: CustomerId,
        filter: InvoiceFilter,
    ) -> Result<Vec<InvoiceSummary>> {
        let (from, until) = year_bounds(filter.year);
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.customer_id = $1 AND i.status = 'open' \
             AND {FILTER_SQL} ORDER BY i.due_on, i.id"
        );
        let rows: Vec<InvoiceRow> = on_db!(self, |pool| sqlx::query_as(&sql)
            .bind(customer)
            .bind(filter.line.map_or(0, |l| l.get()))
            .bind(from)
            .bind(until)
            .fetch_all(pool)
            .await?);
        summaries(rows)
    }

    /// Settled invoices (paid or cancelled) matching `filter`, newest first, `limit` at a time,
    /// continuing after the cursor `after` of the previous page.
    pub async fn settled_invoices(
        &self,
        customer: CustomerId,
        filter: InvoiceFilter,
        after: Option<&Cursor<NaiveDate>>,
        limit: u32,
    ) -> Result<Page<InvoiceSummary>> {
        let (from, until) = year_bounds(filter.year);
        // The row comparison `(a, b) < (x, y)` is the keyset condition; both engines read it
        // off the (customer_id, issued_on DESC, id DESC) index.
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.customer_id = $1 AND i.status <> 'open' \
             AND {FILTER_SQL} AND (i.issued_on, i.id) < ($5, $6) \
             ORDER BY i.issued_on DESC, i.id DESC LIMIT $7"
        );
        let (key, id) = after.map_or((latest_day(), i64::MAX), |c| (c.key, c.id));
        let rows: Vec<InvoiceRow> = on_db!(self, |pool| sqlx::query_as(&sql)
            .bind(customer)
            .bind(filter.line.map_or(0, |l| l.get()))
            .bind(from)
            .bind(until)
            .bind(key)
            .bind(id)
            .bind(i64::from(limit) + 1)
            .fetch_all(pool)
            .await?);
        page(rows, limit, |r| (r.issued_on, r.id), summaries)
    }

    /// The years the customer has invoices in, newest first, and the lines they were for:
    /// what an invoice list can be filtered by.
    pub async fn invoice_filters(
        &self,
        customer: CustomerId,
    ) -> Result<(Vec<i32>, Vec<BilledLine>)> {
        let (first, last): (Option<NaiveDate>, Option<NaiveDate>) = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT MIN(issued_on), MAX(issued_on) FROM invoices WHERE customer_id = $1",
            )
            .bind(customer)
            .fetch_one(pool)
            .await?
        });
        let years = match (first, last) {
            (Some(first), Some(last)) => (first.year()..=last.year()).rev().collect(),
            _ => Vec::new(),
        };
        let lines: Vec<(LineId, String, Option<String>)> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, msisdn, label FROM lines WHERE customer_id = $1 AND payment_type = 'postpaid' \
                 ORDER BY msisdn",
            )
            .bind(customer)
            .fetch_all(pool)
            .await?
        });
        Ok((years, billed_lines(lines)))
    }

    /// One invoice of the customer's, with its charges, payments and the difference to the
    /// account's previous invoice.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when no invoice has this number, and equally when it is another
    /// customer's: the query cannot tell the two apart.
    pub async fn invoice(&self, customer: CustomerId, number: &str) -> Result<InvoiceDetail> {
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.number = $1 AND i.customer_id = $2"
        );
        let row: InvoiceRow = on_db!(self, |pool| sqlx::query_as(&sql)
            .bind(number)
            .bind(customer)
            .fetch_one(pool)
            .await?);
        let invoice_id = row.id;
        let (issued_on, account) = (row.issued_on, row.account_id);
        let summary = InvoiceSummary::try_from(row)?;
        let profile = self.profile(customer).await?;

        let (account_name, billing_address): (String, String) = on_db!(self, |pool| {
            sqlx::query_as("SELECT name, billing_address FROM billing_accounts WHERE id = $1")
                .bind(account)
                .fetch_one(pool)
                .await?
        });
        let charges = self.charges(invoice_id).await?;

        let previous_sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.account_id = $1 AND i.customer_id = $2 \
             AND i.status <> 'void' AND (i.issued_on, i.id) < ($3, $4) \
             ORDER BY i.issued_on DESC, i.id DESC LIMIT 1"
        );
        let previous_row: Option<InvoiceRow> = on_db!(self, |pool| sqlx::query_as(&previous_sql)
            .bind(account)
            .bind(customer)
            .bind(issued_on)
            .bind(invoice_id)
            .fetch_optional(pool)
            .await?);
        let previous_id = previous_row.as_ref().map(|r| r.id);
        let (previous, changes) = match previous_row {
            Some(row) => {
                let before = self.charges(row.id).await?;
                let changes = explain_difference(&before, &charges);
                let previous = InvoiceSummary::try_from(row)?;
                (
                    Some(PreviousInvoice {
                        number: previous.number,
                        period_start: previous.period_start,
                        period_end: previous.period_end,
                        total: previous.total,
                    }),
                    changes,
                )
            }
            None => (None, Vec::new()),
        };

        // The lines named on this invoice or (in its changes) on the previous one.
        let previous_id = previous_id.unwrap_or(0);
        let lines: Vec<(LineId, String, Option<String>)> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, msisdn, label FROM lines WHERE customer_id = $1 AND id IN \
                 (SELECT line_id FROM invoice_lines WHERE invoice_id IN ($2, $3)) ORDER BY msisdn",
            )
            .bind(customer)
            .bind(invoice_id)
            .bind(previous_id)
            .fetch_all(pool)
            .await?
        });
        let lines = billed_lines(lines);

        let payment_rows: Vec<PaymentRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT p.id, p.received_at, p.amount_cents, p.currency, p.method, i.number AS invoice_number \
                 FROM payments p JOIN invoices i ON i.id = p.invoice_id \
                 WHERE p.invoice_id = $1 AND p.customer_id = $2 ORDER BY p.received_at, p.id",
            )
            .bind(invoice_id)
            .bind(customer)
            .fetch_all(pool)
            .await?
        });
        let payments = payment_rows
            .into_iter()
            .map(Payment::try_from)
            .collect::<Result<Vec<_>>>()?;

        let totals = totals(&charges);
        if totals.total != summary.total.amount {
            // The stored total is what was billed; a mismatch means the charges were changed
            // behind the invoice's back. Show the invoice, but make it visible to operators.
            tracing::error!(invoice = %summary.number, stored = %summary.total.amount,
                computed = %totals.total, "invoice total does not match its charges");
        }
        Ok(InvoiceDetail {
            summary,
            language: profile.language,
            customer_name: profile.name,
            account_name,
            billing_address,
            lines,
            charges,
            totals,
            payments,
            previous,
            changes,
        })
    }

    async fn charges(&self, invoice_id: i64) -> Result<Vec<Charge>> {
        let rows: Vec<ChargeRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT line_id, category, addon_id, description, net_cents, vat_rate_bp \
                 FROM invoice_lines WHERE invoice_id = $1 ORDER BY position, id",
            )
            .bind(invoice_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(Charge::try_from).collect()
    }

    /// Payments received from the customer, newest first, `limit` at a time.
    pub async fn payments(
        &self,
        customer: CustomerId,
        after: Option<&Cursor<DateTime<Utc>>>,
        limit: u32,
    ) -> Result<Page<Payment>> {
        let (key, id) = after.map_or((far_future(), i64::MAX), |c| (c.key, c.id));
        let rows: Vec<PaymentRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT p.id, p.received_at, p.amount_cents, p.currency, p.method, i.number AS invoice_number \
                 FROM payments p LEFT JOIN invoices i ON i.id = p.invoice_id \
                 WHERE p.customer_id = $1 AND (p.received_at, p.id) < ($2, $3) \
                 ORDER BY p.received_at DESC, p.id DESC LIMIT $4",
            )
            .bind(customer)
            .bind(key)
            .bind(id)
            .bind(i64::from(limit) + 1)
            .fetch_all(pool)
            .await?
        });
        page(
            rows,
            limit,
            |r| (r.received_at, r.id),
            |rows| rows.into_iter().map(Payment::try_from).collect(),
        )
    }

    /// The customer's billing accounts.
    pub async fn billing_accounts(&self, customer: CustomerId) -> Result<Vec<BillingAccount>> {
        let rows: Vec<(AccountId, String, String, bool)> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name, billing_address, paper_invoices FROM billing_accounts \
                 WHERE customer_id = $1 ORDER BY id",
            )
            .bind(customer)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, name, billing_address, paper_invoices)| BillingAccount {
                    id,
                    name,
                    billing_address,
                    paper_invoices,
                },
            )
            .collect())
    }

    /// Turns paper invoices on or off for one of the customer's accounts, and audits it in the
    /// same transaction. Idempotent: asking for what is already set changes and audits nothing.
    /// Returns whether anything changed.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account is not the customer's.
    pub async fn set_paper_invoices(
        &self,
        customer: CustomerId,
        account: AccountId,
        paper: bool,
        actor: Actor,
        ip: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let entry = AuditEntry {
            at: now,
            actor,
            customer_id: Some(customer),
            event: selfcare::audit::Event::PaperInvoices { account, on: paper },
            ip,
        };
        let (changed, exists) = on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            // The conditional update is the idempotency check: a repeated request matches no row.
            let changed = sqlx::query(
                "UPDATE billing_accounts SET paper_invoices = $1 \
                 WHERE id = $2 AND customer_id = $3 AND paper_invoices <> $1",
            )
            .bind(paper)
            .bind(account)
            .bind(customer)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            let exists = changed
                || sqlx::query_scalar::<_, i64>(
                    "SELECT id FROM billing_accounts WHERE id = $1 AND customer_id = $2",
                )
                .bind(account)
                .bind(customer)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            if changed {
                insert_audit(&mut *tx, &entry).await?;
            }
            tx.commit().await?;
            (changed, exists)
        });
        if exists {
            Ok(changed)
        } else {
            Err(StoreError::NotFound)
        }
    }
}

fn billed_lines(rows: Vec<(LineId, String, Option<String>)>) -> Vec<BilledLine> {
    rows.into_iter()
        .map(|(id, msisdn, label)| BilledLine {
            id,
            msisdn: Msisdn::from_stored(msisdn),
            label,
        })
        .collect()
}

/// Cuts `limit + 1` rows to a page: the extra row only tells that another page follows.
pub(super) fn page<R, T, K: CursorKey>(
    mut rows: Vec<R>,
    limit: u32,
    cursor: impl Fn(&R) -> (K, i64),
    convert: impl FnOnce(Vec<R>) -> Result<Vec<T>>,
) -> Result<Page<T>> {
    let limit = limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more {
        rows.last().map(|r| {
            let (key, id) = cursor(r);
            Cursor { key, id }.encode()
        })
    } else {
        None
    };
    Ok(Page {
        items: convert(rows)?,
        next,
    })
}

/// A profile from its stored columns.
pub(super) fn parse_profile(
    name: String,
    kind: &str,
    language: &str,
    currency: &str,
) -> Result<Profile> {
    Ok(Profile {
        name,
        kind: CustomerKind::parse(kind).ok_or_else(|| corrupt("customer kind"))?,
        language: Language::from_code(language).ok_or_else(|| corrupt("language"))?,
        currency: Currency::from_code(currency).ok_or_else(|| corrupt("currency"))?,
    })
}
