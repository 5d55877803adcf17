// Reads the test database with the sqlite3 command-line tool, and works out from it what the
// pages must show. The rules here are the UI contract's, not the Rust code's.
import { execFileSync } from 'node:child_process';
import {
  Currency,
  Language,
  dayBefore,
  displayMsisdn,
  formatDate,
  formatMoney,
  groupDigits,
  todayUtc,
} from './format';

/** The running test's own database: fixtures.ts sets E2E_DB for the length of each test. */
export function dbPath(): string {
  const p = process.env.E2E_DB;
  if (!p) throw new Error('E2E_DB is not set: query the database inside a test that imports support/fixtures');
  return p;
}

/** Rows of a query as objects. Write literals with `lit()`. */
export function query<T = Record<string, any>>(sql: string): T[] {
  const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 5000', dbPath(), sql], {
    encoding: 'utf8',
  }).trim();
  return out ? (JSON.parse(out) as T[]) : [];
}

/**
 * Runs statements that change the database. Only for setting up a state the demo data lacks.
 * Each test has its own copy of the database (fixtures.ts), so nothing needs putting back.
 */
export function execute(sql: string): void {
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', dbPath(), sql], { encoding: 'utf8' });
}

export function one<T = Record<string, any>>(sql: string): T {
  const rows = query<T>(sql);
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql}`);
  return rows[0];
}

/** A SQL string or number literal. */
export function lit(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

export interface Customer {
  id: number;
  name: string;
  email: string;
  language: Language;
  currency: Currency;
}

export function customerByEmail(email: string): Customer {
  return one<Customer>(
    `SELECT id, name, email, language, currency FROM customers WHERE email = ${lit(email)}`,
  );
}

export interface LineRow {
  id: number;
  msisdn: string;
  account_id: number;
  payment_type: 'prepaid' | 'postpaid';
  status: 'active' | 'suspended' | 'terminated';
  credit_cents: number;
}

/** The customer's lines the portal shows (terminated ones are gone), by number. */
export function linesOf(customerId: number): LineRow[] {
  return query<LineRow>(
    `SELECT id, msisdn, account_id, payment_type, status, credit_cents FROM lines
     WHERE customer_id = ${lit(customerId)} AND status <> 'terminated' ORDER BY msisdn`,
  );
}

/** What one line's article must show: term → the text of its description. */
export interface ExpectedLine {
  id: number;
  msisdn: string;
  display: string;
  terms: Record<string, string>;
  /** Terms that must not be there (e.g. "Credit" on a postpaid line). */
  absent: string[];
}

export interface ExpectedDashboard {
  customer: Customer;
  lines: ExpectedLine[];
  totalDueCents: number;
  overdueCents: number;
  totalDue: string;
  overdue: string;
}

function allowance(included: number | null, used: number, unit: string, language: Language): string {
  if (included === null || included === undefined) return 'Unlimited';
  const left = Math.max(included - used, 0);
  return `${groupDigits(left, language)} of ${groupDigits(included, language)} ${unit}`;
}

/** Everything the overview of `email`'s customer must show today, from the database. */
export function expectedDashboard(email: string, today = todayUtc()): ExpectedDashboard {
  const customer = customerByEmail(email);
  const { language: lang, currency } = customer;
  const money = (cents: number) => formatMoney(cents, currency, lang);

  const open = query<{ account_id: number; number: string; issued_on: string; due_on: string; remaining: number }>(
    `SELECT account_id, number, issued_on, due_on, total_cents - paid_cents AS remaining
     FROM invoices WHERE customer_id = ${lit(customer.id)} AND status = 'open'`,
  );
  const totalDueCents = open.reduce((sum, inv) => sum + inv.remaining, 0);
  const overdueCents = open.filter((inv) => inv.due_on < today).reduce((sum, inv) => sum + inv.remaining, 0);

  const lines = linesOf(customer.id).map((line): ExpectedLine => {
    const plan = one<{ name: string; minutes_included: number | null; sms_included: number | null; data_mb_included: number | null }>(
      `SELECT p.name, p.minutes_included, p.sms_included, p.data_mb_included
       FROM tariff_plans p JOIN lines l ON l.plan_id = p.id WHERE l.id = ${lit(line.id)}`,
    );
    const terms: Record<string, string> = {
      Plan: plan.name,
      Status: line.status === 'active' ? 'Active' : 'Suspended',
    };
    const absent: string[] = [];

    if (line.payment_type === 'postpaid') {
      // The newest unpaid invoice of the line's billing account.
      const due = open
        .filter((inv) => inv.account_id === line.account_id && inv.remaining !== 0)
        .sort((a, b) => (a.issued_on === b.issued_on ? a.number.localeCompare(b.number) : a.issued_on.localeCompare(b.issued_on)))
        .pop();
      if (due) {
        terms['Amount due'] = money(due.remaining);
        terms['Due by'] = formatDate(due.due_on, lang);
      } else {
        terms['Amount due'] = 'Nothing to pay';
      }
      absent.push('Credit');
    } else {
      terms['Credit'] = money(line.credit_cents);
      absent.push('Amount due', 'Due by');
    }

    const usage = query<{ period_end: string; call_seconds_used: number; sms_used: number; data_kb_used: number }>(
      `SELECT period_end, call_seconds_used, sms_used, data_kb_used FROM allowance_usage
       WHERE line_id = ${lit(line.id)} AND period_start <= ${lit(today)} AND period_end > ${lit(today)}`,
    );
    if (usage.length === 1) {
      const u = usage[0];
      terms['Minutes left'] = allowance(plan.minutes_included, Math.ceil(u.call_seconds_used / 60), 'min', lang);
      terms['SMS left'] = allowance(plan.sms_included, u.sms_used, 'SMS', lang);
      terms['Data left'] = allowance(plan.data_mb_included, Math.ceil(u.data_kb_used / 1024), 'MB', lang);
      // period_end is stored exclusive (the day the next period starts); the page shows the
      // last day of the period.
      terms['Period ends'] = formatDate(dayBefore(u.period_end), lang);
    }

    const roaming = query<{ roaming_on: number }>(
      `SELECT roaming_on FROM roaming_settings WHERE line_id = ${lit(line.id)}`,
    );
    terms['Roaming'] = roaming.length && roaming[0].roaming_on ? 'On' : 'Off';

    // Active now: not ended, or (a one-off add-on) ending later. Instants are RFC 3339 text.
    const addons = one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM line_addons WHERE line_id = ${lit(line.id)}
       AND (ended_at IS NULL OR ended_at > ${lit(new Date().toISOString())})`,
    );
    terms['Add-ons'] = `${addons.n} active`;

    return { id: line.id, msisdn: line.msisdn, display: displayMsisdn(line.msisdn), terms, absent };
  });

  return {
    customer,
    lines,
    totalDueCents,
    overdueCents,
    totalDue: money(totalDueCents),
    overdue: money(overdueCents),
  };
}
