//! One struct per table the seed writes, and [`SeedRow`]: each row's columns and fields in one
//! order, written by either engine's sink ([`Fields`]).

use super::*;

pub(super) struct CustomerRow<'c> {
    pub(super) id: i64,
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) phone: String,
    pub(super) language: &'static str,
    pub(super) currency: &'static str,
    pub(super) password_hash: &'c str,
    pub(super) low_credit_threshold_cents: Option<i64>,
    pub(super) created_at: DateTime<Utc>,
}

pub(super) struct AccountRow {
    pub(super) id: i64,
    pub(super) customer_id: i64,
    pub(super) name: String,
    pub(super) billing_address: String,
    pub(super) cycle_day: i64,
    pub(super) payment_method: &'static str,
    pub(super) paper_invoices: bool,
    pub(super) created_at: DateTime<Utc>,
}

pub(super) struct LineRow {
    pub(super) id: i64,
    pub(super) customer_id: i64,
    pub(super) account_id: i64,
    pub(super) msisdn: String,
    pub(super) label: Option<String>,
    pub(super) plan_id: i64,
    pub(super) payment_type: &'static str,
    pub(super) activated_on: NaiveDate,
    pub(super) credit_cents: i64,
    pub(super) credit_expires_on: Option<NaiveDate>,
    pub(super) created_at: DateTime<Utc>,
}

pub(super) struct RoamingRow {
    pub(super) line_id: i64,
    pub(super) roaming_on: bool,
    pub(super) data_roaming_on: bool,
    pub(super) data_cap_cents: Option<i64>,
    pub(super) data_spent_cents: i64,
    pub(super) continue_past_cap: bool,
    pub(super) updated_at: DateTime<Utc>,
}

pub(super) struct LineAddonRow {
    pub(super) id: i64,
    pub(super) line_id: i64,
    pub(super) addon_id: i64,
    pub(super) price_cents: i64,
    pub(super) active_from: DateTime<Utc>,
    pub(super) commitment_until: Option<NaiveDate>,
}

pub(super) struct AllowanceRow {
    pub(super) line_id: i64,
    pub(super) period_start: NaiveDate,
    pub(super) period_end: NaiveDate,
    pub(super) call_seconds_used: i64,
    pub(super) sms_used: i64,
    pub(super) data_kb_used: i64,
    pub(super) rated_at: DateTime<Utc>,
}

pub(super) struct UsageRow {
    pub(super) id: i64,
    pub(super) line_id: i64,
    pub(super) started_at: DateTime<Utc>,
    pub(super) kind: &'static str,
    pub(super) quantity: i64,
    pub(super) counterpart: Option<String>,
    pub(super) roaming: bool,
    pub(super) country: &'static str,
    pub(super) charge_cents: i64,
    pub(super) rated_at: DateTime<Utc>,
}

pub(super) struct LedgerRow {
    pub(super) id: i64,
    pub(super) line_id: i64,
    pub(super) at: DateTime<Utc>,
    pub(super) kind: &'static str,
    pub(super) amount_cents: i64,
    pub(super) balance_after_cents: i64,
    pub(super) description: String,
}

pub(super) struct InvoiceRow {
    pub(super) id: i64,
    pub(super) number: String,
    pub(super) customer_id: i64,
    pub(super) account_id: i64,
    pub(super) period_start: NaiveDate,
    pub(super) period_end: NaiveDate,
    pub(super) issued_on: NaiveDate,
    pub(super) due_on: NaiveDate,
    pub(super) currency: &'static str,
    pub(super) net_cents: i64,
    pub(super) vat_cents: i64,
    pub(super) total_cents: i64,
    pub(super) paid_cents: i64,
    pub(super) status: &'static str,
    pub(super) payment_reference: String,
    pub(super) created_at: DateTime<Utc>,
}

pub(super) struct InvoiceLineRow<'c> {
    pub(super) id: i64,
    pub(super) invoice_id: i64,
    pub(super) line_id: Option<i64>,
    pub(super) position: i64,
    pub(super) category: &'static str,
    pub(super) addon_id: Option<i64>,
    pub(super) description: &'c str,
    pub(super) quantity: i64,
    pub(super) net_cents: i64,
    pub(super) vat_rate_bp: i64,
    pub(super) vat_cents: i64,
}

pub(super) struct PaymentRow {
    pub(super) id: i64,
    pub(super) customer_id: i64,
    pub(super) invoice_id: i64,
    pub(super) received_at: DateTime<Utc>,
    pub(super) amount_cents: i64,
    pub(super) currency: &'static str,
    pub(super) method: &'static str,
    pub(super) reference: String,
}

pub(super) struct StaffRow {
    pub(super) email: &'static str,
    pub(super) name: &'static str,
    pub(super) role: &'static str,
    pub(super) password_hash: String,
    pub(super) created_at: DateTime<Utc>,
}

/// The words the staff console finds a customer's name by (see migration 0007).
pub(super) struct NameWordRow {
    pub(super) word: String,
    pub(super) customer_id: i64,
}

pub(super) fn name_words(customers: &[CustomerRow<'_>]) -> Vec<NameWordRow> {
    customers
        .iter()
        .flat_map(|c| {
            selfcare::locale::name_words(&c.name)
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
pub(super) trait SeedRow {
    const TABLE: &'static str;
    const COLUMNS: &'static str;
    fn fields<'r>(&'r self, out: &mut impl Fields<'r>);
}

/// Where a row's fields go, one call per column in order. Every column the seed writes is
/// BIGINT, TEXT, BOOLEAN, DATE or TIMESTAMPTZ.
pub(super) trait Fields<'r> {
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
pub(super) trait TableSink<'r> {
    fn rows<T: SeedRow>(&mut self, rows: &'r [T]);
}

/// The staff users of a batch (demo staff, kept if there) and, for the demo batch, the
/// `demo_data` mark, in the batch's own transaction (`conn`): the mark is there exactly when the
/// demo customers are.
pub(super) async fn write_staff_and_demo_mark(
    conn: impl Into<Conn<'_>>,
    staff: &[StaffRow],
    marks_demo: bool,
) -> Result<()> {
    on_conn!(conn.into(), |c| {
        for member in staff {
            sqlx::query(
                "INSERT INTO staff_users (email, name, role, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING",
            )
            .bind(member.email)
            .bind(member.name)
            .bind(member.role)
            .bind(&member.password_hash)
            .bind(member.created_at)
            .execute(&mut *c)
            .await?;
        }
        if marks_demo {
            sqlx::query("INSERT INTO app_meta (key, value) VALUES ('demo_data', '1')")
                .execute(&mut *c)
                .await?;
        }
    });
    Ok(())
}

/// Rows written together in one transaction.
#[derive(Default)]
pub(super) struct Batch<'c> {
    pub(super) customers: Vec<CustomerRow<'c>>,
    pub(super) accounts: Vec<AccountRow>,
    pub(super) lines: Vec<LineRow>,
    pub(super) roaming: Vec<RoamingRow>,
    pub(super) line_addons: Vec<LineAddonRow>,
    pub(super) allowances: Vec<AllowanceRow>,
    pub(super) usage: Vec<UsageRow>,
    pub(super) ledger: Vec<LedgerRow>,
    pub(super) invoices: Vec<InvoiceRow>,
    pub(super) invoice_lines: Vec<InvoiceLineRow<'c>>,
    pub(super) payments: Vec<PaymentRow>,
    pub(super) staff: Vec<StaffRow>,
    /// Whether the batch holds the demo data, so `app_meta` records it in the same transaction.
    pub(super) marks_demo: bool,
}

impl Batch<'_> {
    /// Each table's rows to `out`, parents before children.
    pub(super) fn tables<'r>(
        &'r self,
        name_words: &'r [NameWordRow],
        out: &mut impl TableSink<'r>,
    ) {
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
