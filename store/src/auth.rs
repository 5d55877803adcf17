//! Sign-in lookups, sign-in attempts, sessions and staff users.

use chrono::{DateTime, Utc};

use super::{on_db, Db, Result};
use selfcare::auth::{session_ends_at, RecentFailures, StaffRole, THROTTLE_WINDOW};
use selfcare::ids::{CustomerId, LoginIdentifier, StaffId};

/// A customer who may sign in, with the stored password hash (never sent anywhere).
#[derive(Clone, Debug)]
pub struct LoginCandidate {
    pub customer_id: CustomerId,
    pub password_hash: String,
}

/// A live session, as found from its token hash.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
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

    pub async fn record_login_attempt(
        &self,
        identifier: &str,
        ip: &str,
        at: DateTime<Utc>,
        succeeded: bool,
    ) -> Result<()> {
        on_db!(self, |pool| {
            sqlx::query("INSERT INTO login_attempts (identifier, ip, at, succeeded) VALUES ($1, $2, $3, $4)")
                .bind(identifier)
                .bind(ip)
                .bind(at)
                .bind(succeeded)
                .execute(pool)
                .await?.rows_affected()
        });
        Ok(())
    }

    /// Failed attempts for one identifier and from one address inside the throttling window.
    pub async fn recent_failures(
        &self,
        identifier: &str,
        ip: &str,
        now: DateTime<Utc>,
    ) -> Result<(RecentFailures, RecentFailures)> {
        let since = now - THROTTLE_WINDOW;
        let by_identifier: (i64, Option<DateTime<Utc>>) = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*), MIN(at) FROM login_attempts \
                 WHERE identifier = $1 AND at > $2 AND NOT succeeded",
            )
            .bind(identifier)
            .bind(since)
            .fetch_one(pool)
            .await?
        });
        let by_ip: (i64, Option<DateTime<Utc>>) = on_db!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*), MIN(at) FROM login_attempts WHERE ip = $1 AND at > $2 AND NOT succeeded")
                .bind(ip)
                .bind(since)
                .fetch_one(pool)
                .await?
        });
        let as_failures =
            |(count, oldest): (i64, Option<DateTime<Utc>>)| RecentFailures { count, oldest };
        Ok((as_failures(by_identifier), as_failures(by_ip)))
    }

    /// Starts a customer session; only the token's hash is stored.
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
    /// `staff_id`: one table, one of the two set), ending at the absolute timeout at the latest.
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
        let sql = format!(
            "INSERT INTO sessions (token_hash, {owner_column}, created_at, last_seen_at, expires_at, ip, user_agent) \
             VALUES ($1, $2, $3, $3, $4, $5, $6)"
        );
        on_db!(self, |pool| {
            sqlx::query(&sql)
                .bind(token_hash)
                .bind(owner)
                .bind(now)
                .bind(expires_at)
                .bind(ip)
                .bind(user_agent)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// The live session with this token hash, marked as used `now`. An idle or expired session
    /// is deleted and `None` returned.
    pub async fn use_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>> {
        let found: Option<SessionRecord> = on_db!(self, |pool| {
            sqlx::query_as(
                "SELECT customer_id, staff_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        });
        let Some(record) = found else {
            return Ok(None);
        };
        if record.ends_at() <= now {
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
