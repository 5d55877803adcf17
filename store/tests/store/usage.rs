//! Store tests for usage records and the use per day, on SQLite and (with
//! `SELFCARE_TEST_POSTGRES`) PostgreSQL.

use std::collections::{BTreeMap, HashSet};

use crate::common::{customer, for_each_engine, now, on_db, seeded, today};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use selfcare::ids::{CustomerId, LineId};
use selfcare::paging::Cursor;
use selfcare::usage::{UsageFilter, UsageKind, UsageRecord};
use selfcare_store::{Db, StoreError};

async fn demo(db: &Db) {
    seeded(db, 5).await;
}

/// The customer's lines, by number.
async fn lines(db: &Db, who: CustomerId) -> Vec<LineId> {
    db.dashboard(who, now())
        .await
        .unwrap()
        .lines
        .iter()
        .map(|l| l.id)
        .collect()
}

/// Every record matching `filter`, read `per_page` at a time by following the cursors.
async fn all_pages(
    db: &Db,
    who: CustomerId,
    line: LineId,
    filter: &UsageFilter,
    per_page: u32,
) -> Vec<UsageRecord> {
    let mut seen = Vec::new();
    let mut after: Option<Cursor<DateTime<Utc>>> = None;
    loop {
        let page = db
            .usage_records(who, line, filter, after.as_ref(), per_page)
            .await
            .unwrap();
        assert!(page.items.len() <= per_page as usize);
        seen.extend(page.items);
        match page.next {
            Some(next) => after = Some(Cursor::decode(&next).unwrap()),
            None => return seen,
        }
    }
}

/// The ids of a line's records straight from the table, newest first, with an extra condition.
async fn ids_in_table(db: &Db, line: LineId, condition: &str) -> Vec<i64> {
    let sql = format!(
        "SELECT id FROM usage_records WHERE line_id = $1 {condition} ORDER BY started_at DESC, id DESC"
    );
    on_db!(db, |pool| sqlx::query_scalar(&sql)
        .bind(line)
        .fetch_all(pool)
        .await
        .unwrap())
}

fn ids(records: &[UsageRecord]) -> Vec<i64> {
    records.iter().map(|r| r.id).collect()
}

/// Paging through a line's records meets every record once, newest first, also across records
/// that started at the same instant.
#[tokio::test]
async fn usage_records_page_newest_first_without_gaps_or_repeats() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let piotr = customer(&db, "prepaid@example.com").await;
        let line = lines(&db, piotr).await[0];
        // Three records at one instant, so pages of two must split a tie on `started_at`.
        let at = now() - Duration::hours(3);
        for _ in 0..3 {
            on_db!(&db, |pool| sqlx::query(
                "INSERT INTO usage_records (line_id, started_at, kind, quantity, counterpart, roaming, \
                 country, charge_cents, rated_at) VALUES ($1, $2, 'sms', 1, '+48601000000', FALSE, 'PL', 0, $2)"
            )
            .bind(line)
            .bind(at)
            .execute(pool)
            .await
            .unwrap()
            .rows_affected());
        }
        let expected = ids_in_table(&db, line, "").await;
        assert!(expected.len() > 100, "the prepaid demo line is busy: {}", expected.len());

        let everything = UsageFilter::default();
        for per_page in [2, 7, 50, 1_000] {
            let seen = all_pages(&db, piotr, line, &everything, per_page).await;
            assert_eq!(ids(&seen), expected, "pages of {per_page}");
        }
        let seen = all_pages(&db, piotr, line, &everything, 50).await;
        assert!(seen.windows(2).all(|w| (w[0].started_at, w[0].id) > (w[1].started_at, w[1].id)));
        assert_eq!(seen.iter().map(|r| r.id).collect::<HashSet<_>>().len(), seen.len());
        assert!(seen.iter().all(|r| r.charge.currency == selfcare::money::Currency::Pln));
        let first = db.usage_records(piotr, line, &everything, None, 50).await.unwrap();
        assert_eq!(first.items.len(), 50);
        assert!(first.next.is_some());
    })
    .await;
}

/// The type filter keeps one kind, and the date filter whole UTC days, first and last included.
#[tokio::test]
async fn usage_records_filter_by_type_and_inclusive_days() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let business = customer(&db, "business@example.com").await;
        let line = lines(&db, business).await[1];
        for kind in UsageKind::ALL {
            let filter = UsageFilter {
                kind: Some(*kind),
                ..UsageFilter::default()
            };
            let seen = all_pages(&db, business, line, &filter, 7).await;
            let condition = format!("AND kind = '{}'", kind.as_str());
            assert_eq!(
                ids(&seen),
                ids_in_table(&db, line, &condition).await,
                "{kind:?}"
            );
            assert!(!seen.is_empty(), "the demo line has every kind");
            assert!(seen.iter().all(|r| r.kind == *kind));
        }

        // The busiest day of the line, and a range of three days ending on it.
        let all = all_pages(&db, business, line, &UsageFilter::default(), 1_000).await;
        let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        for r in &all {
            *per_day.entry(r.started_at.date_naive()).or_default() += 1;
        }
        let (&busiest, _) = per_day.iter().max_by_key(|(_, n)| **n).unwrap();
        let one_day = UsageFilter::parse("", &busiest.to_string(), &busiest.to_string()).unwrap();
        let seen = all_pages(&db, business, line, &one_day, 2).await;
        assert_eq!(seen.len(), per_day[&busiest]);
        assert!(seen.iter().all(|r| r.started_at.date_naive() == busiest));

        let first = busiest - Duration::days(2);
        let three_days =
            UsageFilter::parse("calls", &first.to_string(), &busiest.to_string()).unwrap();
        let seen = all_pages(&db, business, line, &three_days, 3).await;
        let wanted: Vec<i64> = all
            .iter()
            .filter(|r| r.kind == UsageKind::Call)
            .filter(|r| (first..=busiest).contains(&r.started_at.date_naive()))
            .map(|r| r.id)
            .collect();
        assert_eq!(ids(&seen), wanted);

        // Days with nothing: an empty page, not an error.
        let none = UsageFilter::parse("", "2020-01-01", "2020-01-31").unwrap();
        let page = db
            .usage_records(business, line, &none, None, 50)
            .await
            .unwrap();
        assert!(page.items.is_empty() && page.next.is_none());
    })
    .await;
}

/// Another customer's line shows no records and no use per day, and its number is not found.
#[tokio::test]
async fn another_customers_line_gives_nothing() {
    for_each_engine(|db| async move {
        demo(&db).await;
        let jana = customer(&db, "demo@example.com").await;
        let piotr = customer(&db, "prepaid@example.com").await;
        let theirs = lines(&db, piotr).await[0];
        let page = db
            .usage_records(jana, theirs, &UsageFilter::default(), None, 50)
            .await
            .unwrap();
        assert!(page.items.is_empty() && page.next.is_none());
        assert_eq!(db.usage_per_day(jana, theirs, today()).await.unwrap(), None);
        assert!(matches!(
            db.line_number(jana, theirs).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.line_number(jana, LineId::trusted(999_999)).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            db.line_number(piotr, theirs).await.unwrap().as_str(),
            "+48601234567"
        );
        assert!(db
            .usage_per_day(piotr, theirs, today())
            .await
            .unwrap()
            .is_some());
    })
    .await;
}

/// The use per day covers every day of the period through today, and its sums are exactly the
/// period's records added up by UTC day, and the allowance counters the overview shows.
#[tokio::test]
async fn use_per_day_adds_up_to_the_records() {
    for_each_engine(|db| async move {
        demo(&db).await;
        for email in [
            "demo@example.com",
            "prepaid@example.com",
            "business@example.com",
        ] {
            let who = customer(&db, email).await;
            let overview = db.dashboard(who, now()).await.unwrap();
            for line in &overview.lines {
                let period = db
                    .usage_per_day(who, line.id, today())
                    .await
                    .unwrap()
                    .expect("every demo line has a running period");
                assert_eq!(Some(period.last_day), line.period_ends_on);
                let days = (today() - period.first_day).num_days() + 1;
                assert_eq!(period.days.len() as i64, days, "{email}: one entry a day");
                assert!(period
                    .days
                    .windows(2)
                    .all(|w| w[1].day == w[0].day + Duration::days(1)));

                let first = period.first_day.to_string();
                let records = all_pages(
                    &db,
                    who,
                    line.id,
                    &UsageFilter::parse("", &first, &today().to_string()).unwrap(),
                    1_000,
                )
                .await;
                let mut expected: BTreeMap<(NaiveDate, UsageKind), i64> = BTreeMap::new();
                for r in &records {
                    *expected
                        .entry((r.started_at.date_naive(), r.kind))
                        .or_default() += r.quantity;
                }
                for day in &period.days {
                    for kind in UsageKind::ALL {
                        let want = expected.get(&(day.day, *kind)).copied().unwrap_or(0);
                        assert_eq!(day.of(*kind), want, "{email} {} {kind:?}", day.day);
                    }
                }
                // The seed keeps the allowance counters as the period's sums.
                let seconds: i64 = period.days.iter().map(|d| d.call_seconds).sum();
                let minutes = line
                    .allowances
                    .iter()
                    .find(|a| a.kind == selfcare::balances::AllowanceKind::Minutes)
                    .unwrap();
                assert_eq!(minutes.used, (seconds + 59) / 60, "{email}");
            }
        }
    })
    .await;
}
