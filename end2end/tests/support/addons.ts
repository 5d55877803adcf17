// Add-ons and service requests as the database holds them, and what the services page, the
// preview of a change and /requests must show of them.
// The rules here are the UI contract's (issue 6), written again independently of the Rust code.
import { Locator, Page, expect } from '@playwright/test';
import { Customer, lit, one, query } from './db';
import { Language, askedWords, displayMsisdn, formatDate, formatMoney, norm, todayUtc } from './format';

export interface Addon {
  id: number;
  code: string;
  name: string;
  description: string;
  conditions: string;
  price_cents: number;
  billing_period: 'once' | 'week' | 'month';
  commitment_months: number;
  early_end_fee_cents: number | null;
  may_start_next_period: number;
}

const ADDON_COLUMNS = `id, code, name, description, conditions, price_cents, billing_period, commitment_months,
  early_end_fee_cents, may_start_next_period`;

/** A catalog add-on by its code (`cz-data-20gb`, `pl-data-5gb`, ...). */
export function addonByCode(code: string): Addon {
  return one<Addon>(`SELECT ${ADDON_COLUMNS} FROM addons WHERE code = ${lit(code)}`);
}

/** The add-ons a customer of `kind` may take on a line paying by `paymentType` in `currency`, by id. */
export function offeredAddons(kind: string, paymentType: string, currency: string): Addon[] {
  return query<Addon & { payment_types: string }>(
    `SELECT ${ADDON_COLUMNS}, payment_types FROM addons a
     WHERE currency = ${lit(currency)} AND available
       AND EXISTS (SELECT 1 FROM addon_customer_kinds k WHERE k.addon_id = a.id AND k.kind = ${lit(kind)})
     ORDER BY id`,
  ).filter((a) => a.payment_types.split(',').map((t) => t.trim()).includes(paymentType));
}

export interface LineAddon {
  id: number;
  line_id: number;
  addon_id: number;
  name: string;
  price_cents: number;
  active_from: string;
  commitment_until: string | null;
  ended_at: string | null;
}

/** Every add-on row of a line, ended ones included, by id. */
export function lineAddonRows(lineId: number): LineAddon[] {
  return query<LineAddon>(
    `SELECT la.id, la.line_id, la.addon_id, a.name, la.price_cents, la.active_from, la.commitment_until, la.ended_at
     FROM line_addons la JOIN addons a ON a.id = la.addon_id WHERE la.line_id = ${lit(lineId)} ORDER BY la.id`,
  );
}

/** The line's add-ons that are active (not ended), by id. */
export function activeAddons(lineId: number): LineAddon[] {
  return lineAddonRows(lineId).filter((a) => a.ended_at === null);
}

export interface RequestRow {
  id: number;
  customer_id: number;
  line_id: number;
  kind: 'activate' | 'switch' | 'end' | 'roaming';
  addon_id: number | null;
  line_addon_id: number | null;
  /** What was asked, in the customer's words (from the stored `asked`). */
  summary: string;
  charge_cents: number;
  requested_by_kind: string;
  channel: string;
  status: 'done' | 'scheduled' | 'failed' | 'cancelled';
  effective_on: string;
  /** Why it failed, as stored: `{ failure: 'refused', refusal: … }` and the like. */
  failure: { failure: string; [fact: string]: unknown } | null;
  created_at: string;
  completed_at: string | null;
}

/** Service requests of a line made after `afterId`, by id. */
export function requestsSince(lineId: number, afterId: number): RequestRow[] {
  type Stored = Omit<RequestRow, 'summary' | 'failure'> & { asked: string; failure: string | null; language: Language };
  return query<Stored>(
    `SELECT r.id, r.customer_id, r.line_id, r.kind, r.addon_id, r.line_addon_id, r.asked, r.charge_cents,
            r.requested_by_kind, r.channel, r.status, r.effective_on, r.failure, r.created_at, r.completed_at,
            c.language
     FROM service_requests r JOIN customers c ON c.id = r.customer_id
     WHERE r.line_id = ${lit(lineId)} AND r.id > ${afterId} ORDER BY r.id`,
  ).map(({ asked, failure, language, ...r }) => {
    const why = failure === null ? null : JSON.parse(failure);
    return {
      ...r,
      summary: askedWords(asked, r.kind, r.effective_on, why?.failure === 'refused', language),
      failure: why,
    };
  });
}

export interface LedgerCharge {
  id: number;
  kind: string;
  amount_cents: number;
  balance_after_cents: number;
  description: string;
}

export function ledgerSince(lineId: number, afterId: number): LedgerCharge[] {
  return query<LedgerCharge>(
    `SELECT id, kind, amount_cents, balance_after_cents, description FROM credit_ledger
     WHERE line_id = ${lit(lineId)} AND id > ${afterId} ORDER BY id`,
  );
}

/** The audit actions of a customer after `afterId`, oldest first. */
export function auditSince(customerId: number, afterId: number): { action: string; detail: string }[] {
  return query(
    `SELECT action, detail FROM audit_log WHERE customer_id = ${lit(customerId)} AND id > ${afterId} ORDER BY id`,
  );
}

/** The audit actions of add-on changes after `afterId`. */
export function addonAuditSince(customerId: number, afterId: number): string[] {
  return auditSince(customerId, afterId)
    .map((a) => a.action)
    .filter((a) => a.startsWith('addon_') || a.startsWith('scheduled_change') || a === 'request_cancel');
}

/**
 * Everything a test of add-ons may change on a customer's lines, to compare with afterwards:
 * the last ids of the rows it may add, every add-on row's end, every line's credit, and the
 * catalog's early-end fees.
 */
export interface ServicesState {
  customerId: number;
  lineIds: number[];
  lastRequest: number;
  lastLineAddon: number;
  lastLedger: number;
  lastAudit: number;
  ended: { id: number; ended_at: string | null }[];
  credit: { id: number; credit_cents: number }[];
  fees: { id: number; early_end_fee_cents: number | null }[];
}

const maxId = (table: string) => one<{ m: number | null }>(`SELECT MAX(id) AS m FROM ${table}`).m ?? 0;

export function servicesState(customerId: number): ServicesState {
  const lineIds = query<{ id: number }>(`SELECT id FROM lines WHERE customer_id = ${lit(customerId)} ORDER BY id`).map((l) => l.id);
  const inLines = `(${lineIds.join(', ')})`;
  return {
    customerId,
    lineIds,
    lastRequest: maxId('service_requests'),
    lastLineAddon: maxId('line_addons'),
    lastLedger: maxId('credit_ledger'),
    lastAudit: maxId('audit_log'),
    ended: query(`SELECT id, ended_at FROM line_addons WHERE line_id IN ${inLines} ORDER BY id`),
    credit: query(`SELECT id, credit_cents FROM lines WHERE id IN ${inLines} ORDER BY id`),
    fees: query(`SELECT id, early_end_fee_cents FROM addons ORDER BY id`),
  };
}

export interface Period {
  start: string;
  /** Exclusive: the first day of the next period. */
  end: string;
}

const DAY = 86_400_000;
const dayMs = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The line's period running today, from allowance_usage (period_start <= today < period_end). */
export function currentPeriod(lineId: number, today = todayUtc()): Period {
  return one<Period>(
    `SELECT period_start AS start, period_end AS end FROM allowance_usage
     WHERE line_id = ${lit(lineId)} AND period_start <= ${lit(today)} AND period_end > ${lit(today)}`,
  );
}

/** round(price × days left, today included / days in the period), halves away from zero. */
export function proRata(priceCents: number, period: Period, today = todayUtc()): number {
  const days = Math.round((dayMs(period.end) - dayMs(period.start)) / DAY);
  const left = Math.round((dayMs(period.end) - dayMs(today)) / DAY);
  const share = priceCents * left;
  // Whole cents only: compare twice the remainder with the divisor.
  const q = Math.floor(share / days);
  return 2 * (share - q * days) >= days ? q + 1 : q;
}

/** The last day of a commitment of `months` from `start`: the day before the same day `months` later (clamped). */
export function commitmentUntil(start: string, months: number): string | null {
  if (months <= 0) return null;
  const [y, m, d] = start.slice(0, 10).split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const same = Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, lastDay));
  return isoOf(same - DAY);
}

export function dayAfter(iso: string): string {
  return isoOf(dayMs(iso) + DAY);
}

/** `price per month`, as the catalog and the preview write a price. */
export function perPeriod(c: Customer, a: { price_cents: number; billing_period: string }): string {
  const per = a.billing_period === 'month' ? 'per month' : a.billing_period === 'week' ? 'per week' : 'one-off';
  return `${formatMoney(a.price_cents, c.currency, c.language)} ${per}`;
}

/** What a preview of taking `addon` must show, term by term (normalised). */
export function activationFacts(
  c: Customer,
  addon: Addon,
  opts: {
    when: 'now' | 'next';
    period: Period;
    prepaidCredit?: number;
    replaces?: { name: string; fee: number | null }[];
    today?: string;
  },
): { facts: Record<string, string>; charge: number; effective: string } {
  const today = opts.today ?? todayUtc();
  const money = (cents: number) => formatMoney(cents, c.currency, c.language);
  const date = (iso: string) => formatDate(iso, c.language);
  const prepaid = opts.prepaidCredit !== undefined;
  const effective = opts.when === 'now' ? today : opts.period.end;
  const proRataApplies = !prepaid && addon.billing_period === 'month' && opts.when === 'now' && today > opts.period.start;
  const first = proRataApplies ? proRata(addon.price_cents, opts.period, today) : addon.price_cents;
  const fees = (opts.replaces ?? []).reduce((sum, r) => sum + (r.fee ?? 0), 0);
  const charge = first + fees;
  let cost = charge === 0 ? 'Nothing' : money(charge);
  if (proRataApplies && first !== addon.price_cents) cost += ' (the rest of this period, pro rata)';
  if (charge !== 0) cost += prepaid ? ', taken from your credit' : ', on your next invoice';
  const facts: Record<string, string> = {
    'Add-on': addon.name,
    When: opts.when === 'now' ? `Starts now (${date(today)})` : `Starts with the next period: on ${date(effective)}`,
    [opts.when === 'now' ? 'Costs now' : `Costs on ${date(effective)}`]: cost,
  };
  if (addon.billing_period !== 'once') facts.Then = perPeriod(c, addon);
  const until = commitmentUntil(effective, addon.commitment_months);
  facts.Commitment = until ? `Until ${date(until)}` : 'None';
  if (opts.replaces?.length) {
    facts.Replaces = opts.replaces
      .map((r) => (r.fee === null ? `${r.name} (ends then)` : `${r.name} (ends then; early-end fee ${money(r.fee)})`))
      .join(', ');
  }
  facts.Conditions = addon.conditions;
  if (prepaid) facts['Your credit'] = money(opts.prepaidCredit!);
  return { facts: normAll(facts), charge, effective };
}

/**
 * What a preview of ending an add-on now must show: `fee` inside its commitment (null: none),
 * and the commitment it is under, if any.
 */
export function endFacts(
  c: Customer,
  name: string,
  fee: number | null,
  commitmentUntil: string | null,
  today = todayUtc(),
): Record<string, string> {
  const money = (cents: number) => formatMoney(cents, c.currency, c.language);
  const date = (iso: string) => formatDate(iso, c.language);
  const facts: Record<string, string> = {
    'Add-on to end': name,
    When: `Ends now (${date(today)})`,
    'Costs now': fee === null ? 'Nothing' : `${money(fee)}, on your next invoice`,
  };
  if (fee !== null) facts['Early-end fee'] = `${money(fee)}, because it is still inside its commitment`;
  facts.Commitment = commitmentUntil
    ? `Until ${date(commitmentUntil)}; it can be ended without a fee from ${date(dayAfter(commitmentUntil))}`
    : 'None';
  return normAll(facts);
}

function normAll(facts: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [norm(k), norm(v)]));
}

/** The kinds of request as /requests names them. */
export const KIND_LABEL: Record<RequestRow['kind'], string> = {
  activate: 'New add-on',
  switch: 'Switch of add-on',
  end: 'End of add-on',
  roaming: 'Roaming',
};

/** `25. 11. 2026 14:05`: a stored instant as the language writes it, in UTC. */
export function dateTime(stored: string, language: Language): string {
  const at = new Date(stored);
  const hh = String(at.getUTCHours()).padStart(2, '0');
  const mm = String(at.getUTCMinutes()).padStart(2, '0');
  return `${formatDate(at.toISOString().slice(0, 10), language)} ${hh}:${mm}`;
}

/**
 * The status of a request in words, as /requests writes it. A failure is stored as data, so the
 * caller that knows why it failed passes those words (`why`), as the page words them.
 */
function statusText(r: RequestRow, language: Language, why?: string): string {
  if (r.status === 'done') return 'Done';
  if (r.status === 'scheduled') return `Scheduled for ${formatDate(r.effective_on, language)}`;
  if (r.status === 'cancelled') return 'Cancelled';
  return why === undefined ? 'Failed' : `Failed: ${why}`;
}

/** A row of /requests as the customer reads it (cells' visible text, normalised); `why` as for `statusText`. */
export function requestRow(c: Customer, r: RequestRow, msisdn: string, why?: string): Record<string, string> {
  const completed = !r.completed_at || r.status === 'scheduled'
    ? ''
    : `${r.status === 'cancelled' ? ' on' : ' Completed'} ${dateTime(r.completed_at, c.language)}`;
  return normAll({
    Asked: dateTime(r.created_at, c.language),
    Line: displayMsisdn(msisdn),
    What: `${KIND_LABEL[r.kind]}: ${r.summary}`,
    'Asked by': 'You Self-service portal',
    // A scheduled change has its Cancel button under the status.
    Status: `${statusText(r, c.language, why)}${completed}${r.status === 'scheduled' ? ' Cancel' : ''}`,
    Charge: r.charge_cents === 0 || r.status === 'cancelled' ? '—' : formatMoney(r.charge_cents, c.currency, c.language),
  });
}

/** One row of `table.requests` by request id: heading → visible text (line breaks as spaces). */
export async function requestCells(page: Page, id: number): Promise<Record<string, string>> {
  const row = page.locator(`table.requests tr#request-${id}`);
  await expect(row).toHaveCount(1);
  return row.evaluate((tr) => {
    const heads = Array.from(tr.closest('table')!.querySelectorAll('thead th')).map((th) => th.textContent ?? '');
    const out: Record<string, string> = {};
    Array.from(tr.children).forEach((cell, i) => {
      out[(heads[i] ?? `#${i}`).replace(/\s+/g, ' ').trim()] = (cell as HTMLElement).innerText
        .replace(/\u00a0/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    });
    return out;
  });
}

/** The summary a request records. */
export function takeSummary(name: string, on: string, language: Language): string {
  return `Take ${name} from ${formatDate(on, language)}`;
}
export function switchSummary(from: string[], to: string, on: string, language: Language): string {
  return `Switch from ${from.join(', ')} to ${to} on ${formatDate(on, language)}`;
}
export function endSummary(name: string, on: string, language: Language): string {
  return `End ${name} on ${formatDate(on, language)}`;
}

/** What a postpaid or scheduled charge adds to a "Done:"/"Scheduled:" message. */
export function chargedText(
  c: Customer,
  charge: number,
  how: { creditLeft?: number; scheduled?: boolean; prepaid?: boolean },
): string {
  const money = (cents: number) => formatMoney(cents, c.currency, c.language);
  if (charge === 0) return '';
  if (how.creditLeft !== undefined) return ` ${money(charge)} was taken from your credit; ${money(how.creditLeft)} is left.`;
  if (how.scheduled && how.prepaid) return ` ${money(charge)} will be taken from your credit on that day.`;
  if (how.scheduled) return ` ${money(charge)} (excluding VAT) will be billed from that day on your invoice.`;
  return ` ${money(charge)} (excluding VAT) will be on your next invoice.`;
}

// ---- the page ----

/** The services page's active add-ons table. */
export function activeTable(page: Page): Locator {
  return page.locator('#active-addons table');
}

export function activeRow(page: Page, addonId: number): Locator {
  return page.locator(`#active-addons tr[data-addon="${addonId}"]`);
}

export function catalogItem(page: Page, addonId: number): Locator {
  return page.locator(`#catalog ul.addons li.addon[data-addon="${addonId}"]`);
}

/** The services page's notice: its text without the link, and the link's request id. */
export async function noticeOf(page: Page): Promise<{ ok: boolean; text: string; request: number | null }> {
  const notice = page.locator('#notice');
  await expect(notice).toHaveCount(1);
  const ok = ((await notice.getAttribute('class')) ?? '').split(/\s+/).includes('ok');
  const link = notice.getByRole('link', { name: 'Follow the request' });
  const href = (await link.count()) ? await link.getAttribute('href') : null;
  const text = norm(await notice.textContent()).replace(/\s*Follow the request$/, '');
  const m = href ? /^\/requests#request-(\d+)$/.exec(href) : null;
  if (href) expect(href).toMatch(/^\/requests#request-\d+$/);
  return { ok, text, request: m ? Number(m[1]) : null };
}

/**
 * Every term of a `<dl>` with its description, normalised, in order (read in one go, so terms
 * holding no-break spaces, like dates, are found as they are).
 */
export async function factsOf(dl: Locator): Promise<Record<string, string>> {
  const pairs = await dl.evaluate((el) =>
    Array.from(el.querySelectorAll(':scope > dt')).map((dt) => {
      const dd = dt.nextElementSibling;
      return [dt.textContent ?? '', dd && dd.tagName === 'DD' ? dd.textContent ?? '' : ''] as [string, string];
    }),
  );
  return Object.fromEntries(pairs.map(([k, v]) => [norm(k), norm(v)]));
}

/** The prepaid credit the services page shows (`#line-credit`, in the add-ons panel). */
export function shownCredit(page: Page): Locator {
  return page.locator('#line-credit');
}

/** Checks the services page's heading of the line. */
export async function expectLineHead(page: Page, parts: string[]): Promise<void> {
  const head = norm(await page.locator('p.line-head').textContent());
  for (const p of parts) expect(head).toContain(norm(p));
}
