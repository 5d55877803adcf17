//! Deterministic demo and load-test data, written in bulk.
//!
//! This module owns the seed: the catalog of the three markets (tariff plans and add-ons, keyed
//! by their unique `code`), the demo customers and staff users (loaded once, then marked by the
//! `app_meta` row `demo_data`), and any number of random customers with their billing accounts,
//! lines, roaming settings, add-ons, usage, prepaid credit ledgers, invoices and payments. The
//! schema belongs to the migrations; reading the data back is the other store modules' job.
//!
//! # Layout
//!
//! - this file: [`seed`] and its options and report, the demo sign-ins and vouchers, the ids the
//!   seed assigns (`NextIds`) and the voucher rows.
//! - `markets.rs`: `Market` holds what differs between Czechia, Poland and Lithuania: names and
//!   streets, number ranges, currency, VAT, prices and the words printed on invoices.
//! - `catalog.rs`: `ensure_catalog` inserts the plans and add-ons whose codes are missing, then
//!   reads the whole catalog back by code, so a second run uses what the database holds.
//! - `generate.rs`: a `Generator` turns a `CustomerSpec` (random, or one of the fixed demo
//!   customers) into rows of a `Batch`. Pure Rust driven by one [`ChaCha8Rng`], so the same
//!   seed, customer count and `today` give the same rows on a fresh database.
//! - `rows.rs`: a struct per table and `SeedRow`, its columns and fields in one order for both
//!   engines' sinks.
//! - `sqlite.rs`: `write_batch` inserts a batch in one transaction with multi-row INSERTs.
//! - `postgres.rs`: a thread generates the batches and encodes them in `COPY`'s binary format
//!   (`EncodedBatch`), and `copy_batch` writes a few at a time, one transaction each, one `COPY`
//!   per table; foreign-key checks are off for these transactions where the role may turn them
//!   off (`PgSession`). Into empty tables, the schema (`crate::schema`) sets the plain secondary
//!   indexes aside first and builds them once at the end.
//!
//! # Design decisions
//!
//! - Ids are assigned here, after each table's `MAX(id)`, so children name their parents without
//!   a RETURNING round trip per row. PostgreSQL's identity sequences are then moved past them.
//! - Phone numbers are derived from ids inside reserved ranges (`+42073…`, `+4850…`, `+3706…`
//!   for lines, landline-like ranges for organisations), so they never collide with each other
//!   or with the demo numbers, however many runs there are.
//! - A figure that another figure explains is computed from it, never drawn twice: allowance
//!   counters are the sums of the period's usage records, prepaid credit is the end of its
//!   ledger, invoice totals are the sums of their lines, and VAT is rounded per line.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Utc};
use futures_util::{stream, StreamExt};
use indicatif::ProgressBar;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use super::{on_conn, on_db, Conn, Db, Result, StoreError};
use crate::secrets::hash_password;
use selfcare::credit::VoucherCode;
use selfcare::customer::CustomerKind;
use selfcare::ids::Msisdn;
use selfcare::money::{round, Currency, Money};
use selfcare::services::roaming::default_cap;

mod catalog;
mod generate;
mod markets;
mod postgres;
mod rows;
mod sqlite;

use catalog::*;
use generate::*;
use markets::*;
use postgres::*;
use rows::*;
use sqlite::*;

/// What to seed.
#[derive(Clone, Debug)]
pub struct SeedOptions {
    /// Random customers to add (the demo customers come on top, once per database).
    pub customers: u64,
    pub seed: u64,
    /// The day the data is seeded "as of": periods, invoices and due dates are placed around it.
    pub today: NaiveDate,
    /// The instant no generated event may pass.
    pub now: DateTime<Utc>,
}

/// What one run inserted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub customers: u64,
    pub lines: u64,
    pub invoices: u64,
    pub usage_records: u64,
    /// Whether this run loaded the demo customers and staff users.
    pub demo_created: bool,
}

/// A demo voucher the README lists: its code, value and state.
#[derive(Clone, Copy, Debug)]
pub struct DemoVoucher {
    pub code: &'static str,
    pub currency: Currency,
    pub amount_cents: i64,
    /// Days from the seed's today to its last valid day; negative: already expired.
    pub valid_days: i64,
    /// Already redeemed (elsewhere, e.g. at a shop's till).
    pub spent: bool,
}

/// The demo vouchers: three to redeem per currency, one expired, one spent.
pub const DEMO_VOUCHERS: [DemoVoucher; 9] = {
    const fn v(
        code: &'static str,
        currency: Currency,
        amount_cents: i64,
        valid_days: i64,
        spent: bool,
    ) -> DemoVoucher {
        DemoVoucher {
            code,
            currency,
            amount_cents,
            valid_days,
            spent,
        }
    }
    [
        v("4821 7730 1956 2048", Currency::Pln, 5_000, 365, false),
        v("4821 7730 1956 3311", Currency::Pln, 2_500, 365, false),
        v("4821 7730 1956 5170", Currency::Pln, 10_000, 365, false),
        v("4821 7730 1956 9004", Currency::Pln, 2_000, -10, false),
        v("4821 7730 1956 7777", Currency::Pln, 3_000, 365, true),
        v("3902 1145 7781 0200", Currency::Czk, 20_000, 365, false),
        v("3902 1145 7781 0500", Currency::Czk, 50_000, 365, false),
        v("5503 6610 2290 0010", Currency::Eur, 1_000, 365, false),
        v("5503 6610 2290 0020", Currency::Eur, 2_000, 365, false),
    ]
};

/// Bind parameters per statement. SQLite allows 32,766 and PostgreSQL 65,535: staying under
/// 30,000 keeps one statement shape valid on both.
const MAX_BIND_PARAMETERS: usize = 30_000;
/// Customers per transaction: large enough that commits are rare, small enough that a batch
/// (a corporate customer has up to 80 lines) stays a few megabytes.
const CUSTOMERS_PER_TRANSACTION: u64 = 250;
/// Transactions in flight on PostgreSQL: the backends use both cores while the generator
/// thread prepares the next batches.
const POSTGRES_WRITERS: usize = 3;
/// The demo customers' usage comes from their own generator, so they look the same whatever
/// seed the random customers use.
const DEMO_SEED: u64 = 0x5e1f_ca4e;
/// Numbers in a reserved range: a prefix followed by this many digits taken from an id.
const RANGE_DIGITS: u32 = 7;
const RANGE_SIZE: i64 = 10_i64.pow(RANGE_DIGITS);

/// Tables whose ids the seed assigns itself; PostgreSQL's identity sequences of exactly these
/// are reset afterwards. (Catalog and staff rows take the database's ids.)
const EXPLICIT_ID_TABLES: [&str; 9] = [
    "customers",
    "billing_accounts",
    "lines",
    "line_addons",
    "usage_records",
    "credit_ledger",
    "invoices",
    "invoice_lines",
    "payments",
];

/// Loads the demo data (if `app_meta` has no 'demo_data' row yet) and then `options.customers`
/// random customers.
///
/// Runs again safely: the catalog is only completed, the demo is not duplicated, and new
/// customers take ids, numbers and emails after the existing ones. Only into an empty database
/// or one the demo was loaded into: demo sign-ins and seeded customers share published
/// passwords, which must never sit beside an operator's real accounts.
///
/// # Errors
/// `Conflict` on a database with real accounts; when the database fails, when the demo emails or numbers are already taken by other
/// customers, or when a reserved number range is exhausted (about ten million lines).
pub async fn seed(db: &Db, options: &SeedOptions, progress: &ProgressBar) -> Result<SeedReport> {
    if !db.has_demo_data().await? && !db.is_empty().await? {
        return Err(StoreError::Conflict(
            "real accounts: no demo data beside them",
        ));
    }
    let now = DateTime::from_timestamp(options.now.timestamp(), 0).unwrap_or(options.now);
    // One hash for every seeded customer: argon2 takes ~60 ms on purpose, which per customer
    // would turn minutes into hours, and they all share the demo password anyway.
    let password_hash = hash_password(selfcare::demo::CUSTOMER_PASSWORD);
    let catalog = std::sync::Arc::new(ensure_catalog(db).await?);
    let ids = NextIds::read(db).await?;
    if let Db::Postgres(pool) = db {
        // Indexes that a stopped seed set aside come back first.
        crate::schema::build_set_aside_indexes(pool).await?;
        crate::schema::set_aside_indexes_of_empty_tables(pool).await?;
    }
    let mut report = SeedReport::default();
    let loaded = load_customers(
        db,
        options,
        now,
        &catalog,
        &password_hash,
        ids,
        &mut report,
        progress,
    )
    .await;
    // Also after a failure: the batches committed before it hold explicit ids too, and the
    // indexes set aside belong to the schema.
    reset_identity_sequences(db).await?;
    if let Db::Postgres(pool) = db {
        crate::schema::build_set_aside_indexes(pool).await?;
    }
    let last_id_before_random = loaded?;
    let mut voucher_rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0x0076_6f75_6368_6572);
    voucher_rng.set_stream(last_id_before_random.unsigned_abs());
    // Vouchers nobody holds, about one per four customers, so the table has a realistic size.
    // Their codes come from the operating system, not from the (public) seed: whoever knows
    // the seed must not be able to redeem them.
    let mut vouchers: Vec<VoucherRow> = (0..options.customers / 4)
        .map(|_| {
            let currency =
                [Currency::Czk, Currency::Pln, Currency::Eur][voucher_rng.gen_range(0..3)];
            let code: String = (0..16)
                .map(|_| char::from(b'0' + rand::rngs::OsRng.gen_range(0..10u8)))
                .collect();
            VoucherRow {
                code,
                currency,
                amount_cents: [500, 1_000, 2_000][voucher_rng.gen_range(0..3)]
                    * if currency == Currency::Czk { 10 } else { 1 },
                expires_on: options.today + Duration::days(voucher_rng.gen_range(30..=730)),
                redeemed_at: None,
            }
        })
        .collect();
    if report.demo_created {
        vouchers.extend(DEMO_VOUCHERS.iter().map(|v| VoucherRow {
            code: v.code.to_string(),
            currency: v.currency,
            amount_cents: v.amount_cents,
            expires_on: options.today + Duration::days(v.valid_days),
            redeemed_at: v.spent.then_some(now - Duration::days(3)),
        }));
    }
    write_vouchers(db, &vouchers, now).await?;
    progress.finish();
    Ok(report)
}

/// The demo customers (once per database) and `options.customers` random ones; returns the
/// last customer id before the random ones.
#[allow(clippy::too_many_arguments)]
async fn load_customers(
    db: &Db,
    options: &SeedOptions,
    now: DateTime<Utc>,
    catalog: &std::sync::Arc<Catalog>,
    password_hash: &str,
    ids: NextIds,
    report: &mut SeedReport,
    progress: &ProgressBar,
) -> Result<i64> {
    let mut generator = Generator {
        catalog,
        today: options.today,
        now,
        password_hash,
        ids,
    };
    if !db.has_demo_data().await? {
        let mut batch = Batch::default();
        let mut rng = ChaCha8Rng::seed_from_u64(DEMO_SEED);
        generator.demo(&mut rng, &mut batch)?;
        for member in selfcare::demo::staff() {
            let selfcare::demo::Door::Staff(role) = member.door else {
                continue;
            };
            batch.staff.push(StaffRow {
                email: member.email,
                name: member.name,
                role: role.as_str(),
                password_hash: hash_password(member.password),
                created_at: now,
            });
        }
        batch.marks_demo = true;
        let counts = BatchCounts::of(&batch);
        match db {
            Db::Sqlite(pool) => write_batch(pool, &batch).await?,
            Db::Postgres(pool) => {
                let session = PgSession::new(pool).await?;
                copy_batch(pool, &EncodedBatch::of(batch, 0), session).await?;
            }
        }
        report.add(counts);
        report.demo_created = true;
    }

    progress.set_length(options.customers);
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    // One stream per starting id: a fresh database always gets the same customers for a seed,
    // and a second run into the same database adds different ones.
    rng.set_stream(generator.ids.customer.unsigned_abs());
    let last_id_before_random = generator.ids.customer;
    match db {
        Db::Sqlite(pool) => {
            write_random_customers(
                pool,
                &mut generator,
                rng,
                options.customers,
                report,
                progress,
            )
            .await?;
        }
        Db::Postgres(pool) => {
            let ids = generator.ids;
            copy_random_customers(
                pool,
                GeneratorSetup {
                    catalog: std::sync::Arc::clone(catalog),
                    today: options.today,
                    now,
                    password_hash: password_hash.to_string(),
                    ids,
                },
                rng,
                options.customers,
                report,
                progress,
            )
            .await?;
        }
    }
    Ok(last_id_before_random)
}

/// Generates `count` customers into one batch.
fn generate_batch<'c>(
    generator: &mut Generator<'c>,
    rng: &mut ChaCha8Rng,
    count: u64,
) -> Result<Batch<'c>> {
    let mut batch = Batch::default();
    for _ in 0..count {
        let spec = generator.random_customer(rng);
        generator.emit(rng, spec, &mut batch)?;
    }
    Ok(batch)
}

/// SQLite: batches generated in order and written one transaction at a time with multi-row
/// INSERTs (SQLite has one writer at a time: a second transaction would only wait for the lock).
async fn write_random_customers(
    pool: &sqlx::SqlitePool,
    generator: &mut Generator<'_>,
    rng: ChaCha8Rng,
    customers: u64,
    report: &mut SeedReport,
    progress: &ProgressBar,
) -> Result<()> {
    let mut rng = rng;
    let mut left = customers;
    while left > 0 {
        let count = left.min(CUSTOMERS_PER_TRANSACTION);
        let batch = generate_batch(generator, &mut rng, count)?;
        write_batch(pool, &batch).await?;
        report.add(BatchCounts::of(&batch));
        progress.inc(count);
        left -= count;
    }
    Ok(())
}

/// What the generator thread needs: owned, so the thread outlives no borrow.
struct GeneratorSetup {
    catalog: std::sync::Arc<Catalog>,
    today: NaiveDate,
    now: DateTime<Utc>,
    password_hash: String,
    ids: NextIds,
}

/// PostgreSQL: one thread generates the batches in order (ids and randomness stay
/// deterministic) and encodes them for `COPY`, while up to [`POSTGRES_WRITERS`] batches are
/// written concurrently, each in its own transaction, since no batch refers to another's rows.
async fn copy_random_customers(
    pool: &sqlx::PgPool,
    setup: GeneratorSetup,
    rng: ChaCha8Rng,
    customers: u64,
    report: &mut SeedReport,
    progress: &ProgressBar,
) -> Result<()> {
    let session = PgSession::new(pool).await?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<EncodedBatch>>(POSTGRES_WRITERS);
    let generating = std::thread::Builder::new()
        .name("seed-generator".into())
        .spawn(move || {
            let mut rng = rng;
            let mut generator = Generator {
                catalog: &setup.catalog,
                today: setup.today,
                now: setup.now,
                password_hash: &setup.password_hash,
                ids: setup.ids,
            };
            let mut left = customers;
            while left > 0 {
                let count = left.min(CUSTOMERS_PER_TRANSACTION);
                let encoded = generate_batch(&mut generator, &mut rng, count)
                    .map(|batch| EncodedBatch::of(batch, count));
                let failed = encoded.is_err();
                // A closed channel: the writers stopped on an error of their own.
                if sender.blocking_send(encoded).is_err() || failed {
                    return;
                }
                left -= count;
            }
        })
        .map_err(|e| StoreError::Other(sqlx::Error::Io(e)))?;
    let batches = stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|batch| (batch, receiver))
    });
    let outcome = {
        let mut written = std::pin::pin!(batches
            .map(|encoded| async move {
                let encoded = encoded?;
                copy_batch(pool, &encoded, session).await?;
                Ok::<_, StoreError>((encoded.counts, encoded.customers))
            })
            .buffer_unordered(POSTGRES_WRITERS));
        async {
            while let Some(done) = written.next().await {
                let (counts, customers) = done?;
                report.add(counts);
                progress.inc(customers);
            }
            Ok::<_, StoreError>(())
        }
        .await
        // The stream (and the channel's receiver in it) is dropped here, so after an error the
        // generator's next send fails and its thread stops instead of waiting for room.
    };
    let _ = tokio::task::spawn_blocking(move || generating.join()).await;
    outcome
}

/// Rows of a batch that the report counts.
struct BatchCounts {
    customers: u64,
    lines: u64,
    invoices: u64,
    usage_records: u64,
}

impl BatchCounts {
    fn of(batch: &Batch<'_>) -> Self {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Self {
            customers: count(batch.customers.len()),
            lines: count(batch.lines.len()),
            invoices: count(batch.invoices.len()),
            usage_records: count(batch.usage.len()),
        }
    }
}

impl SeedReport {
    fn add(&mut self, counts: BatchCounts) {
        self.customers += counts.customers;
        self.lines += counts.lines;
        self.invoices += counts.invoices;
        self.usage_records += counts.usage_records;
    }
}

/// A voucher to seed: the code is hashed on the way in.
pub(super) struct VoucherRow {
    pub(super) code: String,
    pub(super) currency: Currency,
    pub(super) amount_cents: i64,
    pub(super) expires_on: NaiveDate,
    pub(super) redeemed_at: Option<DateTime<Utc>>,
}

/// Inserts vouchers, skipping codes already present (a second seed run, or a random code that
/// happens to repeat one).
pub(super) async fn write_vouchers(
    db: &Db,
    vouchers: &[VoucherRow],
    now: DateTime<Utc>,
) -> Result<()> {
    let rows: Vec<(String, &VoucherRow)> = vouchers
        .iter()
        .filter_map(|v| {
            VoucherCode::parse(&v.code)
                .ok()
                .map(|code| (crate::secrets::voucher_hash(&code), v))
        })
        .collect();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(rows_per_statement("a, b, c, d, e, f")) {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO vouchers (code_hash, currency, amount_cents, expires_on, redeemed_at, created_at) ",
            );
            query.push_values(chunk, |mut row, (hash, v)| {
                row.push_bind(hash)
                    .push_bind(v.currency.code())
                    .push_bind(v.amount_cents)
                    .push_bind(v.expires_on)
                    .push_bind(v.redeemed_at)
                    .push_bind(now);
            });
            query.push(" ON CONFLICT (code_hash) DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Moves PostgreSQL's identity sequences past the ids the seed wrote itself.
pub(super) async fn reset_identity_sequences(db: &Db) -> Result<()> {
    // PostgreSQL only: an identity column keeps its own counter, which explicit ids do not
    // advance, so the next ordinary INSERT would collide. SQLite's INTEGER PRIMARY KEY takes
    // MAX(id) + 1 by itself.
    if let Db::Postgres(pool) = db {
        for table in EXPLICIT_ID_TABLES {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table})) "
            );
            sqlx::query(&sql).execute(pool).await?;
        }
    }
    Ok(())
}

/// The last id used in each table the seed writes ids into; [`take`] hands out the next.
pub(super) struct NextIds {
    pub(super) customer: i64,
    pub(super) account: i64,
    pub(super) line: i64,
    pub(super) line_addon: i64,
    pub(super) usage: i64,
    pub(super) ledger: i64,
    pub(super) invoice: i64,
    pub(super) invoice_line: i64,
    pub(super) payment: i64,
}

impl NextIds {
    pub(super) async fn read(db: &Db) -> Result<Self> {
        let mut last = [0_i64; EXPLICIT_ID_TABLES.len()];
        for (slot, table) in last.iter_mut().zip(EXPLICIT_ID_TABLES) {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            *slot = on_db!(db, |pool| sqlx::query_scalar(&sql).fetch_one(pool).await?);
        }
        let [customer, account, line, line_addon, usage, ledger, invoice, invoice_line, payment] =
            last;
        Ok(Self {
            customer,
            account,
            line,
            line_addon,
            usage,
            ledger,
            invoice,
            invoice_line,
            payment,
        })
    }
}

pub(super) fn take(counter: &mut i64) -> i64 {
    *counter += 1;
    *counter
}
