//! Store tests for add-ons and service requests, on SQLite and (with `SELFCARE_TEST_POSTGRES`)
//! PostgreSQL: the catalog each customer may take, activating, switching and ending with the
//! figures the preview showed, prepaid charges taken once, refusals that change nothing,
//! repeated and concurrent confirmations, and scheduled changes applied on their day.

use std::sync::Arc;

use crate::common::{customer, for_each_engine, now, on_db, seeded};
use chrono::{DateTime, Duration, Utc};
use selfcare::ids::{AddonId, CustomerId, LineAddonId, LineId};
use selfcare::locale::Language;
use selfcare::money::Money;
use selfcare::services::addons::{Change, LineServices, Preview, Refusal, When};
use selfcare::services::requests::{RequestKind, RequestStatus};
use selfcare_store::{Db, Requester, StoreError};

async fn demo(db: &Db) {
    seeded(db, 4).await;
}

/// A customer's first line (by number) and that line's services.
async fn first_line(db: &Db, email: &str) -> (CustomerId, LineId, LineServices) {
    let who = customer(db, email).await;
    let lines = db.service_lines(who).await.unwrap();
    let line = lines[0].id;
    (who, line, db.line_services(who, line, now()).await.unwrap())
}

fn addon_id(services: &LineServices, code_suffix: &str) -> AddonId {
    services
        .catalog
        .iter()
        .find(|a| a.code.ends_with(code_suffix))
        .unwrap_or_else(|| panic!("{code_suffix} offered"))
        .id
}

fn active_id(services: &LineServices, code_suffix: &str) -> LineAddonId {
    let addon = addon_id(services, code_suffix);
    services
        .active
        .iter()
        .find(|a| a.addon == addon)
        .unwrap()
        .id
}

async fn preview(db: &Db, who: CustomerId, line: LineId, change: Change) -> Preview {
    db.preview_change(who, line, change, now())
        .await
        .unwrap()
        .unwrap()
}

async fn count(db: &Db, sql: &str, line: LineId) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(line)
        .fetch_one(pool)
        .await
        .unwrap())
}

async fn active_rows(db: &Db, line: LineId, addon: AddonId, at: DateTime<Utc>) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM line_addons WHERE line_id = $1 AND addon_id = $2 \
         AND (ended_at IS NULL OR ended_at > $3)"
    )
    .bind(line)
    .bind(addon)
    .bind(at)
    .fetch_one(pool)
    .await
    .unwrap())
}

/// Gives a prepaid line `cents` of credit.
async fn set_credit(db: &Db, line: LineId, cents: i64) {
    on_db!(db, |pool| sqlx::query(
        "UPDATE lines SET credit_cents = $1 WHERE id = $2"
    )
    .bind(cents)
    .bind(line)
    .execute(pool)
    .await
    .unwrap()
    .rows_affected());
}

fn activate(addon: AddonId) -> Change {
    Change::Activate {
        addon,
        when: When::Now,
    }
}

#[tokio::test]
async fn each_customer_is_offered_only_what_their_kind_and_line_may_take() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (_, _, private) = first_line(&db, "demo@example.com").await;
        let codes = |s: &LineServices| s.catalog.iter().map(|a| a.code.clone()).collect::<Vec<_>>();
        assert!(codes(&private).iter().all(|c| c.starts_with("cz-")));
        assert!(codes(&private).contains(&"cz-tv".to_string()));
        assert!(!codes(&private).contains(&"cz-priority-support".to_string()));

        let (_, _, prepaid) = first_line(&db, "prepaid@example.com").await;
        assert!(codes(&prepaid).iter().all(|c| c.starts_with("pl-")));
        assert!(codes(&prepaid).contains(&"pl-data-5gb".to_string()));
        // Postpaid-only add-ons are not offered to a prepaid line.
        assert!(!codes(&prepaid).contains(&"pl-tv".to_string()));

        let (_, _, business) = first_line(&db, "business@example.com").await;
        assert!(codes(&business)
            .iter()
            .any(|c| c.ends_with("priority-support")));
    })
    .await;
}

#[tokio::test]
async fn taking_an_add_on_on_postpaid_records_the_pro_rata_charge_the_request_and_the_audit() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, services) = first_line(&db, "demo@example.com").await;
        let tv = addon_id(&services, "-tv");
        let p = preview(&db, who, line, activate(tv)).await;
        assert!(!p.from_credit);
        let price = services.catalog.iter().find(|a| a.id == tv).unwrap().price;
        assert!(p.charge.amount <= price.amount);
        let audits = count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'addon_activate' AND $1 > 0",
            line,
        )
        .await;

        let outcome = db
            .change_addon(
                who,
                line,
                activate(tv),
                p.charge,
                "key-tv-1",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        assert!(!outcome.repeated);
        assert_eq!(outcome.request.status, RequestStatus::Done);
        assert_eq!(outcome.request.kind, RequestKind::Activate);
        assert_eq!(outcome.request.charge, p.charge);
        assert_eq!(outcome.credit, None);
        assert_eq!(active_rows(&db, line, tv, now()).await, 1);
        let after = db.line_services(who, line, now()).await.unwrap();
        assert!(after.is_active(tv));
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'addon_activate' AND $1 > 0",
                line
            )
            .await,
            audits + 1
        );
        // The customer's requests list it first.
        let page = db.service_requests(who, None, 20).await.unwrap();
        assert_eq!(page.items[0].id, outcome.request.id);
        assert_eq!(
            page.items[0].requested_by,
            selfcare::services::requests::RequestedBy::Customer
        );
    })
    .await;
}

#[tokio::test]
async fn an_incompatible_add_on_switches_and_the_old_one_ends() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, services) = first_line(&db, "demo@example.com").await;
        // Jana's line has Data 5 GB; Data 20 GB cannot be active with it.
        let small = active_id(&services, "-data-5gb");
        let big = addon_id(&services, "-data-20gb");
        let p = preview(&db, who, line, activate(big)).await;
        assert_eq!(p.kind, RequestKind::Switch);
        assert_eq!(p.replaces.len(), 1);
        assert_eq!(p.replaces[0].id, small);
        let outcome = db
            .change_addon(
                who,
                line,
                activate(big),
                p.charge,
                "switch-1",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        assert_eq!(outcome.request.kind, RequestKind::Switch);
        let after = db.line_services(who, line, now()).await.unwrap();
        assert!(after.is_active(big));
        assert!(!after.active.iter().any(|a| a.id == small));
    })
    .await;
}

#[tokio::test]
async fn ending_inside_the_commitment_costs_the_fee_or_is_refused_and_changes_nothing() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, services) = first_line(&db, "demo@example.com").await;
        let insurance = active_id(&services, "-insurance");
        let end = Change::End {
            line_addon: insurance,
            when: When::Now,
        };
        let p = preview(&db, who, line, end).await;
        let fee = p
            .end_fee
            .expect("inside its 24-month commitment, with a fee");
        assert_eq!(p.charge, fee);
        let outcome = db
            .change_addon(
                who,
                line,
                end,
                fee,
                "end-1",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        assert_eq!(outcome.request.status, RequestStatus::Done);
        assert_eq!(outcome.request.charge, fee);
        let after = db.line_services(who, line, now()).await.unwrap();
        assert!(!after.active.iter().any(|a| a.id == insurance));

        // Without a fee in the catalog, ending inside the commitment is refused, recorded as a
        // failed request, and the add-on stays.
        on_db!(&db, |pool| sqlx::query(
            "UPDATE addons SET early_end_fee_cents = NULL WHERE code LIKE '%-insurance'"
        )
        .execute(pool)
        .await
        .unwrap()
        .rows_affected());
        let (tomas_owner, tomas_line) = {
            let lines = db.service_lines(who).await.unwrap();
            (who, lines[1].id)
        };
        let services = db
            .line_services(tomas_owner, tomas_line, now())
            .await
            .unwrap();
        let insurance = active_id(&services, "-insurance");
        let end = Change::End {
            line_addon: insurance,
            when: When::Now,
        };
        let refused = db
            .preview_change(who, tomas_line, end, now())
            .await
            .unwrap();
        assert!(
            matches!(refused, Err(Refusal::InCommitment { .. })),
            "{refused:?}"
        );
        let outcome = db
            .change_addon(
                who,
                tomas_line,
                end,
                Money::from_cents(0, fee.currency),
                "end-2",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        assert_eq!(outcome.request.status, RequestStatus::Failed);
        assert!(outcome
            .request
            .failure_text(Language::En)
            .unwrap()
            .contains("commitment"));
        let still = db.line_services(who, tomas_line, now()).await.unwrap();
        assert!(still.active.iter().any(|a| a.id == insurance));
    })
    .await;
}

#[tokio::test]
async fn on_prepaid_the_charge_and_the_activation_happen_together_or_not_at_all() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, _) = first_line(&db, "prepaid@example.com").await;
        set_credit(&db, line, 10_000).await;
        let services = db.line_services(who, line, now()).await.unwrap();
        let data = addon_id(&services, "-data-20gb");
        let credit = services.terms.credit.unwrap();
        let p = preview(&db, who, line, activate(data)).await;
        assert!(p.from_credit);
        let ledger = count(
            &db,
            "SELECT COUNT(*) FROM credit_ledger WHERE line_id = $1",
            line,
        )
        .await;

        // Too little credit: refused, nothing charged, nothing active.
        set_credit(&db, line, p.charge.cents() - 1).await;
        let refused = db
            .change_addon(
                who,
                line,
                activate(data),
                p.charge,
                "poor",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        assert_eq!(refused.request.status, RequestStatus::Failed);
        assert!(refused
            .request
            .failure_text(Language::En)
            .unwrap()
            .contains("Top up"));
        assert_eq!(active_rows(&db, line, data, now()).await, 0);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM credit_ledger WHERE line_id = $1",
                line
            )
            .await,
            ledger
        );

        // Enough credit: charged once, with its ledger entry.
        set_credit(&db, line, credit.cents()).await;
        let done = db
            .change_addon(
                who,
                line,
                activate(data),
                p.charge,
                "rich",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        assert_eq!(done.request.status, RequestStatus::Done);
        let left = db.credit_line(who, line).await.unwrap().credit;
        assert_eq!(left.amount, credit.amount - p.charge.amount);
        assert_eq!(done.credit, Some(left));
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM credit_ledger WHERE line_id = $1",
                line
            )
            .await,
            ledger + 1
        );
        assert_eq!(active_rows(&db, line, data, now()).await, 1);
    })
    .await;
}

#[tokio::test]
async fn the_same_confirmation_twice_changes_and_charges_once() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, services) = first_line(&db, "prepaid@example.com").await;
        let music = addon_id(&services, "-music");
        let p = preview(&db, who, line, activate(music)).await;
        let credit = services.terms.credit.unwrap();
        let first = db
            .change_addon(
                who,
                line,
                activate(music),
                p.charge,
                "same-key",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        let again = db
            .change_addon(
                who,
                line,
                activate(music),
                p.charge,
                "same-key",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        assert!(!first.repeated && again.repeated);
        assert_eq!(again.request.id, first.request.id);
        assert_eq!(
            db.credit_line(who, line).await.unwrap().credit.amount,
            credit.amount - p.charge.amount
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM service_requests WHERE line_id = $1",
                line
            )
            .await,
            1
        );
    })
    .await;
}

/// Two tabs and a double click confirming the same add-on at the same moment: twelve
/// confirmations, four keys, really concurrent (on PostgreSQL each on its own connection).
/// Exactly one activates and charges; the rest are the same request again or "already active".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_confirmations_change_and_charge_exactly_once() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, _) = first_line(&db, "prepaid@example.com").await;
        set_credit(&db, line, 10_000).await;
        let services = db.line_services(who, line, now()).await.unwrap();
        let data = addon_id(&services, "-data-20gb");
        let credit = services.terms.credit.unwrap();
        let p = preview(&db, who, line, activate(data)).await;
        let start = Arc::new(tokio::sync::Barrier::new(12));
        let tasks: Vec<_> = (0..12)
            .map(|i| {
                let (db, start) = (db.clone(), start.clone());
                let charge = p.charge;
                tokio::spawn(async move {
                    start.wait().await;
                    let key = format!("tab-{}", i % 4);
                    db.change_addon(who, line, activate(data), charge, &key, Requester::customer(who), None, now())
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        let done: Vec<_> = outcomes
            .iter()
            .filter(|o| !o.repeated && o.request.status == RequestStatus::Done)
            .collect();
        assert_eq!(done.len(), 1, "{outcomes:#?}");
        assert_eq!(active_rows(&db, line, data, now()).await, 1);
        assert_eq!(
            db.credit_line(who, line).await.unwrap().credit.amount,
            credit.amount - p.charge.amount,
            "charged once"
        );
        let charges = count(
            &db,
            "SELECT COUNT(*) FROM credit_ledger WHERE line_id = $1 AND kind = 'charge' AND description LIKE 'Add-on%'",
            line,
        )
        .await;
        assert_eq!(charges, 1);
        // One request per key: one done, three failed as already active.
        assert_eq!(count(&db, "SELECT COUNT(*) FROM service_requests WHERE line_id = $1", line).await, 4);
    })
    .await;
}

#[tokio::test]
async fn a_confirmation_whose_figures_no_longer_hold_changes_nothing() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, services) = first_line(&db, "demo@example.com").await;
        let tv = addon_id(&services, "-tv");
        let p = preview(&db, who, line, activate(tv)).await;
        let wrong = Money::new(
            p.charge.amount - rust_decimal::Decimal::ONE,
            p.charge.currency,
        );
        let outcome = db
            .change_addon(
                who,
                line,
                activate(tv),
                wrong,
                "stale",
                Requester::customer(who),
                None,
                now(),
            )
            .await
            .unwrap();
        assert_eq!(outcome.request.status, RequestStatus::Failed);
        assert_eq!(active_rows(&db, line, tv, now()).await, 0);
    })
    .await;
}

#[tokio::test]
async fn another_customers_line_and_add_ons_are_out_of_reach() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (jana, jana_line, jana_services) = first_line(&db, "demo@example.com").await;
        let (piotr, piotr_line, piotr_services) = first_line(&db, "prepaid@example.com").await;
        assert!(matches!(
            db.line_services(piotr, jana_line, now()).await,
            Err(StoreError::NotFound)
        ));
        let tv = addon_id(&jana_services, "-tv");
        let change = activate(tv);
        assert!(matches!(
            db.change_addon(
                piotr,
                jana_line,
                change,
                Money::from_cents(0, jana_services.terms.currency),
                "x",
                Requester::customer(piotr),
                None,
                now()
            )
            .await,
            Err(StoreError::NotFound)
        ));
        // Jana's add-on id sent for Piotr's own line is not active there.
        let jana_addon = jana_services.active[0].id;
        let end = Change::End {
            line_addon: jana_addon,
            when: When::Now,
        };
        assert_eq!(
            db.preview_change(piotr, piotr_line, end, now())
                .await
                .unwrap(),
            Err(Refusal::NotActive)
        );
        // A CZK add-on is not offered on a PLN line.
        assert_eq!(
            db.preview_change(piotr, piotr_line, change, now())
                .await
                .unwrap(),
            Err(Refusal::NotOffered)
        );
        let _ = (jana, piotr_services);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scheduled_change_takes_effect_on_its_day_once_whoever_runs_the_job() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, calls, request, day) = schedule_calls(&db).await;
        assert!(day.date_naive() > now().date_naive());
        assert_eq!(
            db.service_request(who, request).await.unwrap().effective_on,
            day.date_naive()
        );
        assert_eq!(active_rows(&db, line, calls, now()).await, 0);
        // Shown with the line, and not taken twice meanwhile.
        let s = db.line_services(who, line, now()).await.unwrap();
        assert_eq!(s.scheduled.len(), 1);
        assert!(matches!(
            db.preview_change(who, line, activate(calls), now())
                .await
                .unwrap(),
            Err(Refusal::AlreadyScheduled(_))
        ));

        // Before its day the job leaves it alone.
        assert_eq!(db.run_scheduled_changes(now()).await.unwrap(), 0);
        // On its day three app servers run the job at once: it is applied once.
        let runs: Vec<_> = (0..3)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { db.run_scheduled_changes(day).await.unwrap() })
            })
            .collect();
        let mut applied = 0;
        for run in runs {
            applied += run.await.unwrap();
        }
        assert_eq!(applied, 1);
        assert_eq!(active_rows(&db, line, calls, day).await, 1);
        let request = db.service_request(who, request).await.unwrap();
        assert_eq!(request.status, RequestStatus::Done);
        assert!(request.completed_at.is_some());
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'scheduled_change_done' AND $1 > 0",
                line
            )
            .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn a_scheduled_prepaid_change_without_credit_fails_with_the_reason() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, services) = first_line(&db, "prepaid@example.com").await;
        let data = addon_id(&services, "-data-20gb");
        let change = Change::Activate {
            addon: data,
            when: When::NextPeriod,
        };
        let p = preview(&db, who, line, change).await;
        db.change_addon(
            who,
            line,
            change,
            p.charge,
            "later",
            Requester::customer(who),
            None,
            now(),
        )
        .await
        .unwrap();
        on_db!(&db, |pool| sqlx::query(
            "UPDATE lines SET credit_cents = 0 WHERE id = $1"
        )
        .bind(line)
        .execute(pool)
        .await
        .unwrap()
        .rows_affected());
        let day = p.effective_on.and_hms_opt(0, 1, 0).unwrap().and_utc() + Duration::hours(1);
        assert_eq!(db.run_scheduled_changes(day).await.unwrap(), 1);
        let request = &db.service_requests(who, None, 1).await.unwrap().items[0];
        assert_eq!(request.status, RequestStatus::Failed);
        assert!(request
            .failure_text(Language::En)
            .unwrap()
            .contains("credit"));
        assert_eq!(active_rows(&db, line, data, day).await, 0);
    })
    .await;
}

/// Schedules the unlimited-calls add-on on the demo's first line for its next period;
/// answers the customer, line, add-on, request and the day it would take effect.
async fn schedule_calls(
    db: &Db,
) -> (
    CustomerId,
    LineId,
    AddonId,
    selfcare::ids::RequestId,
    DateTime<Utc>,
) {
    let (who, line, services) = first_line(db, "demo@example.com").await;
    let calls = addon_id(&services, "-unlimited-calls");
    let change = Change::Activate {
        addon: calls,
        when: When::NextPeriod,
    };
    let p = preview(db, who, line, change).await;
    let outcome = db
        .change_addon(
            who,
            line,
            change,
            p.charge,
            "later",
            Requester::customer(who),
            None,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(outcome.request.status, RequestStatus::Scheduled);
    let day = p.effective_on.and_hms_opt(0, 1, 0).unwrap().and_utc();
    (who, line, calls, outcome.request.id, day)
}

#[tokio::test]
async fn a_scheduled_change_cancelled_before_its_day_never_takes_effect() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, calls, request, day) = schedule_calls(&db).await;
        let other = customer(&db, "prepaid@example.com").await;

        // Another customer's request id is not theirs to cancel.
        assert!(matches!(
            db.cancel_request(other, request, Requester::customer(other), now())
                .await,
            Err(StoreError::NotFound)
        ));
        let cancelled = db
            .cancel_request(who, request, Requester::customer(who), now())
            .await
            .unwrap();
        assert_eq!(cancelled.status, RequestStatus::Cancelled);
        assert_eq!(cancelled.completed_at, Some(now()));
        // Again (a double click): nothing more happens.
        let again = db
            .cancel_request(who, request, Requester::customer(who), now())
            .await
            .unwrap();
        assert_eq!(again.status, RequestStatus::Cancelled);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'request_cancel' AND $1 > 0",
                line
            )
            .await,
            1
        );
        // No longer shown as coming, the add-on may be asked for again, and its day passes
        // without it.
        let s = db.line_services(who, line, now()).await.unwrap();
        assert!(s.scheduled.is_empty());
        assert!(db
            .preview_change(who, line, activate(calls), now())
            .await
            .unwrap()
            .is_ok());
        assert_eq!(db.run_scheduled_changes(day).await.unwrap(), 0);
        assert_eq!(active_rows(&db, line, calls, day).await, 0);
    })
    .await;
}

/// The job and a cancellation racing on the day: exactly one of them happens.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancellation_and_the_job_on_the_day_never_both_happen() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, calls, request, day) = schedule_calls(&db).await;
        let job = {
            let db = db.clone();
            tokio::spawn(async move { db.run_scheduled_changes(day).await.unwrap() })
        };
        let cancel = {
            let db = db.clone();
            tokio::spawn(async move {
                db.cancel_request(who, request, Requester::customer(who), day)
                    .await
                    .unwrap()
            })
        };
        let applied = job.await.unwrap();
        let after_cancel = cancel.await.unwrap();
        let now_is = db.service_request(who, request).await.unwrap().status;
        match now_is {
            RequestStatus::Done => {
                assert_eq!(applied, 1);
                assert_eq!(after_cancel.status, RequestStatus::Done);
                assert_eq!(active_rows(&db, line, calls, day).await, 1);
            }
            RequestStatus::Cancelled => {
                assert_eq!(applied, 0);
                assert_eq!(active_rows(&db, line, calls, day).await, 0);
            }
            other => panic!("{other:?}"),
        }
    })
    .await;
}

/// Sets one column of a request, as a test that fakes what the job meets on its day.
async fn set_request(db: &Db, request: selfcare::ids::RequestId, sql: &str) {
    on_db!(db, |pool| sqlx::query(sql)
        .bind(request)
        .execute(pool)
        .await
        .unwrap()
        .rows_affected());
}

async fn status_of(db: &Db, request: selfcare::ids::RequestId) -> String {
    on_db!(db, |pool| sqlx::query_scalar(
        "SELECT status FROM service_requests WHERE id = $1"
    )
    .bind(request)
    .fetch_one(pool)
    .await
    .unwrap())
}

/// A request the job cannot apply (a stored value it cannot read) fails on its own, and the
/// rest of the batch still runs.
#[tokio::test]
async fn one_failing_scheduled_change_does_not_stop_the_batch() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (_, _, _, broken, day) = schedule_calls(&db).await;
        let (piotr, piotr_line, services) = first_line(&db, "prepaid@example.com").await;
        let data = addon_id(&services, "-data-20gb");
        let change = Change::Activate {
            addon: data,
            when: When::NextPeriod,
        };
        let p = preview(&db, piotr, piotr_line, change).await;
        let other = db
            .change_addon(
                piotr,
                piotr_line,
                change,
                p.charge,
                "later-too",
                Requester::customer(piotr),
                None,
                now(),
            )
            .await
            .unwrap()
            .request
            .id;
        set_request(
            &db,
            broken,
            "UPDATE service_requests SET asked = 'not json' WHERE id = $1",
        )
        .await;
        let later = day.max(p.effective_on.and_hms_opt(0, 1, 0).unwrap().and_utc());
        db.run_scheduled_changes(later).await.unwrap();
        assert_eq!(status_of(&db, broken).await, "failed");
        assert_ne!(
            status_of(&db, other).await,
            "scheduled",
            "the batch went on"
        );
        assert_eq!(
            db.run_scheduled_changes(later).await.unwrap(),
            0,
            "nothing left"
        );
    })
    .await;
}

/// On its day the change costs more than the customer confirmed (the catalog changed): it is
/// refused and recorded, and nothing is added or charged.
#[tokio::test]
async fn a_scheduled_change_is_never_applied_at_another_price() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line, calls, request, day) = schedule_calls(&db).await;
        on_db!(&db, |pool| sqlx::query(
            "UPDATE addons SET price_cents = price_cents + 1000 WHERE id = $1"
        )
        .bind(calls)
        .execute(pool)
        .await
        .unwrap()
        .rows_affected());
        db.run_scheduled_changes(day).await.unwrap();
        let request = db.service_request(who, request).await.unwrap();
        assert_eq!(request.status, RequestStatus::Failed);
        let why = request.failure_text(Language::En).unwrap();
        assert!(why.contains("The price changed from"), "{why}");
        assert_eq!(active_rows(&db, line, calls, day).await, 0);
    })
    .await;
}
