//! Migrations that convert rows: a database as the release before left it, with its rows
//! written as that release wrote them, is migrated, and every row is still there and reads the
//! same, now as data where it can be read back exactly.

use crate::common::{customer, for_each_engine_at, now, on_db, seeded};
use chrono::Duration;
use selfcare::audit::{Door, Event, Page};
use selfcare::ids::{CustomerId, LineId};
use selfcare::locale::Language;
use selfcare::services::requests::RequestStatus;
use selfcare::services::roaming::RoamingAsked;
use selfcare::services::{Asked, Failure};
use selfcare::support::access::AccessEntry;
use selfcare_store::Db;

/// The last migration before requests and audit entries were stored as data.
const BEFORE_EVENTS_AS_DATA: i64 = 9;

/// Service requests as the release before wrote them: (kind, status, summary, failure).
const OLD_REQUESTS: [(&str, &str, &str, Option<&str>); 5] = [
    ("roaming", "done", "Roaming off, data roaming off", None),
    (
        "roaming",
        "done",
        "Data-roaming cap 2\u{a0}000,00\u{a0}Kč",
        None,
    ),
    ("activate", "done", "Take Data 5 GB from 25. 11. 2026", None),
    (
        "activate",
        "failed",
        "Take Data 5 GB",
        Some("This add-on is already active on this line."),
    ),
    (
        "activate",
        "failed",
        "Take Data 5 GB from 1. 12. 2026",
        Some("The line is no longer active."),
    ),
];

/// Audit entries as the release before wrote them: (actor kind, action, detail).
const OLD_AUDIT: [(&str, &str, &str); 9] = [
    (
        "customer",
        "sign_in",
        "Signed in to the portal with phone number and password",
    ),
    ("customer", "sign_out", "Signed out"),
    ("staff", "staff_view", "Invoice 2026-000123"),
    ("staff", "staff_view", "Usage of every line"),
    ("staff", "staff_search", "nováková"),
    (
        "customer",
        "low_credit_threshold",
        "Low-credit warning turned off",
    ),
    (
        "customer",
        "code_issued",
        "For Phone, valid until 10:15 UTC",
    ),
    (
        "staff",
        "staff_override",
        "By Phone, without a code. Reason: Customer in hospital, wife calling",
    ),
    (
        "customer",
        "roaming_change",
        "Roaming off, data roaming off on +420 601 123 456 (portal)",
    ),
];

async fn write_old_rows(db: &Db, who: CustomerId) {
    let line: LineId = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM lines WHERE customer_id = $1 ORDER BY id LIMIT 1")
            .bind(who)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    for (i, (kind, status, summary, failure)) in OLD_REQUESTS.into_iter().enumerate() {
        let at = now() + Duration::minutes(i as i64);
        on_db!(db, |pool| {
            sqlx::query(
                "INSERT INTO service_requests (customer_id, line_id, idempotency_key, kind, \
                 summary, requested_by_kind, channel, status, effective_on, failure, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'customer', 'portal', $6, $7, $8, $9)",
            )
            .bind(who)
            .bind(line)
            .bind(format!("old-{i}"))
            .bind(kind)
            .bind(summary)
            .bind(status)
            .bind(at.date_naive())
            .bind(failure)
            .bind(at)
            .execute(pool)
            .await
            .unwrap()
            .rows_affected()
        });
    }
    for (i, (actor, action, detail)) in OLD_AUDIT.into_iter().enumerate() {
        on_db!(db, |pool| {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_kind, actor_id, customer_id, action, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(now() + Duration::minutes(i as i64))
            .bind(actor)
            .bind(if actor == "staff" {
                Some(1_i64)
            } else {
                Some(who.get())
            })
            .bind(who)
            .bind(action)
            .bind(detail)
            .execute(pool)
            .await
            .unwrap()
            .rows_affected()
        });
    }
}

#[tokio::test]
async fn old_requests_and_audit_entries_survive_as_data_and_read_as_before() {
    for_each_engine_at(BEFORE_EVENTS_AS_DATA, |db| async move {
        seeded(&db, 0).await;
        let who = customer(&db, "demo@example.com").await;
        write_old_rows(&db, who).await;
        db.migrate().await.expect("the conversion applies");

        // Every request is there and reads as it was written.
        let requests = db.service_requests(who, None, 50).await.unwrap().items;
        let mut old: Vec<_> = requests
            .iter()
            .map(|r| (r.summary(Language::Cs), r.failure_text(Language::Cs)))
            .collect();
        old.reverse();
        let written: Vec<_> = OLD_REQUESTS
            .iter()
            .map(|(_, _, summary, failure)| (summary.to_string(), failure.map(str::to_string)))
            .collect();
        assert_eq!(old, written);
        // What could be read back exactly is data now.
        let by_key = |n: usize| &requests[requests.len() - 1 - n];
        assert_eq!(
            by_key(0).asked,
            Asked::Roaming {
                change: RoamingAsked::Switches {
                    roaming: false,
                    data_roaming: false
                }
            }
        );
        assert_eq!(by_key(4).failure, Some(Failure::LineGone));
        assert_eq!(by_key(4).status, RequestStatus::Failed);
        assert!(matches!(by_key(2).asked, Asked::AsWritten { .. }));

        // Every audit entry is there, with its action, and reads as it was written.
        let records = db.audit_of(who, 50).await.unwrap();
        let mut read: Vec<_> = records
            .iter()
            .map(|r| (r.action.clone(), r.event.words(Language::Cs)))
            .collect();
        read.reverse();
        let written: Vec<_> = OLD_AUDIT
            .iter()
            .map(|(_, action, detail)| (action.to_string(), detail.to_string()))
            .collect();
        assert_eq!(read, written);
        let event = |n: usize| &records[records.len() - 1 - n].event;
        assert_eq!(
            *event(0),
            Event::SignIn {
                door: Door::Portal,
                by_phone: true
            }
        );
        assert_eq!(*event(1), Event::SignOut { door: Door::Portal });
        assert_eq!(
            *event(2),
            Event::StaffView(Page::Invoice {
                number: "2026-000123".into()
            })
        );
        assert_eq!(*event(3), Event::StaffView(Page::UsageOfEveryLine));
        assert_eq!(*event(5), Event::LowCreditThreshold { threshold: None });
        assert!(matches!(event(7), Event::AsWritten { .. }));

        // The access log lists the same entries, in the same words.
        let log = AccessEntry::of_records(records.clone(), Language::Cs);
        assert_eq!(log.len(), 6, "{log:?}");
        assert!(log
            .iter()
            .any(|e| e.what == "Opened without a code" && e.detail.contains("in hospital")));
    })
    .await;
}
