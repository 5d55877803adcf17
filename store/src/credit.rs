//! Prepaid credit of one customer's lines: balances, the ledger, the low-credit threshold, and
//! redeeming vouchers.
//!
//! Redeeming is one transaction that starts with a conditional update of the voucher
//! (`... WHERE redeemed_at IS NULL`): of any number of concurrent attempts on one voucher, on
//! either engine, exactly one updates a row and goes on to credit its line; the rest find the
//! voucher spent. PostgreSQL re-checks the condition after waiting for the winner's row lock;
//! SQLite runs one write transaction at a time.

use chrono::{DateTime, NaiveDate, Utc};

use super::billing::page;
use super::{corrupt, far_future, insert_audit, on_db, Actor, AuditEntry, Db, Result, StoreError};
use selfcare::auth::RecentFailures;
use selfcare::credit::{
    expiry_after_top_up, voucher_throttled_until, CreditLine, LedgerEntry, LedgerKind, TopUp,
    VoucherCode, VoucherRefused, VOUCHER_WINDOW,
};
use selfcare::ids::{CustomerId, LineId, Msisdn};
use selfcare::money::{Currency, Money};
use selfcare::paging::{Cursor, Page};

#[derive(sqlx::FromRow)]
struct CreditRow {
    id: LineId,
    msisdn: String,
    label: Option<String>,
    credit_cents: i64,
    credit_expires_on: Option<NaiveDate>,
    credit_validity_days: Option<i64>,
    currency: String,
}

impl TryFrom<CreditRow> for CreditLine {
    type Error = StoreError;

    fn try_from(row: CreditRow) -> Result<Self> {
        let currency = Currency::from_code(&row.currency).ok_or_else(|| corrupt("currency"))?;
        Ok(Self {
            id: row.id,
            msisdn: Msisdn::from_stored(row.msisdn),
            label: row.label,
            credit: Money::from_cents(row.credit_cents, currency),
            expires_on: row.credit_expires_on,
            validity_days: row.credit_validity_days,
        })
    }
}

const CREDIT_SQL: &str = "SELECT l.id, l.msisdn, l.label, l.credit_cents, l.credit_expires_on, \
     p.credit_validity_days, c.currency \
     FROM lines l JOIN tariff_plans p ON p.id = l.plan_id JOIN customers c ON c.id = l.customer_id \
     WHERE l.customer_id = $1 AND l.payment_type = 'prepaid' AND l.status <> 'terminated'";

#[derive(sqlx::FromRow)]
struct LedgerRow {
    id: i64,
    at: DateTime<Utc>,
    kind: String,
    amount_cents: i64,
    balance_after_cents: i64,
    description: String,
}

/// A voucher as found by its code.
#[derive(sqlx::FromRow)]
struct VoucherRow {
    currency: String,
    amount_cents: i64,
    expires_on: NaiveDate,
    redeemed_at: Option<DateTime<Utc>>,
    redeemed_line_id: Option<LineId>,
}

impl Db {
    /// The customer's prepaid lines and their credit, by number.
    pub async fn credit_lines(&self, customer: CustomerId) -> Result<Vec<CreditLine>> {
        let sql = format!("{CREDIT_SQL} ORDER BY l.msisdn");
        let rows: Vec<CreditRow> = on_db!(self, |pool| sqlx::query_as(&sql)
            .bind(customer)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(CreditLine::try_from).collect()
    }

    /// One prepaid line of the customer's.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it is not the customer's prepaid line.
    pub async fn credit_line(&self, customer: CustomerId, line: LineId) -> Result<CreditLine> {
        let sql = format!("{CREDIT_SQL} AND l.id = $2");
        let row: CreditRow = on_db!(self, |pool| sqlx::query_as(&sql)
            .bind(customer)
            .bind(line)
            .fetch_one(pool)
            .await?);
        CreditLine::try_from(row)
    }

    /// A line's credit movements, newest first, `limit` at a time.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it is not the customer's prepaid line.
    pub async fn ledger(
        &self,
        customer: CustomerId,
        line: LineId,
        after: Option<&Cursor<DateTime<Utc>>>,
        limit: u32,
    ) -> Result<Page<LedgerEntry>> {
        let currency = self.credit_line(customer, line).await?.credit.currency;
        let (key, id) = after.map_or((far_future(), i64::MAX), |c| (c.key, c.id));
        let rows: Vec<LedgerRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, at, kind, amount_cents, balance_after_cents, description FROM credit_ledger \
                 WHERE line_id = $1 AND (at, id) < ($2, $3) ORDER BY at DESC, id DESC LIMIT $4",
            )
            .bind(line)
            .bind(key)
            .bind(id)
            .bind(i64::from(limit) + 1)
            .fetch_all(pool)
            .await?
        });
        page(
            rows,
            limit,
            |r| (r.at, r.id),
            |rows| {
                rows.into_iter()
                    .map(|r| {
                        Ok(LedgerEntry {
                            at: r.at,
                            kind: LedgerKind::parse(&r.kind)
                                .ok_or_else(|| corrupt("ledger kind"))?,
                            amount: Money::from_cents(r.amount_cents, currency),
                            balance_after: Money::from_cents(r.balance_after_cents, currency),
                            description: r.description,
                        })
                    })
                    .collect()
            },
        )
    }

    /// The customer's low-credit threshold, in their currency.
    pub async fn low_credit_threshold(&self, customer: CustomerId) -> Result<Option<Money>> {
        let (cents, currency): (Option<i64>, String) = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT low_credit_threshold_cents, currency FROM customers WHERE id = $1",
            )
            .bind(customer)
            .fetch_one(pool)
            .await?
        });
        let currency = Currency::from_code(&currency).ok_or_else(|| corrupt("currency"))?;
        Ok(cents.map(|c| Money::from_cents(c, currency)))
    }

    /// Sets (or, with `None`, removes) the low-credit threshold, audited in the same
    /// transaction. Setting the value already set changes and audits nothing.
    pub async fn set_low_credit_threshold(
        &self,
        customer: CustomerId,
        threshold: Option<Money>,
        ip: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let cents = threshold.map(|t| t.cents());
        let entry = AuditEntry {
            at: now,
            actor: Actor::Customer(customer),
            customer_id: Some(customer),
            event: selfcare::audit::Event::LowCreditThreshold { threshold },
            ip,
        };
        let changed = on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            // "Is distinct from", written so both engines read it (PostgreSQL says `IS DISTINCT
            // FROM`, SQLite `IS NOT`): the values differ, or exactly one of them is NULL.
            let changed = sqlx::query(
                "UPDATE customers SET low_credit_threshold_cents = $1 WHERE id = $2 \
                 AND (low_credit_threshold_cents <> $1 OR (low_credit_threshold_cents IS NULL) <> ($1 IS NULL))",
            )
            .bind(cents)
            .bind(customer)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if changed {
                insert_audit(&mut *tx, &entry).await?;
            }
            tx.commit().await?;
            changed
        });
        Ok(changed)
    }

    /// Reserves a voucher attempt on `line` before its code is tried, and counts the customer's
    /// attempts in the window (this one included; across all their lines, so more lines do
    /// not buy more guesses). Parallel requests each count every reservation committed before
    /// their own, so no more than the limit are ever tried. Answers the reservation, or when
    /// trying may go on (the refused reservation withdrawn).
    async fn reserve_voucher_attempt(
        &self,
        customer: CustomerId,
        line: LineId,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<i64, DateTime<Utc>>> {
        let id: i64 = on_db!(self, |pool| sqlx::query_scalar(
            "INSERT INTO voucher_attempts (line_id, at) VALUES ($1, $2) RETURNING id"
        )
        .bind(line)
        .bind(now)
        .fetch_one(pool)
        .await?);
        let (count, oldest): (i64, Option<DateTime<Utc>>) = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*), MIN(a.at) FROM voucher_attempts a JOIN lines l ON l.id = a.line_id \
                 WHERE l.customer_id = $1 AND a.at > $2",
            )
            .bind(customer)
            .bind(now - VOUCHER_WINDOW)
            .fetch_one(pool)
            .await?
        });
        match voucher_throttled_until(RecentFailures { count, oldest }, now) {
            None => Ok(Ok(id)),
            Some(until) => {
                self.withdraw_voucher_attempt(id).await?;
                Ok(Err(until))
            }
        }
    }

    /// Forgets a reserved attempt that was not a wrong guess.
    async fn withdraw_voucher_attempt(&self, id: i64) -> Result<()> {
        on_db!(self, |pool| sqlx::query(
            "DELETE FROM voucher_attempts WHERE id = $1"
        )
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Redeems a voucher on one of the customer's prepaid lines.
    ///
    /// The outer `Result` is the store's; the inner one says whether the voucher credited the
    /// line (or already had: a repeated request is answered, not refused) or why not. A refusal
    /// changes nothing but, for an unknown code, the count of wrong guesses.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the line is not the customer's.
    pub async fn redeem_voucher(
        &self,
        customer: CustomerId,
        line: LineId,
        code: &VoucherCode,
        ip: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<TopUp, VoucherRefused>> {
        let target = match self.credit_line(customer, line).await {
            Ok(target) => target,
            Err(StoreError::NotFound) => {
                return match self.owns_line(customer, line).await? {
                    true => Ok(Err(VoucherRefused::NotPrepaid)),
                    false => Err(StoreError::NotFound),
                }
            }
            Err(e) => return Err(e),
        };
        let attempt = match self.reserve_voucher_attempt(customer, line, now).await? {
            Ok(attempt) => attempt,
            Err(until) => {
                return Ok(Err(VoucherRefused::Throttled(
                    selfcare::auth::wait_in_words(until, now),
                )))
            }
        };
        let today = now.date_naive();
        let hashes = crate::secrets::voucher_hashes(code);
        let currency = target.credit.currency;
        let entry = AuditEntry {
            at: now,
            actor: Actor::Customer(customer),
            customer_id: Some(customer),
            event: selfcare::audit::Event::VoucherTopUp {
                voucher: code.masked(),
                msisdn: target.msisdn.clone(),
            },
            ip,
        };

        let credited: Option<(i64, i64, Option<NaiveDate>)> = on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            // The only statement that can win a voucher: unredeemed, still valid, same currency.
            let won: Option<i64> = sqlx::query_scalar(
                "UPDATE vouchers SET redeemed_at = $1, redeemed_line_id = $2 \
                 WHERE code_hash IN ($3, $6, $7) AND redeemed_at IS NULL AND expires_on >= $4 \
                 AND currency = $5 RETURNING amount_cents",
            )
            .bind(now)
            .bind(line)
            .bind(&hashes[0])
            .bind(today)
            .bind(currency.code())
            .bind(&hashes[1])
            .bind(&hashes[2])
            .fetch_optional(&mut *tx)
            .await?;
            match won {
                None => None,
                Some(amount) => {
                    // Read inside the transaction, after winning: the expiry extends from the
                    // newest value, and the balance comes back from the increment itself.
                    let current: Option<NaiveDate> =
                        sqlx::query_scalar("SELECT credit_expires_on FROM lines WHERE id = $1")
                            .bind(line)
                            .fetch_one(&mut *tx)
                            .await?;
                    let expires_on = expiry_after_top_up(today, target.validity_days, current);
                    let balance: i64 = sqlx::query_scalar(
                        "UPDATE lines SET credit_cents = credit_cents + $1, \
                         credit_expires_on = COALESCE($2, credit_expires_on) \
                         WHERE id = $3 AND customer_id = $4 RETURNING credit_cents",
                    )
                    .bind(amount)
                    .bind(expires_on)
                    .bind(line)
                    .bind(customer)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO credit_ledger (line_id, at, kind, amount_cents, balance_after_cents, description) \
                         VALUES ($1, $2, 'top_up', $3, $4, $5)",
                    )
                    .bind(line)
                    .bind(now)
                    .bind(amount)
                    .bind(balance)
                    .bind(format!("Voucher {}", code.masked()))
                    .execute(&mut *tx)
                    .await?;
                    insert_audit(&mut *tx, &entry).await?;
                    tx.commit().await?;
                    Some((amount, balance, expires_on))
                }
            }
        });
        if let Some((amount, balance, expires_on)) = credited {
            self.withdraw_voucher_attempt(attempt).await?;
            return Ok(Ok(TopUp::Credited {
                amount: Money::from_cents(amount, currency),
                balance: Money::from_cents(balance, currency),
                expires_on: expires_on.or(target.expires_on),
            }));
        }

        // Not won: say why, from the voucher as it stands now.
        let found: Option<VoucherRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT currency, amount_cents, expires_on, redeemed_at, redeemed_line_id \
                 FROM vouchers WHERE code_hash IN ($1, $2, $3)",
            )
            .bind(&hashes[0])
            .bind(&hashes[1])
            .bind(&hashes[2])
            .fetch_optional(pool)
            .await?
        });
        // A spent, expired or other-currency voucher answers like an unknown code, and counts
        // as a guess: the answer must not tell a guesser that a code exists.
        match found {
            Some(VoucherRow {
                redeemed_at: Some(at),
                redeemed_line_id: Some(by),
                amount_cents,
                ..
            }) if by == line => {
                self.withdraw_voucher_attempt(attempt).await?;
                Ok(Ok(TopUp::AlreadyCredited {
                    amount: Money::from_cents(amount_cents, currency),
                    at,
                }))
            }
            // Valid and unredeemed, yet not won: cannot happen outside a failed write.
            Some(v)
                if v.redeemed_at.is_none()
                    && v.currency == currency.code()
                    && v.expires_on >= today =>
            {
                self.withdraw_voucher_attempt(attempt).await?;
                Err(StoreError::Conflict("voucher not redeemed"))
            }
            _ => Ok(Err(VoucherRefused::Unknown)),
        }
    }

    async fn owns_line(&self, customer: CustomerId, line: LineId) -> Result<bool> {
        let found: Option<i64> = on_db!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM lines WHERE id = $1 AND customer_id = $2")
                .bind(line)
                .bind(customer)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }
}
