//! Store tests for staff sign-in, staff sessions and the staff console's customer search, on
//! SQLite and (with `SELFCARE_TEST_POSTGRES`) PostgreSQL.

use crate::common::{customer, for_each_engine, now, on_db, seeded};
use chrono::Duration;
use selfcare::auth::StaffRole;
use selfcare::customer::SEARCH_LIMIT;
use selfcare::demo::password_of;
use selfcare::ids::{AccountId, CustomerQuery};
use selfcare::support::team::TeamChange;
use selfcare_store::secrets::verify_password;
use selfcare_store::Db;

fn query(text: &str) -> CustomerQuery {
    CustomerQuery::parse(text).expect("a searchable query")
}

/// The names of the customers a search finds.
async fn names(db: &Db, text: &str) -> Vec<String> {
    db.search_customers(&query(text), SEARCH_LIMIT)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect()
}

/// The demo agent and supervisor sign in with their passwords and roles; nobody else does.
#[tokio::test]
async fn the_demo_staff_are_found_by_email_with_their_roles() {
    for_each_engine(|db| async move {
        seeded(&db, 2).await;
        let agent = db
            .staff_candidate(" Agent@Example.com ")
            .await
            .unwrap()
            .expect("the agent");
        assert_eq!(agent.role, StaffRole::Agent);
        assert!(verify_password(
            password_of("agent@example.com"),
            &agent.password_hash
        ));
        assert!(!verify_password(
            password_of("supervisor@example.com"),
            &agent.password_hash
        ));
        let supervisor = db
            .staff_candidate("supervisor@example.com")
            .await
            .unwrap()
            .expect("the supervisor");
        assert_eq!(supervisor.role, StaffRole::Supervisor);
        assert!(verify_password(
            password_of("supervisor@example.com"),
            &supervisor.password_hash
        ));
        // A customer's email is not a staff sign-in.
        assert!(db
            .staff_candidate("demo@example.com")
            .await
            .unwrap()
            .is_none());
        let member = db.active_staff(agent.staff_id).await.unwrap().unwrap();
        assert_eq!(
            (member.name.as_str(), member.email.as_str()),
            ("Eva Agentová", "agent@example.com")
        );
    })
    .await;
}

/// A staff session is found by its hash as a staff session, never as a customer's, and a
/// disabled member of staff neither signs in nor keeps their session.
#[tokio::test]
async fn a_disabled_member_of_staff_cannot_sign_in_or_stay_signed_in() {
    for_each_engine(|db| async move {
        seeded(&db, 1).await;
        let agent = db
            .staff_candidate("agent@example.com")
            .await
            .unwrap()
            .unwrap();
        db.create_staff_session(agent.staff_id, "h-staff", now(), "10.0.0.1", "test")
            .await
            .unwrap();
        let session = db.use_session("h-staff", now()).await.unwrap().unwrap();
        assert_eq!(session.staff_id, Some(agent.staff_id));
        assert_eq!(session.customer_id, None);
        let stored: String = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT token_hash FROM sessions WHERE staff_id = $1"
        )
        .bind(agent.staff_id)
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(stored, "h-staff");
        // The same idle timeout as customers'.
        assert!(db
            .use_session("h-staff", now() + Duration::minutes(31))
            .await
            .unwrap()
            .is_none());

        let admin = db
            .staff_candidate("admin@example.com")
            .await
            .unwrap()
            .unwrap();
        db.change_staff_member(
            admin.staff_id,
            agent.staff_id,
            TeamChange::Disable,
            now(),
            "10.0.0.1",
        )
        .await
        .unwrap()
        .unwrap();
        assert!(db
            .staff_candidate("agent@example.com")
            .await
            .unwrap()
            .is_none());
        assert!(db.active_staff(agent.staff_id).await.unwrap().is_none());
    })
    .await;
}

/// A customer is found by any line's number typed loosely, by the sign-in number, by account
/// number, by email and by words of the name; the match holds the name and lines only.
#[tokio::test]
async fn a_customer_is_found_by_phone_account_email_or_name() {
    for_each_engine(|db| async move {
        seeded(&db, 30).await;
        let jana = customer(&db, "demo@example.com").await;

        // The second line's number, typed as people type it.
        let found = db
            .search_customers(&query("00420 602-654-321"), SEARCH_LIMIT)
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, jana);
        assert_eq!(found[0].name, "Jana Nováková");
        let numbers: Vec<&str> = found[0].lines.iter().map(|l| l.msisdn.as_str()).collect();
        assert_eq!(numbers, ["+420601123456", "+420602654321"]);
        assert_eq!(found[0].lines[1].label.as_deref(), Some("Tomáš"));

        assert_eq!(names(&db, "DEMO@example.com").await, ["Jana Nováková"]);
        assert_eq!(
            names(&db, "+420 222 333 444").await,
            ["Kovář Stavby s.r.o."]
        );
        // A business line's employee is found by the line's number, as its owner.
        let business = db
            .search_customers(&query("+420603100003"), SEARCH_LIMIT)
            .await
            .unwrap();
        assert_eq!(business[0].name, "Kovář Stavby s.r.o.");
        assert_eq!(business[0].lines.len(), 5);

        let account: i64 = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT id FROM billing_accounts WHERE customer_id = $1"
        )
        .bind(jana)
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(
            query(&format!("#{account}")),
            CustomerQuery::Account(AccountId::trusted(account))
        );
        assert_eq!(names(&db, &account.to_string()).await, ["Jana Nováková"]);

        // Any word, by its beginning, without case or diacritics; every word typed must match.
        assert_eq!(names(&db, "novakova").await, ["Jana Nováková"]);
        let novak = names(&db, "NOVÁK").await;
        assert!(novak.contains(&"Jana Nováková".to_string()), "{novak:?}");
        for name in &novak {
            let words = selfcare::locale::name_words(name);
            assert!(words.iter().any(|w| w.starts_with("novak")), "{name}");
        }
        assert_eq!(names(&db, "jana nov").await, ["Jana Nováková"]);
        assert!(names(&db, "piotr nov").await.is_empty());
        assert_eq!(names(&db, "kowals").await, ["Piotr Kowalski"]);
        assert!(names(&db, "nobody-here").await.is_empty());
        assert!(names(&db, "nobody@example.com").await.is_empty());
        assert!(names(&db, "+420 700 000 000").await.is_empty());
        assert!(names(&db, "99999999").await.is_empty());
    })
    .await;
}

/// Many customers sharing a word are listed at most `limit` at a time, each once.
#[tokio::test]
async fn a_search_lists_at_most_the_limit() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let rows: Vec<(i64, String)> = (0..30)
            .map(|i| (10_000 + i, format!("Jan Janák {i}")))
            .collect();
        for (id, name) in &rows {
            on_db!(&db, |pool| {
                sqlx::query(
                    "INSERT INTO customers (id, kind, name, email, language, currency, created_at) \
                     VALUES ($1, 'private', $2, $3, 'cs', 'CZK', $4)",
                )
                .bind(id)
                .bind(name)
                .bind(format!("jan{id}@example.com"))
                .bind(now())
                .execute(pool)
                .await
                .unwrap();
                for word in selfcare::locale::name_words(name) {
                    sqlx::query(
                        "INSERT INTO customer_name_words (word, customer_id) VALUES ($1, $2)",
                    )
                    .bind(word)
                    .bind(id)
                    .execute(pool)
                    .await
                    .unwrap();
                }
            });
        }
        let found = db.search_customers(&query("jan"), 20).await.unwrap();
        assert_eq!(found.len(), 20);
        let mut ids: Vec<_> = found.iter().map(|m| m.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), 20, "each customer once");
    })
    .await;
}

/// Customers that existed before the name index are indexed when the database is migrated.
#[tokio::test]
async fn customers_from_before_the_name_index_are_found_after_migrating() {
    for_each_engine(|db| async move {
        seeded(&db, 3).await;
        on_db!(&db, |pool| {
            sqlx::query("DELETE FROM customer_name_words")
                .execute(pool)
                .await
                .unwrap();
            sqlx::query("INSERT INTO app_meta (key, value) VALUES ('name_words_pending', '1')")
                .execute(pool)
                .await
                .unwrap();
        });
        assert!(names(&db, "novakova").await.is_empty());
        db.migrate().await.unwrap();
        assert_eq!(names(&db, "novakova").await, ["Jana Nováková"]);
    })
    .await;
}

/// Every lookup of the search reads an index on both engines: no statement scans customers,
/// lines, billing accounts or the name words.
#[tokio::test]
async fn every_search_key_reads_an_index() {
    for_each_engine(|db| async move {
        seeded(&db, 30).await;
        for (text, index) in [
            ("+420 601 123 456", "msisdn"),
            ("demo@example.com", "customers_email"),
            ("#1", "billing_accounts"),
            ("novakova", "customer_name_words"),
            ("jana novak", "customer_name_words"),
        ] {
            let plan = db.explain_customer_search(&query(text)).await.unwrap();
            let plan_text = plan.join("\n");
            assert!(plan_text.contains(index), "{text}: {plan_text}");
            for line in &plan {
                let full_scan = match db {
                    // `SCAN t` reads a whole table (or a whole index); `SEARCH` reads a range.
                    Db::Sqlite(_) => line.trim_start().starts_with("SCAN "),
                    Db::Postgres(_) => line.contains("Seq Scan"),
                };
                assert!(!full_scan, "{text}: {plan_text}");
            }
            assert!(plan
                .iter()
                .any(|l| l.contains("SEARCH") || l.contains("Index")));
        }
    })
    .await;
}
