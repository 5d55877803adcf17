// Roaming settings and roaming requests in the test database, and what the roaming card and
// the overview must show of them.
import { Customer, execute, lit, query } from './db';
import { Language, askedWords, formatMoney } from './format';

export interface RoamingRow {
  line_id: number;
  roaming_on: number;
  data_roaming_on: number;
  data_cap_cents: number | null;
  data_spent_cents: number;
  continue_past_cap: number;
  updated_at: string;
}

/** A line's stored settings; `null` when it has none (the defaults apply). */
export function roamingOf(lineId: number): RoamingRow | null {
  const rows = query<RoamingRow>(
    `SELECT line_id, roaming_on, data_roaming_on, data_cap_cents, data_spent_cents, continue_past_cap, updated_at
     FROM roaming_settings WHERE line_id = ${lit(lineId)}`,
  );
  return rows.length ? rows[0] : null;
}

/** Stores a line's settings as `settings` has them; `null` removes them (the defaults apply). */
export function setRoaming(lineId: number, settings: RoamingRow | null): void {
  if (settings === null) {
    execute(`DELETE FROM roaming_settings WHERE line_id = ${lit(lineId)}`);
    return;
  }
  const cap = settings.data_cap_cents === null ? 'NULL' : lit(settings.data_cap_cents);
  execute(
    `INSERT OR REPLACE INTO roaming_settings
       (line_id, roaming_on, data_roaming_on, data_cap_cents, data_spent_cents, continue_past_cap, updated_at)
     VALUES (${lit(lineId)}, ${settings.roaming_on}, ${settings.data_roaming_on}, ${cap},
             ${lit(settings.data_spent_cents)}, ${settings.continue_past_cap}, ${lit(settings.updated_at)})`,
  );
}

/** Sets what was spent on data roaming this period (rating's figure, which no form changes). */
export function setSpent(lineId: number, cents: number): void {
  execute(`UPDATE roaming_settings SET data_spent_cents = ${lit(cents)} WHERE line_id = ${lit(lineId)}`);
}

export interface RoamingRequest {
  id: number;
  line_id: number;
  summary: string;
  status: string;
  channel: string;
  requested_by_kind: string;
}

/** The newest service request id of anyone: requests after it are the test's. */
export function lastRequestId(): number {
  const rows = query<{ id: number | null }>('SELECT MAX(id) AS id FROM service_requests');
  return rows[0]?.id ?? 0;
}

/** The roaming requests of `customerId` made after request `after`, oldest first. */
export function roamingRequestsSince(customerId: number, after: number): RoamingRequest[] {
  type Stored = Omit<RoamingRequest, 'summary'> & { asked: string; effective_on: string; language: Language };
  return query<Stored>(
    `SELECT r.id, r.line_id, r.asked, r.effective_on, r.status, r.channel, r.requested_by_kind, c.language
     FROM service_requests r JOIN customers c ON c.id = r.customer_id
     WHERE r.customer_id = ${lit(customerId)} AND r.kind = 'roaming' AND r.id > ${lit(after)} ORDER BY r.id`,
  ).map(({ asked, effective_on, language, ...r }) => ({
    ...r,
    summary: askedWords(asked, 'roaming', effective_on, false, language),
  }));
}

/** The default cap in the customer's currency: EUR 50 or the same (CZK 1 250, PLN 215). */
export function defaultCapCents(c: Customer): number {
  return { EUR: 5_000, CZK: 125_000, PLN: 21_500 }[c.currency];
}

/** "12,30 € of 50,00 € cap", as the card and the overview write it. */
export function spentOfCap(c: Customer, spent: number, cap: number): string {
  return `${formatMoney(spent, c.currency, c.language)} of ${formatMoney(cap, c.currency, c.language)} cap`;
}
