//! Store tests for the support team, on SQLite and (with `SELFCARE_TEST_POSTGRES`) PostgreSQL:
//! an admin adds a member who can then sign in; an email is taken once; role changes, disabling
//! (which ends the member's sessions) and enabling are audited once each, however often they are
//! posted; an admin never changes their own account; each member's work is theirs alone.

use crate::common::{customer, for_each_engine, now, on_db, seeded};
use chrono::Duration;
use selfcare::auth::StaffRole;
use selfcare::ids::StaffId;
use selfcare::services::requests::Channel;
use selfcare::support::team::{NewStaff, TeamChange, TeamRefusal};
use selfcare_store::secrets::{hash_password, verify_password};
use selfcare_store::{Actor, Db};

async fn staff(db: &Db, email: &str) -> StaffId {
    db.staff_candidate(email)
        .await
        .unwrap()
        .expect("an active member of staff")
        .staff_id
}

/// The audit log's (actor id, action, detail) for team changes, oldest first.
/// The team's audit entries: (actor, action, what happened in words), oldest first.
async fn team_audit(db: &Db) -> Vec<(Option<i64>, String, String)> {
    let rows: Vec<(Option<i64>, String, String)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT actor_id, action, detail FROM audit_log \
         WHERE action IN ('staff_add', 'staff_role', 'staff_disable', 'staff_enable') ORDER BY id"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    rows.into_iter()
        .map(|(actor, action, json)| {
            let event: selfcare::audit::Event = serde_json::from_str(&json).unwrap();
            assert_eq!(
                event.action(),
                action,
                "the stored event is tagged with its action"
            );
            (actor, action, event.words(selfcare::locale::Language::En))
        })
        .collect()
}

#[tokio::test]
async fn an_admin_adds_a_member_who_signs_in_and_an_email_is_taken_once() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let admin = staff(&db, "admin@example.com").await;
        let names: Vec<(String, StaffRole)> = db
            .staff_accounts()
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.email, m.role))
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.contains(&("admin@example.com".into(), StaffRole::Admin)));

        let new = NewStaff::parse("Petr.Novak@Operator.cz", "Petr Novák", "agent").unwrap();
        let id = db
            .add_staff_member(
                Actor::Staff(admin),
                &new,
                &hash_password("a first password"),
                now(),
                Some("10.0.0.9"),
            )
            .await
            .unwrap()
            .unwrap();
        let candidate = db
            .staff_candidate("petr.novak@operator.cz")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((candidate.staff_id, candidate.role), (id, StaffRole::Agent));
        assert!(verify_password(
            "a first password",
            &candidate.password_hash
        ));

        // The same email again, in other letters: refused, nothing written.
        let again = NewStaff::parse("PETR.NOVAK@operator.cz", "Someone Else", "admin").unwrap();
        assert_eq!(
            db.add_staff_member(Actor::Staff(admin), &again, "x", now(), None)
                .await
                .unwrap(),
            Err(TeamRefusal::EmailTaken)
        );
        let account = db.staff_account(id).await.unwrap().unwrap();
        assert_eq!(
            (account.name.as_str(), account.role),
            ("Petr Novák", StaffRole::Agent)
        );
        assert_eq!(
            team_audit(&db).await,
            [(
                Some(admin.get()),
                "staff_add".to_string(),
                "Petr Novák <petr.novak@operator.cz>: added as agent".to_string()
            )]
        );
    })
    .await;
}

#[tokio::test]
async fn role_changes_and_disabling_are_audited_once_and_disabling_ends_sessions() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let admin = staff(&db, "admin@example.com").await;
        let agent = staff(&db, "agent@example.com").await;
        let change = |change| db.change_staff_member(admin, agent, change, now(), "10.0.0.9");

        let (after, changed) = change(TeamChange::Role(StaffRole::Supervisor))
            .await
            .unwrap()
            .unwrap();
        assert!(changed);
        assert_eq!(after.role, StaffRole::Supervisor);
        assert_eq!(
            db.active_staff(agent).await.unwrap().unwrap().role,
            StaffRole::Supervisor
        );
        // Posted again (a double click, a retry): nothing changes, nothing more is logged.
        let (_, changed) = change(TeamChange::Role(StaffRole::Supervisor))
            .await
            .unwrap()
            .unwrap();
        assert!(!changed);

        db.create_staff_session(agent, "h-agent", now(), "10.0.0.1", "test")
            .await
            .unwrap();
        let (after, changed) = change(TeamChange::Disable).await.unwrap().unwrap();
        assert!(changed && after.disabled_at == Some(now()));
        assert!(db.use_session("h-agent", now()).await.unwrap().is_none());
        assert!(db
            .staff_candidate("agent@example.com")
            .await
            .unwrap()
            .is_none());
        assert!(db.active_staff(agent).await.unwrap().is_none());
        let (_, changed) = change(TeamChange::Disable).await.unwrap().unwrap();
        assert!(!changed);
        // Disabled members are listed last.
        let last = db.staff_accounts().await.unwrap().pop().unwrap();
        assert_eq!(last.id, agent);

        let (after, changed) = change(TeamChange::Enable).await.unwrap().unwrap();
        assert!(changed && after.disabled_at.is_none());
        assert_eq!(staff(&db, "agent@example.com").await, agent);

        let actions: Vec<String> = team_audit(&db).await.into_iter().map(|a| a.1).collect();
        assert_eq!(actions, ["staff_role", "staff_disable", "staff_enable"]);
    })
    .await;
}

#[tokio::test]
async fn an_admin_never_changes_their_own_account_nor_a_missing_one() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let admin = staff(&db, "admin@example.com").await;
        for change in [
            TeamChange::Disable,
            TeamChange::Role(StaffRole::Agent),
            TeamChange::Role(StaffRole::Admin),
        ] {
            assert_eq!(
                db.change_staff_member(admin, admin, change, now(), "10.0.0.9")
                    .await
                    .unwrap(),
                Err(TeamRefusal::Yourself)
            );
        }
        assert_eq!(
            db.change_staff_member(
                admin,
                StaffId::trusted(999_999),
                TeamChange::Disable,
                now(),
                "x"
            )
            .await
            .unwrap(),
            Err(TeamRefusal::NoSuchMember)
        );
        assert_eq!(
            db.active_staff(admin).await.unwrap().unwrap().role,
            StaffRole::Admin
        );
        assert!(team_audit(&db).await.is_empty());
    })
    .await;
}

/// Two admins changing one member at once: each change is applied and logged once, in turn.
#[tokio::test]
async fn concurrent_changes_to_one_member_are_applied_in_turn() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let admin = staff(&db, "admin@example.com").await;
        let agent = staff(&db, "agent@example.com").await;
        let tries = (0..8).map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                db.change_staff_member(admin, agent, TeamChange::Disable, now(), "x")
                    .await
                    .unwrap()
                    .unwrap()
                    .1
            })
        });
        let mut changed = 0;
        for t in tries {
            changed += usize::from(t.await.unwrap());
        }
        assert_eq!(changed, 1);
        assert_eq!(team_audit(&db).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_members_work_is_theirs_newest_first_with_the_customers_named() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let agent = staff(&db, "agent@example.com").await;
        let supervisor = staff(&db, "supervisor@example.com").await;
        let jana = customer(&db, "demo@example.com").await;
        let (code, _) = db
            .issue_code(jana, Channel::Phone, None, now())
            .await
            .unwrap();
        db.verify_code(
            agent,
            jana,
            Channel::Phone,
            &code,
            now() + Duration::minutes(1),
        )
        .await
        .unwrap()
        .unwrap();
        db.open_without_code(
            supervisor,
            jana,
            Channel::Chat,
            "The customer is in hospital",
            now() + Duration::minutes(2),
        )
        .await
        .unwrap();

        let work = db.staff_activity(agent, 100).await.unwrap();
        assert_eq!(work.len(), 1, "{work:?}");
        assert_eq!(work[0].action, "code_verified");
        let (id, name, _) = work[0].customer.clone().unwrap();
        assert_eq!(id, jana);
        assert_eq!(name, "Jana Nováková");
        let work = db.staff_activity(supervisor, 100).await.unwrap();
        assert_eq!(
            work.iter().map(|w| w.action.as_str()).collect::<Vec<_>>(),
            ["staff_override"]
        );
        assert!(db.staff_activity(agent, 0).await.unwrap().is_empty());
    })
    .await;
}

/// A new password replaces the old, ends the member's other sessions but not the one it was
/// changed in, and is audited.
#[tokio::test]
async fn a_new_staff_password_ends_the_other_sessions() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let agent = staff(&db, "agent@example.com").await;
        for hash in ["h-here", "h-elsewhere"] {
            db.create_staff_session(agent, hash, now(), "10.0.0.1", "test")
                .await
                .unwrap();
        }
        db.set_staff_password(
            agent,
            &hash_password("a brand new password"),
            "h-here",
            now(),
            "10.0.0.1",
        )
        .await
        .unwrap();
        let stored = db.staff_password_hash(agent).await.unwrap().unwrap();
        assert!(verify_password("a brand new password", &stored));
        assert!(!verify_password(
            selfcare::demo::password_of("agent@example.com"),
            &stored
        ));
        assert!(db.use_session("h-here", now()).await.unwrap().is_some());
        assert!(db
            .use_session("h-elsewhere", now())
            .await
            .unwrap()
            .is_none());
        let audited: i64 = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff_password' AND actor_id = $1"
        )
        .bind(agent)
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(audited, 1);
    })
    .await;
}

/// A broken unique constraint is named by what it keeps unique, on both engines (SQLite names
/// no constraint, only the table and column).
#[tokio::test]
async fn a_broken_unique_constraint_says_which_it_is() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let insert = "INSERT INTO staff_users (email, name, role, password_hash, created_at) \
                      VALUES ('agent@example.com', 'Copy', 'agent', 'x', $1)";
        let error: selfcare_store::StoreError = on_db!(&db, |pool| sqlx::query(insert)
            .bind(now())
            .execute(pool)
            .await
            .unwrap_err())
        .into();
        assert!(
            matches!(
                error,
                selfcare_store::StoreError::Duplicate(selfcare_store::Unique::StaffEmail)
            ),
            "{error:?}"
        );
        let insert =
            "UPDATE customers SET email = 'demo@example.com' WHERE email = 'prepaid@example.com'";
        let error: selfcare_store::StoreError = on_db!(&db, |pool| sqlx::query(insert)
            .execute(pool)
            .await
            .unwrap_err())
        .into();
        assert!(
            matches!(
                error,
                selfcare_store::StoreError::Duplicate(selfcare_store::Unique::CustomerEmail)
            ),
            "{error:?}"
        );
    })
    .await;
}

/// Two admins demote each other at the same moment, many times over: every admin's row is
/// locked first, so one change goes through and the other finds its admin demoted; there is
/// always an active admin left.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_demoting_each_other_at_once_leave_an_admin() {
    for_each_engine(|db| async move {
        seeded(&db, 0).await;
        let first = staff(&db, "admin@example.com").await;
        let new = NewStaff::parse("second.admin@example.com", "Second Admin", "admin").unwrap();
        let second = db
            .add_staff_member(Actor::Staff(first), &new, &hash_password("x"), now(), None)
            .await
            .unwrap()
            .unwrap();
        for round in 0..5 {
            let demote = |by: StaffId, whom: StaffId| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.change_staff_member(by, whom, TeamChange::Role(StaffRole::Agent), now(), "")
                        .await
                        .unwrap()
                })
            };
            let (a, b) = (demote(first, second), demote(second, first));
            let outcomes = [a.await.unwrap(), b.await.unwrap()];
            let admins: i64 = on_db!(&db, |pool| sqlx::query_scalar(
                "SELECT COUNT(*) FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL"
            )
            .fetch_one(pool)
            .await
            .unwrap());
            assert_eq!(admins, 1, "round {round}: {outcomes:?}");
            assert_eq!(
                outcomes.iter().filter(|o| o.is_ok()).count(),
                1,
                "{outcomes:?}"
            );
            assert!(
                outcomes.contains(&Err(TeamRefusal::NoLongerAdmin)),
                "{outcomes:?}"
            );
            // Back to two admins for the next round: the remaining one promotes the other.
            let (admin, demoted) = if outcomes[0].is_ok() {
                (first, second)
            } else {
                (second, first)
            };
            db.change_staff_member(
                admin,
                demoted,
                TeamChange::Role(StaffRole::Admin),
                now(),
                "",
            )
            .await
            .unwrap()
            .unwrap();
        }
    })
    .await;
}
