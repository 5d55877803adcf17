// Prepaid credit at /credit: the balance and its expiry, topping up with a voucher (a form that
// posts and comes back without JavaScript, in place with it), every refusal, the throttle on
// wrong codes, repeated and concurrent requests that must credit once, the credit history a
// page at a time, and other customers' lines. Every figure is compared with the database.
//
// Each test has its own database (support/fixtures.ts), so a test may redeem a demo voucher
// and change the line's credit and expiry; tests that need a voucher the demo data lacks
// insert one.
import { Locator, Page, Response, expect, test } from './support/fixtures';
import fs from 'node:fs';
import path from 'node:path';
import { auditCount } from './support/billing';
import {
  CreditState,
  LEDGER_PER_PAGE,
  PrepaidLine,
  attemptsSince,
  auditEntries,
  creditState,
  daysFromToday,
  demoPrepaid,
  historyRow,
  insertAttempts,
  insertVoucher,
  ledgerOf,
  masked,
  storedInstant,
  voucher,
  voucherDigits,
  voucherHash,
} from './support/credit';
import { Customer, customerByEmail, execute, linesOf, lit, query } from './support/db';
import { displayMsisdn, formatDate, formatMoney, formatSignedMoney, norm, todayUtc } from './support/format';
import { DEMO, definition, hydrated, shot, shotMobile, signIn, tableRows } from './support/ui';

// Vouchers of the tests' own, one per test (the last four digits name them in messages).
const CODES = {
  nojs: '7301 0000 0000 4101',
  later: '7301 0000 0000 4102',
  double: '7301 0000 0000 4103',
  twice: '7301 0000 0000 4108',
  noExpiry: '7301 0000 0000 4109',
  race: '7301 0000 0000 4104',
  throttled: '7301 0000 0000 4105',
  foreign: '7301 0000 0000 4106',
  untouched: '7301 0000 0000 4107',
};
/** A code no voucher has. */
const UNKNOWN = '7301 9999 9999 0001';

// The demo vouchers of the README (store/src/seed/mod.rs).
const DEMO_VALID = '4821 7730 1956 5170';
const DEMO_EXPIRED = '4821 7730 1956 9004';
const DEMO_SPENT = '4821 7730 1956 7777';
const DEMO_CZK = '3902 1145 7781 0200';

const MESSAGES = {
  // A spent, expired or other-currency voucher answers like an unknown code (issue 18: the
  // answer must not tell a guesser that a code exists).
  unknown: 'That voucher code is not valid. Check the digits and try again.',
  malformed: 'Enter the 16 digits of the voucher code, for example 4821 7730 1956 2048.',
  throttled: (minutes: number) => `Too many wrong voucher codes. For your security, try again in ${minutes} minutes.`,
};

/** The prepaid demo customer, their line, and what to compare with after the test. */
function prepaid() {
  const { customer, line } = demoPrepaid(DEMO.prepaid);
  return { customer, line, state: creditState(line.id), audits: auditCount(customer.id, 'voucher_top_up') };
}

const money = (c: Customer, cents: number) => formatMoney(cents, c.currency, c.language);
const signed = (c: Customer, cents: number) => formatSignedMoney(cents, c.currency, c.language);
const date = (c: Customer, iso: string | null) => (iso === null ? 'No expiry' : formatDate(iso, c.language));

function credited(c: Customer, code: string, cents: number): string {
  return `Voucher ${masked(code)} credited: ${signed(c, cents)}.`;
}

function alreadyCredited(c: Customer, code: string, cents: number, atIso: string): string {
  return (
    `Voucher ${masked(code)} was already credited to this line on ${formatDate(atIso.slice(0, 10), c.language)}: ` +
    `${money(c, cents)}. Nothing more was charged or credited.`
  );
}

/** The line's section: named by its heading, the phone number. */
function lineSection(page: Page, line: PrepaidLine): Locator {
  return page.getByRole('region', { name: line.display, exact: true });
}

async function openCredit(page: Page, js: boolean, query = ''): Promise<void> {
  const response = await page.goto(`/credit${query}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Credit');
  if (js) await hydrated(page);
}

/** The balance and expiry shown: the balance's exact text (no-break spaces and all). */
async function expectFigures(page: Page, c: Customer, line: PrepaidLine, cents: number, expiresOn: string | null) {
  const section = lineSection(page, line);
  await expect(section.locator('#credit-balance')).toHaveText(money(c, cents));
  expect(await section.locator('#credit-balance').textContent()).toBe(money(c, cents));
  await expect(definition(section, 'Credit')).toHaveText(money(c, cents));
  await expect(definition(section, 'Valid until')).toHaveText(date(c, expiresOn));
}

/** The one outcome message on the page: a status when it went through, an alert when refused. */
async function expectNotice(page: Page, role: 'status' | 'alert', message: string) {
  const notice = page.locator('main .notice');
  await expect(notice).toHaveCount(1);
  await expect(notice).toHaveAttribute('role', role);
  await expect(notice).toHaveText(norm(message));
  expect(norm(await notice.textContent())).toBe(norm(message));
}

/** One status message on the page, reading one of `messages`. */
async function expectOneOf(page: Page, messages: string[]) {
  const notice = page.locator('main .notice');
  await expect(notice).toHaveCount(1);
  await expect(notice).toHaveAttribute('role', 'status');
  expect(messages.map(norm)).toContain(norm(await notice.textContent()));
}

function voucherField(page: Page, line: PrepaidLine): Locator {
  return lineSection(page, line).getByLabel('Voucher code', { exact: true });
}

/** Types a code and presses "Top up"; without JavaScript, waits until the page is back. */
async function topUp(page: Page, js: boolean, line: PrepaidLine, code: string): Promise<Response | null> {
  await voucherField(page, line).fill(code);
  const button = lineSection(page, line).getByRole('button', { name: 'Top up', exact: true });
  if (js) {
    await button.click();
    return null;
  }
  const back = page.waitForResponse(
    (r) => r.request().resourceType() === 'document' && new URL(r.url()).pathname === '/credit',
  );
  await button.click();
  const document = await back;
  await expect(page).toHaveURL(new RegExp(`/credit\\?line=${line.id}#notice$`));
  // The post the browser was redirected from, for its headers.
  const post = document.request().redirectedFrom();
  expect(post?.method(), 'the form posted').toBe('POST');
  expect(new URL(post!.url()).pathname).toBe('/api/redeem_voucher');
  return post!.response();
}

/** Nothing about the line's credit changed since `before`. */
function expectUnchanged(before: CreditState, audits: number, customerId: number) {
  const now = creditState(before.lineId);
  expect(now.credit_cents, 'credit').toBe(before.credit_cents);
  expect(now.credit_expires_on, 'expiry').toBe(before.credit_expires_on);
  expect(now.ledgerRows, 'ledger rows').toBe(before.ledgerRows);
  expect(auditCount(customerId, 'voucher_top_up'), 'voucher audit entries').toBe(audits);
}

/** One top-up of `cents` stored exactly once: the credit, the expiry, the ledger row, the audit entry. */
function expectCreditedOnce(
  c: Customer,
  before: CreditState,
  audits: number,
  code: string,
  cents: number,
  expiresOn: string | null,
) {
  const now = creditState(before.lineId);
  expect(now.credit_cents, 'credit').toBe(before.credit_cents + cents);
  expect(now.credit_expires_on, 'expiry').toBe(expiresOn);
  const added = ledgerOf(before.lineId).filter((r) => r.id > before.lastLedgerId);
  expect(added.map(({ kind, amount_cents, balance_after_cents, description }) => ({ kind, amount_cents, balance_after_cents, description })))
    .toEqual([{ kind: 'top_up', amount_cents: cents, balance_after_cents: before.credit_cents + cents, description: `Voucher ${masked(code)}` }]);
  expect(auditCount(c.id, 'voucher_top_up'), 'voucher audit entries').toBe(audits + 1);
  const [entry] = auditEntries(c.id, 'voucher_top_up', 1);
  const digits = voucherDigits(code);
  for (const secret of [digits, code, digits.slice(0, 12), code.slice(0, 14)]) {
    expect(entry.detail, 'the audit entry never holds the code').not.toContain(secret);
  }
  expect(JSON.parse(entry.detail)).toMatchObject({ action: 'voucher_top_up', voucher: masked(code) });
  const v = voucher(code);
  expect(v.redeemed_line_id, 'the voucher is spent on this line').toBe(before.lineId);
  expect(v.redeemed_at).not.toBeNull();
}

/** The expiry after a top-up today: the plan's validity from today, unless already later. */
function expiryAfterTopUp(line: PrepaidLine, current: string | null): string | null {
  if (line.validity_days === null) return current;
  const extended = daysFromToday(line.validity_days);
  return current !== null && current > extended ? current : extended;
}

test('the README lists demo vouchers that the database holds as it says', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const rows = readme.split('\n').filter((l) => /^\|\s*`\d{4} \d{4} \d{4} \d{4}`/.test(l));
  const documented = rows.flatMap((row) => {
    const [codes, values, state] = row.split('|').slice(1, 4).map((s) => s.trim());
    const valueList = values.split(', ');
    return codes.split(', ').map((c, i) => ({ code: c.replace(/`/g, ''), value: valueList[i], state }));
  });
  expect(documented.map((d) => d.code)).toEqual(
    expect.arrayContaining([DEMO_VALID, DEMO_EXPIRED, DEMO_SPENT, DEMO_CZK, '4821 7730 1956 2048']),
  );
  const today = todayUtc();
  for (const d of documented) {
    const v = voucher(d.code);
    const lang = d.value.endsWith('zł') ? 'pl' : d.value.endsWith('Kč') ? 'cs' : 'lt';
    const shown = norm(formatMoney(v.amount_cents, v.currency, lang));
    // "200 Kč" in the README is 200,00 Kč.
    expect([shown, shown.replace(/,00 /, ' ')], `${d.code}: value`).toContain(norm(d.value));
    if (d.state === 'expired') expect(v.expires_on < today, `${d.code}: expired`).toBe(true);
    else expect(v.expires_on >= today, `${d.code}: not expired`).toBe(true);
    expect(v.redeemed_at !== null, `${d.code}: spent`).toBe(d.state === 'already used');
  }
});

test.describe('Without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('"Credit" is in the menu of a customer with a prepaid line and leads to the line\'s credit', async ({ page }) => {
    const { customer, line } = prepaid();
    await signIn(page, false, DEMO.prepaid);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credit', exact: true }).click();
    await expect(page).toHaveURL(/\/credit$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Credit');
    await expect(lineSection(page, line).getByRole('heading', { level: 2 })).toHaveText(line.display);
    await expectFigures(page, customer, line, line.credit_cents, line.credit_expires_on);
  });

  test('a customer with postpaid lines only has no "Credit" in the menu, and /credit says there is nothing to top up', async ({ page }) => {
    const demo = customerByEmail(DEMO.private);
    expect(linesOf(demo.id).every((l) => l.payment_type === 'postpaid')).toBe(true);
    await signIn(page, false, DEMO.private);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Invoices', exact: true })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Credit', exact: true })).toHaveCount(0);
    await page.goto('/credit');
    await expect(page.getByText('You have no prepaid lines. Postpaid lines are billed each month: see Invoices.')).toBeVisible();
    await expect(page.getByLabel('Voucher code')).toHaveCount(0);
  });

  test('the page shows the credit, its expiry and the whole history exactly as stored', async ({ page }) => {
    const { customer, line } = prepaid();
    await signIn(page, false, DEMO.prepaid);
    await openCredit(page, false);
    // The seed: 37,50 zł, valid for 60 more days, a plan whose top-ups last 180 days.
    expect(line.credit_cents).toBe(3750);
    expect(line.credit_expires_on).toBe(daysFromToday(60));
    expect(line.validity_days).toBe(180);
    await expectFigures(page, customer, line, line.credit_cents, line.credit_expires_on);

    const section = lineSection(page, line);
    const field = voucherField(page, line);
    await expect(field).toBeEditable();
    await expect(field).toHaveValue('');
    await expect(field).toHaveAccessibleDescription('The 16 digits under the scratch panel of your voucher.');
    await expect(section.getByRole('button', { name: 'Top up', exact: true })).toBeEnabled();
    await expect(section).toContainText(`Each top-up keeps your credit valid for ${line.validity_days} days.`);
    await expect(page.locator('main .notice'), 'no message before anything was sent').toHaveCount(0);

    const history = page.getByRole('region', { name: 'Credit history', exact: true });
    const ledger = ledgerOf(line.id);
    expect(ledger.length, 'one page of history in the seed').toBeLessThanOrEqual(LEDGER_PER_PAGE);
    expect(await tableRows(history.locator('table'))).toEqual(ledger.map((r) => historyRow(r, customer.currency, customer.language)));
    await expect(history.getByRole('link', { name: 'Older entries' })).toHaveCount(0);
    await expect(history.getByRole('link', { name: 'Newest entries' })).toHaveCount(0);
    await shot(page, 'credit-nojs');
    await shotMobile(page, 'credit-mobile-nojs');
  });

  test('a voucher posts, comes back with the new credit and expiry once, and a repeat of it credits nothing', async ({ page }) => {
    const { customer, line, state, audits } = prepaid();
    const code = CODES.nojs;
    insertVoucher(code, 5000, 'PLN');
    await signIn(page, false, DEMO.prepaid);
    await openCredit(page, false);

    const post = await topUp(page, false, line, code);
    // The outcome travels in a one-minute, HttpOnly cookie.
    const cookie = (await post!.headerValue('set-cookie')) ?? '';
    expect(cookie).toMatch(/selfcare_reply=[^;]+;/);
    expect(cookie).toContain('Max-Age=60');
    expect(cookie).toContain('HttpOnly');

    const expires = expiryAfterTopUp(line, line.credit_expires_on);
    expect(expires, 'the seed expiry is sooner than a new top-up lasts').toBe(daysFromToday(180));
    await expectNotice(page, 'status', credited(customer, code, 5000));
    await expectFigures(page, customer, line, state.credit_cents + 5000, expires);
    await expect(voucherField(page, line)).toHaveValue('');
    expectCreditedOnce(customer, state, audits, code, 5000, expires);

    // The history leads with the top-up.
    const history = page.getByRole('region', { name: 'Credit history', exact: true });
    const rows = await tableRows(history.locator('table'));
    expect(rows[0]).toEqual(historyRow(ledgerOf(line.id)[0], customer.currency, customer.language));
    expect(rows[0]).toEqual({
      Date: norm(formatDate(todayUtc(), 'pl')),
      What: `Top-up: Voucher ${masked(code)}`,
      Amount: norm(signed(customer, 5000)),
      Balance: norm(money(customer, state.credit_cents + 5000)),
    });
    await shot(page, 'credit-topped-up-nojs');

    // Shown once: loading the page again has no message.
    await page.reload();
    await expect(page.locator('main .notice')).toHaveCount(0);
    await expectFigures(page, customer, line, state.credit_cents + 5000, expires);

    // The same voucher again (a resubmitted form, a second tab): answered, not credited twice.
    const at = voucher(code).redeemed_at!;
    await topUp(page, false, line, code);
    await expectNotice(page, 'status', alreadyCredited(customer, code, 5000, at));
    await expectFigures(page, customer, line, state.credit_cents + 5000, expires);
    expectCreditedOnce(customer, state, audits, code, 5000, expires);
    expect(attemptsSince(state), 'a repeat is not a wrong guess').toBe(0);
  });

  test('a top-up never shortens a later expiry; a line without one reads "No expiry" until a top-up starts the plan\'s validity', async ({ page }) => {
    const { customer, line, state, audits } = prepaid();
    const code = CODES.later;
    const later = daysFromToday(400);
    insertVoucher(code, 1250, 'PLN');
    insertVoucher(CODES.noExpiry, 750, 'PLN');
    execute(`UPDATE lines SET credit_expires_on = ${lit(later)} WHERE id = ${line.id}`);
    await signIn(page, false, DEMO.prepaid);
    await openCredit(page, false);
    await expectFigures(page, customer, line, state.credit_cents, later);
    await topUp(page, false, line, code);
    await expectNotice(page, 'status', credited(customer, code, 1250));
    await expectFigures(page, customer, line, state.credit_cents + 1250, later);
    expectCreditedOnce(customer, { ...state, credit_expires_on: later }, audits, code, 1250, later);

    // No expiry at all reads "No expiry"; the next top-up starts the plan's validity.
    execute(`UPDATE lines SET credit_expires_on = NULL WHERE id = ${line.id}`);
    await page.goto(`/credit?line=${line.id}`);
    await expectFigures(page, customer, line, state.credit_cents + 1250, null);
    await topUp(page, false, line, CODES.noExpiry);
    await expectNotice(page, 'status', credited(customer, CODES.noExpiry, 750));
    await expectFigures(page, customer, line, state.credit_cents + 2000, daysFromToday(line.validity_days!));
    expect(creditState(line.id).credit_expires_on).toBe(daysFromToday(line.validity_days!));
  });

  test('every refusal is said in an alert and changes nothing; a real but unusable voucher reads like a wrong code', async ({ page }) => {
    const { customer, line, state, audits } = prepaid();
    expect(query(`SELECT id FROM vouchers WHERE code_hash = ${lit(voucherHash(UNKNOWN))}`)).toEqual([]);
    const expired = voucher(DEMO_EXPIRED);
    expect(expired.expires_on < todayUtc(), 'the demo voucher is expired').toBe(true);
    const spent = voucher(DEMO_SPENT);
    expect(spent.redeemed_at, 'the demo voucher is spent').not.toBeNull();
    const czk = voucher(DEMO_CZK);
    expect(czk.currency).toBe('CZK');
    const untouched = [DEMO_EXPIRED, DEMO_SPENT, DEMO_CZK].map((c) => voucher(c));
    await signIn(page, false, DEMO.prepaid);
    await openCredit(page, false);
    const cases: [string, string][] = [
      [DEMO_SPENT, MESSAGES.unknown],
      [DEMO_EXPIRED, MESSAGES.unknown],
      [DEMO_CZK, MESSAGES.unknown],
      [UNKNOWN, MESSAGES.unknown],
      ['4821 7730 1956 204', MESSAGES.malformed],
      ['4821-7730-1956-204x', MESSAGES.malformed],
    ];
    for (const [code, message] of cases) {
      await topUp(page, false, line, code);
      await expectNotice(page, 'alert', message);
      await expectFigures(page, customer, line, state.credit_cents, state.credit_expires_on);
      expectUnchanged(state, audits, customer.id);
    }
    await shot(page, 'credit-refused-nojs');
    // Each of them counts as a wrong guess; a malformed code is not tried.
    expect(attemptsSince(state)).toBe(4);
    expect([DEMO_EXPIRED, DEMO_SPENT, DEMO_CZK].map((c) => voucher(c))).toEqual(untouched);
  });

  test('after five wrong codes within the hour, even a good voucher is refused until the hour is over', async ({ page }) => {
    const { customer, line, state, audits } = prepaid();
    const code = CODES.throttled;
    insertVoucher(code, 2000, 'PLN');
    // Four wrong codes 30½ minutes ago (typed by the test below would take too long to age).
    insertAttempts(line.id, 4, Date.now() - 30.5 * 60_000);
    await signIn(page, false, DEMO.prepaid);
    await openCredit(page, false);
    // The fifth wrong code is still answered as wrong...
    await topUp(page, false, line, UNKNOWN);
    await expectNotice(page, 'alert', MESSAGES.unknown);
    expect(attemptsSince(state)).toBe(5);
    // ...and from then on nothing is tried: the oldest of the five leaves the hour in 29½ minutes.
    await topUp(page, false, line, code);
    await expectNotice(page, 'alert', MESSAGES.throttled(30));
    await topUp(page, false, line, UNKNOWN);
    await expectNotice(page, 'alert', MESSAGES.throttled(30));
    expect(attemptsSince(state), 'refused attempts are not counted again').toBe(5);
    expectUnchanged(state, audits, customer.id);
    expect(voucher(code).redeemed_at, 'the good voucher is still unused').toBeNull();

    // Once the wrong codes are older than an hour, the same voucher credits.
    execute(`UPDATE voucher_attempts SET at = ${lit(storedInstant(Date.now() - 61 * 60_000))} WHERE id > ${state.lastAttemptId}`);
    await topUp(page, false, line, code);
    await expectNotice(page, 'status', credited(customer, code, 2000));
    expectCreditedOnce(customer, state, audits, code, 2000, expiryAfterTopUp(line, line.credit_expires_on));
  });

  test('the history shows twenty entries a page; "Older entries" continues after the last one, "Newest entries" goes back', async ({ page }) => {
    const { customer, line, state } = prepaid();
    // 25 older entries of every kind; the 20th and 21st of the whole history share an instant,
    // so the page break must tell them apart by more than the time.
    const kinds = ['charge', 'top_up', 'adjustment', 'expiry'] as const;
    const seeded = ledgerOf(line.id).length;
    const extra = Array.from({ length: 25 }, (_, i) => {
      const position = seeded + i + 1; // 1-based, newest first
      const day = new Date(Date.UTC(2025, 11, 31) - i * 86_400_000).toISOString().slice(0, 10);
      const at = position === LEDGER_PER_PAGE + 1 ? null : `${day}T09:30:00+00:00`;
      const kind = kinds[i % kinds.length];
      const amount = kind === 'top_up' ? 2500 + i : kind === 'adjustment' ? 100 : -(1000 + i);
      return { at, kind, amount, balance: 50_000 - i * 700, description: `Test entry ${i + 1}` };
    });
    // The 21st entry gets the 20th's instant.
    const twentieth = extra[LEDGER_PER_PAGE - seeded - 1];
    extra[LEDGER_PER_PAGE - seeded].at = twentieth.at;
    execute(
      extra
        .map(
          (e) => `INSERT INTO credit_ledger (line_id, at, kind, amount_cents, balance_after_cents, description)
            VALUES (${line.id}, ${lit(e.at!)}, ${lit(e.kind)}, ${e.amount}, ${e.balance}, ${lit(e.description)});`,
        )
        .join('\n'),
    );
    const ledger = ledgerOf(line.id);
    expect(ledger.length).toBe(seeded + 25);
    expect(ledger[LEDGER_PER_PAGE - 1].at).toBe(ledger[LEDGER_PER_PAGE].at);
    const expected = ledger.map((r) => historyRow(r, customer.currency, customer.language));

    await signIn(page, false, DEMO.prepaid);
    await openCredit(page, false, `?line=${line.id}`);
    const history = page.getByRole('region', { name: 'Credit history', exact: true });
    expect(await tableRows(history.locator('table'))).toEqual(expected.slice(0, LEDGER_PER_PAGE));
    // Every kind reads as the contract says, amounts signed (a minus sign, U+2212).
    const what = (await history.locator('tbody td[data-label="What"]').allTextContents()).map(norm);
    for (const label of ['Charge: ', 'Top-up: ', 'Adjustment: ', 'Expired credit: ']) {
      expect(what.some((w) => w.startsWith(label)), label).toBe(true);
    }
    expect(await history.locator('tbody td[data-label="Amount"]').first().textContent()).toMatch(/^[+\u2212]\d/);
    await expect(history.getByRole('link', { name: 'Newest entries' })).toHaveCount(0);

    await history.getByRole('link', { name: 'Older entries' }).click();
    await expect(page).toHaveURL(new RegExp(`/credit\\?line=${line.id}&after=`));
    expect(await tableRows(history.locator('table'))).toEqual(expected.slice(LEDGER_PER_PAGE));
    await expect(history.getByRole('link', { name: 'Older entries' })).toHaveCount(0);
    // The balance box is the same on every page.
    await expectFigures(page, customer, line, state.credit_cents, state.credit_expires_on);
    await shot(page, 'credit-history-older-nojs');

    await history.getByRole('link', { name: 'Newest entries' }).click();
    await expect(page).toHaveURL(new RegExp(`/credit\\?line=${line.id}$`));
    expect(await tableRows(history.locator('table'))).toEqual(expected.slice(0, LEDGER_PER_PAGE));
  });
});

test.describe('With JavaScript', () => {
  test('a README demo voucher tops up in place: message, credit and expiry change without loading the page', async ({ page }) => {
    const { customer, line, state, audits } = prepaid();
    const code = DEMO_VALID;
    const before = voucher(code);
    expect(before.redeemed_at, 'the demo voucher is unused').toBeNull();
    expect(before.amount_cents).toBe(10_000);
    await signIn(page, true, DEMO.prepaid);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credit', exact: true }).click();
    await expect(page).toHaveURL(/\/credit$/);
    await hydrated(page);
    await expectFigures(page, customer, line, state.credit_cents, state.credit_expires_on);

    await page.evaluate(() => ((window as any).__marker = 'still here'));
    const loads: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'document') loads.push(r.url());
    });
    const url = page.url();

    const expires = expiryAfterTopUp(line, line.credit_expires_on);
    await topUp(page, true, line, code);
    await expectNotice(page, 'status', credited(customer, code, 10_000));
    await expectFigures(page, customer, line, state.credit_cents + 10_000, expires);
    await expect(voucherField(page, line), 'the field is emptied after a top-up').toHaveValue('');
    expectCreditedOnce(customer, state, audits, code, 10_000, expires);
    await shot(page, 'credit-topped-up');
    await shotMobile(page, 'credit-topped-up-mobile');

    // The same code again: answered in place, nothing more credited.
    await topUp(page, true, line, code);
    await expectNotice(page, 'status', alreadyCredited(customer, code, 10_000, voucher(code).redeemed_at!));
    await expectFigures(page, customer, line, state.credit_cents + 10_000, expires);
    expectCreditedOnce(customer, state, audits, code, 10_000, expires);

    // A refusal replaces the message, in an alert.
    await topUp(page, true, line, DEMO_SPENT);
    await expectNotice(page, 'alert', MESSAGES.unknown);
    await topUp(page, true, line, '1234');
    await expectNotice(page, 'alert', MESSAGES.malformed);
    await expectFigures(page, customer, line, state.credit_cents + 10_000, expires);

    expect(page.url()).toBe(url);
    expect(await page.evaluate(() => (window as any).__marker)).toBe('still here');
    expect(loads, 'document requests while topping up').toEqual([]);
  });

  test('refusals and the throttle are answered in place and change nothing', async ({ page }) => {
    const { customer, line, state, audits } = prepaid();
    const code = CODES.untouched;
    insertVoucher(code, 3000, 'PLN');
    await signIn(page, true, DEMO.prepaid);
    await openCredit(page, true, `?line=${line.id}`);
    await page.evaluate(() => ((window as any).__marker = 'still here'));
    for (const c of [DEMO_EXPIRED, DEMO_CZK, UNKNOWN]) {
      await topUp(page, true, line, c);
      await expectNotice(page, 'alert', MESSAGES.unknown);
    }
    expect(attemptsSince(state)).toBe(3);
    // Two more wrong codes within the hour make five.
    insertAttempts(line.id, 2, Date.now() - 30.5 * 60_000);
    await topUp(page, true, line, code);
    await expectNotice(page, 'alert', MESSAGES.throttled(30));
    await expectFigures(page, customer, line, state.credit_cents, state.credit_expires_on);
    await expect(voucherField(page, line), 'a refused code stays in the field to correct').toHaveValue(code);
    expectUnchanged(state, audits, customer.id);
    expect(voucher(code).redeemed_at).toBeNull();
    expect(await page.evaluate(() => (window as any).__marker)).toBe('still here');
    await shot(page, 'credit-throttled');
  });

  test('a double click on "Top up" credits the voucher once and shows the credit the database has', async ({ page }) => {
    const { customer, line, state, audits } = prepaid();
    const code = CODES.double;
    insertVoucher(code, 5000, 'PLN');
    await signIn(page, true, DEMO.prepaid);
    await openCredit(page, true);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/redeem_voucher')) posts.push(r.url());
    });
    await voucherField(page, line).fill(code);
    await lineSection(page, line).getByRole('button', { name: 'Top up', exact: true }).dblclick();
    await expect(page.locator('main .notice')).toHaveCount(1);
    await expect.poll(() => voucher(code).redeemed_at).not.toBeNull();
    await page.waitForLoadState('networkidle');
    // The button is disabled while the first request runs, so one request is expected; if the
    // second click got through, its answer ("already credited") may be the one shown.
    expect(posts.length, 'requests sent').toBeGreaterThanOrEqual(1);
    await expectOneOf(page, [
      credited(customer, code, 5000),
      ...(posts.length > 1 ? [alreadyCredited(customer, code, 5000, voucher(code).redeemed_at!)] : []),
    ]);
    expectCreditedOnce(customer, state, audits, code, 5000, expiryAfterTopUp(line, line.credit_expires_on));
    // Whichever answer came last, the page shows the credit as stored.
    await expectFigures(page, customer, line, state.credit_cents + 5000, expiryAfterTopUp(line, line.credit_expires_on));
  });

  // The island sends a form once while it waits for the answer, so the second submit sends
  // nothing; two requests racing on the server are the next test's.
  test('the form submitted twice at once (before any answer) is sent once, credits once and shows the credit the database has', async ({ page }) => {
    const { customer, line, state, audits } = prepaid();
    const code = CODES.twice;
    insertVoucher(code, 5000, 'PLN');
    await signIn(page, true, DEMO.prepaid);
    await openCredit(page, true);
    await voucherField(page, line).fill(code);
    const answers: Promise<unknown>[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/redeem_voucher')) answers.push(r.finished());
    });
    await page.evaluate(() => {
      const form = document.querySelector('form[action="/api/redeem_voucher"]') as HTMLFormElement;
      form.requestSubmit();
      form.requestSubmit();
    });
    await expect.poll(() => answers.length).toBe(1);
    await Promise.all(answers);
    await page.waitForLoadState('networkidle');
    expect(answers, 'requests sent').toHaveLength(1);
    // Whichever answer came last speaks: "credited" or "already credited", never a refusal.
    await expectOneOf(page, [credited(customer, code, 5000), alreadyCredited(customer, code, 5000, voucher(code).redeemed_at!)]);
    expectCreditedOnce(customer, state, audits, code, 5000, expiryAfterTopUp(line, line.credit_expires_on));
    await expectFigures(page, customer, line, state.credit_cents + 5000, expiryAfterTopUp(line, line.credit_expires_on));
  });

  test('six requests for one voucher at the same time credit it once: one "credited", the rest "already credited"', async ({ page, baseURL }) => {
    const { customer, line, state, audits } = prepaid();
    const code = CODES.race;
    insertVoucher(code, 3300, 'PLN');
    await signIn(page, true, DEMO.prepaid);
    const send = () =>
      page.request.post('/api/redeem_voucher', {
        form: { line: String(line.id), code },
        headers: { Origin: baseURL!, Accept: 'application/json' },
      });
    const responses = await Promise.all(Array.from({ length: 6 }, send));
    const replies = await Promise.all(
      responses.map(async (r) => {
        expect(r.status()).toBe(200);
        return (await r.json()) as { ok: boolean; message: string; data: { balance: string; expires: string | null } | null };
      }),
    );
    const at = voucher(code).redeemed_at!;
    const expires = expiryAfterTopUp(line, line.credit_expires_on);
    const won = replies.filter((r) => r.message === credited(customer, code, 3300));
    expect(won, 'exactly one request credits').toHaveLength(1);
    expect(won[0]).toEqual({
      ok: true,
      message: credited(customer, code, 3300),
      data: { balance: money(customer, state.credit_cents + 3300), expires: date(customer, expires) },
    });
    const rest = replies.filter((r) => r !== won[0]);
    for (const r of rest) expect(r).toEqual({ ok: true, message: alreadyCredited(customer, code, 3300, at), data: null });
    expectCreditedOnce(customer, state, audits, code, 3300, expires);

    // The page agrees.
    await openCredit(page, true);
    await expectFigures(page, customer, line, state.credit_cents + 3300, expires);
  });
});

for (const js of [false, true]) {
  test.describe(js ? 'With JavaScript' : 'Without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test("another customer's line is not found, and a top-up sent for it credits nothing", async ({ page, baseURL }) => {
      const { line, state, audits, customer } = prepaid();
      const other = linesOf(customerByEmail(DEMO.private).id)[0];
      const otherBefore = { line: creditState(other.id), ledger: ledgerOf(other.id) };
      const code = CODES.foreign;
      insertVoucher(code, 5000, 'PLN');
      const nothingChanged = () => {
        expect(voucher(code).redeemed_at, 'the voucher is still unused').toBeNull();
        expect(creditState(other.id)).toEqual(otherBefore.line);
        expect(ledgerOf(other.id)).toEqual(otherBefore.ledger);
        expectUnchanged(state, audits, customer.id);
        expect(attemptsSince(state)).toBe(0);
      };
      await signIn(page, js, DEMO.prepaid);
      const response = await page.goto(`/credit?line=${other.id}`);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
      await expect(page.getByLabel('Voucher code')).toHaveCount(0);
      for (const form of [other.msisdn.slice(1), displayMsisdn(other.msisdn).slice(1)]) {
        expect(await page.content()).not.toContain(form);
      }
      if (js) await shot(page, 'credit-foreign-line');

      // The own page's form, altered to name the other line.
      await openCredit(page, js);
      await lineSection(page, line).locator('input[name="line"]').evaluate((el, id) => ((el as HTMLInputElement).value = id), String(other.id));
      await voucherField(page, line).fill(code);
      await lineSection(page, line).getByRole('button', { name: 'Top up', exact: true }).click();
      await expectNotice(page, 'alert', 'Not found.');
      await expectFigures(page, customer, line, state.credit_cents, state.credit_expires_on);
      nothingChanged();

      // Straight to the server function, for the other line and for a line that is nobody's.
      for (const id of [other.id, 987654321]) {
        const post = await page.request.post('/api/redeem_voucher', {
          form: { line: String(id), code },
          headers: { Origin: baseURL!, Accept: 'application/json' },
        });
        const body = await post.text();
        expect(post.ok(), `status ${post.status()}: ${body}`).toBe(false);
        expect(body).not.toContain('credited');
      }
      nothingChanged();
    });
  });
}

test.describe("At a phone's width (390 px), without JavaScript", () => {
  test.use({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });

  test('the menu with "Credit" fits the screen: nothing to scroll sideways', async ({ page }) => {
    await signIn(page, false, DEMO.prepaid);
    await openCredit(page, false);
    const credit = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credit', exact: true });
    const box = await credit.boundingBox();
    expect(box!.x + box!.width, 'right edge of "Credit"').toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width').toBeLessThanOrEqual(390);
  });

  test('the message of a posted form is in view when the page comes back', async ({ page }) => {
    const { line, state, audits, customer } = prepaid();
    await signIn(page, false, DEMO.prepaid);
    await openCredit(page, false);
    await topUp(page, false, line, '1234');
    await expectNotice(page, 'alert', MESSAGES.malformed);
    await expect(page.locator('main .notice'), 'the top-up message').toBeInViewport({ timeout: 1_000 });
    expectUnchanged(state, audits, customer.id);
  });
});
