//! Store tests for sign-in, sessions, throttling, the audit log and the overview, on SQLite and
//! (with `SELFCARE_TEST_POSTGRES`) PostgreSQL.

use crate::common::{for_each_engine, on_db};
use chrono::{DateTime, Duration, NaiveDate, Utc};
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

/// Failures are counted per identifier and per address, only inside the 15-minute window.
#[tokio::test]
async fn failed_attempts_are_counted_in_the_window() {
    for_each_engine(|db| async move {
        for minute in [0, 5, 10] {
            db.record_login_attempt(
                "a@x.cz",
                "1.1.1.1",
                now() + Duration::minutes(minute),
                false,
            )
            .await
            .unwrap();
        }
        db.record_login_attempt("b@x.cz", "1.1.1.1", now() + Duration::minutes(11), false)
            .await
            .unwrap();
        db.record_login_attempt("a@x.cz", "2.2.2.2", now() + Duration::minutes(12), true)
            .await
            .unwrap();
        let (account, address) = db
            .recent_failures("a@x.cz", "1.1.1.1", now() + Duration::minutes(14))
            .await
            .unwrap();
        assert_eq!(account.count, 3);
        assert_eq!(account.oldest, Some(now()));
        assert_eq!(address.count, 4);
        let (account, _) = db
            .recent_failures("a@x.cz", "1.1.1.1", now() + Duration::minutes(16))
            .await
            .unwrap();
        assert_eq!(account.count, 2, "the first failure left the window");
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
