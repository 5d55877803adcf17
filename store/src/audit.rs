//! The audit log: who did what to whose data, and when. Written in the same transaction as the
//! change where there is one; read by customers (their own entries) and supervisors.

use chrono::{DateTime, Utc};

use super::{on_conn, on_db, Conn, Db, Result};
use selfcare::audit::{Event, Record};
use selfcare::ids::CustomerId;

/// Who acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Customer(CustomerId),
    Staff(selfcare::ids::StaffId),
    System,
}

/// One entry of the audit log: the event is stored as data (`action` its name, `detail` its
/// facts as JSON) and worded when shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// Whose data was touched.
    pub customer_id: Option<CustomerId>,
    pub event: Event,
    pub ip: Option<String>,
}

/// An event as `audit_log.detail` stores it.
pub(crate) fn event_json(event: &Event) -> String {
    // The events' derived Serialize has no map with non-string keys, so it cannot fail.
    serde_json::to_string(event).unwrap_or_default()
}

/// An event read back from `audit_log.detail`; anything else is a corrupted row.
pub(crate) fn read_event(detail: &str) -> Result<Event> {
    serde_json::from_str(detail).map_err(|_| super::corrupt("audit entry"))
}

/// Who acted, as a row's `actor_kind` and (for staff) the member's name read it back.
pub(crate) fn read_actor(kind: &str, staff_name: Option<String>) -> selfcare::audit::Actor {
    match kind {
        "customer" => selfcare::audit::Actor::Customer,
        "staff" => selfcare::audit::Actor::Staff(staff_name.unwrap_or_else(|| "Staff".into())),
        _ => selfcare::audit::Actor::System,
    }
}

impl Actor {
    /// As stored: `actor_kind` and `actor_id`.
    pub fn kind_and_id(self) -> (&'static str, Option<i64>) {
        match self {
            Self::Customer(id) => ("customer", Some(id.get())),
            Self::Staff(id) => ("staff", Some(id.get())),
            Self::System => ("system", None),
        }
    }
}

/// Writes an [`AuditEntry`] with `conn`: a transaction's (`&mut *tx`), so the entry commits or
/// rolls back with the change it records, or one from the pool.
pub(crate) async fn insert_audit(conn: impl Into<Conn<'_>>, entry: &AuditEntry) -> Result<()> {
    let (kind, actor_id) = entry.actor.kind_and_id();
    on_conn!(conn.into(), |c| {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_kind, actor_id, customer_id, action, detail, ip) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(entry.at)
        .bind(kind)
        .bind(actor_id)
        .bind(entry.customer_id)
        .bind(entry.event.action())
        .bind(event_json(&entry.event))
        .bind(&entry.ip)
        .execute(c)
        .await?;
    });
    Ok(())
}

impl Db {
    pub async fn audit(&self, entry: &AuditEntry) -> Result<()> {
        on_db!(self, |pool| insert_audit(
            &mut *pool.acquire().await?,
            entry
        )
        .await?);
        Ok(())
    }

    /// The newest audit entries about one customer, newest first.
    #[allow(clippy::type_complexity)] // one row of the SELECT below, read once
    pub async fn audit_of(&self, customer: CustomerId, limit: i64) -> Result<Vec<Record>> {
        let rows: Vec<(i64, DateTime<Utc>, String, Option<String>, String, String)> =
            on_db!(self, |pool| {
                sqlx::query_as(
                    "SELECT a.id, a.at, a.actor_kind, s.name, a.action, a.detail FROM audit_log a \
                     LEFT JOIN staff_users s ON a.actor_kind = 'staff' AND s.id = a.actor_id \
                     WHERE a.customer_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2",
                )
                .bind(customer)
                .bind(limit)
                .fetch_all(pool)
                .await?
            });
        rows.into_iter()
            .map(|(id, at, kind, staff, action, detail)| {
                Ok(Record {
                    id,
                    at,
                    actor: read_actor(&kind, staff),
                    action,
                    event: read_event(&detail)?,
                })
            })
            .collect()
    }
}
