//! A line's add-ons: the catalog it may take, its active add-ons, and changing them.
//!
//! A change is one transaction on either engine, and it starts by *locking the line*: a no-op
//! `UPDATE lines ... WHERE id = $1 AND customer_id = $2`. On PostgreSQL that takes the line's
//! row lock until commit; on SQLite the first write takes the database's write lock. Every
//! change of a line's services (and every charge to its credit) therefore runs one after the
//! other, and each reads the line as the previous one left it:
//!
//! 1. a confirmation whose idempotency key already made a request answers with that request
//!    (a double submit or a retried request changes nothing more);
//! 2. the preview is computed again from the locked state with [`preview`]; when it refuses, or
//!    its charge is no longer the one the customer confirmed, a failed request records why and
//!    nothing else changes;
//! 3. otherwise the add-on rows, the prepaid charge and its ledger entry, the service request
//!    and the audit entry are written together, or (on any error) none of them.
//!
//! Two tabs confirming the same add-on at once hold different keys: the second finds it active
//! and fails with "already active", charging nothing. Scheduled changes are applied on their
//! day by [`Db::run_scheduled_changes`], which claims each request with a conditional update, so
//! any number of app servers may run it.

use chrono::{DateTime, NaiveDate, Utc};

use super::requests::{failure_json, read_asked, RequestRow, REQUEST_COLUMNS, REQUEST_JOINS};
use super::usage::start_of;
use super::{
    corrupt, insert_audit, insert_request, lock_line, on_conn, on_db, Actor, AuditEntry, Conn, Db,
    NewRequest, Requester, Result, StoreError,
};
use selfcare::audit::{AddonChange, Event, RequestDone};
use selfcare::customer::{CustomerKind, LineStatus, PaymentType};
use selfcare::ids::{AddonId, CustomerId, LineAddonId, LineId, Msisdn, RequestId};
use selfcare::money::{Currency, Money};
use selfcare::services::addons::{
    preview, ActiveAddon, Addon, BillingPeriod, Change, ChangeOutcome, LineServices, LineTerms,
    Period, Preview, Refusal, ServiceLine, When,
};
use selfcare::services::requests::{RequestKind, RequestStatus, ServiceRequest};
use selfcare::services::{Asked, Failure};

#[derive(sqlx::FromRow)]
struct HeadRow {
    id: LineId,
    msisdn: String,
    label: Option<String>,
    plan: String,
    payment_type: String,
    status: String,
    credit_cents: i64,
    kind: String,
    currency: String,
    cycle_day: i64,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
}

const HEAD_SQL: &str = "\
SELECT l.id, l.msisdn, l.label, p.name AS plan, l.payment_type, l.status, l.credit_cents,
       c.kind, c.currency, b.cycle_day, u.period_start, u.period_end
FROM lines l
JOIN customers c ON c.id = l.customer_id
JOIN tariff_plans p ON p.id = l.plan_id
JOIN billing_accounts b ON b.id = l.account_id
LEFT JOIN allowance_usage u ON u.line_id = l.id AND u.period_start <= $3 AND u.period_end > $3
WHERE l.id = $1 AND l.customer_id = $2 AND l.status <> 'terminated'";

#[derive(sqlx::FromRow)]
struct ActiveRow {
    id: LineAddonId,
    addon_id: AddonId,
    name: String,
    price_cents: i64,
    billing_period: String,
    active_from: DateTime<Utc>,
    commitment_until: Option<NaiveDate>,
    early_end_fee_cents: Option<i64>,
    may_start_next_period: bool,
    ended_at: Option<DateTime<Utc>>,
    scheduled_end: Option<NaiveDate>,
}

/// Active add-ons: not ended, or (one-off ones) ending later.
const ACTIVE_SQL: &str = "\
SELECT la.id, la.addon_id, a.name, la.price_cents, a.billing_period, la.active_from,
       la.commitment_until, a.early_end_fee_cents, a.may_start_next_period, la.ended_at,
       (SELECT MIN(r.effective_on) FROM service_requests r
        WHERE r.line_id = la.line_id AND r.line_addon_id = la.id AND r.status = 'scheduled') AS scheduled_end
FROM line_addons la JOIN addons a ON a.id = la.addon_id
WHERE la.line_id = $1 AND (la.ended_at IS NULL OR la.ended_at > $2)
ORDER BY la.active_from, la.id";

#[derive(sqlx::FromRow)]
struct AddonRow {
    id: AddonId,
    code: String,
    name: String,
    description: String,
    conditions: String,
    price_cents: i64,
    billing_period: String,
    commitment_months: i64,
    early_end_fee_cents: Option<i64>,
    payment_types: String,
    may_start_next_period: bool,
    available: bool,
}

/// Everything the rules need about one line, read with one executor (a transaction when
/// changing).
struct LineState {
    line: ServiceLine,
    terms: LineTerms,
    active: Vec<ActiveAddon>,
    catalog: Vec<Addon>,
    /// Add-ons scheduled to start, with their day.
    starting: Vec<(AddonId, NaiveDate)>,
}

/// Reads a [`LineState`] with `conn`; `NotFound` when the line is not the customer's.
async fn line_state(
    conn: impl Into<Conn<'_>>,
    customer: CustomerId,
    line: LineId,
    now: DateTime<Utc>,
) -> Result<LineState> {
    on_conn!(conn.into(), |c| {
        let head: Option<HeadRow> = sqlx::query_as(HEAD_SQL)
            .bind(line)
            .bind(customer)
            .bind(now.date_naive())
            .fetch_optional(&mut *c)
            .await?;
        let head = head.ok_or(StoreError::NotFound)?;
        let currency = Currency::from_code(&head.currency).ok_or_else(|| corrupt("currency"))?;
        let active: Vec<ActiveRow> = sqlx::query_as(ACTIVE_SQL)
            .bind(line)
            .bind(now)
            .fetch_all(&mut *c)
            .await?;
        let addons: Vec<AddonRow> = sqlx::query_as(
            "SELECT id, code, name, description, conditions, price_cents, billing_period, \
             commitment_months, early_end_fee_cents, payment_types, may_start_next_period, \
             available FROM addons WHERE currency = $1 ORDER BY id",
        )
        .bind(currency.code())
        .fetch_all(&mut *c)
        .await?;
        let kinds: Vec<(AddonId, String)> = sqlx::query_as(
            "SELECT k.addon_id, k.kind FROM addon_customer_kinds k \
             JOIN addons a ON a.id = k.addon_id WHERE a.currency = $1",
        )
        .bind(currency.code())
        .fetch_all(&mut *c)
        .await?;
        let incompatible: Vec<(AddonId, AddonId)> = sqlx::query_as(
            "SELECT i.addon_id, i.other_addon_id FROM addon_incompatibilities i \
             JOIN addons a ON a.id = i.addon_id WHERE a.currency = $1",
        )
        .bind(currency.code())
        .fetch_all(&mut *c)
        .await?;
        let starting: Vec<(AddonId, NaiveDate)> = sqlx::query_as(
            "SELECT addon_id, effective_on FROM service_requests \
             WHERE line_id = $1 AND status = 'scheduled' AND addon_id IS NOT NULL",
        )
        .bind(line)
        .fetch_all(&mut *c)
        .await?;
        LineState::assemble(
            head,
            currency,
            active,
            addons,
            &kinds,
            &incompatible,
            starting,
            now,
        )
    })
}

impl LineState {
    #[allow(clippy::too_many_arguments)]
    fn assemble(
        head: HeadRow,
        currency: Currency,
        active: Vec<ActiveRow>,
        addons: Vec<AddonRow>,
        kinds: &[(AddonId, String)],
        incompatible: &[(AddonId, AddonId)],
        starting: Vec<(AddonId, NaiveDate)>,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        let today = now.date_naive();
        let payment_type =
            PaymentType::parse(&head.payment_type).ok_or_else(|| corrupt("payment type"))?;
        let status = LineStatus::parse(&head.status).ok_or_else(|| corrupt("line status"))?;
        let period = match (head.period_start, head.period_end) {
            (Some(start), Some(end)) => Period { start, end },
            _ => Period::of_cycle(u32::try_from(head.cycle_day).unwrap_or(1), today),
        };
        let money = |cents| Money::from_cents(cents, currency);
        let terms = LineTerms {
            kind: CustomerKind::parse(&head.kind).ok_or_else(|| corrupt("customer kind"))?,
            payment_type,
            currency,
            active: status == LineStatus::Active,
            period,
            credit: (payment_type == PaymentType::Prepaid).then(|| money(head.credit_cents)),
            today,
        };
        let period_of = |text: &str| BillingPeriod::parse(text).ok_or_else(|| corrupt("period"));
        let active = active
            .into_iter()
            .map(|r| {
                Ok(ActiveAddon {
                    id: r.id,
                    addon: r.addon_id,
                    name: r.name,
                    price: money(r.price_cents),
                    billing_period: period_of(&r.billing_period)?,
                    active_from: r.active_from,
                    commitment_until: r.commitment_until,
                    early_end_fee: r.early_end_fee_cents.map(money),
                    may_end_next_period: r.may_start_next_period,
                    ends_at: r.ended_at,
                    scheduled_end: r.scheduled_end,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let catalog = addons
            .into_iter()
            .map(|r| {
                Ok(Addon {
                    id: r.id,
                    code: r.code,
                    name: r.name,
                    description: r.description,
                    conditions: r.conditions,
                    price: money(r.price_cents),
                    billing_period: period_of(&r.billing_period)?,
                    commitment_months: u32::try_from(r.commitment_months).unwrap_or(0),
                    early_end_fee: r.early_end_fee_cents.map(money),
                    payment_types: r
                        .payment_types
                        .split(',')
                        .filter_map(|t| PaymentType::parse(t.trim()))
                        .collect(),
                    may_start_next_period: r.may_start_next_period,
                    kinds: kinds
                        .iter()
                        .filter(|(id, _)| *id == r.id)
                        .filter_map(|(_, k)| CustomerKind::parse(k))
                        .collect(),
                    incompatible: incompatible
                        .iter()
                        .filter(|(id, _)| *id == r.id)
                        .map(|(_, other)| *other)
                        .collect(),
                    available: r.available,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            line: ServiceLine {
                id: head.id,
                msisdn: Msisdn::from_stored(head.msisdn),
                label: head.label,
                plan: head.plan,
                payment_type,
            },
            terms,
            active,
            catalog,
            starting,
        })
    }

    fn preview(&self, change: Change) -> Result<Preview, Refusal> {
        preview(
            change,
            &self.terms,
            &self.active,
            &self.starting,
            &self.catalog,
        )
    }

    /// The add-on a change is about, by name, for a request that failed before a preview.
    fn name_of(&self, change: Change) -> String {
        let found = match change {
            Change::Activate { addon, .. } => self
                .catalog
                .iter()
                .find(|a| a.id == addon)
                .map(|a| a.name.clone()),
            Change::End { line_addon, .. } => self
                .active
                .iter()
                .find(|a| a.id == line_addon)
                .map(|a| a.name.clone()),
        };
        found.unwrap_or_else(|| "an add-on".into())
    }
}

/// The ids a request of `change` records.
fn ids_of(change: Change) -> (Option<AddonId>, Option<LineAddonId>) {
    match change {
        Change::Activate { addon, .. } => (Some(addon), None),
        Change::End { line_addon, .. } => (None, Some(line_addon)),
    }
}

/// Applies a previewed change that takes effect now, with `conn` (a transaction's): ends what
/// it replaces or ends, starts what it takes, and takes a prepaid charge from credit with a
/// ledger entry. Returns the credit left on prepaid.
async fn apply_now(
    conn: impl Into<Conn<'_>>,
    state: &LineState,
    p: &Preview,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let line = state.line.id;
    on_conn!(conn.into(), |c| {
        for replaced in &p.replaces {
            sqlx::query("UPDATE line_addons SET ended_at = $1 WHERE id = $2 AND line_id = $3")
                .bind(now)
                .bind(replaced.id)
                .bind(line)
                .execute(&mut *c)
                .await?;
        }
        match p.change {
            Change::Activate { addon, .. } => {
                let taken = state
                    .catalog
                    .iter()
                    .find(|a| a.id == addon)
                    .ok_or(StoreError::NotFound)?;
                // A one-off add-on runs to the end of the period and then ends by itself.
                let ends = (taken.billing_period == BillingPeriod::Once)
                    .then(|| start_of(state.terms.period.end));
                sqlx::query(
                    "INSERT INTO line_addons (line_id, addon_id, price_cents, active_from, \
                     commitment_until, ended_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(line)
                .bind(addon)
                .bind(taken.price.cents())
                .bind(now)
                .bind(p.commitment_until)
                .bind(ends)
                .execute(&mut *c)
                .await?;
            }
            Change::End { line_addon, .. } => {
                sqlx::query(
                    "UPDATE line_addons SET ended_at = $1 \
                     WHERE id = $2 AND line_id = $3 AND ended_at IS NULL",
                )
                .bind(now)
                .bind(line_addon)
                .bind(line)
                .execute(&mut *c)
                .await?;
            }
        }
        let charge = p.charge.cents();
        if p.from_credit && charge > 0 {
            // The line is locked and the preview checked the credit, so this cannot miss; the
            // condition keeps the balance from going below zero even so.
            let balance: Option<i64> = sqlx::query_scalar(
                "UPDATE lines SET credit_cents = credit_cents - $1 \
                 WHERE id = $2 AND credit_cents >= $1 RETURNING credit_cents",
            )
            .bind(charge)
            .bind(line)
            .fetch_optional(&mut *c)
            .await?;
            let balance = balance.ok_or_else(|| StoreError::Conflict("credit changed"))?;
            sqlx::query(
                "INSERT INTO credit_ledger (line_id, at, kind, amount_cents, balance_after_cents, \
                 description) VALUES ($1, $2, 'charge', $3, $4, $5)",
            )
            .bind(line)
            .bind(now)
            .bind(-charge)
            .bind(balance)
            .bind(match p.kind {
                RequestKind::End => format!("Early end fee: {}", p.name),
                _ => format!("Add-on {}", p.name),
            })
            .execute(&mut *c)
            .await?;
            Ok(Some(balance))
        } else {
            let credit: i64 = sqlx::query_scalar("SELECT credit_cents FROM lines WHERE id = $1")
                .bind(line)
                .fetch_one(&mut *c)
                .await?;
            Ok(state.terms.credit.map(|_| credit))
        }
    })
}

impl Db {
    /// The customer's lines that have services to change, for choosing one.
    pub async fn service_lines(&self, customer: CustomerId) -> Result<Vec<ServiceLine>> {
        let rows: Vec<(LineId, String, Option<String>, String, String)> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT l.id, l.msisdn, l.label, p.name, l.payment_type FROM lines l \
                 JOIN tariff_plans p ON p.id = l.plan_id \
                 WHERE l.customer_id = $1 AND l.status <> 'terminated' ORDER BY l.msisdn",
            )
            .bind(customer)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, msisdn, label, plan, payment_type)| {
                Ok(ServiceLine {
                    id,
                    msisdn: Msisdn::from_stored(msisdn),
                    label,
                    plan,
                    payment_type: PaymentType::parse(&payment_type)
                        .ok_or_else(|| corrupt("payment type"))?,
                })
            })
            .collect()
    }

    /// One of the customer's lines with its add-ons, the catalog offered to it and its
    /// scheduled changes. Another customer's line is `NotFound`.
    pub async fn line_services(
        &self,
        customer: CustomerId,
        line: LineId,
        now: DateTime<Utc>,
    ) -> Result<LineServices> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_JOINS} \
             WHERE r.line_id = $1 AND r.status = 'scheduled' AND r.customer_id = $2 \
             ORDER BY r.effective_on, r.id"
        );
        let (state, scheduled) = on_db!(self, |pool| {
            let state = line_state(&mut *pool.acquire().await?, customer, line, now).await?;
            let scheduled: Vec<RequestRow> = sqlx::query_as(&sql)
                .bind(line)
                .bind(customer)
                .fetch_all(pool)
                .await?;
            (state, scheduled)
        });
        let terms = state.terms;
        Ok(LineServices {
            line: state.line,
            catalog: state
                .catalog
                .into_iter()
                .filter(|a| selfcare::services::addons::is_offered(a, &terms))
                .collect(),
            terms,
            active: state.active,
            scheduled: scheduled
                .into_iter()
                .map(ServiceRequest::try_from)
                .collect::<Result<_>>()?,
        })
    }

    /// What `change` on one of the customer's lines would cost and do, or why it cannot be
    /// made. Changes nothing.
    pub async fn preview_change(
        &self,
        customer: CustomerId,
        line: LineId,
        change: Change,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Preview, Refusal>> {
        let state = on_db!(self, |pool| line_state(
            &mut *pool.acquire().await?,
            customer,
            line,
            now
        )
        .await?);
        Ok(state.preview(change))
    }

    /// Makes `change` on one of the customer's lines, as previewed with the charge `confirmed`,
    /// once per `key` (see the module docs). A refusal is recorded as a failed request.
    ///
    /// # Errors
    /// `NotFound` when the line is not the customer's.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_addon(
        &self,
        customer: CustomerId,
        line: LineId,
        change: Change,
        confirmed: Money,
        key: &str,
        by: Requester,
        ip: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ChangeOutcome> {
        let (request, repeated, credit): (RequestId, bool, Option<i64>) = on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            if !lock_line!(&mut *tx, customer, line) {
                return Err(StoreError::NotFound);
            }
            let earlier: Option<RequestId> = sqlx::query_scalar(
                "SELECT id FROM service_requests WHERE customer_id = $1 AND idempotency_key = $2",
            )
            .bind(customer)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = earlier {
                tx.rollback().await?;
                (id, true, None)
            } else {
                let state = line_state(&mut *tx, customer, line, now).await?;
                let checked = state.preview(change).and_then(|p| {
                    if p.charge == confirmed {
                        Ok(p)
                    } else {
                        Err(Refusal::Changed)
                    }
                });
                let (addon, line_addon) = ids_of(change);
                let mut request = NewRequest {
                    customer,
                    line,
                    key,
                    kind: match change {
                        Change::Activate { .. } => RequestKind::Activate,
                        Change::End { .. } => RequestKind::End,
                    },
                    addon,
                    line_addon,
                    asked: Asked::Addon {
                        name: state.name_of(change),
                        replaces: Vec::new(),
                    },
                    charge_cents: 0,
                    by,
                    status: RequestStatus::Done,
                    effective_on: now.date_naive(),
                    failure: None,
                    now,
                };
                let mut credit = None;
                match checked {
                    Err(refusal) => {
                        request.status = RequestStatus::Failed;
                        request.failure = Some(Failure::Refused { refusal });
                    }
                    Ok(p) => {
                        request.kind = p.kind;
                        request.asked = p.asked();
                        request.charge_cents = p.charge.cents();
                        request.effective_on = p.effective_on;
                        if change.when() == When::NextPeriod {
                            request.status = RequestStatus::Scheduled;
                        } else {
                            credit = apply_now(&mut *tx, &state, &p, now).await?;
                        }
                        let entry = AuditEntry {
                            at: now,
                            actor: by.actor,
                            customer_id: Some(customer),
                            event: {
                                let change = AddonChange {
                                    asked: request.asked.clone(),
                                    kind: p.kind,
                                    effective_on: p.effective_on,
                                    msisdn: state.line.msisdn.clone(),
                                    channel: by.channel,
                                    charge: p.charge,
                                };
                                match (request.status, p.kind) {
                                    (RequestStatus::Scheduled, _) => Event::AddonScheduled(change),
                                    (_, RequestKind::End) => Event::AddonEnd(change),
                                    (_, RequestKind::Switch) => Event::AddonSwitch(change),
                                    _ => Event::AddonActivate(change),
                                }
                            },
                            ip,
                        };
                        insert_audit(&mut *tx, &entry).await?;
                    }
                }
                let id = insert_request(&mut *tx, &request).await?;
                tx.commit().await?;
                (id, false, credit)
            }
        });
        let request = self.service_request(customer, request).await?;
        let currency = request.charge.currency;
        let payment_type: String = on_db!(self, |pool| {
            sqlx::query_scalar("SELECT payment_type FROM lines WHERE id = $1 AND customer_id = $2")
                .bind(line)
                .bind(customer)
                .fetch_one(pool)
                .await?
        });
        Ok(ChangeOutcome {
            request,
            repeated,
            credit: credit.map(|c| Money::from_cents(c, currency)),
            prepaid: payment_type == PaymentType::Prepaid.as_str(),
        })
    }

    /// Applies the scheduled changes due by `now` (each in its own transaction), and answers how
    /// many it took. Safe to run on several app servers at once: a request is claimed by a
    /// conditional update of its status, which only one transaction can win.
    pub async fn run_scheduled_changes(&self, now: DateTime<Utc>) -> Result<usize> {
        let due: Vec<(RequestId, CustomerId, LineId)> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, customer_id, line_id FROM service_requests \
                 WHERE status = 'scheduled' AND effective_on <= $1 ORDER BY effective_on, id LIMIT 500",
            )
            .bind(now.date_naive())
            .fetch_all(pool)
            .await?
        });
        let mut applied = 0;
        for (id, customer, line) in due {
            match self.apply_scheduled(id, customer, line, now).await {
                Ok(true) => applied += 1,
                Ok(false) => {}
                // The database is gone: the next run picks the batch up again.
                Err(e) if e.is_unavailable() => return Err(e),
                // One request that cannot be applied (a stored value the code does not know,
                // say) fails on its own; the rest of the batch runs.
                Err(e) => {
                    tracing::error!(error = %e, request = %id, "a scheduled change could not be applied");
                    self.fail_scheduled(id, &Failure::NotApplied, now).await?;
                }
            }
        }
        Ok(applied)
    }

    /// Records a scheduled request as failed without applying it.
    async fn fail_scheduled(&self, id: RequestId, why: &Failure, now: DateTime<Utc>) -> Result<()> {
        on_db!(self, |pool| sqlx::query(
            "UPDATE service_requests SET status = 'failed', failure = $1, completed_at = $2 \
             WHERE id = $3 AND status = 'scheduled'"
        )
        .bind(failure_json(why))
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Applies one scheduled request, if no one else has; answers whether this call did.
    async fn apply_scheduled(
        &self,
        id: RequestId,
        customer: CustomerId,
        line: LineId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            // A terminated line is not locked; the request then fails below.
            let _ = lock_line!(&mut *tx, customer, line);
            type Claimed = (
                Option<AddonId>,
                Option<LineAddonId>,
                String,
                String,
                NaiveDate,
                i64,
            );
            let claimed: Option<Claimed> = sqlx::query_as(
                "UPDATE service_requests SET status = 'done', completed_at = $1 \
                 WHERE id = $2 AND status = 'scheduled' \
                 RETURNING addon_id, line_addon_id, asked, kind, effective_on, charge_cents",
            )
            .bind(now)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((addon, line_addon, asked, kind, effective_on, confirmed_cents)) = claimed
            else {
                tx.rollback().await?;
                return Ok(false);
            };
            let done = RequestDone {
                asked: read_asked(&asked)?,
                kind: RequestKind::parse(&kind).ok_or_else(|| corrupt("request kind"))?,
                effective_on,
            };
            let change = match (addon, line_addon) {
                (Some(addon), _) => Change::Activate {
                    addon,
                    when: When::Now,
                },
                (None, Some(line_addon)) => Change::End {
                    line_addon,
                    when: When::Now,
                },
                (None, None) => return Err(corrupt("scheduled request")),
            };
            let outcome = match line_state(&mut *tx, customer, line, now).await {
                Ok(state) => Some(state),
                // The line was terminated meanwhile.
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            };
            let failure = match &outcome {
                None => Some(Failure::LineGone),
                Some(state) => match state.preview(change) {
                    Err(refusal) => Some(Failure::RefusedOnItsDay { refusal }),
                    // The customer confirmed another price: never charge what they did not see.
                    Ok(p) if p.charge.cents() != confirmed_cents => Some(Failure::PriceChanged {
                        confirmed: Money::from_cents(confirmed_cents, p.charge.currency),
                        current: p.charge,
                    }),
                    Ok(p) => {
                        apply_now(&mut *tx, state, &p, now).await?;
                        sqlx::query("UPDATE service_requests SET charge_cents = $1 WHERE id = $2")
                            .bind(p.charge.cents())
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        None
                    }
                },
            };
            if let Some(why) = &failure {
                sqlx::query(
                    "UPDATE service_requests SET status = 'failed', failure = $1 WHERE id = $2",
                )
                .bind(failure_json(why))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            let entry = AuditEntry {
                at: now,
                actor: Actor::System,
                customer_id: Some(customer),
                event: match failure {
                    Some(failure) => Event::ScheduledChangeFailed {
                        request: done,
                        failure,
                    },
                    None => Event::ScheduledChangeDone(done),
                },
                ip: None,
            };
            insert_audit(&mut *tx, &entry).await?;
            tx.commit().await?;
            Ok(true)
        })
    }
}
