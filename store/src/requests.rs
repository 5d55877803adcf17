//! Service requests: written by every change to a line's services (in the change's own
//! transaction), listed for the customer newest first, a page at a time.

use chrono::{DateTime, NaiveDate, Utc};

use super::audit::insert_audit;
use super::billing::page;
use super::{corrupt, far_future, on_conn, on_db, Actor, AuditEntry, Conn, Db, Result};
use selfcare::audit::{Event, RequestDone};
use selfcare::ids::{AddonId, CustomerId, LineAddonId, LineId, Msisdn, RequestId};
use selfcare::money::Money;
use selfcare::paging::{Cursor, Page};
use selfcare::services::requests::{
    Channel, RequestKind, RequestStatus, RequestedBy, ServiceRequest,
};
use selfcare::services::{Asked, Failure};

/// Who asks for a change, and through which channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requester {
    pub actor: Actor,
    pub channel: Channel,
}

impl Requester {
    /// The signed-in customer, in the portal.
    pub fn customer(id: CustomerId) -> Self {
        Self {
            actor: Actor::Customer(id),
            channel: Channel::Portal,
        }
    }
}

/// A service request about to be written.
#[derive(Clone, Debug)]
pub struct NewRequest<'a> {
    pub customer: CustomerId,
    pub line: LineId,
    /// Unique per customer: a repeated submission finds the request it made first.
    pub key: &'a str,
    pub kind: RequestKind,
    pub addon: Option<AddonId>,
    pub line_addon: Option<LineAddonId>,
    pub asked: Asked,
    pub charge_cents: i64,
    pub by: Requester,
    pub status: RequestStatus,
    pub effective_on: NaiveDate,
    pub failure: Option<Failure>,
    pub now: DateTime<Utc>,
}

/// What a request asked for, as `service_requests.asked` stores it.
pub(crate) fn asked_json(asked: &Asked) -> String {
    // Derived Serialize of plain data (no maps with non-string keys): it cannot fail.
    serde_json::to_string(asked).unwrap_or_default()
}

/// Why a request failed, as `service_requests.failure` stores it.
pub(crate) fn failure_json(failure: &Failure) -> String {
    serde_json::to_string(failure).unwrap_or_default()
}

/// What a request asked for, read back from `service_requests.asked`.
pub(crate) fn read_asked(stored: &str) -> Result<Asked> {
    serde_json::from_str(stored).map_err(|_| corrupt("request"))
}

/// Writes a [`NewRequest`] with `conn` (a transaction's, so the request commits with the change
/// it records) and returns its id.
pub(crate) async fn insert_request(
    conn: impl Into<Conn<'_>>,
    r: &NewRequest<'_>,
) -> Result<RequestId> {
    let (by_kind, by_id) = r.by.actor.kind_and_id();
    let done = r.status != RequestStatus::Scheduled;
    let id = on_conn!(conn.into(), |c| {
        sqlx::query_scalar(
            "INSERT INTO service_requests (customer_id, line_id, idempotency_key, kind, addon_id, \
             line_addon_id, asked, charge_cents, requested_by_kind, requested_by_id, channel, \
             status, effective_on, failure, created_at, completed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             RETURNING id",
        )
        .bind(r.customer)
        .bind(r.line)
        .bind(r.key)
        .bind(r.kind.as_str())
        .bind(r.addon)
        .bind(r.line_addon)
        .bind(asked_json(&r.asked))
        .bind(r.charge_cents)
        .bind(by_kind)
        .bind(by_id)
        .bind(r.by.channel.as_str())
        .bind(r.status.as_str())
        .bind(r.effective_on)
        .bind(r.failure.as_ref().map(failure_json))
        .bind(r.now)
        .bind(done.then_some(r.now))
        .fetch_one(c)
        .await?
    });
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub(super) struct RequestRow {
    id: RequestId,
    line_id: LineId,
    msisdn: String,
    kind: String,
    addon_id: Option<AddonId>,
    asked: String,
    charge_cents: i64,
    requested_by_kind: String,
    staff_name: Option<String>,
    channel: String,
    status: String,
    effective_on: NaiveDate,
    failure: Option<String>,
    created_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    currency: String,
}

/// The columns of a [`RequestRow`], from `service_requests r`, `lines l`, `customers c` and
/// (left-joined) `staff_users s`.
pub(super) const REQUEST_COLUMNS: &str = "r.id, r.line_id, l.msisdn, r.kind, r.addon_id, r.asked, \
     r.charge_cents, r.requested_by_kind, s.name AS staff_name, r.channel, r.status, \
     r.effective_on, r.failure, r.created_at, r.completed_at, c.currency";

pub(super) const REQUEST_JOINS: &str = "FROM service_requests r \
     JOIN lines l ON l.id = r.line_id \
     JOIN customers c ON c.id = r.customer_id \
     LEFT JOIN staff_users s ON r.requested_by_kind = 'staff' AND s.id = r.requested_by_id";

impl TryFrom<RequestRow> for ServiceRequest {
    type Error = super::StoreError;

    fn try_from(r: RequestRow) -> Result<Self> {
        let currency =
            selfcare::money::Currency::from_code(&r.currency).ok_or_else(|| corrupt("currency"))?;
        Ok(Self {
            id: r.id,
            line: r.line_id,
            msisdn: Msisdn::from_stored(r.msisdn),
            kind: RequestKind::parse(&r.kind).ok_or_else(|| corrupt("request kind"))?,
            addon: r.addon_id,
            asked: read_asked(&r.asked)?,
            charge: Money::from_cents(r.charge_cents, currency),
            requested_by: match r.requested_by_kind.as_str() {
                "customer" => RequestedBy::Customer,
                "staff" => RequestedBy::Staff(r.staff_name.unwrap_or_else(|| "Staff".into())),
                _ => RequestedBy::System,
            },
            channel: Channel::parse(&r.channel).ok_or_else(|| corrupt("channel"))?,
            status: RequestStatus::parse(&r.status).ok_or_else(|| corrupt("request status"))?,
            effective_on: r.effective_on,
            failure: r
                .failure
                .map(|f| serde_json::from_str(&f).map_err(|_| corrupt("request failure")))
                .transpose()?,
            created_at: r.created_at,
            completed_at: r.completed_at,
        })
    }
}

impl Db {
    /// The customer's service requests, newest first, a page after `after`.
    pub async fn service_requests(
        &self,
        customer: CustomerId,
        after: Option<&Cursor<DateTime<Utc>>>,
        limit: u32,
    ) -> Result<Page<ServiceRequest>> {
        let (key, id) = after.map_or((far_future(), i64::MAX), |c| (c.key, c.id));
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_JOINS} \
             WHERE r.customer_id = $1 AND (r.created_at, r.id) < ($2, $3) \
             ORDER BY r.created_at DESC, r.id DESC LIMIT $4"
        );
        let rows: Vec<RequestRow> = on_db!(self, |pool| {
            sqlx::query_as(&sql)
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
            |r| (r.created_at, r.id.get()),
            |rows| rows.into_iter().map(ServiceRequest::try_from).collect(),
        )
    }

    /// One of the customer's service requests; another customer's answers `NotFound`.
    pub async fn service_request(
        &self,
        customer: CustomerId,
        id: RequestId,
    ) -> Result<ServiceRequest> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_JOINS} WHERE r.customer_id = $1 AND r.id = $2"
        );
        let row: RequestRow = on_db!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(customer)
                .bind(id)
                .fetch_one(pool)
                .await?
        });
        row.try_into()
    }

    /// Cancels one of the customer's scheduled requests before it takes effect, audited with
    /// who asked. The job that applies scheduled changes claims a request with the same
    /// conditional update, so exactly one of the two happens. Answers the request as it now is:
    /// cancelled (by this call, or an earlier one: a repeat changes nothing), or done or failed
    /// when it was no longer scheduled; another customer's is `NotFound`.
    pub async fn cancel_request(
        &self,
        customer: CustomerId,
        id: RequestId,
        by: Requester,
        now: DateTime<Utc>,
    ) -> Result<ServiceRequest> {
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            let cancelled: Option<(String, String, NaiveDate)> = sqlx::query_as(
                "UPDATE service_requests SET status = 'cancelled', completed_at = $3 \
                 WHERE id = $1 AND customer_id = $2 AND status = 'scheduled' \
                 RETURNING asked, kind, effective_on",
            )
            .bind(id)
            .bind(customer)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((asked, kind, effective_on)) = cancelled {
                let entry = AuditEntry {
                    at: now,
                    actor: by.actor,
                    customer_id: Some(customer),
                    event: Event::RequestCancel {
                        request: RequestDone {
                            asked: read_asked(&asked)?,
                            kind: RequestKind::parse(&kind)
                                .ok_or_else(|| corrupt("request kind"))?,
                            effective_on,
                        },
                        channel: by.channel,
                    },
                    ip: None,
                };
                insert_audit(&mut *tx, &entry).await?;
            }
            tx.commit().await?;
        });
        self.service_request(customer, id).await
    }
}
