//! Usage of one line: its records a page at a time (keyset paging on `(started_at, id)`), its
//! use per day in the current allowance period, and its number for an export. Every query joins
//! `lines` on the signed-in customer's id, so a line id sent by a client reaches only that
//! customer's own records: another customer's line reads as empty, or as not found.
//!
//! What is left of the allowances is the overview's business (`Db::dashboard`): the usage pages
//! read it from there.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::{corrupt, on_db, Db, Result, StoreError};
use selfcare::ids::{CustomerId, LineId, Msisdn};
use selfcare::money::{Currency, Money};
use selfcare::paging::{Cursor, Page};
use selfcare::usage::{PeriodUsage, UsageFilter, UsageKind, UsageRecord};

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: i64,
    started_at: DateTime<Utc>,
    kind: String,
    quantity: i64,
    counterpart: Option<String>,
    roaming: bool,
    country: Option<String>,
    charge_cents: i64,
    currency: String,
}

impl TryFrom<RecordRow> for UsageRecord {
    type Error = StoreError;

    fn try_from(row: RecordRow) -> Result<Self> {
        let currency = Currency::from_code(&row.currency).ok_or_else(|| corrupt("currency"))?;
        Ok(Self {
            id: row.id,
            started_at: row.started_at,
            kind: UsageKind::parse(&row.kind).ok_or_else(|| corrupt("usage kind"))?,
            quantity: row.quantity,
            counterpart: row.counterpart,
            roaming: row.roaming,
            country: row.country,
            charge: Money::from_cents(row.charge_cents, currency),
        })
    }
}

/// The UTC calendar day of a usage record as SQL, per engine: the one place the two dialects
/// differ here. SQLite keeps `started_at` as RFC 3339 text; `date()` reads it (applying any
/// offset, though Rust writes UTC) and answers `YYYY-MM-DD` text. PostgreSQL keeps a
/// `TIMESTAMPTZ`, whose `::date` would follow the session's time zone, so it is asked in UTC.
/// Both decode as `NaiveDate`.
fn utc_day(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => "date(u.started_at)",
        Db::Postgres(_) => "CAST(u.started_at AT TIME ZONE 'UTC' AS DATE)",
    }
}

/// The start of `day` (UTC), as a timestamp.
pub(super) fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

impl Db {
    /// The number of one of the customer's lines.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the line does not exist or is another customer's.
    pub async fn line_number(&self, customer: CustomerId, line: LineId) -> Result<Msisdn> {
        let msisdn: String = on_db!(self, |pool| {
            sqlx::query_scalar("SELECT msisdn FROM lines WHERE id = $1 AND customer_id = $2")
                .bind(line)
                .bind(customer)
                .fetch_one(pool)
                .await?
        });
        Ok(Msisdn::from_stored(msisdn))
    }

    /// Usage records of one of the customer's lines matching `filter`, newest first, `limit` at
    /// a time, continuing after the cursor `after` of the previous page. Another customer's line
    /// has no records here.
    pub async fn usage_records(
        &self,
        customer: CustomerId,
        line: LineId,
        filter: &UsageFilter,
        after: Option<&Cursor<DateTime<Utc>>>,
        limit: u32,
    ) -> Result<Page<UsageRecord>> {
        let (from, until) = filter.span();
        // One upper bound for both the filter's last day and the page cursor: `started_at <
        // until` is the row comparison `(started_at, id) < (until, i64::MIN)`, so the query
        // keeps a single keyset condition, which both engines read off the index as one range.
        let upper = match after {
            Some(c) if (c.key, c.id) < (until, i64::MIN) => (c.key, c.id),
            _ => (until, i64::MIN),
        };
        // A type filter reads the (line_id, kind, started_at DESC, id DESC) index; without one,
        // (line_id, started_at DESC, id DESC).
        let kind_sql = if filter.kind.is_some() {
            "AND u.kind = $7"
        } else {
            ""
        };
        let sql = format!(
            "SELECT u.id, u.started_at, u.kind, u.quantity, u.counterpart, u.roaming, u.country, \
             u.charge_cents, c.currency \
             FROM usage_records u \
             JOIN lines l ON l.id = u.line_id \
             JOIN customers c ON c.id = l.customer_id \
             WHERE u.line_id = $1 AND l.customer_id = $2 {kind_sql} \
             AND u.started_at >= $3 AND (u.started_at, u.id) < ($4, $5) \
             ORDER BY u.started_at DESC, u.id DESC LIMIT $6"
        );
        let rows: Vec<RecordRow> = on_db!(self, |pool| {
            let query = sqlx::query_as(&sql)
                .bind(line)
                .bind(customer)
                .bind(from)
                .bind(upper.0)
                .bind(upper.1)
                .bind(i64::from(limit) + 1);
            match filter.kind {
                Some(kind) => query.bind(kind.as_str()).fetch_all(pool).await?,
                None => query.fetch_all(pool).await?,
            }
        });
        super::billing::page(
            rows,
            limit,
            |r| (r.started_at, r.id),
            |rows| rows.into_iter().map(UsageRecord::try_from).collect(),
        )
    }

    /// The use per day of one of the customer's lines in the allowance period running on
    /// `today`, from its first day through `today`; `None` when no period is running (or the
    /// line is not the customer's). Sums are read grouped by day and kind, on the
    /// (line_id, started_at) index over the period only.
    pub async fn usage_per_day(
        &self,
        customer: CustomerId,
        line: LineId,
        today: NaiveDate,
    ) -> Result<Option<PeriodUsage>> {
        let period: Option<(NaiveDate, NaiveDate)> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT a.period_start, a.period_end FROM allowance_usage a \
                 JOIN lines l ON l.id = a.line_id \
                 WHERE a.line_id = $1 AND l.customer_id = $2 \
                 AND a.period_start <= $3 AND a.period_end > $3",
            )
            .bind(line)
            .bind(customer)
            .bind(today)
            .fetch_optional(pool)
            .await?
        });
        // `period_end` is stored exclusive: the day the next period starts.
        let Some((first_day, next_start)) = period else {
            return Ok(None);
        };
        let day = utc_day(self);
        let sql = format!(
            "SELECT {day} AS day, u.kind, CAST(SUM(u.quantity) AS BIGINT) AS total \
             FROM usage_records u JOIN lines l ON l.id = u.line_id \
             WHERE u.line_id = $1 AND l.customer_id = $2 \
             AND u.started_at >= $3 AND u.started_at < $4 \
             GROUP BY 1, 2 ORDER BY 1, 2"
        );
        let sums: Vec<(NaiveDate, String, i64)> = on_db!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(line)
                .bind(customer)
                .bind(start_of(first_day))
                .bind(start_of(next_start))
                .fetch_all(pool)
                .await?
        });
        let sums = sums
            .into_iter()
            .map(|(day, kind, total)| {
                Ok((
                    day,
                    UsageKind::parse(&kind).ok_or_else(|| corrupt("usage kind"))?,
                    total,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let last_day = next_start.pred_opt().unwrap_or(next_start);
        Ok(Some(PeriodUsage::from_sums(
            first_day, last_day, today, &sums,
        )))
    }
}
