//! Store tests for one-time verification codes and agents' access, on SQLite and (with
//! `SELFCARE_TEST_POSTGRES`) PostgreSQL: a code works once, for its customer and channel, for
//! five minutes; wrong codes lock; guesses, also concurrent ones, cannot get past the lock; the
//! customer sees every access; and PostgreSQL refuses to change the audit log.

use crate::common::{customer, for_each_engine, now, on_db, seeded};
use chrono::Duration;
use selfcare::ids::{CustomerId, StaffId};
use selfcare::locale::Language;
use selfcare::services::requests::Channel;
use selfcare::support::access::{AccessEntry, AccessVia};
use selfcare::support::codes::{CodeRefused, OneTimeCode};
use selfcare_store::Db;

/// The customer's access log as their page shows it (in English).
async fn access_log(db: &Db, who: CustomerId, limit: i64) -> Vec<AccessEntry> {
    AccessEntry::of_records(db.audit_of(who, limit).await.unwrap(), Language::En)
}

async fn agent(db: &Db) -> StaffId {
    db.staff_login("agent@example.com")
        .await
        .unwrap()
        .expect("the demo agent")
        .0
}

async fn jana(db: &Db) -> CustomerId {
    customer(db, "demo@example.com").await
}

/// A code that is not `right`.
fn another(right: &OneTimeCode, n: u32) -> OneTimeCode {
    let candidate = OneTimeCode::parse(&format!("{:06}", n % 1_000_000)).unwrap();
    if &candidate == right {
        OneTimeCode::parse(&format!("{:06}", (n + 1) % 1_000_000)).unwrap()
    } else {
        candidate
    }
}

#[tokio::test]
async fn a_code_opens_the_customer_to_the_agent_once_and_the_customer_sees_who() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let (who, staff) = (jana(&db).await, agent(&db).await);
        let (code, expires) = db
            .issue_code(who, Channel::Phone, None, now())
            .await
            .unwrap();
        assert_eq!(expires, now() + Duration::minutes(5));
        assert_eq!(db.verify_state(who, now()).await.unwrap().live.len(), 1);
        assert!(db.staff_access(staff, who, now()).await.unwrap().is_none());

        let at = now() + Duration::minutes(1);
        let access = db
            .verify_code(staff, who, Channel::Phone, &code, at)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(access.via, AccessVia::Code);
        assert_eq!(access.expires_at, at + Duration::minutes(30));
        let phrase = access.check_phrase.clone().unwrap();
        assert_eq!(db.staff_access(staff, who, at).await.unwrap(), Some(access));
        assert!(db
            .staff_access(staff, who, at + Duration::minutes(31))
            .await
            .unwrap()
            .is_none());

        // The customer's page: who verified, by which channel, with the same check phrase.
        let state = db.verify_state(who, at).await.unwrap();
        let verified = state.verified.unwrap();
        assert_eq!(verified.channel, Channel::Phone);
        assert_eq!(verified.check_phrase, phrase);
        assert!(state.live.is_empty());

        // It works once.
        assert!(matches!(
            db.verify_code(staff, who, Channel::Phone, &code, at)
                .await
                .unwrap(),
            Err(CodeRefused::Wrong { .. })
        ));
        let log: Vec<String> = access_log(&db, who, 20)
            .await
            .into_iter()
            .map(|e| e.what)
            .collect();
        assert_eq!(
            log[..3],
            [
                "Wrong verification code typed",
                "Verified with a code",
                "Verification code issued"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn expired_other_channel_revoked_and_other_customers_codes_fail_the_same_way() {
    for_each_engine(|db| async move {
        seeded(&db, 2).await;
        let (who, staff) = (jana(&db).await, agent(&db).await);
        let other = customer(&db, "prepaid@example.com").await;
        let (code, _) = db
            .issue_code(who, Channel::Chat, None, now())
            .await
            .unwrap();
        let wrong = |r: &Result<_, CodeRefused>| matches!(r, Err(CodeRefused::Wrong { .. }));
        // Another customer, another channel, too late.
        assert!(wrong(
            &db.verify_code(staff, other, Channel::Chat, &code, now())
                .await
                .unwrap()
        ));
        assert!(wrong(
            &db.verify_code(staff, who, Channel::Phone, &code, now())
                .await
                .unwrap()
        ));
        assert!(wrong(
            &db.verify_code(
                staff,
                who,
                Channel::Chat,
                &code,
                now() + Duration::minutes(6)
            )
            .await
            .unwrap()
        ));
        // A new code for the channel revokes the old one.
        let (newer, _) = db
            .issue_code(who, Channel::Chat, None, now() + Duration::minutes(1))
            .await
            .unwrap();
        if newer != code {
            assert!(wrong(
                &db.verify_code(
                    staff,
                    who,
                    Channel::Chat,
                    &code,
                    now() + Duration::minutes(1)
                )
                .await
                .unwrap()
            ));
        }
        assert!(db
            .verify_code(
                staff,
                who,
                Channel::Chat,
                &newer,
                now() + Duration::minutes(2)
            )
            .await
            .unwrap()
            .is_ok());
    })
    .await;
}

#[tokio::test]
async fn five_wrong_codes_lock_and_a_new_code_does_not_reset_the_count() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let (who, staff) = (jana(&db).await, agent(&db).await);
        let (code, _) = db
            .issue_code(who, Channel::Phone, None, now())
            .await
            .unwrap();
        for n in 0..4 {
            let outcome = db
                .verify_code(staff, who, Channel::Phone, &another(&code, n), now())
                .await
                .unwrap();
            assert_eq!(
                outcome,
                Err(CodeRefused::Wrong {
                    tries_left: 4 - i64::from(n)
                })
            );
        }
        // A new code does not reset the count: one more wrong one locks.
        let (code, _) = db
            .issue_code(who, Channel::Phone, None, now())
            .await
            .unwrap();
        assert_eq!(
            db.verify_code(staff, who, Channel::Phone, &another(&code, 7), now())
                .await
                .unwrap(),
            Err(CodeRefused::Wrong { tries_left: 0 })
        );
        let locked = db.verify_state(who, now()).await.unwrap().locked_until;
        assert_eq!(locked, Some(now() + Duration::minutes(15)));
        // Even the right code is refused while locked, and not counted.
        assert!(matches!(
            db.verify_code(
                staff,
                who,
                Channel::Phone,
                &code,
                now() + Duration::minutes(1)
            )
            .await
            .unwrap(),
            Err(CodeRefused::Locked { .. })
        ));
        // After the lock, a fresh code works.
        let later = now() + Duration::minutes(16);
        let (code, _) = db
            .issue_code(who, Channel::Phone, None, later)
            .await
            .unwrap();
        assert!(db
            .verify_code(staff, who, Channel::Phone, &code, later)
            .await
            .unwrap()
            .is_ok());
    })
    .await;
}

/// Guessing through the code space, one code after another and twenty at once: only five are
/// ever checked before the lock, the right code among the guesses does not get through, and
/// the count is exact however many agents guess concurrently.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_cannot_get_past_the_lock_even_concurrently() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let (who, staff) = (jana(&db).await, agent(&db).await);
        let (code, _) = db
            .issue_code(who, Channel::Phone, None, now())
            .await
            .unwrap();
        let guesses: Vec<_> = (0..20u32)
            .map(|n| {
                let db = db.clone();
                let guess = if n == 10 {
                    code.clone()
                } else {
                    another(&code, n * 37_013)
                };
                tokio::spawn(async move {
                    db.verify_code(staff, who, Channel::Phone, &guess, now())
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for guess in guesses {
            outcomes.push(guess.await.unwrap());
        }
        let checked: i64 = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM code_attempts WHERE customer_id = $1 AND succeeded = FALSE"
        )
        .bind(who)
        .fetch_one(pool)
        .await
        .unwrap());
        let opened = outcomes.iter().filter(|o| o.is_ok()).count();
        // At most five wrong codes checked; if the right code was checked before the lock it
        // opened once, else never; the rest were refused as locked without being checked.
        assert!(checked <= 5, "{checked}");
        assert!(opened <= 1);
        let wrong = outcomes
            .iter()
            .filter(|o| matches!(o, Err(CodeRefused::Wrong { .. })))
            .count();
        assert_eq!(i64::try_from(wrong).unwrap(), checked);
        assert_eq!(
            wrong
                + opened
                + outcomes
                    .iter()
                    .filter(|o| matches!(o, Err(CodeRefused::Locked { .. })))
                    .count(),
            20
        );

        // Sequentially through the code space: nothing after the lock is checked at all.
        let later = now() + Duration::hours(1);
        let (code, _) = db
            .issue_code(who, Channel::Messenger, None, later)
            .await
            .unwrap();
        let mut opened = 0;
        for n in 0..200u32 {
            let guess = if n == 100 {
                code.clone()
            } else {
                another(&code, n)
            };
            if db
                .verify_code(staff, who, Channel::Messenger, &guess, later)
                .await
                .unwrap()
                .is_ok()
            {
                opened += 1;
            }
        }
        assert_eq!(
            opened, 0,
            "the right code at try 100 is refused: codes are locked after 5"
        );
    })
    .await;
}

#[tokio::test]
async fn a_supervisor_opens_without_a_code_only_with_a_reason_the_customer_reads() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let (who, staff) = (jana(&db).await, agent(&db).await);
        let reason = "Customer in hospital; husband calling with power of attorney";
        let access = db
            .open_without_code(staff, who, Channel::Phone, reason, now())
            .await
            .unwrap();
        assert_eq!(access.via, AccessVia::Override);
        assert_eq!(
            db.staff_access(staff, who, now()).await.unwrap(),
            Some(access)
        );
        let log = access_log(&db, who, 5).await;
        assert_eq!(log[0].what, "Opened without a code");
        assert!(log[0].detail.contains(reason));
        assert!(log[0].who.contains("support staff"));
    })
    .await;
}

#[tokio::test]
async fn postgres_refuses_to_change_or_remove_audit_entries() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let who = jana(&db).await;
        db.issue_code(who, Channel::Phone, None, now())
            .await
            .unwrap();
        if let Db::Postgres(pool) = &db {
            let update = sqlx::query("UPDATE audit_log SET detail = 'nothing happened'")
                .execute(pool)
                .await;
            assert!(update.unwrap_err().to_string().contains("append-only"));
            let delete = sqlx::query("DELETE FROM audit_log").execute(pool).await;
            assert!(delete.unwrap_err().to_string().contains("append-only"));
            let truncate = sqlx::query("TRUNCATE audit_log").execute(pool).await;
            assert!(truncate.is_err());
        }
        let entries = access_log(&db, who, 5).await;
        assert_eq!(entries[0].what, "Verification code issued");
    })
    .await;
}
