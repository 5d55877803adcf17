//! Roaming settings of one of the customer's lines and the data-roaming spending cap: reading
//! them, and changing them in one transaction.
//!
//! A change runs like an add-on change (`services.rs`): the transaction starts by locking the
//! line with a no-op `UPDATE lines ... WHERE id = $1 AND customer_id = $2` (PostgreSQL takes the
//! row lock until commit; SQLite takes its write lock), so changes of one line run one after
//! the other and each reads what the previous one left. Then:
//!
//! 1. a submission whose idempotency key already made a request answers with that request
//!    (a double submit, a retried request, two tabs sending the same form);
//! 2. the settings are read and [`RoamingSettings::apply`] decides; a refusal (including
//!    "nothing to change") writes nothing;
//! 3. otherwise the settings (an upsert: a line may have no row yet), the service request
//!    (status done) and the audit entry are written together, or none of them.
//!
//! A line without a `roaming_settings` row has [`RoamingSettings::defaults`]: roaming on, data
//! roaming off, the default cap.

use chrono::{DateTime, Utc};

use super::requests::read_asked;
use super::{
    corrupt, insert_audit, insert_request, lock_line, on_conn, on_db, AuditEntry, Conn, Db,
    NewRequest, Requester, Result, StoreError,
};
use selfcare::audit::Event;
use selfcare::ids::{CustomerId, LineId, Msisdn, RequestId};
use selfcare::locale::Language;
use selfcare::money::{Currency, Money};
use selfcare::services::requests::{RequestKind, RequestStatus};
use selfcare::services::roaming::{
    DataCap, RoamingAnswer, RoamingChange, RoamingOutcome, RoamingSettings,
};
use selfcare::services::Asked;

/// The columns of a line's `roaming_settings r` row, left-joined: all `None` when the line has
/// no row. Read by the overview too (`#[sqlx(flatten)]`), so both show the same defaults.
#[derive(sqlx::FromRow)]
pub(super) struct RoamingColumns {
    roaming_row: Option<LineId>,
    roaming_on: Option<bool>,
    data_roaming_on: Option<bool>,
    data_cap_cents: Option<i64>,
    data_spent_cents: Option<i64>,
    continue_past_cap: Option<bool>,
    roaming_updated_at: Option<DateTime<Utc>>,
}

/// The select list of [`RoamingColumns`] from `roaming_settings r` (the overview's query spells
/// it out, being a constant).
const ROAMING_COLUMNS: &str = "r.line_id AS roaming_row, r.roaming_on, \
     r.data_roaming_on, r.data_cap_cents, r.data_spent_cents, r.continue_past_cap, \
     r.updated_at AS roaming_updated_at";

impl RoamingColumns {
    /// The settings of `line`, or [`RoamingSettings::defaults`] when it has no row.
    pub(super) fn settings(self, line: LineId, currency: Currency) -> RoamingSettings {
        match self.roaming_row {
            None => RoamingSettings::defaults(line, currency),
            Some(_) => RoamingSettings {
                line,
                roaming_on: self.roaming_on.unwrap_or(false),
                data_roaming_on: self.data_roaming_on.unwrap_or(false),
                data_cap: DataCap {
                    cap: self.data_cap_cents.map(|c| Money::from_cents(c, currency)),
                    spent: Money::from_cents(self.data_spent_cents.unwrap_or(0), currency),
                    continue_past_cap: self.continue_past_cap.unwrap_or(false),
                },
                updated_at: self.roaming_updated_at,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
struct RoamingRow {
    id: LineId,
    msisdn: String,
    currency: String,
    language: String,
    #[sqlx(flatten)]
    roaming: RoamingColumns,
}

/// The line (the customer's own, not terminated) with its settings, if stored.
fn roaming_sql() -> String {
    format!(
        "SELECT l.id, l.msisdn, c.currency, c.language, {ROAMING_COLUMNS} \
         FROM lines l \
         JOIN customers c ON c.id = l.customer_id \
         LEFT JOIN roaming_settings r ON r.line_id = l.id \
         WHERE l.id = $1 AND l.customer_id = $2 AND l.status <> 'terminated'"
    )
}

/// A line's settings with what a change needs to word its request.
struct LineRoaming {
    settings: RoamingSettings,
    msisdn: Msisdn,
    language: Language,
}

impl TryFrom<RoamingRow> for LineRoaming {
    type Error = StoreError;

    fn try_from(r: RoamingRow) -> Result<Self> {
        let currency = Currency::from_code(&r.currency).ok_or_else(|| corrupt("currency"))?;
        let settings = r.roaming.settings(r.id, currency);
        Ok(Self {
            settings,
            msisdn: Msisdn::from_stored(r.msisdn),
            language: Language::from_code(&r.language).unwrap_or(Language::En),
        })
    }
}

/// Reads a [`LineRoaming`] with `conn`; `NotFound` when the line is not the customer's.
async fn line_roaming(
    conn: impl Into<Conn<'_>>,
    customer: CustomerId,
    line: LineId,
) -> Result<LineRoaming> {
    let row: Option<RoamingRow> = on_conn!(conn.into(), |c| {
        sqlx::query_as(&roaming_sql())
            .bind(line)
            .bind(customer)
            .fetch_optional(c)
            .await?
    });
    row.ok_or(StoreError::NotFound)
        .and_then(LineRoaming::try_from)
}

impl Db {
    /// The roaming settings of one of the customer's lines; another customer's line (or a
    /// terminated one) is `NotFound`, like a missing one.
    pub async fn roaming(&self, customer: CustomerId, line: LineId) -> Result<RoamingSettings> {
        let found = on_db!(self, |pool| line_roaming(
            &mut *pool.acquire().await?,
            customer,
            line
        )
        .await?);
        Ok(found.settings)
    }

    /// Makes `change` on one of the customer's lines, once per `key` (see the module docs),
    /// asked for by `by` (the customer in the portal, or staff on their behalf).
    ///
    /// # Errors
    /// `NotFound` when the line is not the customer's; a refusal by the rules is not an error
    /// but [`RoamingAnswer::Refused`].
    #[allow(clippy::too_many_arguments)]
    pub async fn change_roaming(
        &self,
        customer: CustomerId,
        line: LineId,
        change: RoamingChange,
        key: &str,
        by: Requester,
        ip: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<RoamingOutcome> {
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            // Locks the line, so roaming and add-on changes of one line queue behind each other.
            let locked = lock_line!(&mut *tx, customer, line);
            if !locked {
                return Err(StoreError::NotFound);
            }
            let current = line_roaming(&mut *tx, customer, line).await?;
            let earlier: Option<(RequestId, String)> = sqlx::query_as(
                "SELECT id, asked FROM service_requests \
                 WHERE customer_id = $1 AND idempotency_key = $2",
            )
            .bind(customer)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((request, asked)) = earlier {
                tx.rollback().await?;
                return Ok(RoamingOutcome {
                    settings: current.settings,
                    answer: RoamingAnswer::Repeated {
                        request,
                        asked: read_asked(&asked)?,
                    },
                });
            }
            let applied = match current.settings.apply(change, current.language, now) {
                Ok(applied) => applied,
                Err(refusal) => {
                    tx.rollback().await?;
                    return Ok(RoamingOutcome {
                        settings: current.settings,
                        answer: RoamingAnswer::Refused(refusal),
                    });
                }
            };
            let next = &applied.settings;
            // Both engines take this upsert; what was spent is rating's to count, so an
            // existing row keeps it and a new one starts from zero.
            sqlx::query(
                "INSERT INTO roaming_settings (line_id, roaming_on, data_roaming_on, \
                 data_cap_cents, data_spent_cents, continue_past_cap, updated_at) \
                 VALUES ($1, $2, $3, $4, 0, $5, $6) \
                 ON CONFLICT (line_id) DO UPDATE SET roaming_on = excluded.roaming_on, \
                 data_roaming_on = excluded.data_roaming_on, \
                 data_cap_cents = excluded.data_cap_cents, \
                 continue_past_cap = excluded.continue_past_cap, \
                 updated_at = excluded.updated_at",
            )
            .bind(line)
            .bind(next.roaming_on)
            .bind(next.data_roaming_on)
            .bind(next.data_cap.cap.map(|c| c.cents()))
            .bind(next.data_cap.continue_past_cap)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let request = NewRequest {
                customer,
                line,
                key,
                kind: RequestKind::Roaming,
                addon: None,
                line_addon: None,
                asked: Asked::Roaming {
                    change: applied.asked,
                },
                charge_cents: 0,
                by,
                status: RequestStatus::Done,
                effective_on: now.date_naive(),
                failure: None,
                now,
            };
            let request = insert_request(&mut *tx, &request).await?;
            let entry = AuditEntry {
                at: now,
                actor: by.actor,
                customer_id: Some(customer),
                event: Event::RoamingChange {
                    asked: applied.asked,
                    msisdn: current.msisdn.clone(),
                    channel: by.channel,
                },
                ip,
            };
            insert_audit(&mut *tx, &entry).await?;
            tx.commit().await?;
            Ok(RoamingOutcome {
                settings: applied.settings,
                answer: RoamingAnswer::Changed {
                    request,
                    message: applied.message,
                },
            })
        })
    }
}
