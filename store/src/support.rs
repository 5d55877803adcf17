//! One-time verification codes and agents' access to customers' data (the access log is the
//! customer's audit entries: [`Db::audit_of`]).
//!
//! Checking a code is one transaction that first locks the customer (a no-op
//! `UPDATE customers`): concurrent guesses for one customer, from any number of agents and app
//! servers, are counted one after the other, so the lock after five wrong codes cannot be
//! raced past. The code itself is used by a conditional `UPDATE ... WHERE used_at IS NULL AND
//! revoked_at IS NULL AND expires_at > now`, so it works once.

use chrono::{DateTime, Utc};

use super::{insert_audit, on_conn, on_db, Actor, AuditEntry, Conn, Db, Result, StoreError};
use selfcare::audit::Event;
use selfcare::auth::RecentFailures;
use selfcare::ids::{CustomerId, StaffId};
use selfcare::services::requests::Channel;
use selfcare::support::access::{AccessVia, LiveCode, StaffAccess, Verified, VerifyState};
use selfcare::support::codes::{
    codes_locked_until, CodeRefused, OneTimeCode, ACCESS_VALIDITY, CODE_LOCK, CODE_VALIDITY,
    MAX_WRONG_CODES,
};

/// Wrong codes for a customer inside the lock window, read with `conn`.
async fn wrong_codes(
    conn: impl Into<Conn<'_>>,
    customer: CustomerId,
    now: DateTime<Utc>,
) -> Result<RecentFailures> {
    let (count, oldest): (i64, Option<DateTime<Utc>>) = on_conn!(conn.into(), |c| {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM code_attempts \
             WHERE customer_id = $1 AND at > $2 AND succeeded = FALSE",
        )
        .bind(customer)
        .bind(now - CODE_LOCK)
        .fetch_one(c)
        .await?
    });
    Ok(RecentFailures { count, oldest })
}

fn channel_of(text: &str) -> Result<Channel> {
    Channel::parse(text).ok_or_else(|| super::corrupt("channel"))
}

/// A row of `staff_access`, as [`Db::staff_access`] reads it.
#[derive(sqlx::FromRow)]
struct AccessRow {
    channel: String,
    via: String,
    opened_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    check_phrase: Option<String>,
    reason: Option<String>,
}

impl Db {
    /// Issues a new code for `channel`, revoking the customer's live code for that channel.
    /// Answers the code (shown to the customer once) and when it expires.
    pub async fn issue_code(
        &self,
        customer: CustomerId,
        channel: Channel,
        ip: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<(OneTimeCode, DateTime<Utc>)> {
        let code = crate::secrets::new_code();
        let expires_at = now + CODE_VALIDITY;
        let entry = AuditEntry {
            at: now,
            actor: Actor::Customer(customer),
            customer_id: Some(customer),
            event: Event::CodeIssued {
                channel,
                expires_at,
            },
            ip,
        };
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE verification_codes SET revoked_at = $1 \
                 WHERE customer_id = $2 AND channel = $3 AND used_at IS NULL \
                 AND revoked_at IS NULL AND expires_at > $1",
            )
            .bind(now)
            .bind(customer)
            .bind(channel.as_str())
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO verification_codes (customer_id, channel, code_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(customer)
            .bind(channel.as_str())
            .bind(crate::secrets::code_hash(&code, customer))
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            insert_audit(&mut *tx, &entry).await?;
            tx.commit().await?;
        });
        Ok((code, expires_at))
    }

    /// Keeps the code just issued for `channel` for the customer's next page (a form posted
    /// without JavaScript is answered with a redirect): sealed under the server secret, never
    /// in a cookie. [`Db::take_shown_code`] reads it once.
    pub async fn keep_code_for_display(
        &self,
        customer: CustomerId,
        channel: Channel,
        code: &OneTimeCode,
    ) -> Result<()> {
        on_db!(self, |pool| {
            let row: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM verification_codes WHERE customer_id = $1 AND channel = $2 \
                 AND used_at IS NULL AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .bind(customer)
            .bind(channel.as_str())
            .fetch_optional(pool)
            .await?;
            if let Some(row) = row {
                sqlx::query("UPDATE verification_codes SET sealed = $1 WHERE id = $2")
                    .bind(crate::secrets::seal_code(code, customer, row))
                    .bind(row)
                    .execute(pool)
                    .await?;
            }
        });
        Ok(())
    }

    /// The code kept for display ([`Db::keep_code_for_display`]), once: its channel and expiry.
    /// Every kept code of the customer's is cleared; one used, revoked or expired is not shown.
    pub async fn take_shown_code(
        &self,
        customer: CustomerId,
        now: DateTime<Utc>,
    ) -> Result<Option<(Channel, OneTimeCode, DateTime<Utc>)>> {
        type Kept = (i64, String, String, DateTime<Utc>, bool);
        // Read, then clear what was read, each on its own: no transaction that would have to
        // turn a read into a write (SQLite refuses that under concurrency), and no write at all
        // on the usual visit with nothing kept. Two visits at once may both show the code, to
        // the same customer.
        let kept: Vec<Kept> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, channel, sealed, expires_at, \
                 (used_at IS NULL AND revoked_at IS NULL AND expires_at > $2) \
                 FROM verification_codes WHERE customer_id = $1 AND sealed IS NOT NULL",
            )
            .bind(customer)
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        for (id, ..) in &kept {
            on_db!(self, |pool| sqlx::query(
                "UPDATE verification_codes SET sealed = NULL WHERE id = $1"
            )
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected());
        }
        let shown = kept
            .into_iter()
            .filter(|(.., live)| *live)
            .max_by_key(|(id, ..)| *id)
            .and_then(|(id, channel, sealed, expires_at, _)| {
                let code = crate::secrets::unseal_code(&sealed, customer, id)?;
                Some((channel_of(&channel).ok()?, code, expires_at))
            });
        Ok(shown)
    }

    /// An agent types the code a customer read out. A right code opens the customer's data to
    /// that agent for 30 minutes; anything else counts as a wrong code (see the module docs).
    ///
    /// # Errors
    /// `NotFound` when the customer does not exist.
    pub async fn verify_code(
        &self,
        staff: StaffId,
        customer: CustomerId,
        channel: Channel,
        code: &OneTimeCode,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<StaffAccess, CodeRefused>> {
        let [hash, previous] = crate::secrets::code_hashes(code, customer);
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            let exists = sqlx::query(
                "UPDATE customers SET low_credit_threshold_cents = low_credit_threshold_cents WHERE id = $1",
            )
            .bind(customer)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if exists != 1 {
                return Err(StoreError::NotFound);
            }
            let wrong = wrong_codes(&mut *tx, customer, now).await?;
            if let Some(until) = codes_locked_until(wrong, now) {
                let entry = AuditEntry {
                    at: now,
                    actor: Actor::Staff(staff),
                    customer_id: Some(customer),
                    event: Event::CodeLocked {
                        channel,
                        typed_while_locked: true,
                    },
                    ip: None,
                };
                insert_audit(&mut *tx, &entry).await?;
                tx.commit().await?;
                return Ok(Err(CodeRefused::Locked { until }));
            }
            let used: Option<i64> = sqlx::query_scalar(
                "UPDATE verification_codes SET used_at = $1, verified_by = $2 \
                 WHERE customer_id = $3 AND channel = $4 AND code_hash IN ($5, $6) AND used_at IS NULL \
                 AND revoked_at IS NULL AND expires_at > $1 RETURNING id",
            )
            .bind(now)
            .bind(staff)
            .bind(customer)
            .bind(channel.as_str())
            .bind(&hash)
            .bind(&previous)
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO code_attempts (customer_id, staff_id, at, succeeded) VALUES ($1, $2, $3, $4)",
            )
            .bind(customer)
            .bind(staff)
            .bind(now)
            .bind(used.is_some())
            .execute(&mut *tx)
            .await?;
            let outcome = if used.is_some() {
                let access = StaffAccess {
                    customer,
                    channel,
                    via: AccessVia::Code,
                    opened_at: now,
                    expires_at: now + ACCESS_VALIDITY,
                    check_phrase: Some(crate::secrets::check_phrase()),
                    reason: None,
                };
                sqlx::query(
                    "INSERT INTO staff_access (staff_id, customer_id, channel, via, check_phrase, opened_at, expires_at) \
                     VALUES ($1, $2, $3, 'code', $4, $5, $6)",
                )
                .bind(staff)
                .bind(customer)
                .bind(channel.as_str())
                .bind(&access.check_phrase)
                .bind(now)
                .bind(access.expires_at)
                .execute(&mut *tx)
                .await?;
                let entry = AuditEntry {
                    at: now,
                    actor: Actor::Staff(staff),
                    customer_id: Some(customer),
                    event: Event::CodeVerified { channel },
                    ip: None,
                };
                insert_audit(&mut *tx, &entry).await?;
                Ok(access)
            } else {
                let tries_left = (MAX_WRONG_CODES - wrong.count - 1).max(0);
                let entry = AuditEntry {
                    at: now,
                    actor: Actor::Staff(staff),
                    customer_id: Some(customer),
                    event: if tries_left == 0 {
                        Event::CodeLocked {
                            channel,
                            typed_while_locked: false,
                        }
                    } else {
                        Event::CodeWrong { channel }
                    },
                    ip: None,
                };
                insert_audit(&mut *tx, &entry).await?;
                Err(CodeRefused::Wrong { tries_left })
            };
            tx.commit().await?;
            Ok(outcome)
        })
    }

    /// A supervisor opens a customer's data without a code, for a reason the customer will
    /// read. The caller checks the role (`may_open_without_code`).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is no such customer (nothing is written).
    pub async fn open_without_code(
        &self,
        staff: StaffId,
        customer: CustomerId,
        channel: Channel,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<StaffAccess> {
        let access = StaffAccess {
            customer,
            channel,
            via: AccessVia::Override,
            opened_at: now,
            expires_at: now + ACCESS_VALIDITY,
            check_phrase: None,
            reason: Some(reason.to_string()),
        };
        let entry = AuditEntry {
            at: now,
            actor: Actor::Staff(staff),
            customer_id: Some(customer),
            event: Event::StaffOverride {
                channel,
                reason: reason.to_string(),
            },
            ip: None,
        };
        on_db!(self, |pool| {
            let mut tx = pool.begin().await?;
            let opened = sqlx::query(
                "INSERT INTO staff_access (staff_id, customer_id, channel, via, reason, opened_at, expires_at) \
                 SELECT $1, id, $2, 'override', $3, $4, $5 FROM customers WHERE id = $6",
            )
            .bind(staff)
            .bind(channel.as_str())
            .bind(reason)
            .bind(now)
            .bind(access.expires_at)
            .bind(customer)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // No such customer: nothing opened, nothing audited.
            if opened == 0 {
                tx.rollback().await?;
                return Err(StoreError::NotFound);
            }
            insert_audit(&mut *tx, &entry).await?;
            tx.commit().await?;
        });
        Ok(access)
    }

    /// The agent's open access to a customer, if any.
    pub async fn staff_access(
        &self,
        staff: StaffId,
        customer: CustomerId,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffAccess>> {
        let row: Option<AccessRow> = on_db!(self, |pool| {
            sqlx::query_as(
                    "SELECT channel, via, opened_at, expires_at, check_phrase, reason FROM staff_access \
                     WHERE staff_id = $1 AND customer_id = $2 AND expires_at > $3 \
                     ORDER BY expires_at DESC LIMIT 1",
                )
                .bind(staff)
                .bind(customer)
                .bind(now)
                .fetch_optional(pool)
                .await?
        });
        row.map(
            |AccessRow {
                 channel,
                 via,
                 opened_at,
                 expires_at,
                 check_phrase,
                 reason,
             }| {
                Ok(StaffAccess {
                    customer,
                    channel: channel_of(&channel)?,
                    via: AccessVia::parse(&via).ok_or_else(|| super::corrupt("access"))?,
                    opened_at,
                    expires_at,
                    check_phrase,
                    reason,
                })
            },
        )
        .transpose()
    }

    /// What the customer's `/verify` page shows.
    pub async fn verify_state(
        &self,
        customer: CustomerId,
        now: DateTime<Utc>,
    ) -> Result<VerifyState> {
        let (live, verified, wrong) = on_db!(self, |pool| {
            let live: Vec<(String, DateTime<Utc>)> = sqlx::query_as(
                "SELECT channel, expires_at FROM verification_codes \
                 WHERE customer_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 \
                 ORDER BY created_at",
            )
            .bind(customer)
            .bind(now)
            .fetch_all(pool)
            .await?;
            let verified: Option<(String, String, DateTime<Utc>, Option<String>)> = sqlx::query_as(
                "SELECT s.name, a.channel, a.opened_at, a.check_phrase FROM staff_access a \
                 JOIN staff_users s ON s.id = a.staff_id \
                 WHERE a.customer_id = $1 AND a.via = 'code' AND a.expires_at > $2 \
                 ORDER BY a.opened_at DESC LIMIT 1",
            )
            .bind(customer)
            .bind(now)
            .fetch_optional(pool)
            .await?;
            let wrong = wrong_codes(&mut *pool.acquire().await?, customer, now).await?;
            (live, verified, wrong)
        });
        Ok(VerifyState {
            live: live
                .into_iter()
                .map(|(channel, expires_at)| {
                    Ok(LiveCode {
                        channel: channel_of(&channel)?,
                        expires_at,
                    })
                })
                .collect::<Result<_>>()?,
            verified: verified
                .map(|(staff_name, channel, at, phrase)| {
                    Ok::<_, StoreError>(Verified {
                        staff_name,
                        channel: channel_of(&channel)?,
                        at,
                        check_phrase: phrase.unwrap_or_default(),
                    })
                })
                .transpose()?,
            locked_until: codes_locked_until(wrong, now),
        })
    }
}
