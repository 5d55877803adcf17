//! The overview of one customer, read in three queries (customer, lines, open invoices) and,
//! where an account bills several lines, a fourth for each line's part; each on an index that
//! starts with the customer id.

use chrono::{DateTime, NaiveDate, Utc};

use super::roaming::RoamingColumns;
use super::{corrupt, on_db, Db, Result};
use crate::InvoiceFilter;
use selfcare::balances::Allowance;
use selfcare::customer::{LineStatus, PaymentType};
use selfcare::dashboard::{newest_due, totals_due, Dashboard, LineOverview, OpenInvoice};
use selfcare::ids::{AccountId, CustomerId, LineId, Msisdn};
use selfcare::money::{Currency, Money};

#[derive(sqlx::FromRow)]
struct LineRow {
    id: LineId,
    account_id: AccountId,
    msisdn: String,
    label: Option<String>,
    plan: String,
    payment_type: String,
    status: String,
    credit_cents: i64,
    credit_expires_on: Option<NaiveDate>,
    minutes_included: Option<i64>,
    sms_included: Option<i64>,
    data_mb_included: Option<i64>,
    period_end: Option<NaiveDate>,
    call_seconds_used: Option<i64>,
    sms_used: Option<i64>,
    data_kb_used: Option<i64>,
    rated_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    roaming: RoamingColumns,
    active_addons: i64,
}

const LINES_SQL: &str = "\
SELECT l.id, l.account_id, l.msisdn, l.label, p.name AS plan, l.payment_type, l.status,
       l.credit_cents, l.credit_expires_on,
       p.minutes_included, p.sms_included, p.data_mb_included,
       u.period_end, u.call_seconds_used, u.sms_used, u.data_kb_used, u.rated_at,
       r.line_id AS roaming_row, r.roaming_on, r.data_roaming_on, r.data_cap_cents,
       r.data_spent_cents, r.continue_past_cap, r.updated_at AS roaming_updated_at,
       (SELECT COUNT(*) FROM line_addons a
        WHERE a.line_id = l.id AND (a.ended_at IS NULL OR a.ended_at > $3)) AS active_addons
FROM lines l
JOIN tariff_plans p ON p.id = l.plan_id
LEFT JOIN allowance_usage u ON u.line_id = l.id AND u.period_start <= $2 AND u.period_end > $2
LEFT JOIN roaming_settings r ON r.line_id = l.id
WHERE l.customer_id = $1 AND l.status <> 'terminated'
ORDER BY l.msisdn";

impl Db {
    /// Everything the overview shows for `customer` at `now` (add-ons active at that instant:
    /// a one-off add-on ends by itself later, so `ended_at` may lie ahead): the customer, their
    /// lines, and the open invoices, with each line's part of them where an account bills
    /// several lines.
    ///
    /// # Errors
    /// `StoreError::NotFound` when the customer does not exist.
    pub async fn dashboard(&self, customer: CustomerId, now: DateTime<Utc>) -> Result<Dashboard> {
        let today = now.date_naive();
        let (name, kind, language, currency, threshold): (
            String,
            String,
            String,
            String,
            Option<i64>,
        ) = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT name, kind, language, currency, low_credit_threshold_cents \
                 FROM customers WHERE id = $1",
            )
            .bind(customer)
            .fetch_one(pool)
            .await?
        });
        let profile = super::billing::parse_profile(name, &kind, &language, &currency)?;
        let currency = profile.currency;
        let mut lines = self.line_overviews(customer, currency, now).await?;
        let unpaid = self
            .unpaid_invoices(customer, InvoiceFilter::default())
            .await?;
        let open: Vec<OpenInvoice> = unpaid
            .iter()
            .map(|invoice| OpenInvoice {
                account_id: invoice.account_id,
                number: invoice.number.clone(),
                issued_on: invoice.issued_on,
                due_on: invoice.due_on,
                remaining: invoice.remaining(),
            })
            .collect();

        let mut lines_per_account: std::collections::HashMap<AccountId, usize> = Default::default();
        for line in &lines {
            *lines_per_account.entry(line.account_id).or_default() += 1;
        }
        // Each line's own charges on the open invoices, for accounts billing several lines.
        let shared = lines.iter().any(|line| {
            line.payment_type != PaymentType::Prepaid && lines_per_account[&line.account_id] > 1
        });
        let parts: Vec<(String, LineId, i64)> = if shared && !open.is_empty() {
            on_db!(self, |pool| {
                sqlx::query_as(
                    "SELECT i.number, il.line_id, CAST(SUM(il.net_cents + il.vat_cents) AS BIGINT) \
                     FROM invoices i JOIN invoice_lines il ON il.invoice_id = i.id \
                     WHERE i.customer_id = $1 AND i.status = 'open' AND il.line_id IS NOT NULL \
                     GROUP BY i.number, il.line_id",
                )
                .bind(customer)
                .fetch_all(pool)
                .await?
            })
        } else {
            Vec::new()
        };
        let part_of = |number: &str, line: LineId| {
            parts
                .iter()
                .find(|(n, l, _)| n == number && *l == line)
                .map(|(_, _, cents)| Money::from_cents(*cents, currency))
        };
        for line in &mut lines {
            if line.payment_type == PaymentType::Prepaid {
                continue;
            }
            line.due = newest_due(&open, line.account_id).map(|mut due| {
                if lines_per_account[&line.account_id] > 1 {
                    due.line_part = Some(
                        part_of(&due.invoice_number, line.id)
                            .unwrap_or(Money::from_cents(0, currency)),
                    );
                }
                due
            });
        }
        let (total_due, overdue) = totals_due(&open, currency, today);
        Ok(Dashboard {
            customer_name: profile.name,
            kind: profile.kind,
            language: profile.language,
            currency,
            lines,
            total_due,
            overdue,
            unpaid,
            low_credit_threshold: threshold.map(|cents| Money::from_cents(cents, currency)),
        })
    }

    /// The customer's lines as the overview shows them, without what is due (see
    /// [`Db::dashboard`]): plan, allowances left, credit, roaming and add-ons, by number.
    pub async fn line_overviews(
        &self,
        customer: CustomerId,
        currency: Currency,
        now: DateTime<Utc>,
    ) -> Result<Vec<LineOverview>> {
        let rows: Vec<LineRow> = on_db!(self, |pool| sqlx::query_as(LINES_SQL)
            .bind(customer)
            .bind(now.date_naive())
            .bind(now)
            .fetch_all(pool)
            .await?);
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            let payment_type =
                PaymentType::parse(&row.payment_type).ok_or_else(|| corrupt("payment type"))?;
            let prepaid = payment_type == PaymentType::Prepaid;
            let allowances = match row.period_end {
                Some(_) => vec![
                    Allowance::minutes(row.minutes_included, row.call_seconds_used.unwrap_or(0)),
                    Allowance::sms(row.sms_included, row.sms_used.unwrap_or(0)),
                    Allowance::data(row.data_mb_included, row.data_kb_used.unwrap_or(0)),
                ],
                None => Vec::new(),
            };
            let roaming = row.roaming.settings(row.id, currency);
            lines.push(LineOverview {
                id: row.id,
                account_id: row.account_id,
                msisdn: Msisdn::from_stored(row.msisdn),
                label: row.label,
                plan: row.plan,
                payment_type,
                status: LineStatus::parse(&row.status).ok_or_else(|| corrupt("line status"))?,
                due: None,
                credit: prepaid.then(|| Money::from_cents(row.credit_cents, currency)),
                credit_expires_on: if prepaid { row.credit_expires_on } else { None },
                allowances,
                // Stored exclusive; shown as the last day of the period.
                period_ends_on: row.period_end.and_then(|end| end.pred_opt()),
                usage_as_of: row.rated_at,
                roaming_on: roaming.roaming_on,
                data_roaming_on: roaming.data_roaming_on,
                data_cap: roaming.data_cap,
                active_addons: row.active_addons,
            });
        }
        Ok(lines)
    }
}
