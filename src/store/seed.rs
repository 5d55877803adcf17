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
//! - Markets: `Market` holds what differs between Czechia, Poland and Lithuania: names and
//!   streets, number ranges, currency, VAT, prices and the words printed on invoices.
//! - Catalog: `ensure_catalog` inserts the plans and add-ons whose codes are missing, then reads
//!   the whole catalog back by code, so a second run uses what the database holds.
//! - Generation: a `Generator` turns a `CustomerSpec` (random, or one of the fixed demo
//!   customers) into rows of a `Batch`. Pure Rust driven by one [`ChaCha8Rng`], so the same
//!   seed, customer count and `today` give the same rows on a fresh database.
//! - Writing: on SQLite, `write_batch` inserts a batch in one transaction with multi-row
//!   INSERTs. On PostgreSQL, a thread generates the batches and encodes them in `COPY`'s binary
//!   format (`EncodedBatch`), and `copy_batch` writes a few at a time, one transaction each,
//!   one `COPY` per table; foreign-key checks are off for these transactions where the role
//!   may turn them off (`PgSession`), and into empty tables the plain secondary indexes are
//!   built once at the end instead of row by row (`defer_indexes_of_empty_tables`).
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

use super::{on_db, Db, Result, StoreError};
use crate::auth::hash_password;
use crate::credit::VoucherCode;
use crate::customer::CustomerKind;
use crate::ids::Msisdn;
use crate::money::{round, Currency, Money};
use crate::services::roaming::default_cap;

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

/// The password of every seeded customer, the demo sign-ins included.
pub const DEMO_PASSWORD: &str = "selfcare-demo";
/// The password of the demo staff user `agent@example.com`.
pub const AGENT_PASSWORD: &str = "selfcare-agent";
/// The password of the demo staff user `supervisor@example.com`.
pub const SUPERVISOR_PASSWORD: &str = "selfcare-supervisor";
/// The password of the demo staff user `admin@example.com`.
pub const ADMIN_PASSWORD: &str = "selfcare-admin";

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
/// customers take ids, numbers and emails after the existing ones.
///
/// # Errors
/// When the database fails, when the demo emails or numbers are already taken by other
/// customers, or when a reserved number range is exhausted (about ten million lines).
pub async fn seed(db: &Db, options: &SeedOptions, progress: &ProgressBar) -> Result<SeedReport> {
    let now = DateTime::from_timestamp(options.now.timestamp(), 0).unwrap_or(options.now);
    // One hash for every seeded customer: argon2 takes ~60 ms on purpose, which per customer
    // would turn minutes into hours, and they all share the demo password anyway.
    let password_hash = hash_password(DEMO_PASSWORD);
    let catalog = std::sync::Arc::new(ensure_catalog(db).await?);
    let ids = NextIds::read(db).await?;
    if let Db::Postgres(pool) = db {
        // Indexes that a stopped seed set aside come back first.
        build_deferred_indexes(pool).await?;
        defer_indexes_of_empty_tables(pool).await?;
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
        build_deferred_indexes(pool).await?;
    }
    let last_id_before_random = loaded?;
    let mut voucher_rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0x0076_6f75_6368_6572);
    voucher_rng.set_stream(last_id_before_random.unsigned_abs());
    // Vouchers nobody holds, about one per four customers, so the table has a realistic size.
    let mut vouchers: Vec<VoucherRow> = (0..options.customers / 4)
        .map(|_| {
            let currency =
                [Currency::Czk, Currency::Pln, Currency::Eur][voucher_rng.gen_range(0..3)];
            let code: String = (0..16)
                .map(|_| char::from(b'0' + voucher_rng.gen_range(0..10u8)))
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
        batch.staff.push(StaffRow {
            email: "agent@example.com",
            name: "Eva Agentová",
            role: "agent",
            password_hash: hash_password(AGENT_PASSWORD),
            created_at: now,
        });
        batch.staff.push(StaffRow {
            email: "supervisor@example.com",
            name: "Tomáš Vedoucí",
            role: "supervisor",
            password_hash: hash_password(SUPERVISOR_PASSWORD),
            created_at: now,
        });
        batch.staff.push(StaffRow {
            email: "admin@example.com",
            name: "Alena Správcová",
            role: "admin",
            password_hash: hash_password(ADMIN_PASSWORD),
            created_at: now,
        });
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

// ---------------------------------------------------------------------------------------------
// Markets
// ---------------------------------------------------------------------------------------------

/// Per-unit prices outside what a plan includes, in minor units excluding VAT.
struct Rates {
    /// A started minute beyond the allowance.
    minute: i64,
    sms: i64,
    /// Outside the EU (no "roam like at home").
    world_minute: i64,
    world_sms: i64,
    /// A started megabyte outside the EU.
    world_mb: i64,
}

/// The words printed on invoices and ledgers, in the market's language.
struct Words {
    usage: &'static str,
    roaming: &'static str,
    paper_invoice: &'static str,
    sim_swap: &'static str,
    discount: &'static str,
    top_up: &'static str,
    plan_fee: &'static str,
    usage_charge: &'static str,
    brought_forward: &'static str,
}

/// A tariff plan of one market: name, fee per month (postpaid) or per 30-day period (prepaid),
/// minutes, SMS and megabytes included (`None`: unlimited).
type PlanText = (&'static str, i64, Option<i64>, Option<i64>, Option<i64>);

/// How a market names its organisations.
enum CompanyNames {
    /// `Kovář Stavby s.r.o.`: a surname, an activity and a legal form; corporates use a
    /// regional name instead of the surname.
    Surname {
        activities: &'static [&'static str],
        regions: &'static [&'static str],
        business: &'static str,
        corporate: &'static str,
    },
    /// `UAB „Baltijos logistika“`: a legal form and a name in quotes.
    Quoted {
        names: &'static [&'static str],
        business: &'static str,
        corporate: &'static str,
    },
}

/// What differs between the markets we serve.
struct Market {
    /// Position in [`MARKETS`] and in per-market price arrays.
    index: usize,
    /// Prefix of catalog codes: `cz-data-5gb`.
    key: &'static str,
    /// ISO 3166 alpha-2.
    country: &'static str,
    currency: Currency,
    vat_rate_bp: i64,
    language: &'static str,
    /// Reserved ranges for seeded lines, used one after the other: prefix + 7 digits of the id.
    line_prefixes: &'static [&'static str],
    /// Reserved landline-like range for organisations: prefix + 7 digits of the customer id.
    org_phone_prefix: &'static str,
    /// Numbers people call and text: prefix + `counterpart_digits` random digits.
    counterpart_prefixes: &'static [&'static str],
    counterpart_digits: u32,
    male_names: &'static [&'static str],
    female_names: &'static [&'static str],
    /// (male form, female form)
    surnames: &'static [(&'static str, &'static str)],
    streets: &'static [&'static str],
    /// (postcode, town)
    towns: &'static [(&'static str, &'static str)],
    /// Between the house number and the flat: `12/4`, `12-4`.
    flat_separator: &'static str,
    companies: CompanyNames,
    rates: Rates,
    top_ups: [i64; 3],
    low_credit_cents: i64,
    paper_invoice_cents: i64,
    sim_swap_cents: i64,
    words: Words,
    /// In the order of [`PLAN_KINDS`].
    plans: [PlanText; 6],
    /// Name, description, conditions; in the order of [`ADDONS`].
    addon_texts: [[&'static str; 3]; 10],
}

static CZ: Market = Market {
    index: 0,
    key: "cz",
    country: "CZ",
    currency: Currency::Czk,
    vat_rate_bp: 2100,
    language: "cs",
    line_prefixes: &["+42073", "+42077", "+42079"],
    org_phone_prefix: "+42059",
    counterpart_prefixes: &["+4206", "+4207"],
    counterpart_digits: 8,
    male_names: &[
        "Jan",
        "Petr",
        "Jiří",
        "Josef",
        "Pavel",
        "Martin",
        "Tomáš",
        "Jaroslav",
        "Miroslav",
        "Zdeněk",
        "Václav",
        "Michal",
        "František",
        "Jakub",
        "Lukáš",
        "Karel",
        "Milan",
        "Ondřej",
        "Vojtěch",
        "David",
    ],
    female_names: &[
        "Jana",
        "Marie",
        "Eva",
        "Hana",
        "Anna",
        "Lenka",
        "Kateřina",
        "Lucie",
        "Věra",
        "Alena",
        "Petra",
        "Veronika",
        "Jaroslava",
        "Tereza",
        "Martina",
        "Michaela",
        "Zuzana",
        "Barbora",
        "Markéta",
        "Klára",
    ],
    surnames: &[
        ("Novák", "Nováková"),
        ("Svoboda", "Svobodová"),
        ("Novotný", "Novotná"),
        ("Dvořák", "Dvořáková"),
        ("Černý", "Černá"),
        ("Procházka", "Procházková"),
        ("Kučera", "Kučerová"),
        ("Veselý", "Veselá"),
        ("Horák", "Horáková"),
        ("Němec", "Němcová"),
        ("Marek", "Marková"),
        ("Pospíšil", "Pospíšilová"),
        ("Pokorný", "Pokorná"),
        ("Hájek", "Hájková"),
        ("Král", "Králová"),
        ("Jelínek", "Jelínková"),
        ("Růžička", "Růžičková"),
        ("Beneš", "Benešová"),
        ("Fiala", "Fialová"),
        ("Sedláček", "Sedláčková"),
        ("Doležal", "Doležalová"),
        ("Zeman", "Zemanová"),
        ("Kolář", "Kolářová"),
        ("Navrátil", "Navrátilová"),
        ("Čermák", "Čermáková"),
        ("Kovář", "Kovářová"),
    ],
    streets: &[
        "Vinohradská",
        "Masarykova",
        "Husova",
        "Palackého",
        "Nádražní",
        "Komenského",
        "Školní",
        "Sokolská",
        "Dlouhá",
        "Jiráskova",
        "Tyršova",
        "Zahradní",
        "Lidická",
        "Smetanova",
        "Na Příkopě",
        "Průmyslová",
    ],
    towns: &[
        ("120 00", "Praha 2"),
        ("130 00", "Praha 3"),
        ("602 00", "Brno"),
        ("702 00", "Ostrava"),
        ("301 00", "Plzeň"),
        ("460 01", "Liberec"),
        ("779 00", "Olomouc"),
        ("370 01", "České Budějovice"),
        ("500 02", "Hradec Králové"),
        ("530 02", "Pardubice"),
        ("760 01", "Zlín"),
        ("586 01", "Jihlava"),
    ],
    flat_separator: "/",
    companies: CompanyNames::Surname {
        activities: &[
            "Stavby",
            "Logistika",
            "Elektro",
            "Servis",
            "Reality",
            "Software",
            "Doprava",
            "Agro",
            "Trade",
            "Energo",
        ],
        regions: &["Moravia", "Bohemia", "Vltava", "Sněžka", "Labe", "Šumava"],
        business: "s.r.o.",
        corporate: "a.s.",
    },
    rates: Rates {
        minute: 350,
        sms: 190,
        world_minute: 2_900,
        world_sms: 900,
        world_mb: 1_500,
    },
    top_ups: [20_000, 30_000, 50_000],
    low_credit_cents: 10_000,
    paper_invoice_cents: 3_900,
    sim_swap_cents: 19_900,
    words: Words {
        usage: "Volání a SMS nad rámec tarifu",
        roaming: "Roaming mimo EU",
        paper_invoice: "Papírová faktura",
        sim_swap: "Výměna SIM karty",
        discount: "Věrnostní sleva",
        top_up: "Dobití kreditu",
        plan_fee: "Poplatek za tarif",
        usage_charge: "Využití nad rámec tarifu",
        brought_forward: "Převedený zůstatek",
    },
    plans: [
        ("Mobil S", 29_900, Some(100), Some(100), Some(3_072)),
        ("Mobil M", 54_900, None, None, Some(15_360)),
        ("Mobil Neomezeně", 89_900, None, None, None),
        ("Firma Flex", 64_900, None, None, Some(30_720)),
        ("Předplacená S", 14_900, Some(60), Some(60), Some(1_024)),
        ("Předplacená M", 24_900, Some(200), Some(200), Some(5_120)),
    ],
    addon_texts: [
        [
            "Data 5 GB",
            "5 GB dat navíc každý měsíc.",
            "Obnovuje se každý měsíc, lze zrušit kdykoli.",
        ],
        [
            "Data 20 GB",
            "20 GB dat navíc každý měsíc.",
            "Nelze kombinovat s balíčkem Data 5 GB. Může začít od dalšího období.",
        ],
        [
            "Extra 1 GB",
            "Jednorázově 1 GB dat do konce období.",
            "Jednorázový poplatek, nevyčerpaná data propadají.",
        ],
        [
            "Roaming Svět",
            "500 MB a 60 minut mimo EU na 7 dní.",
            "Platí 7 dní od aktivace.",
        ],
        [
            "Neomezené volání",
            "Volání do všech sítí v ČR bez omezení.",
            "Jen pro paušály. Může začít od dalšího období.",
        ],
        [
            "TV Go",
            "Přes 100 TV stanic v mobilu.",
            "Měsíční předplatné, lze zrušit kdykoli.",
        ],
        [
            "Hudba bez limitu",
            "Streamování hudby bez čerpání dat.",
            "Měsíční předplatné, lze zrušit kdykoli.",
        ],
        [
            "Zábava TV + Hudba",
            "TV Go a Hudba bez limitu za zvýhodněnou cenu.",
            "Nelze kombinovat s TV Go ani s Hudbou bez limitu.",
        ],
        [
            "Pojištění zařízení",
            "Pojištění telefonu proti poškození a krádeži.",
            "Závazek 24 měsíců; při dřívějším ukončení se platí poplatek.",
        ],
        [
            "Prioritní podpora",
            "Linka podpory pro firmy s odezvou do 1 hodiny.",
            "Jen pro firemní zákazníky.",
        ],
    ],
};

static PL: Market = Market {
    index: 1,
    key: "pl",
    country: "PL",
    currency: Currency::Pln,
    vat_rate_bp: 2300,
    language: "pl",
    line_prefixes: &["+4850", "+4851", "+4853"],
    org_phone_prefix: "+4822",
    counterpart_prefixes: &["+485", "+486", "+487", "+488"],
    counterpart_digits: 8,
    male_names: &[
        "Piotr",
        "Krzysztof",
        "Andrzej",
        "Tomasz",
        "Paweł",
        "Jan",
        "Michał",
        "Marcin",
        "Stanisław",
        "Jakub",
        "Adam",
        "Marek",
        "Łukasz",
        "Grzegorz",
        "Mateusz",
        "Wojciech",
        "Mariusz",
        "Dariusz",
        "Zbigniew",
        "Kamil",
    ],
    female_names: &[
        "Anna",
        "Maria",
        "Katarzyna",
        "Małgorzata",
        "Agnieszka",
        "Barbara",
        "Ewa",
        "Krystyna",
        "Magdalena",
        "Elżbieta",
        "Joanna",
        "Aleksandra",
        "Monika",
        "Zofia",
        "Natalia",
        "Karolina",
        "Beata",
        "Dorota",
        "Marta",
        "Justyna",
    ],
    surnames: &[
        ("Nowak", "Nowak"),
        ("Kowalski", "Kowalska"),
        ("Wiśniewski", "Wiśniewska"),
        ("Wójcik", "Wójcik"),
        ("Kowalczyk", "Kowalczyk"),
        ("Kamiński", "Kamińska"),
        ("Lewandowski", "Lewandowska"),
        ("Zieliński", "Zielińska"),
        ("Szymański", "Szymańska"),
        ("Woźniak", "Woźniak"),
        ("Dąbrowski", "Dąbrowska"),
        ("Kozłowski", "Kozłowska"),
        ("Jankowski", "Jankowska"),
        ("Mazur", "Mazur"),
        ("Wojciechowski", "Wojciechowska"),
        ("Kwiatkowski", "Kwiatkowska"),
        ("Krawczyk", "Krawczyk"),
        ("Kaczmarek", "Kaczmarek"),
        ("Piotrowski", "Piotrowska"),
        ("Grabowski", "Grabowska"),
        ("Zając", "Zając"),
        ("Pawłowski", "Pawłowska"),
        ("Michalski", "Michalska"),
        ("Król", "Król"),
        ("Wieczorek", "Wieczorek"),
    ],
    streets: &[
        "ul. Marszałkowska",
        "ul. Piotrkowska",
        "ul. Długa",
        "ul. Mickiewicza",
        "ul. Kościuszki",
        "ul. Słowackiego",
        "ul. Polna",
        "ul. Lipowa",
        "ul. Ogrodowa",
        "ul. Kwiatowa",
        "ul. Sienkiewicza",
        "ul. Floriańska",
        "ul. Grunwaldzka",
        "ul. Jana Pawła II",
    ],
    towns: &[
        ("00-001", "Warszawa"),
        ("31-000", "Kraków"),
        ("90-001", "Łódź"),
        ("50-001", "Wrocław"),
        ("60-001", "Poznań"),
        ("80-001", "Gdańsk"),
        ("70-001", "Szczecin"),
        ("20-001", "Lublin"),
        ("40-001", "Katowice"),
        ("15-001", "Białystok"),
    ],
    flat_separator: "/",
    companies: CompanyNames::Surname {
        activities: &[
            "Budownictwo",
            "Transport",
            "Serwis",
            "Logistyka",
            "Handel",
            "Media",
            "Energia",
            "Systemy",
            "Meble",
            "Instalacje",
        ],
        regions: &["Wisła", "Mazowsze", "Bałtyk", "Tatry", "Odra", "Warta"],
        business: "sp. z o.o.",
        corporate: "S.A.",
    },
    rates: Rates {
        minute: 29,
        sms: 19,
        world_minute: 490,
        world_sms: 150,
        world_mb: 250,
    },
    top_ups: [2_500, 5_000, 10_000],
    low_credit_cents: 1_000,
    paper_invoice_cents: 500,
    sim_swap_cents: 2_500,
    words: Words {
        usage: "Połączenia i SMS poza pakietem",
        roaming: "Roaming poza UE",
        paper_invoice: "Faktura papierowa",
        sim_swap: "Wymiana karty SIM",
        discount: "Rabat lojalnościowy",
        top_up: "Doładowanie konta",
        plan_fee: "Opłata za plan",
        usage_charge: "Usługi poza pakietem",
        brought_forward: "Saldo przeniesione",
    },
    plans: [
        ("Abonament S", 3_500, Some(500), Some(500), Some(5_120)),
        ("Abonament M", 5_500, None, None, Some(30_720)),
        ("Abonament bez limitu", 8_000, None, None, None),
        ("Firma Plus", 4_900, None, None, Some(40_960)),
        ("Na kartę 15", 1_500, Some(100), Some(100), Some(2_048)),
        ("Na kartę 25", 2_500, Some(300), Some(300), Some(5_120)),
    ],
    addon_texts: [
        [
            "Dane 5 GB",
            "Dodatkowe 5 GB co miesiąc.",
            "Odnawia się co miesiąc, można zrezygnować w każdej chwili.",
        ],
        [
            "Dane 20 GB",
            "Dodatkowe 20 GB co miesiąc.",
            "Nie łączy się z pakietem Dane 5 GB. Może zacząć się od następnego okresu.",
        ],
        [
            "Extra 1 GB",
            "Jednorazowo 1 GB do końca okresu.",
            "Opłata jednorazowa, niewykorzystane dane przepadają.",
        ],
        [
            "Roaming Świat",
            "500 MB i 60 minut poza UE przez 7 dni.",
            "Ważny 7 dni od aktywacji.",
        ],
        [
            "Rozmowy bez limitu",
            "Rozmowy do wszystkich sieci w Polsce bez limitu.",
            "Tylko dla abonamentu. Może zacząć się od następnego okresu.",
        ],
        [
            "TV Go",
            "Ponad 100 kanałów TV w telefonie.",
            "Subskrypcja miesięczna, można zrezygnować w każdej chwili.",
        ],
        [
            "Muzyka bez limitu",
            "Słuchanie muzyki bez zużywania danych.",
            "Subskrypcja miesięczna, można zrezygnować w każdej chwili.",
        ],
        [
            "Rozrywka TV + Muzyka",
            "TV Go i Muzyka bez limitu w niższej cenie.",
            "Nie łączy się z TV Go ani z Muzyką bez limitu.",
        ],
        [
            "Ubezpieczenie urządzenia",
            "Ochrona telefonu przed uszkodzeniem i kradzieżą.",
            "Umowa na 24 miesiące; opłata za wcześniejsze rozwiązanie.",
        ],
        [
            "Obsługa priorytetowa",
            "Infolinia dla firm z odpowiedzią w ciągu 1 godziny.",
            "Tylko dla klientów biznesowych.",
        ],
    ],
};

static LT: Market = Market {
    index: 2,
    key: "lt",
    country: "LT",
    currency: Currency::Eur,
    vat_rate_bp: 2100,
    language: "lt",
    line_prefixes: &["+3706"],
    org_phone_prefix: "+3705",
    counterpart_prefixes: &["+3706"],
    counterpart_digits: 7,
    male_names: &[
        "Jonas",
        "Petras",
        "Antanas",
        "Juozas",
        "Kazimieras",
        "Tomas",
        "Mantas",
        "Darius",
        "Andrius",
        "Vytautas",
        "Mindaugas",
        "Gediminas",
        "Lukas",
        "Paulius",
        "Marius",
        "Saulius",
        "Rokas",
        "Domantas",
        "Aurimas",
        "Linas",
    ],
    female_names: &[
        "Ona", "Janina", "Irena", "Kristina", "Rasa", "Jolanta", "Daiva", "Aušra", "Vilma", "Rūta",
        "Inga", "Laura", "Gabija", "Ieva", "Austėja", "Eglė", "Greta", "Agnė", "Giedrė", "Lina",
    ],
    surnames: &[
        ("Kazlauskas", "Kazlauskienė"),
        ("Jankauskas", "Jankauskienė"),
        ("Petrauskas", "Petrauskienė"),
        ("Stankevičius", "Stankevičienė"),
        ("Vasiliauskas", "Vasiliauskienė"),
        ("Žukauskas", "Žukauskienė"),
        ("Butkus", "Butkienė"),
        ("Paulauskas", "Paulauskienė"),
        ("Urbonas", "Urbonienė"),
        ("Kavaliauskas", "Kavaliauskienė"),
        ("Navickas", "Navickienė"),
        ("Ramanauskas", "Ramanauskienė"),
        ("Savickas", "Savickienė"),
        ("Rimkus", "Rimkienė"),
        ("Baranauskas", "Baranauskienė"),
        ("Žilinskas", "Žilinskienė"),
        ("Sakalauskas", "Sakalauskienė"),
        ("Jonaitis", "Jonaitienė"),
        ("Lukoševičius", "Lukoševičienė"),
        ("Mockus", "Mockienė"),
        ("Vaitkus", "Vaitkienė"),
        ("Kairys", "Kairienė"),
        ("Adomaitis", "Adomaitienė"),
        ("Balčiūnas", "Balčiūnienė"),
        ("Gudaitis", "Gudaitienė"),
    ],
    streets: &[
        "Gedimino pr.",
        "Vilniaus g.",
        "Laisvės al.",
        "Savanorių pr.",
        "Konstitucijos pr.",
        "Pilies g.",
        "Didžioji g.",
        "Ukmergės g.",
        "Taikos pr.",
        "Žalgirio g.",
        "Kauno g.",
        "Basanavičiaus g.",
    ],
    towns: &[
        ("LT-01100", "Vilnius"),
        ("LT-44280", "Kaunas"),
        ("LT-91001", "Klaipėda"),
        ("LT-76001", "Šiauliai"),
        ("LT-35001", "Panevėžys"),
        ("LT-62001", "Alytus"),
        ("LT-68001", "Marijampolė"),
        ("LT-28001", "Utena"),
    ],
    flat_separator: "-",
    companies: CompanyNames::Quoted {
        names: &[
            "Baltijos logistika",
            "Nemuno statyba",
            "Šiaurės energija",
            "Gintaro technologijos",
            "Vilniaus servisas",
            "Kauno prekyba",
            "Pajūrio transportas",
            "Aukštaitijos agro",
            "Žemaitijos mediena",
            "Dzūkijos maistas",
        ],
        business: "UAB",
        corporate: "AB",
    },
    rates: Rates {
        minute: 9,
        sms: 6,
        world_minute: 120,
        world_sms: 40,
        world_mb: 60,
    },
    top_ups: [500, 1_000, 2_000],
    low_credit_cents: 300,
    paper_invoice_cents: 100,
    sim_swap_cents: 500,
    words: Words {
        usage: "Skambučiai ir SMS virš plano",
        roaming: "Tarptinklinis ryšys už ES ribų",
        paper_invoice: "Popierinė sąskaita",
        sim_swap: "SIM kortelės keitimas",
        discount: "Lojalumo nuolaida",
        top_up: "Sąskaitos papildymas",
        plan_fee: "Plano mokestis",
        usage_charge: "Paslaugos virš plano",
        brought_forward: "Perkeltas likutis",
    },
    plans: [
        ("Mini", 699, Some(200), Some(200), Some(3_072)),
        ("Optimalus", 1_299, None, None, Some(15_360)),
        ("Be ribų", 1_999, None, None, None),
        ("Verslas", 1_499, None, None, Some(25_600)),
        ("Pildyk 5", 500, Some(100), Some(100), Some(2_048)),
        ("Pildyk 10", 1_000, Some(500), Some(500), Some(10_240)),
    ],
    addon_texts: [
        [
            "Duomenys 5 GB",
            "Papildomi 5 GB kas mėnesį.",
            "Atsinaujina kas mėnesį, galima atsisakyti bet kada.",
        ],
        [
            "Duomenys 20 GB",
            "Papildomi 20 GB kas mėnesį.",
            "Negalima derinti su Duomenys 5 GB. Gali prasidėti nuo kito laikotarpio.",
        ],
        [
            "Papildomas 1 GB",
            "Vienkartinis 1 GB iki laikotarpio pabaigos.",
            "Vienkartinis mokestis, nepanaudoti duomenys dingsta.",
        ],
        [
            "Pasaulis",
            "500 MB ir 60 minučių už ES ribų 7 dienoms.",
            "Galioja 7 dienas nuo užsakymo.",
        ],
        [
            "Neriboti skambučiai",
            "Skambučiai į visus Lietuvos tinklus be apribojimų.",
            "Tik planams su sąskaita. Gali prasidėti nuo kito laikotarpio.",
        ],
        [
            "TV Go",
            "Daugiau nei 100 TV kanalų telefone.",
            "Mėnesio prenumerata, galima atsisakyti bet kada.",
        ],
        [
            "Muzika be ribų",
            "Muzikos klausymas nenaudojant duomenų.",
            "Mėnesio prenumerata, galima atsisakyti bet kada.",
        ],
        [
            "Pramogos TV + Muzika",
            "TV Go ir Muzika be ribų palankesne kaina.",
            "Negalima derinti su TV Go ar Muzika be ribų.",
        ],
        [
            "Įrenginio draudimas",
            "Telefono draudimas nuo sugadinimo ir vagystės.",
            "24 mėnesių įsipareigojimas; nutraukus anksčiau taikomas mokestis.",
        ],
        [
            "Prioritetinė pagalba",
            "Pagalbos linija verslui, atsakymas per 1 valandą.",
            "Tik verslo klientams.",
        ],
    ],
};

static MARKETS: [&Market; 3] = [&CZ, &PL, &LT];

/// EU countries seeded trips go to ("roam like at home": they use the allowance).
const EU_TRIPS: [&str; 9] = ["DE", "AT", "IT", "HR", "ES", "FR", "GR", "HU", "SK"];
/// Countries outside the EU, charged by the roaming rates.
const WORLD_TRIPS: [&str; 5] = ["CH", "GB", "TR", "RS", "US"];

// ---------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------

/// Code suffix and payment type of the six plans every market has, in [`Market::plans`] order.
const PLAN_KINDS: [(&str, bool); 6] = [
    ("postpaid-s", false),
    ("postpaid-m", false),
    ("postpaid-unlimited", false),
    ("business", false),
    ("prepaid-s", true),
    ("prepaid-m", true),
];
const PLAN_S: usize = 0;
const PLAN_M: usize = 1;
const PLAN_UNLIMITED: usize = 2;
const PLAN_BUSINESS: usize = 3;
const PLAN_PREPAID_S: usize = 4;
const PLAN_PREPAID_M: usize = 5;

/// Prepaid periods and credit validity of the seeded prepaid plans.
const PREPAID_PERIOD_DAYS: i64 = 30;
const CREDIT_VALIDITY_DAYS: i64 = 180;

/// An add-on every market sells; texts are per market ([`Market::addon_texts`]).
struct AddonDef {
    suffix: &'static str,
    /// By [`Market::index`]: CZK, PLN, EUR minor units excluding VAT.
    prices: [i64; 3],
    billing_period: &'static str,
    commitment_months: i64,
    early_end_fee_cents: Option<[i64; 3]>,
    payment_types: &'static str,
    may_start_next_period: bool,
    kinds: &'static [&'static str],
}

const EVERYONE: &[&str] = &["private", "prepaid", "business", "corporate"];
const POSTPAID_KINDS: &[&str] = &["private", "business", "corporate"];
const ORGANISATIONS: &[&str] = &["business", "corporate"];

const ADDONS: [AddonDef; 10] = [
    AddonDef {
        suffix: "data-5gb",
        prices: [19_900, 2_000, 500],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: false,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "data-20gb",
        prices: [39_900, 4_000, 1_000],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: true,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "extra-1gb",
        prices: [9_900, 1_000, 300],
        billing_period: "once",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: false,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "roaming-world",
        prices: [29_900, 3_000, 900],
        billing_period: "week",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: false,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "unlimited-calls",
        prices: [14_900, 1_500, 500],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "postpaid",
        may_start_next_period: true,
        kinds: POSTPAID_KINDS,
    },
    AddonDef {
        suffix: "tv",
        prices: [19_900, 2_500, 700],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "postpaid",
        may_start_next_period: false,
        kinds: POSTPAID_KINDS,
    },
    AddonDef {
        suffix: "music",
        prices: [14_900, 1_999, 499],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: false,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "entertainment",
        prices: [29_900, 3_999, 999],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "postpaid",
        may_start_next_period: false,
        kinds: POSTPAID_KINDS,
    },
    AddonDef {
        suffix: "insurance",
        prices: [12_900, 1_500, 500],
        billing_period: "month",
        commitment_months: 24,
        early_end_fee_cents: Some([150_000, 15_000, 5_000]),
        payment_types: "postpaid",
        may_start_next_period: false,
        kinds: POSTPAID_KINDS,
    },
    AddonDef {
        suffix: "priority-support",
        prices: [9_900, 1_000, 300],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "postpaid",
        may_start_next_period: false,
        kinds: ORGANISATIONS,
    },
];
const ADDON_DATA_5GB: usize = 0;
const ADDON_DATA_20GB: usize = 1;
const ADDON_EXTRA_1GB: usize = 2;
const ADDON_TV: usize = 5;
const ADDON_MUSIC: usize = 6;
const ADDON_ENTERTAINMENT: usize = 7;
const ADDON_INSURANCE: usize = 8;
const ADDON_PRIORITY: usize = 9;

/// Pairs that cannot be active on one line together; stored in both directions.
const INCOMPATIBLE: [(usize, usize); 3] = [
    (ADDON_DATA_5GB, ADDON_DATA_20GB),
    (ADDON_TV, ADDON_ENTERTAINMENT),
    (ADDON_MUSIC, ADDON_ENTERTAINMENT),
];

fn plan_code(market: &Market, kind: usize) -> String {
    format!("{}-{}", market.key, PLAN_KINDS[kind].0)
}

fn addon_code(market: &Market, addon: usize) -> String {
    format!("{}-{}", market.key, ADDONS[addon].suffix)
}

/// A tariff plan as the database holds it.
#[derive(Clone, Debug, sqlx::FromRow)]
struct PlanRecord {
    id: i64,
    code: String,
    name: String,
    payment_type: String,
    monthly_fee_cents: i64,
    minutes_included: Option<i64>,
    sms_included: Option<i64>,
    data_mb_included: Option<i64>,
    period_days: Option<i64>,
    credit_validity_days: Option<i64>,
}

/// An add-on as the database holds it.
#[derive(Clone, Debug, sqlx::FromRow)]
struct AddonRecord {
    id: i64,
    code: String,
    name: String,
    price_cents: i64,
    billing_period: String,
    commitment_months: i64,
    payment_types: String,
}

struct Plan {
    id: i64,
    name: String,
    prepaid: bool,
    monthly_fee_cents: i64,
    minutes_included: Option<i64>,
    sms_included: Option<i64>,
    data_mb_included: Option<i64>,
    period_days: i64,
    credit_validity_days: i64,
}

impl Plan {
    fn payment_type(&self) -> &'static str {
        if self.prepaid {
            "prepaid"
        } else {
            "postpaid"
        }
    }
}

struct Addon {
    id: i64,
    name: String,
    price_cents: i64,
    billing_period: String,
    commitment_months: i64,
    payment_types: String,
    kinds: Vec<String>,
    incompatible_with: Vec<i64>,
}

impl Addon {
    fn is_for(&self, kind: CustomerKind, plan: &Plan) -> bool {
        self.kinds.iter().any(|k| k == kind.as_str())
            && self
                .payment_types
                .split(',')
                .any(|t| t.trim() == plan.payment_type())
    }
}

/// One market's plans (in [`PLAN_KINDS`] order) and add-ons (in [`ADDONS`] order).
struct MarketCatalog {
    plans: Vec<Plan>,
    addons: Vec<Addon>,
}

struct Catalog {
    /// By [`Market::index`].
    markets: Vec<MarketCatalog>,
}

/// A catalog row to insert: the plan's columns, in the INSERT's order.
struct NewPlan {
    code: String,
    name: &'static str,
    payment_type: &'static str,
    currency: &'static str,
    monthly_fee_cents: i64,
    vat_rate_bp: i64,
    minutes_included: Option<i64>,
    sms_included: Option<i64>,
    data_mb_included: Option<i64>,
    period_days: Option<i64>,
    credit_validity_days: Option<i64>,
}

struct NewAddon {
    code: String,
    texts: [&'static str; 3],
    currency: &'static str,
    def: &'static AddonDef,
    market: usize,
}

/// The catalog as the database holds it: plans, add-ons, (add-on id, customer kind) and
/// incompatible (add-on id, add-on id) pairs.
struct CatalogRows {
    plans: Vec<PlanRecord>,
    addons: Vec<AddonRecord>,
    kinds: Vec<(i64, String)>,
    pairs: Vec<(i64, i64)>,
}

/// Inserts the plans and add-ons whose codes are missing (with their customer kinds and
/// incompatibilities), then reads the whole catalog back by code.
async fn ensure_catalog(db: &Db) -> Result<Catalog> {
    let (plan_codes, addon_codes): (Vec<String>, Vec<String>) = on_db!(db, |pool| {
        let plans = sqlx::query_scalar("SELECT code FROM tariff_plans")
            .fetch_all(pool)
            .await?;
        let addons = sqlx::query_scalar("SELECT code FROM addons")
            .fetch_all(pool)
            .await?;
        (plans, addons)
    });
    let mut new_plans = Vec::new();
    let mut new_addons = Vec::new();
    for market in MARKETS {
        for (kind, &(_, prepaid)) in PLAN_KINDS.iter().enumerate() {
            let code = plan_code(market, kind);
            if plan_codes.contains(&code) {
                continue;
            }
            let (name, fee, minutes, sms, data_mb) = market.plans[kind];
            new_plans.push(NewPlan {
                code,
                name,
                payment_type: if prepaid { "prepaid" } else { "postpaid" },
                currency: market.currency.code(),
                monthly_fee_cents: fee,
                vat_rate_bp: market.vat_rate_bp,
                minutes_included: minutes,
                sms_included: sms,
                data_mb_included: data_mb,
                // Postpaid periods are the account's billing month (its cycle day), not a
                // number of days: NULL.
                period_days: prepaid.then_some(PREPAID_PERIOD_DAYS),
                credit_validity_days: prepaid.then_some(CREDIT_VALIDITY_DAYS),
            });
        }
        for (index, def) in ADDONS.iter().enumerate() {
            let code = addon_code(market, index);
            if !addon_codes.contains(&code) {
                new_addons.push(NewAddon {
                    code,
                    texts: market.addon_texts[index],
                    currency: market.currency.code(),
                    def,
                    market: market.index,
                });
            }
        }
    }

    let CatalogRows {
        plans,
        addons,
        kinds,
        pairs,
    } = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        if !new_plans.is_empty() {
            let mut query = sqlx::QueryBuilder::new(
                    "INSERT INTO tariff_plans (code, name, payment_type, currency, monthly_fee_cents, vat_rate_bp, \
                     minutes_included, sms_included, data_mb_included, period_days, credit_validity_days) ",
                );
            query.push_values(&new_plans, |mut row, p| {
                row.push_bind(&p.code)
                    .push_bind(p.name)
                    .push_bind(p.payment_type)
                    .push_bind(p.currency)
                    .push_bind(p.monthly_fee_cents)
                    .push_bind(p.vat_rate_bp)
                    .push_bind(p.minutes_included)
                    .push_bind(p.sms_included)
                    .push_bind(p.data_mb_included)
                    .push_bind(p.period_days)
                    .push_bind(p.credit_validity_days);
            });
            query.push(" ON CONFLICT (code) DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }
        if !new_addons.is_empty() {
            let mut query = sqlx::QueryBuilder::new(
                    "INSERT INTO addons (code, name, description, conditions, currency, price_cents, billing_period, \
                     commitment_months, early_end_fee_cents, payment_types, may_start_next_period, available) ",
                );
            query.push_values(&new_addons, |mut row, a| {
                row.push_bind(&a.code)
                    .push_bind(a.texts[0])
                    .push_bind(a.texts[1])
                    .push_bind(a.texts[2])
                    .push_bind(a.currency)
                    .push_bind(a.def.prices[a.market])
                    .push_bind(a.def.billing_period)
                    .push_bind(a.def.commitment_months)
                    .push_bind(a.def.early_end_fee_cents.map(|fees| fees[a.market]))
                    .push_bind(a.def.payment_types)
                    .push_bind(a.def.may_start_next_period)
                    .push_bind(true);
            });
            query.push(" ON CONFLICT (code) DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }
        let addons: Vec<AddonRecord> = sqlx::query_as(
                "SELECT id, code, name, price_cents, billing_period, commitment_months, payment_types FROM addons",
            )
            .fetch_all(&mut *tx)
            .await?;

        // Kinds and incompatibilities only for add-ons inserted now: rows of add-ons that
        // were already there are someone else's to change.
        let id_of = |code: &str| addons.iter().find(|a| a.code == code).map(|a| a.id);
        let mut kind_rows: Vec<(i64, &str)> = Vec::new();
        let mut pair_rows: Vec<(i64, i64)> = Vec::new();
        for new in &new_addons {
            if let Some(id) = id_of(&new.code) {
                kind_rows.extend(new.def.kinds.iter().map(|kind| (id, *kind)));
            }
        }
        for market in MARKETS {
            for (a, b) in INCOMPATIBLE {
                let (code_a, code_b) = (addon_code(market, a), addon_code(market, b));
                let is_new = new_addons
                    .iter()
                    .any(|n| n.code == code_a || n.code == code_b);
                if let (true, Some(a), Some(b)) = (is_new, id_of(&code_a), id_of(&code_b)) {
                    pair_rows.push((a, b));
                    pair_rows.push((b, a));
                }
            }
        }
        if !kind_rows.is_empty() {
            let mut query =
                sqlx::QueryBuilder::new("INSERT INTO addon_customer_kinds (addon_id, kind) ");
            query.push_values(&kind_rows, |mut row, (id, kind)| {
                row.push_bind(*id).push_bind(*kind);
            });
            query.push(" ON CONFLICT DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }
        if !pair_rows.is_empty() {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO addon_incompatibilities (addon_id, other_addon_id) ",
            );
            query.push_values(&pair_rows, |mut row, (a, b)| {
                row.push_bind(*a).push_bind(*b);
            });
            query.push(" ON CONFLICT DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }

        let plans: Vec<PlanRecord> = sqlx::query_as(
                "SELECT id, code, name, payment_type, monthly_fee_cents, minutes_included, sms_included, \
                 data_mb_included, period_days, credit_validity_days FROM tariff_plans",
            )
            .fetch_all(&mut *tx)
            .await?;
        let kinds: Vec<(i64, String)> =
            sqlx::query_as("SELECT addon_id, kind FROM addon_customer_kinds")
                .fetch_all(&mut *tx)
                .await?;
        let pairs: Vec<(i64, i64)> =
            sqlx::query_as("SELECT addon_id, other_addon_id FROM addon_incompatibilities")
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        CatalogRows {
            plans,
            addons,
            kinds,
            pairs,
        }
    });

    let missing = |code: &str| {
        StoreError::Conflict(format!("catalog row {code} is missing after seeding it"))
    };
    let mut markets = Vec::with_capacity(MARKETS.len());
    for market in MARKETS {
        let mut market_plans = Vec::with_capacity(PLAN_KINDS.len());
        for kind in 0..PLAN_KINDS.len() {
            let code = plan_code(market, kind);
            let record = plans
                .iter()
                .find(|p| p.code == code)
                .ok_or_else(|| missing(&code))?;
            market_plans.push(Plan {
                id: record.id,
                name: record.name.clone(),
                prepaid: record.payment_type == "prepaid",
                monthly_fee_cents: record.monthly_fee_cents,
                minutes_included: record.minutes_included,
                sms_included: record.sms_included,
                data_mb_included: record.data_mb_included,
                period_days: record
                    .period_days
                    .filter(|d| *d > 0)
                    .unwrap_or(PREPAID_PERIOD_DAYS),
                credit_validity_days: record.credit_validity_days.unwrap_or(CREDIT_VALIDITY_DAYS),
            });
        }
        let mut market_addons = Vec::with_capacity(ADDONS.len());
        for index in 0..ADDONS.len() {
            let code = addon_code(market, index);
            let record = addons
                .iter()
                .find(|a| a.code == code)
                .ok_or_else(|| missing(&code))?;
            market_addons.push(Addon {
                id: record.id,
                name: record.name.clone(),
                price_cents: record.price_cents,
                billing_period: record.billing_period.clone(),
                commitment_months: record.commitment_months,
                payment_types: record.payment_types.clone(),
                kinds: kinds
                    .iter()
                    .filter(|(id, _)| *id == record.id)
                    .map(|(_, k)| k.clone())
                    .collect(),
                incompatible_with: pairs
                    .iter()
                    .filter(|(id, _)| *id == record.id)
                    .map(|(_, other)| *other)
                    .collect(),
            });
        }
        markets.push(MarketCatalog {
            plans: market_plans,
            addons: market_addons,
        });
    }
    Ok(Catalog { markets })
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

struct CustomerRow<'c> {
    id: i64,
    kind: &'static str,
    name: String,
    email: String,
    phone: String,
    language: &'static str,
    currency: &'static str,
    password_hash: &'c str,
    low_credit_threshold_cents: Option<i64>,
    created_at: DateTime<Utc>,
}

struct AccountRow {
    id: i64,
    customer_id: i64,
    name: String,
    billing_address: String,
    cycle_day: i64,
    payment_method: &'static str,
    paper_invoices: bool,
    created_at: DateTime<Utc>,
}

struct LineRow {
    id: i64,
    customer_id: i64,
    account_id: i64,
    msisdn: String,
    label: Option<String>,
    plan_id: i64,
    payment_type: &'static str,
    activated_on: NaiveDate,
    credit_cents: i64,
    credit_expires_on: Option<NaiveDate>,
    created_at: DateTime<Utc>,
}

struct RoamingRow {
    line_id: i64,
    roaming_on: bool,
    data_roaming_on: bool,
    data_cap_cents: Option<i64>,
    data_spent_cents: i64,
    continue_past_cap: bool,
    updated_at: DateTime<Utc>,
}

struct LineAddonRow {
    id: i64,
    line_id: i64,
    addon_id: i64,
    price_cents: i64,
    active_from: DateTime<Utc>,
    commitment_until: Option<NaiveDate>,
}

struct AllowanceRow {
    line_id: i64,
    period_start: NaiveDate,
    period_end: NaiveDate,
    call_seconds_used: i64,
    sms_used: i64,
    data_kb_used: i64,
    rated_at: DateTime<Utc>,
}

struct UsageRow {
    id: i64,
    line_id: i64,
    started_at: DateTime<Utc>,
    kind: &'static str,
    quantity: i64,
    counterpart: Option<String>,
    roaming: bool,
    country: &'static str,
    charge_cents: i64,
    rated_at: DateTime<Utc>,
}

struct LedgerRow {
    id: i64,
    line_id: i64,
    at: DateTime<Utc>,
    kind: &'static str,
    amount_cents: i64,
    balance_after_cents: i64,
    description: String,
}

struct InvoiceRow {
    id: i64,
    number: String,
    customer_id: i64,
    account_id: i64,
    period_start: NaiveDate,
    period_end: NaiveDate,
    issued_on: NaiveDate,
    due_on: NaiveDate,
    currency: &'static str,
    net_cents: i64,
    vat_cents: i64,
    total_cents: i64,
    paid_cents: i64,
    status: &'static str,
    payment_reference: String,
    created_at: DateTime<Utc>,
}

struct InvoiceLineRow<'c> {
    id: i64,
    invoice_id: i64,
    line_id: Option<i64>,
    position: i64,
    category: &'static str,
    addon_id: Option<i64>,
    description: &'c str,
    quantity: i64,
    net_cents: i64,
    vat_rate_bp: i64,
    vat_cents: i64,
}

struct PaymentRow {
    id: i64,
    customer_id: i64,
    invoice_id: i64,
    received_at: DateTime<Utc>,
    amount_cents: i64,
    currency: &'static str,
    method: &'static str,
    reference: String,
}

struct StaffRow {
    email: &'static str,
    name: &'static str,
    role: &'static str,
    password_hash: String,
    created_at: DateTime<Utc>,
}

/// The words the staff console finds a customer's name by (see migration 0007).
struct NameWordRow {
    word: String,
    customer_id: i64,
}

fn name_words(customers: &[CustomerRow<'_>]) -> Vec<NameWordRow> {
    customers
        .iter()
        .flat_map(|c| {
            crate::customer::name_words(&c.name)
                .into_iter()
                .map(|word| NameWordRow {
                    word,
                    customer_id: c.id,
                })
        })
        .collect()
}

/// A row of a table the seed fills: the table, its columns, and the row's fields in their
/// order. One description serves both engines: multi-row INSERTs on SQLite ([`Inserts`]),
/// binary COPY on PostgreSQL ([`CopyRows`]).
trait SeedRow {
    const TABLE: &'static str;
    const COLUMNS: &'static str;
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>);
}

/// Where a row's fields go, one call per column in order. Every column the seed writes is
/// BIGINT, TEXT, BOOLEAN, DATE or TIMESTAMPTZ.
trait Fields<'r> {
    fn int(&mut self, value: i64) -> &mut Self;
    fn opt_int(&mut self, value: Option<i64>) -> &mut Self;
    fn text(&mut self, value: &'r str) -> &mut Self;
    fn opt_text(&mut self, value: Option<&'r str>) -> &mut Self;
    fn bool(&mut self, value: bool) -> &mut Self;
    fn date(&mut self, value: NaiveDate) -> &mut Self;
    fn opt_date(&mut self, value: Option<NaiveDate>) -> &mut Self;
    fn timestamp(&mut self, value: DateTime<Utc>) -> &mut Self;
}

impl SeedRow for CustomerRow<'_> {
    const TABLE: &'static str = "customers";
    const COLUMNS: &'static str = "id, kind, name, email, phone, language, currency, \
        password_hash, low_credit_threshold_cents, created_at";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .text(self.kind)
            .text(&self.name)
            .text(&self.email)
            .text(&self.phone)
            .text(self.language)
            .text(self.currency)
            .text(self.password_hash)
            .opt_int(self.low_credit_threshold_cents)
            .timestamp(self.created_at);
    }
}

impl SeedRow for NameWordRow {
    const TABLE: &'static str = "customer_name_words";
    const COLUMNS: &'static str = "word, customer_id";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.text(&self.word).int(self.customer_id);
    }
}

impl SeedRow for AccountRow {
    const TABLE: &'static str = "billing_accounts";
    const COLUMNS: &'static str = "id, customer_id, name, billing_address, cycle_day, \
        payment_method, paper_invoices, created_at";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .int(self.customer_id)
            .text(&self.name)
            .text(&self.billing_address)
            .int(self.cycle_day)
            .text(self.payment_method)
            .bool(self.paper_invoices)
            .timestamp(self.created_at);
    }
}

impl SeedRow for LineRow {
    const TABLE: &'static str = "lines";
    const COLUMNS: &'static str = "id, customer_id, account_id, msisdn, label, plan_id, \
        payment_type, status, activated_on, credit_cents, credit_expires_on, created_at";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .int(self.customer_id)
            .int(self.account_id)
            .text(&self.msisdn)
            .opt_text(self.label.as_deref())
            .int(self.plan_id)
            .text(self.payment_type)
            .text("active")
            .date(self.activated_on)
            .int(self.credit_cents)
            .opt_date(self.credit_expires_on)
            .timestamp(self.created_at);
    }
}

impl SeedRow for RoamingRow {
    const TABLE: &'static str = "roaming_settings";
    const COLUMNS: &'static str = "line_id, roaming_on, data_roaming_on, data_cap_cents, \
        data_spent_cents, continue_past_cap, updated_at";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.line_id)
            .bool(self.roaming_on)
            .bool(self.data_roaming_on)
            .opt_int(self.data_cap_cents)
            .int(self.data_spent_cents)
            .bool(self.continue_past_cap)
            .timestamp(self.updated_at);
    }
}

impl SeedRow for LineAddonRow {
    const TABLE: &'static str = "line_addons";
    const COLUMNS: &'static str =
        "id, line_id, addon_id, price_cents, active_from, commitment_until";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .int(self.line_id)
            .int(self.addon_id)
            .int(self.price_cents)
            .timestamp(self.active_from)
            .opt_date(self.commitment_until);
    }
}

impl SeedRow for AllowanceRow {
    const TABLE: &'static str = "allowance_usage";
    const COLUMNS: &'static str = "line_id, period_start, period_end, call_seconds_used, \
        sms_used, data_kb_used, rated_at";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.line_id)
            .date(self.period_start)
            .date(self.period_end)
            .int(self.call_seconds_used)
            .int(self.sms_used)
            .int(self.data_kb_used)
            .timestamp(self.rated_at);
    }
}

impl SeedRow for UsageRow {
    const TABLE: &'static str = "usage_records";
    const COLUMNS: &'static str = "id, line_id, started_at, kind, quantity, counterpart, \
        roaming, country, charge_cents, rated_at";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .int(self.line_id)
            .timestamp(self.started_at)
            .text(self.kind)
            .int(self.quantity)
            .opt_text(self.counterpart.as_deref())
            .bool(self.roaming)
            .text(self.country)
            .int(self.charge_cents)
            .timestamp(self.rated_at);
    }
}

impl SeedRow for LedgerRow {
    const TABLE: &'static str = "credit_ledger";
    const COLUMNS: &'static str =
        "id, line_id, at, kind, amount_cents, balance_after_cents, description";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .int(self.line_id)
            .timestamp(self.at)
            .text(self.kind)
            .int(self.amount_cents)
            .int(self.balance_after_cents)
            .text(&self.description);
    }
}

impl SeedRow for InvoiceRow {
    const TABLE: &'static str = "invoices";
    const COLUMNS: &'static str = "id, number, customer_id, account_id, period_start, \
        period_end, issued_on, due_on, currency, net_cents, vat_cents, total_cents, paid_cents, \
        status, payment_reference, created_at";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .text(&self.number)
            .int(self.customer_id)
            .int(self.account_id)
            .date(self.period_start)
            .date(self.period_end)
            .date(self.issued_on)
            .date(self.due_on)
            .text(self.currency)
            .int(self.net_cents)
            .int(self.vat_cents)
            .int(self.total_cents)
            .int(self.paid_cents)
            .text(self.status)
            .text(&self.payment_reference)
            .timestamp(self.created_at);
    }
}

impl SeedRow for InvoiceLineRow<'_> {
    const TABLE: &'static str = "invoice_lines";
    const COLUMNS: &'static str = "id, invoice_id, line_id, position, category, addon_id, \
        description, quantity, net_cents, vat_rate_bp, vat_cents";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .int(self.invoice_id)
            .opt_int(self.line_id)
            .int(self.position)
            .text(self.category)
            .opt_int(self.addon_id)
            .text(self.description)
            .int(self.quantity)
            .int(self.net_cents)
            .int(self.vat_rate_bp)
            .int(self.vat_cents);
    }
}

impl SeedRow for PaymentRow {
    const TABLE: &'static str = "payments";
    const COLUMNS: &'static str =
        "id, customer_id, invoice_id, received_at, amount_cents, currency, method, reference";
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>) {
        out.int(self.id)
            .int(self.customer_id)
            .int(self.invoice_id)
            .timestamp(self.received_at)
            .int(self.amount_cents)
            .text(self.currency)
            .text(self.method)
            .text(&self.reference);
    }
}

/// Takes a batch's tables one by one (see [`Batch::tables`]).
trait TableSink<'r> {
    fn rows<T: SeedRow>(&mut self, rows: &'r [T]);
}

/// Rows written together in one transaction.
#[derive(Default)]
struct Batch<'c> {
    customers: Vec<CustomerRow<'c>>,
    accounts: Vec<AccountRow>,
    lines: Vec<LineRow>,
    roaming: Vec<RoamingRow>,
    line_addons: Vec<LineAddonRow>,
    allowances: Vec<AllowanceRow>,
    usage: Vec<UsageRow>,
    ledger: Vec<LedgerRow>,
    invoices: Vec<InvoiceRow>,
    invoice_lines: Vec<InvoiceLineRow<'c>>,
    payments: Vec<PaymentRow>,
    staff: Vec<StaffRow>,
    /// Whether the batch holds the demo data, so `app_meta` records it in the same transaction.
    marks_demo: bool,
}

impl Batch<'_> {
    /// Each table's rows to `out`, parents before children.
    fn tables<'r>(&'r self, name_words: &'r [NameWordRow], out: &mut impl TableSink<'r>) {
        out.rows(&self.customers);
        out.rows(name_words);
        out.rows(&self.accounts);
        out.rows(&self.lines);
        out.rows(&self.roaming);
        out.rows(&self.line_addons);
        out.rows(&self.allowances);
        out.rows(&self.usage);
        out.rows(&self.ledger);
        out.rows(&self.invoices);
        out.rows(&self.invoice_lines);
        out.rows(&self.payments);
    }
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// Rows of a multi-row INSERT that keep its bind parameters under [`MAX_BIND_PARAMETERS`],
/// for a comma-separated column list.
fn rows_per_statement(columns: &str) -> usize {
    let columns = columns.matches(',').count() + 1;
    (MAX_BIND_PARAMETERS / columns).max(1)
}

/// SQLite: a batch's tables as multi-row INSERTs, each as large as the parameter limit allows.
#[derive(Default)]
struct Inserts<'r>(Vec<sqlx::QueryBuilder<'r, sqlx::Sqlite>>);

impl<'r> TableSink<'r> for Inserts<'r> {
    fn rows<T: SeedRow>(&mut self, rows: &'r [T]) {
        let head = format!("INSERT INTO {} ({}) ", T::TABLE, T::COLUMNS);
        for chunk in rows.chunks(rows_per_statement(T::COLUMNS)) {
            let mut insert = sqlx::QueryBuilder::new(&head);
            insert.push_values(chunk, |mut values, row| row.fields(&mut values));
            self.0.push(insert);
        }
    }
}

impl<'r> Fields<'r> for sqlx::query_builder::Separated<'_, 'r, sqlx::Sqlite, &'static str> {
    fn int(&mut self, value: i64) -> &mut Self {
        self.push_bind(value)
    }
    fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        self.push_bind(value)
    }
    fn text(&mut self, value: &'r str) -> &mut Self {
        self.push_bind(value)
    }
    fn opt_text(&mut self, value: Option<&'r str>) -> &mut Self {
        self.push_bind(value)
    }
    fn bool(&mut self, value: bool) -> &mut Self {
        self.push_bind(value)
    }
    fn date(&mut self, value: NaiveDate) -> &mut Self {
        self.push_bind(value)
    }
    fn opt_date(&mut self, value: Option<NaiveDate>) -> &mut Self {
        self.push_bind(value)
    }
    fn timestamp(&mut self, value: DateTime<Utc>) -> &mut Self {
        self.push_bind(value)
    }
}

/// The staff users of a batch (demo staff, kept if there) and, for the demo batch, the
/// `demo_data` mark, in the batch's own transaction `$tx`: the mark is there exactly when the
/// demo customers are. A macro, like [`insert_all!`], so it expands for each engine's
/// transaction.
macro_rules! write_staff_and_demo_mark {
    ($tx:ident, $batch:expr) => {
        for staff in &$batch.staff {
            sqlx::query(
                "INSERT INTO staff_users (email, name, role, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING",
            )
            .bind(staff.email)
            .bind(staff.name)
            .bind(staff.role)
            .bind(&staff.password_hash)
            .bind(staff.created_at)
            .execute(&mut *$tx)
            .await?;
        }
        if $batch.marks_demo {
            sqlx::query("INSERT INTO app_meta (key, value) VALUES ('demo_data', '1')")
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// SQLite: writes a batch in one transaction with multi-row INSERTs, parents before children.
/// (PostgreSQL takes the batch encoded for COPY, see [`copy_batch`].)
async fn write_batch(pool: &sqlx::SqlitePool, batch: &Batch<'_>) -> Result<()> {
    let name_words = name_words(&batch.customers);
    let mut inserts = Inserts::default();
    batch.tables(&name_words, &mut inserts);
    let mut tx = pool.begin().await?;
    for mut insert in inserts.0 {
        insert.build().execute(&mut *tx).await?;
    }
    write_staff_and_demo_mark!(tx, batch);
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Writing to PostgreSQL: binary COPY
// ---------------------------------------------------------------------------------------------

/// Days from 0001-01-01 (chrono's day 1) to 2000-01-01, PostgreSQL's epoch for dates.
const PG_EPOCH_DAYS_FROM_CE: i32 = 730_120;
/// Microseconds from the Unix epoch to 2000-01-01, PostgreSQL's epoch for timestamps.
const PG_EPOCH_UNIX_MICROS: i64 = 946_684_800_000_000;

/// One table's rows in PostgreSQL's binary `COPY` format: no text to format here and none to
/// parse in the backend. The binary forms of the seed's column types are fixed (see the
/// PostgreSQL docs, "COPY", "Binary Format").
struct CopyRows {
    statement: String,
    columns: i16,
    bytes: Vec<u8>,
    /// Fields written in the current row, checked against `columns` in debug builds.
    fields: i16,
}

impl CopyRows {
    fn new<T: SeedRow>(rows: usize) -> Self {
        let columns = i16::try_from(T::COLUMNS.matches(',').count() + 1).unwrap_or(i16::MAX);
        let mut bytes =
            Vec::with_capacity(19 + rows * (2 + usize::from(columns.unsigned_abs()) * 14) + 2);
        bytes.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        bytes.extend_from_slice(&0_i32.to_be_bytes()); // flags
        bytes.extend_from_slice(&0_i32.to_be_bytes()); // header extension length
        Self {
            statement: format!(
                "COPY {} ({}) FROM STDIN (FORMAT binary)",
                T::TABLE,
                T::COLUMNS
            ),
            columns,
            bytes,
            fields: columns,
        }
    }

    fn row(&mut self) -> &mut Self {
        debug_assert_eq!(self.fields, self.columns, "{}", self.statement);
        self.fields = 0;
        self.bytes.extend_from_slice(&self.columns.to_be_bytes());
        self
    }

    fn field(&mut self, data: &[u8]) -> &mut Self {
        self.fields += 1;
        let length = i32::try_from(data.len()).unwrap_or(i32::MAX);
        self.bytes.extend_from_slice(&length.to_be_bytes());
        self.bytes.extend_from_slice(data);
        self
    }

    fn null(&mut self) -> &mut Self {
        self.fields += 1;
        self.bytes.extend_from_slice(&(-1_i32).to_be_bytes());
        self
    }

    /// The `COPY` data, with its trailer.
    fn finish(mut self) -> CopyTable {
        debug_assert_eq!(self.fields, self.columns, "{}", self.statement);
        self.bytes.extend_from_slice(&(-1_i16).to_be_bytes());
        CopyTable {
            statement: self.statement,
            bytes: self.bytes,
        }
    }
}

impl<'r> Fields<'r> for CopyRows {
    fn int(&mut self, value: i64) -> &mut Self {
        self.field(&value.to_be_bytes())
    }

    fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        match value {
            Some(value) => self.int(value),
            None => self.null(),
        }
    }

    fn text(&mut self, value: &'r str) -> &mut Self {
        self.field(value.as_bytes())
    }

    fn opt_text(&mut self, value: Option<&'r str>) -> &mut Self {
        match value {
            Some(value) => self.text(value),
            None => self.null(),
        }
    }

    fn bool(&mut self, value: bool) -> &mut Self {
        self.field(&[u8::from(value)])
    }

    fn date(&mut self, value: NaiveDate) -> &mut Self {
        self.field(&(value.num_days_from_ce() - PG_EPOCH_DAYS_FROM_CE).to_be_bytes())
    }

    fn opt_date(&mut self, value: Option<NaiveDate>) -> &mut Self {
        match value {
            Some(value) => self.date(value),
            None => self.null(),
        }
    }

    fn timestamp(&mut self, value: DateTime<Utc>) -> &mut Self {
        self.field(&(value.timestamp_micros() - PG_EPOCH_UNIX_MICROS).to_be_bytes())
    }
}

/// A table's `COPY` statement and its data.
struct CopyTable {
    statement: String,
    bytes: Vec<u8>,
}

/// PostgreSQL: a batch's tables encoded for `COPY`; none for a table without rows.
#[derive(Default)]
struct Copies(Vec<CopyTable>);

impl<'r> TableSink<'r> for Copies {
    fn rows<T: SeedRow>(&mut self, rows: &'r [T]) {
        if rows.is_empty() {
            return;
        }
        let mut copy = CopyRows::new::<T>(rows.len());
        for row in rows {
            row.fields(copy.row());
        }
        self.0.push(copy.finish());
    }
}

/// A batch encoded for PostgreSQL: owns everything, so it leaves the generator's thread.
struct EncodedBatch {
    /// In the order they are written: parents before children.
    tables: Vec<CopyTable>,
    staff: Vec<StaffRow>,
    marks_demo: bool,
    counts: BatchCounts,
    /// Random customers in it, for the progress bar.
    customers: u64,
}

impl EncodedBatch {
    fn of(batch: Batch<'_>, customers: u64) -> Self {
        let counts = BatchCounts::of(&batch);
        let name_words = name_words(&batch.customers);
        let mut copies = Copies::default();
        batch.tables(&name_words, &mut copies);
        Self {
            tables: copies.0,
            staff: batch.staff,
            marks_demo: batch.marks_demo,
            counts,
            customers,
        }
    }
}

/// The `app_meta` key under which the indexes set aside for a bulk load are kept until they
/// are built again: one `index<TAB>table<TAB>statement that makes it` line per index.
const DEFERRED_INDEXES_KEY: &str = "seed_deferred_indexes";
/// Tables the seed writes, whose indexes are set aside when they are all empty.
const BULK_TABLES: [&str; 12] = [
    "customers",
    "customer_name_words",
    "billing_accounts",
    "lines",
    "roaming_settings",
    "line_addons",
    "allowance_usage",
    "usage_records",
    "credit_ledger",
    "invoices",
    "invoice_lines",
    "payments",
];
/// Memory for each index build (sorting) while the deferred indexes are built.
const INDEX_BUILD_MEMORY: &str = "256MB";
/// Tables whose indexes are built at a time (PostgreSQL adds parallel workers to large builds).
const INDEX_BUILDERS: usize = 2;

/// Into empty tables only: sets aside the indexes that the load would otherwise keep up to date
/// row by row (about half of what PostgreSQL spends on it), and [`build_deferred_indexes`]
/// builds each in one sorted pass at the end. Those are the plain (not unique) indexes, and the
/// primary keys that no foreign key refers to (`usage_records`, `invoice_lines`, ...): the ids
/// the seed gives cannot repeat, so building them cannot fail. Unique indexes and referenced
/// keys stay. The definitions are PostgreSQL's own (`pg_get_indexdef`,
/// `pg_get_constraintdef`), saved in `app_meta` in the same transaction as the drop, so the
/// schema comes back exactly as the migrations made it, also when the seed is stopped half-way
/// (the next `migrate` or `seed` builds them).
async fn defer_indexes_of_empty_tables(pool: &sqlx::PgPool) -> Result<()> {
    let mut tx = pool.begin().await?;
    for table in BULK_TABLES {
        let any: Option<i32> = sqlx::query_scalar(&format!("SELECT 1 FROM {table} LIMIT 1"))
            .fetch_optional(&mut *tx)
            .await?;
        if any.is_some() {
            return Ok(());
        }
    }
    // (index, table, statement that makes it, statement that drops it)
    let indexes: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT index_class.relname::text, table_class.relname::text, \
                CASE WHEN key.oid IS NULL THEN pg_get_indexdef(i.indexrelid) \
                     ELSE format('ALTER TABLE %I ADD CONSTRAINT %I %s', table_class.relname, \
                                 key.conname, pg_get_constraintdef(key.oid)) END, \
                CASE WHEN key.oid IS NULL THEN format('DROP INDEX %I', index_class.relname) \
                     ELSE format('ALTER TABLE %I DROP CONSTRAINT %I', table_class.relname, \
                                 key.conname) END \
         FROM pg_index i \
         JOIN pg_class index_class ON index_class.oid = i.indexrelid \
         JOIN pg_class table_class ON table_class.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = table_class.relnamespace \
         LEFT JOIN pg_constraint key \
                ON key.conindid = i.indexrelid AND key.conrelid = i.indrelid \
               AND key.contype IN ('p', 'u') \
         WHERE n.nspname = current_schema() AND table_class.relname = ANY($1) AND i.indisvalid \
           AND ((key.oid IS NULL AND NOT i.indisunique) \
                OR (key.contype = 'p' AND key.conname = index_class.relname \
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint f \
                                    WHERE f.contype = 'f' AND f.conindid = i.indexrelid))) \
         ORDER BY 1",
    )
    .bind(&BULK_TABLES[..])
    .fetch_all(&mut *tx)
    .await?;
    if indexes.is_empty() {
        return Ok(());
    }
    let saved: Vec<String> = indexes
        .iter()
        .map(|(name, table, create, _)| format!("{name}\t{table}\t{create}"))
        .collect();
    // Fails (unique key) if another seed has set indexes aside already: then this one keeps
    // them.
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2)")
        .bind(DEFERRED_INDEXES_KEY)
        .bind(saved.join("\n"))
        .execute(&mut *tx)
        .await?;
    for (_, _, _, drop) in &indexes {
        sqlx::query(drop).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Builds the indexes [`defer_indexes_of_empty_tables`] set aside, if any, then forgets them:
/// [`INDEX_BUILDERS`] tables at a time, the largest first, a table's primary key before its
/// other indexes. Runs after every seed on PostgreSQL, and from [`Db::migrate`] after a seed
/// that was stopped.
///
/// # Errors
/// When the database fails; the definitions stay saved for the next try.
pub(crate) async fn build_deferred_indexes(pool: &sqlx::PgPool) -> Result<()> {
    let saved: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(DEFERRED_INDEXES_KEY)
        .fetch_optional(pool)
        .await?;
    let Some(saved) = saved else {
        return Ok(());
    };
    // (table, its size, its missing indexes' statements); owned, so that the future stays
    // `Send` for any lifetime (`Db::migrate` runs in spawned tasks).
    let mut tables: Vec<(String, i64, Vec<String>)> = Vec::new();
    for entry in saved.lines() {
        let mut parts = entry.splitn(3, '\t');
        let (Some(name), Some(table), Some(create)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(super::corrupt(DEFERRED_INDEXES_KEY));
        };
        // Built already (by a run stopped after some of them): skipped.
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relname = $1)",
        )
        .bind(name)
        .fetch_one(pool)
        .await?;
        if exists {
            continue;
        }
        match tables.iter_mut().find(|(t, _, _)| *t == table) {
            Some((_, _, statements)) => statements.push(create.to_string()),
            None => {
                let size: i64 =
                    sqlx::query_scalar("SELECT pg_table_size(to_regclass(quote_ident($1)))")
                        .bind(table)
                        .fetch_one(pool)
                        .await?;
                tables.push((table.to_string(), size, vec![create.to_string()]));
            }
        }
    }
    tables.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (_, _, statements) in &mut tables {
        // The primary key (ALTER TABLE) first: it locks the whole table.
        statements.sort_by_key(|statement| !statement.starts_with("ALTER TABLE"));
    }
    let built: Vec<Result<()>> = stream::iter(tables)
        .map(|(_, _, statements)| async move {
            for statement in statements {
                let mut tx = pool.begin().await?;
                sqlx::query(&format!(
                    "SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'"
                ))
                .execute(&mut *tx)
                .await?;
                sqlx::query(&statement).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            Ok(())
        })
        .buffer_unordered(INDEX_BUILDERS)
        .collect()
        .await;
    built.into_iter().collect::<Result<Vec<()>>>()?;
    sqlx::query("DELETE FROM app_meta WHERE key = $1")
        .bind(DEFERRED_INDEXES_KEY)
        .execute(pool)
        .await?;
    Ok(())
}

/// How the seed's PostgreSQL transactions are set up.
#[derive(Clone, Copy, Debug)]
struct PgSession {
    /// Whether the foreign keys' triggers are off while the seed writes (see [`PgSession::new`]).
    skip_foreign_key_checks: bool,
}

impl PgSession {
    /// Checking a foreign key is a query per row and a lock on the parent row: more than half
    /// of what PostgreSQL spends on the seed. Every row the seed writes refers to rows of its
    /// own transaction or to the catalog it has just read, so the checks cannot fail, and the
    /// constraints themselves stay as they are (SQLite, whose foreign keys are always on, runs
    /// the same generator in the tests). `session_replication_role = replica` turns the checks
    /// off for the seed's transactions only, where the role may set it (superusers, or a role
    /// granted SET on it); elsewhere they run as usual.
    async fn new(pool: &sqlx::PgPool) -> Result<Self> {
        let mut tx = pool.begin().await?;
        let allowed = sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await
            .is_ok();
        tx.rollback().await?;
        Ok(Self {
            skip_foreign_key_checks: allowed,
        })
    }
}

/// Writes an encoded batch in one transaction, one `COPY` per table, parents before children.
async fn copy_batch(pool: &sqlx::PgPool, batch: &EncodedBatch, session: PgSession) -> Result<()> {
    let mut tx = pool.begin().await?;
    // Losing the last commits in a crash loses nothing a new seed cannot make again, and a
    // commit then does not wait for its WAL to reach the disk.
    sqlx::raw_sql(if session.skip_foreign_key_checks {
        "SET LOCAL synchronous_commit = off; SET LOCAL session_replication_role = replica"
    } else {
        "SET LOCAL synchronous_commit = off"
    })
    .execute(&mut *tx)
    .await?;
    for table in &batch.tables {
        let mut copy = tx.copy_in_raw(&table.statement).await?;
        copy.send(table.bytes.as_slice()).await?;
        copy.finish().await?;
    }
    write_staff_and_demo_mark!(tx, batch);
    tx.commit().await?;
    Ok(())
}

/// A voucher to seed: the code is hashed on the way in.
struct VoucherRow {
    code: String,
    currency: Currency,
    amount_cents: i64,
    expires_on: NaiveDate,
    redeemed_at: Option<DateTime<Utc>>,
}

/// Inserts vouchers, skipping codes already present (a second seed run, or a random code that
/// happens to repeat one).
async fn write_vouchers(db: &Db, vouchers: &[VoucherRow], now: DateTime<Utc>) -> Result<()> {
    let rows: Vec<(String, &VoucherRow)> = vouchers
        .iter()
        .filter_map(|v| {
            VoucherCode::parse(&v.code)
                .ok()
                .map(|code| (code.hash(), v))
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
async fn reset_identity_sequences(db: &Db) -> Result<()> {
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
struct NextIds {
    customer: i64,
    account: i64,
    line: i64,
    line_addon: i64,
    usage: i64,
    ledger: i64,
    invoice: i64,
    invoice_line: i64,
    payment: i64,
}

impl NextIds {
    async fn read(db: &Db) -> Result<Self> {
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

fn take(counter: &mut i64) -> i64 {
    *counter += 1;
    *counter
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/// How a postpaid account's twelve invoices are settled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum InvoiceStory {
    /// Mostly paid; some accounts owe the newest, a few an older one (sometimes partly paid).
    Random,
    /// All paid but the newest.
    NewestOpen,
    /// The newest open, the one before it partly paid and overdue.
    NewestOpenPreviousPartlyPaid,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Settlement {
    Paid,
    Open,
    PartlyPaid,
}

/// A customer to generate: everything chosen up front, so demo and random customers share one
/// path through [`Generator::emit`].
struct CustomerSpec<'c> {
    id: i64,
    kind: CustomerKind,
    market: &'static Market,
    name: String,
    email: String,
    /// `None`: the first line's number (people) or a landline from the customer id
    /// (organisations).
    phone: Option<String>,
    language: &'static str,
    address: String,
    cycle_day: u32,
    /// Days from a billing period's end to the invoice.
    issue_lag: i64,
    payment_method: &'static str,
    paper_invoices: bool,
    low_credit_threshold_cents: Option<i64>,
    lines: Vec<LineSpec<'c>>,
    story: InvoiceStory,
}

struct LineSpec<'c> {
    /// `None`: derived from the line id in the market's reserved range.
    msisdn: Option<String>,
    label: Option<String>,
    plan: &'c Plan,
    activated_on: NaiveDate,
    roaming_on: bool,
    data_roaming_on: bool,
    data_cap_cents: Option<i64>,
    continue_past_cap: bool,
    /// Active add-ons and since when.
    addons: Vec<(&'c Addon, DateTime<Utc>)>,
    /// Use this per cent of each finite allowance in the current period, and nothing beyond.
    usage_share: Option<i64>,
    /// Prepaid: the credit the ledger must end at (`None`: random).
    credit_cents: Option<i64>,
    credit_expires_on: Option<NaiveDate>,
}

/// What a postpaid line contributes to its account's invoices.
struct LineBilling<'c> {
    line_id: i64,
    plan: &'c Plan,
    activated_on: NaiveDate,
    roaming_on: bool,
    addons: Vec<(&'c Addon, NaiveDate)>,
    /// The previous period's start and usage: its invoice charges what the records charged.
    previous: Option<(NaiveDate, PeriodTotals)>,
}

/// Sums over one line's usage records in one period.
#[derive(Clone, Copy, Default)]
struct PeriodTotals {
    call_seconds: i64,
    sms: i64,
    data_kb: i64,
    /// The newest record's `rated_at`.
    rated_at: Option<DateTime<Utc>>,
    /// Home and EU usage beyond the allowance.
    usage_charge_cents: i64,
    /// Usage outside the EU.
    roaming_charge_cents: i64,
    roaming_data_charge_cents: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum UsageKind {
    Call,
    Sms,
    Data,
}

impl UsageKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Sms => "sms",
            Self::Data => "data",
        }
    }
}

/// A trip abroad inside a period: records between `from` and `to` (seconds into the window)
/// are roaming.
struct Trip {
    from: i64,
    to: i64,
    country: &'static str,
    in_eu: bool,
}

struct Generator<'c> {
    catalog: &'c Catalog,
    today: NaiveDate,
    now: DateTime<Utc>,
    password_hash: &'c str,
    ids: NextIds,
}

impl<'c> Generator<'c> {
    /// Draws a random customer of a random market and kind.
    fn random_customer(&mut self, rng: &mut ChaCha8Rng) -> CustomerSpec<'c> {
        let catalog = self.catalog;
        let today = self.today;
        let id = take(&mut self.ids.customer);
        let market: &'static Market = weighted(rng, &[(&CZ, 40), (&PL, 40), (&LT, 20)]);
        let offer = &catalog.markets[market.index];
        let kind = weighted(
            rng,
            &[
                (CustomerKind::Private, 55),
                (CustomerKind::Prepaid, 30),
                (CustomerKind::Business, 12),
                (CustomerKind::Corporate, 3),
            ],
        );
        let language = match rng.gen_range(0..100) {
            0..=4 => "ru",
            5..=9 => "en",
            _ => market.language,
        };
        let (name, email, first_name) = if kind.is_organisation() {
            let (name, slug) = company_name(rng, market, kind);
            (name, format!("{slug}.{id}@example.org"), None)
        } else {
            let (first, surname) = person(rng, market);
            let email = format!(
                "{}.{}.{id}@example.com",
                ascii_slug(first),
                ascii_slug(surname)
            );
            (format!("{first} {surname}"), email, Some(first))
        };
        let line_count: usize = match kind {
            CustomerKind::Private => weighted(rng, &[(1, 55), (2, 30), (3, 15)]),
            CustomerKind::Prepaid => 1,
            CustomerKind::Business => rng.gen_range(3..=20),
            CustomerKind::Corporate => rng.gen_range(20..=80),
        };

        let mut lines = Vec::with_capacity(line_count);
        for index in 0..line_count {
            let plan = match kind {
                CustomerKind::Prepaid => {
                    &offer.plans[weighted(rng, &[(PLAN_PREPAID_S, 50), (PLAN_PREPAID_M, 50)])]
                }
                CustomerKind::Private => {
                    &offer.plans[weighted(rng, &[(PLAN_S, 35), (PLAN_M, 45), (PLAN_UNLIMITED, 20)])]
                }
                CustomerKind::Business | CustomerKind::Corporate => {
                    &offer.plans[weighted(
                        rng,
                        &[(PLAN_BUSINESS, 60), (PLAN_M, 25), (PLAN_UNLIMITED, 15)],
                    )]
                }
            };
            // The first postpaid line is older than the twelve invoiced months, so every
            // invoice bills at least one line.
            let days_ago = if plan.prepaid {
                rng.gen_range(20..=1_500)
            } else if index == 0 || rng.gen_bool(0.8) {
                rng.gen_range(450..=2_900)
            } else {
                rng.gen_range(1..=440)
            };
            let activated_on = today - Duration::days(days_ago);
            let label = match (kind, first_name) {
                (CustomerKind::Prepaid, _) => None,
                (_, Some(first)) if index == 0 => Some(first.to_string()),
                (_, Some(_)) => {
                    let names = if rng.gen_bool(0.5) {
                        market.female_names
                    } else {
                        market.male_names
                    };
                    Some(pick(rng, names).to_string())
                }
                (_, None) => {
                    let (first, surname) = person(rng, market);
                    Some(format!("{first} {surname}"))
                }
            };
            let roaming_on = rng.gen_bool(0.85);
            let data_roaming_on = roaming_on && rng.gen_bool(0.9);
            let addons = self.random_addons(rng, offer, kind, plan, activated_on);
            lines.push(LineSpec {
                msisdn: None,
                label,
                plan,
                activated_on,
                roaming_on,
                data_roaming_on,
                data_cap_cents: rng
                    .gen_bool(0.95)
                    .then_some(default_cap(market.currency).cents()),
                continue_past_cap: rng.gen_bool(0.1),
                addons,
                usage_share: None,
                credit_cents: None,
                credit_expires_on: None,
            });
        }

        let organisation = kind.is_organisation();
        let prepaid = kind == CustomerKind::Prepaid;
        CustomerSpec {
            id,
            kind,
            market,
            name,
            email,
            phone: None,
            language,
            address: address(rng, market),
            cycle_day: if prepaid || (organisation && rng.gen_bool(0.6)) {
                1
            } else {
                rng.gen_range(1..=28)
            },
            issue_lag: rng.gen_range(2..=4),
            payment_method: if prepaid {
                "card"
            } else if organisation {
                weighted(rng, &[("bank_transfer", 70), ("direct_debit", 30)])
            } else {
                weighted(
                    rng,
                    &[("direct_debit", 45), ("bank_transfer", 35), ("card", 20)],
                )
            },
            paper_invoices: !prepaid && rng.gen_bool(if organisation { 0.25 } else { 0.10 }),
            low_credit_threshold_cents: (prepaid && rng.gen_bool(0.5))
                .then_some(market.low_credit_cents),
            lines,
            story: InvoiceStory::Random,
        }
    }

    /// Zero to three monthly add-ons the line may have: right kind and payment type, and none
    /// incompatible with another.
    fn random_addons(
        &self,
        rng: &mut ChaCha8Rng,
        offer: &'c MarketCatalog,
        kind: CustomerKind,
        plan: &Plan,
        activated_on: NaiveDate,
    ) -> Vec<(&'c Addon, DateTime<Utc>)> {
        let wanted: usize = weighted(rng, &[(0, 35), (1, 35), (2, 20), (3, 10)]);
        if wanted == 0 {
            return Vec::new();
        }
        let mut eligible: Vec<&'c Addon> = offer
            .addons
            .iter()
            .filter(|a| a.billing_period == "month" && a.is_for(kind, plan))
            .collect();
        eligible.shuffle(rng);
        let mut chosen: Vec<(&'c Addon, DateTime<Utc>)> = Vec::with_capacity(wanted);
        let span = (self.today - activated_on).num_days().max(1);
        for addon in eligible {
            if chosen.len() == wanted {
                break;
            }
            if chosen
                .iter()
                .any(|(other, _)| addon.incompatible_with.contains(&other.id))
            {
                continue;
            }
            let since = activated_on + Duration::days(rng.gen_range(0..span));
            chosen.push((addon, at(since, rng.gen_range(8 * 3_600..20 * 3_600))));
        }
        chosen
    }

    /// The fixed demo customers: a private customer with two lines and an open invoice, a
    /// prepaid customer with credit, and a business with five lines and an overdue invoice.
    fn demo(&mut self, rng: &mut ChaCha8Rng, batch: &mut Batch<'c>) -> Result<()> {
        let catalog = self.catalog;
        let today = self.today;
        let (cz, pl) = (&catalog.markets[CZ.index], &catalog.markets[PL.index]);
        let days_ago = |days: i64| today - Duration::days(days);
        // The newest invoice is issued three days before today and so due in eleven days,
        // whatever today is: the cycle starts five days ago (or on the 28th when that day does
        // not exist in every month).
        let cycle_day = days_ago(5).day().min(28);
        let newest_period_end = cycle_start(today, cycle_day) - Duration::days(1);
        let issue_lag = (days_ago(3) - newest_period_end).num_days();
        let since = |days: i64| at(days_ago(days), 10 * 3_600);
        let line = |msisdn: &str,
                    label: &str,
                    plan: &'c Plan,
                    activated: i64,
                    roaming: bool|
         -> Result<LineSpec<'c>> {
            Ok(LineSpec {
                msisdn: Some(valid_number(msisdn)?),
                label: Some(label.to_string()),
                plan,
                activated_on: days_ago(activated),
                roaming_on: roaming,
                data_roaming_on: roaming,
                data_cap_cents: Some(default_cap(CZ.currency).cents()),
                continue_past_cap: false,
                addons: Vec::new(),
                usage_share: None,
                credit_cents: None,
                credit_expires_on: None,
            })
        };

        let mut jana = line("+420601123456", "Jana", &cz.plans[PLAN_M], 1_500, true)?;
        jana.addons = vec![
            (&cz.addons[ADDON_DATA_5GB], since(200)),
            (&cz.addons[ADDON_INSURANCE], since(100)),
        ];
        let mut tomas = line("+420602654321", "Tomáš", &cz.plans[PLAN_S], 900, false)?;
        // Insurance since 40 days ago: billed for the first time on the newest invoice, so the
        // demo's "why is this bill different" always has a new add-on to tell about.
        tomas.addons = vec![
            (&cz.addons[ADDON_MUSIC], since(300)),
            (&cz.addons[ADDON_INSURANCE], since(40)),
        ];
        let demo = CustomerSpec {
            id: take(&mut self.ids.customer),
            kind: CustomerKind::Private,
            market: &CZ,
            name: "Jana Nováková".into(),
            email: "demo@example.com".into(),
            phone: Some(valid_number("+420601123456")?),
            language: "cs",
            address: "Vinohradská 1234/56, 120 00 Praha 2".into(),
            cycle_day,
            issue_lag,
            payment_method: "bank_transfer",
            paper_invoices: true,
            low_credit_threshold_cents: None,
            lines: vec![jana, tomas],
            story: InvoiceStory::NewestOpen,
        };
        self.emit(rng, demo, batch)?;

        let mut piotr = line(
            "+48601234567",
            "Piotr",
            &pl.plans[PLAN_PREPAID_M],
            400,
            true,
        )?;
        piotr.label = None;
        piotr.data_cap_cents = Some(default_cap(PL.currency).cents());
        piotr.usage_share = Some(40);
        piotr.credit_cents = Some(3_750);
        piotr.credit_expires_on = Some(today + Duration::days(60));
        let prepaid = CustomerSpec {
            id: take(&mut self.ids.customer),
            kind: CustomerKind::Prepaid,
            market: &PL,
            name: "Piotr Kowalski".into(),
            email: "prepaid@example.com".into(),
            phone: Some(valid_number("+48601234567")?),
            language: "pl",
            address: "ul. Piotrkowska 104/12, 90-001 Łódź".into(),
            cycle_day: 1,
            issue_lag: 3,
            payment_method: "card",
            paper_invoices: false,
            low_credit_threshold_cents: Some(1_000),
            lines: vec![piotr],
            story: InvoiceStory::Random,
        };
        self.emit(rng, prepaid, batch)?;

        let employees = [
            (
                "+420603100001",
                "Pavel Kovář",
                PLAN_BUSINESS,
                vec![ADDON_PRIORITY, ADDON_INSURANCE],
            ),
            (
                "+420603100002",
                "Lucie Kovářová",
                PLAN_BUSINESS,
                vec![ADDON_DATA_20GB],
            ),
            ("+420603100003", "Martin Dvořák", PLAN_BUSINESS, vec![]),
            (
                "+420603100004",
                "Petra Svobodová",
                PLAN_M,
                vec![ADDON_DATA_5GB],
            ),
            ("+420603100005", "Jiří Novotný", PLAN_BUSINESS, vec![]),
        ];
        let mut lines = Vec::with_capacity(employees.len());
        for (msisdn, label, plan, addons) in employees {
            let mut spec = line(msisdn, label, &cz.plans[plan], 1_200, true)?;
            spec.addons = addons
                .into_iter()
                .map(|a| (&cz.addons[a], since(250)))
                .collect();
            lines.push(spec);
        }
        let business = CustomerSpec {
            id: take(&mut self.ids.customer),
            kind: CustomerKind::Business,
            market: &CZ,
            name: "Kovář Stavby s.r.o.".into(),
            email: "business@example.com".into(),
            phone: Some(valid_number("+420222333444")?),
            language: "cs",
            address: "Průmyslová 1472/11, 602 00 Brno".into(),
            cycle_day,
            issue_lag,
            payment_method: "bank_transfer",
            paper_invoices: false,
            low_credit_threshold_cents: None,
            lines,
            story: InvoiceStory::NewestOpenPreviousPartlyPaid,
        };
        self.emit(rng, business, batch)
    }

    /// Turns a customer into rows: the customer, one billing account, the lines with all they
    /// carry, and (postpaid) twelve invoices with payments.
    fn emit(
        &mut self,
        rng: &mut ChaCha8Rng,
        spec: CustomerSpec<'c>,
        batch: &mut Batch<'c>,
    ) -> Result<()> {
        let market = spec.market;
        let account_id = take(&mut self.ids.account);
        let earliest = spec
            .lines
            .iter()
            .map(|l| l.activated_on)
            .min()
            .unwrap_or(self.today);
        let created_at = at(earliest, 7 * 3_600 + rng.gen_range(0..3_600));

        let mut billing = Vec::with_capacity(spec.lines.len());
        let mut first_number = None;
        for line in &spec.lines {
            let (number, line_billing) = self.emit_line(rng, &spec, account_id, line, batch)?;
            first_number.get_or_insert(number);
            billing.extend(line_billing);
        }
        let phone = match (&spec.phone, first_number) {
            (Some(phone), _) => phone.clone(),
            (None, _) if spec.kind.is_organisation() => {
                number_in_range(&[market.org_phone_prefix], spec.id)?
            }
            (None, Some(first)) => first,
            (None, None) => number_in_range(&[market.org_phone_prefix], spec.id)?,
        };
        batch.customers.push(CustomerRow {
            id: spec.id,
            kind: spec.kind.as_str(),
            name: spec.name.clone(),
            email: spec.email.clone(),
            phone,
            language: spec.language,
            currency: market.currency.code(),
            password_hash: self.password_hash,
            low_credit_threshold_cents: spec.low_credit_threshold_cents,
            created_at,
        });
        batch.accounts.push(AccountRow {
            id: account_id,
            customer_id: spec.id,
            name: spec.name.clone(),
            billing_address: spec.address.clone(),
            cycle_day: i64::from(spec.cycle_day),
            payment_method: spec.payment_method,
            paper_invoices: spec.paper_invoices,
            created_at: created_at + Duration::minutes(1),
        });
        if !billing.is_empty() {
            self.invoices(rng, &spec, account_id, &billing, batch);
        }
        Ok(())
    }

    /// One line: its row, roaming settings, add-ons, usage of the previous and current period,
    /// the current allowance counters and (prepaid) the credit ledger. Returns the number and,
    /// for a postpaid line, what its invoices need.
    fn emit_line(
        &mut self,
        rng: &mut ChaCha8Rng,
        spec: &CustomerSpec<'c>,
        account_id: i64,
        line: &LineSpec<'c>,
        batch: &mut Batch<'c>,
    ) -> Result<(String, Option<LineBilling<'c>>)> {
        let market = spec.market;
        let plan = line.plan;
        let id = take(&mut self.ids.line);
        let msisdn = match &line.msisdn {
            Some(number) => number.clone(),
            None => number_in_range(market.line_prefixes, id)?,
        };
        let created_at = at(line.activated_on, 8 * 3_600);

        let (current_start, current_end, previous_start) = if plan.prepaid {
            let elapsed = (self.today - line.activated_on).num_days().max(0);
            let start =
                line.activated_on + Duration::days(elapsed / plan.period_days * plan.period_days);
            (
                start,
                start + Duration::days(plan.period_days),
                start - Duration::days(plan.period_days),
            )
        } else {
            let start = cycle_start(self.today, spec.cycle_day);
            (start, add_months(start, 1), add_months(start, -1))
        };

        let mut totals = [PeriodTotals::default(); 2];
        // Usage runs up to half an hour ago, so how many records it makes depends on the time
        // of day. It draws from its own generator, seeded from the main one by a single draw,
        // so everything generated after it (invoices, payments) is the same all day long.
        let mut usage_rng = ChaCha8Rng::seed_from_u64(rng.gen());
        let windows = [
            (previous_start, current_start, None),
            (current_start, current_end, line.usage_share),
        ];
        for (slot, (start, end, share)) in totals.iter_mut().zip(windows) {
            let from = at(start, 0).max(created_at);
            let until = at(end, 0).min(self.now - Duration::minutes(30));
            let is_current = end == current_end;
            if from >= until && !is_current {
                continue;
            }
            // The current period always has usage, even when it began moments ago.
            let until = until.max(from + Duration::minutes(1));
            *slot = self.usage(
                &mut usage_rng,
                market,
                id,
                line,
                (from, until),
                share,
                batch,
            );
        }
        let [previous, current] = totals;
        batch.allowances.push(AllowanceRow {
            line_id: id,
            period_start: current_start,
            period_end: current_end,
            call_seconds_used: current.call_seconds,
            sms_used: current.sms,
            data_kb_used: current.data_kb,
            rated_at: current.rated_at.unwrap_or(created_at),
        });
        batch.roaming.push(RoamingRow {
            line_id: id,
            roaming_on: line.roaming_on,
            data_roaming_on: line.data_roaming_on,
            data_cap_cents: line.data_cap_cents,
            data_spent_cents: current.roaming_data_charge_cents,
            continue_past_cap: line.continue_past_cap,
            updated_at: created_at + Duration::minutes(5),
        });
        for (addon, active_from) in &line.addons {
            let commitment_until = crate::services::addons::commitment_until(
                active_from.date_naive(),
                u32::try_from(addon.commitment_months).unwrap_or(0),
            );
            batch.line_addons.push(LineAddonRow {
                id: take(&mut self.ids.line_addon),
                line_id: id,
                addon_id: addon.id,
                price_cents: addon.price_cents,
                active_from: *active_from,
                commitment_until,
            });
        }

        let (credit_cents, credit_expires_on) = if plan.prepaid {
            let (credit, expires) = self.ledger(
                rng,
                market,
                id,
                line,
                current_start,
                [(previous_start, previous), (current_start, current)],
                batch,
            );
            (credit, Some(line.credit_expires_on.unwrap_or(expires)))
        } else {
            (0, None)
        };
        batch.lines.push(LineRow {
            id,
            customer_id: spec.id,
            account_id,
            msisdn: msisdn.clone(),
            label: line.label.clone(),
            plan_id: plan.id,
            payment_type: plan.payment_type(),
            activated_on: line.activated_on,
            credit_cents,
            credit_expires_on,
            created_at,
        });

        let billing = (!plan.prepaid).then(|| LineBilling {
            line_id: id,
            plan,
            activated_on: line.activated_on,
            roaming_on: line.roaming_on,
            addons: line
                .addons
                .iter()
                .map(|(addon, from)| (*addon, from.date_naive()))
                .collect(),
            previous: Some((previous_start, previous)),
        });
        Ok((msisdn, billing))
    }

    /// Usage records of one line between `window.0` and `window.1`, rated in time order against
    /// the plan's allowances; returns their sums.
    #[allow(clippy::too_many_arguments)]
    fn usage(
        &mut self,
        rng: &mut ChaCha8Rng,
        market: &'static Market,
        line_id: i64,
        line: &LineSpec<'c>,
        window: (DateTime<Utc>, DateTime<Utc>),
        share: Option<i64>,
        batch: &mut Batch<'c>,
    ) -> PeriodTotals {
        let plan = line.plan;
        let included_seconds = plan.minutes_included.map(|m| m * 60);
        let included_sms = plan.sms_included;
        let included_kb = plan.data_mb_included.map(|mb| mb * 1_024);

        // What happened...
        let mut events: Vec<(UsageKind, i64)> = Vec::new();
        let mut trip = None;
        if let Some(per_cent) = share {
            let target = |included: Option<i64>, otherwise: i64| {
                included.map_or(otherwise, |i| i * per_cent / 100)
            };
            let mut fill = |kind: UsageKind, total: i64, piece: std::ops::RangeInclusive<i64>| {
                let mut sum = 0;
                while sum < total {
                    let quantity = rng.gen_range(piece.clone()).min(total - sum);
                    events.push((kind, quantity));
                    sum += quantity;
                }
            };
            fill(UsageKind::Call, target(included_seconds, 3_600), 30..=600);
            fill(UsageKind::Sms, target(included_sms, 20), 1..=1);
            fill(
                UsageKind::Data,
                target(included_kb, 2_000_000),
                20_000..=300_000,
            );
            events.shuffle(rng);
        } else {
            for _ in 0..rng.gen_range(15..=30) {
                let kind = weighted(
                    rng,
                    &[
                        (UsageKind::Call, 40),
                        (UsageKind::Sms, 25),
                        (UsageKind::Data, 35),
                    ],
                );
                let quantity = match kind {
                    UsageKind::Call => match rng.gen_range(0..100) {
                        0..=69 => rng.gen_range(10..=300),
                        70..=94 => rng.gen_range(300..=1_200),
                        _ => rng.gen_range(1_200..=3_600),
                    },
                    UsageKind::Sms => 1,
                    UsageKind::Data => match rng.gen_range(0..100) {
                        0..=59 => rng.gen_range(200..=20_000),
                        60..=89 => rng.gen_range(20_000..=200_000),
                        _ => rng.gen_range(200_000..=800_000),
                    },
                };
                events.push((kind, quantity));
            }
            if line.roaming_on && rng.gen_bool(0.15) {
                let span = (window.1 - window.0).num_seconds().max(1);
                let from = rng.gen_range(0..span);
                let in_eu = rng.gen_bool(0.8);
                let country = if in_eu {
                    *pick(rng, &EU_TRIPS)
                } else {
                    *pick(rng, &WORLD_TRIPS)
                };
                trip = Some(Trip {
                    from,
                    to: from + rng.gen_range(2..=7) * 86_400,
                    country,
                    in_eu,
                });
            }
        }

        // ...and when.
        let span = (window.1 - window.0).num_seconds().max(1);
        let mut offsets: Vec<i64> = events
            .iter()
            .map(|_| waking_offset(rng, window.0, span))
            .collect();
        offsets.sort_unstable();

        let rates = &market.rates;
        let mut totals = PeriodTotals::default();
        let mut last_rated = window.0;
        for ((kind, quantity), offset) in events.into_iter().zip(offsets) {
            let (mut kind, mut quantity) = (kind, quantity);
            let started_at = window.0 + Duration::seconds(offset);
            let abroad = trip.as_ref().filter(|t| (t.from..t.to).contains(&offset));
            let in_world = abroad.is_some_and(|t| !t.in_eu);
            if abroad.is_some() && kind == UsageKind::Data && !line.data_roaming_on {
                (kind, quantity) = (UsageKind::Sms, 1);
            }
            if in_world && kind == UsageKind::Data {
                quantity = rng.gen_range(100..=5_000);
                let charge = div_ceil(quantity, 1_024) * rates.world_mb;
                let over_cap = line.data_cap_cents.is_some_and(|cap| {
                    totals.roaming_data_charge_cents + charge > cap && !line.continue_past_cap
                });
                if over_cap {
                    // The cap stops data abroad; the customer texts instead.
                    (kind, quantity) = (UsageKind::Sms, 1);
                }
            }
            let charge = match (kind, in_world) {
                (UsageKind::Call, true) => div_ceil(quantity, 60) * rates.world_minute,
                (UsageKind::Sms, true) => rates.world_sms,
                (UsageKind::Data, true) => div_ceil(quantity, 1_024) * rates.world_mb,
                (UsageKind::Call, false) => {
                    div_ceil(beyond(totals.call_seconds, quantity, included_seconds), 60)
                        * rates.minute
                }
                (UsageKind::Sms, false) => beyond(totals.sms, quantity, included_sms) * rates.sms,
                // Data beyond the allowance is slowed down, not charged.
                (UsageKind::Data, false) => 0,
            };
            if in_world {
                totals.roaming_charge_cents += charge;
                if kind == UsageKind::Data {
                    totals.roaming_data_charge_cents += charge;
                }
            } else {
                totals.usage_charge_cents += charge;
            }
            match kind {
                UsageKind::Call => totals.call_seconds += quantity,
                UsageKind::Sms => totals.sms += quantity,
                UsageKind::Data => totals.data_kb += quantity,
            }
            let duration = if kind == UsageKind::Call { quantity } else { 0 };
            // Rated after it ended, never after now, and in the order the records started, so
            // the newest record carries the newest rating.
            let rated_at = (started_at + Duration::seconds(duration + rng.gen_range(20..=240)))
                .min(self.now)
                .max(started_at)
                .max(last_rated);
            last_rated = rated_at;
            let counterpart = (kind != UsageKind::Data).then(|| counterpart(rng, market));
            batch.usage.push(UsageRow {
                id: take(&mut self.ids.usage),
                line_id,
                started_at,
                kind: kind.as_str(),
                quantity,
                counterpart,
                roaming: abroad.is_some(),
                country: abroad.map_or(market.country, |t| t.country),
                charge_cents: charge,
                rated_at,
            });
            totals.rated_at = Some(rated_at);
        }
        totals
    }

    /// A prepaid line's credit ledger over the last six months: period fees, add-on fees and
    /// usage charges, with top-ups placed so the balance never goes below zero and ends at the
    /// line's credit. Returns the credit and when it expires.
    #[allow(clippy::too_many_arguments)]
    fn ledger(
        &mut self,
        rng: &mut ChaCha8Rng,
        market: &'static Market,
        line_id: i64,
        line: &LineSpec<'c>,
        current_start: NaiveDate,
        periods: [(NaiveDate, PeriodTotals); 2],
        batch: &mut Batch<'c>,
    ) -> (i64, NaiveDate) {
        let plan = line.plan;
        let words = &market.words;
        let opened_on = line
            .activated_on
            .max(self.today - Duration::days(CREDIT_VALIDITY_DAYS));
        let opened_at = at(opened_on, 6 * 3_600);

        // Charges, in time order: the fees at each period start...
        let mut charges: Vec<(DateTime<Utc>, i64, String)> = Vec::new();
        let mut period = line.activated_on;
        while period <= self.today {
            if period >= opened_on {
                let charged_at = at(period, 300 + rng.gen_range(0..600))
                    .min(self.now)
                    .max(opened_at);
                if plan.monthly_fee_cents > 0 {
                    charges.push((
                        charged_at,
                        plan.monthly_fee_cents,
                        format!("{}: {}", words.plan_fee, plan.name),
                    ));
                }
                for (addon, since) in &line.addons {
                    if since.date_naive() <= period {
                        charges.push((
                            charged_at + Duration::seconds(1),
                            addon.price_cents,
                            addon.name.clone(),
                        ));
                    }
                }
            }
            period += Duration::days(plan.period_days);
        }
        // ...and usage beyond the allowance: the previous period's when it closed, the current
        // one's as last rated.
        for (start, totals) in periods {
            let amount = totals.usage_charge_cents + totals.roaming_charge_cents;
            if amount > 0 {
                let when = if start == current_start {
                    totals.rated_at.unwrap_or(self.now)
                } else {
                    at(current_start, 200).min(self.now)
                };
                charges.push((when.max(opened_at), amount, words.usage_charge.to_string()));
            }
        }
        charges.sort_by_key(|(when, _, _)| *when);

        // Walk back from the final credit: before a charge the balance was higher by it; before
        // a top-up, lower by it (never below zero). What is left at the start was brought
        // forward from earlier months.
        let credit = line
            .credit_cents
            .unwrap_or_else(|| rng.gen_range(0..=market.top_ups[2]));
        let mut entries: Vec<(DateTime<Utc>, &'static str, i64, String)> = Vec::new();
        let mut balance = credit;
        let mut later = self.now;
        // A top-up goes into a quiet hour between charges, not between a fee and the add-on
        // fees charged with it.
        let top_up =
            |rng: &mut ChaCha8Rng, balance: i64, from: DateTime<Utc>, to: DateTime<Utc>| {
                let fitting: Vec<i64> = market
                    .top_ups
                    .iter()
                    .copied()
                    .filter(|amount| *amount <= balance)
                    .collect();
                let wanted = balance > 2 * market.top_ups[2] || rng.gen_bool(0.5);
                let room = (to - from).num_seconds() - 1_800;
                if fitting.is_empty() || !wanted || room < 1_800 {
                    return None;
                }
                let amount = *pick(rng, &fitting);
                Some((
                    from + Duration::seconds(waking_offset(rng, from, room)),
                    amount,
                ))
            };
        for index in (0..=charges.len()).rev() {
            let earlier = if index == 0 {
                opened_at
            } else {
                charges[index - 1].0
            };
            if let Some((when, amount)) = top_up(rng, balance, earlier, later) {
                entries.push((when, "top_up", amount, words.top_up.to_string()));
                balance -= amount;
            }
            if index > 0 {
                let (when, amount, description) = std::mem::take(&mut charges[index - 1]);
                entries.push((when, "charge", -amount, description));
                balance += amount;
                later = when;
            }
        }
        if balance > 0 {
            entries.push((
                opened_at,
                "adjustment",
                balance,
                words.brought_forward.to_string(),
            ));
        }
        entries.reverse();

        let mut running = 0;
        let mut last_credit_on = opened_on;
        for (when, kind, amount, description) in entries {
            running += amount;
            if amount > 0 {
                last_credit_on = when.date_naive();
            }
            batch.ledger.push(LedgerRow {
                id: take(&mut self.ids.ledger),
                line_id,
                at: when,
                kind,
                amount_cents: amount,
                balance_after_cents: running,
                description,
            });
        }
        debug_assert_eq!(running, credit);
        (
            credit,
            last_credit_on + Duration::days(plan.credit_validity_days),
        )
    }

    /// Twelve monthly invoices of a postpaid account, for the newest closed billing periods
    /// already invoiced by today, with their lines and payments.
    fn invoices(
        &mut self,
        rng: &mut ChaCha8Rng,
        spec: &CustomerSpec<'c>,
        account_id: i64,
        lines: &[LineBilling<'c>],
        batch: &mut Batch<'c>,
    ) {
        let market = spec.market;
        let catalog: &'c Catalog = self.catalog;
        let offer = &catalog.markets[market.index];
        let current = cycle_start(self.today, spec.cycle_day);
        let mut periods = Vec::with_capacity(12);
        let mut back = 1;
        while periods.len() < 12 {
            let start = add_months(current, -back);
            let end = add_months(current, 1 - back) - Duration::days(1);
            let issued = end + Duration::days(spec.issue_lag);
            if issued <= self.today {
                periods.push((start, end, issued));
            }
            back += 1;
        }
        periods.reverse();

        let count = periods.len();
        let mut settlements = vec![Settlement::Paid; count];
        match spec.story {
            InvoiceStory::Random => {
                if rng.gen_bool(0.10) {
                    settlements[count - 1] = Settlement::Open;
                }
                if rng.gen_bool(0.05) {
                    let older = count - rng.gen_range(2..=3);
                    settlements[older] = if rng.gen_bool(0.4) {
                        Settlement::PartlyPaid
                    } else {
                        Settlement::Open
                    };
                }
            }
            InvoiceStory::NewestOpen => settlements[count - 1] = Settlement::Open,
            InvoiceStory::NewestOpenPreviousPartlyPaid => {
                settlements[count - 1] = Settlement::Open;
                settlements[count - 2] = Settlement::PartlyPaid;
            }
        }

        let words = &market.words;
        let extra_gb = &offer.addons[ADDON_EXTRA_1GB];
        for ((start, end, issued), settlement) in periods.into_iter().zip(settlements) {
            let mut invoice = InvoiceDraft::new(
                take(&mut self.ids.invoice),
                market.vat_rate_bp,
                market.currency,
            );
            for line in lines.iter().filter(|l| l.activated_on <= start) {
                let id = Some(line.line_id);
                invoice.add(
                    &mut self.ids,
                    id,
                    "plan",
                    None,
                    &line.plan.name,
                    line.plan.monthly_fee_cents,
                );
                for (addon, since) in &line.addons {
                    if *since <= start {
                        invoice.add(
                            &mut self.ids,
                            id,
                            "addon",
                            Some(addon.id),
                            &addon.name,
                            addon.price_cents,
                        );
                    }
                }
                if rng.gen_bool(0.04) {
                    invoice.add(
                        &mut self.ids,
                        id,
                        "addon",
                        Some(extra_gb.id),
                        &extra_gb.name,
                        extra_gb.price_cents,
                    );
                }
                // The period the usage records cover is billed what they charged; older
                // periods get an occasional charge of the same kind.
                let (usage, roaming) = match line.previous {
                    Some((previous_start, totals)) if previous_start == start => {
                        (totals.usage_charge_cents, totals.roaming_charge_cents)
                    }
                    _ => (
                        if rng.gen_bool(0.08) {
                            rng.gen_range(5..=120) * market.rates.minute
                        } else {
                            0
                        },
                        if line.roaming_on && rng.gen_bool(0.05) {
                            rng.gen_range(5..=100) * market.rates.world_mb
                        } else {
                            0
                        },
                    ),
                };
                if usage > 0 {
                    invoice.add(&mut self.ids, id, "usage", None, words.usage, usage);
                }
                if roaming > 0 {
                    invoice.add(&mut self.ids, id, "roaming", None, words.roaming, roaming);
                }
            }
            if let Some(first) = lines.first() {
                if rng.gen_bool(0.02) {
                    invoice.add(
                        &mut self.ids,
                        Some(first.line_id),
                        "one_off",
                        None,
                        words.sim_swap,
                        market.sim_swap_cents,
                    );
                }
                if rng.gen_bool(0.05) {
                    let discount = -cents_of(round(
                        Decimal::new(first.plan.monthly_fee_cents, 2) * Decimal::new(10, 2),
                    ));
                    invoice.add(
                        &mut self.ids,
                        Some(first.line_id),
                        "discount",
                        None,
                        words.discount,
                        discount,
                    );
                }
            }
            if spec.paper_invoices {
                invoice.add(
                    &mut self.ids,
                    None,
                    "one_off",
                    None,
                    words.paper_invoice,
                    market.paper_invoice_cents,
                );
            }

            let due = issued + Duration::days(14);
            let total = invoice.net_cents + invoice.vat_cents;
            let paid = match settlement {
                Settlement::Paid => total,
                Settlement::Open => 0,
                // About half, in whole currency units, but always something and never all.
                Settlement::PartlyPaid => (total / 2 / 100 * 100).clamp(1, total - 1),
            };
            let reference = format!("{}", 1_000_000_000 + invoice.id);
            if paid > 0 {
                let paid_on =
                    (due - Duration::days(rng.gen_range(0..=6))).clamp(issued, self.today);
                let received_at = at(paid_on, rng.gen_range(7 * 3_600..19 * 3_600)).min(self.now);
                batch.payments.push(PaymentRow {
                    id: take(&mut self.ids.payment),
                    customer_id: spec.id,
                    invoice_id: invoice.id,
                    received_at,
                    amount_cents: paid,
                    currency: market.currency.code(),
                    method: spec.payment_method,
                    reference: reference.clone(),
                });
            }
            batch.invoices.push(InvoiceRow {
                id: invoice.id,
                // Unique: one billing period starts in each month of an account.
                number: format!("{}{:02}{account_id:07}", start.year(), start.month()),
                customer_id: spec.id,
                account_id,
                period_start: start,
                period_end: end,
                issued_on: issued,
                due_on: due,
                currency: market.currency.code(),
                net_cents: invoice.net_cents,
                vat_cents: invoice.vat_cents,
                total_cents: total,
                paid_cents: paid,
                status: if settlement == Settlement::Paid {
                    "paid"
                } else {
                    "open"
                },
                payment_reference: reference,
                created_at: at(issued, 5 * 3_600),
            });
            batch.invoice_lines.append(&mut invoice.lines);
        }
    }
}

/// An invoice being assembled: its lines and running sums.
struct InvoiceDraft<'c> {
    id: i64,
    vat_rate_bp: i64,
    currency: Currency,
    net_cents: i64,
    vat_cents: i64,
    lines: Vec<InvoiceLineRow<'c>>,
}

impl<'c> InvoiceDraft<'c> {
    fn new(id: i64, vat_rate_bp: i64, currency: Currency) -> Self {
        Self {
            id,
            vat_rate_bp,
            currency,
            net_cents: 0,
            vat_cents: 0,
            lines: Vec::new(),
        }
    }

    fn add(
        &mut self,
        ids: &mut NextIds,
        line_id: Option<i64>,
        category: &'static str,
        addon_id: Option<i64>,
        description: &'c str,
        net_cents: i64,
    ) {
        // The billing rule: VAT per invoice line, so the invoice's VAT is the sum of its lines'.
        let vat = crate::billing::invoices::vat(Decimal::new(net_cents, 2), self.vat_rate_bp);
        let vat_cents = Money::new(vat, self.currency).cents();
        self.net_cents += net_cents;
        self.vat_cents += vat_cents;
        let position = i64::try_from(self.lines.len()).unwrap_or(i64::MAX) + 1;
        self.lines.push(InvoiceLineRow {
            id: take(&mut ids.invoice_line),
            invoice_id: self.id,
            line_id,
            position,
            category,
            addon_id,
            description,
            quantity: 1,
            net_cents,
            vat_rate_bp: self.vat_rate_bp,
            vat_cents,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// Whole minor units of an amount already rounded by [`round`].
fn cents_of(amount: Decimal) -> i64 {
    Money::new(amount, Currency::Eur).cents()
}

/// How much of `quantity` lies beyond `included`, given `before` already used.
fn beyond(before: i64, quantity: i64, included: Option<i64>) -> i64 {
    included.map_or(0, |included| {
        (before + quantity - before.max(included)).max(0)
    })
}

fn div_ceil(value: i64, unit: i64) -> i64 {
    (value + unit - 1) / unit
}

/// Midnight UTC of `date`, plus `seconds`.
fn at(date: NaiveDate, seconds: i64) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc() + Duration::seconds(seconds)
}

/// Shifts by whole months. Only called with days 1 to 28, which every month has.
fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let shifted = if months >= 0 {
        date.checked_add_months(Months::new(months.unsigned_abs()))
    } else {
        date.checked_sub_months(Months::new(months.unsigned_abs()))
    };
    shifted.unwrap_or(date)
}

/// The first day of the monthly billing period (starting on `cycle_day`) that contains `day`.
fn cycle_start(day: NaiveDate, cycle_day: u32) -> NaiveDate {
    let this_month = day.with_day(cycle_day).unwrap_or(day);
    if this_month <= day {
        this_month
    } else {
        add_months(this_month, -1)
    }
}

/// The number an id stands for in reserved ranges: the prefix of its ten-million block and its
/// last seven digits.
fn number_in_range(prefixes: &[&str], id: i64) -> Result<String> {
    let block = usize::try_from(id / RANGE_SIZE).unwrap_or(usize::MAX);
    let prefix = prefixes.get(block).ok_or_else(|| {
        StoreError::Conflict(format!("the seed's number range is exhausted at id {id}"))
    })?;
    valid_number(&format!("{prefix}{:07}", id % RANGE_SIZE))
}

/// Parses a number as a customer's would be, so only valid E.164 numbers are stored.
fn valid_number(text: &str) -> Result<String> {
    Msisdn::parse(text)
        .map(|number| number.as_str().to_string())
        .map_err(|_| StoreError::Conflict(format!("the seed made an invalid number: {text}")))
}

/// A number someone calls or texts.
fn counterpart(rng: &mut ChaCha8Rng, market: &Market) -> String {
    let prefix = pick(rng, market.counterpart_prefixes);
    let digits = market.counterpart_digits as usize;
    format!(
        "{prefix}{:0digits$}",
        rng.gen_range(0..10_u64.pow(market.counterpart_digits))
    )
}

/// A first name and a surname in the matching form (Nováková, Kowalska, Kazlauskienė).
fn person(rng: &mut ChaCha8Rng, market: &Market) -> (&'static str, &'static str) {
    let female = rng.gen_bool(0.5);
    let (male_form, female_form) = *pick(rng, market.surnames);
    if female {
        (*pick(rng, market.female_names), female_form)
    } else {
        (*pick(rng, market.male_names), male_form)
    }
}

/// An organisation's name and a slug for its email address.
fn company_name(rng: &mut ChaCha8Rng, market: &Market, kind: CustomerKind) -> (String, String) {
    let corporate = kind == CustomerKind::Corporate;
    match &market.companies {
        CompanyNames::Surname {
            activities,
            regions,
            business,
            corporate: corporate_form,
        } => {
            let activity = pick(rng, activities);
            let (owner, form) = if corporate {
                (*pick(rng, regions), *corporate_form)
            } else {
                (pick(rng, market.surnames).0, *business)
            };
            let core = format!("{owner} {activity}");
            (format!("{core} {form}"), ascii_slug(&core))
        }
        CompanyNames::Quoted {
            names,
            business,
            corporate: corporate_form,
        } => {
            let core = pick(rng, names);
            let form = if corporate { corporate_form } else { business };
            (format!("{form} „{core}“"), ascii_slug(core))
        }
    }
}

fn address(rng: &mut ChaCha8Rng, market: &Market) -> String {
    let street = pick(rng, market.streets);
    let (postcode, town) = pick(rng, market.towns);
    let house = rng.gen_range(1..=240);
    if rng.gen_bool(0.5) {
        format!(
            "{street} {house}{}{}, {postcode} {town}",
            market.flat_separator,
            rng.gen_range(1..=60)
        )
    } else {
        format!("{street} {house}, {postcode} {town}")
    }
}

/// Lower-case ASCII for email addresses: diacritics dropped, spaces to dashes.
fn ascii_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let plain = match crate::locale::base_letter(c) {
            ' ' | '-' => '-',
            c if c.is_ascii_alphanumeric() => c,
            _ => continue,
        };
        if !(plain == '-' && (slug.is_empty() || slug.ends_with('-'))) {
            slug.push(plain);
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// People sleep: a moment in the window, moved to a waking hour (Central European time) of the
/// same day when that stays inside the window. Seconds from the window's start.
fn waking_offset(rng: &mut ChaCha8Rng, start: DateTime<Utc>, span: i64) -> i64 {
    const LOCAL_HOURS: [(i64, u32); 19] = [
        (6, 1),
        (7, 3),
        (8, 5),
        (9, 6),
        (10, 7),
        (11, 7),
        (12, 8),
        (13, 7),
        (14, 7),
        (15, 7),
        (16, 8),
        (17, 8),
        (18, 9),
        (19, 9),
        (20, 9),
        (21, 7),
        (22, 5),
        (23, 3),
        (24, 1),
    ];
    let uniform = rng.gen_range(0..span);
    let day = (start + Duration::seconds(uniform)).date_naive();
    let local_hour = weighted(rng, &LOCAL_HOURS);
    // Central European (winter) time is an hour ahead of UTC.
    let moment = at(day, (local_hour - 1) * 3_600 + rng.gen_range(0..3_600));
    let offset = (moment - start).num_seconds();
    if (0..span).contains(&offset) {
        offset
    } else {
        uniform
    }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// One of `choices`, each as likely as its weight.
fn weighted<T: Copy>(rng: &mut ChaCha8Rng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for &(choice, weight) in choices {
        if roll < weight {
            return choice;
        }
        roll -= weight;
    }
    choices[choices.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_billing_period_starts_on_the_latest_cycle_day_not_after_today() {
        assert_eq!(cycle_start(date(2026, 11, 25), 20), date(2026, 11, 20));
        assert_eq!(cycle_start(date(2026, 11, 25), 25), date(2026, 11, 25));
        assert_eq!(cycle_start(date(2026, 11, 25), 26), date(2026, 10, 26));
        assert_eq!(cycle_start(date(2026, 1, 3), 28), date(2025, 12, 28));
    }

    #[test]
    fn numbers_come_from_reserved_ranges_and_are_valid() {
        assert_eq!(
            number_in_range(CZ.line_prefixes, 1).unwrap(),
            "+420730000001"
        );
        assert_eq!(
            number_in_range(CZ.line_prefixes, RANGE_SIZE + 5).unwrap(),
            "+420770000005"
        );
        assert_eq!(
            number_in_range(PL.line_prefixes, 1_234_567).unwrap(),
            "+48501234567"
        );
        assert_eq!(
            number_in_range(LT.line_prefixes, 42).unwrap(),
            "+37060000042"
        );
        assert!(number_in_range(LT.line_prefixes, RANGE_SIZE).is_err());
    }

    #[test]
    fn usage_beyond_the_allowance_is_only_the_part_past_it() {
        assert_eq!(beyond(0, 50, Some(100)), 0);
        assert_eq!(beyond(80, 50, Some(100)), 30);
        assert_eq!(beyond(120, 50, Some(100)), 50);
        assert_eq!(beyond(120, 50, None), 0);
    }

    #[test]
    fn email_slugs_are_plain_ascii() {
        assert_eq!(ascii_slug("Kazlauskienė"), "kazlauskiene");
        assert_eq!(ascii_slug("Łukasz Wiśniewski"), "lukasz-wisniewski");
        assert_eq!(ascii_slug("Růžičková"), "ruzickova");
    }

    #[test]
    fn vat_is_rounded_half_away_from_zero_per_line() {
        let mut ids = NextIds {
            customer: 0,
            account: 0,
            line: 0,
            line_addon: 0,
            usage: 0,
            ledger: 0,
            invoice: 0,
            invoice_line: 0,
            payment: 0,
        };
        let mut draft = InvoiceDraft::new(1, 2100, Currency::Czk);
        draft.add(&mut ids, None, "plan", None, "a", 50); // 10.5 -> 11
        draft.add(&mut ids, None, "discount", None, "b", -50); // -10.5 -> -11
        assert_eq!(draft.lines[0].vat_cents, 11);
        assert_eq!(draft.lines[1].vat_cents, -11);
        assert_eq!((draft.net_cents, draft.vat_cents), (0, 0));
    }
}
