// Usage as the database holds it, and what the usage pages and CSV exports must show of it.
// The rules here are the UI contract's (issue 5), written again independently of the Rust code.
import { lit, one, query } from './db';
import { Currency, Language, displayMsisdn, formatDate, formatMoney, groupDigits, todayUtc } from './format';

export type Kind = 'call' | 'sms' | 'data';

/** `type=` and `chart=` values of the URL, and the names the page uses. */
export const KIND_PARAM: Record<Kind, string> = { call: 'calls', sms: 'sms', data: 'data' };
export const KIND_LABEL: Record<Kind, string> = { call: 'Call', sms: 'SMS', data: 'Data' };
export const CHART_NAME: Record<Kind, string> = { call: 'Calls', sms: 'SMS', data: 'Data' };

export interface UsageRecord {
  id: number;
  started_at: string;
  kind: Kind;
  quantity: number;
  counterpart: string | null;
  roaming: number;
  country: string | null;
  charge_cents: number;
}

export interface RecordFilter {
  kind?: Kind;
  /** Inclusive `YYYY-MM-DD` days, UTC. */
  from?: string;
  to?: string;
}

/** A line's records matching `filter`, newest first (ties: the higher id first). */
export function usageRecords(lineId: number, filter: RecordFilter = {}): UsageRecord[] {
  const where = [`line_id = ${lit(lineId)}`];
  if (filter.kind) where.push(`kind = ${lit(filter.kind)}`);
  if (filter.from) where.push(`date(started_at) >= ${lit(filter.from)}`);
  if (filter.to) where.push(`date(started_at) <= ${lit(filter.to)}`);
  return query<UsageRecord>(
    `SELECT id, started_at, kind, quantity, counterpart, roaming, country, charge_cents FROM usage_records
     WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC`,
  );
}

const NBSP = '\u00a0';

/** Tenths as a number with one decimal where there is one: `12,4`, `12`, `1 234,4`. */
export function formatTenths(tenths: number, language: Language): string {
  const whole = groupDigits(Math.floor(tenths / 10), language);
  const tenth = tenths % 10;
  return tenth === 0 ? whole : `${whole}${language === 'en' ? '.' : ','}${tenth}`;
}

/** kB in tenths of a MB (1 MB = 1,024 kB), halves up. */
export function tenthsOfMb(kb: number): number {
  return Math.floor((kb * 10 + 512) / 1024);
}

/** `3 min 12 s`, `45 s`, `1 SMS`, `850 kB`, `12,4 MB`. */
export function formatQuantity(kind: Kind, quantity: number, language: Language): string {
  switch (kind) {
    case 'call': {
      const [m, s] = [Math.floor(quantity / 60), quantity % 60];
      if (m === 0) return `${s}${NBSP}s`;
      return s === 0 ? `${groupDigits(m, language)}${NBSP}min` : `${groupDigits(m, language)}${NBSP}min ${s}${NBSP}s`;
    }
    case 'sms':
      return `${groupDigits(quantity, language)}${NBSP}SMS`;
    case 'data':
      return quantity < 1024
        ? `${groupDigits(quantity, language)}${NBSP}kB`
        : `${formatTenths(tenthsOfMb(quantity), language)}${NBSP}MB`;
  }
}

/** `25. 11. 2026 10:30` (cs), `25.11.2026 10:30` (pl): a stored instant, in UTC. */
export function formatDateTime(stored: string, language: Language): string {
  const at = new Date(stored);
  const hh = String(at.getUTCHours()).padStart(2, '0');
  const mm = String(at.getUTCMinutes()).padStart(2, '0');
  return `${formatDate(at.toISOString().slice(0, 10), language)} ${hh}:${mm}`;
}

/** A row of the records table: column heading → cell text (before `norm`). */
export function recordRow(r: UsageRecord, currency: Currency, language: Language): Record<string, string> {
  return {
    'Date and time (UTC)': formatDateTime(r.started_at, language),
    Type: KIND_LABEL[r.kind],
    Quantity: formatQuantity(r.kind, r.quantity, language),
    Number: r.counterpart ? displayMsisdn(r.counterpart) : '',
    Country: `${r.country ?? ''}${r.roaming ? ' Roaming' : ''}`,
    Charge: r.charge_cents ? formatMoney(r.charge_cents, currency, language) : '',
  };
}

/** Cents with a dot and two decimals, no grouping: `1234.50`. */
function plainAmount(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const BASE_UNIT: Record<Kind, string> = { call: 's', sms: 'message', data: 'kB' };

/** RFC 4180: quoted when it holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: (string | number)[]): string {
  return fields.map((f) => csvField(String(f))).join(',');
}

export const RECORD_CSV_HEADER = 'started_at,type,quantity,unit,number,country,roaming,charge,currency,id';

/** A record as its CSV export row (without the CRLF). */
export function recordCsv(r: UsageRecord, currency: Currency): string {
  return csvLine([
    new Date(r.started_at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    r.kind,
    r.quantity,
    BASE_UNIT[r.kind],
    r.counterpart ?? '',
    r.country ?? '',
    r.roaming ? 'yes' : 'no',
    plainAmount(r.charge_cents),
    currency,
    r.id,
  ]);
}

/** The rows of a CSV file, header first; checks every row ends with CRLF. */
export function csvRows(text: string): string[] {
  if (!text.endsWith('\r\n')) throw new Error('a CSV file ends with CRLF');
  return text.slice(0, -2).split('\r\n');
}

export interface Period {
  period_start: string;
  period_end: string; // exclusive
  call_seconds_used: number;
  sms_used: number;
  data_kb_used: number;
  rated_at: string;
}

/** The allowance period running today, if any. */
export function currentPeriod(lineId: number, today = todayUtc()): Period | undefined {
  return query<Period>(
    `SELECT period_start, period_end, call_seconds_used, sms_used, data_kb_used, rated_at FROM allowance_usage
     WHERE line_id = ${lit(lineId)} AND period_start <= ${lit(today)} AND period_end > ${lit(today)}`,
  )[0];
}

/** Every day of the current period through today, with the sums of each kind (stored units). */
export function usagePerDay(lineId: number, today = todayUtc()): { day: string; sums: Record<Kind, number> }[] {
  const period = currentPeriod(lineId, today);
  if (!period) return [];
  const sums = query<{ day: string; kind: Kind; total: number }>(
    `SELECT date(started_at) AS day, kind, SUM(quantity) AS total FROM usage_records
     WHERE line_id = ${lit(lineId)} AND date(started_at) >= ${lit(period.period_start)} AND date(started_at) <= ${lit(today)}
     GROUP BY 1, 2`,
  );
  const days: { day: string; sums: Record<Kind, number> }[] = [];
  for (let t = Date.parse(`${period.period_start}T00:00:00Z`); t <= Date.parse(`${today}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const of = (kind: Kind) => sums.find((s) => s.day === day && s.kind === kind)?.total ?? 0;
    days.push({ day, sums: { call: of('call'), sms: of('sms'), data: of('data') } });
  }
  return days;
}

/** A day's figure as the chart counts it: whole minutes (rounded up), messages, tenths of a MB. */
export function chartValue(kind: Kind, stored: number): number {
  return kind === 'call' ? Math.ceil(stored / 60) : kind === 'sms' ? stored : tenthsOfMb(stored);
}

/** A chart value with its unit: `12 min`, `3 SMS`, `12,4 MB`. */
export function formatChartValue(kind: Kind, value: number, language: Language): string {
  if (kind === 'data') return `${formatTenths(value, language)}${NBSP}MB`;
  return `${groupDigits(value, language)}${NBSP}${kind === 'call' ? 'min' : 'SMS'}`;
}

export interface UsageLine {
  id: number;
  msisdn: string;
  label: string | null;
  plan: string;
  payment_type: 'prepaid' | 'postpaid';
  credit_cents: number;
  minutes_included: number | null;
  sms_included: number | null;
  data_mb_included: number | null;
}

/** The customer's lines the pages show, by number. */
export function usageLines(customerId: number): UsageLine[] {
  return query<UsageLine>(
    `SELECT l.id, l.msisdn, l.label, p.name AS plan, l.payment_type, l.credit_cents,
            p.minutes_included, p.sms_included, p.data_mb_included
     FROM lines l JOIN tariff_plans p ON p.id = l.plan_id
     WHERE l.customer_id = ${lit(customerId)} AND l.status <> 'terminated' ORDER BY l.msisdn`,
  );
}

export function lineById(id: number): UsageLine {
  return one<UsageLine>(
    `SELECT l.id, l.msisdn, l.label, p.name AS plan, l.payment_type, l.credit_cents,
            p.minutes_included, p.sms_included, p.data_mb_included
     FROM lines l JOIN tariff_plans p ON p.id = l.plan_id WHERE l.id = ${lit(id)}`,
  );
}

export type AllowanceName = 'Minutes' | 'SMS' | 'Data';

export interface Allowance {
  name: AllowanceName;
  unit: string;
  /** null: unlimited. */
  included: number | null;
  used: number;
}

/** The period's allowances: used minutes and MB round up, as operators count them. */
export function allowances(line: UsageLine, period: Period): Allowance[] {
  return [
    { name: 'Minutes', unit: 'min', included: line.minutes_included, used: Math.ceil(period.call_seconds_used / 60) },
    { name: 'SMS', unit: 'SMS', included: line.sms_included, used: period.sms_used },
    { name: 'Data', unit: 'MB', included: line.data_mb_included, used: Math.ceil(period.data_kb_used / 1024) },
  ];
}

export function left(a: Allowance): number | null {
  return a.included === null ? null : Math.max(a.included - a.used, 0);
}

/** `177 of 300 min`, or `Unlimited`. */
export function leftOfIncluded(a: Allowance, language: Language): string {
  const l = left(a);
  if (l === null || a.included === null) return 'Unlimited';
  return `${groupDigits(l, language)} of ${groupDigits(a.included, language)}${NBSP}${a.unit}`;
}

export function amount(a: Allowance, n: number, language: Language): string {
  return `${groupDigits(n, language)}${NBSP}${a.unit}`;
}

/** The overview's sortable columns and their headings. */
export type Sort = 'number' | 'label' | 'minutes' | 'sms' | 'data' | 'credit';
export const SORT_HEADING: Record<Sort, string> = {
  number: 'Number',
  label: 'User',
  minutes: 'Minutes left',
  sms: 'SMS left',
  data: 'Data left',
  credit: 'Credit',
};

/**
 * The overview's order: by the column, ties by number ascending. What is left: no period
 * first, unlimited the most. Labels without case or accents, missing ones as empty. Credit:
 * postpaid lines (none) below any amount.
 */
export function sortLines(lines: UsageLine[], sort: Sort, dir: 'asc' | 'desc', today = todayUtc()): UsageLine[] {
  const fold = (s: string | null) => (s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const key = (line: UsageLine): number | string => {
    const period = currentPeriod(line.id, today);
    const index = { minutes: 0, sms: 1, data: 2 } as Record<string, number>;
    switch (sort) {
      case 'number':
        return 0;
      case 'label':
        return fold(line.label);
      case 'credit':
        return line.payment_type === 'prepaid' ? line.credit_cents : -Infinity;
      default: {
        if (!period) return -Infinity;
        const l = left(allowances(line, period)[index[sort]]);
        return l === null ? Infinity : l;
      }
    }
  };
  const keyed = lines.map((line) => ({ line, key: key(line) }));
  keyed.sort((a, b) => {
    const order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    const byNumber = a.line.msisdn < b.line.msisdn ? -1 : a.line.msisdn > b.line.msisdn ? 1 : 0;
    if (sort === 'number') return dir === 'asc' ? byNumber : -byNumber;
    return (dir === 'asc' ? order : -order) || byNumber;
  });
  return keyed.map((k) => k.line);
}

/** A line of the overview as its CSV export row (without the CRLF). */
export function lineCsv(line: UsageLine, currency: Currency, today = todayUtc()): string {
  const period = currentPeriod(line.id, today);
  const cells = period
    ? allowances(line, period).flatMap((a) => {
        const l = left(a);
        return l === null ? ['unlimited', 'unlimited'] : [String(l), String(a.included)];
      })
    : ['', '', '', '', '', ''];
  const prepaid = line.payment_type === 'prepaid';
  const lastDay = period ? new Date(Date.parse(`${period.period_end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) : '';
  return csvLine([
    line.msisdn,
    line.label ?? '',
    line.plan,
    ...cells,
    prepaid ? plainAmount(line.credit_cents) : '',
    prepaid ? currency : '',
    lastDay,
    line.id,
  ]);
}
