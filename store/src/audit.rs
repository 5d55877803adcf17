//! The audit log: who did what to whose data, and when. Written in the same transaction as the
//! change where there is one; read by customers (their own entries) and supervisors.

use chrono::{DateTime, Utc};

use super::{on_db, Db, Result};
use selfcare::ids::CustomerId;

/// Who acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Customer(CustomerId),
    Staff(selfcare::ids::StaffId),
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

/// Writes an [`AuditEntry`] with `$executor`: a pool, or a transaction (`&mut *tx`) so the entry
/// commits or rolls back with the change it records. Either engine.
macro_rules! insert_audit {
    ($entry:expr, $executor:expr) => {{
        let entry: &$crate::AuditEntry = $entry;
        let (kind, actor_id) = entry.actor.kind_and_id();
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
        .execute($executor)
        .await?
        .rows_affected()
    }};
}
pub(crate) use insert_audit;

impl Db {
    pub async fn audit(&self, entry: &AuditEntry) -> Result<()> {
        on_db!(self, |pool| insert_audit!(entry, pool));
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
