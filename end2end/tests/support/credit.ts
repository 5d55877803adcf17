// Prepaid credit as the database holds it, what the credit page and the overview's warnings
// must show of it, and test vouchers. The rules here are the UI contract's (issue 5), written
// again independently of the Rust code.
import { createHmac } from 'node:crypto';
import { customerByEmail, Customer, execute, lit, one, query } from './db';
import { Currency, Language, displayMsisdn, formatDate, formatMoney, formatSignedMoney, groupDigits, norm, todayUtc } from './format';
import { Period, currentPeriod } from './usage';

export const LEDGER_PER_PAGE = 20;

/** The digits of a voucher code as typed (`4821 7730 1956 2048`), without spaces or dashes. */
export function voucherDigits(code: string): string {
  return code.replace(/[\s-]/g, '');
}

/**
 * What the database keeps of a code: the hex HMAC-SHA256 of its 16 digits under the server
 * secret, which a demo database keeps in `app_meta` (issue 18: a copy of the table without the
 * secret yields no voucher).
 */
export function voucherHash(code: string): string {
  const secret = one<{ value: string }>(`SELECT value FROM app_meta WHERE key = 'secret'`).value;
  return createHmac('sha256', secret).update(voucherDigits(code)).digest('hex');
}

/** `•••• 2048`: how the portal names a voucher. */
export function masked(code: string): string {
  return `•••• ${voucherDigits(code).slice(-4)}`;
}

export interface Voucher {
  id: number;
  currency: Currency;
  amount_cents: number;
  expires_on: string;
  redeemed_at: string | null;
  redeemed_line_id: number | null;
}

export function voucher(code: string): Voucher {
  return one<Voucher>(
    `SELECT id, currency, amount_cents, expires_on, redeemed_at, redeemed_line_id FROM vouchers
     WHERE code_hash = ${lit(voucherHash(code))}`,
  );
}

/** A date `days` after today (UTC), `YYYY-MM-DD`. */
export function daysFromToday(days: number, today = todayUtc()): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** An instant as the server stores it (RFC 3339, `+00:00`). */
export function storedInstant(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** Adds a voucher the demo data lacks, for one test. */
export function insertVoucher(
  code: string,
  amountCents: number,
  currency: Currency,
  expiresOn = daysFromToday(365),
): void {
  execute(
    `INSERT INTO vouchers (code_hash, currency, amount_cents, expires_on, created_at)
     VALUES (${lit(voucherHash(code))}, ${lit(currency)}, ${amountCents}, ${lit(expiresOn)}, ${lit(storedInstant(Date.now()))})`,
  );
}

export interface PrepaidLine {
  id: number;
  msisdn: string;
  display: string;
  credit_cents: number;
  credit_expires_on: string | null;
  validity_days: number | null;
}

/** The customer's prepaid lines (not terminated), by number. */
export function prepaidLines(customerId: number): PrepaidLine[] {
  return query<Omit<PrepaidLine, 'display'>>(
    `SELECT l.id, l.msisdn, l.credit_cents, l.credit_expires_on, p.credit_validity_days AS validity_days
     FROM lines l JOIN tariff_plans p ON p.id = l.plan_id
     WHERE l.customer_id = ${lit(customerId)} AND l.payment_type = 'prepaid' AND l.status <> 'terminated'
     ORDER BY l.msisdn`,
  ).map((l) => ({ ...l, display: displayMsisdn(l.msisdn) }));
}

export function prepaidLine(lineId: number): PrepaidLine {
  const row = one<Omit<PrepaidLine, 'display'>>(
    `SELECT l.id, l.msisdn, l.credit_cents, l.credit_expires_on, p.credit_validity_days AS validity_days
     FROM lines l JOIN tariff_plans p ON p.id = l.plan_id WHERE l.id = ${lit(lineId)}`,
  );
  return { ...row, display: displayMsisdn(row.msisdn) };
}

/** The demo prepaid customer and their one prepaid line. */
export function demoPrepaid(email: string): { customer: Customer; line: PrepaidLine } {
  const customer = customerByEmail(email);
  const lines = prepaidLines(customer.id);
  if (lines.length !== 1) throw new Error(`expected one prepaid line of ${email}, got ${lines.length}`);
  return { customer, line: lines[0] };
}

export type LedgerKind = 'top_up' | 'charge' | 'adjustment' | 'expiry';

export interface LedgerRow {
  id: number;
  at: string;
  kind: LedgerKind;
  amount_cents: number;
  balance_after_cents: number;
  description: string;
}

/** A line's credit movements, newest first. */
export function ledgerOf(lineId: number): LedgerRow[] {
  return query<LedgerRow>(
    `SELECT id, at, kind, amount_cents, balance_after_cents, description FROM credit_ledger
     WHERE line_id = ${lit(lineId)} ORDER BY at DESC, id DESC`,
  );
}

export const KIND_LABELS: Record<LedgerKind, string> = {
  top_up: 'Top-up',
  charge: 'Charge',
  adjustment: 'Adjustment',
  expiry: 'Expired credit',
};

/** How the "Credit history" table writes a ledger row, cell by cell (normalised). */
export function historyRow(row: LedgerRow, currency: Currency, language: Language): Record<string, string> {
  return {
    Date: norm(formatDate(row.at.slice(0, 10), language)),
    What: norm(`${KIND_LABELS[row.kind]}: ${row.description}`),
    Amount: norm(formatSignedMoney(row.amount_cents, currency, language)),
    Balance: norm(formatMoney(row.balance_after_cents, currency, language)),
  };
}

/** What a line's credit state is now, to compare with after a test. */
export interface CreditState {
  lineId: number;
  credit_cents: number;
  credit_expires_on: string | null;
  ledgerRows: number;
  lastLedgerId: number;
  lastAttemptId: number;
}

export function creditState(lineId: number): CreditState {
  const line = one<{ credit_cents: number; credit_expires_on: string | null }>(
    `SELECT credit_cents, credit_expires_on FROM lines WHERE id = ${lit(lineId)}`,
  );
  const ledger = one<{ n: number; last: number | null }>(
    `SELECT COUNT(*) AS n, MAX(id) AS last FROM credit_ledger WHERE line_id = ${lit(lineId)}`,
  );
  const attempts = one<{ last: number | null }>(`SELECT MAX(id) AS last FROM voucher_attempts`);
  return {
    lineId,
    credit_cents: line.credit_cents,
    credit_expires_on: line.credit_expires_on,
    ledgerRows: ledger.n,
    lastLedgerId: ledger.last ?? 0,
    lastAttemptId: attempts.last ?? 0,
  };
}

/** Wrong voucher codes counted against a line since `state` was taken. */
export function attemptsSince(state: CreditState): number {
  return one<{ n: number }>(
    `SELECT COUNT(*) AS n FROM voucher_attempts WHERE line_id = ${lit(state.lineId)} AND id > ${state.lastAttemptId}`,
  ).n;
}

/** Records `count` wrong voucher codes on a line at `atMs` (to reach the throttle without typing them). */
export function insertAttempts(lineId: number, count: number, atMs: number): void {
  const rows = Array.from({ length: count }, () => `(${lit(lineId)}, ${lit(storedInstant(atMs))})`);
  execute(`INSERT INTO voucher_attempts (line_id, at) VALUES ${rows.join(', ')}`);
}

export function lowCreditThreshold(customerId: number): number | null {
  return one<{ t: number | null }>(`SELECT low_credit_threshold_cents AS t FROM customers WHERE id = ${lit(customerId)}`).t;
}

export function setLowCreditThreshold(customerId: number, cents: number | null): void {
  execute(`UPDATE customers SET low_credit_threshold_cents = ${cents === null ? 'NULL' : cents} WHERE id = ${lit(customerId)}`);
}

/** The newest audit entries of a customer for `action`, newest first. */
export function auditEntries(customerId: number, action: string, limit = 10): { id: number; detail: string }[] {
  return query(
    `SELECT id, detail FROM audit_log WHERE customer_id = ${lit(customerId)} AND action = ${lit(action)}
     ORDER BY id DESC LIMIT ${limit}`,
  );
}

/** An allowance period row with its line, as `setUsage` writes it back. */
export type AllowanceUsage = Period & { line_id: number };

/** The allowance period running today on a line, if any. */
export function currentUsage(lineId: number, today = todayUtc()): AllowanceUsage | undefined {
  const period = currentPeriod(lineId, today);
  return period && { line_id: lineId, ...period };
}

export function setUsage(u: AllowanceUsage): void {
  execute(
    `UPDATE allowance_usage SET call_seconds_used = ${u.call_seconds_used}, sms_used = ${u.sms_used},
       data_kb_used = ${u.data_kb_used}
     WHERE line_id = ${lit(u.line_id)} AND period_start = ${lit(u.period_start)}`,
  );
}

/** One warning of the overview: its text (normalised, with the link's words) and the link. */
export interface ExpectedWarning {
  text: string;
  link: { name: string; href: string };
}

/**
 * The overview's warnings for `email`'s customer today, from the database: per line (by
 * number), prepaid credit under the customer's threshold, then each allowance (minutes, SMS,
 * data) with under 10 % of it left. Minutes are call seconds rounded up, data kB rounded up to MB.
 */
export function expectedWarnings(email: string, today = todayUtc()): ExpectedWarning[] {
  const customer = customerByEmail(email);
  const lang = customer.language;
  const threshold = lowCreditThreshold(customer.id);
  const lines = query<{
    id: number;
    msisdn: string;
    payment_type: 'prepaid' | 'postpaid';
    credit_cents: number;
    minutes_included: number | null;
    sms_included: number | null;
    data_mb_included: number | null;
  }>(
    `SELECT l.id, l.msisdn, l.payment_type, l.credit_cents, p.minutes_included, p.sms_included, p.data_mb_included
     FROM lines l JOIN tariff_plans p ON p.id = l.plan_id
     WHERE l.customer_id = ${lit(customer.id)} AND l.status <> 'terminated' ORDER BY l.msisdn`,
  );
  const out: ExpectedWarning[] = [];
  for (const line of lines) {
    const number = displayMsisdn(line.msisdn);
    if (line.payment_type === 'prepaid' && threshold !== null && line.credit_cents < threshold) {
      out.push({
        text: norm(
          `Low credit on ${number}: ${formatMoney(line.credit_cents, customer.currency, lang)} left ` +
            `(you asked to be warned below ${formatMoney(threshold, customer.currency, lang)}). Top up`,
        ),
        link: { name: 'Top up', href: `/credit?line=${line.id}` },
      });
    }
    const u = currentUsage(line.id, today);
    if (!u) continue;
    const allowances: [string, string, number | null, number][] = [
      ['Minutes', 'min', line.minutes_included, Math.ceil(Math.max(u.call_seconds_used, 0) / 60)],
      ['SMS', 'SMS', line.sms_included, Math.max(u.sms_used, 0)],
      ['Data', 'MB', line.data_mb_included, Math.ceil(Math.max(u.data_kb_used, 0) / 1024)],
    ];
    for (const [what, unit, included, used] of allowances) {
      if (included === null || included <= 0) continue;
      const left = Math.max(included - used, 0);
      // Under 10 % left.
      if (left * 10 >= included) continue;
      out.push({
        text: norm(
          `${what} almost used up on ${number}: ${groupDigits(left, lang)} of ${groupDigits(included, lang)} ${unit} left. See the line`,
        ),
        link: { name: 'See the line', href: `/?line=${line.id}` },
      });
    }
  }
  return out;
}
