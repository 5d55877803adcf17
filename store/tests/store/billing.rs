//! Store tests for invoices, payments and electronic billing, on SQLite and (with
//! `SELFCARE_TEST_POSTGRES`) PostgreSQL.

use std::collections::HashSet;

use crate::common::{customer, for_each_engine, now, on_db, seeded, today};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use selfcare::billing::invoices::{totals, InvoiceState};
use selfcare::ids::AccountId;
use selfcare::paging::Cursor;
use selfcare_store::{Actor, Db, InvoiceFilter, StoreError};

async fn demo(db: &Db) {
    seeded(db, 5).await;
}

/// Unpaid invoices come first; the settled ones page newest first without gaps or repeats.
#[tokio::test]
async fn invoices_list_the_unpaid_first_and_page_through_the_rest() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let jana = customer(&db, "demo@example.com").await;
        let any = InvoiceFilter::default();
        let unpaid = db.unpaid_invoices(jana, any).await.unwrap();
        assert_eq!(unpaid.len(), 1, "the demo customer owes the newest bill");
        assert_eq!(unpaid[0].state(today()), InvoiceState::Unpaid);

        let mut seen = Vec::new();
        let mut after: Option<Cursor<NaiveDate>> = None;
        loop {
            let page = db
                .settled_invoices(jana, any, after.as_ref(), 5)
                .await
                .unwrap();
            assert!(page.items.len() <= 5);
            seen.extend(page.items);
            match page.next {
                Some(next) => after = Some(Cursor::decode(&next).unwrap()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 11, "twelve invoices, one unpaid");
        assert!(
            seen.windows(2).all(|w| w[0].issued_on >= w[1].issued_on),
            "newest first"
        );
        let numbers: HashSet<&str> = seen.iter().map(|i| i.number.as_str()).collect();
        assert_eq!(numbers.len(), 11, "no invoice twice");
        assert!(!numbers.contains(unpaid[0].number.as_str()));
        assert!(seen.iter().all(|i| i.state(today()) == InvoiceState::Paid));
    })
    .await;
}

/// A business sees the overdue, partly paid bill before the newest one, and can filter.
#[tokio::test]
async fn a_business_filters_its_invoices_by_line_and_year() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let business = customer(&db, "business@example.com").await;
        let unpaid = db
            .unpaid_invoices(business, InvoiceFilter::default())
            .await
            .unwrap();
        assert_eq!(unpaid.len(), 2);
        assert_eq!(unpaid[0].state(today()), InvoiceState::Overdue);
        assert!(
            unpaid[0].paid.amount > Decimal::ZERO && unpaid[0].remaining().amount > Decimal::ZERO
        );
        assert_eq!(
            unpaid[0].remaining().amount,
            unpaid[0].total.amount - unpaid[0].paid.amount
        );

        let (years, lines) = db.invoice_filters(business).await.unwrap();
        assert_eq!(lines.len(), 5);
        assert_eq!(years, vec![2026, 2025]);
        let this_year = InvoiceFilter {
            year: Some(2026),
            line: None,
        };
        let settled = db
            .settled_invoices(business, this_year, None, 50)
            .await
            .unwrap();
        assert!(settled.items.iter().all(|i| i.issued_on.year() == 2026));
        assert!(!settled.items.is_empty());

        // Every invoice bills every line here, so a line filter keeps them all; a line of
        // another customer's keeps none.
        let all = db
            .settled_invoices(business, InvoiceFilter::default(), None, 50)
            .await
            .unwrap();
        let one_line = InvoiceFilter {
            line: Some(lines[2].id),
            year: None,
        };
        let for_line = db
            .settled_invoices(business, one_line, None, 50)
            .await
            .unwrap();
        assert_eq!(for_line.items, all.items);
        let jana = customer(&db, "demo@example.com").await;
        let (_, jana_lines) = db.invoice_filters(jana).await.unwrap();
        let foreign = InvoiceFilter {
            line: Some(jana_lines[0].id),
            year: None,
        };
        assert!(db
            .settled_invoices(business, foreign, None, 50)
            .await
            .unwrap()
            .items
            .is_empty());
        assert!(db
            .unpaid_invoices(business, foreign)
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

/// An invoice's charges, VAT and payments reconcile with its stored totals, and its
/// explanation adds up to the difference from the previous bill.
#[tokio::test]
async fn an_invoice_reconciles_and_explains_its_difference() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let business = customer(&db, "business@example.com").await;
        let unpaid = db.unpaid_invoices(business, InvoiceFilter::default()).await.unwrap();
        let partly = db.invoice(business, &unpaid[0].number).await.unwrap();
        assert_eq!(partly.summary, unpaid[0]);
        assert_eq!(partly.totals.total, partly.summary.total.amount);
        assert_eq!(totals(&partly.charges), partly.totals);
        let paid: Decimal = partly.payments.iter().map(|p| p.amount.amount).sum();
        assert_eq!(paid, partly.summary.paid.amount, "the payments applied make up what was paid");
        assert_eq!(partly.lines.len(), 5);
        assert!(partly.groups().len() >= 2);

        let newest = db.invoice(business, &unpaid[1].number).await.unwrap();
        let previous = newest.previous.as_ref().expect("the newest bill has a previous one");
        assert_eq!(previous.number, partly.summary.number);
        let explained: Decimal = newest.changes.iter().map(|c| c.amount).sum();
        assert_eq!(explained, newest.summary.total.amount - previous.total.amount);

        // The stored sums agree with the charges on every invoice of the engine.
        let stored: Vec<(i64, i64, i64)> = on_db!(&db, |pool| sqlx::query_as(
            "SELECT i.total_cents, i.vat_cents, \
             CAST((SELECT SUM(l.net_cents + l.vat_cents) FROM invoice_lines l WHERE l.invoice_id = i.id) AS BIGINT) \
             FROM invoices i"
        )
        .fetch_all(pool)
        .await
        .unwrap());
        assert!(stored.iter().all(|(total, _, lines)| total == lines));
    })
    .await;
}

/// The demo customer's newest bill always has a new add-on to explain.
#[tokio::test]
async fn the_demo_bill_explains_a_new_addon() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let jana = customer(&db, "demo@example.com").await;
        let unpaid = db
            .unpaid_invoices(jana, InvoiceFilter::default())
            .await
            .unwrap();
        let newest = db.invoice(jana, &unpaid[0].number).await.unwrap();
        let added: Vec<_> = newest
            .changes
            .iter()
            .filter(|c| c.kind == selfcare::billing::invoices::ChangeKind::AddonAdded)
            .collect();
        assert!(!added.is_empty(), "{:?}", newest.changes);
        assert!(added.iter().all(|c| c.amount > Decimal::ZERO));
        let previous = newest.previous.unwrap();
        let explained: Decimal = newest.changes.iter().map(|c| c.amount).sum();
        assert_eq!(
            explained,
            newest.summary.total.amount - previous.total.amount
        );
    })
    .await;
}

/// Another customer's invoice number answers exactly like one that does not exist.
#[tokio::test]
async fn another_customers_invoice_is_not_found() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let jana = customer(&db, "demo@example.com").await;
        let business = customer(&db, "business@example.com").await;
        let theirs = db
            .unpaid_invoices(business, InvoiceFilter::default())
            .await
            .unwrap();
        assert!(matches!(
            db.invoice(jana, &theirs[0].number).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.invoice(jana, "999999999999").await,
            Err(StoreError::NotFound)
        ));
        assert!(db.invoice(business, &theirs[0].number).await.is_ok());
    })
    .await;
}

/// Payments page newest first and name the invoice they paid.
#[tokio::test]
async fn payments_page_newest_first() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let business = customer(&db, "business@example.com").await;
        let first = db.payments(business, None, 4).await.unwrap();
        assert_eq!(first.items.len(), 4);
        let after = Cursor::decode(first.next.as_deref().unwrap()).unwrap();
        let rest = db.payments(business, Some(&after), 50).await.unwrap();
        assert!(rest.next.is_none());
        let all: Vec<_> = first.items.iter().chain(&rest.items).collect();
        assert_eq!(all.len(), 11, "ten bills paid in full and one in part");
        assert!(all.windows(2).all(|w| w[0].received_at >= w[1].received_at));
        assert!(all.iter().all(|p| p.invoice_number.is_some()));
        let jana = customer(&db, "demo@example.com").await;
        let hers = db.payments(jana, None, 50).await.unwrap();
        assert!(hers.items.iter().all(|p| !all.contains(&p)));
    })
    .await;
}

/// Switching paper invoices is stored, audited once, repeatable, and scoped to the owner.
#[tokio::test]
async fn paper_invoices_switch_once_and_are_audited() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let jana = customer(&db, "demo@example.com").await;
        let account = db.billing_accounts(jana).await.unwrap()[0].clone();
        assert!(account.paper_invoices, "the demo customer starts on paper");
        let actor = Actor::Customer(jana);
        let off = |paper| {
            db.set_paper_invoices(
                jana,
                account.id,
                paper,
                actor,
                Some("10.0.0.1".into()),
                now(),
            )
        };
        assert!(off(false).await.unwrap(), "changed");
        assert!(
            !off(false).await.unwrap(),
            "a repeated request changes nothing"
        );
        assert!(!db.billing_accounts(jana).await.unwrap()[0].paper_invoices);
        let entries = db.audit_of(jana, 10).await.unwrap();
        let switches: Vec<_> = entries
            .iter()
            .filter(|e| e.action == "paper_invoices")
            .collect();
        assert_eq!(switches.len(), 1);
        assert!(switches[0]
            .event
            .words(selfcare::locale::Language::En)
            .contains("turned off"));

        let business = customer(&db, "business@example.com").await;
        let theirs = db.billing_accounts(business).await.unwrap()[0].id;
        let refused = db
            .set_paper_invoices(jana, theirs, true, actor, None, now())
            .await;
        assert!(matches!(refused, Err(StoreError::NotFound)));
        assert!(matches!(
            db.set_paper_invoices(jana, AccountId::trusted(999_999), true, actor, None, now())
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(!db.billing_accounts(business).await.unwrap()[0].paper_invoices);
    })
    .await;
}

/// On an account with several lines, each line's part of the bill is its own charges, and the
/// parts with the account-level charges make up the whole invoice.
#[tokio::test]
async fn each_line_shows_its_part_of_the_shared_bill() {
    for_each_engine(|db| async move {
        demo(&db).await;
        for email in ["demo@example.com", "business@example.com"] {
            let who = customer(&db, email).await;
            let overview = db.dashboard(who, now()).await.unwrap();
            let due = overview.lines[0].due.clone().unwrap();
            let invoice = db.invoice(who, &due.invoice_number).await.unwrap();
            let parts: Decimal = overview
                .lines
                .iter()
                .map(|l| l.due.as_ref().unwrap().line_part.unwrap().amount)
                .sum();
            let account_level: Decimal = invoice
                .charges
                .iter()
                .filter(|c| c.line.is_none())
                .map(|c| c.gross())
                .sum();
            assert_eq!(
                parts + account_level,
                invoice.summary.total.amount,
                "{email}"
            );
        }
        let prepaid = customer(&db, "prepaid@example.com").await;
        let piotr = db.dashboard(prepaid, now()).await.unwrap();
        assert!(piotr.lines.iter().all(|l| l.due.is_none()));
    })
    .await;
}
