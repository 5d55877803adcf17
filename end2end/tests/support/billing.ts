// Invoices, charges and payments as the database holds them, and what the billing pages must
// show of them. The rules here are the UI contract's (issue 4), written again independently of
// the Rust code.
import { lit, one, query } from './db';
import { Currency, Language, displayMsisdn, formatDate, formatMoney, formatPeriod, todayUtc } from './format';

export interface Invoice {
  id: number;
  number: string;
  customer_id: number;
  account_id: number;
  period_start: string;
  period_end: string;
  issued_on: string;
  due_on: string;
  currency: Currency;
  net_cents: number;
  vat_cents: number;
  total_cents: number;
  paid_cents: number;
  status: 'open' | 'paid' | 'void';
  payment_reference: string;
}

const INVOICE_COLUMNS = `id, number, customer_id, account_id, period_start, period_end, issued_on, due_on,
  currency, net_cents, vat_cents, total_cents, paid_cents, status, payment_reference`;

/** What an invoice list is filtered by: invoices with charges for a line, issued in a year. */
export interface InvoiceFilter {
  line?: number;
  year?: number;
}

function filterSql(filter: InvoiceFilter): string {
  const parts: string[] = [];
  if (filter.line !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM invoice_lines il WHERE il.invoice_id = invoices.id AND il.line_id = ${lit(filter.line)})`);
  }
  if (filter.year !== undefined) parts.push(`substr(issued_on, 1, 4) = ${lit(String(filter.year))}`);
  return parts.map((p) => ` AND ${p}`).join('');
}

/** Invoices with something left to pay: the oldest due date first, so overdue ones lead. */
export function openInvoices(customerId: number, filter: InvoiceFilter = {}): Invoice[] {
  return query<Invoice>(
    `SELECT ${INVOICE_COLUMNS} FROM invoices WHERE customer_id = ${lit(customerId)} AND status = 'open'
     AND total_cents > paid_cents${filterSql(filter)} ORDER BY due_on, id`,
  );
}

/** Paid and cancelled invoices, newest first. */
export function settledInvoices(customerId: number, filter: InvoiceFilter = {}): Invoice[] {
  return query<Invoice>(
    `SELECT ${INVOICE_COLUMNS} FROM invoices WHERE customer_id = ${lit(customerId)} AND status <> 'open'${filterSql(filter)}
     ORDER BY issued_on DESC, id DESC`,
  );
}

export function invoicesOf(customerId: number): Invoice[] {
  return query<Invoice>(
    `SELECT ${INVOICE_COLUMNS} FROM invoices WHERE customer_id = ${lit(customerId)} ORDER BY issued_on DESC, id DESC`,
  );
}

export function invoiceByNumber(number: string): Invoice {
  return one<Invoice>(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE number = ${lit(number)}`);
}

/** The customer's newest invoice. */
export function newestInvoice(customerId: number): Invoice {
  const all = invoicesOf(customerId);
  if (!all.length) throw new Error(`customer ${customerId} has no invoices`);
  return all[0];
}

/** The invoice before `invoice` on the same billing account (cancelled ones skipped). */
export function previousInvoice(invoice: Invoice): Invoice | undefined {
  return query<Invoice>(
    `SELECT ${INVOICE_COLUMNS} FROM invoices WHERE account_id = ${lit(invoice.account_id)} AND status <> 'void'
     AND (issued_on < ${lit(invoice.issued_on)} OR (issued_on = ${lit(invoice.issued_on)} AND id < ${lit(invoice.id)}))
     ORDER BY issued_on DESC, id DESC LIMIT 1`,
  )[0];
}

export type Category = 'plan' | 'addon' | 'usage' | 'roaming' | 'one_off' | 'discount';

export interface ChargeRow {
  line_id: number | null;
  addon_id: number | null;
  msisdn: string | null;
  category: Category;
  description: string;
  net_cents: number;
  vat_rate_bp: number;
  vat_cents: number;
}

/** The headings charges are grouped under, in the order the page shows them. */
export const CATEGORY_HEADINGS: [Category, string][] = [
  ['plan', 'Plan fees'],
  ['addon', 'Add-ons'],
  ['usage', 'Usage beyond the allowance'],
  ['roaming', 'Roaming'],
  ['one_off', 'One-off charges'],
  ['discount', 'Discounts'],
];

export function chargesOf(invoiceId: number): ChargeRow[] {
  return query<ChargeRow>(
    `SELECT il.line_id, il.addon_id, l.msisdn, il.category, il.description, il.net_cents, il.vat_rate_bp, il.vat_cents
     FROM invoice_lines il LEFT JOIN lines l ON l.id = il.line_id
     WHERE il.invoice_id = ${lit(invoiceId)} ORDER BY il.position, il.id`,
  );
}

/** Base and VAT per rate, highest rate first. */
export function vatByRate(invoiceId: number): { vat_rate_bp: number; base: number; vat: number }[] {
  return query(
    `SELECT vat_rate_bp, SUM(net_cents) AS base, SUM(vat_cents) AS vat FROM invoice_lines
     WHERE invoice_id = ${lit(invoiceId)} GROUP BY vat_rate_bp ORDER BY vat_rate_bp DESC`,
  );
}

export type Method = 'bank_transfer' | 'direct_debit' | 'card' | 'cash';

export const METHOD_LABELS: Record<Method, string> = {
  bank_transfer: 'Bank transfer',
  direct_debit: 'Direct debit',
  card: 'Card',
  cash: 'Cash',
};

export interface PaymentRow {
  id: number;
  received_at: string;
  amount_cents: number;
  currency: Currency;
  method: Method;
  invoice_number: string | null;
}

/** The customer's payments, newest first. */
export function paymentsOfCustomer(customerId: number): PaymentRow[] {
  return query<PaymentRow>(
    `SELECT p.id, p.received_at, p.amount_cents, p.currency, p.method, i.number AS invoice_number
     FROM payments p LEFT JOIN invoices i ON i.id = p.invoice_id
     WHERE p.customer_id = ${lit(customerId)} ORDER BY p.received_at DESC, p.id DESC`,
  );
}

/** Payments applied to one invoice, oldest first. */
export function paymentsOfInvoice(invoiceId: number): PaymentRow[] {
  return query<PaymentRow>(
    `SELECT p.id, p.received_at, p.amount_cents, p.currency, p.method, i.number AS invoice_number
     FROM payments p JOIN invoices i ON i.id = p.invoice_id
     WHERE p.invoice_id = ${lit(invoiceId)} ORDER BY p.received_at, p.id`,
  );
}

export type State = 'Paid' | 'Unpaid' | 'Partly paid' | 'Overdue' | 'Cancelled';

/** The status word of an invoice on `today`: overdue the day after its due date. */
export function invoiceState(inv: Invoice, today = todayUtc()): State {
  if (inv.status === 'void') return 'Cancelled';
  const left = leftToPay(inv);
  if (left <= 0) return 'Paid';
  if (inv.due_on < today) return 'Overdue';
  if (inv.paid_cents > 0) return 'Partly paid';
  return 'Unpaid';
}

export function leftToPay(inv: Invoice): number {
  return inv.status === 'open' ? inv.total_cents - inv.paid_cents : 0;
}

/** The demo operator's bank details (no configuration, demo data loaded). */
export const DEMO_PAYEE = {
  name: 'Selfcare Demo Operator',
  CZK: { iban: 'CZ65 0800 0000 1920 0014 5399', domestic: '19-2000145399/0800' },
  PLN: { iban: 'PL61 1090 1014 0000 0712 1981 2874' },
  EUR: { iban: 'LT12 1000 0111 0100 1000', bic: 'HABALT22' },
};

/** How a list row of an invoice reads, cell by cell, as plain (normalised) text. */
export interface ExpectedInvoiceRow {
  number: string;
  period: string;
  issued: string;
  due: string;
  total: string;
  left: string;
  state: State;
}

export function expectedRow(inv: Invoice, language: Language, today = todayUtc()): ExpectedInvoiceRow {
  return {
    number: inv.number,
    period: formatPeriod(inv.period_start, inv.period_end, language),
    issued: formatDate(inv.issued_on, language),
    due: formatDate(inv.due_on, language),
    total: formatMoney(inv.total_cents, inv.currency, language),
    left: formatMoney(leftToPay(inv), inv.currency, language),
    state: invoiceState(inv, today),
  };
}

/** A line as the invoice filter offers it: `+420 603 100 003 (Martin Dvořák)`. */
export function lineOption(line: { msisdn: string; label: string | null }): string {
  return line.label ? `${displayMsisdn(line.msisdn)} (${line.label})` : displayMsisdn(line.msisdn);
}

/** The customer's postpaid lines with their labels, by number. */
export function billedLines(customerId: number): { id: number; msisdn: string; label: string | null }[] {
  return query(
    `SELECT id, msisdn, label FROM lines WHERE customer_id = ${lit(customerId)} AND payment_type = 'postpaid' ORDER BY msisdn`,
  );
}

/** Years the customer has invoices in, newest first. */
export function invoiceYears(customerId: number): number[] {
  return query<{ y: string }>(
    `SELECT DISTINCT substr(issued_on, 1, 4) AS y FROM invoices WHERE customer_id = ${lit(customerId)} ORDER BY y DESC`,
  ).map((r) => Number(r.y));
}

export function paperInvoices(customerId: number): { id: number; name: string; paper_invoices: number }[] {
  return query(`SELECT id, name, paper_invoices FROM billing_accounts WHERE customer_id = ${lit(customerId)} ORDER BY id`);
}

export function auditCount(customerId: number, action: string): number {
  return one<{ n: number }>(
    `SELECT COUNT(*) AS n FROM audit_log WHERE customer_id = ${lit(customerId)} AND action = ${lit(action)}`,
  ).n;
}

export interface ExpectedChange {
  label: string;
  description: string;
  /** The phone number as displayed, or '' for account-level charges. */
  line: string;
  /** Including VAT; positive when this bill is higher. */
  cents: number;
}

/**
 * Why `current` differs from `previous`, as the contract explains it: charges compared by
 * category, line and (for add-ons) which add-on, amounts including VAT, one row per group whose
 * amount changed. The rows add up to the difference of the totals.
 */
export function expectedChanges(previous: ChargeRow[], current: ChargeRow[]): ExpectedChange[] {
  interface Group {
    category: Category;
    msisdn: string | null;
    before: number;
    after: number;
    inBefore: boolean;
    inAfter: boolean;
    description: string;
  }
  const groups = new Map<string, Group>();
  const add = (c: ChargeRow, isCurrent: boolean) => {
    const key = `${c.category}|${c.line_id ?? ''}|${c.category === 'addon' ? c.addon_id ?? '' : ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { category: c.category, msisdn: c.msisdn, before: 0, after: 0, inBefore: false, inAfter: false, description: c.description };
      groups.set(key, g);
    }
    const gross = c.net_cents + c.vat_cents;
    if (isCurrent) {
      if (!g.inAfter) g.description = c.description;
      g.after += gross;
      g.inAfter = true;
    } else {
      g.before += gross;
      g.inBefore = true;
    }
  };
  previous.forEach((c) => add(c, false));
  current.forEach((c) => add(c, true));

  const label = (g: Group): string => {
    switch (g.category) {
      case 'addon':
        return !g.inBefore ? 'New add-on' : !g.inAfter ? 'Add-on ended' : 'Price change';
      case 'plan':
        return g.inBefore !== g.inAfter ? 'Line added or removed' : 'Price change';
      case 'usage':
        return 'Usage above the allowance';
      case 'roaming':
        return 'Roaming';
      case 'one_off':
        return 'One-off charges';
      case 'discount':
        return 'Discount';
    }
  };
  return [...groups.values()]
    .filter((g) => g.after !== g.before)
    .map((g) => ({
      label: label(g),
      description: g.description,
      line: g.msisdn ? displayMsisdn(g.msisdn) : '',
      cents: g.after - g.before,
    }));
}
