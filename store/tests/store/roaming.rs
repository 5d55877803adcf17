//! Store tests for roaming, data roaming and the data-roaming cap, on SQLite and (with
//! `SELFCARE_TEST_POSTGRES`) PostgreSQL, including one submission sent many times at once.

use std::sync::Arc;

use crate::common::{customer, for_each_engine, now, on_db, seeded};
use selfcare::dashboard::{low_balances, LowBalance};
use selfcare::ids::{CustomerId, LineId};
use selfcare::locale::Language;
use selfcare::money::Currency;
use selfcare::services::roaming::RoamingAsked;
use selfcare::services::roaming::{
    default_cap, Cap, CapState, Refusal, RoamingAnswer, RoamingChange, RoamingOutcome,
    RoamingSettings,
};
use selfcare::services::Asked;
use selfcare_store::{Db, Requester, StoreError};

/// The demo customer (CZK) and the first of her lines (roaming and data roaming on).
async fn jana(db: &Db) -> (CustomerId, LineId) {
    seeded(db, 4).await;
    let who = customer(db, "demo@example.com").await;
    let line = db.dashboard(who, now()).await.unwrap().lines[0].id;
    (who, line)
}

async fn change(
    db: &Db,
    who: CustomerId,
    line: LineId,
    change: RoamingChange,
    key: &str,
) -> RoamingOutcome {
    db.change_roaming(
        who,
        line,
        change,
        key,
        Requester::customer(who),
        Some("192.0.2.1".into()),
        now(),
    )
    .await
    .unwrap()
}

fn czk(text: &str) -> Cap {
    Cap::parse(text, Currency::Czk, Language::Cs).unwrap()
}

/// The roaming requests of a customer: (line, what was asked in Czech words, status, channel,
/// key), oldest first.
async fn requests(db: &Db, who: CustomerId) -> Vec<(LineId, String, String, String, String)> {
    let rows: Vec<(LineId, String, String, String, String)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT line_id, asked, status, channel, idempotency_key FROM service_requests \
         WHERE customer_id = $1 AND kind = 'roaming' ORDER BY id"
    )
    .bind(who)
    .fetch_all(pool)
    .await
    .unwrap());
    rows.into_iter()
        .map(|(line, asked, status, channel, key)| {
            let asked: Asked = serde_json::from_str(&asked).unwrap();
            let Asked::Roaming { change } = asked else {
                panic!("a roaming request asks for a roaming change: {asked:?}")
            };
            (line, change.words(Language::Cs), status, channel, key)
        })
        .collect()
}

/// The roaming audit entries of a customer, in words, oldest first.
async fn roaming_audits(db: &Db, who: CustomerId) -> Vec<String> {
    let stored: Vec<String> = on_db!(db, |pool| {
        sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE customer_id = $1 AND action = 'roaming_change' ORDER BY id"
    )
    .bind(who)
    .fetch_all(pool)
    .await
    .unwrap()
    });
    stored
        .iter()
        .map(|json| {
            serde_json::from_str::<selfcare::audit::Event>(json)
                .unwrap()
                .words(Language::En)
        })
        .collect()
}

/// Stored row: (roaming_on, data_roaming_on, data_cap_cents, data_spent_cents, continue_past_cap).
async fn stored(db: &Db, line: LineId) -> Option<(bool, bool, Option<i64>, i64, bool)> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT roaming_on, data_roaming_on, data_cap_cents, data_spent_cents, continue_past_cap \
         FROM roaming_settings WHERE line_id = $1"
    )
    .bind(line)
    .fetch_optional(pool)
    .await
    .unwrap())
}

async fn set_spent(db: &Db, line: LineId, cents: i64) {
    on_db!(db, |pool| sqlx::query(
        "UPDATE roaming_settings SET data_spent_cents = $1 WHERE line_id = $2"
    )
    .bind(cents)
    .bind(line)
    .execute(pool)
    .await
    .unwrap()
    .rows_affected());
}

fn changed(outcome: &RoamingOutcome) -> String {
    match &outcome.answer {
        RoamingAnswer::Changed { message, .. } => message.clone(),
        other => panic!("expected a change, got {other:?}"),
    }
}

/// Roaming and data roaming switch at once: stored, shown on the overview, recorded as a done
/// request and an audit entry; roaming off takes data roaming with it, and says so.
#[tokio::test]
async fn roaming_switches_at_once_with_a_request_and_an_audit_entry() {
    for_each_engine(|db| async move {
        let (who, line) = jana(&db).await;
        let before = db.roaming(who, line).await.unwrap();
        assert!(before.roaming_on && before.data_roaming_on);

        let off = change(&db, who, line, RoamingChange::Roaming(false), "k1").await;
        assert!(changed(&off).contains("Data roaming is off too"));
        assert!(!off.settings.roaming_on && !off.settings.data_roaming_on);
        let now_stored = db.roaming(who, line).await.unwrap();
        assert_eq!(now_stored, off.settings);
        let overview = db.dashboard(who, now()).await.unwrap();
        assert!(!overview.lines[0].roaming_on && !overview.lines[0].data_roaming_on);

        // Data roaming cannot come back without roaming; nothing is written for the refusal.
        let refused = change(&db, who, line, RoamingChange::DataRoaming(true), "k2").await;
        assert_eq!(
            refused.answer,
            RoamingAnswer::Refused(Refusal::NeedsRoaming)
        );

        change(&db, who, line, RoamingChange::Roaming(true), "k3").await;
        change(&db, who, line, RoamingChange::DataRoaming(true), "k4").await;
        let back = db.roaming(who, line).await.unwrap();
        assert!(back.roaming_on && back.data_roaming_on);

        let written = requests(&db, who).await;
        let summaries: Vec<&str> = written.iter().map(|r| r.1.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "Roaming off, data roaming off",
                "Roaming on, data roaming off",
                "Roaming on, data roaming on"
            ]
        );
        assert!(written
            .iter()
            .all(|r| r.0 == line && r.2 == "done" && r.3 == "portal"));
        let audits = roaming_audits(&db, who).await;
        assert_eq!(audits.len(), 3);
        assert_eq!(
            audits[0],
            "Roaming off, data roaming off on +420 601 123 456 (portal)"
        );
        // The customer's list of requests shows them, newest first.
        let listed = db.service_requests(who, None, 10).await.unwrap();
        assert_eq!(
            listed.items[0].summary(Language::En),
            "Roaming on, data roaming on"
        );
    })
    .await;
}

/// A cap is set (withdrawing a choice to go on), lifted, and the 80 % and stopped states
/// follow what was spent; going on past the cap is allowed only once it stopped.
#[tokio::test]
async fn the_cap_is_set_lifted_and_gone_past_only_when_reached() {
    for_each_engine(|db| async move {
        let (who, line) = jana(&db).await;
        let set = change(&db, who, line, RoamingChange::SetCap(czk("2 000")), "c1").await;
        assert_eq!(
            changed(&set),
            "The data-roaming cap is 2\u{a0}000,00\u{a0}Kč."
        );
        assert_eq!(stored(&db, line).await.unwrap().2, Some(200_000));

        set_spent(&db, line, 160_000).await;
        let near = db.roaming(who, line).await.unwrap();
        assert_eq!(near.cap_state(), CapState::Near);
        let too_early = change(&db, who, line, RoamingChange::ContinuePastCap, "c2").await;
        assert_eq!(
            too_early.answer,
            RoamingAnswer::Refused(Refusal::NotStopped(CapState::Near))
        );

        set_spent(&db, line, 200_000).await;
        let stopped = db.roaming(who, line).await.unwrap();
        assert_eq!(stopped.cap_state(), CapState::Reached);
        assert!(!stopped.data_roaming_works());
        let go_on = change(&db, who, line, RoamingChange::ContinuePastCap, "c3").await;
        assert_eq!(go_on.settings.cap_state(), CapState::Continued);
        assert!(
            stored(&db, line).await.unwrap().4,
            "continue_past_cap stored"
        );
        assert!(db.roaming(who, line).await.unwrap().data_roaming_works());

        // A new cap withdraws the choice; what was spent stays rating's.
        let again = change(&db, who, line, RoamingChange::SetCap(czk("2500")), "c4").await;
        assert_eq!(again.settings.cap_state(), CapState::Near);
        assert_eq!(
            stored(&db, line).await.unwrap(),
            (true, true, Some(250_000), 200_000, false)
        );

        let lifted = change(&db, who, line, RoamingChange::LiftCap, "c5").await;
        assert_eq!(lifted.settings.cap_state(), CapState::NoCap);
        assert_eq!(stored(&db, line).await.unwrap().2, None);
        let summaries: Vec<String> = requests(&db, who).await.into_iter().map(|r| r.1).collect();
        assert_eq!(
            summaries,
            [
                "Data-roaming cap 2\u{a0}000,00\u{a0}Kč",
                "Go on with data roaming past the cap",
                "Data-roaming cap 2\u{a0}500,00\u{a0}Kč",
                "Lift the data-roaming cap"
            ]
        );
        // A typed cap out of bounds never reaches the store.
        assert!(Cap::parse("0", Currency::Czk, Language::Cs).is_err());
        assert!(Cap::parse("125 000,01", Currency::Czk, Language::Cs).is_err());
        assert!(Cap::parse("125 000", Currency::Czk, Language::Cs).is_ok());
    })
    .await;
}

/// The overview shows the cap state and warns at 80 % and at the cap.
#[tokio::test]
async fn the_overview_warns_near_and_at_the_cap() {
    for_each_engine(|db| async move {
        let (who, line) = jana(&db).await;
        change(&db, who, line, RoamingChange::SetCap(czk("1000")), "w1").await;
        let roaming_warnings = |d: &selfcare::dashboard::Dashboard| {
            low_balances(&d.lines, None)
                .into_iter()
                .filter(|w| {
                    matches!(
                        w,
                        LowBalance::RoamingCapNear { .. } | LowBalance::RoamingCapReached { .. }
                    )
                })
                .collect::<Vec<_>>()
        };
        set_spent(&db, line, 79_999).await;
        assert!(roaming_warnings(&db.dashboard(who, now()).await.unwrap()).is_empty());
        set_spent(&db, line, 80_000).await;
        let d = db.dashboard(who, now()).await.unwrap();
        assert_eq!(d.lines[0].data_cap.spent.cents(), 80_000);
        assert!(matches!(
            roaming_warnings(&d)[..],
            [LowBalance::RoamingCapNear { line: l, .. }] if l == line
        ));
        set_spent(&db, line, 100_000).await;
        let d = db.dashboard(who, now()).await.unwrap();
        assert!(matches!(
            roaming_warnings(&d)[..],
            [LowBalance::RoamingCapReached { .. }]
        ));
        change(&db, who, line, RoamingChange::ContinuePastCap, "w2").await;
        assert!(roaming_warnings(&db.dashboard(who, now()).await.unwrap()).is_empty());
    })
    .await;
}

/// The same submission (one key) sent again answers the first request and changes nothing
/// more, even when the state has moved on since.
#[tokio::test]
async fn a_repeated_key_answers_the_first_request() {
    for_each_engine(|db| async move {
        let (who, line) = jana(&db).await;
        let first = change(&db, who, line, RoamingChange::DataRoaming(false), "same").await;
        let RoamingAnswer::Changed { request, .. } = first.answer else {
            panic!("changed")
        };
        change(&db, who, line, RoamingChange::DataRoaming(true), "other").await;
        let again = change(&db, who, line, RoamingChange::DataRoaming(false), "same").await;
        assert_eq!(
            again.answer,
            RoamingAnswer::Repeated {
                request,
                asked: Asked::Roaming {
                    change: RoamingAsked::Switches {
                        roaming: true,
                        data_roaming: false
                    }
                }
            }
        );
        assert!(
            again.settings.data_roaming_on,
            "the repeat did not switch it off again"
        );
        assert!(again.is_ok());
        assert_eq!(requests(&db, who).await.len(), 2);
        assert_eq!(roaming_audits(&db, who).await.len(), 2);
    })
    .await;
}

/// Asking for the state the line already has answers "nothing to change" and writes nothing.
#[tokio::test]
async fn a_change_to_the_same_state_writes_no_request() {
    for_each_engine(|db| async move {
        let (who, line) = jana(&db).await;
        let before = stored(&db, line).await;
        let cap = db.roaming(who, line).await.unwrap().data_cap.cap.unwrap();
        let same = change(&db, who, line, RoamingChange::Roaming(true), "n1").await;
        assert!(matches!(
            same.answer,
            RoamingAnswer::Refused(Refusal::NothingToChange(_))
        ));
        assert_eq!(
            same.message(Language::En),
            "Nothing to change: roaming is already on."
        );
        assert!(same.is_ok());
        let same_cap = Cap::new(cap, Language::Cs).unwrap();
        let same = change(&db, who, line, RoamingChange::SetCap(same_cap), "n2").await;
        assert!(matches!(
            same.answer,
            RoamingAnswer::Refused(Refusal::NothingToChange(_))
        ));
        assert!(requests(&db, who).await.is_empty());
        assert!(roaming_audits(&db, who).await.is_empty());
        assert_eq!(stored(&db, line).await, before);
    })
    .await;
}

/// Another customer's line answers exactly like a missing one, and nothing is written.
#[tokio::test]
async fn another_customers_line_is_not_found() {
    for_each_engine(|db| async move {
        let (who, _) = jana(&db).await;
        let business = customer(&db, "business@example.com").await;
        let theirs = db.dashboard(business, now()).await.unwrap().lines[0].id;
        let before = stored(&db, theirs).await;
        assert!(matches!(
            db.roaming(who, theirs).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.roaming(who, LineId::trusted(987_654_321)).await,
            Err(StoreError::NotFound)
        ));
        for line in [theirs, LineId::trusted(987_654_321)] {
            let outcome = db
                .change_roaming(
                    who,
                    line,
                    RoamingChange::Roaming(false),
                    "x1",
                    Requester::customer(who),
                    None,
                    now(),
                )
                .await;
            assert!(matches!(outcome, Err(StoreError::NotFound)), "{outcome:?}");
        }
        assert_eq!(stored(&db, theirs).await, before);
        let written: i64 = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM service_requests WHERE kind = 'roaming'"
        )
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(written, 0);
    })
    .await;
}

/// A line with no settings row has the defaults (roaming on, data roaming off, the default cap
/// in its currency) and gets a row, starting from nothing spent, on its first change.
#[tokio::test]
async fn a_line_without_settings_has_the_defaults_until_its_first_change() {
    for_each_engine(|db| async move {
        seeded(&db, 4).await;
        let who = customer(&db, "prepaid@example.com").await;
        let line = db.dashboard(who, now()).await.unwrap().lines[0].id;
        on_db!(&db, |pool| sqlx::query(
            "DELETE FROM roaming_settings WHERE line_id = $1"
        )
        .bind(line)
        .execute(pool)
        .await
        .unwrap()
        .rows_affected());
        let defaults = db.roaming(who, line).await.unwrap();
        assert_eq!(defaults, RoamingSettings::defaults(line, Currency::Pln));
        assert_eq!(defaults.data_cap.cap, Some(default_cap(Currency::Pln)));
        let overview = db.dashboard(who, now()).await.unwrap();
        assert!(overview.lines[0].roaming_on && !overview.lines[0].data_roaming_on);
        assert_eq!(overview.lines[0].data_cap, defaults.data_cap);

        change(&db, who, line, RoamingChange::DataRoaming(true), "d1").await;
        assert_eq!(
            stored(&db, line).await,
            Some((true, true, Some(21_500), 0, false))
        );
    })
    .await;
}

/// The business administrator changes any line of the account, not only the first.
#[tokio::test]
async fn the_business_administrator_changes_any_of_its_lines() {
    for_each_engine(|db| async move {
        seeded(&db, 4).await;
        let business = customer(&db, "business@example.com").await;
        let lines = db.dashboard(business, now()).await.unwrap().lines;
        assert_eq!(lines.len(), 5);
        let fourth = lines[3].id;
        let before = db.roaming(business, fourth).await.unwrap();
        let outcome = change(
            &db,
            business,
            fourth,
            RoamingChange::Roaming(!before.roaming_on),
            "b1",
        )
        .await;
        changed(&outcome);
        assert_eq!(
            db.roaming(business, fourth).await.unwrap().roaming_on,
            !before.roaming_on
        );
        let others = db.dashboard(business, now()).await.unwrap().lines;
        for (was, is) in lines.iter().zip(&others).filter(|(l, _)| l.id != fourth) {
            assert_eq!(
                was.roaming_on, is.roaming_on,
                "only the chosen line changed"
            );
        }
        assert_eq!(requests(&db, business).await[0].0, fourth);
    })
    .await;
}

/// One submission sent eight times at the same moment changes the line once and writes one
/// request; eight different submissions of the same change make it once, the rest change
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_submission_sent_concurrently_changes_once() {
    for_each_engine(|db| async move {
        let (who, line) = jana(&db).await;
        for same_key in [true, false] {
            let on = !db.roaming(who, line).await.unwrap().data_roaming_on;
            let start = Arc::new(tokio::sync::Barrier::new(8));
            let tasks: Vec<_> = (0..8)
                .map(|i| {
                    let (db, start) = (db.clone(), start.clone());
                    let key = if same_key {
                        "race".to_string()
                    } else {
                        format!("race-{i}")
                    };
                    tokio::spawn(async move {
                        start.wait().await;
                        db.change_roaming(
                            who,
                            line,
                            RoamingChange::DataRoaming(on),
                            &key,
                            Requester::customer(who),
                            None,
                            now(),
                        )
                        .await
                        .unwrap()
                    })
                })
                .collect();
            let mut outcomes = Vec::new();
            for task in tasks {
                outcomes.push(task.await.unwrap());
            }
            let made: Vec<_> = outcomes
                .iter()
                .filter_map(|o| match o.answer {
                    RoamingAnswer::Changed { request, .. } => Some(request),
                    _ => None,
                })
                .collect();
            assert_eq!(made.len(), 1, "{outcomes:?}");
            for o in &outcomes {
                match &o.answer {
                    RoamingAnswer::Changed { .. } => {}
                    RoamingAnswer::Repeated { request, .. } => {
                        assert!(same_key);
                        assert_eq!(*request, made[0]);
                    }
                    RoamingAnswer::Refused(Refusal::NothingToChange(_)) => assert!(!same_key),
                    other => panic!("unexpected {other:?}"),
                }
            }
            assert_eq!(db.roaming(who, line).await.unwrap().data_roaming_on, on);
        }
        assert_eq!(requests(&db, who).await.len(), 2, "one request per race");
        assert_eq!(roaming_audits(&db, who).await.len(), 2);
    })
    .await;
}
