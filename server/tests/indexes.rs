//! Every query a page issues uses an index, on PostgreSQL with data seeded as at scale: generated
//! customers with their lines, a year of invoices and payments, usage records, analysed. The
//! test signs in customers of each kind and a member of staff, loads every page as they would,
//! and reads PostgreSQL's own statistics of what those page views did to each table of a
//! thousand rows or more:
//!
//! - no sequential scan;
//! - no reading of a table's bulk: all the page views together read fewer rows than each big
//!   table holds, so a single full index scan fails too.
//!
//! On a test-sized table the planner may rightly prefer reading 6,000 rows whole (a sequential
//! scan, or a hash join over a whole index) to 80 index probes, a choice it stops making at
//! millions of rows, where a customer's page is index probes joined by nested loops. So the
//! pages run with `enable_seqscan`, `enable_hashjoin` and `enable_mergejoin` off: a plan that
//! still reads a table's bulk then has no index to serve it.
//!
//! It needs `SELFCARE_TEST_POSTGRES` (as the store tests do) and says so when that is not set.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use selfcare_store::Db;
use sqlx::PgPool;

/// Generated customers: enough for every big table to hold thousands of rows.
const CUSTOMERS: u64 = 3_000;
/// A table with at least this many rows must never be scanned whole.
const BIG: f32 = 1_000.0;
/// Tables the seed surely makes big and the pages surely read.
const SURELY_BIG: [&str; 5] = [
    "customers",
    "lines",
    "invoices",
    "invoice_lines",
    "usage_records",
];

/// What was done to one table so far, as PostgreSQL counts it.
#[derive(Clone, Copy, Debug, Default)]
struct Reads {
    seq_scans: i64,
    index_scans: i64,
    /// Rows read by sequential scans and index entries returned by index scans.
    rows: i64,
}

/// [`Reads`] per table.
async fn reads(pool: &PgPool) -> BTreeMap<String, Reads> {
    // A backend reports its counts when it goes idle, unless it reported less than a second
    // before: then after 10 idle seconds (PostgreSQL 15's PGSTAT_IDLE_INTERVAL). Wait that out.
    tokio::time::sleep(Duration::from_millis(11_500)).await;
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT t.relname::text, t.seq_scan, COALESCE(t.idx_scan, 0), \
                t.seq_tup_read + COALESCE((SELECT SUM(i.idx_tup_read) FROM pg_stat_user_indexes i \
                                           WHERE i.relid = t.relid), 0)::bigint \
         FROM pg_stat_user_tables t",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(t, seq_scans, index_scans, rows)| {
            (
                t,
                Reads {
                    seq_scans,
                    index_scans,
                    rows,
                },
            )
        })
        .collect()
}

/// Tables with at least [`BIG`] rows after `ANALYZE`, with their rows.
async fn big_tables(pool: &PgPool) -> Vec<(String, f32)> {
    sqlx::query_as(
        "SELECT c.relname::text, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples >= $1 ORDER BY 1",
    )
    .bind(BIG)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn email_of_kind(pool: &PgPool, kind: &str, payment: &str) -> String {
    sqlx::query_scalar(
        "SELECT c.email FROM customers c WHERE c.kind = $1 AND c.email ~ '\\.[0-9]+@example\\.(com|org)$' \
         AND EXISTS (SELECT 1 FROM lines l WHERE l.customer_id = c.id AND l.payment_type = $2 \
                     AND l.status = 'active') \
         ORDER BY c.id DESC LIMIT 1",
    )
    .bind(kind)
    .bind(payment)
    .fetch_one(pool)
    .await
    .unwrap_or_else(|e| panic!("no generated {kind} customer with a {payment} line: {e}"))
}

/// The pages a customer reads, with the ids of their own newest invoice and first line.
async fn customer_pages(pool: &PgPool, email: &str) -> Vec<String> {
    let (invoice, line): (Option<String>, i64) = sqlx::query_as(
        "SELECT (SELECT number FROM invoices i WHERE i.customer_id = c.id \
                 ORDER BY issued_on DESC LIMIT 1), \
                (SELECT id FROM lines l WHERE l.customer_id = c.id ORDER BY msisdn LIMIT 1) \
         FROM customers c WHERE c.email = $1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut pages: Vec<String> = [
        "/",
        "/invoices",
        "/invoices?year=2026",
        "/payments",
        "/usage",
        "/usage?type=data",
        "/usage/lines",
        "/services",
        "/requests",
        "/credit",
        "/verify",
        "/access-log",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    pages.push(format!("/invoices?line={line}"));
    pages.push(format!("/services?line={line}"));
    if let Some(number) = invoice {
        pages.push(format!("/invoices/{number}"));
    }
    pages
}

#[tokio::test]
async fn every_page_reads_big_tables_through_indexes() {
    let Some(server) = std::env::var("SELFCARE_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.trim().is_empty())
    else {
        eprintln!("SELFCARE_TEST_POSTGRES is not set: the index test needs PostgreSQL; skipped");
        return;
    };
    let name = format!("selfcare_test_indexes_{}", std::process::id());
    let url = common::fresh_postgres_database(&server, &name).await;
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    server::startup::seed_with_progress(&db, CUSTOMERS, 7)
        .await
        .unwrap();
    let Db::Postgres(pool) = db.clone() else {
        unreachable!()
    };
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    let big = big_tables(&pool).await;
    for table in SURELY_BIG {
        assert!(
            big.iter().any(|(t, _)| t == table),
            "{table} is big: {big:?}"
        );
    }
    // The app's own connections, opened after this, plan as at scale (see the top).
    for setting in ["enable_seqscan", "enable_hashjoin", "enable_mergejoin"] {
        sqlx::query(&format!("ALTER DATABASE {name} SET {setting} = off"))
            .execute(&pool)
            .await
            .unwrap();
    }
    let app = common::spawn_app_on(&url, 0).await;
    let mut visits: Vec<(String, String)> = Vec::new();
    for (kind, payment) in [
        ("private", "postpaid"),
        ("prepaid", "prepaid"),
        ("business", "postpaid"),
        ("corporate", "postpaid"),
    ] {
        let email = email_of_kind(&pool, kind, payment).await;
        let cookie = app.customer_cookie(&email).await;
        for page in customer_pages(&pool, &email).await {
            visits.push((cookie.clone(), page));
        }
    }
    let staff = app
        .staff_cookie(
            "agent@example.com",
            selfcare::demo::password_of("agent@example.com"),
        )
        .await;
    let (msisdn, surname): (String, String) = sqlx::query_as(
        "SELECT l.msisdn, c.name FROM lines l JOIN customers c ON c.id = l.customer_id \
         ORDER BY l.id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let surname = surname.rsplit(' ').next().unwrap_or_default().to_string();
    for q in [msisdn.as_str(), surname.as_str()] {
        let q: String = q
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        visits.push((staff.clone(), format!("/staff?q={q}")));
    }

    // The same customer's pages in the console, once the agent has typed their code.
    let email = email_of_kind(&pool, "business", "postpaid").await;
    let customer: i64 = sqlx::query_scalar("SELECT id FROM customers WHERE email = $1")
        .bind(&email)
        .fetch_one(&pool)
        .await
        .unwrap();
    app.verify_by_code(&staff, customer).await;
    visits.push((staff.clone(), format!("/staff/customers/{customer}")));
    for page in customer_pages(&pool, &email).await {
        let (path, query) = page.split_once('?').unwrap_or((&page, ""));
        if ["/verify", "/access-log"].contains(&path) {
            continue;
        }
        let path = if path == "/" {
            String::new()
        } else {
            path.to_string()
        };
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        visits.push((
            staff.clone(),
            format!("/staff/customers/{customer}{path}{query}"),
        ));
    }

    let before = reads(&pool).await;
    for (cookie, page) in &visits {
        let res = app.get(page, cookie).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
    }
    let after = reads(&pool).await;

    let mut problems = Vec::new();
    for (table, rows) in &big {
        let was = before.get(table).copied().unwrap_or_default();
        let now = after.get(table).copied().unwrap_or_default();
        if now.seq_scans > was.seq_scans {
            problems.push(format!(
                "{table}: {} sequential scans",
                now.seq_scans - was.seq_scans
            ));
        }
        let read = now.rows - was.rows;
        if read as f32 >= *rows {
            problems.push(format!("{table}: {read} of its {rows} rows read"));
        }
    }
    // The counters move at all: the pages did read these tables, through their indexes.
    for table in SURELY_BIG {
        assert!(
            after[table].index_scans > before[table].index_scans,
            "{table} was read through an index"
        );
    }
    app.db.close().await;
    db.close().await;
    let admin = PgPool::connect(&server).await.unwrap();
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await;
    assert!(
        problems.is_empty(),
        "{} page views read big tables without an index: {problems:?}",
        visits.len()
    );
}
