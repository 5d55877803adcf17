//! The seed on every engine: deterministic, repeatable, and consistent with itself (invoices
//! add up, allowances are the sums of usage, prepaid credit is the sum of its ledger), with the
//! demo customers the portal's walkthroughs rely on.

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use indicatif::ProgressBar;
use selfcare::ids::{CustomerId, LoginIdentifier, Msisdn};
use selfcare_store::secrets::verify_password;
use selfcare_store::seed::{seed, SeedOptions, SeedReport};
use selfcare_store::Db;

use crate::common::{for_each_engine, on_db};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-11-25T10:30:00Z".parse().unwrap()
}

async fn seeded(db: &Db, customers: u64, seed_value: u64) -> SeedReport {
    let options = SeedOptions {
        customers,
        seed: seed_value,
        today: today(),
        now: now(),
    };
    seed(db, &options, &ProgressBar::hidden())
        .await
        .expect("seeding succeeds")
}

async fn count(db: &Db, sql: &str) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap())
}

async fn customer_by_email(db: &Db, email: &str) -> i64 {
    on_db!(db, |pool| {
        sqlx::query_scalar::<_, i64>("SELECT id FROM customers WHERE email = $1")
            .bind(email)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

/// What two seeded databases must agree on.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    customers: Vec<(i64, String, String, String, Option<String>)>,
    lines: Vec<(i64, String, i64, i64)>,
    invoice_totals: Vec<(i64, i64, i64)>,
    usage: (i64, i64),
}

async fn fingerprint(db: &Db) -> Fingerprint {
    on_db!(db, |pool| Fingerprint {
        customers: sqlx::query_as("SELECT id, kind, name, email, phone FROM customers ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap(),
        lines: sqlx::query_as("SELECT id, msisdn, plan_id, credit_cents FROM lines ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap(),
        invoice_totals: sqlx::query_as(
            "SELECT customer_id, COUNT(*), CAST(SUM(total_cents) AS BIGINT) FROM invoices \
             GROUP BY customer_id ORDER BY customer_id",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        usage: sqlx::query_as("SELECT COUNT(*), CAST(SUM(quantity) AS BIGINT) FROM usage_records")
            .fetch_one(pool)
            .await
            .unwrap(),
    })
}

/// The same seed, count and day give the same data in fresh databases, on either engine.
#[tokio::test]
async fn seeding_is_deterministic() {
    let prints = RefCell::new(Vec::new());
    for _ in 0..2 {
        for_each_engine(|db| {
            let prints = &prints;
            async move {
                let report = seeded(&db, 30, 7).await;
                assert_eq!(
                    report.customers, 33,
                    "30 random customers and 3 demo customers"
                );
                let print = fingerprint(&db).await;
                prints.borrow_mut().push(print);
            }
        })
        .await;
    }
    let prints = prints.into_inner();
    assert!(prints.len() >= 2);
    assert!(
        prints[0].invoice_totals.len() > 10,
        "postpaid customers have invoices"
    );
    for other in &prints[1..] {
        assert_eq!(&prints[0], other);
    }
}

/// Seeded at any hour of the same day, the bills are the same: only the current period's usage
/// grows with the time of day.
#[tokio::test]
async fn the_time_of_day_does_not_change_the_bills() {
    let bills = RefCell::new(Vec::new());
    for hour in ["06:00", "20:45"] {
        for_each_engine(|db| {
            let bills = &bills;
            async move {
                let options = SeedOptions {
                    customers: 20,
                    seed: 7,
                    today: today(),
                    now: format!("2026-11-25T{hour}:00Z").parse().unwrap(),
                };
                seed(&db, &options, &ProgressBar::hidden()).await.unwrap();
                let rows: Vec<(String, i64, String, String, i64)> = on_db!(&db, |pool| {
                    sqlx::query_as(
                        "SELECT i.number, i.total_cents, l.category, l.description, l.net_cents \
                         FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id \
                         ORDER BY i.number, l.position",
                    )
                    .fetch_all(pool)
                    .await
                    .unwrap()
                });
                bills.borrow_mut().push(rows);
            }
        })
        .await;
    }
    let bills = bills.into_inner();
    assert!(bills[0].len() > 100);
    assert!(bills.iter().all(|b| b == &bills[0]));
}

/// A different seed gives different customers (so the seed is not ignored).
#[tokio::test]
async fn another_seed_gives_other_customers() {
    let prints = RefCell::new(Vec::new());
    for seed_value in [1, 2] {
        crate::common::with_sqlite(|db| {
            let prints = &prints;
            async move {
                seeded(&db, 10, seed_value).await;
                let print = fingerprint(&db).await;
                prints.borrow_mut().push(print);
            }
        })
        .await;
    }
    let prints = prints.into_inner();
    assert_ne!(prints[0].customers, prints[1].customers);
}

/// A second run adds customers, but neither the demo data nor the catalog again; ordinary
/// inserts afterwards still get fresh ids.
#[tokio::test]
async fn seeding_twice_adds_customers_without_duplicating_the_demo_or_catalog() {
    for_each_engine(|db| async move {
        let first = seeded(&db, 12, 3).await;
        assert!(first.demo_created);
        let catalog_sql = [
            "SELECT COUNT(*) FROM tariff_plans",
            "SELECT COUNT(*) FROM addons",
            "SELECT COUNT(*) FROM addon_customer_kinds",
            "SELECT COUNT(*) FROM addon_incompatibilities",
            "SELECT COUNT(*) FROM staff_users",
        ];
        let mut catalog = Vec::new();
        for sql in catalog_sql {
            catalog.push(count(&db, sql).await);
        }
        assert_eq!(catalog[0], 18, "six plans in each of three markets");
        assert_eq!(catalog[1], 30, "ten add-ons in each of three markets");
        assert_eq!(catalog[3], 18, "three pairs per market, both directions");

        let second = seeded(&db, 12, 3).await;
        assert!(!second.demo_created);
        assert_eq!(second.customers, 12);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM customers").await, 3 + 12 + 12);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM customers WHERE email = 'demo@example.com'").await, 1);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM app_meta WHERE key = 'demo_data'").await, 1);
        for (sql, before) in catalog_sql.into_iter().zip(catalog) {
            assert_eq!(count(&db, sql).await, before, "{sql}");
        }

        let max_id = count(&db, "SELECT MAX(id) FROM customers").await;
        let new_id: i64 = on_db!(&db, |pool| {
            sqlx::query_scalar(
                "INSERT INTO customers (kind, name, email, language, currency, created_at) \
                 VALUES ('private', 'Nový Zákazník', 'new@example.com', 'cs', 'CZK', $1) RETURNING id",
            )
            .bind(now())
            .fetch_one(pool)
            .await
            .unwrap()
        });
        assert_eq!(new_id, max_id + 1);
    })
    .await;
}

/// Every invoice's total is its net plus VAT, both the sums of its lines; VAT is rounded per
/// line, half away from zero; what was paid is what the payments say.
#[tokio::test]
async fn every_invoice_adds_up_from_its_lines() {
    for_each_engine(|db| async move {
        seeded(&db, 25, 11).await;
        assert!(count(&db, "SELECT COUNT(*) FROM invoices").await >= 3 * 12);
        let wrong_sums = count(
            &db,
            "SELECT COUNT(*) FROM invoices i WHERE i.total_cents <> i.net_cents + i.vat_cents \
             OR i.net_cents <> (SELECT CAST(SUM(l.net_cents) AS BIGINT) FROM invoice_lines l WHERE l.invoice_id = i.id) \
             OR i.vat_cents <> (SELECT CAST(SUM(l.vat_cents) AS BIGINT) FROM invoice_lines l WHERE l.invoice_id = i.id)",
        )
        .await;
        assert_eq!(wrong_sums, 0);
        let wrong_payments = count(
            &db,
            "SELECT COUNT(*) FROM invoices i WHERE i.paid_cents <> \
             (SELECT CAST(COALESCE(SUM(p.amount_cents), 0) AS BIGINT) FROM payments p WHERE p.invoice_id = i.id) \
             OR (i.status = 'paid' AND i.paid_cents <> i.total_cents) \
             OR (i.status = 'open' AND i.paid_cents >= i.total_cents)",
        )
        .await;
        assert_eq!(wrong_payments, 0);

        let vat_lines: Vec<(i64, i64, i64)> = on_db!(&db, |pool| {
            sqlx::query_as("SELECT net_cents, vat_rate_bp, vat_cents FROM invoice_lines").fetch_all(pool).await.unwrap()
        });
        assert!(vat_lines.iter().any(|(net, _, _)| *net < 0) || vat_lines.len() < 1000);
        for (net, rate_bp, vat) in vat_lines {
            let exact = net * rate_bp; // in 1/10,000 of a cent
            let rounded = exact.signum() * ((exact.abs() + 5_000) / 10_000);
            assert_eq!(vat, rounded, "VAT of {net} at {rate_bp} bp");
        }
        let categories = count(&db, "SELECT COUNT(DISTINCT category) FROM invoice_lines").await;
        assert!(categories >= 4, "plans, add-ons, usage, one-off charges at least");
    })
    .await;
}

/// An `allowance_usage` row: line, period start and end, call seconds, SMS, kB, rated at.
type CurrentPeriod = (i64, NaiveDate, NaiveDate, i64, i64, i64, DateTime<Utc>);

/// The current period's counters are exactly the sums of that period's usage records, rated
/// as of the newest one.
#[tokio::test]
async fn current_allowance_usage_is_the_sum_of_the_periods_usage_records() {
    for_each_engine(|db| async move {
        seeded(&db, 15, 5).await;
        let lines = count(&db, "SELECT COUNT(*) FROM lines").await;
        let periods: Vec<CurrentPeriod> = on_db!(&db, |pool| {
            sqlx::query_as(
                "SELECT line_id, period_start, period_end, call_seconds_used, sms_used, data_kb_used, rated_at \
                 FROM allowance_usage WHERE period_start <= $1 AND period_end > $1",
            )
            .bind(today())
            .fetch_all(pool)
            .await
            .unwrap()
        });
        assert_eq!(periods.len() as i64, lines, "one current period per line");
        let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).unwrap().and_utc();
        for (line, start, end, calls, sms, kb, rated_at) in periods {
            let sums: Vec<(String, i64, i64, DateTime<Utc>)> = on_db!(&db, |pool| {
                sqlx::query_as(
                    "SELECT kind, COUNT(*), CAST(SUM(quantity) AS BIGINT), MAX(rated_at) FROM usage_records \
                     WHERE line_id = $1 AND started_at >= $2 AND started_at < $3 GROUP BY kind",
                )
                .bind(line)
                .bind(midnight(start))
                .bind(midnight(end))
                .fetch_all(pool)
                .await
                .unwrap()
            });
            let by_kind: BTreeMap<&str, i64> = sums.iter().map(|(k, _, sum, _)| (k.as_str(), *sum)).collect();
            assert_eq!(calls, by_kind.get("call").copied().unwrap_or(0), "call seconds of line {line}");
            assert_eq!(sms, by_kind.get("sms").copied().unwrap_or(0), "SMS of line {line}");
            assert_eq!(kb, by_kind.get("data").copied().unwrap_or(0), "data of line {line}");
            let records: i64 = sums.iter().map(|(_, n, _, _)| n).sum();
            assert!(records >= 15, "line {line} has {records} records this period");
            assert_eq!(Some(rated_at), sums.iter().map(|s| s.3).max(), "rated_at of line {line}");
            assert!(rated_at <= now());
        }
        let previous = count(
            &db,
            "SELECT COUNT(*) FROM usage_records u JOIN allowance_usage a ON a.line_id = u.line_id \
             WHERE u.started_at < a.period_start",
        )
        .await;
        assert!(previous > 0, "the previous period has usage too");
        let roaming = count(&db, "SELECT COUNT(*) FROM usage_records WHERE roaming").await;
        assert!(roaming > 0, "some usage is abroad");
    })
    .await;
}

/// A prepaid line's credit is the sum of its ledger, whose running balance is right and never
/// negative.
#[tokio::test]
async fn prepaid_credit_is_the_sum_of_its_ledger() {
    for_each_engine(|db| async move {
        seeded(&db, 20, 9).await;
        assert!(count(&db, "SELECT COUNT(*) FROM lines WHERE payment_type = 'prepaid'").await >= 2);
        let wrong = count(
            &db,
            "SELECT COUNT(*) FROM lines l WHERE l.payment_type = 'prepaid' AND l.credit_cents <> \
             (SELECT CAST(COALESCE(SUM(c.amount_cents), 0) AS BIGINT) FROM credit_ledger c WHERE c.line_id = l.id)",
        )
        .await;
        assert_eq!(wrong, 0);
        let ledger: Vec<(i64, i64, i64, String)> = on_db!(&db, |pool| {
            sqlx::query_as(
                "SELECT line_id, amount_cents, balance_after_cents, kind FROM credit_ledger ORDER BY line_id, at, id",
            )
            .fetch_all(pool)
            .await
            .unwrap()
        });
        let mut running: BTreeMap<i64, i64> = BTreeMap::new();
        for (line, amount, balance_after, kind) in ledger {
            let balance = running.entry(line).or_default();
            *balance += amount;
            assert_eq!(balance_after, *balance, "running balance of line {line}");
            assert!(*balance >= 0, "line {line} never goes below zero");
            assert_eq!(kind == "charge", amount < 0, "charges are negative, credit positive");
        }
    })
    .await;
}

/// The demo customer signs in by email or number and has two lines and exactly one open
/// invoice, due after today.
#[tokio::test]
async fn the_demo_customer_has_two_lines_and_one_open_invoice_due_after_today() {
    for_each_engine(|db| async move {
        seeded(&db, 0, 1).await;
        let id = customer_by_email(&db, "demo@example.com").await;
        let candidate = db
            .login_candidate(&LoginIdentifier::parse("+420 601 123 456").unwrap())
            .await
            .unwrap()
            .expect("the demo number signs in");
        assert_eq!(candidate.customer_id, CustomerId::trusted(id));
        assert!(verify_password(
            selfcare::demo::CUSTOMER_PASSWORD,
            &candidate.password_hash
        ));

        let dashboard = db.dashboard(CustomerId::trusted(id), now()).await.unwrap();
        assert_eq!(dashboard.customer_name, "Jana Nováková");
        let numbers: Vec<&str> = dashboard.lines.iter().map(|l| l.msisdn.as_str()).collect();
        assert_eq!(numbers, ["+420601123456", "+420602654321"]);
        let jana = &dashboard.lines[0];
        let tomas = &dashboard.lines[1];
        assert_eq!(
            (jana.label.as_deref(), tomas.label.as_deref()),
            (Some("Jana"), Some("Tomáš"))
        );
        assert!(jana.roaming_on && jana.data_roaming_on);
        assert!(!tomas.roaming_on && !tomas.data_roaming_on);
        assert_eq!((jana.active_addons, tomas.active_addons), (2, 2));
        assert!(jana.allowances.len() == 3 && jana.usage_as_of.is_some());
        assert!(dashboard.total_due.amount > rust_decimal::Decimal::ZERO);
        assert!(dashboard.overdue.is_zero());

        let invoices: Vec<(String, NaiveDate, NaiveDate, i64, i64)> = on_db!(&db, |pool| {
            sqlx::query_as(
                "SELECT status, issued_on, due_on, paid_cents, total_cents FROM invoices \
                 WHERE customer_id = $1 ORDER BY issued_on",
            )
            .bind(id)
            .fetch_all(pool)
            .await
            .unwrap()
        });
        assert_eq!(invoices.len(), 12);
        let (newest, older) = invoices.split_last().unwrap();
        assert_eq!(newest.0, "open");
        assert_eq!(
            (newest.1, newest.2, newest.3),
            (today() - Duration::days(3), today() + Duration::days(11), 0)
        );
        assert!(older
            .iter()
            .all(|(status, _, due, paid, total)| status == "paid"
                && paid == total
                && *due < today()));
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM payments WHERE customer_id = {id}")
            )
            .await,
            11
        );
    })
    .await;
}

/// The prepaid demo has 37.50 zł of credit for sixty more days and has used about 40 % of
/// each allowance.
#[tokio::test]
async fn the_prepaid_demo_has_credit_and_partly_used_allowances() {
    for_each_engine(|db| async move {
        seeded(&db, 0, 1).await;
        let id = customer_by_email(&db, "prepaid@example.com").await;
        let dashboard = db.dashboard(CustomerId::trusted(id), now()).await.unwrap();
        assert_eq!(dashboard.customer_name, "Piotr Kowalski");
        let [line] = dashboard.lines.as_slice() else {
            panic!("one line")
        };
        assert_eq!(line.msisdn.as_str(), "+48601234567");
        assert_eq!(line.credit.map(|c| c.cents()), Some(3_750));
        assert_eq!(line.credit_expires_on, Some(today() + Duration::days(60)));
        for allowance in &line.allowances {
            let included = allowance.included.expect("finite allowances");
            let share = allowance.used * 100 / included;
            assert!((35..=45).contains(&share), "{allowance:?}");
        }
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM invoices WHERE customer_id = {id}")
            )
            .await,
            0
        );
    })
    .await;
}

/// The business demo has five labelled lines, an open invoice due in the future and an
/// older one partly paid and overdue.
#[tokio::test]
async fn the_business_demo_has_five_lines_and_a_partly_paid_overdue_invoice() {
    for_each_engine(|db| async move {
        seeded(&db, 0, 1).await;
        let id = customer_by_email(&db, "business@example.com").await;
        let dashboard = db.dashboard(CustomerId::trusted(id), now()).await.unwrap();
        assert_eq!(dashboard.customer_name, "Kovář Stavby s.r.o.");
        let numbers: Vec<&str> = dashboard.lines.iter().map(|l| l.msisdn.as_str()).collect();
        assert_eq!(numbers, ["+420603100001", "+420603100002", "+420603100003", "+420603100004", "+420603100005"]);
        assert!(dashboard.lines.iter().all(|l| l.label.as_deref().is_some_and(|name| name.contains(' '))));
        assert!(dashboard.overdue.amount > rust_decimal::Decimal::ZERO);

        let open: Vec<(NaiveDate, i64, i64)> = on_db!(&db, |pool| {
            sqlx::query_as(
                "SELECT due_on, paid_cents, total_cents FROM invoices WHERE customer_id = $1 AND status = 'open' \
                 ORDER BY due_on",
            )
            .bind(id)
            .fetch_all(pool)
            .await
            .unwrap()
        });
        assert_eq!(open.len(), 2);
        let (overdue, newest) = (open[0], open[1]);
        assert!(overdue.0 < today() && 0 < overdue.1 && overdue.1 < overdue.2);
        assert!(newest.0 > today() && newest.1 == 0);
    })
    .await;
}

/// Numbers are valid E.164 and unique, emails unique, and the staff user signs in.
#[tokio::test]
async fn numbers_are_valid_and_the_staff_user_exists() {
    for_each_engine(|db| async move {
        seeded(&db, 20, 4).await;
        let numbers: Vec<String> = on_db!(&db, |pool| {
            sqlx::query_scalar("SELECT msisdn FROM lines UNION ALL SELECT phone FROM customers WHERE phone IS NOT NULL")
                .fetch_all(pool)
                .await
                .unwrap()
        });
        for number in &numbers {
            assert_eq!(Msisdn::parse(number).map(|m| m.as_str().to_string()).as_ref(), Ok(number));
        }
        let distinct_lines = count(&db, "SELECT COUNT(DISTINCT msisdn) FROM lines").await;
        assert_eq!(distinct_lines, count(&db, "SELECT COUNT(*) FROM lines").await);
        let (staff, role, hash) = db.staff_login("agent@example.com").await.unwrap().expect("the agent exists");
        assert!(staff.get() > 0);
        assert_eq!(role.as_str(), "agent");
        assert!(verify_password(selfcare::demo::password_of("agent@example.com"), &hash));
    })
    .await;
}

/// Load test: `SELFCARE_SEED_CUSTOMERS` (default 100,000) customers into a fresh PostgreSQL
/// database. Run with `--release --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a load test: minutes, and needs SELFCARE_TEST_POSTGRES"]
async fn seeding_many_customers_into_postgres() {
    let customers = std::env::var("SELFCARE_SEED_CUSTOMERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    crate::common::with_postgres(|db| async move {
        let started = std::time::Instant::now();
        let report = seeded(&db, customers, 42).await;
        let elapsed = started.elapsed();
        println!("seeded {report:?} in {:.1} s", elapsed.as_secs_f64());
        for table in [
            "customers",
            "lines",
            "usage_records",
            "invoices",
            "invoice_lines",
            "payments",
            "credit_ledger",
        ] {
            println!(
                "{table}: {}",
                count(&db, &format!("SELECT COUNT(*) FROM {table}")).await
            );
        }
        assert_eq!(report.customers, customers + 3);
    })
    .await;
}

/// The seed never puts demo sign-ins (with their published passwords) beside real accounts:
/// after the operator's first admin, seeding is refused and nothing is added.
#[tokio::test]
async fn a_database_with_real_accounts_is_never_seeded() {
    for_each_engine(|db| async move {
        let first =
            selfcare::support::team::NewStaff::parse("boss@operator.cz", "Boss", "admin").unwrap();
        db.add_staff_member(
            selfcare_store::Actor::System,
            &first,
            "not a real hash",
            Utc::now(),
            None,
        )
        .await
        .unwrap()
        .unwrap();
        let options = SeedOptions {
            customers: 3,
            seed: 1,
            today: Utc::now().date_naive(),
            now: Utc::now(),
        };
        let refused = seed(&db, &options, &ProgressBar::hidden()).await;
        assert!(
            matches!(refused, Err(selfcare_store::StoreError::Conflict(_))),
            "{refused:?}"
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM customers").await, 0);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM staff_users").await, 1);
        assert!(!db.has_demo_data().await.unwrap());
    })
    .await;
}
