//! Sign-in lookups, sign-in attempts, sessions and staff users.

use chrono::{DateTime, Utc};

use super::{on_db, Db, Result, StoreError};
use selfcare::auth::{session_ends_at, Limits, RecentFailures, StaffRole, THROTTLE_WINDOW};
use selfcare::ids::{CustomerId, LoginIdentifier, StaffId};

/// A customer who may sign in, with the stored password hash (never sent anywhere).
#[derive(Clone, Debug)]
pub struct LoginCandidate {
    pub customer_id: CustomerId,
    pub password_hash: String,
}

/// A password check the throttle let through ([`Db::reserve_attempt`]); a failure until
/// [`Db::attempt_succeeded`] says otherwise.
#[derive(Debug)]
pub struct AttemptId(i64);

/// A live session, as found from its token hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub customer_id: Option<CustomerId>,
    pub staff_id: Option<StaffId>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl SessionRecord {
    pub fn ends_at(&self) -> DateTime<Utc> {
        session_ends_at(self.created_at, self.last_seen_at)
    }
}

impl Db {
    /// The customer an identifier names, if they have portal access.
    pub async fn login_candidate(&self, who: &LoginIdentifier) -> Result<Option<LoginCandidate>> {
        let sql = match who {
            LoginIdentifier::Email(_) => {
                "SELECT id, password_hash FROM customers WHERE email = $1 AND password_hash IS NOT NULL"
            }
            LoginIdentifier::Phone(_) => {
                "SELECT id, password_hash FROM customers WHERE phone = $1 AND password_hash IS NOT NULL"
            }
        };
        let row: Option<(CustomerId, String)> = on_db!(self, |pool| sqlx::query_as(sql)
            .bind(who.key())
            .fetch_optional(pool)
            .await?);
        Ok(row.map(|(customer_id, password_hash)| LoginCandidate {
            customer_id,
            password_hash,
        }))
    }

    /// Reserves a password check for `account` from `address` (a throttling bucket:
    /// [`selfcare::auth::address_bucket`]) at `now`: the attempt is written first, as a failure,
    /// and only then are the window's failures counted, itself included. However many
    /// requests race, each counts every reservation committed before its own, so no more than
    /// `limits` get through to a check. Answers the reservation, or when the next attempt may
    /// be made (the refused reservation withdrawn: waiting attempts do not extend the lock).
    pub async fn reserve_attempt(
        &self,
        account: &str,
        address: &str,
        now: DateTime<Utc>,
        limits: Limits,
    ) -> Result<std::result::Result<AttemptId, DateTime<Utc>>> {
        let id: i64 = on_db!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO login_attempts (identifier, ip, at, succeeded) \
                 VALUES ($1, $2, $3, FALSE) RETURNING id",
            )
            .bind(account)
            .bind(address)
            .bind(now)
            .fetch_one(pool)
            .await?
        });
        let since = now - THROTTLE_WINDOW;
        let count = |column: &'static str, value: &str| {
            let sql = format!(
                "SELECT COUNT(*), MIN(at) FROM login_attempts \
                 WHERE {column} = $1 AND at > $2 AND NOT succeeded"
            );
            let value = value.to_string();
            async move {
                let (count, oldest): (i64, Option<DateTime<Utc>>) = on_db!(self, |pool| {
                    sqlx::query_as(&sql)
                        .bind(&value)
                        .bind(since)
                        .fetch_one(pool)
                        .await?
                });
                Ok::<_, StoreError>(RecentFailures { count, oldest })
            }
        };
        let for_account = count("identifier", account).await?;
        let from_address = count("ip", address).await?;
        match limits.refused_until(for_account, from_address, now) {
            None => Ok(Ok(AttemptId(id))),
            Some(until) => {
                on_db!(self, |pool| sqlx::query(
                    "DELETE FROM login_attempts WHERE id = $1"
                )
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected());
                Ok(Err(until))
            }
        }
    }

    /// Marks a reserved attempt as a success: it no longer counts as a failure.
    pub async fn attempt_succeeded(&self, attempt: AttemptId) -> Result<()> {
        on_db!(self, |pool| sqlx::query(
            "UPDATE login_attempts SET succeeded = TRUE WHERE id = $1"
        )
        .bind(attempt.0)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Starts a customer session; only the token's hash is stored, and a fingerprint of the
    /// password it was opened with (see [`Db::use_session`]).
    pub async fn create_session(
        &self,
        customer: CustomerId,
        token_hash: &str,
        now: DateTime<Utc>,
        ip: &str,
        user_agent: &str,
    ) -> Result<()> {
        self.insert_session(
            "customer_id",
            customer.get(),
            token_hash,
            now,
            ip,
            user_agent,
        )
        .await
    }

    /// A session row for the customer or member of staff in `owner_column` (`customer_id` or
    /// `staff_id`: one table, one of the two set), ending at the absolute timeout at the latest,
    /// holding the fingerprint of the owner's password as it is now.
    pub(crate) async fn insert_session(
        &self,
        owner_column: &'static str,
        owner: i64,
        token_hash: &str,
        now: DateTime<Utc>,
        ip: &str,
        user_agent: &str,
    ) -> Result<()> {
        let expires_at = now + selfcare::auth::ABSOLUTE_TIMEOUT;
        let table = match owner_column {
            "staff_id" => "staff_users",
            _ => "customers",
        };
        let password: Option<String> = on_db!(self, |pool| {
            sqlx::query_scalar(&format!("SELECT password_hash FROM {table} WHERE id = $1"))
                .bind(owner)
                .fetch_optional(pool)
                .await?
        })
        .flatten();
        let credential = password
            .as_deref()
            .map(crate::secrets::credential_fingerprint);
        let sql = format!(
            "INSERT INTO sessions (token_hash, {owner_column}, created_at, last_seen_at, expires_at, ip, user_agent, credential) \
             VALUES ($1, $2, $3, $3, $4, $5, $6, $7)"
        );
        on_db!(self, |pool| {
            sqlx::query(&sql)
                .bind(token_hash)
                .bind(owner)
                .bind(now)
                .bind(expires_at)
                .bind(ip)
                .bind(user_agent)
                .bind(&credential)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// The live session with this token hash, marked as used `now`. An idle or expired session
    /// is deleted and `None` returned, and so is one whose owner's password is no longer the
    /// one it was opened with (changed, or portal access revoked): a session ends with the
    /// credential that opened it, at its next request, on every app server.
    pub async fn use_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>> {
        type Found = (
            Option<CustomerId>,
            Option<StaffId>,
            DateTime<Utc>,
            DateTime<Utc>,
            Option<String>,
            Option<String>,
        );
        let found: Option<Found> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT s.customer_id, s.staff_id, s.created_at, s.last_seen_at, s.credential, \
                 COALESCE(c.password_hash, u.password_hash) \
                 FROM sessions s LEFT JOIN customers c ON c.id = s.customer_id \
                 LEFT JOIN staff_users u ON u.id = s.staff_id WHERE s.token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        let Some((customer_id, staff_id, created_at, last_seen_at, credential, password)) = found
        else {
            return Ok(None);
        };
        let record = SessionRecord {
            customer_id,
            staff_id,
            created_at,
            last_seen_at,
        };
        let same_credential = matches!(
            (&credential, password.as_deref().map(crate::secrets::credential_fingerprint)),
            (Some(opened), Some(now)) if *opened == now
        );
        if !same_credential || record.ends_at() <= now {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        // One write a minute at most: a page load is then usually a read only. The idle timer
        // is at most that much early, well inside the two-minute warning.
        if now - record.last_seen_at < selfcare::auth::TOUCH_INTERVAL {
            return Ok(Some(record));
        }
        on_db!(self, |pool| {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(Some(SessionRecord {
            last_seen_at: now,
            ..record
        }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_db!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Removes sessions past their absolute limit and sign-in attempts older than a day.
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64> {
        let sessions = on_db!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        on_db!(self, |pool| {
            sqlx::query("DELETE FROM login_attempts WHERE at < $1")
                .bind(now - chrono::Duration::days(1))
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(sessions)
    }

    /// A staff user's id, role and password hash, by email.
    pub async fn staff_login(&self, email: &str) -> Result<Option<(StaffId, StaffRole, String)>> {
        let row: Option<(StaffId, String, String)> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, role, password_hash FROM staff_users WHERE email = $1 AND disabled_at IS NULL",
            )
            .bind(email.trim().to_lowercase())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.and_then(|(id, role, hash)| StaffRole::parse(&role).map(|role| (id, role, hash))))
    }
}

impl Db {
    /// What every portal page's header shows: the customer's name, and whether any of their
    /// lines is prepaid (the header then links to the credit). One query, on every page.
    pub async fn header_facts(&self, customer: CustomerId) -> Result<(String, bool)> {
        let facts = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT c.name, EXISTS (SELECT 1 FROM lines l WHERE l.customer_id = c.id \
                 AND l.payment_type = 'prepaid' AND l.status <> 'terminated') \
                 FROM customers c WHERE c.id = $1",
            )
            .bind(customer)
            .fetch_one(pool)
            .await?
        });
        Ok(facts)
    }

    /// The customer's display name.
    pub async fn customer_name(&self, customer: CustomerId) -> Result<String> {
        let name = on_db!(self, |pool| {
            sqlx::query_scalar("SELECT name FROM customers WHERE id = $1")
                .bind(customer)
                .fetch_one(pool)
                .await?
        });
        Ok(name)
    }
}
