//! Store tests for prepaid credit and vouchers, on SQLite and (with `SELFCARE_TEST_POSTGRES`)
//! PostgreSQL, including vouchers redeemed by many requests at the same moment.

use std::sync::Arc;

use crate::common::{customer, for_each_engine, now, on_db, seeded, today};
use chrono::Duration;
use selfcare::credit::{LedgerKind, TopUp, VoucherCode, VoucherRefused};
use selfcare::ids::{CustomerId, LineId};
use selfcare::money::{Currency, Money};
use selfcare_store::seed::DEMO_VOUCHERS;
use selfcare_store::{Db, StoreError};

async fn demo(db: &Db) {
    seeded(db, 8).await;
}

/// The prepaid demo customer and their one line.
async fn piotr(db: &Db) -> (CustomerId, LineId) {
    let who = customer(db, "prepaid@example.com").await;
    let lines = db.credit_lines(who).await.unwrap();
    assert_eq!(lines.len(), 1);
    (who, lines[0].id)
}

fn code(text: &str) -> VoucherCode {
    VoucherCode::parse(text).unwrap()
}

fn demo_code(currency: Currency, spent: bool, valid: bool) -> &'static str {
    DEMO_VOUCHERS
        .iter()
        .find(|v| v.currency == currency && v.spent == spent && (v.valid_days >= 0) == valid)
        .unwrap()
        .code
}

async fn ledger_rows(db: &Db, line: LineId) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM credit_ledger WHERE line_id = $1"
    )
    .bind(line)
    .fetch_one(pool)
    .await
    .unwrap())
}

/// A voucher credits once: the balance, the ledger, the expiry and the audit log agree, and the
/// same voucher again is answered as already credited, changing nothing.
#[tokio::test]
async fn a_voucher_credits_the_line_once() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line) = piotr(&db).await;
        let before = db.credit_line(who, line).await.unwrap();
        let rows_before = ledger_rows(&db, line).await;
        let voucher = code(demo_code(Currency::Pln, false, true));

        let first = db
            .redeem_voucher(who, line, &voucher, None, now())
            .await
            .unwrap();
        let Ok(TopUp::Credited {
            amount,
            balance,
            expires_on,
        }) = first
        else {
            panic!("credited: {first:?}")
        };
        assert_eq!(balance.amount, before.credit.amount + amount.amount);
        assert_eq!(
            expires_on,
            Some(today() + Duration::days(before.validity_days.unwrap())).max(before.expires_on)
        );
        let after = db.credit_line(who, line).await.unwrap();
        assert_eq!(after.credit, balance);
        assert_eq!(ledger_rows(&db, line).await, rows_before + 1);
        let newest = db.ledger(who, line, None, 1).await.unwrap().items.remove(0);
        assert_eq!(
            (newest.kind, newest.amount, newest.balance_after),
            (LedgerKind::TopUp, amount, balance)
        );

        let again = db
            .redeem_voucher(who, line, &voucher, None, now() + Duration::seconds(2))
            .await
            .unwrap();
        assert!(
            matches!(again, Ok(TopUp::AlreadyCredited { .. })),
            "{again:?}"
        );
        assert_eq!(db.credit_line(who, line).await.unwrap().credit, balance);
        assert_eq!(ledger_rows(&db, line).await, rows_before + 1);
        let audits = db.audit_of(who, 20).await.unwrap();
        assert_eq!(
            audits
                .iter()
                .filter(|a| a.action == "voucher_top_up")
                .count(),
            1
        );
        assert!(
            !audits
                .iter()
                .any(|a| format!("{:?}", a.event).contains(voucher.digits())),
            "never the whole code"
        );
    })
    .await;
}

/// Spent, expired, unknown and other-currency vouchers are refused alike (a guesser cannot
/// tell a real code from a wrong one) and change nothing.
#[tokio::test]
async fn refused_vouchers_change_nothing() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line) = piotr(&db).await;
        let before = db.credit_line(who, line).await.unwrap();
        let rows = ledger_rows(&db, line).await;
        let try_code = |text: &'static str| {
            let db = db.clone();
            async move {
                db.redeem_voucher(who, line, &code(text), None, now())
                    .await
                    .unwrap()
            }
        };
        for refused in [
            demo_code(Currency::Pln, true, true),
            demo_code(Currency::Pln, false, false),
            "0000 0000 0000 0001",
            demo_code(Currency::Czk, false, true),
        ] {
            assert_eq!(
                try_code(refused).await,
                Err(VoucherRefused::Unknown),
                "{refused}"
            );
        }
        assert_eq!(db.credit_line(who, line).await.unwrap(), before);
        assert_eq!(ledger_rows(&db, line).await, rows);

        // The CZK voucher stays redeemable by a CZK line.
        let jana = customer(&db, "demo@example.com").await;
        let postpaid = db.dashboard(jana, now()).await.unwrap().lines[0].id;
        let refused = db
            .redeem_voucher(
                jana,
                postpaid,
                &code(demo_code(Currency::Czk, false, true)),
                None,
                now(),
            )
            .await;
        assert_eq!(refused.unwrap(), Err(VoucherRefused::NotPrepaid));
        assert!(
            matches!(
                db.redeem_voucher(
                    jana,
                    line,
                    &code(demo_code(Currency::Pln, false, true)),
                    None,
                    now()
                )
                .await,
                Err(StoreError::NotFound)
            ),
            "another customer's line"
        );
    })
    .await;
}

/// A second prepaid line of `who`, a copy of `line` under another number.
async fn second_line(db: &Db, line: LineId) -> LineId {
    on_db!(db, |pool| {
        sqlx::query_scalar(
        "INSERT INTO lines (customer_id, account_id, msisdn, label, plan_id, payment_type, status, \
         activated_on, credit_cents, credit_expires_on, created_at) \
         SELECT customer_id, account_id, '+48509999999', label, plan_id, payment_type, status, \
         activated_on, credit_cents, credit_expires_on, created_at FROM lines WHERE id = $1 \
         RETURNING id"
    )
    .bind(line)
    .fetch_one(pool)
    .await
    .unwrap()
    })
}

/// Five wrong codes in an hour pause redeeming for the customer, on any of their lines, even
/// for a good code; the pause lifts an hour after the first wrong one.
#[tokio::test]
async fn wrong_codes_are_throttled_per_customer() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line) = piotr(&db).await;
        let other = second_line(&db, line).await;
        for i in 0..5 {
            let wrong = code(&format!("1111 2222 3333 000{i}"));
            let at = now() + Duration::minutes(i);
            // Spread over both lines: more lines do not buy more guesses.
            let on = if i % 2 == 0 { line } else { other };
            assert_eq!(
                db.redeem_voucher(who, on, &wrong, None, at).await.unwrap(),
                Err(VoucherRefused::Unknown)
            );
        }
        let good = code(demo_code(Currency::Pln, false, true));
        let later = now() + Duration::minutes(10);
        let throttled = db
            .redeem_voucher(who, line, &good, None, later)
            .await
            .unwrap();
        assert_eq!(
            throttled,
            Err(VoucherRefused::Throttled("50 minutes".into()))
        );
        let credit = db.credit_line(who, line).await.unwrap().credit;
        let after_an_hour = now() + Duration::minutes(61);
        let ok = db
            .redeem_voucher(who, line, &good, None, after_an_hour)
            .await
            .unwrap();
        assert!(matches!(ok, Ok(TopUp::Credited { .. })), "{ok:?}");
        assert!(db.credit_line(who, line).await.unwrap().credit.amount > credit.amount);
    })
    .await;
}

/// Twelve requests for one voucher at the same moment, from the same line (a double submit, a
/// retry, a second session) and from another customer's line, credit exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_voucher_redeemed_concurrently_credits_exactly_once() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line) = piotr(&db).await;
        // Another PLN prepaid line, of another customer, racing for the same voucher.
        let rival: Option<(CustomerId, LineId)> = on_db!(&db, |pool| sqlx::query_as(
            "SELECT l.customer_id, l.id FROM lines l JOIN customers c ON c.id = l.customer_id \
             WHERE l.payment_type = 'prepaid' AND c.currency = 'PLN' AND l.customer_id <> $1 LIMIT 1"
        )
        .bind(who)
        .fetch_optional(pool)
        .await
        .unwrap());
        let before = db.credit_line(who, line).await.unwrap().credit;
        let rival_before = match rival {
            Some((c, l)) => Some(db.credit_line(c, l).await.unwrap().credit.amount),
            None => None,
        };
        let voucher = code(demo_code(Currency::Pln, false, true));
        let start = Arc::new(tokio::sync::Barrier::new(12));
        let tasks: Vec<_> = (0..12)
            .map(|i| {
                let (db, start, voucher) = (db.clone(), start.clone(), voucher.clone());
                let (customer, target) = match rival {
                    Some(rival) if i % 3 == 2 => rival,
                    _ => (who, line),
                };
                tokio::spawn(async move {
                    start.wait().await;
                    db.redeem_voucher(customer, target, &voucher, None, now()).await.unwrap()
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        let credited: Vec<_> = outcomes.iter().filter(|o| matches!(o, Ok(TopUp::Credited { .. }))).collect();
        assert_eq!(credited.len(), 1, "{outcomes:?}");
        assert!(outcomes.iter().all(|o| matches!(
            o,
            Ok(TopUp::Credited { .. } | TopUp::AlreadyCredited { .. })
                | Err(VoucherRefused::Unknown | VoucherRefused::Throttled(_))
        )), "{outcomes:?}");
        let Ok(TopUp::Credited { amount, .. }) = credited[0] else { unreachable!() };
        // Whoever won, the two lines together gained the voucher's value once, in one row.
        let mut gained = db.credit_line(who, line).await.unwrap().credit.amount - before.amount;
        if let Some((rival_customer, rival_line)) = rival {
            gained += db.credit_line(rival_customer, rival_line).await.unwrap().credit.amount - rival_before.unwrap();
        }
        assert_eq!(gained, amount.amount, "credited once");
        let redeemed: i64 = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM credit_ledger WHERE description LIKE 'Voucher%'"
        )
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(redeemed, 1, "one top-up in the whole database");
    })
    .await;
}

/// Fifty wrong codes at the same moment from one customer: no more than five are tried, the
/// others wait, and only the tried ones count.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_wrong_codes_try_no_more_than_five() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, line) = piotr(&db).await;
        let start = Arc::new(tokio::sync::Barrier::new(50));
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let (db, start) = (db.clone(), start.clone());
                tokio::spawn(async move {
                    let wrong = code(&format!("9999 8888 7777 {i:04}"));
                    start.wait().await;
                    db.redeem_voucher(who, line, &wrong, None, now())
                        .await
                        .unwrap()
                })
            })
            .collect();
        let (mut tried, mut waited) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Err(VoucherRefused::Unknown) => tried += 1,
                Err(VoucherRefused::Throttled(_)) => waited += 1,
                other => panic!("{other:?}"),
            }
        }
        assert!(tried <= 5, "{tried} codes tried");
        assert_eq!(tried + waited, 50);
        let counted: i64 = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM voucher_attempts"
        )
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(counted, tried);
    })
    .await;
}

/// The low-credit threshold is stored, audited once per change, and can be turned off.
#[tokio::test]
async fn the_low_credit_threshold_is_set_once() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let (who, _) = piotr(&db).await;
        let fifteen = Money::from_cents(1_500, Currency::Pln);
        assert!(db
            .set_low_credit_threshold(who, Some(fifteen), None, now())
            .await
            .unwrap());
        assert!(!db
            .set_low_credit_threshold(who, Some(fifteen), None, now())
            .await
            .unwrap());
        assert_eq!(db.low_credit_threshold(who).await.unwrap(), Some(fifteen));
        assert!(db
            .set_low_credit_threshold(who, None, None, now())
            .await
            .unwrap());
        assert!(!db
            .set_low_credit_threshold(who, None, None, now())
            .await
            .unwrap());
        assert_eq!(db.low_credit_threshold(who).await.unwrap(), None);
        let audits = db.audit_of(who, 20).await.unwrap();
        assert_eq!(
            audits
                .iter()
                .filter(|a| a.action == "low_credit_threshold")
                .count(),
            2
        );
    })
    .await;
}
