//! Store tests for sign-in, sessions, throttling, the audit log and the overview, on SQLite and
//! (with `SELFCARE_TEST_POSTGRES`) PostgreSQL.

use crate::common::{for_each_engine, on_db};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use selfcare::auth::Limits;
use selfcare::customer::PaymentType;
use selfcare::ids::{CustomerId, LoginIdentifier};
use selfcare_store::seed::{seed, SeedOptions};
use selfcare_store::{Actor, AuditEntry, Db};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn today() -> NaiveDate {
    now().date_naive()
}

async fn demo(db: &Db) {
    let options = SeedOptions {
        customers: 5,
        seed: 3,
        today: today(),
        now: now(),
    };
    seed(db, &options, &indicatif::ProgressBar::hidden())
        .await
        .unwrap();
}

async fn customer(db: &Db, email: &str) -> CustomerId {
    let who = LoginIdentifier::parse(email).unwrap();
    db.login_candidate(&who)
        .await
        .unwrap()
        .expect("a seeded customer")
        .customer_id
}

/// A customer is found by email or by phone number; nobody else is.
#[tokio::test]
async fn customers_are_found_by_email_or_phone_number() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let by_email = customer(&db, "Demo@Example.com").await;
        let by_phone = db
            .login_candidate(&LoginIdentifier::parse("+420 601 123 456").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_phone.customer_id, by_email);
        assert!(selfcare_store::secrets::verify_password(
            selfcare::demo::CUSTOMER_PASSWORD,
            &by_phone.password_hash
        ));
        let nobody = db
            .login_candidate(&LoginIdentifier::parse("nobody@example.com").unwrap())
            .await
            .unwrap();
        assert!(nobody.is_none());
    })
    .await;
}

/// A session lives while used, ends after 30 idle minutes, and ends after 12 hours regardless.
#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let who = customer(&db, "demo@example.com").await;
        db.create_session(who, "idle", now(), "10.0.0.1", "test")
            .await
            .unwrap();
        let live = db
            .use_session("idle", now() + Duration::minutes(29))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(live.customer_id, Some(who));
        assert!(
            db.use_session("idle", now() + Duration::minutes(58))
                .await
                .unwrap()
                .is_some(),
            "renewed by use"
        );
        assert!(
            db.use_session("idle", now() + Duration::minutes(89))
                .await
                .unwrap()
                .is_none(),
            "idle too long"
        );
        assert!(
            db.use_session("idle", now() + Duration::minutes(90))
                .await
                .unwrap()
                .is_none(),
            "deleted"
        );

        db.create_session(who, "old", now(), "10.0.0.1", "test")
            .await
            .unwrap();
        let mut t = now();
        while t < now() + Duration::hours(12) - Duration::minutes(20) {
            t += Duration::minutes(20);
            assert!(db.use_session("old", t).await.unwrap().is_some());
        }
        assert!(
            db.use_session("old", now() + Duration::hours(12))
                .await
                .unwrap()
                .is_none(),
            "absolute limit"
        );
        assert!(db.use_session("unknown", now()).await.unwrap().is_none());

        // Uses within a minute of the last recorded one are not written.
        db.create_session(who, "busy", now(), "10.0.0.1", "test")
            .await
            .unwrap();
        let seen = db
            .use_session("busy", now() + Duration::seconds(59))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen.last_seen_at, now());
        let seen = db
            .use_session("busy", now() + Duration::seconds(61))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen.last_seen_at, now() + Duration::seconds(61));
    })
    .await;
}

/// A reserved attempt counts as a failure per account and per address inside the 15-minute
/// window until it succeeds; the attempt after the limit waits until the oldest failure leaves
/// the window, and is not counted itself.
#[tokio::test]
async fn sign_in_attempts_are_reserved_and_counted_in_the_window() {
    for_each_engine(|db| async move {
        let limits = Limits {
            per_account: 5,
            per_address: 8,
        };
        let reserve = |account: &'static str, address: &'static str, minute: i64| {
            let db = db.clone();
            async move {
                db.reserve_attempt(account, address, now() + Duration::minutes(minute), limits)
                    .await
                    .unwrap()
            }
        };
        let good = reserve("customer:1", "1.1.1.1", 0).await.unwrap();
        db.attempt_succeeded(good).await.unwrap();
        for minute in 1..=5 {
            assert!(reserve("customer:1", "1.1.1.1", minute).await.is_ok());
        }
        // From any address: one counter per account.
        assert_eq!(
            reserve("customer:1", "2.2.2.2", 6).await.unwrap_err(),
            now() + Duration::minutes(16)
        );
        // Other accounts from the same address go on, up to the address's own limit.
        for account in ["customer:2", "customer:3", "customer:4"] {
            assert!(reserve(account, "1.1.1.1", 7).await.is_ok(), "{account}");
        }
        assert!(
            reserve("customer:5", "1.1.1.1", 7).await.is_err(),
            "the address's ninth"
        );
        assert!(reserve("customer:5", "3.3.3.3", 7).await.is_ok());
        // The first failure (minute 1) leaves the window at minute 16.
        assert!(reserve("customer:1", "2.2.2.2", 16).await.is_ok());
    })
    .await;
}

/// Fifty sign-in attempts for one account at the same moment: no more than five get through
/// to a password check (when all fifty are reserved before any counts, none does), and the
/// refused ones leave nothing behind: the next attempt is checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_attempts_reserve_no_more_than_five_checks() {
    for_each_engine(|db| async move {
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(50));
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let (db, start) = (db.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    let address = format!("10.0.0.{i}");
                    db.reserve_attempt("customer:1", &address, now(), Limits::default())
                        .await
                        .unwrap()
                        .is_ok()
                })
            })
            .collect();
        let mut checked = 0;
        for task in tasks {
            checked += usize::from(task.await.unwrap());
        }
        assert!(checked <= 5, "{checked} checks");
        let next = db
            .reserve_attempt("customer:1", "10.0.1.1", now(), Limits::default())
            .await
            .unwrap();
        assert_eq!(next.is_ok(), checked < 5, "{checked} checked before");
    })
    .await;
}

/// The overview holds exactly the customer's own lines, with the figures in the database.
#[tokio::test]
async fn the_overview_shows_only_the_customers_own_figures() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let who = customer(&db, "demo@example.com").await;
        let d = db.dashboard(who, now()).await.unwrap();
        assert_eq!(d.customer_name, "Jana Nováková");
        let numbers: Vec<&str> = d.lines.iter().map(|l| l.msisdn.as_str()).collect();
        assert_eq!(numbers, ["+420601123456", "+420602654321"]);

        let (open_number, open_remaining): (String, i64) = on_db!(&db, |pool| {
            sqlx::query_as("SELECT number, total_cents - paid_cents FROM invoices WHERE customer_id = $1 AND status = 'open'")
                .bind(who)
                .fetch_one(pool)
                .await
                .unwrap()
        });
        for line in &d.lines {
            assert_eq!(line.payment_type, PaymentType::Postpaid);
            let due = line.due.as_ref().expect("the open invoice is due");
            assert_eq!(due.invoice_number, open_number);
            assert_eq!(due.amount.cents(), open_remaining);
            assert!(due.due_on > today());
            assert_eq!(line.allowances.len(), 3);
        }
        assert_eq!(d.total_due.cents(), open_remaining);
        assert!(d.overdue.is_zero());
        assert!(d.lines[0].roaming_on && !d.lines[1].roaming_on);
        assert_eq!((d.lines[0].active_addons, d.lines[1].active_addons), (2, 2));

        let prepaid = db.dashboard(customer(&db, "prepaid@example.com").await, now()).await.unwrap();
        assert_eq!(prepaid.lines.len(), 1);
        assert_eq!(prepaid.lines[0].credit.unwrap().cents(), 3750);
        assert!(prepaid.lines[0].due.is_none());

        let business = db.dashboard(customer(&db, "business@example.com").await, now()).await.unwrap();
        assert_eq!(business.lines.len(), 5);
        assert!(!business.overdue.is_zero(), "the business demo has an overdue invoice");
        assert!(business.total_due.amount > business.overdue.amount);
    })
    .await;
}

/// Audit entries are kept per customer, newest first.
#[tokio::test]
async fn audit_entries_are_read_back_newest_first() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let who = customer(&db, "demo@example.com").await;
        let door = selfcare::audit::Door::Portal;
        let events = [
            selfcare::audit::Event::SignIn {
                door,
                by_phone: false,
            },
            selfcare::audit::Event::SignOut { door },
        ];
        for (i, event) in events.into_iter().enumerate() {
            let entry = AuditEntry {
                at: now() + Duration::minutes(i as i64),
                actor: Actor::Customer(who),
                customer_id: Some(who),
                event,
                ip: Some("10.0.0.1".into()),
            };
            db.audit(&entry).await.unwrap();
        }
        let entries = db.audit_of(who, 10).await.unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["sign_out", "sign_in"]);
    })
    .await;
}
