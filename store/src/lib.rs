//! Crate `selfcare-store`: the database, one body of SQL for SQLite (the embedded default) and
//! PostgreSQL (production), and the secrets the server makes. The domain crate `selfcare`
//! decides; this crate reads state, hands it to the domain's rules inside its transaction, and
//! writes what they decided. Nothing here is reached from the browser's WASM.
//!
//! # Layout
//!
//! - this file: [`Db`], connecting, [`StoreError`], the [`on_db!`] macro and [`Conn`], one
//!   connection of either engine for the functions features share inside a transaction.
//! - `auth.rs`: sign-in lookups, attempts, sessions, staff users.
//! - `staff.rs`: staff sign-in and sessions, and the staff console's customer search.
//! - `dashboard.rs`: the overview of one customer.
//! - `credit.rs`: prepaid credit, its ledger, the low-credit threshold and vouchers.
//! - `billing.rs`: invoices, payments and billing accounts (paper or electronic invoices).
//! - `usage.rs`: usage records of a line a page at a time, and its use per day.
//! - `services.rs`: a line's add-ons and the catalog; previewing and applying a change in one
//!   transaction; the job that applies scheduled changes on their day.
//! - `roaming.rs`: roaming settings and the data-roaming spending cap.
//! - `requests.rs`: service requests, written with every change, listed for the customer.
//! - `support.rs`: one-time verification codes, agents' access to customers, the access log.
//! - `team.rs`: the staff list, each member's activity, and admins' changes to the team.
//! - `audit.rs`: the audit log.
//! - `schema.rs`: migrating, and the indexes a bulk load sets aside and builds again.
//! - `secrets.rs`: password hashing, session tokens, one-time codes, idempotency keys.
//! - `seed/`: deterministic demo and load-test data, inserted in bulk.
//!
//! Every query that reads a customer's data takes the signed-in `CustomerId` and filters on it
//! in SQL, so no id from a client can reach another customer's rows.

mod audit;
mod auth;
mod billing;
mod credit;
mod dashboard;
mod requests;
mod roaming;
mod schema;
pub mod secrets;
pub mod seed;
mod services;
mod staff;
mod support;
mod team;
mod usage;

pub(crate) use audit::insert_audit;
pub use audit::{Actor, AuditEntry};
pub use auth::*;
pub use billing::{BillingAccount, InvoiceFilter};
pub(crate) use requests::insert_request;
pub use requests::{NewRequest, Requester};
pub use staff::{StaffCandidate, StaffMember};
pub use team::StaffActivity;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// A pool on one of the two engines.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body on whichever engine this `Db` holds; the body is compiled once per engine,
/// so both run the same SQL text (`$1` placeholders work in both).
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// One open connection of either engine, borrowed for a few statements: a transaction's
/// (`&mut *tx`) or one taken from the pool. What several features read or write the same way (a
/// service request, an audit entry, a line's state) is a function over it, so it runs inside
/// the caller's transaction on both engines.
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut sqlx::SqliteConnection),
    Postgres(&'c mut sqlx::PgConnection),
}

impl<'c> From<&'c mut sqlx::SqliteConnection> for Conn<'c> {
    fn from(c: &'c mut sqlx::SqliteConnection) -> Self {
        Self::Sqlite(c)
    }
}

impl<'c> From<&'c mut sqlx::PgConnection> for Conn<'c> {
    fn from(c: &'c mut sqlx::PgConnection) -> Self {
        Self::Postgres(c)
    }
}

/// [`on_db!`] for a [`Conn`]: the body is compiled once per engine, `$c` the engine's
/// connection.
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_conn;

/// Locks a line for the rest of the transaction with a no-op `UPDATE` (PostgreSQL: the row's
/// lock; SQLite: the write lock), so every change of a line's services runs one after the
/// other on both engines. Evaluates to whether the line is the customer's (and not terminated).
macro_rules! lock_line {
    ($ex:expr, $customer:expr, $line:expr) => {{
        sqlx::query(
            "UPDATE lines SET credit_cents = credit_cents \
             WHERE id = $1 AND customer_id = $2 AND status <> 'terminated'",
        )
        .bind($line)
        .bind($customer)
        .execute($ex)
        .await?
        .rows_affected()
            == 1
    }};
}
pub(crate) use lock_line;

/// What can go wrong in the store, in terms the layers above can act on: each case says what
/// happened, so the app can tell the customer something true (a reload fixes a lost race, not a
/// corrupted row).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the change; [`Unique`] says which.
    #[error("duplicate: {0:?}")]
    Duplicate(Unique),
    /// A lost race: what the change was decided on changed before it was written.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A stored value the code does not know (a status, a currency): the database was changed
    /// behind the application's back. Internal, never the user's doing.
    #[error("corrupt stored value: {0}")]
    Corrupt(&'static str),
    /// The seed cannot go on (a number range is exhausted, the catalog is incomplete).
    #[error("seed: {0}")]
    Seed(String),
    /// The database cannot be reached (connection refused, pool timed out).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(sqlx::Error),
}

/// The unique constraints a change can run into, by what they keep unique. Named from the
/// constraint (PostgreSQL) or the table and column in the message (SQLite, which names no
/// constraint).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unique {
    CustomerEmail,
    CustomerPhone,
    LineNumber,
    InvoiceNumber,
    StaffEmail,
    VoucherCode,
    /// A form's idempotency key, sent twice.
    RequestKey,
    CatalogCode,
    /// One this list does not know yet.
    Other,
}

impl Unique {
    fn of(error: &dyn sqlx::error::DatabaseError) -> Self {
        let text = error
            .constraint()
            .map(str::to_string)
            .unwrap_or_else(|| error.message().to_string());
        let has = |words: &[&str]| words.iter().all(|w| text.contains(w));
        if has(&["staff_users"]) {
            Self::StaffEmail
        } else if has(&["customers", "email"]) {
            Self::CustomerEmail
        } else if has(&["customers", "phone"]) {
            Self::CustomerPhone
        } else if has(&["msisdn"]) {
            Self::LineNumber
        } else if has(&["invoices", "number"]) {
            Self::InvoiceNumber
        } else if has(&["vouchers"]) {
            Self::VoucherCode
        } else if has(&["service_requests"]) {
            Self::RequestKey
        } else if has(&["code"]) {
            Self::CatalogCode
        } else {
            Self::Other
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => Self::Unavailable(e.to_string()),
            sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                Self::Duplicate(Unique::of(db.as_ref()))
            }
            // PostgreSQL going away under a connection: a connection exception (class 08) or
            // the server shutting down or starting (57P01 to 57P03, as on a restart).
            sqlx::Error::Database(ref db)
                if db
                    .code()
                    .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")) =>
            {
                Self::Unavailable(e.to_string())
            }
            other => Self::Other(other),
        }
    }
}

impl StoreError {
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A stored value the code does not know (a status, a currency): the database was changed
/// behind the application's back.
pub(crate) fn corrupt(what: &'static str) -> StoreError {
    StoreError::Corrupt(what)
}

/// The first and last days both engines store and compare alike (chrono's own extremes are not:
/// SQLite compares their text forms, and PostgreSQL's dates end earlier).
pub(crate) fn earliest_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default()
}

pub(crate) fn latest_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default()
}

/// An instant later than any stored one: the start of a keyset-paged history by time.
pub(crate) fn far_future() -> chrono::DateTime<chrono::Utc> {
    latest_day().and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The database a URL names: `sqlite://path` (created when missing) or `postgres://...`.
impl Db {
    /// # Errors
    /// When the URL is malformed, or (SQLite) the file cannot be created.
    /// A PostgreSQL server that is down is not an error here: the pool connects lazily, so the
    /// portal starts and answers "temporarily unavailable" until the database is back.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(3))
                .connect_lazy(url)?;
            Ok(Self::Postgres(pool))
        } else {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(3))
                .connect_with(options)
                .await?;
            Ok(Self::Sqlite(pool))
        }
    }

    pub fn engine(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Whether the demo data (and its sign-ins) is loaded.
    pub async fn has_demo_data(&self) -> Result<bool> {
        let found: Option<String> = on_db!(self, |pool| {
            sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'demo_data'")
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }

    /// The server secret a demo database keeps for itself, made and stored on first use (two
    /// servers starting at once keep the first one written).
    pub async fn demo_secret(&self) -> Result<String> {
        let fresh = crate::secrets::ServerSecret::generate();
        let stored: String = on_db!(self, |pool| {
            sqlx::query(
                "INSERT INTO app_meta (key, value) VALUES ('secret', $1) ON CONFLICT (key) DO NOTHING",
            )
            .bind(&fresh)
            .execute(pool)
            .await?;
            sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'secret'")
                .fetch_one(pool)
                .await?
        });
        Ok(stored)
    }

    /// Whether no customer and no member of staff exists yet (a fresh database).
    pub async fn is_empty(&self) -> Result<bool> {
        let any: Option<i64> = on_db!(self, |pool| sqlx::query_scalar(
            "SELECT id FROM customers UNION ALL SELECT id FROM staff_users LIMIT 1"
        )
        .fetch_optional(pool)
        .await?);
        Ok(any.is_none())
    }

    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await);
    }
}
