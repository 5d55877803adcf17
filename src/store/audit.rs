//! The audit log: who did what to whose data, and when. Written in the same transaction as the
//! change where there is one; read by customers (their own entries) and supervisors.

use chrono::{DateTime, Utc};

use super::{on_db, Db, Result};
use crate::ids::CustomerId;

/// Who acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Customer(CustomerId),
    Staff(crate::ids::StaffId),
    System,
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    /// Whose data was touched.
    pub customer_id: Option<CustomerId>,
    /// A stable name, e.g. `sign_in`, `sign_out`.
    pub action: &'static str,
    pub detail: String,
    pub ip: Option<String>,
}

impl Db {
    pub async fn audit(&self, entry: &AuditEntry) -> Result<()> {
        let (kind, actor_id) = match entry.actor {
            Actor::Customer(id) => ("customer", Some(id.0)),
            Actor::Staff(id) => ("staff", Some(id.0)),
            Actor::System => ("system", None),
        };
        on_db!(self, |pool| {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_kind, actor_id, customer_id, action, detail, ip) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(entry.at)
            .bind(kind)
            .bind(actor_id)
            .bind(entry.customer_id)
            .bind(entry.action)
            .bind(&entry.detail)
            .bind(&entry.ip)
            .execute(pool)
            .await?.rows_affected()
        });
        Ok(())
    }

    /// The newest audit entries about one customer: (at, actor kind, action, detail).
    pub async fn audit_of(
        &self,
        customer: CustomerId,
        limit: i64,
    ) -> Result<Vec<(DateTime<Utc>, String, String, String)>> {
        let rows = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT at, actor_kind, action, detail FROM audit_log WHERE customer_id = $1 \
                 ORDER BY at DESC, id DESC LIMIT $2",
            )
            .bind(customer)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }
}
