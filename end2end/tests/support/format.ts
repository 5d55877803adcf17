// How the portal writes money, dates and phone numbers, written again independently of the
// Rust code so the tests compare the exact text a customer reads.

export type Language = 'cs' | 'pl' | 'lt' | 'ru' | 'en';
export type Currency = 'CZK' | 'PLN' | 'EUR';

const NBSP = '\u00a0';

/** Digits grouped in threes: `1 234 567` (no-break spaces), `1,234,567` in English. */
export function groupDigits(whole: number | string, language: Language): string {
  const digits = String(whole);
  const sep = language === 'en' ? ',' : NBSP;
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

function symbol(currency: Currency, language: Language): string {
  if (currency === 'EUR') return '€';
  if (currency === 'CZK' && language === 'cs') return 'Kč';
  if (currency === 'PLN' && language === 'pl') return 'zł';
  return currency;
}

/** `1 234,50 Kč`, `1 234,50 zł`, `1 234,50 €`, `€1,234.50`, `CZK 1,234.50`. */
/**
 * What a service request asked for, in the words the portal shows (`ServiceRequest::summary`):
 * the stored `asked` JSON, worded for `language`. A change refused when asked has no date.
 */
export function askedWords(
  asked: string,
  kind: string,
  effectiveOn: string,
  refused: boolean,
  language: Language,
): string {
  const a = JSON.parse(asked);
  const onOff = (on: boolean) => (on ? 'on' : 'off');
  if (a.asked === 'as_written') return a.text;
  if (a.asked === 'roaming') {
    const c = a.change;
    if (c.set === 'switches') return `Roaming ${onOff(c.roaming)}, data roaming ${onOff(c.data_roaming)}`;
    if (c.set === 'cap') {
      const cents = Math.round(Number(c.cap.amount) * 100);
      return `Data-roaming cap ${formatMoney(cents, c.cap.currency, language)}`;
    }
    return { lift_cap: 'Lift the data-roaming cap', continue_past_cap: 'Go on with data roaming past the cap', stop_at_cap: 'Stop data roaming at the cap' }[c.set as string]!;
  }
  const on = formatDate(effectiveOn, language);
  if (refused) return kind === 'end' ? `End ${a.name}` : `Take ${a.name}`;
  if (kind === 'end') return `End ${a.name} on ${on}`;
  if (kind === 'switch') return `Switch from ${a.replaces.join(', ')} to ${a.name} on ${on}`;
  return `Take ${a.name} from ${on}`;
}

export function formatMoney(cents: number, currency: Currency, language: Language): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const minor = String(abs % 100).padStart(2, '0');
  const number = groupDigits(whole, language) + (language === 'en' ? '.' : ',') + minor;
  const sym = symbol(currency, language);
  if (language === 'en') return sym === '€' ? `${sign}€${number}` : `${sign}${sym}${NBSP}${number}`;
  return `${sign}${number}${NBSP}${sym}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date (`YYYY-MM-DD`) as the language writes it: `5. 3. 2026`, `05.03.2026`, `2026-03-05`, `5 Mar 2026`. */
export function formatDate(iso: string, language: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new Error(`not a date: ${iso}`);
  const [, y, mm, dd] = m;
  const d = Number(dd);
  const month = Number(mm);
  switch (language) {
    case 'cs':
      return `${d}.${NBSP}${month}.${NBSP}${y}`;
    case 'pl':
    case 'ru':
      return `${dd}.${mm}.${y}`;
    case 'lt':
      return `${y}-${mm}-${dd}`;
    case 'en':
      return `${d} ${MONTHS[month - 1]} ${y}`;
  }
}

/** The day before a `YYYY-MM-DD` date, in the same form. */
export function dayBefore(iso: string): string {
  const t = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) - 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Today in UTC, `YYYY-MM-DD` (the server's clock and the machine run on UTC). */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** An E.164 number grouped for reading: `+420 601 123 456`, `+48 601 234 567`, `+370 612 34567`. */
export function displayMsisdn(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  const known = ['420', '421', '370', '371', '372', '380'].find((cc) => digits.startsWith(cc));
  const ccLen = known ? known.length : digits.startsWith('48') || digits.startsWith('49') ? 2 : 3;
  const cc = digits.slice(0, ccLen);
  const rest = digits.slice(ccLen);
  let groups: string[];
  if (cc === '370' && rest.length === 8) groups = [rest.slice(0, 3), rest.slice(3)];
  else groups = rest.match(/.{1,3}/g) ?? [];
  return `+${cc} ${groups.join(' ')}`;
}

/** Text as compared: no-break spaces read as spaces, runs of white space as one, trimmed. */
export function norm(text: string | null | undefined): string {
  return (text ?? '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
}

/** A billing period, first to last day: `20. 10. 2026 – 19. 11. 2026` (an en dash). */
export function formatPeriod(first: string, last: string, language: Language): string {
  return `${formatDate(first, language)} – ${formatDate(last, language)}`;
}

/** A VAT rate in basis points: `21 %` (no-break space), `10,5 %`, `21%` in English. */
export function formatRate(basisPoints: number, language: Language): string {
  const whole = Math.trunc(basisPoints / 100);
  const fraction = Math.abs(basisPoints % 100);
  const mark = language === 'en' ? '.' : ',';
  const number =
    fraction === 0 ? String(whole) : `${whole}${mark}${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
  return language === 'en' ? `${number}%` : `${number}${NBSP}%`;
}

/** A change of an amount with its sign: `+120,00 Kč`, `−54,90 Kč` (U+2212), `0,00 Kč`. */
export function formatSignedMoney(cents: number, currency: Currency, language: Language): string {
  const text = formatMoney(Math.abs(cents), currency, language);
  return cents > 0 ? `+${text}` : cents < 0 ? `\u2212${text}` : text;
}

/**
 * The cents of an amount as a page writes it (`1 777,49 Kč`, `-64,90 Kč`, `+120,00 Kč`,
 * `−54,90 Kč`). Throws unless the text is exactly how `formatMoney`/`formatSignedMoney` write
 * that amount, so a wrongly formatted figure fails the test rather than being read loosely.
 */
export function parseMoney(text: string, currency: Currency, language: Language): number {
  const t = norm(text);
  const negative = /^[-\u2212]/.test(t) || (language === 'en' && /^[A-Z€]*\s?[-\u2212]/.test(t));
  const m = language === 'en' ? /[.](\d{2})(?!\d)/.exec(t) : /,(\d{2})(?!\d)/.exec(t);
  if (!m) throw new Error(`not an amount in ${currency}/${language}: "${text}"`);
  const cents = Number(t.replace(/\D/g, '')) * (negative ? -1 : 1);
  const plain = norm(formatMoney(cents, currency, language));
  const signed = norm(formatSignedMoney(cents, currency, language));
  if (t !== plain && t !== signed) {
    throw new Error(`"${text}" is not written as ${currency}/${language} amounts are ("${plain}" or "${signed}")`);
  }
  return cents;
}

/** `YYYY-MM-DD` → `YYYYMMDD`, as payment QR codes write dates. */
export function compactDate(iso: string): string {
  return iso.slice(0, 10).replace(/-/g, '');
}
