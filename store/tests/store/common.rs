//! Fixtures shared by the store tests: a fresh, migrated database for every test, on every
//! engine available. SQLite always (a file under the temp folder); PostgreSQL too when
//! `SELFCARE_TEST_POSTGRES` holds a server URL (a new database is created on that server and
//! dropped afterwards).
//!
//! ```ignore
//! for_each_engine(|db| async move {
//!     // ... seed, query, assert ...
//! })
//! .await;
//! ```

#![allow(dead_code)] // Not every helper serves every module.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use selfcare_store::Db;

/// Runs the same body on whichever engine a `Db` holds, like the crate's own `on_db!`, for
/// queries a test makes to check what the store wrote.
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            selfcare_store::Db::Sqlite($pool) => $body,
            selfcare_store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// The PostgreSQL server the tests may use, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("SELFCARE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Runs `test` on a fresh SQLite database, then (when a server is configured) on a fresh
/// PostgreSQL database. Each database is removed afterwards, also when the test panics.
pub async fn for_each_engine<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    with_sqlite(&test).await;
    if postgres_server().is_some() {
        with_postgres(&test).await;
    }
}

/// Runs `test` on each engine's database as migration `version` left it (an earlier release's
/// schema), for the tests of the migrations after it.
pub async fn for_each_engine_at<F, Fut>(version: i64, test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    sqlite_at(version, &test).await;
    if postgres_server().is_some() {
        postgres_at(version, &test).await;
    }
}

/// Runs `test` on a fresh SQLite file.
pub async fn with_sqlite<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    sqlite_at(i64::MAX, test).await;
}

async fn sqlite_at<F, Fut>(version: i64, test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let path = std::env::temp_dir().join(format!(
        "selfcare-test-{}-{:016x}.db",
        std::process::id(),
        rand::random::<u64>()
    ));
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("create the SQLite test database");
    if version == i64::MAX {
        db.migrate().await
    } else {
        db.migrate_to(version).await
    }
    .expect("migrate the SQLite test database");
    let outcome = AssertUnwindSafe(test(db.clone())).catch_unwind().await;
    db.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `test` on a new database on the `SELFCARE_TEST_POSTGRES` server.
///
/// # Panics
/// When no server is configured or it refuses to create the database.
pub async fn with_postgres<F, Fut>(test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    postgres_at(i64::MAX, test).await;
}

async fn postgres_at<F, Fut>(version: i64, test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let server = postgres_server().expect("SELFCARE_TEST_POSTGRES names a PostgreSQL server");
    let name = format!("selfcare_test_{:016x}", rand::random::<u64>());
    let admin = sqlx::PgPool::connect(&server)
        .await
        .expect("connect to the PostgreSQL test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create the PostgreSQL test database");

    let db = Db::connect(&database_url(&server, &name))
        .await
        .expect("connect to the test database");
    let migrated = if version == i64::MAX {
        db.migrate().await
    } else {
        db.migrate_to(version).await
    };
    let outcome = match migrated {
        Ok(()) => AssertUnwindSafe(test(db.clone())).catch_unwind().await,
        Err(error) => {
            Err(Box::new(format!("migrating the PostgreSQL test database: {error}")) as _)
        }
    };
    db.close().await;
    let dropped = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await;
    admin.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    dropped.expect("drop the PostgreSQL test database");
}

/// `url` with its database name replaced by `name` (query parameters kept).
fn database_url(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{server}/{name}{query}")
}

#[test]
fn a_database_url_gets_the_test_database_name() {
    assert_eq!(
        database_url("postgres://u:p@127.0.0.1:5432/postgres", "t1"),
        "postgres://u:p@127.0.0.1:5432/t1"
    );
    assert_eq!(database_url("postgres://h", "t1"), "postgres://h/t1");
    assert_eq!(
        database_url("postgres://h/db?sslmode=disable", "t1"),
        "postgres://h/t1?sslmode=disable"
    );
}

/// The instant the demo data is seeded "as of" in store tests: a fixed time, so every run sees
/// the same periods, invoices and usage.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z")
        .expect("a valid instant")
        .with_timezone(&chrono::Utc)
}

pub fn today() -> chrono::NaiveDate {
    now().date_naive()
}

/// Seeds the demo customers and `customers` generated ones (random seed 3) as of [`now`].
pub async fn seeded(db: &Db, customers: u64) {
    let options = selfcare_store::seed::SeedOptions {
        customers,
        seed: 3,
        today: today(),
        now: now(),
    };
    selfcare_store::seed::seed(db, &options, &indicatif::ProgressBar::hidden())
        .await
        .expect("seed the test database");
}

/// A seeded customer's id, found by email.
pub async fn customer(db: &Db, email: &str) -> selfcare::ids::CustomerId {
    let who = selfcare::ids::LoginIdentifier::parse(email).expect("an email address");
    db.login_candidate(&who)
        .await
        .expect("look up the customer")
        .expect("a seeded customer")
        .customer_id
}
